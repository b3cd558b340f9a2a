#!/bin/bash
# Compile checks of the single-header contract: C99 under gcc and clang with every warning
# as an error, C++11, AXWS_STATIC in two translation units linked together, declarations
# only (no implementation) in a second file, and AXWS_NO_TLS without BearSSL at all.
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
W="-Wall -Wextra -pedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
check() { # name command...
    local name=$1; shift
    if "$@" >"$tmp/out" 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $name"; head -n 20 "$tmp/out"; fi
}
printf '#define AXIOMWS_IMPLEMENTATION\n#include "axiomws.h"\n' >"$tmp/impl.c"
printf '#include "axiomws.h"\nint main(void) { return axws_strerror(0)[0] ? 0 : 1; }\n' >"$tmp/decl.c"
cat >"$tmp/static_a.c" <<'C'
#define AXWS_STATIC
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
int a_fn(void);
int a_fn(void) { return axws_strerror(AXWS_EINVAL)[0] != 0; }
C
cat >"$tmp/static_b.c" <<'C'
#define AXWS_STATIC
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
int a_fn(void);
int main(void) { return a_fn() && axws_strerror(AXWS_OK)[0] ? 0 : 1; }
C
check "gcc c99" gcc -std=c99 $W -I. -c "$tmp/impl.c" -o "$tmp/g.o"
check "clang c99" clang -std=c99 $W -I. -c "$tmp/impl.c" -o "$tmp/c.o"
# issue 11: the implementation is clean under the conversion warnings, with both compilers
check "gcc c99 -Wconversion -Wsign-conversion" gcc -std=c99 $W -Wconversion -Wsign-conversion -I. -c "$tmp/impl.c" -o "$tmp/gconv.o"
check "clang c99 -Wconversion -Wsign-conversion" clang -std=c99 $W -Wconversion -Wsign-conversion -I. -c "$tmp/impl.c" -o "$tmp/cconv.o"
check "gcc c11 -O2" gcc -std=c11 -O2 $W -I. -c "$tmp/impl.c" -o "$tmp/g11.o"
check "g++ c++11" g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -I. -c "$tmp/impl.c" -o "$tmp/gxx.o"
check "clang++ c++11" clang++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -I. -c "$tmp/impl.c" -o "$tmp/cxx.o"
check "declarations only" gcc -std=c99 $W -I. -c "$tmp/decl.c" -o "$tmp/d.o"
check "implementation + declarations link" gcc -std=c99 $W -I. "$tmp/impl.c" "$tmp/decl.c" -o "$tmp/link" -lbearssl
check "linked program runs" "$tmp/link"
check "AXWS_STATIC in two files" gcc -std=c99 $W -I. "$tmp/static_a.c" "$tmp/static_b.c" -o "$tmp/static" -lbearssl
check "AXWS_STATIC runs" "$tmp/static"
check "AXWS_NO_TLS without BearSSL" gcc -std=c99 $W -DAXWS_NO_TLS -I. "$tmp/impl.c" -c -o "$tmp/notls.o"
check "AXWS_NO_TLS does not reference BearSSL" sh -c "! nm '$tmp/notls.o' | grep -q ' U br_'"
check "AXWS_NO_TLS c++11" g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -DAXWS_NO_TLS -I. -c "$tmp/impl.c" -o "$tmp/notlsxx.o"
# The configurations a user would pick (not the whole cross product), each under gcc, clang
# and C++11; those without sockets also for a Cortex-M4 with arm-none-eabi-gcc (newlib's
# headers: nothing POSIX to lean on).
configs=("" "-DAXWS_NO_TLS" "-DAXWS_NO_SOCKETS" "-DAXWS_NO_SOCKETS -DAXWS_NO_AXIOM"
         "-DAXWS_NO_SOCKETS -DAXWS_NO_AXIOM -DAXWS_NO_JSON" "-DAXWS_NO_STDIO"
         "-DAXWS_NO_SOCKETS -DAXWS_NO_STDIO" "-DAXWS_NO_TLS -DAXWS_NO_OS_RANDOM" "-DAXWS_PORT_USER"
         "-DAXWS_NO_DEFLATE" "-DAXWS_NO_SOCKETS -DAXWS_NO_DEFLATE" "-DAXWS_NO_PROXY" "-DAXWS_NO_PROXY -DAXWS_NO_TLS" "-DAXWS_NO_STATS" "-DAXWS_NO_SOCKETS -DAXWS_NO_STATS"
         "-DAXWS_AXIOM_SHARED_RX")
