/* tests/test_axiom.c - the Axiom client against the local stand-in (tests/peers/axiom_standin.js):
   every seed method, subscriptions across reconnects, token refresh ahead of expiry and after
   a 403, the token file rewritten atomically, keepalive against a stalled server, a malformed
   message followed by a good one, server close codes, 429 with Retry-After. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"
#include "standin.h"
#include <sys/stat.h>

#include "axiom_client.h"

static char log_seen[512];
static void capture_log(void *user, const char *text) {
    (void)user;
    if (strstr(text, "token file")) snprintf(log_seen, sizeof log_seen, "%s", text);
}

/* The rooms of the open connection, in join order, as the stand-in logged them. */
static int joins_for(const char *room) { return standin_count(&S, "\"event\":\"join\"", room, (const char *)NULL); }

/* The stand-in's clock ("ms") on the first join line for `room`, or -1. */
static long join_ms(const char *room) {
    const char *p = S.log;
    while ((p = strstr(p, "\"event\":\"join\"")) != NULL) {
        const char *end = strchr(p, '\n'), *r = strstr(p, room), *m = strstr(p, "\"ms\":");
        if (!end) end = p + strlen(p);
        if (r && r < end && m && m < end) return strtol(m + 5, NULL, 10);
        p = end;
    }
    return -1;
}

static void test_basic(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    ctx t;
    int i;
    const char *mint = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
    AXT_CASE("connect, subscribe, messages, unsubscribe, disconnect");
    setup_cfg(&cfg, &t);
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    CHECK(axws_axiom_token_expiry(&a) > (int64_t)time(NULL));
    /* subscribing while disconnected records the room */
    CHECK_EQ(axws_axiom_subscribe_new_tokens(&a), 0);
    CHECK_EQ(axws_axiom_subscribe(&a, "sol_price"), 0);
    CHECK_EQ(axws_axiom_subscribe_token_price(&a, mint), 0);
    CHECK_EQ(axws_axiom_subscribe_wallet_transactions(&a, "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU"), 0);
    CHECK_EQ(axws_axiom_subscribe(&a, "sol_price"), 0); /* twice: still once */
    CHECK_EQ(axws_axiom_subscribe_new_tokens(&a), 0); /* the first room twice: still once */
    CHECK_EQ(axws_axiom_subscription_count(&a), 4);
    CHECK(strcmp(axws_axiom_subscription(&a, 0), "new_pairs") == 0);
    CHECK(strcmp(axws_axiom_subscription(&a, 3), "v:7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU") == 0);
    CHECK_EQ(axws_axiom_subscribe(&a, ""), AXWS_EINVAL);
    CHECK_EQ(axws_axiom_subscribe(&a, "bad\xff"), AXWS_EINVAL);
    CHECK_EQ(axws_axiom_send_text(&a, "x", 1), AXWS_ENOTCONN);
    CHECK(!axws_axiom_is_connected(&a));
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 1));
    CHECK(axws_axiom_is_connected(&a));
    CHECK(strncmp(t.session, "axws-", 5) == 0 && strlen(t.session) == 21);
    /* the upgrade carried PROTOCOL.md 2's headers and both cookies */
    CHECK(wait_log(&a, &t, "\"event\":\"upgrade\"", "\"status\":101", "auth-refresh-token"));
    CHECK(standin_count(&S, "\"event\":\"upgrade\"", "\"origin\":\"https://axiom.trade\"", "\"pragma\":\"no-cache\"", (const char *)NULL) == 1);
    /* joins in order, paced, once each */
    CHECK(wait_log(&a, &t, "\"event\":\"join\"", "v:7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU", "\"canonical\":true"));
    {
        const char *p1 = strstr(S.log, "\"room\":\"new_pairs\""), *p2 = strstr(S.log, "\"room\":\"sol_price\""),
                   *p3 = strstr(S.log, mint), *p4 = strstr(S.log, "\"room\":\"v:7xKX");
        CHECK(p1 && p2 && p3 && p4 && p1 < p2 && p2 < p3 && p3 < p4);
    }
    CHECK_EQ(joins_for("\"room\":\"sol_price\""), 1);
    {
        /* paced: one join per pacing_ms (20 ms here), so the four joins span about 60 ms at the
           server; a burst arrives in one segment and spans ~0. The bound leaves room for
           scheduling delay of the first join. */
        long first = join_ms("\"room\":\"new_pairs\""), last = join_ms("\"room\":\"v:7xKX");
        if (!axt_check(first >= 0 && last >= first + 30, "joins paced by pacing_ms", __FILE__, __LINE__))
            fprintf(stderr, "     first join at %ld ms, last at %ld ms\n", first, last);
    }
    CHECK(wait_kind(&a, &t, AXWS_AXIOM_KIND_NEW_PAIR));
    CHECK(wait_kind(&a, &t, AXWS_AXIOM_KIND_SOL_PRICE));
    CHECK(t.last_sol_price > 1 && t.last_sol_price < 10000);
    CHECK(wait_kind(&a, &t, AXWS_AXIOM_KIND_WALLET_TRADE));
    CHECK(wait_kind(&a, &t, AXWS_AXIOM_KIND_RAW)); /* the bare mint room's price */
    /* unsubscribe sends a leave and forgets the room */
    CHECK_EQ(axws_axiom_unsubscribe(&a, "sol_price"), 0);
    CHECK_EQ(axws_axiom_unsubscribe(&a, "sol_price"), AXWS_EINVAL);
    CHECK_EQ(axws_axiom_subscription_count(&a), 3);
    CHECK(wait_log(&a, &t, "\"event\":\"leave\"", "\"room\":\"sol_price\"", "\"was_joined\":true"));
    /* graceful disconnect: close 1000, once-only callback, no reconnect */
    CHECK_EQ(axws_axiom_disconnect(&a, axws_now_ms()), 0);
    CHECK(wait_disconnected(&a, &t, 1));
    CHECK(strstr(t.reason, "disconnect requested") != NULL);
    CHECK(wait_log(&a, &t, "\"event\":\"disconnect\"", "\"code\":1000", "\"by\":\"client\""));
    run(&a, &t, 300, NULL, NULL);
    CHECK_EQ(t.connected, 1);
    CHECK_EQ(t.disconnected, 1);
    CHECK(!axws_axiom_is_connected(&a));
    for (i = 0; i < 16; i++) CHECK_EQ(t.errors[i], 0);
}

