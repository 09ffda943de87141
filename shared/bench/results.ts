import { Console } from 'node:console';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { now, type Bench, type FnReturnedObject } from 'tinybench';

/**
 * What every benchmark file hands to the report (scripts/bench.sh, shared/bench/summary.ts): one
 * table of rows, in the same units whatever measured them, written as
 * `$BENCH_OUT/<id>.json` when scripts/bench.sh runs it, and printed either way.
 */
export interface BenchRow {
  name: string;
  unit: 'ops/s' | 'msgs/s';
  /** Operations (or messages) per second. */
  rate: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  samples: number;
  /** Anything else a row wants shown (memory, prefetch, ...), as column → value. */
  extra?: Record<string, string | number>;
}

export interface BenchReport {
  id: string;
  title: string;
  /** What the latency columns mean for this table. */
  latency: string;
  rows: BenchRow[];
  notes?: string[];
}

/** The rows of a tinybench run; a task that errored fails the whole benchmark (it must run to completion). */
export function tinybenchRows(bench: Bench): BenchRow[] {
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state === 'errored') throw new Error(`${task.name}: ${result.error.message}`, { cause: result.error });
    if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
    return {
      name: task.name,
      unit: 'ops/s' as const,
      // Operations in the time spent, as tinybench defines its `period` (not the mean of per-sample rates).
      rate: 1000 / result.period,
      meanMs: result.latency.mean,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      samples: result.latency.samplesCount,
    };
  });
}

/** On stderr: the cart's bench sends stdout (the service's log lines) to a file. */
const stderr = new Console({ stdout: process.stderr });

/**
 * For calls far shorter than a microsecond, timing each call measures the clock, not the code:
 * each tinybench sample is then the mean of `calls` back-to-back calls (tinybench's documented
 * overriddenDuration batching), so p50/p99 are of those batch means.
 */
export function batched(fn: () => unknown, calls = 1000): () => FnReturnedObject {
  return () => {
    const started = now();
    for (let i = 0; i < calls; i++) sink = fn();
    const elapsed = now() - started;
    return { overriddenDuration: elapsed / calls, overriddenIterationCost: elapsed };
  };
}

/** Results go somewhere observable, so the compiler can't drop the call being measured. */
export let sink: unknown;

/** Writes the report's JSON (when BENCH_OUT names a folder) and prints its table. */
export function publishReport(report: BenchReport): void {
  const out = process.env.BENCH_OUT;
  if (out) {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the report folder scripts/bench.sh chose
    mkdirSync(out, { recursive: true });
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- a file named by our own report id in it
    writeFileSync(join(out, `${report.id}.json`), `${JSON.stringify(report, null, 2)}\n`);
  }
  stderr.log(report.title);
  stderr.table(
    report.rows.map((r) => ({
      name: r.name,
      [r.unit]: Math.round(r.rate),
      'mean ms': round(r.meanMs),
      'p50 ms': round(r.p50Ms),
      'p99 ms': round(r.p99Ms),
      samples: r.samples,
      ...r.extra,
    })),
  );
}

/** Three significant digits: enough to compare runs, not pretending to more. */
export function round(value: number): number {
  return Number(value.toPrecision(3));
}
