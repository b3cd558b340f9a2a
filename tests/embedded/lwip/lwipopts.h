/* tests/embedded/lwip/lwipopts.h - an lwIP configuration for the Cortex-M4 size builds of
   axiomws.h's lwIP port (AXWS_PORT_LWIP, make embedded): an RTOS build (NO_SYS 0) with the
   socket API, poll() and DNS, as a program on a small MCU would configure it. Only the
   headers are used (Debian's liblwip-dev, /usr/include/lwip): lwIP itself is not linked;
   the size program stubs the lwip_* calls, so only the port's own bytes are measured. */
#ifndef EMB_LWIPOPTS_H
#define EMB_LWIPOPTS_H
#define NO_SYS 0
#define LWIP_SOCKET 1
#define LWIP_NETCONN 1
#define LWIP_COMPAT_SOCKETS 0   /* lwip_socket(), lwip_poll(), ... by their own names */
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SOCKET_POLL 1
#define LWIP_SOCKET_SELECT 1
#define LWIP_DNS 1
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_SO_RCVTIMEO 0
#define LWIP_TIMEVAL_PRIVATE 0  /* newlib's struct timeval */
#define LWIP_PROVIDE_ERRNO 0
#define LWIP_ERRNO_STDINCLUDE 1
#define MEM_ALIGNMENT 4
#define LWIP_STATS 0
#endif
