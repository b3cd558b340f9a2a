/* tests/test_interop_deflate.c - permessage-deflate (RFC 7692) against two independent
   servers: tests/peers/node_echo.js --deflate (Node `ws`, compressing every message) and
   tests/peers/py_echo.py --deflate (Python websockets, compression="deflate").

   For each peer, with the window offered at 15, 10 and 9 bits (server_max_window_bits),
   and once with server_no_context_takeover: the upgrade must negotiate the extension; then
   messages of 0 B to 1 MiB go out (uncompressed: the client never compresses) and come
   back compressed, in whole-message mode and in chunks: text and random binary, sizes
   past the window, highly compressible ones (4 MiB of one byte: 1000:1, bomb-like, within
   msg_size), fragmented ones (__frag__), each compared byte for byte; every message that
   came back must have been compressed (RSV1). Then a bomb past msg_size must end the
   connection with 1009. The peers are stopped at the end whatever happens (atexit, fatal
   signals, PR_SET_PDEATHSIG). Last, the Axiom client with cfg.deflate against the stand-in
   (tests/peers/axiom_standin.js --deflate, Node `ws`): the stream negotiates compression
   and every message arrives compressed and decoded; against the stand-in without it, the
   same client gets plain messages. Run from the repository root (tests/run.sh does). */
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
#include <fcntl.h>
#include "standin.h"

#define MiB ((size_t)1 << 20)
#define TIMEOUT_MS 30000

/* ======================================================================== peers */
#include "peer_proc.h"

/* ======================================================================== the client */
typedef struct {
    axws_conn c;
    axws_config cfg;
    axws_inflate z;
    uint8_t window[1 << 15];
    int opened, closed, error, close_code, msgs, compressed, matched, stream_bad;
    uint64_t stream_off;
    const uint8_t *exp;
    size_t exp_len;
    int exp_op;
} tclient;

static uint8_t rx[1 << 16], tx[5 * MiB], msgbuf[5 * MiB];

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    tclient *t = (tclient *)user;
    switch (ev->type) {
    case AXWS_EV_OPEN: t->opened = 1; break;
    case AXWS_EV_MESSAGE:
        t->msgs++;
        t->compressed += c->msg_deflate;
        if (ev->opcode == t->exp_op && ev->len == t->exp_len && (!ev->len || memcmp(ev->data, t->exp, ev->len) == 0))
            t->matched++;
        break;
    case AXWS_EV_CHUNK:
        if (ev->opcode != t->exp_op || ev->offset != t->stream_off || ev->offset + ev->len > t->exp_len ||
            (ev->len && memcmp(ev->data, t->exp + ev->offset, ev->len) != 0))
            t->stream_bad++;
        t->stream_off += ev->len;
        if (ev->fin) {
            t->msgs++;
            t->compressed += c->msg_deflate;
            if (!t->stream_bad && t->stream_off == t->exp_len) t->matched++;
            t->stream_off = 0;
            t->stream_bad = 0;
        }
        break;
    case AXWS_EV_ERROR: t->error = ev->error; break;
    case AXWS_EV_CLOSE:
        t->closed = 1;
        t->close_code = ev->close_code;
        break;
    default: break;
    }
}

/* Step until *flag becomes nonzero or the connection ends; 1 when the flag is set. */
static int pump(tclient *t, int *flag, int want) {
    int64_t deadline = axws_now_ms() + TIMEOUT_MS;
    while (*flag < want && axws_conn_state(&t->c) != AXWS_STATE_CLOSED && axws_now_ms() < deadline) {
        struct pollfd p[AXWS_MAX_POLLFDS];
        int n = axws_pollfds(&t->c, p, AXWS_MAX_POLLFDS), to = axws_timeout_ms(&t->c, axws_now_ms());
        if (to < 0 || to > 100) to = 100;
        axws_poll(p, (nfds_t)n, to);
        axws_step(&t->c, p, n, axws_now_ms());
    }
    return *flag >= want;
}

static int open_client(tclient *t, int port, int chunks, int bits, int nct) {
    char url[64];
    memset(t, 0, sizeof *t);
    axws_config_init(&t->cfg);
    t->cfg.rx_buf = rx;
    t->cfg.rx_size = sizeof rx;
    t->cfg.tx_buf = tx;
    t->cfg.tx_size = sizeof tx;
    if (!chunks) {
        t->cfg.msg_buf = msgbuf;
        t->cfg.msg_size = sizeof msgbuf;
    }
    t->cfg.on_event = on_event;
    t->cfg.user = t;
    if (axws_deflate_enable(&t->cfg.deflate, &t->z, t->window, bits) != 0) return 0;
    t->cfg.deflate.no_context_takeover = nct;
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
    if (axws_init(&t->c, &t->cfg) != 0 || axws_connect(&t->c, url, axws_now_ms()) != 0) return 0;
    return pump(t, &t->opened, 1) && axws_deflate_active(&t->c);
}

