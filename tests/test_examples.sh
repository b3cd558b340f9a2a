#!/bin/bash
# tests/test_examples.sh - runs every Axiom example against the local stand-in for a few seconds
# and checks what it printed and how it exited: new_tokens prints new pairs; price_monitor
# prints prices and alerts, reconnects after a forced drop (its rooms joined again) and ends
# with its summary; price_tracker fires above/below alerts and stops gracefully on SIGINT;
# wallet_watch prints wallet trades; multi_region drives two connections in one loop and
# reports both, and without auto-reconnect its health check reconnects by hand; every example exits 0 after its graceful disconnect, 2 on bad arguments and 1
# without tokens; no token ever appears in any output.
#
# Two stand-ins: A over wss:// (a test CA from tests/peers/mkcerts.sh; the examples get --ca
# and --servername) shared by the runs that only read (only new_tokens joins new_pairs there,
# so it gets the stand-in's first pair: frames.jsonl line 1), and B over plain ws:// for
# price_monitor alone, whose drop must not hit the others. Both are stopped on any exit.
# Uses the ASan+UBSan builds (build/asan/NAME, made by `make test`) when present.
cd "$(dirname "$0")/.."
BIN=${EXAMPLES_DIR:-build/asan}
[[ -x $BIN/price_monitor ]] || BIN=build
unset AXIOM_ACCESS_TOKEN AXIOM_REFRESH_TOKEN
passed=0 failed=0
check() { # description command...
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $what"; fi
}
has() { grep -Eq -- "$2" "$tmp/$1.out"; }

source tests/scratch.sh examples

# start_standin NAME ARGS...: sets port_NAME
start_standin() {
    local name=$1; shift
    node tests/peers/axiom_standin.js --write-tokens "$tmp/$name.tokens" --lifetime 60 "$@" \
        >"$tmp/$name.log" 2>"$tmp/$name.err" &
    pids+=($!)
    for _ in $(seq 100); do [[ -s $tmp/$name.log ]] && break; sleep 0.1; done
    local port
    port=$(head -n 1 "$tmp/$name.log" | sed -n 's/.*"port":\([0-9]*\).*/\1/p')
    if [[ -z $port ]]; then echo "FAIL stand-in $name did not start: $(cat "$tmp/$name.err")"; echo "0 passed, 1 failed"; exit 1; fi
    printf -v "port_$name" %s "$port"
}

tests/peers/mkcerts.sh "$tmp/pki" >/dev/null 2>&1 || { echo "FAIL mkcerts.sh"; echo "0 passed, 1 failed"; exit 1; }
start_standin A --cert "$tmp/pki/server.pem" --key "$tmp/pki/server.key" --rate default=5 --rate new_pairs=4 \
    --rate v:=4 --rate mint=5 --volatility 0.01 --drift 0.02 --market-updates
start_standin B --rate mint=5 --rate new_pairs=2 --volatility 0.01 --drift 0.02
A=(--url "wss://127.0.0.1:$port_A/" --api-url "https://127.0.0.1:$port_A" --token-file "$tmp/A.tokens"
   --ca "$tmp/pki/ca.pem" --servername localhost)
B=(--url "ws://127.0.0.1:$port_B/" --api-url "http://127.0.0.1:$port_B" --token-file "$tmp/B.tokens")
WALLET=5tzFkiKscXHK5ZXCGbXZxdw7gTjjD1mBwuoFbhUvuAi9

# run NAME EXAMPLE ARGS...: in the background, output in $tmp/NAME.out, status in $tmp/NAME.rc
run() {
    local name=$1 ex=$2; shift 2
    (timeout 20 "$BIN/$ex" "$@" >"$tmp/$name.out" 2>&1; echo $? >"$tmp/$name.rc") &
}
rc() { cat "$tmp/$1.rc" 2>/dev/null; }

