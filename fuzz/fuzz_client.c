/* fuzz/fuzz_client.c - stateful libFuzzer target for the whole client: the Axiom client
   (axws_axiom: stream, token refresh, rooms, reconnects) and a plain axws_conn side by side,
   on a fake network that the input drives one event at a time.

   The library is built with AXWS_PORT_USER: every socket call it makes lands in the fake
   port below (axws_port_open/connect/connect_result/send/recv/close/resolve, axws_poll,
   axws_now_ms). Three fake servers answer: the plain connection's (plain.test,
   10.0.0.1:8001), the Axiom stream's (stream.test, 10.0.0.2:8002) and the refresh
   endpoint (api.test, 10.0.0.3:8003). The harness owns the clock.

   Input layout: byte 0 configures (below); then a list of one-byte opcodes (the byte modulo
   16), most followed by one operand byte:
     0 STEP            run the loop until it is idle (see pump)
     1 WAIT            advance the clock to the next deadline, then run the loop
     2 ADVANCE x       clock += (x + 1) * 20 ms, run the loop
     3 JUMP x          clock += (x + 1) * 500 ms, run the loop
     4 SERVER x        endpoint x % 3 queues canned message (x / 3) % NMSG (see server_msg)
     5 RAW x bytes...  endpoint x % 3 queues the next x / 3 input bytes as they are
     6 EOF x           endpoint x % 3 ends its byte stream (after what is queued)
     7 RESET x         endpoint x % 3's socket fails: recv/send -1 ECONNRESET, POLLERR
     8 SENDMODE x      endpoint x % 3 takes sent bytes: all / 7 per call / none (output
                       buffer full: send takes 0) / fails (EPIPE), by (x / 3) % 4
     9 RECVMODE x      endpoint x % 3 hands out at most 0 (all) 1 2 3 7 16 64 200 bytes per
                       recv, by (x / 3) % 8
    10 CONNMODE x      the next connects to endpoint x % 3: at once / in progress / refused /
                       socket() fails once, by (x / 3) % 4
    11 DECIDE x        endpoint x % 3's connect in progress ends: connected, or refused
    12 RESOLVE x       resolver: bit i (0-2) makes endpoint i's name fail; bit 3 puts a
                       refusing address first, bit 4 one that never answers
    13 API x           call API action x % NAPI (see api(); x / NAPI picks a room, a size,
                       ...) from the top level; among them: fill the output queue to its last
                       byte, as a program writing into a peer that stopped reading does
    14 ONCB k x        from now on, callback kind k % NCB (see cb_names) calls API action
                       x - 1 each time it fires (x = 0: nothing)
    15 PAUSE           toggle axws_pause_input on the plain connection
   Configuration byte: bits 0-1 the Axiom tokens (opaque access + refresh / JWT expiring in
   ~150 s + refresh / expired JWT + refresh / refresh only); bit 2 no auto-reconnect;
   bit 3 no pacing of subscription messages; bit 4 plain connection streams chunks (no
   msg_buf); bit 5 plain tx_buf 512 bytes (else 2048); bit 6 Axiom keepalive off (else a
   ping every 1000 ms, dead peer after 2500 ms); bit 7 plain dead-peer timer off (else
   2500 ms, keepalive 1000 ms).

   Invariants, checked after every step and in every callback; a broken one abort()s with a
   message naming it:
     - no spin: a loop iteration that was due (timeout 0, or poll reported a socket ready)
       must make progress (a byte received or sent, a socket opened or closed, a resolver
       call, an event or callback, a state or queue change); 64 such iterations in a row at
       one instant without any fail
     - callbacks only from inside step (a flag is set around the step calls; the top-level
       API calls run with it clear), and never inside another callback (depth counter): an
       API call made in a callback must not call back
     - per connection instance (the three connections, each generation): OPEN at most once
       and first, ERROR at most once, CLOSE at most once and last, data events only while
       open; a CLOSE reports the sticky error, in state CLOSED; a CLOSE without error
       (clean) carries the peer's close code, never 1006 (no close frame); a plain
       connection the program did not end itself never ends without a CLOSE event
     - the Axiom client's on_connected / on_disconnected alternate, start with connected,
       and are balanced after the final disconnect; is_connected agrees
     - rooms: whenever the stream is up, has no subscription message pending and has
       written all its output, every room subscribed (and not unsubscribed) was joined on
       this very connection; no room joined twice, no leave for a room not joined
     - the dead-peer timer runs out: an OPEN connection with a dead-peer timeout that has
       received and sent nothing for that long (and was not resumed) must not stay OPEN
       (a sent byte counts: it may free room for a pending pong, after which the core
       takes input again; so the core's "last received" can never be later than this)
     - the fake network is used correctly: no call on a socket after its close, no double
       close, connect_result only after poll said the socket is ready, send only once
       connected and never of 0 bytes, connects only to addresses the resolver gave with
       the URL's port, at most one socket per connection at a time, none left open at the
       end (after disconnect/abort and the close timeout)
     - what the client writes is well formed: the upgrade request then masked frames with
       RSV clear, known opcodes, control frames final and <= 125 bytes, nothing after its
       close frame; the refresh request is POST /refresh-access-token

   Seeds (fuzz/corpus/fuzz_client/, among them the inputs that found bugs, named found_*)
   and the dictionary come from fuzz/make_client_seeds.py, which spells inputs with these
   names. `make fuzz-mutants` checks that this target finds the defects it was written for.
   Build: make build/fuzz/fuzz_client (clang libFuzzer) or build/fuzz/replay_fuzz_client.
   FUZZ_DEBUG=1 in the environment prints every op, event and port call. */
#define AXWS_PORT_USER
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...) do { fprintf(stderr, "fuzz_client invariant broken: " __VA_ARGS__); \
                       fprintf(stderr, " (line %d)\n", __LINE__); abort(); } while (0)

static int g_debug;
#define TRACE(...) do { if (g_debug) { fprintf(stderr, "[%lld] ", (long long)g_now); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* ------------------------------------------------------------------ state of one run */

enum { EP_PLAIN, EP_STREAM, EP_API, EP_COUNT };
static const char *const ep_host[EP_COUNT] = { "plain.test", "stream.test", "api.test" };
static const int ep_port[EP_COUNT] = { 8001, 8002, 8003 };
#define IP_REFUSE 99  /* 10.0.0.99: every connect is refused */
#define IP_SILENT 98  /* 10.0.0.98: connects stay in progress forever */

#define NSOCK 64       /* sockets per run; fds 100.., never reused within a run */
#define IN_MAX 16384   /* server -> client bytes queued per socket */
#define OUT_MAX 8192   /* client -> server bytes being parsed per socket */
#define SPIN_BUDGET 64 /* due loop iterations in a row without progress */
#define PUMP_MAX 200   /* loop iterations per pump */
#define WALL0 INT64_C(1700000000)
#define NROOMS 8

