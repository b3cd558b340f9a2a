/* examples/axiom_stream.c - a command-line tool that streams Axiom Trade rooms, one line per
   event.

   axiom_stream [--url URL | --region R] [--token-price] [--ca FILE] [--servername NAME]
                [--api-url URL] [--token-file FILE] [--keepalive SECONDS] [--new-tokens]
                [--token MINT]... [--wallet ADDR]... [--room ROOM]... [--json]
                [--duration SECONDS]

   --url points at any ws:// or wss:// endpoint (a relay, the local stand-in); --region picks
   the service's hosts (USWest, USCentral, USEast, EUWest, EUCentral, EUEast, Asia,
   Australia, Global; any case; default Global); --token-price uses the dedicated
   token-price socket (with --url: that URL). --ca (default: the system bundle) and
   --servername apply to the stream and to the token refresh at --api-url (default: one of
   the service's apiN hosts). Tokens come from --token-file, else AXIOM_ACCESS_TOKEN and
   AXIOM_REFRESH_TOKEN, else ./.axiom_tokens.json; they are refreshed ahead of expiry and
   never printed. --keepalive S pings every S seconds and declares the server
   dead after 2*S. Subscriptions: --new-tokens, --token MINT (price), --wallet ADDR, --room
   ROOM (any room), each repeatable; they are restored after every reconnect.

   Output, flushed per line. With --json every line is one JSON object with "event":
   connected (session_id, url), disconnected (reason), error (kind, message) or message
   (kind, room and the decoded fields under their source names). Without --json the same
   events are written for people.

   At --duration it disconnects gracefully and exits 0; SIGINT and SIGTERM do the same.
   Bad arguments exit 2; a fatal configuration error (unreadable CA or token file, no
   token at all) exits 1.

   Shows: the whole Axiom client (regions, tokens, subscriptions, typed messages, the four
   callbacks) in one poll loop.
   Build: make build/axiom_stream */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "axiom_example.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROOMS 64

static unsigned char rx_buf[AXWS_TLS_BUF_FULL];
static unsigned char tx_buf[1 << 16];
static unsigned char msg_buf[1 << 20];
static char line_buf[4 << 20];
static axws_axiom client;

static int json_out;
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

/* Write s as a JSON string (RFC 8259 7): quotes, backslashes and control bytes escaped. */
static void put_json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') printf("\\%c", ch);
        else if (ch == '\n') fputs("\\n", stdout);
        else if (ch < 0x20 || ch == 0x7F) printf("\\u%04x", ch);
        else putchar(ch);
    }
    putchar('"');
}

static void on_connected(axws_axiom *a, const char *session_id, void *user) {
    (void)user;
    if (json_out) {
        fputs("{\"event\":\"connected\",\"session_id\":", stdout);
        put_json_string(session_id);
        fputs(",\"url\":", stdout);
        put_json_string(axws_axiom_url(a));
        fputs("}\n", stdout);
    } else {
        printf("connected  session %s  %s\n", session_id, axws_axiom_url(a));
    }
    fflush(stdout);
}

static void on_disconnected(axws_axiom *a, const char *reason, void *user) {
    (void)a; (void)user;
    if (json_out) {
        fputs("{\"event\":\"disconnected\",\"reason\":", stdout);
        put_json_string(reason);
        fputs("}\n", stdout);
    } else {
        printf("disconnected  %s\n", reason);
    }
    fflush(stdout);
}

static void on_error(axws_axiom *a, const axws_axiom_error *e, void *user) {
    (void)a; (void)user;
    if (json_out) {
        fputs("{\"event\":\"error\",\"kind\":", stdout);
        put_json_string(axws_axiom_error_kind_name(e->kind));
        fputs(",\"message\":", stdout);
        put_json_string(e->text);
        fputs("}\n", stdout);
    } else {
        printf("error  %s: %s\n", axws_axiom_error_kind_name(e->kind), e->text);
    }
    fflush(stdout);
}

