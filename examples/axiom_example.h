/* examples/axiom_example.h - shared by the Axiom examples (new_tokens, price_monitor,
   price_tracker, wallet_watch, multi_region, and the axiom_stream tool); the event-loop
   examples (epoll_loop, libuv_loop) take only its socket trace, ex_trace_socket().

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
     ex_help, ex_usage()        the help text (--help: stdout, exit 0) and the short usage
                                with the reason for a bad argument (stderr, exit 2)
     ex_opts, ex_opts_init(), ex_option(), ex_value(), ex_unknown()
                                the options every example takes: --url, --region, --api-url,
                                --token-file, --ca, --servername, --duration, --help; an
                                option's value; an option nobody knows
     ex_readable(), ex_check_url()
                                a file named by an option, checked before the library reads
                                it (so a failure names the path and errno's text); a URL
                                option checked before any connection
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
     ex_note_error(), ex_exit_status()
                                the last error a client reported (say_error() notes it), and
                                the exit status of a run: 1, with that error, when it never
                                got connected
     ex_trace_socket()          AXWS_EXAMPLE_TRACE=1: each socket an event loop registers,
                                as the kernel names it (tests/test_event_loops.sh reads it)

   Exit codes shared by the examples: 0 after a graceful stop (when connected at least
   once), 2 for bad arguments, 1 for a configuration error or never getting connected. */
#ifndef AXIOM_EXAMPLE_H_INCLUDED
#define AXIOM_EXAMPLE_H_INCLUDED

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

/* ---- why a run never got connected */

/* The last error any client reported. The errors go to stdout among the events as they
   happen; a run that never got connected repeats the last one on stderr as its reason
   (ex_exit_status), where a script sees it. */
static char ex_last_error[256];

/* Note e as the latest error (who: NULL, or the connection's name). say_error() calls it;
   an example that prints its errors otherwise calls it from its on_error. */
EX_SHARED void ex_note_error(const char *who, const axws_axiom_error *e) {
    char tls[128];
    snprintf(ex_last_error, sizeof ex_last_error, "%s%s%s%s%s", who ? "[" : "", who ? who : "", who ? "] " : "",
             e->text, tls_detail(e, tls, sizeof tls));
}

/* The exit status at the end of a run: 0 when it got connected; else 1, after
   "prog: [who] never connected: <why>" on stderr. A run that never reached the service
   (a name that does not resolve, a refused port, a refused token) must not look like a
   good one to the script that started it. who: NULL, or the connection's name; why: NULL
   for the last error any client reported. */
EX_SHARED int ex_exit_status(const char *prog, const char *who, int connected, const char *why) {
    if (connected) return 0;
    if (!why) why = ex_last_error;
    fprintf(stderr, "%s: %s%s%snever connected: %s\n", prog, who ? "[" : "", who ? who : "", who ? "] " : "",
            why[0] ? why : "the run ended before the first connection was up");
    return 1;
}

