import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { AudiencePreview } from '../src/broadcasts/types.js';
import { EMULATOR_AGENCY_CODE, EMULATOR_CREDENTIALS, loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startRuntime, type Runtime } from '../src/main.js';
import { freePort } from '../src/redis/embedded.js';
import type { ChatResult } from './broadcast-chat.js';
import {
  broadcastSendTimes,
  chatTimeline,
  chatWindow,
  dispatchBatches,
  emulatorCheck,
  outboxCheck,
  rateCheck,
  type ChatWindow,
  type DeliveryCheck,
  type DispatchBatches,
  type RateCheck,
} from './broadcast-check.js';
import { createInFlightCounter } from '../src/broadcasts/in-flight.js';
import { audienceIds, seedConversations, seedEmulator } from './broadcast-seed.js';
import { recordSlowPglite, type SlowStatement } from './broadcast-slow.js';
import { startChatThread, type ChatThread } from './broadcast-thread.js';
import { spawnChild, type Child } from './children.js';
import { guardResources } from './cleanup.js';
import { logCounter } from './documents.js';
import type { MemoryRange } from './documents-memory.js';
import { meterPglite } from './pglite-meter.js';
import { createBenchDatabase, type BenchDatabase } from './postgres.js';
import { processCpuSeconds, sleep, startProcessCpuWindow, startUsageWindow, tempDir } from './proc.js';
import { startCpuProfile } from './profile.js';
import { round, summarize, type LatencySummary } from './stats.js';
import { residentId } from './zalo-events.js';
import { envInt } from './env.js';

/** Which database motcua runs on in a broadcast run. */
export type BroadcastDatabase = 'pglite' | 'postgres';

/** The part's knobs (see {@link broadcastSettingsFromEnv}). */
export interface BroadcastSettings {
  recipients: number;
  ratePerMinute: number;
  zaloRatePerMinute: number;
  chatRatePerSec: number;
  chatUsers: number;
  warmupSeconds: number;
  baselineSeconds: number;
  databases: BroadcastDatabase[];
  databaseUrl?: string;
  profileDir?: string;
  log: (line: string) => void;
}

/** How the process behaved over one phase. */
export interface PhaseUsage {
  seconds: number;
  /** motcua's main thread: event-loop utilisation (1 = saturated) and loop delay p99 / max (ms). */
  serverElu: number;
  loopDelayP99: number;
  loopDelayMax: number;
  /** Cores used by the bench process (motcua and the chat thread), redis-server, the emulator, PostgreSQL, the rest of the machine. */
  processCpu: number;
  redisCpu?: number;
  emulatorCpu?: number;
  postgresCpu?: number;
  otherCpu?: number;
  /** PGlite: ms of main thread blocked in its protocol calls per second of the phase. */
  pgliteMsPerSecond?: number;
}

/** One phase: the residents' reply latency and the server side. */
export type Phase = ChatWindow & { usage: PhaseUsage };

/**
 * A memory figure at the broadcast's start, its peak, its end and its lowest sample, MB; growth is
 * peak − start, and peak − low bounds it from above whatever the start held.
 */
export type MemoryGrowth = MemoryRange & { low: number; growth: number; growthFromLow: number };

type Figure = 'rss' | 'heapUsed' | 'arrayBuffers';

/** Samples process.memoryUsage() every `everyMs` until stopped: start, peak, lowest and end of each figure. */
function sampleMemoryRange(
  everyMs: number,
): () => { figures: Record<Figure, MemoryGrowth>; samples: number } {
  const figures: Figure[] = ['rss', 'heapUsed', 'arrayBuffers'];
  const first = process.memoryUsage();
  const peak = { ...first };
  const low = { ...first };
  let samples = 1;
  const take = () => {
    const m = process.memoryUsage();
    for (const f of figures) {
      peak[f] = Math.max(peak[f], m[f]);
      low[f] = Math.min(low[f], m[f]);
    }
    samples++;
    return m;
  };
  const timer = setInterval(take, everyMs);
  return () => {
    clearInterval(timer);
    const last = take();
    const mb = (v: number) => round(v / 1e6, 1);
    const out = {} as Record<Figure, MemoryGrowth>;
    for (const f of figures) {
      out[f] = {
        start: mb(first[f]),
        peak: mb(peak[f]),
        end: mb(last[f]),
        low: mb(low[f]),
        growth: mb(peak[f] - first[f]),
        growthFromLow: mb(peak[f] - low[f]),
      };
    }
    return { figures: out, samples };
  };
}

