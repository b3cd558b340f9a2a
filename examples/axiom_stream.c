/* examples/axiom_stream.c - a command-line tool that streams Axiom Trade rooms, one line per
   event.

   axiom_stream [--url URL | --region NAME] [--token-price] [--ca FILE] [--servername NAME]
                [--api-url URL] [--token-file FILE] [--keepalive SECONDS] [--new-tokens]
                [--token MINT]... [--wallet ADDR]... [--room ROOM]... [--json]
                [--duration SECONDS] [--proxy URL] [--stats] [--stats-every SECONDS]
                [--silence ROOM=MS]... [--conflate ROOM]...

   --url points at any ws:// or wss:// endpoint (a relay, the local stand-in); --region picks
   the service's hosts (USWest, USCentral, USEast, EUWest, EUCentral, EUEast, Asia,
   Australia, Global; any case; default Global); --token-price uses the dedicated
   token-price socket (with --url: that URL). --ca (default: the system bundle) and
   --servername apply to the stream and to the token refresh at --api-url (default: one of
   the service's apiN hosts). Tokens come from --token-file, else AXIOM_ACCESS_TOKEN and
   AXIOM_REFRESH_TOKEN, else ./.axiom_tokens.json; they are refreshed ahead of expiry and
   never printed. --keepalive S pings every S seconds and declares the server
   dead after 2*S. Subscriptions: --new-tokens, --token MINT (price), --wallet ADDR, --room
   ROOM (any room), each repeatable; they are restored after every reconnect. --proxy URL
   sends the stream and the token refresh through a proxy (http://[user:password@]host
   [:port], socks5://..., socks5h://...; "" for none); without it the environment decides
   for the stream's URL as it does for curl (https_proxy for wss://, http_proxy for ws://,
   all_proxy, no_proxy: axws_proxy_from_env()), and the refresh uses the same proxy.

   Output, flushed per line. With --json every line is one JSON object with "event":
   connected (session_id, url), disconnected (reason), error (kind, message), message
   (kind, room and the decoded fields under their source names), gap (a room's first
   message after a reconnect: room, from_ms, to_ms, gap_ms), silent (room, silent_ms) or
   stats. Without --json the same events are written for people. --stats prints the
   client's figures when it stops (messages, bytes, reconnects, gaps, silent rooms, ping
   round trip, latency percentiles, and per room), --stats-every S also every S seconds.
   --silence ROOM=MS gives a room a silence limit: when it sends nothing for MS while the
   connection is up, a silent event is printed and the room is joined again. --conflate ROOM
   delivers only the latest update of ROOM per step when several arrive together (for price
   rooms), the message then saying how many it replaced ("conflated").

   At --duration (default: none, until Ctrl-C) it disconnects gracefully and exits 0 when it
   got connected; SIGINT and SIGTERM do the same. A run that never got connected (a host that does not
   resolve, a refused port or token) exits 1 with its last error on stderr, so a script
   can tell. Bad arguments exit 2; a fatal configuration error (unreadable CA or token
   file, no token at all, a malformed URL) exits 1, the file's path and errno's text
   named. --help describes every option and its default. The options, the checks and the
   loop are the ones every Axiom example shares (examples/axiom_example.h).

   Shows: the whole Axiom client (regions, tokens, subscriptions, typed messages, the four
   callbacks) in one poll loop.
   Build: make build/axiom_stream */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "axiom_example.h"

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
static long connections;
static int64_t started; /* monotonic ms of the start: times in events are relative to it */

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
    connections++;
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
    ex_note_error(NULL, e); /* the reason a run that never connected gives on stderr */
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

/* A room's first message after a reconnect: how long nothing came from it. */
static void print_gap(const axws_axiom_msg *m) {
    long from = (long)(m->gap_from_ms - started), to = (long)(m->gap_to_ms - started);
    if (json_out) {
        printf("{\"event\":\"gap\",\"room\":\"%.*s\",\"from_ms\":%ld,\"to_ms\":%ld,\"gap_ms\":%ld}\n",
               (int)m->room.len, m->room.ptr, from, to, to - from);
    } else {
        printf("gap  %.*s  nothing from %ld to %ld ms (%ld ms)\n", (int)m->room.len, m->room.ptr, from, to, to - from);
    }
}

