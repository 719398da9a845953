import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';

/** Protocol calls into PGlite and the time the main thread spent blocked in them. */
export interface PgliteUsage {
  calls: number;
  ms: number;
}

/**
 * Diagnostics only: counts and times PGlite's synchronous protocol executions
 * (`execProtocolRawSync`, where every query's WASM work runs on the calling
 * thread) by wrapping the prototype method. Does nothing if the method is absent.
 */
export function meterPglite(): { read(): PgliteUsage; restore(): void } {
  const proto = PGlite.prototype as unknown as Record<string, unknown>;
  const original = proto.execProtocolRawSync;
  const usage: PgliteUsage = { calls: 0, ms: 0 };
  if (typeof original !== 'function') return { read: () => ({ ...usage }), restore: () => undefined };
  const fn = original as (this: unknown, ...args: unknown[]) => unknown;
  proto.execProtocolRawSync = function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      usage.ms += performance.now() - t0;
      usage.calls++;
    }
  };
  return {
    read: () => ({ ...usage }),
    restore: () => {
      proto.execProtocolRawSync = original;
    },
  };
}
