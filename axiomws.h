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
    const br_x509_trust_anchor *trust_anchors; /* wss://: anchors to verify against */
    size_t trust_anchor_count;
    const char *servername;    /* name to verify and send as SNI; default: the URL host */
    int insecure_skip_verify;  /* 1 = accept any certificate. Dangerous; off by default */
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
/* ======================================================================== JSON

   A streaming pull tokenizer for JSON (RFC 8259), usable on its own: no socket, no malloc,
   no locale. Input arrives in pieces of any size (a piece may end at any byte, even inside
   a string escape or a UTF-8 sequence); the program asks for one token at a time.

       axws_json j;  axws_json_token t;  int r;
       axws_json_init(&j, NULL, 0);                  -- 64 levels of nesting, built in
       axws_json_feed(&j, piece, piece_len);         -- borrowed until next() says NEED_MORE
       while ((r = axws_json_next(&j, &t)) > 0 && r != AXWS_JSON_DONE) { ...use t... }
       r == AXWS_JSON_NEED_MORE: feed the next piece (or axws_json_end() when there is none)
       r == AXWS_JSON_DONE:      exactly one valid document was read, and the input ended
       r < 0:                    an AXWS_JSON_E* error at byte axws_json_error_offset()

   Strings, keys and numbers come as spans into the piece being read (t.data, t.len; strings
   without the quotes and with escapes still in them, t.escaped says whether any). Nothing
   is copied and there is no length limit: when a piece ends inside one of them, what was
   read so far comes as a chunk with t.more = 1, and the rest follows in the next tokens of
   the same type and offset with t.cont = 1 (the last has t.more = 0 and may be empty). A
   number can only end at the byte after it, so a number at the very end of a piece comes
   as a chunk unless axws_json_end() was already called. Programs that would rather get
   short tokens whole can give the tokenizer a carry buffer (axws_json_set_carry()).
   axws_json_unescape*() decode strings; axws_json_to_int64/_to_double convert numbers.

   Strict: trailing commas, leading zeros, "+1", ".5", "1.", bad or short escapes, raw
   control characters in strings, invalid UTF-8 in strings (overlong forms, encoded
   surrogates, code points above U+10FFFF, truncated sequences; outside strings any
   non-ASCII byte is an unexpected character), comments, single quotes, NaN/Infinity,
   anything but whitespace after the document, and nesting deeper than the limit are all
   errors, each with its own code. Escapes of lone surrogates ("\ud800") are accepted
   (RFC 8259 section 8.2 leaves them to the implementation); the unescape helpers report
   them (see there). A byte-order mark is refused (section 8.1 allows either choice).
   Errors are sticky: every later next() returns the same code.

   SIZES: sizeof(axws_json) is 136 bytes on 64-bit targets. The
   nesting stack holds one bit per level: a caller-given stack of N bytes allows 8*N levels
   (AXWS_JSON_STACK_BYTES(depth) gives N; axws_json_set_max_depth() sets an exact limit).
   With no stack (NULL, 0) the built-in one allows AXWS_JSON_DEFAULT_DEPTH = 64 levels: 64
   nested arrays are accepted, the 65th '[' is AXWS_JSON_EDEPTH. axws_json_paths is about
   2.5 KB, axws_json_unescaper 48 bytes. Nothing else is used; no function allocates.

   SPEED: string bodies are scanned 16 bytes at a time with SSE2 where the compiler offers
   it (x86-64), else 8 at a time with portable SWAR arithmetic; defining AXWS_JSON_NO_SIMD
   keeps the portable scan only. Digit runs are scanned 8 at a time. tests/bench/bench_json.c
   compares with jsmn, yajl, cJSON and simdjson.

   THREADS: a tokenizer, unescaper or path set is used by one thread at a time; different
   objects are independent. All functions are reentrant (no globals but constant tables). */

#define AXWS_JSON_DEFAULT_DEPTH 64
#define AXWS_JSON_STACK_BYTES(depth) (((size_t)(depth) + 7u) / 8u)

/* X(name, value, text): the tokenizer's own codes (all negative) and axws_json_strerror(). */
#define AXWS__JSON_ERRORS(X)                                                                 \
    X(AXWS_JSON_EUNEXPECTED, -101, "unexpected character")                                  \
    X(AXWS_JSON_EEOF, -102, "unexpected end of input")                                       \
    X(AXWS_JSON_EEMPTY, -103, "empty input: no JSON value")                                  \
    X(AXWS_JSON_ETRAILING, -104, "data after the end of the document")                      \
    X(AXWS_JSON_EDEPTH, -105, "nesting deeper than the limit")                               \
    X(AXWS_JSON_ECOMMA, -106, "trailing comma")                                              \
    X(AXWS_JSON_EEXPECT_VALUE, -107, "expected a value")                                     \
    X(AXWS_JSON_EEXPECT_KEY, -108, "expected a string key")                                  \
    X(AXWS_JSON_EEXPECT_COLON, -109, "expected ':' after a key")                             \
    X(AXWS_JSON_EEXPECT_COMMA, -110, "expected ',' or a closing bracket")                   \
    X(AXWS_JSON_EMISMATCH, -111, "closing bracket does not match the opening one")          \
    X(AXWS_JSON_ENUMBER, -112, "malformed number")                                           \
    X(AXWS_JSON_ELEADING_ZERO, -113, "leading zero in a number")                            \
    X(AXWS_JSON_ELITERAL, -114, "invalid literal (expected true, false or null)")           \
    X(AXWS_JSON_ENANINF, -115, "NaN and Infinity are not JSON")                              \
    X(AXWS_JSON_ECOMMENT, -116, "comments are not JSON")                                     \
    X(AXWS_JSON_EQUOTE, -117, "single quotes are not JSON")                                  \
    X(AXWS_JSON_ECONTROL, -118, "raw control character in a string")                        \
    X(AXWS_JSON_EESCAPE, -119, "invalid escape sequence")                                    \
    X(AXWS_JSON_EUTF8, -120, "invalid UTF-8")                                                \
    X(AXWS_JSON_EBOM, -121, "byte-order mark before the document")                          \
    X(AXWS_JSON_EFEED, -122, "fed a new piece before the previous one was consumed")        \
    X(AXWS_JSON_ERANGE, -123, "number out of range for the conversion")                     \
    X(AXWS_JSON_ENOTINT, -124, "number is not an integer")                                   \
    X(AXWS_JSON_ETRUNCATED, -125, "output buffer too small: result truncated")              \
    X(AXWS_JSON_ESURROGATE, -126, "escape of a lone UTF-16 surrogate (written as U+FFFD)")  \
    X(AXWS_JSON_EINVAL, -127, "invalid argument")                                            \
    X(AXWS_JSON_EPATH, -128, "malformed path pattern or too many paths")

#define AXWS__JSON_ENUM_ITEM(name, value, text) name = value,
enum { AXWS__JSON_ERRORS(AXWS__JSON_ENUM_ITEM) AXWS__JSON_ERR_LAST_ };
#undef AXWS__JSON_ENUM_ITEM

/* What axws_json_next() returns (besides negative errors). Token types are 1..10. */
typedef enum axws_json_type {
    AXWS_JSON_NEED_MORE = 0,     /* the piece is used up: feed more, or call axws_json_end() */
    AXWS_JSON_BEGIN_OBJECT = 1,
    AXWS_JSON_END_OBJECT,
    AXWS_JSON_BEGIN_ARRAY,
    AXWS_JSON_END_ARRAY,
    AXWS_JSON_KEY,               /* data/len: the raw key (or a chunk of it) */
    AXWS_JSON_STRING,            /* data/len: the raw string value (or a chunk of it) */
    AXWS_JSON_NUMBER,            /* data/len: the number's text (or a chunk of it) */
    AXWS_JSON_TRUE,
    AXWS_JSON_FALSE,
    AXWS_JSON_NULL,
    AXWS_JSON_DONE = 11          /* one complete document and axws_json_end() was called */
} axws_json_type;

/* One token; filled by axws_json_next(). data points into the piece being read (valid as
   long as the program keeps that piece), or into the carry buffer for a token reassembled
   there (valid until the tokenizer reaches the end of the current piece: use it before
   the next call that returns AXWS_JSON_NEED_MORE). */
typedef struct axws_json_token {
    axws_json_type type;
    const char *data;  /* KEY/STRING: bytes between the quotes, escapes kept; NUMBER: text */
    size_t len;
    uint64_t offset;   /* byte offset in the whole input of the token's first byte (the
                          opening quote of strings); chunks repeat the token's offset */
    uint32_t depth;    /* containers around the token: 0 for the top-level value; keys and
                          values directly inside the top object are at depth 1 */
    uint8_t more;      /* 1: a chunk; the same token continues in the next token */
    uint8_t cont;      /* 1: this chunk continues the previous token */
    uint8_t escaped;   /* KEY/STRING: a backslash was seen in the token so far */
    uint8_t integer;   /* NUMBER: no fraction and no exponent in the token so far */
} axws_json_token;

/* The tokenizer. Transparent so it can live anywhere; treat every field as private. */
typedef struct axws_json {
    const uint8_t *buf;    /* current piece (borrowed) */
    size_t len, pos;
    uint64_t base;         /* offset of buf[0] in the whole input */
    uint8_t *stack;        /* one bit per level: 1 = object */
    uint32_t max_depth, depth, stack_levels;
    uint64_t tok_offset;   /* offset of the token being read across pieces */
    uint64_t err_offset;
    int err;               /* sticky first error (0 = none) */
    uint8_t expect;        /* grammar state (AXWS__JSON_X_*) */
    uint8_t lex;           /* split-token state: 0 none, else string/number/literal */
    uint8_t sub;           /* lexical sub-state within a split token */
    uint8_t utf_need;      /* UTF-8 continuation bytes still expected */
    uint8_t utf_lo, utf_hi;/* allowed range of the next continuation byte */
    uint8_t tok_escaped, tok_integer, tok_chunked, tok_key, eof;
    uint8_t pend, pend_type, pend_more; /* a chunk to hand out on the next call */
    size_t pend_first, pend_end;
    char *carry;           /* optional, caller's: a short token cut by a piece boundary */
    size_t carry_cap, carry_len;
    uint8_t inline_stack[AXWS_JSON_STACK_BYTES(AXWS_JSON_DEFAULT_DEPTH)];
} axws_json;

/* Prepare `j` for a new document. `stack`/`stack_size`: optional caller storage for the
   nesting stack (8*stack_size levels; borrowed until the tokenizer is dropped); NULL, 0
   uses the built-in 64 levels. */
