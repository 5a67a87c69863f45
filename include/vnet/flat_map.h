// SPDX-License-Identifier: GPL-2.0-or-later
// An open-addressing hash map for the datapath's per-frame lookups
// (macvlan's MAC hash, ipvlan's address hash). std::unordered_map costs a
// 64-bit division and a pointer chase per find; this one masks a
// power-of-two table and probes linearly through adjacent slots. Inserts
// and erases are control-path operations and may allocate; find never does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace vnet {

template <typename K, typename V, typename Hash>
class FlatMap {
  public:
    // The value stored under `k`, or nullptr.
    const V* find(const K& k) const {
        return find_hashed(Hash{}(k), [&k](const K& key) { return key == k; });
    }

    // The value whose key has hash `h` and satisfies `eq`, or nullptr: a
    // lookup straight from packet bytes, without building a key first.
    template <typename Eq>
    const V* find_hashed(std::size_t h, Eq eq) const {
        if (size_ == 0) {
            return nullptr;
        }
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (!s.used) {
                return nullptr;
            }
            if (eq(s.key)) {
                return &s.val;
            }
        }
    }

    V* find_mut(const K& k) { return const_cast<V*>(find(k)); }

    // fn(key, value) for every entry; fn may change the value, not the map.
    template <typename Fn>
    void for_each(Fn fn) {
        for (Slot& s : slots_) {
            if (s.used) {
                fn(static_cast<const K&>(s.key), s.val);
            }
        }
    }

    // Adds `k` -> `v` unless `k` is present; true if it was added.
    bool emplace(const K& k, V v) {
        // At most a quarter full: probe runs stay short, and the tables
        // (children's MACs and addresses) are small.
        if (4 * (size_ + 1) > slots_.size()) {
            grow();
        }
        std::size_t i = home(k);
        for (; slots_[i].used; i = (i + 1) & mask_) {
            if (slots_[i].key == k) {
                return false;
            }
        }
        slots_[i] = Slot{k, std::move(v), true};
        ++size_;
        return true;
    }

    // Removes `k`; true if it was present.
    bool erase(const K& k) {
        if (size_ == 0) {
            return false;
        }
        for (std::size_t i = home(k); slots_[i].used; i = (i + 1) & mask_) {
            if (slots_[i].key == k) {
                remove_at(i);
                return true;
            }
        }
        return false;
    }

    // Removes every entry for which pred(key, value) holds.
    template <typename Pred>
    void erase_if(Pred pred) {
        for (std::size_t i = 0; i < slots_.size();) {
            // remove_at may shift a later entry into slot i: look again.
            if (slots_[i].used && pred(slots_[i].key, slots_[i].val)) {
                remove_at(i);
            } else {
                ++i;
            }
        }
    }

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

  private:
    struct Slot {
        K key{};
        V val{};
        bool used = false;
    };

    std::size_t home(const K& k) const { return Hash{}(k)&mask_; }

    void grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(old.empty() ? 8 : 2 * old.size(), Slot{});
        mask_ = slots_.size() - 1;
        size_ = 0;
        for (Slot& s : old) {
            if (s.used) {
                emplace(s.key, std::move(s.val));
            }
        }
    }

    // Backward-shift deletion: later entries of the probe run move up so
    // that no lookup stops early at the hole (no tombstones needed).
    void remove_at(std::size_t i) {
        slots_[i].used = false;
        --size_;
        for (std::size_t j = (i + 1) & mask_; slots_[j].used; j = (j + 1) & mask_) {
            const std::size_t h = home(slots_[j].key);
            // Slot j may move to the hole if its home is not in (i, j].
            if (((j - h) & mask_) >= ((j - i) & mask_)) {
                slots_[i] = std::move(slots_[j]);
                slots_[j].used = false;
                i = j;
            }
        }
    }

    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
    std::size_t size_ = 0;
};

}  // namespace vnet
