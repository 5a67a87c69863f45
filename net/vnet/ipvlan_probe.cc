// SPDX-License-Identifier: GPL-2.0-or-later
// ipvlan's probes for addresses no child is known to own (ipvlan_probe.h).
// Slow path only: a frame for a learned address never gets here.
#include "vnet/ipvlan_probe.h"

#include "vnet/dev.h"
#include "vnet/inet.h"
#include "vnet/ipvlan.h"
#include "vnet/neigh_reply.h"
#include "vnet/phys_dev.h"
#include "vnet/trace.h"

namespace vnet {

IpvlanProber::IpvlanProber(IpvlanPort& port) : port_(port) {}

IpvlanProber::~IpvlanProber() = default;

std::uint64_t IpvlanProber::now() const {
    const Clock* c = port_.phys_.clock();
    return c ? c->now_ms() : 0;
}

IpvlanProber::Entry* IpvlanProber::find(const IpAddr& a) {
    const std::uint8_t* i = index_.find(a);
    return i ? &entries_[*i] : nullptr;
}

bool IpvlanProber::probing(const IpAddr& a) const {
    const std::uint8_t* i = index_.find(a);
    return i && entries_[*i].probing;
}

IpvlanProber::Entry* IpvlanProber::start(const IpAddr& a) {
    Entry* free = nullptr;
    const std::uint64_t t = now();
    for (Entry& e : entries_) {
        if (e.used && !e.probing && t >= e.until_ms) {
            release(e);  // an expired "no child's": reuse it
        }
        if (!e.used && !free) {
            free = &e;
        }
    }
    if (!free) {
        return nullptr;
    }
    free->addr = a;
    free->used = true;
    free->probing = true;
    free->sent = 0;
    index_.emplace(a, static_cast<std::uint8_t>(free - entries_.data()));
    return free;
}

void IpvlanProber::release(Entry& e) {
    index_.erase(e.addr);
    for (std::size_t i = 0; i < e.nheld; ++i) {
        e.held[i].reset();
        e.from[i] = nullptr;
    }
    e.nheld = 0;
    e.asker_mac.reset();
    e.sender = nullptr;
    e.owner = nullptr;
    e.claimant = nullptr;
    e.used = false;
    e.probing = false;
}

void IpvlanProber::send_probe(const Entry& e) {
    PacketPool& pool = port_.phys_.pool();
    PacketRef p = pool.alloc();
    if (!p) {
        port_.lower_.counters().drop(DropReason::tx_no_buffer);
        return;
    }
    const MacAddr us = port_.lower_.mac();
    if (!e.addr.v6) {
        wire::Ipv4Addr tpa;
        std::copy(e.addr.bytes.begin(), e.addr.bytes.begin() + 4, tpa.begin());
        build_arp_request(p->put(kArpRequestLen), us, wire::Ipv4Addr{}, tpa);
    } else {
        build_ns(p->put(kNsDadLen), us, wire::Ipv6Addr{}, e.addr.bytes);
    }
    const PacketType type = e.addr.v6 ? PacketType::multicast : PacketType::broadcast;
    if (e.owner) {
        if (e.owner->dev_.up()) {  // a child that is down answers nothing
            Packet v = Packet::view(*p, e.owner->dev_, type);
            netif_receive(v);
        }
    } else {
        for (IpvlanDev* child : port_.ipvlans_) {
            // A child whose addresses are fixed (addrs=) owns no other.
            if (child != e.sender && child->learning() && child->dev_.up()) {
                Packet v = Packet::view(*p, child->dev_, type);
                netif_receive(v);
            }
        }
        if (port_.lower_.up()) {
            Packet v = Packet::view(*p, port_.lower_, type);
            netif_deliver(v);
        }
    }
    ++stats_.probes;
    trace(TraceKind::ipvlan_addr, port_.lower_.name(), "probe", nullptr, &e.addr);
    port_.phys_.want_timers_in(kIpvlanProbeIntervalMs);
}

// `no` if no copy could be made; a full queue drops, counted.
Hold IpvlanProber::queue(Entry& e, const Packet& pkt, IpvlanDev* from, bool claim) {
    if (e.nheld == kIpvlanProbeQueueLen) {
        if (from) {
            from->dev_.counters().drop(DropReason::tx_probe_queue_full);
        } else {
            port_.lower_.counters().drop(DropReason::rx_probe_queue_full);
        }
        return Hold::dropped;
    }
    PacketRef copy = port_.phys_.pool().clone(pkt);
    if (!copy) {
        return Hold::no;
    }
    e.held[e.nheld] = std::move(copy);
    e.from[e.nheld] = from;
    e.claim[e.nheld] = claim;
    ++e.nheld;
    return Hold::waits;
}

IpvlanProber::Taken IpvlanProber::take(Entry& e) {
    Taken t;
    t.n = e.nheld;
    for (std::size_t i = 0; i < t.n; ++i) {
        t.held[i] = std::move(e.held[i]);
        t.from[i] = e.from[i];
        t.claim[i] = e.claim[i];
    }
    e.nheld = 0;
    return t;
}

Hold IpvlanProber::hold_owned(const Packet& pkt, const IpAddr& dst, IpvlanDev* from) {
    Entry* e = find(dst);
    return e && e->probing && e->owner ? queue(*e, pkt, from) : Hold::no;
}

void IpvlanProber::reinject(Packet& p, IpvlanDev* from) {
    if (from) {
        const std::size_t len = p.len();
        count_xmit(from->dev_, from->xmit(from->dev_, p), len);
    } else {
        p.dev = &port_.lower_;
        p.pkt_type = PacketType::host;
        netif_receive(p);
    }
}

Hold IpvlanProber::hold(const Packet& pkt, const IpAddr& dst, IpvlanDev* from) {
    Entry* e = find(dst);
    if (e && !e->probing) {
        if (now() < e->until_ms) {
            return Hold::no;  // known as no child's
        }
        release(*e);
        e = nullptr;
    }
    const bool fresh = !e;
    if (fresh && !(e = start(dst))) {
        return Hold::no;
    }
    const Hold r = queue(*e, pkt, from);
    if (r == Hold::no) {
        if (fresh) {
            release(*e);
        }
        return r;  // it goes on unasked rather than be lost
    }
    if (fresh) {
        e->sender = from;
        send_probe(*e);
        e->sent = 1;
        e->until_ms = now() + kIpvlanProbeIntervalMs;
        // In L3 the IP layer asks the uplink at the same time, so that a
        // host there is not kept waiting for the children's silence.
        if (from && port_.mode_ != IpvlanMode::l2) {
            if (InetLayer* inet = port_.phys_.inet()) {
                PacketRef none(nullptr, PacketReturn{nullptr});
                inet->neigh().resolve(dst, none);
            }
        }
    }
    return r;
}

void IpvlanProber::ask(const IpAddr& target, const MacAddr& asker_mac, const IpAddr& asker_ip) {
    Entry* e = find(target);
    if (e && !e->probing) {
        if (now() < e->until_ms) {
            return;
        }
        release(*e);
        e = nullptr;
    }
    const bool fresh = !e;
    if (fresh && !(e = start(target))) {
        return;
    }
    e->asker_mac = asker_mac;
    e->asker_ip = asker_ip;
    if (fresh) {
        send_probe(*e);
        e->sent = 1;
        e->until_ms = now() + kIpvlanProbeIntervalMs;
    }
}

void IpvlanProber::learned(const IpAddr& a, IpvlanDev& owner) {
    Entry* e = find(a);
    if (!e) {
        return;
    }
    Taken t = take(*e);
    const std::optional<MacAddr> asker = e->asker_mac;
    const IpAddr asker_ip = e->asker_ip;
    const bool was_probing = e->probing;
    release(*e);
    if (was_probing) {
        ++stats_.found;
        trace(TraceKind::ipvlan_addr, owner.dev_.name(), "found", nullptr, &a);
    }
    for (std::size_t i = 0; i < t.n; ++i) {
        Packet& p = *t.held[i];
        if (t.from[i]) {
            if (port_.is_private()) {
                t.from[i]->dev_.counters().drop(DropReason::tx_private);
            } else {
                // Sent, as to_sibling counts it; a drop past here is the
                // receiver's.
                count_xmit(t.from[i]->dev_, XmitResult::sent, p.len());
                owner.rcv_local(p);
            }
        } else {
            p.dev = &owner.dev_;
            p.pkt_type = PacketType::host;
            netif_receive(p);
        }
    }
    if (asker) {
        if (InetLayer* inet = port_.phys_.inet()) {
            inet->answer_uplink(a, *asker, asker_ip);
        }
    }
}

Hold IpvlanProber::verify(const IpAddr& a, IpvlanDev& owner, IpvlanDev* claimant,
                          const Packet* pkt) {
    Entry* e = find(a);
    if (e && !e->probing) {
        if (now() < e->until_ms) {
            return Hold::no;  // the owner answered for it lately
        }
        release(*e);
        e = nullptr;
    }
    if (e && e->owner != &owner) {
        return Hold::no;
    }
    const bool fresh = !e;
    if (fresh && !(e = start(a))) {
        return Hold::no;
    }
    if (fresh) {
        e->owner = &owner;
    }
    if (claimant && !e->claimant) {
        e->claimant = claimant;
    }
    // Only the first claimant's frames wait; another's are refused.
    Hold r = Hold::no;
    if (pkt && claimant == e->claimant) {
        r = queue(*e, *pkt, claimant, true);
        if (r == Hold::no && fresh) {
            release(*e);
            return r;
        }
    }
    if (fresh) {
        send_probe(*e);
        e->sent = 1;
        e->until_ms = now() + kIpvlanProbeIntervalMs;
    }
    return r;
}

void IpvlanProber::answered(const IpAddr& a, IpvlanDev& dev) {
    Entry* e = find(a);
    if (!e || !e->probing || e->owner != &dev) {
        return;
    }
    // The owner still has it: the claimant is refused, as the validator
    // refuses a sibling's address, for a while before it may ask again.
    IpvlanDev* claimant = e->claimant;
    Taken t = take(*e);
    e->probing = false;
    e->claimant = nullptr;
    e->until_ms = now() + kIpvlanNotChildMs;
    if (IpvlanAddrEntry* owned = port_.addrs_.find_mut(a)) {
        owned->seen_ms = now();
    }
    ++stats_.kept;
    trace(TraceKind::ipvlan_addr, dev.dev_.name(), "kept", nullptr, &a);
    for (std::size_t i = 0; i < t.n; ++i) {
        if (t.claim[i]) {
            // Only now, once: it was held, not counted as sent.
            claimant->dev_.counters().drop(DropReason::tx_addr_busy);
        } else {
            reinject(*t.held[i], t.from[i]);  // to the owner, as it still has it
        }
    }
}

// The owner did not answer for its learned address: it moves to the
// claimant, whose frames then go, or is forgotten.
void IpvlanProber::move(Entry& e) {
    Taken t = take(e);
    IpvlanDev* owner = e.owner;
    IpvlanDev* claimant = e.claimant;
    const IpAddr a = e.addr;
    release(e);
    owner->del_addr(a);
    if (claimant) {
        ++stats_.moved;
        trace(TraceKind::ipvlan_addr, claimant->dev_.name(), "moved", nullptr, &a);
        claimant->add_addr(a, true);
    } else {
        ++stats_.expired;
        trace(TraceKind::ipvlan_addr, owner->dev_.name(), "expired", nullptr, &a);
    }
    // The claimant's frames first (its announcement), then those for the
    // address, which now go to the claimant, or are asked about anew.
    for (std::size_t i = 0; i < t.n; ++i) {
        if (t.claim[i]) {
            reinject(*t.held[i], claimant);
        }
    }
    for (std::size_t i = 0; i < t.n; ++i) {
        if (!t.claim[i]) {
            reinject(*t.held[i], t.from[i]);
        }
    }
}

void IpvlanProber::give_up(Entry& e) {
    if (e.owner) {
        move(e);
        return;
    }
    Taken t = take(e);
    e.asker_mac.reset();
    // Marked before the frames go on: on their way they meet the port
    // again, which must now let them pass.
    e.probing = false;
    e.until_ms = now() + kIpvlanNotChildMs;
    ++stats_.not_child;
    trace(TraceKind::ipvlan_addr, port_.lower_.name(), "not-child", nullptr, &e.addr);
    for (std::size_t i = 0; i < t.n; ++i) {
        Packet& p = *t.held[i];
        if (!t.from[i]) {
            p.dev = &port_.lower_;
            p.pkt_type = PacketType::host;
            netif_deliver(p);
        } else if (port_.mode_ == IpvlanMode::l2) {
            // Sent, as xmit_l2 counts it; a drop past here is the lower's.
            count_xmit(t.from[i]->dev_, XmitResult::sent, p.len());
            dev_forward(port_.lower_, p);
        } else if (L3Outbound* out = port_.outbound()) {
            const std::size_t len = p.len();
            count_xmit(t.from[i]->dev_, out->outbound(*t.from[i], p), len);
        } else {
            t.from[i]->dev_.counters().drop(DropReason::tx_no_route);
        }
    }
}

void IpvlanProber::not_child(const IpAddr& a) {
    if (Entry* e = find(a); e && e->probing) {
        give_up(*e);
    }
}

std::uint64_t IpvlanProber::run_timers() {
    const std::uint64_t t = now();
    bool active = false;
    for (Entry& e : entries_) {
        if (!e.used) {
            continue;
        }
        if (!e.probing) {
            if (t >= e.until_ms) {
                release(e);
            }
            continue;
        }
        if (t < e.until_ms) {
            active = true;
        } else if (e.sent < kIpvlanProbeTries) {
            send_probe(e);
            ++e.sent;
            e.until_ms = t + kIpvlanProbeIntervalMs;
            active = true;
        } else {
            give_up(e);
        }
    }
    return active ? kIpvlanProbeIntervalMs : kNeighTickMs;
}

void IpvlanProber::forget(const IpvlanDev* dev) {
    for (Entry& e : entries_) {
        if (!e.used) {
            continue;
        }
        if (e.sender == dev) {
            e.sender = nullptr;
        }
        std::size_t kept = 0;
        for (std::size_t i = 0; i < e.nheld; ++i) {
            if (e.from[i] == dev) {
                e.held[i].reset();
                continue;
            }
            if (kept != i) {
                e.held[kept] = std::move(e.held[i]);
                e.from[kept] = e.from[i];
                e.claim[kept] = e.claim[i];
            }
            ++kept;
        }
        e.nheld = kept;
        if (e.claimant == dev) {
            e.claimant = nullptr;  // its frames went above; the owner is still asked
        }
        if (e.owner == dev) {
            // Its addresses left the port before this: as if it were
            // silent, what waited goes to the claimant or on its way.
            if (e.probing) {
                move(e);
            } else {
                release(e);
            }
        }
    }
}

}  // namespace vnet
