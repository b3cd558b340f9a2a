#!/usr/bin/python3
"""wss_echo.py - a TLS WebSocket echo server for the wss:// tests (Python `websockets`).

usage: wss_echo.py --cert CERT --key KEY [--host 127.0.0.1]

Binds an ephemeral port, prints "PORT <n>" on stdout, then echoes every message with the
same type. The text message "__close__ CODE REASON" makes the server start the close
handshake with that code and reason (to test a server-initiated close). TLS 1.2 and 1.3 are
allowed; Python's server context keeps a session cache, so clients can resume by session
ID. Runs until killed (or until stdin closes, so it never outlives the test)."""
import argparse
import asyncio
import ssl
import sys

import websockets


async def echo(ws, path=None):
    try:
        async for msg in ws:
            if isinstance(msg, str) and msg.startswith("__close__ "):
                _, code, reason = msg.split(" ", 2)
                await ws.close(int(code), reason)
                return
            await ws.send(msg)
    except websockets.exceptions.ConnectionClosed:
        pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    a = ap.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    async with websockets.serve(echo, a.host, 0, ssl=ctx, max_size=None, max_queue=None,
                                compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        print("PORT %d" % port, flush=True)
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        loop.add_reader(sys.stdin.fileno(), lambda: done.done() or done.set_result(None))
        await done


if __name__ == "__main__":
    asyncio.run(main())
