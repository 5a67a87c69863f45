// SPDX-License-Identifier: GPL-2.0-or-later
// vxlan_rcv's first half: header checks and the VNI lookup.
#include "vnet/vxlan_sock.h"

#include "vnet/wire/vxlan.h"

namespace vnet {

bool VxlanSock::add(VxlanDev& dev) {
    if (external_) {
        return false;
    }
    if (dev.config().external) {
        if (!devs_.empty()) {
            return false;
        }
        external_ = &dev;
        return true;
    }
    return devs_.try_emplace(dev.config().vni, &dev).second;
}

void VxlanSock::remove(VxlanDev& dev) {
    if (external_ == &dev) {
        external_ = nullptr;
        return;
    }
    auto it = devs_.find(dev.config().vni);
    if (it != devs_.end() && it->second == &dev) {
        devs_.erase(it);
    }
}

void VxlanSock::rx(const IpAddr& src, std::uint8_t outer_tos, std::span<std::uint8_t> payload,
                   bool truncated) {
    auto h = wire::VxlanHeader::parse(payload);
    if (!h) {
        counters_.drop(DropReason::vx_short);
        return;
    }
    if (!h->has_vni()) {
        counters_.drop(DropReason::vx_no_i_flag);
        return;
    }
    VxlanDev* d = external_;
    if (!d) {
        auto it = devs_.find(h->vni);
        if (it == devs_.end()) {
            counters_.drop(DropReason::vx_unknown_vni);
            return;
        }
        d = it->second;
    }
    VxlanDev& dev = *d;
    const std::span<std::uint8_t> inner = payload.subspan(wire::kVxlanHlen);
    // vxlan_remcsum: the frame must reach the checksum field it names.
    const bool remcsum = dev.config().remcsum_rx && h->has_rco();
    if (remcsum && inner.size() < h->rco_field() + 2) {
        dev.counters().drop(DropReason::vx_truncated);
        return;
    }
    // vxlan_parse_gbp_hdr claims the GBP bits only with gbp on, and
    // vxlan_remcsum the RCO ones only with remcsum-rx.
    if (!h->reserved_clear(dev.config().gbp, dev.config().remcsum_rx)) {
        dev.counters().drop(DropReason::vx_reserved_bits);
        return;
    }
    if (truncated) {
        dev.counters().drop(DropReason::vx_oversize);
        return;
    }
    counters_.rx_packets++;
    counters_.rx_bytes += payload.size();
    if (dev.config().gbp && h->has_gbp()) {
        dev.count_gbp(h->gbp_id());
    }
    // Linux leaves the checksum partial for whoever takes the frame
    // (skb_remcsum_adjust_partial); a NIC that takes no partial checksum
    // gets it finished, as remcsum_nopartial would.
    dev.rx(src, outer_tos, inner, remcsum ? dev.take_remcsum(inner, *h) : Offload{}, h->vni);
}

}  // namespace vnet
