/* tests/embedded/axiom_msg.c - the typed Axiom message decoder (axws_axiom_decoder,
   axws_axiom_msg) on a Cortex-M4, on every line of tests/data/frames.jsonl (make embedded).

   gen_axiom.py compiles the lines in and brings tests/test_axiom_msg.c's expectations
   along verbatim (expect_line() and its value helpers, see build/embedded/axiom_expect.inc):
   the concrete values asserted for every line there are asserted here, on this target.
   They run on the message decoded whole, then again (each way counted as one check, every
   failure printed) on the message given in two pieces cut at every byte position and one
   byte at a time, gathered in the decoder's buffer: everything must hold every way. With a
   64-byte buffer and with none (the oversize path: values are copied as they stream past),
   the kind, flags, room, content, offsets, return value and --json line must agree with
   the whole decode, as in test_axiom_msg.c's check_all_ways() (a --json line may instead
   say it was cut short). check_json_line() is this file's own, on the public API: the line
   is one valid JSON object with unique keys and the right "kind" (test_axiom_msg.c also
   compares each number with the decoded field through private tables). */
#include "axiomws.h"
#include "emb_files.h"
#include "emb_test.h"

/* One decode: what the callback saw. */
typedef struct seen {
    int calls;
    int ret;
    axws_axiom_msg m;      /* a copy (views stay valid while the input/decoder buffers do) */
    char json[8192];
    int json_len;
} seen;

static void on_msg(void *user, const axws_axiom_msg *m) {
    seen *s = (seen *)user;
    s->calls++;
    s->m = *m;
    s->json_len = axws_axiom_msg_write_json(m, s->json, sizeof s->json);
}

static axws_axiom_decoder dec; /* about 15 KB: static */
static unsigned char bigbuf[4096], tinybuf[64];

enum { W_WHOLE, W_SPLIT, W_BYTES };

/* Decode `in` with the decoder set up on buf/size: whole, in two pieces cut at `at`, or
   one byte at a time. */
static void decode(const char *in, size_t len, void *buf, size_t size, int how, size_t at, seen *s) {
    size_t off = 0;
    s->calls = 0;
    s->ret = 0;
    axws_axiom_decoder_init(&dec, buf, size);
    for (;;) {
        size_t end = how == W_WHOLE ? len : how == W_SPLIT ? (off < at ? at : len) : off + 1;
        int fin, r;
        if (end > len) end = len;
        fin = end == len;
        r = axws_axiom_decoder_chunk(&dec, in + off, end - off, fin, on_msg, s);
        if (!fin && r != 0) s->ret = 99; /* only the last piece may report */
        if (fin) {
            if (s->ret == 0) s->ret = r;
            break;
        }
        off = end;
    }
}

/* What expect_line() calls (see tests/test_axiom_msg.c) */
static seen ref, got, whole;
static int way = W_WHOLE;
static size_t way_at;

static const axws_axiom_msg *dec1(const char *in) {
    decode(in, strlen(in), bigbuf, sizeof bigbuf, way, way_at, &ref);
    return &ref.m;
}

/* The --json line is one JSON object, keys unique at its top level, no newline, and its
   "kind" is the message's. */
