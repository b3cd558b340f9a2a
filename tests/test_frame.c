/* tests/test_frame.c - unit vectors for the sans-IO WebSocket core (issue 2, items 4-7).

   Every case drives axws_start / axws_output / axws_output_ack / axws_feed / axws_feed_eof /
   axws_tick with exact bytes: the server's upgrade response and frames go in, and the test
   checks the events and the frames the client queues (unmasked with the key each frame
   carries). Each handshake response and frame sequence is fed whole, one byte at a time, and
   split in two at every position (every position up to SPLIT_ALL bytes, a sample above); the
   event log and the client's frames must be identical in every run, so a parser that depends
   on how reads are cut fails here.

   Time is passed explicitly (now_ms arguments): timer cases never sleep. Randomness comes from
   cfg.random with a deterministic generator, so runs repeat exactly.

   Logs. Events are written as "; "-separated entries, with streamed chunks reassembled so
   both message modes give the same log:
       open | msg T:<payload> | msg B:<payload> | ping:<payload> | pong:<payload> |
       err <code> | close <close_code> e<error>:<reason>
   Client frames (after the upgrade request) are written the same way:
       text:<p> binary:<p> cont:<p> ping:<p> pong:<p> close <code>   ("~" after the opcode
       name when FIN is clear; "UNMASKED"/"RSV" prefixes flag broken frames)
   A payload is printed as text (\xNN escapes) up to 48 bytes, else as <len>#<fnv32>. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <strings.h>

#define T0 1000        /* the clock at axws_start, in ms */
#define SPLIT_ALL 3000 /* inputs up to this size are split at every position */

/* ================================================================== small utilities */

static uint32_t fnv32(const void *p, size_t n) {
    const uint8_t *b = (const uint8_t *)p;
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) { h ^= b[i]; h *= 16777619u; }
    return h;
}

/* The logs are axt_buf (tests/harness.h); an entry is separated from the one before by "; ". */
static void log_entry(axt_buf *b) { if (b->len) axt_buf_puts(b, "; "); }

static void log_repr(axt_buf *b, const uint8_t *p, size_t n) {
    size_t i;
    if (n > 48) { axt_buf_printf(b, "%zu#%08x", n, (unsigned)fnv32(p, n)); return; }
    for (i = 0; i < n; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' && p[i] != ';') axt_buf_putc(b, p[i]);
        else axt_buf_printf(b, "\\x%02x", p[i]);
    }
}

static char case_name[256];
static void set_case(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(case_name, sizeof case_name, fmt, ap);
    va_end(ap);
    AXT_CASE(case_name);
}

static const char *repr_s(const void *p, size_t n);

static void expect_str(const char *what, const char *got, const char *want) {
    if (!axt_check(strcmp(got, want) == 0, what, __FILE__, __LINE__))
        fprintf(stderr, "     got:  %s\n     want: %s\n", got, want);
}
static void expect_has(const char *what, const char *hay, const char *needle) {
    if (!axt_check(strstr(hay, needle) != NULL, what, __FILE__, __LINE__))
        fprintf(stderr, "     in:   %s\n     missing: %s\n", hay, needle);
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(const uint8_t *in, size_t n, char *out) {
    size_t i, o = 0;
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[o++] = b64chars[(v >> 18) & 63]; out[o++] = b64chars[(v >> 12) & 63];
        out[o++] = b64chars[(v >> 6) & 63];  out[o++] = b64chars[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = b64chars[(v >> 18) & 63]; out[o++] = b64chars[(v >> 12) & 63];
        out[o++] = '='; out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        out[o++] = b64chars[(v >> 18) & 63]; out[o++] = b64chars[(v >> 12) & 63];
        out[o++] = b64chars[(v >> 6) & 63]; out[o++] = '=';
    }
    out[o] = 0;
}

/* Decodes canonical base64; returns the byte count or -1. */
static int b64_decode(const char *s, size_t n, uint8_t *out, size_t max) {
    size_t i, o = 0;
    uint32_t acc = 0;
    int bits = 0, pad = 0;
    if (n % 4) return -1;
    for (i = 0; i < n; i++) {
        const char *q;
        if (s[i] == '=') { pad++; continue; }
        if (pad) return -1;
        q = strchr(b64chars, s[i]);
        if (!q || !*q) return -1;
        acc = (acc << 6) | (uint32_t)(q - b64chars);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= max) return -1;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    if (pad > 2) return -1;
    return (int)o;
}

/* A build without BearSSL (AXWS_NO_TLS: the Cortex-M4 run of make embedded) has no other
   SHA-1 at hand: the library's own stands in under BearSSL's names for ws_accept, and
   test_accept_helper checks it against RFC 6455's example there. */
#ifdef AXWS_NO_TLS
#define br_sha1_context axws__sha1
#define br_sha1_init axws__sha1_init
#define br_sha1_update axws__sha1_update
#define br_sha1_out axws__sha1_final
#endif

/* RFC 6455 4.2.2: accept = base64(SHA-1(key + GUID)). */
static void ws_accept(const char *key, size_t klen, char out[29]) {
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    br_sha1_context h;
    uint8_t d[20];
    br_sha1_init(&h);
    br_sha1_update(&h, key, klen);
    br_sha1_update(&h, guid, 36);
    br_sha1_out(&h, d);
    b64_encode(d, 20, out);
}

/* Finds a header in an HTTP message (not the first line); case-insensitive name. Returns the
   value with surrounding whitespace trimmed, or NULL. */
static const char *find_header(const char *msg, const char *name, size_t *vlen) {
    const char *p = strstr(msg, "\r\n");
    size_t nl = strlen(name);
    while (p && p[2] && !(p[2] == '\r' && p[3] == '\n')) {
        const char *line = p + 2, *end = strstr(line, "\r\n");
        size_t i;
        int match = end && (size_t)(end - line) > nl && line[nl] == ':';
        for (i = 0; match && i < nl; i++)
            if (tolower((unsigned char)line[i]) != tolower((unsigned char)name[i])) match = 0;
        if (match) {
            const char *v = line + nl + 1, *e = end;
            while (v < e && (*v == ' ' || *v == '\t')) v++;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
            *vlen = (size_t)(e - v);
            return v;
        }
        p = end;
    }
    return NULL;
}

static int header_is(const char *msg, const char *name, const char *want) {
    size_t n;
    const char *v = find_header(msg, name, &n);
    return v && n == strlen(want) && memcmp(v, want, n) == 0;
}

/* ================================================================== server frame builders */

/* An unmasked server frame with the minimal length encoding (RFC 6455 5.2). */
static void sf(axt_buf *b, int b0, const void *pl, size_t n) {
    axt_buf_putc(b, b0);
    if (n < 126) axt_buf_putc(b, (int)n);
    else if (n < 65536) { axt_buf_putc(b, 126); axt_buf_putc(b, (int)(n >> 8)); axt_buf_putc(b, (int)(n & 255)); }
    else {
        int i;
        axt_buf_putc(b, 127);
        for (i = 7; i >= 0; i--) axt_buf_putc(b, (int)(((uint64_t)n >> (8 * i)) & 255));
    }
    axt_buf_put(b, pl, n);
}
static void sfs(axt_buf *b, int b0, const char *s) { sf(b, b0, s, strlen(s)); }

/* A close frame with a code and a reason. */
static void sf_close(axt_buf *b, int code, const char *reason, size_t rlen) {
    uint8_t pl[130];
    pl[0] = (uint8_t)(code >> 8); pl[1] = (uint8_t)code;
    memcpy(pl + 2, reason, rlen);
    sf(b, 0x88, pl, 2 + rlen);
}

/* A payload of n bytes of printable ASCII (valid text), varied so hashes mean something. */
static uint8_t *ascii_payload(size_t n) {
    uint8_t *p = (uint8_t *)malloc(n ? n : 1);
    size_t i;
    for (i = 0; i < n; i++) p[i] = (uint8_t)(' ' + (i * 7 + i / 95) % 95);
    return p;
}
static uint8_t *binary_payload(size_t n) {
    uint8_t *p = (uint8_t *)malloc(n ? n : 1);
    size_t i;
    uint32_t x = 0x12345678u;
    for (i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; p[i] = (uint8_t)x; }
    return p;
}

/* ================================================================== the test connection */

typedef struct topts {
    int stream;               /* 1: no msg_buf (streaming chunks) */
    size_t msg_size;          /* default 1 << 17 */
    size_t tx_size;           /* default 1 << 17 */
    size_t max_handshake;     /* 0: library default */
    const char *url;          /* default ws://example.com/chat */
    const char *origin, *subprotocols;
    const char *const *headers;
    int keepalive_ms, dead_peer_ms, close_timeout_ms, handshake_timeout_ms;
    uint64_t seed;            /* 0: a fixed default */
    const char *hdr_names[3]; /* axws_header() lookups made during the OPEN callback */
    int echo;                 /* send every message back from inside the callback */
    int close_on_msg;         /* axws_close(1000, "bye") from inside the first MESSAGE */
    int abort_on_msg;         /* axws_abort() from inside the first MESSAGE */
    int restart_on_close;     /* axws_start() again from inside the first CLOSE */
} topts;

typedef struct tconn {
    axws_conn c;
    topts o;
    axws_config cfg;
    uint8_t rx[4096];
    uint8_t *tx, *msg;
    axws_url url;
    char url_store[512];
    int init_rc, start_rc;
    axt_buf req;              /* the upgrade request the client queued */
    char key[64];
    char accept[32];
    uint64_t rng;
    long rng_calls;
    axt_buf ev, raw, out, info, asm_;
    int asm_op, in_msg;
    int opens, closes, errors, after_close, bad;
    int echo_rc;              /* first non-zero return of an echo send */
} tconn;

/* tx/msg buffers are reused between connections: the split runs create thousands of them,
   and fresh 128 KiB allocations dominate the ASan run otherwise. */
static uint8_t *spare[4];
static size_t spare_size[4];
static uint8_t *buf_get(size_t n) {
    int i;
    for (i = 0; i < 4; i++)
        if (spare[i] && spare_size[i] == n) { uint8_t *p = spare[i]; spare[i] = NULL; return p; }
    return (uint8_t *)malloc(n);
}
static void buf_put(uint8_t *p, size_t n) {
    int i;
    for (i = 0; i < 4; i++)
        if (!spare[i]) { spare[i] = p; spare_size[i] = n; return; }
    free(p);
}

static uint64_t splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void t_random(void *user, void *buf, size_t len) {
    tconn *t = (tconn *)user;
    uint8_t *p = (uint8_t *)buf;
    size_t i;
    t->rng_calls++;
    for (i = 0; i < len; i++) p[i] = (uint8_t)(splitmix(&t->rng) >> 24);
}

static void ev_add(tconn *t, const char *s) {
    log_entry(&t->ev);
    axt_buf_puts(&t->ev, s);
}

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    tconn *t = (tconn *)user;
    if (c != &t->c) t->bad++;
    if (t->closes) t->after_close++;
    if (ev->len && !ev->data) { ev_add(t, "NULL-DATA"); return; }
    switch (ev->type) {
    case AXWS_EV_OPEN: {
        int i, k;
        const char *sp;
        t->opens++;
        ev_add(t, "open");
        for (i = 0; i < 3 && t->o.hdr_names[i]; i++) {
            for (k = 0; k < 2; k++) {
                size_t n = 0;
                const char *v = axws_header(c, t->o.hdr_names[i], k, &n);
                log_entry(&t->info);
                axt_buf_printf(&t->info, "%s[%d]=", t->o.hdr_names[i], k);
                if (v) log_repr(&t->info, (const uint8_t *)v, n);
                else axt_buf_puts(&t->info, "NULL");
            }
        }
        sp = axws_subprotocol(c);
        log_entry(&t->info);
        axt_buf_printf(&t->info, "sub=%s", sp ? sp : "NULL");
        break;
    }
    case AXWS_EV_MESSAGE:
        log_entry(&t->ev);
        axt_buf_puts(&t->ev, ev->opcode == AXWS_OP_TEXT ? "msg T:" : ev->opcode == AXWS_OP_BINARY ? "msg B:" : "msg ?:");
        log_repr(&t->ev, ev->data, ev->len);
        if (t->o.echo) {
            int rc = axws_send(c, ev->opcode, ev->data, ev->len);
            if (rc && !t->echo_rc) t->echo_rc = rc;
        }
        if (t->o.close_on_msg == 1) {
            t->o.close_on_msg = 2;
            if (axws_close(c, 1000, "bye", T0) != 0) ev_add(t, "CLOSE-FAILED");
        }
        if (t->o.abort_on_msg == 1) {
            t->o.abort_on_msg = 2;
            axws_abort(c);
        }
        break;
    case AXWS_EV_CHUNK:
        log_entry(&t->raw);
        axt_buf_printf(&t->raw, "chunk %c off=%llu len=%zu fin=%d", ev->opcode == AXWS_OP_TEXT ? 'T' : ev->opcode == AXWS_OP_BINARY ? 'B' : '?',
                       (unsigned long long)ev->offset, ev->len, ev->fin);
        if (!t->in_msg) {
            t->in_msg = 1;
            t->asm_op = ev->opcode;
            axt_buf_reset(&t->asm_);
        }
        if (ev->offset != t->asm_.len || ev->opcode != t->asm_op) ev_add(t, "BAD-CHUNK");
        axt_buf_put(&t->asm_, ev->data, ev->len);
        if (ev->fin) {
            log_entry(&t->ev);
            axt_buf_puts(&t->ev, t->asm_op == AXWS_OP_TEXT ? "msg T:" : t->asm_op == AXWS_OP_BINARY ? "msg B:" : "msg ?:");
            log_repr(&t->ev, t->asm_.p, t->asm_.len);
            t->in_msg = 0;
        }
        break;
    case AXWS_EV_PING:
        log_entry(&t->ev); axt_buf_puts(&t->ev, "ping:"); log_repr(&t->ev, ev->data, ev->len);
        break;
    case AXWS_EV_PONG:
        log_entry(&t->ev); axt_buf_puts(&t->ev, "pong:"); log_repr(&t->ev, ev->data, ev->len);
        break;
    case AXWS_EV_CLOSE:
        t->closes++;
        log_entry(&t->ev);
        axt_buf_printf(&t->ev, "close %d e%d:", ev->close_code, ev->error);
        log_repr(&t->ev, ev->data, ev->len);
        if (t->o.restart_on_close == 1) {
            t->o.restart_on_close = 2;
            if (axws_start(c, &t->url, T0) != 0) ev_add(t, "RESTART-FAILED");
        }
        break;
    case AXWS_EV_ERROR:
        t->errors++;
        log_entry(&t->ev);
        axt_buf_printf(&t->ev, "err %d", ev->error);
        break;
    default:
        log_entry(&t->ev);
        axt_buf_printf(&t->ev, "unknown-event %d", (int)ev->type);
    }
}

/* Moves every queued output byte to `dst` (the request buffer or the frame log). */
static void tc_drain_to(tconn *t, axt_buf *dst) {
    int guard = 0;
    for (;;) {
        size_t n = 0;
        const uint8_t *p = axws_output(&t->c, &n);
        if (!p || !n) break;
        axt_buf_put(dst, p, n);
        axws_output_ack(&t->c, n);
        if (++guard > 10000) { ev_add(t, "OUTPUT-NEVER-EMPTIES"); break; }
    }
}
static void tc_drain(tconn *t) { tc_drain_to(t, &t->out); }

