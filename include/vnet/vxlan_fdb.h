// SPDX-License-Identifier: GPL-2.0-or-later
// VXLAN's forwarding database (struct vxlan_fdb, struct vxlan_rdst): an
// inner MAC maps to one or more remotes {IP, UDP port, VNI}. The all-zeros
// MAC holds the default remotes that broadcast, multicast and unknown
// unicast go to (head-end replication). Static entries never migrate and
// never age; learned ones do both. maxaddress bounds the entry count, every
// entry counting, as Linux's addrcnt does. An entry is keyed by MAC and VNI
// (f->vni): the VNI is 0 but in external mode, where one device serves
// every VNI and a MAC may sit behind different remotes in each.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <unordered_map>
#include <vector>

#include "vnet/ip_addr.h"
#include "vnet/mac_addr.h"

namespace vnet {

struct VxlanRemote {
    IpAddr ip;
    std::uint16_t port = 0;
    std::uint32_t vni = 0;
    friend bool operator==(const VxlanRemote&, const VxlanRemote&) = default;
};

struct FdbEntry {
    std::vector<VxlanRemote> remotes;  // never empty while in the table
    std::uint32_t vni = 0;             // the key's (NDA_SRC_VNI); read-only
    bool is_static = false;            // NUD_PERMANENT: added, not learned
    bool router = false;               // NTF_ROUTER: route short-circuit applies
    std::uint64_t updated_ms = 0;      // created or moved
    std::uint64_t used_ms = 0;         // last looked up, either direction
};

enum class FdbResult : std::uint8_t { added, appended, exists, full, not_found, removed };

class VxlanFdb {
  public:
    explicit VxlanFdb(std::uint32_t maxaddress) : max_(maxaddress) {}

    // vxlan_find_mac: the lookup also marks the entry used (it keeps
    // learned entries alive).
    FdbEntry* find(const MacAddr& mac, std::uint64_t now_ms, std::uint32_t vni = 0);
    const FdbEntry* peek(const MacAddr& mac, std::uint32_t vni = 0) const;

    // `bridge fdb add` (replace = false: a new MAC only) and `append`
    // (another remote on an existing entry). Entries added this way are
    // static; `router` is the command's flag and replaces the entry's, as
    // vxlan_fdb_update_existing takes the new ndm_flags.
    FdbResult add(const MacAddr& mac, const VxlanRemote& r, bool append, std::uint64_t now_ms,
                  bool router = false, std::uint32_t vni = 0);
    // Learning (NUD_REACHABLE); refused when maxaddress is reached.
    FdbResult learn(const MacAddr& mac, const VxlanRemote& r, std::uint64_t now_ms,
                    std::uint32_t vni = 0);
    // Without a remote the whole entry goes; with one, only that remote
    // (the entry too once it has none left).
    FdbResult del(const MacAddr& mac, const VxlanRemote* r, std::uint32_t vni = 0);

    // vxlan_cleanup: removes learned entries unused for ageing_ms and
    // returns how many; `gone` sees each before it is erased.
    std::size_t age(std::uint64_t now_ms, std::uint64_t ageing_ms,
                    const std::function<void(const MacAddr&, const FdbEntry&)>& gone = {});
    void flush_learned();

    std::size_t size() const { return map_.size(); }
    std::uint32_t maxaddress() const { return max_; }

    // Migration (state_blob.h): every entry but the all-zeros ones, which
    // are the host's configuration (remote=, group=), with its ages.
    void save(std::vector<std::uint8_t>& out, std::uint64_t now_ms) const;
    // Takes what save() wrote: each entry replaces its key's, learned ones
    // keep ageing from where they were; new MACs past maxaddress are left
    // out. False, and nothing changed, if the bytes are malformed or hold
    // entries keyed by VNI and `vni_keys` (external mode) is false.
    bool load(std::span<const std::uint8_t> in, std::uint64_t now_ms, bool vni_keys = false);
    template <typename F>
    void for_each(F&& f) const {
        for (const auto& [key, e] : map_) {
            f(key.mac, e);
        }
    }

  private:
    struct Key {
        MacAddr mac;
        std::uint32_t vni;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept {
            return MacHash{}(k.mac) ^ (std::size_t{k.vni} * 0x9E3779B1u);
        }
    };
    bool full() const { return max_ != 0 && map_.size() >= max_; }

    std::uint32_t max_;
    std::unordered_map<Key, FdbEntry, KeyHash> map_;
};

}  // namespace vnet
