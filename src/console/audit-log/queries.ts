import { and, asc, desc, eq, ilike, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/connection.js';
import { auditLog } from '../../db/schema.js';
import type { AuditFilter } from './filter.js';

/** Anything that can run a select: the database or an open transaction. */
export type Reader = Pick<Database, 'select' | 'selectDistinct'>;

/** One audit row as the page and the export see it. */
export type AuditRow = typeof auditLog.$inferSelect;

/** Escapes `%`, `_` and `\` so typed text matches literally in LIKE. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The instant local midnight starts on `day` (`YYYY-MM-DD`, plus `days`) in `timezone`. */
const localMidnight = (day: string, days: number, timezone: string): SQL =>
  sql`((${day}::date + ${days}::int)::timestamp at time zone ${timezone})`;

/** The WHERE clause of a filter; `timezone` reads the date range on the local calendar. */
export function auditWhere(filter: AuditFilter, timezone: string): SQL | undefined {
  return and(
    filter.actor ? ilike(auditLog.actor, `%${literal(filter.actor)}%`) : undefined,
    filter.action ? ilike(auditLog.action, `${literal(filter.action)}%`) : undefined,
    filter.subjectKind ? eq(auditLog.subjectKind, filter.subjectKind) : undefined,
    filter.subjectId ? eq(auditLog.subjectId, filter.subjectId) : undefined,
    filter.from ? sql`${auditLog.at} >= ${localMidnight(filter.from, 0, timezone)}` : undefined,
    filter.to ? sql`${auditLog.at} < ${localMidnight(filter.to, 1, timezone)}` : undefined,
  );
}

/** One page of matching rows, newest first, and how many match in all. */
export async function auditPage(
  db: Reader,
  filter: AuditFilter,
  o: { page: number; pageSize: number; timezone: string },
): Promise<{ rows: AuditRow[]; total: number }> {
  const where = auditWhere(filter, o.timezone);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(where);
  const rows = await db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(o.pageSize)
    .offset((o.page - 1) * o.pageSize);
  return { rows, total: Number(count?.n ?? 0) };
}

/**
 * Every matching row, newest first, read in batches (keyset on time and id, so rows written
 * meanwhile neither repeat nor shift the export), at most `max`.
 */
export async function* auditRowsForExport(
  db: Reader,
  filter: AuditFilter,
  o: { timezone: string; max: number; batch?: number },
): AsyncGenerator<AuditRow> {
  const where = auditWhere(filter, o.timezone);
  const batch = o.batch ?? 500;
  let last: AuditRow | undefined;
  let sent = 0;
  while (sent < o.max) {
    // Compares with the stored time of the last row (microseconds), not its JavaScript Date.
    const after = last
      ? sql`(${auditLog.at}, ${auditLog.id}) < ((select a.at from ${auditLog} a where a.id = ${last.id}), ${last.id})`
      : undefined;
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(where, after))
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(Math.min(batch, o.max - sent));
    for (const row of rows) yield row;
    sent += rows.length;
    last = rows[rows.length - 1];
    if (rows.length < batch) return;
  }
}

/** The subject kinds present in the log, for the filter's list. */
export async function auditSubjectKinds(db: Reader): Promise<string[]> {
  const rows = await db
    .selectDistinct({ kind: auditLog.subjectKind })
    .from(auditLog)
    .where(isNotNull(auditLog.subjectKind))
    .orderBy(asc(auditLog.subjectKind))
    .limit(200);
  return rows.flatMap((r) => (r.kind ? [r.kind] : []));
}

/** Records that `actor` exported the rows matching `filter`. */
export async function recordAuditExport(
  db: Pick<Database, 'insert'>,
  actor: string,
  filter: AuditFilter,
): Promise<void> {
  await db.insert(auditLog).values({
    actor,
    action: 'audit.export',
    subjectKind: 'audit_log',
    subjectId: null,
    details: { format: 'csv', filter },
  });
}
