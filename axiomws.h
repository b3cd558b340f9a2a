/* axiomws.h - v0.1.0 - Axiom Trade streaming client / WebSocket (RFC 6455) client in one C header

   Do this:
       #define AXIOMWS_IMPLEMENTATION
   before you include this file in *one* C or C++ file to create the implementation.
   Every other file includes it without the define and sees only declarations.
   Link with -lbearssl (unless built with AXWS_NO_TLS).

QUICK START
   A client that connects, sends one message and prints what comes back:

       static void on_event(axws_conn *c, const axws_event *ev, void *user) {
           if (ev->type == AXWS_EV_OPEN)    axws_send_text(c, "hello", 5);
           if (ev->type == AXWS_EV_MESSAGE) printf("%.*s\n", (int)ev->len, (const char *)ev->data);
       }
       ...
       static unsigned char rx[16384], tx[16384], msg[65536];
       axws_config cfg = {0};
       cfg.rx_buf = rx; cfg.rx_size = sizeof rx;     cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
       cfg.msg_buf = msg; cfg.msg_size = sizeof msg; cfg.on_event = on_event;
       axws_conn c;
       axws_init(&c, &cfg);
       axws_connect(&c, "ws://127.0.0.1:9001/", axws_now_ms());
       while (axws_get_state(&c) != AXWS_STATE_CLOSED) {
           struct pollfd p[AXWS_MAX_POLLFDS];
           int n = axws_pollfds(&c, p, AXWS_MAX_POLLFDS);
           poll(p, (nfds_t)n, axws_timeout_ms(&c, axws_now_ms()));
           axws_step(&c, p, n, axws_now_ms());
       }

CONFIGURATION MACROS (NAME - default - meaning)
   AXIOMWS_IMPLEMENTATION - unset - emit the definitions in this translation unit.
   AXWS_STATIC            - unset - make every public function static to this file.
   AXWS_API               - extern - decoration of every public function.
   AXWS_NO_TLS            - unset - build without BearSSL: no wss://, a built-in SHA-1 for
                                    the handshake and an OS random pool for mask keys.
                                    Changes struct layouts: set it the same in every file.
   AXWS_ASSERT(x)         - assert(x) - how programmer errors (NULL objects) are caught.

CONVENTIONS
   Public names start with axws_ / AXWS_, private ones with axws__. Every length is a size_t.
   Functions return int: 0 on success, a negative AXWS_E* code on error, or a non-negative
   count where a count fits. Time is always passed in by the caller as monotonic milliseconds
   (axws_now_ms() reads CLOCK_MONOTONIC for programs that do not keep their own clock).

MEMORY
   The library never calls malloc. The caller owns the axws_conn object and every buffer named
   in axws_config; they must stay valid and untouched until the connection is CLOSED and not
   reconnected. One buffer does double duty: the upgrade response is assembled in tx_buf
   (which is idle while the client waits for it), so no separate header buffer exists.
       rx_buf   socket reads (plain ws:// only)               >= AXWS_MIN_RX bytes
       tx_buf   queued outgoing frames, then the upgrade       >= AXWS_MIN_TX bytes
                response (bounded by max_handshake)
       msg_buf  whole-message reassembly (optional: without   the largest message accepted
                it messages arrive as streamed chunks)
   The default resolver calls getaddrinfo(), which may allocate inside libc and may block.
   Programs that must avoid both set cfg.resolve, or call axws_connect_addr() or
   axws_connect_fd() with an address or socket they obtained themselves.

ERRORS
   The first fatal error sticks to the connection (axws_error()); axws_strerror() describes any
   code. Details have their own getters: axws_http_status(), axws_close_code(),
   axws_close_reason(), axws_sys_errno(), axws_location(). axws_connect() on a CLOSED
   connection starts afresh and clears them.

THE STEP LOOP
   axws_pollfds() fills struct pollfd entries (fd and events) for the sockets the connection
   needs; axws_timeout_ms() says how long the program may wait before the next deadline
   (-1: no deadline). After poll() returns, the program calls axws_step() with the same array
   (revents filled in) and the current time. Step never blocks: it reads what is available,
   parses every complete frame, fires the event callback for each event, flushes queued
   output and handles timers. Events are delivered only from inside axws_step() (or
   axws_feed() for programs that drive the core themselves); the callback may send, close,
   or start other work, on this or any other connection.

   THREADS: one connection object must be used by one thread at a time. Different objects
   are independent.

   Programs that do their own I/O use the core directly: axws_start() builds the upgrade
   request, axws_output()/axws_output_ack() hand out queued bytes, axws_feed() takes received
   bytes and returns how many it consumed (it stops consuming when it cannot queue a reply:
   back-pressure), axws_tick() runs the timers.

LIMITATIONS
   No permessage-deflate (extensions are refused). No HTTP proxy support. No redirects are
   followed (the Location header is exposed). TLS is 1.2 at most (BearSSL).

HISTORY
   0.1.0  first release: RFC 6455 client engine.
*/
#ifndef AXIOMWS_H_INCLUDED
#define AXIOMWS_H_INCLUDED

#define AXWS_VERSION_MAJOR 0
#define AXWS_VERSION_MINOR 1
#define AXWS_VERSION_PATCH 0
#define AXWS_VERSION_STRING "0.1.0"

#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <sys/socket.h>
#ifndef AXWS_NO_TLS
#include <bearssl.h>
#endif

#ifndef AXWS_API
#ifdef AXWS_STATIC
#if defined(__GNUC__) || defined(__clang__)
#define AXWS_API static __attribute__((unused))
#else
#define AXWS_API static
#endif
#else
#define AXWS_API extern
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== errors */

/* X(name, value, text): one list yields the enum and axws_strerror(). */
#define AXWS__ERRORS(X)                                                                      \
    X(AXWS_OK, 0, "success")                                                                 \
    X(AXWS_EWOULDBLOCK, -1, "output buffer full: nothing was queued, try again after step") \
    X(AXWS_EINVAL, -2, "invalid argument")                                                   \
    X(AXWS_ESTATE, -3, "operation not allowed in the connection's current state")           \
    X(AXWS_EURL, -4, "malformed URL")                                                        \
    X(AXWS_ERESOLVE, -5, "host name could not be resolved")                                  \
    X(AXWS_ECONNECT, -6, "TCP connection failed")                                            \
    X(AXWS_ETIMEDOUT, -7, "timed out")                                                       \
    X(AXWS_EHTTP, -8, "server answered the upgrade with a status other than 101")           \
    X(AXWS_EHANDSHAKE, -9, "invalid upgrade response")                                       \
    X(AXWS_ETOOBIG, -10, "message or response larger than the configured limit")            \
    X(AXWS_EPROTO, -11, "WebSocket protocol violation by the peer")                          \
    X(AXWS_EUTF8, -12, "invalid UTF-8 in a text message or close reason")                   \
    X(AXWS_EIO, -13, "socket error")                                                         \
    X(AXWS_ECLOSED, -14, "connection closed without a close handshake")                      \
    X(AXWS_EDEADPEER, -15, "nothing received from the peer within the dead-peer timeout")   \
    X(AXWS_ENOBUFS, -16, "a configured buffer is too small")                                 \
    X(AXWS_ETLS, -17, "TLS failure")                                                         \
    X(AXWS_ENOTLS, -18, "wss:// is not available in a build with AXWS_NO_TLS")

#define AXWS__ENUM_ITEM(name, value, text) name = value,
enum { AXWS__ERRORS(AXWS__ENUM_ITEM) AXWS__ERR_LAST_ };
#undef AXWS__ENUM_ITEM

/* A static, readable description of any AXWS_E* code (or "unknown error"). */
AXWS_API const char *axws_strerror(int err);

/* ======================================================================== frames and events */

enum {
    AXWS_OP_CONT = 0x0,
    AXWS_OP_TEXT = 0x1,
    AXWS_OP_BINARY = 0x2,
    AXWS_OP_CLOSE = 0x8,
    AXWS_OP_PING = 0x9,
    AXWS_OP_PONG = 0xA
};