static const char *opt_url(const topts *o) { return o->url ? o->url : "ws://example.com/chat"; }

/* Creates a connection, starts it at T0 and collects the upgrade request. */
static tconn *tc_new(const topts *o) {
    tconn *t = (tconn *)calloc(1, sizeof *t);
    size_t klen;
    const char *k;
    t->o = *o;
    t->rng = o->seed ? o->seed : 0x5eed;
    t->tx = buf_get(o->tx_size ? o->tx_size : (1u << 17));
    t->msg = buf_get(o->msg_size ? o->msg_size : (1u << 17));
    t->cfg.rx_buf = t->rx;
    t->cfg.rx_size = sizeof t->rx;
    t->cfg.tx_buf = t->tx;
    t->cfg.tx_size = o->tx_size ? o->tx_size : (1u << 17);
    if (!o->stream) {
        t->cfg.msg_buf = t->msg;
        t->cfg.msg_size = o->msg_size ? o->msg_size : (1u << 17);
    }
    t->cfg.max_handshake = o->max_handshake;
    t->cfg.origin = o->origin;
    t->cfg.subprotocols = o->subprotocols;
    t->cfg.headers = o->headers;
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
    if (t->start_rc) return t;
    tc_drain_to(t, &t->req);
    k = find_header(axt_buf_str(&t->req), "Sec-WebSocket-Key", &klen);
    if (k && klen < sizeof t->key) {
        memcpy(t->key, k, klen);
        t->key[klen] = 0;
        ws_accept(t->key, klen, t->accept);
    }
    return t;
}

static void tc_free(tconn *t) {
    axt_buf_free(&t->req); axt_buf_free(&t->ev); axt_buf_free(&t->raw);
    axt_buf_free(&t->out); axt_buf_free(&t->info); axt_buf_free(&t->asm_);
    buf_put(t->tx, t->o.tx_size ? t->o.tx_size : (1u << 17));
    buf_put(t->msg, t->o.msg_size ? t->o.msg_size : (1u << 17));
    free(t);
}

/* Feeds bytes the way a socket driver would: whatever axws_feed does not take is offered
   again after the output has been drained. */
static void tc_feed(tconn *t, const void *data, size_t len, int64_t now) {
    const uint8_t *p = (const uint8_t *)data;
    int stalls = 0;
    while (len > 0) {
        size_t n = axws_feed(&t->c, p, len, now);
        if (n > len) { ev_add(t, "FEED-OVERCONSUMED"); return; }
        p += n; len -= n;
        tc_drain(t);
        if (n == 0) {
            /* "less than len only when output space for a reply is missing, or the connection
               ended": with the output drained, an open connection must make progress */
            if (axws_conn_state(&t->c) == AXWS_STATE_OPEN && ++stalls > 1) { ev_add(t, "FEED-STALLED"); return; }
            if (axws_conn_state(&t->c) != AXWS_STATE_OPEN) return;
        } else stalls = 0;
    }
}

/* Ends the connection from the peer's side: EOF, then the close timeout if still needed. */
static void tc_finish(tconn *t, int64_t now) {
    if (axws_conn_state(&t->c) != AXWS_STATE_CLOSED) {
        axws_feed_eof(&t->c, now);
        tc_drain(t);
    }
    if (axws_conn_state(&t->c) != AXWS_STATE_CLOSED) {
        axws_tick(&t->c, now + 3600 * 1000);
        tc_drain(t);
    }
    if (axws_conn_state(&t->c) != AXWS_STATE_CLOSED) ev_add(t, "NOT-CLOSED");
}

/* The handshake response with "{A}" replaced by the accept value for this connection. */
static void build_response(const tconn *t, const char *tmpl, axt_buf *out) {
    const char *p = tmpl;
    for (;;) {
        const char *q = strstr(p, "{A}");
        if (!q) { axt_buf_puts(out, p); break; }
        axt_buf_put(out, p, (size_t)(q - p));
        axt_buf_puts(out, t->accept);
        p = q + 3;
    }
}

/* the header lines of a good 101 ({A}: its accept value), and the whole response */
#define RESP_HEAD "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}\r\n"
#define RESP_OK RESP_HEAD "\r\n"

/* ------------------------------------------------------------ decoding the client's frames */

typedef struct cframe {
    int fin, rsv, op, masked;
    uint8_t key[4];
    size_t len;
    const uint8_t *pl;  /* unmasked payload (points into the decode buffer) */
} cframe;

/* Decodes the client's byte stream into frames (unmasking into `store`) and a log. Returns
   the number of frames; *rest gets the count of trailing bytes that are not a whole frame. */
static int decode_client(const axt_buf *out, axt_buf *store, cframe *fr, int max, axt_buf *log, size_t *rest) {
    size_t i = 0;
    int n = 0;
    axt_buf_reset(store);
    axt_buf_reserve(store, out->len);
    if (out->len) memcpy(store->p, out->p, out->len);
    store->len = out->len;
    while (i + 2 <= out->len) {
        const uint8_t *h = store->p + i;
        size_t hl = 2, len = h[1] & 127, k;
        cframe f;
        if (len == 126) { if (i + 4 > out->len) break; len = ((size_t)h[2] << 8) | h[3]; hl = 4; }
        else if (len == 127) {
            uint64_t v = 0;
            int j;
            if (i + 10 > out->len) break;
            for (j = 0; j < 8; j++) v = (v << 8) | h[2 + j];
            len = (size_t)v; hl = 10;
        }
        f.fin = h[0] >> 7; f.rsv = (h[0] >> 4) & 7; f.op = h[0] & 15; f.masked = h[1] >> 7;
        if (f.masked) { if (i + hl + 4 > out->len) break; memcpy(f.key, h + hl, 4); hl += 4; }
        else memset(f.key, 0, 4);
        if (i + hl + len > out->len) break;
        f.len = len;
        f.pl = store->p + i + hl;
        if (f.masked)
            for (k = 0; k < len; k++) store->p[i + hl + k] ^= f.key[k & 3];
        if (log) {
            static const char *names[16] = {"cont", "text", "binary", "op3", "op4", "op5", "op6", "op7",
                                            "close", "ping", "pong", "opB", "opC", "opD", "opE", "opF"};
            log_entry(log);
            if (!f.masked) axt_buf_puts(log, "UNMASKED ");
            if (f.rsv) axt_buf_puts(log, "RSV ");
            axt_buf_puts(log, names[f.op]);
            if (!f.fin) axt_buf_puts(log, "~");
            if (f.op == AXWS_OP_CLOSE) {
                if (len >= 2) axt_buf_printf(log, " %d", (f.pl[0] << 8) | f.pl[1]);
                else if (len == 1) axt_buf_puts(log, " BAD-1-BYTE");
            } else {
                axt_buf_puts(log, ":");
                log_repr(log, f.pl, len);
            }
        }
        if (n < max) fr[n] = f;
        n++;
        i += hl + len;
    }
    if (rest) *rest = out->len - i;
    if (log && i != out->len) { log_entry(log); axt_buf_printf(log, "TRAILING %zu", out->len - i); }
    return n;
}

/* ================================================================== scenario runner */

typedef struct result {
    axt_buf ev_fed;   /* events after every input byte was fed, before EOF */
    axt_buf ev;       /* events after EOF / timeout */
    axt_buf out;      /* decoded client frames */
    axt_buf info;     /* what the OPEN callback saw */
    axt_buf raw;      /* chunk events */
    int state_fed;    /* state after feeding */
    int error, sent_close, close_code, http_status;
    char location[256];
    char reason[256];
    size_t input_len;
} result;

static void r_free(result *r) {
    axt_buf_free(&r->ev_fed); axt_buf_free(&r->ev); axt_buf_free(&r->out); axt_buf_free(&r->info); axt_buf_free(&r->raw);
}

enum { FEED_WHOLE, FEED_BYTES, FEED_SPLIT };

/* One run: connect, feed resp (NULL = RESP_OK, "" = none) + frames as told, end. */
static void run_once(const topts *o, const char *resp, const axt_buf *frames, int how, size_t at, result *r) {
    tconn *t = tc_new(o);
    axt_buf in = {0}, store = {0};
    size_t i, n;
    const char *s;
    memset(r, 0, sizeof *r);
    if (t->init_rc || t->start_rc) {
        axt_buf_printf(&r->ev, "init %d start %d", t->init_rc, t->start_rc);
        tc_free(t);
        return;
    }
    build_response(t, resp ? resp : RESP_OK, &in);
    if (frames) axt_buf_put(&in, frames->p, frames->len);
    r->input_len = in.len;
    if (how == FEED_WHOLE) tc_feed(t, in.p, in.len, T0);
    else if (how == FEED_BYTES) { for (i = 0; i < in.len; i++) tc_feed(t, in.p + i, 1, T0); }
    else { tc_feed(t, in.p, at, T0); tc_feed(t, in.p + at, in.len - at, T0); }
    axt_buf_puts(&r->ev_fed, axt_buf_str(&t->ev));
    r->state_fed = axws_conn_state(&t->c);
    r->http_status = axws_http_status(&t->c);
    n = 0;
    s = axws_location(&t->c, &n);
    if (s && n < sizeof r->location) { memcpy(r->location, s, n); r->location[n] = 0; }
    else if (!s) strcpy(r->location, "NULL");
    n = 0;
    s = axws_http_reason(&t->c, &n);
    if (s && n < sizeof r->reason) { memcpy(r->reason, s, n); r->reason[n] = 0; }
    tc_finish(t, T0 + 10);
    if (t->after_close) ev_add(t, "EVENT-AFTER-CLOSE");
    if (t->closes > 1) ev_add(t, "CLOSE-TWICE");
    if (t->bad) ev_add(t, "WRONG-CONN");
    axt_buf_puts(&r->ev, axt_buf_str(&t->ev));
    axt_buf_puts(&r->info, axt_buf_str(&t->info));
    axt_buf_puts(&r->raw, axt_buf_str(&t->raw));
    decode_client(&t->out, &store, NULL, 0, &r->out, NULL);
    r->error = axws_error(&t->c);
    r->sent_close = axws_sent_close_code(&t->c);
    r->close_code = axws_close_code(&t->c);
    axt_buf_free(&in); axt_buf_free(&store);
    tc_free(t);
}

static int same_result(const result *a, const result *b) {
    return strcmp(axt_buf_str(&a->ev), axt_buf_str(&b->ev)) == 0 &&
           strcmp(axt_buf_str(&a->ev_fed), axt_buf_str(&b->ev_fed)) == 0 &&
           strcmp(axt_buf_str(&a->out), axt_buf_str(&b->out)) == 0 &&
           strcmp(axt_buf_str(&a->info), axt_buf_str(&b->info)) == 0 &&
           a->error == b->error && a->sent_close == b->sent_close && a->close_code == b->close_code &&
           a->state_fed == b->state_fed;
}

static void show_diff(const char *how, const result *a, const result *b) {
    fprintf(stderr, "     %s differs from the whole feed:\n", how);
    fprintf(stderr, "       whole: ev=[%s] out=[%s] err=%d sent=%d\n", axt_buf_str(&a->ev), axt_buf_str(&a->out), a->error, a->sent_close);
    fprintf(stderr, "       split: ev=[%s] out=[%s] err=%d sent=%d\n", axt_buf_str(&b->ev), axt_buf_str(&b->out), b->error, b->sent_close);
}

/* Runs the scenario whole (into *r), byte by byte and split in two at every position; checks
   that every run gives the same result. */
static void run_case(const topts *o, const char *resp, const axt_buf *frames, result *r) {
    result x;
    size_t at, n;
    int ok = 1;
    char what[160];
    run_once(o, resp, frames, FEED_WHOLE, 0, r);
    n = r->input_len;
    if (n == 0) return;
    run_once(o, resp, frames, FEED_BYTES, 0, &x);
    snprintf(what, sizeof what, "byte-at-a-time feed gives the same events (%zu bytes)", n);
    if (!axt_check(same_result(r, &x), what, __FILE__, __LINE__)) show_diff("byte at a time", r, &x);
    r_free(&x);
    for (at = 1; at < n && ok; at++) {
        if (n > SPLIT_ALL && at > 200 && at + 200 < n && at % 397) continue;
        run_once(o, resp, frames, FEED_SPLIT, at, &x);
        if (!same_result(r, &x)) {
            char how[64];
            snprintf(how, sizeof how, "split at %zu", at);
            show_diff(how, r, &x);
            ok = 0;
        }
        r_free(&x);
    }
    snprintf(what, sizeof what, "every 2-way split gives the same events (%zu bytes)", n);
    axt_check(ok, what, __FILE__, __LINE__);
}

static int count_sub(const char *hay, const char *needle) {
    int n = 0;
    size_t nl = strlen(needle);
    while ((hay = strstr(hay, needle)) != NULL) { n++; hay += nl; }
    return n;
}

/* The result of a connection failed by the client after the upgrade: the error sticks, the
   client sends one close frame with `code` and nothing after it, and the CLOSE event reports
   1006 (no close frame came back) with the error. */
static void expect_fail(const result *r, int err, int code) {
    char want[64];
    const char *last;
    CHECK_EQ(r->error, err);
    CHECK_EQ(r->sent_close, code);
    snprintf(want, sizeof want, "err %d", err);
    expect_has("an ERROR event carries the error", axt_buf_str(&r->ev_fed), want);
    snprintf(want, sizeof want, "close 1006 e%d:", err);
    {
        size_t wl = strlen(want), el = r->ev.len;
        const char *ev = axt_buf_str(&r->ev);
        if (!axt_check(el >= wl && strcmp(ev + el - wl, want) == 0, "the last event is CLOSE 1006 with the error", __FILE__, __LINE__))
            fprintf(stderr, "     got: %s\n     want it to end with: %s\n", ev, want);
    }
    if (code) {
        snprintf(want, sizeof want, "close %d", code);
        last = strrchr(axt_buf_str(&r->out), ';');
        last = last ? last + 2 : axt_buf_str(&r->out);
        if (!axt_check(strcmp(last, want) == 0, "the client's last frame is the close with the failure code", __FILE__, __LINE__))
            fprintf(stderr, "     client frames: %s\n     want last: %s\n", axt_buf_str(&r->out), want);
        CHECK_EQ(count_sub(axt_buf_str(&r->out), "close"), 1);
    }
}

/* ================================================================== the upgrade request */

