/* tests/test_json.c - the streaming JSON tokenizer (axiomws.h section >>json).
   Every input is tokenized whole, one byte at a time and split at random points; all ways
   must give the same tokens (chunks joined) and the same verdict and error offset.
   Also: our own vectors for every token kind and error, tests/data/frames.jsonl, the
   JSONTestSuite in ../shared (skipped when absent), unescaping, int64 and double conversion
   (the latter against strtod on over a million random inputs) and the path matcher. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ helpers */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void) {
    /* xorshift64*: deterministic runs */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

typedef struct transcript {
    axt_buf tokens;        /* the tokens as text (see run) */
    int verdict;           /* AXWS_JSON_DONE or the error */
    uint64_t err_off;
    int bad_chunking;      /* chunks did not follow the rules */
} transcript;

static void tr_free(transcript *t) { axt_buf_free(&t->tokens); memset(t, 0, sizeof *t); }

static const char tok_code[] = "?{}[]KSNTFZ";

/* Tokenize `in`, cutting it before each offset in cuts[] (sorted). Each token is written as
   CODE OFFSET [":" DATA] and a space; chunks of one token are joined. */
static char carry_buf[24];
static size_t carry_size; /* 0: no carry buffer (the default), else use carry_buf */

static void run(const char *in, size_t len, const size_t *cuts, size_t ncuts, transcript *t,
                void *stack, size_t stack_size) {
    axws_json j;
    axws_json_token k;
    size_t piece = 0, off = 0;
    int r = AXWS_JSON_NEED_MORE, in_chunk = 0, chunk_type = 0;
    uint64_t chunk_off = 0;
    size_t tok_start = 0, chunk_total = 0;
    memset(t, 0, sizeof *t);
    axws_json_init(&j, stack, stack_size);
    if (carry_size) axws_json_set_carry(&j, carry_buf, carry_size);
    for (;;) {
        if (r == AXWS_JSON_NEED_MORE) {
            size_t end = piece < ncuts ? cuts[piece] : len;
            if (end > len) end = len;
            if (end < off) end = off;
            if (axws_json_feed(&j, in + off, end - off) != 0) t->bad_chunking = 1;
            off = end;
            piece++;
            if (off == len && piece > ncuts) axws_json_end(&j);
        }
        r = axws_json_next(&j, &k);
        if (r < 0 || r == AXWS_JSON_DONE) break;
        if (r == AXWS_JSON_NEED_MORE) continue;
        /* with a carry, only a token longer than it may come in chunks */
        chunk_total = k.cont ? chunk_total + k.len : k.len;
        if (carry_size && k.cont && !k.more && chunk_total <= carry_size) t->bad_chunking = 1;
        if (k.cont) {
            if (!in_chunk || chunk_type != r || chunk_off != k.offset) t->bad_chunking = 1;
        } else {
            if (in_chunk) t->bad_chunking = 1;
            tok_start = t->tokens.len;
            axt_buf_printf(&t->tokens, "%c%llu", tok_code[r], (unsigned long long)k.offset);
            if (r == AXWS_JSON_KEY || r == AXWS_JSON_STRING || r == AXWS_JSON_NUMBER)
                axt_buf_putc(&t->tokens, ':');
        }
        axt_buf_put(&t->tokens, k.data, k.len);
        in_chunk = k.more;
        chunk_type = r;
        chunk_off = k.offset;
        if (!k.more) axt_buf_putc(&t->tokens, ' ');
    }
    if (in_chunk && r >= 0) t->bad_chunking = 1;
    /* an error inside a token that came in chunks: drop its partial text, so that every
       way of splitting gives the same transcript */
    if (in_chunk && r < 0) axt_buf_cut(&t->tokens, tok_start);
    t->verdict = r;
    t->err_off = r < 0 ? axws_json_error_offset(&j) : 0;
    /* the error is sticky */
    if (r < 0 && axws_json_next(&j, &k) != r) t->bad_chunking = 1;
}

static void run_whole(const char *in, size_t len, transcript *t) { run(in, len, NULL, 0, t, NULL, 0); }

/* axws_json_next() over doc[0..len), fed `piece` bytes at a time as the tokenizer asks;
   *off counts what was fed (start at 0). Returns what next() returned, never NEED_MORE. */
static int next_fed(axws_json *j, axws_json_token *t, const char *doc, size_t len,
                    size_t piece, size_t *off) {
    int r;
    while ((r = axws_json_next(j, t)) == AXWS_JSON_NEED_MORE) {
        size_t n = len - *off < piece ? len - *off : piece;
        axws_json_feed(j, doc + *off, n);
        *off += n;
        if (*off == len) axws_json_end(j);
    }
    return r;
}

/* Tokenize `in` in the pieces that end at cuts[0..ncuts) and the rest; 1 if the verdict,
   the error offset and the transcript are those of the whole run, else 0 with a report. */
static int same_as_whole(const char *name, const char *how, const char *in, size_t len,
                         const size_t *cuts, size_t ncuts, const transcript *whole) {
    transcript t;
    int same;
    run(in, len, cuts, ncuts, &t, NULL, 0);
    same = t.verdict == whole->verdict && t.err_off == whole->err_off &&
           strcmp(axt_buf_str(&t.tokens), axt_buf_str(&whole->tokens)) == 0 && !t.bad_chunking;
    if (!same)
        fprintf(stderr, "%s: %s (%zu cuts, first at %zu, carry %zu) differs: %d@%llu vs "
                "%d@%llu\n  %.300s\n  %.300s\n", name, how, ncuts, ncuts ? cuts[0] : 0,
                carry_size, t.verdict, (unsigned long long)t.err_off, whole->verdict,
                (unsigned long long)whole->err_off, axt_buf_str(&t.tokens), axt_buf_str(&whole->tokens));
    tr_free(&t);
    return same;
}

/* Tokenize whole, byte by byte and at random cuts; all must agree. Returns the whole run's
   verdict and fills *whole (caller frees). */
static int run_all_ways(const char *name, const char *in, size_t len, transcript *whole,
                        int random_rounds) {
    size_t *cuts = (size_t *)calloc(len + 1, sizeof *cuts), i;
    int round, ok = 1;
    if (!cuts) abort();
    run_whole(in, len, whole);
    ok &= CHECK(!whole->bad_chunking);
    for (i = 0; i < len; i++) cuts[i] = i + 1;
    for (round = 0; round < 2; round++) {
        carry_size = round ? sizeof carry_buf : 0;
        ok &= same_as_whole(name, "byte-at-a-time", in, len, cuts, len, whole);
    }
    /* two pieces, cut at every point in turn: each token kind cut at each of its bytes and
       resumed with a long rest (byte by byte, the rest is always one byte) */
    for (i = 1; i < len && len <= 2048; i++) {
        cuts[0] = i;
        ok &= same_as_whole(name, "cut in two", in, len, cuts, 1, whole);
    }
    for (round = 0; round < random_rounds && len > 1; round++) {
        /* odd rounds with a small carry buffer, so both reassembly and its overflow into
           chunks are exercised */
        carry_size = round & 1 ? 5 + (size_t)(rnd() % (sizeof carry_buf - 4)) : 0;
        size_t n = 0, pos = 0;
        while (pos < len) {
            pos += 1 + (size_t)(rnd() % (round & 1 ? 4 : 1 + len / 3 + 1));
            if (pos < len) cuts[n++] = pos;
        }
        if (round == 2) n = 0; /* also: one piece, then an empty piece before the end */
        ok &= same_as_whole(name, "random split", in, len, cuts, n, whole);
    }
    carry_size = 0;
    free(cuts);
    CHECK(ok);
    return whole->verdict;
}

/* ------------------------------------------------------------------ own vectors */

typedef struct vec {
    const char *in;
    int verdict;          /* AXWS_JSON_DONE or an error */
    long err_off;         /* -1: do not check */
    const char *tokens;   /* expected transcript, or NULL */
} vec;

static const vec vectors[] = {
    /* every token kind */
    {"{}", AXWS_JSON_DONE, -1, "{0 }1 "},
    {"[]", AXWS_JSON_DONE, -1, "[0 ]1 "},
    {" \t\r\n{ \"a\" : 1 , \"b\":[true,false,null,\"x\"]}\n", AXWS_JSON_DONE, -1,
     "{4 K6:a N12:1 K16:b [20 T21 F26 Z32 S37:x ]40 }41 "},
    {"\"\\u00e9\\n\"", AXWS_JSON_DONE, -1, "S0:\\u00e9\\n "},
    {"-0", AXWS_JSON_DONE, -1, "N0:-0 "},
    {"-0.0e+0", AXWS_JSON_DONE, -1, "N0:-0.0e+0 "},
    {"123.456E-78", AXWS_JSON_DONE, -1, "N0:123.456E-78 "},
    {"true", AXWS_JSON_DONE, -1, "T0 "},
    {"null ", AXWS_JSON_DONE, -1, "Z0 "},
    {"[1,[2,{}],{\"k\":[]}]", AXWS_JSON_DONE, -1, "[0 N1:1 [3 N4:2 {6 }7 ]8 {10 K11:k [15 ]16 }17 ]18 "},
    {"\"\xe3\x81\xb2\xf0\x9f\x98\x80\xc3\xa9\"", AXWS_JSON_DONE, -1, NULL},
    {"\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\xed\x9f\xbf\xee\x80\x80\"", AXWS_JSON_DONE, -1, NULL},
    {"\"\\ud800\"", AXWS_JSON_DONE, -1, NULL}, /* lone surrogate escapes are accepted */
    {"\"\x7f\"", AXWS_JSON_DONE, -1, NULL},
    /* every error */
    {"", AXWS_JSON_EEMPTY, 0, NULL},
    {"   ", AXWS_JSON_EEMPTY, 3, NULL},
    {"[1,2]x", AXWS_JSON_ETRAILING, 5, NULL},
    {"{} {}", AXWS_JSON_ETRAILING, 3, NULL},
    {"1 2", AXWS_JSON_ETRAILING, 2, NULL},
    {"[1,2", AXWS_JSON_EEOF, 4, NULL},
    {"{\"a\":", AXWS_JSON_EEOF, 5, NULL},
    {"\"abc", AXWS_JSON_EEOF, 4, NULL},
    {"[1,]", AXWS_JSON_ECOMMA, 3, NULL},
    {"{\"a\":1,}", AXWS_JSON_ECOMMA, 7, NULL},
    {"[,1]", AXWS_JSON_EEXPECT_VALUE, 1, NULL},
    {"{\"a\":}", AXWS_JSON_EEXPECT_VALUE, 5, NULL},
    {"[x]", AXWS_JSON_EUNEXPECTED, 1, NULL},
    {"\x01", AXWS_JSON_EUNEXPECTED, 0, NULL},
    {"{1:2}", AXWS_JSON_EEXPECT_KEY, 1, NULL},
    {"{\"a\" 1}", AXWS_JSON_EEXPECT_COLON, 5, NULL},
    {"[1 2]", AXWS_JSON_EEXPECT_COMMA, 3, NULL},
    {"{\"a\":1 \"b\":2}", AXWS_JSON_EEXPECT_COMMA, 7, NULL},
    {"[1}", AXWS_JSON_EMISMATCH, 2, NULL},
    {"{]", AXWS_JSON_EMISMATCH, 1, NULL},
    {"{\"a\":1]", AXWS_JSON_EMISMATCH, 6, NULL},
    {"+1", AXWS_JSON_ENUMBER, 0, NULL},
    {".5", AXWS_JSON_ENUMBER, 0, NULL},
    {"1.", AXWS_JSON_ENUMBER, 2, NULL},
    {"[1.]", AXWS_JSON_ENUMBER, 3, NULL},
    {"1.e5", AXWS_JSON_ENUMBER, 2, NULL},
    {"1e", AXWS_JSON_ENUMBER, 2, NULL},
    {"1e+", AXWS_JSON_ENUMBER, 3, NULL},
    {"[1e+]", AXWS_JSON_ENUMBER, 4, NULL},
    {"-", AXWS_JSON_ENUMBER, 1, NULL},
    {"[-]", AXWS_JSON_ENUMBER, 2, NULL},
    {"- 1", AXWS_JSON_ENUMBER, 1, NULL},
    {"0x10", AXWS_JSON_ETRAILING, 1, NULL},
    {"01", AXWS_JSON_ELEADING_ZERO, 1, NULL},
    {"[-012]", AXWS_JSON_ELEADING_ZERO, 3, NULL},
    {"tru", AXWS_JSON_ELITERAL, 3, NULL},
    {"[nul]", AXWS_JSON_ELITERAL, 4, NULL},
    {"fals", AXWS_JSON_ELITERAL, 4, NULL},
    {"True", AXWS_JSON_EUNEXPECTED, 0, NULL},
    {"NaN", AXWS_JSON_ENANINF, 0, NULL},
    {"[Infinity]", AXWS_JSON_ENANINF, 1, NULL},
    {"-Infinity", AXWS_JSON_ENANINF, 1, NULL},
    {"[1]//c", AXWS_JSON_ECOMMENT, 3, NULL},
    {"/*c*/1", AXWS_JSON_ECOMMENT, 0, NULL},
    {"['a']", AXWS_JSON_EQUOTE, 1, NULL},
    {"{'a':1}", AXWS_JSON_EQUOTE, 1, NULL},
    {"\"a\tb\"", AXWS_JSON_ECONTROL, 2, NULL},
    {"\"a\nb\"", AXWS_JSON_ECONTROL, 2, NULL},
    {"[\"\x1f\"]", AXWS_JSON_ECONTROL, 2, NULL},
    {"\"\\x41\"", AXWS_JSON_EESCAPE, 2, NULL},
    {"\"\\u12\"", AXWS_JSON_EESCAPE, 5, NULL},
    {"\"\\u12G4\"", AXWS_JSON_EESCAPE, 5, NULL},
    {"\"\\U0041\"", AXWS_JSON_EESCAPE, 2, NULL},
    {"\"\\", AXWS_JSON_EEOF, 2, NULL},
    {"\"\\'\"", AXWS_JSON_EESCAPE, 2, NULL},
    {"\"\xc0\xaf\"", AXWS_JSON_EUTF8, 1, NULL},                 /* overlong '/' */
    {"\"\xe0\x80\xaf\"", AXWS_JSON_EUTF8, 2, NULL},             /* overlong, 3 bytes */
    {"\"\xf0\x80\x80\xaf\"", AXWS_JSON_EUTF8, 2, NULL},         /* overlong, 4 bytes */
    {"\"\xed\xa0\x80\"", AXWS_JSON_EUTF8, 2, NULL},             /* encoded surrogate */
    {"\"\xf4\x90\x80\x80\"", AXWS_JSON_EUTF8, 2, NULL},         /* above U+10FFFF */
    {"\"\xf5\x80\x80\x80\"", AXWS_JSON_EUTF8, 1, NULL},
    {"\"\xe3\x81\"", AXWS_JSON_EUTF8, 3, NULL},                 /* truncated sequence */
    {"\"\xe3\x81", AXWS_JSON_EEOF, 3, NULL},
    {"\"\x80\"", AXWS_JSON_EUTF8, 1, NULL},                     /* lone continuation */
    {"\"\xff\"", AXWS_JSON_EUTF8, 1, NULL},
    {"\"abcdefghijklmnop\xc3(\"", AXWS_JSON_EUTF8, 18, NULL},
    {"\xef\xbb\xbf{}", AXWS_JSON_EBOM, 0, NULL},
    {"\xc3\xa9", AXWS_JSON_EUNEXPECTED, 0, NULL},
};

static void test_vectors(void) {
    size_t i;
    AXT_CASE("vectors");
    for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const vec *v = &vectors[i];
        transcript t;
        int r = run_all_ways(v->in, v->in, strlen(v->in), &t, 6);
        if (!CHECK_EQ(r, v->verdict)) fprintf(stderr, "  input: %s -> %s\n", v->in, axws_json_strerror(r));
        if (v->err_off >= 0 && !CHECK_EQ(t.err_off, v->err_off)) fprintf(stderr, "  input: %s\n", v->in);
        if (v->tokens && !CHECK(strcmp(axt_buf_str(&t.tokens), v->tokens) == 0))
            fprintf(stderr, "  input: %s\n  got:  %s\n  want: %s\n", v->in, axt_buf_str(&t.tokens), v->tokens);
        tr_free(&t);
    }
    /* a NUL byte is not whitespace */
    {
        transcript t;
        run_all_ways("nul", "[1]\0", 4, &t, 3);
        CHECK_EQ(t.verdict, AXWS_JSON_ETRAILING);
        CHECK_EQ(t.err_off, 3);
        tr_free(&t);
        run_all_ways("nul2", "\"a\0\"", 4, &t, 3);
        CHECK_EQ(t.verdict, AXWS_JSON_ECONTROL);
        tr_free(&t);
    }
    /* every error code has its own text */
    {
        int e;
        for (e = AXWS_JSON_EUNEXPECTED; e > AXWS__JSON_ERR_LAST_; e--)
            CHECK(strcmp(axws_json_strerror(e), "unknown error") != 0);
        CHECK(strcmp(axws_json_strerror(-1000), "unknown error") == 0);
        CHECK(strcmp(axws_json_strerror(0), "success") == 0);
#define TEXT_MATCHES(name, value, text) CHECK(strcmp(axws_json_strerror(name), text) == 0);
        AXWS__JSON_ERRORS(TEXT_MATCHES)
#undef TEXT_MATCHES
        CHECK(strcmp(axws_json_type_name(AXWS_JSON_NEED_MORE), "need_more") == 0);
        CHECK(strcmp(axws_json_type_name(AXWS_JSON_BEGIN_ARRAY), "begin_array") == 0);
        CHECK(strcmp(axws_json_type_name(AXWS_JSON_KEY), "key") == 0);
        CHECK(strcmp(axws_json_type_name(AXWS_JSON_DONE), "done") == 0);
        CHECK(strcmp(axws_json_type_name(AXWS_JSON_DONE + 1), "error") == 0);
        CHECK(strcmp(axws_json_type_name(-1), "error") == 0);
    }
}

