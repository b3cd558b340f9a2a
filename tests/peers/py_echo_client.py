#!/usr/bin/python3
"""tests/peers/py_echo_client.py - a reference echo client on Python websockets (Debian 10.4).

Same command line and exit contract as examples/echo.c, so the conformance harness can be
checked against an independent client:

    ECHO="/usr/bin/python3 tests/peers/py_echo_client.py" /usr/bin/python3 tests/test_conformance.py

It echoes every message with its type and exits 0 only after a close handshake. websockets
10.4 is not strict everywhere (it accepts non-minimal lengths, checks UTF-8 only per whole
message, answers a code-less close without a code ...), so the cases it fails show that the
harness can tell a strict client from a lenient one; see the report in the commit history.
"""
import argparse
import asyncio
import sys

import websockets


async def run(url, verbose):
    async with websockets.connect(url, max_size=None, compression=None, ping_interval=None,
                                  close_timeout=2, open_timeout=10) as ws:
        if verbose:
            print("open", flush=True)
        try:
            async for msg in ws:
                if verbose:
                    print("%s %d" % ("text" if isinstance(msg, str) else "binary", len(msg)), flush=True)
                await ws.send(msg)
        except websockets.ConnectionClosed:
            pass
    # clean only when the server's close was valid and answered (a failure sends first)
    if ws.close_rcvd is None or ws.close_sent is None or not ws.close_rcvd_then_sent:
        raise RuntimeError("connection ended without a clean close handshake: sent %s, received %s"
                           % (ws.close_sent, ws.close_rcvd))
    if verbose:
        print("close %s" % ws.close_rcvd.code, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--timeout", type=float, default=None)
    ap.add_argument("url")
    a = ap.parse_args()
    try:
        asyncio.run(asyncio.wait_for(run(a.url, a.v), a.timeout))
    except Exception as e:
        print("echo: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