static void check_json_line(const axws_axiom_msg *m, const char *line, int n) {
    static char keys[64][48];
    axws_json j;
    axws_json_token t;
    int r, depth_ok = 1, kind_ok = 0, dups = 0, nkeys = 0, i;
    char key[48] = "";
    const char *kind = axws_axiom_kind_name(m->kind);
    if (!CHECK(n > 0)) return;
    CHECK_EQ((size_t)n, strlen(line));
    axws_json_init(&j, NULL, 0);
    axws_json_feed(&j, line, (size_t)n);
    axws_json_end(&j);
    while ((r = axws_json_next(&j, &t)) > 0 && r != AXWS_JSON_DONE) {
        if (t.depth == 0 && r != AXWS_JSON_BEGIN_OBJECT && r != AXWS_JSON_END_OBJECT) depth_ok = 0;
        if (r == AXWS_JSON_KEY && t.depth == 1) {
            size_t k = t.len < sizeof key - 1 ? t.len : sizeof key - 1;
            memcpy(key, t.data, k);
            key[k] = 0;
            for (i = 0; i < nkeys; i++)
                if (strcmp(keys[i], key) == 0) dups++;
            if (nkeys < 64) strcpy(keys[nkeys++], key);
            continue;
        }
        if (t.depth == 1 && r == AXWS_JSON_STRING && strcmp(key, "kind") == 0)
            kind_ok = t.len == strlen(kind) && memcmp(t.data, kind, t.len) == 0;
    }
    CHECK_EQ(r, AXWS_JSON_DONE);
    CHECK_EQ(dups, 0);
    CHECK(memchr(line, '\n', (size_t)n) == NULL);
    CHECK(depth_ok);
    CHECK(kind_ok);
}

#include "axiom_expect.inc"

/* ------------------------------------------------------------------ every way */

#define MASK (~(unsigned)AXWS_AXIOM_TRUNCATED)

/* A view of `g` holds the same as `r`'s, or a prefix of it when cut short. */
static int view_ok(const char *gp, size_t gl, unsigned gf, int gt, const char *rp, size_t rl, unsigned rf, int rt) {
    if (gt != rt || (gf & MASK) != (rf & MASK)) return 0;
    if (gf & AXWS_AXIOM_TRUNCATED) return gl < rl && (!gl || memcmp(gp, rp, gl) == 0);
    return gl == rl && (!gl || memcmp(gp, rp, gl) == 0);
}

/* `g` (decoded some other way) agrees with `r` (decoded whole). */
static int same_msg(const seen *g, const seen *r) {
    const axws_axiom_msg *a = &g->m, *b = &r->m;
    unsigned ign = AXWS_AXIOM_MSG_OVERSIZE | AXWS_AXIOM_MSG_TRUNCATED;
    if (g->calls != 1 || g->ret != r->ret) return 0;
    if (a->kind != b->kind || (a->flags & ~ign) != (b->flags & ~ign) || a->frame_len != b->frame_len) return 0;
    if (a->json_error != b->json_error || a->json_error_offset != b->json_error_offset) return 0;
    if (a->content_offset != b->content_offset || a->content_len != b->content_len) return 0;
    if (!view_ok(a->room.ptr, a->room.len, a->room.flags, a->room.type, b->room.ptr, b->room.len, b->room.flags,
                 b->room.type))
        return 0;
    if (!view_ok(a->content.ptr, a->content.len, a->content.flags, a->content.type, b->content.ptr, b->content.len,
                 b->content.flags, b->content.type))
        return 0;
    /* the --json lines agree unless the streaming one says it is cut short */
    return strcmp(g->json, r->json) == 0 || strstr(g->json, ",\"truncated\":true}") != NULL;
}

/* expect_line() on the message decoded `how` (at `at`); its checks count as one. */
static int expect_quiet(int no, const char *line, int how, size_t at) {
    int p0 = axt_passed, f0 = axt_failed, failed;
    way = how;
    way_at = at;
    expect_line(no, line);
    way = W_WHOLE;
    failed = axt_failed - f0;
    axt_passed = p0;
    axt_failed = f0;
    if (failed)
        fprintf(stderr, "  (line %d decoded %s %lu: %d expectations failed)\n", no,
                how == W_SPLIT ? "in two pieces cut at" : "byte by byte", (unsigned long)at, failed);
    return failed == 0;
}

