/* tests/test_inflate.c - the library's inflate (RFC 1951) against zlib, the reference.

   zlib is used here only, never by the library (Makefile: TEST_LIBS_test_inflate). Every
   stream is inflated with the input cut at every position (small streams; larger ones at
   many random positions, down to one byte per call) and with the output limited to odd
   sizes, and must give exactly the bytes zlib compressed. Covered: RFC 7692 7.2.3's
   examples, the three block types (zlib level 0 = stored, Z_FIXED = fixed codes, the
   default = dynamic codes), every window size 9..15 (distances reaching the window's
   end), context takeover across messages (one zlib stream, Z_SYNC_FLUSH per message, the
   0x00 0x00 0xff 0xff tail dropped and put back as RFC 7692 7.2.1/7.2.2 say), every
   error the inflate reports, and random corruption judged against zlib's own verdict. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"

#include <ctype.h>
#include <stdlib.h>
#include <zlib.h>

#define T0 1000 /* the clock at axws_start, in ms */

static uint8_t g_window[1 << 15];
static axws_inflate g_z;

static uint32_t rng_state = 12345;
static uint32_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Inflate in[0..n) as pieces cut at cuts[0..ncuts) (sorted), output at most max_out per
   call, appending to out (cap bytes). Returns the last result; *olen the bytes made. */
static int run_pieces(axws_inflate *z, const uint8_t *in, size_t n, const size_t *cuts, int ncuts, size_t max_out,
                      uint8_t *out, size_t cap, size_t *olen, size_t *consumed) {
    size_t pos = 0, o = 0;
    int ci = 0, r = AXWS_INFLATE_NEED_INPUT;
    *consumed = 0;
    while (pos <= n) {
        size_t stop = ci < ncuts ? cuts[ci] : n, used;
        const uint8_t *p;
        size_t plen;
        if (stop < pos) stop = pos;
        for (;;) {
            r = axws_inflate_run(z, in + pos, stop - pos, &used, max_out, &p, &plen);
            if (plen) {
                if (o + plen > cap) return -1000;
                memcpy(out + o, p, plen);
                o += plen;
            }
            pos += used;
            if (r != AXWS_INFLATE_OUTPUT_FULL) break;
        }
        if (r < 0 || r == AXWS_INFLATE_END) break;
        if (pos != stop) { *olen = o; return -2000; } /* NEED_INPUT must take everything */
        if (ci >= ncuts) break;
        ci++;
    }
    *olen = o;
    *consumed = pos;
    return r;
}

/* Raw deflate of `msgs` messages with zlib, each ended by Z_SYNC_FLUSH with the tail
   removed (RFC 7692 7.2.1). `comp` gets them one after another, lens[i] each size. */
static size_t zdeflate_msgs(const uint8_t *const *msg, const size_t *mlen, int msgs, int level, int strategy,
                            int wbits, uint8_t *comp, size_t cap, size_t *lens, int takeover) {
    z_stream s;
    size_t total = 0;
    int i;
    memset(&s, 0, sizeof s);
    if (deflateInit2(&s, level, Z_DEFLATED, -wbits, 8, strategy) != Z_OK) return 0;
    for (i = 0; i < msgs; i++) {
        if (!takeover && i) deflateReset(&s);
        s.next_in = (Bytef *)(uintptr_t)msg[i];
        s.avail_in = (uInt)mlen[i];
        s.next_out = comp + total;
        s.avail_out = (uInt)(cap - total);
        if (deflate(&s, Z_SYNC_FLUSH) != Z_OK || s.avail_in) { deflateEnd(&s); return 0; }
        lens[i] = (size_t)(s.next_out - (comp + total)) - 4;
        if (memcmp(s.next_out - 4, "\x00\x00\xff\xff", 4) != 0) { deflateEnd(&s); return 0; }
        total += lens[i] + 4; /* the tail stays in the buffer: the decoder is given it */
    }
    deflateEnd(&s);
    return total;
}

/* Sample data of several shapes: text-like, random, runs, a long repeat far back. */
static void make_data(uint8_t *d, size_t n, int shape) {
    static const char *words[] = {"price", "token", "wallet", "\"pair\":", "{\"room\":", "0.000123", "sol", ", "};
    size_t i = 0;
    switch (shape) {
    case 0:
        while (i < n) {
            const char *w = words[rng() % 8];
            while (*w && i < n) d[i++] = (uint8_t)*w++;
        }
        break;
    case 1:
        for (; i < n; i++) d[i] = (uint8_t)rng();
        break;
    case 2:
        for (; i < n; i++) d[i] = (uint8_t)((i / 300) & 1 ? 'a' : 'b');
        break;
    default: /* random blocks repeated at long distances: matches reach far back */
        for (; i < n; i++) d[i] = i < 600 || (rng() % 50) == 0 ? (uint8_t)rng() : d[i - 600 + (i % 7 == 0)];
        break;
    }
}

static int check_stream(const uint8_t *comp, size_t clen, const uint8_t *expect, size_t elen, int wbits,
                        const char *what) {
    static uint8_t out[1 << 20];
    size_t cuts[4096], olen, used;
    int r, ok = 1, k;
    const size_t max_outs[] = {(size_t)-1, 1, 7, 258, 1000};
    /* whole, one byte at a time, and random cuts, with several output limits */
    for (k = 0; k < 5 && ok; k++) {
        int nc = 0;
        size_t i;
        axws_inflate_init(&g_z, g_window, wbits);
        if (k == 1 && clen <= 4096) {
            for (i = 1; i < clen; i++) cuts[nc++] = i;
        } else if (k >= 2) {
            size_t at = 0;
            while (nc < 4000 && at < clen) {
                at += 1 + rng() % (k == 2 ? 3 : 200);
                if (at < clen) cuts[nc++] = at;
            }
        }
        r = run_pieces(&g_z, comp, clen, cuts, nc, max_outs[k], out, sizeof out, &olen, &used);
        ok = r == AXWS_INFLATE_NEED_INPUT && olen == elen && memcmp(out, expect, elen) == 0 &&
             g_z.mode == AXWS__INF_HEAD && g_z.nbits == 0;
        if (!ok) fprintf(stderr, "  %s: pass %d r=%d olen=%zu want %zu\n", what, k, r, olen, elen);
    }
    return ok;
}

/* Every two-piece split of a small stream (and the output limited to one byte). */
static int check_every_split(const uint8_t *comp, size_t clen, const uint8_t *expect, size_t elen) {
    static uint8_t out[1 << 17];
    size_t i, olen, used;
    int ok = 1;
    for (i = 0; i <= clen && ok; i++) {
        int r;
        axws_inflate_init(&g_z, g_window, 15);
        r = run_pieces(&g_z, comp, clen, &i, 1, i & 1 ? 1 : (size_t)-1, out, sizeof out, &olen, &used);
        ok = (r == AXWS_INFLATE_NEED_INPUT || r == AXWS_INFLATE_END) && olen == elen && memcmp(out, expect, elen) == 0;
    }
    return ok;
}

