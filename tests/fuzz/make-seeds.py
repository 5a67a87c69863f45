#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the fuzzers' seed corpora (tests/fuzz/corpus/<target>/) from the
frames the Linux kernel built: tests/unit/data/kernel_frames.h and
kernel_vxlan.h. Each target gets them in the shape its input takes."""
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
for name, pkt in vxlan.items():
    ihl = (pkt[0] & 15) * 4 if pkt[0] >> 4 == 4 else 40
    udp_payload = pkt[ihl + 8:]
    write("parsers", udp_payload)
    write("parsers", b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + pkt)
    write("vxlan", b"\x00\x02\x00" + udp_payload)
    write("vxlan", b"\x01\x00\x00" + udp_payload[8:])
print("seeds written", file=sys.stderr)
