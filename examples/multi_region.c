/* examples/multi_region.c - the seed's WebSocketManager: several connections in one poll loop.

   multi_region [--region NAME]... [--url [NAME=]URL]... [--token [CONN=]MINT]...
                [--room [CONN=]ROOM]... [--pacing-ms MS] [--ca FILE] [--servername NAME]
                [--api-url URL] [--token-file FILE] [--report SECONDS] [--no-auto-reconnect] [-v]
                [--duration SECONDS]

   Opens one client per --region (named after the region) and per --url (named NAME, or
   url1, url2, ...), default USWest and EUCentral. Every connection subscribes to the given
   token prices and rooms -- all of them, or with CONN= only that connection's (the seed's
   subscribe_to_token(connection_name, token)); with none given, each subscribes to sol_price
   and the SOL, USDC and BONK prices. All clients are driven by ONE poll() over every
   client's sockets (axws_axiom_pollfds of each into one array, the smallest of their
   timeouts, then each client's step with its own slice).

   Subscriptions are rate limited by the clients themselves (--pacing-ms, default 100: the
   seed's "Rate Limiting Subscriptions" interval), also after every reconnect; the report
   shows it: when the first message of each room came, counted from the upgrade.

   Prints connection events (connected, disconnected, errors, one line each, with the
   connection's name), every message with -v, a line per connection every --report seconds
   (default 5; 0 = only at the end) with its state, count and subscriptions, and at the end
   per connection: connections, messages by kind, and per room its message count and its
   first message's delay. With --no-auto-reconnect (set_auto_reconnect(false)) the report is
   also the seed's connection health check: a connection found down is reconnected by hand
   (is_connected, reconnect), and its rooms are joined again.

   Runs until --duration seconds (default 0 = until Ctrl-C) or Ctrl-C, then disconnects
   every client gracefully (close 1000) and exits 0. Bad arguments exit 2; a configuration
   error, or a connection that never got connected, exits 1 (each such connection's last
   error on stderr). --help describes every option. Tokens come from --token-file,
   AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN, or ./.axiom_tokens.json; never printed.

   wss:// and the https:// refresh are verified against --ca FILE (PEM; default: the system
   bundle, /etc/ssl/certs/ca-certificates.crt) with the name --servername (default: the
   URL's host; give "localhost" when the URL says 127.0.0.1 and the certificate names
   localhost). A run where every URL is plain ws:// / http:// loads no CA.

   Shows: many clients without threads, each with its own caller-owned buffers, one handler
   shared through the user pointer, axws_axiom_pollfds / timeout_ms / step for several clients
   (ex_pump in examples/axiom_example.h, which every Axiom example uses), cfg.pacing_ms, regions by name, get_subscriptions, set_auto_reconnect, is_connected and
   reconnect.
   Build: make build/multi_region   (or: cc -std=c99 -D_POSIX_C_SOURCE=200809L -I.
          examples/multi_region.c -o multi_region -lbearssl) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "axiom_example.h"

#define MAX_CONNS EX_MAX_CLIENTS /* all in one ex_pump() */
#define MAX_SUBS 32

/* every client its own buffers and object (the client is large: static, not on a stack);
   conns[i].client is clients + i, so the array is what ex_pump() drives */
static ex_bufs bufs[MAX_CONNS];
static axws_axiom clients[MAX_CONNS];

typedef struct conn {
    char name[32];
    axws_axiom_region region;
    const char *url;          /* NULL: the region's hosts */
    axws_axiom *client;
    int64_t up_at;            /* when the current connection's upgrade completed */
    long connects, disconnects, errors, messages, manual_reconnects;
    long kinds[AXWS_AXIOM_KIND_COUNT];
    int room_count;
    char rooms[MAX_SUBS][AXWS_AXIOM_ROOM_MAX + 1];
    long room_messages[MAX_SUBS];
    int64_t room_first_ms[MAX_SUBS]; /* first message after the first upgrade; -1 none yet */
    char last_error[256];     /* this connection's, for the exit when it never got connected */
} conn;

static conn conns[MAX_CONNS];
static int conn_count;
static int verbose;
static int pacing_ms = 100;
static int auto_reconnect = 1;

