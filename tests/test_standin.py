#!/usr/bin/python3
"""Tests of the Axiom stand-in itself (tests/peers/axiom_standin.js), so the C client's tests
can trust it: tokens and the upgrade checks (401/403/101), join/leave and the shape of every
room's frames, the refresh endpoint and its rotation, and every fault switch.

Runs as /usr/bin/python3 with Debian's python3-websockets (10.4) as the client and the ssl
module; a throw-away CA is made with openssl (tests/peers/mkcerts.sh) in a temporary
directory. Every server it starts is stopped in a finally block (and also given --lifetime and
--exit-on-eof, so even a killed test cannot leave one behind). Prints "N passed, N failed" last.
"""
import asyncio
import base64
import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import websockets
from pycheck import check, summary

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, "tests", "peers")
STANDIN = os.path.join(PEERS, "axiom_standin.js")
FRAMES = open(os.path.join(ROOT, "tests", "data", "frames.jsonl"), encoding="utf-8").read().split("\n")

BONK = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"
WALLET = "5tzFkiKscXHK5ZXCGbXZxdw7gTjjD1mBwuoFbhUvuAi9"
PAIR = "82Tg9AstH3eyTkkMF4jAA1aQyRMeH6jmyHa5osnxvg8E"
TOKEN = "FFcYgSSgWHforA9rXXkA48p8YFoz8TSW85Jpo3CQHDyS"
HEADERS_2 = {  # PROTOCOL.md 2, besides Cookie and Origin
    "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
    "Cache-Control": "no-cache", "Pragma": "no-cache", "Accept-Language": "en-US,en;q=0.9",
}



def line(n):
    return FRAMES[n - 1]


def jwt_payload(tok):
    p = tok.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))


class Standin:
    """One stand-in process; collects its event lines in a thread."""

    def __init__(self, args, certdir=None):
        cmd = ["node", STANDIN, "--lifetime", "60", "--exit-on-eof"] + list(args)
        self.tls = certdir is not None
        if self.tls:
            cmd += ["--cert", os.path.join(certdir, "server.pem"), "--key", os.path.join(certdir, "server.key")]
            self.ctx = ssl.create_default_context(cafile=os.path.join(certdir, "ca.pem"))
        else:
            self.ctx = None
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8")
        self.events = []
        self.cv = threading.Condition()
        first = self.proc.stdout.readline()
        try:
            self.hello = json.loads(first)
        except ValueError:
            raise RuntimeError("stand-in did not start: %r %s" % (first, self.proc.stderr.read()))
        self.port = self.hello["port"]
        self.events.append(self.hello)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for ln in self.proc.stdout:
            try:
                ev = json.loads(ln)
            except ValueError:
                ev = {"event": "unparsable", "line": ln}
            with self.cv:
                self.events.append(ev)
                self.cv.notify_all()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        try:
            self.stderr_text = self.proc.stderr.read()
        except (OSError, ValueError):
            self.stderr_text = ""
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass

    def wait_event(self, pred, timeout=2.0, start=0):
        """First event at index >= start matching pred, waiting up to timeout."""
        end = time.monotonic() + timeout
        with self.cv:
            while True:
                for ev in self.events[start:]:
                    if pred(ev):
                        return ev
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cv.wait(left)

    def mark(self):
        with self.cv:
            return len(self.events)

    # ---- HTTP
    def http(self, method, path, body=None, headers=None, timeout=3.0):
        if self.tls:
            c = http.client.HTTPSConnection("localhost", self.port, context=self.ctx, timeout=timeout)
        else:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.getheaders(), r.read().decode("utf-8", "replace")
        finally:
            c.close()

    def mint(self, ttl=60):
        st, _, body = self.http("GET", "/__mint?ttl=%s" % ttl)
        assert st == 200, body
        return json.loads(body)

    def fault(self, **kw):
        st, _, body = self.http("POST", "/__fault", json.dumps(kw), {"Content-Type": "application/json"})
        return st, json.loads(body)

    def send(self, **kw):
        st, _, body = self.http("POST", "/__send", json.dumps(kw), {"Content-Type": "application/json"})
        return st, json.loads(body)

    def state(self):
        st, _, body = self.http("GET", "/__state")
        assert st == 200
        return json.loads(body)

    def refresh(self, refresh_tok=None, access_tok=None, body=None, ctype="application/json", method="POST"):
        cookies = []
        if refresh_tok is not None:
            cookies.append("auth-refresh-token=" + refresh_tok)
        if access_tok is not None:
            cookies.append("auth-access-token=" + access_tok)
        h = {"Content-Type": ctype}
        if cookies:
            h["Cookie"] = "; ".join(cookies)
        if body is None:
            body = json.dumps({"v": int(time.time() * 1000)}, separators=(",", ":"))
        return self.http(method, "/refresh-access-token", body, h)

    # ---- WebSocket
    def url(self, path="/", host=None):
        return "%s://%s:%d%s" % ("wss" if self.tls else "ws", host or ("localhost" if self.tls else "127.0.0.1"),
                                 self.port, path)

    def connect(self, pair=None, access=None, refresh=None, origin="https://axiom.trade", path="/",
                host=None, headers=None, timeout=2.0, **kw):
        h = dict(HEADERS_2)
        if headers:
            h.update(headers)
        if pair is not None:
            access, refresh = pair["access_token"], pair["refresh_token"]
        parts = []
        if access is not None:
            parts.append("auth-access-token=" + access)
        if refresh is not None:
            parts.append("auth-refresh-token=" + refresh)
        if parts:
            h["Cookie"] = "; ".join(parts)
        return websockets.connect(self.url(path, host), ssl=self.ctx, extra_headers=h, origin=origin,
                                  user_agent_header=None, compression=None, open_timeout=timeout,
                                  ping_interval=None, close_timeout=1, **kw)


