#!/usr/bin/env bash
# scripts/test.sh (make test): everything CI checks, from a bare machine.
#   infrastructure → npm ci unless node_modules is up to date → the acceptance suite's tools (curl, jq,
#   python3-requests for the examples, chromium for the docs page test) → secrets → provision →
#   build, lint, typecheck → the OpenAPI lint (Spectral with the OWASP ruleset, .spectral.yaml)
#   → the monitoring gates (promtool and amtool, installed with Debian's prometheus and
#   prometheus-alertmanager packages when missing: check config, check rules, test rules,
#   Alertmanager's check-config and every alert's route, scripts/check-alert-routing.mjs; and
#   scripts/monitoring-k8s.mjs --check, scripts/alertmanager-config.mjs --check)
#   → the API docs (scripts/docs-bundle.mjs --self-test, then
#   make docs: docs/dist, which the acceptance suite's gateway serves and whose Postman collection
#   it runs) → the mocha suites (under c8) of every workspace that
#   has a .mocharc.json: shared first (env: scripts/env.sh kit test), then each
#   service (scripts/env.sh <svc> test), each inside its own directory; the
#   acceptance suite (acceptance/) LAST: it starts the five services itself
#   (scripts/env.sh <svc> acceptance) and is skipped, with a line saying so, while
#   a service's src/main.ts does not exist yet.
# Keeps going after a failure, prints a coverage summary per workspace, and
# ends with exactly one line `tests: <passed> passed, <failed> failed`.
# A failed build, lint, typecheck, OpenAPI lint or monitoring gate, and a mocha run that crashed (no
# "passing" line) or exited non-zero without a failing test, count as 1 failed.
# Exits non-zero if anything failed. Each suite's output: .run/test/<workspace>.log
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCRIPTS="$ROOT/scripts"
TEST_LOG_DIR="$RUN_DIR/test"
PASSED=0
FAILED=0
SUMMARY=()    # one line per gate or suite
COVERAGE=()   # one line per suite
FAILURES=()   # the failing tests' titles and errors, per suite

prepare() {
  "$SCRIPTS/infra.sh" ensure
  install_deps
  ensure_acceptance_tools
  "$SCRIPTS/secrets.sh"
  "$SCRIPTS/provision.sh"
}

# The acceptance suite's client examples (docs/examples) use curl, jq and Debian's python3 with
# requests; its docs page test drives Debian's Chromium (playwright-core, executablePath
# /usr/bin/chromium). What is missing comes in one apt-get; a failed install is not fatal here:
# the test that needs it fails, naming what to install.
ensure_acceptance_tools() {
  local missing=()
  have curl || missing+=(curl)
  have jq || missing+=(jq)
  /usr/bin/python3 -c 'import requests' 2>/dev/null || missing+=(python3-requests)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ "${#missing[@]}" -eq 0 ] && return 0
  install_debian_packages "${missing[@]}" ||
    warn "apt-get failed installing ${missing[*]} (see ${LOG_DIR#"$ROOT"/}/apt.log)"
}

# gate <name> <command...>: build, lint, typecheck, config checks.
gate() {
  local name="$1"
  shift
  log "$*"
  if (cd "$ROOT" && "$@"); then
    SUMMARY+=("$(printf '%-10s ok' "$name")")
  else
    SUMMARY+=("$(printf '%-10s FAILED (counted as 1 failed)' "$name")")
    FAILED=$((FAILED + 1))
  fi
}

