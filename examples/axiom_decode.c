/* examples/axiom_decode.c - decodes Axiom Trade frames offline with the axiomws message
   decoder and prints, for each, the line `axiom_stream --json` prints for that message.
   Handy to see what a captured frame decodes to without a connection.

   Usage: axiom_decode [--chunk N] [--buffer N] [FILE]
     reads FILE (or standard input): one frame per line, as in tests/data/frames.jsonl.
     Each frame is handed to the decoder N bytes at a time (default: whole, decoded in
     place) through a receive buffer of --buffer bytes (default 65536; a frame larger than
     that takes the oversize path: values copied as they stream past, long ones cut).
     A frame that is not JSON prints as kind "raw" with "undecodable":true, and a note
     "frame N: <error> at byte M" goes to standard error. Exit status: 0, or 2 on a usage
     or I/O error.

   Build: make build/axiom_decode   (or: cc -std=c99 -I. examples/axiom_decode.c -o axiom_decode) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

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

int main(int argc, char **argv) {
    static char frame[1 << 20];
    unsigned char *buf;
    size_t chunk = 0, bufsize = 65536;
    long no = 0;
    FILE *in = stdin;
    int i;
    for (i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--chunk") == 0 || strcmp(argv[i], "--buffer") == 0) && i + 1 < argc) {
            long v = strtol(argv[i + 1], NULL, 10);
            if (v < (argv[i][2] == 'c' ? 1 : 0)) { fprintf(stderr, "axiom_decode: bad %s\n", argv[i]); return 2; }
            if (argv[i][2] == 'c') chunk = (size_t)v;
            else bufsize = (size_t)v;
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "usage: axiom_decode [--chunk N] [--buffer N] [FILE]\n");
            return 2;
        } else if (!(in = fopen(argv[i], "rb"))) {
            perror(argv[i]);
            return 2;
        }
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
    if (in != stdin) fclose(in);
    free(buf);
    return 0;
}
