import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { inboundEvents, outbox } from '../db/schema.js';
import type { ZaloEvent } from '../zalo/events.js';
import type { ZaloMessage } from '../zalo/messages.js';
import { pendingAttachmentOf } from './attachments/message.js';

/** One line of a conversation as an officer sees it. */
export interface ChatLine {
  at: Date;
  from: 'resident' | 'bot' | 'officer';
  text: string;
  /** For the bot's and officers' messages: pending, sent, held (window closed), refused… */
  status?: string;
  /** Attachments the resident sent, by kind (photos are not shown inline in the list). */
  attachments?: string[];
  /** An image or file an officer sent, kept in the file store (`stored_files` id). */
  file?: { id: number; kind: 'image' | 'file'; name: string };
}

/** The last messages both ways with one resident, oldest first. */
export async function conversationLog(
  db: Pick<Database, 'select'>,
  oaId: string,
  userId: string,
  limit = 60,
): Promise<ChatLine[]> {
  const events = await db
    .select({ at: inboundEvents.receivedAt, event: inboundEvents.event })
    .from(inboundEvents)
    .where(and(eq(inboundEvents.oaId, oaId), eq(inboundEvents.userId, userId)))
    .orderBy(desc(inboundEvents.id))
    .limit(limit);
  const sent = await db
    .select({ at: outbox.createdAt, message: outbox.message, status: outbox.status, cause: outbox.cause })
    .from(outbox)
    .where(and(eq(outbox.oaId, oaId), eq(outbox.userId, userId)))
    .orderBy(desc(outbox.id))
    .limit(limit);
  const lines: ChatLine[] = [];
  for (const e of events) {
    const ev = e.event as ZaloEvent;
    if (ev.kind === 'user_message') {
      lines.push({
        at: e.at,
        from: 'resident',
        text: ev.text ?? '',
        ...(ev.attachments.length ? { attachments: ev.attachments.map((a) => a.kind) } : {}),
      });
    } else if (ev.kind === 'oa_echo' && ev.adminId) {
      lines.push({ at: e.at, from: 'officer', text: ev.text ?? '', status: 'zalo' });
    }
  }
  for (const s of sent) {
    const m = s.message as ZaloMessage;
    const file = pendingAttachmentOf(m);
    lines.push({
      at: s.at,
      from: s.cause?.startsWith('ticket:') && !s.cause.endsWith(':rating') ? 'officer' : 'bot',
      text: m.text ?? (file ? '' : m.attachment?.type === 'template' ? '[template]' : '[media]'),
      status: s.status,
      ...(file ? { file: { id: file.storedFileId, kind: file.kind, name: file.name } } : {}),
    });
  }
  return lines.sort((a, b) => a.at.getTime() - b.at.getTime()).slice(-limit);
}
