/* tests/lwip/host_board.c - lwIP on a Linux host: the network bring-up a board support
   package does on a device, plus the relay that lets a program on the lwIP stack reach the
   servers on the host. See host_board.h for what it offers.

   How it fits together (one process):

     program --lwip sockets--> lwIP TCP --netif 127.0.0.1 (loops back)--> lwIP TCP
        --relay listener 127.0.0.1:P (netconn API)--> relay threads --host socket--> server :P

   The tcpip thread runs lwIP. Looping back: this lwIP has LWIP_NETIF_LOOPBACK without a
   loopif (LWIP_HAVE_LOOPIF 0), so for a loopback destination or one of the interface's
   own addresses ip4_output_if()/ip6_output_if() call netif_loop_output() themselves and
   netif->output is never reached (measured: zero calls over the whole of board_check).
   netif->output and output_ip6 do the same for anything else the interface might send: it
   comes back in and, not being for us, is dropped (lwIP never forwards a packet out of the
   interface it came in on). netif_loop_output() queues the packet and, as lwIP runs with
   threads (LWIP_NETIF_LOOPBACK_MULTITHREADING), posts netif_poll() to the tcpip thread,
   which feeds it to ip_input: nothing needs polling by hand.
   The relay uses lwIP's netconn API (it needs the pcb to reset a connection) with two
   threads per connection, one per direction; the lwIP build has LWIP_TCPIP_CORE_LOCKING,
   so one thread receiving while the other sends on the same netconn is safe. */
#include "host_board.h"

#include <lwip/api.h>
#include <lwip/ip_addr.h>
#include <lwip/netif.h>
#include <lwip/sys.h>
#include <lwip/tcp.h>
#include <lwip/tcpip.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* loopback addresses only: nothing on this stack may leave the process */
#define BOARD_ADDR "127.0.0.1"
#define BOARD_MASK "255.0.0.0"
#define BOARD_ADDR6 "::1"
#define BOARD_DRAIN_MS 3000
#define BOARD_BUF (64 * 1024)

static struct netif board_netif;
static int board_up;

/* ---- the interface ---------------------------------------------------------------- */

/* netif->output: whatever this interface sends comes back in (see the top comment) */
static err_t board_output(struct netif *netif, struct pbuf *p, const ip4_addr_t *dest) {
    (void)dest;
    return netif_loop_output(netif, p);
}

static err_t board_output_ip6(struct netif *netif, struct pbuf *p, const ip6_addr_t *dest) {
    (void)dest;
    return netif_loop_output(netif, p);
}

static err_t board_netif_init(struct netif *netif) {
    netif->name[0] = 'l';
    netif->name[1] = 'b';
    netif->output = board_output;
    netif->output_ip6 = board_output_ip6;
    netif->mtu = 1500; /* lwIP's TCP_MSS (1460) plus the headers */
    return ERR_OK;
}

static void board_tcpip_ready(void *arg) {
    sys_sem_signal((sys_sem_t *)arg);
}

/* ---- the relay -------------------------------------------------------------------- */

/* One relayed connection: `lw` is the program's connection as the relay accepted it on
   lwIP, `host` the relay's connection to the server. Pump "up" copies lwIP -> host, pump
   "down" host -> lwIP; the last one to finish closes both and frees it. */
struct relay_conn {
    struct netconn *lw;
    int host;
    uint16_t port;
    int pumps;          /* pumps still running */
    int up_counted;     /* taken off relay_pending already */
    int host_reset;     /* SO_LINGER 0 set: closing `host` resets it */
    int traced;         /* its HOST_BOARD_TRACE line is written */
    /* for the trace; changed under relay_lock */
    unsigned long long up_bytes, down_bytes;
    const char *up_end, *down_end;
    struct relay_conn *next; /* relay_live */
    char buf[BOARD_BUF]; /* the down pump's */
};

