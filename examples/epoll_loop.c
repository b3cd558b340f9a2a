/* examples/epoll_loop.c - one WebSocket connection driven by a Linux epoll loop.

   epoll_loop [--timeout MS] [--ca FILE] [--addr IP]... [--edge] URL  < lines

   Sends each line of stdin as a text message and prints every message received, one per
   line. At the end of stdin, once every message sent has had one back (as from an echo
   server), it closes with 1000 and exits 0 after the close handshake; a failure exits 1
   with the library's error text on stderr.
     --timeout MS  the connect, handshake and close timeouts (default: the library's)
     --ca FILE     trust anchors (PEM) for wss:// (default: the system bundle); the
                   certificate is checked against the URL's host name
     --addr IP     connect to IP instead of resolving the URL's host (axws_connect_addr:
                   nothing blocks); repeat it for more addresses, tried in order
     --edge        edge-triggered (EPOLLET): the library's socket is reported once per
                   change; a step that stopped reading early says so with a timeout of 0
   AXWS_EXAMPLE_TRACE=1 prints every registration of the library's socket on stderr.

   Shows: the rules for a loop that keeps descriptors registered between steps (epoll,
   kqueue): register the socket afresh (EPOLL_CTL_ADD) whenever axws_socket_generation()
   changes, even under the same number -- the library closed the old socket, and epoll
   forgot it then -- and EPOLL_CTL_MOD when only the events change; level-triggered
   readiness passed to axws_step() as revents; axws_timeout_ms() as epoll_wait's timeout,
   with a step whose revents are 0 as the timer tick.
   Build: make build/epoll_loop   (Linux only) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "axiom_example.h" /* ex_trace_socket() only: the trace of AXWS_EXAMPLE_TRACE=1 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned char rx_buf[1 << 16], tx_buf[1 << 16], msg_buf[1 << 16];
#ifndef AXWS_NO_TLS
static unsigned char anchor_buf[1 << 18];
#endif

static int ep;                 /* the epoll instance */
static long sent, received;    /* messages; the close waits until they match */

/* What epoll holds for the library's socket: which socket (number and generation) with
   which events; reg.fd is -1 while nothing is registered. */
static struct { int fd; unsigned gen; uint32_t events; } reg = {-1, 0, 0};
/* The pollfd handed to axws_step: the library's socket and what epoll reported for it. */
static struct pollfd sock;
static int nsock;

/* stdin: bytes read but not sent yet (lines), the end, whether epoll watches it, and
   whether it is a file epoll cannot watch (a regular file, /dev/null: always ready) */
static char in[4096];
static size_t in_len;
static int in_eof, in_watched, in_file;

