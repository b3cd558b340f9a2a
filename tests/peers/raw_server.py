#!/usr/bin/python3
"""tests/peers/raw_server.py - a scriptable raw WebSocket (RFC 6455) server that tests clients.

It performs the upgrade itself (so it can also answer it wrongly) and then plays one named
case: it writes good and bad frames byte for byte and records exactly what the client
answers: every frame it sends back (unmasked, after checking that it IS masked, with its key),
the close code it sends, whether and when it closes TCP. Plain asyncio, no framework.

    /usr/bin/python3 tests/peers/raw_server.py --list            the case names
    /usr/bin/python3 tests/peers/raw_server.py [--host H] CASE   serve one case by hand

A single case prints the port on its first line, serves one connection, prints the verdict
(PASS or FAIL with the reasons) and exits 0 or 1. The client's exit status is not known here;
tests/test_conformance.py imports this module, runs every case against build/echo in
parallel and adds the exit-status and stdout/stderr checks.

THE CLIENT CONTRACT (examples/echo.c: `echo [-v] [--timeout SECONDS] URL`)
  - sends back every text or binary message unchanged, with the same type (it may fragment
    its own echo; the reassembled message is compared);
  - answers a ping with a pong carrying the same payload;
  - exits 0 when the connection ends with a close handshake (any valid code, or none), and
    non-zero with a message on stderr for anything else; prints nothing on stdout without -v;
  - when it fails the connection it sends a close frame with the code RFC 6455 7.4.1 requires
    (1002 protocol error, 1007 invalid UTF-8, 1009 too big) and then closes TCP;
  - when the server closes, it echoes the server's code (1000 when the server's close had no
    code), and closes TCP itself if the server does not within a few seconds.

WHAT EVERY CASE CHECKS ABOUT THE CLIENT, on top of its own script
  - the upgrade request (RFC 6455 4.1): GET, HTTP/1.1, the URL's path, Host with the port,
    `Upgrade: websocket`, `Connection: Upgrade`, a Sec-WebSocket-Key of 16 base64 bytes,
    `Sec-WebSocket-Version: 13`;
  - every client frame: MASK bit set (5.3), RSV bits clear, a defined opcode, the minimal
    length encoding (5.2), control frames final and <= 125 bytes (5.5), a close payload that
    is empty or a sendable code (7.4.1: never 1005/1006/1015) plus UTF-8 reason;
  - the mask keys of one connection are not all the same (one case sends 32 messages and
    requires 32 different keys);
  - nothing is sent after the client's close frame (5.5.1).

THE CASES (`--list` prints all of them), by group
  handshake  the request itself, path and query, IPv6, a host name; refused answers (status
             200/403/302/100, bad or missing Accept, Accept in the wrong case, missing or wrong
             Upgrade/Connection, unrequested extension or subprotocol, an answer over 8 KiB,
             a truncated answer, no answer, TCP closed); accepted odd-but-valid answers
             (token case, extra spaces, any reason phrase, 40 Set-Cookie headers, one byte per
             write, frames in the same write as the 101)
  framing    text and binary of 0, 1, 125, 126, 127, 65535, 65536 bytes, 1 MiB, 16 MiB (7-,
             16- and 64-bit lengths); non-minimal lengths; 64-bit length with the top bit;
             masked server frames; 100 messages in one write; one byte per write; 997/4099/
             65536-byte writes; mask keys varying over 32 frames; a message then a ping
  reserved   RSV1/RSV2/RSV3/all on text, binary, ping, close, continuation; opcodes 3-7 and
             11-15, with payload, after a good message, inside a fragmented message, between a
             text and a ping
  ping/pong  0, 125 bytes, one byte per write, ten in a row, between fragments; 126 bytes,
             fragmented, 16-bit length form -> 1002; unsolicited pongs ignored
  fragment   3 parts, 100 one-byte parts, empty parts, 1 MiB in 16, mixed length forms, two
             fragmented messages in one write, slow fragments with pings; continuation
             without start, new data frame inside a fragmented message -> 1002; close between
             fragments
  utf8       valid boundaries, noncharacters, splits of every multi-byte character across
             fragments; invalid: Kuhn's stress-test classes (overlong, surrogates, > U+10FFFF,
             5/6-byte forms, lonely and missing bytes), an invalid byte at 11 offsets of an
             ASCII run, truncation at the end of a message; fail-fast: the 1007 must arrive
             while the server holds back the rest (fragment or frame); binary not validated
  close      every valid code echoed, every class of invalid code -> 1002, empty close ->
             1000, reasons (123 bytes, UTF-8, invalid UTF-8 -> 1007), 1-byte payload and
             126-byte payload -> 1002, masked close, data/ping/second close after a close,
             message or ping and close in one write, server lingering after the handshake,
             TCP closed or reset without a close frame, failing with unread input, a client
             close (via --timeout) after which nothing is sent
  limits     over 16 MiB (one frame or fragmented): 1009 or echo; 4 MiB in 64-byte
             fragments; 1000 round trips; four 8 MiB messages pipelined while the server reads
             nothing (no echo may be dropped)
  cli        -v prints one line per event
  deflate    (client started with --deflate) RFC 7692 7.2.3's examples: one frame, two
             fragments, context takeover, stored block, final block, a ping between
             compressed fragments; RSV1 on a ping, close or continuation, RSV1 without
             negotiation, RSV2 -> 1002; corrupt data, data stopping inside a block,
             invalid UTF-8 once inflated -> 1007; a bomb past 16 MiB -> 1009; the
             extension in an answer to no offer, a parameter twice -> refused upgrade

DECISIONS (where RFC 6455 leaves room, this is what our client must do)
  - Non-minimal length encodings (a 5-byte payload in the 16-bit or 64-bit form) fail the
    connection with 1002: 5.2 says "the minimal number of bytes MUST be used to encode the
    length", so such a frame is malformed (NONMINIMAL_CODE below).
  - When the client fails the connection the server does not answer its close frame, and
    the client must still close TCP (7.1.7 -> 7.1.1) within FAIL_EOF_S seconds.
  - Invalid UTF-8 must fail the connection as soon as the invalid byte arrives (issue 2,
    section 6; Autobahn 6.4.x "fail fast"): the server holds back the rest of the message
    (or of the frame) and waits for the 1007 before sending anything else.
  - A close frame without a code is answered with 1000 (the lead's contract; 5.5.1 allows it).
  - A message over the client's limit may be failed with 1009 or echoed; 16 MiB must be
    echoed.
"""
import asyncio
import base64
import hashlib
import random
import socket
import struct
import sys
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"   # RFC 6455 1.3
NONMINIMAL_CODE = 1002
FAIL_EOF_S = 3.0        # after failing, the client must close TCP within this
REPLY_S = 10.0          # how long to wait for an answer that should come at once
HOLD_S = 2.0            # fail-fast cases: how long the server holds back the rest
MiB = 1 << 20

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10
OP_NAMES = {0: "cont", 1: "text", 2: "binary", 8: "close", 9: "ping", 10: "pong"}

# RFC 6455 7.4.1/7.4.2 plus the IANA registry: codes a peer may put on the wire.
VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
               3000, 3999, 4000, 4999]
INVALID_CODES = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]


def code_ok(code):
    return 1000 <= code <= 1003 or 1007 <= code <= 1014 or 3000 <= code <= 4999


class Fail(Exception):
    """The client broke the case's expectation; the message says how."""


class Closed(Exception):
    """The client ended TCP (EOF, or a reset when `reset` is set)."""

    def __init__(self, reset=False, partial=0):
        super().__init__("reset" if reset else "eof")
        self.reset, self.partial = reset, partial


def unmask(key, data):
    """XOR data with the 4-byte key, a whole big integer at a time (16 MiB in ~50 ms)."""
    n = len(data)
    if n == 0:
        return b""
    k = key * (n // 4) + key[: n % 4]
    return (int.from_bytes(data, "little") ^ int.from_bytes(k, "little")).to_bytes(n, "little")


def frame(opcode, payload=b"", fin=True, rsv=0, mask=None, length=None, form=None):
    """One server frame. rsv is the 3-bit RSV field (4 = RSV1, 2 = RSV2, 1 = RSV3); length
    overrides the declared payload length; form (7, 16, 64) forces a length encoding, minimal
    or not; mask (4 bytes) makes a masked frame, which a server must never send (5.1)."""
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload) if length is None else length
    if form is None:
        form = 7 if n < 126 else 16 if n < 65536 else 64
    m = 0x80 if mask is not None else 0
    if form == 7:
        hdr = bytes([b0, m | n])
    elif form == 16:
        hdr = bytes([b0, m | 126]) + n.to_bytes(2, "big")
    else:
        hdr = bytes([b0, m | 127]) + n.to_bytes(8, "big")
    if mask is not None:
        return hdr + mask + unmask(mask, payload)
    return hdr + payload


def close_payload(code=None, reason=b""):
    return b"" if code is None else code.to_bytes(2, "big") + reason


