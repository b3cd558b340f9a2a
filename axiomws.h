/* axiomws.h - v0.2.0 - Axiom Trade streaming client / WebSocket (RFC 6455) client in one C header

   Do this:
       #define AXIOMWS_IMPLEMENTATION
   before you include this file in *one* C or C++ file to create the implementation.
   Every other file includes it without the define and sees only declarations.
   Link with -lbearssl (unless built with AXWS_NO_TLS).

QUICK START
   A whole client (tests/test_docs.sh compiles and runs it): it connects, sends one message,
   prints the answer, closes with the close handshake, and says what went wrong if anything:

       #define AXIOMWS_IMPLEMENTATION
       #include "axiomws.h"
       #include <stdio.h>

       static void on_event(axws_conn *c, const axws_event *ev, void *user) {
           (void)user;
           if (ev->type == AXWS_EV_OPEN) axws_send_text(c, "hello", 5);
           if (ev->type == AXWS_EV_MESSAGE) {
               printf("%.*s\n", (int)ev->len, (const char *)ev->data);
               axws_close(c, AXWS_CLOSE_NORMAL, "done", ev->now_ms);
           }
       }

       int main(int argc, char **argv) {
           static unsigned char rx[4096], tx[4096], msg[65536];
           static axws_conn c;
           char why[AXWS_DESCRIBE_MAX];
           axws_config cfg;
           axws_config_init(&cfg);
           cfg.rx_buf = rx; cfg.rx_size = sizeof rx;     cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
           cfg.msg_buf = msg; cfg.msg_size = sizeof msg; cfg.on_event = on_event;
           if (axws_init(&c, &cfg) == 0 && axws_connect(&c, argc > 1 ? argv[1] : "ws://127.0.0.1:9001/", axws_now_ms()) == 0)
               while (axws_conn_state(&c) != AXWS_STATE_CLOSED) {
                   struct pollfd p[AXWS_MAX_POLLFDS];
                   int n = axws_pollfds(&c, p, AXWS_MAX_POLLFDS);
                   poll(p, (nfds_t)n, axws_timeout_ms(&c, axws_now_ms()));
                   axws_step(&c, p, n, axws_now_ms());
               }
           if (axws_error(&c)) {
               axws_describe(&c, why, sizeof why);
               fprintf(stderr, "%s\n", why);
               return 1;
           }
           return 0;
       }

   wss:// needs rx_buf of AXWS_TLS_BUF_MIN bytes and trust anchors (axws_tls_anchors_file()
   into cfg.trust_anchors / trust_anchor_count); see the README's "Getting started".

CONFIGURATION MACROS (NAME - default - meaning)
   AXIOMWS_IMPLEMENTATION - unset - emit the definitions in this translation unit.
   AXWS_STATIC            - unset - make every public function static to this file.
   AXWS_API               - extern - decoration of every public function.
   AXWS_NO_TLS            - unset - build without BearSSL: no wss://, a built-in SHA-1 for
                                    the handshake and an OS random pool for mask keys.
                                    Changes struct layouts: set it the same in every file.
   FEATURE SWITCHES (each removes a layer; all change struct layouts: set them the same in
   every file; an impossible combination stops with #error):
   AXWS_NO_SOCKETS        - unset - the sans-IO core only: no POSIX header anywhere, no
                                    pollfd or sockaddr in the API, no axws_connect/step/
                                    pollfds/poll/now_ms, no Axiom client (its decoder stays).
                                    Implies AXWS_NO_TLS (the TLS layer drives sockets). Needs
                                    cfg.random unless AXWS_NO_OS_RANDOM is off and the
                                    platform has an OS source (none without sockets).
   AXWS_PORT_LWIP         - unset - the network port is lwIP's socket API (lwip_socket,
                                    lwip_connect, lwip_send, lwip_recv, lwip_poll, ...)
                                    instead of POSIX; needs lwIP with LWIP_SOCKET and
                                    LWIP_SOCKET_POLL; names resolve with LWIP_DNS (or set
                                    cfg.resolve); IP literals always work.
   AXWS_PORT_USER         - unset - the network port is the program's own (a modem's AT
                                    socket commands, a vendor TCP API): the library defines
                                    no socket code and calls axws_port_open/connect/
                                    connect_result/send/recv/close/resolve, which the program
                                    defines (see "the network port of the program's own" in
                                    the declarations); axws_poll() and axws_now_ms() are then
                                    the program's too. No POSIX call is linked: no token
                                    file (pass the tokens) and, with AXWS_NO_TLS, no OS
                                    random source (set cfg.random). Not with AXWS_PORT_LWIP.
   AXWS_PORT_USER_HEADER  - unset - with AXWS_PORT_USER: a header to include instead of
                                    <poll.h> (e.g. "myport.h") that declares struct pollfd
                                    {int fd; short events, revents;} and POLLIN, POLLOUT,
                                    POLLERR, POLLHUP, for targets without <poll.h> (newlib).
   AXWS_NO_JSON           - unset - no JSON tokenizer. Needs AXWS_NO_AXIOM.
   AXWS_NO_AXIOM          - unset - no Axiom decoder and no Axiom client.
   AXWS_NO_STATS          - unset - no statistics: no ping round trips (axws_rtt_ms), no
                                    Axiom figures (axws_axiom_read_stats and _room_stats,
                                    latency percentiles); arrival times, latency per
                                    message, gaps and silence limits stay.
   AXWS_NO_DEFLATE        - unset - no permessage-deflate and no inflate (cfg.deflate is
                                    gone). Without it they cost no flash either in a
                                    program that never calls axws_deflate_enable().
   AXWS_NO_STDIO          - unset - no fopen, printf, getenv or strerror anywhere: trust
                                    anchors from memory (no axws_tls_anchors_file), Axiom
                                    tokens from the config (no token file, no environment).
                                    The library formats its numbers and texts itself in
                                    every build, so newlib-nano and picolibc need nothing.
   AXWS_NO_OS_RANDOM      - unset - never ask the OS (nor BearSSL's system seeder) for
                                    randomness: cfg.random is the only entropy source and
                                    connecting without it fails with AXWS_ENORANDOM.
   AXWS_NO_PROXY          - unset - no proxies: no cfg.proxy, axws_proxy_status() or
                                    axws_proxy_from_env(), and no tunnel code in the
                                    socket driver. Implied by AXWS_NO_SOCKETS, and by
                                    AXWS_PORT_LWIP / AXWS_PORT_USER unless AXWS_PROXY is
                                    defined: the tunnel costs about 3 KB of flash that a
                                    device on its own network rarely needs.
   AXWS_PROXY             - unset - with AXWS_PORT_LWIP or AXWS_PORT_USER: keep proxies.
   AXWS_ASSERT(x)         - assert(x) - how programmer errors (NULL objects) are caught.
   AXWS_JSON_NO_SIMD      - unset - the JSON scanner uses portable 8-byte words only.
   AXWS_JSON_DEFAULT_DEPTH - 64   - levels of axws_json's built-in stack (1..4096; a
                                    program's own stack allows any depth). Changes the
                                    struct's layout: set it the same in every file.
   AXWS_AXIOM_SHARED_RX   - unset - the Axiom client's token refresh borrows the stream's
                                    rx_buf instead of a record buffer of its own (17,010
                                    bytes less in axws_axiom with TLS): the two take turns,
                                    so a refresh runs only while the stream is down (before
                                    a connect that needs one, after a 401/403, or between
                                    connections when one is due or was asked for) and an
                                    attempt waits for a running refresh. A token only
                                    matters at the upgrade, so nothing is lost but the
                                    refresh's round trip before such a reconnect. rx_buf
                                    must then hold TLS records (AXWS_TLS_BUF_MIN) when the
                                    refresh is https://. Changes the layout: same in every
                                    file.
   AXWS_AXIOM_MAX_ROOMS   - 64    - rooms one Axiom client remembers.      } these change
   AXWS_AXIOM_ROOM_MAX    - 95    - longest room name in bytes.             } struct layouts:
   AXWS_AXIOM_TOKEN_MAX   - 2047  - longest access or refresh token.        } set them the
   AXWS_AXIOM_CAPTURE_MAX, AXWS_AXIOM_RAW_MAX, AXWS_AXIOM_ARENA_SIZE,       } same in every
   AXWS_AXIOM_MAX_VALUES, AXWS_AXIOM_MAX_BALANCES - see the >>axiom-msg-decl   } file.
                            section: what an oversize message keeps.

LAYERS
   The implementation is in sections, each between a ">>name" and a "<<name" marker in a
   comment (search for them). A section calls only the sections under it in this picture;
   upward calls go through function pointers it was given (events, the deflate hooks):

       axiom-client  the Axiom client: rooms, tokens, refresh, reconnects     (axws__ax_)
           |      +-------------------------------------+
       axiom-msg  the typed decoder of Axiom messages   |                  (axws__axiom_)
           |                                            |
         json     the streaming tokenizer               |                  (axws__json_)
           |      sock, proxy, tls, port: the socket driver, the only code that touches
           |          the network    (axws__sock_, axws__px_, axws__tls_, axws__port_)
           |      describe   axws_describe(): a failure in one line       (axws__describe_)
           |                                            |
           |      the sans-IO core, one layer in three sections that call each other:
           |        core    connection state, timers, the close handshake  (axws__core_)
           |        http    URLs, the upgrade request and its answer       (axws__http_)
           |        frame   RFC 6455 framing, events, failing               (axws__frame_)
           |      deflate, inflate: permessage-deflate, reached through cfg.deflate's
           |          hooks only                                  (axws__deflate_, axws__inf_)
       prologue, util: includes, SHA-1, base64, UTF-8, random, the bounded writer (axws__buf),
           the formatter and the one escaper of peer text         (axws__, no sub-prefix)
   The Axiom client uses its connections through the public API only.

CONVENTIONS
   Public names start with axws_ / AXWS_, private ones with axws__ and their section's
   sub-prefix (see LAYERS; the util layer's have none). Every length is a size_t.
   Functions return int: 0 on success, a negative AXWS_E* code on error, or a non-negative
   count where a count fits. Time is always passed in by the caller as monotonic milliseconds
   (axws_now_ms() reads CLOCK_MONOTONIC for programs that do not keep their own clock).

MEMORY
   The library never calls malloc. The caller owns the axws_conn object and every buffer named
   in axws_config; they must stay valid and untouched until the connection is CLOSED and not
   reconnected. One buffer does double duty: the upgrade response is assembled in tx_buf
   (which is idle while the client waits for it), so no separate header buffer exists.
       rx_buf   socket reads (ws://), or BearSSL's records     >= AXWS_MIN_RX bytes (ws://),
                (wss://, unless tls_buf is given)              >= AXWS_TLS_BUF_MIN (wss://)
       tx_buf   queued outgoing frames, then the upgrade       >= AXWS_MIN_TX bytes
                response (bounded by max_handshake)
       msg_buf  whole-message reassembly (optional: without   the largest message accepted
                it messages arrive as streamed chunks)
       cfg.deflate (optional, permessage-deflate): the      AXWS_INFLATE_STATE_SIZE, and
                inflate's state and the window the server    1 << window_bits (9..15)
                compresses against (see >>deflate-decl)
   The default resolver calls getaddrinfo(), which may allocate inside libc and may block.
   Programs that must avoid both set cfg.resolve, or call axws_connect_addr() or
   axws_connect_fd() with an address or socket they obtained themselves.
   Through a proxy (PROXIES) tx_buf also holds the proxy's request behind the upgrade
   request until the tunnel is up (HTTP: 29 bytes, twice "host:port", and a 29-byte
   Proxy-Authorization line plus the credentials' base64; SOCKS5: at most 777 bytes), and
   the proxy's answers are read into rx_buf (tls_buf when there is no rx_buf): no other
   memory.

ERRORS
   The first fatal error sticks to the connection (axws_error()); axws_strerror() describes any
   code, and axws_describe(c, buf, AXWS_DESCRIBE_MAX) the whole failure in one line: phase,
   host, port and address, HTTP status, TLS cause, errno, the timeout or the buffer (its size
   and the size needed); cfg.log receives the same line. Configuration errors (URL, buffers,
   headers) are returned by axws_init()/axws_connect() themselves. Details also have their own
   getters: axws_http_status(), axws_close_code(), axws_close_reason(), axws_sys_errno(),
   axws_location(), axws_proxy_status() (what a proxy answered). axws_connect() on a CLOSED
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

   A step whose revents are all 0, or with fds NULL, is the timer tick. Edge-triggered
   loops work: a step reads at most 16 times; when it stops with bytes left in the socket,
   axws_timeout_ms() returns 0 and the next step reads on without a new readiness report.

   axws_poll() is the network port's poll() (lwip_poll() with AXWS_PORT_LWIP, the
   program's own with AXWS_PORT_USER), so the same loop serves every port. The socket
   behind a connection may change between steps (the next address is tried, a reconnect):
   register what axws_pollfds() returns each time.
   A new socket may get the number of the one just closed, and epoll, kqueue and libuv
   forget a socket when it is closed: loops that register the descriptor once compare
   axws_socket_generation() after every step and register anew when it changed.

   THREADS: one connection object must be used by one thread at a time. Different objects
   are independent.

   Programs that do their own I/O use the core directly: axws_start() builds the upgrade
   request, axws_output()/axws_output_ack() hand out queued bytes, axws_feed() takes received
   bytes and returns how many it consumed (it stops consuming when it cannot queue a reply:
   back-pressure), axws_tick() runs the timers.

TLS
   wss:// URLs go through BearSSL's client engine inside the same step loop: TLS 1.2, ECDHE
   with AES-GCM (first when the CPU has AES instructions) or ChaCha20-Poly1305. The
   certificate is always verified against cfg.trust_anchors (axws_tls_anchors_pem/_file
   decode PEM into a caller buffer; examples/ta_gen.c compiles anchors into a program) and
   the server name (cfg.servername, default the URL host) unless cfg.insecure_skip_verify
   is set. BearSSL does not match IP addresses: for 127.0.0.1 give a servername. A
   reconnect to the same server resumes the TLS session. Details in the >>tls-decl section.

PROXIES
   cfg.proxy = "http://user:password@proxy:3128" (HTTP CONNECT, RFC 9110 9.3.6, with Basic
   authentication), "socks5://user:password@proxy:1080" (SOCKS5, RFC 1928 and 1929: the
   server's name is resolved here) or "socks5h://proxy:1080" (the proxy resolves it); NULL
   or "" connects directly. ws://, wss:// and axws_http_request() alike go through a
   tunnel: TLS runs end to end with the server, whose name is verified and sent as SNI
   (never the proxy's), and the Host header names the server. The tunnel is a part of
   connecting (state CONNECTING, under connect_timeout_ms) and nothing in it blocks but
   the resolver (the proxy's name; the server's too with socks5://). The library never
   reads the environment on its own: axws_proxy_from_env() picks the proxy curl would
   (ws_proxy/http_proxy, wss_proxy/https_proxy, all_proxy, no_proxy), for programs that
   want that. A proxy that refuses fails the connection with AXWS_EPROXY (the HTTP status
   or SOCKS5 reply code in axws_proxy_status()), AXWS_EPROXYAUTH (credentials wanted or
   refused) or AXWS_EPROXYCONNECT (the proxy is unreachable); axws_describe() names the
   proxy, the step and what it answered. Details in the >>proxy section.

JSON
   A streaming pull tokenizer (axws_json_*), strict RFC 8259, resumable at any byte, no
   allocation, with number conversion, unescaping and a path matcher for picking fields out
   while tokens stream past. Usable on its own; see the >>json-decl section.

AXIOM CLIENT
   axws_axiom_* is the axiomtrade-rs WebSocketClient in C: regions, tokens (refreshed ahead
   of expiry through a second, short-lived HTTPS connection in the same loop), rooms that
   survive reconnects, typed messages (axws_axiom_msg), and four callbacks. See the
   >>axiom-client-decl and >>axiom-msg-decl sections.

LIMITATIONS
   permessage-deflate on received messages only: what the client sends is never compressed
   (RFC 7692 allows it); no other extension. Proxies: HTTP CONNECT and SOCKS5 only
   (no https:// proxy, no SOCKS4; Basic and RFC 1929 user/password authentication only;
   an HTTP proxy is always asked for a tunnel, http:// requests too). No redirects are
   followed (the Location header is exposed). TLS is 1.2 at most (BearSSL). Non-minimal
   frame length encodings are refused (RFC 6455 5.2 says MUST). The default resolver and
   the Axiom token file use blocking libc calls (see MEMORY and AXIOM CLIENT).

HISTORY
   0.2.0  embeddable: the core knows no sockets (the socket driver registers c->release;
          connect timers moved to the driver); feature switches AXWS_NO_SOCKETS,
          AXWS_NO_JSON, AXWS_NO_AXIOM, AXWS_NO_STDIO, AXWS_NO_OS_RANDOM; network ports
          (POSIX, lwIP with AXWS_PORT_LWIP, the program's own with AXWS_PORT_USER) behind
          one interface; axws_poll(). API changes:
          addresses are axws_addr (no sockaddr): axws_resolve_fn takes axws_addr *out,
          axws_connect_addr() takes (addrs, count); IP literals never reach the resolver;
          axws_init()/axws_axiom_init() are macros that check the layout (AXWS_ELAYOUT);
          cfg.random also seeds BearSSL; no entropy at all is AXWS_ENORANDOM; the library
          formats numbers and texts itself (no printf in any build);
          axws_socket_generation() for loops that keep the socket registered (epoll).
   0.1.0  first release: RFC 6455 client engine, TLS through BearSSL, the JSON tokenizer,
          the Axiom Trade client.
*/
#ifndef AXIOMWS_H_INCLUDED
#define AXIOMWS_H_INCLUDED

/* The implementation needs POSIX.1-2008 (clock_gettime, getaddrinfo). This only helps when
   axiomws.h is included before any system header; otherwise define it on the command line. */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE) && !defined(_XOPEN_SOURCE) && \
    !defined(__APPLE__) && !defined(__FreeBSD__) && !defined(AXWS_NO_SOCKETS)
#define _POSIX_C_SOURCE 200809L
#endif

#define AXWS_VERSION_MAJOR 0
#define AXWS_VERSION_MINOR 2
#define AXWS_VERSION_PATCH 0
#define AXWS_VERSION_STRING "0.2.0"

/* Feature switches (see CONFIGURATION MACROS): what each one needs, checked here. */
#if defined(AXWS_NO_SOCKETS) && !defined(AXWS_NO_TLS)
#define AXWS_NO_TLS /* the TLS layer drives sockets: a sans-IO program brings its own TLS */
#endif
#if defined(AXWS_NO_SOCKETS) && !defined(AXWS_NO_PROXY)
#define AXWS_NO_PROXY /* the tunnel is made by the socket driver */
#endif
#if (defined(AXWS_PORT_LWIP) || defined(AXWS_PORT_USER)) && !defined(AXWS_PROXY) && !defined(AXWS_NO_PROXY)
#define AXWS_NO_PROXY /* embedded ports: opt in with AXWS_PROXY (flash) */
#endif
#if defined(AXWS_NO_JSON) && !defined(AXWS_NO_AXIOM)
#error "AXWS_NO_JSON needs AXWS_NO_AXIOM too: the Axiom decoder is built on the JSON tokenizer"
#endif
#if defined(AXWS_NO_SOCKETS) && defined(AXWS_PORT_LWIP)
#error "AXWS_PORT_LWIP selects a network port, AXWS_NO_SOCKETS removes them all: pick one"
#endif
#if defined(AXWS_NO_SOCKETS) && defined(AXWS_PORT_USER)
#error "AXWS_PORT_USER selects a network port, AXWS_NO_SOCKETS removes them all: pick one"
#endif
#if defined(AXWS_PORT_LWIP) && defined(AXWS_PORT_USER)
#error "AXWS_PORT_LWIP and AXWS_PORT_USER are two network ports: pick one"
#endif
/* The Axiom client drives connections; without sockets only its decoder remains. */
#if !defined(AXWS_NO_AXIOM) && !defined(AXWS_NO_SOCKETS)
#define AXWS__AXIOM_CLIENT 1
#endif

#include <stddef.h>
#include <stdint.h>
#ifndef AXWS_NO_SOCKETS
#ifdef AXWS_PORT_LWIP
#include <lwip/sockets.h> /* lwip_* calls; struct pollfd and POLLIN for lwip_poll */
#elif defined(AXWS_PORT_USER) && defined(AXWS_PORT_USER_HEADER)
#include AXWS_PORT_USER_HEADER /* the program's struct pollfd and POLL* (no <poll.h>) */
#else
#include <poll.h>
#endif
#endif
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

/* X(name, value, text): one list yields the enum and axws_strerror(). Every name exists in
   every build, so a program's switch compiles either way; a text is there only where the
   build can return its code (the AXWS__IF_* wrappers): the sans-IO core carries none of the
   socket driver's, TLS layer's, proxy's or Axiom client's texts, and axws_strerror() says
   "unknown error" for those codes there. */
#define AXWS__ERRORS(X)                                                                      \
    X(AXWS_OK, 0, "success")                                                                 \
    X(AXWS_EWOULDBLOCK, -1, "output buffer full: nothing was queued, try again after step") \
    X(AXWS_EINVAL, -2, "invalid argument")                                                   \
    X(AXWS_ESTATE, -3, "operation not allowed in the connection's current state")           \
    X(AXWS_EURL, -4, "malformed URL")                                                        \
    X(AXWS_ERESOLVE, -5, AXWS__IF_SOCKETS("host name could not be resolved"))                \
    X(AXWS_ECONNECT, -6, AXWS__IF_SOCKETS("TCP connection failed"))                          \
    X(AXWS_ETIMEDOUT, -7, "timed out")                                                       \
    X(AXWS_EHTTP, -8, "server answered the upgrade with a status other than 101")           \
    X(AXWS_EHANDSHAKE, -9, "invalid upgrade response")                                       \
    X(AXWS_ETOOBIG, -10, "message or response larger than the configured limit")            \
    X(AXWS_EPROTO, -11, "WebSocket protocol violation by the peer")                          \
    X(AXWS_EUTF8, -12, "invalid UTF-8 in a text message or close reason")                   \
    X(AXWS_EIO, -13, AXWS__IF_SOCKETS("socket error"))                                       \
    X(AXWS_ECLOSED, -14, "connection closed without a close handshake")                      \
    X(AXWS_EDEADPEER, -15, "the peer went silent or stopped reading (dead-peer timeout)")   \
    X(AXWS_ENOBUFS, -16, "a configured buffer is too small")                                 \
    X(AXWS_ETLS, -17, AXWS__IF_TLS("TLS failure"))                                           \
    X(AXWS_ENOTLS, -18, AXWS__IF_SOCKETS("wss:// is not available in a build with AXWS_NO_TLS")) \
    X(AXWS_EAUTH, -19, AXWS__IF_AXIOM_CLIENT("no usable access token, or the service refused it")) \
    X(AXWS_ENOTCONN, -20, AXWS__IF_AXIOM_CLIENT("not connected"))                            \
    X(AXWS_EFULL, -21, AXWS__IF_AXIOM_CLIENT("the subscription table is full"))              \
    X(AXWS_EFILE, -22, AXWS__IF_AXIOM_CLIENT("token file could not be read or written"))     \
    X(AXWS_ENORANDOM, -23, "no entropy source: set cfg.random (this target has no OS random source)") \
    X(AXWS_ELAYOUT, -24, "this file and the implementation disagree on layout macros (AXWS_NO_*, AXWS_PORT_*, AXWS_AXIOM_*): set them the same in every file") \
    X(AXWS_EDEFLATE, -25, AXWS__IF_DEFLATE("invalid compressed data in a permessage-deflate message")) \
    X(AXWS_EPROXY, -26, AXWS__IF_PROXY("the proxy did not open a tunnel to the server: it refused, or its answer was malformed")) \
    X(AXWS_EPROXYAUTH, -27, AXWS__IF_PROXY("the proxy wants authentication, or refused the user name and password")) \
    X(AXWS_EPROXYCONNECT, -28, AXWS__IF_PROXY("could not connect to the proxy"))
#ifndef AXWS_NO_SOCKETS
#define AXWS__IF_SOCKETS(text) text
#else
#define AXWS__IF_SOCKETS(text) ""
#endif
#ifndef AXWS_NO_TLS
#define AXWS__IF_TLS(text) text
#else
#define AXWS__IF_TLS(text) ""
#endif
#ifdef AXWS__AXIOM_CLIENT
#define AXWS__IF_AXIOM_CLIENT(text) text
#else
#define AXWS__IF_AXIOM_CLIENT(text) ""
#endif
#ifndef AXWS_NO_DEFLATE
#define AXWS__IF_DEFLATE(text) text
#else
#define AXWS__IF_DEFLATE(text) ""
#endif
#ifndef AXWS_NO_PROXY
#define AXWS__IF_PROXY(text) text
#else
#define AXWS__IF_PROXY(text) ""
#endif

#define AXWS__ENUM_ITEM(name, value, text) name = value,
enum { AXWS__ERRORS(AXWS__ENUM_ITEM) AXWS__ERR_END_ }; /* (AXWS__ERR_END_ only ends the list without a trailing comma) */
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
    AXWS_STATE_CONNECTING,   /* TCP connect (and a proxy's tunnel) in progress */
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
    AXWS_EV_ERROR,    /* a fatal error happened (a CLOSE event follows): error */
    AXWS_EV_HTTP_RESPONSE /* axws_http_request: the response head arrived: status;
                             axws_header() works during this callback */
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
    int status;          /* HTTP_RESPONSE: the HTTP status */
    int64_t now_ms;      /* the time the library was given by the call that fired this
                            event: what axws_close() and the timers want from a callback */
} axws_event;

typedef struct axws_conn axws_conn;

/* Event callback. `user` is cfg.user. Fired only from inside axws_step()/axws_feed()/
   axws_tick(); it may call any function on this or another connection. */
typedef void (*axws_event_fn)(axws_conn *c, const axws_event *ev, void *user);

/* An IPv4 or IPv6 address, in network byte order; no sockaddr, so the same type serves
   every network port (and programs without sockets.h). */
typedef struct axws_addr {
    uint8_t family; /* 4 or 6 */
    uint16_t port;  /* TCP port; 0 = the URL's */
    uint8_t ip[16]; /* 4 bytes used for IPv4 */
} axws_addr;

/* Resolver hook: fill up to `max` addresses for host:port into out[] and return how many
   (> 0), or a negative AXWS_E* code. Only called for names: IP literals in URLs are parsed
   by the library. The POSIX port's default calls getaddrinfo(AF_UNSPEC), which blocks and
   may allocate; the lwIP port's calls lwip_getaddrinfo() when lwIP has DNS. */
typedef int (*axws_resolve_fn)(void *user, const char *host, int port, axws_addr *out, int max);

/* Random bytes: fill buf[0..len). The one source of entropy of a connection: the handshake
   key, mask keys and (wss://) BearSSL's handshake randomness all come from it when set.
   The default is a ChaCha20 keystream (BearSSL) keyed once from the OS (without TLS: an OS
   random pool refilled in blocks). Targets without an OS source must set it (connecting
   fails with AXWS_ENORANDOM otherwise); tests inject their own to make runs deterministic. */
typedef void (*axws_random_fn)(void *user, void *buf, size_t len);

/* Optional log sink; silent when NULL. The text never contains credentials. */
typedef void (*axws_log_fn)(void *user, const char *text);

#define AXWS_MIN_RX 256      /* smallest rx_buf */
#define AXWS_MIN_TX 512      /* smallest tx_buf: request headers must fit, plus a close */
#define AXWS_MAX_POLLFDS 1   /* pollfd entries one connection can ask for */
#define AXWS_MAX_ADDRS 8     /* addresses tried per connect */

/* >>deflate-decl */
#ifndef AXWS_NO_DEFLATE
/* ======================================================================== permessage-deflate
   RFC 7692, receive side. The client offers the extension only when the program enables it
   (axws_deflate_enable() on cfg.deflate); a server that accepts may then compress the
   messages it sends (RSV1 on a message's first frame), which are inflated by the library's
   own bounded inflate (RFC 1951) into the same paths as plain messages: msg_buf, chunks,
   UTF-8 checks. Messages this client sends are never compressed (RFC 7692 6 allows it).

   Memory, all the program's (no malloc, nothing of it inside axws_conn):
       axws_inflate  the inflate's state and Huffman tables     AXWS_INFLATE_STATE_SIZE
       window        the history the server compresses against  AXWS_INFLATE_WINDOW_SIZE(bits)
                     = 1 << window_bits, offered as server_max_window_bits (RFC 7692
                     7.1.2.1), so a server that accepts never needs more
   Both belong to one connection and must stay untouched while it is not CLOSED.

   The inflate also works on its own (raw RFC 1951 streams, any split of the input):
       axws_inflate_init(&z, window, 15);
       while (...) {
           r = axws_inflate_run(&z, in, in_len, &used, SIZE_MAX, &out, &out_len);
           ... use out[0..out_len): it points into the window and stays valid until the
           next call; in += used, in_len -= used; AXWS_INFLATE_END after the final block ...
       } */

/* The inflate's state: the bit reader, where it is in a block, and its decoding tables
   (kept here, never on the stack). Transparent so that it can be allocated anywhere;
   treat every field as private. */
typedef struct axws_inflate {
    uint64_t bits;            /* input bits not used yet, first bit lowest */
    uint32_t nbits;           /* how many */
    uint32_t wsize;           /* window size, a power of two */
    uint32_t wpos;            /* where the next output byte goes in the window */
    uint32_t whave;           /* history bytes in the window (at most wsize) */
    uint32_t left;            /* stored block: bytes still to copy; match: bytes left */
    uint32_t dist;            /* a match cut short by the output limit: its distance */
    uint16_t nlen, ndist, ncode, have; /* a dynamic block's header being read */
    uint8_t mode;             /* AXWS__INF_* */
    uint8_t last;             /* the current block is the final one (BFINAL) */
    uint8_t fixed;            /* the current block uses the fixed codes (RFC 1951 3.2.6) */
    uint8_t err;              /* why the data was refused (AXWS_INFLATE_E_*), 0 = none */
    uint8_t *window;
    uint64_t span_at;         /* chunk mode: message offset of the span held back */
    uint32_t span_off, span_len; /* that span, in the window (it may be the last one) */
    uint8_t lens[320];        /* code lengths of a dynamic block */
    uint16_t sorted[320];     /* a table being built: its symbols in code order (here, not
                                 on the stack, which small targets have little of) */
    uint32_t lencode[852];    /* literal/length table: 9-bit root + subtables (852 entries
                                 suffice for any code, zlib's proven bound) */
    uint32_t distcode[592];   /* distance table: 6-bit root + subtables (592 suffice) */
} axws_inflate;

#define AXWS_INFLATE_STATE_SIZE (sizeof(axws_inflate)) /* 6,808 bytes on x86-64, 6,800 on
                                                          32-bit ARM */
#define AXWS_INFLATE_WINDOW_SIZE(bits) ((size_t)1 << (bits)) /* 32 KiB for 15 */
#define AXWS_DEFLATE_MAX_DEFAULT ((size_t)16 << 20) /* chunk mode's inflated message limit */

/* axws_inflate_run() results besides negative errors (AXWS_EDEFLATE). */
#define AXWS_INFLATE_NEED_INPUT 0  /* every input byte was used: give more */
#define AXWS_INFLATE_OUTPUT_FULL 1 /* stopped at max_out or the window's end: call again */
#define AXWS_INFLATE_END 2         /* the final block ended (*in_used stops right after it) */

/* Set up `z` to inflate a new stream with `window` of 1 << window_bits bytes (8..15; a
   stream that refers further back than the window fails). Returns 0 or AXWS_EINVAL. */
AXWS_API int axws_inflate_init(axws_inflate *z, void *window, int window_bits);
/* Start the next stream (or permessage-deflate message): block state cleared; the window's
   history kept when keep_history (context takeover), else forgotten. */
AXWS_API void axws_inflate_reset(axws_inflate *z, int keep_history);
/* Inflate from in[0..in_len): *in_used gets the bytes taken (all of them unless the output
   stopped or the stream ended); *out / *out_len the bytes produced, inside the window
   (valid until the next call), at most max_out (> 0). Input may be split anywhere, down to
   one byte per call. Returns AXWS_INFLATE_NEED_INPUT, _OUTPUT_FULL, _END, or AXWS_EDEFLATE
   for invalid data (sticky; axws_inflate_strerror() says why). */
AXWS_API int axws_inflate_run(axws_inflate *z, const void *in, size_t in_len, size_t *in_used, size_t max_out,
                          const uint8_t **out, size_t *out_len);
/* Why the data was refused, or "" (a static string). */
AXWS_API const char *axws_inflate_strerror(const axws_inflate *z);

struct axws__deflate_ops; /* what axws_deflate_enable() links in: see below */

/* cfg.deflate (and axws_axiom_config.deflate): set through axws_deflate_enable(), which
   is what links the inflate into a program; zero = no compression offered. */
typedef struct axws_deflate_config {
    axws_inflate *state;      /* the inflate's state (borrowed) */
    void *window;             /* AXWS_INFLATE_WINDOW_SIZE(window_bits) bytes (borrowed) */
    int window_bits;          /* 9..15, offered as server_max_window_bits when below 15 */
    int no_context_takeover;  /* also offer server_no_context_takeover: the server starts
                                 every message afresh (compresses worse; RFC 7692 7.1.1.1) */
    size_t max_message;       /* chunk mode (no msg_buf): the largest inflated message,
                                 bigger closes with 1009; default AXWS_DEFLATE_MAX_DEFAULT.
                                 With msg_buf the limit is msg_size */
    const struct axws__deflate_ops *ops; /* set by axws_deflate_enable() */
} axws_deflate_config;

/* Enable permessage-deflate in `d` (a cfg.deflate): the offer, the negotiation and the
   inflate. `state` and `window` (1 << window_bits bytes, window_bits 9..15) are the
   program's. Returns 0 or AXWS_EINVAL. */
AXWS_API int axws_deflate_enable(axws_deflate_config *d, axws_inflate *state, void *window, int window_bits);
/* 1 when the current connection negotiated permessage-deflate. */
AXWS_API int axws_deflate_active(const axws_conn *c);
#endif /* AXWS_NO_DEFLATE */
/* <<deflate-decl */

/* Zero means default for every field. */
/* cfg.read_batch exists where the port can set a socket's low-water mark: POSIX */
#if !defined(AXWS_NO_SOCKETS) && !defined(AXWS_PORT_LWIP) && !defined(AXWS_PORT_USER)
#define AXWS__READ_BATCH 1
#endif

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

    int connect_timeout_ms;    /* TCP (+ proxy + TLS) connect; default 10000 */
    int handshake_timeout_ms;  /* upgrade answer; default 10000 */
    int close_timeout_ms;      /* wait for the peer's close and TCP end; default 2000 */
    int keepalive_ms;          /* send a ping every this many ms; 0 = never */
    int dead_peer_ms;          /* fail with AXWS_EDEADPEER after this long with nothing
                                  received, or with output waiting and none of it taken
                                  (a peer that sends but never reads); 0 = never */
#ifdef AXWS__READ_BATCH
    size_t read_batch;         /* POSIX port, for bulk consumers: once the connection is
                                  open, wake for input only when this many bytes wait
                                  (SO_RCVLOWAT), and read at least every read_batch_ms
                                  anyway: fewer, larger reads (less CPU per byte in the
                                  kernel) for up to read_batch_ms of added delay, and a
                                  wakeup every read_batch_ms while the stream is quiet.
                                  0 = off (the default: bytes are read as they arrive).
                                  Not on the lwIP and user ports (no SO_RCVLOWAT) */
    int read_batch_ms;         /* that bound; default 1 when read_batch is set */
#endif

    axws_event_fn on_event;    /* optional */
    void *user;                /* passed to on_event */
    axws_resolve_fn resolve;   /* optional; default getaddrinfo */
    void *resolve_user;
    axws_random_fn random;     /* optional; default OS-seeded generator */
    void *random_user;
    axws_log_fn log;           /* optional */
    void *log_user;
#ifndef AXWS_NO_DEFLATE
    axws_deflate_config deflate; /* optional: permessage-deflate, set with
                                  axws_deflate_enable() (see the >>deflate-decl section) */
#endif
#ifndef AXWS_NO_PROXY
    const char *proxy;         /* optional (borrowed): connect through this proxy,
                                  "http://[user:password@]host[:port]", "socks5://..." or
                                  "socks5h://..." (port default 1080); NULL or "" = direct.
                                  See PROXIES in the top comment */
#endif
#ifndef AXWS_NO_TLS
    /* >>tls-config (owned by the TLS layer) */
    /* wss:// only. See "TLS" in the top comment for the whole story. */
    void *tls_buf;             /* TLS record buffers: >= AXWS_TLS_BUF_MIN bytes (records
                                  in, small records out) or AXWS_TLS_BUF_FULL (full-duplex,
                                  full-size records both ways). When NULL, rx_buf is used
                                  (it is otherwise idle on a wss:// connection); when both
                                  are set, rx_buf (>= 4096) stages socket reads, which
                                  saves two recv() calls per record for one memcpy */
    size_t tls_size;
    const br_x509_trust_anchor *trust_anchors; /* anchors to verify against (borrowed; see
                                  axws_tls_anchors_pem/_file and examples/ta_gen.c) */
    size_t trust_anchor_count;
    const char *trust_anchor_source; /* where the anchors came from (a file name): only
                                  named by axws_describe() when verification fails */
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

/* Every field of `cfg` zero: its defaults (a timeout of 0 takes the default, NULL hooks are
   the built-in ones). Warning-free in C and C++, where `axws_config cfg = {0};` is not
   (-Wmissing-field-initializers). */
AXWS_API void axws_config_init(axws_config *cfg);

/* Initialise `c` with `cfg` (copied; buffers it names are borrowed). Returns 0 or
   AXWS_EINVAL/AXWS_ENOBUFS; axws_describe() names the field and the size it needs. */
AXWS_API int axws_init_checked(axws_conn *c, const axws_config *cfg, uint32_t layout);
#define axws_init(c, cfg) axws_init_checked((c), (cfg), AXWS__LAYOUT_CONN) /* + layout check */

#ifndef AXWS_NO_SOCKETS
/* ---- the socket driver (absent with AXWS_NO_SOCKETS): connects through the network port
   (POSIX sockets, or lwIP's socket API with AXWS_PORT_LWIP) and pumps the core. */

/* Start connecting to `url`. An IP-literal host is used as it is; a name goes through
   cfg.resolve (default: the port's resolver, getaddrinfo on POSIX, which may block).
   Returns 0 (progress continues in axws_step) or an error. */
AXWS_API int axws_connect(axws_conn *c, const char *url, int64_t now_ms);
/* The same with addresses resolved by the program (tried in order, at most
   AXWS_MAX_ADDRS); nothing blocks. */
AXWS_API int axws_connect_addr(axws_conn *c, const char *url, const axws_addr *addrs, int count,
                               int64_t now_ms);
/* The same over a socket the program has connected (or is connecting, non-blocking). The
   library owns `fd` from now on and closes it. */
AXWS_API int axws_connect_fd(axws_conn *c, const char *url, int fd, int64_t now_ms);

/* One HTTP/1.1 request through the same machinery (resolver, TLS, step loop), for small
   REST calls next to a WebSocket (the Axiom token refresh). `url` is http:// or https://;
   `headers` (NULL-terminated "Name: value" lines, CR/LF refused) replace cfg.headers for
   this request; `body` (optional) is sent with a Content-Length. Request and body must fit
   tx_buf. The response head arrives as AXWS_EV_HTTP_RESPONSE (axws_header() works during
   that callback); the body is not read, and the connection then ends (CLOSE event). */
AXWS_API int axws_http_request(axws_conn *c, const char *url, const char *method,
                               const char *const *headers, const void *body, size_t body_len,
                               int64_t now_ms);

/* Fill up to `max` pollfd entries; returns how many (0 when CLOSED). The socket may change
   between calls (a new address is tried, a reconnect): register it anew each time. */
AXWS_API int axws_pollfds(const axws_conn *c, struct pollfd *fds, int max);
/* A number that changes whenever the connection takes a new socket (the next address is
   tried, a reconnect, axws_connect_fd), even when the new socket gets the number of the one
   just closed. For loops that keep the descriptor registered between steps (epoll, kqueue,
   libuv's uv_poll_t): the kernel dropped the old socket from its interest list when the
   library closed it, so a new generation is registered afresh (EPOLL_CTL_ADD, a new
   uv_poll_t) even when fd and events look unchanged. Never reset: a reconnect continues
   the count. */
AXWS_API unsigned axws_socket_generation(const axws_conn *c);
/* Do all available work: I/O on the sockets poll reported, events, timers. Never blocks.
   Returns 0, or the sticky error once the connection has failed. */
AXWS_API int axws_step(axws_conn *c, const struct pollfd *fds, int nfds, int64_t now_ms);
#ifndef AXWS_NO_PROXY
/* What the proxy (cfg.proxy) answered, for AXWS_EPROXY and AXWS_EPROXYAUTH: an HTTP
   proxy's status to CONNECT (403, 407, 502, ...; 2xx when it opened the tunnel); a SOCKS5
   proxy's reply code to CONNECT (RFC 1928 6: 1 general failure, 2 not allowed by its
   rules, 3 network unreachable, 4 host unreachable, 5 connection refused, 6 TTL expired, 7
   command or 8 address type not supported; 0 succeeded), the status of refused credentials
   (RFC 1929) or 255 when it accepted none of the authentication methods offered. 0 when it
   gave no such answer (or there is no proxy); cleared by the next connect. */
AXWS_API int axws_proxy_status(const axws_conn *c);
#ifndef AXWS_NO_STDIO
/* The proxy curl would use for `url` (ws:// or wss://), from the environment, for
   programs that want to honour it (the library never reads the environment by itself):
   ws:// takes ws_proxy, WS_PROXY, else http_proxy (lower case only, as curl: a CGI program
   gets a request's "Proxy:" header as HTTP_PROXY); wss:// takes wss_proxy, WSS_PROXY,
   else https_proxy or HTTPS_PROXY; both fall back to all_proxy, ALL_PROXY. An empty
   variable counts as unset. no_proxy (else NO_PROXY) lists hosts reached directly,
   separated by commas or blanks: "*" alone is every host; a name matches itself and its
   subdomains ("example.com" and ".example.com" both match a.example.com, not
   badexample.com; case and a trailing dot do not matter); an IP address matches an entry
   that is the same address or a CIDR block holding it (10.0.0.0/8, ::1, [::1]).
   Writes the proxy URL into out[0..cap) (NUL-terminated; "" when the connection should
   be direct), ready for cfg.proxy. Returns 1 (a proxy), 0 (direct), AXWS_EURL (url is not
   a ws:// or wss:// URL) or AXWS_ENOBUFS (out is too small; out gets ""). Reads the
   environment with getenv(), so not in AXWS_NO_STDIO builds. */
AXWS_API int axws_proxy_from_env(const char *url, char *out, size_t cap);
#endif
#endif
#ifndef AXWS_PORT_USER
/* poll() of the network port (lwip_poll() with AXWS_PORT_LWIP), so one loop serves both. */
AXWS_API int axws_poll(struct pollfd *fds, int nfds, int timeout_ms);
/* The port's monotonic clock in milliseconds: CLOCK_MONOTONIC on POSIX; lwIP's sys_now()
   widened to 64 bits (it wraps every 49.7 days; call it at least once per wrap). */
AXWS_API int64_t axws_now_ms(void);
#else
/* ---- the network port of the program's own (AXWS_PORT_USER). The program defines these
   (never static: they are plain external functions even with AXWS_STATIC) and the library
   reaches the network through them alone, for non-blocking TCP sockets named by int
   descriptors (any values >= 0 the program picks). Nothing may block: a call that would
   wait returns at once and the step loop comes back after the program's poll. Failures
   return -1 with errno set (axws_sys_errno() reports it). The library calls them from
   inside its own entry points (connect, step, close, abort and the Axiom client's) only. */
#define AXWS_PORT_EOF (-2) /* axws_port_recv: the peer ended the byte stream */
/* A new socket for `family` (4 or 6): its descriptor, or -1 (errno). */
int axws_port_open(int family);
/* Start connecting to a:port (a->port is ignored; `port` is the one to use): 0 connected
   at once, 1 in progress (the socket turns writable, POLLOUT, or reports POLLERR/POLLHUP
   when it is decided), -1 failed (errno). */
int axws_port_connect(int fd, const axws_addr *a, int port);
/* After POLLOUT/POLLERR/POLLHUP on a connecting socket: 0 connected, else the errno value
   the attempt failed with (ECONNREFUSED, ETIMEDOUT, ...). Also asked about a connected
   socket that reported POLLERR/POLLHUP while the library was not reading it (input paused
   or rx_buf full): the error pending on it (ECONNRESET, ...), or 0. */
int axws_port_connect_result(int fd);
/* Write up to n bytes: the count taken (> 0), 0 when none can be taken now (the library
   asks POLLOUT and tries again), -1 failed (errno). */
long axws_port_send(int fd, const void *p, size_t n);
/* Read up to n bytes into p: the count (> 0), 0 when nothing is waiting, AXWS_PORT_EOF
   once the peer has ended the stream and everything before was read, -1 failed (errno). */
long axws_port_recv(int fd, void *p, size_t n);
/* Let go of the socket: connected, connecting or failed alike; the descriptor is never
   used again. A TCP stack that sends a reset when unread input is left behind should
   discard that input first: a reset can destroy the close frame just sent. */
void axws_port_close(int fd);
/* The default resolver (axws_resolve_fn) for cfg.resolve == NULL: up to `max` addresses
   for `host` into out[], and how many (> 0), or AXWS_ERESOLVE. Only names get here. */
int axws_port_resolve(void *user, const char *host, int port, axws_addr *out, int max);
/* The program's readiness wait and monotonic millisecond clock. The library calls
   neither; they are declared so that a loop written for the other ports compiles
   unchanged once the program defines them. */
int axws_poll(struct pollfd *fds, int nfds, int timeout_ms);
int64_t axws_now_ms(void);
#endif /* AXWS_PORT_USER */
#endif /* AXWS_NO_SOCKETS */

/* Queue a whole message (masked with a fresh key). Returns 0, AXWS_EWOULDBLOCK when it
   does not fit the free space of tx_buf now (nothing is queued; retry after step),
   AXWS_ETOOBIG when it could never fit tx_buf (send it in fragments), AXWS_ESTATE when not
   OPEN. */
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
/* Flow control: while paused, no received data is parsed (so no events fire and msg_buf
   is left alone) and the socket is not read; the peer is slowed by TCP. A callback that
   cannot take a message now (e.g. its reply does not fit tx_buf) pauses, keeps working on
   the message it has, and resumes later; parsing stops right after the current frame. */
AXWS_API void axws_pause_input(axws_conn *c, int paused);

/* Drop the connection at once (no handshake). */
AXWS_API void axws_abort(axws_conn *c);

/* Bytes free in tx_buf (what the next send may use, header included). */
AXWS_API size_t axws_tx_free(const axws_conn *c);

AXWS_API axws_state axws_conn_state(const axws_conn *c);
AXWS_API int axws_error(const axws_conn *c);
AXWS_API int axws_http_status(const axws_conn *c);      /* status of a refused upgrade */
AXWS_API const char *axws_http_reason(const axws_conn *c, size_t *len);
AXWS_API const char *axws_location(const axws_conn *c, size_t *len); /* redirects */
AXWS_API int axws_close_code(const axws_conn *c);       /* the peer's code, 1005, 1006 */
AXWS_API const char *axws_close_reason(const axws_conn *c, size_t *len);
AXWS_API int axws_sent_close_code(const axws_conn *c);  /* what we sent, 0 if nothing */
AXWS_API int axws_sys_errno(const axws_conn *c);        /* errno of a socket failure */
#ifndef AXWS_NO_STATS
/* The round trip of the last keepalive ping answered, in ms (-1: none yet on this
   connection); *smoothed_ms (optional) gets the smoothed one (RFC 6298's 1/8 weight). */
AXWS_API int axws_rtt_ms(const axws_conn *c, int *smoothed_ms);
#endif
/* The whole story of a failure in one line, for a log or a user: what failed and in which
   phase, the host, port and address, the HTTP status and reason (and a redirect's
   Location, which is never followed), the TLS cause with the name verified and the trust
   anchors used, errno, the timeout that ran out, and for a buffer its name and the size it
   needs. For example:
     "server answered the upgrade with a status other than 101, waiting for the upgrade
      answer from example.com:80 (93.184.215.14); HTTP 404 Not Found"
     "a configured buffer is too small; the TLS buffer (cfg.tls_buf, else cfg.rx_buf) has
      4096 bytes, 17010 needed"
   Writes at most cap bytes, always NUL-terminated (cap > 0), and returns the length the
   whole text needs (as snprintf does); AXWS_DESCRIBE_MAX bytes always suffice. "success"
   while the connection has not failed. cfg.log receives the same text, except on the lwIP
   port and in sans-IO builds, where it gets axws_strerror() alone so that the describer
   costs flash only in programs that call it. */
#define AXWS_DESCRIBE_MAX 512
AXWS_API size_t axws_describe(const axws_conn *c, char *out, size_t cap);
AXWS_API const char *axws_subprotocol(const axws_conn *c); /* negotiated, or NULL */
/* A response header of the 101 (case-insensitive name; index selects among repeats).
   Valid during the AXWS_EV_OPEN (or AXWS_EV_HTTP_RESPONSE) callback, and after an upgrade
   refused with a status other than 101 until the next connect; NULL when absent. */
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
/* Milliseconds until the next deadline, 0 when step (or tick) has work now, -1 for none. */
AXWS_API int axws_timeout_ms(const axws_conn *c, int64_t now_ms);

/* >>json-decl */
#ifndef AXWS_NO_JSON
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

#ifndef AXWS_JSON_DEFAULT_DEPTH
#define AXWS_JSON_DEFAULT_DEPTH 64 /* levels of the built-in stack; changes axws_json's size */
#endif
#if AXWS_JSON_DEFAULT_DEPTH < 1 || AXWS_JSON_DEFAULT_DEPTH > 4096
#error "axiomws: AXWS_JSON_DEFAULT_DEPTH is 1..4096 (more: give axws_json_init() a stack)"
#endif
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
AXWS_API int axws_json_init_checked(axws_json *j, void *stack, size_t stack_size, uint32_t layout);
/* Returns 0, or AXWS_ELAYOUT when this file was built with another AXWS_JSON_DEFAULT_DEPTH
   than the implementation (nothing of j is touched then). */
#define axws_json_init(j, stack, stack_size) axws_json_init_checked((j), (stack), (stack_size), AXWS__LAYOUT_JSON)
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
#endif /* AXWS_NO_JSON */
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
   are worth choosing. With an output part below AXWS_TLS_OUT_FULL BearSSL also offers the
   RFC 6066 max_fragment_length extension with that size: servers that support it (OpenSSL
   does) then send records that small too, at about 29 bytes of overhead each; servers that
   ignore it send full records, which the receive part always holds. Received application data is parsed in place in BearSSL's buffer
   (no copy); outgoing frames are copied once from tx_buf into BearSSL's record buffer.
   BearSSL's client context and its X.509 context live inside axws_conn; the README
   (Memory, Benchmarks) gives sizeof(axws_conn) and the bytes of a whole wss:// connection,
   checked by tests/test_docs.sh and tests/test_tls.c. Records are read into BearSSL one at a time (two recv() calls each) unless rx_buf is
   also given, which then stages reads in big pieces.

   Session resumption: after a full handshake the session (BearSSL's parameters, by session
   ID; BearSSL 0.6 has no tickets) stays in the object, and the next axws_connect() of the
   same object to the same server name and port offers it (RFC 5246 7.4.1.2). A resumed
   handshake skips the certificate and the key exchange: one round trip and no public-key
   operation (`make bench` measures both: see the README's Benchmarks). */

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
/* Give `dst` the session saved in `src` (nothing if src has none), so that a fresh object
   connecting to the same server name and port resumes too: a pool of connections needs
   one full handshake, not one each. Call it while dst is CLOSED. */
AXWS_API void axws_tls_share_session(axws_conn *dst, const axws_conn *src);

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
#ifndef AXWS_NO_STDIO
/* The same from a file, read in 4 KiB pieces. It uses fopen(), which allocates inside
   libc; programs that must avoid that read the file themselves and call
   axws_tls_anchors_pem(). Returns also AXWS_EIO when the file cannot be read. */
AXWS_API int axws_tls_anchors_file(axws_tls_anchors *out, void *buf, size_t size,
                                   const char *path);
#endif
#endif
/* <<tls-decl */

/* >>axiom-decl */
#ifndef AXWS_NO_AXIOM
/* >>axiom-msg-decl */
/* ======================================================================== Axiom messages

   The typed decoder for what the Axiom service sends (docs/PROTOCOL.md section 5), built on the
   JSON tokenizer above: one tokenizer pass per message, fields picked by their key and
   nesting while tokens stream past, no tree and no malloc. It works on its own (tests and
   tools feed it bytes) and is what the Axiom client calls for every text message.

       static unsigned char rx[65536];
       static axws_axiom_decoder dec;              -- about 15 KB: keep it off small stacks
       axws_axiom_decoder_init(&dec, rx, sizeof rx);
       -- for each incoming text message, its bytes in order, in one or more pieces:
       r = axws_axiom_decoder_chunk(&dec, data, len, fin, on_msg, user);
       -- on_msg(user, m) runs once per message, from inside the call with fin = 1

   READING A MESSAGE. Switch on m->kind and read the member of m->u named after it (the
   other members hold nothing meaningful; RAW has none: use m->room and m->content):

       static void on_msg(void *user, const axws_axiom_msg *m) {
           if (m->kind == AXWS_AXIOM_KIND_NEW_PAIR) {
               const axws_axiom_new_pair *p = &m->u.new_pair;
               char name[256]; size_t n;
               axws_axiom_str_unescape(&p->token_name, name, sizeof name, &n);
               if (p->supply.flags & AXWS_AXIOM_PRESENT) printf("%.*s supply %g\n",
                                                              (int)n, name, p->supply.value);
               if (p->website.flags & AXWS_AXIOM_NULL) ...   -- null, not absent
           } else if (m->kind == AXWS_AXIOM_KIND_SOL_PRICE) {
               double usd = m->u.sol_price.price.value;
           }
       }

   WITH THE WEBSOCKET ENGINE. Give the engine no msg_buf (streaming mode: a message larger
   than msg_size would otherwise close the connection with 1009) and pass every
   AXWS_EV_CHUNK of a text message: chunk(&dec, ev->data, ev->len, ev->fin, ...). A
   message that arrives in one chunk is decoded in place, without a copy. With msg_buf,
   pass each AXWS_EV_MESSAGE with fin = 1. After a connection is lost mid-message, call
   axws_axiom_decoder_reset(). The callback must not feed the same decoder.

   BUFFERS. A message given in one call (fin = 1, nothing pending) is decoded in place:
   views point into `data`. A message given in pieces is gathered in the caller's buffer
   when it fits, then decoded there: views point into that buffer. Either way views are
   valid only during the callback. A message that does not fit still decodes: from the
   piece that overflows on, the tokenizer is fed as pieces arrive and values are copied as
   they stream past: strings and numbers up to AXWS_AXIOM_CAPTURE_MAX bytes each (longer
   ones keep their first bytes and carry AXWS_AXIOM_TRUNCATED; a string never ends inside
   an escape or a UTF-8 sequence once unescaped or written), nested objects and arrays
   (protocol_details, pair, token_balances, content, trade positions) up to
   AXWS_AXIOM_RAW_MAX bytes each, the frame itself (the content of objects without a room
   and of undecodable frames) up to AXWS_AXIOM_RAW_MAX or the buffer's size, whichever is
   more, and all strings and numbers of one message together up to AXWS_AXIOM_ARENA_SIZE
   bytes. m->flags then has AXWS_AXIOM_MSG_OVERSIZE (and AXWS_AXIOM_MSG_TRUNCATED when
   something was cut). A value cut short fails the type checks below that need all of it
   (an integer timestamp), so only then can an oversize message decode differently.
   The bytes of an oversize message go, as they arrive, to the optional raw-chunk callback
   (axws_axiom_decoder_set_raw_fn): every byte of the frame once, in order, with its
   offset, fin on the last piece; m->content_offset and m->content_len then say where the
   content value lay in the frame.

   KINDS (by room, and content's JSON type; anything else is AXWS_AXIOM_KIND_RAW):
       new_pairs + object            NEW_PAIR: every field that is present; missing ones
                                     are absent (flags 0), so a partial object such as
                                     frames.jsonl line 14 still decodes. Content that is
                                     not an object (line 15) or missing (line 16): RAW.
       sol_price + number            SOL_PRICE          block_hash + string   BLOCK_HASH
       sol-priority-fee + number     PRIORITY_FEE       connection_monitor + number
                                                        CONNECTION_MONITOR
       e-<token> + string holding a number, or a number       ACTIVE_USERS (QUOTED)
       s:<token> + object with a numeric active_users         ACTIVE_USERS
       v:<wallet> + object           WALLET_TRADE       t:<pair>, f:<pair> + array   TRADE
   Top-level objects without a "room" key are tried, in order, as MarketUpdate, OrderUpdate,
   TradeUpdate, BalanceUpdate, Error, Connected, Disconnected: the first whose required
   fields are all present with the right JSON types wins (strings are strings, f64 fields
   are numbers, timestamp and code are integer literals within int64, status and side are
   one of their names, transaction_hash / error_message of OrderUpdate may be null or
   absent, every token_balances entry is an object with string token_mint and symbol and
   numeric amount and value_usd); extra fields are ignored. An object with a "room" key is
   never one of these (a room message whose content has "reason" is not a disconnect).
   Everything else is RAW: m->room (if any) and m->content (the content value; for objects
   without a room, the whole frame; for a top-level array or scalar, that value). A frame
   that is not JSON is RAW with AXWS_AXIOM_MSG_UNDECODABLE, m->content holds the frame's
   bytes (type 0), m->room the room if one was read before the error, and the call
   returns the tokenizer's error (also in m->json_error, at m->json_error_offset): the
   client reports a serialization error; the decoder is ready for the next message.
   Duplicate keys: the first occurrence counts.

   VALUES. Strings are raw views (escapes kept; AXWS_AXIOM_ESCAPED says there are some;
   axws_axiom_str_unescape() decodes). Numbers carry their text, the double (correctly
   rounded, locale-free) and, for integer literals within int64, the integer. Every view
   has flags: 0 = absent; AXWS_AXIOM_PRESENT (the key was there), with AXWS_AXIOM_NULL for
   null, AXWS_AXIOM_MISMATCH when the JSON type is not the expected one (the view then
   holds the value's own text, `type` says what it is), AXWS_AXIOM_QUOTED for a number
   given as a string ("49"). */

#ifndef AXWS_AXIOM_CAPTURE_MAX
#define AXWS_AXIOM_CAPTURE_MAX 256   /* oversize messages: bytes kept per string or number */
#endif
#ifndef AXWS_AXIOM_RAW_MAX
#define AXWS_AXIOM_RAW_MAX 1024      /* oversize messages: bytes kept per nested object/array */
#endif
#ifndef AXWS_AXIOM_ARENA_SIZE
#define AXWS_AXIOM_ARENA_SIZE 4096   /* oversize messages: bytes kept per message in all */
#endif
#ifndef AXWS_AXIOM_MAX_VALUES
#define AXWS_AXIOM_MAX_VALUES 32     /* trade arrays: positions kept (count tells all) */
#endif
#ifndef AXWS_AXIOM_MAX_BALANCES
#define AXWS_AXIOM_MAX_BALANCES 16   /* BalanceUpdate: token balances kept (count tells all) */
#endif
/* The five limits above change struct layouts: set them the same in every file. */
/* (The upper bounds keep the decoder's field tables small: slots and member offsets fit
   16 bits.) */
#if AXWS_AXIOM_MAX_VALUES < 11 || AXWS_AXIOM_MAX_VALUES > 1024 || AXWS_AXIOM_MAX_BALANCES < 1 || \
    AXWS_AXIOM_MAX_BALANCES > 256 || AXWS_AXIOM_CAPTURE_MAX < 32 || AXWS_AXIOM_RAW_MAX < 64 ||     \
    AXWS_AXIOM_ARENA_SIZE < AXWS_AXIOM_CAPTURE_MAX
#error "axiomws: AXWS_AXIOM_MAX_VALUES 11..1024 (11: the named trade fields), MAX_BALANCES 1..256, CAPTURE_MAX >= 32, RAW_MAX >= 64, ARENA_SIZE >= CAPTURE_MAX"
#endif

/* X(NAME, name): one list yields the enum and axws_axiom_kind_name() ("new_pair", ...),
   the names axiom_stream --json prints as "kind". */
#define AXWS_AXIOM_KINDS(X)                                                                   \
    X(NEW_PAIR, new_pair) X(SOL_PRICE, sol_price) X(BLOCK_HASH, block_hash)                  \
    X(PRIORITY_FEE, priority_fee) X(CONNECTION_MONITOR, connection_monitor)                  \
    X(ACTIVE_USERS, active_users) X(WALLET_TRADE, wallet_trade) X(TRADE, trade)              \
    X(MARKET_UPDATE, market_update) X(ORDER_UPDATE, order_update)                            \
    X(TRADE_UPDATE, trade_update) X(BALANCE_UPDATE, balance_update) X(ERROR, error)          \
    X(CONNECTED, connected) X(DISCONNECTED, disconnected) X(RAW, raw)

#define AXWS__AXIOM_KIND_ITEM(NAME, name) AXWS_AXIOM_KIND_##NAME,
typedef enum axws_axiom_kind { AXWS_AXIOM_KINDS(AXWS__AXIOM_KIND_ITEM) AXWS_AXIOM_KIND_COUNT } axws_axiom_kind;
#undef AXWS__AXIOM_KIND_ITEM

/* A static name for a kind ("new_pair", ..., "raw"; "unknown" outside the enum). */
AXWS_API const char *axws_axiom_kind_name(int kind);

/* Flags of a value view (0 = absent). */
#define AXWS_AXIOM_PRESENT 0x01u   /* the field exists (with any value, null included) */
#define AXWS_AXIOM_NULL 0x02u      /* its value is null */
#define AXWS_AXIOM_TRUNCATED 0x04u /* only the first bytes were kept (oversize message) */
#define AXWS_AXIOM_ESCAPED 0x08u   /* a string with backslash escapes: unescape to read */
#define AXWS_AXIOM_INTEGER 0x10u   /* a number without fraction or exponent (num: that
                                      also fits int64, so `integer` holds it) */
#define AXWS_AXIOM_MISMATCH 0x20u  /* present with an unexpected JSON type (see `type`) */
#define AXWS_AXIOM_QUOTED 0x40u    /* num: the value was a string holding a JSON number */

/* A string field. ptr/len: the string's bytes between the quotes, escapes kept (for a
   MISMATCH, the value's own JSON text). type: the JSON type found (AXWS_JSON_STRING,
   AXWS_JSON_NULL, ...; 0 when absent). */
typedef struct axws_axiom_str {
    const char *ptr;
    size_t len;
    unsigned flags;
    int type;
} axws_axiom_str;

/* A number field. value: the double; integer: the value when it is a whole number within
   int64 (also "1.5e2" -> 150), else 0; raw/raw_len: the number's text (or the string's
   body for QUOTED / MISMATCH); TRUNCATED numbers have value NaN. */
typedef struct axws_axiom_num {
    double value;
    int64_t integer;
    const char *raw;
    size_t raw_len;
    unsigned flags;
    int type;
} axws_axiom_num;

/* Any JSON value. type: AXWS_JSON_BEGIN_OBJECT / BEGIN_ARRAY (ptr/len: the JSON text),
   STRING (the bytes between the quotes, escapes kept), NUMBER (its text), TRUE / FALSE /
   NULL (ptr NULL, len 0); 0 when absent. */
typedef struct axws_axiom_value {
    const char *ptr;
    size_t len;
    unsigned flags;
    int type;
} axws_axiom_value;

/* THE FIELDS OF EACH KIND, one list per kind, each entry X(s, TYPE, member, WHERE, key):
   the member's type (STR: axws_axiom_str, NUM: axws_axiom_num, VAL: axws_axiom_value), its
   name, and where the decoder reads it: WHERE says in which object (C: the content object of
   a room message; T: an object without a room; P: the `pair` object inside a wallet trade's
   content; B: one entry of token_balances; K: the content value itself; V: a position of a
   trade array, key = its index) and key is the JSON name there. Each list generates the
   struct below, the decoder's table (key -> member) and the names axws_axiom_msg_write_json()
   writes; a program can use them too (e.g. to print every field of a kind). s is passed
   through to X unchanged. */
#define AXWS_AXIOM_FIELDS_NEW_PAIR(X, s)                                                      \
    X(s, STR, pair_address, C, pair_address) X(s, STR, signature, C, signature)                \
    X(s, STR, token_address, C, token_address) X(s, STR, token_name, C, token_name)            \
    X(s, STR, token_ticker, C, token_ticker) X(s, STR, token_image, C, token_image)            \
    X(s, STR, token_uri, C, token_uri) X(s, NUM, token_decimals, C, token_decimals)            \
    X(s, STR, pair_sol_account, C, pair_sol_account)                                           \
    X(s, STR, pair_token_account, C, pair_token_account) X(s, STR, protocol, C, protocol)      \
    X(s, VAL, protocol_details, C, protocol_details) /* object, kept as raw JSON */            \
    X(s, STR, created_at, C, created_at) X(s, STR, open_trading, C, open_trading)              \
    X(s, STR, updated_at, C, updated_at) X(s, STR, website, C, website)                        \
    X(s, STR, twitter, C, twitter) X(s, STR, telegram, C, telegram)                            \
    X(s, STR, discord, C, discord) X(s, STR, mint_authority, C, mint_authority)                \
    X(s, STR, freeze_authority, C, freeze_authority)                                           \
    X(s, STR, deployer_address, C, deployer_address) X(s, NUM, supply, C, supply)              \
    X(s, NUM, initial_liquidity_sol, C, initial_liquidity_sol)                                 \
    X(s, NUM, initial_liquidity_token, C, initial_liquidity_token)                             \
    X(s, NUM, top_10_holders, C, top_10_holders) X(s, NUM, lp_burned, C, lp_burned)            \
    X(s, VAL, extra, C, extra) /* object or null, raw JSON */ X(s, NUM, slot, C, slot)         \
    X(s, STR, display_protocol, C, display_protocol)                                           \
    X(s, NUM, dev_holds_percent, C, dev_holds_percent)                                         \
    X(s, NUM, snipers_hold_percent, C, snipers_hold_percent)
/* v:<wallet>: one wallet trade, with the fields of its camelCase `pair` object. */
#define AXWS_AXIOM_FIELDS_WALLET_TRADE(X, s)                                                  \
    X(s, STR, created_at, C, created_at) X(s, NUM, liquidity_sol, C, liquidity_sol)            \
    X(s, NUM, liquidity_token, C, liquidity_token) X(s, STR, maker_address, C, maker_address)  \
    X(s, NUM, price_sol, C, price_sol) X(s, NUM, price_usd, C, price_usd)                      \
    X(s, STR, signature, C, signature) X(s, NUM, token_amount, C, token_amount)                \
    X(s, NUM, total_sol, C, total_sol) X(s, NUM, total_usd, C, total_usd)                      \
    X(s, STR, type, C, type) /* "buy" / "sell" */ X(s, STR, pair_address, C, pair_address)     \
    X(s, VAL, pair, C, pair) /* the whole pair object, raw JSON */                             \
    X(s, STR, pair_token_address, P, tokenAddress) X(s, STR, pair_token_name, P, tokenName)    \
    X(s, STR, pair_token_ticker, P, tokenTicker) X(s, STR, pair_token_image, P, tokenImage)    \
    X(s, STR, pair_protocol, P, protocol) X(s, NUM, pair_supply, P, supply)                    \
    X(s, NUM, pair_token_decimals, P, tokenDecimals)                                           \
    X(s, STR, pair_created_at, P, pairCreatedAt)
/* t:<pair> / f:<pair>: the first eleven positions of the array by name (docs/PROTOCOL.md
   section 5; past timestamp_ms the meanings are guesses) */
#define AXWS_AXIOM_FIELDS_TRADE(X, s)                                                         \
    X(s, STR, signature, V, 0) X(s, STR, wallet, V, 1) X(s, NUM, timestamp_ms, V, 2)           \
    X(s, NUM, type, V, 3) X(s, NUM, sol_amount, V, 4) X(s, NUM, token_amount, V, 5)            \
    X(s, NUM, price, V, 6) X(s, NUM, market_cap_sol, V, 7) X(s, NUM, market_cap_usd, V, 8)     \
    X(s, NUM, liquidity_sol, V, 9) X(s, NUM, supply, V, 10)
#define AXWS_AXIOM_FIELDS_MARKET_UPDATE(X, s)                                                 \
    X(s, STR, token_mint, T, token_mint) X(s, STR, symbol, T, symbol)                          \
    X(s, NUM, price_usd, T, price_usd) X(s, NUM, price_sol, T, price_sol)                      \
    X(s, NUM, price_change_24h, T, price_change_24h) X(s, NUM, volume_24h, T, volume_24h)      \
    X(s, NUM, market_cap, T, market_cap) X(s, NUM, timestamp, T, timestamp)
#define AXWS_AXIOM_FIELDS_ORDER_UPDATE(X, s)                                                  \
    X(s, STR, order_id, T, order_id) X(s, STR, status, T, status)                              \
    X(s, STR, transaction_hash, T, transaction_hash) X(s, STR, token_mint, T, token_mint)      \
    X(s, STR, side, T, side) X(s, NUM, amount, T, amount) X(s, NUM, price, T, price)           \
    X(s, NUM, filled_amount, T, filled_amount) X(s, NUM, timestamp, T, timestamp)              \
    X(s, STR, error_message, T, error_message)
#define AXWS_AXIOM_FIELDS_TRADE_UPDATE(X, s)                                                  \
    X(s, STR, token_mint, T, token_mint) X(s, STR, side, T, side) X(s, NUM, price, T, price)   \
    X(s, NUM, amount, T, amount) X(s, NUM, total_value, T, total_value)                        \
    X(s, NUM, timestamp, T, timestamp) X(s, STR, transaction_hash, T, transaction_hash)
#define AXWS_AXIOM_FIELDS_TOKEN_BALANCE(X, s)                                                 \
    X(s, STR, token_mint, B, token_mint) X(s, STR, symbol, B, symbol)                          \
    X(s, NUM, amount, B, amount) X(s, NUM, value_usd, B, value_usd)
#define AXWS_AXIOM_FIELDS_BALANCE_UPDATE(X, s)                                                \
    X(s, STR, wallet_address, T, wallet_address) X(s, NUM, sol_balance, T, sol_balance)        \
    X(s, VAL, token_balances, T, token_balances) /* the whole list, raw JSON */                \
    X(s, NUM, total_value_usd, T, total_value_usd) X(s, NUM, timestamp, T, timestamp)
#define AXWS_AXIOM_FIELDS_ERROR(X, s) X(s, NUM, code, T, code) X(s, STR, message, T, message)
#define AXWS_AXIOM_FIELDS_SOL_PRICE(X, s) X(s, NUM, price, K, content) /* USD per SOL */
#define AXWS_AXIOM_FIELDS_BLOCK_HASH(X, s) X(s, STR, hash, K, content)
#define AXWS_AXIOM_FIELDS_PRIORITY_FEE(X, s) X(s, NUM, fee, K, content)
#define AXWS_AXIOM_FIELDS_CONNECTION_MONITOR(X, s) X(s, NUM, timestamp_ms, K, content)
#define AXWS_AXIOM_FIELDS_CONNECTED(X, s) X(s, STR, session_id, T, session_id)
#define AXWS_AXIOM_FIELDS_DISCONNECTED(X, s) X(s, STR, reason, T, reason)

#define AXWS__AXIOM_TYPE_STR axws_axiom_str
#define AXWS__AXIOM_TYPE_NUM axws_axiom_num
#define AXWS__AXIOM_TYPE_VAL axws_axiom_value
#define AXWS__AXIOM_MEMBER(s, TYPE, member, where, key) AXWS__AXIOM_TYPE_##TYPE member;
/* The struct of a kind whose members are its list and nothing else. */
#define AXWS__AXIOM_STRUCT(name, NAME) \
    typedef struct axws_axiom_##name { AXWS_AXIOM_FIELDS_##NAME(AXWS__AXIOM_MEMBER, ~) } axws_axiom_##name;

AXWS__AXIOM_STRUCT(new_pair, NEW_PAIR)
AXWS__AXIOM_STRUCT(wallet_trade, WALLET_TRADE)

/* count is the array's length; values[] holds its first AXWS_AXIOM_MAX_VALUES positions,
   each as a value view. */
typedef struct axws_axiom_trade {
    AXWS_AXIOM_FIELDS_TRADE(AXWS__AXIOM_MEMBER, ~)
    size_t count;
    axws_axiom_value values[AXWS_AXIOM_MAX_VALUES];
} axws_axiom_trade;

typedef enum axws_axiom_order_status {
    AXWS_AXIOM_STATUS_UNKNOWN = 0,
    AXWS_AXIOM_STATUS_PENDING,
    AXWS_AXIOM_STATUS_PROCESSING,
    AXWS_AXIOM_STATUS_PARTIALLY_FILLED,
    AXWS_AXIOM_STATUS_FILLED,
    AXWS_AXIOM_STATUS_CANCELLED,
    AXWS_AXIOM_STATUS_FAILED
} axws_axiom_order_status;

typedef enum axws_axiom_side { AXWS_AXIOM_SIDE_UNKNOWN = 0, AXWS_AXIOM_SIDE_BUY, AXWS_AXIOM_SIDE_SELL } axws_axiom_side;

AXWS__AXIOM_STRUCT(market_update, MARKET_UPDATE)

typedef struct axws_axiom_order_update {
    AXWS_AXIOM_FIELDS_ORDER_UPDATE(AXWS__AXIOM_MEMBER, ~)
    axws_axiom_order_status status_code;
    axws_axiom_side side_code;
} axws_axiom_order_update;

typedef struct axws_axiom_trade_update {
    AXWS_AXIOM_FIELDS_TRADE_UPDATE(AXWS__AXIOM_MEMBER, ~)
    axws_axiom_side side_code;
} axws_axiom_trade_update;

AXWS__AXIOM_STRUCT(token_balance, TOKEN_BALANCE)

/* count: entries in token_balances; list[] holds the first AXWS_AXIOM_MAX_BALANCES
   (more = 1 when count is larger). */
typedef struct axws_axiom_balance_update {
    AXWS_AXIOM_FIELDS_BALANCE_UPDATE(AXWS__AXIOM_MEMBER, ~)
    size_t count;
    int more;
    axws_axiom_token_balance list[AXWS_AXIOM_MAX_BALANCES];
} axws_axiom_balance_update;

AXWS__AXIOM_STRUCT(error_msg, ERROR)
AXWS__AXIOM_STRUCT(sol_price, SOL_PRICE)
AXWS__AXIOM_STRUCT(block_hash, BLOCK_HASH)
AXWS__AXIOM_STRUCT(priority_fee, PRIORITY_FEE)
AXWS__AXIOM_STRUCT(connection_monitor, CONNECTION_MONITOR)
AXWS__AXIOM_STRUCT(connected, CONNECTED)
AXWS__AXIOM_STRUCT(disconnected, DISCONNECTED)
/* e-<token> (a quoted number) and s:<token> (an object's active_users): read by hand */
typedef struct axws_axiom_active_users { axws_axiom_num active_users; } axws_axiom_active_users;

/* Message flags. */
#define AXWS_AXIOM_MSG_UNDECODABLE 0x01u /* not JSON: RAW, content = the frame's text */
#define AXWS_AXIOM_MSG_OVERSIZE 0x02u    /* did not fit the buffer: values were copied */
#define AXWS_AXIOM_MSG_TRUNCATED 0x04u   /* some value has AXWS_AXIOM_TRUNCATED */
#define AXWS_AXIOM_MSG_GAP 0x10u         /* the first message of its room after a reconnect:
                                            none arrived between gap_from_ms and gap_to_ms */
#define AXWS_AXIOM_MSG_NO_SPLICE 0x08u   /* write_json: the object has a key the line uses
                                            itself ("event", "kind", ...): write the
                                            decoded fields one by one instead */

/* One decoded message; handed to the callback, valid only during it. */
typedef struct axws_axiom_msg {
    axws_axiom_kind kind;
    unsigned flags;            /* AXWS_AXIOM_MSG_* */
    axws_axiom_str room;       /* absent for messages without a room */
    axws_axiom_value content;  /* the content value; for messages without a room and for
                                  undecodable ones, the whole frame (type 0 when not JSON) */
    uint64_t frame_len;        /* bytes in the whole message */
    uint64_t content_offset;   /* where content lies in the frame (0/frame_len when the */
    uint64_t content_len;      /* content is the whole frame) */
    int json_error;            /* UNDECODABLE: the AXWS_JSON_E* code, else 0 */
    uint64_t json_error_offset;
    /* freshness: server_ms is the decoder's, the rest the Axiom client's (0 without it) */
    int64_t server_ms;         /* the server's timestamp in the message, ms since 1970, 0 if
                                  none: connection_monitor's content, a trade's timestamp_ms,
                                  a typed update's timestamp (seconds, or ms when > 1e11) */
    int64_t arrival_ms;        /* when its last byte was read: the now_ms of the step that
                                  read it (monotonic), not when the callback runs */
    int64_t latency_ms;        /* with server_ms: the wall clock at arrival minus server_ms,
                                  an estimate of the one-way latency (the two clocks differ
                                  by their errors: compare values, do not trust one) */
    int64_t gap_from_ms;       /* AXWS_AXIOM_MSG_GAP: the arrival of this room's last message */
    int64_t gap_to_ms;         /* before the connection was lost, and this one's (monotonic) */
    uint32_t conflated;        /* a conflated room (axws_axiom_set_conflate): the updates of
                                  this room dropped for this one, the latest */
    union {
        axws_axiom_new_pair new_pair;
        axws_axiom_sol_price sol_price;
        axws_axiom_block_hash block_hash;
        axws_axiom_priority_fee priority_fee;
        axws_axiom_connection_monitor connection_monitor;
        axws_axiom_active_users active_users; /* e-: QUOTED */
        axws_axiom_wallet_trade wallet_trade;
        axws_axiom_trade trade;
        axws_axiom_market_update market_update;
        axws_axiom_order_update order_update;
        axws_axiom_trade_update trade_update;
        axws_axiom_balance_update balance_update;
        axws_axiom_error_msg error;
        axws_axiom_connected connected;
        axws_axiom_disconnected disconnected;
    } u;
} axws_axiom_msg;

/* Called once per message from inside axws_axiom_decoder_chunk(); `m` and every view in
   it are valid only during the call. */
typedef void (*axws_axiom_msg_fn)(void *user, const axws_axiom_msg *m);
/* Oversize messages only: the frame's bytes as they arrive (offset in the frame; fin = 1
   on the last piece, which comes before the message callback). */
typedef void (*axws_axiom_raw_fn)(void *user, const char *data, size_t len, uint64_t offset,
                                  int fin);

/* The keys the decoder captures, per object it looks into (T: top level, C: content, P: a
   wallet trade's pair, B: a token_balances entry): one slot each, shared by every kind that
   reads that key there. A kind's field list can only name a key listed here (its slot
   AXWS__AXS_<where>_<key> would not exist). */
#define AXWS__AXIOM_TOP_FIELDS(X)                                                             \
    X(token_mint) X(symbol) X(price_usd) X(price_sol) X(price_change_24h) X(volume_24h)      \
    X(market_cap) X(timestamp) X(order_id) X(status) X(transaction_hash) X(side) X(amount)   \
    X(price) X(filled_amount) X(error_message) X(total_value) X(wallet_address)              \
    X(sol_balance) X(token_balances) X(total_value_usd) X(code) X(message) X(session_id)     \
    X(reason)
#define AXWS__AXIOM_CONTENT_FIELDS(X)                                                         \
    X(pair_address) X(signature) X(token_address) X(token_name) X(token_ticker)              \
    X(token_image) X(token_uri) X(token_decimals) X(pair_sol_account) X(pair_token_account)  \
    X(protocol) X(protocol_details) X(created_at) X(open_trading) X(updated_at) X(website)   \
    X(twitter) X(telegram) X(discord) X(mint_authority) X(freeze_authority)                  \
    X(deployer_address) X(supply) X(initial_liquidity_sol) X(initial_liquidity_token)        \
    X(top_10_holders) X(lp_burned) X(extra) X(slot) X(display_protocol)                      \
    X(dev_holds_percent) X(snipers_hold_percent) X(liquidity_sol) X(liquidity_token)         \
    X(maker_address) X(price_sol) X(price_usd) X(token_amount) X(total_sol) X(total_usd)     \
    X(type) X(pair) X(active_users)
#define AXWS__AXIOM_PAIR_FIELDS(X)                                                            \
    X(tokenAddress) X(tokenName) X(tokenTicker) X(tokenImage) X(protocol) X(supply)          \
    X(tokenDecimals) X(pairCreatedAt)
#define AXWS__AXIOM_BAL_FIELDS(X) X(token_mint) X(symbol) X(amount) X(value_usd)

#define AXWS__AXIOM_SLOT_T(n) AXWS__AXS_T_##n,
#define AXWS__AXIOM_SLOT_C(n) AXWS__AXS_C_##n,
#define AXWS__AXIOM_SLOT_P(n) AXWS__AXS_P_##n,
#define AXWS__AXIOM_SLOT_B(n) AXWS__AXS_B_##n,
enum {
    AXWS__AXS_ROOM = 0,
    AXWS__AXS_CONTENT,
    AXWS__AXIOM_TOP_FIELDS(AXWS__AXIOM_SLOT_T)
    AXWS__AXIOM_CONTENT_FIELDS(AXWS__AXIOM_SLOT_C)
    AXWS__AXIOM_PAIR_FIELDS(AXWS__AXIOM_SLOT_P)
    /* token_balances entries: (MAX_BALANCES + 1 scratch) groups; the names are group 0 */
    AXWS__AXIOM_BAL_FIELDS(AXWS__AXIOM_SLOT_B)
    AXWS__AXS_BAL_END_,
    AXWS__AXS_BAL = AXWS__AXS_B_token_mint,
    AXWS__AXS_BAL_N = AXWS__AXS_BAL_END_ - AXWS__AXS_BAL,
    AXWS__AXS_VALUES = AXWS__AXS_BAL + AXWS__AXS_BAL_N * (AXWS_AXIOM_MAX_BALANCES + 1),
    AXWS__AXS_COUNT = AXWS__AXS_VALUES + AXWS_AXIOM_MAX_VALUES
};
#undef AXWS__AXIOM_SLOT_T
#undef AXWS__AXIOM_SLOT_C
#undef AXWS__AXIOM_SLOT_P
#undef AXWS__AXIOM_SLOT_B

/* A captured value: private. */
typedef struct axws__axiom_slot {
    const char *ptr;
    size_t len;
    uint32_t gen;     /* == decoder's gen: set in the current message */
    uint8_t type;     /* axws_json_type */
    uint8_t flags;    /* AXWS_AXIOM_* */
} axws__axiom_slot;

/* An object or array being captured: private. */
typedef struct axws__axiom_range {
    int slot;
    uint32_t depth;
    uint64_t start;   /* offset of '{' or '[' in the frame */
    char *cap;        /* oversize: where its bytes are copied (NULL: nowhere) */
    size_t cap_size, len;
    uint8_t copied, trunc;
} axws__axiom_range;

#define AXWS__AXIOM_RANGES 8
#define AXWS__AXIOM_DEPTH 8

/* The decoder. Transparent so it can live anywhere; treat every field as private. */
typedef struct axws_axiom_decoder {
    unsigned char *buf;
    size_t size;
    size_t have;            /* bytes gathered in buf for the message in progress */
    uint64_t msg_len;       /* bytes of the message so far */
    int in_msg, streaming, done, err;
    uint64_t err_offset;
    uint32_t gen;
    axws_axiom_raw_fn raw_fn;
    void *raw_user;
    /* the piece being tokenized */
    const char *piece;
    uint64_t piece_base;
    size_t piece_len;
    int piece_stable;
    /* token state */
    int field;              /* slot for the value after the current key, -1 none */
    int cap_slot;           /* scalar being captured in chunks, -1 none */
    int top_type;
    axws_json_unescaper kesc;  /* a key arriving in chunks, decoded */
    char key[48];
    size_t nvalues, nbal;
    int bal_group, bal_bad;
    uint32_t bal_depth;
    int in_bal;
    uint64_t content_start, content_end;
    int nranges;
    axws__axiom_range ranges[AXWS__AXIOM_RANGES];
    int inner_busy, truncated;
    int reserved;           /* 1: the top object, 2: the content object has a key --json uses */
    size_t arena_len;
    const char *frame;      /* whole-message view (in place or in buf) */
    size_t frame_kept;      /* bytes of the frame at `frame` */
    uint8_t ctx[AXWS__AXIOM_DEPTH];  /* per depth: what the keys/values there are */
    uint8_t khash[4][128];           /* key tables' hash indexes */
    axws_json json;
    axws__axiom_slot slots[AXWS__AXS_COUNT];
    axws_axiom_msg msg;
    char content_cap[AXWS_AXIOM_RAW_MAX];
    char inner_cap[AXWS_AXIOM_RAW_MAX];
    char frame_cap[AXWS_AXIOM_RAW_MAX];   /* oversize: the frame's first bytes */
    char arena[AXWS_AXIOM_ARENA_SIZE];
} axws_axiom_decoder;

/* Prepare `d`. buf/size: the caller's buffer for messages that arrive in pieces (borrowed
   for the decoder's life; may be NULL/0: then only whole messages are decoded in place and
   every other one takes the oversize path). */
AXWS_API int axws_axiom_decoder_init_checked(axws_axiom_decoder *d, void *buf, size_t size, uint32_t layout);
/* Returns 0, or AXWS_ELAYOUT when this file was built with other AXWS_AXIOM_* limits than
   the implementation (nothing of d is touched then). */
#define axws_axiom_decoder_init(d, buf, size) axws_axiom_decoder_init_checked((d), (buf), (size), AXWS__LAYOUT_DECODER)
/* Optional: receive the bytes of oversize messages as they arrive (see above). */
AXWS_API void axws_axiom_decoder_set_raw_fn(axws_axiom_decoder *d, axws_axiom_raw_fn fn,
                                            void *user);
/* The next piece of the current text message (len may be 0; fin = 1 on its last piece).
   On the last piece `cb` (optional) gets the decoded message. Returns 0, or on the last
   piece of a message that was not valid JSON a negative AXWS_JSON_E* code (the message
   was still delivered, RAW and UNDECODABLE). Pieces of one message may come from
   different buffers; each is borrowed only during the call. */
AXWS_API int axws_axiom_decoder_chunk(axws_axiom_decoder *d, const void *data, size_t len,
                                      int fin, axws_axiom_msg_fn cb, void *user);
/* Forget a message in progress (the connection was lost mid-message). */
AXWS_API void axws_axiom_decoder_reset(axws_axiom_decoder *d);

/* Decode a string view into out[0..cap) as UTF-8 (escapes resolved; copied as is when it
   has none). *len (optional) gets the bytes written. Returns 0, AXWS_JSON_ETRUNCATED (out
   too small: as much as fits, never a cut UTF-8 sequence), AXWS_JSON_ESURROGATE (a lone
   surrogate became U+FFFD) or AXWS_JSON_EINVAL (not a string). A TRUNCATED view decodes
   up to its last whole character. */
AXWS_API int axws_axiom_str_unescape(const axws_axiom_str *s, char *out, size_t cap,
                                     size_t *len);
/* Read any value view as a number (NUMBER, or a STRING holding a JSON number: QUOTED). */
AXWS_API axws_axiom_num axws_axiom_value_num(const axws_axiom_value *v);
/* Read any value view as a string field (MISMATCH unless it is a string). */
AXWS_API axws_axiom_str axws_axiom_value_str(const axws_axiom_value *v);

/* Write the line axiom_stream --json prints for `m` (without a newline): one JSON object
   {"event":"message","kind":"<kind name>","room":"<room>", ...fields}; "room" is left
   out when the message has none. The fields, under their source names:
     object contents (new_pair, wallet_trade, active_users from s:) and objects without a
       room (the typed shapes): the object's members copied as received, known or not
       (when a member is named like one of the line's own keys - event, kind, room,
       truncated, undecodable - the decoded fields are written one by one instead);
     scalar contents (sol_price, block_hash, priority_fee, connection_monitor, and e-):
       "content"; e- adds "active_users" as a number;
     trade arrays: the eleven names of docs/PROTOCOL.md section 5 and "values", the array;
     RAW: "content" (absent when the message had none; for an object without a room,
       the whole object); UNDECODABLE: "content" as a string holding the frame's bytes
       (escaped; bytes that are not UTF-8 become U+FFFD) and "undecodable":true.
   Nested objects and lists are copied through; numbers are written as received (their
   text reads back to the same double; integers stay integers; a number without text is
   written as the shortest %.15g..%.17g that reads back exactly, never with the locale's
   decimal point); null is kept; absent fields are left out; strings keep their original,
   valid escapes; LF, CR and TAB between tokens are dropped so the line stays one line.
   An oversize message that lost something is written from what it kept, with
   "truncated":true: strings up to their last whole character, objects rebuilt from their
   decoded fields (pair, token_balances, trade values), nested values that were cut left
   out. out gets a terminating NUL when it fits. Returns the length (without the NUL), or
   AXWS_ENOBUFS when cap is too small (out then holds an empty string when cap > 0). */
AXWS_API int axws_axiom_msg_write_json(const axws_axiom_msg *m, char *out, size_t cap);
/* <<axiom-msg-decl */

/* >>axiom-client-decl */
#ifdef AXWS__AXIOM_CLIENT
/* ======================================================================== the Axiom client

   The C form of the axiomtrade-rs WebSocketClient: one client per stream, a region (or an
   explicit URL), tokens, subscriptions that survive reconnects, typed messages, and a
   handler of four callbacks -- pumped by the same poll loop as everything else:

       axws_axiom_pollfds(&a, fds, AXWS_AXIOM_MAX_POLLFDS);   -- up to two sockets: the
       poll(fds, n, axws_axiom_timeout_ms(&a, now));            stream, and a token refresh
       axws_axiom_step(&a, fds, n, axws_now_ms());              when one is under way

   Callbacks fire only from inside axws_axiom_step() and may call subscribe, unsubscribe,
   send or disconnect. Nothing blocks except the default resolver (cfg.resolve as in the
   engine) and the token file, which is read at init and rewritten after a refresh with
   plain stdio (fopen allocates inside libc; programs that avoid it pass tokens directly
   and handle on_tokens themselves). */

#define AXWS_AXIOM_MAX_POLLFDS 2
#ifndef AXWS_AXIOM_MAX_ROOMS
#define AXWS_AXIOM_MAX_ROOMS 64   /* rooms one client remembers; same in every file */
#endif
#ifndef AXWS_AXIOM_ROOM_MAX
#define AXWS_AXIOM_ROOM_MAX 95    /* longest room name in bytes; same in every file */
#endif
#ifndef AXWS_AXIOM_TOKEN_MAX
#define AXWS_AXIOM_TOKEN_MAX 2047 /* longest token in bytes; same in every file */
#endif

/* Regions and their hosts (docs/PROTOCOL.md 1). X(enum, name) */
#define AXWS__AXIOM_REGIONS(X)                          \
    X(AXWS_AXIOM_REGION_GLOBAL, "Global")               \
    X(AXWS_AXIOM_REGION_US_WEST, "USWest")              \
    X(AXWS_AXIOM_REGION_US_CENTRAL, "USCentral")        \
    X(AXWS_AXIOM_REGION_US_EAST, "USEast")              \
    X(AXWS_AXIOM_REGION_EU_WEST, "EUWest")              \
    X(AXWS_AXIOM_REGION_EU_CENTRAL, "EUCentral")        \
    X(AXWS_AXIOM_REGION_EU_EAST, "EUEast")              \
    X(AXWS_AXIOM_REGION_ASIA, "Asia")                   \
    X(AXWS_AXIOM_REGION_AUSTRALIA, "Australia")
#define AXWS__AXIOM_REGION_ENUM(e, name) e,
typedef enum axws_axiom_region { AXWS__AXIOM_REGIONS(AXWS__AXIOM_REGION_ENUM) AXWS_AXIOM_REGION_COUNT } axws_axiom_region;
#undef AXWS__AXIOM_REGION_ENUM

/* "Global", "USWest", ... */
AXWS_API const char *axws_axiom_region_name(axws_axiom_region r);
/* The region named `name` (case-insensitive, as the seed spells them), or -1. */
AXWS_API int axws_axiom_region_from_name(const char *name);
/* The region's hosts: *hosts gets a static array; returns how many. */
AXWS_API int axws_axiom_region_hosts(axws_axiom_region r, const char *const **hosts);

/* Error kinds, one per layer, as the seed's WebSocketError. X(enum, value, name) */
#define AXWS__AXIOM_ERRORS(X)                                    \
    X(AXWS_AXIOM_ERR_AUTH, 1, "authentication")                  \
    X(AXWS_AXIOM_ERR_CONNECTION, 2, "connection")                \
    X(AXWS_AXIOM_ERR_NOT_CONNECTED, 3, "not connected")          \
    X(AXWS_AXIOM_ERR_SEND, 4, "send")                            \
    X(AXWS_AXIOM_ERR_RECEIVE, 5, "receive")                      \
    X(AXWS_AXIOM_ERR_SERIALIZATION, 6, "serialization")          \
    X(AXWS_AXIOM_ERR_WEBSOCKET, 7, "websocket")                  \
    X(AXWS_AXIOM_ERR_HTTP, 8, "http")
#define AXWS__AXIOM_ERR_ENUM(e, v, name) e = v,
typedef enum axws_axiom_error_kind { AXWS__AXIOM_ERRORS(AXWS__AXIOM_ERR_ENUM) AXWS_AXIOM_ERR_LAST_ } axws_axiom_error_kind;
#undef AXWS__AXIOM_ERR_ENUM
/* "authentication", "connection", ... */
AXWS_API const char *axws_axiom_error_kind_name(int kind);

/* What the error callback gets. Valid during the callback. The text never holds a token. */
typedef struct axws_axiom_error {
    axws_axiom_error_kind kind;
    int code;          /* the AXWS_E* behind it */
    int http_status;   /* AUTH/HTTP: the status of the upgrade or refresh, else 0 */
    int close_code;    /* WEBSOCKET/CONNECTION: the close code, else 0 */
    int tls_error;     /* CONNECTION: BearSSL's error code, else 0 */
    int sys_errno;     /* CONNECTION/SEND/RECEIVE: errno, else 0 */
    const char *text;  /* a readable sentence */
} axws_axiom_error;

typedef struct axws_axiom axws_axiom;

/* The handler: the seed's MessageHandler trait. Any member may be NULL. */
typedef struct axws_axiom_handler {
    /* a decoded message (see axws_axiom_msg); valid during the call */
    void (*on_message)(axws_axiom *a, const axws_axiom_msg *m, void *user);
    /* once per successful upgrade; session_id is made by the client for this connection */
    void (*on_connected)(axws_axiom *a, const char *session_id, void *user);
    /* once per loss of a connection that was up (also after disconnect()) */
    void (*on_disconnected)(axws_axiom *a, const char *reason, void *user);
    void (*on_error)(axws_axiom *a, const axws_axiom_error *e, void *user);
    /* optional: new tokens arrived from a refresh (e.g. to store them yourself) */
    void (*on_tokens)(axws_axiom *a, const char *access_token, const char *refresh_token, void *user);
    /* optional: the bytes of a message too big for msg_buf, as they arrive (offset in the
       frame, fin on the last piece, before on_message gets its decoded fields) */
    void (*on_raw_chunk)(axws_axiom *a, const char *data, size_t len, uint64_t offset, int fin, void *user);
    void *user;
    /* optional: a room with a silence limit (axws_axiom_set_silence_limit) sent nothing
       for silent_ms while the connection was up; once per silence */
    void (*on_room_silent)(axws_axiom *a, const char *room, int64_t silent_ms, void *user);
} axws_axiom_handler;

/* Zero means default for every field. */
typedef struct axws_axiom_config {
    axws_axiom_handler handler;
    axws_axiom_region region;          /* default AXWS_AXIOM_REGION_GLOBAL */
    const char *url;             /* instead of the region: ws:// or wss:// (tests, relays) */
    const char *token_price_url; /* default: url if set, else wss://socket8.axiom.trade/ */
    const char *api_url;         /* refresh endpoint base; default https://apiN.axiom.trade
                                    with N picked at random */
    /* tokens: given here (copied); else the token file named here; else
       AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN from the environment (unless no_env); else
       ./.axiom_tokens.json when it exists */
    const char *access_token;
    const char *refresh_token;
    const char *token_file;      /* the reference's format; written back (atomically) after
                                    a refresh when the tokens came from it */
    int no_env;
    /* upgrade request (docs/PROTOCOL.md 2): a line in `headers` replaces the default header of
       the same name (Cookie, Origin, User-Agent, Cache-Control, Pragma, Accept-Language) */
    const char *const *headers;
    int no_auto_reconnect;       /* auto-reconnect is on unless this is set */
    int keepalive_ms;            /* ping interval; default 30000; -1 = never */
    int dead_peer_ms;            /* silence that counts as dead; default 2 * keepalive */
#ifdef AXWS__READ_BATCH
    size_t read_batch;           /* as cfg.read_batch in axws_config, for the stream (not the
                                    token refresh): off by default */
    int read_batch_ms;
#endif
    int connect_timeout_ms;      /* TCP + TLS + upgrade; default 10000 */
    int backoff_base_ms;         /* default 500 */
    int backoff_cap_ms;          /* default 30000 */
    int healthy_ms;              /* a connection up this long resets the backoff; 60000 */
    int pacing_ms;               /* between subscription messages; default 100; -1 = none */
    int refresh_ahead_s;         /* refresh this long before the access token expires; 120 */
    int token_check_ms;          /* how often to check the token; default 600000 (10 min) */
    /* buffers (required): the stream's socket reads (for wss:// BearSSL's records live
       there: at least AXWS_TLS_BUF_MIN bytes), its output queue, and the message buffer:
       a message that fits is decoded in place (strings are views into it) */
    void *rx_buf; size_t rx_size;
    void *tx_buf; size_t tx_size;
    void *msg_buf; size_t msg_size;
    /* as in axws_config */
    axws_resolve_fn resolve; void *resolve_user;
    axws_random_fn random; void *random_user;
    axws_log_fn log; void *log_user;
#ifndef AXWS_NO_DEFLATE
    axws_deflate_config deflate; /* optional, the stream's (not the token refresh's):
                                    permessage-deflate with buffers of the program's, set
                                    with axws_deflate_enable() as in axws_config. RAM:
                                    AXWS_INFLATE_STATE_SIZE + (1 << window_bits); the
                                    stream's JSON compresses well with 12 bits (4 KiB) */
#endif
#ifndef AXWS_NO_PROXY
    const char *proxy;           /* as cfg.proxy in axws_config, for the stream and the token
                                    refresh alike (axws_proxy_from_env() picks one for a URL) */
#endif
    int64_t (*wall_clock)(void *user);  /* seconds since 1970; default time() */
    int64_t (*wall_clock_ms)(void *user); /* ms since 1970, for latency_ms (same user);
                                             default: CLOCK_REALTIME on the POSIX port,
                                             else wall_clock's seconds * 1000 */
    void *wall_clock_user;
#ifndef AXWS_NO_TLS
    const br_x509_trust_anchor *trust_anchors;
    size_t trust_anchor_count;
    const char *servername;      /* the stream's name to verify instead of its URL's host */
    const char *api_servername;  /* the token refresh's name to verify instead of api_url's
                                    host. Each endpoint is verified against its own host
                                    unless a name is given for it here: the stream's name
                                    is never used for the refresh, which carries the tokens */
    int insecure_skip_verify;
#endif
} axws_axiom_config;

/* The seed's WebSocketClient::new / with_region: set up `a` (caller-allocated) from `cfg`.
   Reads tokens from the given values, the environment or the token file. Returns 0,
   AXWS_EINVAL/AXWS_ENOBUFS (bad configuration), AXWS_EAUTH (a token with bytes that may
   not appear in a header) or AXWS_EFILE (token file named but unreadable). No token at all
   is not an error here: connect will report it (or refresh first if there is a refresh
   token). */
AXWS_API int axws_axiom_init_checked(axws_axiom *a, const axws_axiom_config *cfg, uint32_t layout);
/* Every field of `cfg` zero (its defaults), warning-free in C and C++. */
AXWS_API void axws_axiom_config_init(axws_axiom_config *cfg);
#define axws_axiom_init(a, cfg) axws_axiom_init_checked((a), (cfg), AXWS__LAYOUT_AXIOM)
/* connect(): start connecting to the region's (or cfg.url's) stream: the attempt is made by
   the next axws_axiom_step(), which reports its failures through on_error (never from
   inside this call). Returns 0, AXWS_ESTATE (already connecting or connected), or
   AXWS_EAUTH (no access token and no refresh token: nothing could connect). */
AXWS_API int axws_axiom_connect(axws_axiom *a, int64_t now_ms);
/* connect_token_price(): the dedicated token-price socket. */
AXWS_API int axws_axiom_connect_token_price(axws_axiom *a, int64_t now_ms);
/* disconnect(): close handshake with 1000 (bounded wait), no reconnect. Returns 0, or
   AXWS_EWOULDBLOCK when the output queue has no room for the close frame now: the steps
   that follow send it as soon as there is (the same for reconnect()). */
AXWS_API int axws_axiom_disconnect(axws_axiom *a, int64_t now_ms);
/* reconnect(): drop the current connection (if any) and connect again at once, to the next
   host; every subscription is joined again. */
AXWS_API int axws_axiom_reconnect(axws_axiom *a, int64_t now_ms);
AXWS_API int axws_axiom_is_connected(const axws_axiom *a);
AXWS_API void axws_axiom_set_auto_reconnect(axws_axiom *a, int on);
/* get_subscriptions(): the rooms, in the order they were subscribed. */
AXWS_API int axws_axiom_subscription_count(const axws_axiom *a);
AXWS_API const char *axws_axiom_subscription(const axws_axiom *a, int index);
/* subscribe_new_tokens(), subscribe_token_price(mint), subscribe_wallet_transactions(addr),
   and any room. The room is recorded (once) and joined now if connected, else on the next
   connect; joins are paced cfg.pacing_ms apart. Returns 0, AXWS_EINVAL (empty, too long,
   not UTF-8), AXWS_EFULL. */
AXWS_API int axws_axiom_subscribe_new_tokens(axws_axiom *a);
AXWS_API int axws_axiom_subscribe_token_price(axws_axiom *a, const char *mint);
AXWS_API int axws_axiom_subscribe_wallet_transactions(axws_axiom *a, const char *wallet);
AXWS_API int axws_axiom_subscribe(axws_axiom *a, const char *room);
/* Forget a room (a leave is sent if it was joined). AXWS_EINVAL if not subscribed. */
AXWS_API int axws_axiom_unsubscribe(axws_axiom *a, const char *room);
/* Send a text frame as is. AXWS_ENOTCONN when not connected, AXWS_EWOULDBLOCK when full. */
AXWS_API int axws_axiom_send_text(axws_axiom *a, const char *text, size_t len);
/* Replace the tokens (copied). Used at the next upgrade. */
AXWS_API int axws_axiom_set_tokens(axws_axiom *a, const char *access_token, const char *refresh_token);
/* Refresh the access token: started by the next axws_axiom_step() (like connect(), so a
   failure reaches on_error from inside step, never from this call), retried with backoff
   until it succeeds or disconnect() is called; the result arrives through the callbacks.
   With AXWS_AXIOM_SHARED_RX it starts once the stream is down (the two share rx_buf).
   Returns 0, or AXWS_EAUTH when there is no refresh token. */
AXWS_API int axws_axiom_refresh_token(axws_axiom *a, int64_t now_ms);
/* 1 when the client has an access or a refresh token to work with. */
AXWS_API int axws_axiom_has_token(const axws_axiom *a);
/* Seconds since 1970 when the access token expires (from its JWT exp), or 0 if unknown. */
AXWS_API int64_t axws_axiom_token_expiry(const axws_axiom *a);

AXWS_API int axws_axiom_pollfds(const axws_axiom *a, struct pollfd *fds, int max);
AXWS_API int axws_axiom_timeout_ms(const axws_axiom *a, int64_t now_ms);
AXWS_API int axws_axiom_step(axws_axiom *a, const struct pollfd *fds, int nfds, int64_t now_ms);
/* STREAM HEALTH. Every message carries its arrival time, and where it has a server
   timestamp an estimated latency (axws_axiom_msg); the first message of each room after a
   reconnect has AXWS_AXIOM_MSG_GAP; a room can have a silence limit. The figures below
   are kept as messages arrive (a few loads and adds a message) and read with one call. */
#ifndef AXWS_AXIOM_CONFLATE_SLOTS
#define AXWS_AXIOM_CONFLATE_SLOTS 4    /* rooms that can be conflated at once; same in every file */
#endif
#ifndef AXWS_AXIOM_CONFLATE_MAX
#define AXWS_AXIOM_CONFLATE_MAX 256    /* bytes of an update a conflated room holds; same in every file */
#endif
#ifndef AXWS_AXIOM_LATENCY_WINDOW
#define AXWS_AXIOM_LATENCY_WINDOW 128 /* latencies kept for the percentiles; same in every file */
#endif
#ifndef AXWS_AXIOM_ROOM_LATENCY_WINDOW
#define AXWS_AXIOM_ROOM_LATENCY_WINDOW 16 /* per room, the same; same in every file */
#endif
#ifndef AXWS_NO_STATS
typedef struct axws_axiom_stats {
    uint64_t messages, bytes;   /* received since init, conflated ones included (bytes: whole
                                   frames) */
    uint32_t connects;          /* connections that came up */
    uint32_t reconnects;        /* of them, after a loss (connects - 1, or fewer) */
    uint32_t gaps;              /* rooms resumed after a gap */
    uint32_t silences;          /* silence limits passed */
    uint32_t conflated;         /* updates of conflated rooms dropped for a later one */
    int64_t connected_ms;       /* when the current connection came up (0: down) */
    int64_t last_arrival_ms;    /* monotonic, 0: none yet */
    int rtt_ms, rtt_smoothed_ms;/* keepalive ping round trips (-1: none yet) */
    /* estimated one-way latency of the last AXWS_AXIOM_LATENCY_WINDOW messages with a server
       timestamp (latency_samples of them so far, all of them counted): -1 when none */
    uint32_t latency_samples;
    int64_t latency_p50_ms, latency_p90_ms, latency_p99_ms, latency_max_ms;
} axws_axiom_stats;
typedef struct axws_axiom_room_stats {
    const char *room;
    uint64_t messages, bytes;
    int64_t last_arrival_ms;    /* monotonic, 0: none yet */
    int64_t latency_last_ms, latency_max_ms; /* -1: no message with a server timestamp */
    /* over the room's last AXWS_AXIOM_ROOM_LATENCY_WINDOW messages with a timestamp: -1 none */
    int64_t latency_p50_ms, latency_p90_ms, latency_p99_ms;
    uint32_t gaps, silences, conflated;
    int silence_limit_ms;       /* 0: none */
} axws_axiom_room_stats;
/* The client's figures, at any time (no callback needed). */
AXWS_API void axws_axiom_read_stats(const axws_axiom *a, axws_axiom_stats *s);
/* The figures of subscription `index` (as axws_axiom_subscription()). AXWS_EINVAL if none. */
AXWS_API int axws_axiom_read_room_stats(const axws_axiom *a, int index, axws_axiom_room_stats *s);
#endif /* AXWS_NO_STATS */
/* A silence limit for a subscribed room (0: none): when it sends nothing for limit_ms while
   the connection is up (counted from its join), on_room_silent is called once, and with
   rejoin the client leaves and joins it again (paced like every join), which starts the
   limit over. For rooms that tick steadily (sol_price, connection_monitor, a busy mint):
   new_pairs or a wallet can be quiet for long. Returns 0, or AXWS_EINVAL (not subscribed,
   limit < 0). */
AXWS_API int axws_axiom_set_silence_limit(axws_axiom *a, const char *room, int limit_ms, int rejoin);
/* Conflation for a subscribed room (on = 1) whose updates replace each other (sol_price,
   a mint's price): when one step reads several of its updates - the program fell behind,
   the network delivered a burst - only the latest is delivered, at the end of that step,
   with m->conflated = the updates dropped for it (and its own arrival and latency). Never
   for rooms where every message matters (new_pairs, trades, wallets): off by default.
   At most AXWS_AXIOM_CONFLATE_SLOTS rooms at once; an update larger than
   AXWS_AXIOM_CONFLATE_MAX bytes is delivered as it comes. Returns 0, AXWS_EINVAL (not
   subscribed) or AXWS_EFULL (no slot left). */
AXWS_API int axws_axiom_set_conflate(axws_axiom *a, const char *room, int on);
/* The stream's connection, for its getters (axws_error, axws_close_code, axws_rtt_ms, ...). */
AXWS_API const axws_conn *axws_axiom_conn(const axws_axiom *a);
/* The URL of the current (or last) connection attempt. */
AXWS_API const char *axws_axiom_url(const axws_axiom *a);
#endif /* AXWS__AXIOM_CLIENT */
/* <<axiom-client-decl */
#endif /* AXWS_NO_AXIOM */
/* <<axiom-decl */

/* ======================================================================== the object
   Transparent so the caller can allocate it anywhere; treat every field as private. */
struct axws_conn {
    axws_config cfg;
    axws_state state;
    int error;          /* sticky first fatal error, 0 while none */
    int sys_errno;
    int http_status;
    int close_code;     /* the peer's close code; 1005 none given; 1006 no close frame */
    int sent_close;     /* the code we sent, 0 = none yet */
    int close_rcvd;     /* the peer's close frame arrived */
    int finish_on_flush;/* failing: end the connection once the queued close is written */
    int eof;            /* the peer ended the byte stream */
    int64_t now;        /* time of the current entry point */
    unsigned gen;       /* bumped per connection: stale work notices a reconnect */
    /* what axws_describe() tells about a failure (error != 0) */
    uint8_t fail_state; /* the state the connection was in when it failed */
    uint8_t fail_detail;/* AXWS__D_*: the configuration problem or the hint; 0 = none */
    uint32_t fail_need; /* a buffer too small: the bytes it needs */

    /* transport: whoever moves the bytes registers how to let go of them when the
       connection ends (the socket driver closes its socket); NULL for sans-IO programs */
    void (*release)(axws_conn *c);
    size_t rx_len;      /* plain ws://: received bytes waiting in rx_buf */
    uint8_t read_again; /* the transport stopped reading before the socket was empty: 1 = a
                           read cap, step again now; 2 = back-pressure, read on the next
                           step. So an edge-triggered loop, told of new bytes only once,
                           still gets every byte */
#ifndef AXWS_NO_SOCKETS
    /* >>sock-state (owned by the socket driver) */
    int fd;             /* -1 when none */
    int secure;
    int port;           /* TCP port of the URL */
    int addr_index, addr_count;
    int pending_errno;  /* connect failed inside axws_connect*: reported by the next step */
    unsigned sock_gen;  /* bumped whenever fd names a new socket: axws_socket_generation() */
    axws_addr peer;     /* the address of the latest attempt (axws_describe) */
#ifdef AXWS__READ_BATCH
    unsigned batch_gen; /* cfg.read_batch: the socket (sock_gen) it was set on, 0 none */
#endif
#ifndef AXWS_NO_PROXY
    /* the tunnel through cfg.proxy (>>proxy); 10 bytes, kept after a failure for
       axws_describe() and axws_proxy_status() */
    uint8_t px_kind;    /* AXWS__PXK_*: what cfg.proxy is; 0 = direct */
    uint8_t px_step;    /* AXWS__PX_*: how far the tunnel got */
    uint16_t px_port;   /* the proxy's TCP port */
    uint16_t px_pos;    /* bytes of the current proxy message sent, or of its answer held */
    uint16_t px_end;    /* the end of the proxy's messages in tx_buf (after tx_tail) */
    int16_t px_status;  /* axws_proxy_status() */
#endif
    /* <<sock-state */
#endif

    /* timers (monotonic ms; 0 = unset) */
    int64_t deadline;   /* connect, handshake or close deadline of the current state */
#ifdef AXWS__READ_BATCH
    int64_t io_due;     /* the transport's own deadline (under cfg.read_batch: the socket
                           driver's next read, read_batch_ms after the last); 0 = none */
#endif
    int64_t last_rx;    /* last time bytes arrived */
    int64_t tx_stall;   /* since when output has waited with none of it taken; 0 = none */
    int64_t last_ping;  /* keepalive: when the last ping went out */
    int64_t ping_out;   /* when the keepalive ping now awaited went out (0: none) */
    int32_t rtt, srtt;  /* round trips of keepalive pings: the last, smoothed; -1 none */

    /* output queue in tx_buf: bytes [tx_head, tx_tail) */
    size_t tx_head, tx_tail;
    int tx_frag_open;   /* a fragmented send is in progress */
    int reply_pending;  /* a received control frame waits for room to queue its reply */
    int close_pending;  /* failing with tx_buf full: the close code to queue once it drains */

    /* upgrade */
    char accept[32];    /* the Sec-WebSocket-Accept we expect */
    size_t hs_len;      /* response bytes gathered in tx_buf */
    int hs_valid;       /* the response in tx_buf may be read (axws_header) */
    size_t hs_reason_off, hs_reason_len;
    size_t hs_location_off, hs_location_len;
    int has_location;
    int http_mode;      /* axws_http_request: no upgrade, one response head */
    int input_paused;   /* axws_pause_input */

    /* frame parser */
    uint8_t hdr[14];    /* a frame header split across feeds */
    uint8_t hdr_have;
    uint8_t fr_opcode, fr_fin;
    int in_frame;       /* header parsed, payload pending */
    uint64_t fr_left;   /* payload bytes still to come in the current frame */
    int msg_opcode;     /* TEXT or BINARY while a message is in progress, else 0 */
    uint64_t msg_len;   /* bytes of the current message so far */
    uint32_t utf8_state;
    uint8_t ctl[125];   /* control frame payload being gathered */
    uint8_t ctl_len;
    uint8_t close_reason_len; /* the reason stays in ctl[2..]: nothing is parsed after a close */
#ifndef AXWS_NO_DEFLATE
    uint8_t deflate_on;       /* permessage-deflate was negotiated on this connection */
    uint8_t deflate_fresh;    /* server_no_context_takeover: each message starts afresh */
    uint8_t msg_deflate;      /* the message in progress is compressed (RSV1, RFC 7692 6) */
#endif

    /* random pool for mask keys, refilled in blocks */
    uint8_t rnd[64];
    uint8_t rnd_used;
#ifndef AXWS_NO_TLS
    uint8_t rnd_key[32];  /* ChaCha20 key of the keystream the pool is cut from */
    uint32_t rnd_ctr;     /* its block counter; 0 = not seeded yet */
    /* >>tls-state (owned by the TLS layer) */
    br_ssl_client_context tls_cc;   /* BearSSL's client engine (3.7 KB) */
    br_ssl_session_parameters tls_session; /* kept across reconnects for resumption */
    uint32_t tls_session_key;       /* hash of server name and port of tls_session; 0 = none */
    uint32_t tls_conn_key;          /* the same for the current connection */
    int tls_err;                    /* BearSSL code or AXWS_TLS_ERR_*, 0 = none */
    uint8_t tls_offered;            /* the saved session was offered */
    uint8_t tls_resumed;            /* the last handshake was abbreviated */
    uint8_t tls_flush;              /* app data handed to BearSSL since the last flush */
    uint8_t tls_closing;            /* we sent close_notify */
    uint8_t tls_got_data;           /* some bytes arrived (for the plain-HTTP diagnosis) */
    size_t tls_st_off, tls_st_len;  /* received bytes staged in rx_buf, not yet in BearSSL */
    /* <<tls-state */
#endif
    /* Fields each needed in one phase of a connection share their memory: the addresses and
       the URL host until TCP is up, BearSSL's certificate context during the TLS handshake
       (no renegotiation: it is idle afterwards), the negotiated subprotocol once open. */
    union {
        struct {
#ifndef AXWS_NO_SOCKETS
            axws_addr addrs[AXWS_MAX_ADDRS];
#endif
            char host[256]; /* URL host, also the default TLS server name */
        } net;
#ifndef AXWS_NO_TLS
        br_x509_minimal_context x509_minimal;
        axws__tls_any x509_any; /* insecure_skip_verify */
#endif
        char subprotocol[64];
    } phase;
};

/* >>axiom-client-struct (needs axws_conn complete) */
#ifdef AXWS__AXIOM_CLIENT
/* A room's health figures: private. */
typedef struct axws__ax_room_health {
    uint64_t messages, bytes;
    int64_t last_ms;           /* last arrival, 0: none */
    int64_t joined_ms;         /* joined on the current connection */
    int64_t gap_from;          /* open gap since (last arrival before a loss), 0: none */
    int32_t latency_last, latency_max; /* ms, -1: none */
    uint32_t gaps, silences;
    int32_t silence_ms;        /* 0: no limit */
    uint8_t rejoin, silent;    /* silent: reported, waiting for a message */
    uint8_t slot;              /* conflated: its slot in conflate[] + 1, 0: not conflated */
    uint32_t conflated;        /* updates dropped by conflation */
#ifndef AXWS_NO_STATS
    uint32_t latency_count;    /* samples ever; the last ROOM_LATENCY_WINDOW in latency[] */
    int32_t latency[AXWS_AXIOM_ROOM_LATENCY_WINDOW];
#endif
} axws__ax_room_health;

/* A conflated room's latest update, held until the end of the step: the frame rebuilt from
   its room and content (what the decoder reads of a room message), and its freshness. */
typedef struct axws__ax_conflate {
    int room;                  /* index in rooms[], -1: free */
    int pending;               /* an update waits */
    uint32_t dropped;          /* updates replaced by a later one */
    size_t len;
    int64_t arrival, latency, server, gap_from, gap_to;
    unsigned flags;
    char frame[AXWS_AXIOM_CONFLATE_MAX];
} axws__ax_conflate;
struct axws_axiom {
    axws_axiom_config cfg;
    axws_conn ws;             /* the stream */
    axws_conn http;           /* the token refresh, when one is under way */
    axws_axiom_decoder dec;
    int want_up;              /* the program asked to be connected */
    int closed_by_us;         /* this connection's close was ours (disconnect, reconnect) */
    int token_price;          /* connect to the token-price socket */
    int up;                   /* on_connected fired, on_disconnected not yet */
    int attempt_live;         /* ws is connecting or connected for us */
    int reconnect_now;        /* reconnect(): connect again as soon as the stream is down */
    int attempts;             /* failed attempts since the last healthy connection */
    int host_index;           /* region host of the current attempt; -1 before the first */
    int auth_retried;         /* a 401/403 already led to one refresh and retry */
    int64_t next_attempt;     /* when to try again (0: not waiting) */
    int64_t connected_at;
    int64_t next_send;        /* pacing of subscription messages */
    unsigned conn_gen;        /* per connection; rooms joined on it carry it */
    int room_count;
    unsigned room_joined[AXWS_AXIOM_MAX_ROOMS];
    char rooms[AXWS_AXIOM_MAX_ROOMS][AXWS_AXIOM_ROOM_MAX + 1];
    axws__ax_room_health health[AXWS_AXIOM_MAX_ROOMS]; /* per room, in the order of rooms[] */
    int last_room;                 /* the room of the last message (a cache) */
    int mid_message;               /* the stream is inside a message (its last chunk not seen) */
    int flushing;                  /* delivering held updates: not held again */
    axws__ax_conflate conflate[AXWS_AXIOM_CONFLATE_SLOTS];
    int64_t arrival;               /* now_ms of the step reading the message in progress */
    uint64_t messages, bytes;
    uint32_t connects, gaps, silences, conflated;
    int64_t last_arrival;
    axws__ax_conflate *held;       /* the update being delivered from its slot */
#ifndef AXWS_NO_STATS
    uint32_t latency_count;        /* samples ever; the last LATENCY_WINDOW are in latency[] */
    int32_t latency[AXWS_AXIOM_LATENCY_WINDOW]; /* ms, clamped to +-2^31 */
#endif
    int leave_count;          /* leaves waiting for their pacing slot */
    char leaves[AXWS_AXIOM_MAX_ROOMS][AXWS_AXIOM_ROOM_MAX + 1];
    char access[AXWS_AXIOM_TOKEN_MAX + 1];
    char refresh[AXWS_AXIOM_TOKEN_MAX + 1];
    int64_t access_exp;       /* JWT exp, 0 unknown */
    int tokens_from_file;
    int token_file_reported;  /* a failed write was reported (once; tokens stay in memory) */
    char token_file[256];
    int refresh_busy;         /* the http connection carries a refresh */
    int connect_after_refresh;
    int refresh_failures;
    int64_t next_refresh;     /* retry of a failed refresh (0: none) */
    int64_t next_token_check;
    int64_t last_refresh;     /* when the last refresh started */
    int refresh_ok;           /* the response carried a new access token */
    int refresh_status;
    char url[320];
    char session_id[24];
    char text[1024];          /* error and reason sentences */
    char cookie[2 * AXWS_AXIOM_TOKEN_MAX + 64];
    const char *headers[24];
#ifdef AXWS_AXIOM_SHARED_RX
    /* no record buffer: the refresh reads into cfg.rx_buf (axws__ax_stream_holds_rx) */
#elif defined(AXWS_NO_TLS)
    uint8_t http_rx[1024];
#else
    uint8_t http_rx[AXWS_TLS_BUF_MIN]; /* https:// refresh: BearSSL's records live here */
#endif
    uint8_t http_tx[2 * AXWS_AXIOM_TOKEN_MAX + 1024];
};
#endif /* AXWS__AXIOM_CLIENT */
/* <<axiom-client-struct */

/* Layout check. The layout macros must be the same in every file; each file's view of the
   structs (their sizes and the switches) travels with axws_init(), axws_axiom_init(),
   axws_json_init() and axws_axiom_decoder_init(),
   and the implementation refuses a view other than its own with AXWS_ELAYOUT instead of
   corrupting memory. */
#if defined(AXWS_NO_TLS)
#define AXWS__L_TLS 1u
#else
#define AXWS__L_TLS 0u
#endif
#if defined(AXWS_NO_SOCKETS)
#define AXWS__L_SOCK 2u
#elif defined(AXWS_PORT_LWIP)
#define AXWS__L_SOCK 4u
#elif defined(AXWS_PORT_USER)
#define AXWS__L_SOCK 8u /* struct pollfd may be the program's own */
#else
#define AXWS__L_SOCK 0u
#endif
#if defined(AXWS_NO_PROXY)
#define AXWS__L_PROXY 16u /* no cfg.proxy: a layout of its own even where the sizes agree */
#else
#define AXWS__L_PROXY 0u
#endif
#if defined(AXWS_NO_DEFLATE)
#define AXWS__L_DEFLATE 32u /* no cfg.deflate */
#else
#define AXWS__L_DEFLATE 0u
#endif
#define AXWS__LAYOUT_CONN ((uint32_t)sizeof(axws_conn) << 8 | AXWS__L_TLS | AXWS__L_SOCK | AXWS__L_PROXY | AXWS__L_DEFLATE)
#define AXWS__LAYOUT_AXIOM ((uint32_t)sizeof(axws_axiom) << 8 | AXWS__L_TLS | AXWS__L_SOCK | AXWS__L_PROXY | AXWS__L_DEFLATE)
#define AXWS__LAYOUT_JSON ((uint32_t)sizeof(axws_json) << 8 | 64u)
#define AXWS__LAYOUT_DECODER ((uint32_t)sizeof(axws_axiom_decoder) << 8 | 128u)

#ifdef __cplusplus
}
#endif
#endif /* AXIOMWS_H_INCLUDED */

/* ############################################################################ implementation */
#if defined(AXIOMWS_IMPLEMENTATION) && !defined(AXIOMWS__IMPLEMENTED)
#define AXIOMWS__IMPLEMENTED
#if defined(__GLIBC__) && !defined(__USE_XOPEN2K8) && !defined(AXWS_NO_SOCKETS) && !defined(AXWS_PORT_LWIP) && \
    !defined(AXWS_PORT_USER)
#error "axiomws.h needs POSIX.1-2008: include it before any system header, or compile with -D_POSIX_C_SOURCE=200809L (strict -std=c99 turns POSIX off)"
#endif

/* >>prologue: every include and portability macro of the implementation, in one place.
   The core needs ISO C only (string.h, errno.h); the rest belongs to the layer named. */
#include <errno.h>
#include <string.h>
#if !defined(AXWS_NO_SOCKETS) && !defined(AXWS_PORT_LWIP) && !defined(AXWS_PORT_USER)
#define AXWS__PORT_POSIX 1
#include <time.h>        /* clock_gettime */
#include <fcntl.h>
#include <unistd.h>
#include <netdb.h>       /* getaddrinfo */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h> /* TCP_NODELAY */
#elif defined(AXWS_PORT_LWIP)
#include <lwip/sys.h>    /* sys_now */
#include <lwip/netdb.h>  /* lwip_getaddrinfo, when LWIP_DNS */
#endif
#if defined(AXWS__PORT_POSIX) && defined(AXWS_NO_TLS) && defined(__linux__)
#include <sys/random.h>  /* getrandom */
#endif
#ifndef AXWS_NO_TLS
#include <time.h>        /* time(): certificate validity */
#endif
#if !defined(AXWS_NO_STDIO) && (!defined(AXWS_NO_TLS) || defined(AXWS__AXIOM_CLIENT))
#include <stdio.h>       /* fopen: PEM and token files */
#endif
#include <stdarg.h>      /* axws__fmt (freestanding): axws_describe and the Axiom texts */
#ifdef AXWS__AXIOM_CLIENT
#include <time.h>        /* time(): the default wall clock (cfg.wall_clock) */
#ifndef AXWS_NO_STDIO
#include <stdlib.h>      /* getenv */
#endif
#if defined(AXWS__PORT_POSIX) && !defined(AXWS_NO_STDIO)
#define AXWS__AXIOM_TOKEN_FILE 1 /* fopen/open/rename: a file system */
#include <sys/stat.h>    /* stat: the token file's mode */
#endif
#endif
#if !defined(AXWS_NO_PROXY) && !defined(AXWS_NO_STDIO)
#include <stdlib.h>      /* getenv: axws_proxy_from_env */
#endif
#ifndef AXWS_NO_AXIOM
#include <math.h>        /* NAN, isfinite: header macros, no libm code */
#endif
#ifndef AXWS_NO_JSON
#include <float.h>
#if defined(__SSE2__) && !defined(AXWS_JSON_NO_SIMD)
/* SSE2 is part of every x86-64: 16 bytes of a string per step instead of the 8 of the
   portable SWAR scan. AXWS_JSON_NO_SIMD keeps the portable scan only. */
#include <emmintrin.h>
#define AXWS__JSON_SSE2 1
#else
#define AXWS__JSON_SSE2 0
#endif
#endif
/* An OS random source: BearSSL's system seeder, or (without TLS) the POSIX port's
   getrandom()/urandom. AXWS_NO_OS_RANDOM leaves cfg.random as the only source. */
#if !defined(AXWS_NO_OS_RANDOM) && (!defined(AXWS_NO_TLS) || defined(AXWS__PORT_POSIX))
#define AXWS__OS_RANDOM 1
#endif

#ifndef AXWS_ASSERT
#include <assert.h>
#define AXWS_ASSERT(x) assert(x)
#endif

#ifdef AXWS_STATIC
#define AXWS__DEF static
#else
#define AXWS__DEF
#endif

#if defined(__GNUC__) || defined(__clang__)
#define AXWS__LIKELY(x) __builtin_expect(!!(x), 1)
#define AXWS__UNLIKELY(x) __builtin_expect(!!(x), 0)
#if defined(__OPTIMIZE_SIZE__)
#define AXWS__INLINE __inline__ /* -Os: the compiler weighs each copy's bytes */
#else
#define AXWS__INLINE __inline__ __attribute__((always_inline))
#endif
#define AXWS__NOINLINE __attribute__((noinline))
#else
#define AXWS__LIKELY(x) (x)
#define AXWS__UNLIKELY(x) (x)
#define AXWS__INLINE
#define AXWS__NOINLINE
#endif

/* Built for size (-Os: a program that counts its flash), the library leaves out the fast
   paths that only do faster what a general path does too: the results are the same, and
   the tests run both ways (the host build at -O2; at -Os the Cortex-M4 run of make embedded
   and the conformance suite against build/notls/echo). */
#if defined(__OPTIMIZE_SIZE__)
#define AXWS__SMALL 1
#else
#define AXWS__SMALL 0
#endif

#define AXWS__DEFAULT_CONNECT_MS 10000
#define AXWS__DEFAULT_HANDSHAKE_MS 10000
#define AXWS__DEFAULT_CLOSE_MS 2000
#define AXWS__DEFAULT_MAX_HANDSHAKE 8192
#define AXWS__WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define AXWS__COUNT(a) (sizeof(a) / sizeof((a)[0])) /* elements of an array */

/* The text of code `err` in a packed list: `texts` holds one NUL-terminated text per entry
   of codes[0..n), in the same order (both made from one X-macro list); NULL when err is not
   there. One object per list, because a table of string pointers (or a switch that GCC
   turns into one) puts its texts in the one shared string section of the file, which the
   linker then keeps whole in any program that uses any text of it: the JSON error texts
   came along with axws_strerror() into programs that never asked for them. */
static const char *axws__text_of(const char *texts, const signed char *codes, size_t n, int err) {
    size_t i;
    for (i = 0; i < n; texts += strlen(texts) + 1, i++)
        if (codes[i] == err) return texts;
    return NULL;
}
#define AXWS__TEXT_ITEM(name, value, text) text "\0"
#define AXWS__CODE_ITEM(name, value, text) value,

AXWS__DEF const char *axws_strerror(int err) {
    static const char texts[] = AXWS__ERRORS(AXWS__TEXT_ITEM);
    static const signed char codes[] = {AXWS__ERRORS(AXWS__CODE_ITEM)};
    const char *t = axws__text_of(texts, codes, sizeof codes, err);
    return t && *t ? t : "unknown error"; /* "": a code this build never returns */
}

static uint64_t axws__load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static int axws__lower(int ch) { return (ch >= 'A' && ch <= 'Z') ? ch + 32 : ch; }


/* Dotted-decimal IPv4 (four parts 0-255, no leading zeros) into ip[0..4); the length used,
   0 if not one. */
static size_t axws__parse_ip4(const char *s, uint8_t ip[4]) {
    const char *p = s;
    int part;
    for (part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        if (part && *p++ != '.') return 0;
        while (*p >= '0' && *p <= '9' && digits < 4) { v = v * 10 + (unsigned)(*p++ - '0'); digits++; }
        if (!digits || digits > 3 || v > 255 || (digits > 1 && p[-(int)digits] == '0')) return 0;
        ip[part] = (uint8_t)v;
    }
    return (size_t)(p - s);
}

static int axws__hexval(int ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    ch = axws__lower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* RFC 4291 2.2: eight groups of 1-4 hex digits, one "::" for a run of zeros, and an IPv4
   tail in the last 32 bits. */
static int axws__parse_ip6(const char *p, uint8_t ip[16]) {
    int n = 0, gap = -1, i;
    if (p[0] == ':' && p[1] == ':') { gap = 0; p += 2; }
    while (*p && n < 16) {
        unsigned v = 0;
        int digits = 0;
        if (n + 4 <= 16 && axws__parse_ip4(p, ip + n) == strlen(p)) { n += 4; p += strlen(p); break; }
        while (digits < 5 && axws__hexval(*p) >= 0) { v = v * 16 + (unsigned)axws__hexval(*p++); digits++; }
        if (!digits || digits > 4) return 0;
        ip[n++] = (uint8_t)(v >> 8); ip[n++] = (uint8_t)v;
        if (!*p) break;
        if (*p++ != ':') return 0;
        if (*p == ':') {
            if (gap >= 0) return 0;
            gap = n;
            p++;
        } else if (!*p) {
            return 0; /* a trailing single ':' */
        }
    }
    if (*p) return 0;
    if (gap < 0) return n == 16;
    if (n == 16) return 0; /* "::" must stand for at least one group */
    for (i = n - 1; i >= gap; i--) ip[i + 16 - n] = ip[i];
    for (i = gap; i < gap + 16 - n; i++) ip[i] = 0;
    return 1;
}

/* An IPv4 or IPv6 literal (without brackets) into *out: 1, or 0 for anything else. */
static int axws__parse_ip(const char *s, axws_addr *out) {
    memset(out, 0, sizeof *out);
    if (axws__parse_ip4(s, out->ip) == strlen(s) && *s) { out->family = 4; return 1; }
    if (strchr(s, ':') && axws__parse_ip6(s, out->ip)) { out->family = 6; return 1; }
    memset(out, 0, sizeof *out);
    return 0;
}

static int axws__ieq(const char *a, size_t alen, const char *b) {
    size_t i;
    for (i = 0; i < alen; i++)
        if (b[i] == 0 || axws__lower((unsigned char)a[i]) != axws__lower((unsigned char)b[i])) return 0;
    return b[alen] == 0;
}

/* base64 (RFC 4648 4, with padding): the handshake key and accept value. */
static size_t axws__base64(char *out, const uint8_t *in, size_t n) {
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, o = 0;
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = tbl[v >> 18]; out[o++] = tbl[(v >> 12) & 63];
        out[o++] = tbl[(v >> 6) & 63]; out[o++] = tbl[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
        out[o++] = tbl[v >> 18]; out[o++] = tbl[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    out[o] = 0;
    return o;
}

#ifdef AXWS_NO_TLS
/* SHA-1 (FIPS 180-4) for the handshake's accept check only: without BearSSL there is no
   other implementation to reuse. Not used for anything that needs collision resistance. */
typedef struct { uint32_t h[5]; uint8_t buf[64]; size_t n; uint64_t total; } axws__sha1;

static uint32_t axws__rol(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static void axws__sha1_block(axws__sha1 *s, const uint8_t *p) {
    uint32_t w[80], a, b, c, d, e, t;
    int i;
    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (i = 16; i < 80; i++) w[i] = axws__rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3]; e = s->h[4];
    for (i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999u; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1u; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDCu; }
        else { f = b ^ c ^ d; k = 0xCA62C1D6u; }
        t = axws__rol(a, 5) + f + e + k + w[i];
        e = d; d = c; c = axws__rol(b, 30); b = a; a = t;
    }
    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e;
}

static void axws__sha1_init(axws__sha1 *s) {
    s->h[0] = 0x67452301u; s->h[1] = 0xEFCDAB89u; s->h[2] = 0x98BADCFEu;
    s->h[3] = 0x10325476u; s->h[4] = 0xC3D2E1F0u; s->n = 0; s->total = 0;
}

static void axws__sha1_update(axws__sha1 *s, const void *data, size_t len) {
    const uint8_t *p = (const uint8_t *)data;
    s->total += len;
    while (len) {
        size_t take = 64 - s->n < len ? 64 - s->n : len;
        memcpy(s->buf + s->n, p, take);
        s->n += take; p += take; len -= take;
        if (s->n == 64) { axws__sha1_block(s, s->buf); s->n = 0; }
    }
}

static void axws__sha1_final(axws__sha1 *s, uint8_t out[20]) {
    uint64_t bits = s->total * 8;
    uint8_t pad = 0x80, zero = 0, len8[8];
    int i;
    axws__sha1_update(s, &pad, 1);
    while (s->n != 56) axws__sha1_update(s, &zero, 1);
    for (i = 0; i < 8; i++) len8[i] = (uint8_t)(bits >> (56 - 8 * i));
    axws__sha1_update(s, len8, 8);
    for (i = 0; i < 20; i++) out[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}
#endif

/* Sec-WebSocket-Accept for a key (RFC 6455 4.2.2 step 5.4). */
static void axws__accept_value(const char *key, char out[32]) {
    uint8_t digest[20];
#ifdef AXWS_NO_TLS
    axws__sha1 s;
    axws__sha1_init(&s);
    axws__sha1_update(&s, key, strlen(key));
    axws__sha1_update(&s, AXWS__WS_GUID, sizeof AXWS__WS_GUID - 1);
    axws__sha1_final(&s, digest);
#else
    br_sha1_context s;
    br_sha1_init(&s);
    br_sha1_update(&s, key, strlen(key));
    br_sha1_update(&s, AXWS__WS_GUID, sizeof AXWS__WS_GUID - 1);
    br_sha1_out(&s, digest);
#endif
    axws__base64(out, digest, 20);
}

/* Random bytes for keys and masks: the program's generator when given, else a pool
   refilled 64 bytes at a time (never a system call per frame). With BearSSL the pool is cut
   from a ChaCha20 keystream keyed once from the OS; without it, it comes from the OS.
   Returns 0, or AXWS_ENORANDOM when there is no source at all: mask keys are never made
   predictable, whatever the build (asserts may be compiled out). */
static int axws__fill_pool(axws_conn *c) {
#if defined(AXWS__OS_RANDOM) && !defined(AXWS_NO_TLS)
    static const uint8_t iv[12] = {0};
    br_chacha20_run run = br_chacha20_sse2_get();
    if (!run) run = br_chacha20_ct_run;
    if (!c->rnd_ctr) {
        /* (re)key: 32 bytes from an HMAC-DRBG seeded by the OS, used once and dropped. The
           keystream then costs a few ns a mask key and 36 bytes of state. */
        br_hmac_drbg_context seed;
        br_prng_seeder seeder = br_prng_seeder_system(NULL);
        br_hmac_drbg_init(&seed, &br_sha256_vtable, NULL, 0);
        if (!seeder || !seeder(&seed.vtable)) return AXWS_ENORANDOM;
        br_hmac_drbg_generate(&seed, c->rnd_key, sizeof c->rnd_key);
        c->rnd_ctr = 1;
    }
    memset(c->rnd, 0, sizeof c->rnd);
    c->rnd_ctr = run(c->rnd_key, iv, c->rnd_ctr, c->rnd, sizeof c->rnd); /* wraps to 0: rekey */
#elif defined(AXWS__OS_RANDOM)
    size_t got = 0;
#if defined(__linux__)
    while (got < sizeof c->rnd) {
        ssize_t r = getrandom(c->rnd + got, sizeof c->rnd - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
#endif
    if (got < sizeof c->rnd) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        while (fd >= 0 && got < sizeof c->rnd) {
            ssize_t r = read(fd, c->rnd + got, sizeof c->rnd - got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += (size_t)r;
        }
        if (fd >= 0) close(fd);
    }
    if (got < sizeof c->rnd) return AXWS_ENORANDOM;
#else
    (void)c;
    return AXWS_ENORANDOM; /* no OS source in this build: cfg.random is required */
#endif
    c->rnd_used = 0;
    return AXWS_OK;
}

static int axws__random(axws_conn *c, uint8_t *out, size_t n) {
    if (c->cfg.random) {
        c->cfg.random(c->cfg.random_user, out, n);
        return AXWS_OK;
    }
    while (n) {
        size_t take;
        if (c->rnd_used >= sizeof c->rnd && axws__fill_pool(c) != AXWS_OK) return AXWS_ENORANDOM;
        take = sizeof c->rnd - c->rnd_used;
        if (take > n) take = n;
        memcpy(out, c->rnd + c->rnd_used, take);
        c->rnd_used = (uint8_t)(c->rnd_used + take);
        out += take; n -= take;
    }
    return AXWS_OK;
}

/* Incremental UTF-8 validation (RFC 3629 4): the state carries what the next byte must be
   across calls, so a code point may be split anywhere. Layout: bits 0-7 continuation bytes
   still expected, 8-15 lowest and 16-23 highest value allowed for the next one (this is
   what rejects overlong forms, surrogates and code points above U+10FFFF early). */
#define AXWS__UTF8_ACCEPT 0u

/* (Computed, not looked up: as a chain of ranges GCC makes it a 204-byte table.) */
static AXWS__INLINE uint32_t axws__utf8_lead(uint8_t b) {
    uint32_t lo = 0x80, hi = 0xBF;
    if (b < 0xC2 || b > 0xF4) return 0xFFFFFFFFu; /* 80..C1, F5..FF never start a character */
    if (b < 0xE0) return 1u | lo << 8 | hi << 16;  /* the most common: two bytes, any tail */
    if (b == 0xE0) lo = 0xA0;      /* no overlong 3-byte forms */
    else if (b == 0xED) hi = 0x9F; /* no surrogates */
    else if (b == 0xF0) lo = 0x90; /* no overlong 4-byte forms */
    else if (b == 0xF4) hi = 0x8F; /* nothing above U+10FFFF */
    return (b < 0xE0 ? 1u : b < 0xF0 ? 2u : 3u) | lo << 8 | hi << 16;
}

/* The one bounded writer of the library (requests, texts, JSON lines): len counts every
   byte put, so after an overflow it tells how much room was needed; bytes go in while they
   fit. A writer is {start, 0, capacity}. */
typedef struct axws__buf { char *p; size_t len, cap; } axws__buf;

static void axws__put(axws__buf *b, const char *s, size_t n) {
    if (n && b->len < b->cap) memcpy(b->p + b->len, s, n <= b->cap - b->len ? n : b->cap - b->len);
    b->len += n;
}
static void axws__puts(axws__buf *b, const char *s) { axws__put(b, s, strlen(s)); }
/* One CRLF object for every HTTP line: a "\r\n" literal may be merged into the string
   section of whichever function the compiler meets first (with -fdata-sections, e.g. the
   deflate offer's), and --gc-sections then keeps that whole section in programs that
   never use the function. */
static const char axws__crlf[] = "\r\n";
/* n bytes that belong together (an escape, a UTF-8 sequence): all of them or, when they do
   not fit, none and nothing after them, so a cut text never ends inside one */
static void axws__put_whole(axws__buf *b, const char *s, size_t n) {
    if (b->len + n > b->cap && b->cap > b->len) b->cap = b->len;
    axws__put(b, s, n);
}

/* Any bytes - peer text included - as the body of a JSON string: '"', '\\' and control
   bytes escaped (RFC 8259 section 7), bytes that are not UTF-8 as U+FFFD (RFC 3629 section
   4). The one escaper for everything that shows peer text: JSON lines, logs and error
   texts (a server cannot forge log lines or send terminal escapes). */
static void axws__put_escaped(axws__buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, run = 0;
    if (!n) return; /* s may be NULL then (an event without data) */
    while (i < n) {
        uint8_t c = (uint8_t)s[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') { i++; run++; continue; }
        axws__put(b, s + i - run, run);
        run = 0;
        if (c < 0x80) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            switch (c) { /* the two-character forms, for readability */
            case '"': case '\\': e[1] = (char)c; break;
            case '\n': e[1] = 'n'; break;
            case '\r': e[1] = 'r'; break;
            case '\t': e[1] = 't'; break;
            default: break;
            }
            axws__put_whole(b, e, e[1] == 'u' ? 6 : 2);
            i++;
            continue;
        }
        {
            uint32_t lead = axws__utf8_lead(c);
            uint8_t lo = (uint8_t)(lead >> 8), hi = (uint8_t)(lead >> 16);
            size_t need = lead == 0xFFFFFFFFu ? 0 : (lead & 0xFF), j;
            for (j = 1; need && j <= need; j++) {
                uint8_t next = i + j < n ? (uint8_t)s[i + j] : 0;
                if (next < (j == 1 ? lo : 0x80) || next > (j == 1 ? hi : 0xBF)) { need = 0; break; }
            }
            if (need) { axws__put_whole(b, s + i, need + 1); i += need + 1; }
            else { axws__put_whole(b, "\\ufffd", 6); i++; }
        }
    }
    axws__put(b, s + n - run, run);
}

/* Returns 0 when p[0..n) continues a valid stream, -1 at the first invalid byte. */
static int axws__utf8_scan(uint32_t *state, const uint8_t *p, size_t n) {
    uint32_t st = *state;
    size_t i = 0;
    while (i < n) {
        if (st == AXWS__UTF8_ACCEPT) {
#if !AXWS__SMALL
            /* ASCII fast path: 32 bytes per step, then 8 */
            while (i + 32 <= n) {
                uint64_t v = axws__load64(p + i) | axws__load64(p + i + 8) |
                             axws__load64(p + i + 16) | axws__load64(p + i + 24);
                if (v & 0x8080808080808080ull) break;
                i += 32;
            }
            while (i + 8 <= n && !(axws__load64(p + i) & 0x8080808080808080ull)) i += 8;
#endif
            while (i < n && p[i] < 0x80) i++;
            if (i == n) break;
            st = axws__utf8_lead(p[i++]);
            if (st == 0xFFFFFFFFu) { *state = st; return -1; }
        } else {
            uint8_t b = p[i++];
            if (b < ((st >> 8) & 0xFF) || b > ((st >> 16) & 0xFF)) { *state = 0xFFFFFFFFu; return -1; }
            st = (st & 0xFF) - 1;
            if (st) st |= 0x80u << 8 | 0xBFu << 16;
        }
    }
    *state = st;
    return 0;
}

/* Copy src to dst XOR-ing with the 4-byte key, a machine word at a time. */
static void axws__mask_copy(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t key[4]) {
    size_t i = 0;
#if !AXWS__SMALL /* the byte loop below does it all: words are the speed */
    uint64_t k8;
    uint8_t k[8];
    memcpy(k, key, 4);
    memcpy(k + 4, key, 4);
    memcpy(&k8, k, 8);
    for (; i + 32 <= n; i += 32) {
        uint64_t a = axws__load64(src + i) ^ k8, b = axws__load64(src + i + 8) ^ k8;
        uint64_t c = axws__load64(src + i + 16) ^ k8, d = axws__load64(src + i + 24) ^ k8;
        memcpy(dst + i, &a, 8); memcpy(dst + i + 8, &b, 8);
        memcpy(dst + i + 16, &c, 8); memcpy(dst + i + 24, &d, 8);
    }
    for (; i + 8 <= n; i += 8) {
        uint64_t a = axws__load64(src + i) ^ k8;
        memcpy(dst + i, &a, 8);
    }
#endif
    for (; i < n; i++) dst[i] = (uint8_t)(src[i] ^ key[i & 3]);
}

/* The library's own bounded formatter for its texts, so that no printf is linked (newlib-
   nano's lacks %lld; printf costs kilobytes of flash): %s, %.*s, %d, %ld, %lld, %04x and
   %%, and %.*e for peer text (escaped by axws__put_escaped), nothing else. Always terminates (cap > 0); returns the length the whole text needs,
   as snprintf does, so a caller sees truncation. */
static void axws__put_fmtv(axws__buf *b, const char *fmt, va_list ap) {
    for (; *fmt; fmt++) {
        char num[24];
        size_t k = sizeof num;
        long long v;
        unsigned long long u;
        if (*fmt != '%') { axws__put(b, fmt, 1); continue; }
        fmt++;
        if (*fmt == 's') {
            const char *str = va_arg(ap, const char *);
            axws__put(b, str, strlen(str));
            continue;
        }
        if (fmt[0] == '.' && fmt[1] == '*' && (fmt[2] == 's' || fmt[2] == 'e')) {
            int len = va_arg(ap, int);
            const char *str = va_arg(ap, const char *);
            if (fmt[2] == 'e') axws__put_escaped(b, str, len > 0 ? (size_t)len : 0);
            else axws__put(b, str, len > 0 ? (size_t)len : 0);
            fmt += 2;
            continue;
        }
        if (fmt[0] == '0' && fmt[1] == '4' && fmt[2] == 'x') {
            unsigned x = va_arg(ap, unsigned);
            int i;
            for (i = 0; i < 4; i++) num[i] = "0123456789abcdef"[(x >> (12 - 4 * i)) & 15];
            axws__put(b, num, 4);
            fmt += 2;
            continue;
        }
        if (*fmt == 'd') {
            v = va_arg(ap, int);
        } else if (fmt[0] == 'l' && fmt[1] == 'd') {
            v = va_arg(ap, long);
            fmt++;
        } else if (fmt[0] == 'l' && fmt[1] == 'l' && fmt[2] == 'd') {
            v = va_arg(ap, long long);
            fmt += 2;
        } else { /* '%%' (or a conversion this formatter does not have: shown as is) */
            axws__put(b, fmt - (*fmt != '%'), 1 + (*fmt != '%'));
            continue;
        }
        u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        do { num[--k] = (char)('0' + u % 10); u /= 10; } while (u);
        if (v < 0) num[--k] = '-';
        axws__put(b, num + k, sizeof num - k);
    }
}

static void axws__put_fmt(axws__buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    axws__put_fmtv(b, fmt, ap);
    va_end(ap);
}

/* A writer for a text in out[0..cap) that keeps room for its NUL (axws__text_end). */
static axws__buf axws__text_buf(char *out, size_t cap) {
    axws__buf b;
    b.p = out;
    b.len = 0;
    b.cap = cap ? cap - 1 : 0;
    return b;
}
/* Terminates the text (truncated when it did not fit); returns the length it needed. */
static size_t axws__text_end(const axws__buf *b, size_t cap) {
    if (cap) b->p[b->len < b->cap ? b->len : b->cap] = 0;
    return b->len;
}

#ifndef AXWS_NO_SOCKETS /* the socket driver's and the Axiom client's texts */
static size_t axws__fmt(char *out, size_t cap, const char *fmt, ...) {
    va_list ap;
    axws__buf b = axws__text_buf(out, cap);
    va_start(ap, fmt);
    axws__put_fmtv(&b, fmt, ap);
    va_end(ap);
    return axws__text_end(&b, cap);
}
#endif

/* The system's text for an errno value, or "" in builds without it. */
static const char *axws__errno_text(int e) {
#ifdef AXWS_NO_STDIO
    (void)e;
    return "";
#else
    return e ? strerror(e) : "";
#endif
}
/* <<util */

#ifndef AXWS_NO_DEFLATE
/* permessage-deflate's hooks (>>deflate), reached through cfg.deflate.ops, which only
   axws_deflate_enable() sets: a program that never enables it links none of them. */
struct axws__deflate_ops {
    void (*offer)(axws_conn *c, void *request);  /* the offer's header line (an axws__buf) */
    int (*negotiate)(axws_conn *c);              /* the 101's extensions: 0, or -1 (failed) */
    void (*begin)(axws_conn *c);                 /* a compressed message starts */
    int (*data)(axws_conn *c, const uint8_t *d, size_t n, int msg_end); /* its payload */
    const char *(*why)(const axws_conn *c);      /* invalid data: the inflate's reason */
};
#endif

/* >>frame */
static void axws__frame_emit(axws_conn *c, axws_event *ev) {
    ev->now_ms = c->now;
    if (c->cfg.on_event) c->cfg.on_event(c, ev, c->cfg.user);
}

static void axws__frame_log(axws_conn *c, const char *text) {
    if (c->cfg.log) c->cfg.log(c->cfg.log_user, text);
}

/* End the connection: release the transport, become CLOSED, then (when `notify`) deliver the
   CLOSE event last, so the callback may start a new connection on the same object. */
static void axws__frame_finish(axws_conn *c, int notify) {
    axws_event ev;
    if (c->state == AXWS_STATE_CLOSED) return;
    if (!c->close_rcvd) c->close_code = AXWS_CLOSE_ABNORMAL;
    if (c->release) c->release(c); /* the transport lets go (the socket driver closes) */
    c->state = AXWS_STATE_CLOSED;
    c->hs_valid = 0;
    c->deadline = 0;
    if (!notify) return;
    memset(&ev, 0, sizeof ev);
    ev.type = AXWS_EV_CLOSE;
    ev.close_code = c->close_code;
    ev.data = c->close_reason_len ? c->ctl + 2 : NULL;
    ev.len = c->close_reason_len;
    ev.error = c->error;
    axws__frame_emit(c, &ev);
}

/* ---- the output queue */

/* Room for `need` contiguous bytes at the tail of tx_buf, compacting when that helps. */
static uint8_t *axws__frame_tx_reserve(axws_conn *c, size_t need) {
    uint8_t *tx = (uint8_t *)c->cfg.tx_buf;
    if (c->tx_head == c->tx_tail && !c->hs_valid) c->tx_head = c->tx_tail = 0;
    if (need > c->cfg.tx_size) return NULL;
    if (c->cfg.tx_size - c->tx_tail < need) {
        /* the upgrade response must stay readable during the OPEN callback */
        if (c->hs_valid || c->tx_tail - c->tx_head + need > c->cfg.tx_size) return NULL;
        memmove(tx, tx + c->tx_head, c->tx_tail - c->tx_head);
        c->tx_tail -= c->tx_head;
        c->tx_head = 0;
    }
    return tx + c->tx_tail;
}

static size_t axws__frame_tx_header_size(size_t len) {
    return 2 + 4 + (len < 126 ? 0 : len <= 0xFFFF ? 2 : 8);
}

/* Queue one frame, masked with a fresh key (RFC 6455 5.3), or nothing at all. */
static int axws__frame_queue(axws_conn *c, int b0, const void *data, size_t len) {
    size_t hl = axws__frame_tx_header_size(len);
    uint8_t *p;
    if (len > c->cfg.tx_size || hl + len > c->cfg.tx_size) return AXWS_ETOOBIG; /* never fits */
    p = axws__frame_tx_reserve(c, hl + len);
    if (!p) return AXWS_EWOULDBLOCK;
    p[0] = (uint8_t)b0;
    if (len < 126) {
        p[1] = (uint8_t)(0x80 | len);
    } else if (len <= 0xFFFF) {
        p[1] = 0x80 | 126;
        p[2] = (uint8_t)(len >> 8); p[3] = (uint8_t)len;
    } else {
        uint64_t l = (uint64_t)len;
        int i;
        p[1] = 0x80 | 127;
        for (i = 0; i < 8; i++) p[2 + i] = (uint8_t)(l >> (56 - 8 * i));
    }
    if (axws__random(c, p + hl - 4, 4) != AXWS_OK) return AXWS_ENORANDOM;
    if (len) axws__mask_copy(p + hl, (const uint8_t *)data, len, p + hl - 4);
    c->tx_tail += hl + len;
    return AXWS_OK;
}

static int axws__frame_queue_close(axws_conn *c, int code, const void *reason, size_t len) {
    uint8_t payload[125];
    payload[0] = (uint8_t)(code >> 8);
    payload[1] = (uint8_t)code;
    if (len) memcpy(payload + 2, reason, len);
    return axws__frame_queue(c, 0x80 | AXWS_OP_CLOSE, payload, len + 2);
}

/* RFC 6455 7.4: codes a peer may put on the wire. */
static int axws__frame_close_code_valid(int code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

static void axws__frame_maybe_finish(axws_conn *c);

/* cfg.log hears of a failure with the whole description (axws_describe). The sans-IO core
   and the lwIP port log the error's text alone: there the describer (about 1.5 KB of flash,
   0.6 KB of stack on this path) is linked only when the program calls it. */
static void axws__frame_log_failure(axws_conn *c) {
    if (!c->cfg.log) return;
#if defined(AXWS_NO_SOCKETS) || defined(AXWS_PORT_LWIP)
    axws__frame_log(c, axws_strerror(c->error));
#else
    {
        char text[AXWS_DESCRIBE_MAX];
        axws_describe(c, text, sizeof text);
        axws__frame_log(c, text);
    }
#endif
}

/* Fail the connection (RFC 6455 7.1.7): keep the first error, tell the program, send a
   close frame with `code` when the connection is open, then close TCP as soon as it is
   written (without waiting for the broken peer's answer). */
static void axws__frame_fail_close(axws_conn *c, int err, int code, int sys_errno) {
    axws_event ev;
    unsigned gen = c->gen;
    if (c->error || c->state == AXWS_STATE_CLOSED) return;
    c->error = err;
    c->sys_errno = sys_errno;
    c->fail_state = (uint8_t)c->state;
    memset(&ev, 0, sizeof ev);
    ev.type = AXWS_EV_ERROR;
    ev.error = err;
    axws__frame_log_failure(c);
    axws__frame_emit(c, &ev);
    if (c->gen != gen || c->state == AXWS_STATE_CLOSED) return; /* the callback ended it */
    c->finish_on_flush = 1;
    c->in_frame = 0;
    if (code && !c->sent_close && !c->eof && (c->state == AXWS_STATE_OPEN || c->state == AXWS_STATE_CLOSING)) {
        /* RFC 6455 7.1.7: the close frame goes out after what is queued; when tx_buf is full
           it waits for room (axws_output_ack), bounded by the close timeout, so that the
           frames on the wire do not depend on how the input was split */
        if (axws__frame_queue_close(c, code, NULL, 0) == AXWS_OK) c->sent_close = code;
        else c->close_pending = code;
        c->state = AXWS_STATE_CLOSING;
        c->deadline = c->now + c->cfg.close_timeout_ms;
        axws__frame_maybe_finish(c);
        return;
    }
    axws__frame_finish(c, 1);
}

/* The transport failed or the program must hear of a failure before any close frame. */
static int axws__frame_fail(axws_conn *c, int err, int sys_errno) {
    axws__frame_fail_close(c, err, 0, sys_errno);
    return err;
}

/* CLOSING ends when our close is written and either we are failing, or both closes are
   exchanged and the server ended TCP (RFC 6455 7.1.1: the server closes first). */
static void axws__frame_maybe_finish(axws_conn *c) {
    if (c->state != AXWS_STATE_CLOSING || c->tx_head != c->tx_tail || c->close_pending) return;
    if (c->finish_on_flush || (c->close_rcvd && c->sent_close && c->eof)) axws__frame_finish(c, 1);
}

/* ---- received control frames */

/* Queue the reply a control frame needs, then tell the program. Returns -1 when tx_buf
   has no room yet (the frame stays pending and input is not consumed further). */

#ifndef AXWS_NO_STATS
/* An empty pong while the keepalive ping (empty too) is awaited answers it: its round
   trip, smoothed as TCP does (RFC 6298 2: 7/8 of the old plus 1/8 of the new). Pongs with a
   payload answer the program's own pings and are not timed. */
static void axws__frame_pong_rtt(axws_conn *c) {
    int32_t rtt = (int32_t)(c->now - c->ping_out); /* under dead_peer_ms: the peer answered */
    if (!c->ping_out || c->ctl_len) return;
    c->rtt = rtt;
    c->srtt = c->srtt < 0 ? rtt : c->srtt + (rtt - c->srtt) / 8;
    c->ping_out = 0;
}
#else
#define axws__frame_pong_rtt(c) ((void)0)
#endif

/* A ping or pong to the program, its payload with it. */
static int axws__frame_emit_control(axws_conn *c, int type) {
    axws_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = (axws_event_type)type;
    ev.data = c->ctl_len ? c->ctl : NULL;
    ev.len = c->ctl_len;
    axws__frame_emit(c, &ev);
    return 0;
}

/* The peer's close frame: its code and UTF-8 reason checked (RFC 6455 5.5.1, 7.4) and
   echoed. Returns 0, or -1 when the echo must wait for room in tx_buf. */
static int axws__frame_close_received(axws_conn *c) {
    unsigned gen = c->gen;
    if (!c->close_rcvd) {
        int code = AXWS_CLOSE_NO_STATUS;
        if (c->ctl_len >= 2) {
            uint32_t st = AXWS__UTF8_ACCEPT;
            code = c->ctl[0] << 8 | c->ctl[1];
            if (!axws__frame_close_code_valid(code)) {
                axws__frame_fail_close(c, AXWS_EPROTO, AXWS_CLOSE_PROTOCOL, 0);
                return 0;
            }
            /* RFC 6455 5.5.1: the reason is UTF-8 */
            if (axws__utf8_scan(&st, c->ctl + 2, c->ctl_len - 2u) != 0 || st != AXWS__UTF8_ACCEPT) {
                axws__frame_fail_close(c, AXWS_EUTF8, AXWS_CLOSE_INVALID_DATA, 0);
                return 0;
            }
            c->close_reason_len = (uint8_t)(c->ctl_len - 2);
        }
        c->close_rcvd = 1;
        c->close_code = code;
    }
    if (!c->sent_close) {
        /* RFC 6455 5.5.1: echo the peer's status code; 1000 when it sent none */
        int reply = c->close_code == AXWS_CLOSE_NO_STATUS ? AXWS_CLOSE_NORMAL : c->close_code;
        if (axws__frame_queue_close(c, reply, NULL, 0) != AXWS_OK) {
            c->reply_pending = 1;
            return -1;
        }
        c->sent_close = reply;
        c->state = AXWS_STATE_CLOSING;
        c->deadline = c->now + c->cfg.close_timeout_ms;
    }
    c->reply_pending = 0;
    if (c->gen == gen) axws__frame_maybe_finish(c);
    return 0;
}


static int axws__frame_finish_control(axws_conn *c) {
    if (c->fr_opcode == AXWS_OP_PING) {
        /* RFC 6455 5.5.2: a pong carries the ping's payload; none once we sent a close */
        if (!c->sent_close &&
            axws__frame_queue(c, 0x80 | AXWS_OP_PONG, c->ctl, c->ctl_len) != AXWS_OK) {
            c->reply_pending = 1;
            return -1;
        }
        c->reply_pending = 0;
        return axws__frame_emit_control(c, AXWS_EV_PING);
    }
    if (c->fr_opcode == AXWS_OP_PONG) {
        axws__frame_pong_rtt(c);
        return axws__frame_emit_control(c, AXWS_EV_PONG);
    }
    return axws__frame_close_received(c);
}

/* ---- frame headers */

static size_t axws__frame_rx_header_size(uint8_t b1) {
    uint8_t l7 = b1 & 0x7F;
    return l7 == 126 ? 4 : l7 == 127 ? 10 : 2;
}

/* The checks the first two bytes allow (RFC 6455 5.2, 5.4, 5.5). Returns 0 or fails. */
static int axws__frame_check_start(axws_conn *c, uint8_t b0, uint8_t b1) {
    int op = b0 & 0x0F, fin = b0 >> 7, l7 = b1 & 0x7F;
    /* 5.2: RSV1-3 must be 0 unless an extension says otherwise */
#ifndef AXWS_NO_DEFLATE
    /* RFC 7692 6: permessage-deflate gives RSV1 a meaning on a message's first frame only:
       never on a continuation (6.1) or a control frame (6.1: they are not compressed) */
    if ((b0 & 0x30) || ((b0 & 0x40) && (!c->deflate_on || op == AXWS_OP_CONT || op >= 8))) goto proto;
#else
    if (b0 & 0x70) goto proto;
#endif
    /* 5.2: opcodes 3-7 and 0xB-0xF are reserved */
    if ((op >= 3 && op <= 7) || op >= 0xB) goto proto;
    /* 5.1: a server must not mask frames it sends */
    if (b1 & 0x80) goto proto;
    if (op >= 8) {
        /* 5.5: control frames are at most 125 bytes and never fragmented */
        if (!fin || l7 > 125) goto proto;
        /* 5.5.1: a close body is empty or starts with a 2-byte code */
        if (op == AXWS_OP_CLOSE && l7 == 1) goto proto;
    } else if (op == AXWS_OP_CONT) {
        if (!c->msg_opcode) goto proto; /* 5.4: continuation without a start */
    } else if (c->msg_opcode) {
        goto proto; /* 5.4: a new message inside a fragmented one */
    }
    return 0;
proto:
    axws__frame_fail_close(c, AXWS_EPROTO, AXWS_CLOSE_PROTOCOL, 0);
    return -1;
}

/* A complete header h (2, 4 or 10 bytes). Returns 0 or fails. */
static int axws__frame_begin(axws_conn *c, const uint8_t *h) {
    uint64_t len = h[1] & 0x7F;
    int op = h[0] & 0x0F;
    if (axws__frame_check_start(c, h[0], h[1])) return -1;
    if (len == 126) {
        len = (uint64_t)h[2] << 8 | h[3];
        if (len < 126) goto proto; /* 5.2: the minimal length encoding MUST be used */
    } else if (len == 127) {
        int i;
        len = 0;
        for (i = 0; i < 8; i++) len = len << 8 | h[2 + i];
        if (len >> 63) goto proto; /* 5.2: the most significant bit MUST be 0 */
        if (len <= 0xFFFF) goto proto;
    }
    c->fr_opcode = (uint8_t)op;
    c->fr_fin = (uint8_t)(h[0] >> 7);
    c->fr_left = len;
    c->in_frame = 1;
    if (op >= 8) {
        c->ctl_len = 0;
        return 0;
    }
    if (op != AXWS_OP_CONT) {
        c->msg_opcode = op;
        c->msg_len = 0;
        c->utf8_state = AXWS__UTF8_ACCEPT;
#ifndef AXWS_NO_DEFLATE
        c->msg_deflate = (uint8_t)(h[0] >> 6 & 1);
        if (c->msg_deflate) c->cfg.deflate.ops->begin(c);
#endif
    }
#ifndef AXWS_NO_DEFLATE
    if (c->msg_deflate) return 0; /* the inflated size is what counts: checked as it grows */
#endif
    if (c->cfg.msg_buf && len > (uint64_t)c->cfg.msg_size - c->msg_len) {
        /* 7.4.1: 1009, the message is too big to process */
        axws__frame_fail_close(c, AXWS_ETOOBIG, AXWS_CLOSE_TOO_BIG, 0);
        return -1;
    }
    return 0;
proto:
    axws__frame_fail_close(c, AXWS_EPROTO, AXWS_CLOSE_PROTOCOL, 0);
    return -1;
}

/* Consume header bytes from p[0..n): in place when the whole header is there, else
   gathered in c->hdr. Returns the bytes consumed. */
static size_t axws__frame_read_header(axws_conn *c, const uint8_t *p, size_t n) {
    size_t used = 0, need;
    if (c->hdr_have == 0 && n >= 2) {
        need = axws__frame_rx_header_size(p[1]);
        if (n >= need) {
            axws__frame_begin(c, p);
            return need;
        }
    }
    while (used < n) {
        c->hdr[c->hdr_have++] = p[used++];
        if (c->hdr_have >= 2 && c->hdr_have == axws__frame_rx_header_size(c->hdr[1])) break;
    }
    if (c->hdr_have < 2) return used;
    need = axws__frame_rx_header_size(c->hdr[1]);
    if (c->hdr_have < need) {
        axws__frame_check_start(c, c->hdr[0], c->hdr[1]); /* fail early, before the length */
        return used;
    }
    c->hdr_have = 0;
    axws__frame_begin(c, c->hdr);
    return used;
}

/* Payload bytes of the current data frame. Returns 0, or -1 when the connection failed. */
static int axws__frame_data(axws_conn *c, const uint8_t *d, size_t take) {
    int msg_end;
    axws_event ev;
    c->fr_left -= take;
    msg_end = c->fr_left == 0 && c->fr_fin;
#ifndef AXWS_NO_DEFLATE
    if (c->msg_deflate) {
        if (c->fr_left == 0) c->in_frame = 0;
        return c->cfg.deflate.ops->data(c, d, take, msg_end);
    }
#endif
    if (c->msg_opcode == AXWS_OP_TEXT) {
        /* RFC 6455 8.1: fail on invalid UTF-8 at once, not at the end of the message */
        if (axws__utf8_scan(&c->utf8_state, d, take) != 0 ||
            (msg_end && c->utf8_state != AXWS__UTF8_ACCEPT)) {
            axws__frame_fail_close(c, AXWS_EUTF8, AXWS_CLOSE_INVALID_DATA, 0);
            return -1;
        }
    }
    if (c->fr_left == 0) c->in_frame = 0;
    memset(&ev, 0, sizeof ev);
    ev.opcode = c->msg_opcode;
    if (c->cfg.msg_buf) {
        uint8_t *m = (uint8_t *)c->cfg.msg_buf;
        if (take) memcpy(m + c->msg_len, d, take);
        c->msg_len += take;
        if (!msg_end) return 0;
        ev.type = AXWS_EV_MESSAGE;
        ev.data = m;
        ev.len = (size_t)c->msg_len;
    } else {
        if (!take && !msg_end) return 0;
        ev.type = AXWS_EV_CHUNK;
        ev.data = take ? d : NULL;
        ev.len = take;
        ev.offset = c->msg_len;
        ev.fin = msg_end;
        c->msg_len += take;
    }
    if (msg_end) c->msg_opcode = 0;
    axws__frame_emit(c, &ev);
    return 0;
}

static size_t axws__http_feed_answer(axws_conn *c, const uint8_t *p, size_t n);

/* The common case in one step: a whole unfragmented text or binary frame with a 7-bit
   length, all of it in p[0..n). Returns the bytes it took, or 0 to leave the frame to the
   general path (which also diagnoses everything unusual). */
static size_t axws__frame_small(axws_conn *c, const uint8_t *p, size_t n) {
    uint8_t b0 = p[0], b1 = p[1];
    size_t len = b1;
    int op = b0 & 0x0F;
    axws_event ev;
    /* FIN set, RSV clear, TEXT or BINARY, unmasked, length < 126, nothing in progress */
    if ((b0 & 0xF0) != 0x80 || (op != AXWS_OP_TEXT && op != AXWS_OP_BINARY) || b1 >= 126 ||
        c->msg_opcode || n < 2 + len)
        return 0;
    if (op == AXWS_OP_TEXT) {
        /* short ASCII text is checked a word at a time right here */
        uint64_t hi = 0;
        size_t k = 0;
        for (; k + 8 <= len; k += 8) hi |= axws__load64(p + 2 + k);
        for (; k < len; k++) hi |= p[2 + k];
        if (hi & 0x8080808080808080ull) {
            uint32_t st = AXWS__UTF8_ACCEPT;
            if (axws__utf8_scan(&st, p + 2, len) != 0 || st != AXWS__UTF8_ACCEPT) return 0;
        }
    }
    ev.type = AXWS_EV_CHUNK;
    ev.opcode = op;
    ev.data = len ? p + 2 : NULL;
    ev.len = len;
    ev.offset = 0;
    ev.fin = 1;
    ev.close_code = 0;
    ev.error = 0;
    ev.status = 0;
    if (c->cfg.msg_buf) {
        if (len > c->cfg.msg_size) return 0;
        if (len) memcpy(c->cfg.msg_buf, p + 2, len);
        ev.type = AXWS_EV_MESSAGE;
        ev.data = len ? (const uint8_t *)c->cfg.msg_buf : NULL;
    }
    axws__frame_emit(c, &ev);
    return 2 + len;
}

AXWS__DEF size_t axws_feed(axws_conn *c, const void *data, size_t len, int64_t now_ms) {
    const uint8_t *p = (const uint8_t *)data;
    size_t i = 0;
    unsigned gen = c->gen;
    AXWS_ASSERT(c != NULL);
    c->now = now_ms;
    if (c->reply_pending && axws__frame_finish_control(c) != 0) return 0;
    while (c->gen == gen && (i < len || (c->in_frame && c->fr_left == 0))) {
        if (c->state == AXWS_STATE_CLOSED || c->state < AXWS_STATE_HANDSHAKE || c->input_paused) break;
        if (c->finish_on_flush || c->close_rcvd) {
            i = len; /* RFC 6455 5.5.1: nothing after a close (or a failure) is processed */
            break;
        }
        if (c->state == AXWS_STATE_HANDSHAKE) {
            size_t used = axws__http_feed_answer(c, p + i, len - i);
            if (!used) break;
            i += used;
            continue;
        }
        if (!c->in_frame) {
            size_t used = 0;
            if (!AXWS__SMALL && c->hdr_have == 0 && len - i >= 2) used = axws__frame_small(c, p + i, len - i);
            i += used ? used : axws__frame_read_header(c, p + i, len - i);
            continue;
        }
        {
            size_t avail = len - i;
            size_t take = c->fr_left < avail ? (size_t)c->fr_left : avail;
            if (c->fr_opcode >= 8) {
                memcpy(c->ctl + c->ctl_len, p + i, take);
                c->ctl_len = (uint8_t)(c->ctl_len + take);
                c->fr_left -= take;
                i += take;
                if (c->fr_left) continue;
                c->in_frame = 0;
                if (axws__frame_finish_control(c) != 0) break; /* back-pressure */
            } else {
                if (axws__frame_data(c, p + i, take) != 0) { i = len; break; }
                i += take;
            }
        }
    }
    /* received means consumed: bytes a driver offers again and again while input is
       stalled say nothing about the peer being alive (the dead-peer timer) */
    if (i && c->gen == gen) c->last_rx = now_ms;
    return i;
}

AXWS__DEF void axws_feed_eof(axws_conn *c, int64_t now_ms) {
    AXWS_ASSERT(c != NULL);
    c->now = now_ms;
    c->eof = 1;
    if (c->state == AXWS_STATE_CLOSED) return;
    if (c->finish_on_flush || (c->state == AXWS_STATE_CLOSING && c->close_rcvd)) {
        axws__frame_finish(c, 1);
        return;
    }
    /* RFC 6455 7.1.5: closed without a close frame is 1006, abnormal */
    axws__frame_fail(c, AXWS_ECLOSED, 0);
}

AXWS__DEF const uint8_t *axws_output(const axws_conn *c, size_t *len) {
    AXWS_ASSERT(c != NULL && len != NULL);
    *len = c->tx_tail - c->tx_head;
    if (c->state == AXWS_STATE_CLOSED || !*len) {
        *len = 0;
        return NULL;
    }
    return (const uint8_t *)c->cfg.tx_buf + c->tx_head;
}

AXWS__DEF void axws_output_ack(axws_conn *c, size_t n) {
    AXWS_ASSERT(c != NULL && n <= c->tx_tail - c->tx_head);
    c->tx_head += n;
    if (n) c->tx_stall = c->tx_head == c->tx_tail ? 0 : c->now; /* the peer reads: the clock starts over */
    if (c->tx_head == c->tx_tail && !c->hs_valid) c->tx_head = c->tx_tail = 0;
    if (c->reply_pending) axws__frame_finish_control(c);
    /* RFC 6455 5.5.1: one close frame. The reply to the peer's close, pending as well, may
       have gone out just above: then the failing connection's own is not sent at all. */
    if (c->close_pending && (c->sent_close || axws__frame_queue_close(c, c->close_pending, NULL, 0) == AXWS_OK)) {
        if (!c->sent_close) c->sent_close = c->close_pending; /* the failing connection's, at last */
        c->close_pending = 0;
    }
    axws__frame_maybe_finish(c);
}

AXWS__DEF size_t axws_tx_free(const axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    if (c->hs_valid) return c->cfg.tx_size - c->tx_tail;
    return c->cfg.tx_size - (c->tx_tail - c->tx_head);
}

static int axws__frame_can_send(const axws_conn *c) {
    return c->state == AXWS_STATE_OPEN && !c->sent_close;
}

AXWS__DEF int axws_send(axws_conn *c, int opcode, const void *data, size_t len) {
    AXWS_ASSERT(c != NULL);
    if (opcode != AXWS_OP_TEXT && opcode != AXWS_OP_BINARY) return AXWS_EINVAL;
    if (!axws__frame_can_send(c) || c->tx_frag_open) return AXWS_ESTATE;
    return axws__frame_queue(c, 0x80 | opcode, data, len);
}

AXWS__DEF int axws_send_text(axws_conn *c, const char *text, size_t len) {
    return axws_send(c, AXWS_OP_TEXT, text, len);
}

AXWS__DEF int axws_send_binary(axws_conn *c, const void *data, size_t len) {
    return axws_send(c, AXWS_OP_BINARY, data, len);
}

AXWS__DEF int axws_send_fragment(axws_conn *c, int opcode, const void *data, size_t len, int fin) {
    int r;
    AXWS_ASSERT(c != NULL);
    if (!axws__frame_can_send(c)) return AXWS_ESTATE;
    if (c->tx_frag_open ? opcode != AXWS_OP_CONT
                        : (opcode != AXWS_OP_TEXT && opcode != AXWS_OP_BINARY))
        return AXWS_EINVAL;
    r = axws__frame_queue(c, (fin ? 0x80 : 0) | opcode, data, len);
    if (r == AXWS_OK) c->tx_frag_open = !fin;
    return r;
}

AXWS__DEF int axws_ping(axws_conn *c, const void *data, size_t len) {
    AXWS_ASSERT(c != NULL);
    if (len > 125) return AXWS_EINVAL;
    if (!axws__frame_can_send(c)) return AXWS_ESTATE;
    return axws__frame_queue(c, 0x80 | AXWS_OP_PING, data, len);
}
/* <<frame */

/* >>http */
static int axws__http_is_tchar(int ch) { /* RFC 7230 3.2.6 token characters */
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

/* RFC 3986: no spaces, controls or raw non-ASCII anywhere in a URL. */
static int axws__http_url_chars_ok(const char *s) {
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7F) return 0;
    return 1;
}

/* The host and port of a URL's authority (RFC 3986 3.2.2, 3.2.3), for the server's URL and
   the proxy's alike. */
typedef struct axws__http_authority {
    const char *host; /* points into the URL */
    size_t host_len;
    int port;         /* 0: none given */
    int ipv6;         /* the host was an IPv6 literal in brackets (host: without them) */
} axws__http_authority;

/* s[0..end): an IPv6 literal in brackets (its address is the caller's to check: it needs
   a terminated copy), or a name of letters, digits, '-', '.', '_' and '~' (1-253 bytes;
   '@' is refused here), then ":port" (1-65535) or nothing. Returns 0, or AXWS_EURL. */
static int axws__http_parse_authority(const char *s, const char *end, axws__http_authority *out) {
    const char *e;
    long port = 0;
    memset(out, 0, sizeof *out);
    if (*s == '[') {
        e = (const char *)memchr(s, ']', (size_t)(end - s));
        if (!e) return AXWS_EURL;
        out->host = s + 1;
        out->host_len = (size_t)(e - out->host);
        out->ipv6 = 1;
        e++;
    } else {
        for (e = s; e < end && *e != ':'; e++) {
            int ch = (unsigned char)*e;
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                  ch == '.' || ch == '_' || ch == '~'))
                return AXWS_EURL;
        }
        out->host = s;
        out->host_len = (size_t)(e - s);
    }
    if (out->host_len == 0 || out->host_len > 253) return AXWS_EURL;
    if (e == end) return AXWS_OK;
    if (*e++ != ':' || e == end) return AXWS_EURL;
    for (; e < end; e++)
        if (*e < '0' || *e > '9' || (port = port * 10 + (*e - '0')) > 65535) return AXWS_EURL;
    if (!port) return AXWS_EURL;
    out->port = (int)port;
    return AXWS_OK;
}

static int axws__http_parse_url(const char *url, axws_url *out, char *storage, size_t storage_size,
                           int allow_http) {
    const char *p, *rest;
    axws__http_authority au;
    size_t plen;
    axws_addr a;
    AXWS_ASSERT(url != NULL && out != NULL && storage != NULL);
    memset(out, 0, sizeof *out);
    if (!axws__http_url_chars_ok(url)) return AXWS_EURL;
    if (axws__ieq(url, 5, "ws://") && url[4] == '/') {
        p = url + 5;
    } else if (axws__ieq(url, 6, "wss://") && url[5] == '/') {
        p = url + 6;
        out->secure = 1;
    } else if (allow_http && axws__ieq(url, 7, "http://") && url[6] == '/') {
        p = url + 7;
    } else if (allow_http && axws__ieq(url, 8, "https://") && url[7] == '/') {
        p = url + 8;
        out->secure = 1;
    } else {
        return AXWS_EURL;
    }
    for (rest = p; *rest && *rest != '/' && *rest != '?' && *rest != '#'; rest++) {}
    if (axws__http_parse_authority(p, rest, &au)) return AXWS_EURL; /* '@': credentials in the URL are refused */
    if (strchr(rest, '#')) return AXWS_EURL; /* RFC 6455 3: no fragment identifiers */
    plen = strlen(rest);
    if (au.host_len + 1 + plen + 2 > storage_size) return AXWS_ENOBUFS;
    memcpy(storage, au.host, au.host_len);
    storage[au.host_len] = 0;
    out->host = storage;
    storage += au.host_len + 1;
    if (*rest != '/') *storage++ = '/'; /* "ws://h?q" asks for "/?q" */
    memcpy(storage, rest, plen + 1);
    out->path = storage - (*rest != '/');
    out->port_explicit = au.port != 0;
    out->port = au.port ? au.port : out->secure ? 443 : 80;
    out->host_is_ipv6 = au.ipv6;
    out->host_is_ip = axws__parse_ip(out->host, &a) != 0; /* a name without brackets holds no ':' */
    return au.ipv6 && (!out->host_is_ip || a.family != 6) ? AXWS_EURL : AXWS_OK;
}

AXWS__DEF int axws_parse_url(const char *url, axws_url *out, char *storage, size_t storage_size) {
    return axws__http_parse_url(url, out, storage, storage_size, 0);
}

#ifndef AXWS_NO_PROXY
/* ---- proxy URLs (cfg.proxy), and the steps of a tunnel (the socket driver's >>proxy
   makes it; axws_describe() tells how far it got) */
enum { AXWS__PXK_NONE, AXWS__PXK_HTTP, AXWS__PXK_SOCKS5, AXWS__PXK_SOCKS5H };
enum {
    AXWS__PX_NONE,        /* direct, or not started */
    AXWS__PX_RESOLVE,     /* resolving the proxy's name */
    AXWS__PX_TARGET,      /* socks5://: resolving the server's name here */
    AXWS__PX_TCP,         /* TCP to the proxy */
    AXWS__PX_HTTP_SEND,   /* writing CONNECT */
    AXWS__PX_HTTP_STATUS, /* reading the status line */
    AXWS__PX_HTTP_HEAD,   /* reading header lines up to the empty one */
    AXWS__PX_HTTP_SKIP,   /* inside a header line longer than the read window */
    AXWS__PX_S5_GREET,    /* writing the methods offered (RFC 1928 3) */
    AXWS__PX_S5_METHOD,   /* reading the method chosen */
    AXWS__PX_S5_AUTH,     /* writing user and password (RFC 1929 2) */
    AXWS__PX_S5_AUTH_OK,  /* reading the verdict */
    AXWS__PX_S5_CONNECT,  /* writing the CONNECT request (RFC 1928 4) */
    AXWS__PX_S5_REPLY,    /* reading the reply (RFC 1928 6) */
    AXWS__PX_UP           /* the tunnel carries the server's bytes */
};
/* TCP to the proxy is up and its handshake is under way (the connection is CONNECTING). */
#define AXWS__PX_BUSY(c) ((c)->px_step > AXWS__PX_TCP && (c)->px_step < AXWS__PX_UP)

/* cfg.proxy, parsed in place: the pieces point into it, user and password still
   percent-encoded (user NULL: no credentials). */
typedef struct {
    int kind, port, ipv6;
    const char *host, *user, *pass;
    size_t host_len, user_len, pass_len;
} axws__http_proxy_url;

/* The length of s[0..n) with its %XX escapes decoded (RFC 3986 2.1), or (size_t)-1 when a
   '%' is not followed by two hex digits. */
static size_t axws__http_pct_len(const char *s, size_t n) {
    size_t i, len = 0;
    for (i = 0; i < n; i++, len++)
        if (s[i] == '%') {
            if (n - i < 3 || axws__hexval(s[i + 1]) < 0 || axws__hexval(s[i + 2]) < 0) return (size_t)-1;
            i += 2;
        }
    return len;
}

/* The next byte of a string axws__http_pct_len() accepted, decoded; *p moves past it. */
static uint8_t axws__http_pct_byte(const char **p) {
    const char *s = *p;
    if (*s != '%') {
        *p = s + 1;
        return (uint8_t)*s;
    }
    *p = s + 3;
    return (uint8_t)(axws__hexval(s[1]) << 4 | axws__hexval(s[2]));
}

/* [scheme://][user[:password]@]host[:port][/] with scheme http (also when absent, as
   curl), socks5 or socks5h (any case); the port defaults to 1080, as curl's does for
   every kind. The last '@' ends the credentials, so an unencoded '@' in a password works;
   they are 1-255 and 0-255 bytes once decoded (RFC 1929 2 has one length byte each), and
   an HTTP user name holds no ':' (RFC 7617 2). 0, or AXWS_EURL. */
/* The user and password of userinfo s[0..at) (percent-encoded, 255 bytes each at most
   decoded; an HTTP proxy's user name cannot hold ':', RFC 7617 2). */
static int axws__http_parse_proxy_user(axws__http_proxy_url *p, const char *s, const char *at) {
    const char *colon = (const char *)memchr(s, ':', (size_t)(at - s)), *u;
    size_t ul, pl;
    p->user = s;
    p->user_len = (size_t)((colon ? colon : at) - s);
    p->pass = colon ? colon + 1 : at;
    p->pass_len = (size_t)(at - p->pass);
    ul = axws__http_pct_len(p->user, p->user_len);
    pl = axws__http_pct_len(p->pass, p->pass_len);
    if (ul == 0 || ul > 255 || pl > 255) return AXWS_EURL; /* (size_t)-1 included */
    if (p->kind == AXWS__PXK_HTTP)
        for (u = p->user; u < p->user + p->user_len;)
            if (axws__http_pct_byte(&u) == ':') return AXWS_EURL;
    return AXWS_OK;
}

/* plain loops, not strstr/strcspn/strcmp: on a small target those cost more flash than the
   parser itself */
static int axws__http_parse_proxy(const char *s, axws__http_proxy_url *p) {
    const char *a, *end, *h, *at = NULL;
    axws__http_authority au;
    memset(p, 0, sizeof *p);
    if (!axws__http_url_chars_ok(s)) return AXWS_EURL;
    for (a = s; *a && !(a[0] == ':' && a[1] == '/' && a[2] == '/'); a++)
        if (*a == '/' || *a == '@') break; /* no scheme: a '/' or '@' comes before any "://" */
    if (*a != ':') {
        p->kind = AXWS__PXK_HTTP;
        a = s;
    } else {
        size_t sl = (size_t)(a - s);
        p->kind = axws__ieq(s, sl, "http") ? AXWS__PXK_HTTP : axws__ieq(s, sl, "socks5") ? AXWS__PXK_SOCKS5
                : axws__ieq(s, sl, "socks5h") ? AXWS__PXK_SOCKS5H : AXWS__PXK_NONE;
        if (!p->kind) return AXWS_EURL; /* https:// (TLS to the proxy), socks4: not spoken */
        a += 3;
    }
    end = a;
    while (*end && *end != '/' && *end != '?' && *end != '#') end++;
    if (*end && (end[0] != '/' || end[1])) return AXWS_EURL; /* a path means nothing to a proxy: "/" at most */
    for (h = a; h < end; h++)
        if (*h == '@') at = h;
    if (at && axws__http_parse_proxy_user(p, a, at)) return AXWS_EURL;
    if (axws__http_parse_authority(at ? at + 1 : a, end, &au)) return AXWS_EURL;
    if (au.ipv6) {
        char ip[48];
        axws_addr tmp;
        if (au.host_len >= sizeof ip) return AXWS_EURL;
        memcpy(ip, au.host, au.host_len);
        ip[au.host_len] = 0;
        if (!axws__parse_ip(ip, &tmp) || tmp.family != 6) return AXWS_EURL;
    }
    p->host = au.host;
    p->host_len = au.host_len;
    p->ipv6 = au.ipv6;
    p->port = au.port ? au.port : 1080;
    return AXWS_OK;
}
#else
#define AXWS__PX_BUSY(c) 0
#endif

/* ---- the upgrade request (RFC 6455 4.1) */

/* What axws_describe() adds to an error: X(name, text). The buffer entries name the
   buffer; their text is completed with its size and the size needed (fail_need). */
#define AXWS__DETAILS(X)                                                                    \
    X(AXWS__D_NONE, "")                                                                     \
    X(AXWS__D_URL_SCHEME, "a WebSocket URL starts with ws:// or wss://, as in ws://example.com:8080/path") \
    X(AXWS__D_URL_FORM, "the URL's host, port (1-65535) or a character in it is not valid")    \
    X(AXWS__D_HEADER, "cfg.headers, cfg.origin or cfg.subprotocols holds CR or LF, or a header line has no name") \
    X(AXWS__D_TIMEOUT, "a timeout in the configuration is negative")                       \
    X(AXWS__D_MSG_BUF, "cfg.msg_buf is set but cfg.msg_size is 0")                           \
    X(AXWS__D_EXT_NOT_OFFERED, "the server accepted an extension the client did not offer (Sec-WebSocket-Extensions)") \
    X(AXWS__D_DEFLATE_CONFIG, "cfg.deflate is set, but not by axws_deflate_enable() (state, window, window_bits 9..15)") \
    X(AXWS__D_EXT_TWICE, "the server's Sec-WebSocket-Extensions names permessage-deflate, or one of its parameters, twice") \
    X(AXWS__D_EXT_PARAM, "the server's permessage-deflate has a parameter the client cannot honour (unknown, malformed, or a value missing or out of range)") \
    X(AXWS__D_EXT_WINDOW, "the server's permessage-deflate window (server_max_window_bits) is larger than the one offered (cfg.deflate.window_bits), or it did not confirm the offer") \
    X(AXWS__D_DEFLATE_BIG, "the message inflates past its limit (cfg.msg_size, or cfg.deflate.max_message without msg_buf)") \
    X(AXWS__D_INFLATE, "the compressed data is invalid")                                   \
    X(AXWS__D_SPEAKS_TLS, "the server answered with TLS: use a wss:// URL")                 \
    X(AXWS__D_NOT_READING, "the peer stopped reading what we send")                        \
    AXWS__DETAILS_PROXY(X)                                                                  \
    X(AXWS__D_TX_BUF, "cfg.tx_buf")                                                         \
    X(AXWS__D_RX_BUF, "cfg.rx_buf")                                                         \
    X(AXWS__D_TLS_BUF, "the TLS buffer (cfg.tls_buf, else cfg.rx_buf)")
/* the proxy's (>>proxy), only where proxies are built in: a sans-IO describer is smaller */
#ifndef AXWS_NO_PROXY
#define AXWS__DETAILS_PROXY(X)                                                              \
    X(AXWS__D_PROXY_URL, "cfg.proxy is not [http:// | socks5:// | socks5h://][user[:password]@]host[:port] (no https:// or SOCKS4 proxy; user and password percent-encoded, 255 bytes at most)") \
    X(AXWS__D_PROXY_EOF, "the proxy closed the connection before it answered")              \
    X(AXWS__D_PROXY_ANSWER, "the proxy's answer does not follow its protocol (is it a proxy of that kind?)") \
    X(AXWS__D_PROXY_EARLY, "the proxy passed on bytes before the TLS handshake began, when the server cannot have spoken yet")
#else
#define AXWS__DETAILS_PROXY(X)
#endif
#define AXWS__DETAIL_ENUM(name, text) name,
enum { AXWS__DETAILS(AXWS__DETAIL_ENUM) AXWS__D_COUNT_ };
#undef AXWS__DETAIL_ENUM

/* A failure the call itself returns (a bad configuration or URL, a buffer too small), kept
   for axws_describe(); nothing is retried and no event fires. */
static int axws__http_setup_error(axws_conn *c, int err, int detail, size_t need) {
    c->error = err;
    c->fail_state = (uint8_t)c->state;
    c->fail_detail = (uint8_t)detail;
    c->fail_need = need > UINT32_MAX ? UINT32_MAX : (uint32_t)need;
    return err;
}


static int axws__http_has_crlf(const char *s) { return strpbrk(s, axws__crlf) != NULL; }

static void axws__put_uint(axws__buf *b, unsigned long v) {
    char tmp[24];
    size_t n = 0;
    do { tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10); v /= 10; } while (v);
    axws__put(b, tmp + sizeof tmp - n, n);
}

/* What to send: an upgrade (method NULL) or a plain HTTP request. */
typedef struct {
    const char *method;
    const char *const *headers;
    const void *body;
    size_t body_len;
} axws__request;

static int axws__http_headers_ok(const char *const *h) {
    for (; h && *h; h++) {
        const char *colon = strchr(*h, ':'), *q;
        if (axws__http_has_crlf(*h) || !colon || colon == *h) return 0;
        for (q = *h; q < colon; q++) if (!axws__http_is_tchar((unsigned char)*q)) return 0;
    }
    return 1;
}

static int axws__http_build_request(axws_conn *c, const axws_url *u, const axws__request *rq) {
    axws__buf b;
    const char *const *h = rq ? rq->headers : c->cfg.headers;
    b.p = (char *)c->cfg.tx_buf; b.len = 0; b.cap = c->cfg.tx_size;
    if ((c->cfg.origin && axws__http_has_crlf(c->cfg.origin)) ||
        (c->cfg.subprotocols && axws__http_has_crlf(c->cfg.subprotocols)) || !axws__http_headers_ok(h) ||
        (rq && (!rq->method || !*rq->method || axws__http_has_crlf(rq->method) || strchr(rq->method, ' '))))
        return axws__http_setup_error(c, AXWS_EINVAL, AXWS__D_HEADER, 0);
    axws__puts(&b, rq ? rq->method : "GET");
    axws__puts(&b, " ");
    axws__puts(&b, u->path);
    axws__puts(&b, " HTTP/1.1\r\nHost: ");
    if (u->host_is_ipv6) axws__puts(&b, "[");
    axws__puts(&b, u->host);
    if (u->host_is_ipv6) axws__puts(&b, "]");
    if (u->port != (u->secure ? 443 : 80)) { /* RFC 7230 5.4: the port only when not default */
        axws__puts(&b, ":");
        axws__put_uint(&b, (unsigned long)u->port);
    }
    axws__puts(&b, axws__crlf);
    if (!rq) {
        uint8_t key[16];
        char key64[32];
        /* RFC 6455 4.1: a random 16-byte value, base64 */
        if (axws__random(c, key, sizeof key) != AXWS_OK) return AXWS_ENORANDOM;
        axws__base64(key64, key, sizeof key);
        axws__accept_value(key64, c->accept);
        axws__puts(&b, "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
        axws__puts(&b, key64);
        axws__puts(&b, "\r\nSec-WebSocket-Version: 13\r\n");
        if (c->cfg.origin) {
            axws__puts(&b, "Origin: ");
            axws__puts(&b, c->cfg.origin);
            axws__puts(&b, axws__crlf);
        }
        if (c->cfg.subprotocols) {
            axws__puts(&b, "Sec-WebSocket-Protocol: ");
            axws__puts(&b, c->cfg.subprotocols);
            axws__puts(&b, axws__crlf);
        }
#ifndef AXWS_NO_DEFLATE
        if (c->cfg.deflate.ops) c->cfg.deflate.ops->offer(c, &b);
#endif
    } else {
        axws__puts(&b, "Connection: close\r\nContent-Length: ");
        axws__put_uint(&b, (unsigned long)rq->body_len);
        axws__puts(&b, axws__crlf);
    }
    for (; h && *h; h++) {
        axws__puts(&b, *h);
        axws__puts(&b, axws__crlf);
    }
    axws__puts(&b, axws__crlf);
    if (rq && rq->body_len) axws__put(&b, (const char *)rq->body, rq->body_len);
    if (b.len > b.cap) return axws__http_setup_error(c, AXWS_ENOBUFS, AXWS__D_TX_BUF, b.len);
    c->tx_head = 0;
    c->tx_tail = b.len;
    return AXWS_OK;
}

/* ---- the upgrade response (RFC 6455 4.2.2, 4.1 "the client MUST validate") */

static const char *axws__http_trim(const char *s, const char *e, size_t *len) {
    while (s < e && (*s == ' ' || *s == '\t')) s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
    *len = (size_t)(e - s);
    return s;
}

/* Is `token` one of the comma-separated elements of v[0..n)? Case-insensitive for HTTP
   tokens (Upgrade, Connection); exact for subprotocol names (RFC 6455 11.3.4). */
static int axws__http_has_token_cs(const char *v, size_t n, const char *token, int exact) {
    const char *e = v + n;
    while (v < e) {
        const char *comma = (const char *)memchr(v, ',', (size_t)(e - v));
        const char *end = comma ? comma : e;
        size_t tl;
        const char *t = axws__http_trim(v, end, &tl);
        if (exact ? (strlen(token) == tl && memcmp(t, token, tl) == 0) : axws__ieq(t, tl, token)) return 1;
        v = comma ? comma + 1 : e;
    }
    return 0;
}

static int axws__http_has_token(const char *v, size_t n, const char *token) {
    return axws__http_has_token_cs(v, n, token, 0);
}

/* Walk header lines of the response in r[0..n): calls back (name, value) for each.
   Returns 0, or -1 for a malformed line. */
typedef int (*axws__header_fn)(void *ctx, const char *name, size_t nlen, const char *val, size_t vlen);

static int axws__http_each_header(const char *r, size_t n, axws__header_fn fn, void *ctx) {
    const char *p = (const char *)memchr(r, '\n', n), *end = r + n;
    if (!p) return -1;
    p++; /* skip the status line */
    while (p < end) {
        const char *eol = (const char *)memchr(p, '\n', (size_t)(end - p)), *colon, *q;
        size_t vlen;
        const char *val;
        if (!eol || eol == p || eol[-1] != '\r') return -1;
        if (eol - p == 1) return 0; /* the empty line */
        if (*p == ' ' || *p == '\t') return -1; /* RFC 7230 3.2.4: obsolete line folding */
        colon = (const char *)memchr(p, ':', (size_t)(eol - p));
        if (!colon || colon == p) return -1;
        for (q = p; q < colon; q++) if (!axws__http_is_tchar((unsigned char)*q)) return -1;
        for (q = colon + 1; q < eol - 1; q++)
            if ((unsigned char)*q < 0x20 && *q != '\t') return -1;
        val = axws__http_trim(colon + 1, eol - 1, &vlen);
        if (fn(ctx, p, (size_t)(colon - p), val, vlen)) return 1;
        p = eol + 1;
    }
    return -1;
}

typedef struct {
    const axws_conn *c;
    int upgrade, connection, accept, accept_count, extensions, protocol_bad;
    const char *protocol; size_t protocol_len;
    const char *location; size_t location_len;
} axws__http_answer_check;

static int axws__http_answer_header(void *ctx, const char *name, size_t nlen, const char *v, size_t vlen) {
    axws__http_answer_check *k = (axws__http_answer_check *)ctx;
    if (axws__ieq(name, nlen, "upgrade")) k->upgrade |= axws__http_has_token(v, vlen, "websocket");
    else if (axws__ieq(name, nlen, "connection")) k->connection |= axws__http_has_token(v, vlen, "upgrade");
    else if (axws__ieq(name, nlen, "sec-websocket-accept")) {
        k->accept_count++;
        k->accept = vlen == strlen(k->c->accept) && memcmp(v, k->c->accept, vlen) == 0;
    } else if (axws__ieq(name, nlen, "sec-websocket-extensions")) {
        k->extensions |= vlen > 0;
    } else if (axws__ieq(name, nlen, "sec-websocket-protocol")) {
        if (k->protocol) k->protocol_bad = 1;
        k->protocol = v; k->protocol_len = vlen;
    } else if (axws__ieq(name, nlen, "location")) {
        k->location = v; k->location_len = vlen;
    }
    return 0;
}

static void axws__core_opened(axws_conn *c);
static void axws__core_http_answered(axws_conn *c);

/* The whole response head is in tx_buf[0..hs_len). */
/* The status line, HTTP/1.x SP 3DIGIT SP reason CRLF, of the answer r[0..n): its status
   (the reason's place kept for axws_http_reason()), or -1 when it is not one. */
static int axws__http_status_line(axws_conn *c, const char *r, size_t n) {
    const char *eol = (const char *)memchr(r, '\n', n);
    int status = 0, i;
    if (n < 13 || memcmp(r, "HTTP/1.", 7) != 0 || !(r[7] >= '0' && r[7] <= '9') || r[8] != ' ' ||
        !eol || eol[-1] != '\r' || eol - r < 13)
        return -1;
    for (i = 9; i < 12; i++) {
        if (r[i] < '0' || r[i] > '9') return -1;
        status = status * 10 + (r[i] - '0');
    }
    if (r[12] != ' ' && r[12] != '\r') return -1;
    for (i = 13; r + i < eol - 1; i++) /* RFC 7230 3.1.2: reason-phrase is HTAB, SP, VCHAR, obs-text */
        if (((unsigned char)r[i] < 0x20 && r[i] != '\t') || r[i] == 0x7F) return -1;
    if (r[12] == ' ') {
        c->hs_reason_off = 13;
        c->hs_reason_len = (size_t)(eol - 1 - (r + 13));
    }
    return status;
}

/* RFC 6455 4.1: the extensions and subprotocol a 101 names must be ones the client
   offered. Returns 0, or -1 after failing the connection. */
static int axws__http_check_offers(axws_conn *c, const axws__http_answer_check *k) {
    int offered;
    if (k->extensions) {
#ifndef AXWS_NO_DEFLATE
        if (c->cfg.deflate.ops) {
            if (c->cfg.deflate.ops->negotiate(c) != 0) return -1; /* it failed the connection */
        } else
#endif
        {
            if (!c->error) c->fail_detail = AXWS__D_EXT_NOT_OFFERED;
            axws__frame_fail(c, AXWS_EHANDSHAKE, 0);
            return -1;
        }
    }
    if (!k->protocol) return 0;
    offered = c->cfg.subprotocols && k->protocol_len > 0 && k->protocol_len < sizeof c->phase.subprotocol &&
              !memchr(k->protocol, ',', k->protocol_len);
    if (offered) {
        memcpy(c->phase.subprotocol, k->protocol, k->protocol_len);
        c->phase.subprotocol[k->protocol_len] = 0;
        offered = axws__http_has_token_cs(c->cfg.subprotocols, strlen(c->cfg.subprotocols), c->phase.subprotocol, 1);
    }
    if (offered) return 0;
    c->phase.subprotocol[0] = 0;
    axws__frame_fail(c, AXWS_EHANDSHAKE, 0);
    return -1;
}

static void axws__http_parse_answer(axws_conn *c) {
    const char *r = (const char *)c->cfg.tx_buf;
    size_t n = c->hs_len;
    axws__http_answer_check k;
    int status, bad;
    c->phase.subprotocol[0] = 0; /* the union held the TLS certificate context until now */
    status = axws__http_status_line(c, r, n);
    if (status < 0) {
        axws__frame_fail(c, AXWS_EHANDSHAKE, 0);
        return;
    }
    c->http_status = status;
    memset(&k, 0, sizeof k);
    k.c = c;
    bad = axws__http_each_header(r, n, axws__http_answer_header, &k) != 0;
    if (c->http_mode) {
        if (bad) axws__frame_fail(c, AXWS_EHANDSHAKE, 0);
        else axws__core_http_answered(c);
        return;
    }
    if (status != 101) {
        if (k.location) {
            c->has_location = 1;
            c->hs_location_off = (size_t)(k.location - r);
            c->hs_location_len = k.location_len;
        }
        axws__frame_fail(c, AXWS_EHTTP, 0);
        return;
    }
    if (bad || r[7] != '1' || !k.upgrade || !k.connection || k.accept_count != 1 || !k.accept ||
        k.protocol_bad) {
        axws__frame_fail(c, AXWS_EHANDSHAKE, 0);
        return;
    }
    if (axws__http_check_offers(c, &k) == 0) axws__core_opened(c);
}

/* Gather the response head in tx_buf (idle now: the request has been written). Returns
   the bytes consumed; whatever follows the blank line is left for the frame parser. */
static size_t axws__http_feed_answer(axws_conn *c, const uint8_t *p, size_t n) {
    uint8_t *buf = (uint8_t *)c->cfg.tx_buf;
    size_t limit = c->cfg.max_handshake < c->cfg.tx_size ? c->cfg.max_handshake : c->cfg.tx_size;
    size_t i = 0;
    if (c->tx_head != c->tx_tail) return 0; /* the request is not fully written yet */
    if (c->hs_len == 0 && n > 0 && (p[0] == 0x15 || p[0] == 0x16)) {
        /* a TLS record (an alert or a handshake) instead of "HTTP/1.1": the port speaks TLS.
           Judged on the first byte alone, which can never start an HTTP answer, so that
           the verdict does not depend on how the bytes are split */
        if (!c->error) c->fail_detail = AXWS__D_SPEAKS_TLS;
        axws__frame_fail(c, AXWS_EHANDSHAKE, 0);
        return n;
    }
    while (i < n) {
        const uint8_t *nl = (const uint8_t *)memchr(p + i, '\n', n - i);
        size_t take = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
        if (take > limit - c->hs_len) {
            axws__frame_fail(c, AXWS_ETOOBIG, 0);
            return n;
        }
        memcpy(buf + c->hs_len, p + i, take);
        c->hs_len += take;
        i += take;
        if (nl && c->hs_len >= 4 && memcmp(buf + c->hs_len - 4, "\r\n\r\n", 4) == 0) {
            axws__http_parse_answer(c);
            return i;
        }
    }
    return i;
}

typedef struct { const char *name; int index; const char *val; size_t len; } axws__header_query;

static int axws__http_find_header(void *ctx, const char *name, size_t nlen, const char *v, size_t vlen) {
    axws__header_query *q = (axws__header_query *)ctx;
    if (!axws__ieq(name, nlen, q->name)) return 0;
    if (q->index-- > 0) return 0;
    q->val = v;
    q->len = vlen;
    return 1;
}

AXWS__DEF const char *axws_header(const axws_conn *c, const char *name, int index, size_t *len) {
    axws__header_query q;
    AXWS_ASSERT(c != NULL && name != NULL);
    if (len) *len = 0;
    /* readable during the OPEN/HTTP_RESPONSE callback, and after a refused upgrade */
    if (!(c->hs_valid || (c->state == AXWS_STATE_CLOSED && c->error == AXWS_EHTTP)) || index < 0)
        return NULL;
    q.name = name; q.index = index; q.val = NULL; q.len = 0;
    axws__http_each_header((const char *)c->cfg.tx_buf, c->hs_len, axws__http_find_header, &q);
    if (q.val && len) *len = q.len;
    return q.val;
}
/* <<http */

/* >>core: connection state, timers and the close handshake; no I/O */
AXWS__DEF void axws_config_init(axws_config *cfg) {
    AXWS_ASSERT(cfg != NULL);
    memset(cfg, 0, sizeof *cfg);
}

AXWS__DEF int axws_init_checked(axws_conn *c, const axws_config *cfg, uint32_t layout) {
    AXWS_ASSERT(c != NULL && cfg != NULL);
    if (layout != AXWS__LAYOUT_CONN) return AXWS_ELAYOUT; /* nothing of c is touched */
    memset(c, 0, sizeof *c);
#ifndef AXWS_NO_SOCKETS
    c->fd = -1;
#endif
    c->rnd_used = sizeof c->rnd; /* the pool starts empty */
    c->cfg = *cfg;
    if (!cfg->tx_buf || cfg->tx_size < AXWS_MIN_TX)
        return axws__http_setup_error(c, AXWS_ENOBUFS, AXWS__D_TX_BUF, AXWS_MIN_TX);
    if (cfg->msg_buf && !cfg->msg_size) return axws__http_setup_error(c, AXWS_EINVAL, AXWS__D_MSG_BUF, 0);
    if (cfg->rx_buf && cfg->rx_size < AXWS_MIN_RX)
        return axws__http_setup_error(c, AXWS_ENOBUFS, AXWS__D_RX_BUF, AXWS_MIN_RX);
    if (cfg->connect_timeout_ms < 0 || cfg->handshake_timeout_ms < 0 || cfg->close_timeout_ms < 0 ||
        cfg->keepalive_ms < 0 || cfg->dead_peer_ms < 0)
        return axws__http_setup_error(c, AXWS_EINVAL, AXWS__D_TIMEOUT, 0);
#ifndef AXWS_NO_DEFLATE
    /* the hooks come with axws_deflate_enable() (which checked the rest): buffers alone
       would not link the inflate */
    if ((cfg->deflate.state || cfg->deflate.window || cfg->deflate.window_bits || cfg->deflate.ops) &&
        (!cfg->deflate.ops || !cfg->deflate.state || !cfg->deflate.window || cfg->deflate.window_bits < 9 ||
         cfg->deflate.window_bits > 15))
        return axws__http_setup_error(c, AXWS_EINVAL, AXWS__D_DEFLATE_CONFIG, 0);
#endif
    if (!c->cfg.connect_timeout_ms) c->cfg.connect_timeout_ms = AXWS__DEFAULT_CONNECT_MS;
    if (!c->cfg.handshake_timeout_ms) c->cfg.handshake_timeout_ms = AXWS__DEFAULT_HANDSHAKE_MS;
    if (!c->cfg.close_timeout_ms) c->cfg.close_timeout_ms = AXWS__DEFAULT_CLOSE_MS;
    if (!c->cfg.max_handshake) c->cfg.max_handshake = AXWS__DEFAULT_MAX_HANDSHAKE;
    c->rtt = c->srtt = -1;
    return AXWS_OK;
}

/* Forget everything about the previous connection; keep the configuration, the random
   generator and the TLS layer's session cache. */
static void axws__core_reset(axws_conn *c) {
    c->gen++;
    c->state = AXWS_STATE_CLOSED;
    c->error = c->sys_errno = c->http_status = 0;
    c->read_again = 0;
    c->tx_stall = 0;
    c->fail_state = c->fail_detail = 0;
    c->fail_need = 0;
    c->close_code = c->sent_close = c->close_rcvd = c->finish_on_flush = c->eof = 0;
    c->release = NULL; /* a transport registers itself after the reset */
    c->rx_len = 0;
    c->deadline = c->last_rx = c->last_ping = c->ping_out = 0;
    c->rtt = c->srtt = -1;
    c->tx_head = c->tx_tail = 0;
    c->tx_frag_open = c->reply_pending = c->close_pending = 0;
    c->hs_len = 0;
    c->hs_valid = 0;
    c->input_paused = 0;
    c->hs_reason_off = c->hs_reason_len = c->hs_location_off = c->hs_location_len = 0;
    c->has_location = 0;
    c->http_mode = 0;
    c->phase.subprotocol[0] = 0;
    c->hdr_have = 0;
    c->in_frame = 0;
    c->fr_left = 0;
    c->msg_opcode = 0;
    c->msg_len = 0;
    c->utf8_state = AXWS__UTF8_ACCEPT;
    c->ctl_len = 0;
    c->close_reason_len = 0;
#ifndef AXWS_NO_DEFLATE
    c->deflate_on = c->deflate_fresh = c->msg_deflate = 0;
#endif
}

/* The 101 checked out: the connection is OPEN. The response stays readable in tx_buf
   (axws_header) for the OPEN callback; sends made there queue behind it. */
static void axws__core_opened(axws_conn *c) {
    axws_event ev;
    unsigned gen = c->gen;
    c->state = AXWS_STATE_OPEN;
    c->deadline = 0;
    c->last_rx = c->now;
    c->last_ping = c->now;
    c->tx_head = c->tx_tail = c->hs_len;
    c->hs_valid = 1;
    memset(&ev, 0, sizeof ev);
    ev.type = AXWS_EV_OPEN;
    axws__frame_emit(c, &ev);
    if (c->gen != gen) return;
    c->hs_valid = 0;
    if (c->tx_head == c->tx_tail) c->tx_head = c->tx_tail = 0;
}

static int axws__core_start_request(axws_conn *c, const axws_url *u, const axws__request *rq) {
    int r;
    size_t hl = strlen(u->host);
    if (hl >= sizeof c->phase.net.host) return axws__http_setup_error(c, AXWS_EURL, AXWS__D_URL_FORM, 0);
    memcpy(c->phase.net.host, u->host, hl + 1);
    r = axws__http_build_request(c, u, rq);
    c->http_mode = rq != NULL;
    return r;
}

AXWS__DEF int axws_start(axws_conn *c, const axws_url *url, int64_t now_ms) {
    int r;
    AXWS_ASSERT(c != NULL && url != NULL);
    if (c->state != AXWS_STATE_CLOSED) return AXWS_ESTATE;
    axws__core_reset(c);
    c->now = now_ms;
#ifndef AXWS_NO_SOCKETS
    c->port = 0; /* no socket driver: axws_describe() names no host or address */
#endif
    r = axws__core_start_request(c, url, NULL);
    if (r) return c->error ? r : axws__http_setup_error(c, r, 0, 0);
    c->state = AXWS_STATE_HANDSHAKE;
    c->deadline = now_ms + c->cfg.handshake_timeout_ms;
    return AXWS_OK;
}

/* axws_http_request: the response head is in; hand it over, then end quietly. */
static void axws__core_http_answered(axws_conn *c) {
    axws_event ev;
    unsigned gen = c->gen;
    c->hs_valid = 1;
    memset(&ev, 0, sizeof ev);
    ev.type = AXWS_EV_HTTP_RESPONSE;
    ev.status = c->http_status;
    axws__frame_emit(c, &ev);
    if (c->gen != gen) return;
    c->hs_valid = 0;
    c->close_rcvd = 1; /* not an abnormal end */
    c->close_code = 0;
    axws__frame_finish(c, 1);
}

static int64_t axws__core_ping_due(const axws_conn *c) { return c->last_ping + c->cfg.keepalive_ms; }

static int64_t axws__core_next_deadline(const axws_conn *c) {
    int64_t t = INT64_MAX;
    if (c->state == AXWS_STATE_CLOSED) return t;
    if (c->deadline) t = c->deadline;
#ifdef AXWS__READ_BATCH
    if (c->io_due && c->io_due < t) t = c->io_due;
#endif
    if (c->state == AXWS_STATE_OPEN) {
        if (c->cfg.keepalive_ms && axws__core_ping_due(c) < t) t = axws__core_ping_due(c);
        if (c->cfg.dead_peer_ms && c->last_rx + c->cfg.dead_peer_ms < t) t = c->last_rx + c->cfg.dead_peer_ms;
        if (c->cfg.dead_peer_ms && c->tx_stall && c->tx_stall + c->cfg.dead_peer_ms < t)
            t = c->tx_stall + c->cfg.dead_peer_ms;
    }
    return t;
}

AXWS__DEF int axws_timeout_ms(const axws_conn *c, int64_t now_ms) {
    int64_t t;
    AXWS_ASSERT(c != NULL);
    /* received bytes wait while the request is written: feeding them can progress now */
    if (c->rx_len && c->tx_head == c->tx_tail && c->state >= AXWS_STATE_HANDSHAKE && !c->input_paused) return 0;
    if (c->read_again == 1 && c->state != AXWS_STATE_CLOSED) return 0; /* more is waiting */
    t = axws__core_next_deadline(c);
    if (t == INT64_MAX) return -1;
    if (t <= now_ms) return 0;
    return t - now_ms > INT32_MAX ? INT32_MAX : (int)(t - now_ms);
}

AXWS__DEF void axws_tick(axws_conn *c, int64_t now_ms) {
    AXWS_ASSERT(c != NULL);
    c->now = now_ms;
    switch (c->state) {
    case AXWS_STATE_TLS: /* CONNECTING belongs to the transport (axws_step) */
    case AXWS_STATE_HANDSHAKE:
        if (c->deadline && now_ms >= c->deadline) axws__frame_fail(c, AXWS_ETIMEDOUT, ETIMEDOUT);
        break;
    case AXWS_STATE_OPEN:
        if (c->cfg.dead_peer_ms && now_ms - c->last_rx >= c->cfg.dead_peer_ms) {
            axws__frame_fail_close(c, AXWS_EDEADPEER, AXWS_CLOSE_GOING_AWAY, 0);
            break;
        }
        /* A peer that sends but never reads keeps last_rx fresh: output that waits
           dead_peer_ms with none of it taken is the same verdict (a slow link still takes
           some, which starts the clock over). */
        if (c->tx_head == c->tx_tail) c->tx_stall = 0;
        else if (!c->tx_stall) c->tx_stall = now_ms;
        if (c->cfg.dead_peer_ms && c->tx_stall && now_ms - c->tx_stall >= c->cfg.dead_peer_ms) {
            c->fail_detail = AXWS__D_NOT_READING;
            axws__frame_fail_close(c, AXWS_EDEADPEER, AXWS_CLOSE_GOING_AWAY, 0);
            break;
        }
        if (c->cfg.keepalive_ms && now_ms >= axws__core_ping_due(c)) {
            /* A ping that does not fit the queue now skips this beat: a deadline left in
               the past would make every timeout 0 (a busy loop); the dead-peer timer is
               what judges a peer that does not read. */
#ifndef AXWS_NO_STATS
            if (axws__frame_queue(c, 0x80 | AXWS_OP_PING, NULL, 0) == AXWS_OK) c->ping_out = now_ms;
#else
            (void)axws__frame_queue(c, 0x80 | AXWS_OP_PING, NULL, 0);
#endif
            c->last_ping = now_ms;
        }
        break;
    case AXWS_STATE_CLOSING:
        if (c->deadline && now_ms >= c->deadline) {
            unsigned gen = c->gen;
            /* the peer never answered our close: not a clean end. The ERROR or CLOSE
               callback may have connected again: then that connection is left alone. */
            if (!c->close_rcvd) axws__frame_fail(c, AXWS_ETIMEDOUT, ETIMEDOUT);
            if (c->gen == gen) axws__frame_finish(c, 1);
        }
        break;
    default:
        break;
    }
}

AXWS__DEF int axws_close(axws_conn *c, int code, const char *reason, int64_t now_ms) {
    size_t rlen = reason ? strlen(reason) : 0;
    uint32_t st = AXWS__UTF8_ACCEPT;
    int r;
    AXWS_ASSERT(c != NULL);
    c->now = now_ms;
    if (!code) code = AXWS_CLOSE_NORMAL;
    if (!axws__frame_close_code_valid(code) || rlen > 123 ||
        axws__utf8_scan(&st, (const uint8_t *)reason, rlen) != 0 || st != AXWS__UTF8_ACCEPT)
        return AXWS_EINVAL;
    switch (c->state) {
    case AXWS_STATE_CLOSED: return AXWS_ESTATE;
    case AXWS_STATE_CLOSING: return AXWS_OK;
    case AXWS_STATE_OPEN: break;
    default: /* not open yet: nothing to hand-shake */
        axws__frame_finish(c, 0);
        return AXWS_OK;
    }
    r = axws__frame_queue_close(c, code, reason, rlen);
    if (r) return r;
    c->sent_close = code;
    c->state = AXWS_STATE_CLOSING;
    c->deadline = now_ms + c->cfg.close_timeout_ms;
    return AXWS_OK;
}

AXWS__DEF void axws_pause_input(axws_conn *c, int paused) {
    AXWS_ASSERT(c != NULL);
    c->input_paused = paused != 0;
    if (!paused && c->read_again) c->read_again = 1; /* read what waited, at the next step */
}

AXWS__DEF void axws_abort(axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    axws__frame_finish(c, 0);
}

AXWS__DEF const char *axws_subprotocol(const axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    return c->phase.subprotocol[0] ? c->phase.subprotocol : NULL;
}

AXWS__DEF const char *axws_close_reason(const axws_conn *c, size_t *len) {
    AXWS_ASSERT(c != NULL);
    if (len) *len = c->close_reason_len;
    return (const char *)c->ctl + 2;
}

/* The reason phrase and Location of a refused upgrade stay in tx_buf, idle once CLOSED. */
static const char *axws__core_refusal_text(const axws_conn *c, size_t off, size_t n, size_t *len) {
    int kept = c->state == AXWS_STATE_CLOSED && c->error == AXWS_EHTTP && n;
    if (len) *len = kept ? n : 0;
    return kept ? (const char *)c->cfg.tx_buf + off : NULL;
}

AXWS__DEF const char *axws_http_reason(const axws_conn *c, size_t *len) {
    AXWS_ASSERT(c != NULL);
    return axws__core_refusal_text(c, c->hs_reason_off, c->hs_reason_len, len);
}

AXWS__DEF const char *axws_location(const axws_conn *c, size_t *len) {
    AXWS_ASSERT(c != NULL);
    return axws__core_refusal_text(c, c->hs_location_off, c->has_location ? c->hs_location_len : 0, len);
}

AXWS__DEF axws_state axws_conn_state(const axws_conn *c) { AXWS_ASSERT(c != NULL); return c->state; }
AXWS__DEF int axws_error(const axws_conn *c) { AXWS_ASSERT(c != NULL); return c->error; }
AXWS__DEF int axws_http_status(const axws_conn *c) { AXWS_ASSERT(c != NULL); return c->http_status; }
#ifndef AXWS_NO_STATS
AXWS__DEF int axws_rtt_ms(const axws_conn *c, int *smoothed_ms) {
    AXWS_ASSERT(c != NULL);
    if (smoothed_ms) *smoothed_ms = c->srtt;
    return c->rtt;
}
#endif
AXWS__DEF int axws_close_code(const axws_conn *c) { AXWS_ASSERT(c != NULL); return c->close_code; }
AXWS__DEF int axws_sent_close_code(const axws_conn *c) { AXWS_ASSERT(c != NULL); return c->sent_close; }
AXWS__DEF int axws_sys_errno(const axws_conn *c) { AXWS_ASSERT(c != NULL); return c->sys_errno; }
/* <<core */

/* >>describe: axws_describe(), the whole story of a failure in one line */
/* The i-th of a list of NUL-separated strings. The describer's texts are such lists inside
   its functions, not tables of pointers: a table's strings land in the object's shared string
   section, which every program carries; these stay in the describer's own section, which
   --gc-sections drops from programs that never call it. */
static const char *axws__describe_nth(const char *list, int i) {
    while (i-- > 0) list += strlen(list) + 1;
    return list;
}

static const char *axws__describe_detail(int detail) {
#define AXWS__DETAIL_STR(name, text) text "\0"
    return axws__describe_nth(AXWS__DETAILS(AXWS__DETAIL_STR), detail);
#undef AXWS__DETAIL_STR
}

#ifndef AXWS_NO_SOCKETS
/* An address as text without inet_ntop: dotted IPv4; IPv6 in hex groups without leading
   zeros, the longest run of two or more zero groups written "::" (RFC 5952 4.2). */
static void axws__describe_addr(const axws_addr *a, char out[48]) {
    int i, best = -1, best_len = 1, run = 0;
    size_t k = 0;
    if (a->family == 4) {
        axws__fmt(out, 48, "%d.%d.%d.%d", a->ip[0], a->ip[1], a->ip[2], a->ip[3]);
        return;
    }
    for (i = 0; i < 8; i++) {
        run = (a->ip[2 * i] | a->ip[2 * i + 1]) ? 0 : run + 1;
        if (run > best_len) { best_len = run; best = i - run + 1; }
    }
    for (i = 0; i < 8;) {
        unsigned g = (unsigned)a->ip[2 * i] << 8 | a->ip[2 * i + 1];
        int sh, started = 0;
        if (i == best) {
            out[k++] = ':';
            out[k++] = ':';
            i += best_len;
            continue;
        }
        if (k && out[k - 1] != ':') out[k++] = ':';
        for (sh = 12; sh >= 0; sh -= 4) {
            unsigned d = (g >> sh) & 15;
            if (d || started || sh == 0) out[k++] = "0123456789abcdef"[d], started = 1;
        }
        i++;
    }
    out[k] = 0;
}

/* The peer's name: the URL host, or for wss:// past TCP the name BearSSL verified (its
   engine keeps it; the URL host's memory is the certificate context's by then). */
static const char *axws__describe_host(const axws_conn *c) {
#ifndef AXWS_NO_TLS
    if (c->secure && c->fail_state >= AXWS_STATE_TLS) return c->tls_cc.eng.server_name;
#endif
    /* once open, the negotiated subprotocol shares the addresses' memory, not the host's */
    if (c->fail_state >= AXWS_STATE_OPEN && sizeof c->phase.net.addrs < sizeof c->phase.subprotocol) return "";
    return c->phase.net.host;
}
#endif

#ifndef AXWS_NO_SOCKETS
#ifndef AXWS_NO_PROXY
/* The tunnel's part: how far the proxy got, and what it answered. */
static void axws__describe_proxy(const axws_conn *c, axws__buf *b, const axws__http_proxy_url *pu, int st, int err) {
    int s = c->px_status;
    if (st == AXWS_STATE_CONNECTING && AXWS__PX_BUSY(c)) /* by AXWS__PX_* from HTTP_SEND */
        axws__put_fmt(b, ", %s", axws__describe_nth("sending CONNECT\0reading the answer to CONNECT\0reading the "
                                                "answer to CONNECT\0reading the answer to CONNECT\0sending "
                                                "the SOCKS5 greeting\0reading the SOCKS5 method chosen\0sending "
                                                "the SOCKS5 user and password\0reading the SOCKS5 verdict on "
                                                "them\0sending the SOCKS5 CONNECT\0reading the SOCKS5 reply",
                                                c->px_step - AXWS__PX_HTTP_SEND));
    if ((err != AXWS_EPROXY && err != AXWS_EPROXYAUTH) || !s) return;
    if (c->px_kind == AXWS__PXK_HTTP)
        axws__put_fmt(b, "; the proxy answered HTTP %d%s", s,
                      s != 407 && s != 401 ? ""
                      : pu->user ? ": it refused the user name and password"
                                 : ": it wants a user name and password (user:password@ in the proxy URL)");
    else if (c->px_step == AXWS__PX_S5_METHOD)
        axws__put_fmt(b, "; the proxy accepts none of the methods offered (%s)",
                      pu->user ? "no authentication, user/password"
                               : "no authentication: it wants a user name and password, "
                                 "user:password@ in the proxy URL");
    else if (c->px_step == AXWS__PX_S5_AUTH_OK)
        axws__put_fmt(b, "; the proxy refused the user name and password (RFC 1929 status %d)", s);
    else /* RFC 1928 6 */
        axws__put_fmt(b, "; SOCKS5 reply %d (%s)", s,
                      s > 8 ? "unassigned"
                            : axws__describe_nth("succeeded\0general SOCKS server failure\0connection not "
                                             "allowed by ruleset\0network unreachable\0host "
                                             "unreachable\0connection refused\0TTL expired\0command "
                                             "not supported\0address type not supported", s));
}
#endif

/* Where the socket driver was: the name being resolved, or the phase, host, port, proxy and
   address. Returns 1 when it said where (0: the program moves the bytes). */
static int axws__describe_where(const axws_conn *c, axws__buf *b, int st, int err, const char *phase) {
    char addr[48];
    const char *host = axws__describe_host(c), *rwhat = "", *rname = host;
    size_t rlen = strlen(host);
#ifndef AXWS_NO_PROXY
    /* through a proxy: which one (the address is its address), and how far it got */
    axws__http_proxy_url pu;
    int px = c->px_kind && c->cfg.proxy && axws__http_parse_proxy(c->cfg.proxy, &pu) == AXWS_OK;
    if (px && c->px_step == AXWS__PX_RESOLVE) {
        rwhat = "the proxy's name ";
        rname = pu.host;
        rlen = pu.host_len;
    }
#endif
    addr[0] = 0;
    if (st >= AXWS_STATE_CONNECTING && c->peer.family) axws__describe_addr(&c->peer, addr);
    if (err == AXWS_ERESOLVE && st == AXWS_STATE_CLOSED) axws__put_fmt(b, ", resolving %s%.*s", rwhat, (int)rlen, rname);
    if (st == AXWS_STATE_CLOSED || !c->port) return 0;
    if (host[0]) /* an IPv6 literal in brackets, as in the URL */
        axws__put_fmt(b, strchr(host, ':') ? ", %s [%s]:%d" : ", %s %s:%d", phase, host, c->port);
    else axws__put_fmt(b, ", %s port %d", phase, c->port);
#ifndef AXWS_NO_PROXY
    if (px)
        axws__put_fmt(b, pu.ipv6 ? " through the %s proxy [%.*s]:%d" : " through the %s proxy %.*s:%d",
                      c->px_kind == AXWS__PXK_HTTP ? "HTTP" : "SOCKS5", (int)pu.host_len, pu.host, pu.port);
#endif
    if (addr[0]) axws__put_fmt(b, " (%s)", addr);
#ifndef AXWS_NO_PROXY
    if (px) axws__describe_proxy(c, b, &pu, st, err);
#endif
    return 1;
}
#endif

/* What the configuration says about the failure: the timeout or buffer involved, or the
   detail kept with it. */
static void axws__describe_limits(const axws_conn *c, axws__buf *b, int st, int err) {
    if (err == AXWS_ETIMEDOUT) {
        /* connect_timeout_ms covers TCP and TLS; handshake_timeout_ms the upgrade */
        int tcp_tls = st == AXWS_STATE_CONNECTING || st == AXWS_STATE_TLS;
        int ms = tcp_tls ? c->cfg.connect_timeout_ms
               : st == AXWS_STATE_CLOSING ? c->cfg.close_timeout_ms : c->cfg.handshake_timeout_ms;
        axws__put_fmt(b, "; no answer within %d ms (cfg.%s)", ms,
                      tcp_tls ? "connect_timeout_ms"
                      : st == AXWS_STATE_CLOSING ? "close_timeout_ms" : "handshake_timeout_ms");
    }
    if (err == AXWS_EDEADPEER)
        axws__put_fmt(b, "; %s for %d ms (cfg.dead_peer_ms)",
                      c->fail_detail == AXWS__D_NOT_READING ? "nothing written" : "nothing received", c->cfg.dead_peer_ms);
    if (c->fail_detail >= AXWS__D_TX_BUF && c->fail_detail < AXWS__D_COUNT_) {
        size_t have = c->fail_detail == AXWS__D_TX_BUF ? c->cfg.tx_size
                    : c->fail_detail == AXWS__D_RX_BUF ? (c->cfg.rx_buf ? c->cfg.rx_size : 0)
#ifndef AXWS_NO_TLS
                    : c->cfg.tls_buf                   ? c->cfg.tls_size
#endif
                    : c->cfg.rx_buf                    ? c->cfg.rx_size : 0;
        axws__put_fmt(b, "; %s has %ld bytes, %ld needed", axws__describe_detail(c->fail_detail), (long)have,
                      (long)c->fail_need);
    } else if (c->fail_detail && c->fail_detail < AXWS__D_COUNT_) {
        axws__put_fmt(b, "; %s", axws__describe_detail(c->fail_detail));
#ifndef AXWS_NO_DEFLATE
        /* the inflate's own reason, through the hooks: no inflate in programs without it */
        if (c->fail_detail == AXWS__D_INFLATE && c->cfg.deflate.ops)
            axws__put_fmt(b, ": %s", c->cfg.deflate.ops->why(c));
#endif
    }
}

/* What the peer and the system said: HTTP status, TLS cause, errno, our close code. */
static void axws__describe_answers(const axws_conn *c, axws__buf *b, int err) {
    const char *text;
    size_t len;
    if (c->http_status && c->http_status != 101) { /* a refused upgrade or an HTTP answer */
        text = axws_http_reason(c, &len);
        axws__put_fmt(b, "; HTTP %d %.*e", c->http_status, text ? (int)len : 0, text ? text : "");
        text = axws_location(c, &len);
        if (text) axws__put_fmt(b, "; Location: %.*e (not followed)", (int)len, text);
    }
#ifndef AXWS_NO_TLS
    if (c->tls_err) {
        int e = c->tls_err; /* BearSSL's certificate errors, not alerts (+256, +512) */
        axws__put_fmt(b, "; TLS: %s", axws_tls_strerror(e));
        if ((e > BR_ERR_X509_OK && e < BR_ERR_X509_OK + 32) || e == AXWS_TLS_ERR_NO_ANCHORS) {
            axws__put_fmt(b, " (verifying the name \"%s\" against %d trust anchor%s", axws__describe_host(c),
                          (int)c->cfg.trust_anchor_count, c->cfg.trust_anchor_count == 1 ? "" : "s");
            if (c->cfg.trust_anchor_source) axws__put_fmt(b, " from %s", c->cfg.trust_anchor_source);
            axws__put_fmt(b, ")");
        }
    }
#endif
    if (c->sys_errno && err != AXWS_ETIMEDOUT) {
        text = axws__errno_text(c->sys_errno);
        axws__put_fmt(b, "; errno %d%s%s%s", c->sys_errno, text[0] ? " (" : "", text, text[0] ? ")" : "");
    }
    if (c->sent_close && err != AXWS_ETIMEDOUT) axws__put_fmt(b, "; close code %d sent", c->sent_close);
}

AXWS__DEF size_t axws_describe(const axws_conn *c, char *out, size_t cap) {
    axws__buf b;
    const char *phase;
    int err, st, located = 0;
    AXWS_ASSERT(c != NULL && (out != NULL || cap == 0));
    b = axws__text_buf(out, cap);
    err = c->error;
    st = c->fail_state <= AXWS_STATE_CLOSING ? c->fail_state : 0;
    axws__put_fmt(&b, "%s", axws_strerror(err));
    if (!err) return axws__text_end(&b, cap);
    phase = c->http_mode && st == AXWS_STATE_HANDSHAKE
                ? "waiting for the HTTP answer from"
                : axws__describe_nth("\0connecting to\0in the TLS handshake with\0waiting for the upgrade answer "
                                 "from\0connected to\0closing the connection to", st); /* by axws_state */
#ifndef AXWS_NO_SOCKETS
    located = axws__describe_where(c, &b, st, err, phase);
#endif
    if (st != AXWS_STATE_CLOSED && !located) /* the program moves the bytes (sans-IO): the phase without its "to/with/from" */
        axws__put_fmt(&b, ", %.*s", (int)(strrchr(phase, ' ') - phase), phase);
    axws__describe_limits(c, &b, st, err);
    axws__describe_answers(c, &b, err);
    return axws__text_end(&b, cap);
}
/* <<describe */

/* >>inflate: RFC 1951, streaming, into a caller's window; no allocation */
#ifndef AXWS_NO_DEFLATE
/* Where the inflate is (axws_inflate.mode). */
enum {
    AXWS__INF_HEAD = 0, /* a block header (3 bits) */
    AXWS__INF_STORED_LEN, /* a stored block's LEN and NLEN */
    AXWS__INF_STORED,   /* copying a stored block */
    AXWS__INF_TABLE,    /* a dynamic block's HLIT, HDIST, HCLEN */
    AXWS__INF_CODELENS, /* its code-length code lengths */
    AXWS__INF_LENLENS,  /* its literal/length and distance code lengths */
    AXWS__INF_CODES,    /* Huffman-coded data */
    AXWS__INF_MATCH,    /* a match the output limit cut short */
    AXWS__INF_DONE,     /* the final block ended */
    AXWS__INF_BAD       /* invalid data (sticky) */
};

/* Why data was refused (axws_inflate.err); each has a text in AXWS__INF_ERRORS below and
   a detail for axws_describe() in the same order. */
#define AXWS__INF_ERRORS(X)                                                                   \
    X(AXWS_INFLATE_E_BLOCK_TYPE, "a block of the reserved type 3")                             \
    X(AXWS_INFLATE_E_STORED_LEN, "a stored block whose length check (NLEN) does not match")   \
    X(AXWS_INFLATE_E_COUNTS, "a dynamic block with more than 286 length or 30 distance codes") \
    X(AXWS_INFLATE_E_CODELENS, "an invalid code-length code")                                  \
    X(AXWS_INFLATE_E_REPEAT, "a code-length repeat with nothing to repeat, or past the end")  \
    X(AXWS_INFLATE_E_NO_EOB, "a literal/length code without the end-of-block symbol")          \
    X(AXWS_INFLATE_E_LENCODE, "an invalid literal/length code")                                \
    X(AXWS_INFLATE_E_DISTCODE, "an invalid distance code")                                     \
    X(AXWS_INFLATE_E_SYMBOL, "a literal/length or distance symbol that does not exist")        \
    X(AXWS_INFLATE_E_FAR, "a distance further back than the data so far or the window")        \
    X(AXWS_INFLATE_E_END, "a message whose compressed data stops inside a block")
#define AXWS__INF_ERR_ENUM(name, text) name,
enum { AXWS_INFLATE_E_NONE_ = 0, AXWS__INF_ERRORS(AXWS__INF_ERR_ENUM) AXWS_INFLATE_E_COUNT_ };
#undef AXWS__INF_ERR_ENUM

/* A table entry: bits 0-7 the code's length (bits to drop), 8-15 what it is, 16-31 its
   value: a literal, a length or distance base, a code length symbol, or for a link the
   subtable's offset (its size in bits in the kind's low bits). */
#define AXWS__INF_LIT 0x00u   /* literal byte / code-length symbol */
#define AXWS__INF_BASE 0x10u  /* | extra bits: a length or distance base */
#define AXWS__INF_EOB 0x20u
#define AXWS__INF_LINK 0x40u  /* | subtable bits */
#define AXWS__INF_INVALID 0x60u
#define AXWS__INF_ENTRY(kind, nb, val) ((uint32_t)(val) << 16 | (uint32_t)(kind) << 8 | (uint32_t)(nb))
#define AXWS__INF_NB(e) ((e) & 0xFFu)
#define AXWS__INF_KIND(e) (((e) >> 8) & 0xFFu)
#define AXWS__INF_VAL(e) ((e) >> 16)
#define AXWS__INF_LEN_ROOT 9u
#define AXWS__INF_DIST_ROOT 6u
#define AXWS__INF_CL_ROOT 7u

/* RFC 1951 3.2.5: length symbols 257..285 and distance symbols 0..29 */
static const uint16_t axws__inf_len_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                                35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t axws__inf_len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                                3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t axws__inf_dist_base[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
                                                 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                                 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t axws__inf_dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                                 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

/* What symbol `sym` of table kind `which` (0 code lengths, 1 literal/length, 2 distance)
   decodes to, as a table entry without its length. */
static AXWS__INLINE uint32_t axws__inf_sym(int which, unsigned sym) {
    if (which == 0) return AXWS__INF_ENTRY(AXWS__INF_LIT, 0, sym);
    if (which == 1) {
        if (sym < 256) return AXWS__INF_ENTRY(AXWS__INF_LIT, 0, sym);
        if (sym == 256) return AXWS__INF_ENTRY(AXWS__INF_EOB, 0, 0);
        if (sym < 286) return AXWS__INF_ENTRY(AXWS__INF_BASE | axws__inf_len_extra[sym - 257], 0, axws__inf_len_base[sym - 257]);
        return AXWS__INF_ENTRY(AXWS__INF_INVALID, 0, 1); /* 286, 287: fixed code only, never valid */
    }
    if (sym < 30) return AXWS__INF_ENTRY(AXWS__INF_BASE | axws__inf_dist_extra[sym], 0, axws__inf_dist_base[sym]);
    return AXWS__INF_ENTRY(AXWS__INF_INVALID, 0, 1); /* 30, 31: value 1 = a symbol, not a hole */
}

/* Build the decoding table of a canonical Huffman code (RFC 1951 3.2.2) from its code
   lengths. Input bits come first-bit-lowest, so a code is looked up bit-reversed: the root
   table is indexed by the next `root` bits; longer codes go through a link to a subtable
   just big enough for the codes that share that root prefix (the sizing for which zlib
   proved the entry bounds used here). Returns 0, or -1 for an over-subscribed code or an
   incomplete one (allowed only as a single one-bit code, as zlib allows it). */
/* Counts the codes of each length into count[] (max: the longest), checks that they form
   a prefix code (RFC 1951 3.2.2) and sorts the symbols with a code by length, then symbol,
   into sorted[]. Returns how many codes there are, or -1; *left: the code space no code
   takes (> 0 only for no codes, or one 1-bit code, or an incomplete one). */
static int axws__inf_sort(const uint8_t *lens, unsigned n, int which, unsigned count[16], unsigned *max_len,
                          int *left, uint16_t *sorted) {
    /* the symbols in four quarters, counted and placed side by side: neighbours usually
       share a length, and one counter would make each increment wait for the one before */
    uint16_t at[4][16]; /* per quarter: codes of each length, then where they go (< 320) */
    unsigned q = n / 4, len, sym, max;
    const uint8_t *l1 = lens + q, *l2 = lens + 2 * q, *l3 = lens + 3 * q;
    memset(at, 0, sizeof at);
    for (sym = 0; sym < q; sym++) {
        at[0][lens[sym]]++;
        at[1][l1[sym]]++;
        at[2][l2[sym]]++;
        at[3][l3[sym]]++;
    }
    for (sym = 4 * q; sym < n; sym++) at[3][lens[sym]]++;
    for (len = 0; len < 16; len++) count[len] = (unsigned)at[0][len] + at[1][len] + at[2][len] + at[3][len];
    for (max = 15; max > 0 && !count[max]; max--) {}
    if (!max) count[0] = n; /* no codes at all */
    *max_len = max;
    *left = 1;
    for (len = 1; len <= 15; len++) {
        *left = *left * 2 - (int)count[len];
        if (*left < 0) return -1; /* over-subscribed */
    }
    if (max && *left > 0 && (which == 0 || max != 1)) return -1; /* incomplete */
    if (!max) return 0;
    {
        /* where each quarter's codes of each length go; unused symbols after the codes */
        unsigned base = 0, k;
        for (len = 1; len <= 16; len++) {
            unsigned slot = len & 15; /* lengths 1..15, then 0 */
            for (k = 0; k < 4; k++) {
                unsigned c = at[k][slot];
                at[k][slot] = (uint16_t)base;
                base += c;
            }
        }
    }
    for (sym = 0; sym < q; sym++) {
        sorted[at[0][lens[sym]]++] = (uint16_t)sym;
        sorted[at[1][l1[sym]]++] = (uint16_t)(q + sym);
        sorted[at[2][l2[sym]]++] = (uint16_t)(2 * q + sym);
        sorted[at[3][l3[sym]]++] = (uint16_t)(3 * q + sym);
    }
    for (sym = 4 * q; sym < n; sym++) sorted[at[3][lens[sym]]++] = (uint16_t)sym;
    return (int)(n - count[0]);
}

/* The index bits of a new subtable whose first code is len bits long: the subtable takes
   the codes that share its root prefix, so it grows while the codes left at each length
   (count[]) would not fill it. */
static unsigned axws__inf_sub_bits(const unsigned count[16], unsigned len, unsigned root, unsigned max) {
    unsigned sub_bits = len - root;
    int room = 1 << sub_bits;
    while (sub_bits + root < max) {
        room -= (int)count[sub_bits + root];
        if (room <= 0) break;
        sub_bits++;
        room <<= 1;
    }
    return sub_bits;
}

/* The next code of `len` bits after `rev`, both bit-reversed (a code's first bit lowest):
   adding one at the code's last bit carries towards its first, so here the carry runs
   down from bit len-1. Codes of a longer length continue from the next number shifted
   left, which reversed is the same value: the reversed code only ever counts up. */
static AXWS__INLINE unsigned axws__inf_next_code(unsigned rev, unsigned len) {
    unsigned bit = 1u << (len - 1);
    while (rev & bit) bit >>= 1;
    return (rev & (bit - 1)) | bit; /* after the last code (all ones): never used */
}

static int axws__inf_build(uint32_t *table, const uint8_t *lens, unsigned n, int which, uint16_t *sorted) {
    unsigned root = which == 1 ? AXWS__INF_LEN_ROOT : which == 2 ? AXWS__INF_DIST_ROOT : AXWS__INF_CL_ROOT;
    unsigned cap = which == 1 ? 852u : which == 2 ? 592u : 128u;
    unsigned count[16], max, len, i = 0, used = 1u << root, low = (unsigned)-1, sub_off = 0, sub_bits = 0;
    unsigned rev = 0, filled;
    int left, r = axws__inf_sort(lens, n, which, count, &max, &left, sorted);
    if (r < 0) return -1;
    if (left > 0) /* no codes, or one 1-bit code: the entries no code reaches are invalid */
        for (i = 0; i < (1u << root); i++) table[i] = AXWS__INF_ENTRY(AXWS__INF_INVALID, 1, 0);
    if (max == 0) return 0;
    if (left > 0) { /* the one 1-bit code, in every entry whose first bit is 0 */
        uint32_t e = axws__inf_sym(which, sorted[0]) | 1u;
        for (i = 0; i < (1u << root); i += 2) table[i] = e;
        return 0;
    }
    /* codes in canonical order (by length, then symbol: sorted[]) are consecutive numbers,
       shifted left when the length grows (RFC 1951 3.2.2); each is looked up bit-reversed.
       A complete code fills the root table by doubling: while the codes of length L are
       placed, the table is 2^L entries, one per code; before the next length it is copied
       onto its own end, which repeats every shorter code where its longer bits vary (an
       entry a longer code will own is overwritten then). */
    for (len = 1, filled = 1; len <= max && len <= root; len++) {
        unsigned k, codes = count[len];
        for (; filled < len; filled++) memcpy(table + (1u << filled), table, sizeof *table << filled);
        for (k = 0; k < codes; k++) {
            table[rev] = axws__inf_sym(which, sorted[i++]) | len;
            rev = axws__inf_next_code(rev, len);
        }
    }
    for (; filled < root; filled++) memcpy(table + (1u << filled), table, sizeof *table << filled);
    /* codes longer than the root: a link in the root entry of their first `root` bits, to a
       subtable just big enough for the codes that share those bits */
    for (; len <= max; len++) {
        unsigned k, codes = count[len];
        for (k = 0; k < codes; k++) {
            uint32_t e = axws__inf_sym(which, sorted[i++]) | (len - root);
            unsigned j, step = 1u << (len - root);
            if ((rev & ((1u << root) - 1)) != low) {
                low = rev & ((1u << root) - 1);
                sub_bits = axws__inf_sub_bits(count, len, root, max);
                sub_off = used;
                used += 1u << sub_bits;
                if (used > cap) return -1; /* cannot happen for a valid code (zlib's bound) */
                table[low] = AXWS__INF_ENTRY(AXWS__INF_LINK | sub_bits, root, sub_off);
            }
            for (j = rev >> root; j < (1u << sub_bits); j += step) table[sub_off + j] = e;
            count[len]--; /* only the counts of lengths past the root size subtables */
            rev = axws__inf_next_code(rev, len);
        }
    }
    return 0;
}

AXWS__DEF void axws_inflate_reset(axws_inflate *z, int keep_history) {
    AXWS_ASSERT(z != NULL);
    z->bits = 0;
    z->nbits = 0;
    z->mode = AXWS__INF_HEAD;
    z->last = 0;
    z->err = 0;
    z->left = z->dist = 0;
    z->span_len = 0;
    if (!keep_history) z->wpos = z->whave = 0;
}

AXWS__DEF int axws_inflate_init(axws_inflate *z, void *window, int window_bits) {
    AXWS_ASSERT(z != NULL);
    if (!window || window_bits < 8 || window_bits > 15) return AXWS_EINVAL;
    z->window = (uint8_t *)window;
    z->wsize = 1u << window_bits;
    z->fixed = 0;
    axws_inflate_reset(z, 0);
    return AXWS_OK;
}

AXWS__DEF const char *axws_inflate_strerror(const axws_inflate *z) {
#define AXWS__INF_ERR_STR(name, text) text "\0"
    /* a named object, so that the texts leave with the function (see axws__text_of) */
    static const char texts[] = "\0" AXWS__INF_ERRORS(AXWS__INF_ERR_STR);
#undef AXWS__INF_ERR_STR
    const char *list = texts;
    int i = z->err < AXWS_INFLATE_E_COUNT_ ? z->err : 0;
    while (i-- > 0) list += strlen(list) + 1;
    return list;
}

/* Copy a match of `len` bytes from `dist` back to w[pos..pos+len), which the caller keeps
   inside the window. Exact: bytes past the match are history still needed, so there is no
   over-copying by whole words. */
static void axws__inf_copy(uint8_t *w, uint32_t wsize, uint32_t pos, uint32_t dist, uint32_t len) {
    uint8_t *d = w + pos;
    const uint8_t *s;
    if (dist > pos) {
        /* the source starts in the older part of the window, behind its end: that part
           lies ahead of the destination, so copying forward reads each byte before it is
           overwritten, as memmove does */
        uint32_t from = pos + wsize - dist, k = wsize - from < len ? wsize - from : len;
        memmove(d, w + from, k);
        d += k;
        len -= k;
        if (!len) return;
    }
    s = d - dist;
    if (dist >= len) {
        memcpy(d, s, len);
    } else if (dist >= 8) {
        /* overlapping: eight bytes at a time never read a byte this copy has yet to write */
        while (len >= 8) {
            memcpy(d, s, 8);
            d += 8; s += 8; len -= 8;
        }
        while (len--) *d++ = *s++;
    } else if (dist == 1) {
        memset(d, *s, len);
    } else {
        while (len--) *d++ = *s++;
    }
}

static int axws__inf_fail(axws_inflate *z, int why) {
    z->mode = AXWS__INF_BAD;
    z->err = (uint8_t)why;
    return AXWS_EDEFLATE;
}

/* Load input bytes into the bit buffer, one at a time, until it holds at least `need` bits
   or the input runs out: never more than needed, so that the end of a stream is found at
   the exact byte. AXWS__INF_NEED is 1 when the buffer holds `need` bits. */
#define AXWS__INF_NEED(need)                                                   \
    (((z->nbits >= (need)) ||                                                  \
      (axws__inf_fill(z, &in, end, (need)), z->nbits >= (need))))
static void axws__inf_fill(axws_inflate *z, const uint8_t **in, const uint8_t *end, unsigned need) {
    const uint8_t *p = *in;
    while (z->nbits < need && p < end) {
        z->bits |= (uint64_t)*p++ << z->nbits;
        z->nbits += 8;
    }
    *in = p;
}

/* Peek the entry for the code at the bottom of `bits` in a two-level table; *nb gets its
   total length. */
static AXWS__INLINE uint32_t axws__inf_peek(const uint32_t *t, unsigned root, uint64_t bits, unsigned *nb) {
    uint32_t e = t[bits & ((1u << root) - 1)];
    if ((AXWS__INF_KIND(e) & 0xF0u) == AXWS__INF_LINK) {
        unsigned sub = AXWS__INF_KIND(e) & 0x0Fu;
        e = t[AXWS__INF_VAL(e) + ((bits >> root) & ((1u << sub) - 1))];
        *nb = root + AXWS__INF_NB(e);
    } else {
        *nb = AXWS__INF_NB(e);
    }
    return e;
}

/* The fixed codes' tables (RFC 1951 3.2.6: literal/length lengths 8, 9, 7, 8 for symbols
   0-143, 144-255, 256-279, 280-287; 32 distance codes of 5 bits), in flash: what
   axws__inf_build() makes of those lengths (tests/test_inflate.c checks they agree). A
   short message is often one fixed block; building these for each would cost more than
   inflating it. */
static const uint32_t axws__inf_fixed_len[512] = {
    0x00002007, 0x00500008, 0x00100008, 0x00731408, 0x001f1207, 0x00700008, 0x00300008, 0x00c00009,
    0x000a1007, 0x00600008, 0x00200008, 0x00a00009, 0x00000008, 0x00800008, 0x00400008, 0x00e00009,
    0x00061007, 0x00580008, 0x00180008, 0x00900009, 0x003b1307, 0x00780008, 0x00380008, 0x00d00009,
    0x00111107, 0x00680008, 0x00280008, 0x00b00009, 0x00080008, 0x00880008, 0x00480008, 0x00f00009,
    0x00041007, 0x00540008, 0x00140008, 0x00e31508, 0x002b1307, 0x00740008, 0x00340008, 0x00c80009,
    0x000d1107, 0x00640008, 0x00240008, 0x00a80009, 0x00040008, 0x00840008, 0x00440008, 0x00e80009,
    0x00081007, 0x005c0008, 0x001c0008, 0x00980009, 0x00531407, 0x007c0008, 0x003c0008, 0x00d80009,
    0x00171207, 0x006c0008, 0x002c0008, 0x00b80009, 0x000c0008, 0x008c0008, 0x004c0008, 0x00f80009,
    0x00031007, 0x00520008, 0x00120008, 0x00a31508, 0x00231307, 0x00720008, 0x00320008, 0x00c40009,
    0x000b1107, 0x00620008, 0x00220008, 0x00a40009, 0x00020008, 0x00820008, 0x00420008, 0x00e40009,
    0x00071007, 0x005a0008, 0x001a0008, 0x00940009, 0x00431407, 0x007a0008, 0x003a0008, 0x00d40009,
    0x00131207, 0x006a0008, 0x002a0008, 0x00b40009, 0x000a0008, 0x008a0008, 0x004a0008, 0x00f40009,
    0x00051007, 0x00560008, 0x00160008, 0x00016008, 0x00331307, 0x00760008, 0x00360008, 0x00cc0009,
    0x000f1107, 0x00660008, 0x00260008, 0x00ac0009, 0x00060008, 0x00860008, 0x00460008, 0x00ec0009,
    0x00091007, 0x005e0008, 0x001e0008, 0x009c0009, 0x00631407, 0x007e0008, 0x003e0008, 0x00dc0009,
    0x001b1207, 0x006e0008, 0x002e0008, 0x00bc0009, 0x000e0008, 0x008e0008, 0x004e0008, 0x00fc0009,
    0x00002007, 0x00510008, 0x00110008, 0x00831508, 0x001f1207, 0x00710008, 0x00310008, 0x00c20009,
    0x000a1007, 0x00610008, 0x00210008, 0x00a20009, 0x00010008, 0x00810008, 0x00410008, 0x00e20009,
    0x00061007, 0x00590008, 0x00190008, 0x00920009, 0x003b1307, 0x00790008, 0x00390008, 0x00d20009,
    0x00111107, 0x00690008, 0x00290008, 0x00b20009, 0x00090008, 0x00890008, 0x00490008, 0x00f20009,
    0x00041007, 0x00550008, 0x00150008, 0x01021008, 0x002b1307, 0x00750008, 0x00350008, 0x00ca0009,
    0x000d1107, 0x00650008, 0x00250008, 0x00aa0009, 0x00050008, 0x00850008, 0x00450008, 0x00ea0009,
    0x00081007, 0x005d0008, 0x001d0008, 0x009a0009, 0x00531407, 0x007d0008, 0x003d0008, 0x00da0009,
    0x00171207, 0x006d0008, 0x002d0008, 0x00ba0009, 0x000d0008, 0x008d0008, 0x004d0008, 0x00fa0009,
    0x00031007, 0x00530008, 0x00130008, 0x00c31508, 0x00231307, 0x00730008, 0x00330008, 0x00c60009,
    0x000b1107, 0x00630008, 0x00230008, 0x00a60009, 0x00030008, 0x00830008, 0x00430008, 0x00e60009,
    0x00071007, 0x005b0008, 0x001b0008, 0x00960009, 0x00431407, 0x007b0008, 0x003b0008, 0x00d60009,
    0x00131207, 0x006b0008, 0x002b0008, 0x00b60009, 0x000b0008, 0x008b0008, 0x004b0008, 0x00f60009,
    0x00051007, 0x00570008, 0x00170008, 0x00016008, 0x00331307, 0x00770008, 0x00370008, 0x00ce0009,
    0x000f1107, 0x00670008, 0x00270008, 0x00ae0009, 0x00070008, 0x00870008, 0x00470008, 0x00ee0009,
    0x00091007, 0x005f0008, 0x001f0008, 0x009e0009, 0x00631407, 0x007f0008, 0x003f0008, 0x00de0009,
    0x001b1207, 0x006f0008, 0x002f0008, 0x00be0009, 0x000f0008, 0x008f0008, 0x004f0008, 0x00fe0009,
    0x00002007, 0x00500008, 0x00100008, 0x00731408, 0x001f1207, 0x00700008, 0x00300008, 0x00c10009,
    0x000a1007, 0x00600008, 0x00200008, 0x00a10009, 0x00000008, 0x00800008, 0x00400008, 0x00e10009,
    0x00061007, 0x00580008, 0x00180008, 0x00910009, 0x003b1307, 0x00780008, 0x00380008, 0x00d10009,
    0x00111107, 0x00680008, 0x00280008, 0x00b10009, 0x00080008, 0x00880008, 0x00480008, 0x00f10009,
    0x00041007, 0x00540008, 0x00140008, 0x00e31508, 0x002b1307, 0x00740008, 0x00340008, 0x00c90009,
    0x000d1107, 0x00640008, 0x00240008, 0x00a90009, 0x00040008, 0x00840008, 0x00440008, 0x00e90009,
    0x00081007, 0x005c0008, 0x001c0008, 0x00990009, 0x00531407, 0x007c0008, 0x003c0008, 0x00d90009,
    0x00171207, 0x006c0008, 0x002c0008, 0x00b90009, 0x000c0008, 0x008c0008, 0x004c0008, 0x00f90009,
    0x00031007, 0x00520008, 0x00120008, 0x00a31508, 0x00231307, 0x00720008, 0x00320008, 0x00c50009,
    0x000b1107, 0x00620008, 0x00220008, 0x00a50009, 0x00020008, 0x00820008, 0x00420008, 0x00e50009,
    0x00071007, 0x005a0008, 0x001a0008, 0x00950009, 0x00431407, 0x007a0008, 0x003a0008, 0x00d50009,
    0x00131207, 0x006a0008, 0x002a0008, 0x00b50009, 0x000a0008, 0x008a0008, 0x004a0008, 0x00f50009,
    0x00051007, 0x00560008, 0x00160008, 0x00016008, 0x00331307, 0x00760008, 0x00360008, 0x00cd0009,
    0x000f1107, 0x00660008, 0x00260008, 0x00ad0009, 0x00060008, 0x00860008, 0x00460008, 0x00ed0009,
    0x00091007, 0x005e0008, 0x001e0008, 0x009d0009, 0x00631407, 0x007e0008, 0x003e0008, 0x00dd0009,
    0x001b1207, 0x006e0008, 0x002e0008, 0x00bd0009, 0x000e0008, 0x008e0008, 0x004e0008, 0x00fd0009,
    0x00002007, 0x00510008, 0x00110008, 0x00831508, 0x001f1207, 0x00710008, 0x00310008, 0x00c30009,
    0x000a1007, 0x00610008, 0x00210008, 0x00a30009, 0x00010008, 0x00810008, 0x00410008, 0x00e30009,
    0x00061007, 0x00590008, 0x00190008, 0x00930009, 0x003b1307, 0x00790008, 0x00390008, 0x00d30009,
    0x00111107, 0x00690008, 0x00290008, 0x00b30009, 0x00090008, 0x00890008, 0x00490008, 0x00f30009,
    0x00041007, 0x00550008, 0x00150008, 0x01021008, 0x002b1307, 0x00750008, 0x00350008, 0x00cb0009,
    0x000d1107, 0x00650008, 0x00250008, 0x00ab0009, 0x00050008, 0x00850008, 0x00450008, 0x00eb0009,
    0x00081007, 0x005d0008, 0x001d0008, 0x009b0009, 0x00531407, 0x007d0008, 0x003d0008, 0x00db0009,
    0x00171207, 0x006d0008, 0x002d0008, 0x00bb0009, 0x000d0008, 0x008d0008, 0x004d0008, 0x00fb0009,
    0x00031007, 0x00530008, 0x00130008, 0x00c31508, 0x00231307, 0x00730008, 0x00330008, 0x00c70009,
    0x000b1107, 0x00630008, 0x00230008, 0x00a70009, 0x00030008, 0x00830008, 0x00430008, 0x00e70009,
    0x00071007, 0x005b0008, 0x001b0008, 0x00970009, 0x00431407, 0x007b0008, 0x003b0008, 0x00d70009,
    0x00131207, 0x006b0008, 0x002b0008, 0x00b70009, 0x000b0008, 0x008b0008, 0x004b0008, 0x00f70009,
    0x00051007, 0x00570008, 0x00170008, 0x00016008, 0x00331307, 0x00770008, 0x00370008, 0x00cf0009,
    0x000f1107, 0x00670008, 0x00270008, 0x00af0009, 0x00070008, 0x00870008, 0x00470008, 0x00ef0009,
    0x00091007, 0x005f0008, 0x001f0008, 0x009f0009, 0x00631407, 0x007f0008, 0x003f0008, 0x00df0009,
    0x001b1207, 0x006f0008, 0x002f0008, 0x00bf0009, 0x000f0008, 0x008f0008, 0x004f0008, 0x00ff0009};
static const uint32_t axws__inf_fixed_dist[64] = {
    0x00011005, 0x01011705, 0x00111305, 0x10011b05, 0x00051105, 0x04011905, 0x00411505, 0x40011d05,
    0x00031005, 0x02011805, 0x00211405, 0x20011c05, 0x00091205, 0x08011a05, 0x00811605, 0x00016005,
    0x00021005, 0x01811705, 0x00191305, 0x18011b05, 0x00071105, 0x06011905, 0x00611505, 0x60011d05,
    0x00041005, 0x03011805, 0x00311405, 0x30011c05, 0x000d1205, 0x0c011a05, 0x00c11605, 0x00016005,
    0x00011005, 0x01011705, 0x00111305, 0x10011b05, 0x00051105, 0x04011905, 0x00411505, 0x40011d05,
    0x00031005, 0x02011805, 0x00211405, 0x20011c05, 0x00091205, 0x08011a05, 0x00811605, 0x00016005,
    0x00021005, 0x01811705, 0x00191305, 0x18011b05, 0x00071105, 0x06011905, 0x00611505, 0x60011d05,
    0x00041005, 0x03011805, 0x00311405, 0x30011c05, 0x000d1205, 0x0c011a05, 0x00c11605, 0x00016005};

/* Eight input bytes as a number, the first byte lowest (RFC 1951 3.1.1), whatever the
   byte order. */
static AXWS__INLINE uint64_t axws__inf_word(const uint8_t *in) {
    uint64_t word;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&word, in, 8);
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    memcpy(&word, in, 8);
    word = __builtin_bswap64(word);
#else
    word = (uint64_t)in[0] | (uint64_t)in[1] << 8 | (uint64_t)in[2] << 16 | (uint64_t)in[3] << 24 |
           (uint64_t)in[4] << 32 | (uint64_t)in[5] << 40 | (uint64_t)in[6] << 48 | (uint64_t)in[7] << 56;
#endif
    return word;
}

/* A dynamic block's literal/length and distance code lengths (RFC 1951 3.2.7), coded
   with the code-length code in z->distcode, into z->lens. Returns 1 when all are read, 0
   when the input ran out first (every byte taken, the bits kept), or an AXWS_INFLATE_E_*
   negated. Bits are loaded a word at a time where eight input bytes are readable; whole
   bytes loaded but not used are given back at the end, so the input position is exact. */
static int axws__inf_lenlens(axws_inflate *z, const uint8_t **inp, const uint8_t *end) {
    const uint8_t *in = *inp, *in0 = in;
    uint64_t bits = z->bits;
    unsigned nbits = z->nbits, have = z->have, total = (unsigned)z->nlen + z->ndist;
    int r = 1;
    while (have < total) {
        unsigned nb, sym, extra, rep;
        uint32_t e;
        if (nbits < 14) { /* the longest item: a 7-bit code and 7 extra bits */
            if (end - in >= 8) {
                bits |= axws__inf_word(in) << nbits;
                in += (63 - nbits) >> 3;
                nbits |= 56;
            } else {
                while (nbits < 14 && in < end) {
                    bits |= (uint64_t)*in++ << nbits;
                    nbits += 8;
                }
            }
        }
        e = axws__inf_peek(z->distcode, AXWS__INF_CL_ROOT, bits, &nb);
        if (nb > nbits) {
            r = 0;
            break;
        }
        if (AXWS__INF_KIND(e) == AXWS__INF_INVALID) {
            r = -AXWS_INFLATE_E_CODELENS;
            break;
        }
        sym = AXWS__INF_VAL(e);
        if (sym < 16) {
            z->lens[have++] = (uint8_t)sym;
            bits >>= nb;
            nbits -= nb;
            continue;
        }
        extra = sym == 16 ? 2 : sym == 17 ? 3 : 7;
        if (nb + extra > nbits) {
            r = 0;
            break;
        }
        rep = (unsigned)((bits >> nb) & ((1u << extra) - 1)) + (sym == 18 ? 11 : 3);
        if ((sym == 16 && have == 0) || have + rep > total) {
            r = -AXWS_INFLATE_E_REPEAT;
            break;
        }
        memset(z->lens + have, sym == 16 ? z->lens[have - 1] : 0, rep);
        have += rep;
        bits >>= nb + extra;
        nbits -= nb + extra;
    }
    if (r != 0) {
        unsigned back = nbits >> 3;
        if (back > (unsigned)(in - in0)) back = (unsigned)(in - in0);
        in -= back;
        nbits -= back * 8;
    }
    z->bits = nbits ? bits & (~(uint64_t)0 >> (64 - nbits)) : 0;
    z->nbits = nbits;
    z->have = (uint16_t)have;
    *inp = in;
    return r;
}

AXWS__DEF int axws_inflate_run(axws_inflate *z, const void *input, size_t in_len, size_t *in_used, size_t max_out,
                           const uint8_t **out, size_t *out_len) {
    static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    const uint8_t *in = (const uint8_t *)input, *end = in + in_len;
    uint8_t *w = z->window;
    uint32_t start, pos, lim;
    int ret = AXWS_INFLATE_NEED_INPUT;
    AXWS_ASSERT(z != NULL && in_used != NULL && out != NULL && out_len != NULL);
    if (z->wpos == z->wsize) z->wpos = 0;
    start = pos = z->wpos;
    lim = max_out < z->wsize - pos ? pos + (uint32_t)max_out : z->wsize;
    if (z->mode == AXWS__INF_BAD) {
        *in_used = 0;
        *out = w + start;
        *out_len = 0;
        return AXWS_EDEFLATE;
    }
    for (;;) {
        switch (z->mode) {
        case AXWS__INF_HEAD:
            if (!AXWS__INF_NEED(3)) goto out;
            z->last = (uint8_t)(z->bits & 1);
            switch ((z->bits >> 1) & 3) {
            case 0: /* stored: the rest of this byte is padding (RFC 1951 3.2.4) */
                z->bits >>= 3 + (z->nbits - 3) % 8;
                z->nbits -= 3 + (z->nbits - 3) % 8;
                z->mode = AXWS__INF_STORED_LEN;
                break;
            case 1:
                z->fixed = 1;
                z->bits >>= 3;
                z->nbits -= 3;
                z->mode = AXWS__INF_CODES;
                break;
            case 2:
                z->fixed = 0;
                z->bits >>= 3;
                z->nbits -= 3;
                z->mode = AXWS__INF_TABLE;
                break;
            default:
                ret = axws__inf_fail(z, AXWS_INFLATE_E_BLOCK_TYPE);
                goto out;
            }
            break;
        case AXWS__INF_STORED_LEN:
            if (!AXWS__INF_NEED(32)) goto out;
            if ((z->bits & 0xFFFF) != (~(z->bits >> 16) & 0xFFFF)) {
                ret = axws__inf_fail(z, AXWS_INFLATE_E_STORED_LEN);
                goto out;
            }
            z->left = (uint32_t)(z->bits & 0xFFFF);
            z->bits >>= 32;
            z->nbits -= 32;
            z->mode = AXWS__INF_STORED;
            break;
        case AXWS__INF_STORED: {
            /* whole bytes left in the bit buffer first, then straight from the input */
            while (z->left && z->nbits && pos < lim) {
                w[pos++] = (uint8_t)z->bits;
                z->bits >>= 8;
                z->nbits -= 8;
                z->left--;
            }
            if (z->left && !z->nbits) {
                size_t k = z->left;
                if (k > (size_t)(end - in)) k = (size_t)(end - in);
                if (k > lim - pos) k = lim - pos;
                if (k) memcpy(w + pos, in, k); /* in may be NULL with no input */
                in += k;
                pos += (uint32_t)k;
                z->left -= (uint32_t)k;
            }
            if (z->left) {
                if (pos == lim) ret = AXWS_INFLATE_OUTPUT_FULL;
                goto out;
            }
            z->mode = z->last ? AXWS__INF_DONE : AXWS__INF_HEAD;
            break;
        }
        case AXWS__INF_TABLE:
            if (!AXWS__INF_NEED(14)) goto out;
            z->nlen = (uint16_t)(257 + (z->bits & 31));
            z->ndist = (uint16_t)(1 + ((z->bits >> 5) & 31));
            z->ncode = (uint16_t)(4 + ((z->bits >> 10) & 15));
            z->bits >>= 14;
            z->nbits -= 14;
            if (z->nlen > 286 || z->ndist > 30) {
                ret = axws__inf_fail(z, AXWS_INFLATE_E_COUNTS);
                goto out;
            }
            z->have = 0;
            z->mode = AXWS__INF_CODELENS;
            break;
        case AXWS__INF_CODELENS:
            while (z->have < z->ncode) {
                if (!AXWS__INF_NEED(3)) goto out;
                z->lens[order[z->have++]] = (uint8_t)(z->bits & 7);
                z->bits >>= 3;
                z->nbits -= 3;
            }
            while (z->have < 19) z->lens[order[z->have++]] = 0;
            if (axws__inf_build(z->distcode, z->lens, 19, 0, z->sorted) != 0) {
                ret = axws__inf_fail(z, AXWS_INFLATE_E_CODELENS);
                goto out;
            }
            z->have = 0;
            z->mode = AXWS__INF_LENLENS;
            break;
        case AXWS__INF_LENLENS: {
            int r = axws__inf_lenlens(z, &in, end);
            if (r == 0) goto out;
            if (r < 0) {
                ret = axws__inf_fail(z, -r);
                goto out;
            }
            if (z->lens[256] == 0) {
                ret = axws__inf_fail(z, AXWS_INFLATE_E_NO_EOB);
                goto out;
            }
            if (axws__inf_build(z->lencode, z->lens, z->nlen, 1, z->sorted) != 0) {
                ret = axws__inf_fail(z, AXWS_INFLATE_E_LENCODE);
                goto out;
            }
            if (axws__inf_build(z->distcode, z->lens + z->nlen, z->ndist, 2, z->sorted) != 0) {
                ret = axws__inf_fail(z, AXWS_INFLATE_E_DISTCODE);
                goto out;
            }
            z->mode = AXWS__INF_CODES;
            break;
        }
        case AXWS__INF_MATCH: {
            uint32_t k = z->left < lim - pos ? z->left : lim - pos;
            axws__inf_copy(w, z->wsize, pos, z->dist, k);
            pos += k;
            z->left -= k;
            if (z->left) {
                ret = AXWS_INFLATE_OUTPUT_FULL;
                goto out;
            }
            z->mode = AXWS__INF_CODES;
            break;
        }
        case AXWS__INF_CODES: {
            const uint32_t *lt = z->fixed ? axws__inf_fixed_len : z->lencode;
            const uint32_t *dt = z->fixed ? axws__inf_fixed_dist : z->distcode;
            uint64_t bits = z->bits;
            unsigned nbits = z->nbits;
            /* history available to matches: what the window held plus what this call wrote */
            uint32_t have0 = z->whave;
            /* fast loop: eight input bytes readable and room for the longest match, so a
               symbol with its match (at most 48 bits) needs no checks. The refill loads a
               whole word and counts the bytes that fit (57..63 bits held); the bits above
               those are the next byte's, which the next refill puts there again. The
               loop's bounds, as `in < in_stop && pos < pos_stop`: */
            const uint8_t *in_stop = end - in >= 8 ? end - 7 : in;
            uint32_t pos_stop = lim - pos >= 258 ? lim - 257 : pos;
            while (in < in_stop && pos < pos_stop) {
                uint32_t e, len, dist, hist;
                unsigned nb, k, more;
                bits |= axws__inf_word(in) << nbits;
                in += (63 - nbits) >> 3;
                nbits |= 56;
                e = axws__inf_peek(lt, AXWS__INF_LEN_ROOT, bits, &nb);
                k = AXWS__INF_KIND(e);
                bits >>= nb;
                nbits -= nb;
                if (k == AXWS__INF_LIT) {
                    w[pos++] = (uint8_t)AXWS__INF_VAL(e);
                    /* at least 41 bits left: two more literals (30 bits at most) need no
                       refill (anything else waits for the next round, which refills first) */
                    for (more = 0; more < 2; more++) {
                        e = axws__inf_peek(lt, AXWS__INF_LEN_ROOT, bits, &nb);
                        if (AXWS__INF_KIND(e) != AXWS__INF_LIT) break;
                        bits >>= nb;
                        nbits -= nb;
                        w[pos++] = (uint8_t)AXWS__INF_VAL(e);
                    }
                    continue;
                }
                if ((k & 0xF0u) != AXWS__INF_BASE) {
                    if (k == AXWS__INF_EOB) z->mode = z->last ? AXWS__INF_DONE : AXWS__INF_HEAD;
                    else ret = axws__inf_fail(z, AXWS__INF_VAL(e) ? AXWS_INFLATE_E_SYMBOL : AXWS_INFLATE_E_LENCODE);
                    break;
                }
                k &= 0x0Fu;
                len = AXWS__INF_VAL(e) + (uint32_t)(bits & ((1u << k) - 1));
                bits >>= k;
                nbits -= k;
                e = axws__inf_peek(dt, AXWS__INF_DIST_ROOT, bits, &nb);
                k = AXWS__INF_KIND(e);
                bits >>= nb;
                nbits -= nb;
                if ((k & 0xF0u) != AXWS__INF_BASE) {
                    ret = axws__inf_fail(z, AXWS__INF_VAL(e) ? AXWS_INFLATE_E_SYMBOL : AXWS_INFLATE_E_DISTCODE);
                    break;
                }
                k &= 0x0Fu;
                dist = AXWS__INF_VAL(e) + (uint32_t)(bits & ((1u << k) - 1));
                bits >>= k;
                nbits -= k;
                hist = have0 + (pos - start);
                if (dist > hist || dist > z->wsize) {
                    ret = axws__inf_fail(z, AXWS_INFLATE_E_FAR);
                    break;
                }
                axws__inf_copy(w, z->wsize, pos, dist, len);
                pos += len;
            }
            {
                /* give back the whole bytes loaded but not used (those this call was
                   given), so that the input position is exact, as zlib's is */
                unsigned back = nbits >> 3;
                if (back > (unsigned)(in - (const uint8_t *)input)) back = (unsigned)(in - (const uint8_t *)input);
                in -= back;
                nbits -= back * 8;
                z->bits = bits & (((uint64_t)1 << nbits) - 1);
                z->nbits = nbits;
            }
            if (z->mode != AXWS__INF_CODES) {
                if (z->mode == AXWS__INF_BAD) goto out;
                break;
            }
            /* slow path: one symbol at a time, taken only when all of its bits are in;
               bytes are loaded one by one as a symbol needs them */
            for (;;) {
                uint32_t e, e2, len, dist, hist;
                unsigned nb, nb2, k, k2, need;
                if (pos == lim) {
                    ret = AXWS_INFLATE_OUTPUT_FULL;
                    goto out;
                }
                if (end - in >= 8 && lim - pos >= 258) break; /* back to the fast loop */
                for (;;) {
                    e = axws__inf_peek(lt, AXWS__INF_LEN_ROOT, z->bits, &nb);
                    if (nb <= z->nbits) break;
                    if (in == end) goto out;
                    z->bits |= (uint64_t)*in++ << z->nbits;
                    z->nbits += 8;
                }
                k = AXWS__INF_KIND(e);
                if (k == AXWS__INF_LIT) {
                    z->bits >>= nb;
                    z->nbits -= nb;
                    w[pos++] = (uint8_t)AXWS__INF_VAL(e);
                    continue;
                }
                if (k == AXWS__INF_EOB) {
                    z->bits >>= nb;
                    z->nbits -= nb;
                    z->mode = z->last ? AXWS__INF_DONE : AXWS__INF_HEAD;
                    break;
                }
                if ((k & 0xF0u) != AXWS__INF_BASE) {
                    ret = axws__inf_fail(z, AXWS__INF_VAL(e) ? AXWS_INFLATE_E_SYMBOL : AXWS_INFLATE_E_LENCODE);
                    goto out;
                }
                k &= 0x0Fu;
                need = nb + k;
                for (;;) {
                    if (need <= z->nbits) {
                        e2 = axws__inf_peek(dt, AXWS__INF_DIST_ROOT, z->bits >> need, &nb2);
                        if (need + nb2 <= z->nbits) break;
                    }
                    if (in == end) goto out;
                    z->bits |= (uint64_t)*in++ << z->nbits;
                    z->nbits += 8;
                }
                k2 = AXWS__INF_KIND(e2);
                if ((k2 & 0xF0u) != AXWS__INF_BASE) {
                    ret = axws__inf_fail(z, AXWS__INF_VAL(e2) ? AXWS_INFLATE_E_SYMBOL : AXWS_INFLATE_E_DISTCODE);
                    goto out;
                }
                k2 &= 0x0Fu;
                while (need + nb2 + k2 > z->nbits) {
                    if (in == end) goto out;
                    z->bits |= (uint64_t)*in++ << z->nbits;
                    z->nbits += 8;
                }
                len = AXWS__INF_VAL(e) + (uint32_t)((z->bits >> nb) & ((1u << k) - 1));
                dist = AXWS__INF_VAL(e2) + (uint32_t)((z->bits >> (need + nb2)) & ((1u << k2) - 1));
                z->bits >>= need + nb2 + k2;
                z->nbits -= need + nb2 + k2;
                hist = have0 + (pos - start);
                if (dist > hist || dist > z->wsize) {
                    ret = axws__inf_fail(z, AXWS_INFLATE_E_FAR);
                    goto out;
                }
                k = len < lim - pos ? len : lim - pos;
                axws__inf_copy(w, z->wsize, pos, dist, k);
                pos += k;
                if (k < len) {
                    z->left = len - k;
                    z->dist = dist;
                    z->mode = AXWS__INF_MATCH;
                    ret = AXWS_INFLATE_OUTPUT_FULL;
                    goto out;
                }
            }
            break;
        }
        case AXWS__INF_DONE:
            ret = AXWS_INFLATE_END;
            goto out;
        default:
            ret = AXWS_EDEFLATE;
            goto out;
        }
    }
out:
    if (z->mode == AXWS__INF_DONE && ret >= 0) {
        /* the stream ended: whole bytes still in the bit buffer were not part of it */
        unsigned back = z->nbits / 8;
        if (back > (unsigned)(in - (const uint8_t *)input)) back = (unsigned)(in - (const uint8_t *)input);
        in -= back;
        z->bits = 0;
        z->nbits = 0;
        ret = AXWS_INFLATE_END;
    }
    z->whave = z->whave + (pos - start) > z->wsize ? z->wsize : z->whave + (pos - start);
    z->wpos = pos;
    *in_used = (size_t)(in - (const uint8_t *)input);
    *out = w + start;
    *out_len = pos - start;
    return ret;
}
#undef AXWS__INF_NEED
#endif /* AXWS_NO_DEFLATE */
/* <<inflate */

/* >>deflate: permessage-deflate (RFC 7692) on a connection: the offer, the answer's
   negotiation, and compressed messages inflated into the plain paths (msg_buf, chunks,
   UTF-8). Reached only through the hooks axws_deflate_enable() installs. */
#ifndef AXWS_NO_DEFLATE
static void axws__deflate_offer(axws_conn *c, void *request) {
    axws__buf *b = (axws__buf *)request;
    /* RFC 7692 7.1.2.2: client_max_window_bits without a value says the server may limit
       our window; we never compress, so any value suits. 7.1.2.1: server_max_window_bits
       bounds the server's window, and so the memory the inflate needs; 15 is the default
       and goes unsaid. */
    axws__puts(b, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits");
    if (c->cfg.deflate.window_bits < 15) {
        char v[3];
        size_t k = 0;
        v[k++] = '=';
        if (c->cfg.deflate.window_bits >= 10) v[k++] = '1';
        v[k++] = (char)('0' + c->cfg.deflate.window_bits % 10);
        axws__puts(b, "; server_max_window_bits");
        axws__put(b, v, k);
    }
    if (c->cfg.deflate.no_context_takeover) axws__puts(b, "; server_no_context_takeover");
    axws__puts(b, axws__crlf);
}

/* What the 101's Sec-WebSocket-Extensions said (every such header line, RFC 7230 3.2.2). */
typedef struct {
    int seen;        /* permessage-deflate named */
    int detail;      /* the first problem (AXWS__D_*), 0 = none */
    int server_bits; /* server_max_window_bits, 0 = absent */
    int client_bits; /* client_max_window_bits, 0 = absent */
    int server_fresh, client_fresh; /* the *_no_context_takeover parameters */
} axws__pmd_answer;

static const char *axws__deflate_ows(const char *p, const char *e) {
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    return p;
}

static const char *axws__deflate_token_end(const char *p, const char *e) {
    while (p < e && axws__http_is_tchar((unsigned char)*p)) p++;
    return p;
}

/* One parameter of permessage-deflate (RFC 7692 7.1): its name, and its value after
   unquoting (val NULL when it has none). */
static int axws__deflate_param(axws__pmd_answer *a, const char *n, size_t nl, const char *val, size_t vl) {
    int bits = 0, *slot;
    if (axws__ieq(n, nl, "server_no_context_takeover")) slot = &a->server_fresh;
    else if (axws__ieq(n, nl, "client_no_context_takeover")) slot = &a->client_fresh;
    else if (axws__ieq(n, nl, "server_max_window_bits")) slot = &a->server_bits;
    else if (axws__ieq(n, nl, "client_max_window_bits")) slot = &a->client_bits;
    else return AXWS__D_EXT_PARAM; /* 7.1: an answer with a parameter we do not know fails */
    if (*slot) return AXWS__D_EXT_TWICE; /* 7.1: a parameter at most once */
    if (slot == &a->server_fresh || slot == &a->client_fresh) {
        if (val) return AXWS__D_EXT_PARAM; /* 7.1.1: these have no value */
        *slot = 1;
        return 0;
    }
    /* 7.1.2: a decimal 8..15 without leading zeros; in an answer the value is required
       (client_max_window_bits too: 7.1.2.2) */
    if (!val || vl < 1 || vl > 2 || val[0] == '0') return AXWS__D_EXT_PARAM;
    while (vl--) {
        if (*val < '0' || *val > '9') return AXWS__D_EXT_PARAM;
        bits = bits * 10 + (*val++ - '0');
    }
    if (bits < 8 || bits > 15) return AXWS__D_EXT_PARAM;
    *slot = bits;
    return 0;
}

/* A Sec-WebSocket-Extensions value: 1#( token *( ";" token [ "=" ( token / quoted-string ) ] ) ). */
static int axws__deflate_header(void *ctx, const char *name, size_t nlen, const char *v, size_t vlen) {
    axws__pmd_answer *a = (axws__pmd_answer *)ctx;
    const char *p = v, *e = v + vlen;
    if (a->detail || !axws__ieq(name, nlen, "sec-websocket-extensions")) return 0;
    while (p < e && !a->detail) {
        const char *t = axws__deflate_ows(p, e), *te;
        p = t;
        if (p < e && *p == ',') { p++; continue; } /* RFC 7230 7: empty list elements */
        if (p == e) break;
        te = axws__deflate_token_end(p, e);
        if (te == p) { a->detail = AXWS__D_EXT_PARAM; break; }
        if (!axws__ieq(t, (size_t)(te - t), "permessage-deflate")) {
            a->detail = AXWS__D_EXT_NOT_OFFERED; /* RFC 6455 4.1: only what was offered */
            break;
        }
        if (a->seen++) { a->detail = AXWS__D_EXT_TWICE; break; } /* one offer, one answer */
        p = axws__deflate_ows(te, e);
        while (p < e && *p == ';' && !a->detail) {
            const char *pn = axws__deflate_ows(p + 1, e), *pe = axws__deflate_token_end(pn, e), *val = NULL;
            char buf[8];
            size_t vl = 0;
            p = axws__deflate_ows(pe, e);
            if (pe == pn) { a->detail = AXWS__D_EXT_PARAM; break; }
            if (p < e && *p == '=') {
                p = axws__deflate_ows(p + 1, e);
                if (p < e && *p == '"') { /* quoted-string, unquoted into buf (7.1: a token inside) */
                    for (p++; p < e && *p != '"'; p++) {
                        if (*p == '\\' && ++p == e) break;
                        if (vl < sizeof buf) buf[vl] = *p;
                        vl++;
                    }
                    if (p == e || vl > sizeof buf) { a->detail = AXWS__D_EXT_PARAM; break; }
                    p++;
                    val = buf;
                } else {
                    const char *ve = axws__deflate_token_end(p, e);
                    val = p;
                    vl = (size_t)(ve - p);
                    p = ve;
                }
                p = axws__deflate_ows(p, e);
            }
            a->detail = axws__deflate_param(a, pn, (size_t)(pe - pn), val, vl);
        }
        if (!a->detail && p < e && *p != ',') a->detail = AXWS__D_EXT_PARAM;
    }
    return 0;
}

/* The 101 carries extensions: accept permessage-deflate with parameters we can honour
   (RFC 7692 5, 7.1), or fail the connection saying which rule the answer broke. */
static int axws__deflate_negotiate(axws_conn *c) {
    axws__pmd_answer a;
    memset(&a, 0, sizeof a);
    axws__http_each_header((const char *)c->cfg.tx_buf, c->hs_len, axws__deflate_header, &a);
    /* 7.1.2.1: accepting server_max_window_bits=N means answering it with N or less; a
       larger window needs more memory than the program gave */
    if (!a.detail && a.seen &&
        (a.server_bits > c->cfg.deflate.window_bits || (c->cfg.deflate.window_bits < 15 && !a.server_bits)))
        a.detail = AXWS__D_EXT_WINDOW;
    if (a.detail) {
        if (!c->error) c->fail_detail = (uint8_t)a.detail;
        axws__frame_fail(c, AXWS_EHANDSHAKE, 0);
        return -1;
    }
    if (!a.seen) return 0; /* only empty values: nothing was accepted */
    /* client_*: about what we send, which is never compressed; server_no_context_takeover
       (7.1.1.1) is a promise we hold the server to: each message starts with no history */
    c->deflate_on = 1;
    c->deflate_fresh = (uint8_t)a.server_fresh;
    axws_inflate_init(c->cfg.deflate.state, c->cfg.deflate.window, c->cfg.deflate.window_bits);
    return 0;
}

static void axws__deflate_begin(axws_conn *c) {
    /* 7.2.2: the window carries over between messages unless no context takeover */
    axws_inflate_reset(c->cfg.deflate.state, !c->deflate_fresh);
}

/* Inflated bytes of the current message: checked and delivered like received ones. In
   chunk mode the latest span is held back, so that the message's last chunk can carry
   fin = 1 (only the end of the compressed data says which span is the last). */
static int axws__deflate_span(axws_conn *c, axws_inflate *z, const uint8_t *p, size_t n) {
    size_t limit = c->cfg.msg_buf ? c->cfg.msg_size
                 : c->cfg.deflate.max_message ? c->cfg.deflate.max_message : AXWS_DEFLATE_MAX_DEFAULT;
    unsigned gen = c->gen;
    /* RFC 6455 8.1 after RFC 7692 6.2: the inflated text is UTF-8, checked as it comes */
    if (c->msg_opcode == AXWS_OP_TEXT && axws__utf8_scan(&c->utf8_state, p, n) != 0) {
        axws__frame_fail_close(c, AXWS_EUTF8, AXWS_CLOSE_INVALID_DATA, 0);
        return -1;
    }
    if ((uint64_t)n > (uint64_t)limit - c->msg_len) { /* a decompression bomb stops here */
        if (!c->error) c->fail_detail = AXWS__D_DEFLATE_BIG;
        axws__frame_fail_close(c, AXWS_ETOOBIG, AXWS_CLOSE_TOO_BIG, 0);
        return -1;
    }
    if (c->cfg.msg_buf) {
        memcpy((uint8_t *)c->cfg.msg_buf + c->msg_len, p, n);
        c->msg_len += n;
        return 0;
    }
    if (z->span_len) {
        axws_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = AXWS_EV_CHUNK;
        ev.opcode = c->msg_opcode;
        ev.data = z->window + z->span_off;
        ev.len = z->span_len;
        ev.offset = z->span_at;
        z->span_len = 0;
        axws__frame_emit(c, &ev);
        if (c->gen != gen || c->state == AXWS_STATE_CLOSED) return 1; /* the callback ended it */
    }
    z->span_off = (uint32_t)(p - z->window);
    z->span_len = (uint32_t)n;
    z->span_at = c->msg_len;
    c->msg_len += n;
    return 0;
}

/* Payload bytes of a compressed message; msg_end after its last byte. Returns 0, or -1
   when the connection failed. */
/* The message's last byte was inflated: it must end where a block does (the tail's empty
   stored block) and, as text, be whole UTF-8; then it is delivered. */
static int axws__deflate_end(axws_conn *c, axws_inflate *z) {
    axws_event ev;
    if (z->mode != AXWS__INF_DONE && !(z->mode == AXWS__INF_HEAD && z->nbits == 0)) {
        z->mode = AXWS__INF_BAD;
        z->err = AXWS_INFLATE_E_END;
        if (!c->error) c->fail_detail = AXWS__D_INFLATE;
        axws__frame_fail_close(c, AXWS_EDEFLATE, AXWS_CLOSE_INVALID_DATA, 0);
        return -1;
    }
    if (c->msg_opcode == AXWS_OP_TEXT && c->utf8_state != AXWS__UTF8_ACCEPT) {
        axws__frame_fail_close(c, AXWS_EUTF8, AXWS_CLOSE_INVALID_DATA, 0);
        return -1;
    }
    memset(&ev, 0, sizeof ev);
    ev.opcode = c->msg_opcode;
    if (c->cfg.msg_buf) {
        ev.type = AXWS_EV_MESSAGE;
        ev.data = (const uint8_t *)c->cfg.msg_buf;
        ev.len = (size_t)c->msg_len;
    } else {
        ev.type = AXWS_EV_CHUNK;
        ev.data = z->span_len ? z->window + z->span_off : NULL;
        ev.len = z->span_len;
        ev.offset = z->span_len ? z->span_at : c->msg_len;
        ev.fin = 1;
        z->span_len = 0;
    }
    c->msg_opcode = 0;
    axws__frame_emit(c, &ev);
    return 0;
}

static int axws__deflate_data(axws_conn *c, const uint8_t *d, size_t n, int msg_end) {
    /* 7.2.2: the sender removed the empty stored block's LEN and NLEN; put them back */
    static const uint8_t tail[4] = {0x00, 0x00, 0xff, 0xff};
    axws_inflate *z = c->cfg.deflate.state;
    /* chunks: spans of at most half the window, so that the one held back is not
       overwritten while the next is made */
    size_t max_out = c->cfg.msg_buf ? (size_t)-1 : z->wsize / 2;
    int pass, r;
    for (pass = 0; pass < 1 + msg_end; pass++) {
        const uint8_t *p = pass ? tail : d;
        size_t left = pass ? sizeof tail : n;
        do {
            const uint8_t *out;
            size_t used, olen;
            r = axws_inflate_run(z, p, left, &used, max_out, &out, &olen);
            p += used;
            left -= used;
            if (r < 0) {
                if (!c->error) c->fail_detail = AXWS__D_INFLATE;
                axws__frame_fail_close(c, AXWS_EDEFLATE, AXWS_CLOSE_INVALID_DATA, 0);
                return -1;
            }
            if (olen) {
                int s = axws__deflate_span(c, z, out, olen);
                if (s) return s < 0 ? -1 : 0;
            }
        } while (r == AXWS_INFLATE_OUTPUT_FULL);
        /* after a final block (7.2.3.4) the rest of the message is not deflate data */
    }
    return msg_end ? axws__deflate_end(c, z) : 0;
}

static const char *axws__deflate_why(const axws_conn *c) {
    return axws_inflate_strerror(c->cfg.deflate.state);
}

AXWS__DEF int axws_deflate_enable(axws_deflate_config *d, axws_inflate *state, void *window, int window_bits) {
    static const struct axws__deflate_ops ops = {axws__deflate_offer, axws__deflate_negotiate, axws__deflate_begin,
                                                 axws__deflate_data, axws__deflate_why};
    AXWS_ASSERT(d != NULL);
    if (!state || !window || window_bits < 9 || window_bits > 15) return AXWS_EINVAL;
    d->state = state;
    d->window = window;
    d->window_bits = window_bits;
    d->ops = &ops;
    return AXWS_OK;
}

AXWS__DEF int axws_deflate_active(const axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    return c->deflate_on;
}
#endif /* AXWS_NO_DEFLATE */
/* <<deflate */

/* >>json */
#ifndef AXWS_NO_JSON
/* ======================================================================== JSON tokenizer
   Layout: the grammar is a small "what may come next" state (expect) plus a bit stack of
   open containers; tokens that a piece boundary cuts in two keep a lexical state (lex, sub,
   utf_*) so the next piece resumes at the exact byte. axws_json_next() is a small
   dispatcher: a string, key or number starting right here goes to its *_start function,
   which finishes the common shapes whole in the piece on the spot and hands anything else
   (escapes, non-ASCII, exponents, errors, a piece boundary) to the general scanner;
   everything else goes through axws__json_next_slow(). String bodies are scanned
   16 bytes (SSE2) or 8 bytes (SWAR) at a time for '"', '\\', control bytes and non-ASCII;
   only those stop the scan, and UTF-8 is validated only past a non-ASCII byte. Digit runs
   are scanned 8 at a time; the full number state machine runs only for exponents, errors
   and numbers that a piece boundary cuts outside their digits. A ':' or ',' right after a token is consumed with
   it, which saves a trip through the dispatch for most tokens of compact JSON. */
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
#else
#define AXWS__JSON_CTZ_LE 0
#endif

#if AXWS__SMALL
/* Does byte c stop the string scan: '"', '\\', controls (< 0x20) and non-ASCII. (Built
   for size: computed, where the fast build looks it up in 256 bytes.) */
static int axws__json_stops(uint8_t c) { return c < 0x20 || c >= 0x80 || c == '"' || c == '\\'; }
#else
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
#define axws__json_stops(c) axws__json_stop[c]
#endif

#if AXWS__JSON_CTZ_LE && !AXWS__SMALL
/* Mask with the high bit set in every byte of x that stops the scan. Borrows can only
   add false hits above a true one, so the lowest hit is always exact. */
static uint64_t axws__json_swar_stop(uint64_t x) {
    uint64_t q = x ^ (AXWS__JSON_ONES * 0x22u), s = x ^ (AXWS__JSON_ONES * 0x5Cu);
    return ((q - AXWS__JSON_ONES) | (s - AXWS__JSON_ONES) | (x - AXWS__JSON_ONES * 0x20u) | x) &
           AXWS__JSON_HIGHS;
}
#endif

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

/* The empty piece a tokenizer points at before its first feed and for a NULL one: its own
   object, not a "" literal, which the compiler may merge into another function's strings
   and so keep them in every program (see axws__crlf). */
static const uint8_t axws__json_empty[1] = {0};

#define AXWS__JSON_TOP_IS_OBJECT(j) \
    (((j)->stack[((j)->depth - 1) >> 3] >> (((j)->depth - 1) & 7)) & 1)

AXWS__DEF int axws_json_init_checked(axws_json *j, void *stack, size_t stack_size, uint32_t layout) {
    if (layout != AXWS__LAYOUT_JSON) return AXWS_ELAYOUT;
    memset(j, 0, sizeof *j);
    j->buf = axws__json_empty; /* an empty piece, never NULL (see axws_json_feed) */
    if (stack && stack_size) {
        j->stack = (uint8_t *)stack;
        /* one bit per level; cap so the depth counter never overflows */
        j->max_depth = stack_size > 0x1FFFFFFFu ? 0xFFFFFFF8u : (uint32_t)(stack_size * 8u);
        j->stack_levels = j->max_depth;
    } else {
        j->stack = j->inline_stack;
        j->max_depth = AXWS_JSON_DEFAULT_DEPTH;
    }
    return 0;
}

AXWS__DEF void axws_json_set_carry(axws_json *j, void *buf, size_t size) {
    j->carry = buf && size ? (char *)buf : NULL;
    j->carry_cap = j->carry ? size : 0;
    j->carry_len = 0;
}

AXWS__DEF void axws_json_set_max_depth(axws_json *j, uint32_t max_depth) {
    uint32_t cap = j->stack == j->inline_stack ? (uint32_t)AXWS_JSON_DEFAULT_DEPTH
                                               : j->stack_levels;
    j->max_depth = max_depth < cap ? max_depth : cap;
}

AXWS__DEF void axws_json_reset(axws_json *j) {
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

AXWS__DEF int axws_json_feed(axws_json *j, const void *data, size_t len) {
    if (j->err) return j->err;
    if (j->pos != j->len || j->pend) return AXWS_JSON_EFEED;
    if (j->eof) return AXWS_JSON_EFEED;
    j->base += j->len;
    j->buf = data ? (const uint8_t *)data : axws__json_empty; /* never arithmetic on NULL */
    j->len = data ? len : 0;
    j->pos = 0;
    return 0;
}

AXWS__DEF void axws_json_end(axws_json *j) { j->eof = 1; }
AXWS__DEF int axws_json_error(const axws_json *j) { return j->err; }
AXWS__DEF uint64_t axws_json_error_offset(const axws_json *j) { return j->err_offset; }
AXWS__DEF uint32_t axws_json_depth(const axws_json *j) { return j->depth; }

AXWS__DEF const char *axws_json_strerror(int err) {
    static const char texts[] = "success\0" AXWS__JSON_ERRORS(AXWS__TEXT_ITEM);
    static const signed char codes[] = {0, AXWS__JSON_ERRORS(AXWS__CODE_ITEM)};
    const char *t = axws__text_of(texts, codes, sizeof codes, err);
    return t ? t : "unknown error";
}

AXWS__DEF const char *axws_json_type_name(int type) {
    static const char names[] = "need_more\0begin_object\0end_object\0begin_array\0end_array\0key\0string\0"
                                "number\0true\0false\0null\0done";
    const char *t = names; /* packed as axws__text_of's lists are, indexed by the type */
    if (type < 0 || type > AXWS_JSON_DONE) return "error";
    while (type--) t += strlen(t) + 1;
    return t;
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
static AXWS__INLINE size_t axws__json_after_value_at(axws_json *j, const uint8_t *b,
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

/* After the closing quote of a key or a string value (p is just past it): a key's ':'
   usually follows at once. Returns the new position. */
static AXWS__INLINE size_t axws__json_after_string(axws_json *j, const uint8_t *b, size_t p,
                                                        size_t n, int key) {
    if (!key) return axws__json_after_value_at(j, b, p, n);
    if (p < n && b[p] == ':') {
        j->expect = AXWS__JSON_X_VALUE;
        return p + 1;
    }
    j->expect = AXWS__JSON_X_COLON;
    return p;
}

/* Fill a token that is whole in the current piece. */
static AXWS__INLINE void axws__json_emit(axws_json_token *t, int type, const uint8_t *data,
                                              size_t len, uint64_t offset, uint32_t depth,
                                              int integer) {
    t->type = (axws_json_type)type;
    t->data = (const char *)data;
    t->len = len;
    t->offset = offset;
    t->depth = depth;
    t->more = t->cont = t->escaped = 0;
    t->integer = (uint8_t)integer;
}

/* What a '"' means in each grammar state: 0 a string value, 1 a key, 2 an error. */
static const uint8_t axws__json_quote_kind[8] = {0, 0, 0, 1, 1, 2, 2, 2};

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

#if AXWS__JSON_SSE2 && AXWS__JSON_CTZ_LE
/* Bit i set when byte i of the 16 at b stops a string scan. */
static AXWS__INLINE unsigned axws__json_sse_stops(const uint8_t *b) {
    const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)b);
    /* signed compare: below 0x20 catches controls and every byte >= 0x80 */
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
                                     _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* The first byte at or after p that stops a string scan ('"', '\\', a control byte or a
   non-ASCII byte), or n. 16 bytes a step with SSE2, 8 with SWAR; near the piece's end the
   SSE2 step loads the piece's last 16 bytes and drops those before p rather than walking
   the tail byte by byte. */
static AXWS__INLINE size_t axws__json_skip_plain(const uint8_t *b, size_t p, size_t n) {
#if AXWS__JSON_SSE2 && AXWS__JSON_CTZ_LE
    while (p + 16 <= n) {
        unsigned mask = axws__json_sse_stops(b + p);
        if (mask) return p + (size_t)__builtin_ctz(mask);
        p += 16;
    }
    if (p < n && n >= 16) {
        unsigned mask = axws__json_sse_stops(b + n - 16) >> (p - (n - 16));
        return mask ? p + (size_t)__builtin_ctz(mask) : n;
    }
#endif
#if AXWS__JSON_CTZ_LE && !AXWS__SMALL
    while (p + 8 <= n) {
        uint64_t x, m;
        memcpy(&x, b + p, 8);
        m = axws__json_swar_stop(x);
        if (m) return p + (size_t)(__builtin_ctzll(m) >> 3);
        p += 8;
    }
#endif
    while (p < n && !axws__json_stops(b[p])) p++;
    return p;
}

/* Scan a string body from p; `first` is where this piece's part of the token starts (just
   after the opening quote, or the start of a piece when resuming; p may be further on when
   the fast path in axws_json_next() handed over at an escape or a non-ASCII byte). */
static AXWS__NOINLINE int axws__json_string(axws_json *j, axws_json_token *t, size_t p,
                                                 size_t first) {
    const uint8_t *b = j->buf;
    size_t n = j->len;
    int type = j->tok_key ? AXWS_JSON_KEY : AXWS_JSON_STRING;
    for (;;) {
        uint8_t c;
        if (AXWS__UNLIKELY(j->sub || j->utf_need)) {
            long long r = axws__json_str_slow(j, b, p, n);
            if (r < 0) return (int)r;
            p = (size_t)r;
        }
        p = axws__json_skip_plain(b, p, n);
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
        c = b[p];
        if (AXWS__LIKELY(c == '"')) {
            size_t end = p++;
            j->lex = AXWS__JSON_LEX_NONE;
            j->pos = axws__json_after_string(j, b, p, n, type == AXWS_JSON_KEY);
            if (AXWS__LIKELY(!j->carry_len))
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
                        if (!axws__json_hex(b[p + (size_t)k]))
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
            uint32_t lead = axws__utf8_lead(c); /* continuation count and the 2nd byte's range */
            uint8_t need = (uint8_t)lead, lo = (uint8_t)(lead >> 8), hi = (uint8_t)(lead >> 16);
            if (lead == 0xFFFFFFFFu) return axws__json_fail(j, AXWS_JSON_EUTF8, p);
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

/* A string or key whose opening quote is at p. One with nothing to look at inside and
   whole in this piece (most of them) is handled right here; anything else continues in
   axws__json_string(). A function of its own, called last, so that axws_json_next()
   stays a dispatcher that saves no registers. */
static AXWS__NOINLINE int axws__json_string_start(axws_json *j, axws_json_token *t,
                                                       size_t p, int key) {
    const uint8_t *b = j->buf;
    size_t n = j->len, q = AXWS__SMALL ? p + 1 : axws__json_skip_plain(b, p + 1, n);
    if (!AXWS__SMALL && AXWS__LIKELY(q < n && b[q] == '"')) {
        int type = key ? AXWS_JSON_KEY : AXWS_JSON_STRING;
        axws__json_emit(t, type, b + p + 1, q - p - 1, j->base + p, j->depth, 0);
        j->pos = axws__json_after_string(j, b, q + 1, n, key);
        return type;
    }
    j->tok_offset = j->base + p;
    j->tok_escaped = 0;
    j->tok_chunked = 0;
    j->tok_integer = 0;
    j->tok_key = (uint8_t)key;
    return axws__json_string(j, t, q, p + 1);
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
static AXWS__INLINE size_t axws__json_digits(const uint8_t *b, size_t p, size_t n) {
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

/* The common shapes -?(0|[1-9][0-9]*)(\.[0-9]+)? from p in state *s (START, or INT or FRAC
   when a piece boundary cut the digits). Returns where they stop, with *s the state there
   (ZERO, INT or FRAC) and *integer cleared past a '.'; or (size_t)-1 when only the full
   state machine can tell (another state, a '-' or '.' without a digit after it). The
   caller looks at the byte where it stopped. */
static AXWS__INLINE size_t axws__json_num_fast(const uint8_t *b, size_t p, size_t n,
                                                    uint8_t *s, uint8_t *integer) {
    if (*s == AXWS__JSON_N_START) {
        p += b[p] == '-';
        if (p < n && b[p] >= '1' && b[p] <= '9') {
            p = axws__json_digits(b, p + 1, n);
            *s = AXWS__JSON_N_INT;
        } else if (p < n && b[p] == '0') {
            p++;
            *s = AXWS__JSON_N_ZERO;
        } else return (size_t)-1;
    } else if (*s == AXWS__JSON_N_INT) {
        p = axws__json_digits(b, p, n);
    } else if (*s == AXWS__JSON_N_FRAC) {
        return axws__json_digits(b, p, n);
    } else return (size_t)-1;
    if (p < n && b[p] == '.') {
        size_t f = axws__json_digits(b, p + 1, n);
        if (f == p + 1) return (size_t)-1;
        *s = AXWS__JSON_N_FRAC;
        *integer = 0;
        return f;
    }
    return p;
}

/* Does the byte where the common shapes stopped end the number? (Not when it goes on
   with an exponent, or with a digit after a leading zero or a '.' after the fraction,
   which the machine reports.) */
static AXWS__INLINE int axws__json_num_ends(uint8_t c) {
    return !axws__json_digit(c) && (c | 0x20) != 'e' && c != '.';
}

static int axws__json_number(axws_json *j, axws_json_token *t, size_t p);

/* A number that starts at p (the first byte is '-' or a digit). The common shapes whole in
   this piece are handled right here; anything else continues in axws__json_number(). */
static AXWS__NOINLINE int axws__json_number_start(axws_json *j, axws_json_token *t,
                                                       size_t p) {
    const uint8_t *b = j->buf;
    size_t n = j->len, q;
    uint8_t s = AXWS__JSON_N_START, integer = 1;
    q = AXWS__SMALL ? n : axws__json_num_fast(b, p, n, &s, &integer);
    if (!AXWS__SMALL && AXWS__LIKELY(q < n) && axws__json_num_ends(b[q])) {
        axws__json_emit(t, AXWS_JSON_NUMBER, b + p, q - p, j->base + p, j->depth, integer);
        j->pos = axws__json_after_value_at(j, b, q, n);
        return AXWS_JSON_NUMBER;
    }
    j->tok_offset = j->base + p;
    j->tok_integer = 1;
    j->tok_escaped = 0;
    j->tok_chunked = 0;
    j->sub = 0;
    return axws__json_number(j, t, p);
}

/* A number from p: its start, or where a piece boundary cut it (j->sub says where). The
   common shapes go straight through, also when resuming inside integer or fraction
   digits: a cut number is the costliest boundary, so resuming must not fall back to the
   byte-wise machine. Exponents, errors and cuts elsewhere run the machine from p. */
static int axws__json_number(axws_json *j, axws_json_token *t, size_t p) {
    size_t n = j->len, first = p, q;
    const uint8_t *b = j->buf;
    uint8_t s = j->sub, integer = j->tok_integer;
    long long r;
    q = axws__json_num_fast(b, p, n, &s, &integer);
    if (q < n) {
        if (!axws__json_num_ends(b[q])) goto machine;
        j->sub = 0;
        j->tok_integer = integer;
        j->lex = AXWS__JSON_LEX_NONE;
        j->pos = axws__json_after_value_at(j, b, q, n);
        if (AXWS__LIKELY(!j->carry_len))
            return axws__json_span(j, t, AXWS_JSON_NUMBER, b + first, q - first, 0);
        return axws__json_deliver(j, t, AXWS_JSON_NUMBER, first, q, 1);
    }
    if (q == n && !j->eof) {
        /* cut inside the digits: remember where, hand out this piece's part */
        j->sub = s;
        j->tok_integer = integer;
        j->lex = AXWS__JSON_LEX_NUMBER;
        j->pos = n;
        r = axws__json_deliver(j, t, AXWS_JSON_NUMBER, first, n, 0);
        return r ? (int)r : AXWS_JSON_NEED_MORE;
    }
machine:
    r = axws__json_num_scan(j, b, p, n);
    if (r < 0) return (int)r;
    p = (size_t)r;
    s = j->sub;
    if (s == 0xFF || (p == n && j->eof)) {
        if (s != 0xFF && s != AXWS__JSON_N_ZERO && s != AXWS__JSON_N_INT &&
            s != AXWS__JSON_N_FRAC && s != AXWS__JSON_N_EXP)
            return axws__json_fail(j, AXWS_JSON_ENUMBER, p);
        j->sub = 0;
        j->lex = AXWS__JSON_LEX_NONE;
        j->pos = axws__json_after_value_at(j, j->buf, p, n);
        if (AXWS__LIKELY(!j->carry_len))
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
        return axws__json_string(j, t, j->pos, j->pos);
    case AXWS__JSON_LEX_NUMBER: return axws__json_number(j, t, j->pos);
    default: return axws__json_literal(j, t, j->pos, j->tok_integer);
    }
}

/* Everything but the common cases, which axws_json_next() takes first. */
/* A bracket token (punctuation: no data) of type `type` at p; the next token starts at next. */
static int axws__json_bracket(axws_json *j, axws_json_token *t, size_t p, int type, size_t next) {
    t->type = (axws_json_type)type;
    t->offset = j->base + p;
    t->depth = j->depth;
    j->pos = next;
    t->data = NULL;
    t->len = 0;
    t->more = t->cont = t->escaped = t->integer = 0;
    return type;
}

/* '{' or '[' at p: one level deeper. */
static int axws__json_open(axws_json *j, axws_json_token *t, size_t p, uint8_t c) {
    int type = c == '{' ? AXWS_JSON_BEGIN_OBJECT : AXWS_JSON_BEGIN_ARRAY, r;
    if (j->expect > AXWS__JSON_X_ARR_NEXT) return axws__json_unexpected(j, p, c);
    if (j->depth >= j->max_depth) return axws__json_fail(j, AXWS_JSON_EDEPTH, p);
    if (c == '{') j->stack[j->depth >> 3] |= (uint8_t)(1u << (j->depth & 7));
    else j->stack[j->depth >> 3] &= (uint8_t)~(1u << (j->depth & 7));
    r = axws__json_bracket(j, t, p, type, p + 1);
    j->depth++;
    j->expect = (uint8_t)(c == '{' ? AXWS__JSON_X_OBJ_FIRST : AXWS__JSON_X_ARR_FIRST);
    return r;
}

/* '}' or ']' at p: it must close what is open, after a value or at once. */
static int axws__json_close(axws_json *j, axws_json_token *t, size_t p, uint8_t c) {
    if (j->expect == AXWS__JSON_X_COMMA ||
        j->expect == (c == '}' ? AXWS__JSON_X_OBJ_FIRST : AXWS__JSON_X_ARR_FIRST)) {
        if ((int)AXWS__JSON_TOP_IS_OBJECT(j) != (c == '}')) return axws__json_fail(j, AXWS_JSON_EMISMATCH, p);
        j->depth--;
        return axws__json_bracket(j, t, p, c == '}' ? AXWS_JSON_END_OBJECT : AXWS_JSON_END_ARRAY,
                                  axws__json_after_value_at(j, j->buf, p + 1, j->len));
    }
    if (j->expect == AXWS__JSON_X_OBJ_FIRST || j->expect == AXWS__JSON_X_ARR_FIRST)
        return axws__json_fail(j, AXWS_JSON_EMISMATCH, p);
    return axws__json_unexpected(j, p, c);
}

static AXWS__NOINLINE int axws__json_next_slow(axws_json *j, axws_json_token *t) {
    const uint8_t *b = j->buf;
    size_t p = j->pos, n = j->len;
    if (AXWS__UNLIKELY(j->err)) return j->err;
    if (AXWS__UNLIKELY(j->pend)) {
        j->pend = 0;
        return axws__json_span(j, t, j->pend_type, b + j->pend_first, j->pend_end - j->pend_first,
                               j->pend_more);
    }
    if (AXWS__UNLIKELY(j->lex != AXWS__JSON_LEX_NONE)) return axws__json_resume(j, t);
    for (;;) {
        uint8_t c;
        if (AXWS__UNLIKELY(p == n)) return axws__json_at_end(j);
        c = b[p];
        if (c <= 0x20 && axws__json_ws(c)) {
            p++;
            continue;
        }
        switch (c) {
        case '"':
            if (axws__json_quote_kind[j->expect] > 1) return axws__json_unexpected(j, p, c);
            return axws__json_string_start(j, t, p, axws__json_quote_kind[j->expect]);
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
        case '[': return axws__json_open(j, t, p, c);
        case '}':
        case ']': return axws__json_close(j, t, p, c);
        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            if (j->expect > AXWS__JSON_X_ARR_NEXT) return axws__json_unexpected(j, p, c);
            return axws__json_number_start(j, t, p);
        case 't': case 'f': case 'n':
            if (j->expect > AXWS__JSON_X_ARR_NEXT) return axws__json_unexpected(j, p, c);
            j->tok_offset = j->base + p;
            j->sub = 1;
            return axws__json_literal(j, t, p + 1,
                                      c == 't' ? AXWS_JSON_TRUE
                                               : c == 'f' ? AXWS_JSON_FALSE : AXWS_JSON_NULL);
        default: return axws__json_unexpected(j, p, c);
        }
    }
}

AXWS__DEF int axws_json_next(axws_json *j, axws_json_token *t) {
    size_t p = j->pos;
    /* the common cases first, in a small function: a string or key, or a number, that
       starts right here with nothing pending; a string that continues in a new piece; a
       piece that is used up */
    if (AXWS__SMALL) return axws__json_next_slow(j, t); /* the same, in one place */
    if (AXWS__LIKELY(p < j->len && !(j->err | j->pend | j->lex))) {
        uint8_t c = j->buf[p], kind = axws__json_quote_kind[j->expect];
        if (c == '"' && kind < 2) return axws__json_string_start(j, t, p, kind);
        if ((axws__json_digit(c) || c == '-') && kind == 0) return axws__json_number_start(j, t, p);
    } else if (!(j->err | j->pend)) {
        if (p == j->len && !j->eof) return AXWS_JSON_NEED_MORE;
        if (p < j->len && j->lex == AXWS__JSON_LEX_STRING) return axws__json_string(j, t, p, p);
        if (p < j->len && j->lex == AXWS__JSON_LEX_NUMBER) return axws__json_number(j, t, p);
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

AXWS__DEF void axws_json_unescape_init_flags(axws_json_unescaper *u, char *out, size_t cap,
                                            unsigned flags) {
    memset(u, 0, sizeof *u);
    u->out = out;
    u->cap = out ? cap : 0;
    u->flags = (uint8_t)flags;
}

AXWS__DEF void axws_json_unescape_init(axws_json_unescaper *u, char *out, size_t cap) {
    axws_json_unescape_init_flags(u, out, cap, 0);
}

AXWS__DEF void axws_json_unescape_add(axws_json_unescaper *u, const char *raw, size_t len) {
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

AXWS__DEF int axws_json_unescape_finish(axws_json_unescaper *u, size_t *out_len) {
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

AXWS__DEF int axws_json_unescape(const char *raw, size_t len, char *out, size_t cap,
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
    uint64_t w;                  /* the digits after a leading "0" as one number, exact
                                    while nd <= 19 (it wraps beyond: unused then) */
    size_t nd;                   /* how many digits w took */
} axws__json_num;

/* The digits from s[i]: their value added onto *w (wrapping beyond 19 digits); returns
   where they end. */
static AXWS__INLINE size_t axws__json_num_digits(const char *s, size_t i, size_t len, uint64_t *w) {
    uint64_t v = *w;
    unsigned d;
    for (; i < len && (d = (unsigned)(uint8_t)s[i] - '0') < 10u; i++) v = v * 10 + d;
    *w = v;
    return i;
}

/* Checks the grammar as it reads. The running sums stay in locals and are stored once:
   written into *o digit by digit, every byte read (a char) could alias them, so each digit
   would store and reload them (about 40 % of a price's conversion). */
static AXWS__INLINE int axws__json_num_parse(const char *s, size_t len, axws__json_num *o) {
    size_t i = 0, from;
    uint64_t w = 0;
    long x = 0;
    unsigned d;
    int eneg = 0;
    memset(o, 0, sizeof *o);
    if (!s || !len) return AXWS_JSON_ENUMBER;
    if (s[0] == '-') { o->neg = 1; i++; }
    o->ip = s + i;
    if (i < len && s[i] == '0') i++;
    else {
        from = i;
        i = axws__json_num_digits(s, i, len, &w);
        if (i == from) return AXWS_JSON_ENUMBER;
        o->nd = i - from;
    }
    o->il = (size_t)(s + i - o->ip);
    if (i < len && s[i] == '.') {
        o->fp = s + ++i;
        from = i;
        i = axws__json_num_digits(s, i, len, &w);
        if (i == from) return AXWS_JSON_ENUMBER;
        o->fl = i - from;
        o->nd += o->fl;
    }
    o->w = w; /* wrapped when nd > 19: unused then */
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        if (++i < len && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        for (from = i; i < len && (d = (unsigned)(uint8_t)s[i] - '0') < 10u; i++)
            if (x < 100000000L) x = x * 10 + (long)d;
        if (i == from) return AXWS_JSON_ENUMBER;
        o->exp = eneg ? -x : x;
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

AXWS__DEF int axws_json_to_int64(const char *s, size_t len, int64_t *out) {
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

#ifndef AXWS_NO_AXIOM /* only the Axiom layer's number formatter shifts (axws__axiom_fmt_g) */
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
#endif

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

/* Limb i of a * 2^s (s >= 0), without building the shifted number. */
static uint32_t axws__json_big_limb_shl(const axws__json_big *a, long s, size_t i) {
    size_t q = (size_t)s / 32;
    unsigned r = (unsigned)s % 32;
    uint32_t hi, lo;
    if (i < q) return 0;
    hi = i - q < a->n ? a->d[i - q] : 0;
    if (!r) return hi;
    lo = i - q >= 1 && i - q - 1 < a->n ? a->d[i - q - 1] : 0;
    return (hi << r) | (lo >> (32 - r));
}

/* Compare a * 2^sa with b * 2^sb (sa, sb >= 0) limb by limb from the top: no shifted copy
   (each big number is half a kilobyte of stack). */
static int axws__json_big_cmp_shl(const axws__json_big *a, long sa, const axws__json_big *b, long sb) {
    size_t na = a->n + (size_t)sa / 32 + 1, nb = b->n + (size_t)sb / 32 + 1, i;
    for (i = na > nb ? na : nb; i > 0; i--) {
        uint32_t x = axws__json_big_limb_shl(a, sa, i - 1), y = axws__json_big_limb_shl(b, sb, i - 1);
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

/* Exactly-representable powers of ten up to 1e22; the rest are the compiler's correctly
   rounded constants, used only for the first guess. */
#if defined(__OPTIMIZE_SIZE__) && !defined(AXWS_JSON_FULL_POW10)
/* Built for size (-Os): 10^0..10^22 exactly and 10^(23k), so a larger power is a product
   of two: 37 doubles instead of 309 (2.2 KB less flash). The exact comparisons below take
   the slow path's guess from there when it is a unit in the last place further off. */
static const double axws__json_pow10[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
static const double axws__json_pow10_23k[14] = {1e0,   1e23,  1e46,  1e69,  1e92,  1e115, 1e138,
                                                1e161, 1e184, 1e207, 1e230, 1e253, 1e276, 1e299};
static double axws__json_pow10_at(long e) { return axws__json_pow10[e % 23] * axws__json_pow10_23k[e / 23]; }
#else
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
#define axws__json_pow10_at(e) axws__json_pow10[e]
#endif

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
    const axws__json_big *l;
    axws__json_big r;
    long l2, r2, k;
    if (x->e10 >= 0) {
        l = &x->base; l2 = x->e10;
        axws__json_big_set(&r, f); r2 = g;
    } else {
        l = &x->digits; l2 = 0;
        axws__json_big_mul64(&r, &x->base, f); r2 = g - x->e10;
    }
    k = l2 < r2 ? l2 : r2;
    return axws__json_big_cmp_shl(l, l2 - k, &r, r2 - k);
}

/* The exact value of the number's significant digits times 10^e10, for comparisons with
   halfway points. A halfway point between doubles has at most 767 significant digits, so
   digits past the 800th only matter as "some were non-zero": they become one '1'. */
static void axws__json_exact_init(axws__json_exact *x, const axws__json_num *o, size_t lo, size_t n, long e10) {
    size_t use = n, d;
    uint32_t chunk = 0, mul = 1;
    x->e10 = e10;
    if (n > 800) { use = 800; x->e10 = e10 + (long)(n - 800) - 1; }
    axws__json_big_set(&x->digits, 0);
    for (d = 0; d < use; d++) {
        chunk = chunk * 10 + axws__json_num_digit(o, lo + d);
        mul *= 10;
        if (mul == 1000000000u) {
            axws__json_big_muladd(&x->digits, mul, chunk);
            if (x->digits.n == 0 && chunk) axws__json_big_set(&x->digits, chunk);
            chunk = 0; mul = 1;
        }
    }
    if (n > 800) { chunk = chunk * 10 + 1; mul *= 10; }
    if (mul > 1) {
        if (x->digits.n == 0) axws__json_big_set(&x->digits, chunk);
        else axws__json_big_muladd(&x->digits, mul, chunk);
    }
    if (x->e10 >= 0) {
        x->base = x->digits;
        axws__json_big_mul_pow5(&x->base, x->e10);
    } else {
        axws__json_big_set(&x->base, 1);
        axws__json_big_mul_pow5(&x->base, -x->e10);
    }
}

/* From a guess z within a few units in the last place to the correctly rounded value of
   x: exact comparisons with the halfway points around it. */
static double axws__json_exact_round(const axws__json_exact *x, double z) {
    int iter;
    for (iter = 0; iter < 64; iter++) {
        uint64_t bits = axws__json_double_to_bits(z), m;
        long g;
        int c;
        if ((bits >> 52) == 0x7FF) break; /* rounded up past DBL_MAX: infinity */
        m = bits & (((uint64_t)1 << 52) - 1);
        if (bits >> 52) { m |= (uint64_t)1 << 52; g = (long)(bits >> 52) - 1075; }
        else g = -1074;
        /* upper halfway point (2m+1) * 2^(g-1) */
        c = axws__json_exact_cmp(x, 2 * m + 1, g - 1);
        if (c > 0 || (c == 0 && (m & 1))) { z = axws__json_bits_to_double(bits + 1); continue; }
        if (c == 0 || m == 0) break;
        /* lower halfway point; below a power of two the gap is half as wide */
        if ((m == ((uint64_t)1 << 52)) && (bits >> 52) > 1)
            c = axws__json_exact_cmp(x, 4 * m - 1, g - 2);
        else
            c = axws__json_exact_cmp(x, 2 * m - 1, g - 1);
        if (c < 0 || (c == 0 && (m & 1))) { z = axws__json_bits_to_double(bits - 1); continue; }
        break;
    }
    return z;
}

/* The slow path, kept out of axws_json_to_double so that its 1 KB of big integers is on
   the stack only when a number needs it. */
static AXWS__NOINLINE double axws__json_to_double_exact(const axws__json_num *o, size_t lo, size_t n, long e10, uint64_t w, long e) {
    axws__json_exact x;
    double z;
    if (e >= 0) z = e > 308 ? DBL_MAX : (double)w * axws__json_pow10_at(e);
    else if (e >= -308) z = (double)w / axws__json_pow10_at(-e);
    else z = (double)w / 1e308 / axws__json_pow10_at(-e - 308);
    if (z > DBL_MAX) z = DBL_MAX;
    axws__json_exact_init(&x, o, lo, n, e10);
    return axws__json_exact_round(&x, z);
}

/* Clinger's fast path: w and 10^|e| are exact doubles, so one correctly rounded operation
   gives the correctly rounded w * 10^e. Returns 1 with *z set, or 0 when it does not apply
   (or the compiler's floating point is not plain double: FLT_EVAL_METHOD). */
static int axws__json_clinger(uint64_t w, long e, double *z) {
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    if (w <= ((uint64_t)1 << 53) && e >= -22 && e <= 22) {
        *z = e >= 0 ? (double)w * axws__json_pow10[e] : (double)w / axws__json_pow10[-e];
        return 1;
    }
    if (e > 22 && e <= 22 + 15) { /* move zeros into w while it stays exact */
        while (e > 22 && w <= ((uint64_t)1 << 53) / 10) { w *= 10; e--; }
        if (e == 22 && w <= ((uint64_t)1 << 53)) {
            *z = (double)w * 1e22;
            return 1;
        }
    }
#else
    (void)w; (void)e; (void)z;
#endif
    return 0;
}

AXWS__DEF int axws_json_to_double(const char *s, size_t len, double *out) {
    axws__json_num o;
    size_t lo, n, k, i;
    long e10, e;
    uint64_t w = 0;
    double z;
    int r = axws__json_num_parse(s, len, &o);
    if (r) return r;
    /* the common number (prices, timestamps): up to 19 digits, read once by the parse */
    if (o.nd <= 19 && axws__json_clinger(o.w, o.exp - (long)o.fl, &z)) goto finish;
    n = axws__json_num_sig(&o, &lo, &e10);
    if (n == 0) { *out = o.neg ? -0.0 : 0.0; return 0; }
    /* value in [10^(e10+n-1), 10^(e10+n)): beyond 1e310 it overflows, below 1e-324 (under
       half the smallest subnormal, 4.9e-324) it rounds to zero */
    if (e10 + (long)n > 310) { z = DBL_MAX * 2.0; goto finish; }
    if (e10 + (long)n < -324) { z = 0.0; goto finish; }
    k = n < 19 ? n : 19;
    for (i = 0; i < k; i++) w = w * 10 + axws__json_num_digit(&o, lo + i);
    e = e10 + (long)(n - k);
    if (n == k && axws__json_clinger(w, e, &z)) goto finish;
    z = axws__json_to_double_exact(&o, lo, n, e10, w, e);
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

AXWS__DEF void axws_json_paths_reset(axws_json_paths *m) {
    m->depth = 0;
    m->cur = 0;
    m->last_id = -1;
    m->alive[1] = m->all;
}

AXWS__DEF int axws_json_paths_init(axws_json_paths *m, const char *const *patterns, size_t count) {
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

AXWS__DEF int axws_json_paths_token(axws_json_paths *m, const axws_json_token *t) {
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
#endif /* AXWS_NO_JSON */
/* <<json */

/* >>port: the network port. The socket driver (>>sock) and the TLS layer reach the network
   only through these, for one non-blocking TCP socket (an int descriptor):
       axws__port_open(family)          -> descriptor, or -1 (errno): non-blocking, no Nagle
       axws__port_connect(fd, a, port)  -> 0 connected, 1 in progress, -1 failed (errno)
       axws__port_connect_result(fd)    -> 0 once connected, else the errno it ended with;
                                           on a connected socket: its pending error, or 0
       axws__port_send(fd, p, n)        -> bytes taken (> 0), 0 would block, -1 failed (errno)
       axws__port_recv(fd, p, n)        -> bytes read (> 0), 0 would block, AXWS__PORT_EOF,
                                           -1 failed (errno)
       axws__port_close(fd)             -> after discarding unread input (see there)
       axws__port_drop(fd)              -> close a socket that never connected
       axws__port_setup(fd)             -> make a program's socket (axws_connect_fd) fit
       axws__port_resolve(host, out, max) -> the default resolver (axws_resolve_fn)
       axws_poll(), axws_now_ms()       -> readiness and the clock, public
   POSIX and lwIP's socket API take the same calls, so one body serves both ports:
   AXWS__SYS(name) is the POSIX function or its lwip_ twin. With AXWS_PORT_USER these
   names are the program's axws_port_* functions (declared with the API) and none of the
   bodies below exists: the driver keeps calling one set of names whatever the port. */
#ifndef AXWS_NO_SOCKETS
/* Reads one step makes at most (ws:// and wss:// alike): a peer that keeps the socket full
   must not hold a step, and with it the timers and every other connection, for long. */
#define AXWS__READS_PER_STEP 16
#ifdef AXWS_PORT_USER
/* Plain renames, no wrappers: the program's functions are called directly. */
#define AXWS__PORT_EOF AXWS_PORT_EOF
#define axws__port_open axws_port_open
#define axws__port_connect axws_port_connect
#define axws__port_connect_result axws_port_connect_result
#define axws__port_send axws_port_send
#define axws__port_recv axws_port_recv
#define axws__port_close axws_port_close
#define axws__port_drop axws_port_close /* one close: the program's port knows its sockets */
#define axws__port_resolve axws_port_resolve
/* axws_connect_fd: a descriptor of the program's port is already what that port makes */
static int axws__port_setup(int fd) { (void)fd; return 0; }
#else /* POSIX or lwIP */
#ifdef AXWS_PORT_LWIP
#define AXWS__SYS(name) lwip_##name
#else
#define AXWS__SYS(name) name
#endif
#ifdef MSG_NOSIGNAL
#define AXWS__SEND_FLAGS MSG_NOSIGNAL
#else
#define AXWS__SEND_FLAGS 0 /* SO_NOSIGPIPE is set on the socket instead, where it exists */
#endif
#define AXWS__PORT_EOF (-2)

static int axws__port_would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

static int axws__port_setup(int fd) {
    int one = 1;
    int fl = AXWS__SYS(fcntl)(fd, F_GETFL, 0);
    if (fl < 0 || AXWS__SYS(fcntl)(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
#ifdef AXWS__PORT_POSIX
    fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
    /* small frames must not wait for Nagle (a TLS handshake stalls ~40 ms without it) */
    AXWS__SYS(setsockopt)(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#ifdef SO_NOSIGPIPE
    AXWS__SYS(setsockopt)(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    return 0;
}

#ifdef AXWS__READ_BATCH
/* Wake for input only when `bytes` wait (cfg.read_batch). Returns 0, or -1 where the system
   cannot: reads then stay as bytes arrive. */
static int axws__port_read_batch(int fd, size_t bytes) {
#ifdef SO_RCVLOWAT
    int v = bytes > (size_t)INT32_MAX ? (int)INT32_MAX : (int)bytes;
    return setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v) == 0 ? 0 : -1;
#else
    (void)fd;
    (void)bytes;
    return -1;
#endif
}
#endif

static int axws__port_open(int family) {
    int fd = AXWS__SYS(socket)(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && axws__port_setup(fd) != 0) {
        int e = errno;
        AXWS__SYS(close)(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int axws__port_connect(int fd, const axws_addr *a, int port) {
    union { struct sockaddr sa; struct sockaddr_in in4; struct sockaddr_in6 in6; } u;
    socklen_t len;
    memset(&u, 0, sizeof u);
    if (a->family == 6) {
        u.in6.sin6_family = AF_INET6;
        u.in6.sin6_port = htons((uint16_t)port);
        memcpy(&u.in6.sin6_addr, a->ip, 16);
        len = sizeof u.in6;
    } else {
        u.in4.sin_family = AF_INET;
        u.in4.sin_port = htons((uint16_t)port);
        memcpy(&u.in4.sin_addr, a->ip, 4);
        len = sizeof u.in4;
    }
    if (AXWS__SYS(connect)(fd, &u.sa, len) == 0) return 0;
    return errno == EINPROGRESS || errno == EINTR ? 1 : -1;
}

static int axws__port_connect_result(int fd) {
    int err = 0;
    socklen_t len = sizeof err;
    if (AXWS__SYS(getsockopt)(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    return err;
}

static long axws__port_send(int fd, const void *p, size_t n) {
    for (;;) {
        long r = (long)AXWS__SYS(send)(fd, p, n, AXWS__SEND_FLAGS);
        if (r >= 0) return r > 0 ? r : (errno = EPIPE, -1);
        if (errno == EINTR) continue;
        return axws__port_would_block(errno) ? 0 : -1;
    }
}

static long axws__port_recv(int fd, void *p, size_t n) {
    for (;;) {
        long r = (long)AXWS__SYS(recv)(fd, p, n, 0);
        if (r > 0) return r;
        if (r == 0) return AXWS__PORT_EOF;
        if (errno == EINTR) continue;
        return axws__port_would_block(errno) ? 0 : -1;
    }
}

/* Unread input makes close() send a reset, which can destroy the close frame we just sent
   before the peer reads it: discard what is already here first (bounded, small stack). */
static void axws__port_close(int fd) {
    uint8_t sink[256];
    int i;
    for (i = 0; i < 64 && AXWS__SYS(recv)(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; i++)
        ;
    AXWS__SYS(close)(fd);
}

/* A socket that never carried data (its connect failed or timed out): nothing to discard. */
static void axws__port_drop(int fd) { AXWS__SYS(close)(fd); }

AXWS__DEF int axws_poll(struct pollfd *fds, int nfds, int timeout_ms) {
    return AXWS__SYS(poll)(fds, (nfds_t)nfds, timeout_ms);
}

#ifdef AXWS_PORT_LWIP
AXWS__DEF int64_t axws_now_ms(void) {
    /* sys_now() is a 32-bit millisecond count that wraps every 49.7 days: carry the wraps */
    static uint32_t last, wraps;
    uint32_t now = sys_now();
    if (now < last) wraps++;
    last = now;
    return (int64_t)wraps << 32 | now;
}
#else
AXWS__DEF int64_t axws_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
#endif

#if defined(AXWS__PORT_POSIX) || (defined(LWIP_DNS) && LWIP_DNS)
static int axws__port_resolve(void *user, const char *host, int port, axws_addr *out, int max) {
    struct addrinfo hints, *res = NULL, *ai;
    int n = 0;
    (void)user; (void)port;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (AXWS__SYS(getaddrinfo)(host, NULL, &hints, &res) != 0 || !res) return AXWS_ERESOLVE;
    for (ai = res; ai && n < max; ai = ai->ai_next) {
        memset(&out[n], 0, sizeof out[n]);
        if (ai->ai_family == AF_INET) {
            out[n].family = 4;
            memcpy(out[n].ip, &((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr, 4);
        } else if (ai->ai_family == AF_INET6) {
            out[n].family = 6;
            memcpy(out[n].ip, &((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr, 16);
        } else {
            continue;
        }
        n++;
    }
    AXWS__SYS(freeaddrinfo)(res);
    return n ? n : AXWS_ERESOLVE;
}
#else
/* lwIP built without DNS: names need cfg.resolve (IP literals work without it). */
static int axws__port_resolve(void *user, const char *host, int port, axws_addr *out, int max) {
    (void)user; (void)host; (void)port; (void)out; (void)max;
    return AXWS_ERESOLVE;
}
#endif
#endif /* AXWS_PORT_USER */

/* The socket failed: the connection fails with AXWS_EIO, or ends at once when it was
   failing already (its close frame queued): axws__frame_fail keeps the first error and does
   nothing more, and a failed socket polls ready until the close timeout (a busy loop). */
static int axws__sock_failed(axws_conn *c, int sys_errno) {
    if (!c->error) return axws__frame_fail(c, AXWS_EIO, sys_errno);
    axws__frame_finish(c, 1);
    return c->error;
}

/* Write queued output to the socket; 0, or the error that failed the connection. The one
   send loop of the library: the TLS layer sends its records through it too. */
static int axws__sock_send(axws_conn *c, const void *p, size_t n, size_t *sent) {
    long r = axws__port_send(c->fd, p, n);
    *sent = r > 0 ? (size_t)r : 0;
    return r < 0 ? axws__sock_failed(c, errno) : AXWS_OK;
}

/* Read into p[0..n): the byte count (> 0), 0 when nothing is waiting, AXWS__PORT_EOF, or
   -1 after failing the connection. The one receive routine of the library. */
static long axws__sock_recv(axws_conn *c, void *p, size_t n) {
    long r = axws__port_recv(c->fd, p, n);
    if (r == -1) axws__sock_failed(c, errno);
    return r;
}
#endif /* AXWS_NO_SOCKETS */
/* <<port */

/* >>tls */
#ifndef AXWS_NO_TLS

/* Tells the socket driver (>>sock) that the axws__tls_* functions exist. */
#define AXWS__HAVE_TLS 1

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

AXWS__DEF const char *axws_tls_suite(const axws_conn *c) {
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

/* A table (one case per code), so longer than the 60 lines a function is allowed. */
AXWS__DEF const char *axws_tls_strerror(int e) {
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
        return "the server answered with a TLS version other than 1.2 (this client speaks only "
               "TLS 1.2), or with something that is not TLS at all";
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

AXWS__DEF int axws_tls_error(const axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    return c->secure ? c->tls_err : 0;
}

AXWS__DEF int axws_tls_resumed(const axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    return c->tls_resumed;
}

AXWS__DEF void axws_tls_forget_session(axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    memset(&c->tls_session, 0, sizeof c->tls_session);
    c->tls_session_key = 0;
}

AXWS__DEF void axws_tls_share_session(axws_conn *dst, const axws_conn *src) {
    AXWS_ASSERT(dst != NULL && src != NULL);
    if (!src->tls_session_key) return;
    dst->tls_session = src->tls_session;
    dst->tls_session_key = src->tls_session_key;
}

/* ---- insecure_skip_verify: an X.509 "engine" that only extracts the end-entity key.
   BearSSL needs the key for the ECDHE signature; the minimal engine would refuse it. */
static void axws__tls_any_dn(void *ctx, const void *buf, size_t len) { (void)ctx; (void)buf; (void)len; }

static void axws__tls_any_start_chain(const br_x509_class **ctx, const char *server_name) {
    axws__tls_any *a = (axws__tls_any *)(void *)ctx;
    (void)server_name;
    a->certs = 0;
}
static void axws__tls_any_start_cert(const br_x509_class **ctx, uint32_t length) {
    axws__tls_any *a = (axws__tls_any *)(void *)ctx;
    (void)length;
    if (a->certs == 0) br_x509_decoder_init(&a->dec, axws__tls_any_dn, NULL);
}
static void axws__tls_any_append(const br_x509_class **ctx, const unsigned char *buf, size_t len) {
    axws__tls_any *a = (axws__tls_any *)(void *)ctx;
    if (a->certs == 0) br_x509_decoder_push(&a->dec, buf, len);
}
static void axws__tls_any_end_cert(const br_x509_class **ctx) {
    axws__tls_any *a = (axws__tls_any *)(void *)ctx;
    a->certs++;
}
static unsigned axws__tls_any_end_chain(const br_x509_class **ctx) {
    axws__tls_any *a = (axws__tls_any *)(void *)ctx;
    if (a->certs == 0) return BR_ERR_X509_EMPTY_CHAIN;
    return (unsigned)br_x509_decoder_last_error(&a->dec);
}
static const br_x509_pkey *axws__tls_any_get_pkey(const br_x509_class *const *ctx, unsigned *usages) {
    const axws__tls_any *a = (const axws__tls_any *)(const void *)ctx;
    if (usages != NULL) *usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
    return (a->dec.decoded && a->dec.err == 0) ? &a->dec.pkey : NULL;
}
static const br_x509_class axws__tls_any_vtable = {
    sizeof(axws__tls_any), axws__tls_any_start_chain, axws__tls_any_start_cert, axws__tls_any_append,
    axws__tls_any_end_cert,    axws__tls_any_end_chain,   axws__tls_any_get_pkey};

/* ---- connection setup */

/* An IPv4 or IPv6 literal (a DNS name never contains ':'). */
static int axws__tls_is_ip(const char *name) {
    axws_addr a;
    return strchr(name, ':') != NULL || axws__parse_ip(name, &a);
}

/* Which server a saved session belongs to: FNV-1a over the name and the URL's port. */
static uint32_t axws__tls_session_key(const axws_conn *c, const char *name) {
    uint32_t h = 2166136261u;
    unsigned port = (unsigned)c->port;
    for (; *name; name++) h = (h ^ (uint8_t)*name) * 16777619u;
    h = (h ^ (port & 0xff)) * 16777619u;
    h = (h ^ (port >> 8)) * 16777619u;
    return h ? h : 1;
}

/* The hashes the handshake and the certificate check may use (SHA-1 is left out on
   purpose: certificates signed with it are refused). */
static const br_hash_class *const axws__tls_hashes[] = {&br_sha256_vtable, &br_sha384_vtable,
                                                        &br_sha512_vtable, &br_sha224_vtable};
#define AXWS__TLS_HASH_ID(h) ((int)(((h)->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK))

/* The engine's algorithms: TLS 1.2, the suites for this CPU, no renegotiation (the
   certificate engine is then idle after the first handshake), and its buffers. */
static void axws__tls_engine_init(axws_conn *c, unsigned char *buf, size_t size) {
    br_ssl_engine_context *eng = &c->tls_cc.eng;
    size_t i, out = size - AXWS_TLS_IN_SIZE;
    br_ssl_client_zero(&c->tls_cc);
    br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
    br_ssl_engine_set_suites(eng, axws__tls_have_aesni() ? axws__tls_suites_aes : axws__tls_suites_chacha,
                             AXWS__COUNT(axws__tls_suites_aes));
    br_ssl_engine_add_flags(eng, BR_OPT_NO_RENEGOTIATION);
    br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
    br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
    br_ssl_engine_set_default_aes_gcm(eng); /* picks AES-NI + PCLMUL when present */
    br_ssl_engine_set_default_chapol(eng);
    br_ssl_engine_set_default_ec(eng);
    br_ssl_engine_set_default_rsavrfy(eng);
    br_ssl_engine_set_default_ecdsa(eng);
    for (i = 0; i < AXWS__COUNT(axws__tls_hashes); i++)
        br_ssl_engine_set_hash(eng, AXWS__TLS_HASH_ID(axws__tls_hashes[i]), axws__tls_hashes[i]);
    br_ssl_engine_set_x509(eng, c->cfg.insecure_skip_verify ? &c->phase.x509_any.vtable
                                                             : &c->phase.x509_minimal.vtable);
    if (out > AXWS_TLS_OUT_FULL) out = AXWS_TLS_OUT_FULL;
    br_ssl_engine_set_buffers_bidi(eng, buf, AXWS_TLS_IN_SIZE, buf + AXWS_TLS_IN_SIZE, out);
}

/* The certificate engine, filled in last: nothing reads the server name (c->phase.net.host)
   or the connect-phase fields after the reset, so the X.509 context can share their memory
   (it is used only from here until the handshake ends). The engine calls it first when the
   server's Certificate arrives. */
static void axws__tls_x509_init(axws_conn *c) {
    br_x509_minimal_context *xm = &c->phase.x509_minimal;
    int64_t s;
    size_t i;
    if (c->cfg.insecure_skip_verify) {
        c->phase.x509_any.vtable = &axws__tls_any_vtable;
        return;
    }
    s = c->cfg.tls_time ? c->cfg.tls_time(c->cfg.tls_time_user) : (int64_t)time(NULL);
    br_x509_minimal_init(xm, &br_sha256_vtable, c->cfg.trust_anchors, c->cfg.trust_anchor_count);
    for (i = 0; i < AXWS__COUNT(axws__tls_hashes); i++)
        br_x509_minimal_set_hash(xm, AXWS__TLS_HASH_ID(axws__tls_hashes[i]), axws__tls_hashes[i]);
    br_x509_minimal_set_rsa(xm, br_rsa_pkcs1_vrfy_get_default());
    br_x509_minimal_set_ecdsa(xm, br_ec_get_default(), br_ecdsa_vrfy_asn1_get_default());
    if (s < 1) s = 1; /* 0/0 would make BearSSL read the clock itself */
    /* BearSSL counts days from 1 January of year 0 (proleptic Gregorian); the Unix epoch is
       day 719528. */
    br_x509_minimal_set_time(xm, (uint32_t)(s / 86400 + 719528), (uint32_t)(s % 86400));
}

static int axws__tls_setup(axws_conn *c, int64_t now_ms) {
    br_ssl_engine_context *eng = &c->tls_cc.eng;
    const char *name = (c->cfg.servername && c->cfg.servername[0]) ? c->cfg.servername : c->phase.net.host;
    unsigned char *buf = (unsigned char *)(c->cfg.tls_buf ? c->cfg.tls_buf : c->cfg.rx_buf);
    size_t size = c->cfg.tls_buf ? c->cfg.tls_size : c->cfg.rx_size;
    int ip = axws__tls_is_ip(name), resume = 0;
    c->tls_err = 0;
    c->tls_resumed = 0;
    c->tls_flush = 0;
    c->tls_closing = 0;
    c->tls_got_data = 0;
    c->tls_st_off = c->tls_st_len = 0;
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
    axws__tls_engine_init(c, buf, size);
    c->tls_conn_key = axws__tls_session_key(c, name);
    if (!c->cfg.tls_no_resume && c->tls_session_key == c->tls_conn_key &&
        c->tls_session.session_id_len > 0) {
        /* BearSSL 0.6 resumes by session ID (RFC 5246 7.4.1.2); the parameters must be in
           the engine before the reset that builds the ClientHello. */
        br_ssl_engine_set_session_parameters(eng, &c->tls_session);
        resume = 1;
    }
    /* The program's entropy hook seeds the handshake too (BearSSL mixes it with the OS's);
       without an OS source it is the only one, and without either BearSSL refuses. */
    if (c->cfg.random) {
        uint8_t seed[32];
        c->cfg.random(c->cfg.random_user, seed, sizeof seed);
        br_ssl_engine_inject_entropy(eng, seed, sizeof seed);
    }
#ifndef AXWS__OS_RANDOM
    else {
        return AXWS_ENORANDOM;
    }
    eng->rng_os_rand_done = 1; /* AXWS_NO_OS_RANDOM: BearSSL must not ask the OS either */
#endif
    /* NULL name: no SNI and no name check; reached only with insecure_skip_verify. */
    if (!br_ssl_client_reset(&c->tls_cc, ip ? NULL : name, resume)) {
        c->tls_err = br_ssl_engine_last_error(eng);
        return AXWS_ETLS;
    }
    axws__tls_x509_init(c);
    c->tls_offered = (uint8_t)resume;
    c->state = AXWS_STATE_TLS;
    /* connect_timeout_ms covers TCP and TLS; a connect() that completed at once set none */
    if (!c->deadline) c->deadline = now_ms + c->cfg.connect_timeout_ms;
    return 0;
}

/* TCP is up: start the TLS handshake. A refusal (buffer, name policy, anchors) fails the
   connection here, with the detail in axws_tls_error(). */
static int axws__tls_begin(axws_conn *c, int64_t now_ms) {
    int r = axws__tls_setup(c, now_ms);
    if (r) axws__frame_fail(c, r, 0);
    return r;
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
    return axws__frame_fail(c, AXWS_ETLS, 0);
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

/* BearSSL's four operations, one function each (its engine API: sendrec, recvapp,
   sendapp, recvrec). Each returns 1 when it moved bytes, 0 when not, -1 when the pump must
   return (*ret: what it returns). */

/* Records for the network. */
static int axws__tls_sendrec(axws_conn *c, br_ssl_engine_context *eng, int *ret) {
    size_t len, sent;
    unsigned char *p = br_ssl_engine_sendrec_buf(eng, &len);
    if (axws__sock_send(c, p, len, &sent)) return *ret = c->error, -1;
    if (!sent) return 0;
    br_ssl_engine_sendrec_ack(eng, sent);
    return 1;
}

/* Decrypted bytes for the core. Zero copy: the core parses straight out of BearSSL's
   record and consumes what it can; the rest stays for the next round (back-pressure). */
static int axws__tls_recvapp(axws_conn *c, br_ssl_engine_context *eng, unsigned gen, int64_t now_ms, int *ret) {
    size_t len, used;
    unsigned char *p = br_ssl_engine_recvapp_buf(eng, &len);
    used = axws_feed(c, p, len, now_ms);
    if (c->gen != gen || c->state == AXWS_STATE_CLOSED) return *ret = c->error, -1;
    if (!used) return 0;
    br_ssl_engine_recvapp_ack(eng, used);
    return 1;
}

/* The core's output into records: a full buffer becomes a record; when the core's queue is
   empty, what was given is sealed (flushed) into one. */
static int axws__tls_sendapp(axws_conn *c, br_ssl_engine_context *eng) {
    size_t olen, alen;
    const uint8_t *o = axws_output(c, &olen);
    unsigned char *p;
    if (!olen) {
        if (!c->tls_flush) return 0;
        br_ssl_engine_flush(eng, 0);
        c->tls_flush = 0;
        return 1;
    }
    p = br_ssl_engine_sendapp_buf(eng, &alen);
    if (olen > alen) olen = alen;
    memcpy(p, o, olen);
    br_ssl_engine_sendapp_ack(eng, olen);
    axws_output_ack(c, olen);
    c->tls_flush = 1;
    return 1;
}

/* Records from the network: staged bytes first, then the socket. BearSSL hands out room for
   one record at a time (its 5-byte header, then its body): two recv() calls per record.
   When the program gave an rx_buf besides tls_buf (rx_buf is otherwise idle on wss://),
   reads go there in big pieces and are copied into the engine: one memcpy saves most of
   those syscalls. *can_read drops when the socket is empty or the read cap is reached. */
static int axws__tls_recvrec(axws_conn *c, br_ssl_engine_context *eng, int *can_read, int *reads, int64_t now_ms,
                             int *ret) {
    int stage = c->cfg.tls_buf != NULL && c->cfg.rx_buf != NULL && c->cfg.rx_size >= 4096;
    size_t len;
    unsigned char *p = br_ssl_engine_recvrec_buf(eng, &len);
    long n;
    if (c->tls_st_off < c->tls_st_len) {
        size_t k = c->tls_st_len - c->tls_st_off < len ? c->tls_st_len - c->tls_st_off : len;
        memcpy(p, (const uint8_t *)c->cfg.rx_buf + c->tls_st_off, k);
        c->tls_st_off += k;
        br_ssl_engine_recvrec_ack(eng, k);
        return 1;
    }
    if (!*can_read) return 0;
    if (stage) {
        p = (unsigned char *)c->cfg.rx_buf;
        len = c->cfg.rx_size;
    }
    n = axws__sock_recv(c, p, len);
    if (n == AXWS__PORT_EOF) return *ret = axws__tls_eof(c, now_ms), -1;
    if (n < 0) return *ret = c->error, -1;
    if (n == 0) return *can_read = 0, 0;
    c->tls_got_data = 1;
    if (stage) {
        c->tls_st_off = 0;
        c->tls_st_len = (size_t)n;
    } else br_ssl_engine_recvrec_ack(eng, (size_t)n);
    /* A short read emptied the socket: poll will say when more arrives. */
    if ((size_t)n < len) *can_read = 0;
    else if (++*reads == AXWS__READS_PER_STEP) *can_read = 0, c->read_again = 1;
    return 1;
}

/* Once the handshake is done, most turns of the pump only move a record in or its
   plaintext to the core: do that without br_ssl_engine_current_state(), which queries all
   four buffers (a third of the glue's cost per record, measured by bench_tls_sansio). Only
   when neither the core nor the engine has anything to send, so output never waits behind
   input. Returns like
   the operations; 0 when the full turn must run. */
static int axws__tls_fast_in(axws_conn *c, br_ssl_engine_context *eng, unsigned gen, int *can_read, int *reads,
                             int64_t now_ms, int *ret) {
    size_t len;
    if (c->tx_tail != c->tx_head || c->tls_flush || br_ssl_engine_sendrec_buf(eng, &len)) return 0;
    if (br_ssl_engine_recvapp_buf(eng, &len)) return axws__tls_recvapp(c, eng, gen, now_ms, ret);
    if ((c->tls_st_off < c->tls_st_len || *can_read) && br_ssl_engine_recvrec_buf(eng, &len))
        return axws__tls_recvrec(c, eng, can_read, reads, now_ms, ret);
    return 0;
}

static int axws__tls_pump(axws_conn *c, short revents, int64_t now_ms) {
    br_ssl_engine_context *eng = &c->tls_cc.eng;
    int can_read = (revents & (POLLIN | POLLHUP | POLLERR)) != 0, reads = 0, ret = 0;
    unsigned gen = c->gen; /* changes when a callback ends or restarts the connection */
    for (;;) {
        unsigned st;
        int progress = 0, r;
        if (c->gen != gen || c->state == AXWS_STATE_CLOSED) return c->error;
        if (c->state > AXWS_STATE_TLS) { /* a record's own path (see axws__tls_fast_in) */
            r = axws__tls_fast_in(c, eng, gen, &can_read, &reads, now_ms, &ret);
            if (r < 0) return ret;
            if (r) continue;
        }
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
        if ((st & BR_SSL_SENDREC) && (r = axws__tls_sendrec(c, eng, &ret)) != 0) {
            if (r < 0) return ret;
            progress = 1;
        }
        if ((st & BR_SSL_RECVAPP) && (r = axws__tls_recvapp(c, eng, gen, now_ms, &ret)) != 0) {
            if (r < 0) return ret;
            progress = 1;
        }
        if ((st & BR_SSL_SENDAPP) && c->state != AXWS_STATE_TLS && (c->tx_tail != c->tx_head || c->tls_flush) &&
            axws__tls_sendapp(c, eng))
            progress = 1;
        if ((st & BR_SSL_RECVREC) && (r = axws__tls_recvrec(c, eng, &can_read, &reads, now_ms, &ret)) != 0) {
            if (r < 0) return ret;
            progress = 1;
        }
        if (!progress) {
            /* told readable, never read to the end: BearSSL holds data the core cannot
               take yet (back-pressure); read at the next step */
            if (can_read && !c->read_again) c->read_again = 2;
            return 0;
        }
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
    /* The core may have just handed over its last bytes (a close frame: the connection
       ends as soon as it is "written"): seal them into a record before close_notify. */
    br_ssl_engine_flush(eng, 0);
    br_ssl_engine_close(eng); /* queues close_notify (RFC 5246 7.2.1) */
    for (i = 0; i < 64; i++) { /* best effort, never blocking: whatever the socket takes now */
        size_t len;
        unsigned char *p;
        long n;
        if (!(br_ssl_engine_current_state(eng) & BR_SSL_SENDREC)) break;
        p = br_ssl_engine_sendrec_buf(eng, &len);
        n = axws__port_send(c->fd, p, len);
        if (n <= 0) break;
        br_ssl_engine_sendrec_ack(eng, (size_t)n);
    }
}

/* ---- trust anchors from PEM. One pass, no allocation: names and keys are appended at the
   front of the buffer, the br_x509_trust_anchor array grows down from its (aligned) end. */
#define AXWS__TA_ALIGN 16
typedef struct axws__tls_ta_loader {
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
} axws__tls_ta_loader;

static void axws__tls_ta_data(axws__tls_ta_loader *l, const void *p, size_t n) {
    l->data_need += n;
    if (l->full) return;
    if (l->data_len + n + (l->count + 1) * sizeof(br_x509_trust_anchor) > l->top) {
        l->full = 1;
        return;
    }
    memcpy(l->buf + l->data_len, p, n);
    l->data_len += n;
}
static void axws__tls_ta_dn(void *ctx, const void *p, size_t n) { axws__tls_ta_data((axws__tls_ta_loader *)ctx, p, n); }
static void axws__tls_ta_der(void *ctx, const void *p, size_t n) {
    axws__tls_ta_loader *l = (axws__tls_ta_loader *)ctx;
    if (l->in_cert) br_x509_decoder_push(&l->dec, p, n);
}

static int axws__tls_ta_end(axws__tls_ta_loader *l) {
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
        axws__tls_ta_data(l, pk->key.rsa.n, pk->key.rsa.nlen);
        axws__tls_ta_data(l, pk->key.rsa.e, pk->key.rsa.elen);
    } else {
        axws__tls_ta_data(l, pk->key.ec.q, pk->key.ec.qlen);
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

static int axws__tls_ta_push(axws__tls_ta_loader *l, const unsigned char *p, size_t n) {
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
                br_x509_decoder_init(&l->dec, axws__tls_ta_dn, l);
            } else {
                l->skipped++;
            }
        } else if (ev == BR_PEM_END_OBJ) {
            if (l->in_cert) {
                int r = axws__tls_ta_end(l);
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

static void axws__tls_ta_start(axws__tls_ta_loader *l, void *buf, size_t size) {
    memset(l, 0, sizeof *l);
    l->buf = (unsigned char *)buf;
    if (buf != NULL) l->top = size - (size_t)(((uintptr_t)l->buf + size) % AXWS__TA_ALIGN);
    if (buf == NULL || l->top > size) l->top = 0;
    br_pem_decoder_init(&l->pem);
    br_pem_decoder_setdest(&l->pem, axws__tls_ta_der, l);
}

static int axws__tls_ta_finish(axws__tls_ta_loader *l, axws_tls_anchors *out, int r) {
    /* A final newline ends an "-----END ...-----" line that the text left open. */
    if (r == 0) r = axws__tls_ta_push(l, (const unsigned char *)"\n", 1);
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

AXWS__DEF int axws_tls_anchors_pem(axws_tls_anchors *out, void *buf, size_t size, const void *pem,
                                  size_t pem_len) {
    axws__tls_ta_loader l;
    AXWS_ASSERT(out != NULL);
    memset(out, 0, sizeof *out);
    if (pem == NULL && pem_len > 0) return AXWS_EINVAL;
    axws__tls_ta_start(&l, buf, size);
    return axws__tls_ta_finish(&l, out, axws__tls_ta_push(&l, (const unsigned char *)pem, pem_len));
}

#ifndef AXWS_NO_STDIO
AXWS__DEF int axws_tls_anchors_file(axws_tls_anchors *out, void *buf, size_t size, const char *path) {
    axws__tls_ta_loader l;
    unsigned char chunk[4096];
    FILE *f;
    int r = 0;
    AXWS_ASSERT(out != NULL && path != NULL);
    memset(out, 0, sizeof *out);
    f = fopen(path, "rb"); /* allocates its FILE inside libc (see the declaration) */
    if (f == NULL) return AXWS_EIO;
    axws__tls_ta_start(&l, buf, size);
    for (;;) {
        size_t n = fread(chunk, 1, sizeof chunk, f);
        if (n > 0) r = axws__tls_ta_push(&l, chunk, n);
        if (r < 0 || n < sizeof chunk) break;
    }
    if (r == 0 && ferror(f)) r = AXWS_EIO;
    fclose(f);
    return axws__tls_ta_finish(&l, out, r);
}
#endif
#endif /* AXWS_NO_TLS */
/* <<tls */


/* >>proxy: the tunnel through cfg.proxy, a part of the socket driver (the core never knows):
   HTTP CONNECT (RFC 9110 9.3.6, Basic authentication RFC 7617) or SOCKS5 (RFC 1928,
   user/password RFC 1929). TCP goes to the proxy (axws__sock_connect_url resolves its
   name); once it is up the connection stays CONNECTING while the proxy's handshake runs,
   under the same connect_timeout_ms; then the byte stream is the server's, as if TCP had
   reached it directly, and TLS (with the server's name, never the proxy's) and the upgrade
   follow unchanged. No buffer of its own: the proxy's messages are built at connect time
   into tx_buf behind the upgrade request, which waits there, and its answers are read into
   rx_buf (else tls_buf: TLS has not started yet). The step names are in >>http. */
#ifndef AXWS_NO_PROXY
static int axws__sock_stream_up(axws_conn *c);

/* TCP that does not connect: to the proxy, when there is one. */
#define AXWS__ECONNECT(c) ((c)->px_kind ? AXWS_EPROXYCONNECT : AXWS_ECONNECT)

AXWS__DEF int axws_proxy_status(const axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    return c->px_status;
}

/* base64 of "user:password" (RFC 7617 2), percent-decoded on the way, three bytes at a
   time: no buffer for the decoded credentials. */
static void axws__px_put_basic(axws__buf *b, const axws__http_proxy_url *p) {
    const char *seg[3], *end[3];
    uint8_t in[3];
    char out[5];
    size_t k = 0;
    int i;
    seg[0] = p->user; end[0] = p->user + p->user_len;
    seg[1] = ":";     end[1] = seg[1] + 1;
    seg[2] = p->pass; end[2] = p->pass + p->pass_len;
    for (i = 0; i < 3; i++)
        while (seg[i] < end[i]) {
            in[k++] = axws__http_pct_byte(&seg[i]);
            if (k == 3) {
                axws__put(b, out, axws__base64(out, in, k));
                k = 0;
            }
        }
    if (k) axws__put(b, out, axws__base64(out, in, k));
}

/* One length byte, then the percent-decoded bytes (RFC 1929 2: UNAME, PASSWD). */
static void axws__px_put_socks_str(axws__buf *b, const char *s, size_t n) {
    const char *e = s + n;
    uint8_t ch = (uint8_t)axws__http_pct_len(s, n); /* <= 255: axws__http_parse_proxy checked */
    axws__put(b, (const char *)&ch, 1);
    while (s < e) {
        ch = axws__http_pct_byte(&s);
        axws__put(b, (const char *)&ch, 1);
    }
}

/* Build the proxy's messages into tx_buf behind the upgrade request: CONNECT for an HTTP
   proxy; for SOCKS5 the greeting, the user/password message when there are credentials,
   and the CONNECT request. Whatever is wrong with cfg.proxy, tx_buf or (socks5://) the
   server's name is said here, by axws_connect*() itself. */
/* RFC 9110 9.3.6: CONNECT with the target in authority form, host:port, Host the same,
   and Basic credentials when the proxy URL has them. */
static void axws__px_put_connect(axws__buf *b, const axws__http_proxy_url *p, const axws_url *u) {
    int k;
    for (k = 0; k < 2; k++) {
        axws__puts(b, k ? "\r\nHost: " : "CONNECT ");
        if (u->host_is_ipv6) axws__puts(b, "[");
        axws__puts(b, u->host);
        axws__puts(b, u->host_is_ipv6 ? "]:" : ":");
        axws__put_uint(b, (unsigned long)u->port);
        if (!k) axws__puts(b, " HTTP/1.1");
    }
    axws__puts(b, axws__crlf);
    if (p->user) {
        axws__puts(b, "Proxy-Authorization: Basic ");
        axws__px_put_basic(b, p);
        axws__puts(b, axws__crlf);
    }
    axws__puts(b, axws__crlf);
}

/* SOCKS5's messages, all written at once (each waits for the proxy's answer to the one
   before): the greeting (RFC 1928 3: methods none, 0, and user/password, 2, when there are
   credentials), the credentials (RFC 1929 2) and CONNECT (RFC 1928 4) to the server's name
   (socks5h://) or address (socks5://: resolved here). req is set byte by byte: an
   initialized array would pull the object's shared constants in. Returns 0 or an error. */
static int axws__px_put_socks(axws_conn *c, axws__buf *b, const axws__http_proxy_url *p, const axws_url *u) {
    uint8_t req[5];
    axws_addr t;
    req[0] = 5;
    req[1] = p->user ? 2 : 1;
    req[2] = 0;
    req[3] = 2;
    axws__put(b, (const char *)req, p->user ? 4 : 3);
    if (p->user) {
        axws__put(b, "\1", 1); /* the subnegotiation's version */
        axws__px_put_socks_str(b, p->user, p->user_len);
        axws__px_put_socks_str(b, p->pass, p->pass_len);
    }
    req[1] = 1; /* version, CONNECT, reserved, the address type (3: a name) */
    req[3] = 3;
    req[4] = 0;
    memset(&t, 0, sizeof t);
    if (u->host_is_ip) {
        axws__parse_ip(u->host, &t);
    } else if (p->kind == AXWS__PXK_SOCKS5) {
        int n;
        c->px_step = AXWS__PX_TARGET;
        n = (c->cfg.resolve ? c->cfg.resolve : axws__port_resolve)(c->cfg.resolve_user, u->host, u->port, &t, 1);
        if (n <= 0 || (t.family != 4 && t.family != 6)) return n < 0 ? n : AXWS_ERESOLVE;
    }
    if (!t.family) { /* type 3: a length byte and the name (socks5h://) */
        req[4] = (uint8_t)strlen(u->host);
        axws__put(b, (const char *)req, 5);
        axws__puts(b, u->host);
    } else { /* type 1, IPv4, or 4, IPv6 */
        req[3] = t.family == 4 ? 1 : 4;
        axws__put(b, (const char *)req, 4);
        axws__put(b, (const char *)t.ip, t.family == 4 ? 4 : 16);
    }
    req[0] = (uint8_t)(u->port >> 8);
    req[1] = (uint8_t)u->port;
    axws__put(b, (const char *)req, 2);
    return AXWS_OK;
}

static int axws__px_prepare(axws_conn *c, const axws_url *u) {
    axws__http_proxy_url p;
    axws__buf b;
    if (axws__http_parse_proxy(c->cfg.proxy, &p) != AXWS_OK) return axws__http_setup_error(c, AXWS_EURL, AXWS__D_PROXY_URL, 0);
    c->px_kind = (uint8_t)p.kind;
    c->px_port = (uint16_t)p.port;
    b.p = (char *)c->cfg.tx_buf + c->tx_tail; b.len = 0; b.cap = c->cfg.tx_size - c->tx_tail;
    if (p.kind == AXWS__PXK_HTTP) axws__px_put_connect(&b, &p, u);
    else {
        int r = axws__px_put_socks(c, &b, &p, u);
        if (r) return axws__http_setup_error(c, r, 0, 0);
    }
    if (b.len > b.cap) return axws__http_setup_error(c, AXWS_ENOBUFS, AXWS__D_TX_BUF, c->tx_tail + b.len);
    c->px_end = (uint16_t)b.len;
    c->px_step = AXWS__PX_TCP;
    return AXWS_OK;
}

/* TCP to the proxy is up: its handshake begins with our first message (the next step
   writes it). connect_timeout_ms covers TCP, the proxy and TLS together; a connect() that
   completed at once set no deadline. */
static int axws__px_start(axws_conn *c) {
    c->px_step = c->px_kind == AXWS__PXK_HTTP ? AXWS__PX_HTTP_SEND : AXWS__PX_S5_GREET;
    c->px_pos = 0;
    if (!c->deadline) c->deadline = c->now + c->cfg.connect_timeout_ms;
    return AXWS_OK;
}

/* A step that writes one of our messages (the step after it reads the answer). */
static int axws__px_sending(int step) {
    return step == AXWS__PX_HTTP_SEND || step == AXWS__PX_S5_GREET || step == AXWS__PX_S5_AUTH ||
           step == AXWS__PX_S5_CONNECT;
}

/* The read window of the proxy's answers: rx_buf, else tls_buf (wss:// without rx_buf),
   both idle until the tunnel is up; at most AXWS__PX_WINDOW bytes of it, so that positions
   fit px_pos (HTTP header lines longer than that are skipped, not kept). */
#define AXWS__PX_WINDOW 2048u
static uint8_t *axws__px_window(const axws_conn *c, size_t *cap) {
    void *p = c->cfg.rx_buf;
    *cap = c->cfg.rx_size;
#ifndef AXWS_NO_TLS
    if (!p) {
        p = c->cfg.tls_buf;
        *cap = c->cfg.tls_size;
    }
#endif
    if (*cap > AXWS__PX_WINDOW) *cap = AXWS__PX_WINDOW;
    return (uint8_t *)p;
}

/* Where the current step's message lies among the proxy's messages m (in tx_buf): the
   SOCKS5 ones are found by their own length bytes. Returns its start; *end its end. */
static size_t axws__px_message(const axws_conn *c, const uint8_t *m, size_t *end) {
    size_t greet, auth;
    *end = c->px_end;
    if (c->px_kind == AXWS__PXK_HTTP) return 0;
    greet = 2 + (size_t)m[1];
    auth = m[1] == 2 ? greet + 3 + m[greet + 1] + m[greet + 2 + m[greet + 1]] : greet;
    if (c->px_step == AXWS__PX_S5_GREET) *end = greet;
    else if (c->px_step == AXWS__PX_S5_AUTH) *end = auth;
    return c->px_step == AXWS__PX_S5_GREET ? 0 : c->px_step == AXWS__PX_S5_AUTH ? greet : auth;
}

/* The tunnel failed. The socket goes with the connection (TLS never started on it). */
static void axws__px_fail(axws_conn *c, int err, int detail) {
    if (!c->error) c->fail_detail = (uint8_t)detail;
    axws__frame_fail(c, err, 0);
}

/* The proxy opened the tunnel. in[at..at + left) came after its answer: the server's bytes.
   A ws:// server speaks only after the upgrade request and a wss:// one only after the
   ClientHello, so nothing should be there; on ws:// it is kept for the frame parser all
   the same (it is in rx_buf already), while on wss:// TLS is about to reset the buffer. */
static void axws__px_up(axws_conn *c, uint8_t *in, size_t at, size_t left) {
    c->px_step = AXWS__PX_UP;
    if (left) {
        if (c->secure) {
            axws__px_fail(c, AXWS_EPROXY, AXWS__D_PROXY_EARLY);
            return;
        }
        memmove(in, in + at, left);
        c->rx_len = left;
    }
    axws__sock_stream_up(c);
}

/* The HTTP proxy's answer, a line at a time as it arrives: any 2xx opens the tunnel once
   the empty line ends the head (RFC 9110 9.3.6: its Content-Length or Transfer-Encoding
   mean nothing and are ignored); 1xx are interim answers (RFC 9110 15.2), skipped; 407
   wants credentials (RFC 9110 15.5.8), and so does 401 from a proxy, which has not reached
   the server yet (tinyproxy answers a wrong password so); anything else refuses.
   in[0..px_pos) holds the start of a line. */
static void axws__px_http(axws_conn *c, uint8_t *in, size_t cap) {
    size_t n = c->px_pos, at = 0;
    const uint8_t *nl;
    while ((nl = (const uint8_t *)memchr(in + at, '\n', n - at)) != NULL) {
        const uint8_t *line = in + at;
        size_t len = (size_t)(nl - line);
        at += len + 1;
        if (len && line[len - 1] == '\r') len--;
        if (c->px_step == AXWS__PX_HTTP_SKIP) { /* the end of a long header line */
            c->px_step = AXWS__PX_HTTP_HEAD;
        } else if (c->px_step == AXWS__PX_HTTP_STATUS) {
            /* RFC 9112 4: HTTP-version SP 3DIGIT SP reason-phrase */
            int i, status = 0;
            for (i = 9; i < 12 && len >= 12 && line[i] >= '0' && line[i] <= '9'; i++) status = status * 10 + line[i] - '0';
            if (i < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[7] < '0' || line[7] > '9' || line[8] != ' ' ||
                (len > 12 && line[12] != ' ') || status < 100) {
                axws__px_fail(c, AXWS_EPROXY, AXWS__D_PROXY_ANSWER);
                return;
            }
            c->px_status = (int16_t)status;
            if (status >= 300) {
                axws__px_fail(c, status == 407 || status == 401 ? AXWS_EPROXYAUTH : AXWS_EPROXY, 0);
                return;
            }
            c->px_step = AXWS__PX_HTTP_HEAD;
        } else if (!len) { /* the empty line ends the head */
            if (c->px_status >= 200) {
                axws__px_up(c, in, at, n - at);
                return;
            }
            c->px_step = AXWS__PX_HTTP_STATUS; /* after a 1xx, the real answer */
        }
    }
    if (at) memmove(in, in + at, n - at);
    n -= at;
    if (n == cap) { /* one line fills the window */
        if (c->px_step == AXWS__PX_HTTP_STATUS) {
            axws__px_fail(c, AXWS_EPROXY, AXWS__D_PROXY_ANSWER);
            return;
        }
        c->px_step = AXWS__PX_HTTP_SKIP; /* a header line: nothing in it matters to us */
        n = 0;
    }
    c->px_pos = (uint16_t)n;
}

/* The length of the SOCKS5 reply (RFC 1928 6: VER REP RSV ATYP BND.ADDR BND.PORT), known
   once its first five bytes are in; 0 for an address type that does not exist. */
static size_t axws__px_reply_len(const uint8_t *in, size_t have) {
    if (have < 5) return 5;
    return in[3] == 1 ? 10 : in[3] == 4 ? 22 : in[3] == 3 ? 7 + (size_t)in[4] : 0;
}

/* Bytes of a SOCKS5 answer arrived (in[0..px_pos), the reply's address past 5 bytes not
   kept). m: our messages, for the methods we offered. */
static void axws__px_socks(axws_conn *c, const uint8_t *m, const uint8_t *in) {
    size_t have = c->px_pos;
    if (have < 2) return;
    if (c->px_step == AXWS__PX_S5_METHOD) { /* RFC 1928 3: VER METHOD */
        if (in[0] == 5 && in[1] == 0xFF) { /* none of ours is acceptable */
            c->px_status = 0xFF;
            axws__px_fail(c, AXWS_EPROXYAUTH, 0);
            return;
        }
        if (in[0] != 5 || (in[1] != 0 && !(in[1] == 2 && m[1] == 2))) { /* one we did not offer */
            axws__px_fail(c, AXWS_EPROXY, AXWS__D_PROXY_ANSWER);
            return;
        }
        c->px_step = in[1] == 2 ? AXWS__PX_S5_AUTH : AXWS__PX_S5_CONNECT;
    } else if (c->px_step == AXWS__PX_S5_AUTH_OK) {
        /* RFC 1929 2: VER STATUS, 0 = success. The version (1) is not checked: some
           servers answer 5 there. */
        if (in[1]) {
            c->px_status = in[1];
            axws__px_fail(c, AXWS_EPROXYAUTH, 0);
            return;
        }
        c->px_step = AXWS__PX_S5_CONNECT;
    } else { /* the reply to CONNECT: a refusal is decided by its second byte (a server
                may close right after it) */
        size_t need = axws__px_reply_len(in, have);
        if (in[0] != 5 || (have >= 5 && !need)) {
            axws__px_fail(c, AXWS_EPROXY, AXWS__D_PROXY_ANSWER);
            return;
        }
        if (in[1]) {
            c->px_status = in[1];
            axws__px_fail(c, AXWS_EPROXY, 0);
            return;
        }
        if (have == need) axws__px_up(c, NULL, 0, 0);
        return;
    }
    c->px_pos = 0;
}

/* Move the proxy's handshake on: write our message while there is one, read its answer
   while poll says there is input (at most AXWS__READS_PER_STEP reads a step, as for
   data). Every answer is read to its end and no further (SOCKS5 by its lengths, HTTP a
   line at a time): the bytes behind it are the server's. */
static void axws__px_pump(axws_conn *c, short revents) {
    uint8_t *m = (uint8_t *)c->cfg.tx_buf + c->tx_tail, *in;
    unsigned gen = c->gen;
    size_t cap;
    int reads = 0;
    in = axws__px_window(c, &cap);
    if (c->read_again) { /* stopped early last step */
        revents |= POLLIN;
        c->read_again = 0;
    }
    while (c->gen == gen && AXWS__PX_BUSY(c)) {
        size_t at = c->px_pos, want;
        long r;
        if (axws__px_sending(c->px_step)) {
            size_t end, start = axws__px_message(c, m, &end), sent;
            if (axws__sock_send(c, m + start + at, end - start - at, &sent) != AXWS_OK) return;
            c->px_pos = (uint16_t)(at + sent);
            if (start + c->px_pos < end) return; /* the socket is full: POLLOUT will say */
            c->px_step++; /* each message's answer is the next step */
            c->px_pos = 0;
            continue;
        }
        if (!(revents & (POLLIN | POLLHUP | POLLERR))) return;
        if (reads++ == AXWS__READS_PER_STEP) {
            c->read_again = 1;
            return;
        }
        if (c->px_kind == AXWS__PXK_HTTP) {
            want = cap - at;
        } else if (c->px_step != AXWS__PX_S5_REPLY) {
            want = 2 - at;
        } else if (at < 5) {
            want = 5 - at;
        } else { /* the bound address: counted, not kept */
            want = axws__px_reply_len(in, at) - at;
            if (want > cap - 5) want = cap - 5;
            at = 5;
        }
        r = axws__sock_recv(c, in + at, want);
        if (r == AXWS__PORT_EOF) {
            axws__px_fail(c, AXWS_EPROXY, AXWS__D_PROXY_EOF);
            return;
        }
        if (r <= 0) return; /* nothing waiting, or the socket failed */
        c->px_pos = (uint16_t)(c->px_pos + (size_t)r);
        if (c->px_kind == AXWS__PXK_HTTP) axws__px_http(c, in, cap);
        else axws__px_socks(c, m, in);
    }
}

#ifndef AXWS_NO_STDIO
static const char *axws__px_env(const char *name) {
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* Does the no_proxy list name `host` (a URL host: a name, or an IP address without
   brackets)? curl's rules; see axws_proxy_from_env. */
static int axws__px_no_proxy(const char *host, const char *list) {
    axws_addr h, e;
    size_t hl = strlen(host);
    int ip = axws__parse_ip(host, &h);
    if (strcmp(list, "*") == 0) return 1;
    if (!ip && hl && host[hl - 1] == '.') hl--;
    while (*list) {
        const char *t = list;
        size_t tl, i;
        while (*list && *list != ',' && *list != ' ' && *list != '\t') list++;
        tl = (size_t)(list - t);
        if (*list) list++;
        if (tl && ip) { /* an address, or a CIDR block (RFC 4632 3.1) */
            char a[64], *slash;
            long bits = h.family == 4 ? 32 : 128;
            if (t[0] == '[' && tl > 2) t++, tl--; /* [::1] as ::1 */
            if (tl >= sizeof a) continue;
            memcpy(a, t, tl);
            a[tl] = 0;
            if (a[tl - 1] == ']') a[tl - 1] = 0;
            if ((slash = strchr(a, '/')) != NULL) {
                char *d = slash + 1;
                *slash = 0;
                for (bits = 0; *d >= '0' && *d <= '9' && bits <= 128; d++) bits = bits * 10 + (*d - '0');
                if (*d || d == slash + 1 || bits > (h.family == 4 ? 32 : 128)) continue;
            }
            if (!axws__parse_ip(a, &e) || e.family != h.family) continue;
            for (i = 0; bits >= 8 && h.ip[i] == e.ip[i]; i++) bits -= 8;
            if (bits <= 0 || (bits < 8 && ((h.ip[i] ^ e.ip[i]) & (0xFF00 >> bits) & 0xFF) == 0)) return 1;
        } else if (tl) { /* a name: itself or a subdomain, without the dots around it */
            if (t[tl - 1] == '.') tl--;
            if (tl && t[0] == '.') t++, tl--;
            if (!tl || tl > hl || (tl < hl && host[hl - tl - 1] != '.')) continue;
            for (i = 0; i < tl; i++)
                if (axws__lower((unsigned char)t[i]) != axws__lower((unsigned char)host[hl - tl + i])) break;
            if (i == tl) return 1;
        }
    }
    return 0;
}

AXWS__DEF int axws_proxy_from_env(const char *url, char *out, size_t cap) {
    axws_url u;
    char storage[320];
    const char *p, *np;
    size_t len;
    int r;
    AXWS_ASSERT(url != NULL && (out != NULL || cap == 0));
    if (cap) out[0] = 0;
    r = axws__http_parse_url(url, &u, storage, sizeof storage, 0);
    if (r) return r;
    /* curl's order (lib/url.c, detect_proxy) */
    p = axws__px_env(u.secure ? "wss_proxy" : "ws_proxy");
    if (!p) p = axws__px_env(u.secure ? "WSS_PROXY" : "WS_PROXY");
    if (!p) p = axws__px_env(u.secure ? "https_proxy" : "http_proxy");
    if (!p && u.secure) p = axws__px_env("HTTPS_PROXY");
    if (!p) p = axws__px_env("all_proxy");
    if (!p) p = axws__px_env("ALL_PROXY");
    if (!p) return 0;
    np = axws__px_env("no_proxy");
    if (!np) np = axws__px_env("NO_PROXY");
    if (np && axws__px_no_proxy(u.host, np)) return 0;
    len = strlen(p);
    if (len >= cap) return AXWS_ENOBUFS;
    memcpy(out, p, len + 1);
    return 1;
}
#endif /* AXWS_NO_STDIO */
#else
#define AXWS__ECONNECT(c) AXWS_ECONNECT
#endif /* AXWS_NO_PROXY */
/* <<proxy */

/* >>sock: the socket driver. It owns the socket, connects (addresses in turn, timeouts),
   moves bytes between the network port and the core (through the TLS layer on wss://) and
   is the only code that touches the network. The core never calls it: the driver hands
   the core its release function (c->release) when it takes a socket. */
#ifndef AXWS_NO_SOCKETS

/* The connection ended (core) or is being restarted: let go of the socket. */
static void axws__sock_release(axws_conn *c) {
    if (c->fd < 0) return;
#ifdef AXWS__HAVE_TLS
    /* not while CONNECTING (TCP, or a proxy's tunnel): TLS has not started on this socket */
    if (c->secure && c->state != AXWS_STATE_CONNECTING) axws__tls_shutdown(c);
#endif
    axws__port_close(c->fd);
    c->fd = -1;
}

/* The byte stream to the server is up (TCP, or a proxy's tunnel): TLS next for wss://,
   else the upgrade request goes out. */
static int axws__sock_stream_up(axws_conn *c) {
#ifdef AXWS__HAVE_TLS
    if (c->secure) {
        c->state = AXWS_STATE_TLS;
        return axws__tls_begin(c, c->now);
    }
#endif
    c->state = AXWS_STATE_HANDSHAKE;
    c->deadline = c->now + c->cfg.handshake_timeout_ms;
    return AXWS_OK;
}

/* TCP is up: to the proxy, whose handshake comes first, or to the server. */
static int axws__sock_connected(axws_conn *c) {
#ifndef AXWS_NO_PROXY
    if (c->px_kind) return axws__px_start(c);
#endif
    return axws__sock_stream_up(c);
}

/* Try the remaining addresses in turn until one connects or is in progress. Called from
   the program's axws_connect*, a failure is reported from the next step instead (events
   come only from inside step): the connection stays CONNECTING, due at once. */
static int axws__sock_try_next(axws_conn *c, int from_step) {
    int last_errno = 0;
    while (c->addr_index < c->addr_count) {
        const axws_addr *a = &c->phase.net.addrs[c->addr_index++];
        int fd = axws__port_open(a->family), r;
        c->peer = *a;
        if (!c->peer.port) c->peer.port = (uint16_t)c->port;
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        r = axws__port_connect(fd, a, a->port ? a->port : c->port);
        if (r >= 0) {
            c->fd = fd;
            c->sock_gen++;
            if (r == 0) return axws__sock_connected(c);
            c->state = AXWS_STATE_CONNECTING;
            c->deadline = c->now + c->cfg.connect_timeout_ms;
            return AXWS_OK;
        }
        last_errno = errno;
        axws__port_drop(fd);
    }
    if (!from_step) {
        c->pending_errno = last_errno ? last_errno : ECONNREFUSED;
        c->state = AXWS_STATE_CONNECTING;
        c->deadline = c->now;
        return AXWS_OK;
    }
    return axws__frame_fail(c, AXWS__ECONNECT(c), last_errno);
}

/* The connect deadline passed: the next address, or the end. */
static void axws__sock_connect_timers(axws_conn *c, int64_t now_ms) {
    if (c->state != AXWS_STATE_CONNECTING || !c->deadline || now_ms < c->deadline) return;
    c->now = now_ms;
    if (c->fd < 0) { /* every address failed inside axws_connect* */
        axws__frame_fail(c, AXWS__ECONNECT(c), c->pending_errno);
        return;
    }
    if (AXWS__PX_BUSY(c)) { /* the proxy took the time: another of its addresses would not help */
        axws__frame_fail(c, AXWS_ETIMEDOUT, ETIMEDOUT);
        return;
    }
    axws__port_drop(c->fd);
    c->fd = -1;
    if (c->addr_index < c->addr_count) axws__sock_try_next(c, 1);
    else axws__frame_fail(c, AXWS_ETIMEDOUT, ETIMEDOUT);
}

static int axws__sock_begin(axws_conn *c, const char *url, int64_t now_ms, axws_url *u, char *storage,
                            size_t storage_size, const axws__request *rq) {
    int r;
    AXWS_ASSERT(c != NULL && url != NULL);
    if (c->state != AXWS_STATE_CLOSED) return AXWS_ESTATE;
    axws__core_reset(c);
    c->now = now_ms;
    c->fd = -1;
    c->addr_index = c->addr_count = 0;
    c->pending_errno = 0;
#ifndef AXWS_NO_PROXY
    c->px_kind = c->px_step = 0;
    c->px_port = c->px_pos = c->px_end = 0;
    c->px_status = 0;
#endif
    r = axws__http_parse_url(url, u, storage, storage_size, rq != NULL);
    if (r == AXWS_EURL) {
        int scheme_ok = axws__ieq(url, 5, "ws://") || axws__ieq(url, 6, "wss://") ||
                        (rq && (axws__ieq(url, 7, "http://") || axws__ieq(url, 8, "https://")));
        return axws__http_setup_error(c, r, scheme_ok ? AXWS__D_URL_FORM : AXWS__D_URL_SCHEME, 0);
    }
    if (r) return axws__http_setup_error(c, r, 0, 0);
    c->secure = u->secure;
    c->port = u->port;
#ifndef AXWS__HAVE_TLS
    if (u->secure) return axws__http_setup_error(c, AXWS_ENOTLS, 0, 0);
#else
    /* the buffers a connection needs are known now: too small fails here, not later */
    if (u->secure && (c->cfg.tls_buf ? c->cfg.tls_size : c->cfg.rx_buf ? c->cfg.rx_size : 0) < AXWS_TLS_BUF_MIN)
        return axws__http_setup_error(c, AXWS_ENOBUFS, AXWS__D_TLS_BUF, AXWS_TLS_BUF_MIN);
#endif
    if (!u->secure && (!c->cfg.rx_buf || c->cfg.rx_size < AXWS_MIN_RX))
        return axws__http_setup_error(c, AXWS_ENOBUFS, AXWS__D_RX_BUF, AXWS_MIN_RX);
    r = axws__core_start_request(c, u, rq);
    if (r) return c->error ? r : axws__http_setup_error(c, r, 0, 0);
#ifndef AXWS_NO_PROXY
    if (c->cfg.proxy && *c->cfg.proxy && (r = axws__px_prepare(c, u)) != AXWS_OK) return r;
#endif
    c->release = axws__sock_release;
    return r;
}

/* Keep the usable addresses among those given, then start with the first. */
static int axws__sock_use_addrs(axws_conn *c, const axws_addr *addrs, int count) {
    int i;
    c->addr_count = 0;
    for (i = 0; i < count && c->addr_count < AXWS_MAX_ADDRS; i++)
        if (addrs[i].family == 4 || addrs[i].family == 6) {
            c->phase.net.addrs[c->addr_count] = addrs[i];
#ifndef AXWS_NO_PROXY
            /* through a proxy the addresses are the proxy's, and port 0 is its port */
            if (c->px_kind && !addrs[i].port) c->phase.net.addrs[c->addr_count].port = c->px_port;
#endif
            c->addr_count++;
        }
    if (!c->addr_count) return c->error = AXWS_EINVAL;
    c->state = AXWS_STATE_CONNECTING;
    return axws__sock_try_next(c, 0);
}

/* Resolve and start connecting for a WebSocket (rq NULL) or an HTTP request. */
static int axws__sock_connect_url(axws_conn *c, const char *url, int64_t now_ms, const axws__request *rq) {
    axws_url u;
    char storage[320];
    axws_addr found[AXWS_MAX_ADDRS];
    const char *host;
    int n, port, r = axws__sock_begin(c, url, now_ms, &u, storage, sizeof storage, rq);
    if (r) return r;
    host = u.host;
    port = u.port;
#ifndef AXWS_NO_PROXY
    if (c->px_kind) { /* TCP goes to the proxy: its name is the one to resolve. The URL's
                         pieces are copied (request built, host kept): storage is free */
        axws__http_proxy_url p;
        (void)axws__http_parse_proxy(c->cfg.proxy, &p); /* accepted by axws__px_prepare */
        memcpy(storage, p.host, p.host_len);
        storage[p.host_len] = 0;
        host = storage;
        port = p.port;
        c->px_step = AXWS__PX_RESOLVE;
    }
#endif
    if (axws__parse_ip(host, &found[0])) {
        n = 1;
    } else {
        n = (c->cfg.resolve ? c->cfg.resolve : axws__port_resolve)(c->cfg.resolve_user, host, port, found,
                                                                    AXWS_MAX_ADDRS);
        if (n <= 0) return axws__http_setup_error(c, n < 0 ? n : AXWS_ERESOLVE, 0, 0);
    }
#ifndef AXWS_NO_PROXY
    if (c->px_kind) c->px_step = AXWS__PX_TCP;
#endif
    return axws__sock_use_addrs(c, found, n > AXWS_MAX_ADDRS ? AXWS_MAX_ADDRS : n);
}

AXWS__DEF int axws_connect(axws_conn *c, const char *url, int64_t now_ms) {
    return axws__sock_connect_url(c, url, now_ms, NULL);
}

AXWS__DEF int axws_http_request(axws_conn *c, const char *url, const char *method,
                                const char *const *headers, const void *body, size_t body_len,
                                int64_t now_ms) {
    axws__request rq;
    rq.method = method;
    rq.headers = headers;
    rq.body = body;
    rq.body_len = body_len;
    return axws__sock_connect_url(c, url, now_ms, &rq);
}

AXWS__DEF int axws_connect_addr(axws_conn *c, const char *url, const axws_addr *addrs, int count,
                                int64_t now_ms) {
    axws_url u;
    char storage[320];
    int r = axws__sock_begin(c, url, now_ms, &u, storage, sizeof storage, NULL);
    if (r) return r;
    if (count <= 0 || !addrs) return c->error = AXWS_EINVAL;
    return axws__sock_use_addrs(c, addrs, count);
}

AXWS__DEF int axws_connect_fd(axws_conn *c, const char *url, int fd, int64_t now_ms) {
    axws_url u;
    char storage[320];
    int r = axws__sock_begin(c, url, now_ms, &u, storage, sizeof storage, NULL);
    if (r) {
        if (fd >= 0) axws__port_drop(fd);
        return r;
    }
    if (fd < 0 || axws__port_setup(fd) != 0) {
        if (fd >= 0) axws__port_drop(fd);
        return c->error = AXWS_EINVAL;
    }
    c->fd = fd;
    c->sock_gen++;
    /* Connected or still connecting: either way the socket turns writable when ready. */
    c->state = AXWS_STATE_CONNECTING;
    c->deadline = now_ms + c->cfg.connect_timeout_ms;
    return AXWS_OK;
}

AXWS__DEF unsigned axws_socket_generation(const axws_conn *c) {
    AXWS_ASSERT(c != NULL);
    return c->sock_gen;
}

AXWS__DEF int axws_pollfds(const axws_conn *c, struct pollfd *fds, int max) {
    short ev = 0;
    AXWS_ASSERT(c != NULL);
    if (c->fd < 0 || c->state == AXWS_STATE_CLOSED || max < 1) return 0;
    if (c->state == AXWS_STATE_CONNECTING) {
        ev = POLLOUT;
#ifndef AXWS_NO_PROXY
        if (AXWS__PX_BUSY(c) && !axws__px_sending(c->px_step)) ev = POLLIN; /* the proxy's answer */
#endif
    }
#ifdef AXWS__HAVE_TLS
    else if (c->secure) {
        ev = axws__tls_events(c);
    }
#endif
    else {
        if (c->rx_len < c->cfg.rx_size && !c->input_paused) ev |= POLLIN;
        if (c->tx_tail != c->tx_head) ev |= POLLOUT;
    }
    fds[0].fd = c->fd;
    fds[0].events = ev;
    fds[0].revents = 0;
    return 1;
}

/* ---- plain ws:// transport */

static void axws__sock_plain_flush(axws_conn *c) {
    unsigned gen = c->gen;
    while (c->gen == gen && c->fd >= 0 && c->tx_tail != c->tx_head) {
        size_t sent;
        if (axws__sock_send(c, (const uint8_t *)c->cfg.tx_buf + c->tx_head, c->tx_tail - c->tx_head, &sent) ||
            !sent)
            break;
        axws_output_ack(c, sent);
    }
}

static void axws__sock_plain_pump(axws_conn *c, short revents) {
    uint8_t *rx = (uint8_t *)c->cfg.rx_buf;
    unsigned gen = c->gen;
    int reads = 0;
    for (;;) {
        long r;
        if (c->rx_len) {
            size_t k = axws_feed(c, rx, c->rx_len, c->now);
            if (c->gen != gen) return;
            if (k && k < c->rx_len) memmove(rx, rx + k, c->rx_len - k);
            c->rx_len -= k;
        }
        axws__sock_plain_flush(c);
        if (c->gen != gen || c->state == AXWS_STATE_CLOSED) return;
        if (c->rx_len == c->cfg.rx_size || c->eof || c->input_paused) { /* back-pressure, or done */
            /* not reading: poll reports an error or hang-up whatever was asked, so one left
               pending would make a level-triggered loop spin; the port names the error */
            if (revents & (POLLERR | POLLHUP)) axws__sock_failed(c, axws__port_connect_result(c->fd));
            else if ((revents & POLLIN) && !c->eof) c->read_again = 2;
            break;
        }
        if (!(revents & (POLLIN | POLLHUP | POLLERR))) break;
        if (reads++ == AXWS__READS_PER_STEP) { /* enough for one step: the rest next time */
            c->read_again = 1;
            break;
        }
        r = axws__sock_recv(c, rx + c->rx_len, c->cfg.rx_size - c->rx_len);
        if (r == AXWS__PORT_EOF) {
            axws_feed_eof(c, c->now);
            return;
        }
        if (r <= 0) return; /* nothing waiting, or failed */
        c->rx_len += (size_t)r;
    }
}

/* cfg.read_batch: on an open connection the socket wakes poll only for that many bytes,
   so the driver reads on its own every read_batch_ms (io_due tells axws_timeout_ms when).
   Set once per socket, when it opens: the TLS and upgrade handshakes are small messages
   that must not wait. Returns POLLIN when this step must read without poll's word. */
#ifdef AXWS__READ_BATCH
static short axws__sock_read_batch(axws_conn *c, short revents, int64_t now_ms) {
    int ms = c->cfg.read_batch_ms > 0 ? c->cfg.read_batch_ms : 1;
    short add = 0;
    if (c->state != AXWS_STATE_OPEN || c->fd < 0) {
        c->io_due = 0;
        return 0;
    }
    if (c->batch_gen != c->sock_gen) {
        c->batch_gen = c->sock_gen;
        c->io_due = axws__port_read_batch(c->fd, c->cfg.read_batch) == 0 ? now_ms + ms : 0;
        return 0;
    }
    if (!c->io_due) return 0; /* the system cannot batch: reads as bytes arrive */
    if (!(revents & POLLIN) && now_ms >= c->io_due) add = POLLIN;
    if ((revents | add) & POLLIN) c->io_due = now_ms + ms;
    return add;
}
#endif

AXWS__DEF int axws_step(axws_conn *c, const struct pollfd *fds, int nfds, int64_t now_ms) {
    short revents = POLLIN | POLLOUT; /* without poll results, try everything */
    unsigned gen;
    int i;
    AXWS_ASSERT(c != NULL);
    c->now = now_ms;
    if (fds) {
        revents = 0;
        for (i = 0; i < nfds; i++)
            if (fds[i].fd == c->fd && c->fd >= 0) revents |= fds[i].revents;
    } else if (c->state == AXWS_STATE_CONNECTING && c->fd >= 0 && !AXWS__PX_BUSY(c)) {
        /* no poll results: ask the socket, as a connect still in progress reports no error
           yet and must not be taken for done (a NULL step is a valid timer tick) */
        struct pollfd p;
        p.fd = c->fd;
        p.events = POLLOUT;
        p.revents = 0;
        revents = axws_poll(&p, 1, 0) > 0 ? p.revents : 0;
    }
    if (c->read_again && c->state >= AXWS_STATE_TLS) { /* reading stopped early last time */
        revents |= POLLIN;
        c->read_again = 0;
    }
#ifdef AXWS__READ_BATCH
    if (c->cfg.read_batch) revents = (short)(revents | axws__sock_read_batch(c, revents, now_ms));
#endif
    gen = c->gen;
    if (c->state == AXWS_STATE_CONNECTING && c->fd >= 0 && !AXWS__PX_BUSY(c) &&
        (revents & (POLLOUT | POLLERR | POLLHUP))) {
        int err = axws__port_connect_result(c->fd);
        if (err) {
            axws__port_drop(c->fd);
            c->fd = -1;
            if (c->addr_index < c->addr_count) axws__sock_try_next(c, 1);
            else axws__frame_fail(c, AXWS__ECONNECT(c), err);
        } else {
            axws__sock_connected(c);
        }
        revents = POLLIN | POLLOUT;
    }
#ifndef AXWS_NO_PROXY
    /* the proxy's handshake; when it opens the tunnel, TLS or the upgrade starts below */
    if (c->gen == gen && c->fd >= 0 && AXWS__PX_BUSY(c)) axws__px_pump(c, revents);
#endif
    if (c->gen == gen && c->fd >= 0 && c->state >= AXWS_STATE_TLS) {
#ifdef AXWS__HAVE_TLS
        if (c->secure) {
            axws_state before = c->state;
            axws__tls_pump(c, revents, now_ms);
            if (c->gen == gen && before == AXWS_STATE_TLS && c->state == AXWS_STATE_HANDSHAKE)
                c->deadline = now_ms + c->cfg.handshake_timeout_ms;
        } else
#endif
            axws__sock_plain_pump(c, revents);
    }
    if (c->gen == gen) axws__sock_connect_timers(c, now_ms);
    if (c->gen == gen) axws_tick(c, now_ms);
    return c->error;
}
#endif /* AXWS_NO_SOCKETS */
/* <<sock */

/* >>axiom */
#ifndef AXWS_NO_AXIOM
/* >>axiom-msg */
/* ======================================================================== Axiom messages
   Layout: one tokenizer pass; a context per nesting depth says what the keys and values
   there are (top level, content object, content array, content.pair, token_balances and
   its entries: the few paths this protocol has; a generic path matcher cost more than
   the tokenizer itself on small messages); keys in those contexts are found through small
   hash tables to a slot; values land in slots (views, or copies in the arena for oversize
   messages). Nothing is cleared per message: a slot
   belongs to the message when its gen matches. At the end the room and content types pick
   the kind and a per-kind table copies slots into the message's typed struct; the same
   table names the fields for axws_axiom_msg_write_json. */

/* What the keys or values at one depth are. */
enum {
    AXWS__AXC_NONE = 0, AXWS__AXC_TOP, AXWS__AXC_CFIELD, AXWS__AXC_PAIR, AXWS__AXC_BFIELD,
    AXWS__AXC_CELEM, AXWS__AXC_BELEM
};

/* Sized for flash (a few hundred keys and fields in all): names are at most 48 bytes, and
   a key's slot is a T, C or P slot (all below the first B slot), a B slot relative to the
   first, or AXWS__AXIOM_RESERVED. */
typedef struct axws__axiom_key {
    const char *name;
    uint8_t len;
    int8_t slot;
} axws__axiom_key;
typedef char axws__axiom_key_slots_fit[AXWS__AXS_BAL <= 127 ? 1 : -1];

#define AXWS__AXK_T(n) {#n, sizeof #n - 1, AXWS__AXS_T_##n},
#define AXWS__AXK_C(n) {#n, sizeof #n - 1, AXWS__AXS_C_##n},
#define AXWS__AXK_P(n) {#n, sizeof #n - 1, AXWS__AXS_P_##n},
#define AXWS__AXK_B(n) {#n, sizeof #n - 1, AXWS__AXS_B_##n - AXWS__AXS_BAL},
/* keys the --json line uses itself: an object holding one cannot be spliced into it */
#define AXWS__AXIOM_RESERVED -2
#define AXWS__AXK_RESERVED                                                                     \
    {"event", 5, AXWS__AXIOM_RESERVED}, {"kind", 4, AXWS__AXIOM_RESERVED},                     \
    {"truncated", 9, AXWS__AXIOM_RESERVED}, {"undecodable", 11, AXWS__AXIOM_RESERVED},
static const axws__axiom_key axws__axiom_keys_top[] = {
    {"room", 4, AXWS__AXS_ROOM}, {"content", 7, AXWS__AXS_CONTENT}, AXWS__AXK_RESERVED
    AXWS__AXIOM_TOP_FIELDS(AXWS__AXK_T)};
static const axws__axiom_key axws__axiom_keys_content[] = {
    {"room", 4, AXWS__AXIOM_RESERVED}, AXWS__AXK_RESERVED
    AXWS__AXIOM_CONTENT_FIELDS(AXWS__AXK_C)};
static const axws__axiom_key axws__axiom_keys_pair[] = {AXWS__AXIOM_PAIR_FIELDS(AXWS__AXK_P)};
static const axws__axiom_key axws__axiom_keys_bal[] = {AXWS__AXIOM_BAL_FIELDS(AXWS__AXK_B)};
#undef AXWS__AXK_T
#undef AXWS__AXK_C
#undef AXWS__AXK_P
#undef AXWS__AXK_B
#undef AXWS__AXK_RESERVED

/* the key table of contexts TOP, CFIELD, PAIR, BFIELD (in that order, from 1) */
static const axws__axiom_key *const axws__axiom_key_tab[4] = {
    axws__axiom_keys_top, axws__axiom_keys_content, axws__axiom_keys_pair, axws__axiom_keys_bal};
static const uint8_t axws__axiom_key_count[4] = {
    AXWS__COUNT(axws__axiom_keys_top),
    AXWS__COUNT(axws__axiom_keys_content),
    AXWS__COUNT(axws__axiom_keys_pair),
    AXWS__COUNT(axws__axiom_keys_bal)};

static unsigned axws__axiom_hash(const char *k, size_t n) {
    return (unsigned)(n * 7u + (uint8_t)k[0] * 3u + (uint8_t)k[n - 1] * 5u + (uint8_t)k[n / 2]) & 127u;
}

/* Open addressing over 128 entries per table (at most 45 keys each: under half full). */
static void axws__axiom_hash_init(axws_axiom_decoder *d) {
    int t, i;
    memset(d->khash, 0xFF, sizeof d->khash);
    for (t = 0; t < 4; t++)
        for (i = 0; i < axws__axiom_key_count[t]; i++) {
            const axws__axiom_key *e = &axws__axiom_key_tab[t][i];
            unsigned h = axws__axiom_hash(e->name, e->len);
            while (d->khash[t][h] != 0xFF) h = (h + 1) & 127u;
            d->khash[t][h] = (uint8_t)i;
        }
}

static int axws__axiom_lookup(const axws_axiom_decoder *d, int t, const char *k, size_t len) {
    unsigned h, i;
    if (!len) return -1;
    for (h = axws__axiom_hash(k, len); (i = d->khash[t][h]) != 0xFF; h = (h + 1) & 127u) {
        const axws__axiom_key *e = &axws__axiom_key_tab[t][i];
        if (e->len == len && memcmp(e->name, k, len) == 0) return e->slot;
    }
    return -1;
}

AXWS__DEF const char *axws_axiom_kind_name(int kind) {
#define AXWS__AXIOM_KIND_STR(NAME, name) #name,
    static const char *const names[] = {AXWS_AXIOM_KINDS(AXWS__AXIOM_KIND_STR)};
#undef AXWS__AXIOM_KIND_STR
    return kind >= 0 && kind < AXWS_AXIOM_KIND_COUNT ? names[kind] : "unknown";
}

AXWS__DEF int axws_axiom_decoder_init_checked(axws_axiom_decoder *d, void *buf, size_t size, uint32_t layout) {
    AXWS_ASSERT(d != NULL);
    if (layout != AXWS__LAYOUT_DECODER) return AXWS_ELAYOUT;
    memset(d, 0, sizeof *d);
    d->buf = (unsigned char *)buf;
    d->size = buf ? size : 0;
    axws_json_init(&d->json, NULL, 0);
    axws__axiom_hash_init(d);
    return 0;
}

AXWS__DEF void axws_axiom_decoder_set_raw_fn(axws_axiom_decoder *d, axws_axiom_raw_fn fn,
                                             void *user) {
    AXWS_ASSERT(d != NULL);
    d->raw_fn = fn;
    d->raw_user = user;
}

AXWS__DEF void axws_axiom_decoder_reset(axws_axiom_decoder *d) {
    AXWS_ASSERT(d != NULL);
    d->in_msg = 0;
}

static void axws__axiom_begin(axws_axiom_decoder *d) {
    if (++d->gen == 0) { /* wrapped: old slots could look current */
        size_t i;
        for (i = 0; i < AXWS__AXS_COUNT; i++) d->slots[i].gen = 0;
        d->gen = 1;
    }
    axws_json_reset(&d->json);
    d->in_msg = 1;
    d->have = 0;
    d->msg_len = 0;
    d->streaming = d->done = d->err = 0;
    d->err_offset = 0;
    d->field = d->cap_slot = -1;
    d->top_type = 0;
    d->nvalues = d->nbal = 0;
    d->bal_group = -1;
    d->bal_bad = d->in_bal = 0;
    d->content_start = d->content_end = 0;
    d->nranges = 0;
    d->inner_busy = d->truncated = d->reserved = 0;
    d->arena_len = 0;
    d->frame = NULL;
    d->frame_kept = 0;
}

/* ---------------------------------------------------------------- capture */

static void axws__axiom_append(axws_axiom_decoder *d, axws__axiom_slot *s, const char *p, size_t n) {
    size_t room = AXWS_AXIOM_CAPTURE_MAX > s->len ? AXWS_AXIOM_CAPTURE_MAX - s->len : 0;
    size_t left = AXWS_AXIOM_ARENA_SIZE - d->arena_len, k = n;
    if (room > left) room = left;
    if (k > room) {
        k = room;
        s->flags |= AXWS_AXIOM_TRUNCATED;
        d->truncated = 1;
    }
    if (k) memcpy(d->arena + d->arena_len, p, k);
    d->arena_len += k;
    s->len += k;
}

/* Offset in the frame of a position in the current piece. */
static uint64_t axws__axiom_off(const axws_axiom_decoder *d, const char *p) {
    return d->piece_base + (uint64_t)(p - d->piece);
}

static void axws__axiom_scalar_end(axws_axiom_decoder *d, int slot, const axws_json_token *t) {
    axws__axiom_slot *s = &d->slots[slot];
    if (t->escaped) s->flags |= AXWS_AXIOM_ESCAPED;
    if (t->type == AXWS_JSON_NUMBER && t->integer) s->flags |= AXWS_AXIOM_INTEGER;
    d->cap_slot = -1;
    if (slot == AXWS__AXS_CONTENT) {
        if (t->type == AXWS_JSON_STRING) d->content_end = axws__axiom_off(d, t->data + t->len) + 1;
        else if (t->type == AXWS_JSON_NUMBER) d->content_end = axws__axiom_off(d, t->data + t->len);
        else d->content_end = t->offset + (t->type == AXWS_JSON_FALSE ? 5 : 4);
    }
}

static void axws__axiom_scalar(axws_axiom_decoder *d, int slot, const axws_json_token *t) {
    axws__axiom_slot *s = &d->slots[slot];
    s->gen = d->gen;
    s->type = (uint8_t)t->type;
    s->flags = AXWS_AXIOM_PRESENT | (t->type == AXWS_JSON_NULL ? AXWS_AXIOM_NULL : 0u);
    s->ptr = NULL;
    s->len = 0;
    if (t->type != AXWS_JSON_STRING && t->type != AXWS_JSON_NUMBER) {
        axws__axiom_scalar_end(d, slot, t);
        return;
    }
    if (!t->more && d->piece_stable) {
        s->ptr = t->data;
        s->len = t->len;
    } else {
        s->ptr = d->arena + d->arena_len;
        axws__axiom_append(d, s, t->data, t->len);
        if (t->more) {
            d->cap_slot = slot;
            return;
        }
    }
    axws__axiom_scalar_end(d, slot, t);
}

/* Copy [from, to) of the current piece into an oversize range capture. */
static void axws__axiom_range_copy(axws_axiom_decoder *d, axws__axiom_range *r, uint64_t from,
                                   uint64_t to) {
    size_t n, k;
    if (from < d->piece_base) from = d->piece_base;
    if (from >= to) return;
    r->copied = 1;
    n = (size_t)(to - from);
    k = r->cap ? r->cap_size - r->len : 0;
    if (k > n) k = n;
    if (k) memcpy(r->cap + r->len, d->piece + (from - d->piece_base), k);
    r->len += k;
    if (k < n) r->trunc = 1;
}

static void axws__axiom_open(axws_axiom_decoder *d, int slot, const axws_json_token *t) {
    axws__axiom_slot *s = &d->slots[slot];
    axws__axiom_range *r;
    s->gen = d->gen;
    s->type = (uint8_t)t->type;
    s->flags = AXWS_AXIOM_PRESENT;
    s->ptr = NULL;
    s->len = 0;
    if (d->nranges == AXWS__AXIOM_RANGES) { /* deeper than any known shape nests */
        s->flags |= AXWS_AXIOM_TRUNCATED;
        d->truncated = 1;
        return;
    }
    r = &d->ranges[d->nranges++];
    r->slot = slot;
    r->depth = t->depth;
    r->start = t->offset;
    r->len = 0;
    r->copied = r->trunc = 0;
    r->cap = NULL;
    r->cap_size = 0;
    if (d->streaming) {
        /* content has its own buffer; one nested value at a time uses the other, which
           is moved into the arena when it closes */
        if (slot == AXWS__AXS_CONTENT) { r->cap = d->content_cap; r->cap_size = sizeof d->content_cap; }
        else if (!d->inner_busy) { r->cap = d->inner_cap; r->cap_size = sizeof d->inner_cap; d->inner_busy = 1; }
    }
}

static void axws__axiom_close(axws_axiom_decoder *d, const axws_json_token *t) {
    axws__axiom_range *r = &d->ranges[d->nranges - 1];
    axws__axiom_slot *s = &d->slots[r->slot];
    uint64_t end = t->offset + 1;
    d->nranges--;
    if (r->slot == AXWS__AXS_CONTENT) d->content_end = end;
    if (!r->copied && d->piece_stable) {
        s->ptr = d->piece + (r->start - d->piece_base);
        s->len = (size_t)(end - r->start);
        return;
    }
    axws__axiom_range_copy(d, r, r->start, end);
    if (r->cap == d->inner_cap) {
        size_t k = AXWS_AXIOM_ARENA_SIZE - d->arena_len;
        if (k > r->len) k = r->len;
        else r->trunc = 1;
        memcpy(d->arena + d->arena_len, r->cap, k);
        s->ptr = d->arena + d->arena_len;
        s->len = k;
        d->arena_len += k;
        d->inner_busy = 0;
    } else {
        s->ptr = r->cap;
        s->len = r->len;
    }
    if (r->trunc || !r->cap) {
        s->flags |= AXWS_AXIOM_TRUNCATED;
        d->truncated = 1;
    }
}

/* The slot a value in context c goes to (and bookkeeping of array positions), or -1. */
static int axws__axiom_target(axws_axiom_decoder *d, const axws_json_token *t, int c) {
    int slot = -1;
    if (t->depth == 0) {
        d->top_type = (int)t->type;
        if (t->type == AXWS_JSON_BEGIN_OBJECT) return -1;
        /* a top-level array or scalar is the content of a message without room */
        d->content_start = t->offset;
        return AXWS__AXS_CONTENT;
    }
    switch (c) {
    case AXWS__AXC_TOP: case AXWS__AXC_CFIELD: case AXWS__AXC_PAIR: case AXWS__AXC_BFIELD:
        slot = d->field;
        d->field = -1;
        if (slot == AXWS__AXS_CONTENT && d->slots[slot].gen != d->gen) d->content_start = t->offset;
        break;
    case AXWS__AXC_CELEM:
        if (d->nvalues < AXWS_AXIOM_MAX_VALUES) slot = AXWS__AXS_VALUES + (int)d->nvalues;
        d->nvalues++;
        break;
    case AXWS__AXC_BELEM:
        d->nbal++;
        if (t->type != AXWS_JSON_BEGIN_OBJECT) d->bal_bad = 1;
        else {
            int i;
            d->bal_group = d->nbal <= AXWS_AXIOM_MAX_BALANCES ? (int)d->nbal - 1 : AXWS_AXIOM_MAX_BALANCES;
            for (i = 0; i < AXWS__AXS_BAL_N; i++)
                d->slots[AXWS__AXS_BAL + d->bal_group * AXWS__AXS_BAL_N + i].gen = 0;
            d->in_bal = 1;
            d->bal_depth = t->depth;
        }
        return -1;
    default: return -1;
    }
    if (slot >= 0 && d->slots[slot].gen == d->gen) return -1; /* duplicate key: first wins */
    return slot;
}

/* A key in context c (TOP, CFIELD, PAIR or BFIELD): which slot its value goes to. */
static void axws__axiom_on_key(axws_axiom_decoder *d, const axws_json_token *t, int c) {
    const char *k = t->data;
    size_t n = t->len;
    char tmp[sizeof d->key];
    int slot;
    d->field = -1;
    /* keys are compared decoded; one longer than 48 bytes decoded is no field of ours */
    if (t->more || t->cont) {
        if (!t->cont) axws_json_unescape_init(&d->kesc, d->key, sizeof d->key);
        axws_json_unescape_add(&d->kesc, t->data, t->len);
        if (t->more || axws_json_unescape_finish(&d->kesc, &n) != 0) return;
        k = d->key;
    } else if (t->escaped) {
        if (axws_json_unescape(k, n, tmp, sizeof tmp, &n) != 0) return;
        k = tmp;
    }
    slot = axws__axiom_lookup(d, c - AXWS__AXC_TOP, k, n);
    if (slot == AXWS__AXIOM_RESERVED) {
        d->reserved |= c == AXWS__AXC_TOP ? 1 : 2;
        slot = -1;
    }
    if (slot >= 0 && c == AXWS__AXC_BFIELD)
        slot = d->in_bal ? AXWS__AXS_BAL + d->bal_group * AXWS__AXS_BAL_N + slot : -1;
    d->field = slot;
}

/* A token_balances entry ended: does it have the fields BalanceUpdate requires? */
static void axws__axiom_bal_end(axws_axiom_decoder *d) {
    const axws__axiom_slot *g = &d->slots[AXWS__AXS_BAL + d->bal_group * AXWS__AXS_BAL_N];
    static const uint8_t want[AXWS__AXS_BAL_N] = {AXWS_JSON_STRING, AXWS_JSON_STRING,
                                                  AXWS_JSON_NUMBER, AXWS_JSON_NUMBER};
    int i;
    for (i = 0; i < AXWS__AXS_BAL_N; i++)
        if (g[i].gen != d->gen || g[i].type != want[i]) d->bal_bad = 1;
    d->in_bal = 0;
}

static void axws__axiom_token(axws_axiom_decoder *d, const axws_json_token *t) {
    uint32_t dep = t->depth;
    int c = dep < AXWS__AXIOM_DEPTH ? (int)d->ctx[dep] : (int)AXWS__AXC_NONE, slot;
    switch (t->type) {
    case AXWS_JSON_KEY:
        if (c >= AXWS__AXC_TOP && c <= AXWS__AXC_BFIELD) axws__axiom_on_key(d, t, c);
        return;
    case AXWS_JSON_BEGIN_OBJECT:
    case AXWS_JSON_BEGIN_ARRAY: {
        int obj = t->type == AXWS_JSON_BEGIN_OBJECT;
        uint8_t cc = AXWS__AXC_NONE;
        slot = axws__axiom_target(d, t, c);
        /* what the children of this container are */
        if (dep == 0) cc = obj ? AXWS__AXC_TOP : AXWS__AXC_NONE;
        else if (slot == AXWS__AXS_CONTENT) cc = obj ? AXWS__AXC_CFIELD : AXWS__AXC_CELEM;
        else if (slot == AXWS__AXS_T_token_balances) cc = obj ? AXWS__AXC_NONE : AXWS__AXC_BELEM;
        else if (slot == AXWS__AXS_C_pair) cc = obj ? AXWS__AXC_PAIR : AXWS__AXC_NONE;
        else if (c == AXWS__AXC_BELEM && obj) cc = AXWS__AXC_BFIELD;
        if (dep + 1 < AXWS__AXIOM_DEPTH) d->ctx[dep + 1] = cc;
        if (slot >= 0) axws__axiom_open(d, slot, t);
        return;
    }
    case AXWS_JSON_END_OBJECT:
    case AXWS_JSON_END_ARRAY:
        if (d->nranges && d->ranges[d->nranges - 1].depth == dep) axws__axiom_close(d, t);
        if (d->in_bal && dep == d->bal_depth) axws__axiom_bal_end(d);
        return;
    default:
        if (t->cont) {
            if (d->cap_slot >= 0) {
                axws__axiom_append(d, &d->slots[d->cap_slot], t->data, t->len);
                if (!t->more) axws__axiom_scalar_end(d, d->cap_slot, t);
            }
            return;
        }
        slot = axws__axiom_target(d, t, c);
        if (slot >= 0) axws__axiom_scalar(d, slot, t);
        return;
    }
}

/* Tokenize one piece of the message. */
static void axws__axiom_piece(axws_axiom_decoder *d, const char *p, size_t n, int stable, int fin) {
    axws_json_token t;
    int r;
    d->piece = p;
    d->piece_len = n;
    d->piece_stable = stable;
    if (d->err || d->done) goto out;
    axws_json_feed(&d->json, p, n);
    if (fin) axws_json_end(&d->json);
    for (;;) {
        r = axws_json_next(&d->json, &t);
        if (r > 0 && r < AXWS_JSON_DONE) {
            axws__axiom_token(d, &t);
            continue;
        }
        if (r == AXWS_JSON_DONE) d->done = 1;
        else if (r < 0) {
            d->err = r;
            d->err_offset = axws_json_error_offset(&d->json);
            /* a value cut by the error is not a value (it may end inside a UTF-8 sequence) */
            if (d->cap_slot >= 0) d->slots[d->cap_slot].gen = 0;
            d->cap_slot = -1;
        } else if (d->streaming) {
            int i; /* the piece is used up: open captures keep their part of it */
            for (i = 0; i < d->nranges; i++)
                axws__axiom_range_copy(d, &d->ranges[i], d->ranges[i].start, d->piece_base + n);
        }
        break;
    }
out:
    d->piece_base += n;
}

/* ---------------------------------------------------------------- assembly */

static axws_axiom_value axws__axiom_val(const axws_axiom_decoder *d, int slot) {
    axws_axiom_value v;
    const axws__axiom_slot *s = &d->slots[slot];
    if (s->gen != d->gen) {
        memset(&v, 0, sizeof v);
        return v;
    }
    v.ptr = s->ptr;
    v.len = s->len;
    v.flags = s->flags;
    v.type = s->type;
    return v;
}

AXWS__DEF axws_axiom_str axws_axiom_value_str(const axws_axiom_value *v) {
    axws_axiom_str s;
    AXWS_ASSERT(v != NULL);
    s.ptr = v->ptr;
    s.len = v->len;
    s.flags = v->flags;
    s.type = v->type;
    if ((s.flags & AXWS_AXIOM_PRESENT) && s.type != AXWS_JSON_STRING && s.type != AXWS_JSON_NULL)
        s.flags |= AXWS_AXIOM_MISMATCH;
    return s;
}

/* Largest prefix of a string body (valid JSON string content) that ends on a whole
   escape and a whole UTF-8 sequence: what is left of a TRUNCATED string. */
static size_t axws__axiom_safe_prefix(const char *p, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = (uint8_t)p[i];
        size_t k;
        if (c == '\\') k = i + 1 < n && p[i + 1] == 'u' ? 6 : 2;
        else k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + k > n) break;
        i += k;
    }
    return i;
}

/* An integer literal of at most 18 digits (a valid JSON number: no check of the grammar). */
static int axws__axiom_small_int(const char *p, size_t n, int64_t *out) {
    size_t i = p[0] == '-';
    uint64_t v = 0;
    if (n - i > 18 || n == i) return 0;
    for (; i < n; i++) v = v * 10 + (uint64_t)(p[i] - '0');
    *out = p[0] == '-' ? -(int64_t)v : (int64_t)v;
    return 1;
}

AXWS__DEF axws_axiom_num axws_axiom_value_num(const axws_axiom_value *v) {
    axws_axiom_num n;
    AXWS_ASSERT(v != NULL);
    memset(&n, 0, sizeof n);
    n.flags = v->flags & (AXWS_AXIOM_PRESENT | AXWS_AXIOM_NULL | AXWS_AXIOM_TRUNCATED);
    n.type = v->type;
    n.raw = v->ptr;
    n.raw_len = v->len;
    if (!(v->flags & AXWS_AXIOM_PRESENT) || v->type == AXWS_JSON_NULL) return n;
    if (v->type == AXWS_JSON_STRING) {
        /* a number sent as a string ("49"): the body must be a JSON number as a whole,
           no longer than what an oversize message keeps (so both read the same) */
        if ((v->flags & (AXWS_AXIOM_ESCAPED | AXWS_AXIOM_TRUNCATED)) || v->len > AXWS_AXIOM_CAPTURE_MAX ||
            axws_json_to_double(v->ptr, v->len, &n.value) == AXWS_JSON_ENUMBER) {
            n.value = 0;
            n.flags |= AXWS_AXIOM_MISMATCH;
            return n;
        }
        n.flags |= AXWS_AXIOM_QUOTED;
        if (axws_json_to_int64(v->ptr, v->len, &n.integer) != 0) n.integer = 0;
        else if (!memchr(v->ptr, '.', v->len) && !memchr(v->ptr, 'e', v->len) &&
                 !memchr(v->ptr, 'E', v->len))
            n.flags |= AXWS_AXIOM_INTEGER;
        return n;
    }
    if (v->type != AXWS_JSON_NUMBER) {
        n.flags |= AXWS_AXIOM_MISMATCH;
        return n;
    }
    if (v->flags & AXWS_AXIOM_TRUNCATED) {
        n.value = NAN;
        return n;
    }
    if ((v->flags & AXWS_AXIOM_INTEGER) && axws__axiom_small_int(v->ptr, v->len, &n.integer)) {
        /* up to 18 digits: exact, and int64 -> double rounds to nearest like a parse */
        n.value = (double)n.integer;
        if (n.integer == 0 && v->ptr[0] == '-') n.value = -0.0;
        n.flags |= AXWS_AXIOM_INTEGER;
        return n;
    }
    axws_json_to_double(v->ptr, v->len, &n.value); /* ERANGE leaves +-HUGE_VAL */
    if (v->flags & AXWS_AXIOM_INTEGER) { /* 19 digits or more: exact when within int64 */
        if (axws_json_to_int64(v->ptr, v->len, &n.integer) == 0) n.flags |= AXWS_AXIOM_INTEGER;
        else n.integer = 0;
    } else if (n.value >= -9223372036854775808.0 && n.value < 9223372036854775808.0 &&
               (double)(int64_t)n.value == n.value)
        n.integer = (int64_t)n.value; /* 1.5e2: whole, taken from the double (no libm) */
    return n;
}

static axws_axiom_str axws__axiom_str(const axws_axiom_decoder *d, int slot) {
    axws_axiom_value v = axws__axiom_val(d, slot);
    return axws_axiom_value_str(&v);
}

static axws_axiom_num axws__axiom_num(const axws_axiom_decoder *d, int slot) {
    axws_axiom_value v = axws__axiom_val(d, slot);
    return axws_axiom_value_num(&v);
}

/* Field tables: the typed struct's members, their slots and their JSON names. */
enum { AXWS__AXF_STR = 0, AXWS__AXF_NUM, AXWS__AXF_VAL, AXWS__AXF_WRITE = 4 };
/* 8 bytes on a 32-bit target (flash: the tables hold about 150 fields) */
typedef struct axws__axiom_field {
    const char *name;
    uint16_t off;    /* of the member in the kind's struct */
    uint16_t bits;   /* slot << 3 | AXWS__AXF_WRITE (written by write_json; without it: part
                        of a nested object) | the type (AXWS__AXF_STR, _NUM or _VAL) */
} axws__axiom_field;
/* held by the bounds on AXWS_AXIOM_MAX_VALUES and _MAX_BALANCES (checked with #error) */
typedef char axws__axiom_field_slots_fit[AXWS__AXS_COUNT < 8192 ? 1 : -1];
typedef char axws__axiom_field_offsets_fit[sizeof(axws_axiom_msg) <= 65535 ? 1 : -1];
static int axws__axiom_field_slot(const axws__axiom_field *f) { return f->bits >> 3; }
static int axws__axiom_field_type(const axws__axiom_field *f) { return f->bits & 3; }
static int axws__axiom_field_written(const axws__axiom_field *f) { return (f->bits & AXWS__AXF_WRITE) != 0; }

/* A table entry from a kind's field list (AXWS_AXIOM_FIELDS_*): where its key's slot is
   and the name write_json gives it. Fields of the nested pair object (P) are not written
   one by one (no AXWS__AXF_WRITE): the pair object is. */
#define AXWS__AXF(s, TYPE, member, where, key) AXWS__AXF_##where(s, AXWS__AXF_##TYPE, member, key),
#define AXWS__AXF_E(name, slot, s, m, bits) {name, (uint16_t)offsetof(s, m), (uint16_t)((slot) << 3 | (bits))}
#define AXWS__AXF_C(s, ft, m, key) AXWS__AXF_E(#key, AXWS__AXS_C_##key, s, m, ft | AXWS__AXF_WRITE)
#define AXWS__AXF_T(s, ft, m, key) AXWS__AXF_E(#key, AXWS__AXS_T_##key, s, m, ft | AXWS__AXF_WRITE)
#define AXWS__AXF_P(s, ft, m, key) AXWS__AXF_E(#key, AXWS__AXS_P_##key, s, m, ft)
#define AXWS__AXF_B(s, ft, m, key) AXWS__AXF_E(#key, AXWS__AXS_B_##key - AXWS__AXS_BAL, s, m, ft | AXWS__AXF_WRITE)
#define AXWS__AXF_K(s, ft, m, key) AXWS__AXF_E(#key, AXWS__AXS_CONTENT, s, m, ft | AXWS__AXF_WRITE)
#define AXWS__AXF_V(s, ft, m, index) AXWS__AXF_E(#m, AXWS__AXS_VALUES + (index), s, m, ft | AXWS__AXF_WRITE)
#define AXWS__AXF_TABLE(name, NAME) \
    static const axws__axiom_field axws__axiom_f_##name[] = {AXWS_AXIOM_FIELDS_##NAME(AXWS__AXF, axws_axiom_##name)};
AXWS__AXF_TABLE(new_pair, NEW_PAIR)
AXWS__AXF_TABLE(wallet_trade, WALLET_TRADE)
AXWS__AXF_TABLE(trade, TRADE)
AXWS__AXF_TABLE(market_update, MARKET_UPDATE)
AXWS__AXF_TABLE(order_update, ORDER_UPDATE)
AXWS__AXF_TABLE(trade_update, TRADE_UPDATE)
AXWS__AXF_TABLE(balance_update, BALANCE_UPDATE)
AXWS__AXF_TABLE(token_balance, TOKEN_BALANCE)
AXWS__AXF_TABLE(error_msg, ERROR)
AXWS__AXF_TABLE(sol_price, SOL_PRICE)
AXWS__AXF_TABLE(block_hash, BLOCK_HASH)
AXWS__AXF_TABLE(priority_fee, PRIORITY_FEE)
AXWS__AXF_TABLE(connection_monitor, CONNECTION_MONITOR)
AXWS__AXF_TABLE(connected, CONNECTED)
AXWS__AXF_TABLE(disconnected, DISCONNECTED)
#undef AXWS__AXF_TABLE
#undef AXWS__AXF
#undef AXWS__AXF_C
#undef AXWS__AXF_T
#undef AXWS__AXF_P
#undef AXWS__AXF_B
#undef AXWS__AXF_K
#undef AXWS__AXF_V
#undef AXWS__AXF_E

typedef struct axws__axiom_table {
    const axws__axiom_field *f;
    size_t n;
} axws__axiom_table;

#define AXWS__AXT(a) {a, AXWS__COUNT(a)}
static const axws__axiom_table axws__axiom_tables[AXWS_AXIOM_KIND_COUNT] = {
    AXWS__AXT(axws__axiom_f_new_pair), AXWS__AXT(axws__axiom_f_sol_price),
    AXWS__AXT(axws__axiom_f_block_hash), AXWS__AXT(axws__axiom_f_priority_fee),
    AXWS__AXT(axws__axiom_f_connection_monitor), {NULL, 0} /* active_users: by hand */,
    AXWS__AXT(axws__axiom_f_wallet_trade), AXWS__AXT(axws__axiom_f_trade),
    AXWS__AXT(axws__axiom_f_market_update), AXWS__AXT(axws__axiom_f_order_update),
    AXWS__AXT(axws__axiom_f_trade_update), AXWS__AXT(axws__axiom_f_balance_update),
    AXWS__AXT(axws__axiom_f_error_msg), AXWS__AXT(axws__axiom_f_connected),
    AXWS__AXT(axws__axiom_f_disconnected), {NULL, 0} /* raw */};
#undef AXWS__AXT

static void axws__axiom_fill(const axws_axiom_decoder *d, const axws__axiom_field *f, size_t n,
                             int base_slot, void *dst) {
    size_t i;
    char *b = (char *)dst;
    for (i = 0; i < n; i++) {
        int slot = base_slot + axws__axiom_field_slot(&f[i]);
        switch (axws__axiom_field_type(&f[i])) {
        case AXWS__AXF_STR: *(axws_axiom_str *)(void *)(b + f[i].off) = axws__axiom_str(d, slot); break;
        case AXWS__AXF_NUM: *(axws_axiom_num *)(void *)(b + f[i].off) = axws__axiom_num(d, slot); break;
        default: *(axws_axiom_value *)(void *)(b + f[i].off) = axws__axiom_val(d, slot); break;
        }
    }
}

/* Compare a string slot's text with a literal (escapes resolved). */
static int axws__axiom_str_is(const axws_axiom_decoder *d, int slot, const char *lit) {
    const axws__axiom_slot *s = &d->slots[slot];
    size_t n = strlen(lit), m;
    char tmp[32];
    if (s->gen != d->gen || s->type != AXWS_JSON_STRING || (s->flags & AXWS_AXIOM_TRUNCATED)) return 0;
    if (!(s->flags & AXWS_AXIOM_ESCAPED)) return s->len == n && memcmp(s->ptr, lit, n) == 0;
    if (axws_json_unescape(s->ptr, s->len, tmp, sizeof tmp, &m) != 0) return 0;
    return m == n && memcmp(tmp, lit, n) == 0;
}

static int axws__axiom_status(const axws_axiom_decoder *d, int slot) {
    static const char *const names[] = {"pending", "processing", "partially_filled",
                                        "filled", "cancelled", "failed"};
    int i;
    for (i = 0; i < 6; i++)
        if (axws__axiom_str_is(d, slot, names[i])) return i + 1;
    return AXWS_AXIOM_STATUS_UNKNOWN;
}

static int axws__axiom_side(const axws_axiom_decoder *d, int slot) {
    if (axws__axiom_str_is(d, slot, "buy")) return AXWS_AXIOM_SIDE_BUY;
    if (axws__axiom_str_is(d, slot, "sell")) return AXWS_AXIOM_SIDE_SELL;
    return AXWS_AXIOM_SIDE_UNKNOWN;
}

/* Type checks of the typed shapes (docs/PROTOCOL.md section 5). */
static int axws__axiom_has(const axws_axiom_decoder *d, int slot, int type) {
    return d->slots[slot].gen == d->gen && d->slots[slot].type == type;
}
static int axws__axiom_has_int(const axws_axiom_decoder *d, int slot) {
    const axws__axiom_slot *s = &d->slots[slot];
    int64_t v;
    return axws__axiom_has(d, slot, AXWS_JSON_NUMBER) && (s->flags & AXWS_AXIOM_INTEGER) &&
           !(s->flags & AXWS_AXIOM_TRUNCATED) && axws_json_to_int64(s->ptr, s->len, &v) == 0;
}
static int axws__axiom_opt_str(const axws_axiom_decoder *d, int slot) {
    return d->slots[slot].gen != d->gen || d->slots[slot].type == AXWS_JSON_NULL ||
           d->slots[slot].type == AXWS_JSON_STRING;
}

#define AXWS__S(n) axws__axiom_has(d, AXWS__AXS_T_##n, AXWS_JSON_STRING)
#define AXWS__N(n) axws__axiom_has(d, AXWS__AXS_T_##n, AXWS_JSON_NUMBER)
#define AXWS__I(n) axws__axiom_has_int(d, AXWS__AXS_T_##n)
static int axws__axiom_shape(const axws_axiom_decoder *d) {
    if (AXWS__S(token_mint) && AXWS__S(symbol) && AXWS__N(price_usd) && AXWS__N(price_sol) &&
        AXWS__N(price_change_24h) && AXWS__N(volume_24h) && AXWS__N(market_cap) && AXWS__I(timestamp))
        return AXWS_AXIOM_KIND_MARKET_UPDATE;
    if (AXWS__S(order_id) && axws__axiom_status(d, AXWS__AXS_T_status) &&
        axws__axiom_opt_str(d, AXWS__AXS_T_transaction_hash) && AXWS__S(token_mint) &&
        axws__axiom_side(d, AXWS__AXS_T_side) && AXWS__N(amount) && AXWS__N(price) &&
        AXWS__N(filled_amount) && AXWS__I(timestamp) && axws__axiom_opt_str(d, AXWS__AXS_T_error_message))
        return AXWS_AXIOM_KIND_ORDER_UPDATE;
    if (AXWS__S(token_mint) && axws__axiom_side(d, AXWS__AXS_T_side) && AXWS__N(price) &&
        AXWS__N(amount) && AXWS__N(total_value) && AXWS__I(timestamp) && AXWS__S(transaction_hash))
        return AXWS_AXIOM_KIND_TRADE_UPDATE;
    if (AXWS__S(wallet_address) && AXWS__N(sol_balance) &&
        axws__axiom_has(d, AXWS__AXS_T_token_balances, AXWS_JSON_BEGIN_ARRAY) && !d->bal_bad &&
        AXWS__N(total_value_usd) && AXWS__I(timestamp))
        return AXWS_AXIOM_KIND_BALANCE_UPDATE;
    if (AXWS__I(code) && AXWS__S(message)) return AXWS_AXIOM_KIND_ERROR;
    if (AXWS__S(session_id)) return AXWS_AXIOM_KIND_CONNECTED;
    if (AXWS__S(reason)) return AXWS_AXIOM_KIND_DISCONNECTED;
    return AXWS_AXIOM_KIND_RAW;
}
#undef AXWS__S
#undef AXWS__N
#undef AXWS__I

static int axws__axiom_prefix(const axws_axiom_str *room, const char *p) {
    return room->len >= 2 && room->ptr[0] == p[0] && room->ptr[1] == p[1];
}

/* The kind of a room message, by room name and content type. */
static int axws__axiom_room_kind(const axws_axiom_decoder *d, const axws_axiom_msg *m) {
    int ct = m->content.type;
    char tmp[32];
    axws_axiom_str room = m->room;
    if (room.type != AXWS_JSON_STRING) return AXWS_AXIOM_KIND_RAW;
    /* a name cut short (oversize) can only match by its prefix, as it would whole */
    if (room.flags & AXWS_AXIOM_TRUNCATED) room.len = axws__axiom_safe_prefix(room.ptr, room.len);
    if (room.flags & AXWS_AXIOM_ESCAPED) { /* rare: compare the decoded name's start */
        size_t n;
        axws_json_unescape(room.ptr, room.len, tmp, sizeof tmp, &n);
        room.ptr = tmp;
        room.len = n;
    }
#define AXWS__ROOM_IS(lit) (room.len == sizeof lit - 1 && memcmp(room.ptr, lit, sizeof lit - 1) == 0)
    if (AXWS__ROOM_IS("new_pairs")) return ct == AXWS_JSON_BEGIN_OBJECT ? AXWS_AXIOM_KIND_NEW_PAIR : AXWS_AXIOM_KIND_RAW;
    if (AXWS__ROOM_IS("sol_price")) return ct == AXWS_JSON_NUMBER ? AXWS_AXIOM_KIND_SOL_PRICE : AXWS_AXIOM_KIND_RAW;
    if (AXWS__ROOM_IS("block_hash")) return ct == AXWS_JSON_STRING ? AXWS_AXIOM_KIND_BLOCK_HASH : AXWS_AXIOM_KIND_RAW;
    if (AXWS__ROOM_IS("sol-priority-fee")) return ct == AXWS_JSON_NUMBER ? AXWS_AXIOM_KIND_PRIORITY_FEE : AXWS_AXIOM_KIND_RAW;
    if (AXWS__ROOM_IS("connection_monitor")) return ct == AXWS_JSON_NUMBER ? AXWS_AXIOM_KIND_CONNECTION_MONITOR : AXWS_AXIOM_KIND_RAW;
#undef AXWS__ROOM_IS
    if (axws__axiom_prefix(&room, "e-")) {
        axws_axiom_num n = axws_axiom_value_num(&m->content);
        if (ct == AXWS_JSON_NUMBER || (n.flags & AXWS_AXIOM_QUOTED)) return AXWS_AXIOM_KIND_ACTIVE_USERS;
        return AXWS_AXIOM_KIND_RAW;
    }
    if (axws__axiom_prefix(&room, "s:"))
        return ct == AXWS_JSON_BEGIN_OBJECT && axws__axiom_has(d, AXWS__AXS_C_active_users, AXWS_JSON_NUMBER)
                   ? AXWS_AXIOM_KIND_ACTIVE_USERS : AXWS_AXIOM_KIND_RAW;
    if (axws__axiom_prefix(&room, "v:"))
        return ct == AXWS_JSON_BEGIN_OBJECT ? AXWS_AXIOM_KIND_WALLET_TRADE : AXWS_AXIOM_KIND_RAW;
    if (axws__axiom_prefix(&room, "t:") || axws__axiom_prefix(&room, "f:"))
        return ct == AXWS_JSON_BEGIN_ARRAY ? AXWS_AXIOM_KIND_TRADE : AXWS_AXIOM_KIND_RAW;
    return AXWS_AXIOM_KIND_RAW;
}

/* The whole frame as content (messages without a room, undecodable ones). */
static void axws__axiom_frame_content(axws_axiom_decoder *d, axws_axiom_msg *m, int type) {
    m->content.ptr = d->frame;
    m->content.len = d->frame_kept;
    m->content.type = type;
    m->content.flags = AXWS_AXIOM_PRESENT;
    if (d->frame_kept < d->msg_len) {
        m->content.flags |= AXWS_AXIOM_TRUNCATED;
        m->flags |= AXWS_AXIOM_MSG_TRUNCATED;
    }
    m->content_offset = 0;
    m->content_len = d->msg_len;
}

/* What the field tables do not give: e-/s: numbers, a trade's positions, the order and
   trade codes, the token balances. */
/* The server's timestamp of the kinds that carry one, in ms since 1970 (0: none). */
static int64_t axws__axiom_server_ms(const axws_axiom_msg *m) {
    const axws_axiom_num *t;
    switch (m->kind) {
    case AXWS_AXIOM_KIND_CONNECTION_MONITOR: t = &m->u.connection_monitor.timestamp_ms; break;
    case AXWS_AXIOM_KIND_TRADE: t = &m->u.trade.timestamp_ms; break;
    case AXWS_AXIOM_KIND_MARKET_UPDATE: t = &m->u.market_update.timestamp; break;
    case AXWS_AXIOM_KIND_ORDER_UPDATE: t = &m->u.order_update.timestamp; break;
    case AXWS_AXIOM_KIND_TRADE_UPDATE: t = &m->u.trade_update.timestamp; break;
    case AXWS_AXIOM_KIND_BALANCE_UPDATE: t = &m->u.balance_update.timestamp; break;
    default: return 0;
    }
    if (!(t->flags & AXWS_AXIOM_INTEGER) || t->integer <= 0) return 0;
    if (m->kind >= AXWS_AXIOM_KIND_MARKET_UPDATE && t->integer < 100000000000LL) /* seconds */
        return t->integer < INT64_MAX / 1000 ? t->integer * 1000 : 0;
    return t->integer;
}

static void axws__axiom_fill_extras(const axws_axiom_decoder *d, axws_axiom_msg *m) {
    m->server_ms = axws__axiom_server_ms(m);
    switch (m->kind) {
    case AXWS_AXIOM_KIND_ACTIVE_USERS:
        m->u.active_users.active_users = axws__axiom_num(d, m->content.type == AXWS_JSON_BEGIN_OBJECT
                                                                ? AXWS__AXS_C_active_users
                                                                : AXWS__AXS_CONTENT);
        break;
    case AXWS_AXIOM_KIND_TRADE: {
        size_t i, n = d->nvalues < AXWS_AXIOM_MAX_VALUES ? d->nvalues : AXWS_AXIOM_MAX_VALUES;
        m->u.trade.count = d->nvalues;
        for (i = 0; i < n; i++) m->u.trade.values[i] = axws__axiom_val(d, AXWS__AXS_VALUES + (int)i);
        break;
    }
    case AXWS_AXIOM_KIND_ORDER_UPDATE:
        m->u.order_update.status_code = (axws_axiom_order_status)axws__axiom_status(d, AXWS__AXS_T_status);
        m->u.order_update.side_code = (axws_axiom_side)axws__axiom_side(d, AXWS__AXS_T_side);
        break;
    case AXWS_AXIOM_KIND_TRADE_UPDATE:
        m->u.trade_update.side_code = (axws_axiom_side)axws__axiom_side(d, AXWS__AXS_T_side);
        break;
    case AXWS_AXIOM_KIND_BALANCE_UPDATE: {
        axws_axiom_balance_update *b = &m->u.balance_update;
        size_t i;
        b->count = d->nbal;
        b->more = d->nbal > AXWS_AXIOM_MAX_BALANCES;
        for (i = 0; i < d->nbal && i < AXWS_AXIOM_MAX_BALANCES; i++)
            axws__axiom_fill(d, axws__axiom_f_token_balance, AXWS__COUNT(axws__axiom_f_token_balance),
                             AXWS__AXS_BAL + (int)i * AXWS__AXS_BAL_N, &b->list[i]);
        break;
    }
    default: break;
    }
}

static void axws__axiom_assemble(axws_axiom_decoder *d) {
    axws_axiom_msg *m = &d->msg;
    const axws__axiom_table *tab;
    memset(m, 0, offsetof(axws_axiom_msg, u));
    m->frame_len = d->msg_len;
    if (d->streaming) m->flags |= AXWS_AXIOM_MSG_OVERSIZE;
    m->room = axws__axiom_str(d, AXWS__AXS_ROOM);
    if (d->truncated) m->flags |= AXWS_AXIOM_MSG_TRUNCATED;
    if (d->err || !d->done) {
        m->kind = AXWS_AXIOM_KIND_RAW;
        m->flags |= AXWS_AXIOM_MSG_UNDECODABLE;
        m->json_error = d->err ? d->err : AXWS_JSON_EEOF;
        m->json_error_offset = d->err ? d->err_offset : d->msg_len;
        axws__axiom_frame_content(d, m, 0);
        return;
    }
    m->content = axws__axiom_val(d, AXWS__AXS_CONTENT);
    m->content_offset = d->content_start;
    m->content_len = d->content_end - d->content_start;
    if (d->top_type != AXWS_JSON_BEGIN_OBJECT) m->kind = AXWS_AXIOM_KIND_RAW;
    else if (m->room.flags & AXWS_AXIOM_PRESENT) m->kind = (axws_axiom_kind)axws__axiom_room_kind(d, m);
    else {
        /* only objects without a room field can be the typed shapes */
        m->kind = (axws_axiom_kind)axws__axiom_shape(d);
        axws__axiom_frame_content(d, m, AXWS_JSON_BEGIN_OBJECT);
    }
    if ((d->reserved & (m->room.flags & AXWS_AXIOM_PRESENT ? 2 : 1)) && m->kind != AXWS_AXIOM_KIND_RAW)
        m->flags |= AXWS_AXIOM_MSG_NO_SPLICE;
    tab = &axws__axiom_tables[m->kind];
    if (tab->n) axws__axiom_fill(d, tab->f, tab->n, 0, &m->u);
    axws__axiom_fill_extras(d, m);
}

AXWS__DEF int axws_axiom_decoder_chunk(axws_axiom_decoder *d, const void *data, size_t len,
                                       int fin, axws_axiom_msg_fn cb, void *user) {
    const char *p = (const char *)data;
    int r;
    AXWS_ASSERT(d != NULL);
    if (!p) { /* an empty chunk (events carry NULL then): point at a real, empty object, so
                 no arithmetic below is ever done on a null pointer (UB even with + 0) */
        p = "";
        len = 0;
    }
    if (!d->in_msg) axws__axiom_begin(d);
    if (!d->streaming) {
        if (fin && d->have == 0) { /* the whole message in one call: decode in place */
            d->piece_base = 0;
            d->frame = p;
            d->frame_kept = len;
            d->msg_len = len;
            axws__axiom_piece(d, p, len, 1, 1);
            goto deliver;
        }
        if (len <= d->size - d->have) {
            if (len) memcpy(d->buf + d->have, p, len);
            d->have += len;
            d->msg_len += len;
            if (!fin) return 0;
            d->piece_base = 0;
            d->frame = (const char *)d->buf;
            d->frame_kept = d->have;
            axws__axiom_piece(d, d->frame, d->have, 1, 1);
            goto deliver;
        }
        /* it does not fit: decode what was gathered, then every piece as it comes */
        d->streaming = 1;
        d->piece_base = 0;
        d->frame = (const char *)d->buf;
        d->frame_kept = d->have;
        if (d->have < sizeof d->frame_cap) { /* keep more of the frame than buf holds */
            if (d->have) memcpy(d->frame_cap, d->buf, d->have);
            d->frame = d->frame_cap;
        }
        if (d->raw_fn && d->have) d->raw_fn(d->raw_user, (const char *)d->buf, d->have, 0, 0);
        axws__axiom_piece(d, (const char *)d->buf, d->have, 1, 0);
    }
    if (d->raw_fn) d->raw_fn(d->raw_user, p, len, d->msg_len, fin);
    if (d->frame == d->frame_cap && d->frame_kept < sizeof d->frame_cap) {
        size_t k = sizeof d->frame_cap - d->frame_kept;
        if (k > len) k = len;
        if (k) memcpy(d->frame_cap + d->frame_kept, p, k);
        d->frame_kept += k;
    }
    d->msg_len += len;
    axws__axiom_piece(d, p, len, 0, fin);
    if (!fin) return 0;
deliver:
    axws__axiom_assemble(d);
    d->in_msg = 0;
    r = d->msg.json_error;
    if (cb) cb(user, &d->msg);
    return r;
}

AXWS__DEF int axws_axiom_str_unescape(const axws_axiom_str *s, char *out, size_t cap, size_t *len) {
    size_t n, got = 0;
    int r;
    AXWS_ASSERT(s != NULL);
    if (len) *len = 0;
    if (s->type != AXWS_JSON_STRING) return AXWS_JSON_EINVAL;
    n = s->flags & AXWS_AXIOM_TRUNCATED ? axws__axiom_safe_prefix(s->ptr, s->len) : s->len;
    r = axws_json_unescape(s->ptr, n, out, cap, &got);
    if (len) *len = got;
    return r;
}

/* ---------------------------------------------------------------- write_json */

/* the writer of a --json line, and whether something the message lost was left out */
typedef struct axws__axiom_w {
    axws__buf b;
    int trunc;
} axws__axiom_w;

/* ---- numbers formatted by the library itself: exact, locale-free, no printf (newlib-nano
   has no %g unless the program links its float support) */

/* a = a / 10^9, returning the remainder */
static uint32_t axws__axiom_big_div1e9(axws__json_big *a) {
    uint64_t rem = 0;
    size_t i = a->n;
    while (i--) {
        uint64_t cur = rem << 32 | a->d[i];
        a->d[i] = (uint32_t)(cur / 1000000000u);
        rem = cur % 1000000000u;
    }
    while (a->n && !a->d[a->n - 1]) a->n--;
    return (uint32_t)rem;
}

/* What printf("%.*g", prec, v) prints in the C locale, for finite v (prec 1..17), into
   out (>= 32 bytes); returns the length. The decimal digits are exact: a double is
   m * 2^e, which is the integer m * 5^-e shifted -e decimal places when e < 0, so a big
   integer holds every digit and rounding to prec digits is exact (half to even, as
   glibc's printf rounds). */
/* The first prec digits of finite, nonzero m * 2^e2 (m < 2^53), rounded half to even,
   into dig; returns the decimal exponent of the first digit. */
static int axws__axiom_digits(uint64_t m, int e2, int prec, char dig[20]) {
    axws__json_big big;
    uint32_t chunk[3] = {0, 0, 0}; /* the 3 most significant 9-digit chunks (top first) */
    uint32_t below = 0;            /* any nonzero digit under them */
    size_t nchunk = 0, total, top_digits, k;
    int x, i, last, round_up = 0, sticky = 0;
    axws__json_big_set(&big, m);
    if (e2 > 0) axws__json_big_shl(&big, e2);
    else axws__json_big_mul_pow5(&big, -e2);
    /* 9 digits at a time from the bottom; only the top 19+ digits and whether anything
       below them is nonzero matter for 17 digits and their rounding */
    while (big.n) {
        below |= chunk[2];
        chunk[2] = chunk[1];
        chunk[1] = chunk[0];
        chunk[0] = axws__axiom_big_div1e9(&big);
        nchunk++;
    }
    for (top_digits = 1, k = chunk[0]; k >= 10; k /= 10) top_digits++;
    total = top_digits + 9 * (nchunk - 1);
    x = (int)total - 1 + (e2 < 0 ? e2 : 0);
    /* digit i (0 = most significant) for i < prec + 1, then whether anything follows */
    for (i = 0; (size_t)i < total && i < (int)top_digits + 18; i++) {
        size_t pos = (size_t)i + 9 - top_digits; /* digit position from the top of chunk[0]'s 9 */
        uint32_t c = chunk[pos / 9], p10 = 1;
        unsigned d;
        for (k = 0; k < 8 - pos % 9; k++) p10 *= 10;
        d = (unsigned)(c / p10 % 10);
        if (i < prec) dig[i] = (char)('0' + d);
        else if (i == prec) round_up = (int)d;
        else if (d) sticky = 1;
    }
    if (below) sticky = 1;
    for (i = (int)total; i < prec; i++) dig[i] = '0';
    last = dig[prec - 1] - '0';
    if (round_up > 5 || (round_up == 5 && (sticky || (last & 1)))) {
        for (i = prec - 1; i >= 0 && dig[i] == '9'; i--) dig[i] = '0';
        if (i >= 0) dig[i]++;
        else { dig[0] = '1'; x++; } /* 9.99..→10.0: the rest are zeros already */
    }
    return x;
}

static size_t axws__axiom_fmt_g(double v, int prec, char *out) {
    char dig[20];
    size_t o = 0;
    uint64_t bits, m;
    int e2, x, i, n;
    memcpy(&bits, &v, 8);
    if (bits >> 63) out[o++] = '-';
    m = bits & ((1ULL << 52) - 1);
    e2 = (int)((bits >> 52) & 0x7FF);
    if (e2 == 0 && m == 0) { out[o++] = '0'; return o; }
    if (e2) m |= 1ULL << 52; else e2 = 1;
    x = axws__axiom_digits(m, e2 - 1075, prec, dig);
    n = prec;
    while (n > 1 && dig[n - 1] == '0') n--; /* %g drops trailing zeros */
    if (x < -4 || x >= prec) { /* d.ddde+XX */
        out[o++] = dig[0];
        if (n > 1) { out[o++] = '.'; memcpy(out + o, dig + 1, (size_t)n - 1); o += (size_t)n - 1; }
        out[o++] = 'e';
        out[o++] = x < 0 ? '-' : '+';
        if (x < 0) x = -x;
        if (x >= 100) out[o++] = (char)('0' + x / 100);
        out[o++] = (char)('0' + x / 10 % 10);
        out[o++] = (char)('0' + x % 10);
    } else if (x >= 0) { /* ddd.ddd */
        for (i = 0; i <= x; i++) out[o++] = i < n ? dig[i] : '0';
        if (n > x + 1) { out[o++] = '.'; memcpy(out + o, dig + x + 1, (size_t)(n - x - 1)); o += (size_t)(n - x - 1); }
    } else { /* 0.000ddd */
        out[o++] = '0';
        out[o++] = '.';
        for (i = -1; i > x; i--) out[o++] = '0';
        memcpy(out + o, dig, (size_t)n);
        o += (size_t)n;
    }
    return o;
}

/* A double in a form that reads back to the same value: the shortest of %.15g..%.17g
   that round-trips (read back by our own parser). Not finite: null (JSON has no such
   numbers). */
static void axws__axiom_put_double(axws__axiom_w *w, double v) {
    char o[40];
    int prec;
    size_t n = 0;
    if (!isfinite(v)) { axws__puts(&w->b, "null"); return; }
    for (prec = 15; prec <= 17; prec++) {
        double back;
        n = axws__axiom_fmt_g(v, prec, o);
        if (axws_json_to_double(o, n, &back) == 0 && back == v) break;
    }
    axws__put(&w->b, o, n);
}

/* Raw JSON text on one line: a valid document can hold LF, CR and TAB only as whitespace
   between tokens (RFC 8259 section 7: never raw inside strings), so they are dropped. */
static void axws__axiom_put_compact(axws__axiom_w *w, const char *p, size_t n) {
    size_t i = 0, run = 0;
    while (i < n) {
        char c;
        if (i + 8 <= n) { /* eight bytes at once when none is below 0x20 */
            uint64_t x;
            memcpy(&x, p + i, 8);
            if (!((x - 0x2020202020202020ULL) & ~x & 0x8080808080808080ULL)) {
                i += 8;
                run += 8;
                continue;
            }
        }
        c = p[i++];
        if (c != '\n' && c != '\r' && c != '\t') { run++; continue; }
        axws__put(&w->b, p + i - 1 - run, run);
        run = 0;
    }
    axws__put(&w->b, p + n - run, run);
}

/* The members of a raw object, after a comma, so they join the line's own. */
static void axws__axiom_put_members(axws__axiom_w *w, const char *p, size_t n) {
    size_t a = 0, z = n;
    while (a < z && p[a] != '{') a++;
    while (z > a && p[z - 1] != '}') z--;
    if (z - a < 2) return;
    a++;
    z--;
    while (a < z && (p[a] == ' ' || p[a] == '\n' || p[a] == '\r' || p[a] == '\t')) a++;
    if (a == z) return; /* {} */
    axws__put(&w->b, ",", 1);
    axws__axiom_put_compact(w, p + a, z - a);
}

/* Can this view be written whole? Containers cut short cannot. */
static int axws__axiom_writable(const axws_axiom_value *v) {
    if (!(v->flags & AXWS_AXIOM_PRESENT)) return 0;
    if ((v->type == AXWS_JSON_BEGIN_OBJECT || v->type == AXWS_JSON_BEGIN_ARRAY) &&
        ((v->flags & AXWS_AXIOM_TRUNCATED) || !v->ptr))
        return 0;
    return v->type != 0;
}

static void axws__axiom_put_value(axws__axiom_w *w, const axws_axiom_value *v) {
    switch (v->type) {
    case AXWS_JSON_NULL: axws__puts(&w->b, "null"); break;
    case AXWS_JSON_TRUE: axws__puts(&w->b, "true"); break;
    case AXWS_JSON_FALSE: axws__puts(&w->b, "false"); break;
    case AXWS_JSON_NUMBER:
        if (v->flags & AXWS_AXIOM_TRUNCATED) { /* a number cut short: its digits, quoted */
            axws__put(&w->b, "\"", 1);
            axws__put(&w->b, v->ptr, v->len);
            axws__put(&w->b, "\"", 1);
            w->trunc = 1;
        } else axws__put(&w->b, v->ptr, v->len);
        break;
    case AXWS_JSON_STRING: {
        /* the body is valid JSON string text as received: copied through */
        size_t n = v->len;
        if (v->flags & AXWS_AXIOM_TRUNCATED) { n = axws__axiom_safe_prefix(v->ptr, v->len); w->trunc = 1; }
        axws__put(&w->b, "\"", 1);
        axws__put(&w->b, v->ptr, n);
        axws__put(&w->b, "\"", 1);
        break;
    }
    default: axws__axiom_put_compact(w, v->ptr, v->len); break;
    }
}

static void axws__axiom_put_key(axws__axiom_w *w, const char *name) {
    axws__put(&w->b, ",\"", 2);
    axws__puts(&w->b, name);
    axws__put(&w->b, "\":", 2);
}

/* One field of a typed struct as a value view. */
static axws_axiom_value axws__axiom_field_view(const axws__axiom_field *f, const void *base) {
    const char *b = (const char *)base + f->off;
    axws_axiom_value v;
    if (axws__axiom_field_type(f) == AXWS__AXF_NUM) {
        const axws_axiom_num *n = (const axws_axiom_num *)(const void *)b;
        v.ptr = n->raw;
        v.len = n->raw_len;
        v.flags = n->flags;
        v.type = n->type;
    } else if (axws__axiom_field_type(f) == AXWS__AXF_STR) {
        const axws_axiom_str *s = (const axws_axiom_str *)(const void *)b;
        v.ptr = s->ptr;
        v.len = s->len;
        v.flags = s->flags;
        v.type = s->type;
    } else v = *(const axws_axiom_value *)(const void *)b;
    return v;
}

static void axws__axiom_put_field(axws__axiom_w *w, const axws__axiom_field *f, const void *base,
                                  int first) {
    axws_axiom_value v = axws__axiom_field_view(f, base);
    if (!axws__axiom_writable(&v)) {
        if (v.flags & AXWS_AXIOM_PRESENT) w->trunc = 1;
        return;
    }
    if (first) {
        axws__put(&w->b, "\"", 1);
        axws__puts(&w->b, f->name);
        axws__put(&w->b, "\":", 2);
    } else axws__axiom_put_key(w, f->name);
    if (axws__axiom_field_type(f) == AXWS__AXF_NUM && v.type == AXWS_JSON_NUMBER && !v.ptr)
        axws__axiom_put_double(w, ((const axws_axiom_num *)(const void *)((const char *)base + f->off))->value);
    else axws__axiom_put_value(w, &v);
}

/* An object rebuilt from the fields of a table whose write flag is `want`. */
static void axws__axiom_put_object(axws__axiom_w *w, const axws__axiom_field *f, size_t n,
                                   const void *base, int want) {
    size_t i, k = 0;
    axws__put(&w->b, "{", 1);
    for (i = 0; i < n; i++) {
        axws_axiom_value v;
        if (axws__axiom_field_written(&f[i]) != want) continue;
        v = axws__axiom_field_view(&f[i], base);
        if (!axws__axiom_writable(&v)) continue;
        axws__axiom_put_field(w, &f[i], base, k++ == 0);
    }
    axws__put(&w->b, "}", 1);
}

/* The decoded fields of a kind's table, one by one; nested values that were cut short
   (pair, token_balances) are rebuilt from their fields. */
static void axws__axiom_put_fields(axws__axiom_w *w, const axws_axiom_msg *m, const axws__axiom_table *tab) {
    size_t i;
    for (i = 0; i < tab->n; i++) {
        const axws__axiom_field *f = &tab->f[i];
        axws_axiom_value v;
        if (!axws__axiom_field_written(f)) continue;
        v = axws__axiom_field_view(f, &m->u);
        if (m->kind == AXWS_AXIOM_KIND_WALLET_TRADE && f->off == offsetof(axws_axiom_wallet_trade, pair) &&
            (v.flags & AXWS_AXIOM_PRESENT) && v.type == AXWS_JSON_BEGIN_OBJECT && !axws__axiom_writable(&v)) {
            axws__axiom_put_key(w, "pair");
            axws__axiom_put_object(w, tab->f, tab->n, &m->u, 0);
            w->trunc = 1;
        } else if (m->kind == AXWS_AXIOM_KIND_BALANCE_UPDATE &&
                   f->off == offsetof(axws_axiom_balance_update, token_balances) && !axws__axiom_writable(&v)) {
            const axws_axiom_balance_update *b = &m->u.balance_update;
            size_t k, n = b->count < AXWS_AXIOM_MAX_BALANCES ? b->count : AXWS_AXIOM_MAX_BALANCES;
            axws__axiom_put_key(w, "token_balances");
            axws__put(&w->b, "[", 1);
            for (k = 0; k < n; k++) {
                if (k) axws__put(&w->b, ",", 1);
                axws__axiom_put_object(w, axws__axiom_f_token_balance, AXWS__COUNT(axws__axiom_f_token_balance),
                                       &b->list[k], 1);
            }
            axws__put(&w->b, "]", 1);
            w->trunc = 1;
        } else axws__axiom_put_field(w, f, &m->u, 0);
    }
}

/* A trade array's "values": the array as received, or rebuilt from the positions kept. */
static void axws__axiom_put_trade_values(axws__axiom_w *w, const axws_axiom_msg *m) {
    const axws_axiom_trade *t = &m->u.trade;
    size_t i, n = t->count < AXWS_AXIOM_MAX_VALUES ? t->count : AXWS_AXIOM_MAX_VALUES;
    axws__axiom_put_key(w, "values");
    if (axws__axiom_writable(&m->content)) {
        axws__axiom_put_value(w, &m->content);
        return;
    }
    axws__put(&w->b, "[", 1);
    for (i = 0; i < n; i++) {
        if (i) axws__put(&w->b, ",", 1);
        if (axws__axiom_writable(&t->values[i])) axws__axiom_put_value(w, &t->values[i]);
        else axws__puts(&w->b, "null");
    }
    axws__put(&w->b, "]", 1);
    w->trunc = 1;
}

/* What only some kinds have: e-'s number, a trade's values, a RAW message's content. */
static void axws__axiom_put_extras(axws__axiom_w *w, const axws_axiom_msg *m) {
    const axws_axiom_num *n = &m->u.active_users.active_users;
    switch (m->kind) {
    case AXWS_AXIOM_KIND_ACTIVE_USERS:
        if (m->content.type != AXWS_JSON_BEGIN_OBJECT && axws__axiom_writable(&m->content)) {
            axws__axiom_put_key(w, "content");
            axws__axiom_put_value(w, &m->content);
        }
        if ((n->flags & AXWS_AXIOM_PRESENT) && n->raw && !(n->flags & (AXWS_AXIOM_MISMATCH | AXWS_AXIOM_TRUNCATED))) {
            axws__axiom_put_key(w, "active_users");
            axws__put(&w->b, n->raw, n->raw_len); /* QUOTED: the body is a JSON number */
        }
        break;
    case AXWS_AXIOM_KIND_TRADE: axws__axiom_put_trade_values(w, m); break;
    case AXWS_AXIOM_KIND_RAW:
        if (m->flags & AXWS_AXIOM_MSG_UNDECODABLE) {
            axws__axiom_put_key(w, "content");
            axws__put(&w->b, "\"", 1);
            axws__put_escaped(&w->b, m->content.ptr, m->content.len);
            axws__put(&w->b, "\"", 1);
            if (m->content.flags & AXWS_AXIOM_TRUNCATED) w->trunc = 1;
            axws__puts(&w->b, ",\"undecodable\":true");
        } else if (axws__axiom_writable(&m->content)) {
            axws__axiom_put_key(w, "content");
            axws__axiom_put_value(w, &m->content);
        } else if (m->content.flags & AXWS_AXIOM_PRESENT) w->trunc = 1;
        break;
    default: break;
    }
}

AXWS__DEF int axws_axiom_msg_write_json(const axws_axiom_msg *m, char *out, size_t cap) {
    axws__axiom_w w;
    const axws__axiom_table *tab;
    axws_axiom_value room;
    AXWS_ASSERT(m != NULL);
    w.b.p = out;
    w.b.cap = out ? cap : 0;
    w.b.len = 0;
    w.trunc = 0;
    axws__puts(&w.b, "{\"event\":\"message\",\"kind\":\"");
    axws__puts(&w.b, axws_axiom_kind_name((int)m->kind));
    axws__put(&w.b, "\"", 1);
    room.ptr = m->room.ptr;
    room.len = m->room.len;
    room.flags = m->room.flags;
    room.type = m->room.type;
    if ((room.flags & AXWS_AXIOM_PRESENT) && axws__axiom_writable(&room)) {
        axws__axiom_put_key(&w, "room");
        axws__axiom_put_value(&w, &room);
    }
    tab = (unsigned)m->kind < (unsigned)AXWS_AXIOM_KIND_COUNT ? &axws__axiom_tables[m->kind] : NULL;
    /* An object content (or an object without a room) that is whole is copied member by
       member: every field under its source name exactly as received, known or not. */
    if (tab && m->kind != AXWS_AXIOM_KIND_RAW && m->kind != AXWS_AXIOM_KIND_TRADE &&
        m->content.type == AXWS_JSON_BEGIN_OBJECT && axws__axiom_writable(&m->content) &&
        !(m->flags & AXWS_AXIOM_MSG_NO_SPLICE)) {
        axws__axiom_put_members(&w, m->content.ptr, m->content.len);
        tab = NULL;
    } else if (m->content.type == AXWS_JSON_BEGIN_OBJECT && (m->content.flags & AXWS_AXIOM_TRUNCATED))
        w.trunc = 1; /* cut short: the decoded fields only, unknown ones are lost */
    if (tab) axws__axiom_put_fields(&w, m, tab);
    if (tab || m->kind != AXWS_AXIOM_KIND_ACTIVE_USERS) axws__axiom_put_extras(&w, m);
    if (w.trunc) axws__puts(&w.b, ",\"truncated\":true");
    axws__put(&w.b, "}", 1);
    if (w.b.len >= w.b.cap) {
        if (w.b.cap) out[0] = 0;
        return AXWS_ENOBUFS;
    }
    out[w.b.len] = 0;
    return (int)w.b.len;
}
/* <<axiom-msg */

/* >>axiom-client */
#ifdef AXWS__AXIOM_CLIENT
/* 253402300799 = 9999-12-31T23:59:59Z: later "expiries" are treated as unknown */
#define AXWS__AX_MAX_EXP INT64_C(253402300799)
/* the longest Retry-After (429) honoured, in seconds */
#define AXWS__AX_RETRY_AFTER_MAX_S 3600

#define AXWS__REGION_NAME(e, name) name,
static const char *const axws__region_names[] = { AXWS__AXIOM_REGIONS(AXWS__REGION_NAME) };
#undef AXWS__REGION_NAME

static const char *const axws__hosts_global[] = { "cluster9.axiom.trade" };
static const char *const axws__hosts_usw[] = { "socket8.axiom.trade", "cluster-usw2.axiom.trade" };
static const char *const axws__hosts_usc[] = { "cluster3.axiom.trade", "cluster-usc2.axiom.trade" };
static const char *const axws__hosts_use[] = { "cluster5.axiom.trade", "cluster-use2.axiom.trade" };
static const char *const axws__hosts_euw[] = { "cluster6.axiom.trade", "cluster-euw2.axiom.trade" };
static const char *const axws__hosts_euc[] = { "cluster2.axiom.trade", "cluster-euc2.axiom.trade" };
static const char *const axws__hosts_eue[] = { "cluster8.axiom.trade" };
static const char *const axws__hosts_asia[] = { "cluster4.axiom.trade" };
static const char *const axws__hosts_au[] = { "cluster7.axiom.trade" };
static const char *const axws__api_hosts[] = { "api2.axiom.trade", "api3.axiom.trade", "api6.axiom.trade",
                                               "api7.axiom.trade", "api8.axiom.trade", "api9.axiom.trade",
                                               "api10.axiom.trade" };
#define AXWS__TOKEN_PRICE_URL "wss://socket8.axiom.trade/"

AXWS__DEF const char *axws_axiom_region_name(axws_axiom_region r) {
    return (unsigned)r < AXWS_AXIOM_REGION_COUNT ? axws__region_names[r] : "unknown";
}

AXWS__DEF int axws_axiom_region_from_name(const char *name) {
    int i;
    if (!name) return -1;
    for (i = 0; i < AXWS_AXIOM_REGION_COUNT; i++)
        if (axws__ieq(name, strlen(name), axws__region_names[i])) return i;
    return -1;
}

AXWS__DEF int axws_axiom_region_hosts(axws_axiom_region r, const char *const **hosts) {
    switch (r) {
    case AXWS_AXIOM_REGION_US_WEST: *hosts = axws__hosts_usw; return (int)AXWS__COUNT(axws__hosts_usw);
    case AXWS_AXIOM_REGION_US_CENTRAL: *hosts = axws__hosts_usc; return (int)AXWS__COUNT(axws__hosts_usc);
    case AXWS_AXIOM_REGION_US_EAST: *hosts = axws__hosts_use; return (int)AXWS__COUNT(axws__hosts_use);
    case AXWS_AXIOM_REGION_EU_WEST: *hosts = axws__hosts_euw; return (int)AXWS__COUNT(axws__hosts_euw);
    case AXWS_AXIOM_REGION_EU_CENTRAL: *hosts = axws__hosts_euc; return (int)AXWS__COUNT(axws__hosts_euc);
    case AXWS_AXIOM_REGION_EU_EAST: *hosts = axws__hosts_eue; return (int)AXWS__COUNT(axws__hosts_eue);
    case AXWS_AXIOM_REGION_ASIA: *hosts = axws__hosts_asia; return (int)AXWS__COUNT(axws__hosts_asia);
    case AXWS_AXIOM_REGION_AUSTRALIA: *hosts = axws__hosts_au; return (int)AXWS__COUNT(axws__hosts_au);
    default: *hosts = axws__hosts_global; return (int)AXWS__COUNT(axws__hosts_global);
    }
}

#define AXWS__AXIOM_ERR_CASE(e, v, name) case v: return name;
AXWS__DEF const char *axws_axiom_error_kind_name(int kind) {
    switch (kind) {
        AXWS__AXIOM_ERRORS(AXWS__AXIOM_ERR_CASE)
    default: return "unknown";
    }
}
#undef AXWS__AXIOM_ERR_CASE

/* ---- small helpers */

static int64_t axws__ax_wall(const axws_axiom *a) {
    return a->cfg.wall_clock ? a->cfg.wall_clock(a->cfg.wall_clock_user) : (int64_t)time(NULL);
}

static uint32_t axws__ax_random32(axws_axiom *a) {
    uint8_t b[4];
    axws__random(&a->ws, b, sizeof b);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* RFC 6265 4.1.1 cookie-octet: what a token may contain to travel in a Cookie header. */
static int axws__ax_cookie_value_ok(const char *s, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x21 || ch > 0x7E || ch == '"' || ch == ',' || ch == ';' || ch == '\\') return 0;
    }
    return 1;
}

static int axws__ax_copy_token(char *dst, const char *src, size_t n) {
    if (n > AXWS_AXIOM_TOKEN_MAX || !axws__ax_cookie_value_ok(src, n)) return AXWS_EAUTH;
    memmove(dst, src, n); /* src may be dst itself (the token file is unescaped in place) */
    dst[n] = 0;
    return AXWS_OK;
}

/* Every error the client reports goes to the log and to on_error, here. */
static void axws__ax_report(axws_axiom *a, const axws_axiom_error *e) {
    if (a->cfg.log) a->cfg.log(a->cfg.log_user, e->text);
    if (a->cfg.handler.on_error) a->cfg.handler.on_error(a, e, a->cfg.handler.user);
}

static void axws__ax_error(axws_axiom *a, axws_axiom_error_kind kind, int code, const char *text) {
    axws_axiom_error e;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    e.code = code;
    e.text = text;
    if (kind == AXWS_AXIOM_ERR_HTTP || kind == AXWS_AXIOM_ERR_AUTH) e.http_status = axws_http_status(&a->ws);
    axws__ax_report(a, &e);
}

/* The exp claim of a JWT (RFC 7519 4.1.4), or 0. The payload is base64url JSON. */
static int64_t axws__ax_jwt_exp(const char *jwt) {
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char piece[64], carry[32];
    const char *p = strchr(jwt, '.'), *end;
    uint32_t acc = 0;
    int bits = 0, want_value = 0;
    axws_json j;
    axws_json_token t;
    int64_t exp = 0;
    if (!p) return 0;
    end = strchr(++p, '.');
    if (!end) return 0;
    /* The payload is decoded a piece at a time into the resumable tokenizer: no token-sized
       buffer on the stack; the carry buffer reassembles "exp" or its number when a piece
       boundary cuts them. */
    axws_json_init(&j, NULL, 0);
    axws_json_set_carry(&j, carry, sizeof carry);
    for (;;) {
        int r = axws_json_next(&j, &t);
        if (r == AXWS_JSON_NEED_MORE) {
            size_t n = 0;
            for (; p < end && n < sizeof piece; p++) {
                const char *q = strchr(b64, *p);
                if (!q || !*p) return 0;
                acc = acc << 6 | (uint32_t)(q - b64);
                bits += 6;
                if (bits >= 8) {
                    bits -= 8;
                    piece[n++] = (char)(acc >> bits);
                }
            }
            if (n) axws_json_feed(&j, piece, n);
            else axws_json_end(&j);
            continue;
        }
        if (r < 0 || r == AXWS_JSON_DONE) break;
        if (r == AXWS_JSON_KEY && t.depth == 1) want_value = !t.more && t.len == 3 && memcmp(t.data, "exp", 3) == 0;
        else if (want_value && r == AXWS_JSON_NUMBER && t.depth == 1 && !t.more) {
            if (axws_json_to_int64(t.data, t.len, &exp) != 0) exp = 0;
            want_value = 0;
        } else if (t.depth <= 1) {
            want_value = 0;
        }
    }
    /* beyond the year 9999 is no real expiry; it would also overflow exp * 1000 */
    return exp > 0 && exp <= AXWS__AX_MAX_EXP ? exp : 0;
}

#ifdef AXWS__AXIOM_TOKEN_FILE
/* Read {"access_token": "...", "refresh_token": "..."} from the token file into http_tx,
   idle while no refresh runs (the file must fit it: AXWS_AXIOM_TOKEN_MAX sized tokens do),
   and unescape each token straight into its place. */
static int axws__ax_read_token_file(axws_axiom *a, const char *path) {
    char *buf = (char *)a->http_tx;
    size_t n;
    FILE *f = fopen(path, "rb");
    axws_json j;
    axws_json_token t;
    char *dst = NULL;
    if (!f) return AXWS_EFILE;
    n = fread(buf, 1, sizeof a->http_tx, f);
    fclose(f);
    if (n == sizeof a->http_tx) return AXWS_EFILE;
    axws_json_init(&j, NULL, 0);
    axws_json_feed(&j, buf, n);
    axws_json_end(&j);
    for (;;) {
        int r = axws_json_next(&j, &t);
        if (r == AXWS_JSON_DONE) break;
        if (r <= 0) return AXWS_EFILE;
        if (r == AXWS_JSON_KEY && t.depth == 1) {
            dst = (t.len == 12 && memcmp(t.data, "access_token", 12) == 0)    ? a->access
                  : (t.len == 13 && memcmp(t.data, "refresh_token", 13) == 0) ? a->refresh
                                                                              : NULL;
        } else if (r == AXWS_JSON_STRING && dst && t.depth == 1) {
            size_t len = 0;
            if (axws_json_unescape(t.data, t.len, dst, AXWS_AXIOM_TOKEN_MAX, &len) != 0 ||
                axws__ax_copy_token(dst, dst, len) != 0) {
                dst[0] = 0;
                return AXWS_EAUTH;
            }
            dst = NULL;
        } else if (t.depth <= 1) {
            dst = NULL;
        }
    }
    a->tokens_from_file = 1;
    {
        struct stat st; /* reading may follow links (secrets are often mounted so) */
        if (stat(path, &st) == 0 && (st.st_mode & 077) && a->cfg.log) {
            axws__fmt(a->text, sizeof a->text,
                      "token file %s is readable by group or others (mode 0%ld%ld%ld): run chmod 600 on it", path,
                      (long)(st.st_mode >> 6 & 7), (long)(st.st_mode >> 3 & 7), (long)(st.st_mode & 7));
            a->cfg.log(a->cfg.log_user, a->text);
        }
    }
    return AXWS_OK;
}

/* "YYYY-MM-DDTHH:MM:SSZ" for seconds since the epoch (0 <= secs <= AXWS__AX_MAX_EXP), from
   the proleptic Gregorian calendar: no gmtime or strftime. */
static void axws__ax_put2(char *o, int64_t v) {
    o[0] = (char)('0' + v / 10 % 10);
    o[1] = (char)('0' + v % 10);
}

static void axws__ax_iso8601(int64_t secs, char out[21]) {
    int64_t days = secs / 86400 + 719468, rest = secs % 86400; /* days from 0000-03-01 */
    int64_t era = days / 146097, doe = days - era * 146097;    /* 400-year eras */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;                          /* months from March */
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    axws__ax_put2(out, y / 100);
    axws__ax_put2(out + 2, y % 100);
    out[4] = '-'; axws__ax_put2(out + 5, m);
    out[7] = '-'; axws__ax_put2(out + 8, d);
    out[10] = 'T'; axws__ax_put2(out + 11, rest / 3600);
    out[13] = ':'; axws__ax_put2(out + 14, rest / 60 % 60);
    out[16] = ':'; axws__ax_put2(out + 17, rest % 60);
    out[19] = 'Z';
    out[20] = 0;
}

static int axws__ax_write_all(int fd, const char *s) {
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        s += w; n -= (size_t)w;
    }
    return 0;
}

/* The directory of a path ("." when it names none) into out; 0, or -1 when too long. */
static int axws__ax_dirname(const char *path, char *out, size_t cap) {
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    if (slash && n == 0) n = 1; /* "/file": the root */
    if (n + 1 > cap) return -1;
    memcpy(out, slash ? path : ".", n);
    out[n] = 0;
    return 0;
}

/* Write the tokens back without ever leaving a truncated file, and without ever following
   a link someone planted: a fresh file in the same directory, created exclusively under an
   unpredictable name (O_EXCL | O_NOFOLLOW, mode 0600; another name on a collision),
   written piece by piece (no token-sized buffer), flushed to disk, renamed over the old
   one, and the directory flushed so the rename survives a crash. */
static int axws__ax_write_token_file(axws_axiom *a) {
    static const char hex[] = "0123456789abcdef";
    char tmp[300], dir[300], when[24] = "null";
    const char *parts[7];
    int fd = -1, ok = 1, i, tries;
    if (strlen(a->token_file) + 32 > sizeof tmp || axws__ax_dirname(a->token_file, dir, sizeof dir)) return AXWS_EFILE;
    if (a->access_exp) {
        when[0] = '"';
        axws__ax_iso8601(a->access_exp, when + 1);
        when[21] = '"';
        when[22] = 0;
    }
    parts[0] = "{\"access_token\": \""; parts[1] = a->access;
    parts[2] = "\", \"refresh_token\": \""; parts[3] = a->refresh;
    parts[4] = "\", \"expires_at\": "; parts[5] = when; parts[6] = "}\n";
    for (tries = 0; tries < 8 && fd < 0; tries++) {
        uint8_t r[8];
        char name[17];
        if (axws__random(&a->ws, r, sizeof r) != AXWS_OK) return AXWS_ENORANDOM;
        for (i = 0; i < 8; i++) { name[2 * i] = hex[r[i] >> 4]; name[2 * i + 1] = hex[r[i] & 15]; }
        name[16] = 0;
        axws__fmt(tmp, sizeof tmp, "%s.%s.tmp", a->token_file, name);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) return AXWS_EFILE;
    for (i = 0; i < 7 && ok; i++) ok = axws__ax_write_all(fd, parts[i]) == 0;
    ok = ok && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, a->token_file) != 0) {
        unlink(tmp);
        return AXWS_EFILE;
    }
    fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) { /* the rename itself is durable only once the directory is */
        fsync(fd);
        close(fd);
    }
    return AXWS_OK;
}
#endif /* AXWS__AXIOM_TOKEN_FILE */

static void axws__ax_ws_event(axws_conn *c, const axws_event *ev, void *user);
static void axws__ax_http_event(axws_conn *c, const axws_event *ev, void *user);

static void axws__ax_raw_chunk(void *user, const char *data, size_t len, uint64_t offset, int fin) {
    axws_axiom *a = (axws_axiom *)user;
    a->cfg.handler.on_raw_chunk(a, data, len, offset, fin, a->cfg.handler.user);
}

AXWS__DEF void axws_axiom_config_init(axws_axiom_config *cfg) {
    AXWS_ASSERT(cfg != NULL);
    memset(cfg, 0, sizeof *cfg);
}

/* The two connections: the stream, and the refresh's HTTP request (own small buffers, no
   keepalive, no compression, its own server name). */
static int axws__ax_init_conns(axws_axiom *a, const axws_axiom_config *cfg) {
    axws_config wc;
    int r;
    memset(&wc, 0, sizeof wc);
    wc.rx_buf = cfg->rx_buf; wc.rx_size = cfg->rx_size;
    wc.tx_buf = cfg->tx_buf; wc.tx_size = cfg->tx_size;
    wc.connect_timeout_ms = a->cfg.connect_timeout_ms;
    wc.handshake_timeout_ms = a->cfg.connect_timeout_ms;
    wc.keepalive_ms = a->cfg.keepalive_ms > 0 ? a->cfg.keepalive_ms : 0;
    wc.dead_peer_ms = a->cfg.dead_peer_ms > 0 ? a->cfg.dead_peer_ms : 0;
    wc.on_event = axws__ax_ws_event;
    wc.user = a;
    wc.resolve = cfg->resolve; wc.resolve_user = cfg->resolve_user;
    wc.random = cfg->random; wc.random_user = cfg->random_user;
    wc.log = cfg->log; wc.log_user = cfg->log_user;
#ifndef AXWS_NO_PROXY
    wc.proxy = cfg->proxy; /* the refresh goes through the same proxy as the stream */
#endif
#ifndef AXWS_NO_DEFLATE
    wc.deflate = cfg->deflate; /* the stream only: cleared again for the refresh below */
#endif
#ifdef AXWS__READ_BATCH
    wc.read_batch = cfg->read_batch; /* the stream only, as deflate */
    wc.read_batch_ms = cfg->read_batch_ms;
#endif
#ifndef AXWS_NO_TLS
    wc.trust_anchors = cfg->trust_anchors;
    wc.trust_anchor_count = cfg->trust_anchor_count;
    wc.servername = cfg->servername;
    wc.insecure_skip_verify = cfg->insecure_skip_verify;
    wc.tls_time = cfg->wall_clock;
    wc.tls_time_user = cfg->wall_clock_user;
#endif
    wc.headers = a->headers; /* rebuilt before every attempt (axws__ax_build_headers) */
    r = axws_init(&a->ws, &wc);
    if (r) return r;
    wc.headers = NULL;
#ifndef AXWS_NO_DEFLATE
    memset(&wc.deflate, 0, sizeof wc.deflate);
#endif
#ifndef AXWS_AXIOM_SHARED_RX
    wc.rx_buf = a->http_rx; wc.rx_size = sizeof a->http_rx;
#endif
    wc.tx_buf = a->http_tx; wc.tx_size = sizeof a->http_tx;
    wc.max_handshake = sizeof a->http_tx;
    wc.keepalive_ms = wc.dead_peer_ms = 0;
#ifdef AXWS__READ_BATCH
    wc.read_batch = 0;
#endif
    wc.on_event = axws__ax_http_event;
#ifndef AXWS_NO_TLS
    wc.servername = cfg->api_servername; /* never the stream's: see the field */
#endif
    return axws_init(&a->http, &wc);
}

/* Tokens: given; else a token file the program named; else the environment; else
   ./.axiom_tokens.json if it exists. */
static int axws__ax_init_tokens(axws_axiom *a, const axws_axiom_config *cfg) {
    const char *acc = cfg->access_token, *ref = cfg->refresh_token;
    if (cfg->token_file && strlen(cfg->token_file) >= sizeof a->token_file) return AXWS_EINVAL;
    axws__fmt(a->token_file, sizeof a->token_file, "%s", cfg->token_file ? cfg->token_file : ".axiom_tokens.json");
#ifndef AXWS_NO_STDIO
    if (!acc && !ref && !cfg->token_file && !cfg->no_env) {
        acc = getenv("AXIOM_ACCESS_TOKEN");
        ref = getenv("AXIOM_REFRESH_TOKEN");
        if (acc && !*acc) acc = NULL;
        if (ref && !*ref) ref = NULL;
    }
#endif
    if (acc || ref) {
        if ((acc && axws__ax_copy_token(a->access, acc, strlen(acc))) ||
            (ref && axws__ax_copy_token(a->refresh, ref, strlen(ref))))
            return AXWS_EAUTH;
    } else {
#ifdef AXWS__AXIOM_TOKEN_FILE
        int r = axws__ax_read_token_file(a, a->token_file);
        if (r == AXWS_EAUTH || (r && cfg->token_file)) return r;
#else
        if (cfg->token_file) return AXWS_EFILE; /* this build has no files: pass the tokens */
#endif
    }
    a->access_exp = a->access[0] ? axws__ax_jwt_exp(a->access) : 0;
    return AXWS_OK;
}

AXWS__DEF int axws_axiom_init_checked(axws_axiom *a, const axws_axiom_config *cfg, uint32_t layout) {
    int r;
    AXWS_ASSERT(a != NULL && cfg != NULL);
    if (layout != AXWS__LAYOUT_AXIOM) return AXWS_ELAYOUT; /* nothing of a is touched */
    memset(a, 0, sizeof *a);
    a->cfg = *cfg;
    a->host_index = -1;
    a->last_room = -1;
    for (r = 0; r < AXWS_AXIOM_CONFLATE_SLOTS; r++) a->conflate[r].room = -1;
    if ((unsigned)cfg->region >= AXWS_AXIOM_REGION_COUNT || !cfg->msg_buf || !cfg->msg_size) return AXWS_EINVAL;
    if (!a->cfg.keepalive_ms) a->cfg.keepalive_ms = 30000;
    if (!a->cfg.dead_peer_ms) a->cfg.dead_peer_ms = a->cfg.keepalive_ms > 0 ? 2 * a->cfg.keepalive_ms : -1;
    if (!a->cfg.connect_timeout_ms) a->cfg.connect_timeout_ms = 10000;
    if (!a->cfg.backoff_base_ms) a->cfg.backoff_base_ms = 500;
    if (!a->cfg.backoff_cap_ms) a->cfg.backoff_cap_ms = 30000;
    if (!a->cfg.healthy_ms) a->cfg.healthy_ms = 60000;
    if (!a->cfg.pacing_ms) a->cfg.pacing_ms = 100;
    if (!a->cfg.refresh_ahead_s) a->cfg.refresh_ahead_s = 120;
    if (!a->cfg.token_check_ms) a->cfg.token_check_ms = 600000;
    r = axws__ax_init_conns(a, cfg);
    if (r) return r;
    axws_axiom_decoder_init(&a->dec, cfg->msg_buf, cfg->msg_size);
    if (cfg->handler.on_raw_chunk) axws_axiom_decoder_set_raw_fn(&a->dec, axws__ax_raw_chunk, a);
    return axws__ax_init_tokens(a, cfg);
}

/* ---- connecting */

/* The upgrade headers of docs/PROTOCOL.md 2; a program's line replaces the default of its name. */
static void axws__ax_build_headers(axws_axiom *a) {
    static const char *const defaults[] = {
        "Origin: https://axiom.trade",
        "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
        "Cache-Control: no-cache",
        "Pragma: no-cache",
        "Accept-Language: en-US,en;q=0.9",
    };
    const char *const *h;
    int n = 0, i;
    int have_cookie = 0;
    for (h = a->cfg.headers; h && *h; h++) have_cookie |= axws__ieq(*h, 7, "cookie:");
    if (!have_cookie && (a->access[0] || a->refresh[0])) {
        axws__fmt(a->cookie, sizeof a->cookie, "Cookie: auth-access-token=%s; auth-refresh-token=%s", a->access,
                 a->refresh);
        a->headers[n++] = a->cookie;
    }
    for (i = 0; i < (int)AXWS__COUNT(defaults); i++) {
        size_t nl = (size_t)(strchr(defaults[i], ':') - defaults[i]) + 1;
        int overridden = 0;
        for (h = a->cfg.headers; h && *h; h++)
            if (strlen(*h) >= nl && axws__lower((unsigned char)**h) == axws__lower((unsigned char)defaults[i][0])) {
                size_t k;
                for (k = 0; k < nl && axws__lower((unsigned char)(*h)[k]) == axws__lower((unsigned char)defaults[i][k]); k++)
                    ;
                overridden |= k == nl;
            }
        if (!overridden) a->headers[n++] = defaults[i];
    }
    for (h = a->cfg.headers; h && *h && n < (int)AXWS__COUNT(a->headers) - 1; h++) a->headers[n++] = *h;
    a->headers[n] = NULL;
}

static int axws__ax_start_refresh(axws_axiom *a, int64_t now);

/* AXWS_AXIOM_SHARED_RX: the stream and the token refresh take turns on the program's rx_buf.
   The stream holds it from its attempt until its CLOSE event (delivered once it is CLOSED
   and done with the buffer); the refresh from its start until its own CLOSE. A refresh
   starts only where the stream is down (step asks this; an attempt and the 401/403 path
   start one from a CLOSED stream), and a stream that is wanted waits while a refresh runs:
   the refresh's end makes its attempt (axws__ax_http_event). */
#ifdef AXWS_AXIOM_SHARED_RX
static int axws__ax_stream_holds_rx(const axws_axiom *a) {
    return a->attempt_live || axws_conn_state(&a->ws) != AXWS_STATE_CLOSED;
}
static int axws__ax_stream_waits_for_rx(const axws_axiom *a) {
    return a->want_up && !a->attempt_live && a->refresh_busy;
}
#else
#define axws__ax_stream_holds_rx(a) 0
#define axws__ax_stream_waits_for_rx(a) 0
#endif

static int64_t axws__ax_backoff(axws_axiom *a, int attempts) {
    /* exponential backoff with full jitter: uniform in [0, min(cap, base * 2^attempts)] */
    int64_t window = a->cfg.backoff_base_ms;
    int i;
    for (i = 0; i < attempts && window < a->cfg.backoff_cap_ms; i++) window *= 2;
    if (window > a->cfg.backoff_cap_ms) window = a->cfg.backoff_cap_ms;
    return (int64_t)(axws__ax_random32(a) % (uint32_t)(window + 1));
}

static void axws__ax_schedule_retry(axws_axiom *a, int64_t now, int64_t at_least_ms) {
    int64_t delay = axws__ax_backoff(a, a->attempts);
    if (delay < at_least_ms) delay = at_least_ms;
    a->attempts++;
    a->next_attempt = now + delay;
    if (!a->next_attempt) a->next_attempt = 1;
}

static void axws__ax_attempt(axws_axiom *a, int64_t now) {
    const char *url;
    int r;
    a->next_attempt = 0;
    if (!a->want_up || a->attempt_live) return;
    if (axws__ax_stream_waits_for_rx(a)) return; /* the refresh has rx_buf: made when it ends */
    if (!a->access[0] || (a->access_exp && axws__ax_wall(a) >= a->access_exp)) {
        if (a->refresh[0]) {
            a->connect_after_refresh = 1;
            if (!a->refresh_busy && !a->next_refresh) axws__ax_start_refresh(a, now);
            return;
        }
        axws__ax_error(a, AXWS_AXIOM_ERR_AUTH, AXWS_EAUTH,
                       a->access[0] ? "the access token has expired and there is no refresh token"
                                    : "no access token (set one, AXIOM_ACCESS_TOKEN, or a token file)");
        if (a->cfg.no_auto_reconnect) a->want_up = 0;
        else axws__ax_schedule_retry(a, now, 0);
        return;
    }
    if (a->token_price) { /* its own URL, else the program's one URL (a relay), else socket8 */
        url = a->cfg.token_price_url ? a->cfg.token_price_url : a->cfg.url ? a->cfg.url : AXWS__TOKEN_PRICE_URL;
    } else if (a->cfg.url) {
        url = a->cfg.url;
    } else {
        const char *const *hosts;
        int count = axws_axiom_region_hosts(a->cfg.region, &hosts);
        /* a random host first, then the next one on every attempt (docs/PROTOCOL.md 1) */
        a->host_index = a->host_index < 0 ? (int)(axws__ax_random32(a) % (uint32_t)count)
                                          : (a->host_index + 1) % count;
        axws__fmt(a->url, sizeof a->url, "wss://%s/", hosts[a->host_index]);
        url = a->url;
    }
    if (url != a->url) axws__fmt(a->url, sizeof a->url, "%s", url);
    axws__ax_build_headers(a);
    a->attempt_live = 1;
    r = axws_connect(&a->ws, a->url, now);
    if (r) {
        a->attempt_live = 0;
        size_t k = axws__fmt(a->text, sizeof a->text, "cannot connect to %s: ", a->url);
        if (k < sizeof a->text) axws_describe(&a->ws, a->text + k, sizeof a->text - k);
        axws__ax_error(a, AXWS_AXIOM_ERR_CONNECTION, r, a->text);
        /* configuration errors are final: retrying cannot fix them */
        if (a->cfg.no_auto_reconnect || r == AXWS_EURL || r == AXWS_EINVAL || r == AXWS_ENOTLS || r == AXWS_ENOBUFS)
            a->want_up = 0;
        else axws__ax_schedule_retry(a, now, 0);
    }
}

/* The first attempt is due at once and made by the next step: callbacks fire only from
   inside step, so an on_error handler that connects again cannot recurse. */
static void axws__ax_attempt_soon(axws_axiom *a, int64_t now) { a->next_attempt = now ? now : 1; }

static int axws__ax_connect(axws_axiom *a, int token_price, int64_t now) {
    AXWS_ASSERT(a != NULL);
    if (a->want_up && (a->attempt_live || a->next_attempt || a->connect_after_refresh)) return AXWS_ESTATE;
    if (axws__ax_stream_waits_for_rx(a)) return AXWS_ESTATE; /* its attempt comes after the refresh */
    /* no token of any kind: nothing could ever connect, say so now */
    if (!a->access[0] && !a->refresh[0]) return AXWS_EAUTH;
    a->want_up = 1;
    a->token_price = token_price;
    a->attempts = 0;
    a->auth_retried = 0;
    axws__ax_attempt_soon(a, now);
    return AXWS_OK;
}

AXWS__DEF int axws_axiom_connect(axws_axiom *a, int64_t now_ms) { return axws__ax_connect(a, 0, now_ms); }
AXWS__DEF int axws_axiom_connect_token_price(axws_axiom *a, int64_t now_ms) { return axws__ax_connect(a, 1, now_ms); }

/* Our close of an open stream (disconnect, reconnect): remembered so that its end is
   reported as asked for, not as the server's doing. */
static int axws__ax_close_stream(axws_axiom *a, int64_t now_ms) {
    int r = axws_close(&a->ws, AXWS_CLOSE_NORMAL, NULL, now_ms);
    if (r == AXWS_OK) a->closed_by_us = 1;
    return r;
}

AXWS__DEF int axws_axiom_disconnect(axws_axiom *a, int64_t now_ms) {
    AXWS_ASSERT(a != NULL);
    a->want_up = 0;
    a->reconnect_now = 0;
    a->next_attempt = 0;
    a->connect_after_refresh = 0;
    a->next_refresh = 0;
    if (a->refresh_busy) { /* nothing is left running once disconnect() returns but the close */
        axws_abort(&a->http);
        a->refresh_busy = 0;
    }
    if (axws_conn_state(&a->ws) == AXWS_STATE_OPEN) return axws__ax_close_stream(a, now_ms);
    if (axws_conn_state(&a->ws) != AXWS_STATE_CLOSED && axws_conn_state(&a->ws) != AXWS_STATE_CLOSING) {
        axws_abort(&a->ws); /* not up yet: nothing to hand-shake, no callbacks owed */
        a->attempt_live = 0;
    }
    return AXWS_OK;
}

AXWS__DEF int axws_axiom_reconnect(axws_axiom *a, int64_t now_ms) {
    AXWS_ASSERT(a != NULL);
    a->want_up = 1;
    a->next_attempt = 0;
    if (a->attempt_live) {
        a->reconnect_now = 1;
        if (axws_conn_state(&a->ws) == AXWS_STATE_OPEN) return axws__ax_close_stream(a, now_ms);
        if (axws_conn_state(&a->ws) != AXWS_STATE_CLOSING) {
            axws_abort(&a->ws);
            a->attempt_live = 0;
            a->reconnect_now = 0;
            axws__ax_attempt_soon(a, now_ms);
        }
        return AXWS_OK;
    }
    axws__ax_attempt_soon(a, now_ms);
    return AXWS_OK;
}

AXWS__DEF int axws_axiom_is_connected(const axws_axiom *a) {
    AXWS_ASSERT(a != NULL);
    return a->up && axws_conn_state(&a->ws) == AXWS_STATE_OPEN;
}

AXWS__DEF void axws_axiom_set_auto_reconnect(axws_axiom *a, int on) {
    AXWS_ASSERT(a != NULL);
    a->cfg.no_auto_reconnect = !on;
}

/* ---- subscriptions */

static int axws__ax_find(char (*table)[AXWS_AXIOM_ROOM_MAX + 1], int count, const char *room) {
    int i;
    for (i = 0; i < count; i++)
        if (strcmp(table[i], room) == 0) return i;
    return -1;
}

AXWS__DEF int axws_axiom_subscribe(axws_axiom *a, const char *room) {
    size_t n;
    uint32_t st = AXWS__UTF8_ACCEPT;
    int leave;
    AXWS_ASSERT(a != NULL);
    if (!room) return AXWS_EINVAL;
    n = strlen(room);
    if (!n || n > AXWS_AXIOM_ROOM_MAX || axws__utf8_scan(&st, (const uint8_t *)room, n) || st != AXWS__UTF8_ACCEPT)
        return AXWS_EINVAL;
    if (axws__ax_find(a->rooms, a->room_count, room) >= 0) return AXWS_OK; /* never twice */
    if (a->room_count == AXWS_AXIOM_MAX_ROOMS) return AXWS_EFULL;
    memcpy(a->rooms[a->room_count], room, n + 1);
    a->room_joined[a->room_count] = 0;
    memset(&a->health[a->room_count], 0, sizeof a->health[0]);
    a->health[a->room_count].latency_last = a->health[a->room_count].latency_max = -1;
    leave = axws__ax_find(a->leaves, a->leave_count, room);
    if (leave >= 0) {
        /* its leave was not sent yet: the server still has it joined */
        memmove(a->leaves[leave], a->leaves[leave + 1], (size_t)(a->leave_count - leave - 1) * sizeof a->leaves[0]);
        a->leave_count--;
        a->room_joined[a->room_count] = a->conn_gen;
    }
    a->room_count++;
    return AXWS_OK;
}

AXWS__DEF int axws_axiom_unsubscribe(axws_axiom *a, const char *room) {
    int i, k;
    AXWS_ASSERT(a != NULL);
    if (!room || (i = axws__ax_find(a->rooms, a->room_count, room)) < 0) return AXWS_EINVAL;
    if (a->up && a->room_joined[i] == a->conn_gen) {
        memcpy(a->leaves[a->leave_count], a->rooms[i], sizeof a->rooms[i]);
        a->leave_count++;
    }
    memmove(a->rooms[i], a->rooms[i + 1], (size_t)(a->room_count - i - 1) * sizeof a->rooms[0]);
    memmove(&a->room_joined[i], &a->room_joined[i + 1], (size_t)(a->room_count - i - 1) * sizeof a->room_joined[0]);
    if (a->health[i].slot) a->conflate[a->health[i].slot - 1].room = -1;
    for (k = 0; k < AXWS_AXIOM_CONFLATE_SLOTS; k++)
        if (a->conflate[k].room > i) a->conflate[k].room--; /* rooms after it move down */
    memmove(&a->health[i], &a->health[i + 1], (size_t)(a->room_count - i - 1) * sizeof a->health[0]);
    a->room_count--;
    a->last_room = -1;
    return AXWS_OK;
}

AXWS__DEF int axws_axiom_subscribe_new_tokens(axws_axiom *a) { return axws_axiom_subscribe(a, "new_pairs"); }

AXWS__DEF int axws_axiom_subscribe_token_price(axws_axiom *a, const char *mint) {
    return axws_axiom_subscribe(a, mint);
}

AXWS__DEF int axws_axiom_subscribe_wallet_transactions(axws_axiom *a, const char *wallet) {
    char room[AXWS_AXIOM_ROOM_MAX + 2];
    if (!wallet || strlen(wallet) + 2 > AXWS_AXIOM_ROOM_MAX) return AXWS_EINVAL;
    axws__fmt(room, sizeof room, "v:%s", wallet);
    return axws_axiom_subscribe(a, room);
}

AXWS__DEF int axws_axiom_subscription_count(const axws_axiom *a) { AXWS_ASSERT(a != NULL); return a->room_count; }

AXWS__DEF const char *axws_axiom_subscription(const axws_axiom *a, int index) {
    AXWS_ASSERT(a != NULL);
    return index >= 0 && index < a->room_count ? a->rooms[index] : NULL;
}

AXWS__DEF int axws_axiom_send_text(axws_axiom *a, const char *text, size_t len) {
    AXWS_ASSERT(a != NULL);
    if (!axws_axiom_is_connected(a)) return AXWS_ENOTCONN;
    return axws_send_text(&a->ws, text, len);
}

/* {"action":"join","room":"..."} with the room escaped as a JSON string (RFC 8259 7). */
static int axws__ax_send_action(axws_axiom *a, const char *action, const char *room) {
    char buf[64 + 6 * AXWS_AXIOM_ROOM_MAX];
    axws__buf b = axws__text_buf(buf, sizeof buf);
    axws__put_fmt(&b, "{\"action\":\"%s\",\"room\":\"%.*e\"}", action, (int)strlen(room), room);
    return axws_send_text(&a->ws, buf, b.len);
}

/* A subscription message that did not fit tx_buf (the server reads slowly, or not at all)
   is tried again this much later: a send slot left in the past would make every timeout 0. */
#define AXWS__AX_SEND_RETRY_MS 50

/* One subscription message per pacing slot: pending leaves first, then joins in order. */
static void axws__ax_pump_rooms(axws_axiom *a, int64_t now) {
    int64_t retry = now + (a->cfg.pacing_ms > AXWS__AX_SEND_RETRY_MS ? a->cfg.pacing_ms : AXWS__AX_SEND_RETRY_MS);
    while (a->up && axws_conn_state(&a->ws) == AXWS_STATE_OPEN && now >= a->next_send) {
        int i;
        if (a->leave_count) {
            if (axws__ax_send_action(a, "leave", a->leaves[0]) != AXWS_OK) { a->next_send = retry; return; }
            memmove(a->leaves[0], a->leaves[1], (size_t)(a->leave_count - 1) * sizeof a->leaves[0]);
            a->leave_count--;
        } else {
            for (i = 0; i < a->room_count && a->room_joined[i] == a->conn_gen; i++)
                ;
            if (i == a->room_count) return;
            if (axws__ax_send_action(a, "join", a->rooms[i]) != AXWS_OK) { a->next_send = retry; return; }
            a->room_joined[i] = a->conn_gen;
            a->health[i].joined_ms = now;
        }
        if (a->cfg.pacing_ms > 0) a->next_send = now + a->cfg.pacing_ms;
    }
}

static int axws__ax_rooms_pending(const axws_axiom *a) {
    int i;
    if (a->leave_count) return 1;
    for (i = 0; i < a->room_count; i++)
        if (a->room_joined[i] != a->conn_gen) return 1;
    return 0;
}

/* ---- stream health: arrival, latency, gaps, silent rooms, figures */

/* The wall clock in ms, for latency estimates. */
static int64_t axws__ax_wall_ms(const axws_axiom *a) {
    if (a->cfg.wall_clock_ms) return a->cfg.wall_clock_ms(a->cfg.wall_clock_user);
#ifdef AXWS__PORT_POSIX
    {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    }
#else
    return axws__ax_wall(a) * 1000;
#endif
}

/* The subscription a message's room names, or -1: the last one matched first (a stream
   is mostly one busy room), then every other. */
static int axws__ax_room_of(axws_axiom *a, const axws_axiom_str *room) {
    int i = a->last_room;
    if (!(room->flags & AXWS_AXIOM_PRESENT) || room->type != AXWS_JSON_STRING || room->len > AXWS_AXIOM_ROOM_MAX)
        return -1;
    /* the length (where the name's NUL must be) and the first byte before memcmp: most
       rooms differ there, and the call costs more than the comparison */
    if (i >= 0 && i < a->room_count && !a->rooms[i][room->len] && a->rooms[i][0] == room->ptr[0] &&
        !memcmp(a->rooms[i], room->ptr, room->len))
        return i;
    for (i = 0; i < a->room_count; i++)
        if (!a->rooms[i][room->len] && a->rooms[i][0] == room->ptr[0] && !memcmp(a->rooms[i], room->ptr, room->len))
            return a->last_room = i;
    return -1;
}

/* A message's freshness and the figures it adds to: arrival, latency, a gap it ends. The
   message is the decoder's (d->msg), handed over as const to the program only. */
static int axws__ax_account(axws_axiom *a, axws_axiom_msg *m) {
    int i = axws__ax_room_of(a, &m->room);
    int32_t lat = -1;
    m->arrival_ms = a->arrival;
    a->messages++;
    a->bytes += m->frame_len;
    a->last_arrival = a->arrival;
    if (m->server_ms) {
        int64_t l = axws__ax_wall_ms(a) - m->server_ms;
        m->latency_ms = l;
        lat = l > INT32_MAX ? INT32_MAX : l < -INT32_MAX ? -INT32_MAX : (int32_t)l;
#ifndef AXWS_NO_STATS
        a->latency[a->latency_count++ % AXWS_AXIOM_LATENCY_WINDOW] = lat;
#endif
    }
    if (i < 0) return i;
    {
        axws__ax_room_health *h = &a->health[i];
        h->messages++;
        h->bytes += m->frame_len;
        if (h->gap_from) { /* the first message since the connection it came on was lost */
            m->flags |= AXWS_AXIOM_MSG_GAP;
            m->gap_from_ms = h->gap_from;
            m->gap_to_ms = a->arrival;
            h->gap_from = 0;
            h->gaps++;
            a->gaps++;
        }
        h->last_ms = a->arrival;
        h->silent = 0;
        if (m->server_ms) {
            h->latency_last = lat;
            if (lat > h->latency_max) h->latency_max = lat;
#ifndef AXWS_NO_STATS
            h->latency[h->latency_count++ % AXWS_AXIOM_ROOM_LATENCY_WINDOW] = lat;
#endif
        }
    }
    return i;
}

/* The connection that carried the rooms was lost: each room joined on it has a gap open
   from its last message (or its join) until its next message. */
static void axws__ax_open_gaps(axws_axiom *a, int64_t now) {
    int i;
    for (i = 0; i < a->room_count; i++) {
        axws__ax_room_health *h = &a->health[i];
        if (a->room_joined[i] != a->conn_gen || h->gap_from) continue;
        h->gap_from = h->last_ms > h->joined_ms ? h->last_ms : h->joined_ms ? h->joined_ms : now;
    }
}

/* Since when a room has been quiet: its last message, or its join when later. */
static int64_t axws__ax_quiet_since(const axws__ax_room_health *h) {
    return h->last_ms > h->joined_ms ? h->last_ms : h->joined_ms;
}

/* When a room's silence limit next runs out (INT64_MAX: none). */
static int64_t axws__ax_silence_due(const axws_axiom *a, int i) {
    const axws__ax_room_health *h = &a->health[i];
    if (!h->silence_ms || h->silent || a->room_joined[i] != a->conn_gen || !h->joined_ms) return INT64_MAX;
    return axws__ax_quiet_since(h) + h->silence_ms;
}

/* Rooms past their silence limit while the connection is up: told once, rejoined if asked
   (a leave, then the join in its pacing slot; the limit counts again from that join). */
static void axws__ax_check_silence(axws_axiom *a, int64_t now) {
    int i;
    if (!a->up || axws_conn_state(&a->ws) != AXWS_STATE_OPEN) return;
    for (i = 0; i < a->room_count; i++) {
        axws__ax_room_health *h = &a->health[i];
        int64_t since = axws__ax_quiet_since(h);
        int count = a->room_count;
        if (now < axws__ax_silence_due(a, i)) continue;
        h->silent = 1;
        h->silences++;
        a->silences++;
        axws__fmt(a->text, sizeof a->text, "room %s: nothing for %ld ms (silence limit %d ms)%s", a->rooms[i],
                  (long)(now - since), (int)h->silence_ms, h->rejoin ? "; joining it again" : "");
        if (a->cfg.log) a->cfg.log(a->cfg.log_user, a->text);
        if (a->cfg.handler.on_room_silent) a->cfg.handler.on_room_silent(a, a->rooms[i], now - since, a->cfg.handler.user);
        if (a->room_count != count) return; /* the callback unsubscribed: the indexes moved */
        if (!h->rejoin || a->leave_count == AXWS_AXIOM_MAX_ROOMS) continue;
        memcpy(a->leaves[a->leave_count++], a->rooms[i], sizeof a->rooms[i]);
        a->room_joined[i] = 0;
        h->silent = 0;
    }
}

AXWS__DEF int axws_axiom_set_silence_limit(axws_axiom *a, const char *room, int limit_ms, int rejoin) {
    int i;
    AXWS_ASSERT(a != NULL);
    if (!room || limit_ms < 0 || (i = axws__ax_find(a->rooms, a->room_count, room)) < 0) return AXWS_EINVAL;
    a->health[i].silence_ms = limit_ms;
    a->health[i].rejoin = (uint8_t)(rejoin != 0);
    a->health[i].silent = 0;
    return AXWS_OK;
}

#ifndef AXWS_NO_STATS
/* A percentile of the latency window without sorting it (no copy, no stack): the smallest
   value with at least p% of the samples at or below it, by bisection over the values. */
static int64_t axws__ax_percentile(const int32_t *v, unsigned n, int p) {
    int64_t lo = -INT32_MAX, hi = INT32_MAX;
    unsigned need = (n * (unsigned)p + 99) / 100, i;
    if (!n) return -1;
    if (!need) need = 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        unsigned k = 0;
        for (i = 0; i < n; i++) k += v[i] <= mid;
        if (k >= need) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* p50, p90, p99 and the max of the last `window` samples of a ring that took `count`. */
static void axws__ax_percentiles(const int32_t *ring, uint32_t count, unsigned window, int64_t out[4]) {
    static const int p[4] = {50, 90, 99, 100};
    unsigned n = count < window ? count : window;
    int k;
    for (k = 0; k < 4; k++) out[k] = axws__ax_percentile(ring, n, p[k]);
}

AXWS__DEF void axws_axiom_read_stats(const axws_axiom *a, axws_axiom_stats *s) {
    int64_t p[4];
    AXWS_ASSERT(a != NULL && s != NULL);
    memset(s, 0, sizeof *s);
    s->messages = a->messages;
    s->bytes = a->bytes;
    s->connects = a->connects;
    s->reconnects = a->connects ? a->connects - 1 : 0;
    s->gaps = a->gaps;
    s->silences = a->silences;
    s->conflated = a->conflated;
    s->connected_ms = a->up ? a->connected_at : 0;
    s->last_arrival_ms = a->last_arrival;
    s->rtt_ms = axws_rtt_ms(&a->ws, &s->rtt_smoothed_ms);
    s->latency_samples = a->latency_count;
    axws__ax_percentiles(a->latency, a->latency_count, AXWS_AXIOM_LATENCY_WINDOW, p);
    s->latency_p50_ms = p[0];
    s->latency_p90_ms = p[1];
    s->latency_p99_ms = p[2];
    s->latency_max_ms = p[3];
}

AXWS__DEF int axws_axiom_read_room_stats(const axws_axiom *a, int index, axws_axiom_room_stats *s) {
    const axws__ax_room_health *h;
    int64_t p[4];
    AXWS_ASSERT(a != NULL && s != NULL);
    if (index < 0 || index >= a->room_count) return AXWS_EINVAL;
    h = &a->health[index];
    s->room = a->rooms[index];
    s->messages = h->messages;
    s->bytes = h->bytes;
    s->last_arrival_ms = h->last_ms;
    s->latency_last_ms = h->latency_last;
    s->latency_max_ms = h->latency_max;
    s->gaps = h->gaps;
    s->silences = h->silences;
    s->conflated = h->conflated;
    s->silence_limit_ms = h->silence_ms;
    axws__ax_percentiles(h->latency, h->latency_count, AXWS_AXIOM_ROOM_LATENCY_WINDOW, p);
    s->latency_p50_ms = p[0];
    s->latency_p90_ms = p[1];
    s->latency_p99_ms = p[2]; /* the max is latency_max_ms, over all of them */
    return AXWS_OK;
}

#endif /* AXWS_NO_STATS */

/* ---- conflation: the latest update of a room, once a step */

AXWS__DEF int axws_axiom_set_conflate(axws_axiom *a, const char *room, int on) {
    int i, k;
    AXWS_ASSERT(a != NULL);
    if (!room || (i = axws__ax_find(a->rooms, a->room_count, room)) < 0) return AXWS_EINVAL;
    if (!on || a->health[i].slot) {
        if (!on && a->health[i].slot) a->conflate[a->health[i].slot - 1].room = -1; /* a held update goes */
        if (!on) a->health[i].slot = 0;
        return AXWS_OK;
    }
    for (k = 0; k < AXWS_AXIOM_CONFLATE_SLOTS; k++)
        if (a->conflate[k].room < 0) {
            memset(&a->conflate[k], 0, offsetof(axws__ax_conflate, frame));
            a->conflate[k].room = i;
            a->health[i].slot = (uint8_t)(k + 1);
            return AXWS_OK;
        }
    return AXWS_EFULL;
}

/* A conflated room's update is held in its slot (a later one of the same step replaces it)
   as the frame the decoder reads again at the end of the step: {"room":..,"content":..}.
   Returns 1 when held, 0 to deliver it now (not conflated, too big, no content). */
static int axws__ax_hold(axws_axiom *a, int i, axws_axiom_msg *m) {
    axws__ax_conflate *k = i >= 0 && a->health[i].slot && !a->flushing ? &a->conflate[a->health[i].slot - 1] : NULL;
    const axws_axiom_value *c = &m->content;
    axws__buf b;
    int quoted = c->type == AXWS_JSON_STRING;
    const char *lit = c->type == AXWS_JSON_TRUE ? "true" : c->type == AXWS_JSON_FALSE ? "false" : "null";
    size_t clen = c->ptr ? c->len : strlen(lit);
    if (!k || !c->type || (m->flags & (AXWS_AXIOM_MSG_OVERSIZE | AXWS_AXIOM_MSG_UNDECODABLE))) return 0;
    if (22 + m->room.len + clen + 2 * (size_t)quoted + 1 > sizeof k->frame) {
        m->conflated = k->pending ? k->dropped + 1 : 0; /* the held one is older: it goes */
        if (k->pending) a->health[i].conflated++, a->conflated++;
        k->pending = 0;
        k->dropped = 0;
        return 0;
    }
    if (k->pending) {
        k->dropped++;
        a->health[i].conflated++;
        a->conflated++;
    }
    b.p = k->frame; b.len = 0; b.cap = sizeof k->frame;
    axws__puts(&b, "{\"room\":\"");
    axws__put(&b, m->room.ptr, m->room.len);
    axws__puts(&b, quoted ? "\",\"content\":\"" : "\",\"content\":");
    axws__put(&b, c->ptr ? c->ptr : lit, clen);
    axws__puts(&b, quoted ? "\"}" : "}");
    k->len = b.len;
    k->pending = 1;
    k->arrival = m->arrival_ms;
    k->latency = m->latency_ms;
    k->server = m->server_ms;
    k->gap_from = m->gap_from_ms;
    k->gap_to = m->gap_to_ms;
    k->flags = m->flags & AXWS_AXIOM_MSG_GAP;
    return 1;
}

/* A held update, decoded again from its slot: the freshness it had on arrival. */
static void axws__ax_deliver_held(void *user, const axws_axiom_msg *m) {
    axws_axiom *a = (axws_axiom *)user;
    axws_axiom_msg *w = (axws_axiom_msg *)m; /* the decoder's own d->msg */
    axws__ax_conflate *k = a->held;
    w->arrival_ms = k->arrival;
    w->latency_ms = k->latency;
    w->server_ms = k->server;
    w->gap_from_ms = k->gap_from;
    w->gap_to_ms = k->gap_to;
    w->flags |= k->flags;
    w->conflated = k->dropped;
    k->dropped = 0;
    if (a->cfg.handler.on_message) a->cfg.handler.on_message(a, m, a->cfg.handler.user);
}

/* The end of a step: every held update, unless a message is half read (the decoder holds
   it; the held ones wait for the step that completes it). */
static void axws__ax_flush_held(axws_axiom *a) {
    int k;
    if (a->mid_message) return;
    a->flushing = 1;
    for (k = 0; k < AXWS_AXIOM_CONFLATE_SLOTS; k++) {
        axws__ax_conflate *h = &a->conflate[k];
        if (h->room < 0 || !h->pending) continue;
        h->pending = 0;
        a->held = h;
        (void)axws_axiom_decoder_chunk(&a->dec, h->frame, h->len, 1, axws__ax_deliver_held, a);
    }
    a->held = NULL;
    a->flushing = 0;
}

/* ---- the stream's events */

static void axws__ax_deliver(void *user, const axws_axiom_msg *m);

/* What happened, as one sentence without any token in it, into a->text: for a failure the
   stream's own description (phase, address, HTTP status, TLS cause, errno) after the URL.
   Returns how long the server asked us to wait at least (Retry-After, 1013), in ms. */
static int64_t axws__ax_describe_loss(axws_axiom *a, const axws_event *ev, int was_up) {
    const axws_conn *c = &a->ws;
    int err = ev->error;
    int shift = a->attempts < 6 ? a->attempts : 6;
    if (err) {
        size_t k = axws__fmt(a->text, sizeof a->text, "%s %s: ", was_up ? "connection to" : "cannot connect to", a->url);
        size_t n = 0, i;
        const char *ra;
        int64_t secs = 0;
        if (k < sizeof a->text) axws_describe(c, a->text + k, sizeof a->text - k);
        ra = err == AXWS_EHTTP && axws_http_status(c) == 429 ? axws_header(c, "retry-after", 0, &n) : NULL;
        if (!ra) return 0;
        /* RFC 9110 10.2.3: delay-seconds (dates are ignored); capped: a server must not
           park the client for years */
        for (i = 0; i < n && ra[i] >= '0' && ra[i] <= '9' && secs <= AXWS__AX_RETRY_AFTER_MAX_S; i++)
            secs = secs * 10 + (ra[i] - '0');
        return (secs < AXWS__AX_RETRY_AFTER_MAX_S ? secs : AXWS__AX_RETRY_AFTER_MAX_S) * 1000;
    }
    if (a->closed_by_us && !a->want_up) {
        axws__fmt(a->text, sizeof a->text, "disconnect requested");
        return 0;
    }
    /* the reason is the peer's text: shown escaped, so a server cannot forge log lines or
       send terminal escapes */
    axws__fmt(a->text, sizeof a->text, "closed by the server with code %d%s%.*e", ev->close_code,
              ev->len ? ": " : "", (int)ev->len, (const char *)ev->data);
    if (ev->close_code != AXWS_CLOSE_TRY_AGAIN) return 0;
    /* 1013: wait the whole backoff window */
    return a->cfg.backoff_cap_ms < a->cfg.backoff_base_ms << shift ? a->cfg.backoff_cap_ms
                                                                    : a->cfg.backoff_base_ms << shift;
}

/* A failed connection, to the log and on_error, with its kind. */
static void axws__ax_report_failure(axws_axiom *a, int err, int was_up) {
    const axws_conn *c = &a->ws;
    axws_axiom_error e;
    memset(&e, 0, sizeof e);
    e.kind = AXWS_AXIOM_ERR_CONNECTION;
    if (err == AXWS_EHTTP) e.kind = (axws_http_status(c) == 401 || axws_http_status(c) == 403) ? AXWS_AXIOM_ERR_AUTH : AXWS_AXIOM_ERR_HTTP;
    else if (err == AXWS_EPROTO || err == AXWS_EUTF8 || err == AXWS_ETOOBIG || err == AXWS_EHANDSHAKE) e.kind = AXWS_AXIOM_ERR_WEBSOCKET;
    else if ((err == AXWS_EIO || err == AXWS_ECLOSED) && was_up) e.kind = AXWS_AXIOM_ERR_RECEIVE; /* lost mid-stream */
    e.code = err;
    e.http_status = axws_http_status(c);
    e.close_code = axws_sent_close_code(c);
    e.sys_errno = axws_sys_errno(c);
#ifdef AXWS__HAVE_TLS
    e.tls_error = axws_tls_error(c);
#endif
    e.text = a->text;
    axws__ax_report(a, &e);
}

static void axws__ax_connection_lost(axws_axiom *a, const axws_event *ev) {
    int err = ev->error, was_up = a->up, status = axws_http_status(&a->ws);
    int64_t now = ev->now_ms, at_least;
    a->attempt_live = 0;
    a->up = 0;
    if (was_up) axws__ax_open_gaps(a, now);
    if (was_up && now - a->connected_at >= a->cfg.healthy_ms) a->attempts = 0;
    at_least = axws__ax_describe_loss(a, ev, was_up);
    if (err) axws__ax_report_failure(a, err, was_up);
    if (was_up && a->cfg.handler.on_disconnected) a->cfg.handler.on_disconnected(a, a->text, a->cfg.handler.user);
    if (!a->want_up) return;
    if (a->reconnect_now) {
        a->reconnect_now = 0;
        a->next_attempt = now ? now : 1; /* at once, from step */
        return;
    }
    if (err == AXWS_EHTTP && (status == 401 || status == 403) && !a->auth_retried && a->refresh[0]) {
        a->auth_retried = 1; /* one refresh, then one retry */
        a->connect_after_refresh = 1;
        if (!a->refresh_busy) axws__ax_start_refresh(a, now);
        return;
    }
    if (a->cfg.no_auto_reconnect) {
        a->want_up = 0;
        return;
    }
    axws__ax_schedule_retry(a, now, at_least); /* Retry-After or 1013: at least this long */
}

static void axws__ax_ws_event(axws_conn *c, const axws_event *ev, void *user) {
    axws_axiom *a = (axws_axiom *)user;
    switch (ev->type) {
    case AXWS_EV_OPEN: {
        static const char hex[] = "0123456789abcdef";
        uint8_t id[8];
        int i;
        a->up = 1;
        a->conn_gen++;
        if (!a->conn_gen) a->conn_gen = 1;
        a->leave_count = 0; /* a new connection has joined nothing */
        a->closed_by_us = 0;
        a->connected_at = ev->now_ms;
        a->next_send = ev->now_ms;
        a->auth_retried = 0;
        axws__random(c, id, sizeof id);
        memcpy(a->session_id, "axws-", 5);
        for (i = 0; i < 8; i++) {
            a->session_id[5 + 2 * i] = hex[id[i] >> 4];
            a->session_id[6 + 2 * i] = hex[id[i] & 15];
        }
        a->session_id[21] = 0;
        a->connects++;
        a->mid_message = 0;
        axws_axiom_decoder_reset(&a->dec);
        if (a->cfg.handler.on_connected) a->cfg.handler.on_connected(a, a->session_id, a->cfg.handler.user);
        break;
    }
    case AXWS_EV_CHUNK: {
        int r;
        a->arrival = ev->now_ms; /* the step that read these bytes: the message's arrival */
        a->mid_message = !ev->fin;
        r = axws_axiom_decoder_chunk(&a->dec, ev->data, ev->len, ev->fin, axws__ax_deliver, a);
        if (r < 0) {
            axws__fmt(a->text, sizeof a->text, "a message from %s is not valid JSON: %s", a->url, axws_json_strerror(r));
            axws__ax_error(a, AXWS_AXIOM_ERR_SERIALIZATION, r, a->text);
        }
        break;
    }
    case AXWS_EV_CLOSE:
        a->mid_message = 0; /* decoder_reset at the next OPEN forgets it */
        axws__ax_connection_lost(a, ev);
        break;
    default:
        break;
    }
}

static void axws__ax_deliver(void *user, const axws_axiom_msg *m) {
    axws_axiom *a = (axws_axiom *)user;
    axws_axiom_msg *w = (axws_axiom_msg *)m; /* the decoder's own d->msg: not const */
    if (axws__ax_hold(a, axws__ax_account(a, w), w)) return;
    if (a->cfg.handler.on_message) a->cfg.handler.on_message(a, m, a->cfg.handler.user);
}

/* ---- token refresh (docs/PROTOCOL.md 3) */

static int axws__ax_start_refresh(axws_axiom *a, int64_t now) {
    char url[300], body[40];
    const char *hdrs[5];
    int r, n;
    if (a->refresh_busy) return AXWS_OK;
    if (!a->refresh[0]) return AXWS_EAUTH;
    if (a->cfg.api_url) {
        size_t l = strlen(a->cfg.api_url);
        axws__fmt(url, sizeof url, "%s%srefresh-access-token", a->cfg.api_url, l && a->cfg.api_url[l - 1] == '/' ? "" : "/");
    } else {
        axws__fmt(url, sizeof url, "https://%s/refresh-access-token",
                 axws__api_hosts[axws__ax_random32(a) % (uint32_t)AXWS__COUNT(axws__api_hosts)]);
    }
    if (a->access[0])
        axws__fmt(a->cookie, sizeof a->cookie, "Cookie: auth-refresh-token=%s; auth-access-token=%s", a->refresh, a->access);
    else
        axws__fmt(a->cookie, sizeof a->cookie, "Cookie: auth-refresh-token=%s", a->refresh);
    hdrs[0] = a->cookie;
    hdrs[1] = "Content-Type: application/json";
    hdrs[2] = "Origin: https://axiom.trade";
    hdrs[3] = "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36";
    hdrs[4] = NULL;
    n = (int)axws__fmt(body, sizeof body, "{\"v\":%lld}", (long long)axws__ax_wall(a) * 1000); /* < sizeof body */
    a->refresh_ok = 0;
    a->refresh_status = 0;
    a->next_refresh = 0;
    a->last_refresh = now;
    r = axws_http_request(&a->http, url, "POST", hdrs, body, (size_t)n, now);
    if (r) {
        axws__fmt(a->text, sizeof a->text, "token refresh could not start (%s): %s", url, axws_strerror(r));
        axws__ax_error(a, AXWS_AXIOM_ERR_AUTH, r, a->text);
        a->refresh_failures++;
        a->next_refresh = now + axws__ax_backoff(a, a->refresh_failures) + 1;
        return r;
    }
    a->refresh_busy = 1;
    return AXWS_OK;
}

/* `name=value; attrs` -> the value, if the cookie is `name`. */
static const char *axws__ax_cookie_value(const char *h, size_t n, const char *name, size_t *len) {
    size_t nl = strlen(name);
    const char *semi;
    while (n && (*h == ' ' || *h == '\t')) { h++; n--; }
    if (n <= nl || memcmp(h, name, nl) != 0 || h[nl] != '=') return NULL;
    h += nl + 1;
    n -= nl + 1;
    semi = (const char *)memchr(h, ';', n);
    *len = semi ? (size_t)(semi - h) : n;
    return h;
}

/* The refresh's answer: the new access token first; then a new refresh token, taken only
   from an answer that brought a usable access token. A failed refresh (no access cookie, or
   one that is no token: docs/PROTOCOL.md 3) keeps both tokens: taking its refresh cookie
   would make every retry send a token from a failed answer. */
static void axws__ax_take_cookies(axws_axiom *a, const axws_conn *c) {
    int i, pass;
    for (pass = 0; pass < 2 && (pass == 0 || a->refresh_ok); pass++)
        for (i = 0;; i++) {
            size_t n = 0, vl = 0;
            const char *h = axws_header(c, "set-cookie", i, &n), *v;
            if (!h) break;
            if (pass == 0 && (v = axws__ax_cookie_value(h, n, "auth-access-token", &vl)) && vl &&
                axws__ax_copy_token(a->access, v, vl) == 0)
                a->refresh_ok = 1;
            else if (pass == 1 && (v = axws__ax_cookie_value(h, n, "auth-refresh-token", &vl)) && vl)
                axws__ax_copy_token(a->refresh, v, vl);
        }
}

/* New tokens: kept (and written back to their file), handed over, and a connect that
   waited for them goes ahead. */
static void axws__ax_refreshed(axws_axiom *a, int64_t now) {
    a->refresh_failures = 0;
    a->access_exp = axws__ax_jwt_exp(a->access);
#ifdef AXWS__AXIOM_TOKEN_FILE
    /* a directory that cannot be written (a read-only secrets mount) is reported once; the
       tokens stay in memory and on_tokens below still hands them over */
    if (a->tokens_from_file && axws__ax_write_token_file(a) != 0 && !a->token_file_reported) {
        a->token_file_reported = 1;
        axws__fmt(a->text, sizeof a->text,
                  "could not write the refreshed tokens to %s (kept in memory; reported once)", a->token_file);
        axws__ax_error(a, AXWS_AXIOM_ERR_AUTH, AXWS_EFILE, a->text);
    }
#endif
    if (a->cfg.handler.on_tokens) a->cfg.handler.on_tokens(a, a->access, a->refresh, a->cfg.handler.user);
    if (a->connect_after_refresh) {
        a->connect_after_refresh = 0;
        if (a->want_up && !a->attempt_live) a->next_attempt = now ? now : 1;
    }
}

/* A refresh that brought no token: reported, and tried again with backoff (never silently
   dead). */
static void axws__ax_refresh_failed(axws_axiom *a, const axws_conn *c, int err, int64_t now) {
    axws_axiom_error e;
    if (err) {
        const char *detail = axws_sys_errno(c) ? axws__errno_text(axws_sys_errno(c)) : "";
#ifdef AXWS__HAVE_TLS
        if (err == AXWS_ETLS) detail = axws_tls_strerror(axws_tls_error(c));
#endif
        axws__fmt(a->text, sizeof a->text, "token refresh failed: %s%s%s", axws_strerror(err), *detail ? ": " : "",
                  detail);
    } else {
        axws__fmt(a->text, sizeof a->text, "token refresh failed: HTTP %d%s", a->refresh_status,
                  a->refresh_status >= 200 && a->refresh_status < 300 ? " without a new access token" : "");
    }
    memset(&e, 0, sizeof e);
    e.kind = AXWS_AXIOM_ERR_AUTH;
    e.code = err ? err : AXWS_EAUTH;
    e.http_status = a->refresh_status;
    e.sys_errno = axws_sys_errno(c);
    e.text = a->text;
    axws__ax_report(a, &e);
    a->refresh_failures++;
    a->next_refresh = now + axws__ax_backoff(a, a->refresh_failures) + 1;
}

static void axws__ax_http_event(axws_conn *c, const axws_event *ev, void *user) {
    axws_axiom *a = (axws_axiom *)user;
    if (ev->type == AXWS_EV_HTTP_RESPONSE) {
        a->refresh_status = ev->status;
        if (ev->status >= 200 && ev->status <= 299) axws__ax_take_cookies(a, c);
        return;
    }
    if (ev->type != AXWS_EV_CLOSE) return;
    a->refresh_busy = 0;
    if (a->refresh_ok) axws__ax_refreshed(a, ev->now_ms);
    else axws__ax_refresh_failed(a, c, ev->error, ev->now_ms);
#ifdef AXWS_AXIOM_SHARED_RX
    /* the stream waited for rx_buf (worked or not: a good token still connects); not when
       it waits for a new token (connect_after_refresh: the refresh's retry decides) */
    if (a->want_up && !a->attempt_live && !a->next_attempt && !a->connect_after_refresh)
        a->next_attempt = ev->now_ms ? ev->now_ms : 1;
#endif
}

AXWS__DEF int axws_axiom_set_tokens(axws_axiom *a, const char *access_token, const char *refresh_token) {
    size_t na = access_token ? strlen(access_token) : 0, nr = refresh_token ? strlen(refresh_token) : 0;
    AXWS_ASSERT(a != NULL);
    /* both are checked before either is stored: a bad one changes nothing */
    if ((access_token && (na > AXWS_AXIOM_TOKEN_MAX || !axws__ax_cookie_value_ok(access_token, na))) ||
        (refresh_token && (nr > AXWS_AXIOM_TOKEN_MAX || !axws__ax_cookie_value_ok(refresh_token, nr))))
        return AXWS_EAUTH;
    if (access_token) axws__ax_copy_token(a->access, access_token, na);
    if (refresh_token) axws__ax_copy_token(a->refresh, refresh_token, nr);
    a->access_exp = a->access[0] ? axws__ax_jwt_exp(a->access) : 0;
    return AXWS_OK;
}

AXWS__DEF int axws_axiom_refresh_token(axws_axiom *a, int64_t now_ms) {
    AXWS_ASSERT(a != NULL);
    (void)now_ms; /* the step that starts it has the clock */
    if (!a->refresh[0]) return AXWS_EAUTH;
    /* made by the next step, as connect() is: a failure reported from inside this call
       would call on_error outside step, and recurse when on_error refreshes again */
    if (!a->refresh_busy) a->next_refresh = 1; /* due at once */
    return AXWS_OK;
}

AXWS__DEF int axws_axiom_has_token(const axws_axiom *a) {
    AXWS_ASSERT(a != NULL);
    return a->access[0] || a->refresh[0];
}

AXWS__DEF int64_t axws_axiom_token_expiry(const axws_axiom *a) { AXWS_ASSERT(a != NULL); return a->access_exp; }

/* ---- the loop */

/* When the access token should be refreshed, in this clock's milliseconds (0: not known). */
static int64_t axws__ax_refresh_due(const axws_axiom *a, int64_t now) {
    if (!a->access_exp || !a->refresh[0]) return 0;
    return now + (a->access_exp - a->cfg.refresh_ahead_s - axws__ax_wall(a)) * 1000;
}

AXWS__DEF int axws_axiom_pollfds(const axws_axiom *a, struct pollfd *fds, int max) {
    int n;
    AXWS_ASSERT(a != NULL);
    n = axws_pollfds(&a->ws, fds, max);
    return n + axws_pollfds(&a->http, fds + n, max - n);
}

AXWS__DEF int axws_axiom_timeout_ms(const axws_axiom *a, int64_t now_ms) {
    int64_t t = INT64_MAX;
    int w;
    AXWS_ASSERT(a != NULL);
    w = axws_timeout_ms(&a->ws, now_ms);
    if (w >= 0) t = now_ms + w;
    w = axws_timeout_ms(&a->http, now_ms);
    if (w >= 0 && now_ms + w < t) t = now_ms + w;
    if (a->next_attempt && a->next_attempt < t) t = a->next_attempt;
    /* only while the stream can take them (pump_rooms' own condition): after disconnect()
       it is CLOSING and a pending join would make every timeout 0 until the close ends */
    if (a->up && axws_conn_state(&a->ws) == AXWS_STATE_OPEN && axws__ax_rooms_pending(a) && a->next_send < t)
        t = a->next_send;
    if (a->up && axws_conn_state(&a->ws) == AXWS_STATE_OPEN) { /* silence limits: check_silence's condition */
        int i;
        for (i = 0; i < a->room_count; i++)
            if (axws__ax_silence_due(a, i) < t) t = axws__ax_silence_due(a, i);
    }
    /* the refresh timers under step's own conditions: a deadline step does not act on (a
       retry while disconnected, the expiry while a retry waits, no refresh token) would
       make every timeout 0 */
    if ((a->want_up || a->next_refresh) && !a->refresh_busy && a->refresh[0] && !axws__ax_stream_holds_rx(a)) {
        if (a->next_refresh) {
            if (a->next_refresh < t) t = a->next_refresh;
        } else {
            int64_t due = axws__ax_refresh_due(a, now_ms);
            if (due && due < a->last_refresh + 10000) due = a->last_refresh + 10000;
            if (due && due < t) t = due;
        }
        if (a->next_token_check && a->next_token_check < t) t = a->next_token_check;
    }
    if (t == INT64_MAX) return -1;
    if (t <= now_ms) return 0;
    return t - now_ms > INT32_MAX ? INT32_MAX : (int)(t - now_ms);
}

AXWS__DEF int axws_axiom_step(axws_axiom *a, const struct pollfd *fds, int nfds, int64_t now_ms) {
    AXWS_ASSERT(a != NULL);
    axws_step(&a->ws, fds, nfds, now_ms);
    axws_step(&a->http, fds, nfds, now_ms);
    if (!a->next_token_check) a->next_token_check = now_ms + a->cfg.token_check_ms;
    /* next_refresh alone also runs while disconnected: refresh_token() asked for it */
    if (!a->refresh_busy && a->refresh[0] && (a->want_up || a->next_refresh) && !axws__ax_stream_holds_rx(a)) {
        int64_t due = axws__ax_refresh_due(a, now_ms);
        int check = now_ms >= a->next_token_check;
        if (check) a->next_token_check = now_ms + a->cfg.token_check_ms;
        /* a token that comes back already inside the window waits for the next check
           instead of being refreshed again at once */
        if (a->next_refresh ? now_ms >= a->next_refresh
                            : ((due && now_ms >= due && now_ms - a->last_refresh >= 10000) ||
                               (check && !a->access_exp)))
            axws__ax_start_refresh(a, now_ms);
    }
    if (a->next_attempt && now_ms >= a->next_attempt) axws__ax_attempt(a, now_ms);
    /* disconnect() or reconnect() found no room for the close frame (the output queue was
       full): try again as the queue drains, or the stream would stay open for good */
    if ((!a->want_up || a->reconnect_now) && axws_conn_state(&a->ws) == AXWS_STATE_OPEN)
        axws__ax_close_stream(a, now_ms);
    axws__ax_check_silence(a, now_ms);
    axws__ax_pump_rooms(a, now_ms);
    axws__ax_flush_held(a);
    return AXWS_OK;
}

AXWS__DEF const axws_conn *axws_axiom_conn(const axws_axiom *a) { AXWS_ASSERT(a != NULL); return &a->ws; }
AXWS__DEF const char *axws_axiom_url(const axws_axiom *a) { AXWS_ASSERT(a != NULL); return a->url; }
#endif /* AXWS__AXIOM_CLIENT */
/* <<axiom-client */
#endif /* AXWS_NO_AXIOM */
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