M4="-mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections"
for cfg in "${configs[@]}"; do
    label=${cfg:-default}
    check "config [$label] gcc" gcc -std=c99 $W $cfg -I. -c "$tmp/impl.c" -o "$tmp/cfg.o"
    check "config [$label] clang" clang -std=c99 $W $cfg -I. -c "$tmp/impl.c" -o "$tmp/cfg.o"
    check "config [$label] c++11" g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror $cfg -I. -c "$tmp/impl.c" -o "$tmp/cfg.o"
    if [[ $cfg == *AXWS_NO_STDIO* ]]; then
        check "config [$label] references no stdio, printf, getenv or strerror" sh -c "! nm -u '$tmp/cfg.o' | grep -wE 'fopen|fread|printf|snprintf|vsnprintf|getenv|strerror|strftime|gmtime_r'"
    fi
    if [[ $cfg == *AXWS_NO_PROXY* ]]; then # the tunnel code is gone, not merely unused
        check "config [$label] has no proxy code" sh -c "! nm '$tmp/cfg.o' | grep -E 'axws__px_|axws_proxy_|axws__http_parse_proxy'"
    fi
    if [[ $cfg == *AXWS_NO_SOCKETS* ]]; then
        check "config [$label] arm-none-eabi-gcc" arm-none-eabi-gcc -std=c99 $W $M4 $cfg -I. -c "$tmp/impl.c" -o "$tmp/cfg_m4.o"
        check "config [$label] includes no POSIX header" sh -c "gcc -std=c99 $cfg -I. -E '$tmp/impl.c' | grep -E '^# [0-9]+ \"[^\"]*(/sys/socket|/poll|/netinet/|/netdb|/unistd|/fcntl|/arpa/)' && exit 1 || exit 0"
        check "config [$label] references no socket call" sh -c "! nm -u '$tmp/cfg.o' | grep -wE 'socket|connect|recv|send|close|poll|getaddrinfo|open|read|clock_gettime|setsockopt'"
    fi
