/* examples/ta_gen.c - turn PEM certificates into C source for compiled-in trust anchors.

   ta_gen [-n NAME] FILE.pem...

   Reads every CERTIFICATE in the files (one or many per file, e.g. a CA bundle) with
   axws_tls_anchors_file() and prints, on stdout, C99 source defining

       const br_x509_trust_anchor NAME[];      (default NAME: axws_anchors)
       const size_t NAME_count;

   which an embedded program compiles in and passes as cfg.trust_anchors /
   cfg.trust_anchor_count: no PEM parsing, no file and no buffer at run time. Compile the
   output as C (it uses designated initialisers), with -lbearssl's headers.

   -h / --help prints the help. Exit status: 0; 1 for a file that cannot be read (its path
   and errno's text on stderr) or holds no usable certificate ("no certificate found");
   2 for bad arguments (an unknown option, -n without a C identifier, no FILE).

   Shows: the PEM loader, what a BearSSL trust anchor holds (subject name, CA flag, key).
   Build: make build/ta_gen   (or: cc -std=c99 -I. examples/ta_gen.c -o ta_gen -lbearssl) */
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static unsigned char buf[4u << 20]; /* room for every CA of a large bundle, many times over */

static void bytes(const char *name, const char *what, size_t i, const unsigned char *p, size_t n) {
    size_t k;
    printf("static const unsigned char %s_%s%zu[%zu] = {", name, what, i, n);
    for (k = 0; k < n; k++) printf("%s0x%02x%s", k % 12 ? "" : "\n    ", p[k], k + 1 < n ? "," : "");
    printf("\n};\n");
}

static const char *curve_name(int curve) {
    switch (curve) {
    case BR_EC_secp256r1: return "BR_EC_secp256r1";
    case BR_EC_secp384r1: return "BR_EC_secp384r1";
    case BR_EC_secp521r1: return "BR_EC_secp521r1";
    default: return NULL;
    }
}

/* why NULL (--help): the help on stdout, returns 0 (the exit status); otherwise why and
   the usage line on stderr, returns 2. */
static int usage(const char *why) {
    if (why) {
        fprintf(stderr, "ta_gen: %s\nusage: ta_gen [-n NAME] FILE.pem...\n(ta_gen --help describes every option)\n", why);
        return 2;
    }
    printf("usage: ta_gen [-n NAME] FILE.pem...\n"
           "\n"
           "Turns the PEM certificates of the files (one or many per file, e.g. a CA bundle) into C99\n"
           "source on stdout defining the trust anchors `const br_x509_trust_anchor NAME[]` and\n"
           "`const size_t NAME_count`, to compile in and pass as cfg.trust_anchors and\n"
           "cfg.trust_anchor_count: no PEM parsing, no file and no buffer at run time.\n"
           "\n"
           "options:\n"
           "  -n NAME       the C name of the array, a C identifier (default: axws_anchors)\n"
           "  --            what follows are files, even when they start with '-'\n"
           "  -h, --help    print this help and exit\n"
           "\n"
           "Exit status: 0; 1 for a file that cannot be read or holds no usable certificate;\n"
           "2 for bad arguments.\n"
           "\n"
           "example:\n"
           "  ta_gen -n my_anchors /etc/ssl/certs/ISRG_Root_X1.pem >anchors.c\n");
    return 0;
}

/* 1 when s can name a C variable (it is pasted into the output as one). */
static int is_identifier(const char *s) {
    size_t i;
    if (!*s || (s[0] >= '0' && s[0] <= '9')) return 0;
    for (i = 0; s[i]; i++)
        if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return 0;
    return 1;
}

/* 0 when path opens and reads; else -1 after "ta_gen: path: <errno's text>" on stderr.
   axws_tls_anchors_file() reports a file it cannot open or read only as AXWS_EIO, whose
   text is "socket error": opening it here first names the cause. A directory opens and
   fails only when read, hence the one byte. */
static int readable(const char *path) {
    FILE *f;
    int err = 0;
    errno = 0;
    if (!(f = fopen(path, "rb"))) {
        err = errno ? errno : EIO;
    } else {
        if (getc(f) == EOF && ferror(f)) err = errno ? errno : EIO;
        fclose(f);
    }
    if (!err) return 0;
    fprintf(stderr, "ta_gen: %s: %s\n", path, strerror(err));
    return -1;
}

