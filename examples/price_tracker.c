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
   getting connected, exits 1 (with the last error on stderr). --help describes every
   option. Tokens come from --token-file, AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN, or
   ./.axiom_tokens.json; never printed. One line per event, flushed.

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
#include "axiom_example.h"

#define MAX_TOKENS 32
#define MAX_ALERTS 64

static ex_bufs bufs;
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

static const char *const own_options[] = {
    "--token MINT", "a token to track, repeatable: a mint address, or SOL, USDC, BONK, WIF (default: every "
                    "token an alert names; with none, SOL, USDC and BONK)",
    "--above MINT=PRICE", "an alert, repeatable: printed once each time the token's price goes above PRICE "
                          "(default: none)",
    "--below MINT=PRICE", "an alert, repeatable: printed once each time the token's price goes below PRICE "
                          "(default: none)",
    "--token-price", "use the dedicated token-price socket (wss://socket8.axiom.trade/, or --url's) "
                     "(default: the region's stream)",
    NULL,
};
static const ex_help help = {
    "price_tracker [--url URL | --region NAME] [--token-price] [--ca FILE] [--servername NAME]\n"
    "                     [--api-url URL] [--token-file FILE] [--token MINT]... [--above MINT=PRICE]...\n"
    "                     [--below MINT=PRICE]... [--duration SECONDS]",
    "Tracks token prices (current, high and low since the start, 24 h volume) and prints an ALERT when\n"
    "a price crosses an --above or --below threshold; a table of every token at the end.",
    own_options,
    "price_tracker --token-file ~/.axiom_tokens.json --above SOL=200 --below BONK=0.00002 --duration 3600",
};

/* MINT or a known symbol -> its price_data (added if new), or NULL. */
static price_data *token_arg(const char *s, size_t n) {
    size_t i;
    price_data *d;
    const char *mint = NULL;
    for (i = 0; i < EX_KNOWN_COUNT; i++)
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
    for (i = 0; i < EX_KNOWN_COUNT; i++)
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

int main(int argc, char **argv) {
    ex_opts x;
    int token_price = 0, i, r;
    int64_t start, now;

    ex_opts_init(&x, "price_tracker", &help, 0);
    for (i = 1; i < argc; i++) {
        const char *o = argv[i], *v;
        if ((r = ex_option(&x, argc, argv, &i)) != EX_OWN) {
            if (r == EX_NEXT) continue;
            return r;
        }
        if (strcmp(o, "--token-price") == 0) token_price = 1;
        else if (strcmp(o, "--token") == 0) {
            if (!(v = ex_value(&x, argc, argv, &i))) return 2;
            if (!token_arg(v, strlen(v))) return ex_usage(&x, "--token wants a mint address or SOL, USDC, BONK, WIF");
        } else if (strcmp(o, "--above") == 0 || strcmp(o, "--below") == 0) {
            if (!(v = ex_value(&x, argc, argv, &i))) return 2;
            if (alert_arg(v, o[2] == 'a' ? ABOVE : BELOW)) return ex_usage(&x, "--above/--below want MINT=PRICE (PRICE > 0)");
        } else
            return ex_unknown(&x, o);
    }
    if (!price_count)
        for (i = 0; i < 3; i++) token_arg(known[i].mint, strlen(known[i].mint));

    if ((r = ex_setup(&client, &x, &bufs, token_price, on_message, on_connected, ex_say_disconnected, ex_say_error)) != 0) return r;

    for (i = 0; i < price_count; i++) axws_axiom_subscribe_token_price(&client, prices[i].mint);
    for (i = 0; i < alert_count; i++) {
        char t[40];
        say("alert  %-6s %s %s", alerts[i].token->symbol, alerts[i].condition == ABOVE ? "above" : "below",
            fmt_price(t, sizeof t, alerts[i].target_price));
    }
    start = now = axws_now_ms();
    if (ex_connect(&client, token_price, now, x.prog, NULL)) return 1;
    now = ex_pump(&client, 1, now, ex_deadline(start, x.duration), 0);
    now = ex_stop(&client, 1, now, "");

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
    return ex_exit_status(x.prog, NULL, connections > 0, NULL);
}