/* --token / --room given before the connections exist: applied once they all do */
static struct { const char *conn; size_t conn_len; char room[AXWS_AXIOM_ROOM_MAX + 1]; } subs[MAX_SUBS];
static int sub_count;

/* A room's name as printed: the known symbol for a mint. */
static const char *room_label(const char *room) {
    size_t i;
    for (i = 0; i < EX_KNOWN_COUNT; i++)
        if (strcmp(room, known[i].mint) == 0) return known[i].symbol;
    return room;
}

static void on_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    conn *c = (conn *)user;
    int i;
    (void)a;
    c->messages++;
    c->kinds[m->kind]++;
    if (m->room.flags & AXWS_AXIOM_PRESENT)
        for (i = 0; i < c->room_count; i++)
            if (strlen(c->rooms[i]) == m->room.len && memcmp(c->rooms[i], m->room.ptr, m->room.len) == 0) {
                c->room_messages[i]++;
                if (c->room_first_ms[i] < 0) c->room_first_ms[i] = axws_now_ms() - c->up_at;
            }
    if (verbose) {
        char label[AXWS_AXIOM_ROOM_MAX + 1];
        if (m->room.flags & AXWS_AXIOM_PRESENT) {
            snprintf(label, sizeof label, "%.*s", (int)m->room.len, m->room.ptr);
        } else {
            snprintf(label, sizeof label, "(no room)");
        }
        if (m->kind == AXWS_AXIOM_KIND_SOL_PRICE)
            say("[%s] sol_price %.2f", c->name, m->u.sol_price.price.value);
        else if (m->kind == AXWS_AXIOM_KIND_RAW && m->content.type == AXWS_JSON_NUMBER)
            say("[%s] %s %.10g", c->name, room_label(label), axws_axiom_value_num(&m->content).value);
        else
            say("[%s] %s %s", c->name, axws_axiom_kind_name(m->kind), room_label(label));
    }
}

static void on_connected(axws_axiom *a, const char *session_id, void *user) {
    conn *c = (conn *)user;
    c->connects++;
    c->up_at = axws_now_ms();
    say("[%s] connected to %s (session %s), joining %d room%s %d ms apart", c->name, axws_axiom_url(a), session_id,
        axws_axiom_subscription_count(a), axws_axiom_subscription_count(a) == 1 ? "" : "s",
        pacing_ms > 0 ? pacing_ms : 0);
}

static void on_disconnected(axws_axiom *a, const char *reason, void *user) {
    conn *c = (conn *)user;
    (void)a;
    c->disconnects++;
    say("[%s] disconnected: %s", c->name, reason);
}

static void on_error(axws_axiom *a, const axws_axiom_error *e, void *user) {
    conn *c = (conn *)user;
    char tls[128];
    (void)a;
    c->errors++;
    say_error(c->name, e, "");
    snprintf(c->last_error, sizeof c->last_error, "%s%s", e->text, tls_detail(e, tls, sizeof tls));
}

/* Every --report seconds: each connection's state, count and subscriptions (the seed's
   get_subscriptions). Without auto-reconnect this is also the seed's health check: a
   connection found down is reconnected by hand (is_connected, then reconnect). */
static void report(int64_t now) {
    int i, k;
    for (i = 0; i < conn_count; i++) {
        conn *c = &conns[i];
        char subs_text[512];
        size_t used = 0;
        int n = axws_axiom_subscription_count(c->client);
        subs_text[0] = 0;
        for (k = 0; k < n && used + 64 < sizeof subs_text; k++)
            used += (size_t)snprintf(subs_text + used, sizeof subs_text - used, "%s%s", k ? ", " : "",
                                     room_label(axws_axiom_subscription(c->client, k)));
        say("[%s] %s, %ld message%s, subscriptions: %s", c->name,
            axws_axiom_is_connected(c->client) ? "connected" : "not connected", c->messages, c->messages == 1 ? "" : "s",
            n ? subs_text : "none");
        if (!auto_reconnect && !axws_axiom_is_connected(c->client)) {
            int r = axws_axiom_reconnect(c->client, now);
            c->manual_reconnects++;
            if (r) say("[%s] reconnect failed: %s", c->name, axws_strerror(r));
            else say("[%s] connection lost, reconnecting (health check)", c->name);
        }
    }
}