def text_payload(n, seed=0):
    """Exactly n bytes of valid UTF-8 mixing 1-, 2-, 3- and 4-byte characters."""
    unit = ("abc\u00e9\u20ac\U0001f600xyz \u03ba\u1f79\u03c3\u03bc\u03b5 " * 8).encode()
    if seed:
        unit = unit[seed % 7:] + unit[: seed % 7]
        unit = unit.decode("utf-8", "ignore").encode()
    out = unit * (n // len(unit)) if n >= len(unit) else b""
    rest = unit[: n - len(out)]
    while True:  # cut the tail at a character boundary, pad with ASCII
        try:
            rest.decode()
            break
        except UnicodeDecodeError:
            rest = rest[:-1]
    out += rest
    return out + b"." * (n - len(out))


def binary_payload(n, seed=1):
    return random.Random(seed * 7919 + n).randbytes(n)


def short(b, n=24):
    s = b[:n].hex(" ")
    return s + (" ..." if len(b) > n else "")


def first_diff(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return i
    return min(len(a), len(b))


class Frame:
    __slots__ = ("fin", "rsv", "opcode", "masked", "key", "payload", "t", "hdrlen")

    def __repr__(self):
        name = OP_NAMES.get(self.opcode, "op%d" % self.opcode)
        if self.opcode == OP_CLOSE and len(self.payload) >= 2:
            return "close(%d%s)" % (int.from_bytes(self.payload[:2], "big"),
                                   (", %r" % self.payload[2:]) if len(self.payload) > 2 else "")
        return "%s%s[%d]%s" % (name, "" if self.fin else "(fin=0)", len(self.payload),
                               "" if len(self.payload) > 16 else " " + short(self.payload))


class RawStream:
    """A connected socket with the few stream operations the cases need. Unlike asyncio's
    streams, a failed write does not stop reading: after a client's RST the bytes it sent
    before it (its close frame, typically) are still read, as the kernel keeps them."""

    def __init__(self, sock):
        self.sock = sock
        self.loop = asyncio.get_running_loop()
        self.buf = bytearray()
        self.eof = False
        self.reset = None        # the error when the connection was reset
        self.write_error = None
        self.closed = False

    async def _fill(self):
        if self.eof or self.closed:
            return False
        try:
            data = await self.loop.sock_recv(self.sock, 1 << 20)
        except OSError as e:
            self.reset, data = e, b""
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    async def readexactly(self, n):
        while len(self.buf) < n:
            if not await self._fill():
                partial = bytes(self.buf)
                self.buf.clear()
                raise asyncio.IncompleteReadError(partial, n)
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    async def readuntil(self, sep, limit=1 << 16):
        while True:
            i = self.buf.find(sep)
            if i >= 0:
                return await self.readexactly(i + len(sep))
            if len(self.buf) > limit or not await self._fill():
                raise asyncio.IncompleteReadError(bytes(self.buf), None)

    async def read(self, n):
        """Up to n bytes; b"" at EOF or reset."""
        if not self.buf and not await self._fill():
            return b""
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    async def write(self, data):
        if self.closed or self.write_error:
            return
        try:
            await self.loop.sock_sendall(self.sock, data)
        except OSError as e:  # the client hung up; what it sent before is still read
            self.write_error = e

    def close(self, rst=False):
        if self.closed:
            return
        self.closed = True
        if rst:  # RFC 793 abort: a RST instead of a FIN
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


class Peer:
    """The server side of one connection, with the recording and checking helpers."""

    def __init__(self, stream, expect_host, expect_path):
        self.s = stream
        self.expect_host, self.expect_path = expect_host, expect_path
        self.t0 = time.monotonic()
        self.notes = []          # violations found on the side: each one fails the case
        self.frames = []         # every client frame, in order
        self.keys = []           # mask keys of those frames
        self.request = None      # (request line, {lower name: [values]})
        self.ws_key = None
        self.client_close = None  # (code or None, reason bytes, time)
        self.eof_at = None

    def now(self):
        return time.monotonic() - self.t0

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)

    # ---------------------------------------------------------------- handshake
    async def read_request(self):
        try:
            raw = await asyncio.wait_for(self.s.readuntil(b"\r\n\r\n"), REPLY_S)
        except asyncio.IncompleteReadError:
            raise Fail("client closed TCP before finishing its upgrade request")
        except asyncio.TimeoutError:
            raise Fail("no complete upgrade request within %gs" % REPLY_S)
        lines = raw.decode("latin-1").split("\r\n")[:-2]
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or name != name.strip():
                self.note("malformed request header line %r" % line)
                continue
            headers.setdefault(name.lower(), []).append(value.strip())
        self.request = (lines[0], headers)
        self.check_request()
        return self.request

    def check_request(self):
        line, h = self.request
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != "GET" or parts[2] != "HTTP/1.1":
            self.note("request line %r is not 'GET <path> HTTP/1.1' (RFC 6455 4.1)" % line)
        elif parts[1] != self.expect_path:
            self.note("request path %r, expected %r" % (parts[1], self.expect_path))

        def one(name):
            v = h.get(name, [])
            if len(v) != 1:
                self.note("request has %d %s headers, expected 1" % (len(v), name))
                return ""
            return v[0]

        if one("host") != self.expect_host:
            self.note("Host %r, expected %r (RFC 6455 4.1 item 4)" % (h.get("host"), self.expect_host))
        tokens = lambda v: [t.strip().lower() for t in v.split(",")]
        if "websocket" not in tokens(one("upgrade")):
            self.note("Upgrade header %r lacks 'websocket'" % h.get("upgrade"))
        if "upgrade" not in tokens(one("connection")):
            self.note("Connection header %r lacks 'Upgrade'" % h.get("connection"))
        if one("sec-websocket-version") != "13":
            self.note("Sec-WebSocket-Version %r, expected 13" % h.get("sec-websocket-version"))
        key = one("sec-websocket-key")
        try:
            ok = len(base64.b64decode(key, validate=True)) == 16
        except ValueError:
            ok = False
        if not ok:
            self.note("Sec-WebSocket-Key %r is not 16 bytes in base64 (RFC 6455 4.1 item 7)" % key)
        self.ws_key = key

    def accept(self):
        return base64.b64encode(hashlib.sha1(self.ws_key.encode() + GUID).digest()).decode()

    async def upgrade(self, status="HTTP/1.1 101 Switching Protocols", headers=None, add=(),
                      split=False, tail=b""):
        """Read the request and answer it. headers replaces the default header list (None:
        Upgrade, Connection, the correct Accept); add appends lines; split writes the answer
        one byte per write; tail is written in the same write as the answer."""
        await self.read_request()
        if headers is None:
            headers = ["Upgrade: websocket", "Connection: Upgrade",
                       "Sec-WebSocket-Accept: " + self.accept()]
        text = status + "\r\n" + "".join(h + "\r\n" for h in list(headers) + list(add)) + "\r\n"
        data = text.encode("latin-1")
        if split:
            for i in range(len(data)):
                await self.send(data[i:i + 1])
                await asyncio.sleep(0.0005)
            if tail:
                await self.send(tail)
        else:
            await self.send(data + tail)

    # ---------------------------------------------------------------- output
    async def send(self, data):
        await self.s.write(data)

    async def send_frames(self, *frames):
        await self.send(b"".join(frames))

    async def send_bytewise(self, data, delay=0.0005):
        for i in range(len(data)):
            await self.send(data[i:i + 1])
            await asyncio.sleep(delay)

    def close_tcp(self, rst=False):
        self.s.close(rst)

    # ---------------------------------------------------------------- input
    async def _read(self, n, got_frame_bytes):
        try:
            return await self.s.readexactly(n)
        except asyncio.IncompleteReadError as e:
            if self.eof_at is None:
                self.eof_at = self.now()
            raise Closed(reset=self.s.reset is not None, partial=got_frame_bytes + len(e.partial))

    async def _frame(self):
        h = await self._read(2, 0)
        f = Frame()
        f.fin, f.rsv, f.opcode = h[0] >> 7, (h[0] >> 4) & 7, h[0] & 15
        f.masked, n = h[1] >> 7, h[1] & 127
        ext = b""
        if n == 126:
            ext = await self._read(2, 2)
            n = int.from_bytes(ext, "big")
            if n < 126:
                self.note("client used the 16-bit length form for %d bytes (RFC 6455 5.2: minimal)" % n)
        elif n == 127:
            ext = await self._read(8, 2)
            n = int.from_bytes(ext, "big")
            if n < 65536:
                self.note("client used the 64-bit length form for %d bytes (RFC 6455 5.2: minimal)" % n)
            if n > 256 * MiB:
                raise Fail("client frame declares %d bytes" % n)
        f.key = await self._read(4, 2 + len(ext)) if f.masked else None
        data = await self._read(n, 2 + len(ext) + 4 * f.masked) if n else b""
        f.payload = unmask(f.key, data) if f.masked else data
        f.t = self.now()
        f.hdrlen = 2 + len(ext) + (4 if f.masked else 0)
        self.check_frame(f)
        self.frames.append(f)
        return f

    def check_frame(self, f):
        if self.client_close is not None:
            self.note("client sent %r after its close frame (RFC 6455 5.5.1)" % f)
        if not f.masked:
            self.note("client sent an unmasked frame %r (RFC 6455 5.3: MUST mask)" % f)
        else:
            self.keys.append(f.key)
        if f.rsv:
            self.note("client set RSV bits %d on %r" % (f.rsv, f))
        if f.opcode not in OP_NAMES:
            self.note("client used reserved opcode %d" % f.opcode)
        if f.opcode >= 8 and (not f.fin or len(f.payload) > 125):
            self.note("client sent a fragmented or >125-byte control frame %r (RFC 6455 5.5)" % f)
        if f.opcode == OP_CLOSE:
            p = f.payload
            if len(p) == 1:
                self.note("client close frame has a 1-byte payload")
            code = int.from_bytes(p[:2], "big") if len(p) >= 2 else None
            if code is not None and not code_ok(code):
                self.note("client sent close code %d, which may not be sent (RFC 6455 7.4)" % code)
            try:
                p[2:].decode("utf-8")
            except UnicodeDecodeError:
                self.note("client close reason is not UTF-8: %s" % short(p[2:]))
            if self.client_close is None:
                self.client_close = (code, p[2:], f.t)

    async def frame_or_eof(self, timeout=REPLY_S, what="a frame"):
        """The next client frame; Closed on EOF; Fail on timeout."""
        try:
            return await asyncio.wait_for(self._frame(), timeout)
        except asyncio.TimeoutError:
            raise Fail("timed out after %gs waiting for %s" % (timeout, what))

    async def message(self, timeout=REPLY_S, what="the echo"):
        """The next whole data message (opcode, payload), reassembling the client's fragments;
        pongs in between are kept in self.pongs."""
        deadline = time.monotonic() + timeout
        op, parts = None, []
        while True:
            left = deadline - time.monotonic()
            try:
                f = await self.frame_or_eof(max(left, 0.001), what)
            except Closed as c:
                raise Fail("client %s before sending %s (it sent %s)"
                           % ("reset TCP" if c.reset else "closed TCP", what, self.summary()))
            if f.opcode == OP_CLOSE:
                raise Fail("client sent %r instead of %s" % (f, what))
            if f.opcode in (OP_PING, OP_PONG):
                continue
            if f.opcode == OP_CONT:
                if op is None:
                    self.note("client sent a continuation frame without a message start")
                    continue
            elif f.opcode in (OP_TEXT, OP_BINARY):
                if op is not None:
                    self.note("client started a new message inside a fragmented one")
                op, parts = f.opcode, []
            else:
                continue
            parts.append(f.payload)
            if f.fin:
                return op, b"".join(parts)

    async def expect_echo(self, opcode, payload, timeout=REPLY_S):
        op, got = await self.message(timeout, "the echo of %s[%d]" % (OP_NAMES[opcode], len(payload)))
        if op != opcode:
            raise Fail("echo has opcode %s, expected %s" % (OP_NAMES[op], OP_NAMES[opcode]))
        if got != payload:
            i = first_diff(got, payload)
            raise Fail("echo of %d bytes differs: got %d bytes, first difference at %d (%s vs %s)"
                       % (len(payload), len(got), i, short(got[i:], 8), short(payload[i:], 8)))

    async def expect_frames(self, want, timeout=REPLY_S):
        """Pongs and echoed messages in any order: want is a set of (opcode, payload) with
        OP_PONG for pongs; the client's echoes may be fragmented."""
        want = set(want)
        op, parts = None, []
        while want:
            try:
                f = await self.frame_or_eof(timeout, "%d more of: %s" % (len(want), ", ".join(
                    "%s[%d]" % (OP_NAMES[o], len(d)) for o, d in want)))
            except Closed:
                raise Fail("client closed TCP before sending everything expected (sent %s)" % self.summary())
            if f.opcode == OP_PONG:
                item = (OP_PONG, f.payload)
            elif f.opcode in (OP_TEXT, OP_BINARY, OP_CONT) and (f.opcode == OP_CONT) == (op is not None):
                if op is None:
                    op, parts = f.opcode, []
                parts.append(f.payload)
                if not f.fin:
                    continue
                item, op = (op, b"".join(parts)), None
            else:
                raise Fail("unexpected %r" % f)
            if item not in want:
                raise Fail("unexpected or repeated %s[%d] %s" % (OP_NAMES[item[0]], len(item[1]), short(item[1])))
            want.discard(item)

    async def expect_pong(self, payload, timeout=REPLY_S):
        while True:
            try:
                f = await self.frame_or_eof(timeout, "the pong")
            except Closed:
                raise Fail("client closed TCP instead of answering the ping (sent %s)" % self.summary())
            if f.opcode == OP_PONG:
                if f.payload != payload:
                    raise Fail("pong payload %s, expected the ping's %s" % (short(f.payload), short(payload)))
                return f
            if f.opcode == OP_CLOSE:
                raise Fail("client sent %r instead of a pong" % f)
            raise Fail("client sent %r while a pong was due" % f)

    async def expect_fail(self, code, timeout=REPLY_S, reply=False, allow_pong=False):
        """The client must fail the connection: a close frame with `code`, nothing else before
        it, then TCP closed within FAIL_EOF_S without any answer from us (unless reply)."""
        try:
            while True:
                f = await self.frame_or_eof(timeout, "a close frame with %d" % code)
                if f.opcode == OP_CLOSE:
                    break
                if f.opcode == OP_PONG and allow_pong:  # an answer to a ping before the bad frame
                    continue
                raise Fail("client sent %r, expected to fail the connection with %d" % (f, code))
        except Closed as c:
            raise Fail("client %s without a close frame, expected close %d"
                       % ("reset TCP" if c.reset else "closed TCP", code))
        got = self.client_close[0]
        if got != code:
            raise Fail("client closed with %s, expected %d" % (got if got is not None else "no code", code))
        if reply:
            await self.send(frame(OP_CLOSE, close_payload(code)))
        await self.expect_eof(FAIL_EOF_S, "after failing the connection")

    async def expect_eof(self, timeout, why=""):
        start = time.monotonic()
        while True:
            try:
                f = await asyncio.wait_for(self._frame(), max(0.001, timeout - (time.monotonic() - start)))
            except asyncio.TimeoutError:
                raise Fail("client did not close TCP within %gs %s" % (timeout, why))
            except Closed:
                return
            if self.client_close is None or f is not self.frames[-1] or f.opcode != OP_CLOSE:
                raise Fail("client sent %r while TCP should close %s" % (f, why))

    async def close_handshake(self, payload=close_payload(1000), expect=1000, linger=False):
        """Server-initiated close: send `payload` as the close frame, the client must answer
        with `expect` and no data; then we close TCP (RFC 6455 7.1.1: the server closes
        first), or with linger we keep TCP open and the client must close it itself."""
        await self.send(frame(OP_CLOSE, payload))
        try:
            while True:
                f = await self.frame_or_eof(REPLY_S, "the client's close reply")
                if f.opcode == OP_CLOSE:
                    break
                if f.opcode == OP_PONG:
                    continue
                raise Fail("client sent %r instead of answering the close" % f)
        except Closed as c:
            raise Fail("client %s without answering the close" % ("reset TCP" if c.reset else "closed TCP"))
        got = self.client_close[0]
        if got != expect:
            raise Fail("client answered the close with %s, expected %d"
                       % (got if got is not None else "no code", expect))
        if linger:
            await self.expect_eof(FAIL_EOF_S + 2, "after the close handshake (server lingering)")
        else:
            await asyncio.sleep(0.02)
            self.close_tcp()

    async def expect_silent_eof(self, timeout=FAIL_EOF_S, why="after a refused upgrade"):
        """Nothing at all from the client, then TCP closed (a failed upgrade)."""
        try:
            data = await asyncio.wait_for(self.s.read(65536), timeout)
        except asyncio.TimeoutError:
            raise Fail("client did not close TCP within %gs %s" % (timeout, why))
        if data:
            raise Fail("client sent %d bytes %s: %s" % (len(data), why, short(data)))

    def summary(self):
        return "[" + ", ".join(repr(f) for f in self.frames[-6:]) + "]" if self.frames else "nothing"

    def finish_checks(self):
        if len(self.keys) >= 2 and len(set(self.keys)) == 1:
            self.note("client used the same mask key %s for all %d frames" % (self.keys[0].hex(), len(self.keys)))


# ==================================================================================== cases
class Case:
    def __init__(self, name, fn, exit, group, args=(), path="/", host="127.0.0.1", timeout=20,
                 url_host=None):
        self.name, self.fn, self.exit, self.group = name, fn, exit, group
        self.args, self.path, self.host, self.timeout = list(args), path, host, timeout
        self.url_host = url_host  # the host written in the URL, when not the listening address

    def authority(self, port):
        h = self.url_host or self.host
        return "%s:%d" % ("[%s]" % h if ":" in h else h, port)


CASES = []
BY_NAME = {}


def case(name, exit=0, **kw):
    """exit: 0 = the client must exit 0, 1 = non-zero, None = either."""
    def deco(fn):
        c = Case(name, fn, exit, name.split(".")[0], **kw)
        assert name not in BY_NAME, name
        CASES.append(c)
        BY_NAME[name] = c
        return fn
    return deco


def fail_case(name, code, *frames, after_echo=None, **kw):
    """A case that sends `frames` (bytes, written at once) and expects the client to fail
    with `code`; after_echo first sends a good message and waits for its echo."""
    async def fn(p):
        await p.upgrade()
        if after_echo is not None:
            await p.send(frame(after_echo[0], after_echo[1]))
            await p.expect_echo(*after_echo)
        await p.send(b"".join(frames))
        await p.expect_fail(code)
    case(name, exit=1, **kw)(fn)


def echo_case(name, messages, wire=None, **kw):
    """Send each (opcode, payload) as one frame (or the bytes of `wire`), expect every echo in
    order, then close 1000."""
    async def fn(p):
        await p.upgrade()
        await p.send(wire if wire is not None else b"".join(frame(op, d) for op, d in messages))
        for op, d in messages:
            await p.expect_echo(op, d)
        await p.close_handshake()
    case(name, exit=0, **kw)(fn)


# ---------------------------------------------------------------- upgrade handshake
@case("handshake.request-and-path", path="/conf/path?x=1&y=%20z")
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"hello"))
    await p.expect_echo(OP_TEXT, b"hello")
    await p.close_handshake()


