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

// Receives pkt on pkt.dev: counts it, runs the rx_handler chain, then hands
// what is passed to the device's own stack through its RX filter.
RxResult netif_receive(Packet& pkt);

// Sends pkt out of dev (dev_queue_xmit): checks state and MTU, counts, and
// calls the device's XmitOps.
XmitResult dev_queue_xmit(NetDevice& dev, Packet& pkt);

}  // namespace vnet
