#!/usr/bin/env bash
# scripts/load.sh (make load): drives a running stack (make up) through the gateway with Locust,
# headless, with the traffic mix of load/locustfile.py (CRUD 40 %, authentication 20 %, search 20 %,
# checkouts and other complex operations 20 %), so the dashboards and alerts see real traffic and we
# see the latency per endpoint. Writes Locust's CSV and HTML reports and summary.md (p50/p95/p99,
# errors) into LOAD_REPORT_DIR. Exits non-zero when a response was unexpected (Locust's exit code).
# Knobs (environment):
#   LOAD_USERS (100), LOAD_SPAWN_RATE (20 per s), LOAD_DURATION (Locust -t syntax, 2m),
#   LOAD_HOST (http://127.0.0.1:$GATEWAY_PORT), LOAD_REPORT_DIR (reports/load/<UTC time>).
# The admin tasks need an admin: ADMIN_EMAIL and ADMIN_PASSWORD, or else a new admin is made for
# this run with the customer service's create-admin CLI (as make up does); its password lives only
# in this run's environment. Guide: docs/guides/load-testing.md.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

USERS="${LOAD_USERS:-100}"
SPAWN_RATE="${LOAD_SPAWN_RATE:-20}"
DURATION="${LOAD_DURATION:-2m}"
HOST="${LOAD_HOST:-http://127.0.0.1:$GATEWAY_PORT}"
REPORT_DIR="${LOAD_REPORT_DIR:-$ROOT/reports/load/$(date -u +%Y%m%dT%H%M%SZ)}"

# Debian's Locust and Debian's python3 (/usr/bin), whatever locust or python3 comes first on PATH
# (a pip or pyenv one would lack the packages, or be another version).
ensure_locust() {
  if [ ! -x /usr/bin/locust ] || ! /usr/bin/python3 -c 'import locust, yaml' 2>/dev/null; then
    install_debian_packages python3-locust python3-yaml || die "could not install python3-locust (see .run/logs/apt.log)"
  fi
}

run_admin() {
  local cli="services/customer/dist/src/cli/create-admin.js" out
  if [ -n "${ADMIN_EMAIL:-}" ] && [ -n "${ADMIN_PASSWORD:-}" ]; then
    LOAD_ADMIN_EMAIL="$ADMIN_EMAIL"
    LOAD_ADMIN_PASSWORD="$ADMIN_PASSWORD"
    return 0
  fi
  [ -f "$ROOT/$cli" ] || die "$cli does not exist: run make up first (or set ADMIN_EMAIL and ADMIN_PASSWORD)"
  LOAD_ADMIN_EMAIL="load-admin-$(date -u +%Y%m%d%H%M%S)-$(openssl rand -hex 3)@commerce.local"
  LOAD_ADMIN_PASSWORD="$(openssl rand -hex 16)"
  log "creating this run's admin $LOAD_ADMIN_EMAIL"
  out="$(cd "$ROOT" && ADMIN_EMAIL="$LOAD_ADMIN_EMAIL" ADMIN_PASSWORD="$LOAD_ADMIN_PASSWORD" "$ROOT/scripts/env.sh" customer dev -- node "$cli")" ||
    die "create-admin failed: $out"
}

main() {
  local rc=0
  [[ "$USERS" =~ ^[1-9][0-9]*$ ]] || die "LOAD_USERS must be a positive number, got '$USERS'"
  [[ "$SPAWN_RATE" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "LOAD_SPAWN_RATE must be a number, got '$SPAWN_RATE'"
  [[ "$DURATION" =~ ^([0-9]+[hms])+$ ]] || die "LOAD_DURATION must look like 60s, 2m or 1h30m, got '$DURATION'"
  [ "$(http_status "$HOST/health")" = 200 ] ||
    die "no gateway answers on $HOST/health: start the stack with make up first"
  ensure_locust
  run_admin
  mkdir -p "$REPORT_DIR"
  log "load: $USERS users (spawn $SPAWN_RATE/s) for $DURATION against $HOST; reports in ${REPORT_DIR#"$ROOT"/}"
  # PYTHONDONTWRITEBYTECODE: no __pycache__ left in load/.
  LOAD_ADMIN_EMAIL="$LOAD_ADMIN_EMAIL" LOAD_ADMIN_PASSWORD="$LOAD_ADMIN_PASSWORD" PYTHONDONTWRITEBYTECODE=1 \
    /usr/bin/locust -f "$ROOT/load/locustfile.py" --headless --only-summary \
    --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$DURATION" --host "$HOST" \
    --csv "$REPORT_DIR/locust" --html "$REPORT_DIR/report.html" --logfile "$REPORT_DIR/locust.log" \
    >"$REPORT_DIR/locust.out" 2>&1 || rc=$?
  PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 "$ROOT/load/summary.py" "$REPORT_DIR" "host=$HOST" "users=$USERS" "spawn rate=$SPAWN_RATE/s" \
    "duration=$DURATION" "locust exit code=$rc" || rc=$((rc == 0 ? 1 : rc))
  if [ "$rc" -ne 0 ]; then
    grep -h '/ERROR/' "$REPORT_DIR/locust.log" 2>/dev/null | tail -n 5 >&2 || true
    warn "the load run failed (exit code $rc): see the errors above, ${REPORT_DIR#"$ROOT"/}/locust.out and locust.log"
  fi
  log "reports: ${REPORT_DIR#"$ROOT"/}/{summary.md,report.html,locust_stats.csv,locust_failures.csv}"
  return "$rc"
}

main "$@"
