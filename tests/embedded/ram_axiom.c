/* tests/embedded/ram_axiom.c - every byte of RAM an Axiom client takes on the Cortex-M4 in
   the small configuration the README documents: 4 rooms, 1,023-byte tokens, oversize
   messages kept in 1 KiB, a wss:// stream and a wss:// token refresh (BearSSL's engines in
   both connections), the decoder, and the program's own buffers for the stream: TLS records
   (AXWS_TLS_BUF_MIN), 1 KiB of output (subscription messages) and 4 KiB for whole messages
   (a new_pairs message is ~1.3 KB). Built twice (embedded.mk): with AXWS_AXIOM_SHARED_RX the
   refresh borrows the stream's record buffer (the small configuration); without it the
   client holds a record buffer of its own for the refresh. Compiled only: budget.py adds
   up the sizes of these objects. */
#include "axiomws.h"

axws_axiom emb_ram_client;                       /* both connections, decoder, tokens, rooms */
unsigned char emb_ram_rx[AXWS_TLS_BUF_MIN];      /* the stream's TLS records */
unsigned char emb_ram_tx[1024];                  /* queued frames, then the upgrade response */
unsigned char emb_ram_msg[4096];                 /* whole-message reassembly for the decoder */
