import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
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
    /** Set when the resident sent an opt-out word (HỦY, DỪNG, STOP): no broadcasts until they opt back in. */
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
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
    /** pending → sending → sent | held | refused | failed; a cancelled broadcast's unsent rows become cancelled. */
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
    /** From Zalo's `user_received_message` / `user_seen_message` receipts. */
    receivedAt: timestamp('received_at', { withTimezone: true }),
    seenAt: timestamp('seen_at', { withTimezone: true }),
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

/** Each answer a resident gave to the data-use notice (versioned), kept as proof of consent. */
export const consents = pgTable(
  'consents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    /** The notice's version, e.g. `2026-12`; a new version asks again. */
    version: text('version').notNull(),
    /** accepted | declined */
    decision: text('decision').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('consents_resident_idx').on(t.oaId, t.userId, t.id)],
);

/** What a resident shared through Zalo's request_user_info form (`user_submit_info`). */
export const residentProfiles = pgTable(
  'resident_profiles',
  {
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    name: text('name'),
    phone: text('phone'),
    address: text('address'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.oaId, t.userId] })],
);

/**
 * A dossier (hồ sơ) assembled in Zalo. `stage` is collecting → submitted (or cancelled);
 * once submitted, `status` is the national status code (1–10) and `code` the dossier code.
 */
export const dossiers = pgTable(
  'dossiers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    procedureCode: text('procedure_code').notNull(),
    code: text('code').unique(),
    /** collecting | submitted | cancelled */
    stage: text('stage').notNull().default('collecting'),
    /** Where the intake stands while collecting: consent | identity | slots | channel | address | confirm. */
    step: text('step').notNull().default('consent'),
    /** The slot being collected (index into the procedure's photo slots). */
    slotIndex: integer('slot_index').notNull().default(0),
    /** Slots the resident chose to skip. */
    skipped: jsonb('skipped')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    status: integer('status'),
    /** desk | post: where the result is handed over. */
    channel: text('channel'),
    postAddress: text('post_address'),
    consentId: bigint('consent_id', { mode: 'number' }),
    /** Ngày hẹn trả kết quả, a local date (YYYY-MM-DD). */
    appointmentDate: text('appointment_date'),
    /** Slots an officer asked to have again (status 5), and the note sent with the request. */
    supplementSlots: jsonb('supplement_slots')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    supplementNote: text('supplement_note'),
    supplementedAt: timestamp('supplemented_at', { withTimezone: true }),
    /** Why the dossier was refused or stopped, as told to the resident. */
    reason: text('reason'),
    /** The appointment date a reminder was last sent for. */
    remindedFor: text('reminded_for'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** When the retention job deletes the dossier and its files. */
    purgeAfter: timestamp('purge_after', { withTimezone: true }),
  },
  (t) => [
    index('dossiers_resident_idx').on(t.oaId, t.userId, t.id),
    index('dossiers_due_idx').on(t.status, t.appointmentDate),
    index('dossiers_purge_idx').on(t.purgeAfter),
  ],
);

/**
 * Photos and files residents sent for a dossier or a complaint: stored encrypted under the data
 * directory (`path`), identified by the plaintext's SHA-256; never in Redis or job data.
 */
export const storedFiles = pgTable(
  'stored_files',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** dossier | complaint */
    ownerKind: text('owner_kind').notNull(),
    ownerId: bigint('owner_id', { mode: 'number' }).notNull(),
    /** The document slot (dossier) or `photo` (complaint). */
    slot: text('slot').notNull(),
    /** The file store's id (bound into the encryption) and relative path. */
    fileId: text('file_id').notNull(),
    path: text('path').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    mime: text('mime').notNull(),
    width: integer('width'),
    height: integer('height'),
    /** The Zalo message that carried it. */
    msgId: text('msg_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('stored_files_owner_idx').on(t.ownerKind, t.ownerId, t.slot),
    uniqueIndex('stored_files_same_content_idx').on(t.ownerKind, t.ownerId, t.sha256),
  ],
);

