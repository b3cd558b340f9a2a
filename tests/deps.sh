#!/bin/sh
# Installs what the build, tests and demo need and are missing: Debian packages through
# apt-get when run as root (otherwise prints the exact command and fails), then the Node
# peers' packages from the committed package-lock.json.
# Usage: tests/deps.sh [bench|cross]   (bench adds the libraries the benchmarks compare
# against; cross adds the armhf and s390x cross compilers, qemu-user and BearSSL for both
# architectures, which needs Debian's multiarch: dpkg --add-architecture)
set -e
cd "$(dirname "$0")/.."
pkgs="gcc g++ clang make libbearssl-dev zlib1g-dev python3 python3-websockets python3-autobahn openssl tinyproxy microsocks liblwip-dev libuv1-dev pkg-config cmake meson ninja-build gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"
# Node may come from another source than Debian (it ships its own npm): look for the commands.
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
[ "${1:-}" = bench ] && pkgs="$pkgs libjsmn-dev libyajl-dev libcjson-dev libsimdjson-dev libssl-dev valgrind libwebsockets-dev"
if [ "${1:-}" = cross ]; then
    pkgs="$pkgs gcc-arm-linux-gnueabihf gcc-s390x-linux-gnu qemu-user libbearssl-dev:armhf libbearssl-dev:s390x"
    pkgs="$pkgs zlib1g-dev:armhf zlib1g-dev:s390x" # tests/test_inflate.c's reference
    for arch in armhf s390x; do
        dpkg --print-foreign-architectures | grep -qx "$arch" && continue
        if [ "$(id -u)" = 0 ]; then
            echo "deps: adding the $arch architecture (multiarch)"
            dpkg --add-architecture "$arch"
        else
            echo "deps: run: sudo dpkg --add-architecture $arch && sudo apt-get update" >&2
            exit 1
        fi
    done
fi
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "deps: installing$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq || true
        apt-get install -y -qq $missing
    else
        echo "deps: missing packages:$missing" >&2
        echo "deps: run: sudo apt-get install -y$missing" >&2
        exit 1
    fi
fi
if [ -f tests/peers/package-lock.json ] && [ ! -d tests/peers/node_modules ]; then
    echo "deps: installing the Node test peers' packages (npm ci)"
    (cd tests/peers && npm ci --no-audit --no-fund --loglevel=error)
fi
exit 0
