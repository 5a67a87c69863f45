// SPDX-License-Identifier: GPL-2.0-or-later
// What a PF driver keeps per SR-IOV virtual function and the host sets
// with `ip link set PF vf N ...` (the kernel's struct ifla_vf_info): an
// administratively set MAC, a port VLAN, source-MAC spoof checking, trust,
// and the link state. The device enforces it as a NIC's embedded switch does:
// ixgbe and i40e check a VF's source MAC on transmit, let an untrusted
// VF neither override the MAC the host set nor go promiscuous, and force
// its link up or down when told.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "vnet/counters.h"
#include "vnet/mac_addr.h"
#include "vnet/offload.h"

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
    // The port VLAN (`vf N vlan V qos Q`; 0: none): the VF's frames get
    // this tag on the way out, and only frames with it reach the VF,
    // stripped, as a NIC's per-VF VLAN insertion and stripping do.
    std::uint16_t vlan = 0;
    std::uint8_t qos = 0;
};

// The carrier a VF shows: forced, or what its lower's is.
bool vf_carrier(const VfConfig& vf, bool lower_carrier);
// Whether a VF's frame carries a source MAC other than its own.
bool vf_spoofed(const NetDevice& dev, const Packet& pkt);
// What the eswitch does to a frame the VF sends: the spoof check, then the
// port VLAN's tag pushed (a frame the VF tagged itself is refused, as a VF
// under a port VLAN may not choose one). The reason to drop it, if any.
std::optional<DropReason> vf_egress(const NetDevice& dev, Packet& pkt);
// Whether a frame may reach a VF with a port VLAN: tagged with it.
bool vf_port_vlan_admits(const VfConfig& vf, std::span<const std::uint8_t> frame);
// The offload metadata of a frame once a tag is pushed in front of its
// network header (bytes > 0) or pulled from it (bytes < 0).
Offload offload_moved(const Offload& o, int bytes);
// Whether the VF's driver may set `mac` as its address (VIRTIO_NET_CTRL_MAC_ADDR_SET):
// not to override the host's MAC unless trusted.
bool vf_permits_mac(const NetDevice& dev, const MacAddr& mac);
// Whether it may turn promiscuous mode on: trusted only.
bool vf_permits_promisc(const NetDevice& dev);

}  // namespace vnet
