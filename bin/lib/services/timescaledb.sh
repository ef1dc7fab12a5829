# shellcheck shell=bash
# timescaledb: the native extension (built once per machine) and the database; see timescaledb.conf.
# Sourced by bin/services (its helpers log, die, wait_until, ... in scope).

TS_DB=timescaledb
TS_VERSION=2.28.3
TS_TARBALL_SHA256=ec2f7de0ba53a473c01e0a57e09053898c6b1f7487228caff0f1d31c8cb2dedb
TS_SHAREDIR=/usr/share/postgresql/$PG_VERSION
TS_PKGLIBDIR=/usr/lib/postgresql/$PG_VERSION/lib
ts_installed_version() { # the installed extension's default version, if its libraries are there too
  local ctl=$TS_SHAREDIR/extension/timescaledb.control v
  [[ -f $ctl ]] || return 1
  v=$(sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$ctl")
  [[ -n $v && -f $TS_PKGLIBDIR/timescaledb.so && -f $TS_PKGLIBDIR/timescaledb-$v.so ]] && printf '%s' "$v"
}
ts_tarball() { # where the source archive is: TIMESCALEDB_TARBALL, else ../shared/vendor/ of the project
  local name=timescaledb-$TS_VERSION.tar.gz c base origin
  if [[ -n ${TIMESCALEDB_TARBALL:-} ]]; then
    [[ -f $TIMESCALEDB_TARBALL ]] || die "TIMESCALEDB_TARBALL=$TIMESCALEDB_TARBALL: no such file"
    printf '%s' "$TIMESCALEDB_TARBALL"
    return
  fi
  # next to the checkout, next to the main worktree, next to the repository it was cloned from
  local bases=("$ROOT/..")
  base=$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) && bases+=("$base/../..")
  origin=$(git -C "$ROOT" config --get remote.origin.url 2>/dev/null) && [[ $origin == /* ]] && bases+=("$origin/..")
  for base in "${bases[@]}"; do
    c=$base/shared/vendor/$name
    [[ -f $c ]] && { printf '%s' "$(cd "$(dirname "$c")" && pwd -P)/$name"; return; }
  done
  die "timescaledb: the source archive $name was not found in ../shared/vendor/ (looked in: ${bases[*]});" \
    "set TIMESCALEDB_TARBALL to it, or install TimescaleDB $TS_VERSION for PostgreSQL $PG_VERSION from Timescale's packages"
}
ts_ensure_extension() {
  local v
  if v=$(ts_installed_version); then
    [[ $v == "$TS_VERSION" ]] || log "timescaledb: using the installed extension $v (this project builds $TS_VERSION)"
    return 0
  fi
  mkdir -p "$RUN/timescaledb"
  # one build per machine at a time (another checkout may be building it right now)
  exec 8>/tmp/bin-services-timescaledb-build.lock
  flock -w 1800 8 || die "timescaledb: another build still holds /tmp/bin-services-timescaledb-build.lock"
  if v=$(ts_installed_version); then
    exec 8>&-
    return 0
  fi
  local tarball src=$RUN/timescaledb/build buildlog=$RUN/timescaledb/build.log t
  tarball=$(ts_tarball)
  [[ $(sha256sum "$tarball" | cut -d' ' -f1) == "$TS_TARBALL_SHA256" ]] ||
    die "timescaledb: $tarball is not the expected archive (sha256 differs)"
  apt_install cmake "postgresql-server-dev-$PG_VERSION"
  t=$(now_ms)
  log "timescaledb: building the extension $TS_VERSION from $tarball (once per machine, a few minutes; log: $buildlog)"
  rm -rf "$src"
  mkdir -p "$src"
  printf '\n===== %s building TimescaleDB %s from %s\n' "$(date -Is)" "$TS_VERSION" "$tarball" >>"$buildlog"
  if ! (
    set -e
    tar -xzf "$tarball" -C "$src" --strip-components=1
    cd "$src"
    timeout 600 ./bootstrap -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF -DWARNINGS_AS_ERRORS=OFF -DLINTER=OFF \
      -DCMAKE_BUILD_TYPE=Release -DPG_CONFIG="$PG_BIN/pg_config"
    timeout 1800 make -C build -j2
    timeout 300 make -C build install
  ) >>"$buildlog" 2>&1 9>&-; then
    show_log_tail "$buildlog"
    die "timescaledb: building the extension failed, see $buildlog (sources left in $src)"
  fi
  v=$(ts_installed_version) || die "timescaledb: built and installed, but $TS_SHAREDIR/extension/timescaledb.control or its library is missing"
  rm -rf "$src"
  log "timescaledb: extension $v built and installed ($(secs_since "$t"))"
  printf '===== %s built and installed in %s\n' "$(date -Is)" "$(secs_since "$t")" >>"$buildlog"
  exec 8>&-
}
ts_provision() { # the timescaledb database, owned by athena, with the extension (at its installed version)
  pg_psql_admin postgres <<SQL || return 1
SELECT format('CREATE DATABASE %I OWNER %I', '$TS_DB', '$PG_USER') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$TS_DB')\gexec
ALTER DATABASE $TS_DB OWNER TO $PG_USER;
SQL
  pg_psql_admin "$TS_DB" <<<'CREATE EXTENSION IF NOT EXISTS timescaledb;' || return 1
  local have want
  have=$(pg_query "$TS_DB" "select extversion from pg_extension where extname = 'timescaledb'")
  want=$(ts_installed_version) || true
  if [[ -n $want && $have != "$want" ]]; then
    log "timescaledb: updating the extension in database $TS_DB from $have to $want"
    pg_psql_admin "$TS_DB" <<<'ALTER EXTENSION timescaledb UPDATE;' || return 1
  fi
}
ts_check() { [[ -n $(pg_query "$TS_DB" "select extversion from pg_extension where extname = 'timescaledb'") ]]; }
