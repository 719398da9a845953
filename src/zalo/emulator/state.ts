import type { RawAttachment } from '../events.js';
import { createFaultInjector, type FaultInjector } from './faults.js';
import { createHub, type Hub } from './hub.js';
import { appScopedUserId } from './ids.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { createTokenStore, type TokenStore } from './tokens.js';

/** What a resident shared in answer to a request_user_info template. */
export interface SubmittedInfo {
  name?: string;
  phone?: string;
  address?: string;
  ward?: string;
  district?: string;
  city?: string;
}

/** A resident (Zalo user) known to the emulator. */
export interface EmulatorUser {
  userId: string;
  userIdByApp: string;
  displayName: string;
  follower: boolean;
  createdAt: number;
  /** Last interaction that opens the 7-day consultation window (message, follow, chat-now, shared info). */
  lastInteractionAt?: number;
  /** Last time the resident sent a message. */
  lastMessageAt?: number;
  tags: Set<string>;
  sharedInfo?: SubmittedInfo;
  /** msg id of the newest request_user_info the OA sent and the resident has not answered. */
  pendingInfoRequest?: string;
}

/** A message the OA sent, as stored in the per-resident log. */
export interface OaEntry {
  direction: 'oa';
  messageId: string;
  sentTime: number;
  eventName: string;
  /** The `message` object exactly as the OA posted it. */
  message: Record<string, unknown>;
  seen: boolean;
}

/** Webhook state of a resident's message. */
export interface EntryDelivery {
  status: 'queued' | 'delivered' | 'retrying' | 'given_up' | 'cancelled';
  attempts: number;
  lastStatus?: number;
}

/** A message the resident sent, as stored in the per-resident log. */
export interface UserEntry {
  direction: 'user';
  messageId: string;
  sentTime: number;
  eventName: string;
  text?: string;
  attachments: RawAttachment[];
  /** Sent by an `oa.query.hide` button: delivered but not shown in the chat. */
  hidden: boolean;
  delivery: EntryDelivery;
}

/** One line of a conversation. */
export type ConversationEntry = OaEntry | UserEntry;

/** A stored upload: OA media/files from the upload API, or media a resident sent. */
export interface StoredUpload {
  id: string;
  kind: 'image' | 'gif' | 'file' | 'resident';
  name: string;
  mime: string;
  size: number;
  createdAt: number;
  /** Bytes, kept for the newest uploads only. */
  data?: Buffer;
}

/** Counters reported by `GET /api/stats` (webhook counters live in the sender). */
export interface EmulatorCounters {
  apiCalls: number;
  sends: number;
  uploads: number;
  refreshes: number;
  refreshFailures: number;
  codeGrants: number;
  rejects: Map<number, number>;
}

/** A live update pushed to chat pages watching one resident. */
export type LiveEvent =
  | { type: 'message'; entry: ConversationEntry }
  | { type: 'user'; user: EmulatorUser }
  | { type: 'delivery'; messageId: string; delivery: EntryDelivery }
  | { type: 'reset' };

/** The emulator's whole in-memory state. Nothing is persisted. */
export interface EmulatorState {
  readonly appId: string;
  readonly oaId: string;
  readonly now: () => number;
  readonly users: Map<string, EmulatorUser>;
  readonly conversations: Map<string, ConversationEntry[]>;
  readonly uploads: Map<string, StoredUpload>;
  readonly tags: Set<string>;
  readonly counters: EmulatorCounters;
  readonly tokens: TokenStore;
  readonly faults: FaultInjector;
  readonly limiter: RateLimiter;
  readonly live: Hub<LiveEvent>;
  /** A resident by id, if known. */
  user(userId: string): EmulatorUser | undefined;
  /** A resident by id, created (not following, no interaction) when unknown. */
  ensureUser(userId: string, displayName?: string): EmulatorUser;
  /** Every known resident, oldest first. */
  listUsers(): EmulatorUser[];
  /** Publishes a resident's changed profile to live listeners. */
  userChanged(user: EmulatorUser): void;
  /** A resident's conversation, oldest first. */
  conversation(userId: string): readonly ConversationEntry[];
  /** Appends to a resident's conversation and publishes it. */
  append(userId: string, entry: ConversationEntry): void;
  /** Finds one message in a resident's conversation. */
  findEntry(userId: string, messageId: string): ConversationEntry | undefined;
  /** Stores an upload, keeping bytes only for the newest ones. */
  addUpload(upload: StoredUpload): void;
  /** Counts a non-zero Zalo error answered to a caller. */
  recordReject(code: number): void;
  /** Clears residents, conversations, uploads, tags, counters and faults; tokens too when asked. */
  reset(opts?: { tokens?: boolean }): void;
}

