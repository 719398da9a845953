import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { zaloSignatureHeader } from '../signature.js';

/** Delays between webhook attempts, scaled down from Zalo's 30 s / 5 min / 15 min / 30 min / 1 h. */
export const DEFAULT_RETRY_DELAYS_MS = [500, 1000, 2000, 5000, 10_000];

/** Zalo expects the webhook to answer 200 within this time. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 2000;

/** The life of one event's delivery to the webhook. */
export interface DeliveryRecord {
  id: number;
  /** Ordering key: deliveries with the same key go one at a time, in order. */
  userKey: string;
  eventName: string;
  msgId?: string;
  /** The exact JSON body that was signed and posted. */
  body: string;
  status: 'queued' | 'sending' | 'retrying' | 'delivered' | 'given_up' | 'cancelled';
  attempts: number;
  /** HTTP status of the last attempt; 0 when no response arrived. */
  lastStatus?: number;
  lastError?: string;
  enqueuedAt: number;
  finishedAt?: number;
}

/** Handle on a queued delivery. */
export interface DeliveryHandle {
  record: DeliveryRecord;
  /** HTTP status of the first attempt (0 when no response, or when cancelled before it). */
  firstAnswer: Promise<number>;
  /** Settles when delivered, given up or cancelled. */
  done: Promise<DeliveryRecord>;
}

/** Webhook counters for `GET /api/stats`. */
export interface WebhookStats {
  /** Events answered 200. */
  ok: number;
  /** Attempts that got no 200 (non-200 status, timeout or connection error). */
  failed: number;
  /** Attempts after the first one. */
  retried: number;
  /** Events abandoned after the last retry. */
  givenUp: number;
  /** Events queued or in flight. */
  pending: number;
}

/** Posts signed events to the app's webhook, per-user in order, retrying until 200. */
export interface WebhookSender {
  /** Queues an event behind the same user's earlier ones; `onChange` sees each state change. */
  send(
    userKey: string,
    event: Record<string, unknown>,
    onChange?: (record: DeliveryRecord) => void,
  ): DeliveryHandle;
  /** Counters since the last reset. */
  stats(): WebhookStats;
  /** The most recent deliveries, oldest first. */
  deliveries(): DeliveryRecord[];
  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void>;
  /** Cancels everything pending and zeroes the counters. */
  reset(): void;
  /** Cancels everything pending and refuses new events. */
  close(): Promise<void>;
}

interface Pending {
  record: DeliveryRecord;
  /** The body's `timestamp`, as signed. */
  timestamp: string;
  onChange?: (record: DeliveryRecord) => void;
  resolveFirst: (status: number) => void;
  resolveDone: (record: DeliveryRecord) => void;
  firstResolved: boolean;
}

interface Generation {
  abort: AbortController;
  queues: Map<string, Pending[]>;
  pumps: Set<Promise<void>>;
}

const LOG_SIZE = 1000;

