/* tests/embedded/json_suite.c - the JSON tokenizer on a Cortex-M4 against every file of the
   JSONTestSuite (make embedded).

   The files are compiled in (gen_json_suite.py writes build/embedded/json_suite_data.c).
   The verdict logic is tests/test_json.c's (run_all_ways and test_suite), with
   axws_json_* only: every file is tokenized whole, one byte at a time (without and with a
   carry buffer), cut in two at every position (files up to 2048 bytes) and in four
   pseudo-random splittings (odd rounds with a small carry buffer); every way must give the
   whole run's verdict, error offset and token transcript, and follow the chunk rules.
   Then y_ files must be accepted (AXWS_JSON_DONE), n_ files rejected (an error), i_ files
   either; every string and key of an accepted file must unescape without EESCAPE. The
   transcript is kept as a running 64-bit FNV-1a hash of test_json.c's text form instead of
   the text itself: no malloc, and the same comparisons. */
#include "axiomws.h"
#include "emb_files.h"
#include "emb_test.h"

extern const emb_file emb_json_files[];
extern const size_t emb_json_file_count;

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void) { /* xorshift64*: deterministic runs */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

typedef struct transcript {
    uint64_t hash;         /* FNV-1a of "CODE OFFSET[:DATA] " per token, chunks joined */
    int verdict;           /* AXWS_JSON_DONE or the error */
    uint64_t err_off;
    int bad_chunking;      /* chunks did not follow the rules */
} transcript;

static void h_put(uint64_t *h, const void *p, size_t n) {
    const uint8_t *b = (const uint8_t *)p;
    size_t i;
    for (i = 0; i < n; i++) *h = (*h ^ b[i]) * 0x100000001B3ULL;
}

static const char tok_code[] = "?{}[]KSNTFZ";

/* How the input is cut into pieces: each call gives the end of the next piece. */
enum { CUT_NONE, CUT_BYTES, CUT_AT, CUT_RANDOM };
typedef struct cutter {
    int how;
    size_t at;             /* CUT_AT: the one cut */
    int small;             /* CUT_RANDOM: pieces of 1-4 bytes, else up to len/3 + 1 */
} cutter;
static size_t next_end(cutter *c, size_t off, size_t len, int first) {
    size_t end;
    switch (c->how) {
    case CUT_BYTES: end = off + 1; break;
    case CUT_AT: end = first ? c->at : len; break;
    case CUT_RANDOM: end = off + 1 + (size_t)(rnd() % (c->small ? 4 : 1 + len / 3 + 1)); break;
    default: end = len;
    }
    return end > len ? len : end;
}

static char carry_buf[24];
static size_t carry_size; /* 0: no carry buffer (the default), else use carry_buf */
static size_t next_depth;  /* the deepest stack one axws_json_next call used (probe runs) */
static int probe;

/* test_json.c's run(): tokenize `in` in the pieces `c` gives; chunks of one token joined. */
static void run(const char *in, size_t len, cutter *c, transcript *t) {
    axws_json j;
    axws_json_token k;
    size_t off = 0;
    int r = AXWS_JSON_NEED_MORE, in_chunk = 0, chunk_type = 0, first = 1, ended = 0;
    uint64_t chunk_off = 0, tok_start = 0;
    size_t chunk_total = 0;
    memset(t, 0, sizeof *t);
    t->hash = 0xCBF29CE484222325ULL;
    axws_json_init(&j, NULL, 0);
    if (carry_size) axws_json_set_carry(&j, carry_buf, carry_size);
    for (;;) {
        if (r == AXWS_JSON_NEED_MORE) {
            size_t end = ended ? len : next_end(c, off, len, first);
            if (end < off) end = off;
            if (axws_json_feed(&j, in + off, end - off) != 0) t->bad_chunking = 1;
            off = end;
            first = 0;
            if (off == len && !ended) { axws_json_end(&j); ended = 1; }
        }
        if (probe) {
            size_t d;
            EMB_PROBE_BEGIN();
            r = axws_json_next(&j, &k);
            d = emb_probe_end();
            if (d > next_depth) next_depth = d;
        } else r = axws_json_next(&j, &k);
        if (r < 0 || r == AXWS_JSON_DONE) break;
        if (r == AXWS_JSON_NEED_MORE) continue;
        /* with a carry, only a token longer than it may come in chunks */
        chunk_total = k.cont ? chunk_total + k.len : k.len;
        if (carry_size && k.cont && !k.more && chunk_total <= carry_size) t->bad_chunking = 1;
        if (k.cont) {
            if (!in_chunk || chunk_type != r || chunk_off != k.offset) t->bad_chunking = 1;
        } else {
            if (in_chunk) t->bad_chunking = 1;
            tok_start = t->hash;
            h_put(&t->hash, &tok_code[r], 1);
            h_put(&t->hash, &k.offset, sizeof k.offset);
            if (r == AXWS_JSON_KEY || r == AXWS_JSON_STRING || r == AXWS_JSON_NUMBER) h_put(&t->hash, ":", 1);
        }
        if (k.len) h_put(&t->hash, k.data, k.len);
        in_chunk = k.more;
        chunk_type = r;
        chunk_off = k.offset;
        if (!k.more) h_put(&t->hash, " ", 1);
    }
    if (in_chunk && r >= 0) t->bad_chunking = 1;
    /* an error inside a token that came in chunks: drop its partial text, so that every
       way of splitting gives the same transcript */
    if (in_chunk && r < 0) t->hash = tok_start;
    t->verdict = r;
    t->err_off = r < 0 ? axws_json_error_offset(&j) : 0;
    /* the error is sticky */
    if (r < 0 && axws_json_next(&j, &k) != r) t->bad_chunking = 1;
}

static int same_as_whole(const char *name, const char *how, const char *in, size_t len, cutter *c,
                         const transcript *whole) {
    transcript t;
    int same;
    char a[24], b[24];
    run(in, len, c, &t);
    same = t.verdict == whole->verdict && t.err_off == whole->err_off && t.hash == whole->hash && !t.bad_chunking;
    if (!same)
        fprintf(stderr, "%s: %s (carry %lu) differs: %d@%s vs %d@%s%s\n", name, how, (unsigned long)carry_size,
                t.verdict, emb_i64((long long)t.err_off, a), whole->verdict, emb_i64((long long)whole->err_off, b),
                t.bad_chunking ? " (bad chunking)" : "");
    return same;
}

/* test_json.c's run_all_ways(): whole, byte by byte, cut in two everywhere, random. */
static int run_all_ways(const char *name, const char *in, size_t len, transcript *whole, int random_rounds) {
    cutter c = {CUT_NONE, 0, 0};
    size_t i;
    int round, ok = 1;
    run(in, len, &c, whole);
    ok &= CHECK(!whole->bad_chunking);
    c.how = CUT_BYTES;
    for (round = 0; round < 2; round++) {
        carry_size = round ? sizeof carry_buf : 0;
        ok &= same_as_whole(name, "byte-at-a-time", in, len, &c, whole);
    }
    carry_size = 0;
    c.how = CUT_AT;
    for (i = 1; i < len && len <= 2048; i++) {
        c.at = i;
        ok &= same_as_whole(name, "cut in two", in, len, &c, whole);
    }
    c.how = CUT_RANDOM;
    for (round = 0; round < random_rounds && len > 1; round++) {
        /* odd rounds with a small carry buffer: reassembly and its overflow into chunks */
        carry_size = round & 1 ? 5 + (size_t)(rnd() % (sizeof carry_buf - 4)) : 0;
        c.small = round & 1;
        c.how = round == 2 ? CUT_NONE : CUT_RANDOM;
        ok &= same_as_whole(name, "random split", in, len, &c, whole);
    }
    carry_size = 0;
    CHECK(ok);
    return whole->verdict;
}

static void test_suite(void) {
    size_t f;
    int y = 0, n = 0, ii = 0, i_accepted = 0;
    AXT_CASE("JSONTestSuite");
    for (f = 0; f < emb_json_file_count; f++) {
        const emb_file *e = &emb_json_files[f];
        transcript t;
        int r;
        AXT_CASE(e->name);
        r = run_all_ways(e->name, e->data, e->len, &t, 4);
        if (e->name[0] == 'y') {
            y++;
            if (!CHECK_EQ(r, AXWS_JSON_DONE)) fprintf(stderr, "  %s rejected: %s\n", e->name, axws_json_strerror(r));
        } else if (e->name[0] == 'n') {
            n++;
            if (!CHECK(r < 0)) fprintf(stderr, "  %s accepted\n", e->name);
        } else {
            ii++;
            CHECK(r < 0 || r == AXWS_JSON_DONE);
            i_accepted += r == AXWS_JSON_DONE;
        }
        /* every string of an accepted document unescapes without EESCAPE */
        if (r == AXWS_JSON_DONE) {
            static char out[4096];
            axws_json j;
            axws_json_token k;
            size_t ol;
            axws_json_init(&j, NULL, 0);
            axws_json_feed(&j, e->data, e->len);
            axws_json_end(&j);
            while ((r = axws_json_next(&j, &k)) > 0 && r != AXWS_JSON_DONE)
                if (r == AXWS_JSON_STRING || r == AXWS_JSON_KEY) {
                    int u = axws_json_unescape(k.data, k.len, out, sizeof out, &ol);
                    CHECK(u == 0 || u == AXWS_JSON_ESURROGATE);
                }
        }
    }
    AXT_CASE("JSONTestSuite");
    printf("JSONTestSuite: %d y_, %d n_, %d i_ files (%d i_ accepted), each whole, byte by byte, "
           "cut in two everywhere, 4 random splits\n", y, n, ii, i_accepted);
    CHECK(y >= 90 && n >= 180);
}

/* The deepest stack axws_json_next reaches here: every file once more, byte by byte. */
static void test_stack(void) {
    size_t f;
    cutter c = {CUT_BYTES, 0, 0};
    transcript t;
    probe = 1;
    for (f = 0; f < emb_json_file_count; f++)
        if (emb_json_files[f].len < 4096) run(emb_json_files[f].data, emb_json_files[f].len, &c, &t);
    probe = 0;
    printf("stack measured: axws_json_next %lu\n", (unsigned long)next_depth);
}

int main(void) {
    test_suite();
    test_stack();
    printf("main stack high-water %lu bytes\n", (unsigned long)emb_stack_used());
    return axt_report();
}
