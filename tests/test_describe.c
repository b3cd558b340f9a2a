/* tests/test_describe.c - axws_describe(): every failure a user meets, told in one sentence
   with what failed, the phase, host, port and address, and what to do. Each case runs a real
   connection against a listener in this process on 127.0.0.1 (or ::1) that answers as the
   case needs: nothing, an HTTP status, a TLS alert, or no listener at all. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint8_t rx[4096], tx[4096], msg[4096];
static char desc[AXWS_DESCRIBE_MAX], logged[AXWS_DESCRIBE_MAX];

static void log_sink(void *user, const char *text) {
    (void)user;
    snprintf(logged, sizeof logged, "%s", text);
}

static void init_conn(axws_conn *c, axws_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->rx_buf = rx; cfg->rx_size = sizeof rx;
    cfg->tx_buf = tx; cfg->tx_size = sizeof tx;
    cfg->msg_buf = msg; cfg->msg_size = sizeof msg;
    cfg->connect_timeout_ms = 150;
    cfg->handshake_timeout_ms = 150;
    cfg->log = log_sink;
    CHECK_EQ(axws_init(c, cfg), 0);
}

/* A listener on the loopback address of `family` (4 or 6), port in *port; -1 if none. */
static int listen_on(int family, int *port) {
    struct sockaddr_storage ss;
    socklen_t len;
    int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0), one = 1;
    memset(&ss, 0, sizeof ss);
    if (family == 6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 4) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *port = ntohs(family == 6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

/* Run c until it ends (at most 3 s). The listener `lfd` (or -1) accepts, and every accepted
   peer is sent `answer` (NULL: nothing) once the request has arrived. */
static void run(axws_conn *c, int lfd, const char *answer) {
    struct pollfd p[4];
    int peer = -1, answered = 0;
    int64_t end = axws_now_ms() + 3000;
    while (axws_conn_state(c) != AXWS_STATE_CLOSED && axws_now_ms() < end) {
        int n = axws_pollfds(c, p, 2), k = n;
        if (lfd >= 0 && peer < 0) { p[k].fd = lfd; p[k].events = POLLIN; p[k].revents = 0; k++; }
        if (peer >= 0 && !answered) { p[k].fd = peer; p[k].events = POLLIN; p[k].revents = 0; k++; }
        poll(p, (nfds_t)k, axws_timeout_ms(c, axws_now_ms()));
        for (; n < k; n++) {
            if (!(p[n].revents & POLLIN)) continue;
            if (p[n].fd == lfd) {
                peer = accept(lfd, NULL, NULL);
            } else if (answer) {
                char req[2048];
                if (recv(peer, req, sizeof req, 0) > 0 && send(peer, answer, strlen(answer), 0) > 0) answered = 1;
            }
        }
        axws_step(c, p, k, axws_now_ms());
    }
    if (peer >= 0) close(peer);
    axws_describe(c, desc, sizeof desc);
}

static void expect(const char *want) {
    if (!axt_check(strstr(desc, want) != NULL, "axws_describe() text", __FILE__, __LINE__))
        fprintf(stderr, "     described: %s\n     missing:   %s\n", desc, want);
}

static void expect_not(const char *unwanted) {
    if (!axt_check(strstr(desc, unwanted) == NULL, "axws_describe() text", __FILE__, __LINE__))
        fprintf(stderr, "     described: %s\n     should not hold: %s\n", desc, unwanted);
}

static int fail_resolve(void *user, const char *host, int port, axws_addr *out, int max) {
    (void)user; (void)host; (void)port; (void)out; (void)max;
    return 0;
}

int main(void) {
    axws_conn c;
    axws_config cfg;
    char url[128], want[256];
    int lfd, port;

    AXT_CASE("describe: no failure says success");
    init_conn(&c, &cfg);
    axws_describe(&c, desc, sizeof desc);
    expect("success");

    AXT_CASE("describe: a refused TCP connection names the address and errno");
    lfd = listen_on(4, &port);
    close(lfd); /* nobody listens there now */
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
    init_conn(&c, &cfg);
    CHECK_EQ(axws_connect(&c, url, axws_now_ms()), 0);
    run(&c, -1, NULL);
    CHECK_EQ(axws_error(&c), AXWS_ECONNECT);
    snprintf(want, sizeof want, "TCP connection failed, connecting to 127.0.0.1:%d (127.0.0.1); errno %d (", port,
             ECONNREFUSED);
    expect(want);
    expect(strerror(ECONNREFUSED));
    CHECK(strcmp(logged, desc) == 0); /* cfg.log hears the same sentence */

    AXT_CASE("describe: an IPv6 address is written the short way");
    lfd = listen_on(6, &port);
    if (lfd >= 0) {
        close(lfd);
        snprintf(url, sizeof url, "ws://[::1]:%d/", port);
        init_conn(&c, &cfg);
        CHECK_EQ(axws_connect(&c, url, axws_now_ms()), 0);
        run(&c, -1, NULL);
        snprintf(want, sizeof want, "connecting to [::1]:%d (::1)", port);
        expect(want);
    } else {
        printf("(no IPv6 loopback here: the ::1 case is skipped)\n");
    }

    AXT_CASE("describe: a server that accepts TCP and never answers the upgrade");
    lfd = listen_on(4, &port);
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/feed", port);
    init_conn(&c, &cfg);
    CHECK_EQ(axws_connect(&c, url, axws_now_ms()), 0);
    run(&c, lfd, NULL);
    CHECK_EQ(axws_error(&c), AXWS_ETIMEDOUT);
    snprintf(want, sizeof want, "timed out, waiting for the upgrade answer from 127.0.0.1:%d (127.0.0.1); no answer within 150 ms (cfg.handshake_timeout_ms)", port);
    expect(want);
    expect_not("errno"); /* the library's timer ran out, not the system's */
    close(lfd);

    AXT_CASE("describe: ws:// to a port that speaks TLS");
    lfd = listen_on(4, &port);
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
    init_conn(&c, &cfg);
    CHECK_EQ(axws_connect(&c, url, axws_now_ms()), 0);
    run(&c, lfd, "\x15\x03\x03\x00\x02\x02\x46"); /* a TLS alert: protocol_version */
    CHECK_EQ(axws_error(&c), AXWS_EHANDSHAKE);
    expect("invalid upgrade response, waiting for the upgrade answer from 127.0.0.1:");
    expect("; the server answered with TLS: use a wss:// URL");
    close(lfd);

    AXT_CASE("describe: an upgrade refused with 404 gives the status and reason");
    lfd = listen_on(4, &port);
    snprintf(url, sizeof url, "ws://localhost:%d/nope", port);
    init_conn(&c, &cfg);
    CHECK_EQ(axws_connect(&c, url, axws_now_ms()), 0);
    run(&c, lfd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(axws_error(&c), AXWS_EHTTP);
    snprintf(want, sizeof want, "server answered the upgrade with a status other than 101, waiting for the upgrade answer from localhost:%d (", port);
    expect(want);
    expect("; HTTP 404 Not Found");
    close(lfd);

    AXT_CASE("describe: a redirect's Location is told, not followed");
    lfd = listen_on(4, &port);
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
    init_conn(&c, &cfg);
    CHECK_EQ(axws_connect(&c, url, axws_now_ms()), 0);
    run(&c, lfd, "HTTP/1.1 301 Moved Permanently\r\nLocation: wss://example.com/new\r\n\r\n");
    expect("; HTTP 301 Moved Permanently; Location: wss://example.com/new (not followed)");
    close(lfd);

    AXT_CASE("describe: a host that does not resolve is named");
    init_conn(&c, &cfg);
    c.cfg.resolve = fail_resolve;
    CHECK_EQ(axws_connect(&c, "ws://no-such-host.invalid/", axws_now_ms()), AXWS_ERESOLVE);
    axws_describe(&c, desc, sizeof desc);
    expect("host name could not be resolved, resolving no-such-host.invalid");

    {
        static const char *const not_ws[] = {"http://example.com/", "https://example.com/", "example.com:80",
                                             "localhost"};
        static const char *const bad_form[] = {"ws://exa mple.com/", "ws://example.com:99999/", "wss://:443/",
                                               "ws://example.com/#frag"};
        int i;
        for (i = 0; i < 4; i++) {
            AXT_CASE(not_ws[i]);
            init_conn(&c, &cfg);
            CHECK_EQ(axws_connect(&c, not_ws[i], axws_now_ms()), AXWS_EURL);
            axws_describe(&c, desc, sizeof desc);
            expect("malformed URL; a WebSocket URL starts with ws:// or wss://");
        }
        for (i = 0; i < 4; i++) {
            AXT_CASE(bad_form[i]);
            init_conn(&c, &cfg);
            CHECK_EQ(axws_connect(&c, bad_form[i], axws_now_ms()), AXWS_EURL);
            axws_describe(&c, desc, sizeof desc);
            expect("malformed URL; the URL's host, port (1-65535) or a character in it is not valid");
        }
    }

    AXT_CASE("describe: buffers name themselves and the size they need");
    memset(&cfg, 0, sizeof cfg);
    cfg.tx_buf = tx;
    cfg.tx_size = 100;
    CHECK_EQ(axws_init(&c, &cfg), AXWS_ENOBUFS);
    axws_describe(&c, desc, sizeof desc);
    snprintf(want, sizeof want, "a configured buffer is too small; cfg.tx_buf has 100 bytes, %d needed", (int)AXWS_MIN_TX);
    expect(want);
    init_conn(&c, &cfg);
    c.cfg.rx_buf = NULL;
    CHECK_EQ(axws_connect(&c, "ws://127.0.0.1:9/", axws_now_ms()), AXWS_ENOBUFS);
    axws_describe(&c, desc, sizeof desc);
    snprintf(want, sizeof want, "cfg.rx_buf has 0 bytes, %d needed", (int)AXWS_MIN_RX);
    expect(want);
    {
        /* an upgrade request larger than tx_buf: the size it needed */
        static char big[3000];
        static const char *hdrs[2];
        memset(big, 'x', sizeof big - 1);
        memcpy(big, "X-Big: ", 7);
        hdrs[0] = big;
        init_conn(&c, &cfg);
        c.cfg.tx_size = 2048;
        c.cfg.headers = hdrs;
        CHECK_EQ(axws_connect(&c, "ws://127.0.0.1:9/", axws_now_ms()), AXWS_ENOBUFS);
        axws_describe(&c, desc, sizeof desc);
        expect("; cfg.tx_buf has 2048 bytes, ");
        {
            const char *h = strstr(desc, "bytes, ");
            long need = h ? strtol(h + 7, NULL, 10) : 0;
            CHECK(need > 3000 && need < 3300); /* the whole request, header included */
        }
    }
    AXT_CASE("describe: a header with CR/LF is named as the problem");
    {
        static const char *const evil[] = {"X-A: 1\r\nX-Evil: 1", NULL};
        init_conn(&c, &cfg);
        c.cfg.headers = evil;
        CHECK_EQ(axws_connect(&c, "ws://127.0.0.1:9/", axws_now_ms()), AXWS_EINVAL);
        axws_describe(&c, desc, sizeof desc);
        expect("invalid argument; cfg.headers, cfg.origin or cfg.subprotocols holds CR or LF");
    }

    AXT_CASE("describe: truncates like snprintf and always terminates");
    {
        char small[16];
        size_t full = axws_describe(&c, desc, sizeof desc), n = axws_describe(&c, small, sizeof small);
        CHECK_EQ(n, full);
        CHECK_EQ(strlen(small), sizeof small - 1);
        CHECK(memcmp(small, desc, sizeof small - 1) == 0);
        CHECK_EQ(axws_describe(&c, NULL, 0), full);
    }
    return axt_report();
}
