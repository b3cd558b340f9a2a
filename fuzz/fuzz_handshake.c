/* fuzz/fuzz_handshake.c - libFuzzer target for the upgrade response parser (issue 2, item 4).

   The core is started on a ws:// URL (no socket); the fuzz input is fed as the server's
   answer to the upgrade request, in two pieces split where the input says. When the input
   asks for it, every "{A}" in it is replaced by the correct Sec-WebSocket-Accept value for
   the key the client sent (computed with BearSSL's SHA-1), so the fuzzer reaches the 101
   paths and what follows them. Invariants (abort() when broken):

     - OPEN happens only if the bytes fed contain the correct accept value, and only once
     - a negotiated subprotocol is one the client offered
     - during OPEN, axws_header() values are readable (ASan checks the bounds) and hold no
       CR/LF; a refused upgrade (AXWS_EHTTP) has a 3-digit status (0..999) other than 101, and
       its reason and Location are readable and hold no CR/LF
     - the client sends nothing but the request before OPEN, and never an unmasked frame
     - an ERROR event carries a negative code; by the end (EOF + close timeout) the state is
       CLOSED with exactly one CLOSE event; nothing is delivered after it

   Input layout:
     byte 0    bit 0 splice the accept value for "{A}"; bit 1 offer subprotocols
               "chat, superchat"; bits 2-3 max_handshake default/256/1024/8192; bit 4
               streaming mode; bit 5 request with Origin and extra headers
     bytes 1-2 split position (big-endian, modulo the length)
     rest      the response (and whatever follows it)

   Build: make build/fuzz/fuzz_handshake (clang libFuzzer) or build/fuzz/replay_fuzz_handshake. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(why) do { fprintf(stderr, "fuzz_handshake invariant broken: %s (line %d)\n", why, __LINE__); abort(); } while (0)



static uint8_t rx[4096], tx[16384], msg[4096];
static uint8_t input[1 << 17];

static struct run {
    axws_conn c;
    int opens, closes, errors, offered;
    uint64_t rng;
    unsigned sum; /* touches every byte the getters return, so ASan sees the reads */
} R;

static void fz_random(void *user, void *buf, size_t len) {
    uint8_t *p = (uint8_t *)buf;
    size_t i;
    (void)user;
    for (i = 0; i < len; i++) {
        R.rng = R.rng * 6364136223846793005ull + 1442695040888963407ull;
        p[i] = (uint8_t)(R.rng >> 56);
    }
}

static void touch(const char *s, size_t n, int allow_crlf) {
    size_t i;
    for (i = 0; i < n; i++) {
        R.sum += (unsigned char)s[i];
        if (!allow_crlf && (s[i] == '\r' || s[i] == '\n')) FAIL("CR/LF inside a header value");
    }
}

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    static const char *const names[] = {"Upgrade", "connection", "Sec-WebSocket-Accept", "Set-Cookie",
                                        "Location", "X", "", "sec-websocket-protocol"};
    (void)user;
    {
        const char *bad = fz_event_check(c, &R.c, R.closes, ev);
        if (bad) FAIL(bad);
    }
    if (ev->data) touch((const char *)ev->data, ev->len, 1);
    switch (ev->type) {
    case AXWS_EV_OPEN: {
        size_t i;
        const char *sp;
        if (R.opens++ || R.errors) FAIL("OPEN twice or after an error");
        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
            int idx;
            for (idx = 0; idx < 3; idx++) {
                size_t n = 0;
                const char *v = axws_header(c, names[i], idx, &n);
                if (v) touch(v, n, 0);
            }
        }
        sp = axws_subprotocol(c);
        if (sp) {
            if (!R.offered || (strcmp(sp, "chat") != 0 && strcmp(sp, "superchat") != 0))
                FAIL("subprotocol that was not offered");
        }
        break;
    }
    case AXWS_EV_ERROR:
        R.errors++;
        if (ev->error >= 0) FAIL("ERROR event without an error");
        break;
    case AXWS_EV_CLOSE:
        R.closes++;
        if (ev->error > 0) FAIL("positive error");
        break;
    default:
        break;
    }
}

