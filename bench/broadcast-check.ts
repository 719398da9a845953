import { sql } from 'drizzle-orm';
import { rowsOf } from '../src/broadcasts/sql-rows.js';
import type { Database } from '../src/db/connection.js';
import type { ChatResult } from './broadcast-chat.js';
import { percentile, round, summarize, type LatencySummary } from './stats.js';

/** The broadcast's sending rate from its outbox rows' sent_at, against the configured budget (per minute). */
export interface RateCheck {
  configuredPerMinute: number;
  sent: number;
  /** From the dispatcher starting the broadcast to the last send. */
  wholeRunPerMinute: number;
  /** The middle 90% of sends (the first and last 5% left out): the rate once it settled. */
  steadyPerMinute: number;
  /** Sends in each whole minute from the first send (the last, partial minute left out). */
  perMinute: { min: number; max: number; counts: number[] };
  /** Seconds from the broadcast start to its first and its last send. */
  firstSendSeconds: number;
  lastSendSeconds: number;
  /** Measured over configured, for the steady state and the whole run. */
  steadyRatio: number;
  wholeRunRatio: number;
}

/** Rates from the epoch-ms send times (any order) of a broadcast started at `startedAt`. */
export function rateCheck(sentAt: number[], startedAt: number, configuredPerMinute: number): RateCheck {
  const t = Float64Array.from(sentAt).sort();
  const n = t.length;
  const first = n > 0 ? t[0]! : startedAt;
  const last = n > 0 ? t[n - 1]! : startedAt;
  const perMin = (count: number, ms: number) => (ms > 0 ? round((count * 60_000) / ms, 1) : 0);
  const i0 = Math.floor(n * 0.05);
  const i1 = Math.max(i0, Math.ceil(n * 0.95) - 1);
  const counts: number[] = [];
  for (const v of t) {
    const m = Math.floor((v - first) / 60_000);
    counts[m] = (counts[m] ?? 0) + 1;
  }
  const whole = counts.slice(0, Math.max(0, counts.length - 1)).map((c) => c ?? 0);
  const wholeRunPerMinute = perMin(n, last - startedAt);
  const steadyPerMinute = n > 1 ? perMin(i1 - i0, t[i1]! - t[i0]!) : 0;
  return {
    configuredPerMinute,
    sent: n,
    wholeRunPerMinute,
    steadyPerMinute,
    perMinute: {
      min: whole.length ? Math.min(...whole) : 0,
      max: whole.length ? Math.max(...whole) : 0,
      counts: whole,
    },
    firstSendSeconds: round((first - startedAt) / 1000, 1),
    lastSendSeconds: round((last - startedAt) / 1000, 1),
    steadyRatio: round(steadyPerMinute / configuredPerMinute, 3),
    wholeRunRatio: round(wholeRunPerMinute / configuredPerMinute, 3),
  };
}

/** Send times (epoch ms) of a broadcast's outbox rows that were sent, and each row's wait from dispatch (ms). */
export async function broadcastSendTimes(
  db: Database,
  broadcastId: number,
): Promise<{ sentAt: number[]; waitMs: number[] }> {
  const rows = rowsOf<{ t: number | string; w: number | string }>(
    await db.execute(sql`
      select (extract(epoch from sent_at) * 1000)::float8 as t,
        (extract(epoch from sent_at - created_at) * 1000)::float8 as w
      from outbox
      where cause = ${`broadcast:${broadcastId}`} and sent_at is not null`),
  );
  return { sentAt: rows.map((r) => Number(r.t)), waitMs: rows.map((r) => Number(r.w)) };
}

/** Whether every recipient got the broadcast exactly once: motcua's outbox and what the emulator delivered. */
export interface DeliveryCheck {
  /** broadcast_recipients rows not refused (the audience), and those refused by reason. */
  recipients: number;
  refused: Record<string, number>;
  /** Recipients with exactly one outbox row, and it sent; with none or one not sent; with more than one. */
  sentOnce: number;
  lost: number;
  duplicated: number;
  outboxByStatus: Record<string, number>;
  /** The seeded audience as the emulator saw it: OA messages per resident. */
  emulator: { audience: number; deliveredOnce: number; notDelivered: number; duplicated: number };
}

/** Counts outbox rows per recipient (status, reason) for one broadcast. */
export async function outboxCheck(
  db: Database,
  broadcastId: number,
): Promise<Omit<DeliveryCheck, 'emulator'>> {
  const cause = `broadcast:${broadcastId}`;
  const per = rowsOf<{ status: string; reason: string | null; rows: number; sent: number; n: number }>(
    await db.execute(sql`
      with o as (
        select user_id, count(*)::int as rows, count(*) filter (where status = 'sent')::int as sent
        from outbox where cause = ${cause} group by user_id
      )
      select r.status, r.reason, coalesce(o.rows, 0) as rows, coalesce(o.sent, 0) as sent, count(*)::int as n
      from broadcast_recipients r left join o on o.user_id = r.user_id
      where r.broadcast_id = ${broadcastId}
      group by 1, 2, 3, 4`),
  );
  const out = { recipients: 0, refused: {} as Record<string, number>, sentOnce: 0, lost: 0, duplicated: 0 };
  for (const p of per) {
    const n = Number(p.n);
    if (p.status === 'refused') {
      out.refused[p.reason ?? '?'] = (out.refused[p.reason ?? '?'] ?? 0) + n;
      continue;
    }
    out.recipients += n;
    if (Number(p.rows) > 1) out.duplicated += n;
    else if (Number(p.rows) === 1 && Number(p.sent) === 1) out.sentOnce += n;
    else out.lost += n;
  }
  const byStatus = rowsOf<{ status: string; n: number }>(
    await db.execute(
      sql`select status, count(*)::int as n from outbox where cause = ${cause} group by status`,
    ),
  );
  return {
    ...out,
    outboxByStatus: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])),
  };
}

