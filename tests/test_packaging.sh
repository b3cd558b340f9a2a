#!/bin/bash
# tests/test_packaging.sh - every way a program can get axiomws, each one building and
# running tests/packaging/consumer.c (which prints the version and a parsed URL):
#   (a) `make install DESTDIR=... PREFIX=/usr` (packaging/install.mk): the files, their
#       modes and contents; the consumer through pkg-config on the staged tree
#       (PKG_CONFIG_SYSROOT_DIR), its link failing without pkg-config's Libs;
#   (b) CMake: find_package against the staged tree (and the version file's answer to other
#       requests, and the message a user without BearSSL gets); add_subdirectory of this
#       tree (no example, no install rule); this tree as the top-level project with
#       AXIOMWS_BUILD_EXAMPLES (the Makefile's examples, with their extra libraries), whose
#       `cmake --install` gives the files make install gives; and its configure step
#       failing, with the same message, without BearSSL;
#   (c) meson: this tree as subprojects/axiomws, through dependency() and subproject();
#   (d) `make uninstall` leaves none of the files behind.
# Also: `make examples` compiles in parallel unless told otherwise, `make demo` does not.
# The CMake and meson builds run in the background while make install and pkg-config run,
# everything in a temp dir removed on exit. Needs cmake, meson, ninja and pkg-config (make
# deps). Ends with "N passed, N failed"; exits non-zero on any failure.
cd "$(dirname "$0")/.."
src=$PWD
passed=0 failed=0
check() { # description command...
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $what"; fi
}
finish() {
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 ]]
    exit
}
progress() { echo "== $* ($((SECONDS - start))s)"; }
start=$SECONDS

