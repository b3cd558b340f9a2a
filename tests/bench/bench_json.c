/* tests/bench/bench_json.c - throughput of the axiomws JSON tokenizer against jsmn, yajl,
   cJSON and simdjson on the same inputs in the same run.
   Inputs: (1) Axiom-shaped messages: lines 1-24 of tests/data/frames.jsonl repeated to about
   10 MB, each parsed as its own document; (2) one large document: the same messages as one
   array. What each library does: axiomws tokenizes and validates strictly (no unescaping,
   no number conversion); jsmn (non-strict build, JSMN_PARENT_LINKS so that it stays
   linear on the large document) splits into tokens; yajl lexes,
   validates and calls a no-op callback per token (raw numbers); cJSON builds a tree
   (malloc, number conversion) and frees it; simdjson (DOM) validates and builds its tape.
   Time is the process's CPU time (the machine is shared, so wall time mostly measures the
   neighbours), and each figure is the best of several rounds, taken in turns so that a
   busy moment hits every library alike.
   64-byte feeding is shown twice: cut at the same places in every copy of a message, and
   with the cuts shifted by a pseudo-random first piece (see AX_64_SHIFTED).
   Run from the repository root: make bench (or build/bench/bench_json [FILE]).
   BENCH_QUICK=1 times nothing: it counts instructions for tests/bench/instr.sh (make
   bench-instr, tests/bench/instr.h). The inputs shrink to QUICK_BYTES of messages, and
   every library and feeding above is a lane on each input, one pass under callgrind and
   one dump apiece; the large document's lanes count per message too (those it holds). */
#define _POSIX_C_SOURCE 200809L
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "instr.h"

#define JSMN_STATIC
#define JSMN_PARENT_LINKS /* without it jsmn searches backwards at every close: quadratic */
#include <jsmn.h>
#include <yajl/yajl_parse.h>
#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int bench_simdjson_parse(const char *buf, size_t len, size_t *elements);
size_t bench_simdjson_padding(void);

#define QUICK_BYTES (512u << 10) /* of messages in quick mode: about 2,300 */

typedef struct msgs {
    char *buf;          /* all messages, each followed by '\n', plus padding */
    size_t *off, *len;
    size_t count, bytes;
} msgs;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t sink;

/* ---- axiomws */
/* `first`: the size of the first piece, the rest are `piece` bytes */
static int ax_doc(axws_json *j, const char *p, size_t len, size_t piece, size_t first) {
    axws_json_token t;
    size_t off = 0;
    int r = AXWS_JSON_NEED_MORE;
    axws_json_reset(j);
    for (;;) {
        if (r == AXWS_JSON_NEED_MORE) {
            size_t want = off ? piece : first;
            size_t n = len - off < want ? len - off : want;
            axws_json_feed(j, p + off, n);
            off += n;
            if (off == len) axws_json_end(j);
        }
        r = axws_json_next(j, &t);
        if (r < 0) return r;
        if (r == AXWS_JSON_DONE) return 0;
        sink += (size_t)r + t.len;
    }
}

/* tokens in one document (begin/end, keys and values alike) */
static size_t count_tokens(const char *p, size_t len) {
    static axws_json j;
    axws_json_token t;
    size_t n = 0;
    int r;
    axws_json_init(&j, NULL, 0);
    axws_json_feed(&j, p, len);
    axws_json_end(&j);
    while ((r = axws_json_next(&j, &t)) > 0 && r != AXWS_JSON_DONE) n++;
    return n;
}

/* ---- jsmn */
static jsmntok_t *jtoks;
static size_t jtoks_n;
static int jsmn_doc(const char *p, size_t len) {
    jsmn_parser jp;
    int r;
    jsmn_init(&jp);
    r = jsmn_parse(&jp, p, len, jtoks, (unsigned)jtoks_n);
    if (r < 0) return r;
    sink += (size_t)r;
    return 0;
}

/* ---- yajl: no-op callbacks that count */
static int y_null(void *c) { (void)c; sink++; return 1; }
static int y_bool(void *c, int b) { (void)c; sink += (size_t)b; return 1; }
static int y_num(void *c, const char *s, size_t l) { (void)c; (void)s; sink += l; return 1; }
static int y_str(void *c, const unsigned char *s, size_t l) { (void)c; (void)s; sink += l; return 1; }
static int y_start(void *c) { (void)c; sink++; return 1; }
static const yajl_callbacks ycb = {y_null, y_bool, NULL, NULL, y_num, y_str, y_start, y_str,
                                   y_start, y_start, y_start};
static int yajl_doc(const char *p, size_t len) {
    yajl_handle h = yajl_alloc(&ycb, NULL, NULL);
    int ok = yajl_parse(h, (const unsigned char *)p, len) == yajl_status_ok &&
             yajl_complete_parse(h) == yajl_status_ok;
    yajl_free(h);
    return ok ? 0 : -1;
}

