/* tests/test_faults.c - the fault matrix: what each network fault does to a client, which
   error it must report, and that the client recovers afterwards.

   Every case checks its expected error (axws_error() / the Axiom on_error), and recovery:
   the same object connects again (the Axiom client by itself, with its rooms joined anew),
   every message the server sent before the fault arrived exactly once, none was invented,
   and the numbering goes on after the reconnect. Across each case the open descriptors
   (/proc/self/fd) stay the same and nothing is allocated (a malloc counter: the library
   never allocates, and this file's own server code does not either).

     1  RST (SO_LINGER 0) in the middle of a frame (Axiom), of a TLS record (wss://) and of
        the HTTP upgrade answer (Axiom)
     2  a half-open peer that goes silent without FIN (Axiom: the dead-peer timer)
     3  a server that never reads while the client's output fills up
     4  a 64 KiB message dripped one byte per read
     5  an upgrade answer dripped slower than the handshake timeout
     6  a fatal TLS alert mid-stream (wss://)
     7  TCP FIN without TLS close_notify, between records and inside one (wss://)
     8  10,000 header lines in the upgrade answer
     9  301 to the upgrade: Location reported, not followed
    10  the Axiom token refresh endpoint hanging, answering 500, garbage: reported, tokens
        kept, the stream untouched, retried until it works
    11  read batching (cfg.read_batch): a lone small message below the low-water mark, and
        a burst, over ws:// and wss://

   The server side lives in this process and runs in the same loop as the client, one step
   each in turn (see pump_once), so a fault lands at an exact byte: after the client has
   read everything before it (its socket's receive queue empty) and parsed up to it. TLS
   peers are BearSSL's server engine, which hands out the raw records: half a record can be
   written, and a fatal alert encrypted with the live keys. Servers listen on 127.0.0.1
   port 0 (case 4's drip alone goes through a UNIX socket pair: see there). Every timeout
   of the library is set short (at most 200 ms). */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------------------------------------ allocations and fds */

/* Every allocation of the process is counted; a case must not make any. Under ASan the
   sanitizer's allocator owns malloc, and it has a hook for this; otherwise malloc & co
   are replaced by counting wrappers around glibc's own (glibc supports that). */
static volatile long mallocs;
#if defined(__SANITIZE_ADDRESS__)
#define AXT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AXT_ASAN 1
#endif
#endif
#ifdef AXT_ASAN
int __sanitizer_install_malloc_and_free_hooks(void (*m)(const volatile void *, size_t),
                                              void (*f)(const volatile void *));
static void count_malloc(const volatile void *p, size_t n) { (void)p; (void)n; mallocs++; }
static void count_free(const volatile void *p) { (void)p; }
static void counter_start(void) { __sanitizer_install_malloc_and_free_hooks(count_malloc, count_free); }
#elif defined(__GLIBC__)
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);
void *malloc(size_t n) { mallocs++; return __libc_malloc(n); }
void *calloc(size_t n, size_t m) { mallocs++; return __libc_calloc(n, m); }
void *realloc(void *p, size_t n) { mallocs++; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
static void counter_start(void) {}
#else
#define AXT_NO_MALLOC_COUNT 1 /* another libc: descriptors are still counted */
static void counter_start(void) {}
#endif

/* Open descriptors, from /proc/self/fd (opendir allocates: called outside the counted
   stretch). The directory's own descriptor is in the listing: one less. */
static int count_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n - 1;
}

static int case_fds;
static long case_mallocs;
static int64_t case_t0;

static void case_begin(const char *name) {
    AXT_CASE(name);
    case_fds = count_fds();
    case_t0 = axws_now_ms();
    case_mallocs = mallocs;
}

static void case_end(void) {
    long m = mallocs - case_mallocs;
    int fds = count_fds();
#ifndef AXT_NO_MALLOC_COUNT
    CHECK_EQ(m, 0); /* nothing allocated while the client connected, failed and recovered */
#else
    (void)m;
#endif
    CHECK_EQ(fds, case_fds); /* every socket of the case was closed: none leaked */
    printf("  %-62s %4lld ms\n", axt_case, (long long)(axws_now_ms() - case_t0));
    fflush(stdout);
}

/* ------------------------------------------------------------------ the server side */

/* A listening socket on 127.0.0.1, port 0. rcvbuf > 0 shrinks the receive buffer of the
   connections it accepts (set before listen() so the window is small from the start). */
typedef struct listener { int fd, port; } listener;

#define MAX_LISTENERS 4
static listener *listeners[MAX_LISTENERS];

static int lst_open(listener *l, int rcvbuf) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int one = 1, i;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    l->fd = socket(AF_INET, SOCK_STREAM, 0);
    l->port = 0;
    if (l->fd < 0) return -1;
    setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (rcvbuf > 0) setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (bind(l->fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(l->fd, 8) != 0 ||
        getsockname(l->fd, (struct sockaddr *)&sa, &sl) != 0) {
        close(l->fd);
        l->fd = -1;
        return -1;
    }
    fcntl(l->fd, F_SETFL, fcntl(l->fd, F_GETFL) | O_NONBLOCK);
    l->port = ntohs(sa.sin_port);
    for (i = 0; i < MAX_LISTENERS; i++)
        if (!listeners[i]) { listeners[i] = l; break; }
    return 0;
}

static void lst_close(listener *l) {
    int i;
    for (i = 0; i < MAX_LISTENERS; i++)
        if (listeners[i] == l) listeners[i] = NULL;
    if (l->fd >= 0) close(l->fd);
    l->fd = -1;
}

/* A TLS peer runs BearSSL's server engine with the test CA's server certificate; one TLS
   peer at a time is enough for every case. Its session cache lets a client resume. */
static br_ssl_server_context srv_sc;
static unsigned char srv_tls_buf[BR_SSL_BUFSIZE_BIDI];
static br_x509_certificate srv_chain[1];
static unsigned char srv_cert_der[4096];
static br_skey_decoder_context srv_skey;
static br_ssl_session_cache_lru srv_lru;
static unsigned char srv_lru_store[4096];
static int srv_tls_ready; /* the certificate and key were loaded */

/* One accepted connection. Plaintext comes in through `in` and goes out through `out`;
   for a TLS peer the engine sits between them and the socket. */
typedef struct peer {
    int fd;             /* -1: the slot is free */
    int tls;
    int silent;         /* neither read nor written any more: a hung or half-open server */
    int ws;             /* upgraded: the client's frames are parsed and answered */
    int heartbeat;      /* ping the client after 20 ms without sending (see pump_once) */
    int eof, failed;    /* the client ended TCP / the socket failed */
    int closing;        /* our close frame is queued: close TCP once it is written */
    int64_t last_send;
    uint8_t in[1 << 16];
    size_t in_len;
    uint8_t out[1 << 18];
    size_t out_len;
    char key[64];       /* Sec-WebSocket-Key of the request */
    size_t req_len;     /* the complete request's length (head and body) once it is in */
    char joins[16][32]; /* rooms joined, in order (a leave removes) */
    int njoins, join_msgs, close_code;
} peer;

#define MAX_PEERS 4
static peer peers[MAX_PEERS];

