/* tests/bench/bench_tls.c - wss:// next to ws:// on loopback, in the same run.

   A forked server in C (plain sockets, and OpenSSL for TLS: an independent implementation
   whose AES-GCM outruns BearSSL's, so the client under test is what limits) streams N
   binary messages of SIZE bytes to the client, which is the library in its normal step
   loop. Link: BENCH_LIBS_bench_tls = -lssl -lcrypto (Debian libssl-dev).
   Reported: receive throughput for 1 KiB and 16 KiB messages over ws:// and wss://
   (best of 3), the wss/ws ratio (target >= 60 % with AES-GCM), handshake time full versus
   resumed (median of 40 connects of one object; BearSSL resumes by session ID), the TLS
   bytes each handshake moves (counted by the server, sent back in an X-Bytes header), and
   the bytes one connection occupies. The test PKI comes from tests/peers/gen_certs.sh.
   Run: make bench   (or build/bench/bench_tls)
   Timed only: `make bench-instr` (tests/bench/instr.sh) does not count its instructions.
   Its client's work depends on how the kernel cuts the stream into reads (a poll, a read
   and a step for each piece), which changes from run to run, and again under valgrind,
   whose slowdown changes which side waits for the other. tests/bench/bench_tls_sansio.c
   counts the same client work with the server in memory, where every read is the same. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64] = "/tmp/axws-bench-XXXXXX";

/* ------------------------------------------------------------------ the server (child) */

typedef struct sconn {
    int fd, tls;
    long in, out;
    SSL *ssl;
} sconn;

