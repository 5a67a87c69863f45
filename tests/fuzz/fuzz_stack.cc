// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: a frame through the stack. The first byte picks the
// topology (a lower with two macvlan children in one of the five modes, or
// two ipvlan children in l2, l3 or l3s with the lower's IP layer) and the
// direction (received on the lower, or sent by a child); the rest is the
// frame. Deferred work runs after each input and pending neighbour
// resolutions are let fail; then every pool buffer must be back.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "sinks.h"
#include "vnet/clock.h"
#include "vnet/dev.h"
#include "vnet/inet.h"
#include "vnet/ipvlan.h"
#include "vnet/macvlan.h"
#include "vnet/phys_dev.h"

using namespace vnet;

namespace {

constexpr MacAddr kLower{{0x02, 0, 0, 0, 0, 0x01}};

struct Topology {
    test::TouchingSink sink;
    PhysDev phys{"lower", kLower, &sink, &sink, {.buffers = 64, .buffer_size = 2048}};
    NetDevice& lower = phys.dev();
    PacketPool& pool = phys.pool();
    WorkQueue& wq = phys.wq();
    ManualClock clock;
    std::unique_ptr<InetLayer> inet;
    std::array<NetDevice*, 2> kids{};
    std::unique_ptr<MacvlanDev> m[2];
    std::unique_ptr<IpvlanDev> i[2];

    explicit Topology(unsigned kind) {
        std::string why;
        if (kind < 5) {
            static constexpr MacvlanMode modes[] = {MacvlanMode::private_, MacvlanMode::vepa,
                                                    MacvlanMode::bridge, MacvlanMode::passthru,
                                                    MacvlanMode::source};
            for (int k = 0; k < 2; ++k) {
                MacvlanConfig c{.name = k ? "m1" : "m0",
                                .mac = MacAddr{{0x02, 0, 0, 0, 1, static_cast<std::uint8_t>(k)}},
                                .mode = modes[kind]};
                m[k] = MacvlanDev::newlink(lower, c, &sink, &why);
                kids[k] = m[k] ? &m[k]->dev() : nullptr;  // passthru takes one
            }
            return;
        }
        InetConfig ic;
        ic.ip4 = {10, 0, 2, 15};
        ic.prefix4 = 24;
        ic.gw4 = std::array<std::uint8_t, 4>{10, 0, 2, 2};
        inet = std::make_unique<InetLayer>(lower, pool, clock, ic);
        static constexpr IpvlanMode modes[] = {IpvlanMode::l2, IpvlanMode::l3, IpvlanMode::l3s};
        for (int k = 0; k < 2; ++k) {
            i[k] = IpvlanDev::newlink(lower, {.name = k ? "i1" : "i0", .mode = modes[kind - 5]},
                                      &sink, &why);
            kids[k] = i[k] ? &i[k]->dev() : nullptr;
        }
        if (i[0]) {
            phys.set_l3_outbound(inet.get());
        }
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static std::unique_ptr<Topology> topo[8];
    if (size < 1) {
        return 0;
    }
    const unsigned kind = (data[0] & 0x7f) % 8;
    const bool tx = data[0] & 0x80;
    if (!topo[kind]) {
        topo[kind] = std::make_unique<Topology>(kind);
    }
    Topology& t = *topo[kind];
    const std::uint8_t* f = data + 1;
    const std::size_t n = size - 1;
    if (tx) {
        NetDevice* from = t.kids[n % 2] ? t.kids[n % 2] : t.kids[0];
        if (from) {
            auto p = t.pool.alloc();
            if (p && n <= p->tailroom()) {
                std::copy(f, f + n, p->put(n));
                dev_queue_xmit(*from, *p);
            }
        }
    } else {
        auto p = Packet::borrow(f, n);
        p.dev = &t.lower;
        netif_receive_eth(p);
    }
    t.wq.run_pending();
    if (t.inet) {
        // Let any resolution the frame started fail, so that the packets
        // waiting on it are dropped and their buffers return.
        for (int s = 0; s < 5; ++s) {
            t.clock.advance_ms(1000);
            t.inet->run_timers();
        }
    }
    if (t.pool.in_use() != 0) {
        std::abort();  // a buffer leaked on this path
    }
    return 0;
}
