/* tests/embedded/ws_core.c - the sans-IO WebSocket core on a Cortex-M4 (make embedded).

   Only the core API: axws_init, axws_parse_url, axws_start, axws_output /
   axws_output_ack, axws_feed, axws_feed_eof, axws_tick, axws_send_*, axws_ping,
   axws_close and the getters; the library is built with AXWS_NO_SOCKETS (no POSIX at all).
   The vectors and the expected behaviour follow tests/test_frame.c: the upgrade request,
   the 101 response (cfg.random hands out "the sample nonce" for the key, so the accept value
   is RFC 6455 section 1.3's own example), then server frames, each scenario fed whole, one
   byte at a time and split in two at every position (a sample above SPLIT_ALL bytes): the
   event log and the client's frames must be the same every time. No malloc: fixed buffers.

   Logs, as in test_frame.c: events are "; "-separated entries
       open | msg T:<payload> | msg B:<payload> | ping:<p> | pong:<p> | err <code> |
       close <close_code> e<error>:<reason>
   (streamed chunks are reassembled, so both message modes give the same log), and the
   client's frames after the upgrade request, unmasked with the key each one carries:
       text:<p> binary:<p> cont:<p> ping:<p> pong:<p> close <code>
   ("~" after the name when FIN is clear; "UNMASKED", "RSV" and "BADKEY" flag broken
   frames: every mask key must be the next 4 bytes cfg.random handed out). A payload is
   printed as text with \xNN escapes up to 48 bytes, else as <len>#<fnv32>. */
#include "axiomws.h"
#include "emb_test.h"

#include <stdarg.h>
#include <stdlib.h>

#define T0 1000        /* the clock at axws_start, in ms */
#define SPLIT_ALL 1500 /* inputs up to this size are split at every position */
#define MSG_MAX 66000  /* msg_buf: the largest message of the length vectors */
#define TX_MAX 70000   /* tx_buf: room for one 65536-byte frame */
#define IN_MAX 70000   /* one scenario's input: the 101 response and the frames */
#define LOG_MAX 1200

/* RFC 6455 1.3: the sample key (base64 of these 16 bytes) and its accept value */
#define SAMPLE_NONCE "the sample nonce"
#define SAMPLE_KEY "dGhlIHNhbXBsZSBub25jZQ=="
#define SAMPLE_ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
#define RESP_OK "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" \
                "Sec-WebSocket-Accept: " SAMPLE_ACCEPT "\r\n\r\n"

/* ================================================================== logs and byte strings */

static uint32_t fnv32(const void *p, size_t n) {
    const uint8_t *b = (const uint8_t *)p;
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) { h ^= b[i]; h *= 16777619u; }
    return h;
}

typedef struct slog {
    char s[LOG_MAX];
    size_t n;
} slog;

static void lg_put(slog *l, const char *p, size_t n) {
    if (n > sizeof l->s - 1 - l->n) n = sizeof l->s - 1 - l->n; /* a cut log never matches */
    memcpy(l->s + l->n, p, n);
    l->n += n;
    l->s[l->n] = 0;
}
static void lg_str(slog *l, const char *s) { lg_put(l, s, strlen(s)); }
static void lg_fmt(slog *l, const char *fmt, ...) {
    char tmp[128];
    va_list ap;
    int k;
    va_start(ap, fmt);
    k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k > 0) lg_put(l, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}
static void lg_entry(slog *l) { if (l->n) lg_str(l, "; "); }
static void lg_clear(slog *l) { l->n = 0; l->s[0] = 0; }

/* a payload: printable text with \xNN escapes up to 48 bytes, else <len>#<fnv32> */
static void lg_repr_hash(slog *l, const uint8_t *p, size_t n, uint32_t hash) {
    size_t i;
    if (n > 48) { lg_fmt(l, "%lu#%08lx", (unsigned long)n, (unsigned long)hash); return; }
    for (i = 0; i < n; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' && p[i] != ';') lg_put(l, (const char *)p + i, 1);
        else lg_fmt(l, "\\x%02x", p[i]);
    }
}
static void lg_repr(slog *l, const void *p, size_t n) { lg_repr_hash(l, (const uint8_t *)p, n, fnv32(p, n)); }
static const char *repr_s(const void *p, size_t n) {
    static slog l;
    lg_clear(&l);
    lg_repr(&l, p, n);
    return l.s;
}

/* A byte string with a fixed capacity; overflowing it is a test bug: stop loudly. */
typedef struct bytes {
    uint8_t *p;
    size_t len, cap;
} bytes;
static void b_put(bytes *b, const void *p, size_t n) {
    if (n > b->cap - b->len) { fprintf(stderr, "test buffer too small\n"); exit(2); }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}
static void b_byte(bytes *b, int v) { uint8_t c = (uint8_t)v; b_put(b, &c, 1); }
static void b_str(bytes *b, const char *s) { b_put(b, s, strlen(s)); }

/* ================================================================== server frames */

static uint8_t frames_mem[IN_MAX - 512], input_mem[IN_MAX];
static bytes F = {frames_mem, 0, sizeof frames_mem};

/* An unmasked server frame with the minimal length encoding (RFC 6455 5.2). */
static void sf(bytes *b, int b0, const void *pl, size_t n) {
    b_byte(b, b0);
    if (n < 126) b_byte(b, (int)n);
    else if (n < 65536) { b_byte(b, 126); b_byte(b, (int)(n >> 8)); b_byte(b, (int)(n & 255)); }
    else {
        int i;
        b_byte(b, 127);
        for (i = 7; i >= 0; i--) b_byte(b, (int)(((uint64_t)n >> (8 * i)) & 255));
    }
    b_put(b, pl, n);
}
static void sfs(bytes *b, int b0, const char *s) { sf(b, b0, s, strlen(s)); }
static void sf_close(bytes *b, int code, const char *reason) {
    uint8_t pl[130];
    size_t rl = strlen(reason);
    pl[0] = (uint8_t)(code >> 8);
    pl[1] = (uint8_t)code;
    memcpy(pl + 2, reason, rl);
    sf(b, 0x88, pl, 2 + rl);
}

/* payloads: printable ASCII (valid text), or pseudo-random binary */
static uint8_t payload_mem[66000];
static const uint8_t *ascii_payload(size_t n) {
    size_t i;
    for (i = 0; i < n; i++) payload_mem[i] = (uint8_t)(' ' + (i * 7 + i / 95) % 95);
    return payload_mem;
}
static const uint8_t *binary_payload(size_t n) {
    size_t i;
    uint32_t x = 0x12345678u;
    for (i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; payload_mem[i] = (uint8_t)x; }
    return payload_mem;
}

/* ================================================================== the test connection */

typedef struct topts {
    int stream;              /* 1: no msg_buf (streaming chunks) */
    size_t msg_size;         /* default MSG_MAX */
    size_t tx_size;          /* default 8192 */
    const char *url;         /* default ws://example.com/chat */
    const char *subprotocols;
    int keepalive_ms, dead_peer_ms, close_timeout_ms, handshake_timeout_ms;
    int echo;                /* send every message back from inside the callback */
} topts;

typedef struct tconn {
    axws_conn c;
    axws_config cfg;
    topts o;
    axws_url url;
    char url_store[256];
    uint8_t rx[AXWS_MIN_RX];
    int init_rc, start_rc;
    char req[512];            /* the upgrade request the client queued */
    size_t req_len;
    uint32_t rng;
    uint8_t keys[64][4];      /* the 4-byte blocks cfg.random handed out, in order */
    int nkeys, rng_calls;
    slog ev;
    uint8_t out_mem[4096];    /* the client's bytes after the request */
    bytes out;
    /* a streamed message being reassembled: its first bytes, length and hash */
    uint8_t asm_head[48];
    size_t asm_len;
    uint32_t asm_hash;
    int asm_op, in_msg;
    int opens, closes, after_close, echo_rc;
} tconn;

static tconn T;
static uint8_t tx_mem[TX_MAX], msg_mem[MSG_MAX];

/* cfg.random: the 16-byte key request gets RFC 6455's sample nonce; everything else
   (mask keys) comes from a deterministic generator and is recorded. */
