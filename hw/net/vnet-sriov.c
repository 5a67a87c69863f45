/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SR-IOV: function 0 as a physical function. With sriov-max-vfs=N on a
 * PCI Express port it carries the SR-IOV capability and offers
 * VIRTIO_F_SR_IOV, so the guest's virtio_pci creates VFs through
 * sriov_numvfs. Each VF is a macvlan child on the PF's lower in the PF's
 * sriov-mode: an eswitch's VEB is macvlan's bridge mode, VEPA its vepa,
 * and private keeps VFs apart, as Linux's macvlan does.
 *
 * QEMU realizes all N VFs with the PF and only enables the ones the guest
 * asks for; a disabled VF is reset (its driver gone, its child down), so
 * it neither receives nor is listed.
 *
 *   -device pcie-root-port,id=rp0,chassis=1
 *   -device vnet-multi,netdev=up,bus=rp0,sriov-max-vfs=8[,sriov-mode=bridge]
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/pci/pcie_sriov.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/net/vnet-multi.h"
#include "qapi/qapi-commands-vnet.h"
#include "qapi/qapi-visit-vnet.h"
#include "qapi/util.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"
#include "qobject/qdict.h"

/* Enough for a CNI test bed; each VF costs a device's worth of memory. */
#define VNET_SRIOV_MAX_VFS 128
/* VFs right after the PF (routing ID offset 1, stride 1), which ARI lets
 * go past function 7. */
#define VNET_VF_OFFSET 1
#define VNET_VF_STRIDE 1

/* A VF's PCI function: the virtio device is a child of either kind. */
typedef struct VnetVfPCI {
    VirtIOPCIProxy parent_obj;
    char *name;  /* "<pf>-vf<n>", the function's name in QMP and traces */
    union {
        VnetMacvlan macvlan;
        VnetIpvlan ipvlan;
    } vdev;
} VnetVfPCI;

#define TYPE_VNET_VF "vnet-vf"                /* a macvlan child */
#define TYPE_VNET_VF_IPVLAN "vnet-vf-ipvlan"  /* an ipvlan child */

static bool vnet_sriov_ipvlan(const VnetMulti *m)
{
    return m->sriov_kind && !strcmp(m->sriov_kind, "ipvlan");
}

static bool vnet_sriov_check_macvlan(VnetMulti *m, Error **errp)
{
    VnetMacvlanMode mode;
    char why[160];

    if (m->sriov_flags) {
        error_setg(errp, "vnet-multi: property 'sriov-flags' is for "
                   "sriov-kind=ipvlan (a macvlan VF has only sriov-mode)");
        return false;
    }
    if (!m->sriov_mode) {
        m->sriov_mode = g_strdup("bridge");
    }
    if (!vnet_parse_macvlan_mode(m->sriov_mode, &mode, why, sizeof(why)) ||
        (mode != VNET_MACVLAN_BRIDGE && mode != VNET_MACVLAN_VEPA &&
         mode != VNET_MACVLAN_PRIVATE)) {
        error_setg(errp, "vnet-multi: property 'sriov-mode': '%s' is not "
                   "bridge, vepa or private", m->sriov_mode);
        return false;
    }
    return true;
}

static bool vnet_sriov_check_ipvlan(VnetMulti *m, Error **errp)
{
    VnetIpvlanMode mode;
    uint16_t flags;
    char why[160];

    if (!m->sriov_mode) {
        m->sriov_mode = g_strdup("l2");
    }
    if (!m->sriov_flags) {
        m->sriov_flags = g_strdup("bridge");
    }
    if (!vnet_parse_ipvlan_mode(m->sriov_mode, &mode, why, sizeof(why))) {
        error_setg(errp, "vnet-multi: property 'sriov-mode' %s", why);
        return false;
    }
    if (mode != VNET_IPVLAN_L2 && !m->ip) {
        error_setg(errp, "vnet-multi: property 'sriov-mode': %s routes "
                   "through the lower's IP layer: give the vnet-multi "
                   "device ip= (and gw=)", m->sriov_mode);
        return false;
    }
    if (!vnet_parse_ipvlan_flags(m->sriov_flags, &flags, why, sizeof(why))) {
        error_setg(errp, "vnet-multi: property 'sriov-flags' %s", why);
        return false;
    }
    return true;
}

