/* tests/test_axiom_shared.c - the Axiom client built with AXWS_AXIOM_SHARED_RX, against the
   local stand-in over ws:// and wss://: the token refresh borrows the stream's rx_buf, so it
   runs only while the stream is down, and the stream waits for it. Checked from the
   stand-in's log (what the server saw, in order): a refresh before the connect that needs it,
   none beside a live stream even when one is due or asked for, the due one between two
   connections, the 403 path, and a failed refresh that does not keep a stream with a good
   token down. Every connection carries messages: the buffer works for both in turn. */
#define AXWS_AXIOM_SHARED_RX
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"
#include "standin.h"
#include "axiom_client.h"

#define REFRESH_OK "\"event\":\"refresh\"", "\"status\":200"
#define UPGRADE_OK "\"event\":\"upgrade\"", "\"status\":101"

static int c_refreshes(axws_axiom *a, ctx *t, void *arg) {
    (void)a; (void)t;
    return standin_count(&S, "\"event\":\"refresh\"", (const char *)NULL) >= *(int *)arg;
}

/* The line number of the stand-in's nth (from 0) line with both needles, waiting for it to
   be written (the client may see its connection before the stand-in's log says so), or -1. */
typedef struct { int nth; const char *n1, *n2; } line_wanted;
static int c_line(axws_axiom *a, ctx *t, void *arg) {
    const line_wanted *w = (const line_wanted *)arg;
    (void)a; (void)t;
    return standin_line(&S, w->nth, w->n1, w->n2, (const char *)NULL) >= 0;
}
static int logged_line(axws_axiom *a, ctx *t, int nth, const char *n1, const char *n2) {
    line_wanted w;
    w.nth = nth; w.n1 = n1; w.n2 = n2;
    run(a, t, 2000, c_line, &w);
    return standin_line(&S, nth, n1, n2, (const char *)NULL);
}

/* A sol_price message on the connection that is up now (the n-th one seen so far). */
static int fresh_message(axws_axiom *a, ctx *t) {
    int kind = AXWS_AXIOM_KIND_SOL_PRICE;
    t->kinds[kind] = 0;
    return run(a, t, 5000, c_kind, &kind);
}

static void test_shared_rx(void) {
    axws_axiom_config cfg;
    axws_axiom a;
    ctx t;
    int refreshes, upgrades, drops, n, kind = AXWS_AXIOM_ERR_AUTH;
    int64_t now;

    AXT_CASE("shared rx: an expired token is refreshed first, then the stream connects on the same buffer");
    setup_cfg(&cfg, &t);
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    refreshes = standin_count(&S, REFRESH_OK, (const char *)NULL);
    upgrades = standin_count(&S, UPGRADE_OK, (const char *)NULL);
    t.wall_offset = axws_axiom_token_expiry(&a) + 10 - (int64_t)time(NULL); /* expired 10 s ago */
    CHECK_EQ(axws_axiom_subscribe(&a, "sol_price"), 0);
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    CHECK(wait_connected(&a, &t, 1));
    CHECK_EQ(t.tokens, 1);
    n = logged_line(&a, &t, refreshes, REFRESH_OK);
    CHECK(n >= 0 && n < logged_line(&a, &t, upgrades, UPGRADE_OK));
    CHECK(fresh_message(&a, &t));

    AXT_CASE("shared rx: no refresh beside a live stream, due or asked for; it runs between connections");
    refreshes = standin_count(&S, "\"event\":\"refresh\"", (const char *)NULL);
    upgrades = standin_count(&S, UPGRADE_OK, (const char *)NULL);
    t.wall_offset = axws_axiom_token_expiry(&a) - 100 - (int64_t)time(NULL); /* inside the 120 s window */
    CHECK_EQ(axws_axiom_refresh_token(&a, axws_now_ms()), 0);
    n = refreshes + 1;
    CHECK(!run(&a, &t, 300, c_refreshes, &n)); /* nothing reached the refresh endpoint */
    CHECK_EQ(t.tokens, 1);
    CHECK(axws_axiom_is_connected(&a));
    now = axws_now_ms();
    CHECK(axws_axiom_timeout_ms(&a, now) != 0); /* a refresh that must wait does not spin the loop */
    CHECK(fresh_message(&a, &t));
    drops = standin_count(&S, "\"event\":\"disconnect\"", (const char *)NULL);
    CHECK_EQ(fault("{\"drop\":true}"), 200);
    CHECK(wait_disconnected(&a, &t, 1));
    CHECK(wait_connected(&a, &t, 2));
    CHECK_EQ(t.tokens, 2);
    CHECK_EQ(standin_count(&S, "\"event\":\"refresh\"", (const char *)NULL), refreshes + 1); /* one, not one each */
    n = logged_line(&a, &t, refreshes, REFRESH_OK);
    CHECK(logged_line(&a, &t, drops, "\"event\":\"disconnect\"", "\"by\":\"server-drop\"") < n);
    CHECK(n >= 0 && n < logged_line(&a, &t, upgrades, UPGRADE_OK));
    CHECK(fresh_message(&a, &t));

    AXT_CASE("shared rx: 403 on the upgrade: one refresh, then a retry that succeeds");
    check_403_refresh_retry(&a, &t, 2);
    CHECK(fresh_message(&a, &t));

    AXT_CASE("shared rx: a refresh endpoint that keeps failing does not keep a stream with a good token down");
    CHECK_EQ(fault("{\"refresh_fault\":\"502\"}"), 200);
    memset(t.errors, 0, sizeof t.errors);
    CHECK_EQ(axws_axiom_refresh_token(&a, axws_now_ms()), 0);
    CHECK_EQ(fault("{\"drop\":true}"), 200);
    CHECK(wait_disconnected(&a, &t, 3));
    CHECK(wait_connected(&a, &t, 4));
    CHECK(run(&a, &t, 100, c_error_kind, &kind));
    CHECK(strstr(t.error_text, "502") != NULL);
    CHECK_EQ(t.tokens, 3);
    CHECK(fresh_message(&a, &t));
    axws_axiom_disconnect(&a, axws_now_ms());
    run(&a, &t, 300, c_closed, NULL);
    CHECK_EQ(fault("{\"refresh_fault\":null}"), 200);

    AXT_CASE("shared rx: connect() while the refresh has the buffer is refused as busy, then made");
    setup_cfg(&cfg, &t);
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    CHECK_EQ(axws_axiom_refresh_token(&a, axws_now_ms()), 0);
    n = standin_count(&S, "\"event\":\"refresh\"", (const char *)NULL) + 1;
    axws_axiom_step(&a, NULL, 0, axws_now_ms()); /* starts the refresh */
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    axws_axiom_step(&a, NULL, 0, axws_now_ms()); /* the attempt waits for the refresh */
    CHECK(axws_conn_state(axws_axiom_conn(&a)) == AXWS_STATE_CLOSED);
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), AXWS_ESTATE);
    CHECK(wait_connected(&a, &t, 1));
    CHECK_EQ(t.tokens, 1);
    CHECK(run(&a, &t, 100, c_refreshes, &n));
    axws_axiom_disconnect(&a, axws_now_ms());
    run(&a, &t, 300, c_closed, NULL);
    fault("{\"clear\":true}");
}

int main(void) {
    if (start_plain()) return 1;
    printf("-- ws:// (plain)\n");
    test_shared_rx();
    standin_stop(&S);
    if (start_tls()) {
        printf("-- wss:// (TLS, test CA: stream and refresh both on the one record buffer)\n");
        test_shared_rx();
    }
    return finish();
}
