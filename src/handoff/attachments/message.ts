import { fitText, type ZaloMessage } from '../../zalo/messages.js';
import type { AttachmentKind } from './kind.js';

/**
 * How the outbox keeps an officer's attachment reply: the caption (for an image) and a reference
 * to the encrypted copy in the file store, under a key Zalo never sees. The file is uploaded to
 * Zalo only when the message is sent (see `send-time.ts`), so an upload id cannot expire while a
 * reply is held for a closed window.
 */

/** The stored file an outbox message carries until it is sent. */
export interface PendingAttachment {
  /** The `stored_files` row (owner kind `ticket`). */
  storedFileId: number;
  kind: AttachmentKind;
  /** The name the resident sees for a file (and Zalo receives for an image). */
  name: string;
  mime: string;
}

/** The outbox key holding the reference; removed before the message goes to Zalo. */
export const PENDING_ATTACHMENT_KEY = 'motcua_attachment';

/** An outbox message waiting for its upload. */
export type PendingAttachmentMessage = ZaloMessage & { [PENDING_ATTACHMENT_KEY]: PendingAttachment };

/** The outbox form of an officer's image (with an optional caption) or file. */
export function pendingAttachmentMessage(a: PendingAttachment, caption?: string): PendingAttachmentMessage {
  const text = a.kind === 'image' && caption?.trim() ? fitText(caption.trim()) : undefined;
  return { ...(text ? { text } : {}), [PENDING_ATTACHMENT_KEY]: a };
}

/** The pending attachment of an outbox message, if it carries one. */
export function pendingAttachmentOf(message: unknown): PendingAttachment | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const a = (message as Record<string, unknown>)[PENDING_ATTACHMENT_KEY];
  if (typeof a !== 'object' || a === null) return undefined;
  const { storedFileId, kind, name, mime } = a as Record<string, unknown>;
  if (typeof storedFileId !== 'number' || (kind !== 'image' && kind !== 'file')) return undefined;
  if (typeof name !== 'string' || typeof mime !== 'string') return undefined;
  return { storedFileId, kind, name, mime };
}
