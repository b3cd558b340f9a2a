/* examples/price_tracker.c - the seed's PriceTracker: high/low tracking and price alerts.

   price_tracker [--url URL | --region NAME] [--token-price] [--ca FILE] [--servername NAME]
                 [--api-url URL] [--token-file FILE] [--token MINT]... [--above MINT=PRICE]...
                 [--below MINT=PRICE]... [--duration SECONDS]

   Tracks the price of each token (--token, and every token named by an alert; with none of
   them: SOL, USDC and BONK; SOL, USDC, BONK and WIF may be given by symbol): current, high
   and low since the start, the 24 h volume when the service sends MarketUpdate objects, and
   when it last changed. Prints one line per price with its high and low (marking a new high
   or low), and an ALERT when a price crosses an alert's threshold: --above MINT=PRICE fires
   when the price goes above PRICE, --below MINT=PRICE when it goes below. The seed prints its
   alert on every update while the condition holds; this one prints it once per crossing
   (re-armed when the price comes back), so a price that stays above does not flood the
   screen. At the end: a table of every token.

   Runs until --duration seconds (default 0 = until Ctrl-C) or Ctrl-C, then disconnects
   gracefully (close 1000) and exits 0. Bad arguments exit 2; a configuration error, or never
   getting connected, exits 1. Tokens come from --token-file, AXIOM_ACCESS_TOKEN /
   AXIOM_REFRESH_TOKEN, or ./.axiom_tokens.json; never printed. One line per event, flushed.

   wss:// and the https:// refresh are verified against --ca FILE (PEM; default: the system
   bundle, /etc/ssl/certs/ca-certificates.crt) with the name --servername (default: the
   URL's host; give "localhost" when the URL says 127.0.0.1 and the certificate names
   localhost). A run where every URL is plain ws:// / http:// loads no CA.

   Shows: subscribe_token_price for several tokens, connect_token_price (--token-price: the
   dedicated token-price socket, socket8, or --url's), RAW messages with a number content,
   MarketUpdate messages, and the step loop shared by the handler's state.
   Build: make build/price_tracker   (or: cc -std=c99 -D_POSIX_C_SOURCE=200809L -I.
          examples/price_tracker.c -o price_tracker -lbearssl) */
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
#define MAX_ALERTS 64

static unsigned char rx_buf[1 << 17], tx_buf[1 << 16], msg_buf[1 << 17];
static axws_axiom client; /* large: not on the stack */

/* the seed's PriceData */
typedef struct price_data {
    const char *mint;
    char symbol[24];
    int have, room_prices;
    double current, high, low, volume_24h;
    int have_volume;
    int64_t last_updated; /* ms, axws_now_ms() */
    long updates;
} price_data;

/* the seed's PriceAlert */
typedef enum { ABOVE, BELOW } alert_condition;
typedef struct price_alert {
    price_data *token;
    double target_price;
    alert_condition condition;
    int holds;  /* the condition held at the last update: fire again only after it stops */
    long fired;
} price_alert;

static price_data prices[MAX_TOKENS];
static int price_count;
static price_alert alerts[MAX_ALERTS];
static int alert_count;
static long connections;
static volatile sig_atomic_t stop_signal;

