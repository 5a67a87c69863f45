/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnet-multi as an SR-IOV physical function, driven as the guest's PCI
 * core drives it: q35's ECAM (the SR-IOV capability is extended config
 * space, out of reach of port 0xcf8), the capability's fields read, VFs
 * enabled and disabled by NumVFs and VF Enable, as pci_enable_sriov does.
 * What must hold: the VFs query-vnet lists are the enabled ones, any
 * number of cycles leave nothing behind, and a reset of the machine
 * takes the VFs away. Bad SR-IOV properties are refused at start.
 */

#include "qemu/osdep.h"
#include "vnet-fixture.h"

#define ECAM_BASE 0xb0000000ull
#define MCH_PCIEXBAR 0x60
#define RP_DEVFN QPCI_DEVFN(2, 0)

typedef struct Pf {
    QTestState *qts;
    QPCIBus *bus;
    uint16_t cap;  /* the SR-IOV capability's offset in the PF */
} Pf;

/* Config space of bus 1 (behind the root port), function `devfn`. */
static uint64_t ecam(int devfn, int off)
{
    return ECAM_BASE + (1u << 20) + ((uint64_t)devfn << 12) + off;
}

static uint32_t pf_readl(Pf *p, int off)
{
    return qtest_readl(p->qts, ecam(0, off));
}

static uint16_t pf_readw(Pf *p, int off)
{
    return qtest_readw(p->qts, ecam(0, off));
}

static void pf_writew(Pf *p, int off, uint16_t v)
{
    qtest_writew(p->qts, ecam(0, off), v);
}

/* The extended capability `id`'s offset, walking the list as Linux does. */
static uint16_t pf_find_ext_cap(Pf *p, uint16_t id)
{
    for (uint16_t off = 0x100; off; off = pf_readl(p, off) >> 20) {
        uint32_t h = pf_readl(p, off);

        if (!h) {
            return 0;
        }
        if ((h & 0xffff) == id) {
            return off;
        }
    }
    return 0;
}

/* ECAM on, bus 1 numbered behind the root port, as firmware leaves them
 * (at start and after a reset). */
static void pf_firmware(Pf *p)
{
    QPCIDevice *mch = qpci_device_find(p->bus, 0);
    QPCIDevice *rp = qpci_device_find(p->bus, RP_DEVFN);

    qpci_config_writel(mch, MCH_PCIEXBAR + 4, 0);
    qpci_config_writel(mch, MCH_PCIEXBAR, ECAM_BASE | 1);  /* 256 MiB */
    qpci_config_writeb(rp, PCI_PRIMARY_BUS, 0);
    qpci_config_writeb(rp, PCI_SECONDARY_BUS, 1);
    qpci_config_writeb(rp, PCI_SUBORDINATE_BUS, 1);
    g_free(mch);
    g_free(rp);
    g_assert_cmphex(pf_readw(p, PCI_VENDOR_ID), ==, 0x1af4);
}

/* q35 with a vnet-multi PF on a root port, `extra` its properties. */
static void pf_start(Pf *p, const char *extra)
{
    p->qts = qtest_initf("-M q35 -nodefaults -netdev user,id=up "
                         "-device pcie-root-port,id=rp0,chassis=1,addr=2.0 "
                         "-device vnet-multi,id=pf0,netdev=up,bus=rp0%s",
                         extra);
    p->bus = qpci_new_pc(p->qts, NULL);
    pf_firmware(p);
    p->cap = pf_find_ext_cap(p, PCI_EXT_CAP_ID_SRIOV);
}

static void pf_stop(Pf *p)
{
    qpci_free_pc(p->bus);
    qtest_quit(p->qts);
}

