#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""icmp-ping.py ADDR COUNT [MARK]: COUNT ICMP echo requests to the IPv4
ADDR from a raw socket (the host has no ping binary), each waited for
2 s, with MARK as their skb->mark (SO_MARK) if given; prints how many
were answered and exits 0 only if all were."""
import os
import socket
import struct
import sys
import time


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def main():
    addr, count = sys.argv[1], int(sys.argv[2])
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    if len(sys.argv) > 3:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, int(sys.argv[3], 0))
    s.settimeout(2)
    ok = 0
    for seq in range(1, count + 1):
        body = struct.pack("!BBHHH", 8, 0, 0, os.getpid() & 0xffff, seq) + b"vnet" * 8
        body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
        s.sendto(body, (addr, 0))
        end = time.time() + 2
        while time.time() < end:
            try:
                r = s.recv(2048)
            except socket.timeout:
                break
            icmp = r[(r[0] & 15) * 4:]
            if icmp[0] == 0 and struct.unpack("!H", icmp[6:8])[0] == seq:
                ok += 1
                break
    print("%d echo requests, %d replies" % (count, ok))
    sys.exit(0 if ok == count else 1)


main()
