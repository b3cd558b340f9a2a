#!/bin/bash
# Runs every test runner, keeps each one's output in build/logs/, prints each runner's count
# line, and ends with the sum of all of them: "N passed, N failed" (see tests/runner.sh).
#
# Two lanes: the runners that start no server and wait on no timer (the compile matrix, the
# Cortex-M4 run under qemu, packaging, the frame, JSON and inflate unit tests and the JSON
# comparisons) run one after another in the background while the others run in the
# foreground; the background's count lines are printed and added at the end. On two cores
# this takes minutes off `make test`: most foreground runners wait on sockets and timers, not
# on the CPU.
cd "$(dirname "$0")/.."
source tests/runner.sh

background=(test_compile test_embedded test_packaging asan/test_frame asan/test_inflate asan/test_json
            asan/test_json_swar test_frame test_inflate test_json test_json_swar test_json_diff test_json_check)
in_background() { [[ " ${background[*]} " == *" $1 "* ]]; }

# every runner as "name command...", in the order they run
runners=()
for t in build/tests/test_*; do [[ -x $t ]] && runners+=("$(basename "$t") $t"); done
for t in build/asan/tests/test_*; do [[ -x $t ]] && runners+=("asan/$(basename "$t") $t"); done
# fuzz targets: the committed seeds replayed under ASan+UBSan (make fuzz-replay builds them)
for t in build/fuzz/replay_*; do [[ -x $t ]] && runners+=("$(basename "$t") bash tests/fuzz_replay.sh $t"); done
for t in tests/test_*.sh; do [[ -f $t ]] && runners+=("$(basename "$t" .sh) bash $t"); done
for t in tests/test_*.py; do [[ -f $t ]] && runners+=("$(basename "$t" .py) /usr/bin/python3 $t"); done
# the conformance suite a second time, against the ASan+UBSan build of the echo client
[[ -f tests/test_conformance.py ]] &&
    runners+=("test_conformance-asan env ECHO=build/asan/echo /usr/bin/python3 tests/test_conformance.py")
# ... and against the build without BearSSL (AXWS_NO_TLS: its own SHA-1 and random pool),
# built with -Os (the size build's own paths)
[[ -x build/notls/echo ]] &&
    runners+=("test_conformance-notls env ECHO=build/notls/echo /usr/bin/python3 tests/test_conformance.py")

lane_out=build/logs/lane.out
(
    total_pass=0; total_fail=0
    for r in "${runners[@]}"; do
        read -r -a argv <<<"$r"
        in_background "${argv[0]}" && run "${argv[@]}"
    done
    echo "lane: $total_pass passed, $total_fail failed"
) >"$lane_out" 2>&1 &
lane=$!

for r in "${runners[@]}"; do
    read -r -a argv <<<"$r"
    in_background "${argv[0]}" || run "${argv[@]}"
done

# the background lane: its lines, and its sum added to ours (a lane that died counts as a
# failure)
wait "$lane"
grep -v '^lane: ' "$lane_out"
line=$(grep -E '^lane: [0-9]+ passed, [0-9]+ failed$' "$lane_out" | tail -n 1)
if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    total_pass=$((total_pass + BASH_REMATCH[1])); total_fail=$((total_fail + BASH_REMATCH[2]))
else
    echo "the background lane ended without its count line: see $lane_out"
    total_fail=$((total_fail + 1))
fi
summary
