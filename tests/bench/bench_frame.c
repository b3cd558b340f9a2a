/* tests/bench/bench_frame.c - frame decode and masked encode throughput (make bench).

   A benchmark, not a test: it prints a table and exits 0 unless the engine misbehaves.

   decode   a buffer of back-to-back server frames (16 B, 1 KiB, 16 KiB payloads; text made of
            ASCII, so it is validated UTF-8, and binary) is fed to axws_feed in one call, in
            streaming mode (CHUNK events) and in msg_buf mode (MESSAGE events, payload copied
            into msg_buf). ns per frame and GB/s of payload.
   encode   axws_send of 16 B, 1 KiB, 16 KiB messages into a 1 MiB tx_buf (masked with a fresh
            key each), drained with axws_output_ack when full. ns per frame, GB/s of payload.
   memcpy   the baseline, measured in the same run: each frame's payload copied once with
            memcpy, as an ideal codec must (decode: into one 64 KiB buffer, as msg_buf mode
            does; encode: into successive frame slots of a tx-sized buffer). "% memcpy" is the
            engine's payload throughput as a share of that.

   Each line runs about 0.4 s (forty batches, the fastest batch counts). Targets from issue 2
   are checked at the end: <= 10 ns per small frame; binary payload >= 50 % of memcpy;
   validated ASCII text >= 5 GB/s; masked 1 KiB sends >= 5 GB/s.

   Usage: build/bench/bench_frame [--only SUBSTRING]
     --only S       run only the lines whose name contains S
   BENCH_QUICK=1 times nothing: it counts instructions for tests/bench/instr.sh (make
   bench-instr, tests/bench/instr.h). Each line's two lanes, the engine ("axiomws") and its
   memcpy baseline, run QUICK_PASSES passes apiece under callgrind, one dump each. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "instr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUF_BYTES (1u << 20) /* frames per decode buffer: about 1 MiB of wire bytes */
#define QUICK_PASSES 2       /* per lane in quick mode: a pass is 64 to 58,000 frames */

static int quick; /* BENCH_QUICK: instruction counts, nothing timed */
static const char *only;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ------------------------------------------------------------ a connection, opened */

static uint8_t rx[4096], *tx, *msgbuf;
static uint64_t ev_bytes, ev_count;
static volatile uint64_t sink;

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    (void)c; (void)user;
    if (ev->type == AXWS_EV_MESSAGE || ev->type == AXWS_EV_CHUNK) {
        ev_bytes += ev->len;
        ev_count += ev->type == AXWS_EV_MESSAGE || ev->fin;
    } else if (ev->type == AXWS_EV_ERROR) {
        fprintf(stderr, "bench: engine error %d (%s)\n", ev->error, axws_strerror(ev->error));
        exit(1);
    }
}