# promtool and amtool come with Debian's prometheus and prometheus-alertmanager packages, installed
# (the missing ones, in one apt-get) with their daemons kept from starting (install_debian_packages in
# lib.sh); should one start anyway (or be enabled for the next boot), it is stopped and disabled: it
# would hold port 9090 or 9093, which the local Prometheus and Alertmanager of make monitor use.
ensure_monitoring_tools() {
  local missing=() package rc=0
  have promtool || missing+=(prometheus)
  have amtool || missing+=(prometheus-alertmanager)
  [ ${#missing[@]} -eq 0 ] && return 0
  install_debian_packages "${missing[@]}" || rc=$?
  for package in "${missing[@]}"; do
    stop_system_daemon "$package" "/run/prometheus/$package.pid"
  done
  [ "$rc" -eq 0 ] || warn "apt-get failed installing ${missing[*]} (see ${LOG_DIR#"$ROOT"/}/apt.log)"
  return "$rc"
}

# The monitoring gate: the scrape configuration, the alert rules and their unit tests
# (monitoring/prometheus/tests/*.yml), the Kubernetes PrometheusRule being the one rendered from the
# rules (scripts/monitoring-k8s.mjs --check); Alertmanager's routing tree (amtool check-config), the
# Kubernetes AlertmanagerConfig rendered from it with no real URL in git (alertmanager-config.mjs
# --check), and every alert routed to the receiver of its severity (check-alert-routing.mjs).
# A failure counts as 1 failed.
monitoring_gates() {
  local dir="$ROOT/monitoring/prometheus" am_config="$ROOT/monitoring/alertmanager/alertmanager.yml"
  gate k8s-rules node scripts/monitoring-k8s.mjs --check
  gate k8s-am node scripts/alertmanager-config.mjs --check
  if ! ensure_monitoring_tools; then
    SUMMARY+=("$(printf '%-10s FAILED: promtool or amtool could not be installed (counted as 1 failed)' monitoring)")
    FAILED=$((FAILED + 1))
    return 0
  fi
  gate prom-conf promtool check config "$dir/prometheus.yml"
  gate prom-rules promtool check rules "$dir"/rules/*.yml "$dir"/rules/k8s/*.yml
  gate prom-tests promtool test rules "$dir"/tests/*.yml
  gate am-conf amtool check-config "$am_config"
  gate am-routes node scripts/check-alert-routing.mjs --config "$am_config"
}

# The Grafana dashboards: checked statically (schema, ids, datasource variable, known metrics),
# and the checker itself shown to fail on broken fixtures (--self-test).
dashboard_gates() {
  gate dashboards node scripts/check-dashboards.mjs
  gate dash-check node scripts/check-dashboards.mjs --self-test
}

# Workspaces with tests, "<dir> <env name>" lines: shared first, then services.
test_workspaces() {
  local svc
  [ -f "$ROOT/shared/.mocharc.json" ] && printf 'shared kit\n'
  for svc in $(services); do
    [ -f "$ROOT/services/$svc/.mocharc.json" ] && printf 'services/%s %s\n' "$svc" "$svc"
  done
  return 0
}

# count <pattern> <log>: the number before "passing"/"failing"/"pending" in
# mocha's last summary, empty if there is none.
count() {
  sed -E 's/\x1b\[[0-9;]*m//g' "$2" | grep -E "^[[:space:]]*[0-9]+ $1( |\$)" | tail -n 1 | grep -oE '[0-9]+' | head -n 1 || true
}

# failures_of <log>: each failing test of mocha's last report, its title and the first lines of
# its error without the stack, so that the summary (the part of a CI run one sees) names them.
failures_of() {
  sed -E 's/\x1b\[[0-9;]*m//g' "$1" | awk '
    /^[[:space:]]*[0-9]+ failing$/ { report = 1; next }
    !report { next }
    /^  [0-9]+\) / { block = 1; shown = 0 }
    block && /^[[:space:]]+at / { block = 0 }
    block && shown < 10 && !/^[[:space:]]*$/ { print; shown++ }
  ' | head -n 80 || true
}

# c8's text-summary lines → "statements 91.2%, branches 80%, functions 88%, lines 91.2%"
coverage_of() {
  sed -E 's/\x1b\[[0-9;]*m//g' "$1" |
    sed -nE 's/^(Statements|Branches|Functions|Lines)[[:space:]]*:[[:space:]]*([0-9.]+%|Unknown).*/\1 \2/p' |
    tail -n 4 | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), tolower($1), $2 } END { if (NR) print "" }' || true
}

run_suite() {
  local dir="$1" env_name="$2" name log_file rc=0
  name="$(basename "$dir")"
  log_file="$TEST_LOG_DIR/$name.log"
  log "tests: $dir (env: scripts/env.sh $env_name test)"
  (cd "$ROOT/$dir" && "$SCRIPTS/env.sh" "$env_name" test -- \
    npx --no-install c8 --reporter=text-summary --reporter=lcov --report-dir=coverage \
    npx --no-install mocha) 2>&1 | tee "$log_file" || rc=$?
  tally "$name" "$log_file" "$rc" "$dir"
}