/* ---- cJSON */
static int cjson_doc(const char *p, size_t len) {
    cJSON *root = cJSON_ParseWithLength(p, len);
    if (!root) return -1;
    sink += (size_t)root->type;
    cJSON_Delete(root);
    return 0;
}

static int simd_doc(const char *p, size_t len) { return bench_simdjson_parse(p, len, &sink); }

/* AX_64_SHIFTED: 64-byte pieces after a first piece of 1..64 bytes (a fixed pseudo-random
   sequence), so the cuts fall at different places of each message. With AX_64 every copy
   of a message is cut at the same places, and the CPU learns the pattern; network reads
   are not so kind. On the large document the two are alike. */
enum { AX_WHOLE, AX_64, AX_64_SHIFTED, AX_1, JSMN, YAJL, CJSON, SIMD, NKIND };
static const char *const kind_name[NKIND] = {"axiomws (whole)", "axiomws (64-byte pieces)",
                                             "axiomws (64, shifted cuts)",
                                             "axiomws (1-byte pieces)", "jsmn", "yajl",
                                             "cJSON", "simdjson (DOM)"};

static uint32_t shift_seed;
static size_t next_shift(void) {
    shift_seed = shift_seed * 1664525u + 1013904223u;
    return 1 + (shift_seed >> 16) % 64;
}

static int one(int kind, axws_json *j, const char *p, size_t len) {
    switch (kind) {
    case AX_WHOLE: return ax_doc(j, p, len, (size_t)-1, (size_t)-1);
    case AX_64: return ax_doc(j, p, len, 64, 64);
    case AX_64_SHIFTED: return ax_doc(j, p, len, 64, next_shift());
    case AX_1: return ax_doc(j, p, len, 1, 1);
    case JSMN: return jsmn_doc(p, len);
    case YAJL: return yajl_doc(p, len);
    case CJSON: return cjson_doc(p, len);
    default: return simd_doc(p, len);
    }
}

/* seconds for one pass over the message set */
static double pass_msgs(int kind, const msgs *m) {
    static axws_json j;
    size_t i;
    double t0;
    axws_json_init(&j, NULL, 0);
    shift_seed = 1;
    t0 = now();
    for (i = 0; i < m->count; i++)
        if (one(kind, &j, m->buf + m->off[i], m->len[i]) != 0) {
            fprintf(stderr, "%s rejected message %zu\n", kind_name[kind], i);
            exit(1);
        }
    return now() - t0;
}

static double pass_big(int kind, const char *p, size_t len) {
    static axws_json j;
    double t0;
    axws_json_init(&j, NULL, 0);
    t0 = now();
    if (one(kind, &j, p, len) != 0) {
        fprintf(stderr, "%s rejected the large document\n", kind_name[kind]);
        exit(1);
    }
    return now() - t0;
}

/* A lane for instr.h: one kind over the message set, or over the large document. */
typedef struct lane_job {
    int kind;
    const msgs *m;
    const char *doc;
    size_t doc_len;
} lane_job;

static void msgs_pass(void *arg) {
    const lane_job *j = (const lane_job *)arg;
    pass_msgs(j->kind, j->m);
}

static void doc_pass(void *arg) {
    const lane_job *j = (const lane_job *)arg;
    pass_big(j->kind, j->doc, j->doc_len);
}

/* Every kind on the messages, then every kind on the large document. */
static void count_lanes(const msgs *m, const char *doc, size_t doc_len) {
    char msgs_group[64], doc_group[80];
    lane_job job;
    instr_lane lane;
    int k;
    snprintf(msgs_group, sizeof msgs_group, "%zu messages, a document each", m->count);
    snprintf(doc_group, sizeof doc_group, "the same as one document (%zu B)", doc_len);
    job.m = m;
    job.doc = doc;
    job.doc_len = doc_len;
    lane.reference = kind_name[AX_WHOLE];
    lane.msgs = m->count;
    lane.group = msgs_group;
    lane.bytes = m->bytes;
    for (k = 0; k < NKIND; k++) {
        job.kind = k;
        lane.name = kind_name[k];
        instr_run(&lane, msgs_pass, &job, 1);
    }
    lane.group = doc_group;
    lane.bytes = doc_len;
    for (k = 0; k < NKIND; k++) {
        job.kind = k;
        lane.name = kind_name[k];
        instr_run(&lane, doc_pass, &job, 1);
    }
}

static void report(const char *title, const double *mbs) {
    int k;
    printf("%s\n", title);
    for (k = 0; k < NKIND; k++) {
        printf("  %-26s %8.1f MB/s", kind_name[k], mbs[k]);
        if (k > AX_WHOLE && k <= AX_1) printf("   (whole/this = %.2fx)", mbs[AX_WHOLE] / mbs[k]);
        if (k >= JSMN) printf("   axiomws whole / this = %.2fx", mbs[AX_WHOLE] / mbs[k]);
        printf("\n");
    }
}