/** A dossier's history: submission, every status change, supplements, reminders, apologies. */
export const dossierEvents = pgTable(
  'dossier_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dossierId: bigint('dossier_id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    fromStatus: integer('from_status'),
    toStatus: integer('to_status'),
    /** `resident`, `system` or `officer:<name>`. */
    actor: text('actor').notNull(),
    note: text('note'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dossier_events_dossier_idx').on(t.dossierId, t.id)],
);

/** Daily sequence numbers per agency code, for dossier codes `<agency>-<yyMMdd>-<nnnn>`. */
export const dossierSequences = pgTable(
  'dossier_sequences',
  {
    agency: text('agency').notNull(),
    day: text('day').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.agency, t.day] })],
);

/** Draft and sent apology letters (Phiếu xin lỗi và hẹn lại ngày trả kết quả). */
export const apologies = pgTable(
  'apologies',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    dossierId: bigint('dossier_id', { mode: 'number' }).notNull(),
    /** The appointment date that will be missed, and the new one proposed. */
    dueDate: text('due_date').notNull(),
    proposedDate: text('proposed_date').notNull(),
    reason: text('reason'),
    /** draft | sent | dismissed */
    status: text('status').notNull().default('draft'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('apologies_dossier_due_idx').on(t.dossierId, t.dueDate)],
);

/** A resident's rating (1–5) of a finished dossier or a resolved chat, with an optional comment. */
export const ratings = pgTable(
  'ratings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    /** dossier | ticket */
    subjectKind: text('subject_kind').notNull(),
    subjectId: bigint('subject_id', { mode: 'number' }).notNull(),
    procedureCode: text('procedure_code'),
    score: integer('score').notNull(),
    comment: text('comment'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ratings_subject_idx').on(t.subjectKind, t.subjectId)],
);

/** Phản ánh, kiến nghị: a resident's report or complaint, with a tracking code and the office's answer. */
export const complaints = pgTable(
  'complaints',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    code: text('code').unique(),
    category: text('category'),
    text: text('text'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    /** drafting | open | answered */
    status: text('status').notNull().default('drafting'),
    /** While drafting: category | text | photos | location | confirm. */
    step: text('step').notNull().default('category'),
    response: text('response'),
    respondedBy: text('responded_by'),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    purgeAfter: timestamp('purge_after', { withTimezone: true }),
  },
  (t) => [index('complaints_resident_idx').on(t.oaId, t.userId, t.id)],
);

/** Things an officer should look at (a new dossier, a supplement, an apology draft, a complaint). */
export const staffNotices = pgTable(
  'staff_notices',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    oaId: text('oa_id').notNull(),
    kind: text('kind').notNull(),
    subjectKind: text('subject_kind').notNull(),
    subjectId: bigint('subject_id', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    seenAt: timestamp('seen_at', { withTimezone: true }),
  },
  (t) => [index('staff_notices_open_idx').on(t.oaId, t.seenAt, t.id)],
);

/** Who did what to which record, when: every officer action and every read of documents. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectKind: text('subject_kind'),
    subjectId: text('subject_id'),
    details: jsonb('details'),
  },
  (t) => [index('audit_log_subject_idx').on(t.subjectKind, t.subjectId, t.id)],
);

/** Status lookups by dossier code, for the per-resident daily limit. */
export const lookupAttempts = pgTable(
  'lookup_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    ok: boolean('ok').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('lookup_attempts_resident_idx').on(t.oaId, t.userId, t.at)],
);

/**
 * A person who signs in to the officer console. `username` is stored lower-case; `oaIds` are
 * the OAs the account may work on (admins too). Failed logins lock the account for a while.
 */
export const consoleUsers = pgTable(
  'console_users',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    /** An argon2id PHC string. */
    passwordHash: text('password_hash').notNull(),
    /** officer | editor | admin */
    role: text('role').notNull(),
    oaIds: jsonb('oa_ids')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Failed logins since the last success or lockout. */
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [
    check('console_users_username_lower', sql`${t.username} = lower(${t.username})`),
    check('console_users_role_known', sql`${t.role} in ('officer', 'editor', 'admin')`),
  ],
);

/** Console login sessions (express-session rows); `userId` lets one user's sessions all be ended. */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    sid: text('sid').primaryKey(),
    userId: bigint('user_id', { mode: 'number' }).references(() => consoleUsers.id, { onDelete: 'cascade' }),
    data: jsonb('data').notNull(),
    expires: timestamp('expires', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('console_sessions_user_idx').on(t.userId),
    index('console_sessions_expires_idx').on(t.expires),
  ],
);

