/* examples/libuv_loop.c - one WebSocket connection driven by a libuv loop.

   libuv_loop [--timeout MS] [--ca FILE] [--addr IP]... URL  < lines

   The same program as examples/epoll_loop.c (see there for the options and the exit
   status), on libuv: a uv_poll_t on the library's socket, a uv_timer_t for its deadlines,
   and stdin as a libuv stream (a pipe or a terminal) or through uv_fs_read (a file).

   Shows: a uv_poll_t belongs to one socket, so a new one is made whenever
   axws_socket_generation() changes, even under the same number (the library closed the old
   socket, which libuv cannot notice); uv_poll_start() again only when the events change;
   libuv's poll error (status < 0, the handle stopped) passed on as POLLERR, so that the
   library learns why a connect failed and tries the next address; a step whose revents
   are 0 as the timer tick. A libuv program would resolve names with uv_getaddrinfo() and
   pass the addresses to axws_connect_addr() (axws_connect() calls getaddrinfo, which
   blocks); --addr shows that call.
   Build: make build/libuv_loop   (links -luv; Debian: libuv1-dev) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "axiom_example.h" /* ex_trace_socket() only: the trace of AXWS_EXAMPLE_TRACE=1 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <uv.h>

static unsigned char rx_buf[1 << 16], tx_buf[1 << 16], msg_buf[1 << 16];
#ifndef AXWS_NO_TLS
static unsigned char anchor_buf[1 << 18];
#endif

static uv_loop_t *loop;
static axws_conn conn;
static uv_timer_t timer;
static long sent, received;

/* The poll handle of the library's socket (NULL while there is none): which socket
   (number and generation) and the libuv events it was started with. Made with malloc:
   uv_close() finishes later, in a callback, and only then may the memory go. */
static struct sock_watch { uv_poll_t h; int fd; unsigned gen; int events; } *watch;

/* stdin: a stream (uv_pipe_t, uv_tty_t), or a file read with uv_fs_read (libuv cannot
   poll files); bytes read but not sent yet (lines) */
static union { uv_handle_t h; uv_stream_t s; uv_pipe_t pipe; uv_tty_t tty; } in_h;
static uv_fs_t in_req;
static int in_file;
static char in[4096];
static size_t in_len;
static int in_eof, in_reading, finished;

static void pump(const struct pollfd *ready);

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    (void)c; (void)user;
    if (ev->type == AXWS_EV_MESSAGE) {
        received++;
        if (ev->opcode == AXWS_OP_TEXT) printf("%.*s\n", (int)ev->len, (const char *)ev->data);
        else printf("[binary, %zu bytes]\n", ev->len);
        fflush(stdout);
    } else if (ev->type == AXWS_EV_CLOSE && !ev->error) {
        fprintf(stderr, "libuv_loop: closed, code %d\n", ev->close_code);
    }
}

static void on_watch_closed(uv_handle_t *h) { free(h); } /* h is the first member of the watch */

static void on_socket(uv_poll_t *h, int status, int events) {
    struct sock_watch *w = (struct sock_watch *)(void *)h;
    struct pollfd p;
    p.fd = w->fd;
    p.events = 0;
    /* status < 0: libuv saw POLLERR (a refused connect, a reset) and stopped the handle;
       the library reads the cause from the socket */
    p.revents = (short)(status < 0 ? POLLERR
                                   : (events & UV_READABLE ? POLLIN : 0) | (events & UV_WRITABLE ? POLLOUT : 0));
    pump(&p);
}

static void on_timer(uv_timer_t *t) {
    (void)t;
    pump(NULL);
}

