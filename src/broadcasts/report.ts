import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import type { BroadcastReport, RecipientLine } from './contract.js';
import { rowsOf } from './sql-rows.js';
import type { RecipientStatus } from './types.js';

const STATUSES: RecipientStatus[] = ['queued', 'sent', 'received', 'seen', 'refused', 'failed', 'cancelled'];

/** A recipient's status from their row and their outbox row (`r` and `o`). */
const statusOf: SQL = sql`case
  when r.status in ('queued', 'refused', 'cancelled') then r.status
  when o.status = 'cancelled' then 'cancelled'
  when o.seen_at is not null then 'seen'
  when o.received_at is not null then 'received'
  when o.status = 'sent' then 'sent'
  when o.status in ('refused', 'failed') then o.status
  else 'queued'
end`;

/** Counts by status and refusal reason, and sends, receipts and reads per minute. */
export async function broadcastReport(db: Database, id: number): Promise<BroadcastReport> {
  const counts = rowsOf<{ status: RecipientStatus; reason: string | null; n: number | string }>(
    await db.execute(sql`
      select ${statusOf} as status,
        case when ${statusOf} = 'refused' then coalesce(r.reason, o.reason) end as reason,
        count(*)::int as n
      from broadcast_recipients r left join outbox o on o.id = r.outbox_id
      where r.broadcast_id = ${id}
      group by 1, 2`),
  );
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<RecipientStatus, number>;
  const refusedBy: Record<string, number> = {};
  let recipients = 0;
  for (const c of counts) {
    const n = Number(c.n);
    recipients += n;
    byStatus[c.status] += n;
    if (c.status === 'refused')
      refusedBy[c.reason ?? 'unknown'] = (refusedBy[c.reason ?? 'unknown'] ?? 0) + n;
  }
  const minutes = rowsOf<{ at: string | Date; sent: number; received: number; seen: number }>(
    await db.execute(sql`
      with marks as (
        select date_trunc('minute', o.sent_at) as at, 1 as sent, 0 as received, 0 as seen
          from broadcast_recipients r join outbox o on o.id = r.outbox_id
          where r.broadcast_id = ${id} and o.sent_at is not null
        union all
        select date_trunc('minute', o.received_at), 0, 1, 0
          from broadcast_recipients r join outbox o on o.id = r.outbox_id
          where r.broadcast_id = ${id} and o.received_at is not null
        union all
        select date_trunc('minute', o.seen_at), 0, 0, 1
          from broadcast_recipients r join outbox o on o.id = r.outbox_id
          where r.broadcast_id = ${id} and o.seen_at is not null
      )
      select at, sum(sent)::int as sent, sum(received)::int as received, sum(seen)::int as seen
      from marks group by at order by at`),
  );
  return {
    recipients,
    byStatus,
    refusedBy,
    timeline: minutes.map((m) => ({
      at: new Date(m.at),
      sent: Number(m.sent),
      received: Number(m.received),
      seen: Number(m.seen),
    })),
  };
}

/** Every recipient with their status, a page at a time (keyset on user id), for exports. */
export async function* recipientLines(
  db: Database,
  id: number,
  pageSize = 2000,
): AsyncIterable<RecipientLine> {
  let after = '';
  for (;;) {
    const page = rowsOf<{
      user_id: string;
      status: RecipientStatus;
      reason: string | null;
      sent_at: string | Date | null;
      received_at: string | Date | null;
      seen_at: string | Date | null;
    }>(
      await db.execute(sql`
        select r.user_id, ${statusOf} as status,
          case when ${statusOf} in ('refused', 'failed') then coalesce(r.reason, o.reason) end as reason,
          o.sent_at, o.received_at, o.seen_at
        from broadcast_recipients r left join outbox o on o.id = r.outbox_id
        where r.broadcast_id = ${id} and r.user_id > ${after}
        order by r.user_id
        limit ${pageSize}`),
    );
    for (const row of page) {
      yield {
        userId: row.user_id,
        status: row.status,
        reason: row.reason,
        sentAt: dateOrNull(row.sent_at),
        receivedAt: dateOrNull(row.received_at),
        seenAt: dateOrNull(row.seen_at),
      };
    }
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.user_id;
  }
}

function dateOrNull(v: string | Date | null): Date | null {
  return v === null ? null : new Date(v);
}