/* Checked at function 0's realize: what the VFs will be. */
bool vnet_sriov_check_props(VnetMulti *m, Error **errp)
{
    if (!m->sriov_max_vfs) {
        const char *set = m->sriov_kind ? "sriov-kind"
                          : m->sriov_mode ? "sriov-mode"
                          : m->sriov_flags ? "sriov-flags" : NULL;

        if (set) {
            error_setg(errp, "vnet-multi: property '%s' needs "
                       "sriov-max-vfs", set);
            return false;
        }
        return true;
    }
    if (m->sriov_max_vfs > VNET_SRIOV_MAX_VFS) {
        error_setg(errp, "vnet-multi: property 'sriov-max-vfs': %u is "
                   "more than %u", m->sriov_max_vfs, VNET_SRIOV_MAX_VFS);
        return false;
    }
    if (m->sriov_kind && strcmp(m->sriov_kind, "macvlan") &&
        strcmp(m->sriov_kind, "ipvlan")) {
        error_setg(errp, "vnet-multi: property 'sriov-kind': '%s' is not "
                   "macvlan or ipvlan", m->sriov_kind);
        return false;
    }
    return vnet_sriov_ipvlan(m) ? vnet_sriov_check_ipvlan(m, errp)
                                : vnet_sriov_check_macvlan(m, errp);
}

/* Before function 0's virtio device exists: SR-IOV needs PCI Express. */
bool vnet_sriov_check_bus(VirtIOPCIProxy *proxy, VnetMulti *m, Error **errp)
{
    PCIDevice *pci = PCI_DEVICE(proxy);

    if (!m->sriov_max_vfs) {
        return true;
    }
    if (!pci_is_express(pci)) {
        error_setg(errp, "vnet-multi: property 'sriov-max-vfs' needs a "
                   "PCI Express port: put the device on a pcie-root-port "
                   "(-M q35 -device pcie-root-port,id=rp0 ... bus=rp0)");
        return false;
    }
    if (PCI_FUNC(pci->devfn) != 0) {
        error_setg(errp, "vnet-multi: property 'sriov-max-vfs': a physical "
                   "function is function 0 of its slot");
        return false;
    }
    return true;
}

/*
 * ARI, so that the PF's VFs may sit past function 7 behind a root port.
 * It goes behind virtio-pci's own extended capabilities (AER at 0x100 and
 * ATS after it end before 0x160), or first if there are none. Returns the
 * offset after it.
 */
static uint16_t vnet_sriov_add_ari(PCIDevice *pci)
{
    uint16_t off = pci_get_long(pci->config + PCI_CONFIG_SPACE_SIZE) ? 0x160
                                                                      : 0x100;

    pcie_ari_init(pci, off);
    return off + PCI_ARI_SIZEOF;
}

/* After function 0's virtio device: the capabilities and the VFs. */
bool vnet_sriov_pf_init(VirtIOPCIProxy *proxy, VnetMulti *m, Error **errp)
{
    PCIDevice *pci = PCI_DEVICE(proxy);
    uint16_t n = m->sriov_max_vfs;
    uint16_t off;
    PCIDevice *vf0;

    if (!n) {
        return true;
    }
    off = vnet_sriov_add_ari(pci);
    /* The VFs' device ID is the PF's own (virtio-pci set 0x1041, modern
     * virtio-net), which the guest reads from this capability. */
    if (!pcie_sriov_pf_init(pci, off,
                            vnet_sriov_ipvlan(m) ? TYPE_VNET_VF_IPVLAN
                                                 : TYPE_VNET_VF,
                            pci_get_word(pci->config + PCI_DEVICE_ID), n, n,
                            VNET_VF_OFFSET, VNET_VF_STRIDE, errp)) {
        return false;
    }
    /* Every VF has the same BARs: the PF declares them (VF BARs live in
     * the PF's capability, each VF taking its slice). */
    vf0 = pci->exp.sriov_pf.vf[0];
    for (int i = 0; i < PCI_ROM_SLOT; i++) {
        PCIIORegion *r = &vf0->io_regions[i];

        if (r->size) {
            pcie_sriov_pf_init_vf_bar(pci, i, r->type, r->size);
        }
    }
    /* An eswitch's VEB has the PF as a port: function 0 and the VFs reach
     * each other inside the device, as macvlan's lower and children do not. */
    if (!vnet_sriov_ipvlan(m) && !strcmp(m->sriov_mode, "bridge")) {
        vnet_macvlan_set_veb(VNET_FUNC(m)->dev, true);
    }
    return true;
}

