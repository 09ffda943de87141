#!/usr/bin/env bash
# scripts/down.sh (make down): stops exactly what scripts/up.sh and scripts/monitor.sh
# started, found by PID files: Prometheus, Alertmanager, its local sink and the exporters
# (.run/monitor/*.pid), the gateway (.run/nginx/nginx.pid), then the services (.run/pids/*.pid).
# SIGTERM (SIGQUIT for nginx), SIGKILL after 15 s.
# PostgreSQL, RabbitMQ and Redis keep running; so do logs and secrets.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/monitor.sh" stop
"$ROOT/scripts/gateway.sh" stop
"$ROOT/scripts/services.sh" stop
log "stopped (PostgreSQL, RabbitMQ and Redis still run)"
