/* fuzz/fuzz_tls.c - libFuzzer target: whatever a hostile server sends in answer to our
   ClientHello. The input is written into the far end of a socketpair that a wss://
   connection owns (axws_connect_fd), then the far end is shut; the connection is stepped
   until it is CLOSED. It must end with an error (no input can complete a handshake without
   the server's private key) and never crash, hang or leak. Inputs of odd length run with
   insecure_skip_verify, which exercises the certificate decoder instead of the verifier;
   inputs with bit 1 of the length set stage socket reads in rx_buf.
   Seeds in fuzz/corpus/fuzz_tls/ include real server flights captured from openssl
   s_server (public certificates only). */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An anchor that no input can chain to (a fixed P-256 point), so verification runs. */
static unsigned char ta_dn[] = {0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55,
                                0x04, 0x03, 0x0c, 0x04, 'f', 'u', 'z', 'z'};
static unsigned char ta_q[65] = {0x04};
static br_x509_trust_anchor ta;

static unsigned char tls_buf[AXWS_TLS_BUF_MIN];
static unsigned char tx_buf[4096];
static unsigned char rx_buf[8192]; /* staging for TLS reads, on for half the inputs */
static axws_conn conn;

static int64_t fixed_time(void *user) {
    (void)user;
    return 1767225600; /* 2026-01-01: deterministic validity checks */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    axws_config cfg;
    int sv[2], i;
    size_t off = 0;
    int shut = 0;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 0;
    fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) | O_NONBLOCK);
    ta.dn.data = ta_dn;
    ta.dn.len = sizeof ta_dn;
    ta.flags = BR_X509_TA_CA;
    ta.pkey.key_type = BR_KEYTYPE_EC;
    ta.pkey.key.ec.curve = BR_EC_secp256r1;
    ta.pkey.key.ec.q = ta_q;
    ta.pkey.key.ec.qlen = sizeof ta_q;
    memset(&cfg, 0, sizeof cfg);
    cfg.tls_buf = tls_buf;
    cfg.tls_size = sizeof tls_buf;
    cfg.tx_buf = tx_buf;
    cfg.tx_size = sizeof tx_buf;
    cfg.trust_anchors = &ta;
    cfg.trust_anchor_count = 1;
    cfg.tls_time = fixed_time;
    cfg.insecure_skip_verify = (int)(size & 1);
    if (size & 2) {
        cfg.rx_buf = rx_buf;
        cfg.rx_size = sizeof rx_buf;
    }
    if (axws_init(&conn, &cfg) != 0) abort();
    if (axws_connect_fd(&conn, "wss://fuzz.example/", sv[0], 0) != 0) abort();
    for (i = 0; axws_conn_state(&conn) != AXWS_STATE_CLOSED; i++) {
        struct pollfd p[1];
        int n;
        if (i == 100000) abort(); /* a hang */
        while (off < size) { /* feed as much as the socket takes */
            ssize_t w = write(sv[1], data + off, size - off);
            if (w <= 0) break;
            off += (size_t)w;
        }
        if (off == size && !shut) {
            shutdown(sv[1], SHUT_WR);
            shut = 1;
        }
        n = axws_pollfds(&conn, p, 1);
        /* the far end never reads, so POLLOUT must not be waited for forever */
        poll(p, (nfds_t)n, 0);
        axws_step(&conn, p, n, i);
    }
    if (axws_error(&conn) == 0) abort(); /* a handshake cannot succeed */
    close(sv[1]);
    return 0;
}
