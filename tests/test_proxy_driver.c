/* tests/test_proxy_driver.c - the tunnel through a proxy (cfg.proxy), byte for byte, against
   a proxy this test plays itself on 127.0.0.1: the exact CONNECT request (authority form,
   Host, Basic credentials percent-decoded) and SOCKS5 messages (the methods offered,
   RFC 1929 user/password, the target as a name for socks5h:// or as the address cfg.resolve
   gave for socks5://); answers dripped a byte at a time; the upgrade request (or TLS's
   ClientHello, with the server's name as SNI) following through the tunnel; bytes behind
   the proxy's answer; every refusal and malformed answer with its error, axws_proxy_status()
   and axws_describe() line; the connect timeout covering a silent proxy; a proxy port with
   nothing listening; proxy URLs refused and accepted; tx_buf too small; the proxy's name
   resolved (never the server's through an HTTP proxy); axws_connect_addr() with the proxy's
   addresses; and axws_proxy_from_env() against the environment as curl reads it.
   tests/test_proxy.sh does the same against real proxies (tinyproxy, microsocks). */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint8_t rx[AXWS_TLS_BUF_MIN], tx[4096], msg[4096];
#define LIT(s) s, sizeof(s) - 1 /* a string literal and its length */
static char desc[AXWS_DESCRIBE_MAX];

/* ---- the proxy this test plays: a listener, one accepted connection, what it received */
typedef struct {
    int lfd, fd, port;
    uint8_t in[8192];
    size_t have;
    int eof;
} fake;

static void fake_open(fake *f) {
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int one = 1;
    memset(f, 0, sizeof *f);
    f->fd = -1;
    f->lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(f->lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(f->lfd, 4) != 0 ||
        getsockname(f->lfd, (struct sockaddr *)&a, &len) != 0) {
        perror("fake proxy");
        exit(1);
    }
    fcntl(f->lfd, F_SETFL, O_NONBLOCK);
    f->port = ntohs(a.sin_port);
}

static void fake_close(fake *f) {
    if (f->fd >= 0) close(f->fd);
    if (f->lfd >= 0) close(f->lfd);
    f->fd = f->lfd = -1;
}

/* One round: poll the client's socket and the proxy's, step the client, accept, read. */
static void pump(axws_conn *c, fake *f, int ms) {
    struct pollfd p[AXWS_MAX_POLLFDS + 1];
    int n = axws_pollfds(c, p, AXWS_MAX_POLLFDS), w = axws_timeout_ms(c, axws_now_ms());
    p[n].fd = f->fd >= 0 ? f->fd : f->lfd;
    p[n].events = POLLIN;
    p[n].revents = 0;
    if (w < 0 || w > ms) w = ms;
    poll(p, (nfds_t)n + (p[n].fd >= 0), w);
    axws_step(c, p, n, axws_now_ms());
    if (f->fd < 0 && f->lfd >= 0 && (f->fd = accept(f->lfd, NULL, NULL)) >= 0) fcntl(f->fd, F_SETFL, O_NONBLOCK);
    if (f->fd >= 0 && !f->eof && f->have < sizeof f->in) {
        ssize_t r = recv(f->fd, f->in + f->have, sizeof f->in - f->have, 0);
        if (r > 0) f->have += (size_t)r;
        else if (r == 0) f->eof = 1;
    }
}

/* Run until the proxy holds at least n bytes (or the client closed, or ms passed). */
static int until_bytes(axws_conn *c, fake *f, size_t n, int ms) {
    int64_t end = axws_now_ms() + ms;
    while (f->have < n && axws_conn_state(c) != AXWS_STATE_CLOSED && axws_now_ms() < end) pump(c, f, 10);
    return f->have >= n;
}

static int until_closed(axws_conn *c, fake *f, int ms) {
    int64_t end = axws_now_ms() + ms;
    while (axws_conn_state(c) != AXWS_STATE_CLOSED && axws_now_ms() < end) pump(c, f, 10);
    return axws_conn_state(c) == AXWS_STATE_CLOSED;
}

/* The proxy received exactly p[0..n) next: compare and consume. */
static int expect(axws_conn *c, fake *f, const void *p, size_t n) {
    int ok = until_bytes(c, f, n, 2000) && memcmp(f->in, p, n) == 0;
    if (!ok) fprintf(stderr, "  the proxy got %zu bytes: %.*s\n", f->have, (int)f->have, (const char *)f->in);
    if (f->have >= n) {
        memmove(f->in, f->in + n, f->have - n);
        f->have -= n;
    }
    return ok;
}

