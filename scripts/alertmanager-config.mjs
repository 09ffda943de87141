#!/usr/bin/env node
// monitoring/alertmanager/alertmanager.yml is the one routing tree; this renders it where it runs,
// each time with the receivers' webhook URLs, which are secrets and never in the repository.
//
//   node scripts/alertmanager-config.mjs            writes k8s/monitoring/alertmanager-config.yaml:
//                                                   the AlertmanagerConfig (Prometheus Operator)
//                                                   whose receivers read their URL from the Secret
//                                                   alertmanager-receivers, key <receiver>-url
//   node scripts/alertmanager-config.mjs --check    fails (exit 1) when that file is not what it
//                                                   would write, or when a webhook URL of the
//                                                   routing tree is not a placeholder (make test)
//   node scripts/alertmanager-config.mjs --local <file> <sink URL>
//                                                   the local Alertmanager's config (make monitor):
//                                                   each receiver's URL from ALERTMANAGER_<RECEIVER>_URL
//                                                   if set, else <sink URL>/<receiver>; mode 600
//
// Alertmanager 0.25 (Debian 12) has no url_file for webhooks, hence a rendered file rather than
// a URL file beside the config.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { Scalar, parse, stringify } from 'yaml';

/* eslint-disable security/detect-non-literal-fs-filename -- the repository's files, and the one output path make monitor passes */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(ROOT, 'monitoring/alertmanager/alertmanager.yml');
const OUTPUT = join(ROOT, 'k8s/monitoring/alertmanager-config.yaml');
const SECRET = 'alertmanager-receivers';
const rel = (file) => relative(ROOT, file);

const config = parse(readFileSync(SOURCE, 'utf8'));

// Every key this file knows how to carry to Kubernetes; anything else fails rather than vanishing.
const ROUTE_KEYS = {
  receiver: 'receiver',
  group_by: 'groupBy',
  group_wait: 'groupWait',
  group_interval: 'groupInterval',
  repeat_interval: 'repeatInterval',
  matchers: 'matchers',
  continue: 'continue',
  routes: 'routes',
};
const WEBHOOK_KEYS = { url: 'urlSecret', send_resolved: 'sendResolved', max_alerts: 'maxAlerts' };

function fail(message) {
  process.stderr.write(`alertmanager-config: ${message}\n`);
  process.exit(1);
}

function unknownKeys(object, known, where) {
  const extra = Object.keys(object).filter((key) => !(key in known));
  if (extra.length) fail(`${rel(SOURCE)}: ${where}: ${extra.join(', ')} not supported by scripts/alertmanager-config.mjs`);
}

// 'name="value"' (the form this file uses) → { name, value, matchType }. The operator is quoted: a
// plain `=` is YAML 1.1's value tag to some parsers (PyYAML refuses the document).
function matcher(text) {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(text);
  if (!m) fail(`${rel(SOURCE)}: matcher ${JSON.stringify(text)}: write it as name="value" (=, !=, =~ or !~)`);
  const matchType = new Scalar(m[2]);
  matchType.type = Scalar.QUOTE_DOUBLE;
  return { name: m[1], value: JSON.parse(`"${m[3]}"`), matchType };
}

function route(source, where) {
  unknownKeys(source, ROUTE_KEYS, where);
  const out = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'matchers') out.matchers = value.map(matcher);
    else if (key === 'routes') out.routes = value.map((child, i) => route(child, `${where}.routes[${i}]`));
    else out[ROUTE_KEYS[key]] = value;
  }
  return out;
}

function receivers() {
  return config.receivers.map(({ name, webhook_configs: webhooks, ...rest }) => {
    unknownKeys(rest, {}, `receiver ${name}`);
    if (webhooks?.length !== 1) fail(`${rel(SOURCE)}: receiver ${name}: one webhook_configs entry expected (its URL is the Secret's key ${name}-url)`);
    unknownKeys(webhooks[0], WEBHOOK_KEYS, `receiver ${name}`);
    const webhook = { urlSecret: { name: SECRET, key: `${name}-url` } };
    for (const [key, value] of Object.entries(webhooks[0])) if (key !== 'url') webhook[WEBHOOK_KEYS[key]] = value;
    return { name, webhookConfigs: [webhook] };
  });
}

