// SPDX-License-Identifier: GPL-2.0-or-later
// The VXLAN header (RFC 7348 §5): 8 bytes after the outer UDP header, an
// I flag saying the VNI is valid, the 24-bit VNI, everything else reserved.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "vnet/wire/bytes.h"

namespace vnet::wire {

inline constexpr std::size_t kVxlanHlen = 8;
inline constexpr std::uint32_t kVxlanFlagI = 0x08000000;  // in the first word
// Group Based Policy (draft-smith-vxlan-group-policy): the G flag, and in
// the rest of the first word Don't Learn, Policy Applied and the 16-bit
// group policy ID (struct vxlanhdr_gbp).
inline constexpr std::uint32_t kVxlanFlagG = 0x80000000;
inline constexpr std::uint32_t kVxlanGbpDontLearn = 0x00400000;
inline constexpr std::uint32_t kVxlanGbpPolicyApplied = 0x00080000;
inline constexpr std::uint32_t kVxlanGbpUsedBits = kVxlanFlagG | 0x00ffffff;
inline constexpr std::uint32_t kVxlanVniMax = 0xffffff;
// Remote checksum offload (the kernel's VXLAN_HF_RCO): the byte after the
// VNI says where the inner checksum starts, in 2-byte units (its low 7
// bits), and whether the field is UDP's (its top bit) or TCP's.
inline constexpr std::uint32_t kVxlanFlagRco = 0x00200000;
inline constexpr std::uint8_t kVxlanRcoUdp = 0x80;
inline constexpr std::size_t kVxlanUdpCsumOffset = 6, kVxlanTcpCsumOffset = 16;

struct VxlanHeader {
    std::uint32_t flags = kVxlanFlagI;  // first word as on the wire
    std::uint32_t vni = 0;
    std::uint8_t reserved_low = 0;  // the byte after the VNI

    static std::optional<VxlanHeader> parse(std::span<const std::uint8_t> p) {
        if (p.size() < kVxlanHlen) {
            return std::nullopt;
        }
        const std::uint32_t w1 = load_be32(p.data() + 4);
        return VxlanHeader{load_be32(p.data()), w1 >> 8, static_cast<std::uint8_t>(w1 & 0xff)};
    }
    bool has_vni() const { return (flags & kVxlanFlagI) != 0; }
    bool has_gbp() const { return (flags & kVxlanFlagG) != 0; }
    std::uint16_t gbp_id() const { return static_cast<std::uint16_t>(flags); }
    bool has_rco() const { return (flags & kVxlanFlagRco) != 0; }
    // Where the checksum the sender left starts, and where its field is,
    // both from the start of the inner frame.
    std::size_t rco_start() const { return std::size_t{reserved_low & 0x7fu} << 1; }
    static VxlanHeader rco(std::uint8_t byte) { return {kVxlanFlagI | kVxlanFlagRco, 0, byte}; }
    std::size_t rco_field() const {
        return rco_start() +
               ((reserved_low & kVxlanRcoUdp) ? kVxlanUdpCsumOffset : kVxlanTcpCsumOffset);
    }
    // Linux refuses any other bit unless an extension claims it: with GBP
    // on and the G flag set, the whole GBP part of the first word; with
    // remote checksum offload on, the RCO flag and the byte after the VNI,
    // whether the flag is set or not (vxlan_remcsum clears both).
    bool reserved_clear(bool gbp = false, bool remcsum = false) const {
        std::uint32_t used = gbp && has_gbp() ? kVxlanGbpUsedBits : 0;
        used |= remcsum ? kVxlanFlagRco : 0;
        return (flags & ~(kVxlanFlagI | used)) == 0 && (remcsum || reserved_low == 0);
    }
    void emit(std::uint8_t* p) const {
        store_be32(p, flags);
        store_be32(p + 4, (vni << 8) | reserved_low);
    }
};

}  // namespace vnet::wire