static void test_rfc7692_examples(void) {
    static const uint8_t hello[] = {0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff};
    static const uint8_t hello2[] = {0xf2, 0x00, 0x11, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff};
    static const uint8_t stored[] = {0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
                                     0x00, 0x00, 0xff, 0xff};
    static const uint8_t final_block[] = {0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff};
    const uint8_t *out;
    size_t used, olen;
    int r;
    AXT_CASE("RFC 7692 7.2.3.1: Hello");
    CHECK(check_every_split(hello, sizeof hello, (const uint8_t *)"Hello", 5));
    AXT_CASE("RFC 7692 7.2.3.2: Hello twice with context takeover");
    axws_inflate_init(&g_z, g_window, 15);
    r = axws_inflate_run(&g_z, hello, sizeof hello, &used, 100, &out, &olen);
    CHECK_EQ(r, AXWS_INFLATE_NEED_INPUT);
    CHECK(olen == 5 && memcmp(out, "Hello", 5) == 0);
    axws_inflate_reset(&g_z, 1);
    r = axws_inflate_run(&g_z, hello2, sizeof hello2, &used, 100, &out, &olen);
    CHECK_EQ(r, AXWS_INFLATE_NEED_INPUT);
    CHECK(olen == 5 && memcmp(out, "Hello", 5) == 0);
    AXT_CASE("RFC 7692 7.2.3.2: the second message needs the first one's history");
    axws_inflate_reset(&g_z, 0);
    r = axws_inflate_run(&g_z, hello2, sizeof hello2, &used, 100, &out, &olen);
    CHECK_EQ(r, AXWS_EDEFLATE);
    CHECK_EQ(g_z.err, AXWS_INFLATE_E_FAR);
    CHECK(strstr(axws_inflate_strerror(&g_z), "distance") != NULL);
    AXT_CASE("RFC 7692 7.2.3.2: no context takeover, the same bytes twice");
    axws_inflate_init(&g_z, g_window, 15);
    r = axws_inflate_run(&g_z, hello, sizeof hello, &used, 100, &out, &olen);
    axws_inflate_reset(&g_z, 0);
    r = axws_inflate_run(&g_z, hello, sizeof hello, &used, 100, &out, &olen);
    CHECK(r == AXWS_INFLATE_NEED_INPUT && olen == 5 && memcmp(out, "Hello", 5) == 0);
    AXT_CASE("RFC 7692 7.2.3.3: a stored block");
    CHECK(check_every_split(stored, sizeof stored, (const uint8_t *)"Hello", 5));
    AXT_CASE("RFC 7692 7.2.3.4: a final block, the tail after it not used");
    CHECK(check_every_split(final_block, sizeof final_block, (const uint8_t *)"Hello", 5));
    axws_inflate_init(&g_z, g_window, 15);
    r = axws_inflate_run(&g_z, final_block, sizeof final_block, &used, 100, &out, &olen);
    CHECK_EQ(r, AXWS_INFLATE_END);
    CHECK_EQ(used, 7); /* the final block's bytes; the padding byte and the tail stay */
    AXT_CASE("RFC 7692 7.2.3.1: Hello in two pieces (the two-fragment example)");
    {
        size_t cut = 3; /* 0xf2 0x48 0xcd | 0xc9 0xc9 0x07 0x00 */
        static uint8_t o[64];
        axws_inflate_init(&g_z, g_window, 15);
        r = run_pieces(&g_z, hello, sizeof hello, &cut, 1, 64, o, sizeof o, &olen, &used);
        CHECK(r == AXWS_INFLATE_NEED_INPUT && olen == 5 && memcmp(o, "Hello", 5) == 0);
    }
}

static void test_block_types(void) {
    static uint8_t data[300000], comp[400000];
    static const size_t sizes[] = {0, 1, 5, 100, 257, 258, 259, 1000, 32767, 32768, 32769, 100000, 300000};
    static const struct { int level, strategy; const char *name; } kinds[] = {
        {0, Z_DEFAULT_STRATEGY, "stored"}, {6, Z_FIXED, "fixed"}, {6, Z_DEFAULT_STRATEGY, "dynamic"},
        {9, Z_DEFAULT_STRATEGY, "dynamic level 9"}, {1, Z_HUFFMAN_ONLY, "huffman only"}, {6, Z_RLE, "rle"}};
    size_t si, ki;
    int shape;
    for (ki = 0; ki < sizeof kinds / sizeof kinds[0]; ki++)
        for (shape = 0; shape < 4; shape++)
            for (si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
                const uint8_t *m = data;
                size_t len, n = sizes[si], clen;
                char what[96];
                make_data(data, n, shape);
                clen = zdeflate_msgs(&m, &n, 1, kinds[ki].level, kinds[ki].strategy, 15, comp, sizeof comp, &len, 1);
                snprintf(what, sizeof what, "%s, shape %d, %zu bytes", kinds[ki].name, shape, n);
                AXT_CASE(what);
                CHECK(clen > 0);
                CHECK(check_stream(comp, clen, data, n, 15, what));
                if (clen <= 600 && n && n <= 100000) CHECK(check_every_split(comp, clen, data, n));
            }
}

/* Windows of 9..15 bits: zlib compresses with the same window; matches go as far back as
   the window allows (shape 3 repeats 600 bytes back, past a 512-byte window: zlib then
   must not use them, and we must not need more). */
static void test_windows(void) {
    static uint8_t data[70000], comp[90000];
    int wb, shape;
    for (wb = 9; wb <= 15; wb++)
        for (shape = 0; shape < 4; shape++) {
            const uint8_t *m = data;
            size_t n = 70000, len, clen;
            char what[64];
            make_data(data, n, shape);
            clen = zdeflate_msgs(&m, &n, 1, 9, Z_DEFAULT_STRATEGY, wb, comp, sizeof comp, &len, 1);
            snprintf(what, sizeof what, "window %d bits, shape %d", wb, shape);
            AXT_CASE(what);
            CHECK(clen > 0 && check_stream(comp, clen, data, n, wb, what));
        }
    AXT_CASE("a 15-bit stream into a 9-bit window fails with a distance past the window");
    {
        const uint8_t *m = data, *out;
        size_t n = 70000, len, clen, used, olen;
        int r;
        make_data(data, n, 3);
        /* 1000 bytes then the same 1000: a match 1000 back */
        memcpy(data + 1000, data, 1000);
        n = 2000;
        clen = zdeflate_msgs(&m, &n, 1, 9, Z_DEFAULT_STRATEGY, 15, comp, sizeof comp, &len, 1);
        axws_inflate_init(&g_z, g_window, 9);
        do r = axws_inflate_run(&g_z, comp, clen, &used, (size_t)-1, &out, &olen);
        while (r == AXWS_INFLATE_OUTPUT_FULL && (memmove(comp, comp + used, clen - used), clen -= used, 1));
        CHECK_EQ(r, AXWS_EDEFLATE);
        CHECK_EQ(g_z.err, AXWS_INFLATE_E_FAR);
    }
}

/* Many messages through one zlib stream (context takeover), each with its tail, decoded
   one after another keeping history; and with deflateReset between messages (no context
   takeover) decoded with the history dropped. */
