#!/usr/bin/python3
"""drip_proxy.py - an HTTP CONNECT and SOCKS5 proxy that answers one byte at a time.

usage: drip_proxy.py [--user U --password P] [--mode MODE]

Binds 127.0.0.1 on an ephemeral port and prints "PORT <n>". A connection whose first byte
is 5 speaks SOCKS5 (RFC 1928, with RFC 1929 user/password when --user is given; the
target may be an IPv4 or IPv6 address or a name), anything else HTTP CONNECT (RFC 9110
9.3.6, with Basic authentication when --user is given: 407 without the right
Proxy-Authorization). Every byte of its own answers goes out in a send() of its own,
1 ms apart, with TCP_NODELAY, so the client meets every answer split at every byte; once
the tunnel is open it relays both ways as the bytes come. For each request it prints one
line on stdout, for the test to check what the client asked for:
    HTTP <request line> | host=<Host header> | auth=<ok|none|bad>
    SOCKS5 methods=<offered, comma-separated> auth=<ok|none|bad> target=<host>:<port>
MODE makes the answers harder (HTTP; SOCKS5 modes are marked):
    drip     (default) the plain answers above
    chatty   a "100 Continue" interim answer first, then a 200 with a 3000-byte header line
    early    HTTP: "hello" right after the 200's empty line, before the server has spoken (the
             answer and "hello" in one send(), not dripped)
    garbage  "FTP/1.0 200 OK" instead of an HTTP status line
    eof      close without a word once the request is in
    silent   read the request, then say nothing until the client gives up
    domain   SOCKS5: the reply's bound address is a 200-byte name (type 3)
    nomethod SOCKS5: answers the greeting with 0xFF, no acceptable method
Exits when stdin closes (start it with a pipe on stdin)."""
import argparse
import base64
import os
import socket
import struct
import sys
import threading
import time

LOCK = threading.Lock()


def say(line):
    with LOCK:
        print(line, flush=True)


def drip(sock, data):
    for i in range(len(data)):
        sock.sendall(data[i:i + 1])
        time.sleep(0.001)


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def relay(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (dst, src):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def tunnel(host, port):
    try:
        upstream = socket.create_connection((host, port), timeout=5)
    except OSError:
        return None
    upstream.settimeout(None)
    upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return upstream


def start_relay(client, upstream):
    threading.Thread(target=relay, args=(client, upstream), daemon=True).start()
    threading.Thread(target=relay, args=(upstream, client), daemon=True).start()


def http(client, first, args):
    head = first
    while b"\r\n\r\n" not in head:
        chunk = client.recv(4096)
        if not chunk:
            return
        head += chunk
    lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    auth = "none"
    if "proxy-authorization" in fields:
        want = "Basic " + base64.b64encode(("%s:%s" % (args.user, args.password)).encode()).decode()
        auth = "ok" if args.user is not None and fields["proxy-authorization"] == want else "bad"
    say("HTTP %s | host=%s | auth=%s" % (lines[0], fields.get("host", ""), auth))
    if args.mode == "eof":
        return
    if args.mode == "silent":
        client.recv(1)  # until the client closes
        return
    if args.user is not None and auth != "ok":
        drip(client, b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                     b"Proxy-Authenticate: Basic realm=\"drip\"\r\nContent-Length: 0\r\n\r\n")
        return
    method, target, _ = lines[0].split(" ", 2)
    host, _, port = target.rpartition(":")
    upstream = tunnel(host.strip("[]"), int(port)) if method == "CONNECT" else None
    if upstream is None:
        drip(client, b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        return
    if args.mode == "garbage":
        drip(client, b"FTP/1.0 200 OK\r\n\r\n")
        return
    if args.mode == "early":  # in one piece, so that the client reads "hello" with the answer
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\nhello")
    elif args.mode == "chatty":  # the long line's middle in one piece: 3 s of drops otherwise
        drip(client, b"HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
                     b"HTTP/1.1 200 Connection established\r\nVia: 1.1 drip\r\nX-Long: xx")
        client.sendall(b"x" * 3000)
        drip(client, b"xx\r\n\r\n")
    else:
        drip(client, b"HTTP/1.1 200 Connection established\r\nVia: 1.1 drip\r\n\r\n")
    start_relay(client, upstream)
    return True


def socks5(client, args):
    ver, n = recv_exact(client, 2)
    methods = list(recv_exact(client, n))
    auth = "none"
    if args.mode == "nomethod" or (args.user is not None and 2 not in methods):
        say("SOCKS5 methods=%s auth=none target=-" % ",".join(str(m) for m in methods))
        drip(client, b"\x05\xff")
        return
    if args.user is not None:
        drip(client, b"\x05\x02")
        recv_exact(client, 1)  # the subnegotiation's version
        user = recv_exact(client, recv_exact(client, 1)[0]).decode("latin-1")
        password = recv_exact(client, recv_exact(client, 1)[0]).decode("latin-1")
        auth = "ok" if (user, password) == (args.user, args.password) else "bad"
        if auth != "ok":
            say("SOCKS5 methods=%s auth=bad target=-" % ",".join(str(m) for m in methods))
            drip(client, b"\x01\x01")
            return
        drip(client, b"\x01\x00")
    else:
        drip(client, b"\x05\x00")
    ver, cmd, _, atyp = recv_exact(client, 4)
    if atyp == 1:
        host = socket.inet_ntop(socket.AF_INET, recv_exact(client, 4))
    elif atyp == 4:
        host = socket.inet_ntop(socket.AF_INET6, recv_exact(client, 16))
    else:
        host = recv_exact(client, recv_exact(client, 1)[0]).decode("latin-1")
    port = struct.unpack(">H", recv_exact(client, 2))[0]
    say("SOCKS5 methods=%s auth=%s target=%s:%d" % (",".join(str(m) for m in methods), auth, host, port))
    if args.mode == "eof":
        return
    upstream = tunnel(host, port) if cmd == 1 else None
    if upstream is None:
        drip(client, b"\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")  # 5: connection refused
        return
    if args.mode == "domain":
        drip(client, b"\x05\x00\x00\x03\xc8" + b"b" * 200 + b"\x04\xd2")
    else:
        drip(client, b"\x05\x00\x00\x01\x7f\x00\x00\x01\x04\xd2")
    start_relay(client._sock, upstream)
    return True


def serve_one(client, args):
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    relayed = False
    try:
        first = client.recv(1)
        if first == b"\x05":
            relayed = socks5(_Prefixed(client, first), args)
        elif first:
            relayed = http(client, first, args)
    except (OSError, EOFError, ValueError):
        pass
    if not relayed:  # a tunnel's relays close it; everything else ends here
        client.close()


class _Prefixed:
    """A socket whose first recv() returns bytes already read."""

    def __init__(self, sock, prefix):
        self._sock, self._prefix = sock, prefix

    def recv(self, n, *flags):
        if self._prefix:
            data, self._prefix = self._prefix[:n], self._prefix[n:]
            return data
        return self._sock.recv(n, *flags)

    def __getattr__(self, name):
        return getattr(self._sock, name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--user")
    ap.add_argument("--password", default="")
    ap.add_argument("--mode", default="drip",
                    choices=["drip", "chatty", "early", "garbage", "eof", "silent", "domain", "nomethod"])
    args = ap.parse_args()
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    print("PORT %d" % ls.getsockname()[1], flush=True)

    def accept_loop():
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            threading.Thread(target=serve_one, args=(c, args), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    while os.read(0, 1):  # until the test closes our stdin
        pass


if __name__ == "__main__":
    main()
