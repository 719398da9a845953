import { and, eq, isNull, lte } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { auditLog, tickets } from '../db/schema.js';
import { officeMinutesBetween, type OfficeClock } from './office-minutes.js';
import type { TicketRow } from './tickets.js';

/**
 * Escalation: a ticket still waiting after TICKET_ESCALATE_MINUTES of office time gets
 * `escalated_at`, an audit row and a live notice to the OA's officers, exactly once. Every process
 * with the work role may run the sweep: the `escalated_at IS NULL` condition lets one win.
 */

/** What the sweep needs. */
export interface EscalationDeps {
  db: Database;
  clock: OfficeClock;
  /** Office minutes a ticket may wait unclaimed. */
  escalateMinutes: number;
  now: () => Date;
  /** Tells officers' open pages that a ticket was escalated. */
  notify: (ticket: TicketRow) => void;
}

/** One pass over waiting tickets. */
export interface EscalationSweep {
  /** Escalates every ticket due now; returns the tickets this pass escalated. */
  run(): Promise<TicketRow[]>;
}

/** Builds the sweep. */
export function createEscalationSweep(deps: EscalationDeps): EscalationSweep {
  return {
    async run() {
      const now = deps.now();
      // Office time never runs faster than the wall clock: younger tickets cannot be due.
      const oldEnough = new Date(now.getTime() - deps.escalateMinutes * 60_000);
      const waiting = await deps.db
        .select()
        .from(tickets)
        .where(
          and(eq(tickets.status, 'waiting'), isNull(tickets.escalatedAt), lte(tickets.createdAt, oldEnough)),
        )
        .orderBy(tickets.id)
        .limit(500);
      const escalated: TicketRow[] = [];
      for (const t of waiting) {
        const waited = officeMinutesBetween(t.createdAt, now, deps.clock);
        if (waited < deps.escalateMinutes) continue;
        const won = await escalate(deps.db, t.id, now, Math.floor(waited));
        if (won) {
          escalated.push(won);
          deps.notify(won);
        }
      }
      return escalated;
    },
  };
}

async function escalate(db: Database, id: number, now: Date, officeMinutes: number) {
  return db.transaction(async (tx) => {
    const [won] = await tx
      .update(tickets)
      .set({ escalatedAt: now })
      .where(and(eq(tickets.id, id), eq(tickets.status, 'waiting'), isNull(tickets.escalatedAt)))
      .returning();
    if (!won) return undefined;
    await tx.insert(auditLog).values({
      actor: 'system',
      action: 'ticket.escalated',
      subjectKind: 'ticket',
      subjectId: String(id),
      details: { officeMinutes },
    });
    return won;
  });
}

/** Runs the sweep now and then every `everyMs` (a minute by default) until stopped. */
export function startEscalationTimer(
  sweep: EscalationSweep,
  logger: { error(obj: object, msg: string): void },
  everyMs = 60_000,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running
      .then(() => sweep.run())
      .catch((err: unknown) =>
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'escalation sweep failed'),
      );
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
