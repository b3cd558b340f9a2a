/* fuzz/fuzz_client_shared.c - fuzz_client built with AXWS_AXIOM_SHARED_RX (the token refresh
   borrows the stream's rx_buf): the same fake network, inputs and invariants, and one more,
   checked after every step: the stream and the refresh never both hold the buffer. Its
   corpus directory links to fuzz_client's seeds. */
#define AXWS_AXIOM_SHARED_RX
#include "fuzz_client.c"
