/* examples/sansio.c - the WebSocket core fed from any byte stream: no sockets, no poll.

       sansio HOST[:PORT] MESSAGE... <STREAM >STREAM

   The library is built with AXWS_NO_SOCKETS: what remains is the sans-IO core, which turns
   bytes into events and events into bytes. This program moves those bytes itself, through
   two functions that stand for whatever a device has (a UART, a modem's AT socket, a USB
   CDC pipe): here they read file descriptor 0 and write file descriptor 1, which the shell
   connects to a TCP stream (tests: bash's /dev/tcp). It sends each MESSAGE, checks that the
   echo comes back unchanged, closes with 1000 and exits 0. `sansio --help` (or -h) prints
   the help; an option before HOST exits 2 (the MESSAGEs are taken as they are, even when
   they start with '-').

   Shows: axws_start / axws_output / axws_output_ack / axws_feed / axws_tick /
   axws_timeout_ms, the entropy hook (cfg.random: a device's true random generator; here
   the kernel's), and a millisecond clock widened from a 32-bit tick counter that wraps.
   Build: make build/sansio   (or: cc -std=c99 -I. examples/sansio.c -o sansio) */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* this host stand-in for a board uses poll and read */
#endif
#define AXWS_NO_SOCKETS
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- what a board provides: a byte stream, a tick counter and a random generator */

/* Up to `n` bytes that have arrived (0 when none yet, -1 when the stream ended). Waits at
   most `wait_ms` for the first one: on a device, the UART's receive interrupt. */
static long stream_read(void *buf, size_t n, int wait_ms) {
    struct pollfd p = {0, POLLIN, 0};
    long r;
    if (poll(&p, 1, wait_ms) <= 0) return 0;
    r = (long)read(0, buf, n);
    return r > 0 ? r : -1;
}

/* Write all of buf (a UART would queue it for its transmit interrupt). */
static int stream_write(const void *buf, size_t n) {
    const unsigned char *p = (const unsigned char *)buf;
    while (n) {
        ssize_t w = write(1, p, n);
        if (w <= 0) return -1;
        p += w; n -= (size_t)w;
    }
    return 0;
}

/* A 32-bit millisecond tick, as SysTick or an RTOS kernel keeps it: it wraps every 49.7
   days. Here it is cut from the monotonic clock on purpose, to show the widening below. */
static uint32_t board_ticks(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/* The library wants a 64-bit millisecond clock that never goes back: add up the tick's
   differences (unsigned subtraction is right across a wrap, as long as this runs at least
   once every 49.7 days). */
static int64_t now_ms(void) {
    static uint32_t last;
    static int64_t total;
    static int started;
    uint32_t t = board_ticks();
    if (started) total += (uint32_t)(t - last);
    started = 1;
    last = t;
    return total;
}

/* The connection's only entropy (mask keys, the handshake key): a device's TRNG. */
static void board_random(void *user, void *buf, size_t len) {
    int fd = open("/dev/urandom", O_RDONLY);
    (void)user;
    if (fd < 0 || read(fd, buf, len) != (ssize_t)len) {
        fprintf(stderr, "sansio: no random source\n");
        _exit(1);
    }
    close(fd);
}

/* ---- the program */

/* why NULL (--help): the help on stdout (a terminal then, not the stream), returns 0 (the
   exit status); otherwise why and the usage line on stderr, returns 2. */
static int usage(const char *why) {
    if (why) {
        fprintf(stderr, "sansio: %s\nusage: sansio HOST[:PORT] MESSAGE... <STREAM >STREAM\n"
                        "(sansio --help says more)\n", why);
        return 2;
    }
    printf("usage: sansio HOST[:PORT] MESSAGE... <STREAM >STREAM\n"
           "\n"
           "The WebSocket core without sockets: it speaks WebSocket over whatever byte stream its\n"
           "standard input and output are (a UART on a device; a TCP connection from the shell here),\n"
           "sends each MESSAGE as a text message to an echo server, checks that each comes back\n"
           "unchanged, closes with 1000. Its events go to stderr; stdout is the stream.\n"
           "\n"
           "arguments:\n"
           "  HOST[:PORT]   the Host of the upgrade request (the URL is ws://HOST[:PORT]/; default port: 80)\n"
           "  MESSAGE...    one or more messages, taken as they are\n"
           "  -h, --help    print this help and exit (only as the first argument)\n"
           "\n"
           "Exit status: 0 when every echo matched and the close handshake completed, 1 otherwise,\n"
           "2 for bad arguments.\n"
           "\n"
           "example (bash; tests/peers/py_echo.py is an echo server that prints its port):\n"
           "  exec 3<>/dev/tcp/127.0.0.1/PORT; sansio 127.0.0.1:PORT hello world <&3 >&3\n");
    return 0;
}

static char *const *messages;
static int message_count, sent_count, echoed_count, failed;

static void send_next(axws_conn *c) {
    if (sent_count < message_count) {
        const char *m = messages[sent_count++];
        if (axws_send_text(c, m, strlen(m)) != AXWS_OK) failed = 1;
    } else {
        axws_close(c, AXWS_CLOSE_NORMAL, "done", now_ms());
    }
}

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    (void)user;
    switch (ev->type) {
    case AXWS_EV_OPEN:
        fprintf(stderr, "sansio: open\n");
        send_next(c);
        break;
    case AXWS_EV_MESSAGE: {
        const char *want = messages[echoed_count];
        int same = ev->len == strlen(want) && memcmp(ev->data, want, ev->len) == 0;
        fprintf(stderr, "sansio: echo %d %s: %.*s\n", ++echoed_count, same ? "ok" : "WRONG", (int)ev->len,
                (const char *)ev->data);
        if (!same) failed = 1;
        send_next(c);
        break;
    }
    case AXWS_EV_CLOSE:
        fprintf(stderr, "sansio: closed, code %d%s%s\n", ev->close_code, ev->error ? ": " : "",
                ev->error ? axws_strerror(ev->error) : "");
        break;
    default:
        break;
    }
}

