#!/usr/bin/env bash
# scripts/bench.sh (make bench): the benchmarks, each a file under a workspace's bench/ folder,
# run with the tsx loader the tests use; every one writes its table as JSON into the report folder,
# then shared/bench/summary.ts writes summary.md (with the machine and commit) and prints it.
#   micro (tinybench): shared/bench/state-machine.bench.ts, shared/bench/request-costs.bench.ts,
#     services/order/bench/saga.bench.ts
#   end to end: services/cart/bench/events-throughput.bench.ts on the cart's TEST environment
#     (cart_test, vhost commerce_test), holding BENCH_LOCK so two benches never share the queue;
#     make test doesn't take that lock and uses the same database and vhost: don't run both at once
# Knobs (environment): BENCH_EVENTS (2000 events per throughput run), BENCH_REPORT_DIR
# (reports/bench/<UTC time>), BENCH_LOCK (/tmp/locks/cart-test.lock).
# Benchmarks never assert timings: this fails only when a benchmark could not run to the end.
# Guide: docs/guides/benchmarks.md.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPORT_DIR="${BENCH_REPORT_DIR:-$ROOT/reports/bench/$(date -u +%Y%m%dT%H%M%SZ)}"
LOCK="${BENCH_LOCK:-/tmp/locks/cart-test.lock}"
MICRO=(shared/bench/state-machine.bench.ts shared/bench/request-costs.bench.ts services/order/bench/saga.bench.ts)
THROUGHPUT=services/cart/bench/events-throughput.bench.ts

# The mocha setup's loader (.mocharc.json node-option): TypeScript sources through tsx, the kit's
# "development" export condition so @commerce/shared resolves to its src/.
tsnode() { node --conditions=development --import=tsx "$@"; }

cd "$ROOT"
install_deps
# The throughput bench needs the test databases and vhost that make test provisions; provisioning
# stays make test's job.
[ -r "$SECRETS_FILE" ] || die "$SECRETS_FILE is missing: run make test once (it creates the test environment)"
tcp_open 127.0.0.1 "$PG_PORT" || die "PostgreSQL is not answering on 127.0.0.1:$PG_PORT: scripts/infra.sh ensure"
tcp_open 127.0.0.1 "$AMQP_PORT" || die "RabbitMQ is not answering on 127.0.0.1:$AMQP_PORT: scripts/infra.sh ensure"

mkdir -p "$REPORT_DIR" "$(dirname "$LOCK")"
export BENCH_OUT="$REPORT_DIR"
for bench in "${MICRO[@]}"; do
  log "$bench"
  tsnode "$bench"
done

log "$THROUGHPUT (waiting for $LOCK; the service's log lines go to ${REPORT_DIR#"$ROOT"/}/cart-events-throughput.log)"
flock "$LOCK" "$ROOT/scripts/env.sh" cart test -- \
  node --conditions=development --import=tsx "$THROUGHPUT" >"$REPORT_DIR/cart-events-throughput.log"

log "summary: ${REPORT_DIR#"$ROOT"/}/summary.md"
tsnode shared/bench/summary.ts "$REPORT_DIR" "$(git -C "$ROOT" describe --always --dirty --abbrev=12)"
