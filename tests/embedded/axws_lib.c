/* tests/embedded/axws_lib.c - the library's implementation, alone in its translation unit,
   so that the linker map charges its bytes to this object and nothing else (the size table
   of tests/embedded/budget.py). The configuration macros (AXWS_NO_SOCKETS, ...) come from
   the command line (tests/embedded/embedded.mk), the same for every file of a program. */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
