#!/bin/bash
# Runs every test runner, keeps each one's output in build/logs/, prints each runner's count
# line, and ends with the sum of all of them: "N passed, N failed". A runner that exits
# non-zero without any count line counts as one failure; so does one that exits non-zero
# while reporting 0 failed.
cd "$(dirname "$0")/.."
mkdir -p build/logs
total_pass=0; total_fail=0
run() { # name command...
    local name=$1; shift
    local log=build/logs/${name////_}.log
    local start=$SECONDS
    timeout 600 "$@" >"$log" 2>&1 </dev/null
    local rc=$?
    local line
    line=$(grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    local p=0 f=0
    if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
        p=${BASH_REMATCH[1]}; f=${BASH_REMATCH[2]}
    fi
    if [[ $rc -ne 0 && $f -eq 0 ]]; then f=$((f + 1)); fi
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
    printf '%-28s %5d passed, %3d failed  (%ds)%s\n' "$name" "$p" "$f" $((SECONDS - start)) \
        "$([[ $f -ne 0 ]] && echo "  <-- see $log")"
    if [[ $f -ne 0 ]]; then grep -E 'FAIL|Error|error' "$log" | head -n 20 | sed 's/^/    /'; fi
}

for t in build/tests/test_*; do
    [[ -x $t ]] && run "$(basename "$t")" "$t"
done
for t in build/asan/tests/test_*; do
    [[ -x $t ]] && run "asan/$(basename "$t")" "$t"
done
# fuzz targets: the committed seeds replayed under ASan+UBSan (make fuzz-replay builds them)
for t in build/fuzz/replay_*; do
    [[ -x $t ]] && run "$(basename "$t")" bash tests/fuzz_replay.sh "$t"
done
for t in tests/test_*.sh; do
    [[ -f $t ]] && run "$(basename "$t" .sh)" bash "$t"
done
for t in tests/test_*.py; do
    [[ -f $t ]] && run "$(basename "$t" .py)" /usr/bin/python3 "$t"
done
# the conformance suite a second time, against the ASan+UBSan build of the echo client
[[ -f tests/test_conformance.py ]] && run test_conformance-asan env ECHO=build/asan/echo /usr/bin/python3 tests/test_conformance.py
# ... and against the build without BearSSL (AXWS_NO_TLS: its own SHA-1 and random pool)
[[ -x build/notls/echo ]] && run test_conformance-notls env ECHO=build/notls/echo /usr/bin/python3 tests/test_conformance.py
echo "$total_pass passed, $total_fail failed"
[[ $total_fail -eq 0 ]]