static void test_reconnect(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    ctx t;
    int before;
    AXT_CASE("auto-reconnect after a drop restores every room once, in order");
    setup_cfg(&cfg, &t);
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    axws_axiom_subscribe(&a, "block_hash");
    axws_axiom_subscribe(&a, "connection_monitor");
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 1));
    CHECK(wait_log(&a, &t, "\"event\":\"join\"", "connection_monitor", NULL));
    before = joins_for("\"room\":\"block_hash\"");
    /* a room added and one removed while the link is down */
    CHECK_EQ(fault("{\"drop\":true}"), 200);
    CHECK(wait_disconnected(&a, &t, 1));
    CHECK_EQ(t.connected, 1);
    axws_axiom_subscribe(&a, "sol-priority-fee");
    axws_axiom_unsubscribe(&a, "connection_monitor");
    CHECK(wait_connected(&a, &t, 2));
    CHECK(strcmp(t.session, t.last_session) != 0);
    CHECK(wait_log(&a, &t, "\"event\":\"join\"", "sol-priority-fee", NULL));
    run(&a, &t, 200, NULL, NULL);
    CHECK_EQ(joins_for("\"room\":\"block_hash\""), before + 1);
    CHECK_EQ(joins_for("\"room\":\"connection_monitor\""), 1);
    CHECK_EQ(joins_for("\"room\":\"sol-priority-fee\""), 1);
    CHECK_EQ(t.disconnected, 1);
    CHECK(wait_kind(&a, &t, AXWS_AXIOM_KIND_PRIORITY_FEE));

    AXT_CASE("reconnect() keeps the rooms and fires each callback once");
    CHECK_EQ(axws_axiom_reconnect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 3));
    CHECK_EQ(t.disconnected, 2);
    run(&a, &t, 200, NULL, NULL);
    CHECK_EQ(joins_for("\"room\":\"block_hash\""), before + 2);

    AXT_CASE("server close 1013 and 4000: reported, then reconnected");
    CHECK_EQ(fault("{\"close\":{\"code\":4000,\"reason\":\"go away\"}}"), 200);
    CHECK(wait_disconnected(&a, &t, 3));
    CHECK(strstr(t.reason, "4000") && strstr(t.reason, "go away"));
    CHECK(wait_connected(&a, &t, 4));

    AXT_CASE("a close reason with ESC, CR and LF is shown escaped (no forged log lines)");
    CHECK_EQ(fault("{\"close\":{\"code\":4000,\"reason\":\"x\\u001b[31my\\r\\nFAKE \\\\\"}}"), 200);
    CHECK(wait_disconnected(&a, &t, 4));
    CHECK(strchr(t.reason, 0x1b) == NULL && strchr(t.reason, '\r') == NULL && strchr(t.reason, '\n') == NULL);
    CHECK(strstr(t.reason, "x\\u001b[31my\\r\\nFAKE \\\\") != NULL); /* JSON string escapes */
    CHECK(wait_connected(&a, &t, 5));

    AXT_CASE("set_auto_reconnect(0): a drop stays down");
    axws_axiom_set_auto_reconnect(&a, 0);
    CHECK_EQ(fault("{\"drop\":true}"), 200);
    CHECK(wait_disconnected(&a, &t, 5));
    run(&a, &t, 600, NULL, NULL);
    CHECK_EQ(t.connected, 5);
    CHECK(!axws_axiom_is_connected(&a));
    CHECK(t.errors[AXWS_AXIOM_ERR_RECEIVE] >= 1); /* the drop: lost while receiving */
    axws_axiom_disconnect(&a, axws_now_ms());
}

static void test_keepalive(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    ctx t;
    int64_t start;
    AXT_CASE("a stalled server is detected within the keepalive timeout");
    setup_cfg(&cfg, &t);
    cfg.keepalive_ms = 200; /* dead after 400 ms of silence */
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 1));
    CHECK_EQ(fault("{\"stall\":true}"), 200);
    start = axws_now_ms();
    CHECK(wait_disconnected(&a, &t, 1));
    CHECK(axws_now_ms() - start < 1500);
    CHECK(strstr(t.reason, "dead-peer") != NULL);
    CHECK(wait_connected(&a, &t, 2)); /* and it comes back */
    axws_axiom_disconnect(&a, axws_now_ms());
    run(&a, &t, 300, c_closed, NULL);
    fault("{\"stall\":false}");
}

static void test_malformed(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    ctx t;
    AXT_CASE("a frame that is not JSON: raw + serialization error, the connection stays up");
    setup_cfg(&cfg, &t);
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 1));
    CHECK_EQ(standin_control(&S, "/__send", "{\"line\":25}", tas, ta_count), 200);
    CHECK_EQ(standin_control(&S, "/__send", "{\"line\":2}", tas, ta_count), 200);
    CHECK(wait_kind(&a, &t, AXWS_AXIOM_KIND_SOL_PRICE));
    CHECK_EQ(t.undecodable, 1);
    CHECK_EQ(t.errors[AXWS_AXIOM_ERR_SERIALIZATION], 1);
    CHECK(t.norder >= 2 && t.order[0] == AXWS_AXIOM_KIND_RAW && t.order[1] == AXWS_AXIOM_KIND_SOL_PRICE);
    CHECK(axws_axiom_is_connected(&a));
    CHECK_EQ(t.disconnected, 0);
    axws_axiom_disconnect(&a, axws_now_ms());
    run(&a, &t, 300, c_closed, NULL);
}

static int c_tokens(axws_axiom *a, ctx *t, void *arg) { (void)a; return t->tokens >= *(int *)arg; }

