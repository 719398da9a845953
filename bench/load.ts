import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { summarize, round, type LatencySummary } from './stats.js';

/** One HTTP request to make against the target. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** How one request ended: its HTTP status (0 for a network error or timeout). */
export interface RequestOutcome {
  status: number;
  error?: string;
}

/** What a load run measured. Latencies are in ms. */
export interface LoadResult {
  mode: 'open' | 'closed';
  /** Requests started. */
  sent: number;
  /** Requests answered 2xx. */
  ok: number;
  /** Requests answered with a status outside 200-299. */
  non2xx: number;
  /** Requests with no answer (connection error or timeout). */
  errors: number;
  /** From the first start to the last answer. */
  elapsedMs: number;
  /** 2xx answers per second over `elapsedMs`. */
  achievedPerSec: number;
  /** Open loop: from the scheduled start; closed loop: from the actual start. */
  latency: LatencySummary;
  /** Open loop only: how late the generator started requests (ms), to show it kept up. */
  startLag?: LatencySummary;
  statuses: Record<string, number>;
  firstError?: string;
}

/** A keep-alive agent for benchmark traffic to 127.0.0.1. */
export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' });
}

/** Sends one request and resolves once the whole response body has arrived. */
export function sendRequest(
  agent: http.Agent,
  origin: URL,
  spec: RequestSpec,
  timeoutMs: number,
): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: RequestOutcome) => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    const headers: Record<string, string | number> = { ...spec.headers };
    if (spec.body !== undefined) headers['content-length'] = Buffer.byteLength(spec.body);
    const req = http.request(
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        method: spec.method,
        path: spec.path,
        headers,
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => done({ status: res.statusCode ?? 0 }));
        res.on('error', (err) => done({ status: 0, error: err.message }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', (err) => done({ status: 0, error: err.message }));
    req.end(spec.body);
  });
}

class Tally {
  readonly latencies: number[] = [];
  readonly statuses: Record<string, number> = {};
  ok = 0;
  non2xx = 0;
  errors = 0;
  sent = 0;
  firstError?: string;
  lastEnd = 0;

  record(outcome: RequestOutcome, latencyMs: number, end: number) {
    this.lastEnd = Math.max(this.lastEnd, end);
    const key = String(outcome.status);
    this.statuses[key] = (this.statuses[key] ?? 0) + 1;
    if (outcome.status === 0) {
      this.errors++;
      this.firstError ??= outcome.error;
      return;
    }
    this.latencies.push(latencyMs);
    if (outcome.status >= 200 && outcome.status < 300) this.ok++;
    else this.non2xx++;
  }

  result(mode: 'open' | 'closed', start: number): LoadResult {
    const elapsedMs = Math.max(1, this.lastEnd - start);
    return {
      mode,
      sent: this.sent,
      ok: this.ok,
      non2xx: this.non2xx,
      errors: this.errors,
      elapsedMs: round(elapsedMs, 1),
      achievedPerSec: round((this.ok * 1000) / elapsedMs, 1),
      latency: summarize(this.latencies),
      statuses: this.statuses,
      ...(this.firstError ? { firstError: this.firstError } : {}),
    };
  }
}

/**
 * Open-loop load: request i is started at `start + i / rate` whatever happened to
 * earlier ones, and its latency runs from that scheduled instant to the end of the
 * response (so a stalled server is not hidden: no coordinated omission).
 */
export async function openLoop(opts: {
  origin: string;
  ratePerSec: number;
  durationMs: number;
  maxSockets: number;
  timeoutMs?: number;
  next: (i: number) => RequestSpec;
  /** Called with the scheduled start (performance.now() ms) just before request i is sent. */
  onStart?: (i: number, scheduledAt: number) => void;
  /** Called when request i has its answer. */
  onDone?: (i: number, outcome: RequestOutcome) => void;
}): Promise<LoadResult> {
  const origin = new URL(opts.origin);
  const agent = keepAliveAgent(opts.maxSockets);
  const tally = new Tally();
  const total = Math.round((opts.ratePerSec * opts.durationMs) / 1000);
  const interval = 1000 / opts.ratePerSec;
  const lags: number[] = [];
  const inflight = new Set<Promise<void>>();
  const start = performance.now();
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (i < total && start + i * interval <= now) {
        const n = i;
        const scheduled = start + n * interval;
        lags.push(now - scheduled);
        const spec = opts.next(n);
        opts.onStart?.(n, scheduled);
        tally.sent++;
        const p = sendRequest(agent, origin, spec, opts.timeoutMs ?? 10_000).then((outcome) => {
          const end = performance.now();
          tally.record(outcome, end - scheduled, end);
          opts.onDone?.(n, outcome);
        });
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
        i++;
      }
      if (i >= total) return resolve();
      setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
    };
    tick();
  });
  while (inflight.size > 0) await Promise.all([...inflight]);
  agent.destroy();
  return { ...tally.result('open', start), startLag: summarize(lags) };
}

/**
 * Closed-loop load: `connections` loops each send a request, wait for its answer,
 * and send the next, until `durationMs` has passed. Measures saturation throughput.
 */
export async function closedLoop(opts: {
  origin: string;
  connections: number;
  durationMs: number;
  timeoutMs?: number;
  next: (i: number) => RequestSpec;
}): Promise<LoadResult> {
  const origin = new URL(opts.origin);
  const agent = keepAliveAgent(opts.connections);
  const tally = new Tally();
  const start = performance.now();
  const deadline = start + opts.durationMs;
  let i = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const spec = opts.next(i++);
      tally.sent++;
      const t0 = performance.now();
      const outcome = await sendRequest(agent, origin, spec, opts.timeoutMs ?? 10_000);
      const end = performance.now();
      tally.record(outcome, end - t0, end);
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, loop));
  agent.destroy();
  return tally.result('closed', start);
}
