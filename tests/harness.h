/* tests/harness.h - the smallest test harness that can count.
   CHECK(cond) records a pass or a failure (with file:line and the condition), and
   axt_report() prints "N passed, N failed" as the last line and returns the exit code.
   Also: a file read whole (axt_read_file), a directory's names (axt_dir_*), a growable
   byte buffer for logs and inputs (axt_buf), and what the same tests need on a Cortex-M4
   under semihosting (make embedded). */
#ifndef AXT_HARNESS_H
#define AXT_HARNESS_H
#include <stdio.h>
#include <string.h>

static int axt_passed, axt_failed;
static const char *axt_case = "";

#if defined(__unix__) && !defined(AXT_DIR_LIST)
/* A test that goes on after a failed check may then crash (it reads the union member of
   another message kind, say): the count line must survive that. After the first failure a
   fatal signal prints it, with the crash as one more failure, then the process dies of the
   signal as it would have (before any failure the sanitizers' own handlers stay). */
#include <signal.h>
#include <unistd.h>
static void axt_crashed(int sig) {
    char line[160];
    int n = snprintf(line, sizeof line, "FAIL crashed with signal %d after a failed check [%s]\n%d passed, %d failed\n",
                     sig, axt_case, axt_passed, axt_failed + 1);
    if (n > 0 && write(1, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0) n = 0;
    signal(sig, SIG_DFL);
    raise(sig);
}
static void axt_on_failure(void) {
    static int armed;
    if (armed) return;
    armed = 1;
    fflush(stdout);
    signal(SIGSEGV, axt_crashed);
    signal(SIGBUS, axt_crashed);
    signal(SIGFPE, axt_crashed);
    signal(SIGABRT, axt_crashed);
}
#else
static void axt_on_failure(void) {}
#endif

#define AXT_CASE(name) (axt_case = (name))
#define CHECK(cond) axt_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(a, b) axt_check_eq((long long)(a), (long long)(b), #a " == " #b, __FILE__, __LINE__)

static int axt_check(int ok, const char *what, const char *file, int line) {
    if (ok) axt_passed++;
    else {
        axt_failed++;
        fprintf(stderr, "FAIL %s:%d [%s] %s\n", file, line, axt_case, what);
        axt_on_failure();
    }
    return ok;
}

static int axt_check_eq(long long a, long long b, const char *what, const char *file, int line) {
    if (a == b) { axt_passed++; return 1; }
    axt_failed++;
    fprintf(stderr, "FAIL %s:%d [%s] %s (%lld != %lld)\n", file, line, axt_case, what, a, b);
    axt_on_failure();
    return 0;
}

#if defined(__GNUC__) || defined(__clang__)
#define AXT_UNUSED __attribute__((unused))
#define AXT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define AXT_UNUSED
#define AXT_PRINTF(fmt, args)
#endif

/* A whole file in memory (malloc'd, NUL-terminated; the tests may allocate), or NULL. */
#include <stdlib.h>
AXT_UNUSED static char *axt_read_file(const char *path, size_t *len) {
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

/* The names of the files in a directory, one per axt_dir_next() (NULL after the last).
   With AXT_DIR_LIST defined (the Cortex-M4 programs of make embedded: semihosting opens
   the host's files but cannot list a directory) the names come from that file instead,
   which lists paths one per line; the ones in `dir` ("dir/name") are taken. */
#ifdef AXT_DIR_LIST
typedef struct axt_dir { FILE *list; size_t dlen; char dir[256], line[512]; } axt_dir;
AXT_UNUSED static int axt_dir_open(axt_dir *d, const char *dir) {
    d->dlen = strlen(dir);
    if (d->dlen >= sizeof d->dir) return -1;
    memcpy(d->dir, dir, d->dlen + 1);
    d->list = fopen(AXT_DIR_LIST, "r");
    return d->list ? 0 : -1;
}
AXT_UNUSED static const char *axt_dir_next(axt_dir *d) {
    while (fgets(d->line, sizeof d->line, d->list)) {
        const char *name = d->line + d->dlen + 1;
        d->line[strcspn(d->line, "\r\n")] = 0;
        if (strncmp(d->line, d->dir, d->dlen) == 0 && name[-1] == '/' && !strchr(name, '/')) return name;
    }
    return NULL;
}
AXT_UNUSED static void axt_dir_close(axt_dir *d) { fclose(d->list); }
#else
#include <dirent.h>
typedef struct axt_dir { DIR *d; } axt_dir;
AXT_UNUSED static int axt_dir_open(axt_dir *d, const char *dir) { return (d->d = opendir(dir)) ? 0 : -1; }
AXT_UNUSED static const char *axt_dir_next(axt_dir *d) {
    struct dirent *e = readdir(d->d);
    return e ? e->d_name : NULL;
}
AXT_UNUSED static void axt_dir_close(axt_dir *d) { closedir(d->d); }
#endif

/* newlib as Debian builds it for arm-none-eabi (make embedded) has %lld but no C99 length
   modifier z: "%zu" prints "zu". size_t is as wide as long there, so the tests' formats
   reach the C library with each 'z' turned into 'l'. */
#if defined(__NEWLIB__) && !defined(_WANT_IO_C99_FORMATS)
#include <stdarg.h>
typedef char axt_size_t_is_long[sizeof(size_t) == sizeof(long) ? 1 : -1];
static const char *axt_fmt(const char *fmt, char *buf, size_t cap) {
    size_t i = 0, n = strlen(fmt);
    if (n >= cap) return fmt;
    memcpy(buf, fmt, n + 1);
    while (i < n) {
        if (buf[i++] != '%') continue;
        while (i < n && strchr("-+ #0123456789.*", buf[i])) i++;
        if (buf[i] == 'z') buf[i] = 'l';
        i++; /* the conversion, or the second '%' of "%%" */
    }
    return buf;
}
AXT_UNUSED static int axt_vsnprintf(char *s, size_t n, const char *fmt, va_list ap) {
    char f[256];
    return vsnprintf(s, n, axt_fmt(fmt, f, sizeof f), ap);
}
AXT_UNUSED AXT_PRINTF(3, 4) static int axt_snprintf(char *s, size_t n, const char *fmt, ...) {
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = axt_vsnprintf(s, n, fmt, ap);
    va_end(ap);
    return r;
}
AXT_UNUSED AXT_PRINTF(2, 3) static int axt_fprintf(FILE *out, const char *fmt, ...) {
    char f[256];
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = vfprintf(out, axt_fmt(fmt, f, sizeof f), ap);
    va_end(ap);
    return r;
}
#define vsnprintf axt_vsnprintf
#define snprintf axt_snprintf
#define fprintf axt_fprintf
#define printf(...) axt_fprintf(stdout, __VA_ARGS__)
#endif

/* A growable byte buffer: the tests' event logs, transcripts and hand-built inputs
   (malloc'd: the tests may allocate, the library may not). Zero-initialised it is empty
   ({0}); axt_buf_free() gives the memory back. p[0..len) are the bytes. Every put, and
   axt_buf_cut(), keeps a NUL at p[len] (not counted in len), so axt_buf_str() reads the
   contents as a string; a test that sets len itself (to cut a frame short) gives that up
   until its next put. Out of memory ends the program (exit status 2). Defined after the
   newlib formats above, so axt_buf_printf() takes "%zu" there too. */
#include <stdarg.h>
#include <stdint.h>
typedef struct axt_buf { uint8_t *p; size_t len, cap; } axt_buf;

/* Room for `extra` more bytes and the NUL after them. */
AXT_UNUSED static void axt_buf_reserve(axt_buf *b, size_t extra) {
    if (b->len + extra + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + extra + 1) cap *= 2;
        b->p = (uint8_t *)realloc(b->p, cap);
        if (!b->p) { fprintf(stderr, "out of memory\n"); exit(2); }
        b->cap = cap;
    }
}
/* Appends n bytes (data may be NULL when n is 0). */
AXT_UNUSED static void axt_buf_put(axt_buf *b, const void *data, size_t n) {
    axt_buf_reserve(b, n);
    if (n) memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = 0;
}
AXT_UNUSED static void axt_buf_puts(axt_buf *b, const char *s) { axt_buf_put(b, s, strlen(s)); }
AXT_UNUSED static void axt_buf_putc(axt_buf *b, int byte) { uint8_t c = (uint8_t)byte; axt_buf_put(b, &c, 1); }
/* Appends printf's output, however long. */
AXT_UNUSED AXT_PRINTF(2, 3) static void axt_buf_printf(axt_buf *b, const char *fmt, ...) {
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    axt_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}
/* Keeps the first n bytes (n <= len); the memory stays for the next puts. */
AXT_UNUSED static void axt_buf_cut(axt_buf *b, size_t n) {
    b->len = n;
    if (b->p) b->p[n] = 0;
}
AXT_UNUSED static void axt_buf_reset(axt_buf *b) { axt_buf_cut(b, 0); }
/* The contents as a string, valid until the next put: "" for a buffer never written. */
AXT_UNUSED static const char *axt_buf_str(const axt_buf *b) { return b->p ? (const char *)b->p : ""; }
AXT_UNUSED static void axt_buf_free(axt_buf *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static int axt_report(void) {
    printf("%d passed, %d failed\n", axt_passed, axt_failed);
    return axt_failed ? 1 : 0;
}
#endif
