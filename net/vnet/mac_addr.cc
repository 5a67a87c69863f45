// SPDX-License-Identifier: GPL-2.0-or-later
// MAC address formatting, as `ip link` prints it (%pM).
#include "vnet/mac_addr.h"

#include <cstdio>

namespace vnet {

std::string MacAddr::to_string() const {
    char s[18];
    std::snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                  bytes[3], bytes[4], bytes[5]);
    return s;
}

}  // namespace vnet