@case("handshake.ipv6", host="::1")
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_BINARY, b"\x00\x01six"))
    await p.expect_echo(OP_BINARY, b"\x00\x01six")
    await p.close_handshake()


@case("handshake.localhost-tries-every-address", url_host="localhost")
async def _(p):
    # a name, not an address: where "localhost" resolves to ::1 and 127.0.0.1, only the
    # latter listens here, so a client that tries one address only fails when ::1 is first
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"by name"))
    await p.expect_echo(OP_TEXT, b"by name")
    await p.close_handshake()


@case("handshake.no-answer-timeout", exit=1, args=["--timeout", "1"])
async def _(p):
    await p.read_request()
    await p.expect_silent_eof(6, "after --timeout 1 with no upgrade answer")


def refused(name, **up):
    async def fn(p):
        await p.upgrade(**up)
        await p.expect_silent_eof()
    case(name, exit=1)(fn)


refused("handshake.status-200", status="HTTP/1.1 200 OK",
        headers=["Content-Length: 2", "Content-Type: text/plain"])
refused("handshake.status-403", status="HTTP/1.1 403 Forbidden", headers=["Content-Length: 0"])
refused("handshake.status-302", status="HTTP/1.1 302 Found",
        headers=["Location: ws://127.0.0.1:1/elsewhere", "Content-Length: 0"])
refused("handshake.status-100", status="HTTP/1.1 100 Continue", headers=[])


def bad_headers(name, drop=(), replace=None, add=()):
    async def fn(p):
        await p.read_request()
        hs = {"upgrade": "Upgrade: websocket", "connection": "Connection: Upgrade",
              "accept": "Sec-WebSocket-Accept: " + p.accept()}
        for k in drop:
            del hs[k]
        for k, v in (replace or {}).items():
            if v == "ACCEPT-PLACEHOLDER":  # the right value in the wrong case
                v = "Sec-WebSocket-Accept: " + p.accept().swapcase()
            elif v == "ACCEPT-PLACEHOLDER-GARBAGE":
                v = "Sec-WebSocket-Accept: " + p.accept() + "x"
            hs[k] = v
        text = "HTTP/1.1 101 Switching Protocols\r\n" + "".join(v + "\r\n" for v in list(hs.values()) + list(add)) + "\r\n"
        await p.send(text.encode())
        # a tempting frame right behind: a client that ignored the bad answer echoes it
        await p.send(frame(OP_TEXT, b"must not be echoed"))
        await p.expect_silent_eof()
    case(name, exit=1)(fn)


bad_headers("handshake.bad-accept", replace={"accept": "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="})
bad_headers("handshake.accept-of-other-guid", replace={"accept": "Sec-WebSocket-Accept: "
            + base64.b64encode(hashlib.sha1(b"dGhlIHNhbXBsZSBub25jZQ==" + GUID).digest()).decode()})
