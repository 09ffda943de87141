#!/usr/bin/env node
// The alerting path end to end on the local monitoring (make verify-monitoring, after make monitor):
//   1. Prometheus lists the Alertmanager as active (/api/v1/alertmanagers);
//   2. synthetic alerts posted to the Alertmanager (/api/v2/alerts): for each inhibit rule of
//      monitoring/alertmanager/alertmanager.yml exercised here, a critical source and the warning it
//      inhibits, plus a warning nothing inhibits. Each critical must reach the pager sink and the
//      free warning the ticket sink (.run/logs/alerts.log, scripts/alert-sink.mjs) within the
//      group_wait and a margin; each inhibited warning must reach no sink and be suppressed;
//   3. Prometheus' own Watchdog (always firing) reached the heartbeat sink in the last 90 s, or does
//      within the next 90 s.
// The synthetic alerts carry test="verify-monitoring" and a service (and slo) of their own, so they
// never look like, group with or inhibit real alerts; they are resolved at the end. Refuses to post
// when the Alertmanager's receivers are not the local sink: no synthetic page to a real pager.
//
//   node scripts/check-alert-delivery.mjs --prometheus <URL> --alertmanager <URL> --sink <URL> --log <alerts.log>
//
// One line per check, ok or FAIL; the last line `alert delivery: <passed> passed, <failed> failed`;
// exit 1 if any failed.
/* global fetch, AbortSignal -- Node 20's */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { URLSearchParams, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { runbookOf } from './alert-rules.mjs';

/* eslint-disable security/detect-non-literal-fs-filename -- the repository's routing tree and the sink's log named on the command line */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({
  options: { prometheus: { type: 'string' }, alertmanager: { type: 'string' }, sink: { type: 'string' }, log: { type: 'string' } },
});
if (!opt.prometheus || !opt.alertmanager || !opt.sink || !opt.log) {
  process.stderr.write('usage: scripts/check-alert-delivery.mjs --prometheus <URL> --alertmanager <URL> --sink <URL> --log <alerts.log>\n');
  process.exit(2);
}
const ROUTING = parse(readFileSync(join(ROOT, 'monitoring/alertmanager/alertmanager.yml'), 'utf8')).route;
const seconds = (duration) => Number(/^(\d+)s$/.exec(duration)?.[1] ?? NaN);
const GROUP_WAIT = Math.max(...[ROUTING, ...ROUTING.routes].map((r) => r.group_wait).filter(Boolean).map(seconds));
const MARGIN = 15; // delivery after the group_wait: the sink's write, a busy 2-core machine
const RUN = `verify-monitoring-${Date.now()}`;

// The inhibit rules of alertmanager.yml, each as a critical source and a warning it mutes; the
// label they share (equal:) gets a value of this run's.
const PAIRS = [
  { source: 'HighHttpErrorRatio', target: 'ElevatedHttpErrorRatio', equal: 'service' },
  { source: 'HighLatencyP99', target: 'LatencyDegradation', equal: 'service' },
  { source: 'ErrorBudgetFastBurn', target: 'ErrorBudgetSlowBurn', equal: 'slo' },
  { source: 'ServiceDown', target: 'ElevatedHttpErrorRatio', equal: 'service' },
];
const synthetic = (alertname, severity, key) => ({
  // Every one a service of its own: a group of its own (group_by alertname, service), so the
  // group_wait applies, and no ServiceDown of this run mutes another pair's alerts.
  labels: { alertname, severity, test: 'verify-monitoring', service: key, ...(key.endsWith('-slo') ? { slo: key } : {}) },
  annotations: {
    summary: `synthetic ${alertname} from make verify-monitoring, not a real alert`,
    description: `Posted by scripts/check-alert-delivery.mjs (run ${RUN}) to prove the alerting path.`,
    runbook_url: runbookOf(alertname),
  },
});
const pairs = PAIRS.map((p, i) => {
  const key = `${RUN}-${i}${p.equal === 'slo' ? '-slo' : ''}`;
  return { ...p, alerts: [synthetic(p.source, 'critical', key), synthetic(p.target, 'warning', key)] };
});
const control = synthetic('ElevatedHttpErrorRatio', 'warning', `${RUN}-free`);
const posted = [...pairs.flatMap((p) => p.alerts), control];

let passed = 0;
let failed = 0;
const report = (ok, text) => {
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${text}\n`);
  if (ok) passed += 1;
  else failed += 1;
};
const json = async (url, init) => {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
};
const postAlerts = (startsAt, endsAt) =>
  json(`${opt.alertmanager}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(posted.map((a) => ({ ...a, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() }))),
  });

// The notifications the sink logged since `offset` (bytes), as { receiver, status, alerts, at };
// complete lines only, should a read meet a line being written.
function notificationsSince(offset) {
  if (!existsSync(opt.log)) return [];
  const text = readFileSync(opt.log).subarray(offset).toString('utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((line) => {
    const n = JSON.parse(line);
    return { receiver: n.receiver, status: n.status, alerts: n.alerts ?? [], at: Date.parse(n.receivedAt) };
  });
}
const notifiedOf = (notifications, alert) =>
  notifications.filter((n) => n.alerts.some((a) => a.labels.alertname === alert.labels.alertname && a.labels.service === alert.labels.service));

