#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Captures VXLAN packets built by the Linux kernel's vxlan driver.

Namespace A holds three vxlan devices over a veth to namespace B; each sends
one UDP datagram to a static neighbour, so the kernel encapsulates at once.
The outer IP packets are read on B's veth with an AF_PACKET socket and
printed as a C++ header (tests/unit/data/kernel_vxlan.h). Each device uses
a one-port srcport range so the flow-hash source port is fixed, and A has
IPv6 auto flow labels off; the IPv4 ID stays the kernel's. Run as root;
cleans up after itself.
"""
import sys

from capture_lib import c_header, capture, sh

A, B = "vxcapa", "vxcapb"
# name, vxlan options, inner IP of A, inner IP of the static neighbour,
# IP_TOS of the sending socket
DEVICES = (
    ("kVxlanIpv4Default", "id 42 local 192.0.2.1 remote 192.0.2.2", "10.42.0.1", "10.42.0.2", 0),
    ("kVxlanIpv4CsumDfTtl", "id 44 local 192.0.2.1 remote 192.0.2.2 udpcsum df set ttl 5",
     "10.44.0.1", "10.44.0.2", 0),
    ("kVxlanIpv6TosInherit", "id 43 local 2001:db8::1 remote 2001:db8::2 tos inherit ttl 10",
     "10.43.0.1", "10.43.0.2", 0xba),
    # Remote checksum offload: the inner UDP checksum left to the receiver.
    ("kVxlanIpv4RemcsumTx", "id 45 local 192.0.2.1 remote 192.0.2.2 remcsumtx",
     "10.45.0.1", "10.45.0.2", 0),
)
COMMON = "dstport 4789 srcport 49152 49153 nolearning"


def setup():
    for ns in (A, B):
        sh("ip", "netns", "del", ns, check=False)
        sh("ip", "netns", "add", ns)
    sh("ip", "-n", A, "link", "add", "va", "address", "02:00:00:00:00:0a", "type", "veth",
       "peer", "name", "vb", "address", "02:00:00:00:00:0b", "netns", B)
    sh("ip", "netns", "exec", A, "sysctl", "-qw", "net.ipv6.auto_flowlabels=0")
    for ns, dev, v4, v6 in ((A, "va", "192.0.2.1", "2001:db8::1"),
                            (B, "vb", "192.0.2.2", "2001:db8::2")):
        sh("ip", "netns", "exec", ns, "ethtool", "-K", dev, "tx", "off")
        sh("ip", "-n", ns, "addr", "add", v4 + "/24", "dev", dev)
        sh("ip", "-n", ns, "addr", "add", v6 + "/64", "dev", dev, "nodad")
        sh("ip", "-n", ns, "link", "set", dev, "up")
    sh("ip", "-n", A, "neigh", "add", "192.0.2.2", "lladdr", "02:00:00:00:00:0b", "dev", "va")
    sh("ip", "-n", A, "neigh", "add", "2001:db8::2", "lladdr", "02:00:00:00:00:0b", "dev", "va")
    for i, (_, opts, mine, peer, _) in enumerate(DEVICES):
        dev = "vx%d" % i
        sh("ip", "-n", A, "link", "add", dev, "address", "02:00:00:00:01:%02x" % i, "type",
           "vxlan", *opts.split(), *COMMON.split())
        sh("ip", "-n", A, "addr", "add", mine + "/24", "dev", dev)
        sh("ip", "-n", A, "link", "set", dev, "up")
        sh("ip", "-n", A, "neigh", "add", peer, "lladdr", "02:00:00:00:02:%02x" % i, "dev", dev)


def main():
    setup()
    try:
        sends = [(A, "import socket\n"
                     "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                     "s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, %d)\n"
                     "s.sendto(b'vnet-multi vxlan', ('%s', 7)); s.close()\n" % (tos, peer))
                 for _, _, _, peer, tos in DEVICES]
        frames = capture(B, CAPTURE, sends)
    finally:
        for ns in (A, B):
            sh("ip", "netns", "del", ns, check=False)
    sys.stdout.write(c_header(
        ["Outer IP packets built by the Linux kernel's vxlan driver, captured by",
         "capture-vxlan.py: 192.0.2.1 -> .2 and 2001:db8::1 -> ::2, dstport 4789,",
         "srcport 49152 49153, inner UDP \"vnet-multi vxlan\" to port 7."],
        [d[0] for d in DEVICES], frames))


CAPTURE = r'''
import socket, time
VNIS = {42: "kVxlanIpv4Default", 44: "kVxlanIpv4CsumDfTtl", 43: "kVxlanIpv6TosInherit",
        45: "kVxlanIpv4RemcsumTx"}
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("vb", 0))
s.settimeout(0.5)
want = {}
end = time.time() + 5
while time.time() < end and len(want) < len(VNIS):
    try:
        f = s.recv(4096)
    except socket.timeout:
        continue
    ip = f[14:]
    if f[12:14] == b"\x08\x00" and ip[9] == 17:
        udp = ip[(ip[0] & 15) * 4:]
    elif f[12:14] == b"\x86\xdd" and ip[6] == 17:
        udp = ip[40:]
    else:
        continue
    if udp[2:4] != b"\x12\xb5":
        continue
    vni = int.from_bytes(udp[12:15], "big")
    if vni in VNIS and udp[28:30] == b"\x08\x00":  # the inner IPv4 datagram
        want.setdefault(VNIS[vni], ip)
for name, f in want.items():
    print(name, f.hex())
'''

if __name__ == "__main__":
    main()
