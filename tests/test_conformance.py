#!/usr/bin/python3
"""tests/test_conformance.py - our RFC 6455 client-conformance suite.

Runs the echo client (examples/echo.c) against tests/peers/raw_server.py once per case, all
cases in parallel, and checks the strict verdict of each: what the client sent back (frame by
frame, masked, with the right close code), whether it closed TCP, its exit status, and that it
printed nothing on stdout and something on stderr when it failed. The case list and the
decisions taken where RFC 6455 leaves room are documented at the top of raw_server.py.

    /usr/bin/python3 tests/test_conformance.py [-v] [-j JOBS] [CASE-PREFIX ...]

ECHO selects the client command (default build/echo; tests/run.sh also runs it with
ECHO=build/asan/echo); it is split like a shell command line, so an interpreter plus script
works too (tests/peers/py_echo_client.py, the reference client the harness was checked with).
Prints one line per failing case and ends with "N passed, N failed".
"""
import asyncio
import os
import shlex
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "peers"))
import raw_server  # noqa: E402


async def run_all(cases, cmd, jobs, verbose):
    sem = asyncio.Semaphore(jobs)
    results = []

    async def one(c):
        async with sem:
            r = await raw_server.run_case(c, cmd)
        results.append(r)
        if verbose:
            print("%-4s %-48s %5.2fs exit=%-3s %s" % ("ok" if r.ok else "FAIL", c.name, r.duration,
                                                       r.exit_code, r.timing), flush=True)
        return r

    # the big ones first so they overlap with the many small ones
    order = sorted(cases, key=lambda c: -c.timeout)
    await asyncio.gather(*(one(c) for c in order))
    return results


def main(argv):
    verbose = "-v" in argv
    argv = [a for a in argv if a != "-v"]
    jobs = 6
    if "-j" in argv:
        i = argv.index("-j")
        jobs = int(argv[i + 1])
        del argv[i:i + 2]
    cmd = shlex.split(os.environ.get("ECHO", "build/echo"))
    os.chdir(os.path.dirname(HERE))
    if not cmd or not (os.access(cmd[0], os.X_OK) or os.path.sep not in cmd[0]):
        print("FAIL client %r not found or not executable (build it with make)" % cmd[0])
        print("0 passed, 1 failed")
        return 1
    cases = [c for c in raw_server.CASES if not argv or any(c.name.startswith(a) for a in argv)]
    start = time.monotonic()
    results = asyncio.run(run_all(cases, cmd, jobs, verbose))
    by_name = {r.case.name: r for r in results}
    passed = failed = 0
    for c in cases:
        r = by_name[c.name]
        if r.ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s: %s" % (c.name, "; ".join(r.problems)))
            err = r.stderr.decode("utf-8", "replace").strip().splitlines()
            for line in (err if verbose else err[:3]):
                print("     client stderr: " + line[:200])
    # across connections: a fresh random handshake key and fresh mask keys every time
    # (RFC 6455 4.1 item 7 and 5.3), so a constant fallback cannot hide behind one connection
    if len(results) >= 10:
        keys = [r.ws_key for r in results if r.ws_key]
        masks = [k for r in results for k in r.keys[:1]]
        if len(set(keys)) != len(keys):
            failed += 1
            print("FAIL cross.handshake-keys-unique: %d connections reused a Sec-WebSocket-Key"
                  % (len(keys) - len(set(keys))))
        else:
            passed += 1
        if len(masks) >= 10 and len(set(masks)) < len(masks) - 1:
            failed += 1
            print("FAIL cross.first-mask-keys-vary: only %d different first mask keys over %d connections"
                  % (len(set(masks)), len(masks)))
        else:
            passed += 1
    print("(%d cases with %s in %.1fs)" % (len(cases), " ".join(cmd), time.monotonic() - start))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
