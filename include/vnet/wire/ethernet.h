// SPDX-License-Identifier: GPL-2.0-or-later
// Ethernet II header view (IEEE 802.3 framing as Linux's struct ethhdr),
// with the 802.1Q tag skipped when present. The length is checked once in
// parse(); the accessors then read without further checks.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>

#include "vnet/mac_addr.h"
#include "vnet/wire/bytes.h"

namespace vnet::wire {

inline constexpr std::size_t kEthHlen = 14;         // dst + src + ethertype
inline constexpr std::size_t kVlanHlen = 4;         // IEEE 802.1Q tag
inline constexpr std::uint16_t kVlanVidMax = 4095;  // VLAN_VID_MASK, itself reserved
inline constexpr std::uint16_t kEthPIpv4 = 0x0800;
inline constexpr std::uint16_t kEthPArp = 0x0806;
inline constexpr std::uint16_t kEthP8021Q = 0x8100;
inline constexpr std::uint16_t kEthP8021AD = 0x88A8;
inline constexpr std::uint16_t kEthPIpv6 = 0x86DD;

class EthernetView {
  public:
    static std::optional<EthernetView> parse(std::span<const std::uint8_t> frame) {
        if (frame.size() < kEthHlen) {
            return std::nullopt;
        }
        std::size_t hlen = kEthHlen;
        std::uint16_t proto = load_be16(frame.data() + 12);
        std::optional<std::uint16_t> tci;
        if (proto == kEthP8021Q || proto == kEthP8021AD) {
            if (frame.size() < kEthHlen + kVlanHlen) {
                return std::nullopt;
            }
            hlen += kVlanHlen;
            tci = load_be16(frame.data() + 14);
            proto = load_be16(frame.data() + 16);
        }
        return EthernetView(frame, hlen, proto, tci);
    }

    std::span<const std::uint8_t> frame() const { return frame_; }
    MacAddr dst() const { return MacAddr::from(frame_.data()); }
    MacAddr src() const { return MacAddr::from(frame_.data() + kEthAlen); }
    // The ethertype after any 802.1Q tag.
    std::uint16_t ethertype() const { return proto_; }
    std::size_t header_len() const { return hlen_; }
    std::span<const std::uint8_t> payload() const { return frame_.subspan(hlen_); }
    // The 802.1Q tag control information (PCP, DEI, VID), if tagged.
    std::optional<std::uint16_t> vlan_tci() const { return tci_; }

  private:
    EthernetView(std::span<const std::uint8_t> f, std::size_t hlen, std::uint16_t proto,
                 std::optional<std::uint16_t> tci)
        : frame_(f), hlen_(hlen), proto_(proto), tci_(tci) {}

    std::span<const std::uint8_t> frame_;
    std::size_t hlen_;
    std::uint16_t proto_;
    std::optional<std::uint16_t> tci_;
};

// The VID of a frame's outer 802.1Q (or, with `qinq`, 802.1ad) tag, 0 for
// a priority tag; none if untagged or cut inside the tag.
inline std::optional<std::uint16_t> vlan_id(std::span<const std::uint8_t> frame,
                                            bool qinq = false) {
    if (frame.size() < kEthHlen + 2) {
        return std::nullopt;
    }
    const std::uint16_t tpid = load_be16(frame.data() + 12);
    if (tpid != kEthP8021Q && !(qinq && tpid == kEthP8021AD)) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(load_be16(frame.data() + kEthHlen) & 0xfff);
}

struct EthernetRepr {
    MacAddr dst{};
    MacAddr src{};
    std::uint16_t ethertype = 0;
    std::optional<std::uint16_t> vlan_tci;  // emits an 802.1Q tag if set

    static EthernetRepr parse(const EthernetView& v) {
        return {v.dst(), v.src(), v.ethertype(), v.vlan_tci()};
    }
    std::size_t header_len() const { return kEthHlen + (vlan_tci ? kVlanHlen : 0); }

    // Writes header_len() bytes.
    void emit(std::uint8_t* p) const {
        std::copy(dst.bytes.begin(), dst.bytes.end(), p);
        std::copy(src.bytes.begin(), src.bytes.end(), p + kEthAlen);
        if (vlan_tci) {
            store_be16(p + 12, kEthP8021Q);
            store_be16(p + 14, *vlan_tci);
            p += kVlanHlen;
        }
        store_be16(p + 12, ethertype);
    }
};

}  // namespace vnet::wire
