// SPDX-License-Identifier: GPL-2.0-or-later
// A NIC's receive address filter: its own MAC, broadcast, the unicast and
// multicast tables the guest programs (virtio-net VIRTIO_NET_CTRL_MAC_TABLE_SET),
// promiscuous and all-multicast modes, and the VLAN filter
// (VIRTIO_NET_CTRL_VLAN: the driver's NETIF_F_HW_VLAN_CTAG_FILTER). Like a real NIC (and Linux's
// __dev_set_rx_mode), a table larger than the hardware holds turns into
// all-unicast or all-multicast rather than losing addresses.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <span>

#include "vnet/mac_addr.h"

namespace vnet {

class RxFilter {
  public:
    // Entries per table; matches the 64 of QEMU's virtio-net MAC_TABLE_ENTRIES
    // so a guest sees the same overflow point.
    static constexpr std::size_t kTableEntries = 64;

    void set_mac(const MacAddr& m) { mac_ = m; }
    const MacAddr& mac() const { return mac_; }
    void set_promisc(bool on) { promisc_ = on; }
    void set_allmulti(bool on) { allmulti_ = on; }
    bool promisc() const { return promisc_; }
    bool allmulti() const { return allmulti_; }

    // Replaces both tables. Entries past kTableEntries set the overflow
    // flag of that table, which then accepts every address of its kind.
    void set_tables(std::span<const MacAddr> unicast, std::span<const MacAddr> multicast);
    bool unicast_overflow() const { return uc_.overflow; }
    bool multicast_overflow() const { return mc_.overflow; }
    std::size_t unicast_count() const { return uc_.count; }

    bool accepts(const MacAddr& dst) const;

    // VLAN filtering (on while the driver negotiated CTRL_VLAN): an
    // 802.1Q-tagged frame passes only with a VID the driver added, as
    // virtio-net's receive_filter has it; untagged frames are not
    // concerned. Off, every VID passes. Promiscuous mode passes all.
    static constexpr std::size_t kVlanIds = 4096;
    void set_vlan_filtering(bool on) { vlan_filtering_ = on; }
    bool vlan_filtering() const { return vlan_filtering_; }
    void set_vlan(std::uint16_t vid, bool on) { vlans_.set(vid % kVlanIds, on); }
    bool has_vlan(std::uint16_t vid) const { return vlans_.test(vid % kVlanIds); }
    void clear_vlans() { vlans_.reset(); }
    bool accepts_vlan(std::span<const std::uint8_t> frame) const;

  private:
    // Open addressing over a power-of-two array twice the table size: O(1)
    // lookup with no allocation, and never full.
    struct Table {
        static constexpr std::size_t kSlots = 2 * kTableEntries;
        std::array<MacAddr, kSlots> slot{};
        std::array<bool, kSlots> used{};
        std::size_t count = 0;
        bool overflow = false;

        void assign(std::span<const MacAddr> addrs);
        bool contains(const MacAddr& m) const;
    };

    MacAddr mac_{};
    bool promisc_ = true;  // until the guest programs the filter, as at reset
    bool allmulti_ = false;
    Table uc_;
    Table mc_;
    bool vlan_filtering_ = false;
    std::bitset<kVlanIds> vlans_;
};

}  // namespace vnet
