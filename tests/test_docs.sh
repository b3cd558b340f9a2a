#!/bin/bash
# tests/test_docs.sh - the documentation is code that runs: every C block of README.md and
# the QUICK START program of axiomws.h's top comment compile warning-free (the first also as
# C++); the ws:// and wss:// programs of "Getting started" and the QUICK START talk to local
# echo servers (tests/peers/py_echo.py, wss_echo.py with a CA made here) and report errors
# as the README says; the Axiom program stops at once without a token; and each size or
# constant the README quotes in the form `NAME` (N) or `sizeof(type)` (N bytes) is the
# compiled value.
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/axws-test-docs.XXXXXX)
pids=()
cleanup() { exec 9>&-; for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
pass=0; fail=0
check() { # description, then a command that must succeed
    local what=$1; shift
    if "$@" >"$tmp/check.out" 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $what"; head -n 20 "$tmp/check.out"; fi
}
W="-Wall -Wextra -pedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"

# every ```c block of the README, in order: readme_1.c, readme_2.c, ...
/usr/bin/python3 - "$tmp" <<'PY'
import re, sys
text = open("README.md").read()
blocks = re.findall(r"```c\n(.*?)```", text, re.S)
for i, b in enumerate(blocks, 1):
    open("%s/readme_%d.c" % (sys.argv[1], i), "w").write(b)
# the QUICK START program: the indented block after the heading, up to the first line that
# is not indented by 7 spaces (the prose after it)
head = open("axiomws.h").read().split("CONFIGURATION MACROS", 1)[0]
quick = head.split("QUICK START\n", 1)[1]
lines, started = [], False
for line in quick.split("\n"):
    if line.startswith("       ") or (started and line == ""):
        started = True
        lines.append(line[7:])
    elif started:
        break
open("%s/quick.c" % sys.argv[1], "w").write("\n".join(lines).strip() + "\n")
PY
blocks=$(ls "$tmp"/readme_*.c | wc -l)
check "the README has the three programs of Getting started and the Axiom quick start ($blocks C blocks)" test "$blocks" -ge 3
# the compilers run side by side (each compiles the whole implementation: seconds apiece)
compile() { # name command...: status in $tmp/name.cc, messages in $tmp/name.ccout
    local name=$1; shift
    "$@" >"$tmp/$name.ccout" 2>&1; echo $? >"$tmp/$name.cc"
}
for f in "$tmp"/readme_*.c "$tmp/quick.c"; do
    n=$(basename "$f" .c)
    compile "$n" gcc -std=c99 $W -O1 -I. "$f" -o "$tmp/$n" -lbearssl &
done
compile cxx g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -I. -c "$tmp/readme_1.c" -o "$tmp/readme_1.o" &
compile clang clang -std=c99 $W -I. "$tmp/quick.c" -o "$tmp/quick_clang" -lbearssl &
wait
compiled() { cat "$tmp/$1.ccout"; [ "$(cat "$tmp/$1.cc")" = 0 ]; }
for f in "$tmp"/readme_*.c "$tmp/quick.c"; do
    n=$(basename "$f" .c)
    check "$n compiles (gcc -std=c99, every warning an error)" compiled "$n"
done
check "readme_1 compiles as C++ too (axws_config_init: no missing-initializer warnings)" compiled cxx
check "the QUICK START program compiles with clang" compiled clang

# which block is which: by what each program says of itself
hello=$(grep -l 'hello.c - ' "$tmp"/readme_*.c | head -1)
hello_tls=$(grep -l 'hello_tls.c - ' "$tmp"/readme_*.c | head -1)
axiom=$(grep -l 'axws_axiom_init' "$tmp"/readme_*.c | head -1)

# a ws:// echo server
/usr/bin/python3 tests/peers/py_echo.py >"$tmp/echo.port" 2>"$tmp/echo.err" &
pids+=($!)
for _ in $(seq 100); do [[ -s $tmp/echo.port ]] && break; sleep 0.05; done
port=$(head -n1 "$tmp/echo.port" | tr -dc 0-9)

run_prog() { # name binary args...: stdout in $tmp/name.out, stderr in $tmp/name.err, status in $tmp/name.rc
    local name=$1; shift
    timeout 10 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.rc"
}
hello_bin=$tmp/$(basename "$hello" .c)
run_prog hello "$hello_bin" "ws://127.0.0.1:$port/"
check "hello: prints the echo and exits 0 after the close handshake ($(cat "$tmp/hello.err"))" \
    sh -c "[ \"\$(cat '$tmp/hello.rc')\" = 0 ] && grep -qx hello '$tmp/hello.out'"
run_prog quick "$tmp/quick" "ws://127.0.0.1:$port/"
check "QUICK START: prints the echo and exits 0 ($(cat "$tmp/quick.err"))" \
    sh -c "[ \"\$(cat '$tmp/quick.rc')\" = 0 ] && grep -qx hello '$tmp/quick.out'"
run_prog hello_url "$hello_bin" "http://127.0.0.1:$port/"
check "hello with an http:// URL: exit 1 and the scheme a WebSocket URL needs" \
    sh -c "[ \"\$(cat '$tmp/hello_url.rc')\" = 1 ] && grep -q 'malformed URL; a WebSocket URL starts with ws:// or wss://' '$tmp/hello_url.err'"
# a port nobody listens on: bind one, close it
free_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
run_prog hello_refused "$hello_bin" "ws://127.0.0.1:$free_port/"
check "hello to a closed port: exit 1, the address and errno named" \
    sh -c "[ \"\$(cat '$tmp/hello_refused.rc')\" = 1 ] && grep -q 'TCP connection failed, connecting to 127.0.0.1:$free_port (127.0.0.1); errno' '$tmp/hello_refused.err'"

# wss://: a CA made here, the server's certificate for localhost
if tests/peers/mkcerts.sh "$tmp" >/dev/null 2>&1; then
    # wss_echo.py stops when its stdin ends: hold a FIFO open for it until the end
    mkfifo "$tmp/hold"
    /usr/bin/python3 tests/peers/wss_echo.py --cert "$tmp/server.pem" --key "$tmp/server.key" <"$tmp/hold" >"$tmp/wss.port" 2>"$tmp/wss.err" &
    pids+=($!)
    exec 9>"$tmp/hold"
    for _ in $(seq 100); do [[ -s $tmp/wss.port ]] && break; sleep 0.05; done
    wport=$(head -n1 "$tmp/wss.port" | tr -dc 0-9)
    tls_bin=$tmp/$(basename "$hello_tls" .c)
    run_prog hello_tls "$tls_bin" "wss://localhost:$wport/" "$tmp/ca.pem"
    check "hello_tls: verified TLS to localhost, the echo, exit 0 ($(cat "$tmp/hello_tls.err"))" \
        sh -c "[ \"\$(cat '$tmp/hello_tls.rc')\" = 0 ] && grep -qx hello '$tmp/hello_tls.out'"
    tests/peers/mkcerts.sh "$tmp/other" >/dev/null 2>&1
    run_prog hello_tls_ca "$tls_bin" "wss://localhost:$wport/" "$tmp/other/ca.pem"
    check "hello_tls with another CA: exit 1, not trusted, the name and the anchors' file named" \
        sh -c "[ \"\$(cat '$tmp/hello_tls_ca.rc')\" = 1 ] && grep -q 'not trusted' '$tmp/hello_tls_ca.err' && grep -q 'verifying the name \"localhost\" against 1 trust anchor from $tmp/other/ca.pem' '$tmp/hello_tls_ca.err'"
    run_prog hello_tls_noca "$tls_bin" "wss://localhost:$wport/" "$tmp/no-such-ca.pem"
    check "hello_tls with a CA file that does not exist: exit 1, the file named" \
        sh -c "[ \"\$(cat '$tmp/hello_tls_noca.rc')\" = 1 ] && grep -q 'no-such-ca.pem' '$tmp/hello_tls_noca.err'"
else
    fail=$((fail + 1)); echo "FAIL tests/peers/mkcerts.sh could not make a CA"
fi

# the Axiom program without any token: reported at once, exit 1, never a silent wait
mkdir -p "$tmp/empty"
axiom_bin=$tmp/$(basename "$axiom" .c)
(cd "$tmp/empty" && env -u AXIOM_ACCESS_TOKEN -u AXIOM_REFRESH_TOKEN timeout 5 "$axiom_bin" >"$tmp/axiom.out" 2>"$tmp/axiom.err"; echo $? >"$tmp/axiom.rc")
check "the Axiom program with no token stops at once with exit 1 and says why ($(cat "$tmp/axiom.err"))" \
    sh -c "[ \"\$(cat '$tmp/axiom.rc')\" = 1 ] && grep -q 'access token' '$tmp/axiom.err'"

# the figures the README quotes
cat >"$tmp/figures.c" <<'C'
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include <stdio.h>
int main(void) {
    printf("sizeof(axws_conn) %lu\n", (unsigned long)sizeof(axws_conn));
    printf("AXWS_MIN_RX %lu\nAXWS_MIN_TX %lu\n", (unsigned long)AXWS_MIN_RX, (unsigned long)AXWS_MIN_TX);
    printf("AXWS_TLS_BUF_MIN %lu\nAXWS_TLS_BUF_FULL %lu\n", (unsigned long)AXWS_TLS_BUF_MIN, (unsigned long)AXWS_TLS_BUF_FULL);
    printf("AXWS_DESCRIBE_MAX %lu\nAXWS_MAX_POLLFDS %lu\n", (unsigned long)AXWS_DESCRIBE_MAX, (unsigned long)AXWS_MAX_POLLFDS);
    printf("AXWS_AXIOM_CONFLATE_SLOTS %lu\nAXWS_AXIOM_CONFLATE_MAX %lu\n", (unsigned long)AXWS_AXIOM_CONFLATE_SLOTS,
           (unsigned long)AXWS_AXIOM_CONFLATE_MAX);
    printf("AXWS_AXIOM_LATENCY_WINDOW %lu\nAXWS_AXIOM_ROOM_LATENCY_WINDOW %lu\n", (unsigned long)AXWS_AXIOM_LATENCY_WINDOW,
           (unsigned long)AXWS_AXIOM_ROOM_LATENCY_WINDOW);
    return 0;
}
C
check "the figures program compiles" gcc -std=c99 -I. "$tmp/figures.c" -o "$tmp/figures" -lbearssl
"$tmp/figures" >"$tmp/figures.txt" 2>/dev/null
while IFS=$'\t' read -r name quoted; do
    want=$(awk -v n="$name" '$1 == n { print $2 }' "$tmp/figures.txt")
    check "README quotes $name as $quoted; compiled: $want" test "${quoted//,/}" = "$want"
done < <(/usr/bin/python3 - <<'PY'
import re
text = open("README.md").read()
for m in re.finditer(r"`(AXWS_[A-Z_]+|sizeof\(\w+\))` \(([0-9][0-9,]*)", text):
    print("%s\t%s" % (m.group(1), m.group(2)))
PY
)

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
