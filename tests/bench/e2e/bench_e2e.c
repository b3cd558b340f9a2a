/* tests/bench/e2e/bench_e2e.c - end-to-end receive benchmark: axiomws next to libwebsockets
   and Node's ws, in one run, against one server, on loopback.

   The server (a forked child, plain sockets, OpenSSL for wss://) builds a batch of about
   256 KiB of identical WebSocket text frames once, then writes it again and again as fast
   as the kernel takes it (TCP_NODELAY; wss:// through SSL_write of the whole batch, which
   OpenSSL cuts into full 16 KiB records). It serves one connection at a time and reports,
   for each, its own CPU time (getrusage) and wall time over the streaming, so every row of
   the table says how busy the server was. A "server alone" row per transport and message
   kind measures the server writing into a reader that does nothing but read() and drop the
   bytes (for wss:// after an OpenSSL handshake, without decrypting): the ceiling of server
   plus kernel, against which each client's rate is compared.

   Each client runs as its own process (client_axiomws, client_lws, client_node.js; see
   e2e_client.h for their contract) and measures itself from the upgrade on: messages,
   bytes, wall time and CPU time (getrusage user + system). Every (transport, kind, mode,
   client) is run E2E_REPS times (default 3), the repetitions interleaved so that a change
   in the machine's load hits every client alike, and each figure is the median. The
   server runs on CPU 0, the clients on CPU 1 (see pin_to_cpu). Each row also says how many
   cores the rest of the machine used meanwhile (/proc/stat less our processes): on a
   shared machine that is what explains a slow row.

   Messages: the first sol_price line (a number, 36 B) and the first new_pairs line (an
   object, 1,268 B) of tests/data/frames.jsonl (a copy of /work/shared/axiom/frames.jsonl;
   E2E_FRAMES=PATH reads another). TLS: TLS 1.2, ECDHE-ECDSA-AES128-GCM-SHA256 for every
   client (BearSSL speaks TLS 1.2 only: the same protocol and suite for all), an ECDSA
   certificate for "localhost" from tests/peers/gen_certs.sh, written to certs/ beside this
   program; every client verifies it against the test CA.

   Environment: E2E_SECONDS (default 1) per timed run, E2E_REPS (default 3), E2E_QUICK=1
   for the smoke run (300 messages per client, one repetition, every count and the close
   handshake checked: correctness, not speed), E2E_ONLY=TEXT (only the rows whose name
   contains TEXT, see selected()), E2E_PIN=0 (no CPU pinning), E2E_FRAMES, E2E_NODE_CLIENT
   (default tests/bench/e2e/client_node.js), E2E_READ_BATCH=BYTES (client_axiomws reads in
   batches: cfg.read_batch = BYTES, read_batch_ms 2; the default reads bytes as they
   arrive, as a latency-bound program does). `bench_e2e --serve` runs the server alone and
   prints its ports, for running a client by hand.
   Run from the repository root: make bench-e2e (tests/bench/e2e/README.md).
   Exit status 0 when every client delivered every run; 1 otherwise. */
#define _GNU_SOURCE /* sched_setaffinity(); this file does not include axiomws.h */
#include <errno.h>
#include <sched.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#ifndef E2E_LWS_VERSION
#define E2E_LWS_VERSION "?" /* the Makefile passes pkg-config's answer */
#endif

#define BATCH_TARGET (256 * 1024) /* bytes of frames written per write()/SSL_write() */
#define TLS_RECORD_PLAINTEXT 16384 /* TLS 1.2: a full record's plaintext ... */
#define TLS_RECORD_OVERHEAD 29     /* ... and what AES-GCM adds: 5 header, 8 nonce, 16 tag */
#define QUICK_MESSAGES 300
#define CLIENT_GRACE_S 30 /* beyond its run, how long a client may take (Node's start) */

enum { TRANSPORT_WS, TRANSPORT_WSS, TRANSPORTS };
enum { KIND_SOL_PRICE, KIND_NEW_PAIRS, KINDS };
enum { MODE_COUNT, MODE_PARSE, MODES };
enum { CLIENT_AXIOMWS, CLIENT_LWS, CLIENT_NODE, CLIENTS };
#define MAX_REPS 15

static const char *const transport_names[TRANSPORTS] = {"ws", "wss"};
static const char *const mode_names[MODES] = {"count", "parse"};
static const char *const client_names[CLIENTS] = {"axiomws", "lws", "node"};
/* what parse mode means for each client */
static const char *const parser_names[CLIENTS] = {"typed decoder", "cJSON", "JSON.parse"};

/* ------------------------------------------------------------------ the messages */

typedef struct message_kind {
    const char *room;
    int line;              /* in the frames file, 1-based */
    char *payload;
    size_t payload_len;
    size_t frame_len;      /* header + payload */
    unsigned char *batch;  /* batch_frames copies of the frame, back to back */
    size_t batch_frames;
} message_kind;

static message_kind kinds[KINDS] = {{"sol_price", 0, NULL, 0, 0, NULL, 0}, {"new_pairs", 0, NULL, 0, 0, NULL, 0}};