static void test_tokens(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    ctx t;
    int one = 1, kind = AXWS_AXIOM_ERR_AUTH;
    struct stat st;
    char before[4096], after[4096];
    FILE *f;
    size_t n;
    AXT_CASE("refresh ahead of expiry rewrites the token file atomically (0600)");
    f = fopen(tokfile, "rb");
    n = f ? fread(before, 1, sizeof before - 1, f) : 0;
    if (f) fclose(f);
    before[n] = 0;
    setup_cfg(&cfg, &t);
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    /* jump the wall clock to 100 s before expiry: inside the 120 s refresh window */
    t.wall_offset = axws_axiom_token_expiry(&a) - 100 - (int64_t)time(NULL);
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 1));
    CHECK(run(&a, &t, 5000, c_tokens, &one));
    CHECK(wait_log(&a, &t, "\"event\":\"refresh\"", "\"status\":200", NULL));
    f = fopen(tokfile, "rb");
    n = f ? fread(after, 1, sizeof after - 1, f) : 0;
    if (f) fclose(f);
    after[n] = 0;
    CHECK(n > 100 && strcmp(before, after) != 0 && strstr(after, "\"expires_at\": \"") != NULL);
    CHECK(stat(tokfile, &st) == 0 && (st.st_mode & 0777) == 0600);
    t.wall_offset = 0;
    run(&a, &t, 200, NULL, NULL);
    CHECK_EQ(t.tokens, 1); /* no refresh loop once the new token is fresh */

    AXT_CASE("403 on the upgrade: one refresh, then a retry that succeeds");
    check_403_refresh_retry(&a, &t, 1);
    CHECK(t.errors[AXWS_AXIOM_ERR_AUTH] >= 1 && t.last_http == 403);

    AXT_CASE("a failed refresh is reported and retried, never silent");
    CHECK_EQ(fault("{\"refresh_fault\":\"502\",\"refresh_fault_count\":2}"), 200);
    memset(t.errors, 0, sizeof t.errors);
    CHECK_EQ(axws_axiom_refresh_token(&a, axws_now_ms()), 0);
    CHECK(run(&a, &t, 5000, c_error_kind, &kind));
    CHECK(strstr(t.error_text, "502") != NULL);
    {
        int three = 3;
        CHECK(run(&a, &t, 8000, c_tokens, &three)); /* retried with backoff until it worked */
    }
    CHECK(strstr(t.error_text, ".") == NULL || strstr(t.error_text, "eyJ") == NULL); /* no token in texts */
    axws_axiom_disconnect(&a, axws_now_ms());
    run(&a, &t, 300, c_closed, NULL);
    fault("{\"clear\":true}");

    if (tas) {
        AXT_CASE("the refresh verifies its own host, never the stream's name");
        setup_cfg(&cfg, &t);
        cfg.api_servername = NULL; /* the stream's "localhost" must not carry over */
        CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
        memset(t.errors, 0, sizeof t.errors);
        CHECK_EQ(axws_axiom_refresh_token(&a, axws_now_ms()), 0);
        CHECK(run(&a, &t, 3000, c_error_kind, &kind));
        CHECK(strstr(t.error_text, "IP address") != NULL); /* 127.0.0.1 and no name for it */
        CHECK_EQ(t.tokens, 0);
        axws_axiom_disconnect(&a, axws_now_ms());
        run(&a, &t, 300, c_closed, NULL);

        /* the TLS flags reach the connection as given: a wrapper that forced or dropped
           them would accept any certificate, or refuse every test server */
        AXT_CASE("a certificate for another name is refused; insecure_skip_verify accepts it");
        setup_cfg(&cfg, &t);
        cfg.servername = "wrong.example";
        cfg.no_auto_reconnect = 1;
        CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
        memset(t.errors, 0, sizeof t.errors);
        CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
        {
            int conn_kind = AXWS_AXIOM_ERR_CONNECTION;
            CHECK(run(&a, &t, 3000, c_error_kind, &conn_kind));
        }
        CHECK_EQ(t.connected, 0);
        CHECK_EQ(axws_tls_error(axws_axiom_conn(&a)), BR_ERR_X509_BAD_SERVER_NAME);
        axws_axiom_disconnect(&a, axws_now_ms());
        setup_cfg(&cfg, &t);
        cfg.servername = "wrong.example";
        cfg.insecure_skip_verify = 1;
        CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
        CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
        CHECK(wait_connected(&a, &t, 1));
        axws_axiom_disconnect(&a, axws_now_ms());
        run(&a, &t, 300, c_closed, NULL);
    }
}

static int resolve_fails(void *user, const char *host, int port, axws_addr *out, int max) {
    (void)user; (void)host; (void)port; (void)out; (void)max;
    return AXWS_ERESOLVE;
}

