import { and, asc, eq, gt, lt } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { outbox } from '../db/schema.js';
import type { Lane } from '../zalo/policy.js';
import type { ZaloMessage } from '../zalo/messages.js';

/** A transaction or the database itself: outbox rows are written inside the caller's transaction. */
export type Executor = Pick<Database, 'insert' | 'select' | 'update'>;

/** One message to write to the outbox. */
export interface OutboxMessage {
  oaId: string;
  userId: string;
  lane: Lane;
  message: ZaloMessage;
  cause?: string;
}

/** Writes messages in the caller's transaction, so they exist exactly when the change that caused them does. */
export async function addToOutbox(tx: Executor, messages: OutboxMessage[]): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = await tx
    .insert(outbox)
    .values(
      messages.map((m) => ({
        oaId: m.oaId,
        userId: m.userId,
        lane: m.lane,
        message: m.message,
        cause: m.cause,
      })),
    )
    .returning({ id: outbox.id });
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** A pending row that still needs a send job. */
export interface PendingRow {
  id: number;
  oaId: string;
  userId: string;
  lane: string;
}

/** Rows of one conversation still waiting to be sent, oldest first. */
export async function pendingForConversation(
  db: Executor,
  oaId: string,
  userId: string,
): Promise<PendingRow[]> {
  return db
    .select({ id: outbox.id, oaId: outbox.oaId, userId: outbox.userId, lane: outbox.lane })
    .from(outbox)
    .where(and(eq(outbox.oaId, oaId), eq(outbox.userId, userId), eq(outbox.status, 'pending')))
    .orderBy(asc(outbox.id));
}

/**
 * Pending rows older than `olderThanMs` (the relay's sweep). Most still have a
 * live send job, and queueing them again is a no-op by job id; the others were
 * committed by a process that died before queueing them.
 */
export async function strandedRows(db: Executor, olderThanMs: number, limit = 500): Promise<PendingRow[]> {
  const cutoff = new Date(Date.now() - olderThanMs);
  return db
    .select({ id: outbox.id, oaId: outbox.oaId, userId: outbox.userId, lane: outbox.lane })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lt(outbox.createdAt, cutoff)))
    .orderBy(asc(outbox.id))
    .limit(limit);
}

/** True when the OA's outbox holds a row Zalo acknowledged with this message id. */
export async function hasSentMessage(db: Executor, oaId: string, zaloMessageId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.oaId, oaId), eq(outbox.zaloMessageId, zaloMessageId)))
    .limit(1);
  return row !== undefined;
}

/** True when a send to this resident was claimed after `since` and has no result yet. */
export async function hasSendInFlight(
  db: Executor,
  oaId: string,
  userId: string,
  since: Date,
): Promise<boolean> {
  const [row] = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.oaId, oaId),
        eq(outbox.userId, userId),
        eq(outbox.status, 'sending'),
        gt(outbox.claimedAt, since),
      ),
    )
    .limit(1);
  return row !== undefined;
}
