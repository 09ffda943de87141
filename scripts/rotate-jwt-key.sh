#!/usr/bin/env bash
# scripts/rotate-jwt-key.sh [--to FILE]
# Rotates the local stack's JWT signing key (docs/runbooks/rotate-jwt-signing-key.md):
#   1. the customer CLI rotate-signing-key moves the current key's public half to
#      .run/secrets/jwt-previous/ (published until the tokens it signed have expired)
#      and writes a new key to .run/secrets/jwt-es256-private.pem, or FILE's key
#      (--to: a rollback to a kept key);
#   2. the customer service, if it runs, is restarted, alone: it signs with the new
#      key and publishes both. The other services need no restart: a token with a
#      kid they have not seen makes them fetch the JWKS again;
#   3. the JWKS is checked for both kids.
# Access tokens in flight stay valid; refresh tokens are not signed, so untouched.
# Prints kids only, never key material. Not under flock(1): the restarted service
# would inherit the lock and hold it as long as it runs.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLI="services/customer/dist/src/cli/rotate-signing-key.js"

jwks_has() { curl -fsS --max-time 3 "$1" | grep -q "\"kid\":\"$2\""; }

main() {
  local out new old port jwks
  [ -f "$ROOT/$CLI" ] || die "$CLI does not exist (npm run build makes it)"
  have curl || die "curl is not installed"
  # Also creates .run/secrets/jwt-previous and its JWT_PREVIOUS_KEYS_DIR line on an older .run.
  "$ROOT/scripts/secrets.sh" >/dev/null
  out="$(cd "$ROOT" && scripts/env.sh customer dev -- node "$CLI" "$@")" || die "rotate-signing-key failed (errors above)"
  printf '%s\n' "$out"
  new="$(sed -n 's/^signing \([^ ]*\).*/\1/p' <<<"$out")"
  old="$(sed -n 's/^retired \([^ ]*\).*/\1/p' <<<"$out")"
  [ -n "$old" ] || { info "nothing to restart"; return 0; }
  # The public key file follows the new private key.
  "$ROOT/scripts/secrets.sh" >/dev/null

  if ! pid_file_live "$PID_DIR/customer.pid" node; then
    info "the customer service is not running: it signs with $new from its next start (make up)"
    return 0
  fi
  stop_pid_file "$PID_DIR/customer.pid" node TERM customer
  "$ROOT/scripts/services.sh" start >/dev/null
  port="$(service_port customer)"
  jwks="http://127.0.0.1:$port/api/v1/auth/jwks.json"
  wait_until 30 "the customer service" curl -fsS --max-time 2 "http://127.0.0.1:$port/health/ready" ||
    die "the customer service did not become ready, see .run/logs/customer.log"
  jwks_has "$jwks" "$new" || die "$jwks does not publish the new key $new"
  jwks_has "$jwks" "$old" || die "$jwks does not publish the retired key $old"
  log "rotated: the customer service signs with $new; $jwks publishes it and $old"
}

main "$@"