static void test_messages(void) {
    static uint8_t data[64][2000], comp[200000], out[4000];
    const uint8_t *msgs[64];
    size_t mlen[64], lens[64];
    int takeover, i;
    for (i = 0; i < 64; i++) {
        mlen[i] = 1 + rng() % 1999;
        make_data(data[i], mlen[i], i % 3 == 1 ? 0 : i % 4);
        if (i && i % 3 == 0) memcpy(data[i], data[i - 1], mlen[i] < mlen[i - 1] ? mlen[i] : mlen[i - 1]);
        msgs[i] = data[i];
    }
    for (takeover = 0; takeover < 2; takeover++) {
        size_t clen = zdeflate_msgs(msgs, mlen, 64, 6, Z_DEFAULT_STRATEGY, 15, comp, sizeof comp, lens, takeover);
        size_t at = 0;
        int ok = 1;
        AXT_CASE(takeover ? "64 messages, context takeover" : "64 messages, no context takeover");
        CHECK(clen > 0);
        axws_inflate_init(&g_z, g_window, 15);
        for (i = 0; i < 64 && ok; i++) {
            size_t cut = lens[i] / 2, olen, used;
            axws_inflate_reset(&g_z, takeover);
            ok = run_pieces(&g_z, comp + at, lens[i] + 4, &cut, 1, 100, out, sizeof out, &olen, &used) ==
                     AXWS_INFLATE_NEED_INPUT &&
                 olen == mlen[i] && memcmp(out, data[i], olen) == 0;
            at += lens[i] + 4;
        }
        CHECK(ok);
    }
}

static int zlib_verdict(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *olen);

/* A little-endian bit writer for crafted streams (RFC 1951 3.1.1: first bit lowest). */
typedef struct { uint8_t b[128]; size_t bit; } bitw;
static void put(bitw *w, unsigned v, int n) {
    int i;
    for (i = 0; i < n; i++, w->bit++)
        if ((v >> i) & 1) w->b[w->bit / 8] |= (uint8_t)(1u << (w->bit % 8));
}
/* A Huffman code is sent most significant bit first (3.1.1). */
static void put_code(bitw *w, unsigned code, int len) {
    while (len--) put(w, (code >> len) & 1, 1);
}

/* Each error the inflate reports, from a crafted stream (bits listed first-bit-lowest as
   the bytes carry them). */
static void test_errors(void) {
    static const struct { uint8_t in[16]; size_t n; int err; const char *name; } cases[] = {
        {{0x07}, 1, AXWS_INFLATE_E_BLOCK_TYPE, "block type 3"},
        {{0x00, 0x05, 0x00, 0xfb, 0xff}, 5, AXWS_INFLATE_E_STORED_LEN, "stored NLEN wrong"},
        /* fixed block, then a match of distance 1 with nothing before: 0000001 (len 3)
           then distance code 00000 (dist 1) */
        {{0x03, 0x02, 0x00}, 3, AXWS_INFLATE_E_FAR, "distance before the start"},
        /* fixed block, literal/length 286 (11000110 + 0): symbol that does not exist */
        {{0x1b, 0x03}, 2, AXWS_INFLATE_E_SYMBOL, "length symbol 286"},
    };
    size_t i, used, olen;
    const uint8_t *out;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int r;
        AXT_CASE(cases[i].name);
        axws_inflate_init(&g_z, g_window, 15);
        r = axws_inflate_run(&g_z, cases[i].in, cases[i].n, &used, 1000, &out, &olen);
        CHECK_EQ(r, AXWS_EDEFLATE);
        CHECK_EQ(g_z.err, cases[i].err);
        CHECK(axws_inflate_strerror(&g_z)[0] != 0);
        /* sticky */
        CHECK_EQ(axws_inflate_run(&g_z, cases[i].in, cases[i].n, &used, 1000, &out, &olen), AXWS_EDEFLATE);
    }
    {
        static const struct { const char *name; int err; int kind; } crafted[] = {
            {"287 length codes", AXWS_INFLATE_E_COUNTS, 0},
            {"31 distance codes", AXWS_INFLATE_E_COUNTS, 1},
            {"over-subscribed code-length code", AXWS_INFLATE_E_CODELENS, 2},
            {"incomplete code-length code", AXWS_INFLATE_E_CODELENS, 3},
            {"repeat with nothing before it", AXWS_INFLATE_E_REPEAT, 4},
            {"repeat past the end", AXWS_INFLATE_E_REPEAT, 5},
            {"no end-of-block code", AXWS_INFLATE_E_NO_EOB, 6},
            {"over-subscribed literal/length code", AXWS_INFLATE_E_LENCODE, 7},
            {"distance code 30 in a fixed block", AXWS_INFLATE_E_SYMBOL, 8},
        };
        for (i = 0; i < sizeof crafted / sizeof crafted[0]; i++) {
            bitw w;
            int r, k, kind = crafted[i].kind;
            uint8_t zo[64];
            size_t zl;
            memset(&w, 0, sizeof w);
            AXT_CASE(crafted[i].name);
            put(&w, 1, 1); /* BFINAL */
            if (kind == 8) {
                put(&w, 1, 2);           /* fixed */
                put_code(&w, 0x30 + 'a', 8); /* literal 'a' */
                put_code(&w, 1, 7);      /* length symbol 257: 3 */
                put_code(&w, 30, 5);     /* distance symbol 30 */
            } else {
                put(&w, 2, 2); /* dynamic */
                put(&w, kind == 0 ? 30 : 0, 5);  /* HLIT */
                put(&w, kind == 1 ? 30 : 0, 5);  /* HDIST */
                if (kind == 2 || kind == 3) {
                    put(&w, 15, 4);              /* HCLEN: all 19 */
                    /* kind 2: 19 codes of length 1; kind 3: one code of length 1 */
                    for (k = 0; k < 19; k++) put(&w, kind == 2 || k == 0 ? 1 : 0, 3);
                } else if (kind >= 4 && kind <= 7) {
                    /* code-length code: 16, 17, 18, 0, 8, ... -> 16 len 2, 17 len 0,
                       18 len 2, 0 len 2, 8 len 2: codes 0 = "00", 8 = "01", 16 = "10", 18 = "11" */
                    put(&w, 1, 4);               /* HCLEN: 5 lengths */
                    put(&w, 2, 3); put(&w, 0, 3); put(&w, 2, 3); put(&w, 2, 3); put(&w, 2, 3);
                    if (kind == 4) put_code(&w, 2, 2);                      /* 16 first */
                    if (kind == 5) { put_code(&w, 3, 2); put(&w, 127, 7);   /* 138 zeros */
                                     put_code(&w, 3, 2); put(&w, 127, 7); } /* 276 > 258 */
                    if (kind == 6) { put_code(&w, 3, 2); put(&w, 127, 7);   /* 138 zeros */
                                     put_code(&w, 3, 2); put(&w, 108, 7);   /* 119: 257 */
                                     put_code(&w, 0, 2); }                  /* dist 0 len 0 */
                    if (kind == 7) { for (k = 0; k < 258; k++) put_code(&w, 1, 2); } /* all 8 */
                } else {
                    put(&w, 0, 4);
                }
            }
            axws_inflate_init(&g_z, g_window, 15);
            r = axws_inflate_run(&g_z, w.b, (w.bit + 7) / 8 + 8, &used, 1000, &out, &olen);
            CHECK_EQ(r, AXWS_EDEFLATE);
            CHECK_EQ(g_z.err, crafted[i].err);
            CHECK_EQ(zlib_verdict(w.b, (w.bit + 7) / 8 + 8, zo, sizeof zo, &zl), -1); /* zlib agrees */
        }
    }
}

