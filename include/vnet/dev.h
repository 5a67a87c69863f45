// SPDX-License-Identifier: GPL-2.0-or-later
// The core transmit and receive entry points of net/core/dev.c:
// dev_queue_xmit and the rx_handler loop of __netif_receive_skb_core.
#pragma once

#include "vnet/net_device.h"
#include "vnet/packet.h"

namespace vnet {

// Bound on rx_handler hops (ANOTHER) for one packet, so a loop in the
// upper/lower links cannot spin; Linux bounds stacking depth the same way
// (MAX_NEST_DEV).
inline constexpr int kMaxNesting = 8;

enum class RxResult : std::uint8_t {
    delivered,  // reached a device's stack
    consumed,   // an rx_handler took it
    dropped,    // counted under a DropReason on the device where it stopped
    busy,       // the final stack had no room; the caller still owns the bytes
};

// eth_type_trans: pkt_type of a frame as seen by `dev`.
void eth_type_trans(Packet& pkt, const NetDevice& dev);

// __netif_receive_skb: runs pkt.dev's rx_handler chain, then hands what is
// passed to the device's own stack. pkt.pkt_type must be set: frames for
// the device itself (PACKET_HOST) pass; others must get through its RX
// filter (the function's NIC filter; Linux would drop them in IP).
RxResult netif_receive(Packet& pkt);

// The end of netif_receive, once the rx_handlers passed: through the
// device's RX filter to its own stack. For a frame an rx_handler's owner
// gives the device's own stack itself (ipvlan's probes, frames that waited
// for one), which must not meet that handler again.
RxResult netif_deliver(Packet& pkt);

// What a driver does with a frame off its wire: eth_type_trans, then
// netif_receive.
RxResult netif_receive_eth(Packet& pkt);

// process_backlog: delivers the frames waiting in dev's RX backlog, oldest
// first, until its stack has no room again. Returns how many it took.
std::size_t process_backlog(NetDevice& dev);

// dev_forward_skb: hands a frame sent on one device to the receive path of
// `dev` without touching a wire. Refused (counted as fwd_dropped on dev)
// if dev is down or the frame is longer than its MTU allows.
RxResult dev_forward(NetDevice& dev, Packet& pkt);

// Sends pkt out of dev (dev_queue_xmit): checks state and MTU, counts, and
// calls the device's XmitOps.
XmitResult dev_queue_xmit(NetDevice& dev, Packet& pkt);

// Counts what dev's XmitOps did with a frame of len bytes as sent, when it
// went (sent or queued); a drop is counted where it happens, and a held
// frame when it goes on.
void count_xmit(NetDevice& dev, XmitResult r, std::size_t len);

}  // namespace vnet
