# shellcheck shell=bash disable=SC2034 # variables here are used by the scripts that source it
# Common helpers for the local-stack scripts. Source it, don't run it:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# It defines functions and variables only; it changes no shell options, so it is
# safe to source from an interactive shell (scripts/env.sh can be sourced).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.run"            # git-ignored: secrets, logs, PIDs, generated configs
SECRETS_FILE="$RUN_DIR/secrets.env"
SECRETS_DIR="$RUN_DIR/secrets"
PID_DIR="$RUN_DIR/pids"
LOG_DIR="$RUN_DIR/logs"
NGINX_DIR="$RUN_DIR/nginx"
GATEWAY_PORT="${GATEWAY_PORT:-8080}"
GATEWAY_STATUS_PORT="${GATEWAY_STATUS_PORT:-8081}"   # nginx stub_status, for make monitor's exporter
PG_PORT="${PG_PORT:-5432}"        # the infrastructure, on 127.0.0.1
AMQP_PORT="${AMQP_PORT:-5672}"
REDIS_PORT="${REDIS_PORT:-6379}"
INGRESS_FILE="$ROOT/k8s/base/ingress.yaml"

# The one list of services and their local ports (docs/runbooks/local-stack.md).
# A service counts only once services/<name>/package.json exists.
ALL_SERVICE_PORTS=(customer:3001 catalog:3002 cart:3003 order:3004 payment:3005)

# Debian puts daemons' tools in /usr/sbin, which a non-root PATH often lacks.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

log()  { printf '==> %s\n' "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif have sudo; then
    sudo -- "$@"
  else
    die "'$*' needs root and sudo is not installed: run this as root"
  fi
}

# Run a command as the postgres OS user (peer authentication on the socket).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  elif have sudo; then
    sudo -u postgres -- "$@"
  else
    die "'$*' must run as the postgres OS user and sudo is not installed: run this as root"
  fi
}

has_service() { [ -f "$ROOT/services/$1/package.json" ]; }

# Names of the services that exist in this checkout, in port order.
services() {
  local entry
  for entry in "${ALL_SERVICE_PORTS[@]}"; do
    has_service "${entry%%:*}" && printf '%s\n' "${entry%%:*}"
  done
  return 0
}

# The local port of one service (known even before its package exists).
service_port() {
  local entry
  for entry in "${ALL_SERVICE_PORTS[@]}"; do
    [ "${entry%%:*}" = "$1" ] && { printf '%s\n' "${entry#*:}"; return 0; }
  done
  die "unknown service '$1' (known: ${ALL_SERVICE_PORTS[*]%%:*})"
}

# CUSTOMER_DB_PASSWORD, KIT_DB_PASSWORD, ...
db_password_key() { printf '%s_DB_PASSWORD\n' "$(printf '%s' "$1" | tr '[:lower:]-' '[:upper:]_')"; }

# Value of KEY in .run/secrets.env (the file is parsed, never sourced).
secret() {
  local key="$1" line
  [ -r "$SECRETS_FILE" ] || die "$SECRETS_FILE is missing: run scripts/secrets.sh"
  line="$(grep -E "^${key}=" "$SECRETS_FILE" | tail -n 1 || true)"
  [ -n "$line" ] || die "$key is not in $SECRETS_FILE: run scripts/secrets.sh"
  printf '%s\n' "${line#*=}"
}

# Is something accepting TCP connections on host:port?
tcp_open() { (exec 3<>"/dev/tcp/$1/$2") >/dev/null 2>&1; }

# wait_until <seconds> <what> <command...>: retry the command every second.
wait_until() {
  local timeout="$1" what="$2" waited=0
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$waited" -ge "$timeout" ] && { warn "$what did not answer within ${timeout}s"; return 1; }
    sleep 1
    waited=$((waited + 1))
  done
}

# PID in a PID file, if the file exists and holds a number.
pid_from_file() {
  local pid
  [ -f "$1" ] || return 1
  pid="$(tr -dc '0-9' <"$1")"
  [ -n "$pid" ] || return 1
  printf '%s\n' "$pid"
}

# pid_file_live <file> <word>: the PID file names a live process whose command
# line contains <word> (guards against a PID reused by an unrelated process).
pid_file_live() {
  local pid cmdline
  pid="$(pid_from_file "$1")" || return 1
  pid_running "$pid" || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$2"* ]]
}