/* zlib's verdict on a raw stream: 1 complete, 0 incomplete, -1 invalid; output in out. */
static int zlib_verdict(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *olen) {
    z_stream s;
    int r;
    memset(&s, 0, sizeof s);
    inflateInit2(&s, -15);
    s.next_in = (Bytef *)(uintptr_t)in;
    s.avail_in = (uInt)n;
    s.next_out = out;
    s.avail_out = (uInt)cap;
    r = inflate(&s, Z_SYNC_FLUSH);
    *olen = cap - s.avail_out;
    inflateEnd(&s);
    return r == Z_STREAM_END ? 1 : r == Z_DATA_ERROR ? -1 : 0;
}

static void test_corruption(void) {
    static uint8_t data[20000], comp[30000], bad[30000], zo[1 << 20], ours[1 << 20];
    int iter, mismatches = 0, errors_seen = 0;
    AXT_CASE("random corruption: the same verdict as zlib");
    for (iter = 0; iter < 3000; iter++) {
        const uint8_t *m = data;
        size_t n = 1 + rng() % 3000, len, clen, k, zl, ol, used;
        int zv, r, flips;
        z_stream s;
        make_data(data, n, (int)(rng() % 4));
        /* a complete stream (Z_FINISH) so that "complete" can be compared */
        memset(&s, 0, sizeof s);
        deflateInit2(&s, (int)(rng() % 10), Z_DEFLATED, -15, 8, iter % 5 == 0 ? Z_FIXED : Z_DEFAULT_STRATEGY);
        s.next_in = (Bytef *)(uintptr_t)m;
        s.avail_in = (uInt)n;
        s.next_out = comp;
        s.avail_out = sizeof comp;
        deflate(&s, Z_FINISH);
        clen = sizeof comp - s.avail_out;
        deflateEnd(&s);
        (void)len;
        memcpy(bad, comp, clen);
        flips = 1 + (int)(rng() % 3);
        while (flips--) bad[rng() % clen] ^= (uint8_t)(1u << (rng() % 8));
        if (iter % 7 == 0) clen = rng() % clen; /* truncated */
        zv = zlib_verdict(bad, clen, zo, sizeof zo, &zl);
        {
            size_t cut = clen ? rng() % clen : 0;
            axws_inflate_init(&g_z, g_window, 15);
            r = run_pieces(&g_z, bad, clen, &cut, 1, 1 + rng() % 5000, ours, sizeof ours, &ol, &used);
        }
        if (r == AXWS_EDEFLATE) errors_seen++;
        k = zv == 1 ? (r == AXWS_INFLATE_END && ol == zl && memcmp(ours, zo, zl) == 0)
          : zv == -1 ? r == AXWS_EDEFLATE
                     : (r == AXWS_INFLATE_NEED_INPUT || r == AXWS_EDEFLATE);
        if (!k) {
            if (mismatches++ < 5) fprintf(stderr, "  corruption %d: zlib %d, ours %d (err %d) %zu/%zu\n", iter, zv, r, g_z.err, ol, zl);
        }
    }
    CHECK_EQ(mismatches, 0);
    CHECK(errors_seen > 100); /* the corruption did reach the error paths */
}


/* ================================================================== on a connection
   The sans-IO core with permessage-deflate enabled: the offer, the answer's negotiation,
   compressed frames fed whole, one byte at a time and cut at every position, in both
   message modes; the log of events must be the same in every run. */

typedef struct {
    axws_conn c;
    axws_config cfg;
    axws_inflate z;
    uint8_t window[1 << 15];
    uint8_t tx[8192];
    uint8_t msg[70000];
    char log[8192];
    size_t loglen;
    uint8_t chunk[1 << 21]; /* chunks reassembled */
    size_t chunk_len;
    int chunk_bad;          /* offsets or fin out of order */
    uint32_t seed;
    int decoder;            /* feed text messages to the Axiom decoder too */
#ifndef AXWS_NO_AXIOM
    axws_axiom_decoder dec;
    uint8_t dec_buf[4096];
    int decoded, decode_errors;
#endif
} tconn;

static void t_random(void *user, void *buf, size_t len) {
    tconn *t = (tconn *)user;
    uint8_t *b = (uint8_t *)buf;
    while (len--) { t->seed = t->seed * 1103515245u + 12345u; *b++ = (uint8_t)(t->seed >> 16); }
}

static uint32_t fnv32(const void *p, size_t n) {
    const uint8_t *b = (const uint8_t *)p;
    uint32_t h = 2166136261u;
    while (n--) { h ^= *b++; h *= 16777619u; }
    return h;
}

static void t_add(tconn *t, const char *kind, const uint8_t *d, size_t n) {
    size_t i;
    char *o = t->log + t->loglen, *e = t->log + sizeof t->log - 64;
    o += snprintf(o, (size_t)(e - o), "%s%s", t->loglen ? "; " : "", kind);
    if (d) {
        if (n <= 48) {
            *o++ = ':';
            for (i = 0; i < n && o < e; i++) o += isprint(d[i]) ? snprintf(o, (size_t)(e - o), "%c", d[i]) : snprintf(o, (size_t)(e - o), "\\x%02x", d[i]);
        } else {
            o += snprintf(o, (size_t)(e - o), ":%zu#%08x", n, (unsigned)fnv32(d, n));
        }
    }
    *o = 0;
    t->loglen = (size_t)(o - t->log);
}

#ifndef AXWS_NO_AXIOM
static void t_decoded(void *user, const axws_axiom_msg *m) {
    tconn *t = (tconn *)user;
    (void)m;
    t->decoded++;
}
#endif

static void t_event(axws_conn *c, const axws_event *ev, void *user) {
    tconn *t = (tconn *)user;
    char kind[64];
    (void)c;
    switch (ev->type) {
    case AXWS_EV_OPEN: t_add(t, "open", NULL, 0); break;
    case AXWS_EV_MESSAGE:
        snprintf(kind, sizeof kind, "msg %c", ev->opcode == AXWS_OP_TEXT ? 'T' : 'B');
        t_add(t, kind, ev->data ? ev->data : (const uint8_t *)"", ev->len);
        break;
    case AXWS_EV_CHUNK:
        if (ev->offset != t->chunk_len || ev->len > sizeof t->chunk - t->chunk_len || (ev->len && !ev->data)) t->chunk_bad = 1;
        else if (ev->len) memcpy(t->chunk + t->chunk_len, ev->data, ev->len);
        t->chunk_len += ev->len;
#ifndef AXWS_NO_AXIOM
        if (t->decoder && ev->opcode == AXWS_OP_TEXT) {
            int r = axws_axiom_decoder_chunk(&t->dec, ev->data, ev->len, ev->fin, t_decoded, t);
            if (r < 0) {
                t->decode_errors++;
            }
        }
#endif
        if (ev->fin) {
            snprintf(kind, sizeof kind, "msg %c", ev->opcode == AXWS_OP_TEXT ? 'T' : 'B');
            t_add(t, kind, t->chunk, t->chunk_len);
            t->chunk_len = 0;
        }
        break;
    case AXWS_EV_PING: t_add(t, "ping", ev->data ? ev->data : (const uint8_t *)"", ev->len); break;
    case AXWS_EV_ERROR:
        snprintf(kind, sizeof kind, "err %d", ev->error);
        t_add(t, kind, NULL, 0);
        break;
    case AXWS_EV_CLOSE:
        snprintf(kind, sizeof kind, "close %d", ev->close_code);
        t_add(t, kind, NULL, 0);
        break;
    default: break;
    }
}

