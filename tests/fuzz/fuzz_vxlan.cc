// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: VXLAN from both sides. Even first byte: the rest is a
// datagram's UDP payload arriving at the shared socket from one of a few
// remotes (byte 1), with an outer TOS (byte 2). Odd: the rest is a frame
// from the NIC, with bit 1 behind a virtio-net header (bit 2: to the
// netdev without remcsum-tx). The device learns, proxies, raises misses and ages on a
// clock the input advances; the FDB is capped so that memory stays bounded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "vnet/clock.h"
#include "vnet/virtio_net_hdr.h"
#include "vnet/vxlan.h"
#include "vnet/vxlan_sock.h"

using namespace vnet;

namespace {

struct Ops final : VxlanOps {
    bool send(const VxlanTx& tx, std::span<const std::uint8_t> hdr,
              std::span<const std::uint8_t> frame) override {
        std::uint8_t x = tx.tos;
        for (auto b : hdr) {
            x ^= b;
        }
        for (auto b : frame) {
            x ^= b;  // ASan sees any window beyond the buffer
        }
        sum = x;
        return true;
    }
    bool deliver(std::span<const std::uint8_t> frame, const Offload&, std::uint16_t) override {
        std::uint8_t x = 0;
        for (auto b : frame) {
            x ^= b;
        }
        sum = x;
        return true;
    }
    volatile std::uint8_t sum = 0;
};

IpAddr remote(std::uint8_t i) {
    const std::array<std::uint8_t, 4> a{192, 0, 2, static_cast<std::uint8_t>(i & 7)};
    return IpAddr::v4(a);
}

struct World {
    Ops ops;
    ManualClock clock;
    VxlanSock sock;
    VxlanDev dev;
    VxlanDev other;
    // External mode on a socket of its own: VLANs 1-8 on VNIs 1000-1007,
    // untagged frames on VNI 42, learning on.
    VxlanSock xsock;
    VxlanDev ext;

    static VxlanConfig config(std::uint32_t vni) {
        VxlanConfig c;
        c.vni = vni;
        // One with GBP, one without: the G flag taken or refused; the
        // other with remote checksum offload, the RCO flag taken or refused.
        c.gbp = vni == 42;
        c.gbp_mark = c.gbp ? 0x1234 : 0;
        c.remcsum_rx = vni == 43;
        c.remcsum_tx = vni == 42;
        c.local = remote(0);
        c.remote = remote(1);
        c.proxy = true;
        c.l2miss = true;
        c.l3miss = true;
        c.rsc = true;
        c.maxaddress = 256;
        c.ageing_s = 5;
        c.tos_inherit = true;
        c.df = VxlanDf::inherit;
        return c;
    }
    static VxlanConfig external() {
        VxlanConfig c = config(42);
        c.external = true;
        c.remcsum_rx = true;
        for (std::uint16_t v = 1; v <= 8; ++v) {
            c.vlan_tunnel.push_back({v, 999u + v});
        }
        return c;
    }
    World()
        : dev(config(42), ops, clock), other(config(43), ops, clock), ext(external(), ops, clock) {
        sock.add(dev);
        sock.add(other);
        xsock.add(ext);
        ext.set_nic_csum(true);
        dev.set_own_mac(MacAddr{{0x02, 0, 0, 0, 0, 0x42}});
        dev.fdb_add(MacAddr{}, {remote(2), 0, 0}, true);
        // A router, and neighbours for route short-circuit: one behind a
        // remote, one bridge-local (its frames come back to the NIC).
        const MacAddr router{{0x02, 0, 0, 0, 0, 0x01}};
        const MacAddr local{{0x02, 0, 0, 0, 0, 0x03}};
        dev.fdb_add(router, {remote(3), 0, 0}, false, true);
        dev.fdb_add(local, {IpAddr::v4(std::array<std::uint8_t, 4>{}), 0, 0}, false);
        dev.neigh_add(IpAddr::v4(std::array<std::uint8_t, 4>{10, 0, 0, 1}), local, true);
        dev.neigh_add(IpAddr::v4(std::array<std::uint8_t, 4>{10, 0, 0, 2}),
                      MacAddr{{0x02, 0, 0, 0, 0, 0x02}}, true);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static World w;
    if (size < 3) {
        return 0;
    }
    std::vector<std::uint8_t> buf(data + 3, data + size);  // rx may write (ECN)
    // Bit 3 picks the external device for either way.
    const bool ext = (data[0] & 8) != 0;
    if (ext && (data[0] & 0x10) != 0) {
        // The map changing under traffic (vxlan-vlan-tunnel-add/-del).
        const auto vid = static_cast<std::uint16_t>((data[1] & 15) + 1);
        if (!w.ext.vlan_tunnel_del(vid)) {
            w.ext.vlan_tunnel_add(vid, 2000u + data[2]);
        }
    }
    if ((data[0] & 1) == 0) {
        (ext ? w.xsock : w.sock).rx(remote(data[1]), data[2], buf, (data[0] & 2) != 0);
    } else if ((data[0] & 2) == 0 || buf.size() < kVirtioNetHdrLen) {
        (ext ? w.ext : w.dev).xmit(buf);
    } else {
        // A NIC's frame behind its virtio-net header, as remcsum-tx takes
        // it: checksums filled or left to the receiver, GSO frames cut.
        const std::span<const std::uint8_t> f{buf.data() + kVirtioNetHdrLen,
                                              buf.size() - kVirtioNetHdrLen};
        const HdrCheck c = virtio_net_hdr_to_offload(VirtioNetHdr::load(buf.data()), f,
                                                     {true, true, true, true, true});
        VxlanDev& d = ext ? w.ext : (data[0] & 4) ? w.other : w.dev;
        if (!c.refused) {
            d.xmit(f, c.offload);
        }
    }
    w.clock.advance_ms(data[0] * 20u);
    w.dev.run_timers();
    w.ext.run_timers();
    if (w.dev.fdb().size() > 256 || w.ext.fdb().size() > 256) {
        std::abort();  // maxaddress must hold
    }
    return 0;
}
