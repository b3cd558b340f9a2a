/* examples/price_monitor.c - the seed's "Complete Example: Multi-Token Price Monitor" in C.

   price_monitor [--url URL | --region NAME] [--token-price] [--ca FILE] [--servername NAME]
                 [--api-url URL] [--token-file FILE] [--token MINT]... [--alert-pct P] [--new-tokens]
                 [--duration SECONDS]

   Subscribes to the price rooms of several tokens (default: SOL, USDC and BONK, the mints of
   the seed; --token MINT, repeatable, replaces them; SOL, USDC, BONK and WIF may be given by
   symbol), prints every price with its change since the first one, prints an ALERT each time
   a token has moved --alert-pct percent (default 2) from the price of its last alert (or its
   first price), prints the connection's events (connected with the session id, disconnected
   with the reason, errors with their kind), and at the end a summary: per token its first,
   last, lowest and highest price and how many updates came; how many connections and
   reconnects there were. With --new-tokens it also subscribes to new pairs, as the seed does.

   Prices come from the token's room (content: a number). A MarketUpdate object for a tracked
   token (the seed's typed shape) fills in its symbol and 24 h change (shown in the summary);
   it counts as a price only for a token whose room has sent nothing yet, so a service that
   sends both is not counted twice.

   It runs until --duration seconds have passed (default 300, the seed's five minutes; 0 =
   until Ctrl-C) or Ctrl-C, then disconnects gracefully (close handshake 1000) and exits 0.
   Bad arguments exit 2; a configuration error, or never getting connected, exits 1.
   Tokens come from --token-file, AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN, or
   ./.axiom_tokens.json; they are never printed. One line per event, flushed per line.
   This is what `make demo` runs (against the local stand-in unless real tokens are set).

   wss:// and the https:// refresh are verified against --ca FILE (PEM; default: the system
   bundle, /etc/ssl/certs/ca-certificates.crt) with the name --servername (default: the
   URL's host; give "localhost" when the URL says 127.0.0.1 and the certificate names
   localhost). A run where every URL is plain ws:// / http:// loads no CA.

   Shows: the handler's four callbacks, subscriptions made before connecting (joined, paced,
   once connected, and joined again after every reconnect), RAW messages whose content is a
   number (axws_axiom_value_num), typed MarketUpdate messages, the step loop with a
   deadline, graceful shutdown on a signal.
   Build: make build/price_monitor   (or: cc -std=c99 -D_POSIX_C_SOURCE=200809L -I.
          examples/price_monitor.c -o price_monitor -lbearssl) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TOKENS 32

static unsigned char rx_buf[1 << 17], tx_buf[1 << 16], msg_buf[1 << 17];
static axws_axiom client; /* large (buffers for the decoder and the refresh): not on the stack */

typedef struct token {
    const char *mint;
    char symbol[24];
    int have;                 /* any price yet */
    int room_prices;          /* prices from the token's own room */
    double first, last, min, max, ref; /* ref: price at the last alert (or the first) */
    double change_24h;        /* from MarketUpdate, when one came */
    int have_change_24h;
    long updates, alerts;
} token;

static token tokens[MAX_TOKENS];
static int token_count;
static double alert_pct = 2.0;
static int show_new_pairs;
static long connections, disconnections, error_count, new_pairs;
static volatile sig_atomic_t stop_signal;

static const struct { const char *symbol, *mint; } known[] = {
    { "SOL", "So11111111111111111111111111111111111111112" },
    { "USDC", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v" },
    { "BONK", "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263" },
    { "WIF", "EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm" },
};

/* ---- output: one line per event, with the time, flushed at once */

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

/* A price with about five significant digits and no exponent: 151.20, 0.000023100. */
static const char *fmt_price(char *out, size_t cap, double p) {
    int decimals = 0;
    double x = p < 0 ? -p : p;
    while (x > 0 && x < 10000 && decimals < 12) {
        x *= 10;
        decimals++;
    }
    if (decimals < 2) decimals = 2;
    snprintf(out, cap, "%.*f", decimals, p);
    return out;
}

/* A string field as printable text: unescaped, control bytes replaced, "null" / "-". */
static const char *text(const axws_axiom_str *s, char *out, size_t cap) {
    size_t n = 0, i;
    if (!(s->flags & AXWS_AXIOM_PRESENT)) return "-";
    if (s->flags & AXWS_AXIOM_NULL) return "null";
    axws_axiom_str_unescape(s, out, cap - 1, &n); /* too long: as much as fits */
    out[n] = 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7F) out[i] = '?'; /* keep one line */
    return out;
}