typedef struct fsock {
    int open;            /* between axws_port_open and axws_port_close */
    int ep;              /* -1 until connect; EP_COUNT for the refusing/silent addresses */
    int connecting;      /* connect returned 1, not yet decided */
    int decided;         /* 1 connected, -1 refused (poll reports it) */
    int connected;
    int reset;           /* recv/send fail with ECONNRESET */
    int eof;             /* recv reports EOF once `in` is drained */
    size_t in_len, in_off;
    /* the server side of what the client wrote */
    size_t out_len;
    int head_done;       /* the request head (up to CRLF CRLF) was read */
    int ws;              /* the request asked for an upgrade: frames follow */
    int overflow;        /* more than OUT_MAX unparsed: parsing stopped */
    int client_closed;   /* the client sent its close frame */
    unsigned joined;     /* rooms joined on this connection (bit per room) */
    /* the buffers last: a new socket clears only what comes before them */
    uint8_t in[IN_MAX];
    uint8_t out[OUT_MAX];
} fsock;

typedef struct ctrack {  /* one connection's instances, seen through its events */
    const char *name;
    unsigned gen;        /* generation of the instance the counters are for */
    int live;            /* plain only: started by the program and not ended */
    int opened, errored, closed, answered;
    int64_t act;         /* last activity that could make the core take input */
} ctrack;

enum { CB_P_OPEN, CB_P_MSG, CB_P_PING, CB_P_ERROR, CB_P_CLOSE, CB_A_CONNECTED, CB_A_DISCONNECTED,
       CB_A_ERROR, CB_A_MESSAGE, CB_A_TOKENS, NCB };
static const char *const cb_names[NCB] = { "plain open", "plain message", "plain ping", "plain error",
                                           "plain close", "axiom connected", "axiom disconnected",
                                           "axiom error", "axiom message", "axiom tokens" };

static int64_t g_now;
static fsock g_sock[NSOCK];
static int g_nsock;
static int g_send_mode[EP_COUNT], g_recv_chunk[EP_COUNT], g_conn_mode[EP_COUNT];
static int g_open_fail;
static unsigned g_resolve_flags;
static unsigned long g_progress;   /* bumped by everything that counts as progress */
static int g_in_step, g_depth, g_zero_streak;
static int64_t g_streak_time;      /* the clock of the iterations counted in g_zero_streak */
static uint8_t g_cb_action[NCB];
static uint64_t g_rng;

static axws_axiom A;
static axws_conn P;
static uint8_t a_rx[1024], a_tx[1024], a_msg[2048];
static uint8_t p_rx[512], p_tx[2048], p_msg[1024];
static ctrack tP = { "plain", 0, 0, 0, 0, 0, 0, 0 };
static ctrack tW = { "axiom stream", 0, 0, 0, 0, 0, 0, 0 };
static ctrack tH = { "axiom refresh", 0, 0, 0, 0, 0, 0, 0 };
static axws_event_fn orig_ws_event, orig_http_event;
static int a_up, a_connected_count, a_disconnected_count;
static unsigned g_rooms;           /* the model: rooms subscribed and not unsubscribed */
static int p_frag_open, p_paused;
static int p_resumed;              /* input resumed since the last step: it may take input */
static char tok_far[160], tok_soon[160], tok_expired[160];

static const char *const room_names[NROOMS] = {
    "new_pairs", "sol_price", "block_hash", "v:Wallet1", "t:Mint\"q", "s:caf\xc3\xa9",
    "connection_monitor", "b:back\\slash" };
static char room_join[NROOMS][160], room_leave[NROOMS][160];

/* ------------------------------------------------------------------ small helpers */

static void rng_fill(void *user, void *buf, size_t len) {
    uint8_t *p = (uint8_t *)buf;
    size_t i;
    (void)user;
    for (i = 0; i < len; i++) { /* xorshift64: deterministic runs */
        g_rng ^= g_rng << 13; g_rng ^= g_rng >> 7; g_rng ^= g_rng << 17;
        p[i] = (uint8_t)g_rng;
    }
}

static int64_t wall_clock(void *user) { (void)user; return WALL0 + g_now / 1000; }

static size_t b64url(const uint8_t *in, size_t n, char *out) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i, o = 0;
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = t[v >> 18]; out[o++] = t[v >> 12 & 63]; out[o++] = t[v >> 6 & 63]; out[o++] = t[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = t[v >> 18]; out[o++] = t[v >> 12 & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = t[v >> 18]; out[o++] = t[v >> 12 & 63]; out[o++] = t[v >> 6 & 63];
    }
    out[o] = 0;
    return o;
}

/* A JWT whose payload is {"exp":exp}: the client reads exp to schedule its refresh. */
static void make_jwt(char *out, int64_t exp) {
    char payload[48];
    int n = snprintf(payload, sizeof payload, "{\"exp\":%lld}", (long long)exp);
    size_t o = (size_t)sprintf(out, "eyJhbGciOiJIUzI1NiJ9.");
    o += b64url((const uint8_t *)payload, (size_t)n, out + o);
    strcpy(out + o, ".c2ln");
}

/* The subscription messages the client must send for room i (axws__ax_send_action's JSON
   string escaping, written out independently here). */
static void make_room_messages(void) {
    int i;
    for (i = 0; i < NROOMS; i++) {
        char esc[64];
        size_t o = 0;
        const char *p;
        for (p = room_names[i]; *p; p++) {
            if (*p == '"' || *p == '\\') esc[o++] = '\\';
            esc[o++] = *p;
        }
        esc[o] = 0;
        snprintf(room_join[i], sizeof room_join[i], "{\"action\":\"join\",\"room\":\"%s\"}", esc);
        snprintf(room_leave[i], sizeof room_leave[i], "{\"action\":\"leave\",\"room\":\"%s\"}", esc);
    }
}

/* The first `needle` inside p[0..n), or NULL (the buffers are not NUL-terminated). */
static const uint8_t *find(const uint8_t *p, size_t n, const char *needle) {
    size_t k = strlen(needle), i;
    for (i = 0; i + k <= n; i++)
        if (memcmp(p + i, needle, k) == 0) return p + i;
    return NULL;
}

static fsock *sock_of(int fd, const char *call) {
    int i = fd - 100;
    if (i < 0 || i >= g_nsock) FAIL("%s on fd %d, which the port never opened", call, fd);
    if (!g_sock[i].open) FAIL("%s on fd %d after it was closed", call, fd);
    return &g_sock[i];
}

/* The socket an endpoint's server talks to now: the newest open one connected to it. */
static fsock *ep_sock(int ep) {
    int i;
    for (i = g_nsock - 1; i >= 0; i--)
        if (g_sock[i].open && g_sock[i].ep == ep) return &g_sock[i];
    return NULL;
}

static ctrack *ep_track(int ep) { return ep == EP_PLAIN ? &tP : ep == EP_STREAM ? &tW : &tH; }

static int open_sockets(void) {
    int i, n = 0;
    for (i = 0; i < g_nsock; i++) n += g_sock[i].open;
    return n;
}

/* ------------------------------------------------------------------ the server side of
   what the client writes: the request head, then (WebSocket) masked frames */