/* "[who] error [kind] text (TLS: ...)hint": who NULL for none, hint "" for none. */
EX_SHARED void say_error(const char *who, const axws_axiom_error *e, const char *hint) {
    char tls[128];
    ex_note_error(who, e);
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

/* ---- help, and the options every example takes */

/* What --help prints besides the common options: static text, owned by the example. */
typedef struct ex_help {
    const char *synopsis;       /* the usage after "usage: " (continuation lines indented) */
    const char *about;          /* what the program does, a line or two */
    const char *const *options; /* its own options as pairs: "--opt ARG", "what it does
                                   (default: ...)"; a NULL ends them */
    const char *example;        /* one command line */
} ex_help;

typedef struct ex_opts {
    const char *prog;             /* in: the program's name, for messages */
    const ex_help *help;          /* in: its help */
    int own_url_region;           /* in: 1 when --url and --region are the example's own */
    double duration_default;      /* in: --duration's default, for the help */
    const char *url, *api_url, *token_file, *ca, *servername; /* out: NULL when not given */
    int region;                   /* out: -1 when not given */
    double duration;              /* out: seconds, 0 = until Ctrl-C */
} ex_opts;

/* Nothing given yet; duration: the example's default (0 = until Ctrl-C). */
EX_SHARED void ex_opts_init(ex_opts *x, const char *prog, const ex_help *help, double duration) {
    memset(x, 0, sizeof *x);
    x->prog = prog;
    x->help = help;
    x->region = -1;
    x->duration = x->duration_default = duration;
}

/* One option of the help: "  --opt ARG           text", the text wrapped at 100 columns
   and its lines under each other (an option too long for its column gets a line of its
   own). */
EX_SHARED void ex_help_option(FILE *f, const char *opt, const char *text) {
    int col = fprintf(f, "  %-19s ", opt);
    if (col > 22) col = fprintf(f, "\n%22s", "") - 1;
    while (*text) {
        size_t n = strcspn(text, " ");
        if (col > 22 && col + 1 + (int)n > 100) col = fprintf(f, "\n%22s", "") - 1;
        else if (col > 22) col += fprintf(f, " ");
        col += (int)fwrite(text, 1, n, f);
        text += n;
        while (*text == ' ') text++;
    }
    fputc('\n', f);
}

/* why NULL (--help): the whole help on stdout, returns 0 (the exit status). Otherwise the
   reason and the short usage on stderr, returns 2 (bad arguments). */
EX_SHARED int ex_usage(const ex_opts *x, const char *why) {
    const ex_help *h = x->help;
    const char *const *o;
    char dur[128];
    if (why) {
        fprintf(stderr, "%s: %s\nusage: %s\n(%s --help describes every option)\n", x->prog, why, h->synopsis, x->prog);
        return 2;
    }
    printf("usage: %s\n\n%s\n\noptions:\n", h->synopsis, h->about);
    for (o = h->options; o && *o; o += 2) ex_help_option(stdout, o[0], o[1]);
    if (!x->own_url_region) {
        ex_help_option(stdout, "--url URL", "the stream's ws:// or wss:// URL instead of the region's hosts: a relay, "
                                            "the local stand-in (default: the region's hosts)");
        ex_help_option(stdout, "--region NAME", "the service's region: Global, USWest, USCentral, USEast, EUWest, "
                                                "EUCentral, EUEast, Asia or Australia, any case; not with --url "
                                                "(default: Global)");
    }
    ex_help_option(stdout, "--api-url URL", "where the access token is refreshed, http:// or https:// (default: "
                                            "https://apiN.axiom.trade, N picked at random)");
    ex_help_option(stdout, "--token-file FILE", "the tokens, JSON {\"access_token\": \"...\", \"refresh_token\": "
                                                "\"...\"}, written back after a refresh; never printed (default: "
                                                "AXIOM_ACCESS_TOKEN and AXIOM_REFRESH_TOKEN from the environment, "
                                                "else ./.axiom_tokens.json)");
#ifndef AXWS_NO_TLS
    ex_help_option(stdout, "--ca FILE", "trust anchors (PEM certificates) for wss:// and https:// (default: "
                                        "/etc/ssl/certs/ca-certificates.crt; none loaded when every URL is ws:// "
                                        "and http://)");
    ex_help_option(stdout, "--servername NAME", "the name the server certificates must carry, also sent as SNI, "
                                                "for the stream and the refresh (default: each URL's host; needed "
                                                "when a URL names an IP address)");
#else
    ex_help_option(stdout, "--ca FILE", "not in this build (AXWS_NO_TLS: ws:// and http:// only)");
    ex_help_option(stdout, "--servername NAME", "not in this build (AXWS_NO_TLS)");
#endif
    if (x->duration_default > 0)
        snprintf(dur, sizeof dur, "stop after SECONDS: disconnect gracefully (close 1000); 0 = until Ctrl-C "
                                  "(default: %g)", x->duration_default);
    else
        snprintf(dur, sizeof dur, "stop after SECONDS: disconnect gracefully (close 1000) (default: 0, until Ctrl-C)");
    ex_help_option(stdout, "--duration SECONDS", dur);
    ex_help_option(stdout, "-h, --help", "print this help and exit");
    printf("\nCtrl-C (SIGINT) and SIGTERM stop it gracefully too. Exit status: 0 after a run that got\n"
           "connected, 1 for a configuration error or a run that never got connected (its last error on\n"
           "stderr), 2 for bad arguments.\n\nexample:\n  %s\n", h->example);
    return 0;
}

/* The value of the option argv[*i] (*i moves to it); NULL at the end of the arguments,
   after the usage on stderr: exit 2 then. */
EX_SHARED const char *ex_value(const ex_opts *x, int argc, char **argv, int *i) {
    char why[96];
    if (*i + 1 < argc) return argv[++*i];
    snprintf(why, sizeof why, "%.60s is missing its value", argv[*i]);
    ex_usage(x, why);
    return NULL;
}

/* An argument nobody took: the usage on stderr, returns 2. */
EX_SHARED int ex_unknown(const ex_opts *x, const char *arg) {
    char why[96];
    snprintf(why, sizeof why, "%s %.60s", arg[0] == '-' ? "unknown option" : "unexpected argument", arg);
    return ex_usage(x, why);
}

#define EX_NEXT (-1) /* ex_option took argv[*i] (and its value): go on with the next */
#define EX_OWN (-2)  /* not a common option: the example's own, or unknown; *i unchanged */

/* Look at argv[*i]. --help / -h prints the help and returns 0 (exit 0). A common option
   with a good value is stored and *i moves past it: EX_NEXT; without a value or with a bad
   one, the usage and 2. Anything else: EX_OWN -- the example looks at it (ex_value() for
   its value), or rejects it (ex_unknown()). */
EX_SHARED int ex_option(ex_opts *x, int argc, char **argv, int *i) {
    static const char *const common[] = { "--url", "--region", "--api-url", "--token-file", "--ca", "--servername",
                                          "--duration" };
    const char *o = argv[*i], *v;
    char why[160];
    int k, region;
    if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) return ex_usage(x, NULL);
    for (k = x->own_url_region ? 2 : 0; k < (int)(sizeof common / sizeof common[0]); k++)
        if (strcmp(o, common[k]) == 0) break;
    if (k == (int)(sizeof common / sizeof common[0])) return EX_OWN;
    if (!(v = ex_value(x, argc, argv, i))) return 2;
    switch (k) {
    case 0: x->url = v; break;
    case 1:
        if ((region = axws_axiom_region_from_name(v)) < 0) {
            snprintf(why, sizeof why, "--region %.40s: no such region (Global, USWest, USCentral, USEast, EUWest, "
                                      "EUCentral, EUEast, Asia, Australia)", v);
            return ex_usage(x, why);
        }
        x->region = region;
        break;
    case 2: x->api_url = v; break;
    case 3: x->token_file = v; break;
    case 4:
    case 5:
#ifdef AXWS_NO_TLS
        return ex_usage(x, "this build has no TLS (AXWS_NO_TLS): --ca and --servername do not apply");
#else
        if (k == 4) x->ca = v;
        else x->servername = v;
        break;
#endif
    default:
        if (parse_number(v, 0, 1e7, &x->duration)) return ex_usage(x, "--duration wants seconds (0: until Ctrl-C)");
        break;
    }
    return EX_NEXT;
}