bad_headers("handshake.no-accept", drop=["accept"])
bad_headers("handshake.no-upgrade", drop=["upgrade"])
bad_headers("handshake.upgrade-not-websocket", replace={"upgrade": "Upgrade: h2c"})
bad_headers("handshake.no-connection", drop=["connection"])
bad_headers("handshake.connection-not-upgrade", replace={"connection": "Connection: keep-alive"})
bad_headers("handshake.unrequested-extension", add=["Sec-WebSocket-Extensions: permessage-deflate"])
bad_headers("handshake.unrequested-subprotocol", add=["Sec-WebSocket-Protocol: chat"])


bad_headers("handshake.accept-wrong-case", replace={"accept": "ACCEPT-PLACEHOLDER"})
bad_headers("handshake.accept-with-trailing-garbage", replace={"accept": "ACCEPT-PLACEHOLDER-GARBAGE"})


@case("handshake.too-large-answer", exit=1)
async def _(p):
    # issue 2: the upgrade response is bounded (8 KiB by default); larger is a clear error
    await p.upgrade(add=["X-Filler-%d: %s" % (i, "f" * 200) for i in range(100)])
    await p.send(frame(OP_TEXT, b"must not be echoed"))
    await p.expect_silent_eof()


@case("handshake.any-reason-phrase-and-spaces")
async def _(p):
    await p.read_request()
    text = ("HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade:   websocket  \r\n"
            "Connection:Upgrade\r\nSec-WebSocket-Accept:  %s \r\nServer: x\r\n\r\n" % p.accept())
    await p.send(text.encode())
    await p.send(frame(OP_TEXT, b"ok"))
    await p.expect_echo(OP_TEXT, b"ok")
    await p.close_handshake()


@case("handshake.tokens-case-insensitive")
async def _(p):
    await p.read_request()
    text = ("HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, UPGRADE\r\n"
            "sec-websocket-accept: %s\r\n\r\n" % p.accept())
    await p.send(text.encode())
    await p.send(frame(OP_TEXT, b"ok"))
    await p.expect_echo(OP_TEXT, b"ok")
    await p.close_handshake()


@case("handshake.many-extra-headers")
async def _(p):
    add = ["Server: raw_server/1", "Date: Thu, 26 Nov 2026 12:00:00 GMT"]
    add += ["Set-Cookie: c%d=%s; Path=/" % (i, "v" * 60) for i in range(40)]
    await p.upgrade(add=add)
    await p.send(frame(OP_TEXT, b"ok"))
    await p.expect_echo(OP_TEXT, b"ok")
    await p.close_handshake()


@case("handshake.split-one-byte-per-write")
async def _(p):
    await p.upgrade(split=True, add=["Server: slow"])
    await p.send(frame(OP_TEXT, b"after a slow upgrade"))
    await p.expect_echo(OP_TEXT, b"after a slow upgrade")
    await p.close_handshake()


@case("handshake.frames-in-same-write-as-101")
async def _(p):
    await p.upgrade(tail=frame(OP_TEXT, b"early") + frame(OP_PING, b"p") + frame(OP_BINARY, b"\xff\x00"))
    await p.expect_frames({(OP_TEXT, b"early"), (OP_PONG, b"p"), (OP_BINARY, b"\xff\x00")})
    await p.close_handshake()


@case("handshake.partial-frame-after-101")
async def _(p):
    # the 101's write also carries the first 3 bytes of a frame; the rest comes later
    f = frame(OP_TEXT, text_payload(300))
    await p.upgrade(tail=f[:3])
    await asyncio.sleep(0.05)
    await p.send(f[3:])
    await p.expect_echo(OP_TEXT, text_payload(300))
    await p.close_handshake()


@case("handshake.close-before-answer", exit=1)
async def _(p):
    await p.read_request()
    p.close_tcp()


@case("handshake.truncated-answer", exit=1)
async def _(p):
    await p.read_request()
    await p.send(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n")
    p.close_tcp()


# ---------------------------------------------------------------- framing: lengths
SIZES = [0, 1, 125, 126, 127, 65535, 65536, MiB, 16 * MiB]
for n in SIZES:
    label = "16MiB" if n == 16 * MiB else "1MiB" if n == MiB else str(n)
    echo_case("framing.text-%s" % label, [(OP_TEXT, text_payload(n))], timeout=60)
    echo_case("framing.binary-%s" % label, [(OP_BINARY, binary_payload(n))], timeout=60)

fail_case("framing.nonminimal-16bit-for-5", NONMINIMAL_CODE, frame(OP_TEXT, b"hello", form=16))
fail_case("framing.nonminimal-64bit-for-5", NONMINIMAL_CODE, frame(OP_TEXT, b"hello", form=64))
fail_case("framing.nonminimal-64bit-for-200", NONMINIMAL_CODE, frame(OP_BINARY, binary_payload(200), form=64))
fail_case("framing.len64-top-bit", 1002,
          bytes([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 5]) + b"hello")
fail_case("framing.len64-top-bit-max", 1002, bytes([0x81, 127]) + b"\xff" * 8)
fail_case("framing.masked-server-text", 1002, frame(OP_TEXT, b"masked", mask=b"\x12\x34\x56\x78"))
fail_case("framing.masked-server-ping", 1002, frame(OP_PING, b"masked", mask=b"\x01\x02\x03\x04"))
fail_case("framing.masked-server-zero-key", 1002, frame(OP_BINARY, b"zero key", mask=b"\0\0\0\0"))

echo_case("framing.100-messages-one-write",
          [(OP_TEXT if i % 2 else OP_BINARY, text_payload(i * 7 % 300, i)) for i in range(100)])


@case("framing.one-byte-per-write")
async def _(p):
    await p.upgrade()
    msgs = [(OP_TEXT, b"bytewise"), (OP_BINARY, binary_payload(300)), (OP_PING, b"pp"),
            (OP_TEXT, text_payload(130))]
    await p.send_bytewise(b"".join(frame(op, d) for op, d in msgs))
    await p.expect_echo(OP_TEXT, b"bytewise")
    await p.expect_echo(OP_BINARY, binary_payload(300))
    await p.expect_pong(b"pp")
    await p.expect_echo(OP_TEXT, text_payload(130))
    # a 64-bit length header one byte at a time, then its payload in one write
    big = binary_payload(70000)
    f = frame(OP_BINARY, big)
    await p.send_bytewise(f[:10])
    await p.send(f[10:])
    await p.expect_echo(OP_BINARY, big)
    await p.close_handshake()


def chopped_case(name, opcode, payload, chop, delay=0.0):
    """One frame written in pieces of `chop` bytes (Autobahn 1.1.8 / 9.5 style)."""
    async def fn(p):
        await p.upgrade()
        data = frame(opcode, payload)
        for i in range(0, len(data), chop):
            await p.send(data[i:i + chop])
            if delay:
                await asyncio.sleep(delay)
        await p.expect_echo(opcode, payload)
        await p.close_handshake()
    case(name)(fn)


chopped_case("framing.binary-65536-in-997-byte-writes", OP_BINARY, binary_payload(65536), 997)
chopped_case("framing.text-1MiB-in-65536-byte-writes", OP_TEXT, text_payload(MiB, 5), 65536)
chopped_case("framing.text-70000-in-4099-byte-writes-slow", OP_TEXT, text_payload(70000, 2), 4099, 0.002)


@case("framing.mask-keys-vary")
async def _(p):
    await p.upgrade()
    await p.send(b"".join(frame(OP_BINARY, bytes([i]) * 8) for i in range(32)))
    for i in range(32):
        await p.expect_echo(OP_BINARY, bytes([i]) * 8)
    keys = p.keys[:32]
    if len(set(keys)) < 31:  # 32 random 32-bit keys collide with probability ~1e-7
        raise Fail("only %d different mask keys in 32 frames: %s" % (len(set(keys)), " ".join(k.hex() for k in keys[:8])))
    await p.close_handshake()


@case("framing.big-message-then-ping")
async def _(p):
    big = binary_payload(MiB, 3)
    await p.upgrade()
    await p.send(frame(OP_BINARY, big) + frame(OP_PING, b"after"))
    await p.expect_frames({(OP_BINARY, big), (OP_PONG, b"after")})
    await p.close_handshake()


# ---------------------------------------------------------------- reserved bits and opcodes
for rsv, label in [(4, "rsv1"), (2, "rsv2"), (1, "rsv3"), (7, "rsv-all")]:
    fail_case("reserved.%s-text" % label, 1002, frame(OP_TEXT, b"rsv", rsv=rsv))
fail_case("reserved.rsv1-binary-after-echo", 1002, frame(OP_BINARY, b"\x01", rsv=4),
          after_echo=(OP_TEXT, b"good first"))
fail_case("reserved.rsv2-ping", 1002, frame(OP_PING, b"rsv", rsv=2))
fail_case("reserved.rsv3-close", 1002, frame(OP_CLOSE, close_payload(1000), rsv=1))
fail_case("reserved.rsv1-continuation", 1002,
          frame(OP_TEXT, b"frag", fin=False), frame(OP_CONT, b"ment", rsv=4))
fail_case("reserved.rsv1-empty-text", 1002, frame(OP_TEXT, b"", rsv=4))
for op in [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]:
    fail_case("reserved.opcode-%d" % op, 1002, frame(op, b""))
fail_case("reserved.opcode-3-with-payload", 1002, frame(3, b"reserved payload"))
fail_case("reserved.opcode-11-after-echo", 1002, frame(11, b"x"), after_echo=(OP_BINARY, b"ok"))
fail_case("reserved.opcode-5-inside-fragmented", 1002,
          frame(OP_TEXT, b"fra", fin=False), frame(5, b""), frame(OP_CONT, b"g"))


# ---------------------------------------------------------------- ping / pong
def ping_case(name, payload):
    async def fn(p):
        await p.upgrade()
        await p.send(frame(OP_PING, payload))
        await p.expect_pong(payload)
        await p.close_handshake()
    case(name)(fn)


ping_case("ping.empty", b"")
ping_case("ping.125-bytes", binary_payload(125, 9))
ping_case("ping.text-payload", b"Hello, ping")
fail_case("ping.126-bytes", 1002, frame(OP_PING, b"p" * 126))
fail_case("ping.126-bytes-16bit", 1002, frame(OP_PING, b"p" * 126, form=16))
fail_case("ping.16bit-length-form-for-5", 1002, frame(OP_PING, b"hello", form=16))
fail_case("close.64bit-length-form-for-2", 1002, frame(OP_CLOSE, close_payload(1000), form=64))
fail_case("ping.fragmented", 1002, frame(OP_PING, b"frag", fin=False), frame(OP_CONT, b"ment"))
fail_case("pong.126-bytes", 1002, frame(OP_PONG, b"q" * 126))
fail_case("pong.fragmented", 1002, frame(OP_PONG, b"frag", fin=False), frame(OP_CONT, b"ment"))
echo_case("pong.unsolicited-ignored", [(OP_TEXT, b"after pong")],
          wire=frame(OP_PONG, b"unsolicited") + frame(OP_TEXT, b"after pong"))
echo_case("pong.unsolicited-empty-ignored", [(OP_BINARY, b"x")], wire=frame(OP_PONG) + frame(OP_BINARY, b"x"))


@case("ping.ten-in-a-row")
async def _(p):
    await p.upgrade()
    payloads = [b"ping-%d" % i for i in range(10)]
    await p.send(b"".join(frame(OP_PING, d) for d in payloads) + frame(OP_TEXT, b"marker"))
    pongs = []
    while True:
        f = await p.frame_or_eof(REPLY_S, "pongs and the marker echo")
        if f.opcode == OP_PONG:
            pongs.append(f.payload)
        elif f.opcode == OP_TEXT and f.fin:
            if f.payload != b"marker":
                raise Fail("marker echo %s" % short(f.payload))
            break
        else:
            raise Fail("unexpected %r" % f)
    # RFC 6455 5.5.3: a client may answer only the most recent of pings it has not answered
    # yet, so any in-order subsequence ending with the last ping passes.
    it = iter(payloads)
    if not pongs or pongs[-1] != payloads[-1] or not all(any(x == y for y in it) for x in pongs):
        raise Fail("pongs %r do not answer the pings in order ending with the last" % pongs)
    await p.close_handshake()


@case("ping.1000-in-one-write")
async def _(p):
    await p.upgrade()
    payloads = [b"%d" % i for i in range(1000)]
    await p.send(b"".join(frame(OP_PING, d) for d in payloads) + frame(OP_TEXT, b"marker"))
    pongs = []
    while True:
        f = await p.frame_or_eof(REPLY_S, "pongs and the marker echo")
        if f.opcode == OP_PONG:
            pongs.append(f.payload)
        elif f.opcode == OP_TEXT and f.fin and f.payload == b"marker":
            break
        else:
            raise Fail("unexpected %r" % f)
    it = iter(payloads)  # RFC 6455 5.5.3: in order, ending with the last ping
    if not pongs or pongs[-1] != payloads[-1] or not all(any(x == y for y in it) for x in pongs):
        raise Fail("%d pongs do not answer the pings in order ending with the last" % len(pongs))
    await p.close_handshake()


@case("ping.between-fragments")
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"Hello", fin=False) + frame(OP_PING, b"one"))
    await p.expect_pong(b"one")  # answered while the message is still incomplete
    await p.send(frame(OP_CONT, b", ", fin=False) + frame(OP_PING, b"") + frame(OP_PONG, b"x"))
    await p.expect_pong(b"")
    await p.send(frame(OP_CONT, b"World", fin=False) + frame(OP_PING, binary_payload(125)))
    await p.expect_pong(binary_payload(125))
    await p.send(frame(OP_CONT, b"!"))
    await p.expect_echo(OP_TEXT, b"Hello, World!")
    await p.close_handshake()


