// SPDX-License-Identifier: GPL-2.0-or-later
// A VF's host-side settings, enforced (see vf_config.h).
#include "vnet/vf_config.h"

#include "vnet/net_device.h"
#include "vnet/packet.h"
#include "vnet/wire/ethernet.h"

namespace vnet {

bool vf_carrier(const VfConfig& vf, bool lower_carrier) {
    switch (vf.link_state) {
        case VfLinkState::enable:
            return true;
        case VfLinkState::disable:
            return false;
        case VfLinkState::automatic:
            break;
    }
    return lower_carrier;
}

bool vf_spoofed(const NetDevice& dev, const Packet& pkt) {
    const VfConfig* vf = dev.vf();
    if (!vf || !vf->spoofchk || pkt.len() < wire::kEthHlen) {
        return false;
    }
    return MacAddr::from(pkt.data() + 6) != dev.mac();
}

bool vf_permits_mac(const NetDevice& dev, const MacAddr& mac) {
    const VfConfig* vf = dev.vf();
    return !vf || vf->trust || !vf->admin_mac || mac == dev.mac();
}

bool vf_permits_promisc(const NetDevice& dev) {
    const VfConfig* vf = dev.vf();
    return !vf || vf->trust;
}

}  // namespace vnet
