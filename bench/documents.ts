import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { gt, max } from 'drizzle-orm';
import { loadConfig } from '../src/config.js';
import { storedFiles } from '../src/db/schema.js';
import { createLogger } from '../src/log.js';
import { startRuntime, type Runtime } from '../src/main.js';
import { guardResources } from './cleanup.js';
import { watchFetches, type MediaFetches } from './documents-http.js';
import { dirUsage, sampleMemory, type DirUsage, type MemoryWindow } from './documents-memory.js';
import { PHONE_PHOTO } from './documents-photo.js';
import type { PhotoAck, PhotoRunResult } from './documents-photos.js';
import type { IntakeSetupResult } from './documents-setup.js';
import { startDocumentsThread, type DocumentsThread } from './documents-thread.js';
import { meterPglite, type PgliteUsage } from './pglite-meter.js';
import { sleep, startUsageWindow, tempDir } from './proc.js';
import { round } from './stats.js';
import { residentId } from './zalo-events.js';

/** How the photos of one run ended up in the store (checked by SHA-256 once every run is over). */
export interface StoreCheck {
  /** Photos the emulator accepted, and of those: stored exactly once, not stored, stored more than once. */
  accepted: number;
  storedOnce: number;
  lost: number;
  duplicated: number;
}

/** One timed run: the residents' view, the server side, memory, and (intake) the store check. */
export type DocumentsRun = Omit<PhotoRunResult, 'acceptedSha256'> & {
  kind: PhotoAck;
  clientElu: number;
  /** Main-thread event-loop utilisation (motcua + emulator), 1 = saturated; loop delay p99 and max in ms. */
  serverElu: number;
  loopDelayP99: number;
  loopDelayMax: number;
  /** motcua's downloads of the photos from the emulator's media URLs (more requests than photos: retries). */
  mediaFetches: MediaFetches;
  /** Cores used by this process (all threads) and by redis-server; other workloads on the machine. */
  processCpu: number;
  redisCpu?: number;
  otherCpu?: number;
  /** CPU time of this process per acknowledged photo (ms). */
  cpuMsPerPhoto: number;
  /** PGlite protocol calls and main-thread ms blocked in them, per acknowledged photo. */
  pglite: { callsPerPhoto: number; msPerPhoto: number };
  memory: MemoryWindow;
  /** Rows added to stored_files while the run (and its drain) went on. */
  rowsAdded: number;
  store?: StoreCheck;
};

/** One offered rate: the baseline (residents not in an intake) and the intake run. */
export interface DocumentsLevel {
  ratePerSec: number;
  baseline?: DocumentsRun;
  intake: DocumentsRun;
  /** Intake over baseline: latency p50/p99, CPU ms per photo, main-thread ELU. */
  ratios?: { p50: number; p99: number; cpuMsPerPhoto: number; serverElu: number };
}

/** The documents benchmark: settings, the setup, each level, the store at the end, and the logs. */
export interface DocumentsBenchResult {
  settings: {
    residents: number;
    rates: number[];
    seconds: number;
    baselineSeconds: number;
    drainSeconds: number;
    photo: { width: number; height: number; minKb: number; maxKb: number };
    notes: string[];
  };
  setup: IntakeSetupResult & { clientElu: number };
  /** The process with nothing offered, after setup and warm-up: the floor every run stands on. */
  idle: {
    seconds: number;
    serverElu: number;
    processCpu: number;
    pgliteMsPerSecond: number;
    memory: MemoryWindow;
  };
  levels: DocumentsLevel[];
  /** All intake photos (warm-up included) against stored_files, and DATA_DIR/files on disk. */
  store: StoreCheck & { rows: number; files: DirUsage };
  /** Warnings and errors motcua logged during the part, by message. */
  logs: { warn: number; error: number; messages: Record<string, number> };
}

