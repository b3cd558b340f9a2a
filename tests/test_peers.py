#!/usr/bin/python3
"""tests/test_peers.py - checks the interop peers themselves (tests/peers/node_echo.js and
py_echo.py) with an independent client (Python websockets), so that a failure in
tests/test_interop.c points at our client and not at a peer.

For each peer, over 127.0.0.1 and ::1 in plain ws:// and over 127.0.0.1 in wss:// (a
throw-away certificate made with openssl): echo of text and binary messages from 0 B to
1 MiB (and 16 MiB over plain 127.0.0.1), and every command the peers document: __close__
with a code and reason, __close__ without a code (1005), __ping__ (the pong report),
__frag__ (text and binary).
Prints one line per failing check and ends with "N passed, N failed".
"""
import asyncio
import os
import shutil
import ssl
import subprocess
import sys
import tempfile

import websockets
from pycheck import check, summary

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "peers")


def pattern(offset, size):
    return (bytes(range(97, 123)) * (size // 26 + 2))[offset % 26: offset % 26 + size]


class Peer:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.port = int(self.p.stdout.readline() or 0)

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


async def exercise(name, url, ctx, big):
    kw = dict(max_size=None, compression=None, ping_interval=None, ssl=ctx)
    async with websockets.connect(url, **kw) as ws:
        # 16 MiB once per peer: Python masks it slowly, and test_interop.c covers the rest
        for n in [0, 1, 125, 126, 65535, 65536, 1 << 20] + ([16 << 20] if big else []):
            t = ("\u20ac" * (n // 3 + 1)).encode()[:n - n % 3].decode() + "." * (n % 3)
            await ws.send(t)
            check(await ws.recv() == t, "%s: text echo of %d bytes" % (name, n))
            b = os.urandom(n)
            await ws.send(b)
            check(await ws.recv() == b, "%s: binary echo of %d bytes" % (name, n))
        await ws.send("__ping__ hello ping")
        check(await ws.recv() == "__pong__ hello ping", "%s: __ping__ reports the pong" % name)
        await ws.send("__frag__ 5 1000")
        check(await ws.recv() == pattern(0, 5000).decode(), "%s: __frag__ text" % name)
        await ws.send("__frag__ 3 70000 binary")
        check(await ws.recv() == pattern(0, 210000), "%s: __frag__ binary" % name)
        await ws.send("__close__ 4001 going now")
        try:
            await ws.recv()
            check(False, "%s: __close__ closes" % name)
        except websockets.ConnectionClosed:
            check(ws.close_code == 4001 and ws.close_reason == "going now",
                  "%s: __close__ 4001 gives %s %r" % (name, ws.close_code, ws.close_reason))
    async with websockets.connect(url, **kw) as ws:
        await ws.send("__close__")
        try:
            await ws.recv()
            check(False, "%s: bare __close__ closes" % name)
        except websockets.ConnectionClosed:
            check(ws.close_code == 1005, "%s: bare __close__ gives %s, expected 1005" % (name, ws.close_code))


async def main():
    tmp = tempfile.mkdtemp(prefix="axws-peers-")
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cert)
    peers = {"node": ["node", os.path.join(PEERS, "node_echo.js")],
             "py": ["/usr/bin/python3", os.path.join(PEERS, "py_echo.py")]}
    running = []
    try:
        jobs = []
        for pname, argv in peers.items():
            for host, tls in [("127.0.0.1", False), ("::1", False), ("127.0.0.1", True)]:
                pr = Peer(argv + ["--host", host] + (["--tls", cert, key] if tls else []))
                running.append(pr)
                name = "%s %s%s" % (pname, host, " tls" if tls else "")
                if not check(pr.port > 0, "%s: printed its port" % name):
                    continue
                h = "[%s]" % host if ":" in host else host
                url = "%s://%s:%d/" % ("wss" if tls else "ws", h, pr.port)
                big = host == "127.0.0.1" and not tls
                jobs.append(asyncio.wait_for(exercise(name, url, ctx if tls else None, big), 60))
        for r in await asyncio.gather(*jobs, return_exceptions=True):
            if isinstance(r, BaseException):
                check(False, "peer session raised %s: %s" % (type(r).__name__, r))
    finally:
        for pr in running:
            pr.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if not os.path.isdir(os.path.join(PEERS, "node_modules")):
        print("FAIL node_modules missing in tests/peers: run tests/deps.sh (npm ci)")
        print("0 passed, 1 failed")
        sys.exit(1)
    asyncio.run(main())
    sys.exit(summary())