/* RFC 6455 7.4.1 status codes the library itself uses. */
enum {
    AXWS_CLOSE_NORMAL = 1000,
    AXWS_CLOSE_GOING_AWAY = 1001,
    AXWS_CLOSE_PROTOCOL = 1002,
    AXWS_CLOSE_UNSUPPORTED = 1003,
    AXWS_CLOSE_NO_STATUS = 1005,   /* never sent: "the peer's close had no code" */
    AXWS_CLOSE_ABNORMAL = 1006,    /* never sent: "no close frame at all" */
    AXWS_CLOSE_INVALID_DATA = 1007,
    AXWS_CLOSE_POLICY = 1008,
    AXWS_CLOSE_TOO_BIG = 1009,
    AXWS_CLOSE_INTERNAL = 1011,
    AXWS_CLOSE_TRY_AGAIN = 1013
};

typedef enum axws_state {
    AXWS_STATE_CLOSED = 0,   /* not started, or finished (see axws_error) */
    AXWS_STATE_CONNECTING,   /* TCP connect in progress */
    AXWS_STATE_TLS,          /* TLS handshake in progress */
    AXWS_STATE_HANDSHAKE,    /* upgrade request sent, waiting for 101 */
    AXWS_STATE_OPEN,         /* messages flow */
    AXWS_STATE_CLOSING       /* close frame sent, waiting for the peer's and for TCP end */
} axws_state;

typedef enum axws_event_type {
    AXWS_EV_OPEN = 1, /* upgrade done; axws_header() works during this callback */
    AXWS_EV_MESSAGE,  /* a whole message (msg_buf mode): opcode, data, len */
    AXWS_EV_CHUNK,    /* part of a message (streaming mode): opcode, data, len, offset, fin */
    AXWS_EV_PING,     /* a ping arrived (the pong is sent automatically): data, len */
    AXWS_EV_PONG,     /* a pong arrived: data, len */
    AXWS_EV_CLOSE,    /* the connection is finished: close_code, data/len = reason, error */
    AXWS_EV_ERROR     /* a fatal error happened (a CLOSE event follows): error */
} axws_event_type;

/* Passed to the event callback; valid only during the callback (data points into the
   library's or BearSSL's buffers). */
typedef struct axws_event {
    axws_event_type type;
    int opcode;          /* AXWS_OP_TEXT or AXWS_OP_BINARY for messages and chunks */
    const uint8_t *data; /* payload, close reason; NULL when len is 0 */
    size_t len;
    uint64_t offset;     /* CHUNK: offset of data within the message */
    int fin;             /* CHUNK: 1 on the message's last chunk */
    int close_code;      /* CLOSE: the peer's code, 1005 (none), or 1006 (no close frame) */
    int error;           /* ERROR, CLOSE: the sticky error, 0 for a clean close */
} axws_event;

typedef struct axws_conn axws_conn;

/* Event callback. `user` is cfg.user. Fired only from inside axws_step()/axws_feed()/
   axws_tick(); it may call any function on this or another connection. */
typedef void (*axws_event_fn)(axws_conn *c, const axws_event *ev, void *user);

/* Resolver hook: fill up to `max` addresses for host:port into out[] (lens[] gets each
   length) and return how many (>0), or a negative AXWS_E* code. The default calls
   getaddrinfo(AF_UNSPEC), which blocks and may allocate. */
typedef int (*axws_resolve_fn)(void *user, const char *host, int port,
                               struct sockaddr_storage *out, socklen_t *lens, int max);

/* Random bytes: fill buf[0..len). Used for the handshake key and mask keys. The default is
   BearSSL's HMAC-DRBG seeded once from the OS (without TLS: an OS random pool refilled in
   blocks). Tests inject their own to make runs deterministic. */
typedef void (*axws_random_fn)(void *user, void *buf, size_t len);

/* Optional log sink; silent when NULL. The text never contains credentials. */
typedef void (*axws_log_fn)(void *user, const char *text);

#define AXWS_MIN_RX 256      /* smallest rx_buf */
#define AXWS_MIN_TX 512      /* smallest tx_buf: request headers must fit, plus a close */
#define AXWS_MAX_POLLFDS 1   /* pollfd entries one connection can ask for */
#define AXWS_MAX_ADDRS 8     /* addresses tried per connect */

/* Zero means default for every field. */
typedef struct axws_config {
    void *rx_buf;          /* required for ws://: socket reads land here */
    size_t rx_size;
    void *tx_buf;          /* required: outgoing frames, then the upgrade response */
    size_t tx_size;
    void *msg_buf;         /* optional: whole-message mode when set, else streaming chunks */
    size_t msg_size;       /* the largest message accepted; bigger closes with 1009 */
    size_t max_handshake;  /* upgrade response limit; default 8192 (never above tx_size) */

    const char *origin;        /* optional Origin header */
    const char *subprotocols;  /* optional comma-separated Sec-WebSocket-Protocol offer */
    const char *const *headers;/* optional NULL-terminated list of "Name: value" lines; a
                                  line containing CR or LF is refused with AXWS_EINVAL */

    int connect_timeout_ms;    /* TCP (+TLS) connect; default 10000 */
    int handshake_timeout_ms;  /* upgrade answer; default 10000 */
    int close_timeout_ms;      /* wait for the peer's close and TCP end; default 2000 */
    int keepalive_ms;          /* send a ping after this much silence; 0 = never */
    int dead_peer_ms;          /* fail with AXWS_EDEADPEER after this long with nothing
                                  received; 0 = never */

    axws_event_fn on_event;    /* optional */
    void *user;                /* passed to on_event */
    axws_resolve_fn resolve;   /* optional; default getaddrinfo */
    void *resolve_user;
    axws_random_fn random;     /* optional; default OS-seeded generator */
    void *random_user;
    axws_log_fn log;           /* optional */
    void *log_user;
#ifndef AXWS_NO_TLS
    /* >>tls-config (owned by the TLS layer) */
    /* wss:// only. See "TLS" in the top comment for the whole story. */
    void *tls_buf;             /* TLS record buffers: >= AXWS_TLS_BUF_MIN bytes (records
                                  in, small records out) or AXWS_TLS_BUF_FULL (full-duplex,
                                  full-size records both ways). When NULL, rx_buf is used
                                  (it is otherwise idle on a wss:// connection) */
    size_t tls_size;
    const br_x509_trust_anchor *trust_anchors; /* anchors to verify against (borrowed; see
                                  axws_tls_anchors_pem/_file and examples/ta_gen.c) */
    size_t trust_anchor_count;
    const char *servername;    /* name to verify and send as SNI; default: the URL host.
                                  Required when the URL host is an IP literal */
    int insecure_skip_verify;  /* 1 = accept ANY certificate (no chain, name or date check):
                                  anyone on the path can read and change the traffic. Off
                                  by default; for tests against throw-away servers only */
    int tls_no_resume;         /* 1 = never offer the saved session (full handshakes) */
    int64_t (*tls_time)(void *user); /* wall clock for certificate validity: seconds since
                                  the Unix epoch; default time(NULL). Tests inject it */
    void *tls_time_user;
    /* <<tls-config */
#endif
} axws_config;

/* Parsed ws:// or wss:// URL; fields point into `storage` given to axws_parse_url. */
typedef struct axws_url {
    int secure;        /* 1 for wss:// */
    int port;          /* explicit or 80/443 */
    int port_explicit; /* 1 when the URL named the port */
    const char *host;  /* without brackets for IPv6 literals */
    int host_is_ip;    /* 1 for IPv4 or IPv6 literals */
    int host_is_ipv6;
    const char *path;  /* path and query, at least "/" */
} axws_url;

/* Parse `url` into `out`, copying pieces into storage[0..storage_size). Returns 0,
   AXWS_EURL (malformed: bad scheme, empty host, bad port, bad brackets, spaces or control
   characters) or AXWS_ENOBUFS. */
AXWS_API int axws_parse_url(const char *url, axws_url *out, char *storage, size_t storage_size);

/* ======================================================================== the connection */

/* Initialise `c` with `cfg` (copied; buffers it names are borrowed). Returns 0 or
   AXWS_EINVAL/AXWS_ENOBUFS. */
AXWS_API int axws_init(axws_conn *c, const axws_config *cfg);

/* Start connecting to `url`. Resolution uses cfg.resolve (default getaddrinfo, which may
   block). Returns 0 (progress continues in axws_step) or an error. */