static void test_accept_helper(void) {
    char a[29];
    AXT_CASE("RFC 6455 1.3 accept example (test helper)");
    ws_accept("dGhlIHNhbXBsZSBub25jZQ==", 24, a);
    expect_str("accept of the RFC's sample key", a, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static void check_request_basics(tconn *t, const char *want_line, const char *want_host) {
    const char *req = axt_buf_str(&t->req);
    size_t n = 0, line_len;
    const char *v;
    uint8_t raw[32];
    char want[300];
    CHECK_EQ(t->init_rc, 0);
    CHECK_EQ(t->start_rc, 0);
    if (!req) { CHECK(!"no request queued"); return; }
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_HANDSHAKE);
    snprintf(want, sizeof want, "%s\r\n", want_line);
    line_len = strlen(want);
    if (!axt_check(t->req.len >= line_len && memcmp(req, want, line_len) == 0, "request line", __FILE__, __LINE__))
        fprintf(stderr, "     request: %s\n     want line: %s\n", req, want_line);
    v = find_header(req, "Host", &n);
    if (!axt_check(v && n == strlen(want_host) && memcmp(v, want_host, n) == 0, "Host header", __FILE__, __LINE__))
        fprintf(stderr, "     request: %s\n     want Host: %s\n", req, want_host);
    v = find_header(req, "Upgrade", &n);
    CHECK(v && n == 9 && strncasecmp(v, "websocket", 9) == 0);
    v = find_header(req, "Connection", &n);
    CHECK(v && n == 7 && strncasecmp(v, "Upgrade", 7) == 0);
    CHECK(header_is(req, "Sec-WebSocket-Version", "13"));
    /* RFC 6455 4.1: the key is a randomly selected 16-byte value, base64-encoded */
    v = find_header(req, "Sec-WebSocket-Key", &n);
    CHECK(v != NULL && n == 24);
    if (v) CHECK_EQ(b64_decode(v, n, raw, sizeof raw), 16);
    CHECK(t->req.len >= 4 && memcmp(t->req.p + t->req.len - 4, "\r\n\r\n", 4) == 0);
    CHECK_EQ(count_sub(req, "\r\n\r\n"), 1);
    CHECK(t->rng_calls > 0); /* the key came from cfg.random */
}

/* A configuration that smuggles an "X-Evil" header line in through CR/LF: init or start
   refuses it with AXWS_EINVAL, and no request carries the line. */
static void expect_injection_refused(const topts *o) {
    tconn *t = tc_new(o);
    CHECK(t->init_rc == AXWS_EINVAL || t->start_rc == AXWS_EINVAL);
    CHECK(t->req.len == 0 || strstr(axt_buf_str(&t->req), "X-Evil") == NULL);
    tc_free(t);
}

static void test_request(void) {
    topts o;
    tconn *t, *t2;
    const char *req;
    size_t n;
    static const char *const extra[] = {"Cookie: session=abc; theme=dark", "User-Agent: axws-test/1.0", NULL};

    AXT_CASE("request: defaults");
    memset(&o, 0, sizeof o);
    o.url = "ws://example.com/chat?room=1&x=%20";
    t = tc_new(&o);
    check_request_basics(t, "GET /chat?room=1&x=%20 HTTP/1.1", "example.com");
    req = axt_buf_str(&t->req);
    CHECK(find_header(req, "Origin", &n) == NULL);
    CHECK(find_header(req, "Sec-WebSocket-Protocol", &n) == NULL);
    CHECK(find_header(req, "Sec-WebSocket-Extensions", &n) == NULL);
    CHECK(axws_output(&t->c, &n) == NULL || n == 0); /* the request was drained, nothing else */

    AXT_CASE("request: the key is random (another seed, another key)");
    o.seed = 777;
    t2 = tc_new(&o);
    CHECK(t->key[0] && t2->key[0] && strcmp(t->key, t2->key) != 0);
    tc_free(t2);
    o.seed = 0;
    t2 = tc_new(&o);
    expect_str("same seed, same key (the key comes from cfg.random)", t2->key, t->key);
    tc_free(t2);
    tc_free(t);

    {
        /* the request line and Host for each shape of URL */
        static const struct { const char *name, *url, *line, *host; } shapes[] = {
            {"request: no path gives /", "ws://example.com", "GET / HTTP/1.1", "example.com"},
            {"request: explicit non-default port in Host", "ws://example.com:8080/x",
             "GET /x HTTP/1.1", "example.com:8080"},
            {"request: explicit default port :80 left out of Host", "ws://example.com:80/x",
             "GET /x HTTP/1.1", "example.com"},
            {"request: IPv4 literal", "ws://127.0.0.1:9001/", "GET / HTTP/1.1", "127.0.0.1:9001"},
            {"request: IPv6 literal keeps its brackets in Host", "ws://[::1]:9001/v6",
             "GET /v6 HTTP/1.1", "[::1]:9001"},
            {"request: IPv6 literal, default port", "ws://[2001:db8::1]/", "GET / HTTP/1.1",
             "[2001:db8::1]"},
            /* the default port depends on the scheme: 443 for wss://, so :443 is left out
               there and :80 is not */
            {"request: wss:// default port left out of Host", "wss://example.com/s",
             "GET /s HTTP/1.1", "example.com"},
            {"request: wss:// explicit :443 left out of Host", "wss://example.com:443/s",
             "GET /s HTTP/1.1", "example.com"},
            {"request: wss:// on port 80 keeps :80 in Host", "wss://example.com:80/s",
             "GET /s HTTP/1.1", "example.com:80"},
            {"request: ws:// on port 443 keeps :443 in Host", "ws://example.com:443/s",
             "GET /s HTTP/1.1", "example.com:443"},
        };
        size_t k;
        for (k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
            AXT_CASE(shapes[k].name);
            o.url = shapes[k].url;
            t = tc_new(&o);
            check_request_basics(t, shapes[k].line, shapes[k].host);
            tc_free(t);
        }
    }

    AXT_CASE("request: Origin, subprotocols, extra headers");
    memset(&o, 0, sizeof o);
    o.origin = "https://axiom.trade";
    o.subprotocols = "chat, superchat";
    o.headers = extra;
    t = tc_new(&o);
    check_request_basics(t, "GET /chat HTTP/1.1", "example.com");
    req = axt_buf_str(&t->req);
    CHECK(header_is(req, "Origin", "https://axiom.trade"));
    CHECK(header_is(req, "Sec-WebSocket-Protocol", "chat, superchat"));
    CHECK(header_is(req, "Cookie", "session=abc; theme=dark"));
    CHECK(header_is(req, "User-Agent", "axws-test/1.0"));
    tc_free(t);

    /* Issue 2 item 4: each extra header value is checked for CR/LF (header injection). */
    {
        static const char *const bad1[] = {"X-A: b\r\nX-Evil: 1", NULL};
        static const char *const bad2[] = {"Cookie: ok", "X-A: b\nX-Evil: 1", NULL};
        static const char *const bad3[] = {"X-A: b\rX-Evil: 1", NULL};
        const char *const *bads[3];
        int i;
        bads[0] = bad1; bads[1] = bad2; bads[2] = bad3;
        for (i = 0; i < 3; i++) {
            set_case("request: CR/LF in extra header %d refused", i + 1);
            memset(&o, 0, sizeof o);
            o.headers = bads[i];
            expect_injection_refused(&o);
        }
        {
            /* a header line needs a name before its colon (RFC 7230 3.2: field-name is a
               token, at least one character) */
            static const char *const noname[] = {": x", NULL};
            static const char *const nocolon[] = {"X-A b", NULL};
            AXT_CASE("request: extra header with an empty name refused");
            memset(&o, 0, sizeof o);
            o.headers = noname;
            t = tc_new(&o);
            CHECK(t->init_rc == AXWS_EINVAL || t->start_rc == AXWS_EINVAL);
            CHECK(t->req.len == 0);
            tc_free(t);
            AXT_CASE("request: extra header without a colon refused");
            o.headers = nocolon;
            t = tc_new(&o);
            CHECK(t->init_rc == AXWS_EINVAL || t->start_rc == AXWS_EINVAL);
            CHECK(t->req.len == 0);
            tc_free(t);
        }
        AXT_CASE("request: CR/LF in Origin refused");
        memset(&o, 0, sizeof o);
        o.origin = "http://a\r\nX-Evil: 1";
        expect_injection_refused(&o);
        AXT_CASE("request: CR/LF in subprotocols refused");
        memset(&o, 0, sizeof o);
        o.subprotocols = "chat\r\nX-Evil: 1";
        expect_injection_refused(&o);
    }

    AXT_CASE("sends before the upgrade are refused with AXWS_ESTATE");
    memset(&o, 0, sizeof o);
    t = tc_new(&o);
    CHECK_EQ(axws_send_text(&t->c, "x", 1), AXWS_ESTATE);
    CHECK_EQ(axws_send_binary(&t->c, "x", 1), AXWS_ESTATE);
    CHECK_EQ(axws_ping(&t->c, "x", 1), AXWS_ESTATE);
    CHECK(axws_output(&t->c, &n) == NULL || n == 0);
    tc_free(t);
}

/* ================================================================== the upgrade response */

static void hs_case(const char *name, const topts *o, const char *resp, const axt_buf *frames, result *r) {
    set_case("handshake: %s", name);
    run_case(o, resp, frames, r);
}

/* A refused upgrade: the error, no frame sent, an ERROR then a CLOSE event. */
static void expect_hs_fail(const result *r, int err) {
    char want[80];
    CHECK_EQ(r->error, err);
    CHECK_EQ(r->sent_close, 0);
    expect_str("no frame sent before the upgrade", axt_buf_str(&r->out), "");
    snprintf(want, sizeof want, "err %d; close 1006 e%d:", err, err);
    expect_str("events", axt_buf_str(&r->ev), want);
}

/* A response the client must refuse with `err`, nothing else to check. */
static void hs_refused(const char *name, const topts *o, const char *resp, int err) {
    result r;
    hs_case(name, o, resp, NULL, &r);
    expect_hs_fail(&r, err);
    r_free(&r);
}

static void test_handshake(void) {
    topts o;
    result r;
    axt_buf f = {0};
    memset(&o, 0, sizeof o);

    hs_case("plain 101", &o, RESP_OK, NULL, &r);
    expect_str("events", axt_buf_str(&r.ev_fed), "open");
    CHECK_EQ(r.state_fed, AXWS_STATE_OPEN);
    CHECK_EQ(r.error, AXWS_ECLOSED); /* EOF without a close frame afterwards */
    expect_str("events after EOF", axt_buf_str(&r.ev), "open; err -14; close 1006 e-14:");
    expect_str("nothing sent", axt_buf_str(&r.out), "");
    r_free(&r);

    /* RFC 6455 4.1 (client requirement 2, 3): tokens and field names case-insensitive;
       Connection is a token list (RFC 7230 6.1). */
    hs_case("case-insensitive names and tokens", &o,
            "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nCONNECTION: UPGRADE\r\nsec-websocket-accept: {A}\r\n\r\n",
            NULL, &r);
    expect_str("events", axt_buf_str(&r.ev_fed), "open");
    r_free(&r);
    hs_case("Connection: keep-alive, Upgrade", &o,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Accept: {A}\r\n\r\n",
            NULL, &r);
    expect_str("events", axt_buf_str(&r.ev_fed), "open");
    r_free(&r);
    hs_case("Connection: Upgrade,keep-alive without spaces, headers without OWS", &o,
            "HTTP/1.1 101 OK\r\nServer: x\r\nUpgrade:websocket\r\nConnection:upgrade,keep-alive\r\nSec-WebSocket-Accept:{A}\r\nDate: today\r\n\r\n",
            NULL, &r);
    expect_str("events", axt_buf_str(&r.ev_fed), "open");
    r_free(&r);
    hs_case("trailing whitespace in values", &o,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket \t\r\nConnection: Upgrade  \r\nSec-WebSocket-Accept: {A} \r\n\r\n",
            NULL, &r);
    expect_str("events", axt_buf_str(&r.ev_fed), "open");
    r_free(&r);

    /* status other than 101: the error carries status and reason; Location is exposed */
    hs_case("404", &o, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", NULL, &r);
    expect_hs_fail(&r, AXWS_EHTTP);
    CHECK_EQ(r.http_status, 404);
    expect_str("reason", r.reason, "Not Found");
    r_free(&r);
    hs_case("301 with Location", &o,
            "HTTP/1.1 301 Moved Permanently\r\nLocation: ws://other.example.com:8080/new?q=1\r\nContent-Length: 0\r\n\r\n", NULL, &r);
    expect_hs_fail(&r, AXWS_EHTTP);
    CHECK_EQ(r.http_status, 301);
    expect_str("reason", r.reason, "Moved Permanently");
    expect_str("location", r.location, "ws://other.example.com:8080/new?q=1");
    r_free(&r);
    hs_case("200 OK (not an upgrade)", &o,
            "HTTP/1.1 200 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}\r\n\r\n", NULL, &r);
    expect_hs_fail(&r, AXWS_EHTTP);
    CHECK_EQ(r.http_status, 200);
    r_free(&r);
    hs_case("503 with a body after the headers", &o,
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 4\r\n\r\nbusy", NULL, &r);
    expect_hs_fail(&r, AXWS_EHTTP);
    CHECK_EQ(r.http_status, 503);
    expect_str("reason", r.reason, "Service Unavailable");
    r_free(&r);

    /* RFC 7230 3.1.2: reason-phrase = *( HTAB / SP / VCHAR / obs-text ): a bare CR or LF in
       the status line is malformed; it must not reach the program through the reason */
    {
        static const char *const bare[2] = {"HTTP/1.1 404 Not\rFound\r\nX: y\r\n\r\n",
                                            "HTTP/1.1 404 Not\nFound\r\nX: y\r\n\r\n"};
        int b;
        for (b = 0; b < 2; b++) {
            hs_case(b ? "bare LF in the reason phrase" : "bare CR in the reason phrase", &o, bare[b], NULL, &r);
            CHECK(r.error == AXWS_EHTTP || r.error == AXWS_EHANDSHAKE);
            if (!axt_check(!strchr(r.reason, '\r') && !strchr(r.reason, '\n'), "no CR/LF in axws_http_reason()", __FILE__, __LINE__))
                fprintf(stderr, "     reason: %s\n", repr_s(r.reason, strlen(r.reason)));
            r_free(&r);
        }
        hs_case("bare CR inside a header value", &o,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}\r\nSet-Cookie: a=1\rInjected: yes\r\n\r\n",
                NULL, &r);
        expect_hs_fail(&r, AXWS_EHANDSHAKE);
        r_free(&r);
    }

    /* RFC 6455 4.1: missing or wrong Upgrade / Connection / accept fail the connection */
    hs_refused("no Upgrade header", &o, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}\r\n\r\n", AXWS_EHANDSHAKE);
    hs_refused("Upgrade: h2c", &o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}\r\n\r\n", AXWS_EHANDSHAKE);
    hs_refused("no Connection header", &o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {A}\r\n\r\n", AXWS_EHANDSHAKE);
    hs_refused("Connection: keep-alive only", &o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Accept: {A}\r\n\r\n", AXWS_EHANDSHAKE);
    hs_refused("Connection: Upgraded (not the token)", &o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgraded\r\nSec-WebSocket-Accept: {A}\r\n\r\n", AXWS_EHANDSHAKE);
    hs_refused("no accept", &o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", AXWS_EHANDSHAKE);
    hs_refused("wrong accept", &o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGJzPOgmc+2nM=\r\n\r\n", AXWS_EHANDSHAKE);
    /* RFC 6455 4.1 (client requirement 1): only 101 completes the upgrade; another 1xx
       (100 Continue, 102 Processing) is not a switch, whatever headers follow */
    hs_refused("100 Continue with upgrade headers", &o, "HTTP/1.1 100 Continue\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}\r\n\r\n", AXWS_EHTTP);
    hs_refused("102 Processing with upgrade headers", &o, "HTTP/1.1 102 Processing\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}\r\n\r\n", AXWS_EHTTP);
    /* a response with two accept values is not the server's single answer to our key,
       even when both (or the last) match */
    hs_refused("two Sec-WebSocket-Accept headers, both right", &o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}\r\nSec-WebSocket-Accept: {A}\r\n\r\n", AXWS_EHANDSHAKE);
    hs_refused("two Sec-WebSocket-Accept headers, the last right", &o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGJzPOgmc+2nM=\r\nSec-WebSocket-Accept: {A}\r\n\r\n", AXWS_EHANDSHAKE);
    hs_refused("accept with a character appended", &o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}x\r\n\r\n", AXWS_EHANDSHAKE);

    /* RFC 6455 4.1 (client requirements 5, 6): extensions and subprotocols not offered */
    hs_refused("unrequested extension", &o,
               "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n", AXWS_EHANDSHAKE);
    hs_refused("unrequested subprotocol", &o,
               "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {A}\r\nSec-WebSocket-Protocol: chat\r\n\r\n", AXWS_EHANDSHAKE);
    {
        topts so = o;
        so.subprotocols = "chat, superchat";
        hs_case("offered subprotocol chosen", &so,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: superchat\r\nSec-WebSocket-Accept: {A}\r\n\r\n", NULL, &r);
        expect_str("events", axt_buf_str(&r.ev_fed), "open");
        expect_str("negotiated", axt_buf_str(&r.info), "sub=superchat");
        r_free(&r);
        hs_case("offered subprotocols, none chosen", &so, RESP_OK, NULL, &r);
        expect_str("events", axt_buf_str(&r.ev_fed), "open");
        expect_str("negotiated", axt_buf_str(&r.info), "sub=NULL");
        r_free(&r);
        hs_case("subprotocol not among those offered", &so,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: superchat2\r\nSec-WebSocket-Accept: {A}\r\n\r\n", NULL, &r);
        expect_hs_fail(&r, AXWS_EHANDSHAKE);
        r_free(&r);
        /* RFC 7936 2 (updating RFC 6455 11.5): subprotocol tokens are matched with a
           case-sensitive string match; "SuperChat" is not what was offered */
        hs_case("subprotocol differing from the offer only in case", &so,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: SuperChat\r\nSec-WebSocket-Accept: {A}\r\n\r\n", NULL, &r);
        expect_hs_fail(&r, AXWS_EHANDSHAKE);
        r_free(&r);
        hs_case("prefix of an offered subprotocol", &so,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: super\r\nSec-WebSocket-Accept: {A}\r\n\r\n", NULL, &r);
        expect_hs_fail(&r, AXWS_EHANDSHAKE);
        r_free(&r);
    }

    /* headers exposed during OPEN */
    {
        topts ho = o;
        ho.hdr_names[0] = "Set-Cookie";
        ho.hdr_names[1] = "x-custom";
        ho.hdr_names[2] = "X-Missing";
        hs_case("response headers exposed", &ho,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSet-Cookie: a=1; Path=/\r\nConnection: Upgrade\r\nX-Custom: yes\r\nSec-WebSocket-Accept: {A}\r\nset-cookie: b=2\r\n\r\n", NULL, &r);
        expect_str("events", axt_buf_str(&r.ev_fed), "open");
        expect_str("headers", axt_buf_str(&r.info),
                   "Set-Cookie[0]=a=1\\x3b Path=/; Set-Cookie[1]=b=2; x-custom[0]=yes; x-custom[1]=NULL; X-Missing[0]=NULL; X-Missing[1]=NULL; sub=NULL");
        r_free(&r);
    }

    /* frame bytes in the same read as the 101 */
    sfs(&f, 0x81, "hi");
    sf(&f, 0x82, "\x00\x01\x02", 3);
    hs_case("frames in the same read as the 101", &o, RESP_OK, &f, &r);
    expect_str("events", axt_buf_str(&r.ev_fed), "open; msg T:hi; msg B:\\x00\\x01\\x02");
    r_free(&r);
    o.stream = 1;
    hs_case("frames in the same read as the 101 (streaming)", &o, RESP_OK, &f, &r);
    expect_str("events", axt_buf_str(&r.ev_fed), "open; msg T:hi; msg B:\\x00\\x01\\x02");
    r_free(&r);
    o.stream = 0;
    axt_buf_free(&f);

    /* the 8 KiB limit (default max_handshake 8192) */
    {
        axt_buf big = {0};
        size_t target;
        for (target = 0; target < 5; target++) {
            /* sizes of the whole response: 8000 and 8192 fit, 8193 and 9000 do not; the last
               is a response whose end never comes */
            static const size_t sizes[5] = {8000, 8192, 8193, 9000, 20000};
            size_t remain;
            axt_buf_reset(&big);
            axt_buf_puts(&big, RESP_HEAD);
            /* "{A}" becomes 28 characters, and the final CRLF adds 2 */
            remain = sizes[target] - (big.len + 25 + 2);
            while (remain > 0) {
                size_t line = remain > 1000 ? 1000 : remain, k;
                if (remain - line != 0 && remain - line < 10) line = remain - 10;
                axt_buf_puts(&big, "X-Pad: ");
                for (k = 0; k + 9 < line; k++) axt_buf_putc(&big, 'a' + (int)(k % 26));
                axt_buf_puts(&big, "\r\n");
                remain -= line;
            }
            if (target < 4) axt_buf_puts(&big, "\r\n");
            else axt_buf_puts(&big, "X-More: ...");
            {
                char nm[64];
                snprintf(nm, sizeof nm, "response of %zu bytes", target < 4 ? sizes[target] : (size_t)20000);
                hs_case(nm, &o, axt_buf_str(&big), NULL, &r);
            }
            if (target < 2) {
                expect_str("events", axt_buf_str(&r.ev_fed), "open");
            } else {
                expect_hs_fail(&r, AXWS_ETOOBIG);
            }
            r_free(&r);
        }
        /* An 8000-byte response followed by 1000 bytes of frames in the same read: the frame
           bytes do not count against the response limit. */
        axt_buf_reset(&big);
        axt_buf_puts(&big, RESP_HEAD);
        while (big.len < 7900) axt_buf_puts(&big, "X-Pad: 0123456789012345678901234567890123456789\r\n");
        axt_buf_puts(&big, "\r\n");
        {
            uint8_t *pl = ascii_payload(990);
            sf(&f, 0x81, pl, 990);
            free(pl);
        }
        hs_case("big response + frames in one read", &o, axt_buf_str(&big), &f, &r);
        {
            uint8_t *pl = ascii_payload(990);
            char want[100];
            snprintf(want, sizeof want, "open; msg T:990#%08x", (unsigned)fnv32(pl, 990));
            expect_str("events", axt_buf_str(&r.ev_fed), want);
            free(pl);
        }
        r_free(&r);
        axt_buf_free(&f);
        /* a smaller configured limit */
        {
            topts mo = o;
            mo.max_handshake = 1024;
            axt_buf_reset(&big);
            axt_buf_puts(&big, RESP_HEAD);
            while (big.len < 1100) axt_buf_puts(&big, "X-Pad: 0123456789\r\n");
            axt_buf_puts(&big, "\r\n");
            hs_case("response over a configured max_handshake of 1024", &mo, axt_buf_str(&big), NULL, &r);
            expect_hs_fail(&r, AXWS_ETOOBIG);
            r_free(&r);
        }
        axt_buf_free(&big);
    }
}

/* ================================================================== frames and messages */

static const char *repr_s(const void *p, size_t n) {
    static axt_buf b;
    axt_buf_reset(&b);
    log_repr(&b, (const uint8_t *)p, n);
    return axt_buf_str(&b);
}

enum { M_MSG = 1, M_STREAM = 2, M_BOTH = 3 };

/* Runs `f` after a good 101 in the given modes. A success case (fail_err 0) expects exactly
   want_ev (events after all input, before EOF) and want_out (client frames). A failure case
   expects the events want_ev + "; close 1006 e<err>:" after EOF, the client frames want_out
   followed by one close with fail_code. strict_close = 0 leaves the CLOSE event's code open
   (when the peer did send a close frame, though a bad one). */
static void frames_case_x(const char *name, const topts *base, const axt_buf *f, int modes, const char *want_ev,
                          const char *want_out, int fail_err, int fail_code, int strict_close) {
    int stream;
    for (stream = 0; stream < 2; stream++) {
        topts o = *base;
        result r;
        char want[4096];
        if (!(modes & (stream ? M_STREAM : M_MSG))) continue;
        o.stream = stream;
        set_case("%s [%s]", name, stream ? "streaming" : "msg_buf");
        run_case(&o, NULL, f, &r);
        if (!fail_err) {
            expect_str("events", axt_buf_str(&r.ev_fed), want_ev);
            expect_str("client frames", axt_buf_str(&r.out), want_out);
            CHECK_EQ(r.state_fed, AXWS_STATE_OPEN);
            CHECK_EQ(r.sent_close, 0);
        } else {
            CHECK_EQ(r.error, fail_err);
            CHECK_EQ(r.sent_close, fail_code);
            if (strict_close) {
                expect_fail(&r, fail_err, fail_code);
                snprintf(want, sizeof want, "%s; close 1006 e%d:", want_ev, fail_err);
                expect_str("events", axt_buf_str(&r.ev), want);
            } else {
                snprintf(want, sizeof want, "%s; err %d; close ", want_ev, fail_err);
                if (!axt_check(strncmp(axt_buf_str(&r.ev), want, strlen(want)) == 0, "events", __FILE__, __LINE__))
                    fprintf(stderr, "     got:  %s\n     want: %s...\n", axt_buf_str(&r.ev), want);
                CHECK_EQ(count_sub(axt_buf_str(&r.ev), "close "), 1);
            }
            snprintf(want, sizeof want, "%s%sclose %d", want_out, *want_out ? "; " : "", fail_code);
            expect_str("client frames", axt_buf_str(&r.out), want);
        }
        r_free(&r);
    }
}

static void ok_case(const char *name, const topts *o, const axt_buf *f, int modes, const char *want_ev, const char *want_out) {
    frames_case_x(name, o, f, modes, want_ev, want_out, 0, 0, 1);
}
/* want_ev here lists the events up to and including "err N". */
static void fail_case(const char *name, const topts *o, const axt_buf *f, int modes, const char *want_ev_before,
                      int err, int code) {
    char ev[4096];
    snprintf(ev, sizeof ev, "%s; err %d", want_ev_before, err);
    frames_case_x(name, o, f, modes, ev, "", err, code, 1);
}

static void test_lengths(void) {
    static const size_t sizes[] = {0, 1, 125, 126, 127, 1000, 65535, 65536, 100000};
    topts o;
    size_t i;
    memset(&o, 0, sizeof o);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int bin;
        for (bin = 0; bin < 2; bin++) {
            axt_buf f = {0};
            uint8_t *pl = bin ? binary_payload(sizes[i]) : ascii_payload(sizes[i]);
            char want[200], name[100];
            sf(&f, bin ? 0x82 : 0x81, pl, sizes[i]);
            /* RFC 6455 5.2: 7-bit up to 125, 16-bit up to 65535, 64-bit above */
            if (sizes[i] < 126) CHECK_EQ(f.p[1], sizes[i]);
            else if (sizes[i] < 65536) CHECK_EQ(f.p[1], 126);
            else CHECK_EQ(f.p[1], 127);
            snprintf(want, sizeof want, "open; msg %c:%s", bin ? 'B' : 'T', repr_s(pl, sizes[i]));
            snprintf(name, sizeof name, "%s message of %zu bytes", bin ? "binary" : "text", sizes[i]);
            ok_case(name, &o, &f, M_BOTH, want, "");
            free(pl);
            axt_buf_free(&f);
        }
    }
    /* several messages back to back in one read, of every length class */
    {
        axt_buf f = {0};
        uint8_t *a = ascii_payload(300), *b = binary_payload(70000);
        char want[400];
        sfs(&f, 0x81, "one");
        sf(&f, 0x82, b, 70000);
        sf(&f, 0x81, a, 300);
        sf(&f, 0x82, "", 0);
        snprintf(want, sizeof want, "open; msg T:one; msg B:%s; ", repr_s(b, 70000));
        snprintf(want + strlen(want), sizeof want - strlen(want), "msg T:%s; msg B:", repr_s(a, 300));
        ok_case("four messages back to back", &o, &f, M_BOTH, want, "");
        free(a); free(b);
        axt_buf_free(&f);
    }
}

static tconn *tc_open(const topts *o); /* below, with the other helpers for open connections */

static void test_protocol_errors(void) {
    topts o;
    axt_buf f = {0};
    int op;
    uint8_t big[130];
    memset(&o, 0, sizeof o);
    memset(big, 'p', sizeof big);

    /* RFC 6455 5.2: RSV1-3 must be 0 unless an extension defines them (none is negotiated) */
    axt_buf_reset(&f); sfs(&f, 0xC1, "hi");
    fail_case("RSV1 on a text frame", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sfs(&f, 0xA2, "hi");
    fail_case("RSV2 on a binary frame", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sfs(&f, 0x91, "hi");
    fail_case("RSV3 on a text frame", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sfs(&f, 0xC9, "");
    fail_case("RSV1 on a ping", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sfs(&f, 0x01, "a"); sfs(&f, 0xA0, "b");
    fail_case("RSV2 on a continuation", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);

    /* RFC 6455 5.2: opcodes 3-7 and B-F are reserved */
    for (op = 3; op <= 15; op++) {
        char name[64];
        if (op >= 8 && op <= 10) continue;
        axt_buf_reset(&f);
        sf(&f, 0x80 | op, "", 0);
        snprintf(name, sizeof name, "reserved opcode 0x%X", op);
        fail_case(name, &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
        axt_buf_reset(&f);
        sfs(&f, 0x80 | op, "payload");
        snprintf(name, sizeof name, "reserved opcode 0x%X with a payload", op);
        fail_case(name, &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    }

    /* RFC 6455 5.1: a client must close on a masked frame from the server */
    {
        static const uint8_t masked[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
        axt_buf_reset(&f);
        axt_buf_put(&f, masked, sizeof masked);
        fail_case("masked server frame (RFC 6455 5.7 example)", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
        axt_buf_reset(&f);
        axt_buf_put(&f, "\x89\x80\x01\x02\x03\x04", 6);
        fail_case("masked empty ping", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    }

    /* RFC 6455 5.5: control frames carry at most 125 bytes and are never fragmented */
    axt_buf_reset(&f); sf(&f, 0x89, big, 125);
    {
        char ev[100], out[100];
        snprintf(ev, sizeof ev, "open; ping:%s", repr_s(big, 125));
        snprintf(out, sizeof out, "pong:%s", repr_s(big, 125));
        ok_case("ping of 125 bytes", &o, &f, M_BOTH, ev, out);
    }
    axt_buf_reset(&f); sf(&f, 0x89, big, 126);
    fail_case("ping of 126 bytes", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sf(&f, 0x8A, big, 126);
    fail_case("pong of 126 bytes", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); big[0] = 0x03; big[1] = 0xe8; sf(&f, 0x88, big, 126); big[0] = big[1] = 'p';
    fail_case("close of 126 bytes", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f);
    axt_buf_put(&f, "\x89\x7f\x00\x00\x00\x00\x00\x00\x01\x00", 10);
    fail_case("ping with a 64-bit length of 256", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sfs(&f, 0x09, "hi"); sfs(&f, 0x80, "");
    fail_case("fragmented ping", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sfs(&f, 0x0A, "hi");
    fail_case("fragmented pong", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sf(&f, 0x08, "\x03\xe8", 2);
    fail_case("fragmented close", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);

    /* RFC 6455 5.4: fragmentation rules */
    axt_buf_reset(&f); sfs(&f, 0x80, "hi");
    fail_case("continuation without a start", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sfs(&f, 0x00, "hi");
    fail_case("non-final continuation without a start", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sfs(&f, 0x81, "done"); sfs(&f, 0x80, "more");
    fail_case("continuation after a finished message", &o, &f, M_BOTH, "open; msg T:done", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sfs(&f, 0x01, "a"); sfs(&f, 0x81, "b");
    fail_case("text frame inside a fragmented text message", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sfs(&f, 0x02, "a"); sfs(&f, 0x01, "b");
    fail_case("text frame inside a fragmented binary message", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); sfs(&f, 0x01, "a"); sfs(&f, 0x89, "p"); sfs(&f, 0x82, "b");
    frames_case_x("binary frame inside a fragmented message after a ping", &o, &f, M_BOTH, "open; ping:p; err -11",
                  "pong:p", AXWS_EPROTO, 1002, 1);

    /* RFC 6455 5.2: the most significant bit of a 64-bit length must be 0 */
    axt_buf_reset(&f); axt_buf_put(&f, "\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x05", 10);
    fail_case("64-bit length with the top bit set", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
    axt_buf_reset(&f); axt_buf_put(&f, "\x81\x7f\xff\xff\xff\xff\xff\xff\xff\xff", 10);
    fail_case("64-bit length of all ones", &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);

    /* RFC 6455 5.2: "the minimal number of bytes MUST be used to encode the length": each
       boundary on both sides (one less is refused, the smallest legal value is taken) */
    {
        static const struct { const char *hdr; size_t hlen, len; int ok; const char *name; } cases[] = {
            {"\x82\x7e\x00\x7d", 4, 125, 0, "125 bytes in the 16-bit form"},
            {"\x82\x7e\x00\x00", 4, 0, 0, "0 bytes in the 16-bit form"},
            {"\x82\x7e\x00\x7e", 4, 126, 1, "126 bytes in the 16-bit form"},
            {"\x82\x7f\x00\x00\x00\x00\x00\x00\xff\xff", 10, 65535, 0, "65535 bytes in the 64-bit form"},
            {"\x82\x7f\x00\x00\x00\x00\x00\x00\x00\x7d", 10, 125, 0, "125 bytes in the 64-bit form"},
            {"\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10, 65536, 1, "65536 bytes in the 64-bit form"},
        };
        size_t k;
        for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            uint8_t *pl = binary_payload(cases[k].len ? cases[k].len : 1);
            axt_buf_reset(&f);
            axt_buf_put(&f, cases[k].hdr, cases[k].hlen);
            axt_buf_put(&f, pl, cases[k].len);
            if (!cases[k].ok) {
                fail_case(cases[k].name, &o, &f, M_BOTH, "open", AXWS_EPROTO, 1002);
            } else {
                tconn *t = tc_open(&o);
                AXT_CASE(cases[k].name);
                tc_feed(t, f.p, f.len, T0);
                CHECK_EQ(axws_error(&t->c), 0);
                CHECK(strstr(axt_buf_str(&t->ev), "msg B:") != NULL);
                tc_free(t);
            }
            free(pl);
        }
    }

    /* RFC 6455 5.5.1: a close body is empty or at least 2 bytes (the code) */
    axt_buf_reset(&f); sf(&f, 0x88, "\x03", 1);
    frames_case_x("close payload of 1 byte", &o, &f, M_BOTH, "open", "", AXWS_EPROTO, 1002, 0);
    axt_buf_free(&f);
}

static void test_fragments_and_control(void) {
    topts o;
    axt_buf f = {0};
    memset(&o, 0, sizeof o);

    axt_buf_reset(&f); sfs(&f, 0x01, "Hel"); sfs(&f, 0x00, "l"); sfs(&f, 0x80, "o");
    ok_case("text in three fragments", &o, &f, M_BOTH, "open; msg T:Hello", "");
    axt_buf_reset(&f); sfs(&f, 0x02, "ab"); sfs(&f, 0x80, "cd");
    ok_case("binary in two fragments", &o, &f, M_BOTH, "open; msg B:abcd", "");
    axt_buf_reset(&f); sfs(&f, 0x01, ""); sfs(&f, 0x00, ""); sfs(&f, 0x80, "");
    ok_case("empty fragments", &o, &f, M_BOTH, "open; msg T:", "");
    axt_buf_reset(&f); sfs(&f, 0x81, "");
    ok_case("empty text message", &o, &f, M_BOTH, "open; msg T:", "");

    /* RFC 6455 5.4: control frames may be injected in the middle of a fragmented message */
    axt_buf_reset(&f);
    sfs(&f, 0x01, "Hel"); sfs(&f, 0x89, "hi"); sfs(&f, 0x8A, ""); sfs(&f, 0x00, "l"); sfs(&f, 0x89, "");
    sfs(&f, 0x80, "o"); sfs(&f, 0x81, "next");
    ok_case("control frames between fragments", &o, &f, M_BOTH, "open; ping:hi; pong:; ping:; msg T:Hello; msg T:next",
            "pong:hi; pong:");

    /* RFC 6455 5.5.2/5.5.3: a ping is answered by a pong with the same payload */
    axt_buf_reset(&f); sfs(&f, 0x89, "hello");
    ok_case("ping -> pong with its payload", &o, &f, M_BOTH, "open; ping:hello", "pong:hello");
    axt_buf_reset(&f); sfs(&f, 0x89, "");
    ok_case("empty ping -> empty pong", &o, &f, M_BOTH, "open; ping:", "pong:");
    axt_buf_reset(&f); sf(&f, 0x89, "\x00\xff\x80", 3);
    ok_case("binary ping payload", &o, &f, M_BOTH, "open; ping:\\x00\\xff\\x80", "pong:\\x00\\xff\\x80");
    axt_buf_reset(&f); sfs(&f, 0x89, "1"); sfs(&f, 0x89, "2"); sfs(&f, 0x89, "3");
    ok_case("three pings, three pongs in order", &o, &f, M_BOTH, "open; ping:1; ping:2; ping:3", "pong:1; pong:2; pong:3");
    axt_buf_reset(&f); sfs(&f, 0x8A, "abc");
    ok_case("unsolicited pong is reported, not answered", &o, &f, M_BOTH, "open; pong:abc", "");
    axt_buf_free(&f);
}

static void test_message_limits(void) {
    topts o;
    axt_buf f = {0};
    uint8_t *pl = binary_payload(200);
    memset(&o, 0, sizeof o);
    o.msg_size = 100;

    axt_buf_reset(&f); sf(&f, 0x82, pl, 100);
    {
        char want[120];
        snprintf(want, sizeof want, "open; msg B:%s", repr_s(pl, 100));
        ok_case("message of exactly msg_size", &o, &f, M_MSG, want, "");
    }
    /* Issue 2 item 6: a message bigger than msg_size closes with 1009 (RFC 6455 7.4.1) */
    axt_buf_reset(&f); sf(&f, 0x82, pl, 101);
    fail_case("message of msg_size + 1", &o, &f, M_MSG, "open", AXWS_ETOOBIG, 1009);
    {
        uint8_t *a = ascii_payload(150);
        axt_buf_reset(&f); sf(&f, 0x81, a, 150);
        free(a);
    }
    fail_case("text message over msg_size", &o, &f, M_MSG, "open", AXWS_ETOOBIG, 1009);
    axt_buf_reset(&f); sf(&f, 0x02, pl, 60); sf(&f, 0x80, pl + 60, 41);
    fail_case("fragmented message over msg_size", &o, &f, M_MSG, "open", AXWS_ETOOBIG, 1009);
    axt_buf_reset(&f); sf(&f, 0x02, pl, 60); sf(&f, 0x80, pl + 60, 40);
    {
        char want[120];
        snprintf(want, sizeof want, "open; msg B:%s", repr_s(pl, 100));
        ok_case("fragmented message of exactly msg_size", &o, &f, M_MSG, want, "");
    }
    axt_buf_reset(&f); axt_buf_put(&f, "\x82\x7f\x00\x00\x01\x00\x00\x00\x00\x00", 10); axt_buf_put(&f, pl, 50);
    fail_case("64-bit length of 2^40 in msg_buf mode", &o, &f, M_MSG, "open", AXWS_ETOOBIG, 1009);
    /* streaming mode: no size limit, a message bigger than any buffer passes through */
    {
        topts so = o;
        result r;
        so.stream = 1;
        set_case("64-bit length of 2^40 in streaming mode");
        run_case(&so, NULL, &f, &r);
        expect_str("events", axt_buf_str(&r.ev_fed), "open");
        CHECK_EQ(r.state_fed, AXWS_STATE_OPEN);
        CHECK_EQ(r.error, AXWS_ECLOSED); /* only the EOF ends it */
        expect_str("chunks", axt_buf_str(&r.raw), "chunk B off=0 len=50 fin=0");
        r_free(&r);
    }
    free(pl);
    axt_buf_free(&f);
}

static void test_streaming(void) {
    topts o;
    tconn *t;
    axt_buf resp = {0}, f = {0};
    uint8_t *pl = binary_payload(1000);
    size_t delivered;
    result r;
    memset(&o, 0, sizeof o);
    o.stream = 1;

    AXT_CASE("streaming: a frame's payload is delivered as it arrives");
    t = tc_new(&o);
    build_response(t, RESP_OK, &resp);
    tc_feed(t, resp.p, resp.len, T0);
    sf(&f, 0x82, pl, 1000);
    tc_feed(t, f.p, 4 + 300, T0);
    delivered = t->asm_.len;
    CHECK_EQ(delivered, 300);
    tc_feed(t, f.p + 304, 300, T0);
    CHECK_EQ(t->asm_.len, 600);
    CHECK_EQ(t->in_msg, 1);
    tc_feed(t, f.p + 604, 400, T0);
    CHECK_EQ(t->in_msg, 0);
    expect_str("chunks", axt_buf_str(&t->raw), "chunk B off=0 len=300 fin=0; chunk B off=300 len=300 fin=0; chunk B off=600 len=400 fin=1");
    {
        char want[100];
        snprintf(want, sizeof want, "open; msg B:%s", repr_s(pl, 1000));
        expect_str("events", axt_buf_str(&t->ev), want);
    }
    tc_free(t);
    axt_buf_free(&resp);

    /* chunks of a fragmented message carry the message's opcode, offsets run on, and only
       the last one has fin */
    axt_buf_reset(&f); sfs(&f, 0x01, "Hel"); sfs(&f, 0x89, "p"); sfs(&f, 0x80, "lo"); sfs(&f, 0x02, "ab"); sfs(&f, 0x80, "");
    set_case("streaming: chunk opcode, offset, fin");
    run_case(&o, NULL, &f, &r);
    expect_str("chunks", axt_buf_str(&r.raw),
               "chunk T off=0 len=3 fin=0; chunk T off=3 len=2 fin=1; chunk B off=0 len=2 fin=0; chunk B off=2 len=0 fin=1");
    expect_str("events", axt_buf_str(&r.ev_fed), "open; ping:p; msg T:Hello; msg B:ab");
    r_free(&r);

    axt_buf_reset(&f); sfs(&f, 0x81, "");
    set_case("streaming: an empty message is one empty final chunk");
    run_case(&o, NULL, &f, &r);
    expect_str("chunks", axt_buf_str(&r.raw), "chunk T off=0 len=0 fin=1");
    r_free(&r);

    /* a message far bigger than every buffer: 1 MiB through a 4 KiB tx buffer, no msg_buf */
    {
        uint8_t *huge = binary_payload(1 << 20);
        topts so = o;
        char want[100];
        so.tx_size = 4096;
        axt_buf_reset(&f);
        sf(&f, 0x02, huge, 600000);
        sf(&f, 0x80, huge + 600000, (1 << 20) - 600000);
        t = tc_new(&so);
        AXT_CASE("streaming: 1 MiB message with 4 KiB buffers");
        build_response(t, RESP_OK, &resp);
        tc_feed(t, resp.p, resp.len, T0);
        {
            size_t i;
            for (i = 0; i < f.len; i += 1500) tc_feed(t, f.p + i, f.len - i < 1500 ? f.len - i : 1500, T0);
        }
        snprintf(want, sizeof want, "open; msg B:%s", repr_s(huge, 1 << 20));
        expect_str("events", axt_buf_str(&t->ev), want);
        tc_free(t);
        free(huge);
        axt_buf_free(&resp);
    }
    free(pl);
    axt_buf_free(&f);
}

static void test_utf8(void) {
    static const char *const valid[] = {
        "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC2\xA9", "\xEF\xBB\xBF", "\xED\x9F\xBF", "\xEE\x80\x80",
        "\xF4\x8F\xBF\xBF", "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5", "\x7F", "\xDF\xBF", "\xE0\xA0\x80",
        "\xF0\x90\x80\x80"};
    static const char *const invalid[] = {
        "\xC0\xAF", "\xC1\xBF", "\xE0\x80\x80", "\xE0\x9F\xBF", "\xED\xA0\x80", "\xED\xBF\xBF", "\xF0\x8F\xBF\xBF",
        "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF8\x88\x80\x80\x80", "\xFF", "\xFE", "\x80", "\xBF",
        "\xC2\x41", "\xE2\x82\x41", "\xF0\x9F\x98\x41", "a\xC2", "\xE2\x82", "\xF0\x9F\x98"};
    topts o;
    axt_buf f = {0};
    size_t i;
    memset(&o, 0, sizeof o);

    for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        char name[80], want[200];
        size_t n = strlen(valid[i]), cut;
        axt_buf_reset(&f);
        sfs(&f, 0x81, valid[i]);
        snprintf(name, sizeof name, "valid UTF-8 %zu", i);
        snprintf(want, sizeof want, "open; msg T:%s", repr_s(valid[i], n));
        ok_case(name, &o, &f, M_BOTH, want, "");
        /* the same text with a code point split across two frames at every byte */
        for (cut = 1; cut < n; cut++) {
            axt_buf_reset(&f);
            sf(&f, 0x01, valid[i], cut);
            sf(&f, 0x80, valid[i] + cut, n - cut);
            snprintf(name, sizeof name, "valid UTF-8 %zu split across frames at %zu", i, cut);
            ok_case(name, &o, &f, M_BOTH, want, "");
        }
    }
    /* RFC 6455 8.1: invalid UTF-8 in a text message fails the connection with 1007 */
    for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        char name[80];
        axt_buf_reset(&f);
        sfs(&f, 0x81, invalid[i]);
        snprintf(name, sizeof name, "invalid UTF-8 %zu", i);
        fail_case(name, &o, &f, M_BOTH, "open", AXWS_EUTF8, 1007);
    }
    /* an invalid byte at every position of a long ASCII text (word-at-a-time fast paths) */
    for (i = 0; i < 72; i++) {
        char name[80];
        uint8_t *a = ascii_payload(80);
        a[i] = 0xFF;
        axt_buf_reset(&f);
        sf(&f, 0x81, a, 80);
        snprintf(name, sizeof name, "0xFF at offset %zu of 80 ASCII bytes", i);
        fail_case(name, &o, &f, M_MSG, "open", AXWS_EUTF8, 1007);
        a[i] = 0xC3; a[i + 1] = 0xA9; /* é: valid */
        axt_buf_reset(&f);
        sf(&f, 0x81, a, 80);
        {
            char want[300];
            snprintf(want, sizeof want, "open; msg T:%s", repr_s(a, 80));
            snprintf(name, sizeof name, "U+00E9 at offset %zu of 80 ASCII bytes", i);
            ok_case(name, &o, &f, M_STREAM, want, "");
        }
        free(a);
    }
    /* across fragments */
    axt_buf_reset(&f); sf(&f, 0x01, "\xE2", 1); sf(&f, 0x80, "\x41", 1);
    fail_case("lead byte, then ASCII in the next fragment", &o, &f, M_BOTH, "open", AXWS_EUTF8, 1007);
    axt_buf_reset(&f); sf(&f, 0x01, "\xE2\x82", 2); sfs(&f, 0x89, "p"); sf(&f, 0x80, "\xAC", 1);
    ok_case("code point split around a ping", &o, &f, M_BOTH, "open; ping:p; msg T:\\xe2\\x82\\xac", "pong:p");
    axt_buf_reset(&f); sf(&f, 0x01, "\xF0", 1); sf(&f, 0x00, "\x9F", 1); sf(&f, 0x00, "\x98", 1); sf(&f, 0x80, "\x80", 1);
    ok_case("4-byte code point over four frames", &o, &f, M_BOTH, "open; msg T:\\xf0\\x9f\\x98\\x80", "");
    axt_buf_reset(&f); sf(&f, 0x01, "ok\xE2\x82", 4); sf(&f, 0x80, "", 0);
    fail_case("message ends inside a code point", &o, &f, M_BOTH, "open", AXWS_EUTF8, 1007);
    axt_buf_reset(&f); sf(&f, 0x82, "\xFF\xFE", 2);
    ok_case("binary messages are not validated", &o, &f, M_BOTH, "open; msg B:\\xff\\xfe", "");

    /* Issue 2 item 6: fail at once, without waiting for the end of the message: a first
       fragment with an invalid byte, and nothing more; a long frame cut short after its
       invalid byte */
    axt_buf_reset(&f); sf(&f, 0x01, "ab\xFF" "cd", 5);
    fail_case("invalid byte in the first fragment, no more fragments", &o, &f, M_BOTH, "open", AXWS_EUTF8, 1007);
    {
        uint8_t *a = ascii_payload(1000);
        a[5] = 0xC0;
        axt_buf_reset(&f);
        sf(&f, 0x81, a, 1000);
        f.len = 4 + 10; /* the header and 10 payload bytes of 1000 */
        fail_case("invalid byte early in a 1000-byte frame, rest never sent", &o, &f, M_BOTH, "open", AXWS_EUTF8, 1007);
        free(a);
    }
    axt_buf_free(&f);
}

static void test_close(void) {
    static const int valid[] = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999};
    static const int invalid[] = {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535};
    topts o;
    axt_buf f = {0};
    size_t i;
    result r;
    memset(&o, 0, sizeof o);

    /* RFC 6455 5.5.1: the reply echoes the peer's code (issue 2 item 7) */
    for (i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        char out[40], ev[60];
        axt_buf_reset(&f);
        sf_close(&f, valid[i], "", 0);
        set_case("valid close code %d is echoed", valid[i]);
        run_case(&o, NULL, &f, &r);
        snprintf(out, sizeof out, "close %d", valid[i]);
        expect_str("client frames", axt_buf_str(&r.out), out);
        snprintf(ev, sizeof ev, "open; close %d e0:", valid[i]);
        expect_str("events", axt_buf_str(&r.ev), ev);
        CHECK_EQ(r.error, 0);
        CHECK_EQ(r.close_code, valid[i]);
        CHECK_EQ(r.sent_close, valid[i]);
        r_free(&r);
    }
    /* RFC 6455 7.4: codes 0-999, 1004-1006, 1015-2999 and 5000+ fail with 1002 */
    for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        char name[60];
        axt_buf_reset(&f);
        sf_close(&f, invalid[i], "", 0);
        snprintf(name, sizeof name, "invalid close code %d", invalid[i]);
        frames_case_x(name, &o, &f, M_MSG, "open", "", AXWS_EPROTO, 1002, 0);
    }

    axt_buf_reset(&f); sf(&f, 0x88, "", 0);
    set_case("close without a code: reply 1000, report 1005");
    run_case(&o, NULL, &f, &r);
    expect_str("client frames", axt_buf_str(&r.out), "close 1000");
    expect_str("events", axt_buf_str(&r.ev), "open; close 1005 e0:");
    CHECK_EQ(r.close_code, 1005);
    CHECK_EQ(r.error, 0);
    r_free(&r);

    axt_buf_reset(&f); sf_close(&f, 1001, "going away \xC3\xA9", 13);
    set_case("close with a UTF-8 reason");
    run_case(&o, NULL, &f, &r);
    expect_str("events", axt_buf_str(&r.ev), "open; close 1001 e0:going away \\xc3\\xa9");
    expect_str("client frames", axt_buf_str(&r.out), "close 1001");
    r_free(&r);

    {
        char reason[124];
        memset(reason, 'r', 123);
        reason[123] = 0;
        axt_buf_reset(&f); sf_close(&f, 1000, reason, 123);
        set_case("close with a 123-byte reason (125-byte payload)");
        run_case(&o, NULL, &f, &r);
        expect_has("events", axt_buf_str(&r.ev), "open; close 1000 e0:123#");
        expect_str("client frames", axt_buf_str(&r.out), "close 1000");
        r_free(&r);
    }

    /* RFC 6455 5.5.1 / 8.1: the reason is UTF-8; invalid fails with 1007 */
    axt_buf_reset(&f); sf_close(&f, 1000, "\xFF\xFE", 2);
    frames_case_x("close reason not UTF-8", &o, &f, M_BOTH, "open", "", AXWS_EUTF8, 1007, 0);
    axt_buf_reset(&f); sf_close(&f, 1000, "ok\xE2\x82", 4);
    frames_case_x("close reason ending inside a code point", &o, &f, M_BOTH, "open", "", AXWS_EUTF8, 1007, 0);

    /* nothing is delivered after the peer's close (RFC 6455 5.5.1: no data after close) */
    axt_buf_reset(&f); sf_close(&f, 1000, "", 0); sfs(&f, 0x81, "late"); sfs(&f, 0x89, "late");
    set_case("frames after the peer's close are ignored");
    run_case(&o, NULL, &f, &r);
    expect_str("events", axt_buf_str(&r.ev), "open; close 1000 e0:");
    expect_str("client frames", axt_buf_str(&r.out), "close 1000");
    r_free(&r);

    /* a peer's close in the middle of a message (between fragments) */
    axt_buf_reset(&f); sfs(&f, 0x01, "part"); sf_close(&f, 1001, "", 0);
    set_case("close between fragments");
    run_case(&o, NULL, &f, &r);
    expect_str("events", axt_buf_str(&r.ev), "open; close 1001 e0:");
    expect_str("client frames", axt_buf_str(&r.out), "close 1001");
    r_free(&r);

    /* EOF without a close frame: abnormal closure */
    axt_buf_reset(&f); sfs(&f, 0x81, "x");
    set_case("EOF without a close frame");
    run_case(&o, NULL, &f, &r);
    expect_str("events", axt_buf_str(&r.ev), "open; msg T:x; err -14; close 1006 e-14:");
    CHECK_EQ(r.error, AXWS_ECLOSED);
    CHECK_EQ(r.close_code, 1006);
    r_free(&r);
    axt_buf_free(&f);
}

/* ================================================================== sending */

static tconn *tc_open(const topts *o) {
    tconn *t = tc_new(o);
    axt_buf resp = {0};
    if (t->init_rc || t->start_rc) return t;
    build_response(t, RESP_OK, &resp);
    tc_feed(t, resp.p, resp.len, T0);
    axt_buf_free(&resp);
    if (!axt_check(t->opens == 1 && axws_conn_state(&t->c) == AXWS_STATE_OPEN, "connection opened", __FILE__, __LINE__))
        fprintf(stderr, "     events: %s\n", axt_buf_str(&t->ev));
    return t;
}

/* The client frames queued so far (drained), decoded; returns how many. */
static int tc_frames(tconn *t, cframe *fr, int max, axt_buf *store, axt_buf *log) {
    size_t rest = 0;
    int n;
    tc_drain(t);
    if (log) axt_buf_reset(log);
    n = decode_client(&t->out, store, fr, max, log, &rest);
    CHECK_EQ(rest, 0);
    if (log) axt_buf_str(log);
    return n;
}

static void test_send_exact(void) {
    static const size_t sizes[] = {0, 5, 125, 126, 127, 65535, 65536, 70000};
    topts o;
    size_t i;
    memset(&o, 0, sizeof o);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int bin;
        for (bin = 0; bin < 2; bin++) {
            tconn *t;
            uint8_t *pl = bin ? binary_payload(sizes[i]) : ascii_payload(sizes[i]);
            size_t n = sizes[i], hl = n < 126 ? 2 : n < 65536 ? 4 : 10, k;
            const uint8_t *w;
            int rc;
            set_case("send %s of %zu bytes: exact bytes", bin ? "binary" : "text", n);
            t = tc_open(&o);
            rc = bin ? axws_send_binary(&t->c, pl, n) : axws_send_text(&t->c, (const char *)pl, n);
            CHECK_EQ(rc, 0);
            tc_drain(t);
            /* RFC 6455 5.2: FIN + opcode, MASK bit + minimal length, 4-byte key, masked payload */
            if (CHECK_EQ(t->out.len, hl + 4 + n)) {
                int ok = 1;
                w = t->out.p;
                CHECK_EQ(w[0], bin ? 0x82 : 0x81);
                if (n < 126) CHECK_EQ(w[1], 0x80 | n);
                else if (n < 65536) {
                    CHECK_EQ(w[1], 0x80 | 126);
                    CHECK_EQ(((size_t)w[2] << 8) | w[3], n);
                } else {
                    uint64_t v = 0;
                    int j;
                    CHECK_EQ(w[1], 0x80 | 127);
                    for (j = 0; j < 8; j++) v = (v << 8) | w[2 + j];
                    CHECK_EQ(v, n);
                }
                for (k = 0; k < n; k++)
                    if ((uint8_t)(w[hl + 4 + k] ^ w[hl + (k & 3)]) != pl[k]) { ok = 0; break; }
                CHECK(ok);
            }
            tc_free(t);
            free(pl);
        }
    }
    {
        tconn *t;
        cframe fr[8];
        axt_buf store = {0}, log = {0};
        AXT_CASE("send: ping and close bytes");
        t = tc_open(&o);
        CHECK_EQ(axws_ping(&t->c, "abc", 3), 0);
        CHECK_EQ(axws_ping(&t->c, NULL, 0), 0);
        CHECK_EQ(axws_send(&t->c, AXWS_OP_TEXT, "t", 1), 0);
        CHECK_EQ(axws_send(&t->c, AXWS_OP_BINARY, "b", 1), 0);
        CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 4);
        expect_str("frames", axt_buf_str(&log), "ping:abc; ping:; text:t; binary:b");
        {
            uint8_t p126[126];
            memset(p126, 1, sizeof p126);
            CHECK(axws_ping(&t->c, p126, 126) < 0); /* RFC 6455 5.5: at most 125 */
        }
        tc_free(t);
        axt_buf_free(&store); axt_buf_free(&log);
    }
}

static void test_send_masks(void) {
    topts o;
    tconn *t, *t2, *t3;
    cframe fr[64], fr2[64], fr3[64];
    axt_buf s1 = {0}, s2 = {0}, s3 = {0};
    int i, j, n, n2, n3, distinct = 1, zero = 0;
    memset(&o, 0, sizeof o);

    AXT_CASE("masks: a fresh key from cfg.random for every frame");
    t = tc_open(&o);
    o.seed = 0; t2 = tc_open(&o);
    o.seed = 4242; t3 = tc_open(&o);
    for (i = 0; i < 40; i++) {
        tconn *all[3];
        int k;
        all[0] = t; all[1] = t2; all[2] = t3;
        for (k = 0; k < 3; k++) {
            if (i % 3 == 0) axws_send_text(&all[k]->c, "same payload", 12);
            else if (i % 3 == 1) axws_send_binary(&all[k]->c, "\0\0\0\0\0\0\0\0", 8);
            else axws_ping(&all[k]->c, "p", 1);
        }
    }
    n = tc_frames(t, fr, 64, &s1, NULL);
    n2 = tc_frames(t2, fr2, 64, &s2, NULL);
    n3 = tc_frames(t3, fr3, 64, &s3, NULL);
    CHECK_EQ(n, 40); CHECK_EQ(n2, 40); CHECK_EQ(n3, 40);
    for (i = 0; i < n && i < 64; i++) {
        if (!fr[i].masked) distinct = 0;
        if (!memcmp(fr[i].key, "\0\0\0\0", 4)) zero++;
        for (j = 0; j < i; j++)
            if (!memcmp(fr[i].key, fr[j].key, 4)) distinct = 0;
    }
    CHECK(distinct);  /* 40 random 32-bit keys: a repeat has odds near 2e-7 */
    CHECK(zero <= 1);
    /* the keys come from cfg.random: the same seed gives the same bytes, another seed not */
    CHECK(t->out.len == t2->out.len && memcmp(t->out.p, t2->out.p, t->out.len) == 0);
    {
        int same = 0;
        for (i = 0; i < n && i < n3; i++) if (!memcmp(fr[i].key, fr3[i].key, 4)) same++;
        CHECK(same <= 1);
    }
    /* all-zero payload: the wire shows the key itself, so a constant mask would be seen */
    CHECK(fr[1].len == 8 && !memcmp(fr[1].pl, "\0\0\0\0\0\0\0\0", 8));
    tc_free(t); tc_free(t2); tc_free(t3);
    axt_buf_free(&s1); axt_buf_free(&s2); axt_buf_free(&s3);
}

static void test_send_wouldblock(void) {
    topts o;
    tconn *t;
    size_t free0, n, before;
    uint8_t *pl = binary_payload(4096);
    int rc;
    memset(&o, 0, sizeof o);
    o.tx_size = 1024;

    AXT_CASE("send: a message that can never fit tx_buf is AXWS_ETOOBIG");
    t = tc_open(&o);
    free0 = axws_tx_free(&t->c);
    CHECK(free0 > 900 && free0 <= 1024);
    /* free0 - 8: a 16-bit length header (2 + 2) and the key (4) make it exactly free0; one
       byte more cannot fit even the empty buffer */
    rc = axws_send_binary(&t->c, pl, free0 - 8 + 1);
    CHECK_EQ(rc, AXWS_ETOOBIG);
    rc = axws_send_binary(&t->c, pl, 2000);
    CHECK_EQ(rc, AXWS_ETOOBIG);
    CHECK(axws_output(&t->c, &n) == NULL || n == 0); /* nothing partial */
    CHECK_EQ(axws_tx_free(&t->c), free0);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_OPEN); /* not fatal */
    rc = axws_send_binary(&t->c, pl, free0 - 8);
    CHECK_EQ(rc, 0);
    tc_drain(t);
    axt_buf_reset(&t->out);

    AXT_CASE("send: a message that does not fit the free space now is refused whole (AXWS_EWOULDBLOCK)");
    CHECK_EQ(axws_tx_free(&t->c), free0);
    CHECK_EQ(axws_send_text(&t->c, "x", 1), 0); /* 2 + 4 + 1 = 7 bytes queued */
    CHECK_EQ(axws_tx_free(&t->c), free0 - 7);
    rc = axws_send_binary(&t->c, pl, free0 - 7 - 8 + 1); /* would fit an empty buffer */
    CHECK_EQ(rc, AXWS_EWOULDBLOCK);
    n = 0;
    axws_output(&t->c, &n);
    CHECK_EQ(n, 7); /* nothing partial */
    CHECK_EQ(axws_tx_free(&t->c), free0 - 7);
    rc = axws_send_binary(&t->c, pl, free0 - 7 - 8);
    CHECK_EQ(rc, 0);
    before = 0;
    axws_output(&t->c, &before);
    CHECK_EQ(before, free0);
    rc = axws_send_text(&t->c, "x", 1);
    CHECK_EQ(rc, AXWS_EWOULDBLOCK);
    n = 0;
    axws_output(&t->c, &n);
    CHECK_EQ(n, before);
    rc = axws_ping(&t->c, "x", 1);
    CHECK_EQ(rc, AXWS_EWOULDBLOCK);
    /* draining frees the space again */
    tc_drain(t);
    CHECK_EQ(axws_tx_free(&t->c), free0);
    CHECK_EQ(axws_send_text(&t->c, "x", 1), 0);
    tc_free(t);

    AXT_CASE("send: partial output_ack");
    t = tc_open(&o);
    CHECK_EQ(axws_send_text(&t->c, "hello world", 11), 0);
    {
        const uint8_t *p1, *p2;
        size_t n1 = 0, n2 = 0;
        uint8_t copy[64];
        p1 = axws_output(&t->c, &n1);
        CHECK_EQ(n1, 2 + 4 + 11);
        if (p1 && n1 <= sizeof copy) {
            memcpy(copy, p1, n1);
            axws_output_ack(&t->c, 3);
            p2 = axws_output(&t->c, &n2);
            CHECK_EQ(n2, n1 - 3);
            CHECK(p2 && memcmp(p2, copy + 3, n2) == 0);
            axws_output_ack(&t->c, n2);
            CHECK(axws_output(&t->c, &n2) == NULL || n2 == 0);
        }
    }
    tc_free(t);

    /* back-pressure: pongs that do not fit stop axws_feed from consuming the pings */
    AXT_CASE("feed: back-pressure when the pong does not fit");
    o.tx_size = 512;
    t = tc_open(&o);
    {
        axt_buf f = {0}, log = {0}, store = {0}, want = {0};
        uint8_t pp[100];
        cframe fr[16];
        size_t off = 0, got;
        int i, rounds = 0;
        for (i = 0; i < 8; i++) {
            memset(pp, 'a' + i, sizeof pp);
            sf(&f, 0x89, pp, 100);
            log_entry(&want);
            axt_buf_printf(&want, "pong:%s", repr_s(pp, 100));
        }
        got = axws_feed(&t->c, f.p, f.len, T0); /* without draining */
        CHECK(got < f.len);
        off = got;
        while (off < f.len && rounds++ < 100) {
            tc_drain(t);
            off += axws_feed(&t->c, f.p + off, f.len - off, T0);
        }
        CHECK_EQ(off, f.len);
        CHECK_EQ(tc_frames(t, fr, 16, &store, &log), 8);
        expect_str("all eight pongs, in order", axt_buf_str(&log), axt_buf_str(&want));
        CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_OPEN);
        axt_buf_free(&f); axt_buf_free(&log); axt_buf_free(&store); axt_buf_free(&want);
    }
    tc_free(t);
    free(pl);
}

static void test_send_fragments(void) {
    topts o;
    tconn *t;
    cframe fr[64];
    axt_buf store = {0}, log = {0};
    memset(&o, 0, sizeof o);

    AXT_CASE("send: fragmented message, ping in between");
    t = tc_open(&o);
    CHECK_EQ(axws_send_fragment(&t->c, AXWS_OP_TEXT, "Hel", 3, 0), 0);
    CHECK_EQ(axws_ping(&t->c, "p", 1), 0);
    CHECK_EQ(axws_send_fragment(&t->c, AXWS_OP_CONT, "l", 1, 0), 0);
    CHECK_EQ(axws_send_fragment(&t->c, AXWS_OP_CONT, "o", 1, 1), 0);
    CHECK_EQ(axws_send_fragment(&t->c, AXWS_OP_BINARY, "b", 1, 1), 0); /* a one-fragment message */
    tc_frames(t, fr, 64, &store, &log);
    expect_str("frames", axt_buf_str(&log), "text~:Hel; ping:p; cont~:l; cont:o; binary:b");

    AXT_CASE("send: fragment misuse is refused and queues nothing");
    axt_buf_reset(&t->out);
    CHECK(axws_send_fragment(&t->c, AXWS_OP_CONT, "x", 1, 1) < 0); /* no message started */
    CHECK_EQ(axws_send_fragment(&t->c, AXWS_OP_BINARY, "a", 1, 0), 0);
    /* RFC 6455 5.4: no other data frame may start inside a fragmented message */
    CHECK(axws_send_text(&t->c, "x", 1) < 0);
    CHECK(axws_send_fragment(&t->c, AXWS_OP_TEXT, "x", 1, 0) < 0);
    CHECK_EQ(axws_send_fragment(&t->c, AXWS_OP_CONT, "b", 1, 1), 0);
    tc_frames(t, fr, 64, &store, &log);
    expect_str("frames", axt_buf_str(&log), "binary~:a; cont:b");
    tc_free(t);

    AXT_CASE("send: a message larger than tx_buf, in fragments");
    o.tx_size = 4096;
    t = tc_open(&o);
    {
        uint8_t *big = binary_payload(100000);
        axt_buf joined = {0};
        size_t off = 0;
        int i, nf, ok = 1;
        CHECK_EQ(axws_send_binary(&t->c, big, 100000), AXWS_ETOOBIG); /* never fits 4 KiB */
        while (off < 100000) {
            size_t part = 100000 - off < 3000 ? 100000 - off : 3000;
            int rc = axws_send_fragment(&t->c, off == 0 ? AXWS_OP_BINARY : AXWS_OP_CONT, big + off, part, off + part == 100000);
            if (rc == AXWS_EWOULDBLOCK) { tc_drain(t); continue; }
            if (rc) { ok = 0; break; }
            off += part;
        }
        CHECK(ok);
        nf = tc_frames(t, fr, 64, &store, NULL);
        CHECK_EQ(nf, 34);
        for (i = 0; i < nf && i < 64; i++) {
            if (fr[i].op != (i == 0 ? AXWS_OP_BINARY : AXWS_OP_CONT) || fr[i].fin != (i == nf - 1) || !fr[i].masked) ok = 0;
            axt_buf_put(&joined, fr[i].pl, fr[i].len);
        }
        CHECK(ok);
        CHECK(joined.len == 100000 && memcmp(joined.p, big, 100000) == 0);
        axt_buf_free(&joined);
        free(big);
    }
    tc_free(t);
    axt_buf_free(&store); axt_buf_free(&log);
}

static void test_client_close(void) {
    topts o;
    tconn *t;
    cframe fr[8];
    axt_buf store = {0}, log = {0}, f = {0};
    char reason[130];
    memset(&o, 0, sizeof o);
    o.close_timeout_ms = 2000;

    AXT_CASE("close: client-initiated handshake");
    t = tc_open(&o);
    CHECK_EQ(axws_close(&t->c, 1000, "done", T0 + 5), 0);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_CLOSING);
    CHECK_EQ(axws_sent_close_code(&t->c), 1000);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 1);
    expect_str("frames", axt_buf_str(&log), "close 1000");
    CHECK(fr[0].len == 6 && memcmp(fr[0].pl + 2, "done", 4) == 0);
    CHECK_EQ(axws_send_text(&t->c, "x", 1), AXWS_ESTATE); /* RFC 6455 5.5.1: no data after close */
    axt_buf_reset(&t->out);
    sf_close(&f, 1000, "", 0);
    tc_feed(t, f.p, f.len, T0 + 10);
    tc_frames(t, fr, 8, &store, &log);
    expect_str("no second close frame", axt_buf_str(&log), "");
    tc_finish(t, T0 + 20);
    expect_str("events", axt_buf_str(&t->ev), "open; close 1000 e0:");
    CHECK_EQ(axws_error(&t->c), 0);
    CHECK_EQ(axws_close_code(&t->c), 1000);
    tc_free(t);

    AXT_CASE("fail: with tx_buf full, the close frame waits for room, after the pongs queued before it");
    {
        topts o2;
        size_t k, n;
        memset(&o2, 0, sizeof o2);
        o2.tx_size = AXWS_MIN_TX; /* 512: three pongs of 125 bytes and a fourth fill it */
        t = tc_open(&o2);
        axt_buf_reset(&f);
        for (k = 0; k < 4; k++) {
            uint8_t pl[125];
            memset(pl, 'x', sizeof pl);
            sf(&f, 0x89, pl, k < 3 ? 125 : 110);
        }
        sfs(&f, 0x78, "bad"); /* RSV bits on a close frame: 1002 */
        /* one feed, output not drained: the pongs fill tx_buf, no room for the close */
        n = axws_feed(&t->c, f.p, f.len, T0 + 5);
        CHECK(n > 0);
        CHECK_EQ(axws_error(&t->c), AXWS_EPROTO);
        CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_CLOSING); /* not finished: the close is owed */
        tc_drain(t);
        CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 5);
        expect_str("frames", axt_buf_str(&log),
                   "pong:125#b5ab3a37; pong:125#b5ab3a37; pong:125#b5ab3a37; pong:110#7da2a11d; close 1002");
        CHECK_EQ(axws_sent_close_code(&t->c), 1002);
        CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_CLOSED); /* written: the failed connection ends */
        tc_free(t);
        axt_buf_reset(&f);
    }

    AXT_CASE("close: code 0 means 1000, no reason");
    t = tc_open(&o);
    CHECK_EQ(axws_close(&t->c, 0, NULL, T0), 0);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 1);
    expect_str("frames", axt_buf_str(&log), "close 1000");
    CHECK_EQ(fr[0].len, 2);
    tc_free(t);

    AXT_CASE("close: a 123-byte reason fits, 124 does not");
    t = tc_open(&o);
    memset(reason, 'r', sizeof reason);
    reason[124] = 0;
    CHECK(axws_close(&t->c, 1000, reason, T0) < 0);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_OPEN);
    reason[123] = 0;
    CHECK_EQ(axws_close(&t->c, 1000, reason, T0), 0);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 1);
    CHECK_EQ(fr[0].len, 125);
    tc_free(t);

    AXT_CASE("close: the peer's answer never comes (close timeout)");
    t = tc_open(&o);
    CHECK_EQ(axws_close(&t->c, 1001, NULL, T0 + 100), 0);
    tc_drain(t);
    axws_tick(&t->c, T0 + 100 + 1990);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_CLOSING);
    expect_str("no event yet", axt_buf_str(&t->ev), "open");
    axws_tick(&t->c, T0 + 100 + 2010);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_CLOSED);
    CHECK_EQ(t->closes, 1);
    expect_has("CLOSE event with 1006 (no close frame came)", axt_buf_str(&t->ev), "close 1006 ");
    tc_free(t);

    AXT_CASE("close: echo from inside the callback");
    o.echo = 1;
    t = tc_open(&o);
    axt_buf_reset(&f);
    sfs(&f, 0x81, "echo me");
    sf(&f, 0x82, "\x01\x02", 2);
    tc_feed(t, f.p, f.len, T0);
    CHECK_EQ(t->echo_rc, 0);
    tc_frames(t, fr, 8, &store, &log);
    expect_str("frames", axt_buf_str(&log), "text:echo me; binary:\\x01\\x02");
    tc_free(t);
    axt_buf_free(&store); axt_buf_free(&log); axt_buf_free(&f);
}

static void test_callback_actions(void) {
    topts o;
    tconn *t;
    axt_buf f = {0}, resp = {0};
    cframe fr[8];
    axt_buf store = {0}, log = {0};
    result r;
    memset(&o, 0, sizeof o);

    /* the callback may close: the close frame goes out, later frames are still parsed, the
       peer's close completes the handshake */
    o.close_on_msg = 1;
    sfs(&f, 0x81, "first"); sfs(&f, 0x89, "p"); sf_close(&f, 1000, "", 0);
    set_case("callback: axws_close from inside MESSAGE");
    run_case(&o, NULL, &f, &r);
    expect_has("events", axt_buf_str(&r.ev), "open; msg T:first");
    expect_has("clean end", axt_buf_str(&r.ev), "close 1000 e0:");
    CHECK_EQ(count_sub(axt_buf_str(&r.out), "close"), 1);
    expect_str("client frames start with the close", axt_buf_str(&r.out), "close 1000");
    CHECK_EQ(r.error, 0);
    r_free(&r);

    /* the callback may abort: nothing more is delivered from the same feed */
    memset(&o, 0, sizeof o);
    o.abort_on_msg = 1;
    axt_buf_reset(&f);
    sfs(&f, 0x81, "first"); sfs(&f, 0x81, "second"); sfs(&f, 0x89, "p");
    set_case("callback: axws_abort from inside MESSAGE");
    t = tc_open(&o);
    tc_feed(t, f.p, f.len, T0);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_CLOSED);
    {
        const char *ev = axt_buf_str(&t->ev);
        CHECK(strstr(ev, "second") == NULL && strstr(ev, "ping") == NULL);
        CHECK(t->closes <= 1);
    }
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 0); /* no pong, no close frame */
    tc_finish(t, T0 + 1);
    CHECK(t->closes <= 1 && t->after_close == 0);
    tc_free(t);

    /* a CLOSED connection can be started again: fresh key, state and error */
    AXT_CASE("restart: axws_start on a CLOSED connection starts afresh");
    memset(&o, 0, sizeof o);
    t = tc_open(&o);
    axt_buf_reset(&f);
    sfs(&f, 0x01, "half a message");
    tc_feed(t, f.p, f.len, T0);
    tc_finish(t, T0 + 1);
    CHECK_EQ(axws_error(&t->c), AXWS_ECLOSED);
    axt_buf_reset(&t->req); axt_buf_reset(&t->out); axt_buf_reset(&t->ev); t->opens = t->closes = 0;
    CHECK_EQ(axws_start(&t->c, &t->url, T0 + 100), 0);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_HANDSHAKE);
    CHECK_EQ(axws_error(&t->c), 0);
    {
        size_t klen = 0;
        const char *k;
        char oldkey[64];
        strcpy(oldkey, t->key);
        tc_drain_to(t, &t->req);
        k = find_header(axt_buf_str(&t->req), "Sec-WebSocket-Key", &klen);
        CHECK(k && klen == 24);
        if (k && klen < sizeof t->key) {
            memcpy(t->key, k, klen);
            t->key[klen] = 0;
            ws_accept(t->key, klen, t->accept);
        }
        CHECK(strcmp(oldkey, t->key) != 0);
    }
    build_response(t, RESP_OK, &resp);
    tc_feed(t, resp.p, resp.len, T0 + 100);
    axt_buf_reset(&f);
    sfs(&f, 0x80, "x"); /* the old half message is gone: a continuation is now an error */
    tc_feed(t, f.p, f.len, T0 + 100);
    expect_has("events", axt_buf_str(&t->ev), "open; err -11");
    CHECK_EQ(axws_sent_close_code(&t->c), 1002);
    tc_free(t);
    axt_buf_free(&f); axt_buf_free(&resp); axt_buf_free(&store); axt_buf_free(&log);
}

/* ================================================================== timers */

static void test_timers(void) {
    topts o;
    tconn *t;
    cframe fr[8];
    axt_buf store = {0}, log = {0}, f = {0};

    AXT_CASE("keepalive: a ping every keepalive_ms, not before");
    memset(&o, 0, sizeof o);
    o.keepalive_ms = 5000;
    t = tc_open(&o);
    CHECK(axws_timeout_ms(&t->c, T0) > 0 && axws_timeout_ms(&t->c, T0) <= 5000);
    axws_tick(&t->c, T0 + 2500);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 0);
    axws_tick(&t->c, T0 + 5001);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 1);
    CHECK(fr[0].op == AXWS_OP_PING && fr[0].fin && fr[0].masked);
    axt_buf_reset(&t->out);
    axws_tick(&t->c, T0 + 5002);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 0); /* not a ping per tick */
    sfs(&f, 0x8A, "");
    tc_feed(t, f.p, f.len, T0 + 6000);
    axws_tick(&t->c, T0 + 8000);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 0);
    axws_tick(&t->c, T0 + 10000);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 0);
    axws_tick(&t->c, T0 + 10001);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 1); /* the next beat: keepalive_ms after the last ping */
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_OPEN);
    tc_free(t);

    AXT_CASE("keepalive: data flowing in does not hold the beat back");
    t = tc_open(&o);
    axt_buf_reset(&f);
    sfs(&f, 0x81, "tick");
    tc_feed(t, f.p, f.len, T0 + 4000);
    axws_tick(&t->c, T0 + 5001);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 1);
    axt_buf_reset(&t->out);
    tc_feed(t, f.p, f.len, T0 + 7000);
    axws_tick(&t->c, T0 + 9000);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 0);
    axws_tick(&t->c, T0 + 10001);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 1);
    tc_free(t);

    AXT_CASE("keepalive: off by default");
    memset(&o, 0, sizeof o);
    t = tc_open(&o);
    axws_tick(&t->c, T0 + 3600 * 1000);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 0);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_OPEN);
    CHECK_EQ(axws_timeout_ms(&t->c, T0), -1);
    tc_free(t);

    AXT_CASE("dead peer: nothing received for dead_peer_ms fails the connection");
    memset(&o, 0, sizeof o);
    o.dead_peer_ms = 3000;
    t = tc_open(&o);
    axws_tick(&t->c, T0 + 2990);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_OPEN);
    axt_buf_reset(&f);
    sfs(&f, 0x89, "alive");
    tc_feed(t, f.p, f.len, T0 + 2000); /* resets the timer */
    axws_tick(&t->c, T0 + 4990);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_OPEN);
    CHECK(axws_timeout_ms(&t->c, T0 + 4990) <= 10);
    axws_tick(&t->c, T0 + 5010);
    tc_drain(t);
    CHECK_EQ(axws_error(&t->c), AXWS_EDEADPEER);
    expect_has("reported", axt_buf_str(&t->ev), "err -15");
    tc_finish(t, T0 + 5020);
    expect_has("and closed", axt_buf_str(&t->ev), "close 1006 e-15:");
    CHECK_EQ(t->closes, 1);
    tc_free(t);

    AXT_CASE("dead peer: bytes offered but not consumed are not 'received'");
    memset(&o, 0, sizeof o);
    o.dead_peer_ms = 3000;
    t = tc_open(&o);
    axws_pause_input(&t->c, 1);
    axt_buf_reset(&f);
    sfs(&f, 0x81, "stalled");
    CHECK_EQ(axws_feed(&t->c, f.p, f.len, T0 + 2000), 0); /* a driver offers them again and again */
    CHECK_EQ(axws_feed(&t->c, f.p, f.len, T0 + 2900), 0);
    axws_tick(&t->c, T0 + 3010);
    CHECK_EQ(axws_error(&t->c), AXWS_EDEADPEER);
    tc_free(t);

    AXT_CASE("keepalive: a ping that does not fit tx_buf skips its beat, no busy loop");
    memset(&o, 0, sizeof o);
    o.keepalive_ms = 5000;
    o.tx_size = AXWS_MIN_TX;
    t = tc_open(&o);
    {
        static uint8_t big[AXWS_MIN_TX - 8];
        memset(big, 'x', sizeof big);
        CHECK_EQ(axws_send_binary(&t->c, big, sizeof big), 0); /* not written: tx stays full */
    }
    axws_tick(&t->c, T0 + 5001);
    CHECK(axws_timeout_ms(&t->c, T0 + 5001) > 0); /* the next beat, not "now" again */
    CHECK(axws_timeout_ms(&t->c, T0 + 5001) <= 5000);
    tc_drain(t);
    axws_tick(&t->c, T0 + 10001);
    CHECK_EQ(tc_frames(t, fr, 8, &store, &log), 2); /* the message, then the next beat's ping */
    CHECK(fr[1].op == AXWS_OP_PING);
    tc_free(t);

    AXT_CASE("dead peer: a peer that sends but never reads is dead after dead_peer_ms");
    memset(&o, 0, sizeof o);
    o.dead_peer_ms = 1000;
    t = tc_open(&o);
    CHECK_EQ(axws_send_text(&t->c, "unread", 6), 0); /* queued; the peer never takes it */
    axws_tick(&t->c, T0 + 100);
    sfs(&f, 0x81, "still talking");
    /* the peer keeps sending (last_rx stays fresh) and never reads: fed, never drained */
    CHECK_EQ(axws_feed(&t->c, f.p, f.len, T0 + 600), f.len);
    axws_tick(&t->c, T0 + 900);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_OPEN);
    CHECK(axws_timeout_ms(&t->c, T0 + 900) <= 200); /* the stall's deadline, not last_rx's */
    CHECK_EQ(axws_feed(&t->c, f.p, f.len, T0 + 1050), f.len);
    axws_tick(&t->c, T0 + 1101);
    CHECK_EQ(axws_error(&t->c), AXWS_EDEADPEER);
    {
        char d[AXWS_DESCRIBE_MAX];
        axws_describe(&t->c, d, sizeof d);
        expect_has("describe", d, "nothing written for 1000 ms (cfg.dead_peer_ms); the peer stopped reading");
        /* sans-IO: the phase, but no host or address (the program moves the bytes) */
        expect_has("describe", d, "(dead-peer timeout), connected; nothing written");
    }
    tc_free(t);

    AXT_CASE("dead peer: output that drains, however slowly, keeps the connection");
    t = tc_open(&o);
    CHECK_EQ(axws_send_text(&t->c, "slow link", 9), 0);
    axws_tick(&t->c, T0 + 100);
    {
        size_t n;
        int64_t now = T0 + 100;
        int k;
        for (k = 0; k < 8; k++) { /* one byte every 500 ms: progress, if slow */
            now += 500;
            sfs(&f, 0x8A, ""); /* pongs keep last_rx fresh */
            CHECK_EQ(axws_feed(&t->c, f.p, f.len, now), f.len);
            if (axws_output(&t->c, &n) && n) axws_output_ack(&t->c, 1);
            axws_tick(&t->c, now);
        }
    }
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_OPEN);
    CHECK_EQ(axws_error(&t->c), 0);
    tc_free(t);

    AXT_CASE("close timeout: a CLOSE callback that connects again keeps its new connection");
    memset(&o, 0, sizeof o);
    o.close_timeout_ms = 1000;
    o.restart_on_close = 1;
    t = tc_open(&o);
    CHECK_EQ(axws_close(&t->c, 1000, NULL, T0), 0);
    axws_tick(&t->c, T0 + 1001); /* the peer never answered */
    CHECK_EQ(t->closes, 1);
    expect_str("events", axt_buf_str(&t->ev), "open; err -7; close 1006 e-7:");
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_HANDSHAKE);
    tc_free(t);

    AXT_CASE("handshake timeout");
    memset(&o, 0, sizeof o);
    o.handshake_timeout_ms = 3000;
    t = tc_new(&o);
    axws_tick(&t->c, T0 + 2990);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_HANDSHAKE);
    CHECK(axws_timeout_ms(&t->c, T0 + 2990) <= 10);
    axws_tick(&t->c, T0 + 3010);
    CHECK_EQ(axws_error(&t->c), AXWS_ETIMEDOUT);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_CLOSED);
    expect_str("events", axt_buf_str(&t->ev), "err -7; close 1006 e-7:");
    tc_free(t);

    AXT_CASE("close timeout: default 2 s");
    o.close_timeout_ms = 0;
    t = tc_open(&o);
    CHECK_EQ(axws_close(&t->c, 1000, NULL, T0), 0);
    axws_tick(&t->c, T0 + 1990);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_CLOSING);
    CHECK(axws_timeout_ms(&t->c, T0 + 1990) <= 10);
    axws_tick(&t->c, T0 + 2010);
    CHECK_EQ(axws_error(&t->c), AXWS_ETIMEDOUT);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_CLOSED);
    tc_free(t);

    AXT_CASE("handshake timeout: default 10 s");
    o.handshake_timeout_ms = 0;
    t = tc_new(&o);
    axws_tick(&t->c, T0 + 9990);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_HANDSHAKE);
    axws_tick(&t->c, T0 + 10010);
    CHECK_EQ(axws_error(&t->c), AXWS_ETIMEDOUT);
    tc_free(t);
    axt_buf_free(&store); axt_buf_free(&log); axt_buf_free(&f);
}

