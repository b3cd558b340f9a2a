#!/usr/bin/python3
"""wss_wrap.py - run a ws:// client test over wss:// by putting TLS in front of the server.

usage: TLS_PKI=DIR wss_wrap.py CLIENT [CLIENT-ARGS...] ws://HOST:PORT/PATH

DIR holds ca.pem, ec.pem and ec.key from tests/peers/gen_certs.sh. The wrapper listens on
127.0.0.1 with TLS (Python's ssl, certificate for "localhost"), runs
    CLIENT [CLIENT-ARGS...] --ca DIR/ca.pem --servername localhost wss://127.0.0.1:P/PATH
and relays the decrypted bytes to HOST:PORT and back, byte for byte (except that the Host
header of the upgrade request gets back the original HOST:PORT), passing on the end of
each direction: the client's close_notify or TCP end becomes a TCP end upstream; the
server's TCP end reaches the client as a TCP half-close without close_notify (which in
TLS 1.2 would end both directions); a reset upstream becomes a reset to the client. The
relay reads eagerly and finishes before the wrapper exits, so no byte of the client's is
lost. It exits with the client's status; the client's stdout and stderr pass through.
tests/test_conformance_tls.sh uses it to run the whole conformance suite over wss://."""
import os
import select
import socket
import ssl
import struct
import subprocess
import sys
import threading
from urllib.parse import urlsplit


def relay(tls_sock, up, authority):
    """Pump both ways until both directions ended. The Host header of the upgrade request
    names our port; it is given back the server's own authority (the only byte the relay
    changes)."""
    head = b""  # the upgrade request, held until its end is seen
    up_shut = False
    tls_sock.setblocking(False)
    up.setblocking(False)
    down_open, up_open = True, True  # client->server, server->client still flowing
    pending_to_up = b""
    pending_to_client = b""
    while down_open or up_open or pending_to_up or pending_to_client:
        rl, wl = [], []
        # read eagerly (unbounded buffers): bytes left unread when the other side resets
        # would be lost, and a test relay must not lose the client's last frames
        if down_open:
            rl.append(tls_sock)
        if up_open:
            rl.append(up)
        if pending_to_up:
            wl.append(up)
        if pending_to_client:
            wl.append(tls_sock)
        if not rl and not wl:
            break
        # TLS may hold decrypted bytes that select cannot see
        if down_open and tls_sock.pending():
            r, w = [tls_sock], []
        else:
            r, w, _ = select.select(rl, wl, [], 30)
            if not r and not w:
                break
        if tls_sock in r:
            try:
                d = tls_sock.recv(65536)
            except (ssl.SSLWantReadError, BlockingIOError):
                d = None
            except (ssl.SSLError, OSError):
                d = b""
            if d == b"":
                down_open = False  # the TCP end follows once pending_to_up is written
            elif d:
                if head is not None:
                    head += d
                    if b"\r\n\r\n" in head:
                        lines = head.split(b"\r\n")
                        for i, line in enumerate(lines):
                            if line.lower().startswith(b"host:"):
                                lines[i] = b"Host: " + authority.encode()
                                break
                        pending_to_up += b"\r\n".join(lines)
                        head = None
                else:
                    pending_to_up += d
        if up in r:
            try:
                d = up.recv(65536)
            except BlockingIOError:
                d = None
            except ConnectionResetError:
                # pass a reset on: abort the client connection
                tls_sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                tls_sock.close()
                return
            if d == b"":
                up_open = False
                pending_to_client += b""  # flush what is queued, then close_notify
                if not pending_to_client:
                    end_client(tls_sock)
            elif d:
                pending_to_client += d
        if up in w and pending_to_up:
            try:
                n = up.send(pending_to_up)
                pending_to_up = pending_to_up[n:]
            except BlockingIOError:
                pass
            except OSError:
                pending_to_up = b""
                down_open = False
        if not down_open and not pending_to_up and not up_shut:
            up_shut = True
            try:
                up.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        if tls_sock in w and pending_to_client:
            try:
                n = tls_sock.send(pending_to_client)
                pending_to_client = pending_to_client[n:]
            except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
                pass
            except (ssl.SSLError, OSError):
                pending_to_client = b""
                up_open = False
            if not pending_to_client and not up_open:
                end_client(tls_sock)
    try:
        tls_sock.close()
    except OSError:
        pass
    up.close()


def end_client(tls_sock):
    """The server ended its direction: end ours towards the client the same way, a TCP
    half-close. Not close_notify: in TLS 1.2 that ends both directions (RFC 5246 7.2.1),
    while the client may still be sending (its close frame, say). Python's
    SSLSocket.shutdown() would drop TLS for our reading side too, so the half-close goes
    to the file descriptor directly."""
    try:
        s = socket.socket(fileno=os.dup(tls_sock.fileno()))
        s.shutdown(socket.SHUT_WR)
        s.close()
    except OSError:
        pass


def main():
    pki = os.environ.get("TLS_PKI")
    if not pki or len(sys.argv) < 3:
        print("usage: TLS_PKI=DIR wss_wrap.py CLIENT [ARGS...] ws://HOST:PORT/PATH", file=sys.stderr)
        return 2
    client, url = sys.argv[1:-1], sys.argv[-1]
    u = urlsplit(url)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(pki, "ec.pem"), os.path.join(pki, "ec.key"))
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    port = ls.getsockname()[1]

    def serve():
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                t = ctx.wrap_socket(c, server_side=True)
                up = socket.create_connection((u.hostname, u.port))
                up.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except (ssl.SSLError, OSError):
                c.close()
                continue
            th = threading.Thread(target=relay, args=(t, up, u.netloc), daemon=True)
            relays.append(th)
            th.start()

    relays = []
    threading.Thread(target=serve, daemon=True).start()
    path = u.path or "/"
    if u.query:
        path += "?" + u.query
    wss = "wss://127.0.0.1:%d%s" % (port, path)
    cmd = client + ["--ca", os.path.join(pki, "ca.pem"), "--servername", "localhost", wss]
    rc = subprocess.call(cmd)
    # the client's last bytes (its close frame, its TCP end) may still be in flight
    # through the relay: let it finish before this process, and its threads, end
    for th in list(relays):
        th.join(5)
    return rc


if __name__ == "__main__":
    sys.exit(main())
