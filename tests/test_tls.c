/* tests/test_tls.c - wss:// through BearSSL, end to end.

   Generates a throw-away PKI with the openssl command (tests/peers/gen_certs.sh) into a
   temporary directory, then checks: trust anchors from PEM (memory, file, system bundle,
   too-small buffers); echo over wss:// against Python websockets (tests/peers/wss_echo.py)
   and Node ws (tests/peers/node_echo.js, when present) with sizes 0 B..16 MiB, fragments,
   ping/pong and both closes; 50 TLS connections in one poll loop; a pool of 10 sharing one
   session; the small-output layout; reads staged in rx_buf; a one-byte-per-write proxy;
   session resumption against openssl s_server and Python; the suite order; compiled-in
   anchors from examples/ta_gen; and every failure with its expected error: wrong CA, wrong
   name, expired and not-yet-valid (injected clock), TLS-1.3-only server, a server dropping
   the handshake, garbage and plain HTTP instead of a ServerHello, a silent server
   (timeout), IPv4 and IPv6 literal hosts without a name, no anchors, a too-small buffer.
   Every server is started here on port 0 and killed at exit. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------ child processes */

#define MAX_KIDS 16
static pid_t kids[MAX_KIDS];
static int kid_in[MAX_KIDS];
static int nkids;
static char dir[64];

static void stop_kid(int i) {
    if (kids[i] <= 0) return;
    if (kid_in[i] >= 0) close(kid_in[i]);
    kill(kids[i], SIGTERM);
    waitpid(kids[i], NULL, 0);
    kids[i] = 0;
}

static void cleanup(void) {
    int i;
    char cmd[128];
    for (i = 0; i < nkids; i++) stop_kid(i);
    if (dir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
}

/* Start argv[] with a pipe on stdin (closing it ends our peers) and read its stdout until
   a line announces the port: "PORT n", "n", or openssl's "ACCEPT [::]:n". Returns the
   port, or -1. */
static int spawn(const char *const argv[], int *kid_index) {
    int out[2], in[2], port = -1;
    char line[512];
    size_t len = 0;
    pid_t pid;
    if (nkids == MAX_KIDS || pipe(out) != 0 || pipe(in) != 0) return -1;
    pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execvp(argv[0], (char *const *)(void *)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    kids[nkids] = pid;
    kid_in[nkids] = in[1];
    if (kid_index) *kid_index = nkids;
    nkids++;
    for (;;) {
        struct pollfd p;
        ssize_t n;
        p.fd = out[0];
        p.events = POLLIN;
        if (poll(&p, 1, 15000) <= 0) break;
        n = read(out[0], line + len, 1);
        if (n <= 0) break;
        if (line[len] == '\n' || len == sizeof line - 2) {
            char *e = line + len, *s;
            *e = 0;
            len = 0;
            if (strstr(line, "ACCEPT") == NULL && strncmp(line, "PORT", 4) != 0 &&
                !(line[0] >= '0' && line[0] <= '9'))
                continue;
            s = e;
            while (s > line && s[-1] >= '0' && s[-1] <= '9') s--;
            port = atoi(s);
            break;
        }
        len++;
    }
    close(out[0]); /* later output goes nowhere; our peers only print the port */
    if (port <= 0) fprintf(stderr, "could not start %s\n", argv[0]);
    return port;
}

static int start_py_echo(const char *cert, const char *key) {
    char c[128], k[128];
    const char *argv[] = {"/usr/bin/python3", "tests/peers/wss_echo.py", "--cert", c, "--key", k, NULL};
    snprintf(c, sizeof c, "%s/%s", dir, cert);
    snprintf(k, sizeof k, "%s/%s", dir, key);
    return spawn(argv, NULL);
}

static int start_s_server(const char *name, const char *extra, int *kid) {
    char c[128], k[128];
    const char *argv[] = {"openssl", "s_server", "-accept", "0", "-cert", c, "-key", k, "-www",
                          "-no_ticket", extra, NULL};
    snprintf(c, sizeof c, "%s/%s.pem", dir, name);
    snprintf(k, sizeof k, "%s/%s.key", dir, name);
    return spawn(argv, kid);
}

/* A misbehaving TLS server: accepts one connection, reads the ClientHello, then
   mode 0 closes, mode 1 answers with garbage, mode 2 answers with an HTTP error,
   mode 3 says nothing for 3 s. */
static int start_fake(int mode) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    pid_t pid;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(ls, 4) != 0 ||
        getsockname(ls, (struct sockaddr *)&sa, &sl) != 0 || nkids == MAX_KIDS)
        return -1;
    pid = fork();
    if (pid == 0) {
        static const char http[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
        unsigned char junk[300], hello[512];
        int i, s;
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        s = accept(ls, NULL, NULL);
        if (s < 0) _exit(1);
        if (read(s, hello, sizeof hello) <= 0) _exit(1);
        for (i = 0; i < (int)sizeof junk; i++) junk[i] = (unsigned char)(i * 37 + 11);
        if (mode == 1 && write(s, junk, sizeof junk) < 0) _exit(1);
        if (mode == 2 && write(s, http, sizeof http - 1) < 0) _exit(1);
        if (mode != 0) poll(NULL, 0, mode == 3 ? 3000 : 300);
        close(s);
        _exit(0);
    }
    close(ls);
    kids[nkids] = pid;
    kid_in[nkids] = -1;
    nkids++;
    return ntohs(sa.sin_port);
}

/* Whether this machine has an IPv6 loopback to test on. */
static int have_ipv6(void) {
    struct sockaddr_in6 sa;
    int fd = socket(AF_INET6, SOCK_STREAM, 0), ok;
    memset(&sa, 0, sizeof sa);
    sa.sin6_family = AF_INET6;
    sa.sin6_addr = in6addr_loopback;
    ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0) close(fd);
    return ok;
}