static void server_frame(fsock *s, int ep, uint8_t b0, uint8_t *pl, size_t n) {
    int op = b0 & 15, i;
    TRACE("server %s: client frame op %d fin %d len %zu%s", ep_host[ep], op, b0 >> 7, n,
          op == AXWS_OP_CLOSE && n >= 2 ? (pl[0] << 8 | pl[1]) == 1000 ? " (1000)" : " (not 1000)" : "");
    if (s->client_closed) FAIL("%s: the client sent a frame after its close frame (RFC 6455 5.5.1)", ep_host[ep]);
    if (b0 & 0x70) FAIL("%s: client frame with RSV bits set", ep_host[ep]);
    if ((op > 2 && op < 8) || op > 10) FAIL("%s: client frame with opcode %d", ep_host[ep], op);
    if (op >= 8 && (!(b0 & 0x80) || n > 125)) FAIL("%s: client control frame fragmented or > 125 bytes", ep_host[ep]);
    if (op == AXWS_OP_CLOSE) s->client_closed = 1;
    if (ep != EP_STREAM || op != AXWS_OP_TEXT || !(b0 & 0x80)) return;
    for (i = 0; i < NROOMS; i++) {
        if (n == strlen(room_join[i]) && memcmp(pl, room_join[i], n) == 0) {
            if (s->joined >> i & 1) FAIL("room %s joined twice on one connection", room_names[i]);
            s->joined |= 1u << i;
            TRACE("server: join %s", room_names[i]);
            return;
        }
        if (n == strlen(room_leave[i]) && memcmp(pl, room_leave[i], n) == 0) {
            if (!(s->joined >> i & 1)) FAIL("leave for room %s, not joined on this connection", room_names[i]);
            s->joined &= ~(1u << i);
            TRACE("server: leave %s", room_names[i]);
            return;
        }
    }
    if (n >= 10 && memcmp(pl, "{\"action\":", 10) == 0) FAIL("subscription message for no known room: %.*s", (int)n, (const char *)pl);
}

static void server_take(fsock *s, const uint8_t *p, size_t n) {
    size_t off = 0;
    if (s->overflow) return;
    if (n > OUT_MAX - s->out_len) { s->overflow = 1; return; }
    memcpy(s->out + s->out_len, p, n);
    s->out_len += n;
    if (!s->head_done) {
        const uint8_t *end = find(s->out, s->out_len, "\r\n\r\n");
        static const char refresh_line[] = "POST /refresh-access-token HTTP/1.1\r\n";
        if (!end) return;
        end += 4;
        s->head_done = 1;
        s->ws = find(s->out, (size_t)(end - s->out), "\r\nUpgrade: websocket\r\n") != NULL;
        if (s->ep == EP_API && find(s->out, (size_t)(end - s->out), refresh_line) != s->out)
            FAIL("the refresh request is not POST /refresh-access-token: %.40s", (const char *)s->out);
        if (s->ep == EP_STREAM && !s->ws) FAIL("the stream's request asks for no upgrade");
        off = (size_t)(end - s->out);
        if (!s->ws) { s->out_len = 0; s->overflow = 1; return; } /* a body may follow: not parsed */
    }
    for (;;) {
        uint8_t *f = s->out + off, mask[4];
        size_t avail = s->out_len - off, hl = 2, len, i;
        if (avail < 2) break;
        if (!(f[1] & 0x80)) FAIL("%s: client frame not masked (RFC 6455 5.3)", ep_host[s->ep]);
        len = f[1] & 0x7F;
        if (len == 126) hl = 4;
        else if (len == 127) hl = 10;
        if (avail < hl + 4) break;
        if (len == 126) len = (size_t)f[2] << 8 | f[3];
        else if (len == 127) {
            len = 0;
            for (i = 0; i < 8; i++) len = len << 8 | f[2 + i];
        }
        if (len > OUT_MAX) FAIL("%s: client frame of %zu bytes, more than its tx_buf", ep_host[s->ep], len);
        if (avail < hl + 4 + len) break;
        memcpy(mask, f + hl, 4);
        for (i = 0; i < len; i++) f[hl + 4 + i] ^= mask[i & 3];
        server_frame(s, s->ep, f[0], f + hl + 4, len);
        off += hl + 4 + len;
    }
    memmove(s->out, s->out + off, s->out_len - off);
    s->out_len -= off;
}

/* ------------------------------------------------------------------ the fake port */

int axws_port_open(int family) {
    fsock *s;
    g_progress++;
    if (family != 4 && family != 6) FAIL("axws_port_open(%d): not 4 or 6", family);
    if (g_open_fail) { g_open_fail = 0; errno = EMFILE; return -1; }
    if (g_nsock == NSOCK) { errno = EMFILE; return -1; }
    s = &g_sock[g_nsock];
    memset(s, 0, offsetof(fsock, in));
    s->open = 1;
    s->ep = -1;
    /* the driver lets go of a connection's socket before it opens the next one */
    if (open_sockets() > 3) FAIL("%d sockets open for three connections: one leaked", open_sockets());
    TRACE("port: open fd %d", 100 + g_nsock);
    return 100 + g_nsock++;
}

int axws_port_connect(int fd, const axws_addr *a, int port) {
    fsock *s = sock_of(fd, "connect");
    int ep;
    g_progress++;
    if (s->ep != -1) FAIL("connect twice on fd %d", fd);
    if (a->family != 4 || a->ip[0] != 10 || a->ip[1] || a->ip[2]) FAIL("connect to an address the resolver never gave");
    if (a->ip[3] == IP_REFUSE) { s->ep = EP_COUNT; errno = ECONNREFUSED; return -1; }
    if (a->ip[3] == IP_SILENT) { s->ep = EP_COUNT; s->connecting = 1; return 1; }
    if (a->ip[3] < 1 || a->ip[3] > EP_COUNT) FAIL("connect to 10.0.0.%d", a->ip[3]);
    ep = a->ip[3] - 1;
    if (port != ep_port[ep]) FAIL("connect to %s on port %d, not the URL's %d", ep_host[ep], port, ep_port[ep]);
    s->ep = ep;
    TRACE("port: connect fd %d to %s, mode %d", fd, ep_host[ep], g_conn_mode[ep]);
    switch (g_conn_mode[ep]) {
    case 1: s->connecting = 1; return 1;
    case 2: errno = ECONNREFUSED; return -1;
    default: s->connected = 1; return 0;
    }
}

int axws_port_connect_result(int fd) {
    fsock *s = sock_of(fd, "connect_result");
    g_progress++;
    if (s->connected) { /* a connected socket's pending error, asked after POLLERR/POLLHUP */
        if (!s->reset) FAIL("connect_result on connected fd %d, which poll never reported failed", fd);
        return ECONNRESET;
    }
    if (!s->connecting) FAIL("connect_result on fd %d, which is not connecting", fd);
    if (!s->decided) FAIL("connect_result on fd %d before poll reported it ready", fd);
    s->connecting = 0;
    if (s->decided < 0) return ECONNREFUSED;
    s->connected = 1;
    return 0;
}

long axws_port_send(int fd, const void *p, size_t n) {
    fsock *s = sock_of(fd, "send");
    size_t k = n;
    if (!s->connected) FAIL("send on fd %d before it connected", fd);
    if (n == 0) FAIL("send of 0 bytes on fd %d", fd);
    if (s->reset) { errno = ECONNRESET; return -1; }
    switch (g_send_mode[s->ep]) {
    case 1: if (k > 7) k = 7; break;
    case 2: return 0;                       /* the output buffer is full */
    case 3: errno = EPIPE; return -1;
    default: break;
    }
    g_progress++;
    ep_track(s->ep)->act = g_now;
    server_take(s, (const uint8_t *)p, k);
    return (long)k;
}

