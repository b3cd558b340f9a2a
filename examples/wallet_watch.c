/* examples/wallet_watch.c - watch wallets' trades (the seed's wallet transaction monitoring).

   wallet_watch --wallet ADDR [--wallet ADDR]... [--url URL | --region NAME] [--ca FILE]
                [--servername NAME] [--api-url URL] [--token-file FILE] [--duration SECONDS]

   Subscribes to the transactions of each wallet (room `v:<wallet>`) and prints one line per
   trade: buy or sell, the token's ticker and name (from the trade's `pair` object), the token
   amount, what it cost in SOL and USD, the price per token, the wallet and the transaction's
   signature (shortened). At the end: trades, buys and sells per wallet.

   Runs until --duration seconds (default 0 = until Ctrl-C) or Ctrl-C, then disconnects
   gracefully (close 1000) and exits 0. Bad arguments (no --wallet, an address that is not
   base58) exit 2; a configuration error, or never getting connected, exits 1. Tokens come
   from --token-file, AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN, or ./.axiom_tokens.json;
   never printed. One line per event, flushed per line.

   wss:// and the https:// refresh are verified against --ca FILE (PEM; default: the system
   bundle, /etc/ssl/certs/ca-certificates.crt) with the name --servername (default: the
   URL's host; give "localhost" when the URL says 127.0.0.1 and the certificate names
   localhost). A run where every URL is plain ws:// / http:// loads no CA.

   Shows: subscribe_wallet_transactions, the typed WALLET_TRADE message (top-level fields and
   the camelCase fields of its nested `pair` object), the room a message came from.
   Build: make build/wallet_watch   (or: cc -std=c99 -D_POSIX_C_SOURCE=200809L -I.
          examples/wallet_watch.c -o wallet_watch -lbearssl) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_WALLETS 32

static unsigned char rx_buf[1 << 17], tx_buf[1 << 16], msg_buf[1 << 17];
static axws_axiom client; /* large: not on the stack */

typedef struct wallet {
    const char *address;
    long trades, buys, sells;
} wallet;

static wallet wallets[MAX_WALLETS];
static int wallet_count;
static long connections;
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

/* A string field as printable text (unescaped, control bytes replaced; "null", "-"). */
static const char *text(const axws_axiom_str *s, char *out, size_t cap) {
    size_t n = 0, i;
    if (!(s->flags & AXWS_AXIOM_PRESENT)) return "-";
    if (s->flags & AXWS_AXIOM_NULL) return "null";
    axws_axiom_str_unescape(s, out, cap - 1, &n);
    out[n] = 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7F) out[i] = '?';
    return out;
}

/* A long address as its first and last four characters. */
static const char *shorten(const char *s, char *out, size_t cap) {
    size_t n = strlen(s);
    if (n <= 12) snprintf(out, cap, "%s", s);
    else snprintf(out, cap, "%.4s..%s", s, s + n - 4);
    return out;
}

static const char *number(const axws_axiom_num *v, char *out, size_t cap, const char *fmt) {
    if (!(v->flags & AXWS_AXIOM_PRESENT) || (v->flags & AXWS_AXIOM_NULL)) return "?";
    snprintf(out, cap, fmt, v->value);
    return out;
}

/* A price with about five significant digits and no exponent: 0.0000063500. */
static const char *price_text(const axws_axiom_num *v, char *out, size_t cap) {
    int decimals = 0;
    double x = v->value < 0 ? -v->value : v->value;
    if (!(v->flags & AXWS_AXIOM_PRESENT) || (v->flags & AXWS_AXIOM_NULL)) return "?";
    while (x > 0 && x < 10000 && decimals < 14) {
        x *= 10;
        decimals++;
    }
    if (decimals < 2) decimals = 2;
    snprintf(out, cap, "%.*f", decimals, v->value);
    return out;
}

