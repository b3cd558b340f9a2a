#!/bin/bash
# `make demo` (until the Axiom layer exists): runs examples/echo against a local WebSocket
# server (tests/peers/py_echo.py --demo) that sends it a few messages, prints each one and the
# echo that came back, and closes with 1000. The server listens on an ephemeral port on
# 127.0.0.1 and is stopped at the end whatever happens.
cd "$(dirname "$0")/.."
ECHO=${ECHO:-build/echo}
[[ -x $ECHO ]] || { echo "demo: $ECHO is missing (make examples)" >&2; exit 1; }
fifo=$(mktemp -u /tmp/axws-demo.XXXXXX)
mkfifo "$fifo"
/usr/bin/python3 tests/peers/py_echo.py --demo --host 127.0.0.1 >"$fifo" &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$fifo"' EXIT
exec 3<"$fifo"
if ! read -r -t 10 port <&3 || [[ ! $port =~ ^[0-9]+$ ]]; then
    echo "demo: the server did not start" >&2; exit 1
fi
echo "demo: server on ws://127.0.0.1:$port/, running: $ECHO -v ws://127.0.0.1:$port/"
cat <&3 | sed -u 's/^/  server | /' &
printer=$!
timeout 30 "$ECHO" -v "ws://127.0.0.1:$port/" 2>&1 | sed -u 's/^/  echo   | /'
client=${PIPESTATUS[0]}
wait $server; srv=$?
wait $printer
echo "demo: echo exited $client, server $([[ $srv -eq 0 ]] && echo 'saw every echo match' || echo "exited $srv")"
[[ $client -eq 0 && $srv -eq 0 ]]
