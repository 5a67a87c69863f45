#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A host-side HTTP peer for guest tests and the demo, on 127.0.0.1 unless
ADDR is given (slirp's 10.0.2.2 reaches that). GET serves files from DIR;
POST to any path answers the SHA-256 of the body, so a guest can check an
upload. Writes its port to PORTFILE and exits by itself after LIFETIME
seconds.

usage: http-server.py DIR PORTFILE [LIFETIME [ADDR]]
"""
import functools
import hashlib
import http.server
import os
import sys
import threading


class Handler(http.server.SimpleHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        h = hashlib.sha256()
        while n > 0:
            chunk = self.rfile.read(min(n, 65536))
            if not chunk:
                break
            h.update(chunk)
            n -= len(chunk)
        body = (h.hexdigest() + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("http-server: " + fmt % args + "\n")


def main():
    root, portfile = sys.argv[1], sys.argv[2]
    lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 600
    addr = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
    handler = functools.partial(Handler, directory=root)
    srv = http.server.ThreadingHTTPServer((addr, 0), handler)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, portfile)
    threading.Timer(lifetime, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
