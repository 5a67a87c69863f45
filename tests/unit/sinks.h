// SPDX-License-Identifier: GPL-2.0-or-later
// The ends the tests, benchmarks and fuzz targets hang the stack on: a
// lower's wire and a function's stack that count what reaches them, one
// that also reads every byte (so ASan sees any window beyond a buffer),
// and VXLAN's socket side that counts.
#pragma once

#include <cstdint>
#include <span>

#include "vnet/dev.h"
#include "vnet/vxlan.h"

namespace vnet::test {

struct CountingSink final : XmitOps, ProtocolHandler {
    XmitResult xmit(NetDevice&, Packet&) override { return XmitResult::sent; }
    DeliverResult deliver(NetDevice&, const Packet&) override {
        ++delivered;
        return DeliverResult::delivered;
    }
    long delivered = 0;
};

struct TouchingSink final : XmitOps, ProtocolHandler {
    XmitResult xmit(NetDevice&, Packet&) override { return XmitResult::sent; }
    DeliverResult deliver(NetDevice&, const Packet& p) override {
        std::uint8_t x = 0;
        for (std::size_t i = 0; i < p.len(); ++i) {
            x ^= p.data()[i];
        }
        sum = x;
        return DeliverResult::delivered;
    }
    volatile std::uint8_t sum = 0;
};

struct CountingVxlanOps final : VxlanOps {
    bool send(const VxlanTx&, std::span<const std::uint8_t>,
              std::span<const std::uint8_t>) override {
        ++sent;
        return true;
    }
    bool deliver(std::span<const std::uint8_t>, const Offload&, std::uint16_t) override {
        ++delivered;
        return true;
    }
    long sent = 0, delivered = 0;
};

}  // namespace vnet::test
