# tests/scratch.sh - sourced by the shell tests: a scratch directory ($tmp) and the servers a
# test starts in the background (append their PIDs to $pids), all stopped and removed however
# the test ends. Usage: source tests/scratch.sh NAME   (the directory is /tmp/axws-test-NAME.*)
tmp=$(mktemp -d "/tmp/axws-test-$1.XXXXXX")
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
