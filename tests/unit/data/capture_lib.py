# SPDX-License-Identifier: GPL-2.0-or-later
"""What the capture scripts share: running commands, capturing in one
network namespace while others send, and writing the frames as a C++
header for the unit tests."""
import subprocess
import sys
import time


def sh(*cmd, check=True):
    subprocess.run(cmd, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def capture(ns, code, senders):
    """Runs the Python `code` in namespace `ns`, then each (namespace,
    code) of `senders`; `code` prints one "NAME HEX" line per frame it
    kept. Returns {NAME: bytes}."""
    cap = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", code],
                           stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    for sns, scode in senders:
        sh("ip", "netns", "exec", sns, sys.executable, "-c", scode)
    out, _ = cap.communicate(timeout=10)
    return {name: bytes.fromhex(hx) for name, hx in (l.split() for l in out.splitlines())}


def c_header(comment, names, frames):
    """The header text: `comment` lines, then one array per name in
    `names` (a missing one noted as such)."""
    lines = ["// SPDX-License-Identifier: GPL-2.0-or-later"]
    lines += ["// " + c for c in comment]
    lines.append("#pragma once\n\n#include <cstdint>\n\nnamespace vnet::test {")
    for name in names:
        f = frames.get(name)
        if f is None:
            lines.append("// missing: " + name)
            continue
        lines.append("\ninline constexpr std::uint8_t %s[] = {" % name)
        for i in range(0, len(f), 12):
            lines.append("    " + ", ".join("0x%02x" % b for b in f[i:i + 12]) + ",")
        lines.append("};")
    lines.append("\n}  // namespace vnet::test")
    return "\n".join(lines) + "\n"
