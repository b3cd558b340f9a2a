/* fuzz/fuzz_json.c - libFuzzer target for the streaming JSON tokenizer. The input is
   tokenized whole and again split in two at a point chosen by the fuzzer (its first two
   bytes), and a third time one byte at a time with a carry buffer whose size the first
   byte also picks (0 = none); the tokens (chunks joined), the verdict and the error offset
   must be the same every way. Strings of accepted documents are also
   unescaped, numbers converted, and every token passes through a path matcher. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <stdlib.h>
#include <string.h>

typedef struct out {
    uint8_t *s;
    size_t n, cap;
    int verdict;
    uint64_t err_off;
} out;

static void put(out *o, const void *p, size_t n) {
    if (o->n + n > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 1024;
        while (cap < o->n + n) cap *= 2;
        o->s = (uint8_t *)realloc(o->s, cap);
        if (!o->s) abort();
        o->cap = cap;
    }
    if (n) memcpy(o->s + o->n, p, n);
    o->n += n;
}

/* pieces: the cut points (sorted), the last piece ends at len */
static void tokenize(const uint8_t *data, size_t len, const size_t *cuts, size_t ncuts, out *o,
                     size_t carry_size) {
    static char carry[64];
    static const char *const pats[] = {"room", "content.token_address", "content[*]", "a.*", "[0]"};
    axws_json j;
    axws_json_token t;
    axws_json_paths m;
    size_t off = 0, piece = 0, start = 0;
    int r = AXWS_JSON_NEED_MORE, chunked = 0;
    char num[64];
    size_t numlen = 0;
    axws_json_init(&j, NULL, 0);
    if (carry_size) axws_json_set_carry(&j, carry, carry_size);
    axws_json_paths_init(&m, pats, 5);
    for (;;) {
        if (r == AXWS_JSON_NEED_MORE) {
            size_t end = piece < ncuts ? cuts[piece] : len;
            if (axws_json_feed(&j, data + off, end - off) != 0) abort();
            off = end;
            piece++;
            if (piece > ncuts) axws_json_end(&j);
        }
        r = axws_json_next(&j, &t);
        if (r < 0 || r == AXWS_JSON_DONE) break;
        if (r == AXWS_JSON_NEED_MORE) continue;
        if (!t.cont) {
            uint8_t head[10];
            start = o->n;
            head[0] = (uint8_t)r;
            memcpy(head + 1, &t.offset, 8);
            head[9] = (uint8_t)t.depth;
            put(o, head, 10);
            numlen = 0;
        } else if (!chunked) abort(); /* cont without a preceding more */
        put(o, t.data, t.len);
        chunked = t.more;
        (void)axws_json_paths_token(&m, &t);
        if (r == AXWS_JSON_NUMBER) {
            if (numlen + t.len <= sizeof num) memcpy(num + numlen, t.data, t.len);
            numlen += t.len;
            if (!t.more && numlen <= sizeof num) {
                double d;
                int64_t v;
                if (axws_json_to_double(num, numlen, &d) == AXWS_JSON_ENUMBER) abort();
                if (axws_json_to_int64(num, numlen, &v) == AXWS_JSON_ENUMBER) abort();
            }
        }
        if ((r == AXWS_JSON_STRING || r == AXWS_JSON_KEY) && !t.more && !t.cont) {
            char buf[256];
            size_t n;
            if (axws_json_unescape(t.data, t.len, buf, sizeof buf, &n) == AXWS_JSON_EESCAPE) abort();
            if (n > sizeof buf) abort();
        }
    }
    if (r < 0 && chunked) o->n = start; /* partial token before the error */
    o->verdict = r;
    o->err_off = r < 0 ? axws_json_error_offset(&j) : 0;
    if (axws_json_next(&j, &t) != r) abort(); /* sticky */
}

static void same(const out *a, const out *b) {
    if (a->verdict != b->verdict || a->err_off != b->err_off || a->n != b->n ||
        (a->n && memcmp(a->s, b->s, a->n) != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    out whole, split, bytes;
    size_t cut, *cuts, i;
    if (size < 2) return 0;
    cut = ((size_t)data[0] | (size_t)data[1] << 8);
    data += 2;
    size -= 2;
    if (size > 1 << 16) return 0;
    cut = size ? cut % (size + 1) : 0;
    memset(&whole, 0, sizeof whole);
    memset(&split, 0, sizeof split);
    memset(&bytes, 0, sizeof bytes);
    tokenize(data, size, NULL, 0, &whole, 0);
    tokenize(data, size, &cut, 1, &split, 0);
    same(&whole, &split);
    cuts = (size_t *)malloc((size + 1) * sizeof *cuts);
    if (!cuts) abort();
    for (i = 0; i < size; i++) cuts[i] = i + 1;
    tokenize(data, size, cuts, size, &bytes, (size_t)(data[-2] % 65));
    same(&whole, &bytes);
    free(cuts);
    free(whole.s);
    free(split.s);
    free(bytes.s);
    return 0;
}