AXWS_API void axws_json_init(axws_json *j, void *stack, size_t stack_size);
/* Optional: a carry buffer of `size` bytes (borrowed; NULL, 0 turns it off, the default).
   With it, a string, key or number of at most `size` bytes that a piece boundary cuts is
   copied there and handed out whole (t.data then points into buf, not into a piece); only
   longer ones come as chunks. Call before the first token; axws_json_reset() keeps it. */
AXWS_API void axws_json_set_carry(axws_json *j, void *buf, size_t size);
/* Lower the depth limit to `max_depth` levels (at most what the stack holds; larger values
   are capped). Call before the first token. */
AXWS_API void axws_json_set_max_depth(axws_json *j, uint32_t max_depth);
/* Start over for a new document with the same stack and limit (offsets restart at 0). */
AXWS_API void axws_json_reset(axws_json *j);
/* Hand the next piece of input to the tokenizer. The piece is borrowed until the next feed;
   it may only be given once next() has returned AXWS_JSON_NEED_MORE for the previous one (or
   before the first next()). Returns 0, AXWS_JSON_EFEED (previous piece not used up; nothing
   changes) or the sticky error. An empty piece is fine. */
AXWS_API int axws_json_feed(axws_json *j, const void *data, size_t len);
/* Say the input has ended: after the current piece there is nothing more. */
AXWS_API void axws_json_end(axws_json *j);
/* The next token into *t. Returns its type (1..10), AXWS_JSON_NEED_MORE, AXWS_JSON_DONE, or
   a negative AXWS_JSON_E* error (sticky: later calls return it again). */
AXWS_API int axws_json_next(axws_json *j, axws_json_token *t);
/* The sticky error (0 if none), and the byte offset in the whole input where it was found. */
AXWS_API int axws_json_error(const axws_json *j);
AXWS_API uint64_t axws_json_error_offset(const axws_json *j);
/* Current nesting depth (open containers). */
AXWS_API uint32_t axws_json_depth(const axws_json *j);
/* A static description of any AXWS_JSON_E* code
      ("unknown error" for anything else). */
AXWS_API const char *axws_json_strerror(int err);
/* A static name for a token type ("begin_object", "key", ...; "need_more", "done"). */
AXWS_API const char *axws_json_type_name(int type);

/* ---- unescaping strings and keys ------------------------------------------------------
   Turns the raw bytes of a string (as the tokenizer returns them: valid, escapes kept)
   into UTF-8 in out[0..cap). Surrogate pairs (\ud83d\ude00) become one 4-byte sequence. An
   escape of a lone surrogate becomes U+FFFD (EF BF BD) and the result is then
   AXWS_JSON_ESURROGATE (the output is complete and usable; only the code is a warning). If
   out is too small, as much as fits is written (never a cut UTF-8 sequence) and the result
   is AXWS_JSON_ETRUNCATED (this wins over ESURROGATE). *out_len (optional) gets the bytes
   written; the chunked form below also tells the full length needed (u.len). Input that is
   not a valid tokenizer string (a bad or unfinished escape) gives AXWS_JSON_EESCAPE. The
   output is not NUL-terminated and may contain U+0000 (from "\u0000"). */
AXWS_API int axws_json_unescape(const char *raw, size_t len, char *out, size_t cap,
                                size_t *out_len);

/* The same for a string that arrives as chunks: init with the output buffer, add each
   chunk in order (escapes may be split between chunks), finish for the result. */
typedef struct axws_json_unescaper {
    char *out;
    size_t cap;
    size_t len;        /* bytes the whole result needs (may exceed cap) */
    size_t wlen;       /* bytes written to out so far */
    uint32_t hi;       /* pending high surrogate, 0 if none */
    uint32_t cp;       /* \u digits gathered */
    uint8_t state;     /* 0 plain, 1 after '\\', 2..5 reading hex digits */
    uint8_t lone;      /* a lone surrogate was replaced */
    uint8_t bad;       /* malformed escape seen */
    uint8_t trunc;     /* a sequence did not fit */
    uint8_t flags;     /* AXWS_JSON_UNESCAPE_* */
} axws_json_unescaper;
AXWS_API void axws_json_unescape_init(axws_json_unescaper *u, char *out, size_t cap);
/* Option: write an escaped lone surrogate as its own 3-byte form (generalized UTF-8, also
   called WTF-8: "\ud800" becomes ED A0 80) instead of U+FFFD, for programs that must
   reproduce the string exactly. The result is still AXWS_JSON_ESURROGATE. Such bytes
   never come from the input itself (the tokenizer refuses them there). */
#define AXWS_JSON_UNESCAPE_WTF8 1u
AXWS_API void axws_json_unescape_init_flags(axws_json_unescaper *u, char *out, size_t cap,
                                            unsigned flags);
AXWS_API void axws_json_unescape_add(axws_json_unescaper *u, const char *raw, size_t len);
/* Returns 0, AXWS_JSON_ETRUNCATED, AXWS_JSON_ESURROGATE or AXWS_JSON_EESCAPE; *out_len
   (optional) gets the full length. */
AXWS_API int axws_json_unescape_finish(axws_json_unescaper *u, size_t *out_len);

/* ---- numbers ----------------------------------------------------------------------------
   Both take a whole number's text (join chunks first; a number that needs more than a few
   hundred bytes is unusual) and validate it against the RFC 8259 grammar (else
   AXWS_JSON_ENUMBER). Neither depends on the locale. */

/* To int64: integers, and also fractions or exponents whose value is a whole number
   ("1.50e2" is 150). Returns 0, AXWS_JSON_ENOTINT (has a fractional part; *out untouched)
   or AXWS_JSON_ERANGE (outside int64; *out saturated to INT64_MIN/INT64_MAX). */
AXWS_API int axws_json_to_int64(const char *s, size_t len, int64_t *out);
/* To double, correctly rounded (round-half-even, the same as strtod in the C locale):
   exact arithmetic where doubles are exact, and an exact big-integer comparison otherwise.
   Returns 0, or AXWS_JSON_ERANGE when the value overflows (*out = +-HUGE_VAL, like strtod);
   underflow to zero or to a subnormal is not an error. */
AXWS_API int axws_json_to_double(const char *s, size_t len, double *out);

/* ---- selecting fields by path ---------------------------------------------------------
   A path set recognises, while tokens stream past, the values found at given paths - no
   tree is built. Patterns: keys separated by '.', array positions as [N]; '*' matches any
   key, [*] any position:  "room", "content.token_address", "content.pair.tokenName",
   "content[2]", "content[*]", "content.*".  Keys in patterns are compared byte for byte
   with the documents' keys after unescaping ("tok\u0065n" matches "token"); a key longer
   than 128 bytes matches only if it arrives whole (in one piece, or reassembled) and
   without escapes. A pattern cannot name a key containing '.', '[', ']' or '*'. At most
   AXWS_JSON_PATH_MAX_PARTS parts; values nested deeper than that match nothing.

   Use: axws_json_paths_init() with up to AXWS_JSON_MAX_PATHS patterns (borrowed strings,
   at most AXWS_JSON_PATH_MAX_PARTS parts each), then pass every token the tokenizer returns,
   in order, to axws_json_paths_token(). It returns the index of the first pattern matching
   the path of that token's value (for scalars, every chunk; for BEGIN_OBJECT/BEGIN_ARRAY,
   the container as a whole; for KEY, the value that follows), or -1. Also
   axws_json_paths_reset() between documents. The cost per token is a few bit operations
   plus, for keys, one comparison per pattern still alive at that depth.

       static const char *const want[] = {"room", "content.token_address", "content[*]"};
       axws_json_paths m;
       axws_json_paths_init(&m, want, 3);
       while ((r = axws_json_next(&j, &t)) > 0 && r != AXWS_JSON_DONE)
           switch (axws_json_paths_token(&m, &t)) {
           case 0: ...t.data/t.len is the room (r == AXWS_JSON_STRING)...
           case 1: ...the token address...
           case 2: ...one element of a content array (t.depth says which level)...
           }

   Matching is by position in the document, so the order of keys does not matter; a
   decoder that needs one field to interpret another (the room before the content) keeps
   what it saw and decides at AXWS_JSON_DONE. For KEY tokens the return value announces
   the value that follows (useful to capture a container's offset). */
#define AXWS_JSON_MAX_PATHS 64
#define AXWS_JSON_PATH_MAX_PARTS 15
typedef struct axws_json_paths {
    const char *const *pattern;
    size_t count;
    uint64_t all;                                 /* one bit per pattern */
    uint64_t alive[AXWS_JSON_PATH_MAX_PARTS + 2]; /* per depth: patterns matching so far */
    uint64_t ends[AXWS_JSON_PATH_MAX_PARTS + 2];  /* patterns with exactly d parts */
    uint64_t cur;                                 /* after a key: patterns matching it */
    uint32_t index[AXWS_JSON_PATH_MAX_PARTS + 2]; /* array position per depth */
    uint16_t part[AXWS_JSON_MAX_PATHS][AXWS_JSON_PATH_MAX_PARTS]; /* part offsets */
    uint8_t is_array[AXWS_JSON_PATH_MAX_PARTS + 2];
    uint32_t depth;                               /* open containers */
    int last_id;                                  /* answer for a chunked scalar's rest */
    axws_json_unescaper kesc;                     /* chunked or escaped keys */
    char kbuf[128];
} axws_json_paths;
/* Returns 0 or AXWS_JSON_EPATH (too many patterns, too many parts, malformed). */
AXWS_API int axws_json_paths_init(axws_json_paths *m, const char *const *patterns, size_t count);
AXWS_API void axws_json_paths_reset(axws_json_paths *m);
AXWS_API int axws_json_paths_token(axws_json_paths *m, const axws_json_token *t);
/* <<json-decl */

/* >>tls-decl */
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
/* ======================================================================== JSON tokenizer
   Layout: the grammar is a small "what may come next" state (expect) plus a bit stack of
   open containers; tokens that a piece boundary cuts in two keep a lexical state (lex, sub,
   utf_*) so the next piece resumes at the exact byte. axws_json_next() is small and takes
   the common cases (a string, key or number starting right here) straight to their
   scanners; everything else goes through axws__json_next_slow(). String bodies are scanned
   16 bytes (SSE2) or 8 bytes (SWAR) at a time for '"', '\\', control bytes and non-ASCII;
   only those stop the scan, and UTF-8 is validated only past a non-ASCII byte. Digit runs
   are scanned 8 at a time; the full number state machine runs only for exponents, errors
   and numbers cut by a piece boundary. A ':' or ',' right after a token is consumed with
   it, which saves a trip through the dispatch for most tokens of compact JSON. */
