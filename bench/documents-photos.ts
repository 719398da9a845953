import { createHash } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { openLoop, type LoadResult } from './load.js';
import { jpegPhoto, photoBytes, type PhotoShape } from './documents-photo.js';
import { openChatStreams } from './chat-stream.js';
import { round, summarize, type LatencySummary } from './stats.js';

/** Which answer acknowledges a photo: the intake's "Đã nhận N ảnh…" or the plain "đã nhận được tin…". */
export type PhotoAck = 'intake' | 'plain';

const ACK: Record<PhotoAck, RegExp> = {
  intake: /^Đã nhận \d+ ảnh/,
  plain: /đã nhận được tin/,
};
const REFUSED = /^Em chưa nhận được tệp này: (.*)$/s;

/** A timed run of residents sending photos. */
export interface PhotoRunOptions {
  /** The emulator control API root, e.g. `http://127.0.0.1:3000/emulator/api`. */
  api: string;
  users: string[];
  ratePerSec: number;
  durationMs: number;
  drainMs: number;
  ack: PhotoAck;
  shape: PhotoShape;
  /** Index of the run's first photo (sizes follow the index, so runs do not repeat each other). */
  firstPhoto: number;
}

/** What a photo run measured, from the residents' side. Latencies are in ms. */
export interface PhotoRunResult {
  users: number;
  ratePerSec: number;
  durationMs: number;
  /** Photos posted, and those the emulator accepted (2xx; an unanswered post still counts as expected). */
  sent: number;
  expected: number;
  /** Photos acknowledged by the bot, and those still waiting at the drain cutoff. */
  acked: number;
  missing: number;
  /** Bytes and mean size of the photos posted. */
  bytesSent: number;
  meanPhotoBytes: number;
  /** From the scheduled post of a photo to the acknowledgement arriving on the resident's stream. */
  latency: LatencySummary;
  /** The same with each missing photo counted as its wait at the cutoff (a lower bound when `missing` > 0). */
  latencyAll: LatencySummary & { lowerBound: boolean };
  /** Acknowledged photos (and their megabytes, 10^6 bytes) per second, from the first post to the last ack. */
  photosPerSec: number;
  mbPerSec: number;
  /** The slowest acknowledgement (or wait at the cutoff) of the photos scheduled in each second of the run (ms). */
  worstBySecond: number[];
  /** Most photos posted but not yet acknowledged at one time. */
  peakOutstanding: number;
  /** Messages the bot sent per acknowledged photo. */
  messagesPerPhoto: number;
  /** Refusals the bot sent ("Em chưa nhận được tệp này: <reason>"), by reason. */
  refusals: Record<string, number>;
  /** After the drain: how long after the last post the last acknowledgement came (or the drain limit). */
  drainMs: number;
  /** SHA-256 of every photo the emulator accepted (2xx), to check the store against. */
  acceptedSha256: string[];
  /** The uploads to the emulator themselves (202 once the webhook delivery is queued). */
  post: Omit<LoadResult, 'latency'> & { latency: LatencySummary };
}

interface Pending {
  scheduled: number;
  bytes: number;
}

/**
 * Makes residents post photos (base64 JSON, as the emulator's chat page does) at a fixed
 * rate, round robin, open loop; each photo is timed until the bot's acknowledgement
 * reaches that resident's stream. Acknowledgements are matched per resident in order
 * (a resident's messages are handled one at a time, in order); the run waits up to
 * `drainMs` after the last post for late ones.
 */