static void on_room_silent(axws_axiom *a, const char *room, int64_t silent_ms, void *user) {
    (void)a; (void)user;
    if (json_out) {
        fputs("{\"event\":\"silent\",\"room\":", stdout);
        put_json_string(room);
        printf(",\"silent_ms\":%lld}\n", (long long)silent_ms);
    } else {
        printf("silent  %s  nothing for %lld ms: joining it again\n", room, (long long)silent_ms);
    }
    fflush(stdout);
}

/* The client's figures (axws_axiom_read_stats), as one line, then one per room. */
static void print_stats(const axws_axiom *a, int64_t now) {
    axws_axiom_stats s;
    int i;
    axws_axiom_read_stats(a, &s);
    if (json_out) {
        printf("{\"event\":\"stats\",\"at_ms\":%lld,\"messages\":%llu,\"bytes\":%llu,\"connects\":%lu,"
               "\"reconnects\":%lu,\"gaps\":%lu,\"silences\":%lu,\"conflated\":%lu,\"rtt_ms\":%d,\"rtt_smoothed_ms\":%d,"
               "\"latency_samples\":%lu,\"latency_ms\":{\"p50\":%lld,\"p90\":%lld,\"p99\":%lld,\"max\":%lld},\"rooms\":[",
               (long long)(now - started), (unsigned long long)s.messages, (unsigned long long)s.bytes,
               (unsigned long)s.connects, (unsigned long)s.reconnects, (unsigned long)s.gaps, (unsigned long)s.silences,
               (unsigned long)s.conflated, s.rtt_ms, s.rtt_smoothed_ms, (unsigned long)s.latency_samples, (long long)s.latency_p50_ms,
               (long long)s.latency_p90_ms, (long long)s.latency_p99_ms, (long long)s.latency_max_ms);
    } else {
        printf("stats  %.1f s: %llu messages, %llu bytes, %lu reconnects, %lu gaps, %lu silences, ping %d ms (smoothed %d), "
               "latency ms p50 %lld p90 %lld p99 %lld max %lld (%lu samples)\n",
               (double)(now - started) / 1000, (unsigned long long)s.messages, (unsigned long long)s.bytes,
               (unsigned long)s.reconnects, (unsigned long)s.gaps, (unsigned long)s.silences, s.rtt_ms,
               s.rtt_smoothed_ms, (long long)s.latency_p50_ms, (long long)s.latency_p90_ms, (long long)s.latency_p99_ms,
               (long long)s.latency_max_ms, (unsigned long)s.latency_samples);
    }
    for (i = 0; i < axws_axiom_subscription_count(a); i++) {
        axws_axiom_room_stats r;
        long age;
        axws_axiom_read_room_stats(a, i, &r);
        age = r.last_arrival_ms ? (long)(now - r.last_arrival_ms) : -1;
        if (json_out) {
            printf("%s{\"room\":", i ? "," : "");
            put_json_string(r.room);
            printf(",\"messages\":%llu,\"bytes\":%llu,\"last_arrival_age_ms\":%ld,\"latency_last_ms\":%lld,"
                   "\"latency_ms\":{\"p50\":%lld,\"p90\":%lld,\"p99\":%lld,\"max\":%lld},\"gaps\":%lu,\"silences\":%lu,"
                   "\"conflated\":%lu}",
                   (unsigned long long)r.messages, (unsigned long long)r.bytes, age, (long long)r.latency_last_ms,
                   (long long)r.latency_p50_ms, (long long)r.latency_p90_ms, (long long)r.latency_p99_ms,
                   (long long)r.latency_max_ms, (unsigned long)r.gaps, (unsigned long)r.silences,
                   (unsigned long)r.conflated);
        } else {
            printf("stats  room %-24s %llu messages, %llu bytes, last %ld ms ago, latency ms last %lld p50 %lld p90 %lld "
                   "p99 %lld max %lld, %lu gaps, %lu silences, %lu conflated\n",
                   r.room, (unsigned long long)r.messages, (unsigned long long)r.bytes, age, (long long)r.latency_last_ms,
                   (long long)r.latency_p50_ms, (long long)r.latency_p90_ms, (long long)r.latency_p99_ms,
                   (long long)r.latency_max_ms, (unsigned long)r.gaps, (unsigned long)r.silences, (unsigned long)r.conflated);
        }
    }
    if (json_out) fputs("]}\n", stdout);
    fflush(stdout);
}

