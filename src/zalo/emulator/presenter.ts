import type { ConversationEntry, EmulatorState, EmulatorUser, OaEntry, UserEntry } from './state.js';

/** A button under an OA message, as listed by the test API. */
export interface PresentedButton {
  title: string;
  type: string;
  payload: unknown;
}

/** The media/file/form attached to an OA message, resolved to something a page can show. */
export type PresentedAttachment =
  | { type: 'image' | 'gif'; url: string; attachmentId?: string; width?: number; height?: number }
  | { type: 'sticker'; attachmentId: string; url: string }
  | { type: 'file'; token: string; name: string; size?: number; url: string }
  | { type: 'request_user_info'; title: string; subtitle: string; imageUrl: string };

/** One item of `GET /api/users/:userId/messages`: something the OA sent. */
export interface PresentedOaMessage {
  messageId: string;
  sentTime: number;
  eventName: string;
  text?: string;
  buttons?: PresentedButton[];
  attachment?: PresentedAttachment;
  seen: boolean;
  /** The `message` object exactly as the OA sent it. */
  raw: Record<string, unknown>;
}

/** A message the resident sent, for the chat page (the log entry without its direction). */
export type PresentedUserMessage = Omit<UserEntry, 'direction'>;

/** A conversation line with its direction. */
export type PresentedEntry =
  ({ direction: 'oa' } & PresentedOaMessage) | ({ direction: 'user' } & PresentedUserMessage);

/** A resident as listed by `GET /api/users`. */
export interface PresentedUser {
  userId: string;
  userIdByApp: string;
  displayName: string;
  follower: boolean;
  createdAt: number;
  lastInteractionAt: number | null;
  lastMessageAt: number | null;
  tags: string[];
  sharedInfo: Record<string, string | undefined> | null;
  pendingInfoRequest: string | null;
  messageCount: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Describes an OA message for tests and the chat page; `mediaBase` is the emulator root URL. */
export function presentOaEntry(entry: OaEntry, state: EmulatorState, mediaBase: string): PresentedOaMessage {
  const message = entry.message;
  const attachment = obj(message.attachment);
  const payload = obj(attachment.payload);
  const out: PresentedOaMessage = {
    messageId: entry.messageId,
    sentTime: entry.sentTime,
    eventName: entry.eventName,
    seen: entry.seen,
    raw: message,
  };
  if (typeof message.text === 'string') out.text = message.text;
  if (Array.isArray(payload.buttons)) {
    out.buttons = payload.buttons.map((b) => {
      const o = obj(b);
      return { title: str(o.title) ?? '', type: str(o.type) ?? '', payload: o.payload };
    });
  }
  if (attachment.type === 'file') {
    const token = str(payload.token) ?? '';
    const upload = state.uploads.get(token);
    out.attachment = {
      type: 'file',
      token,
      name: upload?.name ?? 'tep-dinh-kem',
      size: upload?.size,
      url: `${mediaBase}/media/${encodeURIComponent(token)}`,
    };
  } else if (payload.template_type === 'media') {
    const el = obj(Array.isArray(payload.elements) ? payload.elements[0] : undefined);
    const id = str(el.attachment_id);
    if (el.media_type === 'sticker') {
      out.attachment = { type: 'sticker', attachmentId: id ?? '', url: `${mediaBase}/media/sticker.svg` };
    } else {
      out.attachment = {
        type: el.media_type === 'gif' ? 'gif' : 'image',
        url: str(el.url) ?? `${mediaBase}/media/${encodeURIComponent(id ?? '')}`,
        ...(id ? { attachmentId: id } : {}),
        ...(typeof el.width === 'number' ? { width: el.width } : {}),
        ...(typeof el.height === 'number' ? { height: el.height } : {}),
      };
    }
  } else if (payload.template_type === 'request_user_info') {
    const el = obj(Array.isArray(payload.elements) ? payload.elements[0] : undefined);
    out.attachment = {
      type: 'request_user_info',
      title: str(el.title) ?? '',
      subtitle: str(el.subtitle) ?? '',
      imageUrl: str(el.image_url) ?? '',
    };
  }
  return out;
}

/** Describes any conversation line with its direction. */
export function presentEntry(
  entry: ConversationEntry,
  state: EmulatorState,
  mediaBase: string,
): PresentedEntry {
  if (entry.direction === 'oa') return { direction: 'oa', ...presentOaEntry(entry, state, mediaBase) };
  return {
    direction: 'user',
    messageId: entry.messageId,
    sentTime: entry.sentTime,
    eventName: entry.eventName,
    ...(entry.text !== undefined ? { text: entry.text } : {}),
    attachments: entry.attachments,
    hidden: entry.hidden,
    delivery: { ...entry.delivery },
  };
}

/** Describes a resident. */
export function presentUser(user: EmulatorUser, state: EmulatorState): PresentedUser {
  return {
    userId: user.userId,
    userIdByApp: user.userIdByApp,
    displayName: user.displayName,
    follower: user.follower,
    createdAt: user.createdAt,
    lastInteractionAt: user.lastInteractionAt ?? null,
    lastMessageAt: user.lastMessageAt ?? null,
    tags: [...user.tags],
    sharedInfo: user.sharedInfo ? { ...user.sharedInfo } : null,
    pendingInfoRequest: user.pendingInfoRequest ?? null,
    messageCount: state.conversation(user.userId).length,
  };
}
