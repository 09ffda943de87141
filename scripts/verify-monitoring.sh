#!/usr/bin/env bash
# scripts/verify-monitoring.sh (make verify-monitoring; .ci/run runs it after make test): proves the
# Grafana dashboards against a live stack, since Grafana itself can't run here. Steps:
#   1. make up, unless the gateway and every service already answer (then it is left running);
#   2. make monitor (Prometheus and the exporters), noting whether it was running already;
#   3. a short load through the gateway: scripts/load.sh with LOAD_USERS (30), LOAD_SPAWN_RATE (10)
#      and LOAD_DURATION (60s) unless set;
#   4. one scrape interval later (so the load's last samples are in), every panel's queries through
#      Prometheus: node scripts/check-dashboards.mjs --require-data --panels, one result per panel;
#      and the alerts that read exporters have local data (DiskSpaceLow's filesystems, the DLQ depth
#      of DeadLetterQueueGrowing);
#   5. the alerting path (scripts/check-alert-delivery.mjs, about 35 s): Prometheus sends to the
#      Alertmanager, synthetic critical alerts reach the pager sink within the group_wait, the
#      warnings they inhibit reach no sink, a warning nothing inhibits reaches the ticket sink, and
#      Prometheus' own Watchdog reaches the heartbeat sink;
#   6. stops what it started (the monitoring; the stack with make down), whatever happened.
# Each panel, each alert-data check and each alerting check is one test; a failed load run or a
# step that could not run counts as 1 failed. Output in .run/verify-monitoring/; the last line is
# `verify-monitoring: <passed> passed, <failed> failed`. Exits non-zero if anything failed.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROMETHEUS_URL="http://127.0.0.1:9090"
ALERTMANAGER_URL="http://127.0.0.1:9093"   # scripts/monitor.sh's Alertmanager and alert sink
ALERT_SINK_URL="http://127.0.0.1:9095"
OUT_DIR="$RUN_DIR/verify-monitoring"
SCRAPE_WAIT="${VERIFY_SCRAPE_WAIT:-20}"   # seconds: prometheus.yml scrapes every 15 s
PASSED=0
FAILED=0
STARTED_STACK=""
STARTED_MONITOR=""

stack_up() {
  local svc
  [ "$(http_status "http://127.0.0.1:$GATEWAY_PORT/health")" = 200 ] || return 1
  for svc in $(services); do
    [ "$(http_status "http://127.0.0.1:$(service_port "$svc")/health/ready")" = 200 ] || return 1
  done
}

failed_step() {
  warn "$1 (counted as 1 failed)"
  FAILED=$((FAILED + 1))
}

# Stops only what this run started, so a developer's own stack and monitoring keep running.
cleanup() {
  if [ -n "$STARTED_STACK" ]; then
    "$ROOT/scripts/down.sh" || warn "make down failed"
  elif [ -n "$STARTED_MONITOR" ]; then
    "$ROOT/scripts/monitor.sh" stop || warn "scripts/monitor.sh stop failed"
  fi
}

# series <PromQL>: how many series Prometheus answers (empty when it refuses the query).
series() {
  # shellcheck disable=SC2016 # ${...} belongs to the JavaScript
  node --input-type=module -e '
    const res = await fetch(`${process.argv[1]}/api/v1/query?${new URLSearchParams({ query: process.argv[2] })}`);
    const body = await res.json();
    if (body.status === "success") console.log(body.data.result.length);
  ' "$PROMETHEUS_URL" "$1" 2>/dev/null || true
}

# alert_data <alert> <PromQL>: the alert's expression without its threshold has at least one series.
alert_data() {
  local n
  n="$(series "$2")"
  if [ "${n:-0}" -gt 0 ]; then
    info "ok   $1 has local data ($n series)"
    PASSED=$((PASSED + 1))
  else
    info "FAIL $1 has no local data [$2]"
    FAILED=$((FAILED + 1))
  fi
}

# checked <name> <result prefix> <log file> <command...>: runs a checker whose last line is
# `<prefix>: <passed> passed, <failed> failed` and adds those counts; no such line is a failed step.
checked() {
  local name="$1" prefix="$2" log_file="$3" result rc=0
  shift 3
  (cd "$ROOT" && "$@") 2>&1 | tee "$log_file" || rc=$?
  result="$(grep -E "^$prefix: [0-9]+ passed, [0-9]+ failed" "$log_file" | tail -n 1 || true)"
  if [ -z "$result" ]; then
    failed_step "the $name check crashed (exit $rc, see ${log_file#"$ROOT"/})"
    return 0
  fi
  PASSED=$((PASSED + $(sed -E 's/^.*: ([0-9]+) passed.*/\1/' <<<"$result")))
  FAILED=$((FAILED + $(sed -E 's/^.*: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$result")))
}

check_panels() {
  log "every dashboard panel through Prometheus (data required)"
  checked dashboard panels "$OUT_DIR/panels.log" \
    node scripts/check-dashboards.mjs --prometheus "$PROMETHEUS_URL" --require-data --panels
}

check_alert_data() {
  log "alerts that read the exporters have local data"
  alert_data DiskSpaceLow \
    'node_filesystem_avail_bytes{fstype!~"tmpfs|ramfs|squashfs|overlay|nsfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|ramfs|squashfs|overlay|nsfs"}'
  alert_data 'DeadLetterQueueGrowing (broker side)' 'rabbitmq_detailed_queue_messages_ready{queue=~".+\\.dlq"}'
}

check_alerting() {
  log "the alerting path: Prometheus → Alertmanager → the pager, ticket and heartbeat sinks (.run/logs/alerts.log)"
  checked alerting 'alert delivery' "$OUT_DIR/alerting.log" \
    node scripts/check-alert-delivery.mjs --prometheus "$PROMETHEUS_URL" \
    --alertmanager "$ALERTMANAGER_URL" --sink "$ALERT_SINK_URL" --log "$LOG_DIR/alerts.log"
}

run() {
  if stack_up; then
    log "the stack is up: using it (and leaving it up)"
  else
    STARTED_STACK=yes
    "$ROOT/scripts/up.sh" || { failed_step "make up failed"; return 0; }
  fi
  pid_file_live "$RUN_DIR/monitor/prometheus.pid" prometheus || STARTED_MONITOR=yes
  "$ROOT/scripts/monitor.sh" start || { failed_step "make monitor failed"; return 0; }
  LOAD_USERS="${LOAD_USERS:-30}" LOAD_SPAWN_RATE="${LOAD_SPAWN_RATE:-10}" LOAD_DURATION="${LOAD_DURATION:-60s}" \
    LOAD_REPORT_DIR="${LOAD_REPORT_DIR:-$OUT_DIR/load}" "$ROOT/scripts/load.sh" ||
    failed_step "the load run failed (scripts/load.sh; its report is in ${OUT_DIR#"$ROOT"/}/load)"
  log "waiting ${SCRAPE_WAIT}s for Prometheus to scrape the end of the load"
  sleep "$SCRAPE_WAIT"
  check_panels
  check_alert_data
  check_alerting
}

main() {
  rm -rf "$OUT_DIR"
  mkdir -p "$OUT_DIR"
  trap cleanup EXIT
  run
  trap - EXIT
  cleanup
  printf 'verify-monitoring: %s passed, %s failed\n' "$PASSED" "$FAILED"
  [ "$FAILED" -eq 0 ]
}

main "$@"
