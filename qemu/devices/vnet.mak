# SPDX-License-Identifier: GPL-2.0-or-later
# Devices built into build/qemu-system-x86_64: two machines, the stock NICs
# the benchmarks compare against, and vnet-multi.
CONFIG_I440FX=y
CONFIG_Q35=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_NET=y
CONFIG_E1000_PCI=y
CONFIG_IGB_PCI_EXPRESS=y
CONFIG_PCIE_PORT=y
CONFIG_SERIAL_ISA=y
CONFIG_TEST_DEVICES=y
CONFIG_VNET_MULTI=y
