/* examples/echo.c - a WebSocket echo client: sends back every message it receives, or with
   --stdin sends its standard input and prints what comes back.

   echo [-v] [--timeout SECONDS] [--stdin] [--ca FILE] [--servername NAME] [--insecure]
        [--proxy URL] URL

   Connects to URL (ws:// or wss://), sends back every text or binary message unchanged and
   with the same type, and exits 0 when the connection ends with a close handshake (any
   valid code, or none). Anything else -- a protocol failure, an abnormal closure, a
   timeout -- exits non-zero with the error on stderr (3 for --timeout, 2 for bad
   arguments). Nothing is printed on stdout unless -v is given, then one line per event.
   Messages up to 16 MiB are echoed. Standard input is not read. This is the client the
   RFC 6455 conformance suite drives (tests/test_conformance.py): the server speaks first.

   --stdin turns it around, for talking to an echo server (or any server that answers)
   from a shell: each line of standard input goes out as a text message (without its
   newline; a line that is not UTF-8 as a binary one, since a text message must be UTF-8,
   RFC 6455 5.6), and each message that comes back is printed on stdout, one per line,
   instead of being answered. When standard input has ended and as many messages have come
   back as lines went out, it closes with 1000. Standard input is polled with the
   connection's socket (axws_pollfds() plus fd 0), so a slow or silent stdin never holds up
   pings, closes or timeouts; a line waits while the output queue is full (flow control
   again). Lines up to 1 MiB. Not in the lwIP build (examples/lwip_echo.c): lwip_poll()
   cannot wait for a host file descriptor.

   wss:// options: --ca FILE reads the trust anchors from a PEM file (default: the system
   bundle /etc/ssl/certs/ca-certificates.crt); --servername NAME verifies the certificate
   for NAME (and sends it as SNI) instead of the URL's host -- required when the URL's host
   is an IP address; --insecure accepts any certificate and says so loudly on stderr. The
   Host header always carries the URL's host.

   --proxy URL connects through a proxy (http://[user:password@]host[:port], socks5://...,
   socks5h://...; "" for none); without it the environment decides as it does for curl
   (http_proxy for ws://, https_proxy for wss://, all_proxy, no_proxy), through
   axws_proxy_from_env().

   Shows: the step loop with axws_poll(), whole-message mode, flow control (a message whose echo
   does not fit the output queue yet pauses input until it does), the error getters, a
   descriptor of the program's own (stdin) polled beside the library's.
   Build: make build/echo   (or: cc -std=c99 -I. examples/echo.c -o echo -lbearssl) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef AXWS_PORT_LWIP
#include <unistd.h> /* read() for --stdin */
#endif

#define ECHO_MAX_MESSAGE (16u << 20)
#define ECHO_MAX_LINE (1u << 20) /* --stdin: the longest line */
#define ECHO_DEFAULT_CA "/etc/ssl/certs/ca-certificates.crt"

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

/* --stdin: lines read and not yet sent (a line waits there while tx_buf is full), whether
   stdin has ended, and the counts that say when every line has had its answer */
