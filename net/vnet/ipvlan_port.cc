// SPDX-License-Identifier: GPL-2.0-or-later
// ipvlan control path (drivers/net/ipvlan/ipvlan_main.c: ipvlan_port_create,
// ipvlan_link_new, ipvlan_uninit, ipvlan_device_event, the address
// validator). Set-up time only.
#include <algorithm>
#include <cstring>

#include "vnet/ipvlan.h"
#include "vnet/phys_dev.h"
#include "vnet/state_blob.h"

namespace vnet {

const char* ipvlan_mode_name(IpvlanMode m) {
    switch (m) {
        case IpvlanMode::l2:
            return "l2";
        case IpvlanMode::l3:
            return "l3";
        case IpvlanMode::l3s:
            return "l3s";
    }
    return "unknown";
}

IpvlanPort::IpvlanPort(NetDevice& lower)
    : lower_(lower),
      phys_(*lower.phys()),
      wq_(phys_.wq()),
      mc_work_(&IpvlanPort::process_multicast, this),
      backlog_(kIpvlanBacklogLimit, phys_.pool(), wq_, mc_work_),
      prober_(*this) {}

// ipvlan_device_event: the children take the lower's MTU
// (ipvlan_adjust_mtu); a lower going away takes them off it.
void IpvlanPort::device_event(NetDevice& lower, NetdevEvent ev, void* data) {
    std::shared_ptr<IpvlanPort> port = static_cast<IpvlanPort*>(data)->shared_from_this();
    const std::vector<IpvlanDev*> ipvlans = port->ipvlans_;
    switch (ev) {
        case NetdevEvent::change:
            break;  // the carrier: NetDevice hands it to every upper
        case NetdevEvent::change_mtu:
            for (IpvlanDev* ipvlan : ipvlans) {
                std::string why;
                ipvlan->dev_.change_mtu(lower.mtu(), &why);
            }
            break;
        case NetdevEvent::unregister:
            for (IpvlanDev* ipvlan : ipvlans) {
                ipvlan->dellink();
            }
            break;
    }
}

IpvlanPort::~IpvlanPort() {
    wq_.cancel(mc_work_);
    if (lower_.rx_handler() == &IpvlanPort::handle_frame) {
        lower_.rx_handler_unregister();
    }
}

IpvlanPort* IpvlanPort::of(const NetDevice& lower) {
    return lower.rx_handler() == &IpvlanPort::handle_frame
               ? static_cast<IpvlanPort*>(lower.rx_handler_data())
               : nullptr;
}

IpvlanDev* IpvlanPort::addr_lookup(std::span<const std::uint8_t> b) const {
    // The key's words from registers: building an IpAddr on the stack and
    // reading it back as words would stall on store forwarding.
    const bool v6 = b.size() == 16;
    std::uint64_t w0 = 0;
    std::uint64_t w1 = 0;
    if (v6) {
        std::memcpy(&w0, b.data(), 8);
        std::memcpy(&w1, b.data() + 8, 8);
    } else {
        std::uint32_t v4;
        std::memcpy(&v4, b.data(), 4);
        w0 = v4;
    }
    const IpvlanAddrEntry* d = addrs_.find_hashed(
        IpAddrHash::of_words(w0, w1, v6),
        [&](const IpAddr& k) { return k.v6 == v6 && k.word(0) == w0 && k.word(1) == w1; });
    return d ? d->dev : nullptr;
}

IpvlanDev* IpvlanPort::addr_lookup(const IpAddr& a) const { return addr_lookup(a.span()); }

void IpvlanPort::forget(const IpvlanDev* dev) {
    std::erase(ipvlans_, dev);
    addrs_.erase_if([dev](const IpAddr&, const IpvlanAddrEntry& e) { return e.dev == dev; });
    backlog_.forget_if([dev](const McSender& s) { return s.from == &dev->dev_; });
    prober_.forget(dev);
}

IpvlanDev::IpvlanDev(const IpvlanConfig& cfg, const MacAddr& mac, ProtocolHandler* stack,
                     std::shared_ptr<IpvlanPort> port)
    : dev_(cfg.name, mac, this, stack), port_(std::move(port)) {
    dev_.set_mtu(cfg.mtu);
}

std::unique_ptr<IpvlanDev> IpvlanDev::newlink(NetDevice& lower_in, const IpvlanConfig& cfg,
                                              ProtocolHandler* stack, std::string* why,
                                              const char** field) {
    const char* unused;
    const char*& at = field ? *field : unused;
    if (!lower_in.phys()) {
        *why = "the lower device is gone";
        at = "lower";
        return nullptr;
    }
    // ipvlan on ipvlan: the new child goes on the real lower.
    NetDevice* lower = &lower_in;
    if (auto* parent = dynamic_cast<IpvlanDev*>(lower_in.xmit_ops())) {
        lower = &parent->port().lower();
    }
    IpvlanConfig c = cfg;
    if (c.mtu == 0) {
        c.mtu = lower->mtu();  // ipvlan_adjust_mtu
    }
    if (c.mtu > lower->mtu()) {
        *why = "MTU above the lower device's (EINVAL)";
        at = "mtu";
        return nullptr;
    }
    std::shared_ptr<IpvlanPort> port;
    if (IpvlanPort* p = IpvlanPort::of(*lower)) {
        port = p->shared_from_this();
    } else if (lower->rx_handler()) {
        *why = "the lower device already has another kind of upper, e.g. macvlan (EBUSY)";
        at = "lower";
        return nullptr;
    } else {
        port = std::make_shared<IpvlanPort>(*lower);
        lower->rx_handler_register(&IpvlanPort::handle_frame, port.get(),
                                   &IpvlanPort::device_event);
    }
    // Mode and flags are the port's; the latest child sets them for all.
    port->mode_ = c.mode;
    port->flags_ = c.flags;
    // Children carry the lower's MAC.
    auto d = std::unique_ptr<IpvlanDev>(new IpvlanDev(c, lower->mac(), stack, port));
    port->ipvlans_.push_back(d.get());
    d->dev_.set_lower(lower);
    d->dev_.set_no_rx_handler(true);
    return d;
}

IpvlanDev::~IpvlanDev() { unlink(); }

void IpvlanDev::unlink() {
    if (!port_) {
        return;
    }
    port_->forget(this);
    dev_.set_lower(nullptr);
    if (port_->count() == 0) {
        port_->lower().rx_handler_unregister();
    }
    port_.reset();
}

// Without carrier, nothing reaches xmit again (dev_queue_xmit drops
// first), so the datapath never meets the null port.
void IpvlanDev::dellink() {
    unlink();
    addrs_.clear();
    dev_.set_up(false);
    dev_.set_carrier(false);
}

std::uint64_t IpvlanPort::now_ms() const {
    const Clock* c = phys_.clock();
    return c ? c->now_ms() : 0;
}

bool IpvlanDev::add_addr(const IpAddr& a, bool learned) {
    if (!port_) {
        return false;
    }
    if (IpvlanAddrEntry* e = port_->addrs_.find_mut(a)) {
        if (e->dev == this && !learned) {
            e->learned = false;  // given now: it stays
        }
        return e->dev == this;
    }
    port_->addrs_.emplace(
        a, IpvlanAddrEntry{.dev = this, .learned = learned, .seen_ms = port_->now_ms()});
    addrs_.push_back(a);
    port_->prober_.learned(a, *this);
    return true;
}

void IpvlanDev::forget_learned() {
    if (!port_) {
        return;
    }
    std::erase_if(addrs_, [this](const IpAddr& a) {
        const IpvlanAddrEntry* e = port_->addrs_.find(a);
        if (e && e->learned) {
            port_->addrs_.erase(a);
            return true;
        }
        return false;
    });
}

std::uint64_t IpvlanPort::run_timers() {
    const std::uint64_t next = prober_.run_timers();
    if (phys_.clock() && now_ms() - swept_ms_ >= kIpvlanAddrSweepMs) {
        swept_ms_ = now_ms();
        age_addrs();
    }
    return next;
}

// A learned address in use is seen now; one unused for kIpvlanAddrAgeMs
// is asked about, and goes if its child no longer answers for it.
void IpvlanPort::age_addrs() {
    const std::uint64_t now = now_ms();
    addrs_.for_each([&](const IpAddr& a, IpvlanAddrEntry& e) {
        if (!e.learned) {
            return;
        }
        if (e.used) {
            e.used = false;
            e.seen_ms = now;
        } else if (now - e.seen_ms >= kIpvlanAddrAgeMs) {
            prober_.verify(a, *e.dev, nullptr, nullptr);
        }
    });
}

void IpvlanDev::save(std::vector<std::uint8_t>& out) const {
    StateWriter w(out, StateKind::ipvlan_addrs);
    w.u32(static_cast<std::uint32_t>(addrs_.size()));
    for (const auto& a : addrs_) {
        w.ip(a);
    }
}

bool IpvlanDev::load(std::span<const std::uint8_t> in) {
    constexpr std::size_t kAddrBytes = 17;
    StateReader r(in, StateKind::ipvlan_addrs);
    std::vector<IpAddr> got;
    if (!r.records(kAddrBytes, got, [&](IpAddr& a) {
            a = r.ip();
            return true;
        })) {
        return false;
    }
    for (const auto& a : got) {
        add_addr(a, learning_);  // what addrs= gave is there already
    }
    return true;
}

void IpvlanDev::del_addr(const IpAddr& a) {
    if (port_ && port_->addr_lookup(a) == this) {
        port_->addrs_.erase(a);
        std::erase(addrs_, a);
    }
}

}  // namespace vnet
