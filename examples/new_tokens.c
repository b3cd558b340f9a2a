/* examples/new_tokens.c - the seed's basic example: connect, subscribe to new tokens, print
   each new pair, disconnect.

   new_tokens [--url URL | --region NAME] [--ca FILE] [--servername NAME] [--api-url URL]
              [--token-file FILE] [--duration SECONDS]

   Connects to the region's stream (default Global; --url for a relay or a local stand-in),
   subscribes to `new_pairs` and prints one line per new pair: ticker, name, token address,
   protocol, initial liquidity (SOL and tokens). After --duration seconds (default 30, as the
   seed; 0 = until Ctrl-C) or Ctrl-C it disconnects gracefully (close handshake 1000) and
   exits 0. Bad arguments exit 2; a configuration error, or never getting connected, exits 1.
   Tokens come from --token-file, AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN, or
   ./.axiom_tokens.json; they are never printed. One line per event, flushed per line.

   wss:// and the https:// refresh are verified against --ca FILE (PEM; default: the system
   bundle, /etc/ssl/certs/ca-certificates.crt) with the name --servername (default: the
   URL's host; give "localhost" when the URL says 127.0.0.1 and the certificate names
   localhost). A run where every URL is plain ws:// / http:// loads no CA.

   Shows: the smallest complete program -- config with caller-owned buffers, the handler,
   subscribe, the step loop, disconnect -- and reading a typed NEW_PAIR message: string views
   (unescaped for printing, null told apart from absent) and numbers.
   Build: make build/new_tokens   (or: cc -std=c99 -D_POSIX_C_SOURCE=200809L -I.
          examples/new_tokens.c -o new_tokens -lbearssl) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned char rx_buf[1 << 17], tx_buf[1 << 16], msg_buf[1 << 17];
static axws_axiom client; /* large: not on the stack */
static long connections, pairs;
static volatile sig_atomic_t stop_signal;

static void say(const char *fmt, ...) {
    char when[16];
    time_t t = time(NULL);
    struct tm tm;
    va_list ap;
    strftime(when, sizeof when, "%H:%M:%S", gmtime_r(&t, &tm));
    printf("%s ", when);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* A string field as printable text: unescaped (names carry emoji, quotes, backslashes),
   control bytes replaced so an event stays one line; "null" and "-" (absent) told apart. */
static const char *text(const axws_axiom_str *s, char *out, size_t cap) {
    size_t n = 0, i;
    if (!(s->flags & AXWS_AXIOM_PRESENT)) return "-";
    if (s->flags & AXWS_AXIOM_NULL) return "null";
    axws_axiom_str_unescape(s, out, cap - 1, &n); /* too long: as much as fits */
    out[n] = 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7F) out[i] = '?';
    return out;
}

static const char *number(const axws_axiom_num *v, char *out, size_t cap) {
    if (!(v->flags & AXWS_AXIOM_PRESENT)) return "-";
    if (v->flags & AXWS_AXIOM_NULL) return "null";
    snprintf(out, cap, "%.10g", v->value);
    return out;
}

static void on_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    const axws_axiom_new_pair *p = &m->u.new_pair;
    char ticker[64], name[256], address[64], protocol[64], sol[32], tok[32];
    (void)a;
    (void)user;
    if (m->kind != AXWS_AXIOM_KIND_NEW_PAIR) return;
    pairs++;
    say("new pair %s (%s) token %s on %s, initial liquidity %s SOL / %s tokens", text(&p->token_ticker, ticker, sizeof ticker),
        text(&p->token_name, name, sizeof name), text(&p->token_address, address, sizeof address),
        text(&p->protocol, protocol, sizeof protocol), number(&p->initial_liquidity_sol, sol, sizeof sol),
        number(&p->initial_liquidity_token, tok, sizeof tok));
}

static void on_connected(axws_axiom *a, const char *session_id, void *user) {
    (void)user;
    connections++;
    say("connected to %s (session %s)", axws_axiom_url(a), session_id);
}

static void on_disconnected(axws_axiom *a, const char *reason, void *user) {
    (void)a;
    (void)user;
    say("disconnected: %s", reason);
}

/* The TLS detail of an error, when there is one: "" or " (TLS: ...)". */
static const char *tls_detail(const axws_axiom_error *e, char *out, size_t cap) {
    out[0] = 0;
#ifndef AXWS_NO_TLS
    if (e->tls_error) snprintf(out, cap, " (TLS: %s)", axws_tls_strerror(e->tls_error));
#else
    (void)e;
    (void)cap;
#endif
    return out;
}

static void on_error(axws_axiom *a, const axws_axiom_error *e, void *user) {
    char tls[128];
    (void)a;
    (void)user;
    say("error [%s] %s%s", axws_axiom_error_kind_name(e->kind), e->text, tls_detail(e, tls, sizeof tls));
}

#ifndef AXWS_NO_TLS
static unsigned char anchor_buf[1 << 18]; /* the system bundle takes about 200 KB */

/* Trust anchors for wss:// and for https:// (the token refresh): --ca FILE, else the system
   bundle. A run where every URL is plain (ws://, http://) and no --ca is given loads none. */
static int load_anchors(axws_axiom_config *cfg, const char *prog, const char *ca, int all_plain) {
    static axws_tls_anchors anchors;
    const char *path = ca ? ca : "/etc/ssl/certs/ca-certificates.crt";
    int r;
    if (!ca && all_plain) return 0;
    r = axws_tls_anchors_file(&anchors, anchor_buf, sizeof anchor_buf, path);
    if (r <= 0) {
        fprintf(stderr, "%s: cannot load trust anchors from %s: %s\n", prog, path, axws_strerror(r));
        return -1;
    }
    cfg->trust_anchors = anchors.anchors;
    cfg->trust_anchor_count = anchors.count;
    return 0;
}
#endif