/* ------------------------------------------------------------------ the client under test */

static axws_tls_anchors anchors;
static unsigned char anchor_buf[1 << 16];

#define NCONN 50
typedef struct tclient {
    axws_conn c;
    const size_t *sizes; /* messages to send and expect back */
    int nsizes;
    int frag_ping;       /* then a fragmented message and a ping */
    int server_close;    /* end with "__close__ 4001 bye" instead of our close */
    int phase;
    int opened, closed, close_code, error, echoes, bad_echo, pongs;
    const uint8_t *expect;
    size_t expect_len;
} tclient;

static tclient clients[NCONN];
static unsigned char tls_bufs[NCONN][AXWS_TLS_BUF_MIN];
static unsigned char tx_bufs[NCONN][80000];
static unsigned char msg_bufs[NCONN][80000];
/* the big client: full-duplex TLS and 16 MiB messages */
static unsigned char big_tls[AXWS_TLS_BUF_FULL];
static unsigned char big_tx[(16u << 20) + 64];
static unsigned char big_msg[16u << 20];
static unsigned char big_rx[1 << 16]; /* staging for TLS reads (few recv calls) */
static unsigned char pattern[(16u << 20) + 64];
static int64_t fake_time; /* seconds since the epoch for tls_time, 0 = the real clock */

static int64_t test_time(void *user) {
    (void)user;
    return fake_time ? fake_time : (int64_t)time(NULL);
}

static void next_action(tclient *t) {
    axws_conn *c = &t->c;
    int r = 0;
    if (t->phase < t->nsizes) {
        size_t n = t->sizes[t->phase];
        t->expect = pattern + t->phase;
        t->expect_len = n;
        r = axws_send_binary(c, t->expect, n);
    } else if (t->phase == t->nsizes && t->frag_ping) {
        t->expect = (const uint8_t *)"fragmented over three frames";
        t->expect_len = strlen((const char *)t->expect);
        r = axws_send_fragment(c, AXWS_OP_TEXT, t->expect, 10, 0);
        if (!r) r = axws_send_fragment(c, AXWS_OP_CONT, t->expect + 10, 10, 0);
        if (!r) r = axws_send_fragment(c, AXWS_OP_CONT, t->expect + 20, t->expect_len - 20, 1);
    } else if (t->phase == t->nsizes + 1 && t->frag_ping) {
        r = axws_ping(c, "are you there", 13);
    } else if (t->server_close) {
        r = axws_send_text(c, "__close__ 4001 bye", 18);
    } else {
        r = axws_close(c, 1000, "done", axws_now_ms());
    }
    if (r) fprintf(stderr, "client action %d failed: %s\n", t->phase, axws_strerror(r));
    t->phase++;
}

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    tclient *t = (tclient *)user;
    switch (ev->type) {
    case AXWS_EV_OPEN:
        t->opened = 1;
        /* none was offered, so none was negotiated (its memory held the X.509 context) */
        if (axws_subprotocol(c) != NULL) t->bad_echo++;
        next_action(t);
        break;
    case AXWS_EV_MESSAGE:
        if (ev->len != t->expect_len || (ev->len && memcmp(ev->data, t->expect, ev->len) != 0)) {
            t->bad_echo++;
            fprintf(stderr, "bad echo: %zu bytes, expected %zu\n", ev->len, t->expect_len);
        }
        t->echoes++;
        next_action(t);
        break;
    case AXWS_EV_PONG:
        if (ev->len == 13 && memcmp(ev->data, "are you there", 13) == 0) t->pongs++;
        next_action(t);
        break;
    case AXWS_EV_CLOSE:
        t->closed = 1;
        t->close_code = ev->close_code;
        t->error = ev->error;
        break;
    default:
        break;
    }
}

/* Configure slot i (or the big client when i < 0) with the test anchors and defaults. */
#ifdef AXWS_NO_OS_RANDOM
/* test_tls_entropy: the program's entropy hook, the only source the library may use. Here
   it reads the kernel's pool itself; on a device it would be a hardware generator. */
static int hook_calls;
static void program_random(void *user, void *buf, size_t len) {
    int fd = open("/dev/urandom", O_RDONLY);
    (void)user;
    hook_calls++;
    if (fd < 0 || read(fd, buf, len) != (ssize_t)len) abort();
    close(fd);
}
#endif