static uint32_t seed = 99;
static uint8_t rnd8(void) {
    seed = seed * 1103515245u + 12345u;
    return (uint8_t)(seed >> 16);
}

static uint8_t data[5 * MiB];

/* Send a message and wait for its echo; 1 when it came back equal and compressed. */
static int echo(tclient *t, int op, size_t n) {
    int msgs = t->msgs, matched = t->matched, compressed = t->compressed;
    t->exp = data;
    t->exp_len = n;
    t->exp_op = op;
    if (axws_send(&t->c, op, data, n) != 0) return 0;
    if (!pump(t, &t->msgs, msgs + 1)) return 0;
    return t->matched == matched + 1 && t->compressed == compressed + 1;
}

static void fill(int shape, size_t n) {
    size_t i;
    static const char *words[] = {"{\"room\":\"new_pairs\",", "\"price\":0.000123,", "\"token\":\"ab\xc3\xa9\",", " "};
    for (i = 0; i < n;) {
        if (shape == 0) { /* JSON-like text */
            const char *w = words[rnd8() % 4];
            while (*w && i < n) data[i++] = (uint8_t)*w++;
        } else if (shape == 1) {
            data[i++] = rnd8();
        } else {
            data[i++] = 'z';
        }
    }
    if (shape == 0) /* never end inside a UTF-8 sequence */
        while (n && (data[n - 1] & 0xC0) == 0x80) data[--n] = ' ', data[n] = ' ';
    if (shape == 0 && n && (data[n - 1] & 0xC0) == 0xC0) data[n - 1] = ' ';
}

static void run_peer(const char *name, int port) {
    static const size_t sizes[] = {0, 1, 100, 5000, 40000, 100000, MiB};
    static const struct { int bits, nct, chunks; } modes[] = {{15, 0, 0}, {10, 0, 1}, {9, 0, 0}, {15, 1, 1}};
    char what[128];
    size_t m, i;
    for (m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        static tclient t;
        int ok = 1;
        snprintf(what, sizeof what, "%s: window %d%s, %s", name, modes[m].bits, modes[m].nct ? ", no context takeover" : "",
                 modes[m].chunks ? "chunks" : "whole messages");
        AXT_CASE(what);
        if (!CHECK(open_client(&t, port, modes[m].chunks, modes[m].bits, modes[m].nct))) {
            axws_abort(&t.c);
            continue;
        }
        for (i = 0; i < sizeof sizes / sizeof sizes[0] && ok; i++) {
            fill(0, sizes[i]);
            ok = CHECK(echo(&t, AXWS_OP_TEXT, sizes[i]));
            fill(1, sizes[i]);
            if (ok) ok = CHECK(echo(&t, AXWS_OP_BINARY, sizes[i]));
        }
        fill(2, 4 * MiB); /* 4 MiB of one byte: about 4 KiB compressed */
        if (ok) ok = CHECK(echo(&t, AXWS_OP_BINARY, 4 * MiB));
        if (ok) {
            /* __frag__: 5 fragments of 70000 bytes, 'a' + i % 26, compressed as one message */
            size_t k;
            int msgs = t.msgs, matched = t.matched;
            for (k = 0; k < 350000; k++) data[k] = (uint8_t)('a' + k % 26);
            t.exp_len = 350000;
            t.exp_op = AXWS_OP_TEXT;
            CHECK(axws_send_text(&t.c, "__frag__ 5 70000", 16) == 0);
            CHECK(pump(&t, &t.msgs, msgs + 1) && t.matched == matched + 1);
        }
        CHECK_EQ(t.error, 0);
        axws_close(&t.c, AXWS_CLOSE_NORMAL, NULL, axws_now_ms());
        pump(&t, &t.closed, 1);
        CHECK_EQ(t.close_code, 1000);
    }
    snprintf(what, sizeof what, "%s: a bomb past msg_size ends the connection with 1009", name);
    AXT_CASE(what);
    {
        static tclient t;
        if (CHECK(open_client(&t, port, 0, 15, 0))) {
            size_t keep = t.cfg.msg_size;
            /* the echo of 4 MiB of 'z' inflates past a 1 MiB msg_size */
            t.c.cfg.msg_size = MiB;
            fill(2, 4 * MiB);
            t.exp_len = 4 * MiB;
            t.exp_op = AXWS_OP_BINARY;
            CHECK(axws_send_binary(&t.c, data, 4 * MiB) == 0);
            pump(&t, &t.closed, 1);
            CHECK_EQ(t.error, AXWS_ETOOBIG);
            CHECK_EQ(axws_sent_close_code(&t.c), AXWS_CLOSE_TOO_BIG);
            (void)keep;
        }
    }
}