#include <string.h>
#include <float.h>
#if defined(__SSE2__) && !defined(AXWS_JSON_NO_SIMD)
/* SSE2 is part of every x86-64: 16 bytes of a string per step instead of the 8 of the
   portable SWAR scan. AXWS_JSON_NO_SIMD keeps the portable scan only. */
#include <emmintrin.h>
#define AXWS__JSON_SSE2 1
#else
#define AXWS__JSON_SSE2 0
#endif

enum {
    AXWS__JSON_X_VALUE = 0,       /* a value: top level, or after ':' */
    AXWS__JSON_X_ARR_FIRST,       /* after '[': a value or ']' */
    AXWS__JSON_X_ARR_NEXT,        /* after ',' in an array: a value (']' = trailing comma) */
    AXWS__JSON_X_OBJ_FIRST,       /* after '{': a key or '}' */
    AXWS__JSON_X_OBJ_NEXT,        /* after ',' in an object: a key ('}' = trailing comma) */
    AXWS__JSON_X_COLON,           /* after a key */
    AXWS__JSON_X_COMMA,           /* after a value inside a container */
    AXWS__JSON_X_DONE             /* after the top-level value: only whitespace */
};
enum {
    AXWS__JSON_LEX_NONE = 0, AXWS__JSON_LEX_STRING, AXWS__JSON_LEX_NUMBER, AXWS__JSON_LEX_LITERAL
};
/* number sub-states (RFC 8259 section 6 grammar) */
enum {
    AXWS__JSON_N_START = 0, AXWS__JSON_N_MINUS, AXWS__JSON_N_ZERO, AXWS__JSON_N_INT,
    AXWS__JSON_N_DOT, AXWS__JSON_N_FRAC, AXWS__JSON_N_E, AXWS__JSON_N_ESIGN, AXWS__JSON_N_EXP
};

#define AXWS__JSON_ONES 0x0101010101010101ULL
#define AXWS__JSON_HIGHS 0x8080808080808080ULL
#if (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define AXWS__JSON_CTZ_LE 1
#define AXWS__JSON_INLINE __inline__ __attribute__((always_inline))
#define AXWS__JSON_NOINLINE __attribute__((noinline))
#define AXWS__JSON_LIKELY(x) __builtin_expect(!!(x), 1)
#define AXWS__JSON_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define AXWS__JSON_CTZ_LE 0
#define AXWS__JSON_NOINLINE
#define AXWS__JSON_INLINE
#define AXWS__JSON_LIKELY(x) (x)
#define AXWS__JSON_UNLIKELY(x) (x)
#endif

/* 1 for bytes that stop the string scan: '"', '\\', controls (< 0x20) and non-ASCII. */
static const uint8_t axws__json_stop[256] = {
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1
};

/* Mask with the high bit set in every byte of x that stops the scan. Borrows can only
   add false hits above a true one, so the lowest hit is always exact. */
static uint64_t axws__json_swar_stop(uint64_t x) {
    uint64_t q = x ^ (AXWS__JSON_ONES * 0x22u), s = x ^ (AXWS__JSON_ONES * 0x5Cu);
    return ((q - AXWS__JSON_ONES) | (s - AXWS__JSON_ONES) | (x - AXWS__JSON_ONES * 0x20u) | x) &
           AXWS__JSON_HIGHS;
}

static int axws__json_ws(uint8_t c) { return c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09; }
static int axws__json_digit(uint8_t c) { return (unsigned)(c - '0') < 10u; }
static int axws__json_hex(uint8_t c) {
    return (unsigned)(c - '0') < 10u || (unsigned)((c | 0x20) - 'a') < 6u;
}

static int axws__json_fail(axws_json *j, int err, size_t p) {
    j->err = err;
    j->err_offset = j->base + p;
    j->pos = p;
    return err;
}

#define AXWS__JSON_TOP_IS_OBJECT(j) \
    (((j)->stack[((j)->depth - 1) >> 3] >> (((j)->depth - 1) & 7)) & 1)

AXWS_API void axws_json_init(axws_json *j, void *stack, size_t stack_size) {
    memset(j, 0, sizeof *j);
    if (stack && stack_size) {
        j->stack = (uint8_t *)stack;
        /* one bit per level; cap so the depth counter never overflows */
        j->max_depth = stack_size > 0x1FFFFFFFu ? 0xFFFFFFF8u : (uint32_t)(stack_size * 8u);
        j->stack_levels = j->max_depth;
    } else {
        j->stack = j->inline_stack;
        j->max_depth = AXWS_JSON_DEFAULT_DEPTH;
    }
}

AXWS_API void axws_json_set_carry(axws_json *j, void *buf, size_t size) {
    j->carry = buf && size ? (char *)buf : NULL;
    j->carry_cap = j->carry ? size : 0;
    j->carry_len = 0;
}

AXWS_API void axws_json_set_max_depth(axws_json *j, uint32_t max_depth) {
    uint32_t cap = j->stack == j->inline_stack ? (uint32_t)AXWS_JSON_DEFAULT_DEPTH
                                               : j->stack_levels;
    j->max_depth = max_depth < cap ? max_depth : cap;
}

AXWS_API void axws_json_reset(axws_json *j) {
    uint8_t *stack = j->stack;
    uint32_t max_depth = j->max_depth, levels = j->stack_levels;
    char *carry = j->carry;
    size_t carry_cap = j->carry_cap;
    int own = stack == j->inline_stack;
    memset(j, 0, sizeof *j);
    j->stack = own ? j->inline_stack : stack;
    j->max_depth = max_depth;
    j->stack_levels = levels;
    j->carry = carry;
    j->carry_cap = carry_cap;
}

AXWS_API int axws_json_feed(axws_json *j, const void *data, size_t len) {
    if (j->err) return j->err;
    if (j->pos != j->len || j->pend) return AXWS_JSON_EFEED;
    if (j->eof) return AXWS_JSON_EFEED;
    j->base += j->len;
    j->buf = (const uint8_t *)data;
    j->len = data ? len : 0;
    j->pos = 0;
    return 0;
}

AXWS_API void axws_json_end(axws_json *j) { j->eof = 1; }
AXWS_API int axws_json_error(const axws_json *j) { return j->err; }
AXWS_API uint64_t axws_json_error_offset(const axws_json *j) { return j->err_offset; }
AXWS_API uint32_t axws_json_depth(const axws_json *j) { return j->depth; }

AXWS_API const char *axws_json_strerror(int err) {
#define AXWS__JSON_STR_ITEM(name, value, text) case value: return text;
    switch (err) {
    case 0: return "success";
    AXWS__JSON_ERRORS(AXWS__JSON_STR_ITEM)
    default: return "unknown error";
    }
#undef AXWS__JSON_STR_ITEM
}

AXWS_API const char *axws_json_type_name(int type) {
    static const char *const names[] = {"need_more", "begin_object", "end_object",
                                        "begin_array", "end_array", "key", "string",
                                        "number", "true", "false", "null", "done"};
    return type >= 0 && type <= AXWS_JSON_DONE ? names[type] : "error";
}

/* Classify an unexpected byte c at p for a clear message. */
static int axws__json_unexpected(axws_json *j, size_t p, uint8_t c) {
    int value = j->expect <= AXWS__JSON_X_ARR_NEXT;
    if (c == '/') return axws__json_fail(j, AXWS_JSON_ECOMMENT, p);
    if (c == '\'') return axws__json_fail(j, AXWS_JSON_EQUOTE, p);
    switch (j->expect) {
    case AXWS__JSON_X_DONE: return axws__json_fail(j, AXWS_JSON_ETRAILING, p);
    case AXWS__JSON_X_COLON: return axws__json_fail(j, AXWS_JSON_EEXPECT_COLON, p);
    case AXWS__JSON_X_COMMA: return axws__json_fail(j, AXWS_JSON_EEXPECT_COMMA, p);
    case AXWS__JSON_X_OBJ_FIRST:
    case AXWS__JSON_X_OBJ_NEXT:
        if (c == '}') return axws__json_fail(j, AXWS_JSON_ECOMMA, p);
        return axws__json_fail(j, AXWS_JSON_EEXPECT_KEY, p);
    default: break;
    }
    if (value) {
        static const char starts[] = "{}[],:\"-0123456789tfn \t\r\n";
        if (c == ']' && j->expect == AXWS__JSON_X_ARR_NEXT)
            return axws__json_fail(j, AXWS_JSON_ECOMMA, p);
        if (c == 'N' || c == 'I') return axws__json_fail(j, AXWS_JSON_ENANINF, p);
        if (c == '+' || c == '.') return axws__json_fail(j, AXWS_JSON_ENUMBER, p);
        if (c == 0xEF && j->depth == 0 && j->base + p == 0)
            return axws__json_fail(j, AXWS_JSON_EBOM, p);
        /* a byte that begins nothing at all, versus punctuation in the wrong place */
        if (c == 0 || !memchr(starts, c, sizeof starts - 1))
            return axws__json_fail(j, AXWS_JSON_EUNEXPECTED, p);
        return axws__json_fail(j, AXWS_JSON_EEXPECT_VALUE, p);
    }
    return axws__json_fail(j, AXWS_JSON_EUNEXPECTED, p);
}

/* After a value that ended before b[p]: in compact JSON a ',' usually follows at once, so
   take it here and save a trip through the dispatch. Returns the new position. */
static AXWS__JSON_INLINE size_t axws__json_after_value_at(axws_json *j, const uint8_t *b,
                                                          size_t p, size_t n) {
    if (!j->depth) { j->expect = AXWS__JSON_X_DONE; return p; }
    if (p < n && b[p] == ',') {
        j->expect = (uint8_t)(AXWS__JSON_TOP_IS_OBJECT(j) ? AXWS__JSON_X_OBJ_NEXT
                                                           : AXWS__JSON_X_ARR_NEXT);
        return p + 1;
    }
    j->expect = AXWS__JSON_X_COMMA;
    return p;
}

/* The piece is used up with no token in progress (or a token with nothing new). */
static int axws__json_at_end(axws_json *j) {
    j->pos = j->len;
    if (!j->eof) return AXWS_JSON_NEED_MORE;
    if (j->lex == AXWS__JSON_LEX_STRING) return axws__json_fail(j, AXWS_JSON_EEOF, j->len);
    if (j->lex == AXWS__JSON_LEX_LITERAL) return axws__json_fail(j, AXWS_JSON_ELITERAL, j->len);
    if (j->expect == AXWS__JSON_X_DONE) return AXWS_JSON_DONE;
    if (j->expect == AXWS__JSON_X_VALUE && j->depth == 0)
        return axws__json_fail(j, AXWS_JSON_EEMPTY, j->len);
    return axws__json_fail(j, AXWS_JSON_EEOF, j->len);
}