/* axws_init refuses what cannot work, naming the kind of problem: a tx_buf too small for
   the upgrade request (AXWS_ENOBUFS), a negative timeout (AXWS_EINVAL). */
static void test_config(void) {
    static const char *const names[5] = {"connect", "handshake", "close", "keepalive", "dead_peer"};
    static uint8_t tx[AXWS_MIN_TX];
    axws_conn c;
    axws_config cfg;
    int k;
    AXT_CASE("config: tx_buf of AXWS_MIN_TX accepted, one byte less refused");
    memset(&cfg, 0, sizeof cfg);
    cfg.tx_buf = tx;
    cfg.tx_size = AXWS_MIN_TX;
    CHECK_EQ(axws_init(&c, &cfg), 0);
    cfg.tx_size = AXWS_MIN_TX - 1;
    CHECK_EQ(axws_init(&c, &cfg), AXWS_ENOBUFS);
    cfg.tx_buf = NULL;
    cfg.tx_size = AXWS_MIN_TX;
    CHECK_EQ(axws_init(&c, &cfg), AXWS_ENOBUFS);
    for (k = 0; k < 5; k++) {
        set_case("config: a negative %s timeout is refused", names[k]);
        memset(&cfg, 0, sizeof cfg);
        cfg.tx_buf = tx;
        cfg.tx_size = sizeof tx;
        switch (k) {
        case 0: cfg.connect_timeout_ms = -1; break;
        case 1: cfg.handshake_timeout_ms = -1; break;
        case 2: cfg.close_timeout_ms = -1; break;
        case 3: cfg.keepalive_ms = -1; break;
        default: cfg.dead_peer_ms = -1; break;
        }
        CHECK_EQ(axws_init(&c, &cfg), AXWS_EINVAL);
    }
}

