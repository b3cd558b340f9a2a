#!/bin/bash
# The conformance suite (tests/test_conformance.py) once more, over wss://: every case's
# client is examples/echo behind tests/peers/wss_wrap.py, which puts a TLS server (Python's
# ssl, a test certificate for "localhost") in front of the case's raw server and relays the
# decrypted bytes. Checks that TLS changes nothing the WebSocket layer does. Cases whose
# verdict rests on how TCP itself ended (a reset, which a relay cannot pass on exactly)
# are the ones to read first if this fails while test_conformance passes.
cd "$(dirname "$0")/.."
pki=$(mktemp -d /tmp/axws-conf-tls-XXXXXX)
trap 'rm -rf "$pki"' EXIT
if ! sh tests/peers/gen_certs.sh "$pki"; then echo "0 passed, 1 failed"; exit 1; fi
TLS_PKI="$pki" ECHO="/usr/bin/python3 tests/peers/wss_wrap.py ${ECHO:-build/echo}" \
    /usr/bin/python3 tests/test_conformance.py "$@"
