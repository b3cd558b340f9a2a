/* tests/standin.h - start, watch and steer tests/peers/axiom_standin.js from a C test.
   Include after axiomws.h (with the implementation) and harness.h. */
#ifndef AXT_STANDIN_H
#define AXT_STANDIN_H
#if defined(__GNUC__) || defined(__clang__)
#define AXT_MAYBE_UNUSED __attribute__((unused))
#else
#define AXT_MAYBE_UNUSED
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct standin {
    pid_t pid;
    int out_fd, in_fd;
    int port;
    int tls;
    char url[96];      /* ws://127.0.0.1:P/ or wss://127.0.0.1:P/ */
    char api[96];      /* http(s)://127.0.0.1:P */
    char *log;         /* every stdout line so far */
    size_t log_len, log_cap;
} standin;

static standin *standin_all[8];

static void standin_stop(standin *s) {
    int st;
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, &st, 0);
        s->pid = 0;
    }
    if (s->out_fd >= 0) close(s->out_fd);
    if (s->in_fd >= 0) close(s->in_fd);
    s->out_fd = s->in_fd = -1;
    free(s->log);
    s->log = NULL;
}

static void standin_stop_all(void) {
    int i;
    for (i = 0; i < 8; i++)
        if (standin_all[i]) standin_stop(standin_all[i]);
}

