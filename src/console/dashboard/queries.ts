import {
  and,
  asc,
  desc,
  eq,
  inArray,
  isNotNull,
  isNull,
  or,
  sql,
  type SQL,
  type SQLWrapper,
} from 'drizzle-orm';
import type { Database } from '../../db/connection.js';
import { dossierEvents, dossiers, ratings, tickets } from '../../db/schema.js';
import { addMonths, type LocalMonth } from './months.js';

/*
 * The dashboard's figures, aggregated in SQL (the same statements run on PGlite and PostgreSQL).
 * Months and weeks are read on the commune's wall calendar (`timezone`); a week starts on Monday.
 */

/** Anything that can run a select: the database or an open transaction. */
export type Reader = Pick<Database, 'select'>;

/** Whose figures, over which months (both included, on the local calendar). */
export interface DashboardScope {
  oaIds: readonly string[];
  /** IANA time zone of the commune, e.g. `Asia/Ho_Chi_Minh`. */
  timezone: string;
  from: LocalMonth;
  to: LocalMonth;
}

/** How many dossiers are at one status. */
export interface StatusCount {
  status: number;
  count: number;
}

/** Finished dossiers of one month (or one procedure) and how many finished on time. */
export interface OnTimeCount {
  finished: number;
  onTime: number;
  /** Per cent on time, one decimal. */
  rate: number;
}

/** {@link OnTimeCount} for the month the dossiers finished in. */
export interface MonthOnTime extends OnTimeCount {
  month: LocalMonth;
}

/** {@link OnTimeCount} for one procedure over the whole period. */
export interface ProcedureOnTime extends OnTimeCount {
  procedureCode: string;
}

/** Handoff times of the tickets opened in one week, in minutes (one decimal; null when none). */
export interface HandoffWeek {
  /** The Monday the week starts on, `YYYY-MM-DD`. */
  week: string;
  tickets: number;
  /** Tickets an officer claimed, and the wait from opening to claim. */
  claimed: number;
  waitMedian: number | null;
  waitP90: number | null;
  /** Tickets resolved after a claim, and the time from claim to resolve. */
  resolved: number;
  handleMedian: number | null;
  handleP90: number | null;
}

/** Ratings given in one month and their average (two decimals). */
export interface RatingMonth {
  month: LocalMonth;
  count: number;
  average: number;
}

/** Status codes that end a dossier's handling: refused, stopped, processed, returned. */
export const END_STATUSES = [3, 8, 9, 10] as const;

/** The instant local midnight starts on `day` (`YYYY-MM-DD`) in `timezone`. */
const localMidnight = (day: string, timezone: string): SQL =>
  sql`(${day}::date::timestamp at time zone ${timezone})`;

/** The period's first instant and the first instant after it. */
function bounds(scope: DashboardScope): { start: SQL; end: SQL } {
  return {
    start: localMidnight(`${scope.from}-01`, scope.timezone),
    end: localMidnight(`${addMonths(scope.to, 1)}-01`, scope.timezone),
  };
}

/** `value` falls in the period. */
function within(value: SQLWrapper, scope: DashboardScope): SQL {
  const { start, end } = bounds(scope);
  return sql`(${value} >= ${start} and ${value} < ${end})`;
}

const oaList = (scope: DashboardScope) => [...scope.oaIds];

/**
 * Current dossiers by status: every submitted dossier still open, and those closed (refused,
 * stopped, returned) since the period began.
 */
export async function dossiersByStatus(db: Reader, scope: DashboardScope): Promise<StatusCount[]> {
  if (scope.oaIds.length === 0) return [];
  const { start } = bounds(scope);
  const rows = await db
    .select({ status: dossiers.status, count: sql<number>`count(*)::int` })
    .from(dossiers)
    .where(
      and(
        inArray(dossiers.oaId, oaList(scope)),
        isNotNull(dossiers.status),
        or(isNull(dossiers.closedAt), sql`${dossiers.closedAt} >= ${start}`),
      ),
    )
    .groupBy(dossiers.status)
    .orderBy(dossiers.status);
  return rows.map((r) => ({ status: Number(r.status), count: Number(r.count) }));
}

