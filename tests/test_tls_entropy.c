/* tests/test_tls_entropy.c - tests/test_tls.c again with AXWS_NO_OS_RANDOM and asserts
   off: neither the library nor BearSSL may ask the OS for randomness, so every mask key and
   every TLS handshake draws on the program's hook (cfg.random), as on a target without an
   OS source; without the hook, connecting fails with AXWS_ENORANDOM. */
#define AXWS_NO_OS_RANDOM
#define NDEBUG
#include "test_tls.c"
