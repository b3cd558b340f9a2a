/* examples/echo.c - a WebSocket echo client: sends back every message it receives.

   echo [-v] [--timeout SECONDS] [--ca FILE] [--servername NAME] [--insecure] URL

   Connects to URL (ws:// or wss://), sends back every text or binary message unchanged and
   with the same type, and exits 0 when the connection ends with a close handshake (any
   valid code, or none). Anything else -- a protocol failure, an abnormal closure, a
   timeout -- exits non-zero with the error on stderr. Nothing is printed on stdout unless
   -v is given, then one line per event. Messages up to 16 MiB are echoed.

   wss:// options: --ca FILE reads the trust anchors from a PEM file (default: the system
   bundle /etc/ssl/certs/ca-certificates.crt); --servername NAME verifies the certificate
   for NAME (and sends it as SNI) instead of the URL's host -- required when the URL's host
   is an IP address; --insecure accepts any certificate and says so loudly on stderr. The
   Host header always carries the URL's host.

   Shows: the step loop with axws_poll(), whole-message mode, flow control (a message whose echo
   does not fit the output queue yet pauses input until it does), the error getters.
   Build: make build/echo   (or: cc -std=c99 -I. examples/echo.c -o echo -lbearssl) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ECHO_MAX_MESSAGE (16u << 20)

static unsigned char rx_buf[1 << 16];
static unsigned char msg_buf[ECHO_MAX_MESSAGE];
/* room for two full-size echoes: a peer that writes a burst before it reads anything gets
   its echoes queued instead of a stalled exchange */
static unsigned char tx_buf[2 * ECHO_MAX_MESSAGE + 64];

static int verbose;
/* a message whose echo did not fit tx_buf yet: it stays in msg_buf while input is paused */
static int pending_opcode;
static const void *pending_data;
static size_t pending_len;
#ifndef AXWS_NO_TLS
static unsigned char anchor_buf[1 << 18]; /* room for a system bundle of ~140 CAs (~71 KB) */
#endif

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    (void)user;
    switch (ev->type) {
    case AXWS_EV_OPEN:
        if (verbose) printf("open\n");
        break;
    case AXWS_EV_MESSAGE:
        if (verbose) printf("message %s %zu\n", ev->opcode == AXWS_OP_TEXT ? "text" : "binary", ev->len);
        if (axws_send(c, ev->opcode, ev->data, ev->len) == AXWS_EWOULDBLOCK) {
            pending_opcode = ev->opcode;
            pending_data = ev->data;
            pending_len = ev->len;
            axws_pause_input(c, 1);
        }
        break;
    case AXWS_EV_PING:
        if (verbose) printf("ping %zu\n", ev->len);
        break;
    case AXWS_EV_PONG:
        if (verbose) printf("pong %zu\n", ev->len);
        break;
    case AXWS_EV_CLOSE:
        if (verbose) printf("close %d %.*s\n", ev->close_code, (int)ev->len, (const char *)ev->data);
        break;
    default:
        break;
    }
    if (verbose) fflush(stdout);
}

static int usage(void) {
    fprintf(stderr, "usage: echo [-v] [--timeout SECONDS] [--ca FILE] [--servername NAME] [--insecure] URL\n");
    return 2;
}

static void report_error(const axws_conn *c) {
    int err = axws_error(c);
    size_t n = 0;
    const char *text;
    fprintf(stderr, "echo: %s", axws_strerror(err));
    if (err == AXWS_EHTTP) {
        text = axws_http_reason(c, &n);
        fprintf(stderr, ": HTTP %d %.*s", axws_http_status(c), (int)n, text ? text : "");
        text = axws_location(c, &n);
        if (text) fprintf(stderr, " (Location: %.*s)", (int)n, text);
    }
#ifndef AXWS_NO_TLS
    if (axws_tls_error(c)) fprintf(stderr, ": %s (TLS error %d)", axws_tls_strerror(axws_tls_error(c)), axws_tls_error(c));
    if (axws_tls_error(c) == AXWS_TLS_ERR_IP_HOST) fprintf(stderr, " -- give the name to verify with --servername NAME");
#endif
    if (axws_sys_errno(c)) fprintf(stderr, " (%s)", strerror(axws_sys_errno(c)));
    if (axws_sent_close_code(c)) fprintf(stderr, " [sent close %d]", axws_sent_close_code(c));
    fprintf(stderr, "\n");
}