static pthread_mutex_t relay_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t relay_cond = PTHREAD_COND_INITIALIZER;
/* relayed connections whose program -> host direction has not been passed on entirely */
static int relay_pending;
static struct relay_conn *relay_live; /* every relayed connection not released yet */

/* caller holds relay_lock */
static void relay_trace(struct relay_conn *rc) {
    const char *file = getenv("HOST_BOARD_TRACE");
    FILE *f;
    if (rc->traced) return;
    rc->traced = 1;
    if (!file || !*file || !(f = fopen(file, "a"))) return;
    fprintf(f, "relay port %u: up %llu bytes, %s; down %llu bytes, %s\n", (unsigned)rc->port,
            rc->up_bytes, rc->up_end, rc->down_bytes, rc->down_end);
    fclose(f);
}

/* records how a direction ended and/or counts its bytes, for the trace */
static void relay_note(const char **end, const char *how, unsigned long long *bytes, size_t n) {
    pthread_mutex_lock(&relay_lock);
    if (end) *end = how;
    if (bytes) *bytes += n;
    pthread_mutex_unlock(&relay_lock);
}

/* caller holds relay_lock */
static void relay_count_up_done(struct relay_conn *rc) {
    if (rc->up_counted) return;
    rc->up_counted = 1;
    relay_pending--;
    pthread_cond_broadcast(&relay_cond);
}

static void relay_release(struct relay_conn *rc) {
    struct relay_conn **pp;
    int last;
    pthread_mutex_lock(&relay_lock);
    last = --rc->pumps == 0;
    pthread_mutex_unlock(&relay_lock);
    if (!last) return;
    close(rc->host); /* a reset when host_reset set SO_LINGER 0 */
    netconn_delete(rc->lw);
    pthread_mutex_lock(&relay_lock);
    relay_trace(rc);
    relay_count_up_done(rc);
    for (pp = &relay_live; *pp; pp = &(*pp)->next)
        if (*pp == rc) {
            *pp = rc->next;
            break;
        }
    pthread_mutex_unlock(&relay_lock);
    free(rc);
}

/* Resets the program's connection (lwIP sends RST, the program's next call fails). */
static void relay_reset_lwip(struct relay_conn *rc) {
    LOCK_TCPIP_CORE();
    if (rc->lw->pcb.tcp) tcp_abort(rc->lw->pcb.tcp);
    UNLOCK_TCPIP_CORE();
}

/* Resets the host connection: SO_LINGER 0 makes the final close() send RST; shutting
   down the read side wakes the down pump if it is waiting in recv(). */
