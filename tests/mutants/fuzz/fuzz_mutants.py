#!/usr/bin/python3
"""tests/mutants/fuzz/fuzz_mutants.py - does the stateful fuzz target find the bugs it was
written for? (`make fuzz-mutants`)

Each tests/mutants/fuzz/NNN-name.mut puts one fixed defect back into axiomws.h, in the format
of tests/mutants/run.py (whose parser and mutate() this script imports; `make mutants` does
not see this directory). For each mutant: the header is copied to
build/fuzz-mutants/NNN-name/axiomws.h with the mutation applied, fuzz/fuzz_client.c is built
against it with libFuzzer (the Makefile's flags for $(B)/fuzz/%, that directory first on the
include path) and run on the seed corpus fuzz/corpus/fuzz_client/ with the dictionary for at
most FUZZ_MUTANT_TIME seconds (default 300), new inputs going to the mutant's own directory.
The mutant is FOUND when the target stops on a broken invariant or a sanitizer report (the
time to find it, the invariant and the crashing input are shown), MISSED when the time runs
out. First the unchanged header is built the same way and its seed corpus replayed: a target
that fails by itself would "find" every mutant.

Usage: tests/mutants/fuzz/fuzz_mutants.py [NAME ...]   (make fuzz-mutants FUZZ_MUTANTS="205")
Exit status: 0 when every mutant is found; 1 when one is missed, stale (its text is not in
the header exactly once) or broken (does not build), or the baseline fails.
The runs are one after another, one core each (the Makefile runs this under nice)."""

import os
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import run  # tests/mutants/run.py: Mutant (the .mut parser), mutate(), run_cmd()

ROOT = run.ROOT
OUT_ROOT = os.path.join(ROOT, "build", "fuzz-mutants")
TARGET = "fuzz_client"
SOURCE = os.path.join("fuzz", TARGET + ".c")
CORPUS = os.path.join("fuzz", "corpus", TARGET)
DICT = os.path.join("fuzz", TARGET + ".dict")
CLANG = os.environ.get("CLANG", "clang")
STD = shlex.split(os.environ.get("STD", "-std=c99 -D_POSIX_C_SOURCE=200809L"))
MAX_TIME = int(os.environ.get("FUZZ_MUTANT_TIME", "300"))
ARTIFACTS = ("crash-", "timeout-", "leak-", "oom-")  # what libFuzzer saves when a run fails
BROKEN_RE = re.compile(r"(fuzz_client invariant broken: .*|ERROR: (?:AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [^\n]*|runtime error: [^\n]*)")


def build(incdir):
    """The libFuzzer binary against incdir/axiomws.h: (path, None) or (None, complaint)."""
    binary = os.path.join(incdir, TARGET)
    log = os.path.join(incdir, "build.log")
    cmd = [CLANG] + STD + ["-O1", "-g", "-fsanitize=fuzzer,address,undefined", "-I" + incdir, "-I.",
                           SOURCE, "-o", binary, "-lbearssl", "-lm"]
    rc, _ = run.run_cmd(cmd, run.BUILD_TIMEOUT, log)
    if rc != 0:
        with open(log, errors="replace") as f:
            lines = [l for l in f.read().splitlines() if "error" in l]
        return None, lines[0] if lines else "exit %s" % rc
    return binary, None


def first_break(log):
    """The first broken invariant or sanitizer report in a run's output, and whether it came
    before libFuzzer finished replaying the seeds (INITED)."""
    with open(log, errors="replace") as f:
        text = f.read()
    m = BROKEN_RE.search(text)
    inited = text.find("INITED")
    in_seeds = m is not None and (inited < 0 or m.start() < inited)
    return (m.group(1).strip() if m else "no report (see %s)" % os.path.relpath(log, ROOT)), in_seeds


def baseline(text):
    outdir = os.path.join(OUT_ROOT, "baseline")
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "axiomws.h"), "w", encoding="utf-8") as f:
        f.write(text)
    binary, err = build(outdir)
    if not binary:
        return "does not build: %s" % err
    log = os.path.join(outdir, "replay.log")
    rc, _ = run.run_cmd([binary, "-runs=0", CORPUS], 300, log)
    if rc != 0:
        return "the seed corpus fails on the unchanged header: %s" % first_break(log)[0]
    return None


def fuzz_one(m, text):
    """Returns (status, seconds, detail)."""
    if m.problem:
        return "STALE", 0.0, m.problem
    outdir = run.mutate(m, text, OUT_ROOT)
    if not outdir:
        return "STALE", 0.0, m.problem
    binary, err = build(outdir)
    if not binary:
        return "BROKEN", 0.0, "does not build: %s" % err
    work = os.path.join(outdir, "corpus")
    os.makedirs(work, exist_ok=True)
    for f in os.listdir(work):  # each run starts from the committed seeds alone
        os.remove(os.path.join(work, f))
    for f in os.listdir(outdir):  # and reports its own crash, not an earlier run's
        if f.startswith(ARTIFACTS):
            os.remove(os.path.join(outdir, f))
    log = os.path.join(outdir, "fuzz.log")
    cmd = [binary, "-max_total_time=%d" % MAX_TIME, "-dict=" + DICT, "-artifact_prefix=" + outdir + "/",
           "-print_final_stats=1", work, CORPUS]
    rc, secs = run.run_cmd(cmd, MAX_TIME + 120, log)
    if rc == 0:
        return "MISSED", secs, "ran %d s without breaking an invariant" % MAX_TIME
    crashes = [f for f in os.listdir(outdir) if f.startswith(ARTIFACTS)]
    what, in_seeds = first_break(log)
    where = ", while replaying the seeds" if in_seeds else ""
    unit = os.path.relpath(os.path.join(outdir, crashes[0]), ROOT) if crashes else "no input saved"
    if rc is None:
        return "MISSED", secs, "the run hung past %d s" % (MAX_TIME + 120)
    return "FOUND", secs, "%s%s; input %s" % (what, where, unit)


def main():
    os.chdir(ROOT)
    started = time.monotonic()
    mut_dir = HERE
    files = sorted(f for f in os.listdir(mut_dir) if f.endswith(".mut"))
    mutants = [run.Mutant(os.path.join(mut_dir, f), known_tests={TARGET}) for f in files]
    names = sys.argv[1:]
    if names:
        mutants = [m for m in mutants if any(m.name == n or m.name.startswith(n) or m.num == n for n in names)]
    if not mutants:
        sys.exit("fuzz_mutants.py: no mutants chosen in %s" % os.path.relpath(mut_dir, ROOT))
    os.makedirs(OUT_ROOT, exist_ok=True)
    # one snapshot of the header for the whole run (others may edit axiomws.h meanwhile)
    with open(run.HEADER, encoding="utf-8") as f:
        text = f.read()
    print("baseline: %s against the unchanged header, seed corpus %s" % (TARGET, CORPUS), flush=True)
    bad = baseline(text)
    if bad:
        print("baseline: %s; nothing measured" % bad)
        return 1
    width = max(len(m.name) for m in mutants)
    results = []
    for m in mutants:
        status, secs, detail = fuzz_one(m, text)
        results.append(status)
        timing = "in %6.1f s" % secs if status == "FOUND" else "         "
        print("%-*s %-6s %s  %s" % (width, m.name, status, timing, detail), flush=True)
    found = results.count("FOUND")
    print("time: %.0f s" % (time.monotonic() - started))
    print("fuzz-mutants: %d found of %d (each run at most %d s)" % (found, len(results), MAX_TIME))
    return 0 if found == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
