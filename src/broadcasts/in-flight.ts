import { sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { rowsOf } from './sql-rows.js';

/** Counts broadcast messages queued or being sent, across all broadcasts. */
export interface InFlightCounter {
  count(): Promise<number>;
}

/**
 * Builds a counter that remembers the oldest outbox id still in flight and looks only from there
 * on: new rows always get higher ids, so nothing in flight is missed, and the count never walks the
 * outbox's history (whose dead index entries pile up between vacuums).
 */
export function createInFlightCounter(db: Database): InFlightCounter {
  let from = 0;
  return {
    async count() {
      const result = await db.execute(sql`
        select count(*)::int as n, min(id)::text as oldest, (select max(id) from outbox)::text as newest
        from outbox
        where id >= ${from} and status in ('pending', 'sending') and lane = 'broadcast'`);
      const row = rowsOf<{ n: number | string; oldest: string | null; newest: string | null }>(result)[0];
      const next =
        row?.oldest != null ? Number(row.oldest) : row?.newest != null ? Number(row.newest) + 1 : from;
      from = Math.max(from, next);
      return Number(row?.n ?? 0);
    },
  };
}