void vnet_sriov_pf_exit(VirtIOPCIProxy *proxy)
{
    pcie_sriov_pf_exit(PCI_DEVICE(proxy));
}

/* Whether this function is a VF the guest has not enabled. */
bool vnet_func_is_disabled_vf(VnetFunc *f)
{
    PCIDevice *pci = vnet_func_pci(f);

    return pci && pci_is_vf(pci) && !pci->enabled;
}

/* ---- the virtual function ---- */

/* The PF's lower, for VF pci; NULL if pci is not a vnet-multi's VF. */
static VnetFunc *vnet_vf_lower(PCIDevice *pci, Error **errp)
{
    PCIDevice *pf = pcie_sriov_get_pf(pci);
    VnetFunc *lower = pf ? vnet_func_of_proxy(OBJECT(pf)) : NULL;

    if (!lower || !lower->dev || !vnet_func_is_lower(lower)) {
        error_setg(errp, "%s: a VF is made by a vnet-multi with "
                   "sriov-max-vfs, not on its own",
                   object_get_typename(OBJECT(pci)));
        return NULL;
    }
    return lower;
}

/* The end of either kind's realize: its name, ARI, the function. */
static void vnet_vf_realize_func(VnetVfPCI *p, VnetFunc *f, VnetFunc *lower,
                                 Error **errp)
{
    PCIDevice *pci = PCI_DEVICE(p);
    VnetVfConfig vf;

    f->is_vf = true;
    f->vf_number = pcie_sriov_vf_number(pci);
    vnet_vf_config_init(&vf);
    f->vf_spoofchk = vf.spoofchk;
    f->vf_trust = vf.trust;
    f->vf_link_state = vf.link_state;
    p->name = g_strdup_printf("%s-vf%u", lower->name, f->vf_number);
    f->name = p->name;
    if (pci_is_express(pci)) {
        vnet_sriov_add_ari(pci);  /* as its PF has, for VFs past 7 */
    }
    vnet_pci_realize_func(VIRTIO_PCI(p), f, errp);
    if (f->dev) {
        vnet_func_apply_vf(f);
    }
}

/* Hands the VF's settings to libvnet, which enforces them. */
void vnet_func_apply_vf(VnetFunc *f)
{
    /* QMP's VnetVfLinkState is stored as libvnet's VnetVfLink. */
    QEMU_BUILD_BUG_ON((int)VNET_VF_LINK_STATE_AUTO != VNET_VF_LINK_AUTO ||
                      (int)VNET_VF_LINK_STATE_ENABLE != VNET_VF_LINK_ENABLE ||
                      (int)VNET_VF_LINK_STATE_DISABLE !=
                          VNET_VF_LINK_DISABLE);
    VnetVfConfig vf = {
        .admin_mac = f->vf_admin_mac,
        .spoofchk = f->vf_spoofchk,
        .trust = f->vf_trust,
        .link_state = f->vf_link_state,
        .vlan = f->vf_vlan,
        .qos = f->vf_qos,
    };

    vnet_dev_set_vf(f->dev, &vf);
}

VnetVfInfo *vnet_func_vf_info(VnetFunc *f)
{
    VnetVfInfo *i = g_new0(VnetVfInfo, 1);

    i->vf = f->vf_number;
    i->admin_mac = f->vf_admin_mac;
    i->spoofchk = f->vf_spoofchk;
    i->trust = f->vf_trust;
    i->link_state = (VnetVfLinkState)f->vf_link_state;
    i->vlan = f->vf_vlan;
    i->qos = f->vf_qos;
    return i;
}