@case("ping.125-bytes-one-byte-per-write")
async def _(p):
    await p.upgrade()
    payload = binary_payload(125, 4)
    await p.send_bytewise(frame(OP_PING, payload))
    await p.expect_pong(payload)
    await p.close_handshake()


@case("ping.before-bad-frame-answered", exit=1)
async def _(p):
    # a ping, then a reserved opcode, in one write: the pong may come, then close 1002
    await p.upgrade()
    await p.send(frame(OP_PING, b"first") + frame(6, b""))
    await p.expect_fail(1002, allow_pong=True)


@case("reserved.opcode-after-text-and-before-ping", exit=1)
async def _(p):
    # Autobahn 4.1.3 shape: text, reserved opcode, ping in one write: echo the text, then
    # fail; the ping after the bad frame must not be answered
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"Hello") + frame(4, b"") + frame(OP_PING, b"after"))
    await p.expect_echo(OP_TEXT, b"Hello")
    await p.expect_fail(1002)


# ---------------------------------------------------------------- permessage-deflate
# RFC 7692, with the client started with --deflate (it offers the extension). The server's
# compressed messages come from section 7.2.3 (RSV1 = rsv 4 on the first frame only); the
# client echoes them uncompressed (RSV clear, checked on every client frame).
PMD = "Sec-WebSocket-Extensions: permessage-deflate"
HELLO_DEFLATED = bytes([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00])  # 7.2.3.1


def deflate_case(name, wire, echoes, bytewise=False, **kw):
    async def fn(p):
        await p.upgrade(add=[PMD])
        offer = p.request[1].get("sec-websocket-extensions", [])
        if len(offer) != 1 or not offer[0].startswith("permessage-deflate"):
            p.note("--deflate: Sec-WebSocket-Extensions %r does not offer permessage-deflate" % offer)
        if bytewise:
            await p.send_bytewise(wire)
        else:
            await p.send(wire)
        for op, d in echoes:
            await p.expect_echo(op, d)
        await p.close_handshake()
    case(name, exit=0, args=["--deflate"], **kw)(fn)


def deflate_fail(name, code, wire, accept=True, **kw):
    async def fn(p):
        await p.upgrade(add=[PMD] if accept else [])
        await p.send(wire)
        await p.expect_fail(code)
    case(name, exit=1, args=["--deflate"], **kw)(fn)


deflate_case("deflate.hello", frame(OP_TEXT, HELLO_DEFLATED, rsv=4), [(OP_TEXT, b"Hello")])
deflate_case("deflate.two-fragments",  # 7.2.3.1: RSV1 on the first fragment only
             frame(OP_TEXT, HELLO_DEFLATED[:3], fin=False, rsv=4) + frame(OP_CONT, HELLO_DEFLATED[3:]),
             [(OP_TEXT, b"Hello")])
deflate_case("deflate.context-takeover",  # 7.2.3.2: the second refers to the first
             frame(OP_TEXT, HELLO_DEFLATED, rsv=4) + frame(OP_TEXT, bytes([0xf2, 0x00, 0x11, 0x00, 0x00]), rsv=4),
             [(OP_TEXT, b"Hello"), (OP_TEXT, b"Hello")])
deflate_case("deflate.stored-block",  # 7.2.3.3
             frame(OP_BINARY, bytes([0x00, 0x05, 0x00, 0xfa, 0xff]) + b"Hello" + b"\x00", rsv=4),
             [(OP_BINARY, b"Hello")])
deflate_case("deflate.final-block",  # 7.2.3.4: BFINAL set, then a padding byte
             frame(OP_TEXT, bytes([0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00]), rsv=4), [(OP_TEXT, b"Hello")])
deflate_case("deflate.uncompressed-and-ping-between",  # RSV1 clear: a plain message
             frame(OP_TEXT, b"plain") + frame(OP_BINARY, HELLO_DEFLATED[:2], fin=False, rsv=4) +
             frame(OP_PING, b"p") + frame(OP_CONT, HELLO_DEFLATED[2:]),
             [(OP_TEXT, b"plain"), (OP_BINARY, b"Hello")])
deflate_case("deflate.one-byte-per-write",
             frame(OP_TEXT, HELLO_DEFLATED, rsv=4) + frame(OP_TEXT, bytes([0xf2, 0x00, 0x11, 0x00, 0x00]), rsv=4),
             [(OP_TEXT, b"Hello"), (OP_TEXT, b"Hello")], bytewise=True)
deflate_fail("deflate.rsv1-on-ping", 1002, frame(OP_PING, b"", rsv=4))  # 6.1: control frames
deflate_fail("deflate.rsv1-on-close", 1002, frame(OP_CLOSE, close_payload(1000), rsv=4))
deflate_fail("deflate.rsv1-on-continuation", 1002,  # 6.1: only a message's first frame
             frame(OP_TEXT, HELLO_DEFLATED[:3], fin=False, rsv=4) + frame(OP_CONT, HELLO_DEFLATED[3:], rsv=4))
deflate_fail("deflate.rsv1-without-negotiation", 1002, frame(OP_TEXT, HELLO_DEFLATED, rsv=4), accept=False)
deflate_fail("deflate.rsv2-stays-reserved", 1002, frame(OP_TEXT, HELLO_DEFLATED, rsv=6))
deflate_fail("deflate.corrupt-block-type", 1007, frame(OP_TEXT, b"\x07", rsv=4))  # BTYPE 11
deflate_fail("deflate.corrupt-distance", 1007, frame(OP_TEXT, b"\x02\x02\x00", rsv=4))  # before the start
deflate_fail("deflate.stops-inside-a-block", 1007, frame(OP_TEXT, HELLO_DEFLATED[:2], rsv=4))
deflate_fail("deflate.invalid-utf8-inflated", 1007,  # "\xff" in a fixed block
             frame(OP_TEXT, bytes([0xfa, 0x0f, 0x00, 0x00, 0x00, 0x00]), rsv=4))
deflate_fail("deflate.bomb-past-16-mib", 1009,  # 17 MiB of zeros (echo's limit: 16 MiB)
             frame(OP_BINARY, __import__("zlib").compressobj(9, 8, -15).compress(bytes(17 * MiB)), fin=False, rsv=4) +
             frame(OP_CONT, b"\x00\x00\x00\x00"))


@case("deflate.unoffered-answer", exit=1)
async def _(p):
    # the client did not offer it (no --deflate): an answer with it fails the handshake
    await p.upgrade(add=[PMD])
    await p.send(frame(OP_TEXT, HELLO_DEFLATED, rsv=4))
    await p.expect_silent_eof()


@case("deflate.parameter-twice", exit=1, args=["--deflate"])
async def _(p):
    await p.upgrade(add=[PMD + "; server_max_window_bits=15; server_max_window_bits=15"])
    await p.send(frame(OP_TEXT, b"must not be echoed"))
    await p.expect_silent_eof()


# ---------------------------------------------------------------- fragmentation
def frag_case(name, opcode, parts, **kw):
    wire = b"".join(frame(opcode if i == 0 else OP_CONT, d, fin=(i == len(parts) - 1))
                    for i, d in enumerate(parts))
    echo_case(name, [(opcode, b"".join(parts))], wire=wire, **kw)


