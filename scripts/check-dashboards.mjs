#!/usr/bin/env node
// scripts/check-dashboards.mjs: checks the Grafana dashboards of monitoring/grafana/dashboards.
//
//   node scripts/check-dashboards.mjs [--dir <folder>]                     static checks only
//   node scripts/check-dashboards.mjs --prometheus <url> [--require-data]  and every query through Prometheus
//   node scripts/check-dashboards.mjs --self-test                          the checker against broken fixtures
//   ... --panels: also one line per panel (ok / FAIL) and `panels: <p> passed, <f> failed`, a failure
//   that belongs to no panel (a variable's, the dashboard's) counting as one failed (make verify-monitoring)
//
// Static: valid JSON; schemaVersion; a uid, unique across the dashboards; a `datasource` variable
// (type datasource, Prometheus) used by every panel, target and query variable; unique panel ids (rows'
// nested panels included); every target has an expr; every expr has balanced brackets, known PromQL
// functions, only defined variables, and only metric names of METRICS below: the services' and the
// exporters' (a typo fails; a histogram is read through _bucket, _sum or _count).
// --prometheus: every target's expr and every query variable, with the Grafana variables substituted
// ($__rate_interval 1m, $__interval 15s, $__range 1h, a multi-value variable its "All" value), goes
// through /api/v1/query and must parse. --require-data: each must also return a sample that is not NaN,
// and each metric it names must be known to Prometheus (a series, or metadata from a scrape: a labelled
// counter that never counted has no series yet but is exposed).
// Exit 0 when all is well; otherwise 1 and one line per failure.
/* eslint-disable security/detect-non-literal-fs-filename -- the folders are ours or named on our command line */
/* global fetch, AbortSignal -- Node 20's */
import console from 'node:console';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { URL, URLSearchParams, fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DASHBOARDS = join(ROOT, 'monitoring/grafana/dashboards');
const FIXTURES = join(ROOT, 'monitoring/grafana/test-fixtures');

// The metric names the services expose (issue 6; monitoring/README.md lists them with their labels).
const HISTOGRAMS = [
  'http_request_duration_seconds', 'http_request_size_bytes', 'http_response_size_bytes',
  'db_query_duration_seconds', 'messaging_handle_duration_seconds',
  'saga_step_duration_seconds', 'saga_duration_seconds', 'payment_provider_duration_seconds',
  'nodejs_gc_duration_seconds',
];
const SIMPLE = [
  'up',
  'http_requests_total',
  'db_queries_total', 'db_slow_queries_total', 'db_pool_connections', 'db_pool_max',
  'messaging_published_total', 'messaging_consumed_total', 'messaging_retried_total', 'messaging_dead_lettered_total',
  'messaging_outbox_backlog', 'messaging_outbox_oldest_age_seconds',
  'orders_created_total', 'orders_confirmed_total', 'orders_cancelled_total', 'sagas_stuck', 'checkouts_started_total',
  'payments_total', 'payments_refunded_total', 'revenue_cents_total',
  'carts_created_total', 'carts_abandoned_total', 'carts_converted_total',
  'catalog_reservations_expired_total', 'stock_reservations_rejected_total', 'cache_requests_total',
  'process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes',
];
// The infrastructure exporters' that the dashboards use (make monitor; names as Debian's
// prometheus-node-exporter 1.5, -postgres-exporter 0.11, -redis-exporter 1.45, -nginx-exporter 0.11
// and RabbitMQ 3.10's rabbitmq_prometheus expose them; the queue ones from /metrics/detailed).
const EXPORTERS = [
  'node_cpu_seconds_total', 'node_load1', 'node_load5', 'node_load15',
  'node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes',
  'node_filesystem_avail_bytes', 'node_filesystem_size_bytes',
  'node_network_receive_bytes_total', 'node_network_transmit_bytes_total',
  'pg_stat_database_numbackends', 'pg_stat_database_xact_commit', 'pg_stat_database_xact_rollback', 'pg_database_size_bytes',
  'redis_commands_processed_total', 'redis_memory_used_bytes', 'redis_keyspace_hits_total', 'redis_keyspace_misses_total',
  'nginx_http_requests_total', 'nginx_connections_active',
  'rabbitmq_detailed_queue_messages_ready', 'rabbitmq_detailed_queue_consumers',
  'rabbitmq_global_messages_received_total', 'rabbitmq_global_messages_delivered_total',
  'rabbitmq_global_messages_redelivered_total',
];
const METRICS = new Set([...SIMPLE, ...EXPORTERS, ...HISTOGRAMS.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`])]);

const FUNCTIONS = new Set(`sum min max avg group stddev stdvar count count_values bottomk topk quantile limitk limit_ratio
  abs absent absent_over_time ceil changes clamp clamp_max clamp_min day_of_month day_of_week day_of_year days_in_month
  delta deriv exp floor histogram_avg histogram_count histogram_fraction histogram_quantile histogram_stddev
  histogram_stdvar histogram_sum holt_winters double_exponential_smoothing hour idelta increase irate label_join
  label_replace ln log2 log10 minute month predict_linear rate resets round scalar sgn sort sort_desc sort_by_label
  sort_by_label_desc sqrt time timestamp vector year avg_over_time min_over_time max_over_time sum_over_time
  count_over_time quantile_over_time stddev_over_time stdvar_over_time last_over_time present_over_time mad_over_time
  acos acosh asin asinh atan atanh cos cosh sin sinh tan tanh deg pi rad`.split(/\s+/));
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'atan2', 'inf', 'nan', 'start', 'end']);

// Grafana's built-in variables and what they become for an evaluation (scrape interval 15 s).
const BUILTINS = { __rate_interval: '1m', __interval: '15s', __interval_ms: '15000', __range: '1h', __range_s: '3600', __range_ms: '3600000' };
// eslint-disable-next-line security/detect-unsafe-regex -- no nested quantifier over the same text; inputs are our dashboards
const VARIABLE = /\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g;

const isDatasourceVariable = (ds) =>
  typeof ds === 'string' ? ds === '$datasource' || ds === '${datasource}' : ds?.uid === '$datasource' || ds?.uid === '${datasource}';

/** The metric names and function names of a PromQL expression (strings, matchers, groupings, ranges left out). */
export function promqlNames(expr) {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(VARIABLE, ' ');
  const metrics = new Set();
  const functions = new Set();
  // eslint-disable-next-line security/detect-unsafe-regex -- one pass of alternatives, no backtracking blow-up
  for (const m of stripped.matchAll(/(\d[\w.]*)|([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    const [, number, name, call] = m;
    if (number || KEYWORDS.has(name)) continue;
    (call ? functions : metrics).add(name);
  }
  return { metrics: [...metrics], functions: [...functions] };
}

/** The part of a query variable's definition that is PromQL (label_values(<selector>, label), query_result(<expr>)). */
function variableSelector(query) {
  const m = /^\s*label_values\s*\((.*),\s*\w+\s*\)\s*$/s.exec(query) ?? /^\s*query_result\s*\((.*)\)\s*$/s.exec(query);
  return m ? m[1] : undefined;
}

function balanced(expr) {
  const pairs = { ')': '(', ']': '[', '}': '{' };
  const stack = [];
  for (const ch of expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '')) {
    if ('([{'.includes(ch)) stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
  }
  return stack.length === 0;
}

/** Every panel of a dashboard, rows' nested panels included. */
function allPanels(dashboard) {
  const out = [];
  for (const panel of Array.isArray(dashboard.panels) ? dashboard.panels : []) {
    out.push(panel);
    if (Array.isArray(panel?.panels)) out.push(...panel.panels);
  }
  return out;
}

/** The queries of a dashboard: every target's expr and every query variable's PromQL, with where they come from. */
function queriesOf(dashboard) {
  const queries = [];
  for (const panel of allPanels(dashboard)) {
    for (const target of Array.isArray(panel?.targets) ? panel.targets : []) {
      if (typeof target?.expr === 'string' && target.expr.trim()) {
        queries.push({ where: `panel ${panel.id} "${panel.title}" target ${target.refId}`, expr: target.expr });
      }
    }
  }
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable?.type !== 'query') continue;
    const definition = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    const selector = typeof definition === 'string' ? variableSelector(definition) : undefined;
    if (selector) queries.push({ where: `variable ${variable.name}`, expr: selector });
  }
  return queries;
}

function checkExpr(expr, variables, fail) {
  if (!balanced(expr)) fail('unbalanced brackets');
  for (const m of expr.matchAll(VARIABLE)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (!(name in BUILTINS) && !variables.has(name)) fail(`undefined variable $${name}`);
  }
  const { metrics, functions } = promqlNames(expr);
  for (const fn of functions) if (!FUNCTIONS.has(fn)) fail(`unknown PromQL function ${fn}()`);
  for (const metric of metrics) {
    if (!METRICS.has(metric)) fail(`unknown metric ${metric}`);
  }
}

/** Static checks of one dashboard. */
function checkDashboard(file, dashboard, uids, fail) {
  if (typeof dashboard !== 'object' || dashboard === null || Array.isArray(dashboard)) return fail(file, 'not a JSON object');
  if (typeof dashboard.schemaVersion !== 'number') fail(file, 'no schemaVersion');
  if (typeof dashboard.title !== 'string' || !dashboard.title) fail(file, 'no title');
  if (typeof dashboard.uid !== 'string' || !/^[\w-]{1,40}$/.test(dashboard.uid)) fail(file, 'no uid (1 to 40 letters, digits, - or _)');
  else if (uids.has(dashboard.uid)) fail(file, `uid ${dashboard.uid} is also the uid of ${uids.get(dashboard.uid)}`);
  else uids.set(dashboard.uid, file);

  const list = Array.isArray(dashboard.templating?.list) ? dashboard.templating.list : [];
  const variables = new Set(list.map((v) => v?.name));
  const ds = list.find((v) => v?.name === 'datasource');
  if (ds?.type !== 'datasource' || ds?.query !== 'prometheus') fail(file, 'no variable "datasource" of type datasource (query prometheus)');
  for (const variable of list) {
    if (variable?.type !== 'query') continue;
    const where = `variable ${variable.name}`;
    if (!isDatasourceVariable(variable.datasource)) fail(file, `${where}: datasource is not $datasource`);
    const definition = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    const selector = typeof definition === 'string' ? variableSelector(definition) : undefined;
    if (!selector) fail(file, `${where}: query is not label_values(<selector>, <label>) or query_result(<expr>)`);
    else checkExpr(selector, variables, (message) => fail(file, `${where}: ${message}`));
  }

  const panels = allPanels(dashboard);
  if (panels.length === 0) fail(file, 'no panels');
  const ids = new Set();
  for (const panel of panels) {
    const where = `panel ${panel?.id} "${panel?.title}"`;
    if (!Number.isInteger(panel?.id)) fail(file, `${where}: no integer id`);
    else if (ids.has(panel.id)) fail(file, `${where}: duplicate panel id ${panel.id}`);
    else ids.add(panel.id);
    const pos = panel?.gridPos;
    if (!['h', 'w', 'x', 'y'].every((k) => Number.isInteger(pos?.[k]))) fail(file, `${where}: no gridPos {h, w, x, y}`);
    if (panel?.type === 'row') {
      if (panel.targets?.length) fail(file, `${where}: a row has no targets`);
      continue;
    }
    if (!isDatasourceVariable(panel?.datasource)) fail(file, `${where}: datasource is not $datasource`);
    const targets = Array.isArray(panel?.targets) ? panel.targets : [];
    if (targets.length === 0) fail(file, `${where}: no targets`);
    const refIds = new Set();
    for (const target of targets) {
      const at = `${where} target ${target?.refId}`;
      if (typeof target?.refId !== 'string' || refIds.has(target.refId)) fail(file, `${at}: missing or duplicate refId`);
      refIds.add(target?.refId);
      if (!isDatasourceVariable(target?.datasource)) fail(file, `${at}: datasource is not $datasource`);
      if (typeof target?.expr !== 'string' || !target.expr.trim()) fail(file, `${at}: no expr`);
      else checkExpr(target.expr, variables, (message) => fail(file, `${at}: ${message}`));
    }
  }
}

/** The query as Prometheus gets it: Grafana's built-ins at their values, a dashboard variable at its "All" value. */
export function substitute(expr, dashboard) {
  const list = dashboard.templating?.list ?? [];
  return expr.replace(VARIABLE, (whole, a, b, c) => {
    const name = a ?? b ?? c;
    if (name in BUILTINS) return BUILTINS[name];
    const variable = list.find((v) => v?.name === name);
    return variable?.allValue ?? '.*';
  });
}

async function prometheusGet(url, path, params) {
  const response = await fetch(`${url.replace(/\/$/, '')}${path}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(10_000) });
  const body = await response.json().catch(() => ({ status: 'error', error: `HTTP ${response.status}, not JSON` }));
  return body;
}

