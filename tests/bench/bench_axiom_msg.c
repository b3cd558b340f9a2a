/* tests/bench/bench_axiom_msg.c - decode speed of the Axiom message decoder against the bare
   tokenizer on the same bytes (what the decoder adds on top of one tokenizer pass), for a
   new_pairs message (frames.jsonl line 1), a trade array (line 10), sol_price (line 2) and
   a wallet trade (line 9); whole messages in place, and the new_pairs message in 1 KB pieces
   through a 64-byte buffer (the oversize path). Run from the repository root:
       make build/bench/bench_axiom_msg && build/bench/bench_axiom_msg
   BENCH_QUICK=1 times nothing: it counts instructions for tests/bench/instr.sh (make
   bench-instr, tests/bench/instr.h), QUICK_PASSES messages a lane under callgrind, one dump
   per lane, each message's lanes compared with its tokenizer lane. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "instr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUICK_PASSES 1000 /* messages a lane in quick mode */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile size_t sink;
static void on_msg(void *user, const axws_axiom_msg *m) {
    (void)user;
    sink += (size_t)m->kind + m->room.len;
}

static axws_axiom_decoder dec;
static unsigned char tiny[64];

static size_t tokenize(const char *s, size_t n) {
    axws_json j;
    axws_json_token t;
    size_t k = 0;
    int r;
    axws_json_init(&j, NULL, 0);
    axws_json_feed(&j, s, n);
    axws_json_end(&j);
    while ((r = axws_json_next(&j, &t)) > 0 && r != AXWS_JSON_DONE) k += t.len;
    return k;
}

/* One message of frames.jsonl, and each lane's pass over it. */
typedef struct sample {
    const char *name, *s;
    size_t n;
} sample;

static void tokenizer_pass(void *arg) {
    const sample *m = (const sample *)arg;
    sink += tokenize(m->s, m->n);
}

static void decoder_pass(void *arg) {
    const sample *m = (const sample *)arg;
    axws_axiom_decoder_chunk(&dec, m->s, m->n, 1, on_msg, NULL);
}

static void decode_json_pass(void *arg) {
    const sample *m = (const sample *)arg;
    char json[4096];
    axws_axiom_decoder_chunk(&dec, m->s, m->n, 1, NULL, NULL);
    sink += (size_t)axws_axiom_msg_write_json(&dec.msg, json, sizeof json);
}

/* 1 KB pieces through the 64-byte buffer: the decoder must be set up with `tiny`. */
static void oversize_pass(void *arg) {
    const sample *m = (const sample *)arg;
    size_t off = 0;
    while (off < m->n) {
        size_t c = m->n - off < 1024 ? m->n - off : 1024;
        axws_axiom_decoder_chunk(&dec, m->s + off, c, off + c == m->n, on_msg, NULL);
        off += c;
    }
}

static void bench(sample *m) {
    long iters = (long)(200000000 / (m->n + 64)), i;
    double t0, t1, t2, t3;
    t0 = now_s();
    for (i = 0; i < iters; i++) tokenizer_pass(m);
    t1 = now_s();
    axws_axiom_decoder_init(&dec, NULL, 0);
    for (i = 0; i < iters; i++) decoder_pass(m);
    t2 = now_s();
    for (i = 0; i < iters; i++) decode_json_pass(m);
    t3 = now_s();
    printf("%-12s %5zu B  tokenizer %7.0f ns %6.0f MB/s   decoder %7.0f ns %6.0f MB/s (%.2fx tokenizer)   decode+json %7.0f ns\n",
           m->name, m->n, (t1 - t0) / (double)iters * 1e9, (double)m->n * (double)iters / (t1 - t0) / 1e6,
           (t2 - t1) / (double)iters * 1e9, (double)m->n * (double)iters / (t2 - t1) / 1e6, (t2 - t1) / (t1 - t0),
           (t3 - t2) / (double)iters * 1e9);
}

static void bench_oversize(sample *m) {
    long iters = 100000, it;
    double t0 = now_s();
    axws_axiom_decoder_init(&dec, tiny, sizeof tiny);
    for (it = 0; it < iters; it++) oversize_pass(m);
    printf("new_pairs oversize (64 B buffer, 1 KB pieces): %.0f ns\n", (now_s() - t0) / (double)iters * 1e9);
}

/* The same lanes, counted: each a message QUICK_PASSES times. */
static void count_lanes(sample *m, int oversize) {
    char group[64];
    instr_lane lane;
    snprintf(group, sizeof group, "%s %zu B", m->name, m->n);
    lane.group = group;
    lane.reference = "tokenizer";
    lane.msgs = 1;
    lane.bytes = m->n;
    lane.name = "tokenizer";
    instr_run(&lane, tokenizer_pass, m, QUICK_PASSES);
    axws_axiom_decoder_init(&dec, NULL, 0);
    lane.name = "decoder";
    instr_run(&lane, decoder_pass, m, QUICK_PASSES);
    lane.name = "decoder + JSON writer";
    instr_run(&lane, decode_json_pass, m, QUICK_PASSES);
    if (oversize) {
        axws_axiom_decoder_init(&dec, tiny, sizeof tiny);
        lane.name = "decoder, 1 KB pieces, 64 B buffer";
        instr_run(&lane, oversize_pass, m, QUICK_PASSES);
    }
}

int main(void) {
    static char data[1 << 16];
    const char *line[26];
    size_t len[26], i, k = 0, n;
    int quick = instr_quick();
    FILE *f = fopen("tests/data/frames.jsonl", "rb");
    if (!f) { fprintf(stderr, "run from the repository root\n"); return 1; }
    n = fread(data, 1, sizeof data - 1, f);
    fclose(f);
    for (i = 0; i < n && k < 25; k++) {
        size_t e = i;
        while (e < n && data[e] != '\n') e++;
        line[k + 1] = data + i;
        len[k + 1] = e - i;
        i = e + 1;
    }
    {
        sample picks[4] = {{"new_pairs", line[1], len[1]}, {"trade t:", line[10], len[10]},
                           {"sol_price", line[2], len[2]}, {"wallet v:", line[9], len[9]}};
        for (i = 0; i < 4; i++) {
            if (quick) count_lanes(&picks[i], i == 0);
            else bench(&picks[i]);
        }
        if (!quick) bench_oversize(&picks[0]);
    }
    return 0;
}
