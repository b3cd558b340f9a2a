#!/bin/sh
# Makes a throw-away test CA and a server certificate signed by it, for the stand-in and other
# local TLS peers. Nothing it makes is ever committed: tests call it with a temporary directory.
#   tests/peers/mkcerts.sh DIR [rsa|ec]      (ec = P-256, the default; rsa = 2048 bits)
# Writes DIR/ca.pem (trust anchor), DIR/ca.key, DIR/server.pem, DIR/server.key. The server
# certificate names localhost, 127.0.0.1 and ::1, and is valid for 30 days from now.
set -e
dir=${1:?usage: mkcerts.sh DIR [rsa|ec]}
kind=${2:-ec}
case $kind in
    ec)  newkey="-newkey ec -pkeyopt ec_paramgen_curve:P-256" ;;
    rsa) newkey="-newkey rsa:2048" ;;
    *) echo "mkcerts.sh: key kind is rsa or ec" >&2; exit 2 ;;
esac
mkdir -p "$dir"
cd "$dir"
openssl req -x509 $newkey -nodes -keyout ca.key -out ca.pem -days 30 \
    -subj "/CN=axiomws test CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req $newkey -nodes -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
    "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
    -days 30 -extfile server.ext 2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 600 ca.key server.key