/* `ip link set PF vf N mac M`: M in the device now; in the guest when the
 * VF's driver next reads its config (it binds again). The zero MAC keeps
 * the MAC but takes back the host's hold on it. */
static bool vnet_vf_set_mac(VnetFunc *f, const char *pf, const char *mac,
                            Error **errp)
{
    g_autofree uint8_t *m = NULL;  /* malloc()ed, which g_free takes */
    static const uint8_t zero[ETH_ALEN];
    char why[160];

    if (object_dynamic_cast(OBJECT(f), TYPE_VNET_IPVLAN)) {
        error_setg(errp, "%s vf %u: 'mac': an ipvlan VF carries its PF's "
                   "MAC", pf, f->vf_number);
        return false;
    }
    if (vnet_parse_mac_list(mac, &m, why, sizeof(why)) != 1) {
        error_setg(errp, "%s vf %u: 'mac': '%s' is not one MAC address",
                   pf, f->vf_number, mac);
        return false;
    }
    if (!memcmp(m, zero, ETH_ALEN)) {
        f->vf_admin_mac = false;
        return true;
    }
    if (m[0] & 1) {
        error_setg(errp, "%s vf %u: 'mac': %s is a multicast address",
                   pf, f->vf_number, mac);
        return false;
    }
    if (!vnet_dev_set_mac(f->dev, m)) {
        error_setg(errp, "%s vf %u: 'mac': %s is another function's on this "
                   "lower (EADDRINUSE)", pf, f->vf_number, mac);
        return false;
    }
    memcpy(f->mac, m, ETH_ALEN);
    memcpy(f->vf_mac, m, ETH_ALEN);
    f->vf_admin_mac = true;
    virtio_notify_config(VIRTIO_DEVICE(f));
    return true;
}

void qmp_vnet_vf_set(const char *pf, uint16_t vf, const char *mac,
                     bool has_vlan, uint16_t vlan, bool has_qos, uint8_t qos,
                     bool has_spoofchk, bool spoofchk, bool has_trust,
                     bool trust, bool has_link_state,
                     VnetVfLinkState link_state, Error **errp)
{
    VnetFunc *lower = vnet_func_by_id(pf);
    PCIDevice *pci = lower ? vnet_func_pci(lower) : NULL;
    PCIDevice *vf_pci;
    VnetFunc *f;

    if (!lower || !vnet_func_is_lower(lower) || !pci ||
        !VNET_MULTI(lower)->sriov_max_vfs) {
        error_setg(errp, "'%s' is not a vnet-multi with sriov-max-vfs", pf);
        return;
    }
    vf_pci = pcie_sriov_get_vf_at_index(pci, vf);
    if (!vf_pci) {
        error_setg(errp, "%s: 'vf': the guest has enabled %u VFs, not VF %u",
                   pf, pcie_sriov_num_vfs(pci), vf);
        return;
    }
    f = vnet_func_of_proxy(OBJECT(vf_pci));
    /* IFLA_VF_VLAN's bounds: a VID 1..4094 (0: none), a priority 0..7,
     * which needs a VID. Checked before anything changes. */
    if (has_vlan && vlan > 4094) {
        error_setg(errp, "%s vf %u: 'vlan': %u is not a VLAN ID (1..4094, "
                   "0 for none)", pf, vf, vlan);
        return;
    }
    if (has_qos && qos > 7) {
        error_setg(errp, "%s vf %u: 'qos': %u is not a priority (0..7)", pf,
                   vf, qos);
        return;
    }
    if (has_qos && qos && !(has_vlan ? vlan : f->vf_vlan)) {
        error_setg(errp, "%s vf %u: 'qos' needs a 'vlan'", pf, vf);
        return;
    }
    if (mac && !vnet_vf_set_mac(f, pf, mac, errp)) {
        return;
    }
    if (has_vlan) {
        f->vf_vlan = vlan;
        if (!vlan) {
            f->vf_qos = 0;
        }
    }
    if (has_qos) {
        f->vf_qos = qos;
    }
    if (has_spoofchk) {
        f->vf_spoofchk = spoofchk;
    }
    if (has_trust) {
        f->vf_trust = trust;
    }
    if (has_link_state) {
        f->vf_link_state = link_state;
    }
    vnet_func_apply_vf(f);
}

