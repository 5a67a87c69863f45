// SPDX-License-Identifier: GPL-2.0-or-later
// The trace hook (see trace.h).
#include "vnet/trace.h"

namespace vnet {

namespace detail {
TraceHook trace_hook = nullptr;
}

void set_trace_hook(TraceHook hook) { detail::trace_hook = hook; }

}  // namespace vnet
