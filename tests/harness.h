/* tests/harness.h - the smallest test harness that can count.
   CHECK(cond) records a pass or a failure (with file:line and the condition), and
   axt_report() prints "N passed, N failed" as the last line and returns the exit code. */
#ifndef AXT_HARNESS_H
#define AXT_HARNESS_H
#include <stdio.h>
#include <string.h>

static int axt_passed, axt_failed;
static const char *axt_case = "";

#define AXT_CASE(name) (axt_case = (name))
#define CHECK(cond) axt_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(a, b) axt_check_eq((long long)(a), (long long)(b), #a " == " #b, __FILE__, __LINE__)

static int axt_check(int ok, const char *what, const char *file, int line) {
    if (ok) axt_passed++;
    else {
        axt_failed++;
        fprintf(stderr, "FAIL %s:%d [%s] %s\n", file, line, axt_case, what);
    }
    return ok;
}

static int axt_check_eq(long long a, long long b, const char *what, const char *file, int line) {
    if (a == b) { axt_passed++; return 1; }
    axt_failed++;
    fprintf(stderr, "FAIL %s:%d [%s] %s (%lld != %lld)\n", file, line, axt_case, what, a, b);
    return 0;
}

static int axt_report(void) {
    printf("%d passed, %d failed\n", axt_passed, axt_failed);
    return axt_failed ? 1 : 0;
}
#endif
