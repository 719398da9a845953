import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { openChatStreams, type ChatStream } from './chat-stream.js';
import { keepAliveAgent, sendRequest } from './load.js';
import { round, summarize, type LatencySummary } from './stats.js';

/** What the residents chatting through a broadcast are told to do. */
export interface ChatOptions {
  /** The emulator control API root, e.g. `http://127.0.0.1:3000/emulator/api`. */
  api: string;
  users: string[];
  ratePerSec: number;
  text: string;
  /** OA messages starting with this are the broadcast, not a reply (counted apart). */
  broadcastPrefix: string;
}

/** Replies that arrived since the previous progress call (for the log while the run goes on). */
export interface ChatProgress {
  sent: number;
  replies: number;
  outstanding: number;
  latency: LatencySummary;
}

/**
 * Everything the chat measured, one entry per message in `scheduledAt` order. Times are
 * epoch ms (performance.timeOrigin + performance.now(), comparable with Date.now() on the main
 * thread), latencies ms from the scheduled send to the reply on the resident's stream.
 */
export interface ChatResult {
  ratePerSec: number;
  users: number;
  scheduledAt: Float64Array;
  /** NaN when the emulator refused the POST (no reply expected). */
  latency: Float64Array;
  /** 1 when the reply had not arrived by the drain cutoff (latency is then the wait so far). */
  missing: Uint8Array;
  post: { ok: number; non2xx: number; errors: number; firstError?: string };
  /** How late the generator started messages (ms), to show it kept up. */
  startLag: LatencySummary;
  /** OA messages beyond one per text, and broadcast messages these residents got (both should be 0). */
  unexpected: number;
  broadcastSeen: number;
  drainMs: number;
}

/** A running chat: residents send on schedule until stopped. */
export interface Chat {
  startedAt: number;
  progress(): ChatProgress;
  /** Stops sending, waits up to `drainMs` for outstanding replies, closes the streams. */
  stop(drainMs: number): Promise<ChatResult>;
}

const epoch = (t: number) => performance.timeOrigin + t;

/**
 * Residents sending `text` through the emulator at a fixed rate (open loop: message i is
 * sent at start + i / rate whatever happened to earlier ones), each timed until the bot's
 * reply arrives on that resident's stream. Replies are matched per resident, in order.
 */
export async function startChat(opts: ChatOptions): Promise<Chat> {
  const api = new URL(opts.api);
  const streamAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const postAgent = keepAliveAgent(128);
  const scheduled: number[] = [];
  const latency: number[] = [];
  const lags: number[] = [];
  const pending = opts.users.map((): number[] => []);
  const post = { ok: 0, non2xx: 0, errors: 0, firstError: undefined as string | undefined };
  let unexpected = 0;
  let broadcastSeen = 0;
  let outstanding = 0;
  let recent: number[] = [];
  let sentAtProgress = 0;
  const streams: ChatStream[] = await openChatStreams(streamAgent, api, opts.users, (u, message, at) => {
    if (message.text?.startsWith(opts.broadcastPrefix)) return void broadcastSeen++;
    const i = pending[u]!.shift();
    if (i === undefined) return void unexpected++;
    latency[i] = at - scheduled[i]!;
    recent.push(latency[i]);
    outstanding--;
  });

  const body = JSON.stringify({ text: opts.text });
  const interval = 1000 / opts.ratePerSec;
  const start = performance.now();
  let next = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const send = (i: number, at: number) => {
    const u = i % opts.users.length;
    scheduled[i] = at;
    latency[i] = Number.NaN;
    pending[u]!.push(i);
    outstanding++;
    const path = `${api.pathname}/users/${encodeURIComponent(opts.users[u]!)}/messages`;
    void sendRequest(
      postAgent,
      api,
      { method: 'POST', path, headers: { 'content-type': 'application/json' }, body },
      10_000,
    ).then((outcome) => {
      if (outcome.status === 0) {
        // No answer: the emulator may still have queued it, so a reply is still expected.
        post.errors++;
        post.firstError ??= outcome.error;
      } else if (outcome.status >= 200 && outcome.status < 300) post.ok++;
      else {
        post.non2xx++;
        const at = pending[u]!.indexOf(i);
        if (at >= 0) {
          pending[u]!.splice(at, 1);
          outstanding--;
        }
      }
    });
  };
  const tick = () => {
    if (stopped) return;
    const now = performance.now();
    while (start + next * interval <= now) {
      const at = start + next * interval;
      lags.push(now - at);
      send(next++, at);
    }
    timer = setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
  };
  tick();

  return {
    startedAt: epoch(start),
    progress() {
      const out = {
        sent: next - sentAtProgress,
        replies: recent.length,
        outstanding,
        latency: summarize(recent),
      };
      recent = [];
      sentAtProgress = next;
      return out;
    },
    async stop(drainMs) {
      stopped = true;
      clearTimeout(timer);
      const sendEnd = performance.now();
      while (outstanding > 0 && performance.now() - sendEnd < drainMs) {
        await new Promise((r) => setTimeout(r, 25));
      }
      const cutoff = performance.now();
      for (const s of streams) s.close();
      streamAgent.destroy();
      postAgent.destroy();
      const missing = new Uint8Array(scheduled.length);
      for (const queue of pending) {
        for (const i of queue) {
          missing[i] = 1;
          latency[i] = cutoff - scheduled[i]!;
        }
      }
      const { firstError, ...counts } = post;
      return {
        ratePerSec: opts.ratePerSec,
        users: opts.users.length,
        scheduledAt: Float64Array.from(scheduled, epoch),
        latency: Float64Array.from(latency),
        missing,
        post: { ...counts, ...(firstError ? { firstError } : {}) },
        startLag: summarize(lags),
        unexpected,
        broadcastSeen,
        drainMs: round(cutoff - sendEnd, 0),
      };
    },
  };
}