static void test_frames(void) {
    int no;
    for (no = 1; no <= EMB_FRAME_COUNT; no++) {
        const emb_file *f = &emb_frames[no - 1];
        size_t len = f->len, k;
        int bad_split = 0, bad_bytes = 0, bad_tiny = 0, bad_none = 0;
        char name[48];
        expect_line(no, f->data);                 /* whole, with the concrete values */
        snprintf(name, sizeof name, "%s every way", f->name);
        AXT_CASE(name);
        CHECK_EQ(ref.calls, 1);
        whole = ref;                              /* views point into f->data: they stay */
        for (k = 0; k <= len; k++) {
            if (!expect_quiet(no, f->data, W_SPLIT, k)) bad_split++;
            decode(f->data, len, tinybuf, sizeof tinybuf, W_SPLIT, k, &got);
            if (!same_msg(&got, &whole)) {
                if (!bad_tiny) fprintf(stderr, "  %s: 64-byte buffer, cut at %lu:\n   %s\n   %s\n", f->name,
                                       (unsigned long)k, whole.json, got.json);
                bad_tiny++;
            }
        }
        if (!expect_quiet(no, f->data, W_BYTES, 0)) bad_bytes++;
        decode(f->data, len, tinybuf, sizeof tinybuf, W_BYTES, 0, &got);
        if (!same_msg(&got, &whole)) bad_bytes++;
        AXT_CASE(name);
        CHECK_EQ((got.m.flags & AXWS_AXIOM_MSG_OVERSIZE) != 0, len > sizeof tinybuf);
        /* no buffer at all, one byte at a time: everything streams */
        decode(f->data, len, NULL, 0, W_BYTES, 0, &got);
        if (!same_msg(&got, &whole)) bad_none++;
        CHECK_EQ(bad_split, 0);
        CHECK_EQ(bad_tiny, 0);
        CHECK_EQ(bad_bytes, 0);
        CHECK_EQ(bad_none, 0);
    }
    AXT_CASE("frames.jsonl");
    CHECK_EQ(EMB_FRAME_COUNT, 25);
}

/* ------------------------------------------------------------------ stack, measured */

static int msgs;
static void on_count(void *user, const axws_axiom_msg *m) {
    (void)user; (void)m;
    msgs++;
}

/* The deepest stack the decoder reaches on this target (whole and in pieces, with the
   buffer and without), with a callback that only counts; and write_json's. */
static void test_stack(void) {
    size_t chunk = 0, wj = 0, d, off;
    int no, mode;
    AXT_CASE("stack depth, measured");
    for (no = 0; no < EMB_FRAME_COUNT; no++) {
        const emb_file *f = &emb_frames[no];
        for (mode = 0; mode < 3; mode++) {
            size_t piece = mode == 0 ? f->len : 7;
            axws_axiom_decoder_init(&dec, mode == 2 ? NULL : bigbuf, mode == 2 ? 0 : sizeof bigbuf);
            for (off = 0;;) {
                size_t n = f->len - off < piece ? f->len - off : piece;
                int fin = off + n == f->len;
                EMB_PROBE_BEGIN();
                axws_axiom_decoder_chunk(&dec, f->data + off, n, fin, on_count, NULL);
                d = emb_probe_end();
                if (d > chunk) chunk = d;
                off += n;
                if (fin) break;
            }
        }
        decode(f->data, f->len, bigbuf, sizeof bigbuf, W_WHOLE, 0, &got);
        EMB_PROBE_BEGIN();
        axws_axiom_msg_write_json(&got.m, got.json, sizeof got.json);
        d = emb_probe_end();
        if (d > wj) wj = d;
    }
    CHECK_EQ(msgs, 3 * EMB_FRAME_COUNT);
    printf("stack measured (callback counts only): axws_axiom_decoder_chunk %lu, axws_axiom_msg_write_json %lu\n",
           (unsigned long)chunk, (unsigned long)wj);
}

int main(void) {
    test_frames();
    test_stack();
    printf("%d lines of frames.jsonl; main stack high-water %lu bytes\n", EMB_FRAME_COUNT,
           (unsigned long)emb_stack_used());
    return axt_report();
}
