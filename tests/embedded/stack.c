/* tests/embedded/stack.c - how deep the library's entry points reach into the Cortex-M4's
   main stack on real inputs, measured (make embedded). budget.py bounds them statically
   along the heaviest call chain; this program paints the stack below the caller, makes the
   call and finds the lowest word that changed (emb.h). Callbacks only count, as the static
   bound leaves the program's callbacks out.

   Inputs: one connection through the sans-IO core (the 101, then a code point split around
   a ping, a 3000-byte binary message and a close, fed 7 bytes at a time; a send, a
   keepalive tick, a close, EOF); axws_json_next on every JSONTestSuite file, one byte at a
   time; the Axiom decoder on every line of tests/data/frames.jsonl (whole and in 7-byte
   pieces, in a buffer and without one) and axws_axiom_msg_write_json on each. The files
   are the host's, read through semihosting; the suite's names come from AXT_DIR_LIST. The
   library is its own object (axws_lib.c), so no entry point is inlined into its probe. */
#include "axiomws.h"
#include "emb.h"
#include "harness.h"

#include <stdlib.h>

#define T0 1000
#define PROBE(depth, call) \
    do { size_t d_; EMB_PROBE_BEGIN(); call; d_ = emb_probe_end(); if (d_ > (depth)) (depth) = d_; } while (0)

/* ------------------------------------------------------------------ the sans-IO core */

/* RFC 6455 1.3: the key cfg.random makes below, and the server's answer to it */
static const char resp_ok[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

static void sample_nonce(void *user, void *buf, size_t len) { /* the key's 16 bytes, then masks */
    size_t i;
    (void)user;
    for (i = 0; i < len; i++) ((char *)buf)[i] = len == 16 ? "the sample nonce"[i] : (char)i;
}

static int events;
static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    (void)c; (void)ev; (void)user;
    events++;
}

static void drain(axws_conn *c) {
    size_t n;
    while (axws_output(c, &n) && n) axws_output_ack(c, n);
}

/* after the 101: "Hel\xE2\x82", ping "ping", "\xACo" (FIN), the head of a 3000-byte binary
   message (its payload follows), then close 1000 "bye" */
static const char frames[] = "\x01\x05Hel\xE2\x82" "\x89\x04ping" "\x80\x02\xACo" "\x82\x7E\x0B\xB8";
static const char close_bye[] = "\x88\x05\x03\xE8" "bye";

static void stack_core(void) {
    static const char *const names[] = {"axws_init", "axws_start", "axws_feed", "axws_send_text", "axws_tick",
                                        "axws_close", "axws_feed_eof"};
    static axws_conn c, c2;
    static uint8_t rx[AXWS_MIN_RX], tx[8192], msg[4096], in[4096];
    size_t depth[7] = {0}, len = 0, i, n = 0;
    int rc;
    axws_config cfg;
    axws_url url;
    char store[64];
    AXT_CASE("stack: the sans-IO core");
    memset(&cfg, 0, sizeof cfg);
    cfg.rx_buf = rx; cfg.rx_size = sizeof rx;
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
    cfg.msg_buf = msg; cfg.msg_size = sizeof msg;
    cfg.on_event = on_event;
    cfg.random = sample_nonce;
    cfg.keepalive_ms = 1000;
    memcpy(in, resp_ok, sizeof resp_ok - 1);
    len = sizeof resp_ok - 1;
    memcpy(in + len, frames, sizeof frames - 1);
    len += sizeof frames - 1;
    memset(in + len, 0xA5, 3000);
    len += 3000;
    memcpy(in + len, close_bye, sizeof close_bye - 1);
    len += sizeof close_bye - 1;
    CHECK_EQ(axws_parse_url("ws://example.com/", &url, store, sizeof store), 0);
    PROBE(depth[0], rc = axws_init(&c, &cfg));
    CHECK_EQ(rc, 0);
    PROBE(depth[1], rc = axws_start(&c, &url, T0));
    CHECK_EQ(rc, 0);
    drain(&c);
    for (i = 0; i < len; i += n) {
        PROBE(depth[2], n = axws_feed(&c, in + i, len - i < 7 ? len - i : 7, T0));
        drain(&c);
        if (!n) break;
        if (i < 200 && i + n >= 200) {
            PROBE(depth[3], axws_send_text(&c, "x", 1));
            PROBE(depth[4], axws_tick(&c, T0 + 1500));
        }
    }
    CHECK_EQ(i, len);
    CHECK_EQ(axws_conn_state(&c), AXWS_STATE_CLOSING); /* the close handshake ends at EOF */
    PROBE(depth[6], axws_feed_eof(&c, T0));
    CHECK_EQ(axws_conn_state(&c), AXWS_STATE_CLOSED);
    CHECK_EQ(events, 5); /* open, ping, two messages, close */
    CHECK_EQ(axws_init(&c2, &cfg), 0);
    CHECK_EQ(axws_start(&c2, &url, T0), 0);
    drain(&c2);
    CHECK_EQ(axws_feed(&c2, resp_ok, sizeof resp_ok - 1, T0), sizeof resp_ok - 1);
    PROBE(depth[5], rc = axws_close(&c2, 1000, "bye", T0));
    CHECK_EQ(rc, 0);
    printf("measured (callbacks count only):");
    for (i = 0; i < 7; i++) printf(" %s %lu%s", names[i], (unsigned long)depth[i], i < 6 ? "," : "\n");
}

