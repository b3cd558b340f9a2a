/* fuzz/afl_main.c - runs a libFuzzer target (LLVMFuzzerTestOneInput) under AFL++, the
   campaign's second engine (tests/fuzz_campaign.sh, fuzz/campaign.mk).

   Built with afl-clang-fast it is a persistent-mode harness: the fork server starts once,
   then one process runs up to 10,000 inputs, each taken from AFL's shared-memory test case
   (__AFL_FUZZ_TESTCASE_BUF), no file or stdin read per input. Each input is copied into a
   heap block of exactly its size first, as libFuzzer does: AFL's buffer is much larger than
   the input, so a read past the end would go unseen by ASan without the copy.
   Built with any other compiler (no __AFL_FUZZ_TESTCASE_LEN) it runs each file named on the
   command line once, or stdin when there is none, so a crash AFL saved can be replayed
   with the same binary and a debugger. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_copy(const unsigned char *buf, size_t len) {
    /* malloc(0) may return NULL: one byte keeps the pointer valid for an empty input */
    unsigned char *copy = (unsigned char *)malloc(len ? len : 1);
    if (!copy) abort();
    if (len) memcpy(copy, buf, len);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
#include <unistd.h> /* read(): AFL's test-case macro falls back to stdin without shared memory */

__AFL_FUZZ_INIT();

int main(void) {
    unsigned char *buf;
    /* deferred fork server: everything before this line runs once */
    __AFL_INIT();
    buf = __AFL_FUZZ_TESTCASE_BUF; /* must be read after __AFL_INIT */
    while (__AFL_LOOP(10000)) run_copy(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN);
    return 0;
}
#else
static int run_stream(FILE *f) {
    static unsigned char file_buf[1 << 22];
    size_t n = fread(file_buf, 1, sizeof file_buf, f);
    run_copy(file_buf, n);
    return 0;
}

int main(int argc, char **argv) {
    int i;
    if (argc < 2) return run_stream(stdin);
    for (i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); return 1; }
        run_stream(f);
        fclose(f);
    }
    return 0;
}
#endif
