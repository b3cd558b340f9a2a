/* fuzz/fuzz_inflate.c - libFuzzer target for the inflate (RFC 1951), differential against
   zlib's inflate (the reference, linked into this harness only: Makefile FUZZ_LIBS_*).

   The input is a raw deflate stream behind a configuration byte and a piece size. zlib
   inflates it in one call; the library inflates it in pieces of the chosen size with the
   chosen output limit per call. Then:

     - zlib finds the end of the stream => so do we, with the same bytes out and the same
       number of input bytes used
     - zlib finds invalid data          => so do we (an error, sticky)
     - we want more input               => so does zlib, and the bytes out are the same
     - we find invalid data where zlib wants more input: allowed (an invalid code found
       before all of its bits arrived); what we made is then a prefix of zlib's output
     - every call keeps its promises: in_used <= in_len, out_len <= max_out, the output
       inside the window, NEED_INPUT only after taking all input
     - one known difference: in one call zlib lets a distance reach past its window into
       the output buffer; ours stops at the window (AXWS_INFLATE_E_FAR). Then the stream,
       inflated again with a 15-bit window, must give what zlib gave

   Input layout:
     byte 0   bits 0-2: window bits - 8 (8..15, zlib inflates with the same window);
              bits 3-5: output limit per call 1, 2, 7, 258, 1000, 4096, 65536, none;
              bit 6: pieces of (byte 1 + 1) bytes, else the whole stream in one call
     byte 1   piece size - 1
     rest     the deflate stream

   Output past 1 MiB is not compared (a tiny input can inflate to far more).
   Build: make build/fuzz/fuzz_inflate (clang libFuzzer) or build/fuzz/replay_fuzz_inflate. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(why) do { fprintf(stderr, "fuzz_inflate: %s (line %d)\n", why, __LINE__); abort(); } while (0)
#define CAP (1u << 20)

static uint8_t zout[CAP], ours[CAP], window[1 << 15];
static axws_inflate state;

/* Inflate in[0..n) with our inflate in pieces; returns the last result. */
static int run_ours(const uint8_t *in, size_t n, int wbits, size_t piece, size_t max_out, size_t *olen_out,
                    size_t *pos_out, int *big) {
    size_t olen = 0, pos = 0;
    int r = AXWS_INFLATE_NEED_INPUT;
    *big = 0;
    if (axws_inflate_init(&state, window, wbits) != 0) FAIL("init");
    while (pos <= n) {
        size_t stop = piece == (size_t)-1 || n - pos < piece ? n : pos + piece;
        for (;;) {
            const uint8_t *out;
            size_t used, got;
            r = axws_inflate_run(&state, in + pos, stop - pos, &used, max_out, &out, &got);
            if (used > stop - pos || got > max_out) FAIL("a call broke its limits");
            if (got && (out < window || out + got > window + ((size_t)1 << wbits))) FAIL("output outside the window");
            if (olen + got > CAP) { *big = 1; break; }
            memcpy(ours + olen, out, got);
            olen += got;
            pos += used;
            if (r == AXWS_INFLATE_NEED_INPUT && pos != stop) FAIL("NEED_INPUT with input left");
            if (r != AXWS_INFLATE_OUTPUT_FULL) break;
        }
        if (*big || r < 0 || r == AXWS_INFLATE_END || pos == n) break;
    }
    *olen_out = olen;
    *pos_out = pos;
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const size_t limits[8] = {1, 2, 7, 258, 1000, 4096, 65536, (size_t)-1};
    const uint8_t *in;
    size_t n, piece, max_out, zlen, olen = 0, pos = 0, zused;
    int wbits, zv, r, big = 0;
    z_stream z;
    if (size < 2) return 0;
    wbits = 8 + (data[0] & 7);
    max_out = limits[(data[0] >> 3) & 7];
    piece = data[0] & 0x40 ? (size_t)data[1] + 1 : (size_t)-1;
    in = data + 2;
    n = size - 2;

    /* zlib, in one call */
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -wbits) != Z_OK) FAIL("zlib init");
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = zout;
    z.avail_out = CAP;
    zv = inflate(&z, Z_SYNC_FLUSH);
    zlen = CAP - z.avail_out;
    zused = n - z.avail_in;
    inflateEnd(&z);
    if (zv == Z_STREAM_END) zv = 1;
    else if (zv == Z_DATA_ERROR) zv = -1;
    else if (z.avail_out == 0) return 0; /* more than CAP: not compared */
    else zv = 0;

    r = run_ours(in, n, wbits, piece, max_out, &olen, &pos, &big);
    if (big) return 0;
    if (r == AXWS_EDEFLATE && state.err == 0) FAIL("an error without a reason");
    if (r == AXWS_EDEFLATE && state.err == AXWS_INFLATE_E_FAR && wbits < 15 && zv != -1) {
        /* zlib lets a distance reach past its window into the output buffer of the same
           call; ours stops at the window. Then the stream must inflate with a full window
           as zlib does, and what we made is a prefix of it */
        size_t olen15, pos15;
        if (memcmp(ours, zout, olen < zlen ? olen : zlen) != 0) FAIL("output before the far distance differs");
        r = run_ours(in, n, 15, piece, max_out, &olen15, &pos15, &big);
        if (big) return 0;
        olen = olen15;
        pos = pos15;
    }

    if (zv == 1) {
        if (r != AXWS_INFLATE_END) FAIL("zlib found the end, we did not");
        if (olen != zlen || memcmp(ours, zout, zlen) != 0) FAIL("different output");
        if (pos != zused) FAIL("a different number of input bytes used");
    } else if (zv == -1) {
        if (r != AXWS_EDEFLATE) FAIL("zlib found invalid data, we did not");
    } else {
        if (r == AXWS_INFLATE_END) FAIL("we found an end zlib did not");
        if (r == AXWS_INFLATE_NEED_INPUT && (olen != zlen || memcmp(ours, zout, zlen) != 0))
            FAIL("different output while both want more");
        if (r == AXWS_EDEFLATE && (olen > zlen || memcmp(ours, zout, olen) != 0)) FAIL("output not a prefix of zlib's");
    }
    return 0;
}