/**
 * Dossiers with an appointment date that finished in the period: the end is the first event
 * moving the dossier to 3, 8, 9 or 10, and it is on time when its local date is on or before the
 * appointment date.
 */
function finishedDossiers(db: Reader, scope: DashboardScope) {
  const ends = db
    .select({
      dossierId: dossierEvents.dossierId,
      endedAt: sql<Date>`min(${dossierEvents.at})`.as('ended_at'),
    })
    .from(dossierEvents)
    .where(inArray(dossierEvents.toStatus, [...END_STATUSES]))
    .groupBy(dossierEvents.dossierId)
    .as('ends');
  const tz = scope.timezone;
  return db
    .select({
      procedureCode: dossiers.procedureCode,
      month: sql<string>`to_char(${ends.endedAt} at time zone ${tz}, 'YYYY-MM')`.as('month'),
      onTime:
        sql<boolean>`(to_char(${ends.endedAt} at time zone ${tz}, 'YYYY-MM-DD') <= ${dossiers.appointmentDate})`.as(
          'on_time',
        ),
    })
    .from(dossiers)
    .innerJoin(ends, eq(ends.dossierId, dossiers.id))
    .where(
      and(
        inArray(dossiers.oaId, oaList(scope)),
        isNotNull(dossiers.appointmentDate),
        within(ends.endedAt, scope),
      ),
    )
    .as('finished');
}

/** The aggregate columns of an on-time count over `onTime`. */
function onTimeColumns(onTime: SQL.Aliased<boolean>) {
  return {
    finished: sql<number>`count(*)::int`,
    onTime: sql<number>`(count(*) filter (where ${onTime}))::int`,
    rate: sql<number>`round(100.0 * count(*) filter (where ${onTime}) / count(*), 1)::float8`,
  };
}

const toCount = (r: { finished: number; onTime: number; rate: number }): OnTimeCount => ({
  finished: Number(r.finished),
  onTime: Number(r.onTime),
  rate: Number(r.rate),
});

/** On-time rate per month the dossiers finished in (months without finished dossiers are left out). */
export async function onTimeByMonth(db: Reader, scope: DashboardScope): Promise<MonthOnTime[]> {
  if (scope.oaIds.length === 0) return [];
  const f = finishedDossiers(db, scope);
  const rows = await db
    .select({ month: f.month, ...onTimeColumns(f.onTime) })
    .from(f)
    .groupBy(f.month)
    .orderBy(asc(f.month));
  return rows.map((r) => ({ month: r.month, ...toCount(r) }));
}

/** On-time rate of the `limit` procedures with the most finished dossiers in the period. */
export async function onTimeByProcedure(
  db: Reader,
  scope: DashboardScope,
  limit = 10,
): Promise<ProcedureOnTime[]> {
  if (scope.oaIds.length === 0) return [];
  const f = finishedDossiers(db, scope);
  const rows = await db
    .select({ procedureCode: f.procedureCode, ...onTimeColumns(f.onTime) })
    .from(f)
    .groupBy(f.procedureCode)
    .orderBy(desc(sql`count(*)`), asc(f.procedureCode))
    .limit(limit);
  return rows.map((r) => ({ procedureCode: r.procedureCode, ...toCount(r) }));
}

/** The `p` percentile (continuous) of `value`, rounded to one decimal. */
const percentile = (p: 0.5 | 0.9, value: SQL.Aliased<number | null>) =>
  sql<
    number | null
  >`round((percentile_cont(${sql.raw(String(p))}) within group (order by ${value}))::numeric, 1)::float8`;

/**
 * Handoff times per week the ticket was opened in: waiting (opened → claimed) and handling
 * (claimed → resolved), median and 90th percentile in minutes.
 */