/** One broadcast run (one database). */
export interface BroadcastRun {
  database: BroadcastDatabase;
  databaseVersion?: string;
  setup: { seedDatabaseMs: number; seedEmulatorMs: number; preview: AudiencePreview };
  baseline: Phase;
  broadcast: Phase;
  /** Broadcast phase over baseline. */
  ratios: { p50: number; p99: number };
  rate: RateCheck & {
    /** Outbox row written by the dispatcher -> sent (ms): the wait in the send queue plus the send. */
    dispatchToSent: LatencySummary;
    /** Broadcast messages queued or being sent, sampled every 2 s (the dispatcher's cap: 10 s of its rate). */
    inFlight: { mean: number; max: number; cap: number };
    batches: DispatchBatches;
  };
  /** Seconds from scheduling the broadcast to the dispatcher starting it (recipients fixed), and to `done`. */
  broadcastTimes: { startedAfter: number; doneAfter: number | null; timedOut: boolean };
  /** motcua's process (bench process: motcua and the chat thread; not the emulator) during the broadcast. */
  memory: {
    rss: MemoryGrowth;
    heapUsed: MemoryGrowth;
    arrayBuffers: MemoryGrowth;
    samples: number;
    /** After a full collection once the broadcast is done: what it left behind. */
    afterGc: { rss: number; heapUsed: number; arrayBuffers: number };
  };
  delivery: DeliveryCheck;
  chat: Omit<ChatResult, 'scheduledAt' | 'latency' | 'missing'> & {
    clientElu: number;
    timeline: ReturnType<typeof chatTimeline>;
  };
  /** Once a minute while the broadcast ran. */
  progress: Array<{
    t: number;
    emulatorSends: number;
    chatP50: number;
    chatP99: number;
    rss: number;
    heapUsed: number;
    serverElu: number;
    /** Cores used by the emulator and by everything outside the bench process, redis-server and the emulator. */
    emulatorCpu?: number;
    otherCpu?: number;
    inFlight: number;
  }>;
  emulator: Record<string, unknown>;
  /** PGlite calls over 100 ms on motcua's main thread, by statement (seeding and checks included), slowest total first. */
  slowPglite: SlowStatement[];
  logs: { warn: number; error: number; messages: Record<string, number> };
  targets: {
    p99: { target: string; value: number; met: boolean };
    rate: { target: string; steady: number; wholeRun: number; met: boolean };
    memory: { target: string; rssGrowth: number; met: boolean };
    exactlyOnce: { target: string; met: boolean };
  };
}

/** The broadcast benchmark: settings and one run per database. */
export interface BroadcastBenchResult {
  settings: Omit<BroadcastSettings, 'log' | 'databaseUrl' | 'profileDir'> & { notes: string[] };
  runs: BroadcastRun[];
}

const TEXT = 'Cho tôi hỏi thủ tục đăng ký khai sinh';
const BROADCAST_PREFIX = 'THÔNG BÁO (thử tải)';
const BROADCAST_TEXT =
  `${BROADCAST_PREFIX}: UBND xã tổ chức tiêm chủng mở rộng cho trẻ dưới 5 tuổi từ 7h30 thứ Bảy tại ` +
  'Trạm Y tế xã. Phụ huynh mang theo sổ tiêm chủng.';
/**
 * A full garbage collection of the main isolate (through V8's flag, without restarting node with
 * --expose-gc), so memory at the broadcast's start is not inflated by start-up garbage (PGlite's
 * bundles) that a later collection would free anyway.
 */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** How long the residents' last replies may take after the chat stops. */
const DRAIN_MS = 30_000;
const STOP_GRACE_MS = 25_000;
const PROFILE_SECONDS = 60;

