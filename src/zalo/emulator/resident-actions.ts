import type { Logger } from 'pino';
import type { RawAttachment } from '../events.js';
import type { EventBuilder } from './event-builders.js';
import { newMessageId, newOpaqueToken } from './ids.js';
import { BUILTIN_MEDIA, sniffMime } from './media.js';
import type { EmulatorState, EmulatorUser, SubmittedInfo, UserEntry } from './state.js';
import type { DeliveryHandle, DeliveryRecord, WebhookSender } from './webhook-sender.js';

/** An attachment a resident sends, in a friendly form (or a verbatim Zalo `payload`). */
export interface ResidentAttachmentInput {
  type: string;
  url?: string;
  thumbnail?: string;
  name?: string;
  size?: number | string;
  mime?: string;
  /** File bytes, base64; the emulator stores them and serves them from `/media/:id`. */
  dataBase64?: string;
  latitude?: number | string;
  longitude?: number | string;
  stickerId?: string;
  title?: string;
  description?: string;
  /** Used verbatim as the attachment's `payload` when given. */
  payload?: Record<string, unknown>;
}

/** What a resident sends through `POST /api/users/:userId/messages`. */
export interface ResidentMessageInput {
  text?: string;
  attachment?: ResidentAttachmentInput;
  /** Deliver without showing it in the chat (an `oa.query.hide` tap). */
  hidden?: boolean;
  quoteMsgId?: string;
  displayName?: string;
}

/** Raised for input the emulator cannot turn into a Zalo event (answered with HTTP 400). */
export class ResidentInputError extends Error {
  /** Builds the error with a message for the caller and the HTTP status to answer with. */
  constructor(
    message: string,
    readonly status: 400 | 409 = 400,
  ) {
    super(message);
    this.name = 'ResidentInputError';
  }
}

/** A resident's message that was queued for the webhook. */
export interface QueuedMessage {
  msgId: string;
  eventName: string;
  delivery: DeliveryHandle;
}

/** Things a resident can do; each one updates state and queues a signed webhook event. */
export interface ResidentActions {
  /** Sends text or an attachment (`user_send_*`). `mediaBase` is the emulator's absolute root URL. */
  sendMessage(userId: string, input: ResidentMessageInput, mediaBase: string): QueuedMessage;
  /** Follows the OA (`follow`); nothing is sent when already following. */
  follow(userId: string, opts?: { source?: string; displayName?: string }): DeliveryHandle | undefined;
  /** Unfollows the OA (`unfollow`); nothing is sent when not following. */
  unfollow(userId: string): DeliveryHandle | undefined;
  /** Taps "Nhắn tin" on the OA profile (`user_click_chatnow`). */
  chatNow(userId: string, displayName?: string): DeliveryHandle;
  /** Answers the OA's pending request_user_info (`user_submit_info`). */
  submitInfo(userId: string, info: SubmittedInfo): DeliveryHandle;
  /** Reads OA messages (`user_seen_message`); only unseen ids are reported; nothing is sent when none. */
  seen(userId: string, msgIds?: string[]): DeliveryHandle | undefined;
}

const MAX_RESIDENT_BYTES = 10 * 1024 * 1024;
const STRING_FIELDS = [
  'url',
  'thumbnail',
  'name',
  'mime',
  'dataBase64',
  'stickerId',
  'title',
  'description',
] as const;
const ATTACHMENT_TYPES = new Set(['image', 'gif', 'file', 'location', 'sticker', 'link', 'audio', 'video']);

