/* examples/new_tokens.c - the seed's basic example: connect, subscribe to new tokens, print
   each new pair, disconnect.

   new_tokens [--url URL | --region NAME] [--ca FILE] [--servername NAME] [--api-url URL]
              [--token-file FILE] [--duration SECONDS]

   Connects to the region's stream (default Global; --url for a relay or a local stand-in),
   subscribes to `new_pairs` and prints one line per new pair: ticker, name, token address,
   protocol, initial liquidity (SOL and tokens). After --duration seconds (default 30, as the
   seed; 0 = until Ctrl-C) or Ctrl-C it disconnects gracefully (close handshake 1000) and
   exits 0. Bad arguments exit 2; a configuration error, or never getting connected, exits 1
   (with the last error on stderr). --help describes every option.
   Tokens come from --token-file, AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN, or
   ./.axiom_tokens.json; they are never printed. One line per event, flushed per line.

   wss:// and the https:// refresh are verified against --ca FILE (PEM; default: the system
   bundle, /etc/ssl/certs/ca-certificates.crt) with the name --servername (default: the
   URL's host; give "localhost" when the URL says 127.0.0.1 and the certificate names
   localhost). A run where every URL is plain ws:// / http:// loads no CA.

   Shows: the smallest complete program -- config with caller-owned buffers, the handler,
   subscribe, the step loop, disconnect -- and reading a typed NEW_PAIR message: string views
   (unescaped for printing, null told apart from absent) and numbers. The plumbing every
   Axiom example shares (options, config and buffers, trust anchors, signals, the step loop,
   the graceful close) is in examples/axiom_example.h.
   Build: make build/new_tokens   (or: cc -std=c99 -D_POSIX_C_SOURCE=200809L -I.
          examples/new_tokens.c -o new_tokens -lbearssl) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "axiom_example.h"

static ex_bufs bufs;
static axws_axiom client; /* large: not on the stack */
static long connections, pairs;

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

static const ex_help help = {
    "new_tokens [--url URL | --region NAME] [--ca FILE] [--servername NAME] [--api-url URL]\n"
    "                  [--token-file FILE] [--duration SECONDS]",
    "Subscribes to the service's new pairs and prints one line per new token (ticker, name,\n"
    "address, protocol, initial liquidity), then disconnects gracefully.",
    NULL, /* only the common options */
    "new_tokens --token-file ~/.axiom_tokens.json --region EUWest --duration 60",
};

int main(int argc, char **argv) {
    ex_opts x;
    int i, r;
    int64_t start, now;

    ex_opts_init(&x, "new_tokens", &help, 30);
    for (i = 1; i < argc; i++)
        if ((r = ex_option(&x, argc, argv, &i)) != EX_NEXT) return r == EX_OWN ? ex_unknown(&x, argv[i]) : r;
    if ((r = ex_setup(&client, &x, &bufs, 0, on_message, on_connected, ex_say_disconnected, ex_say_error)) != 0) return r;

    start = now = axws_now_ms();
    if (ex_connect(&client, 0, now, x.prog, NULL)) return 1;
    axws_axiom_subscribe_new_tokens(&client); /* joined as soon as the upgrade is done */
    now = ex_pump(&client, 1, now, ex_deadline(start, x.duration), 0);
    now = ex_stop(&client, 1, now, "");
    say("%ld new pair%s in %.1f s", pairs, pairs == 1 ? "" : "s", (double)(now - start) / 1000);
    return ex_exit_status(x.prog, NULL, connections > 0, NULL);
}