/* ======================================================================== the Axiom client */
static int ax_msgs, ax_compressed;
static void ax_on_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    (void)m;
    (void)user;
    ax_msgs++;
    ax_compressed += axws_axiom_conn(a)->msg_deflate;
}

static void run_axiom(int server_deflates) {
    static const char *args[] = {"--secret", "test-secret", "--rate", "default=200", "--write-tokens", NULL, NULL, NULL};
    static standin sv;
    static axws_axiom a;
    static axws_inflate z;
    static uint8_t win[1 << 12], arx[1 << 16], atx[1 << 14], amsg[1 << 16];
    char tokfile[64];
    axws_axiom_config cfg;
    int64_t deadline;
    snprintf(tokfile, sizeof tokfile, "/tmp/axws-pmd-tokens-%d.json", (int)getpid());
    args[5] = tokfile;
    args[6] = server_deflates ? "--deflate" : NULL;
    AXT_CASE(server_deflates ? "Axiom client, stand-in compressing" : "Axiom client, stand-in not compressing");
    if (!CHECK(standin_start(&sv, NULL, NULL, args) == 0)) return;
    axws_axiom_config_init(&cfg);
    cfg.url = sv.url;
    cfg.api_url = sv.api;
    cfg.token_file = tokfile;
    cfg.rx_buf = arx; cfg.rx_size = sizeof arx;
    cfg.tx_buf = atx; cfg.tx_size = sizeof atx;
    cfg.msg_buf = amsg; cfg.msg_size = sizeof amsg;
    cfg.handler.on_message = ax_on_message;
    CHECK_EQ(axws_deflate_enable(&cfg.deflate, &z, win, 12), 0);
    ax_msgs = ax_compressed = 0;
    if (CHECK_EQ(axws_axiom_init(&a, &cfg), 0) && CHECK_EQ(axws_axiom_subscribe_new_tokens(&a), 0) &&
        CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0)) {
        deadline = axws_now_ms() + TIMEOUT_MS;
        while (ax_msgs < 30 && axws_now_ms() < deadline) {
            struct pollfd p[AXWS_AXIOM_MAX_POLLFDS];
            int n = axws_axiom_pollfds(&a, p, AXWS_AXIOM_MAX_POLLFDS), to = axws_axiom_timeout_ms(&a, axws_now_ms());
            if (to < 0 || to > 100) to = 100;
            axws_poll(p, (nfds_t)n, to);
            axws_axiom_step(&a, p, n, axws_now_ms());
            standin_pump(&sv);
        }
        CHECK(ax_msgs >= 30);
        CHECK_EQ(axws_deflate_active(axws_axiom_conn(&a)), server_deflates);
        CHECK_EQ(ax_compressed, server_deflates ? ax_msgs : 0);
        CHECK_EQ(axws_error(axws_axiom_conn(&a)), 0);
        axws_axiom_disconnect(&a, axws_now_ms());
        deadline = axws_now_ms() + 3000;
        while (axws_conn_state(axws_axiom_conn(&a)) != AXWS_STATE_CLOSED && axws_now_ms() < deadline) {
            struct pollfd p[AXWS_AXIOM_MAX_POLLFDS];
            int n = axws_axiom_pollfds(&a, p, AXWS_AXIOM_MAX_POLLFDS);
            axws_poll(p, (nfds_t)n, 50);
            axws_axiom_step(&a, p, n, axws_now_ms());
        }
    }
    standin_stop(&sv);
    unlink(tokfile);
}

int main(void) {
    char *node[] = {(char *)"node", (char *)"tests/peers/node_echo.js", (char *)"--deflate", NULL};
    char *py[] = {(char *)"/usr/bin/python3", (char *)"tests/peers/py_echo.py", (char *)"--deflate", NULL};
    int port;
    signal(SIGPIPE, SIG_IGN);
    atexit(stop_peers);
    signal(SIGINT, on_fatal_signal);
    signal(SIGTERM, on_fatal_signal);
    signal(SIGSEGV, on_fatal_signal);
    signal(SIGABRT, on_fatal_signal);
    AXT_CASE("node ws peer starts");
    port = start_peer(node);
    if (CHECK(port > 0)) run_peer("node ws", port);
    AXT_CASE("python websockets peer starts");
    port = start_peer(py);
    if (CHECK(port > 0)) run_peer("python websockets", port);
    stop_peers();
    run_axiom(1);
    run_axiom(0);
    standin_stop_all();
    return axt_report();
}