/* Fill a data token. */
static int axws__json_span(axws_json *j, axws_json_token *t, int type, const uint8_t *data,
                           size_t len, int more) {
    t->type = (axws_json_type)type;
    t->data = (const char *)data;
    t->len = len;
    t->offset = j->tok_offset;
    t->depth = j->depth;
    t->more = (uint8_t)more;
    t->cont = j->tok_chunked;
    t->escaped = j->tok_escaped; /* 0 for numbers */
    t->integer = j->tok_integer; /* 0 for strings */
    j->tok_chunked = (uint8_t)more;
    return type;
}

/* Hand out bytes [first, end) of the current piece as the token in progress, or its part;
   `done`: the token ends here. With a carry buffer, a short token cut by piece boundaries
   is gathered there and handed out whole; when the carry would overflow it becomes the
   first chunk and this piece's part follows on the next call. Returns the type, or 0 when
   there is nothing to hand out yet. */
static int axws__json_deliver(axws_json *j, axws_json_token *t, int type, size_t first,
                              size_t end, int done) {
    size_t part = end - first;
    if (!j->tok_chunked) {
        if (j->carry_len + part <= j->carry_cap) {
            if (part) memcpy(j->carry + j->carry_len, j->buf + first, part);
            j->carry_len += part;
            if (!done) return 0;
            part = j->carry_len;
            j->carry_len = 0;
            return axws__json_span(j, t, type, (const uint8_t *)j->carry, part, 0);
        }
        if (j->carry_len) {
            axws__json_span(j, t, type, (const uint8_t *)j->carry, j->carry_len, 1);
            j->carry_len = 0;
            j->pend = 1;
            j->pend_type = (uint8_t)type;
            j->pend_first = first;
            j->pend_end = end;
            j->pend_more = (uint8_t)!done;
            return type;
        }
    }
    if (!part && !done) return 0;
    return axws__json_span(j, t, type, j->buf + first, part, !done);
}

/* Byte-at-a-time string scanning for the rare states: an escape or a UTF-8 sequence that
   a piece boundary cut, or one too close to the end of the piece for the fast path. Runs
   from p until the pending sequence is complete. Returns the new position or an error. */
static long long axws__json_str_slow(axws_json *j, const uint8_t *b, size_t p, size_t n) {
    while (p < n && (j->sub || j->utf_need)) {
        uint8_t c = b[p];
        if (j->utf_need) {
            /* RFC 3629 section 4: the allowed range of the first continuation byte excludes
               overlong forms, surrogates (ED A0..BF) and code points above U+10FFFF */
            if (c < j->utf_lo || c > j->utf_hi) return axws__json_fail(j, AXWS_JSON_EUTF8, p);
            j->utf_lo = 0x80;
            j->utf_hi = 0xBF;
            j->utf_need--;
        } else if (j->sub == 1) {
            switch (c) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                j->sub = 0;
                break;
            case 'u': j->sub = 2; break;
            default: return axws__json_fail(j, AXWS_JSON_EESCAPE, p);
            }
        } else {
            if (!axws__json_hex(c)) return axws__json_fail(j, AXWS_JSON_EESCAPE, p);
            j->sub = (uint8_t)(j->sub == 5 ? 0 : j->sub + 1);
        }
        p++;
    }
    return (long long)p;
}

/* Scan a string body starting at p (just after the opening quote, or at the start of a
   piece when resuming). `first` is where this piece's part of the token starts. */
static int axws__json_string(axws_json *j, axws_json_token *t, size_t p) {
    const uint8_t *b = j->buf;
    size_t n = j->len, first = p;
    int type = j->tok_key ? AXWS_JSON_KEY : AXWS_JSON_STRING;
    for (;;) {
        uint8_t c;
        if (AXWS__JSON_UNLIKELY(j->sub || j->utf_need)) {
            long long r = axws__json_str_slow(j, b, p, n);
            if (r < 0) return (int)r;
            p = (size_t)r;
        }
#if AXWS__JSON_SSE2 && AXWS__JSON_CTZ_LE
        {
            const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
            const __m128i space = _mm_set1_epi8(0x20);
            while (p + 16 <= n) {
                __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + p));
                /* signed compare: below 0x20 catches controls and every byte >= 0x80 */
                __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote),
                                                        _mm_cmpeq_epi8(x, bslash)),
                                           _mm_cmplt_epi8(x, space));
                unsigned mask = (unsigned)_mm_movemask_epi8(hit);
                if (mask) {
                    p += (size_t)__builtin_ctz(mask);
                    goto stop;
                }
                p += 16;
            }
            if (p < n && n >= 16) {
                /* the tail: load the piece's last 16 bytes (all inside the piece) and drop
                   the ones before p, rather than walking the tail byte by byte */
                size_t base = n - 16;
                __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + base));
                __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote),
                                                        _mm_cmpeq_epi8(x, bslash)),
                                           _mm_cmplt_epi8(x, space));
                unsigned mask = (unsigned)_mm_movemask_epi8(hit) >> (p - base);
                if (mask) {
                    p += (size_t)__builtin_ctz(mask);
                    goto stop;
                }
                p = n;
            }
        }
#endif
#if AXWS__JSON_CTZ_LE
        while (p + 8 <= n) {
            uint64_t x, m;
            memcpy(&x, b + p, 8);
            m = axws__json_swar_stop(x);
            if (m) {
                p += (size_t)(__builtin_ctzll(m) >> 3);
                goto stop;
            }
            p += 8;
        }
#endif
        while (p < n && !axws__json_stop[b[p]]) p++;
        if (p == n) {
            /* the piece ended inside the string: keep or hand out what we have */
            int r;
            j->pos = n;
            j->lex = AXWS__JSON_LEX_STRING;
            if (j->eof) return axws__json_fail(j, AXWS_JSON_EEOF, n);
            if (!j->carry_cap) /* no carry: what this piece held is a chunk */
                return p > first ? axws__json_span(j, t, type, b + first, p - first, 1)
                                 : AXWS_JSON_NEED_MORE;
            r = axws__json_deliver(j, t, type, first, p, 0);
            return r ? r : AXWS_JSON_NEED_MORE;
        }
#if AXWS__JSON_CTZ_LE
    stop:
#endif
        c = b[p];
        if (AXWS__JSON_LIKELY(c == '"')) {
            size_t end = p++;
            j->lex = AXWS__JSON_LEX_NONE;
            if (type == AXWS_JSON_KEY) {
                /* the ':' usually follows at once */
                if (p < n && b[p] == ':') { j->expect = AXWS__JSON_X_VALUE; p++; }
                else j->expect = AXWS__JSON_X_COLON;
                j->pos = p;
            } else j->pos = axws__json_after_value_at(j, b, p, n);
            if (AXWS__JSON_LIKELY(!j->carry_len))
                return axws__json_span(j, t, type, b + first, end - first, 0);
            return axws__json_deliver(j, t, type, first, end, 1);
        }
        if (c == '\\') {
            j->tok_escaped = 1;
            if (p + 6 <= n) {
                uint8_t e = b[p + 1];
                if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                    e == 'r' || e == 't') {
                    p += 2;
                    continue;
                }
                if (e == 'u') {
                    int k;
                    for (k = 2; k < 6; k++)
                        if (!axws__json_hex(b[p + k]))
                            return axws__json_fail(j, AXWS_JSON_EESCAPE, p + (size_t)k);
                    p += 6;
                    continue;
                }
                return axws__json_fail(j, AXWS_JSON_EESCAPE, p + 1);
            }
            j->sub = 1;
            p++;
            continue;
        }
        if (c < 0x20) return axws__json_fail(j, AXWS_JSON_ECONTROL, p);
        /* UTF-8 (RFC 3629 section 4) */
        {
            uint8_t need, lo = 0x80, hi = 0xBF;
            if (c < 0xC2 || c > 0xF4) return axws__json_fail(j, AXWS_JSON_EUTF8, p);
            if (c < 0xE0) need = 1;
            else if (c < 0xF0) {
                need = 2;
                if (c == 0xE0) lo = 0xA0;      /* overlong */
                else if (c == 0xED) hi = 0x9F; /* UTF-16 surrogates */
            } else {
                need = 3;
                if (c == 0xF0) lo = 0x90;      /* overlong */
                else if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
            }
            if (p + need < n) {
                if (b[p + 1] < lo || b[p + 1] > hi)
                    return axws__json_fail(j, AXWS_JSON_EUTF8, p + 1);
                if (need >= 2 && (b[p + 2] & 0xC0) != 0x80)
                    return axws__json_fail(j, AXWS_JSON_EUTF8, p + 2);
                if (need == 3 && (b[p + 3] & 0xC0) != 0x80)
                    return axws__json_fail(j, AXWS_JSON_EUTF8, p + 3);
                p += (size_t)need + 1;
                continue;
            }
            j->utf_need = need;
            j->utf_lo = lo;
            j->utf_hi = hi;
            p++;
        }
    }
}

/* Run the number state machine from p. Returns the end position (the number ended before
   it, or n), or an error. */
static long long axws__json_num_scan(axws_json *j, const uint8_t *b, size_t p, size_t n) {
    uint8_t s = j->sub;
    for (; p < n; p++) {
        uint8_t c = b[p];
        switch (s) {
        case AXWS__JSON_N_START:
            if (c == '-') { s = AXWS__JSON_N_MINUS; break; }
            /* fall through */
        case AXWS__JSON_N_MINUS:
            if (c == '0') { s = AXWS__JSON_N_ZERO; break; }
            if (c >= '1' && c <= '9') { s = AXWS__JSON_N_INT; break; }
            return axws__json_fail(j, c == 'I' ? AXWS_JSON_ENANINF : AXWS_JSON_ENUMBER, p);
        case AXWS__JSON_N_ZERO:
            if (axws__json_digit(c)) return axws__json_fail(j, AXWS_JSON_ELEADING_ZERO, p);
            goto after_int;
        case AXWS__JSON_N_INT:
            while (p < n && axws__json_digit(b[p])) p++;
            if (p == n) goto out;
            c = b[p];
        after_int:
            if (c == '.') { s = AXWS__JSON_N_DOT; j->tok_integer = 0; break; }
            if ((c | 0x20) == 'e') { s = AXWS__JSON_N_E; j->tok_integer = 0; break; }
            goto done;
        case AXWS__JSON_N_DOT:
            if (!axws__json_digit(c)) return axws__json_fail(j, AXWS_JSON_ENUMBER, p);
            s = AXWS__JSON_N_FRAC;
            break;
        case AXWS__JSON_N_FRAC:
            while (p < n && axws__json_digit(b[p])) p++;
            if (p == n) goto out;
            if ((b[p] | 0x20) == 'e') { s = AXWS__JSON_N_E; break; }
            goto done;
        case AXWS__JSON_N_E:
            if (c == '+' || c == '-') { s = AXWS__JSON_N_ESIGN; break; }
            /* fall through */
        case AXWS__JSON_N_ESIGN:
            if (!axws__json_digit(c)) return axws__json_fail(j, AXWS_JSON_ENUMBER, p);
            s = AXWS__JSON_N_EXP;
            break;
        default: /* AXWS__JSON_N_EXP */
            while (p < n && axws__json_digit(b[p])) p++;
            if (p == n) goto out;
            goto done;
        }
    }
out:
    j->sub = s;
    return (long long)n;
done:
    j->sub = 0xFF; /* complete */
    return (long long)p;
}

