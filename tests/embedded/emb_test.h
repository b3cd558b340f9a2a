/* tests/embedded/emb_test.h - tests/harness.h for the Cortex-M4 programs.

   The same CHECK / CHECK_EQ / axt_report() ("N passed, N failed" last, exit status 1 on
   failure), with one change: newlib-nano's printf has no %lld, so a failed CHECK_EQ prints
   its two values through emb_i64() instead. */
#ifndef EMB_TEST_H
#define EMB_TEST_H
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "emb.h"

/* v in decimal, into buf[24]; returns buf. */
static inline const char *emb_i64(long long v, char buf[24]) {
    char tmp[24];
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    int n = 0, o = 0;
    do { tmp[n++] = (char)('0' + (int)(u % 10)); u /= 10; } while (u);
    if (v < 0) buf[o++] = '-';
    while (n) buf[o++] = tmp[--n];
    buf[o] = 0;
    return buf;
}

static inline int emb_check_eq(long long a, long long b, const char *what, const char *file, int line) {
    char x[24], y[24];
    if (a == b) return axt_check_eq(a, b, what, file, line);
    axt_failed++;
    fprintf(stderr, "FAIL %s:%d [%s] %s (%s != %s)\n", file, line, axt_case, what, emb_i64(a, x),
            emb_i64(b, y));
    return 0;
}
#undef CHECK_EQ
#define CHECK_EQ(a, b) emb_check_eq((long long)(a), (long long)(b), #a " == " #b, __FILE__, __LINE__)

#endif
