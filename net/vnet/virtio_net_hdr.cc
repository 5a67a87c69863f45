// SPDX-License-Identifier: GPL-2.0-or-later
#include "vnet/virtio_net_hdr.h"

#include "vnet/wire/bytes.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"

namespace vnet {

namespace {

constexpr std::uint16_t kTcpCheckOffset = 16;  // offsetof(struct tcphdr, check)
constexpr std::uint16_t kUdpCheckOffset = 6;   // offsetof(struct udphdr, check)
constexpr std::size_t kTcpMinHlen = 20;
constexpr std::size_t kUdpHlen = 8;

HdrCheck refuse(DropReason why) { return {Offload{}, why}; }

// A GSO frame's headers as its type says: IP version and protocol, the
// checksum at the L4 header's own field, lengths that are the frame's.
// Sets network_offset and hdr_len; false if they are not so.
bool gso_headers_ok(std::span<const std::uint8_t> f, Offload& o) {
    auto eth = wire::EthernetView::parse(f);
    if (!eth) {
        return false;
    }
    const std::uint16_t type = eth->ethertype();
    const std::size_t l3 = eth->header_len();
    const bool tcp = o.gso_type != GsoType::udp_l4;
    std::size_t l4 = 0;
    std::uint8_t proto = 0;
    if (type == wire::kEthPIpv4 && o.gso_type != GsoType::tcpv6) {
        auto ip = wire::Ipv4View::parse(f.subspan(l3));
        if (!ip || l3 + ip->payload().size() + ip->header_len() != f.size() || ip->is_fragment()) {
            return false;
        }
        l4 = l3 + ip->header_len();
        proto = ip->protocol();
    } else if (type == wire::kEthPIpv6 && o.gso_type != GsoType::tcpv4) {
        auto ip = wire::Ipv6View::parse(f.subspan(l3));
        if (!ip || l3 + wire::kIpv6Hlen + ip->payload().size() != f.size()) {
            return false;
        }
        l4 = l3 + wire::kIpv6Hlen;  // no extension headers
        proto = ip->next_header();
    } else {
        return false;
    }
    if (proto != (tcp ? wire::kIpProtoTcp : wire::kIpProtoUdp) || o.csum_start != l4 ||
        o.csum_offset != (tcp ? kTcpCheckOffset : kUdpCheckOffset)) {
        return false;
    }
    std::size_t l4_hlen = kUdpHlen;
    if (tcp) {
        if (l4 + kTcpMinHlen > f.size()) {
            return false;
        }
        l4_hlen = static_cast<std::size_t>(f[l4 + 12] >> 4) * 4;
        if (l4_hlen < kTcpMinHlen) {
            return false;
        }
    }
    if (l4 + l4_hlen > f.size()) {
        return false;
    }
    o.network_offset = static_cast<std::uint16_t>(l3);
    o.hdr_len = static_cast<std::uint16_t>(l4 + l4_hlen);
    return true;
}

}  // namespace

VirtioNetHdr VirtioNetHdr::load(const std::uint8_t* p) {
    return {p[0],
            p[1],
            wire::load_le16(p + 2),
            wire::load_le16(p + 4),
            wire::load_le16(p + 6),
            wire::load_le16(p + 8)};
}

void VirtioNetHdr::store(std::uint8_t* p) const {
    const auto le16 = [](std::uint8_t* q, std::uint16_t v) {
        q[0] = static_cast<std::uint8_t>(v);
        q[1] = static_cast<std::uint8_t>(v >> 8);
    };
    p[0] = flags;
    p[1] = gso_type;
    le16(p + 2, hdr_len);
    le16(p + 4, gso_size);
    le16(p + 6, csum_start);
    le16(p + 8, csum_offset);
}

HdrCheck virtio_net_hdr_to_offload(const VirtioNetHdr& h, std::span<const std::uint8_t> frame,
                                   const TxOffloads& allowed, bool data_valid) {
    Offload o;
    const bool ecn = (h.gso_type & kVirtioNetHdrGsoEcn) != 0;
    switch (h.gso_type & ~kVirtioNetHdrGsoEcn) {
        case kVirtioNetHdrGsoNone:
            if (ecn) {
                return refuse(DropReason::tx_bad_gso);
            }
            break;
        case kVirtioNetHdrGsoTcpv4:
            if (!allowed.tso4) {
                return refuse(DropReason::tx_bad_gso);
            }
            o.gso_type = GsoType::tcpv4;
            break;
        case kVirtioNetHdrGsoTcpv6:
            if (!allowed.tso6) {
                return refuse(DropReason::tx_bad_gso);
            }
            o.gso_type = GsoType::tcpv6;
            break;
        case kVirtioNetHdrGsoUdpL4:
            if (!allowed.uso || ecn) {
                return refuse(DropReason::tx_bad_gso);
            }
            o.gso_type = GsoType::udp_l4;
            break;
        default:  // UFO (never offered) and anything unknown
            return refuse(DropReason::tx_bad_gso);
    }
    if (ecn && !allowed.ecn) {
        return refuse(DropReason::tx_bad_gso);
    }
    o.gso_ecn = ecn;
    if (h.flags & kVirtioNetHdrFNeedsCsum) {
        if (!allowed.csum ||
            std::size_t{h.csum_start} + h.csum_offset + sizeof(std::uint16_t) > frame.size()) {
            return refuse(DropReason::tx_bad_csum);
        }
        o.ip_summed = IpSummed::partial;
        o.csum_start = h.csum_start;
        o.csum_offset = h.csum_offset;
    } else if (data_valid && (h.flags & kVirtioNetHdrFDataValid)) {
        o.ip_summed = IpSummed::unnecessary;
    }
    if (o.is_gso()) {
        // A GSO frame is a partial-checksum frame cut at gso_size (the
        // kernel's segmentation assumes both), with hdr_len only a hint.
        if (h.gso_size == 0 || o.ip_summed != IpSummed::partial || h.hdr_len > frame.size() ||
            !gso_headers_ok(frame, o)) {
            return refuse(DropReason::tx_bad_gso);
        }
        o.gso_size = h.gso_size;
    }
    return {o, std::nullopt};
}

VirtioNetHdr virtio_net_hdr_from_offload(const Offload& o, bool data_valid) {
    VirtioNetHdr h;
    if (o.ip_summed == IpSummed::partial) {
        h.flags = kVirtioNetHdrFNeedsCsum;
        h.csum_start = o.csum_start;
        h.csum_offset = o.csum_offset;
    } else if (o.ip_summed == IpSummed::unnecessary && data_valid) {
        h.flags = kVirtioNetHdrFDataValid;
    }
    switch (o.gso_type) {
        case GsoType::none:
            return h;
        case GsoType::tcpv4:
            h.gso_type = kVirtioNetHdrGsoTcpv4;
            break;
        case GsoType::tcpv6:
            h.gso_type = kVirtioNetHdrGsoTcpv6;
            break;
        case GsoType::udp_l4:
            h.gso_type = kVirtioNetHdrGsoUdpL4;
            break;
    }
    if (o.gso_ecn) {
        h.gso_type |= kVirtioNetHdrGsoEcn;
    }
    h.gso_size = o.gso_size;
    h.hdr_len = o.hdr_len;
    return h;
}

}  // namespace vnet
