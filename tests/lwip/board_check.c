/* tests/lwip/board_check.c - checks the host board (tests/lwip/host_board.c) alone, with
   lwIP's own socket calls and no WebSocket library: when tests/test_lwip.sh fails, this
   says whether the board and its relay or the library's lwIP port is to blame.

   A server runs in this process on the host's stack (127.0.0.1, an ephemeral port P); the
   board relays P; a client on the lwIP stack connects to 127.0.0.1:P through lwIP's TCP and
   the relay. Checked: bytes both ways (4 MiB echoed, non-blocking, through lwip_poll), each
   side's half-close reaching the other while the other direction keeps flowing, a reset
   from the server reaching the client and one from the client reaching the server, and a
   relayed port with no server behind it. First of all, that the stack has one interface,
   up and default, with loopback addresses only. Prints "N passed, N failed" last.
   Build: make build/lwip/board_check */
#include "host_board.h"

#include <lwip/netif.h>
#include <lwip/sockets.h>
#include <lwip/tcpip.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int passed, failed;

static void check(int ok, const char *what) {
    if (ok) passed++;
    else {
        failed++;
        printf("FAIL %s\n", what);
    }
    fflush(stdout);
}

/* ---- the server on the host --------------------------------------------------------- */

/* what the server saw on the last connection, for the checks */
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t seen_cond = PTHREAD_COND_INITIALIZER;
static int seen_done;          /* the server finished with a connection */
static char seen_mode;
static char seen_after[64];    /* what came after the server's own FIN (mode C) */
static int seen_errno;         /* how the server's last recv() ended: 0 = EOF */

static void server_done(char mode, const char *after, int err) {
    pthread_mutex_lock(&seen_lock);
    seen_mode = mode;
    snprintf(seen_after, sizeof seen_after, "%s", after);
    seen_errno = err;
    seen_done = 1;
    pthread_cond_broadcast(&seen_cond);
    pthread_mutex_unlock(&seen_lock);
}

static int server_wait(char mode) {
    struct timespec until;
    int ok = 1;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&seen_lock);
    while (!seen_done && ok) ok = pthread_cond_timedwait(&seen_cond, &seen_lock, &until) == 0;
    ok = seen_done && seen_mode == mode;
    seen_done = 0;
    pthread_mutex_unlock(&seen_lock);
    return ok;
}

static int host_send(int fd, const char *s, size_t n) {
    return send(fd, s, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* reads until EOF or error; returns 0 at EOF, else the errno; keeps the last bytes */
static int host_read_to_end(int fd, char *keep, size_t keep_size, int echo) {
    static char buf[1 << 16];
    size_t kept = 0;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0) return 0;
        if (n < 0) return errno;
        if (echo && host_send(fd, buf, (size_t)n) != 0) return errno;
        if (keep && kept + (size_t)n < keep_size) {
            memcpy(keep + kept, buf, (size_t)n);
            kept += (size_t)n;
            keep[kept] = 0;
        }
    }
}

/* One connection; its first byte says what to do:
   E  echo until EOF, then send "done" and close
   C  send "hello" and half-close first, then read what the client still sends until EOF
   R  send "x", then reset
   U  send "unread" and wait for the client to reset (it closes without reading) */
static void *server_conn(void *arg) {
    static const struct timespec pause_100ms = {0, 100 * 1000 * 1000};
    int fd = (int)(intptr_t)arg, err = 0;
    char mode = 0, after[64] = "";
    struct linger lg;
    if (recv(fd, &mode, 1, MSG_WAITALL) != 1) mode = '?';
    switch (mode) {
    case 'E':
        err = host_read_to_end(fd, NULL, 0, 1);
        if (!err) host_send(fd, "done", 4);
        break;
    case 'C':
        host_send(fd, "hello", 5);
        shutdown(fd, SHUT_WR);
        err = host_read_to_end(fd, after, sizeof after, 0);
        break;
    case 'R':
        host_send(fd, "x", 1);
        nanosleep(&pause_100ms, NULL);
        lg.l_onoff = 1;
        lg.l_linger = 0;
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        break;
    case 'U':
        host_send(fd, "unread", 6);
        err = host_read_to_end(fd, NULL, 0, 0);
        break;
    default:
        break;
    }
    close(fd);
    server_done(mode, after, err);
    return NULL;
}

