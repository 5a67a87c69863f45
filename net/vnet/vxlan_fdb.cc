// SPDX-License-Identifier: GPL-2.0-or-later
// VXLAN FDB: vxlan_fdb_create/update/delete and vxlan_cleanup's ageing.
#include "vnet/vxlan_fdb.h"

#include <algorithm>

namespace vnet {

FdbEntry* VxlanFdb::find(const MacAddr& mac, std::uint64_t now_ms) {
    auto it = map_.find(mac);
    if (it == map_.end()) {
        return nullptr;
    }
    it->second.used_ms = now_ms;
    return &it->second;
}

const FdbEntry* VxlanFdb::peek(const MacAddr& mac) const {
    auto it = map_.find(mac);
    return it == map_.end() ? nullptr : &it->second;
}

FdbResult VxlanFdb::add(const MacAddr& mac, const VxlanRemote& r, bool append,
                        std::uint64_t now_ms) {
    auto it = map_.find(mac);
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
        e.updated_ms = now_ms;
        return append ? FdbResult::appended : FdbResult::added;
    }
    if (full()) {
        return FdbResult::full;
    }
    map_.emplace(mac, FdbEntry{{r}, true, now_ms, now_ms});
    return FdbResult::added;
}

FdbResult VxlanFdb::learn(const MacAddr& mac, const VxlanRemote& r, std::uint64_t now_ms) {
    if (full()) {
        return FdbResult::full;
    }
    auto [it, fresh] = map_.try_emplace(mac, FdbEntry{{r}, false, now_ms, now_ms});
    return fresh ? FdbResult::added : FdbResult::exists;
}

FdbResult VxlanFdb::del(const MacAddr& mac, const VxlanRemote* r) {
    auto it = map_.find(mac);
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
                gone(it->first, e);
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

}  // namespace vnet