/* The proxy answers; drip: one byte per round, with the client stepping in between. */
static void answer(axws_conn *c, fake *f, const void *p, size_t n, int drip) {
    size_t i;
    if (!drip) {
        (void)send(f->fd, p, n, MSG_NOSIGNAL); /* a client that failed early has gone */
        return;
    }
    for (i = 0; i < n; i++) {
        if (send(f->fd, (const uint8_t *)p + i, 1, MSG_NOSIGNAL) != 1) break; /* it has failed */
        pump(c, f, 2);
    }
}

static int resolve_calls;
static char resolved_host[64];
static int resolved_port;
/* cfg.resolve: "example.com" is 10.1.2.3, "proxy.test" is 127.0.0.1, others do not resolve */
static int test_resolve(void *user, const char *host, int port, axws_addr *out, int max) {
    (void)user;
    resolve_calls++;
    snprintf(resolved_host, sizeof resolved_host, "%s", host);
    resolved_port = port;
    if (max < 1) return AXWS_EINVAL;
    memset(out, 0, sizeof *out);
    out->family = 4;
    if (strcmp(host, "example.com") == 0) { out->ip[0] = 10; out->ip[1] = 1; out->ip[2] = 2; out->ip[3] = 3; return 1; }
    if (strcmp(host, "proxy.test") == 0) { out->ip[0] = 127; out->ip[3] = 1; return 1; }
    return AXWS_ERESOLVE;
}

static void setup(axws_conn *c, const char *proxy) {
    axws_config cfg;
    axws_config_init(&cfg);
    cfg.rx_buf = rx; cfg.rx_size = sizeof rx;
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
    cfg.msg_buf = msg; cfg.msg_size = sizeof msg;
    cfg.connect_timeout_ms = 2000;
    cfg.handshake_timeout_ms = 2000;
    cfg.resolve = test_resolve;
    cfg.proxy = proxy;
    resolve_calls = 0;
    resolved_host[0] = 0;
    CHECK_EQ(axws_init(c, &cfg), 0);
}

static int described(const axws_conn *c, const char *want) {
    axws_describe(c, desc, sizeof desc);
    if (strstr(desc, want)) return 1;
    fprintf(stderr, "  described: %s\n  wanted:    %s\n", desc, want);
    return 0;
}

/* ---- HTTP CONNECT */

static void test_http_tunnel(void) {
    static axws_conn c;
    fake f;
    char proxy[128], want[256];
    const char *cred = "us@er:p:ss %"; /* decoded from the URL's percent-escapes */
    char b64[64];
    AXT_CASE("HTTP CONNECT: request, Basic credentials, the upgrade through the tunnel");
    fake_open(&f);
    /* the proxy by name: cfg.resolve is asked for it, never for the server behind it */
    snprintf(proxy, sizeof proxy, "http://us%%40er:p%%3Ass%%20%%25@proxy.test:%d", f.port);
    setup(&c, proxy);
    CHECK_EQ(axws_connect(&c, "ws://example.com:8080/chat?x=1", axws_now_ms()), 0);
    CHECK_EQ(resolve_calls, 1);
    CHECK(strcmp(resolved_host, "proxy.test") == 0);
    CHECK_EQ(resolved_port, f.port);
    axws__base64(b64, (const uint8_t *)cred, strlen(cred));
    snprintf(want, sizeof want, "CONNECT example.com:8080 HTTP/1.1\r\nHost: example.com:8080\r\n"
                                "Proxy-Authorization: Basic %s\r\n\r\n", b64);
    CHECK(expect(&c, &f, want, strlen(want)));
    CHECK_EQ(axws_conn_state(&c), AXWS_STATE_CONNECTING); /* the tunnel is a part of connecting */
    answer(&c, &f, LIT("HTTP/1.1 200 Connection established\r\nX: y\r\n\r\n"), 1);
    /* the upgrade request, for the server: its Host, its path */
    CHECK(expect(&c, &f, LIT("GET /chat?x=1 HTTP/1.1\r\nHost: example.com:8080\r\n")));
    CHECK_EQ(axws_conn_state(&c), AXWS_STATE_HANDSHAKE);
    CHECK_EQ(axws_proxy_status(&c), 200);
    answer(&c, &f, LIT("HTTP/1.1 404 Not Found\r\n\r\n"), 0);
    CHECK(until_closed(&c, &f, 2000));
    CHECK_EQ(axws_error(&c), AXWS_EHTTP);
    CHECK_EQ(axws_http_status(&c), 404);
    snprintf(want, sizeof want, "waiting for the upgrade answer from example.com:8080 through the HTTP proxy "
                                "proxy.test:%d (127.0.0.1); HTTP 404 Not Found", f.port);
    CHECK(described(&c, want));
    CHECK_EQ(resolve_calls, 1);
    fake_close(&f);
}

