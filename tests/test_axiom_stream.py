#!/usr/bin/python3
"""tests/test_axiom_stream.py - examples/axiom_stream (build/axiom_stream) against the stand-in:
--json lines for every event kind, subscriptions restored after a forced drop, keepalive against
a stalled server, tokens never printed, exit codes (0 at --duration, 2 bad arguments, 1 fatal
configuration)."""
import json, os, shutil, signal, subprocess, sys, tempfile, threading, time, urllib.request, ssl
from pycheck import check, summary

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TOOL = os.path.join(ROOT, os.environ.get("AXIOM_STREAM", "build/axiom_stream"))


class StandIn:
    def __init__(self, tmp, *args):
        self.tmp = tmp
        self.tokens = os.path.join(tmp, "tokens.json")
        self.p = subprocess.Popen(
            ["node", os.path.join(HERE, "peers", "axiom_standin.js"), "--cert", os.path.join(tmp, "server.pem"),
             "--key", os.path.join(tmp, "server.key"), "--write-tokens", self.tokens, "--exit-on-eof",
             "--lifetime", "120", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
        first = json.loads(self.p.stdout.readline())
        self.port = first["port"]
        self.lines = []
        threading.Thread(target=self._read, daemon=True).start()
        self.ctx = ssl.create_default_context(cafile=os.path.join(tmp, "ca.pem"))

    def _read(self):
        for line in self.p.stdout:
            try:
                self.lines.append(json.loads(line))
            except ValueError:
                pass

    def control(self, path, body):
        req = urllib.request.Request("https://localhost:%d%s" % (self.port, path), data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=5) as r:
            return r.status

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()


def tool(s, *args, duration=None, env_extra=None, token_file=True):
    cmd = [TOOL, "--url", "wss://127.0.0.1:%d/" % s.port, "--ca", os.path.join(s.tmp, "ca.pem"),
           "--servername", "localhost", "--api-url", "https://127.0.0.1:%d" % s.port,
           *(["--token-file", s.tokens] if token_file else []), *args]
    if duration:
        cmd += ["--duration", str(duration)]
    env = dict(os.environ)
    env.pop("AXIOM_ACCESS_TOKEN", None)
    env.pop("AXIOM_REFRESH_TOKEN", None)
    env.update(env_extra or {})
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=s.tmp, env=env)


def events(out):
    evs = []
    for line in out.decode().splitlines():
        try:
            evs.append(json.loads(line))
        except ValueError:
            check(False, "not a JSON line: %r" % line[:200])
    return evs


def main():
    tmp = tempfile.mkdtemp(prefix="axws-stream-")
    s = None
    try:
        subprocess.run([os.path.join(HERE, "peers", "mkcerts.sh"), tmp], check=True, capture_output=True)
        s = StandIn(tmp, "--rate", "default=10", "--rate", "typed=10", "--rate", "malformed=10", "--typed",
                    "--malformed")
        tokens = json.load(open(s.tokens))

        # every event kind, one JSON object per line
        p = tool(s, "--json", "--new-tokens", "--token", "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263", "--room",
                 "sol_price", "--room", "t:pairX", "--wallet", "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU",
                 "--room", "e-tokY", "--room", "s:tokY", "--room", "block_hash", duration=3)
        out, err = p.communicate(timeout=20)
        check(p.returncode == 0, "exit 0 at --duration (got %d, %s)" % (p.returncode, err[:300]))
        evs = events(out)
        kinds = {e.get("kind") for e in evs if e.get("event") == "message"}
        check(evs and evs[0]["event"] == "connected" and evs[0]["session_id"].startswith("axws-")
              and evs[0]["url"] == "wss://127.0.0.1:%d/" % s.port, "first line is connected with session_id and url")
        check(evs[-1] == {"event": "disconnected", "reason": "disconnect requested"}, "last line: graceful disconnect")
        for k in ["new_pair", "sol_price", "trade", "wallet_trade", "active_users", "block_hash", "raw",
                  "market_update", "order_update", "trade_update", "balance_update", "error", "connected",
                  "disconnected"]:
            check(k in kinds, "a message of kind %s" % k)
        check(any(e.get("event") == "error" and e.get("kind") == "serialization" for e in evs),
              "the non-JSON frame is reported as a serialization error")
        check(any(e.get("kind") == "raw" and e.get("undecodable") for e in evs), "... and delivered raw")
        trade = next(e for e in evs if e.get("kind") == "trade")
        check(trade["room"] == "t:pairX" and isinstance(trade.get("values"), list) and len(trade["values"]) == 17
              and trade["values"][0] == trade["signature"], "trade arrays: names plus the positional list")
        np = next(e for e in evs if e.get("kind") == "new_pair")
        check(isinstance(np.get("protocol_details"), dict) and "token_name" in np, "new pair fields, nested kept")
        text = out.decode() + err.decode()
        check(tokens["access_token"] not in text and tokens["refresh_token"] not in text, "no token is printed")

        # a forced drop: disconnected, connected again, every room joined again
        p = tool(s, "--json", "--room", "sol_price", "--room", "block_hash", duration=4)
        time.sleep(1.5)
        check(s.control("/__fault", {"drop": True}) == 200, "drop fault")
        out, err = p.communicate(timeout=20)
        evs = events(out)
        names = [e["event"] for e in evs if e["event"] != "message"]
        check(names.count("connected") == 2 and names.count("disconnected") == 2, "one reconnect: %s" % names)
        after = [e for e in evs[[i for i, e in enumerate(evs) if e["event"] == "connected"][-1]:] if e.get("event") == "message"]
        check({e.get("room") for e in after} >= {"sol_price", "block_hash"}, "both rooms stream after the reconnect")

        # keepalive: a stalled server is declared dead within 2 x keepalive
        pings_before = sum(1 for e in s.lines if e.get("event") == "ping")
        p = tool(s, "--json", "--room", "sol_price", "--keepalive", "0.3", duration=3)
        time.sleep(1.2)
        # a steady beat even while messages keep arriving (10 a second here)
        check(sum(1 for e in s.lines if e.get("event") == "ping") - pings_before >= 2,
              "--keepalive 0.3 pings every 0.3 s while the room streams")
        check(s.control("/__fault", {"stall": True}) == 200, "stall fault")
        out, err = p.communicate(timeout=20)
        s.control("/__fault", {"stall": False})
        evs = events(out)
        dis = [e for e in evs if e["event"] == "disconnected"]
        check(dis and "dead-peer" in dis[0]["reason"], "stalled server detected: %s" % dis[:1])

        # stream health: a delayed room, a room that goes silent, a forced reconnect; --stats
        # against what the stand-in did (its own log counts the messages it sent)
        check(s.control("/__fault", {"delays": {"connection_monitor": 150}, "rates": {"connection_monitor": 10}}) == 200,
              "delay fault")
        p = tool(s, "--json", "--room", "connection_monitor", "--room", "sol_price", "--room", "block_hash",
                 "--silence", "block_hash=300", "--stats", "--stats-every", "1", "--keepalive", "0.2", duration=4)
        time.sleep(1.2)
        check(s.control("/__fault", {"rates": {"block_hash": 0}}) == 200, "silence block_hash")
        time.sleep(0.8)
        check(s.control("/__fault", {"rates": {"block_hash": 10}}) == 200, "block_hash again")
        check(s.control("/__fault", {"drop": True}) == 200, "drop fault")
        out, err = p.communicate(timeout=20)
        s.control("/__fault", {"delays": {"connection_monitor": 0}, "rates": {"connection_monitor": 10}})
        evs = events(out)
        stats = [e for e in evs if e["event"] == "stats"]
        msgs = [e for e in evs if e["event"] == "message"]
        check(len(stats) >= 3, "--stats-every 1 and --stats at the end: %d stats lines" % len(stats))
        last = stats[-1] if stats else {}
        check(last.get("messages") == len(msgs), "stats count every message printed (%s vs %d)" % (last.get("messages"), len(msgs)))
        check(last.get("reconnects") == 1 and last.get("connects") == 2, "one reconnect counted: %s" % {k: last.get(k) for k in ("connects", "reconnects")})
        lat = last.get("latency_ms", {})
        check(140 <= lat.get("p50", -1) <= 1000 and lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"],
              "latency percentiles show the 150 ms delay: %s" % lat)
        check(last.get("rtt_ms", -1) >= 0, "the ping round trip is measured")
        rooms = {r["room"]: r for r in last.get("rooms", [])}
        check(set(rooms) == {"connection_monitor", "sol_price", "block_hash"}, "one entry per room")
        for name, r in rooms.items():
            check(r["messages"] == sum(1 for e in msgs if e.get("room") == name), "room %s: messages counted" % name)
        check(rooms.get("block_hash", {}).get("silences", 0) >= 1, "block_hash went silent")
        cm = rooms.get("connection_monitor", {}).get("latency_ms", {})
        check(140 <= cm.get("p50", -1) <= cm.get("p90", -1) <= cm.get("p99", -1) <= cm.get("max", -1),
              "connection_monitor's own percentiles show the delay: %s" % cm)
        check(rooms.get("sol_price", {}).get("latency_ms", {}).get("p50") == -1, "sol_price has no timestamp")
        silent = [e for e in evs if e["event"] == "silent"]
        check(silent and all(e["room"] == "block_hash" and e["silent_ms"] >= 300 for e in silent), "silent events: %s" % silent[:2])
        gaps = [e for e in evs if e["event"] == "gap"]
        check(sorted(e["room"] for e in gaps) == ["block_hash", "connection_monitor", "sol_price"]
              and all(e["gap_ms"] > 0 and e["to_ms"] - e["from_ms"] == e["gap_ms"] for e in gaps),
              "after the drop, one gap event per room: %s" % gaps)
        check(last.get("gaps") == 3, "stats count the gaps")
        sent = sum(1 for e in s.lines if e.get("event") == "fault" and e.get("fault") == "drop")
        check(sent >= 1, "the stand-in dropped the connection")

        # --conflate: a burst of one room's updates, each delivered or counted in "conflated"
        check(s.control("/__fault", {"rates": {"sol_price": 400}}) == 200, "fast sol_price")
        p = tool(s, "--json", "--room", "sol_price", "--conflate", "sol_price", "--stats", duration=1.5)
        out, err = p.communicate(timeout=20)
        s.control("/__fault", {"rates": {"sol_price": 10}})
        evs = events(out)
        msgs = [e for e in evs if e["event"] == "message"]
        last = [e for e in evs if e["event"] == "stats"][-1]
        dropped = sum(e.get("conflated", 0) for e in msgs)
        check(len(msgs) + dropped == last["messages"] and dropped == last["conflated"],
              "conflation: %d delivered + %d dropped = %d received" % (len(msgs), dropped, last["messages"]))

        # human output is one line per event too
        p = tool(s, "--room", "sol_price", duration=1)
        out, err = p.communicate(timeout=20)
        lines = out.decode().splitlines()
        check(p.returncode == 0 and lines[0].startswith("connected") and lines[-1].startswith("disconnected"),
              "human output: %r" % lines[:1])

        # exit codes
        for args, code in [(["--bogus"], 2), (["--region", "Mars"], 2), (["--keepalive", "-1"], 2),
                           (["--duration", "x"], 2), (["--token"], 2)]:
            r = subprocess.run([TOOL, *args], capture_output=True, timeout=10)
            check(r.returncode == code, "%s exits %d (got %d)" % (args, code, r.returncode))
        r = subprocess.run([TOOL, "--url", "wss://127.0.0.1:1/", "--region", "Asia"], capture_output=True, timeout=10)
        check(r.returncode == 2, "--url with --region exits 2")
        r = subprocess.run([TOOL, "--token-file", os.path.join(tmp, "missing.json"), "--url", "ws://127.0.0.1:1/"],
                           capture_output=True, timeout=10)
        check(r.returncode == 1, "unreadable token file exits 1 (got %d)" % r.returncode)
        r = subprocess.run([TOOL, "--ca", os.path.join(tmp, "missing.pem"), "--url", "ws://127.0.0.1:1/"],
                           capture_output=True, timeout=10)
        check(r.returncode == 1, "unreadable CA exits 1 (got %d)" % r.returncode)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AXIOM_")}
        r = subprocess.run([TOOL, "--url", "ws://127.0.0.1:1/"], capture_output=True, timeout=10, cwd=tmp, env=env)
        check(r.returncode == 1 and b"no tokens" in r.stderr, "no token at all exits 1")
        # tokens from the environment
        p = tool(s, "--json", "--room", "sol_price", duration=1,
                 env_extra={"AXIOM_ACCESS_TOKEN": tokens["access_token"], "AXIOM_REFRESH_TOKEN": tokens["refresh_token"]},
                 token_file=False)
        out, err = p.communicate(timeout=20)
        check(p.returncode == 0 and b'"event":"connected"' in out, "tokens from the environment")
    finally:
        if s:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
