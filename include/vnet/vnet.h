/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The C ABI between QEMU's glue (hw/net/vnet-*.c) and libvnet. QEMU types
 * stop at the glue; libvnet sees bytes, iovecs and callbacks only.
 */
#ifndef VNET_VNET_H
#define VNET_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct VnetDev VnetDev;

/* What a VnetDev is. */
typedef enum VnetDevKind {
    VNET_DEV_LOWER,   /* the lower ("physical") port */
    VNET_DEV_MACVLAN, /* a macvlan child */
    VNET_DEV_IPVLAN,  /* an ipvlan child */
} VnetDevKind;

/* The smallest MTU any device takes: IPv4's, RFC 791. */
#define VNET_MIN_MTU 68

typedef enum VnetXmitResult {
    VNET_XMIT_SENT,
    VNET_XMIT_QUEUED,  /* the backend keeps it and will ask for more later */
    VNET_XMIT_DROPPED, /* counted under a drop reason */
} VnetXmitResult;

typedef enum VnetRxResult {
    VNET_RX_DELIVERED,
    VNET_RX_CONSUMED,
    VNET_RX_DROPPED, /* counted under a drop reason */
    VNET_RX_BUSY,    /* not taken: the receiving ring is full, retry later */
} VnetRxResult;

typedef enum VnetDeliverResult {
    VNET_DELIVER_OK,
    VNET_DELIVER_BUSY,    /* no room now: libvnet holds or drops it (below) */
    VNET_DELIVER_DROPPED, /* will never fit: counted as rx-no-buffer */
    VNET_DELIVER_DOWN,    /* the function's driver is not running */
} VnetDeliverResult;

/* The most pieces deliver_iov and xmit_iov are given a frame in. */
#define VNET_MAX_PIECES 64

typedef struct VnetDevOps {
    /* Put a frame on the device's wire (the lower port's uplink; unused
     * for children, whose wire is their lower). vnet_hdr is its virtio-net
     * header (VNET_NET_HDR_LEN bytes): all zero unless the wire takes
     * offloads (vnet_lower_set_wire_offloads), else what is left to do. */
    VnetXmitResult (*xmit)(void* opaque, const uint8_t* vnet_hdr, const uint8_t* frame, size_t len);
    /* Give a received frame to the guest function, on RX queue `queue`
     * (below the count of vnet_dev_set_rx_queues; the flow hash, or the
     * driver's RSS configuration, picked it). vnet_hdr is the frame's
     * virtio-net header with its hash (VNET_RX_HDR_LEN bytes, struct
     * virtio_net_hdr_v1_hash, little-endian, num_buffers 0): its first
     * VNET_NET_HDR_LEN made for what the function's driver takes
     * (vnet_dev_set_offloads), hash_value and hash_report zero unless it
     * negotiated hash reporting (vnet_dev_set_hash_report). */
    VnetDeliverResult (*deliver)(void* opaque, const uint8_t* vnet_hdr, const uint8_t* frame,
                                 size_t len, uint32_t queue);
    /* Optional: as deliver, the frame in pieces: an SR-IOV VF's with a
     * port VLAN (its tag left out between them), and a large frame from a
     * guest's TX ring, whose payload pieces are that guest's buffers (the
     * one copy is then the glue's, into the RX buffers). Without it a VF's
     * tagged frames are dropped and large ones come through deliver. */
    VnetDeliverResult (*deliver_iov)(void* opaque, const uint8_t* vnet_hdr,
                                     const struct iovec* frame, unsigned n, uint32_t queue);
    /* Optional: the device's carrier changed (children follow their lower). */
    void (*carrier_changed)(void* opaque, bool on);
    /* Optional, lower port only: deferred work is pending; arrange a call
     * to vnet_dev_run_work() from the main loop. */
    void (*kick_work)(void* opaque);
    /* Lower port: milliseconds of the clock its timers run on (neighbour
     * ageing, ipvlan's probes for unknown addresses): the guest's, so that
     * it stops with the VM. Without it (NULL) nothing waits on time: no
     * IP layer, no probes. */
    uint64_t (*now_ms)(void* opaque);
    /* Optional, lower port: the timers want to run within ms milliseconds
     * (a probe went out), sooner than vnet_dev_run_timers() last asked. */
    void (*timers_soon)(void* opaque, unsigned ms);
    /* Optional: the device's MTU changed (vnet_dev_set_mtu, here or on a
     * device below). */
    void (*mtu_changed)(void* opaque, unsigned mtu);
    /* Optional, lower port: as xmit, the frame in pieces, a large one from
     * a guest's TX ring with its payload pieces that guest's buffers,
     * valid for this call only (a queue that keeps them copies them).
     * Without it such frames are read into one buffer for xmit. */
    VnetXmitResult (*xmit_iov)(void* opaque, const uint8_t* vnet_hdr, const struct iovec* frame,
                               unsigned n);
} VnetDevOps;

