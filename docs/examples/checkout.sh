#!/usr/bin/env bash
# docs/examples/checkout.sh: a client's first checkout through the API, with curl and jq:
# register → log in → add a shipping address → browse (and a conditional GET) → cart →
# checkout (202) → poll the order until the saga is done → refresh the tokens → log out.
# Why a script: the guides quote it, and the acceptance suite runs it against a real stack
# (acceptance/test/examples.test.ts), so what the docs show is known to work.
#
#   API_BASE_URL=http://localhost:8080 docs/examples/checkout.sh
#   PAYMENT_TOKEN=tok_chargeDeclined docs/examples/checkout.sh   # a declined card: exits 1
#   PRODUCT_ID=<uuid> docs/examples/checkout.sh                   # buy this product, not the best-stocked one
#
# Exits 0 when the order ends processing with its payment completed, 1 otherwise.
set -euo pipefail

BASE="${API_BASE_URL:-http://localhost:8080}"
PAYMENT_TOKEN="${PAYMENT_TOKEN:-tok_visa}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
TOKEN=""

# api METHOD PATH [JSON BODY] [HEADER...]: one request. The body of the answer is in $WORK/body,
# its headers in $WORK/headers, its status in $STATUS. A 429 is retried after its Retry-After.
api() {
  local method="$1" path="$2" body="${3:-}" args attempt
  shift $(($# < 3 ? $# : 3))
  for attempt in 1 2 3 4 5; do
    args=(-sS -X "$method" -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -H 'Accept: application/json')
    [ -z "$TOKEN" ] || args+=(-H "Authorization: Bearer $TOKEN")
    [ -z "$body" ] || args+=(-H 'Content-Type: application/json' --data "$body")
    for header in "$@"; do args+=(-H "$header"); done
    STATUS="$(curl "${args[@]}" "$BASE$path")"
    [ "$STATUS" = 429 ] || return 0
    sleep "$(header retry-after || echo 1)"
  done
}

# header NAME: a header of the last answer (case-insensitive), without the trailing CR.
header() { grep -i "^$1:" "$WORK/headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }
field() { jq -r "$1" "$WORK/body"; }
code() { jq -r '.code // empty' "$WORK/body" 2>/dev/null || true; }

# expect STATUS...: stop with the problem details unless the last answer has one of these statuses.
expect() {
  local wanted
  for wanted in "$@"; do [ "$STATUS" = "$wanted" ] && return 0; done
  echo "unexpected HTTP $STATUS (wanted $*): $(cat "$WORK/body")" >&2
  exit 1
}

step() { printf '\n==> %s\n' "$*"; }

step "register"
EMAIL="curl-$(date +%s)-$RANDOM@example.com"
PASSWORD="pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
api POST /api/v1/auth/register "$(jq -n --arg e "$EMAIL" --arg p "$PASSWORD" '{email: $e, password: $p, name: "Curl Example"}')"
expect 201
echo "customer $(field .id) ($EMAIL)"

step "log in"
api POST /api/v1/auth/login "$(jq -n --arg e "$EMAIL" --arg p "$PASSWORD" '{email: $e, password: $p}')"
expect 200
TOKEN="$(field .accessToken)"
REFRESH_TOKEN="$(field .refreshToken)"
echo "access token valid for $(field .expiresIn) s"

step "add a shipping address"
api POST /api/v1/customers/me/addresses '{"line1": "1 Example Street", "city": "Springfield", "postalCode": "12345", "country": "US"}'
expect 201
ADDRESS_ID="$(field .id)"

step "browse: products in stock, cheapest first"
api GET '/api/v1/products?inStock=true&sort=priceCents&limit=20'
expect 200
echo "$(field '.items | length') products on this page; next page: $(field '.nextCursor')"
# The one with the most units available, unless PRODUCT_ID names one.
PRODUCT_ID="${PRODUCT_ID:-$(field '.items | max_by(.available) | .id')}"
[ "$PRODUCT_ID" != null ] || { echo "no product in stock" >&2; exit 1; }

step "read the product, then again with If-None-Match: 304 while it has not changed"
api GET "/api/v1/products/$PRODUCT_ID"
expect 200
echo "buying $(field .name) at $(field .priceCents) cents ($(field .available) available)"
ETAG="$(header etag)"
api GET "/api/v1/products/$PRODUCT_ID" '' "If-None-Match: $ETAG"
expect 200 304
echo "HTTP $STATUS for ETag $ETAG"

step "open a cart and add the product"
api POST /api/v1/carts
expect 200 201
CART_ID="$(field .id)"
# The cart learns of new products by events: a product created a moment ago may still be
# PRODUCT_UNAVAILABLE for a second or two.
for _ in $(seq 1 60); do
  api POST "/api/v1/carts/$CART_ID/items" "$(jq -n --arg p "$PRODUCT_ID" '{productId: $p, quantity: 1}')"
  [ "$STATUS" = 422 ] && [ "$(code)" = PRODUCT_UNAVAILABLE ] || break
  sleep 0.5
done
expect 201

step "check out (202 Accepted)"
IDEMPOTENCY_KEY="checkout-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
# The address reaches the cart by an event too: ADDRESS_INVALID right after adding it is retried
# with the same Idempotency-Key (a failed request stores nothing, so the retry is a new attempt).
for _ in $(seq 1 60); do
  api POST "/api/v1/carts/$CART_ID/checkout" \
    "$(jq -n --arg a "$ADDRESS_ID" --arg t "$PAYMENT_TOKEN" '{shippingAddressId: $a, paymentToken: $t}')" \
    "Idempotency-Key: $IDEMPOTENCY_KEY"
  [ "$STATUS" = 422 ] && [ "$(code)" = ADDRESS_INVALID ] || break
  sleep 0.5
done
expect 202
ORDER_URL="$(header location)"
echo "order $(field .orderId) is $(field .status); polling $ORDER_URL"

step "poll the order until the checkout saga is done"
for _ in $(seq 1 120); do
  api GET "$ORDER_URL"
  # 404 until the order service has created the order from the checkout event.
  if [ "$STATUS" = 200 ]; then
    ORDER_STATUS="$(field .status)"
    PAYMENT_STATUS="$(field .paymentStatus)"
    [ "$ORDER_STATUS" = pending ] || [ "$PAYMENT_STATUS" = pending ] || break
  fi
  sleep 0.5
done
expect 200
echo "order $ORDER_STATUS, payment $PAYMENT_STATUS$( [ "$(field .failureReason)" = null ] || echo ", reason $(field .failureReason)")"

step "refresh the tokens (the old refresh token is now spent)"
api POST /api/v1/auth/refresh "$(jq -n --arg r "$REFRESH_TOKEN" '{refreshToken: $r}')"
expect 200
TOKEN="$(field .accessToken)"
REFRESH_TOKEN="$(field .refreshToken)"
api GET /api/v1/customers/me
expect 200
echo "still $(field .email) with the new access token"

step "log out"
api POST /api/v1/auth/logout "$(jq -n --arg r "$REFRESH_TOKEN" '{refreshToken: $r}')"
expect 204

[ "$ORDER_STATUS" = processing ] && [ "$PAYMENT_STATUS" = completed ] || exit 1
