# shellcheck shell=bash
# pubsub: the standard topics and subscriptions (pubsub.conf provision).
# Sourced by bin/services (its helpers log, die, wait_until, ... in scope).

PUBSUB_TOPICS=(market-snapshots agent-costs dead-letters)
PUBSUB_SUBSCRIPTIONS=(market-snapshots-sub:market-snapshots treasury-market-snapshots-sub:market-snapshots agent-costs-sub:agent-costs)

pubsub_put() { # PATH JSON -> ok on 200 or 409 (already exists)
  local code
  code=$(curl -s -o "$RUN/pubsub/last-response.json" -w '%{http_code}' --max-time 10 -X PUT \
    -H 'Content-Type: application/json' -d "$2" "http://$HOST:$PUBSUB_PORT/v1/projects/$PROJECT_ID/$1" || true)
  [[ $code == 200 || $code == 409 ]] || {
    warn "pubsub: PUT $1 answered HTTP $code: $(cat "$RUN/pubsub/last-response.json" 2>/dev/null)"
    return 1
  }
}
pubsub_provision() {
  local t s
  for t in "${PUBSUB_TOPICS[@]}"; do pubsub_put "topics/$t" '{}' || return 1; done
  for s in "${PUBSUB_SUBSCRIPTIONS[@]}"; do
    pubsub_put "subscriptions/${s%%:*}" \
      "{\"topic\":\"projects/$PROJECT_ID/topics/${s#*:}\",\"ackDeadlineSeconds\":60}" || return 1
  done
}

