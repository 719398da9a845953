import { ZALO_MAX_BUTTONS, ZALO_TEXT_LIMIT } from '../messages.js';
import { invalidParam, zaloError, ZaloErrorCode, type ZaloErrorBody } from './errors.js';
import type { StoredUpload } from './state.js';

/** Uploaded media ids and file tokens expire after about 7 days. */
export const UPLOAD_TTL_MS = 7 * 24 * 3600 * 1000;

/** A consultation send that passed validation. */
export interface ValidSend {
  userId: string;
  /** The `message` object as posted. */
  message: Record<string, unknown>;
  /** The `oa_send_*` echo this message produces. */
  eventName: string;
  /** True for a request_user_info template (the resident may answer with user_submit_info). */
  requestsInfo: boolean;
}

/** What validation needs to know about the world. */
export interface SendContext {
  now: number;
  upload(id: string): StoredUpload | undefined;
  hasMessage(userId: string, messageId: string): boolean;
}

const BUTTON_TYPES = new Set([
  'oa.open.url',
  'oa.query.show',
  'oa.query.hide',
  'oa.open.phone',
  'oa.open.sms',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isHttpUrl = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

/** Zalo counts characters after NFC normalisation. */
export function zaloTextLength(text: string): number {
  return Array.from(text.normalize('NFC')).length;
}

/** Validates a POST /v3.0/oa/message/cs body the way Zalo does, returning its error body when it would refuse. */
export function validateCsSend(body: unknown, ctx: SendContext): ValidSend | ZaloErrorBody {
  if (!isObject(body)) return invalidParam('body');
  const recipient = body.recipient;
  if (!isObject(recipient) || !isText(recipient.user_id)) return invalidParam('recipient.user_id');
  const userId = recipient.user_id;
  const message = body.message;
  if (!isObject(message)) return invalidParam('message');

  if (message.text !== undefined) {
    if (typeof message.text !== 'string' || zaloTextLength(message.text) > ZALO_TEXT_LIMIT) {
      return invalidParam('message.text');
    }
  }
  const hasText = isText(message.text);
  if (message.quote_message_id !== undefined) {
    if (!isText(message.quote_message_id) || !ctx.hasMessage(userId, message.quote_message_id)) {
      return invalidParam('message.quote_message_id');
    }
  }

  const attachment = message.attachment;
  if (attachment === undefined) {
    if (!hasText) return invalidParam('message.text');
    return { userId, message, eventName: 'oa_send_text', requestsInfo: false };
  }
  if (!isObject(attachment) || !isObject(attachment.payload)) return invalidParam('message.attachment');
  const payload = attachment.payload;

  if (attachment.type === 'file') {
    if (!isText(payload.token)) return invalidParam('message.attachment.payload.token');
    const fileErr = checkUpload(ctx, payload.token, ['file']);
    if (fileErr) return fileErr;
    return { userId, message, eventName: 'oa_send_file', requestsInfo: false };
  }
  if (attachment.type !== 'template') return zaloError(ZaloErrorCode.UnsupportedType);

  const templateType = payload.template_type;
  if (templateType === undefined) {
    const err = checkButtons(payload.buttons, 'message.attachment.payload.buttons', true);
    if (err) return err;
    if (!hasText) return invalidParam('message.text');
    return { userId, message, eventName: 'oa_send_template', requestsInfo: false };
  }
  if (templateType === 'media') {
    const elements = payload.elements;
    if (!Array.isArray(elements) || elements.length !== 1 || !isObject(elements[0])) {
      return invalidParam('message.attachment.payload.elements');
    }
    const mediaResult = checkMediaElement(elements[0], ctx);
    if (typeof mediaResult !== 'string') return mediaResult;
    if (payload.buttons !== undefined) {
      const err = checkButtons(payload.buttons, 'message.attachment.payload.buttons', false);
      if (err) return err;
    }
    return { userId, message, eventName: mediaResult, requestsInfo: false };
  }
  if (templateType === 'request_user_info') {
    const elements = payload.elements;
    if (!Array.isArray(elements) || elements.length !== 1 || !isObject(elements[0])) {
      return invalidParam('message.attachment.payload.elements');
    }
    const el = elements[0];
    if (!isText(el.title)) return invalidParam('message.attachment.payload.elements.title');
    if (!isText(el.subtitle)) return invalidParam('message.attachment.payload.elements.subtitle');
    if (!isHttpUrl(el.image_url)) return invalidParam('message.attachment.payload.elements.image_url');
    return { userId, message, eventName: 'oa_send_template', requestsInfo: true };
  }
  return zaloError(ZaloErrorCode.UnsupportedType);
}

function checkUpload(ctx: SendContext, id: string, kinds: StoredUpload['kind'][]): ZaloErrorBody | undefined {
  const upload = ctx.upload(id);
  if (!upload || !kinds.includes(upload.kind) || ctx.now - upload.createdAt > UPLOAD_TTL_MS) {
    return zaloError(ZaloErrorCode.AttachmentExpired);
  }
  return undefined;
}

function checkMediaElement(el: Record<string, unknown>, ctx: SendContext): string | ZaloErrorBody {
  const field = 'message.attachment.payload.elements';
  const hasUrl = el.url !== undefined;
  const hasId = el.attachment_id !== undefined;
  switch (el.media_type) {
    case 'image':
    case 'gif': {
      if (hasUrl === hasId) return invalidParam(`${field}.attachment_id`);
      if (hasUrl && !isHttpUrl(el.url)) return invalidParam(`${field}.url`);
      if (hasId) {
        if (!isText(el.attachment_id)) return invalidParam(`${field}.attachment_id`);
        const err = checkUpload(
          ctx,
          el.attachment_id,
          el.media_type === 'gif' ? ['gif', 'image'] : ['image'],
        );
        if (err) return err;
      }
      if (el.media_type === 'gif') {
        for (const dim of ['width', 'height'] as const) {
          const v = el[dim];
          if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) return invalidParam(`${field}.${dim}`);
        }
        return 'oa_send_gif';
      }
      return 'oa_send_image';
    }
    case 'sticker':
      if (!isText(el.attachment_id) || hasUrl) return invalidParam(`${field}.attachment_id`);
      return 'oa_send_sticker';
    default:
      return invalidParam(`${field}.media_type`);
  }
}

function checkButtons(buttons: unknown, field: string, required: boolean): ZaloErrorBody | undefined {
  if (!Array.isArray(buttons)) return invalidParam(field);
  if (buttons.length > ZALO_MAX_BUTTONS || (required && buttons.length === 0)) return invalidParam(field);
  for (const b of buttons) {
    if (!isObject(b) || !isText(b.title) || typeof b.type !== 'string' || !BUTTON_TYPES.has(b.type)) {
      return invalidParam(`${field}.title`);
    }
    const p = b.payload;
    switch (b.type) {
      case 'oa.query.show':
      case 'oa.query.hide':
        if (!isText(p)) return invalidParam(`${field}.payload`);
        break;
      case 'oa.open.url':
        if (!isObject(p) || !isHttpUrl(p.url)) return invalidParam(`${field}.payload.url`);
        break;
      case 'oa.open.phone':
        if (!isObject(p) || !isText(p.phone_code)) return invalidParam(`${field}.payload.phone_code`);
        break;
      case 'oa.open.sms':
        if (!isObject(p) || !isText(p.phone_code) || typeof p.content !== 'string') {
          return invalidParam(`${field}.payload.content`);
        }
        break;
    }
  }
  return undefined;
}