static void test_auth_errors(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    ctx t;
    int kind = AXWS_AXIOM_ERR_AUTH;
    AXT_CASE("no token at all: an authentication error, no connection");
    setup_cfg(&cfg, &t);
    cfg.token_file = NULL;
    cfg.access_token = NULL;
    cfg.refresh_token = NULL;
    cfg.no_auto_reconnect = 1;
    {
        char cwd[512];
        CHECK(getcwd(cwd, sizeof cwd) != NULL);
        CHECK(chdir(tmpdir) == 0); /* no ./.axiom_tokens.json there */
        CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
        CHECK(chdir(cwd) == 0);
    }
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), AXWS_EAUTH); /* said at once, not silently */
    run(&a, &t, 200, NULL, NULL);
    CHECK_EQ(t.connected, 0);
    CHECK_EQ(t.errors[AXWS_AXIOM_ERR_AUTH], 0); /* the return value said it: no callback */
    (void)kind;

    AXT_CASE("an on_error that reconnects when connecting fails at once does not recurse");
    setup_cfg(&cfg, &t);
    cfg.url = "ws://unresolvable.invalid/";
    cfg.resolve = resolve_fails;
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    reconnect_on_error = 1;
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK_EQ(t.errors[AXWS_AXIOM_ERR_CONNECTION], 0); /* nothing fires inside connect() */
    run(&a, &t, 100, NULL, NULL);
    reconnect_on_error = 0;
    CHECK(t.errors[AXWS_AXIOM_ERR_CONNECTION] >= 1);
    CHECK(max_error_depth <= 1); /* every error reported from step, none from inside another */
    axws_axiom_disconnect(&a, axws_now_ms());

    AXT_CASE("a token with CR/LF is refused before anything is sent");
    setup_cfg(&cfg, &t);
    cfg.access_token = "abc\r\nX-Evil: 1";
    CHECK_EQ(axws_axiom_init(&a, &cfg), AXWS_EAUTH);

    AXT_CASE("a token the service does not know: 401 reported as authentication");
    setup_cfg(&cfg, &t);
    cfg.access_token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJl";
    cfg.refresh_token = NULL;
    cfg.no_auto_reconnect = 1;
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    CHECK_EQ(axws_axiom_token_expiry(&a), 4102444800);
    axws_axiom_connect(&a, axws_now_ms());
    CHECK(run(&a, &t, 3000, c_error_kind, &kind));
    CHECK_EQ(t.last_http, 401);
    CHECK_EQ(t.connected, 0);

    AXT_CASE("401 with a good refresh token: one refresh, then a retry that succeeds");
    {
        static axws_axiom from_file;
        char refresh[AXWS_AXIOM_TOKEN_MAX + 1];
        setup_cfg(&cfg, &t);
        CHECK_EQ(axws_axiom_init(&from_file, &cfg), 0);
        memcpy(refresh, from_file.refresh, sizeof refresh);
        setup_cfg(&cfg, &t);
        cfg.token_file = NULL;
        cfg.access_token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJl";
        cfg.refresh_token = refresh;
        CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
        axws_axiom_connect(&a, axws_now_ms());
        CHECK(wait_connected(&a, &t, 1));
        CHECK_EQ(t.tokens, 1);
        CHECK_EQ(t.errors[AXWS_AXIOM_ERR_AUTH], 1);
        CHECK_EQ(t.last_http, 401);
        axws_axiom_disconnect(&a, axws_now_ms());
        run(&a, &t, 300, c_closed, NULL);
    }
}

static int c_http_errors(axws_axiom *a, ctx *t, void *arg) { (void)a; return t->errors[AXWS_AXIOM_ERR_HTTP] >= *(int *)arg; }

static void test_http_errors(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    ctx t;
    int64_t start;
    AXT_CASE("502 on the upgrade is an HTTP error, retried with backoff");
    setup_cfg(&cfg, &t);
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    CHECK_EQ(fault("{\"reject_upgrades\":2,\"reject_status\":502}"), 200);
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 1));
    CHECK_EQ(t.errors[AXWS_AXIOM_ERR_HTTP], 2);
    CHECK_EQ(t.disconnected, 0); /* never up: no disconnected callback */

    AXT_CASE("429 with Retry-After: the next attempt waits that long");
    CHECK_EQ(fault("{\"upgrade_status\":429,\"retry_after\":1}"), 200);
    CHECK_EQ(fault("{\"drop\":true}"), 200);
    CHECK(wait_disconnected(&a, &t, 1));
    {
        int three = 3;
        CHECK(run(&a, &t, 3000, c_http_errors, &three));
    }
    start = axws_now_ms();
    CHECK_EQ(t.last_http, 429);
    CHECK_EQ(fault("{\"upgrade_status\":null,\"retry_after\":null}"), 200);
    CHECK(wait_connected(&a, &t, 2));
    CHECK(axws_now_ms() - start >= 900);

    AXT_CASE("429 with a Retry-After of 31 years: capped at an hour");
    CHECK_EQ(fault("{\"upgrade_status\":429,\"retry_after\":999999999}"), 200);
    CHECK_EQ(fault("{\"drop\":true}"), 200);
    {
        int four = 4;
        CHECK(run(&a, &t, 3000, c_http_errors, &four));
    }
    CHECK(a.next_attempt - axws_now_ms() > 3590 * 1000);
    CHECK(a.next_attempt - axws_now_ms() <= 3600 * 1000 + 1000);
    CHECK_EQ(fault("{\"upgrade_status\":null,\"retry_after\":null}"), 200);
    axws_axiom_disconnect(&a, axws_now_ms());
    run(&a, &t, 300, c_closed, NULL);
}

/* A writer killed at any moment never leaves the token file truncated or mixed: it is
   replaced whole (temporary file, fsync, rename) or not at all. */
