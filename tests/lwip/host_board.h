/* tests/lwip/host_board.h - the "board support package" that runs an lwIP program on a
   Linux host, for the tests of axiomws's lwIP port (AXWS_PORT_LWIP).

   What a BSP does on a device -- start lwIP's tcpip thread, add the network interface, give
   it an address, make it the default and bring it up -- done here with Debian's host build
   of lwIP (liblwip-dev). The interface has loopback addresses only, 127.0.0.1/8 and ::1,
   and every packet it sends comes straight back in (netif_loop_output): traffic on this
   stack never leaves the process.

   To reach real servers running on the host (the test peers), the board relays TCP ports:
   for each port P given to board_network_up(), a listener on the lwIP stack (port P, both
   addresses) accepts connections and joins each one to a new host connection to the same
   address and port (127.0.0.1:P, or [::1]:P), copying bytes both ways. The end of each
   direction is passed on as it happened: a FIN as a half-close (shutdown), a reset as a
   reset. So a program on lwIP connects to ws://127.0.0.1:P/ and talks, through lwIP's TCP
   and then the relay, to the server on the host's port P.

   At exit the board waits (up to 3 s) until every relayed connection has passed on all the
   program sent, its end included: the last bytes of a program that closes and returns are
   still on their way through the relay.

   HOST_BOARD_TRACE=FILE in the environment appends one line per relayed connection to FILE
   when it ends (port, bytes each way, how each direction ended).

   Build: cc -std=c99 -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags lwip) -c host_board.c
   and link with $(pkg-config --libs lwip) -lpthread. */
#ifndef HOST_BOARD_H
#define HOST_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* Brings the lwIP stack and its one interface up, and starts a relay for each of the
   `count` ports in relay_ports (the array is read during the call only; count may be 0).
   Call it once, before any lwIP socket call. Returns 0, or -1 with the reason on stderr. */
int board_network_up(const uint16_t *relay_ports, size_t count);

#endif
