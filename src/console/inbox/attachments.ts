import express, { type Request, type Response, type Router } from 'express';
import multer from 'multer';
import type { Database } from '../../db/connection.js';
import { auditLog } from '../../db/schema.js';
import { ErrorCode, hasCode } from '../../errors.js';
import type { TicketFiles } from '../../handoff/attachments/files.js';
import {
  attachmentName,
  classifyAttachment,
  FILE_MAX_BYTES,
  type AttachmentRefusal,
} from '../../handoff/attachments/kind.js';
import { pendingAttachmentMessage } from '../../handoff/attachments/message.js';
import { officerReply, TicketError, type TicketRow } from '../../handoff/tickets.js';
import type { PendingRow } from '../../queue/outbox.js';
import { fitText, textMessage, type ZaloMessage } from '../../zalo/messages.js';
import { officerActor } from '../audit.js';
import { consoleBase, requireRole, signedInUser, wantsJson } from '../auth.js';
import { localeOf } from '../lang.js';
import { messagePage } from '../views/message.js';
import { INBOX_TEXTS } from './texts.js';

/** What the attachment routes need. */
export interface AttachmentRoutesDeps {
  db: Database;
  files: TicketFiles;
  enqueue: (rows: PendingRow[]) => Promise<void>;
  publish?: (oaId: string, userId: string) => void;
  /** The ticket with this id when the signed-in officer's OAs include it. */
  ticketFor: (res: Response, id: number) => Promise<TicketRow | undefined>;
}

type Problem = AttachmentRefusal | 'missing' | 'bad_form' | 'not_mine';

/**
 * An officer's photo or file for the resident, and reading those back. The upload is multipart and
 * posted by the page's script with the CSRF token in the `X-CSRF-Token` header: the console's CSRF
 * check runs before a byte of the body is read, so a post without it gets 403 and nothing is kept.
 * The file is checked by its content, kept encrypted in the file store, and the reply goes through
 * the outbox like a text (held while Zalo's window is closed, uploaded to Zalo when it is sent).
 */
export function createAttachmentRoutes(deps: AttachmentRoutesDeps): Router {
  const router = express.Router();
  const officerOnly = requireRole('officer', 'editor', 'admin');
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: FILE_MAX_BYTES, files: 1, fields: 4, fieldSize: 8 * 1024, parts: 6 },
    defParamCharset: 'utf8',
  }).single('file');
  const receive = (req: Request, res: Response) =>
    new Promise<Problem | undefined>((resolve, reject) => {
      upload(req, res, (err: unknown) => {
        if (!err) return resolve(undefined);
        if (err instanceof multer.MulterError)
          return resolve(err.code === 'LIMIT_FILE_SIZE' ? 'file_too_large' : 'bad_form');
        reject(err instanceof Error ? err : new Error('upload failed'));
      });
    });

  const ticketPage = (res: Response, t: TicketRow) => `${consoleBase(res)}/tickets/${t.id}`;

  const refuse = (req: Request, res: Response, status: 400 | 404 | 409 | 413, problem: Problem) => {
    const texts = INBOX_TEXTS[localeOf(res).lang];
    const text = texts.attachError[problem];
    if (wantsJson(req)) return void res.status(status).json({ error: text, problem });
    res
      .status(status)
      .type('html')
      .send(messagePage(localeOf(res), consoleBase(res), texts.attach, text));
  };

  router.post('/tickets/:id/attachments', officerOnly, async (req, res) => {
    const ticket = await deps.ticketFor(res, Number(req.params.id) || 0);
    if (!ticket) return void res.status(404).json({ error: 'not found' });
    const me = signedInUser(res).username;
    if (ticket.status !== 'open' || ticket.officer !== me) return refuse(req, res, 409, 'not_mine');
    const problem = await receive(req, res);
    if (problem) return refuse(req, res, problem === 'file_too_large' ? 413 : 400, problem);
    if (!req.file) return refuse(req, res, 400, 'missing');
    const verdict = classifyAttachment(req.file.buffer);
    if (!verdict.ok)
      return refuse(req, res, verdict.reason.endsWith('too_large') ? 413 : 400, verdict.reason);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const caption = typeof body.caption === 'string' ? body.caption.trim().slice(0, 1800) : '';
    const name = attachmentName(req.file.originalname, verdict.ext);
    const storedFileId = await deps.files.keep(ticket.id, req.file.buffer, verdict);
    const attached = pendingAttachmentMessage(
      { storedFileId, kind: verdict.kind, name, mime: verdict.mime },
      caption,
    );
    // A file cannot carry text: its message goes first, as its own reply.
    const messages: ZaloMessage[] =
      verdict.kind === 'file' && caption ? [textMessage(fitText(caption)), attached] : [attached];
    const details = { file: storedFileId, kind: verdict.kind, name, size: req.file.size, mime: verdict.mime };
    let status: 'pending' | 'held' = 'pending';
    try {
      for (const message of messages) {
        const outcome = await officerReply(deps.db, {
          ticketId: ticket.id,
          officer: me,
          message,
          ...(message === attached ? { details: { attachment: details } } : {}),
        });
        status = outcome.status;
        await deps.enqueue(outcome.rows);
      }
    } catch (err) {
      if (err instanceof TicketError) return refuse(req, res, err.status, 'not_mine');
      throw err;
    }
    deps.publish?.(ticket.oaId, ticket.userId);
    const redirect = `${ticketPage(res, ticket)}?notice=${status === 'held' ? 'held' : 'sent'}`;
    if (wantsJson(req)) return void res.status(200).json({ status, redirect });
    res.redirect(303, redirect);
  });

  router.get('/tickets/:id/files/:fileId', officerOnly, async (req, res) => {
    const ticket = await deps.ticketFor(res, Number(req.params.id) || 0);
    if (!ticket) return void res.status(404).type('text').send('not found');
    const fileId = Number(req.params.fileId) || 0;
    let file;
    try {
      file = await deps.files.readFor(ticket, fileId);
    } catch (err) {
      if (hasCode(err, ErrorCode.FileUnreadable)) return void res.status(404).type('text').send('gone');
      throw err;
    }
    if (!file) return void res.status(404).type('text').send('not found');
    await deps.db.insert(auditLog).values({
      actor: officerActor(signedInUser(res).username),
      action: 'ticket.file.read',
      subjectKind: 'ticket',
      subjectId: String(ticket.id),
      details: { file: file.id, sentInTicket: file.ticketId },
    });
    const inline = file.mime === 'image/jpeg' || file.mime === 'image/png';
    res
      .status(200)
      .set({ 'Cache-Control': 'no-store', 'Content-Disposition': inline ? 'inline' : 'attachment' })
      .type(inline ? file.mime : 'application/octet-stream')
      .send(file.bytes);
  });
  return router;
}