/* The lower's embedded IP configuration (ip=, gw= on vnet-multi), which
 * ipvlan L3/L3S children route through. */
typedef struct VnetInetConfig {
    bool has_ip4, has_gw4, has_ip6, has_gw6;
    /* l3-proxy=off: the lower answers no ARP/NS for its L3 children. */
    bool l3_proxy_off;
    uint8_t ip4[4], gw4[4];
    uint8_t ip6[16], gw6[16];
    unsigned prefix4, prefix6;
} VnetInetConfig;

/* enum macvlan_mode of Linux's if_link.h */
typedef enum VnetMacvlanMode {
    VNET_MACVLAN_PRIVATE = 1,
    VNET_MACVLAN_VEPA = 2,
    VNET_MACVLAN_BRIDGE = 4,
    VNET_MACVLAN_PASSTHRU = 8,
    VNET_MACVLAN_SOURCE = 16,
} VnetMacvlanMode;

/* IFLA_MACVLAN_MACADDR_MODE */
typedef enum VnetMacaddrOp {
    VNET_MACADDR_ADD,
    VNET_MACADDR_DEL,
    VNET_MACADDR_FLUSH,
    VNET_MACADDR_SET,
} VnetMacaddrOp;

/* Must equal the number of vnet::DropReason values (checked at build). */
#define VNET_DROP_REASONS 45

typedef struct VnetDevStats {
    uint64_t rx_packets;
    uint64_t rx_bytes;
    uint64_t tx_packets;
    uint64_t tx_bytes;
    uint64_t rx_backlog; /* frames now waiting for room (not yet rx_packets) */
    uint64_t drops[VNET_DROP_REASONS];
} VnetDevStats;

/* The lower ("physical") port: its wire is the uplink netdev, its own
 * stack is guest function 0. Largest frame = mtu + Ethernet + VLAN header. */
VnetDev* vnet_lower_new(const char* name, const uint8_t mac[6], unsigned mtu, const VnetDevOps* ops,
                        void* opaque);
/* Freeing a device unregisters it: what is stacked on it (a lower's
 * children, a child's own children) is left down and unlinked, as Linux's
 * dellink would leave it, until its own vnet_dev_free. */
void vnet_dev_free(VnetDev* dev);
VnetDevKind vnet_dev_kind(const VnetDev* dev);
/* Still stacked on a lower port (false once that lower was freed). */
bool vnet_dev_is_linked(const VnetDev* dev);
/* A full ring (VNET_DELIVER_BUSY) makes vnet_dev_receive answer
 * VNET_RX_BUSY, so the caller keeps the frame: true only for a lower port
 * with nothing stacked on it. Otherwise such frames are dropped and
 * counted as rx-no-buffer, and the caller need not wait for room. */
bool vnet_dev_rx_holds_when_busy(const VnetDev* dev);
/* Calls fn(fn_opaque, ops_opaque) for the lower port under dev and every
 * device stacked on it, at any depth, in creation order; ops_opaque is the
 * opaque each was created with. */
typedef void VnetDevFn(void* fn_opaque, void* ops_opaque);
void vnet_dev_for_each(VnetDev* dev, VnetDevFn* fn, void* fn_opaque);

/* A macvlan child of `lower` (a lower port or a child: macvlan on macvlan
 * goes on the real lower). Returns NULL if Linux would refuse it (busy MAC,
 * passthru not alone, ...), with the reason in why[] and the setting at
 * fault ("mac", "mode", "mtu", "lower") in *field. */
VnetDev* vnet_macvlan_new(VnetDev* lower, const char* name, const uint8_t mac[6], unsigned mtu,
                          VnetMacvlanMode mode, bool nodst, const VnetDevOps* ops, void* opaque,
                          char* why, size_t why_len, const char** field);

/* IPVLAN_MODE_* and the IPVLAN_F_* flags (0 is bridge). */
typedef enum VnetIpvlanMode {
    VNET_IPVLAN_L2 = 0,
    VNET_IPVLAN_L3 = 1,
    VNET_IPVLAN_L3S = 2,
} VnetIpvlanMode;
#define VNET_IPVLAN_F_PRIVATE 0x01
#define VNET_IPVLAN_F_VEPA 0x02

/* An ipvlan child of `lower` (ipvlan on ipvlan goes on the real lower); it
 * carries the lower's MAC. NULL on refusal, as vnet_macvlan_new. */
VnetDev* vnet_ipvlan_new(VnetDev* lower, const char* name, unsigned mtu, VnetIpvlanMode mode,
                         uint16_t flags, const VnetDevOps* ops, void* opaque, char* why,
                         size_t why_len, const char** field);
/* Gives the child an address (4 or 16 bytes); false if a sibling has it. */
bool vnet_ipvlan_add_addr(VnetDev* dev, const uint8_t* addr, bool v6);
/* Learn addresses from what the child sends (off when addresses are fixed). */
void vnet_ipvlan_set_learning(VnetDev* dev, bool on);
/* Calls fn for each address the child owns (4 or 16 bytes), configured or
 * learned; returns how many. */
