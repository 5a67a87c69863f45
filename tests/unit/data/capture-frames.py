#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Captures real frames from the Linux kernel for the wire tests.

Two network namespaces joined by a veth; namespace A sends one UDP datagram
over IPv4 and over IPv6 to B, so the kernel resolves neighbours first (ARP,
ND).
Frames are read on B's veth with an AF_PACKET socket and printed as a C++
header. Run as root on a Linux host; the output is
tests/unit/data/kernel_frames.h. Cleans up after itself.
"""
import sys

from capture_lib import c_header, capture, sh

A, B = "capa", "capb"
MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"


def setup():
    for ns in (A, B):
        sh("ip", "netns", "del", ns, check=False)
        sh("ip", "netns", "add", ns)
    sh("ip", "-n", A, "link", "add", "va", "address", MAC_A, "type", "veth",
       "peer", "name", "vb", "address", MAC_B, "netns", B)
    for ns, dev, v4, v6 in ((A, "va", "192.0.2.1", "2001:db8::1"),
                            (B, "vb", "192.0.2.2", "2001:db8::2")):
        sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0")
        sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0")
        # Checksum offload off: veth would leave UDP checksums partial.
        sh("ip", "netns", "exec", ns, "ethtool", "-K", dev, "tx", "off")
        sh("ip", "-n", ns, "addr", "add", v4 + "/24", "dev", dev)
        sh("ip", "-n", ns, "addr", "add", v6 + "/64", "dev", dev, "nodad")
        sh("ip", "-n", ns, "link", "set", dev, "up")


def main():
    setup()
    try:
        send = ("import socket\n"
                "for fam, dst in ((socket.AF_INET, '192.0.2.2'), (socket.AF_INET6, '2001:db8::2')):\n"
                "    s = socket.socket(fam, socket.SOCK_DGRAM)\n"
                "    s.sendto(b'vnet-multi', (dst, 4789)); s.close()\n")
        frames = capture(B, CAPTURE, [(A, send)])
    finally:
        for ns in (A, B):
            sh("ip", "netns", "del", ns, check=False)
    sys.stdout.write(c_header(
        ["Frames sent by the Linux kernel, captured by capture-frames.py: veth",
         "02:00:00:00:00:0a -> :0b, 192.0.2.1 -> .2, 2001:db8::1 -> ::2,",
         "UDP to port 4789, payload \"vnet-multi\"."],
        ("kArpRequest", "kIpv4Udp", "kIcmpv6NeighborSolicit", "kIcmpv6NeighborAdvert",
         "kIpv6Udp"), frames))


CAPTURE = r'''
import socket, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("vb", 0))
s.settimeout(0.5)
want = {}
end = time.time() + 5
while time.time() < end and len(want) < 5:
    try:
        f, addr = s.recvfrom(2048)
    except socket.timeout:
        continue
    et = f[12:14]
    if addr[2] == socket.PACKET_OUTGOING:
        # B's own answer to A's neighbour solicitation
        if et == b"\x86\xdd" and f[20] == 58 and f[54] == 136:
            want.setdefault("kIcmpv6NeighborAdvert", f)
        continue
    if et == b"\x08\x06" and f[21] == 1:
        want.setdefault("kArpRequest", f)
    elif et == b"\x08\x00" and f[23] == 17:
        want.setdefault("kIpv4Udp", f)
    elif (et == b"\x86\xdd" and f[20] == 58 and f[54] == 135 and
          f[62:78] == socket.inet_pton(socket.AF_INET6, "2001:db8::2")):
        want.setdefault("kIcmpv6NeighborSolicit", f)
    elif et == b"\x86\xdd" and f[20] == 17:
        want.setdefault("kIpv6Udp", f)
for name, f in want.items():
    print(name, f.hex())
'''

if __name__ == "__main__":
    main()