static void set_nodelay_nonblock(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int tls_peer_busy(void) {
    int i;
    for (i = 0; i < MAX_PEERS; i++)
        if (peers[i].fd >= 0 && peers[i].tls) return 1;
    return 0;
}

/* Accept one connection if one is waiting: its peer, or NULL. */
static peer *try_accept(listener *l, int tls) {
    int i, fd;
    peer *p = NULL;
    for (i = 0; i < MAX_PEERS && !p; i++)
        if (peers[i].fd < 0) p = &peers[i];
    if (!p || (tls && (tls_peer_busy() || !srv_tls_ready))) return NULL;
    fd = accept(l->fd, NULL, NULL);
    if (fd < 0) return NULL;
    set_nodelay_nonblock(fd);
    p->fd = fd;
    p->tls = tls;
    p->silent = p->ws = p->heartbeat = p->eof = p->failed = p->closing = 0;
    p->last_send = axws_now_ms();
    p->in_len = p->out_len = p->req_len = 0;
    p->key[0] = 0;
    p->njoins = p->join_msgs = p->close_code = 0;
    if (tls) {
        br_ssl_server_init_full_ec(&srv_sc, srv_chain, 1, BR_KEYTYPE_EC, br_skey_decoder_get_ec(&srv_skey));
        br_ssl_engine_set_buffer(&srv_sc.eng, srv_tls_buf, sizeof srv_tls_buf, 1);
        br_ssl_server_set_cache(&srv_sc, &srv_lru.vtable);
        br_ssl_server_reset(&srv_sc);
    }
    return p;
}

enum { DROP_CLOSE, DROP_RST, DROP_FIN };

/* End the server's side: a plain close, a reset (SO_LINGER 0 drops the queue and sends RST),
   or only a FIN (shutdown of the sending half; the descriptor stays open until
   peer_free_all, so no reset follows). */
static void peer_drop(peer *p, int how) {
    if (p->fd < 0) return;
    if (how == DROP_FIN) {
        shutdown(p->fd, SHUT_WR);
        p->silent = 1;
        return;
    }
    if (how == DROP_RST) {
        struct linger lg;
        lg.l_onoff = 1;
        lg.l_linger = 0;
        setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    close(p->fd);
    p->fd = -1;
}

static void peer_free_all(void) {
    int i;
    for (i = 0; i < MAX_PEERS; i++) peer_drop(&peers[i], DROP_CLOSE);
}

static void peer_free_all_but(const peer *keep) {
    int i;
    for (i = 0; i < MAX_PEERS; i++)
        if (&peers[i] != keep) peer_drop(&peers[i], DROP_CLOSE);
}

static void peer_queue(peer *p, const void *data, size_t n) {
    if (n > sizeof p->out - p->out_len) {
        CHECK(!"server output queue overflow (test bug)");
        return;
    }
    memcpy(p->out + p->out_len, data, n);
    p->out_len += n;
}

/* A server frame (unmasked, RFC 6455 5.1): header and payload. */
static size_t ws_frame(uint8_t *buf, int b0, const void *data, size_t n) {
    size_t h = 2;
    buf[0] = (uint8_t)b0;
    if (n < 126) {
        buf[1] = (uint8_t)n;
    } else if (n <= 0xFFFF) {
        buf[1] = 126;
        buf[2] = (uint8_t)(n >> 8);
        buf[3] = (uint8_t)n;
        h = 4;
    } else {
        int i;
        buf[1] = 127;
        for (i = 0; i < 8; i++) buf[2 + i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
        h = 10;
    }
    if (n) memcpy(buf + h, data, n);
    return h + n;
}

static void peer_send_frame(peer *p, int b0, const void *data, size_t n) {
    static uint8_t f[16 + 256];
    if (n > 256) {
        CHECK(!"frame too large for peer_send_frame (test bug)");
        return;
    }
    peer_queue(p, f, ws_frame(f, b0, data, n));
}

/* The numbered messages every case counts: {"room":R,"content":N}. */
static size_t seq_text(char *buf, size_t cap, const char *room, int seq) {
    return (size_t)snprintf(buf, cap, "{\"room\":\"%s\",\"content\":%d}", room, seq);
}

static void send_seq(peer *p, const char *room, int seq) {
    char t[96];
    peer_send_frame(p, 0x81, t, seq_text(t, sizeof t, room, seq));
}

/* ---- moving bytes */

static void peer_plain_io(peer *p) {
    while (p->out_len) {
        ssize_t n = send(p->fd, p->out, p->out_len, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) p->failed = 1;
            break;
        }
        memmove(p->out, p->out + n, p->out_len - (size_t)n);
        p->out_len -= (size_t)n;
        p->last_send = axws_now_ms();
    }
    while (!p->eof && !p->failed && p->in_len < sizeof p->in) {
        ssize_t n = recv(p->fd, p->in + p->in_len, sizeof p->in - p->in_len, 0);
        if (n > 0) p->in_len += (size_t)n;
        else if (n == 0) p->eof = 1;
        else {
            if (errno != EAGAIN && errno != EWOULDBLOCK) p->failed = 1;
            break;
        }
    }
}

static void peer_tls_io(peer *p) {
    br_ssl_engine_context *e = &srv_sc.eng;
    for (;;) {
        unsigned st = br_ssl_engine_current_state(e);
        int progress = 0;
        size_t len;
        unsigned char *b;
        if (st & BR_SSL_CLOSED) {
            p->eof = 1;
            return;
        }
        if (st & BR_SSL_SENDREC) {
            ssize_t n;
            b = br_ssl_engine_sendrec_buf(e, &len);
            n = send(p->fd, b, len, MSG_NOSIGNAL);
            if (n > 0) {
                br_ssl_engine_sendrec_ack(e, (size_t)n);
                p->last_send = axws_now_ms();
                progress = 1;
            } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                p->failed = 1;
                return;
            }
        }
        if ((st & BR_SSL_RECVAPP) && p->in_len < sizeof p->in) {
            b = br_ssl_engine_recvapp_buf(e, &len);
            if (len > sizeof p->in - p->in_len) len = sizeof p->in - p->in_len;
            memcpy(p->in + p->in_len, b, len);
            p->in_len += len;
            br_ssl_engine_recvapp_ack(e, len);
            progress = 1;
        }
        if ((st & BR_SSL_SENDAPP) && p->out_len) {
            b = br_ssl_engine_sendapp_buf(e, &len);
            if (len > p->out_len) len = p->out_len;
            memcpy(b, p->out, len);
            br_ssl_engine_sendapp_ack(e, len);
            br_ssl_engine_flush(e, 0);
            memmove(p->out, p->out + len, p->out_len - len);
            p->out_len -= len;
            progress = 1;
        }
        if ((st & BR_SSL_RECVREC) && !p->eof) {
            ssize_t n;
            b = br_ssl_engine_recvrec_buf(e, &len);
            n = recv(p->fd, b, len, 0);
            if (n > 0) {
                br_ssl_engine_recvrec_ack(e, (size_t)n);
                progress = 1;
            } else if (n == 0) {
                p->eof = 1;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                p->failed = 1;
                return;
            }
        }
        if (!progress) return;
    }
}

/* The TLS engine holds no record still to be written. */
static int peer_tls_idle(const peer *p) {
    return !p->tls || !(br_ssl_engine_current_state(&srv_sc.eng) & BR_SSL_SENDREC);
}

static void peer_consume(peer *p, size_t n) {
    memmove(p->in, p->in + n, p->in_len - n);
    p->in_len -= n;
}

/* The client's frames (masked, RFC 6455 5.3): joins and leaves recorded, pings answered,
   a close echoed and then TCP closed. */
static void peer_frames(peer *p) {
    for (;;) {
        uint8_t *f = p->in, *mask, *d;
        size_t hl, n, i;
        int op;
        if (p->in_len < 2) return;
        n = f[1] & 0x7F;
        hl = 2 + (n == 126 ? 2 : n == 127 ? 8 : 0) + 4;
        if (p->in_len < hl) return;
        if (n == 126) n = (size_t)f[2] << 8 | f[3];
        else if (n == 127) {
            n = 0;
            for (i = 0; i < 8; i++) n = n << 8 | f[2 + i];
        }
        if (!(f[1] & 0x80) || n > sizeof p->in - hl) { /* RFC 6455 5.3: clients mask */
            CHECK(!"the client sent an unmasked or oversized frame");
            p->in_len = 0;
            return;
        }
        if (p->in_len < hl + n) return;
        mask = f + hl - 4;
        d = f + hl;
        for (i = 0; i < n; i++) d[i] ^= mask[i & 3];
        op = f[0] & 0x0F;
        if (op == AXWS_OP_TEXT && !p->closing) {
            const char *t = (const char *)d, *r;
            int join = n > 16 && memcmp(t, "{\"action\":\"join\"", 16) == 0;
            int leave = n > 17 && memcmp(t, "{\"action\":\"leave\"", 17) == 0;
            char room[32];
            size_t k = 0;
            r = NULL;
            for (k = 0; (join || leave) && k + 8 <= n && !r; k++)
                if (memcmp(t + k, "\"room\":\"", 8) == 0) r = t + k;
            k = 0;
            if (r) {
                r += 8;
                while (r + k < t + n && r[k] != '"' && k < sizeof room - 1) { room[k] = r[k]; k++; }
                room[k] = 0;
            }
            if (join && r && p->njoins < 16) {
                memcpy(p->joins[p->njoins++], room, k + 1);
                p->join_msgs++;
            } else if (leave && r) {
                int j;
                for (j = 0; j < p->njoins; j++)
                    if (strcmp(p->joins[j], room) == 0) {
                        memmove(p->joins[j], p->joins[j + 1], (size_t)(p->njoins - j - 1) * sizeof p->joins[0]);
                        p->njoins--;
                        break;
                    }
            }
        } else if (op == AXWS_OP_PING && !p->closing) {
            peer_send_frame(p, 0x80 | AXWS_OP_PONG, d, n);
        } else if (op == AXWS_OP_CLOSE && !p->closing) {
            p->close_code = n >= 2 ? d[0] << 8 | d[1] : 1005;
            peer_send_frame(p, 0x80 | AXWS_OP_CLOSE, d, n >= 2 ? 2 : 0); /* RFC 6455 5.5.1: echo */
            p->closing = 1;
        }
        peer_consume(p, hl + n);
    }
}

/* Everything a live peer does by itself: move bytes, answer frames, keep the client's
   dead-peer timer fed, end after an echoed close. */
static void peer_service(peer *p) {
    if (p->fd < 0 || p->silent) return;
    if (p->tls) peer_tls_io(p);
    else peer_plain_io(p);
    if (p->ws) {
        peer_frames(p);
        /* Under load this process may sleep past the client's dead-peer timeout between
           two steps; the server side runs first in every round (pump_once), so a ping
           reaches the client before its timers are looked at. */
        if (p->heartbeat && !p->closing && axws_now_ms() - p->last_send >= 20) {
            peer_send_frame(p, 0x80 | AXWS_OP_PING, "hb", 2);
            p->last_send = axws_now_ms();
        }
        if (p->tls) peer_tls_io(p);
        else peer_plain_io(p);
    }
    if ((p->closing && !p->out_len && peer_tls_idle(p)) || p->failed) peer_drop(p, DROP_CLOSE);
}

static void service_all(void) {
    int i;
    for (i = 0; i < MAX_PEERS; i++) peer_service(&peers[i]);
}

/* The complete HTTP request (head and Content-Length body) is in: 1, and the key noted. */
static int peer_request(peer *p) {
    const char *h = (const char *)p->in, *end, *k;
    size_t head, body = 0;
    if (p->req_len) return 1;
    if (p->in_len < 4) return 0;
    end = NULL;
    {
        size_t i;
        for (i = 0; i + 4 <= p->in_len; i++)
            if (memcmp(h + i, "\r\n\r\n", 4) == 0) { end = h + i; break; }
    }
    if (!end) return 0;
    head = (size_t)(end - h) + 4;
    for (k = h; k < end; k++) {
        if (*k != '\n') continue;
        if (strncasecmp(k + 1, "content-length:", 15) == 0) body = (size_t)strtoul(k + 16, NULL, 10);
        if (strncasecmp(k + 1, "sec-websocket-key:", 18) == 0) {
            const char *v = k + 19;
            size_t n = 0;
            while (*v == ' ') v++;
            while (v[n] != '\r' && n < sizeof p->key - 1) n++;
            memcpy(p->key, v, n);
            p->key[n] = 0;
        }
    }
    if (p->in_len < head + body) return 0;
    p->req_len = head + body;
    return 1;
}

/* The answer to the upgrade (RFC 6455 4.2.2): SHA-1 and base64 done here, not by the
   library under test. */
static size_t upgrade_answer(const peer *p, char *out, size_t cap) {
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    br_sha1_context h;
    unsigned char d[21];
    char acc[32];
    int i, o = 0;
    br_sha1_init(&h);
    br_sha1_update(&h, p->key, strlen(p->key));
    br_sha1_update(&h, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
    br_sha1_out(&h, d);
    d[20] = 0;
    for (i = 0; i < 21; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)(i + 1 < 21 ? d[i + 1] : 0) << 8 | (i + 2 < 21 ? d[i + 2] : 0);
        acc[o++] = b64[v >> 18];
        acc[o++] = b64[(v >> 12) & 63];
        acc[o++] = i + 1 < 20 ? b64[(v >> 6) & 63] : '=';
        acc[o++] = i + 2 < 20 ? b64[v & 63] : '=';
    }
    acc[28] = 0; /* 20 bytes: 27 characters and one '=' */
    return (size_t)snprintf(out, cap,
                            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Accept: %s\r\n\r\n",
                            acc);
}

/* ------------------------------------------------------------------ the client side */

/* The client under test: a plain connection, or an Axiom client. */
static axws_conn *drv_c;
static axws_axiom *drv_a;
static long drv_steps;

static int drv_pollfds(struct pollfd *p, int max) {
    if (drv_a) return axws_axiom_pollfds(drv_a, p, max);
    if (drv_c) return axws_pollfds(drv_c, p, max);
    return 0;
}
static int drv_timeout(void) {
    if (drv_a) return axws_axiom_timeout_ms(drv_a, axws_now_ms());
    if (drv_c) return axws_timeout_ms(drv_c, axws_now_ms());
    return -1;
}
static void drv_step(const struct pollfd *p, int n) {
    drv_steps++;
    if (drv_a) axws_axiom_step(drv_a, p, n, axws_now_ms());
    else if (drv_c) axws_step(drv_c, p, n, axws_now_ms());
}

/* One round: wait (at most 10 ms) for the client's sockets, the listeners and the live
   peers, then the server side, then one client step. */
static void pump_once(void) {
    struct pollfd p[2 + MAX_LISTENERS + MAX_PEERS];
    int n = drv_pollfds(p, 2), k = n, i, w = drv_timeout();
    for (i = 0; i < MAX_LISTENERS; i++)
        if (listeners[i] && listeners[i]->fd >= 0) {
            p[k].fd = listeners[i]->fd;
            p[k].events = POLLIN;
            p[k++].revents = 0;
        }
    for (i = 0; i < MAX_PEERS; i++)
        if (peers[i].fd >= 0 && !peers[i].silent) {
            p[k].fd = peers[i].fd;
            p[k].events = (short)(POLLIN | (peers[i].out_len ? POLLOUT : 0));
            p[k++].revents = 0;
        }
    if (w < 0 || w > 10) w = 10;
    poll(p, (nfds_t)k, w);
    service_all();
    drv_step(p, n);
}

/* Run both sides until `expr` holds (until_ok = 1) or `ms` pass (until_ok = 0). */
static int64_t until_end;
static int until_ok;
#define UNTIL(ms, expr)                                                                          \
    for (until_end = axws_now_ms() + (ms), until_ok = 0;                                         \
         !(until_ok = (service_all(), (expr) ? 1 : 0)) && axws_now_ms() < until_end;)            \
    pump_once()
#define CHECK_UNTIL(ms, expr)                                                                    \
    do {                                                                                         \
        UNTIL(ms, expr);                                                                         \
        axt_check(until_ok, "eventually " #expr, __FILE__, __LINE__);                            \
    } while (0)

/* Bytes the kernel holds for the client that it has not read yet. */
static int unread(int fd) {
    int n = -1;
    if (fd < 0 || ioctl(fd, FIONREAD, &n) != 0) return -1;
    return n;
}

static peer *accepted; /* what try_accept gave the last UNTIL */
static peer *accept_peer(listener *l, int tls) {
    accepted = NULL;
    UNTIL(2000, (accepted = try_accept(l, tls)) != NULL);
    CHECK(accepted != NULL);
    return accepted;
}

/* Accept a connection and answer its upgrade with 101. */
static peer *serve_upgrade(listener *l, int tls) {
    char ans[256];
    peer *p = accept_peer(l, tls);
    if (!p) return NULL;
    CHECK_UNTIL(2000, peer_request(p));
    if (!until_ok) return p;
    peer_consume(p, p->req_len);
    peer_queue(p, ans, upgrade_answer(p, ans, sizeof ans));
    p->ws = 1;
    p->heartbeat = 1;
    return p;
}

/* ---- a plain connection and what it received */

typedef struct crec {
    int opens, closes, errors;
    int error, close_code;   /* of the last CLOSE event */
    int seq[256], nseq, bad; /* numbered messages in arrival order; anything else is bad */
    int chatter;             /* messages of the room "chatter" (case 3b), not numbered */
    const uint8_t *expect;   /* a big message to compare with, when set */
    size_t expect_len;
    int big_ok, big_bad;
} crec;

static crec R;
static axws_conn C;
static struct {
    uint8_t tx[16384];
    uint8_t guard[64]; /* must stay untouched: nothing writes past tx_buf */
} txg;
static uint8_t c_rx[1 << 15], c_msg[1 << 17];

static int parse_seq(const uint8_t *d, size_t n, const char *room) {
    char t[128], want[64];
    int seq = -1, len = snprintf(want, sizeof want, "{\"room\":\"%s\",\"content\":", room);
    if (n >= sizeof t || n < (size_t)len + 2 || memcmp(d, want, (size_t)len) != 0 || d[n - 1] != '}') return -1;
    memcpy(t, d + len, n - (size_t)len - 1);
    t[n - (size_t)len - 1] = 0;
    seq = atoi(t);
    return seq > 0 ? seq : -1;
}

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    crec *r = (crec *)user;
    (void)c;
    switch (ev->type) {
    case AXWS_EV_OPEN: r->opens++; break;
    case AXWS_EV_ERROR: r->errors++; break;
    case AXWS_EV_CLOSE:
        r->closes++;
        r->error = ev->error;
        r->close_code = ev->close_code;
        break;
    case AXWS_EV_MESSAGE:
        if (r->expect && ev->len == r->expect_len && memcmp(ev->data, r->expect, ev->len) == 0) {
            r->big_ok++;
        } else if (r->expect) {
            r->big_bad++;
        } else {
            int s = parse_seq(ev->data, ev->len, "plain");
            if (s > 0 && r->nseq < 256) r->seq[r->nseq++] = s;
            else if (parse_seq(ev->data, ev->len, "chatter") > 0) r->chatter++;
            else r->bad++;
        }
        break;
    case AXWS_EV_CHUNK: r->bad++; break; /* msg_buf is set: only whole messages */
    default: break;
    }
}

static br_x509_trust_anchor const *tas;
static size_t ta_count;

static size_t conn_read_batch; /* cfg.read_batch of the next conn_setup (case 11) */
static void conn_setup(int keepalive_ms, int dead_peer_ms) {
    axws_config cfg;
    memset(&cfg, 0, sizeof cfg);
    memset(&R, 0, sizeof R);
    memset(txg.guard, 0xA5, sizeof txg.guard);
    cfg.rx_buf = c_rx; cfg.rx_size = sizeof c_rx;
    cfg.tx_buf = txg.tx; cfg.tx_size = sizeof txg.tx;
    cfg.msg_buf = c_msg; cfg.msg_size = sizeof c_msg;
    cfg.connect_timeout_ms = 200;
    cfg.handshake_timeout_ms = 200;
    cfg.close_timeout_ms = 200;
    cfg.keepalive_ms = keepalive_ms;
    cfg.dead_peer_ms = dead_peer_ms;
    cfg.read_batch = conn_read_batch;
    cfg.read_batch_ms = 20;
    cfg.on_event = on_event;
    cfg.user = &R;
    cfg.trust_anchors = tas;
    cfg.trust_anchor_count = ta_count;
    cfg.servername = "localhost"; /* BearSSL matches DNS names only: dial 127.0.0.1, verify this */
    CHECK_EQ(axws_init(&C, &cfg), 0);
    drv_c = &C;
    drv_a = NULL;
    drv_steps = 0;
}

static int guard_intact(void) {
    size_t i;
    for (i = 0; i < sizeof txg.guard; i++)
        if (txg.guard[i] != 0xA5) return 0;
    return 1;
}

/* The numbers 1..n, each once, in order, and nothing else. */
static int seq_exact(const int *seq, int nseq, int n) {
    int i;
    if (nseq != n) return 0;
    for (i = 0; i < n; i++)
        if (seq[i] != i + 1) return 0;
    return 1;
}

static char url[64];
static const char *url_for(const listener *l, const char *scheme) {
    snprintf(url, sizeof url, "%s://127.0.0.1:%d/", scheme, l->port);
    return url;
}

/* After a fault: the same object connects again, gets the next numbers, and closes
   cleanly (its close echoed, 1000, no error). */
static void conn_recover(listener *l, int tls, int from, int to) {
    peer *p;
    int s;
    CHECK_EQ(axws_connect(&C, url_for(l, tls ? "wss" : "ws"), axws_now_ms()), 0);
    p = serve_upgrade(l, tls);
    if (!p) return;
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_OPEN);
    for (s = from; s <= to; s++) send_seq(p, "plain", s);
    CHECK_UNTIL(2000, R.nseq >= to);
    CHECK_EQ(axws_close(&C, 1000, NULL, axws_now_ms()), 0);
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_CLOSED);
    CHECK_EQ(axws_error(&C), 0);
    CHECK_EQ(axws_close_code(&C), 1000);
    CHECK(seq_exact(R.seq, R.nseq, to));
    CHECK_EQ(R.bad, 0);
    peer_free_all();
}

