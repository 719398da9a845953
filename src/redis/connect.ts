import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { ErrorCode, MotcuaError } from '../errors.js';
import type { Logger } from '../log.js';
import { checkRedisDurability, describeProblems } from './durability.js';
import { startEmbeddedRedis, type EmbeddedRedis } from './embedded.js';
import path from 'node:path';

/** The Redis connections a process uses, and the embedded server when motcua started one. */
export interface RedisHandle {
  url: string;
  /** For workers and blocking commands: retries forever while Redis is away. */
  worker: Redis;
  /** For the webhook path: fails at once when Redis is down, so the receiver answers 503. */
  producer: Redis;
  embedded?: EmbeddedRedis;
  close(): Promise<void>;
}

/**
 * Connects to REDIS_URL, or starts redis-server under DATA_DIR/redis when it is
 * unset. An external Redis is checked for settings that lose jobs: motcua
 * refuses to start (REDIS_DURABILITY=refuse, the default) or warns loudly.
 */
export async function connectRedis(config: Config, logger: Logger): Promise<RedisHandle> {
  let embedded: EmbeddedRedis | undefined;
  let url = config.redisUrl;
  if (!url) {
    embedded = await startEmbeddedRedis({ dir: path.join(config.dataDir, 'redis') });
    url = embedded.url;
    logger.info({ port: embedded.port }, 'started embedded redis-server (AOF on, noeviction)');
  }
  const worker = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  const producer = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  worker.on('error', () => undefined);
  producer.on('error', () => undefined);
  const close = async () => {
    worker.disconnect();
    producer.disconnect();
    await embedded?.stop();
  };
  try {
    await Promise.all([worker.connect(), producer.connect()]);
    await guardDurability(worker, config, logger);
  } catch (err) {
    await close();
    throw err;
  }
  return { url, worker, producer, embedded, close };
}

async function guardDurability(redis: Redis, config: Config, logger: Logger) {
  const all = await checkRedisDurability(redis);
  const hidden = all.filter((p) => p.found === 'unknown');
  if (hidden.length > 0) {
    logger.warn(
      { settings: hidden.map((p) => p.setting) },
      'Redis hides CONFIG; check durability settings by hand',
    );
  }
  const problems = all.filter((p) => p.found !== 'unknown');
  if (problems.length === 0) return;
  const text = `Redis can lose queued events with these settings:\n${describeProblems(problems)}`;
  if (config.redisDurability === 'refuse') {
    throw new MotcuaError(
      ErrorCode.RedisNotDurable,
      `${text}\nFix them (CONFIG SET or redis.conf), or set REDIS_DURABILITY=warn to start anyway.`,
    );
  }
  logger.warn({ problems }, `WARNING: ${text}`);
}
