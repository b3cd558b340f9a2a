#!/bin/bash
# tests/test_lwip.sh - the lwIP port (AXWS_PORT_LWIP) end to end on the host.
#
# The client is examples/lwip_echo.c: examples/echo.c built with AXWS_PORT_LWIP, so its
# every socket call is lwIP's, on tests/lwip/host_board.c -- lwIP in the client's process
# with one loopback interface (127.0.0.1/8, ::1) and a relay from lwIP's port P to the
# host's port P, where the test peers run. Checked, in order:
#   - the example object calls lwIP's socket API and none of the host's (nm);
#   - the board alone (tests/lwip/board_check.c: bytes, half-closes and resets both ways
#     through the relay, with plain lwip_* calls);
#   - ws://: the RFC 6455 conformance suite (tests/test_conformance.py), every case but the
#     ones that need a resolver when lwIP has none (LWIP_DNS 0 in Debian's build), then a
#     handful again under ASan+UBSan;
#   - wss://: a share of the suite behind tests/peers/wss_wrap.py (TLS from Python's ssl,
#     the test CA of tests/peers/gen_certs.sh, the name "localhost" verified and sent as
#     SNI, never the IP); the TLS echo peer tests/peers/wss_echo.py (a close handshake and
#     a refused name); and a whole echo exchange driven by the TLS peer
#     tests/peers/py_echo.py --tls --demo, its bytes seen passing through the relay.
# Every server it starts is stopped on exit. Ends with "N passed, N failed"; exits non-zero
# on any failure.
cd "$(dirname "$0")/.."
ECHO_LWIP=build/lwip/lwip_echo
ECHO_ASAN=build/lwip/asan/lwip_echo
passed=0 failed=0
check() { # description command...
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $what"; fi
}
finish() {
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 ]]
    exit
}