run new_tokens new_tokens "${A[@]}" --duration 2
run monitor price_monitor "${B[@]}" --duration 3.5 --alert-pct 1 --new-tokens
run tracker price_tracker "${A[@]}" --duration 2.5 --token USDC --above BONK=0.00002 --below SOL=1000
run wallet wallet_watch "${A[@]}" --wallet $WALLET --duration 2
run multi multi_region --url "east=wss://127.0.0.1:$port_A/" --url "west=wss://127.0.0.1:$port_A/" \
    --api-url "https://127.0.0.1:$port_A" --token-file "$tmp/A.tokens" --ca "$tmp/pki/ca.pem" --servername localhost \
    --room west=block_hash --token east=BONK --pacing-ms 150 --duration 2.5
# the seed's health check on B (dropped with price_monitor): auto-reconnect off, reconnect by hand
run health multi_region --url "h=ws://127.0.0.1:$port_B/" --api-url "http://127.0.0.1:$port_B" \
    --token-file "$tmp/B.tokens" --room sol_price --no-auto-reconnect --report 1 --duration 3.5
# Ctrl-C: price_tracker without --duration, interrupted once it is connected. One SIGINT:
# timeout(1) in its default mode passes a signal on to the child and to its whole process
# group, so the child would get two (and a second Ctrl-C cuts the graceful close short);
# --foreground passes it to the child alone.
(timeout --foreground 20 "$BIN/price_tracker" "${A[@]}" >"$tmp/sigint.out" 2>&1 & p=$!
 for _ in $(seq 100); do grep -q "connected to" "$tmp/sigint.out" && break; sleep 0.1; done # up first
 sleep 0.3; kill -INT $p; wait $p
 echo $? >"$tmp/sigint.rc") &

# midway through price_monitor's run: B drops its connection (no close frame)
sleep 1.5
/usr/bin/python3 -c '
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], data=b"{\"drop\":true}", headers={"Content-Type": "application/json"})
urllib.request.urlopen(req, timeout=5).read()' "http://127.0.0.1:$port_B/__fault" || echo "FAIL the drop request"

