#!/bin/bash
# tests/test_json_check.sh - examples/json_check: exit codes (0 valid, 1 invalid with
# "offset N: reason", 2 usage/I-O), --chunk N, --tokens output, and the JSONTestSuite from
# ../shared (skipped when absent) at several chunk sizes.
cd "$(dirname "$0")/.."
bin=build/json_check
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_rc() { # want cmd...
    local want=$1; shift
    "$@" >/dev/null 2>&1; local rc=$?
    [[ $rc -eq $want ]] && ok || bad "$* -> $rc, want $want"
}
[[ -x $bin ]] || make -s $bin || { echo "0 passed, 1 failed"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

printf '{"a":[1,-2.5e3,"x\\u00e9\\ud83d\\ude00\\ny",true,false,null],"b\\"":{}}' >"$tmp/doc.json"
cat >"$tmp/want" <<'T'
begin_object 0
key 1 "a"
begin_array 5
number 6 1
number 8 -2.5e3
string 15 "xé😀\ny"
true 40
false 45
null 51
end_array 55
key 57 "b\""
begin_object 63
end_object 64
end_object 65
T
for c in "" "--chunk 1" "--chunk 2" "--chunk 5" "--chunk 1000"; do
    $bin $c --tokens "$tmp/doc.json" >"$tmp/got" 2>&1 && diff -u "$tmp/want" "$tmp/got" >/dev/null \
        && ok || bad "--tokens $c differs: $(diff "$tmp/want" "$tmp/got" | head -5)"
done
$bin --tokens <"$tmp/doc.json" | cmp -s - "$tmp/want" && ok || bad "stdin"
expect_rc 0 $bin "$tmp/doc.json"
printf '[1,2,]' >"$tmp/bad.json"
expect_rc 1 $bin "$tmp/bad.json"
msg=$($bin --chunk 1 "$tmp/bad.json" 2>&1 >/dev/null)
[[ $msg == "offset 5: trailing comma" ]] && ok || bad "message: $msg"
: >"$tmp/empty.json"
expect_rc 1 $bin "$tmp/empty.json"
expect_rc 2 $bin "$tmp/does-not-exist.json"
expect_rc 2 $bin --chunk 0 "$tmp/doc.json"
expect_rc 2 $bin --chunk x "$tmp/doc.json"
expect_rc 2 $bin --chunk
expect_rc 2 $bin --bogus
expect_rc 2 $bin a b
expect_rc 2 $bin "$tmp"    # a directory: read error

# nesting: 1024 levels by default, --max-depth D sets another limit
nest() { /usr/bin/python3 -c "import sys; n=int(sys.argv[1]); print('['*n + ']'*n)" "$1"; }
nest 1024 >"$tmp/d1024.json"; nest 1025 >"$tmp/d1025.json"; nest 65 >"$tmp/d65.json"
expect_rc 0 $bin "$tmp/d1024.json"
expect_rc 0 $bin --chunk 7 "$tmp/d1024.json"
expect_rc 1 $bin "$tmp/d1025.json"
msg=$($bin "$tmp/d1025.json" 2>&1 >/dev/null)
[[ $msg == "offset 1024: nesting deeper than the limit" ]] && ok || bad "depth message: $msg"
expect_rc 0 $bin --max-depth 65 "$tmp/d65.json"
expect_rc 1 $bin --max-depth 64 "$tmp/d65.json"
expect_rc 2 $bin --max-depth 0 "$tmp/d65.json"
expect_rc 2 $bin --max-depth x "$tmp/d65.json"

suite=../shared/JSONTestSuite/test_parsing
if [[ -d $suite ]]; then
    for c in "" "--chunk 1" "--chunk 3" "--chunk 64"; do
        for f in "$suite"/*.json; do
            b=${f##*/}
            $bin $c "$f" >/dev/null 2>&1; rc=$?
            case $b in
            y_*) [[ $rc -eq 0 ]] && ok || bad "$c $b -> $rc" ;;
            n_*) [[ $rc -eq 1 ]] && ok || bad "$c $b -> $rc" ;;
            *) [[ $rc -le 1 ]] && ok || bad "$c $b -> $rc" ;;
            esac
        done
    done
else
    echo "JSONTestSuite: skipped ($suite not found)"
fi
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
