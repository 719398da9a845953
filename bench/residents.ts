import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { openChatStream, type ChatStream } from './chat-stream.js';
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
  const streams: ChatStream[] = [];
  try {
    for (let i = 0; i < opts.users.length; i += 100) {
      const batch = opts.users.slice(i, i + 100).map((userId) =>
        openChatStream(streamAgent, api, userId, (_message, at) => {
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
