#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qmp.py SOCKET COMMAND [JSON-ARGS]: runs one QMP command on a QEMU's
unix socket and prints its "return" as JSON; exits 1 on an error reply."""
import json
import socket
import sys


def main():
    path, cmd = sys.argv[1], sys.argv[2]
    args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(path)
    f = s.makefile("rw")
    json.loads(f.readline())  # greeting
    for c, a in (("qmp_capabilities", {}), (cmd, args)):
        f.write(json.dumps({"execute": c, "arguments": a}) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "event" not in r:
                break
    if "error" in r:
        print(json.dumps(r["error"]), file=sys.stderr)
        sys.exit(1)
    print(json.dumps(r["return"]))


if __name__ == "__main__":
    main()