static tclient *setup(int i, const size_t *sizes, int nsizes) {
    tclient *t = i < 0 ? &clients[0] : &clients[i];
    axws_config cfg;
    memset(t, 0, sizeof *t);
    memset(&cfg, 0, sizeof cfg);
    if (i < 0) {
        cfg.tls_buf = big_tls; cfg.tls_size = sizeof big_tls;
        cfg.tx_buf = big_tx; cfg.tx_size = sizeof big_tx;
        cfg.msg_buf = big_msg; cfg.msg_size = sizeof big_msg;
        cfg.rx_buf = big_rx; cfg.rx_size = sizeof big_rx;
    } else {
        cfg.tls_buf = tls_bufs[i]; cfg.tls_size = sizeof tls_bufs[i];
        cfg.tx_buf = tx_bufs[i]; cfg.tx_size = sizeof tx_bufs[i];
        cfg.msg_buf = msg_bufs[i]; cfg.msg_size = sizeof msg_bufs[i];
    }
    cfg.trust_anchors = anchors.anchors;
    cfg.trust_anchor_count = anchors.count;
    cfg.servername = "localhost";
    cfg.tls_time = test_time;
#ifdef AXWS_NO_OS_RANDOM
    cfg.random = program_random;
#endif
    cfg.on_event = on_event;
    cfg.user = t;
    cfg.connect_timeout_ms = 10000;
    cfg.handshake_timeout_ms = 10000;
    CHECK_EQ(axws_init(&t->c, &cfg), 0);
    t->sizes = sizes;
    t->nsizes = nsizes;
    return t;
}

/* Step every started client until all are CLOSED (or 20 s pass). */
static void run_all(tclient *const *ts, int n) {
    int64_t end = axws_now_ms() + 20000;
    for (;;) {
        struct pollfd p[NCONN];
        int i, np = 0, live = 0, timeout = 1000;
        for (i = 0; i < n; i++) {
            int k, to;
            if (axws_conn_state(&ts[i]->c) == AXWS_STATE_CLOSED) continue;
            live++;
            k = axws_pollfds(&ts[i]->c, &p[np], 1);
            np += k;
            to = axws_timeout_ms(&ts[i]->c, axws_now_ms());
            if (to >= 0 && to < timeout) timeout = to;
        }
        if (!live) return;
        if (axws_now_ms() > end) {
            fprintf(stderr, "run_all: timed out with %d connections open\n", live);
            for (i = 0; i < n; i++) axws_abort(&ts[i]->c);
            return;
        }
        poll(p, (nfds_t)np, timeout);
        for (i = 0; i < n; i++)
            if (axws_conn_state(&ts[i]->c) != AXWS_STATE_CLOSED) axws_step(&ts[i]->c, p, np, axws_now_ms());
    }
}

static void run_one(tclient *t, const char *url) {
    int r = axws_connect(&t->c, url, axws_now_ms());
    if (r) fprintf(stderr, "connect %s: %s\n", url, axws_strerror(r));
    run_all(&t, 1);
}

/* A whole echo conversation succeeded. */
static void check_echo(const char *what, const tclient *t, int expect_close) {
    AXT_CASE(what);
    CHECK(t->opened);
    CHECK_EQ(t->error, 0);
    CHECK_EQ(axws_tls_error(&t->c), 0);
    CHECK_EQ(t->echoes, t->nsizes + (t->frag_ping ? 1 : 0));
    CHECK_EQ(t->bad_echo, 0);
    CHECK_EQ(t->pongs, t->frag_ping ? 1 : 0);
    CHECK(t->closed);
    CHECK_EQ(t->close_code, expect_close);
    if (t->error || axws_tls_error(&t->c))
        fprintf(stderr, "  [%s] error %s / %s\n", what, axws_strerror(t->error),
                axws_tls_strerror(axws_tls_error(&t->c)));
}

static char url[128];
static const char *wss(int port) {
    snprintf(url, sizeof url, "wss://127.0.0.1:%d/echo", port);
    return url;
}

/* ------------------------------------------------------------------ tests */