static void relay_reset_host(struct relay_conn *rc) {
    struct linger lg;
    lg.l_onoff = 1;
    lg.l_linger = 0;
    pthread_mutex_lock(&relay_lock);
    rc->host_reset = 1;
    pthread_mutex_unlock(&relay_lock);
    setsockopt(rc->host, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    shutdown(rc->host, SHUT_RD);
}

static int send_all(int fd, const void *data, size_t len) {
    const char *p = (const char *)data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* lwIP -> host: the program's bytes, then its FIN as a half-close or its reset as a reset */
static void *relay_pump_up(void *arg) {
    struct relay_conn *rc = (struct relay_conn *)arg;
    for (;;) {
        struct pbuf *p = NULL, *q;
        int failed = 0;
        err_t e = netconn_recv_tcp_pbuf(rc->lw, &p);
        if (e == ERR_CLSD) { /* FIN */
            shutdown(rc->host, SHUT_WR);
            pthread_mutex_lock(&relay_lock);
            rc->up_end = "fin";
            relay_count_up_done(rc);
            pthread_mutex_unlock(&relay_lock);
            break;
        }
        if (e != ERR_OK) { /* RST (ERR_RST), or our own abort */
            relay_note(&rc->up_end, "reset", NULL, 0);
            relay_reset_host(rc);
            break;
        }
        for (q = p; q && !failed; q = q->next) failed = send_all(rc->host, q->payload, q->len) != 0;
        if (!failed) relay_note(NULL, NULL, &rc->up_bytes, p->tot_len);
        pbuf_free(p);
        if (failed) { /* the server is gone: so is the connection, for the program */
            relay_note(&rc->up_end, "host refused the bytes: reset", NULL, 0);
            relay_reset_lwip(rc);
            break;
        }
    }
    relay_release(rc);
    return NULL;
}

/* host -> lwIP: the server's bytes, then its FIN as a half-close or its reset as a reset */
static void *relay_pump_down(void *arg) {
    struct relay_conn *rc = (struct relay_conn *)arg;
    for (;;) {
        ssize_t n = recv(rc->host, rc->buf, sizeof rc->buf, 0);
        int reset_by_us;
        if (n < 0 && errno == EINTR) continue;
        pthread_mutex_lock(&relay_lock);
        reset_by_us = rc->host_reset;
        pthread_mutex_unlock(&relay_lock);
        if (reset_by_us) { /* the up pump reset both sides already */
            relay_note(&rc->down_end, "reset (from the program's side)", NULL, 0);
            break;
        }
        if (n == 0) { /* FIN */
            netconn_shutdown(rc->lw, 0, 1);
            relay_note(&rc->down_end, "fin", NULL, 0);
            break;
        }
        if (n < 0) { /* ECONNRESET */
            relay_note(&rc->down_end, "reset", NULL, 0);
            relay_reset_lwip(rc);
            break;
        }
        if (netconn_write(rc->lw, rc->buf, (size_t)n, NETCONN_COPY) != ERR_OK) {
            relay_note(&rc->down_end, "program's connection gone: reset", NULL, 0);
            relay_reset_host(rc);
            break;
        }
        relay_note(NULL, NULL, &rc->down_bytes, (size_t)n);
    }
    relay_release(rc);
    return NULL;
}

static int start_thread(void *(*fn)(void *), void *arg) {
    pthread_t t;
    pthread_attr_t at;
    int r;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    r = pthread_create(&t, &at, fn, arg);
    pthread_attr_destroy(&at);
    return r;
}

/* Joins one accepted lwIP connection to a new host connection to the same port, over the
   same IP version: the program's 127.0.0.1:P is the host's 127.0.0.1:P, its [::1]:P the
   host's [::1]:P. */
static void relay_join(struct netconn *lw, uint16_t port) {
    struct sockaddr_in sa;
    struct sockaddr_in6 sa6;
    struct relay_conn *rc;
    ip_addr_t local;
    u16_t local_port;
    int one = 1, v6, fd;
    v6 = netconn_getaddr(lw, &local, &local_port, 1) == ERR_OK && IP_IS_V6(&local);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memset(&sa6, 0, sizeof sa6);
    sa6.sin6_family = AF_INET6;
    sa6.sin6_port = htons(port);
    sa6.sin6_addr = in6addr_loopback;
    fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    rc = (struct relay_conn *)calloc(1, sizeof *rc);
    if (fd < 0 || !rc ||
        connect(fd, v6 ? (struct sockaddr *)&sa6 : (struct sockaddr *)&sa, v6 ? sizeof sa6 : sizeof sa) != 0) {
        /* nobody on the host's port: the program sees its connection reset */
        LOCK_TCPIP_CORE();
        if (lw->pcb.tcp) tcp_abort(lw->pcb.tcp);
        UNLOCK_TCPIP_CORE();
        netconn_delete(lw);
        if (fd >= 0) close(fd);
        free(rc);
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    LOCK_TCPIP_CORE();
    if (lw->pcb.tcp) tcp_nagle_disable(lw->pcb.tcp);
    UNLOCK_TCPIP_CORE();
    rc->lw = lw;
    rc->host = fd;
    rc->port = port;
    rc->up_end = rc->down_end = "open at exit";
    rc->pumps = 2;
    pthread_mutex_lock(&relay_lock);
    relay_pending++;
    rc->next = relay_live;
    relay_live = rc;
    pthread_mutex_unlock(&relay_lock);
    if (start_thread(relay_pump_up, rc) != 0 || start_thread(relay_pump_down, rc) != 0) {
        fprintf(stderr, "host_board: no thread for the relay\n");
        abort();
    }
}

struct relay_listener {
    struct netconn *listen;
    uint16_t port;
};

static void *relay_accept_loop(void *arg) {
    struct relay_listener *rl = (struct relay_listener *)arg;
    for (;;) {
        struct netconn *lw = NULL;
        if (netconn_accept(rl->listen, &lw) == ERR_OK) relay_join(lw, rl->port);
    }
    return NULL;
}

static int relay_listen(uint16_t port) {
    struct relay_listener *rl = (struct relay_listener *)calloc(1, sizeof *rl);
    if (!rl || !(rl->listen = netconn_new(NETCONN_TCP_IPV6))) goto fail;
    rl->port = port;
    /* the IPv6 "any" address on an IPv6 netconn: IPv4 and IPv6 both (lwIP's dual stack) */
    if (netconn_bind(rl->listen, IP6_ADDR_ANY, port) != ERR_OK || netconn_listen(rl->listen) != ERR_OK) goto fail;
    if (start_thread(relay_accept_loop, rl) != 0) goto fail;
    return 0;
fail:
    fprintf(stderr, "host_board: cannot relay port %u on lwIP\n", (unsigned)port);
    return -1;
}

/* At exit: let the program's last bytes and its FIN (or reset) reach the host. */
static void relay_drain(void) {
    struct relay_conn *rc;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += BOARD_DRAIN_MS / 1000;
    until.tv_nsec += (long)(BOARD_DRAIN_MS % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&relay_lock);
    while (relay_pending > 0)
        if (pthread_cond_timedwait(&relay_cond, &relay_lock, &until) == ETIMEDOUT) break;
    for (rc = relay_live; rc; rc = rc->next) relay_trace(rc);
    pthread_mutex_unlock(&relay_lock);
}

/* ---- bring-up --------------------------------------------------------------------- */

int board_network_up(const uint16_t *relay_ports, size_t count) {
    sys_sem_t ready;
    ip4_addr_t addr, mask, gw;
    ip6_addr_t addr6;
    s8_t idx6 = -1;
    size_t i;
    if (board_up) {
        fprintf(stderr, "host_board: board_network_up() called twice\n");
        return -1;
    }
    if (sys_sem_new(&ready, 0) != ERR_OK) {
        fprintf(stderr, "host_board: no semaphore\n");
        return -1;
    }
    tcpip_init(board_tcpip_ready, &ready);
    sys_sem_wait(&ready);
    sys_sem_free(&ready);

    ip4addr_aton(BOARD_ADDR, &addr);
    ip4addr_aton(BOARD_MASK, &mask);
    ip4_addr_set_zero(&gw);
    LOCK_TCPIP_CORE();
    if (!netif_add(&board_netif, &addr, &mask, &gw, NULL, board_netif_init, tcpip_input)) {
        UNLOCK_TCPIP_CORE();
        fprintf(stderr, "host_board: netif_add failed\n");
        return -1;
    }
    ip6addr_aton(BOARD_ADDR6, &addr6);
    if (netif_add_ip6_address(&board_netif, &addr6, &idx6) != ERR_OK) {
        UNLOCK_TCPIP_CORE();
        fprintf(stderr, "host_board: cannot give the interface %s\n", BOARD_ADDR6);
        return -1;
    }
    netif_ip6_addr_set_state(&board_netif, idx6, IP6_ADDR_PREFERRED);
    netif_set_default(&board_netif);
    netif_set_link_up(&board_netif);
    netif_set_up(&board_netif);
    UNLOCK_TCPIP_CORE();
    board_up = 1;

    for (i = 0; i < count; i++)
        if (relay_listen(relay_ports[i]) != 0) return -1;
    atexit(relay_drain);
    return 0;
}
