// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: migration state blobs (the bytes of a migration
// stream) into the FDB, the neighbour table and an ipvlan child. The first
// byte picks the loader, the rest is the blob; a loader either takes a
// well-formed blob whole or refuses it and changes nothing, and what it
// took must save back to a blob it takes again.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vnet/clock.h"
#include "vnet/counters.h"
#include "vnet/neighbour.h"
#include "vnet/vxlan_fdb.h"

using namespace vnet;

namespace {

struct NullOps final : NeighOps {
    void solicit(const IpAddr&) override {}
    void transmit(Packet&, const MacAddr&) override {}
};

void check(bool cond) {
    if (!cond) {
        __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::span<const std::uint8_t> blob(data + 1, size - 1);
    if (data[0] & 1) {
        VxlanFdb fdb(data[0] >> 2);                // maxaddress 0..63
        const bool vni_keys = (data[0] & 2) != 0;  // an external netdev's
        const bool ok = fdb.load(blob, 1000000, vni_keys);
        check(ok || fdb.size() == 0);
        check(fdb.maxaddress() == 0 || fdb.size() <= fdb.maxaddress());
        std::vector<std::uint8_t> again;
        fdb.save(again, 1000000);
        VxlanFdb copy(0);
        check(copy.load(again, 1000000, vni_keys) && copy.size() == fdb.size());
    } else {
        ManualClock clock;
        clock.advance_ms(1000000);
        NullOps ops;
        DeviceCounters counters;
        NeighTable table(clock, ops, counters);
        const bool ok = table.load(blob);
        check(ok || table.size() == 0);
        check(table.size() <= kNeighMaxEntries);
        std::vector<std::uint8_t> again;
        table.save(again);
        NeighTable copy(clock, ops, counters);
        check(copy.load(again) && copy.size() == table.size());
    }
    return 0;
}