/* Depth: the built-in stack takes 64 levels, the 65th is refused; a caller stack of N
   bytes takes 8N. */
static void test_depth(void) {
    char buf[1100];
    transcript t;
    uint8_t stack[AXWS_JSON_STACK_BYTES(1000)];
    int d;
    AXT_CASE("depth");
    for (d = 63; d <= 65; d++) {
        int i;
        for (i = 0; i < d; i++) { buf[i] = '['; buf[2 * d - 1 - i] = ']'; }
        run_all_ways("depth", buf, (size_t)(2 * d), &t, 2);
        if (d <= 64) CHECK_EQ(t.verdict, AXWS_JSON_DONE);
        else { CHECK_EQ(t.verdict, AXWS_JSON_EDEPTH); CHECK_EQ(t.err_off, 64); }
        tr_free(&t);
        /* objects count too */
        for (i = 0; i < d; i++) buf[i] = i % 2 ? '[' : '[';
    }
    memset(buf, '[', 500); memset(buf + 500, ']', 500);
    run(buf, 1000, NULL, 0, &t, stack, sizeof stack);
    CHECK_EQ(t.verdict, AXWS_JSON_DONE);
    tr_free(&t);
    run(buf, 1000, NULL, 0, &t, stack, AXWS_JSON_STACK_BYTES(496));
    CHECK_EQ(t.verdict, AXWS_JSON_EDEPTH);
    CHECK_EQ(t.err_off, 496);
    tr_free(&t);
    {
        /* an exact limit below what the stack holds */
        axws_json j;
        axws_json_token k;
        int r, i;
        for (i = 0; i < 2; i++) {
            axws_json_init(&j, i ? (void *)stack : NULL, i ? sizeof stack : 0);
            axws_json_set_max_depth(&j, 10);
            axws_json_feed(&j, buf, 1000);
            axws_json_end(&j);
            while ((r = axws_json_next(&j, &k)) > 0 && r != AXWS_JSON_DONE) {}
            CHECK_EQ(r, AXWS_JSON_EDEPTH);
            CHECK_EQ(axws_json_error_offset(&j), 10);
            axws_json_set_max_depth(&j, 100000);
            CHECK_EQ(j.max_depth, i ? 1000 : 64);
        }
    }
    /* mixed objects and arrays at depth 64 */
    {
        size_t n = 0;
        int i;
        for (i = 0; i < 64; i++) {
            if (i % 2) buf[n++] = '[';
            else { memcpy(buf + n, "{\"k\":", 5); n += 5; }
        }
        buf[n++] = '1';
        for (i = 63; i >= 0; i--) buf[n++] = i % 2 ? ']' : '}';
        run_all_ways("mixed", buf, n, &t, 2);
        CHECK_EQ(t.verdict, AXWS_JSON_DONE);
        tr_free(&t);
    }
}

