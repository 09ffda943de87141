#!/usr/bin/env bash
# scripts/infra.sh ensure
# Makes PostgreSQL, RabbitMQ and Redis answer on 127.0.0.1 and makes sure the
# tools the stack needs (nginx, curl, openssl) are installed. Installs missing
# Debian packages, starts what is stopped, reuses what already runs. Idempotent.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Debian package → how to tell it is already there
PACKAGES=(postgresql rabbitmq-server redis-server redis-tools nginx curl openssl)

installed() {
  case "$1" in
    postgresql) have pg_ctlcluster && have psql && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null ;;
    redis-tools) have redis-cli ;;
    *) have "$1" ;;   # the package's main command has the package's name
  esac
}

missing_packages() {
  local pkg
  for pkg in "${PACKAGES[@]}"; do
    installed "$pkg" || printf '%s\n' "$pkg"
  done
}

# Debian's packages, daemons kept from starting (install_debian_packages in lib.sh).
install_packages() {
  install_debian_packages "$@" || die "apt-get failed installing: $* (see ${LOG_DIR#"$ROOT"/}/apt.log)"
  stop_system_nginx
}

# The system nginx (port 80, /etc/nginx) is never wanted: we run our own on
# $GATEWAY_PORT. Stop it if an install managed to start it anyway.
stop_system_nginx() {
  local pid
  pid="$(pid_from_file /run/nginx.pid)" || return 0
  [ -d "/proc/$pid" ] || return 0
  warn "the system nginx (PID $pid, port 80) is running after the install: stopping it"
  as_root kill -s QUIT "$pid" || true
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }

start_postgres() {
  local ver cluster port status
  # pg_lsclusters -h: "<version> <cluster> <port> <status> <owner> <dir> <log>"
  while read -r ver cluster port status _; do
    if [ "$port" = "$PG_PORT" ] && [ "$status" != "online" ]; then
      log "starting PostgreSQL $ver/$cluster"
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" start
    fi
  done < <(pg_lsclusters -h)
}

# The package creates one; this is for a machine where it was dropped.
create_pg_cluster() {
  local ver
  ver="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
  log "no PostgreSQL cluster exists: creating $ver/main on port $PG_PORT"
  as_root pg_createcluster "$ver" main --port "$PG_PORT" >/dev/null
}

ensure_postgres() {
  if pg_ready; then info "PostgreSQL answers on 127.0.0.1:$PG_PORT"; return 0; fi
  [ -n "$(pg_lsclusters -h)" ] || create_pg_cluster
  start_postgres
  wait_until 60 "PostgreSQL" pg_ready || die "PostgreSQL is not answering on 127.0.0.1:$PG_PORT"
  info "PostgreSQL answers on 127.0.0.1:$PG_PORT"
}

redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

start_redis() {
  log "starting Redis"
  if id redis >/dev/null 2>&1 && [ -f /etc/redis/redis.conf ]; then
    # Debian's config (log in /var/log/redis), as the redis user. Nothing is
    # saved to disk: the stack keeps nothing in Redis that must survive it.
    as_root install -d -o redis -g redis /run/redis
    as_root runuser -u redis -- redis-server /etc/redis/redis.conf \
      --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no
  else
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
      --save "" --appendonly no --dir /tmp
  fi
}

ensure_redis() {
  if redis_ready; then info "Redis answers on 127.0.0.1:$REDIS_PORT"; return 0; fi
  start_redis
  wait_until 30 "Redis" redis_ready || die "Redis is not answering on 127.0.0.1:$REDIS_PORT"
  info "Redis answers on 127.0.0.1:$REDIS_PORT"
}

# The CLI tools need root (Erlang cookie); a TCP check works for anyone.
rabbit_ready() { tcp_open 127.0.0.1 "$AMQP_PORT"; }

ensure_rabbitmq() {
  if rabbit_ready; then info "RabbitMQ answers on 127.0.0.1:$AMQP_PORT"; return 0; fi
  log "starting RabbitMQ (takes a few seconds)"
  as_root rabbitmq-server -detached
  wait_until 120 "RabbitMQ" rabbit_ready || die "RabbitMQ is not answering on 127.0.0.1:$AMQP_PORT (see /var/log/rabbitmq)"
  info "RabbitMQ answers on 127.0.0.1:$AMQP_PORT"
}

ensure() {
  local pkgs
  pkgs="$(missing_packages)"
  # shellcheck disable=SC2086 # one package name per word
  [ -z "$pkgs" ] || install_packages $pkgs
  ensure_postgres
  ensure_rabbitmq
  ensure_redis
}

case "${1:-ensure}" in
  ensure) ensure ;;
  *) die "usage: scripts/infra.sh ensure" ;;
esac