static void die(const char *what) {
    fprintf(stderr, "epoll_loop: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    (void)c; (void)user;
    if (ev->type == AXWS_EV_MESSAGE) {
        received++;
        if (ev->opcode == AXWS_OP_TEXT) printf("%.*s\n", (int)ev->len, (const char *)ev->data);
        else printf("[binary, %zu bytes]\n", ev->len);
        fflush(stdout);
    } else if (ev->type == AXWS_EV_CLOSE && !ev->error) {
        fprintf(stderr, "epoll_loop: closed, code %d\n", ev->close_code);
    }
}

/* Bring epoll in line with what the library wants after a step. */
static int edge; /* --edge: EPOLLET */

static void sync_socket(const axws_conn *c) {
    unsigned gen = axws_socket_generation(c);
    struct epoll_event ev;
    nsock = axws_pollfds(c, &sock, 1);
    if (nsock == 0) { /* no socket: the library closed it, and epoll dropped it then */
        reg.fd = -1;
        return;
    }
    memset(&ev, 0, sizeof ev);
    ev.events = (sock.events & POLLIN ? EPOLLIN : 0u) | (sock.events & POLLOUT ? EPOLLOUT : 0u) |
                (edge ? (unsigned)EPOLLET : 0u);
    ev.data.ptr = (void *)c; /* the connection: with several, this says whose socket it is */
    if (sock.fd != reg.fd || gen != reg.gen) {
        /* A new socket, perhaps under the old number. The library closed the old one,
           which removed it from epoll: nothing to delete (and EPOLL_CTL_DEL on a closed
           number could hit whatever file has that number by now). */
        if (epoll_ctl(ep, EPOLL_CTL_ADD, sock.fd, &ev) != 0) die("epoll_ctl ADD");
        ex_trace_socket("epoll_loop", sock.fd, gen);
    } else if (ev.events != reg.events) {
        if (epoll_ctl(ep, EPOLL_CTL_MOD, sock.fd, &ev) != 0) die("epoll_ctl MOD");
    }
    reg.fd = sock.fd;
    reg.gen = gen;
    reg.events = ev.events;
}

/* Send the complete lines of `in` (a full buffer counts as one line). A line that does not
   fit the output queue now stays for after the next step. */
static void send_lines(axws_conn *c) {
    size_t start = 0;
    for (;;) {
        char *nl = memchr(in + start, '\n', in_len - start);
        size_t len = nl ? (size_t)(nl - (in + start)) : in_len - start;
        if (!nl && !(in_eof && len) && !(start == 0 && in_len == sizeof in)) break;
        if (axws_send_text(c, in + start, len) != AXWS_OK) break; /* EWOULDBLOCK: later */
        sent++;
        start += nl ? len + 1 : len;
    }
    memmove(in, in + start, in_len - start);
    in_len -= start;
}

static void read_stdin(void) {
    ssize_t k = read(STDIN_FILENO, in + in_len, sizeof in - in_len);
    if (k > 0) in_len += (size_t)k;
    else if (k == 0 || errno != EINTR) in_eof = 1; /* the end, or unreadable */
}

/* Watch stdin only while its input could be used: the connection is open and no line
   waits for room in the output queue (level-triggered epoll would report it ready on every
   wait). Returns 1 while stdin is wanted. */
static int sync_stdin(const axws_conn *c) {
    int want = axws_conn_state(c) == AXWS_STATE_OPEN && !in_eof && !memchr(in, '\n', in_len) &&
               in_len < sizeof in;
    struct epoll_event ev;
    if (want == in_watched || in_file) return want;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = NULL; /* stdin */
    if (epoll_ctl(ep, want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, STDIN_FILENO, &ev) != 0) {
        if (errno != EPERM) die("epoll_ctl stdin");
        in_file = 1; /* epoll refuses files that are always ready: read them in the loop */
    }
    in_watched = want;
    return want;
}

/* the whole story in one line: phase, host, address, status, TLS cause, errno */
static void report_error(const axws_conn *c) {
    char text[AXWS_DESCRIBE_MAX];
    axws_describe(c, text, sizeof text);
    fprintf(stderr, "epoll_loop: %s\n", text);
}

static const char help_text[] =
        "usage: epoll_loop [--timeout MS] [--ca FILE] [--addr IP]... [--edge] URL < lines\n"
        "\n"
        "One WebSocket connection driven by a Linux epoll loop: each line of standard input goes out\n"
        "as a text message, each message received is printed on stdout; at the end of stdin, once\n"
        "every line has had its answer, it closes with 1000.\n"
        "\n"
        "options:\n"
        "  --timeout MS   the connect, handshake and close timeouts in milliseconds\n"
        "                 (default: the library's, 10000 / 10000 / 2000)\n"
        "  --ca FILE      trust anchors for wss://, PEM certificates; the certificate is checked\n"
        "                 against the URL's host name (default: /etc/ssl/certs/ca-certificates.crt)\n"
        "  --addr IP      connect to IP instead of resolving the URL's host (axws_connect_addr:\n"
        "                 nothing blocks); repeat it for more addresses, tried in order\n"
        "                 (default: the URL's host, resolved)\n"
        "  --edge         edge-triggered (EPOLLET) instead of level-triggered (default: level)\n"
        "  -h, --help     print this help and exit\n"
        "\n"
        "AXWS_EXAMPLE_TRACE=1 prints every registration of the library's socket on stderr.\n"
        "Exit status: 0 after the close handshake, 1 for an error (on stderr), 2 for bad arguments.\n"
        "\n"
        "example (tests/peers/py_echo.py is an echo server; it prints its port):\n"
        "  printf 'hello\\nworld\\n' | epoll_loop ws://127.0.0.1:PORT/\n";

static int usage(const char *why) {
    fprintf(stderr, "%s: %s\n", "epoll_loop", why);
    fprintf(stderr, "usage: epoll_loop [--timeout MS] [--ca FILE] [--addr IP]... [--edge] URL < lines\n(epoll_loop --help for more)\n");
    return 2;
}

int main(int argc, char **argv) {
    const char *url = NULL, *ca = NULL;
    axws_addr addrs[AXWS_MAX_ADDRS];
    int naddrs = 0, timeout_ms = 0, i, r;
    axws_config cfg;
    static axws_conn conn;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_text, stdout);
            return 0;
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout_ms = atoi(argv[++i]);
            if (timeout_ms <= 0) return usage("--timeout needs a number of milliseconds above 0");
        } else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc) {
            ca = argv[++i];
        } else if (strcmp(argv[i], "--edge") == 0) {
            edge = 1;
        } else if (strcmp(argv[i], "--addr") == 0 && i + 1 < argc && naddrs < AXWS_MAX_ADDRS) {
            axws_addr *a = &addrs[naddrs++];
            memset(a, 0, sizeof *a);
            if (inet_pton(AF_INET, argv[++i], a->ip) == 1) a->family = 4;
            else if (inet_pton(AF_INET6, argv[i], a->ip) == 1) a->family = 6;
            else return usage("--addr needs an IPv4 or IPv6 address");
        } else if (argv[i][0] == '-' || url) {
            static char why[300];
            snprintf(why, sizeof why, "%s: %s", argv[i][0] == '-' ? "unknown option, or its value is missing" : "one URL only", argv[i]);
            return usage(why);
        } else {
            url = argv[i];
        }
    }
    if (!url) return usage("no URL given");

    memset(&cfg, 0, sizeof cfg);
    cfg.rx_buf = rx_buf; cfg.rx_size = sizeof rx_buf;
    cfg.tx_buf = tx_buf; cfg.tx_size = sizeof tx_buf;
    cfg.msg_buf = msg_buf; cfg.msg_size = sizeof msg_buf;
    cfg.on_event = on_event;
    cfg.connect_timeout_ms = cfg.handshake_timeout_ms = cfg.close_timeout_ms = timeout_ms;