/* Token fields: depth, escaped, integer, chunk flags; feed misuse. */
static void test_token_fields(void) {
    char carry[128];
    axws_json j;
    axws_json_token k;
    const char *doc = "{\"a\\n\":[1.5,\"x\"]}";
    AXT_CASE("token fields");
    axws_json_init(&j, NULL, 0);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE); /* nothing fed yet */
    CHECK_EQ(axws_json_feed(&j, doc, strlen(doc)), 0);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_BEGIN_OBJECT);
    CHECK_EQ(k.depth, 0);
    CHECK_EQ(axws_json_feed(&j, "x", 1), AXWS_JSON_EFEED);  /* previous piece not used up */
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_KEY);
    CHECK_EQ(k.depth, 1);
    CHECK_EQ(k.escaped, 1);
    CHECK_EQ(k.len, 3);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_BEGIN_ARRAY);
    CHECK_EQ(k.depth, 1);
    CHECK_EQ(axws_json_depth(&j), 2);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NUMBER);
    CHECK_EQ(k.integer, 0);
    CHECK_EQ(k.depth, 2);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
    CHECK_EQ(k.escaped, 0);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_END_ARRAY);
    CHECK_EQ(k.depth, 1);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_END_OBJECT);
    CHECK_EQ(k.depth, 0);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);   /* whitespace could follow */
    axws_json_end(&j);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_DONE);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_DONE);
    CHECK_EQ(axws_json_feed(&j, "x", 1), AXWS_JSON_EFEED);   /* after the end */

    /* without a carry buffer (the default) a string cut by pieces comes as chunks */
    axws_json_reset(&j);
    axws_json_feed(&j, "[\"ab", 4);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_BEGIN_ARRAY);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
    CHECK(k.len == 2 && memcmp(k.data, "ab", 2) == 0 && k.more == 1 && k.cont == 0);
    CHECK_EQ(k.offset, 1);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
    axws_json_feed(&j, "\\u00", 4);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
    CHECK(k.len == 4 && k.more == 1 && k.cont == 1 && k.escaped == 1 && k.offset == 1);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
    axws_json_feed(&j, "e9\"", 3);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
    CHECK(k.len == 2 && k.more == 0 && k.cont == 1 && k.offset == 1);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
    axws_json_feed(&j, "1", 1);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_EEXPECT_COMMA);
    /* a number at the end of a piece: a chunk, then an empty last chunk */
    axws_json_reset(&j);
    axws_json_feed(&j, "12", 2);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NUMBER);
    CHECK(k.more == 1 && k.len == 2 && k.integer == 1);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
    axws_json_end(&j);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NUMBER);
    CHECK(k.more == 0 && k.cont == 1 && k.len == 0);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_DONE);

    /* with a carry buffer, a short string split into three pieces comes whole */
    axws_json_reset(&j);
    axws_json_set_carry(&j, carry, sizeof carry);
    axws_json_feed(&j, "[\"ab", 4);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_BEGIN_ARRAY);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
    CHECK_EQ(axws_json_feed(&j, "\\u00", 4), 0);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
    CHECK_EQ(axws_json_feed(&j, "e9\"", 3), 0);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
    CHECK(k.len == 8 && memcmp(k.data, "ab\\u00e9", 8) == 0 && k.more == 0 && k.cont == 0);
    CHECK(k.escaped == 1 && k.offset == 1);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
    axws_json_feed(&j, "12", 2);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_EEXPECT_COMMA);
    CHECK_EQ(axws_json_error_offset(&j), 11);
    CHECK_EQ(axws_json_error(&j), AXWS_JSON_EEXPECT_COMMA);

    /* a string longer than the carry comes as chunks: more/cont, the token's offset */
    {
        static char longs[300];
        size_t i;
        axws_json_reset(&j);
        CHECK(j.carry == carry); /* reset keeps the carry */
        longs[0] = '[';
        longs[1] = '"';
        for (i = 2; i < 299; i++) longs[i] = (char)('a' + i % 26);
        axws_json_feed(&j, longs, 100); /* 98 bytes of string: carried */
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_BEGIN_ARRAY);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
        axws_json_feed(&j, longs + 100, 100); /* would overflow the carry: two chunks */
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
        CHECK(k.len == 98 && k.more == 1 && k.cont == 0 && k.offset == 1 && k.data[0] == 'c');
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
        CHECK(k.len == 100 && k.more == 1 && k.cont == 1 && k.offset == 1 && k.data == longs + 100);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
        axws_json_feed(&j, longs + 200, 99);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
        CHECK(k.len == 99 && k.more == 1 && k.cont == 1);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
        axws_json_feed(&j, "\"]", 2);
        axws_json_end(&j);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
        CHECK(k.len == 0 && k.more == 0 && k.cont == 1);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_END_ARRAY);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_DONE);
        /* first piece already past the carry size: chunks straight from the pieces */
        axws_json_reset(&j);
        axws_json_feed(&j, longs, 200);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_BEGIN_ARRAY);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
        CHECK(k.len == 198 && k.more == 1 && k.cont == 0 && k.data == longs + 2);
        /* a carried start, then a piece that keeps it under the limit, then one past it */
        axws_json_reset(&j);
        axws_json_feed(&j, "[\"abc", 5);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_BEGIN_ARRAY);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
        axws_json_feed(&j, longs + 2, 120);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
        axws_json_feed(&j, longs + 2, 10);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
        CHECK(k.len == 123 && k.more == 1 && k.cont == 0 && k.data[0] == 'a');
        CHECK_EQ(axws_json_feed(&j, "x", 1), AXWS_JSON_EFEED); /* a chunk is pending */
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_STRING);
        CHECK(k.len == 10 && k.more == 1 && k.cont == 1 && k.data == longs + 2);
        CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
    }

    /* with the carry, a number at the end of a piece waits for the next piece or the end */
    axws_json_reset(&j);
    axws_json_set_carry(&j, carry, sizeof carry);
    axws_json_feed(&j, "12", 2);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
    axws_json_feed(&j, "3", 1);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NEED_MORE);
    axws_json_end(&j);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NUMBER);
    CHECK(k.more == 0 && k.cont == 0 && k.len == 3 && memcmp(k.data, "123", 3) == 0);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_DONE);
    axws_json_reset(&j);
    axws_json_feed(&j, "12", 2);
    axws_json_end(&j);
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_NUMBER);
    CHECK(k.more == 0 && k.cont == 0 && k.len == 2 && k.data[0] == '1');
    CHECK_EQ(axws_json_next(&j, &k), AXWS_JSON_DONE);
}

