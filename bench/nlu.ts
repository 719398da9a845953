/**
 * NLU benchmark: classify every message of the labelled files (test/nlu/dev.tsv and
 * test/nlu/own.tsv) many times against the real catalogue, timing each call, and compare with a
 * baseline in the same process that only normalises the same messages. Run on its own with
 * `node --import tsx bench/nlu.ts`, or through `BENCH_ONLY=nlu npm run bench`.
 * Knobs (environment): BENCH_NLU_ROUNDS (200), BENCH_NLU_WARMUP (20).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultFlowsDir, loadCatalogue } from '../src/catalogue/index.js';
import { parseLabelledTsv } from '../src/nlu/eval.js';
import { createMatcher, lexiconFromCatalogue, normalise } from '../src/nlu/index.js';
import { round, summarize } from './stats.js';

/** Per-call timings of one measured function, in microseconds. */
export interface NluTiming {
  calls: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  perSec: number;
}

/** What `benchNlu` measured. */
export interface NluBenchResult {
  messages: number;
  rounds: number;
  warmupRounds: number;
  procedures: number;
  /** Time to build the matcher from the catalogue (once per catalogue load). */
  buildMs: number;
  classify: NluTiming;
  /** Normalising the same messages only: the floor any matcher pays. */
  baseline: NluTiming;
  /** classify ÷ baseline, for mean, p50 and p99. */
  ratio: { mean: number; p50: number; p99: number };
  /** The acceptance target: p99 per message well under 1 ms. */
  targetP99Us: number;
  met: boolean;
}

const FILES = ['../test/nlu/dev.tsv', '../test/nlu/own.tsv'];
const TARGET_P99_US = 500;

function envInt(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? '');
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function timing(samplesUs: Float64Array, totalUs: number): NluTiming {
  const s = summarize(samplesUs);
  return {
    calls: s.count,
    meanUs: s.mean,
    p50Us: s.p50,
    p99Us: s.p99,
    maxUs: s.max,
    perSec: Math.round((s.count / totalUs) * 1e6),
  };
}

/** Classifies every labelled message `rounds` times and reports per-message latency against a normalise-only baseline. */
export async function benchNlu(
  options: { rounds?: number; warmupRounds?: number } = {},
): Promise<NluBenchResult> {
  const rounds = options.rounds ?? envInt('BENCH_NLU_ROUNDS', 200);
  const warmupRounds = options.warmupRounds ?? envInt('BENCH_NLU_WARMUP', 20);
  const messages = FILES.flatMap((f) =>
    parseLabelledTsv(readFileSync(fileURLToPath(new URL(f, import.meta.url)), 'utf8')).map((m) => m.text),
  );
  const { catalogue } = await loadCatalogue(defaultFlowsDir());
  const started = performance.now();
  const matcher = createMatcher(lexiconFromCatalogue(catalogue.procedures));
  const buildMs = round(performance.now() - started, 1);

  let sink = 0;
  const run = (fn: (text: string) => number, samples: Float64Array | null) => {
    let i = 0;
    const t0 = performance.now();
    for (const text of messages) {
      const a = performance.now();
      sink += fn(text);
      if (samples) samples[i++] = (performance.now() - a) * 1000;
    }
    return (performance.now() - t0) * 1000;
  };
  const classify = (text: string) => matcher.classify(text).candidates.length;
  const baseline = (text: string) => normalise(text).words.length;
  for (let r = 0; r < warmupRounds; r++) {
    run(classify, null);
    run(baseline, null);
  }
  const n = messages.length;
  const classifySamples = new Float64Array(n * rounds);
  const baselineSamples = new Float64Array(n * rounds);
  let classifyUs = 0;
  let baselineUs = 0;
  for (let r = 0; r < rounds; r++) {
    // Alternate the two so machine noise hits both alike.
    baselineUs += run(baseline, baselineSamples.subarray(r * n, (r + 1) * n));
    classifyUs += run(classify, classifySamples.subarray(r * n, (r + 1) * n));
  }
  if (sink < 0) throw new Error('unreachable');
  const c = timing(classifySamples, classifyUs);
  const b = timing(baselineSamples, baselineUs);
  const ratio = (x: number, y: number) => (y > 0 ? round(x / y, 1) : 0);
  return {
    messages: n,
    rounds,
    warmupRounds,
    procedures: catalogue.procedures.length,
    buildMs,
    classify: c,
    baseline: b,
    ratio: { mean: ratio(c.meanUs, b.meanUs), p50: ratio(c.p50Us, b.p50Us), p99: ratio(c.p99Us, b.p99Us) },
    targetP99Us: TARGET_P99_US,
    met: c.p99Us <= TARGET_P99_US,
  };
}

/** A plain-text table of a {@link benchNlu} result. */
export function renderNluBench(r: NluBenchResult): string {
  const row = (name: string, t: NluTiming) =>
    `${name.padEnd(18)} ${String(t.meanUs).padStart(8)} ${String(t.p50Us).padStart(8)} ${String(t.p99Us).padStart(8)} ${String(t.maxUs).padStart(9)} ${String(t.perSec).padStart(10)}`;
  return [
    `NLU: ${r.messages} messages × ${r.rounds} rounds (after ${r.warmupRounds} warm-up), ${r.procedures} procedures, matcher built in ${r.buildMs} ms`,
    `${'per message (µs)'.padEnd(18)} ${'mean'.padStart(8)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(9)} ${'msg/s'.padStart(10)}`,
    row('classify', r.classify),
    row('normalise only', r.baseline),
    `ratio classify/normalise: mean ${r.ratio.mean}×, p50 ${r.ratio.p50}×, p99 ${r.ratio.p99}×`,
    `target p99 ≤ ${r.targetP99Us} µs: ${r.met ? 'MET' : 'MISSED'} (${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores)`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchNlu().then(
    (r) => console.log(renderNluBench(r)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