static const struct { const char *symbol, *mint; } known[] = {
    { "SOL", "So11111111111111111111111111111111111111112" },
    { "USDC", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v" },
    { "BONK", "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263" },
    { "WIF", "EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm" },
};

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

/* About five significant digits, no exponent: 151.20, 0.000023100. */
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

static price_data *find(const char *mint, size_t len) {
    int i;
    for (i = 0; i < price_count; i++)
        if (strlen(prices[i].mint) == len && memcmp(prices[i].mint, mint, len) == 0) return &prices[i];
    return NULL;
}

/* the seed's update_price */
static void update_price(price_data *d, double price) {
    char p[40], h[40], l[40], t[40];
    const char *mark = "";
    int i;
    if (!(price > 0)) return;
    if (!d->have) {
        d->have = 1;
        d->high = d->low = price;
    } else if (price > d->high) {
        d->high = price;
        mark = "  new high";
    } else if (price < d->low) {
        d->low = price;
        mark = "  new low";
    }
    d->current = price;
    d->last_updated = axws_now_ms();
    d->updates++;
    say("price  %-6s %s  high %s  low %s%s", d->symbol, fmt_price(p, sizeof p, price), fmt_price(h, sizeof h, d->high),
        fmt_price(l, sizeof l, d->low), mark);
    for (i = 0; i < alert_count; i++) {
        price_alert *al = &alerts[i];
        int holds;
        if (al->token != d) continue;
        holds = al->condition == ABOVE ? price > al->target_price : price < al->target_price;
        if (holds && !al->holds) {
            al->fired++;
            say("ALERT  %-6s is %s %s: %s", d->symbol, al->condition == ABOVE ? "above" : "below",
                fmt_price(t, sizeof t, al->target_price), fmt_price(p, sizeof p, price));
        }
        al->holds = holds;
    }
}

static void on_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    price_data *d;
    (void)a;
    (void)user;
    if (m->kind == AXWS_AXIOM_KIND_RAW && (m->room.flags & AXWS_AXIOM_PRESENT) && m->content.type == AXWS_JSON_NUMBER &&
        (d = find(m->room.ptr, m->room.len)) != NULL) {
        d->room_prices++;
        update_price(d, axws_axiom_value_num(&m->content).value);
    } else if (m->kind == AXWS_AXIOM_KIND_MARKET_UPDATE &&
               (d = find(m->u.market_update.token_mint.ptr, m->u.market_update.token_mint.len)) != NULL) {
        /* the seed's typed shape: its volume; its price only when the room sends none */
        d->volume_24h = m->u.market_update.volume_24h.value;
        d->have_volume = 1;
        if (!d->room_prices) update_price(d, m->u.market_update.price_usd.value);
    }
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
    if (why) fprintf(stderr, "price_tracker: %s\n", why);
    fprintf(stderr, "usage: price_tracker [--url URL | --region NAME] [--token-price] [--ca FILE] [--servername NAME]\n"
                    "                     [--api-url URL] [--token-file FILE] [--token MINT]... [--above MINT=PRICE]...\n"
                    "                     [--below MINT=PRICE]... [--duration SECONDS]\n");
    return 2;
}

static int is_address(const char *s, size_t n) {
    size_t i;
    if (n < 32 || n > 44) return 0;
    for (i = 0; i < n; i++)
        if (!s[i] || !strchr("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", s[i])) return 0;
    return 1;
}

/* MINT or a known symbol -> its price_data (added if new), or NULL. */
static price_data *token_arg(const char *s, size_t n) {
    size_t i;
    price_data *d;
    const char *mint = NULL;
    for (i = 0; i < sizeof known / sizeof known[0]; i++)
        if ((strlen(known[i].symbol) == n && memcmp(s, known[i].symbol, n) == 0) ||
            (strlen(known[i].mint) == n && memcmp(s, known[i].mint, n) == 0))
            mint = known[i].mint;
    if (!mint && is_address(s, n)) mint = s; /* s lives in argv: for the program's life */
    if (!mint) return NULL;
    if ((d = find(mint, mint == s ? n : strlen(mint))) != NULL) return d;
    if (price_count == MAX_TOKENS) return NULL;
    d = &prices[price_count++];
    memset(d, 0, sizeof *d);
    d->mint = mint;
    if (mint == s && s[n]) { /* MINT=PRICE: keep just the mint */
        static char copies[MAX_TOKENS][48];
        memcpy(copies[price_count - 1], s, n);
        copies[price_count - 1][n] = 0;
        d->mint = copies[price_count - 1];
    }
    snprintf(d->symbol, sizeof d->symbol, "%.4s..", d->mint);
    for (i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(d->mint, known[i].mint) == 0) snprintf(d->symbol, sizeof d->symbol, "%s", known[i].symbol);
    return d;
}

static int alert_arg(const char *s, alert_condition cond) {
    const char *eq = strchr(s, '=');
    char *end;
    double v;
    price_data *d;
    if (!eq || alert_count == MAX_ALERTS) return -1;
    errno = 0;
    v = strtod(eq + 1, &end);
    if (errno || end == eq + 1 || *end || !(v > 0)) return -1;
    if (!(d = token_arg(s, (size_t)(eq - s)))) return -1;
    alerts[alert_count].token = d;
    alerts[alert_count].target_price = v;
    alerts[alert_count].condition = cond;
    alert_count++;
    return 0;
}

