/* tests/test_step.c - what axws_step() promises an event loop, checked on real sockets:
   a step without poll results (fds NULL) is a timer tick that never takes a connect still in
   progress for done; and a step that stops reading before the socket is empty (its read
   cap) says so with a timeout of 0 and reads the rest at the next step without a new
   readiness report, so that edge-triggered loops (epoll EPOLLET, kqueue EV_CLEAR) lose
   nothing. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint8_t rx[4096], tx[4096], msg[4096];
static long messages, bytes;

static void on_event(axws_conn *c, const axws_event *ev, void *user) {
    (void)c; (void)user;
    if (ev->type == AXWS_EV_MESSAGE) {
        messages++;
        bytes += (long)ev->len;
    }
}

static void init_conn(axws_conn *c, axws_config *cfg) {
    axws_config_init(cfg);
    cfg->rx_buf = rx; cfg->rx_size = sizeof rx;
    cfg->tx_buf = tx; cfg->tx_size = sizeof tx;
    cfg->msg_buf = msg; cfg->msg_size = sizeof msg;
    cfg->connect_timeout_ms = 150;
    cfg->handshake_timeout_ms = 1000;
    cfg->on_event = on_event;
    CHECK_EQ(axws_init(c, cfg), 0);
}

/* A listener on 127.0.0.1, its port in *port. */
static int listen_on(int *port) {
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0) return -1;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

/* The step an edge-triggered loop makes when its wait timed out: poll results, all 0. */
static void step_no_events(axws_conn *c) {
    struct pollfd p[AXWS_MAX_POLLFDS];
    int i, n = axws_pollfds(c, p, AXWS_MAX_POLLFDS);
    for (i = 0; i < n; i++) p[i].revents = 0;
    axws_step(c, p, n, axws_now_ms());
}