/* ------------------------------------------------------------------ files */


static void test_frames(void) {
    size_t len, start = 0, line = 0;
    char *data = axt_read_file("tests/data/frames.jsonl", &len);
    AXT_CASE("frames.jsonl");
    if (!CHECK(data != NULL)) { fprintf(stderr, "run from the repository root\n"); return; }
    while (start < len) {
        size_t end = start;
        transcript t;
        char name[32];
        while (end < len && data[end] != '\n') end++;
        line++;
        snprintf(name, sizeof name, "frames line %zu", line);
        run_all_ways(name, data + start, end - start, &t, 4);
        if (line < 25) {
            if (!CHECK_EQ(t.verdict, AXWS_JSON_DONE)) fprintf(stderr, "  line %zu\n", line);
        } else {
            CHECK(t.verdict < 0);
        }
        tr_free(&t);
        start = end + 1;
    }
    CHECK_EQ(line, 25);
    free(data);
}

static int suite_files, suite_skipped;

static void test_suite(void) {
    const char *dirs[] = {"../shared/JSONTestSuite/test_parsing", NULL, NULL};
    const char *dir = NULL, *name;
    axt_dir d;
    int i, y = 0, n = 0, ii = 0;
    AXT_CASE("JSONTestSuite");
    dirs[1] = getenv("AXWS_JSONTESTSUITE");
    for (i = 0; i < 2 && !dir; i++) {
        if (!dirs[i] || axt_dir_open(&d, dirs[i]) != 0) continue;
        dir = dirs[i];
    }
    if (!dir) {
        printf("JSONTestSuite: skipped (../shared/JSONTestSuite/test_parsing not found)\n");
        suite_skipped = 1;
        return;
    }
    while ((name = axt_dir_next(&d)) != NULL) {
        char path[1024];
        size_t len;
        char *data;
        transcript t;
        int r;
        if (name[0] != 'y' && name[0] != 'n' && name[0] != 'i') continue;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        data = axt_read_file(path, &len);
        if (!CHECK(data != NULL)) continue;
        r = run_all_ways(name, data, len, &t, 4);
        suite_files++;
        if (name[0] == 'y') {
            y++;
            if (!CHECK_EQ(r, AXWS_JSON_DONE)) fprintf(stderr, "  %s rejected: %s\n", name, axws_json_strerror(r));
        } else if (name[0] == 'n') {
            n++;
            if (!CHECK(r < 0)) fprintf(stderr, "  %s accepted\n", name);
        } else {
            ii++;
            CHECK(r < 0 || r == AXWS_JSON_DONE);
        }
        /* every string of an accepted document unescapes without EESCAPE */
        if (r == AXWS_JSON_DONE) {
            axws_json j;
            axws_json_token k;
            char out[4096];
            size_t ol;
            axws_json_init(&j, NULL, 0);
            axws_json_feed(&j, data, len);
            axws_json_end(&j);
            while ((r = axws_json_next(&j, &k)) > 0 && r != AXWS_JSON_DONE)
                if (r == AXWS_JSON_STRING || r == AXWS_JSON_KEY) {
                    int u = axws_json_unescape(k.data, k.len, out, sizeof out, &ol);
                    CHECK(u == 0 || u == AXWS_JSON_ESURROGATE);
                }
        }
        tr_free(&t);
        free(data);
    }
    axt_dir_close(&d);
    printf("JSONTestSuite: %d y_, %d n_, %d i_ files, each whole, byte by byte, 4 random splits\n",
           y, n, ii);
    CHECK(y >= 90 && n >= 180);
}