/**
 * Knobs from the environment: BENCH_BROADCAST_RECIPIENTS (100,000), BENCH_BROADCAST_RATE
 * (BROADCAST_RATE_PER_MINUTE, 2,400), BENCH_BROADCAST_ZALO_RATE (ZALO_RATE_PER_MINUTE and the
 * emulator's limit, 4,000), BENCH_CHAT_RATE (resident messages/s, 10), BENCH_CHAT_USERS (1,000),
 * BENCH_BROADCAST_WARMUP_SECONDS (30), BENCH_BROADCAST_BASELINE_SECONDS (180),
 * BENCH_BROADCAST_DATABASES (pglite, or pglite,postgres when DATABASE_URL is set).
 */
export function broadcastSettingsFromEnv(log: (line: string) => void): BroadcastSettings {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const rawDbs =
    process.env.BENCH_BROADCAST_DATABASES?.trim() || (databaseUrl ? 'pglite,postgres' : 'pglite');
  const databases = rawDbs.split(',').map((d) => d.trim());
  if (databases.some((d) => d !== 'pglite' && d !== 'postgres'))
    throw new Error('BENCH_BROADCAST_DATABASES must list pglite and/or postgres');
  if (databases.includes('postgres') && !databaseUrl)
    throw new Error('BENCH_BROADCAST_DATABASES names postgres: set DATABASE_URL');
  return {
    recipients: envInt('BENCH_BROADCAST_RECIPIENTS', 100_000, 10, 1_000_000),
    ratePerMinute: envInt('BENCH_BROADCAST_RATE', 2400, 1, 4000),
    zaloRatePerMinute: envInt('BENCH_BROADCAST_ZALO_RATE', 4000, 1, 1_000_000),
    chatRatePerSec: envInt('BENCH_CHAT_RATE', 10, 1, 500),
    chatUsers: envInt('BENCH_CHAT_USERS', 1000, 1, 10_000),
    warmupSeconds: envInt('BENCH_BROADCAST_WARMUP_SECONDS', 30, 0, 600),
    baselineSeconds: envInt('BENCH_BROADCAST_BASELINE_SECONDS', 180, 10, 3600),
    databases: databases as BroadcastDatabase[],
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(process.env.BENCH_CPU_PROF ? { profileDir: path.resolve(process.env.BENCH_CPU_PROF) } : {}),
    log,
  };
}

/** The most one broadcast phase may take before the run gives up waiting: 1.5× its expected length + 5 min. */
function sendingDeadlineMs(s: BroadcastSettings): number {
  return ((s.recipients / s.ratePerMinute) * 1.5 + 5) * 60_000;
}

/** An upper bound on the whole part, for the bench's watchdog. */
export function broadcastWatchdogMs(s: BroadcastSettings): number {
  const perRun = (s.warmupSeconds + s.baselineSeconds) * 1000 + sendingDeadlineMs(s) + 10 * 60_000;
  return perRun * s.databases.length + 2 * 60_000;
}

/**
 * Residents chatting at a steady open-loop rate while motcua sends a broadcast. motcua runs in
 * `all` mode in this process (serve + work, embedded redis-server, PGlite on disk under a temporary
 * DATA_DIR, or a fresh PostgreSQL database), the emulator as its own process, the residents on a
 * worker thread. `recipients` followers are written straight into the database and the emulator.
 * Phase 1: the chat alone (after a warm-up); phase 2: the same chat while the broadcast goes out,
 * until the dispatcher marks it done. Then every recipient is checked in the outbox and the emulator.
 */
export async function benchBroadcast(s: BroadcastSettings): Promise<BroadcastBenchResult> {
  const runs: BroadcastRun[] = [];
  for (const database of s.databases) {
    s.log(`  broadcast on ${database}`);
    runs.push(await runOnce(s, database));
  }
  const { log: _log, databaseUrl: _url, profileDir: _dir, ...settings } = s;
  return {
    settings: {
      ...settings,
      notes: [
        `motcua in \`all\` mode in the bench process (serve + work, embedded redis-server; PGlite on disk, or a ` +
          'fresh database on DATABASE_URL); the emulator as its own process; the residents on a worker thread.',
        `QUIET_HOURS=00:00-00:00 (off); ZALO_RATE_PER_MINUTE and the emulator's limit ${s.zaloRatePerMinute}/min: ` +
          `broadcasts must leave half of that bucket to replies, which ${s.ratePerMinute}/min of broadcast plus ` +
          `${s.chatRatePerSec * 60}/min of replies does.`,
        'Chat latency: scheduled send -> the reply on the resident stream; the broadcast phase runs from ' +
          'scheduling the broadcast to its last send (outbox sent_at). Residents who chat are not followers, ' +
          'so the broadcast refuses them (unfollowed).',
        'Rate: outbox sent_at of the broadcast rows; steady = middle 90% of sends; whole run = from the ' +
          'dispatcher starting the broadcast to the last send.',
        'Memory: process.memoryUsage() of the bench process every second (RSS includes the chat thread and ' +
          "PGlite's WASM memory; heapUsed is motcua's main isolate only); growth = peak − start of the broadcast; " +
          'a full collection just before the start and once it is done (after GC).',
        'Recipients are followers written straight into conversations (generate_series) and into the emulator ' +
          '(bulk endpoint), last interaction 1-150 h ago.',
      ],
    },
    runs,
  };
}

