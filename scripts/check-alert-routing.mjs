#!/usr/bin/env node
// Every alert of monitoring/prometheus/rules/ reaches the receiver its severity promises, through
// the real routing tree, as amtool resolves it (make test):
//   critical → pager, warning → ticket, heartbeat (the Watchdog) → heartbeat, and an alert with no
//   or an unknown severity → ticket;
// and every alert name the inhibit rules match on exists among the rules, so that renaming an alert
// can't silently turn an inhibition off. Inhibition itself only a running Alertmanager can show:
// make verify-monitoring does.
//
//   node scripts/check-alert-routing.mjs [--config <alertmanager.yml>]
//
// One line per check, ok or FAIL; exit 1 if any failed. amtool comes with Debian's
// prometheus-alertmanager (scripts/test.sh installs it).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { alertRules } from './alert-rules.mjs';

/* eslint-disable security/detect-non-literal-fs-filename -- the repository's files, or the config named on the command line */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { config: { type: 'string', default: join(ROOT, 'monitoring/alertmanager/alertmanager.yml') } } });
const CONFIG = resolve(values.config);
const RECEIVER_OF = { critical: 'pager', warning: 'ticket', heartbeat: 'heartbeat' };
const DEFAULT_RECEIVER = 'ticket';

// name → its static labels (severity among them)
const alerts = new Map(alertRules().map(({ rule }) => [rule.alert, { alertname: rule.alert, ...rule.labels }]));

// The receivers amtool resolves a label set to, in routing-tree order (its error, if it fails).
function receiversOf(labels) {
  const args = ['config', 'routes', 'test', `--config.file=${CONFIG}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  try {
    return execFileSync('amtool', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split(/\s+/).filter(Boolean);
  } catch (error) {
    return [`amtool failed: ${(error.stderr || error.message).trim()}`];
  }
}

let failed = 0;
const report = (ok, text) => {
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${text}\n`);
  if (!ok) failed += 1;
};

// Every route test also carries a service, as most alerts do: a route keyed on it must not steal them.
const cases = [...alerts.values()].map((labels) => ({ labels: { ...labels, service: 'routing-test' }, expected: RECEIVER_OF[labels.severity] ?? DEFAULT_RECEIVER }));
cases.push({ labels: { alertname: 'NoSeverity' }, expected: DEFAULT_RECEIVER }, { labels: { alertname: 'UnknownSeverity', severity: 'info' }, expected: DEFAULT_RECEIVER });
for (const { labels, expected } of cases) {
  const got = receiversOf(labels);
  report(got.length === 1 && got[0] === expected, `${labels.alertname} (severity ${labels.severity ?? 'none'}) → ${expected}${got.join(',') === expected ? '' : `, got ${got.join(', ') || 'nothing'}`}`);
}

const config = parse(readFileSync(CONFIG, 'utf8'));
(config.inhibit_rules ?? []).forEach((rule, i) => {
  const names = [...(rule.source_matchers ?? []), ...(rule.target_matchers ?? [])]
    .map((m) => /^\s*alertname\s*!?=\s*"([^"]*)"\s*$/.exec(m)?.[1])
    .filter(Boolean);
  const unknown = names.filter((name) => !alerts.has(name));
  report(names.length > 0 && unknown.length === 0, `inhibit_rules[${i}] matches alerts that exist (${names.join(', ') || 'no alertname matcher'})${unknown.length ? `: no rule named ${unknown.join(', ')}` : ''}`);
});

process.stdout.write(`alert routing (${relative(ROOT, CONFIG).startsWith('..') ? CONFIG : relative(ROOT, CONFIG)}): ${cases.length + (config.inhibit_rules?.length ?? 0) - failed} passed, ${failed} failed\n`);
process.exit(failed ? 1 : 0);