async def upgrade_status(si, **kw):
    """HTTP status of an upgrade attempt (101 when it succeeded), and the exception's headers."""
    try:
        ws = await si.connect(**kw)
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code, e.headers
    await ws.close()
    return 101, None


async def join(ws, *rooms, action="join"):
    for r in rooms:
        await ws.send(json.dumps({"action": action, "room": r}, separators=(",", ":")))


async def collect(ws, seconds):
    """Every message received within `seconds`; stops early if the connection ends."""
    out = []
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return out
        try:
            out.append(await asyncio.wait_for(ws.recv(), left))
        except asyncio.TimeoutError:
            return out
        except websockets.exceptions.ConnectionClosed:
            return out


def client_id(si, mark):
    ev = si.wait_event(lambda e: e["event"] == "connected", start=mark)
    return ev["client"] if ev else None


# ------------------------------------------------------------------------------------------
# The tests, on one TLS stand-in (A) and one plain one with command-line faults (B)

def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


ROOM_CHECKS = {
    "new_pairs": lambda c: isinstance(c, dict) and all(k in c for k in (
        "pair_address", "signature", "token_address", "token_name", "token_ticker", "token_decimals",
        "protocol", "protocol_details", "open_trading", "supply", "slot")),
    "sol_price": lambda c: is_num(c) and c > 0,
    "block_hash": lambda c: isinstance(c, str) and re.fullmatch(r"[1-9A-HJ-NP-Za-km-z]{32,44}", c),
    "sol-priority-fee": lambda c: is_num(c) and c > 0,
    "connection_monitor": lambda c: isinstance(c, int) and abs(c - time.time() * 1000) < 60000,
    "e-" + TOKEN: lambda c: isinstance(c, str) and c.isdigit(),
    "s:" + TOKEN: lambda c: isinstance(c, dict) and isinstance(c.get("active_users"), int),
    "v:" + WALLET: lambda c: isinstance(c, dict) and c.get("maker_address") == WALLET and c.get("type") in ("buy", "sell")
    and isinstance(c.get("pair"), dict) and is_num(c.get("price_usd")),
    "t:" + PAIR: lambda c: isinstance(c, list) and len(c) == 17 and isinstance(c[0], str) and isinstance(c[2], int)
    and c[3] in (0, 1),
    "f:" + PAIR: lambda c: isinstance(c, list) and len(c) == 17,
    "td:" + PAIR: lambda c: isinstance(c, list) and len(c) == 2,
    "a:" + BONK: lambda c: isinstance(c, list) and len(c) == 9,
    "lighthouse": lambda c: isinstance(c, dict) and "5m" in c,
    BONK: lambda c: is_num(c) and c > 0,
}