long axws_port_recv(int fd, void *p, size_t n) {
    fsock *s = sock_of(fd, "recv");
    size_t k;
    if (!s->connected) FAIL("recv on fd %d before it connected", fd);
    if (s->reset) { errno = ECONNRESET; return -1; }
    if (s->in_off == s->in_len) {
        if (s->eof) { g_progress++; return AXWS_PORT_EOF; }
        return 0;
    }
    k = s->in_len - s->in_off;
    if (k > n) k = n;
    if (g_recv_chunk[s->ep] && k > (size_t)g_recv_chunk[s->ep]) k = (size_t)g_recv_chunk[s->ep];
    memcpy(p, s->in + s->in_off, k);
    s->in_off += k;
    g_progress++;
    ep_track(s->ep)->act = g_now;
    return (long)k;
}

void axws_port_close(int fd) {
    fsock *s = sock_of(fd, "close");
    g_progress++;
    TRACE("port: close fd %d", fd);
    s->open = 0;
}

int axws_port_resolve(void *user, const char *host, int port, axws_addr *out, int max) {
    int ep, n = 0;
    (void)user;
    g_progress++;
    for (ep = 0; ep < EP_COUNT && strcmp(host, ep_host[ep]) != 0; ep++)
        ;
    if (ep == EP_COUNT) FAIL("resolver asked for %s", host);
    if (port != ep_port[ep]) FAIL("resolver asked for %s port %d", host, port);
    TRACE("port: resolve %s%s", host, g_resolve_flags >> ep & 1 ? " (fails)" : "");
    if (g_resolve_flags >> ep & 1) return AXWS_ERESOLVE;
    memset(out, 0, sizeof *out * (size_t)max);
    if ((g_resolve_flags & 8) && n < max) { out[n].family = 4; out[n].ip[0] = 10; out[n++].ip[3] = IP_REFUSE; }
    if ((g_resolve_flags & 16) && n < max) { out[n].family = 4; out[n].ip[0] = 10; out[n++].ip[3] = IP_SILENT; }
    if (n < max) { out[n].family = 4; out[n].ip[0] = 10; out[n++].ip[3] = (uint8_t)(ep + 1); }
    return n;
}

/* Level-triggered readiness, as poll() reports it: errors whatever was asked for. */
int axws_poll(struct pollfd *fds, int nfds, int timeout_ms) {
    int i, ready = 0;
    (void)timeout_ms;
    for (i = 0; i < nfds; i++) {
        fsock *s = sock_of(fds[i].fd, "poll");
        short r = 0;
        if (s->connecting) {
            if (s->decided) r = s->decided > 0 ? POLLOUT : (short)(POLLOUT | POLLERR);
        } else if (s->connected) {
            if (s->reset) r = POLLERR | POLLHUP;
            else {
                if ((fds[i].events & POLLIN) && (s->in_off < s->in_len || s->eof)) r |= POLLIN;
                if ((fds[i].events & POLLOUT) && g_send_mode[s->ep] != 2) r |= POLLOUT;
            }
        }
        fds[i].revents = (short)(r & (fds[i].events | POLLERR | POLLHUP));
        ready += fds[i].revents != 0;
    }
    return ready;
}

int64_t axws_now_ms(void) { return g_now; }

/* ------------------------------------------------------------------ events */

static void cb_enter(const char *what) {
    TRACE("callback: %s", what);
    g_progress++; /* an event is progress */
    if (!g_in_step) FAIL("callback %s fired outside step (from an API call at the top level)", what);
    if (++g_depth > 1) FAIL("callback %s fired inside another callback (an API call called back: re-entrant)", what);
}

static void cb_leave(void) { g_depth--; }

static void api(int x);

static void cb_action(int kind) {
    if (!g_cb_action[kind]) return;
    TRACE("%s callback acts", cb_names[kind]);
    api(g_cb_action[kind] - 1);
}

/* Checks one connection event against its instance's history. */
static void track_event(ctrack *t, const axws_conn *c, const axws_event *ev) {
    if (!g_in_step) FAIL("%s: event %d outside step", t->name, (int)ev->type);
    g_progress++;
    if (c->gen != t->gen) { /* a new instance */
        t->gen = c->gen;
        t->opened = t->errored = t->closed = t->answered = 0;
    }
    if (ev->len && !ev->data) FAIL("%s: event %d with len %zu and no data", t->name, (int)ev->type, ev->len);
    if (t->closed) FAIL("%s: event %d after the CLOSE of the same connection", t->name, (int)ev->type);
    switch (ev->type) {
    case AXWS_EV_OPEN:
        if (t->opened || t->errored) FAIL("%s: a second OPEN, or OPEN after ERROR", t->name);
        if (axws_conn_state(c) != AXWS_STATE_OPEN) FAIL("%s: OPEN while the state is %d", t->name, (int)axws_conn_state(c));
        t->opened = 1;
        t->act = g_now;
        break;
    case AXWS_EV_MESSAGE: case AXWS_EV_CHUNK: case AXWS_EV_PING: case AXWS_EV_PONG:
        if (!t->opened) FAIL("%s: data event %d before OPEN", t->name, (int)ev->type);
        break;
    case AXWS_EV_HTTP_RESPONSE:
        if (t->answered || t->opened) FAIL("%s: a second HTTP response", t->name);
        t->answered = 1;
        break;
    case AXWS_EV_ERROR:
        if (t->errored) FAIL("%s: a second ERROR for one connection", t->name);
        if (ev->error >= 0 || ev->error != axws_error(c)) FAIL("%s: ERROR %d, sticky error %d", t->name, ev->error, axws_error(c));
        t->errored = 1;
        break;
    case AXWS_EV_CLOSE:
        if (axws_conn_state(c) != AXWS_STATE_CLOSED) FAIL("%s: CLOSE while the state is %d", t->name, (int)axws_conn_state(c));
        if (ev->error != axws_error(c)) FAIL("%s: CLOSE says error %d, the sticky error is %d", t->name, ev->error, axws_error(c));
        if (t->errored && !ev->error) FAIL("%s: CLOSE without the error its ERROR reported", t->name);
        /* RFC 6455 7.1.5: 1006 means no close frame arrived, which is never a clean end */
        if (!ev->error && ev->close_code == AXWS_CLOSE_ABNORMAL)
            FAIL("%s: a clean CLOSE (no error) with code 1006: the connection ended for no reason", t->name);
        t->closed = 1;
        t->live = 0;
        break;
    default:
        FAIL("%s: unknown event type %d", t->name, (int)ev->type);
    }
}

static void plain_event(axws_conn *c, const axws_event *ev, void *user) {
    (void)user;
    if (c != &P) FAIL("plain callback for another connection");
    TRACE("plain event %d err %d code %d len %zu", (int)ev->type, ev->error, ev->close_code, ev->len);
    cb_enter("plain event");
    track_event(&tP, c, ev);
    switch (ev->type) {
    case AXWS_EV_OPEN: cb_action(CB_P_OPEN); break;
    case AXWS_EV_MESSAGE: case AXWS_EV_CHUNK: cb_action(CB_P_MSG); break;
    case AXWS_EV_PING: cb_action(CB_P_PING); break;
    case AXWS_EV_ERROR: cb_action(CB_P_ERROR); break;
    case AXWS_EV_CLOSE: cb_action(CB_P_CLOSE); break;
    default: break;
    }
    cb_leave();
}