static void test_token_file_kill(void) {
    static axws_axiom w;
    int round, intact = 0;
    char path[200];
    AXT_CASE("the token file survives its writer being killed midway");
    snprintf(path, sizeof path, "%s/kill.json", tmpdir);
    memset(&w, 0, sizeof w);
    snprintf(w.token_file, sizeof w.token_file, "%s", path);
    memset(w.access, 'A', 1500);
    memset(w.refresh, 'R', 1500);
    CHECK_EQ(axws__ax_write_token_file(&w), 0);
    for (round = 0; round < 25; round++) {
        pid_t pid = fork();
        if (pid == 0) {
            unsigned i;
            for (i = 0;; i++) {
                memset(w.access, 'a' + (int)(i % 26), 1500);
                w.access_exp = 1700000000 + i;
                axws__ax_write_token_file(&w);
            }
        }
        {
            struct timespec ts;
            ts.tv_sec = 0;
            ts.tv_nsec = (2000 + (long)(round * 397) % 9000) * 1000L;
            nanosleep(&ts, NULL);
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        {
            axws_axiom_config cfg;
            static axws_axiom r;
            memset(&cfg, 0, sizeof cfg);
            cfg.token_file = path;
            cfg.msg_buf = msgbuf; cfg.msg_size = sizeof msgbuf;
            cfg.rx_buf = rx; cfg.rx_size = sizeof rx;
            cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
            /* it parses, and both tokens are whole */
            intact += axws_axiom_init(&r, &cfg) == 0 && strlen(r.access) == 1500 && strlen(r.refresh) == 1500 &&
                      r.refresh[1499] == 'R' && r.access[0] == r.access[1499];
        }
    }
    CHECK_EQ(intact, 25);
}

/* A local user who can create files in the token file's directory plants links where the
   writer used to put its temporary file (<file>.tmp<pid>): nothing is written through them,
   and the token file stays a regular file of ours with mode 0600. */
/* A random source that counts: byte k of its output is k, so names are predictable. */
static unsigned counting_next;
static void counting_random(void *user, void *buf, size_t len) {
    size_t i;
    (void)user;
    for (i = 0; i < len; i++) ((unsigned char *)buf)[i] = (unsigned char)counting_next++;
}

static void test_token_file_links(void) {
    static axws_axiom w;
    axws_axiom_config wcfg;
    ctx wt;
    char path[200], victim[200], planted[240];
    struct stat st;
    FILE *f;
    char back[64] = "";
    AXT_CASE("the token file writer never follows a planted link");
    snprintf(path, sizeof path, "%s/links.json", tmpdir);
    snprintf(victim, sizeof victim, "%s/victim.txt", tmpdir);
    f = fopen(victim, "w");
    if (f) { fputs("precious", f); fclose(f); }
    /* The temporary's name comes from the program's random source (cfg.random), so this test
       knows the first name the writer tries and plants a link there: the writer must not
       follow it (O_EXCL | O_NOFOLLOW) and must pick another name. */
    setup_cfg(&wcfg, &wt);
    wcfg.random = counting_random;
    CHECK_EQ(axws_axiom_init(&w, &wcfg), 0);
    snprintf(planted, sizeof planted, "%s.%s.tmp", path, "0001020304050607");
    CHECK(symlink(victim, planted) == 0);
    counting_next = 0;
    snprintf(w.token_file, sizeof w.token_file, "%s", path);
    memset(w.access, 'A', 100);
    memset(w.refresh, 'R', 100);
    CHECK_EQ(axws__ax_write_token_file(&w), 0);
    f = fopen(victim, "r");
    if (f) { if (!fgets(back, sizeof back, f)) back[0] = 0; fclose(f); }
    CHECK(strcmp(back, "precious") == 0);
    CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600 && st.st_uid == getuid());
    CHECK(lstat(planted, &st) == 0 && S_ISLNK(st.st_mode)); /* the planted link is left alone */
    CHECK_EQ(counting_next, 16); /* two names drawn from cfg.random: the planted one, then a fresh one */
    unlink(planted);

    AXT_CASE("a token file that cannot be written is reported once; the tokens stay in memory");
    {
        axws_axiom_config cfg;
        static axws_axiom a;
        ctx t;
        int one = 1, two = 2;
        setup_cfg(&cfg, &t);
        CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
        snprintf(a.token_file, sizeof a.token_file, "%s/no-such-dir/tokens.json", tmpdir);
        memset(t.errors, 0, sizeof t.errors);
        CHECK_EQ(axws_axiom_refresh_token(&a, axws_now_ms()), 0);
        CHECK(run(&a, &t, 5000, c_tokens, &one));
        CHECK_EQ(axws_axiom_refresh_token(&a, axws_now_ms() + 20000), 0);
        CHECK(run(&a, &t, 5000, c_tokens, &two)); /* on_tokens fired both times */
        CHECK_EQ(t.errors[AXWS_AXIOM_ERR_AUTH], 1);
        CHECK(strstr(t.error_text, "kept in memory") != NULL);
        axws_axiom_disconnect(&a, axws_now_ms());
    }

    AXT_CASE("a token file readable by group or others is reported through the log");
    {
        axws_axiom_config cfg;
        static axws_axiom a;
        ctx t;
        setup_cfg(&cfg, &t);
        cfg.log = capture_log;
        log_seen[0] = 0;
        CHECK(chmod(tokfile, 0644) == 0);
        CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
        CHECK(strstr(log_seen, "readable by group or others (mode 0644)") != NULL);
        CHECK(chmod(tokfile, 0600) == 0);
        log_seen[0] = 0;
        CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
        CHECK(strstr(log_seen, "readable by group") == NULL);
    }
}

/* The resolver hook sees every host the client wants (region hosts and refresh hosts alike)
   and sends them all to the stand-in. */
static char asked[16][64];
static int nasked;
static int resolve_to_standin(void *user, const char *host, int port, axws_addr *out, int max) {
    static const uint8_t loopback[4] = {127, 0, 0, 1};
    (void)user; (void)max; (void)port;
    if (nasked < 16) snprintf(asked[nasked++], sizeof asked[0], "%s", host);
    memset(&out[0], 0, sizeof out[0]);
    out[0].family = 4;
    out[0].port = (uint16_t)S.port;
    memcpy(out[0].ip, loopback, 4);
    return 1;
}

static int c_three_custom_upgrades(axws_axiom *a, ctx *t, void *arg) {
    (void)a; (void)t; (void)arg;
    return standin_count(&S, "\"event\":\"upgrade\"", "\"user-agent\":\"axws-test/1\"", "\"x-extra\":\"yes\"",
                         (const char *)NULL) >= 3;
}