function inhibitRules() {
  return (config.inhibit_rules ?? []).map((rule, i) => {
    unknownKeys(rule, { source_matchers: 1, target_matchers: 1, equal: 1 }, `inhibit_rules[${i}]`);
    return { sourceMatch: rule.source_matchers.map(matcher), targetMatch: rule.target_matchers.map(matcher), equal: rule.equal };
  });
}

function renderKubernetes() {
  unknownKeys(config, { route: 1, receivers: 1, inhibit_rules: 1 }, 'top level');
  const object = {
    apiVersion: 'monitoring.coreos.com/v1alpha1',
    kind: 'AlertmanagerConfig',
    metadata: { name: 'commerce', labels: { 'app.kubernetes.io/part-of': 'commerce' } },
    spec: { route: route(config.route, 'route'), receivers: receivers(), inhibitRules: inhibitRules() },
  };
  return (
    '# GENERATED by scripts/alertmanager-config.mjs from monitoring/alertmanager/alertmanager.yml: edit that\n' +
    '# file and run `node scripts/alertmanager-config.mjs`. The Alertmanager of alertmanager.yaml uses it as\n' +
    '# its whole configuration (spec.alertmanagerConfiguration); the webhook URLs come from the Secret\n' +
    `# ${SECRET} (monitoring/README.md, "Alertmanager").\n` +
    stringify(object, { lineWidth: 0 })
  );
}

// A committed URL must be a placeholder: a real one would put a secret in git.
function placeholderErrors() {
  return config.receivers.flatMap(({ name, webhook_configs: webhooks = [] }) =>
    webhooks
      .filter(({ url }) => !/^https?:\/\/[^/]+\.invalid(\/|$)/.test(url ?? ''))
      .map(({ url }) => `${rel(SOURCE)}: receiver ${name}: url ${JSON.stringify(url)} is not a placeholder under .invalid (the real URL is a secret)`),
  );
}

function renderLocal(file, sink) {
  if (!file || !sink) fail('usage: --local <file> <sink URL>');
  const local = parse(readFileSync(SOURCE, 'utf8'));
  for (const receiver of local.receivers) {
    const url = process.env[`ALERTMANAGER_${receiver.name.toUpperCase().replace(/-/g, '_')}_URL`] || `${sink.replace(/\/$/, '')}/${receiver.name}`;
    for (const webhook of receiver.webhook_configs ?? []) webhook.url = url;
  }
  writeFileSync(file, `# Written by scripts/alertmanager-config.mjs --local from ${rel(SOURCE)}; don't edit.\n${stringify(local, { lineWidth: 0 })}`, { mode: 0o600 });
}

const args = process.argv.slice(2);
if (args[0] === '--local') {
  renderLocal(args[1], args[2]);
} else if (args[0] === '--check') {
  const errors = placeholderErrors();
  if (!existsSync(OUTPUT) || readFileSync(OUTPUT, 'utf8') !== renderKubernetes()) {
    errors.push(`${rel(OUTPUT)} is not up to date with ${rel(SOURCE)}: run node scripts/alertmanager-config.mjs`);
  }
  for (const error of errors) process.stderr.write(`alertmanager-config: ${error}\n`);
  if (errors.length) process.exit(1);
  process.stdout.write(`alertmanager-config: ${rel(OUTPUT)} is up to date; the receivers' URLs are placeholders\n`);
} else if (args.length === 0) {
  writeFileSync(OUTPUT, renderKubernetes());
  process.stdout.write(`alertmanager-config: wrote ${rel(OUTPUT)}\n`);
} else {
  fail('usage: scripts/alertmanager-config.mjs [--check | --local <file> <sink URL>]');
}
