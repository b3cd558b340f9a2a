/* tests/test_interop.c - the client against two independent servers, through the public API.

   Starts tests/peers/node_echo.js (Node `ws`) and tests/peers/py_echo.py (Python websockets)
   on 127.0.0.1 and on ::1, each on an ephemeral port it prints, and checks against every one:
     - text and binary echo of 0, 1, 125, 126, 65535, 65536 bytes, 1 MiB and 16 MiB in
       whole-message mode (msg_buf), and 16 MiB text and binary in streaming mode (no msg_buf:
       CHUNK events, offsets and the final flag checked);
     - fragmented sends (axws_send_fragment, 1 MiB of text cut at arbitrary bytes, through a
       tx_buf smaller than the message, and empty fragments) and fragmented receives (the
       peers' __frag__ command, also 16 MiB in 16 fragments to the streaming client);
     - ping/pong: axws_ping -> PONG with the same payload (0, 5, 125 bytes); a server ping
       (__ping__) -> PING event, and the server confirms our automatic pong;
     - closes from both sides: axws_close -> a clean CLOSE event with the code the server
       echoes; __close__ CODE REASON -> CLOSE with that code and reason; a close without a
       code -> 1005; all with error 0;
     - 100 connections in one poll loop, each echoing 5 messages and closing.
   The peers are stopped at the end whatever happens: atexit, fatal signals, and
   PR_SET_PDEATHSIG in the child for the cases nothing else catches (a sanitizer's _exit).
   Run from the repository root (tests/run.sh does). Node peers need `npm ci` in
   tests/peers (tests/deps.sh). */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define MiB ((size_t)1 << 20)
#define BIG (16 * MiB)
#define TIMEOUT_MS 30000

/* ======================================================================== peers */
#include "peer_proc.h"

/* ======================================================================== clients */
typedef struct tclient {
    axws_conn c;
    axws_config cfg;
    const char *url;
    int opened, closed, errors, error, close_error, close_code;
    char close_reason[128];
    size_t close_reason_len;
    /* received messages (whole, or the CHUNK sequence of one) */
    int msgs;
    int last_op;
    size_t last_len;
    char small[300]; /* copy of the last message when short enough */
    const uint8_t *exp_data; /* when set, each message is compared with it */
    size_t exp_len;
    int exp_op;
    int matched;     /* messages equal to the expectation */
    uint64_t stream_off;
    int stream_bad;
    /* control */
    int pings, pongs;
    uint8_t ping_data[125], pong_data[125];
    size_t ping_len, pong_len;
    /* the 100-connection run */
    int script_step;
    int want;
} tclient;

static void on_event(axws_conn *c, const axws_event *ev, void *user);

static int cmp_expect(const tclient *t, int op, const uint8_t *d, size_t len, uint64_t off) {
    if (!t->exp_data || op != t->exp_op || off + len > t->exp_len) return 0;
    return len == 0 || memcmp(d, t->exp_data + off, len) == 0;
}

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    tclient *t = (tclient *)user;
    (void)c;
    switch (ev->type) {
    case AXWS_EV_OPEN: t->opened = 1; break;
    case AXWS_EV_MESSAGE:
        t->msgs++;
        t->last_op = ev->opcode;
        t->last_len = ev->len;
        if (ev->len < sizeof t->small) {
            if (ev->len) memcpy(t->small, ev->data, ev->len);
            t->small[ev->len] = 0;
        }
        if (cmp_expect(t, ev->opcode, ev->data, ev->len, 0) && ev->len == t->exp_len) t->matched++;
        break;
    case AXWS_EV_CHUNK:
        if (ev->offset != t->stream_off || !cmp_expect(t, ev->opcode, ev->data, ev->len, ev->offset))
            t->stream_bad++;
        t->stream_off += ev->len;
        if (ev->fin) {
            t->msgs++;
            t->last_op = ev->opcode;
            t->last_len = (size_t)t->stream_off;
            if (!t->stream_bad && t->stream_off == t->exp_len) t->matched++;
            t->stream_off = 0;
            t->stream_bad = 0;
        }
        break;
    case AXWS_EV_PING:
        t->pings++;
        t->ping_len = ev->len;
        if (ev->len) memcpy(t->ping_data, ev->data, ev->len);
        break;
    case AXWS_EV_PONG:
        t->pongs++;
        t->pong_len = ev->len;
        if (ev->len) memcpy(t->pong_data, ev->data, ev->len);
        break;
    case AXWS_EV_ERROR:
        t->errors++;
        t->error = ev->error;
        break;
    case AXWS_EV_CLOSE:
        t->closed = 1;
        t->close_code = ev->close_code;
        t->close_error = ev->error;
        t->close_reason_len = ev->len < sizeof t->close_reason ? ev->len : sizeof t->close_reason - 1;
        if (t->close_reason_len) memcpy(t->close_reason, ev->data, t->close_reason_len);
        t->close_reason[t->close_reason_len] = 0;
        break;
    default: break;
    }
}