static void t_random(void *user, void *buf, size_t len) {
    tconn *t = (tconn *)user;
    uint8_t *p = (uint8_t *)buf;
    size_t i;
    t->rng_calls++;
    if (len == 16) { memcpy(buf, SAMPLE_NONCE, 16); return; }
    for (i = 0; i < len; i++) {
        t->rng = t->rng * 1664525u + 1013904223u;
        p[i] = (uint8_t)(t->rng >> 24);
    }
    if (len == 4 && t->nkeys < 64) memcpy(t->keys[t->nkeys++], buf, 4);
}

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    tconn *t = (tconn *)user;
    slog *l = &t->ev;
    if (c != &t->c) { lg_entry(l); lg_str(l, "WRONG-CONN"); }
    if (t->closes) t->after_close++;
    if (ev->len && !ev->data) { lg_entry(l); lg_str(l, "NULL-DATA"); return; }
    if (ev->type != AXWS_EV_CHUNK) lg_entry(l);
    switch (ev->type) {
    case AXWS_EV_OPEN: t->opens++; lg_str(l, "open"); break;
    case AXWS_EV_MESSAGE:
        lg_str(l, ev->opcode == AXWS_OP_TEXT ? "msg T:" : ev->opcode == AXWS_OP_BINARY ? "msg B:" : "msg ?:");
        lg_repr(l, ev->data, ev->len);
        if (t->o.echo) {
            int rc = axws_send(c, ev->opcode, ev->data, ev->len);
            if (rc && !t->echo_rc) t->echo_rc = rc;
        }
        break;
    case AXWS_EV_CHUNK: { /* no entry until the message is whole */
        size_t i;
        if (!t->in_msg) {
            t->in_msg = 1;
            t->asm_op = ev->opcode;
            t->asm_len = 0;
            t->asm_hash = 2166136261u;
        }
        if (ev->offset != t->asm_len || ev->opcode != t->asm_op) { lg_entry(l); lg_str(l, "BAD-CHUNK"); }
        for (i = 0; i < ev->len; i++) {
            if (t->asm_len + i < sizeof t->asm_head) t->asm_head[t->asm_len + i] = ev->data[i];
            t->asm_hash = (t->asm_hash ^ ev->data[i]) * 16777619u;
        }
        t->asm_len += ev->len;
        if (ev->fin) {
            lg_entry(l);
            lg_str(l, t->asm_op == AXWS_OP_TEXT ? "msg T:" : t->asm_op == AXWS_OP_BINARY ? "msg B:" : "msg ?:");
            lg_repr_hash(l, t->asm_head, t->asm_len, t->asm_hash);
            t->in_msg = 0;
        }
        break;
    }
    case AXWS_EV_PING: lg_str(l, "ping:"); lg_repr(l, ev->data, ev->len); break;
    case AXWS_EV_PONG: lg_str(l, "pong:"); lg_repr(l, ev->data, ev->len); break;
    case AXWS_EV_CLOSE:
        t->closes++;
        lg_fmt(l, "close %d e%d:", ev->close_code, ev->error);
        lg_repr(l, ev->data, ev->len);
        break;
    case AXWS_EV_ERROR: lg_fmt(l, "err %d", ev->error); break;
    default: lg_fmt(l, "unknown-event %d", (int)ev->type);
    }
}

/* Moves every queued output byte to t->out (or, to_req, to the request buffer). */
static void tc_drain_to(tconn *t, int to_req) {
    int guard = 0;
    for (;;) {
        size_t n = 0;
        const uint8_t *p = axws_output(&t->c, &n);
        if (!p || !n) break;
        if (to_req) {
            if (n > sizeof t->req - 1 - t->req_len) { lg_entry(&t->ev); lg_str(&t->ev, "REQ-OVERFLOW"); return; }
            memcpy(t->req + t->req_len, p, n);
            t->req_len += n;
            t->req[t->req_len] = 0;
        } else {
            if (n > t->out.cap - t->out.len) { lg_entry(&t->ev); lg_str(&t->ev, "OUT-OVERFLOW"); return; }
            b_put(&t->out, p, n);
        }
        axws_output_ack(&t->c, n);
        if (++guard > 10000) { lg_entry(&t->ev); lg_str(&t->ev, "OUTPUT-NEVER-EMPTIES"); break; }
    }
}
static void tc_drain(tconn *t) { tc_drain_to(t, 0); }

static const char *opt_url(const topts *o) { return o->url ? o->url : "ws://example.com/chat"; }

/* Sets up T with `o`, starts it at T0 and collects the upgrade request. */
static tconn *tc_new(const topts *o) {
    tconn *t = &T;
    memset(t, 0, sizeof *t);
    t->o = *o;
    t->rng = 0x5eed;
    t->out.p = t->out_mem;
    t->out.cap = sizeof t->out_mem;
    t->cfg.rx_buf = t->rx;
    t->cfg.rx_size = sizeof t->rx;
    t->cfg.tx_buf = tx_mem;
    t->cfg.tx_size = o->tx_size ? o->tx_size : 8192;
    if (!o->stream) {
        t->cfg.msg_buf = msg_mem;
        t->cfg.msg_size = o->msg_size ? o->msg_size : MSG_MAX;
    }
    t->cfg.subprotocols = o->subprotocols;
    t->cfg.keepalive_ms = o->keepalive_ms;
    t->cfg.dead_peer_ms = o->dead_peer_ms;
    t->cfg.close_timeout_ms = o->close_timeout_ms;
    t->cfg.handshake_timeout_ms = o->handshake_timeout_ms;
    t->cfg.on_event = on_event;
    t->cfg.user = t;
    t->cfg.random = t_random;
    t->cfg.random_user = t;
    t->init_rc = axws_init(&t->c, &t->cfg);
    if (t->init_rc) { t->start_rc = -9999; return t; }
    if (axws_parse_url(opt_url(o), &t->url, t->url_store, sizeof t->url_store) != 0) {
        fprintf(stderr, "bad test url %s\n", opt_url(o));
        exit(2);
    }
    t->start_rc = axws_start(&t->c, &t->url, T0);
    if (t->start_rc == 0) tc_drain_to(t, 1);
    return t;
}

/* Feeds bytes the way a socket driver would: whatever axws_feed does not take is offered
   again after the output has been drained. */
static void tc_feed(tconn *t, const void *data, size_t len, int64_t now) {
    const uint8_t *p = (const uint8_t *)data;
    int stalls = 0;
    while (len > 0) {
        size_t n = axws_feed(&t->c, p, len, now);
        if (n > len) { lg_entry(&t->ev); lg_str(&t->ev, "FEED-OVERCONSUMED"); return; }
        p += n;
        len -= n;
        tc_drain(t);
        if (n == 0) {
            /* with the output drained, an open connection must make progress */
            if (axws_get_state(&t->c) == AXWS_STATE_OPEN && ++stalls > 1) { lg_entry(&t->ev); lg_str(&t->ev, "FEED-STALLED"); return; }
            if (axws_get_state(&t->c) != AXWS_STATE_OPEN) return;
        } else stalls = 0;
    }
}

/* Ends the connection from the peer's side: EOF, then the close timeout if still needed. */
static void tc_finish(tconn *t, int64_t now) {
    if (axws_get_state(&t->c) != AXWS_STATE_CLOSED) { axws_feed_eof(&t->c, now); tc_drain(t); }
    if (axws_get_state(&t->c) != AXWS_STATE_CLOSED) { axws_tick(&t->c, now + 3600 * 1000); tc_drain(t); }
    if (axws_get_state(&t->c) != AXWS_STATE_CLOSED) { lg_entry(&t->ev); lg_str(&t->ev, "NOT-CLOSED"); }
}

/* Decodes the client's frames in t->out into a log (see the top comment); returns the
   number of frames; ops[] and lens[] (optional, up to 16) get each one's opcode and length. */
