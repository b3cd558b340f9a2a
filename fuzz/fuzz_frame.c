/* fuzz/fuzz_frame.c - libFuzzer target for the frame decoder (issue 2, items 5-7).

   Drives the sans-IO core with no socket: axws_init, axws_start on a parsed ws:// URL, a
   valid 101 (its Sec-WebSocket-Accept computed from the key the client put in its request,
   with BearSSL's SHA-1), then the fuzz input as server bytes, fed in pieces whose sizes the
   input chooses. The event callback checks invariants and abort()s when one breaks:

     - events: OPEN once and first; nothing after CLOSE; exactly one CLOSE by the end
     - MESSAGE only with a msg_buf, CHUNK only without; opcode TEXT or BINARY; len <= msg_size
     - CHUNK offsets run on from 0 with one opcode per message
     - TEXT data is valid UTF-8 (whole messages; the chunks of a streamed message are a
       valid prefix at every point and complete at fin), checked by our own validator
     - ping/pong payloads <= 125 bytes; a clean CLOSE reports a valid code or 1005 and a
       UTF-8 reason of <= 123 bytes; data is never NULL when len > 0
     - the client's bytes after the request are well-formed frames: masked, RSV clear,
       known opcodes, control frames <= 125 bytes and final, nothing after a close
     - axws_feed never consumes more than it was given, and makes progress on an OPEN
       connection once the output is drained
     - differential: unless timers or echo are on, the same bytes fed whole give the same
       events (streamed chunks folded per message) and the same client frames

   Input layout:
     byte 0   configuration: bit 0 streaming (no msg_buf); bits 1-2 msg_size 16/125/1024/65536;
              bits 3-4 tx_size 512/1024/4096/65536; bit 5 echo every message from the
              callback; bit 6 drain output only when axws_feed stalls; bit 7 run timers with
              the clock advancing (keepalive, dead peer, close timeout)
     bytes 1-4 piece sizes (each + 1), used in turn; byte 1 = 0xFF feeds everything at once
     rest     the server's bytes after the 101

   Build: make build/fuzz/fuzz_frame (clang libFuzzer) or build/fuzz/replay_fuzz_frame. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(why) do { fprintf(stderr, "fuzz_frame invariant broken: %s (line %d)\n", why, __LINE__); abort(); } while (0)

/* ------------------------------------------------------------ our own UTF-8 validator */

/* state: 0 = between characters, else (bytes still needed) | (low bound << 8) | (high << 16);
   returns -1 on an invalid byte. Written independently of the library's. */
static int u8_step(uint32_t *state, uint8_t b) {
    uint32_t st = *state;
    if (st == 0) {
        if (b < 0x80) return 0;
        if (b >= 0xC2 && b <= 0xDF) st = 1 | 0x80u << 8 | 0xBFu << 16;
        else if (b == 0xE0) st = 2 | 0xA0u << 8 | 0xBFu << 16;
        else if (b == 0xED) st = 2 | 0x80u << 8 | 0x9Fu << 16;
        else if (b >= 0xE1 && b <= 0xEF) st = 2 | 0x80u << 8 | 0xBFu << 16;
        else if (b == 0xF0) st = 3 | 0x90u << 8 | 0xBFu << 16;
        else if (b == 0xF4) st = 3 | 0x80u << 8 | 0x8Fu << 16;
        else if (b >= 0xF1 && b <= 0xF3) st = 3 | 0x80u << 8 | 0xBFu << 16;
        else return -1;
        *state = st;
        return 0;
    }
    if (b < ((st >> 8) & 0xFF) || b > ((st >> 16) & 0xFF)) return -1;
    st = (st & 0xFF) - 1;
    *state = st ? (st | 0x80u << 8 | 0xBFu << 16) : 0;
    return 0;
}
static int u8_scan(uint32_t *state, const uint8_t *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++)
        if (u8_step(state, p[i])) return -1;
    return 0;
}


/* ------------------------------------------------------------ state of one run */

static uint8_t rx[4096], tx[65536], msg[65536];
static uint8_t outbuf[1 << 20];
static size_t out_len;
static int out_overflow;

