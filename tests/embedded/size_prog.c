/* tests/embedded/size_prog.c - the smallest program that uses one configuration's entry
   points, so that --gc-sections keeps exactly what they cost (make embedded; budget.py
   reads the linker map). Built once per row of the size table with some of:
       EMB_USE_CORE         the sans-IO core: init, start, output/ack, feed, feed_eof,
                            tick, timeout, send_*, ping, close, state and error getters
       EMB_USE_SOCKETS      the socket driver on the network port: connect_addr, pollfds,
                            step, poll, now_ms (the lwIP port's lwip_* calls are stubs)
       EMB_USE_JSON         the tokenizer: init, feed, next, end
       EMB_USE_AXIOM_MSG    the Axiom decoder: decoder_init, decoder_chunk
       EMB_USE_AXIOM_CLIENT the Axiom client: init, subscribe, connect, pollfds, timeout,
                            step
   It is linked, not run: the inputs come from volatile variables so nothing folds away.
   With none of them, it is the main of the images budget.py reads helper stacks from. */
#include "axiomws.h"

#include <string.h>

static volatile int sink;
static volatile size_t vlen = 16;
static char vbuf[64];

#if defined(EMB_USE_CORE) || defined(EMB_USE_SOCKETS)
static unsigned char rx[AXWS_MIN_RX], tx[2048], msg[2048];

static void fill(void *user, void *buf, size_t len) { /* cfg.random: the program's entropy */
    size_t i;
    (void)user;
    for (i = 0; i < len; i++) ((unsigned char *)buf)[i] = (unsigned char)(sink + i);
}
#endif

#ifdef EMB_USE_CORE
static void use_core(void) {
    static axws_conn c;
    axws_config cfg;
    axws_url u;
    char store[96];
    size_t n = 0;
    const uint8_t *p;
    memset(&cfg, 0, sizeof cfg);
    cfg.rx_buf = rx; cfg.rx_size = sizeof rx;
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
    cfg.msg_buf = msg; cfg.msg_size = sizeof msg;
    cfg.random = fill;
    sink += axws_init(&c, &cfg);
    sink += axws_parse_url(vbuf, &u, store, sizeof store);
    sink += axws_start(&c, &u, 0);
    p = axws_output(&c, &n);
    sink += p != NULL;
    axws_output_ack(&c, n);
    sink += (int)axws_feed(&c, vbuf, vlen, 1);
    axws_tick(&c, 2);
    sink += axws_timeout_ms(&c, 2);
    sink += axws_send_text(&c, vbuf, vlen);
    sink += axws_send_binary(&c, vbuf, vlen);
    sink += axws_send_fragment(&c, AXWS_OP_TEXT, vbuf, vlen, 1);
    sink += axws_ping(&c, vbuf, vlen);
    sink += axws_close(&c, 1000, vbuf, 3);
    axws_feed_eof(&c, 4);
    sink += (int)axws_conn_state(&c) + axws_error(&c) + axws_close_code(&c);
}
#endif

#ifdef EMB_USE_SOCKETS
static void use_sockets(void) {
    static axws_conn c;
    axws_config cfg;
    axws_addr a;
    struct pollfd fds[AXWS_MAX_POLLFDS];
    int n;
    memset(&cfg, 0, sizeof cfg);
    memset(&a, 0, sizeof a);
    cfg.rx_buf = rx; cfg.rx_size = sizeof rx;
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
    cfg.random = fill;
    a.family = 4;
    sink += axws_init(&c, &cfg);
    sink += axws_connect_addr(&c, vbuf, &a, 1, axws_now_ms());
    n = axws_pollfds(&c, fds, AXWS_MAX_POLLFDS);
    sink += axws_poll(fds, n, axws_timeout_ms(&c, axws_now_ms()));
    sink += axws_step(&c, fds, n, axws_now_ms());
}
#endif

#ifdef EMB_USE_JSON
static void use_json(void) {
    axws_json j;
    axws_json_token t;
    axws_json_init(&j, NULL, 0);
    sink += axws_json_feed(&j, vbuf, vlen);
    axws_json_end(&j);
    while (axws_json_next(&j, &t) > 0) sink++;
}
#endif

#ifdef EMB_USE_AXIOM_MSG
static void on_msg(void *user, const axws_axiom_msg *m) {
    (void)user;
    sink += (int)m->kind;
}
static void use_axiom_msg(void) {
    static axws_axiom_decoder d;
    static unsigned char buf[1024];
    axws_axiom_decoder_init(&d, buf, sizeof buf);
    sink += axws_axiom_decoder_chunk(&d, vbuf, vlen, 1, on_msg, NULL);
}
#endif

#ifdef EMB_USE_AXIOM_CLIENT
static void on_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    (void)a; (void)user;
    sink += (int)m->kind;
}
static void use_axiom_client(void) {
    static axws_axiom a;
    static unsigned char arx[1024], atx[2048], amsg[4096];
    axws_axiom_config cfg;
    struct pollfd fds[AXWS_AXIOM_MAX_POLLFDS];
    int n;
    memset(&cfg, 0, sizeof cfg);
    cfg.handler.on_message = on_message;
    cfg.url = vbuf;
    cfg.access_token = vbuf;
    cfg.rx_buf = arx; cfg.rx_size = sizeof arx;
    cfg.tx_buf = atx; cfg.tx_size = sizeof atx;
    cfg.msg_buf = amsg; cfg.msg_size = sizeof amsg;
    cfg.random = fill;
    sink += axws_axiom_init(&a, &cfg);
    sink += axws_axiom_subscribe_new_tokens(&a);
    sink += axws_axiom_connect(&a, axws_now_ms());
    n = axws_axiom_pollfds(&a, fds, AXWS_AXIOM_MAX_POLLFDS);
    sink += axws_poll(fds, n, axws_axiom_timeout_ms(&a, axws_now_ms()));
    sink += axws_axiom_step(&a, fds, n, axws_now_ms());
}
#endif

int main(void) {
    (void)vbuf; /* a program with no entry points at all: budget.py's helper image */
#ifdef EMB_USE_CORE
    use_core();
#endif
#ifdef EMB_USE_SOCKETS
    use_sockets();
#endif
#ifdef EMB_USE_JSON
    use_json();
#endif
#ifdef EMB_USE_AXIOM_MSG
    use_axiom_msg();
#endif
#ifdef EMB_USE_AXIOM_CLIENT
    use_axiom_client();
#endif
    return sink;
}
