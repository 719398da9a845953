import { createHash } from 'node:crypto';
import { ErrorCode, MotcuaError } from '../errors.js';

/**
 * Zalo webhook events. Raw types keep Zalo's field names verbatim; `parseZaloEvent`
 * returns one normalised, typed event per delivery. IDs stay strings: they are
 * 64-bit integers that lose precision as JS numbers.
 */

/** One attachment as Zalo sends it inside `message.attachments[]`. */
export interface RawAttachment {
  type?: string;
  payload?: {
    url?: string;
    thumbnail?: string;
    id?: string;
    name?: string;
    size?: string;
    type?: string;
    title?: string;
    description?: string;
    coordinates?: { latitude?: string; longitude?: string };
  };
}

/** The JSON body of any webhook delivery, as far as motcua reads it. */
export interface RawZaloEvent {
  app_id?: string;
  oa_id?: string;
  user_id?: string;
  user_id_by_app?: string;
  event_name: string;
  timestamp?: string | number;
  source?: string;
  sender?: { id?: string; admin_id?: string };
  recipient?: { id?: string };
  follower?: { id?: string };
  message?: {
    msg_id?: string;
    msg_ids?: string[];
    text?: string;
    quote_msg_id?: string;
    tracking_id?: string;
    delivery_time?: string;
    attachments?: RawAttachment[];
  };
  info?: Record<string, unknown>;
}

/** Message events a resident sends to the OA. */
export const USER_MESSAGE_EVENTS = [
  'user_send_text',
  'user_send_image',
  'user_send_file',
  'user_send_sticker',
  'user_send_gif',
  'user_send_audio',
  'user_send_video',
  'user_send_link',
  'user_send_location',
  'user_send_business_card',
] as const;

/** Echoes of messages the OA sent, through the API or Zalo's own OA chat tool. */
export const OA_ECHO_EVENTS = [
  'oa_send_text',
  'oa_send_image',
  'oa_send_gif',
  'oa_send_list',
  'oa_send_file',
  'oa_send_sticker',
  'oa_send_template',
  'oa_reacted_message',
] as const;

/** A normalised attachment; `kind` follows Zalo's attachment type. */
export type Attachment =
  | {
      kind: 'image' | 'gif' | 'sticker' | 'audio' | 'video';
      url?: string;
      thumbnail?: string;
      stickerId?: string;
    }
  | { kind: 'file'; url?: string; name?: string; sizeBytes?: number; fileType?: string }
  | { kind: 'link'; url?: string; thumbnail?: string; title?: string; description?: string }
  | { kind: 'location'; latitude: number; longitude: number }
  | { kind: 'business_card'; name?: string; phone?: string; thumbnail?: string }
  | { kind: 'other'; type?: string };

/** Fields every normalised event has. */
interface EventBase {
  eventName: string;
  appId?: string;
  oaId: string;
  /** The resident's OA-scoped Zalo id; the conversation key together with oaId. */
  userId: string;
  userIdByApp?: string;
  /** Epoch milliseconds from the body (Zalo sends a string). */
  timestamp: number;
  /** Stable key for a delivery: the same event delivered again gets the same key. */
  dedupeKey: string;
}

/** A resident's message: text, media, file, location, card. */
export interface UserMessageEvent extends EventBase {
  kind: 'user_message';
  eventName: (typeof USER_MESSAGE_EVENTS)[number];
  msgId: string;
  text?: string;
  quoteMsgId?: string;
  attachments: Attachment[];
}

/** follow / unfollow of the OA. */
export interface FollowEvent extends EventBase {
  kind: 'follow' | 'unfollow';
  source?: string;
}

/** The resident's answer to a request_user_info template (two shapes are in the wild). */
export interface SubmitInfoEvent extends EventBase {
  kind: 'user_submit_info';
  info: { name?: string; phone?: string; address?: string; ward?: string; district?: string; city?: string };
}

/** Delivery and read receipts for messages the OA sent. */
export interface ReceiptEvent extends EventBase {
  kind: 'receipt';
  eventName: 'user_received_message' | 'user_seen_message';
  msgIds: string[];
  trackingId?: string;
}