static void test_edge_triggered(void) {
    static axws_conn c;
    axws_config cfg;
    int lfd, port, srv, i, total = 0;
    char req[2048], accept_value[32], resp[256];
    const char *k;
    struct pollfd p[AXWS_MAX_POLLFDS];
    uint8_t frame[2 + 100];
    int64_t end;
    AXT_CASE("a step that stops reading early says so, and the next step reads without a new report");
    lfd = listen_on(&port);
    snprintf(req, sizeof req, "ws://127.0.0.1:%d/", port);
    init_conn(&c, &cfg);
    CHECK_EQ(axws_connect(&c, req, axws_now_ms()), 0);
    srv = accept(lfd, NULL, NULL);
    /* the upgrade: the request in, the 101 out */
    end = axws_now_ms() + 2000;
    memset(req, 0, sizeof req);
    while (!strstr(req, "\r\n\r\n") && axws_now_ms() < end) {
        int n = axws_pollfds(&c, p, AXWS_MAX_POLLFDS);
        poll(p, (nfds_t)n, 10);
        axws_step(&c, p, n, axws_now_ms());
        (void)!recv(srv, req + strlen(req), sizeof req - 1 - strlen(req), MSG_DONTWAIT);
    }
    k = strstr(req, "Sec-WebSocket-Key: ");
    if (!CHECK(k != NULL)) return;
    {
        char key[32];
        memcpy(key, k + 19, 24);
        key[24] = 0;
        axws__accept_value(key, accept_value);
    }
    snprintf(resp, sizeof resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: %s\r\n\r\n", accept_value);
    CHECK(send(srv, resp, strlen(resp), 0) == (ssize_t)strlen(resp));
    while (axws_conn_state(&c) != AXWS_STATE_OPEN && axws_now_ms() < end) {
        int n = axws_pollfds(&c, p, AXWS_MAX_POLLFDS);
        poll(p, (nfds_t)n, 10);
        axws_step(&c, p, n, axws_now_ms());
    }
    CHECK_EQ(axws_conn_state(&c), AXWS_STATE_OPEN);
    /* 3,000 frames of 100 bytes (306 KB) wait in the socket: more than one step's 16 reads
       of a 4 KiB rx_buf take */
    frame[0] = 0x81;
    frame[1] = 100;
    memset(frame + 2, 'x', 100);
    fcntl(srv, F_SETFL, O_NONBLOCK);
    for (i = 0; i < 3000; i++) {
        ssize_t w = send(srv, frame, sizeof frame, 0);
        if (w != (ssize_t)sizeof frame) break;
        total++;
    }
    CHECK(total * (int)sizeof frame > 16 * (int)sizeof rx * 2);
    poll(NULL, 0, 20);
    /* the one readiness report an edge-triggered loop gets */
    {
        int n = axws_pollfds(&c, p, AXWS_MAX_POLLFDS);
        for (i = 0; i < n; i++) p[i].revents = (short)(p[i].events & POLLIN);
        axws_step(&c, p, n, axws_now_ms());
    }
    CHECK(messages > 0 && messages < total);  /* stopped at the read cap */
    CHECK_EQ(axws_timeout_ms(&c, axws_now_ms()), 0); /* ... and says there is more now */
    /* then only steps without events, as long as the library asks for them at once */
    for (i = 0; i < 1000 && messages < total && axws_timeout_ms(&c, axws_now_ms()) == 0; i++) step_no_events(&c);
    CHECK_EQ(messages, total);
    CHECK_EQ(bytes, (long)total * 100);
    CHECK(axws_timeout_ms(&c, axws_now_ms()) != 0); /* drained: no busy loop afterwards */
    axws_abort(&c);
    close(srv);
    close(lfd);
}

static void test_null_step(void) {
    static axws_conn c;
    axws_config cfg;
    int port;
    AXT_CASE("a NULL step while connecting is a timer tick, not a finished connect");
    {
        /* the first address never completes the TCP handshake (its listener's queue is
           full, so the kernel drops our SYN); after connect_timeout_ms the library must try
           the second address, which accepts. A NULL step that took "no error yet" for
           "connected" stayed on the first address. */
        int full = listen_on(&port), good_port, good = listen_on(&good_port), k, filler[8];
        axws_addr addrs[2];
        int64_t end;
        struct pollfd lp;
        memset(addrs, 0, sizeof addrs);
        for (k = 0; k < 2; k++) {
            addrs[k].family = 4;
            addrs[k].ip[0] = 127; addrs[k].ip[3] = 1;
        }
        addrs[0].port = (uint16_t)port;
        addrs[1].port = (uint16_t)good_port;
        listen(full, 0);
        for (k = 0; k < 8; k++) { /* fill the accept queue and the SYN queue's room */
            struct sockaddr_in sa;
            filler[k] = socket(AF_INET, SOCK_STREAM, 0);
            fcntl(filler[k], F_SETFL, O_NONBLOCK);
            memset(&sa, 0, sizeof sa);
            sa.sin_family = AF_INET;
            sa.sin_port = htons((uint16_t)port);
            sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            connect(filler[k], (struct sockaddr *)&sa, sizeof sa);
        }
        poll(NULL, 0, 20);
        init_conn(&c, &cfg);
        CHECK_EQ(axws_connect_addr(&c, "ws://127.0.0.1/", addrs, 2, axws_now_ms()), 0);
        end = axws_now_ms() + 1500;
        lp.fd = good;
        lp.events = POLLIN;
        lp.revents = 0;
        while (axws_now_ms() < end && axws_conn_state(&c) != AXWS_STATE_CLOSED) {
            axws_step(&c, NULL, 0, axws_now_ms());
            if (poll(&lp, 1, 10) > 0) break; /* the second address was reached */
        }
        CHECK(lp.revents & POLLIN);
        CHECK_EQ(axws_socket_generation(&c), 2);
        axws_abort(&c);
        for (k = 0; k < 8; k++) close(filler[k]);
        close(full);
        close(good);
    }

}

int main(void) {
    test_null_step();
    test_edge_triggered();
    return axt_report();
}
