#!/bin/sh
# A self-signed TLS certificate for the proxy, made only when none is there.
#
# In docker-compose.yml the nginx image runs this at start (mounted in /docker-entrypoint.d/):
# the pair is kept in the proxy-tls volume (/etc/nginx/tls), so it is made once. For a real
# certificate, mount yours there as cert.pem and key.pem (see docs/deployment.md, TLS): this
# script then leaves it alone. The CI test (tests/deploy/) makes its pair with it too.
#
#   self-signed-cert.sh [DIR]   DIR defaults to $GCC_PROXY_TLS_DIR, else /etc/nginx/tls;
#                               the name is $GCC_PROXY_TLS_NAME (default localhost)
set -eu
dir="${1:-${GCC_PROXY_TLS_DIR:-/etc/nginx/tls}}"
name="${GCC_PROXY_TLS_NAME:-localhost}"
if [ -s "$dir/cert.pem" ] && [ -s "$dir/key.pem" ]; then
    echo "$0: using the certificate in $dir"
    exit 0
fi
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 825 \
    -subj "/CN=$name" \
    -addext "subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 644 "$dir/cert.pem"
echo "$0: made a self-signed certificate for $name in $dir (browsers will warn about it)"