/* A connection through its upgrade: `ext` is the 101's Sec-WebSocket-Extensions (NULL:
   none). deflate_bits 0 = compression not enabled. Returns the state after the answer. */
static int t_open(tconn *t, int msg_mode, int deflate_bits, int nct, const char *ext, char *request, size_t rcap) {
    axws_url u;
    char store[64], resp[1024];
    const uint8_t *out;
    size_t n;
    memset(&t->c, 0, sizeof t->c);
    t->loglen = 0;
    t->log[0] = 0;
    t->chunk_len = 0;
    t->chunk_bad = 0;
    t->seed = 7;
    axws_config_init(&t->cfg);
    t->cfg.tx_buf = t->tx;
    t->cfg.tx_size = sizeof t->tx;
    if (msg_mode) { t->cfg.msg_buf = t->msg; t->cfg.msg_size = sizeof t->msg; }
    t->cfg.on_event = t_event;
    t->cfg.user = t;
    t->cfg.random = t_random;
    t->cfg.random_user = t;
    if (deflate_bits && axws_deflate_enable(&t->cfg.deflate, &t->z, t->window, deflate_bits) != 0) return -1;
    t->cfg.deflate.no_context_takeover = nct;
#ifndef AXWS_NO_AXIOM
    axws_axiom_decoder_init(&t->dec, t->dec_buf, sizeof t->dec_buf);
    t->decoded = t->decode_errors = 0;
#endif
    if (axws_init(&t->c, &t->cfg) != 0) return -1;
    axws_parse_url("ws://example.com/chat", &u, store, sizeof store);
    if (axws_start(&t->c, &u, T0) != 0) return -1;
    out = axws_output(&t->c, &n);
    if (request) snprintf(request, rcap, "%.*s", (int)n, (const char *)out);
    axws_output_ack(&t->c, n);
    n = (size_t)snprintf(resp, sizeof resp,
                         "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: %s\r\n%s%s%s\r\n",
                         t->c.accept, ext ? "Sec-WebSocket-Extensions: " : "", ext ? ext : "", ext ? "\r\n" : "");
    axws_feed(&t->c, resp, n, T0);
    return (int)axws_conn_state(&t->c);
}

/* Feed `in` cut at cuts[0..ncuts); returns the log. */
static const char *t_feed(tconn *t, const uint8_t *in, size_t n, const size_t *cuts, int ncuts) {
    size_t at = 0;
    int i;
    for (i = 0; i <= ncuts; i++) {
        size_t stop = i < ncuts ? cuts[i] : n;
        while (at < stop && axws_conn_state(&t->c) != AXWS_STATE_CLOSED) {
            size_t used = axws_feed(&t->c, in + at, stop - at, T0);
            if (!used) break;
            at += used;
        }
    }
    if (t->chunk_bad) t_add(t, "CHUNKS-OUT-OF-ORDER", NULL, 0);
    return t->log;
}

static tconn g_t;

/* The log of `frames` fed whole; then fed a byte at a time and cut in two at every
   position (up to `all` bytes, a sample above), in both message modes, which must all
   give that log. Returns 1 when every run agrees with `expect`. */
static int t_every_split(const char *ext, int bits, const uint8_t *frames, size_t n, const char *expect) {
    static char first[8192];
    size_t cuts[1], k, step = n <= 2000 ? 1 : n / 97; /* every cut of small inputs, ~100 of big ones */
    int mode, ok = 1;
    for (mode = 0; mode < 2 && ok; mode++) {
        t_open(&g_t, mode, bits, 0, ext, NULL, 0);
        snprintf(first, sizeof first, "%s", t_feed(&g_t, frames, n, NULL, 0));
        if (strcmp(first, expect) != 0) {
            fprintf(stderr, "  mode %d whole:\n    got  %.300s\n    want %.300s\n", mode, first, expect);
            return 0;
        }
        if (n <= 5000) {
            static size_t all[5000];
            for (k = 1; k < n; k++) all[k - 1] = k;
            t_open(&g_t, mode, bits, 0, ext, NULL, 0);
            if (strcmp(t_feed(&g_t, frames, n, all, (int)n - 1), expect) != 0) {
                fprintf(stderr, "  mode %d bytewise: %.300s\n", mode, g_t.log);
                return 0;
            }
        }
        for (k = 1; k < n && ok; k += step) {
            cuts[0] = k;
            t_open(&g_t, mode, bits, 0, ext, NULL, 0);
            ok = strcmp(t_feed(&g_t, frames, n, cuts, 1), expect) == 0;
            if (!ok) fprintf(stderr, "  mode %d cut at %zu: %.300s\n", mode, k, g_t.log);
        }
    }
    return ok;
}