/* Bytes behind the proxy's answer are the server's (ws://): they wait for the frame parser. */
static void test_http_bytes_behind(void) {
    static axws_conn c;
    fake f;
    char proxy[64];
    static const char both[] = "HTTP/1.0 200 OK\r\n\r\nHTTP/1.1 403 Nope\r\n\r\n";
    AXT_CASE("HTTP CONNECT: bytes after the answer go to the server's parser");
    fake_open(&f);
    snprintf(proxy, sizeof proxy, "127.0.0.1:%d", f.port); /* no scheme: HTTP, as curl */
    setup(&c, proxy);
    CHECK_EQ(axws_connect(&c, "ws://[::1]/", axws_now_ms()), 0);
    CHECK_EQ(resolve_calls, 0);
    CHECK(expect(&c, &f, LIT("CONNECT [::1]:80 HTTP/1.1\r\nHost: [::1]:80\r\n\r\n")));
    answer(&c, &f, both, sizeof both - 1, 0);
    CHECK(until_closed(&c, &f, 2000));
    CHECK_EQ(axws_error(&c), AXWS_EHTTP);
    CHECK_EQ(axws_http_status(&c), 403);
    fake_close(&f);
}

/* 1xx, a header line longer than the read window, then 200. */
static void test_http_interim_and_long_line(void) {
    static axws_conn c;
    static char head[6000];
    fake f;
    char proxy[64];
    size_t n;
    AXT_CASE("HTTP CONNECT: interim answer and a long header line");
    fake_open(&f);
    snprintf(proxy, sizeof proxy, "HTTP://127.0.0.1:%d/", f.port);
    setup(&c, proxy);
    CHECK_EQ(axws_connect(&c, "ws://example.com/", axws_now_ms()), 0);
    CHECK(expect(&c, &f, LIT("CONNECT example.com:80 HTTP/1.1\r\nHost: example.com:80\r\n\r\n")));
    n = (size_t)snprintf(head, sizeof head, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 Ok\r\nX-Long: ");
    memset(head + n, 'x', 5000);
    n += 5000;
    memcpy(head + n, "\r\n\r\n", 4);
    answer(&c, &f, head, n + 4, 0);
    CHECK(expect(&c, &f, LIT("GET / HTTP/1.1\r\nHost: example.com\r\n")));
    CHECK_EQ(axws_proxy_status(&c), 204);
    axws_abort(&c);
    fake_close(&f);
}

/* One HTTP answer (NULL: none), dripped or in one piece, then the proxy hangs up: the
   error, the status and the description. */
static void http_refusal(const char *proxy_fmt, const char *reply, int drip, int err, int status, const char *want) {
    static axws_conn c;
    fake f;
    char proxy[128];
    fake_open(&f);
    snprintf(proxy, sizeof proxy, proxy_fmt, f.port);
    setup(&c, proxy);
    CHECK_EQ(axws_connect(&c, "wss://example.com/", axws_now_ms()), 0);
    CHECK(until_bytes(&c, &f, 20, 2000));
    if (reply) answer(&c, &f, reply, strlen(reply), drip);
    close(f.fd);
    f.fd = -1;
    CHECK(until_closed(&c, &f, 2000));
    CHECK_EQ(axws_error(&c), err);
    CHECK_EQ(axws_proxy_status(&c), status);
    CHECK_EQ(axws_http_status(&c), 0); /* the proxy's status is not the server's */
    CHECK(described(&c, want));
    fake_close(&f);
}

static void test_http_refusals(void) {
    AXT_CASE("HTTP CONNECT: refusals");
    http_refusal("http://127.0.0.1:%d", "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", 1, AXWS_EPROXYAUTH, 407,
                 "the proxy wants authentication, or refused the user name and password, connecting to "
                 "example.com:443 through the HTTP proxy 127.0.0.1:");
    http_refusal("http://127.0.0.1:%d", "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", 0, AXWS_EPROXYAUTH, 407,
                 "reading the answer to CONNECT; the proxy answered HTTP 407: it wants a user name and password");
    http_refusal("http://a:b@127.0.0.1:%d", "HTTP/1.0 401 x\r\n", 1, AXWS_EPROXYAUTH, 401,
                 "HTTP 401: it refused the user name and password");
    http_refusal("http://127.0.0.1:%d", "HTTP/1.1 403 Forbidden\r\n\r\n", 1, AXWS_EPROXY, 403,
                 "the proxy did not open a tunnel to the server");
    http_refusal("http://127.0.0.1:%d", "HTTP/1.1 502 Bad Gateway\r\n", 0, AXWS_EPROXY, 502, "; the proxy answered HTTP 502");
    http_refusal("http://127.0.0.1:%d", "HTTP/1.1 2x0 OK\r\n\r\n", 1, AXWS_EPROXY, 0,
                 "; the proxy's answer does not follow its protocol");
    http_refusal("http://127.0.0.1:%d", "SSH-2.0-OpenSSH\r\n", 0, AXWS_EPROXY, 0, "does not follow its protocol");
    http_refusal("http://127.0.0.1:%d", "HTTP/1.1 200 OK\r\nVia: x\r\n", 1, AXWS_EPROXY, 200,
                 "the proxy closed the connection before it answered");
    http_refusal("http://127.0.0.1:%d", NULL, 0, AXWS_EPROXY, 0,
                 "reading the answer to CONNECT; the proxy closed the connection before it answered");
    /* wss://: the server speaks after the ClientHello, so bytes behind the answer are wrong
       (in one piece: read with the answer) */
    http_refusal("http://127.0.0.1:%d", "HTTP/1.1 200 OK\r\n\r\nX", 0, AXWS_EPROXY, 200,
                 "passed on bytes before the TLS handshake began");
}

#ifndef AXWS_NO_TLS
/* wss://: TLS starts inside the tunnel, with the server's name as SNI. */
static void test_tls_through(void) {
    static axws_conn c;
    axws_config cfg;
    fake f;
    char proxy[64];
    size_t i;
    int sni = 0, proxy_name = 0;
    AXT_CASE("wss:// through the tunnel: ClientHello with the server's name");
    fake_open(&f);
    snprintf(proxy, sizeof proxy, "socks5h://localhost:%d", f.port); /* the proxy's name: localhost */
    axws_config_init(&cfg);
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
    cfg.tls_buf = rx; cfg.tls_size = sizeof rx; /* no rx_buf: answers land in tls_buf */
    cfg.insecure_skip_verify = 1;
    cfg.proxy = proxy;
    CHECK_EQ(axws_init(&c, &cfg), 0);
    CHECK_EQ(axws_connect(&c, "wss://server.example:9443/", axws_now_ms()), 0);
    CHECK(expect(&c, &f, "\5\1\0", 3));
    answer(&c, &f, "\5\0", 2, 1);
    CHECK(expect(&c, &f, "\5\1\0\3\16server.example\x24\xe3", 21));
    answer(&c, &f, "\5\0\0\1\1\2\3\4\0\1", 10, 1);
    CHECK(until_bytes(&c, &f, 100, 2000));
    CHECK(f.have > 5 && f.in[0] == 0x16 && f.in[1] == 3); /* a TLS handshake record */
    for (i = 0; i + 14 <= f.have; i++) {
        if (memcmp(f.in + i, "server.example", 14) == 0) sni = 1;
        if (i + 9 <= f.have && memcmp(f.in + i, "localhost", 9) == 0) proxy_name = 1;
    }
    CHECK(sni);
    CHECK(!proxy_name);
    CHECK_EQ(axws_conn_state(&c), AXWS_STATE_TLS);
    axws_abort(&c);
    fake_close(&f);
}
#endif

/* ---- SOCKS5 */

static void test_socks5_local(void) {
    static axws_conn c;
    fake f;
    char proxy[64];
    static const uint8_t reply6[22] = {5, 0, 0, 4, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1f, 0x90};
    AXT_CASE("SOCKS5: user/password, the address resolved here, a reply with an IPv6 address");
    fake_open(&f);
    snprintf(proxy, sizeof proxy, "socks5://alice:pw@127.0.0.1:%d", f.port);
    setup(&c, proxy);
    CHECK_EQ(axws_connect(&c, "ws://example.com:8080/chat", axws_now_ms()), 0);
    CHECK_EQ(resolve_calls, 1); /* the server's name, here */
    CHECK(strcmp(resolved_host, "example.com") == 0);
    CHECK(expect(&c, &f, "\5\2\0\2", 4)); /* none, user/password */
    answer(&c, &f, "\5\2", 2, 1);
    CHECK(expect(&c, &f, "\1\5alice\2pw", 10));
    answer(&c, &f, "\1\0", 2, 1);
    CHECK(expect(&c, &f, "\5\1\0\1\12\1\2\3\x1f\x90", 10)); /* 10.1.2.3:8080 */
    answer(&c, &f, reply6, sizeof reply6, 1);
    CHECK(expect(&c, &f, "GET /chat HTTP/1.1\r\nHost: example.com:8080\r\n", 44));
    CHECK_EQ(axws_proxy_status(&c), 0);
    axws_abort(&c);
    fake_close(&f);
}

/* One SOCKS5 exchange that ends in a failure: the messages the proxy reads and answers. */
static void socks_failure(const char *proxy_fmt, const char *url, const char *const *script, int err, int status,
                          const char *want) {
    static axws_conn c;
    fake f;
    char proxy[128];
    fake_open(&f);
    snprintf(proxy, sizeof proxy, proxy_fmt, f.port);
    setup(&c, proxy);
    CHECK_EQ(axws_connect(&c, url, axws_now_ms()), 0);
    for (; *script; script += 2) { /* pairs: length-prefixed "expect", then the answer */
        CHECK(expect(&c, &f, script[0] + 1, (size_t)script[0][0]));
        if (script[1]) answer(&c, &f, script[1] + 1, (size_t)script[1][0], 1);
        else {
            close(f.fd);
            f.fd = -1;
        }
    }
    CHECK(until_closed(&c, &f, 2000));
    CHECK_EQ(axws_error(&c), err);
    CHECK_EQ(axws_proxy_status(&c), status);
    CHECK(described(&c, want));
    fake_close(&f);
}

static void test_socks5_failures(void) {
    static const char *const refused[] = {"\3\5\1\0", "\2\5\0", "\x12\5\1\0\3\13example.com\0\120",
                                          "\x0a\5\4\0\1\0\0\0\0\0\0", NULL};
    static const char *const no_method[] = {"\3\5\1\0", "\2\5\xff", NULL};
    static const char *const offered_none[] = {"\3\5\1\0", "\2\5\2", NULL};
    static const char *const bad_auth[] = {"\4\5\2\0\2", "\2\5\2", "\6\1\1u\2pw", "\2\1\1", NULL};
    static const char *const hang_up[] = {"\4\5\2\0\2", "\2\5\0", "\x12\5\1\0\3\13example.com\0\120", NULL, NULL};
    static const char *const bad_type[] = {"\3\5\1\0", "\2\5\0", "\x12\5\1\0\3\13example.com\0\120",
                                           "\5\5\0\0\7\0", NULL};
    AXT_CASE("SOCKS5: refusals");
    socks_failure("socks5h://127.0.0.1:%d", "ws://example.com/", refused, AXWS_EPROXY, 4,
                  "reading the SOCKS5 reply; SOCKS5 reply 4 (host unreachable)");
    socks_failure("socks5h://127.0.0.1:%d", "ws://example.com/", no_method, AXWS_EPROXYAUTH, 255,
                  "reading the SOCKS5 method chosen; the proxy accepts none of the methods offered (no "
                  "authentication: it wants a user name and password");
    socks_failure("socks5h://127.0.0.1:%d", "ws://example.com/", offered_none, AXWS_EPROXY, 0,
                  "does not follow its protocol");
    socks_failure("socks5h://u:pw@127.0.0.1:%d", "ws://example.com/", bad_auth, AXWS_EPROXYAUTH, 1,
                  "reading the SOCKS5 verdict on them; the proxy refused the user name and password (RFC 1929 "
                  "status 1)");
    socks_failure("socks5h://u:pw@127.0.0.1:%d", "ws://example.com/", hang_up, AXWS_EPROXY, 0,
                  "reading the SOCKS5 reply; the proxy closed the connection before it answered");
    socks_failure("socks5h://127.0.0.1:%d", "ws://example.com/", bad_type, AXWS_EPROXY, 0,
                  "does not follow its protocol");
}

/* ---- timeouts, unreachable proxies, configuration */

static void test_timeout_and_unreachable(void) {
    static axws_conn c;
    axws_config cfg;
    fake f;
    char proxy[64];
    int64_t start;
    AXT_CASE("a silent proxy: connect_timeout_ms covers the tunnel");
    fake_open(&f);
    snprintf(proxy, sizeof proxy, "http://127.0.0.1:%d", f.port);
    setup(&c, proxy);
    c.cfg.connect_timeout_ms = 300;
    start = axws_now_ms();
    CHECK_EQ(axws_connect(&c, "ws://example.com/", start), 0);
    CHECK(until_bytes(&c, &f, 20, 2000));
    CHECK(axws_timeout_ms(&c, axws_now_ms()) <= 300); /* the loop is told when to come back */
    CHECK(until_closed(&c, &f, 3000));
    CHECK(axws_now_ms() - start >= 290 && axws_now_ms() - start < 1500);
    CHECK_EQ(axws_error(&c), AXWS_ETIMEDOUT);
    CHECK(described(&c, "reading the answer to CONNECT; no answer within 300 ms (cfg.connect_timeout_ms)"));
    fake_close(&f);

    AXT_CASE("nothing listens on the proxy's port");
    fake_open(&f);
    snprintf(proxy, sizeof proxy, "socks5://127.0.0.1:%d", f.port);
    fake_close(&f); /* the port is free again: connections are refused */
    setup(&c, proxy);
    CHECK_EQ(axws_connect(&c, "ws://[::1]:9/", axws_now_ms()), 0);
    CHECK(until_closed(&c, &f, 2000));
    CHECK_EQ(axws_error(&c), AXWS_EPROXYCONNECT);
    CHECK_EQ(axws_sys_errno(&c), ECONNREFUSED);
    CHECK(described(&c, "could not connect to the proxy, connecting to [::1]:9 through the SOCKS5 proxy 127.0.0.1:"));

    AXT_CASE("the proxy's name does not resolve");
    setup(&c, "socks5h://nowhere.test:1080");
    CHECK_EQ(axws_connect(&c, "ws://example.com/", axws_now_ms()), AXWS_ERESOLVE);
    CHECK(described(&c, "host name could not be resolved, resolving the proxy's name nowhere.test"));
    AXT_CASE("socks5://: the server's name does not resolve");
    setup(&c, "socks5://127.0.0.1:1080");
    CHECK_EQ(axws_connect(&c, "ws://nowhere.test/", axws_now_ms()), AXWS_ERESOLVE);
    CHECK(described(&c, "host name could not be resolved, resolving nowhere.test"));

    AXT_CASE("axws_connect_addr: the addresses are the proxy's, port 0 its port");
    fake_open(&f);
    snprintf(proxy, sizeof proxy, "http://127.0.0.1:%d", f.port);
    setup(&c, proxy);
    {
        axws_addr a;
        memset(&a, 0, sizeof a);
        a.family = 4;
        a.ip[0] = 127;
        a.ip[3] = 1;
        CHECK_EQ(axws_connect_addr(&c, "ws://example.com/", &a, 1, axws_now_ms()), 0);
    }
    CHECK(expect(&c, &f, LIT("CONNECT example.com:80 HTTP/1.1\r\n")));
    axws_abort(&c);
    fake_close(&f);
    (void)cfg;
}

static void test_config(void) {
    static axws_conn c;
    static const char *const bad[] = {
        "https://127.0.0.1:3128", "socks4://127.0.0.1", "ftp://h", "http://h:0", "http://h:65536", "http://h:",
        "http://h:1/path", "http://h:1?q", "http://[::1", "http://[nothex]:1", "http://:pw@h", "http://us:er%zz@h",
        "http://a%3Ab:pw@h", "http://h h", "http://h_\x01", "http://@h", "socks5://u:p@", NULL};
    static char long_user[300];
    char proxy[700];
    int i;
    AXT_CASE("proxy URLs refused by axws_connect itself");
    for (i = 0; bad[i]; i++) {
        setup(&c, bad[i]);
        if (!CHECK_EQ(axws_connect(&c, "ws://example.com/", axws_now_ms()), AXWS_EURL))
            fprintf(stderr, "  accepted: %s\n", bad[i]);
        CHECK(described(&c, "malformed URL; cfg.proxy is not [http:// | socks5:// | socks5h://]"));
        CHECK_EQ(axws_conn_state(&c), AXWS_STATE_CLOSED);
    }
    memset(long_user, 'u', 256);
    snprintf(proxy, sizeof proxy, "socks5://%s:pw@h", long_user); /* RFC 1929: 255 bytes at most */
    setup(&c, proxy);
    CHECK_EQ(axws_connect(&c, "ws://example.com/", axws_now_ms()), AXWS_EURL);

    AXT_CASE("proxy URLs accepted: defaults, IPv6, empty password, \"\" for none");
    setup(&c, "127.0.0.1");
    CHECK_EQ(axws_connect(&c, "ws://example.com/", axws_now_ms()), 0);
    CHECK_EQ(c.px_kind, AXWS__PXK_HTTP);
    CHECK_EQ(c.px_port, 1080); /* curl's default */
    axws_abort(&c);
    setup(&c, "SOCKS5H://u:@[::1]:7/");
    CHECK_EQ(axws_connect(&c, "ws://example.com/", axws_now_ms()), 0);
    CHECK_EQ(c.px_kind, AXWS__PXK_SOCKS5H);
    CHECK_EQ(c.px_port, 7);
    axws_abort(&c);
    setup(&c, "http://a:b:c@127.0.0.1:3"); /* the password is "b:c" */
    CHECK_EQ(axws_connect(&c, "ws://example.com/", axws_now_ms()), 0);
    axws_abort(&c);
    setup(&c, "");
    CHECK_EQ(axws_connect(&c, "ws://127.0.0.1:9/", axws_now_ms()), 0);
    CHECK_EQ(c.px_kind, AXWS__PXK_NONE);
    axws_abort(&c);

    AXT_CASE("tx_buf too small for the upgrade request and the proxy's");
    {
        static uint8_t small[AXWS_MIN_TX];
        axws_config cfg;
        memset(long_user, 'u', sizeof long_user);
        long_user[120] = 0;
        snprintf(proxy, sizeof proxy, "http://%s:%s@127.0.0.1:3", long_user, long_user);
        axws_config_init(&cfg);
        cfg.rx_buf = rx; cfg.rx_size = sizeof rx;
        cfg.tx_buf = small; cfg.tx_size = sizeof small;
        cfg.proxy = proxy;
        CHECK_EQ(axws_init(&c, &cfg), 0);
        CHECK_EQ(axws_connect(&c, "ws://example.com/", axws_now_ms()), AXWS_ENOBUFS);
        CHECK(described(&c, "a configured buffer is too small; cfg.tx_buf has 512 bytes,"));
        /* the same credentials fit for SOCKS5: 243 bytes, where Basic takes 353 */
        snprintf(proxy, sizeof proxy, "socks5h://%s:%s@127.0.0.1:3", long_user, long_user);
        CHECK_EQ(axws_connect(&c, "ws://example.com/", axws_now_ms()), 0);
        axws_abort(&c);
    }
}

/* ---- axws_proxy_from_env */

static const char *const env_names[] = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                                        "ALL_PROXY", "no_proxy", "NO_PROXY", "ws_proxy", "WS_PROXY", "wss_proxy",
                                        "WSS_PROXY", NULL};
