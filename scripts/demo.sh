#!/usr/bin/env bash
# scripts/demo.sh (make demo): the checkout story on a running `make up` stack, printed step by
# step (acceptance/src/demo.ts does the walking, through the gateway on :$GATEWAY_PORT):
#   register → browse → cart → checkout (tok_visa) → order processing, payment completed;
#   a declined card (tok_chargeDeclined) → cancelled PAYMENT_DECLINED, stock released;
#   the last unit bought by someone else first → cancelled OUT_OF_STOCK, nothing charged;
#   then the stock, orders and payments as they stand.
# It needs an admin (stock figures, a limited product): ADMIN_EMAIL and ADMIN_PASSWORD from the
# environment (the account `make up` created and printed), or else a demo admin it creates once
# with the customer service's create-admin CLI, as make up does, and keeps in .run/demo-admin.env.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEMO_ADMIN_FILE="$RUN_DIR/demo-admin.env"

demo_admin() {
  local cli="services/customer/dist/src/cli/create-admin.js" pw out
  if [ -n "${ADMIN_EMAIL:-}" ] && [ -n "${ADMIN_PASSWORD:-}" ]; then
    DEMO_ADMIN_EMAIL="$ADMIN_EMAIL"
    DEMO_ADMIN_PASSWORD="$ADMIN_PASSWORD"
    return 0
  fi
  if [ -f "$DEMO_ADMIN_FILE" ]; then
    DEMO_ADMIN_EMAIL="$(grep -E '^DEMO_ADMIN_EMAIL=' "$DEMO_ADMIN_FILE" | cut -d= -f2-)"
    DEMO_ADMIN_PASSWORD="$(grep -E '^DEMO_ADMIN_PASSWORD=' "$DEMO_ADMIN_FILE" | cut -d= -f2-)"
    [ -n "$DEMO_ADMIN_EMAIL" ] && [ -n "$DEMO_ADMIN_PASSWORD" ] ||
      die "$DEMO_ADMIN_FILE lacks DEMO_ADMIN_EMAIL or DEMO_ADMIN_PASSWORD: delete it and run make demo again"
    return 0
  fi
  [ -f "$ROOT/$cli" ] || die "$cli does not exist: run make up first"
  # One admin per checkout: another checkout on this machine (same dev database) may have made its own.
  DEMO_ADMIN_EMAIL="demo-admin-$(openssl rand -hex 4)@commerce.local"
  pw="$(openssl rand -hex 16)"
  log "creating the demo admin $DEMO_ADMIN_EMAIL (once; password kept in ${DEMO_ADMIN_FILE#"$ROOT"/})"
  out="$(cd "$ROOT" && ADMIN_EMAIL="$DEMO_ADMIN_EMAIL" ADMIN_PASSWORD="$pw" "$ROOT/scripts/env.sh" customer dev -- node "$cli")" ||
    die "create-admin failed: $out"
  if [[ "$out" == *"exists already"* ]]; then
    die "$DEMO_ADMIN_EMAIL exists but its password is not in $DEMO_ADMIN_FILE: run ADMIN_EMAIL=<admin> ADMIN_PASSWORD=<password> make demo"
  fi
  mkdir -p "$RUN_DIR"
  (umask 077 && printf 'DEMO_ADMIN_EMAIL=%s\nDEMO_ADMIN_PASSWORD=%s\n' "$DEMO_ADMIN_EMAIL" "$pw" >"$DEMO_ADMIN_FILE")
  DEMO_ADMIN_PASSWORD="$pw"
}

main() {
  local gateway="http://127.0.0.1:$GATEWAY_PORT"
  [ "$(http_status "$gateway/health")" = 200 ] ||
    die "no gateway on $gateway: start the stack with make up first"
  demo_admin
  cd "$ROOT/acceptance"
  GATEWAY_URL="$gateway" DEMO_ADMIN_EMAIL="$DEMO_ADMIN_EMAIL" DEMO_ADMIN_PASSWORD="$DEMO_ADMIN_PASSWORD" \
    exec node --conditions=development --import=tsx src/demo.ts
}

main "$@"