static int decode_client(tconn *t, slog *log, int *ops, size_t *lens) {
    static const char *const names[16] = {"cont", "text", "binary", "op3", "op4", "op5", "op6", "op7",
                                          "close", "ping", "pong", "opB", "opC", "opD", "opE", "opF"};
    static uint8_t pl[4096];
    const uint8_t *b = t->out.p;
    size_t i = 0, k;
    int n = 0, key = 0;
    lg_clear(log);
    while (i + 2 <= t->out.len) {
        const uint8_t *h = b + i;
        size_t hl = 2, len = h[1] & 127;
        int fin = h[0] >> 7, rsv = (h[0] >> 4) & 7, op = h[0] & 15, masked = h[1] >> 7;
        if (len == 126) { if (i + 4 > t->out.len) break; len = (size_t)h[2] << 8 | h[3]; hl = 4; }
        else if (len == 127) {
            int j;
            if (i + 10 > t->out.len) break;
            for (len = 0, j = 0; j < 8; j++) len = len << 8 | h[2 + j];
            hl = 10;
        }
        if (i + hl + (masked ? 4 : 0) + len > t->out.len || len > sizeof pl) break;
        lg_entry(log);
        if (masked) {
            /* RFC 6455 5.3: a fresh key from the entropy source for every frame */
            if (key >= t->nkeys || memcmp(h + hl, t->keys[key], 4) != 0) lg_str(log, "BADKEY ");
            key++;
            for (k = 0; k < len; k++) pl[k] = (uint8_t)(h[hl + 4 + k] ^ h[hl + (k & 3)]);
            hl += 4;
        } else {
            lg_str(log, "UNMASKED ");
            memcpy(pl, h + hl, len);
        }
        if (rsv) lg_str(log, "RSV ");
        lg_str(log, names[op]);
        if (!fin) lg_str(log, "~");
        if (op == AXWS_OP_CLOSE) {
            if (len >= 2) lg_fmt(log, " %d", pl[0] << 8 | pl[1]);
            if (len > 2) { lg_str(log, ":"); lg_repr(log, pl + 2, len - 2); }
            if (len == 1) lg_str(log, " BAD-1-BYTE");
        } else {
            lg_str(log, ":");
            lg_repr(log, pl, len);
        }
        if (n < 16 && ops) ops[n] = op;
        if (n < 16 && lens) lens[n] = len;
        n++;
        i += hl + len;
    }
    if (i != t->out.len) { lg_entry(log); lg_fmt(log, "TRAILING %lu", (unsigned long)(t->out.len - i)); }
    return n;
}

/* ================================================================== scenario runner */

typedef struct result {
    slog ev_fed;   /* events after every input byte was fed, before EOF */
    slog ev;       /* events after EOF / timeout */
    slog out;      /* the client's frames */
    int state_fed, error, sent_close, close_code, http_status;
    char reason[64];
    size_t input_len;
} result;

enum { FEED_WHOLE, FEED_BYTES, FEED_SPLIT };

/* One run: start, feed resp (NULL = RESP_OK) + frames as told, end. */
static void run_once(const topts *o, const char *resp, const bytes *frames, int how, size_t at, result *r) {
    tconn *t = tc_new(o);
    bytes in = {input_mem, 0, sizeof input_mem};
    size_t i, n = 0;
    const char *s;
    memset(r, 0, sizeof *r);
    if (t->init_rc || t->start_rc) { lg_fmt(&r->ev, "init %d start %d", t->init_rc, t->start_rc); return; }
    b_str(&in, resp ? resp : RESP_OK);
    if (frames) b_put(&in, frames->p, frames->len);
    r->input_len = in.len;
    if (how == FEED_WHOLE) tc_feed(t, in.p, in.len, T0);
    else if (how == FEED_BYTES) { for (i = 0; i < in.len; i++) tc_feed(t, in.p + i, 1, T0); }
    else { tc_feed(t, in.p, at, T0); tc_feed(t, in.p + at, in.len - at, T0); }
    lg_str(&r->ev_fed, t->ev.s);
    r->state_fed = axws_get_state(&t->c);
    r->http_status = axws_http_status(&t->c);
    s = axws_http_reason(&t->c, &n);
    if (s && n < sizeof r->reason) { memcpy(r->reason, s, n); r->reason[n] = 0; }
    tc_finish(t, T0 + 10);
    if (t->after_close) { lg_entry(&t->ev); lg_str(&t->ev, "EVENT-AFTER-CLOSE"); }
    if (t->closes > 1) { lg_entry(&t->ev); lg_str(&t->ev, "CLOSE-TWICE"); }
    lg_str(&r->ev, t->ev.s);
    decode_client(t, &r->out, NULL, NULL);
    r->error = axws_error(&t->c);
    r->sent_close = axws_sent_close_code(&t->c);
    r->close_code = axws_close_code(&t->c);
}

static int same_result(const result *a, const result *b) {
    return strcmp(a->ev.s, b->ev.s) == 0 && strcmp(a->ev_fed.s, b->ev_fed.s) == 0 &&
           strcmp(a->out.s, b->out.s) == 0 && a->error == b->error && a->sent_close == b->sent_close &&
           a->close_code == b->close_code && a->state_fed == b->state_fed;
}

static void show_diff(const char *how, const result *a, const result *b) {
    fprintf(stderr, "     %s differs from the whole feed:\n", how);
    fprintf(stderr, "       whole: ev=[%s] out=[%s] err=%d sent=%d\n", a->ev.s, a->out.s, a->error, a->sent_close);
    fprintf(stderr, "       split: ev=[%s] out=[%s] err=%d sent=%d\n", b->ev.s, b->out.s, b->error, b->sent_close);
}

static long split_runs;

/* The scenario whole (into *r), byte by byte and split in two at every position (above
   SPLIT_ALL bytes: the first and last 200 positions and every 397th); all must agree. */
static void run_case(const topts *o, const char *resp, const bytes *frames, result *r) {
    static result x;
    size_t at, n;
    int ok = 1;
    run_once(o, resp, frames, FEED_WHOLE, 0, r);
    n = r->input_len;
    if (n == 0) return;
    run_once(o, resp, frames, FEED_BYTES, 0, &x);
    if (!axt_check(same_result(r, &x), "byte-at-a-time feed gives the same events", __FILE__, __LINE__))
        show_diff("byte at a time", r, &x);
    for (at = 1; at < n && ok; at++) {
        if (n > SPLIT_ALL && at > 200 && at + 200 < n && at % 397) continue;
        run_once(o, resp, frames, FEED_SPLIT, at, &x);
        split_runs++;
        if (!same_result(r, &x)) {
            char how[48];
            snprintf(how, sizeof how, "split at %lu", (unsigned long)at);
            show_diff(how, r, &x);
            ok = 0;
        }
    }
    axt_check(ok, "every 2-way split gives the same events", __FILE__, __LINE__);
}

static char case_name[160];
static void set_case(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(case_name, sizeof case_name, fmt, ap);
    va_end(ap);
    AXT_CASE(case_name);
}

static void expect_str(const char *what, const char *got, const char *want) {
    if (!axt_check(strcmp(got, want) == 0, what, __FILE__, __LINE__))
        fprintf(stderr, "     got:  %s\n     want: %s\n", got, want);
}
static void expect_has(const char *what, const char *hay, const char *needle) {
    if (!axt_check(strstr(hay, needle) != NULL, what, __FILE__, __LINE__))
        fprintf(stderr, "     in:   %s\n     missing: %s\n", hay, needle);
}

enum { M_MSG = 1, M_STREAM = 2, M_BOTH = 3 };

/* Runs the frames after a good 101 in the given modes. Success (err 0): exactly want_ev
   (events before EOF) and want_out (client frames). Failure: events want_ev + "; err E",
   after EOF "; close 1006 eE:" (strict) or some close event; the client frames want_out and
   then exactly one close frame with `code`, and nothing after it. */
