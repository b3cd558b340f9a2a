/* examples/axiom_decode.c - decodes Axiom Trade frames offline with the axiomws message
   decoder and prints, for each, the line `axiom_stream --json` prints for that message.
   Handy to see what a captured frame decodes to without a connection.

   Usage: axiom_decode [--chunk N] [--buffer N] [FILE]    (-h / --help prints the help)
     reads FILE (or standard input): one frame per line, as in tests/data/frames.jsonl.
     Each frame is handed to the decoder N bytes at a time (default: whole, decoded in
     place) through a receive buffer of --buffer bytes (default 65536; a frame larger than
     that takes the oversize path: values copied as they stream past, long ones cut).
     A frame that is not JSON prints as kind "raw" with "undecodable":true, and a note
     "frame N: <error> at byte M" goes to standard error. Exit status: 0, or 2 on a usage
     or I/O error (the file's path and errno's text on standard error).

   Build: make build/axiom_decode   (or: cc -std=c99 -I. examples/axiom_decode.c -o axiom_decode) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char line_out[1 << 20];

static void on_msg(void *user, const axws_axiom_msg *m) {
    int n = axws_axiom_msg_write_json(m, line_out, sizeof line_out);
    (void)user;
    if (n < 0) {
        fprintf(stderr, "axiom_decode: --json line longer than %zu bytes\n", sizeof line_out);
        return;
    }
    fwrite(line_out, 1, (size_t)n, stdout);
    fputc('\n', stdout);
}

static axws_axiom_decoder dec; /* about 15 KB */

/* why NULL (--help): the help on stdout, returns 0 (the exit status); otherwise why and
   the usage line on stderr, returns 2. */
static int usage(const char *why) {
    if (why) {
        fprintf(stderr, "axiom_decode: %s\nusage: axiom_decode [--chunk N] [--buffer N] [FILE]\n"
                        "(axiom_decode --help describes every option)\n", why);
        return 2;
    }
    printf("usage: axiom_decode [--chunk N] [--buffer N] [FILE]\n"
           "\n"
           "Decodes captured Axiom Trade frames offline, one per line of FILE (default: standard input),\n"
           "and prints for each the JSON line `axiom_stream --json` prints for that message.\n"
           "\n"
           "options:\n"
           "  --chunk N      hand each frame to the decoder N bytes at a time, N >= 1 (default: whole,\n"
           "                 decoded in place)\n"
           "  --buffer N     the decoder's receive buffer in bytes; a larger frame takes the oversize\n"
           "                 path, its values copied as they stream past (default: 65536)\n"
           "  -h, --help     print this help and exit\n"
           "\n"
           "Exit status: 0 (a frame that is not JSON prints as kind \"raw\" with a note on stderr),\n"
           "2 for bad arguments or a file that cannot be read.\n"
           "\n"
           "example:\n"
           "  axiom_decode --chunk 16 tests/data/frames.jsonl\n");
    return 0;
}

/* A count for --chunk / --buffer, at least min; -1 for anything else (trailing junk, a
   sign, overflow). */
static long parse_count(const char *s, long min) {
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min) return -1;
    return v;
}

int main(int argc, char **argv) {
    static char frame[1 << 20];
    unsigned char *buf;
    size_t chunk = 0, bufsize = 65536;
    long no = 0;
    FILE *in = stdin;
    const char *path = NULL;
    char why[96];
    int i;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return usage(NULL);
        if (strcmp(argv[i], "--chunk") == 0 || strcmp(argv[i], "--buffer") == 0) {
            long v = i + 1 < argc ? parse_count(argv[i + 1], argv[i][2] == 'c' ? 1 : 0) : -1;
            if (v < 0) {
                snprintf(why, sizeof why, "%s wants a count of bytes%s", argv[i], argv[i][2] == 'c' ? ", 1 or more" : "");
                return usage(why);
            }
            if (argv[i][2] == 'c') chunk = (size_t)v;
            else bufsize = (size_t)v;
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            snprintf(why, sizeof why, "unknown option %.60s", argv[i]);
            return usage(why);
        } else if (path) {
            return usage("one FILE only");
        } else {
            path = argv[i];
        }
    }
    if (path && strcmp(path, "-") != 0 && !(in = fopen(path, "rb"))) {
        fprintf(stderr, "axiom_decode: %s: %s\n", path, strerror(errno));
        return 2;
    }
    buf = (unsigned char *)malloc(bufsize ? bufsize : 1); /* the program's memory, not the library's */
    if (!buf) return 2;
    axws_axiom_decoder_init(&dec, buf, bufsize);
    while (fgets(frame, sizeof frame, in)) {
        size_t len = strlen(frame), off = 0;
        int r = 0;
        if (len && frame[len - 1] == '\n') frame[--len] = 0;
        if (len && frame[len - 1] == '\r') frame[--len] = 0;
        no++;
        do {
            size_t n = chunk && len - off > chunk ? chunk : len - off;
            r = axws_axiom_decoder_chunk(&dec, frame + off, n, off + n == len, on_msg, NULL);
            off += n;
        } while (off < len);
        if (r < 0)
            fprintf(stderr, "frame %ld: %s at byte %llu\n", no, axws_json_strerror(r),
                    (unsigned long long)dec.msg.json_error_offset);
        fflush(stdout);
    }
    if (ferror(in)) { /* a directory opens, and fails only here */
        fprintf(stderr, "axiom_decode: %s: %s\n", path ? path : "standard input", strerror(errno));
        return 2;
    }
    if (in != stdin) fclose(in);
    free(buf);
    return 0;
}