async def test_tokens_and_upgrade(si):
    check(si.hello["event"] == "listening" and si.port > 0 and si.hello["tls"] is True
          and si.hello["url"] == "wss://127.0.0.1:%d/" % si.port, "listening line first, with port and url")
    pair = si.mint(60)
    check(set(("access_token", "refresh_token", "expires_at")) <= set(pair), "mint returns a token-file shaped pair")
    p = jwt_payload(pair["access_token"])
    check(p["exp"] - p["iat"] == 60 and p["jti"] == pair["access_jti"], "access JWT has exp = iat + ttl and its jti")
    check("exp" not in jwt_payload(pair["refresh_token"]), "refresh JWT has no exp")
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", pair["expires_at"]) is not None, "expires_at is RFC 3339")

    m = si.mark()
    st, _ = await upgrade_status(si)
    check(st == 401, "no cookie -> 401 (got %s)" % st)
    ev = si.wait_event(lambda e: e["event"] == "upgrade", start=m)
    check(ev and ev["status"] == 401 and ev["reason"] == "no access token", "upgrade event says why: %s" % ev)
    a = pair["access_token"]
    tampered = a[:-2] + ("AA" if a[-2:] != "AA" else "BB")
    st, _ = await upgrade_status(si, access=tampered, refresh=pair["refresh_token"])
    check(st == 401, "bad signature -> 401 (got %s)" % st)
    st, _ = await upgrade_status(si, access=pair["refresh_token"], refresh=pair["refresh_token"])
    check(st == 401, "refresh token as access token -> 401 (got %s)" % st)
    st, _ = await upgrade_status(si, pair=si.mint(-5))
    check(st == 403, "expired token -> 403 (got %s)" % st)
    st, _ = await upgrade_status(si, pair=pair, origin="https://evil.example")
    check(st == 403, "wrong Origin -> 403 (got %s)" % st)
    st, _ = await upgrade_status(si, pair=pair, path="/x")
    check(st == 404, "path /x -> 404 (got %s)" % st)
    st, _ = await upgrade_status(si, pair=pair, path="//")
    check(st == 502, "path // -> 502 like the real service (got %s)" % st)
    m = si.mark()
    st, _ = await upgrade_status(si, pair=pair)
    check(st == 101, "valid token -> 101 (got %s)" % st)
    ev = si.wait_event(lambda e: e["event"] == "upgrade" and e.get("status") == 101, start=m)
    check(ev is not None and ev["access_jti"] == pair["access_jti"] and ev["headers"]["origin"] == "https://axiom.trade"
          and ev["headers"]["pragma"] == "no-cache" and "cookie" not in ev["headers"]
          and ev["cookie_names"] == ["auth-access-token", "auth-refresh-token"] and "header_problems" not in ev,
          "upgrade event: headers seen, token by jti only, no problems: %s" % ev)
    check(pair["access_token"] not in json.dumps(si.events), "tokens never appear in event lines")
    # the server clock offset makes a 60 s token expired
    si.fault(clock_offset=120)
    st, _ = await upgrade_status(si, pair=pair)
    check(st == 403, "clock offset past exp -> 403 (got %s)" % st)
    si.fault(clock_offset=0)
    return pair


async def test_rooms(si, pair):
    m = si.mark()
    async with si.connect(pair=pair) as ws:
        cid = client_id(si, m)
        rooms = list(ROOM_CHECKS)
        await join(ws, *rooms)
        msgs = await collect(ws, 1.0)
        by_room = {}
        for t in msgs:
            o = json.loads(t)
            by_room.setdefault(o.get("room"), []).append(o["content"])
        for r in rooms:
            got = by_room.get(r, [])
            check(len(got) >= 2 and all(ROOM_CHECKS[r](c) for c in got),
                  "room %s: %d frames of the right shape (first: %s)" % (r, len(got), str(got[:1])[:200]))
        check(set(by_room) <= set(rooms), "only joined rooms arrive: %s" % (set(by_room) - set(rooms)))
        check(by_room.get("new_pairs", [None])[0] == json.loads(line(1))["content"],
              "new_pairs starts with the captured frame")
        check(len(set(by_room.get(BONK, []))) >= 3, "mint price moves (random walk): %s" % by_room.get(BONK, [])[:5])
        check(any(isinstance(c, dict) and "reason" in c for c in by_room.get("s:" + TOKEN, [])),
              "s: stream carries a content with reason (frames.jsonl line 24)")
        st = si.state()
        me = [c for c in st["clients"] if c["id"] == cid]
        check(me and me[0]["rooms"] == rooms, "/__state lists rooms in join order")
        check(me and me[0]["sent"] >= len(msgs), "/__state counts messages sent")
        # duplicate join and leave of an unknown room change nothing
        m2 = si.mark()
        await join(ws, "sol_price")
        ev = si.wait_event(lambda e: e["event"] == "join", start=m2)
        check(ev and ev["duplicate"] is True and ev["canonical"] is True, "duplicate join is reported: %s" % ev)
        # leave stops a room
        await join(ws, "sol_price", "new_pairs", "lighthouse", action="leave")
        ev = si.wait_event(lambda e: e["event"] == "leave" and e["room"] == "lighthouse", start=m2)
        check(ev and ev["was_joined"] is True, "leave event")
        await collect(ws, 0.15)  # frames already in flight
        after = [json.loads(t)["room"] for t in await collect(ws, 0.5)]
        check(after and not {"sol_price", "new_pairs", "lighthouse"} & set(after),
              "left rooms stop, others go on: %s" % sorted(set(after)))
        st = si.state()
        check(st["issued"]["access_tokens"][0]["jti"] == pair["access_jti"] and not st["issued"]["access_tokens"][0]["expired"],
              "/__state lists issued tokens by jti")
        me = [c for c in st["clients"] if c["id"] == cid]
        check(me and me[0]["rooms"] == [r for r in rooms if r not in ("sol_price", "new_pairs", "lighthouse")],
              "/__state rooms after leave")
        # non-JSON from the client is reported, the connection stays
        m3 = si.mark()
        await ws.send("hello?")
        ev = si.wait_event(lambda e: e["event"] == "client_message", start=m3)
        check(ev and ev["problem"] == "not a join or leave", "a bad client message is reported")
        check(len(await collect(ws, 0.2)) > 0, "connection stays up after a bad client message")
    ev = si.wait_event(lambda e: e["event"] == "disconnect" and e["client"] == cid)
    check(ev and ev["code"] == 1000 and ev["by"] == "client", "disconnect event with the client's close code: %s" % ev)