// 1. Prometheus sends to this Alertmanager.
const { data } = await json(`${opt.prometheus}/api/v1/alertmanagers`);
const active = data.activeAlertmanagers.map((a) => a.url);
report(active.some((url) => url.startsWith(`${opt.alertmanager}/`)), `Prometheus lists ${opt.alertmanager} as an active Alertmanager (active: ${active.join(', ') || 'none'})`);

// 2. The receivers are the sink, or a synthetic page would reach a real pager.
const running = parse((await json(`${opt.alertmanager}/api/v2/status`)).config.original);
const urls = running.receivers.flatMap((r) => (r.webhook_configs ?? []).map((w) => w.url));
if (!urls.length || urls.some((url) => !String(url).startsWith(`${opt.sink}/`))) {
  report(false, `the Alertmanager's receivers post to the local sink ${opt.sink} (they post to ${urls.join(', ')}: ALERTMANAGER_*_URL set? no synthetic alert sent)`);
} else {
  const offset = existsSync(opt.log) ? statSync(opt.log).size : 0;
  const started = new Date();
  await postAlerts(started, new Date(started.getTime() + 10 * 60_000));
  const deadline = started.getTime() + (GROUP_WAIT + MARGIN) * 1000;
  const expected = [...pairs.map((p) => p.alerts[0]), control];
  let notifications = [];
  while (Date.now() < deadline) {
    notifications = notificationsSince(offset);
    if (expected.every((alert) => notifiedOf(notifications, alert).length)) break;
    await sleep(1000);
  }
  // The inhibited warnings' groups flush with the others (same group_wait, posted together): a
  // little longer for any notification of theirs to land.
  await sleep(3000);
  notifications = notificationsSince(offset);
  const states = await json(`${opt.alertmanager}/api/v2/alerts?${new URLSearchParams([['filter', 'test="verify-monitoring"'], ['filter', `service=~"${RUN}-.*"`]])}`);
  const within = `within group_wait ${GROUP_WAIT}s + ${MARGIN}s`;

  for (const pair of pairs) {
    const [source, target] = pair.alerts;
    const paged = notifiedOf(notifications, source);
    const delay = paged.length ? `${((paged[0].at - started.getTime()) / 1000).toFixed(1)}s` : '';
    report(paged.length > 0 && paged.every((n) => n.receiver === 'pager' && n.status === 'firing'),
      `critical ${source.labels.alertname} reached the pager ${within}${paged.length ? ` (after ${delay}, receivers: ${paged.map((n) => n.receiver).join(', ')})` : ': no notification'}`);
    const leaked = notifiedOf(notifications, target);
    const state = states.find((a) => a.labels.alertname === target.labels.alertname && a.labels.service === target.labels.service)?.status;
    report(leaked.length === 0 && state?.state === 'suppressed' && state.inhibitedBy.length > 0,
      `warning ${target.labels.alertname} inhibited by ${source.labels.alertname} (equal ${pair.equal}): ${leaked.length ? `notified to ${leaked.map((n) => n.receiver).join(', ')}` : 'no notification'}, state ${state?.state ?? 'unknown'}${state?.inhibitedBy?.length ? ', inhibitedBy set' : ''}`);
  }
  const ticketed = notifiedOf(notifications, control);
  report(ticketed.length > 0 && ticketed.every((n) => n.receiver === 'ticket' && n.status === 'firing'),
    `warning ${control.labels.alertname} that nothing inhibits reached the ticket sink ${within}${ticketed.length ? ` (receivers: ${ticketed.map((n) => n.receiver).join(', ')})` : ': no notification'}`);

  // Resolved now: they leave the Alertmanager's list, and the groups that notified send a resolved.
  await postAlerts(started, new Date());
}

// 3. The real path, nothing synthetic: Prometheus' own always-firing Watchdog reaches the heartbeat
// receiver, about every minute (repeat_interval 1m). One received in the last HEARTBEAT_WINDOW
// seconds counts; else wait that long for the next.
const HEARTBEAT_WINDOW = 90;
const heartbeatSince = Date.now() - HEARTBEAT_WINDOW * 1000;
const heartbeatDeadline = Date.now() + HEARTBEAT_WINDOW * 1000;
const isHeartbeat = (n) => n.receiver === 'heartbeat' && n.status === 'firing' && n.at >= heartbeatSince && n.alerts.some((a) => a.labels.alertname === 'Watchdog');
let heartbeat = notificationsSince(0).find(isHeartbeat);
while (!heartbeat && Date.now() < heartbeatDeadline) {
  await sleep(2000);
  heartbeat = notificationsSince(0).find(isHeartbeat);
}
report(!!heartbeat, `Prometheus' Watchdog reached the heartbeat receiver within ${HEARTBEAT_WINDOW}s${heartbeat ? ` (at ${new Date(heartbeat.at).toISOString()})` : ': no heartbeat'}`);

process.stdout.write(`alert delivery: ${passed} passed, ${failed} failed\n`);
process.exit(failed ? 1 : 0);
