# Shared by the bin/ launchers: builds the project when needed and runs a main class from it
# with Flink's local (MiniCluster) runtime on the classpath.
ATHENA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The --add-opens flags Flink's own distribution sets (flink-conf/config.yaml env.java.opts.all).
athena_java_opts() {
  sed -n 's/^ *all: //p' "$ATHENA_ROOT/flink-conf/config.yaml"
}

# Builds the modules unless the build output is newer than every source and pom.
athena_build() {
  local stamp="$ATHENA_ROOT/target/build.stamp"
  local newer
  if [ -f "$stamp" ] && [ -f "$ATHENA_ROOT/jobs/target/classpath.txt" ]; then
    newer=$(find "$ATHENA_ROOT/pom.xml" "$ATHENA_ROOT/common" "$ATHENA_ROOT/jobs" \
      \( -path '*/target' -prune \) -o -type f -newer "$stamp" -print -quit)
    [ -z "$newer" ] && return 0
  fi
  echo "[athena] building (first use, or sources changed) ..." >&2
  mkdir -p "$ATHENA_ROOT/target"
  # test-compile, not install: the reactor resolves common to its classes, and nothing is shaded.
  (cd "$ATHENA_ROOT" && mvn -B -ntp -q test-compile dependency:build-classpath \
      -Dmdep.includeScope=compile -Dmdep.outputFile=target/classpath.txt \
      -Dspotless.check.skip=true >&2) \
    || { echo "[athena] build failed" >&2; return 1; }
  touch "$stamp"
}

# Runs com.athena.jobs.Main with the given arguments; logs go to target/logs/<name>.log.
athena_run() {
  local name="$1"; shift
  athena_build || return 1
  mkdir -p "$ATHENA_ROOT/target/logs"
  # shellcheck disable=SC2046
  java $(athena_java_opts) -Xmx2g \
    -Dlog4j.configurationFile="$ATHENA_ROOT/flink-conf/log4j-cli.properties" \
    -Dlog.file="$ATHENA_ROOT/target/logs/$name.log" \
    -cp "$ATHENA_ROOT/jobs/target/classes:$(cat "$ATHENA_ROOT/jobs/target/classpath.txt")" \
    com.athena.jobs.Main "$@"
}
