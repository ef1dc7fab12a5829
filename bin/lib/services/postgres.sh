# shellcheck shell=bash
# postgres: the helpers named in postgres.conf.
# Sourced by bin/services (its helpers log, die, wait_until, ... in scope).

PG_VERSION=15
# Another cluster (pg_createcluster 15 NAME) only to try changes to bin/services without touching main.
PG_CLUSTER=${PG_CLUSTER:-main}
[[ $PG_CLUSTER =~ ^[A-Za-z0-9_-]+$ ]] || die "PG_CLUSTER must be a cluster name"
PG_DB=athena
PG_USER=athena
PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
PG_CONF=/etc/postgresql/$PG_VERSION/$PG_CLUSTER
PG_HBA=$PG_CONF/pg_hba.conf
# What the server reads lives outside the checkout (which the postgres user may not be able to
# enter): the TLS files go to a postgres-owned directory keyed by the checkout's path.
PG_TLS_DIR=/var/lib/postgresql/bin-services/$(printf '%s' "$RUN" | sha256sum | cut -c1-16)
PG_TLS_SRC=$RUN/postgres/tls
PG_DATA=$(pg_conftool -s "$PG_VERSION" "$PG_CLUSTER" show data_directory 2>/dev/null ||
  echo "/var/lib/postgresql/$PG_VERSION/$PG_CLUSTER")

pg_password() {
  if [[ -n ${POSTGRES_PASSWORD:-} ]]; then
    [[ $POSTGRES_PASSWORD =~ ^[A-Za-z0-9._+=@%,/:-]+$ ]] ||
      die "POSTGRES_PASSWORD may only contain letters, digits and ._+=@%,/:- (it goes to an env file)"
    printf '%s' "$POSTGRES_PASSWORD"
    return
  fi
  local f=$RUN/postgres/password
  if [[ ! -s $f ]]; then
    mkdir -p "$RUN/postgres"
    (
      umask 077
      LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 >"$f.tmp"
      mv "$f.tmp" "$f"
    )
  fi
  chmod 600 "$f"
  cat "$f"
}

pg_tls_prepare() { # the server's certificate from the local CA, copied to where postgres can read it
  tls_server_cert "$PG_TLS_SRC"
  install -d -o postgres -g postgres -m 700 /var/lib/postgresql/bin-services "$PG_TLS_DIR" ||
    die "postgres: cannot create $PG_TLS_DIR for the server's TLS files"
  local f
  for f in server.crt server.key; do
    cmp -s "$PG_TLS_SRC/$f" "$PG_TLS_DIR/$f" ||
      install -o postgres -g postgres -m 600 "$PG_TLS_SRC/$f" "$PG_TLS_DIR/$f" ||
      die "postgres: cannot copy $f into $PG_TLS_DIR"
  done
  printf '%s\n' "$ROOT" >"$PG_TLS_DIR/checkout" # for whoever wonders whose files these are
}
pg_ensure_hba() {
  if ! grep -Eq '^[[:space:]]*host(ssl|nossl)?[[:space:]]+all[[:space:]]+(all|athena)[[:space:]]+127\.0\.0\.1/32[[:space:]]+' "$PG_HBA"; then
    log "postgres: allowing password logins from 127.0.0.1 in $PG_HBA"
    printf '\n# added by bin/services: password logins over TCP on loopback\nhost    all    all    127.0.0.1/32    scram-sha-256\n' >>"$PG_HBA"
  fi
}
pg_prepare() {
  [[ -x $PG_BIN/postgres ]] || die "PostgreSQL $PG_VERSION not found in $PG_BIN (apt-get install postgresql-$PG_VERSION)"
  [[ -f $PG_CONF/postgresql.conf ]] ||
    die "no PostgreSQL cluster $PG_VERSION/$PG_CLUSTER ($PG_CONF/postgresql.conf; pg_createcluster $PG_VERSION $PG_CLUSTER)"
  [[ -f $PG_DATA/PG_VERSION ]] || die "postgres: $PG_DATA is not a PostgreSQL data directory"
  pg_ensure_hba
  pg_tls_prepare
  ts_ensure_extension
  # the socket directory and the pid file that the Debian configuration names
  install -d -o postgres -g postgres -m 2775 /var/run/postgresql
}
pg_foreign_postmaster() { # prints the pid of a server running the cluster that is not ours
  local pid
  pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9') || true
  pid_alive "$pid" && [[ $(pid_cmd "$pid") == *postgres* ]] && ! started_by_us "$pid" && echo "$pid"
  true
}
pg_take_over() { # the cluster runs, started elsewhere: stop it if nobody else's bin/services runs it
  local pid owner
  pid=$(pg_foreign_postmaster)
  [[ -n $pid ]] || return 0
  owner=$(owner_of "$pid")
  [[ -z $owner ]] || die "postgres: cluster $PG_VERSION/$PG_CLUSTER is run by the bin/services of another" \
    "checkout ($owner); stop it there (bin/services down postgres), or choose PG_CLUSTER/PG_PORT"
  log "postgres: cluster $PG_VERSION/$PG_CLUSTER runs outside bin/services (pid $pid); restarting it under this checkout's supervisor"
  (cd / && timeout 90 pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" stop -m fast) \
    >>"$RUN/postgres/provision.log" 2>&1 9>&- || die "postgres: could not stop the running cluster (pid $pid)"
}
pg_ready() { (cd / && timeout 5 pg_isready -q -h "$HOST" -p "$PG_PORT" -t 2) 2>/dev/null; }
pg_psql_admin() { # DB: SQL from stdin, as the postgres superuser over the local socket
  (cd / && timeout 120 su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -p $PG_PORT -d $1") >>"$RUN/postgres/provision.log" 2>&1
}
pg_query() { # DB SQL: one value, as athena over TCP with the server's certificate verified
  local pw
  pw=$(pg_password) || return 1
  (cd / && PGPASSWORD=$pw timeout 20 psql -X -Atq \
    "host=$HOST port=$PG_PORT user=$PG_USER dbname=$1 sslmode=verify-full sslrootcert=$TLS_CA connect_timeout=5" \
    -c "$2" 2>/dev/null)
}
pg_check() { [[ $(pg_query "$PG_DB" 'select 1') == 1 ]]; }
pg_provision() {
  local pw tries=0
  pw=$(pg_password)
  # The password goes through stdin, never on a command line. Retried: right after the start the
  # server may still refuse connections while it finishes recovery.
  until pg_psql_admin postgres <<SQL; do
SELECT format('CREATE ROLE %I', '$PG_USER') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER')\gexec
ALTER ROLE $PG_USER WITH LOGIN CREATEDB PASSWORD '$pw';
SELECT format('CREATE DATABASE %I OWNER %I', '$PG_DB', '$PG_USER') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
ALTER DATABASE $PG_DB OWNER TO $PG_USER;
SQL
    ((++tries >= 5)) && {
      warn "postgres: creating role/database failed (see $RUN/postgres/provision.log)"
      return 1
    }
    sleep 1
  done
}