static void on_signal(int sig) {
    (void)sig;
    stop_signal = 1;
}

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
    double duration = 0;
    int token_price = 0, i, r, region = -1;
    int64_t start, now;
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
        if (!v) return usage(strncmp(o, "--", 2) == 0 ? "an option is missing its value" : "unknown argument");
        i++;
        if (strcmp(o, "--url") == 0) url = v;
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
        else if (strcmp(o, "--token") == 0) {
            if (!token_arg(v, strlen(v))) return usage("--token wants a mint address or SOL, USDC, BONK, WIF");
        } else if (strcmp(o, "--above") == 0 || strcmp(o, "--below") == 0) {
            if (alert_arg(v, o[2] == 'a' ? ABOVE : BELOW)) return usage("--above/--below want MINT=PRICE (PRICE > 0)");
        } else if (strcmp(o, "--duration") == 0) {
            char *e;
            errno = 0;
            duration = strtod(v, &e);
            if (errno || e == v || *e || !(duration >= 0 && duration <= 1e7)) return usage("--duration wants seconds");
        } else
            return usage("unknown argument");
    }
    if (!price_count)
        for (i = 0; i < 3; i++) token_arg(known[i].mint, strlen(known[i].mint));

    if (url && region >= 0) return usage("--url and --region exclude each other");
    cfg.handler.on_message = on_message;
    cfg.handler.on_connected = on_connected;
    cfg.handler.on_disconnected = on_disconnected;
    cfg.handler.on_error = on_error;
    cfg.region = region < 0 ? AXWS_REGION_GLOBAL : (axws_region)region;
    if (token_price) cfg.token_price_url = url;
    else cfg.url = url;
    cfg.rx_buf = rx_buf; cfg.rx_size = sizeof rx_buf;
    cfg.tx_buf = tx_buf; cfg.tx_size = sizeof tx_buf;
    cfg.msg_buf = msg_buf; cfg.msg_size = sizeof msg_buf;
#ifndef AXWS_NO_TLS
    cfg.servername = servername; /* e.g. "localhost" when the URL says 127.0.0.1 */
    if (load_anchors(&cfg, "price_tracker", ca,
                     url && strncmp(url, "ws://", 5) == 0 && cfg.api_url && strncmp(cfg.api_url, "http://", 7) == 0))
        return 1;
#else
    (void)ca;
    (void)servername;
#endif
    if ((r = axws_axiom_init(&client, &cfg)) != 0) {
        fprintf(stderr, "price_tracker: cannot set up the client: %s\n", axws_strerror(r));
        return 1;
    }
    if (!axws_axiom_has_token(&client)) {
        fprintf(stderr, "price_tracker: no tokens: give --token-file, set AXIOM_ACCESS_TOKEN (and AXIOM_REFRESH_TOKEN), "
                        "or put them in ./.axiom_tokens.json\n");
        return 1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    for (i = 0; i < price_count; i++) axws_axiom_subscribe_token_price(&client, prices[i].mint);
    for (i = 0; i < alert_count; i++) {
        char t[40];
        say("alert  %-6s %s %s", alerts[i].token->symbol, alerts[i].condition == ABOVE ? "above" : "below",
            fmt_price(t, sizeof t, alerts[i].target_price));
    }
    start = now = axws_now_ms();
    r = token_price ? axws_axiom_connect_token_price(&client, now) : axws_axiom_connect(&client, now);
    if (r) {
        fprintf(stderr, "price_tracker: cannot connect: %s\n", axws_strerror(r));
        return 1;
    }
    now = pump(now, duration > 0 ? start + (int64_t)(duration * 1000) : 0, 0);
    say("%s: disconnecting", stop_signal ? "signal received" : "time is up");
    axws_axiom_disconnect(&client, now);
    stop_signal = 0;
    now = pump(now, now + 5000, 1);

    printf("  %-6s %14s %14s %14s %14s %8s %8s\n", "token", "current", "high", "low", "volume 24h", "updates", "age");
    for (i = 0; i < price_count; i++) {
        const price_data *d = &prices[i];
        char c[40], h[40], l[40], v[40], age[24];
        if (!d->have) {
            printf("  %-6s %14s %14s %14s %14s %8ld %8s\n", d->symbol, "-", "-", "-", "-", d->updates, "-");
            continue;
        }
        if (d->have_volume) snprintf(v, sizeof v, "%.2f", d->volume_24h);
        else snprintf(v, sizeof v, "-");
        snprintf(age, sizeof age, "%.1fs", (double)(now - d->last_updated) / 1000);
        printf("  %-6s %14s %14s %14s %14s %8ld %8s\n", d->symbol, fmt_price(c, sizeof c, d->current),
               fmt_price(h, sizeof h, d->high), fmt_price(l, sizeof l, d->low), v, d->updates, age);
    }
    for (i = 0; i < alert_count; i++) {
        char t[40];
        printf("  alert %s %s %s: fired %ld time%s\n", alerts[i].token->symbol,
               alerts[i].condition == ABOVE ? "above" : "below", fmt_price(t, sizeof t, alerts[i].target_price),
               alerts[i].fired, alerts[i].fired == 1 ? "" : "s");
    }
    fflush(stdout);
    return connections > 0 ? 0 : 1;
}