/* What either kind's child takes from its PF: the lower, its id and the
 * mode the PF gives its VFs. */
static void vnet_vf_take_pf(VnetFunc *lower, VnetFunc **lower_func,
                            char **lower_id, char **mode)
{
    *lower_func = lower;
    *lower_id = g_strdup(lower->name);
    g_free(*mode);
    *mode = g_strdup(VNET_MULTI(lower)->sriov_mode);
}

static void vnet_vf_pci_realize(VirtIOPCIProxy *vpci_dev, Error **errp)
{
    VnetVfPCI *p = (VnetVfPCI *)vpci_dev;
    VnetMacvlan *v = &p->vdev.macvlan;
    VnetFunc *lower = vnet_vf_lower(PCI_DEVICE(vpci_dev), errp);

    if (lower) {
        vnet_vf_take_pf(lower, &v->lower_func, &v->lower, &v->mode);
        vnet_vf_realize_func(p, VNET_FUNC(v), lower, errp);
    }
}

static void vnet_vf_ipvlan_pci_realize(VirtIOPCIProxy *vpci_dev,
                                       Error **errp)
{
    VnetVfPCI *p = (VnetVfPCI *)vpci_dev;
    VnetIpvlan *v = &p->vdev.ipvlan;
    VnetFunc *lower = vnet_vf_lower(PCI_DEVICE(vpci_dev), errp);

    if (lower) {
        vnet_vf_take_pf(lower, &v->lower_func, &v->lower, &v->mode);
        g_free(v->flags);
        v->flags = g_strdup(VNET_MULTI(lower)->sriov_flags);
        vnet_vf_realize_func(p, VNET_FUNC(v), lower, errp);
    }
}

static bool vnet_vf_parse_onoff(const char *word, const char *v, bool *out,
                                Error **errp)
{
    if (!strcmp(v, "on") || !strcmp(v, "off")) {
        *out = !strcmp(v, "on");
        return true;
    }
    error_setg(errp, "'%s': '%s' is not on or off", word, v);
    return false;
}

/* HMP vnet_vf_set PF VF [mac M] [spoofchk on|off] [trust on|off]
 * [state auto|enable|disable]: the words of `ip link set PF vf N`. */
void hmp_vnet_vf_set(Monitor *mon, const QDict *qdict)
{
    const char *pf = qdict_get_str(qdict, "pf");
    int64_t vf = qdict_get_int(qdict, "vf");
    g_auto(GStrv) w = g_strsplit_set(qdict_get_str(qdict, "settings"), " \t",
                                     -1);
    const char *mac = NULL;
    bool has_spoofchk = false, spoofchk = false;
    bool has_trust = false, trust = false;
    bool has_state = false;
    int state = VNET_VF_LINK_STATE_AUTO;
    bool has_vlan = false, has_qos = false;
    uint64_t vlan = 0, qos = 0;
    Error *err = NULL;
    char **p = w;

    while (*p && !err) {
        const char *word = *p++;
        const char *v;

        if (!*word) {
            continue;
        }
        v = *p ? *p++ : NULL;
        if (!v) {
            error_setg(&err, "'%s' needs a value", word);
        } else if (!strcmp(word, "mac")) {
            mac = v;
        } else if (!strcmp(word, "vlan") || !strcmp(word, "qos")) {
            bool is_vlan = !strcmp(word, "vlan");
            uint64_t *out = is_vlan ? &vlan : &qos;

            if (qemu_strtou64(v, NULL, 10, out) < 0 ||
                *out > (is_vlan ? UINT16_MAX : UINT8_MAX)) {
                error_setg(&err, "'%s': '%s' is not a number", word, v);
            } else if (is_vlan) {
                has_vlan = true;
            } else {
                has_qos = true;
            }
        } else if (!strcmp(word, "spoofchk")) {
            has_spoofchk = vnet_vf_parse_onoff(word, v, &spoofchk, &err);
        } else if (!strcmp(word, "trust")) {
            has_trust = vnet_vf_parse_onoff(word, v, &trust, &err);
        } else if (!strcmp(word, "state")) {
            state = qapi_enum_parse(&VnetVfLinkState_lookup, v, -1, NULL);
            has_state = state >= 0;
            if (!has_state) {
                error_setg(&err, "'state': '%s' is not auto, enable or "
                           "disable", v);
            }
        } else {
            error_setg(&err, "unknown setting '%s' (mac, vlan, qos, "
                       "spoofchk, trust, state)", word);
        }
    }
    if (!err && (vf < 0 || vf > UINT16_MAX)) {
        error_setg(&err, "'vf': %" PRId64 " is not a VF number", vf);
    }
    if (!err) {
        qmp_vnet_vf_set(pf, vf, mac, has_vlan, vlan, has_qos, qos,
                        has_spoofchk, spoofchk, has_trust, trust, has_state,
                        state, &err);
    }
    hmp_handle_error(mon, err);
}