/* The first line of `path` whose room is each kind's: real captured messages. */
static int load_messages(const char *path) {
    static char text[1 << 20];
    size_t n, start = 0;
    int line = 0, k;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_e2e: %s: %s (run from the repository root)\n", path, strerror(errno));
        return -1;
    }
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    while (start < n) {
        size_t end = start;
        while (end < n && text[end] != '\n') end++;
        line++;
        for (k = 0; k < KINDS; k++) {
            char prefix[64];
            snprintf(prefix, sizeof prefix, "{\"room\":\"%s\",\"content\":", kinds[k].room);
            if (!kinds[k].payload && end - start > strlen(prefix) && strncmp(text + start, prefix, strlen(prefix)) == 0) {
                kinds[k].line = line;
                kinds[k].payload_len = end - start;
                kinds[k].payload = (char *)malloc(end - start);
                if (!kinds[k].payload) return -1;
                memcpy(kinds[k].payload, text + start, end - start);
            }
        }
        start = end + 1;
    }
    for (k = 0; k < KINDS; k++)
        if (!kinds[k].payload) {
            fprintf(stderr, "bench_e2e: no %s line in %s\n", kinds[k].room, path);
            return -1;
        }
    return 0;
}

/* One unmasked FIN text frame (RFC 6455 5.2: a server never masks), repeated to fill the
   batch: built once, so the server's loop is nothing but writes. */
