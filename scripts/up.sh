#!/usr/bin/env bash
# scripts/up.sh (make up): the whole local stack, from any state, idempotently.
#   infrastructure → npm ci → secrets → provision → build → API docs (scripts/docs.sh
#   if-stale: /docs, /openapi.json) → migrations → admin account → seeds (scripts/seed.d/*) →
#   services → gateway → wait until
#   every /health/ready answers 200 (UP_TIMEOUT, 60 s) → print the URLs.
# Running it again starts only what is not running (and reloads the gateway).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCRIPTS="$ROOT/scripts"
UP_TIMEOUT="${UP_TIMEOUT:-60}"

# in_env <svc> <command...>: runs the command from $ROOT with the service's dev environment.
in_env() {
  local svc="$1"
  shift
  (cd "$ROOT" && "$SCRIPTS/env.sh" "$svc" dev -- "$@")
}

build() {
  log "npm run build"
  (cd "$ROOT" && npm run build) || die "npm run build failed (errors above)"
}

migrate() {
  local svc cli
  for svc in $(services); do
    cli="services/$svc/dist/src/cli/migrate.js"
    [ -f "$ROOT/$cli" ] || die "$svc: $cli does not exist (npm run build makes it)"
    log "$svc: migrations (database $svc)"
    in_env "$svc" node "$cli" up || die "$svc: migrations failed (errors above)"
  done
}

# The CLI prints a generated password once itself; ADMIN_EMAIL / ADMIN_PASSWORD
# from the caller's environment pass through.
create_admin() {
  local cli="services/customer/dist/src/cli/create-admin.js"
  has_service customer || return 0
  [ -f "$ROOT/$cli" ] || die "customer: $cli does not exist (npm run build makes it)"
  log "customer: admin account"
  in_env customer node "$cli" || die "customer: create-admin failed (errors above)"
}

# Executable files in scripts/seed.d, in name order; each gets ROOT and RUN_DIR
# and can source scripts/env.sh for a service's environment.
run_seeds() {
  local seed
  for seed in "$SCRIPTS"/seed.d/*; do
    [ -f "$seed" ] || continue
    if [ ! -x "$seed" ]; then
      warn "seed ${seed#"$ROOT"/} is not executable: skipped"
      continue
    fi
    log "seed: ${seed#"$ROOT"/}"
    (cd "$ROOT" && ROOT="$ROOT" RUN_DIR="$RUN_DIR" "$seed")
  done
}

# target lines: "<name> <url> <log file>"
targets() {
  local svc
  for svc in $(services); do
    printf '%s http://127.0.0.1:%s/health/ready %s\n' "$svc" "$(service_port "$svc")" "$LOG_DIR/$svc.log"
  done
  printf 'gateway http://127.0.0.1:%s/health %s\n' "$GATEWAY_PORT" "$NGINX_DIR/error.log"
}

# The log since the last start marker of scripts/services.sh (the whole file
# for logs without markers), last 30 lines.
last_run_of() {
  [ -f "$1" ] || return 0
  awk '/^=== .*: starting /{ run = "" } { run = run $0 "\n" } END { printf "%s", run }' "$1" | tail -n 30
}

show_failure() {
  local name="$1" url="$2" log_file="$3"
  warn "$name: $url did not answer 200 (last: $(http_status "$url")); end of ${log_file#"$ROOT"/}:"
  last_run_of "$log_file" >&2
}

# A service whose process died fails at once; the rest get UP_TIMEOUT seconds.
wait_ready() {
  local deadline pending name url log_file remaining
  log "waiting for the services to be ready (up to ${UP_TIMEOUT}s)"
  deadline=$((SECONDS + UP_TIMEOUT))
  pending="$(targets)"
  while [ -n "$pending" ]; do
    remaining=""
    while read -r name url log_file; do
      if [ "$(http_status "$url")" = 200 ]; then
        info "$name: ready"
      elif [ "$name" != gateway ] && ! pid_file_live "$PID_DIR/$name.pid" node; then
        show_failure "$name" "$url" "$log_file"
        die "$name exited during start-up"
      else
        remaining+="$name $url $log_file"$'\n'
      fi
    done <<<"$pending"
    pending="${remaining%$'\n'}"
    [ -z "$pending" ] && break
    if [ "$SECONDS" -ge "$deadline" ]; then
      while read -r name url log_file; do show_failure "$name" "$url" "$log_file"; done <<<"$pending"
      die "not ready after ${UP_TIMEOUT}s (what did start still runs: make down stops it)"
    fi
    sleep 1
  done
}

print_urls() {
  local svc
  printf '\nThe local stack is up.\n'
  printf '  %-9s %s\n' gateway "http://localhost:$GATEWAY_PORT  (routes: k8s/base/ingress.yaml)"
  printf '  %-9s %s\n' docs "http://localhost:$GATEWAY_PORT/docs  (API reference; /openapi.json; make docs rebuilds it)"
  for svc in $(services); do
    printf '  %-9s %s\n' "$svc" "http://127.0.0.1:$(service_port "$svc")  (log: .run/logs/$svc.log)"
  done
  printf '  %-9s %s\n' logs "make logs  (.run/logs/*.log, gateway: .run/nginx/access.log, error.log)"
  printf '  %-9s %s\n' stop "make down"
}

main() {
  "$SCRIPTS/infra.sh" ensure
  install_deps
  "$SCRIPTS/secrets.sh"
  "$SCRIPTS/provision.sh"
  build
  "$SCRIPTS/docs.sh" if-stale
  migrate
  create_admin
  run_seeds
  "$SCRIPTS/services.sh" start
  "$SCRIPTS/gateway.sh" start
  wait_ready
  print_urls
}

main "$@"
