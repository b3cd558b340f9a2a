#!/usr/bin/python3
"""byte_proxy.py - a TCP proxy that forwards one byte per write, both ways.

usage: byte_proxy.py TARGET_PORT [TARGET_HOST]

Binds 127.0.0.1 on an ephemeral port and prints "PORT <n>". Every accepted connection is
relayed to TARGET_HOST:TARGET_PORT (default 127.0.0.1), each direction one byte per
send() with TCP_NODELAY, so the peer sees TLS records and WebSocket frames split at every
byte. The kernel here has no netem; this is the userspace stand-in. Exits when stdin
closes."""
import os
import socket
import sys
import threading


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            for i in range(len(data)):
                dst.sendall(data[i:i + 1])
    except OSError:
        pass
    for s in (dst, src):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(ls, host, port):
    while True:
        try:
            c, _ = ls.accept()
        except OSError:
            return
        u = socket.create_connection((host, port))
        for s in (c, u):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=pump, args=(c, u), daemon=True).start()
        threading.Thread(target=pump, args=(u, c), daemon=True).start()


def main():
    port = int(sys.argv[1])
    host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    print("PORT %d" % ls.getsockname()[1], flush=True)
    threading.Thread(target=serve, args=(ls, host, port), daemon=True).start()
    while os.read(0, 1):  # until the test closes our stdin
        pass


if __name__ == "__main__":
    main()