AXWS_API int axws_connect(axws_conn *c, const char *url, int64_t now_ms);
/* The same with addresses resolved by the program; nothing blocks. */
AXWS_API int axws_connect_addr(axws_conn *c, const char *url, const struct sockaddr *addrs,
                               const socklen_t *lens, int count, int64_t now_ms);
/* The same over a socket the program has connected (or is connecting, non-blocking). The
   library owns `fd` from now on and closes it. */
AXWS_API int axws_connect_fd(axws_conn *c, const char *url, int fd, int64_t now_ms);

/* Fill up to `max` pollfd entries; returns how many (0 when CLOSED). */
AXWS_API int axws_pollfds(const axws_conn *c, struct pollfd *fds, int max);
/* Milliseconds until the next deadline, 0 when step has work now, -1 for none. */
AXWS_API int axws_timeout_ms(const axws_conn *c, int64_t now_ms);
/* Do all available work: I/O on the sockets poll reported, events, timers. Never blocks.
   Returns 0, or the sticky error once the connection has failed. */
AXWS_API int axws_step(axws_conn *c, const struct pollfd *fds, int nfds, int64_t now_ms);

/* Queue a whole message (masked with a fresh key). Returns 0, AXWS_EWOULDBLOCK when it
   does not fit the free space of tx_buf (nothing is queued), AXWS_ESTATE when not OPEN. */
AXWS_API int axws_send(axws_conn *c, int opcode, const void *data, size_t len);
AXWS_API int axws_send_text(axws_conn *c, const char *text, size_t len);
AXWS_API int axws_send_binary(axws_conn *c, const void *data, size_t len);
/* Queue one fragment of a message: the first call's opcode is TEXT or BINARY, later ones
   pass AXWS_OP_CONT; fin = 1 ends the message. Same returns as axws_send. */
AXWS_API int axws_send_fragment(axws_conn *c, int opcode, const void *data, size_t len, int fin);
/* Queue a ping (len <= 125). */
AXWS_API int axws_ping(axws_conn *c, const void *data, size_t len);
/* Start the close handshake with `code` (1000 if 0) and an optional UTF-8 reason (<= 123
   bytes). The connection becomes CLOSING and ends after the peer answers or
   close_timeout_ms. */
AXWS_API int axws_close(axws_conn *c, int code, const char *reason, int64_t now_ms);
/* Drop the connection at once (no handshake). */
AXWS_API void axws_abort(axws_conn *c);

/* Bytes free in tx_buf (what the next send may use, header included). */
AXWS_API size_t axws_tx_free(const axws_conn *c);

AXWS_API axws_state axws_get_state(const axws_conn *c);
AXWS_API int axws_error(const axws_conn *c);
AXWS_API int axws_http_status(const axws_conn *c);      /* status of a refused upgrade */
AXWS_API const char *axws_http_reason(const axws_conn *c, size_t *len);
AXWS_API const char *axws_location(const axws_conn *c, size_t *len); /* redirects */
AXWS_API int axws_close_code(const axws_conn *c);       /* the peer's code, 1005, 1006 */
AXWS_API const char *axws_close_reason(const axws_conn *c, size_t *len);
AXWS_API int axws_sent_close_code(const axws_conn *c);  /* what we sent, 0 if nothing */
AXWS_API int axws_sys_errno(const axws_conn *c);        /* errno of a socket failure */
AXWS_API const char *axws_subprotocol(const axws_conn *c); /* negotiated, or NULL */
/* A response header of the 101 (case-insensitive name; index selects among repeats).
   Valid only during the AXWS_EV_OPEN callback; NULL when absent. */
AXWS_API const char *axws_header(const axws_conn *c, const char *name, int index, size_t *len);

/* ======================================================================== the core (no I/O) */

/* Build the upgrade request into tx_buf for `url`'s host and path: the state becomes
   HANDSHAKE. For programs doing their own I/O (the socket driver calls it itself). */
AXWS_API int axws_start(axws_conn *c, const axws_url *url, int64_t now_ms);
/* Queued output: pointer and length of bytes to write (NULL when none). */
AXWS_API const uint8_t *axws_output(const axws_conn *c, size_t *len);
/* `n` bytes of axws_output() were written. */
AXWS_API void axws_output_ack(axws_conn *c, size_t n);
/* Received bytes. Returns how many were consumed (less than len only when output space for
   a reply is missing, or the connection ended). Fires events. */
AXWS_API size_t axws_feed(axws_conn *c, const void *data, size_t len, int64_t now_ms);
/* The peer closed the byte stream (EOF). */
AXWS_API void axws_feed_eof(axws_conn *c, int64_t now_ms);
/* Run timers (keepalive, dead peer, close and handshake timeouts). */
AXWS_API void axws_tick(axws_conn *c, int64_t now_ms);

/* CLOCK_MONOTONIC in milliseconds. */
AXWS_API int64_t axws_now_ms(void);

/* >>json-decl */
/* <<json-decl */

/* >>tls-decl */
#ifndef AXWS_NO_TLS
/* ------------------------------------------------------------------------ TLS (wss://)
   TLS 1.2 through BearSSL's client engine, driven by axws_step() without blocking (never
   br_sslio). ECDHE key exchange with AEAD suites only: AES-GCM first when the CPU has AES
   instructions, ChaCha20-Poly1305 first otherwise. The server certificate is always verified
   (chain to cfg.trust_anchors, validity dates, and the server name) unless the program sets
   cfg.insecure_skip_verify.

   Server name: cfg.servername, else the URL host. It is sent as SNI and matched against the
   certificate's DNS names, so the address dialled may differ from the name verified
   (connect to 127.0.0.1, verify "localhost"). IP-literal policy: RFC 6066 section 3 forbids
   an IP address in SNI and BearSSL does not match iPAddress entries of certificates, so a
   wss:// URL with an IP-literal host and no cfg.servername fails with AXWS_ETLS and
   axws_tls_error() == AXWS_TLS_ERR_IP_HOST (with insecure_skip_verify it connects, sending
   no SNI). An IP literal given as cfg.servername is refused the same way.

   Memory: the connection object holds BearSSL's client and X.509 contexts; the records
   live in cfg.tls_buf (the first AXWS_TLS_IN_SIZE bytes receive, the rest sends). BearSSL
   cuts outgoing records to the largest power of two that fits the output part (at least
   512), so only AXWS_TLS_BUF_MIN, AXWS_TLS_IN_SIZE + 1024 + 85, ... up to AXWS_TLS_BUF_FULL
   are worth choosing. Received application data is parsed in place in BearSSL's buffer. */

/* Receive part: one TLS 1.2 record of 2^14 plaintext bytes with AEAD overhead: 5 header +
   16384 + 8 explicit nonce + 16 tag (RFC 5246 6.2.3; AES-GCM per RFC 5288; ChaCha20 needs
   less). BearSSL's BR_SSL_BUFSIZE_INPUT also covers CBC suites, which are never offered. */
#define AXWS_TLS_IN_SIZE (5 + 16384 + 8 + 16)
#define AXWS_TLS_OUT_OVERHEAD 85                       /* BearSSL's per-record reserve */
#define AXWS_TLS_OUT_MIN (512 + AXWS_TLS_OUT_OVERHEAD)  /* 512-byte outgoing records */
#define AXWS_TLS_OUT_FULL (16384 + AXWS_TLS_OUT_OVERHEAD)
#define AXWS_TLS_BUF_MIN (AXWS_TLS_IN_SIZE + AXWS_TLS_OUT_MIN)   /* small output layout */
#define AXWS_TLS_BUF_FULL (AXWS_TLS_IN_SIZE + AXWS_TLS_OUT_FULL) /* full-duplex layout */

/* TLS error details beyond BearSSL's own codes (which are 1..63 and 256/512 + alert). */
#define AXWS_TLS_ERR_EOF 1024        /* the server closed TCP during the TLS handshake */
#define AXWS_TLS_ERR_IP_HOST 1025    /* IP-literal host without cfg.servername */
#define AXWS_TLS_ERR_NO_ANCHORS 1026 /* verification on but no trust anchors configured */
#define AXWS_TLS_ERR_PLAINTEXT 1027  /* the server answered in plain HTTP, not TLS */

