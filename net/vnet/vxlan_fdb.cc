// SPDX-License-Identifier: GPL-2.0-or-later
// VXLAN FDB: vxlan_fdb_create/update/delete and vxlan_cleanup's ageing.
#include "vnet/vxlan_fdb.h"

#include <algorithm>

#include "vnet/state_blob.h"

namespace vnet {

FdbEntry* VxlanFdb::find(const MacAddr& mac, std::uint64_t now_ms, std::uint32_t vni) {
    auto it = map_.find({mac, vni});
    if (it == map_.end()) {
        return nullptr;
    }
    it->second.used_ms = now_ms;
    return &it->second;
}

const FdbEntry* VxlanFdb::peek(const MacAddr& mac, std::uint32_t vni) const {
    auto it = map_.find({mac, vni});
    return it == map_.end() ? nullptr : &it->second;
}

FdbResult VxlanFdb::add(const MacAddr& mac, const VxlanRemote& r, bool append, std::uint64_t now_ms,
                        bool router, std::uint32_t vni) {
    auto it = map_.find({mac, vni});
    if (it != map_.end()) {
        FdbEntry& e = it->second;
        if (std::find(e.remotes.begin(), e.remotes.end(), r) != e.remotes.end()) {
            return FdbResult::exists;
        }
        if (!append) {
            // `bridge fdb replace` semantics for one remote: a learned
            // entry becomes this static one.
            if (e.remotes.size() > 1 && e.is_static) {
                return FdbResult::exists;
            }
            e.remotes.assign(1, r);
        } else {
            e.remotes.push_back(r);
        }
        e.is_static = true;
        e.router = router;
        e.updated_ms = now_ms;
        return append ? FdbResult::appended : FdbResult::added;
    }
    if (full()) {
        return FdbResult::full;
    }
    map_.emplace(Key{mac, vni}, FdbEntry{{r}, vni, true, router, now_ms, now_ms});
    return FdbResult::added;
}

FdbResult VxlanFdb::learn(const MacAddr& mac, const VxlanRemote& r, std::uint64_t now_ms,
                          std::uint32_t vni) {
    if (full()) {
        return FdbResult::full;
    }
    auto [it, fresh] =
        map_.try_emplace(Key{mac, vni}, FdbEntry{{r}, vni, false, false, now_ms, now_ms});
    return fresh ? FdbResult::added : FdbResult::exists;
}

FdbResult VxlanFdb::del(const MacAddr& mac, const VxlanRemote* r, std::uint32_t vni) {
    auto it = map_.find({mac, vni});
    if (it == map_.end()) {
        return FdbResult::not_found;
    }
    if (r) {
        auto& rs = it->second.remotes;
        auto ri = std::find(rs.begin(), rs.end(), *r);
        if (ri == rs.end()) {
            return FdbResult::not_found;
        }
        rs.erase(ri);
        if (!rs.empty()) {
            return FdbResult::removed;
        }
    }
    map_.erase(it);
    return FdbResult::removed;
}

std::size_t VxlanFdb::age(std::uint64_t now_ms, std::uint64_t ageing_ms,
                          const std::function<void(const MacAddr&, const FdbEntry&)>& gone) {
    std::size_t n = 0;
    for (auto it = map_.begin(); it != map_.end();) {
        const FdbEntry& e = it->second;
        if (!e.is_static && e.used_ms + ageing_ms <= now_ms) {
            if (gone) {
                gone(it->first.mac, e);
            }
            it = map_.erase(it);
            ++n;
        } else {
            ++it;
        }
    }
    return n;
}

void VxlanFdb::flush_learned() {
    std::erase_if(map_, [](const auto& kv) { return !kv.second.is_static; });
}

namespace {

// A remote's bytes in the blob: IP (17), port, VNI.
constexpr std::size_t kRemoteBytes = 17 + 2 + 4;
// An entry's least: MAC, flags, two ages, remote count, one remote.
// The flags byte: bit 0 static (all a version-1 blob without routers
// has), bit 1 router, bit 2 a key VNI follows (external mode; without it
// the key's VNI is 0).
constexpr std::uint8_t kFlagStatic = 1;
constexpr std::uint8_t kFlagRouter = 2;
constexpr std::uint8_t kFlagVni = 4;
constexpr std::size_t kEntryMinBytes = 6 + 1 + 8 + 8 + 2 + kRemoteBytes;

}  // namespace

void VxlanFdb::save(std::vector<std::uint8_t>& out, std::uint64_t now_ms) const {
    StateWriter w(out, StateKind::vxlan_fdb);
    const MacAddr zero{};
    w.u32(static_cast<std::uint32_t>(std::count_if(
        map_.begin(), map_.end(), [&](const auto& kv) { return kv.first.mac != zero; })));
    for (const auto& [key, e] : map_) {
        if (key.mac == zero) {
            continue;
        }
        w.mac(key.mac);
        w.u8(static_cast<std::uint8_t>((e.is_static ? kFlagStatic : 0) |
                                       (e.router ? kFlagRouter : 0) |
                                       (key.vni != 0 ? kFlagVni : 0)));
        if (key.vni != 0) {
            w.u32(key.vni);
        }
        w.age(now_ms, e.updated_ms);
        w.age(now_ms, e.used_ms);
        w.u16(static_cast<std::uint16_t>(e.remotes.size()));
        for (const auto& r : e.remotes) {
            w.ip(r.ip);
            w.u16(r.port);
            w.u32(r.vni);
        }
    }
}

bool VxlanFdb::load(std::span<const std::uint8_t> in, std::uint64_t now_ms, bool vni_keys) {
    StateReader r(in, StateKind::vxlan_fdb);
    std::vector<std::pair<MacAddr, FdbEntry>> got;
    const bool ok = r.records(kEntryMinBytes, got, [&](std::pair<MacAddr, FdbEntry>& me) {
        auto& [mac, e] = me;
        mac = r.mac();
        const std::uint8_t flags = r.u8();
        e.vni = (flags & kFlagVni) != 0 ? r.u32() : 0;
        e.is_static = (flags & kFlagStatic) != 0;
        e.router = (flags & kFlagRouter) != 0;
        e.updated_ms = r.time(now_ms);
        e.used_ms = r.time(now_ms);
        const std::uint16_t nr = r.u16();
        const std::uint8_t known = kFlagStatic | kFlagRouter | (vni_keys ? kFlagVni : 0);
        if (!r.ok() || (flags & ~known) != 0 || nr == 0 || nr > r.remaining() / kRemoteBytes ||
            mac == MacAddr{}) {
            return false;
        }
        for (std::uint16_t j = 0; j < nr; ++j) {
            VxlanRemote rd;
            rd.ip = r.ip();
            rd.port = r.u16();
            rd.vni = r.u32();
            e.remotes.push_back(rd);
        }
        return true;
    });
    if (!ok) {
        return false;
    }
    for (auto& [mac, e] : got) {
        const Key k{mac, e.vni};
        if (!map_.contains(k) && full()) {
            continue;
        }
        map_[k] = std::move(e);
    }
    return true;
}

}  // namespace vnet
