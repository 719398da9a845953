import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { conversations, inboundEvents } from '../db/schema.js';
import { asLocale, type Locale } from '../i18n.js';
import type { Logger } from '../log.js';
import { addToOutbox, pendingForConversation, type Executor, type PendingRow } from '../queue/outbox.js';
import type { OutboundProducer } from '../queue/outbound.js';
import type { InboundJobData } from '../queue/inbound.js';
import type { OaEchoEvent, ZaloEvent } from '../zalo/events.js';
import type { OwnSends } from '../zalo/own-sends.js';
import type { Desk } from '../dossiers/desk.js';
import type { PreparedMedia } from '../dossiers/media.js';
import { isOwnEchoInOutbox } from './echoes.js';
import { activeTicket, openTicket, releaseHeldReplies, ZALO_ADMIN } from '../handoff/tickets.js';
import {
  asConversationState,
  respond,
  type ConversationState,
  type RespondContext,
  type Reply,
} from './respond.js';
import type { Subscriptions } from '../broadcasts/subscriptions.js';
import { recordProcedureInterest } from '../broadcasts/interest.js';
import { recordReceipt } from '../broadcasts/receipts.js';

/** What processing an inbound event needs. */
export interface InboundDeps {
  db: Database;
  outbound: OutboundProducer;
  defaultLocale: Locale;
  logger: Logger;
  /** What answering needs for one OA: flows, its catalogue view, the matcher, translations. */
  conversation: (oaId: string) => RespondContext;
  /** The registry the sender fills; an echo that beat the webhook's check is usually claimable here. */
  ownSends?: Pick<OwnSends, 'claimEcho'>;
  /** Dossiers and complaints in chat; without it the bot only answers questions. */
  desk?: Desk;
  /** Opting out of notices and back in, and topics, by chat; seen before the desk. */
  subscriptions?: Subscriptions;
  /** Told after a resident's message or an officer's echo is stored, so the console updates live. */
  onActivity?: (oaId: string, userId: string) => void;
  now?: () => number;
}

/** Result of handling one event, for metrics and tests. */
export type InboundOutcome = { status: 'duplicate' } | { status: 'processed'; replies: number };

/**
 * Processes one event exactly once. A resident's action is recorded (its dedupe
 * key is unique), updates the conversation and writes the replies to the outbox
 * in one transaction; then the new rows are queued. Echoes, receipts and
 * unknown events are only recorded; an echo of motcua's own send is dropped,
 * since the outbox already holds it. A redelivered event changes nothing but
 * re-queues the conversation's pending rows, which repairs a crash between
 * commit and queueing without breaking their order.
 */
export async function processInboundEvent(deps: InboundDeps, data: InboundJobData): Promise<InboundOutcome> {
  const { event } = data;
  if (event.kind === 'oa_echo' && (await isOwnEcho(deps, event))) {
    deps.logger.debug({ event: event.eventName }, 'own echo: the outbox already holds it');
    return { status: 'duplicate' };
  }
  // Photos are downloaded before the transaction: Zalo's URLs expire, and a download must not hold it open.
  const media = deps.desk && actsOnConversation(event) ? await deps.desk.prepare(deps.db, event) : undefined;
  let outcome: Handled;
  try {
    outcome = actsOnConversation(event)
      ? await handleResidentAction(deps, data, media)
      : {
          status: (await recordOnly(deps, data)) ? 'processed' : 'duplicate',
          replies: [],
          removeAfterCommit: [],
        };
  } catch (err) {
    await deps.desk?.remove(storedPaths(media));
    throw err;
  }
  if (outcome.status === 'duplicate') await deps.desk?.remove(storedPaths(media));
  if (outcome.removeAfterCommit.length > 0) await deps.desk?.remove(outcome.removeAfterCommit);
  if (outcome.status === 'duplicate' && event.userId) await flushConversation(deps, event.oaId, event.userId);
  if (outcome.replies.length > 0) await deps.outbound.enqueue(outcome.replies);
  if (outcome.status === 'processed' && event.userId) deps.onActivity?.(event.oaId, event.userId);
  deps.logger.debug(
    { event: event.eventName, dedupeKey: event.dedupeKey, outcome: outcome.status },
    'inbound event handled',
  );
  return outcome.status === 'duplicate'
    ? { status: 'duplicate' }
    : { status: 'processed', replies: outcome.replies.length };
}