/** An echo of an OA message; `adminId` is set when a person typed it in Zalo's OA chat. */
export interface OaEchoEvent extends EventBase {
  kind: 'oa_echo';
  eventName: (typeof OA_ECHO_EVENTS)[number];
  msgId: string;
  adminId?: string;
  text?: string;
  attachments: Attachment[];
}

/** The resident tapped "Nhắn tin" on the OA profile (opens the consultation window). */
export interface ChatNowEvent extends EventBase {
  kind: 'chat_now';
}

/** Any event motcua does not act on yet: kept, logged and acknowledged, never crashed on. */
export interface UnknownEvent extends EventBase {
  kind: 'unknown';
  /** Why a known event name was downgraded to unknown (missing ids), if it was. */
  problem?: string;
}

/** Every event a webhook delivery can become. */
export type ZaloEvent =
  UserMessageEvent | FollowEvent | SubmitInfoEvent | ReceiptEvent | OaEchoEvent | ChatNowEvent | UnknownEvent;

/** Parses a JSON body; throws MC_ERR_EVENT_MALFORMED when it is not a Zalo event object. */
export function parseRawEvent(rawBody: Buffer): RawZaloEvent {
  if (rawBody.length === 0) throw new MotcuaError(ErrorCode.EventMalformed, 'empty body');
  let value: unknown;
  try {
    value = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new MotcuaError(ErrorCode.EventMalformed, 'body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MotcuaError(ErrorCode.EventMalformed, 'body is not a JSON object');
  }
  const name = (value as { event_name?: unknown }).event_name;
  if (typeof name !== 'string' || name.length === 0 || name.length > 100) {
    throw new MotcuaError(ErrorCode.EventMalformed, 'event_name is missing');
  }
  return value as RawZaloEvent;
}

/** Reads the body's timestamp as Zalo signs it (a string of epoch ms; some events send a number). */
export function signedTimestamp(raw: RawZaloEvent): string {
  return raw.timestamp === undefined ? '' : String(raw.timestamp);
}

/**
 * Turns a raw event into a typed one. `fallbackOaId` is used when the body names
 * no OA (rare management events). Never throws for a known body shape with holes:
 * it returns an `unknown` event with the problem noted instead.
 */
export function normaliseEvent(raw: RawZaloEvent, rawBody: Buffer, fallbackOaId: string): ZaloEvent {
  const name = raw.event_name;
  const base = baseFields(raw, rawBody, fallbackOaId);
  if (isOneOf(USER_MESSAGE_EVENTS, name)) {
    const msgId = raw.message?.msg_id;
    if (!base.userId || !msgId) return unknown(base, 'message event without sender.id or message.msg_id');
    return {
      ...base,
      kind: 'user_message',
      eventName: name,
      msgId,
      text: raw.message?.text,
      quoteMsgId: raw.message?.quote_msg_id,
      attachments: (raw.message?.attachments ?? []).map((a) => toAttachment(a, name, raw.message?.text)),
    };
  }
  if (isOneOf(OA_ECHO_EVENTS, name)) {
    const msgId = raw.message?.msg_id;
    if (!base.userId || !msgId) return unknown(base, 'echo without recipient.id or message.msg_id');
    return {
      ...base,
      kind: 'oa_echo',
      eventName: name,
      msgId,
      adminId: raw.sender?.admin_id,
      text: raw.message?.text,
      attachments: (raw.message?.attachments ?? []).map((a) => toAttachment(a, name, raw.message?.text)),
    };
  }
  if (!base.userId)
    return unknown(base, name.startsWith('user_') || name === 'follow' ? 'no user id' : undefined);
  switch (name) {
    case 'follow':
    case 'unfollow':
      return { ...base, kind: name, source: raw.source };
    case 'user_submit_info':
      return { ...base, kind: 'user_submit_info', info: readSubmittedInfo(raw.info) };
    case 'user_received_message':
    case 'user_seen_message': {
      const ids = raw.message?.msg_ids ?? (raw.message?.msg_id ? [raw.message.msg_id] : []);
      return { ...base, kind: 'receipt', eventName: name, msgIds: ids, trackingId: raw.message?.tracking_id };
    }
    case 'user_click_chatnow':
      return { ...base, kind: 'chat_now' };
    default:
      return unknown(base);
  }
}

/** Parses and normalises in one step (what the webhook receiver does after verifying). */
export function parseZaloEvent(rawBody: Buffer, fallbackOaId: string): ZaloEvent {
  return normaliseEvent(parseRawEvent(rawBody), rawBody, fallbackOaId);
}

function baseFields(raw: RawZaloEvent, rawBody: Buffer, fallbackOaId: string): EventBase {
  const name = raw.event_name;
  const oaSide = name.startsWith('oa_') || name === 'user_received_message' || name === 'user_seen_message';
  const userId = oaSide
    ? raw.recipient?.id
    : (raw.sender?.id ?? raw.follower?.id ?? raw.user_id ?? undefined);
  const oaId = (oaSide ? raw.sender?.id : raw.recipient?.id) ?? raw.oa_id ?? fallbackOaId;
  const ts = Number(raw.timestamp);
  return {
    eventName: name,
    appId: raw.app_id,
    oaId: String(oaId),
    userId: userId === undefined ? '' : String(userId),
    userIdByApp: raw.user_id_by_app,
    timestamp: Number.isFinite(ts) && ts > 0 ? ts : 0,
    dedupeKey: dedupeKeyFor(raw, rawBody, String(oaId)),
  };
}

/**
 * The delivery's identity: event name + OA + msg_id when there is one (an echo and
 * a receipt share a msg_id, so the name is part of it), else a hash of the body.
 * Safe for BullMQ job ids (no ':' and never all digits).
 */
export function dedupeKeyFor(raw: RawZaloEvent, rawBody: Buffer, oaId: string): string {
  const msgId = raw.message?.msg_id;
  const basis = msgId
    ? `${raw.event_name}|${oaId}|${msgId}`
    : `body|${createHash('sha256').update(rawBody).digest('hex')}`;
  return `ev-${createHash('sha256').update(basis).digest('hex').slice(0, 40)}`;
}

function unknown(base: EventBase, problem?: string): UnknownEvent {
  return problem ? { ...base, kind: 'unknown', problem } : { ...base, kind: 'unknown' };
}

function isOneOf<T extends readonly string[]>(list: T, name: string): name is T[number] {
  return (list as readonly string[]).includes(name);
}

function toAttachment(a: RawAttachment, eventName: string, text?: string): Attachment {
  const p = a.payload ?? {};
  const type = a.type ?? (eventName.endsWith('business_card') ? 'business_card' : undefined);
  switch (type) {
    case 'image':
    case 'gif':
    case 'audio':
    case 'video':
      return { kind: type, url: p.url, thumbnail: p.thumbnail };
    case 'sticker':
      return { kind: 'sticker', url: p.url, stickerId: p.id };
    case 'file': {
      const size = Number(p.size);
      return {
        kind: 'file',
        url: p.url,
        name: p.name,
        sizeBytes: Number.isFinite(size) ? size : undefined,
        fileType: p.type,
      };
    }
    case 'link':
      return { kind: 'link', url: p.url, thumbnail: p.thumbnail, title: p.title, description: p.description };
    case 'location': {
      const lat = Number(p.coordinates?.latitude);
      const lon = Number(p.coordinates?.longitude);
      return Number.isFinite(lat) && Number.isFinite(lon)
        ? { kind: 'location', latitude: lat, longitude: lon }
        : { kind: 'other', type };
    }
    case 'business_card':
      return {
        kind: 'business_card',
        name: text,
        phone: readCardPhone(p.description),
        thumbnail: p.thumbnail,
      };
    default:
      return { kind: 'other', type };
  }
}

function readCardPhone(description?: string): string | undefined {
  if (!description) return undefined;
  try {
    const parsed = JSON.parse(description) as { phone?: unknown };
    return typeof parsed.phone === 'string' ? parsed.phone : undefined;
  } catch {
    return undefined;
  }
}

function readSubmittedInfo(info: Record<string, unknown> | undefined): SubmitInfoEvent['info'] {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const full = (info?.full_address ?? {}) as Record<string, unknown>;
  return {
    name: str(info?.name),
    phone: str(info?.phone),
    address: str(info?.address) ?? str(full.user_address),
    ward: str(info?.ward) ?? str(full.user_ward),
    district: str(info?.district),
    city: str(info?.city) ?? str(full.user_city),
  };
}