# bad arguments exit 2, no tokens exit 1 (these are quick: run them while the others work)
bad() { "$BIN/$1" "${@:2}" >/dev/null 2>&1; [[ $? -eq 2 ]]; }
check "new_tokens --bogus exits 2" bad new_tokens --bogus
check "new_tokens --url without a value exits 2" bad new_tokens --url
check "new_tokens --region Mars exits 2" bad new_tokens --region Mars
check "price_monitor --token nonsense exits 2" bad price_monitor --token nonsense
check "price_monitor --duration x exits 2" bad price_monitor --duration x
check "price_monitor --alert-pct -1 exits 2" bad price_monitor --alert-pct -1
check "price_monitor --url with --region exits 2" bad price_monitor --url ws://127.0.0.1:1/ --region USWest
check "price_tracker --above BONK exits 2" bad price_tracker --above BONK
check "price_tracker --below SOL=abc exits 2" bad price_tracker --below SOL=abc
check "wallet_watch without --wallet exits 2" bad wallet_watch --duration 1
check "wallet_watch --wallet 0OIl exits 2" bad wallet_watch --wallet 0OIl
check "multi_region --region Mars exits 2" bad multi_region --region Mars
check "multi_region --token to an unknown connection exits 2" bad multi_region --url a=ws://127.0.0.1:1/ --token b=BONK
check "multi_region --pacing-ms x exits 2" bad multi_region --pacing-ms x
notoken() { "$BIN/$1" --url ws://127.0.0.1:1/ --api-url http://127.0.0.1:1 --token-file "$tmp/none.json" "${@:2}" >/dev/null 2>&1; [[ $? -eq 1 ]]; }
check "new_tokens with an unreadable token file exits 1" notoken new_tokens --duration 1
check "wallet_watch with an unreadable token file exits 1" notoken wallet_watch --wallet $WALLET --duration 1
echo '{"note":"no tokens here"}' >"$tmp/empty.json"
check "price_monitor without any token exits 1" \
    bash -c '"$0" --url ws://127.0.0.1:1/ --api-url http://127.0.0.1:1 --token-file "$1" --duration 1 >/dev/null 2>&1; [[ $? -eq 1 ]]' \
    "$BIN/price_monitor" "$tmp/empty.json"

wait_all() { local n; for n in new_tokens monitor tracker wallet multi health sigint; do
    for _ in $(seq 150); do [[ -s $tmp/$n.rc ]] && break; sleep 0.1; done; done; }
wait_all

# new_tokens
check "new_tokens exits 0" [ "$(rc new_tokens)" = 0 ]
check "new_tokens prints a new pair (ticker, name, address, protocol, liquidity)" \
    has new_tokens 'new pair [^ ]+ \(.+\) token [1-9A-HJ-NP-Za-km-z]{32,44} on [^,]+, initial liquidity [0-9.e+-]+ SOL / [0-9.e+-]+ tokens'
check "new_tokens prints the captured frame's pair (frames.jsonl line 1)" \
    has new_tokens 'new pair HIKIKOMORI \(ひきこもり\) token A2Pfj8iAATQ8YetDdMTXveEvLt4MxjwUubsgyGkaJcZY on Virtual Curve, initial liquidity 30 SOL'
check "new_tokens connected with a session id" has new_tokens 'connected to wss://127.0.0.1:[0-9]+/ \(session axws-[0-9a-f]{16}\)'
check "new_tokens disconnects gracefully" has new_tokens 'disconnected: disconnect requested'
check "new_tokens counts its pairs" has new_tokens '^[0-9:]+ [1-9][0-9]* new pairs? in [0-9.]+ s'

# price_monitor (stand-in B, plain ws://, dropped midway)
check "price_monitor exits 0" [ "$(rc monitor)" = 0 ]
for sym in SOL USDC BONK; do
    check "price_monitor prints $sym prices" has monitor "price  $sym +[0-9.]+  \\([+-][0-9.]+% since start\\)"
done
check "price_monitor prints an alert" has monitor 'ALERT  (SOL|USDC|BONK) +(up|down) [0-9.]+%: [0-9.]+ -> [0-9.]+'
check "price_monitor prints new pairs (--new-tokens)" has monitor 'new    [^ ]+ \(.+\) on .+, initial liquidity'
check "price_monitor reports the drop" has monitor 'disconnected: connection to ws://127.0.0.1:[0-9]+/'
check "price_monitor reports the error with its kind" has monitor 'error \[(connection|receive)\] '
check "price_monitor reconnects and joins again" has monitor 'connected to .*4 subscriptions, joining them again'
check "price_monitor's summary counts the reconnect" has monitor 'summary after [0-9.]+ s: 2 connections, 1 reconnect, '
for sym in SOL USDC BONK; do
    check "price_monitor's summary has a $sym row" has monitor "^  $sym +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[+-][0-9.]+% +[1-9][0-9]* +[0-9]+ "
done
check "stand-in B saw every room joined twice (before and after the drop)" \
    [ "$(grep -c '"event":"join".*"room":"DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263"' "$tmp/B.log")" = 2 ]
check "stand-in B saw a close 1000 from the client at the end" \
    grep -Eq '"event":"disconnect".*"code":1000.*"by":"client"' "$tmp/B.log"

# price_tracker
check "price_tracker exits 0" [ "$(rc tracker)" = 0 ]
check "price_tracker fires the above alert" has tracker 'ALERT  BONK +is above 0\.0000200+: '
check "price_tracker fires the below alert" has tracker 'ALERT  SOL +is below 1000\.0+: '
check "price_tracker fires each alert once (the prices stay past their thresholds)" \
    [ "$(grep -c 'ALERT' "$tmp/tracker.out")" = 2 ]
check "price_tracker tracks high and low" has tracker 'price  USDC +[0-9.]+  high [0-9.]+  low [0-9.]+'
check "price_tracker's table has the 24h volume from MarketUpdate" has tracker '^  BONK +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+\.[0-9]{2} +[1-9]'
check "price_tracker lists its alerts at the end" has tracker 'alert BONK above 0\.0000200+: fired 1 time$'

# wallet_watch
check "wallet_watch exits 0" [ "$(rc wallet)" = 0 ]
check "wallet_watch prints a trade" \
    has wallet '(BUY |SELL) BONK \(Bonk\) [0-9.e+]+ tokens for [0-9.e-]+ SOL \(\$[0-9.]+\) at \$[0-9.]+, wallet 5tzF\.\.uAi9, tx '
check "wallet_watch counts the wallet's trades" has wallet "wallet $WALLET: [1-9][0-9]* trades? \\([0-9]+ buys?, [0-9]+ sells?\\)"

# multi_region
check "multi_region exits 0" [ "$(rc multi)" = 0 ]
check "multi_region connects east" has multi '\[east\] connected to wss://.*joining 1 room 150 ms apart'
check "multi_region connects west" has multi '\[west\] connected to wss://.*joining 1 room 150 ms apart'
check "multi_region counts east's messages" has multi '^  east: 1 connection, 1 disconnect, 0 errors, [1-9][0-9]* messages'
check "multi_region counts west's messages" has multi '^  west: 1 connection, 1 disconnect, 0 errors, [1-9][0-9]* messages \(block_hash [1-9]'
check "multi_region per room" has multi '^    BONK +[1-9][0-9]* messages, first [0-9]+ ms after the upgrade'
check "multi_region disconnects both" [ "$(grep -c 'disconnected: disconnect requested' "$tmp/multi.out")" = 2 ]

# multi_region's health check (no auto-reconnect)
check "multi_region --no-auto-reconnect exits 0" [ "$(rc health)" = 0 ]
check "the health check lists the subscriptions" has health '\[h\] connected, [0-9]+ messages?, subscriptions: sol_price$'
check "the health check finds the connection down" has health '\[h\] not connected, '
check "the health check reconnects by hand" has health '\[h\] connection lost, reconnecting \(health check\)'
check "the health check's reconnect is counted" has health '^  h: 2 connections, 2 disconnects, 1 error, [1-9][0-9]* messages, 1 reconnect by the health check'

# Ctrl-C
check "price_tracker exits 0 after SIGINT" [ "$(rc sigint)" = 0 ]
check "price_tracker says it got the signal" has sigint 'signal received: disconnecting'
check "price_tracker disconnects gracefully after SIGINT" has sigint 'disconnected: disconnect requested'

# examples/sansio: the core alone (AXWS_NO_SOCKETS), its bytes moved by the program through
# a plain byte stream (bash's /dev/tcp here; a UART on a device) to a real echo server
/usr/bin/python3 tests/peers/py_echo.py >"$tmp/echo.port" 2>/dev/null &
pids+=($!)
for _ in $(seq 50); do [[ -s $tmp/echo.port ]] && break; sleep 0.1; done
echo_port=$(head -n 1 "$tmp/echo.port")
sansio() { (exec 3<>"/dev/tcp/127.0.0.1/$echo_port" && timeout 10 "$BIN/sansio" "127.0.0.1:$echo_port" "$@" <&3 >&3 2>"$tmp/sansio.out"); }
check "sansio exchanges messages through a byte stream and exits 0" sansio hello "a second message"
check "sansio saw both echoes and a clean close" \
    sh -c "grep -q 'echo 2 ok: a second message' '$tmp/sansio.out' && grep -q 'closed, code 1000$' '$tmp/sansio.out'"
check "sansio links no socket call of its own library" sh -c "! nm -u $BIN/sansio | grep -wE 'socket|connect|recv|send|getaddrinfo'"

# tokens never appear in any output
leak=0
for tok in $(sed -n 's/.*"access_token": *"\([^"]*\)".*"refresh_token": *"\([^"]*\)".*/\1 \2/p' "$tmp/A.tokens" "$tmp/B.tokens"); do
    grep -qF -- "$tok" "$tmp"/*.out && leak=1
done
check "the token files were read for the leak check" grep -q access_token "$tmp/A.tokens"
check "no token in any example's output" [ $leak = 0 ]

if [[ $failed -ne 0 ]]; then
    for f in "$tmp"/*.out; do echo "---- ${f##*/}"; head -c 4000 "$f"; done
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