static void test_region_hosts(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    ctx t;
    int one = 1;
    static const char *const headers[] = { "User-Agent: axws-test/1", "X-Extra: yes", NULL };
    AXT_CASE("a region: a random host first, the next one on every reconnect, through the resolver hook");
    setup_cfg(&cfg, &t);
    cfg.url = NULL;
    cfg.api_url = NULL;
    cfg.region = AXWS_AXIOM_REGION_US_WEST;
    cfg.resolve = resolve_to_standin;
    cfg.headers = headers;
    nasked = 0;
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 1));
    CHECK(nasked == 1 && (strcmp(asked[0], "socket8.axiom.trade") == 0 || strcmp(asked[0], "cluster-usw2.axiom.trade") == 0));
    CHECK(strstr(axws_axiom_url(&a), asked[0]) != NULL);
    fault("{\"drop\":true}");
    CHECK(wait_connected(&a, &t, 2));
    CHECK(nasked == 2 && strcmp(asked[0], asked[1]) != 0);
    fault("{\"drop\":true}");
    CHECK(wait_connected(&a, &t, 3));
    CHECK(nasked == 3 && strcmp(asked[0], asked[2]) == 0);

    AXT_CASE("the upgrade's default headers give way to the program's");
    CHECK(run(&a, &t, 3000, c_three_custom_upgrades, NULL)); /* the log line may trail the 101 */
    CHECK_EQ(standin_count(&S, "\"x-extra\":\"yes\"", "\"user-agent\":\"Mozilla", (const char *)NULL), 0); /* replaced, not doubled */

    AXT_CASE("the refresh goes to one of the apiN hosts, through the same hook");
    CHECK_EQ(axws_axiom_refresh_token(&a, axws_now_ms()), 0);
    CHECK(run(&a, &t, 5000, c_tokens, &one));
    CHECK(nasked == 4 && strncmp(asked[3], "api", 3) == 0 && strstr(asked[3], ".axiom.trade") != NULL);
    axws_axiom_disconnect(&a, axws_now_ms());
    run(&a, &t, 300, c_closed, NULL);
}

/* A message buffer far smaller than the messages: they still decode, with what was captured
   as they streamed past, and their bytes come through on_raw_chunk. */
static uint64_t raw_bytes, raw_frames, raw_next_offset, oversize_msgs, oversize_len, raw_order_bad;
static void on_raw_chunk(axws_axiom *a, const char *data, size_t len, uint64_t offset, int fin, void *user) {
    (void)a; (void)data; (void)user;
    if (offset != raw_next_offset) raw_order_bad++;
    raw_bytes += len;
    raw_next_offset = fin ? 0 : offset + len;
    raw_frames += fin != 0;
}
static void on_message_small(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    if (m->flags & AXWS_AXIOM_MSG_OVERSIZE) {
        oversize_msgs++;
        oversize_len += m->frame_len;
    }
    on_message(a, m, user);
}

static void test_tiny_buffer(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    ctx t;
    static unsigned char tiny[64];
    AXT_CASE("messages bigger than msg_buf still decode; their bytes come in chunks");
    setup_cfg(&cfg, &t);
    cfg.msg_buf = tiny;
    cfg.msg_size = sizeof tiny;
    /* a whole message in one read is decoded in place (no copy, never oversize): small
       socket reads cut them into pieces so the 64-byte buffer overflows */
    cfg.rx_size = AXWS_MIN_RX;
    cfg.handler.on_message = on_message_small;
    cfg.handler.on_raw_chunk = on_raw_chunk;
    raw_bytes = raw_frames = raw_next_offset = oversize_msgs = oversize_len = raw_order_bad = 0;
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    axws_axiom_subscribe_new_tokens(&a);
    axws_axiom_subscribe_wallet_transactions(&a, "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU");
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 1));
    CHECK(wait_kind(&a, &t, AXWS_AXIOM_KIND_NEW_PAIR));
    CHECK(wait_kind(&a, &t, AXWS_AXIOM_KIND_WALLET_TRADE));
    CHECK(oversize_msgs >= 2);
    CHECK(raw_frames >= oversize_msgs && raw_bytes >= oversize_len && raw_order_bad == 0);
    CHECK_EQ(t.errors[AXWS_AXIOM_ERR_SERIALIZATION], 0);
    axws_axiom_disconnect(&a, axws_now_ms());
    run(&a, &t, 300, c_closed, NULL);
}

/* A fixed random source: the backoff's jitter and the host choice are then reproducible. */
static void fixed_random(void *user, void *buf, size_t len) {
    (void)user;
    memset(buf, 0x5A, len);
}

static void test_backoff(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    ctx t;
    int64_t at;
    AXT_CASE("backoff: grows while connections die young, starts over after a healthy one");
    setup_cfg(&cfg, &t);
    cfg.healthy_ms = 300;
    cfg.random = fixed_random;
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 1));
    CHECK_EQ(fault("{\"drop\":true}"), 200);
    CHECK(wait_disconnected(&a, &t, 1));
    CHECK_EQ(a.attempts, 1); /* died young: the next wait comes from the first window */
    at = a.next_attempt - axws_now_ms();
    CHECK(at >= 0 && at <= cfg.backoff_base_ms);
    CHECK(wait_connected(&a, &t, 2));
    CHECK_EQ(fault("{\"drop\":true}"), 200);
    CHECK(wait_disconnected(&a, &t, 2));
    CHECK_EQ(a.attempts, 2); /* young again: a wider window */
    CHECK(wait_connected(&a, &t, 3));
    run(&a, &t, 400, NULL, NULL); /* past healthy_ms */
    CHECK_EQ(fault("{\"drop\":true}"), 200);
    CHECK(wait_disconnected(&a, &t, 3));
    CHECK_EQ(a.attempts, 1); /* healthy: back to the first window */
    CHECK(wait_connected(&a, &t, 4));
    axws_axiom_disconnect(&a, axws_now_ms());
    run(&a, &t, 300, c_closed, NULL);
}

/* ---- stream health (issue: freshness, gaps, silent rooms, figures) */

typedef struct {
    int64_t connected_at, lost_at;
    int msgs, cm, sol, bh, gaps, bad_arrival, bad_latency, gaps_wrong, silent_calls, slow_ms;
    int64_t lat_min, lat_max, bytes;
    int gap_rooms[3], after_reconnect[3];
    int same_step_later; /* slow consumer: a later callback of one step kept its arrival */
    int64_t prev_arrival, prev_called;
    char silent_room[64];
    int64_t silent_ms;
    long sol_conflated, other_conflated, sol_conflated_msgs;
} health_ctx;
static health_ctx H;

