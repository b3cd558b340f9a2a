#!/bin/bash
# tests/test_embedded.sh - `make embedded`: the unit tests of the sans-IO core, the JSON
# tokenizer and the Axiom decoder (tests/test_frame.c, test_json.c, test_axiom_msg.c) built
# for a Cortex-M4 (arm-none-eabi-gcc -Os, newlib) and run under QEMU's mps2-an386 board
# through semihosting, the entry points' stack measured there, then the flash and stack
# budgets of tests/embedded/limits.txt (tests/embedded/embedded.mk, budget.py). Every
# program's count, the budget's, and their sum last: "N passed, N failed". Fails when the
# tools are missing (make deps installs gcc-arm-none-eabi, libnewlib-arm-none-eabi,
# qemu-system-arm).
cd "$(dirname "$0")/.."
missing=""
for t in arm-none-eabi-gcc arm-none-eabi-readelf arm-none-eabi-nm arm-none-eabi-objdump qemu-system-arm make; do
    command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
if [[ -n $missing ]]; then
    echo "FAIL missing tools:$missing (run make deps)"
    echo "0 passed, 1 failed"
    exit 1
fi
# a make of its own: not a sub-make of whatever runs this script
unset MAKEFLAGS MFLAGS MAKELEVEL
log=$(mktemp /tmp/axws-test-embedded.XXXXXX)
trap 'rm -f "$log"' EXIT
make --no-print-directory -j"$(nproc 2>/dev/null || echo 2)" embedded >"$log" 2>&1
rc=$?
# the programs' and the budget's lines, without the compiler command lines
grep -v "^arm-none-eabi-\|^/usr/bin/python3 \|^qemu mps2-an386: " "$log"
line=$(grep -E '^embedded: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
else
    p=0 f=0
fi
if [[ $rc -ne 0 && $f -eq 0 ]]; then f=1; echo "FAIL make embedded exited with $rc"; fi
echo "$p passed, $f failed"
[[ $rc -eq 0 && $f -eq 0 ]]