/* ------------------------------------------------------------------ unescape */

static void test_unescape(void) {
    char out[64];
    size_t n;
    axws_json_unescaper u;
    const char *raw;
    size_t i;
    AXT_CASE("unescape");
    CHECK_EQ(axws_json_unescape("a\\\"\\\\\\/\\b\\f\\n\\r\\tz", 18, out, sizeof out, &n), 0);
    CHECK(n == 10 && memcmp(out, "a\"\\/\b\f\n\r\tz", 10) == 0);
    CHECK_EQ(axws_json_unescape("\\u0041\\u00e9\\u20AC\\ud83d\\ude00", 30, out, sizeof out, &n), 0);
    CHECK(n == 1 + 2 + 3 + 4 && memcmp(out, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10) == 0);
    CHECK_EQ(axws_json_unescape("\\u0000", 6, out, sizeof out, &n), 0);
    CHECK(n == 1 && out[0] == 0);
    /* lone surrogates: U+FFFD and a warning code */
    CHECK_EQ(axws_json_unescape("a\\ud800b", 8, out, sizeof out, &n), AXWS_JSON_ESURROGATE);
    CHECK(n == 5 && memcmp(out, "a\xef\xbf\xbd" "b", 5) == 0);
    CHECK_EQ(axws_json_unescape("\\udc00", 6, out, sizeof out, &n), AXWS_JSON_ESURROGATE);
    CHECK(n == 3 && memcmp(out, "\xef\xbf\xbd", 3) == 0);
    CHECK_EQ(axws_json_unescape("\\ud800\\ud800\\udc00", 18, out, sizeof out, &n), AXWS_JSON_ESURROGATE);
    CHECK(n == 7 && memcmp(out, "\xef\xbf\xbd\xf0\x90\x80\x80", 7) == 0);
    CHECK_EQ(axws_json_unescape("\\ud800\\n", 8, out, sizeof out, &n), AXWS_JSON_ESURROGATE);
    CHECK(n == 4 && memcmp(out, "\xef\xbf\xbd\n", 4) == 0);
    /* the WTF-8 option keeps lone surrogates as themselves */
    axws_json_unescape_init_flags(&u, out, sizeof out, AXWS_JSON_UNESCAPE_WTF8);
    axws_json_unescape_add(&u, "\\udfff\\ud800\\ud83d\\ude00\\udbff", 30);
    CHECK_EQ(axws_json_unescape_finish(&u, &n), AXWS_JSON_ESURROGATE);
    CHECK(n == 13 && memcmp(out, "\xed\xbf\xbf\xed\xa0\x80\xf0\x9f\x98\x80\xed\xaf\xbf", 13) == 0);
    /* truncation: reported, never a cut sequence */
    CHECK_EQ(axws_json_unescape("abcdef", 6, out, 4, &n), AXWS_JSON_ETRUNCATED);
    CHECK(n == 4 && memcmp(out, "abcd", 4) == 0);
    CHECK_EQ(axws_json_unescape("ab\xc3\xa9", 4, out, 3, &n), AXWS_JSON_ETRUNCATED);
    CHECK_EQ(n, 2);
    CHECK_EQ(axws_json_unescape("a\\ud83d\\ude00", 13, out, 4, &n), AXWS_JSON_ETRUNCATED);
    CHECK_EQ(n, 1);
    CHECK_EQ(axws_json_unescape("\xf0\x9f\x98\x80", 4, out, 3, &n), AXWS_JSON_ETRUNCATED);
    CHECK_EQ(n, 0);
    CHECK_EQ(axws_json_unescape("abc", 3, NULL, 0, &n), AXWS_JSON_ETRUNCATED);
    /* malformed input */
    CHECK_EQ(axws_json_unescape("\\x", 2, out, sizeof out, &n), AXWS_JSON_EESCAPE);
    CHECK_EQ(axws_json_unescape("\\u12", 4, out, sizeof out, &n), AXWS_JSON_EESCAPE);
    CHECK_EQ(axws_json_unescape("\\", 1, out, sizeof out, &n), AXWS_JSON_EESCAPE);
    /* chunked: every split point of an escape-heavy string gives the same output */
    raw = "x\\ud83d\\ude00\\u00e9\\n\\\"y\xe3\x81\xb2";
    for (i = 0; i <= strlen(raw); i++) {
        size_t k;
        axws_json_unescape_init(&u, out, sizeof out);
        axws_json_unescape_add(&u, raw, i);
        axws_json_unescape_add(&u, raw + i, strlen(raw) - i);
        CHECK_EQ(axws_json_unescape_finish(&u, &n), 0);
        CHECK(n == 13 && memcmp(out, "x\xf0\x9f\x98\x80\xc3\xa9\n\"y\xe3\x81\xb2", 13) == 0);
        axws_json_unescape_init(&u, out, sizeof out);
        for (k = 0; k < strlen(raw); k++) axws_json_unescape_add(&u, raw + k, 1);
        CHECK_EQ(axws_json_unescape_finish(&u, &n), 0);
        CHECK_EQ(u.len, 13);
    }
    axws_json_unescape_init(&u, out, 2);
    axws_json_unescape_add(&u, "abc\\u00e9", 9);
    CHECK_EQ(axws_json_unescape_finish(&u, &n), AXWS_JSON_ETRUNCATED);
    CHECK_EQ(u.len, 5);
    CHECK_EQ(n, 2);
}