int main(int argc, char **argv) {
    const char *url = NULL;
    double timeout_s = 0;
    int i, timed_out = 0;
    axws_config cfg;
    axws_conn conn;
    int64_t deadline = 0;
    const char *ca = NULL, *servername = NULL;
    int insecure = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) verbose = 1;
        else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc) ca = argv[++i];
        else if (strcmp(argv[i], "--servername") == 0 && i + 1 < argc) servername = argv[++i];
        else if (strcmp(argv[i], "--insecure") == 0) insecure = 1;
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            char *end;
            timeout_s = strtod(argv[++i], &end);
            if (*end || timeout_s <= 0) return usage();
        } else if (argv[i][0] == '-' || url) return usage();
        else url = argv[i];
    }
    if (!url) return usage();

    memset(&cfg, 0, sizeof cfg);
    cfg.rx_buf = rx_buf; cfg.rx_size = sizeof rx_buf;
    cfg.tx_buf = tx_buf; cfg.tx_size = sizeof tx_buf;
    cfg.msg_buf = msg_buf; cfg.msg_size = sizeof msg_buf;
    cfg.on_event = on_event;
#ifndef AXWS_NO_TLS
    /* wss:// records go through rx_buf (64 KiB >= AXWS_TLS_BUF_FULL: full-duplex) */
    cfg.servername = servername;
    if (insecure) {
        fprintf(stderr, "echo: WARNING: --insecure: the server's certificate is NOT verified; anyone on "
                        "the path can read and change this connection\n");
        cfg.insecure_skip_verify = 1;
    } else if (ca || strncmp(url, "wss://", 6) == 0) {
        char store[512];
        axws_url u;
        if (!servername && axws_parse_url(url, &u, store, sizeof store) == AXWS_OK && u.secure && u.host_is_ip) {
            fprintf(stderr, "echo: %s names an IP address; certificates are checked by DNS name: "
                            "give the name to verify with --servername NAME\n", url);
            return 1;
        }
        axws_tls_anchors ta;
        const char *file = ca ? ca : "/etc/ssl/certs/ca-certificates.crt";
        int r = axws_tls_anchors_file(&ta, anchor_buf, sizeof anchor_buf, file);
        if (r < 0) {
            fprintf(stderr, "echo: trust anchors from %s: %s", file, axws_strerror(r));
            if (r == AXWS_ENOBUFS) fprintf(stderr, " (%zu bytes needed)", ta.needed);
            fprintf(stderr, "\n");
            return 1;
        }
        cfg.trust_anchors = ta.anchors;
        cfg.trust_anchor_count = ta.count;
    }
#else
    if (ca || servername || insecure) { fprintf(stderr, "echo: built without TLS\n"); return 1; }
#endif
#ifdef ECHO_NETWORK_UP /* examples/lwip_echo.c: bring the network stack up before connecting */
    if (ECHO_NETWORK_UP(url) != 0) return 1;
#endif
    if (axws_init(&conn, &cfg) != AXWS_OK) { fprintf(stderr, "echo: bad configuration\n"); return 1; }
    if (axws_connect(&conn, url, axws_now_ms()) != AXWS_OK && axws_get_state(&conn) == AXWS_STATE_CLOSED) {
        report_error(&conn);
        return 1;
    }
    if (timeout_s > 0) deadline = axws_now_ms() + (int64_t)(timeout_s * 1000);

    while (axws_get_state(&conn) != AXWS_STATE_CLOSED) {
        struct pollfd pfd[AXWS_MAX_POLLFDS];
        int64_t now = axws_now_ms();
        int n = axws_pollfds(&conn, pfd, AXWS_MAX_POLLFDS);
        int wait = axws_timeout_ms(&conn, now);
        if (deadline && !timed_out) {
            int64_t left = deadline - now;
            if (left <= 0) {
                timed_out = 1;
                fprintf(stderr, "echo: timed out after %g s\n", timeout_s);
                axws_close(&conn, AXWS_CLOSE_GOING_AWAY, "timeout", now);
                continue;
            }
            if (wait < 0 || left < wait) wait = (int)left;
        }
        axws_poll(pfd, n, wait); /* poll(), or lwip_poll() on the lwIP port */
        axws_step(&conn, pfd, n, axws_now_ms());
        if (pending_data && axws_send(&conn, pending_opcode, pending_data, pending_len) != AXWS_EWOULDBLOCK) {
            pending_data = NULL;
            axws_pause_input(&conn, 0);
        }
    }
    if (timed_out) return 3;
    if (axws_error(&conn)) {
        report_error(&conn);
        return 1;
    }
    return 0;
}
