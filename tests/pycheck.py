"""Counting checks for the Python test runners (imported from tests/): check() counts a
pass or prints the failure, summary() prints the runner's last line, "N passed, N failed",
and returns its exit status."""

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", str(what)[:400], flush=True)
    return ok


def summary():
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0
