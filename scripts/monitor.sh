#!/usr/bin/env bash
# scripts/monitor.sh start|stop|status (make monitor: start): the local monitoring of the stack
# that make up runs. Our own background processes, each with a PID file in .run/monitor and a log
# in .run/logs (Debian's own services stay stopped: they would run with /etc's config as another
# user):
#   prometheus                    127.0.0.1:9090  monitoring/prometheus/prometheus.yml and its rules,
#                                                 TSDB in .run/prometheus
#   prometheus-node-exporter      127.0.0.1:9100  this machine: CPU, load, memory, disk, network
#   prometheus-postgres-exporter  127.0.0.1:9187  as role monitor (pg_monitor; scripts/provision.sh)
#   prometheus-redis-exporter     127.0.0.1:9121
#   prometheus-nginx-exporter     127.0.0.1:9113  the gateway's stub_status on 127.0.0.1:8081
#   RabbitMQ's rabbitmq_prometheus plugin, port 15692 (enabled in the broker, which serves it)
#   start   installs what is missing (Debian packages, daemons kept from starting), provisions the
#           monitor role, enables the plugin, starts what isn't running, then waits until
#           Prometheus reports every target of prometheus.yml up (the stack must be up: make up)
#   stop    stops our processes (SIGTERM, SIGKILL after 15 s); the plugin stays enabled
#   status  each process, and each target's health as Prometheus sees it
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MONITOR_DIR="$RUN_DIR/monitor"
TSDB_DIR="$RUN_DIR/prometheus"
PROM_CONFIG="$ROOT/monitoring/prometheus/prometheus.yml"
PROMETHEUS_URL="http://127.0.0.1:9090"
RABBITMQ_METRICS_PORT=15692
MONITOR_TIMEOUT="${MONITOR_TIMEOUT:-90}"   # seconds for every target to be up

# "<name> <port>": the processes we run, in start order (Prometheus last: its targets are ready).
PROCESSES=(
  prometheus-node-exporter:9100
  prometheus-postgres-exporter:9187
  prometheus-redis-exporter:9121
  prometheus-nginx-exporter:9113
  prometheus:9090
)

# The Debian package of each binary is named after it. Each package's own service is stopped and
# disabled every time, not only after our install: it may have come with an earlier install
# (make test's promtool, or by hand) and would start at the next boot on our ports.
ensure_installed() {
  local entry name missing=() rc=0
  for entry in "${PROCESSES[@]}"; do
    have "${entry%%:*}" || missing+=("${entry%%:*}")
  done
  [ ${#missing[@]} -eq 0 ] || install_debian_packages "${missing[@]}" || rc=$?
  for entry in "${PROCESSES[@]}"; do
    name="${entry%%:*}"
    have "$name" && stop_system_daemon "$name" "/run/prometheus/$name.pid"
  done
  [ "$rc" -eq 0 ] || die "apt-get failed installing ${missing[*]} (see ${LOG_DIR#"$ROOT"/}/apt.log)"
}

ensure_rabbitmq_plugin() {
  if as_root rabbitmq-plugins is_enabled rabbitmq_prometheus --quiet >/dev/null 2>&1; then
    return 0
  fi
  log "enabling RabbitMQ's rabbitmq_prometheus plugin (port $RABBITMQ_METRICS_PORT)"
  as_root rabbitmq-plugins enable rabbitmq_prometheus >/dev/null
  wait_until 30 "RabbitMQ's metrics on :$RABBITMQ_METRICS_PORT" tcp_open 127.0.0.1 "$RABBITMQ_METRICS_PORT" ||
    die "rabbitmq_prometheus is enabled but nothing listens on $RABBITMQ_METRICS_PORT"
}

# The command line of each process; secrets travel in the environment (start_one), never in argv.
command_of() {
  case "$1" in
    prometheus)
      printf '%s\0' prometheus --config.file="$PROM_CONFIG" --storage.tsdb.path="$TSDB_DIR" \
        --storage.tsdb.retention.time=15d --web.listen-address="127.0.0.1:$2" ;;
    prometheus-node-exporter)
      # No systemd collector: the stack's processes are not systemd units, and without systemd
      # (containers) it logs an error on every scrape.
      printf '%s\0' prometheus-node-exporter --no-collector.systemd --web.listen-address="127.0.0.1:$2" ;;
    prometheus-postgres-exporter)
      printf '%s\0' prometheus-postgres-exporter --web.listen-address="127.0.0.1:$2" ;;
    prometheus-redis-exporter)
      printf '%s\0' prometheus-redis-exporter -redis.addr "redis://127.0.0.1:$REDIS_PORT" \
        -web.listen-address "127.0.0.1:$2" ;;
    prometheus-nginx-exporter)
      printf '%s\0' prometheus-nginx-exporter -nginx.scrape-uri "http://127.0.0.1:$GATEWAY_STATUS_PORT/stub_status" \
        -web.listen-address "127.0.0.1:$2" ;;
  esac
}

