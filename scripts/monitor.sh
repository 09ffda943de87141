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
#   prometheus-alertmanager       127.0.0.1:9093  monitoring/alertmanager/alertmanager.yml with the
#                                                 receivers' URLs filled in (.run/alertmanager/, its
#                                                 data there too); Prometheus sends its alerts to it
#   alert-sink                    127.0.0.1:9095  the local pager, ticket and heartbeat receivers: each notification
#                                                 one JSON line of .run/logs/alerts.log
#                                                 (scripts/alert-sink.mjs)
#   start   installs what is missing (Debian packages, daemons kept from starting), provisions the
#           monitor role, enables the plugin, starts what isn't running (Prometheus and Alertmanager
#           already running reload their configuration), then waits until Prometheus reports every
#           target of prometheus.yml up and sends to the Alertmanager (the stack must be up: make up)
#   stop    stops our processes (SIGTERM, SIGKILL after 15 s); the plugin stays enabled
#   status  each process, each target's health as Prometheus sees it, the Alertmanager it sends to
#
# The receivers' URLs: ALERTMANAGER_<RECEIVER>_URL (PAGER, TICKET, HEARTBEAT) when set (a real webhook
# to try), else the sink's http://127.0.0.1:9095/<receiver> (pager, ticket, heartbeat).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MONITOR_DIR="$RUN_DIR/monitor"
TSDB_DIR="$RUN_DIR/prometheus"
PROM_CONFIG="$ROOT/monitoring/prometheus/prometheus.yml"
PROMETHEUS_URL="http://127.0.0.1:9090"
ALERTMANAGER_DIR="$RUN_DIR/alertmanager"
ALERTMANAGER_URL="http://127.0.0.1:9093"
ALERT_SINK_URL="http://127.0.0.1:9095"
RABBITMQ_METRICS_PORT=15692
MONITOR_TIMEOUT="${MONITOR_TIMEOUT:-90}"   # seconds for every target to be up

# "<name>:<port>": the processes we run, in start order (the sink before the Alertmanager that posts
# to it; Prometheus last: its targets and its Alertmanager are ready).
PROCESSES=(
  prometheus-node-exporter:9100
  prometheus-postgres-exporter:9187
  prometheus-redis-exporter:9121
  prometheus-nginx-exporter:9113
  alert-sink:9095
  prometheus-alertmanager:9093
  prometheus:9090
)

# The Debian packages of those processes, each named after its binary.
PACKAGES=(prometheus-node-exporter prometheus-postgres-exporter prometheus-redis-exporter
  prometheus-nginx-exporter prometheus-alertmanager prometheus)

# Each package's own service is stopped and disabled every time, not only after our install: it may
# have come with an earlier install (make test's promtool and amtool, or by hand) and would start at
# the next boot on our ports.
ensure_installed() {
  local name missing=() rc=0
  for name in "${PACKAGES[@]}"; do
    have "$name" || missing+=("$name")
  done
  [ ${#missing[@]} -eq 0 ] || install_debian_packages "${missing[@]}" || rc=$?
  for name in "${PACKAGES[@]}"; do
    have "$name" && stop_system_daemon "$name" "/run/prometheus/$name.pid"
  done
  [ "$rc" -eq 0 ] || die "apt-get failed installing ${missing[*]} (see ${LOG_DIR#"$ROOT"/}/apt.log)"
}

# The Alertmanager's config: the routing tree with the receivers' URLs, written on every start (mode
# 600, the URLs may be secrets) so that a changed alertmanager.yml or URL takes effect.
write_alertmanager_config() {
  mkdir -p "$ALERTMANAGER_DIR"
  node "$ROOT/scripts/alertmanager-config.mjs" --local "$ALERTMANAGER_DIR/alertmanager.yml" "$ALERT_SINK_URL" ||
    die "could not write $ALERTMANAGER_DIR/alertmanager.yml"
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
    prometheus-alertmanager)
      # One instance, no cluster: the empty cluster address keeps it off 0.0.0.0:9094.
      printf '%s\0' prometheus-alertmanager --config.file="$ALERTMANAGER_DIR/alertmanager.yml" \
        --storage.path="$ALERTMANAGER_DIR" --web.listen-address="127.0.0.1:$2" \
        --web.external-url="$ALERTMANAGER_URL" --cluster.listen-address= ;;
    alert-sink)
      printf '%s\0' node "$ROOT/scripts/alert-sink.mjs" --listen "127.0.0.1:$2" --file "$LOG_DIR/alerts.log" ;;
  esac
}