typedef void VnetAddrFn(void* opaque, const uint8_t* addr, bool v6);
size_t vnet_ipvlan_addrs(const VnetDev* dev, VnetAddrFn* fn, void* opaque);
/* The learned ones among them, each with the milliseconds since it was
 * last seen in use. */
typedef void VnetLearnedFn(void* opaque, const uint8_t* addr, bool v6, uint64_t age_ms);
size_t vnet_ipvlan_learned(const VnetDev* dev, VnetLearnedFn* fn, void* opaque);
/* What the ipvlan port on dev (a lower, or a macvlan child with ipvlan
 * children) asked its children about addresses; false if it has none. */
typedef struct VnetIpvlanProbeStats {
    uint64_t probes, found, not_child, kept, moved, expired;
} VnetIpvlanProbeStats;
bool vnet_ipvlan_probe_stats(const VnetDev* dev, VnetIpvlanProbeStats* out);
/* The guest's driver reset the function: what the device learned from
 * it is forgotten (an ipvlan child's learned addresses). */
void vnet_dev_reset(VnetDev* dev);
/* Source mode's MAC list; macs holds n 6-byte addresses. False if dev is
 * not a macvlan child. */
bool vnet_macvlan_macaddr(VnetDev* dev, VnetMacaddrOp op, const uint8_t* macs, size_t n);

/* Runs the deferred work (the broadcast and multicast workers) of dev's
 * lower. */
void vnet_dev_run_work(VnetDev* dev);

/* Gives the lower port its IP layer (needs ops->now_ms), before or after
 * its ipvlan children are created. */
void vnet_lower_set_inet(VnetDev* lower, const VnetInetConfig* cfg);
bool vnet_dev_has_inet(const VnetDev* dev);
/* Runs the timers of dev's lower and everything on it (neighbours, ipvlan
 * probes); returns the milliseconds until it wants to run again (100 while
 * a probe is out, else 1000). */
unsigned vnet_dev_run_timers(VnetDev* dev);

/* Guest TX: the frame is iov[] after its first `skip` bytes, the virtio-net
 * header (at least VNET_NET_HDR_LEN of them, or 0 for none); it is copied
 * once into a pooled buffer. The header's offload is checked against what
 * the driver negotiated: a lying one drops the frame, counted as
 * tx-bad-csum or tx-bad-gso. */
VnetXmitResult vnet_dev_queue_xmit(VnetDev* dev, const struct iovec* iov, unsigned iovcnt,
                                   size_t skip);
/* The virtio-net offload features the function's driver negotiated
 * (feature bits by their virtio numbers), and the guest offloads in force
 * (VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET's bits, the GUEST_* feature
 * numbers): what its frames may carry, and what it takes whole. False,
 * changing nothing, if guest_offloads holds an offload that is not a
 * negotiated GUEST_* feature (the driver may not enable those). */
bool vnet_dev_set_offloads(VnetDev* dev, uint64_t features, uint64_t guest_offloads);
/* The guest offloads among negotiated features: what is in force until
 * the driver sets others. */
uint64_t vnet_guest_offloads(uint64_t features);
/* The virtio-net header's first fields: flags, gso_type, hdr_len,
 * gso_size, csum_start, csum_offset (virtio 1.2 §5.1.6). */
#define VNET_NET_HDR_LEN 10
/* With num_buffers (le16), hash_value (le32), hash_report (le16) and two
 * bytes of padding: struct virtio_net_hdr_v1_hash. */
#define VNET_RX_HDR_LEN 20

/* The function's driver posted RX buffers: frames waiting for room (a
 * VNET_DELIVER_BUSY a device does not hold back is queued, up to 1000)
 * are delivered now, oldest first, until the ring is full again. */
void vnet_dev_rx_refilled(VnetDev* dev);

/* A frame arriving from the wire below the device. */
VnetRxResult vnet_dev_receive(VnetDev* dev, const uint8_t* frame, size_t len);
/* The same from a wire that puts a virtio-net header (VNET_NET_HDR_LEN
 * bytes) before each frame (a tap with vnet_hdr): buf[len] is header and
 * frame; the header's offload travels with the frame (DATA_VALID
 * included). A buffer shorter than the header, or a header that does not
 * hold, drops the frame, counted as rx-bad-offload. */
VnetRxResult vnet_dev_receive_hdr(VnetDev* dev, const uint8_t* buf, size_t len);
/* What the lower's wire takes whole, as GUEST_* feature bits (a tap with
 * vnet_hdr takes TCP segmentation and checksums): frames for it keep
 * these offloads, the rest are done in software first. Default: none. */
void vnet_lower_set_wire_offloads(VnetDev* lower, uint64_t guest_offloads);