async def test_refresh(si, pair):
    st, hdrs, body = si.refresh(pair["refresh_token"], pair["access_token"])
    cookies = [v for k, v in hdrs if k.lower() == "set-cookie"]
    acc = [c for c in cookies if c.startswith("auth-access-token=")]
    check(st == 200 and len(acc) == 1, "refresh -> 200 with an auth-access-token cookie (%s %s)" % (st, body))
    check(acc and acc[0].endswith("; Path=/; HttpOnly; Secure; SameSite=Lax"), "cookie attributes as PROTOCOL.md 3")
    check(any(c.startswith("__cf_bm=") for c in cookies), "a Cloudflare cookie comes along, as from the real hosts")
    check(not any(c.startswith("auth-refresh-token=") for c in cookies), "no new refresh token without rotation")
    new = acc[0].split(";")[0].split("=", 1)[1] if acc else ""
    st2, _ = await upgrade_status(si, access=new, refresh=pair["refresh_token"])
    check(st2 == 101, "the refreshed access token opens a socket")
    check(si.refresh(None, pair["access_token"])[0] == 401, "refresh without the refresh cookie -> 401")
    check(si.refresh("x.y.z")[0] == 401, "refresh with a bad refresh token -> 401")
    check(si.refresh(pair["access_token"])[0] == 401, "refresh with an access token as refresh -> 401")
    check(si.refresh(pair["refresh_token"], body="{}")[0] == 400, "refresh body without v -> 400")
    check(si.refresh(pair["refresh_token"], ctype="text/plain")[0] == 400, "refresh without JSON content-type -> 400")
    check(si.refresh(pair["refresh_token"], method="GET")[0] == 405, "GET refresh -> 405")
    # rotation
    p2 = si.mint(60)
    si.fault(rotate_refresh=True)
    st, hdrs, _ = si.refresh(p2["refresh_token"])
    cookies = [v for k, v in hdrs if k.lower() == "set-cookie"]
    rr = [c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("auth-refresh-token=")]
    check(st == 200 and len(rr) == 1, "rotate: a new refresh token cookie")
    check(si.refresh(p2["refresh_token"])[0] == 401, "rotate: the old refresh token is revoked")
    check(rr and si.refresh(rr[0])[0] == 200, "rotate: the new refresh token works")
    si.fault(rotate_refresh=False, access_ttl=30)
    st, hdrs, _ = si.refresh(si.mint(60)["refresh_token"])
    acc = [c.split(";")[0].split("=", 1)[1] for k, c in hdrs if k.lower() == "set-cookie" and c.startswith("auth-access-token=")]
    p = jwt_payload(acc[0]) if acc else {}
    check(st == 200 and p.get("exp", 0) - p.get("iat", 0) == 30, "access_ttl 30: refreshed token lives 30 s")
    si.fault(refresh_chunked=True)
    st, hdrs, body = si.refresh(si.mint(60)["refresh_token"])
    hd = {k.lower(): v for k, v in hdrs}
    check(st == 200 and hd.get("transfer-encoding") == "chunked" and "content-length" not in hd
          and json.loads(body) == {"success": True}, "refresh_chunked: a chunked answer (%s)" % hd)
    si.fault(refresh_chunked=False)
    si.fault(revoke_refresh=True, access_ttl=960)
    check(si.refresh(pair["refresh_token"])[0] == 401, "revoke_refresh: issued refresh tokens get 401")
    pair2 = si.mint(60)
    check(si.refresh(pair2["refresh_token"])[0] == 200, "revoke_refresh: a later refresh token works")
    served = si.state()["refreshes"]["served"]
    check(served == 6, "/__state counts refreshes served (%s)" % served)
    # refresh faults
    for f, want in (("500", 500), ("502", 502), ("401", 401)):
        si.fault(refresh_fault=f)
        check(si.refresh(pair2["refresh_token"])[0] == want, "refresh_fault %s" % f)
    si.fault(refresh_fault="no_cookie")
    st, hdrs, _ = si.refresh(pair2["refresh_token"])
    check(st == 200 and not any(k.lower() == "set-cookie" for k, _ in hdrs), "refresh_fault no_cookie: 200, no Set-Cookie")
    si.fault(refresh_fault="stall", refresh_fault_count=1)
    t0 = time.monotonic()
    try:
        si.http("POST", "/refresh-access-token", "{}", timeout=0.6)
        stalled = False
    except (TimeoutError, OSError):
        stalled = True
    check(stalled and time.monotonic() - t0 >= 0.5, "refresh_fault stall: no answer")
    check(si.refresh(pair2["refresh_token"])[0] == 200, "refresh_fault_count 1: the next refresh works again")
    si.fault(clear=True)