/* ---- an Axiom client and what it received */

typedef struct axrec {
    int connected, disconnected, errors, tokens;
    int seq[256], nseq, bad;
    axws_axiom_error_kind kind[16];
    int code[16], sys_errno[16], http_status[16];
    char text[16][200];
    char reason[200];
    char access[128];
} axrec;

static axrec X;
static axws_axiom A;
static uint8_t a_rx[1 << 15], a_tx[1 << 14], a_msg[1 << 14];
static const char *const rooms[2] = { "fault-a", "fault-b" };

static void ax_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    axrec *x = (axrec *)user;
    char t[32];
    int s = -1;
    (void)a;
    /* unknown rooms are RAW; the content is the number's text, and number N was sent in
       room N % 2 */
    if (m->kind == AXWS_AXIOM_KIND_RAW && m->content.type == AXWS_JSON_NUMBER && m->content.len < sizeof t) {
        memcpy(t, m->content.ptr, m->content.len);
        t[m->content.len] = 0;
        s = atoi(t);
        if (s <= 0 || m->room.len != strlen(rooms[s % 2]) || memcmp(m->room.ptr, rooms[s % 2], m->room.len) != 0)
            s = -1;
    }
    if (s > 0 && x->nseq < 256) x->seq[x->nseq++] = s;
    else x->bad++;
}
static void ax_connected(axws_axiom *a, const char *session, void *user) {
    (void)a; (void)session;
    ((axrec *)user)->connected++;
}
static void ax_disconnected(axws_axiom *a, const char *reason, void *user) {
    axrec *x = (axrec *)user;
    (void)a;
    x->disconnected++;
    snprintf(x->reason, sizeof x->reason, "%s", reason);
}
static void ax_error(axws_axiom *a, const axws_axiom_error *e, void *user) {
    axrec *x = (axrec *)user;
    (void)a;
    if (x->errors < 16) {
        x->kind[x->errors] = e->kind;
        x->code[x->errors] = e->code;
        x->sys_errno[x->errors] = e->sys_errno;
        x->http_status[x->errors] = e->http_status;
        snprintf(x->text[x->errors], sizeof x->text[0], "%s", e->text);
    }
    x->errors++;
}
static void ax_tokens(axws_axiom *a, const char *access, const char *refresh, void *user) {
    axrec *x = (axrec *)user;
    (void)a; (void)refresh;
    x->tokens++;
    snprintf(x->access, sizeof x->access, "%s", access);
}

