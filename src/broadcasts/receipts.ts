import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../queue/outbox.js';
import { outbox } from '../db/schema.js';

/**
 * Records Zalo's delivery (`user_received_message`) or read (`user_seen_message`) receipt on the
 * outbox rows it names; a read implies delivery. The first time of each is kept.
 */
export async function recordReceipt(
  tx: Executor,
  receipt: {
    oaId: string;
    eventName: 'user_received_message' | 'user_seen_message';
    msgIds: string[];
    at: Date;
  },
): Promise<void> {
  if (receipt.msgIds.length === 0) return;
  const at = receipt.at.toISOString();
  const received = sql`coalesce(${outbox.receivedAt}, ${at}::timestamptz)`;
  await tx
    .update(outbox)
    .set(
      receipt.eventName === 'user_seen_message'
        ? { receivedAt: received, seenAt: sql`coalesce(${outbox.seenAt}, ${at}::timestamptz)` }
        : { receivedAt: received },
    )
    .where(and(eq(outbox.oaId, receipt.oaId), inArray(outbox.zaloMessageId, receipt.msgIds)));
}