static void test_anchors(void) {
    static char pem[16384];
    static unsigned char small[200];
    char path[128];
    size_t n = 0;
    FILE *f;
    axws_tls_anchors a;
    int r, i;
    const char *files[] = {"ca.pem", "rsa.pem", "ca.key"};
    AXT_CASE("anchors");
    for (i = 0; i < 3; i++) { /* two certificates and a private key (skipped) */
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        f = fopen(path, "rb");
        CHECK(f != NULL);
        if (!f) return;
        n += fread(pem + n, 1, sizeof pem - n, f);
        fclose(f);
    }
    r = axws_tls_anchors_pem(&a, NULL, 0, pem, n);
    CHECK_EQ(r, AXWS_ENOBUFS);
    CHECK(a.needed > 2 * sizeof(br_x509_trust_anchor));
    CHECK_EQ(axws_tls_anchors_pem(&a, small, sizeof small, pem, n), AXWS_ENOBUFS);
    {
        static unsigned char exact[4096];
        size_t need = a.needed;
        CHECK(need <= sizeof exact);
        r = axws_tls_anchors_pem(&a, exact, need, pem, n);
        CHECK_EQ(r, 2);
        CHECK_EQ(a.count, 2);
        CHECK_EQ(a.skipped, 1);
        CHECK_EQ(a.needed, need);
        if (r == 2) {
            int cas = 0;
            for (i = 0; i < 2; i++) {
                cas += (a.anchors[i].flags & BR_X509_TA_CA) != 0;
                CHECK((unsigned char *)a.anchors[i].dn.data >= exact &&
                      (unsigned char *)a.anchors[i].dn.data + a.anchors[i].dn.len <= exact + need);
            }
            CHECK_EQ(cas, 1); /* the CA is a CA anchor, the server certificate a direct one */
        }
    }
    CHECK_EQ(axws_tls_anchors_pem(&a, anchor_buf, sizeof anchor_buf, "no pem here", 11), AXWS_EINVAL);
    {
        static const char bad[] = "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n";
        CHECK_EQ(axws_tls_anchors_pem(&a, anchor_buf, sizeof anchor_buf, bad, sizeof bad - 1), AXWS_EINVAL);
    }
    CHECK_EQ(axws_tls_anchors_file(&a, anchor_buf, sizeof anchor_buf, "/nonexistent/ca.pem"), AXWS_EIO);
    /* the system bundle, when the machine has one: about 140 CAs */
    if (access("/etc/ssl/certs/ca-certificates.crt", R_OK) == 0) {
        static unsigned char sys[1 << 20];
        r = axws_tls_anchors_file(&a, sys, sizeof sys, "/etc/ssl/certs/ca-certificates.crt");
        CHECK(r > 100);
        printf("system bundle: %d anchors, %zu skipped, %zu bytes needed\n", r, a.skipped, a.needed);
        r = axws_tls_anchors_file(&a, sys, 4096, "/etc/ssl/certs/ca-certificates.crt");
        CHECK_EQ(r, AXWS_ENOBUFS);
        CHECK(a.needed > 4096);
    }
    /* the anchors every later test uses: the test CA, loaded from the file */
    snprintf(path, sizeof path, "%s/ca.pem", dir);
    CHECK_EQ(axws_tls_anchors_file(&anchors, anchor_buf, sizeof anchor_buf, path), 1);
}

static void test_strerror(void) {
    static const int codes[] = {BR_ERR_X509_NOT_TRUSTED, BR_ERR_X509_BAD_SERVER_NAME, BR_ERR_X509_EXPIRED,
                                BR_ERR_RECV_FATAL_ALERT + 70, BR_ERR_RECV_FATAL_ALERT + 40,
                                BR_ERR_RECV_FATAL_ALERT + 48, AXWS_TLS_ERR_EOF, AXWS_TLS_ERR_IP_HOST,
                                AXWS_TLS_ERR_NO_ANCHORS, AXWS_TLS_ERR_PLAINTEXT};
    size_t i, j;
    AXT_CASE("strerror");
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
        for (j = 0; j < i; j++) CHECK(strcmp(axws_tls_strerror(codes[i]), axws_tls_strerror(codes[j])) != 0);
    CHECK(strstr(axws_tls_strerror(BR_ERR_RECV_FATAL_ALERT + 70), "TLS 1.3") != NULL);
    CHECK(strstr(axws_tls_strerror(BR_ERR_RECV_FATAL_ALERT + 48), "unknown_ca") != NULL);
    CHECK(strstr(axws_tls_strerror(BR_ERR_X509_BAD_SERVER_NAME), "name") != NULL);
    CHECK(strstr(axws_tls_strerror(BR_ERR_X509_EXPIRED), "expired") != NULL);
}

static void test_echo_python(int port) {
    static const size_t sizes[] = {0, 1, 125, 126, 65535, 65536, 1u << 20, 16u << 20};
    tclient *t = setup(-1, sizes, 8);
    t->frag_ping = 1;
    run_one(t, wss(port));
    check_echo("python echo 0..16MiB, fragments, ping, client close", t, 1000);
    printf("suite with python: %s\n", axws_tls_suite(&t->c) ? axws_tls_suite(&t->c) : "?");
    /* server-initiated close, and resumption on the same object */
    t = setup(1, sizes, 5);
    t->server_close = 1;
    run_one(t, wss(port));
    check_echo("python server close", t, 4001);
    t->phase = t->echoes = t->opened = t->closed = 0;
    run_one(t, wss(port));
    check_echo("python reconnect", t, 4001);
    AXT_CASE("python resumption");
    CHECK_EQ(axws_tls_resumed(&t->c), 1);
}

static void test_small_layout(int port) {
    static const size_t sizes[] = {0, 511, 512, 513, 8000};
    tclient *t = setup(2, sizes, 5);
    t->frag_ping = 1;
    run_one(t, wss(port));
    check_echo("small output layout (512-byte records)", t, 1000);
}