static void test_offer_and_answer(void) {
    static char req[2048];
    static const struct { const char *ext; int bits, nct, ok, detail, fresh; const char *name; } answers[] = {
        {"permessage-deflate", 15, 0, 1, 0, 0, "plain acceptance"},
        {"permessage-deflate; server_max_window_bits=10", 10, 0, 1, 0, 0, "the offered window"},
        {"permessage-deflate; server_max_window_bits=9", 12, 0, 1, 0, 0, "a smaller window"},
        {"permessage-deflate;server_max_window_bits=\"12\"", 12, 0, 1, 0, 0, "a quoted value"},
        {"permessage-deflate; client_max_window_bits=10", 15, 0, 1, 0, 0, "client_max_window_bits"},
        {"permessage-deflate; server_no_context_takeover; client_no_context_takeover", 15, 1, 1, 0, 1,
         "no context takeover both ways"},
        {"permessage-deflate; server_no_context_takeover", 15, 0, 1, 0, 1, "server_no_context_takeover unasked"},
        {"Permessage-Deflate ; Server_Max_Window_Bits = 15 , ", 15, 0, 1, 0, 0, "case, spaces, empty element"},
        {"x-webkit-deflate-frame", 15, 0, 0, AXWS__D_EXT_NOT_OFFERED, 0, "an extension not offered"},
        {"permessage-deflate, permessage-deflate", 15, 0, 0, AXWS__D_EXT_TWICE, 0, "accepted twice"},
        {"permessage-deflate; server_no_context_takeover; server_no_context_takeover", 15, 0, 0, AXWS__D_EXT_TWICE, 0,
         "a parameter twice"},
        {"permessage-deflate; mystery", 15, 0, 0, AXWS__D_EXT_PARAM, 0, "an unknown parameter"},
        {"permessage-deflate; server_max_window_bits", 15, 0, 0, AXWS__D_EXT_PARAM, 0, "a value missing"},
        {"permessage-deflate; client_max_window_bits", 15, 0, 0, AXWS__D_EXT_PARAM, 0, "client bits without a value"},
        {"permessage-deflate; server_max_window_bits=08", 15, 0, 0, AXWS__D_EXT_PARAM, 0, "a leading zero"},
        {"permessage-deflate; server_max_window_bits=16", 15, 0, 0, AXWS__D_EXT_PARAM, 0, "16 bits"},
        {"permessage-deflate; server_max_window_bits=7", 15, 0, 0, AXWS__D_EXT_PARAM, 0, "7 bits"},
        {"permessage-deflate; server_no_context_takeover=1", 15, 0, 0, AXWS__D_EXT_PARAM, 0, "a value where none goes"},
        {"permessage-deflate; server_max_window_bits=12", 10, 0, 0, AXWS__D_EXT_WINDOW, 0, "a larger window"},
        {"permessage-deflate", 10, 0, 0, AXWS__D_EXT_WINDOW, 0, "the window not confirmed"},
        {"permessage-deflate; server_max_window_bits=\"10", 15, 0, 0, AXWS__D_EXT_PARAM, 0, "an open quote"},
        {"permessage-deflate x", 15, 0, 0, AXWS__D_EXT_PARAM, 0, "junk after the name"},
    };
    size_t i;
    AXT_CASE("the offer");
    t_open(&g_t, 1, 15, 0, "permessage-deflate", req, sizeof req);
    CHECK(strstr(req, "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n") != NULL);
    t_open(&g_t, 1, 9, 1, "permessage-deflate; server_max_window_bits=9", req, sizeof req);
    CHECK(strstr(req, "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits; "
                      "server_max_window_bits=9; server_no_context_takeover\r\n") != NULL);
    t_open(&g_t, 1, 12, 0, "permessage-deflate; server_max_window_bits=12", req, sizeof req);
    CHECK(strstr(req, "; server_max_window_bits=12\r\n") != NULL);
    AXT_CASE("no offer unless enabled, and an answer with an extension then fails");
    CHECK_EQ(t_open(&g_t, 1, 0, 0, "permessage-deflate", req, sizeof req), AXWS_STATE_CLOSED);
    CHECK(strstr(req, "Sec-WebSocket-Extensions") == NULL);
    CHECK_EQ(axws_error(&g_t.c), AXWS_EHANDSHAKE);
    CHECK_EQ(g_t.c.fail_detail, AXWS__D_EXT_NOT_OFFERED);
    {
        char why[AXWS_DESCRIBE_MAX];
        axws_describe(&g_t.c, why, sizeof why);
        CHECK(strstr(why, "did not offer") != NULL);
    }
    AXT_CASE("enabled but declined: plain messages");
    CHECK_EQ(t_open(&g_t, 1, 15, 0, NULL, NULL, 0), AXWS_STATE_OPEN);
    CHECK_EQ(axws_deflate_active(&g_t.c), 0);
    for (i = 0; i < sizeof answers / sizeof answers[0]; i++) {
        int st;
        AXT_CASE(answers[i].name);
        st = t_open(&g_t, 1, answers[i].bits, answers[i].nct, answers[i].ext, NULL, 0);
        if (answers[i].ok) {
            CHECK_EQ(st, AXWS_STATE_OPEN);
            CHECK_EQ(axws_deflate_active(&g_t.c), 1);
            CHECK_EQ(g_t.c.deflate_fresh, answers[i].fresh);
        } else {
            char why[AXWS_DESCRIBE_MAX];
            CHECK_EQ(st, AXWS_STATE_CLOSED);
            CHECK_EQ(axws_error(&g_t.c), AXWS_EHANDSHAKE);
            CHECK_EQ(g_t.c.fail_detail, answers[i].detail);
            axws_describe(&g_t.c, why, sizeof why);
            CHECK(strstr(why, axws__describe_detail(answers[i].detail)) != NULL);
        }
    }
    AXT_CASE("configuration: buffers without axws_deflate_enable()");
    {
        axws_config cfg;
        static axws_conn c;
        axws_config_init(&cfg);
        cfg.tx_buf = g_t.tx;
        cfg.tx_size = sizeof g_t.tx;
        cfg.deflate.state = &g_t.z;
        cfg.deflate.window = g_t.window;
        cfg.deflate.window_bits = 15;
        CHECK_EQ(axws_init(&c, &cfg), AXWS_EINVAL);
        CHECK_EQ(c.fail_detail, AXWS__D_DEFLATE_CONFIG);
        CHECK_EQ(axws_deflate_enable(&cfg.deflate, &g_t.z, g_t.window, 8), AXWS_EINVAL);
        CHECK_EQ(axws_deflate_enable(&cfg.deflate, &g_t.z, g_t.window, 16), AXWS_EINVAL);
        CHECK_EQ(axws_deflate_enable(&cfg.deflate, &g_t.z, g_t.window, 9), 0);
        CHECK_EQ(axws_init(&c, &cfg), 0);
    }
}

#define PMD "permessage-deflate"

static void test_rfc7692_frames(void) {
    /* 7.2.3.1: "Hello" compressed, one frame (RSV1 + FIN + text) */
    static const uint8_t one[] = {0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00};
    /* 7.2.3.1: the same in two fragments (RSV1 on the first only) */
    static const uint8_t two[] = {0x41, 0x03, 0xf2, 0x48, 0xcd, 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00};
    /* 7.2.3.2: twice with context takeover: the second refers to the first */
    static const uint8_t takeover[] = {0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00,
                                       0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00};
    /* 7.2.3.2: without context takeover the second is the first again */
    static const uint8_t fresh[] = {0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00,
                                    0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00};
    /* 7.2.3.3: a stored block */
    static const uint8_t stored[] = {0xc1, 0x0b, 0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00};
    /* 7.2.3.4: BFINAL set, padding after it */
    static const uint8_t final_block[] = {0xc1, 0x08, 0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00};
    /* a ping between compressed fragments; then an uncompressed message */
    static const uint8_t mixed[] = {0x41, 0x03, 0xf2, 0x48, 0xcd, 0x89, 0x01, 'p', 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00,
                                    0x81, 0x03, 'a', 'b', 'c', 0xc2, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00};
    /* an empty compressed message: the empty stored block's header byte only */
    static const uint8_t empty[] = {0xc1, 0x01, 0x00};
    AXT_CASE("RFC 7692 7.2.3.1: Hello, one frame, every split");
    CHECK(t_every_split(PMD, 15, one, sizeof one, "open; msg T:Hello"));
    AXT_CASE("RFC 7692 7.2.3.1: Hello in two fragments, every split");
    CHECK(t_every_split(PMD, 15, two, sizeof two, "open; msg T:Hello"));
    AXT_CASE("RFC 7692 7.2.3.2: context takeover, every split");
    CHECK(t_every_split(PMD, 15, takeover, sizeof takeover, "open; msg T:Hello; msg T:Hello"));
    AXT_CASE("RFC 7692 7.2.3.2: no context takeover, every split");
    CHECK(t_every_split(PMD "; server_no_context_takeover", 15, fresh, sizeof fresh, "open; msg T:Hello; msg T:Hello"));
    AXT_CASE("RFC 7692 7.2.3.2: the second message needs history no_context_takeover forbids");
    CHECK(t_every_split(PMD "; server_no_context_takeover", 15, takeover, sizeof takeover,
                        "open; msg T:Hello; err -25"));
    CHECK_EQ(g_t.c.sent_close, 1007);
    AXT_CASE("RFC 7692 7.2.3.3: a stored block, every split");
    CHECK(t_every_split(PMD, 15, stored, sizeof stored, "open; msg T:Hello"));
    AXT_CASE("RFC 7692 7.2.3.4: a final block, every split");
    CHECK(t_every_split(PMD, 15, final_block, sizeof final_block, "open; msg T:Hello"));
    AXT_CASE("a ping inside a compressed message, then plain and binary messages");
    CHECK(t_every_split(PMD, 15, mixed, sizeof mixed, "open; ping:p; msg T:Hello; msg T:abc; msg B:Hello"));
    AXT_CASE("an empty compressed message");
    CHECK(t_every_split(PMD, 15, empty, sizeof empty, "open; msg T:"));
}