/* The virtio-net control commands a function implements (virtio 1.2
 * §5.1.6.5), decoded from the bytes after the class/command header. */
typedef enum VnetCtrlKind {
    VNET_CTRL_INVALID, /* unknown, or not exactly its length: VIRTIO_NET_ERR */
    VNET_CTRL_RX_PROMISC,
    VNET_CTRL_RX_ALLMULTI,
    VNET_CTRL_MAC_ADDR_SET,
    VNET_CTRL_MAC_TABLE_SET,
    VNET_CTRL_MQ_PAIRS_SET,
    VNET_CTRL_GUEST_OFFLOADS_SET,
    VNET_CTRL_ANNOUNCE_ACK, /* the driver has announced itself (GUEST_ANNOUNCE) */
    VNET_CTRL_VLAN_ADD,     /* CTRL_VLAN: admit a VID */
    VNET_CTRL_VLAN_DEL,
    VNET_CTRL_RSS_CONFIG,       /* RSS: the driver's key, hash types and table */
    VNET_CTRL_HASH_CONFIG,      /* HASH_REPORT without RSS: key and hash types */
    VNET_CTRL_NOTF_COAL_TX_SET, /* NOTF_COAL: ethtool -C tx-usecs/tx-frames */
    VNET_CTRL_NOTF_COAL_RX_SET, /* NOTF_COAL: ethtool -C rx-usecs/rx-frames */
    VNET_CTRL_NOT_NEGOTIATED,   /* well formed, but its feature was not: VIRTIO_NET_ERR */
} VnetCtrlKind;

typedef struct VnetCtrlCmd {
    VnetCtrlKind kind;
    bool on;                /* RX_PROMISC, RX_ALLMULTI */
    const uint8_t* mac;     /* MAC_ADDR_SET: 6 bytes inside data */
    const uint8_t *uc, *mc; /* MAC_TABLE_SET: n_uc, n_mc MACs inside data */
    uint32_t n_uc, n_mc;
    uint16_t pairs;    /* MQ_PAIRS_SET: not checked against the function */
    uint64_t offloads; /* GUEST_OFFLOADS_SET: GUEST_* feature bits */
    uint16_t vid;      /* VLAN_ADD, VLAN_DEL: below 4096 */
    /* RSS_CONFIG: the table's n_table (a power of two, at most 128) le16
     * queue indices and the key's key_len bytes point inside data; pairs
     * is max_tx_vq. Not checked against the function's queues.
     * HASH_CONFIG: hash_types, key and key_len alone. */
    uint32_t hash_types;
    uint16_t unclassified_queue;
    const uint8_t* table;
    uint16_t n_table;
    const uint8_t* key;
    uint8_t key_len;
    /* NOTF_COAL_TX_SET, _RX_SET: notify after at most max_packets used
     * buffers or max_usecs, as the driver asked; any values. */
    uint32_t max_packets, max_usecs;
} VnetCtrlCmd;

/* Decodes command `cmd` of class `cls` with data[len] into *out (pointers
 * into data); returns out->kind. A command whose feature the driver did
 * not negotiate (`features`, the function's negotiated bits: CTRL_VQ for
 * any; CTRL_RX for the RX class and the MAC tables, CTRL_MAC_ADDR, MQ,
 * CTRL_GUEST_OFFLOADS, GUEST_ANNOUNCE, CTRL_VLAN, RSS, HASH_REPORT, NOTF_COAL
 * for theirs) is VNET_CTRL_NOT_NEGOTIATED. The queue-pair range is the caller's to
 * check. */
VnetCtrlKind vnet_ctrl_decode(uint64_t features, uint8_t cls, uint8_t cmd, const uint8_t* data,
                              size_t len, VnetCtrlCmd* out);

/* False if refused (a child's MAC must stay unique on its lower). */
bool vnet_dev_set_mac(VnetDev* dev, const uint8_t mac[6]);
void vnet_dev_get_mac(const VnetDev* dev, uint8_t mac[6]);
bool vnet_dev_carrier(const VnetDev* dev);
void vnet_dev_set_up(VnetDev* dev, bool up);
void vnet_dev_set_carrier(VnetDev* dev, bool carrier);
/* The user pulled (or put back) this device's own cable: its carrier is off
 * whatever its lower says, and its uppers follow. */
void vnet_dev_set_proto_down(VnetDev* dev, bool down);
bool vnet_dev_is_up(const VnetDev* dev);
unsigned vnet_dev_mtu(const VnetDev* dev);

/* The lower's own stack joins its bridge-mode macvlan children as a port of
 * one bridge, as an SR-IOV NIC's VEB has its PF (Linux's macvlan sends a
 * lower's own frames to the wire only). False if no macvlan child is on it. */
bool vnet_macvlan_set_veb(VnetDev* lower, bool on);

