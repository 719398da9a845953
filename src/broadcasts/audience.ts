import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { CONSULTATION_WINDOW_MS } from '../zalo/policy.js';
import { REFUSAL_REASONS } from './contract.js';
import { rowsOf } from './sql-rows.js';
import type { Audience, AudiencePreview, RefusalReason } from './types.js';

/** Residents of the OA the audience names, as a condition on `conversations c`. */
export function audienceCondition(oaId: string, audience: Audience, now: Date): SQL {
  const base = sql`c.oa_id = ${oaId}`;
  switch (audience.kind) {
    case 'all':
      return base;
    case 'tags': {
      if (audience.tags.length === 0) return sql`false`;
      const tags = sql.join(
        audience.tags.map((t) => sql`${t}`),
        sql`, `,
      );
      return sql`${base} and exists (select 1 from follower_tags t
        where t.oa_id = c.oa_id and t.user_id = c.user_id and t.tag in (${tags}))`;
    }
    case 'procedure': {
      const since = new Date(now.getTime() - audience.sinceDays * 86_400_000).toISOString();
      return sql`${base} and exists (select 1 from procedure_interest p
        where p.oa_id = c.oa_id and p.user_id = c.user_id and p.procedure_code = ${audience.code}
          and p.last_asked_at >= ${since}::timestamptz)`;
    }
  }
}

/**
 * Why a resident would not get a broadcast now, or NULL when they would: opted out first, then
 * not a follower, then outside Zalo's 7-day window (the same order as the send policy).
 */
export function refusalOf(now: Date): SQL {
  const windowStart = new Date(now.getTime() - CONSULTATION_WINDOW_MS).toISOString();
  return sql`case
    when c.opted_out_at is not null then 'opted_out'
    when c.following is not true then 'unfollowed'
    when c.last_interaction_at is null or c.last_interaction_at < ${windowStart}::timestamptz then 'window_closed'
  end`;
}

/** Counts the audience and who would be refused, without writing anything. */
export async function previewAudience(
  db: Database,
  oaId: string,
  audience: Audience,
  now: Date,
): Promise<AudiencePreview> {
  const result = await db.execute(sql`
    select ${refusalOf(now)} as reason, count(*)::int as n
    from conversations c
    where ${audienceCondition(oaId, audience, now)}
    group by 1`);
  const refused = Object.fromEntries(REFUSAL_REASONS.map((r) => [r, 0])) as Record<RefusalReason, number>;
  let total = 0;
  let deliverable = 0;
  for (const row of rowsOf<{ reason: RefusalReason | null; n: number | string }>(result)) {
    const n = Number(row.n);
    total += n;
    if (row.reason === null) deliverable += n;
    else refused[row.reason] = n;
  }
  return { total, deliverable, refused };
}

/**
 * Fixes the recipients of a broadcast: one row per resident in the audience, queued or refused
 * with the reason. Safe to run twice (existing rows are kept as they are).
 */
export async function fixRecipients(
  db: Pick<Database, 'execute'>,
  broadcastId: number,
  oaId: string,
  audience: Audience,
  now: Date,
): Promise<void> {
  await db.execute(sql`
    insert into broadcast_recipients (broadcast_id, user_id, status, reason)
    select ${broadcastId}, a.user_id, case when a.reason is null then 'queued' else 'refused' end, a.reason
    from (
      select c.user_id, ${refusalOf(now)} as reason
      from conversations c
      where ${audienceCondition(oaId, audience, now)}
    ) a
    on conflict do nothing`);
}
