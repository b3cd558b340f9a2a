/* examples/axiom_example.h - shared by the Axiom examples (new_tokens, price_monitor,
   price_tracker, wallet_watch, multi_region; axiom_stream takes its trust-anchor loader).

   Not part of the library: the plumbing every one of those programs had written out again,
   kept in one place so each example shows only what is its own (its handler, its options,
   its summary). Everything is static, and marked unused where the compiler knows the mark,
   so an example that does not call a helper still builds under -Wall -Werror.

   Use: an example defines AXIOMWS_IMPLEMENTATION, includes "axiomws.h", then this file
   (this file never defines AXIOMWS_IMPLEMENTATION: it needs only the declarations).

   What it provides:
     say()                      one line of output: UTC time "HH:MM:SS ", the text, flushed
     text(), tls_detail(), say_error()
                                a string field as printable text; the TLS cause of an error;
                                the "error [kind] text" line every example prints
     known[], is_address(), fmt_price(), parse_number()
                                the seed's token symbols, base58 addresses, prices without an
                                exponent, a bounded number argument
     ex_opts, ex_opts_init(), ex_option()
                                the options every example takes: --url, --region, --api-url,
                                --token-file, --ca, --servername, --duration, --help, and the
                                "missing its value" rule
     ex_config(), ex_client(), ex_plain(), ex_load_anchors()
                                a config from the common options; a client's buffers and
                                callbacks; trust anchors (--ca, else the system bundle; none
                                when every URL is plain)
     ex_init(), ex_connect()    set up a client (and insist on tokens); connect it
     ex_setup()                 all of that for a one-client example
     ex_say_disconnected(), ex_say_error()
                                callbacks for an example with nothing of its own to do there
     stop_signal, ex_signals()  SIGINT and SIGTERM ask for a graceful stop; SIGPIPE ignored
     ex_pump(), ex_deadline(), ex_stop()
                                the step loop over one or several clients until a deadline or
                                a signal, and the graceful close (close 1000, at most 5 s)

   Exit codes shared by the examples: 0 after a graceful stop (when connected at least
   once), 2 for bad arguments, 1 for a configuration error or never getting connected. */
#ifndef AXIOM_EXAMPLE_H_INCLUDED
#define AXIOM_EXAMPLE_H_INCLUDED

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__GNUC__) || defined(__clang__)
#define EX_SHARED static __attribute__((unused)) /* not every example uses every helper */
#else
#define EX_SHARED static
#endif

#define EX_MAX_CLIENTS 8 /* ex_pump() drives at most this many clients */

/* ---- output: one line per event, with the time, flushed at once */

EX_SHARED void say(const char *fmt, ...) {
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
EX_SHARED const char *text(const axws_axiom_str *s, char *out, size_t cap) {
    size_t n = 0, i;
    if (!(s->flags & AXWS_AXIOM_PRESENT)) return "-";
    if (s->flags & AXWS_AXIOM_NULL) return "null";
    axws_axiom_str_unescape(s, out, cap - 1, &n); /* too long: as much as fits */
    out[n] = 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7F) out[i] = '?';
    return out;
}

/* The TLS detail of an error, when there is one: "" or " (TLS: ...)". */
EX_SHARED const char *tls_detail(const axws_axiom_error *e, char *out, size_t cap) {
    out[0] = 0;
#ifndef AXWS_NO_TLS
    if (e->tls_error) snprintf(out, cap, " (TLS: %s)", axws_tls_strerror(e->tls_error));
#else
    (void)e;
    (void)cap;
#endif
    return out;
}

/* "[who] error [kind] text (TLS: ...)hint": who NULL for none, hint "" for none. */
EX_SHARED void say_error(const char *who, const axws_axiom_error *e, const char *hint) {
    char tls[128];
    say("%s%s%serror [%s] %s%s%s", who ? "[" : "", who ? who : "", who ? "] " : "", axws_axiom_error_kind_name(e->kind),
        e->text, tls_detail(e, tls, sizeof tls), hint);
}

/* Handler callbacks for an example with nothing of its own to do on these events. */
EX_SHARED void ex_say_disconnected(axws_axiom *a, const char *reason, void *user) {
    (void)a;
    (void)user;
    say("disconnected: %s", reason);
}

EX_SHARED void ex_say_error(axws_axiom *a, const axws_axiom_error *e, void *user) {
    (void)a;
    (void)user;
    say_error(NULL, e, "");
}

