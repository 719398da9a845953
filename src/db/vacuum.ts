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

/** How often the busy tables' statistics are read, where the server leaves it to motcua, unless told otherwise. */
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
 * Keeps the busy tables vacuumed and analysed where the server does not: always on PGlite, which has
 * no autovacuum, and on a PostgreSQL whose autovacuum is switched off (said once as a warning). On a
 * timer it reads their statistics and vacuums or analyses only the tables past autovacuum's own
 * thresholds, one table per statement so waiting queries get a turn in between. Where autovacuum
 * runs, the timer stops after its first check.
 */
export function startVacuum(opts: {
  handle: Pick<DatabaseHandle, 'kind' | 'db' | 'vacuum' | 'autovacuums'>;
  logger: Logger;
  everyMs?: number;
  thresholds?: UpkeepThresholds;
}): { runOnce(): Promise<void>; stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let serverDoesIt: Promise<boolean> | undefined;
  const runOnce = async () => {
    const due = upkeepDue(await readTableActivity(opts.handle, BUSY_TABLES), opts.thresholds);
    if (due.length === 0) return;
    const started = performance.now();
    await opts.handle.vacuum(due);
    opts.logger.debug({ tables: due, ms: Math.round(performance.now() - started) }, 'kept busy tables up');
  };
  const decide = async () => {
    const on = await opts.handle.autovacuums();
    if (on) clearInterval(timer);
    else if (opts.handle.kind === 'postgres')
      opts.logger.warn(
        'autovacuum is off on this PostgreSQL server: motcua vacuums and analyses its busy tables itself; switching autovacuum on (its default) is better',
      );
    return on;
  };
  const tick = async () => {
    serverDoesIt ??= decide().catch((err: unknown) => {
      serverDoesIt = undefined; // asked again on the next tick
      throw err;
    });
    if (!(await serverDoesIt)) await runOnce();
  };
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
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
