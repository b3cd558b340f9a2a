#!/bin/bash
# tests/test_event_loops.sh - examples/epoll_loop and examples/libuv_loop, the event-loop
# adaptors, against local echo servers (tests/peers/py_echo.py on 127.0.0.1, ws:// and
# wss:// with a test CA from tests/peers/mkcerts.sh). For each example:
#   - a session: lines from stdin (a pipe, then a file) echoed back, close 1000, exit 0;
#   - a reconnect that reuses the descriptor number, twice: the first address refuses (::1,
#     where nothing listens) or never answers (127.0.0.2, a listener whose accept queue is
#     full, so the kernel drops the SYN: the library's connect timeout moves on), and the
#     next socket gets the number of the one just closed. The examples' trace
#     (AXWS_EXAMPLE_TRACE=1) says what the loop registered; the kernel's view of each
#     socket in it (family, local port) shows that the same number named two sockets. A
#     loop that kept the stale registration fails there with "timed out" (epoll and libuv
#     forget a closed socket, and the new one was never added), and the refused case must
#     end well before the connect timeout it would have waited out;
#   - wss:// with the same reuse (the certificate is verified for localhost);
#   - a refused connect: exit 1 with the library's error text.
# Uses the ASan+UBSan builds (build/asan/NAME, made by `make test`) when present.
cd "$(dirname "$0")/.."
BIN=${EXAMPLES_DIR:-build/asan}
[[ -x $BIN/epoll_loop && -x $BIN/libuv_loop ]] || BIN=build
passed=0 failed=0
check() { # description command...
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $what"; fi
}