static int use_stdin, input_failed;
static long lines_sent, answers;
#ifndef AXWS_PORT_LWIP
static char line_buf[ECHO_MAX_LINE + 1]; /* + 1: the newline of the longest line */
static size_t line_have;
static int stdin_eof, close_sent;
#endif
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
        if (use_stdin) { /* an answer: printed, not answered (two echoers would never stop) */
            if (ev->len) fwrite(ev->data, 1, ev->len, stdout); /* an empty one may have no data */
            putchar('\n');
            fflush(stdout);
            answers++;
        } else if (axws_send(c, ev->opcode, ev->data, ev->len) == AXWS_EWOULDBLOCK) {
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

/* why NULL (--help): the help on stdout, returns 0 (the exit status); otherwise why and
   the usage line on stderr, returns 2 (bad arguments). */
static int usage(const char *why) {
    static const char line[] = "usage: echo [-v] [--timeout SECONDS] [--stdin] [--ca FILE] [--servername NAME] "
                               "[--insecure] [--proxy URL] URL\n";
    if (why) {
        fprintf(stderr, "echo: %s\n%s(echo --help describes every option)\n", why, line);
        return 2;
    }
    printf("%s\n"
           "A WebSocket client for ws:// and wss:// URLs. By default it answers the server: every text or\n"
           "binary message that arrives is sent back unchanged, until the server closes. With --stdin it\n"
           "talks instead: each line of standard input goes out as a text message, each message that\n"
           "comes back is printed on stdout, and once every line has had its answer it closes (1000).\n"
           "\n"
           "options:\n"
           "  -v                  print one line per event on stdout: open, message, ping, pong, close\n"
           "                      (default: nothing on stdout)\n"
           "  --timeout SECONDS   give up after SECONDS: close with 1001 and exit 3 (default: no limit)\n"
           "  --stdin             send standard input line by line and print the answers, instead of\n"
           "                      answering the server; a line that is not UTF-8 goes as a binary message\n"
           "                      (default: off, stdin is not read)%s\n"
           "  --ca FILE           trust anchors for wss://, PEM certificates\n"
           "                      (default: " ECHO_DEFAULT_CA ")\n"
           "  --servername NAME   the name the server's certificate must carry, also sent as SNI; needed\n"
           "                      when the URL names an IP address (default: the URL's host)\n"
           "  --insecure          accept any certificate, and say so on stderr (default: off: verified)\n"
           "  --deflate           offer permessage-deflate (RFC 7692): the server may compress what it\n"
           "                      sends; the echo goes back uncompressed (default: off)\n"
           "  --proxy URL         connect through http://[user:password@]host[:port], socks5://... (the\n"
           "                      server's name resolved here) or socks5h://... (by the proxy); \"\" for none\n"
           "                      (default: as curl: ws_proxy/http_proxy for ws://, wss_proxy/https_proxy\n"
           "                      for wss://, else all_proxy; not for the hosts no_proxy names)\n"
           "  -h, --help          print this help and exit\n"
           "%s"
           "\n"
           "Exit status: 0 after a close handshake, 1 for an error (on stderr), 2 for bad arguments,\n"
           "3 after --timeout.\n"
           "\n"
           "example (tests/peers/py_echo.py is an echo server; it prints its port):\n"
           "  printf 'hello\\nworld\\n' | echo --stdin --timeout 10 ws://127.0.0.1:PORT/\n",
           line,
#ifdef AXWS_PORT_LWIP
           " -- not in this lwIP build",
#else
           "",
#endif
#ifdef AXWS_NO_TLS
           "This build has no TLS (AXWS_NO_TLS): ws:// only; --ca, --servername and --insecure are refused.\n"
#else
           ""
#endif
    );
    return 0;
}

/* axws_describe() tells the whole story: phase, host, address, HTTP status, TLS cause,
   errno, the timeout or buffer concerned. Only the command-line hint is ours. */
static void report_error(const axws_conn *c) {
    char text[AXWS_DESCRIBE_MAX];
    axws_describe(c, text, sizeof text);
    fprintf(stderr, "echo: %s", text);
#ifndef AXWS_NO_TLS
    if (axws_tls_error(c) == AXWS_TLS_ERR_IP_HOST) fprintf(stderr, " -- give the name to verify with --servername NAME");
#endif
    fprintf(stderr, "\n");
}

#ifndef AXWS_NO_TLS
/* The trust anchors for wss:// from file (named by --ca when what is "--ca"). 0, or 1 (the
   exit status) after "echo: what file: why" on stderr. The file is opened here first:
   axws_tls_anchors_file() reports one it cannot open or read as AXWS_EIO ("socket error")
   without the path's errno, and one without a certificate as AXWS_EINVAL ("invalid
   argument"); a directory opens and fails only when read, hence the one byte. */
static int load_anchors(axws_config *cfg, const char *what, const char *file) {
    static axws_tls_anchors ta; /* cfg points into it for the program's life */
    FILE *f;
    int r, err = 0;
    errno = 0;
    if (!(f = fopen(file, "rb"))) {
        err = errno ? errno : EIO;
    } else {
        if (getc(f) == EOF && ferror(f)) err = errno ? errno : EIO;
        fclose(f);
    }
    if (err) {
        fprintf(stderr, "echo: %s %s: %s\n", what, file, strerror(err));
        return 1;
    }
    r = axws_tls_anchors_file(&ta, anchor_buf, sizeof anchor_buf, file);
    if (r < 0) {
        fprintf(stderr, "echo: %s %s: ", what, file);
        if (r == AXWS_EINVAL && ta.count == 0) /* nothing decoded: not PEM certificates at all */
            fprintf(stderr, "no certificate found%s\n", ta.skipped ? " (only PEM objects that are not certificates, "
                                                                    "or keys BearSSL cannot use)" : "");
        else if (r == AXWS_EINVAL)
            fprintf(stderr, "a malformed certificate after the first %zu\n", ta.count);
        else if (r == AXWS_ENOBUFS)
            fprintf(stderr, "more certificates than %zu bytes hold (%zu needed)\n", sizeof anchor_buf, ta.needed);
        else
            fprintf(stderr, "%s\n", r == AXWS_EIO ? "read error" : axws_strerror(r));
        return 1;
    }
    cfg->trust_anchors = ta.anchors;
    cfg->trust_anchor_count = ta.count;
    return 0;
}
#endif

#ifndef AXWS_PORT_LWIP
/* 1 when s[0..n) is UTF-8 (RFC 3629: shortest forms, no surrogates, nothing past
   U+10FFFF), which a text message must be (RFC 6455 5.6; a server fails the connection
   with 1007 otherwise). */
static int is_utf8(const unsigned char *s, size_t n) {
    size_t i = 0, k, need;
    while (i < n) {
        unsigned long cp, min;
        unsigned char b = s[i];
        if (b < 0x80) { i++; continue; }
        if (b >= 0xC2 && b <= 0xDF) { need = 1; cp = b & 0x1Fu; min = 0x80; }
        else if ((b & 0xF0) == 0xE0) { need = 2; cp = b & 0x0Fu; min = 0x800; }
        else if (b >= 0xF0 && b <= 0xF4) { need = 3; cp = b & 0x07u; min = 0x10000; }
        else return 0;
        if (n - i <= need) return 0;
        for (k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += need + 1;
    }
    return 1;
}

/* --stdin, after each step: take what fd 0 has (readable: poll said so, one read() cannot
   block), send every complete line (the last one too once stdin has ended), and close
   with 1000 when stdin has ended and every line has had its answer. A line that does not
   fit tx_buf now stays in line_buf, and stdin is not polled until it has gone. */
static void pump_stdin(axws_conn *c, int readable, int64_t now) {
    size_t start = 0;
    if (readable) {
        ssize_t got = read(0, line_buf + line_have, sizeof line_buf - line_have);
        if (got > 0) line_have += (size_t)got;
        else if (got == 0) stdin_eof = 1;
        else if (errno != EINTR && errno != EAGAIN) {
            fprintf(stderr, "echo: reading standard input: %s\n", strerror(errno));
            stdin_eof = input_failed = 1;
        }
    }
    while (axws_conn_state(c) == AXWS_STATE_OPEN && start < line_have) {
        char *nl = (char *)memchr(line_buf + start, '\n', line_have - start);
        size_t len = nl ? (size_t)(nl - (line_buf + start)) : line_have - start;
        const unsigned char *line = (const unsigned char *)line_buf + start;
        if (!nl && !stdin_eof) {
            if (line_have - start < sizeof line_buf) break; /* the rest of it is still coming */
            fprintf(stderr, "echo: a line of standard input is longer than %u bytes\n", ECHO_MAX_LINE);
            stdin_eof = input_failed = 1;
            start = line_have;
            break;
        }
        if (axws_send(c, is_utf8(line, len) ? AXWS_OP_TEXT : AXWS_OP_BINARY, line, len) == AXWS_EWOULDBLOCK) break;
        lines_sent++;
        start += len + (nl != NULL);
    }
    memmove(line_buf, line_buf + start, line_have - start);
    line_have -= start;
    if (stdin_eof && !line_have && answers >= lines_sent && !close_sent && axws_conn_state(c) == AXWS_STATE_OPEN) {
        close_sent = 1;
        axws_close(c, AXWS_CLOSE_NORMAL, input_failed ? "input error" : "done", now);
    }
}
#endif

int main(int argc, char **argv) {
    const char *url = NULL;
    double timeout_s = 0;
    int i, timed_out = 0;
    axws_config cfg;
    axws_conn conn;
    int64_t deadline = 0;
    const char *ca = NULL, *servername = NULL, *proxy = NULL;
    int insecure = 0;
    int deflate = 0; /* --deflate */
    char why[128];

    for (i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) return usage(NULL);
        if (strcmp(o, "-v") == 0) verbose = 1;
        else if (strcmp(o, "--stdin") == 0) use_stdin = 1;
        else if (strcmp(o, "--insecure") == 0) insecure = 1;
        else if (strcmp(o, "--deflate") == 0) deflate = 1;
        else if (strcmp(o, "--ca") == 0 || strcmp(o, "--servername") == 0 || strcmp(o, "--timeout") == 0 ||
                 strcmp(o, "--proxy") == 0) {
            if (i + 1 == argc) {
                snprintf(why, sizeof why, "%s is missing its value", o);
                return usage(why);
            }
            if (o[2] == 'c') ca = argv[++i];
            else if (o[2] == 's') servername = argv[++i];
            else if (o[2] == 'p') proxy = argv[++i];
            else {
                char *end;
                timeout_s = strtod(argv[++i], &end);
                if (*end || end == argv[i] || !(timeout_s > 0)) return usage("--timeout wants a number of seconds above 0");
            }
        } else if (o[0] == '-') {
            snprintf(why, sizeof why, "unknown option %.60s", o);
            return usage(why);
        } else if (url) {
            snprintf(why, sizeof why, "one URL only (%.40s, then %.40s)", url, o);
            return usage(why);
        } else
            url = o;
    }
    if (!url) return usage("no URL given");
#ifdef AXWS_PORT_LWIP
    if (use_stdin) {
        fprintf(stderr, "echo: --stdin is not in the lwIP build: lwip_poll() cannot wait for standard input\n");
        return 1;
    }
#endif

    memset(&cfg, 0, sizeof cfg);
    cfg.rx_buf = rx_buf; cfg.rx_size = sizeof rx_buf;
    cfg.tx_buf = tx_buf; cfg.tx_size = sizeof tx_buf;
    cfg.msg_buf = msg_buf; cfg.msg_size = sizeof msg_buf;
    cfg.on_event = on_event;
#ifndef AXWS_NO_DEFLATE
    if (deflate) { /* offer permessage-deflate: what the server compresses is inflated here */
        static axws_inflate inflate_state;
        static unsigned char inflate_window[AXWS_INFLATE_WINDOW_SIZE(15)];
        axws_deflate_enable(&cfg.deflate, &inflate_state, inflate_window, 15);
    }
#else
    (void)deflate;
#endif
#ifndef AXWS_NO_PROXY
    {
        static char env_proxy[1024]; /* cfg.proxy is borrowed for the connection's life */
        if (!proxy && axws_proxy_from_env(url, env_proxy, sizeof env_proxy) == AXWS_ENOBUFS) {
            fprintf(stderr, "echo: the proxy named by the environment is longer than %zu bytes\n", sizeof env_proxy - 1);
            return 1;
        }
        cfg.proxy = proxy ? proxy : env_proxy; /* "" (none found, or --proxy ""): direct */
    }
#else
    if (proxy && *proxy) { fprintf(stderr, "echo: built without proxy support (AXWS_NO_PROXY)\n"); return 1; }
#endif
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
        if (load_anchors(&cfg, ca ? "--ca" : "trust anchors (the system bundle)", ca ? ca : ECHO_DEFAULT_CA)) return 1;
    }
#else
    if (ca || servername || insecure) { fprintf(stderr, "echo: built without TLS\n"); return 1; }
#endif
#ifdef ECHO_NETWORK_UP /* examples/lwip_echo.c: bring the network stack up before connecting */
    if (ECHO_NETWORK_UP(url) != 0) return 1;
#endif
    if (axws_init(&conn, &cfg) != AXWS_OK) { fprintf(stderr, "echo: bad configuration\n"); return 1; }
    if (axws_connect(&conn, url, axws_now_ms()) != AXWS_OK && axws_conn_state(&conn) == AXWS_STATE_CLOSED) {
        report_error(&conn);
        return 1;
    }
    if (timeout_s > 0) deadline = axws_now_ms() + (int64_t)(timeout_s * 1000);

    while (axws_conn_state(&conn) != AXWS_STATE_CLOSED) {
        struct pollfd pfd[AXWS_MAX_POLLFDS + 1]; /* + 1: stdin with --stdin */
        int64_t now = axws_now_ms();
        int n = axws_pollfds(&conn, pfd, AXWS_MAX_POLLFDS);
        int wait = axws_timeout_ms(&conn, now);
        int poll_stdin = 0;
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
#ifndef AXWS_PORT_LWIP
        /* stdin only while open, and only when nothing read is still waiting for room: a
           line that cannot go yet is back-pressure on stdin, not a growing buffer */
        if (use_stdin && !stdin_eof && axws_conn_state(&conn) == AXWS_STATE_OPEN &&
            !memchr(line_buf, '\n', line_have) && line_have < sizeof line_buf) {
            pfd[n].fd = 0;
            pfd[n].events = POLLIN;
            pfd[n].revents = 0;
            poll_stdin = 1;
        }
#endif
        axws_poll(pfd, n + poll_stdin, wait); /* poll(), or lwip_poll() on the lwIP port */
        axws_step(&conn, pfd, n, axws_now_ms()); /* the library's entries only */
#ifndef AXWS_PORT_LWIP
        /* POLLNVAL too (stdin closed, `<&-`): read() then reports it, where ignoring it would spin */
        if (use_stdin)
            pump_stdin(&conn, poll_stdin && (pfd[n].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)), axws_now_ms());
#endif
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
    if (use_stdin && answers < lines_sent)
        fprintf(stderr, "echo: the server closed with %ld of %ld lines unanswered\n", lines_sent - answers, lines_sent);
    return input_failed ? 1 : 0;
}
