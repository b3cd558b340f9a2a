#!/bin/bash
# Runs every test runner, keeps each one's output in build/logs/, prints each runner's count
# line, and ends with the sum of all of them: "N passed, N failed" (see tests/runner.sh).
cd "$(dirname "$0")/.."
source tests/runner.sh

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
summary
