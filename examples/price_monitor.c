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
   Bad arguments exit 2; a configuration error, or never getting connected, exits 1 (with
   the last error on stderr). --help describes every option. Tokens come from --token-file,
   AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN, or ./.axiom_tokens.json; they are never
   printed. One line per event, flushed per line.
   This is what `make demo` runs (against the local stand-in unless real tokens are set).

   wss:// and the https:// refresh are verified against --ca FILE (PEM; default: the system
   bundle, /etc/ssl/certs/ca-certificates.crt) with the name --servername (default: the
   URL's host; give "localhost" when the URL says 127.0.0.1 and the certificate names
   localhost). A run where every URL is plain ws:// / http:// loads no CA.

   Shows: the handler's four callbacks, subscriptions made before connecting (joined, paced,
   once connected, and joined again after every reconnect), RAW messages whose content is a
   number (axws_axiom_value_num), typed MarketUpdate messages, the step loop with a
   deadline, graceful shutdown on a signal (those two in examples/axiom_example.h, shared
   by the Axiom examples).
   Build: make build/price_monitor   (or: cc -std=c99 -D_POSIX_C_SOURCE=200809L -I.
          examples/price_monitor.c -o price_monitor -lbearssl) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "axiom_example.h"

#define MAX_TOKENS 32

static ex_bufs bufs;
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

static void on_error(axws_axiom *a, const axws_axiom_error *e, void *user) {
    (void)a;
    (void)user;
    error_count++;
    say_error(NULL, e, e->kind == AXWS_AXIOM_ERR_AUTH && e->code == AXWS_EAUTH && !e->http_status
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

static const char *const own_options[] = {
    "--token MINT", "a token to watch, repeatable: a mint address, or SOL, USDC, BONK, WIF (default: SOL, USDC "
                    "and BONK, the seed's)",
    "--alert-pct P", "print an ALERT when a token moves P percent from its last alert's price (default: 2)",
    "--token-price", "use the dedicated token-price socket (wss://socket8.axiom.trade/, or --url's) "
                     "(default: the region's stream)",
    "--new-tokens", "also subscribe to new pairs and print them (default: off)",
    NULL,
};
static const ex_help help = {
    "price_monitor [--url URL | --region NAME] [--token-price] [--ca FILE] [--servername NAME]\n"
    "                     [--api-url URL] [--token-file FILE] [--token MINT]... [--alert-pct P] [--new-tokens]\n"
    "                     [--duration SECONDS]",
    "Watches the prices of a few tokens: every price with its change since the start, an ALERT on\n"
    "each move of --alert-pct percent, the connection's events, and a summary table at the end.",
    own_options,
    "price_monitor --token-file ~/.axiom_tokens.json --token SOL --token BONK --alert-pct 1 --duration 600",
};

static int add_token(const char *arg) {
    size_t i;
    const char *mint = arg;
    token *t;
    for (i = 0; i < EX_KNOWN_COUNT; i++)
        if (strcmp(arg, known[i].symbol) == 0 || strcmp(arg, known[i].mint) == 0) mint = known[i].mint;
    if (!is_address(mint, strlen(mint))) return -1;
    if (find_token(mint, strlen(mint))) return 0;
    if (token_count == MAX_TOKENS) return -1;
    t = &tokens[token_count++];
    memset(t, 0, sizeof *t);
    t->mint = mint;
    /* a symbol until a MarketUpdate tells the real one: the known name, or the mint's start */
    snprintf(t->symbol, sizeof t->symbol, "%.4s..", mint);
    for (i = 0; i < EX_KNOWN_COUNT; i++)
        if (strcmp(mint, known[i].mint) == 0) snprintf(t->symbol, sizeof t->symbol, "%s", known[i].symbol);
    return 0;
}

int main(int argc, char **argv) {
    ex_opts x;
    int token_price = 0, i, r;
    int64_t start, end, now;

    ex_opts_init(&x, "price_monitor", &help, 300);
    for (i = 1; i < argc; i++) {
        const char *o = argv[i], *v;
        if ((r = ex_option(&x, argc, argv, &i)) != EX_OWN) {
            if (r == EX_NEXT) continue;
            return r;
        }
        if (strcmp(o, "--token-price") == 0) token_price = 1;
        else if (strcmp(o, "--new-tokens") == 0) show_new_pairs = 1;
        else if (strcmp(o, "--token") == 0) {
            if (!(v = ex_value(&x, argc, argv, &i))) return 2;
            if (add_token(v) != 0)
                return ex_usage(&x, "--token wants a mint address (base58, 32-44 characters) or SOL, USDC, BONK, WIF");
        } else if (strcmp(o, "--alert-pct") == 0) {
            if (!(v = ex_value(&x, argc, argv, &i))) return 2;
            if (parse_number(v, 0.001, 1000, &alert_pct)) return ex_usage(&x, "--alert-pct wants a number above 0");
        } else
            return ex_unknown(&x, o);
    }
    if (token_count == 0) /* the seed's tokens */
        for (i = 0; i < 3; i++) add_token(known[i].mint);

    if ((r = ex_setup(&client, &x, &bufs, token_price, on_message, on_connected, on_disconnected, on_error)) != 0) return r;

    /* subscribe first: the rooms are joined once the upgrade is done, 100 ms apart (the
       seed's rate limiting, done by the client: cfg.pacing_ms), and again after a reconnect */
    if (show_new_pairs) axws_axiom_subscribe_new_tokens(&client);
    for (i = 0; i < token_count; i++) axws_axiom_subscribe_token_price(&client, tokens[i].mint);

    start = now = axws_now_ms();
    end = ex_deadline(start, x.duration);
    say("monitoring %d token%s for %s, alerts at %.2f%% moves", token_count, token_count == 1 ? "" : "s",
        x.duration > 0 ? "the given time" : "ever (Ctrl-C stops)", alert_pct);
    if (ex_connect(&client, token_price, now, x.prog, NULL)) return 1;

    now = ex_pump(&client, 1, now, end, 0);

    /* graceful shutdown: close handshake with 1000; the client bounds the wait */
    now = ex_stop(&client, 1, now, "");
    summary((double)(now - start) / 1000);
    return ex_exit_status(x.prog, NULL, connections > 0, NULL);
}
