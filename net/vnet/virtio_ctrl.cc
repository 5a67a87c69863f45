// SPDX-License-Identifier: GPL-2.0-or-later
// Decoding of the virtio-net control commands vnet-multi implements
// (virtio 1.2 §5.1.6.5). The bytes come from the guest: every count is
// checked against the length before a pointer into the data is formed, and
// a command must fill its data exactly.
#include <cstdint>
#include <cstring>

#include "vnet/mac_addr.h"
#include "vnet/vnet.h"
#include "vnet/wire/bytes.h"

namespace {

// Class and command numbers of the virtio specification.
constexpr std::uint8_t kClassRx = 0, kRxPromisc = 0, kRxAllmulti = 1;
constexpr std::uint8_t kClassMac = 1, kMacTableSet = 0, kMacAddrSet = 1;
constexpr std::uint8_t kClassVlan = 2, kVlanAdd = 0, kVlanDel = 1;
constexpr std::uint8_t kClassAnnounce = 3, kAnnounceAck = 0;
constexpr std::uint8_t kClassMq = 4, kMqPairsSet = 0, kMqRssConfig = 1, kMqHashConfig = 2;
constexpr std::uint8_t kClassGuestOffloads = 5, kGuestOffloadsSet = 0;
constexpr std::uint8_t kClassNotfCoal = 6, kNotfCoalTxSet = 0, kNotfCoalRxSet = 1;

// The features that let a driver send them (virtio 1.2 §5.1.3, §5.1.6.5).
constexpr unsigned kFCtrlGuestOffloads = 2, kFCtrlVq = 17, kFCtrlRx = 18, kFCtrlVlan = 19,
                   kFGuestAnnounce = 21, kFMq = 22, kFCtrlMacAddr = 23, kFNotfCoal = 53,
                   kFHashReport = 57, kFRss = 60;

// What kind k needs negotiated besides CTRL_VQ.
unsigned feature_of(VnetCtrlKind k) {
    switch (k) {
        case VNET_CTRL_RX_PROMISC:
        case VNET_CTRL_RX_ALLMULTI:
        case VNET_CTRL_MAC_TABLE_SET:  // receive filtering, §5.1.6.5.2
            return kFCtrlRx;
        case VNET_CTRL_MAC_ADDR_SET:
            return kFCtrlMacAddr;
        case VNET_CTRL_MQ_PAIRS_SET:
            return kFMq;
        case VNET_CTRL_GUEST_OFFLOADS_SET:
            return kFCtrlGuestOffloads;
        case VNET_CTRL_ANNOUNCE_ACK:
            return kFGuestAnnounce;
        case VNET_CTRL_VLAN_ADD:
        case VNET_CTRL_VLAN_DEL:
            return kFCtrlVlan;
        case VNET_CTRL_RSS_CONFIG:
            return kFRss;
        case VNET_CTRL_HASH_CONFIG:
            return kFHashReport;
        case VNET_CTRL_NOTF_COAL_TX_SET:
        case VNET_CTRL_NOTF_COAL_RX_SET:
            return kFNotfCoal;
        case VNET_CTRL_INVALID:
        case VNET_CTRL_NOT_NEGOTIATED:
            break;
    }
    return kFCtrlVq;
}

// One struct virtio_net_ctrl_mac: le32 entries, then the MACs. Advances
// data/len past it.
bool mac_table(const std::uint8_t*& data, std::size_t& len, const std::uint8_t*& macs,
               std::uint32_t& n) {
    if (len < 4) {
        return false;
    }
    n = vnet::wire::load_le32(data);
    if (n > (len - 4) / vnet::kEthAlen) {
        return false;
    }
    macs = data + 4;
    data += 4 + std::size_t{n} * vnet::kEthAlen;
    len -= 4 + std::size_t{n} * vnet::kEthAlen;
    return true;
}

// struct virtio_net_rss_config (§5.1.6.5.7.1): le32 hash_types, le16
// indirection_table_mask, le16 unclassified_queue, le16 table[mask + 1],
// le16 max_tx_vq, u8 hash_key_length, hash_key_data[length]; exactly.
VnetCtrlKind rss_config(const std::uint8_t* data, std::size_t len, VnetCtrlCmd* out) {
    constexpr std::size_t kHead = 8, kTail = 3;
    if (len < kHead + 2 + kTail) {
        return VNET_CTRL_INVALID;
    }
    const std::uint32_t n = std::uint32_t{vnet::wire::load_le16(data + 4)} + 1;
    if (n > 128 || (n & (n - 1)) != 0 || len < kHead + 2 * n + kTail) {
        return VNET_CTRL_INVALID;
    }
    const std::uint8_t* tail = data + kHead + 2 * n;
    const std::uint8_t key_len = tail[2];
    if (len != kHead + 2 * n + kTail + key_len || key_len > 40) {
        return VNET_CTRL_INVALID;
    }
    out->hash_types = vnet::wire::load_le32(data);
    out->unclassified_queue = vnet::wire::load_le16(data + 6);
    out->table = data + kHead;
    out->n_table = static_cast<std::uint16_t>(n);
    out->pairs = vnet::wire::load_le16(tail);
    out->key = tail + kTail;
    out->key_len = key_len;
    return VNET_CTRL_RSS_CONFIG;
}

// struct virtio_net_hash_config (§5.1.6.5.6.4): le32 hash_types, le16
// reserved[4], u8 hash_key_length, hash_key_data[length]; exactly.
VnetCtrlKind hash_config(const std::uint8_t* data, std::size_t len, VnetCtrlCmd* out) {
    constexpr std::size_t kHead = 13;
    if (len < kHead || len != kHead + data[12] || data[12] > 40) {
        return VNET_CTRL_INVALID;
    }
    out->hash_types = vnet::wire::load_le32(data);
    out->key = data + kHead;
    out->key_len = data[12];
    return VNET_CTRL_HASH_CONFIG;
}

VnetCtrlKind decode(std::uint8_t cls, std::uint8_t cmd, const std::uint8_t* data, std::size_t len,
                    VnetCtrlCmd* out) {
    switch (cls) {
        case kClassRx:
            if (len != 1 || (cmd != kRxPromisc && cmd != kRxAllmulti)) {
                return VNET_CTRL_INVALID;  // ALLUNI & co. need CTRL_RX_EXTRA
            }
            out->on = data[0] != 0;
            return cmd == kRxPromisc ? VNET_CTRL_RX_PROMISC : VNET_CTRL_RX_ALLMULTI;
        case kClassMac:
            if (cmd == kMacAddrSet) {
                if (len != vnet::kEthAlen) {
                    return VNET_CTRL_INVALID;
                }
                out->mac = data;
                return VNET_CTRL_MAC_ADDR_SET;
            }
            if (cmd == kMacTableSet && mac_table(data, len, out->uc, out->n_uc) &&
                mac_table(data, len, out->mc, out->n_mc) && len == 0) {
                return VNET_CTRL_MAC_TABLE_SET;
            }
            return VNET_CTRL_INVALID;
        case kClassVlan:
            // One le16 VID (virtio 1.2 §5.1.6.5.3); 4096 and up is no VID.
            if ((cmd != kVlanAdd && cmd != kVlanDel) || len != 2 ||
                vnet::wire::load_le16(data) >= 4096) {
                return VNET_CTRL_INVALID;
            }
            out->vid = vnet::wire::load_le16(data);
            return cmd == kVlanAdd ? VNET_CTRL_VLAN_ADD : VNET_CTRL_VLAN_DEL;
        case kClassAnnounce:
            return cmd == kAnnounceAck && len == 0 ? VNET_CTRL_ANNOUNCE_ACK : VNET_CTRL_INVALID;
        case kClassMq:
            if (cmd == kMqRssConfig) {
                return rss_config(data, len, out);
            }
            if (cmd == kMqHashConfig) {
                return hash_config(data, len, out);
            }
            if (cmd != kMqPairsSet || len != 2) {
                return VNET_CTRL_INVALID;
            }
            out->pairs = vnet::wire::load_le16(data);
            return VNET_CTRL_MQ_PAIRS_SET;
        case kClassGuestOffloads:
            if (cmd != kGuestOffloadsSet || len != 8) {
                return VNET_CTRL_INVALID;
            }
            out->offloads =
                vnet::wire::load_le32(data) | std::uint64_t{vnet::wire::load_le32(data + 4)} << 32;
            return VNET_CTRL_GUEST_OFFLOADS_SET;
        case kClassNotfCoal:
            // struct virtio_net_ctrl_coal_{tx,rx}: le32 max_packets, le32
            // usecs. The per-queue VQ_SET/VQ_GET need VQ_NOTF_COAL: not
            // offered.
            if ((cmd != kNotfCoalTxSet && cmd != kNotfCoalRxSet) || len != 8) {
                return VNET_CTRL_INVALID;
            }
            out->max_packets = vnet::wire::load_le32(data);
            out->max_usecs = vnet::wire::load_le32(data + 4);
            return cmd == kNotfCoalTxSet ? VNET_CTRL_NOTF_COAL_TX_SET : VNET_CTRL_NOTF_COAL_RX_SET;
    }
    return VNET_CTRL_INVALID;
}

}  // namespace

extern "C" VnetCtrlKind vnet_ctrl_decode(uint64_t features, uint8_t cls, uint8_t cmd,
                                         const uint8_t* data, size_t len, VnetCtrlCmd* out) {
    std::memset(out, 0, sizeof(*out));
    VnetCtrlKind k = decode(cls, cmd, data, len, out);
    const auto has = [features](unsigned bit) { return ((features >> bit) & 1) != 0; };
    if (k != VNET_CTRL_INVALID && !(has(kFCtrlVq) && has(feature_of(k)))) {
        std::memset(out, 0, sizeof(*out));
        k = VNET_CTRL_NOT_NEGOTIATED;
    }
    out->kind = k;
    return k;
}
