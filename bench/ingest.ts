import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.js';
import { createHttpApp } from '../src/http/app.js';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';
import { createInboundProducer, type InboundProducer } from '../src/queue/inbound.js';
import { startEmbeddedRedis } from '../src/redis/embedded.js';
import { createReceiverFor } from '../src/zalo/receiver.js';
import { guardResources } from './cleanup.js';
import { listenLocal, startBareWebhookServer, type BenchServer } from './bare-server.js';
import type { LoadResult } from './load.js';
import { sleep, startUsageWindow, tempDir } from './proc.js';
import { median, round } from './stats.js';
import type { LoadThread } from './thread.js';

/** Which webhook server a run hit: motcua's real stack (A) or the bare node:http baseline (B). */
export type IngestServer = 'motcua' | 'bare';
/** Fixed-rate open loop, or flat-out closed loop. */
export type IngestMode = 'fixed' | 'flat';

/** One measured ingest run. */
export type IngestRun = Omit<LoadResult, 'mode'> & {
  round: number;
  server: IngestServer;
  mode: IngestMode;
  /** Jobs found in Redis after the run: must equal the 2xx count (every ack is durable). */
  stored: number;
  serverElu: number;
  clientElu: number;
  processCpu: number;
  redisCpu?: number;
  otherCpu?: number;
};

/** Medians over rounds for one server and mode, with the min–max range of the headline numbers. */
export interface IngestCell {
  runs: number;
  achievedPerSec: number;
  achievedRange: [number, number];
  p50: number;
  p99: number;
  p99Range: [number, number];
  max: number;
  non2xx: number;
  errors: number;
  ackedButNotStored: number;
  serverElu: number;
  clientElu: number;
  redisCpu?: number;
  /** CPU (cores) used by other workloads on the machine during the runs: noise. */
  otherCpu?: number;
}

/** The ingest benchmark's settings, results and targets. */
export interface IngestResult {
  settings: {
    rounds: number;
    seconds: number;
    fixedRatePerSec: number;
    flatConnections: number;
    users: number;
    partitions: number;
    redis: string;
  };
  runs: IngestRun[];
  summary: Record<IngestServer, Record<IngestMode, IngestCell>>;
  /** motcua ÷ bare events/s flat out, paired per round: median and range. */
  throughputRatio: { median: number; range: [number, number]; perRound: number[] };
  targets: {
    throughputRatio: { target: string; value: number; met: boolean };
    p99AckAtFixedRate: { target: string; value: number; met: boolean };
  };
}

/**
 * Webhook ingest: a fresh AOF redis-server; motcua's HTTP stack (createHttpApp +
 * createZaloReceiver + createInboundProducer, serve role only) and a bare
 * node:http server doing the same verify/parse/durable add, run alternately
 * (bare, motcua, bare, motcua, ...) at a fixed rate and flat out. Redis is
 * flushed before every run so each starts from the same empty keyspace.
 */
export async function benchIngest(opts: {
  load: LoadThread;
  rounds: number;
  seconds: number;
  fixedRatePerSec: number;
  flatConnections: number;
  users: number;
  log: (line: string) => void;
}): Promise<IngestResult> {
  const tmp = tempDir('motcua-bench-ingest-');
  const closers: Array<() => unknown> = [() => tmp.remove()];
  try {
    const redis = await startEmbeddedRedis({ dir: tmp.dir });
    closers.push(guardResources({ pid: redis.pid, dir: tmp.dir }), () => redis.stop());
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const producerConnection = async () => {
      const c = new Redis(redis.url, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        lazyConnect: true,
      });
      c.on('error', () => undefined);
      closers.push(() => c.disconnect());
      await c.connect();
      return c;
    };
    const admin = await producerConnection();
    const info = await admin.info('server');
    const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const partitions = config.queue.partitions;
    const producers: Record<IngestServer, InboundProducer> = {
      motcua: createInboundProducer({ connection: await producerConnection(), partitions }),
      bare: createInboundProducer({ connection: await producerConnection(), partitions }),
    };
    closers.push(
      () => producers.motcua.close(),
      () => producers.bare.close(),
    );
    const servers: Record<IngestServer, BenchServer> = {
      motcua: await startMotcuaWebhook(config, producers.motcua),
      bare: await startBareWebhookServer({
        appId: config.zalo.appId,
        oaId: config.zalo.oaId,
        oaSecretKey: config.zalo.oaSecretKey,
        maxBytes: config.webhookMaxBytes,
        enqueue: (data) => producers.bare.enqueue(data),
      }),
    };
    closers.push(
      () => servers.motcua.close(),
      () => servers.bare.close(),
    );

    const stored = async () => {
      const counts = await Promise.all(producers.motcua.queues.map((q) => q.getWaitingCount()));
      return counts.reduce((a, b) => a + b, 0);
    };
    const flush = async () => {
      await admin.flushall('SYNC');
      await sleep(250);
    };

    opts.log('  warm-up: 2 s flat out on each server');
    for (const server of ['bare', 'motcua'] as const) {
      await opts.load.run({
        kind: 'webhook-closed',
        origin: servers[server].url,
        runTag: randomBytes(3).toString('hex'),
        users: opts.users,
        connections: 16,
        durationMs: 2000,
      });
      await flush();
    }

    const runs: IngestRun[] = [];
    for (let round = 1; round <= opts.rounds; round++) {
      for (const server of ['bare', 'motcua'] as const) {
        for (const mode of ['fixed', 'flat'] as const) {
          await flush();
          const usage = startUsageWindow(redis.pid);
          const common = {
            origin: servers[server].url,
            runTag: randomBytes(3).toString('hex'),
            users: opts.users,
            durationMs: opts.seconds * 1000,
          };
          const result =
            mode === 'fixed'
              ? await opts.load.run<LoadResult & { clientElu: number }>({
                  kind: 'webhook-open',
                  ratePerSec: opts.fixedRatePerSec,
                  ...common,
                })
              : await opts.load.run<LoadResult & { clientElu: number }>({
                  kind: 'webhook-closed',
                  connections: opts.flatConnections,
                  ...common,
                });
          const run: IngestRun = { ...result, ...usage(), round, server, mode, stored: await stored() };
          runs.push(run);
          opts.log(
            `  round ${round} ${server.padEnd(6)} ${mode.padEnd(5)} ${String(run.achievedPerSec).padStart(7)} ev/s` +
              `  p50 ${run.latency.p50} ms  p99 ${run.latency.p99} ms  max ${run.latency.max} ms` +
              `  non-2xx ${run.non2xx + run.errors}  stored ${run.stored}/${run.ok}` +
              `  server ELU ${run.serverElu}  client ELU ${run.clientElu}  redis CPU ${run.redisCpu ?? '?'}` +
              `  other CPU ${run.otherCpu ?? '?'}`,
          );
        }
      }
    }
    await flush();
    return summarise(runs, {
      rounds: opts.rounds,
      seconds: opts.seconds,
      fixedRatePerSec: opts.fixedRatePerSec,
      flatConnections: opts.flatConnections,
      users: opts.users,
      partitions,
      redis: `redis-server ${redisVersion}, AOF appendfsync everysec`,
    });
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
  }
}

