/* tests/test_soak.c - reconnect cycles against the stand-in: every connection is dropped by
   the server after a few messages, the client reconnects and joins its rooms again. Checks
   that every cycle completes, that callbacks pair up, and that neither file descriptors nor
   memory grow. SOAK_CYCLES sets the count (default 200; `make soak` runs 10,000). */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"
#include "standin.h"
#include <dirent.h>

static unsigned char rx[AXWS_TLS_BUF_FULL], tx[1 << 14], msgbuf[1 << 16];
static standin S;
static int connected, disconnected, messages, errors_other;

static void on_message(axws_axiom *a, const axws_axiom_msg *m, void *u) { (void)a; (void)m; (void)u; messages++; }
static void on_connected(axws_axiom *a, const char *s, void *u) { (void)a; (void)s; (void)u; connected++; }
static void on_disconnected(axws_axiom *a, const char *r, void *u) { (void)a; (void)r; (void)u; disconnected++; }
static void on_error(axws_axiom *a, const axws_axiom_error *e, void *u) {
    (void)a; (void)u;
    /* each drop is a connection lost while receiving; anything else is a failure */
    if (e->kind != AXWS_AXIOM_ERR_RECEIVE) {
        errors_other++;
        fprintf(stderr, "unexpected error: %s: %s\n", axws_axiom_error_kind_name(e->kind), e->text);
    }
}

static int count_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) n += e->d_name[0] != '.';
    if (d) closedir(d);
    return n;
}

static long rss_kb(void) {
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kb = atol(line + 6);
    if (f) fclose(f);
    return kb;
}

int main(void) {
    static const char *args[] = { "--secret", "soak", "--rate", "default=200", "--drop-after", "3",
                                  "--write-tokens", NULL, NULL };
    char tpl[] = "/tmp/axws-soak-XXXXXX", tok[300], cmd[400];
    const char *env = getenv("SOAK_CYCLES");
    int cycles = env ? atoi(env) : 200, fds_early = 0, fds_late;
    long rss_early = 0, rss_late;
    axws_axiom_config cfg;
    static axws_axiom a;
    int64_t start, end;
    if (!mkdtemp(tpl)) return 1;
    snprintf(tok, sizeof tok, "%s/tokens.json", tpl);
    args[7] = tok;
    AXT_CASE("soak");
    if (!CHECK(standin_start(&S, NULL, NULL, args) == 0)) {
        standin_stop_all();
        return axt_report();
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.handler.on_message = on_message;
    cfg.handler.on_connected = on_connected;
    cfg.handler.on_disconnected = on_disconnected;
    cfg.handler.on_error = on_error;
    cfg.url = S.url;
    cfg.api_url = S.api;
    cfg.token_file = tok;
    cfg.rx_buf = rx; cfg.rx_size = sizeof rx;
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
    cfg.msg_buf = msgbuf; cfg.msg_size = sizeof msgbuf;
    cfg.backoff_base_ms = 1;
    cfg.backoff_cap_ms = 5;
    cfg.pacing_ms = -1;
    CHECK_EQ(axws_axiom_init(&a, &cfg), 0);
    axws_axiom_subscribe(&a, "sol_price");
    axws_axiom_subscribe(&a, "block_hash");
    CHECK_EQ(axws_axiom_connect(&a, axws_now_ms()), 0);
    start = axws_now_ms();
    end = start + 30000 + (int64_t)cycles * 60;
    while (connected < cycles && axws_now_ms() < end) {
        struct pollfd p[AXWS_AXIOM_MAX_POLLFDS];
        int n = axws_axiom_pollfds(&a, p, AXWS_AXIOM_MAX_POLLFDS);
        int w = axws_axiom_timeout_ms(&a, axws_now_ms());
        poll(p, (nfds_t)n, w < 0 || w > 50 ? 50 : w);
        axws_axiom_step(&a, p, n, axws_now_ms());
        standin_pump(&S);
        if (S.log_len > (1u << 19)) S.log_len = 0, S.log[0] = 0; /* keep only recent lines */
        if (connected == cycles / 4 && !fds_early) {
            fds_early = count_fds();
            rss_early = rss_kb();
        }
    }
    fds_late = count_fds();
    rss_late = rss_kb();
    printf("%d cycles in %lld ms, %d messages; fds %d -> %d; RSS %ld -> %ld KiB\n", connected,
           (long long)(axws_now_ms() - start), messages, fds_early, fds_late, rss_early, rss_late);
    CHECK(connected >= cycles);
    CHECK(disconnected == connected || disconnected == connected - 1);
    CHECK(messages >= 2 * cycles);
    CHECK_EQ(errors_other, 0);
    CHECK(fds_late <= fds_early);
    CHECK(rss_late - rss_early < 2048); /* the library allocates nothing; allow libc noise */
    axws_axiom_disconnect(&a, axws_now_ms());
    standin_stop_all();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tpl);
    if (system(cmd) != 0) return 1;
    return axt_report();
}
