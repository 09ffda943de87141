#!/usr/bin/env bash
# scripts/env.sh <service> [dev|test|acceptance] [-- command...]
# The environment a service process needs, built from .run/secrets.env.
#   scripts/env.sh customer             prints KEY=value lines (secrets included)
#   . scripts/env.sh customer test      exports them into the current shell
#   scripts/env.sh customer test -- npx mocha   runs the command with them
#   scripts/env.sh kit test             the shared kit's own tests (kit_test, commerce_test, Redis db 1)
# Dev uses database <svc>, vhost commerce, Redis db 0; test uses <svc>_test,
# commerce_test, Redis db 1; acceptance (the acceptance suite's whole stack, acceptance/)
# uses <svc>_acceptance, commerce_acceptance, Redis db 2, ports 13001-13005 (the dev
# port + 10000) and the gateway on 18080. LOG_LEVEL may be overridden from the caller's environment.

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The acceptance stack (acceptance/src/stack.ts reads the same numbers from here).
ACCEPTANCE_PORT_OFFSET=10000
ACCEPTANCE_GATEWAY_PORT=18080

# service_env <service> <dev|test|acceptance>: prints KEY=value lines.
service_env() {
  local svc="$1" mode="$2" db vhost redis_db node_env pw amqp_pw port="" jwt_file="" jwt_previous=""
  local port_offset=0 gateway_port="$GATEWAY_PORT"
  case "$mode" in
    dev)  node_env=development; db="$svc";      vhost=commerce;      redis_db=0 ;;
    test) node_env="test";      db="${svc}_test"; vhost=commerce_test; redis_db=1 ;;
    # Its own ports, so the suite runs next to a `make up` stack without touching it.
    acceptance) node_env="test"; db="${svc}_acceptance"; vhost=commerce_acceptance; redis_db=2
                port_offset="$ACCEPTANCE_PORT_OFFSET"; gateway_port="$ACCEPTANCE_GATEWAY_PORT" ;;
    *) die "mode must be dev, test or acceptance, not '$mode'" ;;
  esac
  if [ "$svc" = kit ]; then
    [ "$mode" = test ] || die "the kit has only a test environment: scripts/env.sh kit test"
  else
    port="$(service_port "$svc")" || return 1
    port=$((port + port_offset))
  fi
  # Every lookup first, so a missing secret fails before anything is printed.
  pw="$(secret "$(db_password_key "$svc")")" || return 1
  amqp_pw="$(secret AMQP_PASSWORD)" || return 1
  if [ "$svc" = customer ]; then
    jwt_file="$(secret JWT_PRIVATE_KEY_FILE)" || return 1
    jwt_previous="$(secret JWT_PREVIOUS_KEYS_DIR)" || return 1
  fi

  kv NODE_ENV "$node_env"
  [ "$svc" = kit ] || kv PORT "$port"
  kv DATABASE_URL "postgres://$svc:$pw@127.0.0.1:$PG_PORT/$db"
  kv AMQP_URL "amqp://commerce:$amqp_pw@127.0.0.1:$AMQP_PORT/$vhost"
  kv REDIS_URL "redis://127.0.0.1:$REDIS_PORT/$redis_db"
  kv LOG_LEVEL "${LOG_LEVEL:-info}"
  [ "$svc" = kit ] && return 0
  if [ "$svc" = customer ]; then
    kv JWT_PRIVATE_KEY_FILE "$jwt_file"
    kv JWT_PREVIOUS_KEYS_DIR "$jwt_previous"
  fi
  kv JWKS_URL "http://127.0.0.1:$(( $(service_port customer) + port_offset ))/api/v1/auth/jwks.json"
  kv CORS_ORIGINS "http://localhost:$gateway_port"
  kv TRUST_PROXY loopback
}

kv() { printf '%s=%q\n' "$1" "$2"; }

# export_env <service> <mode>: exports into the calling shell. Built fully
# before anything is exported, so a failure exports nothing.
export_env() {
  local lines line
  lines="$(service_env "$@")" || return 1
  while IFS= read -r line; do
    eval "export $line"   # our own %q-quoted output
  done <<<"$lines"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  [ $# -ge 1 ] || die "usage: scripts/env.sh <service|kit> [dev|test|acceptance] [-- command...]"
  svc="$1" mode=dev
  shift
  if [ $# -gt 0 ] && [ "$1" != -- ]; then mode="$1"; shift; fi
  if [ $# -eq 0 ]; then
    service_env "$svc" "$mode"
    exit 0
  fi
  if [ "$1" != -- ] || [ $# -lt 2 ]; then
    die "usage: scripts/env.sh <service|kit> [dev|test|acceptance] [-- command...]"
  fi
  shift
  export_env "$svc" "$mode"
  exec "$@"
else
  [ $# -ge 1 ] || { warn "usage: . scripts/env.sh <service|kit> [dev|test|acceptance]"; return 1; }
  export_env "$1" "${2:-dev}"
fi