static struct run {
    axws_conn c;
    int stream, echo;
    size_t msg_size;
    int opens, closes, events;
    int in_msg, msg_op;
    uint64_t msg_off;
    uint32_t u8;
    int echo_ok, echo_frag;
    uint64_t rng;
    uint64_t evh;  /* hash of the normalised event stream (chunks folded per message) */
    uint64_t msgh; /* hash of the streamed message so far */
} R;

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
    const uint8_t *b = (const uint8_t *)p;
    size_t i;
    for (i = 0; i < n; i++) { h ^= b[i]; h *= 1099511628211ull; }
    return h;
}
static void fold(uint64_t v) { R.evh = fnv(R.evh, &v, sizeof v); }

static void fz_random(void *user, void *buf, size_t len) {
    uint8_t *p = (uint8_t *)buf;
    size_t i;
    (void)user;
    for (i = 0; i < len; i++) {
        R.rng = R.rng * 6364136223846793005ull + 1442695040888963407ull;
        p[i] = (uint8_t)(R.rng >> 56);
    }
}

static int close_code_ok(int code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    (void)user;
    {
        const char *bad = fz_event_check(c, &R.c, R.closes, ev);
        if (bad) FAIL(bad);
    }
    R.events++;
    switch (ev->type) {
    case AXWS_EV_OPEN:
        if (R.opens++ || R.events != 1) FAIL("OPEN not first or twice");
        fold(1);
        break;
    case AXWS_EV_MESSAGE: {
        uint32_t st = 0;
        if (R.stream) FAIL("MESSAGE in streaming mode");
        if (ev->opcode != AXWS_OP_TEXT && ev->opcode != AXWS_OP_BINARY) FAIL("message opcode");
        if (ev->len > R.msg_size) FAIL("message longer than msg_size");
        if (ev->opcode == AXWS_OP_TEXT && (u8_scan(&st, ev->data, ev->len) || st)) FAIL("TEXT message not UTF-8");
        fold(2); fold((uint64_t)ev->opcode); fold(ev->len); fold(fnv(14695981039346656037ull, ev->data, ev->len));
        if (R.echo && R.echo_ok) {
            int rc = axws_send(c, ev->opcode, ev->data, ev->len);
            /* ETOOBIG: the message can never fit this tx_buf (send it in fragments) */
            if (rc != 0 && rc != AXWS_EWOULDBLOCK && rc != AXWS_ETOOBIG) FAIL("echo send failed oddly");
            if (rc == AXWS_ETOOBIG && ev->len + 14 <= axws_tx_free(c)) FAIL("ETOOBIG for a message that fits now");
        }
        break;
    }
    case AXWS_EV_CHUNK:
        if (!R.stream) FAIL("CHUNK in msg_buf mode");
        if (ev->opcode != AXWS_OP_TEXT && ev->opcode != AXWS_OP_BINARY) FAIL("chunk opcode");
        if (!R.in_msg) {
            R.in_msg = 1;
            R.msg_op = ev->opcode;
            R.msg_off = 0;
            R.u8 = 0;
            R.msgh = 14695981039346656037ull;
            if (!R.echo_frag) R.echo_ok = 1;
        }
        R.msgh = fnv(R.msgh, ev->data, ev->len);
        if (ev->opcode != R.msg_op) FAIL("chunk opcode changed within a message");
        if (ev->offset != R.msg_off) FAIL("chunk offset does not continue the message");
        R.msg_off += ev->len;
        if (ev->opcode == AXWS_OP_TEXT) {
            if (u8_scan(&R.u8, ev->data, ev->len)) FAIL("TEXT chunk not a valid UTF-8 prefix");
            if (ev->fin && R.u8) FAIL("TEXT message ends inside a code point");
        }
        if (R.echo && R.echo_ok) {
            /* echo the stream as fragments; after a refused piece the echo stops */
            int rc = axws_send_fragment(c, R.echo_frag ? AXWS_OP_CONT : ev->opcode, ev->data, ev->len, ev->fin);
            if (rc == 0) R.echo_frag = !ev->fin;
            else R.echo_ok = 0;
        }
        if (ev->fin) {
            R.in_msg = 0;
            fold(2); fold((uint64_t)ev->opcode); fold(R.msg_off); fold(R.msgh);
        }
        break;
    case AXWS_EV_PING:
    case AXWS_EV_PONG:
        if (ev->len > 125) FAIL("control payload over 125");
        fold((uint64_t)ev->type); fold(fnv(14695981039346656037ull, ev->data, ev->len));
        break;
    case AXWS_EV_CLOSE: {
        uint32_t st = 0;
        R.closes++;
        if (ev->len > 123) FAIL("close reason over 123 bytes");
        if (u8_scan(&st, ev->data, ev->len) || st) FAIL("close reason not UTF-8");
        if (ev->error == 0 && !(close_code_ok(ev->close_code) || ev->close_code == AXWS_CLOSE_NO_STATUS))
            FAIL("clean close with an invalid code");
        if (ev->error > 0) FAIL("positive error");
        fold(6); fold((uint64_t)ev->close_code); fold((uint64_t)(int64_t)ev->error);
        fold(fnv(14695981039346656037ull, ev->data, ev->len));
        break;
    }
    case AXWS_EV_ERROR:
        if (ev->error >= 0) FAIL("ERROR event without an error");
        fold(7); fold((uint64_t)(int64_t)ev->error);
        break;
    default:
        FAIL("unknown event type");
    }
}