/* ------------------------------------------------------------------ the JSON tokenizer */

static void stack_json(void) {
    const char *dir = "../shared/JSONTestSuite/test_parsing", *name;
    size_t depth = 0;
    int files = 0;
    axt_dir d;
    AXT_CASE("stack: axws_json_next");
    if (!CHECK(axt_dir_open(&d, dir) == 0)) return;
    while ((name = axt_dir_next(&d)) != NULL) {
        char path[512];
        size_t len, off = 0;
        char *data;
        axws_json j;
        axws_json_token k;
        int r;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        if (!CHECK((data = axt_read_file(path, &len)) != NULL)) continue;
        files++;
        axws_json_init(&j, NULL, 0);
        do {
            PROBE(depth, r = axws_json_next(&j, &k));
            if (r == AXWS_JSON_NEED_MORE && off < len) axws_json_feed(&j, data + off++, 1);
            else if (r == AXWS_JSON_NEED_MORE) axws_json_end(&j);
        } while (r > 0 && r != AXWS_JSON_DONE);
        free(data);
    }
    axt_dir_close(&d);
    CHECK(files >= 300);
    printf("measured: axws_json_next %lu (%d files of the JSONTestSuite, byte by byte)\n",
           (unsigned long)depth, files);
}

/* ------------------------------------------------------------------ the Axiom decoder */

static int msgs;
static axws_axiom_msg last;
static void on_msg(void *user, const axws_axiom_msg *m) {
    (void)user;
    last = *m;
    msgs++;
}

static void stack_axiom(void) {
    static axws_axiom_decoder dec;
    static unsigned char buf[4096];
    static char json[8192];
    size_t chunk = 0, wj = 0, len, start = 0;
    int lines = 0, mode, wrote;
    char *data = axt_read_file("tests/data/frames.jsonl", &len);
    AXT_CASE("stack: the Axiom decoder");
    if (!CHECK(data != NULL)) return;
    while (start < len) {
        size_t end = start, off;
        while (end < len && data[end] != '\n') end++;
        lines++;
        for (mode = 0; mode < 3; mode++) { /* whole; 7-byte pieces; 7-byte pieces, no buffer */
            size_t piece = mode == 0 ? end - start : 7;
            axws_axiom_decoder_init(&dec, mode == 2 ? NULL : buf, mode == 2 ? 0 : sizeof buf);
            for (off = start;;) {
                size_t n = end - off < piece ? end - off : piece;
                int fin = off + n == end;
                PROBE(chunk, axws_axiom_decoder_chunk(&dec, data + off, n, fin, on_msg, NULL));
                off += n;
                if (fin) break;
            }
            if (mode) continue;
            PROBE(wj, wrote = axws_axiom_msg_write_json(&last, json, sizeof json));
            CHECK(wrote > 0);
        }
        start = end + 1;
    }
    free(data);
    CHECK_EQ(lines, 25);
    CHECK_EQ(msgs, 3 * lines);
    printf("measured (callbacks count only): axws_axiom_decoder_chunk %lu, axws_axiom_msg_write_json %lu\n",
           (unsigned long)chunk, (unsigned long)wj);
}

int main(void) {
    stack_core();
    stack_json();
    stack_axiom();
    return axt_report();
}