/* ---- prices and alerts */

static token *find_token(const char *mint, size_t len) {
    int i;
    for (i = 0; i < token_count; i++)
        if (strlen(tokens[i].mint) == len && memcmp(tokens[i].mint, mint, len) == 0) return &tokens[i];
    return NULL;
}

static void on_price(token *t, double price, const char *source) {
    char p[40], q[40];
    double pct;
    if (!(price > 0)) return; /* NaN (a number cut short) or nonsense */
    t->updates++;
    if (!t->have) {
        t->have = 1;
        t->first = t->min = t->max = t->ref = price;
    }
    if (price < t->min) t->min = price;
    if (price > t->max) t->max = price;
    t->last = price;
    pct = (price / t->first - 1) * 100;
    say("price  %-6s %s  (%+.2f%% since start)%s", t->symbol, fmt_price(p, sizeof p, price), pct, source);
    pct = (price / t->ref - 1) * 100;
    if (pct >= alert_pct || -pct >= alert_pct) {
        t->alerts++;
        say("ALERT  %-6s %s %.2f%%: %s -> %s", t->symbol, pct > 0 ? "up" : "down", pct < 0 ? -pct : pct,
            fmt_price(q, sizeof q, t->ref), fmt_price(p, sizeof p, price));
        t->ref = price;
    }
}

static void on_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    char b1[256], b2[256], b3[64], b4[40];
    token *t;
    (void)a;
    (void)user;
    switch (m->kind) {
    case AXWS_AXIOM_KIND_RAW:
        /* a mint room: {"room":"<mint>","content":<price>} */
        if ((m->room.flags & AXWS_AXIOM_PRESENT) && m->content.type == AXWS_JSON_NUMBER &&
            (t = find_token(m->room.ptr, m->room.len)) != NULL) {
            axws_axiom_num n = axws_axiom_value_num(&m->content);
            t->room_prices++;
            on_price(t, n.value, "");
        }
        break;
    case AXWS_AXIOM_KIND_MARKET_UPDATE: {
        const axws_axiom_market_update *u = &m->u.market_update;
        if (!(t = find_token(u->token_mint.ptr, u->token_mint.len))) break;
        if (u->symbol.len && u->symbol.len < sizeof t->symbol && !(u->symbol.flags & AXWS_AXIOM_ESCAPED))
            text(&u->symbol, t->symbol, sizeof t->symbol);
        t->change_24h = u->price_change_24h.value;
        t->have_change_24h = 1;
        if (!t->room_prices) on_price(t, u->price_usd.value, "  [MarketUpdate]");
        break;
    }
    case AXWS_AXIOM_KIND_NEW_PAIR:
        new_pairs++;
        if (show_new_pairs) {
            const axws_axiom_new_pair *p = &m->u.new_pair;
            say("new    %s (%s) on %s, initial liquidity %s SOL", text(&p->token_ticker, b1, sizeof b1),
                text(&p->token_name, b2, sizeof b2), text(&p->protocol, b3, sizeof b3),
                (p->initial_liquidity_sol.flags & AXWS_AXIOM_PRESENT) ? fmt_price(b4, sizeof b4, p->initial_liquidity_sol.value) : "-");
        }
        break;
    case AXWS_AXIOM_KIND_ERROR:
        say("server error %lld: %s", (long long)m->u.error.code.integer, text(&m->u.error.message, b1, sizeof b1));
        break;
    default:
        break;
    }
}

static void on_connected(axws_axiom *a, const char *session_id, void *user) {
    (void)user;
    connections++;
    say("connected to %s (session %s, %d subscriptions%s)", axws_axiom_url(a), session_id,
        axws_axiom_subscription_count(a), connections > 1 ? ", joining them again" : "");
}

static void on_disconnected(axws_axiom *a, const char *reason, void *user) {
    (void)a;
    (void)user;
    disconnections++;
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
    error_count++;
    say("error [%s] %s%s%s", axws_axiom_error_kind_name(e->kind), e->text, tls_detail(e, tls, sizeof tls),
        e->kind == AXWS_AXIOM_ERR_AUTH && e->code == AXWS_EAUTH && !e->http_status
            ? " (give --token-file, or set AXIOM_ACCESS_TOKEN)" : "");
}

