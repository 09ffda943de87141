#!/usr/bin/env bash
# scripts/docs.sh [build|if-stale] (make docs): the API documentation, built into docs/dist
# (git-ignored), laid out as the URLs that serve it, so the local gateway
# (scripts/gateway-config.mjs) and the cluster's docs Service (k8s/base/docs.yaml) serve it as is:
#   openapi.json                           /openapi.json: the five contracts joined (scripts/docs-bundle.mjs)
#   docs/index.html                        /docs: the ReDoc page; it loads /openapi.json
#   docs/redoc.standalone.js               ReDoc itself, copied from node_modules (no CDN)
#   docs/commerce.postman_collection.json  Portman's collection with contract tests for every
#                                          operation (scripts/portman/portman-config.json)
#   docs/<guide>/index.html                /docs/<guide>: the client guides of GUIDES below, rendered
#                                          (scripts/docs-guides.mjs); /docs/errors#<code> is a
#                                          problem's `type`
#   docs/examples/*                        the client examples the guides link to, as they are
#   build     (default) build everything
#   if-stale  build only when openapi.json is missing or older than a contract or this tooling
#             (make up and make test use it)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DOCS_DIST="$ROOT/docs/dist"
SPECS=(customer catalog cart order payment)
# The guides written for client developers (docs/guides has operators' and developers' ones too,
# which stay in the repository).
GUIDES=(quickstart authentication errors pagination idempotency rate-limits conditional-requests checkout-flow)
# The local gateway's address: the downloadable collection runs against `make up` as it is.
COLLECTION_BASE_URL="http://localhost:$GATEWAY_PORT"

stale() {
  local spec_file
  [ -f "$DOCS_DIST/openapi.json" ] && [ -f "$DOCS_DIST/docs/commerce.postman_collection.json" ] || return 0
  for spec_file in "${SPECS[@]/#/$ROOT/contracts/openapi/}"; do
    [ "$spec_file.yaml" -nt "$DOCS_DIST/openapi.json" ] && return 0
  done
  [ -n "$(find "$ROOT/scripts/docs.sh" "$ROOT/scripts/docs-bundle.mjs" "$ROOT/scripts/docs-guides.mjs" "$ROOT/scripts/portman" \
    "$ROOT/docs/guides" "$ROOT/docs/examples" \
    -newer "$DOCS_DIST/openapi.json" -print -quit)" ]
}

page() {
  cat <<'HTML'
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Commerce API</title>
  <link rel="icon" href="data:,">
  <!-- Everything from this server: ReDoc would fetch its footer logo from its CDN. Inline styles and
       a blob: worker (search) are ReDoc's own. -->
  <meta http-equiv="Content-Security-Policy"
        content="default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:">
</head>
<body>
  <redoc spec-url="/openapi.json" expand-responses="200,201,202"></redoc>
  <script src="/docs/redoc.standalone.js"></script>
</body>
</html>
HTML
}

build() {
  local tmp specs=() guides=() svc guide
  [ -f "$ROOT/node_modules/redoc/bundles/redoc.standalone.js" ] || die "node_modules lacks redoc: run npm ci"
  for svc in "${SPECS[@]}"; do specs+=("$ROOT/contracts/openapi/$svc.yaml"); done
  for guide in "${GUIDES[@]}"; do guides+=("$ROOT/docs/guides/$guide.md"); done
  # Built beside, then swapped in: a gateway serving docs/dist never sees half a build.
  tmp="$(mktemp -d "$ROOT/docs/.dist.XXXXXX")"
  trap 'rm -rf "$tmp"' RETURN
  mkdir -p "$tmp/docs"
  log "docs: joining ${SPECS[*]} into openapi.json"
  node "$ROOT/scripts/docs-bundle.mjs" --out "$tmp/openapi.json" --guides "$(IFS=,; printf '%s' "${GUIDES[*]}")" "${specs[@]}"
  page >"$tmp/docs/index.html"
  log "docs: the client guides and examples"
  node "$ROOT/scripts/docs-guides.mjs" "$tmp/docs" "${guides[@]}"
  cp -R "$ROOT/docs/examples" "$tmp/docs/examples"
  cp "$ROOT/node_modules/redoc/bundles/redoc.standalone.js" "$tmp/docs/"
  log "docs: Postman collection with contract tests (Portman)"
  (cd "$tmp" && npx --no-install portman --local "$tmp/openapi.json" --portmanConfigFile "$ROOT/scripts/portman/portman-config.json" \
    --baseUrl "$COLLECTION_BASE_URL" --collectionName 'Commerce API' --output "$tmp/docs/commerce.postman_collection.json" \
    >"$tmp/portman.log" 2>&1) || { cat "$tmp/portman.log" >&2; die "portman failed"; }
  # Portman leaves its working copy in the current directory.
  rm -rf "$tmp/portman.log" "$tmp/tmp"
  chmod -R a+rX "$tmp"
  rm -rf "$ROOT/docs/.dist.old"
  [ ! -d "$DOCS_DIST" ] || mv "$DOCS_DIST" "$ROOT/docs/.dist.old"
  mv "$tmp" "$DOCS_DIST"
  rm -rf "$ROOT/docs/.dist.old"
  log "docs: built ${DOCS_DIST#"$ROOT"/}/ (served at /docs and /openapi.json by the gateway)"
}

case "${1:-build}" in
  build) build ;;
  if-stale) if stale; then build; else log "docs: ${DOCS_DIST#"$ROOT"/} is up to date"; fi ;;
  *) die "usage: scripts/docs.sh [build|if-stale]" ;;
esac