static void final_report(void) {
    int i, k, r, shown;
    printf("summary:\n");
    for (i = 0; i < conn_count; i++) {
        const conn *c = &conns[i];
        printf("  %s: %ld connection%s, %ld disconnect%s, %ld error%s, %ld message%s", c->name, c->connects,
               c->connects == 1 ? "" : "s", c->disconnects, c->disconnects == 1 ? "" : "s", c->errors,
               c->errors == 1 ? "" : "s", c->messages, c->messages == 1 ? "" : "s");
        if (!auto_reconnect) printf(", %ld reconnect%s by the health check", c->manual_reconnects, c->manual_reconnects == 1 ? "" : "s");
        for (k = 0, shown = 0; k < AXWS_AXIOM_KIND_COUNT; k++)
            if (c->kinds[k]) printf("%s%s %ld", shown++ ? ", " : " (", axws_axiom_kind_name(k), c->kinds[k]);
        printf("%s\n", shown ? ")" : "");
        for (r = 0; r < c->room_count; r++) {
            printf("    %-12.44s %6ld message%s", room_label(c->rooms[r]), c->room_messages[r],
                   c->room_messages[r] == 1 ? " " : "s");
            if (c->room_first_ms[r] >= 0) printf(", first %lld ms after the upgrade", (long long)c->room_first_ms[r]);
            printf("\n");
        }
    }
    fflush(stdout);
}

static const char *const own_options[] = {
    "--region NAME", "a connection to a region (Global, USWest, USCentral, USEast, EUWest, EUCentral, EUEast, "
                     "Asia, Australia; any case), named after it; repeatable (default: USWest and EUCentral when "
                     "no --region or --url is given)",
    "--url [NAME=]URL", "a connection to a ws:// or wss:// URL, named NAME (default name: url1, url2, ...); "
                        "repeatable (default: none)",
    "--token [CONN=]MINT", "a token price room (a mint address, or SOL, USDC, BONK, WIF) for every connection, "
                           "or only for CONN; repeatable (default: sol_price and the SOL, USDC and BONK prices "
                           "when no --token or --room is given)",
    "--room [CONN=]ROOM", "any room, for every connection or only for CONN; repeatable (default: as --token)",
    "--pacing-ms MS", "time between two subscriptions of one connection, also after a reconnect; 0 = none "
                      "(default: 100)",
    "--report SECONDS", "a line per connection this often (state, messages, subscriptions); 0 = only the "
                        "summary at the end (default: 5)",
    "--no-auto-reconnect", "do not reconnect by itself: the report's health check reconnects a connection "
                           "found down (default: auto-reconnect on)",
    "-v", "print every message, one line each (default: off)",
    NULL,
};
static const ex_help help = {
    "multi_region [--region NAME]... [--url [NAME=]URL]... [--token [CONN=]MINT]...\n"
    "                    [--room [CONN=]ROOM]... [--pacing-ms MS] [--ca FILE] [--servername NAME]\n"
    "                    [--api-url URL] [--token-file FILE] [--report SECONDS] [--no-auto-reconnect] [-v]\n"
    "                    [--duration SECONDS]",
    "Several connections (regions or URLs) in one poll loop: each joins its rooms, paced; a report\n"
    "every few seconds and a summary per connection and per room at the end.",
    own_options,
    "multi_region --token-file ~/.axiom_tokens.json --region USWest --region EUCentral --token BONK --duration 60",
};

static conn *find_conn(const char *name, size_t len) {
    int i;
    for (i = 0; i < conn_count; i++)
        if (strlen(conns[i].name) == len && memcmp(conns[i].name, name, len) == 0) return &conns[i];
    return NULL;
}