/* ---- tokens, addresses, numbers */

/* the seed's tokens, by symbol */
EX_SHARED const struct { const char *symbol, *mint; } known[] = {
    { "SOL", "So11111111111111111111111111111111111111112" },
    { "USDC", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v" },
    { "BONK", "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263" },
    { "WIF", "EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm" },
};
#define EX_KNOWN_COUNT (sizeof known / sizeof known[0])

/* The n bytes at s are base58 (the Solana alphabet), 32 to 44 characters: what a mint or
   wallet address looks like. */
EX_SHARED int is_address(const char *s, size_t n) {
    size_t i;
    if (n < 32 || n > 44) return 0;
    for (i = 0; i < n; i++)
        if (!s[i] || !strchr("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", s[i])) return 0;
    return 1;
}

/* A price with about five significant digits and no exponent (at most max_decimals
   decimals, at least two): 151.20, 0.000023100. */
EX_SHARED const char *fmt_price_upto(char *out, size_t cap, double p, int max_decimals) {
    int decimals = 0;
    double x = p < 0 ? -p : p;
    while (x > 0 && x < 10000 && decimals < max_decimals) {
        x *= 10;
        decimals++;
    }
    if (decimals < 2) decimals = 2;
    snprintf(out, cap, "%.*f", decimals, p);
    return out;
}

EX_SHARED const char *fmt_price(char *out, size_t cap, double p) {
    return fmt_price_upto(out, cap, p, 12);
}

/* A decimal number in [lo, hi]; -1 for anything else (nothing after it, no overflow). */
EX_SHARED int parse_number(const char *s, double lo, double hi, double *out) {
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi)) return -1;
    *out = v;
    return 0;
}

/* ---- the options every example takes */

typedef struct ex_opts {
    const char *prog;             /* in: the program's name, for messages */
    int (*usage)(const char *why); /* in: prints why (NULL: just the usage) and returns 2 */
    int own_url_region;           /* in: 1 when --url and --region are the example's own */
    const char *region_why;       /* in, optional: the message for an unknown region */
    const char *duration_why;     /* in, optional: the message for a bad --duration */
    const char *url, *api_url, *token_file, *ca, *servername; /* out: NULL when not given */
    int region;                   /* out: -1 when not given */
    double duration;              /* in: the default; out: seconds, 0 = until Ctrl-C */
} ex_opts;

/* Nothing given yet; duration: the example's default. */
EX_SHARED void ex_opts_init(ex_opts *x, const char *prog, int (*usage)(const char *why), double duration) {
    memset(x, 0, sizeof *x);
    x->prog = prog;
    x->usage = usage;
    x->region = -1;
    x->duration = duration;
}

#define EX_NEXT (-1) /* ex_option took argv[*i] (and its value): go on with the next */
#define EX_OWN (-2)  /* not a common option: the example's own, and its value is argv[*i] */

/* Look at the option o = argv[*i] (v: the next argument, NULL at the end). --help / -h
   prints the usage and returns 0 (exit 0). Any other option must have a value: without one
   it returns the usage's 2. A common option with a good value is stored (EX_NEXT); with a bad
   one, 2 after the usage. Anything else: EX_OWN, with *i advanced to its value.
   Options that take no value must be looked at before this. */
EX_SHARED int ex_option(ex_opts *x, const char *o, const char *v, int *i) {
    int region;
    if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
        x->usage(NULL);
        return 0;
    }
    if (!v) return x->usage(strncmp(o, "--", 2) == 0 ? "an option is missing its value" : "unknown argument");
    ++*i;
    if (!x->own_url_region && strcmp(o, "--url") == 0) x->url = v;
    else if (!x->own_url_region && strcmp(o, "--region") == 0) {
        if ((region = axws_region_from_name(v)) < 0)
            return x->usage(x->region_why ? x->region_why : "unknown region (Global, USWest, ..., Australia)");
        x->region = region;
    } else if (strcmp(o, "--api-url") == 0) x->api_url = v;
    else if (strcmp(o, "--ca") == 0 || strcmp(o, "--servername") == 0) {
#ifdef AXWS_NO_TLS
        return x->usage("this build has no TLS (AXWS_NO_TLS): --ca and --servername do not apply");
#else
        if (o[2] == 'c') x->ca = v;
        else x->servername = v;
#endif
    } else if (strcmp(o, "--token-file") == 0) x->token_file = v;
    else if (strcmp(o, "--duration") == 0) {
        if (parse_number(v, 0, 1e7, &x->duration)) return x->usage(x->duration_why ? x->duration_why : "--duration wants seconds");
    } else
        return EX_OWN;
    return EX_NEXT;
}