/* Moves the client's queued bytes into outbuf (checked once the run ends). */
static void drain(void) {
    int guard = 0;
    for (;;) {
        size_t n = 0;
        const uint8_t *p = axws_output(&R.c, &n);
        if (!p || !n) break;
        if (out_len + n <= sizeof outbuf) {
            memcpy(outbuf + out_len, p, n);
            out_len += n;
        } else out_overflow = 1;
        axws_output_ack(&R.c, n);
        if (++guard > 100000) FAIL("output never empties");
    }
}

/* RFC 6455 5.2-5.5 for what the client sent. */
static uint64_t check_client_frames(const uint8_t *p, size_t n) {
    size_t i = 0, k;
    int closed = 0, frag = 0;
    uint64_t h = 14695981039346656037ull;
    while (i < n) {
        size_t hl = 2, len;
        int op, fin;
        if (n - i < 2) FAIL("client output ends inside a frame header");
        op = p[i] & 15;
        fin = p[i] >> 7;
        if (closed) FAIL("client frame after its close frame");
        if (p[i] & 0x70) FAIL("client frame with RSV bits");
        if (!(p[i + 1] & 0x80)) FAIL("unmasked client frame");
        len = p[i + 1] & 127;
        if (len == 126) {
            if (n - i < 4) FAIL("truncated header");
            len = (size_t)p[i + 2] << 8 | p[i + 3];
            if (len < 126) FAIL("non-minimal 16-bit length");
            hl = 4;
        } else if (len == 127) {
            uint64_t v = 0;
            int k;
            if (n - i < 10) FAIL("truncated header");
            for (k = 0; k < 8; k++) v = v << 8 | p[i + 2 + k];
            if (v < 65536 || v >> 63) FAIL("bad 64-bit length");
            len = (size_t)v;
            hl = 10;
        }
        hl += 4;
        if (n - i < hl || n - i - hl < len) FAIL("client output ends inside a frame");
        if (op >= 8) {
            if (!fin || len > 125) FAIL("client control frame fragmented or over 125");
            if (op > 10) FAIL("client reserved control opcode");
            if (op == AXWS_OP_CLOSE) {
                const uint8_t *k = p + i + hl - 4;
                if (len == 1) FAIL("client close with 1 byte");
                if (len >= 2) {
                    int code = (p[i + hl] ^ k[0]) << 8 | (p[i + hl + 1] ^ k[1]);
                    if (!close_code_ok(code)) FAIL("client sent an invalid close code");
                }
                closed = 1;
            }
        } else {
            if (op >= 3) FAIL("client reserved data opcode");
            if (op == AXWS_OP_CONT && !frag) FAIL("client continuation without a start");
            if (op != AXWS_OP_CONT && frag) FAIL("client data frame inside its fragmented message");
            frag = !fin;
        }
        {
            uint8_t b0 = p[i];
            h = fnv(h, &b0, 1);
            for (k = 0; k < len; k++) {
                uint8_t v = (uint8_t)(p[i + hl + k] ^ p[i + hl - 4 + (k & 3)]);
                h = fnv(h, &v, 1);
            }
        }
        i += hl + len;
    }
    return h;
}

/* One run over the input; whole_override 1 feeds everything at once. Returns the hash of the
   client's frames and leaves the event hash in R.evh. */