/** An echo of motcua's own send: claimed from the sender's registry, else matched in the outbox. */
async function isOwnEcho(deps: InboundDeps, event: OaEchoEvent): Promise<boolean> {
  if (event.adminId) return false;
  if (await deps.ownSends?.claimEcho(event.oaId, event.msgId).catch(() => false)) return true;
  return isOwnEchoInOutbox(deps.db, event);
}

type Handled = { status: 'processed' | 'duplicate'; replies: PendingRow[]; removeAfterCommit: string[] };

function withoutPosition(state: ConversationState): ConversationState {
  const { position: _left, ...rest } = state;
  return rest;
}

function storedPaths(media: PreparedMedia[] | undefined): string[] {
  return (media ?? []).flatMap((m) => (m.ok ? [m.path] : []));
}

async function handleResidentAction(
  deps: InboundDeps,
  data: InboundJobData,
  media: PreparedMedia[] | undefined,
): Promise<Handled> {
  const { event } = data;
  const discardMedia: string[] = [];
  const handled = await deps.db.transaction(async (tx): Promise<Handled> => {
    if (!(await recordEvent(tx, data))) return { status: 'duplicate', replies: [], removeAfterCommit: [] };
    const saved = await touchConversation(tx, event, deps.defaultLocale);
    // The resident just wrote: replies held for a closed window may go now.
    const released = isInteraction(event) ? await releaseHeldReplies(tx, event.oaId, event.userId) : [];
    const ticket = await activeTicket(tx, event.oaId, event.userId);
    if (ticket?.status === 'open') {
      // An officer owns this chat: the bot stays quiet; the console shows the message.
      discardMedia.push(...storedPaths(media));
      return { status: 'processed', replies: released, removeAfterCommit: [] };
    }
    const now = deps.now?.() ?? Date.now();
    const notices = await deps.subscriptions?.handle(tx, { event, locale: saved.locale, now: new Date(now) });
    const desk =
      deps.desk && !notices?.handled
        ? await deps.desk.handle(tx, {
            event,
            locale: saved.locale,
            state: saved.state.desk,
            ...(media ? { media } : {}),
            now: new Date(now),
          })
        : undefined;
    // A message the desk or the notices answered leaves any flow the resident was in: they moved on.
    const answered = notices?.handled ? notices : desk?.handled ? desk : undefined;
    const reply: Reply = answered
      ? {
          messages: answered.messages,
          locale: saved.locale,
          state: { ...withoutPosition(saved.state), lastActiveAt: now },
        }
      : respond(deps.conversation(event.oaId), { event, locale: saved.locale, state: saved.state, now });
    if (desk && !desk.handled) reply.messages.push(...desk.messages);
    if (desk) {
      if (desk.state) reply.state.desk = desk.state;
      else delete reply.state.desk;
    }
    if (notices?.handled) delete reply.state.desk;
    if (reply.answered) {
      await recordProcedureInterest(tx, {
        oaId: event.oaId,
        userId: event.userId,
        code: reply.answered,
        at: new Date(now),
      });
    }
    await saveConversation(tx, event, reply.locale, reply.state);
    const messages = reply.messages.map((message) => ({
      oaId: event.oaId,
      userId: event.userId,
      lane: 'reply' as const,
      message,
      cause: event.dedupeKey,
    }));
    const ids = await addToOutbox(tx, messages);
    const replies = ids.map((id) => ({ id, oaId: event.oaId, userId: event.userId, lane: 'reply' }));
    return {
      status: 'processed',
      replies: [...released, ...replies],
      removeAfterCommit: desk?.removeAfterCommit ?? [],
    };
  });
  return { ...handled, removeAfterCommit: [...handled.removeAfterCommit, ...discardMedia] };
}