async def test_connection_faults(si, pair):
    # drop after N messages: TCP ends with no close frame
    m = si.mark()
    async with si.connect(pair=pair) as ws:
        cid = client_id(si, m)
        st, body = si.fault(drop_after=3)
        for n in (2, 3, 4, 5):
            si.send(line=n, client=cid)
        got = await collect(ws, 1.5)
        ev = si.wait_event(lambda e: e["event"] == "fault" and e["fault"] == "drop", start=m)
        check(st == 200 and got == [line(2), line(3), line(4)] and ws.closed,
              "drop_after 3: three messages, then dropped (%d)" % len(got))
        check(ws.close_code == 1006, "drop: no close frame (code %s)" % ws.close_code)
        sent = ev["after_messages"] if ev else -1
        st_closed = [c for c in si.state()["closed"] if c["id"] == cid]
        check(st_closed and st_closed[0]["sent"] == sent and st_closed[0]["by"] == "server-drop",
              "drop recorded in /__state closed list")
    # drop with a TCP reset, under TLS
    m = si.mark()
    async with si.connect(pair=pair) as ws:
        cid = client_id(si, m)
        await join(ws, "block_hash")
        await collect(ws, 0.1)
        si.fault(drop=True, drop_mode="rst", client=cid)
        await collect(ws, 1.0)
        ev = si.wait_event(lambda e: e["event"] == "fault" and e["fault"] == "drop" and e["client"] == cid, start=m)
        check(ws.close_code == 1006 and ev and ev["mode"] == "rst", "drop_mode rst: %s %s" % (ws.close_code, ev))
        check(si.wait_event(lambda e: e["event"] == "disconnect" and e["client"] == cid, start=m) is not None,
              "after an RST drop the connection is gone from the stand-in too")
    # the fault was for current connections only: a new one is not dropped
    async with si.connect(pair=pair) as ws:
        await join(ws, "sol_price")
        got = await collect(ws, 0.4)
        check(len(got) >= 5 and not ws.closed, "drop_after applies to current connections only by default")

    # stall: no messages, pings unanswered, TCP open; resume brings them back
    m = si.mark()
    async with si.connect(pair=pair) as ws:
        cid = client_id(si, m)
        await join(ws, "sol_price")
        await collect(ws, 0.1)
        si.fault(stall=True, client=cid)
        await collect(ws, 0.1)
        waiter = await ws.ping()
        try:
            await asyncio.wait_for(asyncio.shield(waiter), 0.6)
            ponged = True
        except asyncio.TimeoutError:
            ponged = False
        got = await collect(ws, 0.3)
        check(not ponged and not got and ws.open, "stall: no pong, no messages, socket open")
        si.fault(stall=False, client=cid)
        try:
            await asyncio.wait_for(waiter, 1.0)
            ponged = True
        except asyncio.TimeoutError:
            ponged = False
        got = await collect(ws, 0.3)
        check(ponged and got, "stall false resumes (pong and messages)")
    # server pings every N ms, the client answers, the stand-in reports the pongs
    m = si.mark()
    async with si.connect(pair=pair) as ws:
        cid = client_id(si, m)
        si.fault(ping_ms=50, client=cid)
        await collect(ws, 0.4)
        pongs = [e for e in si.events[m:] if e["event"] == "pong" and e["client"] == cid and e["matched"]]
        check(len(pongs) >= 3, "ping_ms 50: pings sent and pongs seen (%d)" % len(pongs))
        # the client's own ping is answered and reported
        await asyncio.wait_for(await ws.ping(b"hi"), 1)
        check(si.wait_event(lambda e: e["event"] == "ping" and e["client"] == cid, start=m) is not None,
              "client ping reported")
    # close with a code and reason
    for code, reason in ((4001, "bye"), (1013, "try again later")):
        async with si.connect(pair=pair) as ws:
            await join(ws, "block_hash")
            si.fault(close={"code": code, "reason": reason})
            await collect(ws, 1.0)
            check(ws.close_code == code and ws.close_reason == reason,
                  "close %d: client saw %s %r" % (code, ws.close_code, ws.close_reason))
    st, body = si.fault(close={"code": 1005})
    check(st == 400, "a close code that cannot be sent is refused: %s" % body)
    st, body = si.fault(dorp_after=1)
    check(st == 400 and "unknown key" in body["error"], "unknown fault keys are refused")
    # scope all: applies to new connections too, until cleared
    si.fault(drop_after=2, scope="new")
    async with si.connect(pair=pair) as ws:
        await join(ws, "sol_price")
        got = await collect(ws, 1.0)
        check(len(got) == 2 and ws.close_code == 1006, "drop_after 2 scope new: 2 messages then drop (%d)" % len(got))
    si.fault(clear=True)
    # close after N, stall after N (for new connections), rate 0 silences a room
    m = si.mark()
    async with si.connect(pair=pair) as ws:
        cid = client_id(si, m)
        si.fault(close_after=2, close_code=4002, close_reason="after two")
        for n in (2, 3, 4):
            si.send(line=n, client=cid)
        got = await collect(ws, 1.0)
        check(len(got) == 2 and ws.close_code == 4002 and ws.close_reason == "after two",
              "close_after 2: two messages then close 4002 (%d, %s)" % (len(got), ws.close_code))
    si.fault(stall_after=1, scope="new")
    m = si.mark()
    async with si.connect(pair=pair) as ws:
        cid = client_id(si, m)
        si.fault(stall_after=None, scope="new")
        await join(ws, "sol_price")
        got = await collect(ws, 0.5)
        check(len(got) == 1 and ws.open, "stall_after 1 scope new: one message then silence (%d)" % len(got))
        si.fault(drop=True, client=cid)
        await collect(ws, 1.0)
        check(ws.close_code == 1006, "a stalled connection can still be dropped")
    async with si.connect(pair=pair) as ws:
        si.fault(rates={"block_hash": 0})
        await join(ws, "block_hash", "sol_price")
        got = [json.loads(t)["room"] for t in await collect(ws, 0.4)]
        si.fault(rates={"block_hash": 20})
        check("block_hash" not in got and "sol_price" in got, "rate 0 silences a room at run time: %s" % set(got))
    si.fault(close={"code": 1013, "reason": "busy"}, scope="new")
    async with si.connect(pair=pair) as ws:
        await collect(ws, 1.0)
        check(ws.close_code == 1013 and ws.close_reason == "busy", "close scope new: closed right after the upgrade")
    si.fault(clear=True)
    check((await upgrade_status(si, pair=pair))[0] == 101, "clear: new connections are normal again")