async function runOnce(s: BroadcastSettings, database: BroadcastDatabase): Promise<BroadcastRun> {
  const closers: Array<() => unknown> = [];
  const pglite = meterPglite();
  closers.push(() => pglite.restore());
  const slow = recordSlowPglite(100);
  closers.push(() => slow.restore());
  const logs = logCounter();
  try {
    const tmp = tempDir('motcua-bench-broadcast-');
    closers.push(() => tmp.remove(), guardResources({ dir: tmp.dir }));
    let pg: BenchDatabase | undefined;
    if (database === 'postgres') {
      pg = await createBenchDatabase(s.databaseUrl!);
      closers.push(() => pg!.drop());
      s.log(`  database ${pg.name} on ${pg.version}`);
    }
    const port = await freePort();
    const emulator = spawnChild('emulator', 'bench/emulator-process.ts', [], {
      EMULATOR_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/zalo`,
      EMULATOR_RATE_PER_MINUTE: String(s.zaloRatePerMinute),
      EMULATOR_PORT: '0',
    });
    // Stopped last: motcua's workers still send while they drain.
    closers.push(() => emulator.stop(STOP_GRACE_MS));
    const { origin } = JSON.parse(await emulator.waitForLine((l) => l.trim().startsWith('{'), 30_000)) as {
      origin: string;
    };
    const api = `${origin}/emulator/api`;
    const config = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: tmp.dir,
      ...(pg ? { DATABASE_URL: pg.url } : {}),
      ZALO_API_BASE: `${origin}/emulator/openapi`,
      ZALO_OAUTH_BASE: `${origin}/emulator/oauth`,
      ZALO_APP_ID: EMULATOR_CREDENTIALS.appId,
      ZALO_APP_SECRET: EMULATOR_CREDENTIALS.appSecret,
      ZALO_OA_ID: EMULATOR_CREDENTIALS.oaId,
      ZALO_OA_SECRET_KEY: EMULATOR_CREDENTIALS.oaSecretKey,
      ZALO_REFRESH_TOKEN: EMULATOR_CREDENTIALS.refreshToken,
      AGENCY_CODE: EMULATOR_AGENCY_CODE,
      ZALO_RATE_PER_MINUTE: String(s.zaloRatePerMinute),
      BROADCAST_RATE_PER_MINUTE: String(s.ratePerMinute),
      QUIET_HOURS: '00:00-00:00',
      SHUTDOWN_TIMEOUT_MS: '8000',
      LOG_LEVEL: 'warn',
    });
    const runtime = await startRuntime(
      config,
      { serve: true, work: true },
      { logger: createLogger('warn', logs.sink) },
    );
    closers.push(guardResources({ pid: runtime.redis.embedded?.pid }), () => runtime.close());
    const died = emulator.exited.then(() => {
      throw new Error(`the emulator exited during the run\n${emulator.output()}`);
    });
    died.catch(() => undefined);
    const thread = startChatThread();
    closers.push(() => thread.close());
    const run = await Promise.race([
      measure(s, database, runtime, api, emulator, thread, pg, () => pglite.read()),
      died,
    ]);
    return {
      ...run,
      ...(pg ? { databaseVersion: pg.version } : {}),
      slowPglite: slow.read().slice(0, 15),
      logs: logs.read(),
    };
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
  }
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Starts measuring a phase; the returned function ends it. */
async function startPhase(
  runtime: Runtime,
  emulator: Child,
  pg: BenchDatabase | undefined,
  pglite: () => { calls: number; ms: number },
) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const usage = startUsageWindow(runtime.redis.embedded?.pid);
  const others = await startProcessCpuWindow(
    [{ name: 'emulator', pid: emulator.pid }],
    pg ? [{ name: 'postgres', pids: () => pg.backendPids() }] : [],
  );
  const pg0 = pglite();
  const t0 = performance.now();
  return async (): Promise<PhaseUsage> => {
    const seconds = (performance.now() - t0) / 1000;
    const pg1 = pglite();
    const own = usage();
    const cpu = await others();
    delay.disable();
    const emulatorCpu = cpu.emulator;
    const postgresCpu = cpu.postgres;
    const otherCpu =
      own.otherCpu === undefined
        ? undefined
        : round(Math.max(0, own.otherCpu - (emulatorCpu ?? 0) - (postgresCpu ?? 0)), 2);
    return {
      seconds: round(seconds, 1),
      serverElu: own.serverElu,
      loopDelayP99: round(delay.percentile(99) / 1e6),
      loopDelayMax: round(delay.max / 1e6),
      processCpu: own.processCpu,
      ...(own.redisCpu !== undefined ? { redisCpu: own.redisCpu } : {}),
      ...(emulatorCpu !== undefined ? { emulatorCpu } : {}),
      ...(postgresCpu !== undefined ? { postgresCpu } : {}),
      ...(otherCpu !== undefined ? { otherCpu } : {}),
      ...(pg1.calls > pg0.calls ? { pgliteMsPerSecond: round((pg1.ms - pg0.ms) / seconds, 1) } : {}),
    };
  };
}

async function measure(
  s: BroadcastSettings,
  database: BroadcastDatabase,
  runtime: Runtime,
  api: string,
  emulator: Child,
  thread: ChatThread,
  pg: BenchDatabase | undefined,
  pglite: () => { calls: number; ms: number },
): Promise<Omit<BroadcastRun, 'logs' | 'databaseVersion' | 'slowPglite'>> {
  const oaId = runtime.config.zalo.oaId;
  const db = runtime.db.db;
  const audience = audienceIds(s.recipients);
  const now = new Date();
  const seedDatabaseMs = await seedConversations(db, oaId, s.recipients, now);
  const seedEmulatorMs = await seedEmulator(api, audience, now);
  const preview = await runtime.broadcasts.preview(oaId, { kind: 'all' });
  s.log(
    `  seeded ${s.recipients} followers: database ${seedDatabaseMs} ms, emulator ${seedEmulatorMs} ms; ` +
      `audience preview ${preview.deliverable}/${preview.total} deliverable`,
  );
  if (preview.deliverable !== s.recipients)
    throw new Error(`expected ${s.recipients} deliverable recipients`);

  const chatUsers = Array.from({ length: s.chatUsers }, (_, n) => residentId(8_000_000 + n));
  const { startedAt: chatStart } = await thread.send({
    kind: 'start',
    api,
    users: chatUsers,
    ratePerSec: s.chatRatePerSec,
    text: TEXT,
    broadcastPrefix: BROADCAST_PREFIX,
  });
  s.log(
    `  chat: ${s.chatUsers} residents at ${s.chatRatePerSec}/s; warm-up ${s.warmupSeconds} s, ` +
      `baseline ${s.baselineSeconds} s`,
  );
  await sleep(Math.max(0, chatStart + s.warmupSeconds * 1000 - Date.now()));
  await thread.send({ kind: 'progress' });
  const baselineFrom = Date.now();
  const endBaseline = await startPhase(runtime, emulator, pg, pglite);
  const profileWindow = Math.min(PROFILE_SECONDS, s.baselineSeconds);
  await sleep(s.baselineSeconds * 1000 - (s.profileDir ? profileWindow * 1000 : 0));
  if (s.profileDir) {
    const stop = await startCpuProfile();
    await sleep(profileWindow * 1000);
    await stop(path.join(s.profileDir, `broadcast-${database}-baseline.cpuprofile`));
  }
  const baselineUsage = await endBaseline();
  const base = await thread.send({ kind: 'progress' });
  s.log(
    `  baseline: ${base.replies} replies, p50 ${base.latency.p50} ms, p99 ${base.latency.p99} ms, ` +
      `ELU ${baselineUsage.serverElu}, CPU ${baselineUsage.processCpu} (emulator ${baselineUsage.emulatorCpu ?? '?'}, ` +
      `other ${baselineUsage.otherCpu ?? '?'})`,
  );

  // Phase 2: the broadcast.
  collectGarbage();
  await sleep(2000);
  collectGarbage();
  const memory = sampleMemoryRange(1000);
  const sendsBefore = Number((await getJson(`${api}/stats`)).sends ?? 0);
  const broadcastFrom = Date.now();
  const endBroadcast = await startPhase(runtime, emulator, pg, pglite);
  const stopProfile = s.profileDir ? await startCpuProfile() : undefined;
  const profileEnds = broadcastFrom + PROFILE_SECONDS * 2 * 1000;
  const id = await runtime.broadcasts.create({
    oaId,
    title: 'Tiêm chủng mở rộng (thử tải)',
    body: { text: BROADCAST_TEXT },
    audience: { kind: 'all' },
    needsApproval: false,
    createdBy: 'bench',
  });
  await runtime.broadcasts.schedule(id, undefined, 'bench');
  s.log(`  broadcast ${id} scheduled to ${s.recipients} followers at ${s.ratePerMinute}/min`);
  const deadline = broadcastFrom + sendingDeadlineMs(s);
  const progress: BroadcastRun['progress'] = [];
  let nextLog = broadcastFrom + 60_000;
  const redisPid = runtime.redis.embedded?.pid;
  let minute = startUsageWindow(redisPid);
  let emulatorCpu0 = processCpuSeconds(emulator.pid);
  let minuteStart = performance.now();
  let startedAt: Date | null = null;
  let doneAt: number | null = null;
  let profiling = stopProfile !== undefined;
  const inFlight: number[] = [];
  const inFlightCounter = createInFlightCounter(db);
  while (Date.now() < deadline) {
    await sleep(2000);
    const b = await runtime.broadcasts.get(id);
    startedAt = b?.startedAt ?? null;
    if (startedAt) inFlight.push(await inFlightCounter.count());
    if (profiling && Date.now() >= profileEnds) {
      profiling = false;
      await stopProfile!(path.join(s.profileDir!, `broadcast-${database}-sending.cpuprofile`));
    }
    if (b?.status === 'done') {
      doneAt = Date.now();
      break;
    }
    if (Date.now() >= nextLog) {
      nextLog += 60_000;
      const stats = await getJson(`${api}/stats`);
      const chat = await thread.send({ kind: 'progress' });
      const m = process.memoryUsage();
      const used = minute();
      const emulatorCpu1 = processCpuSeconds(emulator.pid);
      const emulatorCpu =
        emulatorCpu0 !== undefined && emulatorCpu1 !== undefined
          ? round((emulatorCpu1 - emulatorCpu0) / ((performance.now() - minuteStart) / 1000), 2)
          : undefined;
      minute = startUsageWindow(redisPid);
      emulatorCpu0 = emulatorCpu1;
      minuteStart = performance.now();
      const row = {
        t: round((Date.now() - broadcastFrom) / 1000, 0),
        emulatorSends: Number(stats.sends ?? 0) - sendsBefore,
        chatP50: chat.latency.p50,
        chatP99: chat.latency.p99,
        rss: round(m.rss / 1e6, 1),
        heapUsed: round(m.heapUsed / 1e6, 1),
        serverElu: used.serverElu,
        ...(emulatorCpu !== undefined ? { emulatorCpu } : {}),
        ...(used.otherCpu !== undefined
          ? { otherCpu: round(Math.max(0, used.otherCpu - (emulatorCpu ?? 0)), 2) }
          : {}),
        inFlight: inFlight[inFlight.length - 1] ?? 0,
      };
      progress.push(row);
      s.log(
        `  +${row.t} s: ${row.emulatorSends} sends (replies included), chat ${chat.replies} replies ` +
          `p50 ${chat.latency.p50} ms p99 ${chat.latency.p99} ms, outstanding ${chat.outstanding}, ` +
          `ELU ${row.serverElu}, other CPU ${row.otherCpu ?? '?'}, broadcast in flight ${row.inFlight}, ` +
          `RSS ${row.rss} MB, heap ${row.heapUsed} MB`,
      );
    }
  }
  if (profiling) await stopProfile!(path.join(s.profileDir!, `broadcast-${database}-sending.cpuprofile`));
  const mem = memory();
  const broadcastUsage = await endBroadcast();
  collectGarbage();
  const settled = process.memoryUsage();
  s.log(
    doneAt
      ? `  broadcast done after ${round((doneAt - broadcastFrom) / 1000, 0)} s; stopping the chat`
      : '  broadcast not done by the deadline; stopping the chat',
  );
  const chat = await thread.send({ kind: 'stop', drainMs: DRAIN_MS });

  const sends = await broadcastSendTimes(db, id);
  const lastSend = sends.sentAt.reduce((a, b) => Math.max(a, b), 0) || (doneAt ?? Date.now());
  const rate = {
    ...rateCheck(sends.sentAt, startedAt?.getTime() ?? broadcastFrom, s.ratePerMinute),
    dispatchToSent: summarize(sends.waitMs),
    inFlight: {
      mean: round(inFlight.reduce((a, b) => a + b, 0) / Math.max(1, inFlight.length), 1),
      max: inFlight.reduce((a, b) => Math.max(a, b), 0),
      cap: Math.max(50, Math.ceil((s.ratePerMinute / 60) * 10)),
    },
    batches: await dispatchBatches(db, id, s.ratePerMinute),
  };
  const outbox = await outboxCheck(db, id);
  const emulatorView = await emulatorCheck(api, audience);
  const emulatorStats = await getJson(`${api}/stats`);
  const delivery: DeliveryCheck = { ...outbox, emulator: emulatorView };

  const baseline: Phase = { ...chatWindow(chat, baselineFrom, broadcastFrom), usage: baselineUsage };
  const broadcast: Phase = { ...chatWindow(chat, broadcastFrom, lastSend), usage: broadcastUsage };
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : Number.NaN);
  const ratios = {
    p50: ratio(broadcast.latency.p50, baseline.latency.p50),
    p99: ratio(broadcast.latency.p99, baseline.latency.p99),
  };
  const memoryOut = {
    ...mem.figures,
    samples: mem.samples,
    afterGc: {
      rss: round(settled.rss / 1e6, 1),
      heapUsed: round(settled.heapUsed / 1e6, 1),
      arrayBuffers: round(settled.arrayBuffers / 1e6, 1),
    },
  };
  const within = (r: number) => Math.abs(r - 1) <= 0.05;
  const exact =
    delivery.recipients === s.recipients &&
    delivery.sentOnce === s.recipients &&
    delivery.emulator.deliveredOnce === s.recipients;
  const { scheduledAt: _s, latency: _l, missing: _m, ...chatRest } = chat;
  return {
    database,
    setup: { seedDatabaseMs, seedEmulatorMs, preview },
    baseline,
    broadcast,
    ratios,
    rate,
    broadcastTimes: {
      startedAfter: startedAt ? round((startedAt.getTime() - broadcastFrom) / 1000, 1) : Number.NaN,
      doneAfter: doneAt ? round((doneAt - broadcastFrom) / 1000, 1) : null,
      timedOut: doneAt === null,
    },
    memory: memoryOut,
    delivery,
    chat: { ...chatRest, timeline: chatTimeline(chat, 30) },
    progress,
    emulator: emulatorStats,
    targets: {
      p99: {
        target: 'chat p99 during the broadcast <= 2x baseline',
        value: ratios.p99,
        met: ratios.p99 <= 2 && broadcast.missing === 0,
      },
      rate: {
        target: `sending rate within 5% of ${s.ratePerMinute}/min`,
        steady: rate.steadyRatio,
        wholeRun: rate.wholeRunRatio,
        met: within(rate.steadyRatio) && within(rate.wholeRunRatio),
      },
      memory: {
        target: 'RSS growth during the broadcast < 150 MB',
        rssGrowth: memoryOut.rss.growth,
        met: memoryOut.rss.growth < 150,
      },
      exactlyOnce: {
        target: `all ${s.recipients} recipients sent exactly once, none lost`,
        met: exact,
      },
    },
  };
}
