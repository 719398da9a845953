import type { Logger } from '../log.js';
import type { DatabaseHandle } from './connection.js';

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

/** How often the busy tables are vacuumed on PGlite unless told otherwise. */
export const VACUUM_EVERY_MS = 60_000;

/**
 * Vacuums the busy tables on a timer when the database is PGlite (a pause a minute, one table at a
 * time, instead of every query walking more dead rows as the day goes on); on PostgreSQL autovacuum
 * does it and no timer is started.
 */
export function startVacuum(opts: {
  handle: Pick<DatabaseHandle, 'kind' | 'vacuum'>;
  logger: Logger;
  everyMs?: number;
}): { runOnce(): Promise<void>; stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const runOnce = async () => {
    const started = performance.now();
    await opts.handle.vacuum(BUSY_TABLES);
    opts.logger.debug({ ms: Math.round(performance.now() - started) }, 'vacuumed busy tables');
  };
  if (opts.handle.kind !== 'pglite') return { runOnce, stop: () => Promise.resolve() };
  const timer = setInterval(() => {
    if (running) return;
    running = runOnce()
      .catch((err: unknown) => {
        opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'vacuum failed');
      })
      .finally(() => {
        running = undefined;
      });
  }, opts.everyMs ?? VACUUM_EVERY_MS);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
