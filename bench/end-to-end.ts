import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { EMULATOR_AGENCY_CODE, EMULATOR_CREDENTIALS, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { createLogger } from '../src/log.js';
import { startRuntime } from '../src/main.js';
import { allPartitions, inboundQueueName, outboundQueueName, QUEUE_PREFIX } from '../src/queue/partitions.js';
import { freePort, startEmbeddedRedis } from '../src/redis/embedded.js';
import { createEmulatorServer } from '../src/zalo/emulator/index.js';
import { startBareBot } from './bare-server.js';
import { spawnChild, waitForOk, type Child } from './children.js';
import { guardResources } from './cleanup.js';
import type { LoadJobResult } from './load-worker.js';
import { meterPglite, type PgliteUsage } from './pglite-meter.js';
import { createBenchDatabase } from './postgres.js';
import { startProcessCpuWindow, startUsageWindow, tempDir } from './proc.js';
import { startCpuProfile } from './profile.js';
import type { ResidentRunResult } from './residents.js';
import { round } from './stats.js';
import type { LoadThread } from './thread.js';
import { residentId } from './zalo-events.js';

/** How the process that served the run behaved while it ran. */
export interface ServerSide {
  /**
   * Event-loop utilisation of the main thread (motcua + emulator): 1 = saturated.
   * Absent in the scaled run, where the servers are child processes (see `cpu`).
   */
  serverElu?: number;
  /** Main-thread event-loop delay p99 / max (ms); absent in the scaled run. */
  loopDelayP99?: number;
  loopDelayMax?: number;
  clientElu: number;
  /** CPU of the bench process (all threads, in cores). */
  processCpu: number;
  redisCpu?: number;
  /** Scaled run: cores used by each child process (serve, work 1, work 2, emulator) and PostgreSQL's backends. */
  cpu?: Record<string, number>;
  otherCpu?: number;
  /** The emulator's own counters after the run (webhook attempts and retries, rejects, sends). */
  emulator: Record<string, unknown>;
  /** PGlite protocol calls and main-thread ms blocked in them, per reply received (motcua runs). */
  pglite?: { callsPerReply: number; msPerReply: number; msPerSecond: number };
}

/** One end-to-end run: the residents' view plus the server side. */
export type EndToEndRun = ResidentRunResult & ServerSide;

/** A motcua run at the full rate, with the queue backlog sampled while it ran. */
export type MotcuaRun = EndToEndRun & {
  /** Highest number of jobs waiting, sampled every 500 ms. */
  peakBacklog: { inbound: number; outbound: number };
  backlogSamples: Array<{ t: number; inbound: number; outbound: number }>;
};

/** The latency target, evaluated for one motcua run. */
export interface P99Target {
  target: string;
  value: number;
  lowerBound: boolean;
  met: boolean;
}

/** The end-to-end benchmark's settings, results and target. */
export interface EndToEndResult {
  settings: {
    users: number;
    ratePerSec: number;
    seconds: number;
    drainSeconds: number;
    baselineSeconds: number;
    probe: { users: number; ratePerSec: number; seconds: number } | null;
    /** The scaled run's topology, or why it was skipped. */
    scaled: { topology: string; postgres: string } | { skipped: string };
    notes: string[];
  };
  /** `all` mode: one process with the built-in emulator, embedded redis-server and PGlite. */
  motcua: MotcuaRun;
  /** Production topology: emulator, `motcua serve` and two `motcua work` processes, PostgreSQL. */
  scaled?: MotcuaRun;
  /** motcua at a lower rate, before the main run, to show latency below saturation. */
  probe?: EndToEndRun;
  /** A bare bot against a standalone emulator: the floor set by HTTP and the emulator itself. */
  baseline?: EndToEndRun;
  targets: { p99: P99Target; p99Scaled?: P99Target };
}

const TEXT = 'Cho tôi hỏi thủ tục đăng ký khai sinh';

async function postJson(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  return res.json();
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/** What to watch besides the residents' view while a run goes on. */
interface Watch {
  redisPid?: number;
  profileTo?: string;
  pglite?: () => PgliteUsage;
  /** Scaled run: the servers are these child processes (and PostgreSQL backends), not this main thread. */
  children?: {
    processes: Array<{ name: string; pid: number | undefined }>;
    postgresPids?: () => Promise<number[]>;
  };
}

/** Runs the residents job on the load thread while watching the main thread (or the children), Redis and PGlite. */
async function measured(
  load: LoadThread,
  job: { api: string; users: string[]; ratePerSec: number; durationMs: number; drainMs: number },
  opts: Watch,
): Promise<EndToEndRun> {
  const stopProfile = opts.profileTo ? await startCpuProfile() : undefined;
  const children = opts.children
    ? await startProcessCpuWindow(
        opts.children.processes,
        opts.children.postgresPids ? [{ name: 'postgres', pids: opts.children.postgresPids }] : [],
      )
    : undefined;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const usage = startUsageWindow(opts.redisPid);
  const pg0 = opts.pglite?.();
  const t0 = Date.now();
  const result = await load.run<ResidentRunResult & LoadJobResult>({ kind: 'residents', text: TEXT, ...job });
  const seconds = (Date.now() - t0) / 1000;
  const pg1 = opts.pglite?.();
  const server = usage();
  const cpu = await children?.();
  delay.disable();
  if (stopProfile && opts.profileTo) await stopProfile(opts.profileTo);
  const emulator = await getJson(`${job.api}/stats`);
  const replies = Math.max(1, result.received);
  if (cpu) {
    // The main thread only orchestrates here: report the children's CPU instead of its loop.
    const { serverElu: _elu, otherCpu, ...rest } = server;
    const childCpu = Object.values(cpu).reduce((a, b) => a + b, 0);
    return {
      ...result,
      ...rest,
      cpu,
      ...(otherCpu !== undefined ? { otherCpu: round(Math.max(0, otherCpu - childCpu), 2) } : {}),
      emulator,
    };
  }
  return {
    ...result,
    ...server,
    loopDelayP99: round(delay.percentile(99) / 1e6),
    loopDelayMax: round(delay.max / 1e6),
    emulator,
    ...(pg0 && pg1
      ? {
          pglite: {
            callsPerReply: round((pg1.calls - pg0.calls) / replies, 1),
            msPerReply: round((pg1.ms - pg0.ms) / replies, 2),
            msPerSecond: round((pg1.ms - pg0.ms) / seconds, 1),
          },
        }
      : {}),
  };
}

/** The knobs shared by the runs. */
interface Settings {
  load: LoadThread;
  users: number;
  ratePerSec: number;
  seconds: number;
  drainSeconds: number;
  baselineSeconds: number;
  /** A shorter run at a lower rate first (0 to skip; `all` mode only). */
  probeRatePerSec: number;
  probeSeconds: number;
  /** Where to write CPU profiles of the main thread during the measured runs. */
  profileDir?: string;
  /**
   * PostgreSQL server for the scaled run (a fresh database is created on it and
   * dropped afterwards); undefined skips that run.
   */
  databaseUrl?: string;
  log: (line: string) => void;
}

/** The resident ids of each run: distinct so no run sees another's replies. */
const residents = (from: number, count: number) =>
  Array.from({ length: count }, (_, n) => residentId(from + n));

export const SCALED_LABEL = 'motcua scaled (serve + 2 work, PostgreSQL)';
const SCALED_TOPOLOGY =
  'emulator, `motcua serve` and 2 `motcua work` as child processes; fresh redis-server; PostgreSQL from DATABASE_URL';
const SCALED_SKIPPED = 'skipped: set DATABASE_URL to a PostgreSQL server to run the scaled topology';

/**
 * End to end, `users` residents sending texts at `ratePerSec` through the
 * emulator's control API; each text is timed until the emulator streams the bot's
 * reply to that resident. Runs, in order: the baseline (a standalone emulator and
 * a bare bot that replies straight away), motcua in `all` mode (`startRuntime` in
 * this process: serve + work, built-in emulator, fresh embedded redis-server,
 * in-memory PGlite), and, when `databaseUrl` is set, motcua in the production
 * topology (emulator, `motcua serve` and two `motcua work` as child processes,
 * fresh redis-server, a fresh PostgreSQL database).
 */
export async function benchEndToEnd(opts: Settings): Promise<EndToEndResult> {
  const users = residents(1_000_000, opts.users);
  const notes = [
    'Zalo rate limits raised for the run (ZALO_RATE_PER_MINUTE and the emulator limit set to 1,000,000/min): ' +
      'with the real 4,000 requests/min app budget, replies are capped at ~67/s, below the 200/s offered.',
    'Latency is measured on the load thread: scheduled send -> reply arrives on the resident SSE stream ' +
      '(the emulator writes it synchronously when it records the reply). latencyAll counts a reply still ' +
      'missing at the drain cutoff as its wait so far (a lower bound).',
    'In `all` mode the built-in emulator shares the main thread with motcua; the baseline shows its cost.',
    'The scaled run has no single server loop: its CPU line gives the cores each process used ' +
      '(postgres = the backends serving its database, when the server is local).',
  ];
  const profile = (name: string) => (opts.profileDir ? path.join(opts.profileDir, name) : undefined);
  const line = (label: string, r: EndToEndRun) => {
    const ge = r.latencyAll.lowerBound ? '>= ' : '';
    const server =
      r.serverElu !== undefined
        ? `server ELU ${r.serverElu}  loop delay p99 ${r.loopDelayP99} ms`
        : `CPU ${Object.entries(r.cpu ?? {})
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}${r.redisCpu !== undefined ? `, redis ${r.redisCpu}` : ''}`;
    opts.log(
      `  ${label}: p50 ${ge}${r.latencyAll.p50} ms  p99 ${ge}${r.latencyAll.p99} ms` +
        `  max ${ge}${r.latencyAll.max} ms  replies ${r.received}/${r.expected} (${r.repliesPerSec}/s)` +
        `  ${server}  other CPU ${r.otherCpu ?? '?'}`,
    );
  };
  const target = (r: EndToEndRun): P99Target => ({
    target: `p99 <= 100 ms at ${opts.ratePerSec}/s from ${opts.users} users`,
    value: r.latencyAll.p99,
    lowerBound: r.latencyAll.lowerBound,
    met: r.latencyAll.p99 <= 100 && r.missing === 0 && r.expected > 0,
  });

  const baseline =
    opts.baselineSeconds > 0
      ? await runBaseline({
          ...opts,
          users,
          warmUsers: residents(2_000_000, 50),
          durationMs: opts.baselineSeconds * 1000,
          profileTo: profile('end-to-end-baseline.cpuprofile'),
        })
      : undefined;
  if (baseline) line('baseline (bare bot)', baseline);

  const probeUsers = residents(3_000_000, 300);
  const all = await runAllMode(opts, users, probeUsers, profile, line);

  let scaled: MotcuaRun | undefined;
  let scaledSettings: EndToEndResult['settings']['scaled'] = { skipped: SCALED_SKIPPED };
  if (opts.databaseUrl) {
    const run = await runScaled({ ...opts, databaseUrl: opts.databaseUrl }, residents(4_000_000, 50), line);
    scaled = run.motcua;
    scaledSettings = { topology: SCALED_TOPOLOGY, postgres: run.postgres };
  } else {
    opts.log(`  ${SCALED_LABEL}: ${SCALED_SKIPPED}`);
  }

  return {
    settings: {
      users: opts.users,
      ratePerSec: opts.ratePerSec,
      seconds: opts.seconds,
      drainSeconds: opts.drainSeconds,
      baselineSeconds: opts.baselineSeconds,
      probe:
        opts.probeRatePerSec > 0
          ? { users: probeUsers.length, ratePerSec: opts.probeRatePerSec, seconds: opts.probeSeconds }
          : null,
      scaled: scaledSettings,
      notes,
    },
    motcua: all.motcua,
    ...(scaled ? { scaled } : {}),
    ...(all.probe ? { probe: all.probe } : {}),
    ...(baseline ? { baseline } : {}),
    targets: {
      p99: target(all.motcua),
      ...(scaled ? { p99Scaled: target(scaled) } : {}),
    },
  };
}

/** Warm-up, then the full-rate run with the queue backlog sampled: shared by both motcua runs. */
async function warmThenRun(
  opts: Settings,
  api: string,
  redisUrl: string,
  partitions: number,
  users: string[],
  warmUsers: string[],
  watch: Watch,
  label: string,
  probe?: () => Promise<EndToEndRun | undefined>,
): Promise<{ motcua: MotcuaRun; probe?: EndToEndRun }> {
  opts.log(`  ${label} warm-up: ${warmUsers.length} residents at 50/s for 2 s`);
  await opts.load.run({
    kind: 'residents',
    api,
    users: warmUsers,
    ratePerSec: 50,
    durationMs: 2000,
    drainMs: 15_000,
    text: TEXT,
  });
  const probed = await probe?.();
  const backlog = watchBacklog(redisUrl, partitions);
  try {
    opts.log(`  ${label}: ${opts.users} residents at ${opts.ratePerSec}/s for ${opts.seconds} s`);
    const run = await measured(
      opts.load,
      {
        api,
        users,
        ratePerSec: opts.ratePerSec,
        durationMs: opts.seconds * 1000,
        drainMs: opts.drainSeconds * 1000,
      },
      watch,
    );
    const samples = await backlog.stop();
    const motcua: MotcuaRun = {
      ...run,
      peakBacklog: {
        inbound: Math.max(0, ...samples.map((s) => s.inbound)),
        outbound: Math.max(0, ...samples.map((s) => s.outbound)),
      },
      backlogSamples: samples,
    };
    return { motcua, ...(probed ? { probe: probed } : {}) };
  } finally {
    await backlog.stop();
  }
}

/** motcua in `all` mode in this process (built-in emulator, embedded redis-server, PGlite). */
async function runAllMode(
  opts: Settings,
  users: string[],
  probeUsers: string[],
  profile: (name: string) => string | undefined,
  line: (label: string, r: EndToEndRun) => void,
): Promise<{ motcua: MotcuaRun; probe?: EndToEndRun }> {
  const tmp = tempDir('motcua-bench-e2e-');
  const pglite = meterPglite();
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
      LOG_LEVEL: 'silent',
      ZALO_RATE_PER_MINUTE: '1000000',
      SHUTDOWN_TIMEOUT_MS: '8000',
    });
    const db = await openDatabase({ dataDir: null });
    closers.push(() => db.close());
    const runtime = await startRuntime(
      config,
      { serve: true, work: true },
      { db, logger: createLogger('silent') },
    );
    closers.push(guardResources({ pid: runtime.redis.embedded?.pid }), () => runtime.close());
    const api = `${runtime.url}/emulator/api`;
    await postJson(`${api}/rate-limit`, { perMinute: 1_000_000 });
    const watch = { redisPid: runtime.redis.embedded?.pid, pglite: () => pglite.read() };

    const probe = async () => {
      if (opts.probeRatePerSec <= 0) return undefined;
      opts.log(
        `  motcua probe: ${probeUsers.length} residents at ${opts.probeRatePerSec}/s for ${opts.probeSeconds} s`,
      );
      const r = await measured(
        opts.load,
        {
          api,
          users: probeUsers,
          ratePerSec: opts.probeRatePerSec,
          durationMs: opts.probeSeconds * 1000,
          drainMs: 15_000,
        },
        watch,
      );
      line(`motcua at ${opts.probeRatePerSec}/s`, r);
      return r;
    };
    const result = await warmThenRun(
      opts,
      api,
      runtime.redis.url,
      config.queue.partitions,
      users,
      residents(2_000_000, 50),
      { ...watch, profileTo: profile('end-to-end-motcua.cpuprofile') },
      'motcua',
      probe,
    );
    const run = result.motcua;
    line(`motcua at ${opts.ratePerSec}/s`, run);
    opts.log(
      `  peak backlog: inbound ${run.peakBacklog.inbound}, outbound ${run.peakBacklog.outbound} jobs;` +
        ` PGlite ${run.pglite?.callsPerReply ?? '?'} protocol calls and ${run.pglite?.msPerReply ?? '?'} ms of main thread per reply`,
    );
    opts.log('  stopping motcua (workers drain up to the shutdown deadline)');
    return result;
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
  }
}