/** Events from the resident that change the conversation; the rest (echoes, receipts, unknown) are only recorded. */
export function actsOnConversation(event: ZaloEvent): boolean {
  if (!event.userId) return false;
  return event.kind !== 'oa_echo' && event.kind !== 'receipt' && event.kind !== 'unknown';
}

/** Queues every pending outbox row of one conversation, oldest first. Safe to repeat: job ids dedupe. */
export async function flushConversation(
  deps: Pick<InboundDeps, 'db' | 'outbound'>,
  oaId: string,
  userId: string,
) {
  const rows = await pendingForConversation(deps.db, oaId, userId);
  if (rows.length > 0) await deps.outbound.enqueue(rows);
}

/**
 * Records an event that does not change the conversation. An echo of a message a person typed in
 * Zalo's own OA chat tool also opens a ticket owned by that person, so the bot steps back.
 */
async function recordOnly(deps: InboundDeps, data: InboundJobData): Promise<boolean> {
  const { event } = data;
  if (event.kind === 'receipt') {
    return deps.db.transaction(async (tx) => {
      if (!(await recordEvent(tx, data))) return false;
      const at = new Date(event.timestamp > 0 ? event.timestamp : data.receivedAt);
      await recordReceipt(tx, { oaId: event.oaId, eventName: event.eventName, msgIds: event.msgIds, at });
      return true;
    });
  }
  if (event.kind !== 'oa_echo' || !event.adminId || !event.userId) return recordEvent(deps.db, data);
  const { userId } = event;
  return deps.db.transaction(async (tx) => {
    if (!(await recordEvent(tx, data))) return false;
    await openTicket(tx, { oaId: event.oaId, userId, reason: 'zalo_admin', officer: ZALO_ADMIN });
    return true;
  });
}

async function recordEvent(tx: Executor, data: InboundJobData): Promise<boolean> {
  const e = data.event;
  const inserted = await tx
    .insert(inboundEvents)
    .values({
      oaId: e.oaId,
      userId: e.userId,
      dedupeKey: e.dedupeKey,
      eventName: e.eventName,
      occurredAt: e.timestamp > 0 ? new Date(e.timestamp) : null,
      receivedAt: new Date(data.receivedAt),
      event: data.raw === undefined ? e : { ...e, raw: data.raw },
    })
    .onConflictDoNothing({ target: inboundEvents.dedupeKey })
    .returning({ id: inboundEvents.id });
  return inserted.length > 0;
}

/** Events Zalo counts as the resident interacting with the OA (they open the consultation window). */
function isInteraction(event: ZaloEvent): boolean {
  return (
    event.kind === 'user_message' ||
    event.kind === 'follow' ||
    event.kind === 'chat_now' ||
    event.kind === 'user_submit_info'
  );
}

async function touchConversation(
  tx: Executor,
  event: ZaloEvent,
  fallback: Locale,
): Promise<{ locale: Locale; state: ConversationState }> {
  const at = new Date(event.timestamp > 0 ? event.timestamp : Date.now());
  const following = event.kind === 'follow' ? true : event.kind === 'unfollow' ? false : undefined;
  const interaction = isInteraction(event) ? at : undefined;
  const [row] = await tx
    .insert(conversations)
    .values({
      oaId: event.oaId,
      userId: event.userId,
      lastInteractionAt: interaction ?? null,
      following: following ?? null,
    })
    .onConflictDoUpdate({
      target: [conversations.oaId, conversations.userId],
      set: {
        updatedAt: sql`now()`,
        ...(interaction
          ? {
              lastInteractionAt: sql`greatest(${conversations.lastInteractionAt}, ${interaction.toISOString()}::timestamptz)`,
            }
          : {}),
        ...(following === undefined ? {} : { following }),
      },
    })
    .returning({ locale: conversations.locale, state: conversations.state });
  return { locale: asLocale(row?.locale, fallback), state: asConversationState(row?.state) };
}

async function saveConversation(tx: Executor, event: ZaloEvent, locale: Locale, state: ConversationState) {
  await tx
    .update(conversations)
    .set({ locale, state })
    .where(and(eq(conversations.oaId, event.oaId), eq(conversations.userId, event.userId)));
}