/* A JWT whose payload is {"exp":4102444800} (2100-01-01): never refreshed by itself. */
static const char access_token[] = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJl";
static const char refresh_token[] = "refresh-token-of-the-fault-matrix";

/* keepalive_ms > 0: pings that often and 150 ms of silence is a dead peer; -1: neither
   (the cases whose fault is not silence leave no window for a spurious dead peer). */
static size_t axiom_read_batch; /* cfg.read_batch of the next axiom_setup (case 11) */
static void axiom_setup(const listener *stream, const listener *api, int keepalive_ms) {
    axws_axiom_config cfg;
    static char s_url[64], a_url[64];
    memset(&cfg, 0, sizeof cfg);
    memset(&X, 0, sizeof X);
    snprintf(s_url, sizeof s_url, "ws://127.0.0.1:%d/", stream->port);
    cfg.url = s_url;
    if (api) {
        snprintf(a_url, sizeof a_url, "http://127.0.0.1:%d", api->port);
        cfg.api_url = a_url;
    } else {
        cfg.api_url = "http://127.0.0.1:9/"; /* never asked: the token does not expire */
    }
    cfg.access_token = access_token;
    cfg.refresh_token = refresh_token;
    cfg.no_env = 1;
    cfg.handler.on_message = ax_message;
    cfg.handler.on_connected = ax_connected;
    cfg.handler.on_disconnected = ax_disconnected;
    cfg.handler.on_error = ax_error;
    cfg.handler.on_tokens = ax_tokens;
    cfg.handler.user = &X;
    cfg.keepalive_ms = keepalive_ms;
    cfg.dead_peer_ms = keepalive_ms > 0 ? 150 : 0;
    cfg.connect_timeout_ms = 200;
    cfg.backoff_base_ms = 20;
    cfg.backoff_cap_ms = 100;
    cfg.pacing_ms = -1;      /* joins go out at once */
    cfg.read_batch = axiom_read_batch;
    cfg.read_batch_ms = 20;
    cfg.rx_buf = a_rx; cfg.rx_size = sizeof a_rx;
    cfg.tx_buf = a_tx; cfg.tx_size = sizeof a_tx;
    cfg.msg_buf = a_msg; cfg.msg_size = sizeof a_msg;
    CHECK_EQ(axws_axiom_init(&A, &cfg), 0);
    CHECK_EQ(axws_axiom_subscribe(&A, rooms[0]), 0);
    CHECK_EQ(axws_axiom_subscribe(&A, rooms[1]), 0);
    drv_a = &A;
    drv_c = NULL;
    drv_steps = 0;
}

/* The peer joined exactly our two rooms, each once, in subscription order. */
static int joined_both(const peer *p) {
    return p->njoins == 2 && p->join_msgs == 2 && strcmp(p->joins[0], rooms[0]) == 0 &&
           strcmp(p->joins[1], rooms[1]) == 0;
}

/* Accept the Axiom client's connection, answer the upgrade, wait for both joins. */
static peer *serve_axiom(listener *l) {
    peer *p = serve_upgrade(l, 0);
    if (!p) return NULL;
    CHECK_UNTIL(2000, p->join_msgs >= 2);
    CHECK(joined_both(p)); /* the rooms are restored on every connection, once each */
    return p;
}

/* Numbers from..to, alternating between the two rooms, until the client has them all. */
static void axiom_feed(peer *p, int from, int to) {
    int s;
    for (s = from; s <= to; s++) send_seq(p, rooms[s % 2], s);
    CHECK_UNTIL(2000, X.nseq >= to);
    CHECK(joined_both(p)); /* and no join came twice meanwhile */
}

static void axiom_stop(void) {
    axws_axiom_disconnect(&A, axws_now_ms());
    CHECK_UNTIL(2000, axws_conn_state(axws_axiom_conn(&A)) == AXWS_STATE_CLOSED &&
                          axws_conn_state(&A.http) == AXWS_STATE_CLOSED);
    peer_free_all();
}

/* ---- faults written at an exact byte */

/* Write bytes straight to the socket, after whatever is queued; then the peer falls
   silent, so that nothing (a pong, a heartbeat) follows them. Plain peers only. */
static void peer_write_now(peer *p, const void *d, size_t n) {
    peer_queue(p, d, n);
    p->heartbeat = 0;
    peer_plain_io(p);
    CHECK_EQ(p->out_len, 0);
    p->silent = 1;
}

/* TLS: seal `f` into one record and write only the first `cut` bytes of that record;
   then the peer falls silent. Returns the record's length (0 on failure). */
static size_t peer_tls_partial(peer *p, const uint8_t *f, size_t n, size_t *cut) {
    br_ssl_engine_context *e = &srv_sc.eng;
    size_t len;
    unsigned char *b;
    if (!CHECK(p->out_len == 0 && peer_tls_idle(p))) return 0;
    b = br_ssl_engine_sendapp_buf(e, &len);
    if (!CHECK(b != NULL && len >= n)) return 0;
    memcpy(b, f, n);
    br_ssl_engine_sendapp_ack(e, n);
    br_ssl_engine_flush(e, 0);
    b = br_ssl_engine_sendrec_buf(e, &len); /* the whole record: header, nonce, data, tag */
    if (!CHECK(b != NULL && len > n)) return 0;
    *cut = len / 2;
    CHECK_EQ(send(p->fd, b, *cut, MSG_NOSIGNAL), (long long)*cut);
    p->silent = 1;
    return len;
}

/* TLS: a fatal alert (RFC 5246 7.2), encrypted with the connection's current keys and
   sequence number the way the engine seals records: BearSSL's server engine sends no
   alert after the handshake by itself, so its record layer (the public `out` context)
   is called directly. The engine must hold no unsent record. The peer then falls silent. */
static void peer_tls_alert(peer *p, int desc) {
    br_ssl_engine_context *e = &srv_sc.eng;
    const br_sslrec_out_class **oc = &e->out.vtable;
    unsigned char rec[128], *r;
    size_t start = 5, end = sizeof rec, len = 2;
    if (!CHECK(p->out_len == 0 && peer_tls_idle(p))) return;
    (*oc)->max_plaintext(oc, &start, &end);
    rec[start] = 2; /* fatal */
    rec[start + 1] = (unsigned char)desc;
    r = (*oc)->encrypt(oc, 21 /* alert */, br_ssl_engine_get_version(e), rec + start, &len);
    CHECK_EQ(send(p->fd, r, len, MSG_NOSIGNAL), (long long)len);
    p->silent = 1;
}

/* ------------------------------------------------------------------ the cases */

