#!/bin/bash
# tests/fuzz_campaign.sh - a fuzz campaign over every fuzz/fuzz_*.c target with two engines,
# then a minimized corpus; or (--coverage) the lines of axiomws.h a corpus reaches.
#
# Campaign, per target, one process at a time (the machine is shared), all under nice:
#   1. libFuzzer (ASan+UBSan) for CAMPAIGN_TIME seconds with fuzz/T.dict when there is one,
#      seeded from fuzz/corpus/T/, writing into build/campaign/T/libfuzzer/ - never into the
#      committed corpus;
#   2. for the targets in CAMPAIGN_AFL, AFL++ (fuzz/afl_main.c in persistent mode, ASan+UBSan,
#      with a CmpLog build) for as long again, from the same committed seeds, so that the two
#      engines can be compared;
#   3. libFuzzer -merge=1 of the committed seeds and both engines' finds into a fresh
#      directory. The named seeds (hand-written: the regression inputs crash_*, the captured
#      TLS flights; any file not named by a 40-digit SHA-1) are copied in first so that they
#      always stay; then only the inputs that add coverage are added;
#   4. the minimized corpus is replayed by the ASan+UBSan replay build (make fuzz-replay's),
#      timed, and with CAMPAIGN_COMMIT=1 (or --commit) it replaces fuzz/corpus/T/.
#   A crash, leak, timeout or AFL hang is a failure: the input is saved as
#   fuzz/crash-T-<engine>-<name>, its stack printed, and the campaign stops (with
#   CAMPAIGN_KEEP_GOING=1 only that target stops; the exit status is non-zero either way).
#   Targets are found by wildcard, again after each one, so a target added while the
#   campaign runs is fuzzed too (it needs its seeds, fuzz/corpus/T/).
#   The report (build/campaign/summary.md, also printed): per target and engine the wall
#   time, total execs, exec/s, corpus files before and after, and the lines of axiomws.h
#   that engine's corpus reaches; the union over the targets' minimized corpora.
#
# One version of the header: the campaign copies axiomws.h (or CAMPAIGN_HEADER, e.g. a
# `git show HEAD:axiomws.h` saved to a file) to build/campaign/src/ once and builds every
# program through the Makefile's own rules against that copy (-iquote, first for "axiomws.h";
# binaries in build/campaign/bin/), so edits made while it runs change nothing.
#
# Coverage (--coverage [T[=DIR]...]): each target built with clang source-based coverage and
#   fuzz/replay_main.c replays DIR (default fuzz/corpus/T/); llvm-cov's line coverage of
#   axiomws.h is printed per target, then for the union (a line counts when any target
#   reaches it: the profiles are merged and reported over all the programs at once, see
#   fuzz/campaign.mk). build/coverage/ keeps the profiles, the reports and uncovered.txt
#   (the header's lines that no target reaches, as ranges with their >>section).
#
# Usage: tests/fuzz_campaign.sh [--commit] [TARGET...]      (default: every fuzz/fuzz_*.c)
#        tests/fuzz_campaign.sh --coverage [TARGET[=DIR]...]
# Environment: CAMPAIGN_TIME (seconds per target and engine, 900), CAMPAIGN_COMMIT (0),
#   CAMPAIGN_AFL (the targets AFL++ runs too: "fuzz_frame fuzz_json"), CAMPAIGN_OUT
#   (build/campaign; build/coverage for --coverage), CAMPAIGN_HEADER (axiomws.h),
#   CAMPAIGN_NICE (19), CAMPAIGN_KEEP_GOING (0), CAMPAIGN_ENGINES ("libfuzzer afl"; "afl"
#   alone keeps the finds of an earlier libFuzzer run in build/campaign/T/libfuzzer/ and
#   merges them again - after a target stopped at a failure, say).
# Needs clang (libFuzzer), AFL++ (afl-fuzz, afl-clang-fast) and llvm (llvm-profdata, llvm-cov).
set -u
cd "$(dirname "$0")/.." || exit 2