frag_case("fragment.text-3", OP_TEXT, [b"Hello", b", ", b"World"])
frag_case("fragment.binary-100x1", OP_BINARY, [bytes([i]) for i in range(100)])
frag_case("fragment.text-first-fragment-final", OP_TEXT, [b"one frame"])
frag_case("fragment.empty-parts", OP_TEXT, [b"", b"", b""])
frag_case("fragment.empty-first-and-last", OP_BINARY, [b"", b"abc", b""])
frag_case("fragment.binary-1MiB-in-16", OP_BINARY,
          [binary_payload(MiB, 5)[i:i + 65536] for i in range(0, MiB, 65536)])
frag_case("fragment.mixed-length-forms", OP_BINARY,
          [binary_payload(10), binary_payload(300, 2), binary_payload(70000, 3), b"end"])
fail_case("fragment.continuation-after-fragmented-complete", 1002, frame(OP_CONT, b"late", fin=False),
          frame(OP_CONT, b"more"), after_echo=(OP_TEXT, b"whole"))


@case("fragment.two-fragmented-in-one-write")
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"fra", fin=False) + frame(OP_CONT, b"g1") +
                 frame(OP_BINARY, b"\x00", fin=False) + frame(OP_PING, b"") + frame(OP_CONT, b"\x01"))
    await p.expect_frames({(OP_TEXT, b"frag1"), (OP_PONG, b""), (OP_BINARY, b"\x00\x01")})
    await p.close_handshake()


@case("fragment.slow-fragments-with-pings")
async def _(p):
    # Autobahn 5.19 shape: fragments with pings between them and pauses
    await p.upgrade()
    parts = [b"fragment%d" % i for i in range(5)]
    for i, d in enumerate(parts):
        await p.send(frame(OP_TEXT if i == 0 else OP_CONT, d, fin=i == 4))
        if i in (1, 3):
            await p.send(frame(OP_PING, b"pong me %d" % i))
            await p.expect_pong(b"pong me %d" % i)
        await asyncio.sleep(0.05)
    await p.expect_echo(OP_TEXT, b"".join(parts))
    await p.close_handshake()


fail_case("fragment.continuation-without-start", 1002, frame(OP_CONT, b"orphan"))
fail_case("fragment.continuation-without-start-nofin", 1002, frame(OP_CONT, b"orphan", fin=False))
fail_case("fragment.continuation-after-complete", 1002, frame(OP_CONT, b"late"),
          after_echo=(OP_TEXT, b"complete"))
fail_case("fragment.text-inside-text", 1002, frame(OP_TEXT, b"a", fin=False), frame(OP_TEXT, b"b"))
fail_case("fragment.binary-inside-text", 1002, frame(OP_TEXT, b"a", fin=False), frame(OP_BINARY, b"b"))
fail_case("fragment.text-inside-binary-nofin", 1002,
          frame(OP_BINARY, b"a", fin=False), frame(OP_TEXT, b"b", fin=False), frame(OP_CONT, b"c"))
fail_case("fragment.close-fragmented", 1002, frame(OP_CLOSE, close_payload(1000), fin=False))


@case("fragment.close-between-fragments")
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"never", fin=False))
    await p.close_handshake(close_payload(1000, b"mid-message"), 1000)


# ---------------------------------------------------------------- UTF-8
VALID_UTF8 = {
    "greek": "\u03ba\u1f79\u03c3\u03bc\u03b5".encode(),
    "boundaries-2byte": "\u0080\u07ff".encode(),
    "boundaries-3byte": "\u0800\ud7ff\ue000\ufffd\uffff".encode(),
    "boundaries-4byte": "\U00010000\U0010ffff".encode(),
    "noncharacters": "\ufdd0\ufffe\U0001fffe\U0010fffe".encode(),
    "bom-and-nul": "\ufeff\x00\x7f".encode(),
    "mixed-long": text_payload(5000, 3),
}
for k, v in VALID_UTF8.items():
    echo_case("utf8.valid-" + k, [(OP_TEXT, v)])

SPLIT = "a\u03ba\u20ac\U0001f600z".encode()
for cut in range(1, 4):  # cut the 4-byte U+1F600 at each inner position
    i = SPLIT.index("\U0001f600".encode()) + cut
    frag_case("utf8.split-4byte-at-%d" % cut, OP_TEXT, [SPLIT[:i], SPLIT[i:]])
frag_case("utf8.split-3byte-at-1", OP_TEXT, [SPLIT[:4], SPLIT[4:]])
frag_case("utf8.split-3byte-at-2", OP_TEXT, [SPLIT[:5], SPLIT[5:]])
frag_case("utf8.one-byte-per-fragment", OP_TEXT, [bytes([b]) for b in SPLIT + VALID_UTF8["greek"]])
echo_case("utf8.binary-not-validated", [(OP_BINARY, b"\xff\xfe\xc0\xaf\xed\xa0\x80")])

INVALID_UTF8 = {
    "overlong-2byte-slash": b"\xc0\xaf",
    "overlong-2byte-c1": b"\xc1\xbf",
    "overlong-3byte": b"\xe0\x80\xaf",
    "overlong-3byte-max": b"\xe0\x9f\xbf",
    "overlong-4byte": b"\xf0\x80\x80\xaf",
    "overlong-4byte-max": b"\xf0\x8f\xbf\xbf",
    "overlong-nul": b"\xc0\x80",
    "5byte-form": b"\xf8\x88\x80\x80\x80",
    "surrogate-high": b"\xed\xa0\x80",
    "surrogate-high-max": b"\xed\xad\xbf",
    "surrogate-low": b"\xed\xb0\x80",
    "surrogate-low-max": b"\xed\xbf\xbf",
    "surrogate-pair": b"\xed\xa0\xbd\xed\xb8\x80",
    "above-10ffff": b"\xf4\x90\x80\x80",
    "f5-lead": b"\xf5\x80\x80\x80",
    "f7-lead": b"\xf7\xbf\xbf\xbf",
    "byte-fe": b"\xfe",
    "byte-ff": b"\xff",
    "lone-continuation": b"\x80",
    "two-continuations": b"\x80\xbf",
    "lead-then-space": b"\xc2 ",
    "3byte-lead-then-space": b"\xe1\x80 ",
    "4byte-lead-then-space": b"\xf0\x90\x80 ",
    "truncated-2byte-at-end": b"abc\xc2",
    "truncated-3byte-at-end": b"abc\xe2\x82",
    "truncated-4byte-at-end": b"abc\xf0\x9f\x98",
    "after-valid-multibyte": "\u03ba\u1f79\u03c3\u03bc\u03b5".encode() + b"\xed\xa0\x80edited",
}
# Markus Kuhn's UTF-8 decoder stress test, the source of Autobahn's 6.x cases: boundary
# code points (valid), and every class of malformed sequence (invalid), one case each.
KUHN_VALID = {
    "first-1byte": b"\x00", "first-2byte": b"\xc2\x80", "first-3byte": b"\xe0\xa0\x80",
    "first-4byte": b"\xf0\x90\x80\x80", "last-1byte": b"\x7f", "last-2byte": b"\xdf\xbf",
    "last-3byte": b"\xef\xbf\xbf", "last-4byte": b"\xf4\x8f\xbf\xbf",
    "before-surrogates": b"\xed\x9f\xbf", "after-surrogates": b"\xee\x80\x80",
    "replacement-char": b"\xef\xbf\xbd", "nonchar-fffe": b"\xef\xbf\xbe",
    "nonchar-fdd0": b"\xef\xb7\x90", "nonchar-fdef": b"\xef\xb7\xaf",
    "nonchar-1fffe": b"\xf0\x9f\xbf\xbe", "nonchar-10fffe": b"\xf4\x8f\xbf\xbe",
}
KUHN_INVALID = {
    "5byte-first": b"\xf8\x88\x80\x80\x80", "6byte-first": b"\xfc\x84\x80\x80\x80\x80",
    "5byte-last": b"\xfb\xbf\xbf\xbf\xbf", "6byte-last": b"\xfd\xbf\xbf\xbf\xbf\xbf",
    "cont-bf": b"\xbf", "cont-3": b"\x80\xbf\x80", "cont-4": b"\x80\xbf\x80\xbf",
    "all-64-continuations": bytes(range(0x80, 0xc0)),
    "lonely-2byte-starts": b"".join(bytes([b, 0x20]) for b in range(0xc0, 0xe0)),
    "lonely-3byte-starts": b"".join(bytes([b, 0x20]) for b in range(0xe0, 0xf0)),
    "lonely-4byte-starts": b"".join(bytes([b, 0x20]) for b in range(0xf0, 0xf8)),
    "lonely-5byte-starts": b"".join(bytes([b, 0x20]) for b in range(0xf8, 0xfc)),
    "lonely-6byte-starts": b"\xfc \xfd ",
    "missing-last-c0": b"\xc0", "missing-last-e0-80": b"\xe0\x80",
    "missing-last-f0-80-80": b"\xf0\x80\x80", "missing-last-df": b"\xdf",
    "missing-last-ef-bf": b"\xef\xbf", "missing-last-f7-bf-bf": b"\xf7\xbf\xbf",
    "missing-last-concatenated": b"\xc0\xe0\x80\xf0\x80\x80\xf8\x80\x80\x80\xfc\x80\x80\x80\x80"
                                 b"\xdf\xef\xbf\xf7\xbf\xbf\xfb\xbf\xbf\xbf\xfd\xbf\xbf\xbf\xbf",
    "impossible-fe-fe-ff-ff": b"\xfe\xfe\xff\xff",
    "overlong-5byte-slash": b"\xf8\x80\x80\x80\xaf", "overlong-6byte-slash": b"\xfc\x80\x80\x80\x80\xaf",
    "overlong-5byte-max": b"\xf8\x87\xbf\xbf\xbf", "overlong-6byte-max": b"\xfc\x83\xbf\xbf\xbf\xbf",
    "overlong-nul-3byte": b"\xe0\x80\x80", "overlong-nul-4byte": b"\xf0\x80\x80\x80",
    "surrogate-db80": b"\xed\xae\x80", "surrogate-dbff": b"\xed\xaf\xbf", "surrogate-df80": b"\xed\xbe\x80",
    "pair-d800-dfff": b"\xed\xa0\x80\xed\xbf\xbf", "pair-db7f-dc00": b"\xed\xad\xbf\xed\xb0\x80",
    "pair-db80-dfff": b"\xed\xae\x80\xed\xbf\xbf", "pair-dbff-dc00": b"\xed\xaf\xbf\xed\xb0\x80",
    "pair-dbff-dfff": b"\xed\xaf\xbf\xed\xbf\xbf",
}
for k, v in KUHN_VALID.items():
    echo_case("utf8.valid-" + k, [(OP_TEXT, v)])
