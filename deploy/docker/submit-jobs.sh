#!/usr/bin/env bash
# Submits the market, treasury and activity jobs to the session cluster at $JOBMANAGER (host:port,
# default jobmanager:8081), each unless a job of that name already runs: the compose `client`
# service runs it, in the style of the flink-playgrounds' client container.
#
#   submit-jobs.sh [JOB...]        JOB: market, treasury, activity (default: all three)
#
# Extra job options (`--key value ...`) come from ATHENA_JOB_ARGS; the service addresses from the
# env file ATHENA_SERVICES_ENV names, read by the client and shipped with the job graph.
set -Eeuo pipefail
JOBMANAGER=${JOBMANAGER:-jobmanager:8081}
JAR=${ATHENA_JOB_JAR:-/opt/flink/usrlib/athena-jobs-0.1.0-SNAPSHOT-job.jar}
FLINK=${FLINK_HOME:-/opt/flink}/bin/flink
read -r -a EXTRA <<<"${ATHENA_JOB_ARGS:-}"
jobs=("$@")
((${#jobs[@]})) || jobs=(market treasury activity)

for i in $(seq 1 60); do
  "$FLINK" list -m "$JOBMANAGER" >/dev/null 2>&1 && break
  ((i == 60)) && { echo "[client] no JobManager answers at $JOBMANAGER" >&2; exit 1; }
  sleep 2
done
for job in "${jobs[@]}"; do
  case $job in market | treasury | activity) ;; *) echo "[client] unknown job '$job' (market, treasury, activity)" >&2; exit 2 ;; esac
  if "$FLINK" list -r -m "$JOBMANAGER" 2>/dev/null | grep -q ": athena-$job (RUNNING)"; then
    echo "[client] athena-$job already runs; not submitting it again"
    continue
  fi
  echo "[client] submitting athena-$job: $JAR $job ${EXTRA[*]}"
  "$FLINK" run -d -m "$JOBMANAGER" "$JAR" "$job" "${EXTRA[@]}"
done
