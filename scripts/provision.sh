#!/usr/bin/env bash
# scripts/provision.sh
# Idempotently creates what the services need in PostgreSQL and RabbitMQ:
#   per service <svc>: role <svc> (LOGIN, no other power, password from
#     .run/secrets.env, re-set every run), databases <svc>, <svc>_test and
#     <svc>_acceptance (the acceptance suite's stack) owned by it, CONNECT revoked from PUBLIC, extensions pg_trgm and citext
#   the shared kit's tests: role kit, database kit_test
#   make monitor's PostgreSQL exporter: role monitor (LOGIN, member of pg_monitor: reads the
#     statistics views and settings, no table data), password MONITOR_DB_PASSWORD
#   RabbitMQ: vhosts commerce, commerce_test and commerce_acceptance, user commerce
#     with AMQP_PASSWORD
# Redis needs nothing (dev uses db 0, tests db 1, the acceptance suite db 2).
# Needs root or sudo (psql as the postgres OS user, rabbitmqctl as root).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

AMQP_USER=commerce
AMQP_VHOSTS=(commerce commerce_test commerce_acceptance)

# Names and passwords reach psql as \set variables and are used as :'pw' and
# :"role", so psql quotes them; they are checked first anyway.
check_name() { [[ "$1" =~ ^[a-z][a-z0-9_]*$ ]] || die "unsafe name '$1'"; }
check_hex()  { [[ "$1" =~ ^[0-9a-f]{32,}$ ]] || die "$2 in $SECRETS_FILE is not a hex string of 32+ characters"; }

# The SQL, fixed text; role, pw and dbs arrive as psql variables.
ROLE_SQL=$(cat <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  INHERIT PASSWORD :'pw';
SQL
)

DB_SQL=$(cat <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"role";
REVOKE CONNECT, TEMPORARY ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
\connect :"db"
SET client_min_messages TO warning;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS citext;
\connect postgres
SQL
)

# psql as the postgres OS user over the local socket; the script comes on
# stdin so no password shows in a process list.
run_psql() {
  (cd / && as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres)
}

provision_role() {
  local role="$1" key pw db
  shift
  key="$(db_password_key "$role")"
  pw="$(secret "$key")"
  check_name "$role"
  check_hex "$pw" "$key"
  {
    printf '\\set role %s\n\\set pw %s\n' "$role" "$pw"
    printf '%s\n' "$ROLE_SQL"
    for db in "$@"; do
      check_name "$db"
      printf '\\set db %s\n' "$db"
      printf '%s\n' "$DB_SQL"
    done
  } | run_psql
  info "PostgreSQL: role $role${*:+, databases $*}"
}

provision_postgres() {
  local svc
  log "provisioning PostgreSQL roles and databases"
  for svc in $(services); do
    provision_role "$svc" "$svc" "${svc}_test" "${svc}_acceptance"
  done
  provision_role kit kit_test
  provision_role monitor
  printf 'SET client_min_messages TO warning;\nGRANT pg_monitor TO monitor;\n' | run_psql
  info "PostgreSQL: role monitor is a member of pg_monitor"
}

rabbitmqctl_q() { as_root rabbitmqctl -q "$@"; }

provision_rabbitmq() {
  local pw vhost vhosts users
  pw="$(secret AMQP_PASSWORD)"
  log "provisioning RabbitMQ vhosts and user"
  rabbitmqctl_q await_startup --timeout 60 >/dev/null
  vhosts="$(rabbitmqctl_q list_vhosts name)"
  for vhost in "${AMQP_VHOSTS[@]}"; do
    grep -qx "$vhost" <<<"$vhosts" || rabbitmqctl_q add_vhost "$vhost" >/dev/null
  done
  # The password goes through stdin (rabbitmqctl reads it when the argument is omitted).
  users="$(rabbitmqctl_q list_users | cut -f1)"
  if grep -qx "$AMQP_USER" <<<"$users"; then
    printf '%s' "$pw" | rabbitmqctl_q change_password "$AMQP_USER" >/dev/null
  else
    printf '%s' "$pw" | rabbitmqctl_q add_user "$AMQP_USER" >/dev/null
  fi
  for vhost in "${AMQP_VHOSTS[@]}"; do
    rabbitmqctl_q set_permissions -p "$vhost" "$AMQP_USER" '.*' '.*' '.*' >/dev/null
  done
  info "RabbitMQ: user $AMQP_USER on vhosts ${AMQP_VHOSTS[*]}"
}

main() {
  [ -f "$SECRETS_FILE" ] || die "$SECRETS_FILE is missing: run scripts/secrets.sh first"
  provision_postgres
  provision_rabbitmq
}

main "$@"