export async function handoffTimesByWeek(db: Reader, scope: DashboardScope): Promise<HandoffWeek[]> {
  if (scope.oaIds.length === 0) return [];
  const tz = scope.timezone;
  const t = db
    .select({
      week: sql<string>`to_char(date_trunc('week', ${tickets.createdAt} at time zone ${tz}), 'YYYY-MM-DD')`.as(
        'week',
      ),
      waited: sql<
        number | null
      >`(extract(epoch from (${tickets.claimedAt} - ${tickets.createdAt})) / 60)::float8`.as('waited'),
      handled: sql<
        number | null
      >`(extract(epoch from (${tickets.resolvedAt} - ${tickets.claimedAt})) / 60)::float8`.as('handled'),
    })
    .from(tickets)
    .where(and(inArray(tickets.oaId, oaList(scope)), within(tickets.createdAt, scope)))
    .as('t');
  const rows = await db
    .select({
      week: t.week,
      tickets: sql<number>`count(*)::int`,
      claimed: sql<number>`count(${t.waited})::int`,
      waitMedian: percentile(0.5, t.waited),
      waitP90: percentile(0.9, t.waited),
      resolved: sql<number>`count(${t.handled})::int`,
      handleMedian: percentile(0.5, t.handled),
      handleP90: percentile(0.9, t.handled),
    })
    .from(t)
    .groupBy(t.week)
    .orderBy(asc(t.week));
  const num = (v: number | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    week: r.week,
    tickets: Number(r.tickets),
    claimed: Number(r.claimed),
    waitMedian: num(r.waitMedian),
    waitP90: num(r.waitP90),
    resolved: Number(r.resolved),
    handleMedian: num(r.handleMedian),
    handleP90: num(r.handleP90),
  }));
}

/** How many ratings of each score (index 0 = 1 star … 4 = 5 stars) were given in the period. */
export async function ratingDistribution(db: Reader, scope: DashboardScope): Promise<number[]> {
  const counts = [0, 0, 0, 0, 0];
  if (scope.oaIds.length === 0) return counts;
  const rows = await db
    .select({ score: ratings.score, count: sql<number>`count(*)::int` })
    .from(ratings)
    .where(and(inArray(ratings.oaId, oaList(scope)), within(ratings.createdAt, scope)))
    .groupBy(ratings.score);
  for (const r of rows) if (r.score >= 1 && r.score <= 5) counts[r.score - 1] = Number(r.count);
  return counts;
}

/** Ratings (dossiers and chats) per month given, with their average. */
export async function ratingAverageByMonth(db: Reader, scope: DashboardScope): Promise<RatingMonth[]> {
  if (scope.oaIds.length === 0) return [];
  const r = db
    .select({
      month: sql<string>`to_char(${ratings.createdAt} at time zone ${scope.timezone}, 'YYYY-MM')`.as('month'),
      score: ratings.score,
    })
    .from(ratings)
    .where(and(inArray(ratings.oaId, oaList(scope)), within(ratings.createdAt, scope)))
    .as('r');
  const rows = await db
    .select({
      month: r.month,
      count: sql<number>`count(*)::int`,
      average: sql<number>`round(avg(${r.score})::numeric, 2)::float8`,
    })
    .from(r)
    .groupBy(r.month)
    .orderBy(asc(r.month));
  return rows.map((x) => ({ month: x.month, count: Number(x.count), average: Number(x.average) }));
}

/** Everything the dashboard shows, for one scope. */
export interface DashboardFigures {
  statuses: StatusCount[];
  onTimeMonths: MonthOnTime[];
  onTimeProcedures: ProcedureOnTime[];
  handoffWeeks: HandoffWeek[];
  ratingCounts: number[];
  ratingMonths: RatingMonth[];
}

/** Runs every dashboard query for `scope`. */
export async function dashboardFigures(db: Reader, scope: DashboardScope): Promise<DashboardFigures> {
  const [statuses, onTimeMonths, onTimeProcedures, handoffWeeks, ratingCounts, ratingMonths] =
    await Promise.all([
      dossiersByStatus(db, scope),
      onTimeByMonth(db, scope),
      onTimeByProcedure(db, scope),
      handoffTimesByWeek(db, scope),
      ratingDistribution(db, scope),
      ratingAverageByMonth(db, scope),
    ]);
  return { statuses, onTimeMonths, onTimeProcedures, handoffWeeks, ratingCounts, ratingMonths };
}
