import type { Database } from '../db/connection.js';
import type { Logger } from '../log.js';
import { strandedRows } from './outbox.js';
import type { OutboundProducer } from './outbound.js';

/**
 * Sweeps pending outbox rows and queues them again, which repairs rows whose
 * process died between commit and enqueue. Job ids make it a no-op for rows
 * that already have a send job.
 */
export function startOutboxRelay(opts: {
  db: Database;
  outbound: OutboundProducer;
  logger: Logger;
  intervalMs?: number;
  olderThanMs?: number;
}): { sweep(): Promise<number>; stop(): Promise<void> } {
  let running: Promise<number> | undefined;
  const sweep = async () => {
    const rows = await strandedRows(opts.db, opts.olderThanMs ?? 30_000);
    if (rows.length === 0) return 0;
    await opts.outbound.enqueue(rows);
    opts.logger.debug({ count: rows.length }, 'outbox relay sweep');
    return rows.length;
  };
  const timer = setInterval(() => {
    if (running) return;
    running = sweep()
      .catch((err: unknown) => {
        opts.logger.warn({ err: String(err) }, 'outbox relay sweep failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  }, opts.intervalMs ?? 15_000);
  timer.unref();
  return {
    sweep,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
