#!/bin/sh
# deploy/docker-compose.yml's one-shot `certs` service: copies what `make certs` made
# (.run/certs/compose, mounted read-only at /certs) into one volume per TLS server, mounted
# at /tls/<server>, each key owned by the user its server runs as and readable by it alone.
# A bind-mounted key keeps its owner from the host, which is no container's user: Postgres
# refuses such a key, and the others could not read a 0600 one.
set -eu

missing() {
  echo "certs: $1 is missing: run \`make certs\` (it writes .run/certs/compose)" >&2
  exit 1
}

# put SERVER UID: the certificate and the CA readable by all, the key by UID only.
put() {
  for file in "/certs/$1/tls.crt" "/certs/$1/tls.key"; do
    [ -f "$file" ] || missing "$file"
  done
  cp /certs/ca.crt "/certs/$1/tls.crt" "/tls/$1/"
  cp "/certs/$1/tls.key" "/tls/$1/tls.key"
  chown "$2:0" "/tls/$1/tls.key"
  chmod 0600 "/tls/$1/tls.key"
  chmod 0644 "/tls/$1/ca.crt" "/tls/$1/tls.crt"
}

[ -f /certs/ca.crt ] || missing /certs/ca.crt
put postgres 70        # postgres:15-alpine's postgres user
put redis 999          # redis:7-alpine's redis user
put proxy 10001        # deploy/Dockerfile's konstruct user
put bridge-web 10001
put portal 0           # nginx reads its key as root, before it drops privileges
put lb 0
cp /certs/ca.crt /tls/ca/ca.crt
chmod 0644 /tls/ca/ca.crt
echo "certs: installed for postgres, redis, proxy, bridge-web, portal, lb"