static void on_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    int n = axws_axiom_msg_write_json(m, line_buf, sizeof line_buf);
    (void)a; (void)user;
    if (m->flags & AXWS_AXIOM_MSG_GAP) print_gap(m);
    if (n < 0) { /* larger than the line buffer: say so rather than print half */
        n = snprintf(line_buf, sizeof line_buf, "{\"event\":\"message\",\"kind\":\"%s\",\"truncated\":true}",
                     axws_axiom_kind_name(m->kind));
    }
    if (m->conflated && n > 0 && (size_t)n + 32 < sizeof line_buf) /* before the closing brace */
        n += snprintf(line_buf + n - 1, sizeof line_buf - (size_t)n + 1, ",\"conflated\":%lu}",
                      (unsigned long)m->conflated) - 1;
    if (json_out) {
        fwrite(line_buf, 1, (size_t)n, stdout);
        putchar('\n');
    } else {
        printf("message  %-18s %.*s  %s\n", axws_axiom_kind_name(m->kind), (int)m->room.len,
               m->room.ptr ? m->room.ptr : "-", line_buf);
    }
    fflush(stdout);
}

static const char *const own_options[] = {
    "--new-tokens", "subscribe to new pairs (default: off)",
    "--token MINT", "subscribe to a token's price room, repeatable (default: none)",
    "--wallet ADDR", "subscribe to a wallet's transactions, repeatable (default: none)",
    "--room ROOM", "subscribe to any room by name, repeatable (default: none)",
    "--stats", "print the client's figures when it stops: messages, bytes, reconnects, gaps, silent rooms, ping "
               "round trip, latency percentiles, and per room (default: off)",
    "--stats-every SECONDS", "print them every SECONDS as well (default: off)",
    "--silence ROOM=MS", "a silence limit for a subscribed room: after MS without a message while connected, "
                         "print a silent event and join the room again; repeatable (default: none)",
    "--conflate ROOM", "deliver only the latest of the updates of ROOM that arrive together (price rooms; "
                       "never for new pairs, trades or wallets); repeatable (default: none)",
    "--json", "one JSON object per line, with \"event\": connected, disconnected, error or message "
              "(default: lines for people)",
    "--token-price", "use the dedicated token-price socket (wss://socket8.axiom.trade/, or --url's) "
                     "(default: the region's stream)",
    "--keepalive SECONDS", "ping every SECONDS and declare the server dead after twice that (default: 30)",
    "--compress", "offer permessage-deflate (RFC 7692): the server may compress the stream, which is "
                  "inflated here (37 KB more RAM: a 32 KiB window and the inflate's state) (default: off)",
    "--proxy URL", "the proxy for the stream and the token refresh: http://[user:password@]host[:port], "
                   "socks5://... (names resolved here) or socks5h://... (by the proxy); \"\" for none (default: "
                   "as curl, from the stream URL's https_proxy or http_proxy, else all_proxy, unless no_proxy "
                   "names its host)",
    NULL,
};
static const ex_help help = {
    "axiom_stream [--url URL | --region NAME] [--token-price] [--ca FILE] [--servername NAME]\n"
    "                    [--api-url URL] [--token-file FILE] [--keepalive SECONDS] [--new-tokens]\n"
    "                    [--token MINT]... [--wallet ADDR]... [--room ROOM]... [--json]\n"
    "                    [--stats] [--stats-every SECONDS] [--silence ROOM=MS]... [--conflate ROOM]...\n"
    "                    [--duration SECONDS] [--proxy URL] [--compress]",
    "Streams Axiom Trade rooms: one line (or JSON object) per event -- connected, disconnected,\n"
    "error, and every message decoded. Subscriptions are restored after every reconnect.",
    own_options,
    "axiom_stream --token-file ~/.axiom_tokens.json --region EUWest --new-tokens --token SOL --json --duration 60",
};