/** How long a stopped child gets between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 25_000;

/**
 * motcua in the production topology: the emulator as its own process (Zalo is an
 * external system), one `motcua serve` and two `motcua work` processes sharing a
 * fresh redis-server and a fresh PostgreSQL database. Everything is stopped, the
 * temp dir removed and the database dropped at the end, even on error.
 */
async function runScaled(
  opts: Settings & { databaseUrl: string },
  warmUsers: string[],
  line: (label: string, r: EndToEndRun) => void,
): Promise<{ motcua: MotcuaRun; postgres: string }> {
  const label = 'motcua scaled';
  const closers: Array<() => unknown> = [];
  const children: Child[] = [];
  try {
    const tmp = tempDir('motcua-bench-scaled-');
    closers.push(() => tmp.remove(), guardResources({ dir: tmp.dir }));
    const redis = await startEmbeddedRedis({ dir: path.join(tmp.dir, 'redis') });
    closers.push(guardResources({ pid: redis.pid }), () => redis.stop());
    const db = await createBenchDatabase(opts.databaseUrl);
    closers.push(() => db.drop());
    opts.log(`  ${label}: database ${db.name} on ${db.version}; redis-server ${redis.url}`);

    const port = await freePort();
    const emulatorChild = spawnChild('emulator', 'bench/emulator-process.ts', [], {
      EMULATOR_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/zalo`,
      EMULATOR_RATE_PER_MINUTE: '1000000',
      EMULATOR_PORT: '0',
    });
    children.push(emulatorChild);
    // Stopped last: workers still sending replies while they drain need it.
    closers.push(() => emulatorChild.stop(STOP_GRACE_MS));
    const { origin } = JSON.parse(
      await emulatorChild.waitForLine((l) => l.trim().startsWith('{'), 30_000),
    ) as { origin: string };

    const env: Record<string, string> = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: tmp.dir,
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      ZALO_API_BASE: `${origin}/emulator/openapi`,
      ZALO_OAUTH_BASE: `${origin}/emulator/oauth`,
      ZALO_APP_ID: EMULATOR_CREDENTIALS.appId,
      ZALO_APP_SECRET: EMULATOR_CREDENTIALS.appSecret,
      ZALO_OA_ID: EMULATOR_CREDENTIALS.oaId,
      AGENCY_CODE: EMULATOR_AGENCY_CODE,
      ZALO_OA_SECRET_KEY: EMULATOR_CREDENTIALS.oaSecretKey,
      ZALO_REFRESH_TOKEN: EMULATOR_CREDENTIALS.refreshToken,
      ZALO_RATE_PER_MINUTE: '1000000',
      SHUTDOWN_TIMEOUT_MS: '8000',
      LOG_LEVEL: 'warn',
    };
    const config = loadConfig(env);
    const motcua: Child[] = [];
    closers.push(() => Promise.all(motcua.map((c) => c.stop(STOP_GRACE_MS))));
    const spawnRole = (role: 'serve' | 'work', name: string) => {
      const c = spawnChild(name, 'src/run.ts', [role], env);
      children.push(c);
      motcua.push(c);
      return c;
    };
    // serve first: it migrates the new database; the workers start once it is ready.
    const serve = spawnRole('serve', 'serve');
    await waitForOk(`http://127.0.0.1:${port}/readyz`, serve, 60_000);
    const workers = [spawnRole('work', 'work 1'), spawnRole('work', 'work 2')];
    await Promise.all(workers.map((w) => w.waitForLine((l) => l.includes('motcua is running'), 60_000)));
    opts.log(
      `  ${label}: emulator pid ${emulatorChild.pid}, serve pid ${serve.pid}, work pids ${workers.map((w) => w.pid).join(', ')}`,
    );
    const died = Promise.race(
      children.map((c) =>
        c.exited.then(() => {
          throw new Error(`${c.name} exited during the run\n${c.output()}`);
        }),
      ),
    );
    died.catch(() => undefined);

    const run = await Promise.race([
      warmThenRun(
        opts,
        `${origin}/emulator/api`,
        redis.url,
        config.queue.partitions,
        residents(1_000_000, opts.users),
        warmUsers,
        {
          redisPid: redis.pid,
          children: {
            processes: children.map((c) => ({ name: c.name, pid: c.pid })),
            postgresPids: () => db.backendPids(),
          },
        },
        label,
      ),
      died,
    ]);
    line(`${label} at ${opts.ratePerSec}/s`, run.motcua);
    opts.log(
      `  ${label} peak backlog: inbound ${run.motcua.peakBacklog.inbound}, outbound ${run.motcua.peakBacklog.outbound} jobs`,
    );
    opts.log(`  stopping ${label} (SIGTERM; SIGKILL after ${STOP_GRACE_MS / 1000} s), dropping ${db.name}`);
    return { motcua: run.motcua, postgres: db.version };
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
  }
}

async function runBaseline(opts: {
  load: LoadThread;
  users: string[];
  warmUsers: string[];
  ratePerSec: number;
  durationMs: number;
  drainSeconds: number;
  profileTo?: string;
  log: (line: string) => void;
}): Promise<EndToEndRun> {
  const creds = EMULATOR_CREDENTIALS;
  let botUrl = '';
  const emulator = await createEmulatorServer({
    appId: creds.appId,
    appSecret: creds.appSecret,
    oaId: creds.oaId,
    oaSecretKey: creds.oaSecretKey,
    webhookUrl: () => `${botUrl}/webhooks/zalo`,
    initialRefreshToken: creds.refreshToken,
    initialAccessToken: 'bench-access-token',
    rateLimitPerMinute: 1_000_000,
  });
  try {
    const bot = await startBareBot({
      appId: creds.appId,
      oaId: creds.oaId,
      oaSecretKey: creds.oaSecretKey,
      apiBase: `${emulator.url}/openapi`,
      accessToken: 'bench-access-token',
      replyText: 'Xin chào! Bạn cần hỗ trợ thủ tục nào?',
    });
    botUrl = bot.url;
    try {
      const api = `${emulator.url}/api`;
      opts.log('  baseline warm-up: 50 residents at 50/s for 2 s');
      await opts.load.run({
        kind: 'residents',
        api,
        users: opts.warmUsers,
        ratePerSec: 50,
        durationMs: 2000,
        drainMs: 5000,
        text: TEXT,
      });
      opts.log(
        `  baseline: ${opts.users.length} residents at ${opts.ratePerSec}/s for ${opts.durationMs / 1000} s`,
      );
      return await measured(
        opts.load,
        {
          api,
          users: opts.users,
          ratePerSec: opts.ratePerSec,
          durationMs: opts.durationMs,
          drainMs: opts.drainSeconds * 1000,
        },
        { profileTo: opts.profileTo },
      );
    } finally {
      await bot.close();
    }
  } finally {
    await emulator.close();
  }
}

/** Samples the jobs waiting in the inbound and outbound partition queues every 500 ms. */
function watchBacklog(url: string, partitions: number) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  const samples: Array<{ t: number; inbound: number; outbound: number }> = [];
  const t0 = Date.now();
  const key = (name: string, kind: string) => `${QUEUE_PREFIX}:${name}:${kind}`;
  const sample = async () => {
    const pipe = redis.pipeline();
    for (const p of allPartitions(partitions)) {
      pipe.llen(key(inboundQueueName(p), 'wait'));
      pipe.llen(key(outboundQueueName(p), 'wait'));
      pipe.zcard(key(outboundQueueName(p), 'prioritized'));
    }
    const out = (await pipe.exec()) ?? [];
    let inbound = 0;
    let outbound = 0;
    out.forEach(([, v], i) => {
      if (i % 3 === 0) inbound += Number(v);
      else outbound += Number(v);
    });
    samples.push({ t: Date.now() - t0, inbound, outbound });
  };
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= sample()
      .catch(() => undefined)
      .finally(() => (running = undefined));
  }, 500);
  let stopped = false;
  return {
    async stop() {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        await running;
        redis.disconnect();
      }
      return samples;
    },
  };
}