static void *server_accept(void *arg) {
    int ls = (int)(intptr_t)arg;
    for (;;) {
        pthread_t t;
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) continue;
        if (pthread_create(&t, NULL, server_conn, (void *)(intptr_t)fd) == 0) pthread_detach(t);
        else close(fd);
    }
    return NULL;
}

/* an ephemeral port on the host's 127.0.0.1; listening when ls_out is given, else closed
   again (a port with nobody behind it) */
static uint16_t host_port(int *ls_out) {
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        perror("board_check: host listener");
        exit(1);
    }
    if (ls_out) *ls_out = fd;
    else close(fd);
    return ntohs(sa.sin_port);
}

/* ---- the client on lwIP ------------------------------------------------------------- */

static int lw_connect(uint16_t port) {
    struct sockaddr_in sa;
    struct timeval tv;
    int one = 1, s = lwip_socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return -1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    tv.tv_sec = 5; /* no check may hang */
    tv.tv_usec = 0;
    lwip_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    lwip_setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (lwip_connect(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
        lwip_close(s);
        return -1;
    }
    return s;
}

/* a connection through the relay to the server, told what to do (its first byte: `mode`) */
static int lw_start(uint16_t port, char mode, const char *what) {
    char text[96];
    int s = lw_connect(port);
    snprintf(text, sizeof text, "%s: lwip_connect through the relay", what);
    check(s >= 0, text);
    if (s >= 0) lwip_send(s, &mode, 1, 0);
    return s;
}

/* reads up to n bytes until EOF; returns the count, or -1 with errno */
static ssize_t lw_read_all(int s, char *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = lwip_recv(s, buf + got, n - got, 0);
        if (r < 0) return -1;
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static unsigned char pattern(size_t i) {
    return (unsigned char)(i * 2654435761u >> 13);
}

/* 4 MiB out and echoed back, both at once: a non-blocking socket driven by lwip_poll */
static void check_bulk(uint16_t port) {
    enum { TOTAL = 4 << 20 };
    static unsigned char out[1 << 14], in[1 << 14];
    size_t sent = 0, got = 0, bad = (size_t)-1;
    char tail[8];
    int s = lw_start(port, 'E', "bulk"), polls = 0;
    if (s < 0) return;
    lwip_fcntl(s, F_SETFL, lwip_fcntl(s, F_GETFL, 0) | O_NONBLOCK);
    while (got < TOTAL && polls < 100000) {
        struct pollfd p;
        p.fd = s;
        p.events = POLLIN | (sent < TOTAL ? POLLOUT : 0);
        p.revents = 0;
        polls++;
        if (lwip_poll(&p, 1, 5000) <= 0) break;
        if ((p.revents & POLLOUT) && sent < TOTAL) {
            size_t i, n = TOTAL - sent < sizeof out ? TOTAL - sent : sizeof out;
            ssize_t w;
            for (i = 0; i < n; i++) out[i] = pattern(sent + i);
            w = lwip_send(s, out, n, 0);
            if (w > 0) sent += (size_t)w;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = lwip_recv(s, in, sizeof in, 0), i;
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) break;
            for (i = 0; i < r; i++)
                if (bad == (size_t)-1 && in[i] != pattern(got + (size_t)i)) bad = got + (size_t)i;
            if (r > 0) got += (size_t)r;
        }
    }
    check(got == TOTAL && bad == (size_t)-1, "bulk: 4 MiB echoed intact through lwip_poll");
    /* our FIN reaches the server, which answers "done" and its own FIN */
    lwip_fcntl(s, F_SETFL, 0);
    check(lwip_shutdown(s, SHUT_WR) == 0, "bulk: lwip_shutdown(SHUT_WR)");
    check(lw_read_all(s, tail, sizeof tail) == 4 && memcmp(tail, "done", 4) == 0,
          "bulk: the server saw our half-close, answered after it, then its FIN reached us");
    lwip_close(s);
    check(server_wait('E'), "bulk: the server's side ended");
}

/* the server half-closes first; we read its FIN, then still send */
static void check_server_half_close(uint16_t port) {
    char buf[16];
    int s = lw_start(port, 'C', "server half-close");
    ssize_t n;
    if (s < 0) return;
    n = lw_read_all(s, buf, sizeof buf);
    check(n == 5 && memcmp(buf, "hello", 5) == 0, "server half-close: its bytes, then its FIN (recv 0)");
    check(lwip_send(s, "after", 5, 0) == 5, "server half-close: we can still send");
    lwip_close(s);
    check(server_wait('C'), "server half-close: the server saw our FIN");
    pthread_mutex_lock(&seen_lock);
    check(strcmp(seen_after, "after") == 0 && seen_errno == 0, "server half-close: our bytes after its FIN arrived");
    pthread_mutex_unlock(&seen_lock);
}

static void check_server_reset(uint16_t port) {
    char buf[16];
    int s = lw_start(port, 'R', "server reset");
    ssize_t n;
    if (s < 0) return;
    n = lwip_recv(s, buf, sizeof buf, 0);
    check(n == 1 && buf[0] == 'x', "server reset: its byte before the reset");
    n = lwip_recv(s, buf, sizeof buf, 0);
    check(n < 0 && errno == ECONNRESET, "server reset: recv fails with ECONNRESET");
    lwip_close(s);
    check(server_wait('R'), "server reset: the server ended");
}

static void check_client_reset(uint16_t port) {
    int s = lw_start(port, 'U', "client reset");
    struct pollfd p;
    if (s < 0) return;
    p.fd = s;
    p.events = POLLIN;
    p.revents = 0;
    check(lwip_poll(&p, 1, 5000) == 1, "client reset: the server's bytes arrive");
    lwip_close(s); /* unread bytes: lwIP resets the connection (RFC 2525 2.17) */
    check(server_wait('U'), "client reset: the server ended");
    pthread_mutex_lock(&seen_lock);
    check(seen_errno == ECONNRESET, "client reset: the server's recv fails with ECONNRESET");
    pthread_mutex_unlock(&seen_lock);
}

/* one interface, up and default, 127.0.0.1/8 and ::1 and no other address */
static void check_interface(void) {
    struct netif *n;
    int count = 0, loopback_only = 1, v6 = 0, i;
    ip4_addr_t mask;
    LOCK_TCPIP_CORE();
    IP4_ADDR(&mask, 255, 0, 0, 0);
    for (n = netif_list; n; n = n->next) {
        count++;
        if (!ip4_addr_isloopback(netif_ip4_addr(n)) || !ip4_addr_cmp(netif_ip4_netmask(n), &mask)) loopback_only = 0;
        for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
            if (!ip6_addr_isvalid(netif_ip6_addr_state(n, i))) continue;
            v6++;
            if (!ip6_addr_isloopback(netif_ip6_addr(n, i))) loopback_only = 0;
        }
    }
    check(count == 1 && netif_default == netif_list && netif_is_up(netif_list) && netif_is_link_up(netif_list),
          "interface: exactly one, up, link up, the default");
    check(loopback_only && v6 == 1, "interface: 127.0.0.1/8 and ::1, no other address");
    UNLOCK_TCPIP_CORE();
}

static void check_nobody(uint16_t port) {
    char buf[4];
    int s = lw_connect(port);
    ssize_t n = -1;
    if (s >= 0) {
        n = lwip_recv(s, buf, sizeof buf, 0);
        lwip_close(s);
    }
    check(s < 0 || n < 0, "a relayed port without a server: connection refused or reset");
}

int main(void) {
    int ls;
    pthread_t t;
    uint16_t ports[2];
    alarm(60);
    ports[0] = host_port(&ls);
    ports[1] = host_port(NULL);
    if (pthread_create(&t, NULL, server_accept, (void *)(intptr_t)ls) != 0) return 1;
    check(board_network_up(ports, 2) == 0, "board_network_up");
    check_interface();
    check_bulk(ports[0]);
    check_server_half_close(ports[0]);
    check_server_reset(ports[0]);
    check_client_reset(ports[0]);
    check_nobody(ports[1]);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
