/**
 * scripts/bench.sh's last step: every `<id>.json` the benchmarks wrote into the report folder
 * becomes one table of summary.md, under the machine it ran on; the summary is printed too.
 *   node shared/bench/summary.ts <report folder> <git commit>   (through tsx, like the benches)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { round, type BenchReport } from './results.js';

const [dir, commit = 'unknown'] = process.argv.slice(2);
if (!dir) throw new Error('usage: summary.ts <report folder> [git commit]');

// eslint-disable-next-line security/detect-non-literal-fs-filename -- the report folder scripts/bench.sh passes
const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
// eslint-disable-next-line security/detect-non-literal-fs-filename -- the report folder scripts/bench.sh passes
const read = (file: string) => readFileSync(join(dir, file), 'utf8');

// eslint-disable-next-line security/detect-non-literal-fs-filename -- the report folder scripts/bench.sh passes
const reports = readdirSync(dir)
  .filter((file) => file.endsWith('.json') && file !== 'machine.json')
  .sort()
  .map((file) => JSON.parse(read(file)) as BenchReport);

const machine = {
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cpus: cpus().length,
  memoryGb: Math.round(totalmem() / 1024 ** 3),
  // The machine is shared: a busy one slows everything, so the load at the end is part of the record.
  loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
  node: process.version,
  commit,
  finishedAt: new Date().toISOString(),
};
write('machine.json', `${JSON.stringify(machine, null, 2)}\n`);

const cell = (value: string | number) => String(value).replaceAll('|', '\\|');
const lines = [
  `# Benchmarks, ${machine.finishedAt}`,
  '',
  `Machine: ${machine.cpu}, ${machine.cpus} CPUs, ${machine.memoryGb} GB; Node ${machine.node}; commit ${machine.commit}; ` +
    `load average (1 min) at the end ${machine.loadAverage1m}. Numbers compare only with runs on the same machine.`,
];
for (const report of reports) {
  const extras = [...new Set(report.rows.flatMap((row) => Object.keys(row.extra ?? {})))];
  const unit = report.rows[0]?.unit ?? 'ops/s';
  lines.push('', `## ${report.title}`, '', `Latency columns: ${report.latency}.`, '');
  lines.push(`| benchmark | ${unit} | mean ms | p50 ms | p99 ms | samples |${extras.map((e) => ` ${e} |`).join('')}`);
  lines.push(`|---|---:|---:|---:|---:|---:|${extras.map(() => '---:|').join('')}`);
  for (const row of report.rows) {
    const values = [row.name, Math.round(row.rate).toLocaleString('en-US'), round(row.meanMs), round(row.p50Ms), round(row.p99Ms), row.samples, ...extras.map((e) => row.extra?.[e] ?? '')];
    lines.push(`| ${values.map(cell).join(' | ')} |`);
  }
  for (const note of report.notes ?? []) lines.push('', note);
}
const summary = `${lines.join('\n')}\n`;
write('summary.md', summary);
process.stdout.write(summary);
