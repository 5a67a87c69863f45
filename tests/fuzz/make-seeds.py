#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the fuzzers' seed corpora (tests/fuzz/corpus/<target>/) from the
frames the Linux kernel built: tests/unit/data/kernel_frames.h,
kernel_vxlan.h and kernel_gso.h. Each target gets them in the shape its input takes."""
import hashlib
import os
import re
import sys

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def arrays(path):
    text = open(os.path.join(top, path)).read()
    for name, body in re.findall(r"(k\w+)\[\] = \{(.*?)\};", text, re.S):
        yield name, bytes(int(x, 16) for x in re.findall(r"0x[0-9a-f]{2}", body))


def write(target, data):
    d = os.path.join(top, "tests", "fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


frames = dict(arrays("tests/unit/data/kernel_frames.h"))
vxlan = dict(arrays("tests/unit/data/kernel_vxlan.h"))
for name, f in frames.items():
    write("parsers", f)
    for kind in range(8):
        write("stack", bytes([kind]) + f)
        write("stack", bytes([0x80 | kind]) + f)
    write("vxlan", b"\x01\x00\x00" + f)
    hdr = bytes(12)  # the virtio-net header the glue skips
    for kind in range(8):
        write("tx", bytes([kind, 0]) + hdr + f)
        # Sender 1, three segments: the header, 20 bytes, the rest.
        write("tx", bytes([kind, 0x05, 12, 20]) + hdr + f)
for name, pkt in vxlan.items():
    ihl = (pkt[0] & 15) * 4 if pkt[0] >> 4 == 4 else 40
    udp_payload = pkt[ihl + 8:]
    write("parsers", udp_payload)
    write("parsers", b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + pkt)
    write("vxlan", b"\x00\x02\x00" + udp_payload)
    write("vxlan", b"\x01\x00\x00" + udp_payload[8:])

gso = dict(arrays("tests/unit/data/kernel_gso.h"))
for name, hdr in gso.items():
    if name.endswith("Hdr"):
        # Every offload allowed, then none (the same frame refused).
        write("gso", b"\x1f" + hdr + gso[name[:-3]])
        write("gso", b"\x00" + hdr + gso[name[:-3]])


def ctrl(func, cls, cmd, data):
    return bytes([func, cls, cmd, len(data)]) + data


def mac_table(uc, mc):
    out = len(uc).to_bytes(4, "little") + b"".join(uc)
    return out + len(mc).to_bytes(4, "little") + b"".join(mc)


# The commands Linux's virtio_net sends as a guest brings an interface up
# and joins groups: RX mode, MAC tables, the MAC itself, queue pairs.
groups = [bytes.fromhex("333300000001"), bytes.fromhex("01005e000001"),
          bytes.fromhex("3333ff000001")]
for func in (0, 1):
    write("ctrl", ctrl(func, 0, 0, b"\x00") + ctrl(func, 0, 1, b"\x00")
          + ctrl(func, 1, 0, mac_table([], groups)))
    write("ctrl", ctrl(func, 0, 0, b"\x00")
          + ctrl(func, 1, 0, mac_table([bytes.fromhex("020000000abc")], groups[:1])))
    write("ctrl", ctrl(func, 1, 1, bytes.fromhex("0200000000aa")) + ctrl(func, 4, 0, b"\x02\x00"))
    write("ctrl", ctrl(func, 0, 1, b"\x01") + ctrl(func, 0, 0, b"\x01"))
print("seeds written", file=sys.stderr)