/* The TLS detail of a connection that failed with AXWS_ETLS: a BearSSL error code
   (BR_ERR_*, BR_ERR_X509_*, BR_ERR_RECV_FATAL_ALERT + alert, BR_ERR_SEND_FATAL_ALERT +
   alert) or AXWS_TLS_ERR_*; 0 when TLS did not fail. */
AXWS_API int axws_tls_error(const axws_conn *c);
/* A static, readable description of a code from axws_tls_error(). */
AXWS_API const char *axws_tls_strerror(int tls_err);
/* 1 when the last TLS handshake of `c` resumed a saved session (abbreviated handshake). */
AXWS_API int axws_tls_resumed(const axws_conn *c);
/* Name of the negotiated cipher suite, or NULL before the handshake / on ws://. */
AXWS_API const char *axws_tls_suite(const axws_conn *c);
/* Forget the saved TLS session so the next connect makes a full handshake. The session
   (BearSSL's br_ssl_session_parameters, kept in `c`) is otherwise offered again when `c`
   reconnects to the same server name and port. */
AXWS_API void axws_tls_forget_session(axws_conn *c);

/* Private: the X.509 "engine" used with insecure_skip_verify. It takes the server's key
   from the first certificate and checks nothing. */
typedef struct axws__tls_any {
    const br_x509_class *vtable;
    br_x509_decoder_context dec;
    uint32_t certs;
} axws__tls_any;

/* Trust anchors decoded from PEM into a caller buffer. */
typedef struct axws_tls_anchors {
    const br_x509_trust_anchor *anchors; /* out: the array, inside buf */
    size_t count;   /* out: anchors stored */
    size_t needed;  /* out: bytes of buf the whole set needs (also set on AXWS_ENOBUFS) */
    size_t skipped; /* out: PEM objects that are not certificates, and certificates whose
                       key BearSSL cannot use (e.g. Ed25519) */
} axws_tls_anchors;

/* Decode every CERTIFICATE in `pem` (one or many, as in /etc/ssl/certs/ca-certificates.crt)
   into trust anchors: the br_x509_trust_anchor array and the names and keys it points to
   are all stored in buf[0..size), which must stay valid while connections use them
   (cfg.trust_anchors = out->anchors, cfg.trust_anchor_count = out->count). A CA
   certificate becomes a CA anchor; any other certificate is trusted directly (pinning a
   self-signed server). Returns the count (> 0), AXWS_ENOBUFS when buf is too small
   (out->needed bytes always suffice), AXWS_EINVAL when the text holds no usable
   certificate or a malformed one (out->count then says how many decoded before it).
   Allocates nothing. */
AXWS_API int axws_tls_anchors_pem(axws_tls_anchors *out, void *buf, size_t size,
                                  const void *pem, size_t pem_len);
/* The same from a file, read in 4 KiB pieces. It uses fopen(), which allocates inside
   libc; programs that must avoid that read the file themselves and call
   axws_tls_anchors_pem(). Returns also AXWS_EIO when the file cannot be read. */
AXWS_API int axws_tls_anchors_file(axws_tls_anchors *out, void *buf, size_t size,
                                   const char *path);
#endif
/* <<tls-decl */

/* >>axiom-decl */
/* <<axiom-decl */

/* ======================================================================== the object
   Transparent so the caller can allocate it anywhere; treat every field as private. */
struct axws_conn {
    axws_config cfg;
    axws_state state;
    int error;          /* sticky first fatal error */
    int sys_errno;
    int http_status;
    int close_code;     /* received */
    int sent_close;     /* code we sent, 0 = none yet */
    int closed_event;   /* the CLOSE event was delivered */
    int in_callback;

    /* transport */
    int fd;
    int secure;
    int addr_index, addr_count;
    struct sockaddr_storage addrs[AXWS_MAX_ADDRS];
    socklen_t addr_lens[AXWS_MAX_ADDRS];
    size_t rx_len;      /* plain: bytes in rx_buf not yet consumed by the core */
    int eof;

    /* timers (monotonic ms; 0 = unset) */
    int64_t deadline;   /* connect / handshake / close deadline */
    int64_t last_rx;
    int64_t last_tx;
    int ping_outstanding;

    /* output queue in tx_buf: bytes [tx_head, tx_tail) */
    size_t tx_head, tx_tail;
    int tx_frag_open;   /* a fragmented send is in progress */

    /* handshake */
    char accept[29];    /* expected Sec-WebSocket-Accept */
    size_t hs_len;      /* response bytes gathered in tx_buf */
    size_t hs_scan;     /* where the end-of-headers search resumes */
    const char *hs_reason; size_t hs_reason_len;
    const char *hs_location; size_t hs_location_len;
    char subprotocol[64];
    char host[256];     /* URL host (also the TLS server name default) */

    /* frame parser */
    uint8_t hdr[14];
    uint8_t hdr_have, hdr_need;
    uint8_t fr_opcode, fr_fin;
    uint64_t fr_left;   /* payload bytes still to come in the current frame */
    uint64_t fr_len;
    int in_frame;       /* header parsed, payload pending */
    int msg_opcode;     /* opcode of the message in progress, 0 = none */
    uint64_t msg_len;   /* bytes of the current message so far */
    uint32_t utf8_state;
    uint8_t ctl[125];   /* control frame payload being gathered */
    uint8_t ctl_len;
    uint8_t close_reason[123];
    uint8_t close_reason_len;

    /* random */
    uint8_t rnd[64];
    uint8_t rnd_used;
#ifndef AXWS_NO_TLS
    br_hmac_drbg_context drbg;
    int drbg_seeded;
    /* >>tls-state (owned by the TLS layer) */
    br_ssl_client_context tls_cc;   /* BearSSL's client engine (3.7 KB) */
    union {                         /* certificate checks, used during the handshake only */
        br_x509_minimal_context minimal;
        axws__tls_any any;          /* insecure_skip_verify */
    } tls_x509;
    br_ssl_session_parameters tls_session; /* kept across reconnects for resumption */
    uint32_t tls_session_key;       /* hash of server name and port of tls_session; 0 = none */
    uint32_t tls_conn_key;          /* the same for the current connection */
    int tls_err;                    /* BearSSL code or AXWS_TLS_ERR_*, 0 = none */
    uint8_t tls_offered;            /* the saved session was offered */
    uint8_t tls_resumed;            /* the last handshake was abbreviated */
    uint8_t tls_flush;              /* app data handed to BearSSL since the last flush */
    uint8_t tls_closing;            /* we sent close_notify */
    uint8_t tls_got_data;           /* some bytes arrived (for the plain-HTTP diagnosis) */
    /* <<tls-state */
#endif
};

#ifdef __cplusplus
}
#endif
#endif /* AXIOMWS_H_INCLUDED */

/* ############################################################################ implementation */
#if defined(AXIOMWS_IMPLEMENTATION) && !defined(AXIOMWS__IMPLEMENTED)
#define AXIOMWS__IMPLEMENTED

/* >>util */
/* <<util */

/* >>frame */
/* <<frame */

/* >>http */
/* <<http */

/* >>json */
/* <<json */

/* >>tls */
#ifndef AXWS_NO_TLS
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>
#ifndef AXWS_ASSERT
#include <assert.h>
#define AXWS_ASSERT(x) assert(x)
#endif
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* platforms without it use SO_NOSIGPIPE on the socket */
#endif

/* Defined in >>conn: record the sticky error once, fire AXWS_EV_ERROR, end the connection. */
static int axws__fail(axws_conn *c, int err, int sys_errno);

/* ---- cipher suites: TLS 1.2, ECDHE (forward secrecy), AEAD only. The first half of the
   list is what this CPU runs fastest: AES-GCM with AES-NI (constant-time and quick),
   otherwise ChaCha20-Poly1305 (constant-time in software, where table-free AES is slow). */
static const uint16_t axws__tls_suites_aes[] = {
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,       BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,       BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256};
static const uint16_t axws__tls_suites_chacha[] = {
    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,       BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,       BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384};

static int axws__tls_have_aesni(void) {
    /* BearSSL returns NULL when the CPU (or the build) lacks AES-NI / PCLMULQDQ. */
    return br_aes_x86ni_ctr_get_vtable() != NULL && br_ghash_pclmul_get() != 0;
}