static int add_conn(const char *name, size_t name_len, axws_axiom_region region, const char *url) {
    conn *c;
    if (conn_count == MAX_CONNS || !name_len || name_len >= sizeof c->name || find_conn(name, name_len)) return -1;
    c = &conns[conn_count];
    memcpy(c->name, name, name_len);
    c->name[name_len] = 0;
    c->region = region;
    c->url = url;
    c->client = &clients[conn_count];
    conn_count++;
    return 0;
}

/* [CONN=]VALUE: CONN is a connection name when the part before '=' has no ':' or '/'. */
static int add_sub(const char *arg, int is_token) {
    const char *eq = strchr(arg, '='), *value = arg;
    size_t i;
    if (sub_count == MAX_SUBS) return -1;
    subs[sub_count].conn = NULL;
    if (eq && eq > arg && !memchr(arg, ':', (size_t)(eq - arg)) && !memchr(arg, '/', (size_t)(eq - arg))) {
        subs[sub_count].conn = arg;
        subs[sub_count].conn_len = (size_t)(eq - arg);
        value = eq + 1;
    }
    if (is_token) {
        for (i = 0; i < EX_KNOWN_COUNT; i++)
            if (strcmp(value, known[i].symbol) == 0) value = known[i].mint;
        if (!is_address(value, strlen(value))) return -1;
    }
    if (!*value || strlen(value) > AXWS_AXIOM_ROOM_MAX) return -1;
    snprintf(subs[sub_count].room, sizeof subs[sub_count].room, "%s", value);
    sub_count++;
    return 0;
}