/** OA messages per audience resident, from the emulator's resident list (they never write, so all are the OA's). */
export async function emulatorCheck(api: string, audience: string[]): Promise<DeliveryCheck['emulator']> {
  const res = await fetch(`${api}/users`, { signal: AbortSignal.timeout(120_000) });
  if (!res.ok) throw new Error(`${api}/users answered HTTP ${res.status}`);
  const { users } = (await res.json()) as { users: Array<{ userId: string; messageCount: number }> };
  const count = new Map(users.map((u) => [u.userId, u.messageCount]));
  const out = { audience: audience.length, deliveredOnce: 0, notDelivered: 0, duplicated: 0 };
  for (const id of audience) {
    const n = count.get(id) ?? 0;
    if (n === 1) out.deliveredOnce++;
    else if (n === 0) out.notDelivered++;
    else out.duplicated++;
  }
  return out;
}

/** The residents' reply latency over one stretch of the run. */
export interface ChatWindow {
  /** Seconds from the chat's start. */
  from: number;
  to: number;
  messages: number;
  /** Replies still missing at the drain cutoff (their wait so far is in the latency: a lower bound). */
  missing: number;
  latency: LatencySummary;
}

/** Latency of the messages scheduled in [from, to) (epoch ms); refused POSTs left out. */
export function chatWindow(chat: ChatResult, from: number, to: number): ChatWindow {
  const picked: number[] = [];
  let missing = 0;
  for (let i = 0; i < chat.scheduledAt.length; i++) {
    const at = chat.scheduledAt[i]!;
    if (at < from || at >= to || Number.isNaN(chat.latency[i]!)) continue;
    picked.push(chat.latency[i]!);
    if (chat.missing[i]) missing++;
  }
  const start = chat.scheduledAt[0] ?? from;
  return {
    from: round((from - start) / 1000, 1),
    to: round((to - start) / 1000, 1),
    messages: picked.length,
    missing,
    latency: summarize(picked),
  };
}

/** p50 / p99 / max of the reply latency per `stepSeconds` of the chat, to show when it rose. */
export function chatTimeline(
  chat: ChatResult,
  stepSeconds: number,
): Array<{ t: number; n: number; p50: number; p99: number; max: number }> {
  const start = chat.scheduledAt[0];
  if (start === undefined) return [];
  const buckets: number[][] = [];
  for (let i = 0; i < chat.scheduledAt.length; i++) {
    const v = chat.latency[i]!;
    if (Number.isNaN(v)) continue;
    const b = Math.floor((chat.scheduledAt[i]! - start) / (stepSeconds * 1000));
    (buckets[b] ??= []).push(v);
  }
  return Array.from(buckets, (values, b) => {
    const sorted = Float64Array.from(values ?? []).sort();
    return {
      t: b * stepSeconds,
      n: sorted.length,
      p50: round(percentile(sorted, 50), 1),
      p99: round(percentile(sorted, 99), 1),
      max: round(sorted.length ? sorted[sorted.length - 1]! : 0, 1),
    };
  });
}

/**
 * How the dispatcher fed the broadcast, read back from the outbox: each dispatch writes its batch
 * in one statement, so rows sharing a created_at are one batch. Its token bucket holds at most five
 * seconds of rate, so only a gap over 5 s between batches forfeits budget (`forfeitedEstimate`).
 */
export interface DispatchBatches {
  batches: number;
  size: { mean: number; max: number };
  /** ms between consecutive batches. */
  gapMs: { p50: number; p90: number; p99: number; max: number };
  gapsOver1s: number;
  /** Sum over gaps of (gap − 1 s) × rate: messages the bucket could not bank. */
  forfeitedEstimate: number;
}

/** Batches of a broadcast's outbox rows by created_at. */
export async function dispatchBatches(
  db: Database,
  broadcastId: number,
  ratePerMinute: number,
): Promise<DispatchBatches> {
  const rows = rowsOf<{ t: number | string; n: number | string }>(
    await db.execute(sql`
      select (extract(epoch from created_at) * 1000)::float8 as t, count(*)::int as n from outbox
      where cause = ${`broadcast:${broadcastId}`} group by created_at order by created_at`),
  );
  const times = rows.map((r) => Number(r.t));
  const sizes = rows.map((r) => Number(r.n));
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const sorted = Float64Array.from(gaps).sort();
  let forfeited = 0;
  for (const g of gaps) if (g > 5000) forfeited += ((g - 5000) * ratePerMinute) / 60_000;
  return {
    batches: rows.length,
    size: {
      mean: round(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length), 1),
      max: sizes.reduce((a, b) => Math.max(a, b), 0),
    },
    gapMs: {
      p50: round(percentile(sorted, 50), 0),
      p90: round(percentile(sorted, 90), 0),
      p99: round(percentile(sorted, 99), 0),
      max: round(sorted.length ? sorted[sorted.length - 1]! : 0, 0),
    },
    gapsOver1s: gaps.filter((g) => g > 1000).length,
    forfeitedEstimate: Math.round(forfeited),
  };
}
