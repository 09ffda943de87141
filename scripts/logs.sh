#!/usr/bin/env bash
# scripts/logs.sh [name...] (make logs): follows the logs of the local stack.
#   no name     every service's .run/logs/<svc>.log
#   <svc>       that service's log
#   gateway     the gateway's access and error logs (.run/nginx)
# tail -F: keeps following across restarts, waits for files not yet written.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

files=()
names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(services)
for name in "${names[@]}"; do
  if [ "$name" = gateway ]; then
    files+=("$NGINX_DIR/access.log" "$NGINX_DIR/error.log")
  else
    service_port "$name" >/dev/null
    files+=("$LOG_DIR/$name.log")
  fi
done
[ ${#files[@]} -gt 0 ] || die "no service yet (services/<name>/package.json)"
mkdir -p "$LOG_DIR"
exec tail -n 50 -F "${files[@]}"
