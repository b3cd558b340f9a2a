#!/bin/bash
# tests/test_cli.sh - the programs in examples/ behave as command-line tools:
#   - `--help` and `-h` print the help on stdout (nothing on stderr) and exit 0, for every
#     program (examples/*.c but lwip_*, which is echo.c on lwIP); the help names every
#     option the program's source compares an argument with (its own file, plus
#     examples/axiom_example.h for the programs that parse with ex_option), gives every
#     option a default, and ends with an example that runs the program;
#   - an unknown option exits 2 with the usage on stderr and nothing on stdout;
#   - a file option names the file and the cause: a missing one errno's text, one that is
#     not PEM "no certificate found" (echo, ta_gen, an Axiom example's --ca and --token-file);
#   - echo --stdin against a local echo server (tests/peers/py_echo.py) sends its lines and
#     prints the answers, closes with 1000, and echo without --stdin leaves stdin alone;
#   - axiom_stream exits 1, saying why on stderr, when it never connected (a name under
#     .invalid, which never resolves: RFC 6761 6.4) and when it has no token.
# Uses the ASan+UBSan builds (build/asan/NAME) when present, like tests/test_examples.sh;
# EXAMPLES_DIR picks another directory. Ends with "N passed, N failed".
cd "$(dirname "$0")/.."
BIN=${EXAMPLES_DIR:-build/asan}
[[ -x $BIN/echo ]] || BIN=build
BIN=$(cd "$BIN" && pwd) # absolute: one check runs in another directory
unset AXIOM_ACCESS_TOKEN AXIOM_REFRESH_TOKEN
passed=0 failed=0
check() { # description command...; returns the command's verdict
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); return 0; fi
    failed=$((failed + 1)); echo "FAIL $what"; return 1
}

source tests/scratch.sh cli

# the programs: every example the Makefile builds (lwip_*.c need the lwIP stack)
progs=()
for f in examples/*.c; do
    p=${f##*/}; p=${p%.c}
    [[ $p == lwip_* ]] && continue
    progs+=("$p")
