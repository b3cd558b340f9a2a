/* tests/axiom_client.h - what the Axiom client tests share: the stand-in (tests/peers/
   axiom_standin.js) they run against, the client's buffers and callbacks that count what
   arrived, a setup of the config for it, and a loop that pumps client and stand-in until a
   condition holds. Included by test_axiom.c and test_axiom_shared.c, after harness.h and
   standin.h. */
#ifndef AXWS_TEST_AXIOM_CLIENT_H
#define AXWS_TEST_AXIOM_CLIENT_H

static unsigned char rx[1 << 17], tx[1 << 16], msgbuf[1 << 16];

typedef struct {
    int connected, disconnected, errors[16], kinds[AXWS_AXIOM_KIND_COUNT], tokens;
    int undecodable;
    char session[64], last_session[64], reason[512], error_text[512];
    int last_error_kind, last_http;
    double last_sol_price;
    char last_pair_ticker[64];
    int order[64], norder; /* kinds in arrival order */
    int64_t wall_offset;
} ctx;

AXT_MAYBE_UNUSED static void on_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    ctx *t = (ctx *)user;
    (void)a;
    t->kinds[m->kind]++;
    if (t->norder < 64) t->order[t->norder++] = m->kind;
    if (m->flags & AXWS_AXIOM_MSG_UNDECODABLE) t->undecodable++;
    if (m->kind == AXWS_AXIOM_KIND_SOL_PRICE) t->last_sol_price = m->u.sol_price.price.value;
}
AXT_MAYBE_UNUSED static void on_connected(axws_axiom *a, const char *session, void *user) {
    ctx *t = (ctx *)user;
    (void)a;
    t->connected++;
    snprintf(t->last_session, sizeof t->last_session, "%s", t->session);
    snprintf(t->session, sizeof t->session, "%s", session);
}
AXT_MAYBE_UNUSED static void on_disconnected(axws_axiom *a, const char *reason, void *user) {
    ctx *t = (ctx *)user;
    (void)a;
    t->disconnected++;
    snprintf(t->reason, sizeof t->reason, "%s", reason);
}
/* on_error may call the API back: with reconnect_on_error it reconnects at once, as a
   program might; error_depth sees whether an error is reported from inside another. */
static int reconnect_on_error, error_depth, max_error_depth;
AXT_MAYBE_UNUSED static void on_error(axws_axiom *a, const axws_axiom_error *e, void *user) {
    ctx *t = (ctx *)user;
    if (++error_depth > max_error_depth) max_error_depth = error_depth;
    if (reconnect_on_error && error_depth < 50) axws_axiom_reconnect(a, axws_now_ms());
    error_depth--;
    t->errors[e->kind]++;
    t->last_error_kind = e->kind;
    t->last_http = e->http_status;
    snprintf(t->error_text, sizeof t->error_text, "%s", e->text);
}
AXT_MAYBE_UNUSED static void on_tokens(axws_axiom *a, const char *acc, const char *ref, void *user) {
    (void)a; (void)acc; (void)ref;
    ((ctx *)user)->tokens++;
    ((ctx *)user)->wall_offset = 0; /* a test that jumped the clock comes back to now */
}
static int64_t wall(void *user) { return (int64_t)time(NULL) + ((ctx *)user)->wall_offset; }

static standin S;
static char tmpdir[64], tokfile[128];
static axws_tls_anchors anchors; /* the test CA, for the wss:// round */
static unsigned char anchor_buf[16384];
static const br_x509_trust_anchor *tas;
static size_t ta_count;

AXT_MAYBE_UNUSED static void setup_cfg(axws_axiom_config *cfg, ctx *t) {
    memset(cfg, 0, sizeof *cfg);
    memset(t, 0, sizeof *t);
    cfg->handler.on_message = on_message;
    cfg->handler.on_connected = on_connected;
    cfg->handler.on_disconnected = on_disconnected;
    cfg->handler.on_error = on_error;
    cfg->handler.on_tokens = on_tokens;
    cfg->handler.user = t;
    cfg->url = S.url;
    cfg->api_url = S.api;
    cfg->token_file = tokfile;
    cfg->no_env = 1;
    cfg->rx_buf = rx; cfg->rx_size = sizeof rx;
    cfg->tx_buf = tx; cfg->tx_size = sizeof tx;
    cfg->msg_buf = msgbuf; cfg->msg_size = sizeof msgbuf;
    cfg->backoff_base_ms = 50;
    cfg->backoff_cap_ms = 400;
    cfg->pacing_ms = 20;
    cfg->wall_clock = wall;
    cfg->wall_clock_user = t;
    cfg->trust_anchors = tas;
    cfg->trust_anchor_count = ta_count;
    cfg->servername = tas ? "localhost" : NULL; /* BearSSL verifies names, not IPs */
    cfg->api_servername = cfg->servername;      /* named for each endpoint explicitly */
}

/* Run the client until cond() holds or `ms` pass. */
typedef int (*cond_fn)(axws_axiom *a, ctx *t, void *arg);
AXT_MAYBE_UNUSED static int run(axws_axiom *a, ctx *t, int ms, cond_fn cond, void *arg) {
    int64_t end = axws_now_ms() + ms;
    while (axws_now_ms() < end) {
        struct pollfd p[AXWS_AXIOM_MAX_POLLFDS];
        int n, w;
        if (cond && cond(a, t, arg)) return 1;
        n = axws_axiom_pollfds(a, p, AXWS_AXIOM_MAX_POLLFDS);
        w = axws_axiom_timeout_ms(a, axws_now_ms());
        if (w < 0 || w > 20) w = 20;
        poll(p, (nfds_t)n, w);
        axws_axiom_step(a, p, n, axws_now_ms());
        standin_pump(&S);
    }
    return cond ? cond(a, t, arg) : 1;
}