# A running Prometheus or Alertmanager rereads its configuration (make monitor after an edit, or
# after a pull that changed it); Alertmanager's /-/reload answers with the error of a bad one.
reload_one() {
  local name="$1" pid_file="$MONITOR_DIR/$1.pid" answer
  case "$name" in
    prometheus)
      kill -s HUP "$(pid_from_file "$pid_file")" ;;
    prometheus-alertmanager)
      answer="$(curl -s -X POST --max-time 10 -w ' %{http_code}' "$ALERTMANAGER_URL/-/reload")" || answer="000"
      [ "${answer##* }" = 200 ] || die "$name: reloading its configuration failed: $answer" ;;
    *) return 0 ;;
  esac
  info "$name: configuration reloaded"
}

start_one() {
  local name="$1" port="$2" pid_file="$MONITOR_DIR/$1.pid" log_file="$LOG_DIR/$1.log" cmd
  if pid_file_live "$pid_file" "$name"; then
    info "$name: already running (PID $(pid_from_file "$pid_file"), port $port)"
    reload_one "$name"
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
  # shellcheck disable=SC2016 # ${...} belongs to the JavaScript
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

# The Alertmanagers Prometheus sends its alerts to: "<active|dropped> <URL>" per line.
alertmanagers() {
  # shellcheck disable=SC2016 # ${...} belongs to the JavaScript
  node --input-type=module -e '
    const res = await fetch(`${process.argv[1]}/api/v1/alertmanagers`);
    const { data } = await res.json();
    for (const a of data.activeAlertmanagers) console.log(`active ${a.url}`);
    for (const a of data.droppedAlertmanagers) console.log(`dropped ${a.url}`);
  ' "$PROMETHEUS_URL"
}

sends_to_alertmanager() { alertmanagers | grep -qF "active $ALERTMANAGER_URL/"; }

wait_alertmanager_active() {
  wait_until 30 "Prometheus sending to $ALERTMANAGER_URL" sends_to_alertmanager ||
    die "Prometheus does not list $ALERTMANAGER_URL as an active Alertmanager (alerting: in prometheus.yml; see ${LOG_DIR#"$ROOT"/}/prometheus.log)"
  info "Prometheus sends its alerts to $ALERTMANAGER_URL"
}

print_urls() {
  printf '\nMonitoring is up.\n'
  printf '  %-13s %s\n' prometheus "$PROMETHEUS_URL  (targets: $PROMETHEUS_URL/targets, alerts: $PROMETHEUS_URL/alerts)"
  printf '  %-13s %s\n' node "http://127.0.0.1:9100/metrics" postgres "http://127.0.0.1:9187/metrics" \
    redis "http://127.0.0.1:9121/metrics" nginx "http://127.0.0.1:9113/metrics  (reads :$GATEWAY_STATUS_PORT/stub_status)" \
    rabbitmq "http://127.0.0.1:$RABBITMQ_METRICS_PORT/metrics"
  printf '  %-13s %s\n' alertmanager "$ALERTMANAGER_URL  (alerts: amtool alert query --alertmanager.url=$ALERTMANAGER_URL; routing: monitoring/alertmanager/alertmanager.yml)" \
    alerts ".run/logs/alerts.log  (every notification the pager, ticket and heartbeat receivers got, one JSON line each)"
  printf '  %-13s %s\n' dashboards "monitoring/README.md (Grafana provisioning; node scripts/check-dashboards.mjs --prometheus $PROMETHEUS_URL)"
  printf '  %-13s %s\n' logs ".run/logs/prometheus*.log, .run/logs/alert-sink.log" stop "scripts/monitor.sh stop (make down stops it too)"
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
  write_alertmanager_config
  log "starting the monitoring"
  for entry in "${PROCESSES[@]}"; do
    start_one "${entry%%:*}" "${entry#*:}"
  done
  wait_targets_up
  wait_alertmanager_active
  print_urls
}

# All at once, as services.sh does: seven slow shutdowns take 15 s, not 105 s.
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
    printf '\nalertmanagers Prometheus sends to:\n'
    alertmanagers | sed 's/^/  /'
  fi
  if [ -s "$LOG_DIR/alerts.log" ]; then
    printf '\nnotifications: %s in .run/logs/alerts.log, the last at %s\n' "$(wc -l <"$LOG_DIR/alerts.log")" \
      "$(tail -n 1 "$LOG_DIR/alerts.log" | node -pe 'JSON.parse(require("fs").readFileSync(0)).receivedAt')"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: scripts/monitor.sh start|stop|status" ;;
esac