typedef int (*pred_fn)(const tclient *t);

/* One poll loop over every client in ts[] until pred holds for all of them, or all are
   closed, or timeout_ms passes. Returns 1 when pred holds for all. */
static int run_until(tclient **ts, int n, pred_fn pred, int timeout_ms) {
    static struct pollfd pfds[128 * AXWS_MAX_POLLFDS];
    static int first[128], count[128];
    int64_t deadline = axws_now_ms() + timeout_ms;
    for (;;) {
        int i, k = 0, all = 1, live = 0, wait = 200;
        int64_t now = axws_now_ms();
        for (i = 0; i < n; i++) {
            if (!pred(ts[i])) all = 0;
            if (axws_conn_state(&ts[i]->c) != AXWS_STATE_CLOSED) live++;
        }
        if (all) return 1;
        if (!live || now >= deadline) return 0;
        for (i = 0; i < n; i++) {
            int m, w;
            first[i] = k;
            m = axws_pollfds(&ts[i]->c, pfds + k, AXWS_MAX_POLLFDS);
            count[i] = m;
            k += m;
            w = axws_timeout_ms(&ts[i]->c, now);
            if (w >= 0 && w < wait) wait = w;
        }
        if (deadline - now < wait) wait = (int)(deadline - now);
        poll(pfds, (nfds_t)k, wait);
        for (i = 0; i < n; i++)
            if (axws_conn_state(&ts[i]->c) != AXWS_STATE_CLOSED)
                axws_step(&ts[i]->c, pfds + first[i], count[i], axws_now_ms());
    }
}

static int p_open(const tclient *t) { return t->opened; }
static int p_msgs(const tclient *t) { return t->msgs >= t->want; }
static int p_pongs(const tclient *t) { return t->pongs >= t->want; }
static int p_closed(const tclient *t) { return t->closed; }
static int p_script_done(const tclient *t) { return t->closed; }

static int wait1(tclient *t, pred_fn pred) { return run_until(&t, 1, pred, TIMEOUT_MS); }

static void reset_counters(tclient *t) {
    t->opened = t->closed = t->errors = t->error = t->close_error = t->close_code = 0;
    t->msgs = t->matched = t->pings = t->pongs = 0;
    t->stream_off = 0;
    t->stream_bad = 0;
    t->exp_data = NULL;
}

/* Initialise and connect; when `wait` is set, run until OPEN. */
static int client_open(tclient *t, const char *url, void *rx, size_t rxn, void *tx, size_t txn,
                       void *msg, size_t msgn, int wait) {
    memset(&t->cfg, 0, sizeof t->cfg);
    t->cfg.rx_buf = rx; t->cfg.rx_size = rxn;
    t->cfg.tx_buf = tx; t->cfg.tx_size = txn;
    t->cfg.msg_buf = msg; t->cfg.msg_size = msgn;
    t->cfg.on_event = on_event;
    t->cfg.user = t;
    t->url = url;
    reset_counters(t);
    if (!CHECK_EQ(axws_init(&t->c, &t->cfg), AXWS_OK)) return 0;
    if (!CHECK_EQ(axws_connect(&t->c, url, axws_now_ms()), AXWS_OK)) return 0;
    if (!wait) return 1;
    if (!CHECK(wait1(t, p_open))) {
        fprintf(stderr, "  %s: not open (error %d %s, http %d)\n", url, axws_error(&t->c),
                axws_strerror(axws_error(&t->c)), axws_http_status(&t->c));
        return 0;
    }
    return 1;
}

