# Shared by bin/cluster and bin/flink: the Flink classpath (from bin/lib/cluster/pom.xml, since
# flink-dist is not served by Maven Central here) and the conf dir rendered for the local cluster.
# Sourced with `set -Eeuo pipefail` in effect.

CLUSTER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd -P)
CLUSTER_LIB=$CLUSTER_ROOT/bin/lib/cluster
CLUSTER_RUN=$CLUSTER_ROOT/target/cluster
CLUSTER_CP=$CLUSTER_RUN/classpath.txt
CLUSTER_CONF=$CLUSTER_RUN/conf
CLUSTER_LOG=$CLUSTER_RUN/log
CLUSTER_HOST=127.0.0.1
CLUSTER_REST_PORT=${CLUSTER_REST_PORT:-8081}
CLUSTER_RPC_PORT=${CLUSTER_RPC_PORT:-6123}
# Sized for a shared 2-core machine: small heaps, the TaskManagers' memory derived by Flink itself.
CLUSTER_JM_PROCESS_SIZE=${CLUSTER_JM_PROCESS_SIZE:-768m}
CLUSTER_TM_PROCESS_SIZE=${CLUSTER_TM_PROCESS_SIZE:-1024m}

cluster_log() { printf '[cluster] %s\n' "$*"; }
cluster_die() {
  printf '[cluster] ERROR: %s\n' "$*" >&2
  exit 1
}

# The --add-opens/--add-exports flags of env.java.opts.all: Flink needs them on Java 17.
cluster_java_opts() { sed -n 's/^ *all: //p' "$CLUSTER_ROOT/flink-conf/config.yaml"; }

# Resolves the classpath once; again only when the pom changes.
cluster_classpath() {
  mkdir -p "$CLUSTER_RUN"
  if [[ -s $CLUSTER_CP && $CLUSTER_CP -nt $CLUSTER_LIB/pom.xml ]]; then
    return 0
  fi
  cluster_log "resolving the Flink 1.20 classpath with Maven (first use; log: $CLUSTER_RUN/mvn.log)" >&2
  local try
  for try in 1 2 3; do
    if (cd "$CLUSTER_LIB" && timeout 900 mvn -B -q -ntp -Dstyle.color=never -f "$CLUSTER_LIB/pom.xml" \
      dependency:build-classpath -Dmdep.outputFile="$CLUSTER_CP.tmp") >>"$CLUSTER_RUN/mvn.log" 2>&1 &&
      [[ -s $CLUSTER_CP.tmp ]]; then
      mv "$CLUSTER_CP.tmp" "$CLUSTER_CP"
      return 0
    fi
    sleep 2
  done
  cluster_die "could not resolve the Flink classpath; see $CLUSTER_RUN/mvn.log"
}

# Renders target/cluster/conf: the repository's config.yaml (the production configuration, which
# holds no loopback address), then flat keys that override it for this machine: every address the
# local cluster binds or advertises is added here (Flink's YAML loader lets a later flat key win
# over the nested one).
cluster_render_conf() {
  mkdir -p "$CLUSTER_CONF" "$CLUSTER_LOG" "$CLUSTER_RUN/checkpoints" "$CLUSTER_RUN/savepoints" "$CLUSTER_RUN/tmp"
  local tmp=$CLUSTER_CONF/config.yaml.tmp
  {
    cat "$CLUSTER_ROOT/flink-conf/config.yaml"
    cat <<YAML

# ---- local overrides rendered by bin/cluster (target/cluster is this machine's state) ----
jobmanager.rpc.address: $CLUSTER_HOST
jobmanager.rpc.port: $CLUSTER_RPC_PORT
jobmanager.bind-host: $CLUSTER_HOST
jobmanager.memory.process.size: $CLUSTER_JM_PROCESS_SIZE
taskmanager.bind-host: $CLUSTER_HOST
taskmanager.host: $CLUSTER_HOST
taskmanager.numberOfTaskSlots: 2
taskmanager.memory.process.size: $CLUSTER_TM_PROCESS_SIZE
rest.address: $CLUSTER_HOST
rest.bind-address: $CLUSTER_HOST
rest.port: $CLUSTER_REST_PORT
state.checkpoints.dir: file://$CLUSTER_RUN/checkpoints
state.savepoints.dir: file://$CLUSTER_RUN/savepoints
io.tmp.dirs: $CLUSTER_RUN/tmp
web.tmpdir: $CLUSTER_RUN/tmp/web
blob.server.port: 0
metrics.reporter.prom.port: 9249-9251
# A TaskManager that dies (kill -9, a crashed JVM) refuses connections at once, so it is declared
# lost after heartbeat.rpc-failure-threshold (2) failed heartbeat RPCs: interval x 2, about 4 s
# here instead of 20 s with the default 10 s interval. Until then (seen with TaskManagerKillITCase)
# the JobManager keeps deploying the restarted tasks into the dead TaskManager's slots, each
# attempt failing at once and using up one of the job's 10 restart attempts; and when
# bin/cluster up has restarted it first under the same resource id, the late verdict on the old
# process disconnects the new one, a second failover of every job on it. heartbeat.timeout (in ms,
# for a TaskManager that hangs rather than dies) stays far above the GC pauses of 1 GB heaps.
heartbeat.interval: 2000
heartbeat.timeout: 20000
YAML
  } >"$tmp"
  mv "$tmp" "$CLUSTER_CONF/config.yaml"
  cp "$CLUSTER_ROOT/flink-conf/log4j.properties" "$CLUSTER_CONF/log4j.properties"
  cp "$CLUSTER_ROOT/flink-conf/log4j-cli.properties" "$CLUSTER_CONF/log4j-cli.properties"
  cp "$CLUSTER_ROOT/flink-conf/log4j-console.properties" "$CLUSTER_CONF/log4j-console.properties" 2>/dev/null || true
}
