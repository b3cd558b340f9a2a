#!/usr/bin/python3
"""tests/mutants/run.py - mutation testing of the test suite (`make mutants`).

Each tests/mutants/NNN-name.mut holds one small, plausible bug in axiomws.h: a description,
the exact original text (it must occur exactly once in the header, so a mutant survives
unrelated edits and goes stale, loudly, when its text changes) and its replacement:

    description: the 16-bit length form takes 125 (minimal encoding, RFC 6455 5.2)
    tests: test_frame
    @@ original
            if (len < 126) goto proto; /* 5.2: the minimal length encoding MUST be used */
    @@ replacement
            if (len < 125) goto proto; /* 5.2: the minimal length encoding MUST be used */

For each mutant the header is copied to build/mutants/NNN-name/axiomws.h with the replacement
applied, the test programs named on its `tests:` line are built with that directory first
on the include path (the Makefile's flags: $STD $WARN -O1 -g, -lbearssl -lm) and run one
after another with a timeout. The mutant is KILLED when one of them exits non-zero, times
out or reports a failure ("N passed, M failed" with M > 0), and SURVIVED when all pass.
A mutant whose text is not found exactly once is STALE, one that does not compile is
BROKEN: both fail the run (fix the mutant). The tests are first run against the unchanged
header (the baseline): a suite that fails by itself would kill every mutant.

Usage: tests/mutants/run.py [-j N] [--no-baseline] [NAME ...]   (make mutants MUTANTS="NAME ...")
  NAME selects mutants by number or name prefix ("22", "022", "022-frame", "022-frame-len16-min.mut").
Output: one line per mutant (in the order they finish), then the survivors, the time taken
and last the score, "mutants: K killed of N (P %)".
Exit status: 0 when at least 95 % are killed and none is stale or broken.
Only the standard library; the tests that need servers start their own (tests/peers)."""

import argparse
import concurrent.futures
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MUT_DIR = os.path.join(ROOT, "tests", "mutants")
OUT_DIR = os.path.join(ROOT, "build", "mutants")
HEADER = os.path.join(ROOT, "axiomws.h")
THRESHOLD = 95.0

# The C test programs a mutant may name, and how long each may run (a mutant that makes a
# test hang is killed by the timeout). test_json_swar / test_tls_entropy include
# test_json.c / test_tls.c (found next to them, in tests/).
C_TESTS = {
    "test_url": 60, "test_frame": 120, "test_json": 120, "test_json_swar": 120,
    "test_axiom_msg": 60, "test_axiom": 240, "test_tls": 180, "test_tls_entropy": 180,
    "test_faults": 120, "test_axiom_shared": 60,
}
# tests/test_compile.sh runs in a copy of the tree (it compiles ./axiomws.h from its own
# parent directory): the mutated header, README.md (its example) and the script.
SCRIPT_TESTS = {"test_compile": 300}
BUILD_TIMEOUT = 300

CC = os.environ.get("CC", "cc")
STD = shlex.split(os.environ.get("STD", "-std=c99 -D_POSIX_C_SOURCE=200809L"))
WARN = shlex.split(os.environ.get(
    "WARN", "-Wall -Wextra -pedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"))
COUNT_RE = re.compile(r"^(?:[A-Za-z_-]+: )?(\d+) passed, (\d+) failed", re.M)

print_lock = threading.Lock()


class Mutant:
    def __init__(self, path, known_tests=None):
        """known_tests: the test names a mutant may list (default: C_TESTS and SCRIPT_TESTS;
        tests/mutants/fuzz/fuzz_mutants.py passes its own)."""
        self.path = path
        self.name = os.path.basename(path)[:-len(".mut")]
        self.num = self.name.split("-", 1)[0]
        self.description = ""
        self.tests = []
        orig, repl, where = [], [], None
        with open(path, encoding="utf-8") as f:
            for line in f.read().split("\n"):
                if line == "@@ original":
                    where = orig
                elif line == "@@ replacement":
                    where = repl
                elif where is not None:
                    where.append(line)
                elif line.startswith("description:"):
                    self.description = line.split(":", 1)[1].strip()
                elif line.startswith("tests:"):
                    self.tests = line.split(":", 1)[1].split()
                elif line.strip() and not line.startswith("#"):
                    raise ValueError("%s: unexpected line before '@@ original': %r" % (path, line))
        while repl and repl[-1] == "":  # the file's final newline(s)
            repl.pop()
        self.original = "\n".join(orig)
        self.replacement = "\n".join(repl)
        problems = []
        if not self.description:
            problems.append("no description")
        if not self.tests:
            problems.append("no tests")
        for t in self.tests:
            if (t not in known_tests) if known_tests is not None else (t not in C_TESTS and t not in SCRIPT_TESTS):
                problems.append("unknown test %s" % t)
        if not self.original.strip():
            problems.append("no original text")
        if self.original == self.replacement:
            problems.append("replacement equals the original")
        self.problem = "; ".join(problems)