int main(int argc, char **argv) {
    ex_opts x;
    axws_axiom_config base;
    double report_s = 5;
    int i, j, r, all_plain, never = 0;
    int64_t start, now, next_report;

    ex_opts_init(&x, "multi_region", &help, 0);
    x.own_url_region = 1; /* one connection per --url and per --region */
    for (i = 1; i < argc; i++) {
        const char *o = argv[i], *v;
        char *e;
        if ((r = ex_option(&x, argc, argv, &i)) != EX_OWN) {
            if (r == EX_NEXT) continue;
            return r;
        }
        if (strcmp(o, "-v") == 0) {
            verbose = 1;
            continue;
        }
        if (strcmp(o, "--no-auto-reconnect") == 0) {
            auto_reconnect = 0;
            continue;
        }
        if (strcmp(o, "--region") && strcmp(o, "--url") && strcmp(o, "--token") && strcmp(o, "--room") &&
            strcmp(o, "--pacing-ms") && strcmp(o, "--report"))
            return ex_unknown(&x, o);
        if (!(v = ex_value(&x, argc, argv, &i))) return 2;
        if (strcmp(o, "--region") == 0) {
            int reg = axws_axiom_region_from_name(v);
            if (reg < 0) return ex_usage(&x, "unknown region (Global, USWest, USCentral, USEast, EUWest, EUCentral, EUEast, Asia, Australia)");
            if (add_conn(axws_axiom_region_name((axws_axiom_region)reg), strlen(axws_axiom_region_name((axws_axiom_region)reg)),
                         (axws_axiom_region)reg, NULL))
                return ex_usage(&x, "too many connections, or a region twice");
        } else if (strcmp(o, "--url") == 0) {
            const char *eq = strchr(v, '=');
            char name[16];
            if (eq && eq > v && !memchr(v, ':', (size_t)(eq - v)) && !memchr(v, '/', (size_t)(eq - v))) {
                if (add_conn(v, (size_t)(eq - v), AXWS_AXIOM_REGION_GLOBAL, eq + 1)) return ex_usage(&x, "too many connections, or a name twice");
            } else {
                snprintf(name, sizeof name, "url%d", conn_count + 1);
                if (add_conn(name, strlen(name), AXWS_AXIOM_REGION_GLOBAL, v)) return ex_usage(&x, "too many connections");
            }
        } else if (strcmp(o, "--token") == 0) {
            if (add_sub(v, 1)) return ex_usage(&x, "--token wants [CONN=]MINT (a base58 address, or SOL, USDC, BONK, WIF)");
        } else if (strcmp(o, "--room") == 0) {
            if (add_sub(v, 0)) return ex_usage(&x, "--room wants [CONN=]ROOM");
        } else if (strcmp(o, "--pacing-ms") == 0) {
            long ms = strtol(v, &e, 10);
            if (e == v || *e || ms < 0 || ms > 60000) return ex_usage(&x, "--pacing-ms wants milliseconds (0: none)");
            pacing_ms = ms ? (int)ms : -1; /* the config's "none" is -1 (0 means the default) */
        } else {
            if (parse_number(v, 0, 1e7, &report_s)) return ex_usage(&x, "--report wants seconds (0: only at the end)");
        }
    }
    if (!conn_count) { /* the seed's manager example: two regions */
        add_conn("USWest", 6, AXWS_AXIOM_REGION_US_WEST, NULL);
        add_conn("EUCentral", 9, AXWS_AXIOM_REGION_EU_CENTRAL, NULL);
    }
    if (!sub_count) {
        add_sub("sol_price", 0);
        for (i = 0; i < 3; i++) add_sub(known[i].mint, 1);
    }
    for (i = 0; i < sub_count; i++)
        if (subs[i].conn && !find_conn(subs[i].conn, subs[i].conn_len)) return ex_usage(&x, "--token/--room names an unknown connection");
    /* a URL that cannot work is a configuration error now, not a run of failed attempts */
    for (i = 0; i < conn_count; i++)
        if (conns[i].url && ex_check_url(x.prog, "--url", conns[i].url)) return 1;
    if (x.api_url && ex_check_url(x.prog, "--api-url", x.api_url)) return 1;

    /* what every client shares: the refresh endpoint, the token file, pacing, TLS trust */
    ex_config(&base, &x);
    base.pacing_ms = pacing_ms;
    all_plain = ex_plain(x.api_url, "http://");
    for (i = 0; i < conn_count; i++) all_plain &= ex_plain(conns[i].url, "ws://");
    if (ex_load_anchors(&base, x.prog, x.ca, all_plain)) return 1;
    for (i = 0; i < conn_count; i++) {
        conn *c = &conns[i];
        axws_axiom_config cfg = base;
        ex_client(&cfg, &bufs[i], on_message, on_connected, on_disconnected, on_error,
                  c); /* one handler, told apart by its user pointer */
        cfg.region = c->region;
        cfg.url = c->url;
        if (ex_init(c->client, &cfg, x.prog, c->name)) return 1;
        axws_axiom_set_auto_reconnect(c->client, auto_reconnect); /* the seed's set_auto_reconnect */
        for (j = 0; j < sub_count; j++) {
            if (subs[j].conn && (strlen(c->name) != subs[j].conn_len || memcmp(c->name, subs[j].conn, subs[j].conn_len)))
                continue;
            if (axws_axiom_subscribe(c->client, subs[j].room) != 0) {
                fprintf(stderr, "multi_region: cannot subscribe %s to %s\n", c->name, subs[j].room);
                return 1;
            }
            for (r = 0; r < c->room_count && strcmp(c->rooms[r], subs[j].room) != 0; r++)
                ;
            if (r == c->room_count && r < MAX_SUBS) { /* the client keeps each room once: so do we */
                snprintf(c->rooms[c->room_count], sizeof c->rooms[0], "%s", subs[j].room);
                c->room_first_ms[c->room_count] = -1;
                c->room_count++;
            }
        }
    }
    ex_signals();

    start = now = axws_now_ms();
    for (i = 0; i < conn_count; i++)
        if (ex_connect(conns[i].client, 0, now, x.prog, conns[i].name)) return 1;
    next_report = report_s > 0 ? start + (int64_t)(report_s * 1000) : 0;
    for (;;) {
        int64_t end = ex_deadline(start, x.duration);
        int64_t until = next_report && (!end || next_report < end) ? next_report : end;
        now = ex_pump(clients, conn_count, now, until, 0);
        if (stop_signal || (end && now >= end)) break;
        report(now);
        next_report += (int64_t)(report_s * 1000);
    }
    ex_stop(clients, conn_count, now, " every connection");
    final_report();
    for (i = 0; i < conn_count; i++) /* each connection that never got up says why */
        never |= ex_exit_status(x.prog, conns[i].name, conns[i].connects > 0, conns[i].last_error);
    return never;
}