/* The end of a run of ASCII digits from p (eight at a time where possible). */
static size_t axws__json_digits(const uint8_t *b, size_t p, size_t n) {
#if AXWS__JSON_CTZ_LE
    while (p + 8 <= n) {
        uint64_t x, nd;
        memcpy(&x, b + p, 8);
        /* a byte is a digit iff its high nibble is 3 and adding 6 keeps it 3; carries only
           go upwards from a non-digit, so the lowest non-zero byte is the first non-digit */
        nd = ((x & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL) |
             (((x + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL);
        if (nd) return p + (size_t)(__builtin_ctzll(nd) >> 3);
        p += 8;
    }
#endif
    while (p < n && axws__json_digit(b[p])) p++;
    return p;
}

static int axws__json_number(axws_json *j, axws_json_token *t, size_t p) {
    size_t n = j->len, first = p;
    const uint8_t *b = j->buf;
    long long r;
    if (AXWS__JSON_LIKELY(j->sub == AXWS__JSON_N_START)) {
        /* the common shapes -?[1-9][0-9]* and -?(0|[1-9][0-9]*)\.[0-9]+ ending inside the
           piece; anything else (exponents, errors, the piece's end) takes the full state
           machine below from the start */
        size_t q = p + (b[p] == '-');
        if (q < n && b[q] >= '1' && b[q] <= '9') q = axws__json_digits(b, q + 1, n);
        else if (q < n && b[q] == '0') q++;
        else q = n;
        if (q < n && b[q] == '.') {
            size_t f = axws__json_digits(b, q + 1, n);
            q = f > q + 1 ? f : n;
            j->tok_integer = 0;
        }
        if (q < n && !axws__json_digit(b[q]) && (b[q] | 0x20) != 'e' && b[q] != '.') {
            j->lex = AXWS__JSON_LEX_NONE;
            j->pos = axws__json_after_value_at(j, b, q, n);
            if (AXWS__JSON_LIKELY(!j->carry_len))
                return axws__json_span(j, t, AXWS_JSON_NUMBER, b + first, q - first, 0);
            return axws__json_deliver(j, t, AXWS_JSON_NUMBER, first, q, 1);
        }
        j->tok_integer = 1;
    }
    r = axws__json_num_scan(j, b, p, n);
    if (r < 0) return (int)r;
    p = (size_t)r;
    if (j->sub == 0xFF || (p == n && j->eof)) {
        uint8_t s = j->sub;
        if (s != 0xFF && s != AXWS__JSON_N_ZERO && s != AXWS__JSON_N_INT &&
            s != AXWS__JSON_N_FRAC && s != AXWS__JSON_N_EXP)
            return axws__json_fail(j, AXWS_JSON_ENUMBER, p);
        j->sub = 0;
        j->lex = AXWS__JSON_LEX_NONE;
        j->pos = axws__json_after_value_at(j, j->buf, p, n);
        if (AXWS__JSON_LIKELY(!j->carry_len))
            return axws__json_span(j, t, AXWS_JSON_NUMBER, j->buf + first, p - first, 0);
        return axws__json_deliver(j, t, AXWS_JSON_NUMBER, first, p, 1);
    }
    j->lex = AXWS__JSON_LEX_NUMBER;
    j->pos = n;
    r = axws__json_deliver(j, t, AXWS_JSON_NUMBER, first, p, 0);
    return r ? (int)r : AXWS_JSON_NEED_MORE;
}

static const char *axws__json_literal_text(int type) {
    return type == AXWS_JSON_TRUE ? "true" : type == AXWS_JSON_FALSE ? "false" : "null";
}

/* Match the rest of a literal from p; j->sub bytes are already matched. */
static int axws__json_literal(axws_json *j, axws_json_token *t, size_t p, int type) {
    const char *lit = axws__json_literal_text(type);
    size_t n = j->len, want = type == AXWS_JSON_FALSE ? 5 : 4;
    while (j->sub < want) {
        if (p == n) {
            j->lex = AXWS__JSON_LEX_LITERAL;
            j->tok_integer = (uint8_t)type; /* remembers which literal */
            return axws__json_at_end(j);
        }
        if (j->buf[p] != (uint8_t)lit[j->sub]) return axws__json_fail(j, AXWS_JSON_ELITERAL, p);
        p++;
        j->sub++;
    }
    j->sub = 0;
    j->lex = AXWS__JSON_LEX_NONE;
    t->type = (axws_json_type)type;
    t->data = NULL;
    t->len = 0;
    t->offset = j->tok_offset;
    t->depth = j->depth;
    t->more = t->cont = t->escaped = t->integer = 0;
    j->pos = axws__json_after_value_at(j, j->buf, p, n);
    return type;
}

static int axws__json_resume(axws_json *j, axws_json_token *t) {
    if (j->pos == j->len && !j->eof) return AXWS_JSON_NEED_MORE;
    switch (j->lex) {
    case AXWS__JSON_LEX_STRING:
        if (j->pos == j->len) return axws__json_fail(j, AXWS_JSON_EEOF, j->len);
        return axws__json_string(j, t, j->pos);
    case AXWS__JSON_LEX_NUMBER: return axws__json_number(j, t, j->pos);
    default: return axws__json_literal(j, t, j->pos, j->tok_integer);
    }
}

/* Everything but the common cases, which axws_json_next() takes first. */
static AXWS__JSON_NOINLINE int axws__json_next_slow(axws_json *j, axws_json_token *t) {
    const uint8_t *b = j->buf;
    size_t p = j->pos, n = j->len;
    if (AXWS__JSON_UNLIKELY(j->err)) return j->err;
    if (AXWS__JSON_UNLIKELY(j->pend)) {
        j->pend = 0;
        return axws__json_span(j, t, j->pend_type, b + j->pend_first, j->pend_end - j->pend_first,
                               j->pend_more);
    }
    if (AXWS__JSON_UNLIKELY(j->lex != AXWS__JSON_LEX_NONE)) return axws__json_resume(j, t);
    for (;;) {
        uint8_t c;
        if (AXWS__JSON_UNLIKELY(p == n)) return axws__json_at_end(j);
        c = b[p];
        if (c <= 0x20 && axws__json_ws(c)) {
            p++;
            continue;
        }
        switch (c) {
        case '"':
            j->tok_offset = j->base + p;
            j->tok_escaped = 0;
            j->tok_chunked = 0;
            j->tok_integer = 0;
            if (j->expect <= AXWS__JSON_X_ARR_NEXT) j->tok_key = 0;
            else if (j->expect == AXWS__JSON_X_OBJ_FIRST || j->expect == AXWS__JSON_X_OBJ_NEXT)
                j->tok_key = 1;
            else return axws__json_unexpected(j, p, c);
            return axws__json_string(j, t, p + 1);
        case ',':
            if (j->expect != AXWS__JSON_X_COMMA) return axws__json_unexpected(j, p, c);
            j->expect = (uint8_t)(AXWS__JSON_TOP_IS_OBJECT(j) ? AXWS__JSON_X_OBJ_NEXT
                                                              : AXWS__JSON_X_ARR_NEXT);
            p++;
            continue;
        case ':':
            if (j->expect != AXWS__JSON_X_COLON) return axws__json_unexpected(j, p, c);
            j->expect = AXWS__JSON_X_VALUE;
            p++;
            continue;
        case '{':
        case '[':
            if (j->expect > AXWS__JSON_X_ARR_NEXT) return axws__json_unexpected(j, p, c);
            if (j->depth >= j->max_depth) return axws__json_fail(j, AXWS_JSON_EDEPTH, p);
            t->type = c == '{' ? AXWS_JSON_BEGIN_OBJECT : AXWS_JSON_BEGIN_ARRAY;
            t->offset = j->base + p;
            t->depth = j->depth;
            if (c == '{') j->stack[j->depth >> 3] |= (uint8_t)(1u << (j->depth & 7));
            else j->stack[j->depth >> 3] &= (uint8_t)~(1u << (j->depth & 7));
            j->depth++;
            j->expect = (uint8_t)(c == '{' ? AXWS__JSON_X_OBJ_FIRST : AXWS__JSON_X_ARR_FIRST);
            break;
        case '}':
        case ']':
            if (j->expect == AXWS__JSON_X_COMMA ||
                j->expect == (c == '}' ? AXWS__JSON_X_OBJ_FIRST : AXWS__JSON_X_ARR_FIRST)) {
                if ((int)AXWS__JSON_TOP_IS_OBJECT(j) != (c == '}'))
                    return axws__json_fail(j, AXWS_JSON_EMISMATCH, p);
                j->depth--;
                t->type = c == '}' ? AXWS_JSON_END_OBJECT : AXWS_JSON_END_ARRAY;
                t->offset = j->base + p;
                t->depth = j->depth;
                j->pos = axws__json_after_value_at(j, b, p + 1, n);
                t->data = NULL;
                t->len = 0;
                t->more = t->cont = t->escaped = t->integer = 0;
                return t->type;
            }
            if (j->expect == AXWS__JSON_X_OBJ_FIRST || j->expect == AXWS__JSON_X_ARR_FIRST)
                return axws__json_fail(j, AXWS_JSON_EMISMATCH, p);
            return axws__json_unexpected(j, p, c);
        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            if (j->expect > AXWS__JSON_X_ARR_NEXT) return axws__json_unexpected(j, p, c);
            j->tok_offset = j->base + p;
            j->tok_integer = 1;
            j->tok_escaped = 0;
            j->tok_chunked = 0;
            j->sub = 0;
            return axws__json_number(j, t, p);
        case 't': case 'f': case 'n':
            if (j->expect > AXWS__JSON_X_ARR_NEXT) return axws__json_unexpected(j, p, c);
            j->tok_offset = j->base + p;
            j->sub = 1;
            return axws__json_literal(j, t, p + 1,
                                      c == 't' ? AXWS_JSON_TRUE
                                               : c == 'f' ? AXWS_JSON_FALSE : AXWS_JSON_NULL);
        default: return axws__json_unexpected(j, p, c);
        }
        /* punctuation tokens */
        j->pos = p + 1;
        t->data = NULL;
        t->len = 0;
        t->more = t->cont = t->escaped = t->integer = 0;
        return t->type;
    }
}

/* What a '"' means in each grammar state: 0 a string value, 1 a key, 2 an error. */
static const uint8_t axws__json_quote_kind[8] = {0, 0, 0, 1, 1, 2, 2, 2};

AXWS_API int axws_json_next(axws_json *j, axws_json_token *t) {
    size_t p = j->pos;
    /* the common cases first, in a small function: a string or key, or a number, that
       starts right here with nothing pending; a string that continues in a new piece; a
       piece that is used up */
    if (AXWS__JSON_LIKELY(p < j->len && !(j->err | j->pend | j->lex))) {
        uint8_t c = j->buf[p], kind = axws__json_quote_kind[j->expect];
        if (c == '"' && kind < 2) {
            j->tok_offset = j->base + p;
            j->tok_escaped = 0;
            j->tok_chunked = 0;
            j->tok_integer = 0;
            j->tok_key = kind;
            return axws__json_string(j, t, p + 1);
        }
        if ((axws__json_digit(c) || c == '-') && kind == 0) {
            j->tok_offset = j->base + p;
            j->tok_integer = 1;
            j->tok_escaped = 0;
            j->tok_chunked = 0;
            j->sub = 0;
            return axws__json_number(j, t, p);
        }
    } else if (!(j->err | j->pend)) {
        if (p == j->len && !j->eof) return AXWS_JSON_NEED_MORE;
        if (p < j->len && j->lex == AXWS__JSON_LEX_STRING) return axws__json_string(j, t, p);
    }
    return axws__json_next_slow(j, t);
}

/* ---------------------------------------------------------------- unescaping */

static void axws__json_put(axws_json_unescaper *u, const char *s, size_t k) {
    u->len += k;
    if (u->trunc) return;
    if (u->cap - u->wlen >= k) {
        memcpy(u->out + u->wlen, s, k);
        u->wlen += k;
    } else {
        /* as much as fits; a cut UTF-8 sequence is trimmed in finish */
        size_t room = u->cap - u->wlen;
        if (room) memcpy(u->out + u->wlen, s, room);
        u->wlen = u->cap;
        u->trunc = 1;
    }
}

static void axws__json_put_cp(axws_json_unescaper *u, uint32_t cp) {
    char e[4];
    size_t k;
    if (cp < 0x80) { e[0] = (char)cp; k = 1; }
    else if (cp < 0x800) {
        e[0] = (char)(0xC0 | (cp >> 6)); e[1] = (char)(0x80 | (cp & 0x3F)); k = 2;
    }
    else if (cp < 0x10000) {
        e[0] = (char)(0xE0 | (cp >> 12)); e[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        e[2] = (char)(0x80 | (cp & 0x3F)); k = 3;
    } else {
        e[0] = (char)(0xF0 | (cp >> 18)); e[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        e[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); e[3] = (char)(0x80 | (cp & 0x3F)); k = 4;
    }
    axws__json_put(u, e, k);
}

/* An escaped lone surrogate: U+FFFD (or itself with AXWS_JSON_UNESCAPE_WTF8), and
   remember that one was seen. */
static void axws__json_put_lone(axws_json_unescaper *u, uint32_t cp) {
    u->lone = 1;
    axws__json_put_cp(u, (u->flags & AXWS_JSON_UNESCAPE_WTF8) ? cp : 0xFFFD);
}

/* A pending high surrogate not followed by a low one. */
static void axws__json_flush_hi(axws_json_unescaper *u) {
    if (u->hi) {
        uint32_t hi = u->hi;
        u->hi = 0;
        axws__json_put_lone(u, hi);
    }
}

AXWS_API void axws_json_unescape_init_flags(axws_json_unescaper *u, char *out, size_t cap,
                                            unsigned flags) {
    memset(u, 0, sizeof *u);
    u->out = out;
    u->cap = out ? cap : 0;
    u->flags = (uint8_t)flags;
}

AXWS_API void axws_json_unescape_init(axws_json_unescaper *u, char *out, size_t cap) {
    axws_json_unescape_init_flags(u, out, cap, 0);
}

AXWS_API void axws_json_unescape_add(axws_json_unescaper *u, const char *raw, size_t len) {
    size_t i = 0;
    while (i < len) {
        uint8_t c = (uint8_t)raw[i];
        if (u->state == 0) {
            const char *bs;
            size_t run;
            if (c != '\\') axws__json_flush_hi(u);
            bs = (const char *)memchr(raw + i, '\\', len - i);
            run = bs ? (size_t)(bs - (raw + i)) : len - i;
            if (run) axws__json_put(u, raw + i, run);
            i += run;
            if (i < len) { u->state = 1; i++; }
            continue;
        }
        i++;
        if (u->state == 1) {
            char e;
            if (c == 'u') { u->state = 2; u->cp = 0; continue; }
            axws__json_flush_hi(u);
            switch (c) {
            case '"': e = '"'; break;
            case '\\': e = '\\'; break;
            case '/': e = '/'; break;
            case 'b': e = '\b'; break;
            case 'f': e = '\f'; break;
            case 'n': e = '\n'; break;
            case 'r': e = '\r'; break;
            case 't': e = '\t'; break;
            default: u->bad = 1; u->state = 0; continue;
            }
            axws__json_put(u, &e, 1);
            u->state = 0;
            continue;
        }
        /* hex digits, states 2..5 */
        if (!axws__json_hex(c)) { u->bad = 1; u->state = 0; continue; }
        u->cp = (u->cp << 4) | (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        if (u->state < 5) { u->state++; continue; }
        u->state = 0;
        /* RFC 8259 section 7: a pair of escaped surrogates is one code point */
        if (u->hi) {
            if (u->cp >= 0xDC00 && u->cp <= 0xDFFF) {
                axws__json_put_cp(u, 0x10000 + ((u->hi - 0xD800) << 10) + (u->cp - 0xDC00));
                u->hi = 0;
                continue;
            }
            axws__json_flush_hi(u);
        }
        if (u->cp >= 0xD800 && u->cp <= 0xDBFF) u->hi = u->cp;
        else if (u->cp >= 0xDC00 && u->cp <= 0xDFFF) axws__json_put_lone(u, u->cp);
        else axws__json_put_cp(u, u->cp);
    }
}

AXWS_API int axws_json_unescape_finish(axws_json_unescaper *u, size_t *out_len) {
    if (u->state != 0) u->bad = 1;
    u->state = 0;
    axws__json_flush_hi(u);
    if (u->trunc && u->wlen) {
        /* never leave a cut UTF-8 sequence at the end */
        size_t k = u->wlen, back = 0;
        while (back < 4 && k > 0 && ((uint8_t)u->out[k - 1] & 0xC0) == 0x80) { k--; back++; }
        if (k > 0) {
            uint8_t lead = (uint8_t)u->out[k - 1];
            size_t need = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
            if (need > back + 1) u->wlen = k - 1;
        }
    }
    if (out_len) *out_len = u->wlen;
    if (u->bad) return AXWS_JSON_EESCAPE;
    if (u->trunc) return AXWS_JSON_ETRUNCATED;
    if (u->lone) return AXWS_JSON_ESURROGATE;
    return 0;
}

AXWS_API int axws_json_unescape(const char *raw, size_t len, char *out, size_t cap,
                                size_t *out_len) {
    axws_json_unescaper u;
    axws_json_unescape_init(&u, out, cap);
    axws_json_unescape_add(&u, raw, len);
    return axws_json_unescape_finish(&u, out_len);
}

/* ---------------------------------------------------------------- numbers */

/* A validated number: sign, the digits of the integer and fraction parts, the exponent. */
typedef struct axws__json_num {
    int neg;
    const char *ip; size_t il;   /* integer digits */
    const char *fp; size_t fl;   /* fraction digits */
    long exp;                    /* saturated to +-100000000 */
} axws__json_num;

static int axws__json_num_parse(const char *s, size_t len, axws__json_num *o) {
    size_t i = 0;
    memset(o, 0, sizeof *o);
    if (!s) return AXWS_JSON_ENUMBER;
    if (i < len && s[i] == '-') { o->neg = 1; i++; }
    o->ip = s + i;
    if (i < len && s[i] == '0') i++;
    else if (i < len && s[i] >= '1' && s[i] <= '9')
        while (i < len && axws__json_digit((uint8_t)s[i])) i++;
    else return AXWS_JSON_ENUMBER;
    o->il = (size_t)(s + i - o->ip);
    if (i < len && s[i] == '.') {
        i++;
        o->fp = s + i;
        while (i < len && axws__json_digit((uint8_t)s[i])) i++;
        o->fl = (size_t)(s + i - o->fp);
        if (!o->fl) return AXWS_JSON_ENUMBER;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        size_t d0;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) { eneg = s[i] == '-'; i++; }
        d0 = i;
        while (i < len && axws__json_digit((uint8_t)s[i])) {
            if (o->exp < 100000000L) o->exp = o->exp * 10 + (s[i] - '0');
            i++;
        }
        if (i == d0) return AXWS_JSON_ENUMBER;
        if (eneg) o->exp = -o->exp;
    }
    return i == len ? 0 : AXWS_JSON_ENUMBER;
}

static uint8_t axws__json_num_digit(const axws__json_num *o, size_t k) {
    return (uint8_t)((k < o->il ? o->ip[k] : o->fp[k - o->il]) - '0');
}

/* Significant digits: [*lo, *hi) of the int+fraction digit sequence without leading and
   trailing zeros; the value is digits * 10^(*e10). Returns the count (0 for zero). */
static size_t axws__json_num_sig(const axws__json_num *o, size_t *lo, long *e10) {
    size_t total = o->il + o->fl, a = 0, z = total;
    while (a < total && axws__json_num_digit(o, a) == 0) a++;
    while (z > a && axws__json_num_digit(o, z - 1) == 0) z--;
    *lo = a;
    *e10 = o->exp - (long)o->fl + (long)(total - z);
    return z - a;
}

AXWS_API int axws_json_to_int64(const char *s, size_t len, int64_t *out) {
    axws__json_num o;
    size_t lo, n, k;
    long e10;
    uint64_t v = 0, lim;
    int r = axws__json_num_parse(s, len, &o);
    if (r) return r;
    n = axws__json_num_sig(&o, &lo, &e10);
    if (n == 0) { *out = 0; return 0; }
    if (e10 < 0) return AXWS_JSON_ENOTINT;
    lim = o.neg ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1;
    if ((long)n + e10 > 19) goto range;
    for (k = 0; k < n; k++) v = v * 10 + axws__json_num_digit(&o, lo + k);
    for (; e10 > 0; e10--) v *= 10; /* at most 19 digits in all: fits uint64 */
    if (v > lim) goto range;
    *out = o.neg ? (int64_t)(0 - v) : (int64_t)v;
    if (o.neg && v == lim) *out = INT64_MIN;
    return 0;
range:
    *out = o.neg ? INT64_MIN : INT64_MAX;
    return AXWS_JSON_ERANGE;
}

/* Exact big integers for the double conversion: little-endian 32-bit limbs, on the stack.
   Sizes are bounded: at most 801 significant digits (see below) and exponents where the
   value is between 1e-325 and 1e311 keep every operand under 3000 bits. */
#define AXWS__JSON_BIG_LIMBS 128
typedef struct axws__json_big {
    size_t n;
    uint32_t d[AXWS__JSON_BIG_LIMBS];
} axws__json_big;

static void axws__json_big_set(axws__json_big *a, uint64_t v) {
    a->n = 0;
    while (v) { a->d[a->n++] = (uint32_t)v; v >>= 32; }
}

static void axws__json_big_muladd(axws__json_big *a, uint32_t m, uint32_t add) {
    uint64_t carry = add;
    size_t i;
    for (i = 0; i < a->n; i++) {
        uint64_t x = (uint64_t)a->d[i] * m + carry;
        a->d[i] = (uint32_t)x;
        carry = x >> 32;
    }
    if (carry && a->n < AXWS__JSON_BIG_LIMBS) a->d[a->n++] = (uint32_t)carry;
}

static void axws__json_big_mul_pow5(axws__json_big *a, long e) {
    static const uint32_t p5[14] = {1, 5, 25, 125, 625, 3125, 15625, 78125, 390625, 1953125,
                                    9765625, 48828125, 244140625, 1220703125};
    while (e >= 13) { axws__json_big_muladd(a, p5[13], 0); e -= 13; }
    if (e > 0) axws__json_big_muladd(a, p5[e], 0);
}

static void axws__json_big_shl(axws__json_big *a, long bits) {
    size_t limbs = (size_t)bits / 32, i;
    unsigned sh = (unsigned)bits % 32;
    if (a->n == 0 || bits <= 0) return;
    /* never reached with the sizes above; clamp rather than overrun if it ever were */
    if (a->n + 1 >= AXWS__JSON_BIG_LIMBS) return;
    if (a->n + limbs + 1 > AXWS__JSON_BIG_LIMBS) limbs = AXWS__JSON_BIG_LIMBS - a->n - 1;
    if (sh) {
        uint32_t top = a->d[a->n - 1] >> (32 - sh);
        for (i = a->n - 1; i > 0; i--) a->d[i] = (a->d[i] << sh) | (a->d[i - 1] >> (32 - sh));
        a->d[0] <<= sh;
        if (top) a->d[a->n++] = top;
    }
    if (limbs) {
        memmove(a->d + limbs, a->d, a->n * sizeof a->d[0]);
        memset(a->d, 0, limbs * sizeof a->d[0]);
        a->n += limbs;
    }
}

/* r = a * f (f < 2^64) */
static void axws__json_big_mul64(axws__json_big *r, const axws__json_big *a, uint64_t f) {
    uint32_t lo = (uint32_t)f, hi = (uint32_t)(f >> 32);
    size_t i;
    uint64_t carry = 0;
    r->n = 0;
    if (a->n == 0 || f == 0) return;
    for (i = 0; i < a->n && i < AXWS__JSON_BIG_LIMBS; i++) {
        uint64_t x = (uint64_t)a->d[i] * lo + carry;
        r->d[i] = (uint32_t)x;
        carry = x >> 32;
    }
    r->n = i;
    if (r->n < AXWS__JSON_BIG_LIMBS) r->d[r->n++] = (uint32_t)carry;
    if (hi) {
        carry = 0;
        if (r->n < AXWS__JSON_BIG_LIMBS) r->d[r->n++] = 0;
        for (i = 0; i < a->n && i + 1 < r->n; i++) {
            uint64_t x = (uint64_t)a->d[i] * hi + r->d[i + 1] + carry;
            r->d[i + 1] = (uint32_t)x;
            carry = x >> 32;
        }
        for (i = a->n + 1; carry && i < r->n; i++) {
            uint64_t x = (uint64_t)r->d[i] + carry;
            r->d[i] = (uint32_t)x;
            carry = x >> 32;
        }
    }
    while (r->n && r->d[r->n - 1] == 0) r->n--;
}

static int axws__json_big_cmp(const axws__json_big *a, const axws__json_big *b) {
    size_t i;
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (i = a->n; i > 0; i--)
        if (a->d[i - 1] != b->d[i - 1]) return a->d[i - 1] < b->d[i - 1] ? -1 : 1;
    return 0;
}

/* Exactly-representable powers of ten up to 1e22; the rest are the compiler's correctly
   rounded constants, used only for the first guess. */
static const double axws__json_pow10[309] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
    1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29,
    1e30, 1e31, 1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38, 1e39,
    1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47, 1e48, 1e49,
    1e50, 1e51, 1e52, 1e53, 1e54, 1e55, 1e56, 1e57, 1e58, 1e59,
    1e60, 1e61, 1e62, 1e63, 1e64, 1e65, 1e66, 1e67, 1e68, 1e69,
    1e70, 1e71, 1e72, 1e73, 1e74, 1e75, 1e76, 1e77, 1e78, 1e79,
    1e80, 1e81, 1e82, 1e83, 1e84, 1e85, 1e86, 1e87, 1e88, 1e89,
    1e90, 1e91, 1e92, 1e93, 1e94, 1e95, 1e96, 1e97, 1e98, 1e99,
    1e100, 1e101, 1e102, 1e103, 1e104, 1e105, 1e106, 1e107, 1e108, 1e109,
    1e110, 1e111, 1e112, 1e113, 1e114, 1e115, 1e116, 1e117, 1e118, 1e119,
    1e120, 1e121, 1e122, 1e123, 1e124, 1e125, 1e126, 1e127, 1e128, 1e129,
    1e130, 1e131, 1e132, 1e133, 1e134, 1e135, 1e136, 1e137, 1e138, 1e139,
    1e140, 1e141, 1e142, 1e143, 1e144, 1e145, 1e146, 1e147, 1e148, 1e149,
    1e150, 1e151, 1e152, 1e153, 1e154, 1e155, 1e156, 1e157, 1e158, 1e159,
    1e160, 1e161, 1e162, 1e163, 1e164, 1e165, 1e166, 1e167, 1e168, 1e169,
    1e170, 1e171, 1e172, 1e173, 1e174, 1e175, 1e176, 1e177, 1e178, 1e179,
    1e180, 1e181, 1e182, 1e183, 1e184, 1e185, 1e186, 1e187, 1e188, 1e189,
    1e190, 1e191, 1e192, 1e193, 1e194, 1e195, 1e196, 1e197, 1e198, 1e199,
    1e200, 1e201, 1e202, 1e203, 1e204, 1e205, 1e206, 1e207, 1e208, 1e209,
    1e210, 1e211, 1e212, 1e213, 1e214, 1e215, 1e216, 1e217, 1e218, 1e219,
    1e220, 1e221, 1e222, 1e223, 1e224, 1e225, 1e226, 1e227, 1e228, 1e229,
    1e230, 1e231, 1e232, 1e233, 1e234, 1e235, 1e236, 1e237, 1e238, 1e239,
    1e240, 1e241, 1e242, 1e243, 1e244, 1e245, 1e246, 1e247, 1e248, 1e249,
    1e250, 1e251, 1e252, 1e253, 1e254, 1e255, 1e256, 1e257, 1e258, 1e259,
    1e260, 1e261, 1e262, 1e263, 1e264, 1e265, 1e266, 1e267, 1e268, 1e269,
    1e270, 1e271, 1e272, 1e273, 1e274, 1e275, 1e276, 1e277, 1e278, 1e279,
    1e280, 1e281, 1e282, 1e283, 1e284, 1e285, 1e286, 1e287, 1e288, 1e289,
    1e290, 1e291, 1e292, 1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299,
    1e300, 1e301, 1e302, 1e303, 1e304, 1e305, 1e306, 1e307, 1e308
};

static double axws__json_bits_to_double(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t axws__json_double_to_bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

/* Context of the exact comparison: value = D * 10^E. */
typedef struct axws__json_exact {
    axws__json_big base; /* E >= 0: D * 5^E;  E < 0: 5^-E */
    axws__json_big digits; /* D (E < 0 only) */
    long e10;
} axws__json_exact;

/* Compare D*10^E with f * 2^g. */
static int axws__json_exact_cmp(const axws__json_exact *x, uint64_t f, long g) {
    axws__json_big l, r;
    long l2, r2, k;
    if (x->e10 >= 0) {
        l = x->base; l2 = x->e10;
        axws__json_big_set(&r, f); r2 = g;
    } else {
        l = x->digits; l2 = 0;
        axws__json_big_mul64(&r, &x->base, f); r2 = g - x->e10;
    }
    k = l2 < r2 ? l2 : r2;
    axws__json_big_shl(&l, l2 - k);
    axws__json_big_shl(&r, r2 - k);
    return axws__json_big_cmp(&l, &r);
}

AXWS_API int axws_json_to_double(const char *s, size_t len, double *out) {
    axws__json_num o;
    size_t lo, n, k, i;
    long e10, e;
    uint64_t w = 0, bits;
    double z;
    int r = axws__json_num_parse(s, len, &o), iter;
    if (r) return r;
    n = axws__json_num_sig(&o, &lo, &e10);
    if (n == 0) { *out = o.neg ? -0.0 : 0.0; return 0; }
    /* value in [10^(e10+n-1), 10^(e10+n)): beyond 1e310 it overflows, below 1e-324 (under
       half the smallest subnormal, 4.9e-324) it rounds to zero */
    if (e10 + (long)n > 310) { z = DBL_MAX * 2.0; goto finish; }
    if (e10 + (long)n < -324) { z = 0.0; goto finish; }
    k = n < 19 ? n : 19;
    for (i = 0; i < k; i++) w = w * 10 + axws__json_num_digit(&o, lo + i);
    e = e10 + (long)(n - k);
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    /* Clinger's fast path: w and 10^|e| are exact doubles, so one correctly rounded
       operation gives the correctly rounded result */
    if (n == k && w <= ((uint64_t)1 << 53) && e >= -22 && e <= 22) {
        z = e >= 0 ? (double)w * axws__json_pow10[e] : (double)w / axws__json_pow10[-e];
        goto finish;
    }
    if (n == k && e > 22 && e <= 22 + 15) {
        uint64_t ww = w;
        long ee = e;
        while (ee > 22 && ww <= ((uint64_t)1 << 53) / 10) { ww *= 10; ee--; }
        if (ee == 22 && ww <= ((uint64_t)1 << 53)) {
            z = (double)ww * 1e22;
            goto finish;
        }
    }
#endif
    {
        /* A guess within a few units in the last place, then exact comparisons with the
           halfway points around it until it is the correctly rounded value. */
        axws__json_exact x;
        size_t use = n, d;
        uint32_t chunk = 0, mul = 1;
        if (e >= 0) z = e > 308 ? DBL_MAX : (double)w * axws__json_pow10[e];
        else if (e >= -308) z = (double)w / axws__json_pow10[-e];
        else z = (double)w / 1e308 / axws__json_pow10[-e - 308];
        if (z > DBL_MAX) z = DBL_MAX;
        /* A halfway point between doubles has at most 767 significant digits, so digits
           past the 800th only matter as "some were non-zero": replace them by one '1'. */
        x.e10 = e10;
        if (n > 800) { use = 800; x.e10 = e10 + (long)(n - 800) - 1; }
        axws__json_big_set(&x.digits, 0);
        for (d = 0; d < use; d++) {
            chunk = chunk * 10 + axws__json_num_digit(&o, lo + d);
            mul *= 10;
            if (mul == 1000000000u) {
                axws__json_big_muladd(&x.digits, mul, chunk);
                if (x.digits.n == 0 && chunk) axws__json_big_set(&x.digits, chunk);
                chunk = 0; mul = 1;
            }
        }
        if (n > 800) { chunk = chunk * 10 + 1; mul *= 10; }
        if (mul > 1) {
            if (x.digits.n == 0) axws__json_big_set(&x.digits, chunk);
            else axws__json_big_muladd(&x.digits, mul, chunk);
        }
        if (x.e10 >= 0) {
            x.base = x.digits;
            axws__json_big_mul_pow5(&x.base, x.e10);
        } else {
            axws__json_big_set(&x.base, 1);
            axws__json_big_mul_pow5(&x.base, -x.e10);
        }
        for (iter = 0; iter < 64; iter++) {
            uint64_t m;
            long g;
            int c;
            bits = axws__json_double_to_bits(z);
            if ((bits >> 52) == 0x7FF) break; /* rounded up past DBL_MAX: infinity */
            m = bits & (((uint64_t)1 << 52) - 1);
            if (bits >> 52) { m |= (uint64_t)1 << 52; g = (long)(bits >> 52) - 1075; }
            else g = -1074;
            /* upper halfway point (2m+1) * 2^(g-1) */
            c = axws__json_exact_cmp(&x, 2 * m + 1, g - 1);
            if (c > 0 || (c == 0 && (m & 1))) { z = axws__json_bits_to_double(bits + 1); continue; }
            if (c == 0 || m == 0) break;
            /* lower halfway point; below a power of two the gap is half as wide */
            if ((m == ((uint64_t)1 << 52)) && (bits >> 52) > 1)
                c = axws__json_exact_cmp(&x, 4 * m - 1, g - 2);
            else
                c = axws__json_exact_cmp(&x, 2 * m - 1, g - 1);
            if (c < 0 || (c == 0 && (m & 1))) { z = axws__json_bits_to_double(bits - 1); continue; }
            break;
        }
    }
finish:
    *out = o.neg ? -z : z;
    return z > DBL_MAX ? AXWS_JSON_ERANGE : 0;
}

/* ---------------------------------------------------------------- paths */

static int axws__json_ctz64(uint64_t m) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(m);
#else
    int k = 0;
    while (!(m & 1)) { m >>= 1; k++; }
    return k;
#endif
}

static int axws__json_path_split(const char *pat, uint16_t *parts, int *np) {
    size_t i = 0;
    int k = 0;
    if (!pat || !pat[0]) return AXWS_JSON_EPATH;
    for (;;) {
        if (k == AXWS_JSON_PATH_MAX_PARTS || i > 0xFFFF) return AXWS_JSON_EPATH;
        parts[k++] = (uint16_t)i;
        if (pat[i] == '[') {
            i++;
            if (pat[i] == '*') i++;
            else {
                if (!axws__json_digit((uint8_t)pat[i])) return AXWS_JSON_EPATH;
                while (axws__json_digit((uint8_t)pat[i])) i++;
            }
            if (pat[i] != ']') return AXWS_JSON_EPATH;
            i++;
        } else {
            size_t s = i;
            while (pat[i] && pat[i] != '.' && pat[i] != '[' && pat[i] != ']') {
                /* '*' only as a whole part */
                if (pat[i] == '*' &&
                    (i != s || (pat[i + 1] && pat[i + 1] != '.' && pat[i + 1] != '[')))
                    return AXWS_JSON_EPATH;
                i++;
            }
            if (i == s || pat[i] == ']') return AXWS_JSON_EPATH;
        }
        if (!pat[i]) break;
        if (pat[i] == '.') {
            i++;
            if (!pat[i] || pat[i] == '.' || pat[i] == '[') return AXWS_JSON_EPATH;
        } else if (pat[i] != '[') return AXWS_JSON_EPATH;
    }
    *np = k;
    return 0;
}

AXWS_API void axws_json_paths_reset(axws_json_paths *m) {
    m->depth = 0;
    m->cur = 0;
    m->last_id = -1;
    m->alive[1] = m->all;
}

AXWS_API int axws_json_paths_init(axws_json_paths *m, const char *const *patterns, size_t count) {
    size_t i;
    memset(m, 0, sizeof *m);
    if (count > AXWS_JSON_MAX_PATHS || (count && !patterns)) return AXWS_JSON_EPATH;
    m->pattern = patterns;
    m->count = count;
    for (i = 0; i < count; i++) {
        int np = 0, r = axws__json_path_split(patterns[i], m->part[i], &np);
        if (r) { memset(m, 0, sizeof *m); return r; }
        m->ends[np] |= (uint64_t)1 << i;
        m->all |= (uint64_t)1 << i;
    }
    axws_json_paths_reset(m);
    return 0;
}

/* Does part `d` of pattern p (a key part) match the key? */
static int axws__json_path_key(const axws_json_paths *m, int p, uint32_t d, const char *key,
                               size_t len) {
    const char *s = m->pattern[p] + m->part[p][d];
    size_t k = 0;
    if (s[0] == '[') return 0;
    if (s[0] == '*' && (s[1] == 0 || s[1] == '.' || s[1] == '[')) return 1;
    while (k < len && s[k] == key[k] && s[k] != '.' && s[k] != '[' && s[k]) k++;
    return k == len && (s[k] == 0 || s[k] == '.' || s[k] == '[');
}

/* Patterns whose part d-1 matches the current value's position in the container at depth d. */
static uint64_t axws__json_path_value(axws_json_paths *m) {
    uint32_t d = m->depth;
    uint64_t alive, out = 0;
    if (d == 0) return m->all;
    if (d > AXWS_JSON_PATH_MAX_PARTS) return 0;
    if (!m->is_array[d]) return m->cur;
    m->index[d]++;
    for (alive = m->alive[d]; alive; alive &= alive - 1) {
        int p = axws__json_ctz64(alive);
        const char *s = m->pattern[p] + m->part[p][d - 1];
        uint64_t v = 0;
        if (s[0] != '[') continue;
        if (s[1] == '*') { out |= (uint64_t)1 << p; continue; }
        for (s++; *s != ']'; s++) v = v * 10 + (uint64_t)(*s - '0');
        if (v == m->index[d]) out |= (uint64_t)1 << p;
    }
    return out;
}

static int axws__json_first(uint64_t mask) { return mask ? axws__json_ctz64(mask) : -1; }

AXWS_API int axws_json_paths_token(axws_json_paths *m, const axws_json_token *t) {
    uint32_t d = m->depth;
    uint64_t mask;
    int id;
    switch (t->type) {
    case AXWS_JSON_KEY: {
        const char *key = t->data;
        size_t len = t->len;
        uint64_t alive, out = 0;
        if (t->cont || t->more || t->escaped) {
            /* decode keys that are escaped or arrive in chunks into kbuf */
            if (!t->cont) axws_json_unescape_init(&m->kesc, m->kbuf, sizeof m->kbuf);
            axws_json_unescape_add(&m->kesc, t->data, t->len);
            if (t->more) return -1;
            if (axws_json_unescape_finish(&m->kesc, &len) == AXWS_JSON_ETRUNCATED) {
                m->cur = 0;
                return -1;
            }
            key = m->kbuf;
        }
        if (d == 0 || d > AXWS_JSON_PATH_MAX_PARTS) { m->cur = 0; return -1; }
        for (alive = m->alive[d]; alive; alive &= alive - 1) {
            int p = axws__json_ctz64(alive);
            if (axws__json_path_key(m, p, d - 1, key, len)) out |= (uint64_t)1 << p;
        }
        m->cur = out;
        return axws__json_first(out & m->ends[d]);
    }
    case AXWS_JSON_BEGIN_OBJECT:
    case AXWS_JSON_BEGIN_ARRAY:
        mask = axws__json_path_value(m);
        id = d <= AXWS_JSON_PATH_MAX_PARTS ? axws__json_first(mask & m->ends[d]) : -1;
        m->depth = d + 1;
        if (d + 1 <= AXWS_JSON_PATH_MAX_PARTS) {
            m->alive[d + 1] = mask & ~m->ends[d];
            m->is_array[d + 1] = (uint8_t)(t->type == AXWS_JSON_BEGIN_ARRAY);
            m->index[d + 1] = (uint32_t)-1;
            m->cur = 0;
        }
        return id;
    case AXWS_JSON_END_OBJECT:
    case AXWS_JSON_END_ARRAY:
        if (m->depth) m->depth--;
        return -1;
    case AXWS_JSON_STRING:
    case AXWS_JSON_NUMBER:
    case AXWS_JSON_TRUE:
    case AXWS_JSON_FALSE:
    case AXWS_JSON_NULL:
        if (t->cont) return m->last_id;
        mask = axws__json_path_value(m);
        m->last_id = d <= AXWS_JSON_PATH_MAX_PARTS ? axws__json_first(mask & m->ends[d]) : -1;
        return m->last_id;
    default: return -1;
    }
}
/* <<json */

/* >>tls */
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
