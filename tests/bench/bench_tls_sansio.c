/* tests/bench/bench_tls_sansio.c - what the TLS glue costs per byte, with no sockets: the
   client on wss:// against ws:// plus BearSSL's bare record decryption, in one run.

   The library is built with AXWS_PORT_USER and this file is its network port: each client
   socket is a pair of byte queues in memory, and at their far end a BearSSL server engine
   (br_ssl_server_context with the ECDSA P-256 "localhost" certificate that
   tests/peers/gen_certs.sh makes at start) runs in the same thread. The server completes
   the handshake, reads the upgrade request and answers 101; then, for each batch, it
   encrypts the batch's WebSocket frames (45-byte text, 1 KiB or 16 KiB binary messages)
   into one buffer, and only then is the clock started and the client, in its normal step
   loop (axws_pollfds, axws_poll, axws_step), reads the whole batch through the port. The
   server's work is never timed. Per batch, client thread CPU (CLOCK_THREAD_CPUTIME_ID) of:
     ws      the same frames, unencrypted, through the same port and step loop
     wss     the client on the encrypted stream, in two layouts: "staged" = rx_buf (64 KiB)
             besides tls_buf, so reads land in rx_buf in big pieces and are copied into the
             engine (what tests/bench/bench_tls.c and most programs use); "direct" = tls_buf
             only, two reads per record straight into BearSSL's buffer
     raw     BearSSL's record decryption alone (br_sslrec_in_gcm / br_sslrec_in_chapol, with
             the AES-CTR + GHASH or ChaCha20 + Poly1305 implementations the client's engine
             picked) of records of exactly the sizes the server produced
   Each of these is a lane with its own connection and server; the lanes take turns batch
   by batch (the order rotating), so that a busy moment of this shared machine hits the
   numbers that are compared alike. Each line reports every lane's median, and the
   overhead = wss / (ws + raw) - 1 of each round (its four batches) as median [quartiles]:
   what the TLS layer costs beyond the two things it cannot avoid (target <= 15 %; the
   quartiles show the noise). Suites AES-128-GCM and ChaCha20-Poly1305 (forced by the
   server's suite list); the server fills 16 KiB records, or writes a record per message
   (as a server does that sends each message as it comes). Also: the handshake to OPEN,
   full versus resumed (BearSSL resumes by session ID), the client's and the server
   engine's time apart (they take turns in one thread; each call is timed on its own with
   CLOCK_MONOTONIC, because reading the thread CPU clock is a system call of 1-3 us here).
   The port's recv is a memcpy standing in for the kernel's copy, and system calls cost
   nothing: this is the library's CPU, not the network's, so the direct layout's two reads
   a record look cheaper here than they are. Client: whole-message mode (msg_buf 64 KiB),
   tls_buf of AXWS_TLS_BUF_FULL bytes. No link flags beyond the default.

   Usage: build/bench/bench_tls_sansio      (make bench; about 10 s, from the repository root)
   BENCH_QUICK=1 (or BENCH_TLS_SANSIO_QUICK=1) runs a small fixed amount for callgrind, the
   lanes one after another, collecting only the client's measured work: one dump per lane
   and line and one per handshake kind, each with an "instr" line saying what it holds
   (tests/bench/instr.h). `make bench-instr` runs it so (build/bench/instr/, a copy built
   without -march=native, through tests/bench/instr.sh) and prints instructions per message
   and per byte, and wss / (ws + raw decrypt) from those counts.
   callgrind_annotate (3.19) takes the inclusive cost of calls made while collection was
   off ("calls=0") for self cost, so rewrite them before reading a dump by function:
     sed 's/^calls=0 /calls=1 /' callgrind.out.N > part.out && callgrind_annotate part.out */
#define AXWS_PORT_USER
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "instr.h"

#define KIB 1024u
#define MIB (1024u * 1024u)

static void die(const char *what) {
    fprintf(stderr, "bench_tls_sansio: %s\n", what);
    exit(1);
}