# The acceptance suite starts its own stack of all five services (scripts/env.sh <svc> acceptance,
# gateway :18080), so it runs only once every service has an entry point.
run_acceptance() {
  local svc missing=() log_file="$TEST_LOG_DIR/acceptance.log" rc=0
  [ -f "$ROOT/acceptance/.mocharc.json" ] || return 0
  for svc in "${ALL_SERVICE_PORTS[@]%%:*}"; do
    [ -f "$ROOT/services/$svc/src/main.ts" ] || missing+=("$svc")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUMMARY+=("$(printf '%-10s skipped: no %s service yet (services/<svc>/src/main.ts)' acceptance "${missing[*]}")")
    return 0
  fi
  log "tests: acceptance (its own stack: scripts/env.sh <svc> acceptance, gateway :18080)"
  (cd "$ROOT/acceptance" && npx --no-install c8 --reporter=text-summary --reporter=lcov --report-dir=coverage \
    npx --no-install mocha) 2>&1 | tee "$log_file" || rc=$?
  tally acceptance "$log_file" "$rc" acceptance
}

# tally <name> <log file> <mocha's exit code> <dir>: a suite's counts and coverage into the report.
tally() {
  local name="$1" log_file="$2" rc="$3" dir="$4" passing failing pending coverage failures
  passing="$(count passing "$log_file")"
  failing="$(count failing "$log_file")"
  pending="$(count pending "$log_file")"
  if [ -z "$passing" ]; then
    SUMMARY+=("$(printf '%-10s no "passing" line: mocha crashed (exit %s), counted as 1 failed' "$name" "$rc")")
    FAILED=$((FAILED + 1))
  else
    PASSED=$((PASSED + passing))
    FAILED=$((FAILED + ${failing:-0}))
    SUMMARY+=("$(printf '%-10s %s passing, %s failing, %s pending' "$name" "$passing" "${failing:-0}" "${pending:-0}")")
    if [ "$rc" -ne 0 ] && [ "${failing:-0}" -eq 0 ]; then
      SUMMARY+=("$(printf '%-10s exited %s without a failing test (a hook or a coverage threshold?), counted as 1 failed' "" "$rc")")
      FAILED=$((FAILED + 1))
    fi
  fi
  failures="$(failures_of "$log_file")"
  [ -z "$failures" ] || FAILURES+=("$name ($log_file):" "$failures")
  coverage="$(coverage_of "$log_file")"
  COVERAGE+=("$(printf '%-10s %s' "$name" "${coverage:-no coverage summary}  ($dir/coverage/lcov.info)")")
}

report() {
  local line
  printf '\n==> summary (logs: %s)\n' "${TEST_LOG_DIR#"$ROOT"/}/"
  for line in "${SUMMARY[@]}"; do printf '    %s\n' "$line"; done
  printf '==> coverage\n'
  [ ${#COVERAGE[@]} -gt 0 ] || printf '    no workspace has a .mocharc.json yet\n'
  for line in "${COVERAGE[@]}"; do printf '    %s\n' "$line"; done
  if [ ${#FAILURES[@]} -gt 0 ]; then
    printf '%s\n' "${FAILURES[@]}" | sed "s|$ROOT/||" >"$TEST_LOG_DIR/failures.txt"
    printf '==> failing tests (also in %s)\n' "${TEST_LOG_DIR#"$ROOT"/}/failures.txt"
    sed 's/^/    /' "$TEST_LOG_DIR/failures.txt"
  fi
  printf 'tests: %s passed, %s failed\n' "$PASSED" "$FAILED"
}

main() {
  local suites suite
  prepare
  mkdir -p "$TEST_LOG_DIR"
  rm -f "$TEST_LOG_DIR/failures.txt"
  gate build npm run build
  gate lint npm run lint
  gate typecheck npm run typecheck
  gate spectral npm run lint:api
  monitoring_gates
  dashboard_gates
  gate docs-check node scripts/docs-bundle.mjs --self-test
  gate docs scripts/docs.sh build
  mapfile -t suites < <(test_workspaces)
  for suite in "${suites[@]}"; do
    # shellcheck disable=SC2086 # "<dir> <env name>"
    run_suite $suite </dev/null
  done
  run_acceptance </dev/null
  report
  [ "$FAILED" -eq 0 ]
}

main "$@"
