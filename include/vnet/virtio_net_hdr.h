// SPDX-License-Identifier: GPL-2.0-or-later
// struct virtio_net_hdr (virtio 1.2 §5.1.6) to and from a frame's offload
// metadata, as the kernel's virtio_net_hdr_to_skb and
// virtio_net_hdr_from_skb do: what a driver claims is checked against the
// frame it came with before anything trusts it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "vnet/counters.h"
#include "vnet/offload.h"

namespace vnet {

// The first ten bytes every virtio-net header has, in virtio's byte order
// (little-endian on a VERSION_1 device).
inline constexpr std::size_t kVirtioNetHdrLen = 10;

inline constexpr std::uint8_t kVirtioNetHdrFNeedsCsum = 1;
inline constexpr std::uint8_t kVirtioNetHdrFDataValid = 2;
inline constexpr std::uint8_t kVirtioNetHdrGsoNone = 0;
inline constexpr std::uint8_t kVirtioNetHdrGsoTcpv4 = 1;
inline constexpr std::uint8_t kVirtioNetHdrGsoUdp = 3;
inline constexpr std::uint8_t kVirtioNetHdrGsoTcpv6 = 4;
inline constexpr std::uint8_t kVirtioNetHdrGsoUdpL4 = 5;
inline constexpr std::uint8_t kVirtioNetHdrGsoEcn = 0x80;

struct VirtioNetHdr {
    std::uint8_t flags = 0;
    std::uint8_t gso_type = kVirtioNetHdrGsoNone;
    std::uint16_t hdr_len = 0;
    std::uint16_t gso_size = 0;
    std::uint16_t csum_start = 0;
    std::uint16_t csum_offset = 0;

    static VirtioNetHdr load(const std::uint8_t* p);
    void store(std::uint8_t* p) const;
};

// virtio_net_hdr_to_skb: the offload of `frame` as its driver describes
// it, or the reason it is refused (tx_bad_csum: a checksum to fill outside
// the frame, or without CSUM; tx_bad_gso: a GSO type not negotiated or
// unknown, gso_size 0, no NEEDS_CSUM, or headers that are not the type's).
// DATA_VALID from a driver means nothing (§5.1.6.2) and is ignored,
// unless data_valid (a host's tap says the checksums were checked).
struct HdrCheck {
    Offload offload;
    std::optional<DropReason> refused;
};
HdrCheck virtio_net_hdr_to_offload(const VirtioNetHdr& h, std::span<const std::uint8_t> frame,
                                   const TxOffloads& allowed, bool data_valid = false);

// virtio_net_hdr_from_skb: the header a receiving driver gets for a frame
// it takes whole. data_valid: the driver negotiated GUEST_CSUM, so a frame
// already checked is marked DATA_VALID.
VirtioNetHdr virtio_net_hdr_from_offload(const Offload& o, bool data_valid);

}  // namespace vnet