/** Creates the resident actions over shared state, the event builder and the webhook sender. */
export function createResidentActions(deps: {
  state: EmulatorState;
  events: EventBuilder;
  webhooks: WebhookSender;
  logger: Logger;
}): ResidentActions {
  const { state, events, webhooks } = deps;

  const touch = (user: EmulatorUser, message: boolean) => {
    const now = state.now();
    user.lastInteractionAt = now;
    if (message) user.lastMessageAt = now;
    state.userChanged(user);
  };

  const trackDelivery = (userId: string, entry: UserEntry) => (record: DeliveryRecord) => {
    entry.delivery = {
      status: record.status === 'sending' ? (record.attempts > 1 ? 'retrying' : 'queued') : record.status,
      attempts: record.attempts,
      lastStatus: record.lastStatus,
    };
    state.live.publish(userId, {
      type: 'delivery',
      messageId: entry.messageId,
      delivery: { ...entry.delivery },
    });
  };

  const storeBytes = (input: ResidentAttachmentInput, fallbackMime: string, mediaBase: string) => {
    const data = Buffer.from(input.dataBase64 ?? '', 'base64');
    if (data.length === 0) throw new ResidentInputError('attachment.dataBase64 is empty or not base64');
    if (data.length > MAX_RESIDENT_BYTES) throw new ResidentInputError('attachment is larger than 10 MB');
    const id = newOpaqueToken(24);
    const mime = input.mime ?? sniffMime(data) ?? fallbackMime;
    const name = input.name ?? `${id}.${mime.split('/')[1] ?? 'bin'}`;
    state.addUpload({ id, kind: 'resident', name, mime, size: data.length, createdAt: state.now(), data });
    return { url: `${mediaBase}/media/${id}`, size: data.length, name };
  };

  const buildAttachment = (input: ResidentAttachmentInput, mediaBase: string): RawAttachment => {
    if (typeof input !== 'object' || input === null)
      throw new ResidentInputError('attachment must be an object');
    for (const key of STRING_FIELDS) {
      if (input[key] !== undefined && typeof input[key] !== 'string')
        throw new ResidentInputError(`attachment.${key} must be a string`);
    }
    if (typeof input.type !== 'string' || !ATTACHMENT_TYPES.has(input.type)) {
      throw new ResidentInputError(`attachment.type must be one of ${[...ATTACHMENT_TYPES].join(', ')}`);
    }
    const type = input.type;
    if (input.payload !== undefined) {
      if (typeof input.payload !== 'object' || input.payload === null || Array.isArray(input.payload)) {
        throw new ResidentInputError('attachment.payload must be an object');
      }
      return { type, payload: input.payload };
    }
    switch (type) {
      case 'image':
      case 'gif': {
        const url = input.dataBase64
          ? storeBytes(input, 'image/jpeg', mediaBase).url
          : (input.url ?? `${mediaBase}/media/placeholder.png`);
        return { type, payload: { url, thumbnail: input.thumbnail ?? url } };
      }
      case 'audio':
      case 'video': {
        const url = input.dataBase64 ? storeBytes(input, `${type}/mp4`, mediaBase).url : input.url;
        if (!url)
          throw new ResidentInputError(`attachment.url or attachment.dataBase64 is required for ${type}`);
        return { type, payload: { url, ...(input.thumbnail ? { thumbnail: input.thumbnail } : {}) } };
      }
      case 'file': {
        let url = input.url;
        let name = input.name;
        let size = input.size === undefined ? undefined : String(input.size);
        if (input.dataBase64) {
          const stored = storeBytes(input, 'application/octet-stream', mediaBase);
          url = stored.url;
          name = stored.name;
          size = String(stored.size);
        } else if (!url) {
          const builtin = BUILTIN_MEDIA['placeholder.pdf']!;
          url = `${mediaBase}/media/placeholder.pdf`;
          name ??= builtin.name;
          size ??= String(builtin.data.length);
        }
        name ??= 'tep-dinh-kem';
        const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase() ?? '';
        return { type, payload: { url, name, size: size ?? '0', type: ext } };
      }
      case 'location': {
        const lat = Number(input.latitude ?? 21.0277644);
        const lon = Number(input.longitude ?? 105.8341598);
        if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
          throw new ResidentInputError('attachment.latitude/longitude must be valid coordinates');
        }
        return { type, payload: { coordinates: { latitude: String(lat), longitude: String(lon) } } };
      }
      case 'sticker':
        return {
          type,
          payload: {
            id: input.stickerId ?? 'emu-sticker-1',
            url: input.url ?? `${mediaBase}/media/sticker.svg`,
          },
        };
      default: {
        if (!input.url) throw new ResidentInputError('attachment.url is required for link');
        return {
          type,
          payload: {
            url: input.url,
            ...(input.thumbnail ? { thumbnail: input.thumbnail } : {}),
            ...(input.title ? { title: input.title } : {}),
            ...(input.description ? { description: input.description } : {}),
          },
        };
      }
    }
  };

  return {
    sendMessage(userId, input, mediaBase) {
      const text = input.text;
      if (text !== undefined && typeof text !== 'string')
        throw new ResidentInputError('text must be a string');
      if (input.attachment === undefined && (text === undefined || text.trim() === '')) {
        throw new ResidentInputError('send "text" or "attachment"');
      }
      const attachment =
        input.attachment === undefined ? undefined : buildAttachment(input.attachment, mediaBase);
      const user = state.ensureUser(userId, input.displayName);
      const eventName = attachment ? `user_send_${attachment.type}` : 'user_send_text';
      const msgId = newMessageId();
      const messageText = attachment?.type === 'location' ? (text ?? '') : text;
      const entry: UserEntry = {
        direction: 'user',
        messageId: msgId,
        sentTime: state.now(),
        eventName,
        ...(messageText !== undefined ? { text: messageText } : {}),
        attachments: attachment ? [attachment] : [],
        hidden: input.hidden === true,
        delivery: { status: 'queued', attempts: 0 },
      };
      touch(user, true);
      state.append(userId, entry);
      const event = events.userMessage(user, eventName, {
        msg_id: msgId,
        text: messageText,
        attachments: attachment ? [attachment] : undefined,
        quote_msg_id: input.quoteMsgId,
      });
      const delivery = webhooks.send(userId, event, trackDelivery(userId, entry));
      return { msgId, eventName, delivery };
    },
    follow(userId, opts) {
      const user = state.ensureUser(userId, opts?.displayName);
      if (user.follower) return undefined;
      user.follower = true;
      touch(user, false);
      return webhooks.send(userId, events.follow(user, 'follow', opts?.source ?? 'oa_profile'));
    },
    unfollow(userId) {
      const user = state.ensureUser(userId);
      if (!user.follower) return undefined;
      user.follower = false;
      state.userChanged(user);
      return webhooks.send(userId, events.follow(user, 'unfollow', 'oa_profile'));
    },
    chatNow(userId, displayName) {
      const user = state.ensureUser(userId, displayName);
      touch(user, false);
      return webhooks.send(userId, events.chatNow(user));
    },
    submitInfo(userId, info) {
      const user = state.user(userId);
      if (!user?.pendingInfoRequest) {
        throw new ResidentInputError(
          'the OA has not asked this resident for information (request_user_info)',
          409,
        );
      }
      const clean: SubmittedInfo = {};
      for (const key of ['name', 'phone', 'address', 'ward', 'district', 'city'] as const) {
        const v = info[key];
        if (typeof v === 'string' && v.trim() !== '') clean[key] = v.trim();
      }
      user.sharedInfo = clean;
      delete user.pendingInfoRequest;
      touch(user, false);
      return webhooks.send(userId, events.submitInfo(user, clean));
    },
    seen(userId, msgIds) {
      const user = state.user(userId);
      if (!user) return undefined;
      const wanted = msgIds ? new Set(msgIds) : undefined;
      const newlySeen: string[] = [];
      for (const entry of state.conversation(userId)) {
        if (entry.direction === 'oa' && !entry.seen && (!wanted || wanted.has(entry.messageId))) {
          entry.seen = true;
          newlySeen.push(entry.messageId);
        }
      }
      if (newlySeen.length === 0) return undefined;
      return webhooks.send(userId, events.seen(user, newlySeen));
    },
  };
}
