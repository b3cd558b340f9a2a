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

/* A whole file in memory (malloc'd, NUL-terminated; the tests may allocate), or NULL. */
#include <stdlib.h>
#if defined(__GNUC__) || defined(__clang__)
__attribute__((unused))
#endif
static char *axt_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = n >= 0 ? (char *)malloc((size_t)n + 1) : NULL;
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fclose(f); free(buf); return NULL; }
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

static int axt_report(void) {
    printf("%d passed, %d failed\n", axt_passed, axt_failed);
    return axt_failed ? 1 : 0;
}
#endif
