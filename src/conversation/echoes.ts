import type { Database } from '../db/connection.js';
import { hasSendInFlight, hasSentMessage } from '../queue/outbox.js';
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
  if (await hasSentMessage(db, event.oaId, event.msgId)) return true;
  if (await hasSendInFlight(db, event.oaId, event.userId, new Date(now - ECHO_WAIT_MS))) {
    throw new MotcuaError(ErrorCode.EchoAheadOfSend, 'echo arrived before its send was recorded; retrying');
  }
  return false;
}
