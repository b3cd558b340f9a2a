#!/usr/bin/python3
"""tests/peers/py_echo.py - WebSocket echo server on Python websockets 10.4 (Debian's
python3-websockets; run it as /usr/bin/python3), for the interop tests and `make demo`.

    /usr/bin/python3 tests/peers/py_echo.py [--host 127.0.0.1|::1] [--tls CERTFILE KEYFILE] [--demo]
                                            [--deflate]

Listens on the host (default 127.0.0.1) and an ephemeral port, prints the port as the first
line of stdout, and serves any number of connections until killed. Every message is sent back
unchanged with its type (text or binary); messages up to 64 MiB are accepted. With --tls it
speaks wss:// with the given PEM certificate and key. With --deflate it accepts
permessage-deflate (RFC 7692) when the client offers it and compresses what it sends
(websockets' defaults: server_max_window_bits 12, or less when the client asks).

COMMANDS: a text message starting with one of these is obeyed instead of echoed.
  __close__ [CODE [REASON]]  close with CODE and REASON; without CODE the close frame has no
                             payload (the client then reports 1005)
  __ping__ PAYLOAD           send a ping carrying PAYLOAD; when the pong comes back, send the
                             text message "__pong__ " + the pong's payload
  __frag__ N SIZE [binary]   send one message (text, or binary) as N fragments of SIZE bytes
                             each; byte i of the message is 'a' + i % 26
The same commands, with the same replies, are understood by node_echo.js.

--demo turns it into the `make demo` server: it sends the first client a few messages, prints
each one and what came back, closes with 1000 and exits (status 0 when every echo matched).
"""
import argparse
import asyncio
import ssl
import sys

import websockets
from websockets.frames import Close

MAX = 64 << 20


def pattern(offset, size):
    return bytes(97 + (offset + i) % 26 for i in range(size)) if size < 4096 else \
        (bytes(range(97, 123)) * (size // 26 + 2))[offset % 26: offset % 26 + size]


async def command(ws, text):
    """Obey a command; False when `text` is not one."""
    cmd, _, rest = text.partition(" ")
    if cmd == "__close__":
        code, _, reason = rest.partition(" ")
        if code:
            await ws.close(int(code), reason)
        else:
            # websockets.close() always sends a code: write the empty close frame directly
            await ws.write_close_frame(Close(1005, ""), b"")
            await ws.wait_closed()
        return True
    if cmd == "__ping__":
        waiter = await ws.ping(rest.encode())
        await waiter
        await ws.send("__pong__ " + rest)
        return True
    if cmd == "__frag__":
        a = rest.split(" ")
        n, size, binary = int(a[0]), int(a[1]), len(a) > 2 and a[2] == "binary"
        parts = [pattern(i * size, size) for i in range(n)]
        await ws.send(parts if binary else [p.decode() for p in parts])
        return True
    return False


async def echo(ws):
    try:
        async for msg in ws:
            if isinstance(msg, str) and msg.startswith("__") and await command(ws, msg):
                continue
            await ws.send(msg)
    except websockets.ConnectionClosed:
        pass


DEMO = [
    "Hello from the demo server",
    "UTF-8 works: \u03ba\u1f79\u03c3\u03bc\u03b5, \u20ac, \U0001f600",
    bytes(range(16)),
    "a longer message " * 1000,
]


def show(m):
    if isinstance(m, bytes):
        return "binary %d bytes: %s" % (len(m), m[:16].hex(" "))
    return "text %d chars: %s" % (len(m), m if len(m) <= 60 else m[:57] + "...")


async def demo(ws, done):
    ok = True
    try:
        for m in DEMO:
            print("server sent     " + show(m), flush=True)
            await ws.send(m)
            back = await asyncio.wait_for(ws.recv(), 10)
            same = back == m
            ok = ok and same
            print("echo came back  " + show(back) + ("" if same else "   <-- DIFFERENT"), flush=True)
        await ws.close(1000, "demo done")
        print("closed with 1000, client answered %s" % ws.close_code, flush=True)
    except Exception as e:
        ok = False
        print("demo failed: %s: %s" % (type(e).__name__, e), flush=True)
    if not done.done():
        done.set_result(ok)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--tls", nargs=2, metavar=("CERTFILE", "KEYFILE"))
    ap.add_argument("--demo", action="store_true")
    ap.add_argument("--deflate", action="store_true")
    a = ap.parse_args()
    ctx = None
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
    done = asyncio.get_running_loop().create_future()
    handler = (lambda ws: demo(ws, done)) if a.demo else echo
    async with websockets.serve(handler, a.host, 0, ssl=ctx, max_size=MAX, max_queue=64,
                                compression="deflate" if a.deflate else None,
                                ping_interval=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        if a.demo:
            return 0 if await done else 1
        await asyncio.Future()


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except KeyboardInterrupt:
        sys.exit(0)