/* Bring the poll handle in line with what the library wants after a step. */
static void sync_socket(void) {
    struct pollfd p;
    int n = axws_pollfds(&conn, &p, 1), events;
    unsigned gen = axws_socket_generation(&conn);
    if (watch && (n == 0 || p.fd != watch->fd || gen != watch->gen)) {
        /* The socket is gone or another one took its place (perhaps under the same number):
           this handle is done. It must be closed before a new handle is made for the same
           number (uv_poll_init refuses a descriptor the loop still watches). */
        uv_close((uv_handle_t *)&watch->h, on_watch_closed);
        watch = NULL;
    }
    if (n == 0) return;
    events = (p.events & POLLIN ? UV_READABLE : 0) | (p.events & POLLOUT ? UV_WRITABLE : 0);
    if (!watch) {
        watch = malloc(sizeof *watch);
        if (!watch || uv_poll_init(loop, &watch->h, p.fd) != 0) {
            fprintf(stderr, "libuv_loop: cannot watch the socket\n");
            exit(1);
        }
        watch->fd = p.fd;
        watch->gen = gen;
        watch->events = -1;
        ex_trace_socket("libuv_loop", p.fd, gen);
    }
    /* uv_poll_start costs a deregistration and a registration: only on a change, or when
       libuv stopped the handle after an error */
    if (events != watch->events || !uv_is_active((uv_handle_t *)&watch->h)) {
        uv_poll_start(&watch->h, events, on_socket);
        watch->events = events;
    }
}

/* stdin's bytes land at the end of `in` */
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    (void)h; (void)suggested;
    *buf = uv_buf_init(in + in_len, (unsigned)(sizeof in - in_len));
}

static void got_input(ssize_t n) {
    if (n > 0) in_len += (size_t)n;
    else if (n != UV_ENOBUFS) in_eof = 1; /* 0 from a file, UV_EOF, or unreadable */
    pump(NULL);
}

static void on_stdin(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    (void)s; (void)buf;
    if (n != 0) got_input(n); /* 0 from a stream: nothing this time */
}

static void on_file_read(uv_fs_t *req) {
    ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    in_reading = 0;
    got_input(n);
}

/* Send the complete lines of `in` (a full buffer counts as one line). A line that does not
   fit the output queue now stays for after the next step. */
static void send_lines(void) {
    size_t start = 0;
    for (;;) {
        char *nl = memchr(in + start, '\n', in_len - start);
        size_t len = nl ? (size_t)(nl - (in + start)) : in_len - start;
        if (!nl && !(in_eof && len) && !(start == 0 && in_len == sizeof in)) break;
        if (axws_send_text(&conn, in + start, len) != AXWS_OK) break; /* EWOULDBLOCK: later */
        sent++;
        start += nl ? len + 1 : len;
    }
    memmove(in, in + start, in_len - start);
    in_len -= start;
}

/* Read stdin only while its input could be used: the connection is open and no line waits
   for room in the output queue. */
static void sync_stdin(void) {
    int want = axws_conn_state(&conn) == AXWS_STATE_OPEN && !in_eof && !memchr(in, '\n', in_len) &&
               in_len < sizeof in;
    if (in_file) { /* one read at a time, each asked for when the last one is in */
        if (want && !in_reading) {
            uv_buf_t b = uv_buf_init(in + in_len, (unsigned)(sizeof in - in_len));
            in_reading = uv_fs_read(loop, &in_req, 0, &b, 1, -1, on_file_read) == 0;
            if (!in_reading) in_eof = 1;
        }
        return;
    }
    if (want == in_reading) return;
    if (want) uv_read_start(&in_h.s, on_alloc, on_stdin);
    else uv_read_stop(&in_h.s);
    in_reading = want;
}

/* the whole story in one line: phase, host, address, status, TLS cause, errno */
static void report_error(const axws_conn *c) {
    char text[AXWS_DESCRIBE_MAX];
    axws_describe(c, text, sizeof text);
    fprintf(stderr, "libuv_loop: %s\n", text);
}

/* One step of the library with what libuv reported (NULL: a timer or stdin woke us, so
   revents are 0), then everything brought up to date: the poll handle, stdin, the timer.
   When the connection has ended, every handle is closed and uv_run() returns (after a file
   read still under way, whose result is then ignored). */