def load_mutants(names):
    files = sorted(f for f in os.listdir(MUT_DIR) if f.endswith(".mut"))
    mutants = [Mutant(os.path.join(MUT_DIR, f)) for f in files]
    seen = {}
    for m in mutants:
        if m.num in seen:
            m.problem = (m.problem + "; " if m.problem else "") + "number %s also used by %s" % (m.num, seen[m.num])
        seen[m.num] = m.name
    if not names:
        return mutants
    chosen = []
    for n in names:
        n = os.path.basename(n)
        if n.endswith(".mut"):
            n = n[:-4]
        if n.isdigit():
            hits = [m for m in mutants if m.num.isdigit() and int(m.num) == int(n)]
        else:
            hits = [m for m in mutants if m.name == n or m.name.startswith(n)]
        if not hits:
            sys.exit("run.py: no mutant matches %r" % n)
        chosen.extend(h for h in hits if h not in chosen)
    return chosen


def run_cmd(cmd, timeout, log, cwd=ROOT):
    """Runs cmd in its own process group (so whatever it starts can be ended with it),
    output to log. Returns (exit status or None on timeout, seconds)."""
    start = time.monotonic()
    with open(log, "wb") as out:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
        # the group is ours: end what is left of it (servers of a test that crashed)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(p.pid, sig)
            except (ProcessLookupError, PermissionError):
                break
            if sig == signal.SIGTERM:
                time.sleep(0.2)
        if rc is None:
            p.wait()
    return rc, time.monotonic() - start


def build(test, incdir, outdir):
    """Builds one C test program against incdir/axiomws.h. Returns (binary, None) or
    (None, the compiler's complaint)."""
    binary = os.path.join(outdir, test)
    log = os.path.join(outdir, test + ".build.log")
    cmd = [CC] + STD + WARN + ["-O1", "-g", "-I" + incdir, "-I.", "-Itests",
                               "tests/%s.c" % test, "-o", binary, "-lbearssl", "-lm"]
    rc, _ = run_cmd(cmd, BUILD_TIMEOUT, log)
    if rc != 0:
        with open(log, errors="replace") as f:
            lines = [l for l in f.read().splitlines() if "error" in l]
        return None, (lines[0] if lines else "exit %s" % rc)
    return binary, None


def prepare_script_tree(outdir):
    """A copy of the tree test_compile.sh needs, with the mutated header at its top."""
    tree = os.path.join(outdir, "tree")
    os.makedirs(os.path.join(tree, "tests"), exist_ok=True)
    shutil.copyfile(os.path.join(outdir, "axiomws.h"), os.path.join(tree, "axiomws.h"))
    shutil.copyfile(os.path.join(ROOT, "README.md"), os.path.join(tree, "README.md"))
    for t in SCRIPT_TESTS:
        dst = os.path.join(tree, "tests", t + ".sh")
        shutil.copyfile(os.path.join(ROOT, "tests", t + ".sh"), dst)
    return tree


def run_test(test, incdir, outdir):
    """Builds and runs one test. Returns (verdict, detail) with verdict 'pass', 'fail'
    or 'broken' (the program did not compile)."""
    log = os.path.join(outdir, test + ".log")
    if test in SCRIPT_TESTS:
        tree = prepare_script_tree(outdir)
        rc, secs = run_cmd(["bash", os.path.join(tree, "tests", test + ".sh")], SCRIPT_TESTS[test], log, cwd=tree)
        timeout = SCRIPT_TESTS[test]
    else:
        binary, err = build(test, incdir, outdir)
        if not binary:
            return "broken", "%s does not compile: %s" % (test, err)
        rc, secs = run_cmd([binary], C_TESTS[test], log)
        timeout = C_TESTS[test]
        try:
            os.remove(binary)  # a few MB each with -g; the log and the header stay
        except OSError:
            pass
    with open(log, errors="replace") as f:
        text = f.read()
    counts = COUNT_RE.findall(text)
    failed = int(counts[-1][1]) if counts else 0
    if rc is None:
        return "fail", "%s timed out after %ds" % (test, timeout)
    if rc != 0 or failed or not counts:
        if failed:
            why = "%d failed" % failed
        elif rc < 0:
            why = "signal %d" % -rc
        elif rc > 0:
            why = "exit %d" % rc
        else:
            why = "no count line"
        return "fail", "%s: %s" % (test, why)
    return "pass", "%s ok (%.0fs)" % (test, secs)


