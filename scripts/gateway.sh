#!/usr/bin/env bash
# scripts/gateway.sh config|start|stop
# The local gateway: our own nginx on 127.0.0.1:$GATEWAY_PORT (8080), routing
# as k8s/base/ingress.yaml does. Everything it uses is under .run/nginx
# (nginx.conf, nginx.pid, error.log, access.log, tmp/); /etc/nginx is not read.
# Its connection counters (stub_status, for make monitor) are on 127.0.0.1:$GATEWAY_STATUS_PORT (8081).
# The Ingress' docs Service (/openapi.json, /docs) is served from docs/dist, which make docs builds.
#   config  regenerate .run/nginx/nginx.conf from the Ingress and check it (nginx -t)
#   start   config, then start nginx, or reload it if ours already runs
#   stop    stop our nginx (SIGQUIT: finish open requests; SIGKILL after 15 s)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONF="$NGINX_DIR/nginx.conf"
PID_FILE="$NGINX_DIR/nginx.pid"

nginx_bin() {
  have nginx || die "nginx is not installed: run scripts/infra.sh ensure"
  command -v nginx
}

# nginx with our prefix, config and early error log (never /var/log/nginx).
run_nginx() { "$(nginx_bin)" -p "$NGINX_DIR/" -e "$NGINX_DIR/error.log" -c "$CONF" "$@"; }

config() {
  local svc maps=()
  for svc in $(services); do
    maps+=("$svc=$(service_port "$svc")")
  done
  mkdir -p "$NGINX_DIR/tmp"
  node "$ROOT/scripts/gateway-config.mjs" --ingress "$INGRESS_FILE" --dir "$NGINX_DIR" \
    --listen "127.0.0.1:$GATEWAY_PORT" --status-listen "127.0.0.1:$GATEWAY_STATUS_PORT" \
    --static "docs=$ROOT/docs/dist" "${maps[@]}"
  run_nginx -t -q || die "nginx rejected $CONF"
}

start() {
  config
  if pid_file_live "$PID_FILE" nginx; then
    log "gateway already running (PID $(pid_from_file "$PID_FILE")): reloading its config"
    run_nginx -s reload
    return 0
  fi
  rm -f "$PID_FILE"
  tcp_open 127.0.0.1 "$GATEWAY_PORT" &&
    die "port $GATEWAY_PORT is taken by a process that is not our gateway (ss -ltnp 'sport = :$GATEWAY_PORT' tells which)"
  log "starting the gateway on http://127.0.0.1:$GATEWAY_PORT"
  run_nginx
  wait_until 10 "the gateway" test -s "$PID_FILE" || die "nginx did not start: see $NGINX_DIR/error.log"
}

stop() {
  log "stopping the gateway"
  stop_pid_file "$PID_FILE" nginx QUIT gateway
}

case "${1:-}" in
  config) config ;;
  start) start ;;
  stop) stop ;;
  *) die "usage: scripts/gateway.sh config|start|stop" ;;
esac
