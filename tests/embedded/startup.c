/* tests/embedded/startup.c - vector table and reset handler for QEMU's mps2-an386
   (Cortex-M4), for programs linked with newlib (nano or the full one) and semihosting
   (--specs=rdimon.specs, -nostartfiles: this file replaces the crt0).

   Reset: copy .data from flash to RAM, zero .bss, paint the unused stack (so a program can
   read its high-water mark with emb_stack_used()), open the semihosting console
   (initialise_monitor_handles: stdin/stdout/stderr go to QEMU's host terminal), run main(),
   print the stack's high-water mark and pass main's result to exit(): rdimon's _exit()
   reports it to QEMU with the semihosting SYS_EXIT_EXTENDED call, so with
   -semihosting-config enable=on,target=native QEMU exits with main's return value. A main
   stack that grew past its limit (the paint there is gone) exits with 97 instead. Any
   fault (bad pointer, undefined instruction) prints a line and exits with status 99
   instead of spinning forever. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "emb.h"

extern uint32_t __data_start__[], __data_end__[], __data_load__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_top__[], __stack_limit__[];
extern char __heap_start__[], __heap_end__[];
extern void initialise_monitor_handles(void); /* libgloss (rdimon) */
extern int main(void);

void Reset_Handler(void);
void Fault_Handler(void);
void Default_Handler(void);
void *_sbrk(ptrdiff_t incr);
void _init(void);
void _fini(void);

#define EMB_STACK_PAINT 0x5AC4C0DEu

/* ARMv7-M vector table: initial SP, then the exception handlers (B1.5.3). The core reads
   entries 0 and 1 at reset from address 0 (VTOR = 0). */
typedef struct emb_vectors {
    uint32_t *initial_sp;
    void (*handler[15])(void);
} emb_vectors;

__attribute__((section(".vectors"), used)) static const emb_vectors vectors = {
    __stack_top__,
    {
        Reset_Handler,   /* 1  Reset */
        Fault_Handler,   /* 2  NMI */
        Fault_Handler,   /* 3  HardFault */
        Fault_Handler,   /* 4  MemManage */
        Fault_Handler,   /* 5  BusFault */
        Fault_Handler,   /* 6  UsageFault */
        0, 0, 0, 0,      /* 7-10 reserved */
        Default_Handler, /* 11 SVCall */
        Default_Handler, /* 12 DebugMonitor */
        0,               /* 13 reserved */
        Default_Handler, /* 14 PendSV */
        Default_Handler, /* 15 SysTick */
    },
};

void Reset_Handler(void) {
    uint32_t *src = __data_load__, *dst, *sp;
    int rc;
    for (dst = __data_start__; dst < __data_end__;) *dst++ = *src++;
    for (dst = __bss_start__; dst < __bss_end__;) *dst++ = 0;
    /* paint the stack below this frame (leave 256 bytes of margin under it) */
    sp = (uint32_t *)__builtin_frame_address(0) - 64;
    for (dst = __stack_limit__; dst < sp;) *dst++ = EMB_STACK_PAINT;
    initialise_monitor_handles();
    rc = main();
    printf("main stack high-water %lu bytes\n", (unsigned long)emb_stack_used());
    if (*__stack_limit__ != EMB_STACK_PAINT) {
        fprintf(stderr, "FAULT: the main stack grew past its %lu bytes\n",
                (unsigned long)((char *)__stack_top__ - (char *)__stack_limit__));
        rc = 97;
    }
    exit(rc);
}

/* newlib's malloc grows its heap here: the PSRAM (mps2-an386.ld). This replaces libgloss's
   weak _sbrk, which grows it from `end` up to the stack pointer, in RAM. */
void *_sbrk(ptrdiff_t incr) {
    static char *brk = __heap_start__;
    char *prev = brk;
    if (incr > __heap_end__ - brk || incr < __heap_start__ - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    brk += incr;
    return prev;
}

/* Called by the full newlib's exit() (__libc_fini_array) and init code; -nostartfiles
   leaves out the crti/crtn that would define them, and there is nothing to run. */
void _init(void) {}
void _fini(void) {}

static uint32_t *probe_sp;
static size_t used_before; /* the high-water mark before the last probe repainted */

size_t emb_stack_used(void) {
    const uint32_t *p = __stack_limit__;
    size_t used;
    while (p < __stack_top__ && *p == EMB_STACK_PAINT) p++;
    used = (size_t)((const char *)__stack_top__ - (const char *)p);
    return used > used_before ? used : used_before;
}

/* Paint from the stack limit up to 64 bytes below this function's own frame; the caller's
   SP is the reference the depth is measured from. */
__attribute__((noinline)) void emb_probe_begin_at(uint32_t *sp) {
    uint32_t *p, *end = emb_sp() - 16;
    used_before = emb_stack_used();
    probe_sp = sp;
    for (p = __stack_limit__; p < end; p++) *p = EMB_STACK_PAINT;
}

size_t emb_probe_end(void) {
    const uint32_t *p = __stack_limit__;
    while (p < probe_sp && *p == EMB_STACK_PAINT) p++;
    return (size_t)((const char *)probe_sp - (const char *)p);
}

/* A fault: say which one (IPSR holds the exception number) and where (the PC the core
   stacked on exception entry), then exit 99. The stub hands the stacked frame (MSP: this
   code never switches to the process stack) to C before any prologue moves SP. */
void emb_fault(const uint32_t *frame);
__attribute__((naked)) void Fault_Handler(void) {
    __asm__ volatile("mrs r0, msp\n\tb emb_fault\n");
}

void emb_fault(const uint32_t *frame) {
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    fprintf(stderr, "FAULT: exception %lu at pc 0x%08lx (CFSR 0x%08lx)\n", (unsigned long)(ipsr & 0x1FF),
            (unsigned long)frame[6], (unsigned long)*(volatile uint32_t *)0xE000ED28u);
    _Exit(99);
}

void Default_Handler(void) {
    fprintf(stderr, "FAULT: unexpected exception\n");
    _Exit(98);
}
