// SPDX-License-Identifier: GPL-2.0-or-later
// A VF's host-side settings, enforced (see vf_config.h).
#include "vnet/vf_config.h"

#include <cstring>

#include "vnet/net_device.h"
#include "vnet/packet.h"
#include "vnet/wire/bytes.h"
#include "vnet/wire/ethernet.h"

namespace vnet {

bool vf_carrier(const VfConfig& vf, bool lower_carrier) {
    switch (vf.link_state) {
        case VfLinkState::enable:
            return true;
        case VfLinkState::disable:
            return false;
        case VfLinkState::automatic:
            break;
    }
    return lower_carrier;
}

bool vf_spoofed(const NetDevice& dev, const Packet& pkt) {
    const VfConfig* vf = dev.vf();
    if (!vf || !vf->spoofchk || pkt.len() < wire::kEthHlen) {
        return false;
    }
    return MacAddr::from(pkt.headers().data() + 6) != dev.mac();
}

std::optional<DropReason> vf_egress(const NetDevice& dev, Packet& pkt) {
    const VfConfig* vf = dev.vf();
    if (!vf) {
        return std::nullopt;
    }
    if (vf_spoofed(dev, pkt)) {
        return DropReason::tx_spoofed;
    }
    if (!vf->vlan || pkt.len() < wire::kEthHlen) {
        return std::nullopt;
    }
    if (wire::vlan_id(pkt.headers(), true)) {
        return DropReason::tx_vlan_tagged;
    }
    std::uint8_t* p = pkt.push(wire::kVlanHlen);
    if (!p) {
        return DropReason::tx_no_buffer;  // no headroom: not a pool packet
    }
    std::memmove(p, p + wire::kVlanHlen, 2 * kEthAlen);
    wire::store_be16(p + 12, wire::kEthP8021Q);
    wire::store_be16(p + 14, static_cast<std::uint16_t>((vf->qos & 7) << 13 | (vf->vlan & 0xfff)));
    pkt.offload = offload_moved(pkt.offload, static_cast<int>(wire::kVlanHlen));
    return std::nullopt;
}

bool vf_port_vlan_admits(const VfConfig& vf, std::span<const std::uint8_t> frame) {
    const std::optional<std::uint16_t> vid = wire::vlan_id(frame);
    return vid && *vid == vf.vlan && frame.size() >= wire::kEthHlen + wire::kVlanHlen;
}

Offload offload_moved(const Offload& o, int bytes) {
    Offload m = o;
    const auto move = [bytes](std::uint16_t& v) {
        if (v) {
            v = static_cast<std::uint16_t>(v + bytes);
        }
    };
    if (m.ip_summed == IpSummed::partial) {
        m.csum_start = static_cast<std::uint16_t>(m.csum_start + bytes);
    }
    move(m.network_offset);
    move(m.hdr_len);
    return m;
}

bool vf_permits_mac(const NetDevice& dev, const MacAddr& mac) {
    const VfConfig* vf = dev.vf();
    return !vf || vf->trust || !vf->admin_mac || mac == dev.mac();
}

bool vf_permits_promisc(const NetDevice& dev) {
    const VfConfig* vf = dev.vf();
    return !vf || vf->trust;
}

}  // namespace vnet