static int parse_seconds(const char *s, double *out) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v > 0) || v > 1e7) return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv) {
    axws_axiom_config cfg;
    ex_opts x;
    const char *rooms[MAX_ROOMS];
    int room_kind[MAX_ROOMS]; /* 0 room, 1 token, 2 wallet, 3 new tokens */
    int nrooms = 0, token_price = 0, i, r;
    int compress = 0; /* --compress */
    double keepalive = 0;
    const char *proxy = NULL;
    static char env_proxy[1024]; /* cfg.proxy is borrowed for the client's life */
    int64_t start, now, end;
    int stats = 0;
    double stats_every = 0;
    const char *silence[MAX_ROOMS], *conflate[MAX_ROOMS];
    int nsilence = 0, nconflate = 0;

    ex_opts_init(&x, "axiom_stream", &help, 0);
    for (i = 1; i < argc; i++) {
        const char *o = argv[i], *v = NULL;
        int kind;
        if ((r = ex_option(&x, argc, argv, &i)) != EX_OWN) {
            if (r == EX_NEXT) continue;
            return r;
        }
        if (strcmp(o, "--token-price") == 0) token_price = 1;
        else if (strcmp(o, "--compress") == 0) compress = 1;
        else if (strcmp(o, "--json") == 0) json_out = 1;
        else if (strcmp(o, "--stats") == 0) stats = 1;
        else if (strcmp(o, "--stats-every") == 0) {
            if (!(v = ex_value(&x, argc, argv, &i))) return 2;
            if (parse_seconds(v, &stats_every)) return ex_usage(&x, "--stats-every takes a positive number of seconds");
            stats = 1;
        } else if (strcmp(o, "--silence") == 0) {
            const char *eq;
            if (!(v = ex_value(&x, argc, argv, &i))) return 2;
            eq = strrchr(v, '=');
            if (!eq || eq == v || atoi(eq + 1) <= 0 || nsilence == MAX_ROOMS)
                return ex_usage(&x, "--silence takes ROOM=MS, MS a positive number of milliseconds");
            silence[nsilence++] = v;
        } else if (strcmp(o, "--conflate") == 0) {
            if (!(v = ex_value(&x, argc, argv, &i))) return 2;
            if (nconflate == MAX_ROOMS) return ex_usage(&x, "too many --conflate rooms");
            conflate[nconflate++] = v;
        }
        else if (strcmp(o, "--proxy") == 0) {
            if (!(proxy = ex_value(&x, argc, argv, &i))) return 2;
        }
        else if (strcmp(o, "--keepalive") == 0) {
            if (!(v = ex_value(&x, argc, argv, &i))) return 2;
            if (parse_seconds(v, &keepalive)) return ex_usage(&x, "--keepalive takes a positive number of seconds");
        } else if ((kind = strcmp(o, "--room") == 0 ? 0 : strcmp(o, "--token") == 0 ? 1 : strcmp(o, "--wallet") == 0 ? 2
                          : strcmp(o, "--new-tokens") == 0 ? 3 : -1) >= 0) {
            if (nrooms == MAX_ROOMS) return ex_usage(&x, "too many subscriptions");
            if (kind != 3) {
                if (!(v = ex_value(&x, argc, argv, &i))) return 2;
                if (!*v) return ex_usage(&x, "empty room, token or wallet");
            }
            rooms[nrooms] = v;
            room_kind[nrooms++] = kind;
        } else
            return ex_unknown(&x, o);
    }
    if (x.url && x.region >= 0) return ex_usage(&x, "--url and --region exclude each other");
    if ((x.url && ex_check_url(x.prog, "--url", x.url)) || (x.api_url && ex_check_url(x.prog, "--api-url", x.api_url)))
        return 1;
    ex_config(&cfg, &x);
    if (token_price) cfg.token_price_url = x.url;
    else cfg.url = x.url;
    if (!proxy) { /* the environment's, for the stream's URL (--url, else the service's first host) */
        const char *const *hosts;
        char first[300];
        axws_axiom_region_hosts(x.region < 0 ? AXWS_AXIOM_REGION_GLOBAL : (axws_axiom_region)x.region, &hosts);
        snprintf(first, sizeof first, "wss://%s/", token_price ? "socket8.axiom.trade" : hosts[0]);
        if (axws_proxy_from_env(x.url ? x.url : first, env_proxy, sizeof env_proxy) == AXWS_ENOBUFS) {
            fprintf(stderr, "%s: the proxy named by the environment is longer than %zu bytes\n", x.prog,
                    sizeof env_proxy - 1);
            return 1;
        }
        proxy = env_proxy;
    }
    cfg.proxy = proxy;
    if (keepalive > 0) {
        cfg.keepalive_ms = (int)(keepalive * 1000);
        cfg.dead_peer_ms = 2 * cfg.keepalive_ms;
    }
    if (ex_load_anchors(&cfg, x.prog, x.ca, ex_plain(x.url, "ws://") && ex_plain(x.api_url, "http://"))) return 1;
    cfg.handler.on_message = on_message;
    cfg.handler.on_connected = on_connected;
    cfg.handler.on_disconnected = on_disconnected;
    cfg.handler.on_error = on_error;
    cfg.handler.on_room_silent = on_room_silent;
    cfg.rx_buf = rx_buf; cfg.rx_size = sizeof rx_buf;
    cfg.tx_buf = tx_buf; cfg.tx_size = sizeof tx_buf;
    cfg.msg_buf = msg_buf; cfg.msg_size = sizeof msg_buf;
#ifndef AXWS_NO_DEFLATE
    if (compress) { /* the program's buffers: the client keeps none of its own */
        static axws_inflate inflate_state;
        static unsigned char inflate_window[AXWS_INFLATE_WINDOW_SIZE(15)];
        axws_deflate_enable(&cfg.deflate, &inflate_state, inflate_window, 15);
    }
#else
    if (compress) return ex_usage(&x, "--compress is not in this build (AXWS_NO_DEFLATE)");
#endif
    if (ex_init(&client, &cfg, x.prog, "the client")) return 1;
    for (i = 0; i < nrooms; i++) {
        switch (room_kind[i]) {
        case 1: r = axws_axiom_subscribe_token_price(&client, rooms[i]); break;
        case 2: r = axws_axiom_subscribe_wallet_transactions(&client, rooms[i]); break;
        case 3: r = axws_axiom_subscribe_new_tokens(&client); break;
        default: r = axws_axiom_subscribe(&client, rooms[i]); break;
        }
        if (r) return ex_usage(&x, "a room, token or wallet is not usable (empty, too long, or not UTF-8)");
    }
    for (i = 0; i < nsilence; i++) {
        char room[AXWS_AXIOM_ROOM_MAX + 1];
        const char *eq = strrchr(silence[i], '=');
        snprintf(room, sizeof room, "%.*s", (int)(eq - silence[i]), silence[i]);
        if (axws_axiom_set_silence_limit(&client, room, atoi(eq + 1), 1))
            return ex_usage(&x, "--silence names a room that is not subscribed (use the room's name, e.g. v:ADDR)");
    }
    for (i = 0; i < nconflate; i++) {
        r = axws_axiom_set_conflate(&client, conflate[i], 1);
        if (r == AXWS_EFULL) return ex_usage(&x, "--conflate: at most AXWS_AXIOM_CONFLATE_SLOTS rooms");
        if (r) return ex_usage(&x, "--conflate names a room that is not subscribed");
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    ex_signals();

    started = start = now = axws_now_ms();
    if (ex_connect(&client, token_price, now, x.prog, NULL)) return 1;
    end = ex_deadline(start, x.duration);
    for (;;) { /* the loop, broken every --stats-every for the figures */
        int64_t next = stats_every > 0 ? now + (int64_t)(stats_every * 1000) : 0;
        int64_t until = next && (!end || next < end) ? next : end;
        now = ex_pump(&client, 1, now, until, 0);
        if (!next || (end && now >= end) || now < until) break; /* the end, or a signal */
        print_stats(&client, now);
    }
    ex_stop(&client, 1, now, NULL); /* NULL: nothing said, stdout carries only events */
    if (stats) print_stats(&client, axws_now_ms());
    return ex_exit_status(x.prog, NULL, connections > 0, NULL);
}