static void pump(const struct pollfd *ready) {
    struct pollfd none;
    int wait;
    if (finished) return;
    memset(&none, 0, sizeof none);
    send_lines();
    /* Not axws_step(c, NULL, 0, now) for this: without a pollfd array the library takes
       the socket as readable and writable, and a connect still in progress for done. */
    axws_step(&conn, ready ? ready : &none, ready ? 1 : 0, axws_now_ms());
    send_lines(); /* the step may have made room in the output queue */
    if (in_eof && !in_len && received >= sent && axws_conn_state(&conn) == AXWS_STATE_OPEN)
        axws_close(&conn, AXWS_CLOSE_NORMAL, NULL, axws_now_ms());
    sync_socket();
    if (axws_conn_state(&conn) == AXWS_STATE_CLOSED) {
        finished = 1;
        uv_close((uv_handle_t *)&timer, NULL);
        if (!in_file) uv_close(&in_h.h, NULL);
        return;
    }
    sync_stdin();
    wait = axws_timeout_ms(&conn, axws_now_ms());
    if (wait < 0) uv_timer_stop(&timer);
    else uv_timer_start(&timer, on_timer, (uint64_t)wait, 0);
}

static const char help_text[] =
        "usage: libuv_loop [--timeout MS] [--ca FILE] [--addr IP]... URL < lines\n"
        "\n"
        "One WebSocket connection driven by a libuv loop: each line of standard input goes out as\n"
        "a text message, each message received is printed on stdout; at the end of stdin, once\n"
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
        "  -h, --help     print this help and exit\n"
        "\n"
        "AXWS_EXAMPLE_TRACE=1 prints every registration of the library's socket on stderr.\n"
        "Exit status: 0 after the close handshake, 1 for an error (on stderr), 2 for bad arguments.\n"
        "\n"
        "example (tests/peers/py_echo.py is an echo server; it prints its port):\n"
        "  printf 'hello\\nworld\\n' | libuv_loop ws://127.0.0.1:PORT/\n";

static int usage(const char *why) {
    fprintf(stderr, "%s: %s\n", "libuv_loop", why);
    fprintf(stderr, "usage: libuv_loop [--timeout MS] [--ca FILE] [--addr IP]... URL < lines\n(libuv_loop --help for more)\n");
    return 2;
}

int main(int argc, char **argv) {
    const char *url = NULL, *ca = NULL;
    axws_addr addrs[AXWS_MAX_ADDRS];
    int naddrs = 0, timeout_ms = 0, i, r;
    axws_config cfg;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help_text, stdout);
            return 0;
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout_ms = atoi(argv[++i]);
            if (timeout_ms <= 0) return usage("--timeout needs a number of milliseconds above 0");
        } else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc) {
            ca = argv[++i];
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
            fprintf(stderr, "libuv_loop: trust anchors from %s: %s\n", file, axws_strerror(r));
            return 1;
        }
        cfg.trust_anchors = ta.anchors;
        cfg.trust_anchor_count = ta.count;
        cfg.trust_anchor_source = file; /* named when verification fails */
    }
#endif
    (void)ca;
    if (axws_init(&conn, &cfg) != AXWS_OK) { fprintf(stderr, "libuv_loop: bad configuration\n"); return 1; }

    loop = uv_default_loop();
    uv_timer_init(loop, &timer);
    switch (uv_guess_handle(0)) {
    case UV_TTY: r = uv_tty_init(loop, &in_h.tty, 0, 1); break;
    case UV_NAMED_PIPE:
        r = uv_pipe_init(loop, &in_h.pipe, 0);
        if (r == 0) r = uv_pipe_open(&in_h.pipe, 0);
        break;
    default: in_file = 1; r = 0; break; /* a file, /dev/null: uv_fs_read (a thread) */
    }
    if (r != 0) {
        fprintf(stderr, "libuv_loop: stdin: %s\n", uv_strerror(r));
        return 1;
    }

    r = naddrs ? axws_connect_addr(&conn, url, addrs, naddrs, axws_now_ms())
               : axws_connect(&conn, url, axws_now_ms());
    if (r != AXWS_OK && axws_conn_state(&conn) == AXWS_STATE_CLOSED) {
        report_error(&conn);
        return 1;
    }
    pump(NULL); /* registers the socket and the first deadline */
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);
    if (axws_error(&conn)) {
        report_error(&conn);
        return 1;
    }
    return 0;
}