static void case_rst_mid_frame(void) {
    listener L;
    peer *p;
    uint8_t f[512];
    char t[400];
    size_t n, cut;
    case_begin("1a RST in the middle of a frame (Axiom, ws://)");
    CHECK_EQ(lst_open(&L, 0), 0);
    axiom_setup(&L, NULL, -1);
    CHECK_EQ(axws_axiom_connect(&A, axws_now_ms()), 0);
    p = serve_axiom(&L);
    if (p) {
        axiom_feed(p, 1, 6);
        /* number 7: its header and 10 bytes of its payload, then a reset */
        n = ws_frame(f, 0x81, t, seq_text(t, sizeof t, rooms[7 % 2], 7));
        cut = 2 + 10;
        peer_write_now(p, f, cut);
        /* the client has read the piece and parsed the header: it waits for the rest */
        CHECK_UNTIL(2000, A.ws.in_frame && A.ws.fr_left == n - cut && unread(A.ws.fd) == 0);
        peer_drop(p, DROP_RST);
    }
    CHECK_UNTIL(2000, X.disconnected == 1);
    /* lost while receiving: the socket error of the reset */
    CHECK(X.errors >= 1 && X.kind[0] == AXWS_AXIOM_ERR_RECEIVE && X.code[0] == AXWS_EIO &&
          X.sys_errno[0] == ECONNRESET);
    CHECK(strstr(X.reason, "socket error") != NULL);
    /* it reconnects by itself, joins both rooms again, and number 7 comes whole */
    p = serve_axiom(&L);
    if (p) {
        axiom_feed(p, 7, 9);
        /* number 10, padded past 125 bytes (a 16-bit length), cut inside that length */
        n = (size_t)snprintf(t, sizeof t, "{\"room\":\"%s\",\"content\":10,\"pad\":\"%0200d\"}", rooms[0], 0);
        n = ws_frame(f, 0x81, t, n);
        peer_write_now(p, f, 3);
        CHECK_UNTIL(2000, A.ws.hdr_have == 3 && unread(A.ws.fd) == 0);
        peer_drop(p, DROP_RST);
    }
    CHECK_UNTIL(2000, X.disconnected == 2);
    CHECK(X.errors >= 2 && X.kind[1] == AXWS_AXIOM_ERR_RECEIVE && X.code[1] == AXWS_EIO &&
          X.sys_errno[1] == ECONNRESET);
    /* nothing of the cut header lingers into the third connection */
    p = serve_axiom(&L);
    if (p) axiom_feed(p, 10, 12);
    CHECK(seq_exact(X.seq, X.nseq, 12));
    CHECK_EQ(X.bad, 0);
    CHECK_EQ(X.connected, 3);
    CHECK_EQ(X.disconnected, 2);
    CHECK_EQ(X.errors, 2);
    axiom_stop();
    lst_close(&L);
    case_end();
}

static void case_rst_mid_record(void) {
    listener L;
    peer *p;
    uint8_t f[128];
    char t[96];
    size_t n, rec = 0, cut = 0;
    case_begin("1b RST in the middle of a TLS record (wss://)");
    CHECK_EQ(lst_open(&L, 0), 0);
    conn_setup(0, 0);
    CHECK_EQ(axws_connect(&C, url_for(&L, "wss"), axws_now_ms()), 0);
    p = serve_upgrade(&L, 1);
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_OPEN);
    if (p) {
        int s;
        for (s = 1; s <= 3; s++) send_seq(p, "plain", s);
        CHECK_UNTIL(2000, R.nseq == 3 && p->out_len == 0 && peer_tls_idle(p));
        p->heartbeat = 0;
        n = ws_frame(f, 0x81, t, seq_text(t, sizeof t, "plain", 4));
        rec = peer_tls_partial(p, f, n, &cut);
        /* the client's engine holds half the record and waits for the rest */
        CHECK_UNTIL(2000, rec && C.tls_cc.eng.ixc == rec - cut && unread(C.fd) == 0);
        peer_drop(p, DROP_RST);
    }
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_CLOSED);
    CHECK_EQ(axws_error(&C), AXWS_EIO); /* a transport failure, not a TLS one */
    CHECK_EQ(axws_sys_errno(&C), ECONNRESET);
    CHECK_EQ(axws_tls_error(&C), 0);
    CHECK_EQ(R.close_code, AXWS_CLOSE_ABNORMAL);
    CHECK(seq_exact(R.seq, R.nseq, 3)); /* number 4 was never whole: not delivered */
    peer_free_all();
    conn_recover(&L, 1, 4, 6);
    /* the documented resumption: a reconnect to the same server resumes its session
       (this also shows the server's cache works, which case 6 relies on) */
    CHECK_EQ(axws_tls_resumed(&C), 1);
    CHECK_EQ(R.opens, 2);
    lst_close(&L);
    case_end();
}

static void case_rst_mid_upgrade(void) {
    listener L;
    peer *p, *q;
    char ans[256];
    size_t n, cut;
    case_begin("1c RST in the middle of the upgrade answer (Axiom)");
    CHECK_EQ(lst_open(&L, 0), 0);
    axiom_setup(&L, NULL, -1);
    CHECK_EQ(axws_axiom_connect(&A, axws_now_ms()), 0);
    p = accept_peer(&L, 0);
    if (p) {
        CHECK_UNTIL(2000, peer_request(p));
        peer_consume(p, p->req_len);
        n = upgrade_answer(p, ans, sizeof ans);
        cut = n / 2; /* inside a header line */
        peer_write_now(p, ans, cut);
        CHECK_UNTIL(2000, A.ws.hs_len == cut && unread(A.ws.fd) == 0);
        peer_drop(p, DROP_RST);
    }
    CHECK_UNTIL(2000, X.errors >= 1);
    /* never up: a connection error (not "receive"), and no disconnect callback */
    CHECK(X.kind[0] == AXWS_AXIOM_ERR_CONNECTION && X.code[0] == AXWS_EIO && X.sys_errno[0] == ECONNRESET);
    CHECK_EQ(X.connected, 0);
    CHECK_EQ(X.disconnected, 0);
    q = serve_axiom(&L); /* the retry, with both rooms */
    if (q) axiom_feed(q, 1, 4);
    CHECK(seq_exact(X.seq, X.nseq, 4));
    CHECK_EQ(X.bad, 0);
    CHECK_EQ(X.connected, 1);
    CHECK_EQ(X.errors, 1);
    axiom_stop();
    lst_close(&L);
    case_end();
}

static void case_half_open(void) {
    listener L;
    peer *p, *q;
    case_begin("2  half-open peer: silent, no FIN (Axiom, dead-peer 150 ms)");
    CHECK_EQ(lst_open(&L, 0), 0);
    axiom_setup(&L, NULL, 50);
    CHECK_EQ(axws_axiom_connect(&A, axws_now_ms()), 0);
    p = serve_axiom(&L);
    if (p) {
        axiom_feed(p, 1, 5);
        p->silent = 1; /* from now on it neither reads nor writes, and keeps TCP open */
    }
    CHECK_UNTIL(3000, X.disconnected == 1);
    CHECK(X.errors >= 1 && X.kind[0] == AXWS_AXIOM_ERR_CONNECTION && X.code[0] == AXWS_EDEADPEER);
    CHECK(strstr(X.reason, "dead-peer") != NULL);
    q = serve_axiom(&L);
    if (q) axiom_feed(q, 6, 10);
    CHECK(seq_exact(X.seq, X.nseq, 10));
    CHECK_EQ(X.bad, 0);
    CHECK_EQ(X.connected, 2);
    CHECK_EQ(X.errors, 1);
    if (p && CHECK(p->fd >= 0)) {
        /* what the silent peer would have read: the client failed the connection with a
           close frame, 1001 (RFC 6455 7.1.7, going away); it did not just vanish */
        p->silent = 0;
        CHECK_UNTIL(2000, p->close_code != 0 || p->eof || p->fd < 0);
        CHECK_EQ(p->close_code, AXWS_CLOSE_GOING_AWAY);
    }
    axiom_stop();
    lst_close(&L);
    case_end();
}

/* A program that sends whenever it can, against a server that never reads: it must end
   with an error after the dead-peer time, and while nothing can be written its loop must
   sleep in poll (few steps), not spin. `chatty`: the server goes on sending all the while
   (a small frame every 20 ms), which keeps the silence timer fed: the library must still
   see that none of its output is taken. */
static void case_never_reads_mode(int chatty) {
    listener L;
    peer *p;
    static uint8_t chunk[4096];
    long sent = 0, blocked = 0, steps = 0;
    int64_t end;
    case_begin(chatty ? "3b server never reads but keeps sending: the client's output fills up"
                      : "3  server never reads: the client's output fills up");
    CHECK_EQ(lst_open(&L, 4096), 0); /* a small receive window ... */
    conn_setup(50, 150);
    {
        /* ... and a small send buffer (the program's own socket, axws_connect_fd): the
           kernel would otherwise take megabytes before the pipe is full */
        struct sockaddr_in sa;
        int fd = socket(AF_INET, SOCK_STREAM, 0), sndbuf = 4096;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = htons((uint16_t)L.port);
        CHECK(fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) == 0);
        CHECK(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
        CHECK_EQ(axws_connect_fd(&C, url_for(&L, "ws"), fd, axws_now_ms()), 0);
    }
    p = serve_upgrade(&L, 0);
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_OPEN && p && p->out_len == 0);
    if (p) p->silent = 1; /* the 101 went out; nothing is read or written from now on */
    end = axws_now_ms() + 3000;
    while (axws_conn_state(&C) != AXWS_STATE_CLOSED && axws_now_ms() < end) {
        struct pollfd pf[1];
        int n, w, r;
        if (chatty && p) { /* a text frame every 20 ms, written by hand: the peer stays silent otherwise */
            static int64_t next;
            static int k;
            if (axws_now_ms() >= next) {
                uint8_t fr[64];
                char t[48];
                size_t fl = ws_frame(fr, 0x81, t, seq_text(t, sizeof t, "chatter", ++k));
                (void)!send(p->fd, fr, fl, MSG_DONTWAIT);
                next = axws_now_ms() + 20;
            }
        }
        while ((r = axws_send_binary(&C, chunk, sizeof chunk)) == AXWS_OK) sent += (long)sizeof chunk;
        if (r == AXWS_EWOULDBLOCK) blocked++;
        n = axws_pollfds(&C, pf, 1);
        w = axws_timeout_ms(&C, axws_now_ms());
        if (w < 0 || w > 1000) w = 1000;
        if (chatty && w > 20) w = 20; /* the server's next frame */
        poll(pf, (nfds_t)n, w); /* only the client: it alone decides how long to sleep */
        drv_step(pf, n);
        steps++;
    }
    CHECK_EQ(axws_conn_state(&C), AXWS_STATE_CLOSED);
    CHECK_EQ(axws_error(&C), AXWS_EDEADPEER);
    CHECK(sent > 0 && blocked > 0); /* it did fill up */
    /* about 350 ms with a full pipe (150 ms to the dead peer, then the close frame that
       cannot be written waits out the 200 ms close timeout): a few timer wake-ups, the
       keepalive's every 50 ms. A loop that spun would make thousands of steps. */
    CHECK(steps < (chatty ? 200 : 50)); /* chatty: a wake-up per server frame as well */
    if (chatty) CHECK(R.chatter > 3); /* it talked, and was heard, all along */
    CHECK(guard_intact());
    printf("    %ld KiB queued before the pipe was full, then %ld steps until the end\n", sent / 1024, steps);
    peer_free_all();
    conn_recover(&L, 0, 1, 3);
    lst_close(&L);
    case_end();
}