for k, v in KUHN_INVALID.items():
    if v not in INVALID_UTF8.values():  # some are already in the list above
        INVALID_UTF8[k] = v
# "kosme" cut after every byte: a prefix ending inside a character is invalid at message end
for cut in range(1, len("\u03ba\u1f79\u03c3\u03bc\u03b5".encode()) + 1):
    v = "\u03ba\u1f79\u03c3\u03bc\u03b5".encode()[:cut]
    try:
        v.decode()
        echo_case("utf8.kosme-prefix-%d-valid" % cut, [(OP_TEXT, v)])
    except UnicodeDecodeError:
        fail_case("utf8.kosme-prefix-%d-invalid" % cut, 1007, frame(OP_TEXT, v))
for k, v in INVALID_UTF8.items():
    fail_case("utf8.invalid-" + k, 1007, frame(OP_TEXT, v))
# an invalid byte at every interesting offset of an ASCII run (word-at-a-time fast paths)
for pos in [0, 1, 3, 4, 7, 8, 15, 16, 31, 32, 63]:
    data = bytearray(b"A" * 64)
    data[pos] = 0x80 if pos % 2 else 0xff
    fail_case("utf8.invalid-in-ascii-at-%d" % pos, 1007, frame(OP_TEXT, bytes(data)))
fail_case("utf8.invalid-in-second-fragment", 1007,
          frame(OP_TEXT, b"valid start", fin=False), frame(OP_CONT, b"\xc0\xaf", fin=False),
          frame(OP_CONT, b"end"))
fail_case("utf8.truncated-at-end-of-fragmented", 1007,
          frame(OP_TEXT, b"abc", fin=False), frame(OP_CONT, b"\xf0\x9f"))
fail_case("utf8.split-codepoint-becomes-surrogate", 1007,
          frame(OP_TEXT, b"ab\xed", fin=False), frame(OP_CONT, b"\xa0\x80cd"))


def fail_fast_case(name, first, declared=None, chops=(), fragments=()):
    """Send `first` and hold the rest of the message back: the client must fail with 1007
    before it arrives. declared: a single-frame message of that many bytes is announced and
    `first` is only its beginning (then each of `chops` follows in its own write); else
    `first` is a whole fragment (fin=0), followed by each of `fragments` (fin=0)."""
    async def fn(p):
        await p.upgrade()
        if declared is None:
            await p.send(frame(OP_TEXT, first, fin=False))
            for f in fragments:
                await asyncio.sleep(0.05)
                await p.send(frame(OP_CONT, f, fin=False))
        else:
            await p.send(frame(OP_TEXT, b"", length=declared) + first)
            for c in chops:
                await asyncio.sleep(0.05)
                await p.send(c)
        try:
            await p.expect_fail(1007, timeout=HOLD_S)
        except Fail as e:
            if "timed out" in str(e):
                raise Fail("no close 1007 within %gs while the server held back the rest of "
                           "the message after the invalid byte" % HOLD_S)
            raise
    case(name, exit=1)(fn)


LONG = bytearray(text_payload(4096))
LONG[100] = 0xff
fail_fast_case("utf8.fail-fast-first-fragment", bytes(LONG))
fail_fast_case("utf8.fail-fast-split-codepoint", b"abc\xf4\x90")   # U+110000 lead+second byte
fail_fast_case("utf8.fail-fast-in-frame", bytes(LONG[:1024]), declared=MiB)
fail_fast_case("utf8.fail-fast-in-16bit-frame", b"ok \xc0", declared=60000)


KOSME = "\u03ba\u1f79\u03c3\u03bc\u03b5".encode()
fail_fast_case("utf8.fail-fast-second-fragment", KOSME, fragments=[b"\xf4\x90\x80\x80"])
fail_fast_case("utf8.fail-fast-byte-after-fragment-boundary", KOSME + b"\xf4", fragments=[b"\x90"])
fail_fast_case("utf8.fail-fast-in-frame-chops", KOSME, declared=len(KOSME) + 10,
               chops=[b"\xf4\x90\x80\x80"])
fail_fast_case("utf8.fail-fast-in-frame-byte-chop", KOSME + b"\xf4", declared=len(KOSME) + 10,
               chops=[b"\x90"])


# ---------------------------------------------------------------- close handshake
for code in VALID_CODES:
    async def fn(p, code=code):
        await p.upgrade()
        await p.close_handshake(close_payload(code), code)
    case("close.valid-%d" % code)(fn)
for code in INVALID_CODES:
    fail_case("close.invalid-%d" % code, 1002, frame(OP_CLOSE, close_payload(code)))


def close_case(name, payload, expect):
    async def fn(p):
        await p.upgrade()
        await p.close_handshake(payload, expect)
    case(name)(fn)


close_case("close.empty-answered-1000", b"", 1000)
close_case("close.with-reason", close_payload(1000, b"Normal closure, bye"), 1000)
close_case("close.reason-123-bytes", close_payload(1001, b"r" * 123), 1001)
close_case("close.reason-utf8", close_payload(4000, "\u03ba\u1f79\u03c3\u03bc\u03b5 \U0001f600".encode()), 4000)
fail_case("close.reason-invalid-utf8", 1007, frame(OP_CLOSE, close_payload(1000, b"bad \xed\xa0\x80")))
fail_case("close.reason-truncated-utf8", 1007, frame(OP_CLOSE, close_payload(1000, b"cut \xf0\x9f")))
fail_case("close.one-byte-payload", 1002, frame(OP_CLOSE, b"\x03"))
fail_case("close.payload-126-bytes", 1002, frame(OP_CLOSE, close_payload(1000, b"r" * 124)))
fail_case("close.masked", 1002, frame(OP_CLOSE, close_payload(1000), mask=b"\x0a\x0b\x0c\x0d"))


@case("close.after-echo")
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"one") + frame(OP_BINARY, b"two"))
    await p.expect_echo(OP_TEXT, b"one")
    await p.expect_echo(OP_BINARY, b"two")
    await p.close_handshake(close_payload(1000, b"done"), 1000)


@case("close.data-after-close-ignored")
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_CLOSE, close_payload(1000)) + frame(OP_TEXT, b"late") + frame(OP_PING, b"late"))
    f = await p.frame_or_eof(REPLY_S, "the close reply")
    if f.opcode != OP_CLOSE or p.client_close[0] != 1000:
        raise Fail("expected close(1000), got %r" % f)
    try:  # an echo of "late" or a pong would arrive here
        f = await asyncio.wait_for(p._frame(), 0.3)
        raise Fail("client sent %r after the close handshake" % f)
    except (asyncio.TimeoutError, Closed):
        pass
    p.close_tcp()


@case("close.message-and-close-in-one-write")
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"last words") + frame(OP_CLOSE, close_payload(1000)))
    await p.expect_echo(OP_TEXT, b"last words")  # the echo precedes the close reply
    f = await p.frame_or_eof(REPLY_S, "the close reply")
    if f.opcode != OP_CLOSE or p.client_close[0] != 1000:
        raise Fail("expected close(1000), got %r" % f)
    p.close_tcp()


@case("close.ping-and-close-in-one-write")
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_PING, b"then close") + frame(OP_CLOSE, close_payload(1001)))
    await p.expect_pong(b"then close")
    f = await p.frame_or_eof(REPLY_S, "the close reply")
    if f.opcode != OP_CLOSE or p.client_close[0] != 1001:
        raise Fail("expected close(1001), got %r" % f)
    p.close_tcp()


@case("close.second-close-ignored")
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_CLOSE, close_payload(1000)) + frame(OP_CLOSE, close_payload(1001)))
    f = await p.frame_or_eof(REPLY_S, "the close reply")
    if f.opcode != OP_CLOSE or p.client_close[0] != 1000:
        raise Fail("expected close(1000), got %r" % f)
    try:
        f = await asyncio.wait_for(p._frame(), 0.3)
        raise Fail("client sent %r after its close reply" % f)
    except (asyncio.TimeoutError, Closed):
        pass
    p.close_tcp()


@case("close.big-message-then-close-then-ping")
async def _(p):
    # Autobahn 7.1.6 shape: the message before the close is echoed (or not, if the client
    # processes the close first is NOT allowed: frames are handled in order), no pong after
    big = text_payload(256 * 1024, 4)
    await p.upgrade()
    await p.send(frame(OP_TEXT, big) + frame(OP_CLOSE, close_payload(1000)) + frame(OP_PING, b"late"))
    await p.expect_echo(OP_TEXT, big)
    f = await p.frame_or_eof(REPLY_S, "the close reply")
    if f.opcode != OP_CLOSE or p.client_close[0] != 1000:
        raise Fail("expected close(1000), got %r" % f)
    try:
        f = await asyncio.wait_for(p._frame(), 0.3)
        raise Fail("client sent %r after its close reply" % f)
    except (asyncio.TimeoutError, Closed):
        pass
    p.close_tcp()


@case("close.server-lingers")
async def _(p):
    await p.upgrade()
    await p.close_handshake(close_payload(1000), 1000, linger=True)


@case("close.tcp-without-close-frame", exit=1)
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"then vanish"))
    await p.expect_echo(OP_TEXT, b"then vanish")
    p.close_tcp()


@case("close.tcp-mid-frame", exit=1)
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_BINARY, b"0123456789")[:6])
    await asyncio.sleep(0.05)
    p.close_tcp()


@case("close.tcp-reset", exit=1)
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"ok"))
    await p.expect_echo(OP_TEXT, b"ok")
    p.close_tcp(rst=True)


@case("close.client-initiated-by-timeout", exit=1, args=["--timeout", "1"])
async def _(p):
    # the echo closes by itself only on --timeout (then exits non-zero): its close must be
    # 1000 or 1001, and after it the client sends nothing, not even an echo or a pong
    # (RFC 6455 5.5.1), while it still waits for our close
    await p.upgrade()
    f = await p.frame_or_eof(6, "the client's close after --timeout 1")
    if f.opcode != OP_CLOSE or p.client_close[0] not in (1000, 1001):
        raise Fail("expected close(1000 or 1001), got %r" % f)
    await p.send(frame(OP_TEXT, b"too late") + frame(OP_PING, b"too late") + frame(OP_CLOSE, close_payload(p.client_close[0])))
    try:
        f = await asyncio.wait_for(p._frame(), 1.0)
        raise Fail("client sent %r after its close" % f)
    except (asyncio.TimeoutError, Closed):
        pass
    p.close_tcp()