static void env_clear(void) {
    int i;
    for (i = 0; env_names[i]; i++) unsetenv(env_names[i]);
}

/* What axws_proxy_from_env(url) gives ("" for direct), as a static string. */
static const char *env_pick(const char *url) {
    static char out[128];
    int r = axws_proxy_from_env(url, out, sizeof out);
    CHECK(r == (out[0] != 0));
    return out;
}

static int no_proxy_skips(const char *list, const char *url) {
    env_clear();
    setenv("all_proxy", "http://p:1", 1);
    setenv("no_proxy", list, 1);
    return env_pick(url)[0] == 0;
}

static void test_env(void) {
    char small[4];
    AXT_CASE("axws_proxy_from_env: which variable, as curl");
    env_clear();
    CHECK(strcmp(env_pick("ws://h/"), "") == 0);
    setenv("http_proxy", "http://a:1", 1);
    CHECK(strcmp(env_pick("ws://h/"), "http://a:1") == 0);
    CHECK(strcmp(env_pick("wss://h/"), "") == 0);
    setenv("HTTPS_PROXY", "http://b:1", 1);
    CHECK(strcmp(env_pick("wss://h/"), "http://b:1") == 0);
    setenv("https_proxy", "http://c:1", 1);
    CHECK(strcmp(env_pick("wss://h/"), "http://c:1") == 0);
    setenv("WSS_PROXY", "socks5://d:1", 1);
    CHECK(strcmp(env_pick("wss://h/"), "socks5://d:1") == 0);
    setenv("ws_proxy", "socks5h://e:1", 1);
    CHECK(strcmp(env_pick("ws://h/"), "socks5h://e:1") == 0);
    env_clear();
    setenv("HTTP_PROXY", "http://a:1", 1); /* httpoxy: never the upper-case name */
    CHECK(strcmp(env_pick("ws://h/"), "") == 0);
    setenv("ALL_PROXY", "http://f:1", 1);
    CHECK(strcmp(env_pick("ws://h/"), "http://f:1") == 0);
    setenv("all_proxy", "http://g:1", 1);
    CHECK(strcmp(env_pick("wss://h/"), "http://g:1") == 0);
    setenv("http_proxy", "", 1); /* empty: unset */
    CHECK(strcmp(env_pick("ws://h/"), "http://g:1") == 0);
    CHECK_EQ(axws_proxy_from_env("ws://h/", small, sizeof small), AXWS_ENOBUFS);
    CHECK_EQ(small[0], 0);
    CHECK_EQ(axws_proxy_from_env("http://h/", small, sizeof small), AXWS_EURL);

    AXT_CASE("axws_proxy_from_env: no_proxy");
    CHECK(no_proxy_skips("example.com", "ws://example.com/"));
    CHECK(no_proxy_skips("example.com", "ws://a.b.EXAMPLE.com./"));
    CHECK(no_proxy_skips(".example.com", "wss://a.example.com:444/"));
    CHECK(no_proxy_skips("example.com.", "ws://example.com/"));
    CHECK(!no_proxy_skips("example.com", "ws://badexample.com/"));
    CHECK(!no_proxy_skips("a.example.com", "ws://example.com/"));
    CHECK(no_proxy_skips("one.test,, two.test  example.com", "ws://example.com/"));
    CHECK(no_proxy_skips("*", "ws://anything/"));
    CHECK(!no_proxy_skips("*.example.com", "ws://a.example.com/")); /* no wildcards but "*" alone */
    CHECK(no_proxy_skips("10.0.0.0/8", "ws://10.200.3.4/"));
    CHECK(!no_proxy_skips("10.0.0.0/8", "ws://11.0.0.1/"));
    CHECK(no_proxy_skips("192.168.1.0/25", "ws://192.168.1.127/"));
    CHECK(!no_proxy_skips("192.168.1.0/25", "ws://192.168.1.128/"));
    CHECK(no_proxy_skips("127.0.0.1", "ws://127.0.0.1:9/"));
    CHECK(!no_proxy_skips("127.0.0.1", "ws://127.0.0.2/"));
    CHECK(!no_proxy_skips("127.0.0.1/40", "ws://127.0.0.1/")); /* not a CIDR block */
    CHECK(no_proxy_skips("::1", "ws://[::1]/"));
    CHECK(no_proxy_skips("[::1]", "ws://[::1]/"));
    CHECK(no_proxy_skips("fe80::/10", "ws://[fe80::1:2]/"));
    CHECK(!no_proxy_skips("fe80::/10", "ws://[fec0::1]/"));
    CHECK(!no_proxy_skips("::1", "ws://127.0.0.1/")); /* another family */
    env_clear();
    setenv("all_proxy", "http://p:1", 1);
    setenv("NO_PROXY", "example.com", 1);
    CHECK(strcmp(env_pick("ws://example.com/"), "") == 0);
    env_clear();
}

int main(void) {
    signal(SIGPIPE, SIG_IGN); /* the fake proxy may write to a client that has given up */
    test_http_tunnel();
    test_http_bytes_behind();
    test_http_interim_and_long_line();
    test_http_refusals();
#ifndef AXWS_NO_TLS
    test_tls_through();
#endif
    test_socks5_local();
    test_socks5_failures();
    test_timeout_and_unreachable();
    test_config();
    test_env();
    return axt_report();
}
