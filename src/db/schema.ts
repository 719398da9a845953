import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/**
 * The relational schema. The same tables run on PGlite and PostgreSQL; every
 * row carries its OA so one deployment can serve several communes.
 */

/** Every webhook event a worker has processed; the unique key makes processing exactly-once. */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    eventName: text('event_name').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
    event: jsonb('event').notNull(),
  },
  (t) => [index('inbound_events_conversation_idx').on(t.oaId, t.userId, t.id)],
);

/** One row per (OA, resident): language, Zalo window bookkeeping and flow state. */
export const conversations = pgTable(
  'conversations',
  {
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    locale: text('locale'),
    /** Last time the resident did something Zalo counts as an interaction (opens the CS window). */
    lastInteractionAt: timestamp('last_interaction_at', { withTimezone: true }),
    following: boolean('following'),
    state: jsonb('state')
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.oaId, t.userId] })],
);

/**
 * Messages to send, written in the same transaction as the change that caused
 * them. The row id is the send job's id, so a message is sent at most once.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    /** reply | notify | broadcast: the rate-budget lane. */
    lane: text('lane').notNull(),
    /** The inbound event (dedupe key) or action that caused this message, for audit and ordering checks. */
    cause: text('cause'),
    /** The Zalo `message` object of a /v3.0/oa/message/cs body. */
    message: jsonb('message').notNull(),
    /** pending → sending → sent | held | refused | failed. */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Why the message is held, refused or failed (a policy reason or a Zalo error code). */
    reason: text('reason'),
    zaloMessageId: text('zalo_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** Earliest time a held message may go (quiet hours). */
    notBefore: timestamp('not_before', { withTimezone: true }),
  },
  (t) => [
    index('outbox_status_idx').on(t.status, t.createdAt),
    index('outbox_conversation_idx').on(t.oaId, t.userId, t.id),
    // Matching Zalo's oa_send_* echoes to the row they echo.
    index('outbox_zalo_message_idx').on(t.oaId, t.zaloMessageId),
  ],
);

/** The OA's current access/refresh token pair. Refresh tokens are single-use: store before use. */
export const zaloTokens = pgTable('zalo_tokens', {
  oaId: text('oa_id').primaryKey(),
  accessToken: text('access_token'),
  refreshToken: text('refresh_token'),
  accessExpiresAt: timestamp('access_expires_at', { withTimezone: true }),
  refreshExpiresAt: timestamp('refresh_expires_at', { withTimezone: true }),
  /** Increments on every refresh; lets a waiter see that someone else refreshed. */
  generation: integer('generation').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