/* The Axiom client's own connections: their events are checked on the way in. */
static void ws_event_shim(axws_conn *c, const axws_event *ev, void *user) {
    TRACE("stream event %d err %d code %d len %zu", (int)ev->type, ev->error, ev->close_code, ev->len);
    track_event(&tW, c, ev);
    orig_ws_event(c, ev, user);
}

static void http_event_shim(axws_conn *c, const axws_event *ev, void *user) {
    TRACE("refresh event %d err %d status %d", (int)ev->type, ev->error, ev->status);
    track_event(&tH, c, ev);
    orig_http_event(c, ev, user);
}

static void a_on_message(axws_axiom *a, const axws_axiom_msg *m, void *user) {
    (void)m; (void)user;
    if (a != &A) FAIL("axiom callback for another client");
    cb_enter("axiom message");
    if (!a_up) FAIL("on_message while not connected");
    cb_action(CB_A_MESSAGE);
    cb_leave();
}

static void a_on_connected(axws_axiom *a, const char *session_id, void *user) {
    (void)user;
    if (a != &A) FAIL("axiom callback for another client");
    cb_enter("axiom connected");
    if (a_up) FAIL("on_connected twice without on_disconnected");
    if (!session_id || strlen(session_id) != 21) FAIL("on_connected without a session id");
    a_up = 1;
    a_connected_count++;
    if (!axws_axiom_is_connected(a)) FAIL("is_connected is 0 inside on_connected");
    cb_action(CB_A_CONNECTED);
    cb_leave();
}

static void a_on_disconnected(axws_axiom *a, const char *reason, void *user) {
    (void)user;
    if (a != &A) FAIL("axiom callback for another client");
    cb_enter("axiom disconnected");
    if (!a_up) FAIL("on_disconnected without on_connected (twice for one connection?)");
    if (!reason) FAIL("on_disconnected without a reason");
    a_up = 0;
    a_disconnected_count++;
    if (axws_axiom_is_connected(a)) FAIL("is_connected is 1 inside on_disconnected");
    cb_action(CB_A_DISCONNECTED);
    cb_leave();
}

static void a_on_error(axws_axiom *a, const axws_axiom_error *e, void *user) {
    (void)user;
    if (a != &A) FAIL("axiom callback for another client");
    TRACE("axiom error %d: %s", e->code, e->text);
    cb_enter("axiom error");
    if (!e->text || e->code >= 0 || e->kind < AXWS_AXIOM_ERR_AUTH || e->kind >= AXWS_AXIOM_ERR_LAST_)
        FAIL("on_error with kind %d code %d", (int)e->kind, e->code);
    cb_action(CB_A_ERROR);
    cb_leave();
}

static void a_on_tokens(axws_axiom *a, const char *access, const char *refresh, void *user) {
    (void)user;
    if (a != &A) FAIL("axiom callback for another client");
    cb_enter("axiom tokens");
    if (!access || !*access || !refresh) FAIL("on_tokens without an access token");
    cb_action(CB_A_TOKENS);
    cb_leave();
}

/* ------------------------------------------------------------------ API calls */

enum { API_A_CONNECT, API_A_CONNECT_TP, API_A_DISCONNECT, API_A_RECONNECT, API_A_SUB, API_A_UNSUB,
       API_A_SEND, API_A_REFRESH, API_A_SET_TOKENS, API_A_AUTO, API_P_CONNECT, API_P_CLOSE,
       API_P_ABORT, API_P_SEND, API_P_FRAG, API_P_PING, API_P_HTTP, API_P_PAUSE, API_A_SUB_WALLET,
       API_A_SUB_NEW, API_P_FILL, API_A_FILL, NAPI };

/* Queue text frames until tx_buf has no room even for the smallest frame (6 bytes): what a
   program writing as fast as it can into a peer that stopped reading ends up with. */
static void fill_queue(axws_conn *c, int axiom) {
    static const char zeros[2048];
    int k;
    for (k = 0; k < 64; k++) {
        size_t room = axws_tx_free(c), n;
        if (room < 6) break;
        n = room - 6 < 126 ? room - 6 : room - 8 < 0x10000 ? room - 8 : room - 14;
        if (n > sizeof zeros) n = sizeof zeros;
        if ((axiom ? axws_axiom_send_text(&A, zeros, n) : axws_send_text(c, zeros, n)) != AXWS_OK) break;
    }
}

/* The plain connection was ended by the program (abort, close before open): no CLOSE owed. */
static void p_ended_by_program(void) {
    if (axws_conn_state(&P) == AXWS_STATE_CLOSED && tP.gen == P.gen && !tP.closed) tP.live = 0;
}

static void p_started(int r) {
    if (r != AXWS_OK) return;
    tP.live = 1;
    tP.gen = P.gen;
    tP.opened = tP.errored = tP.closed = tP.answered = 0;
    tP.act = g_now;
    p_frag_open = 0;
}

static void api(int x) {
    static char text[1100];
    int act = x % NAPI, arg = x / NAPI, r = 0;
    if (!text[0]) memset(text, 'x', sizeof text - 1);
    TRACE("api %d arg %d%s", act, arg, g_in_step ? " (in a callback)" : "");
    switch (act) {
    case API_A_CONNECT: r = axws_axiom_connect(&A, g_now); break;
    case API_A_CONNECT_TP: r = axws_axiom_connect_token_price(&A, g_now); break;
    case API_A_DISCONNECT: r = axws_axiom_disconnect(&A, g_now); break;
    case API_A_RECONNECT: r = axws_axiom_reconnect(&A, g_now); break;
    case API_A_SUB:
    case API_A_SUB_WALLET:
    case API_A_SUB_NEW: {
        int i = act == API_A_SUB_WALLET ? 3 : act == API_A_SUB_NEW ? 0 : arg % NROOMS;
        r = act == API_A_SUB_WALLET ? axws_axiom_subscribe_wallet_transactions(&A, "Wallet1")
            : act == API_A_SUB_NEW  ? axws_axiom_subscribe_new_tokens(&A)
                                    : axws_axiom_subscribe(&A, room_names[i]);
        if (r == AXWS_OK) g_rooms |= 1u << i;
        break;
    }
    case API_A_UNSUB: {
        int i = arg % NROOMS;
        r = axws_axiom_unsubscribe(&A, room_names[i]);
        if (r == AXWS_OK) g_rooms &= ~(1u << i);
        else if (g_rooms >> i & 1) FAIL("unsubscribe of subscribed room %s failed: %d", room_names[i], r);
        break;
    }
    case API_A_SEND: {
        static const size_t sizes[3] = { 10, 500, 1000 };
        r = axws_axiom_send_text(&A, text, sizes[arg % 3]);
        break;
    }
    case API_A_REFRESH: r = axws_axiom_refresh_token(&A, g_now); break;
    case API_A_SET_TOKENS:
        switch (arg % 4) {
        case 0: r = axws_axiom_set_tokens(&A, tok_far, "ref1"); break;
        case 1: r = axws_axiom_set_tokens(&A, tok_soon, NULL); break;
        case 2: r = axws_axiom_set_tokens(&A, "", NULL); break;   /* forget the access token */
        default: r = axws_axiom_set_tokens(&A, NULL, ""); break;  /* forget the refresh token */
        }
        break;
    case API_A_AUTO: axws_axiom_set_auto_reconnect(&A, arg & 1); break;
    case API_A_FILL: fill_queue(&A.ws, 1); break;
    case API_P_FILL: fill_queue(&P, 0); break;
    case API_P_CONNECT: {
        static const char *const urls[3] = { "ws://plain.test:8001/p", "ws://10.0.0.1:8001/ip", "ws://:8001/" };
        r = axws_connect(&P, urls[arg % 3], g_now);
        p_started(r);
        break;
    }
    case API_P_CLOSE:
        r = axws_close(&P, arg & 1 ? 4000 : 1000, arg & 1 ? "going" : NULL, g_now);
        p_ended_by_program();
        break;
    case API_P_ABORT:
        axws_abort(&P);
        p_ended_by_program();
        break;
    case API_P_SEND: {
        static const size_t sizes[3] = { 10, 300, 900 };
        r = arg & 4 ? axws_send_binary(&P, text, sizes[arg % 3]) : axws_send_text(&P, text, sizes[arg % 3]);
        break;
    }
    case API_P_FRAG:
        r = axws_send_fragment(&P, p_frag_open ? AXWS_OP_CONT : AXWS_OP_TEXT, text, 50, arg & 1);
        if (r == AXWS_OK) p_frag_open = !(arg & 1);
        break;
    case API_P_PING: r = axws_ping(&P, text, arg & 1 ? 125 : 4); break;
    case API_P_HTTP: {
        static const char *const hdrs[] = { "Accept: */*", NULL };
        r = axws_http_request(&P, "http://plain.test:8001/h", "GET", hdrs, NULL, 0, g_now);
        p_started(r);
        break;
    }
    case API_P_PAUSE:
        p_paused = arg & 1;
        axws_pause_input(&P, p_paused);
        if (!p_paused) p_resumed = 1; /* the next step takes what was left: activity then */
        break;
    default:
        break;
    }
    TRACE("api %d returned %d", act, r);
    if (r > 0) FAIL("API action %d returned %d", act, r);
    if (g_in_step) return;
    if (g_depth) FAIL("depth %d at the top level", g_depth);
}

