#!/bin/bash
# `make demo`: examples/price_monitor (the seed's multi-token price monitor) for about 20 s.
#
# With real tokens configured (AXIOM_ACCESS_TOKEN set, or ./.axiom_tokens.json present) it
# connects to the real Axiom service (region Global, the system CA bundle). Otherwise it starts
# the local stand-in (tests/peers/axiom_standin.js) over wss:// with a throw-away CA made by
# tests/peers/mkcerts.sh in a temporary directory (plain ws:// if that cannot be made), tokens
# written to a temporary token file, and a price drift so alerts fire; midway it makes the
# stand-in drop the connection (POST /__fault {"drop":true}), so the monitor reconnects and
# joins its rooms again, and shows the rooms the stand-in sees on the new connection. The
# stand-in is always stopped, and the temporary directory removed, whatever happens.
#
# Environment: DEMO_SECONDS (default 20), MONITOR (default build/price_monitor).
cd "$(dirname "$0")/.."
MONITOR=${MONITOR:-build/price_monitor}
SECONDS_TOTAL=${DEMO_SECONDS:-20}
[[ -x $MONITOR ]] || { echo "demo: $MONITOR is missing (make examples)" >&2; exit 1; }

if [[ -n ${AXIOM_ACCESS_TOKEN:-} || -f .axiom_tokens.json ]]; then
    src=$([[ -n ${AXIOM_ACCESS_TOKEN:-} ]] && echo "AXIOM_ACCESS_TOKEN" || echo "./.axiom_tokens.json")
    echo "demo: real tokens found ($src): running $MONITOR against the REAL Axiom service (region Global) for ${SECONDS_TOTAL} s"
    echo "demo: (the service sits behind Cloudflare, which has been seen refusing TLS handshakes that do not look"
    echo "demo:  like a browser's; if it does, give the monitor a plain ws:// relay with --url)"
    "$MONITOR" --new-tokens --duration "$SECONDS_TOTAL"
    rc=$?
    echo "demo: price_monitor exited $rc"
    exit $rc
fi

tmp=$(mktemp -d /tmp/axws-demo.XXXXXX)
standin= monitor=
cleanup() {
    # the monitor first (SIGINT: it disconnects gracefully), then the stand-in
    [[ -n $monitor ]] && kill -INT "$monitor" 2>/dev/null && wait "$monitor" 2>/dev/null
    [[ -n $standin ]] && kill "$standin" 2>/dev/null && wait "$standin" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

tls_args=() scheme=ws api=http mon_tls=()
if tests/peers/mkcerts.sh "$tmp/pki" >"$tmp/mkcerts.log" 2>&1; then
    tls_args=(--cert "$tmp/pki/server.pem" --key "$tmp/pki/server.key")
    scheme=wss api=https
    mon_tls=(--ca "$tmp/pki/ca.pem" --servername localhost)
else
    echo "demo: could not make a test CA (tests/peers/mkcerts.sh, needs openssl): plain ws:// instead"
fi

# one price a second per token, drifting up 0.5 % a step with 1 % noise: alerts at 2 % moves
node tests/peers/axiom_standin.js "${tls_args[@]}" --write-tokens "$tmp/tokens.json" \
    --rate mint=1 --rate new_pairs=0.2 --volatility 0.01 --drift 0.005 --market-updates \
    --lifetime $((SECONDS_TOTAL + 30)) >"$tmp/standin.log" 2>"$tmp/standin.err" &
standin=$!
for _ in $(seq 100); do [[ -s $tmp/standin.log ]] && break; sleep 0.1; done
port=$(head -n 1 "$tmp/standin.log" | sed -n 's/.*"port":\([0-9]*\).*/\1/p')
if [[ -z $port ]]; then
    echo "demo: the stand-in did not start:" >&2
    cat "$tmp/standin.err" >&2
    exit 1
fi

# a control request to the stand-in (no curl needed): ctl METHOD PATH [JSON]
ctl() {
    /usr/bin/python3 - "$api://localhost:$port$2" "$1" "${3:-}" "$tmp/pki/ca.pem" <<'EOF'
import json, ssl, sys, urllib.request
url, method, body, ca = sys.argv[1:5]
ctx = ssl.create_default_context(cafile=ca) if url.startswith("https:") else None
req = urllib.request.Request(url, method=method, data=body.encode() if body else None,
                             headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, context=ctx, timeout=5) as r:
    state = json.loads(r.read())
if "clients" in state:  # GET /__state: the rooms of each open connection, in join order
    for c in state["clients"]:
        print("demo: the stand-in's connection %d has joined: %s" % (c["id"], ", ".join(c["rooms"])))
EOF
}

echo "demo: no real tokens (set AXIOM_ACCESS_TOKEN or write ./.axiom_tokens.json for the real service):"
echo "demo: local stand-in on $scheme://127.0.0.1:$port/, running price_monitor against it for ${SECONDS_TOTAL} s"
echo "demo: $MONITOR --url $scheme://127.0.0.1:$port/ --api-url $api://127.0.0.1:$port --token-file \$tmp/tokens.json${mon_tls:+ --ca \$tmp/pki/ca.pem --servername localhost} --new-tokens --duration $SECONDS_TOTAL"
"$MONITOR" --url "$scheme://127.0.0.1:$port/" --api-url "$api://127.0.0.1:$port" --token-file "$tmp/tokens.json" \
    "${mon_tls[@]}" --new-tokens --duration "$SECONDS_TOTAL" > >(sed -u 's/^/  /') 2>&1 &
monitor=$!

sleep $((SECONDS_TOTAL / 2))
echo "demo: forcing a reconnect: the stand-in drops the connection now (POST /__fault {\"drop\":true})"
ctl POST /__fault '{"drop":true}' >/dev/null || echo "demo: the fault request failed"
sleep 2
ctl GET /__state || echo "demo: the state request failed"

wait $monitor
rc=$?
monitor=
sleep 0.2 # let the indenting sed write its last lines
echo "demo: price_monitor exited $rc; stopping the stand-in"
exit $rc
