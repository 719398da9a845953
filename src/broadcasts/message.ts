import {
  buttonsMessage,
  fitText,
  imageMessage,
  type ZaloButton,
  type ZaloMessage,
} from '../zalo/messages.js';
import type { BroadcastBody } from './types.js';

/** Added under every notice so a resident always knows how to stop them. */
export const OPT_OUT_FOOTER = 'Nhắn HỦY nếu Anh/Chị không muốn nhận thông báo nữa.';

/** The longest text staff may write: Zalo's 2,000 characters less the footer. */
export const MAX_BROADCAST_TEXT = 2000 - OPT_OUT_FOOTER.length - 2;

/** Stands in for the Zalo attachment id until the image is uploaded (previews draw the stored file). */
export const IMAGE_NOT_UPLOADED = 'not-uploaded';

/**
 * The consultation message a recipient gets: the text with the opt-out footer, the image above it
 * when there is one, and the link as a button.
 */
export function broadcastMessage(body: BroadcastBody, attachmentId?: string): ZaloMessage {
  const text = fitText(`${body.text.trim()}\n\n${OPT_OUT_FOOTER}`);
  const buttons: ZaloButton[] = body.link
    ? [{ title: body.link.title, type: 'oa.open.url', payload: { url: body.link.url } }]
    : [];
  if (body.imageFileId === undefined) return buttonsMessage(text, buttons);
  const message = imageMessage({ attachmentId: attachmentId ?? IMAGE_NOT_UPLOADED }, text);
  const payload = message.attachment?.type === 'template' ? message.attachment.payload : undefined;
  if (payload && 'template_type' in payload && payload.template_type === 'media' && buttons.length > 0) {
    payload.buttons = buttons;
  }
  return message;
}
