/* tests/bench/bench_inflate.c - permessage-deflate on the Axiom stream (make bench).

   A benchmark, not a test: it prints what it measured and exits 0 unless the inflate gets
   a message wrong.

   wire     the frames of /work/shared/axiom/frames.jsonl (one message a line, or the file
            named by argv[1]) as a server sends them: plain, and compressed by zlib the way
            a permessage-deflate server does (raw deflate, level 6, Z_SYNC_FLUSH per
            message, the 00 00 ff ff tail dropped, RFC 7692 7.2.1), with context takeover
            (one stream for the whole connection) and without (each message alone).
            Bytes on the wire include each frame's 2- or 4-byte header (server frames are
            unmasked).
   speed    the compressed messages inflated again and again, in order, as the client
            does: by the library (axws_inflate_run, 32 KiB window, each message's output
            copied into a message buffer as msg_buf mode does) and by zlib (inflate with
            Z_SYNC_FLUSH into the same buffer), both in this process, alternating batches,
            the fastest batch of each counting. MB/s of inflated bytes.
   Both for the stream as it is (one frame a message: small messages, where starting each
   one -- its Huffman tables -- costs most) and for the same frames 200 to a message.

   Usage: build/bench/bench_inflate [FRAMES.jsonl]
   BENCH_QUICK=1 times nothing: it counts instructions for tests/bench/instr.sh (make
   bench-instr, tests/bench/instr.h). Each of the four inflate speed lines has two lanes,
   the library and zlib, which inflate the messages in order, passes enough for 1 MB (one
   at least), under callgrind, one dump each. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "instr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define MAX_MSGS 4096
#define QUICK_BYTES (1u << 20) /* inflated per lane in quick mode */

static int quick; /* BENCH_QUICK: instruction counts, nothing timed */

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static size_t frame_header(size_t len) { return len < 126 ? 2 : len <= 0xFFFF ? 4 : 10; }

typedef struct {
    int n;
    const uint8_t *msg[MAX_MSGS];
    size_t len[MAX_MSGS];
    uint8_t *comp;                  /* messages compressed, each followed by its tail */
    size_t clen[MAX_MSGS], cat[MAX_MSGS];
} stream;