/* 65536 bytes of text in one frame (8-byte length), mixing 1- to 4-byte UTF-8 characters,
   written one byte at a time, each read and parsed by the client before the next is
   written: the frame header, its length and every character are split at every byte.
   The bytes go through a UNIX socket pair handed to axws_connect_fd(), the same socket
   driver as TCP: a byte written there is in the reader's queue when send() returns, so
   the next step reads it without a poll, while loopback TCP may defer delivery to a
   kernel thread, which on a busy machine makes 65,546 round trips take many seconds. */
static uint8_t big[65536];
static uint8_t big_frame[65536 + 16];

static peer *peer_adopt(int fd) {
    int i;
    for (i = 0; i < MAX_PEERS; i++)
        if (peers[i].fd < 0) {
            peer *p = &peers[i];
            memset(p, 0, offsetof(peer, in));
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            p->fd = fd;
            p->in_len = p->out_len = p->req_len = 0;
            p->last_send = axws_now_ms();
            return p;
        }
    close(fd);
    return NULL;
}

static void case_drip_message(void) {
    listener L;
    peer *p;
    int sv[2] = { -1, -1 };
    size_t n, i = 0, k = 0;
    long early = 0, lagging = 0;
    static const char *const pieces[] = { "a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "z0" };
    case_begin("4  a 64 KiB message dripped one byte per read");
    while (k < sizeof big) {
        const char *s = pieces[(k / 7) % 5];
        size_t l = strlen(s);
        if (l > sizeof big - k) { /* the last bytes: whole characters only */
            s = "a";
            l = 1;
        }
        memcpy(big + k, s, l);
        k += l;
    }
    n = ws_frame(big_frame, 0x81, big, sizeof big);
    CHECK_EQ(lst_open(&L, 0), 0);
    conn_setup(0, 0);
    R.expect = big;
    R.expect_len = sizeof big;
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_EQ(axws_connect_fd(&C, "ws://localhost/", sv[0], axws_now_ms()), 0);
    p = peer_adopt(sv[1]);
    CHECK_UNTIL(2000, p && peer_request(p));
    if (p && until_ok) {
        char ans[256];
        peer_consume(p, p->req_len);
        peer_queue(p, ans, upgrade_answer(p, ans, sizeof ans));
        p->ws = 1;
    }
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_OPEN && p && p->out_len == 0);
    if (p && axws_conn_state(&C) == AXWS_STATE_OPEN) {
        p->silent = 1; /* this loop writes by hand */
        for (i = 0; i < n && axws_conn_state(&C) == AXWS_STATE_OPEN; i++) {
            if (send(p->fd, big_frame + i, 1, MSG_NOSIGNAL) != 1) break;
            drv_step(NULL, 0); /* no poll results: the step tries to read */
            if (i + 1 < n) {
                /* the step took exactly this byte: the header gathers byte by byte, then
                   the payload (n - sizeof big header bytes) */
                uint64_t took = C.in_frame ? (n - sizeof big) + C.msg_len : C.hdr_have;
                if (took != i + 1) lagging++;
                if (R.big_ok || R.big_bad) early++;
            }
        }
        p->silent = 0;
    }
    CHECK_EQ(i, n);
    CHECK_EQ(lagging, 0);
    CHECK_EQ(early, 0);    /* nothing delivered before the last byte */
    CHECK_EQ(R.big_ok, 1); /* then the message, whole and intact, once */
    CHECK_EQ(R.big_bad, 0);
    CHECK_EQ(R.bad, 0);
    CHECK_EQ(axws_error(&C), 0);
    CHECK_EQ(axws_close(&C, 1000, NULL, axws_now_ms()), 0);
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_CLOSED);
    CHECK_EQ(axws_error(&C), 0);
    R.expect = NULL;
    peer_free_all();
    conn_recover(&L, 0, 1, 2); /* and the same object over TCP again */
    lst_close(&L);
    case_end();
}

static void case_drip_handshake(void) {
    listener L;
    peer *p;
    char ans[256];
    size_t n, i = 0;
    int64_t start;
    case_begin("5  upgrade answer dripped slower than the handshake timeout");
    CHECK_EQ(lst_open(&L, 0), 0);
    conn_setup(0, 0); /* handshake timeout 200 ms */
    start = axws_now_ms();
    CHECK_EQ(axws_connect(&C, url_for(&L, "ws"), start), 0);
    p = accept_peer(&L, 0);
    CHECK_UNTIL(2000, p && peer_request(p));
    if (p && until_ok) {
        peer_consume(p, p->req_len);
        n = upgrade_answer(p, ans, sizeof ans);
        p->silent = 1;
        /* one byte every 25 ms: the whole answer would take over 3 s */
        for (i = 0; i < n && axws_conn_state(&C) != AXWS_STATE_CLOSED; i++) {
            if (send(p->fd, ans + i, 1, MSG_NOSIGNAL) != 1) break;
            UNTIL(25, axws_conn_state(&C) == AXWS_STATE_CLOSED);
        }
        CHECK(i < n); /* it gave up before the answer was complete */
    }
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_CLOSED);
    CHECK_EQ(axws_error(&C), AXWS_ETIMEDOUT);
    CHECK_EQ(R.opens, 0);
    CHECK(axws_now_ms() - start < 2000); /* the deadline is not pushed back by each byte */
    peer_free_all();
    conn_recover(&L, 0, 1, 2);
    lst_close(&L);
    case_end();
}

static void case_tls_alert(void) {
    listener L;
    peer *p;
    case_begin("6  fatal TLS alert mid-stream (wss://)");
    CHECK_EQ(lst_open(&L, 0), 0);
    conn_setup(0, 0);
    CHECK_EQ(axws_connect(&C, url_for(&L, "wss"), axws_now_ms()), 0);
    p = serve_upgrade(&L, 1);
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_OPEN);
    if (p) {
        int s;
        for (s = 1; s <= 3; s++) send_seq(p, "plain", s);
        p->heartbeat = 0;
        CHECK_UNTIL(2000, R.nseq == 3 && p->out_len == 0 && peer_tls_idle(p));
        peer_tls_alert(p, 10); /* unexpected_message */
    }
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_CLOSED);
    CHECK_EQ(axws_error(&C), AXWS_ETLS);
    CHECK_EQ(axws_tls_error(&C), BR_ERR_RECV_FATAL_ALERT + 10);
    CHECK(strstr(axws_tls_strerror(axws_tls_error(&C)), "unexpected_message") != NULL);
    CHECK_EQ(R.close_code, AXWS_CLOSE_ABNORMAL);
    CHECK(seq_exact(R.seq, R.nseq, 3));
    peer_free_all();
    conn_recover(&L, 1, 4, 6);
    /* RFC 5246 7.2.2: a session ended by a fatal alert must not be resumed (the same
       server does resume after a reset: case 1b) */
    CHECK_EQ(axws_tls_resumed(&C), 0);
    lst_close(&L);
    case_end();
}

static void case_tls_truncation(void) {
    listener L;
    peer *p;
    uint8_t f[128];
    char t[96];
    size_t n, rec = 0, cut = 0;
    int s;
    case_begin("7  TCP FIN without TLS close_notify (wss://)");
    CHECK_EQ(lst_open(&L, 0), 0);
    conn_setup(0, 0);
    /* between records */
    CHECK_EQ(axws_connect(&C, url_for(&L, "wss"), axws_now_ms()), 0);
    p = serve_upgrade(&L, 1);
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_OPEN);
    if (p) {
        for (s = 1; s <= 3; s++) send_seq(p, "plain", s);
        p->heartbeat = 0;
        CHECK_UNTIL(2000, R.nseq == 3 && p->out_len == 0 && peer_tls_idle(p));
        peer_drop(p, DROP_FIN);
    }
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_CLOSED);
    /* a truncated stream is an error with 1006, never a clean close */
    CHECK_EQ(axws_error(&C), AXWS_ECLOSED);
    CHECK_EQ(R.error, AXWS_ECLOSED);
    CHECK_EQ(R.close_code, AXWS_CLOSE_ABNORMAL);
    CHECK_EQ(axws_close_code(&C), AXWS_CLOSE_ABNORMAL);
    peer_free_all();
    /* inside a record: half of the record of number 6, then FIN */
    CHECK_EQ(axws_connect(&C, url_for(&L, "wss"), axws_now_ms()), 0);
    p = serve_upgrade(&L, 1);
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_OPEN);
    if (p) {
        for (s = 4; s <= 5; s++) send_seq(p, "plain", s);
        p->heartbeat = 0;
        CHECK_UNTIL(2000, R.nseq == 5 && p->out_len == 0 && peer_tls_idle(p));
        n = ws_frame(f, 0x81, t, seq_text(t, sizeof t, "plain", 6));
        rec = peer_tls_partial(p, f, n, &cut);
        CHECK_UNTIL(2000, rec && C.tls_cc.eng.ixc == rec - cut && unread(C.fd) == 0);
        peer_drop(p, DROP_FIN);
    }
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_CLOSED);
    CHECK_EQ(axws_error(&C), AXWS_ECLOSED);
    CHECK_EQ(R.close_code, AXWS_CLOSE_ABNORMAL);
    CHECK(seq_exact(R.seq, R.nseq, 5)); /* half a record is never delivered */
    CHECK_EQ(R.errors, 2);
    peer_free_all();
    conn_recover(&L, 1, 6, 8);
    lst_close(&L);
    case_end();
}

