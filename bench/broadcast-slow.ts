import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { round } from './stats.js';

/** PGlite protocol calls of one statement that held the main thread for long. */
export interface SlowStatement {
  /** The statement (first Parse or Query message), whitespace squeezed, cut to 160 characters. */
  sql: string;
  calls: number;
  totalMs: number;
  maxMs: number;
  /** Seconds since the recorder started: the first and the last such call. */
  firstAt: number;
  lastAt: number;
}

/** The SQL of the first Parse ('P') or simple Query ('Q') message in a frontend protocol buffer, if any. */
function statementOf(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cstring = (from: number) => {
    let end = from;
    while (end < bytes.length && bytes[end] !== 0) end++;
    return { value: Buffer.from(bytes.subarray(from, end)).toString('utf8'), next: end + 1 };
  };
  for (let at = 0; at + 5 <= bytes.length;) {
    const type = bytes[at]!;
    const length = view.getInt32(at + 1);
    if (type === 0x51) return cstring(at + 5).value;
    if (type === 0x50) return cstring(cstring(at + 5).next).value;
    if (length < 4) break;
    at += 1 + length;
  }
  return undefined;
}

/**
 * Diagnostics only: PGlite protocol calls (where every query's WASM work runs on the calling
 * thread) slower than `thresholdMs`, grouped by statement, by wrapping the prototype method on
 * top of whatever wraps it already. A query is parsed in one call and bound and run in the next,
 * so a call without SQL is put down to the statement parsed just before it.
 */
export function recordSlowPglite(thresholdMs: number): {
  read(): SlowStatement[];
  restore(): void;
} {
  const proto = PGlite.prototype as unknown as Record<string, unknown>;
  const original = proto.execProtocolRawSync;
  const byStatement = new Map<string, SlowStatement>();
  const t0 = performance.now();
  let lastStatement: Uint8Array | undefined;
  if (typeof original !== 'function') return { read: () => [], restore: () => undefined };
  const fn = original as (this: unknown, ...args: unknown[]) => unknown;
  proto.execProtocolRawSync = function (this: unknown, ...args: unknown[]) {
    const start = performance.now();
    const bytes = args[0];
    // Parse (P) or Query (Q) first: remember the buffer, read its SQL only if a call is slow.
    if (bytes instanceof Uint8Array && (bytes[0] === 0x50 || bytes[0] === 0x51)) lastStatement = bytes;
    try {
      return fn.apply(this, args);
    } finally {
      const ms = performance.now() - start;
      if (ms >= thresholdMs) {
        const sql = ((lastStatement && statementOf(lastStatement)) ?? '?')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 160);
        const at = round((start - t0) / 1000, 1);
        const s = byStatement.get(sql) ?? { sql, calls: 0, totalMs: 0, maxMs: 0, firstAt: at, lastAt: at };
        s.calls++;
        s.totalMs += ms;
        s.maxMs = Math.max(s.maxMs, ms);
        s.lastAt = at;
        byStatement.set(sql, s);
      }
    }
  };
  return {
    read: () =>
      [...byStatement.values()]
        .map((s) => ({ ...s, totalMs: round(s.totalMs, 0), maxMs: round(s.maxMs, 1) }))
        .sort((a, b) => b.totalMs - a.totalMs),
    restore: () => {
      proto.execProtocolRawSync = original;
    },
  };
}
