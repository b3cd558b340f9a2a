#!/bin/bash
# Replays one fuzz target's committed corpus (build/fuzz/replay_NAME over fuzz/corpus/NAME/)
# and turns the result into the runner's count line. The replay binary is built with
# ASan+UBSan, so a crash, a sanitizer report or an invariant abort ends it with a non-zero
# status; then every seed is replayed alone to count (and name) the ones that fail.
# Usage: tests/fuzz_replay.sh build/fuzz/replay_fuzz_frame
cd "$(dirname "$0")/.."
bin=$1
name=${bin##*/replay_}
dir=fuzz/corpus/$name
if [[ ! -x $bin || ! -d $dir ]]; then
    echo "fuzz_replay: missing $bin or $dir"
    echo "0 passed, 1 failed"
    exit 1
fi
out=$("$bin" "$dir" 2>&1)
rc=$?
n=$(sed -n 's/.*replayed \([0-9][0-9]*\) inputs.*/\1/p' <<<"$out" | tail -n 1)
if [[ $rc -eq 0 && -n $n && $n -gt 0 ]]; then
    echo "$out"
    echo "$n passed, 0 failed"
    exit 0
fi
echo "$out" | tail -n 40
pass=0; fail=0
for f in "$dir"/*; do
    [[ -f $f ]] || continue
    if ( "$bin" "$f"; exit $? ) >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $f"; fi
done
[[ $pass -eq 0 && $fail -eq 0 ]] && fail=1
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