/* Queue with retries while tx_buf is full. */
static int send_retry(tclient *t, int op, const void *d, size_t len, int fragment, int fin) {
    int64_t deadline = axws_now_ms() + TIMEOUT_MS;
    for (;;) {
        int r = fragment ? axws_send_fragment(&t->c, op, d, len, fin) : axws_send(&t->c, op, d, len);
        if (r != AXWS_EWOULDBLOCK || axws_now_ms() > deadline) return r;
        { /* let some output drain: one poll round */
            struct pollfd p[AXWS_MAX_POLLFDS];
            int n = axws_pollfds(&t->c, p, AXWS_MAX_POLLFDS);
            if (!n) return AXWS_ESTATE;
            poll(p, (nfds_t)n, 100);
            axws_step(&t->c, p, n, axws_now_ms());
        }
    }
}

/* Close from our side and wait for the CLOSE event: clean, with the code echoed. */
static void close_and_check(tclient *t, int code, const char *what) {
    AXT_CASE(what);
    CHECK_EQ(axws_close(&t->c, code, "bye", axws_now_ms()), AXWS_OK);
    CHECK(wait1(t, p_closed));
    CHECK_EQ(t->close_code, code);
    CHECK_EQ(t->close_error, 0);
    CHECK_EQ(t->errors, 0);
    CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_CLOSED);
}

/* ======================================================================== data */
static uint8_t bin_data[BIG];
static uint8_t text_data[BIG];
static uint8_t expect_buf[BIG];

static uint8_t big_rx[1 << 16];
static uint8_t big_tx[BIG + 64];
static uint8_t big_msg[BIG];
static uint8_t mid_tx[256 * 1024];

static tclient big, stream;

/* Valid UTF-8 of exactly n bytes, mixing 1- to 4-byte characters. */
static void fill_text(uint8_t *p, size_t n) {
    static const char unit[] = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x82\xac \xf0\x9f\x98\x80 ascii text ";
    size_t u = sizeof unit - 1, i = 0;
    while (i + u <= n) {
        memcpy(p + i, unit, u);
        i += u;
    }
    while (i < n) p[i++] = '.';
}

static void fill_binary(uint8_t *p, size_t n) {
    uint64_t x = 0x9E3779B97F4A7C15u;
    size_t i;
    for (i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        p[i] = (uint8_t)(x >> 24);
    }
}

/* The peers' __frag__ content: byte i is 'a' + i % 26. */
static void fill_pattern(uint8_t *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) p[i] = (uint8_t)('a' + i % 26);
}

/* ======================================================================== the checks */
static char label[160];

static const char *lbl(const char *peer, const char *what) {
    snprintf(label, sizeof label, "%s: %s", peer, what);
    return label;
}

static void check_echo(tclient *t, int op, const uint8_t *d, size_t n, const char *peer) {
    char what[80];
    int before = t->matched;
    snprintf(what, sizeof what, "%s echo %zu bytes%s", op == AXWS_OP_TEXT ? "text" : "binary", n,
             t->cfg.msg_buf ? "" : " (streaming)");
    AXT_CASE(lbl(peer, what));
    t->exp_data = d; t->exp_len = n; t->exp_op = op;
    t->want = t->msgs + 1;
    if (!CHECK_EQ(send_retry(t, op, d, n, 0, 1), AXWS_OK)) return;
    CHECK(wait1(t, p_msgs));
    CHECK_EQ(t->matched, before + 1);
    CHECK_EQ(t->last_op, op);
    CHECK_EQ(t->last_len, n);
}

static void cmd(tclient *t, const char *text) {
    CHECK_EQ(send_retry(t, AXWS_OP_TEXT, text, strlen(text), 0, 1), AXWS_OK);
}