/* Every kind on both inputs, rounds taken in turns; the best round of each counts. */
static void time_lanes(const msgs *m, const char *big, size_t blen) {
    double mbs[NKIND], best_m[NKIND], best_b[NKIND];
    int k, r, rounds = 15;
    printf("bench_json: %zu messages, %.1f MB (avg %zu bytes); large document %.1f MB\n",
           m->count, (double)m->bytes / 1e6, m->bytes / m->count, (double)blen / 1e6);
    for (k = 0; k < NKIND; k++) best_m[k] = best_b[k] = 1e30;
    for (r = 0; r < rounds; r++)
        for (k = 0; k < NKIND; k++) {
            double t;
            if (k == AX_1 && r >= 2) continue; /* slow; two rounds are plenty */
            t = pass_msgs(k, m);
            if (t < best_m[k]) best_m[k] = t;
            t = pass_big(k, big, blen);
            if (t < best_b[k]) best_b[k] = t;
        }
    for (k = 0; k < NKIND; k++) mbs[k] = (double)m->bytes / best_m[k] / 1e6;
    report("Axiom-shaped messages, one document per message:", mbs);
    for (k = 0; k < NKIND; k++) mbs[k] = (double)blen / best_b[k] / 1e6;
    report("One large document:", mbs);
    {
        /* the cost of a token and of a piece boundary, from the times above */
        size_t tok_m = 0, tok_b = count_tokens(big, blen), same = 0, shifted = 0, i;
        size_t big_pieces = (blen + 63) / 64;
        shift_seed = 1;
        for (i = 0; i < m->count; i++) {
            size_t first = next_shift();
            tok_m += count_tokens(m->buf + m->off[i], m->len[i]);
            same += (m->len[i] + 63) / 64;
            shifted += 1 + (m->len[i] > first ? (m->len[i] - first + 63) / 64 : 0);
        }
        printf("Per token, whole: %.2f ns (messages, %zu tokens), %.2f ns (large document, "
               "%zu tokens)\n", best_m[AX_WHOLE] * 1e9 / (double)tok_m, tok_m,
               best_b[AX_WHOLE] * 1e9 / (double)tok_b, tok_b);
        printf("Per 64-byte piece, over whole: messages %.1f ns (same cuts), %.1f ns "
               "(shifted cuts); large document %.1f ns\n",
               (best_m[AX_64] - best_m[AX_WHOLE]) * 1e9 / (double)same,
               (best_m[AX_64_SHIFTED] - best_m[AX_WHOLE]) * 1e9 / (double)shifted,
               (best_b[AX_64] - best_b[AX_WHOLE]) * 1e9 / (double)big_pieces);
    }
    printf("(sink %zu)\n", sink % 10);
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "tests/data/frames.jsonl";
    size_t target, flen = 0, nl = 0, i, pad = bench_simdjson_padding() + 64;
    char *file, *lines[64];
    size_t llen[64];
    msgs m;
    char *big;
    size_t blen = 0;
    int quick = instr_quick();
    FILE *f = fopen(path, "rb");
    target = quick ? QUICK_BYTES : 10u << 20;
    if (!f) { perror(path); return 1; }
    file = (char *)malloc(1 << 20);
    flen = fread(file, 1, 1 << 20, f);
    fclose(f);
    /* lines 1-24 (line 25 is not JSON) */
    for (i = 0; i < flen && nl < 24;) {
        size_t e = i;
        while (e < flen && file[e] != '\n') e++;
        lines[nl] = file + i; llen[nl] = e - i; nl++;
        i = e + 1;
    }
    memset(&m, 0, sizeof m);
    m.buf = (char *)malloc(target + 1000000 + pad);
    m.off = (size_t *)malloc(sizeof(size_t) * 1000000);
    m.len = (size_t *)malloc(sizeof(size_t) * 1000000);
    for (i = 0; m.bytes < target; i = (i + 1) % nl) {
        size_t at = m.bytes + m.count; /* each message followed by '\n' */
        memcpy(m.buf + at, lines[i], llen[i]);
        m.buf[at + llen[i]] = '\n';
        m.off[m.count] = at; m.len[m.count] = llen[i];
        m.count++;
        m.bytes += llen[i];
    }
    memset(m.buf + m.bytes + m.count, ' ', pad);
    big = (char *)malloc(m.bytes + m.count + 16 + pad);
    big[blen++] = '[';
    for (i = 0; i < m.count; i++) {
        if (i) big[blen++] = ',';
        memcpy(big + blen, m.buf + m.off[i], m.len[i]);
        blen += m.len[i];
    }
    big[blen++] = ']';
    memset(big + blen, ' ', pad);
    jtoks_n = blen / 2 + 16;
    jtoks = (jsmntok_t *)malloc(jtoks_n * sizeof *jtoks);

    if (quick)
        count_lanes(&m, big, blen);
    else
        time_lanes(&m, big, blen);
    free(file); free(m.buf); free(m.off); free(m.len); free(big); free(jtoks);
    return 0;
}