#ifndef AXWS_NO_TLS
    if (strncmp(url, "wss://", 6) == 0) {
        axws_tls_anchors ta;
        const char *file = ca ? ca : "/etc/ssl/certs/ca-certificates.crt";
        r = axws_tls_anchors_file(&ta, anchor_buf, sizeof anchor_buf, file);
        if (r < 0) {
            fprintf(stderr, "epoll_loop: trust anchors from %s: %s\n", file, axws_strerror(r));
            return 1;
        }
        cfg.trust_anchors = ta.anchors;
        cfg.trust_anchor_count = ta.count;
        cfg.trust_anchor_source = file; /* named when verification fails */
    }
#endif
    (void)ca;
    if (axws_init(&conn, &cfg) != AXWS_OK) { fprintf(stderr, "epoll_loop: bad configuration\n"); return 1; }
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");

    r = naddrs ? axws_connect_addr(&conn, url, addrs, naddrs, axws_now_ms())
               : axws_connect(&conn, url, axws_now_ms());
    if (r != AXWS_OK && axws_conn_state(&conn) == AXWS_STATE_CLOSED) {
        report_error(&conn);
        return 1;
    }
    while (axws_conn_state(&conn) != AXWS_STATE_CLOSED) {
        struct epoll_event evs[2];
        int n, file_ready;
        sync_socket(&conn);
        file_ready = sync_stdin(&conn) && in_file;
        /* -1 (no deadline) waits for readiness alone; 0 means the library has work now */
        n = epoll_wait(ep, evs, 2, file_ready ? 0 : axws_timeout_ms(&conn, axws_now_ms()));
        if (n < 0 && errno != EINTR) die("epoll_wait");
        if (file_ready) read_stdin();
        sock.revents = 0; /* after a timeout: a step with no readiness runs the timers */
        for (i = 0; i < n; i++) {
            uint32_t e = evs[i].events;
            if (evs[i].data.ptr == NULL) {
                read_stdin();
                continue;
            }
            sock.revents = (short)((e & EPOLLIN ? POLLIN : 0) | (e & EPOLLOUT ? POLLOUT : 0) |
                                   (e & EPOLLERR ? POLLERR : 0) | (e & EPOLLHUP ? POLLHUP : 0));
        }
        send_lines(&conn);
        /* Not axws_step(c, NULL, 0, now) for this: without a pollfd array the library takes
           the socket as readable and writable, and a connect still in progress for done. */
        axws_step(&conn, &sock, nsock, axws_now_ms());
        send_lines(&conn); /* the step may have made room in the output queue */
        if (in_eof && !in_len && received >= sent && axws_conn_state(&conn) == AXWS_STATE_OPEN)
            axws_close(&conn, AXWS_CLOSE_NORMAL, NULL, axws_now_ms());
    }
    if (axws_error(&conn)) {
        report_error(&conn);
        return 1;
    }
    return 0;
}