/** The part's knobs. */
export interface DocumentsSettings {
  residents: number;
  rates: number[];
  seconds: number;
  baselineSeconds: number;
  drainSeconds: number;
  log: (line: string) => void;
}

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer ${min}-${max}`);
  return n;
}

/**
 * Knobs from the environment: BENCH_DOCUMENTS_RATES (photos/s, comma-separated; 5,10,20),
 * BENCH_DOCUMENTS_SECONDS (15 per intake run), BENCH_DOCUMENTS_BASELINE_SECONDS (as long as
 * the intake run, so both build the same backlog; 0 skips), BENCH_DOCUMENTS_RESIDENTS (100),
 * BENCH_DOCUMENTS_DRAIN_SECONDS (20).
 */
export function documentsSettingsFromEnv(log: (line: string) => void): DocumentsSettings {
  const rawRates = process.env.BENCH_DOCUMENTS_RATES?.trim() || '5,10,20';
  const rates = rawRates.split(',').map((r) => Number(r.trim()));
  if (rates.some((r) => !Number.isInteger(r) || r < 1 || r > 500))
    throw new Error('BENCH_DOCUMENTS_RATES must be integers 1-500, comma-separated');
  const seconds = envNumber('BENCH_DOCUMENTS_SECONDS', 15, 1, 120);
  return {
    residents: envNumber('BENCH_DOCUMENTS_RESIDENTS', 100, 1, 5000),
    rates,
    seconds,
    baselineSeconds: envNumber('BENCH_DOCUMENTS_BASELINE_SECONDS', seconds, 0, 120),
    drainSeconds: envNumber('BENCH_DOCUMENTS_DRAIN_SECONDS', 20, 1, 120),
    log,
  };
}

/** The emulator keeps the bytes of its newest uploads only; older media URLs answer 410. */
const EMULATOR_KEPT_UPLOADS = 500;

/** Collects motcua's warn and error log lines (pino JSON), counted by message. */
export function logCounter() {
  const out = { warn: 0, error: 0, messages: {} as Record<string, number> };
  let partial = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      partial += chunk.toString('utf8');
      let cut: number;
      while ((cut = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, cut);
        partial = partial.slice(cut + 1);
        try {
          const entry = JSON.parse(line) as { level?: number; msg?: string; err?: unknown };
          if ((entry.level ?? 0) >= 50) out.error++;
          else out.warn++;
          const err = typeof entry.err === 'string' ? `: ${entry.err}` : '';
          const key = `${(entry.level ?? 0) >= 50 ? 'error' : 'warn'} ${entry.msg ?? '?'}${err}`.slice(
            0,
            200,
          );
          out.messages[key] = (out.messages[key] ?? 0) + 1;
        } catch {
          out.messages[line.slice(0, 200)] = (out.messages[line.slice(0, 200)] ?? 0) + 1;
        }
      }
      done();
    },
  });
  return { sink, read: () => out };
}

/**
 * Residents sending photos of their papers at once, through the built-in emulator, into
 * the dossier intake of motcua in `all` mode in this process (fresh redis-server, PGlite
 * on disk under a temporary DATA_DIR). Setup (untimed): `residents` residents start a
 * birth-registration dossier, consent and share their contact details, so they sit at
 * paper 1. Then, for each offered rate, open loop: a baseline run (the same uploads from
 * residents who are not in an intake: the bot only answers, nothing is downloaded) and
 * the intake run (each photo downloaded, checked, hashed, encrypted and written), each
 * photo timed to the bot's acknowledgement. Every accepted intake photo is checked
 * against stored_files by SHA-256 at the end.
 */
export async function benchDocuments(opts: DocumentsSettings): Promise<DocumentsBenchResult> {
  const tmp = tempDir('motcua-bench-documents-');
  const pglite = meterPglite();
  const logs = logCounter();
  const closers: Array<() => unknown> = [
    () => tmp.remove(),
    () => pglite.restore(),
    guardResources({ dir: tmp.dir }),
  ];
  try {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: tmp.dir,
      LOG_LEVEL: 'warn',
      ZALO_RATE_PER_MINUTE: '1000000',
      SHUTDOWN_TIMEOUT_MS: '8000',
    });
    const runtime = await startRuntime(
      config,
      { serve: true, work: true },
      { logger: createLogger('warn', logs.sink) },
    );
    closers.push(guardResources({ pid: runtime.redis.embedded?.pid }), () => runtime.close());
    const api = `${runtime.url}/emulator/api`;
    const limited = await fetch(`${api}/rate-limit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ perMinute: 1_000_000 }),
    });
    if (!limited.ok) throw new Error(`${api}/rate-limit answered HTTP ${limited.status}`);
    const thread = startDocumentsThread();
    closers.push(() => thread.close());
    return await runLevels(opts, runtime, api, thread, () => pglite.read(), tmp.dir, logs.read);
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
  }
}

