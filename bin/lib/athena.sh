# Shared by the bin/ launchers: builds the project when needed and runs a tool from it with Flink's
# local (MiniCluster) runtime on the classpath. Everything resolves inside one reactor build, so a
# fresh clone needs nothing of the project installed in the local Maven repository.
ATHENA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ATHENA_VERSION=0.1.0-SNAPSHOT
# The shaded job jar: what `flink run` takes.
ATHENA_JOB_JAR="$ATHENA_ROOT/jobs/target/athena-jobs-$ATHENA_VERSION-job.jar"

# The --add-opens flags Flink's own distribution sets (flink-conf/config.yaml env.java.opts.all).
athena_java_opts() {
  sed -n 's/^ *all: //p' "$ATHENA_ROOT/flink-conf/config.yaml"
}

# Builds the modules (and the job jar) unless the build's own outputs are newer than every source
# and pom: the job jar and the classpaths the tools module writes (tools/target/classpath.txt,
# flink-classpath.txt). Judged by the outputs, so a build that made them (a `mvn verify` whose
# integration tests call these scripts) is never started again underneath itself.
athena_build() {
  local newer
  if [ -f "$ATHENA_ROOT/tools/target/classpath.txt" ] && [ -f "$ATHENA_JOB_JAR" ]; then
    newer=$(find "$ATHENA_ROOT/pom.xml" "$ATHENA_ROOT"/{domain,connectors,testing,jobs,tools} \
      \( -path '*/target' -prune \) -o -type f -newer "$ATHENA_JOB_JAR" -print -quit)
    [ -z "$newer" ] && return 0
  fi
  echo "[athena] building (first use, or sources changed) ..." >&2
  (cd "$ATHENA_ROOT" && mvn -B -ntp -q package -pl tools -am -Dmaven.test.skip=true -Dspotless.check.skip=true >&2) \
    || { echo "[athena] build failed" >&2; return 1; }
}

# Runs com.athena.tools.Main with the given arguments; logs go to target/logs/<name>.log.
athena_run() {
  local name="$1"; shift
  athena_build || return 1
  mkdir -p "$ATHENA_ROOT/target/logs"
  # shellcheck disable=SC2046
  java $(athena_java_opts) -Xmx2g \
    -Dlog4j.configurationFile="$ATHENA_ROOT/flink-conf/log4j-cli.properties" \
    -Dlog.file="$ATHENA_ROOT/target/logs/$name.log" \
    -cp "$ATHENA_ROOT/tools/target/classes:$(cat "$ATHENA_ROOT/tools/target/classpath.txt")" \
    com.athena.tools.Main "$@"
}