tmp=$(mktemp -d /tmp/axws-test-packaging.XXXXXX)
pids=()
kill_tree() { # pid: the background job and whatever it started (cmake, ninja, cc)
    local c
    for c in $(pgrep -P "$1"); do kill_tree "$c"; done
    kill "$1" 2>/dev/null
}
cleanup() {
    local p
    for p in "${pids[@]}"; do kill_tree "$p"; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# make runs on its own here, not as a sub-make of whatever make started this test
unset MAKEFLAGS MFLAGS MAKELEVEL

version=$(sed -n 's/^#define AXWS_VERSION_STRING "\([0-9.]*\)"$/\1/p' axiomws.h)
if [[ ! $version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
    echo "FAIL no AXWS_VERSION_STRING \"X.Y.Z\" in axiomws.h"; failed=1; finish
fi
maj=${BASH_REMATCH[1]} min=${BASH_REMATCH[2]} pat=${BASH_REMATCH[3]}
want="axiomws $version: wss host=example.com port=8443 path=/stream?x=1"
missing=""
for t in cc make cmake meson ninja pkg-config; do command -v "$t" >/dev/null || missing+=" $t"; done
if [[ -n $missing ]]; then echo "FAIL missing:$missing (make deps installs them)"; failed=1; finish; fi

cp -r tests/packaging "$tmp/src"   # the consumer projects; meson's subprojects/ goes here
root=$tmp/root                      # make install's staged tree
# the five tools: example -> installed name
tools=(echo:axiomws-echo axiom_stream:axiomws-stream ta_gen:axiomws-ta-gen
       json_check:axiomws-json-check axiom_decode:axiomws-decode)
installed=(usr/include/axiomws.h usr/lib/pkgconfig/axiomws.pc
           usr/lib/cmake/axiomws/axiomws-config.cmake
           usr/lib/cmake/axiomws/axiomws-config-version.cmake
           usr/lib/cmake/axiomws/axiomws-bearssl.cmake)
for t in "${tools[@]}"; do installed+=("usr/bin/${t#*:}"); done
files_under() { (cd "$1" && find . \( -type f -o -type l \) -printf '%P\n' | sort); }
# same_header FILE STEM: FILE is axiomws.h as hashed just before (STEM.h0) or after
# (STEM.h1) it was copied: others may be editing the header while the test runs
same_header() { grep -qxF "$(sha1sum <"$1")" "$2.h0" "$2.h1"; }
printf '%s\n' "${installed[@]}" | sort >"$tmp/installed.want"

# job NAME FUNCTION: runs it in the background, output in $tmp/NAME.log; joined NAME waits
# for it and returns its status, or prints the end of the log if it failed
declare -A job
job() { "$2" >"$tmp/$1.log" 2>&1 & job[$1]=$!; pids+=($!); }
joined() {
    wait "${job[$1]}" && return 0
    echo "FAIL $1, the end of its log:"; tail -n 25 "$tmp/$1.log" | sed 's/^/    /'
    return 1
}

# (b) CMake from the source tree: add_subdirectory, then the top-level project, then the
# top-level project without BearSSL (one job: the machine has two cores)
tool_targets=()
for t in "${tools[@]}"; do tool_targets+=("axiomws_example_${t%%:*}"); done
cmake_tree() {
    set -e
    cmake -G Ninja -S "$tmp/src" -B "$tmp/sub" -DAXIOMWS_SOURCE_DIR="$src"
    cmake --build "$tmp/sub"
    "$tmp/sub/consumer" >"$tmp/sub.out"
    ninja -C "$tmp/sub" -t targets all >"$tmp/sub.targets"
    DESTDIR="$tmp/subroot" cmake --install "$tmp/sub"
    echo "== top-level"
    cmake -G Ninja -S "$src" -B "$tmp/top" -DAXIOMWS_BUILD_EXAMPLES=ON -DCMAKE_INSTALL_PREFIX=/usr
    ninja -C "$tmp/top" -t targets all >"$tmp/top.targets"
    ninja -C "$tmp/top" "${tool_targets[@]}"   # what cmake --install needs, not every example
    sha1sum <axiomws.h >"$tmp/croot.h0"   # others may edit the header meanwhile: what it
    DESTDIR="$tmp/croot" cmake --install "$tmp/top"
    sha1sum <axiomws.h >"$tmp/croot.h1"   # was around the copy, for the check below
    DESTDIR="$tmp/croot2" cmake --install "$tmp/top" --prefix /opt/axws
    echo "== without BearSSL"
    ! cmake -G Ninja -S "$src" -B "$tmp/nossl" -DCMAKE_FIND_ROOT_PATH="$tmp/empty" \
        -DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY -DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY \
        >"$tmp/nossl.log" 2>&1
}
# (c) meson, the repository as a subproject; the parent's dependency() would take an
# installed axiomws.pc first: force_fallback_for makes it the subproject
meson_sub() {
    set -e
    mkdir -p "$tmp/src/subprojects"
    ln -s "$src" "$tmp/src/subprojects/axiomws"
    meson setup "$tmp/ms" "$tmp/src" -Dforce_fallback_for=axiomws
    meson compile -C "$tmp/ms"
    "$tmp/ms/consumer" >"$tmp/ms.out"
}
job cmake_tree cmake_tree
job meson meson_sub

# ---- (a) make install, from a build directory of its own (B=): the test neither waits
# for nor rewrites the shared build/, and make install is seen building the tools it
# installs; -O0 because only the packaging is under test here
progress "make install DESTDIR=$root PREFIX=/usr"
mk() { make -s --no-print-directory B="$tmp/build" CFLAGS=-O0 "$@"; }
sha1sum <axiomws.h >"$tmp/root.h0"
if mk install DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" 2>&1; then
    passed=$((passed + 1)); install_ok=1
else
    failed=$((failed + 1)); echo "FAIL make install:"; tail -n 20 "$tmp/install.log"
    install_ok=0
fi
# the rest of (a) and (b)'s find_package read the staged tree: not there, nothing to check
if [[ $install_ok == 1 ]]; then
    files_under "$root" >"$tmp/installed.got"
    check "make install installs exactly: $(tr '\n' ' ' <"$tmp/installed.want")" \
        diff -u "$tmp/installed.want" "$tmp/installed.got"
    sha1sum <axiomws.h >"$tmp/root.h1"
    check "the installed header is axiomws.h" same_header "$root/usr/include/axiomws.h" "$tmp/root"
    for t in "${tools[@]}"; do
        bin=$root/usr/bin/${t#*:}
        check "${t#*:} is executable" test -x "$bin"
        check "${t#*:} is the Makefile's build of examples/${t%%:*}.c" cmp -s "$tmp/build/${t%%:*}" "$bin"
    done
    modes_ok() {
        local f m
        for f in "${installed[@]}"; do
            m=644; [[ $f == usr/bin/* ]] && m=755
            [[ $(stat -c %a "$root/$f" 2>/dev/null) == "$m" ]] || { echo "  $f: $(stat -c %a "$root/$f" 2>&1), want $m"; return 1; }
        done
    }
    check "modes: 644, 755 for the tools" modes_ok
    pc=$root/usr/lib/pkgconfig/axiomws.pc
    check ".pc: every @VAR@ replaced" sh -c "! grep -q @ '$pc'"
    check ".pc: prefix=/usr" grep -qx 'prefix=/usr' "$pc"
    check ".pc: Version $version (the header's)" grep -qx "Version: $version" "$pc"
    check "config-version.cmake: $version" grep -q "^set(PACKAGE_VERSION \"$version\")" \
        "$root/usr/lib/cmake/axiomws/axiomws-config-version.cmake"

    progress "pkg-config"
    pkgc() { PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root pkg-config "$@"; }
    check "pkg-config --modversion: $version" test "$(pkgc --modversion axiomws)" = "$version"
    cflags=$(pkgc --cflags axiomws); libs=$(pkgc --libs axiomws)
    check "pkg-config --cflags: the staged include dir ($cflags)" test "$(echo $cflags)" = "-I$root/usr/include"
    check "pkg-config --libs: -lbearssl ($libs)" test "$(echo $libs)" = "-lbearssl"
    mkdir -p "$tmp/pc"
    check "consumer compiles with pkg-config's Cflags alone (-Werror)" \
        cc -std=c99 -Wall -Wextra -pedantic -Werror $cflags -c "$tmp/src/consumer.c" -o "$tmp/pc/consumer.o"
    check "consumer does not link without pkg-config's Libs" \
        sh -c "! cc '$tmp/pc/consumer.o' -o '$tmp/pc/nolibs' 2>/dev/null"
    check "consumer links with pkg-config's Libs" cc "$tmp/pc/consumer.o" -o "$tmp/pc/consumer" $libs
    check "pkg-config consumer runs: $want" test "$("$tmp/pc/consumer")" = "$want"
    # the default prefix, read from what make would do
    check "PREFIX defaults to /usr/local" sh -c \
        "make -n B='$tmp/build' install DESTDIR='$tmp/x' | grep -qF \"'$tmp/x/usr/local/include/axiomws.h'\""

    progress "CMake find_package against the staged tree"
    fp_ok=0
    cmake -G Ninja -S "$tmp/src" -B "$tmp/find" -DCMAKE_PREFIX_PATH="$root/usr" \
        -DAXIOMWS_WANT_VERSION="$version" >"$tmp/find.log" 2>&1 \
        && cmake --build "$tmp/find" >>"$tmp/find.log" 2>&1 && fp_ok=1
    check "find_package(axiomws $version CONFIG REQUIRED) configures and builds" test $fp_ok = 1
    [[ $fp_ok = 1 ]] || tail -n 25 "$tmp/find.log" | sed 's/^/    /'
    check "find_package took the staged config, version $version" \
        grep -qxF -- "-- axiomws config: $root/usr/lib/cmake/axiomws version $version" "$tmp/find.log"
    check "axiomws::axiomws includes the staged include dir" \
        grep -qF -- "-- axiomws include: $root/usr/include;" "$tmp/find.log"
    check "find_package consumer runs: $want" test "$("$tmp/find/consumer" 2>&1)" = "$want"

    # the version file: which requests the installed version satisfies (0.x: same minor)
    reqs=("$maj" "$maj.$min" "$version" "$maj.$min.$((pat + 1))" "$maj.$((min + 1))" "$((maj + 1))"
          "$maj.$min...$((maj + 1)).0" "0.0.1...<$version" "$version...$version")
    wants=(1 1 1 0 0 0 1 0 1)
    if ((maj > 0)); then reqs+=("$((maj - 1))"); wants+=(0)
    elif ((min > 0)); then reqs+=("0.$((min - 1))"); wants+=(0); fi
    {
        echo "-- request none: 1"
        for i in "${!reqs[@]}"; do echo "-- request ${reqs[$i]}: ${wants[$i]}"; done
        echo "-- request nobearssl: 0"
    } >"$tmp/versions.want"
    cmake -S "$tmp/src/versions" -B "$tmp/versions" -DAXIOMWS_ROOT="$root/usr" \
        "-DREQUESTS=$(IFS=';'; echo "${reqs[*]}")" >"$tmp/versions.log" 2>&1
    grep '^-- request ' "$tmp/versions.log" >"$tmp/versions.got"
    check "find_package version requests" diff -u "$tmp/versions.want" "$tmp/versions.got"
    check "without BearSSL, find_package says to install libbearssl-dev" \
        grep -q '^-- nobearssl message: axiomws needs BearSSL.*apt-get install libbearssl-dev' "$tmp/versions.log"
fi

progress "CMake from the source tree (add_subdirectory, top level, cmake --install)"
if joined cmake_tree; then
    passed=$((passed + 1))
    check "add_subdirectory consumer runs: $want" test "$(cat "$tmp/sub.out")" = "$want"
    check "add_subdirectory: the include dir is this tree" \
        grep -qF -- "-- axiomws include: \$<BUILD_INTERFACE:$src>;" "$tmp/cmake_tree.log"
    check "add_subdirectory builds no example by default" sh -c "! grep -q axiomws_example '$tmp/sub.targets'"
    check "add_subdirectory adds no install rule" test ! -e "$tmp/subroot"
    # CMake's examples are the Makefile's (EX_SRC: all but lwip_*), each with the extra
    # library the Makefile gives it (EX_LIBS_<name> := -l<lib>); read, not compiled, but
    # the five tools, which cmake --install needs
    make -pn examples 2>/dev/null >"$tmp/make.db"
    sed -n 's/^EX_SRC := //p' "$tmp/make.db" | tr ' ' '\n' | sed -n 's|^examples/\(.*\)\.c$|\1|p' \
        | sort >"$tmp/ex.make"
    sed -n 's/^axiomws_example_\([a-z0-9_]*\): .*/\1/p' "$tmp/top.targets" | sort >"$tmp/ex.cmake"
    check "AXIOMWS_BUILD_EXAMPLES has the Makefile's examples" \
        sh -c "test -s '$tmp/ex.make' && diff -u '$tmp/ex.make' '$tmp/ex.cmake'"
    sed -n 's/^EX_LIBS_\([a-z0-9_]*\) := -l\([^ ]*\)$/\1 \2/p' "$tmp/make.db" | sort >"$tmp/exlibs.make"
    sed -n 's/^set(_axiomws_example_lib_\([a-z0-9_]*\) \([^ )]*\)).*/\1 \2/p' CMakeLists.txt \
        | sort >"$tmp/exlibs.cmake"
    check "CMakeLists.txt links the examples' extra libraries as the Makefile does" \
        diff -u "$tmp/exlibs.make" "$tmp/exlibs.cmake"
    files_under "$tmp/croot" >"$tmp/croot.got"
    check "cmake --install installs what make install does" diff -u "$tmp/installed.want" "$tmp/croot.got"
    for f in "${installed[@]}"; do
        if [[ $f == usr/bin/* ]]; then
            check "cmake --install: $f is executable" test -x "$tmp/croot/$f"
        elif [[ $f == usr/include/axiomws.h ]]; then
            check "cmake --install: $f is axiomws.h" same_header "$tmp/croot/$f" "$tmp/croot"
        elif [[ $install_ok == 1 ]]; then
            check "cmake --install: $f is make install's" cmp -s "$root/$f" "$tmp/croot/$f"
        fi
    done
    check "cmake --install --prefix /opt/axws: the .pc says prefix=/opt/axws" \
        grep -qx 'prefix=/opt/axws' "$tmp/croot2/opt/axws/lib/pkgconfig/axiomws.pc"
    check "top-level configure fails without BearSSL, saying to install libbearssl-dev" \
        grep -q 'apt-get install' "$tmp/nossl.log"
else
    failed=$((failed + 1))
fi

progress "meson subproject"
if joined meson; then
    passed=$((passed + 1))
    check "meson consumer runs: $want" test "$(cat "$tmp/ms.out")" = "$want"
    check "meson: dependency('axiomws') is the subproject's override, version $version" \
        grep -qF "Dependency axiomws found: YES $version (overridden)" "$tmp/meson.log"
    check "meson: subproject('axiomws') gives axiomws_dep, version $version" \
        grep -qF "Message: axiomws subproject: version $version" "$tmp/meson.log"
else
    failed=$((failed + 1))
fi

progress "make's default parallelism"
mflags() { make -pn "$@" 2>/dev/null | sed -n 's/^MAKEFLAGS = //p'; }
check "make examples runs -j (one job per core)" sh -c "echo ' $(mflags examples) ' | grep -q ' -j[0-9]'"
check "make -j1 examples stays -j1" test "$(mflags -j1 examples | grep -o -- '-j[0-9]*')" = "-j1"
check "make demo stays serial (deps first)" sh -c "! echo ' $(mflags demo) ' | grep -q ' -j'"

if [[ $install_ok == 1 ]]; then
    progress "make uninstall"
    check "make uninstall" mk uninstall DESTDIR="$root" PREFIX=/usr
    check "make uninstall leaves no file" test -z "$(files_under "$root")"
    check "make uninstall removes lib/cmake/axiomws" test ! -e "$root/usr/lib/cmake/axiomws"
    check "make uninstall again is harmless" mk uninstall DESTDIR="$root" PREFIX=/usr
fi

progress "done"
finish