# Alive and not a zombie (a daemon's parent may be slow to reap it).
pid_running() {
  local state
  state="$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# http_status <url>: the HTTP status the URL answers with (000 when nothing answers in 3 s).
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1" || true; }

# stop_pid_file <file> <word> <signal> [name]: signal, wait up to STOP_TIMEOUT
# (15) seconds, then SIGKILL; removes the PID file. Tidies up if it is gone.
stop_pid_file() {
  local file="$1" word="$2" sig="$3" name="${4:-$(basename "$1" .pid)}" pid tenths=0
  if ! pid_file_live "$file" "$word"; then
    [ -f "$file" ] && info "$name: not running (stale PID file removed)"
    rm -f "$file"
    return 0
  fi
  pid="$(pid_from_file "$file")"
  info "$name: stopping PID $pid (SIG$sig)"
  kill -s "$sig" "$pid" 2>/dev/null || ! pid_running "$pid" || as_root kill -s "$sig" "$pid"
  while pid_running "$pid" && [ "$tenths" -lt $((${STOP_TIMEOUT:-15} * 10)) ]; do
    sleep 0.1
    tenths=$((tenths + 1))
  done
  if pid_running "$pid"; then
    warn "$name: still running after ${STOP_TIMEOUT:-15}s, sending SIGKILL"
    kill -s KILL "$pid" 2>/dev/null || ! pid_running "$pid" || as_root kill -s KILL "$pid"
  fi
  rm -f "$file"
}

# stop_pid_files <word> <file...>: stop_pid_file with SIGTERM on every file at once, then waits
# for all of them; an empty <word> means each file's own name (prometheus.pid: prometheus).
stop_pid_files() {
  local word="$1" file pids=() pid
  shift
  for file in "$@"; do
    [ -e "$file" ] || continue
    stop_pid_file "$file" "${word:-$(basename "$file" .pid)}" TERM &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do
    wait "$pid"
  done
}

# install_deps: npm ci (npm install when there is no lock file), skipped while node_modules is
# newer than package-lock.json (running services import from node_modules: don't wipe it for
# nothing). npm writes that stamp last, so an install cut off half-way is done again.
install_deps() {
  local stamp="$ROOT/node_modules/.package-lock.json"
  if [ ! -f "$ROOT/package-lock.json" ]; then
    log "npm install (no package-lock.json)"
    (cd "$ROOT" && npm install --no-audit --no-fund)
  elif [ -f "$stamp" ] && [ -z "$(find "$ROOT/package-lock.json" -newer "$stamp")" ]; then
    log "node_modules is up to date with package-lock.json"
  else
    log "npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
  fi
}

# install_debian_packages <package...>: apt-get install with every daemon kept from starting
# (a temporary policy-rc.d that exits 101): Debian's postinst would otherwise start the system
# nginx on port 80, Prometheus on 9090 and so on; we start what we need ourselves. Returns
# non-zero (after showing the end of the apt log) when apt-get fails; the caller decides.
install_debian_packages() {
  local policy=/usr/sbin/policy-rc.d created_policy="" apt_log="$LOG_DIR/apt.log" rc=0
  log "installing Debian packages: $* (output in ${apt_log#"$ROOT"/})"
  mkdir -p "$LOG_DIR"
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# temporary, from scripts/lib.sh: no daemon starts during install\nexit 101\n' \
      | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    created_policy=yes
  fi
  as_root apt-get update >"$apt_log" 2>&1 &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$apt_log" 2>&1 ||
    rc=$?
  [ -z "$created_policy" ] || as_root rm -f "$policy"
  [ "$rc" -eq 0 ] || tail -n 20 "$apt_log" >&2
  return "$rc"
}

# stop_system_daemon <name> <pid file>: a Debian package's own daemon (Prometheus on 9090, the
# exporters on 9100/9187/...), should its postinst have started it anyway or enabled it for the
# next boot, is stopped and disabled: the scripts run their own on the same ports with our config.
stop_system_daemon() {
  local name="$1" pid_file="$2" pid
  if have systemctl && [ -d /run/systemd/system ]; then
    as_root systemctl disable --now "$name" >/dev/null 2>&1 || true
  elif [ -x "/etc/init.d/$name" ]; then
    as_root "/etc/init.d/$name" stop >/dev/null 2>&1 || true
    as_root update-rc.d "$name" disable >/dev/null 2>&1 || true
  fi
  pid="$(pid_from_file "$pid_file")" || return 0
  pid_running "$pid" || return 0
  warn "the system $name (PID $pid) is running after the install: stopping it"
  as_root kill -s TERM "$pid" || true
}