/* Everything after the request must be masked frames (checked loosely: the mask bit). */
static void drain(int opened, size_t *frames_bytes) {
    int guard = 0;
    for (;;) {
        size_t n = 0;
        const uint8_t *p = axws_output(&R.c, &n);
        if (!p || !n) break;
        if (!opened) FAIL("output before OPEN other than the request");
        if (*frames_bytes == 0 && n >= 2 && !(p[1] & 0x80)) FAIL("unmasked client frame");
        *frames_bytes += n;
        axws_output_ack(&R.c, n);
        if (++guard > 100000) FAIL("output never empties");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const size_t limits[4] = {0, 256, 1024, 8192};
    static const char *const extra[] = {"Cookie: a=b", "User-Agent: fuzz", NULL};
    axws_config cfg;
    char store[256], accept[32];
    size_t len = 0, i, split, frames_bytes = 0;
    int64_t now = 5000;
    uint8_t conf;

    if (size < 3) return 0;
    conf = data[0];
    memset(&R, 0, sizeof R);
    memset(&cfg, 0, sizeof cfg);
    R.rng = 99 + size;
    R.offered = (conf >> 1) & 1;
    cfg.rx_buf = rx;
    cfg.rx_size = sizeof rx;
    cfg.tx_buf = tx;
    cfg.tx_size = sizeof tx;
    cfg.max_handshake = limits[(conf >> 2) & 3];
    if (!((conf >> 4) & 1)) {
        cfg.msg_buf = msg;
        cfg.msg_size = sizeof msg;
    }
    if (R.offered) cfg.subprotocols = "chat, superchat";
    if ((conf >> 5) & 1) {
        cfg.origin = "https://fuzz.example";
        cfg.headers = extra;
    }
    cfg.on_event = on_event;
    cfg.random = fz_random;
    {
        const char *bad = fz_start(&R.c, &cfg, "ws://[::1]:9001/hs", store, sizeof store, now,
                                   accept);
        if (bad) FAIL(bad);
    }

    /* the response, with the accept spliced in when asked */
    for (i = 3; i < size && len + 28 < sizeof input; i++) {
        if ((conf & 1) && i + 2 < size && data[i] == '{' && data[i + 1] == 'A' && data[i + 2] == '}') {
            memcpy(input + len, accept, 28);
            len += 28;
            i += 2;
        } else input[len++] = data[i];
    }
    split = len ? ((size_t)data[1] << 8 | data[2]) % (len + 1) : 0;

    {
        size_t off = 0, part;
        int round;
        for (round = 0; round < 2; round++) {
            size_t end = round == 0 ? split : len;
            int guard = 0;
            while (off < end) {
                part = axws_feed(&R.c, input + off, end - off, now);
                if (part > end - off) FAIL("feed consumed more than it was given");
                off += part;
                drain(R.opens, &frames_bytes);
                if (part == 0 && ++guard > 2) break; /* ended (or refused): the rest is not read */
            }
            if (off < end) break;
        }
    }
    if (R.opens) {
        /* RFC 6455 4.1: the client must not open without the right accept value */
        size_t j;
        int found = 0;
        for (j = 0; j + 28 <= len && !found; j++)
            if (memcmp(input + j, accept, 28) == 0) found = 1;
        if (!found) FAIL("OPEN without the correct Sec-WebSocket-Accept in the response");
    }
    if (axws_error(&R.c) == AXWS_EHTTP) {
        int st = axws_http_status(&R.c);
        const char *s;
        size_t sl = 0;
        /* RFC 7230 3.1.2: status-code = 3DIGIT (so "050" is 50, syntactically) */
        if (st < 0 || st > 999 || st == 101) FAIL("EHTTP with an odd status");
        s = axws_http_reason(&R.c, &sl);
        if (s) touch(s, sl, 0);
        sl = 0;
        s = axws_location(&R.c, &sl);
        if (s) touch(s, sl, 0);
    }
    if (axws_conn_state(&R.c) != AXWS_STATE_CLOSED) axws_feed_eof(&R.c, now);
    drain(R.opens, &frames_bytes);
    if (axws_conn_state(&R.c) != AXWS_STATE_CLOSED) axws_tick(&R.c, now + 3600 * 1000);
    drain(R.opens, &frames_bytes);
    if (axws_conn_state(&R.c) != AXWS_STATE_CLOSED) FAIL("not CLOSED after EOF and the close timeout");
    if (R.closes != 1) FAIL("not exactly one CLOSE event");
    return 0;
}