tmp=$(mktemp -d /tmp/axws-test-event-loops.XXXXXX)
pids=()
cleanup() {
    local p
    exec 8>&-
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
abort() { echo "FAIL $1"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }

# start_echo NAME ARGS...: py_echo.py on 127.0.0.1; wait_echo NAME: its port in port_NAME
start_echo() {
    local name=$1; shift
    /usr/bin/python3 tests/peers/py_echo.py "$@" >"$tmp/$name.port" 2>"$tmp/$name.err" &
    pids+=($!)
}
wait_echo() {
    local name=$1
    for _ in $(seq 100); do [[ -s $tmp/$name.port ]] && break; sleep 0.05; done
    local port
    port=$(head -n 1 "$tmp/$name.port")
    [[ $port =~ ^[0-9]+$ ]] || abort "echo server $name did not start: $(cat "$tmp/$name.err")"
    printf -v "port_$name" %s "$port"
}

tests/peers/mkcerts.sh "$tmp/pki" >/dev/null 2>&1 || abort "mkcerts.sh"
start_echo ws
start_echo wss --tls "$tmp/pki/server.pem" "$tmp/pki/server.key"
wait_echo ws
wait_echo wss

# 127.0.0.2, same port as the ws:// server: a listener whose accept queue is filled first,
# so that the kernel drops further SYNs and a connect there stays in progress. Runs until
# its stdin (fd 8 here) closes.
mkfifo "$tmp/hole.in"
/usr/bin/python3 -c '
import socket, sys
addr = ("127.0.0.2", int(sys.argv[1]))
l = socket.socket()
l.bind(addr)
l.listen(0)
fill = [socket.socket() for _ in range(3)]
for s in fill:
    s.setblocking(False)
    s.connect_ex(addr)
print("ready", flush=True)
sys.stdin.read()' "$port_ws" <"$tmp/hole.in" >"$tmp/hole.out" 2>"$tmp/hole.err" &
pids+=($!)
exec 8>"$tmp/hole.in"
for _ in $(seq 100); do [[ -s $tmp/hole.out ]] && break; sleep 0.05; done
[[ $(cat "$tmp/hole.out") == ready ]] || abort "the unanswering listener did not start: $(cat "$tmp/hole.err")"

lines=$'hello\nsecond line\n\nUTF-8: \xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5 \xe2\x9c\x93\nlast, without a newline'
printf '%s' "$lines" >"$tmp/lines.txt"

# run NAME EXAMPLE ARGS... (stdin: the lines through a pipe): $tmp/NAME.out, .err, .rc,
# and .ms (wall time in milliseconds)
run() {
    local name=$1 ex=$2; shift 2
    local t0=${EPOCHREALTIME/./}
    printf '%s' "$lines" | AXWS_EXAMPLE_TRACE=1 timeout 15 "$BIN/$ex" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.rc"
    echo $(((${EPOCHREALTIME/./} - t0) / 1000)) >"$tmp/$name.ms"
}
rc() { cat "$tmp/$1.rc"; }
echoed() { [[ $(cat "$tmp/$1.out"; echo x) == "$lines"$'\nx' ]]; } # every line back, in order
closed_1000() { grep -q "^$2: closed, code 1000$" "$tmp/$1.err"; }
faster_than() { (($(cat "$tmp/$1.ms") < $2)); }
# reused NAME EXAMPLE WHAT: exactly two registrations, the same descriptor number, two
# socket generations, and two sockets as the kernel sees them: WHAT=family (IPv6, then
# IPv4) or WHAT=port (two local ports)
reused() {
    local regs
    mapfile -t regs < <(grep "^$2: register fd " "$tmp/$1.err")
    [[ ${#regs[@]} -eq 2 ]] || return 1
    local _a _b _c fd1 _d gen1 fam1 _e _f port1 fd2 gen2 fam2 port2
    read -r _a _b _c fd1 _d gen1 fam1 _e _f port1 <<<"${regs[0]}"
    read -r _a _b _c fd2 _d gen2 fam2 _e _f port2 <<<"${regs[1]}"
    [[ $fd1 =~ ^[0-9]+$ && $fd1 == "$fd2" && $gen1 != "$gen2" ]] || return 1
    if [[ $3 == family ]]; then [[ $fam1 == IPv6 && $fam2 == IPv4 ]]; else [[ $port1 != "$port2" ]]; fi
}

for ex in epoll_loop libuv_loop; do
    # (a) a session, stdin a pipe
    run $ex-ws $ex --timeout 3000 "ws://127.0.0.1:$port_ws/"
    check "$ex: a session exits 0" [ "$(rc $ex-ws)" = 0 ]
    check "$ex: every line comes back, in order" echoed $ex-ws
    check "$ex: the close handshake ends with 1000" closed_1000 $ex-ws $ex
    # ... and stdin a file, which neither epoll nor libuv can poll
    AXWS_EXAMPLE_TRACE=0 timeout 15 "$BIN/$ex" --timeout 3000 "ws://127.0.0.1:$port_ws/" \
        <"$tmp/lines.txt" >"$tmp/$ex-file.out" 2>"$tmp/$ex-file.err"
    echo $? >"$tmp/$ex-file.rc"
    check "$ex: stdin from a file: exit 0" [ "$(rc $ex-file)" = 0 ]
    check "$ex: stdin from a file: every line comes back" echoed $ex-file

    # (b) the first address refuses; the next socket reuses the descriptor number. With the
    # stale registration the loop would wait out the 3 s connect timeout and fail.
    run $ex-refused $ex --timeout 3000 --addr ::1 --addr 127.0.0.1 "ws://localhost:$port_ws/"
    check "$ex: refused, then reconnected: exit 0" [ "$(rc $ex-refused)" = 0 ]
    check "$ex: refused, then reconnected: the same fd number for an IPv6 and an IPv4 socket" \
        reused $ex-refused $ex family
    check "$ex: refused, then reconnected: every line comes back" echoed $ex-refused
    check "$ex: refused, then reconnected: close 1000" closed_1000 $ex-refused $ex
    check "$ex: refused, then reconnected: in well under the connect timeout (< 1.5 s)" faster_than $ex-refused 1500

    # (b') the first address never answers: after the 500 ms connect timeout the library
    # closes that socket and the next one gets its number (libuv's handle is still active
    # then, unlike after a refusal, when libuv stops it by itself)
    run $ex-silent $ex --timeout 500 --addr 127.0.0.2 --addr 127.0.0.1 "ws://localhost:$port_ws/"
    check "$ex: unanswered, then reconnected: exit 0" [ "$(rc $ex-silent)" = 0 ]
    check "$ex: unanswered, then reconnected: the same fd number for two sockets" reused $ex-silent $ex port
    check "$ex: unanswered, then reconnected: every line comes back" echoed $ex-silent

    # (c) wss:// with the reuse: verified against the test CA for the name localhost
    run $ex-wss $ex --timeout 3000 --ca "$tmp/pki/ca.pem" --addr ::1 --addr 127.0.0.1 "wss://localhost:$port_wss/"
    check "$ex: wss:// exits 0" [ "$(rc $ex-wss)" = 0 ]
    check "$ex: wss:// reuses the fd number for an IPv6 and an IPv4 socket" reused $ex-wss $ex family
    check "$ex: wss:// every line comes back" echoed $ex-wss
    check "$ex: wss:// close 1000" closed_1000 $ex-wss $ex

    # (d) nothing listens on 127.0.0.3: the library's error text, exit 1
    run $ex-fail $ex --timeout 3000 --addr 127.0.0.3 "ws://localhost:$port_ws/"
    check "$ex: a refused connect exits 1" [ "$(rc $ex-fail)" = 1 ]
    check "$ex: a refused connect prints the library's error text" \
        grep -q "^$ex: TCP connection failed, connecting to .*; errno [0-9]* (Connection refused)$" "$tmp/$ex-fail.err"
done

# (e) edge-triggered epoll: 3,000 lines of 200 bytes echoed back arrive faster than one
# step reads (16 reads of rx_buf), so steps stop reading with bytes still in the socket,
# and epoll reports the socket only once per change. The library says so (a timeout of 0)
# and its next step reads without a new report: every echo arrives.
/usr/bin/python3 -c 'import sys; sys.stdout.write("".join("%04d %s\n" % (i, "x" * 195) for i in range(3000)))' >"$tmp/many.txt"
timeout 15 "$BIN/epoll_loop" --edge --timeout 3000 "ws://127.0.0.1:$port_ws/" <"$tmp/many.txt" >"$tmp/edge.out" 2>"$tmp/edge.err"
echo $? >"$tmp/edge.rc"
check "epoll_loop --edge: 3,000 echoes of 200 bytes, exit 0 ($(tail -c 300 "$tmp/edge.err"))" [ "$(rc edge)" = 0 ]
check "epoll_loop --edge: every line back, in order" cmp -s "$tmp/many.txt" "$tmp/edge.out"

if [[ $failed -ne 0 ]]; then
    for f in "$tmp"/*.err; do echo "---- ${f##*/} (exit $(cat "${f%.err}.rc" 2>/dev/null), $(cat "${f%.err}.ms" 2>/dev/null) ms)"; head -c 2000 "$f"; done
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
