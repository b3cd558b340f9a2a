# Sourced by tests/run.sh and tests/cross.sh: `run NAME COMMAND...` runs one test runner,
# keeps its output in build/logs/, prints its count line and adds it to the totals;
# `summary` prints the sum, "N passed, N failed", and fails if anything failed. A runner
# that exits non-zero without any count line counts as one failure; so does one that exits
# non-zero while reporting 0 failed.
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
    printf '%-36s %5d passed, %3d failed  (%ds)%s\n' "$name" "$p" "$f" $((SECONDS - start)) \
        "$([[ $f -ne 0 ]] && echo "  <-- see $log")"
    if [[ $f -ne 0 ]]; then grep -E 'FAIL|Error|error' "$log" | head -n 20 | sed 's/^/    /'; fi
}
summary() {
    echo "$total_pass passed, $total_fail failed"
    [[ $total_fail -eq 0 ]]
}
