// SPDX-License-Identifier: GPL-2.0-or-later
// macvlan control path (drivers/net/macvlan.c: macvlan_port_create,
// macvlan_common_newlink, macvlan_dellink, macvlan_device_event,
// macvlan_changelink_sources):
// creating and removing children, the port they share, and the source-mode
// MAC lists. Runs at set-up time only; allocation is fine here.
#include <algorithm>

#include "vnet/macvlan.h"
#include "vnet/phys_dev.h"

namespace vnet {

MacvlanPort::MacvlanPort(NetDevice& lower)
    : lower_(lower),
      wq_(lower.phys()->wq()),
      bc_work_(&MacvlanPort::process_broadcast, this),
      bc_queue_(kMacvlanBcQueueLen, lower.phys()->pool(), wq_, bc_work_) {}

MacvlanPort::~MacvlanPort() {
    wq_.cancel(bc_work_);
    if (lower_.rx_handler() == &MacvlanPort::handle_frame) {
        lower_.rx_handler_unregister();
    }
}

MacvlanPort* MacvlanPort::of(const NetDevice& lower) {
    return lower.rx_handler() == &MacvlanPort::handle_frame
               ? static_cast<MacvlanPort*>(lower.rx_handler_data())
               : nullptr;
}

// macvlan_device_event: a lower's MTU bounds its children; a lower going
// away takes them off it.
void MacvlanPort::device_event(NetDevice& lower, NetdevEvent ev, void* data) {
    // A child's dellink may drop the port's last reference.
    std::shared_ptr<MacvlanPort> port = static_cast<MacvlanPort*>(data)->shared_from_this();
    const std::vector<MacvlanDev*> vlans = port->vlans_;
    switch (ev) {
        case NetdevEvent::change:
            break;  // the carrier: NetDevice hands it to every upper
        case NetdevEvent::change_mtu:
            for (MacvlanDev* vlan : vlans) {
                std::string why;
                if (vlan->dev_.mtu() > lower.mtu()) {
                    vlan->dev_.change_mtu(lower.mtu(), &why);
                }
            }
            break;
        case NetdevEvent::unregister:
            for (MacvlanDev* vlan : vlans) {
                vlan->dellink();
            }
            break;
    }
}

MacvlanDev* MacvlanPort::hash_lookup(const MacAddr& addr) const {
    MacvlanDev* const* v = vlan_hash_.find(addr);
    return v ? *v : nullptr;
}

// A child going away: its source entries go with it, and so do backlog
// entries it sent.
void MacvlanPort::forget(const MacvlanDev* vlan) {
    std::erase(vlans_, vlan);
    vlan_hash_.erase_if([vlan](const MacAddr&, const MacvlanDev* v) { return v == vlan; });
    for (auto it = source_hash_.begin(); it != source_hash_.end();) {
        it = it->second == vlan ? source_hash_.erase(it) : std::next(it);
    }
    bc_queue_.forget_if([vlan](const MacvlanDev* src) { return src == vlan; });
}

MacvlanDev::MacvlanDev(const MacvlanConfig& cfg, ProtocolHandler* stack,
                       std::shared_ptr<MacvlanPort> port)
    : dev_(cfg.name, cfg.mac, this, stack),
      port_(std::move(port)),
      mode_(cfg.mode),
      nodst_(cfg.nodst) {
    dev_.set_mtu(cfg.mtu);
}

std::unique_ptr<MacvlanDev> MacvlanDev::newlink(NetDevice& lower_in, const MacvlanConfig& cfg,
                                                ProtocolHandler* stack, std::string* why,
                                                const char** field) {
    const char* unused;
    const char*& at = field ? *field : unused;
    if (!lower_in.phys()) {
        *why = "the lower device is gone";
        at = "lower";
        return nullptr;
    }
    // macvlan on macvlan: the new child goes on the real lower device.
    NetDevice* lower = &lower_in;
    if (MacvlanDev* parent = dynamic_cast<MacvlanDev*>(lower_in.xmit_ops())) {
        lower = &parent->port().lower();
    }
    MacvlanConfig c = cfg;
    if (c.mtu == 0) {
        c.mtu = lower->mtu();  // macvlan_common_newlink without IFLA_MTU
    }
    if (c.mtu > lower->mtu()) {
        *why = "MTU above the lower device's (EINVAL)";
        at = "mtu";
        return nullptr;
    }
    std::shared_ptr<MacvlanPort> port;
    if (MacvlanPort* p = MacvlanPort::of(*lower)) {
        port = p->shared_from_this();
    } else if (lower->rx_handler() || lower->no_rx_handler()) {
        *why = "the lower device already has another kind of upper, or takes none (EBUSY)";
        at = "lower";
        return nullptr;
    } else {
        port = std::make_shared<MacvlanPort>(*lower);
    }
    const bool passthru = cfg.mode == MacvlanMode::passthru;
    if (port->passthru_ || (passthru && port->count() > 0)) {
        *why = "a passthru child must be the only child of its lower (EINVAL)";
        at = "mode";
        return nullptr;
    }
    if (passthru) {
        c.mac = lower->mac();  // eth_hw_addr_inherit
    } else if (c.mac == lower->mac() || port->hash_lookup(c.mac)) {
        *why = "MAC address in use by the lower device or a sibling (EBUSY)";
        at = "mac";
        return nullptr;
    }
    if (!c.mac.is_unicast() || c.mac.is_zero()) {
        *why = "MAC address must be a unicast address (EADDRNOTAVAIL)";
        at = "mac";
        return nullptr;
    }
    if (port->count() == 0 && !lower->rx_handler()) {
        lower->rx_handler_register(&MacvlanPort::handle_frame, port.get(),
                                   &MacvlanPort::device_event);
    }
    auto vlan = std::unique_ptr<MacvlanDev>(new MacvlanDev(c, stack, port));
    port->passthru_ = passthru;
    port->vlans_.push_back(vlan.get());
    port->vlan_hash_.emplace(c.mac, vlan.get());
    vlan->dev_.set_lower(lower);
    return vlan;
}

MacvlanDev::~MacvlanDev() { unlink(); }

// Off the port and the lower; what is stacked on this child first.
void MacvlanDev::unlink() {
    if (!port_) {
        return;
    }
    dev_.call_netdevice_notifiers(NetdevEvent::unregister);
    port_->forget(this);
    if (mode_ == MacvlanMode::passthru) {
        port_->passthru_ = false;
    }
    dev_.set_lower(nullptr);
    if (port_->count() == 0) {
        // The last child: the lower gets its rx_handler slot back now, even
        // if the port object outlives this call briefly.
        port_->lower().rx_handler_unregister();
    }
    port_.reset();
}

// Without carrier, nothing reaches xmit again (dev_queue_xmit drops
// first), so the datapath never meets the null port.
void MacvlanDev::dellink() {
    unlink();
    dev_.set_up(false);
    dev_.set_carrier(false);
}

bool MacvlanDev::set_mac(const MacAddr& m) {
    if (m == dev_.mac()) {
        return true;
    }
    if (!port_) {
        return false;
    }
    if (m == port_->lower().mac() || port_->hash_lookup(m) || !m.is_unicast()) {
        return false;
    }
    port_->vlan_hash_.erase(dev_.mac());
    dev_.set_mac(m);
    port_->vlan_hash_.emplace(m, this);
    return true;
}

void MacvlanDev::source_add(const MacAddr& a) {
    if (!port_) {
        return;
    }
    auto range = port_->source_hash_.equal_range(a);
    for (auto it = range.first; it != range.second; ++it) {
        if (it->second == this) {
            return;  // macvlan_hash_add_source: already there
        }
    }
    port_->source_hash_.emplace(a, this);
    ++source_count_;
}

void MacvlanDev::source_del(const MacAddr& a) {
    if (!port_) {
        return;
    }
    auto range = port_->source_hash_.equal_range(a);
    for (auto it = range.first; it != range.second; ++it) {
        if (it->second == this) {
            port_->source_hash_.erase(it);
            --source_count_;
            return;
        }
    }
}

void MacvlanDev::source_flush() {
    if (!port_) {
        return;
    }
    for (auto it = port_->source_hash_.begin(); it != port_->source_hash_.end();) {
        it = it->second == this ? port_->source_hash_.erase(it) : std::next(it);
    }
    source_count_ = 0;
}

void MacvlanDev::source_set(std::span<const MacAddr> addrs) {
    source_flush();
    for (const auto& a : addrs) {
        source_add(a);
    }
}

}  // namespace vnet
