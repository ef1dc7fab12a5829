# shellcheck shell=bash
# The local CA and the server certificates it signs (postgres, kafka).
# Sourced by bin/services (its helpers log, die, wait_until, ... in scope).

TLS_DIR=$RUN/tls
TLS_CA=$TLS_DIR/ca.crt

tls_ca() { # the local CA, generated once (its key never leaves target/services/tls/)
  [[ -s $TLS_CA && -s $TLS_DIR/ca.key ]] && return 0
  command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"
  mkdir -p "$TLS_DIR"
  (
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=athena local services CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$TLS_DIR/ca.key.tmp" -out "$TLS_DIR/ca.crt.tmp" >>"$TLS_DIR/openssl.log" 2>&1
  ) || die "TLS: creating the local CA failed, see $TLS_DIR/openssl.log"
  chmod 644 "$TLS_DIR/ca.crt.tmp"
  mv "$TLS_DIR/ca.key.tmp" "$TLS_DIR/ca.key"
  mv "$TLS_DIR/ca.crt.tmp" "$TLS_CA"
}
tls_server_cert() { # DIR: server.key + server.crt for 127.0.0.1/localhost signed by the CA, once
  local d=$1
  tls_ca
  [[ -s $d/server.crt && -s $d/server.key && ! $TLS_CA -nt $d/server.crt ]] && return 0
  mkdir -p "$d"
  (
    umask 077
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$HOST" -keyout "$d/server.key.tmp" -out "$d/server.csr" &&
      printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:%s,DNS:localhost\n' \
        "$HOST" >"$d/server.ext" &&
      openssl x509 -req -in "$d/server.csr" -CA "$TLS_CA" -CAkey "$TLS_DIR/ca.key" -CAcreateserial \
        -CAserial "$TLS_DIR/ca.srl" -days 825 -sha256 -extfile "$d/server.ext" -out "$d/server.crt.tmp"
  ) >>"$TLS_DIR/openssl.log" 2>&1 || die "TLS: creating the certificate in $d failed, see $TLS_DIR/openssl.log"
  chmod 644 "$d/server.crt.tmp"
  mv "$d/server.key.tmp" "$d/server.key"
  mv "$d/server.crt.tmp" "$d/server.crt"
  rm -f "$d/server.csr" "$d/server.ext"
}


