#!/usr/bin/env bash
# scripts/trace.sh [--json] <traceId|correlationId|orderId|requestId> (make trace ID=...):
# follows one checkout (or any request, message or job pass) through the local stack's logs.
# Every service writes JSON lines to .run/logs/<svc>.log, each with traceId and correlationId
# (docs/guides/logs.md). This prints, in time order and tagged with the service, every line whose
# traceId, correlationId, requestId or orderId is the given id, and every line of the traces those
# lines belong to: an order id thus brings in the checkout request that started its saga, and the
# checkout's trace id brings in each saga step. Job and process lines (correlation job:..., process:...)
# are shown when they match but their traces are not followed (a sweeper pass touches many orders).
#   --json            the matching lines as they are (JSON, time order), e.g. for jq
#   TRACE_LOG_DIR     another folder of *.log, e.g. .run/acceptance/logs (default .run/logs)
# jq is Debian's; it is installed when missing.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { die "usage: scripts/trace.sh [--json] <traceId|correlationId|orderId|requestId>  (make trace ID=...)"; }

json=""
if [ "${1:-}" = --json ]; then
  json=yes
  shift
fi
if [ $# -ne 1 ] || [ -z "$1" ]; then usage; fi
id="$1"
# The ids the services accept or make up are short and of a safe charset; anything else is a typo.
[[ "$id" =~ ^[A-Za-z0-9_.:-]{1,128}$ ]] || die "not an id: $id"

log_dir="${TRACE_LOG_DIR:-$LOG_DIR}"
files=()
for file in "$log_dir"/*.log; do
  # apt.log (install_debian_packages) sits next to the services' logs.
  [ -f "$file" ] && [ "$(basename "$file")" != apt.log ] && files+=("$file")
done
[ ${#files[@]} -gt 0 ] || die "no logs in $log_dir (is the stack up? make up)"

have jq || install_debian_packages jq || die "jq is needed (apt-get install jq)"

# JSON lines only (start banners and the like are skipped), at most one parse per line.
json_lines() { jq -cR 'fromjson? // empty | select(type == "object")'; }

direct="$({ grep -hF -- "$id" "${files[@]}" || true; } | json_lines |
  jq -c --arg id "$id" 'select(.traceId == $id or .correlationId == $id or .requestId == $id or .orderId == $id)')"
[ -n "$direct" ] || die "no line with traceId, correlationId, requestId or orderId $id in $log_dir"

traces="$(printf '%s\n' "$direct" |
  jq -r 'select((.correlationId // "") | test("^(job|process):") | not) | .traceId // empty' | sort -u)"
if [ -n "$traces" ]; then
  lines="$( { printf '%s\n' "$direct"; { grep -hF -f <(printf '%s\n' "$traces") "${files[@]}" || true; } | json_lines |
    jq -c --arg traces "$traces" '($traces | split("\n")) as $t | select(.traceId | IN($t[]))'; } | sort -u)"
else
  lines="$direct"
fi

# Time order; lines of the same millisecond keep the order the services wrote them in.
sorted="$(printf '%s\n' "$lines" | jq -r '[.timestamp // "", tojson] | @tsv' | sort -s -t "$(printf '\t')" -k1,1 | cut -f2-)"
if [ -n "$json" ]; then
  printf '%s\n' "$sorted" | jq -c '.'
  exit 0
fi
info "$(printf '%s\n' "$sorted" | wc -l) lines; traces: $(printf '%s' "$traces" | tr '\n' ' ')"
printf '%s\n' "$sorted" | jq -r '
  def show: if type == "string" then . else tojson end;
  def fields: [to_entries[] | "\(.key)=\(.value | show)"] | join(" ");
  # The ids last, in a fixed order, so the eye finds where the conversation changes.
  [.timestamp // "-", .service // "-", .level // "-", .message // "",
   (del(.timestamp, .service, .level, .message, .traceId, .correlationId, .requestId) | fields),
   ({correlationId, traceId} + (if .requestId then {requestId} else {} end) | fields)]
  | @tsv' |
  awk -F '\t' '{ printf "%s  %-8s %-5s %s  %s  %s\n", $1, $2, $3, $4, $5, $6 }'