async def test_upgrade_faults(si, pair):
    si.fault(upgrade_status=502)
    check((await upgrade_status(si, pair=pair))[0] == 502, "upgrade_status 502")
    si.fault(upgrade_status=429, retry_after=7)
    st, h = await upgrade_status(si, pair=pair)
    check(st == 429 and h is not None and h.get("Retry-After") == "7", "upgrade_status 429 with Retry-After 7")
    si.fault(upgrade_status=None, retry_after=None)
    check((await upgrade_status(si, pair=pair))[0] == 101, "upgrade_status null restores 101")
    si.fault(reject_upgrades=2)
    got = [(await upgrade_status(si, pair=pair))[0] for _ in range(3)]
    check(got == [502, 502, 101], "reject_upgrades 2: %s" % got)
    si.fault(stall_upgrades=1)
    try:
        await si.connect(pair=pair, timeout=0.5)
        timed_out = False
    except asyncio.TimeoutError:
        timed_out = True
    check(timed_out, "stall_upgrades 1: the upgrade is never answered")
    check((await upgrade_status(si, pair=pair))[0] == 101, "after the stalled upgrade, the next one works")
    # expire tokens early
    a = si.mint(600)
    check((await upgrade_status(si, pair=a))[0] == 101, "a fresh token works")
    si.fault(expire_tokens=True)
    check((await upgrade_status(si, pair=a))[0] == 403, "expire_tokens: the issued token now gets 403")
    check((await upgrade_status(si, pair=si.mint(600)))[0] == 101, "expire_tokens: a token minted after works")