/* ---- files and URLs named by options, checked before the library sees them */

/* 0 when the file at path opens and reads; else -1 after "prog: what path: <errno's text>"
   on stderr. The library's loaders report a file they cannot read only as a code (trust
   anchors: AXWS_EIO, whose text is "socket error"; tokens: AXWS_EFILE), without the path's
   errno: checking first lets the message name the cause. A directory opens and fails only
   when read, so one byte is read. */
EX_SHARED int ex_readable(const char *prog, const char *what, const char *path) {
    FILE *f;
    int err = 0;
    errno = 0;
    if (!(f = fopen(path, "rb"))) {
        err = errno ? errno : EIO;
    } else {
        if (getc(f) == EOF && ferror(f)) err = errno ? errno : EIO;
        fclose(f);
    }
    if (!err) return 0;
    fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, strerror(err));
    return -1;
}

/* 0 when url, the value of option opt, is one the client can use: ws:// or wss://, or for
   --api-url http:// or https://; else 1 (the exit status of a configuration error) after
   "prog: opt url: why" on stderr. The client finds a malformed URL only when it tries it,
   and then waits out the run's --duration without ever connecting. */
EX_SHARED int ex_check_url(const char *prog, const char *opt, const char *url) {
    char ws[512], store[512];
    axws_url u;
    const char *why = NULL;
    size_t n = strlen(url);
    if (strcmp(opt, "--api-url") == 0) {
        /* the refresh is HTTP: its URL parses as the ws:// (wss://) URL of the same host */
        if (strncmp(url, "http://", 7) == 0 && n < sizeof ws - 1) snprintf(ws, sizeof ws, "ws://%s", url + 7);
        else if (strncmp(url, "https://", 8) == 0 && n < sizeof ws - 1) snprintf(ws, sizeof ws, "wss://%s", url + 8);
        else why = n < sizeof ws - 1 ? "not an http:// or https:// URL" : "too long";
    } else {
        if (strncmp(url, "ws://", 5) != 0 && strncmp(url, "wss://", 6) != 0) why = "not a ws:// or wss:// URL";
        else if (n >= sizeof ws) why = "too long";
        else memcpy(ws, url, n + 1);
    }
    if (!why && axws_parse_url(ws, &u, store, sizeof store) != AXWS_OK)
        why = "malformed URL (an empty host, a bad port, brackets, spaces?)";
#ifdef AXWS_NO_TLS
    if (!why && u.secure) why = "this build has no TLS (AXWS_NO_TLS): ws:// and http:// only";
#endif
    if (!why) return 0;
    fprintf(stderr, "%s: %s %s: %s\n", prog, opt, url, why);
    return 1;
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
            open += axws_conn_state(axws_axiom_conn(&clients[i])) != AXWS_STATE_CLOSED;
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
   Ctrl-C cuts the wait short. what: "" or e.g. " every connection"; NULL says nothing (a
   program whose stdout is data, not lines for people). Returns the time. */
EX_SHARED int64_t ex_stop(axws_axiom *clients, int count, int64_t now, const char *what) {
    int i;
    if (what) say("%s: disconnecting%s", stop_signal ? "signal received" : "time is up", what);
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
    cfg->region = x->region < 0 ? AXWS_AXIOM_REGION_GLOBAL : (axws_axiom_region)x->region;
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

#ifndef AXWS_NO_TLS
/* Why axws_tls_anchors_file() returned r (< 0) for a file that reads (ex_readable): in
   words, into out. AXWS_EINVAL covers both "no certificate in it" and "a broken one after
   some good ones": the count of anchors decoded before the failure tells them apart. */
EX_SHARED const char *ex_anchors_why(int r, const axws_tls_anchors *ta, size_t size, char *out, size_t cap) {
    if (r == AXWS_EINVAL && ta->count == 0)
        snprintf(out, cap, "no certificate found%s", ta->skipped ? " (only PEM objects that are not certificates, "
                                                                    "or keys BearSSL cannot use)" : "");
    else if (r == AXWS_EINVAL)
        snprintf(out, cap, "a malformed certificate after the first %zu", ta->count);
    else if (r == AXWS_ENOBUFS)
        snprintf(out, cap, "more certificates than %zu bytes hold (%zu needed)", size, ta->needed);
    else if (r == AXWS_EIO)
        snprintf(out, cap, "read error");
    else
        snprintf(out, cap, "%s", axws_strerror(r));
    return out;
}
#endif

/* Trust anchors for wss:// and for https:// (the token refresh): ca (a PEM file), else the
   system bundle. A run where every URL is plain (ws://, http://) and no ca is given loads
   none (all_plain). 0, or -1 after a message on stderr naming the file and what is wrong
   with it. A build without TLS loads nothing. */
EX_SHARED int ex_load_anchors(axws_axiom_config *cfg, const char *prog, const char *ca, int all_plain) {
#ifndef AXWS_NO_TLS
    static unsigned char anchor_buf[1 << 18]; /* the system bundle takes about 200 KB */
    static axws_tls_anchors anchors;
    const char *path = ca ? ca : "/etc/ssl/certs/ca-certificates.crt";
    const char *what = ca ? "--ca" : "the system's trust anchors,";
    char why[128];
    int r;
    if (!ca && all_plain) return 0;
    if (ex_readable(prog, what, path)) return -1;
    r = axws_tls_anchors_file(&anchors, anchor_buf, sizeof anchor_buf, path);
    if (r < 0) {
        fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, ex_anchors_why(r, &anchors, sizeof anchor_buf, why, sizeof why));
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
   0, or 1 (the exit code) after a message on stderr; a token file's trouble names it. */
EX_SHARED int ex_init(axws_axiom *a, const axws_axiom_config *cfg, const char *prog, const char *what) {
    int r;
    if (cfg->token_file && ex_readable(prog, "--token-file", cfg->token_file)) return 1;
    r = axws_axiom_init(a, cfg);
    if (r == AXWS_EFILE && cfg->token_file) { /* it reads (checked above): not JSON, or too big */
        fprintf(stderr, "%s: --token-file %s: not a token file (JSON {\"access_token\": \"...\", \"refresh_token\": "
                        "\"...\"} expected)\n", prog, cfg->token_file);
        return 1;
    }
    if (r == AXWS_EAUTH) {
        fprintf(stderr, "%s: a token holds bytes an HTTP header cannot carry%s%s\n", prog,
                cfg->token_file ? " (in --token-file " : "", cfg->token_file ? cfg->token_file : "");
        return 1;
    }
    if (r) {
        fprintf(stderr, "%s: cannot set up %s: %s\n", prog, what, axws_strerror(r));
        return 1;
    }
    if (!axws_axiom_has_token(a)) {
        if (cfg->token_file)
            fprintf(stderr, "%s: no tokens: --token-file %s holds neither an access_token nor a refresh_token\n",
                    prog, cfg->token_file);
        else
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
   each other; the URLs checked; the config from the common options, the buffers and the
   callbacks; --url for the stream (token_price: for the token-price socket); trust
   anchors; the client set up, with tokens; the signals. 0, or the exit code (2: bad
   arguments, 1: configuration) after a message on stderr. */
EX_SHARED int ex_setup(axws_axiom *a, const ex_opts *x, ex_bufs *b, int token_price, ex_message_fn *on_message,
                       ex_connected_fn *on_connected, ex_disconnected_fn *on_disconnected, ex_error_fn *on_error) {
    axws_axiom_config cfg;
    if (x->url && x->region >= 0) return ex_usage(x, "--url and --region exclude each other");
    if ((x->url && ex_check_url(x->prog, "--url", x->url)) || (x->api_url && ex_check_url(x->prog, "--api-url", x->api_url)))
        return 1;
    ex_config(&cfg, x);
    ex_client(&cfg, b, on_message, on_connected, on_disconnected, on_error, NULL);
    if (token_price) cfg.token_price_url = x->url; /* NULL: the real token-price socket */
    else cfg.url = x->url;                          /* NULL: the region's hosts */
    if (ex_load_anchors(&cfg, x->prog, x->ca, ex_plain(x->url, "ws://") && ex_plain(x->api_url, "http://"))) return 1;
    if (ex_init(a, &cfg, x->prog, "the client")) return 1;
    ex_signals();
    return 0;
}

/* ---- the event loops' trace (epoll_loop, libuv_loop) */

/* With AXWS_EXAMPLE_TRACE set (and not "0"): "prog: register fd N generation G FAMILY local
   port P" on stderr, the socket told by the kernel (family and local port), so that a
   reused descriptor number is seen to name another socket. Call it whenever the loop
   registers the library's socket (fd) of generation gen (axws_socket_generation()). */
EX_SHARED void ex_trace_socket(const char *prog, int fd, unsigned gen) {
    const char *on = getenv("AXWS_EXAMPLE_TRACE");
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)(const void *)&a;
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)(const void *)&a;
    if (!on || !*on || strcmp(on, "0") == 0) return;
    if (getsockname(fd, (struct sockaddr *)&a, &len) != 0) a.ss_family = AF_UNSPEC;
    fprintf(stderr, "%s: register fd %d generation %u %s local port %d\n", prog, fd, gen,
            a.ss_family == AF_INET ? "IPv4" : a.ss_family == AF_INET6 ? "IPv6" : "?",
            a.ss_family == AF_INET ? ntohs(v4->sin_port)
            : a.ss_family == AF_INET6 ? ntohs(v6->sin6_port) : 0);
}

#endif /* AXIOM_EXAMPLE_H_INCLUDED */