int main(int argc, char **argv) {
    static unsigned char tx[4096], msg[4096];
    unsigned char in[512];
    char storage[300], url_text[280];
    axws_config cfg;
    axws_conn c;
    axws_url url;
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) return usage(NULL);
    if (argc > 1 && argv[1][0] == '-') { /* a HOST never starts with '-' */
        char why[96];
        snprintf(why, sizeof why, "unknown option %.60s", argv[1]);
        return usage(why);
    }
    if (argc < 3) return usage(argc < 2 ? "no HOST given" : "no MESSAGE given");
    messages = argv + 2;
    message_count = argc - 2;
    memset(&cfg, 0, sizeof cfg);
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx;   /* no rx_buf: this program owns the reads */
    cfg.msg_buf = msg; cfg.msg_size = sizeof msg;
    cfg.on_event = on_event;
    cfg.random = board_random;
    cfg.handshake_timeout_ms = 5000;
    snprintf(url_text, sizeof url_text, "ws://%s/", argv[1]);
    if (axws_init(&c, &cfg) != AXWS_OK || axws_parse_url(url_text, &url, storage, sizeof storage) != AXWS_OK ||
        axws_start(&c, &url, now_ms()) != AXWS_OK) {
        fprintf(stderr, "sansio: cannot start: %s\n", axws_strerror(axws_error(&c)));
        return 1;
    }
    while (axws_conn_state(&c) != AXWS_STATE_CLOSED) {
        size_t n, used = 0;
        long got;
        const uint8_t *out = axws_output(&c, &n);
        int wait = axws_timeout_ms(&c, now_ms());
        if (n) { /* hand the queued bytes to the stream */
            if (stream_write(out, n) != 0) break;
            axws_output_ack(&c, n);
            continue;
        }
        got = stream_read(in, sizeof in, wait < 0 || wait > 100 ? 100 : wait);
        if (got < 0) {
            axws_feed_eof(&c, now_ms());
        } else {
            while (used < (size_t)got && axws_conn_state(&c) != AXWS_STATE_CLOSED) {
                size_t k = axws_feed(&c, in + used, (size_t)got - used, now_ms());
                used += k;
                if (k == 0) { /* a reply waits for room: write output first */
                    out = axws_output(&c, &n);
                    if (!n || stream_write(out, n) != 0) break;
                    axws_output_ack(&c, n);
                }
            }
        }
        axws_tick(&c, now_ms());
    }
    if (axws_conn_state(&c) != AXWS_STATE_CLOSED) axws_abort(&c);
    return failed || echoed_count != message_count || axws_error(&c) ? 1 : 0;
}