static void test_many(int port) {
    static const size_t sizes[] = {100, 5000, 20};
    tclient *ts[NCONN];
    int i, ok = 0;
    for (i = 0; i < NCONN; i++) {
        ts[i] = setup(i, sizes, 3);
        ts[i]->frag_ping = i % 2;
        CHECK_EQ(axws_connect(&ts[i]->c, wss(port), axws_now_ms()), 0);
    }
    run_all(ts, NCONN);
    for (i = 0; i < NCONN; i++) {
        const tclient *t = ts[i];
        ok += t->opened && t->closed && t->error == 0 && t->bad_echo == 0 && t->close_code == 1000 &&
              t->echoes == 3 + t->frag_ping;
    }
    AXT_CASE("50 TLS connections in one poll loop");
    CHECK_EQ(ok, NCONN);
    /* a pool: 10 fresh objects take the session of the first one and all resume */
    AXT_CASE("shared session");
    {
        int resumed = 0;
        for (i = 1; i <= 10; i++) {
            ts[i] = setup(i, sizes, 1);
            axws_tls_share_session(&ts[i]->c, &clients[0].c);
            CHECK_EQ(axws_connect(&ts[i]->c, wss(port), axws_now_ms()), 0);
        }
        run_all(ts + 1, 10);
        for (i = 1; i <= 10; i++) resumed += axws_tls_resumed(&ts[i]->c) && ts[i]->error == 0 && ts[i]->echoes == 1;
        CHECK_EQ(resumed, 10);
    }
}

static void test_proxy(int port) {
    static const size_t sizes[] = {0, 300, 70000};
    char p[16];
    const char *argv[] = {"/usr/bin/python3", "tests/peers/byte_proxy.py", p, NULL};
    int pp;
    tclient *t;
    snprintf(p, sizeof p, "%d", port);
    pp = spawn(argv, NULL);
    CHECK(pp > 0);
    t = setup(3, sizes, 3);
    t->frag_ping = 1;
    run_one(t, wss(pp));
    check_echo("one byte per write proxy", t, 1000);
    t = setup(-1, sizes, 3); /* again with reads staged in rx_buf */
    t->frag_ping = 1;
    run_one(t, wss(pp));
    check_echo("one byte per write proxy, staged reads", t, 1000);
}

static void test_node(void) {
    static const size_t sizes[] = {0, 126, 65536, 1u << 20};
    char c[128], k[128];
    const char *argv[] = {"node", "tests/peers/node_echo.js", "--tls", c, k, NULL};
    int port;
    tclient *t;
    if (access("tests/peers/node_echo.js", R_OK) != 0 || access("tests/peers/node_modules/ws", R_OK) != 0) {
        printf("SKIP node peer: tests/peers/node_echo.js or its node_modules are missing\n");
        return;
    }
    snprintf(c, sizeof c, "%s/rsa.pem", dir);
    snprintf(k, sizeof k, "%s/rsa.key", dir);
    port = spawn(argv, NULL);
    CHECK(port > 0);
    t = setup(-1, sizes, 4);
    t->frag_ping = 1;
    run_one(t, wss(port));
    check_echo("node echo (RSA certificate)", t, 1000);
    t = setup(4, sizes, 2);
    t->server_close = 1;
    run_one(t, wss(port));
    check_echo("node server close", t, 4001);
}

/* Connect slot 5 to `u` and return the final error; *tls gets the TLS detail. */
/* axws_describe() of the last attempt, and what cfg.log received */
static char last_desc[AXWS_DESCRIBE_MAX], last_log[AXWS_DESCRIBE_MAX];
static void log_sink(void *user, const char *text) {
    (void)user;
    snprintf(last_log, sizeof last_log, "%s", text);
}

static int attempt(const char *u, int insecure, const char *servername, int *tls) {
    tclient *t = setup(5, NULL, 0);
    t->c.cfg.insecure_skip_verify = insecure;
    t->c.cfg.servername = servername;
    t->c.cfg.trust_anchor_source = "the test CA file";
    t->c.cfg.log = log_sink;
    last_log[0] = 0;
    run_one(t, u);
    *tls = axws_tls_error(&t->c);
    axws_describe(&t->c, last_desc, sizeof last_desc);
    return axws_error(&t->c);
}

/* The description holds `want`; shows it when not. */
static void expect_desc(const char *want) {
    if (!axt_check(strstr(last_desc, want) != NULL, "axws_describe() text", __FILE__, __LINE__))
        fprintf(stderr, "     described: %s\n     missing: %s\n", last_desc, want);
}