/* An SR-IOV VF's host-side settings, as `ip link set PF vf N ...` sets them
 * (IFLA_VF_*): admin_mac says the host set the device's MAC; a port VLAN
 * tags what the VF sends (a frame it tagged itself is dropped as
 * tx-vlan-tagged) and lets only frames with that tag reach it, stripped
 * (others: rx-vlan-port), delivered through ops->deliver_iov; spoofchk drops
 * (tx-spoofed) the VF's frames from another source MAC; an untrusted VF
 * may not override a host-set MAC nor go promiscuous; the link state forces
 * the carrier up or down, or leaves it the lower's. */
typedef enum VnetVfLink {
    VNET_VF_LINK_AUTO = 0,
    VNET_VF_LINK_ENABLE = 1,
    VNET_VF_LINK_DISABLE = 2,
} VnetVfLink;
typedef struct VnetVfConfig {
    bool admin_mac;
    bool spoofchk;
    bool trust;
    VnetVfLink link_state;
    uint16_t vlan; /* port VLAN, 1..4094; 0: none */
    uint8_t qos;   /* its 802.1p priority, 0..7 */
} VnetVfConfig;
/* A new VF's settings, as Linux's PF drivers start one: spoofchk on, trust
 * off, link auto, no host MAC. */
void vnet_vf_config_init(VnetVfConfig* cfg);
/* Makes dev a VF with these settings (or changes them). */
void vnet_dev_set_vf(VnetDev* dev, const VnetVfConfig* cfg);
/* Whether dev's driver may take this MAC (VIRTIO_NET_CTRL_MAC_ADDR_SET), or
 * promiscuous mode; always true for a device that is not a VF. */
bool vnet_dev_vf_permits_mac(const VnetDev* dev, const uint8_t mac[6]);
bool vnet_dev_vf_permits_promisc(const VnetDev* dev);
/* `ip link set DEV mtu N`: a lower takes VNET_MIN_MTU..the MTU it was created with
 * (its buffers' size); a child 68..its lower's MTU (macvlan_change_mtu's
 * rule). The change reaches the uppers as Linux's NETDEV_CHANGEMTU does:
 * a macvlan above the new MTU comes down to it, an ipvlan takes it
 * whatever it was. False, with the reason in why[], if refused. */
bool vnet_dev_set_mtu(VnetDev* dev, unsigned mtu, char* why, size_t why_len);
void vnet_dev_set_rx_mode(VnetDev* dev, bool promisc, bool allmulti);
/* Tables of 6-byte addresses, n_uc and n_mc entries back to back. */
void vnet_dev_set_mac_tables(VnetDev* dev, const uint8_t* uc, size_t n_uc, const uint8_t* mc,
                             size_t n_mc);
/* VLAN filtering, on while the driver negotiated VIRTIO_NET_F_CTRL_VLAN:
 * an 802.1Q-tagged frame reaches the function only with a VID in the
 * table (VNET_VLAN_WORDS words, VID v at bit v % 32 of word v / 32, as
 * virtio-net's vlans[]; NULL: empty); off, every VID. Untagged frames and
 * promiscuous mode are not concerned. */
#define VNET_VLAN_WORDS 128
void vnet_dev_set_vlan_filter(VnetDev* dev, bool on, const uint32_t* table);
/* VIRTIO_NET_CTRL_VLAN_ADD / _DEL of one VID (below 4096). */
void vnet_dev_set_vlan(VnetDev* dev, uint16_t vid, bool on);
void vnet_dev_get_stats(const VnetDev* dev, VnetDevStats* stats);
const char* vnet_drop_reason_name(unsigned reason);

/* Migration: what the device learned at run time that the destination's
 * configuration does not give back (the lower's neighbours; an ipvlan
 * child's addresses, learned ones too; nothing for a macvlan). Returns a
 * malloc()ed blob, NULL with *len 0 when there is nothing. */
uint8_t* vnet_dev_state_save(const VnetDev* dev, size_t* len);
/* Takes a blob of vnet_dev_state_save (len 0: nothing); false if it is
 * malformed or of another kind of device, and then nothing changed. */
bool vnet_dev_state_load(VnetDev* dev, const uint8_t* buf, size_t len);

/* The receive queue pairs the driver has active (1 out of reset): the
 * flow hash spreads frames over them. */
void vnet_dev_set_rx_queues(VnetDev* dev, unsigned n);
/* VIRTIO_NET_CTRL_MQ_RSS_CONFIG, decoded (cmd->kind VNET_CTRL_RSS_CONFIG),
 * for a function of `queues` pairs: true if taken (then the driver's key,
 * hash types and indirection table pick each frame's queue; with no key
 * and no hash type, RSS is off again), false if it does not hold (a queue
 * at or past `queues`), changing nothing. NULL: off (reset, or any other
 * MQ command, as virtio-net has it). */
bool vnet_dev_set_rss(VnetDev* dev, const VnetCtrlCmd* cmd, unsigned queues);
/* The same takes VIRTIO_NET_CTRL_MQ_HASH_CONFIG (cmd->kind
 * VNET_CTRL_HASH_CONFIG): the key and hash types of the hashes reported;
 * the queue goes back to the flow hash's spreading, as with virtio-net. */