static int64_t clock_ns(clockid_t which) {
    struct timespec ts;
    clock_gettime(which, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
/* a batch: the thread's own CPU, which a busy machine does not inflate by preempting it */
static int64_t cpu_ns(void) { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }
/* a handshake's many short pieces: a reading costs tens of ns, not microseconds */
static int64_t mono_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int64_t median(int64_t *v, int n) {
    qsort(v, (size_t)n, sizeof v[0], cmp_i64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* v sorted; q in [0, 1]: the value at that rank, interpolated. */
static double quantile(const double *v, int n, double q) {
    double at = q * (n - 1);
    int i = (int)at;
    return i + 1 < n ? v[i] + (at - i) * (v[i + 1] - v[i]) : v[n - 1];
}

static int quick; /* BENCH_QUICK: a small fixed amount, lanes one at a time, for callgrind */

/* ------------------------------------------------------------------ byte queues */

typedef struct queue {
    unsigned char *p;
    size_t cap, head, tail; /* bytes [head, tail) wait to be read */
} queue;

/* Append up to n bytes; returns how many fit. */
static size_t queue_put(queue *q, const void *data, size_t n) {
    if (q->cap - q->tail < n && q->head > 0) {
        memmove(q->p, q->p + q->head, q->tail - q->head);
        q->tail -= q->head;
        q->head = 0;
    }
    if (n > q->cap - q->tail) n = q->cap - q->tail;
    memcpy(q->p + q->tail, data, n);
    q->tail += n;
    return n;
}

static void queue_put_all(queue *q, const void *data, size_t n) {
    if (queue_put(q, data, n) != n) die("a queue overflowed (raise its size)");
}

static size_t queue_get(queue *q, void *out, size_t n) {
    size_t have = q->tail - q->head;
    if (n > have) n = have;
    memcpy(out, q->p + q->head, n);
    q->head += n;
    if (q->head == q->tail) q->head = q->tail = 0;
    return n;
}

/* ------------------------------------------------------------------ lanes */

/* Most message bytes in one batch; a batch of 45-byte messages with a record each takes
   76 bytes on the wire per message. */
#define BATCH_PAYLOAD_MAX (2 * MIB)
#define BATCH_CAP (2 * BATCH_PAYLOAD_MAX + 64 * KIB)

typedef struct server_end {
    int tls;
    int answered; /* the 101 went out */
    size_t req_len;
    char req[4096];
    br_ssl_server_context sc;
    unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
} server_end;

typedef struct tally {
    unsigned long msgs;
    size_t want_len;
    int bad; /* a message of the wrong size */
} tally;

/* One client connection, its wire and its server. */
typedef struct lane {
    const char *name;
    int tls, staged;
    int open;          /* the client's socket exists */
    queue up;          /* client -> server */
    queue hs;          /* server -> client during the handshake */
    queue batch;       /* server -> client: one prepared batch */
    queue *down;       /* what the client reads now: &hs or &batch */
    uint64_t delivered; /* bytes the client has read, all told: progress */
    server_end srv;
    axws_conn conn;
    tally got;
    unsigned char rx[64 * KIB], tx[16 * KIB], msg[64 * KIB], tls_buf[AXWS_TLS_BUF_FULL];
    unsigned char up_bytes[64 * KIB], hs_bytes[64 * KIB];
} lane;

enum { LANE_WS, LANE_STAGED, LANE_DIRECT, NLANES };
static lane lanes[NLANES];
static unsigned char batch_bytes[NLANES][BATCH_CAP];
#define FD_BASE 10 /* lane i's socket is FD_BASE + i */
static lane *connecting; /* the lane inside axws_connect: axws_port_open is for it */

static lane *lane_of(int fd) {
    if (fd < FD_BASE || fd >= FD_BASE + NLANES || !lanes[fd - FD_BASE].open) die("the library used a bad socket");
    return &lanes[fd - FD_BASE];
}

/* ------------------------------------------------------------------ the network port */

int axws_port_open(int family) {
    (void)family;
    if (!connecting || connecting->open) {
        errno = EMFILE;
        return -1;
    }
    connecting->open = 1;
    return FD_BASE + (int)(connecting - lanes);
}

int axws_port_connect(int fd, const axws_addr *a, int port) {
    (void)fd; (void)a; (void)port;
    return 0; /* connected at once */
}

int axws_port_connect_result(int fd) {
    (void)fd;
    return 0;
}

long axws_port_send(int fd, const void *p, size_t n) { return (long)queue_put(&lane_of(fd)->up, p, n); }

long axws_port_recv(int fd, void *p, size_t n) {
    lane *l = lane_of(fd);
    size_t k = queue_get(l->down, p, n);
    l->delivered += k;
    return (long)k;
}

void axws_port_close(int fd) { lane_of(fd)->open = 0; }

int axws_port_resolve(void *user, const char *host, int port, axws_addr *out, int max) {
    (void)user; (void)host; (void)port; (void)out; (void)max;
    return AXWS_ERESOLVE; /* the URLs are IP literals: never asked */
}

/* Readiness now; never waits (the in-memory servers act between steps). */
int axws_poll(struct pollfd *fds, int nfds, int timeout_ms) {
    int i, ready = 0;
    (void)timeout_ms;
    for (i = 0; i < nfds; i++) {
        lane *l = lane_of(fds[i].fd);
        short can = POLLOUT;
        if (l->down->head < l->down->tail) can |= POLLIN;
        fds[i].revents = (short)(fds[i].events & can);
        if (fds[i].revents) ready++;
    }
    return ready;
}

int64_t axws_now_ms(void) { return mono_ns() / 1000000; }

/* ------------------------------------------------------------------ the test PKI */

static char pki_dir[64] = "/tmp/axws-sansio-XXXXXX";

static void remove_pki(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", pki_dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_tls_sansio: could not remove %s\n", pki_dir);
}

static size_t read_file(const char *name, char *out, size_t cap) {
    char path[128];
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s/%s", pki_dir, name);
    f = fopen(path, "rb");
    if (!f) die("cannot open the test PKI");
    n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = 0;
    return n;
}

typedef struct der_sink {
    unsigned char *p;
    size_t len, cap;
} der_sink;

static void der_append(void *ctx, const void *data, size_t n) {
    der_sink *d = (der_sink *)ctx;
    if (n > d->cap - d->len) die("a PEM object is larger than its buffer");
    memcpy(d->p + d->len, data, n);
    d->len += n;
}

/* The first PEM object in pem[0..len) whose name contains `kind`, decoded into out;
   returns its length in bytes, 0 when there is none. */
static size_t pem_first(const char *pem, size_t len, const char *kind, unsigned char *out, size_t cap) {
    br_pem_decoder_context pc;
    der_sink sink;
    int inside = 0;
    sink.p = out;
    sink.len = 0;
    sink.cap = cap;
    br_pem_decoder_init(&pc);
    while (len > 0) {
        size_t k = br_pem_decoder_push(&pc, pem, len);
        pem += k;
        len -= k;
        switch (br_pem_decoder_event(&pc)) {
        case BR_PEM_BEGIN_OBJ:
            inside = strstr(br_pem_decoder_name(&pc), kind) != NULL;
            br_pem_decoder_setdest(&pc, inside ? der_append : NULL, &sink);
            break;
        case BR_PEM_END_OBJ:
            if (inside) return sink.len;
            break;
        case BR_PEM_ERROR:
            return 0;
        default:
            break;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ the server */

static unsigned char srv_cert_der[4096], srv_key_der[1024];
static br_x509_certificate srv_chain;
static br_skey_decoder_context srv_key; /* holds the decoded key the engines point into */
static br_ssl_session_cache_lru srv_cache; /* shared by the servers: one "server farm" */
static unsigned char srv_cache_store[100 * 64]; /* 100 bytes an entry */

static void server_load_pki(void) {
    static char pem[16384];
    size_t n = read_file("ec.pem", pem, sizeof pem);
    srv_chain.data = srv_cert_der;
    srv_chain.data_len = pem_first(pem, n, "CERTIFICATE", srv_cert_der, sizeof srv_cert_der);
    n = read_file("ec.key", pem, sizeof pem);
    n = pem_first(pem, n, "PRIVATE KEY", srv_key_der, sizeof srv_key_der);
    if (!srv_chain.data_len || !n) die("cannot decode ec.pem / ec.key");
    br_skey_decoder_init(&srv_key);
    br_skey_decoder_push(&srv_key, srv_key_der, n);
    if (!br_skey_decoder_get_ec(&srv_key)) die("ec.key is not an EC key");
    br_ssl_session_cache_lru_init(&srv_cache, srv_cache_store, sizeof srv_cache_store);
}

/* The lane's server engine with one cipher suite, which forces it on the client. */
static void server_configure(lane *l, uint16_t suite) {
    br_ssl_server_context *sc = &l->srv.sc;
    br_ssl_server_init_full_ec(sc, &srv_chain, 1, BR_KEYTYPE_EC, br_skey_decoder_get_ec(&srv_key));
    br_ssl_engine_set_versions(&sc->eng, BR_TLS12, BR_TLS12);
    br_ssl_engine_set_suites(&sc->eng, &suite, 1);
    /* full-duplex, full records: the server writes 16 KiB records unless it flushes early */
    br_ssl_engine_set_buffer(&sc->eng, l->srv.iobuf, sizeof l->srv.iobuf, 1);
    br_ssl_server_set_cache(sc, &srv_cache.vtable);
}

/* A new connection: empty queues, and (TLS) the engine waiting for a ClientHello. */
static void server_accept(lane *l) {
    l->srv.tls = l->tls;
    l->srv.answered = 0;
    l->srv.req_len = 0;
    l->srv.req[0] = 0;
    l->up.head = l->up.tail = 0;
    l->hs.head = l->hs.tail = 0;
    l->down = &l->hs;
    if (l->tls && !br_ssl_server_reset(&l->srv.sc)) die("br_ssl_server_reset failed");
}

/* The value of header `name` (any case) in the request head, or NULL. */
static const char *header_value(const char *head, const char *name, size_t *len) {
    size_t nl = strlen(name);
    const char *line = strstr(head, "\r\n");
    while (line && line[2] != '\r' && line[2] != 0) {
        const char *h = line + 2, *v, *e;
        size_t i = 0;
        while (i < nl && h[i] && tolower((unsigned char)h[i]) == tolower((unsigned char)name[i])) i++;
        if (i == nl && h[nl] == ':') {
            for (v = h + nl + 1; *v == ' ' || *v == '\t'; v++)
                ;
            e = strstr(v, "\r\n");
            if (!e) return NULL;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
            *len = (size_t)(e - v);
            return v;
        }
        line = strstr(h, "\r\n");
    }
    return NULL;
}

static size_t base64_encode(const unsigned char *in, size_t n, char *out) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, o = 0;
    for (i = 0; i < n; i += 3) {
        size_t left = n - i;
        uint32_t v = (uint32_t)in[i] << 16 | (left > 1 ? (uint32_t)in[i + 1] << 8 : 0) | (left > 2 ? in[i + 2] : 0);
        out[o++] = digits[v >> 18 & 63];
        out[o++] = digits[v >> 12 & 63];
        out[o++] = left > 1 ? digits[v >> 6 & 63] : '=';
        out[o++] = left > 2 ? digits[v & 63] : '=';
    }
    out[o] = 0;
    return o;
}

/* The 101 for the request in s->req (RFC 6455 4.2.2: the accept value is the base64 of
   SHA-1 over the key and the fixed GUID). Returns its length, 0 without a key. */
static size_t server_response(const server_end *s, char *out, size_t cap) {
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    br_sha1_context h;
    unsigned char digest[20];
    char accept[32];
    size_t klen = 0;
    const char *key = header_value(s->req, "Sec-WebSocket-Key", &klen);
    int n;
    if (!key) return 0;
    br_sha1_init(&h);
    br_sha1_update(&h, key, klen);
    br_sha1_update(&h, guid, sizeof guid - 1);
    br_sha1_out(&h, digest);
    base64_encode(digest, sizeof digest, accept);
    n = snprintf(out, cap,
                 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: %s\r\n\r\n",
                 accept);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static int request_complete(const server_end *s) { return strstr(s->req, "\r\n\r\n") != NULL; }

/* Move every record the engine has sealed into `sink`. */
static void server_move_records(server_end *s, queue *sink) {
    br_ssl_engine_context *eng = &s->sc.eng;
    while (br_ssl_engine_current_state(eng) & BR_SSL_SENDREC) {
        size_t n;
        unsigned char *p = br_ssl_engine_sendrec_buf(eng, &n);
        queue_put_all(sink, p, n);
        br_ssl_engine_sendrec_ack(eng, n);
    }
}

/* Application data into the engine, its records into `sink`. */
static void server_write(server_end *s, const void *data, size_t n, queue *sink) {
    br_ssl_engine_context *eng = &s->sc.eng;
    const unsigned char *d = (const unsigned char *)data;
    while (n > 0) {
        unsigned st = br_ssl_engine_current_state(eng);
        if (st & BR_SSL_SENDREC) {
            server_move_records(s, sink);
        } else if (st & BR_SSL_SENDAPP) {
            size_t room, k;
            unsigned char *p = br_ssl_engine_sendapp_buf(eng, &room);
            k = n < room ? n : room;
            memcpy(p, d, k);
            br_ssl_engine_sendapp_ack(eng, k); /* a full buffer becomes a record */
            d += k;
            n -= k;
        } else {
            die("the server engine takes no application data");
        }
    }
}

static void server_flush(server_end *s, queue *sink) {
    br_ssl_engine_flush(&s->sc.eng, 0);
    server_move_records(s, sink);
}

/* The server's turn during a handshake: take what the client sent, answer. */
static void server_pump(lane *l) {
    server_end *s = &l->srv;
    br_ssl_engine_context *eng = &s->sc.eng;
    char resp[512];
    if (!s->tls) {
        s->req_len += queue_get(&l->up, s->req + s->req_len, sizeof s->req - 1 - s->req_len);
        s->req[s->req_len] = 0;
        if (!s->answered && request_complete(s)) {
            size_t n = server_response(s, resp, sizeof resp);
            if (!n) die("the upgrade request has no Sec-WebSocket-Key");
            queue_put_all(&l->hs, resp, n);
            s->answered = 1;
        }
        return;
    }
    for (;;) {
        unsigned st = br_ssl_engine_current_state(eng);
        if (st & BR_SSL_CLOSED) {
            if (br_ssl_engine_last_error(eng) != BR_ERR_OK) die("the server engine failed");
            return;
        }
        if (st & BR_SSL_SENDREC) {
            server_move_records(s, &l->hs);
        } else if ((st & BR_SSL_RECVREC) && l->up.head < l->up.tail) {
            size_t room;
            unsigned char *p = br_ssl_engine_recvrec_buf(eng, &room);
            br_ssl_engine_recvrec_ack(eng, queue_get(&l->up, p, room));
        } else if ((st & BR_SSL_RECVAPP) && s->req_len < sizeof s->req - 1) {
            size_t n, k;
            unsigned char *p = br_ssl_engine_recvapp_buf(eng, &n);
            k = n < sizeof s->req - 1 - s->req_len ? n : sizeof s->req - 1 - s->req_len;
            memcpy(s->req + s->req_len, p, k);
            s->req_len += k;
            s->req[s->req_len] = 0;
            br_ssl_engine_recvapp_ack(eng, k);
        } else if (!s->answered && (st & BR_SSL_SENDAPP) && request_complete(s)) {
            size_t n = server_response(s, resp, sizeof resp);
            if (!n) die("the upgrade request has no Sec-WebSocket-Key");
            server_write(s, resp, n, &l->hs);
            server_flush(s, &l->hs);
            s->answered = 1;
        } else {
            return;
        }
    }
}

/* ------------------------------------------------------------------ the messages */

typedef struct message_kind {
    const char *name;
    int opcode;
    size_t size;
} message_kind;

static const message_kind kinds[] = {
    {"45 B text", AXWS_OP_TEXT, 45},
    {"1 KiB binary", AXWS_OP_BINARY, 1024},
    {"16 KiB binary", AXWS_OP_BINARY, 16384},
};
#define NKINDS (int)(sizeof kinds / sizeof kinds[0])

/* A price update the size of the Axiom stream's small messages. */
static const char small_text[] = "{\"room\":\"sol_price\",\"content\":187.4325619981}";

static unsigned char frame[10 + 16384];
static size_t frame_len;

/* One server frame (unmasked; RFC 6455 5.2: the shortest length encoding). */
static void build_frame(const message_kind *m) {
    size_t i, h = 2;
    frame[0] = (unsigned char)(0x80 | m->opcode);
    if (m->size < 126) {
        frame[1] = (unsigned char)m->size;
    } else {
        frame[1] = 126;
        frame[2] = (unsigned char)(m->size >> 8);
        frame[3] = (unsigned char)m->size;
        h = 4;
    }
    if (m->opcode == AXWS_OP_TEXT) {
        if (m->size != sizeof small_text - 1) die("the text message is not 45 bytes");
        memcpy(frame + h, small_text, m->size);
    } else {
        for (i = 0; i < m->size; i++) frame[h + i] = (unsigned char)(i * 7 + 1);
    }
    frame_len = h + m->size;
}

/* ------------------------------------------------------------------ batches */

static size_t batch_payload = BATCH_PAYLOAD_MAX; /* message bytes per batch (quick: 256 KiB) */
static int warmup_batches = 1, measured_batches = 15;
#define MAX_BATCHES 32

/* The plaintext size of every record of a batch (all batches of a line have the same). */
#define REC_MAX (BATCH_PAYLOAD_MAX / 45 + 64)
static uint16_t rec_plain[REC_MAX];
static size_t rec_count;

static unsigned long batch_messages(const message_kind *m) {
    return (unsigned long)((batch_payload + m->size - 1) / m->size);
}

/* The server's side of one batch, untimed: `count` frames into the lane's batch queue,
   encrypted into records on wss:// (full 16 KiB records, or one record per message). */
static void server_produce(lane *l, unsigned long count, int record_per_msg) {
    unsigned long i;
    l->batch.head = l->batch.tail = 0;
    for (i = 0; i < count; i++) {
        if (!l->tls) {
            queue_put_all(&l->batch, frame, frame_len);
            continue;
        }
        server_write(&l->srv, frame, frame_len, &l->batch);
        if (record_per_msg) server_flush(&l->srv, &l->batch);
    }
    if (l->tls) server_flush(&l->srv, &l->batch);
}

/* Record sizes of the batch the lane's server just produced: raw decryption copies them. */
static void note_records(const lane *l, size_t aead_overhead) {
    size_t off = l->batch.head;
    const unsigned char *b = l->batch.p;
    rec_count = 0;
    while (off + 5 <= l->batch.tail) {
        size_t len = (size_t)b[off + 3] << 8 | b[off + 4];
        if (b[off] != 23 || len < aead_overhead || rec_count == REC_MAX) die("unexpected record");
        rec_plain[rec_count++] = (uint16_t)(len - aead_overhead);
        off += 5 + len;
    }
}

/* ------------------------------------------------------------------ the clients */

static axws_tls_anchors anchors;
static unsigned char anchor_buf[8192];

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    tally *t = &((lane *)user)->got;
    (void)c;
    if (ev->type == AXWS_EV_MESSAGE) {
        t->msgs++;
        if (ev->len != t->want_len) t->bad = 1;
    }
}

static void client_init(lane *l) {
    axws_config cfg;
    axws_config_init(&cfg);
    /* ws:// reads into rx_buf; wss:// stages its reads there only when it has one */
    cfg.rx_buf = l->staged ? l->rx : NULL;
    cfg.rx_size = l->staged ? sizeof l->rx : 0;
    cfg.tx_buf = l->tx;
    cfg.tx_size = sizeof l->tx;
    cfg.msg_buf = l->msg;
    cfg.msg_size = sizeof l->msg;
    cfg.tls_buf = l->tls_buf;
    cfg.tls_size = sizeof l->tls_buf;
    cfg.trust_anchors = anchors.anchors;
    cfg.trust_anchor_count = anchors.count;
    cfg.servername = "localhost"; /* the certificate's name; the URL dials an IP */
    cfg.on_event = on_event;
    cfg.user = l;
    if (axws_init(&l->conn, &cfg) != 0) die("axws_init failed");
}

/* One turn of the program's loop, as the README writes it. */
static int client_step(lane *l) {
    struct pollfd p[AXWS_MAX_POLLFDS];
    int64_t now = axws_now_ms();
    int n = axws_pollfds(&l->conn, p, AXWS_MAX_POLLFDS);
    axws_poll(p, n, axws_timeout_ms(&l->conn, now));
    return axws_step(&l->conn, p, n, now);
}

static void report_failure(lane *l, const char *what) {
    char why[AXWS_DESCRIBE_MAX];
    axws_describe(&l->conn, why, sizeof why);
    fprintf(stderr, "bench_tls_sansio: %s, %s: %s (TLS: %s)\n", l->name, what, why,
            axws_tls_strerror(axws_tls_error(&l->conn)));
    exit(1);
}

typedef struct hs_cost {
    int64_t client_ns, server_ns;
} hs_cost;

/* Connect the lane's client to its server and take turns until the client is OPEN; the
   client's calls and the server's are timed apart (collect: callgrind counts the
   client's). */
static void open_connection(lane *l, hs_cost *cost, int collect) {
    static const char *const url[2] = {"ws://127.0.0.1:8080/stream", "wss://127.0.0.1:8443/stream"};
    int64_t t, client = 0, server = 0;
    int i, r;
    server_accept(l);
    connecting = l;
    instr_collect(collect);
    t = mono_ns();
    r = axws_connect(&l->conn, url[l->tls], axws_now_ms());
    client += mono_ns() - t;
    instr_collect(0);
    connecting = NULL;
    if (r != 0) report_failure(l, "connect");
    for (i = 0; i < 64 && axws_conn_state(&l->conn) != AXWS_STATE_OPEN; i++) {
        instr_collect(collect);
        t = mono_ns();
        r = client_step(l);
        client += mono_ns() - t;
        instr_collect(0);
        if (r != 0) report_failure(l, "handshake");
        t = mono_ns();
        server_pump(l);
        server += mono_ns() - t;
    }
    if (axws_conn_state(&l->conn) != AXWS_STATE_OPEN) report_failure(l, "handshake never ended");
    if (cost) {
        cost->client_ns = client;
        cost->server_ns = server;
    }
}

/* Run the client's loop until it has read everything on the wire and holds `want`
   messages in all. */
static int client_drain(lane *l, unsigned long want) {
    int idle = 0;
    while (l->got.msgs < want || l->down->head < l->down->tail) {
        uint64_t before = l->delivered;
        unsigned long m = l->got.msgs;
        if (client_step(l) != 0) return -1;
        if (l->delivered != before || l->got.msgs != m) idle = 0;
        else if (++idle > 8) return -1; /* neither reads nor delivers: stuck */
    }
    return 0;
}

/* The client's CPU to take in the batch its server prepared. */
static int64_t lane_consume(lane *l, unsigned long count, int collect) {
    int64_t t;
    int r;
    l->down = &l->batch;
    instr_collect(collect);
    t = cpu_ns();
    r = client_drain(l, l->got.msgs + count);
    t = cpu_ns() - t;
    instr_collect(0);
    if (r) report_failure(l, "stream");
    return t;
}

/* One batch through a lane: prepared by its server, untimed, then taken in. */
static int64_t lane_batch(lane *l, unsigned long count, int record_per_msg, int collect) {
    server_produce(l, count, record_per_msg);
    return lane_consume(l, count, collect);
}

/* ------------------------------------------------------------------ raw record decryption */

typedef struct suite_info {
    const char *name;
    uint16_t id;
    const char *axws_name; /* what axws_tls_suite() reports */
    size_t overhead;       /* AEAD bytes a record carries besides its plaintext */
} suite_info;

static const suite_info suites[] = {
    {"AES-128-GCM", BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", 8 + 16},
    {"ChaCha20-Poly1305", BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305", 16},
};
#define NSUITES (int)(sizeof suites / sizeof suites[0])

static int is_gcm(const suite_info *s) { return s->id == BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256; }

/* The record implementations the client's engine chose, for the raw decryption. */
static const br_block_ctr_class *eng_aes;
static br_ghash eng_ghash;
static br_chacha20_run eng_chacha;
static br_poly1305_run eng_poly;

static struct raw {
    const suite_info *suite;
    br_sslrec_gcm_context gcm;
    br_sslrec_chapol_context chapol;
    size_t len;
    unsigned char pristine[BATCH_CAP], work[BATCH_CAP];
} raw;

static const unsigned char raw_key[32] = {7, 1, 2, 3}, raw_iv[12] = {9, 9};

/* Records with the plaintext sizes in rec_plain[], sealed by BearSSL's own record
   encryption with the engine's implementations. */
static void raw_build(const suite_info *suite) {
    const br_sslrec_out_class **oc;
    size_t i, off = 0, start = 5, end = 5 + 16384 + 256;
    raw.suite = suite;
    if (is_gcm(suite)) {
        br_sslrec_out_gcm_vtable.init(&raw.gcm.vtable.out, eng_aes, raw_key, 16, eng_ghash, raw_iv);
        oc = (const br_sslrec_out_class **)(void *)&raw.gcm.vtable;
    } else {
        br_sslrec_out_chapol_vtable.init(&raw.chapol.vtable.out, eng_chacha, eng_poly, raw_key, raw_iv);
        oc = (const br_sslrec_out_class **)(void *)&raw.chapol.vtable;
    }
    (*oc)->max_plaintext(oc, &start, &end); /* start: header and explicit nonce */
    for (i = 0; i < rec_count; i++) {
        size_t len = rec_plain[i];
        unsigned char *rec = raw.pristine + off, *p;
        if (off + start + len + 32 > sizeof raw.pristine) die("raw records overflow");
        memset(rec + start, 'x', len);
        p = (*oc)->encrypt(oc, 23, 0x0303, rec + start, &len);
        if (p != rec) die("BearSSL put the record elsewhere");
        off += len;
    }
    raw.len = off;
}

/* One batch of raw decryption: the records decrypted in place as the engine does. */
static int64_t raw_batch(int collect) {
    const br_sslrec_in_class **ic;
    size_t i, off = 0;
    int64_t t;
    /* fresh ciphertext and sequence number 0, untimed */
    memcpy(raw.work, raw.pristine, raw.len);
    if (is_gcm(raw.suite)) {
        br_sslrec_in_gcm_vtable.init(&raw.gcm.vtable.in, eng_aes, raw_key, 16, eng_ghash, raw_iv);
        ic = (const br_sslrec_in_class **)(void *)&raw.gcm.vtable;
    } else {
        br_sslrec_in_chapol_vtable.init(&raw.chapol.vtable.in, eng_chacha, eng_poly, raw_key, raw_iv);
        ic = (const br_sslrec_in_class **)(void *)&raw.chapol.vtable;
    }
    instr_collect(collect);
    t = cpu_ns();
    for (i = 0; i < rec_count; i++) {
        unsigned char *rec = raw.work + off;
        size_t len = (size_t)rec[3] << 8 | rec[4];
        off += 5 + len;
        if (!(*ic)->check_length(ic, len) ||
            !(*ic)->decrypt(ic, rec[0], (unsigned)rec[1] << 8 | rec[2], rec + 5, &len) || len != rec_plain[i])
            die("raw decryption failed");
    }
    t = cpu_ns() - t;
    instr_collect(0);
    return t;
}

/* ------------------------------------------------------------------ one line */

enum { PART_WS, PART_STAGED, PART_DIRECT, PART_RAW, NPARTS }; /* lanes, then raw */
static const char *const part_names[NPARTS] = {"ws", "wss staged", "wss direct", "raw decrypt"};

typedef struct row {
    const suite_info *suite;
    const message_kind *m;
    int record_per_msg;
    double ns[NPARTS];    /* ns per message, median */
    double over[2][3];    /* wss staged / direct: overhead per round, quartiles 1, 2, 3 */
} row;

static void lane_open(lane *l, const suite_info *suite, const message_kind *m) {
    client_init(l);
    if (l->tls) server_configure(l, suite->id);
    memset(&l->got, 0, sizeof l->got);
    l->got.want_len = m->size;
    open_connection(l, NULL, 0);
    if (l->tls) {
        const char *got = axws_tls_suite(&l->conn);
        if (!got || strcmp(got, suite->axws_name) != 0) die("the server's suite was not negotiated");
        eng_aes = l->conn.tls_cc.eng.iaes_ctr;
        eng_ghash = l->conn.tls_cc.eng.ighash;
        eng_chacha = l->conn.tls_cc.eng.ichacha;
        eng_poly = l->conn.tls_cc.eng.ipoly;
    }
}

static void run_line(row *r) {
    int64_t t[NPARTS][MAX_BATCHES];
    unsigned long per = batch_messages(r->m);
    int rounds = warmup_batches + measured_batches, b, j, p;
    build_frame(r->m);
    for (p = 0; p < NLANES; p++) lane_open(&lanes[p], r->suite, r->m);
    /* one untimed batch on each TLS lane: the record sizes for the raw lane */
    lane_batch(&lanes[LANE_DIRECT], per, r->record_per_msg, 0);
    server_produce(&lanes[LANE_STAGED], per, r->record_per_msg);
    note_records(&lanes[LANE_STAGED], r->suite->overhead); /* before the client empties it */
    lane_consume(&lanes[LANE_STAGED], per, 0);
    raw_build(r->suite);
    /* the lanes take turns batch by batch, the order rotating; quick mode (callgrind) runs
       them one after another so that each dump holds one lane */
    for (j = 0; j < (quick ? NPARTS : rounds); j++) {
        for (b = 0; b < (quick ? rounds : NPARTS); b++) {
            int part = quick ? j : (b + j) % NPARTS, batch = quick ? b : j, collect = batch >= warmup_batches;
            int64_t ns = part == PART_RAW ? raw_batch(collect)
                                          : lane_batch(&lanes[part], per, r->record_per_msg, collect);
            if (collect) t[part][batch - warmup_batches] = ns;
        }
        if (quick) {
            char group[112];
            instr_lane counted;
            snprintf(group, sizeof group, "%s %s %s", r->suite->name, r->m->name,
                     r->record_per_msg ? "rec/msg" : "rec16K");
            counted.group = group;
            counted.name = part_names[j];
            counted.reference = "ws + raw decrypt"; /* the ratio of a wss lane: overhead + 1 */
            counted.msgs = per;
            counted.bytes = (uint64_t)per * r->m->size;
            instr_dump(&counted, measured_batches);
        }
    }
    for (p = 0; p < NLANES; p++) {
        if (lanes[p].got.bad) die("a client received other messages than were sent");
        axws_abort(&lanes[p].conn);
    }
    /* overhead of each round from the four batches measured next to each other: the
       machine's load changes less within a round than across the line */
    for (p = 0; p < 2; p++) {
        double o[MAX_BATCHES];
        for (b = 0; b < measured_batches; b++)
            o[b] = 100.0 * ((double)t[PART_STAGED + p][b] / (double)(t[PART_WS][b] + t[PART_RAW][b]) - 1.0);
        qsort(o, (size_t)measured_batches, sizeof o[0], cmp_double);
        for (j = 0; j < 3; j++) r->over[p][j] = quantile(o, measured_batches, 0.25 * (j + 1));
    }
    for (p = 0; p < NPARTS; p++) r->ns[p] = (double)median(t[p], measured_batches) / (double)per;
}

/* ------------------------------------------------------------------ handshakes */

enum { HS_FULL, HS_RESUMED, HS_WS, NHS };
static const char *const hs_names[NHS] = {"wss full", "wss resumed", "ws"};

typedef struct hs_result {
    int64_t client_ns[NHS], server_ns[NHS];
    int resumed_ok; /* every resumed one resumed, no full one did */
} hs_result;

/* Median CPU to OPEN of `count` connects of each kind, the kinds taking turns (one after
   another in quick mode). The wss connects use AES-128-GCM (this client's first choice
   with AES-NI) and the ECDSA P-256 certificate. */
static hs_result run_handshakes(int count) {
    static int64_t client[NHS][64], server[NHS][64];
    hs_result r;
    int i, k, j;
    lane *wss = &lanes[LANE_STAGED], *ws = &lanes[LANE_WS];
    client_init(ws);
    client_init(wss);
    server_configure(wss, suites[0].id);
    open_connection(wss, NULL, 0); /* warms up, and saves a session to resume */
    axws_abort(&wss->conn);
    open_connection(ws, NULL, 0); /* warms up: the first connect of an object seeds its mask keys */
    axws_abort(&ws->conn);
    r.resumed_ok = 1;
    for (j = 0; j < (quick ? NHS : count); j++) {
        for (i = 0; i < (quick ? count : NHS); i++) {
            int kind = quick ? j : i, n = quick ? i : j;
            lane *l = kind == HS_WS ? ws : wss;
            hs_cost c;
            /* without its session the next connect makes a full handshake */
            if (kind == HS_FULL) axws_tls_forget_session(&l->conn);
            open_connection(l, &c, 1);
            if (kind != HS_WS && axws_tls_resumed(&l->conn) != (kind == HS_RESUMED)) r.resumed_ok = 0;
            client[kind][n] = c.client_ns;
            server[kind][n] = c.server_ns;
            axws_abort(&l->conn);
        }
        if (quick) {
            instr_lane counted = {"handshake to OPEN", hs_names[j], "wss full", 1, 0};
            instr_dump(&counted, count);
        }
    }
    for (k = 0; k < NHS; k++) {
        r.client_ns[k] = median(client[k], count);
        r.server_ns[k] = median(server[k], count);
    }
    return r;
}

/* ------------------------------------------------------------------ main */

static const char *impl_names(const suite_info *s, char *out, size_t cap) {
    if (is_gcm(s))
        snprintf(out, cap, "%s + %s",
                 eng_aes == &br_aes_x86ni_ctr_vtable  ? "aes_x86ni"
                 : eng_aes == &br_aes_ct64_ctr_vtable ? "aes_ct64"
                                                      : "another AES",
                 eng_ghash && eng_ghash == br_ghash_pclmul_get() ? "ghash_pclmul"
                 : eng_ghash == br_ghash_ctmul64                 ? "ghash_ctmul64"
                                                                 : "another GHASH");
    else
        snprintf(out, cap, "%s + %s",
                 eng_chacha && eng_chacha == br_chacha20_sse2_get() ? "chacha20_sse2" : "chacha20_ct",
                 eng_poly && eng_poly == br_poly1305_ctmulq_get() ? "poly1305_ctmulq" : "poly1305_ctmul");
    return out;
}

int main(void) {
    static row rows[NSUITES * NKINDS * 2];
    static const char *const lane_names[NLANES] = {"ws", "wss staged", "wss direct"};
    char cmd[160], path[128], impl[NSUITES][64];
    int s, k, rp, nrows = 0, met = 0, hs_count, i;
    double worst = -1e9;
    hs_result hs;
    int64_t t0, cpu_clock_cost, mono_clock_cost;

    quick = instr_quick() || instr_env_on("BENCH_TLS_SANSIO_QUICK");
    if (quick) {
        batch_payload = 256 * KIB;
        measured_batches = 2;
    }
    hs_count = quick ? 3 : 41;
    for (i = 0; i < NLANES; i++) {
        lane *l = &lanes[i];
        l->name = lane_names[i];
        l->tls = i != LANE_WS;
        l->staged = i != LANE_DIRECT;
        l->up.p = l->up_bytes;
        l->up.cap = sizeof l->up_bytes;
        l->hs.p = l->hs_bytes;
        l->hs.cap = sizeof l->hs_bytes;
        l->batch.p = batch_bytes[i];
        l->batch.cap = BATCH_CAP;
        l->down = &l->hs;
    }

    if (!mkdtemp(pki_dir)) die("mkdtemp failed");
    atexit(remove_pki);
    snprintf(cmd, sizeof cmd, "sh tests/peers/gen_certs.sh '%s'", pki_dir);
    if (system(cmd) != 0) die("tests/peers/gen_certs.sh failed (run from the repository root)");
    snprintf(path, sizeof path, "%s/ca.pem", pki_dir);
    if (axws_tls_anchors_file(&anchors, anchor_buf, sizeof anchor_buf, path) != 1) die("cannot load ca.pem");
    server_load_pki();

    for (s = 0; s < NSUITES; s++) {
        for (k = 0; k < NKINDS; k++)
            for (rp = 0; rp < 2; rp++) {
                row *r = &rows[nrows++];
                r->suite = &suites[s];
                r->m = &kinds[k];
                r->record_per_msg = rp;
                run_line(r);
            }
        impl_names(&suites[s], impl[s], sizeof impl[s]);
    }
    hs = run_handshakes(hs_count);
    /* the fastest of 20 runs of 50 readings: a preemption inside one run says nothing */
    cpu_clock_cost = mono_clock_cost = INT64_MAX;
    for (k = 0; k < 20; k++) {
        t0 = mono_ns();
        for (i = 0; i < 50; i++) (void)cpu_ns();
        t0 = (mono_ns() - t0) / 50;
        if (t0 < cpu_clock_cost) cpu_clock_cost = t0;
        t0 = mono_ns();
        for (i = 0; i < 50; i++) (void)mono_ns();
        t0 = (mono_ns() - t0) / 50;
        if (t0 < mono_clock_cost) mono_clock_cost = t0;
    }

    printf("bench_tls_sansio (one process, no sockets: BearSSL's server engine in memory; client thread CPU only)\n");
    printf("  %s%d batches of %zu KiB of messages per line after %d warm-up, the lanes taking turns; "
           "whole-message mode\n",
           quick ? "QUICK: " : "", measured_batches, batch_payload / KIB, warmup_batches);
    printf("  engine's record code: AES-128-GCM %s; ChaCha20-Poly1305 %s\n", impl[0], impl[1]);
    printf("  wss staged = rx_buf 64 KiB + tls_buf (reads copied into the engine); direct = tls_buf only "
           "(2 reads a record)\n");
    printf("  rec 16K = the server fills 16 KiB records; msg = a record per message (16 KiB: 16384 + 4 B)\n");
    printf("  overhead = wss / (ws + raw decrypt) - 1 of each round (the four batches next to each other): median "
           "[quartiles]\n\n");
    printf("  %-17s %-13s %-3s | ns per message, median (MB of payload per CPU second)                   | overhead\n",
           "suite", "message", "rec");
    printf("  %-17s %-13s %-3s | %-16s %-16s %-16s %-16s | %-19s %s\n", "", "", "", "ws", "raw decrypt",
           "wss staged", "wss direct", "staged", "direct");
    for (k = 0; k < nrows; k++) {
        const row *r = &rows[k];
        const int order[4] = {PART_WS, PART_RAW, PART_STAGED, PART_DIRECT};
        char cell[4][32], over[2][32];
        for (i = 0; i < 4; i++) {
            double ns = r->ns[order[i]];
            snprintf(cell[i], sizeof cell[i], "%8.1f (%5.0f)", ns, ns > 0 ? (double)r->m->size * 1e3 / ns : 0.0);
        }
        for (i = 0; i < 2; i++) {
            snprintf(over[i], sizeof over[i], "%5.1f%% [%.0f..%.0f]", r->over[i][1], r->over[i][0], r->over[i][2]);
            if (r->over[i][1] <= 15.0) met++;
            if (r->over[i][1] > worst) worst = r->over[i][1];
        }
        printf("  %-17s %-13s %-3s | %-16s %-16s %-16s %-16s | %-19s %s\n", r->suite->name, r->m->name,
               r->record_per_msg ? "msg" : "16K", cell[0], cell[1], cell[2], cell[3], over[0], over[1]);
    }
    printf("  target overhead <= 15 %%: met in %d of %d; worst %.1f %%\n\n", met, 2 * nrows, worst);
    printf("  handshake to OPEN, ECDHE-ECDSA P-256 + AES-128-GCM, median of %d; time inside the client's calls and "
           "inside the server's, apart (CLOCK_MONOTONIC):\n",
           hs_count);
    printf("    client: full %.1f us, resumed %.1f us (%.0f %% of full); ws:// upgrade alone %.1f us\n",
           hs.client_ns[HS_FULL] / 1e3, hs.client_ns[HS_RESUMED] / 1e3,
           100.0 * (double)hs.client_ns[HS_RESUMED] / (double)hs.client_ns[HS_FULL], hs.client_ns[HS_WS] / 1e3);
    printf("    server engine (BearSSL, the same thread): full %.1f us, resumed %.1f us\n", hs.server_ns[HS_FULL] / 1e3,
           hs.server_ns[HS_RESUMED] / 1e3);
    printf("    every reconnect with its session resumed, none without: %s\n", hs.resumed_ok ? "yes" : "NO");
    printf("  a clock reading costs: thread CPU %lld ns (one pair per batch), monotonic %lld ns (about 10 pairs per "
           "handshake)\n",
           (long long)cpu_clock_cost, (long long)mono_clock_cost);
    return hs.resumed_ok ? 0 : 1;
}