static void case_many_headers(void) {
    listener L;
    peer *p;
    static char head[1 << 17];
    size_t n = 0;
    int i;
    case_begin("8  10,000 header lines in the upgrade answer");
    CHECK_EQ(lst_open(&L, 0), 0);
    conn_setup(0, 0);
    CHECK_EQ(axws_connect(&C, url_for(&L, "ws"), axws_now_ms()), 0);
    p = accept_peer(&L, 0);
    CHECK_UNTIL(2000, p && peer_request(p));
    if (p && until_ok) {
        static const char status[] = "HTTP/1.1 101 Switching Protocols\r\n";
        char ans[256];
        size_t a, sl = sizeof status - 1;
        peer_consume(p, p->req_len);
        a = upgrade_answer(p, ans, sizeof ans); /* a valid 101, with 10,000 lines inside */
        CHECK(memcmp(ans, status, sl) == 0);
        memcpy(head, status, sl);
        n = sl;
        for (i = 0; i < 10000; i++) n += (size_t)snprintf(head + n, sizeof head - n, "X-%d: v\r\n", i);
        memcpy(head + n, ans + sl, a - sl); /* its own header lines and the blank line */
        n += a - sl;
        peer_queue(p, head, n);
    }
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_CLOSED);
    CHECK_EQ(axws_error(&C), AXWS_ETOOBIG); /* above max_handshake (default 8192) */
    CHECK(C.hs_len <= 8192);                /* it never gathered more than that */
    CHECK(guard_intact());                  /* nor wrote past tx_buf */
    CHECK_EQ(R.opens, 0);
    CHECK_EQ(axws_http_status(&C), 0);      /* the head was never taken as a response */
    peer_free_all();
    conn_recover(&L, 0, 1, 2);
    lst_close(&L);
    case_end();
}

static void case_redirect(void) {
    listener L, elsewhere;
    peer *p;
    char ans[256], want[64];
    const char *loc, *reason;
    size_t n = 0, rn = 0;
    case_begin("9  301 to the upgrade: Location reported, not followed");
    CHECK_EQ(lst_open(&L, 0), 0);
    CHECK_EQ(lst_open(&elsewhere, 0), 0);
    snprintf(want, sizeof want, "ws://127.0.0.1:%d/moved", elsewhere.port);
    conn_setup(0, 0);
    CHECK_EQ(axws_connect(&C, url_for(&L, "ws"), axws_now_ms()), 0);
    p = accept_peer(&L, 0);
    CHECK_UNTIL(2000, p && peer_request(p));
    if (p && until_ok) {
        peer_consume(p, p->req_len);
        peer_queue(p, ans,
                   (size_t)snprintf(ans, sizeof ans,
                                    "HTTP/1.1 301 Moved Permanently\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n", want));
    }
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_CLOSED);
    CHECK_EQ(axws_error(&C), AXWS_EHTTP);
    CHECK_EQ(axws_http_status(&C), 301);
    loc = axws_location(&C, &n);
    CHECK(loc != NULL && n == strlen(want) && memcmp(loc, want, n) == 0);
    reason = axws_http_reason(&C, &rn);
    CHECK(reason != NULL && rn == 17 && memcmp(reason, "Moved Permanently", 17) == 0);
    loc = axws_header(&C, "LOCATION", 0, &n); /* the same through the header getter */
    CHECK(loc != NULL && n == strlen(want) && memcmp(loc, want, n) == 0);
    /* not followed: nothing connects to the Location, the connection stays closed */
    UNTIL(20, 0);
    {
        int fd = accept(elsewhere.fd, NULL, NULL);
        CHECK(fd < 0);
        if (fd >= 0) close(fd);
    }
    CHECK_EQ(axws_conn_state(&C), AXWS_STATE_CLOSED);
    CHECK_EQ(R.opens, 0);
    peer_free_all();
    conn_recover(&L, 0, 1, 2);
    CHECK(axws_location(&C, &n) == NULL && n == 0); /* a new connection forgets the old answer */
    lst_close(&elsewhere);
    lst_close(&L);
    case_end();
}

/* cfg.read_batch: once open, the socket wakes poll only for 64 KiB (SO_RCVLOWAT), and the
   driver reads on its own every read_batch_ms: a lone 40-byte message, which poll never
   reports, still arrives; a burst arrives whole and in order. */
static void case_read_batch(int tls) {
    listener L;
    peer *p;
    struct pollfd pf;
    int s, lowat = 0;
    socklen_t len = sizeof lowat;
    case_begin(tls ? "11b read batching: a lone message and a burst (wss://)"
                   : "11a read batching: a lone message and a burst (ws://, Axiom)");
    CHECK_EQ(lst_open(&L, 0), 0);
    conn_read_batch = 65536;
    conn_setup(0, 0);
    conn_read_batch = 0;
    CHECK_EQ(axws_connect(&C, url_for(&L, tls ? "wss" : "ws"), axws_now_ms()), 0);
    p = serve_upgrade(&L, tls);
    CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_OPEN);
    if (p && until_ok) {
        UNTIL(30, 0); /* steps on the open connection: the low-water mark is set */
        CHECK_EQ(axws_pollfds(&C, &pf, 1), 1);
        CHECK_EQ(getsockopt(pf.fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, &len), 0);
        CHECK_EQ(lowat, 65536);
        CHECK(axws_timeout_ms(&C, axws_now_ms()) <= 20); /* the next read is due by then */
        send_seq(p, "plain", 1);
        CHECK_UNTIL(200, R.nseq == 1);
        for (s = 2; s <= 200; s++) send_seq(p, "plain", s);
        CHECK_UNTIL(2000, R.nseq == 200);
        CHECK(seq_exact(R.seq, R.nseq, 200));
        CHECK_EQ(axws_close(&C, 1000, NULL, axws_now_ms()), 0);
        CHECK_UNTIL(2000, axws_conn_state(&C) == AXWS_STATE_CLOSED);
        CHECK_EQ(axws_error(&C), 0);
        CHECK_EQ(axws_close_code(&C), 1000);
    }
    CHECK_EQ(R.bad, 0);
    peer_free_all();
    if (!tls) { /* the Axiom client passes it to its stream */
        axiom_read_batch = 65536;
        axiom_setup(&L, NULL, -1);
        axiom_read_batch = 0;
        CHECK_EQ(axws_axiom_connect(&A, axws_now_ms()), 0);
        p = serve_axiom(&L);
        if (p) {
            axiom_feed(p, 1, 6);
            lowat = 0;
            len = sizeof lowat;
            CHECK_EQ(getsockopt(A.ws.fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, &len), 0);
            CHECK_EQ(lowat, 65536);
        }
        axiom_stop();
    }
    lst_close(&L);
    case_end();
}

/* The next refresh request, read whole (its cookie checked), or NULL. */
static peer *refresh_request(listener *api) {
    peer *h = accept_peer(api, 0);
    if (!h) return NULL;
    CHECK_UNTIL(2000, peer_request(h));
    CHECK(memcmp(h->in, "POST /refresh-access-token HTTP/1.1\r\n", 37) == 0);
    CHECK(strstr((const char *)h->in, "auth-refresh-token=refresh-token-of-the-fault-matrix") != NULL);
    peer_consume(h, h->req_len);
    return h;
}

/* The stream is still the first connection, and carries on. */
static void stream_untouched(peer *p, int from, int to) {
    CHECK(axws_axiom_is_connected(&A));
    CHECK_EQ(X.connected, 1);
    CHECK_EQ(X.disconnected, 0);
    if (p) axiom_feed(p, from, to);
}