function hasSample(data) {
  if (!data) return false;
  if (data.resultType === 'scalar') return !Number.isNaN(Number(data.result?.[1]));
  const result = Array.isArray(data.result) ? data.result : [];
  return result.some((s) => (s.value ? !Number.isNaN(Number(s.value[1])) : (s.values?.length ?? 0) > 0));
}

/** Live checks of one dashboard against Prometheus. */
async function evaluateDashboard(file, dashboard, options, known, fail) {
  for (const { where, expr } of queriesOf(dashboard)) {
    const query = substitute(expr, dashboard);
    let body;
    try {
      body = await prometheusGet(options.prometheus, '/api/v1/query', { query });
    } catch (error) {
      fail(file, `${where}: Prometheus at ${options.prometheus} did not answer (${error.message})`);
      continue;
    }
    if (body.status !== 'success') {
      fail(file, `${where}: Prometheus refused the query: ${body.error} [${query}]`);
      continue;
    }
    if (!options.requireData) continue;
    if (!hasSample(body.data)) fail(file, `${where}: no data [${query}]`);
    for (const metric of promqlNames(expr).metrics) {
      if (!known.has(metric)) known.set(metric, metricKnown(options.prometheus, metric));
      if (!(await known.get(metric))) fail(file, `${where}: Prometheus has no series and no metadata for ${metric}`);
    }
  }
}