static void frames_case(const char *name, const topts *base, int modes, const char *want_ev, const char *want_out,
                        int err, int code, int strict) {
    int stream;
    static result r;
    for (stream = 0; stream < 2; stream++) {
        topts o = *base;
        char want[600];
        if (!(modes & (stream ? M_STREAM : M_MSG))) continue;
        o.stream = stream;
        set_case("%s [%s]", name, stream ? "streaming" : "msg_buf");
        run_case(&o, NULL, &F, &r);
        if (!err) {
            expect_str("events", r.ev_fed.s, want_ev);
            expect_str("client frames", r.out.s, want_out);
            CHECK_EQ(r.state_fed, AXWS_STATE_OPEN);
            CHECK_EQ(r.sent_close, 0);
            continue;
        }
        CHECK_EQ(r.error, err);
        CHECK_EQ(r.sent_close, code);
        /* the ERROR event right after the events before the failure (the CLOSE event
           may follow at once or only after EOF) */
        snprintf(want, sizeof want, "%s; err %d", want_ev, err);
        if (!axt_check(strncmp(r.ev_fed.s, want, strlen(want)) == 0, "events before EOF", __FILE__, __LINE__))
            fprintf(stderr, "     got:  %s\n     want: %s...\n", r.ev_fed.s, want);
        if (strict) {
            snprintf(want, sizeof want, "%s; err %d; close 1006 e%d:", want_ev, err, err);
            expect_str("events", r.ev.s, want);
        } else {
            snprintf(want, sizeof want, "%s; err %d; close ", want_ev, err);
            if (!axt_check(strncmp(r.ev.s, want, strlen(want)) == 0, "events", __FILE__, __LINE__))
                fprintf(stderr, "     got:  %s\n     want: %s...\n", r.ev.s, want);
        }
        snprintf(want, sizeof want, "%s%sclose %d", want_out, *want_out ? "; " : "", code);
        expect_str("client frames: one close with the failure code, last", r.out.s, want);
    }
}
static void ok_case(const char *name, const topts *o, int modes, const char *want_ev, const char *want_out) {
    frames_case(name, o, modes, want_ev, want_out, 0, 0, 1);
}
static void fail_case(const char *name, const topts *o, int modes, const char *want_ev, int err, int code) {
    frames_case(name, o, modes, want_ev, "", err, code, 1);
}

/* ================================================================== the upgrade */

/* A header's value in the request (case-insensitive name), trimmed; NULL when absent. */
static const char *req_header(const char *req, const char *name, size_t *vlen) {
    const char *p = strstr(req, "\r\n");
    size_t nl = strlen(name);
    while (p && p[2] && !(p[2] == '\r' && p[3] == '\n')) {
        const char *line = p + 2, *end = strstr(line, "\r\n"), *v, *e;
        size_t i;
        int match = end && (size_t)(end - line) > nl && line[nl] == ':';
        for (i = 0; match && i < nl; i++)
            if ((line[i] | 0x20) != (name[i] | 0x20)) match = 0;
        if (match) {
            v = line + nl + 1;
            e = end;
            while (v < e && (*v == ' ' || *v == '\t')) v++;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
            *vlen = (size_t)(e - v);
            return v;
        }
        p = end;
    }
    return NULL;
}
static int req_header_is(const char *req, const char *name, const char *want) {
    size_t n = 0;
    const char *v = req_header(req, name, &n);
    return v && n == strlen(want) && strncmp(v, want, n) == 0;
}

static void test_request(void) {
    topts o;
    tconn *t;
    size_t n;
    memset(&o, 0, sizeof o);

    AXT_CASE("upgrade request (RFC 6455 4.1)");
    t = tc_new(&o);
    CHECK_EQ(t->init_rc, 0);
    CHECK_EQ(t->start_rc, 0);
    CHECK_EQ(axws_get_state(&t->c), AXWS_STATE_HANDSHAKE);
    CHECK(strncmp(t->req, "GET /chat HTTP/1.1\r\n", 20) == 0);
    CHECK(t->req_len > 4 && strcmp(t->req + t->req_len - 4, "\r\n\r\n") == 0);
    CHECK(req_header_is(t->req, "Host", "example.com"));
    CHECK(req_header_is(t->req, "Upgrade", "websocket"));
    CHECK(req_header_is(t->req, "Connection", "Upgrade"));
    CHECK(req_header_is(t->req, "Sec-WebSocket-Version", "13"));
    /* the key is base64 of the 16 bytes cfg.random gave: RFC 6455 1.3's sample */
    CHECK(req_header_is(t->req, "Sec-WebSocket-Key", SAMPLE_KEY));
    CHECK_EQ(t->rng_calls, 1);
    CHECK(req_header(t->req, "Sec-WebSocket-Protocol", &n) == NULL);
    /* nothing may be sent before the upgrade */
    CHECK_EQ(axws_send_text(&t->c, "x", 1), AXWS_ESTATE);
    CHECK_EQ(axws_ping(&t->c, "x", 1), AXWS_ESTATE);
    CHECK(axws_output(&t->c, &n) == NULL || n == 0);

    AXT_CASE("upgrade request: port, query, subprotocols");
    o.url = "ws://example.com:8080/a/b?x=1&y=%20";
    o.subprotocols = "chat, superchat";
    t = tc_new(&o);
    CHECK_EQ(t->start_rc, 0);
    CHECK(strncmp(t->req, "GET /a/b?x=1&y=%20 HTTP/1.1\r\n", 29) == 0);
    CHECK(req_header_is(t->req, "Host", "example.com:8080"));
    CHECK(req_header_is(t->req, "Sec-WebSocket-Protocol", "chat, superchat"));

    AXT_CASE("upgrade request: IPv6 literal, no path");
    o.url = "ws://[::1]:9001";
    o.subprotocols = NULL;
    t = tc_new(&o);
    CHECK_EQ(t->start_rc, 0);
    CHECK(strncmp(t->req, "GET / HTTP/1.1\r\n", 16) == 0);
    CHECK(req_header_is(t->req, "Host", "[::1]:9001"));

    AXT_CASE("axws_parse_url refuses malformed URLs");
    {
        static const char *const bad[] = {"http://example.com/", "ws://", "ws://host:99999/", "ws://ho st/",
                                          "ws://[::1/", "example.com"};
        axws_url u;
        char store[128];
        size_t i;
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
            if (!CHECK_EQ(axws_parse_url(bad[i], &u, store, sizeof store), AXWS_EURL)) fprintf(stderr, "  %s\n", bad[i]);
        CHECK_EQ(axws_parse_url("ws://example.com/", &u, store, 8), AXWS_ENOBUFS);
        CHECK_EQ(axws_parse_url("wss://example.com/", &u, store, sizeof store), 0);
        CHECK_EQ(u.secure, 1);
        CHECK_EQ(u.port, 443);
    }
}

/* A refused upgrade: the error, no frame sent, an ERROR then a CLOSE event. */
static void hs_refused(const char *name, const topts *o, const char *resp, int err, int status) {
    static result r;
    char want[80];
    set_case("handshake: %s", name);
    run_case(o, resp, NULL, &r);
    CHECK_EQ(r.error, err);
    CHECK_EQ(r.sent_close, 0);
    expect_str("no frame sent", r.out.s, "");
    snprintf(want, sizeof want, "err %d; close 1006 e%d:", err, err);
    expect_str("events", r.ev.s, want);
    if (status) CHECK_EQ(r.http_status, status);
}

static void hs_ok(const char *name, const topts *o, const char *resp) {
    static result r;
    set_case("handshake: %s", name);
    run_case(o, resp, NULL, &r);
    expect_str("events", r.ev_fed.s, "open");
    CHECK_EQ(r.state_fed, AXWS_STATE_OPEN);
    CHECK_EQ(r.error, AXWS_ECLOSED); /* EOF without a close frame afterwards */
    expect_str("events after EOF", r.ev.s, "open; err -14; close 1006 e-14:");
    expect_str("nothing sent", r.out.s, "");
}

#define HS_START "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"