static void summary(double seconds) {
    char f[40], l[40], lo[40], hi[40], c24[24];
    int i;
    say("summary after %.1f s: %ld connection%s, %ld reconnect%s, %ld error%s", seconds, connections,
        connections == 1 ? "" : "s", connections > 1 ? connections - 1 : 0, connections == 2 ? "" : "s",
        error_count, error_count == 1 ? "" : "s");
    printf("  %-6s %14s %14s %14s %14s %8s %7s %6s %8s\n", "token", "first", "last", "min", "max", "change", "updates",
           "alerts", "24h");
    for (i = 0; i < token_count; i++) {
        const token *t = &tokens[i];
        if (!t->have) {
            printf("  %-6s %14s %14s %14s %14s %8s %7ld %6ld %8s\n", t->symbol, "-", "-", "-", "-", "-", t->updates,
                   t->alerts, "-");
            continue;
        }
        if (t->have_change_24h) snprintf(c24, sizeof c24, "%+.2f%%", t->change_24h);
        else snprintf(c24, sizeof c24, "-");
        printf("  %-6s %14s %14s %14s %14s %+7.2f%% %7ld %6ld %8s\n", t->symbol, fmt_price(f, sizeof f, t->first),
               fmt_price(l, sizeof l, t->last), fmt_price(lo, sizeof lo, t->min), fmt_price(hi, sizeof hi, t->max),
               (t->last / t->first - 1) * 100, t->updates, t->alerts, c24);
    }
    if (show_new_pairs) printf("  new pairs: %ld\n", new_pairs);
    fflush(stdout);
}

/* ---- arguments */

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
    if (why) fprintf(stderr, "price_monitor: %s\n", why);
    fprintf(stderr,
            "usage: price_monitor [--url URL | --region NAME] [--token-price] [--ca FILE] [--servername NAME]\n"
            "                     [--api-url URL] [--token-file FILE] [--token MINT]... [--alert-pct P] [--new-tokens]\n"
            "                     [--duration SECONDS]\n"
            "regions: Global (default), USWest, USCentral, USEast, EUWest, EUCentral, EUEast, Asia, Australia\n");
    return 2;
}

/* Base58 (the Solana alphabet), 32 to 44 characters: what a mint address looks like. */
static int is_address(const char *s) {
    size_t n = strlen(s), i;
    if (n < 32 || n > 44) return 0;
    for (i = 0; i < n; i++)
        if (!strchr("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", s[i])) return 0;
    return 1;
}

static int add_token(const char *arg) {
    size_t i;
    const char *mint = arg;
    token *t;
    for (i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(arg, known[i].symbol) == 0 || strcmp(arg, known[i].mint) == 0) mint = known[i].mint;
    if (!is_address(mint)) return -1;
    if (find_token(mint, strlen(mint))) return 0;
    if (token_count == MAX_TOKENS) return -1;
    t = &tokens[token_count++];
    memset(t, 0, sizeof *t);
    t->mint = mint;
    /* a symbol until a MarketUpdate tells the real one: the known name, or the mint's start */
    snprintf(t->symbol, sizeof t->symbol, "%.4s..", mint);
    for (i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(mint, known[i].mint) == 0) snprintf(t->symbol, sizeof t->symbol, "%s", known[i].symbol);
    return 0;
}

static int parse_number(const char *s, double lo, double hi, double *out) {
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi)) return -1;
    *out = v;
    return 0;
}

static void on_signal(int sig) {
    (void)sig;
    stop_signal = 1;
}