/* VIRTIO_NET_F_HASH_REPORT negotiated: each frame's header carries the
 * hash of the types the driver configured (RSS_CONFIG or HASH_CONFIG;
 * none before either), as virtio 1.2 §5.1.6.4.3.4 has it. */
void vnet_dev_set_hash_report(VnetDev* dev, bool on);

/*
 * VXLAN (-netdev vxlan). The glue owns the host sockets; a VnetVxsock is
 * the demultiplexer of one of them, shared by every VnetVxlan on the same
 * local address and port.
 */
typedef struct VnetVxlan VnetVxlan;
typedef struct VnetVxsock VnetVxsock;

typedef struct VnetIpAddr {
    bool v6;
    uint8_t b[16]; /* IPv4 in b[0..3] */
} VnetIpAddr;

/* An IPv4 or IPv6 address in text (inet_pton's forms); false if neither. */
bool vnet_ip_parse(const char* s, VnetIpAddr* out);

/*
 * The devices' settings as text (net/vnet/settings.cc). Each returns false
 * (or SIZE_MAX) on a bad value, with why[] saying what is wrong with it in
 * words to follow the property's name.
 */
/* ip=ADDR/LEN[,ADDR/LEN] and gw=ADDR[,ADDR] (either may be NULL): one IPv4
 * and one IPv6 each, a gateway only with an address of its family; *field
 * names the one at fault ("ip", "gw"). */
bool vnet_parse_inet(const char* ip, const char* gw, VnetInetConfig* out, char* why, size_t why_len,
                     const char** field);
/* ip link's words: private, vepa, bridge, passthru, source. */
bool vnet_parse_macvlan_mode(const char* s, VnetMacvlanMode* out, char* why, size_t why_len);
/* l2, l3, l3s; and the flags bridge, private, vepa. */
bool vnet_parse_ipvlan_mode(const char* s, VnetIpvlanMode* out, char* why, size_t why_len);
bool vnet_parse_ipvlan_flags(const char* s, uint16_t* out, char* why, size_t why_len);
/* "MAC,MAC..." (empty items skipped): how many, in *macs (6 bytes each,
 * malloc()ed, NULL for none). */
size_t vnet_parse_mac_list(const char* s, uint8_t** macs, char* why, size_t why_len);
/* "IP,IP...": each an IPv4 or IPv6 address, none twice; in *addrs as
 * vnet_parse_mac_list. */
size_t vnet_parse_ip_list(const char* s, VnetIpAddr** addrs, char* why, size_t why_len);

/* Tracing of datapath decisions, for QEMU's trace events: what an
 * rx_handler returned ("consumed", "another", "exact", "pass"), the reason
 * a frame was dropped (a drop reason's name), a neighbour's new state
 * ("incomplete", "reachable", "stale", "probe", "failed"), an FDB entry
 * learned, moved or aged out ("learn", "migrate", "age"), an ipvlan
 * address asked for, found or known as no child's ("probe", "found",
 * "not-child"). dev names the
 * device, or the vxlan netdev; mac and ip are NULL where they do not
 * apply. Process-wide; set once before frames flow (NULL: off). */
typedef enum VnetTraceKind {
    VNET_TRACE_RX_HANDLER,
    VNET_TRACE_DROP,
    VNET_TRACE_NEIGH,
    VNET_TRACE_FDB,
    VNET_TRACE_IPVLAN_ADDR,
} VnetTraceKind;
typedef void VnetTraceFn(VnetTraceKind kind, const char* dev, const char* what, const uint8_t* mac,
                         const VnetIpAddr* ip);
void vnet_set_trace(VnetTraceFn* fn);

typedef enum VnetVxlanDf {
    VNET_VXLAN_DF_UNSET,
    VNET_VXLAN_DF_SET,
    VNET_VXLAN_DF_INHERIT,
} VnetVxlanDf;

/* External mode's "no VNI": no untagged VNI (vni), no key (src_vni). */
#define VNET_VXLAN_NO_VNI 0xffffffffu

/* One VLAN-to-VNI line of external mode's map. */
typedef struct VnetVlanTunnel {
    uint16_t vid;
    uint32_t vni;
} VnetVlanTunnel;

/* vlan-tunnel=VID[-VID]:VNI[-VNI] (bridge vlan's `vid 10-20 tunnel_info
 * id 1010-1020`): the lines it stands for, appended at out[*n] (room for
 * 4094 in all); false with why[] if malformed or the ranges differ in
 * length. */
bool vnet_parse_vlan_tunnel(const char* s, VnetVlanTunnel* out, size_t* n, char* why,
                            size_t why_len);