static void test_strerror(void) {
#define CODE_OF(name, value, text) name,
    static const int codes[] = {AXWS__ERRORS(CODE_OF)};
#undef CODE_OF
    int distinct = 1, known = 0;
    size_t i, k;
    AXT_CASE("axws_strerror");
    CHECK_EQ(sizeof codes / sizeof codes[0], 29); /* AXWS_OK and AXWS_E*, in every build */
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *s = axws_strerror(codes[i]);
        CHECK_EQ(codes[i], -(long)i); /* the list counts down from 0, one code each */
        CHECK(s != NULL && s[0] != 0);
        if (!s || strcmp(s, "unknown error") == 0) continue; /* a code this build never returns */
        known++;
        for (k = 0; k < i; k++)
            if (strcmp(s, axws_strerror(codes[k])) == 0) distinct = 0;
    }
    CHECK(distinct);
    /* each code gets exactly the text its entry in the list gives it (the texts are packed
       in one object and found by walking: an entry off by one would shift them all); an
       entry whose text this build leaves out ("") says "unknown error" */
#define TEXT_MATCHES(name, value, text) \
    CHECK(strcmp(axws_strerror(name), *text ? text : "unknown error") == 0);
    AXWS__ERRORS(TEXT_MATCHES)
#undef TEXT_MATCHES
    /* the texts a build carries are those of the codes it can return */
