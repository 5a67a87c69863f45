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
    // The longest frame a len-byte frame with this offload becomes on a
    // wire: one segment of a GSO frame (skb_gso_validate_network_len
    // checks that against the MTU), else itself.
    std::size_t wire_len(std::size_t len) const {
        const std::size_t seg = std::size_t{hdr_len} + gso_size;
        return is_gso() && seg < len ? seg : len;
    }
};

// What a function's driver may hand over (negotiated VIRTIO_NET_F_CSUM,
// HOST_TSO4/6, HOST_ECN, HOST_USO): a frame claiming more is refused.
struct TxOffloads {
    bool csum = false;
    bool tso4 = false;
    bool tso6 = false;
    bool ecn = false;
    bool uso = false;
};

// What a function's driver takes whole (GUEST_CSUM, GUEST_TSO4/6,
// GUEST_ECN, GUEST_USO4/6, as CTRL_GUEST_OFFLOADS last set them): the
// device's features as TUNSETOFFLOAD sets a tap's. A frame needing more is
// cut and checksummed for it in software.
struct RxOffloads {
    bool csum = false;
    bool tso4 = false;
    bool tso6 = false;
    bool ecn = false;
    bool uso4 = false;
    bool uso6 = false;
};

}  // namespace vnet