int main(int argc, char **argv) {
    const char *name = "axws_anchors";
    size_t total = 0, i, used = 0;
    int a, files = 0, only_files = 0;
    static const br_x509_trust_anchor *all[4096];
    for (a = 1; a < argc; a++) { /* the options first: nothing is printed before they all hold */
        if (only_files || argv[a][0] != '-' || !argv[a][1]) files++;
        else if (strcmp(argv[a], "--") == 0) only_files = 1;
        else if (strcmp(argv[a], "-h") == 0 || strcmp(argv[a], "--help") == 0) return usage(NULL);
        else if (strcmp(argv[a], "-n") == 0) {
            if (a + 1 == argc) return usage("-n is missing its value");
            if (!is_identifier(argv[++a])) return usage("-n wants a C identifier (letters, digits, _)");
            name = argv[a];
        } else {
            char why[96];
            snprintf(why, sizeof why, "unknown option %.60s", argv[a]);
            return usage(why);
        }
    }
    if (!files) return usage("no FILE given");
    for (a = 1, only_files = 0; a < argc; a++) {
        axws_tls_anchors ta;
        int r;
        if (!only_files && strcmp(argv[a], "--") == 0) {
            only_files = 1;
            continue;
        }
        if (!only_files && strcmp(argv[a], "-n") == 0) {
            a++;
            continue;
        }
        if (readable(argv[a])) return 1;
        /* measure first, then load into exactly that much: the anchors array sits at the
           end of the space given, so each file gets its own slice of buf */
        r = axws_tls_anchors_file(&ta, NULL, 0, argv[a]);
        if (r == AXWS_EINVAL) /* measuring stores nothing: load into the rest of buf to count */
            r = axws_tls_anchors_file(&ta, buf + used, sizeof buf - used, argv[a]);
        if (r == AXWS_ENOBUFS && ta.needed <= sizeof buf - used)
            r = axws_tls_anchors_file(&ta, buf + used, ta.needed, argv[a]);
        if (r < 0) {
            fprintf(stderr, "ta_gen: %s: ", argv[a]);
            if (r == AXWS_EINVAL && ta.count == 0)
                fprintf(stderr, "no certificate found%s\n", ta.skipped ? " (only PEM objects that are not "
                                                                        "certificates, or keys BearSSL cannot use)" : "");
            else if (r == AXWS_EINVAL)
                fprintf(stderr, "a malformed certificate after the first %zu\n", ta.count);
            else if (r == AXWS_ENOBUFS)
                fprintf(stderr, "more certificates than this program holds (%zu bytes needed)\n", ta.needed);
            else
                fprintf(stderr, "%s\n", r == AXWS_EIO ? "read error" : axws_strerror(r));
            return 1;
        }
        if (ta.skipped) fprintf(stderr, "ta_gen: %s: skipped %zu non-certificate or unusable objects\n",
                                argv[a], ta.skipped);
        if (ta.count > sizeof all / sizeof all[0] - total) { /* rather than leave some out */
            fprintf(stderr, "ta_gen: more than %zu certificates\n", sizeof all / sizeof all[0]);
            return 1;
        }
        for (i = 0; i < ta.count; i++) all[total++] = &ta.anchors[i];
        used += ta.needed;
    }
    printf("/* Generated by examples/ta_gen: %zu trust anchors. Compile as C99. */\n", total);
    printf("#include <bearssl.h>\n#include <stddef.h>\n\n");
    for (i = 0; i < total; i++) {
        const br_x509_trust_anchor *t = all[i];
        bytes(name, "dn", i, t->dn.data, t->dn.len);
        if (t->pkey.key_type == BR_KEYTYPE_RSA) {
            bytes(name, "rsa_n", i, t->pkey.key.rsa.n, t->pkey.key.rsa.nlen);
            bytes(name, "rsa_e", i, t->pkey.key.rsa.e, t->pkey.key.rsa.elen);
        } else {
            if (!curve_name(t->pkey.key.ec.curve)) {
                fprintf(stderr, "ta_gen: anchor %zu: unsupported curve %d\n", i, t->pkey.key.ec.curve);
                return 1;
            }
            bytes(name, "ec_q", i, t->pkey.key.ec.q, t->pkey.key.ec.qlen);
        }
    }
    printf("\nconst br_x509_trust_anchor %s[%zu] = {\n", name, total ? total : 1);
    for (i = 0; i < total; i++) {
        const br_x509_trust_anchor *t = all[i];
        printf("    {{(unsigned char *)%s_dn%zu, sizeof %s_dn%zu}, %s,\n", name, i, name, i,
               t->flags & BR_X509_TA_CA ? "BR_X509_TA_CA" : "0");
        if (t->pkey.key_type == BR_KEYTYPE_RSA)
            printf("     {BR_KEYTYPE_RSA, {.rsa = {(unsigned char *)%s_rsa_n%zu, sizeof %s_rsa_n%zu,"
                   " (unsigned char *)%s_rsa_e%zu, sizeof %s_rsa_e%zu}}}},\n",
                   name, i, name, i, name, i, name, i);
        else
            printf("     {BR_KEYTYPE_EC, {.ec = {%s, (unsigned char *)%s_ec_q%zu, sizeof %s_ec_q%zu}}}},\n",
                   curve_name(t->pkey.key.ec.curve), name, i, name, i);
    }
    printf("};\nconst size_t %s_count = %zu;\n", name, total);
    return 0;
}