#if defined(AXWS_NO_SOCKETS) && defined(AXWS_NO_DEFLATE)
    CHECK_EQ(known, 16);
#elif defined(AXWS_NO_SOCKETS)
    CHECK_EQ(known, 17); /* the core's: no socket, TLS, proxy or Axiom client texts */
    CHECK(strcmp(axws_strerror(AXWS_EIO), "unknown error") == 0);
    CHECK(strcmp(axws_strerror(AXWS_ETLS), "unknown error") == 0);
    CHECK(strcmp(axws_strerror(AXWS_EAUTH), "unknown error") == 0);
#elif !defined(AXWS_NO_TLS) && !defined(AXWS_NO_PROXY) && !defined(AXWS_NO_AXIOM) && !defined(AXWS_NO_DEFLATE)
    CHECK_EQ(known, 29); /* the default build returns every code */
#endif
    CHECK(strcmp(axws_strerror(-1000), "unknown error") == 0);
    CHECK(strcmp(axws_strerror(5), "unknown error") == 0);
}

int main(void) {
    test_accept_helper();
    test_strerror();
    test_config();
    test_request();
    test_handshake();
    test_lengths();
    test_protocol_errors();
    test_fragments_and_control();
    test_message_limits();
    test_streaming();
    test_utf8();
    test_close();
    test_send_exact();
    test_send_masks();
    test_send_wouldblock();
    test_send_fragments();
    test_client_close();
    test_callback_actions();
    test_timers();
    return axt_report();
}
