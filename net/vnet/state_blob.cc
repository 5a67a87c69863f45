// SPDX-License-Identifier: GPL-2.0-or-later
// The migration state's byte format (see state_blob.h).
#include "vnet/state_blob.h"

#include <algorithm>

namespace vnet {

void StateWriter::u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
}

void StateWriter::u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
}

void StateWriter::u64(std::uint64_t v) {
    u32(static_cast<std::uint32_t>(v >> 32));
    u32(static_cast<std::uint32_t>(v));
}

void StateWriter::mac(const MacAddr& m) { out_.insert(out_.end(), m.bytes.begin(), m.bytes.end()); }

// Always 17 bytes: the family, then 16 address bytes (IPv4 in the first 4).
void StateWriter::ip(const IpAddr& a) {
    u8(a.v6 ? 6 : 4);
    out_.insert(out_.end(), a.bytes.begin(), a.bytes.end());
}

StateReader::StateReader(std::span<const std::uint8_t> in, StateKind kind) : in_(in) {
    ok_ = u8() == static_cast<std::uint8_t>(kind) && u8() == kStateVersion;
}

bool StateReader::take(std::size_t n) {
    if (!ok_ || in_.size() - pos_ < n) {
        ok_ = false;
        return false;
    }
    return true;
}

std::uint8_t StateReader::u8() { return take(1) ? in_[pos_++] : 0; }

std::uint16_t StateReader::u16() {
    const std::uint16_t hi = u8();
    return static_cast<std::uint16_t>(hi << 8 | u8());
}

std::uint32_t StateReader::u32() {
    const std::uint32_t hi = u16();
    return hi << 16 | u16();
}

std::uint64_t StateReader::u64() {
    const std::uint64_t hi = u32();
    return hi << 32 | u32();
}

MacAddr StateReader::mac() {
    MacAddr m{};
    if (take(6)) {
        std::copy_n(in_.begin() + pos_, 6, m.bytes.begin());
        pos_ += 6;
    }
    return m;
}

IpAddr StateReader::ip() {
    IpAddr a;
    const std::uint8_t family = u8();
    if (family != 4 && family != 6) {
        ok_ = false;
        return a;
    }
    a.v6 = family == 6;
    if (take(16)) {
        std::copy_n(in_.begin() + pos_, 16, a.bytes.begin());
        pos_ += 16;
    }
    // An IPv4 address keeps its last 12 bytes zero, as IpAddr::v4 makes it.
    if (!a.v6 && std::any_of(a.bytes.begin() + 4, a.bytes.end(), [](auto b) { return b != 0; })) {
        ok_ = false;
    }
    return a;
}

}  // namespace vnet
