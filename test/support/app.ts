import { loadConfig, type Config } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/connection.js';
import { createLogger, type Logger } from '../../src/log.js';
import { startRuntime, type Roles, type Runtime } from '../../src/main.js';
import { emulatorClient } from './emulator-client.js';
import { openTestDatabase, startTestRedis, tempDir } from './services.js';

/**
 * Starts motcua in this process on a random port, against the given Redis and
 * database, with the built-in emulator unless ZALO_API_BASE is in `env`.
 */
export async function startTestApp(opts: {
  redisUrl: string;
  db: DatabaseHandle;
  roles?: Roles;
  env?: Record<string, string>;
  logger?: Logger;
  /** The clock send rules and broadcasts read. */
  now?: () => Date;
}): Promise<Runtime & { config: Config; cleanup: () => Promise<void> }> {
  const tmp = tempDir('motcua-app-');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: tmp.dir,
    REDIS_URL: opts.redisUrl,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    QUEUE_PARTITIONS: '8',
    QUEUE_LOCK_MS: '4000',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...opts.env,
  });
  const runtime = await startRuntime(config, opts.roles ?? { serve: true, work: true }, {
    db: opts.db,
    logger: opts.logger ?? createLogger(config.logLevel),
    ...(opts.now ? { now: opts.now } : {}),
  });
  return {
    ...runtime,
    cleanup: async () => {
      await runtime.close();
      tmp.remove();
    },
  };
}

/** Polls `check` until it returns a truthy value or `ms` pass. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  ms = 15_000,
  every = 50,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${ms} ms${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** A throw-away Redis, a fresh database and motcua with its built-in emulator, for one test file. */
export async function startEmulatedStack() {
  const redis = await startTestRedis();
  const db = await openTestDatabase();
  const app = await startTestApp({ redisUrl: redis.url, db });
  return {
    redis,
    db,
    app,
    emu: emulatorClient(app.url!),
    cleanup: async () => {
      await app.cleanup();
      await db.cleanup();
      await redis.cleanup();
    },
  };
}