static void test_failures(int py_port) {
    int tls, port, err, kid;
    char u[128];

    AXT_CASE("wrong CA");
    port = start_s_server("other", "-tls1_2", NULL);
    CHECK_EQ(attempt(wss(port), 0, "localhost", &tls), AXWS_ETLS);
    CHECK_EQ(tls, BR_ERR_X509_NOT_TRUSTED);
    expect_desc("TLS failure, in the TLS handshake with localhost:");
    expect_desc("(127.0.0.1); TLS: certificate: not trusted");
    expect_desc("(verifying the name \"localhost\" against 1 trust anchor from the test CA file)");
    CHECK(strcmp(last_log, last_desc) == 0); /* cfg.log hears the same sentence */

    AXT_CASE("wrong name");
    port = start_s_server("wrong", "-tls1_2", &kid);
    CHECK_EQ(attempt(wss(port), 0, "localhost", &tls), AXWS_ETLS);
    CHECK_EQ(tls, BR_ERR_X509_BAD_SERVER_NAME);
    expect_desc("verifying the name \"localhost\" against 1 trust anchor");
    AXT_CASE("wrong name accepted with insecure_skip_verify");
    CHECK_EQ(attempt(wss(port), 1, "localhost", &tls), AXWS_EHTTP); /* s_server -www: HTTP 200 */
    CHECK_EQ(tls, 0);
    stop_kid(kid);

    AXT_CASE("expired (clock in 2100)");
    fake_time = 4102444800; /* 2100-01-01 */
    CHECK_EQ(attempt(wss(py_port), 0, "localhost", &tls), AXWS_ETLS);
    CHECK_EQ(tls, BR_ERR_X509_EXPIRED);
    AXT_CASE("not yet valid (clock in 2001)");
    fake_time = 978307200;
    CHECK_EQ(attempt(wss(py_port), 0, "localhost", &tls), AXWS_ETLS);
    CHECK_EQ(tls, BR_ERR_X509_EXPIRED);
    fake_time = 0;

    AXT_CASE("TLS 1.3-only server");
    port = start_s_server("ec", "-tls1_3", &kid);
    CHECK_EQ(attempt(wss(port), 0, "localhost", &tls), AXWS_ETLS);
    CHECK_EQ(tls, BR_ERR_RECV_FATAL_ALERT + BR_ALERT_PROTOCOL_VERSION);
    CHECK(strstr(axws_tls_strerror(tls), "TLS 1.3") != NULL);
    stop_kid(kid);

    AXT_CASE("server drops the handshake");
    port = start_fake(0);
    CHECK_EQ(attempt(wss(port), 0, "localhost", &tls), AXWS_ETLS);
    CHECK_EQ(tls, AXWS_TLS_ERR_EOF);
    AXT_CASE("garbage instead of ServerHello");
    port = start_fake(1);
    err = attempt(wss(port), 0, "localhost", &tls);
    CHECK_EQ(err, AXWS_ETLS);
    CHECK(tls != 0 && tls != AXWS_TLS_ERR_EOF);
    printf("garbage answer: TLS error %d (%s)\n", tls, axws_tls_strerror(tls));
    AXT_CASE("plain HTTP instead of ServerHello");
    port = start_fake(2);
    CHECK_EQ(attempt(wss(port), 0, "localhost", &tls), AXWS_ETLS);
    CHECK_EQ(tls, AXWS_TLS_ERR_PLAINTEXT);

    AXT_CASE("silent server: the TLS handshake times out");
    port = start_fake(3);
    {
        tclient *t = setup(5, NULL, 0);
        int64_t t0 = axws_now_ms();
        t->c.cfg.connect_timeout_ms = 300;
        run_one(t, wss(port));
        CHECK_EQ(axws_error(&t->c), AXWS_ETIMEDOUT);
        CHECK(axws_now_ms() - t0 < 2000);
        axws_describe(&t->c, last_desc, sizeof last_desc);
        expect_desc("timed out, in the TLS handshake with ");
        expect_desc("; no answer within 300 ms (cfg.connect_timeout_ms)");
        CHECK(strstr(last_desc, "errno") == NULL); /* our timer, not the system's */
    }

    AXT_CASE("IPv6 literal host without servername");
    if (!have_ipv6()) {
        printf("SKIP IPv6 cases: no ::1 on this machine\n");
    } else {
    port = start_s_server("ec", "-tls1_2", &kid); /* s_server listens on [::] */
    snprintf(u, sizeof u, "wss://[::1]:%d/", port);
    CHECK_EQ(attempt(u, 0, NULL, &tls), AXWS_ETLS);
    CHECK_EQ(tls, AXWS_TLS_ERR_IP_HOST);
    AXT_CASE("IPv6 literal host, name verified: localhost");
    CHECK_EQ(attempt(u, 0, "localhost", &tls), AXWS_EHTTP); /* TLS fine; s_server -www is no WebSocket */
    CHECK_EQ(tls, 0);
    stop_kid(kid);
    }

    AXT_CASE("IP host without servername");
    CHECK_EQ(attempt(wss(py_port), 0, NULL, &tls), AXWS_ETLS);
    CHECK_EQ(tls, AXWS_TLS_ERR_IP_HOST);
    AXT_CASE("IP literal as servername");
    CHECK_EQ(attempt(wss(py_port), 0, "127.0.0.1", &tls), AXWS_ETLS);
    CHECK_EQ(tls, AXWS_TLS_ERR_IP_HOST);
    AXT_CASE("name in the URL: wss://localhost");
    snprintf(u, sizeof u, "wss://localhost:%d/", py_port);
    /* py_echo binds 127.0.0.1; "localhost" may resolve to ::1 first, the driver then tries
       the next address */
    {
        static const size_t one[] = {10};
        tclient *t = setup(6, one, 1);
        t->c.cfg.servername = NULL;
        run_one(t, u);
        check_echo("wss://localhost", t, 1000);
    }

    AXT_CASE("records in rx_buf when tls_buf is unset");
    {
        static const size_t two[] = {10, 40000};
        static unsigned char rxb[AXWS_TLS_BUF_FULL + 100];
        tclient *t = setup(6, two, 2);
        t->c.cfg.tls_buf = NULL;
        t->c.cfg.tls_size = 0;
        t->c.cfg.rx_buf = rxb;
        t->c.cfg.rx_size = sizeof rxb;
        run_one(t, wss(py_port));
        check_echo("records in rx_buf", t, 1000);
    }

    AXT_CASE("no trust anchors");
    {
        tclient *t = setup(5, NULL, 0);
        t->c.cfg.trust_anchors = NULL;
        t->c.cfg.trust_anchor_count = 0;
        run_one(t, wss(py_port));
        CHECK_EQ(axws_error(&t->c), AXWS_ETLS);
        CHECK_EQ(axws_tls_error(&t->c), AXWS_TLS_ERR_NO_ANCHORS);
        axws_describe(&t->c, last_desc, sizeof last_desc);
        expect_desc("against 0 trust anchors)");
    }
    AXT_CASE("TLS buffer too small");
    {
        tclient *t = setup(5, NULL, 0);
        t->c.cfg.tls_size = AXWS_TLS_BUF_MIN - 1;
        /* known when connecting: axws_connect itself refuses, nothing is retried later */
        CHECK_EQ(axws_connect(&t->c, wss(py_port), axws_now_ms()), AXWS_ENOBUFS);
        CHECK_EQ(axws_error(&t->c), AXWS_ENOBUFS);
        CHECK_EQ(axws_conn_state(&t->c), AXWS_STATE_CLOSED);
        axws_describe(&t->c, last_desc, sizeof last_desc);
        {
            char want[200];
            snprintf(want, sizeof want, "a configured buffer is too small; the TLS buffer (cfg.tls_buf, else cfg.rx_buf) has %d bytes, %d needed",
                     (int)AXWS_TLS_BUF_MIN - 1, (int)AXWS_TLS_BUF_MIN);
            expect_desc(want);
        }
    }
}

