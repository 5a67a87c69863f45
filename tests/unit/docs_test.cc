// SPDX-License-Identifier: GPL-2.0-or-later
// Every drop reason QMP can report is named in the docs a user reads to
// learn what it means: a reason added without its line fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "vnet/counters.h"

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(Docs, EveryDropReasonIsDocumented) {
    const std::string top = VNET_SOURCE_ROOT;
    const std::string dev = slurp(top + "/docs/system/devices/vnet-multi.rst");
    const std::string vxlan = slurp(top + "/docs/system/netdev-vxlan.rst");
    ASSERT_FALSE(dev.empty());
    ASSERT_FALSE(vxlan.empty());
    for (std::size_t i = 0; i < vnet::kDropReasons; ++i) {
        const std::string name = vnet::drop_reason_name(static_cast<vnet::DropReason>(i));
        const std::string& doc = name.rfind("vxlan-", 0) == 0 ? vxlan : dev;
        EXPECT_NE(doc.find("``" + name + "``"), std::string::npos) << name;
    }
}

}  // namespace
