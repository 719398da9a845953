import { and, desc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { auditLog, conversations, outbox, tickets } from '../db/schema.js';
import type { Tx } from '../dossiers/repo.js';
import { addToOutbox, type PendingRow } from '../queue/outbox.js';
import { CONSULTATION_WINDOW_MS } from '../zalo/policy.js';
import type { ZaloMessage } from '../zalo/messages.js';

/**
 * Handoff tickets: a resident asks for a person (or the bot keeps missing), a ticket waits for an
 * officer, one officer claims it, replies go through the outbox, and resolving it hands the chat
 * back to the bot. While a ticket is claimed the bot stays quiet for that resident.
 */

/** A ticket row. */
export type TicketRow = typeof tickets.$inferSelect;

/** The owner of a ticket opened by a reply typed in Zalo's own OA chat tool. */
export const ZALO_ADMIN = 'zalo-admin';

/** Why a ticket was opened. */
export type TicketReason = 'asked' | 'misses' | 'zalo_admin';

/** The resident's unresolved ticket, if any. */
export async function activeTicket(tx: Pick<Database, 'select'>, oaId: string, userId: string) {
  const [row] = await tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.oaId, oaId), eq(tickets.userId, userId), ne(tickets.status, 'resolved')))
    .orderBy(desc(tickets.id))
    .limit(1);
  return row;
}

/** Opens a ticket for the resident unless one is open already; returns it and whether it is new. */
export async function openTicket(
  tx: Tx,
  v: { oaId: string; userId: string; reason: TicketReason; officer?: string },
): Promise<{ ticket: TicketRow; created: boolean }> {
  const existing = await activeTicket(tx, v.oaId, v.userId);
  if (existing) return { ticket: existing, created: false };
  const inserted = await tx
    .insert(tickets)
    .values({
      oaId: v.oaId,
      userId: v.userId,
      reason: v.reason,
      ...(v.officer ? { status: 'open', officer: v.officer, claimedAt: new Date() } : {}),
    })
    .onConflictDoNothing()
    .returning();
  if (inserted[0]) return { ticket: inserted[0], created: true };
  const raced = await activeTicket(tx, v.oaId, v.userId);
  return { ticket: raced!, created: false };
}

/** Tickets not yet resolved, oldest first, with their place in line. */
export async function openTickets(db: Pick<Database, 'select'>, oaIds: string[]) {
  if (oaIds.length === 0) return [];
  return db
    .select()
    .from(tickets)
    .where(and(inArray(tickets.oaId, oaIds), ne(tickets.status, 'resolved')))
    .orderBy(tickets.id)
    .limit(500);
}

/** How a claim ended: the officer got it, another officer was first, or the officer has enough chats. */
export type ClaimOutcome = 'claimed' | 'taken' | 'full';

/**
 * Claims a waiting ticket for an officer. Of two officers claiming at once exactly one gets it
 * (`UPDATE … WHERE status = 'waiting'`); an officer already owning `capacity` chats gets `full`.
 */
export async function claimTicket(
  db: Database,
  id: number,
  officer: string,
  capacity = Number.POSITIVE_INFINITY,
): Promise<ClaimOutcome> {
  if (Number.isFinite(capacity)) {
    const [owned] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(tickets)
      .where(and(eq(tickets.officer, officer), eq(tickets.status, 'open')));
    if ((owned?.n ?? 0) >= capacity) return 'full';
  }
  const won = await db
    .update(tickets)
    .set({ status: 'open', officer, claimedAt: new Date() })
    .where(
      and(
        eq(tickets.id, id),
        // A chat answered in Zalo's own OA tool can be taken over from the console.
        or(eq(tickets.status, 'waiting'), and(eq(tickets.status, 'open'), eq(tickets.officer, ZALO_ADMIN))),
      ),
    )
    .returning({ id: tickets.id });
  if (won.length === 0) return 'taken';
  await db.insert(auditLog).values({
    actor: `officer:${officer}`,
    action: 'ticket.claim',
    subjectKind: 'ticket',
    subjectId: String(id),
  });
  return 'claimed';
}

/** Hands an open ticket from its owner to another officer; false when it is not the owner's. */
export async function transferTicket(db: Database, id: number, from: string, to: string): Promise<boolean> {
  const moved = await db
    .update(tickets)
    .set({ officer: to, claimedAt: new Date() })
    .where(and(eq(tickets.id, id), eq(tickets.status, 'open'), eq(tickets.officer, from)))
    .returning({ id: tickets.id });
  if (moved.length === 0) return false;
  await db.insert(auditLog).values({
    actor: `officer:${from}`,
    action: 'ticket.transfer',
    subjectKind: 'ticket',
    subjectId: String(id),
    details: { to },
  });
  return true;
}