const MAX_UPLOADS_WITH_BYTES = 500;

/** Creates empty state for one OA. */
export function createEmulatorState(opts: {
  appId: string;
  oaId: string;
  now: () => number;
  accessTokenTtlSeconds: number;
  initialRefreshToken: string;
  initialAccessToken?: string;
  rateLimitPerMinute: number;
}): EmulatorState {
  const users = new Map<string, EmulatorUser>();
  const conversations = new Map<string, ConversationEntry[]>();
  const uploads = new Map<string, StoredUpload>();
  const uploadOrder: string[] = [];
  const tags = new Set<string>();
  const counters: EmulatorCounters = {
    apiCalls: 0,
    sends: 0,
    uploads: 0,
    refreshes: 0,
    refreshFailures: 0,
    codeGrants: 0,
    rejects: new Map(),
  };
  const live = createHub<LiveEvent>();
  const tokens = createTokenStore({
    now: opts.now,
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds,
    initialRefreshToken: opts.initialRefreshToken,
    initialAccessToken: opts.initialAccessToken,
  });
  const faults = createFaultInjector();
  const limiter = createRateLimiter({ perMinute: opts.rateLimitPerMinute, now: opts.now });

  const state: EmulatorState = {
    appId: opts.appId,
    oaId: opts.oaId,
    now: opts.now,
    users,
    conversations,
    uploads,
    tags,
    counters,
    tokens,
    faults,
    limiter,
    live,
    user: (userId) => users.get(userId),
    ensureUser(userId, displayName) {
      let user = users.get(userId);
      if (!user) {
        user = {
          userId,
          userIdByApp: appScopedUserId(opts.appId, userId),
          displayName: displayName?.trim() || `Người dân ${userId.slice(-4)}`,
          follower: false,
          createdAt: opts.now(),
          tags: new Set(),
        };
        users.set(userId, user);
        live.publish(userId, { type: 'user', user });
      } else if (displayName?.trim() && displayName.trim() !== user.displayName) {
        user.displayName = displayName.trim();
        live.publish(userId, { type: 'user', user });
      }
      return user;
    },
    listUsers: () => [...users.values()],
    userChanged(user) {
      live.publish(user.userId, { type: 'user', user });
    },
    conversation: (userId) => conversations.get(userId) ?? [],
    append(userId, entry) {
      let list = conversations.get(userId);
      if (!list) conversations.set(userId, (list = []));
      list.push(entry);
      live.publish(userId, { type: 'message', entry });
    },
    findEntry: (userId, messageId) => conversations.get(userId)?.find((e) => e.messageId === messageId),
    addUpload(upload) {
      uploads.set(upload.id, upload);
      uploadOrder.push(upload.id);
      while (uploadOrder.length > MAX_UPLOADS_WITH_BYTES) {
        const old = uploads.get(uploadOrder.shift()!);
        if (old) delete old.data;
      }
    },
    recordReject(code) {
      counters.rejects.set(code, (counters.rejects.get(code) ?? 0) + 1);
    },
    reset(resetOpts) {
      users.clear();
      conversations.clear();
      uploads.clear();
      uploadOrder.length = 0;
      tags.clear();
      counters.apiCalls = 0;
      counters.sends = 0;
      counters.uploads = 0;
      counters.refreshes = 0;
      counters.refreshFailures = 0;
      counters.codeGrants = 0;
      counters.rejects.clear();
      faults.clear();
      limiter.reset();
      if (resetOpts?.tokens) tokens.reset();
      live.broadcast({ type: 'reset' });
    },
  };
  return state;
}