/* Compiled-in anchors: examples/ta_gen turns ca.pem into C, a small program built from
   it (no PEM, no file at run time) completes a wss:// echo against the Python server. */
static const char drv_src[] =
    "#define AXIOMWS_IMPLEMENTATION\n#include \"axiomws.h\"\n#include <stdio.h>\n#include <stdlib.h>\n"
    "extern const br_x509_trust_anchor tas[]; extern const size_t tas_count;\n"
    "static int got;\n"
    "static void ev(axws_conn *c, const axws_event *e, void *u) { (void)u;\n"
    "  if (e->type == AXWS_EV_OPEN) axws_send_text(c, \"compiled in\", 11);\n"
    "  if (e->type == AXWS_EV_MESSAGE) { got = e->len == 11; axws_close(c, 1000, NULL, axws_now_ms()); } }\n"
    "int main(int argc, char **argv) { static unsigned char t[AXWS_TLS_BUF_MIN], x[4096], m[4096];\n"
    "  axws_config cfg = {0}; axws_conn c; (void)argc;\n"
    "  cfg.tls_buf = t; cfg.tls_size = sizeof t; cfg.tx_buf = x; cfg.tx_size = sizeof x;\n"
    "  cfg.msg_buf = m; cfg.msg_size = sizeof m;\n"
    "  cfg.trust_anchors = tas; cfg.trust_anchor_count = tas_count; cfg.servername = \"localhost\";\n"
    "  cfg.on_event = ev; axws_init(&c, &cfg);\n"
    "  if (axws_connect(&c, argv[1], axws_now_ms())) return 3;\n"
    "  while (axws_conn_state(&c) != AXWS_STATE_CLOSED) { struct pollfd p[1];\n"
    "    int n = axws_pollfds(&c, p, 1); poll(p, (nfds_t)n, axws_timeout_ms(&c, axws_now_ms()));\n"
    "    axws_step(&c, p, n, axws_now_ms()); }\n"
    "  if (axws_error(&c)) fprintf(stderr, \"drv: %s / %s\\n\", axws_strerror(axws_error(&c)),\n"
    "      axws_tls_strerror(axws_tls_error(&c)));\n"
    "  return got && !axws_error(&c) ? 0 : 1; }\n";

static void test_compiled_anchors(int port) {
    char cmd[1024], path[128];
    FILE *f;
    AXT_CASE("compiled-in anchors (examples/ta_gen)");
    if (!CHECK(access("build/ta_gen", X_OK) == 0)) return;
    snprintf(path, sizeof path, "%s/drv.c", dir);
    f = fopen(path, "w");
    if (!CHECK(f != NULL)) return;
    fputs(drv_src, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "build/ta_gen -n tas %s/ca.pem > %s/tas.c", dir, dir);
    CHECK_EQ(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "cc -std=c99 -D_POSIX_C_SOURCE=200809L -I. %s/drv.c %s/tas.c -o %s/drv -lbearssl",
             dir, dir, dir);
    CHECK_EQ(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "timeout 20 %s/drv wss://127.0.0.1:%d/", dir, port);
    CHECK_EQ(system(cmd), 0);
}

