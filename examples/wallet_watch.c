/* examples/wallet_watch.c - watch wallets' trades (the seed's wallet transaction monitoring).

   wallet_watch --wallet ADDR [--wallet ADDR]... [--url URL | --region NAME] [--ca FILE]
                [--servername NAME] [--api-url URL] [--token-file FILE] [--duration SECONDS]

   Subscribes to the transactions of each wallet (room `v:<wallet>`) and prints one line per
   trade: buy or sell, the token's ticker and name (from the trade's `pair` object), the token
   amount, what it cost in SOL and USD, the price per token, the wallet and the transaction's
   signature (shortened). At the end: trades, buys and sells per wallet.

   Runs until --duration seconds (default 0 = until Ctrl-C) or Ctrl-C, then disconnects
   gracefully (close 1000) and exits 0. Bad arguments (no --wallet, an address that is not
   base58) exit 2; a configuration error, or never getting connected, exits 1 (with the
   last error on stderr). --help describes every option. Tokens come from --token-file,
   AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN, or ./.axiom_tokens.json; never printed. One
   line per event, flushed per line.

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
#include "axiom_example.h"

#define MAX_WALLETS 32

static ex_bufs bufs;
static axws_axiom client; /* large: not on the stack */

typedef struct wallet {
    const char *address;
    long trades, buys, sells;
} wallet;

static wallet wallets[MAX_WALLETS];
static int wallet_count;
static long connections;

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
    if (!(v->flags & AXWS_AXIOM_PRESENT) || (v->flags & AXWS_AXIOM_NULL)) return "?";
    return fmt_price_upto(out, cap, v->value, 14);
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

static const char *const own_options[] = {
    "--wallet ADDR", "a wallet to watch (base58, 32-44 characters), repeatable, at least one (default: none)",
    NULL,
};
static const ex_help help = {
    "wallet_watch --wallet ADDR [--wallet ADDR]... [--url URL | --region NAME] [--ca FILE]\n"
    "                    [--servername NAME] [--api-url URL] [--token-file FILE] [--duration SECONDS]",
    "Watches wallets' trades: one line per buy or sell (token, amount, SOL and USD, price, wallet,\n"
    "transaction), and at the end the trades, buys and sells of each wallet.",
    own_options,
    "wallet_watch --token-file ~/.axiom_tokens.json --wallet 5tzFkiKscXHK5ZXCGbXZxdw7gTjjD1mBwuoFbhUvuAi9",
};

int main(int argc, char **argv) {
    ex_opts x;
    int i, r;
    int64_t start, now;

    ex_opts_init(&x, "wallet_watch", &help, 0);
    for (i = 1; i < argc; i++) {
        const char *o = argv[i], *v;
        if ((r = ex_option(&x, argc, argv, &i)) != EX_OWN) {
            if (r == EX_NEXT) continue;
            return r;
        }
        if (strcmp(o, "--wallet") == 0) {
            if (!(v = ex_value(&x, argc, argv, &i))) return 2;
            if (!is_address(v, strlen(v))) return ex_usage(&x, "--wallet wants a wallet address (base58, 32-44 characters)");
            if (wallet_count == MAX_WALLETS) return ex_usage(&x, "too many wallets");
            wallets[wallet_count++].address = v;
        } else
            return ex_unknown(&x, o);
    }
    if (!wallet_count) return ex_usage(&x, "give at least one --wallet");

    if ((r = ex_setup(&client, &x, &bufs, 0, on_message, on_connected, ex_say_disconnected, ex_say_error)) != 0) return r;

    for (i = 0; i < wallet_count; i++) axws_axiom_subscribe_wallet_transactions(&client, wallets[i].address);
    start = now = axws_now_ms();
    if (ex_connect(&client, 0, now, x.prog, NULL)) return 1;
    now = ex_pump(&client, 1, now, ex_deadline(start, x.duration), 0);
    ex_stop(&client, 1, now, "");
    for (i = 0; i < wallet_count; i++)
        printf("  wallet %s: %ld trade%s (%ld buy%s, %ld sell%s)\n", wallets[i].address, wallets[i].trades,
               wallets[i].trades == 1 ? "" : "s", wallets[i].buys, wallets[i].buys == 1 ? "" : "s", wallets[i].sells,
               wallets[i].sells == 1 ? "" : "s");
    fflush(stdout);
    return ex_exit_status(x.prog, NULL, connections > 0, NULL);
}
