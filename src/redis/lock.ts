import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Redis lock one process holds at a time (SET NX PX; extended and released only by its holder). */
export interface RedisLock {
  /** How long the lock lives if its holder dies. */
  readonly ttlMs: number;
  /** Takes the lock if it is free; returns the holder's value, or null when another process holds it. */
  acquire(): Promise<string | null>;
  /** Whether any process holds the lock. */
  isHeld(): Promise<boolean>;
  /** Restarts the lock's time to live, if `value` still holds it. */
  extend(value: string): Promise<void>;
  /** Frees the lock, if `value` still holds it. */
  release(value: string): Promise<void>;
}

const DELETE_IF_OURS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND_IF_OURS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** The lock that lets one process at a time spend an OA's single-use refresh token. */
export type RefreshLock = RedisLock;

/** Builds the refresh lock of one OA. */
export function createRefreshLock(redis: Redis, oaId: string, ttlMs: number): RefreshLock {
  return createRedisLock(redis, `motcua:zalo-token-refresh:${oaId}`, ttlMs);
}

/** Builds a lock on `key` that frees itself `ttlMs` after its holder stops extending it. */
export function createRedisLock(redis: Redis, key: string, ttlMs: number): RedisLock {
  return {
    ttlMs,
    acquire: async () => {
      const value = randomUUID();
      return (await redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK' ? value : null;
    },
    isHeld: async () => (await redis.exists(key)) === 1,
    extend: async (value) => {
      await redis.eval(EXTEND_IF_OURS, 1, key, value, String(ttlMs));
    },
    release: async (value) => {
      await redis.eval(DELETE_IF_OURS, 1, key, value);
    },
  };
}
