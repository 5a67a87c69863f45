#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""doc-recipes.py [--list] [NAME...] RST...: runs the recipes of the docs.

A recipe is a set of code blocks whose caption reads
``recipe NAME: ROLE``, the ROLE being

  QEMU [X]             a ``$ qemu-system-x86_64 ...`` command line
  guest [X]            ``# ...`` lines typed in that QEMU's guest
  host                 ``$ ...`` lines run on the host first
  host, afterwards     ``$ ...`` lines run on the host at the end, always

Each QEMU line is run by tests/guest/run-guest, which brings its own
machine, kernel and console: the options -M/-machine, -accel, -m, -kernel,
-initrd, -append and -nographic are left to it; every other option is
used exactly as written. The guest's lines run in order under ``set -e``
once its network interfaces are there. Several guests run at once; the
last guest block is the recipe's driver: the recipe passes when its lines
all succeed, and the other guests are stopped then. So the command lines
users copy from the docs are the ones the tests run.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTION = re.compile(
    r"^\s+:caption: recipe (\S+): (QEMU|guest|host)(?: ([A-Z]))?(, afterwards)?\s*$")
RUNNER_OPTS = {"-M", "-machine", "-accel", "-m", "-kernel", "-initrd", "-append"}
RUNNER_FLAGS = {"-nographic"}
NIC = re.compile(r"^(vnet-multi|vnet-macvlan|vnet-ipvlan|virtio-net-pci|e1000)\b")


def parse(paths):
    """{name: [(role, key, afterwards, body lines)]} in document order."""
    recipes = {}
    for path in paths:
        lines = open(path).read().splitlines()
        i = 0
        while i < len(lines):
            m = CAPTION.match(lines[i + 1]) if (
                lines[i].startswith(".. code-block::") and i + 1 < len(lines)) else None
            if not m:
                i += 1
                continue
            j = i + 2
            while j < len(lines) and lines[j].strip().startswith(":"):
                j += 1
            body = []
            while j < len(lines) and (not lines[j].strip() or lines[j].startswith("   ")):
                body.append(lines[j][3:])
                j += 1
            recipes.setdefault(m.group(1), []).append(
                (m.group(2), m.group(3) or "", bool(m.group(4)), body))
            i = j
    return recipes


def commands(body, prompt):
    """The lines after `prompt`, with backslash continuations joined."""
    out, cur = [], None
    for line in body:
        if cur is not None:
            cur += " " + line.strip()
        elif line.startswith(prompt):
            cur = line[len(prompt):]
        else:
            continue  # output shown in the docs, or a blank line
        if cur.endswith("\\"):
            cur = cur[:-1].rstrip()
        else:
            out.append(cur)
            cur = None
    return out


def qemu_args(line):
    argv = shlex.split(line)
    assert argv[0] == "qemu-system-x86_64", "not a QEMU line: " + line
    args, i = [], 1
    while i < len(argv):
        if argv[i] in RUNNER_OPTS:
            i += 2
        elif argv[i] in RUNNER_FLAGS:
            i += 1
        else:
            args.append(argv[i])
            i += 1
    return args


def guest_script(lines, nics, keep_running):
    pre = [
        "# the docs' lines, once the guest's %d interfaces are there" % nics,
        "t=0",
        "while [ \"$(ls /sys/class/net | grep -c '^eth')\" -lt %d ] && [ $t -lt 100 ]; do"
        % nics,
        "    sleep 0.1; t=$((t + 1))",
        "done",
    ]
    echo = ["echo %s" % shlex.quote("guest# " + c) + "\n" + c for c in lines]
    post = ["echo DOC-GUEST-READY", "sleep 600"] if keep_running else []
    return "\n".join(pre + echo + post) + "\n"


def host(lines, work):
    for c in lines:
        print("host$ " + c, flush=True)
        r = subprocess.run(["bash", "-ec", c], cwd=work)
        if r.returncode:
            return False
    return True


def run(name, blocks, work):
    qemus = {k: qemu_args(commands(b, "$ ")[0]) for role, k, _, b in blocks if role == "QEMU"}
    guests = [(k, commands(b, "# ")) for role, k, _, b in blocks if role == "guest"]
    setup = [c for role, _, after, b in blocks if role == "host" and not after
             for c in commands(b, "$ ")]
    cleanup = [c for role, _, after, b in blocks if role == "host" and after
               for c in commands(b, "$ ")]
    ok = False
    procs = []
    try:
        if not host(setup, work):
            return False
        for n, (key, lines) in enumerate(guests):
            args = qemus[key]
            nics = sum(1 for a, b in zip(args, args[1:]) if a == "-device" and NIC.match(b))
            driver = n == len(guests) - 1
            script = os.path.join(work, "guest%s.sh" % key)
            with open(script, "w") as f:
                f.write(guest_script(lines, nics, not driver))
            log = open(os.path.join(work, "guest%s.log" % key), "w")
            print("%s: QEMU %s %s" % (name, key, " ".join(args)), flush=True)
            p = subprocess.Popen([os.path.join(HERE, "run-guest"), "--timeout", "240",
                                  script] + args, stdout=log, stderr=subprocess.STDOUT)
            procs.append((key, p, log.name))
            if not driver:
                # The driver starts once this guest has run its lines.
                for _ in range(1200):
                    if "DOC-GUEST-READY" in open(log.name).read() or p.poll() is not None:
                        break
                    time.sleep(0.2)
        ok = procs[-1][1].wait() == 0
    finally:
        for key, p, logname in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()
            text = open(logname, errors="replace").read().replace("\r", "")
            tail = [l for l in text.splitlines() if l.strip()][-25:]
            print("--- %s: guest %s console (tail)\n%s" % (name, key or "", "\n".join(tail)))
        host(cleanup, work)
    return ok


def main():
    args = sys.argv[1:]
    names = [a for a in args if not a.endswith(".rst") and a != "--list"]
    recipes = parse([a for a in args if a.endswith(".rst")])
    if "--list" in args:
        print("\n".join(recipes))
        return 0
    failed = []
    for name, blocks in recipes.items():
        if names and name not in names:
            continue
        with tempfile.TemporaryDirectory() as work:
            start = time.time()
            ok = run(name, blocks, work)
        print("RECIPE %s: %s (%.0f s)" % (name, "ok" if ok else "FAILED", time.time() - start),
              flush=True)
        if not ok:
            failed.append(name)
    if not recipes:
        print("no recipes found")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