AXWS_API const char *axws_tls_suite(const axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    if (!c->secure) return NULL;
    switch (c->tls_cc.eng.session.cipher_suite) {
    case BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: return "ECDHE-ECDSA-AES128-GCM-SHA256";
    case BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: return "ECDHE-RSA-AES128-GCM-SHA256";
    case BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: return "ECDHE-ECDSA-AES256-GCM-SHA384";
    case BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: return "ECDHE-RSA-AES256-GCM-SHA384";
    case BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: return "ECDHE-ECDSA-CHACHA20-POLY1305";
    case BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: return "ECDHE-RSA-CHACHA20-POLY1305";
    default: return NULL;
    }
}

/* ---- error texts */
#define AXWS__TLS_ALERTS(X)                                                         \
    X(0, "close_notify") X(10, "unexpected_message") X(20, "bad_record_mac")       \
    X(22, "record_overflow") X(30, "decompression_failure")                        \
    X(42, "bad_certificate") X(43, "unsupported_certificate")                      \
    X(44, "certificate_revoked") X(45, "certificate_expired")                      \
    X(46, "certificate_unknown") X(47, "illegal_parameter") X(48, "unknown_ca")    \
    X(49, "access_denied") X(50, "decode_error") X(51, "decrypt_error")            \
    X(71, "insufficient_security") X(80, "internal_error") X(90, "user_canceled")   \
    X(100, "no_renegotiation") X(110, "unsupported_extension")                     \
    X(112, "unrecognized_name") X(120, "no_application_protocol")

AXWS_API const char *axws_tls_strerror(int e) {
    switch (e) {
    case 0: return "no TLS error";
    case AXWS_TLS_ERR_EOF: return "the server closed the connection during the TLS handshake";
    case AXWS_TLS_ERR_IP_HOST:
        return "the host is an IP address: set a server name to verify (cfg.servername); "
               "certificates are matched by DNS name only and SNI cannot carry an IP";
    case AXWS_TLS_ERR_NO_ANCHORS:
        return "no trust anchors configured (cfg.trust_anchors), so no certificate can be verified";
    case AXWS_TLS_ERR_PLAINTEXT:
        return "the server answered in plain HTTP, not TLS (is it a ws:// rather than wss:// endpoint?)";
    case BR_ERR_BAD_PARAM: return "TLS: bad parameter given to BearSSL";
    case BR_ERR_BAD_STATE: return "TLS: engine used in the wrong state";
    case BR_ERR_UNSUPPORTED_VERSION:
        return "the server chose a TLS version other than 1.2 (this client speaks only TLS 1.2)";
    case BR_ERR_BAD_VERSION: return "TLS: record with an unexpected protocol version (not a TLS server?)";
    case BR_ERR_BAD_LENGTH: return "TLS: record with an impossible length (not a TLS server?)";
    case BR_ERR_TOO_LARGE: return "TLS: record larger than the input buffer (not a TLS server?)";
    case BR_ERR_BAD_MAC: return "TLS: record failed decryption / authentication (data corrupted or forged)";
    case BR_ERR_NO_RANDOM: return "TLS: no entropy source for the random generator";
    case BR_ERR_UNKNOWN_TYPE: return "TLS: record of an unknown type (not a TLS server?)";
    case BR_ERR_UNEXPECTED: return "TLS: unexpected message from the server";
    case BR_ERR_BAD_CCS: return "TLS: invalid ChangeCipherSpec";
    case BR_ERR_BAD_ALERT: return "TLS: malformed alert";
    case BR_ERR_BAD_HANDSHAKE: return "TLS: malformed handshake message";
    case BR_ERR_OVERSIZED_ID: return "TLS: server sent an oversized session ID";
    case BR_ERR_BAD_CIPHER_SUITE: return "TLS: server chose a cipher suite we did not offer";
    case BR_ERR_BAD_COMPRESSION: return "TLS: server chose compression";
    case BR_ERR_BAD_FRAGLEN: return "TLS: server sent a bad max fragment length answer";
    case BR_ERR_BAD_SECRENEG: return "TLS: secure renegotiation failure";
    case BR_ERR_EXTRA_EXTENSION: return "TLS: server sent an extension we did not ask for";
    case BR_ERR_BAD_SNI: return "TLS: invalid server name";
    case BR_ERR_BAD_HELLO_DONE: return "TLS: invalid ServerHelloDone";
    case BR_ERR_LIMIT_EXCEEDED: return "TLS: internal limit exceeded (e.g. certificate chain too long)";
    case BR_ERR_BAD_FINISHED: return "TLS: Finished message mismatch (handshake tampered with?)";
    case BR_ERR_RESUME_MISMATCH: return "TLS: server resumed a session with different parameters";
    case BR_ERR_INVALID_ALGORITHM: return "TLS: server used an algorithm we do not support";
    case BR_ERR_BAD_SIGNATURE: return "TLS: server's key exchange signature is invalid";
    case BR_ERR_WRONG_KEY_USAGE: return "TLS: server certificate key not usable for this key exchange";
    case BR_ERR_NO_CLIENT_AUTH: return "TLS: server requires a client certificate (not supported)";
    case BR_ERR_IO: return "TLS: I/O error";
    case BR_ERR_X509_INVALID_VALUE: case BR_ERR_X509_TRUNCATED: case BR_ERR_X509_INNER_TRUNC:
    case BR_ERR_X509_BAD_TAG_CLASS: case BR_ERR_X509_BAD_TAG_VALUE: case BR_ERR_X509_INDEFINITE_LENGTH:
    case BR_ERR_X509_EXTRA_ELEMENT: case BR_ERR_X509_UNEXPECTED: case BR_ERR_X509_NOT_CONSTRUCTED:
    case BR_ERR_X509_NOT_PRIMITIVE: case BR_ERR_X509_PARTIAL_BYTE: case BR_ERR_X509_BAD_BOOLEAN:
    case BR_ERR_X509_OVERFLOW: case BR_ERR_X509_BAD_DN: case BR_ERR_X509_BAD_TIME:
        return "certificate: malformed certificate";
    case BR_ERR_X509_EMPTY_CHAIN: return "certificate: the server sent no certificate";
    case BR_ERR_X509_UNSUPPORTED: return "certificate: unsupported algorithm or extension";
    case BR_ERR_X509_LIMIT_EXCEEDED: return "certificate: chain or name too long";
    case BR_ERR_X509_WRONG_KEY_TYPE: return "certificate: key type does not match the signature";
    case BR_ERR_X509_BAD_SIGNATURE: return "certificate: signature invalid";
    case BR_ERR_X509_TIME_UNKNOWN: return "certificate: the current time is unknown, validity cannot be checked";
    case BR_ERR_X509_EXPIRED: return "certificate: expired or not yet valid (checked against the wall clock)";
    case BR_ERR_X509_DN_MISMATCH: return "certificate: issuer/subject names do not chain";
    case BR_ERR_X509_BAD_SERVER_NAME: return "certificate: does not match the server name (name mismatch)";
    case BR_ERR_X509_CRITICAL_EXTENSION: return "certificate: unknown critical extension";
    case BR_ERR_X509_NOT_CA: return "certificate: an intermediate is not a CA";
    case BR_ERR_X509_FORBIDDEN_KEY_USAGE: return "certificate: key usage forbids this use";
    case BR_ERR_X509_WEAK_PUBLIC_KEY: return "certificate: public key too weak";
    case BR_ERR_X509_NOT_TRUSTED: return "certificate: not trusted (no chain to a configured trust anchor)";
    case BR_ERR_RECV_FATAL_ALERT + 70:
        return "the server sent a protocol_version alert: it refuses TLS 1.2, so it speaks only "
               "TLS 1.3 (BearSSL, and so this client, stops at TLS 1.2)";
    case BR_ERR_RECV_FATAL_ALERT + 40:
        return "the server sent a handshake_failure alert: no common TLS 1.2 ECDHE AEAD suite, "
               "curve or signature algorithm (a TLS 1.3-only server may also answer so)";
    case BR_ERR_SEND_FATAL_ALERT + 70: return "we sent a protocol_version alert";
    case BR_ERR_SEND_FATAL_ALERT + 40: return "we sent a handshake_failure alert";
#define AXWS__TLS_ALERT_CASE(n, name)                                              \
    case BR_ERR_RECV_FATAL_ALERT + n: return "the server sent the fatal TLS alert " name; \
    case BR_ERR_SEND_FATAL_ALERT + n: return "we sent the fatal TLS alert " name;
        AXWS__TLS_ALERTS(AXWS__TLS_ALERT_CASE)
#undef AXWS__TLS_ALERT_CASE
    default:
        if (e > BR_ERR_SEND_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT + 256)
            return "we sent a fatal TLS alert";
        if (e > BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_RECV_FATAL_ALERT + 256)
            return "the server sent a fatal TLS alert";
        return "unknown TLS error";
    }
}