/* Resumption against openssl s_server (session cache by ID, no tickets): the second
   connect of the same object resumes; forgetting the session makes it full again. */
static void test_resume_s_server(void) {
    int tls, port = start_s_server("rsa", "-tls1_2", NULL);
    tclient *t = setup(7, NULL, 0);
    AXT_CASE("resumption with openssl s_server");
    run_one(t, wss(port));
    CHECK_EQ(axws_error(&t->c), AXWS_EHTTP); /* s_server -www answers 200, not 101 */
    CHECK_EQ(axws_tls_error(&t->c), 0);
    CHECK_EQ(axws_tls_resumed(&t->c), 0);
    /* s_server follows the client's order: our first suite is AES-GCM with AES-NI, else
       ChaCha20-Poly1305 */
    AXT_CASE("suite order");
    CHECK(axws_tls_suite(&t->c) != NULL &&
          strcmp(axws_tls_suite(&t->c), axws__tls_have_aesni() ? "ECDHE-RSA-AES128-GCM-SHA256"
                                                                : "ECDHE-RSA-CHACHA20-POLY1305") == 0);
    AXT_CASE("resumption with openssl s_server");
    run_one(t, wss(port));
    CHECK_EQ(axws_error(&t->c), AXWS_EHTTP);
    CHECK_EQ(axws_tls_resumed(&t->c), 1);
    axws_tls_forget_session(&t->c);
    run_one(t, wss(port));
    CHECK_EQ(axws_tls_resumed(&t->c), 0);
    t->c.cfg.tls_no_resume = 1;
    run_one(t, wss(port));
    CHECK_EQ(axws_tls_resumed(&t->c), 0);
    (void)tls;
}

#ifdef AXWS_NO_OS_RANDOM
/* Without the hook there is no entropy at all: connecting fails at once, with a clear
   error, whatever the build (this file is compiled with asserts off). */
static void test_no_entropy(int port) {
    static unsigned char tx[1024], rx[1024];
    axws_config cfg;
    axws_conn c;
    int calls = hook_calls;
    AXT_CASE("no entropy source: AXWS_ENORANDOM");
    memset(&cfg, 0, sizeof cfg);
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx; cfg.rx_buf = rx; cfg.rx_size = sizeof rx;
    cfg.tls_buf = big_tls; cfg.tls_size = sizeof big_tls;
    cfg.servername = "localhost";
    CHECK_EQ(axws_init(&c, &cfg), 0);
    CHECK_EQ(axws_connect(&c, wss(port), axws_now_ms()), AXWS_ENORANDOM);
    CHECK_EQ(axws_error(&c), AXWS_ENORANDOM);
    CHECK_EQ(axws_connect(&c, "ws://127.0.0.1:9/", axws_now_ms()), AXWS_ENORANDOM);
    CHECK(strstr(axws_strerror(AXWS_ENORANDOM), "cfg.random") != NULL);
    AXT_CASE("every wss:// connection drew on the program's hook");
    CHECK(calls > 0);
}
#endif

int main(void) {
    char cmd[160];
    int py_port;
    size_t i;
    signal(SIGPIPE, SIG_IGN);
    strcpy(dir, "/tmp/axws-tls-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    atexit(cleanup);
    snprintf(cmd, sizeof cmd, "sh tests/peers/gen_certs.sh '%s'", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "could not generate the test certificates\n");
        CHECK(0);
        return axt_report();
    }
    for (i = 0; i < sizeof pattern; i++) pattern[i] = (unsigned char)(i * 131 + (i >> 9));
    printf("sizeof(axws_conn) = %zu; wss:// small layout = conn + AXWS_TLS_BUF_MIN (%d) + AXWS_MIN_TX (%d) = %zu\n",
           sizeof(axws_conn), AXWS_TLS_BUF_MIN, AXWS_MIN_TX,
           sizeof(axws_conn) + AXWS_TLS_BUF_MIN + AXWS_MIN_TX);
    AXT_CASE("a whole wss:// connection in the small-output layout fits 25,600 bytes");
    CHECK(sizeof(axws_conn) + AXWS_TLS_BUF_MIN + AXWS_MIN_TX <= 25600);
    test_anchors();
    test_strerror();
    py_port = start_py_echo("ec.pem", "ec.key");
    CHECK(py_port > 0);
    if (py_port > 0) {
        test_echo_python(py_port);
        test_small_layout(py_port);
        test_many(py_port);
        test_proxy(py_port);
        test_failures(py_port);
        test_compiled_anchors(py_port);
#ifdef AXWS_NO_OS_RANDOM
        test_no_entropy(py_port);
#endif
    }
    test_resume_s_server();
    test_node();
    return axt_report();
}
