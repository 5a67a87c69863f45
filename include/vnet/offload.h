// SPDX-License-Identifier: GPL-2.0-or-later
// The offload metadata a frame carries beside its bytes, as the kernel's
// skb does: ip_summed with csum_start/csum_offset, and skb_shinfo's
// gso_type/gso_size. It enters with a guest's virtio-net header
// (virtio_net_hdr.h) and is honoured by whoever takes the frame last: a
// driver that negotiated the matching feature gets it as a header again,
// anyone else gets segments and checksums made in software (gso.h).
#pragma once

#include <cstdint>

namespace vnet {

// skb->ip_summed, the three states a frame from a driver can be in.
enum class IpSummed : std::uint8_t {
    none,         // CHECKSUM_NONE: whatever the checksums are, they are final
    unnecessary,  // CHECKSUM_UNNECESSARY: already checked (DATA_VALID)
    partial,      // CHECKSUM_PARTIAL: csum_start/csum_offset left to fill
};

// skb_shinfo(skb)->gso_type, the kinds virtio-net carries.
enum class GsoType : std::uint8_t { none, tcpv4, tcpv6, udp_l4 };

struct Offload {
    IpSummed ip_summed = IpSummed::none;
    GsoType gso_type = GsoType::none;
    bool gso_ecn = false;          // SKB_GSO_TCP_ECN: CWR on the first segment only
    std::uint16_t gso_size = 0;    // payload bytes per segment
    std::uint16_t csum_start = 0;  // from the frame's first byte
    std::uint16_t csum_offset = 0;
    // Where the IP header starts and where the payload does (headers end):
    // skb_network_offset and, for GSO frames, the segments' header length.
    std::uint16_t network_offset = 0;
    std::uint16_t hdr_len = 0;

    bool is_gso() const { return gso_type != GsoType::none; }
};

}  // namespace vnet
