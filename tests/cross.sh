#!/bin/bash
# Every C test program, and the conformance suite's echo client, built for 32-bit ARM
# (armhf: 32-bit size_t, pointers and time_t) and for big-endian s390x with Debian's cross
# compilers, then run under qemu-user against the same local peers (Node, Python, OpenSSL)
# as `make test`. Run by `make cross`, which
# installs the compilers, qemu-user and BearSSL for both architectures first
# (tests/deps.sh cross). STD and WARN come from the Makefile.
# Ends with "N passed, N failed"; a program that does not build counts as one failure.
cd "$(dirname "$0")/.."
source tests/runner.sh
: "${STD:?run through make cross}" "${WARN:?run through make cross}"
for target in arm-linux-gnueabihf:qemu-arm s390x-linux-gnu:qemu-s390x; do
    triple=${target%%:*}
    qemu=${target##*:}
    out=build/cross/$triple
    mkdir -p "$out"
    for src in tests/test_*.c; do
        name=$(basename "$src" .c)
        # a test that checks against zlib (the inflate's) links it, as the Makefile's
        # TEST_LIBS_<name> does (zlib1g-dev:ARCH, tests/deps.sh cross)
        extra=""
        grep -q '^#include <zlib.h>' "$src" && extra=-lz
        # large-file offsets: 32-bit readdir() fails on 64-bit directory cookies otherwise
        # shellcheck disable=SC2086
        if ! "$triple-gcc" $STD $WARN -O2 -g -D_FILE_OFFSET_BITS=64 -I. -Itests "$src" \
                -o "$out/$name" -lbearssl -lm $extra 2>"build/logs/cross_${triple}_${name}.build.log"; then
            run "$triple/$name (build)" false
            continue
        fi
        # -L /: the target's libraries from Debian's multiarch directories (libbearssl-dev:ARCH)
        run "$triple/$name" "$qemu" -L / "$out/$name"
    done
    # the RFC 6455 conformance suite against the echo example built for the target
    # shellcheck disable=SC2086
    if "$triple-gcc" $STD $WARN -O2 -g -D_FILE_OFFSET_BITS=64 -I. examples/echo.c -o "$out/echo" \
            -lbearssl 2>"build/logs/cross_${triple}_echo.build.log"; then
        run "$triple/test_conformance" env ECHO="$qemu -L / $out/echo" \
            /usr/bin/python3 tests/test_conformance.py
    else
        run "$triple/echo (build)" false
    fi
done
summary
