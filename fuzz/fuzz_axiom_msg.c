/* fuzz/fuzz_axiom_msg.c - libFuzzer target for the Axiom message decoder. The input (after
   two bytes that choose a cut point) is decoded whole in place, in two pieces through a big
   buffer, one byte at a time through a 64-byte buffer, and in pieces with no buffer at
   all. Every way must call back exactly once and agree on the result code, the kind and
   the flags; the big-buffer decode must give the very same --json line as the whole one,
   and the streaming ones too whenever nothing was cut short. Every --json line must be one
   valid JSON object. Two messages in a row on one decoder check that nothing leaks. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <stdlib.h>
#include <string.h>

typedef struct result {
    int calls, ret, kind;
    unsigned flags;
    int json_len;
    char json[1 << 17];
} result;

static void on_msg(void *user, const axws_axiom_msg *m) {
    result *r = (result *)user;
    r->calls++;
    r->kind = (int)m->kind;
    r->flags = m->flags;
    r->json_len = axws_axiom_msg_write_json(m, r->json, sizeof r->json);
}

static axws_axiom_decoder dec;
static unsigned char big[1 << 16], tiny[64];
static result whole, split, bytes, none;

/* pieces of `step` bytes (0: two pieces cut at `cut`) */
static void decode(const uint8_t *data, size_t size, void *buf, size_t bufsize, size_t cut,
                   size_t step, result *r) {
    size_t off = 0;
    r->calls = 0;
    r->ret = 0;
    axws_axiom_decoder_init(&dec, buf, bufsize);
    if (step == 0) {
        if (axws_axiom_decoder_chunk(&dec, data, cut, 0, on_msg, r) != 0) abort();
        r->ret = axws_axiom_decoder_chunk(&dec, data + cut, size - cut, 1, on_msg, r);
        return;
    }
    do {
        size_t n = size - off < step ? size - off : step;
        int fin = off + n == size;
        int ret = axws_axiom_decoder_chunk(&dec, data + off, n, fin, on_msg, r);
        if (!fin && ret != 0) abort();
        if (fin) r->ret = ret;
        off += n;
    } while (off < size);
}

static void valid_line(const result *r) {
    axws_json j;
    axws_json_token t;
    int k, first = 1;
    if (r->json_len <= 0 || (size_t)r->json_len != strlen(r->json)) abort();
    axws_json_init(&j, NULL, 0);
    axws_json_feed(&j, r->json, (size_t)r->json_len);
    axws_json_end(&j);
    while ((k = axws_json_next(&j, &t)) > 0 && k != AXWS_JSON_DONE) {
        if (first && k != AXWS_JSON_BEGIN_OBJECT) abort();
        first = 0;
    }
    if (k != AXWS_JSON_DONE) abort();
}

static void agree(const result *a, const result *b, int same_json) { /* b: the streamed one */
    const unsigned mask = ~(AXWS_AXIOM_MSG_OVERSIZE | AXWS_AXIOM_MSG_TRUNCATED);
    if (a->calls != 1 || b->calls != 1 || a->ret != b->ret) abort();
    if (b->flags & AXWS_AXIOM_MSG_TRUNCATED) return; /* a value cut short may fail a type check */
    if (a->kind != b->kind || (a->flags & mask) != (b->flags & mask)) abort();
    if (same_json && (a->json_len != b->json_len || memcmp(a->json, b->json, (size_t)a->json_len) != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t cut;
    if (size < 2) return 0;
    cut = (size_t)data[0] | (size_t)data[1] << 8;
    data += 2;
    size -= 2;
    if (size > 1 << 15) return 0;
    cut = cut % (size + 1);
    decode(data, size, NULL, 0, 0, size ? size : 1, &whole); /* one call with fin: in place */
    if (whole.calls != 1) abort();
    if ((whole.ret != 0) != ((whole.flags & AXWS_AXIOM_MSG_UNDECODABLE) != 0)) abort();
    if (whole.ret != 0 && whole.kind != AXWS_AXIOM_KIND_RAW) abort();
    valid_line(&whole);
    decode(data, size, big, sizeof big, cut, 0, &split);
    agree(&whole, &split, 1);
    valid_line(&split);
    decode(data, size, tiny, sizeof tiny, 0, 1, &bytes);
    agree(&whole, &bytes, 1);
    valid_line(&bytes);
    decode(data, size, NULL, 0, 0, cut ? cut : 1, &none);
    agree(&whole, &none, 1);
    valid_line(&none);
    /* the decoder is reusable: a known message after this one decodes as always */
    {
        static const char good[] = "{\"room\":\"sol_price\",\"content\":151.2}";
        int r = axws_axiom_decoder_chunk(&dec, good, 7, 0, on_msg, &none);
        none.calls = 0;
        r |= axws_axiom_decoder_chunk(&dec, good + 7, sizeof good - 8, 1, on_msg, &none);
        if (r != 0 || none.calls != 1 || none.kind != AXWS_AXIOM_KIND_SOL_PRICE ||
            strcmp(none.json, "{\"event\":\"message\",\"kind\":\"sol_price\",\"room\":\"sol_price\",\"content\":151.2}") != 0)
            abort();
    }
    return 0;
}