/* ---- signals and the step loop */

static volatile sig_atomic_t stop_signal;

static void ex_on_signal(int sig) {
    (void)sig;
    stop_signal = 1;
}

/* Ctrl-C (and SIGTERM): finish the loop and disconnect. No SA_RESTART, so poll() returns at
   once. A peer gone away while we write must be an error, not a SIGPIPE. */
EX_SHARED void ex_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ex_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* start + duration seconds; 0 (no end) for a duration of 0. */
EX_SHARED int64_t ex_deadline(int64_t start, double duration) {
    return duration > 0 ? start + (int64_t)(duration * 1000) : 0;
}

/* The step loop over count clients (an array, at most EX_MAX_CLIENTS) until `end` (0: no
   end) or a signal; closing: also until every stream is closed. One poll() over every
   client's sockets (the stream, and a token refresh when one is under way) for as long as
   the soonest of their timers allows; then each client steps with its own slice. */
EX_SHARED int64_t ex_pump(axws_axiom *clients, int count, int64_t now, int64_t end, int closing) {
    while (!stop_signal && (!end || now < end)) {
        struct pollfd fds[EX_MAX_CLIENTS * AXWS_AXIOM_MAX_POLLFDS];
        int first[EX_MAX_CLIENTS], n_fds[EX_MAX_CLIENTS], n = 0, wait = -1, i, open = 0;
        for (i = 0; i < count; i++) {
            int w = axws_axiom_timeout_ms(&clients[i], now);
            first[i] = n;
            n_fds[i] = axws_axiom_pollfds(&clients[i], fds + n, AXWS_AXIOM_MAX_POLLFDS);
            n += n_fds[i];
            if (w >= 0 && (wait < 0 || w < wait)) wait = w;
            open += axws_get_state(axws_axiom_conn(&clients[i])) != AXWS_STATE_CLOSED;
        }
        if (closing && !open) break;
        if (end && (wait < 0 || now + wait > end)) wait = (int)(end - now);
        if (poll(fds, (nfds_t)n, wait) < 0)
            for (i = 0; i < n; i++) fds[i].revents = 0; /* EINTR: nothing is ready */
        now = axws_now_ms();
        for (i = 0; i < count; i++) axws_axiom_step(&clients[i], fds + first[i], n_fds[i], now);
    }
    return now;
}

/* The graceful stop: say why, disconnect every client (close 1000), and run the loop until
   every stream is closed, at most 5 s (the client bounds the close handshake too); a second
   Ctrl-C cuts the wait short. what: "" or e.g. " every connection". Returns the time. */
EX_SHARED int64_t ex_stop(axws_axiom *clients, int count, int64_t now, const char *what) {
    int i;
    say("%s: disconnecting%s", stop_signal ? "signal received" : "time is up", what);
    for (i = 0; i < count; i++) axws_axiom_disconnect(&clients[i], now);
    stop_signal = 0;
    return ex_pump(clients, count, now, now + 5000, 1);
}

/* ---- the client's configuration */

/* every client its own buffers (the client object is large too: static, not on a stack) */
typedef struct ex_bufs {
    unsigned char rx[1 << 17], tx[1 << 16], msg[1 << 17];
} ex_bufs;

/* What every example's config holds: the common options (the region only when given;
   cfg->url or cfg->token_price_url is the example's to set). cfg is cleared first. */
EX_SHARED void ex_config(axws_axiom_config *cfg, const ex_opts *x) {
    memset(cfg, 0, sizeof *cfg);
    cfg->api_url = x->api_url;
    cfg->token_file = x->token_file;
    cfg->region = x->region < 0 ? AXWS_REGION_GLOBAL : (axws_region)x->region;
#ifndef AXWS_NO_TLS
    cfg->servername = x->servername; /* e.g. "localhost" when the URL says 127.0.0.1 */
    cfg->api_servername = x->servername; /* --servername names both endpoints explicitly */
#endif
}

/* A client's own part of its config: its buffers and the example's four callbacks (user:
   given to each). */
typedef void ex_message_fn(axws_axiom *a, const axws_axiom_msg *m, void *user);
typedef void ex_connected_fn(axws_axiom *a, const char *session_id, void *user);
typedef void ex_disconnected_fn(axws_axiom *a, const char *reason, void *user);
typedef void ex_error_fn(axws_axiom *a, const axws_axiom_error *e, void *user);