static void case_refresh_faults(void) {
    listener S, api;
    peer *p, *h;
    static const char fresh[] = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ5MDB9.bmV3"; /* exp 4102444900 */
    static const char noise[] = "\x7f\x00\xff garbage \x01\x02 not HTTP at all";
    char ans[256];
    case_begin("10 refresh endpoint: hangs, 500, garbage, then works (Axiom)");
    CHECK_EQ(lst_open(&S, 0), 0);
    CHECK_EQ(lst_open(&api, 0), 0);
    axiom_setup(&S, &api, -1);
    CHECK_EQ(axws_axiom_connect(&A, axws_now_ms()), 0);
    p = serve_axiom(&S);
    if (p) axiom_feed(p, 1, 2);
    CHECK_EQ(axws_axiom_refresh_token(&A, axws_now_ms()), 0);

    /* it hangs: the request is read, nothing ever answers */
    h = refresh_request(&api);
    if (h) h->silent = 1;
    stream_untouched(p, 3, 4); /* messages flow while the refresh hangs */
    CHECK_UNTIL(2000, X.errors >= 1);
    CHECK(X.kind[0] == AXWS_AXIOM_ERR_AUTH && X.code[0] == AXWS_ETIMEDOUT);
    CHECK(strstr(X.text[0], "token refresh failed") != NULL);
    CHECK(strcmp(A.access, access_token) == 0 && strcmp(A.refresh, refresh_token) == 0); /* kept */
    peer_free_all_but(p);

    /* the retry comes by itself (backoff) and gets 500 */
    h = refresh_request(&api);
    if (h) {
        static const char e500[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n";
        peer_queue(h, e500, sizeof e500 - 1);
    }
    CHECK_UNTIL(2000, X.errors >= 2);
    CHECK(X.kind[1] == AXWS_AXIOM_ERR_AUTH && X.code[1] == AXWS_EAUTH && X.http_status[1] == 500);
    CHECK(strstr(X.text[1], "HTTP 500") != NULL);
    CHECK(strcmp(A.access, access_token) == 0 && strcmp(A.refresh, refresh_token) == 0);
    stream_untouched(p, 5, 6);
    peer_free_all_but(p);

    /* noise and FIN: no HTTP head at all */
    h = refresh_request(&api);
    if (h) {
        peer_queue(h, noise, sizeof noise - 1);
        peer_plain_io(h);
        peer_drop(h, DROP_FIN);
    }
    CHECK_UNTIL(2000, X.errors >= 3);
    CHECK(X.kind[2] == AXWS_AXIOM_ERR_AUTH && X.code[2] == AXWS_ECLOSED); /* ended before a head */
    CHECK(strcmp(A.access, access_token) == 0 && strcmp(A.refresh, refresh_token) == 0);
    peer_free_all_but(p);

    /* a malformed head that carries a plausible new token: it must not be taken */
    h = refresh_request(&api);
    if (h) {
        int k = snprintf(ans, sizeof ans,
                         "HTTP/1.1 200 OK\r\nSet-Cookie: auth-access-token=%s; Path=/\r\n"
                         "Set-Cookie: auth-refresh-token=stolen; Path=/\r\nthis line is not a header\r\n\r\n",
                         fresh);
        peer_queue(h, ans, (size_t)k);
    }
    CHECK_UNTIL(2000, X.errors >= 4);
    CHECK(X.kind[3] == AXWS_AXIOM_ERR_AUTH && X.code[3] == AXWS_EHANDSHAKE);
    CHECK(strcmp(A.access, access_token) == 0 && strcmp(A.refresh, refresh_token) == 0);
    CHECK_EQ(X.tokens, 0);
    stream_untouched(p, 7, 8);
    peer_free_all_but(p);

    /* a 200 whose access cookie is garbage (a space is no cookie-octet, RFC 6265 4.1.1):
       the refresh failed (PROTOCOL.md 3), so the refresh cookie beside it is not taken
       either */
    h = refresh_request(&api);
    if (h) {
        static const char junk[] = "HTTP/1.1 200 OK\r\nSet-Cookie: auth-refresh-token=stolen; Path=/\r\n"
                                   "Set-Cookie: auth-access-token=not a token; Path=/\r\nContent-Length: 0\r\n\r\n";
        peer_queue(h, junk, sizeof junk - 1);
    }
    CHECK_UNTIL(2000, X.errors >= 5);
    CHECK(X.kind[4] == AXWS_AXIOM_ERR_AUTH && X.code[4] == AXWS_EAUTH && X.http_status[4] == 200);
    CHECK(strstr(X.text[4], "without a new access token") != NULL);
    CHECK(strcmp(A.access, access_token) == 0);
    CHECK(strcmp(A.refresh, refresh_token) == 0);
    CHECK_EQ(X.tokens, 0);
    peer_free_all_but(p);

    /* and the next retry works: the new tokens are taken (a rotated refresh token too,
       even when its cookie comes first), the stream never noticed */
    h = refresh_request(&api);
    if (h) {
        int k = snprintf(ans, sizeof ans,
                         "HTTP/1.1 200 OK\r\nSet-Cookie: auth-refresh-token=rotated; Path=/; HttpOnly\r\n"
                         "Set-Cookie: auth-access-token=%s; Path=/; HttpOnly\r\nContent-Length: 2\r\n\r\n{}",
                         fresh);
        peer_queue(h, ans, (size_t)k);
    }
    CHECK_UNTIL(2000, X.tokens == 1);
    CHECK(strcmp(X.access, fresh) == 0 && strcmp(A.access, fresh) == 0);
    CHECK(strcmp(A.refresh, "rotated") == 0);
    CHECK_EQ(axws_axiom_token_expiry(&A), 4102444900LL);
    stream_untouched(p, 9, 10);
    CHECK(seq_exact(X.seq, X.nseq, 10));
    CHECK_EQ(X.bad, 0);
    CHECK_EQ(X.errors, 5);
    axiom_stop();
    lst_close(&api);
    lst_close(&S);
    case_end();
}

/* ------------------------------------------------------------------ setup */

static void der_append(void *ctx, const void *data, size_t n) {
    size_t *len = (size_t *)ctx; /* len[0] = used, len[1] = capacity, then the buffer */
    unsigned char *buf = (unsigned char *)(len + 2);
    if (len[0] + n <= len[1]) memcpy(buf + len[0], data, n);
    len[0] += n;
}
static void der_discard(void *ctx, const void *data, size_t n) { (void)ctx; (void)data; (void)n; }

/* The DER of the first PEM object whose name contains `want`, into out; its length or 0. */
static size_t pem_first(const char *path, const char *want, unsigned char *out, size_t cap) {
    static size_t acc[2 + 8192 / sizeof(size_t)];
    br_pem_decoder_context pc;
    size_t len, got = 0;
    char *pem = axt_read_file(path, &len);
    const char *q = pem;
    int in = 0;
    if (!pem) return 0;
    br_pem_decoder_init(&pc);
    while (len > 0 && !got) {
        size_t k = br_pem_decoder_push(&pc, q, len);
        q += k;
        len -= k;
        switch (br_pem_decoder_event(&pc)) {
        case BR_PEM_BEGIN_OBJ:
            in = strstr(br_pem_decoder_name(&pc), want) != NULL;
            acc[0] = 0;
            acc[1] = sizeof acc - 2 * sizeof(size_t);
            br_pem_decoder_setdest(&pc, in ? der_append : der_discard, acc);
            break;
        case BR_PEM_END_OBJ:
            if (in && acc[0] <= acc[1] && acc[0] <= cap) {
                memcpy(out, acc + 2, acc[0]);
                got = acc[0];
            }
            break;
        case BR_PEM_ERROR:
            len = 0;
            break;
        default:
            break;
        }
    }
    free(pem);
    return got;
}

static axws_tls_anchors anchors;
static unsigned char anchor_buf[8192];
static char tmpdir[64];

static int tls_setup(void) {
    char cmd[256], path[128];
    static unsigned char key_der[4096];
    size_t n;
    snprintf(cmd, sizeof cmd, "tests/peers/mkcerts.sh '%s' >/dev/null 2>&1", tmpdir);
    if (system(cmd) != 0) return 0;
    snprintf(path, sizeof path, "%s/ca.pem", tmpdir);
    if (axws_tls_anchors_file(&anchors, anchor_buf, sizeof anchor_buf, path) <= 0) return 0;
    tas = anchors.anchors;
    ta_count = anchors.count;
    snprintf(path, sizeof path, "%s/server.pem", tmpdir);
    n = pem_first(path, "CERTIFICATE", srv_cert_der, sizeof srv_cert_der);
    if (!n) return 0;
    srv_chain[0].data = srv_cert_der;
    srv_chain[0].data_len = n;
    snprintf(path, sizeof path, "%s/server.key", tmpdir);
    n = pem_first(path, "PRIVATE KEY", key_der, sizeof key_der);
    if (!n) return 0;
    br_skey_decoder_init(&srv_skey);
    br_skey_decoder_push(&srv_skey, key_der, n);
    if (br_skey_decoder_last_error(&srv_skey) != 0 || br_skey_decoder_key_type(&srv_skey) != BR_KEYTYPE_EC) return 0;
    br_ssl_session_cache_lru_init(&srv_lru, srv_lru_store, sizeof srv_lru_store);
    return 1;
}

int main(void) {
    char tpl[] = "/tmp/axws-faults-XXXXXX", cmd[128];
    int i, tls;
    int64_t t0 = axws_now_ms();
    signal(SIGPIPE, SIG_IGN);
    for (i = 0; i < MAX_PEERS; i++) peers[i].fd = -1;
    if (!mkdtemp(tpl)) {
        printf("FAIL: no temporary directory\n0 passed, 1 failed\n");
        return 1;
    }
    snprintf(tmpdir, sizeof tmpdir, "%s", tpl);
    AXT_CASE("wss:// setup: a test CA and BearSSL's server engine");
    tls = CHECK(tls_setup());
    srv_tls_ready = tls;
    printf("-- the fault matrix\n");
    fflush(stdout);
    counter_start();
    {
        /* the counters themselves work: a case's zero would mean nothing otherwise */
        long m0 = mallocs;
        void *volatile x = malloc(16);
        free(x);
        AXT_CASE("the allocation and descriptor counters work");
#ifndef AXT_NO_MALLOC_COUNT
        CHECK(mallocs > m0);
#else
        (void)m0;
#endif
        CHECK(count_fds() >= 3);
    }

    case_rst_mid_frame();
    if (tls) case_rst_mid_record();
    case_rst_mid_upgrade();
    case_half_open();
    case_never_reads_mode(0);
    case_never_reads_mode(1);
    case_drip_message();
    case_drip_handshake();
    if (tls) case_tls_alert();
    if (tls) case_tls_truncation();
    case_many_headers();
    case_redirect();
    case_refresh_faults();
    case_read_batch(0);
    if (tls) case_read_batch(1);

    peer_free_all();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    printf("-- %lld ms in all\n", (long long)(axws_now_ms() - t0));
    return axt_report();
}
