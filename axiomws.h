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
