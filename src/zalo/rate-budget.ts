import type { Redis } from 'ioredis';
import type { Lane } from './policy.js';

/**
 * One app-wide send budget shared by every process (Zalo counts 4,000
 * requests/min per app). A token bucket in Redis refills at the configured rate;
 * lanes differ only in how much of the bucket they must leave untouched, so
 * replies can always burst, notifications leave a reserve for replies, and
 * broadcasts leave the most. Any lane alone can still reach the full rate.
 */
export interface RateBudget {
  /** Takes one token for `lane`: 0 when granted, otherwise ms to wait before asking again. */
  tryTake(lane: Lane): Promise<number>;
  /** Waits until a token is granted (or the signal aborts). */
  take(lane: Lane, signal?: AbortSignal): Promise<void>;
  /** Empties the bucket for `ms` (after Zalo answered -32, its own limit was hit). */
  pause(ms: number): Promise<void>;
}

/** Fraction of the bucket each lane must leave for the lanes before it. */
export const LANE_RESERVE: Record<Lane, number> = { reply: 0, notify: 0.25, broadcast: 0.5 };

const TAKE = `
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local reserve = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then tokens = capacity; ts = now end
if now > ts then tokens = math.min(capacity, tokens + (now - ts) * rate) ; ts = now end
local need = 1 + reserve
local wait = 0
if tokens >= need then tokens = tokens - 1 else wait = math.ceil((need - tokens) / rate) end
redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(ts))
redis.call('PEXPIRE', key, 3600000)
return wait
`;

const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local ms = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'tokens', tostring(-ms * rate), 'ts', tostring(now))
return 1
`;

/** Builds the shared budget; `burstSeconds` sets the bucket size in seconds of rate. */
export function createRateBudget(opts: {
  redis: Redis;
  appId: string;
  perMinute: number;
  burstSeconds?: number;
}): RateBudget {
  const key = `motcua:rate:${opts.appId}`;
  const ratePerMs = opts.perMinute / 60_000;
  const capacity = Math.max(1, (opts.perMinute / 60) * (opts.burstSeconds ?? 1));
  const tryTake = async (lane: Lane) => {
    const reserve = capacity * LANE_RESERVE[lane];
    const wait = await opts.redis.eval(TAKE, 1, key, ratePerMs, capacity, reserve);
    return Number(wait);
  };
  return {
    tryTake,
    async take(lane, signal) {
      for (;;) {
        signal?.throwIfAborted();
        const wait = await tryTake(lane);
        if (wait <= 0) return;
        await new Promise((r) => setTimeout(r, Math.min(wait, 1000)));
      }
    },
    async pause(ms) {
      await opts.redis.eval(PAUSE, 1, key, ratePerMs, ms);
    },
  };
}
