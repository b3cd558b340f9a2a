/* tests/embedded/lwip/arch/cc.h - lwIP's compiler/platform header for arm-none-eabi with
   newlib (see ../lwipopts.h). */
#ifndef EMB_LWIP_ARCH_CC_H
#define EMB_LWIP_ARCH_CC_H
#include <stdlib.h>
#include <sys/time.h>
#define LWIP_RAND() ((u32_t)rand())
#define BYTE_ORDER LITTLE_ENDIAN
typedef unsigned int sys_prot_t;
#endif