static int build_batches(void) {
    int k;
    for (k = 0; k < KINDS; k++) {
        message_kind *m = &kinds[k];
        unsigned char header[10];
        size_t header_len, i;
        header[0] = 0x81;
        if (m->payload_len < 126) {
            header[1] = (unsigned char)m->payload_len;
            header_len = 2;
        } else if (m->payload_len <= 0xFFFF) {
            header[1] = 126;
            header[2] = (unsigned char)(m->payload_len >> 8);
            header[3] = (unsigned char)m->payload_len;
            header_len = 4;
        } else {
            return -1; /* the two kinds are far below 64 KiB */
        }
        m->frame_len = header_len + m->payload_len;
        m->batch_frames = BATCH_TARGET / m->frame_len ? BATCH_TARGET / m->frame_len : 1;
        m->batch = (unsigned char *)malloc(m->batch_frames * m->frame_len);
        if (!m->batch) return -1;
        for (i = 0; i < m->batch_frames; i++) {
            memcpy(m->batch + i * m->frame_len, header, header_len);
            memcpy(m->batch + i * m->frame_len + header_len, m->payload, m->payload_len);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ clocks */

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t cpu_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
           ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

/* ------------------------------------------------------------------ the server (a child) */

typedef struct stream {
    int fd;
    SSL *ssl; /* NULL: ws:// */
} stream;

static int stream_write(stream *s, const void *data, size_t len) {
    const unsigned char *p = (const unsigned char *)data;
    if (s->ssl) return SSL_write(s->ssl, data, (int)len) == (int)len ? 0 : -1; /* blocking: all or error */
    while (len) {
        ssize_t n = write(s->fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int stream_read(stream *s, void *buf, size_t len) {
    if (s->ssl) return SSL_read(s->ssl, buf, (int)len);
    return (int)read(s->fd, buf, len);
}

/* RFC 6455 4.2.2: Sec-WebSocket-Accept = base64(SHA-1(key + GUID)). */
static int accept_value(const char *request, char out[64]) {
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    const char *p = request;
    char joined[128];
    unsigned char sha[EVP_MAX_MD_SIZE];
    unsigned int sha_len = 0;
    size_t key_len;
    while ((p = strchr(p, '\n')) != NULL) { /* header names are case-insensitive */
        p++;
        if (strncasecmp(p, "Sec-WebSocket-Key:", 18) == 0) break;
    }
    if (!p) return -1;
    p += 18;
    while (*p == ' ' || *p == '\t') p++;
    key_len = strcspn(p, " \t\r\n");
    if (key_len == 0 || key_len + sizeof guid > sizeof joined) return -1;
    memcpy(joined, p, key_len);
    memcpy(joined + key_len, guid, sizeof guid - 1);
    if (EVP_Digest(joined, key_len + sizeof guid - 1, sha, &sha_len, EVP_sha1(), NULL) != 1) return -1;
    EVP_EncodeBlock((unsigned char *)out, sha, (int)sha_len);
    return 0;
}

typedef struct server_report {
    int ok;
    int64_t cpu_ns, wall_ns;
    uint64_t messages; /* handed to the kernel (or to OpenSSL) */
} server_report;

/* One conversation: the upgrade (GET /KIND/COUNT), then COUNT messages and a close, or
   (COUNT 0) messages until the connection breaks. */
static server_report serve(stream *s) {
    server_report rep;
    char request[8192], kind_name[32], response[256], accept[64];
    size_t have = 0;
    unsigned long count = 0;
    message_kind *m = NULL;
    int64_t cpu0, wall0;
    int k;
    memset(&rep, 0, sizeof rep);
    for (;;) {
        int n = stream_read(s, request + have, sizeof request - 1 - have);
        if (n <= 0) return rep;
        have += (size_t)n;
        request[have] = 0;
        if (strstr(request, "\r\n\r\n")) break;
        if (have == sizeof request - 1) return rep;
    }
    if (sscanf(request, "GET /%31[^/]/%lu ", kind_name, &count) != 2) return rep;
    for (k = 0; k < KINDS; k++)
        if (strcmp(kind_name, kinds[k].room) == 0) m = &kinds[k];
    if (!m || accept_value(request, accept) != 0) return rep;
    snprintf(response, sizeof response,
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
    if (stream_write(s, response, strlen(response)) != 0) return rep;
    cpu0 = cpu_ns();
    wall0 = now_ns();
    if (count == 0) {
        /* timed: the client stops reading and exits; the next write fails */
        while (stream_write(s, m->batch, m->batch_frames * m->frame_len) == 0) rep.messages += m->batch_frames;
        rep.ok = 1;
    } else {
        static const unsigned char close_normal[] = {0x88, 0x02, 0x03, 0xe8}; /* 1000 */
        unsigned char reply[64];
        size_t got = 0, need = 2;
        while (rep.messages < count) {
            size_t frames = count - rep.messages < m->batch_frames ? count - rep.messages : m->batch_frames;
            if (stream_write(s, m->batch, frames * m->frame_len) != 0) break;
            rep.messages += frames;
        }
        /* RFC 6455 5.5.1: close, then wait for the client's close (masked: 2 + 4 + payload)
           before ending TCP, as a server should */
        if (rep.messages == count && stream_write(s, close_normal, sizeof close_normal) == 0) {
            while (got < need) {
                int n = stream_read(s, reply + got, need - got);
                if (n <= 0) break;
                got += (size_t)n;
                if (got >= 2) need = 6 + (reply[1] & 0x7f);
                if (need > sizeof reply) break;
            }
            rep.ok = got >= 2 && got == need && (reply[0] & 0x0f) == 0x8;
        }
    }
    rep.cpu_ns = cpu_ns() - cpu0;
    rep.wall_ns = now_ns() - wall0;
    return rep;
}

static SSL_CTX *server_tls_context(const char *cert_dir) {
    char cert[1100], key[1100];
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    snprintf(cert, sizeof cert, "%s/ec.pem", cert_dir);
    snprintf(key, sizeof key, "%s/ec.key", cert_dir);
    if (!ctx || SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        /* one protocol and suite for every client: BearSSL's TLS 1.2 and its AES-GCM */
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256") != 1) {
        ERR_print_errors_fp(stderr);
        return NULL;
    }
    return ctx;
}

/* The server's loop; one line per connection on report_fd:
   "server OK CPU_NS WALL_NS MESSAGES CONNECTION_CPU_NS": the first three over the
   streaming, the last over the whole connection (handshakes included). */
static void server_main(int listen_ws, int listen_wss, SSL_CTX *ctx, int report_fd) {
    signal(SIGPIPE, SIG_IGN); /* a client that exits mid-stream: write() fails, no signal */
    for (;;) {
        struct pollfd p[2];
        server_report rep;
        stream s;
        char line[160];
        int which, one = 1, len;
        int64_t connection_cpu;
        p[0].fd = listen_ws;
        p[0].events = POLLIN;
        p[1].fd = listen_wss;
        p[1].events = POLLIN;
        if (poll(p, 2, -1) <= 0) continue;
        which = (p[1].revents & POLLIN) ? TRANSPORT_WSS : TRANSPORT_WS;
        s.fd = accept(which == TRANSPORT_WSS ? listen_wss : listen_ws, NULL, NULL);
        if (s.fd < 0) continue;
        connection_cpu = cpu_ns();
        setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        s.ssl = NULL;
        memset(&rep, 0, sizeof rep);
        if (which == TRANSPORT_WSS) {
            s.ssl = SSL_new(ctx);
            SSL_set_fd(s.ssl, s.fd);
            if (SSL_accept(s.ssl) == 1) rep = serve(&s);
            SSL_free(s.ssl); /* no close_notify: the timed runs end with a dropped connection */
        } else {
            rep = serve(&s);
        }
        close(s.fd);
        connection_cpu = cpu_ns() - connection_cpu;
        len = snprintf(line, sizeof line, "server %d %lld %lld %llu %lld\n", rep.ok, (long long)rep.cpu_ns,
                       (long long)rep.wall_ns, (unsigned long long)rep.messages, (long long)connection_cpu);
        if (write(report_fd, line, (size_t)len) != len) _exit(1);
    }
}

/* ------------------------------------------------------------------ the "server alone" reader */

/* Connects, upgrades, then read()s and drops everything for `seconds`: what the server and
   the kernel can deliver when the reader costs nothing. wss:// does the TLS handshake and
   the upgrade through OpenSSL (verified, as every client), then reads the records raw,
   undecrypted. Prints the same result line as the clients: the messages those bytes hold. */
static int discard_reader(int transport, int port, const message_kind *m, double seconds, const char *ca_file) {
    static unsigned char buf[1 << 20];
    struct sockaddr_in addr;
    char request[512], head[4096] = "";
    size_t head_len = 0;
    uint64_t wire = 0, frame_bytes;
    int64_t open_ns, open_cpu, end_ns, end_cpu;
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) return 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    snprintf(request, sizeof request,
             "GET /%s/0 HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
             m->room);
    if (transport == TRANSPORT_WSS) {
        ctx = SSL_CTX_new(TLS_client_method());
        if (!ctx || SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) return 1;
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        SSL_set_tlsext_host_name(ssl, "localhost");
        SSL_set1_host(ssl, "localhost");
        /* read_ahead stays off (the default): OpenSSL reads exactly one record at a time,
           so the records after the upgrade answer's are still in the socket */
        if (SSL_connect(ssl) != 1 || SSL_write(ssl, request, (int)strlen(request)) <= 0) {
            ERR_print_errors_fp(stderr);
            return 1;
        }
    } else if (write(fd, request, strlen(request)) != (ssize_t)strlen(request)) {
        return 1;
    }
    while (!strstr(head, "\r\n\r\n")) { /* the 101: its own record over wss://, and the
                                           frames start right after it over ws:// */
        int n = ssl ? SSL_read(ssl, head + head_len, 1) : (int)read(fd, head + head_len, 1);
        if (n <= 0 || head_len + 2 >= sizeof head) return 1;
        head_len++;
        head[head_len] = 0;
    }
    if (strncmp(head, "HTTP/1.1 101", 12) != 0) return 1;
    open_ns = now_ns();
    open_cpu = cpu_ns();
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) return 1;
        wire += (uint64_t)n;
        if (now_ns() - open_ns >= (int64_t)(seconds * 1e9)) break;
    }
    end_ns = now_ns();
    end_cpu = cpu_ns();
    /* the frames' share of the wire: all of it over ws://; over wss:// nearly every record
       is full (the server writes 256 KiB at a time), so the share of a full record */
    frame_bytes = transport == TRANSPORT_WSS
                      ? (uint64_t)((double)wire * TLS_RECORD_PLAINTEXT / (TLS_RECORD_PLAINTEXT + TLS_RECORD_OVERHEAD))
                      : wire;
    printf("result %llu %llu %lld %lld 0\n", (unsigned long long)(frame_bytes / m->frame_len),
           (unsigned long long)(frame_bytes / m->frame_len * m->payload_len), (long long)(end_ns - open_ns),
           (long long)(end_cpu - open_cpu));
    fflush(stdout);
    return 0;
}

/* ------------------------------------------------------------------ running a client */

/* CPU time the whole machine has spent busy (every core, every process), from /proc/stat:
   user, nice, system, irq, softirq and steal, in clock ticks. 0 when unreadable. */
static int64_t machine_busy_ns(void) {
    unsigned long long user = 0, nice = 0, system_ = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return 0;
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system_, &idle, &iowait, &irq,
               &softirq, &steal) < 4)
        user = nice = system_ = irq = softirq = steal = 0;
    fclose(f);
    return (int64_t)((user + nice + system_ + irq + softirq + steal) * (1000000000.0 / (double)sysconf(_SC_CLK_TCK)));
}

/* One core each: the server on CPU 0, each client on CPU 1 (Node's helper threads
   included), so that the two never compete for one core. Loopback TCP wakes the reader
   with a "sync" wakeup, which invites the scheduler to run it on the writer's core; on an
   idle machine it spreads them anyway (the same ceilings pinned and not, measured), but
   when other processes load the machine placement varies from run to run, and pinning
   removes that one source of noise. E2E_PIN=0 leaves placement to the scheduler. */
static int pin_to_cpu(int cpu) {
    cpu_set_t set;
    const char *pin = getenv("E2E_PIN");
    if ((pin && strcmp(pin, "0") == 0) || sysconf(_SC_NPROCESSORS_ONLN) < 2) return 0;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

static pid_t server_pid, client_pid;

static void on_signal(int sig) {
    if (client_pid > 0) kill(client_pid, SIGKILL); /* kill() is async-signal-safe */
    if (server_pid > 0) kill(server_pid, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

typedef struct measurement {
    int ok, skipped; /* skipped: left out by E2E_ONLY */
    double msgs_per_s, mb_per_s, cpu_ns_per_msg;
    double client_busy;          /* the client's CPU time / its wall time: near 1, it was the
                                    bottleneck; well below, it waited for data */
    double server_busy;          /* the server's CPU time / its wall time over the stream */
    double others;               /* cores used by every other process on the machine during
                                    the run: this machine is shared, and what others take
                                    is what the run did not get */
} measurement;

/* Reads one line from fd into buf (NUL-terminated, without the newline) before the
   deadline (monotonic ns). Returns 0, or -1 on timeout, EOF or error. */
static int read_line(int fd, char *buf, size_t cap, int64_t deadline) {
    size_t n = 0;
    while (n + 1 < cap) {
        struct pollfd p;
        int64_t left = (deadline - now_ns()) / 1000000;
        int ready;
        p.fd = fd;
        p.events = POLLIN;
        if (left <= 0) return -1;
        ready = poll(&p, 1, left > 60000 ? 60000 : (int)left); /* an int of ms; wait again after */
        if (ready < 0 && errno != EINTR) return -1;
        if (ready <= 0) continue;
        if (read(fd, buf + n, 1) != 1) return -1;
        if (buf[n] == '\n') break;
        n++;
    }
    buf[n] = 0;
    return 0;
}

typedef struct run_spec {
    int transport, kind, mode, client; /* client -1: the "server alone" reader */
    int port;
    unsigned long count;
    double seconds;
} run_spec;

typedef struct paths {
    char client_axiomws[1024], client_lws[1024], ca_file[1024];
    const char *node_client;
} paths;

/* Runs one client in its own process, then takes the server's report of that connection. */
static measurement run_once(const run_spec *r, const paths *pa, int report_fd) {
    measurement out;
    const message_kind *m = &kinds[r->kind];
    char url[256], len_arg[32], count_arg[32], seconds_arg[32], line[256];
    unsigned long long messages = 0, bytes = 0;
    long long wall = 0, cpu = 0;
    int out_pipe[2], status = 0, server_ok = 0;
    long long server_cpu = 0, server_wall = 0, server_connection_cpu = 0;
    unsigned long long server_messages = 0;
    int64_t deadline = now_ns() + (int64_t)((r->seconds + CLIENT_GRACE_S) * 1e9);
    int64_t machine_busy0 = machine_busy_ns(), self_cpu0 = cpu_ns(), wall0 = now_ns(), client_total_cpu;
    struct rusage client_usage;
    memset(&out, 0, sizeof out);
    snprintf(url, sizeof url, "%s://127.0.0.1:%d/%s/%lu", transport_names[r->transport], r->port, m->room, r->count);
    snprintf(len_arg, sizeof len_arg, "%zu", m->payload_len);
    snprintf(count_arg, sizeof count_arg, "%lu", r->count);
    snprintf(seconds_arg, sizeof seconds_arg, "%g", r->seconds);
    if (pipe(out_pipe) != 0) return out;
    client_pid = fork();
    if (client_pid < 0) return out;
    if (client_pid == 0) {
        char *argv[10];
        int i = 0;
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with us, however we die */
        pin_to_cpu(1);
        dup2(out_pipe[1], 1);
        close(out_pipe[0]);
        close(out_pipe[1]);
        close(report_fd);
        if (r->client < 0)
            _exit(discard_reader(r->transport, r->port, m, r->seconds, pa->ca_file));
        if (r->client == CLIENT_NODE) {
            argv[i++] = (char *)"node";
            argv[i++] = (char *)pa->node_client;
        } else {
            argv[i++] = (char *)(r->client == CLIENT_AXIOMWS ? pa->client_axiomws : pa->client_lws);
        }
        argv[i++] = url;
        argv[i++] = (char *)m->room;
        argv[i++] = (char *)mode_names[r->mode];
        argv[i++] = len_arg;
        argv[i++] = count_arg;
        argv[i++] = seconds_arg;
        argv[i++] = (char *)pa->ca_file;
        argv[i] = NULL;
        execvp(argv[0], argv);
        fprintf(stderr, "bench_e2e: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(out_pipe[1]);
    if (read_line(out_pipe[0], line, sizeof line, deadline) != 0 ||
        sscanf(line, "result %llu %llu %lld %lld", &messages, &bytes, &wall, &cpu) != 4) {
        kill(client_pid, SIGKILL); /* silent past its time, or failed */
        messages = 0;
    }
    close(out_pipe[0]);
    memset(&client_usage, 0, sizeof client_usage);
    wait4(client_pid, &status, 0, &client_usage); /* the client's whole life, start included */
    client_pid = 0;
    client_total_cpu = ((int64_t)client_usage.ru_utime.tv_sec + client_usage.ru_stime.tv_sec) * 1000000000 +
                       ((int64_t)client_usage.ru_utime.tv_usec + client_usage.ru_stime.tv_usec) * 1000;
    /* the server ends the connection once the client is gone (its next write fails) */
    if (read_line(report_fd, line, sizeof line, now_ns() + 10 * (int64_t)1000000000) == 0)
        sscanf(line, "server %d %lld %lld %llu %lld", &server_ok, &server_cpu, &server_wall, &server_messages,
               &server_connection_cpu);
    out.others = (double)(machine_busy_ns() - machine_busy0 - client_total_cpu - server_connection_cpu -
                          (cpu_ns() - self_cpu0)) / (double)(now_ns() - wall0);
    if (out.others < 0) out.others = 0; /* /proc/stat counts in 10 ms ticks */
    out.ok = messages > 0 && wall > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && server_ok;
    if (!out.ok) {
        fprintf(stderr, "bench_e2e: %s %s %s %s failed (client status %d, server %s)\n",
                r->client < 0 ? "server-alone" : client_names[r->client], url, mode_names[r->mode],
                r->client < 0 ? "" : parser_names[r->client], WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                server_ok ? "ok" : "not ok");
        return out;
    }
    out.msgs_per_s = (double)messages * 1e9 / (double)wall;
    out.mb_per_s = (double)bytes * 1e3 / (double)wall; /* bytes per ns * 1e3 = MB/s */
    out.cpu_ns_per_msg = (double)cpu / (double)messages;
    out.client_busy = (double)cpu / (double)wall;
    out.server_busy = server_wall > 0 ? (double)server_cpu / (double)server_wall : 0;
    return out;
}

/* ------------------------------------------------------------------ statistics and output */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of one figure (the double at `offset` in a measurement) over n runs. */
static double median_of(const measurement *runs, int n, size_t offset) {
    double v[MAX_REPS];
    int i;
    for (i = 0; i < n; i++) v[i] = *(const double *)(const void *)((const char *)&runs[i] + offset);
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Each figure's median over the repetitions, taken on its own; a row with a failed run
   has none. */
static measurement median(const measurement *runs, int n) {
    measurement out;
    int i;
    memset(&out, 0, sizeof out);
    out.skipped = runs[0].skipped;
    for (i = 0; i < n; i++)
        if (!runs[i].ok) return out;
    out.ok = 1;
    out.msgs_per_s = median_of(runs, n, offsetof(measurement, msgs_per_s));
    out.mb_per_s = median_of(runs, n, offsetof(measurement, mb_per_s));
    out.cpu_ns_per_msg = median_of(runs, n, offsetof(measurement, cpu_ns_per_msg));
    out.client_busy = median_of(runs, n, offsetof(measurement, client_busy));
    out.server_busy = median_of(runs, n, offsetof(measurement, server_busy));
    out.others = median_of(runs, n, offsetof(measurement, others));
    return out;
}

/* The median over the rounds of axiomws / peer in msg/s (cpu 0), or of peer / axiomws in
   CPU per message (cpu 1): above 1 is better for axiomws either way. 0 when a run failed. */
static double round_ratio(const measurement *axiomws, const measurement *peer, int n, int cpu) {
    double v[MAX_REPS];
    int i;
    for (i = 0; i < n; i++) {
        if (!axiomws[i].ok || !peer[i].ok) return 0;
        v[i] = cpu ? peer[i].cpu_ns_per_msg / axiomws[i].cpu_ns_per_msg : axiomws[i].msgs_per_s / peer[i].msgs_per_s;
    }
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* 12345678 -> "12,345,678" */
static const char *grouped(double value, char *buf) {
    char digits[32];
    int len, i, o = 0;
    snprintf(digits, sizeof digits, "%.0f", value);
    len = (int)strlen(digits);
    for (i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = 0;
    return buf;
}

static void range_update(double *lo, double *hi, double v) {
    if (*lo == 0 || v < *lo) *lo = v;
    if (v > *hi) *hi = v;
}

/* One peer's two ratio cells (msg/s, CPU per message) of a row, and the summary's ranges. */
static void ratio_cells(const measurement *ax, const measurement *peer, int reps, char tput_cell[32],
                        char cpu_cell[32], double tput_range[2], double cpu_range[2]) {
    double r = round_ratio(ax, peer, reps, 0);
    if (r <= 0) return;
    snprintf(tput_cell, 32, "%.2fx", r);
    range_update(&tput_range[0], &tput_range[1], r);
    r = round_ratio(ax, peer, reps, 1);
    snprintf(cpu_cell, 32, "%.2fx", r);
    range_update(&cpu_range[0], &cpu_range[1], r);
}

/* the first line `cmd` prints, without its newline; "?" when it prints none */
static void first_line_of(const char *cmd, char *out, size_t cap) {
    FILE *p = popen(cmd, "r");
    snprintf(out, cap, "?");
    if (p) {
        if (fgets(out, (int)cap, p)) out[strcspn(out, "\r\n")] = 0;
        pclose(p);
    }
}

static int listen_loopback(int *port) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0; /* the kernel picks a free port */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
        return -1;
    *port = ntohs(addr.sin_port);
    return fd;
}

/* A process above this share of a core is taken as saturated: the bottleneck. */
#define SATURATED 0.85
/* Other processes using this many cores during a run have taken what it could have used. */
#define OTHER_LOAD 0.25

static void print_row(int t, int k, const char *mode, const char *label, const measurement *x) {
    char rate[32];
    const char *bound;
    if (x->skipped) return;
    if (!x->ok) {
        printf("%-4s %-10s %-6s %-24s %13s\n", transport_names[t], kinds[k].room, mode, label, "failed");
        return;
    }
    bound = x->client_busy >= SATURATED ? "client"
            : x->server_busy >= SATURATED ? "server"
            : x->others >= OTHER_LOAD     ? "other load"
                                          : "neither";
    printf("%-4s %-10s %-6s %-24s %13s %8.1f %10.1f %6.0f%% %6.0f%% %6.2f  %s\n", transport_names[t], kinds[k].room,
           mode, label, grouped(x->msgs_per_s, rate), x->mb_per_s, x->cpu_ns_per_msg, 100 * x->client_busy,
           100 * x->server_busy, x->others, bound);
}

/* E2E_ONLY=TEXT runs only the rows whose name contains TEXT; a row's name is
   "TRANSPORT KIND MODE CLIENT" ("wss new_pairs parse lws") or "TRANSPORT KIND alone". */
static int selected(int transport, int kind, int mode, int client) {
    const char *only = getenv("E2E_ONLY");
    char name[96];
    if (!only || !*only) return 1;
    snprintf(name, sizeof name, "%s %s %s%s%s", transport_names[transport], kinds[kind].room,
             client < 0 ? "alone" : mode_names[mode], client < 0 ? "" : " ", client < 0 ? "" : client_names[client]);
    return strstr(name, only) != NULL;
}

static double env_number(const char *name, double fallback) {
    const char *v = getenv(name);
    return v && *v ? strtod(v, NULL) : fallback;
}

int main(int argc, char **argv) {
    static measurement results[TRANSPORTS][KINDS][MODES][CLIENTS][MAX_REPS];
    static measurement alone[TRANSPORTS][KINDS][MAX_REPS];
    measurement med[TRANSPORTS][KINDS][MODES][CLIENTS], alone_med[TRANSPORTS][KINDS];
    paths pa;
    char exe_dir[512], cert_dir[600], cmd[2048], node_version[64], ws_version[64];
    const char *frames = getenv("E2E_FRAMES") && *getenv("E2E_FRAMES") ? getenv("E2E_FRAMES") : "tests/data/frames.jsonl";
    int quick = getenv("E2E_QUICK") && strcmp(getenv("E2E_QUICK"), "0") != 0 && *getenv("E2E_QUICK");
    double seconds = env_number("E2E_SECONDS", 1.0);
    int reps = quick ? 1 : (int)env_number("E2E_REPS", 3);
    int listen_ws, listen_wss, port[TRANSPORTS], report_pipe[2], t, k, mo, c, rep, failures = 0, runs = 0;
    SSL_CTX *ctx;
    ssize_t n;
    int64_t started = now_ns();
    if (reps < 1 || reps > MAX_REPS || !(seconds > 0)) {
        fprintf(stderr, "bench_e2e: E2E_REPS must be 1..%d and E2E_SECONDS > 0\n", MAX_REPS);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* the clients and the certificates live beside this program */
    n = readlink("/proc/self/exe", exe_dir, sizeof exe_dir - 1);
    if (n <= 0) return 1;
    exe_dir[n] = 0;
    *strrchr(exe_dir, '/') = 0;
    snprintf(pa.client_axiomws, sizeof pa.client_axiomws, "%s/client_axiomws", exe_dir);
    snprintf(pa.client_lws, sizeof pa.client_lws, "%s/client_lws", exe_dir);
    snprintf(cert_dir, sizeof cert_dir, "%s/certs", exe_dir);
    snprintf(pa.ca_file, sizeof pa.ca_file, "%s/ca.pem", cert_dir);
    pa.node_client = getenv("E2E_NODE_CLIENT") && *getenv("E2E_NODE_CLIENT") ? getenv("E2E_NODE_CLIENT")
                                                                                : "tests/bench/e2e/client_node.js";
    if (load_messages(frames) != 0 || build_batches() != 0) return 1;
    snprintf(cmd, sizeof cmd, "tests/peers/gen_certs.sh '%s'", cert_dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_e2e: %s failed\n", cmd);
        return 1;
    }
    first_line_of("node --version 2>/dev/null", node_version, sizeof node_version);
    first_line_of("sed -n 's/^ *\"version\": *\"\\(.*\\)\",*$/\\1/p' tests/peers/node_modules/ws/package.json",
                  ws_version, sizeof ws_version);
    if (!(ctx = server_tls_context(cert_dir))) return 1;
    if ((listen_ws = listen_loopback(&port[TRANSPORT_WS])) < 0 ||
        (listen_wss = listen_loopback(&port[TRANSPORT_WSS])) < 0 || pipe(report_pipe) != 0) {
        fprintf(stderr, "bench_e2e: cannot listen on 127.0.0.1: %s\n", strerror(errno));
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    server_pid = fork();
    if (server_pid < 0) return 1;
    if (server_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        pin_to_cpu(0);
        close(report_pipe[0]);
        server_main(listen_ws, listen_wss, ctx, report_pipe[1]);
        _exit(0);
    }
    close(report_pipe[1]);
    close(listen_ws);
    close(listen_wss);
    if (argc > 1 && strcmp(argv[1], "--serve") == 0) {
        /* the server alone, for running a client by hand; its reports go to stdout */
        char line[256];
        printf("serving ws://127.0.0.1:%d/KIND/COUNT and wss://127.0.0.1:%d/KIND/COUNT (CA %s), "
               "KIND sol_price (%zu B) or new_pairs (%zu B); Ctrl-C stops\n",
               port[TRANSPORT_WS], port[TRANSPORT_WSS], pa.ca_file, kinds[0].payload_len, kinds[1].payload_len);
        while (read_line(report_pipe[0], line, sizeof line, INT64_MAX) == 0) printf("%s\n", line);
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
        return 0;
    }

    printf("bench_e2e: receiving on loopback, one server for every client, %s\n",
           quick ? "smoke run: 300 messages per client, every count and close checked (no rates)"
                 : "each client a process of its own");
    printf("  messages: %s %zu B (frames.jsonl line %d), %s %zu B (line %d); MB/s counts message bytes\n",
           kinds[0].room, kinds[0].payload_len, kinds[0].line, kinds[1].room, kinds[1].payload_len, kinds[1].line);
    printf("  clients: axiomws (BearSSL), libwebsockets %s (OpenSSL) + cJSON, Node %s ws %s; server: C, %s\n",
           E2E_LWS_VERSION, node_version, ws_version, OpenSSL_version(OPENSSL_VERSION));
    printf("  wss://: TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 for all; every client verifies the certificate "
           "against the test CA for \"localhost\"\n");
    if (!quick)
        printf("  %d runs of %g s per row, interleaved, median of each figure; CPU = getrusage user+sys of the "
               "client process from the upgrade on\n", reps, seconds);

    for (rep = 0; rep < reps; rep++) {
        if (!quick) fprintf(stderr, "bench_e2e: round %d of %d\n", rep + 1, reps); /* progress: ~30 s each */
        for (t = 0; t < TRANSPORTS; t++)
            for (k = 0; k < KINDS; k++) {
                run_spec r;
                r.transport = t;
                r.kind = k;
                r.port = port[t];
                r.count = quick ? QUICK_MESSAGES : 0;
                r.seconds = quick ? 0 : seconds;
                /* the smoke run checks clients; the ceiling is a timed figure */
                alone[t][k][rep].skipped = 1;
                if (!quick && selected(t, k, MODE_COUNT, -1)) {
                    r.mode = MODE_COUNT;
                    r.client = -1;
                    alone[t][k][rep] = run_once(&r, &pa, report_pipe[0]);
                }
                for (mo = 0; mo < MODES; mo++)
                    for (c = 0; c < CLIENTS; c++) {
                        measurement *x = &results[t][k][mo][c][rep];
                        x->skipped = 1;
                        if (!selected(t, k, mo, c)) continue;
                        r.mode = mo;
                        r.client = c;
                        *x = run_once(&r, &pa, report_pipe[0]);
                        runs++;
                        if (!x->ok) failures++;
                    }
            }
    }
    kill(server_pid, SIGTERM);
    waitpid(server_pid, NULL, 0);
    server_pid = 0;

    for (t = 0; t < TRANSPORTS; t++)
        for (k = 0; k < KINDS; k++) {
            alone_med[t][k] = quick ? alone[t][k][0] : median(alone[t][k], reps);
            for (mo = 0; mo < MODES; mo++)
                for (c = 0; c < CLIENTS; c++) med[t][k][mo][c] = median(results[t][k][mo][c], reps);
        }

    if (quick) {
        printf("smoke: %d of %d client runs received all %d messages and closed cleanly (%.1f s)\n", runs - failures,
               runs, QUICK_MESSAGES, (double)(now_ns() - started) / 1e9);
        return failures ? 1 : 0;
    }

    printf("\n%-4s %-10s %-6s %-24s %13s %8s %10s %7s %7s %6s\n", "", "", "", "", "", "", "client CPU", "client",
           "server", "other");
    printf("%-4s %-10s %-6s %-24s %13s %8s %10s %7s %7s %6s  %s\n", "tr.", "kind", "mode", "client", "msg/s", "MB/s",
           "ns/msg", "busy", "busy", "cores", "bound by");
    for (t = 0; t < TRANSPORTS; t++)
        for (k = 0; k < KINDS; k++) {
            print_row(t, k, "-", "server alone (ceiling)", &alone_med[t][k]);
            for (mo = 0; mo < MODES; mo++)
                for (c = 0; c < CLIENTS; c++) {
                    char label[64];
                    snprintf(label, sizeof label, "%s%s%s", client_names[c], mo == MODE_PARSE ? " + " : "",
                             mo == MODE_PARSE ? parser_names[c] : "");
                    print_row(t, k, mode_names[mo], label, &med[t][k][mo][c]);
                }
        }
    printf("busy: CPU time / wall time of the process over the run (100 %% = its whole core). other cores: what "
           "the rest of the machine used meanwhile.\nbound by: the side above %.0f %% busy (client first); else "
           "\"other load\" when other processes used %.2f cores or more; else \"neither\"\n",
           100 * SATURATED, OTHER_LOAD);

    {
        double tput_lws[2] = {0, 0}, tput_node[2] = {0, 0}, cpu_lws[2] = {0, 0}, cpu_node[2] = {0, 0};
        double busiest = 0, closest = 0, others[TRANSPORTS * KINDS * MODES * CLIENTS];
        int loaded_rows = 0, rows = 0;
        char closest_row[96] = "-", server_bound[512] = "";
        printf("\nratios: msg/s axiomws / peer (above 1: axiomws faster); client CPU per message peer / axiomws "
               "(above 1: axiomws cheaper);\neach the median of the rounds' own ratios (the clients of a row run "
               "back to back, so a change in the machine's speed touches both sides of a ratio alike)\n");
        printf("%-4s %-10s %-6s %14s %14s %16s %16s\n", "tr.", "kind", "mode", "msg/s vs lws", "msg/s vs node",
               "CPU/msg lws", "CPU/msg node");
        for (t = 0; t < TRANSPORTS; t++)
            for (k = 0; k < KINDS; k++)
                for (mo = 0; mo < MODES; mo++) {
                    const measurement *ax = results[t][k][mo][CLIENT_AXIOMWS], *lw = results[t][k][mo][CLIENT_LWS],
                                      *nd = results[t][k][mo][CLIENT_NODE];
                    char cells[4][32] = {"-", "-", "-", "-"};
                    if (ax[0].skipped && lw[0].skipped && nd[0].skipped) continue;
                    ratio_cells(ax, lw, reps, cells[0], cells[2], tput_lws, cpu_lws);
                    ratio_cells(ax, nd, reps, cells[1], cells[3], tput_node, cpu_node);
                    printf("%-4s %-10s %-6s %14s %14s %16s %16s\n", transport_names[t], kinds[k].room, mode_names[mo],
                           cells[0], cells[1], cells[2], cells[3]);
                }
        /* Was the server the bottleneck? Its CPU share in every client row, the rows where
           it was saturated while the client was not, and how close each client came to the
           server-alone ceiling of its transport and kind. */
        for (t = 0; t < TRANSPORTS; t++)
            for (k = 0; k < KINDS; k++)
                for (mo = 0; mo < MODES; mo++)
                    for (c = 0; c < CLIENTS; c++) {
                        measurement *x = &med[t][k][mo][c];
                        char name[96];
                        if (!x->ok) continue;
                        snprintf(name, sizeof name, "%s %s %s %s", transport_names[t], kinds[k].room, mode_names[mo],
                                 client_names[c]);
                        if (x->server_busy > busiest) busiest = x->server_busy;
                        others[rows++] = x->others;
                        if (x->client_busy < SATURATED && x->server_busy < SATURATED && x->others >= OTHER_LOAD)
                            loaded_rows++;
                        if (x->server_busy >= SATURATED && x->client_busy < SATURATED &&
                            strlen(server_bound) + strlen(name) + 3 < sizeof server_bound)
                            snprintf(server_bound + strlen(server_bound), sizeof server_bound - strlen(server_bound),
                                     "%s%s", *server_bound ? "; " : "", name);
                        if (alone_med[t][k].ok && x->msgs_per_s / alone_med[t][k].msgs_per_s > closest) {
                            closest = x->msgs_per_s / alone_med[t][k].msgs_per_s;
                            snprintf(closest_row, sizeof closest_row, "%s", name);
                        }
                    }
        printf("\nserver: at most %.0f %% of a core in any client row; rows where it was saturated and the client "
               "was not: %s; the client closest to its server-alone ceiling: %s, at %.0f %% of it\n",
               100 * busiest, *server_bound ? server_bound : "none", closest_row, 100 * closest);
        if (rows) {
            qsort(others, (size_t)rows, sizeof others[0], cmp_double);
            printf("machine: other processes used %.2f cores in the median row (%.2f at most); %d of %d rows were "
                   "bound by that other load: rerun when the machine is idle for their true rates\n",
                   others[rows / 2], others[rows - 1], loaded_rows, rows);
        }
        printf("(%d client runs, %d failed, %.0f s)\n", runs, failures, (double)(now_ns() - started) / 1e9);
        if (tput_lws[1] > 0 && tput_node[1] > 0)
            printf("summary: end to end on loopback (median of %d x %g s), axiomws received %.1f-%.1fx the messages "
                   "per second of libwebsockets %s and %.1f-%.1fx those of Node ws %s; lws used %.1f-%.1fx and "
                   "Node %.1f-%.1fx the client CPU per message (ws:// and wss://, %zu B and %zu B messages, counted "
                   "and parsed; other processes on the machine: %.2f cores in the median row)\n",
                   reps, seconds, tput_lws[0], tput_lws[1], E2E_LWS_VERSION, tput_node[0], tput_node[1], ws_version,
                   cpu_lws[0], cpu_lws[1], cpu_node[0], cpu_node[1], kinds[0].payload_len, kinds[1].payload_len,
                   rows ? others[rows / 2] : 0.0);
    }
    return failures ? 1 : 0;
}