tmp=$(mktemp -d /tmp/axws-test-lwip.XXXXXX)
pids=()
cleanup() {
    local p
    exec 3>&- # wss_echo.py's stdin: it exits when this closes
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# sub NAME COMMAND...: runs a runner that ends with "N passed, N failed", shows its other
# output indented, and adds its counts (no count line: one failure)
sub() {
    local name=$1; shift
    local start=$SECONDS line p=0 f=1
    "$@" >"$tmp/sub.log" 2>&1
    local rc=$?
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/sub.log" | tail -n 1)
    if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
        p=${BASH_REMATCH[1]}; f=${BASH_REMATCH[2]}
    fi
    [[ $rc -ne 0 && $f -eq 0 ]] && f=1
    grep -vE '^[0-9]+ passed, [0-9]+ failed' "$tmp/sub.log" | sed 's/^/    /'
    echo "$name: $p passed, $f failed ($((SECONDS - start)) s)"
    passed=$((passed + p)); failed=$((failed + f))
}

# ---- build
if ! make -s --no-print-directory "$ECHO_LWIP" "$ECHO_ASAN" build/lwip/board_check >"$tmp/build.log" 2>&1; then
    echo "FAIL building the lwIP client (make build/lwip/lwip_echo):"
    sed 's/^/    /' "$tmp/build.log" | head -n 30
    failed=$((failed + 1))
    finish
fi

# ---- the example goes through lwIP's socket API only
nm -u build/lwip/lwip_echo.o | awk '{print $NF}' >"$tmp/undef"
uses() { grep -qx "$1" "$tmp/undef"; }
missing="" host=""
for f in lwip_socket lwip_connect lwip_send lwip_recv lwip_close lwip_fcntl lwip_setsockopt lwip_getsockopt lwip_poll; do
    uses $f || missing="$missing $f"
done
for f in socket connect send recv poll select getaddrinfo setsockopt getsockopt fcntl sendmsg recvmsg shutdown; do
    uses $f && host="$host $f"
done
check "the example calls lwIP's socket API (missing:$missing)" test -z "$missing"
check "the example calls no host socket function (calls:$host)" test -z "$host"

# ---- the board alone
sub "board_check (host board and relay, plain lwip_* calls)" build/lwip/board_check

# ---- ws:// conformance over lwIP
dns=$(printf '#include <lwip/opt.h>\nLWIP_DNS\n' | ${CC:-cc} -E -P $(pkg-config --cflags lwip) - 2>/dev/null | tail -n 1)
cases=$(/usr/bin/python3 tests/peers/raw_server.py --list)
if [[ $dns != 1 ]]; then
    # URLs with a host name: no resolver without LWIP_DNS (examples/echo.c sets no cfg.resolve)
    echo "SKIP handshake.localhost-tries-every-address: this lwIP has no DNS (LWIP_DNS $dns)"
    cases=$(grep -vx 'handshake.localhost-tries-every-address' <<<"$cases")
fi
# shellcheck disable=SC2086 # one argument per case name
sub "conformance over lwIP (ws://)" env ECHO="$ECHO_LWIP" HOST_BOARD_TRACE="$tmp/ws.trace" \
    /usr/bin/python3 tests/test_conformance.py $cases
ncases=$(grep -c . <<<"$cases")
nrelayed=$(cat "$tmp/ws.trace" 2>/dev/null | grep -c '^relay port ')
check "every case's connection went through lwIP and the relay ($nrelayed relayed, $ncases cases)" \
    test "${nrelayed:-0}" -ge "$ncases"
# framing, fragments, control frames, UTF-8, closes and resets, under ASan+UBSan
sub "conformance over lwIP, ASan+UBSan build (a share)" env ECHO="$ECHO_ASAN" /usr/bin/python3 tests/test_conformance.py \
    handshake.ipv6 handshake.truncated-answer framing.text-65536 reserved.opcode-3 ping.ten-in-a-row \
    fragment.binary-1MiB-in-16 utf8.invalid-in-second-fragment close.reason-invalid-utf8 close.tcp-reset \
    close.fail-with-unread-data

# ---- wss://
pki=$tmp/pki
if ! sh tests/peers/gen_certs.sh "$pki" >"$tmp/certs.log" 2>&1; then
    echo "FAIL tests/peers/gen_certs.sh:"; sed 's/^/    /' "$tmp/certs.log"
    failed=$((failed + 1))
    finish
fi
sub "conformance over lwIP (wss://, a share)" env ECHO="$ECHO_LWIP" bash tests/test_conformance_tls.sh \
    handshake.request-and-path handshake.status-403 handshake.split-one-byte-per-write \
    handshake.frames-in-same-write-as-101 framing.text-0 framing.binary-125 framing.text-126 \
    framing.binary-65535 framing.binary-16MiB framing.nonminimal-16bit-for-5 framing.100-messages-one-write \
    reserved.rsv1-text ping.125-bytes-one-byte-per-write ping.126-bytes-16bit pong.unsolicited-ignored \
    fragment.binary-1MiB-in-16 fragment.continuation-without-start utf8.split-4byte-at-2 \
    utf8.fail-fast-second-fragment close.valid-4999 close.invalid-1005 close.reason-invalid-utf8 \
    close.message-and-close-in-one-write close.tcp-without-close-frame close.tcp-reset \
    close.fail-with-unread-data close.timeout-option

# wait_port FILE PATTERN: the port a peer printed (PATTERN: a sed expression), or nothing
wait_port() {
    local i
    for i in $(seq 100); do
        [[ -s $1 ]] && sed -n "$2" "$1" | head -n 1 | grep . && return
        sleep 0.05
    done
}

# the TLS echo peer (Python websockets): our close, the server's answer; a wrong name refused
mkfifo "$tmp/wss.in"
exec 3<>"$tmp/wss.in"
/usr/bin/python3 tests/peers/wss_echo.py --cert "$pki/ec.pem" --key "$pki/ec.key" <&3 >"$tmp/wss.out" 2>&1 &
pids+=($!)
wss_port=$(wait_port "$tmp/wss.out" 's/^PORT \([0-9]*\)$/\1/p')
check "wss_echo.py started" test -n "$wss_port"
if [[ -n $wss_port ]]; then
    timeout 20 "$ECHO_LWIP" -v --timeout 1 --ca "$pki/ca.pem" --servername localhost \
        "wss://127.0.0.1:$wss_port/" >"$tmp/wss1.out" 2>"$tmp/wss1.err"
    rc=$?
    check "wss_echo.py: open, our close at the timeout answered (1001), exit 3 (got $rc: $(head -c 300 "$tmp/wss1.err"))" \
        eval '[[ $rc -eq 3 ]] && grep -qx open "$tmp/wss1.out" && grep -q "^close 1001" "$tmp/wss1.out"'
    timeout 20 "$ECHO_LWIP" --ca "$pki/ca.pem" --servername wrong.example "wss://127.0.0.1:$wss_port/" \
        >"$tmp/wss2.out" 2>"$tmp/wss2.err"
    rc=$?
    check "wss_echo.py: a certificate for another name is refused (exit $rc: $(head -c 300 "$tmp/wss2.err"))" \
        eval '[[ $rc -eq 1 ]] && grep -q "TLS: certificate: .*verifying the name \"wrong.example\"" "$tmp/wss2.err"'
fi

# a whole echo exchange the TLS peer drives: four messages (text, UTF-8, binary, 17 kB),
# each compared, then its close 1000; the relay's trace shows the bytes went through lwIP
/usr/bin/python3 tests/peers/py_echo.py --tls "$pki/ec.pem" "$pki/ec.key" --demo >"$tmp/demo.out" 2>&1 &
demo_pid=$!
pids+=($demo_pid)
demo_port=$(wait_port "$tmp/demo.out" '1s/^\([0-9][0-9]*\)$/\1/p')
check "py_echo.py --tls --demo started" test -n "$demo_port"
if [[ -n $demo_port ]]; then
    HOST_BOARD_TRACE=$tmp/trace timeout 20 "$ECHO_LWIP" --ca "$pki/ca.pem" --servername localhost \
        "wss://127.0.0.1:$demo_port/" >"$tmp/demo.client" 2>&1
    rc=$?
    check "wss echo: the client ends with the close handshake, exit 0 (got $rc: $(head -c 300 "$tmp/demo.client"))" \
        test $rc -eq 0
    for _ in $(seq 100); do kill -0 $demo_pid 2>/dev/null || break; sleep 0.1; done
    kill $demo_pid 2>/dev/null # still there after 10 s: it failed
    wait $demo_pid
    rc=$?
    check "wss echo: every echo matched, closed with 1000 both ways (server exit $rc)" \
        eval '[[ $rc -eq 0 ]] && grep -q "closed with 1000, client answered 1000" "$tmp/demo.out"'
    [[ $rc -ne 0 ]] && sed 's/^/    server: /' "$tmp/demo.out"
    check "wss echo: through lwIP and the relay ($(cat "$tmp/trace" 2>/dev/null))" \
        grep -Eq "^relay port $demo_port: up [1-9][0-9]{3,} bytes, fin; down [1-9][0-9]{3,} bytes" "$tmp/trace"
fi
finish
