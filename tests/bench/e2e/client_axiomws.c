/* tests/bench/e2e/client_axiomws.c - the axiomws client of the end-to-end benchmark: a plain
   axws_conn with the socket driver (axws_connect / axws_pollfds / axws_step), as a program
   would use it.

   count mode: whole-message mode (msg_buf), one AXWS_EV_MESSAGE per message, its length
   checked. parse mode: streaming mode (no msg_buf), every AXWS_EV_CHUNK handed to the typed
   Axiom decoder as the README's "The Axiom client" recommends (a message that arrives in one
   chunk is decoded in place); each message must decode as the expected kind, and one field
   of it is read into the checksum (sol_price: the price; new_pairs: the token name's
   length). wss:// through BearSSL with the full-duplex record buffer and a 64 KiB staging
   buffer, verified against CAFILE for "localhost".
   Usage and output: see e2e_client.h. Run by bench_e2e; by hand:
       build/bench/e2e/client_axiomws ws://127.0.0.1:PORT/sol_price/300 sol_price count 36 300 0 ca.pem */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "e2e_client.h"

static unsigned char rx_buf[1 << 16], tx_buf[1 << 14], msg_buf[1 << 16];
static unsigned char tls_buf[AXWS_TLS_BUF_FULL];
static unsigned char anchor_buf[1 << 14];
static unsigned char decoder_buf[1 << 16]; /* a message that arrives in pieces is gathered here */
static axws_axiom_decoder decoder;          /* about 15 KB: static, off the stack */
static axws_conn conn;
static e2e_args args;
static e2e_result result;

static void on_decoded(void *user, const axws_axiom_msg *m) {
    (void)user;
    if (args.kind == E2E_KIND_SOL_PRICE && m->kind == AXWS_AXIOM_KIND_SOL_PRICE &&
        (m->u.sol_price.price.flags & AXWS_AXIOM_PRESENT)) {
        result.messages++;
        result.checksum += m->u.sol_price.price.value;
    } else if (args.kind == E2E_KIND_NEW_PAIRS && m->kind == AXWS_AXIOM_KIND_NEW_PAIR &&
               (m->u.new_pair.token_name.flags & AXWS_AXIOM_PRESENT)) {
        result.messages++;
        result.checksum += (double)m->u.new_pair.token_name.len;
    } else {
        result.bad++;
    }
}

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    (void)c;
    (void)user;
    switch (ev->type) {
    case AXWS_EV_OPEN:
        e2e_mark_open(&result);
        break;
    case AXWS_EV_MESSAGE: /* count mode */
        if (ev->opcode == AXWS_OP_TEXT && ev->len == args.len) result.messages++;
        else result.bad++;
        result.bytes += ev->len;
        break;
    case AXWS_EV_CHUNK: /* parse mode */
        result.bytes += ev->len;
        if (ev->opcode != AXWS_OP_TEXT) result.bad++;
        else axws_axiom_decoder_chunk(&decoder, ev->data, ev->len, ev->fin, on_decoded, NULL);
        break;
    case AXWS_EV_CLOSE:
        result.closed_cleanly = ev->error == 0 && ev->close_code == AXWS_CLOSE_NORMAL;
        break;
    default:
        break;
    }
}

int main(int argc, char **argv) {
    axws_config cfg;
    axws_tls_anchors anchors;
    int r;
    if (e2e_parse_args(&args, argc, argv, "client_axiomws")) return 2;
    axws_config_init(&cfg);
    cfg.rx_buf = rx_buf;
    cfg.rx_size = sizeof rx_buf;
    cfg.tx_buf = tx_buf;
    cfg.tx_size = sizeof tx_buf;
    if (args.mode == E2E_MODE_COUNT) {
        cfg.msg_buf = msg_buf;
        cfg.msg_size = sizeof msg_buf;
    } else {
        axws_axiom_decoder_init(&decoder, decoder_buf, sizeof decoder_buf);
    }
    if (strncmp(args.url, "wss:", 4) == 0) {
        if (axws_tls_anchors_file(&anchors, anchor_buf, sizeof anchor_buf, args.ca_file) <= 0) {
            fprintf(stderr, "client_axiomws: no trust anchor in %s\n", args.ca_file);
            return 1;
        }
        cfg.tls_buf = tls_buf;
        cfg.tls_size = sizeof tls_buf;
        cfg.trust_anchors = anchors.anchors;
        cfg.trust_anchor_count = anchors.count;
        cfg.servername = "localhost"; /* the certificate's name; the URL's host is an IP */
    }
    cfg.on_event = on_event;
    if (getenv("E2E_READ_BATCH")) { /* bulk reading (cfg.read_batch), see bench_e2e.c */
        cfg.read_batch = (size_t)strtoul(getenv("E2E_READ_BATCH"), NULL, 10);
        cfg.read_batch_ms = 2;
    }
    if ((r = axws_init(&conn, &cfg)) != 0 || (r = axws_connect(&conn, args.url, axws_now_ms())) != 0) {
        fprintf(stderr, "client_axiomws: %s\n", axws_strerror(r));
        return 1;
    }
    while (axws_conn_state(&conn) != AXWS_STATE_CLOSED) {
        struct pollfd p[1];
        int n = axws_pollfds(&conn, p, 1);
        poll(p, (nfds_t)n, axws_timeout_ms(&conn, axws_now_ms()));
        axws_step(&conn, p, n, axws_now_ms());
        if (e2e_time_is_up(&args, &result)) break; /* the server streams on; exit drops it */
    }
    e2e_mark_end(&result);
    if (args.count && axws_error(&conn)) {
        char why[AXWS_DESCRIBE_MAX];
        axws_describe(&conn, why, sizeof why);
        fprintf(stderr, "client_axiomws: %s\n", why);
        return 1;
    }
    return e2e_print_result(&args, &result, "client_axiomws");
}