/* pci_enable_sriov / pci_disable_sriov, reduced to their config writes. */
static void pf_set_vfs(Pf *p, uint16_t n)
{
    uint16_t ctrl = pf_readw(p, p->cap + PCI_SRIOV_CTRL);

    if (ctrl & PCI_SRIOV_CTRL_VFE) {
        pf_writew(p, p->cap + PCI_SRIOV_CTRL, ctrl & ~PCI_SRIOV_CTRL_VFE);
    }
    if (n) {
        pf_writew(p, p->cap + PCI_SRIOV_NUM_VF, n);
        pf_writew(p, p->cap + PCI_SRIOV_CTRL,
                  PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
    }
}

/* The ids query-vnet lists after the PF, space-separated. */
static char *listed_vfs(Pf *p)
{
    QDict *resp = qtest_qmp(p->qts, "{'execute': 'query-vnet'}");
    QDict *info = qobject_to(QDict,
                             qlist_peek(qdict_get_qlist(resp, "return")));
    QList *funcs = qdict_get_qlist(info, "functions");
    GString *s = g_string_new("");
    const QListEntry *e;

    g_assert_cmpstr(qdict_get_str(info, "id"), ==, "pf0");
    for (e = qlist_next(qlist_first(funcs)); e; e = qlist_next(e)) {
        QDict *fi = qobject_to(QDict, qlist_entry_obj(e));

        g_string_append_printf(s, "%s%s", s->len ? " " : "",
                               qdict_get_str(fi, "id"));
        g_assert_cmpstr(qdict_get_str(fi, "kind"), ==, "macvlan");
        g_assert_cmpstr(qdict_get_str(fi, "mode"), ==, "bridge");
    }
    qobject_unref(resp);
    return g_string_free(s, false);
}

static void assert_vfs(Pf *p, const char *want)
{
    g_autofree char *got = listed_vfs(p);

    g_assert_cmpstr(got, ==, want);
}

static void test_sriov_capability(void)
{
    Pf p = {};

    pf_start(&p, ",sriov-max-vfs=4");
    g_assert_cmphex(p.cap, !=, 0);
    g_assert_cmpint(pf_readw(&p, p.cap + PCI_SRIOV_TOTAL_VF), ==, 4);
    g_assert_cmpint(pf_readw(&p, p.cap + PCI_SRIOV_INITIAL_VF), ==, 4);
    /* The VFs are what the PF is: modern virtio-net. */
    g_assert_cmphex(pf_readw(&p, p.cap + PCI_SRIOV_VF_DID), ==,
                    pf_readw(&p, PCI_DEVICE_ID));
    g_assert_cmphex(pf_readw(&p, PCI_DEVICE_ID), ==, 0x1041);
    g_assert_cmpint(pf_readw(&p, p.cap + PCI_SRIOV_VF_OFFSET), ==, 1);
    g_assert_cmpint(pf_readw(&p, p.cap + PCI_SRIOV_VF_STRIDE), ==, 1);
    /* ARI, so that VFs may pass function 7 behind a root port. */
    g_assert_cmphex(pf_find_ext_cap(&p, PCI_EXT_CAP_ID_ARI), !=, 0);
    /* Until the guest enables them, no VF is there (a VF's vendor ID
     * reads all ones even when it is: its class does not). */
    assert_vfs(&p, "");
    g_assert_cmphex(qtest_readw(p.qts, ecam(1, PCI_CLASS_DEVICE)), ==, 0xffff);
    pf_stop(&p);

    /* Without sriov-max-vfs, no capability. */
    pf_start(&p, "");
    g_assert_cmphex(p.cap, ==, 0);
    pf_stop(&p);
}

static void test_sriov_enable_cycles(void)
{
    Pf p = {};

    pf_start(&p, ",sriov-max-vfs=4");
    pf_set_vfs(&p, 2);
    assert_vfs(&p, "pf0-vf0 pf0-vf1");
    pf_set_vfs(&p, 0);
    assert_vfs(&p, "");
    /* Cycles leave nothing behind: the same VFs, as many, each time. */
    for (int i = 0; i < 20; i++) {
        pf_set_vfs(&p, 1 + i % 4);
        g_assert_cmpint(pf_readw(&p, p.cap + PCI_SRIOV_NUM_VF), ==, 1 + i % 4);
        pf_set_vfs(&p, 0);
    }
    pf_set_vfs(&p, 4);
    assert_vfs(&p, "pf0-vf0 pf0-vf1 pf0-vf2 pf0-vf3");
    /* NumVFs is fixed while the VFs are enabled (SR-IOV 1.1 §3.3.10). */
    pf_writew(&p, p.cap + PCI_SRIOV_NUM_VF, 1);
    g_assert_cmpint(pf_readw(&p, p.cap + PCI_SRIOV_NUM_VF), ==, 4);
    /* A reset of the PF takes its VFs away. */
    qtest_system_reset(p.qts);
    pf_firmware(&p);
    g_assert_cmpint(pf_readw(&p, p.cap + PCI_SRIOV_CTRL) &
                    PCI_SRIOV_CTRL_VFE, ==, 0);
    g_assert_cmpint(pf_readw(&p, p.cap + PCI_SRIOV_NUM_VF), ==, 0);
    g_assert_cmpint(pf_readw(&p, p.cap + PCI_SRIOV_TOTAL_VF), ==, 4);
    assert_vfs(&p, "");
    pf_stop(&p);
}

/* The most VFs a PF takes, all enabled at once (ARI: the VFs fill
 * functions 1..128 of the bus behind the root port), then all gone. */
static void test_sriov_max_vfs(void)
{
    Pf p = {};
    g_autoptr(GString) want = g_string_new("");

    pf_start(&p, ",sriov-max-vfs=128");
    g_assert_cmpint(pf_readw(&p, p.cap + PCI_SRIOV_TOTAL_VF), ==, 128);
    pf_set_vfs(&p, 128);
    for (int k = 0; k < 128; k++) {
        g_string_append_printf(want, "%spf0-vf%d", k ? " " : "", k);
    }
    assert_vfs(&p, want->str);
    /* A VF's own vendor and device IDs read as all ones (SR-IOV 1.1
     * §3.4.1.1); its class is the PF's, where no function reads all ones. */
    g_assert_cmphex(qtest_readw(p.qts, ecam(128, PCI_VENDOR_ID)), ==, 0xffff);
    g_assert_cmphex(qtest_readw(p.qts, ecam(128, PCI_CLASS_DEVICE)), ==,
                    0x0200); /* Ethernet */
    g_assert_cmphex(qtest_readw(p.qts, ecam(129, PCI_CLASS_DEVICE)), ==,
                    0xffff);
    pf_set_vfs(&p, 0);
    assert_vfs(&p, "");
    g_assert_cmphex(qtest_readw(p.qts, ecam(128, PCI_CLASS_DEVICE)), ==,
                    0xffff);
    pf_stop(&p);
}

static void assert_refused_q35(const char *props, const char *property)
{
    g_autofree char *args = g_strdup_printf(
        "-M q35 -netdev user,id=up -device pcie-root-port,id=rp0,chassis=1 "
        "-device vnet-multi,netdev=up,bus=rp0%s", props);

    assert_refused(args, property);
}

static void test_sriov_bad_properties_refused(void)
{
    /* Not on a PCI Express port (assert_refused's machine is pc). */
    assert_refused("-netdev user,id=up -device vnet-multi,netdev=up,"
                   "sriov-max-vfs=2", "sriov-max-vfs");
    assert_refused_q35(",sriov-max-vfs=129", "sriov-max-vfs");
    assert_refused_q35(",sriov-mode=bridge", "sriov-mode");
    assert_refused_q35(",sriov-kind=ipvlan", "sriov-kind");
    assert_refused_q35(",sriov-max-vfs=2,sriov-kind=tap", "sriov-kind");
    assert_refused_q35(",sriov-max-vfs=2,sriov-mode=passthru", "sriov-mode");
    assert_refused_q35(",sriov-max-vfs=2,sriov-flags=private", "sriov-flags");
    assert_refused_q35(",sriov-max-vfs=2,sriov-kind=ipvlan,sriov-mode=l3",
                       "sriov-mode");
    assert_refused_q35(",sriov-max-vfs=2,sriov-kind=ipvlan,sriov-flags=x",
                       "sriov-flags");
    /* A VF is the PF's to make. */
    assert_refused("-device vnet-vf", "driver");
}

void vnet_sriov_tests_register(void)
{
    qtest_add_func("/vnet-multi/sriov/capability", test_sriov_capability);
    qtest_add_func("/vnet-multi/sriov/enable-cycles",
                   test_sriov_enable_cycles);
    qtest_add_func("/vnet-multi/sriov/max-vfs", test_sriov_max_vfs);
    qtest_add_func("/vnet-multi/sriov/bad-properties-refused",
                   test_sriov_bad_properties_refused);
}