AXT_MAYBE_UNUSED static int c_connected(axws_axiom *a, ctx *t, void *arg) { (void)a; return t->connected >= *(int *)arg; }
AXT_MAYBE_UNUSED static int c_disconnected(axws_axiom *a, ctx *t, void *arg) { (void)a; return t->disconnected >= *(int *)arg; }
AXT_MAYBE_UNUSED static int c_kind(axws_axiom *a, ctx *t, void *arg) { (void)a; return t->kinds[*(int *)arg] > 0; }
AXT_MAYBE_UNUSED static int c_log(axws_axiom *a, ctx *t, void *arg) {
    const char **needles = (const char **)arg;
    (void)a; (void)t;
    return standin_count(&S, needles[0], needles[1], needles[2], (const char *)NULL) >= 1;
}
AXT_MAYBE_UNUSED static int c_closed(axws_axiom *a, ctx *t, void *arg) {
    (void)t; (void)arg;
    return axws_conn_state(axws_axiom_conn(a)) == AXWS_STATE_CLOSED && !axws_axiom_is_connected(a);
}
AXT_MAYBE_UNUSED static int c_error_kind(axws_axiom *a, ctx *t, void *arg) { (void)a; return t->errors[*(int *)arg] > 0; }

AXT_MAYBE_UNUSED static int wait_connected(axws_axiom *a, ctx *t, int n) { return run(a, t, 5000, c_connected, &n); }
AXT_MAYBE_UNUSED static int wait_disconnected(axws_axiom *a, ctx *t, int n) { return run(a, t, 5000, c_disconnected, &n); }
AXT_MAYBE_UNUSED static int wait_log(axws_axiom *a, ctx *t, const char *n1, const char *n2, const char *n3) {
    const char *needles[3];
    needles[0] = n1; needles[1] = n2; needles[2] = n3;
    return run(a, t, 5000, c_log, (void *)needles);
}
AXT_MAYBE_UNUSED static int wait_kind(axws_axiom *a, ctx *t, int kind) { return run(a, t, 5000, c_kind, &kind); }

AXT_MAYBE_UNUSED static int fault(const char *json) { return standin_control(&S, "/__fault", json, tas, ta_count); }

/* The stand-in's arguments: tokens written to tokfile in a directory made for the run. */
static const char *standin_args[] = { "--secret", "test-secret", "--rate", "default=20", "--write-tokens", NULL, NULL };

/* The run's directory and the stand-in over ws://; 0, or 1 after reporting a failure. */
AXT_MAYBE_UNUSED static int start_plain(void) {
    char tpl[] = "/tmp/axws-axiom-XXXXXX";
    if (!mkdtemp(tpl)) return 1;
    snprintf(tmpdir, sizeof tmpdir, "%s", tpl);
    snprintf(tokfile, sizeof tokfile, "%s/tokens.json", tmpdir);
    standin_args[5] = tokfile;
    if (standin_start(&S, NULL, NULL, standin_args) != 0) {
        printf("FAIL: the stand-in did not start\n0 passed, 1 failed\n");
        standin_stop_all();
        return 1;
    }
    return 0;
}

/* The stand-in again over wss://, with a CA made for this run (tas, ta_count set): 1 when
   it runs (a failure is a checked case). */
AXT_MAYBE_UNUSED static int start_tls(void) {
    char cmd[600], cert[300], key[300], ca[300];
    snprintf(cmd, sizeof cmd, "tests/peers/mkcerts.sh '%s' >/dev/null 2>&1", tmpdir);
    snprintf(cert, sizeof cert, "%s/server.pem", tmpdir);
    snprintf(key, sizeof key, "%s/server.key", tmpdir);
    snprintf(ca, sizeof ca, "%s/ca.pem", tmpdir);
    AXT_CASE("wss:// setup");
    if (!CHECK(system(cmd) == 0) || !CHECK(axws_tls_anchors_file(&anchors, anchor_buf, sizeof anchor_buf, ca) > 0))
        return 0;
    tas = anchors.anchors;
    ta_count = anchors.count;
    return CHECK(standin_start(&S, cert, key, standin_args) == 0);
}

/* The stand-in expires the tokens and drops the stream, so the reconnect's upgrade gets
   403: the client refreshes once and connects again. n: disconnects so far, after this one
   (connects and tokens are one more). Whether the client reported the 403 is the caller's
   to check (its callbacks). */
AXT_MAYBE_UNUSED static void check_403_refresh_retry(axws_axiom *a, ctx *t, int n) {
    CHECK_EQ(fault("{\"expire_tokens\":true}"), 200);
    CHECK_EQ(fault("{\"drop\":true}"), 200);
    CHECK(wait_disconnected(a, t, n));
    CHECK(wait_connected(a, t, n + 1));
    CHECK_EQ(t->tokens, n + 1);
    CHECK(standin_count(&S, "\"event\":\"upgrade\"", "\"status\":403", (const char *)NULL) >= 1);
}

/* Every stand-in stopped, the run's directory removed, the count line: main's return. */
AXT_MAYBE_UNUSED static int finish(void) {
    char cmd[200];
    standin_stop_all();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return axt_report();
}

#endif
