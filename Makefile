# The verbs a newcomer types. Each one is a script in scripts/;
# docs/runbooks/local-stack.md tells how the local stack works.
.DEFAULT_GOAL := help
.PHONY: help up down logs test build lint clean demo load bench monitor verify-monitoring docs trace rotate-jwt-key

help: ## list the verbs
	@printf 'make <verb>:\n'
	@awk 'BEGIN { FS = ":.*## " } /^[a-z-]+:.*## / { printf "  %-17s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

up: ## start the local stack: infrastructure, build, migrations, services, gateway on :8080
	@scripts/up.sh

down: ## stop the services, the gateway and the monitoring (PostgreSQL, RabbitMQ, Redis keep running)
	@scripts/down.sh

logs: ## follow the services' logs (scripts/logs.sh gateway: the gateway's)
	@scripts/logs.sh

trace: ## ID=<traceId|correlationId|orderId>: that checkout's log lines from every service, in time order
	@scripts/trace.sh "$(ID)"

demo: ## on a running stack (make up): one shopper's checkout story, a declined card, an out-of-stock order
	@scripts/demo.sh

monitor: ## on a running stack: Prometheus on :9090, Alertmanager on :9093 (local sink: .run/logs/alerts.log), the exporters
	@scripts/monitor.sh start

verify-monitoring: ## stack (make up if down), make monitor, a short load, then every dashboard panel's data and the alerting path
	@scripts/verify-monitoring.sh

load: ## on a running stack (make up): Locust load through the gateway; reports in reports/load/ (LOAD_USERS, LOAD_DURATION, ...)
	@scripts/load.sh

bench: ## benchmarks (domain, kit, the cart's event throughput on the test environment); report in reports/bench/
	@scripts/bench.sh

rotate-jwt-key: ## new JWT signing key, old one still published; restarts the customer alone (TO=<pem>: rotate back to a kept key)
	@scripts/rotate-jwt-key.sh $(if $(TO),--to "$(TO)")

test: ## build, lint, typecheck, then every workspace's tests with coverage
	@scripts/test.sh

docs: ## the API docs into docs/dist: one OpenAPI document, the ReDoc page (/docs), the Postman collection
	@scripts/docs.sh

build: ## compile TypeScript (npm run build)
	npm run build

lint: ## eslint (npm run lint)
	npm run lint

clean: ## remove build output and coverage (dist, coverage, *.tsbuildinfo); keeps .run
	rm -rf shared/dist shared/coverage services/*/dist services/*/coverage
	find . \( -name node_modules -o -name .git -o -name .run \) -prune -o -name '*.tsbuildinfo' -type f -print -exec rm -f {} +
