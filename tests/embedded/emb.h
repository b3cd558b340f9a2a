/* tests/embedded/emb.h - what startup.c offers the Cortex-M4 programs.

   The reset handler paints the unused main stack; emb_stack_used() reads the program's
   high-water mark so far. For one call's depth: EMB_PROBE_BEGIN(), the call, then
   emb_probe_end() returns the bytes it used below the caller's stack pointer (paint below
   SP, call, find the lowest word that changed). */
#ifndef EMB_H
#define EMB_H
#include <stddef.h>
#include <stdint.h>

size_t emb_stack_used(void);

void emb_probe_begin_at(uint32_t *sp);
size_t emb_probe_end(void);
static inline __attribute__((always_inline)) uint32_t *emb_sp(void) {
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}
#define EMB_PROBE_BEGIN() emb_probe_begin_at(emb_sp())
#endif