/* ------------------------------------------------------------------ numbers */

static void test_int64(void) {
    static const struct { const char *s; int r; int64_t v; } t[] = {
        {"0", 0, 0}, {"-0", 0, 0}, {"42", 0, 42}, {"-42", 0, -42},
        {"9223372036854775807", 0, INT64_MAX},
        {"-9223372036854775808", 0, INT64_MIN},
        {"9223372036854775808", AXWS_JSON_ERANGE, INT64_MAX},
        {"-9223372036854775809", AXWS_JSON_ERANGE, INT64_MIN},
        {"18446744073709551616", AXWS_JSON_ERANGE, INT64_MAX},
        {"100000000000000000000000", AXWS_JSON_ERANGE, INT64_MAX},
        {"1e3", 0, 1000}, {"1.50e2", 0, 150}, {"12.000", 0, 12}, {"0.0", 0, 0},
        {"1e18", 0, 1000000000000000000LL}, {"1e19", AXWS_JSON_ERANGE, INT64_MAX},
        {"-9.223372036854775808e18", 0, INT64_MIN},
        {"1e-0", 0, 1}, {"1000e-3", 0, 1}, {"0e999999999999", 0, 0},
        {"1e999999999999999", AXWS_JSON_ERANGE, INT64_MAX},
        {"1755436819528", 0, 1755436819528LL},
        {"1.5", AXWS_JSON_ENOTINT, 7}, {"1e-1", AXWS_JSON_ENOTINT, 7}, {"0.001e2", AXWS_JSON_ENOTINT, 7},
        {"", AXWS_JSON_ENUMBER, 7}, {"+1", AXWS_JSON_ENUMBER, 7}, {"01", AXWS_JSON_ENUMBER, 7},
        {"1.", AXWS_JSON_ENUMBER, 7}, {"1 ", AXWS_JSON_ENUMBER, 7}, {"-", AXWS_JSON_ENUMBER, 7},
    };
    size_t i;
    AXT_CASE("to_int64");
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        int64_t v = 7;
        int r = axws_json_to_int64(t[i].s, strlen(t[i].s), &v);
        if (!CHECK_EQ(r, t[i].r) || !CHECK(v == t[i].v)) fprintf(stderr, "  %s -> %lld\n", t[i].s, (long long)v);
    }
}