static void test_peer(const char *peer, const char *url) {
    static const size_t sizes[] = {0, 1, 125, 126, 65535, 65536, MiB, BIG};
    size_t i;
    static uint8_t ping125[125];

    /* ---- whole messages, every size, both types */
    AXT_CASE(lbl(peer, "connect"));
    if (client_open(&big, url, big_rx, sizeof big_rx, big_tx, sizeof big_tx, big_msg, sizeof big_msg, 1)) {
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            fill_text(text_data, sizes[i]);
            check_echo(&big, AXWS_OP_TEXT, text_data, sizes[i], peer);
            check_echo(&big, AXWS_OP_BINARY, bin_data, sizes[i], peer);
        }

        /* ---- fragmented receive */
        AXT_CASE(lbl(peer, "fragmented receive (text 5 x 1000)"));
        fill_pattern(expect_buf, 210000);
        big.exp_data = expect_buf; big.exp_len = 5000; big.exp_op = AXWS_OP_TEXT;
        big.want = big.msgs + 1;
        cmd(&big, "__frag__ 5 1000");
        CHECK(wait1(&big, p_msgs));
        CHECK_EQ(big.last_op, AXWS_OP_TEXT);
        CHECK_EQ(big.last_len, 5000);
        CHECK_EQ(big.matched, 1 + 2 * (int)(sizeof sizes / sizeof sizes[0]));
        AXT_CASE(lbl(peer, "fragmented receive (binary 3 x 70000)"));
        big.exp_len = 210000; big.exp_op = AXWS_OP_BINARY;
        big.want = big.msgs + 1;
        cmd(&big, "__frag__ 3 70000 binary");
        CHECK(wait1(&big, p_msgs));
        CHECK_EQ(big.last_len, 210000);
        CHECK_EQ(big.matched, 2 + 2 * (int)(sizeof sizes / sizeof sizes[0]));

        /* ---- ping / pong, both directions */
        AXT_CASE(lbl(peer, "axws_ping -> pong"));
        big.want = big.pongs + 1;
        CHECK_EQ(axws_ping(&big.c, "hello", 5), AXWS_OK);
        CHECK(wait1(&big, p_pongs));
        CHECK(big.pong_len == 5 && memcmp(big.pong_data, "hello", 5) == 0);
        big.want = big.pongs + 1;
        CHECK_EQ(axws_ping(&big.c, NULL, 0), AXWS_OK);
        CHECK(wait1(&big, p_pongs));
        CHECK_EQ(big.pong_len, 0);
        fill_binary(ping125, sizeof ping125);
        big.want = big.pongs + 1;
        CHECK_EQ(axws_ping(&big.c, ping125, 125), AXWS_OK);
        CHECK(wait1(&big, p_pongs));
        CHECK(big.pong_len == 125 && memcmp(big.pong_data, ping125, 125) == 0);
        CHECK_EQ(axws_ping(&big.c, ping125, 126), AXWS_EINVAL);
        AXT_CASE(lbl(peer, "server ping -> PING event, pong confirmed"));
        big.exp_data = NULL;
        big.want = big.msgs + 1;
        cmd(&big, "__ping__ are you there");
        CHECK(wait1(&big, p_msgs));
        CHECK_EQ(big.pings, 1);
        CHECK(big.ping_len == 13 && memcmp(big.ping_data, "are you there", 13) == 0);
        CHECK(strcmp(big.small, "__pong__ are you there") == 0);

        /* ---- close from our side */
        close_and_check(&big, 1000, lbl(peer, "client close 1000"));
        CHECK(strcmp(big.close_reason, "bye") == 0 || big.close_reason_len == 0);
    }

    /* ---- client close with another code: the server echoes it */
    AXT_CASE(lbl(peer, "client close 4123"));
    if (client_open(&big, url, big_rx, sizeof big_rx, big_tx, sizeof big_tx, big_msg, sizeof big_msg, 1))
        close_and_check(&big, 4123, lbl(peer, "client close 4123"));

    /* ---- server-initiated closes */
    {
        static const struct { const char *cmd; int code; const char *reason; } sc[] = {
            {"__close__ 4001 server says bye", 4001, "server says bye"},
            {"__close__ 1000", 1000, ""},
            {"__close__ 1001 going away", 1001, "going away"},
            {"__close__", 1005, ""},
        };
        for (i = 0; i < sizeof sc / sizeof sc[0]; i++) {
            char what[80];
            snprintf(what, sizeof what, "server close \"%s\"", sc[i].cmd);
            AXT_CASE(lbl(peer, what));
            if (!client_open(&big, url, big_rx, sizeof big_rx, big_tx, sizeof big_tx, big_msg, sizeof big_msg, 1))
                continue;
            cmd(&big, sc[i].cmd);
            AXT_CASE(lbl(peer, what));
            CHECK(wait1(&big, p_closed));
            CHECK_EQ(big.close_code, sc[i].code);
            CHECK_EQ(big.close_error, 0);
            CHECK_EQ(big.errors, 0);
            CHECK(strcmp(big.close_reason, sc[i].reason) == 0);
            /* we answered with the same code, or 1000 for a close without one */
            CHECK_EQ(axws_sent_close_code(&big.c), sc[i].code == 1005 ? 1000 : sc[i].code);
        }
    }

    /* ---- fragmented sends through a tx_buf smaller than the message */
    AXT_CASE(lbl(peer, "fragmented send"));
    if (client_open(&big, url, big_rx, sizeof big_rx, mid_tx, sizeof mid_tx, big_msg, sizeof big_msg, 1)) {
        size_t off, n = MiB, cuts[] = {1, 2, 3, 7000, 65536, 99999, 131072};
        int k = 0, ok = 1;
        fill_text(text_data, n);
        AXT_CASE(lbl(peer, "fragmented send 1 MiB text cut at odd bytes"));
        CHECK(axws_send(&big.c, AXWS_OP_TEXT, text_data, n) == AXWS_ETOOBIG); /* can never fit whole */
        big.exp_data = text_data; big.exp_len = n; big.exp_op = AXWS_OP_TEXT;
        big.want = big.msgs + 1;
        for (off = 0; off < n && ok;) {
            size_t piece = cuts[k++ % 7];
            if (piece > n - off) piece = n - off;
            ok = CHECK_EQ(send_retry(&big, off ? AXWS_OP_CONT : AXWS_OP_TEXT, text_data + off, piece, 1,
                                     off + piece == n), AXWS_OK);
            off += piece;
        }
        CHECK(wait1(&big, p_msgs));
        CHECK_EQ(big.matched, 1);
        AXT_CASE(lbl(peer, "fragmented send with empty fragments"));
        big.exp_data = (const uint8_t *)"abc"; big.exp_len = 3; big.exp_op = AXWS_OP_BINARY;
        big.want = big.msgs + 1;
        CHECK_EQ(axws_send_fragment(&big.c, AXWS_OP_BINARY, NULL, 0, 0), AXWS_OK);
        CHECK_EQ(axws_send(&big.c, AXWS_OP_TEXT, "x", 1), AXWS_ESTATE); /* inside a message */
        CHECK_EQ(axws_send_fragment(&big.c, AXWS_OP_CONT, "abc", 3, 0), AXWS_OK);
        CHECK_EQ(axws_ping(&big.c, "mid", 3), AXWS_OK); /* a control frame between fragments */
        CHECK_EQ(axws_send_fragment(&big.c, AXWS_OP_CONT, NULL, 0, 1), AXWS_OK);
        CHECK(wait1(&big, p_msgs));
        CHECK_EQ(big.matched, 2);
        CHECK_EQ(big.pongs, 1);
        close_and_check(&big, 1000, lbl(peer, "close after fragmented sends"));
    }

    /* ---- streaming mode: 16 MiB each way without msg_buf */
    AXT_CASE(lbl(peer, "streaming connect"));
    if (client_open(&stream, url, big_rx, sizeof big_rx, big_tx, sizeof big_tx, NULL, 0, 1)) {
        fill_text(text_data, BIG);
        check_echo(&stream, AXWS_OP_TEXT, text_data, BIG, peer);
        check_echo(&stream, AXWS_OP_BINARY, bin_data, BIG, peer);
        check_echo(&stream, AXWS_OP_BINARY, bin_data, 0, peer);
        AXT_CASE(lbl(peer, "streaming fragmented receive 16 x 1 MiB"));
        fill_pattern(expect_buf, BIG);
        stream.exp_data = expect_buf; stream.exp_len = BIG; stream.exp_op = AXWS_OP_BINARY;
        stream.want = stream.msgs + 1;
        cmd(&stream, "__frag__ 16 1048576 binary");
        CHECK(wait1(&stream, p_msgs));
        CHECK_EQ(stream.last_len, BIG);
        CHECK_EQ(stream.matched, 4);
        close_and_check(&stream, 1000, lbl(peer, "streaming close"));
    }
}