static void on_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    const axws_axiom_wallet_trade *t = &m->u.wallet_trade;
    char type[16], ticker[64], name[128], sig[128], maker[64], w[24], s[24];
    char amount[32], sol[32], usd[32], price[32];
    int i, buy;
    (void)a;
    (void)user;
    if (m->kind != AXWS_AXIOM_KIND_WALLET_TRADE) return;
    text(&t->type, type, sizeof type);
    buy = strcmp(type, "buy") == 0;
    /* which of our wallets: the room is "v:<wallet>" */
    for (i = 0; i < wallet_count; i++)
        if (m->room.len == strlen(wallets[i].address) + 2 && memcmp(m->room.ptr + 2, wallets[i].address, m->room.len - 2) == 0) {
            wallets[i].trades++;
            if (buy) wallets[i].buys++;
            else if (strcmp(type, "sell") == 0) wallets[i].sells++;
        }
    say("%-4s %s (%s) %s tokens for %s SOL ($%s) at $%s, wallet %s, tx %s", buy ? "BUY" : strcmp(type, "sell") == 0 ? "SELL" : type,
        text(&t->pair_token_ticker, ticker, sizeof ticker), text(&t->pair_token_name, name, sizeof name),
        number(&t->token_amount, amount, sizeof amount, "%.6g"), number(&t->total_sol, sol, sizeof sol, "%.6g"),
        number(&t->total_usd, usd, sizeof usd, "%.2f"), price_text(&t->price_usd, price, sizeof price),
        shorten(text(&t->maker_address, maker, sizeof maker), w, sizeof w), shorten(text(&t->signature, sig, sizeof sig), s, sizeof s));
}

static void on_connected(axws_axiom *a, const char *session_id, void *user) {
    (void)user;
    connections++;
    say("connected to %s (session %s), watching %d wallet%s", axws_axiom_url(a), session_id, wallet_count,
        wallet_count == 1 ? "" : "s");
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
    if (why) fprintf(stderr, "wallet_watch: %s\n", why);
    fprintf(stderr, "usage: wallet_watch --wallet ADDR [--wallet ADDR]... [--url URL | --region NAME] [--ca FILE]\n"
                    "                    [--servername NAME] [--api-url URL] [--token-file FILE] [--duration SECONDS]\n");
    return 2;
}

static int is_address(const char *s) {
    size_t n = strlen(s), i;
    if (n < 32 || n > 44) return 0;
    for (i = 0; i < n; i++)
        if (!strchr("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", s[i])) return 0;
    return 1;
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
    double duration = 0;
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
        else if (strcmp(o, "--wallet") == 0) {
            if (!is_address(v)) return usage("--wallet wants a wallet address (base58, 32-44 characters)");
            if (wallet_count == MAX_WALLETS) return usage("too many wallets");
            wallets[wallet_count++].address = v;
        } else if (strcmp(o, "--duration") == 0) {
            char *e;
            errno = 0;
            duration = strtod(v, &e);
            if (errno || e == v || *e || !(duration >= 0 && duration <= 1e7)) return usage("--duration wants seconds");
        } else
            return usage("unknown argument");
    }
    if (!wallet_count) return usage("give at least one --wallet");

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
    if (load_anchors(&cfg, "wallet_watch", ca,
                     cfg.url && strncmp(cfg.url, "ws://", 5) == 0 && cfg.api_url && strncmp(cfg.api_url, "http://", 7) == 0))
        return 1;
#else
    (void)ca;
    (void)servername;
#endif
    if ((r = axws_axiom_init(&client, &cfg)) != 0) {
        fprintf(stderr, "wallet_watch: cannot set up the client: %s\n", axws_strerror(r));
        return 1;
    }
    if (!axws_axiom_has_token(&client)) {
        fprintf(stderr, "wallet_watch: no tokens: give --token-file, set AXIOM_ACCESS_TOKEN (and AXIOM_REFRESH_TOKEN), "
                        "or put them in ./.axiom_tokens.json\n");
        return 1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    for (i = 0; i < wallet_count; i++) axws_axiom_subscribe_wallet_transactions(&client, wallets[i].address);
    start = now = axws_now_ms();
    if ((r = axws_axiom_connect(&client, now)) != 0) {
        fprintf(stderr, "wallet_watch: cannot connect: %s\n", axws_strerror(r));
        return 1;
    }
    now = pump(now, duration > 0 ? start + (int64_t)(duration * 1000) : 0, 0);
    say("%s: disconnecting", stop_signal ? "signal received" : "time is up");
    axws_axiom_disconnect(&client, now);
    stop_signal = 0;
    now = pump(now, now + 5000, 1);
    for (i = 0; i < wallet_count; i++)
        printf("  wallet %s: %ld trade%s (%ld buy%s, %ld sell%s)\n", wallets[i].address, wallets[i].trades,
               wallets[i].trades == 1 ? "" : "s", wallets[i].buys, wallets[i].buys == 1 ? "" : "s", wallets[i].sells,
               wallets[i].sells == 1 ? "" : "s");
    fflush(stdout);
    return connections > 0 ? 0 : 1;
}