done
check "found the programs (${#progs[@]})" [ ${#progs[@]} -ge 11 ]

# The options a program parses, from its source: every string literal that is an option
# ("-v", "--token-price"), in the program's file and, when it parses with ex_option(), in
# examples/axiom_example.h (the common options). A new option in the source is a new name
# the help must mention.
options_of() {
    local files=("examples/$1.c")
    grep -q 'ex_option(' "examples/$1.c" && files+=(examples/axiom_example.h)
    grep -ohE '"--?[a-z][a-z0-9-]*"' "${files[@]}" | tr -d '"' | sort -u
}

# the help's option entries: from a line "  -x ..." to the next one or a blank line
entries_without_default() { # help-file: prints the entries (joined) that name no default
    awk '/^  -/ { if (e != "") print e; e = $0; next }
         /^$/   { if (e != "") print e; e = ""; next }
         e != "" { e = e " " $0 }
         END    { if (e != "") print e }' "$1" |
        grep -v -e '^  -h, --help ' -e '^  -- ' | grep -v '(default' || true
}

for p in "${progs[@]}"; do
    if [[ ! -x $BIN/$p ]]; then # a new example the build has not made yet
        check "$p is built ($BIN/$p)" false
        continue
    fi
    "$BIN/$p" --help >"$tmp/$p.help" 2>"$tmp/$p.help.err" </dev/null; rc=$?
    # a program without --help fails once here, not once per check below
    check "$p --help exits 0 (got $rc; every program in examples/ takes --help)" [ $rc = 0 ] || continue
    check "$p --help writes its help to stdout, nothing to stderr" \
        bash -c '[[ -s $0 && ! -s $1 ]] && head -n 1 "$0" | grep -q "^usage: $2 "' "$tmp/$p.help" "$tmp/$p.help.err" "$p"
    "$BIN/$p" -h >"$tmp/$p.h" 2>/dev/null; rc=$?
    check "$p -h exits 0 and prints the same help" bash -c '[[ $0 = 0 ]] && cmp -s "$1" "$2"' $rc "$tmp/$p.help" "$tmp/$p.h"
    opts=$(options_of "$p")
    check "$p's source has options to look for" [ -n "$opts" ]
    missing=""
    for o in $opts; do
        # the option as a word: "--token" must not be found inside "--token-file"
        grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" "$tmp/$p.help" || missing="$missing $o"
    done
    check "$p --help names every option it parses (missing:${missing:- none})" [ -z "$missing" ]
    nodefault=$(entries_without_default "$tmp/$p.help")
    check "$p --help gives every option its default${nodefault:+: $nodefault}" [ -z "$nodefault" ]
    check "$p --help ends with an example that runs it" \
        bash -c 'sed -n "/^example/,\$p" "$0" | grep -qE "(^| )$1 "' "$tmp/$p.help" "$p"
    "$BIN/$p" --no-such-option >"$tmp/$p.bad" 2>"$tmp/$p.bad.err" </dev/null; rc=$?
    check "$p --no-such-option exits 2 (got $rc)" [ $rc = 2 ]
    check "$p --no-such-option prints the usage on stderr, nothing on stdout" \
        bash -c '[[ ! -s $0 ]] && grep -q "^usage: " "$1" && grep -q -- "--no-such-option" "$1"' "$tmp/$p.bad" "$tmp/$p.bad.err"
done

# file options: the path and what is wrong with it
echo "this is not a certificate" >"$tmp/junk.pem"
err() { "$@" 2>&1 >/dev/null; }
check "echo --ca /nonexistent.pem names the file and errno's text" \
    [ "$(err "$BIN/echo" --ca /nonexistent.pem wss://localhost/)" = "echo: --ca /nonexistent.pem: No such file or directory" ]
"$BIN/echo" --ca /nonexistent.pem wss://localhost/ 2>/dev/null; rc=$?
check "echo --ca /nonexistent.pem exits 1 (got $rc)" [ $rc = 1 ]
check "echo --ca junk.pem: no certificate found" \
    [ "$(err "$BIN/echo" --ca "$tmp/junk.pem" wss://localhost/)" = "echo: --ca $tmp/junk.pem: no certificate found" ]
check "echo --ca DIRECTORY: Is a directory" \
    [ "$(err "$BIN/echo" --ca "$tmp" wss://localhost/)" = "echo: --ca $tmp: Is a directory" ]
check "ta_gen junk.pem: no certificate found" [ "$(err "$BIN/ta_gen" "$tmp/junk.pem")" = "ta_gen: $tmp/junk.pem: no certificate found" ]
check "ta_gen /nonexistent.pem: errno's text" \
    [ "$(err "$BIN/ta_gen" /nonexistent.pem)" = "ta_gen: /nonexistent.pem: No such file or directory" ]
check "new_tokens --ca junk.pem: no certificate found" \
    [ "$(err "$BIN/new_tokens" --url wss://localhost:1/ --ca "$tmp/junk.pem")" = "new_tokens: --ca $tmp/junk.pem: no certificate found" ]
check "axiom_stream --token-file /nonexistent.json: errno's text" \
    [ "$(err "$BIN/axiom_stream" --url ws://127.0.0.1:1/ --api-url http://127.0.0.1:1 --token-file /nonexistent.json)" \
      = "axiom_stream: --token-file /nonexistent.json: No such file or directory" ]

# echo --stdin against a real echo server
/usr/bin/python3 tests/peers/py_echo.py >"$tmp/echo.port" 2>"$tmp/echo.err" &
pids+=($!)
for _ in $(seq 50); do [[ -s $tmp/echo.port ]] && break; sleep 0.1; done
port=$(head -n 1 "$tmp/echo.port")
check "the echo server started" [ -n "$port" ]
printf 'hello\nworld\n' | timeout 10 "$BIN/echo" --stdin "ws://127.0.0.1:$port/" >"$tmp/stdin.out" 2>"$tmp/stdin.err"; rc=$?
check "echo --stdin exits 0 (got $rc: $(head -c 300 "$tmp/stdin.err"))" [ $rc = 0 ]
check "echo --stdin prints hello and world, nothing else" [ "$(cat "$tmp/stdin.out")" = $'hello\nworld' ]
# -v shows what went on: the answers, then the close -- ours, 1000, answered by the server --
# and no line is lost: a last line without its newline, an empty one, one that is not UTF-8
printf 'one\n\n\xff\xfe\nlast' | timeout 10 "$BIN/echo" -v --stdin "ws://127.0.0.1:$port/" >"$tmp/stdinv.out" 2>&1; rc=$?
check "echo -v --stdin exits 0 (got $rc)" [ $rc = 0 ]
check "echo --stdin sends text lines as text, a non-UTF-8 line as binary, the last line without its newline" \
    [ "$(grep '^message' "$tmp/stdinv.out" | tr '\n' ' ')" = "message text 3 message text 0 message binary 2 message text 4 " ]
check "echo --stdin closes with 1000 once every line is answered" \
    [ "$(tail -n 1 "$tmp/stdinv.out")" = "close 1000 done" ]
# without --stdin, stdin is not read: a server that never speaks gets nothing and the
# client waits for it until --timeout (exit 3)
printf 'hello\n' | timeout 10 "$BIN/echo" -v --timeout 1 "ws://127.0.0.1:$port/" >"$tmp/nostdin.out" 2>/dev/null; rc=$?
check "echo without --stdin does not send stdin (exit 3 at --timeout, got $rc)" \
    bash -c '[[ $0 = 3 ]] && ! grep -q "^message" "$1"' $rc "$tmp/nostdin.out"

# axiom_stream: never connected -> 1 with the reason; no token -> 1 with the reason
AXIOM_ACCESS_TOKEN=not-a-real-token timeout 20 "$BIN/axiom_stream" --url ws://axws-test.invalid/ \
    --api-url http://127.0.0.1:1 --duration 1 >"$tmp/nores.out" 2>"$tmp/nores.err"; rc=$?
check "axiom_stream with a host that does not resolve exits 1 (got $rc)" [ $rc = 1 ]
check "... and says it never connected, and why" \
    grep -qE '^axiom_stream: never connected: .*axws-test\.invalid.*resolve' "$tmp/nores.err"
AXIOM_ACCESS_TOKEN=not-a-real-token timeout 20 "$BIN/axiom_stream" --url ws://127.0.0.1:1/ \
    --api-url http://127.0.0.1:1 --duration 1 --json >"$tmp/refused.out" 2>"$tmp/refused.err"; rc=$?
check "axiom_stream against a refused port exits 1 (got $rc)" [ $rc = 1 ]
check "... its stdout stays JSON lines (the reason goes to stderr)" \
    bash -c '[[ -s $0 ]] && ! grep -qv "^{\"event\":" "$0" && grep -q "never connected" "$1"' "$tmp/refused.out" "$tmp/refused.err"
(cd "$tmp" && timeout 20 "$BIN/axiom_stream" --url ws://127.0.0.1:1/ --duration 1 >"$tmp/notoken.out" 2>"$tmp/notoken.err"); rc=$?
check "axiom_stream without any token exits 1 (got $rc)" [ $rc = 1 ]
check "... and says there are no tokens" grep -q '^axiom_stream: no tokens: ' "$tmp/notoken.err"
check "axiom_stream --url http://... is a configuration error (exit 1)" \
    bash -c 'AXIOM_ACCESS_TOKEN=x "$0" --url http://127.0.0.1:1/ --duration 1 >/dev/null 2>&1; [[ $? = 1 ]]' "$BIN/axiom_stream"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