/* Run the step loop until `end` (0: no end) or a signal; closing: also until the stream is
   closed. One poll over the client's sockets (the stream, and a token refresh when one is
   under way), as long as the client's own timers allow. */
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
    const char *url = NULL;
    double duration = 300;
    int token_price = 0, i, r, region = -1;
    int64_t start, end, now;
    struct sigaction sa;

    memset(&cfg, 0, sizeof cfg);
    for (i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(NULL);
            return 0;
        }
        if (strcmp(o, "--token-price") == 0) {
            token_price = 1;
            continue;
        }
        if (strcmp(o, "--new-tokens") == 0) {
            show_new_pairs = 1;
            continue;
        }
        if (!v) return usage(strncmp(o, "--", 2) == 0 ? "an option is missing its value" : "unknown argument");
        i++;
        if (strcmp(o, "--url") == 0) url = v;
        else if (strcmp(o, "--region") == 0) {
            if ((region = axws_region_from_name(v)) < 0) return usage("unknown region");
        } else if (strcmp(o, "--api-url") == 0) cfg.api_url = v;
        else if (strcmp(o, "--ca") == 0 || strcmp(o, "--servername") == 0) {
#ifdef AXWS_NO_TLS
            return usage("this build has no TLS (AXWS_NO_TLS): --ca and --servername do not apply");
#else
            if (o[2] == 'c') ca = v;
            else servername = v;
#endif
        } else if (strcmp(o, "--token-file") == 0) cfg.token_file = v;
        else if (strcmp(o, "--token") == 0) {
            if (add_token(v) != 0) return usage("--token wants a mint address (base58, 32-44 characters) or SOL, USDC, BONK, WIF");
        } else if (strcmp(o, "--alert-pct") == 0) {
            if (parse_number(v, 0.001, 1000, &alert_pct)) return usage("--alert-pct wants a number above 0");
        } else if (strcmp(o, "--duration") == 0) {
            if (parse_number(v, 0, 1e7, &duration)) return usage("--duration wants seconds (0: until Ctrl-C)");
        } else
            return usage("unknown argument");
    }
    if (token_count == 0) /* the seed's tokens */
        for (i = 0; i < 3; i++) add_token(known[i].mint);

    if (url && region >= 0) return usage("--url and --region exclude each other");
    cfg.handler.on_message = on_message;
    cfg.handler.on_connected = on_connected;
    cfg.handler.on_disconnected = on_disconnected;
    cfg.handler.on_error = on_error;
    cfg.region = region < 0 ? AXWS_REGION_GLOBAL : (axws_region)region;
    if (token_price) cfg.token_price_url = url; /* NULL: the real token-price socket */
    else cfg.url = url;                          /* NULL: the region's hosts */
    cfg.rx_buf = rx_buf; cfg.rx_size = sizeof rx_buf;
    cfg.tx_buf = tx_buf; cfg.tx_size = sizeof tx_buf;
    cfg.msg_buf = msg_buf; cfg.msg_size = sizeof msg_buf;
#ifndef AXWS_NO_TLS
    cfg.servername = servername; /* e.g. "localhost" when the URL says 127.0.0.1 */
    if (load_anchors(&cfg, "price_monitor", ca,
                     url && strncmp(url, "ws://", 5) == 0 && cfg.api_url && strncmp(cfg.api_url, "http://", 7) == 0))
        return 1;
#else
    (void)ca;
    (void)servername;
#endif
    r = axws_axiom_init(&client, &cfg);
    if (r) {
        fprintf(stderr, "price_monitor: cannot set up the client: %s\n", axws_strerror(r));
        return 1;
    }
    if (!axws_axiom_has_token(&client)) {
        fprintf(stderr, "price_monitor: no tokens: give --token-file, set AXIOM_ACCESS_TOKEN (and AXIOM_REFRESH_TOKEN), "
                        "or put them in ./.axiom_tokens.json\n");
        return 1;
    }

    /* Ctrl-C: finish the loop and disconnect. No SA_RESTART, so poll() returns at once. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* subscribe first: the rooms are joined once the upgrade is done, 100 ms apart (the
       seed's rate limiting, done by the client: cfg.pacing_ms), and again after a reconnect */
    if (show_new_pairs) axws_axiom_subscribe_new_tokens(&client);
    for (i = 0; i < token_count; i++) axws_axiom_subscribe_token_price(&client, tokens[i].mint);

    start = now = axws_now_ms();
    end = duration > 0 ? start + (int64_t)(duration * 1000) : 0;
    say("monitoring %d token%s for %s, alerts at %.2f%% moves", token_count, token_count == 1 ? "" : "s",
        duration > 0 ? "the given time" : "ever (Ctrl-C stops)", alert_pct);
    r = token_price ? axws_axiom_connect_token_price(&client, now) : axws_axiom_connect(&client, now);
    if (r) {
        fprintf(stderr, "price_monitor: cannot connect: %s\n", axws_strerror(r));
        return 1;
    }

    now = pump(now, end, 0);

    /* graceful shutdown: close handshake with 1000; the client bounds the wait */
    say("%s: disconnecting", stop_signal ? "signal received" : "time is up");
    axws_axiom_disconnect(&client, now);
    stop_signal = 0; /* a second Ctrl-C cuts the wait short */
    now = pump(now, now + 5000, 1);
    summary((double)(now - start) / 1000);
    return connections > 0 ? 0 : 1;
}