async function runLevels(
  opts: DocumentsSettings,
  runtime: Runtime,
  api: string,
  thread: DocumentsThread,
  pglite: () => PgliteUsage,
  dataDir: string,
  logs: () => DocumentsBenchResult['logs'],
): Promise<DocumentsBenchResult> {
  const intakeUsers = Array.from({ length: opts.residents }, (_, n) => residentId(5_000_000 + n));
  const plainUsers = Array.from({ length: opts.residents }, (_, n) => residentId(6_000_000 + n));
  const db = runtime.db.db;
  const maxRowId = async () => (await db.select({ id: max(storedFiles.id) }).from(storedFiles))[0]?.id ?? 0;

  opts.log(`  setup: ${opts.residents} residents start a dossier, consent and share contact details`);
  const setup = await thread.run({
    kind: 'setup',
    api,
    users: intakeUsers,
    concurrency: 20,
    stepTimeoutMs: 30_000,
  });
  opts.log(`  setup: ${setup.ready}/${setup.users} at paper 1 in ${(setup.ms / 1000).toFixed(1)} s`);
  if (setup.ready < setup.users) throw new Error(`setup failed: ${setup.failures.join('; ')}`);

  let posted = 0;
  const accepted = new Map<DocumentsRun, string[]>();
  const warm: string[] = [];
  const run = async (kind: PhotoAck, ratePerSec: number, seconds: number): Promise<DocumentsRun> => {
    const users = kind === 'intake' ? intakeUsers : plainUsers;
    const rowsBefore = await maxRowId();
    const memory = sampleMemory(250);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const usage = startUsageWindow(runtime.redis.embedded?.pid);
    const fetches = watchFetches('/emulator/media/');
    const pg0 = pglite();
    const t0 = performance.now();
    const r = await thread.run({
      kind: 'photos',
      api,
      users,
      ratePerSec,
      durationMs: seconds * 1000,
      drainMs: opts.drainSeconds * 1000,
      ack: kind,
      shape: PHONE_PHOTO,
      firstPhoto: posted,
    });
    const windowSeconds = (performance.now() - t0) / 1000;
    const pg1 = pglite();
    const server = usage();
    const mediaFetches = fetches();
    delay.disable();
    const mem = memory();
    posted += r.sent;
    const rowsAdded = (
      await db.select({ id: storedFiles.id }).from(storedFiles).where(gt(storedFiles.id, rowsBefore))
    ).length;
    const { acceptedSha256, ...rest } = r;
    const perPhoto = Math.max(1, r.acked);
    const out: DocumentsRun = {
      ...rest,
      kind,
      ...server,
      loopDelayP99: round(delay.percentile(99) / 1e6),
      loopDelayMax: round(delay.max / 1e6),
      mediaFetches,
      cpuMsPerPhoto: round((server.processCpu * windowSeconds * 1000) / perPhoto, 1),
      pglite: {
        callsPerPhoto: round((pg1.calls - pg0.calls) / perPhoto, 1),
        msPerPhoto: round((pg1.ms - pg0.ms) / perPhoto, 2),
      },
      memory: mem,
      rowsAdded,
    };
    if (kind === 'intake') accepted.set(out, acceptedSha256);
    const ge = r.latencyAll.lowerBound ? '>= ' : '';
    const held = Math.min(EMULATOR_KEPT_UPLOADS, posted) * r.meanPhotoBytes;
    opts.log(
      `  ${kind} at ${ratePerSec}/s: ${r.acked}/${r.expected} acked, p50 ${ge}${r.latencyAll.p50} ms, ` +
        `p99 ${ge}${r.latencyAll.p99} ms, ${r.photosPerSec} photos/s (${r.mbPerSec} MB/s), ` +
        `CPU ${out.cpuMsPerPhoto} ms/photo, ELU ${out.serverElu}, RSS peak ${mem.rss.peak} MB ` +
        `(emulator holds ~${round(held / 1e6, 0)} MB of photos), rows +${rowsAdded}, ` +
        `media GETs ${mediaFetches.requests} ${JSON.stringify(mediaFetches.statuses)}` +
        `${Object.keys(mediaFetches.errors).length ? ` errors ${JSON.stringify(mediaFetches.errors)}` : ''}, ` +
        `loop max ${out.loopDelayMax} ms, worst by second ${r.worstBySecond.join(' ')}`,
    );
    return out;
  };

  opts.log('  warm-up: 2 s at 5 photos/s, plain then intake');
  for (const kind of ['plain', 'intake'] as const) {
    const r = await thread.run({
      kind: 'photos',
      api,
      users: kind === 'intake' ? intakeUsers : plainUsers,
      ratePerSec: 5,
      durationMs: 2000,
      drainMs: opts.drainSeconds * 1000,
      ack: kind,
      shape: PHONE_PHOTO,
      firstPhoto: posted,
    });
    posted += r.sent;
    if (kind === 'intake') warm.push(...r.acceptedSha256);
  }

  const idle = await idleWindow(runtime, pglite, 3);
  opts.log(
    `  idle ${idle.seconds} s: ELU ${idle.serverElu}, CPU ${idle.processCpu} cores, ` +
      `PGlite ${idle.pgliteMsPerSecond} ms/s, RSS ${idle.memory.rss.end} MB`,
  );

  const levels: DocumentsLevel[] = [];
  for (const rate of opts.rates) {
    const baseline = opts.baselineSeconds > 0 ? await run('plain', rate, opts.baselineSeconds) : undefined;
    const intake = await run('intake', rate, opts.seconds);
    const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : Number.NaN);
    levels.push({
      ratePerSec: rate,
      intake,
      ...(baseline
        ? {
            baseline,
            ratios: {
              p50: ratio(intake.latencyAll.p50, baseline.latencyAll.p50),
              p99: ratio(intake.latencyAll.p99, baseline.latencyAll.p99),
              cpuMsPerPhoto: ratio(intake.cpuMsPerPhoto, baseline.cpuMsPerPhoto),
              serverElu: ratio(intake.serverElu, baseline.serverElu),
            },
          }
        : {}),
    });
  }

  const rows = await settledRows(runtime);
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.sha256, (counts.get(r.sha256) ?? 0) + 1);
  const check = (hashes: string[]): StoreCheck => {
    const c = { accepted: hashes.length, storedOnce: 0, lost: 0, duplicated: 0 };
    for (const h of hashes) {
      const n = counts.get(h) ?? 0;
      if (n === 1) c.storedOnce++;
      else if (n === 0) c.lost++;
      else c.duplicated++;
    }
    return c;
  };
  for (const [r, hashes] of accepted) r.store = check(hashes);
  const all = check([...warm, ...[...accepted.values()].flat()]);
  const files = dirUsage(path.join(dataDir, 'files'));
  opts.log(
    `  store: ${all.storedOnce}/${all.accepted} intake photos stored once, ${all.lost} lost, ` +
      `${all.duplicated} duplicated; ${rows.length} rows, ${files.encFiles} .enc files (${files.mb} MB), ` +
      `${files.tmpFiles} .tmp left`,
  );
  return {
    settings: {
      residents: opts.residents,
      rates: opts.rates,
      seconds: opts.seconds,
      baselineSeconds: opts.baselineSeconds,
      drainSeconds: opts.drainSeconds,
      photo: {
        width: PHONE_PHOTO.width,
        height: PHONE_PHOTO.height,
        minKb: PHONE_PHOTO.minBytes / 1000,
        maxKb: PHONE_PHOTO.maxBytes / 1000,
      },
      notes: [
        `Photos: JPEG headers stating ${PHONE_PHOTO.width}x${PHONE_PHOTO.height}, random scan data, ` +
          `${PHONE_PHOTO.minBytes / 1000}-${PHONE_PHOTO.maxBytes / 1000} KB (spread evenly), posted as base64 JSON.`,
        `The same ${opts.residents} residents take every intake level (their dossiers grow through the run); ` +
          'baseline residents are others who never start a dossier.',
        'Latency: scheduled post -> the acknowledgement on the resident stream ("Đã nhận N ảnh…" in the intake, ' +
          '"… đã nhận được tin…" in the baseline). MB = 10^6 bytes.',
        `Memory is the whole process: motcua, the emulator (it keeps the bytes of its newest ${EMULATOR_KEPT_UPLOADS} ` +
          'uploads) and the load thread.',
        'ZALO_RATE_PER_MINUTE and the emulator limit raised to 1,000,000/min.',
      ],
    },
    setup,
    idle,
    levels,
    store: { ...all, rows: rows.length, files },
    logs: logs(),
  };
}

/** Measures the process with no load for `seconds`. */
async function idleWindow(runtime: Runtime, pglite: () => PgliteUsage, seconds: number) {
  const memory = sampleMemory(250);
  const usage = startUsageWindow(runtime.redis.embedded?.pid);
  const pg0 = pglite();
  await sleep(seconds * 1000);
  const pg1 = pglite();
  const server = usage();
  return {
    seconds,
    serverElu: server.serverElu,
    processCpu: server.processCpu,
    pgliteMsPerSecond: round((pg1.ms - pg0.ms) / seconds, 1),
    memory: memory(),
  };
}

/** stored_files once it stops changing (up to 15 s), so late photos are counted. */
async function settledRows(runtime: Runtime) {
  const read = () => runtime.db.db.select({ sha256: storedFiles.sha256 }).from(storedFiles);
  let rows = await read();
  for (let waited = 0; waited < 15_000; waited += 2000) {
    await sleep(2000);
    const again = await read();
    if (again.length === rows.length) return again;
    rows = again;
  }
  return rows;
}
