import type { RawAttachment } from '../events.js';
import type { EmulatorUser, SubmittedInfo } from './state.js';

/** The `message` object of a user or echo event. */
export interface EventMessage {
  msg_id: string;
  text?: string;
  attachments?: RawAttachment[];
  quote_msg_id?: string;
}

/** Builds webhook event bodies in Zalo's shapes (ids and timestamps as strings). */
export interface EventBuilder {
  /** `user_send_*`: sender = resident, recipient = OA. */
  userMessage(user: EmulatorUser, eventName: string, message: EventMessage): Record<string, unknown>;
  /** `follow` / `unfollow`: flat `oa_id`, `follower.id`, `source`. */
  follow(user: EmulatorUser, eventName: 'follow' | 'unfollow', source: string): Record<string, unknown>;
  /** `user_click_chatnow`: flat `oa_id` and `user_id`. */
  chatNow(user: EmulatorUser): Record<string, unknown>;
  /** `user_submit_info`: the flat `info` variant. */
  submitInfo(user: EmulatorUser, info: SubmittedInfo): Record<string, unknown>;
  /** `user_seen_message`: sender = OA, `message.msg_ids`. */
  seen(user: EmulatorUser, msgIds: string[]): Record<string, unknown>;
  /** `oa_send_*` echo: sender = OA, recipient = resident, the send's message id. */
  oaEcho(user: EmulatorUser, eventName: string, message: EventMessage): Record<string, unknown>;
}

/** Creates a builder for one app/OA pair; `now` stamps each event. */
export function createEventBuilder(opts: { appId: string; oaId: string; now: () => number }): EventBuilder {
  const ts = () => String(opts.now());
  const definedOnly = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return {
    userMessage: (user, eventName, message) => ({
      app_id: opts.appId,
      user_id_by_app: user.userIdByApp,
      event_name: eventName,
      timestamp: ts(),
      sender: { id: user.userId },
      recipient: { id: opts.oaId },
      message: definedOnly(message),
    }),
    follow: (user, eventName, source) => ({
      app_id: opts.appId,
      oa_id: opts.oaId,
      user_id_by_app: user.userIdByApp,
      event_name: eventName,
      source,
      timestamp: ts(),
      follower: { id: user.userId },
    }),
    chatNow: (user) => ({
      app_id: opts.appId,
      oa_id: opts.oaId,
      user_id: user.userId,
      event_name: 'user_click_chatnow',
      timestamp: ts(),
    }),
    submitInfo: (user, info) => ({
      app_id: opts.appId,
      user_id_by_app: user.userIdByApp,
      event_name: 'user_submit_info',
      timestamp: ts(),
      sender: { id: user.userId },
      recipient: { id: opts.oaId },
      info: definedOnly(info),
    }),
    seen: (user, msgIds) => ({
      app_id: opts.appId,
      event_name: 'user_seen_message',
      timestamp: ts(),
      sender: { id: opts.oaId },
      recipient: { id: user.userId },
      message: { msg_ids: msgIds },
    }),
    oaEcho: (user, eventName, message) => ({
      app_id: opts.appId,
      event_name: eventName,
      timestamp: ts(),
      sender: { id: opts.oaId },
      recipient: { id: user.userId },
      message: definedOnly(message),
    }),
  };
}