EX_SHARED void ex_client(axws_axiom_config *cfg, ex_bufs *b, ex_message_fn *on_message, ex_connected_fn *on_connected,
                         ex_disconnected_fn *on_disconnected, ex_error_fn *on_error, void *user) {
    cfg->handler.on_message = on_message;
    cfg->handler.on_connected = on_connected;
    cfg->handler.on_disconnected = on_disconnected;
    cfg->handler.on_error = on_error;
    cfg->handler.user = user;
    cfg->rx_buf = b->rx; cfg->rx_size = sizeof b->rx;
    cfg->tx_buf = b->tx; cfg->tx_size = sizeof b->tx;
    cfg->msg_buf = b->msg; cfg->msg_size = sizeof b->msg;
}

/* 1 when url is given and starts with scheme ("ws://", "http://"). */
EX_SHARED int ex_plain(const char *url, const char *scheme) {
    return url && strncmp(url, scheme, strlen(scheme)) == 0;
}

/* Trust anchors for wss:// and for https:// (the token refresh): ca (a PEM file), else the
   system bundle. A run where every URL is plain (ws://, http://) and no ca is given loads
   none (all_plain). 0, or -1 after a message on stderr. A build without TLS loads nothing. */
EX_SHARED int ex_load_anchors(axws_axiom_config *cfg, const char *prog, const char *ca, int all_plain) {
#ifndef AXWS_NO_TLS
    static unsigned char anchor_buf[1 << 18]; /* the system bundle takes about 200 KB */
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
#else
    (void)cfg;
    (void)prog;
    (void)ca;
    (void)all_plain;
#endif
    return 0;
}

/* Set up a client and insist on tokens. what: "the client", or the connection's name.
   0, or 1 (the exit code) after a message on stderr. */
EX_SHARED int ex_init(axws_axiom *a, const axws_axiom_config *cfg, const char *prog, const char *what) {
    int r = axws_axiom_init(a, cfg);
    if (r) {
        fprintf(stderr, "%s: cannot set up %s: %s\n", prog, what, axws_strerror(r));
        return 1;
    }
    if (!axws_axiom_has_token(a)) {
        fprintf(stderr, "%s: no tokens: give --token-file, set AXIOM_ACCESS_TOKEN (and AXIOM_REFRESH_TOKEN), "
                        "or put them in ./.axiom_tokens.json\n", prog);
        return 1;
    }
    return 0;
}

/* Connect (token_price: the token-price socket). name: NULL, or the connection's name.
   0, or 1 (the exit code) after a message on stderr. */
EX_SHARED int ex_connect(axws_axiom *a, int token_price, int64_t now, const char *prog, const char *name) {
    int r = token_price ? axws_axiom_connect_token_price(a, now) : axws_axiom_connect(a, now);
    if (r) {
        fprintf(stderr, "%s: cannot connect%s%s: %s\n", prog, name ? " " : "", name ? name : "", axws_strerror(r));
        return 1;
    }
    return 0;
}

/* The whole setup of a one-client example after its arguments: --url and --region exclude
   each other; the config from the common options, the buffers and the callbacks; --url for
   the stream (token_price: for the token-price socket); trust anchors; the client set up,
   with tokens; the signals. 0, or the exit code (2: bad arguments, 1: configuration) after
   a message on stderr. */
EX_SHARED int ex_setup(axws_axiom *a, const ex_opts *x, ex_bufs *b, int token_price, ex_message_fn *on_message,
                       ex_connected_fn *on_connected, ex_disconnected_fn *on_disconnected, ex_error_fn *on_error) {
    axws_axiom_config cfg;
    if (x->url && x->region >= 0) return x->usage("--url and --region exclude each other");
    ex_config(&cfg, x);
    ex_client(&cfg, b, on_message, on_connected, on_disconnected, on_error, NULL);
    if (token_price) cfg.token_price_url = x->url; /* NULL: the real token-price socket */
    else cfg.url = x->url;                          /* NULL: the region's hosts */
    if (ex_load_anchors(&cfg, x->prog, x->ca, ex_plain(x->url, "ws://") && ex_plain(x->api_url, "http://"))) return 1;
    if (ex_init(a, &cfg, x->prog, "the client")) return 1;
    ex_signals();
    return 0;
}

#endif /* AXIOM_EXAMPLE_H_INCLUDED */