MODE=campaign
[[ ${1:-} == --coverage ]] && { MODE=coverage; shift; }
TIME=${CAMPAIGN_TIME:-900}
COMMIT=${CAMPAIGN_COMMIT:-0}
AFL_TARGETS=${CAMPAIGN_AFL-fuzz_frame fuzz_json}
ENGINES=${CAMPAIGN_ENGINES:-libfuzzer afl}
KEEP_GOING=${CAMPAIGN_KEEP_GOING:-0}
NICE=(nice -n "${CAMPAIGN_NICE:-19}")
MAKE=${MAKE:-make}
if [[ $MODE == coverage ]]; then OUT=${CAMPAIGN_OUT:-build/coverage}; COVDIR=$OUT
else OUT=${CAMPAIGN_OUT:-build/campaign}; COVDIR=$OUT/cov; fi
SRC=$OUT/src       # the header's copy that everything is built against
BIN=$OUT/bin       # the Makefile's $(B) for those builds
HEADER=$PWD/$SRC/axiomws.h

die() { echo "fuzz_campaign: $*" >&2; exit 2; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found (apt-get install $2)"; }
count() { if [[ -d $1 ]]; then find "$1" -maxdepth 1 -type f | wc -l; else echo 0; fi; }
log() { echo "[$(date '+%H:%M:%S')] $*"; }
pct() { awk -v l="$1" -v n="$2" 'BEGIN { if (n) printf "%.1f", 100 * l / n; else printf "-" }'; }
# every fuzz/fuzz_*.c, by name
all_targets() { local f; for f in fuzz/fuzz_*.c; do [[ -f $f ]] && { f=${f#fuzz/}; echo "${f%.c}"; }; done; }
is_afl() { [[ " $AFL_TARGETS " == *" $1 "* ]]; }

# Copies the header once; the build is the Makefile's (its rules and flags), with the copy
# found first for #include "axiomws.h" (-iquote comes before -I) and $(B) moved to $BIN.
snapshot() {
    local from=${CAMPAIGN_HEADER:-axiomws.h}
    [[ -f $from ]] || die "no header $from"
    mkdir -p "$SRC" "$BIN"
    [[ $from -ef $HEADER ]] || cp "$from" "$HEADER"
    : >"$OUT/build.log"
    log "header: $from, sha1 $(sha1sum "$HEADER" | cut -c1-12), HEAD $(git rev-parse --short HEAD 2>/dev/null)$(cmp -s "$HEADER" <(git show HEAD:axiomws.h 2>/dev/null) || echo ' (not the committed one)')"
}
build() {
    "${NICE[@]}" "$MAKE" --no-print-directory -s B="$BIN" \
        "CC=${CC:-cc} -iquote $SRC" "CLANG=${CLANG:-clang} -iquote $SRC" "AFLCC=${AFLCC:-afl-clang-fast} -iquote $SRC" \
        "$@" >>"$OUT/build.log" 2>&1
}
# the programs a target's campaign runs (AFL's only for the CAMPAIGN_AFL ones)
bins_of() {
    echo "$BIN/fuzz/$1"; echo "$BIN/fuzz/replay_$1"; echo "$BIN/cov/$1"
    if [[ $MODE == campaign ]] && is_afl "$1"; then echo "$BIN/afl/$1"; echo "$BIN/afl-cmplog/$1"; fi
    return 0
}
# builds what a target needs unless it is there already (everything is built at the start)
ensure_built() {
    local b missing=() bins=()
    mapfile -t bins < <(bins_of "$1")
    [[ $MODE == coverage ]] && bins=("$BIN/cov/$1")
    for b in "${bins[@]}"; do [[ -x $b ]] || missing+=("$b"); done
    [[ ${#missing[@]} -eq 0 ]] || build "${missing[@]}"
}

# ---------------------------------------------------------------- coverage

# cov_measure NAME TARGET DIR... : the coverage build of TARGET replays the DIRs; the profile
# and report go to $COVDIR/NAME/. Prints "L N": lines of axiomws.h reached, lines with code.
# An input that aborts takes its process's profile with it: such a directory is replayed
# again one input per process, and the inputs that fail are listed in $COVDIR/NAME/failed.
cov_measure() {
    local name=$1 bin=$BIN/cov/$2 d=$COVDIR/$1 dir f i=0
    shift 2
    rm -rf "$d" && mkdir -p "$d"
    : >"$d/failed"
    for dir in "$@"; do
        [[ -d $dir ]] || continue
        if ! LLVM_PROFILE_FILE="$d/replay-$i.profraw" "${NICE[@]}" "$bin" "$dir" >"$d/replay-$i.log" 2>&1; then
            rm -f "$d/replay-$i.profraw"
            for f in "$dir"/*; do
                # %m: the processes add their counts into one file
                [[ -f $f ]] && ! LLVM_PROFILE_FILE="$d/replay-$i-%m.profraw" "${NICE[@]}" "$bin" "$f" >/dev/null 2>&1 &&
                    echo "$f" >>"$d/failed"
            done
            echo "fuzz_campaign: $(wc -l <"$d/failed") inputs of $dir fail their replay (listed in $d/failed)" >&2
        fi
        i=$((i + 1))
    done
    # not -sparse: a function that ran nowhere keeps its record, and so its hash; without one,
    # llvm-cov would take another target's variant of it (AXWS_PORT_USER, ...) for a mismatch
    # and leave the function out of the union's lines
    if ! compgen -G "$d/*.profraw" >/dev/null || ! llvm-profdata merge "$d"/*.profraw -o "$d/merged.profdata"; then
        echo "0 0"
        return 1
    fi
    echo "$bin" >"$d/binary"
    cov_report "$d" "$bin"
}

# cov_report DIR BIN [-object BIN2 ...]: llvm-cov's line coverage of axiomws.h (the SOURCES
# argument keeps that file only) with DIR/merged.profdata; lcov's LF/LH are exactly the
# "Lines" columns of llvm-cov report, which is kept beside it. Prints "L N".
cov_report() {
    local d=$1
    shift
    llvm-cov report -instr-profile="$d/merged.profdata" "$@" "$HEADER" >"$d/report.txt" 2>"$d/llvm-cov.err"
    llvm-cov export -format=lcov -instr-profile="$d/merged.profdata" "$@" "$HEADER" >"$d/lcov.info" 2>>"$d/llvm-cov.err"
    awk -F: '$1 == "LF" { n += $2 } $1 == "LH" { l += $2 } END { printf "%d %d\n", l, n }' "$d/lcov.info"
}

# cov_union NAME... : the union of the measured NAMEs into $COVDIR/union/. Prints "L N".
# The static functions of the coverage builds carry one name in every program
# (fuzz/campaign.mk), so llvm-profdata adds up each function's counters over all the targets.
# Each program then reports its own functions with those summed counts (llvm-cov report
# -show-functions), and a function counts with the most lines any program shows reached -
# what llvm-cov does with the copies of one function itself (instantiations), done here by
# hand because given several programs at once llvm-cov would keep only the first program's
# copy of a function, and a target that compiles it differently (fuzz_client's
# AXWS_PORT_USER changes 4 functions) would lose its counts. N likewise: per function, the
# most lines any copy has.
cov_union() {
    local d=$COVDIR/union name bin profs=() bins=()
    rm -rf "$d" && mkdir -p "$d"
    for name in "$@"; do
        profs+=("$COVDIR/$name/merged.profdata")
        bin=$(cat "$COVDIR/$name/binary")
        [[ " ${bins[*]} " == *" $bin "* ]] || bins+=("$bin")
    done
    llvm-profdata merge "${profs[@]}" -o "$d/merged.profdata" || { echo "0 0"; return 1; }
    for bin in "${bins[@]}"; do
        llvm-cov report -show-functions -instr-profile="$d/merged.profdata" "$bin" "$HEADER" 2>>"$d/llvm-cov.err"
    done >"$d/functions.txt"
    local ln
    # rows: name regions miss cover lines miss cover ...; between the dashed rules
    ln=$(awk '/^---/ { inside = !inside; next }
              inside && NF >= 7 && $5 ~ /^[0-9]+$/ { n = $5; l = $5 - $6
                  if (n > lines[$1]) lines[$1] = n
                  if (l > hit[$1]) hit[$1] = l }
              END { for (f in lines) { N += lines[f]; L += hit[f] } printf "%d %d\n", L, N }' "$d/functions.txt")
    # the lines: each program's per-line view with the summed counts, a line reached when any
    # program shows it reached
    for bin in "${bins[@]}"; do
        llvm-cov export -format=lcov -instr-profile="$d/merged.profdata" "$bin" "$HEADER" 2>>"$d/llvm-cov.err"
    done >"$d/lcov.info"
    # the lines with code that no target reached, as ranges, each with the innermost section
    # (/* >>name ... /* <<name) it sits in and its first line
    awk -F'[:,]' '$1 == "DA" { seen[$2] = 1; if ($3 > 0) hit[$2] = 1 }
                  END { for (k in seen) if (!(k in hit)) print k }' "$d/lcov.info" | sort -n >"$d/uncovered.lines"
    [[ -s $d/uncovered.lines ]] || echo 0 >"$d/uncovered.lines" # no line 0: keeps NR == FNR honest
    awk 'NR == FNR { miss[$1] = 1; next }
         /^[ \t]*\/\* >>[a-z-]+/ { match($0, />>[a-z-]+/); st[++sp] = substr($0, RSTART + 2, RLENGTH - 2) }
         /^[ \t]*\/\* <<[a-z-]+/ { if (sp) sp-- }
         function out() { gsub(/^[ \t]+/, "", first)
                          printf "%5d-%-5d %4d  %-18s %s\n", start, last, last - start + 1, s, first }
         FNR in miss { if (start && FNR == last + 1) { last = FNR; next }
                       if (start) out()
                       start = FNR; last = FNR; s = sp ? st[sp] : "-"; first = $0; next }
         END { if (start) out() }' "$d/uncovered.lines" "$HEADER" >"$COVDIR/uncovered.txt"
    echo "$ln" # last: the caller reads it through a pipe and may go on at once
}

coverage_main() {
    need llvm-cov llvm
    need llvm-profdata llvm
    local args=("$@") t dir spec names=() l n
    [[ ${#args[@]} -gt 0 ]] || mapfile -t args < <(all_targets)
    snapshot
    build -k $(for spec in "${args[@]}"; do echo "$BIN/cov/${spec%%=*}"; done)
    for spec in "${args[@]}"; do
        t=${spec%%=*}
        dir=fuzz/corpus/$t
        [[ $spec == *=* ]] && dir=${spec#*=}
        if [[ ! -d $dir ]]; then echo "$t: no corpus $dir, skipped"; continue; fi
        if ! ensure_built "$t"; then echo "$t: the coverage build failed, skipped (see $OUT/build.log)"; continue; fi
        read -r l n < <(cov_measure "$t" "$t" "$dir")
        local bad=""
        [[ -s $COVDIR/$t/failed ]] && bad=", $(wc -l <"$COVDIR/$t/failed") of them fail their replay"
        echo "$t: $l of $n lines of axiomws.h ($(pct "$l" "$n") %)  [$(count "$dir") inputs in $dir$bad]"
        names+=("$t")
    done
    [[ ${#names[@]} -gt 0 ]] || return 1
    read -r l n < <(cov_union "${names[@]}")
    echo "union of ${#names[@]} targets: $l of $n lines of axiomws.h ($(pct "$l" "$n") %)"
    echo "lines no target reaches: $COVDIR/uncovered.txt ($(wc -l <"$COVDIR/uncovered.txt") ranges)"
}

# ---------------------------------------------------------------- campaign

declare -A DONE=()
FAILED=()
MEASURED=() # the cov_measure names of the minimized corpora, for the union
ROWS=()     # target|engine|seconds|execs|exec/s|before|after|lines|N|note
row() { local IFS='|'; ROWS+=("$*"); }

# save_crash T ENGINE FILE... : copies each input to fuzz/crash-T-ENGINE-<name>, shows the
# first one's stack (replayed by the ASan+UBSan libFuzzer build) and marks T failed.
save_crash() {
    local t=$1 engine=$2 f dst first=""
    shift 2
    for f in "$@"; do
        dst=fuzz/crash-$t-$engine-$(basename "$f" | tr ':,' '__')
        cp "$f" "$dst"
        log "$t/$engine: FAILURE, input saved as $dst ($(stat -c %s "$dst") bytes)"
        [[ -n $first ]] || first=$dst
    done
    if [[ -n $first ]]; then
        log "$t/$engine: $BIN/fuzz/$t $first says:"
        "${NICE[@]}" timeout 300 "$BIN/fuzz/$t" -timeout=60 "$first" 2>&1 | tail -n 60 | sed 's/^/    /'
    fi
    FAILED+=("$t")
}

# run_libfuzzer T : fuzzes T into $OUT/T/libfuzzer/; non-zero on a failure
run_libfuzzer() {
    local t=$1 d=$OUT/$1 dict=() rc start secs execs eps corp cov arts=() l n
    rm -rf "$d/libfuzzer" "$d/artifacts" && mkdir -p "$d/libfuzzer" "$d/artifacts"
    [[ -f fuzz/$t.dict ]] && dict=(-dict="fuzz/$t.dict")
    log "$t/libfuzzer: ${TIME}s from $(count "fuzz/corpus/$t") seeds ${dict[*]}"
    start=$(date +%s)
    # -timeout: far above any input's time, but a niced process may wait long for the CPU
    "${NICE[@]}" "$BIN/fuzz/$t" -max_total_time="$TIME" -timeout=60 -print_final_stats=1 \
        -artifact_prefix="$d/artifacts/" "${dict[@]}" "$d/libfuzzer" "fuzz/corpus/$t" >"$d/libfuzzer.log" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/libfuzzer.log" | tail -n 1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$d/libfuzzer.log" | tail -n 1)
    corp=$(grep -o 'corp: [0-9]*' "$d/libfuzzer.log" | tail -n 1 | cut -d' ' -f2)
    cov=$(grep -o 'cov: [0-9]*' "$d/libfuzzer.log" | tail -n 1 | cut -d' ' -f2)
    # when the edge count last grew (exec number / average rate): a plateau shows here
    local last
    last=$(awk -v avg="${eps:-0}" '/^#[0-9]+/ && / cov: / { for (i = 1; i < NF; i++) if ($i == "cov:") c = $(i + 1) + 0
                                                      if (c > best) { best = c; at = substr($1, 2) + 0 } }
                                   END { if (avg > 0) printf "%.0f", at / avg }' "$d/libfuzzer.log")
    log "$t/libfuzzer: rc $rc, ${secs}s, ${execs:-?} execs, ${eps:-?} exec/s, corpus ${corp:-?} (edges ${cov:-?}, the last new one after ~${last:-?}s), $(count "$d/libfuzzer") new files"
    # slow-unit-* are reports, not failures; crash-, leak-, timeout-, oom- are
    mapfile -t arts < <(find "$d/artifacts" -maxdepth 1 -type f ! -name 'slow-unit-*' | sort)
    if [[ $rc -ne 0 || ${#arts[@]} -gt 0 ]]; then
        grep -m 5 -E '^==[0-9]+==ERROR|runtime error|invariant broken|SUMMARY|deadly signal' "$d/libfuzzer.log" | sed 's/^/    /'
        save_crash "$t" libfuzzer "${arts[@]}"
        row "$t" libFuzzer "$secs" "${execs:-?}" "${eps:-?}" "$(count "fuzz/corpus/$t")" "${corp:-?}" - - "FAILED (rc $rc)"
        return 1
    fi
    read -r l n < <(cov_measure "$t-libfuzzer" "$t" "fuzz/corpus/$t" "$d/libfuzzer")
    row "$t" libFuzzer "$secs" "$execs" "$eps" "$(count "fuzz/corpus/$t")" "$corp" "$l" "$n" "last new edge after ~${last:-?}s"
}

# run_afl T : AFL++ on T from the committed seeds; its queue is copied to $OUT/T/afl-queue/
run_afl() {
    local t=$1 d=$OUT/$1 dict=() start secs rc st execs eps corp crashes hangs bad=() l n
    rm -rf "$d/afl" "$d/afl-queue" && mkdir -p "$d/afl-queue"
    [[ -f fuzz/$t.dict ]] && dict=(-x "fuzz/$t.dict")
    log "$t/afl++: ${TIME}s from $(count "fuzz/corpus/$t") seeds ${dict[*]}"
    start=$(date +%s)
    # environment variables instead of afl-system-config: no CPU governor or core_pattern
    # check, no pinning to a core (others share the machine), a plain log, stop at the first
    # crash; afl-fuzz sets the ASan/UBSan options it needs when they are unset
    env -u ASAN_OPTIONS -u UBSAN_OPTIONS \
        AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
        AFL_NO_UI=1 AFL_BENCH_UNTIL_CRASH=1 AFL_FAST_CAL=1 \
        "${NICE[@]}" afl-fuzz -i "fuzz/corpus/$t" -o "$d/afl" -V "$TIME" -t 10000 -m none \
        "${dict[@]}" -c "$BIN/afl-cmplog/$t" -- "$BIN/afl/$t" >"$d/afl.log" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    st=$d/afl/default/fuzzer_stats
    if [[ ! -f $st ]]; then
        tail -n 20 "$d/afl.log" | sed 's/^/    /'
        log "$t/afl++: did not start (rc $rc), see $d/afl.log"
        row "$t" AFL++ "$secs" - - "$(count "fuzz/corpus/$t")" - - - "FAILED to start"
        FAILED+=("$t")
        return 1
    fi
    stat_of() { sed -n "s/^$1 *: *//p" "$st"; }
    execs=$(stat_of execs_done); eps=$(stat_of execs_per_sec); corp=$(stat_of corpus_count)
    crashes=$(stat_of saved_crashes); hangs=$(stat_of saved_hangs)
    local last=$(($(stat_of last_find) - $(stat_of start_time)))
    [[ $(stat_of last_find) == 0 ]] && last=-
    log "$t/afl++: rc $rc, ${secs}s, $execs execs, $eps exec/s, corpus $corp, crashes $crashes, hangs $hangs, stability $(stat_of stability), edges $(stat_of edges_found), the last find after ${last}s"
    find "$d/afl/default/queue" -maxdepth 1 -type f -exec cp -t "$d/afl-queue" {} +
    mapfile -t bad < <(find "$d/afl/default/crashes" "$d/afl/default/hangs" -maxdepth 1 -type f ! -name README.txt 2>/dev/null | sort)
    if [[ $rc -ne 0 || ${#bad[@]} -gt 0 || ${crashes:-0} -gt 0 || ${hangs:-0} -gt 0 ]]; then
        save_crash "$t" afl "${bad[@]}"
        row "$t" AFL++ "$secs" "$execs" "$eps" "$(count "fuzz/corpus/$t")" "$corp" - - "FAILED: $crashes crashes, $hangs hangs (rc $rc)"
        return 1
    fi
    read -r l n < <(cov_measure "$t-afl" "$t" "$d/afl-queue")
    row "$t" AFL++ "$secs" "$execs" "$eps" "$(count "fuzz/corpus/$t")" "$corp" "$l" "$n" "last find after ${last}s"
}

# minimize T : merges the committed seeds and both engines' finds into $OUT/T/min/, checks
# it, and with COMMIT=1 makes it fuzz/corpus/T/
minimize() {
    local t=$1 d=$OUT/$1 f start secs before named ms l n
    before=$(count "fuzz/corpus/$t")
    rm -rf "$d/min" && mkdir -p "$d/min"
    for f in "fuzz/corpus/$t"/*; do
        [[ -f $f && ! $(basename "$f") =~ ^[0-9a-f]{40}$ ]] && cp "$f" "$d/min/"
    done
    named=$(count "$d/min")
    start=$(date +%s)
    "${NICE[@]}" "$BIN/fuzz/$t" -merge=1 -timeout=60 "$d/min" "fuzz/corpus/$t" "$d/libfuzzer" \
        $([[ -d $d/afl-queue ]] && echo "$d/afl-queue") >"$d/merge.log" 2>&1 ||
        { tail -n 20 "$d/merge.log"; log "$t/merge: failed"; FAILED+=("$t"); return 1; }
    secs=$(($(date +%s) - start))
    log "$t/merge: $before committed + $(count "$d/libfuzzer") libFuzzer + $(count "$d/afl-queue") AFL++ files -> $(count "$d/min") files ($named named seeds kept), $(du -sk "$d/min" | cut -f1) KiB, ${secs}s"
    # what `make test` will do with it (tests/fuzz_replay.sh): it must pass, and quickly
    start=$(date +%s%N)
    if ! "${NICE[@]}" "$BIN/fuzz/replay_$t" "$d/min" >"$d/replay.log" 2>&1; then
        tail -n 30 "$d/replay.log"; log "$t: the minimized corpus fails its ASan replay"; FAILED+=("$t"); return 1
    fi
    ms=$((($(date +%s%N) - start) / 1000000))
    read -r l n < <(cov_measure "$t-min" "$t" "$d/min")
    MEASURED+=("$t-min")
    log "$t/min: ASan replay ${ms} ms; $l of $n lines of axiomws.h ($(pct "$l" "$n") %)"
    row "$t" "merged, minimized" "$secs" - - "$before" "$(count "$d/min")" "$l" "$n" "ASan replay ${ms} ms"
    if [[ $COMMIT == 1 ]]; then
        # the directory is swapped whole: an interruption leaves the old corpus or the new
        rm -rf "fuzz/corpus/.$t.new" && cp -r "$d/min" "fuzz/corpus/.$t.new" &&
            rm -rf "fuzz/corpus/${t:?}" && mv "fuzz/corpus/.$t.new" "fuzz/corpus/$t" &&
            log "$t: fuzz/corpus/$t/ replaced ($before -> $(count "fuzz/corpus/$t") files)"
    fi
}

campaign_target() {
    local t=$1 ok=1 l n
    DONE[$t]=1
    if [[ ! -d fuzz/corpus/$t ]]; then
        log "$t: no seed corpus fuzz/corpus/$t/, skipped"
        row "$t" - - - - - - - - "skipped: no fuzz/corpus/$t/"
        return 0
    fi
    mkdir -p "$OUT/$t"
    if ! ensure_built "$t"; then
        log "$t: the build failed, skipped (see $OUT/build.log)"
        row "$t" - - - - - - - - "skipped: the build failed"
        FAILED+=("$t")
        return 0
    fi
    read -r l n < <(cov_measure "$t-seeds" "$t" "fuzz/corpus/$t")
    row "$t" "seeds (before)" - - - "$(count "fuzz/corpus/$t")" "$(count "fuzz/corpus/$t")" "$l" "$n" ""
    if [[ " $ENGINES " == *" libfuzzer "* ]]; then run_libfuzzer "$t" || ok=0
    else log "$t/libfuzzer: not run; its earlier finds: $(count "$OUT/$t/libfuzzer") files in $OUT/$t/libfuzzer"; fi
    if [[ $ok == 1 && " $ENGINES " == *" afl "* ]] && is_afl "$t"; then run_afl "$t" || ok=0; fi
    if [[ $ok == 1 ]]; then minimize "$t" || ok=0; fi
    if [[ $ok == 0 && $KEEP_GOING != 1 ]]; then report; exit 1; fi
}

report() {
    local r t e s x eps b a l n note lines p
    if [[ ${#MEASURED[@]} -gt 0 ]]; then
        read -r l n < <(cov_union "${MEASURED[@]}")
        row "union of ${#MEASURED[@]}" "minimized" - - - - - "$l" "$n" "uncovered: $COVDIR/uncovered.txt"
    fi
    {
        echo "| target | engine | seconds | execs | exec/s | corpus before | corpus after | lines of axiomws.h | % | note |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
        for r in "${ROWS[@]}"; do
            IFS='|' read -r t e s x eps b a l n note <<<"$r"
            [[ $eps =~ ^[0-9]+\.[0-9]+$ ]] && eps=$(printf '%.0f' "$eps")
            lines=- p=-
            [[ $l =~ ^[0-9]+$ && $n =~ ^[0-9]+$ ]] && { lines="$l of $n"; p=$(pct "$l" "$n"); }
            echo "| $t | $e | $s | $x | $eps | $b | $a | $lines | $p | $note |"
        done
    } >"$OUT/summary.md"
    echo
    cat "$OUT/summary.md"
    if [[ ${#FAILED[@]} -eq 0 ]]; then echo "fuzz_campaign: no failures"
    else echo "fuzz_campaign: FAILED: ${FAILED[*]} (inputs in fuzz/crash-*)"; fi
}

campaign_main() {
    local targets=() all=() t cand
    while [[ $# -gt 0 ]]; do
        case $1 in
        --commit) COMMIT=1 ;;
        -*) die "unknown option $1" ;;
        *) targets+=("$1") ;;
        esac
        shift
    done
    need "${CLANG:-clang}" clang
    need llvm-cov llvm
    need llvm-profdata llvm
    [[ -z $AFL_TARGETS ]] || need afl-fuzz afl++
    [[ $TIME =~ ^[0-9]+$ && $TIME -gt 0 ]] || die "CAMPAIGN_TIME must be a number of seconds"
    log "campaign: ${TIME}s per target and engine, engines: $ENGINES, AFL++ on: ${AFL_TARGETS:-none}, commit: $COMMIT, ${NICE[*]}"
    snapshot
    # everything first, so the campaign fuzzes one build; -k: a target that does not build
    # is skipped when its turn comes
    if [[ ${#targets[@]} -gt 0 ]]; then all=("${targets[@]}"); else mapfile -t all < <(all_targets); fi
    log "building for: ${all[*]}"
    build -k $(for t in "${all[@]}"; do bins_of "$t"; done) || log "some builds failed (see $OUT/build.log)"
    if [[ ${#targets[@]} -gt 0 ]]; then
        for t in "${targets[@]}"; do campaign_target "$t"; done
    else
        # the wildcard again after each target: one added meanwhile is run as well
        while :; do
            t=""
            while read -r cand; do [[ -z ${DONE[$cand]:-} ]] && { t=$cand; break; }; done < <(all_targets)
            [[ -n $t ]] || break
            campaign_target "$t"
        done
    fi
    report
    [[ ${#FAILED[@]} -eq 0 ]]
}

if [[ $MODE == coverage ]]; then coverage_main "$@"; else campaign_main "$@"; fi
