import { sql } from 'drizzle-orm';
import { rowsOf } from '../broadcasts/sql-rows.js';
import type { Logger } from '../log.js';
import type { DatabaseHandle } from './connection.js';
import { upkeepDue, type TableActivity, type UpkeepThresholds } from './upkeep.js';

/**
 * Tables whose rows are updated on every message or send: each update leaves a dead row and
 * index entries behind until a vacuum, and queries over them slow down as those pile up.
 */
export const BUSY_TABLES = [
  'outbox',
  'broadcast_recipients',
  'conversations',
  'inbound_events',
  'resident_profiles',
] as const;

/** How often the busy tables' statistics are read on PGlite unless told otherwise. */
export const UPKEEP_CHECK_EVERY_MS = 30_000;

/** Live, dead and changed-since-analyse row counts of `tables`, from PostgreSQL's statistics. */
export async function readTableActivity(
  handle: Pick<DatabaseHandle, 'db'>,
  tables: readonly string[],
): Promise<TableActivity[]> {
  const result = await handle.db.execute(sql`
    select relname as "table", n_live_tup::float8 as live, n_dead_tup::float8 as dead,
           n_mod_since_analyze::float8 as "changedSinceAnalyze"
    from pg_stat_user_tables
    where relname in (${sql.join(
      tables.map((t) => sql`${t}`),
      sql`, `,
    )})`);
  return rowsOf<TableActivity>(result).map((r) => ({
    table: r.table,
    live: Number(r.live),
    dead: Number(r.dead),
    changedSinceAnalyze: Number(r.changedSinceAnalyze),
  }));
}

/**
 * Keeps the busy tables vacuumed and analysed on PGlite, which has no autovacuum: on a timer it reads
 * their statistics and vacuums or analyses only the tables past autovacuum's own thresholds, one
 * table per call so waiting queries get a turn in between. On PostgreSQL autovacuum does it and no
 * timer is started.
 */
export function startVacuum(opts: {
  handle: Pick<DatabaseHandle, 'kind' | 'db' | 'vacuum'>;
  logger: Logger;
  everyMs?: number;
  thresholds?: UpkeepThresholds;
}): { runOnce(): Promise<void>; stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const runOnce = async () => {
    const due = upkeepDue(await readTableActivity(opts.handle, BUSY_TABLES), opts.thresholds);
    if (due.length === 0) return;
    const started = performance.now();
    await opts.handle.vacuum(due);
    opts.logger.debug({ tables: due, ms: Math.round(performance.now() - started) }, 'kept busy tables up');
  };
  if (opts.handle.kind !== 'pglite')
    return { runOnce: () => Promise.resolve(), stop: () => Promise.resolve() };
  const timer = setInterval(() => {
    if (running) return;
    running = runOnce()
      .catch((err: unknown) => {
        opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'vacuum failed');
      })
      .finally(() => {
        running = undefined;
      });
  }, opts.everyMs ?? UPKEEP_CHECK_EVERY_MS);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
