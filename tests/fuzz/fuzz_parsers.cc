// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: every header parser on arbitrary bytes, as a frame and
// as the payload each parser expects. ASan and UBSan flag any read outside
// the input; the parsers must never accept what they cannot hold.
#include <cstddef>
#include <cstdint>
#include <span>

#include "vnet/flow_hash.h"
#include "vnet/wire/arp.h"
#include "vnet/wire/ecn.h"
#include "vnet/wire/ethernet.h"
#include "vnet/wire/icmpv6.h"
#include "vnet/wire/ipv4.h"
#include "vnet/wire/ipv6.h"
#include "vnet/wire/udp.h"
#include "vnet/wire/vxlan.h"

using namespace vnet;

namespace {

volatile std::uint32_t g_sink;

void l3(std::uint16_t type, std::span<const std::uint8_t> p) {
    if (type == wire::kEthPArp) {
        if (auto a = wire::ArpRepr::parse(p)) {
            g_sink = a->op + a->spa[0] + a->tpa[3];
        }
    } else if (type == wire::kEthPIpv4) {
        if (auto ip = wire::Ipv4View::parse(p)) {
            g_sink = ip->checksum_ok() + ip->payload().size();
            if (auto u = wire::UdpView::parse(ip->payload())) {
                g_sink = u->checksum_ok(ip->src(), ip->dst()) + u->payload().size();
                if (auto vx = wire::VxlanHeader::parse(u->payload())) {
                    g_sink = vx->vni + vx->reserved_clear();
                }
            }
        }
    } else if (type == wire::kEthPIpv6) {
        if (auto ip = wire::Ipv6View::parse(p)) {
            if (auto nd = wire::NdRepr::parse(*ip)) {
                g_sink = nd->type + nd->target[15] + (nd->link_addr ? 1 : 0);
            }
            if (auto u = wire::UdpView::parse(ip->payload())) {
                g_sink = u->checksum_ok(ip->src(), ip->dst());
            }
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> in(data, size);
    if (auto eth = wire::EthernetView::parse(in)) {
        l3(eth->ethertype(), eth->payload());
    }
    // The same bytes as a bare L3 payload of each kind, and as VXLAN.
    for (std::uint16_t t : {wire::kEthPArp, wire::kEthPIpv4, wire::kEthPIpv6}) {
        l3(t, in);
    }
    if (auto vx = wire::VxlanHeader::parse(in)) {
        g_sink = vx->has_vni();
    }
    g_sink = ToeplitzHasher::default_hasher().hash_frame(in).value + wire::frame_dsfield(in);
    return 0;
}