async def test_switches(si, pair):
    pair = si.mint(60)  # test_upgrade_faults expired the earlier ones
    m = si.mark()
    async with si.connect(pair=pair) as ws:
        cid = client_id(si, m)
        si.fault(typed=True, rates={"typed": 40})
        got = await collect(ws, 0.5)
        si.fault(typed=False)
        typed = [t for t in got if t in [line(n) for n in range(17, 24)]]
        check(len(set(typed)) == 7, "typed switch: lines 17-23 byte for byte (%d distinct)" % len(set(typed)))
        await collect(ws, 0.1)
        si.fault(malformed=True, rates={"malformed": 40})
        await join(ws, "sol_price")
        got = await collect(ws, 0.4)
        si.fault(malformed=False)
        bad = [t for t in got if t in [line(n) for n in (14, 15, 16, 25)]]
        check(len(set(bad)) == 4 and "not json" in bad, "malformed switch: lines 14-16 and 25 byte for byte")
        check(any(t.startswith('{"room":"sol_price"') for t in got[got.index("not json"):] if "not json" in got),
              "good frames follow the non-JSON one on the same connection")
        # /__send: exact frames to one client, in order
        await collect(ws, 0.1)
        await join(ws, "sol_price", action="leave")
        await collect(ws, 0.1)
        si.send(line=25, client=cid)
        si.send(line=2, client=cid)
        si.send(raw="\u00e9t\u00e9 \U0001F680", client=cid)
        got = await collect(ws, 0.3)
        check(got == [line(25), line(2), "\u00e9t\u00e9 \U0001F680"], "/__send delivers exact frames in order: %s" % got)
        si.send(raw="bin", binary=True, client=cid)
        got = await collect(ws, 0.3)
        check(got == [b"bin"], "/__send binary frame")
        # MarketUpdate objects beside a mint room's prices
        si.fault(market_updates=True)
        await join(ws, BONK)
        got = [json.loads(t) for t in await collect(ws, 0.4)]
        si.fault(market_updates=False, drift=0.05, volatility=0)
        prices = [json.loads(t).get("content") for t in await collect(ws, 0.3)]
        prices = [x for x in prices if is_num(x)]
        si.fault(drift=0, volatility=0.02)
        check(len(prices) >= 3 and all(b > a for a, b in zip(prices, prices[1:])), "drift 0.05: the price rises: %s" % prices[:6])
        mu = [o for o in got if "room" not in o and o.get("token_mint") == BONK]
        check(mu and mu[0]["symbol"] == "BONK" and isinstance(mu[0]["timestamp"], int)
              and list(mu[0]) == list(json.loads(line(17))), "market_updates: MarketUpdate shape of line 17")