AXWS_API int axws_tls_error(const axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    return c->tls_err;
}

AXWS_API int axws_tls_resumed(const axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    return c->tls_resumed;
}

AXWS_API void axws_tls_forget_session(axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    memset(&c->tls_session, 0, sizeof c->tls_session);
    c->tls_session_key = 0;
}

/* ---- insecure_skip_verify: an X.509 "engine" that only extracts the end-entity key.
   BearSSL needs the key for the ECDHE signature; the minimal engine would refuse it. */
static void axws__any_dn(void *ctx, const void *buf, size_t len) { (void)ctx; (void)buf; (void)len; }

static void axws__any_start_chain(const br_x509_class **ctx, const char *server_name) {
    axws__tls_any *a = (axws__tls_any *)(void *)ctx;
    (void)server_name;
    a->certs = 0;
}
static void axws__any_start_cert(const br_x509_class **ctx, uint32_t length) {
    axws__tls_any *a = (axws__tls_any *)(void *)ctx;
    (void)length;
    if (a->certs == 0) br_x509_decoder_init(&a->dec, axws__any_dn, NULL);
}
static void axws__any_append(const br_x509_class **ctx, const unsigned char *buf, size_t len) {
    axws__tls_any *a = (axws__tls_any *)(void *)ctx;
    if (a->certs == 0) br_x509_decoder_push(&a->dec, buf, len);
}
static void axws__any_end_cert(const br_x509_class **ctx) {
    axws__tls_any *a = (axws__tls_any *)(void *)ctx;
    a->certs++;
}
static unsigned axws__any_end_chain(const br_x509_class **ctx) {
    axws__tls_any *a = (axws__tls_any *)(void *)ctx;
    if (a->certs == 0) return BR_ERR_X509_EMPTY_CHAIN;
    return (unsigned)br_x509_decoder_last_error(&a->dec);
}
static const br_x509_pkey *axws__any_get_pkey(const br_x509_class *const *ctx, unsigned *usages) {
    const axws__tls_any *a = (const axws__tls_any *)(const void *)ctx;
    if (usages != NULL) *usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
    return (a->dec.decoded && a->dec.err == 0) ? &a->dec.pkey : NULL;
}
static const br_x509_class axws__tls_any_vtable = {
    sizeof(axws__tls_any), axws__any_start_chain, axws__any_start_cert, axws__any_append,
    axws__any_end_cert,    axws__any_end_chain,   axws__any_get_pkey};

/* ---- connection setup */

/* An IPv4 or IPv6 literal (a DNS name never contains ':'). */
static int axws__tls_is_ip(const char *name) {
    unsigned char a[16];
    return strchr(name, ':') != NULL || inet_pton(AF_INET, name, a) == 1;
}

/* Which server a saved session belongs to: FNV-1a over the name and the peer's port. */
static uint32_t axws__tls_session_key(const axws_conn *c, const char *name) {
    uint32_t h = 2166136261u;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    unsigned port = 0;
    memset(&ss, 0, sizeof ss);
    if (getpeername(c->fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET) port = ntohs(((const struct sockaddr_in *)(const void *)&ss)->sin_port);
        else if (ss.ss_family == AF_INET6) port = ntohs(((const struct sockaddr_in6 *)(const void *)&ss)->sin6_port);
    }
    for (; *name; name++) h = (h ^ (uint8_t)*name) * 16777619u;
    h = (h ^ (port & 0xff)) * 16777619u;
    h = (h ^ (port >> 8)) * 16777619u;
    return h ? h : 1;
}

