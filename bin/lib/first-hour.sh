# Sourced by bin/test after the Maven build: runs each command the README documents, in a short
# form, on this checkout, as a newcomer would in their first hour. Each command is one test case of
# target/first-hour/TEST-first-hour.xml (JUnit's XML format, so bin/test's totals count them); its
# output is in target/first-hour/<name>.log. Needs the services up (bin/sql, bin/bench).

FIRST_HOUR_DIR="$ATHENA_ROOT/target/first-hour"
FIRST_HOUR_CASES=()

# CHECK NAME EXPECTED_REGEX TIMEOUT_SECONDS COMMAND...: the command must exit 0 within the time
# and print a line matching the regex (if one is given).
first_hour_check() {
  local name=$1 expect=$2 limit=$3
  shift 3
  local log="$FIRST_HOUR_DIR/$name.log" start rc=0 secs failure=""
  start=$(date +%s)
  echo "[first-hour] $name: $*" >&2
  timeout -k 30 "$limit" "$@" >"$log" 2>&1 </dev/null || rc=$?
  secs=$(($(date +%s) - start))
  if [ "$rc" != 0 ]; then
    failure="exit status $rc (124: over ${limit} s); see $log"
  elif [ -n "$expect" ] && ! grep -Eq "$expect" "$log"; then
    failure="no line matching /$expect/ in the output; see $log"
  fi
  if [ -n "$failure" ]; then
    echo "[first-hour] $name FAILED: $failure" >&2
    tail -15 "$log" | sed 's/^/    /' >&2
    FIRST_HOUR_CASES+=("<testcase classname=\"first-hour\" name=\"$name\" time=\"$secs\"><failure message=\"$(printf '%s' "$failure" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/"/\&quot;/g')\"/></testcase>")
  else
    echo "[first-hour] $name ok (${secs} s)" >&2
    FIRST_HOUR_CASES+=("<testcase classname=\"first-hour\" name=\"$name\" time=\"$secs\"/>")
  fi
}

first_hour_run() {
  rm -rf "$FIRST_HOUR_DIR"
  mkdir -p "$FIRST_HOUR_DIR"
  local data="$ATHENA_ROOT/target/data/bitstamp_trades_from_20131125_usd.csv"
  local query="$FIRST_HOUR_DIR/query.sql"
  # A query over the project's own SQL function, evaluated by the SQL client with the job jar.
  cat >"$query" <<'SQL'
SET 'sql-client.execution.result-mode' = 'tableau';
SET 'execution.runtime-mode' = 'batch';
SELECT EMA(c, 3) AS ema3 FROM (VALUES (1.0), (2.0), (3.0), (4.0)) AS t(c);
SQL
  first_hour_check sql-file 'ema3' 600 "$ATHENA_ROOT/bin/sql" -f "$query"
  first_hour_check state-fixture '^agent' 300 "$ATHENA_ROOT/bin/state" \
    "$ATHENA_ROOT/jobs/src/test/resources/savepoints/treasury-v1/savepoint" treasury
  if [ ! -s "$data" ]; then
    mkdir -p "$(dirname "$data")"
    (cd "$ATHENA_ROOT" && mvn -B -ntp -q dependency:copy -Dartifact=org.ta4j:ta4j-examples:0.18 \
      -DoutputDirectory=target/data && unzip -o -q -j target/data/ta4j-examples-0.18.jar \
      bitstamp_trades_from_20131125_usd.csv -d target/data) >&2
  fi
  local out="$FIRST_HOUR_DIR/replay-1h.csv"
  # The rows are in the output file: print it after the run, for the check to read.
  first_hour_check replay '^BTC-USD,1h,2013-11-25T00:00:00Z,' 600 bash -c '"$0" "$@" && cat "$5"' \
    "$ATHENA_ROOT/bin/replay" indicators --input "$data" --out "$out" \
    --format trades --symbol BTC-USD --timeframe 1h
  first_hour_check bench-quick 'wrote .*report.md' 900 "$ATHENA_ROOT/bin/bench" --quick
  first_hour_check cluster-up 'TaskManagers|taskmanagers|up' 300 "$ATHENA_ROOT/bin/cluster" up
  first_hour_check flink-list 'running|scheduled|No running jobs' 120 "$ATHENA_ROOT/bin/flink" list
  first_hour_check cluster-down '' 180 "$ATHENA_ROOT/bin/cluster" down
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    local failures=0 c
    for c in "${FIRST_HOUR_CASES[@]}"; do [[ $c == *"<failure"* ]] && failures=$((failures + 1)); done
    echo "<testsuite name=\"first-hour\" tests=\"${#FIRST_HOUR_CASES[@]}\" failures=\"$failures\" errors=\"0\" skipped=\"0\">"
    printf '%s\n' "${FIRST_HOUR_CASES[@]}"
    echo '</testsuite>'
  } >"$FIRST_HOUR_DIR/TEST-first-hour.xml"
  for c in "${FIRST_HOUR_CASES[@]}"; do [[ $c == *"<failure"* ]] && return 1; done
  return 0
}