/* ---- 100 connections in one poll loop */
#define NCONN 100
static tclient many[NCONN];
static uint8_t many_rx[NCONN][4096], many_tx[NCONN][8192], many_msg[NCONN][8192];

static uint8_t ascii_data[NCONN + 4000]; /* any slice of it is valid text */

static size_t script_len(int i, int step) { return (size_t)((i * 131 + step * 977) % 4000); }

static void many_event(axws_conn *c, const axws_event *ev, void *user) {
    tclient *t = (tclient *)user;
    on_event(c, ev, user);
    if (ev->type == AXWS_EV_OPEN || ev->type == AXWS_EV_MESSAGE) {
        int i = (int)(t - many);
        if (ev->type == AXWS_EV_MESSAGE) t->script_step++;
        if (t->script_step < 5) {
            size_t n = script_len(i, t->script_step);
            int op = (i + t->script_step) % 2 ? AXWS_OP_TEXT : AXWS_OP_BINARY;
            const uint8_t *d = op == AXWS_OP_TEXT ? ascii_data + i : bin_data + i;
            t->exp_data = d; t->exp_len = n; t->exp_op = op;
            if (axws_send(c, op, d, n) != AXWS_OK) t->errors += 100;
        } else if (t->script_step == 5) {
            t->script_step++;
            if (axws_close(c, 1000, NULL, axws_now_ms()) != AXWS_OK) t->errors += 100;
        }
    }
}