/* ------------------------------------------------------------------ the loop */

static int64_t next_timeout(void) {
    int ta = axws_axiom_timeout_ms(&A, g_now), tp = axws_timeout_ms(&P, g_now);
    if (ta < -1 || tp < -1) FAIL("timeout below -1");
    if (ta < 0) return tp;
    if (tp < 0) return ta;
    return ta < tp ? ta : tp;
}

/* What changes when the client works without touching the network or calling back. */
static uint64_t signature(void) {
    const axws_conn *c[3] = { &A.ws, &A.http, &P };
    uint64_t h = 1469598103934665603ull;
    int i;
    for (i = 0; i < 3; i++) {
        h = (h ^ (uint64_t)c[i]->state) * 1099511628211ull;
        h = (h ^ (uint64_t)c[i]->rx_len) * 1099511628211ull;
        h = (h ^ (uint64_t)(c[i]->tx_tail - c[i]->tx_head)) * 1099511628211ull;
        h = (h ^ (uint64_t)c[i]->gen) * 1099511628211ull;
    }
    return h;
}

static void check_dead_peer(const ctrack *t, const axws_conn *c) {
    if (axws_conn_state(c) != AXWS_STATE_OPEN || !c->cfg.dead_peer_ms) return;
    if (g_now - t->act >= c->cfg.dead_peer_ms)
        FAIL("%s: nothing received or sent for %lld ms (dead peer after %d) and still OPEN", t->name,
             (long long)(g_now - t->act), c->cfg.dead_peer_ms);
}

static void check_after_step(void) {
    const axws_conn *ws = axws_axiom_conn(&A);
    if (tP.live && axws_conn_state(&P) == AXWS_STATE_CLOSED)
        FAIL("plain: the connection ended without a CLOSE event");
    check_dead_peer(&tP, &P);
    check_dead_peer(&tW, ws);
    if (axws_axiom_is_connected(&A) != (a_up && axws_conn_state(ws) == AXWS_STATE_OPEN))
        FAIL("axws_axiom_is_connected disagrees with the callbacks");
#ifdef AXWS_AXIOM_SHARED_RX
    /* fuzz_client_shared.c: the stream and the token refresh take turns on rx_buf */
    if (axws_conn_state(ws) != AXWS_STATE_CLOSED && axws_conn_state(&A.http) != AXWS_STATE_CLOSED)
        FAIL("shared rx: the stream (state %d) and the refresh (state %d) both hold rx_buf", (int)axws_conn_state(ws),
             (int)axws_conn_state(&A.http));
#endif
    /* rooms: once the client says nothing is pending and its output is written, every room
       of the model must have been joined on this connection */
    if (a_up && axws_conn_state(ws) == AXWS_STATE_OPEN && !axws__ax_rooms_pending(&A) && ws->tx_head == ws->tx_tail &&
        ws->fd >= 0) {
        fsock *s = sock_of(ws->fd, "rooms check");
        unsigned missing = g_rooms & ~s->joined;
        if (missing) {
            int i = 0;
            while (!(missing >> i & 1)) i++;
            FAIL("room %s is subscribed but was never joined on this connection", room_names[i]);
        }
    }
}

static void iterate(void) {
    struct pollfd fds[AXWS_AXIOM_MAX_POLLFDS + AXWS_MAX_POLLFDS];
    int n, m, ready;
    unsigned long before = g_progress;
    uint64_t sig = signature();
    int64_t t = next_timeout();
    n = axws_axiom_pollfds(&A, fds, AXWS_AXIOM_MAX_POLLFDS);
    m = axws_pollfds(&P, fds + n, AXWS_MAX_POLLFDS);
    ready = axws_poll(fds, n + m, 0);
    g_in_step = 1;
    axws_axiom_step(&A, fds, n, g_now);
    axws_step(&P, fds + n, m, g_now);
    g_in_step = 0;
    if (g_depth) FAIL("callback depth %d after step", g_depth);
    if (p_resumed) { /* the core counts input when it takes it, which this step could do */
        tP.act = g_now;
        p_resumed = 0;
    }
    check_after_step();
    /* a spin is the loop going round at one instant: an iteration at a later time that is
       due again has a new deadline to meet, and starts the count afresh */
    if (g_now != g_streak_time) {
        g_zero_streak = 0;
        g_streak_time = g_now;
    }
    if (t != 0 && !ready) {
        g_zero_streak = 0;
    } else if (g_progress != before || signature() != sig) {
        g_zero_streak = 0;
    } else if (++g_zero_streak >= SPIN_BUDGET) {
        /* what was due, for whoever reads the report */
        fprintf(stderr, "timeouts: stream %d, refresh %d, plain %d; axiom: next_attempt %+lld, next_refresh %+lld, "
                "next_send %+lld (rooms pending %d, up %d), next_token_check %+lld, want_up %d\n",
                axws_timeout_ms(&A.ws, g_now), axws_timeout_ms(&A.http, g_now), axws_timeout_ms(&P, g_now),
                (long long)(A.next_attempt ? A.next_attempt - g_now : 0), (long long)(A.next_refresh ? A.next_refresh - g_now : 0),
                (long long)(A.next_send - g_now), axws__ax_rooms_pending(&A), A.up,
                (long long)(A.next_token_check - g_now), A.want_up);
        FAIL("spin: %d loop iterations in a row were due (timeout %lld, %d sockets ready) and did nothing",
             g_zero_streak, (long long)t, ready);
    }
}