@case("close.fail-with-server-reply", exit=1)
async def _(p):
    # the usual server answers a client's 1002 with its own close before closing TCP
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"x", rsv=4))
    await p.expect_fail(1002, reply=True)


@case("close.fail-with-unread-data", exit=1)
async def _(p):
    # the bad frame is followed by 1 MiB the client will never read: its close frame must
    # still reach us (a client that close()s with unread input sends a RST, which can destroy
    # the close frame in the server's stack; RFC 6455 7.1.1 suggests shutdown(SHUT_WR), read
    # until EOF, then close)
    await p.upgrade()
    await p.send(frame(OP_BINARY, b"x", rsv=2) + b"".join(frame(OP_BINARY, binary_payload(65536, i)) for i in range(16)))
    await p.expect_fail(1002)


@case("close.timeout-option", exit=1, args=["--timeout", "1"])
async def _(p):
    await p.upgrade()
    start = time.monotonic()
    try:
        while True:  # the client may or may not send a close (1000/1001) before leaving
            f = await p.frame_or_eof(6, "the client to give up after --timeout 1")
            if f.opcode != OP_CLOSE:
                raise Fail("client sent %r while idle" % f)
    except Closed:
        pass
    took = time.monotonic() - start
    if took < 0.8:
        raise Fail("client left after %.2fs, before its 1 s timeout" % took)


# ---------------------------------------------------------------- too big
@case("limits.over-16MiB-fails-1009-or-echoes", exit=None, timeout=60)
async def _(p):
    n = 16 * MiB + 1
    await p.upgrade()
    data = binary_payload(n, 11)
    await p.send(frame(OP_BINARY, b"", length=n))
    await p.send(data)
    try:
        await p.expect_echo(OP_BINARY, data, timeout=30)
    except Fail:
        if p.client_close is None or p.client_close[0] != 1009:
            raise Fail("a %d-byte message was neither echoed nor refused with 1009 (client sent %s)"
                       % (n, p.summary()))
        await p.expect_eof(FAIL_EOF_S, "after refusing with 1009")
        return
    await p.close_handshake()


@case("limits.fragmented-over-16MiB-fails-1009-or-echoes", exit=None, timeout=60)
async def _(p):
    n = 8 * MiB
    await p.upgrade()
    a, b = binary_payload(n, 31), binary_payload(n + 1, 32)
    await p.send(frame(OP_BINARY, a, fin=False) + frame(OP_CONT, b))
    try:
        await p.expect_echo(OP_BINARY, a + b, timeout=30)
    except Fail:
        if p.client_close is None or p.client_close[0] != 1009:
            raise Fail("a fragmented %d-byte message was neither echoed nor refused with 1009 (client sent %s)"
                       % (2 * n + 1, p.summary()))
        await p.expect_eof(FAIL_EOF_S, "after refusing with 1009")
        return
    await p.close_handshake()


@case("limits.four-8MiB-messages-back-to-back", timeout=60)
async def _(p):
    # pipelined big messages, 32 MiB in all, written before the server reads anything: later
    # ones arrive while earlier echoes are still queued, so the client must hold back input
    # (or buffer) instead of dropping an echo
    msgs = [(OP_BINARY, binary_payload(8 * MiB, 21)), (OP_TEXT, text_payload(8 * MiB, 5)),
            (OP_BINARY, binary_payload(8 * MiB, 22)), (OP_TEXT, text_payload(8 * MiB, 6))]
    await p.upgrade()
    await p.send(b"".join(frame(op, d) for op, d in msgs))  # nothing is read meanwhile
    await asyncio.sleep(0.5)  # let the client read what it can while nobody reads its echoes
    for op, d in msgs:
        await p.expect_echo(op, d, timeout=8)
    await p.close_handshake()


@case("limits.text-4MiB-in-64-byte-fragments", timeout=60)
async def _(p):
    # Autobahn 9.3.1 shape: 65536 fragments of one message
    data = text_payload(4 * MiB, 6)
    await p.upgrade()
    await p.send(b"".join(frame(OP_TEXT if i == 0 else OP_CONT, data[i:i + 64], fin=i + 64 >= len(data))
                          for i in range(0, len(data), 64)))
    await p.expect_echo(OP_TEXT, data, timeout=30)
    await p.close_handshake()


@case("limits.1000-round-trips", timeout=60)
async def _(p):
    # Autobahn 9.7/9.8 shape: one message at a time, each waiting for its echo
    await p.upgrade()
    for i in range(1000):
        d = binary_payload(i % 200 + 16, i)
        await p.send(frame(OP_BINARY if i % 2 else OP_TEXT, d if i % 2 else text_payload(i % 200 + 16, i)))
        await p.expect_echo(OP_BINARY if i % 2 else OP_TEXT, d if i % 2 else text_payload(i % 200 + 16, i))
    await p.close_handshake()


@case("cli.verbose-one-line-per-event", args=["-v"])
async def _(p):
    await p.upgrade()
    await p.send(frame(OP_TEXT, b"seen") + frame(OP_PING, b""))
    await p.expect_frames({(OP_TEXT, b"seen"), (OP_PONG, b"")})
    await p.close_handshake()


# ==================================================================================== running
class Result:
    def __init__(self, case):
        self.case = case
        self.problems = []
        self.exit_code = None
        self.stdout = b""
        self.stderr = b""
        self.duration = 0.0
        self.ws_key = None
        self.keys = []
        self.timing = ""         # when the client's close frame and its TCP end came

    @property
    def ok(self):
        return not self.problems


async def serve_case(c, port_cb=None):
    """Listen on c.host port 0, call port_cb(port), serve one connection with c, return the
    Peer (or None if nobody connected before the case's timeout) after the script ends."""
    loop = asyncio.get_running_loop()
    family = socket.AF_INET6 if ":" in c.host else socket.AF_INET
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.bind((c.host, 0))
    ls.listen(8)
    ls.setblocking(False)
    port = ls.getsockname()[1]
    streams = []

    async def serve():
        conn, _ = await loop.sock_accept(ls)
        conn.setblocking(False)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        streams.append(RawStream(conn))
        p = Peer(streams[0], c.authority(port), c.path)
        err = None
        try:
            await c.fn(p)
        except Fail as e:
            err = str(e)
        except Closed as e:
            err = "client %s unexpectedly (sent %s)" % ("reset TCP" if e.reset else "closed TCP", p.summary())
        except Exception as e:  # a bug in the case itself: report it, never hide it
            err = "server error %s: %s" % (type(e).__name__, e)
        p.finish_checks()
        p.close_tcp()
        return p, err

    try:
        if port_cb:
            port_cb(port)
        return await asyncio.wait_for(serve(), c.timeout)
    except asyncio.TimeoutError:
        return None, "no connection / case did not finish within %ds" % c.timeout
    finally:
        ls.close()
        for st in streams:
            st.close()


async def run_case(c, cmd):
    """Run client command `cmd` (a list; the URL is appended) against case c."""
    r = Result(c)
    start = time.monotonic()
    proc = None
    port_box = []
    serve = asyncio.ensure_future(serve_case(c, port_box.append))
    while not port_box and not serve.done():
        await asyncio.sleep(0.001)
    if port_box:
        url = "ws://%s%s" % (c.authority(port_box[0]), c.path)
        try:
            proc = await asyncio.create_subprocess_exec(*cmd, *c.args, url, stdin=asyncio.subprocess.DEVNULL,
                                                        stdout=asyncio.subprocess.PIPE,
                                                        stderr=asyncio.subprocess.PIPE)
        except OSError as e:
            r.problems.append("cannot run %s: %s" % (cmd[0], e))
    peer, err = await serve
    if proc is not None:
        try:
            r.stdout, r.stderr = await asyncio.wait_for(proc.communicate(), c.timeout + 5)
        except asyncio.TimeoutError:
            proc.kill()
            r.stdout, r.stderr = await proc.communicate()
            r.problems.append("client still running %ds after the case ended: killed" % (c.timeout + 5))
        r.exit_code = proc.returncode
    if err:
        r.problems.append(err)
    if peer is not None:
        r.problems.extend(peer.notes)
        r.ws_key, r.keys = peer.ws_key, peer.keys
        if peer.client_close is not None:
            r.timing += "close(%s) at %.3fs " % (peer.client_close[0], peer.client_close[2])
        if peer.eof_at is not None:
            r.timing += "TCP %s at %.3fs" % ("reset" if peer.s.reset else "end", peer.eof_at)
    if proc is not None and r.exit_code is not None:
        code = r.exit_code
        if code < 0:
            r.problems.append("client died from signal %d" % -code)
        elif c.exit == 0 and code != 0:
            r.problems.append("client exited %d, expected 0" % code)
        elif c.exit == 1 and code == 0:
            r.problems.append("client exited 0, expected non-zero")
        if code != 0 and not r.stderr.strip():
            r.problems.append("client exited %d with nothing on stderr" % code)
        if "-v" in c.args:
            if len(r.stdout.splitlines()) < 4:  # open, message, ping, close at least
                r.problems.append("with -v the client printed %d lines, expected one per event (>= 4): %r"
                                  % (len(r.stdout.splitlines()), r.stdout[:200]))
        elif r.stdout:
            r.problems.append("client wrote %d bytes to stdout without -v: %r" % (len(r.stdout), r.stdout[:60]))
        if b"Sanitizer" in r.stderr or b"runtime error" in r.stderr:
            r.problems.append("sanitizer report: " + r.stderr.decode("utf-8", "replace").strip().splitlines()[0])
    r.duration = time.monotonic() - start
    return r


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--host", default=None)
    ap.add_argument("case", nargs="?")
    a = ap.parse_args(argv)
    if a.list or not a.case:
        for c in CASES:
            print(c.name)
        return 0
    if a.case not in BY_NAME:
        print("unknown case %r (see --list)" % a.case, file=sys.stderr)
        return 2
    c = BY_NAME[a.case]
    if a.host:
        c.host = a.host
    c.timeout = 300

    def port_cb(port):
        print(port, flush=True)
    peer, err = asyncio.run(serve_case(c, port_cb))
    problems = ([err] if err else []) + (peer.notes if peer else [])
    if peer:
        print("client sent:", peer.summary(), file=sys.stderr)
    print("PASS" if not problems else "FAIL: " + "; ".join(problems))
    print("(client exit status expected: %s)" % {0: "0", 1: "non-zero", None: "either"}[c.exit])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