def mutate(m, text, out_root=OUT_DIR):
    """Writes <out_root>/<name>/axiomws.h (build/mutants/ by default): text (the header)
    with the mutant applied. Returns its directory, or None when stale."""
    n = text.count(m.original)
    if n != 1:
        m.problem = "original text found %d times in axiomws.h" % n
        return None
    outdir = os.path.join(out_root, m.name)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "axiomws.h"), "w", encoding="utf-8") as f:
        f.write(text.replace(m.original, m.replacement))
    return outdir


def report(line):
    with print_lock:
        print(line, flush=True)


def do_mutant(m, text, width):
    start = time.monotonic()
    if m.problem:
        status, detail = "STALE", m.problem
    else:
        outdir = mutate(m, text)
        if not outdir:
            status, detail = "STALE", m.problem
        else:
            status, details = "SURVIVED", []
            for t in m.tests:
                verdict, d = run_test(t, outdir, outdir)
                details.append(d)
                if verdict == "broken":
                    status = "BROKEN"
                    break
                if verdict == "fail":
                    status = "KILLED"
                    break
            detail = details[-1] if status != "SURVIVED" else "%s; %s" % (", ".join(details), m.description)
    secs = time.monotonic() - start
    report("%-*s %-8s %4.0fs  %s" % (width, m.name, status, secs, detail))
    return status


def baseline(tests, text, jobs):
    """The chosen tests against the unchanged header, in parallel. Returns True when all pass."""
    outdir = os.path.join(OUT_DIR, "baseline")
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "axiomws.h"), "w", encoding="utf-8") as f:
        f.write(text)
    ok = True
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = {ex.submit(run_test, t, outdir, outdir): t for t in tests}
        for fut in concurrent.futures.as_completed(futs):
            verdict, detail = fut.result()
            if verdict != "pass":
                ok = False
                report("baseline: %s (see %s)" % (detail, os.path.relpath(outdir, ROOT)))
    return ok


def main():
    ap = argparse.ArgumentParser(description="Mutation testing of the test suite (see the top of this file).")
    ap.add_argument("names", nargs="*", help="mutants by number or name prefix (default: all)")
    ap.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("JOBS", 0)) or os.cpu_count() or 2,
                    help="mutants at a time (default: the number of cores)")
    ap.add_argument("--no-baseline", action="store_true", help="skip running the tests on the unchanged header")
    args = ap.parse_args()
    os.chdir(ROOT)
    started = time.monotonic()
    mutants = load_mutants(args.names)
    if not mutants:
        sys.exit("run.py: no mutants in %s" % MUT_DIR)
    os.makedirs(OUT_DIR, exist_ok=True)
    # one snapshot of the header for the whole run: the baseline and every mutant see the
    # same text even if axiomws.h is edited meanwhile
    with open(HEADER, encoding="utf-8") as f:
        text = f.read()
    needed = []
    for m in mutants:
        needed.extend(t for t in m.tests if t not in needed and (t in C_TESTS or t in SCRIPT_TESTS))
    if "test_axiom" in needed and not os.path.isdir(os.path.join(ROOT, "tests", "peers", "node_modules")):
        report("run.py: tests/peers/node_modules is missing: make deps")
        if subprocess.call(["make", "--no-print-directory", "deps"], cwd=ROOT) != 0:
            sys.exit("run.py: make deps failed")
    if not args.no_baseline:
        report("baseline: %s against the unchanged header" % " ".join(needed))
        if not baseline(needed, text, args.jobs):
            report("mutants: the tests fail without any mutation; nothing measured")
            return 1
    width = max(len(m.name) for m in mutants)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        statuses = list(ex.map(lambda m: do_mutant(m, text, width), mutants))
    n = len(statuses)
    killed = statuses.count("KILLED")
    bad = [m.name for m, s in zip(mutants, statuses) if s in ("STALE", "BROKEN")]
    survived = [m.name for m, s in zip(mutants, statuses) if s == "SURVIVED"]
    pct = 100.0 * killed / n
    if survived:
        report("survived: %s" % " ".join(survived))
    if bad:
        report("stale or broken (fix these mutants): %s" % " ".join(bad))
    report("time: %.0f s" % (time.monotonic() - started))
    report("mutants: %d killed of %d (%.1f %%)" % (killed, n, pct))
    return 0 if pct >= THRESHOLD and not bad else 1


if __name__ == "__main__":
    sys.exit(main())