static void open_conn(axws_conn *c, int stream, size_t tx_size) {
    axws_config cfg;
    axws_url url;
    char store[128], key[64], accept[32], resp[256];
    const uint8_t *p;
    const char *k, *e;
    size_t n;
    memset(&cfg, 0, sizeof cfg);
    cfg.rx_buf = rx; cfg.rx_size = sizeof rx;
    cfg.tx_buf = tx; cfg.tx_size = tx_size;
    if (!stream) { cfg.msg_buf = msgbuf; cfg.msg_size = 1 << 16; }
    cfg.on_event = on_event;
    /* the default generator (AES-CTR DRBG): what programs get, so its cost is measured too */
    if (axws_init(c, &cfg) || axws_parse_url("ws://bench.example/", &url, store, sizeof store) ||
        axws_start(c, &url, 1)) {
        fprintf(stderr, "bench: cannot start a connection\n");
        exit(1);
    }
    p = axws_output(c, &n);
    k = p ? strstr((const char *)p, "Sec-WebSocket-Key: ") : NULL;
    e = k ? strstr(k + 19, "\r\n") : NULL;
    if (!e || (size_t)(e - k - 19) >= sizeof key) { fprintf(stderr, "bench: no key\n"); exit(1); }
    memcpy(key, k + 19, (size_t)(e - k - 19));
    key[e - k - 19] = 0;
    axws_output_ack(c, n);
    axws__accept_value(key, accept); /* the library's own: sha1 + base64 */
    snprintf(resp, sizeof resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
    if (axws_feed(c, resp, strlen(resp), 1) != strlen(resp) || axws_conn_state(c) != AXWS_STATE_OPEN) {
        fprintf(stderr, "bench: upgrade refused\n");
        exit(1);
    }
}

/* ------------------------------------------------------------ timing */

typedef struct line {
    const char *name;
    double ns_iter;      /* one iteration */
    double memcpy_ns;    /* memcpy of the same bytes */
    size_t frames, payload, wire;
} line;

typedef void (*iter_fn)(void *arg);

/* ns per call of fn: calibrated to ~10 ms batches, best of forty (on a shared machine a
   neighbour's burst spoils a long batch; among many short ones some run undisturbed). In
   quick mode it counts instructions instead (instr.h) and returns 0. */
static double measure(iter_fn fn, void *arg, const instr_lane *lane) {
    double t0, t1, best = 1e300;
    long iters = 1, i;
    int b;
    if (quick) {
        instr_run(lane, fn, arg, QUICK_PASSES);
        return 0;
    }
    fn(arg); /* warm */
    for (;;) {
        t0 = now_ns();
        for (i = 0; i < iters; i++) fn(arg);
        t1 = now_ns() - t0;
        if (t1 > 20e6) break;
        iters *= 2;
    }
    iters = (long)((double)iters * 10e6 / t1) + 1;
    for (b = 0; b < 40; b++) {
        t0 = now_ns();
        for (i = 0; i < iters; i++) fn(arg);
        t1 = (now_ns() - t0) / (double)iters;
        if (t1 < best) best = t1;
    }
    return best;
}

/* The memcpy baseline does the least an ideal codec must: copy each frame's payload once.
   decode: every payload of the wire buffer into one 64 KiB buffer (what msg_buf mode does);
   encode: the same payload into successive frame slots of the tx buffer. The empty asm
   keeps the compiler from dropping copies whose result is overwritten unread. */
typedef struct copyjob {
    const uint8_t *src;   /* first payload */
    size_t src_step;      /* distance between payloads in src (0: the same payload) */
    uint8_t *dst;
    size_t dst_step;      /* distance between copies in dst (0: the same place) */
    size_t size, count;
} copyjob;

static void memcpy_iter(void *arg) {
    copyjob *j = (copyjob *)arg;
    size_t i;
    for (i = 0; i < j->count; i++) {
        memcpy(j->dst + i * j->dst_step, j->src + i * j->src_step, j->size);
        __asm__ __volatile__("" : : "r"(j->dst) : "memory");
    }
    sink += j->dst[0];
}

/* One of a line's two lanes, for instruction counts: the engine ("axiomws"), or its
   memcpy baseline, each pass handling the line's frames. */
static instr_lane lane_of(const line *L, const char *name) {
    instr_lane l;
    l.group = L->name;
    l.name = name;
    l.reference = "axiomws";
    l.msgs = L->frames;
    l.bytes = L->payload;
    return l;
}

/* ------------------------------------------------------------ decode */

typedef struct dec {
    axws_conn c;
    uint8_t *wire;
    size_t wire_len, frames;
} dec;

static void decode_iter(void *arg) {
    dec *d = (dec *)arg;
    size_t got = axws_feed(&d->c, d->wire, d->wire_len, 2);
    if (got != d->wire_len) { fprintf(stderr, "bench: feed took %zu of %zu\n", got, d->wire_len); exit(1); }
}

static int run_decode(line *L, size_t size, int text, int stream) {
    dec d;
    size_t hl = size < 126 ? 2 : size < 65536 ? 4 : 10, per = hl + size, i, k;
    uint64_t before;
    memset(&d, 0, sizeof d);
    d.frames = BUF_BYTES / per;
    if (d.frames == 0) d.frames = 1;
    d.wire_len = d.frames * per;
    d.wire = (uint8_t *)malloc(d.wire_len);
    for (i = 0; i < d.frames; i++) {
        uint8_t *f = d.wire + i * per;
        f[0] = (uint8_t)(0x80 | (text ? AXWS_OP_TEXT : AXWS_OP_BINARY));
        if (hl == 2) f[1] = (uint8_t)size;
        else { f[1] = 126; f[2] = (uint8_t)(size >> 8); f[3] = (uint8_t)size; }
        for (k = 0; k < size; k++)
            f[hl + k] = text ? (uint8_t)('a' + (i + k) % 26) : (uint8_t)(i * 131 + k * 7);
    }
    open_conn(&d.c, stream, 4096);
    before = ev_count;
    decode_iter(&d);
    if (ev_count - before != d.frames || axws_conn_state(&d.c) != AXWS_STATE_OPEN) {
        fprintf(stderr, "bench: decode delivered %llu of %zu messages\n", (unsigned long long)(ev_count - before), d.frames);
        exit(1);
    }
    L->frames = d.frames;
    L->payload = d.frames * size;
    L->wire = d.wire_len;
    {
        instr_lane ours = lane_of(L, "axiomws"), baseline = lane_of(L, "memcpy");
        copyjob j;
        L->ns_iter = measure(decode_iter, &d, &ours);
        j.src = d.wire + hl; j.src_step = per;
        j.dst = msgbuf; j.dst_step = 0;
        j.size = size; j.count = d.frames;
        L->memcpy_ns = measure(memcpy_iter, &j, &baseline);
    }
    free(d.wire);
    return 0;
}

/* ------------------------------------------------------------ encode */

typedef struct enc {
    axws_conn c;
    const uint8_t *payload;
    size_t size, frames;
    int opcode;
} enc;

/* Fill the 1 MiB tx_buf with masked frames, then hand it all to "the socket". */
static void encode_iter(void *arg) {
    enc *e = (enc *)arg;
    size_t i, n = 0;
    const uint8_t *p;
    for (i = 0; i < e->frames; i++)
        if (axws_send(&e->c, e->opcode, e->payload, e->size) != 0) { fprintf(stderr, "bench: send failed\n"); exit(1); }
    p = axws_output(&e->c, &n);
    if (!p) { fprintf(stderr, "bench: no output\n"); exit(1); }
    sink += p[n - 1];
    axws_output_ack(&e->c, n);
    p = axws_output(&e->c, &n); /* a ring buffer may hand out a second piece */
    if (p && n) axws_output_ack(&e->c, n);
}

static int run_encode(line *L, size_t size, int text) {
    enc e;
    size_t hl = (size < 126 ? 2 : size < 65536 ? 4 : 10) + 4, free0;
    uint8_t *pl = (uint8_t *)malloc(size);
    size_t k;
    memset(&e, 0, sizeof e);
    for (k = 0; k < size; k++) pl[k] = (uint8_t)('a' + k % 26);
    open_conn(&e.c, 1, BUF_BYTES + 4096);
    free0 = axws_tx_free(&e.c);
    e.payload = pl;
    e.size = size;
    e.opcode = text ? AXWS_OP_TEXT : AXWS_OP_BINARY;
    e.frames = (free0 < BUF_BYTES ? free0 : BUF_BYTES) / (hl + size);
    L->frames = e.frames;
    L->payload = e.frames * size;
    L->wire = e.frames * (hl + size);
    {
        instr_lane ours = lane_of(L, "axiomws"), baseline = lane_of(L, "memcpy");
        copyjob j;
        uint8_t *dst = (uint8_t *)malloc(L->wire);
        L->ns_iter = measure(encode_iter, &e, &ours);
        memset(dst, 0, L->wire);
        j.src = pl; j.src_step = 0;
        j.dst = dst + hl; j.dst_step = hl + size;
        j.size = size; j.count = e.frames;
        L->memcpy_ns = measure(memcpy_iter, &j, &baseline);
        free(dst);
    }
    free(pl);
    return 0;
}

/* ------------------------------------------------------------ main */

static double gbps(size_t bytes, double ns) { return ns > 0 ? (double)bytes / ns : 0; }

/* The table of the timed lines, and the targets of issue 2 when every line ran. */
static void report(const line *lines, int nl) {
    int i, misses = 0;
    double small_ns = 0, bin_ratio = 1e9, text_gbps = 1e9, send1k_gbps = 0;
    printf("axiomws %s frame benchmark (best of 40 batches, ~0.4 s per line)\n", AXWS_VERSION_STRING);
    printf("%-26s %9s %10s %10s %11s %9s\n", "line", "frames", "ns/frame", "GB/s", "memcpy GB/s", "% memcpy");
    for (i = 0; i < nl; i++) {
        const line *L = &lines[i];
        double g = gbps(L->payload, L->ns_iter), m = gbps(L->payload, L->memcpy_ns);
        printf("%-26s %9zu %10.2f %10.2f %11.2f %8.0f%%\n", L->name, L->frames, L->ns_iter / (double)L->frames, g, m,
               m > 0 ? 100.0 * g / m : 0);
        if (!strcmp(L->name, "decode-bin-16B-stream")) small_ns = L->ns_iter / (double)L->frames;
        if (!strncmp(L->name, "decode-bin-16KiB", 16) && m > 0 && g / m < bin_ratio) bin_ratio = g / m;
        if (!strncmp(L->name, "decode-text-16KiB", 17) && g < text_gbps) text_gbps = g;
        if (!strcmp(L->name, "encode-masked-1KiB")) send1k_gbps = g;
    }
    printf("GB/s counts payload bytes (1 GB = 1e9 B). memcpy: each payload copied once, per frame, in\n"
           "the same run. Streaming decode hands out pointers into the input (no copy), so it can beat it.\n");
    if (!only) {
        printf("\ntargets (issue 2):\n");
        printf("  small frame decode (16 B binary, streaming)  %7.2f ns   target <= 10 ns   %s\n", small_ns,
               small_ns <= 10 ? "met" : (misses++, "MISSED"));
        printf("  binary 16 KiB payload vs memcpy (worst mode) %6.0f %%    target >= 50 %%    %s\n", 100 * bin_ratio,
               bin_ratio >= 0.5 ? "met" : (misses++, "MISSED"));
        printf("  validated ASCII text 16 KiB (worst mode)     %7.2f GB/s target >= 5 GB/s  %s\n", text_gbps,
               text_gbps >= 5 ? "met" : (misses++, "MISSED"));
        printf("  masked 1 KiB sends                           %7.2f GB/s target >= 5 GB/s  %s\n", send1k_gbps,
               send1k_gbps >= 5 ? "met" : (misses++, "MISSED"));
        printf("%d of 4 targets met\n", 4 - misses);
    }
}

int main(int argc, char **argv) {
    static const size_t sizes[3] = {16, 1024, 16384};
    static const char *const size_names[3] = {"16B", "1KiB", "16KiB"};
    line lines[32];
    int nl = 0, i, s;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--only SUBSTRING]\n", argv[0]);
            return 2;
        }
    }
    quick = instr_quick();
    tx = (uint8_t *)malloc(BUF_BYTES + 4096);
    msgbuf = (uint8_t *)malloc(1 << 16);
    for (s = 0; s < 3; s++) {
        int text, stream;
        for (text = 0; text < 2; text++) {
            for (stream = 1; stream >= 0; stream--) {
                static char names[32][40];
                line *L = &lines[nl];
                snprintf(names[nl], sizeof names[nl], "decode-%s-%s-%s", text ? "text" : "bin", size_names[s],
                         stream ? "stream" : "msgbuf");
                if (only && !strstr(names[nl], only)) continue;
                L->name = names[nl];
                run_decode(L, sizes[s], text, stream);
                nl++;
            }
        }
    }
    for (s = 0; s < 3; s++) {
        static char names[8][40];
        line *L = &lines[nl];
        snprintf(names[s], sizeof names[s], "encode-masked-%s", size_names[s]);
        if (only && !strstr(names[s], only)) continue;
        L->name = names[s];
        run_encode(L, sizes[s], 0);
        nl++;
    }
    if (!quick) report(lines, nl);
    free(tx);
    free(msgbuf);
    return 0;
}