/** How an officer's reply went into the outbox. */
export interface ReplyOutcome {
  /** pending: it will be sent; held: Zalo's window is closed, it goes when the resident writes again. */
  status: 'pending' | 'held';
  rows: PendingRow[];
}

/**
 * Writes an officer's reply for the ticket's resident. Outside Zalo's 7-day consultation window
 * the message is kept as held (reason `window_closed`) instead of being sent to a sure refusal;
 * the resident's next message reopens the window and releases it.
 */
export async function officerReply(
  db: Database,
  r: {
    ticketId: number;
    officer: string;
    message: ZaloMessage;
    now?: Date;
    /** Kept with the audit row, e.g. what was attached. */
    details?: Record<string, unknown>;
  },
): Promise<ReplyOutcome> {
  const now = r.now ?? new Date();
  return db.transaction(async (tx) => {
    const [t] = await tx.select().from(tickets).where(eq(tickets.id, r.ticketId)).limit(1);
    if (!t || t.status !== 'open' || t.officer !== r.officer)
      throw new TicketError(409, 'claim the ticket before replying');
    const [c] = await tx
      .select({ last: conversations.lastInteractionAt })
      .from(conversations)
      .where(and(eq(conversations.oaId, t.oaId), eq(conversations.userId, t.userId)))
      .limit(1);
    const open = !!c?.last && now.getTime() - c.last.getTime() <= CONSULTATION_WINDOW_MS;
    const [id] = await addToOutbox(tx, [
      {
        oaId: t.oaId,
        userId: t.userId,
        lane: 'reply',
        message: r.message,
        cause: `ticket:${t.id}:${r.officer}`,
      },
    ]);
    if (!open) {
      await tx.update(outbox).set({ status: 'held', reason: 'window_closed' }).where(eq(outbox.id, id!));
    }
    await tx.insert(auditLog).values({
      actor: `officer:${r.officer}`,
      action: open ? 'ticket.reply' : 'ticket.reply_held',
      subjectKind: 'ticket',
      subjectId: String(t.id),
      details: r.details ?? null,
    });
    return open
      ? { status: 'pending' as const, rows: [{ id: id!, oaId: t.oaId, userId: t.userId, lane: 'reply' }] }
      : { status: 'held' as const, rows: [] };
  });
}

/** Puts replies held for a closed window back in line; the resident just wrote, so the window is open. */
export async function releaseHeldReplies(tx: Tx, oaId: string, userId: string): Promise<PendingRow[]> {
  return tx
    .update(outbox)
    .set({ status: 'pending', reason: null })
    .where(
      and(
        eq(outbox.oaId, oaId),
        eq(outbox.userId, userId),
        eq(outbox.status, 'held'),
        eq(outbox.reason, 'window_closed'),
      ),
    )
    .returning({ id: outbox.id, oaId: outbox.oaId, userId: outbox.userId, lane: outbox.lane });
}

/** Resolves a ticket: the bot answers again, and the resident is asked to rate the help. */
export async function resolveTicket(
  db: Database,
  r: { ticketId: number; officer: string; rating: ZaloMessage },
): Promise<PendingRow[]> {
  return db.transaction(async (tx) => {
    const done = await tx
      .update(tickets)
      .set({ status: 'resolved', resolvedAt: sql`now()` })
      .where(and(eq(tickets.id, r.ticketId), ne(tickets.status, 'resolved')))
      .returning();
    const t = done[0];
    if (!t) throw new TicketError(409, 'the ticket is already resolved');
    await tx.insert(auditLog).values({
      actor: `officer:${r.officer}`,
      action: 'ticket.resolve',
      subjectKind: 'ticket',
      subjectId: String(t.id),
    });
    const ids = await addToOutbox(tx, [
      { oaId: t.oaId, userId: t.userId, lane: 'reply', message: r.rating, cause: `ticket:${t.id}:rating` },
    ]);
    return ids.map((id) => ({ id, oaId: t.oaId, userId: t.userId, lane: 'reply' }));
  });
}

/** A refused ticket action, with its HTTP status. */
export class TicketError extends Error {
  /** Builds the error. */
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'TicketError';
  }
}
