/* tests/bench/e2e/e2e_client.h - what the C clients of the end-to-end benchmark share: the
   command line, the clock, the CPU meter and the result line. client_node.js follows the
   same contract, so bench_e2e.c drives every client the same way.

   Command line (positional, every client):
       CLIENT URL KIND MODE LEN COUNT SECONDS CAFILE
   URL      ws://127.0.0.1:PORT/KIND/COUNT or wss://...: the server reads KIND and COUNT
            from the path; a wss:// client verifies the certificate for the name
            "localhost" against CAFILE (the address is an IP, which is never sent as SNI)
   KIND     sol_price or new_pairs: which field the parse mode reads
   MODE     count (count messages, check their length) or parse (decode each message and
            read one field of it)
   LEN      the length every message has (count mode checks it)
   COUNT    > 0: the server sends exactly COUNT messages and a close; the client expects
            all of them and the close handshake (the smoke run). 0: the server sends until
            the connection breaks and the client stops SECONDS after the upgrade
   One line on stdout at the end, and exit status 0:
       result MESSAGES BYTES WALL_NS CPU_NS CHECKSUM
   measured from the upgrade (OPEN) to the end: the TCP and TLS handshakes and the program's
   start (Node's in particular) are left out, since what is compared is the cost of
   receiving. CPU_NS is getrusage(RUSAGE_SELF) user + system over that window: the whole
   process, every thread. CHECKSUM sums what parse mode read, so the work cannot be
   optimised away. Anything wrong (a short message, a field missing, a count that does not
   match, a connection error): a sentence on stderr and exit status 1. */
#ifndef E2E_CLIENT_H
#define E2E_CLIENT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

enum { E2E_KIND_SOL_PRICE, E2E_KIND_NEW_PAIRS };
enum { E2E_MODE_COUNT, E2E_MODE_PARSE };

typedef struct e2e_args {
    const char *url;
    int kind, mode;
    size_t len;         /* every message's length */
    unsigned long count; /* 0: timed run */
    double seconds;
    const char *ca_file;
} e2e_args;

/* What a client measured; filled by the client, printed by e2e_print_result(). */
typedef struct e2e_result {
    uint64_t messages, bytes, bad; /* bad: messages that failed the check */
    int64_t open_ns, end_ns;       /* monotonic clock */
    int64_t open_cpu_ns, end_cpu_ns;
    double checksum;
    int opened, closed_cleanly;
} e2e_result;

static int64_t e2e_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* getrusage, as the brief and Node's process.cpuUsage() both use: user + system, every
   thread of the process. Microsecond resolution: fine over windows of a second. */
static int64_t e2e_cpu_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
           ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

static void e2e_mark_open(e2e_result *r) {
    r->opened = 1;
    r->open_ns = e2e_now_ns();
    r->open_cpu_ns = e2e_cpu_ns();
}

static void e2e_mark_end(e2e_result *r) {
    r->end_ns = e2e_now_ns();
    r->end_cpu_ns = e2e_cpu_ns();
}

/* A timed run is over: called after each batch of input (never per message: reading the
   clock costs about as much as counting a small message). */
static int e2e_time_is_up(const e2e_args *a, const e2e_result *r) {
    return a->count == 0 && r->opened && e2e_now_ns() - r->open_ns >= (int64_t)(a->seconds * 1e9);
}

static int e2e_parse_args(e2e_args *a, int argc, char **argv, const char *prog) {
    if (argc != 8) {
        fprintf(stderr, "usage: %s URL sol_price|new_pairs count|parse LEN COUNT SECONDS CAFILE\n", prog);
        return -1;
    }
    a->url = argv[1];
    if (strcmp(argv[2], "sol_price") == 0) a->kind = E2E_KIND_SOL_PRICE;
    else if (strcmp(argv[2], "new_pairs") == 0) a->kind = E2E_KIND_NEW_PAIRS;
    else { fprintf(stderr, "%s: unknown kind %s\n", prog, argv[2]); return -1; }
    if (strcmp(argv[3], "count") == 0) a->mode = E2E_MODE_COUNT;
    else if (strcmp(argv[3], "parse") == 0) a->mode = E2E_MODE_PARSE;
    else { fprintf(stderr, "%s: unknown mode %s\n", prog, argv[3]); return -1; }
    a->len = (size_t)strtoul(argv[4], NULL, 10);
    a->count = strtoul(argv[5], NULL, 10);
    a->seconds = strtod(argv[6], NULL);
    a->ca_file = argv[7];
    if (a->len == 0 || (a->count == 0 && !(a->seconds > 0))) {
        fprintf(stderr, "%s: LEN must be > 0, and SECONDS > 0 when COUNT is 0\n", prog);
        return -1;
    }
    return 0;
}

/* Prints the result line, or what went wrong; returns the exit status. */
static int e2e_print_result(const e2e_args *a, const e2e_result *r, const char *prog) {
    if (!r->opened) {
        fprintf(stderr, "%s: %s: the upgrade never completed\n", prog, a->url);
        return 1;
    }
    if (r->bad) {
        fprintf(stderr, "%s: %s: %llu of %llu messages failed the check\n", prog, a->url,
                (unsigned long long)r->bad, (unsigned long long)(r->messages + r->bad));
        return 1;
    }
    if (a->count && (r->messages != a->count || !r->closed_cleanly)) {
        fprintf(stderr, "%s: %s: %llu of %lu messages, %s\n", prog, a->url, (unsigned long long)r->messages,
                a->count, r->closed_cleanly ? "closed cleanly" : "no clean close");
        return 1;
    }
    if (r->messages == 0) {
        fprintf(stderr, "%s: %s: no message arrived\n", prog, a->url);
        return 1;
    }
    printf("result %llu %llu %lld %lld %.17g\n", (unsigned long long)r->messages, (unsigned long long)r->bytes,
           (long long)(r->end_ns - r->open_ns), (long long)(r->end_cpu_ns - r->open_cpu_ns), r->checksum);
    fflush(stdout);
    return 0;
}

#endif
