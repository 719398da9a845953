import { ErrorCode, MotcuaError } from '../../errors.js';
import { fileMessage, imageMessage, type ZaloMessage } from '../../zalo/messages.js';
import type { TicketFiles } from './files.js';
import { pendingAttachmentOf } from './message.js';

/**
 * Uploads an officer's attachment to Zalo when its message is sent, not when the officer posted it:
 * Zalo's attachment ids and file tokens expire after about 7 days, and a reply may be held longer
 * than that for a closed window. Each send attempt gets a fresh id.
 */

/** The part of the Zalo client used here. */
export interface AttachmentUploader {
  uploadImage(data: Buffer, filename: string, mimeType: string): Promise<string>;
  uploadFile(data: Buffer, filename: string, mimeType: string): Promise<string>;
}

/** Turns a stored outbox message into the one Zalo gets; messages without an attachment pass unchanged. */
export function createSendTimeUpload(deps: {
  files: Pick<TicketFiles, 'read'>;
  zalo: AttachmentUploader;
}): (message: ZaloMessage) => Promise<ZaloMessage> {
  return async (message) => {
    const pending = pendingAttachmentOf(message);
    if (!pending) return message;
    const file = await deps.files.read(pending.storedFileId);
    if (!file) {
      throw new MotcuaError(
        ErrorCode.FileUnreadable,
        `stored attachment ${pending.storedFileId} is gone; the reply cannot be sent`,
      );
    }
    if (pending.kind === 'image') {
      const attachmentId = await deps.zalo.uploadImage(file.bytes, pending.name, file.mime);
      return imageMessage({ attachmentId }, message.text);
    }
    return fileMessage(await deps.zalo.uploadFile(file.bytes, pending.name, file.mime));
  };
}
