import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { openLoop, type LoadResult } from './load.js';
import { round, summarize, type LatencySummary } from './stats.js';

/** What driving residents through the emulator measured. Latencies are in ms. */
export interface ResidentRunResult {
  users: number;
  ratePerSec: number;
  durationMs: number;
  /** Messages the emulator accepted (POST answered 2xx, or unanswered: outcome unknown): one reply each. */
  expected: number;
  /** Replies matched to a message (per resident, in order). */
  received: number;
  missing: number;
  /** OA messages beyond one per text (duplicates or extra messages). */
  unexpected: number;
  /** From the scheduled send of a message to the arrival of the bot's reply on the resident's stream. */
  latency: LatencySummary;
  /**
   * The same over every expected reply, a missing one counted as its wait so far at
   * the drain cutoff: a lower bound whenever `missing` > 0.
   */
  latencyAll: LatencySummary & { lowerBound: boolean };
  /** Replies per second from the first send to the last reply (the bot's throughput when saturated). */
  repliesPerSec: number;
  /** How long after the last send the last expected reply arrived (or the drain limit). */
  drainMs: number;
  /** The POSTs to the emulator themselves (202 once the webhook delivery is queued). */
  post: Omit<LoadResult, 'latency'> & { latency: LatencySummary };
}

interface Pending {
  scheduled: number;
}

interface Stream {
  close(): void;
}

/**
 * Opens the emulator's live stream (server-sent events) for one resident and
 * calls `onOaMessage` with the arrival time of every message the OA sends them.
 * Resolves once the initial snapshot arrived, so nothing after it is missed.
 */
function openResidentStream(
  agent: http.Agent,
  api: URL,
  userId: string,
  onOaMessage: (at: number) => void,
): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        agent,
        host: api.hostname,
        port: api.port,
        path: `${api.pathname}/users/${encodeURIComponent(userId)}/stream`,
        headers: { accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`stream for ${userId} answered HTTP ${res.statusCode}`));
        }
        res.setEncoding('utf8');
        let buffer = '';
        let ready = false;
        res.on('data', (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let event = 'message';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (event === 'snapshot' && !ready) {
              ready = true;
              resolve({ close: () => req.destroy() });
            } else if (event === 'message' && data) {
              const entry = JSON.parse(data) as { direction?: string };
              if (entry.direction === 'oa') onOaMessage(at);
            }
          }
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', (err) => {
      reject(err);
    });
  });
}

/**
 * Makes `users` residents send texts through the emulator's control API at a
 * fixed rate (open loop), and times each one until the emulator records and
 * streams the bot's reply to that resident. Replies are matched per resident
 * by count, in order; the run waits up to `drainMs` for late replies.
 */
export async function driveResidents(opts: {
  /** The emulator control API root, e.g. `http://127.0.0.1:3000/emulator/api`. */
  api: string;
  users: string[];
  ratePerSec: number;
  durationMs: number;
  drainMs: number;
  text: string;
}): Promise<ResidentRunResult> {
  const api = new URL(opts.api);
  const pending = new Map<string, Pending[]>(opts.users.map((u) => [u, []]));
  const latencies: number[] = [];
  let unexpected = 0;
  let lastReplyAt = 0;
  const streamAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const streams: Stream[] = [];
  try {
    for (let i = 0; i < opts.users.length; i += 100) {
      const batch = opts.users.slice(i, i + 100).map((userId) =>
        openResidentStream(streamAgent, api, userId, (at) => {
          const next = pending.get(userId)?.shift();
          if (!next) return void unexpected++;
          latencies.push(at - next.scheduled);
          lastReplyAt = at;
        }),
      );
      streams.push(...(await Promise.all(batch)));
    }
    const entries: Pending[] = [];
    const userOf = (i: number) => opts.users[i % opts.users.length]!;
    const body = JSON.stringify({ text: opts.text });
    const post = await openLoop({
      origin: api.origin,
      ratePerSec: opts.ratePerSec,
      durationMs: opts.durationMs,
      maxSockets: 128,
      next: (i) => ({
        method: 'POST',
        path: `${api.pathname}/users/${encodeURIComponent(userOf(i))}/messages`,
        headers: { 'content-type': 'application/json' },
        body,
      }),
      onStart: (i, scheduled) => {
        const entry = { scheduled };
        entries[i] = entry;
        pending.get(userOf(i))!.push(entry);
      },
      onDone: (i, outcome) => {
        // 2xx: queued. No answer (status 0): unknown, the emulator may have queued it, so a
        // reply is still expected. Only a definite refusal means no reply will come.
        if (outcome.status === 0 || (outcome.status >= 200 && outcome.status < 300)) return;
        const queue = pending.get(userOf(i))!;
        const at = queue.indexOf(entries[i]!);
        if (at >= 0) queue.splice(at, 1);
      },
    });
    const sendEnd = performance.now();
    const outstanding = () => [...pending.values()].reduce((n, q) => n + q.length, 0);
    while (outstanding() > 0 && performance.now() - sendEnd < opts.drainMs) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const cutoff = performance.now();
    const missing = outstanding();
    const waits = [...pending.values()].flatMap((q) => q.map((e) => cutoff - e.scheduled));
    const firstSend = entries[0]?.scheduled ?? sendEnd;
    return {
      users: opts.users.length,
      ratePerSec: opts.ratePerSec,
      durationMs: opts.durationMs,
      expected: post.ok + post.errors,
      received: latencies.length,
      missing,
      unexpected,
      latency: summarize(latencies),
      latencyAll: { ...summarize([...latencies, ...waits]), lowerBound: missing > 0 },
      repliesPerSec: round((latencies.length * 1000) / Math.max(1, (lastReplyAt || cutoff) - firstSend), 1),
      drainMs: round(missing > 0 ? opts.drainMs : Math.max(0, lastReplyAt - sendEnd), 1),
      post,
    };
  } finally {
    for (const s of streams) s.close();
    streamAgent.destroy();
  }
}