async def test_cli_faults(tmp):
    """A plain-HTTP stand-in with faults from the command line, a Host check and strict headers."""
    sb = Standin(["--secret", "s3cret", "--ws-only", "--expect-host", "auto", "--strict-headers",
                  "--drop-after", "2", "--rate", "default=30", "--hello", "--only-issued"])
    try:
        check(sb.hello["url"] == "ws://127.0.0.1:%d/" % sb.port and sb.hello["api_url"] is None, "plain listening line")
        pair = sb.mint(60)
        st, _ = await upgrade_status(sb, pair=pair, host="localhost")
        check(st == 400, "--expect-host: Host localhost:PORT refused (%s)" % st)
        st, _ = await upgrade_status(sb, pair=pair, headers={"Pragma": "cache"})
        check(st == 400, "--strict-headers: a wrong Pragma refused (%s)" % st)
        # an offline --mint pair signed with the same secret is valid... but not issued here
        out = subprocess.run(["node", STANDIN, "--mint", "--secret", "s3cret", "--ttl", "60"],
                             capture_output=True, text=True, timeout=10)
        off = json.loads(out.stdout)
        st, _ = await upgrade_status(sb, pair=off)
        check(st == 401, "--only-issued refuses a token minted elsewhere (%s)" % st)
        m = sb.mark()
        async with sb.connect(pair=pair) as ws:
            await join(ws, "connection_monitor")
            got = await collect(ws, 1.0)
            check(len(got) == 2 and json.loads(got[0]).keys() == {"session_id"} and ws.close_code == 1006,
                  "--hello then --drop-after 2: session object, one frame, drop (%s, %s)" % (got, ws.close_code))
        check(sb.http("POST", "/refresh-access-token", "{}")[0] == 404, "--ws-only: no refresh endpoint")
        st = sb.state()
        check(st["connections_total"] == 1 and st["upgrades"].get("400") == 2 and st["upgrades"].get("401") == 1,
              "/__state upgrade counts: %s" % st["upgrades"])
        bad = subprocess.run(["node", STANDIN, "--rate", "x"], capture_output=True, text=True, timeout=10)
        check(bad.returncode == 2, "bad arguments exit 2")
        ok = subprocess.run(["node", STANDIN, "--mint", "--secret", "s3cret", "--ttl", "60"], capture_output=True, text=True)
        sc = Standin(["--secret", "s3cret", "--write-tokens", os.path.join(tmp, "tok.json"), "--lighthouse-kb", "40"])
        try:
            st, _ = await upgrade_status(sc, pair=json.loads(ok.stdout))
            check(st == 101, "an offline --mint pair works on a server with the same secret")
            tf = json.load(open(os.path.join(tmp, "tok.json")))
            check(set(tf) == {"access_token", "refresh_token", "expires_at"}
                  and (os.stat(os.path.join(tmp, "tok.json")).st_mode & 0o777) == 0o600, "--write-tokens file, mode 0600")
            async with sc.connect(pair=tf) as ws:
                await join(ws, "lighthouse")
                got = await collect(ws, 0.3)
                check(got and len(got[0]) >= 40 * 1024 and "5m" in json.loads(got[0])["content"],
                      "--write-tokens tokens work; --lighthouse-kb 40 gives big frames (%d bytes)" % len(got[0] if got else ""))
        finally:
            sc.stop()
    finally:
        sb.stop()
    check(sb.proc.returncode is not None, "the stand-in was stopped")


async def main(certdir, tmp):
    si = Standin(["--rate", "default=20", "--seed", "7"], certdir)
    try:
        t0 = time.monotonic()
        pair = await test_tokens_and_upgrade(si)
        print("%-26s %.1fs" % ("test_tokens_and_upgrade", time.monotonic() - t0), flush=True)
        for t in (test_rooms, test_refresh, test_connection_faults, test_upgrade_faults, test_switches):
            t0 = time.monotonic()
            try:
                await t(si, pair)
            except Exception:
                check(False, "%s raised:\n%s" % (t.__name__, traceback.format_exc()))
            print("%-26s %.1fs" % (t.__name__, time.monotonic() - t0), flush=True)
        check(si.proc.poll() is None, "stand-in A still running after everything")
        check(not [e for e in si.events if e["event"] == "unparsable"], "every stdout line is JSON")
    finally:
        si.stop()
        if si.stderr_text:
            print("stand-in stderr:", si.stderr_text)
    t0 = time.monotonic()
    try:
        await test_cli_faults(tmp)
    except Exception:
        check(False, "test_cli_faults raised:\n%s" % traceback.format_exc())
    print("%-26s %.1fs" % ("test_cli_faults", time.monotonic() - t0), flush=True)


def run():
    if not os.path.isdir(os.path.join(PEERS, "node_modules", "ws")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEERS, check=False)
    tmp = tempfile.mkdtemp(prefix="axiomws-standin-")
    try:
        certdir = os.path.join(tmp, "pki")
        subprocess.run([os.path.join(PEERS, "mkcerts.sh"), certdir], check=True)
        asyncio.run(main(certdir, tmp))
    except Exception:
        check(False, "setup raised:\n%s" % traceback.format_exc())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(run())
