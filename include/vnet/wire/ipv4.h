// SPDX-License-Identifier: GPL-2.0-or-later
// IPv4 header view (RFC 791 §3.1). parse() checks version, IHL and total
// length against the buffer; payload() is cut at the total length, so
// Ethernet padding never reads as payload.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "vnet/wire/bytes.h"
#include "vnet/wire/checksum.h"

namespace vnet::wire {

inline constexpr std::size_t kIpv4MinHlen = 20;
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;
inline constexpr std::uint8_t kIpProtoIcmpv6 = 58;

class Ipv4View {
  public:
    static std::optional<Ipv4View> parse(std::span<const std::uint8_t> pkt) {
        if (pkt.size() < kIpv4MinHlen || (pkt[0] >> 4) != 4) {
            return std::nullopt;
        }
        const std::size_t hlen = std::size_t{pkt[0] & 0x0fu} * 4;
        const std::size_t total = load_be16(pkt.data() + 2);
        if (hlen < kIpv4MinHlen || total < hlen || total > pkt.size()) {
            return std::nullopt;
        }
        return Ipv4View(pkt.first(total), hlen);
    }

    std::size_t header_len() const { return hlen_; }
    std::uint8_t protocol() const { return pkt_[9]; }
    // Source and destination in network byte order as they sit on the wire.
    std::span<const std::uint8_t, 4> src() const { return pkt_.subspan<12, 4>(); }
    std::span<const std::uint8_t, 4> dst() const { return pkt_.subspan<16, 4>(); }
    // A fragment other than the first, or the first with more to come.
    bool is_fragment() const { return (load_be16(pkt_.data() + 6) & 0x3fffu) != 0; }
    std::span<const std::uint8_t> payload() const { return pkt_.subspan(hlen_); }
    std::uint8_t tos() const { return pkt_[1]; }
    std::uint8_t ttl() const { return pkt_[8]; }
    std::uint16_t id() const { return load_be16(pkt_.data() + 4); }
    bool dont_fragment() const { return (pkt_[6] & 0x40) != 0; }
    bool checksum_ok() const { return csum_fold(csum_add(0, pkt_.first(hlen_))) == 0; }

  private:
    Ipv4View(std::span<const std::uint8_t> p, std::size_t hlen) : pkt_(p), hlen_(hlen) {}

    std::span<const std::uint8_t> pkt_;
    std::size_t hlen_;
};

// The header the stack emits: no options (IHL 5).
struct Ipv4Repr {
    std::array<std::uint8_t, 4> src{};
    std::array<std::uint8_t, 4> dst{};
    std::uint8_t protocol = 0;
    std::uint8_t ttl = 64;
    std::uint8_t tos = 0;
    std::uint16_t id = 0;
    bool dont_fragment = true;

    static Ipv4Repr parse(const Ipv4View& v) {
        Ipv4Repr r;
        std::copy(v.src().begin(), v.src().end(), r.src.begin());
        std::copy(v.dst().begin(), v.dst().end(), r.dst.begin());
        r.protocol = v.protocol();
        r.ttl = v.ttl();
        r.tos = v.tos();
        r.id = v.id();
        r.dont_fragment = v.dont_fragment();
        return r;
    }

    // Writes kIpv4MinHlen bytes for a payload of payload_len, checksum set.
    void emit(std::uint8_t* p, std::size_t payload_len) const {
        p[0] = 0x45;
        p[1] = tos;
        store_be16(p + 2, static_cast<std::uint16_t>(kIpv4MinHlen + payload_len));
        store_be16(p + 4, id);
        store_be16(p + 6, dont_fragment ? 0x4000 : 0);
        p[8] = ttl;
        p[9] = protocol;
        store_be16(p + 10, 0);
        std::copy(src.begin(), src.end(), p + 12);
        std::copy(dst.begin(), dst.end(), p + 16);
        store_be16(p + 10, csum_fold(csum_add(0, {p, kIpv4MinHlen})));
    }
};

}  // namespace vnet::wire