static void test_handshake(void) {
    static result r;
    topts o;
    memset(&o, 0, sizeof o);
    hs_ok("101 with the RFC 6455 1.3 accept value", &o, RESP_OK);
    /* RFC 6455 4.1: names and tokens are case-insensitive, Connection is a token list */
    hs_ok("case-insensitive names and tokens", &o,
          "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nCONNECTION: UPGRADE\r\n"
          "sec-websocket-accept: " SAMPLE_ACCEPT "\r\n\r\n");
    hs_ok("Connection: keep-alive, Upgrade; no OWS; other headers", &o,
          "HTTP/1.1 101 OK\r\nServer: x\r\nUpgrade:websocket\r\nConnection:keep-alive, Upgrade\r\n"
          "Sec-WebSocket-Accept:" SAMPLE_ACCEPT "\r\nDate: today\r\n\r\n");

    hs_refused("404", &o, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", AXWS_EHTTP, 404);
    set_case("handshake: 404 reason");
    run_once(&o, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", NULL, FEED_WHOLE, 0, &r);
    expect_str("reason", r.reason, "Not Found");
    hs_refused("200 OK (not an upgrade)", &o,
               "HTTP/1.1 200 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " SAMPLE_ACCEPT
               "\r\n\r\n", AXWS_EHTTP, 200);
    hs_refused("no Connection header", &o,
               "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: " SAMPLE_ACCEPT "\r\n\r\n",
               AXWS_EHANDSHAKE, 0);
    hs_refused("no Upgrade header", &o,
               "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " SAMPLE_ACCEPT "\r\n\r\n",
               AXWS_EHANDSHAKE, 0);
    hs_refused("no accept", &o, HS_START "\r\n", AXWS_EHANDSHAKE, 0);
    hs_refused("wrong accept", &o, HS_START "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGJzPOgmc+2nM=\r\n\r\n",
               AXWS_EHANDSHAKE, 0);
    hs_refused("accept with a character appended", &o, HS_START "Sec-WebSocket-Accept: " SAMPLE_ACCEPT "x\r\n\r\n",
               AXWS_EHANDSHAKE, 0);
    /* RFC 6455 4.1: an extension or subprotocol the client did not offer fails */
    hs_refused("extension not offered", &o,
               HS_START "Sec-WebSocket-Accept: " SAMPLE_ACCEPT "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
               AXWS_EHANDSHAKE, 0);
    hs_refused("subprotocol not offered", &o,
               HS_START "Sec-WebSocket-Accept: " SAMPLE_ACCEPT "\r\nSec-WebSocket-Protocol: chat\r\n\r\n", AXWS_EHANDSHAKE, 0);
    o.subprotocols = "chat, superchat";
    hs_ok("subprotocol that was offered", &o,
          HS_START "Sec-WebSocket-Protocol: superchat\r\nSec-WebSocket-Accept: " SAMPLE_ACCEPT "\r\n\r\n");
    o.subprotocols = NULL;

    /* the server's first frame in the same read as the 101 */
    F.len = 0;
    sfs(&F, 0x81, "hello");
    ok_case("first frame in the same read as the 101", &o, M_BOTH, "open; msg T:hello", "");
}

/* ================================================================== frames from the server */

static void test_data_frames(void) {
    static const size_t sizes[] = {0, 1, 125, 126, 127, 1000, 65535, 65536};
    topts o;
    size_t i;
    memset(&o, 0, sizeof o);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int bin;
        for (bin = 0; bin < 2; bin++) {
            const uint8_t *pl = bin ? binary_payload(sizes[i]) : ascii_payload(sizes[i]);
            char want[100], name[64];
            F.len = 0;
            sf(&F, bin ? 0x82 : 0x81, pl, sizes[i]);
            /* RFC 6455 5.2: 7-bit up to 125, 16-bit up to 65535, 64-bit above */
            CHECK_EQ(F.p[1], sizes[i] < 126 ? sizes[i] : sizes[i] < 65536 ? 126 : 127);
            snprintf(want, sizeof want, "open; msg %c:%s", bin ? 'B' : 'T', repr_s(pl, sizes[i]));
            snprintf(name, sizeof name, "%s message of %lu bytes", bin ? "binary" : "text", (unsigned long)sizes[i]);
            ok_case(name, &o, M_BOTH, want, "");
        }
    }

    F.len = 0; sfs(&F, 0x01, "Hel"); sfs(&F, 0x00, "l"); sfs(&F, 0x80, "o");
    ok_case("text in three fragments", &o, M_BOTH, "open; msg T:Hello", "");
    F.len = 0; sfs(&F, 0x02, "ab"); sfs(&F, 0x80, "cd");
    ok_case("binary in two fragments", &o, M_BOTH, "open; msg B:abcd", "");
    F.len = 0; sfs(&F, 0x01, ""); sfs(&F, 0x00, ""); sfs(&F, 0x80, "");
    ok_case("empty fragments", &o, M_BOTH, "open; msg T:", "");
    /* RFC 6455 5.4: control frames may come between the fragments of a message */
    F.len = 0;
    sfs(&F, 0x01, "Hel"); sfs(&F, 0x89, "hi"); sfs(&F, 0x8A, ""); sfs(&F, 0x00, "l"); sfs(&F, 0x89, "");
    sfs(&F, 0x80, "o"); sfs(&F, 0x81, "next");
    ok_case("control frames between fragments", &o, M_BOTH, "open; ping:hi; pong:; ping:; msg T:Hello; msg T:next",
            "pong:hi; pong:");
    /* RFC 6455 5.5.2/5.5.3: a ping is answered with a masked pong carrying its payload */
    F.len = 0; sfs(&F, 0x89, "hello");
    ok_case("ping -> masked pong with its payload", &o, M_BOTH, "open; ping:hello", "pong:hello");
    F.len = 0; sf(&F, 0x89, "\x00\xff\x80", 3);
    ok_case("binary ping payload", &o, M_BOTH, "open; ping:\\x00\\xff\\x80", "pong:\\x00\\xff\\x80");
    {
        uint8_t big[125];
        char ev[300], out[300];
        memset(big, 'p', sizeof big);
        F.len = 0; sf(&F, 0x89, big, 125);
        snprintf(ev, sizeof ev, "open; ping:%s", repr_s(big, 125));
        snprintf(out, sizeof out, "pong:%s", repr_s(big, 125));
        ok_case("ping of 125 bytes", &o, M_BOTH, ev, out);
    }
    F.len = 0; sfs(&F, 0x89, "1"); sfs(&F, 0x89, "2"); sfs(&F, 0x89, "3");
    ok_case("three pings, three pongs in order", &o, M_BOTH, "open; ping:1; ping:2; ping:3", "pong:1; pong:2; pong:3");
    F.len = 0; sfs(&F, 0x8A, "abc");
    ok_case("unsolicited pong is reported, not answered", &o, M_BOTH, "open; pong:abc", "");
    /* a 16-bit length that is minimal (126) */
    F.len = 0; b_put(&F, "\x82\x7e\x00\x7e", 4); b_put(&F, binary_payload(126), 126);
    {
        char want[100];
        snprintf(want, sizeof want, "open; msg B:%s", repr_s(binary_payload(126), 126));
        ok_case("126 bytes in the 16-bit form", &o, M_BOTH, want, "");
    }
}

static void test_invalid_frames(void) {
    topts o;
    int op;
    uint8_t big[130];
    memset(&o, 0, sizeof o);
    memset(big, 'p', sizeof big);

    /* RFC 6455 5.2: RSV1-3 must be 0 unless an extension defines them (none is negotiated) */
    F.len = 0; sfs(&F, 0xC1, "hi");
    fail_case("RSV1 on a text frame", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    F.len = 0; sfs(&F, 0xA2, "hi");
    fail_case("RSV2 on a binary frame", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    F.len = 0; sfs(&F, 0x91, "hi");
    fail_case("RSV3 on a text frame", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    F.len = 0; sfs(&F, 0xC9, "");
    fail_case("RSV1 on a ping", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    /* RFC 6455 5.2: opcodes 3-7 and B-F are reserved */
    for (op = 3; op <= 15; op++) {
        char name[48];
        if (op >= 8 && op <= 10) continue;
        F.len = 0;
        sfs(&F, 0x80 | op, "payload");
        snprintf(name, sizeof name, "reserved opcode 0x%X", op);
        fail_case(name, &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    }
    /* RFC 6455 5.1: a client closes on a masked frame from the server */
    F.len = 0; b_put(&F, "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
    fail_case("masked server frame (RFC 6455 5.7 example)", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    /* RFC 6455 5.2: "the minimal number of bytes MUST be used to encode the length" */
    F.len = 0; b_put(&F, "\x81\x7e\x00\x7d", 4); b_put(&F, big, 125);
    fail_case("125 in the 16-bit form", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    F.len = 0; b_put(&F, "\x82\x7e\x00\x00", 4);
    fail_case("0 in the 16-bit form", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    F.len = 0; b_put(&F, "\x82\x7f\x00\x00\x00\x00\x00\x00\xff\xff", 10);
    fail_case("65535 in the 64-bit form", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    F.len = 0; b_put(&F, "\x82\x7f\x00\x00\x00\x00\x00\x00\x00\x05", 10);
    fail_case("5 in the 64-bit form", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    /* RFC 6455 5.2: the most significant bit of a 64-bit length must be 0 */
    F.len = 0; b_put(&F, "\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x05", 10);
    fail_case("64-bit length with the top bit set", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    /* RFC 6455 5.5: control frames carry at most 125 bytes and are never fragmented */
    F.len = 0; sf(&F, 0x89, big, 126);
    fail_case("ping of 126 bytes", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    F.len = 0; sf(&F, 0x8A, big, 126);
    fail_case("pong of 126 bytes", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    F.len = 0; big[0] = 0x03; big[1] = 0xe8; sf(&F, 0x88, big, 126); big[0] = big[1] = 'p';
    fail_case("close of 126 bytes", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    F.len = 0; sfs(&F, 0x09, "hi"); sfs(&F, 0x80, "");
    fail_case("fragmented ping", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    /* RFC 6455 5.4: fragmentation rules */
    F.len = 0; sfs(&F, 0x80, "hi");
    fail_case("continuation without a start", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    F.len = 0; sfs(&F, 0x81, "done"); sfs(&F, 0x80, "more");
    fail_case("continuation after a finished message", &o, M_BOTH, "open; msg T:done", AXWS_EPROTO, 1002);
    F.len = 0; sfs(&F, 0x01, "a"); sfs(&F, 0x81, "b");
    fail_case("text frame inside a fragmented message", &o, M_BOTH, "open", AXWS_EPROTO, 1002);
    F.len = 0; sfs(&F, 0x01, "a"); sfs(&F, 0x89, "p"); sfs(&F, 0x82, "b");
    frames_case("binary frame inside a fragmented message after a ping", &o, M_BOTH, "open; ping:p", "pong:p",
                AXWS_EPROTO, 1002, 1);
    /* RFC 6455 5.5.1: a close body is empty or at least 2 bytes (the code) */
    F.len = 0; sf(&F, 0x88, "\x03", 1);
    frames_case("close payload of 1 byte", &o, M_BOTH, "open", "", AXWS_EPROTO, 1002, 0);
    /* RFC 6455 7.4: codes 0-999, 1004-1006, 1015-2999 and 5000+ fail with 1002 */
    {
        static const int invalid[] = {0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535};
        size_t i;
        for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
            char name[48];
            F.len = 0;
            sf_close(&F, invalid[i], "");
            snprintf(name, sizeof name, "invalid close code %d", invalid[i]);
            frames_case(name, &o, M_MSG, "open", "", AXWS_EPROTO, 1002, 0);
        }
    }
    /* RFC 6455 7.4.1: 1009 for a message bigger than the program takes (msg_size) */
    {
        topts so = o;
        so.msg_size = 100;
        F.len = 0; sf(&F, 0x82, binary_payload(101), 101);
        fail_case("message of msg_size + 1", &so, M_MSG, "open", AXWS_ETOOBIG, 1009);
        F.len = 0; sf(&F, 0x02, binary_payload(60), 60); sf(&F, 0x80, binary_payload(41), 41);
        fail_case("fragmented message over msg_size", &so, M_MSG, "open", AXWS_ETOOBIG, 1009);
    }
}

static void test_utf8(void) {
    static const char *const valid[] = {"\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC2\xA9", "\xED\x9F\xBF",
                                        "\xF4\x8F\xBF\xBF", "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5"};
    static const char *const invalid[] = {"\xC0\xAF", "\xC1\xBF", "\xE0\x80\x80", "\xE0\x9F\xBF", "\xED\xA0\x80",
                                          "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\x80",
                                          "\xC2\x41", "\xE2\x82\x41", "a\xC2", "\xF0\x9F\x98"};
    topts o;
    size_t i;
    memset(&o, 0, sizeof o);
    for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        char name[64], want[200];
        size_t n = strlen(valid[i]), cut;
        snprintf(want, sizeof want, "open; msg T:%s", repr_s(valid[i], n));
        F.len = 0;
        sfs(&F, 0x81, valid[i]);
        snprintf(name, sizeof name, "valid UTF-8 %lu", (unsigned long)i);
        ok_case(name, &o, M_BOTH, want, "");
        /* a code point split across two frames at every byte */
        for (cut = 1; cut < n; cut++) {
            F.len = 0;
            sf(&F, 0x01, valid[i], cut);
            sf(&F, 0x80, valid[i] + cut, n - cut);
            snprintf(name, sizeof name, "valid UTF-8 %lu split across frames at %lu", (unsigned long)i, (unsigned long)cut);
            ok_case(name, &o, M_BOTH, want, "");
        }
    }
    /* RFC 6455 8.1: invalid UTF-8 in a text message fails the connection with 1007 */
    for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        char name[48];
        F.len = 0;
        sfs(&F, 0x81, invalid[i]);
        snprintf(name, sizeof name, "invalid UTF-8 %lu", (unsigned long)i);
        fail_case(name, &o, M_BOTH, "open", AXWS_EUTF8, 1007);
    }
    /* an invalid byte at every position of a long ASCII text (word-at-a-time paths) */
    for (i = 0; i < 40; i++) {
        uint8_t a[48];
        char name[64];
        memcpy(a, ascii_payload(sizeof a), sizeof a);
        a[i] = 0xFF;
        F.len = 0;
        sf(&F, 0x81, a, sizeof a);
        snprintf(name, sizeof name, "0xFF at offset %lu of 48 ASCII bytes", (unsigned long)i);
        fail_case(name, &o, M_MSG, "open", AXWS_EUTF8, 1007);
    }
    F.len = 0; sf(&F, 0x01, "\xE2\x82", 2); sfs(&F, 0x89, "p"); sf(&F, 0x80, "\xAC", 1);
    ok_case("code point split around a ping", &o, M_BOTH, "open; ping:p; msg T:\\xe2\\x82\\xac", "pong:p");
    F.len = 0; sf(&F, 0x01, "ok\xE2\x82", 4); sf(&F, 0x80, "", 0);
    fail_case("message ends inside a code point", &o, M_BOTH, "open", AXWS_EUTF8, 1007);
    F.len = 0; sf(&F, 0x01, "ab\xFF" "cd", 5);
    fail_case("invalid byte in a first fragment, nothing more", &o, M_BOTH, "open", AXWS_EUTF8, 1007);
    F.len = 0; sf(&F, 0x82, "\xFF\xFE", 2);
    ok_case("binary messages are not validated", &o, M_BOTH, "open; msg B:\\xff\\xfe", "");
}

static void test_close(void) {
    static const int valid[] = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 3000, 4999};
    static result r;
    topts o;
    size_t i;
    memset(&o, 0, sizeof o);
    /* RFC 6455 5.5.1: the reply echoes the peer's code */
    for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        char out[40], ev[60];
        F.len = 0;
        sf_close(&F, valid[i], "");
        set_case("close code %d is echoed", valid[i]);
        run_case(&o, NULL, &F, &r);
        snprintf(out, sizeof out, "close %d", valid[i]);
        expect_str("client frames", r.out.s, out);
        snprintf(ev, sizeof ev, "open; close %d e0:", valid[i]);
        expect_str("events", r.ev.s, ev);
        CHECK_EQ(r.error, 0);
        CHECK_EQ(r.close_code, valid[i]);
        CHECK_EQ(r.sent_close, valid[i]);
    }
    F.len = 0; sf(&F, 0x88, "", 0);
    set_case("close without a code: reply 1000, report 1005");
    run_case(&o, NULL, &F, &r);
    expect_str("client frames", r.out.s, "close 1000");
    expect_str("events", r.ev.s, "open; close 1005 e0:");
    F.len = 0; sf_close(&F, 1001, "going away \xC3\xA9");
    set_case("close with a UTF-8 reason");
    run_case(&o, NULL, &F, &r);
    expect_str("events", r.ev.s, "open; close 1001 e0:going away \\xc3\\xa9");
    F.len = 0; sf_close(&F, 1000, "\xFF\xFE");
    frames_case("close reason not UTF-8", &o, M_BOTH, "open", "", AXWS_EUTF8, 1007, 0);
    /* RFC 6455 5.5.1: nothing is delivered after the peer's close */
    F.len = 0; sf_close(&F, 1000, ""); sfs(&F, 0x81, "late"); sfs(&F, 0x89, "late");
    set_case("frames after the peer's close are ignored");
    run_case(&o, NULL, &F, &r);
    expect_str("events", r.ev.s, "open; close 1000 e0:");
    expect_str("client frames", r.out.s, "close 1000");
    F.len = 0; sfs(&F, 0x81, "x");
    set_case("EOF without a close frame: 1006");
    run_case(&o, NULL, &F, &r);
    expect_str("events", r.ev.s, "open; msg T:x; err -14; close 1006 e-14:");
    CHECK_EQ(r.close_code, 1006);
}

/* ================================================================== the client's side */

/* A connection after a good 101 (the output and the event log emptied). */
static tconn *tc_open(const topts *o) {
    tconn *t = tc_new(o);
    tc_feed(t, RESP_OK, strlen(RESP_OK), T0);
    if (!axt_check(t->opens == 1 && axws_get_state(&t->c) == AXWS_STATE_OPEN, "connection opened", __FILE__, __LINE__))
        fprintf(stderr, "     events: %s\n", t->ev.s);
    lg_clear(&t->ev);
    t->out.len = 0;
    return t;
}

static void test_send(void) {
    static slog log;
    topts o;
    tconn *t;
    int ops[16], i;
    size_t lens[16];
    memset(&o, 0, sizeof o);

    AXT_CASE("send: text, binary, ping, fragments; masked with cfg.random's keys");
    t = tc_open(&o);
    CHECK_EQ(axws_send_text(&t->c, "hello", 5), 0);
    CHECK_EQ(axws_send_binary(&t->c, "\0\0\0\0\0\0\0\0", 8), 0); /* the wire shows the key itself */
    CHECK_EQ(axws_ping(&t->c, "p", 1), 0);
    CHECK_EQ(axws_send_fragment(&t->c, AXWS_OP_TEXT, "ab", 2, 0), 0);
    CHECK_EQ(axws_send_fragment(&t->c, AXWS_OP_CONT, "cd", 2, 0), 0);
    CHECK_EQ(axws_send_fragment(&t->c, AXWS_OP_CONT, "e", 1, 1), 0);
    CHECK_EQ(axws_send(&t->c, AXWS_OP_BINARY, binary_payload(200), 200), 0);
    tc_drain(t);
    CHECK_EQ(decode_client(t, &log, ops, lens), 7);
    {
        char want[200];
        snprintf(want, sizeof want, "text:hello; binary:\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00; ping:p; text~:ab; "
                 "cont~:cd; cont:e; binary:%s", repr_s(binary_payload(200), 200));
        expect_str("frames", log.s, want);
    }
    /* RFC 6455 5.2: FIN + opcode, MASK bit + minimal length, 4-byte key, masked payload */
    CHECK_EQ(t->out.p[0], 0x81);
    CHECK_EQ(t->out.p[1], 0x80 | 5);
    CHECK(memcmp(t->out.p + 2, t->keys[0], 4) == 0);
    for (i = 0; i < 5; i++) CHECK_EQ(t->out.p[6 + i] ^ t->keys[0][i & 3], "hello"[i]);
    CHECK_EQ(t->nkeys, 7);
    {
        int distinct = 1, j;
        for (i = 0; i < t->nkeys; i++)
            for (j = 0; j < i; j++)
                if (!memcmp(t->keys[i], t->keys[j], 4)) distinct = 0;
        CHECK(distinct);
    }

    AXT_CASE("send: the 16- and 64-bit length forms");
    o.tx_size = TX_MAX;
    t = tc_open(&o);
    CHECK_EQ(axws_send_binary(&t->c, binary_payload(65536), 65536), 0);
    {
        const uint8_t *p;
        size_t n = 0;
        p = axws_output(&t->c, &n);
        CHECK(p != NULL && n >= 14);
        if (p && n >= 14) {
            static const uint8_t want[10] = {0x82, 0x80 | 127, 0, 0, 0, 0, 0, 1, 0, 0};
            CHECK(memcmp(p, want, 10) == 0);
        }
        axws_output_ack(&t->c, n);
        CHECK_EQ(axws_send_text(&t->c, (const char *)ascii_payload(300), 300), 0);
        p = axws_output(&t->c, &n);
        CHECK(p != NULL && n == 4 + 4 + 300 && p[0] == 0x81 && p[1] == (0x80 | 126) && p[2] == 1 && p[3] == 44);
    }

    AXT_CASE("send: EWOULDBLOCK when the free space is short, ETOOBIG when it never fits");
    o.tx_size = 512;
    t = tc_open(&o);
    CHECK_EQ(axws_send_binary(&t->c, binary_payload(1000), 1000), AXWS_ETOOBIG);
    CHECK_EQ(axws_send_binary(&t->c, binary_payload(300), 300), 0);
    CHECK_EQ(axws_send_binary(&t->c, binary_payload(300), 300), AXWS_EWOULDBLOCK);
    tc_drain(t);
    CHECK_EQ(axws_send_binary(&t->c, binary_payload(300), 300), 0);
    tc_drain(t);
    CHECK_EQ(decode_client(t, &log, NULL, NULL), 2);

    AXT_CASE("feed: back-pressure when a pong does not fit, then progress");
    o.tx_size = 512;
    t = tc_open(&o);
    {
        uint8_t pl[100];
        size_t n, total = 0;
        int k, pongs = 0;
        memset(pl, 'q', sizeof pl);
        F.len = 0;
        for (k = 0; k < 12; k++) sf(&F, 0x89, pl, sizeof pl);
        n = axws_feed(&t->c, F.p, F.len, T0); /* nothing drained: tx_buf fills with pongs */
        CHECK(n > 0 && n < F.len);
        total = n;
        tc_feed(t, F.p + total, F.len - total, T0);
        decode_client(t, &log, NULL, NULL);
        for (k = 0; log.s[k]; k++)
            if (strncmp(log.s + k, "pong:", 5) == 0) pongs++;
        CHECK_EQ(pongs, 12);
        CHECK(strstr(log.s, "BADKEY") == NULL && strstr(log.s, "UNMASKED") == NULL);
    }

    AXT_CASE("close: client-initiated handshake");
    memset(&o, 0, sizeof o);
    o.close_timeout_ms = 2000;
    t = tc_open(&o);
    CHECK_EQ(axws_close(&t->c, 1000, "done", T0 + 5), 0);
    CHECK_EQ(axws_get_state(&t->c), AXWS_STATE_CLOSING);
    CHECK_EQ(axws_sent_close_code(&t->c), 1000);
    tc_drain(t);
    CHECK_EQ(decode_client(t, &log, NULL, NULL), 1);
    expect_str("frames", log.s, "close 1000:done");
    CHECK_EQ(axws_send_text(&t->c, "x", 1), AXWS_ESTATE); /* RFC 6455 5.5.1: no data after close */
    t->out.len = 0;
    F.len = 0;
    sf_close(&F, 1000, "");
    tc_feed(t, F.p, F.len, T0 + 10);
    CHECK_EQ(decode_client(t, &log, NULL, NULL), 0); /* no second close frame */
    tc_finish(t, T0 + 20);
    expect_str("events", t->ev.s, "close 1000 e0:");
    CHECK_EQ(axws_error(&t->c), 0);
    CHECK_EQ(axws_get_state(&t->c), AXWS_STATE_CLOSED);

    AXT_CASE("close: a 124-byte reason is refused");
    t = tc_open(&o);
    {
        char reason[125];
        memset(reason, 'r', 124);
        reason[124] = 0;
        CHECK(axws_close(&t->c, 1000, reason, T0) < 0);
        CHECK_EQ(axws_get_state(&t->c), AXWS_STATE_OPEN);
    }

    AXT_CASE("close: the peer's answer never comes (close timeout)");
    t = tc_open(&o);
    CHECK_EQ(axws_close(&t->c, 1001, NULL, T0 + 100), 0);
    tc_drain(t);
    axws_tick(&t->c, T0 + 100 + 1990);
    CHECK_EQ(axws_get_state(&t->c), AXWS_STATE_CLOSING);
    axws_tick(&t->c, T0 + 100 + 2010);
    CHECK_EQ(axws_get_state(&t->c), AXWS_STATE_CLOSED);
    expect_has("CLOSE event with 1006", t->ev.s, "close 1006 ");

    AXT_CASE("echo from inside the callback");
    memset(&o, 0, sizeof o);
    o.echo = 1;
    t = tc_open(&o);
    F.len = 0;
    sfs(&F, 0x81, "echo me");
    sf(&F, 0x82, "\x01\x02", 2);
    tc_feed(t, F.p, F.len, T0);
    CHECK_EQ(t->echo_rc, 0);
    decode_client(t, &log, NULL, NULL);
    expect_str("frames", log.s, "text:echo me; binary:\\x01\\x02");
}

static void test_timers(void) {
    static slog log;
    topts o;
    tconn *t;
    int ops[16];

    AXT_CASE("keepalive: a masked ping every keepalive_ms");
    memset(&o, 0, sizeof o);
    o.keepalive_ms = 5000;
    t = tc_open(&o);
    CHECK(axws_timeout_ms(&t->c, T0) > 0 && axws_timeout_ms(&t->c, T0) <= 5000);
    axws_tick(&t->c, T0 + 2500);
    tc_drain(t);
    CHECK_EQ(decode_client(t, &log, NULL, NULL), 0);
    axws_tick(&t->c, T0 + 5001);
    tc_drain(t);
    CHECK_EQ(decode_client(t, &log, ops, NULL), 1);
    CHECK_EQ(ops[0], AXWS_OP_PING);
    CHECK(strstr(log.s, "UNMASKED") == NULL && strstr(log.s, "BADKEY") == NULL);
    CHECK_EQ(axws_get_state(&t->c), AXWS_STATE_OPEN);

    AXT_CASE("keepalive: off by default");
    memset(&o, 0, sizeof o);
    t = tc_open(&o);
    axws_tick(&t->c, T0 + 3600 * 1000);
    tc_drain(t);
    CHECK_EQ(decode_client(t, &log, NULL, NULL), 0);
    CHECK_EQ(axws_timeout_ms(&t->c, T0), -1);

    AXT_CASE("dead peer: nothing received for dead_peer_ms fails the connection");
    o.dead_peer_ms = 3000;
    t = tc_open(&o);
    axws_tick(&t->c, T0 + 2990);
    CHECK_EQ(axws_get_state(&t->c), AXWS_STATE_OPEN);
    F.len = 0;
    sfs(&F, 0x89, "alive");
    tc_feed(t, F.p, F.len, T0 + 2000); /* resets the timer */
    axws_tick(&t->c, T0 + 4990);
    CHECK_EQ(axws_get_state(&t->c), AXWS_STATE_OPEN);
    axws_tick(&t->c, T0 + 5010);
    tc_drain(t);
    CHECK_EQ(axws_error(&t->c), AXWS_EDEADPEER);
    tc_finish(t, T0 + 5020);
    expect_has("closed", t->ev.s, "close 1006 e-15:");

    AXT_CASE("handshake timeout");
    memset(&o, 0, sizeof o);
    o.handshake_timeout_ms = 3000;
    t = tc_new(&o);
    axws_tick(&t->c, T0 + 2990);
    CHECK_EQ(axws_get_state(&t->c), AXWS_STATE_HANDSHAKE);
    axws_tick(&t->c, T0 + 3010);
    CHECK_EQ(axws_error(&t->c), AXWS_ETIMEDOUT);
    CHECK_EQ(axws_get_state(&t->c), AXWS_STATE_CLOSED);
    expect_str("events", t->ev.s, "err -7; close 1006 e-7:");
}

/* ================================================================== stack, measured */

static int count_events;
static void on_count(axws_conn *c, const axws_event *ev, void *user) {
    (void)c; (void)ev; (void)user;
    count_events++;
}

static void drain(axws_conn *c) {
    size_t n;
    while (axws_output(c, &n) && n) axws_output_ack(c, n);
}

/* The deepest stack axws_feed and friends reach on this target for a mix of frames, with a
   callback that only counts (the static bound in budget.py's table excludes callbacks). */
static void test_stack(void) {
    static axws_conn c;
    static const char *const names[] = {"axws_init", "axws_start", "axws_feed", "axws_send_text", "axws_tick",
                                        "axws_close", "axws_feed_eof"};
    size_t depth[7] = {0}, i, n;
    axws_config cfg;
    axws_url url;
    char store[64];
    tconn *t = &T;
    AXT_CASE("stack depth, measured");
    memset(&cfg, 0, sizeof cfg);
    memset(t, 0, sizeof *t);
    cfg.rx_buf = t->rx; cfg.rx_size = sizeof t->rx;
    cfg.tx_buf = tx_mem; cfg.tx_size = 8192;
    cfg.msg_buf = msg_mem; cfg.msg_size = MSG_MAX;
    cfg.on_event = on_count;
    cfg.random = t_random; cfg.random_user = t;
    cfg.keepalive_ms = 1000;
    F.len = 0;
    b_str(&F, RESP_OK);
    sfs(&F, 0x01, "Hel\xE2\x82"); sfs(&F, 0x89, "ping"); sf(&F, 0x80, "\xACo", 2);
    sf(&F, 0x82, binary_payload(3000), 3000); sf_close(&F, 1000, "bye");
    axws_parse_url("ws://example.com/", &url, store, sizeof store);
    EMB_PROBE_BEGIN(); CHECK_EQ(axws_init(&c, &cfg), 0); depth[0] = emb_probe_end();
    EMB_PROBE_BEGIN(); CHECK_EQ(axws_start(&c, &url, T0), 0); depth[1] = emb_probe_end();
    drain(&c);
    for (i = 0; i < F.len; i += n) {
        static int sent;
        size_t d;
        EMB_PROBE_BEGIN();
        n = axws_feed(&c, F.p + i, F.len - i < 7 ? F.len - i : 7, T0);
        d = emb_probe_end();
        if (d > depth[2]) depth[2] = d;
        drain(&c);
        if (!n) break;
        if (i >= 200 && !sent) {
            sent = 1;
            EMB_PROBE_BEGIN(); axws_send_text(&c, "x", 1); depth[3] = emb_probe_end();
            EMB_PROBE_BEGIN(); axws_tick(&c, T0 + 1500); depth[4] = emb_probe_end();
        }
    }
    CHECK_EQ(axws_get_state(&c), AXWS_STATE_CLOSING); /* the close handshake ends at EOF */
    EMB_PROBE_BEGIN(); axws_feed_eof(&c, T0); depth[6] = emb_probe_end();
    CHECK(count_events >= 5);
    CHECK_EQ(axws_get_state(&c), AXWS_STATE_CLOSED);
    {
        axws_conn c2;
        CHECK_EQ(axws_init(&c2, &cfg), 0);
        axws_start(&c2, &url, T0);
        drain(&c2);
        axws_feed(&c2, RESP_OK, strlen(RESP_OK), T0);
        EMB_PROBE_BEGIN(); axws_close(&c2, 1000, "bye", T0); depth[5] = emb_probe_end();
    }
    printf("stack measured (callback counts only):");
    for (i = 0; i < 7; i++) printf(" %s %lu%s", names[i], (unsigned long)depth[i], i < 6 ? "," : "\n");
}

int main(void) {
    test_request();
    test_handshake();
    test_data_frames();
    test_invalid_frames();
    test_utf8();
    test_close();
    test_send();
    test_timers();
    test_stack();
    printf("%ld split runs; main stack high-water %lu bytes\n", split_runs, (unsigned long)emb_stack_used());
    return axt_report();
}
