/** Outcome of counting one request against the per-minute budget. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remain: number;
}

/** Zalo's per-app requests-per-minute budget (fixed one-minute windows). */
export interface RateLimiter {
  /** Counts a request and says whether it fits in the current minute. */
  take(): RateDecision;
  /** Changes the budget (takes effect immediately). */
  setLimit(perMinute: number): void;
  /** Current budget per minute. */
  limit(): number;
  /** Starts a fresh window. */
  reset(): void;
}

/** Creates a limiter; the window is `floor(now / 60 s)`. */
export function createRateLimiter(opts: { perMinute: number; now: () => number }): RateLimiter {
  let perMinute = opts.perMinute;
  let window = -1;
  let used = 0;
  return {
    take() {
      const w = Math.floor(opts.now() / 60_000);
      if (w !== window) {
        window = w;
        used = 0;
      }
      used++;
      const allowed = used <= perMinute;
      return { allowed, limit: perMinute, remain: Math.max(0, perMinute - used) };
    },
    setLimit(n) {
      perMinute = n;
    },
    limit: () => perMinute,
    reset() {
      window = -1;
      used = 0;
    },
  };
}