done
# permessage-deflate costs nothing unless enabled: a sans-IO program that never calls
# axws_deflate_enable() links no inflate (the frame parser reaches it through hooks only
# that function installs); one that calls it does. AXWS_NO_DEFLATE removes the names.
cat >"$tmp/nodeflate.c" <<'C'
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
static unsigned char tx[1024];
int main(void) {
    static axws_conn c;
    axws_config cfg;
    axws_config_init(&cfg);
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
#ifdef WITH_DEFLATE
    {
        static axws_inflate z;
        static unsigned char w[1 << 9];
        axws_deflate_enable(&cfg.deflate, &z, w, 9);
    }
#endif
    if (axws_init(&c, &cfg) != 0) return 1;
    return (int)axws_feed(&c, "x", 1, 0);
}
C
GC="-std=c99 -Os -ffunction-sections -fdata-sections -Wl,--gc-sections -DAXWS_NO_SOCKETS -DAXWS_NO_AXIOM -DAXWS_NO_JSON"
check "deflate not enabled: no inflate linked" sh -c "gcc $GC $W -I. '$tmp/nodeflate.c' -o '$tmp/nd' && ! nm '$tmp/nd' | grep -qE 'axws__inf_build|axws_inflate_run|axws__deflate_'"
check "deflate enabled: the inflate linked" sh -c "gcc $GC $W -DWITH_DEFLATE -I. '$tmp/nodeflate.c' -o '$tmp/wd' && nm '$tmp/wd' | grep -q axws_inflate_run"
check "AXWS_NO_DEFLATE removes it" sh -c "gcc -std=c99 $W -DAXWS_NO_DEFLATE -I. -c '$tmp/impl.c' -o '$tmp/x.o' && ! nm '$tmp/x.o' | grep -qE 'inflate|deflate'"
check "AXWS_NO_JSON without AXWS_NO_AXIOM is refused" sh -c "! gcc -std=c99 -DAXWS_NO_JSON -I. -c '$tmp/impl.c' -o '$tmp/x.o' 2>'$tmp/err' && grep -q 'AXWS_NO_JSON needs AXWS_NO_AXIOM' '$tmp/err'"
check "AXWS_NO_SOCKETS with AXWS_PORT_LWIP is refused" sh -c "! gcc -std=c99 -DAXWS_NO_SOCKETS -DAXWS_PORT_LWIP -I. -c '$tmp/impl.c' -o '$tmp/x.o' 2>'$tmp/err' && grep -q 'pick one' '$tmp/err'"
check "AXWS_NO_SOCKETS with AXWS_PORT_USER is refused" sh -c "! gcc -std=c99 -DAXWS_NO_SOCKETS -DAXWS_PORT_USER -I. -c '$tmp/impl.c' -o '$tmp/x.o' 2>'$tmp/err' && grep -q 'pick one' '$tmp/err'"
check "AXWS_PORT_LWIP with AXWS_PORT_USER is refused" sh -c "! gcc -std=c99 -DAXWS_PORT_LWIP -DAXWS_PORT_USER -I. -c '$tmp/impl.c' -o '$tmp/x.o' 2>'$tmp/err' && grep -q 'pick one' '$tmp/err'"
# the Axiom decoder's field tables keep slots and member offsets in 16 bits: the largest
# limits compile, and one past them is refused by name
check "AXWS_AXIOM_MAX_VALUES=1024 and MAX_BALANCES=256 compile" gcc -std=c99 -DAXWS_AXIOM_MAX_VALUES=1024 -DAXWS_AXIOM_MAX_BALANCES=256 -I. -c "$tmp/impl.c" -o "$tmp/x.o"
check "AXWS_AXIOM_MAX_VALUES=1025 is refused" sh -c "! gcc -std=c99 -DAXWS_AXIOM_MAX_VALUES=1025 -I. -c '$tmp/impl.c' -o '$tmp/x.o' 2>'$tmp/err' && grep -q 'AXWS_AXIOM_MAX_VALUES 11..1024' '$tmp/err'"
check "AXWS_AXIOM_MAX_BALANCES=257 is refused" sh -c "! gcc -std=c99 -DAXWS_AXIOM_MAX_BALANCES=257 -I. -c '$tmp/impl.c' -o '$tmp/x.o' 2>'$tmp/err' && grep -q 'MAX_BALANCES 1..256' '$tmp/err'"
# A network port of the program's own (AXWS_PORT_USER), as small as one can be: every
# connect is refused. The library reaches the network through these calls only (no socket
# call is linked), and the port's errno comes back with the CLOSE. For the Cortex-M4 the
# same program compiles against newlib, which has no <poll.h>: AXWS_PORT_USER_HEADER names
# the header with the program's struct pollfd.
cat >"$tmp/userport.c" <<'C'
#define AXWS_PORT_USER
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
#include <errno.h>
#include <string.h>
static int opened, closed, asked_result, closes, close_error, close_errno;
int axws_port_open(int family) { opened += family == 4; return 3; }
int axws_port_connect(int fd, const axws_addr *a, int port) { return fd == 3 && a->ip[0] == 10 && port == 9001 ? 1 : -1; }
int axws_port_connect_result(int fd) { asked_result += fd == 3; return ECONNREFUSED; }
long axws_port_send(int fd, const void *p, size_t n) { (void)fd; (void)p; (void)n; errno = EPIPE; return -1; }
long axws_port_recv(int fd, void *p, size_t n) { (void)fd; (void)p; (void)n; return AXWS_PORT_EOF; }
void axws_port_close(int fd) { closed += fd == 3; }
int axws_port_resolve(void *user, const char *host, int port, axws_addr *out, int max) {
    (void)user; (void)port;
    if (max < 1 || strcmp(host, "example.test") != 0) return AXWS_ERESOLVE;
    memset(out, 0, sizeof *out);
    out->family = 4; out->ip[0] = 10; out->ip[3] = 1;
    return 1;
}
int axws_poll(struct pollfd *fds, int nfds, int timeout_ms) {
    int i;
    (void)timeout_ms;
    for (i = 0; i < nfds; i++) fds[i].revents = POLLOUT | POLLERR; /* the connect failed */
    return nfds;
}
int64_t axws_now_ms(void) { return 1000; }
static void rnd(void *u, void *b, size_t n) { (void)u; memset(b, 7, n); }
static void on_event(axws_conn *c, const axws_event *ev, void *u) {
    (void)u;
    if (ev->type != AXWS_EV_CLOSE) return;
    closes++;
    close_error = ev->error;
    close_errno = axws_sys_errno(c);
}
int main(void) {
    static unsigned char rx[512], tx[1024];
    axws_config cfg;
    static axws_conn c;
    struct pollfd p[AXWS_MAX_POLLFDS];
    int n;
    memset(&cfg, 0, sizeof cfg);
    cfg.rx_buf = rx; cfg.rx_size = sizeof rx; cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
    cfg.on_event = on_event; cfg.random = rnd;
    if (axws_init(&c, &cfg) || axws_connect(&c, "ws://example.test:9001/", axws_now_ms())) return 1;
    n = axws_pollfds(&c, p, AXWS_MAX_POLLFDS);
    axws_poll(p, n, axws_timeout_ms(&c, axws_now_ms()));
    axws_step(&c, p, n, axws_now_ms());
    return !(n == 1 && opened == 1 && asked_result == 1 && closed == 1 && closes == 1 &&
             close_error == AXWS_ECONNECT && close_errno == ECONNREFUSED && axws_conn_state(&c) == AXWS_STATE_CLOSED);
}
C
cat >"$tmp/tinyport.h" <<'C'
/* a bare-metal target's own poll types (newlib has no <poll.h>) */
struct pollfd { int fd; short events, revents; };
#define POLLIN 1
#define POLLOUT 4
#define POLLERR 8
#define POLLHUP 16
C
check "AXWS_PORT_USER: a program's own port builds" gcc -std=c99 $W -I. "$tmp/userport.c" -o "$tmp/userport" -lbearssl
check "AXWS_PORT_USER: no socket call is linked" sh -c "! nm -u '$tmp/userport' | grep -wE 'socket|connect|recv|send|close|poll|getaddrinfo|fcntl|setsockopt|getsockopt|clock_gettime'"
check "AXWS_PORT_USER: the port's refused connect comes back as AXWS_ECONNECT with its errno" "$tmp/userport"
check "AXWS_PORT_USER with AXWS_PORT_USER_HEADER, no TLS: arm-none-eabi-gcc" arm-none-eabi-gcc -std=c99 $W $M4 -DAXWS_NO_TLS -DAXWS_PORT_USER_HEADER='"tinyport.h"' -I. -I"$tmp" -c "$tmp/userport.c" -o "$tmp/userport_m4.o"
check "AXWS_PORT_USER with AXWS_PORT_USER_HEADER includes no POSIX header" sh -c "gcc -std=c99 -DAXWS_NO_TLS -DAXWS_PORT_USER_HEADER='\"tinyport.h\"' -I. -I'$tmp' -E '$tmp/userport.c' >'$tmp/userport.i' && grep -q tinyport.h '$tmp/userport.i' && ! grep -qE '^# [0-9]+ \"[^\"]*(/sys/socket|/poll|/netinet/|/netdb|/unistd|/fcntl|/arpa/)' '$tmp/userport.i'"
check "AXWS_PORT_USER (arm) references no socket call" sh -c "! arm-none-eabi-nm -u '$tmp/userport_m4.o' | grep -wE 'socket|connect|recv|send|close|poll|getaddrinfo|open|read|clock_gettime|setsockopt'"
# A program that only uses the sans-IO calls links no socket code, even in the default
# configuration: the core never calls the driver (the driver registers c->release).
cat >"$tmp/sansio.c" <<'C'
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
static void rnd(void *u, void *b, size_t n) { (void)u; memset(b, 7, n); }
int main(void) {
    static unsigned char tx[1024];
    axws_config cfg; axws_conn c; axws_url u; char st[64]; size_t n;
    memset(&cfg, 0, sizeof cfg);
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx; cfg.random = rnd;
    if (axws_init(&c, &cfg) || axws_parse_url("ws://h/", &u, st, sizeof st) || axws_start(&c, &u, 0)) return 1;
    axws_output(&c, &n); axws_output_ack(&c, n);
    axws_feed(&c, "x", 1, 0); axws_tick(&c, 1);
    return axws_timeout_ms(&c, 1) < -1;
}
C
check "sans-IO program (default config) builds with --gc-sections" gcc -std=c99 $W -DAXWS_NO_TLS -ffunction-sections -fdata-sections -Wl,--gc-sections -I. "$tmp/sansio.c" -o "$tmp/sansio"
# (the OS random pool, open/read of /dev/urandom, stays: cfg.random is set at run time;
# AXWS_NO_SOCKETS builds have no OS source at all)
check "sans-IO program (default config) links no socket call" sh -c "! nm -u '$tmp/sansio' | grep -wE 'socket|connect|recv|send|setsockopt|getsockopt|getaddrinfo|inet_pton|poll|fcntl'"
check "sans-IO program runs" "$tmp/sansio"
# Files built with different layout macros: axws_init / axws_axiom_init refuse the other
# view with AXWS_ELAYOUT (each side's struct sizes and switches travel with the call).
cat >"$tmp/layout_user.c" <<'C'
#include "axiomws.h"
#include <string.h>
int main(void) {
    static unsigned char tx[1024];
    static axws_conn c;
    static axws_axiom a;
    static unsigned char msg[4096];
    axws_config cfg;
    axws_axiom_config acfg;
    memset(&cfg, 0, sizeof cfg);
    memset(&acfg, 0, sizeof acfg);
    cfg.tx_buf = tx; cfg.tx_size = sizeof tx;
    acfg.msg_buf = msg; acfg.msg_size = sizeof msg;
    return (axws_init(&c, &cfg) == AXWS_ELAYOUT ? 0 : 1) | (axws_axiom_init(&a, &acfg) == AXWS_ELAYOUT ? 0 : 2);
}
C
P="-std=c99 -D_POSIX_C_SOURCE=200809L $W -I."
check "layout: AXWS_AXIOM_MAX_ROOMS and AXWS_NO_TLS differ between files" sh -c "gcc $P -DAXWS_NO_TLS -DAXWS_AXIOM_MAX_ROOMS=8 -c '$tmp/layout_user.c' -o '$tmp/lu.o' && gcc $P -c '$tmp/impl.c' -o '$tmp/li.o' && gcc '$tmp/lu.o' '$tmp/li.o' -o '$tmp/layout' -lbearssl && '$tmp/layout'"
check "layout: the same macros everywhere pass" sh -c "gcc $P -c '$tmp/layout_user.c' -o '$tmp/lu2.o' && gcc '$tmp/lu2.o' '$tmp/li.o' -o '$tmp/layout2' -lbearssl && ! '$tmp/layout2'"
# the Axiom client's struct alone differs: its init refuses (exit 1: the connection's passed)
check "layout: AXWS_AXIOM_SHARED_RX differs between files" sh -c "gcc $P -DAXWS_AXIOM_SHARED_RX -c '$tmp/layout_user.c' -o '$tmp/lu3.o' && gcc '$tmp/lu3.o' '$tmp/li.o' -o '$tmp/layout3' -lbearssl; '$tmp/layout3'; test \$? -eq 1"
# the tokenizer and the decoder on their own: AXWS_JSON_DEFAULT_DEPTH and the Axiom limits
cat >"$tmp/layout_json.c" <<'C'
#include "axiomws.h"
int main(void) {
    static axws_json j;
    static axws_axiom_decoder d;
    return (axws_json_init(&j, NULL, 0) == AXWS_ELAYOUT ? 0 : 1) |
           (axws_axiom_decoder_init(&d, NULL, 0) == AXWS_ELAYOUT ? 0 : 2);
}
C
check "layout: AXWS_JSON_DEFAULT_DEPTH and AXWS_AXIOM_MAX_VALUES differ between files" sh -c "gcc $P -DAXWS_JSON_DEFAULT_DEPTH=128 -DAXWS_AXIOM_MAX_VALUES=40 -c '$tmp/layout_json.c' -o '$tmp/lj.o' && gcc '$tmp/lj.o' '$tmp/li.o' -o '$tmp/layoutj' -lbearssl && '$tmp/layoutj'"
check "layout: the tokenizer and decoder with the same macros pass" sh -c "gcc $P -c '$tmp/layout_json.c' -o '$tmp/lj2.o' && gcc '$tmp/lj2.o' '$tmp/li.o' -o '$tmp/layoutj2' -lbearssl && '$tmp/layoutj2'; test \$? = 3"
# clang's UBSan (gcc's does not flag it): an oversize message that ends in an empty final
# chunk right after a top-level number made the decoder compute NULL + 0
cat >"$tmp/null_chunk.c" <<'C'
#define AXIOMWS_IMPLEMENTATION
#include "axiomws.h"
static int got;
static void cb(void *u, const axws_axiom_msg *m) { (void)u; got += m->kind == AXWS_AXIOM_KIND_RAW; }
int main(void) {
    static char buf[16];
    axws_axiom_decoder d;
    axws_axiom_decoder_init(&d, buf, sizeof buf);
    axws_axiom_decoder_chunk(&d, "123456789012345678901234567890", 30, 0, cb, NULL);
    axws_axiom_decoder_chunk(&d, NULL, 0, 1, cb, NULL);
    return got == 1 ? 0 : 1;
}
C
check "empty final chunk after an oversize number: no arithmetic on NULL (clang UBSan)" sh -c "clang -std=c99 -D_POSIX_C_SOURCE=200809L -O1 -fsanitize=undefined -fno-sanitize-recover=all -I. '$tmp/null_chunk.c' -o '$tmp/null_chunk' -lbearssl && '$tmp/null_chunk'"
# the README's first-screen example (its first C block) builds as shown
awk '/^```c$/{if (done) exit; f=1; next} /^```$/{if (f) done=1; f=0} f' README.md >"$tmp/readme.c"
check "README example builds" gcc -std=c99 -Wall -Wextra -pedantic -I. "$tmp/readme.c" -o "$tmp/readme" -lbearssl
# a system header first under strict C99 gets a clear message, not a cascade
printf '#include <stdio.h>\n#define AXIOMWS_IMPLEMENTATION\n#include "axiomws.h"\n' >"$tmp/late.c"
check "late include explains itself" sh -c "! gcc -std=c99 -I. -c '$tmp/late.c' -o '$tmp/late.o' 2>'$tmp/late.err' && grep -q 'needs POSIX.1-2008' '$tmp/late.err'"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
