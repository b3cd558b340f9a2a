/* tests/bench/instr.h - instruction counts per lane, for tests/bench/instr.sh (make bench-instr).

   Timing ratios on a shared machine move from run to run; the number of instructions a lane
   executes does not. A benchmark that includes this header (after axiomws.h) has a quick
   mode, BENCH_QUICK=1: it runs each lane it times, its own code's and each peer's, a small
   fixed number of passes, the lanes one after another. Under
       valgrind --tool=callgrind --collect-atstart=no
   collection is on only while a lane's counted passes run, and each lane ends with a dump
   of its own (CALLGRIND_DUMP_STATS_AT, labelled "group: lane") whose "summary:" line is that
   lane's instruction count. Outside valgrind the requests do nothing.

   For every lane the program prints one tab-separated line saying what its dump covers:
       instr  group  lane  reference  messages  bytes  status
   group      the lanes compared with each other (one input, one message size, ...)
   reference  the lane of the group that the lane's ratio divides by, or several, summed
              ("ws + raw decrypt"); a lane named in its own reference is one
   messages, bytes   the work of the counted passes (bytes 0: bytes are no unit there)
   status     "ok", or why the lane has no count (a peer that valgrind cannot run)
   instr.sh divides each dump by the lane's messages and bytes and prints the tables.

   -march=native code may hold AVX-512 instructions, which valgrind 3.19 cannot run: the
   Makefile builds the copies that run under callgrind without it (build/bench/instr/). */
#ifndef BENCH_INSTR_H
#define BENCH_INSTR_H

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define INSTR_HAVE_CALLGRIND 1
#endif
#endif

/* Two ways to count a lane: instr_run(), which runs the passes itself, or, where a lane's
   counted work alternates with work that is not (a server preparing the next batch),
   instr_collect() around each counted piece and instr_dump() at the lane's end. The
   functions are static inline so that a program using only some of them compiles quietly. */

/* Whether environment variable `name` is set to something other than "" or "0". */
static inline int instr_env_on(const char *name) {
    const char *v = getenv(name);
    return v && *v && strcmp(v, "0") != 0;
}

static inline int instr_quick(void) { return instr_env_on("BENCH_QUICK"); }

typedef struct instr_lane {
    const char *group;     /* the lanes compared with each other */
    const char *name;      /* this lane, unique in its group */
    const char *reference; /* the lane(s) of the group the ratio divides by, "a + b" */
    uint64_t msgs, bytes;  /* the work of one pass */
} instr_lane;

/* Collection on or off; it starts off (--collect-atstart=no), and each toggle flips it. */
static inline void instr_collect(int on) {
    static int collecting;
#ifdef INSTR_HAVE_CALLGRIND
    if (on != collecting) CALLGRIND_TOGGLE_COLLECT;
#endif
    collecting = on;
}

static inline void instr_line(const instr_lane *l, int passes, const char *status) {
    printf("instr\t%s\t%s\t%s\t%llu\t%llu\t%s\n", l->group, l->name, l->reference,
           (unsigned long long)(l->msgs * (uint64_t)passes), (unsigned long long)(l->bytes * (uint64_t)passes),
           status);
    fflush(stdout); /* a program that valgrind stops later has said this much */
}

/* The end of a lane: collection off, and what was collected since the previous dump (the
   lane's `passes` passes) into a dump of its own. */
static inline void instr_dump(const instr_lane *l, int passes) {
    instr_collect(0);
#ifdef INSTR_HAVE_CALLGRIND
    {
        char label[256];
        snprintf(label, sizeof label, "%s: %s", l->group, l->name);
        CALLGRIND_DUMP_STATS_AT(label);
    }
#endif
    instr_line(l, passes, "ok");
}

static sigjmp_buf instr_escape;
static inline void instr_on_sigill(int sig) {
    (void)sig;
    siglongjmp(instr_escape, 1);
}

/* One lane: a pass uncounted (first calls bind symbols and warm tables), `passes` counted,
   then the lane's dump. An instruction valgrind does not know raises SIGILL (a peer library
   that picks its code by CPU): the lane is reported without a count and the program goes on
   with the next one. */
static inline void instr_run(const instr_lane *l, void (*pass)(void *), void *arg, int passes) {
    struct sigaction on_ill, before;
    int i;
    memset(&on_ill, 0, sizeof on_ill);
    on_ill.sa_handler = instr_on_sigill;
    sigemptyset(&on_ill.sa_mask);
    sigaction(SIGILL, &on_ill, &before);
    if (sigsetjmp(instr_escape, 1) == 0) {
        pass(arg);
        instr_collect(1);
        for (i = 0; i < passes; i++) pass(arg);
        instr_dump(l, passes);
    } else {
        instr_collect(0);
#ifdef INSTR_HAVE_CALLGRIND
        CALLGRIND_ZERO_STATS; /* the broken lane's part must not count for the next */
#endif
        instr_line(l, passes, "illegal instruction: valgrind cannot run it");
    }
    sigaction(SIGILL, &before, NULL);
}

#endif
