/* examples/lwip_echo.c - the echo client (examples/echo.c) on an lwIP network stack.

   lwip_echo [-v] [--timeout SECONDS] [--ca FILE] [--servername NAME] [--insecure] URL

   The same program as examples/echo.c -- the same options, messages and exit statuses,
   but for --stdin, which needs poll() on a host descriptor that lwip_poll() cannot wait
   for (it says so and exits 1) -- built with AXWS_PORT_LWIP, so every socket call goes
   through lwIP's socket API (lwip_socket, lwip_connect, lwip_send, lwip_recv, lwip_poll
   through axws_poll(), ...).
   What an lwIP program adds is the network itself: before connecting it calls
   board_network_up(), which the board support package provides -- on a device, the BSP
   that starts lwIP and its Ethernet or Wi-Fi interface. It is given the URL's port: a
   board that must open a path to the server (a firewall, a relay) uses it, others ignore
   it.

   URLs: IP literals (ws://127.0.0.1:8080/) are parsed by the library, no resolver needed;
   host names need lwIP built with LWIP_DNS (or a resolver in cfg.resolve). wss:// verifies
   the certificate as echo.c does: with an IP literal, give the name with --servername.

   On a Linux host, tests/lwip/host_board.c is the board: lwIP in this process with one
   interface that loops back (127.0.0.1/8 and ::1), and a relay from lwIP's 127.0.0.1:PORT
   to the host's 127.0.0.1:PORT, so the servers of the tests are reached through lwIP's TCP.
   Build: make build/lwip/lwip_echo   (or: cc -std=c99 -D_POSIX_C_SOURCE=200809L -I.
   $(pkg-config --cflags lwip) examples/lwip_echo.c tests/lwip/host_board.c -o lwip_echo
   $(pkg-config --libs lwip) -lbearssl -lpthread) */
#define AXWS_PORT_LWIP
#define ECHO_NETWORK_UP(url) lwip_echo_network_up(url)
static int lwip_echo_network_up(const char *url);
#include "echo.c"

/* From the board support package: brings the network up. relay_ports[0..count) are the
   TCP ports of the servers the program will connect to, for a board that must open a path
   to them (the host board relays them); read during the call only. Returns 0, or -1. */
int board_network_up(const uint16_t *relay_ports, size_t count);

static int lwip_echo_network_up(const char *url) {
    char store[512];
    axws_url u;
    uint16_t port;
    /* a malformed URL is reported by axws_connect(), as in echo.c */
    if (axws_parse_url(url, &u, store, sizeof store) != AXWS_OK) return board_network_up(NULL, 0);
    port = (uint16_t)u.port;
    if (board_network_up(&port, 1) != 0) {
        fprintf(stderr, "echo: the network did not come up\n");
        return -1;
    }
    return 0;
}