start_one() {
  local name="$1" port="$2" pid_file="$MONITOR_DIR/$1.pid" log_file="$LOG_DIR/$1.log" cmd
  if pid_file_live "$pid_file" "$name"; then
    info "$name: already running (PID $(pid_from_file "$pid_file"), port $port)"
    return 0
  fi
  rm -f "$pid_file"
  tcp_open 127.0.0.1 "$port" && die "$name: port $port is taken by a process make monitor did not start (ss -ltnp 'sport = :$port' tells which)"
  mapfile -d '' -t cmd < <(command_of "$name" "$port")
  mkdir -p "$MONITOR_DIR" "$LOG_DIR" "$TSDB_DIR"
  printf '\n=== %s: starting %s (scripts/monitor.sh)\n' "$(date -u +%FT%TZ)" "$name" >>"$log_file"
  # The exporter reads its connection from DATA_SOURCE_*; only this process gets them.
  (
    if [ "$name" = prometheus-postgres-exporter ]; then
      export DATA_SOURCE_URI="127.0.0.1:$PG_PORT/postgres?sslmode=disable" DATA_SOURCE_USER=monitor
      DATA_SOURCE_PASS="$(secret MONITOR_DB_PASSWORD)"
      export DATA_SOURCE_PASS
    fi
    # setsid: its own session, so a Ctrl-C or a closed terminal doesn't reach it; the inner
    # shell writes its own PID, which exec hands on to the program.
    # shellcheck disable=SC2016 # $$ and $1 belong to the inner shell
    cd "$ROOT" && setsid -f bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pid_file" "${cmd[@]}" \
      </dev/null >>"$log_file" 2>&1
  )
  wait_until 5 "$name's PID file" test -s "$pid_file" || die "$name: did not start, see ${log_file#"$ROOT"/}"
  wait_until 30 "$name on port $port" tcp_open 127.0.0.1 "$port" ||
    die "$name: not listening on $port, see ${log_file#"$ROOT"/}"
  info "$name: started (PID $(pid_from_file "$pid_file"), port $port, log ${log_file#"$ROOT"/})"
}

# Prometheus' view of its targets: "<health> <job> <instance> <last error>" per line.
targets() {
  node --input-type=module -e '
    const res = await fetch(`${process.argv[1]}/api/v1/targets?state=active`);
    const { data } = await res.json();
    for (const t of data.activeTargets) {
      console.log([t.health, t.labels.job, t.labels.instance, t.lastError || "-"].join(" "));
    }
  ' "$PROMETHEUS_URL"
}

# Every target scraped at least once and up; a target not scraped yet is "unknown".
all_targets_up() {
  local lines
  lines="$(targets)" || return 1
  [ -n "$lines" ] && ! grep -qv '^up ' <<<"$lines"
}

wait_targets_up() {
  log "waiting for Prometheus to scrape every target (up to ${MONITOR_TIMEOUT}s)"
  if ! wait_until "$MONITOR_TIMEOUT" "every Prometheus target" all_targets_up; then
    targets | grep -v '^up ' | sed 's/^/    /' >&2 || true
    die "targets not up after ${MONITOR_TIMEOUT}s (is the stack up? make up)"
  fi
  info "$(targets | wc -l) targets up"
}

print_urls() {
  printf '\nMonitoring is up.\n'
  printf '  %-11s %s\n' prometheus "$PROMETHEUS_URL  (targets: $PROMETHEUS_URL/targets, alerts: $PROMETHEUS_URL/alerts)"
  printf '  %-11s %s\n' node "http://127.0.0.1:9100/metrics" postgres "http://127.0.0.1:9187/metrics" \
    redis "http://127.0.0.1:9121/metrics" nginx "http://127.0.0.1:9113/metrics  (reads :$GATEWAY_STATUS_PORT/stub_status)" \
    rabbitmq "http://127.0.0.1:$RABBITMQ_METRICS_PORT/metrics"
  printf '  %-11s %s\n' dashboards "monitoring/README.md (Grafana provisioning; node scripts/check-dashboards.mjs --prometheus $PROMETHEUS_URL)"
  printf '  %-11s %s\n' logs ".run/logs/prometheus*.log" stop "scripts/monitor.sh stop (make down stops it too)"
}

start() {
  local entry
  # The nginx exporter exits when stub_status doesn't answer, and the services' targets would be down.
  tcp_open 127.0.0.1 "$GATEWAY_STATUS_PORT" ||
    die "the gateway's stub_status (127.0.0.1:$GATEWAY_STATUS_PORT) doesn't answer: start the stack first (make up)"
  ensure_installed
  "$ROOT/scripts/secrets.sh"
  "$ROOT/scripts/provision.sh"
  ensure_rabbitmq_plugin
  log "starting the monitoring"
  for entry in "${PROCESSES[@]}"; do
    start_one "${entry%%:*}" "${entry#*:}"
  done
  wait_targets_up
  print_urls
}

# All at once, as services.sh does: five slow shutdowns take 15 s, not 75 s.
stop() {
  local entry files=()
  log "stopping the monitoring"
  for entry in "${PROCESSES[@]}"; do
    files+=("$MONITOR_DIR/${entry%%:*}.pid")
  done
  stop_pid_files "" "${files[@]}"
}

status() {
  local entry name
  for entry in "${PROCESSES[@]}"; do
    name="${entry%%:*}"
    if pid_file_live "$MONITOR_DIR/$name.pid" "$name"; then
      printf '%-30s running (PID %s, port %s)\n' "$name" "$(pid_from_file "$MONITOR_DIR/$name.pid")" "${entry#*:}"
    else
      printf '%-30s stopped\n' "$name"
    fi
  done
  if pid_file_live "$MONITOR_DIR/prometheus.pid" prometheus; then
    printf '\ntargets (health job instance last-error):\n'
    targets | sed 's/^/  /'
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: scripts/monitor.sh start|stop|status" ;;
esac