static int room_no(const axws_axiom_msg *m) {
    static const char *const names[3] = {"connection_monitor", "sol_price", "block_hash"};
    int i;
    for (i = 0; i < 3; i++)
        if (m->room.len == strlen(names[i]) && !memcmp(m->room.ptr, names[i], m->room.len)) return i;
    return -1;
}
static void health_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    int64_t now = axws_now_ms();
    int r = room_no(m);
    (void)a, (void)user;
    H.msgs++;
    H.bytes += (int64_t)m->frame_len;
    if (m->arrival_ms <= 0 || m->arrival_ms > now || m->arrival_ms < H.connected_at) H.bad_arrival++;
    if (m->kind == AXWS_AXIOM_KIND_CONNECTION_MONITOR) {
        H.cm++;
        if (!m->server_ms || m->latency_ms != m->latency_ms) H.bad_latency++;
        if (m->latency_ms < H.lat_min) H.lat_min = m->latency_ms;
        if (m->latency_ms > H.lat_max) H.lat_max = m->latency_ms;
    } else if (m->server_ms || m->latency_ms) H.bad_latency++; /* no server timestamp: none */
    if (m->kind == AXWS_AXIOM_KIND_SOL_PRICE) {
        H.sol++;
        H.sol_conflated += m->conflated;
        H.sol_conflated_msgs += m->conflated > 0;
    } else H.other_conflated += m->conflated;
    if (m->kind == AXWS_AXIOM_KIND_BLOCK_HASH) H.bh++;
    if (r >= 0 && H.lost_at) H.after_reconnect[r]++;
    if (m->flags & AXWS_AXIOM_MSG_GAP) {
        H.gaps++;
        if (r < 0 || !H.lost_at || H.after_reconnect[r] != 1 || m->gap_from_ms > H.lost_at || m->gap_to_ms != m->arrival_ms ||
            m->gap_to_ms <= m->gap_from_ms)
            H.gaps_wrong++;
        if (r >= 0) H.gap_rooms[r]++;
    }
    if (H.slow_ms) { /* a slow consumer: the arrival stays the step's, not the callback's */
        if (m->arrival_ms == H.prev_arrival && now - m->arrival_ms >= H.slow_ms && now > H.prev_called) H.same_step_later++;
        H.prev_arrival = m->arrival_ms;
        H.prev_called = now;
        {
            struct timespec ts = {0, 0};
            ts.tv_nsec = (long)H.slow_ms * 1000000L;
            nanosleep(&ts, NULL);
        }
    }
}
static void health_silent(axws_axiom *a, const char *room, int64_t silent_ms, void *user) {
    (void)a, (void)user;
    H.silent_calls++;
    snprintf(H.silent_room, sizeof H.silent_room, "%s", room);
    H.silent_ms = silent_ms;
}
static int c_cm(axws_axiom *a, ctx *t, void *arg) { (void)a, (void)t; return H.cm >= *(int *)arg; }
static int c_silent(axws_axiom *a, ctx *t, void *arg) { (void)a, (void)t, (void)arg; return H.silent_calls > 0; }
static int c_all_gaps(axws_axiom *a, ctx *t, void *arg) {
    (void)a, (void)t, (void)arg;
    return H.gap_rooms[0] && H.gap_rooms[1] && H.gap_rooms[2];
}

