// SPDX-License-Identifier: GPL-2.0-or-later
// Datapath decisions for the glue's trace events (QEMU's trace-events):
// what an rx_handler returned, the rule that dropped a frame, a neighbour's
// resolution, an FDB entry learned, moved or aged out, an ipvlan address
// probed for, found or known as no child's. One process-wide
// hook, unset by default; when set, each decision costs one indirect call
// and the hook decides what to format.
#pragma once

#include <cstdint>
#include <string>

#include "vnet/ip_addr.h"
#include "vnet/mac_addr.h"

namespace vnet {

enum class TraceKind : std::uint8_t { rx_handler, drop, neigh, fdb, ipvlan_addr };

struct TraceEvent {
    TraceKind kind;
    const char* dev;   // the device (or vxlan netdev) that decided
    const char* what;  // the result, reason or state, as a name
    const MacAddr* mac = nullptr;
    const IpAddr* ip = nullptr;
};

using TraceHook = void (*)(const TraceEvent&);

// Set by the glue once (or null to stop); not for use while frames flow.
void set_trace_hook(TraceHook hook);

namespace detail {
extern TraceHook trace_hook;
}

// For a call site whose arguments cost something to work out (a name
// looked up per frame): test this first, so they are not worked out
// while nothing is traced.
inline bool tracing() { return detail::trace_hook != nullptr; }

inline void trace(TraceKind kind, const std::string& dev, const char* what,
                  const MacAddr* mac = nullptr, const IpAddr* ip = nullptr) {
    if (tracing()) [[unlikely]] {
        detail::trace_hook(TraceEvent{kind, dev.c_str(), what, mac, ip});
    }
}

}  // namespace vnet