static void vnet_vf_class_init_common(ObjectClass *klass, const char *desc,
                                      void (*realize)(VirtIOPCIProxy *,
                                                      Error **))
{
    vnet_pci_class_init_common(klass, desc, realize);
    /* Made by pcie_sriov when function 0 is realized, never by a user. */
    DEVICE_CLASS(klass)->user_creatable = false;
}

static void vnet_vf_pci_class_init(ObjectClass *klass, void *data)
{
    vnet_vf_class_init_common(klass, "vnet-vf: an SR-IOV virtual function "
                              "of a vnet-multi, a macvlan child",
                              vnet_vf_pci_realize);
}

static void vnet_vf_ipvlan_pci_class_init(ObjectClass *klass, void *data)
{
    vnet_vf_class_init_common(klass, "vnet-vf-ipvlan: an SR-IOV virtual "
                              "function of a vnet-multi, an ipvlan child",
                              vnet_vf_ipvlan_pci_realize);
}

static void vnet_vf_pci_instance_init(Object *obj)
{
    VnetVfPCI *p = (VnetVfPCI *)obj;

    virtio_instance_init_common(obj, &p->vdev.macvlan,
                                sizeof(p->vdev.macvlan), TYPE_VNET_MACVLAN);
}

static void vnet_vf_ipvlan_pci_instance_init(Object *obj)
{
    VnetVfPCI *p = (VnetVfPCI *)obj;

    virtio_instance_init_common(obj, &p->vdev.ipvlan, sizeof(p->vdev.ipvlan),
                                TYPE_VNET_IPVLAN);
}

static void vnet_vf_pci_instance_finalize(Object *obj)
{
    g_free(((VnetVfPCI *)obj)->name);
}

static const VirtioPCIDeviceTypeInfo vnet_vf_pci_info = {
    .base_name = "vnet-vf-base",
    .non_transitional_name = TYPE_VNET_VF,
    .instance_size = sizeof(VnetVfPCI),
    .instance_init = vnet_vf_pci_instance_init,
    .instance_finalize = vnet_vf_pci_instance_finalize,
    .class_init = vnet_vf_pci_class_init,
};

static const VirtioPCIDeviceTypeInfo vnet_vf_ipvlan_pci_info = {
    .base_name = "vnet-vf-ipvlan-base",
    .non_transitional_name = TYPE_VNET_VF_IPVLAN,
    .instance_size = sizeof(VnetVfPCI),
    .instance_init = vnet_vf_ipvlan_pci_instance_init,
    .instance_finalize = vnet_vf_pci_instance_finalize,
    .class_init = vnet_vf_ipvlan_pci_class_init,
};

static void vnet_sriov_register_types(void)
{
    virtio_pci_types_register(&vnet_vf_pci_info);
    virtio_pci_types_register(&vnet_vf_ipvlan_pci_info);
}

type_init(vnet_sriov_register_types)
