// SPDX-License-Identifier: GPL-2.0-or-later
// ARP for IPv4 over Ethernet (RFC 826): the view checks the fixed-size
// Ethernet/IPv4 form (htype 1, ptype 0x0800, hlen 6, plen 4); ArpRepr is
// the value the stack uses, parsed from and emitted to those 28 bytes.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

#include "vnet/mac_addr.h"
#include "vnet/wire/bytes.h"

namespace vnet::wire {

inline constexpr std::size_t kArpLen = 28;
// Where the protocol addresses sit in the 28 bytes.
inline constexpr std::size_t kArpSpaOff = 14;
inline constexpr std::size_t kArpTpaOff = 24;
inline constexpr std::uint16_t kArpOpRequest = 1;
inline constexpr std::uint16_t kArpOpReply = 2;

using Ipv4Addr = std::array<std::uint8_t, 4>;

inline bool arp_is_ipv4_over_ethernet(std::span<const std::uint8_t> p) {
    return p.size() >= kArpLen && load_be16(p.data()) == 1 && load_be16(p.data() + 2) == 0x0800 &&
           p[4] == 6 && p[5] == 4;
}

// A checked view of the 28 bytes, for reading addresses where they sit.
class ArpView {
  public:
    static std::optional<ArpView> parse(std::span<const std::uint8_t> p) {
        if (!arp_is_ipv4_over_ethernet(p)) {
            return std::nullopt;
        }
        return ArpView(p);
    }
    std::uint16_t op() const { return load_be16(p_.data() + 6); }
    std::span<const std::uint8_t, 4> spa() const { return p_.subspan<kArpSpaOff, 4>(); }
    std::span<const std::uint8_t, 4> tpa() const { return p_.subspan<kArpTpaOff, 4>(); }

  private:
    explicit ArpView(std::span<const std::uint8_t> p) : p_(p) {}
    std::span<const std::uint8_t> p_;
};

struct ArpRepr {
    std::uint16_t op = kArpOpRequest;
    MacAddr sha{};
    Ipv4Addr spa{};
    MacAddr tha{};
    Ipv4Addr tpa{};

    static std::optional<ArpRepr> parse(std::span<const std::uint8_t> p) {
        if (!arp_is_ipv4_over_ethernet(p)) {
            return std::nullopt;
        }
        ArpRepr r;
        r.op = load_be16(p.data() + 6);
        r.sha = MacAddr::from(p.data() + 8);
        std::memcpy(r.spa.data(), p.data() + kArpSpaOff, 4);
        r.tha = MacAddr::from(p.data() + 18);
        std::memcpy(r.tpa.data(), p.data() + kArpTpaOff, 4);
        return r;
    }

    // Writes kArpLen bytes.
    void emit(std::uint8_t* p) const {
        store_be16(p, 1);
        store_be16(p + 2, 0x0800);
        p[4] = 6;
        p[5] = 4;
        store_be16(p + 6, op);
        std::memcpy(p + 8, sha.bytes.data(), 6);
        std::memcpy(p + kArpSpaOff, spa.data(), 4);
        std::memcpy(p + 18, tha.bytes.data(), 6);
        std::memcpy(p + kArpTpaOff, tpa.data(), 4);
    }

    friend bool operator==(const ArpRepr&, const ArpRepr&) = default;
};

}  // namespace vnet::wire
