# shellcheck shell=bash
# prometheus: the package the alert rules' tests run (see prometheus.conf).
# Sourced by bin/services (its helpers log, die, apt_install, ... in scope).

PROM_BIN=/usr/bin/prometheus
PROMTOOL_BIN=/usr/bin/promtool

prom_installed() { [[ -x $PROM_BIN && -x $PROMTOOL_BIN ]]; }
prom_daemon_pids() { pgrep -x prometheus -u prometheus 2>/dev/null || true; } # the package's service runs as user prometheus
prom_install() {
  prom_installed && return 0
  local before pid
  before=$(prom_daemon_pids)
  apt_install --no-install-recommends prometheus
  prom_installed || die "prometheus: the package is installed, but $PROM_BIN or $PROMTOOL_BIN is missing"
  # The package's maintainer script may start its service (on 9090) where no policy-rc.d forbids
  # it; the tests start their own server, so a daemon the install started is stopped and disabled.
  for pid in $(prom_daemon_pids); do
    [[ " $before " == *" $pid "* ]] && continue
    log "prometheus: stopping and disabling the system service the package started (pid $pid)"
    { invoke-rc.d prometheus stop || kill -TERM "$pid"; } >>"$RUN/apt.log" 2>&1 || true
    update-rc.d prometheus disable >>"$RUN/apt.log" 2>&1 || true
  done
  log "prometheus: $("$PROMTOOL_BIN" --version 2>&1 | head -n 1)"
}
