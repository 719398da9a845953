import express, { type Router } from 'express';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/connection.js';
import { consoleUsers, conversations, ratings, tickets } from '../../db/schema.js';
import { conversationLog } from '../../handoff/history.js';
import {
  claimTicket,
  officerReply,
  openTickets,
  resolveTicket,
  TicketError,
  transferTicket,
} from '../../handoff/tickets.js';
import type { PendingRow } from '../../queue/outbox.js';
import { buttonsMessage, fitText, textMessage, type ZaloMessage } from '../../zalo/messages.js';
import { CONSULTATION_WINDOW_MS } from '../../zalo/policy.js';
import { consoleBase, csrfTokenFor, requireRole, signedInUser } from '../auth.js';
import { localeOf } from '../lang.js';
import { sendPage } from '../views/page.js';
import type { TicketFiles } from '../../handoff/attachments/files.js';
import { officeMinutesBetween, type OfficeClock } from '../../handoff/office-minutes.js';
import { createAttachmentRoutes } from './attachments.js';
import type { LiveHub } from './live.js';
import { INBOX_TEXTS } from './texts.js';
import { inboxBody, INBOX_SCRIPT, ticketBody, type InboxTexts } from './views.js';

/** What the inbox needs. */
export interface InboxDeps {
  db: Database;
  enqueue: (rows: PendingRow[]) => Promise<void>;
  live?: LiveHub;
  /** Tells live pages a conversation changed (after a claim, a reply, a resolve). */
  publish?: (oaId: string, userId: string) => void;
  /** The office's time zone, for the times shown; Asia/Ho_Chi_Minh by default. */
  timezone?: string;
  /** Chats one officer may own at once. */
  capacity?: number;
  /** A ticket waiting longer than this many office minutes is flagged. */
  escalateMinutes?: number;
  /** The desk's shifts and working days: waiting times count office minutes only. */
  officeClock: OfficeClock;
  /** Officers' attachments in the encrypted file store. */
  files: TicketFiles;
  /** The resident-facing rating question after a resolve, in the resident's language. */
  ratingMessage: (ticketId: number, locale: 'vi' | 'en') => ZaloMessage;
}

/**
 * The handoff inbox: waiting and open tickets (live, waits in office minutes, escalations marked),
 * one conversation with claim, reply by text, photo or file (through the outbox, so Zalo's rules and
 * the rate budget apply) and resolve. Officers see only their OAs.
 */
