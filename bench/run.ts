/**
 * `npm run bench`: webhook ingest (motcua vs bare node:http) and end to end
 * (residents -> emulator -> motcua -> reply), in one process, on 127.0.0.1 only;
 * with DATABASE_URL, end to end also in the production topology (emulator, `motcua
 * serve` and two `motcua work` as child processes, a fresh database on that server).
 * Prints tables and writes bench/results.json. Knobs (environment):
 *   BENCH_ONLY=ingest|e2e|nlu|documents|broadcast (nlu: only the classifier, printed, see bench/nlu.ts;
 *   documents: residents' photos into the dossier intake, knobs in bench/documents.ts;
 *   broadcast: residents chatting while a broadcast goes out, knobs in bench/broadcast.ts, run
 *   only when named: it takes tens of minutes),
 *   BENCH_ROUNDS (3), BENCH_INGEST_SECONDS (10), BENCH_E2E_SECONDS (20),
 *   BENCH_BASELINE_SECONDS (10), BENCH_PROBE_RATE (25; 0 skips),
 *   BENCH_CPU_PROF=<dir> (CPU profiles of the main thread during the end-to-end runs),
 *   BENCH_OUT=<file> (instead of bench/results.json; a BENCH_ONLY run writes bench/results-<part>.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBroadcast, broadcastSettingsFromEnv, broadcastWatchdogMs } from './broadcast.js';
import { emergencyCleanup } from './cleanup.js';
import { benchDocuments, documentsSettingsFromEnv } from './documents.js';
import { benchEndToEnd } from './end-to-end.js';
import { benchIngest } from './ingest.js';
import { benchNlu } from './nlu.js';
import { renderReport, type BenchResults } from './report.js';
import { round } from './stats.js';
import { startLoadThread } from './thread.js';
import { envInt } from './env.js';

const HARD_LIMIT_MS = 10 * 60_000;

async function main(): Promise<void> {
  const started = Date.now();
  const only = process.env.BENCH_ONLY;
  if (only !== undefined && !['ingest', 'e2e', 'nlu', 'documents', 'broadcast'].includes(only))
    throw new Error('BENCH_ONLY must be ingest, e2e, nlu, documents or broadcast');
  const profileDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const log = (line: string) =>
    console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const results: BenchResults = {
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    date: new Date().toISOString(),
    method: [
      'One process: servers under test on the main thread, load generator on a worker thread (node:http, ' +
        'keep-alive agents), redis-server as a child process; no CPU pinning; 127.0.0.1 only. Except the ' +
        'scaled end-to-end run: emulator, motcua serve and 2 motcua work as child processes, PostgreSQL from DATABASE_URL.',
      'Open loop = requests started on schedule, latency from the scheduled start (no coordinated omission); ' +
        'closed loop = N connections each waiting for its answer. Percentiles are exact (sorted samples).',
      "'other CPU' = cores used by other workloads on the machine during a run (from /proc/stat): noise.",
    ],
  };
  if (only === 'broadcast') {
    const settings = broadcastSettingsFromEnv(log);
    armWatchdog(broadcastWatchdogMs(settings));
    log('broadcast');
    results.broadcast = await benchBroadcast(settings);
  }
  if (only === undefined || only === 'nlu') {
    log('classifying resident messages');
    results.nlu = await benchNlu();
  }
  const load = only === 'broadcast' ? undefined : startLoadThread();
  try {
    if (load && (only === undefined || only === 'ingest')) {
      log('webhook ingest');
      results.ingest = await benchIngest({
        load,
        rounds: envInt('BENCH_ROUNDS', 3, 1, 10),
        seconds: envInt('BENCH_INGEST_SECONDS', 10, 1, 60),
        fixedRatePerSec: 500,
        flatConnections: 64,
        users: 10_000,
        log,
      });
    }
    if (load && (only === undefined || only === 'e2e')) {
      log('end to end');
      results.endToEnd = await benchEndToEnd({
        load,
        users: 1000,
        ratePerSec: 200,
        seconds: envInt('BENCH_E2E_SECONDS', 20, 1, 120),
        drainSeconds: 15,
        baselineSeconds: envInt('BENCH_BASELINE_SECONDS', 10, 0, 120),
        probeRatePerSec: envInt('BENCH_PROBE_RATE', 25, 0, 1000),
        probeSeconds: 5,
        profileDir,
        databaseUrl: process.env.DATABASE_URL || undefined,
        log,
      });
    }
  } finally {
    await load?.close();
  }
  if (only === undefined || only === 'documents') {
    log('documents');
    results.documents = await benchDocuments(documentsSettingsFromEnv(log));
  }
  results.durationSeconds = round((Date.now() - started) / 1000, 1);
  const file = process.env.BENCH_OUT
    ? path.resolve(process.env.BENCH_OUT)
    : fileURLToPath(new URL(only ? `./results-${only}.json` : './results.json', import.meta.url));
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${renderReport(results)}\n`);
  log(`wrote ${path.relative(process.cwd(), file)}${profileDir ? `; CPU profiles in ${profileDir}` : ''}`);
}

let watchdog: NodeJS.Timeout | undefined;
/** (Re)starts the watchdog: after `ms` the bench cleans up and exits. */
function armWatchdog(ms: number): void {
  clearTimeout(watchdog);
  watchdog = setTimeout(() => {
    console.error(`bench: still running after ${Math.round(ms / 1000)} s; cleaning up and exiting`);
    emergencyCleanup();
    process.exit(1);
  }, ms);
  watchdog.unref();
}
armWatchdog(HARD_LIMIT_MS);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}; cleaning up`);
    emergencyCleanup();
    process.exit(130);
  });
}

main().then(
  () => {
    clearTimeout(watchdog);
    // Anything still holding the loop open (a stray socket) must not keep the bench alive.
    setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    emergencyCleanup();
    process.exit(1);
  },
);