/** Server A: motcua's HTTP app with the real receiver and producer, as `motcua serve` builds it. */
async function startMotcuaWebhook(
  config: ReturnType<typeof loadConfig>,
  inbound: InboundProducer,
): Promise<BenchServer> {
  const metrics = createMetrics();
  const logger = createLogger('silent');
  const app = createHttpApp({
    webhook: createReceiverFor(config, (data) => inbound.enqueue(data), logger, metrics),
    metrics,
    isAccepting: () => true,
    readiness: {},
  });
  return listenLocal(http.createServer(app));
}

function summarise(runs: IngestRun[], settings: IngestResult['settings']): IngestResult {
  const cell = (server: IngestServer, mode: IngestMode): IngestCell => {
    const rs = runs.filter((r) => r.server === server && r.mode === mode);
    const pick = (f: (r: IngestRun) => number) => rs.map(f);
    const range = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];
    const defined = (xs: Array<number | undefined>) => xs.filter((v): v is number => v !== undefined);
    const redis = defined(rs.map((r) => r.redisCpu));
    const other = defined(rs.map((r) => r.otherCpu));
    return {
      runs: rs.length,
      achievedPerSec: round(median(pick((r) => r.achievedPerSec)), 1),
      achievedRange: range(pick((r) => r.achievedPerSec)),
      p50: round(median(pick((r) => r.latency.p50))),
      p99: round(median(pick((r) => r.latency.p99))),
      p99Range: range(pick((r) => r.latency.p99)),
      max: round(median(pick((r) => r.latency.max))),
      non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
      errors: rs.reduce((n, r) => n + r.errors, 0),
      ackedButNotStored: rs.reduce((n, r) => n + Math.max(0, r.ok - r.stored), 0),
      serverElu: round(median(pick((r) => r.serverElu)), 3),
      clientElu: round(median(pick((r) => r.clientElu)), 3),
      ...(redis.length ? { redisCpu: round(median(redis), 2) } : {}),
      ...(other.length ? { otherCpu: round(median(other), 2) } : {}),
    };
  };
  const summary = {
    motcua: { fixed: cell('motcua', 'fixed'), flat: cell('motcua', 'flat') },
    bare: { fixed: cell('bare', 'fixed'), flat: cell('bare', 'flat') },
  };
  const perRound: number[] = [];
  for (let r = 1; r <= settings.rounds; r++) {
    const a = runs.find((x) => x.round === r && x.server === 'motcua' && x.mode === 'flat');
    const b = runs.find((x) => x.round === r && x.server === 'bare' && x.mode === 'flat');
    if (a && b && b.achievedPerSec > 0) perRound.push(round(a.achievedPerSec / b.achievedPerSec, 3));
  }
  const ratio = round(median(perRound), 3);
  const p99 = summary.motcua.fixed.p99;
  return {
    settings,
    runs,
    summary,
    throughputRatio: { median: ratio, range: [Math.min(...perRound), Math.max(...perRound)], perRound },
    targets: {
      throughputRatio: { target: '>= 0.3x bare', value: ratio, met: ratio >= 0.3 },
      p99AckAtFixedRate: {
        target: `p99 <= 20 ms at ${settings.fixedRatePerSec}/s`,
        value: p99,
        met: p99 <= 20 && summary.motcua.fixed.non2xx + summary.motcua.fixed.errors === 0,
      },
    },
  };
}
