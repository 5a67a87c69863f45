#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Captures the Linux kernel's software segmentation and checksumming for
the offload tests.

One network namespace with a veth pair va -> vb. va has TSO, GSO, USO and
TX checksumming off, so every offload frame given to it is cut and
checksummed by the kernel (validate_xmit_skb: skb_gso_segment,
skb_checksum_help) before veth passes it on. Each input is written to va
through an AF_PACKET socket with PACKET_VNET_HDR, so it carries the same
virtio-net header a guest's driver writes; what arrives on vb (GRO off)
is what the kernel made of it. Inputs and outputs are printed as a C++
header: tests/unit/data/kernel_gso.h. Run as root; cleans up after itself.
"""
import socket
import struct
import sys

from capture_lib import c_header, capture, sh

NS = "capgso"
MAC_A, MAC_B = bytes.fromhex("02000000000a"), bytes.fromhex("02000000000b")
V4_A, V4_B = socket.inet_aton("192.0.2.1"), socket.inet_aton("192.0.2.2")
V6_A = socket.inet_pton(socket.AF_INET6, "2001:db8::1")
V6_B = socket.inet_pton(socket.AF_INET6, "2001:db8::2")

NEEDS_CSUM = 1
GSO_TCPV4, GSO_UDP, GSO_TCPV6, GSO_UDP_L4, GSO_ECN = 1, 3, 4, 5, 0x80


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def words(b):
    if len(b) % 2:
        b += b"\0"
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


def pseudo(src, dst, proto, length):
    """The folded (not inverted) pseudo-header sum a driver leaves in the
    checksum field of a CHECKSUM_PARTIAL frame."""
    return fold(words(src) + words(dst) + proto + (length >> 16) + (length & 0xffff))


def ipv4(proto, l4len, ident, tos):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + l4len, ident, 0x4000, 64, proto, 0,
                    V4_A, V4_B)
    return h[:10] + struct.pack("!H", 0xffff ^ fold(words(h))) + h[12:]


def ipv6(proto, l4len, tclass):
    return struct.pack("!IHBB16s16s", (6 << 28) | (tclass << 20) | 0x12345, l4len, proto, 64,
                       V6_A, V6_B)


def tcp(src, dst, payload, flags, opts, sport, dport):
    thl = 20 + len(opts)
    l4len = thl + len(payload)
    check = pseudo(src, dst, 6, l4len)
    return struct.pack("!HHIIBBHHH", sport, dport, 0x01020304, 0x0a0b0c0d, (thl // 4) << 4,
                       flags, 502, check, 0) + opts + payload


def udp(src, dst, payload, sport, dport):
    l4len = 8 + len(payload)
    return struct.pack("!HHHH", sport, dport, l4len, pseudo(src, dst, 17, l4len)) + payload


def vnet_hdr(flags, gso_type, hdr_len, gso_size, csum_start, csum_offset):
    # struct virtio_net_hdr, in the host's byte order (little-endian here).
    return struct.pack("<BBHHHH", flags, gso_type, hdr_len, gso_size, csum_start, csum_offset)


def pattern(n, seed):
    return bytes((i * 7 + seed) & 0xff for i in range(n))


def inputs():
    """(name, virtio-net header, frame) for each case."""
    eth4 = MAC_B + MAC_A + b"\x08\x00"
    eth6 = MAC_B + MAC_A + b"\x86\xdd"
    ts = b"\x01\x01\x08\x0a" + struct.pack("!II", 1000, 2000)
    out = []
    # TCPv4 with options, CWR|ECE|PSH|FIN|ACK, 3500 bytes at MSS 1000.
    seg = tcp(V4_A, V4_B, pattern(3500, 1), 0xd9, ts, 40000, 5001)
    out.append(("kGsoTcp4", vnet_hdr(NEEDS_CSUM, GSO_TCPV4 | GSO_ECN, 14 + 20 + 32, 1000, 34, 16),
                eth4 + ipv4(6, len(seg), 0x1234, 0x02) + seg))
    # TCPv6, PSH|ACK, 2500 bytes at MSS 1200.
    seg = tcp(V6_A, V6_B, pattern(2500, 2), 0x18, b"", 40001, 5002)
    out.append(("kGsoTcp6", vnet_hdr(NEEDS_CSUM, GSO_TCPV6, 14 + 40 + 20, 1200, 54, 16),
                eth6 + ipv6(6, len(seg), 0) + seg))
    # UDPv4, checksum only, an odd length.
    seg = udp(V4_A, V4_B, pattern(301, 3), 40002, 5003)
    out.append(("kCsumUdp4", vnet_hdr(NEEDS_CSUM, 0, 0, 0, 34, 6),
                eth4 + ipv4(17, len(seg), 0x2222, 0) + seg))
    # UDPv6, checksum only.
    seg = udp(V6_A, V6_B, pattern(77, 4), 40003, 5004)
    out.append(("kCsumUdp6", vnet_hdr(NEEDS_CSUM, 0, 0, 0, 54, 6),
                eth6 + ipv6(17, len(seg), 0) + seg))
    # UDP segmentation (USO) over IPv4: 1300 bytes at 500.
    seg = udp(V4_A, V4_B, pattern(1300, 5), 40004, 5005)
    out.append(("kGsoUdp4", vnet_hdr(NEEDS_CSUM, GSO_UDP_L4, 14 + 20 + 8, 500, 34, 6),
                eth4 + ipv4(17, len(seg), 0x3333, 0) + seg))
    # ... and over IPv6: 1000 bytes at 400.
    seg = udp(V6_A, V6_B, pattern(1000, 6), 40005, 5006)
    out.append(("kGsoUdp6", vnet_hdr(NEEDS_CSUM, GSO_UDP_L4, 14 + 40 + 8, 400, 54, 6),
                eth6 + ipv6(17, len(seg), 0) + seg))
    return out


CAPTURE = r'''
import socket, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("vb", 0))
s.settimeout(0.3)
ports = {5001: "kGsoTcp4", 5002: "kGsoTcp6", 5003: "kCsumUdp4", 5004: "kCsumUdp6",
         5005: "kGsoUdp4", 5006: "kGsoUdp6"}
got = {}
end = time.time() + 4
while time.time() < end:
    try:
        f = s.recv(65536)
    except socket.timeout:
        continue
    l4 = 34 if f[12:14] == b"\x08\x00" else 54 if f[12:14] == b"\x86\xdd" else None
    if l4 is None:
        continue
    name = ports.get(int.from_bytes(f[l4 + 2:l4 + 4], "big"))
    if name:
        got.setdefault(name, []).append(f)
for name, fs in got.items():
    for i, f in enumerate(fs):
        print("%sOut%d" % (name, i), f.hex())
'''


def sender(cases):
    lines = ["import socket",
             "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
             "s.setsockopt(263, 15, 1)  # SOL_PACKET, PACKET_VNET_HDR",
             "s.bind(('va', 0))"]
    for _, hdr, frame in cases:
        lines.append("s.send(bytes.fromhex('%s'))" % (hdr + frame).hex())
    return "\n".join(lines) + "\n"


def main():
    sh("ip", "netns", "del", NS, check=False)
    sh("ip", "netns", "add", NS)
    try:
        sh("ip", "-n", NS, "link", "add", "va", "address", MAC_A.hex(":"), "type", "veth",
           "peer", "name", "vb", "address", MAC_B.hex(":"))
        sh("ip", "netns", "exec", NS, "ethtool", "-K", "va", "tso", "off", "gso", "off",
           "tx", "off", "tx-udp-segmentation", "off")
        sh("ip", "netns", "exec", NS, "ethtool", "-K", "vb", "gro", "off")
        for dev in ("va", "vb"):
            sh("ip", "-n", NS, "link", "set", dev, "up")
        cases = inputs()
        frames = capture(NS, CAPTURE, [(NS, sender(cases))])
    finally:
        sh("ip", "netns", "del", NS, check=False)
    names = []
    for name, hdr, frame in cases:
        frames[name + "Hdr"], frames[name] = hdr, frame
        names += [name + "Hdr", name]
        names += sorted((k for k in frames if k.startswith(name + "Out")),
                        key=lambda k: int(k[len(name) + 3:]))
    sys.stdout.write(c_header(
        ["Offload frames and what the Linux kernel makes of them, captured by",
         "capture-gso.py: each NAME is a frame as a driver hands it over, NAMEHdr",
         "its struct virtio_net_hdr (little-endian), NAMEOut0.. the frames the",
         "kernel's skb_gso_segment / skb_checksum_help gave on a veth without",
         "TSO, GSO, USO or TX checksum offload."], names, frames))


if __name__ == "__main__":
    main()
