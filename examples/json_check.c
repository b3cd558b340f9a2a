/* examples/json_check.c - checks that a file is exactly one valid JSON document (RFC 8259)
   with the axiomws streaming tokenizer, optionally printing every token.

   Usage: json_check [--chunk N] [--tokens] [--max-depth D] [FILE]
     (-h / --help prints the help)
     reads FILE (or standard input, also for "-") and feeds it to the tokenizer N bytes at a time
     (N >= 1; default: the whole input at once). Nesting deeper than D levels is an error
     (default 1024, as simdjson's; the library's ready-made stack holds 64, so this program
     gives it a bigger one).
     Exit status: 0 valid, 1 invalid ("offset N: reason" on stderr), 2 usage or I/O error.
     --tokens prints one line per token: its kind, its byte offset and, for keys and
     strings, the unescaped value written as a JSON string (only '"', '\\', control
     characters and lone surrogates are escaped; everything else is UTF-8), for numbers the
     raw text. A string or number cut by a piece boundary is printed as one token.

   Build: make build/json_check   (or: cc -std=c99 -I. examples/json_check.c -o json_check) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_json_string(const char *s, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xED && i + 2 < n && ((unsigned char)s[i + 1] & 0xE0) == 0xA0) {
            /* a lone surrogate (the unescaper's WTF-8 form): only an escape can carry it */
            printf("\\u%04x", 0xD000u | (((unsigned)s[i + 1] & 0x3Fu) << 6) |
                                    ((unsigned)s[i + 2] & 0x3Fu));
            i += 2;
            continue;
        }
        switch (c) {
        case '"': fputs("\\\"", stdout); break;
        case '\\': fputs("\\\\", stdout); break;
        case '\b': fputs("\\b", stdout); break;
        case '\f': fputs("\\f", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\t': fputs("\\t", stdout); break;
        default:
            if (c < 0x20) printf("\\u%04x", c);
            else putchar(c);
        }
    }
}

/* A positive decimal count, or 0 when the text is not one. */
static size_t parse_count(const char *text) {
    char *end;
    unsigned long long v;
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno || *end || end == text || text[0] == '-' || v > (size_t)-1) return 0;
    return (size_t)v;
}

/* why NULL (--help): the help on stdout, returns 0 (the exit status); otherwise why and
   the usage line on stderr, returns 2. */
static int usage(const char *why) {
    if (why) {
        fprintf(stderr, "json_check: %s\nusage: json_check [--chunk N] [--tokens] [--max-depth D] [FILE]\n"
                        "(json_check --help describes every option)\n", why);
        return 2;
    }
    printf("usage: json_check [--chunk N] [--tokens] [--max-depth D] [FILE]\n"
           "\n"
           "Checks that FILE (default: standard input; also for \"-\") is exactly one valid JSON document\n"
           "(RFC 8259, strict), with the axiomws streaming tokenizer; prints \"offset N: reason\" otherwise.\n"
           "\n"
           "options:\n"
           "  --chunk N       feed the tokenizer N bytes at a time, N >= 1 (default: the whole input at once)\n"
           "  --tokens        print one line per token: kind, byte offset, and the unescaped value of keys\n"
           "                  and strings (as a JSON string) or the text of numbers (default: off)\n"
           "  --max-depth D   nesting deeper than D levels is an error, D >= 1 (default: 1024)\n"
           "  --              the next argument is the FILE, even when it starts with '-'\n"
           "  -h, --help      print this help and exit\n"
           "\n"
           "Exit status: 0 valid, 1 invalid, 2 for bad arguments or a file that cannot be read.\n"
           "\n"
           "example:\n"
           "  printf '{\"a\": [1, \"x\"]}' | json_check --chunk 3 --tokens\n");
    return 0;
}