static void on_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    int n = axws_axiom_msg_write_json(m, line_buf, sizeof line_buf);
    (void)a; (void)user;
    if (n < 0) { /* larger than the line buffer: say so rather than print half */
        n = snprintf(line_buf, sizeof line_buf, "{\"event\":\"message\",\"kind\":\"%s\",\"truncated\":true}",
                     axws_axiom_kind_name(m->kind));
    }
    if (json_out) {
        fwrite(line_buf, 1, (size_t)n, stdout);
        putchar('\n');
    } else {
        printf("message  %-18s %.*s  %s\n", axws_axiom_kind_name(m->kind), (int)m->room.len,
               m->room.ptr ? m->room.ptr : "-", line_buf);
    }
    fflush(stdout);
}

static int usage(const char *why) {
    fprintf(stderr, "axiom_stream: %s\n", why);
    fprintf(stderr,
            "usage: axiom_stream [--url URL | --region R] [--token-price] [--ca FILE] [--servername NAME]\n"
            "                    [--api-url URL] [--token-file FILE] [--keepalive SECONDS] [--new-tokens]\n"
            "                    [--token MINT]... [--wallet ADDR]... [--room ROOM]... [--json]\n"
            "                    [--duration SECONDS]\n");
    return 2;
}

static int parse_seconds(const char *s, double *out) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v > 0) || v > 1e7) return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv) {
    axws_axiom_config cfg;
    const char *url = NULL, *region = NULL, *ca = NULL, *token_file = NULL;
    const char *rooms[MAX_ROOMS];
    int room_kind[MAX_ROOMS]; /* 0 room, 1 token, 2 wallet, 3 new tokens */
    int nrooms = 0, token_price = 0, i, r;
    double keepalive = 0, duration = 0;
    int64_t end = 0;
    int stopping = 0;
    int64_t stop_deadline = 0;

    memset(&cfg, 0, sizeof cfg);
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
#define NEEDS_VALUE() do { if (!val) return usage("missing value"); i++; } while (0)
        if (strcmp(arg, "--url") == 0) { NEEDS_VALUE(); url = val; }
        else if (strcmp(arg, "--region") == 0) { NEEDS_VALUE(); region = val; }
        else if (strcmp(arg, "--token-price") == 0) token_price = 1;
        else if (strcmp(arg, "--ca") == 0) { NEEDS_VALUE(); ca = val; }
        else if (strcmp(arg, "--servername") == 0) { NEEDS_VALUE(); cfg.servername = cfg.api_servername = val; }
        else if (strcmp(arg, "--api-url") == 0) { NEEDS_VALUE(); cfg.api_url = val; }
        else if (strcmp(arg, "--token-file") == 0) { NEEDS_VALUE(); token_file = val; }
        else if (strcmp(arg, "--keepalive") == 0) {
            NEEDS_VALUE();
            if (parse_seconds(val, &keepalive)) return usage("--keepalive takes a positive number of seconds");
        } else if (strcmp(arg, "--duration") == 0) {
            NEEDS_VALUE();
            if (parse_seconds(val, &duration)) return usage("--duration takes a positive number of seconds");
        } else if (strcmp(arg, "--json") == 0) json_out = 1;
        else if (strcmp(arg, "--new-tokens") == 0 || strcmp(arg, "--token") == 0 ||
                 strcmp(arg, "--wallet") == 0 || strcmp(arg, "--room") == 0) {
            int kind = strcmp(arg, "--room") == 0 ? 0 : strcmp(arg, "--token") == 0 ? 1
                     : strcmp(arg, "--wallet") == 0 ? 2 : 3;
            if (nrooms == MAX_ROOMS) return usage("too many subscriptions");
            if (kind != 3) {
                NEEDS_VALUE();
                if (!*val) return usage("empty room, token or wallet");
            }
            rooms[nrooms] = kind == 3 ? NULL : val;
            room_kind[nrooms++] = kind;
        } else {
            return usage(arg[0] == '-' ? "unknown option" : "unexpected argument");
        }
#undef NEEDS_VALUE
    }
    if (url && region) return usage("--url and --region exclude each other");
    if (region) {
        int rg = axws_region_from_name(region);
        if (rg < 0) return usage("unknown region (USWest, USCentral, USEast, EUWest, EUCentral, EUEast, Asia, Australia, Global)");
        cfg.region = (axws_region)rg;
    }
    if (url && strncmp(url, "ws://", 5) != 0 && strncmp(url, "wss://", 6) != 0)
        return usage("--url must be ws:// or wss://");
    if (token_price) cfg.token_price_url = url;
    else cfg.url = url;
    if (keepalive > 0) {
        cfg.keepalive_ms = (int)(keepalive * 1000);
        cfg.dead_peer_ms = 2 * cfg.keepalive_ms;
    }
    /* trust anchors: --ca, else the system bundle */
    if (ex_load_anchors(&cfg, "axiom_stream", ca, 0)) return 1;
    cfg.token_file = token_file;
    cfg.handler.on_message = on_message;
    cfg.handler.on_connected = on_connected;
    cfg.handler.on_disconnected = on_disconnected;
    cfg.handler.on_error = on_error;
    cfg.rx_buf = rx_buf; cfg.rx_size = sizeof rx_buf;
    cfg.tx_buf = tx_buf; cfg.tx_size = sizeof tx_buf;
    cfg.msg_buf = msg_buf; cfg.msg_size = sizeof msg_buf;
    r = axws_axiom_init(&client, &cfg);
    if (r) {
        fprintf(stderr, "axiom_stream: %s%s\n", axws_strerror(r),
                r == AXWS_EFILE ? " (the token file)" : r == AXWS_EAUTH ? " (a token holds bytes a header cannot carry)" : "");
        return 1;
    }
    if (!axws_axiom_has_token(&client)) {
        fprintf(stderr, "axiom_stream: no tokens: use --token-file, AXIOM_ACCESS_TOKEN/AXIOM_REFRESH_TOKEN, "
                        "or ./.axiom_tokens.json\n");
        return 1;
    }
    for (i = 0; i < nrooms; i++) {
        switch (room_kind[i]) {
        case 1: r = axws_axiom_subscribe_token_price(&client, rooms[i]); break;
        case 2: r = axws_axiom_subscribe_wallet_transactions(&client, rooms[i]); break;
        case 3: r = axws_axiom_subscribe_new_tokens(&client); break;
        default: r = axws_axiom_subscribe(&client, rooms[i]); break;
        }
        if (r) return usage("a room, token or wallet is not usable (empty, too long, or not UTF-8)");
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);

    r = token_price ? axws_axiom_connect_token_price(&client, axws_now_ms()) : axws_axiom_connect(&client, axws_now_ms());
    if (r && r != AXWS_ECONNECT) {
        fprintf(stderr, "axiom_stream: %s\n", axws_strerror(r));
        return 1;
    }
    if (duration > 0) end = axws_now_ms() + (int64_t)(duration * 1000);
    for (;;) {
        struct pollfd p[AXWS_AXIOM_MAX_POLLFDS];
        int64_t now = axws_now_ms();
        int n, wait;
        if (!stopping && (stop_requested || (end && now >= end))) {
            stopping = 1;
            axws_axiom_disconnect(&client, now);
            stop_deadline = now + 3000; /* the close handshake is bounded by its own timeout */
        }
        if (stopping && (axws_get_state(axws_axiom_conn(&client)) == AXWS_STATE_CLOSED || now >= stop_deadline)) break;
        n = axws_axiom_pollfds(&client, p, AXWS_AXIOM_MAX_POLLFDS);
        wait = axws_axiom_timeout_ms(&client, now);
        if (end && !stopping && (wait < 0 || end - now < wait)) wait = (int)(end - now);
        if (wait < 0 || wait > 1000) wait = 1000; /* notice signals */
        poll(p, (nfds_t)n, wait);
        axws_axiom_step(&client, p, n, axws_now_ms());
    }
    return 0;
}