typedef struct VnetVxlanConfig {
    const char* name; /* the netdev's id, for traces (NULL: "vxlan") */
    uint32_t vni;     /* external: the untagged frames', or VNET_VXLAN_NO_VNI */
    VnetIpAddr local;
    bool has_remote; /* remote= or group= */
    VnetIpAddr remote;
    uint16_t dst_port;
    uint16_t port_min, port_max; /* both 0: the kernel's default range */
    uint8_t ttl;                 /* 0: 1 to a group, else 64 */
    uint8_t tos;
    bool tos_inherit;
    VnetVxlanDf df;
    bool learning;
    uint32_t ageing_s; /* 0: never */
    uint32_t maxaddress;
    bool proxy, l2miss, l3miss;
    bool rsc;                            /* route short-circuit */
    bool udpcsum;                        /* IPv4's outer UDP checksum */
    bool udp6zerocsumtx, udp6zerocsumrx; /* IPv6: send, accept zero ones */
    bool gbp;                            /* Group Based Policy both ways */
    uint32_t gbp_mark;                   /* what we send: the ID in the low 16 bits; 0 none */
    bool remcsum_rx;                     /* finish a remote-offloaded inner checksum */
    bool remcsum_tx;                     /* leave a partial one to the receiver */
    unsigned mtu;
    /* Metadata mode behind a VLAN-filtering bridge: every VNI on the
     * socket, the NIC's 802.1Q tags mapped to VNIs (the array is copied). */
    bool external;
    const VnetVlanTunnel* vlan_tunnel;
    size_t n_vlan_tunnel;
} VnetVxlanConfig;

/* The outer header values of one datagram. */
typedef struct VnetVxlanTx {
    VnetIpAddr dst;
    uint16_t dst_port;
    uint16_t src_port;
    uint8_t tos; /* ECN already encapsulated */
    uint8_t ttl;
    bool df;
} VnetVxlanTx;

typedef struct VnetVxlanOps {
    /* One datagram: iov[0] is the VXLAN header (after a route short-circuit
     * followed by the inner frame's new Ethernet addresses), iov[1] the
     * rest of the inner frame. */
    bool (*send)(void* opaque, const VnetVxlanTx* tx, const struct iovec* iov, unsigned iovcnt);
    /* An inner frame for the NIC, in iovcnt (at most 3) pieces; false if
     * there is none or its link is down. vnet_hdr (VNET_NET_HDR_LEN bytes,
     * little-endian) says what is left to do to it: all zero unless
     * vnet_vxlan_set_nic_csum allowed a partial checksum, which remote
     * checksum offload can leave. */
    bool (*deliver)(void* opaque, const uint8_t* vnet_hdr, const struct iovec* iov,
                    unsigned iovcnt);
    void (*l2miss)(void* opaque, const uint8_t mac[6]);
    void (*l3miss)(void* opaque, const VnetIpAddr* ip);
    /* Milliseconds of the clock that ages the FDB. */
    uint64_t (*now_ms)(void* opaque);
} VnetVxlanOps;

/* Fills cfg with libvnet's defaults, which are ip link's (dstport 4789,
 * learning, ageing 300 s, UDP checksums, MTU 1500; no VNI, addresses or
 * remote): the caller then sets what was given. */
void vnet_vxlan_config_init(VnetVxlanConfig* cfg);
/* vxlan_validate: false if the configuration is refused; why[] says why,
 * *field names the option at fault. */
bool vnet_vxlan_validate(const VnetVxlanConfig* cfg, char* why, size_t why_len, const char** field);
/* NULL unless the configuration passes vnet_vxlan_validate. */
VnetVxlan* vnet_vxlan_new(const VnetVxlanConfig* cfg, const VnetVxlanOps* ops, void* opaque);
void vnet_vxlan_free(VnetVxlan* vx);
/* A frame from the NIC. */
void vnet_vxlan_xmit(VnetVxlan* vx, const uint8_t* frame, size_t len);
/* A frame from a NIC that writes a virtio-net header before it (hdr_len
 * bytes, at least VNET_NET_HDR_LEN, little-endian): what the header says
 * is left to do (a partial checksum, a GSO frame) is done or, with
 * remcsum_tx, left to the receiver. A header that does not fit the frame
 * is dropped and counted. */
void vnet_vxlan_xmit_hdr(VnetVxlan* vx, const uint8_t* buf, size_t len, size_t hdr_len);
void vnet_vxlan_set_own_mac(VnetVxlan* vx, const uint8_t mac[6]);
/* The NIC takes frames with a partial checksum (its guest negotiated
 * GUEST_CSUM): one remote checksum offload left is passed on partial, as
 * Linux does, rather than filled. */
void vnet_vxlan_set_nic_csum(VnetVxlan* vx, bool on);
void vnet_vxlan_run_timers(VnetVxlan* vx);
void vnet_vxlan_get_stats(const VnetVxlan* vx, VnetDevStats* stats);
/* With gbp: the datagrams received by group policy ID, up to `max` of
 * them (the first 64 IDs seen are counted apart); returns how many were
 * written, and in *other those of any further ID. */