static void standin_on_signal(int sig) {
    standin_stop_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Read what the stand-in printed so far (never blocks). */
static void standin_pump(standin *s) {
    for (;;) {
        ssize_t r;
        if (s->log_cap - s->log_len < 65536) {
            s->log_cap = s->log_cap * 2 + 65536;
            s->log = (char *)realloc(s->log, s->log_cap);
        }
        r = read(s->out_fd, s->log + s->log_len, s->log_cap - s->log_len - 1);
        if (r <= 0) break;
        s->log_len += (size_t)r;
        s->log[s->log_len] = 0;
    }
}

/* The stdout lines that contain every one of the (NULL-terminated) needles in ap: how many
   (nth < 0), or the line number (from 0, counting every line) of the nth of them, or -1
   when there are fewer. */
AXT_MAYBE_UNUSED static int standin__lines(standin *s, int nth, va_list ap) {
    const char *needles[8];
    int n = 0, count = 0, number = 0;
    char *line;
    while (n < 8 && (needles[n] = va_arg(ap, const char *)) != NULL) n++;
    standin_pump(s);
    for (line = s->log; line && *line; number++) {
        char *eol = strchr(line, '\n');
        int i, all = 1;
        if (!eol) break;
        *eol = 0;
        for (i = 0; i < n && all; i++) all = strstr(line, needles[i]) != NULL;
        *eol = '\n';
        if (all && count++ == nth) return number;
        line = eol + 1;
    }
    return nth < 0 ? count : -1;
}

/* How many stdout lines contain every one of the (NULL-terminated) needles. */
AXT_MAYBE_UNUSED static int standin_count(standin *s, ...) {
    int r;
    va_list ap;
    va_start(ap, s);
    r = standin__lines(s, -1, ap);
    va_end(ap);
    return r;
}

/* The line number of the nth (from 0) stdout line with every one of the (NULL-terminated)
   needles, or -1: what happened in which order. */
AXT_MAYBE_UNUSED static int standin_line(standin *s, int nth, ...) {
    int r;
    va_list ap;
    va_start(ap, nth);
    r = standin__lines(s, nth, ap);
    va_end(ap);
    return r;
}

/* Start the stand-in with extra arguments (NULL-terminated list). TLS when cert is given. */
static int standin_start(standin *s, const char *cert, const char *key, const char *const *args) {
    int out[2], in[2];
    const char *argv[64];
    int n = 0, i;
    char first[4096];
    size_t got = 0;
    memset(s, 0, sizeof *s);
    s->out_fd = s->in_fd = -1;
    if (pipe(out) || pipe(in)) return -1;
    argv[n++] = "node";
    argv[n++] = "tests/peers/axiom_standin.js";
    argv[n++] = "--exit-on-eof";
    argv[n++] = "--lifetime";
    argv[n++] = "300";
    if (cert) {
        argv[n++] = "--cert"; argv[n++] = cert;
        argv[n++] = "--key"; argv[n++] = key;
    }
    for (i = 0; args && args[i] && n < 62; i++) argv[n++] = args[i];
    argv[n] = NULL;
    s->pid = fork();
    if (s->pid == 0) {
        dup2(out[1], 1);
        dup2(in[0], 0);
        close(out[0]); close(out[1]); close(in[0]); close(in[1]);
        execvp("node", (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    close(in[0]);
    s->out_fd = out[0];
    s->in_fd = in[1];
    for (i = 0; i < 8; i++)
        if (!standin_all[i]) { standin_all[i] = s; break; }
    signal(SIGINT, standin_on_signal);
    signal(SIGTERM, standin_on_signal);
    signal(SIGPIPE, SIG_IGN);
    /* the first line says where it listens */
    while (got < sizeof first - 1) {
        ssize_t r = read(s->out_fd, first + got, 1);
        if (r <= 0) return -1;
        if (first[got++] == '\n') break;
    }
    first[got] = 0;
    {
        const char *p = strstr(first, "\"port\":");
        if (!p) return -1;
        s->port = atoi(p + 7);
    }
    s->tls = cert != NULL;
    snprintf(s->url, sizeof s->url, "%s://127.0.0.1:%d/", cert ? "wss" : "ws", s->port);
    snprintf(s->api, sizeof s->api, "%s://127.0.0.1:%d", cert ? "https" : "http", s->port);
    fcntl(s->out_fd, F_SETFL, fcntl(s->out_fd, F_GETFL) | O_NONBLOCK);
    s->log_cap = 1 << 20;
    s->log = (char *)malloc(s->log_cap);
    s->log_len = 0;
    s->log[0] = 0;
    return 0;
}

/* One control request (POST path with a JSON body), driven to the end. Returns the status. */
typedef struct { int status; } standin__reply;
static void standin__event(axws_conn *c, const axws_event *ev, void *user) {
    (void)c;
    if (ev->type == AXWS_EV_HTTP_RESPONSE) ((standin__reply *)user)->status = ev->status;
}

AXT_MAYBE_UNUSED static int standin_control(standin *s, const char *path, const char *json, const br_x509_trust_anchor *tas,
                           size_t ta_count) {
#ifdef AXWS_TLS_BUF_FULL
    static unsigned char rx[AXWS_TLS_BUF_FULL], tx[8192];
#else
    static unsigned char rx[65536], tx[8192];
#endif
    static const char *const hdrs[] = { "Content-Type: application/json", NULL };
    axws_config cfg;
    axws_conn c;
    standin__reply reply = { 0 };
    char url[256];
    int64_t end = axws_now_ms() + 5000;
    memset(&cfg, 0, sizeof cfg);
    cfg.rx_buf = rx; cfg.rx_size = sizeof rx;
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
    cfg.on_event = standin__event;
    cfg.user = &reply;
    cfg.trust_anchors = tas;
    cfg.trust_anchor_count = ta_count;
    cfg.servername = "localhost";
    axws_init(&c, &cfg);
    snprintf(url, sizeof url, "%s%s", s->api, path);
    if (axws_http_request(&c, url, "POST", hdrs, json, strlen(json), axws_now_ms()) != 0) return -1;
    while (axws_conn_state(&c) != AXWS_STATE_CLOSED && axws_now_ms() < end) {
        struct pollfd p[1];
        int n = axws_pollfds(&c, p, 1);
        poll(p, (nfds_t)n, 50);
        axws_step(&c, p, n, axws_now_ms());
    }
    axws_abort(&c);
    return reply.status;
}
#endif