async function metricKnown(url, metric) {
  const series = await prometheusGet(url, '/api/v1/query', { query: `count({__name__="${metric}"})` });
  if (series.status === 'success' && hasSample(series.data)) return true;
  const family = metric.replace(/_(bucket|sum|count)$/, '');
  for (const name of new Set([metric, family])) {
    const metadata = await prometheusGet(url, '/api/v1/metadata', { metric: name });
    if (metadata.status === 'success' && Object.keys(metadata.data ?? {}).length > 0) return true;
  }
  return false;
}

/** Checks every *.json of `dir`; returns the failures as "<file>: <message>" lines. */
export async function check(dir, options = {}) {
  const failures = [];
  const fail = (file, message) => failures.push(`${file}: ${message}`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'expected-failures.json').sort();
  if (files.length === 0) fail(relative(ROOT, dir), 'no dashboards (*.json)');
  const uids = new Map();
  const known = new Map();
  for (const name of files) {
    const file = relative(ROOT, join(dir, name));
    let dashboard;
    try {
      dashboard = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch (error) {
      fail(file, `not valid JSON (${error.message.replace(/\s+/g, " ")})`);
      continue;
    }
    checkDashboard(file, dashboard, uids, fail);
    if (options.prometheus && typeof dashboard === 'object' && dashboard !== null) {
      await evaluateDashboard(file, dashboard, options, known, fail);
    }
  }
  return failures;
}

/**
 * The checker must fail when it should: the fixtures' expected failures, no more, no fewer; the real
 * dashboards clean; and, through a fake Prometheus, a parse error, an empty result and a metric
 * Prometheus doesn't know each reported.
 */
async function selfTest() {
  const problems = [];
  const expectExactly = (label, failures, expected) => {
    const left = [...failures];
    for (const { file, contains } of expected) {
      const i = left.findIndex((f) => f.startsWith(`${file}: `) && f.includes(contains));
      if (i < 0) problems.push(`${label}: expected a failure in ${file} containing "${contains}", got none`);
      else left.splice(i, 1);
    }
    for (const f of left) problems.push(`${label}: unexpected failure: ${f}`);
  };

  const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected-failures.json'), 'utf8'));
  expectExactly('fixtures (static)', await check(FIXTURES), expected.static);
  expectExactly('dashboards (static)', await check(DASHBOARDS), []);

  // --panels: a panel named by a failure is FAIL, each failure that names no panel one more FAIL,
  // and a clean dashboard's panels are all ok.
  const fixtureFailures = await check(FIXTURES);
  const named = new Set(fixtureFailures.map((f) => /^(.*?: panel \S+ ".*?")(:| target )/.exec(f)?.[1]).filter(Boolean));
  const unnamed = fixtureFailures.filter((f) => !/: panel \S+ ".*?"(:| target )/.test(f)).length;
  const fixturePanels = panelResults(FIXTURES, fixtureFailures);
  if (fixturePanels.failed !== named.size + unnamed) problems.push(`--panels on the fixtures: ${fixturePanels.failed} failed, expected ${named.size} panels + ${unnamed} other failures`);
  const cleanPanels = panelResults(DASHBOARDS, []);
  if (cleanPanels.failed !== 0 || cleanPanels.passed === 0) problems.push(`--panels on clean dashboards: ${cleanPanels.passed} passed, ${cleanPanels.failed} failed`);

  // A fake Prometheus: refuses a query with an unbalanced bracket or a $ left in it (as the real one does),
  // answers one sample when the query names a metric it has (or has a vector() fallback), nothing
  // otherwise; metadata likewise.
  let absent = new Set(expected.fakePrometheusLacks);
  const has = (query) => query.includes('vector(') || promqlNames(query).metrics.some((m) => !absent.has(m));
  const seen = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://fake');
    const query = url.searchParams.get('query') ?? '';
    seen.push(query);
    let body;
    if (url.pathname === '/api/v1/metadata') {
      const metric = url.searchParams.get('metric');
      body = { status: 'success', data: absent.has(metric) || [...absent].some((a) => a.startsWith(`${metric}_`)) ? {} : { [metric]: [{ type: 'counter' }] } };
    } else if (query.includes('$') || !balanced(query)) {
      body = { status: 'error', errorType: 'bad_data', error: 'parse error' };
    } else {
      const named = /^count\(\{__name__="(\w+)"\}\)$/.exec(query);
      const data = named ? !absent.has(named[1]) : has(query);
      body = { status: 'success', data: { resultType: 'vector', result: data ? [{ metric: {}, value: [0, '1'] }] : [] } };
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const prometheus = `http://127.0.0.1:${server.address().port}`;
  try {
    expectExactly('fixtures (fake Prometheus)', (await check(FIXTURES, { prometheus, requireData: true })).filter((f) => /Prometheus|no data/.test(f)), expected.live);
    absent = new Set();
    expectExactly('dashboards (fake Prometheus with every metric)', await check(DASHBOARDS, { prometheus, requireData: true }), []);
    if (!seen.some((q) => q.includes('[1m]'))) problems.push('no query reached the fake Prometheus with $__rate_interval as 1m');
  } finally {
    server.close();
  }
  return problems;
}

/**
 * One result per panel (rows aside): FAIL when a failure names it, ok otherwise; failures that name
 * no panel are results of their own. Returns the lines and the counts.
 */
function panelResults(dir, failures) {
  const left = new Set(failures);
  const lines = [];
  let passed = 0;
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'expected-failures.json').sort()) {
    const file = relative(ROOT, join(dir, name));
    let dashboard;
    try {
      dashboard = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch {
      continue; // its parse failure is in `failures`, reported below
    }
    for (const panel of allPanels(dashboard)) {
      if (panel?.type === 'row') continue;
      const where = `${file}: panel ${panel?.id} "${panel?.title}"`;
      const own = failures.filter((f) => f.startsWith(`${where}:`) || f.startsWith(`${where} target `));
      for (const f of own) left.delete(f);
      if (own.length === 0) passed += 1;
      lines.push(own.length === 0 ? `ok   ${where}` : `FAIL ${where}\n${own.map((f) => `       ${f.slice(where.length)}`).join('\n')}`);
    }
  }
  for (const f of left) lines.push(`FAIL ${f}`);
  return { lines, passed, failed: lines.length - passed };
}

async function main(argv) {
  const options = { dir: DASHBOARDS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--prometheus') options.prometheus = argv[++i];
    else if (arg === '--require-data') options.requireData = true;
    else if (arg === '--dir') options.dir = resolve(argv[++i]);
    else if (arg === '--self-test') options.selfTest = true;
    else if (arg === '--panels') options.panels = true;
    else {
      console.error(`usage: ${basename(process.argv[1])} [--dir <folder>] [--prometheus <url> [--require-data]] [--panels] | --self-test (unknown: ${arg})`);
      return 2;
    }
  }
  if (options.requireData && !options.prometheus) {
    console.error('--require-data needs --prometheus <url>');
    return 2;
  }
  if (options.selfTest) {
    const problems = await selfTest();
    for (const p of problems) console.error(`  ${p}`);
    console.log(problems.length ? `dashboard checker self-test: ${problems.length} problem(s)` : 'dashboard checker self-test: ok (it fails on every broken fixture, passes the dashboards)');
    return problems.length ? 1 : 0;
  }
  const failures = await check(options.dir, options);
  const what = options.prometheus ? `static checks and queries against ${options.prometheus}${options.requireData ? ' (data required)' : ''}` : 'static checks';
  if (options.panels) {
    const { lines, passed, failed } = panelResults(options.dir, failures);
    for (const line of lines) console.log(line);
    console.log(`panels: ${passed} passed, ${failed} failed (${what})`);
    return failed ? 1 : 0;
  }
  if (failures.length) {
    console.error(`dashboards: ${failures.length} failure(s) (${what}):`);
    for (const f of failures) console.error(`  ${f}`);
    return 1;
  }
  const count = readdirSync(options.dir).filter((f) => f.endsWith('.json')).length;
  console.log(`dashboards: ${count} ok (${what})`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
