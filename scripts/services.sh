#!/usr/bin/env bash
# scripts/services.sh start|stop|status
# The service processes of the local stack, one per services/<svc>:
#   start   node services/<svc>/dist/src/main.js in the background, detached
#           (own session), with the dev environment of scripts/env.sh; output to
#           .run/logs/<svc>.log, PID in .run/pids/<svc>.pid. A service whose PID
#           file names a live process is left alone.
#   stop    every process that has a PID file in .run/pids: SIGTERM (graceful
#           shutdown), SIGKILL after 15 s; PID files removed
#   status  which run
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

entry_of() { printf '%s\n' "$ROOT/services/$1/dist/src/main.js"; }

start_one() {
  local svc="$1" pid_file="$PID_DIR/$1.pid" log_file="$LOG_DIR/$1.log" entry port
  entry="$(entry_of "$svc")"
  port="$(service_port "$svc")"
  if pid_file_live "$pid_file" node; then
    info "$svc: already running (PID $(pid_from_file "$pid_file"))"
    return 0
  fi
  rm -f "$pid_file"
  [ -f "$entry" ] || die "$svc: ${entry#"$ROOT"/} does not exist (npm run build makes it)"
  tcp_open 127.0.0.1 "$port" && die "$svc: port $port is taken by a process this stack did not start"
  mkdir -p "$PID_DIR" "$LOG_DIR"
  printf '\n=== %s: starting %s (scripts/services.sh)\n' "$(date -u +%FT%TZ)" "$svc" >>"$log_file"
  # setsid: its own session, so a Ctrl-C or a closed terminal doesn't reach it;
  # the inner shell writes its own PID, which exec hands on to env.sh, then node.
  # shellcheck disable=SC2016 # $$ and $1 belong to the inner shell
  (cd "$ROOT" && setsid -f bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pid_file" \
    "$ROOT/scripts/env.sh" "$svc" dev -- node "$entry" </dev/null >>"$log_file" 2>&1)
  wait_until 5 "$svc's PID file" test -s "$pid_file" || die "$svc: did not start, see $log_file"
  info "$svc: started (PID $(pid_from_file "$pid_file"), port $port, log ${log_file#"$ROOT"/})"
}

start() {
  local svc
  log "starting the services"
  for svc in $(services); do
    start_one "$svc"
  done
}

# All at once, so five slow shutdowns take 15 s, not 75 s.
stop() {
  log "stopping the services"
  stop_pid_files node "$PID_DIR"/*.pid
}

status() {
  local svc
  for svc in $(services); do
    if pid_file_live "$PID_DIR/$svc.pid" node; then
      printf '%-10s running  PID %-8s http://127.0.0.1:%s\n' "$svc" "$(pid_from_file "$PID_DIR/$svc.pid")" "$(service_port "$svc")"
    else
      printf '%-10s stopped\n' "$svc"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: scripts/services.sh start|stop|status" ;;
esac
