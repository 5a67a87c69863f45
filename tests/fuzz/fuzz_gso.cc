// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: a guest's virtio-net header and frame through the
// offload path as a transmit takes it. Input: one byte of negotiated
// offloads (bit 0 CSUM, 1 HOST_TSO4, 2 HOST_TSO6, 3 HOST_ECN, 4 HOST_USO),
// the 10-byte header, the frame. What the header check accepts must be
// cut and checksummed without a read outside the frame, into segments no
// longer than the header promised, whose IPv4 and L4 checksums verify and
// whose payload is the frame's, in order. The segmenter is also run on the
// raw, unchecked header, where it must only refuse or stay in bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "vnet/gso.h"
#include "vnet/virtio_net_hdr.h"
#include "vnet/wire/bytes.h"
#include "vnet/wire/checksum.h"

using namespace vnet;

namespace {

std::uint8_t g_scratch[65536 + 512];

struct Check {
    const Offload* o;
    std::span<const std::uint8_t> frame;
    std::size_t payload_off = 0;  // payload bytes seen so far
    bool verify = true;
    bool seed_true = false;  // the driver left the true pseudo-header sum
};

// The pseudo-header sum over an IPv4 or IPv6 header at l3 for an L4
// length.
std::uint32_t pseudo_sum(std::span<const std::uint8_t> f, std::size_t l3, std::uint32_t l4_len) {
    if ((f[l3] >> 4) == 4) {
        return wire::csum_pseudo(f.subspan(l3 + 12, 4), f.subspan(l3 + 16, 4), f[l3 + 9], l4_len);
    }
    return wire::csum_pseudo(f.subspan(l3 + 8, 16), f.subspan(l3 + 24, 16), f[l3 + 6], l4_len);
}

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

bool emit(void* c, std::span<const std::uint8_t> seg) {
    auto* k = static_cast<Check*>(c);
    const Offload& o = *k->o;
    if (!k->verify) {
        return true;
    }
    require(seg.size() >= o.hdr_len && seg.size() <= std::size_t{o.hdr_len} + o.gso_size);
    const std::size_t chunk = seg.size() - o.hdr_len;
    require(std::memcmp(seg.data() + o.hdr_len, k->frame.data() + o.hdr_len + k->payload_off,
                        chunk) == 0);
    k->payload_off += chunk;
    const std::size_t l3 = o.network_offset, l4 = o.csum_start;
    if ((seg[l3] >> 4) == 4) {
        require(wire::csum_fold(wire::csum_add(0, seg.subspan(l3, l4 - l3))) == 0);
    }
    // Only a driver that seeded the field with the true pseudo-header sum
    // gets segments whose checksum verifies (as with the kernel).
    if (k->seed_true) {
        const auto l4_len = static_cast<std::uint32_t>(seg.size() - l4);
        require(wire::csum_fold(wire::csum_add(pseudo_sum(seg, l3, l4_len), seg.subspan(l4))) == 0);
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1 + kVirtioNetHdrLen) {
        return 0;
    }
    const std::uint8_t bits = data[0];
    const TxOffloads allowed{.csum = (bits & 1) != 0,
                             .tso4 = (bits & 2) != 0,
                             .tso6 = (bits & 4) != 0,
                             .ecn = (bits & 8) != 0,
                             .uso = (bits & 16) != 0};
    const VirtioNetHdr h = VirtioNetHdr::load(data + 1);
    // Each its own allocation, so ASan sees a read past the frame's end.
    std::vector<std::uint8_t> frame(data + 1 + kVirtioNetHdrLen, data + size);

    // Unchecked: the header's numbers taken as they come.
    Offload raw;
    raw.ip_summed = (h.flags & kVirtioNetHdrFNeedsCsum) ? IpSummed::partial : IpSummed::none;
    raw.gso_type = static_cast<GsoType>(h.gso_type % 4);
    raw.gso_size = h.gso_size;
    raw.csum_start = h.csum_start;
    raw.csum_offset = h.csum_offset;
    raw.hdr_len = h.hdr_len;
    raw.network_offset = bits;
    Check unchecked{&raw, frame, 0, false};
    skb_gso_segment(frame, raw, g_scratch, emit, &unchecked);
    if (!raw.is_gso()) {
        std::vector<std::uint8_t> copy = frame;
        skb_checksum_help(copy, raw);
    }

    const HdrCheck c = virtio_net_hdr_to_offload(h, frame, allowed);
    if (c.refused) {
        require(*c.refused == DropReason::tx_bad_csum || *c.refused == DropReason::tx_bad_gso);
        return 0;
    }
    Offload o = c.offload;
    if (!o.is_gso()) {
        require(skb_checksum_help(frame, o));
        require(o.ip_summed == IpSummed::none);
        return 0;
    }
    Check k{&o, frame};
    const std::size_t l4 = o.csum_start;
    const std::uint16_t want = static_cast<std::uint16_t>(~wire::csum_fold(
        pseudo_sum(frame, o.network_offset, static_cast<std::uint32_t>(frame.size() - l4))));
    k.seed_true = wire::load_be16(frame.data() + l4 + o.csum_offset) == want;
    const std::size_t n = skb_gso_segment(frame, o, g_scratch, emit, &k);
    const std::size_t payload = frame.size() - o.hdr_len;
    require(n == (payload == 0 ? 1 : (payload + o.gso_size - 1) / o.gso_size));
    require(k.payload_off == payload);
    return 0;
}