typedef struct VnetGbpCount {
    uint16_t id;
    uint64_t packets;
} VnetGbpCount;
size_t vnet_vxlan_gbp_counts(const VnetVxlan* vx, VnetGbpCount* out, size_t max, uint64_t* other);
/* External mode's map, by VLAN ID: how many lines, up to `max` written. */
size_t vnet_vxlan_vlan_tunnel(const VnetVxlan* vx, VnetVlanTunnel* out, size_t max);
/* `bridge vlan add/del ... tunnel_info` at run time: add is false, why[]
 * saying why, for a netdev not in external mode, a VLAN ID or VNI out of
 * range or already mapped; del is false if the VLAN has no line. */
bool vnet_vxlan_vlan_tunnel_add(VnetVxlan* vx, uint16_t vid, uint32_t vni, char* why,
                                size_t why_len);
bool vnet_vxlan_vlan_tunnel_del(VnetVxlan* vx, uint16_t vid);

typedef enum VnetFdbResult {
    VNET_FDB_OK,
    VNET_FDB_EXISTS,
    VNET_FDB_FULL,
    VNET_FDB_NOT_FOUND,
} VnetFdbResult;

/* port 0: dstport; vni 0: the device's (external: src_vni). append adds a
 * remote to an entry; router sets the entry's router flag (NTF_ROUTER),
 * clear without it. src_vni is the entry's key VNI in external mode
 * (NDA_SRC_VNI), else ignored. */
VnetFdbResult vnet_vxlan_fdb_add(VnetVxlan* vx, const uint8_t mac[6], const VnetIpAddr* ip,
                                 uint16_t port, uint32_t vni, bool append, bool router,
                                 uint32_t src_vni);
/* ip NULL: the whole entry; else the one remote (port and vni as in add). */
VnetFdbResult vnet_vxlan_fdb_del(VnetVxlan* vx, const uint8_t mac[6], const VnetIpAddr* ip,
                                 uint16_t port, uint32_t vni, uint32_t src_vni);
/* src_vni: the entry's key VNI, the device's outside external mode. */
typedef void VnetFdbDumpFn(void* opaque, const uint8_t mac[6], const VnetIpAddr* ip, uint16_t port,
                           uint32_t vni, uint32_t src_vni, bool is_static, bool router,
                           uint64_t idle_ms);
/* One call per remote of every entry. */
void vnet_vxlan_fdb_dump(const VnetVxlan* vx, VnetFdbDumpFn* fn, void* opaque);
size_t vnet_vxlan_fdb_size(const VnetVxlan* vx);
/* Migration of the FDB (all but the all-zeros entries, which are the
 * host's remote=/group=), ages included; as vnet_dev_state_save/load. An
 * external netdev's entries, keyed by VNI, load only into another. */
uint8_t* vnet_vxlan_state_save(const VnetVxlan* vx, size_t* len);
bool vnet_vxlan_state_load(VnetVxlan* vx, const uint8_t* buf, size_t len);
/* The neighbour table the proxy and route short-circuit use: a permanent
 * entry (`ip neigh add ... nud permanent`); false if the table is full.
 * del: false if there is none. */
bool vnet_vxlan_neigh_add(VnetVxlan* vx, const VnetIpAddr* ip, const uint8_t mac[6]);
bool vnet_vxlan_neigh_del(VnetVxlan* vx, const VnetIpAddr* ip);
typedef void VnetNeighDumpFn(void* opaque, const VnetIpAddr* ip, const uint8_t mac[6],
                             bool permanent, uint64_t age_ms);
void vnet_vxlan_neigh_dump(const VnetVxlan* vx, VnetNeighDumpFn* fn, void* opaque);
/* Migration of the permanent neighbours; an empty blob (len 0) when there
 * are none, which load takes as nothing to add. */
uint8_t* vnet_vxlan_neigh_state_save(const VnetVxlan* vx, size_t* len);
bool vnet_vxlan_neigh_state_load(VnetVxlan* vx, const uint8_t* buf, size_t len);

VnetVxsock* vnet_vxsock_new(void);
void vnet_vxsock_free(VnetVxsock* vs);
/* False if the VNI is taken on this socket, or the socket's devices or
 * vx are in external mode (which takes a socket of its own). */
bool vnet_vxsock_add(VnetVxsock* vs, VnetVxlan* vx);
void vnet_vxsock_remove(VnetVxsock* vs, VnetVxlan* vx);
/* A received datagram's UDP payload (changed in place); truncated if it
 * did not fit the buffer. */
void vnet_vxsock_receive(VnetVxsock* vs, const VnetIpAddr* src, uint8_t outer_tos, uint8_t* payload,
                         size_t len, bool truncated);
void vnet_vxsock_get_stats(const VnetVxsock* vs, VnetDevStats* stats);

#ifdef __cplusplus
}
#endif

#endif /* VNET_VNET_H */
