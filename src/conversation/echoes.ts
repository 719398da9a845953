import { and, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { outbox } from '../db/schema.js';
import { ErrorCode, MotcuaError } from '../errors.js';
import type { OaEchoEvent } from '../zalo/events.js';

/** How long an echo waits for a send still in flight to the same resident before it is taken as someone else's. */
export const ECHO_WAIT_MS = 60_000;

/**
 * Decides whether an `oa_send_*` echo the webhook could not match is of motcua's
 * own send. Zalo may deliver the echo before the send call has returned; then
 * the outbox row is still `sending` and the echo must wait (a retryable error)
 * until the row carries the message id. An echo typed by a person in Zalo's OA
 * chat (it names an admin) is never ours.
 */
export async function isOwnEchoInOutbox(
  db: Database,
  event: OaEchoEvent,
  now = Date.now(),
): Promise<boolean> {
  if (event.adminId) return false;
  const [match] = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.oaId, event.oaId), eq(outbox.zaloMessageId, event.msgId)))
    .limit(1);
  if (match) return true;
  const [inFlight] = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.oaId, event.oaId),
        eq(outbox.userId, event.userId),
        eq(outbox.status, 'sending'),
        gt(outbox.claimedAt, sql`${new Date(now - ECHO_WAIT_MS).toISOString()}::timestamptz`),
      ),
    )
    .limit(1);
  if (inFlight) {
    throw new MotcuaError(ErrorCode.EchoAheadOfSend, 'echo arrived before its send was recorded; retrying');
  }
  return false;
}
