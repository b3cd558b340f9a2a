#!/bin/bash
# tests/test_proxy.sh - connecting through real proxies, with the echo example (--stdin: one
# line out, its echo back) and the Axiom client (axiom_stream against the stand-in):
#   tinyproxy (Debian's) for HTTP CONNECT: without authentication, with Basic authentication
#     (right, wrong and missing credentials: 407), and one that allows CONNECT to port 443
#     only (403 for ours);
#   microsocks (Debian's) for SOCKS5: without authentication and with user/password (right,
#     wrong: RFC 1929 failure, missing: no acceptable method), a server port with nothing
#     listening (reply 5, connection refused), names resolved by the proxy (socks5h://) or
#     here (socks5://);
#   tests/peers/drip_proxy.py, whose every answer byte comes alone: HTTP and SOCKS5, with
#     percent-encoded credentials, a 1xx interim answer and a 3000-byte header line, a
#     bound address given as a name, and its misbehaviours (garbage, an answer cut off,
#     bytes before the server spoke, silence); its log shows what the client asked for:
#     the server's name (socks5h://, HTTP) or address (socks5://), and the Host header;
#   a proxy port with nothing listening.
# Each for ws:// and wss:// where it matters (the TLS certificate is verified for the
# server's name, localhost, through the tunnel). Failures are checked by exit status and by
# axws_describe()'s line on stderr. The environment: http_proxy / https_proxy / all_proxy /
# no_proxy pick the proxy (or none) as for curl, --proxy "" overrides them. Every server is
# stopped on any exit. The plain builds (build/NAME; EXAMPLES_DIR=build/asan for the
# sanitizers): 45 runs of an ASan build take twice as long, and the tunnel's code runs
# under ASan+UBSan in test_proxy_driver, byte by byte, already.
cd "$(dirname "$0")/.."
BIN=${EXAMPLES_DIR:-build}
PY=/usr/bin/python3
unset http_proxy https_proxy all_proxy no_proxy HTTPS_PROXY ALL_PROXY NO_PROXY ws_proxy wss_proxy WS_PROXY WSS_PROXY
unset AXIOM_ACCESS_TOKEN AXIOM_REFRESH_TOKEN
passed=0 failed=0
source tests/scratch.sh proxy
die() { echo "FAIL $*"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
for t in tinyproxy microsocks; do command -v $t >/dev/null || die "$t is not installed (make deps installs it)"; done
[[ -x $BIN/echo ]] || die "$BIN/echo is not built"

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# wait_port PORT PID: until PORT accepts, or the process is gone (2 s at most)
wait_port() {
    local i
    for i in $(seq 100); do
        listening "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.02
    done
    return 1
}

# peer NAME COMMAND...: start a server that prints its port as its first line ("PORT n" or
# "n"); stdin is a pipe held open here, so the Python peers end with this script.
# peer_port NAME: wait for that line and set port_NAME (the peers start in parallel).
peer() {
    local name=$1; shift
    mkfifo "$tmp/$name.in"
    "$@" <"$tmp/$name.in" >"$tmp/$name.log" 2>"$tmp/$name.err" &
    pids+=($!)
    exec {fd}>"$tmp/$name.in" # held open until the end
}
peer_port() {
    local name=$1 i port=""
    for i in $(seq 250); do
        port=$(head -n 1 "$tmp/$name.log" 2>/dev/null | sed -n 's/^\(PORT \)\{0,1\}\([0-9][0-9]*\)$/\2/p')
        [[ -n $port ]] && break
        sleep 0.02
    done
    [[ -n $port ]] || die "$name did not start: $(cat "$tmp/$name.err")"
    printf -v "port_$name" %s "$port"
}

# tinyproxy NAME CONFIG-LINES...: on 127.0.0.1 and a free port, in the foreground; sets port_NAME
tinyproxy_start() {
    local name=$1 try port pid; shift
    for try in 1 2 3; do # a free port may be taken between the look and the bind
        port=$(free_port)
        { printf 'Port %s\nListen 127.0.0.1\nTimeout 10\nMaxClients 50\nAllow 127.0.0.1\nLogLevel Connect\n' "$port"
          printf '%s\n' "$@"; } >"$tmp/$name.conf"
        tinyproxy -d -c "$tmp/$name.conf" >"$tmp/$name.log" 2>&1 &
        pid=$!
        pids+=($pid)
        if wait_port "$port" "$pid"; then printf -v "port_$name" %s "$port"; return 0; fi
        kill "$pid" 2>/dev/null
    done
    die "tinyproxy $name did not start: $(tail -n 5 "$tmp/$name.log")"
}

# microsocks NAME ARGS...: sets port_NAME
microsocks_start() {
    local name=$1 try port pid; shift
    for try in 1 2 3; do
        port=$(free_port)
        microsocks -i 127.0.0.1 -p "$port" "$@" >"$tmp/$name.log" 2>&1 &
        pid=$!
        pids+=($pid)
        if wait_port "$port" "$pid"; then printf -v "port_$name" %s "$port"; return 0; fi
        kill "$pid" 2>/dev/null
    done
    die "microsocks $name did not start: $(tail -n 5 "$tmp/$name.log")"
}

# ---- the servers
tests/peers/mkcerts.sh "$tmp/pki" >/dev/null 2>&1 || die "mkcerts.sh"
axiom=0
if command -v node >/dev/null && [[ -d tests/peers/node_modules && -x $BIN/axiom_stream ]]; then
    axiom=1 # the Axiom client's stand-in and its proxy, started early: node takes a while
    node tests/peers/axiom_standin.js --write-tokens "$tmp/ax.tokens" --ttl 60 --expect-host auto --lifetime 60 \
        >"$tmp/standin.log" 2>"$tmp/standin.err" &
    pids+=($!)
    peer drip_ax $PY tests/peers/drip_proxy.py
fi
peer ws $PY tests/peers/py_echo.py
peer wss $PY tests/peers/py_echo.py --tls "$tmp/pki/server.pem" "$tmp/pki/server.key"
peer drip $PY tests/peers/drip_proxy.py
peer drip_auth $PY tests/peers/drip_proxy.py --user 'al ice' --password 'p@ss:w/rd%'
drips="chatty early garbage eof silent domain nomethod"
for m in $drips; do peer "drip_$m" $PY tests/peers/drip_proxy.py --mode $m; done
tinyproxy_start tp_open
tinyproxy_start tp_auth "BasicAuth alice s3cret"
tinyproxy_start tp_443 "ConnectPort 443"
microsocks_start ms_open
microsocks_start ms_auth -u alice -P s3cret
for p in ws wss drip drip_auth; do peer_port $p; done
for m in $drips; do peer_port "drip_$m"; done
closed=$(free_port) # nothing listens there

WS="ws://localhost:$port_ws/"
WSS="wss://localhost:$port_wss/"
CA=(--ca "$tmp/pki/ca.pem")

# The cases run in the background, six at a time (an ASan build takes most of a second to
# start); each writes its verdict to $tmp/rN ("" passed, else why), and settle waits for
# them and counts. Checks of a proxy's log come after a settle.
n=0
running=()
spawn() {
    local p live
    while :; do
        live=()
        for p in "${running[@]}"; do kill -0 "$p" 2>/dev/null && live+=("$p"); done
        running=("${live[@]}")
        ((${#running[@]} < 6)) && break
        wait -n
    done
    n=$((n + 1))
    "$@" "$tmp/r$n" "$tmp/c$n" &
    running+=($!)
}
settle() {
    local f
    wait "${running[@]}" 2>/dev/null
    running=()
    for f in "$tmp"/r*; do
        [[ -e $f ]] || continue
        if [[ -s $f ]]; then failed=$((failed + 1)); cat "$f"; else passed=$((passed + 1)); fi
        rm -f "$f"
    done
}
# echo_ok NAME PROXY URL [ENV...]: "hello" goes out through PROXY and comes back
echo_ok() { spawn run_ok "$@"; }
run_ok() {
    local name=$1 proxy=$2 url=$3 rc; shift 3
    local res=${*: -2:1} out=${*: -1}
    set -- "${@:1:$(($# - 2))}"
    local args=(--stdin --timeout 8)
    [[ $proxy != - ]] && args+=(--proxy "$proxy")
    [[ $url == wss:* ]] && args+=("${CA[@]}")
    printf 'hello\n' | env "$@" timeout 15 "$BIN/echo" "${args[@]}" "$url" >"$out.out" 2>"$out.err"
    rc=$?
    if [[ $rc -eq 0 && $(cat "$out.out") == hello ]]; then : >"$res"
    else echo "FAIL $name: exit $rc, stdout '$(cat "$out.out")', stderr: $(cat "$out.err")" >"$res"; fi
}
# echo_fails NAME PROXY URL REGEX...: exit 1, and stderr matches every REGEX
echo_fails() { spawn run_fails "$@"; }
run_fails() {
    local name=$1 proxy=$2 url=$3 rc re ok=1; shift 3
    local res=${*: -2:1} out=${*: -1}
    set -- "${@:1:$(($# - 2))}"
    local args=(--stdin --timeout 8 --proxy "$proxy")
    [[ $url == wss:* ]] && args+=("${CA[@]}")
    printf 'hello\n' | timeout 15 "$BIN/echo" "${args[@]}" "$url" >"$out.out" 2>"$out.err"
    rc=$?
    [[ $rc -eq 1 ]] || ok=0
    for re in "$@"; do grep -Eq -- "$re" "$out.err" || ok=0; done
    if ((ok)); then : >"$res"; else echo "FAIL $name: exit $rc, stderr: $(cat "$out.err")" >"$res"; fi
}
# logged NAME PROXY-LOG REGEX: the proxy's log has a line matching REGEX
logged() {
    if grep -Eq -- "$3" "$tmp/$2.log"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: no '$3' in $2's log: $(cat "$tmp/$2.log")"; fi
}

# ---- tunnels that work
echo_ok "ws:// through tinyproxy" "http://127.0.0.1:$port_tp_open" "$WS"
echo_ok "wss:// through tinyproxy (no scheme, as curl takes it)" "127.0.0.1:$port_tp_open" "$WSS"
echo_ok "ws:// through tinyproxy with Basic auth" "http://alice:s3cret@127.0.0.1:$port_tp_auth" "$WS"
echo_ok "wss:// through tinyproxy with Basic auth" "http://alice:s3cret@127.0.0.1:$port_tp_auth/" "$WSS"
echo_ok "ws:// through microsocks, socks5h" "socks5h://127.0.0.1:$port_ms_open" "$WS"
echo_ok "wss:// through microsocks, socks5" "socks5://127.0.0.1:$port_ms_open" "$WSS"
echo_ok "ws:// through microsocks with user/password" "socks5h://alice:s3cret@127.0.0.1:$port_ms_auth" "$WS"
echo_ok "wss:// through microsocks with user/password" "SOCKS5://alice:s3cret@127.0.0.1:$port_ms_auth" "$WSS"
echo_ok "ws:// through the drip proxy (HTTP)" "http://127.0.0.1:$port_drip" "$WS"
echo_ok "wss:// through the drip proxy, socks5h" "socks5h://127.0.0.1:$port_drip" "$WSS"
echo_ok "wss:// through the drip proxy, socks5" "socks5://127.0.0.1:$port_drip" "$WSS"
echo_ok "ws:// through the drip proxy, percent-encoded Basic credentials" \
    "http://al%20ice:p%40ss%3Aw%2Frd%25@127.0.0.1:$port_drip_auth" "$WS"
echo_ok "wss:// through the drip proxy, percent-encoded SOCKS5 credentials" \
    "socks5h://al%20ice:p@ss:w%2Frd%25@127.0.0.1:$port_drip_auth" "$WSS"
echo_ok "ws:// through a 1xx answer and a 3000-byte header line" "http://127.0.0.1:$port_drip_chatty" "$WS"
echo_ok "wss:// through a 1xx answer and a 3000-byte header line" "http://127.0.0.1:$port_drip_chatty" "$WSS"
echo_ok "wss:// with a SOCKS5 reply naming a 200-byte bound name" "socks5h://127.0.0.1:$port_drip_domain" "$WSS"
settle
logged "CONNECT names the server, Host too" drip "^HTTP CONNECT localhost:$port_ws HTTP/1.1 \| host=localhost:$port_ws \| auth=none$"
logged "socks5h:// sends the server's name" drip "^SOCKS5 methods=0 auth=none target=localhost:$port_wss$"
logged "socks5:// sends the address resolved here" drip "^SOCKS5 methods=0 auth=none target=(127\.0\.0\.1|::1):$port_wss$"
logged "Basic credentials decoded" drip_auth "^HTTP CONNECT .* auth=ok$"
logged "SOCKS5 offers none and user/password, credentials decoded" drip_auth "^SOCKS5 methods=0,2 auth=ok target=localhost:$port_wss$"

# ---- refusals and failures, told by axws_describe()
P="through the (HTTP|SOCKS5) proxy 127\.0\.0\.1:"
echo_fails "407 without credentials" "http://127.0.0.1:$port_tp_auth" "$WS" \
    "^echo: the proxy wants authentication" "connecting to localhost:$port_ws ${P}$port_tp_auth \(127\.0\.0\.1\)" \
    "reading the answer to CONNECT; the proxy answered HTTP 407: it wants a user name and password"
echo_fails "401 (tinyproxy) or 407 for a wrong password" "http://alice:wrong@127.0.0.1:$port_tp_auth" "$WSS" \
    "^echo: the proxy wants authentication" "HTTP 40[17]: it refused the user name and password"
echo_fails "403: CONNECT refused" "http://127.0.0.1:$port_tp_443" "$WS" \
    "^echo: the proxy did not open a tunnel to the server" "${P}$port_tp_443" "the proxy answered HTTP 403$"
echo_fails "SOCKS5 wrong password" "socks5h://alice:wrong@127.0.0.1:$port_ms_auth" "$WS" \
    "^echo: the proxy wants authentication" "reading the SOCKS5 verdict on them; the proxy refused the user name and password \(RFC 1929 status [1-9]"
echo_fails "SOCKS5 credentials missing" "socks5h://127.0.0.1:$port_ms_auth" "$WSS" \
    "^echo: the proxy wants authentication" "the proxy accepts none of the methods offered \(no authentication: it wants a user name and password"
echo_fails "SOCKS5 CONNECT refused (reply 5)" "socks5h://127.0.0.1:$port_ms_open" "ws://localhost:$closed/" \
    "^echo: the proxy did not open a tunnel" "reading the SOCKS5 reply; SOCKS5 reply 5 \(connection refused\)$"
echo_fails "nothing listens on the proxy's port" "http://127.0.0.1:$closed" "$WS" \
    "^echo: could not connect to the proxy, connecting to localhost:$port_ws through the HTTP proxy 127\.0\.0\.1:$closed \(127\.0\.0\.1\); errno 111"
echo_fails "SOCKS5 proxy not listening either" "socks5://127.0.0.1:$closed" "$WSS" "^echo: could not connect to the proxy"
echo_fails "an answer that is not HTTP" "http://127.0.0.1:$port_drip_garbage" "$WS" \
    "^echo: the proxy did not open a tunnel" "its answer does not follow its protocol|answer does not follow its protocol"
echo_fails "the proxy hangs up before answering" "http://127.0.0.1:$port_drip_eof" "$WSS" \
    "sending CONNECT|reading the answer to CONNECT" "the proxy closed the connection before it answered"
echo_fails "the SOCKS5 proxy hangs up before answering" "socks5h://127.0.0.1:$port_drip_eof" "$WS" \
    "reading the SOCKS5 reply; the proxy closed the connection before it answered"
echo_fails "no acceptable SOCKS5 method" "socks5h://u:p@127.0.0.1:$port_drip_nomethod" "$WS" \
    "accepts none of the methods offered \(no authentication, user/password\)"
echo_fails "bytes before the TLS handshake (wss://)" "http://127.0.0.1:$port_drip_early" "$WSS" \
    "^echo: the proxy did not open a tunnel" "passed on bytes before the TLS handshake"
echo_fails "bytes after the answer are the server's (ws://): they spoil the upgrade" \
    "http://127.0.0.1:$port_drip_early" "$WS" "^echo: invalid upgrade response, waiting for the upgrade answer from localhost:$port_ws ${P}"
echo_fails "https:// proxies are not spoken" "https://127.0.0.1:$port_tp_open" "$WS" "^echo: malformed URL; cfg.proxy is not"
echo_fails "a proxy URL with a path" "http://127.0.0.1:$port_tp_open/x" "$WS" "cfg.proxy is not"
# silence: the step loop keeps running (the program's own --timeout fires, exit 3)
silent() {
    local start=$SECONDS rc
    printf 'hello\n' | timeout 15 "$BIN/echo" --stdin --timeout 1 --proxy "http://127.0.0.1:$port_drip_silent" "$WS" >"$2.out" 2>&1
    rc=$?
    if [[ $rc -eq 3 && $((SECONDS - start)) -le 4 ]]; then : >"$1"
    else echo "FAIL a silent proxy blocks: exit $rc after $((SECONDS - start)) s: $(cat "$2.out")" >"$1"; fi
}
spawn silent
settle

# ---- the environment, as curl reads it
n_before=$(wc -l <"$tmp/drip.log")
echo_ok "http_proxy for ws://" - "$WS" http_proxy="http://127.0.0.1:$port_drip"
echo_ok "https_proxy for wss:// (SOCKS5)" - "$WSS" HTTPS_PROXY="socks5h://127.0.0.1:$port_drip" http_proxy="http://127.0.0.1:$closed"
echo_ok "all_proxy when there is no scheme's variable" - "$WS" ALL_PROXY="http://127.0.0.1:$port_tp_open"
echo_ok "HTTP_PROXY (upper case) is ignored, as curl does" - "$WS" HTTP_PROXY="http://127.0.0.1:$closed"
echo_ok "no_proxy names the host: direct" - "$WS" http_proxy="http://127.0.0.1:$closed" no_proxy="example.com, .localhost"
echo_ok "NO_PROXY=*: direct" - "$WSS" all_proxy="http://127.0.0.1:$closed" NO_PROXY="*"
echo_ok "--proxy \"\" overrides the environment" "" "$WS" http_proxy="http://127.0.0.1:$closed"
other_host() {
    http_proxy="http://127.0.0.1:$closed" no_proxy="otherhost" timeout 15 "$BIN/echo" --stdin --timeout 8 "$WS" </dev/null >"$2.out" 2>&1
    if [[ $? -eq 1 ]] && grep -q "could not connect to the proxy" "$2.out"; then : >"$1"
    else echo "FAIL no_proxy naming another host still proxies: $(cat "$2.out")" >"$1"; fi
}
spawn other_host
settle
logged "http_proxy was used" drip "^HTTP CONNECT localhost:$port_ws .*$"
logged "HTTPS_PROXY was used" drip "^SOCKS5 methods=0 auth=none target=localhost:$port_wss$"
n_after=$(wc -l <"$tmp/drip.log")
if [[ $((n_after - n_before)) -eq 2 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL the drip proxy saw $((n_after - n_before)) requests, 2 expected"; fi

# ---- the Axiom client: the stream and the token refresh through one proxy. The stand-in
# insists on its own Host, and its access token expires within the refresh margin, so the
# client refreshes (http://) before it connects the stream (ws://).
if ((axiom)); then
    for _ in $(seq 100); do [[ -s $tmp/standin.log ]] && break; sleep 0.05; done
    port_ax=$(head -n 1 "$tmp/standin.log" | sed -n 's/.*"port":\([0-9]*\).*/\1/p')
    [[ -n $port_ax ]] || die "the stand-in did not start: $(cat "$tmp/standin.err")"
    peer_port drip_ax
    timeout 20 "$BIN/axiom_stream" --url "ws://127.0.0.1:$port_ax/" --api-url "http://127.0.0.1:$port_ax" \
        --token-file "$tmp/ax.tokens" --proxy "http://127.0.0.1:$port_drip_ax" --new-tokens --duration 1.5 \
        >"$tmp/ax.out" 2>&1
    rc=$?
    if [[ $rc -eq 0 ]] && grep -q '^connected' "$tmp/ax.out"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL axiom_stream through the proxy: exit $rc: $(head -c 2000 "$tmp/ax.out")"; fi
    if [[ $(grep -c "^HTTP CONNECT 127.0.0.1:$port_ax HTTP/1.1 | host=127.0.0.1:$port_ax | auth=none$" "$tmp/drip_ax.log") -ge 2 ]] &&
        grep -q '"event":"refresh"' "$tmp/standin.log"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL the refresh and the stream did not both go through the proxy: $(cat "$tmp/drip_ax.log")"
    fi
    timeout 20 "$BIN/axiom_stream" --url "ws://127.0.0.1:$port_ax/" --token-file "$tmp/ax.tokens" \
        --proxy "socks5h://alice:wrong@127.0.0.1:$port_ms_auth" --duration 1 >"$tmp/ax2.out" 2>&1
    rc=$?
    if [[ $rc -eq 1 ]] && grep -q 'the proxy wants authentication' "$tmp/ax2.out"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL axiom_stream with refused credentials: exit $rc: $(head -c 2000 "$tmp/ax2.out")"; fi
else
    failed=$((failed + 1)); echo "FAIL node, tests/peers/node_modules or $BIN/axiom_stream missing (make test installs and builds them)"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