static int compress_all(stream *s, int takeover) {
    z_stream z;
    size_t total = 0, cap = 0;
    int i;
    for (i = 0; i < s->n; i++) cap += s->len[i] + s->len[i] / 8 + 64;
    s->comp = (uint8_t *)malloc(cap);
    memset(&z, 0, sizeof z);
    if (!s->comp || deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    for (i = 0; i < s->n; i++) {
        if (!takeover) deflateReset(&z);
        z.next_in = (Bytef *)(uintptr_t)s->msg[i];
        z.avail_in = (uInt)s->len[i];
        z.next_out = s->comp + total;
        z.avail_out = (uInt)(cap - total);
        if (deflate(&z, Z_SYNC_FLUSH) != Z_OK || z.avail_in) return -1;
        s->cat[i] = total;
        s->clen[i] = (size_t)(z.next_out - (s->comp + total)) - 4; /* on the wire: no tail */
        total += s->clen[i] + 4;
    }
    deflateEnd(&z);
    return 0;
}

static uint8_t window[1 << 15], out[1 << 20];
static axws_inflate state;

/* One pass over every message with the library; returns the bytes made, 0 on a mismatch. */
static size_t pass_ours(const stream *s, int takeover, int check) {
    size_t made = 0;
    int i;
    for (i = 0; i < s->n; i++) {
        const uint8_t *in = s->comp + s->cat[i], *p;
        size_t left = s->clen[i] + 4, used, plen, o = 0;
        int r;
        axws_inflate_reset(&state, takeover);
        do {
            r = axws_inflate_run(&state, in, left, &used, (size_t)-1, &p, &plen);
            memcpy(out + o, p, plen);
            o += plen;
            in += used;
            left -= used;
        } while (r == AXWS_INFLATE_OUTPUT_FULL);
        if (r != AXWS_INFLATE_NEED_INPUT || (check && (o != s->len[i] || memcmp(out, s->msg[i], o) != 0))) return 0;
        made += o;
    }
    return made;
}

static size_t pass_zlib(z_stream *z, const stream *s, int takeover, int check) {
    size_t made = 0;
    int i;
    for (i = 0; i < s->n; i++) {
        if (!takeover) inflateReset(z);
        z->next_in = s->comp + s->cat[i];
        z->avail_in = (uInt)(s->clen[i] + 4);
        z->next_out = out;
        z->avail_out = sizeof out;
        if (inflate(z, Z_SYNC_FLUSH) != Z_OK || z->avail_in) return 0;
        if (check && ((size_t)(z->next_out - out) != s->len[i] || memcmp(out, s->msg[i], s->len[i]) != 0)) return 0;
        made += (size_t)(z->next_out - out);
    }
    return made;
}

/* A lane for instr.h: a pass is pass_ours or pass_zlib over every message. */
typedef struct lane_job {
    const stream *s;
    int takeover;
    z_stream *z;
} lane_job;

static void ours_pass(void *arg) {
    const lane_job *j = (const lane_job *)arg;
    pass_ours(j->s, j->takeover, 0);
}

static void zlib_pass(void *arg) {
    const lane_job *j = (const lane_job *)arg;
    pass_zlib(j->z, j->s, j->takeover, 0);
}

/* Instructions of the library and of zlib for the same messages (the speed line's lanes). */
static void count_lanes(const stream *s, int takeover, z_stream *z, const char *group, size_t plain_bytes) {
    lane_job job;
    instr_lane lane;
    int passes = (int)(QUICK_BYTES / plain_bytes) + 1;
    job.s = s;
    job.takeover = takeover;
    job.z = z;
    lane.group = group;
    lane.reference = "axiomws";
    lane.msgs = (uint64_t)s->n;
    lane.bytes = plain_bytes;
    axws_inflate_init(&state, window, 15);
    lane.name = "axiomws";
    instr_run(&lane, ours_pass, &job, passes);
    inflateReset(z);
    lane.name = "zlib";
    instr_run(&lane, zlib_pass, &job, passes);
}

/* The speed line: both inflates in alternating batches, the fastest of each counting. */
static void time_lanes(const stream *s, int takeover, z_stream *z) {
    double best_ours = 1e30, best_zlib = 1e30;
    int batch, reps = 1;
    size_t made = 0;
    {
        double t0 = now_ns(); /* about 20 ms a batch */
        while (now_ns() - t0 < 2e7) { pass_zlib(z, s, takeover, 0); reps++; }
    }
    for (batch = 0; batch < 30; batch++) {
        double t0 = now_ns(), t1;
        int r;
        /* a fresh start each batch: the first message has no history either way */
        axws_inflate_init(&state, window, 15);
        for (r = 0; r < reps; r++) made = pass_ours(s, takeover, 0);
        t1 = now_ns();
        if (t1 - t0 < best_ours) best_ours = t1 - t0;
        inflateReset(z);
        t0 = now_ns();
        for (r = 0; r < reps; r++) made = pass_zlib(z, s, takeover, 0);
        t1 = now_ns();
        if (t1 - t0 < best_zlib) best_zlib = t1 - t0;
    }
    printf("  %-26s %6.0f MB/s %6.0f MB/s %7.2fx\n", takeover ? "context takeover" : "no context takeover",
           (double)made * reps / best_ours * 1e3, (double)made * reps / best_zlib * 1e3, best_zlib / best_ours);
}

/* `title` heads the printed tables; `name` (short) the groups of the instruction counts. */
static void measure(stream *s, const char *title, const char *name) {
    size_t plain_wire = 0, plain_bytes = 0;
    int takeover, i;
    for (i = 0; i < s->n; i++) {
        plain_bytes += s->len[i];
        plain_wire += frame_header(s->len[i]) + s->len[i];
    }
    if (!quick) {
        printf("%s: %d messages, %zu bytes of text\n", title, s->n, plain_bytes);
        printf("  %-26s %10s %8s\n", "wire bytes", "bytes", "ratio");
        printf("  %-26s %10zu %7.1f%%\n", "uncompressed", plain_wire, 100.0);
        for (takeover = 1; takeover >= 0; takeover--) {
            size_t wire = 0;
            if (compress_all(s, takeover)) exit(1);
            for (i = 0; i < s->n; i++) wire += frame_header(s->clen[i]) + s->clen[i];
            printf("  %-26s %10zu %7.1f%%\n", takeover ? "deflate, context takeover" : "deflate, no takeover", wire,
                   100.0 * (double)wire / (double)plain_wire);
            free(s->comp);
        }
        printf("  %-26s %10s %10s %8s\n", "inflate speed", "axiomws", "zlib", "ratio");
    }
    for (takeover = 1; takeover >= 0; takeover--) {
        z_stream z;
        if (compress_all(s, takeover)) exit(1);
        memset(&z, 0, sizeof z);
        inflateInit2(&z, -15);
        axws_inflate_init(&state, window, 15);
        if (!pass_ours(s, takeover, 1) || !pass_zlib(&z, s, takeover, 1)) {
            fprintf(stderr, "bench_inflate: a message inflated wrong\n");
            exit(1);
        }
        if (quick) {
            char group[128];
            snprintf(group, sizeof group, "%s, %s", name, takeover ? "context takeover" : "no context takeover");
            count_lanes(s, takeover, &z, group, plain_bytes);
        } else {
            time_lanes(s, takeover, &z);
        }
        inflateEnd(&z);
        free(s->comp);
    }
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "/work/shared/axiom/frames.jsonl";
    static stream s, big;
    static char title[600];
    FILE *f = fopen(path, "rb");
    char *data, *joined;
    long flen;
    size_t at = 0, total = 0;
    int i, k;
    uint32_t seed = 1;
    quick = instr_quick();
    if (!f) {
        fprintf(stderr, "bench_inflate: %s: cannot open\n", path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    flen = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = (char *)malloc((size_t)flen + 1);
    if (!data || fread(data, 1, (size_t)flen, f) != (size_t)flen) return 1;
    fclose(f);
    while (at < (size_t)flen && s.n < MAX_MSGS) {
        char *nl = (char *)memchr(data + at, '\n', (size_t)flen - at);
        size_t l = nl ? (size_t)(nl - (data + at)) : (size_t)flen - at;
        if (l) {
            s.msg[s.n] = (const uint8_t *)data + at;
            s.len[s.n++] = l;
        }
        at += l + 1;
    }
    if (!s.n) return 1;
    snprintf(title, sizeof title, "bench_inflate: %s, one frame a message (as the stream sends them)", path);
    measure(&s, title, "a frame a message");
    /* the same frames, 200 to a message (picked in a fixed pseudo-random order): where the
       inflate's own speed shows, not the cost of starting each small message */
    for (i = 0; i < s.n; i++) total += s.len[i];
    joined = (char *)malloc(40 * 200 * (total / (size_t)s.n + 64));
    for (at = 0, i = 0; i < 40; i++) {
        big.msg[i] = (const uint8_t *)joined + at;
        for (k = 0; k < 200; k++) {
            int pick;
            seed = seed * 1103515245u + 12345u;
            pick = (int)((seed >> 16) % (uint32_t)s.n);
            memcpy(joined + at, s.msg[pick], s.len[pick]);
            at += s.len[pick];
            joined[at++] = '\n';
        }
        big.len[i] = (size_t)((const uint8_t *)joined + at - big.msg[i]);
    }
    big.n = 40;
    if (!quick) printf("\n");
    measure(&big, "the same frames, 200 to a message", "200 frames a message");
    if (!quick) printf("  (ratio: zlib's time / ours; above 1 is faster than zlib; zlib %s)\n", zlibVersion());
    free(joined);
    free(data);
    return 0;
}