static uint64_t run(const uint8_t *data, size_t size, int whole_override) {
    static const size_t msg_sizes[4] = {16, 125, 1024, 65536};
    static const size_t tx_sizes[4] = {512, 1024, 4096, 65536};
    axws_config cfg;
    char store[256], accept[32], resp[256];
    const uint8_t *p;
    size_t left, piece = 0;
    int64_t now = 1000;
    uint8_t conf;
    int lazy, timers, whole, guard = 0;

    conf = data[0];
    memset(&R, 0, sizeof R);
    R.evh = 14695981039346656037ull;
    memset(&cfg, 0, sizeof cfg);
    out_len = 0;
    out_overflow = 0;
    R.stream = conf & 1;
    R.msg_size = msg_sizes[(conf >> 1) & 3];
    R.echo = (conf >> 5) & 1;
    R.echo_ok = 1;
    R.rng = 0x1234u + size;
    lazy = (conf >> 6) & 1;
    timers = (conf >> 7) & 1;
    whole = data[1] == 0xFF || whole_override;
    cfg.rx_buf = rx;
    cfg.rx_size = sizeof rx;
    cfg.tx_buf = tx;
    cfg.tx_size = tx_sizes[(conf >> 3) & 3];
    if (!R.stream) {
        cfg.msg_buf = msg;
        cfg.msg_size = R.msg_size;
    }
    if (timers) {
        cfg.keepalive_ms = 1000;
        cfg.dead_peer_ms = 5000;
        cfg.close_timeout_ms = 2000;
    }
    cfg.on_event = on_event;
    cfg.random = fz_random;
    /* start, read the request, answer with a correct 101 */
    {
        const char *bad = fz_start(&R.c, &cfg, "ws://fuzz.example:8080/frames?x=1", store,
                                   sizeof store, now, accept);
        if (bad) FAIL(bad);
    }
    snprintf(resp, sizeof resp,
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
    if (axws_feed(&R.c, resp, strlen(resp), now) != strlen(resp) || R.opens != 1) FAIL("101 refused");
    drain();
    out_len = 0; /* only frames from here on */

    p = data + 5;
    left = size - 5;
    while (left > 0) {
        size_t want = whole ? left : (size_t)data[1 + piece % 4] + 1, got;
        if (want > left) want = left;
        piece++;
        got = axws_feed(&R.c, p, want, now);
        if (got > want) FAIL("feed consumed more than it was given");
        if (got == 0) {
            /* no progress: the output must be full, or the connection over */
            axws_state st = axws_conn_state(&R.c);
            size_t q = 0;
            axws_output(&R.c, &q);
            if (st == AXWS_STATE_OPEN && q == 0) FAIL("feed stalls on an open connection with empty output");
            if (q == 0) break; /* ended: the rest is not read */
            drain();
            if (++guard > 1000000) FAIL("feed never finishes");
            continue;
        }
        p += got;
        left -= got;
        if (!lazy) drain();
        if (timers) {
            now += (int64_t)data[1 + piece % 4] * 37;
            axws_tick(&R.c, now);
            if (!lazy) drain();
        }
    }
    drain();
    if (axws_conn_state(&R.c) != AXWS_STATE_CLOSED) axws_feed_eof(&R.c, now);
    drain();
    if (axws_conn_state(&R.c) != AXWS_STATE_CLOSED) axws_tick(&R.c, now + 3600 * 1000);
    drain();
    if (axws_conn_state(&R.c) != AXWS_STATE_CLOSED) FAIL("not CLOSED after EOF and the close timeout");
    if (R.closes != 1) FAIL("not exactly one CLOSE event");
    return out_overflow ? 0 : check_client_frames(outbuf, out_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t out1, ev1, out2;
    if (size < 5) return 0;
    out1 = run(data, size, 0);
    /* Differential check: where the result cannot depend on timing (no timers advancing with
       each piece, no echo whose sends depend on when output drains), feeding the same bytes
       whole must give the same events and the same client frames as feeding them in pieces. */
    if (!(data[0] & (32 | 128)) && data[1] != 0xFF) {
        ev1 = R.evh;
        out2 = run(data, size, 1);
        if (R.evh != ev1) FAIL("events differ between piecewise and whole feeding");
        if (out1 != out2) FAIL("client frames differ between piecewise and whole feeding");
    }
    return 0;
}