static int usage(const char *why) {
    if (why) fprintf(stderr, "new_tokens: %s\n", why);
    fprintf(stderr, "usage: new_tokens [--url URL | --region NAME] [--ca FILE] [--servername NAME] [--api-url URL]\n"
                    "                  [--token-file FILE] [--duration SECONDS]\n");
    return 2;
}

static void on_signal(int sig) {
    (void)sig;
    stop_signal = 1;
}

/* Pump the client until `end` (0: never), a signal, or done() says so. */
static int64_t pump(int64_t now, int64_t end, int closing) {
    while (!stop_signal && (!end || now < end)) {
        struct pollfd fds[AXWS_AXIOM_MAX_POLLFDS];
        int n = axws_axiom_pollfds(&client, fds, AXWS_AXIOM_MAX_POLLFDS), i;
        int wait = axws_axiom_timeout_ms(&client, now);
        if (closing && axws_get_state(axws_axiom_conn(&client)) == AXWS_STATE_CLOSED) break;
        if (end && (wait < 0 || now + wait > end)) wait = (int)(end - now);
        if (poll(fds, (nfds_t)n, wait) < 0)
            for (i = 0; i < n; i++) fds[i].revents = 0; /* EINTR: nothing is ready */
        now = axws_now_ms();
        axws_axiom_step(&client, fds, n, now);
    }
    return now;
}

int main(int argc, char **argv) {
    const char *ca = NULL, *servername = NULL;
    axws_axiom_config cfg;
    double duration = 30;
    int i, r, region = -1;
    int64_t start, now;
    struct sigaction sa;

    memset(&cfg, 0, sizeof cfg);
    for (i = 1; i < argc; i += 2) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(NULL);
            return 0;
        }
        if (!v) return usage(strncmp(o, "--", 2) == 0 ? "an option is missing its value" : "unknown argument");
        if (strcmp(o, "--url") == 0) cfg.url = v;
        else if (strcmp(o, "--region") == 0) {
            if ((region = axws_region_from_name(v)) < 0) return usage("unknown region (Global, USWest, ..., Australia)");
        } else if (strcmp(o, "--api-url") == 0) cfg.api_url = v;
        else if (strcmp(o, "--ca") == 0 || strcmp(o, "--servername") == 0) {
#ifdef AXWS_NO_TLS
            return usage("this build has no TLS (AXWS_NO_TLS): --ca and --servername do not apply");
#else
            if (o[2] == 'c') ca = v;
            else servername = v;
#endif
        } else if (strcmp(o, "--token-file") == 0) cfg.token_file = v;
        else if (strcmp(o, "--duration") == 0) {
            char *e;
            errno = 0;
            duration = strtod(v, &e);
            if (errno || e == v || *e || !(duration >= 0 && duration <= 1e7)) return usage("--duration wants seconds");
        } else
            return usage("unknown argument");
    }

    if (cfg.url && region >= 0) return usage("--url and --region exclude each other");
    cfg.handler.on_message = on_message;
    cfg.handler.on_connected = on_connected;
    cfg.handler.on_disconnected = on_disconnected;
    cfg.handler.on_error = on_error;
    cfg.region = region < 0 ? AXWS_REGION_GLOBAL : (axws_region)region;
    cfg.rx_buf = rx_buf; cfg.rx_size = sizeof rx_buf;
    cfg.tx_buf = tx_buf; cfg.tx_size = sizeof tx_buf;
    cfg.msg_buf = msg_buf; cfg.msg_size = sizeof msg_buf;
#ifndef AXWS_NO_TLS
    cfg.servername = servername; /* e.g. "localhost" when the URL says 127.0.0.1 */
    if (load_anchors(&cfg, "new_tokens", ca,
                     cfg.url && strncmp(cfg.url, "ws://", 5) == 0 && cfg.api_url && strncmp(cfg.api_url, "http://", 7) == 0))
        return 1;
#else
    (void)ca;
    (void)servername;
#endif
    if ((r = axws_axiom_init(&client, &cfg)) != 0) {
        fprintf(stderr, "new_tokens: cannot set up the client: %s\n", axws_strerror(r));
        return 1;
    }
    if (!axws_axiom_has_token(&client)) {
        fprintf(stderr, "new_tokens: no tokens: give --token-file, set AXIOM_ACCESS_TOKEN (and AXIOM_REFRESH_TOKEN), "
                        "or put them in ./.axiom_tokens.json\n");
        return 1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    start = now = axws_now_ms();
    if ((r = axws_axiom_connect(&client, now)) != 0) {
        fprintf(stderr, "new_tokens: cannot connect: %s\n", axws_strerror(r));
        return 1;
    }
    axws_axiom_subscribe_new_tokens(&client); /* joined as soon as the upgrade is done */
    now = pump(now, duration > 0 ? start + (int64_t)(duration * 1000) : 0, 0);

    say("%s: disconnecting", stop_signal ? "signal received" : "time is up");
    axws_axiom_disconnect(&client, now);
    stop_signal = 0;
    now = pump(now, now + 5000, 1); /* the close handshake; the client bounds it too */
    say("%ld new pair%s in %.1f s", pairs, pairs == 1 ? "" : "s", (double)(now - start) / 1000);
    return connections > 0 ? 0 : 1;
}