/* One turn of a program's event loop, repeated while there is work now. */
static int pump(void) {
    int i;
    for (i = 0; i < PUMP_MAX; i++) {
        struct pollfd fds[AXWS_AXIOM_MAX_POLLFDS + AXWS_MAX_POLLFDS];
        int n, ready;
        iterate();
        n = axws_axiom_pollfds(&A, fds, AXWS_AXIOM_MAX_POLLFDS);
        n += axws_pollfds(&P, fds + n, AXWS_MAX_POLLFDS);
        ready = axws_poll(fds, n, 0);
        if (next_timeout() != 0 && !ready) return 1;
    }
    return 0;
}

static void advance(int64_t ms) {
    g_now += ms;
    pump();
}

/* ------------------------------------------------------------------ the servers */

static size_t put_frame(uint8_t *out, uint8_t b0, const void *pl, size_t n) {
    size_t h = 2;
    out[0] = b0;
    if (n < 126) out[1] = (uint8_t)n;
    else { out[1] = 126; out[2] = (uint8_t)(n >> 8); out[3] = (uint8_t)n; h = 4; }
    if (n) memcpy(out + h, pl, n);
    return h + n;
}

#define NMSG 28

/* Canned message m of endpoint ep's server into out; its length. */
static size_t server_msg(int ep, int m, uint8_t *out) {
    static const char sol[] = "{\"room\":\"sol_price\",\"content\":101.5}";
    static const char pairs[] = "{\"room\":\"new_pairs\",\"content\":{\"pair_address\":\"7ACw\",\"token_name\":\"x\"}}";
    const axws_conn *c = ep == EP_PLAIN ? &P : ep == EP_STREAM ? &A.ws : &A.http;
    char *o = (char *)out;
    uint8_t pl[3000];
    switch (m) {
    case 0: return (size_t)sprintf(o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                      "Sec-WebSocket-Accept: %s\r\n\r\n", c->accept);
    case 1: return (size_t)sprintf(o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
    case 2: return (size_t)sprintf(o, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
    case 3: return (size_t)sprintf(o, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\n\r\n");
    case 4: return (size_t)sprintf(o, "HTTP/1.1 503 Service Unavailable\r\n\r\n");
    case 5: return (size_t)sprintf(o, "HTTP/1.1 200 OK\r\nSet-Cookie: auth-access-token=%s; Path=/; HttpOnly\r\n"
                                      "Set-Cookie: auth-refresh-token=ref2; Path=/\r\nContent-Length: 2\r\n\r\n{}", tok_far);
    case 6: return (size_t)sprintf(o, "HTTP/1.1 200 OK\r\nSet-Cookie: auth-access-token=%s\r\n\r\n", tok_soon);
    case 7: return (size_t)sprintf(o, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    case 8: return (size_t)sprintf(o, "HTTP/1.1 500 Internal Server Error\r\n\r\n");
    case 9: return put_frame(out, 0x81, sol, sizeof sol - 1);
    case 10: return put_frame(out, 0x81, pairs, sizeof pairs - 1);
    case 11: return put_frame(out, 0x81, "{oops", 5);
    case 12: return put_frame(out, 0x82, "\x01\x02\x03\x04", 4);
    case 13: return put_frame(out, 0x89, "ping", 4);
    case 14: memset(pl, 'p', 125); return put_frame(out, 0x89, pl, 125);
    case 15: return put_frame(out, 0x8A, "pong", 4);
    case 16: return put_frame(out, 0x88, "\x03\xe8" "bye", 5);
    case 17: return put_frame(out, 0x88, "\x03\xf5", 2);   /* 1013 try again later */
    case 18: return put_frame(out, 0x88, "", 0);
    case 19: return put_frame(out, 0x88, "\x03\xed", 2);   /* 1005 may not be sent */
    case 20: return put_frame(out, 0x01, "{\"room\":\"sol_", 13);
    case 21: return put_frame(out, 0x80, "price\",\"content\":1}", 19);
    case 22: /* larger than every msg_buf here */
        memcpy(pl, "{\"room\":\"new_pairs\",\"content\":\"", 31);
        memset(pl + 31, 'a', 2960);
        memcpy(pl + 2991, "\"}", 2);
        return put_frame(out, 0x81, pl, 2993);
    case 23: return put_frame(out, 0x81, "bad \xed\xa0\x80 utf8", 12);
    case 24: out[0] = 0x81; out[1] = 0x82; memcpy(out + 2, "\x11\x22\x33\x44hi", 6); return 8; /* masked */
    case 25: {
        size_t k = server_msg(ep, 0, out);
        return k + put_frame(out + k, 0x81, sol, sizeof sol - 1);
    }
    case 26: return (size_t)sprintf(o, "HTTP/1.1 301 Moved Permanently\r\nLocation: ws://elsewhere.test/\r\n\r\n");
    default: return put_frame(out, 0x89, "", 0);
    }
}

static void server_queue(int ep, const uint8_t *p, size_t n) {
    fsock *s = ep_sock(ep);
    if (!s || s->eof || s->reset) return;
    if (n > IN_MAX - s->in_len) n = IN_MAX - s->in_len;
    memcpy(s->in + s->in_len, p, n);
    s->in_len += n;
}

/* ------------------------------------------------------------------ one run */

static void setup(uint8_t conf) {
    axws_axiom_config ac;
    axws_config pc;
    int r;
    g_nsock = 0; /* axws_port_open clears each slot it hands out */
    memset(g_send_mode, 0, sizeof g_send_mode);
    memset(g_recv_chunk, 0, sizeof g_recv_chunk);
    memset(g_conn_mode, 0, sizeof g_conn_mode);
    memset(g_cb_action, 0, sizeof g_cb_action);
    g_open_fail = 0;
    g_resolve_flags = 0;
    g_progress = 0;
    g_in_step = g_depth = g_zero_streak = 0;
    g_streak_time = 0;
    g_rng = 0x9E3779B97F4A7C15ull;
    g_now = 1000000;
    a_up = a_connected_count = a_disconnected_count = 0;
    g_rooms = 0;
    p_frag_open = p_paused = p_resumed = 0;
    tP.gen = tW.gen = tH.gen = 0;
    tP.live = tW.live = tH.live = 0;
    tP.opened = tP.errored = tP.closed = tP.answered = 0;
    tW.opened = tW.errored = tW.closed = tW.answered = 0;
    tH.opened = tH.errored = tH.closed = tH.answered = 0;
    tP.act = tW.act = tH.act = g_now;
    make_jwt(tok_far, WALL0 + 1000 + 86400);
    make_jwt(tok_soon, WALL0 + 1000 + 150);
    make_jwt(tok_expired, WALL0 + 1000 - 10);

    memset(&ac, 0, sizeof ac);
    ac.handler.on_message = a_on_message;
    ac.handler.on_connected = a_on_connected;
    ac.handler.on_disconnected = a_on_disconnected;
    ac.handler.on_error = a_on_error;
    ac.handler.on_tokens = a_on_tokens;
    ac.url = "ws://stream.test:8002/ws";
    ac.token_price_url = "ws://stream.test:8002/tp";
    ac.api_url = "http://api.test:8003/";
    switch (conf & 3) {
    case 0: ac.access_token = "acc-opaque"; ac.refresh_token = "ref0"; break;
    case 1: ac.access_token = tok_soon; ac.refresh_token = "ref0"; break;
    case 2: ac.access_token = tok_expired; ac.refresh_token = "ref0"; break;
    default: ac.refresh_token = "ref0"; break;
    }
    ac.no_env = 1;
    ac.no_auto_reconnect = (conf >> 2) & 1;
    ac.pacing_ms = conf & 8 ? -1 : 100;
    ac.keepalive_ms = conf & 64 ? -1 : 1000;
    ac.dead_peer_ms = conf & 64 ? -1 : 2500;
    ac.connect_timeout_ms = 3000;
    ac.backoff_base_ms = 100;
    ac.backoff_cap_ms = 2000;
    ac.healthy_ms = 5000;
    ac.token_check_ms = 20000;
    ac.rx_buf = a_rx; ac.rx_size = sizeof a_rx;
    ac.tx_buf = a_tx; ac.tx_size = sizeof a_tx;
    ac.msg_buf = a_msg; ac.msg_size = sizeof a_msg;
    ac.random = rng_fill;
    ac.wall_clock = wall_clock;
    r = axws_axiom_init(&A, &ac);
    if (r) FAIL("axws_axiom_init: %d", r);
    /* watch the client's own connections: every event passes the shims first */
    orig_ws_event = A.ws.cfg.on_event;
    A.ws.cfg.on_event = ws_event_shim;
    orig_http_event = A.http.cfg.on_event;
    A.http.cfg.on_event = http_event_shim;

    memset(&pc, 0, sizeof pc);
    pc.rx_buf = p_rx; pc.rx_size = sizeof p_rx;
    pc.tx_buf = p_tx; pc.tx_size = conf & 32 ? 512 : sizeof p_tx;
    if (!(conf & 16)) { pc.msg_buf = p_msg; pc.msg_size = sizeof p_msg; }
    pc.connect_timeout_ms = 3000;
    pc.handshake_timeout_ms = 3000;
    pc.close_timeout_ms = 1500;
    pc.keepalive_ms = conf & 128 ? 0 : 1000;
    pc.dead_peer_ms = conf & 128 ? 0 : 2500;
    pc.on_event = plain_event;
    pc.random = rng_fill;
    r = axws_init(&P, &pc);
    if (r) FAIL("axws_init: %d", r);
}

/* The end of a run: the program disconnects and aborts, the close handshake times out,
   and nothing may be left behind. */
static void teardown(void) {
    int i;
    memset(g_cb_action, 0, sizeof g_cb_action);
    memset(g_send_mode, 0, sizeof g_send_mode);
    i = axws_axiom_disconnect(&A, g_now);
    TRACE("teardown: disconnect() = %d, stream state %d", i, (int)axws_conn_state(&A.ws));
    axws_abort(&P);
    p_ended_by_program();
    for (i = 0; i < 16; i++) { /* the program's loop: sockets first, then the next deadline */
        int64_t t;
        pump();
        if (axws_conn_state(&A.ws) == AXWS_STATE_CLOSED && axws_conn_state(&A.http) == AXWS_STATE_CLOSED &&
            axws_conn_state(&P) == AXWS_STATE_CLOSED)
            break;
        t = next_timeout();
        TRACE("teardown: wait %lld ms", (long long)t);
        if (t < 0) break;
        g_now += t > 0 ? t : 1;
    }
    if (axws_conn_state(&A.ws) != AXWS_STATE_CLOSED || axws_conn_state(&A.http) != AXWS_STATE_CLOSED)
        FAIL("the Axiom client still runs after disconnect() and its close timeout (stream state %d, refresh %d)",
             (int)axws_conn_state(&A.ws), (int)axws_conn_state(&A.http));
    if (open_sockets()) FAIL("%d sockets left open after disconnect, abort and the close timeout", open_sockets());
    if (a_up || a_connected_count != a_disconnected_count)
        FAIL("on_connected %d times, on_disconnected %d times", a_connected_count, a_disconnected_count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t i = 1;
    static int inited;
    if (!inited) {
        const char *d = getenv("FUZZ_DEBUG");
        g_debug = d && *d && *d != '0';
        make_room_messages();
        inited = 1;
    }
    if (size < 1) return 0;
    setup(data[0]);
    while (i < size) {
        int op = data[i++] % 16;
        int x = i < size ? data[i] : 0;
        int ep = x % EP_COUNT;
        if (op != 0 && op != 1 && op != 15) i++; /* the operand */
        TRACE("op %d x %d", op, x);
        switch (op) {
        case 0: pump(); break;
        case 1: {
            int64_t t = next_timeout();
            advance(t > 0 ? t : t < 0 ? 1000 : 0);
            break;
        }
        case 2: advance((int64_t)(x + 1) * 20); break;
        case 3: advance((int64_t)(x + 1) * 500); break;
        case 4: {
            uint8_t buf[3200];
            size_t n = server_msg(ep, (x / EP_COUNT) % NMSG, buf);
            server_queue(ep, buf, n);
            break;
        }
        case 5: {
            size_t n = (size_t)(x / EP_COUNT);
            if (n > size - i) n = size - i;
            server_queue(ep, data + i, n);
            i += n;
            break;
        }
        case 6: { fsock *s = ep_sock(ep); if (s) s->eof = 1; break; }
        case 7: { fsock *s = ep_sock(ep); if (s && s->connected) s->reset = 1; break; }
        case 8: g_send_mode[ep] = (x / EP_COUNT) % 4; break;
        case 9: {
            static const int chunks[8] = { 0, 1, 2, 3, 7, 16, 64, 200 };
            g_recv_chunk[ep] = chunks[(x / EP_COUNT) % 8];
            break;
        }
        case 10:
            if ((x / EP_COUNT) % 4 == 3) g_open_fail = 1;
            else g_conn_mode[ep] = (x / EP_COUNT) % 4;
            break;
        case 11: {
            int k;
            for (k = g_nsock - 1; k >= 0; k--)
                if (g_sock[k].open && g_sock[k].connecting && !g_sock[k].decided &&
                    (g_sock[k].ep == ep || g_sock[k].ep == EP_COUNT)) {
                    g_sock[k].decided = (x / EP_COUNT) % 2 ? -1 : 1;
                    if (g_sock[k].ep == EP_COUNT) g_sock[k].decided = -1; /* the silent address */
                    break;
                }
            break;
        }
        case 12: g_resolve_flags = (unsigned)x; break;
        case 13: api(x); break;
        case 14: {
            int k = x % NCB;
            g_cb_action[k] = i < size ? data[i++] : 0;
            break;
        }
        default: api(API_P_PAUSE + NAPI * !p_paused); break;
        }
        if (!g_in_step && g_depth) FAIL("callback depth %d at the top level", g_depth);
        if (tP.live && axws_conn_state(&P) == AXWS_STATE_CLOSED && op == 13)
            FAIL("plain: the connection ended without a CLOSE event (after an API call)");
    }
    teardown();
    return 0;
}
