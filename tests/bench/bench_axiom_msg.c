/* tests/bench/bench_axiom_msg.c - decode speed of the Axiom message decoder against the bare
   tokenizer on the same bytes (what the decoder adds on top of one tokenizer pass), for a
   new_pairs message (frames.jsonl line 1), a trade array (line 10), sol_price (line 2) and
   a wallet trade (line 9); whole messages in place, and the new_pairs message in 1 KB pieces
   through a 64-byte buffer (the oversize path). Run from the repository root:
       make build/bench/bench_axiom_msg && build/bench/bench_axiom_msg */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static void bench(const char *name, const char *s, size_t n) {
    long iters = (long)(200000000 / (n + 64)), i;
    double t0, t1, t2, t3;
    char json[4096];
    t0 = now_s();
    for (i = 0; i < iters; i++) sink += tokenize(s, n);
    t1 = now_s();
    axws_axiom_decoder_init(&dec, NULL, 0);
    for (i = 0; i < iters; i++) axws_axiom_decoder_chunk(&dec, s, n, 1, on_msg, NULL);
    t2 = now_s();
    for (i = 0; i < iters; i++) {
        axws_axiom_decoder_chunk(&dec, s, n, 1, NULL, NULL);
        sink += (size_t)axws_axiom_msg_write_json(&dec.msg, json, sizeof json);
    }
    t3 = now_s();
    printf("%-12s %5zu B  tokenizer %7.0f ns %6.0f MB/s   decoder %7.0f ns %6.0f MB/s   decode+json %7.0f ns\n",
           name, n, (t1 - t0) / (double)iters * 1e9, (double)n * (double)iters / (t1 - t0) / 1e6,
           (t2 - t1) / (double)iters * 1e9, (double)n * (double)iters / (t2 - t1) / 1e6,
           (t3 - t2) / (double)iters * 1e9);
}

int main(void) {
    static char data[1 << 16];
    const char *line[26];
    size_t len[26], i, k = 0, n;
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
    bench("new_pairs", line[1], len[1]);
    bench("trade t:", line[10], len[10]);
    bench("sol_price", line[2], len[2]);
    bench("wallet v:", line[9], len[9]);
    {
        long iters = 100000, it;
        double t0 = now_s();
        axws_axiom_decoder_init(&dec, tiny, sizeof tiny);
        for (it = 0; it < iters; it++) {
            size_t off = 0;
            while (off < len[1]) {
                size_t c = len[1] - off < 1024 ? len[1] - off : 1024;
                axws_axiom_decoder_chunk(&dec, line[1] + off, c, off + c == len[1], on_msg, NULL);
                off += c;
            }
        }
        printf("new_pairs oversize (64 B buffer, 1 KB pieces): %.0f ns\n", (now_s() - t0) / (double)iters * 1e9);
    }
    return 0;
}
