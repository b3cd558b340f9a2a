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
# the README's first-screen example (its first C block) builds as shown
awk '/^```c$/{if (done) exit; f=1; next} /^```$/{if (f) done=1; f=0} f' README.md >"$tmp/readme.c"
check "README example builds" gcc -std=c99 -Wall -Wextra -pedantic -I. "$tmp/readme.c" -o "$tmp/readme" -lbearssl
# a system header first under strict C99 gets a clear message, not a cascade
printf '#include <stdio.h>\n#define AXIOMWS_IMPLEMENTATION\n#include "axiomws.h"\n' >"$tmp/late.c"
check "late include explains itself" sh -c "! gcc -std=c99 -I. -c '$tmp/late.c' -o '$tmp/late.o' 2>'$tmp/late.err' && grep -q 'needs POSIX.1-2008' '$tmp/late.err'"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
