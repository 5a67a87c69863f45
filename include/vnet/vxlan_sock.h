// SPDX-License-Identifier: GPL-2.0-or-later
// One UDP socket shared by every VXLAN device on the same local address
// and port (struct vxlan_sock): it checks the VXLAN header and hands the
// datagram to the device that owns its VNI (vxlan_vs_find_vni), or to its
// one external-mode device, which takes every VNI and then shares the
// socket with no other (Linux binds a metadata device's socket apart).
// What it cannot hand on is counted here, under a reason.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>

#include "vnet/counters.h"
#include "vnet/ip_addr.h"
#include "vnet/vxlan.h"

namespace vnet {

class VxlanSock {
  public:
    // False if the VNI is already taken on this socket, or either the
    // socket's devices or `dev` is in external mode.
    bool add(VxlanDev& dev);
    void remove(VxlanDev& dev);
    bool empty() const { return devs_.empty() && !external_; }

    // A received datagram's UDP payload; `truncated` if it did not fit the
    // receive buffer (MSG_TRUNC).
    void rx(const IpAddr& src, std::uint8_t outer_tos, std::span<std::uint8_t> payload,
            bool truncated);

    const DeviceCounters& counters() const { return counters_; }

  private:
    static const std::string& name() {
        static const std::string n = "vxlan-socket";
        return n;
    }

    std::unordered_map<std::uint32_t, VxlanDev*> devs_;
    VxlanDev* external_ = nullptr;
    DeviceCounters counters_{&name()};
};

}  // namespace vnet
