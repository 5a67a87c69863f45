// SPDX-License-Identifier: GPL-2.0-or-later
// Offloads done in software, for a receiver that cannot take them: the
// kernel's skb_checksum_help (fill a CHECKSUM_PARTIAL frame's checksum)
// and skb_gso_segment with the checksums its segments need (tcp_gso_segment,
// __udp_gso_segment, inet_gso_segment / ipv6_gso_segment). Both work on an
// Offload that virtio_net_hdr_to_offload accepted; they still check every
// offset against the frame.
#pragma once

#include <cstdint>
#include <span>

#include "vnet/offload.h"

namespace vnet {

// Whether a receiver taking `r` whole must have the frame cut or
// checksummed first (netif_needs_gso, and skb_csum_hwoffload_help's
// test): a GSO type it did not negotiate, or a checksum left to fill
// without GUEST_CSUM.
bool offload_needs_software(const Offload& o, const RxOffloads& r,
                            std::span<const std::uint8_t> frame);

// Fills the checksum at csum_start + csum_offset over the bytes from
// csum_start on (the field holding the pseudo-header sum the driver left),
// 0 written as 0xffff (CSUM_MANGLED_0); then ip_summed is none. False if
// the offsets fall outside the frame.
bool skb_checksum_help(std::span<std::uint8_t> frame, Offload& o);

// Called with each segment, a complete frame with final checksums; false
// stops the segmentation (the receiver is full).
using GsoEmit = bool (*)(void* ctx, std::span<const std::uint8_t> segment);

// Cuts a GSO frame into frames of at most gso_size payload bytes, each
// built in `scratch` (which must hold hdr_len + gso_size bytes) and handed
// to emit: IPv4 total length, ID (one more each segment) and header
// checksum, IPv6 payload length, TCP sequence numbers with FIN and PSH
// only on the last segment and CWR only on the first, UDP length, and the
// L4 checksum, or with leave_partial the pseudo-header's sum for that
// segment's length in its place (CHECKSUM_PARTIAL kept, for a receiver to
// finish: remote checksum offload). Returns the number of segments
// emitted; 0 if the frame is not a GSO frame this can cut or scratch is
// too small.
std::size_t skb_gso_segment(std::span<const std::uint8_t> frame, const Offload& o,
                            std::span<std::uint8_t> scratch, GsoEmit emit, void* ctx,
                            bool leave_partial = false);

}  // namespace vnet