static int axws__tls_begin(axws_conn *c, int64_t now_ms) {
    static const br_hash_class *const hashes[] = {&br_sha256_vtable, &br_sha384_vtable,
                                                  &br_sha512_vtable, &br_sha224_vtable};
    br_ssl_client_context *cc = &c->tls_cc;
    br_ssl_engine_context *eng = &cc->eng;
    const char *name = (c->cfg.servername && c->cfg.servername[0]) ? c->cfg.servername : c->host;
    unsigned char *buf = (unsigned char *)(c->cfg.tls_buf ? c->cfg.tls_buf : c->cfg.rx_buf);
    size_t size = c->cfg.tls_buf ? c->cfg.tls_size : c->cfg.rx_size;
    size_t i, out;
    int ip = axws__tls_is_ip(name), resume = 0, aes = axws__tls_have_aesni();
    (void)now_ms;
    c->tls_err = 0;
    c->tls_resumed = 0;
    c->tls_flush = 0;
    c->tls_closing = 0;
    c->tls_got_data = 0;
    if (buf == NULL || size < AXWS_TLS_BUF_MIN) return AXWS_ENOBUFS;
    if (!c->cfg.insecure_skip_verify) {
        /* RFC 6066 3: "Literal IPv4 and IPv6 addresses are not permitted in HostName", and
           BearSSL matches only dNSName entries: without a name nothing could be verified. */
        if (ip) { c->tls_err = AXWS_TLS_ERR_IP_HOST; return AXWS_ETLS; }
        if (c->cfg.trust_anchors == NULL || c->cfg.trust_anchor_count == 0) {
            c->tls_err = AXWS_TLS_ERR_NO_ANCHORS;
            return AXWS_ETLS;
        }
    }
    br_ssl_client_zero(cc);
    br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
    br_ssl_engine_set_suites(eng, aes ? axws__tls_suites_aes : axws__tls_suites_chacha,
                             sizeof axws__tls_suites_aes / sizeof axws__tls_suites_aes[0]);
    /* No renegotiation: the certificate engine is then idle after the first handshake. */
    br_ssl_engine_add_flags(eng, BR_OPT_NO_RENEGOTIATION);
    br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
    br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
    br_ssl_engine_set_default_aes_gcm(eng); /* picks AES-NI + PCLMUL when present */
    br_ssl_engine_set_default_chapol(eng);
    br_ssl_engine_set_default_ec(eng);
    br_ssl_engine_set_default_rsavrfy(eng);
    br_ssl_engine_set_default_ecdsa(eng);
    for (i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
        br_ssl_engine_set_hash(eng, (int)((hashes[i]->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK),
                               hashes[i]);
    if (c->cfg.insecure_skip_verify) {
        c->tls_x509.any.vtable = &axws__tls_any_vtable;
        br_ssl_engine_set_x509(eng, &c->tls_x509.any.vtable);
    } else {
        br_x509_minimal_context *xm = &c->tls_x509.minimal;
        int64_t s = c->cfg.tls_time ? c->cfg.tls_time(c->cfg.tls_time_user) : (int64_t)time(NULL);
        br_x509_minimal_init(xm, &br_sha256_vtable, c->cfg.trust_anchors, c->cfg.trust_anchor_count);
        /* SHA-1 is left out on purpose: certificates signed with it are refused. */
        for (i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
            br_x509_minimal_set_hash(xm, (int)((hashes[i]->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK),
                                     hashes[i]);
        br_x509_minimal_set_rsa(xm, br_rsa_pkcs1_vrfy_get_default());
        br_x509_minimal_set_ecdsa(xm, br_ec_get_default(), br_ecdsa_vrfy_asn1_get_default());
        if (s < 1) s = 1; /* 0/0 would make BearSSL read the clock itself */
        /* BearSSL counts days from 1 January of year 0 (proleptic Gregorian); the Unix
           epoch is day 719528. */
        br_x509_minimal_set_time(xm, (uint32_t)(s / 86400 + 719528), (uint32_t)(s % 86400));
        br_ssl_engine_set_x509(eng, &xm->vtable);
    }
    out = size - AXWS_TLS_IN_SIZE;
    if (out > AXWS_TLS_OUT_FULL) out = AXWS_TLS_OUT_FULL;
    br_ssl_engine_set_buffers_bidi(eng, buf, AXWS_TLS_IN_SIZE, buf + AXWS_TLS_IN_SIZE, out);
    c->tls_conn_key = axws__tls_session_key(c, name);
    if (!c->cfg.tls_no_resume && c->tls_session_key == c->tls_conn_key &&
        c->tls_session.session_id_len > 0) {
        /* BearSSL 0.6 resumes by session ID (RFC 5246 7.4.1.2); the parameters must be in
           the engine before the reset that builds the ClientHello. */
        br_ssl_engine_set_session_parameters(eng, &c->tls_session);
        resume = 1;
    }
    /* NULL name: no SNI and no name check; reached only with insecure_skip_verify. */
    if (!br_ssl_client_reset(cc, ip ? NULL : name, resume)) {
        c->tls_err = br_ssl_engine_last_error(eng);
        return AXWS_ETLS;
    }
    c->tls_offered = (uint8_t)resume;
    c->state = AXWS_STATE_TLS;
    return 0;
}

/* The handshake finished: keep the session for the next connect, let the upgrade flow. */
static void axws__tls_established(axws_conn *c) {
    br_ssl_session_parameters sp;
    br_ssl_engine_get_session_parameters(&c->tls_cc.eng, &sp);
    /* The server resumed when it echoed the session ID we offered (RFC 5246 7.4.1.3). */
    c->tls_resumed = (uint8_t)(c->tls_offered && sp.session_id_len == c->tls_session.session_id_len &&
                               memcmp(sp.session_id, c->tls_session.session_id, sp.session_id_len) == 0);
    c->tls_session = sp;
    c->tls_session_key = sp.session_id_len ? c->tls_conn_key : 0;
    c->state = AXWS_STATE_HANDSHAKE;
}

/* The TLS failed with BearSSL's code `err`. */
static int axws__tls_failed(axws_conn *c, int err) {
    const unsigned char *ib = c->tls_cc.eng.ibuf;
    if (c->state == AXWS_STATE_TLS && c->tls_got_data && ib != NULL && memcmp(ib, "HTTP/", 5) == 0)
        err = AXWS_TLS_ERR_PLAINTEXT;
    c->tls_err = err;
    /* RFC 5246 7.2.2: a session that ended in a fatal alert must not be resumed. */
    axws_tls_forget_session(c);
    return axws__fail(c, AXWS_ETLS, 0);
}

/* The TCP stream ended (recv returned 0). */
static int axws__tls_eof(axws_conn *c, int64_t now_ms) {
    if (c->state == AXWS_STATE_TLS) return axws__tls_failed(c, AXWS_TLS_ERR_EOF);
    /* A TCP end without close_notify could be a truncation attack; the WebSocket layer
       already treats a stream that ends without its own close handshake as an error
       (RFC 6455 7.1.5: 1006), so the core decides. */
    axws_feed_eof(c, now_ms);
    return c->error;
}

static int axws__tls_pump(axws_conn *c, short revents, int64_t now_ms) {
    br_ssl_engine_context *eng = &c->tls_cc.eng;
    int can_read = (revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    int fd = c->fd;
    for (;;) {
        unsigned st;
        int progress = 0;
        if (c->state == AXWS_STATE_CLOSED || c->fd != fd) return c->error;
        st = br_ssl_engine_current_state(eng);
        if (st & BR_SSL_CLOSED) {
            int err = br_ssl_engine_last_error(eng);
            if (err != BR_ERR_OK) return axws__tls_failed(c, err);
            if (c->tls_closing) return 0;
            /* The server's close_notify (RFC 5246 7.2.1): the byte stream has ended. */
            return axws__tls_eof(c, now_ms);
        }
        if (c->state == AXWS_STATE_TLS && (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP)))
            axws__tls_established(c);
        if (st & BR_SSL_SENDREC) {
            size_t len;
            unsigned char *p = br_ssl_engine_sendrec_buf(eng, &len);
            ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
            if (n > 0) {
                br_ssl_engine_sendrec_ack(eng, (size_t)n);
                progress = 1;
            } else if (n < 0 && errno == EINTR) {
                progress = 1;
            } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                return axws__fail(c, AXWS_EIO, errno);
            }
        }
        if (st & BR_SSL_RECVAPP) {
            /* Zero copy: the core parses straight out of BearSSL's decrypted record and
               consumes what it can; the rest stays for the next round (back-pressure). */
            size_t len, used;
            unsigned char *p = br_ssl_engine_recvapp_buf(eng, &len);
            used = axws_feed(c, p, len, now_ms);
            if (c->state == AXWS_STATE_CLOSED || c->fd != fd) return c->error;
            if (used > 0) {
                br_ssl_engine_recvapp_ack(eng, used);
                progress = 1;
            }
        }
        if ((st & BR_SSL_SENDAPP) && c->state != AXWS_STATE_TLS) {
            size_t olen;
            const uint8_t *o = axws_output(c, &olen);
            if (olen > 0) {
                size_t alen;
                unsigned char *p = br_ssl_engine_sendapp_buf(eng, &alen);
                if (olen > alen) olen = alen;
                memcpy(p, o, olen);
                br_ssl_engine_sendapp_ack(eng, olen); /* a full buffer becomes a record */
                axws_output_ack(c, olen);
                c->tls_flush = 1;
                progress = 1;
            } else if (c->tls_flush) {
                br_ssl_engine_flush(eng, 0); /* the core's queue is empty: seal a record */
                c->tls_flush = 0;
                progress = 1;
            }
        }
        if ((st & BR_SSL_RECVREC) && can_read) {
            size_t len;
            unsigned char *p = br_ssl_engine_recvrec_buf(eng, &len);
            ssize_t n = recv(c->fd, p, len, 0);
            if (n > 0) {
                c->tls_got_data = 1;
                br_ssl_engine_recvrec_ack(eng, (size_t)n);
                progress = 1;
                /* A short read emptied the socket: poll will say when more arrives. */
                if ((size_t)n < len) can_read = 0;
            } else if (n == 0) {
                return axws__tls_eof(c, now_ms);
            } else if (errno == EINTR) {
                progress = 1;
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                can_read = 0;
            } else {
                return axws__fail(c, AXWS_EIO, errno);
            }
        }
        if (!progress) return 0;
    }
}

static short axws__tls_events(const axws_conn *c) {
    unsigned st = br_ssl_engine_current_state(&c->tls_cc.eng);
    short ev = 0;
    if (st & BR_SSL_CLOSED) return 0;
    if (st & BR_SSL_SENDREC) ev |= POLLOUT;
    if (st & BR_SSL_RECVREC) ev |= POLLIN;
    if ((st & BR_SSL_SENDAPP) && c->state != AXWS_STATE_TLS) {
        size_t n = 0;
        (void)axws_output(c, &n);
        /* Queued WebSocket bytes still to move into the engine: the socket is almost
           always writable, so poll returns at once and step moves them. */
        if (n > 0 || c->tls_flush) ev |= POLLOUT;
    }
    return ev;
}

static void axws__tls_shutdown(axws_conn *c) {
    br_ssl_engine_context *eng = &c->tls_cc.eng;
    int i;
    if (c->tls_closing || (br_ssl_engine_current_state(eng) & BR_SSL_CLOSED)) return;
    c->tls_closing = 1;
    br_ssl_engine_close(eng); /* queues close_notify (RFC 5246 7.2.1) */
    for (i = 0; i < 4; i++) { /* best effort: whatever the socket takes now */
        size_t len;
        unsigned char *p;
        ssize_t n;
        if (!(br_ssl_engine_current_state(eng) & BR_SSL_SENDREC)) break;
        p = br_ssl_engine_sendrec_buf(eng, &len);
        n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n <= 0) break;
        br_ssl_engine_sendrec_ack(eng, (size_t)n);
    }
}

/* ---- trust anchors from PEM. One pass, no allocation: names and keys are appended at the
   front of the buffer, the br_x509_trust_anchor array grows down from its (aligned) end. */
#define AXWS__TA_ALIGN 16
typedef struct axws__ta_loader {
    unsigned char *buf;
    size_t top;        /* aligned end of buf: the array is [top - count*sizeof, top) */
    size_t data_len;   /* bytes of names and keys stored */
    size_t data_need;  /* bytes of names and keys needed (stored or not) */
    size_t cert_data;  /* data_len / data_need where the current certificate began */
    size_t cert_need;
    size_t count, total, skipped;
    int full;          /* the buffer ran out: keep counting only */
    int cert_full;     /* `full` when the current certificate began */
    int in_cert;
    br_pem_decoder_context pem;
    br_x509_decoder_context dec;
} axws__ta_loader;

static void axws__ta_data(axws__ta_loader *l, const void *p, size_t n) {
    l->data_need += n;
    if (l->full) return;
    if (l->data_len + n + (l->count + 1) * sizeof(br_x509_trust_anchor) > l->top) {
        l->full = 1;
        return;
    }
    memcpy(l->buf + l->data_len, p, n);
    l->data_len += n;
}
static void axws__ta_dn(void *ctx, const void *p, size_t n) { axws__ta_data((axws__ta_loader *)ctx, p, n); }
static void axws__ta_der(void *ctx, const void *p, size_t n) {
    axws__ta_loader *l = (axws__ta_loader *)ctx;
    if (l->in_cert) br_x509_decoder_push(&l->dec, p, n);
}

static int axws__ta_end(axws__ta_loader *l) {
    int err = br_x509_decoder_last_error(&l->dec);
    const br_x509_pkey *pk;
    size_t dn_len = l->data_need - l->cert_need, at = l->data_len;
    if (err == BR_ERR_X509_UNSUPPORTED) { /* a key type BearSSL cannot use */
        l->skipped++;
        l->data_len = l->cert_data;
        l->data_need = l->cert_need;
        l->full = l->cert_full;
        return 0;
    }
    if (err != 0) return AXWS_EINVAL;
    pk = br_x509_decoder_get_pkey(&l->dec);
    if (pk->key_type == BR_KEYTYPE_RSA) {
        axws__ta_data(l, pk->key.rsa.n, pk->key.rsa.nlen);
        axws__ta_data(l, pk->key.rsa.e, pk->key.rsa.elen);
    } else {
        axws__ta_data(l, pk->key.ec.q, pk->key.ec.qlen);
    }
    l->total++;
    if (!l->full) {
        br_x509_trust_anchor *ta =
            (br_x509_trust_anchor *)(void *)(l->buf + l->top - (l->count + 1) * sizeof *ta);
        unsigned char *d = l->buf + l->cert_data;
        memset(ta, 0, sizeof *ta);
        ta->dn.data = d;
        ta->dn.len = dn_len;
        ta->flags = br_x509_decoder_isCA(&l->dec) ? BR_X509_TA_CA : 0;
        ta->pkey.key_type = pk->key_type;
        (void)at;
        if (pk->key_type == BR_KEYTYPE_RSA) {
            ta->pkey.key.rsa.n = d + dn_len;
            ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
            ta->pkey.key.rsa.e = d + dn_len + pk->key.rsa.nlen;
            ta->pkey.key.rsa.elen = pk->key.rsa.elen;
        } else {
            ta->pkey.key.ec.curve = pk->key.ec.curve;
            ta->pkey.key.ec.q = d + dn_len;
            ta->pkey.key.ec.qlen = pk->key.ec.qlen;
        }
        l->count++;
    }
    return 0;
}

static int axws__ta_push(axws__ta_loader *l, const unsigned char *p, size_t n) {
    while (n > 0) {
        size_t k = br_pem_decoder_push(&l->pem, p, n);
        int ev = br_pem_decoder_event(&l->pem);
        p += k;
        n -= k;
        if (ev == BR_PEM_BEGIN_OBJ) {
            const char *name = br_pem_decoder_name(&l->pem);
            l->in_cert = strcmp(name, "CERTIFICATE") == 0 || strcmp(name, "X509 CERTIFICATE") == 0;
            if (l->in_cert) {
                l->cert_data = l->data_len;
                l->cert_need = l->data_need;
                l->cert_full = l->full;
                br_x509_decoder_init(&l->dec, axws__ta_dn, l);
            } else {
                l->skipped++;
            }
        } else if (ev == BR_PEM_END_OBJ) {
            if (l->in_cert) {
                int r = axws__ta_end(l);
                l->in_cert = 0;
                if (r < 0) return r;
            }
        } else if (ev == BR_PEM_ERROR) {
            return AXWS_EINVAL;
        } else if (k == 0) {
            break;
        }
    }
    return 0;
}

static void axws__ta_start(axws__ta_loader *l, void *buf, size_t size) {
    memset(l, 0, sizeof *l);
    l->buf = (unsigned char *)buf;
    if (buf != NULL) l->top = size - (size_t)(((uintptr_t)l->buf + size) % AXWS__TA_ALIGN);
    if (buf == NULL || l->top > size) l->top = 0;
    br_pem_decoder_init(&l->pem);
    br_pem_decoder_setdest(&l->pem, axws__ta_der, l);
}

static int axws__ta_finish(axws__ta_loader *l, axws_tls_anchors *out, int r) {
    /* A final newline ends an "-----END ...-----" line that the text left open. */
    if (r == 0) r = axws__ta_push(l, (const unsigned char *)"\n", 1);
    out->count = l->count;
    out->skipped = l->skipped;
    out->needed = l->data_need + l->total * sizeof(br_x509_trust_anchor) + AXWS__TA_ALIGN - 1;
    out->anchors = l->count ? (const br_x509_trust_anchor *)(const void *)(l->buf + l->top -
                                                                             l->count * sizeof(br_x509_trust_anchor))
                            : NULL;
    if (r < 0) return r;
    if (l->in_cert) return AXWS_EINVAL; /* truncated object */
    if (l->full) {
        out->count = 0;
        out->anchors = NULL;
        return AXWS_ENOBUFS;
    }
    if (l->count == 0) return AXWS_EINVAL;
    return (int)l->count;
}

AXWS_API int axws_tls_anchors_pem(axws_tls_anchors *out, void *buf, size_t size, const void *pem,
                                  size_t pem_len) {
    axws__ta_loader l;
    AXWS_ASSERT(out != NULL);
    memset(out, 0, sizeof *out);
    if (pem == NULL && pem_len > 0) return AXWS_EINVAL;
    axws__ta_start(&l, buf, size);
    return axws__ta_finish(&l, out, axws__ta_push(&l, (const unsigned char *)pem, pem_len));
}

AXWS_API int axws_tls_anchors_file(axws_tls_anchors *out, void *buf, size_t size, const char *path) {
    axws__ta_loader l;
    unsigned char chunk[4096];
    FILE *f;
    int r = 0;
    AXWS_ASSERT(out != NULL && path != NULL);
    memset(out, 0, sizeof *out);
    f = fopen(path, "rb"); /* allocates its FILE inside libc (see the declaration) */
    if (f == NULL) return AXWS_EIO;
    axws__ta_start(&l, buf, size);
    for (;;) {
        size_t n = fread(chunk, 1, sizeof chunk, f);
        if (n > 0) r = axws__ta_push(&l, chunk, n);
        if (r < 0 || n < sizeof chunk) break;
    }
    if (r == 0 && ferror(f)) r = AXWS_EIO;
    fclose(f);
    return axws__ta_finish(&l, out, r);
}
#endif /* AXWS_NO_TLS */
/* <<tls */

/* >>conn */
/* <<conn */

/* >>axiom */
/* <<axiom */

#endif /* AXIOMWS_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
This software is available under 2 licenses -- choose whichever you prefer.
------------------------------------------------------------------------------
ALTERNATIVE A - MIT License
Copyright (c) 2026 the axiomws authors
Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:
The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
ALTERNATIVE B - Public Domain (www.unlicense.org)
This is free and unencumbered software released into the public domain.
Anyone is free to copy, modify, publish, use, compile, sell, or distribute this
software, either in source code form or as a compiled binary, for any purpose,
commercial or non-commercial, and by any means.
In jurisdictions that recognize copyright laws, the author or authors of this
software dedicate any and all copyright interest in the software to the public
domain. We make this dedication for the benefit of the public at large and to
the detriment of our heirs and successors. We intend this dedication to be an
overt act of relinquishment in perpetuity of all present and future rights to
this software under copyright law.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN
ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION
WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
------------------------------------------------------------------------------
*/
