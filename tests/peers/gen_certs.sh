#!/bin/sh
# Generates throw-away TLS material for the wss:// tests into DIR (never committed):
#   ca.pem/ca.key         test CA (ECDSA P-256)
#   rsa.pem/rsa.key       server "localhost" (RSA 2048) signed by the CA
#   ec.pem/ec.key         server "localhost" (ECDSA P-256) signed by the CA
#   wrong.pem/wrong.key   server "wrong.example" signed by the CA (name mismatch)
#   other_ca.pem          another CA, and other.pem/other.key: "localhost" signed by it
# Every leaf is valid for 825 days from now; expiry is tested with an injected clock.
# Usage: tests/peers/gen_certs.sh DIR
set -e
d=${1:?usage: gen_certs.sh DIR}
mkdir -p "$d"
cd "$d"
q() { openssl "$@" >/dev/null 2>&1 || { echo "gen_certs: openssl $1 failed" >&2; openssl "$@"; exit 1; }; }
ca() { # name subject
    q req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.pem" \
        -days 3650 -subj "/CN=$2" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign"
}
leaf() { # name keyspec dnsname ca
    printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' "$3" > "$1.ext"
    q req -newkey "$2" -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$3"
    q x509 -req -in "$1.csr" -CA "$4.pem" -CAkey "$4.key" -CAcreateserial -out "$1.pem" -days 825 -extfile "$1.ext"
    rm -f "$1.csr" "$1.ext"
}
ca ca "axiomws test CA"
ca other_ca "axiomws other CA"
leaf rsa rsa:2048 localhost ca
leaf ec ec:ca.pem localhost ca
leaf wrong ec:ca.pem wrong.example ca
leaf other ec:ca.pem localhost other_ca