/** Creates a sender; `url` is read at each attempt so it may be set after the app listens. */
export function createWebhookSender(opts: {
  url: () => string;
  appId: string;
  oaSecretKey: string;
  retryDelaysMs?: number[];
  timeoutMs?: number;
  logger: Logger;
  now: () => number;
  fetchImpl?: typeof fetch;
}): WebhookSender {
  const delays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const doFetch = opts.fetchImpl ?? fetch;
  const newGeneration = (): Generation => {
    const abort = new AbortController();
    // Every waiting delivery listens on this one signal; hundreds at once is normal.
    setMaxListeners(0, abort.signal);
    return { abort, queues: new Map(), pumps: new Set() };
  };
  let gen = newGeneration();
  let closed = false;
  let nextId = 1;
  let log: DeliveryRecord[] = [];
  const counters = { ok: 0, failed: 0, retried: 0, givenUp: 0 };

  const changed = (p: Pending) => {
    try {
      p.onChange?.(p.record);
    } catch (err) {
      opts.logger.warn({ err }, 'emulator webhook listener failed');
    }
  };

  const finish = (p: Pending, status: DeliveryRecord['status']) => {
    p.record.status = status;
    p.record.finishedAt = opts.now();
    if (!p.firstResolved) {
      p.firstResolved = true;
      p.resolveFirst(p.record.lastStatus ?? 0);
    }
    changed(p);
    p.resolveDone(p.record);
  };

  const post = async (g: Generation, p: Pending, attempt: number) => {
    const { record, timestamp } = p;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-zevent-signature': zaloSignatureHeader(opts.appId, record.body, timestamp, opts.oaSecretKey),
      'user-agent': 'motcua-zalo-emulator',
    };
    if (attempt > 0) headers.num_retry = String(attempt);
    try {
      const res = await doFetch(opts.url(), {
        method: 'POST',
        headers,
        body: record.body,
        redirect: 'manual',
        signal: AbortSignal.any([g.abort.signal, AbortSignal.timeout(timeoutMs)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      return { status: res.status };
    } catch (err) {
      return { status: 0, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  };

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });

  const deliver = async (g: Generation, p: Pending) => {
    const { record } = p;
    for (let attempt = 0; ; attempt++) {
      if (g.abort.signal.aborted) return finish(p, 'cancelled');
      record.status = 'sending';
      record.attempts++;
      if (attempt > 0) counters.retried++;
      const result = await post(g, p, attempt);
      if (g.abort.signal.aborted) return finish(p, 'cancelled');
      record.lastStatus = result.status;
      record.lastError = result.error;
      if (!p.firstResolved) {
        p.firstResolved = true;
        p.resolveFirst(result.status);
      }
      if (result.status === 200) {
        counters.ok++;
        return finish(p, 'delivered');
      }
      counters.failed++;
      if (attempt >= delays.length) {
        counters.givenUp++;
        opts.logger.warn(
          {
            eventName: record.eventName,
            attempts: record.attempts,
            lastStatus: result.status,
            error: result.error,
          },
          'emulator gave up delivering a webhook event',
        );
        return finish(p, 'given_up');
      }
      opts.logger.debug(
        {
          eventName: record.eventName,
          attempt: record.attempts,
          lastStatus: result.status,
          error: result.error,
        },
        'emulator webhook attempt failed; will retry',
      );
      record.status = 'retrying';
      changed(p);
      await sleep(delays[attempt] ?? 0, g.abort.signal);
    }
  };

  const pump = async (g: Generation, key: string, queue: Pending[]) => {
    while (queue.length > 0) {
      await deliver(g, queue[0]!);
      queue.shift();
    }
    if (g.queues.get(key) === queue) g.queues.delete(key);
  };

  return {
    send(userKey, event, onChange) {
      const body = JSON.stringify(event);
      const message = event.message as { msg_id?: unknown } | undefined;
      const record: DeliveryRecord = {
        id: nextId++,
        userKey,
        eventName: String(event.event_name),
        msgId: typeof message?.msg_id === 'string' ? message.msg_id : undefined,
        body,
        status: 'queued',
        attempts: 0,
        enqueuedAt: opts.now(),
      };
      log.push(record);
      if (log.length > LOG_SIZE) log.shift();
      let resolveFirst!: (s: number) => void;
      let resolveDone!: (r: DeliveryRecord) => void;
      const firstAnswer = new Promise<number>((r) => (resolveFirst = r));
      const done = new Promise<DeliveryRecord>((r) => (resolveDone = r));
      const ts = event.timestamp;
      const timestamp = typeof ts === 'string' || typeof ts === 'number' ? String(ts) : '';
      const pending: Pending = {
        record,
        timestamp,
        onChange,
        resolveFirst,
        resolveDone,
        firstResolved: false,
      };
      if (closed) {
        finish(pending, 'cancelled');
        return { record, firstAnswer, done };
      }
      const g = gen;
      const queue = g.queues.get(userKey);
      if (queue) {
        queue.push(pending);
      } else {
        const fresh = [pending];
        g.queues.set(userKey, fresh);
        const running = pump(g, userKey, fresh);
        g.pumps.add(running);
        void running.finally(() => g.pumps.delete(running));
      }
      return { record, firstAnswer, done };
    },
    stats: () => ({
      ...counters,
      pending: [...gen.queues.values()].reduce((n, q) => n + q.length, 0),
    }),
    deliveries: () => [...log],
    async idle() {
      while (gen.pumps.size > 0) await Promise.allSettled([...gen.pumps]);
    },
    reset() {
      const old = gen;
      gen = newGeneration();
      old.abort.abort();
      for (const queue of old.queues.values()) {
        for (const p of queue.slice(1)) finish(p, 'cancelled');
        queue.splice(1);
      }
      log = [];
      counters.ok = 0;
      counters.failed = 0;
      counters.retried = 0;
      counters.givenUp = 0;
    },
    async close() {
      closed = true;
      const g = gen;
      g.abort.abort();
      for (const queue of g.queues.values()) {
        for (const p of queue.slice(1)) finish(p, 'cancelled');
        queue.splice(1);
      }
      while (g.pumps.size > 0) await Promise.allSettled([...g.pumps]);
    },
  };
}