static void test_health(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    axws_axiom_stats st;
    axws_axiom_room_stats rs;
    ctx t;
    int n = 12, i, rtt, srtt, joins;
    memset(&H, 0, sizeof H);
    H.lat_min = INT64_MAX;
    H.lat_max = INT64_MIN;
    AXT_CASE("health: arrival times and latency from a delayed room");
    setup_cfg(&cfg, &t);
    cfg.handler.on_message = health_message;
    cfg.handler.on_room_silent = health_silent;
    cfg.keepalive_ms = 100;
    CHECK_EQ(fault("{\"delays\":{\"connection_monitor\":150},\"rates\":{\"connection_monitor\":20,\"sol_price\":20,\"block_hash\":20}}"), 200);
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    CHECK_EQ(axws_axiom_subscribe(&a, "connection_monitor"), 0);
    CHECK_EQ(axws_axiom_subscribe(&a, "sol_price"), 0);
    CHECK_EQ(axws_axiom_subscribe(&a, "block_hash"), 0);
    H.connected_at = axws_now_ms();
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 1));
    CHECK(run(&a, &t, 5000, c_cm, &n));
    CHECK_EQ(H.bad_arrival, 0);
    CHECK_EQ(H.bad_latency, 0);
    if (!CHECK(H.lat_min >= 140)) printf("latency min %lld max %lld\n", (long long)H.lat_min, (long long)H.lat_max);
    CHECK(H.lat_max < 2000);

    AXT_CASE("health: the keepalive pings' round trip");
    run(&a, &t, 350, NULL, NULL);
    rtt = axws_rtt_ms(axws_axiom_conn(&a), &srtt);
    CHECK(rtt >= 0 && rtt < 200);
    CHECK(srtt >= 0 && srtt < 200);

    AXT_CASE("health: the figures agree with what was delivered");
    axws_axiom_read_stats(&a, &st);
    CHECK_EQ((long)st.messages, (long)H.msgs);
    CHECK_EQ((long)st.bytes, (long)H.bytes);
    CHECK_EQ((long)st.latency_samples, (long)H.cm);
    CHECK_EQ((long)st.connects, 1L);
    CHECK(st.latency_p50_ms >= H.lat_min && st.latency_p50_ms <= st.latency_p90_ms);
    CHECK(st.latency_p90_ms <= st.latency_p99_ms && st.latency_p99_ms <= st.latency_max_ms);
    CHECK_EQ((long)st.latency_max_ms, (long)H.lat_max);
    CHECK(st.rtt_ms >= 0 && st.rtt_smoothed_ms >= 0);
    CHECK_EQ(axws_axiom_read_room_stats(&a, 0, &rs), 0);
    CHECK(strcmp(rs.room, "connection_monitor") == 0);
    CHECK_EQ((long)rs.messages, (long)H.cm);
    CHECK(rs.latency_last_ms >= 140 && rs.latency_max_ms >= rs.latency_last_ms);
    CHECK(rs.latency_p50_ms >= 140 && rs.latency_p50_ms <= rs.latency_p90_ms && rs.latency_p90_ms <= rs.latency_p99_ms &&
          rs.latency_p99_ms <= rs.latency_max_ms);
    CHECK_EQ(axws_axiom_read_room_stats(&a, 1, &rs), 0);
    CHECK_EQ((long)rs.messages, (long)H.sol);
    CHECK_EQ((long)rs.latency_last_ms, -1L);
    CHECK_EQ((long)rs.latency_p50_ms, -1L);
    CHECK_EQ(axws_axiom_read_room_stats(&a, 3, &rs), AXWS_EINVAL);

    AXT_CASE("health: a room that goes silent is reported and joined again");
    CHECK_EQ(axws_axiom_set_silence_limit(&a, "block_hash", 150, 1), 0);
    CHECK_EQ(axws_axiom_set_silence_limit(&a, "sol_price", 2000, 0), 0);
    CHECK_EQ(axws_axiom_set_silence_limit(&a, "no_such_room", 150, 1), AXWS_EINVAL);
    joins = joins_for("\"room\":\"block_hash\"");
    CHECK_EQ(fault("{\"rates\":{\"block_hash\":0}}"), 200);
    CHECK(run(&a, &t, 3000, c_silent, NULL));
    CHECK(strcmp(H.silent_room, "block_hash") == 0);
    CHECK(H.silent_ms >= 150);
    run(&a, &t, 100, NULL, NULL); /* the leave and the join go out, paced */
    CHECK(joins_for("\"room\":\"block_hash\"") == joins + 1);
    CHECK_EQ(fault("{\"rates\":{\"block_hash\":20}}"), 200);
    i = H.bh;
    run(&a, &t, 400, NULL, NULL);
    CHECK(H.bh > i);               /* it speaks again, and is no longer silent */
    CHECK(strcmp(H.silent_room, "block_hash") == 0); /* sol_price ticks: never reported */
    axws_axiom_read_stats(&a, &st);
    CHECK(st.silences >= 1 && st.silences == (uint32_t)H.silent_calls);

    AXT_CASE("health: after a forced reconnect each room's first message marks the gap");
    CHECK_EQ(H.gaps, 0);
    CHECK_EQ(fault("{\"close\":{\"code\":4000,\"reason\":\"gap test\"}}"), 200);
    CHECK(wait_disconnected(&a, &t, 1));
    H.lost_at = axws_now_ms();
    CHECK(wait_connected(&a, &t, 2));
    CHECK(run(&a, &t, 3000, c_all_gaps, NULL));
    CHECK_EQ(H.gaps, 3);
    CHECK_EQ(H.gaps_wrong, 0);
    run(&a, &t, 200, NULL, NULL);
    CHECK_EQ(H.gaps, 3);           /* once per room */
    axws_axiom_read_stats(&a, &st);
    CHECK_EQ((long)st.gaps, 3L);
    CHECK_EQ((long)st.reconnects, 1L);

    AXT_CASE("health: a slow consumer sees when messages arrived, not when it got them");
    H.slow_ms = 15;
    run(&a, &t, 400, NULL, NULL);
    H.slow_ms = 0;
    CHECK(H.same_step_later > 0);
    CHECK_EQ(H.bad_arrival, 0);

    AXT_CASE("health: a conflated room gives a slow consumer only its latest update per step");
    CHECK_EQ(axws_axiom_set_conflate(&a, "no_such_room", 1), AXWS_EINVAL);
    CHECK_EQ(axws_axiom_set_conflate(&a, "sol_price", 1), 0);
    CHECK_EQ(fault("{\"rates\":{\"sol_price\":300}}"), 200);
    CHECK_EQ(axws_axiom_read_room_stats(&a, 1, &rs), 0);
    i = H.sol;
    joins = (int)rs.messages; /* sol_price updates received so far */
    H.sol_conflated = H.other_conflated = 0;
    H.slow_ms = 25;
    run(&a, &t, 600, NULL, NULL);
    H.slow_ms = 0;
    CHECK_EQ(fault("{\"rates\":{\"sol_price\":20}}"), 200);
    run(&a, &t, 150, NULL, NULL);
    CHECK_EQ(axws_axiom_read_room_stats(&a, 1, &rs), 0);
    CHECK(H.sol_conflated_msgs > 0);  /* updates were dropped, the latest delivered */
    CHECK_EQ((long)(H.sol - i) + H.sol_conflated, (long)rs.messages - joins); /* none lost unaccounted */
    CHECK_EQ((long)rs.conflated, H.sol_conflated);
    CHECK_EQ(H.other_conflated, 0L);  /* rooms not conflated: every message */
    CHECK_EQ(axws_axiom_set_conflate(&a, "sol_price", 0), 0);

    axws_axiom_disconnect(&a, axws_now_ms());
    run(&a, &t, 300, c_closed, NULL);
    CHECK_EQ(fault("{\"delays\":{\"connection_monitor\":0},\"rates\":{\"default\":20}}"), 200);
}

static void run_suite(const char *label) {
    printf("-- %s\n", label);
    fflush(stdout);
    test_basic();
    test_reconnect();
    test_backoff();
    test_keepalive();
    test_malformed();
    test_tokens();
    test_auth_errors();
    test_http_errors();
    if (!tas) test_tiny_buffer(); /* ws:// only: TLS records bring each message whole */
}

int main(void) {
    if (start_plain()) return 1;
    run_suite("ws:// (plain)");
    test_health(); /* ws:// only: what it measures does not depend on TLS */
    test_token_file_links();
    standin_stop(&S);
    test_token_file_kill();
    if (start_tls()) { /* the same over wss:// */
        run_suite("wss:// (TLS, test CA)");
        test_region_hosts(); /* wss:// only, as the real hosts are */
    }
    return finish();
}