/**
 * A resident waiting for, or talking with, an officer. At most one unresolved ticket per resident;
 * while one is `open` (claimed) the bot stays quiet in that chat.
 */
export const tickets = pgTable(
  'tickets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    /** waiting | open | resolved */
    status: text('status').notNull().default('waiting'),
    /** asked | misses | zalo_admin */
    reason: text('reason').notNull(),
    /** The console username that claimed it, or `zalo-admin` for a reply typed in Zalo's OA chat. */
    officer: text('officer'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** Set once when a waiting ticket passed TICKET_ESCALATE_MINUTES of office time unclaimed. */
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('tickets_one_unresolved_idx')
      .on(t.oaId, t.userId)
      .where(sql`${t.status} <> 'resolved'`),
    index('tickets_queue_idx').on(t.oaId, t.status, t.id),
  ],
);

/** A follower's tags: a hamlet (thôn), a topic; set by staff, read from Zalo, or chosen in chat. */
export const followerTags = pgTable(
  'follower_tags',
  {
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    tag: text('tag').notNull(),
    /** staff | zalo | resident */
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.oaId, t.userId, t.tag] }),
    index('follower_tags_tag_idx').on(t.oaId, t.tag, t.userId),
  ],
);

/**
 * A notice to followers. `body` is what staff composed (text, optional image file, optional link
 * button); `audience` says who gets it. Recipients are fixed when sending starts.
 */
export const broadcasts = pgTable(
  'broadcasts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    oaId: text('oa_id').notNull(),
    title: text('title').notNull(),
    body: jsonb('body').notNull(),
    audience: jsonb('audience').notNull(),
    /** suggested | draft | awaiting_approval | scheduled | sending | paused | cancelled | done */
    status: text('status').notNull().default('draft'),
    /** Why it exists when the system proposed it, e.g. `procedure:1.001193`. */
    cause: text('cause'),
    needsApproval: boolean('needs_approval').notNull().default(false),
    createdBy: text('created_by'),
    approvedBy: text('approved_by'),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** The image uploaded to Zalo for this broadcast and when (attachment ids expire after about 7 days). */
    zaloAttachmentId: text('zalo_attachment_id'),
    attachmentUploadedAt: timestamp('attachment_uploaded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('broadcasts_oa_status_idx').on(t.oaId, t.status, t.id)],
);

/**
 * One row per broadcast and resident, written when sending starts. A recipient gets at most one
 * outbox row (set in the same statement that marks it dispatched), so a restart sends no one twice.
 */
export const broadcastRecipients = pgTable(
  'broadcast_recipients',
  {
    broadcastId: bigint('broadcast_id', { mode: 'number' }).notNull(),
    userId: text('user_id').notNull(),
    /** queued | dispatched | refused | cancelled; after dispatch the outbox row tells the rest. */
    status: text('status').notNull(),
    /** Why refused before sending: opted_out | unfollowed | window_closed. */
    reason: text('reason'),
    outboxId: bigint('outbox_id', { mode: 'number' }),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.broadcastId, t.userId] }),
    index('broadcast_recipients_status_idx').on(t.broadcastId, t.status, t.userId),
  ],
);

/** The procedures a resident asked about, so a change can be told to those who asked recently. */
export const procedureInterest = pgTable(
  'procedure_interest',
  {
    oaId: text('oa_id').notNull(),
    userId: text('user_id').notNull(),
    procedureCode: text('procedure_code').notNull(),
    lastAskedAt: timestamp('last_asked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.oaId, t.userId, t.procedureCode] }),
    index('procedure_interest_code_idx').on(t.oaId, t.procedureCode, t.lastAskedAt),
  ],
);

/** The last seen content fingerprint of each procedure per OA; a change offers staff a notice. */
export const procedureFingerprints = pgTable(
  'procedure_fingerprints',
  {
    oaId: text('oa_id').notNull(),
    procedureCode: text('procedure_code').notNull(),
    fingerprint: text('fingerprint').notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.oaId, t.procedureCode] })],
);
