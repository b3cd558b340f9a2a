/* tests/embedded/emb_files.h - files compiled into a Cortex-M4 program by a generator
   (gen_json_suite.py, gen_axiom.py): name, bytes (NUL-terminated for convenience; len does
   not count the NUL) and length. */
#ifndef EMB_FILES_H
#define EMB_FILES_H
#include <stddef.h>
typedef struct emb_file {
    const char *name;
    const char *data;
    size_t len;
} emb_file;
#endif