int main(int argc, char **argv) {
    size_t chunk = 0, cap = 1 << 16, have = 0, off = 0, ulen, max_depth = 1024;
    int tokens = 0, i, r = AXWS_JSON_NEED_MORE;
    const char *path = NULL;
    FILE *f = stdin;
    char *data, *ubuf;
    uint8_t *stack;
    axws_json j;
    axws_json_token t;
    axws_json_unescaper u;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return usage(NULL);
        if (strcmp(argv[i], "--tokens") == 0) tokens = 1;
        else if ((strcmp(argv[i], "--chunk") == 0 || strcmp(argv[i], "--max-depth") == 0) && i + 1 == argc)
            return usage(argv[i][2] == 'c' ? "--chunk is missing its value" : "--max-depth is missing its value");
        else if (strcmp(argv[i], "--chunk") == 0) {
            if ((chunk = parse_count(argv[++i])) == 0) return usage("--chunk wants a count of bytes, 1 or more");
        } else if (strcmp(argv[i], "--max-depth") == 0) {
            if ((max_depth = parse_count(argv[++i])) == 0 || max_depth > 0xFFFFFFF8u)
                return usage("--max-depth wants a count of levels, 1 or more");
        } else if (strcmp(argv[i], "--") == 0 && i + 2 == argc && !path) path = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            char why[96];
            snprintf(why, sizeof why, "unknown option %.60s", argv[i]);
            return usage(why);
        } else if (!path) path = argv[i];
        else return usage("one FILE only");
    }
    if (path && strcmp(path, "-") != 0) {
        f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "json_check: %s: %s\n", path, strerror(errno));
            return 2;
        }
    }
    /* The whole input is read first (simplest for an example); the tokenizer itself only
       ever sees `chunk` bytes at a time. */
    data = (char *)malloc(cap);
    if (!data) { perror("malloc"); return 2; }
    for (;;) {
        size_t got;
        if (have == cap) {
            char *bigger = cap > ((size_t)-1) / 2 ? NULL : (char *)realloc(data, cap * 2);
            if (!bigger) { perror("realloc"); return 2; }
            data = bigger;
            cap *= 2;
        }
        got = fread(data + have, 1, cap - have, f);
        have += got;
        if (got == 0) {
            if (ferror(f)) {
                fprintf(stderr, "json_check: %s: %s\n", path ? path : "standard input", strerror(errno));
                return 2;
            }
            break;
        }
    }
    if (f != stdin) fclose(f);
    if (chunk == 0 || chunk > have) chunk = have ? have : 1;
    /* a token's part is at most one piece long, and unescaped it grows by at most 4 (a
       U+FFFD for a high surrogate left pending by the part before) */
    ulen = chunk + 8;
    ubuf = (char *)malloc(ulen);
    if (!ubuf) { perror("malloc"); return 2; }

    stack = (uint8_t *)malloc(AXWS_JSON_STACK_BYTES(max_depth));
    if (!stack) { perror("malloc"); return 2; }
    axws_json_init(&j, stack, AXWS_JSON_STACK_BYTES(max_depth));
    axws_json_set_max_depth(&j, (uint32_t)max_depth);
    for (;;) {
        if (r == AXWS_JSON_NEED_MORE) {
            size_t n = have - off < chunk ? have - off : chunk;
            axws_json_feed(&j, data + off, n);
            off += n;
            if (off == have) axws_json_end(&j);
        }
        r = axws_json_next(&j, &t);
        if (r < 0 || r == AXWS_JSON_DONE) break;
        if (r == AXWS_JSON_NEED_MORE || !tokens) continue;
        if (!t.cont) printf("%s %llu", axws_json_type_name(r), (unsigned long long)t.offset);
        if (r == AXWS_JSON_KEY || r == AXWS_JSON_STRING) {
            size_t wrote;
            if (!t.cont) {
                fputs(" \"", stdout);
                axws_json_unescape_init_flags(&u, ubuf, ulen, AXWS_JSON_UNESCAPE_WTF8);
            }
            /* print each piece's part as it comes: take the output and rewind the buffer */
            axws_json_unescape_add(&u, t.data, t.len);
            if (!t.more) {
                axws_json_unescape_finish(&u, &wrote);
            } else wrote = u.wlen;
            print_json_string(ubuf, wrote);
            u.wlen = 0;
            if (!t.more) putchar('"');
        } else if (r == AXWS_JSON_NUMBER) {
            if (!t.cont) putchar(' ');
            fwrite(t.data, 1, t.len, stdout);
        }
        if (!t.more) putchar('\n');
    }
    fflush(stdout);
    free(data);
    free(ubuf);
    free(stack);
    if (r < 0) {
        fprintf(stderr, "offset %llu: %s\n", (unsigned long long)axws_json_error_offset(&j),
                axws_json_strerror(r));
        return 1;
    }
    return 0;
}
