// SPDX-License-Identifier: GPL-2.0-or-later
#include "vnet/gso.h"

#include <algorithm>
#include <cstring>

#include "vnet/wire/bytes.h"
#include "vnet/wire/checksum.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"

namespace vnet {

namespace {

constexpr std::uint8_t kTcpFin = 0x01;
constexpr std::uint8_t kTcpPsh = 0x08;
constexpr std::uint8_t kTcpCwr = 0x80;

// The checksum over `b` (which holds its own field, seeded), folded.
std::uint16_t l4_checksum(std::span<const std::uint8_t> b) {
    return wire::csum_fold(wire::csum_add(0, b));
}

// The pseudo-header sum left in the field by the driver, moved from the
// whole frame's L4 length to a segment's (tcp_gso_segment's delta).
std::uint16_t reseed(std::uint16_t seed, std::uint32_t old_len, std::uint32_t new_len) {
    const std::uint32_t neg = ~old_len;
    std::uint32_t sum =
        std::uint32_t{seed} + (neg >> 16) + (neg & 0xffff) + (new_len >> 16) + (new_len & 0xffff);
    return static_cast<std::uint16_t>(~wire::csum_fold(sum));
}

}  // namespace

bool offload_needs_software(const Offload& o, const RxOffloads& r,
                            std::span<const std::uint8_t> frame) {
    switch (o.gso_type) {
        case GsoType::none:
            return o.ip_summed == IpSummed::partial && !r.csum;
        case GsoType::tcpv4:
            return !r.csum || !r.tso4 || (o.gso_ecn && !r.ecn);
        case GsoType::tcpv6:
            return !r.csum || !r.tso6 || (o.gso_ecn && !r.ecn);
        case GsoType::udp_l4: {
            const bool v4 = o.network_offset < frame.size() && (frame[o.network_offset] >> 4) == 4;
            return !r.csum || !(v4 ? r.uso4 : r.uso6);
        }
    }
    return true;
}

bool skb_checksum_help(std::span<std::uint8_t> frame, Offload& o) {
    if (o.ip_summed != IpSummed::partial) {
        return true;
    }
    const std::size_t field = std::size_t{o.csum_start} + o.csum_offset;
    if (o.is_gso() || field + 2 > frame.size()) {
        return false;
    }
    const std::uint16_t sum = l4_checksum(frame.subspan(o.csum_start));
    wire::store_be16(frame.data() + field, sum ? sum : 0xffff);
    o.ip_summed = IpSummed::none;
    return true;
}

std::size_t skb_gso_segment(std::span<const std::uint8_t> frame, const Offload& o,
                            std::span<std::uint8_t> scratch, GsoEmit emit, void* ctx,
                            bool leave_partial) {
    const std::size_t l3 = o.network_offset, l4 = o.csum_start, hlen = o.hdr_len;
    const std::size_t mss = o.gso_size;
    const bool tcp = o.gso_type == GsoType::tcpv4 || o.gso_type == GsoType::tcpv6;
    if (!o.is_gso() || mss == 0 || l3 == 0 || l3 >= l4 || l4 + (tcp ? 20 : 8) > hlen ||
        hlen > frame.size() || hlen + mss > scratch.size()) {
        return 0;
    }
    const bool v4 = (frame[l3] >> 4) == 4;
    if (v4 ? l3 + wire::kIpv4MinHlen > l4 : l3 + wire::kIpv6Hlen > l4) {
        return 0;
    }
    const std::size_t payload = frame.size() - hlen;
    const std::size_t check = l4 + (tcp ? 16 : 6);
    const std::uint16_t seed = wire::load_be16(frame.data() + check);
    const std::uint32_t old_l4_len = static_cast<std::uint32_t>(frame.size() - l4);
    const std::uint16_t id0 = v4 ? wire::load_be16(frame.data() + l3 + 4) : 0;
    const std::uint32_t seq0 = tcp ? wire::load_be32(frame.data() + l4 + 4) : 0;
    const std::uint8_t flags0 = tcp ? frame[l4 + 13] : 0;
    std::uint8_t* s = scratch.data();
    std::memcpy(s, frame.data(), hlen);

    std::size_t n = 0;
    for (std::size_t off = 0; off < payload || n == 0; off += mss, ++n) {
        const std::size_t chunk = std::min(mss, payload - off);
        const bool last = off + chunk >= payload;
        const std::size_t len = hlen + chunk;
        std::memcpy(s + hlen, frame.data() + hlen + off, chunk);
        if (v4) {
            wire::store_be16(s + l3 + 2, static_cast<std::uint16_t>(len - l3));
            wire::store_be16(s + l3 + 4, static_cast<std::uint16_t>(id0 + n));
            wire::store_be16(s + l3 + 10, 0);
            wire::store_be16(s + l3 + 10, l4_checksum({s + l3, l4 - l3}));
        } else {
            wire::store_be16(s + l3 + 4, static_cast<std::uint16_t>(len - l3 - wire::kIpv6Hlen));
        }
        const auto l4_len = static_cast<std::uint32_t>(len - l4);
        if (tcp) {
            wire::store_be32(s + l4 + 4, static_cast<std::uint32_t>(seq0 + off));
            std::uint8_t flags = flags0;
            if (!last) {
                flags &= static_cast<std::uint8_t>(~(kTcpFin | kTcpPsh));
            }
            if (n != 0) {
                flags &= static_cast<std::uint8_t>(~kTcpCwr);
            }
            s[l4 + 13] = flags;
        } else {
            wire::store_be16(s + l4 + 4, static_cast<std::uint16_t>(l4_len));
        }
        wire::store_be16(s + check, reseed(seed, old_l4_len, l4_len));
        if (!leave_partial) {
            std::uint16_t sum = l4_checksum({s + l4, l4_len});
            if (!tcp && sum == 0) {
                sum = 0xffff;  // UDP's "no checksum" is 0 (CSUM_MANGLED_0)
            }
            wire::store_be16(s + check, sum);
        }
        if (!emit(ctx, {s, len})) {
            return n + 1;
        }
        if (last) {
            return n + 1;
        }
    }
    return n;
}

}  // namespace vnet
