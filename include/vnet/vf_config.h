// SPDX-License-Identifier: GPL-2.0-or-later
// What a PF driver keeps per SR-IOV virtual function and the host sets
// with `ip link set PF vf N ...` (the kernel's struct ifla_vf_info): an
// administratively set MAC, source-MAC spoof checking, trust, and the
// link state. The device enforces it as a NIC's embedded switch does:
// ixgbe and i40e check a VF's source MAC on transmit, let an untrusted
// VF neither override the MAC the host set nor go promiscuous, and force
// its link up or down when told.
#pragma once

#include "vnet/mac_addr.h"

namespace vnet {

class NetDevice;
class Packet;

// IFLA_VF_LINK_STATE_AUTO / _ENABLE / _DISABLE
enum class VfLinkState : unsigned char { automatic = 0, enable = 1, disable = 2 };

struct VfConfig {
    bool admin_mac = false;  // the host set the MAC (ixgbe's pf_set_mac)
    bool spoofchk = true;    // on, as Linux's PF drivers start their VFs
    bool trust = false;
    VfLinkState link_state = VfLinkState::automatic;
};

// The carrier a VF shows: forced, or what its lower's is.
bool vf_carrier(const VfConfig& vf, bool lower_carrier);
// Whether a VF's frame carries a source MAC other than its own.
bool vf_spoofed(const NetDevice& dev, const Packet& pkt);
// Whether the VF's driver may set `mac` as its address (VIRTIO_NET_CTRL_MAC_ADDR_SET):
// not to override the host's MAC unless trusted.
bool vf_permits_mac(const NetDevice& dev, const MacAddr& mac);
// Whether it may turn promiscuous mode on: trusted only.
bool vf_permits_promisc(const NetDevice& dev);

}  // namespace vnet