static int same_double(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* How many random inputs the differential run of test_double checks. make embedded sets a
   tenth: on the Cortex-M4 under QEMU each takes some 20 us of soft-float arithmetic. */
#ifndef AXT_DOUBLE_INPUTS
#define AXT_DOUBLE_INPUTS 1100000
#endif

static int check_double(const char *s) {
    double want = strtod(s, NULL), got = 12345.0;
    int r = axws_json_to_double(s, strlen(s), &got);
    if (!same_double(got, want) || (r != 0 && r != AXWS_JSON_ERANGE) ||
        ((r == AXWS_JSON_ERANGE) != (isinf(want) != 0))) {
        fprintf(stderr, "  to_double(%s) = %.17g (r=%d), strtod says %.17g\n", s, got, r, want);
        return 0;
    }
    return 1;
}

static void gen_number(char *buf, size_t cap, int kind) {
    size_t n = 0;
    int i, digits, e;
    double d;
    uint64_t u;
    char tmp[64];
    if (rnd() & 1) buf[n++] = '-';
    switch (kind) {
    case 0: /* random mantissa of 1-19 digits, random point, exponent across the range */
        digits = 1 + (int)(rnd() % 19);
        for (i = 0; i < digits; i++) buf[n++] = (char)('0' + (i == 0 ? 1 + rnd() % 9 : rnd() % 10));
        if (rnd() & 1 && digits > 1) {
            memmove(buf + n - digits + 2, buf + n - digits + 1, (size_t)digits - 1);
            buf[n - digits + 1] = '.';
            n++;
        }
        e = (int)(rnd() % 700) - 350;
        n += (size_t)snprintf(buf + n, cap - n, "e%d", e);
        break;
    case 1: /* 17 significant digits of a random double: the round-trip case */
        u = rnd();
        memcpy(&d, &u, sizeof d);
        if (isnan(d) || isinf(d)) d = 1.5;
        snprintf(tmp, sizeof tmp, "%.16e", fabs(d));
        n += (size_t)snprintf(buf + n, cap - n, "%s", tmp);
        break;
    case 2: /* subnormals and the underflow border */
        digits = 1 + (int)(rnd() % 17);
        buf[n++] = (char)('1' + rnd() % 9);
        buf[n++] = '.';
        for (i = 1; i < digits; i++) buf[n++] = (char)('0' + rnd() % 10);
        if (digits == 1) buf[n++] = '0';
        e = -308 - (int)(rnd() % 18);
        n += (size_t)snprintf(buf + n, cap - n, "e%d", e);
        break;
    case 3: /* long digit strings near halfway points: a double's exact expansion +- tiny */
        u = rnd() >> (rnd() % 12);
        memcpy(&d, &u, sizeof d);
        if (isnan(d) || isinf(d) || d == 0) d = 3.0;
        snprintf(tmp, sizeof tmp, "%.40e", fabs(d));
        n += (size_t)snprintf(buf + n, cap - n, "%s", tmp);
        break;
    default: /* plain decimals such as prices */
        n += (size_t)snprintf(buf + n, cap - n, "%llu.%0*llu", (unsigned long long)(rnd() % 1000000),
                              (int)(1 + rnd() % 12), (unsigned long long)(rnd() % 1000000000000ULL));
        break;
    }
    buf[n] = 0;
}

static void test_double(void) {
    static const char *edge[] = {
        "0", "-0", "1", "0.1", "0.3", "1e23", "8.98846567431158e307", "1.7976931348623157e308",
        "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "-1e400", "2e308",
        "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
        "2.47032822920623272e-324", "1e-324", "3e-324", "5e-324", "7e-324", "2.2250738585072011e-308",
        "2.2250738585072012e-308", "2.2250738585072014e-308", "2.225073858507201e-308",
        "9007199254740993", "9007199254740992.5", "9007199254740993.0000000000000000001",
        "123456789012345678901234567890", "0.000000000000000000000000000001e10",
        "1e-400", "0e400", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "7.2057594037927933e16", "5e-20", "2.5e-1", "1844674407370955161600", "1e22", "1e-22",
        "4503599627370497.5", "4503599627370496.5", "3.0e-1", "1e0001", "1E+2", "1e-5",
        /* plain decimals, the one-step conversion's: 20 digits wrap the 64-bit sum (2^64 is
           0 there), so 19 is its limit */
        "-0.0", "0.0", "10", "-7.25", "0.000010294", "578268024.200339", "1234567890123456789",
        "0.1234567890123456789", "18446744073709551616", "-18446744073709551617",
        "1844674407370955161.7", "0.00000000000000000000018446744073709551617", "9007199254740993.5",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999999999999999999999999999999999999999999999999999999999999999999",
    };
    size_t i;
    long k;
    int bad = 0;
    char buf[1200];
    clock_t t0;
    AXT_CASE("to_double");
    for (i = 0; i < sizeof edge / sizeof edge[0]; i++) CHECK(check_double(edge[i]));
    /* 800+ digit inputs: the digit cut-off with a sticky last digit */
    {
        size_t n = 0;
        buf[n++] = '1'; buf[n++] = '.';
        for (i = 0; i < 1000; i++) buf[n++] = '0';
        buf[n++] = '1'; buf[n] = 0;
        CHECK(check_double(buf));
        /* exactly halfway between 1 and its successor, then with a far non-zero digit */
        strcpy(buf, "1.00000000000000011102230246251565404236316680908203125");
        n = strlen(buf);
        for (i = 0; i < 900; i++) buf[n++] = '0';
        buf[n] = 0;
        CHECK(check_double(buf));
        buf[n++] = '1'; buf[n] = 0;
        CHECK(check_double(buf));
    }
    {
        double d;
        CHECK_EQ(axws_json_to_double("1e400", 5, &d), AXWS_JSON_ERANGE);
        CHECK(isinf(d) && d > 0);
        CHECK_EQ(axws_json_to_double("1.", 2, &d), AXWS_JSON_ENUMBER);
        CHECK_EQ(axws_json_to_double("0x1p3", 5, &d), AXWS_JSON_ENUMBER);
        CHECK_EQ(axws_json_to_double("inf", 3, &d), AXWS_JSON_ENUMBER);
        /* numbers the grammar refuses, at each place the parse checks */
        {
            static const char *bad_num[] = {"", "-", ".5", "-.5", "01", "-01.5", "00", "1..5", "1.5.5",
                                            "1.e5", "+1", " 1.5", "1.5 ", "1.5x", "-a", "0-", "1e", "1e+",
                                            "-2.5E-", "1e5.5", "1ee5", "1e+-5"};
            for (i = 0; i < sizeof bad_num / sizeof bad_num[0]; i++)
                if (!CHECK_EQ(axws_json_to_double(bad_num[i], strlen(bad_num[i]), &d), AXWS_JSON_ENUMBER))
                    fprintf(stderr, "  to_double(\"%s\")\n", bad_num[i]);
        }
    }
    /* the differential run: over a million random inputs against strtod */
    t0 = clock();
    for (k = 0; k < AXT_DOUBLE_INPUTS; k++) {
        gen_number(buf, sizeof buf, (int)(k % 5));
        if (!check_double(buf) && ++bad > 20) break;
    }
    CHECK_EQ(bad, 0);
    printf("to_double: %ld random inputs identical to strtod in %.2f s\n", k,
           (double)(clock() - t0) / CLOCKS_PER_SEC);
}

/* ------------------------------------------------------------------ paths */

static void test_paths(void) {
    static const char *const pats[] = {"room", "content.token_address", "content[1]",
                                       "content.pair.tokenName", "content.*", "content[*]",
                                       "a.b\\u", "content.curve[0].x"};
    const char *doc =
        "{\"room\":\"new_pairs\",\"content\":{\"token_address\":\"A2P\",\"pair\":{\"tokenName\":\"Bonk\","
        "\"x\":1},\"curve\":[{\"x\":\"0\"},{\"x\":\"1\"}],\"tok\\u0065n_address\":2},\"extra\":[1,2]}";
    axws_json_paths m;
    axws_json j;
    axws_json_token k;
    int r, got[64], ng = 0, split;
    char seen[512];
    AXT_CASE("paths");
    CHECK_EQ(axws_json_paths_init(&m, pats, 6), 0);
    {
        static const char *const badp[] = {"", "a..b", "a.", ".a", "a[x]", "a[1", "a*b", "[", "a]"};
        size_t i;
        for (i = 0; i < sizeof badp / sizeof badp[0]; i++) {
            axws_json_paths m2;
            if (!CHECK_EQ(axws_json_paths_init(&m2, &badp[i], 1), AXWS_JSON_EPATH))
                fprintf(stderr, "  pattern %s\n", badp[i]);
        }
        CHECK_EQ(axws_json_paths_init(&m, pats, 65), AXWS_JSON_EPATH);
    }
    for (split = 0; split < 2; split++) {
        size_t off = 0, len = strlen(doc);
        seen[0] = 0;
        ng = 0;
        CHECK_EQ(axws_json_paths_init(&m, pats, 8), 0);
        axws_json_init(&j, NULL, 0);
        while ((r = next_fed(&j, &k, doc, len, split ? 3 : len, &off)) > 0 &&
               r != AXWS_JSON_DONE) {
            int id = axws_json_paths_token(&m, &k);
            if (id >= 0 && !k.cont && r != AXWS_JSON_KEY && ng < 64) {
                char item[32];
                got[ng++] = id;
                snprintf(item, sizeof item, "%d%c@%llu ", id, tok_code[r], (unsigned long long)k.offset);
                strcat(seen, item);
            }
        }
        CHECK_EQ(r, AXWS_JSON_DONE);
        /* room(0) content.token_address(1) content.*(4) for pair, curve and the escaped key,
           content.pair.tokenName(3), content.curve[0].x(7) */
        if (!CHECK(strcmp(seen, "0S@8 1S@47 4{@60 3S@73 4[@95 7S@101 1N@138 ") == 0))
            fprintf(stderr, "  split %d: %s\n", split, seen);
    }
    /* arrays at the top of content */
    {
        const char *d2 = "{\"content\":[\"a\",\"b\",[1]]}";
        axws_json_paths_init(&m, pats, 6);
        axws_json_init(&j, NULL, 0);
        axws_json_feed(&j, d2, strlen(d2));
        axws_json_end(&j);
        seen[0] = 0;
        while ((r = axws_json_next(&j, &k)) > 0 && r != AXWS_JSON_DONE) {
            int id = axws_json_paths_token(&m, &k);
            char item[32];
            snprintf(item, sizeof item, "%d ", id);
            strcat(seen, item);
        }
        /* { key:content [ "a"->content[*] "b"->content[1] [->content[*] 1 ] ] } */
        if (!CHECK(strcmp(seen, "-1 -1 -1 5 2 5 -1 -1 -1 -1 ") == 0)) fprintf(stderr, "  %s\n", seen);
    }
    (void)got;
    /* deep nesting past AXWS_JSON_PATH_MAX_PARTS, and keys past the 128-byte key buffer */
    {
        static const char *const deep[] = {"a.a.a", "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]",
                                           "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"};
        char d3[200];
        size_t n3 = 0;
        int i, hits = 0;
        CHECK_EQ(axws_json_paths_init(&m, deep, 3), 0);
        for (i = 0; i < 40; i++) d3[n3++] = '[';
        for (i = 0; i < 40; i++) d3[n3++] = ']';
        axws_json_init(&j, NULL, 0);
        axws_json_feed(&j, d3, n3);
        axws_json_end(&j);
        while ((r = axws_json_next(&j, &k)) > 0 && r != AXWS_JSON_DONE)
            if (axws_json_paths_token(&m, &k) == 1) hits++;
        CHECK_EQ(r, AXWS_JSON_DONE);
        CHECK_EQ(hits, 1); /* the 16th '[' is at [0]x15 */
        CHECK_EQ(m.depth, 0);
        /* the 140-byte key: whole it matches; cut into pieces it comes in chunks and
           cannot (documented) */
        for (split = 0; split < 2; split++) {
            size_t off = 0, len;
            snprintf(seen, sizeof seen, "{\"%s\":1,\"a\":{\"a\":{\"a\":2}}}", deep[2]);
            len = strlen(seen);
            axws_json_paths_reset(&m);
            axws_json_init(&j, NULL, 0);
            hits = 0;
            while ((r = next_fed(&j, &k, seen, len, split ? 60 : len, &off)) > 0 &&
                   r != AXWS_JSON_DONE) {
                int id = axws_json_paths_token(&m, &k);
                if (id == 2 && r == AXWS_JSON_NUMBER) hits += 10;
                if (id == 0 && r == AXWS_JSON_NUMBER) hits += 1;
            }
            CHECK_EQ(r, AXWS_JSON_DONE);
            CHECK_EQ(hits, split ? 1 : 11);
        }
    }
}

int main(void) {
    test_vectors();
    test_depth();
    test_token_fields();
    test_frames();
    test_suite();
    test_unescape();
    test_int64();
    test_double();
    test_paths();
    if (suite_skipped) printf("note: JSONTestSuite part skipped\n");
    return axt_report();
}