export async function sendPhotos(opts: PhotoRunOptions): Promise<PhotoRunResult> {
  const api = new URL(opts.api);
  const ack = ACK[opts.ack];
  const pending = opts.users.map((): Pending[] => []);
  const latencies: number[] = [];
  const worstBySecond: number[] = [];
  let runStart = Number.POSITIVE_INFINITY;
  const noteWorst = (scheduled: number, ms: number) => {
    const second = Math.max(0, Math.floor((scheduled - runStart) / 1000));
    worstBySecond[second] = Math.max(worstBySecond[second] ?? 0, Math.round(ms));
  };
  const refusals: Record<string, number> = {};
  let messages = 0;
  let outstanding = 0;
  let peakOutstanding = 0;
  let ackedBytes = 0;
  let lastAckAt = 0;
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const streams = await openChatStreams(agent, api, opts.users, (u, m, at) => {
    messages++;
    const text = m.text ?? '';
    const refused = REFUSED.exec(text);
    if (refused) refusals[refused[1]!.trim()] = (refusals[refused[1]!.trim()] ?? 0) + 1;
    if (!ack.test(text)) return;
    const next = pending[u]!.shift();
    if (!next) return;
    outstanding--;
    latencies.push(at - next.scheduled);
    noteWorst(next.scheduled, at - next.scheduled);
    ackedBytes += next.bytes;
    lastAckAt = at;
  });
  try {
    const userOf = (i: number) => i % opts.users.length;
    const entries: Pending[] = [];
    const sha = new Map<number, string>();
    let bytesSent = 0;
    const accepted: string[] = [];
    const post = await openLoop({
      origin: api.origin,
      ratePerSec: opts.ratePerSec,
      durationMs: opts.durationMs,
      maxSockets: 256,
      timeoutMs: 30_000,
      next: (i) => {
        const photo = jpegPhoto(opts.shape, photoBytes(opts.shape, opts.firstPhoto + i));
        sha.set(i, createHash('sha256').update(photo).digest('hex'));
        entries[i] = { scheduled: 0, bytes: photo.length };
        bytesSent += photo.length;
        return {
          method: 'POST',
          path: `${api.pathname}/users/${encodeURIComponent(opts.users[userOf(i)]!)}/messages`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            attachment: { type: 'image', dataBase64: photo.toString('base64'), mime: 'image/jpeg' },
          }),
        };
      },
      onStart: (i, scheduled) => {
        runStart = Math.min(runStart, scheduled);
        entries[i]!.scheduled = scheduled;
        pending[userOf(i)]!.push(entries[i]!);
        peakOutstanding = Math.max(peakOutstanding, ++outstanding);
      },
      onDone: (i, outcome) => {
        const hash = sha.get(i)!;
        sha.delete(i);
        if (outcome.status >= 200 && outcome.status < 300) return void accepted.push(hash);
        // No answer: the emulator may still have taken it, so its acknowledgement is awaited.
        if (outcome.status === 0) return;
        const queue = pending[userOf(i)]!;
        const at = queue.indexOf(entries[i]!);
        if (at >= 0) {
          queue.splice(at, 1);
          outstanding--;
        }
      },
    });
    const sendEnd = performance.now();
    while (outstanding > 0 && performance.now() - sendEnd < opts.drainMs) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const cutoff = performance.now();
    const waits = pending.flatMap((q) => q.map((e) => cutoff - e.scheduled));
    for (const q of pending) for (const e of q) noteWorst(e.scheduled, cutoff - e.scheduled);
    const firstSend = entries[0]?.scheduled ?? sendEnd;
    const seconds = Math.max(1, (lastAckAt || cutoff) - firstSend) / 1000;
    return {
      users: opts.users.length,
      ratePerSec: opts.ratePerSec,
      durationMs: opts.durationMs,
      sent: post.sent,
      expected: post.ok + post.errors,
      acked: latencies.length,
      missing: outstanding,
      bytesSent,
      meanPhotoBytes: Math.round(bytesSent / Math.max(1, post.sent)),
      latency: summarize(latencies),
      latencyAll: { ...summarize([...latencies, ...waits]), lowerBound: outstanding > 0 },
      photosPerSec: round(latencies.length / seconds, 1),
      mbPerSec: round(ackedBytes / 1e6 / seconds, 2),
      worstBySecond: Array.from(worstBySecond, (v) => v ?? 0),
      peakOutstanding,
      messagesPerPhoto: round(messages / Math.max(1, latencies.length), 2),
      refusals,
      drainMs: round(outstanding > 0 ? opts.drainMs : Math.max(0, lastAckAt - sendEnd), 1),
      acceptedSha256: accepted,
      post,
    };
  } finally {
    for (const s of streams) s.close();
    agent.destroy();
  }
}