static void test_many(const char *peer, const char *url) {
    tclient *ts[NCONN];
    int i, clean = 0, matched = 0;
    for (i = 0; i < (int)sizeof ascii_data; i++) ascii_data[i] = (uint8_t)(' ' + i % 95);
    AXT_CASE(lbl(peer, "100 connections in one poll loop"));
    for (i = 0; i < NCONN; i++) {
        tclient *t = &many[i];
        memset(&t->cfg, 0, sizeof t->cfg);
        t->cfg.rx_buf = many_rx[i]; t->cfg.rx_size = sizeof many_rx[i];
        t->cfg.tx_buf = many_tx[i]; t->cfg.tx_size = sizeof many_tx[i];
        t->cfg.msg_buf = many_msg[i]; t->cfg.msg_size = sizeof many_msg[i];
        t->cfg.on_event = many_event;
        t->cfg.user = t;
        reset_counters(t);
        t->script_step = 0;
        ts[i] = t;
        if (axws_init(&t->c, &t->cfg) != AXWS_OK || axws_connect(&t->c, url, axws_now_ms()) != AXWS_OK)
            t->errors += 1000;
    }
    CHECK(run_until(ts, NCONN, p_script_done, TIMEOUT_MS));
    for (i = 0; i < NCONN; i++) {
        if (many[i].closed && many[i].close_code == 1000 && many[i].close_error == 0 && !many[i].errors) clean++;
        matched += many[i].matched;
        if (axws_conn_state(&many[i].c) != AXWS_STATE_CLOSED) axws_abort(&many[i].c);
    }
    CHECK_EQ(clean, NCONN);
    CHECK_EQ(matched, 5 * NCONN);
}

int main(void) {
    static const char *hosts[] = {"127.0.0.1", "::1"};
    struct sigaction sa;
    int h, p;
    atexit(stop_peers);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* the library never raises it; a dying peer's pipe might */
    fill_binary(bin_data, sizeof bin_data);

    for (h = 0; h < 2; h++) {
        for (p = 0; p < 2; p++) {
            char *node_argv[] = {"node", "tests/peers/node_echo.js", "--host", (char *)hosts[h], NULL};
            char *py_argv[] = {"/usr/bin/python3", "tests/peers/py_echo.py", "--host", (char *)hosts[h], NULL};
            char peer[64], url[80];
            int port;
            snprintf(peer, sizeof peer, "%s %s", p ? "py" : "node", hosts[h]);
            AXT_CASE(lbl(peer, "start peer"));
            port = start_peer(p ? py_argv : node_argv);
            if (!CHECK(port > 0)) {
                fprintf(stderr, "  peer %s did not start (for node: run tests/deps.sh)\n", peer);
                continue;
            }
            snprintf(url, sizeof url, h ? "ws://[%s]:%d/" : "ws://%s:%d/", hosts[h], port);
            test_peer(peer, url);
            test_many(peer, url);
        }
    }
    stop_peers();
    return axt_report();
}
