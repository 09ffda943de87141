// The alert rules of monitoring/prometheus/rules/, for the scripts that check them
// (monitoring-k8s.mjs, check-alert-routing.mjs, check-alert-delivery.mjs): one listing of the rule
// files, and one spelling of the runbook convention.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/* eslint-disable security/detect-non-literal-fs-filename -- the repository's rule folders */

export const RULES = resolve(dirname(fileURLToPath(import.meta.url)), '../monitoring/prometheus/rules');

/** The .yml files of a folder, sorted. */
export const ymlIn = (dir) => readdirSync(dir).filter((name) => name.endsWith('.yml')).sort().map((name) => join(dir, name));

/** What Kubernetes loads: rules/*.yml but the local stand-ins (*.local.yml), then rules/k8s/*.yml. */
export const k8sRuleFiles = () => [...ymlIn(RULES).filter((file) => !file.endsWith('.local.yml')), ...ymlIn(join(RULES, 'k8s'))];

/** Every rule file, the local stand-ins too. */
export const allRuleFiles = () => [...ymlIn(RULES), ...ymlIn(join(RULES, 'k8s'))];

/** Each alerting rule of the files, with the file it is in. */
export const alertRules = (files = allRuleFiles()) =>
  files.flatMap((file) => parse(readFileSync(file, 'utf8')).groups.flatMap((group) => group.rules.filter((rule) => rule.alert).map((rule) => ({ file, rule }))));

/** The runbook an alert's runbook_url names: HighLatencyP99 → docs/runbooks/high-latency-p99.md. */
export const runbookOf = (alert) =>
  `docs/runbooks/${alert.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase()}.md`;