static void test_frame_errors(void) {
    static const struct { const uint8_t f[16]; size_t n; const char *ext; const char *log; int sent; int err; const char *name; } cases[] = {
        {{0xc9, 0x00}, 2, PMD, "open; err -11", 1002, AXWS_EPROTO, "RSV1 on a ping"},
        {{0x41, 0x03, 0xf2, 0x48, 0xcd, 0xc0, 0x04, 0xc9, 0xc9, 0x07, 0x00}, 11, PMD, "open; err -11", 1002,
         AXWS_EPROTO, "RSV1 on a continuation"},
        {{0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, 9, NULL, "open; err -11", 1002, AXWS_EPROTO,
         "RSV1 without negotiation"},
        {{0xa1, 0x00}, 2, PMD, "open; err -11", 1002, AXWS_EPROTO, "RSV2 stays reserved"},
        {{0xc1, 0x01, 0x07}, 3, PMD, "open; err -25", 1007, AXWS_EDEFLATE, "block type 3"},
        {{0xc1, 0x02, 0xf2, 0x48}, 4, PMD, "open; err -25", 1007, AXWS_EDEFLATE, "data stopping inside a block"},
        /* "\xff" compressed with a fixed code: invalid UTF-8 once inflated */
        {{0xc1, 0x06, 0xfa, 0x0f, 0x00, 0x00, 0x00, 0x00}, 8, PMD, "open; err -12", 1007, AXWS_EUTF8,
         "invalid UTF-8 after inflating"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        AXT_CASE(cases[i].name);
        CHECK(t_every_split(cases[i].ext, 15, cases[i].f, cases[i].n, cases[i].log));
        CHECK_EQ(g_t.c.sent_close, cases[i].sent);
        CHECK_EQ(axws_error(&g_t.c), cases[i].err);
    }
    AXT_CASE("describe names the inflate's reason");
    {
        static const uint8_t bad[] = {0xc1, 0x01, 0x07};
        char why[AXWS_DESCRIBE_MAX];
        t_open(&g_t, 1, 15, 0, PMD, NULL, 0);
        t_feed(&g_t, bad, sizeof bad, NULL, 0);
        axws_describe(&g_t.c, why, sizeof why);
        CHECK(strstr(why, "invalid compressed data") != NULL);
        CHECK(strstr(why, "the compressed data is invalid: a block of the reserved type 3") != NULL);
        CHECK(strstr(why, "close code 1007 sent") != NULL);
    }
}

/* Messages compressed by zlib as a server does, framed (fragments of `frag` bytes, 0 = one
   frame each), fed to the connection; the log must list the originals. */
static size_t t_frames(uint8_t *out, size_t cap, const uint8_t *const *msgs, const size_t *lens, int n, int wbits,
                       int takeover, size_t frag, int opcode) {
    static uint8_t comp[1 << 21];
    size_t clens[64], o = 0;
    int i;
    if (!zdeflate_msgs(msgs, lens, n, 6, Z_DEFAULT_STRATEGY, wbits, comp, sizeof comp, clens, takeover)) return 0;
    {
        size_t at = 0;
        for (i = 0; i < n; i++) {
            size_t left = clens[i], off = 0;
            int first = 1;
            do {
                size_t k = frag && left > frag ? frag : left;
                int fin = k == left;
                uint8_t b0 = (uint8_t)((fin ? 0x80 : 0) | (first ? 0x40 | opcode : 0));
                if (o + k + 10 > cap) return 0;
                out[o++] = b0;
                if (k < 126) out[o++] = (uint8_t)k;
                else if (k <= 0xFFFF) { out[o++] = 126; out[o++] = (uint8_t)(k >> 8); out[o++] = (uint8_t)k; }
                else { int b; out[o++] = 127; for (b = 7; b >= 0; b--) out[o++] = (uint8_t)((uint64_t)k >> (8 * b)); }
                memcpy(out + o, comp + at + off, k);
                o += k;
                off += k;
                left -= k;
                first = 0;
            } while (left);
            at += clens[i] + 4;
        }
    }
    return o;
}

static void test_zlib_messages(void) {
    static uint8_t data[6][200000], frames[1 << 21];
    static tconn want;
    static char what[96];
    static const size_t sizes[6] = {10, 300, 5000, 40000, 70000, 130000};
    const uint8_t *msgs[6];
    int wb, shape, i;
    for (i = 0; i < 6; i++) msgs[i] = data[i];
    for (wb = 9; wb <= 15; wb += 3)
        for (shape = 0; shape < 4; shape++) {
            size_t n, lens[6], frag = shape == 1 ? 1000 : shape == 2 ? 70 : 0;
            char ext[96];
            int msgs_n = shape == 3 ? 4 : 5; /* msg_buf holds 70000: the 130000 one only in chunks */
            want.loglen = 0;
            t_add(&want, "open", NULL, 0);
            for (i = 0; i < msgs_n; i++) {
                lens[i] = sizes[i];
                make_data(data[i], sizes[i], (shape + i) % 4); /* random bytes too: binary */
                t_add(&want, "msg B", data[i], sizes[i]);
            }
            n = t_frames(frames, sizeof frames, msgs, lens, msgs_n, wb, shape != 2, frag, AXWS_OP_BINARY);
            snprintf(ext, sizeof ext, PMD "; server_max_window_bits=%d%s", wb, shape == 2 ? "; server_no_context_takeover" : "");
            snprintf(what, sizeof what, "zlib messages, window %d, shape %d, fragments %zu", wb, shape, frag);
            AXT_CASE(what);
            CHECK(n > 0);
            CHECK(t_every_split(ext, wb, frames, n, want.log));
        }
    AXT_CASE("text: the JSON-like stream, UTF-8 checked after inflating");
    {
        size_t lens[3] = {3000, 20000, 100}, n;
        want.loglen = 0;
        t_add(&want, "open", NULL, 0);
        for (i = 0; i < 3; i++) {
            make_data(data[i], lens[i], 0);
            if (i == 1) memcpy(data[i] + 500, "\xe3\x81\xb2\xe3\x81\x8d", 6); /* UTF-8 */
            t_add(&want, "msg T", data[i], lens[i]);
        }
        n = t_frames(frames, sizeof frames, msgs, lens, 3, 15, 1, 777, AXWS_OP_TEXT);
        CHECK(t_every_split(PMD, 15, frames, n, want.log));
    }
    AXT_CASE("chunk mode: a message larger than msg_buf would be, fin on the last chunk");
    {
        size_t lens[1] = {130000}, n;
        make_data(data[5], lens[0], 0);
        msgs[0] = data[5];
        n = t_frames(frames, sizeof frames, msgs, lens, 1, 15, 1, 0, AXWS_OP_BINARY);
        t_open(&g_t, 0, 15, 0, PMD, NULL, 0);
        want.loglen = 0;
        t_add(&want, "open", NULL, 0);
        t_add(&want, "msg B", data[5], lens[0]);
        CHECK(strcmp(t_feed(&g_t, frames, n, NULL, 0), want.log) == 0);
    }
}

static void test_bombs(void) {
    static uint8_t zeros[1 << 20], frames[1 << 16];
    const uint8_t *m = zeros;
    size_t len = sizeof zeros, n;
    AXT_CASE("a bomb in msg_buf mode stops at msg_size with 1009");
    n = t_frames(frames, sizeof frames, &m, &len, 1, 15, 1, 0, AXWS_OP_BINARY);
    CHECK(n > 0 && n < 2000); /* a megabyte in about a kilobyte */
    t_open(&g_t, 1, 15, 0, PMD, NULL, 0);
    t_feed(&g_t, frames, n, NULL, 0);
    CHECK(strcmp(g_t.log, "open; err -10") == 0);
    CHECK_EQ(g_t.c.sent_close, 1009);
    CHECK_EQ(g_t.c.fail_detail, AXWS__D_DEFLATE_BIG);
    AXT_CASE("a bomb in chunk mode stops at cfg.deflate.max_message with 1009");
    t_open(&g_t, 0, 15, 0, PMD, NULL, 0);
    g_t.c.cfg.deflate.max_message = 100000;
    t_feed(&g_t, frames, n, NULL, 0);
    CHECK_EQ(axws_error(&g_t.c), AXWS_ETOOBIG);
    CHECK_EQ(g_t.c.sent_close, 1009);
    CHECK(g_t.chunk_len <= 100000);
    AXT_CASE("chunk mode: the default limit lets a megabyte through");
    t_open(&g_t, 0, 15, 0, PMD, NULL, 0);
    t_feed(&g_t, frames, n, NULL, 0);
    CHECK_EQ(axws_error(&g_t.c), 0);
    CHECK(strstr(g_t.log, "msg B:1048576#") != NULL);
}

#ifndef AXWS_NO_AXIOM
/* The Axiom stream compressed with context takeover, fed in chunk mode to the Axiom
   decoder at every split: every frame decodes as it does uncompressed. */
static void test_axiom_stream(void) {
    static uint8_t frames[1 << 16];
    static const uint8_t *msgs[64];
    static size_t lens[64];
    size_t flen, n, k;
    int count = 0, plain_decoded, plain_errors = 0, ok = 1;
    char *file = axt_read_file("/work/shared/axiom/frames.jsonl", &flen), *p;
    AXT_CASE("the Axiom stream through permessage-deflate into the decoder");
    if (!file) file = axt_read_file("../shared/axiom/frames.jsonl", &flen);
    CHECK(file != NULL);
    if (!file) return;
    for (p = file; p < file + flen && count < 64;) {
        char *nl = memchr(p, '\n', (size_t)(file + flen - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(file + flen - p);
        if (l) { msgs[count] = (const uint8_t *)p; lens[count++] = l; }
        p += l + 1;
    }
    n = t_frames(frames, sizeof frames, msgs, lens, count, 15, 1, 0, AXWS_OP_TEXT);
    CHECK(n > 0);
    /* the reference: every message decoded whole */
    {
        axws_axiom_decoder d;
        static uint8_t buf[65536];
        int i;
        g_t.decoded = 0;
        axws_axiom_decoder_init(&d, buf, sizeof buf);
        for (i = 0; i < count; i++)
            if (axws_axiom_decoder_chunk(&d, msgs[i], lens[i], 1, t_decoded, &g_t) < 0) plain_errors++;
        plain_decoded = g_t.decoded;
    }
    CHECK(plain_decoded == count); /* "not json" too: delivered raw */
    CHECK_EQ(plain_errors, 1);
    for (k = 0; k <= n && ok; k += (k < 300 ? 1 : 97)) {
        size_t cut = k;
        t_open(&g_t, 0, 15, 0, PMD, NULL, 0);
        g_t.decoder = 1;
        t_feed(&g_t, frames, n, &cut, 1);
        ok = g_t.decoded == plain_decoded && g_t.decode_errors == plain_errors && axws_error(&g_t.c) == 0;
        if (!ok) fprintf(stderr, "  cut %zu: decoded %d of %d, errors %d\n", k, g_t.decoded, plain_decoded, g_t.decode_errors);
    }
    g_t.decoder = 0;
    CHECK(ok);
    free(file);
}
#endif

/* The fixed codes' tables in the header are what the table builder makes of RFC 1951
   3.2.6's code lengths. */
static void test_fixed_tables(void) {
    static uint8_t lens[320];
    static uint16_t sorted[320];
    static uint32_t t[852];
    int i;
    AXT_CASE("the fixed tables in flash equal a fresh build");
    for (i = 0; i < 288; i++) lens[i] = (uint8_t)(i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8);
    CHECK_EQ(axws__inf_build(t, lens, 288, 1, sorted), 0);
    CHECK(memcmp(t, axws__inf_fixed_len, sizeof axws__inf_fixed_len) == 0);
    for (i = 0; i < 32; i++) lens[i] = 5;
    CHECK_EQ(axws__inf_build(t, lens, 32, 2, sorted), 0);
    CHECK(memcmp(t, axws__inf_fixed_dist, sizeof axws__inf_fixed_dist) == 0);
}

int main(void) {
    test_fixed_tables();
    test_rfc7692_examples();
    test_block_types();
    test_windows();
    test_messages();
    test_errors();
    test_corruption();
    test_offer_and_answer();
    test_rfc7692_frames();
    test_frame_errors();
    test_zlib_messages();
    test_bombs();
#ifndef AXWS_NO_AXIOM
    test_axiom_stream();
#endif
    AXT_CASE("state size");
    CHECK(AXWS_INFLATE_STATE_SIZE <= 6808); /* the README quotes it */
    return axt_report();
}