export function createInboxRouter(deps: InboxDeps): Router {
  const router = express.Router();
  const officerOnly = requireRole('officer', 'editor', 'admin');
  const texts = (res: express.Response): InboxTexts => INBOX_TEXTS[localeOf(res).lang];

  router.get('/inbox.js', (_req, res) => {
    res.type('application/javascript').send(INBOX_SCRIPT);
  });

  router.get('/inbox', officerOnly, async (_req, res) => {
    const user = signedInUser(res);
    const list = await openTickets(deps.db, user.oaIds);
    const t = texts(res);
    sendPage(res, {
      title: t.inbox,
      body: inboxBody(t, consoleBase(res), list, new Date(), {
        escalateMinutes: deps.escalateMinutes ?? 15,
        waited: (from, to) => officeMinutesBetween(from, to, deps.officeClock),
      }),
    });
  });

  router.get('/inbox/events', officerOnly, (req, res) => {
    if (!deps.live) return void res.status(503).end();
    deps.live.stream(req, res, signedInUser(res).oaIds);
  });

  const ticketFor = async (res: express.Response, id: number) => {
    const [t] = await deps.db.select().from(tickets).where(eq(tickets.id, id)).limit(1);
    if (!t || !signedInUser(res).oaIds.includes(t.oaId)) return undefined;
    return t;
  };

  router.get('/tickets/:id', officerOnly, async (req, res) => {
    const ticket = await ticketFor(res, Number(req.params.id) || 0);
    if (!ticket) return void res.status(404).type('text').send('not found');
    const [c] = await deps.db
      .select({ last: conversations.lastInteractionAt })
      .from(conversations)
      .where(and(eq(conversations.oaId, ticket.oaId), eq(conversations.userId, ticket.userId)))
      .limit(1);
    const windowLeftMs = c?.last ? c.last.getTime() + CONSULTATION_WINDOW_MS - Date.now() : -1;
    const lines = await conversationLog(deps.db, ticket.oaId, ticket.userId);
    const colleagues = (
      await deps.db
        .select({
          username: consoleUsers.username,
          oaIds: consoleUsers.oaIds,
          disabled: consoleUsers.disabled,
        })
        .from(consoleUsers)
    )
      .filter(
        (u) => !u.disabled && u.oaIds.includes(ticket.oaId) && u.username !== signedInUser(res).username,
      )
      .map((u) => u.username);
    const [rating] = await deps.db
      .select({ score: ratings.score, comment: ratings.comment })
      .from(ratings)
      .where(and(eq(ratings.subjectKind, 'ticket'), eq(ratings.subjectId, ticket.id)))
      .limit(1);
    const user = signedInUser(res);
    const t = texts(res);
    const notice = typeof req.query.notice === 'string' ? req.query.notice : undefined;
    sendPage(res, {
      title: `${t.resident} ${ticket.userId}`,
      body: ticketBody({
        t,
        lang: localeOf(res).lang,
        base: consoleBase(res),
        ticket,
        lines,
        windowLeftMs,
        me: user.username,
        csrf: csrfTokenFor(res),
        notice,
        rating,
        colleagues,
        timezone: deps.timezone ?? 'Asia/Ho_Chi_Minh',
      }),
    });
  });

  router.use(
    createAttachmentRoutes({
      db: deps.db,
      files: deps.files,
      enqueue: deps.enqueue,
      ticketFor,
      ...(deps.publish ? { publish: deps.publish } : {}),
    }),
  );

  router.post('/tickets/:id/claim', officerOnly, async (req, res) => {
    const ticket = await ticketFor(res, Number(req.params.id) || 0);
    if (!ticket) return void res.status(404).json({ error: 'not found' });
    const outcome = await claimTicket(deps.db, ticket.id, signedInUser(res).username, deps.capacity);
    if (outcome !== 'claimed') {
      return void res.redirect(303, `${consoleBase(res)}/tickets/${ticket.id}?notice=${outcome}`);
    }
    deps.publish?.(ticket.oaId, ticket.userId);
    res.redirect(303, `${consoleBase(res)}/tickets/${ticket.id}`);
  });

  router.post('/tickets/:id/reply', officerOnly, async (req, res) => {
    const ticket = await ticketFor(res, Number(req.params.id) || 0);
    if (!ticket) return void res.status(404).json({ error: 'not found' });
    const body = req.body as { text?: unknown };
    const text = typeof body.text === 'string' ? body.text.trim() : '';
    if (!text) return void res.redirect(303, `${consoleBase(res)}/tickets/${ticket.id}`);
    try {
      const outcome = await officerReply(deps.db, {
        ticketId: ticket.id,
        officer: signedInUser(res).username,
        message: textMessage(fitText(text)),
      });
      await deps.enqueue(outcome.rows);
      deps.publish?.(ticket.oaId, ticket.userId);
      res.redirect(
        303,
        `${consoleBase(res)}/tickets/${ticket.id}?notice=${outcome.status === 'held' ? 'held' : 'sent'}`,
      );
    } catch (err) {
      if (err instanceof TicketError) return void res.status(err.status).type('text').send(err.message);
      throw err;
    }
  });

  router.post('/tickets/:id/transfer', officerOnly, async (req, res) => {
    const ticket = await ticketFor(res, Number(req.params.id) || 0);
    if (!ticket) return void res.status(404).json({ error: 'not found' });
    const to = typeof (req.body as { to?: unknown }).to === 'string' ? (req.body as { to: string }).to : '';
    const [target] = await deps.db
      .select({ username: consoleUsers.username, oaIds: consoleUsers.oaIds, disabled: consoleUsers.disabled })
      .from(consoleUsers)
      .where(eq(consoleUsers.username, to))
      .limit(1);
    const allowed = !!target && !target.disabled && target.oaIds.includes(ticket.oaId);
    const moved = allowed && (await transferTicket(deps.db, ticket.id, signedInUser(res).username, to));
    deps.publish?.(ticket.oaId, ticket.userId);
    res.redirect(
      303,
      `${consoleBase(res)}/tickets/${ticket.id}?notice=${moved ? 'transferred' : 'not_transferred'}`,
    );
  });

  router.post('/tickets/:id/resolve', officerOnly, async (req, res) => {
    const ticket = await ticketFor(res, Number(req.params.id) || 0);
    if (!ticket) return void res.status(404).json({ error: 'not found' });
    const [c] = await deps.db
      .select({ locale: conversations.locale })
      .from(conversations)
      .where(and(eq(conversations.oaId, ticket.oaId), eq(conversations.userId, ticket.userId)))
      .limit(1);
    try {
      const rows = await resolveTicket(deps.db, {
        ticketId: ticket.id,
        officer: signedInUser(res).username,
        rating: deps.ratingMessage(ticket.id, c?.locale === 'en' ? 'en' : 'vi'),
      });
      await deps.enqueue(rows);
      deps.publish?.(ticket.oaId, ticket.userId);
      res.redirect(303, `${consoleBase(res)}/tickets/${ticket.id}?notice=resolved`);
    } catch (err) {
      if (err instanceof TicketError) return void res.status(err.status).type('text').send(err.message);
      throw err;
    }
  });
  return router;
}

/** The rating question sent when a ticket is resolved, with 1–5 buttons. */
export function ticketRatingMessage(
  t: (key: string, vars?: Record<string, unknown>) => string,
  ticketId: number,
): ZaloMessage {
  return buttonsMessage(
    fitText(t('handoff.resolved_rate')),
    [1, 2, 3, 4, 5].map((n) => ({
      title: t('rating.score', { score: n }),
      type: 'oa.query.hide' as const,
      payload: `#rate t ${ticketId} ${n}`,
    })),
  );
}
