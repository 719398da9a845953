import { ErrorCode, hasCode } from '../errors.js';
import { ZaloApiError, ZaloHttpError } from './errors.js';

/**
 * Retrying as a layer around any Zalo call: exponential backoff with jitter,
 * a bounded number of attempts, and an AbortSignal to stop waiting early.
 * The client never retries on its own; callers choose what is safe to repeat.
 */

/** How often and how fast to repeat a failed call. */
export interface RetryPolicy {
  /** Shown in logs. */
  name: string;
  /** Retries after the first attempt (so attempts = maxRetries + 1). */
  maxRetries: number;
  /** Delay before the first retry. */
  baseDelayMs: number;
  /** Each further delay is the previous one times this factor. */
  factor: number;
  /** No single delay exceeds this. */
  maxDelayMs: number;
  /** Fraction of each delay that is randomised away (0 = none, 1 = full jitter). */
  jitter: number;
}

/** Three retries after about 2 s, 6 s and 18 s: fits inside Zalo's one-minute rate window (-32). */
export const threeRetriesInAMinute: Readonly<RetryPolicy> = Object.freeze({
  name: 'threeRetriesInAMinute',
  maxRetries: 3,
  baseDelayMs: 2000,
  factor: 3,
  maxDelayMs: 20_000,
  jitter: 0.3,
});

/** Two retries after about 1 s and 3 s: for calls made while holding a short lock (token refresh). */
export const twoRetriesInFiveSeconds: Readonly<RetryPolicy> = Object.freeze({
  name: 'twoRetriesInFiveSeconds',
  maxRetries: 2,
  baseDelayMs: 1000,
  factor: 3,
  maxDelayMs: 3000,
  jitter: 0.3,
});

/** Three retries within a few milliseconds, for tests. */
export const rapidRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
  name: 'rapidRetryPolicy',
  maxRetries: 3,
  baseDelayMs: 1,
  factor: 2,
  maxDelayMs: 5,
  jitter: 0,
});

/** What {@link withRetry} reports before each wait. */
export interface RetryNotice {
  policy: string;
  /** The attempt that just failed, from 1. */
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** Knobs for one {@link withRetry} run. */
export interface RetryOptions {
  /** Stops waiting and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Which failures to repeat; defaults to {@link isSafeToRetry}. */
  shouldRetry?: (err: unknown) => boolean;
  /** Called before each wait (log here; the error holds no secrets). */
  onRetry?: (notice: RetryNotice) => void;
  /** Source of randomness for jitter, in [0, 1). */
  random?: () => number;
}

/**
 * True for failures that cannot have reached Zalo (connection refused, DNS), for
 * -32 rate limiting, and for a token refresh that failed for one of those reasons.
 * Safe for sends: nothing was delivered.
 */
export function isSafeToRetry(err: unknown): boolean {
  if (hasCode(err, ErrorCode.TokenRefreshFailed)) return isSafeToRetry(err.cause);
  if (err instanceof ZaloHttpError) return err.outcome === 'not_sent';
  return err instanceof ZaloApiError && err.decision === 'rate_limited';
}

/** Like {@link isSafeToRetry}, plus timeouts and 5xx: only for reads and other idempotent calls. */
export function isSafeToRetryIdempotent(err: unknown): boolean {
  return err instanceof ZaloHttpError || isSafeToRetry(err);
}

/** The wait before retry number `retry` (from 1) under `policy`, jitter applied. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const exponential = policy.baseDelayMs * policy.factor ** (retry - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (1 - policy.jitter * random()));
}

/**
 * Runs `fn` and repeats it while `shouldRetry` accepts the failure and the
 * policy allows. `fn` receives the attempt number (from 1). The last failure is
 * rethrown unchanged so its decision still reaches the caller.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: RetryOptions = {},
): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isSafeToRetry;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt > policy.maxRetries || !shouldRetry(err)) throw err;
      const delayMs = backoffDelay(policy, attempt, options.random);
      options.onRetry?.({ policy: policy.name, attempt, delayMs, error: err });
      await sleep(delayMs, options.signal);
    }
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