static int low_read(void *ctx, unsigned char *buf, size_t len) {
    sconn *s = (sconn *)ctx;
    ssize_t n = read(s->fd, buf, len);
    if (n <= 0) return -1;
    s->in += n;
    return (int)n;
}
static int low_write(void *ctx, const unsigned char *buf, size_t len) {
    sconn *s = (sconn *)ctx;
    ssize_t n = write(s->fd, buf, len);
    if (n <= 0) return -1;
    s->out += n;
    return (int)n;
}
static int s_read(sconn *s, void *buf, size_t len) {
    return s->tls ? SSL_read(s->ssl, buf, (int)len) : low_read(s, (unsigned char *)buf, len);
}
static int s_write(sconn *s, const void *buf, size_t len) {
    const unsigned char *p = (const unsigned char *)buf;
    if (s->tls) return SSL_write(s->ssl, buf, (int)len) == (int)len ? 0 : -1;
    while (len) {
        int n = low_write(s, p, len);
        if (n < 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void b64(const unsigned char *in, size_t n, char *out) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;
    for (i = 0; i + 2 < n; i += 3) {
        *out++ = t[in[i] >> 2];
        *out++ = t[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        *out++ = t[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        *out++ = t[in[i + 2] & 63];
    }
    if (n - i == 1) {
        *out++ = t[in[i] >> 2];
        *out++ = t[(in[i] & 3) << 4];
        *out++ = '=';
        *out++ = '=';
    } else if (n - i == 2) {
        *out++ = t[in[i] >> 2];
        *out++ = t[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        *out++ = t[(in[i + 1] & 15) << 2];
        *out++ = '=';
    }
    *out = 0;
}

static unsigned char batch[1 << 20];

/* One WebSocket conversation: GET /N/SIZE -> N binary messages, a close, wait for the
   client's close, end TCP. */
static void serve_ws(sconn *s) {
    char req[4096], resp[512], acc[64], *k, *e;
    size_t len = 0, hl, per, i, fl;
    unsigned long n = 0, size = 0, sent = 0;
    unsigned char sha[20];
    br_sha1_context h;
    static const unsigned char close_frame[] = {0x88, 0x02, 0x03, 0xe8};
    for (;;) {
        int r = s_read(s, req + len, sizeof req - 1 - len);
        if (r <= 0) return;
        len += (size_t)r;
        req[len] = 0;
        if (strstr(req, "\r\n\r\n")) break;
        if (len == sizeof req - 1) return;
    }
    sscanf(req, "GET /%lu/%lu", &n, &size);
    k = strstr(req, "Sec-WebSocket-Key: ");
    if (!k) return;
    k += 19;
    e = strstr(k, "\r\n");
    br_sha1_init(&h);
    br_sha1_update(&h, k, (size_t)(e - k));
    br_sha1_update(&h, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
    br_sha1_out(&h, sha);
    b64(sha, 20, acc);
    snprintf(resp, sizeof resp,
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: %s\r\nX-Bytes: %ld %ld\r\n\r\n",
             acc, s->tls ? (long)BIO_number_read(SSL_get_rbio(s->ssl)) : s->in,
             s->tls ? (long)BIO_number_written(SSL_get_wbio(s->ssl)) : s->out);
    if (s_write(s, resp, strlen(resp)) < 0) return;
    /* a batch of up to 64 KiB of frames, written again and again */
    hl = size < 126 ? 2 : size <= 0xFFFF ? 4 : 10;
    fl = hl + size;
    per = size ? (65536 / fl ? 65536 / fl : 1) : 64;
    for (i = 0; i < per; i++) {
        unsigned char *f = batch + i * fl;
        f[0] = 0x82;
        if (hl == 2) f[1] = (unsigned char)size;
        else if (hl == 4) { f[1] = 126; f[2] = (unsigned char)(size >> 8); f[3] = (unsigned char)size; }
        else { int b; f[1] = 127; for (b = 0; b < 8; b++) f[2 + b] = (unsigned char)((uint64_t)size >> (56 - 8 * b)); }
        memset(f + hl, 'x', size);
    }
    while (sent < n) {
        size_t m = n - sent < per ? n - sent : per;
        if (s_write(s, batch, m * fl) < 0) return;
        sent += m;
    }
    if (s_write(s, close_frame, sizeof close_frame) < 0) return;
    /* the client's close frame (masked, 2-byte code: 8 bytes) */
    for (len = 0; len < 8;) {
        int r = s_read(s, req, 8 - len);
        if (r <= 0) break;
        len += (size_t)r;
    }
}

static void server(int ls_plain, int ls_tls) {
    char cert[128], key[128];
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    snprintf(cert, sizeof cert, "%s/ec.pem", dir);
    snprintf(key, sizeof key, "%s/ec.key", dir);
    if (!ctx || SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        _exit(1);
    /* the session cache by ID is on by default; BearSSL does not use tickets */
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"bench", 5);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    for (;;) {
        struct pollfd p[2];
        sconn s;
        int which;
        p[0].fd = ls_plain; p[0].events = POLLIN;
        p[1].fd = ls_tls; p[1].events = POLLIN;
        if (poll(p, 2, -1) <= 0) continue;
        which = (p[1].revents & POLLIN) ? 1 : 0;
        memset(&s, 0, sizeof s);
        s.fd = accept(which ? ls_tls : ls_plain, NULL, NULL);
        if (s.fd < 0) continue;
        {   /* handshake flights must not wait for Nagle */
            int one = 1;
            setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        s.tls = which;
        if (which) {
            s.ssl = SSL_new(ctx);
            SSL_set_fd(s.ssl, s.fd);
            if (SSL_accept(s.ssl) == 1) serve_ws(&s);
            SSL_shutdown(s.ssl);
            SSL_free(s.ssl);
        } else {
            serve_ws(&s);
        }
        close(s.fd);
    }
}

/* ------------------------------------------------------------------ the client */

static unsigned char rx[1 << 16], tx[1 << 14], msg[1 << 16];
static unsigned char tls_full[AXWS_TLS_BUF_FULL];
static axws_tls_anchors anchors;
static unsigned char anchor_buf[8192];

typedef struct run {
    unsigned long msgs;
    uint64_t bytes;
    int64_t t_connect, t_open, t_last;
    char xbytes[64];
} run;

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    run *r = (run *)user;
    if (ev->type == AXWS_EV_OPEN) {
        size_t n;
        const char *x = axws_header(c, "X-Bytes", 0, &n);
        r->t_open = now_us();
        if (x && n < sizeof r->xbytes) { memcpy(r->xbytes, x, n); r->xbytes[n] = 0; }
    } else if (ev->type == AXWS_EV_MESSAGE) {
        r->msgs++;
        r->bytes += ev->len;
        r->t_last = now_us();
    }
}

static axws_conn conn;

static void setup(run *r, int secure, int no_resume) {
    axws_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.rx_buf = rx; cfg.rx_size = sizeof rx;
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
    cfg.msg_buf = msg; cfg.msg_size = sizeof msg;
    cfg.tls_buf = tls_full; cfg.tls_size = sizeof tls_full;
    cfg.trust_anchors = anchors.anchors;
    cfg.trust_anchor_count = anchors.count;
    cfg.servername = "localhost";
    cfg.tls_no_resume = no_resume;
    cfg.on_event = on_event;
    cfg.user = r;
    (void)secure;
    if (axws_init(&conn, &cfg) != 0) exit(1);
}

/* One connection on the (already configured) conn; returns 0 on a clean end. */
static int once(run *r, int port, int secure, unsigned long n, unsigned long size) {
    char url[128];
    memset(r, 0, sizeof *r);
    snprintf(url, sizeof url, "%s://127.0.0.1:%d/%lu/%lu", secure ? "wss" : "ws", port, n, size);
    conn.cfg.user = r;
    r->t_connect = now_us();
    if (axws_connect(&conn, url, axws_now_ms()) != 0) return -1;
    while (axws_conn_state(&conn) != AXWS_STATE_CLOSED) {
        struct pollfd p[1];
        int k = axws_pollfds(&conn, p, 1);
        poll(p, (nfds_t)k, axws_timeout_ms(&conn, axws_now_ms()));
        axws_step(&conn, p, k, axws_now_ms());
    }
    if (axws_error(&conn) || r->msgs != n) {
        fprintf(stderr, "bench: %s: %s / %s (%lu of %lu messages)\n", url, axws_strerror(axws_error(&conn)),
                axws_tls_strerror(axws_tls_error(&conn)), r->msgs, n);
        return -1;
    }
    return 0;
}

static int64_t cpu_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Best of 3 in MB/s of wall-clock time; *cpu gets the best MB per second of the client's
   own CPU time (user + system), which does not depend on how busy the machine or the
   server is: the cost of the library per byte. */
static double throughput(int port, int secure, unsigned long n, unsigned long size, double *cpu) {
    double best = 0;
    int i;
    run r;
    setup(&r, secure, 0);
    for (i = 0; i < 3; i++) {
        double mbs;
        int64_t c0 = cpu_us(), c1;
        if (once(&r, port, secure, n, size)) return 0;
        c1 = cpu_us();
        mbs = (double)r.bytes / (double)(r.t_last - r.t_open); /* bytes/us = MB/s */
        if (mbs > best) best = mbs;
        if ((double)r.bytes / (double)(c1 - c0) > *cpu) *cpu = (double)r.bytes / (double)(c1 - c0);
    }
    return best;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Median connect->OPEN time of `count` connects of one object, and the X-Bytes of the last. */
static double handshake(int port, int secure, int no_resume, int want_resumed, char *xb, int *resumed_ok) {
    enum { COUNT = 40 };
    int64_t t[COUNT];
    int i, ok = 1;
    run r;
    setup(&r, secure, no_resume);
    if (once(&r, port, secure, 0, 0)) return -1; /* warms up; the saved session for resumption */
    for (i = 0; i < COUNT; i++) {
        if (once(&r, port, secure, 0, 0)) return -1;
        t[i] = r.t_open - r.t_connect;
        if (secure && axws_tls_resumed(&conn) != want_resumed) ok = 0;
    }
    if (xb) strcpy(xb, r.xbytes);
    if (resumed_ok) *resumed_ok = ok;
    qsort(t, COUNT, sizeof t[0], cmp_i64);
    return (double)t[COUNT / 2] / 1000.0;
}

/* BearSSL's own AES-128-GCM speed on 16 KiB records (what the client must do per byte on
   wss:// on top of ws://), in MB per second. */
static double gcm_speed(void) {
    static unsigned char rec[16384];
    br_aes_x86ni_ctr_keys ak;
    br_aes_ct64_ctr_keys ck;
    br_gcm_context g;
    unsigned char key[16] = {1}, iv[12] = {2}, tag[16];
    int i, k, n = 2000;
    int64_t t0, t1;
    double best = 0;
    if (br_aes_x86ni_ctr_get_vtable()) {
        br_aes_x86ni_ctr_init(&ak, key, 16);
        br_gcm_init(&g, &ak.vtable, br_ghash_pclmul_get() ? br_ghash_pclmul_get() : br_ghash_ctmul64);
    } else {
        br_aes_ct64_ctr_init(&ck, key, 16);
        br_gcm_init(&g, &ck.vtable, br_ghash_ctmul64);
    }
    for (k = 0; k < 5; k++) { /* best of 5: the machine may be busy */
        t0 = now_us();
        for (i = 0; i < n; i++) {
            br_gcm_reset(&g, iv, 12);
            br_gcm_flip(&g);
            br_gcm_run(&g, 0, rec, sizeof rec);
            br_gcm_get_tag(&g, tag);
        }
        t1 = now_us();
        if ((double)n * sizeof rec / (double)(t1 - t0) > best) best = (double)n * sizeof rec / (double)(t1 - t0);
    }
    return best;
}

static int listener(int *port) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 16) ||
        getsockname(fd, (struct sockaddr *)&sa, &sl))
        exit(1);
    *port = ntohs(sa.sin_port);
    return fd;
}

int main(void) {
    char cmd[160], path[128], xb_full[64] = "", xb_res[64] = "";
    int pport, tport, lp, lt, rc = 0, ok_full = 0, ok_res = 0;
    pid_t pid;
    double ws1, wss1, ws16, wss16, hs_ws, hs_full, hs_res, c_ws1 = 0, c_wss1 = 0, c_ws16 = 0, c_wss16 = 0;
    signal(SIGPIPE, SIG_IGN);
    if (!mkdtemp(dir)) return 1;
    snprintf(cmd, sizeof cmd, "sh tests/peers/gen_certs.sh '%s'", dir);
    if (system(cmd) != 0) return 1;
    snprintf(path, sizeof path, "%s/ca.pem", dir);
    if (axws_tls_anchors_file(&anchors, anchor_buf, sizeof anchor_buf, path) != 1) return 1;
    lp = listener(&pport);
    lt = listener(&tport);
    pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        server(lp, lt);
        _exit(0);
    }
    ws1 = throughput(pport, 0, 100000, 1024, &c_ws1);
    wss1 = throughput(tport, 1, 100000, 1024, &c_wss1);
    ws16 = throughput(pport, 0, 10000, 16384, &c_ws16);
    wss16 = throughput(tport, 1, 10000, 16384, &c_wss16);
    hs_ws = handshake(pport, 0, 0, 0, NULL, NULL);
    hs_full = handshake(tport, 1, 1, 0, xb_full, &ok_full);
    hs_res = handshake(tport, 1, 0, 1, xb_res, &ok_res);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) rc = 1;

    printf("bench_tls (loopback, OpenSSL server in a forked process, suite %s, AES-NI %s)\n",
           axws_tls_suite(&conn) ? axws_tls_suite(&conn) : "?", axws__tls_have_aesni() ? "yes" : "no");
    printf("  wall clock,  1 KiB messages: ws %7.1f MB/s  wss %7.1f MB/s  wss/ws %3.0f %%\n", ws1, wss1,
           ws1 > 0 ? 100 * wss1 / ws1 : 0);
    printf("  wall clock, 16 KiB messages: ws %7.1f MB/s  wss %7.1f MB/s  wss/ws %3.0f %%\n", ws16, wss16,
           ws16 > 0 ? 100 * wss16 / ws16 : 0);
    printf("  per client CPU second,  1 KiB: ws %7.1f MB  wss %7.1f MB  wss/ws %3.0f %%\n", c_ws1, c_wss1,
           c_ws1 > 0 ? 100 * c_wss1 / c_ws1 : 0);
    printf("  per client CPU second, 16 KiB: ws %7.1f MB  wss %7.1f MB  wss/ws %3.0f %%\n", c_ws16, c_wss16,
           c_ws16 > 0 ? 100 * c_wss16 / c_ws16 : 0);
    {
        double gcm = gcm_speed(), ws_best = c_ws16 > c_ws1 ? c_ws16 : c_ws1;
        printf("  BearSSL AES-128-GCM alone (decrypt, 16 KiB records): %.0f MB/s; with ws at %.0f MB per CPU "
               "second, wss/ws is bounded near %.0f %% (1 / (1 + ws / gcm))\n",
               gcm, ws_best, ws_best > 0 ? 100.0 / (1.0 + ws_best / gcm) : 0);
    }
    printf("  handshake to OPEN (median of 40): ws %.3f ms, wss full %.3f ms, wss resumed %.3f ms (%.0f %% saved)\n",
           hs_ws, hs_full, hs_res, hs_full > 0 ? 100 * (hs_full - hs_res) / hs_full : 0);
    printf("  bytes the server read/wrote before the upgrade answer: full \"%s\", resumed \"%s\"\n", xb_full,
           xb_res);
    printf("  resumption: every reconnect resumed: %s; with tls_no_resume none did: %s\n", ok_res ? "yes" : "NO",
           ok_full ? "yes" : "NO");
    printf("  bytes per connection: sizeof(axws_conn) %zu; wss small layout %zu (+ tls_buf %d + tx %d), "
           "full-duplex %zu (+ tls_buf %d + tx %d)\n",
           sizeof(axws_conn), sizeof(axws_conn) + AXWS_TLS_BUF_MIN + AXWS_MIN_TX, AXWS_TLS_BUF_MIN, AXWS_MIN_TX,
           sizeof(axws_conn) + AXWS_TLS_BUF_FULL + AXWS_MIN_TX, AXWS_TLS_BUF_FULL, AXWS_MIN_TX);
    printf("  target whole wss connection (small layout) <= 25600 bytes: %s\n",
           sizeof(axws_conn) + AXWS_TLS_BUF_MIN + AXWS_MIN_TX <= 25600 ? "met" : "NOT met");
    printf("  target wss >= 60 %% of ws: %s\n",
           (ws1 > 0 && ws16 > 0 && wss1 >= 0.6 * ws1 && wss16 >= 0.6 * ws16) ? "met" : "NOT met");
    if (ws1 <= 0 || wss1 <= 0 || ws16 <= 0 || wss16 <= 0 || hs_full < 0 || hs_res < 0 || !ok_res || !ok_full)
        rc = 1;
    return rc;
}
