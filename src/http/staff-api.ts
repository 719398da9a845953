import { timingSafeEqual, createHash } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import {
  apologies,
  auditLog,
  complaints,
  dossierEvents,
  dossiers,
  residentProfiles,
  staffNotices,
  storedFiles,
} from '../db/schema.js';
import { addToOutbox } from '../queue/outbox.js';
import type { Logger } from '../log.js';
import { textMessage, fitText } from '../zalo/messages.js';
import { maskPhone } from '../dossiers/format.js';
import { approveApology, changeStatus, OfficeError, residentLocale } from '../dossiers/office.js';
import { ratingSummary } from '../dossiers/ratings.js';
import { sweepDueDates } from '../dossiers/due.js';
import { purgeDue } from '../dossiers/retention.js';
import type { DossierServices } from '../dossiers/services.js';

/**
 * The staff API: what officers' tools call until the console lands. Every request carries the
 * bearer token and an `X-Officer` name; every read of a dossier or its documents and every change
 * is written to the audit log. Phone numbers are masked; document bytes are only served one by one.
 */

/** What the staff API needs. */
export interface StaffApiDeps {
  token: string;
  oaId: string;
  services: DossierServices;
  logger: Logger;
}

const StatusBody = z.strictObject({
  status: z.number().int().min(1).max(10),
  reason: z.string().trim().max(1000).optional(),
  slots: z.array(z.string().min(1).max(80)).max(20).optional(),
  appointmentDate: z.string().optional(),
});
const ApologyBody = z.strictObject({
  reason: z.string().trim().min(1).max(1000).optional(),
  proposedDate: z.string().optional(),
});
const ResponseBody = z.strictObject({ response: z.string().trim().min(1).max(1800) });

type Officer = { officer: string };

/** Builds the router mounted at `/api/staff`. */
export function createStaffApi(deps: StaffApiDeps): Router {
  const router = express.Router();
  const db = deps.services.office.db;
  const expected = createHash('sha256').update(deps.token).digest();
  router.use(express.json({ limit: '32kb' }));
  router.use((req: Request, res: Response, next: NextFunction) => {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      res.status(401).json({ error: 'a valid bearer token is required' });
      return;
    }
    let officer = '';
    try {
      // Header values are ASCII: a Vietnamese name comes percent-encoded (encodeURIComponent).
      officer = decodeURIComponent(req.get('x-officer') ?? '').trim();
    } catch {
      officer = '';
    }
    if (!/^[\p{L}\p{N} ._@-]{2,80}$/u.test(officer)) {
      res
        .status(400)
        .json({ error: 'X-Officer must name the officer (2-80 letters, digits, spaces; percent-encoded)' });
      return;
    }
    res.locals.officer = officer;
    next();
  });
  const who = (res: Response) => (res.locals as Officer).officer;
  const auditRead = (
    officer: string,
    action: string,
    subjectKind: string,
    subjectId: string,
    details?: object,
  ) =>
    db
      .insert(auditLog)
      .values({ actor: `officer:${officer}`, action, subjectKind, subjectId, details: details ?? null });

  router.get('/dossiers', async (req, res) => {
    const status = Number(req.query.status);
    const rows = await db
      .select({
        code: dossiers.code,
        procedureCode: dossiers.procedureCode,
        status: dossiers.status,
        appointmentDate: dossiers.appointmentDate,
        submittedAt: dossiers.submittedAt,
        channel: dossiers.channel,
        supplementedAt: dossiers.supplementedAt,
      })
      .from(dossiers)
      .where(
        and(
          eq(dossiers.oaId, deps.oaId),
          eq(dossiers.stage, 'submitted'),
          Number.isInteger(status) && status >= 1 ? eq(dossiers.status, status) : undefined,
        ),
      )
      .orderBy(desc(dossiers.id))
      .limit(500);
    await auditRead(who(res), 'dossier.list', 'dossier', '*', { count: rows.length });
    res.json({ dossiers: rows });
  });

  router.get('/dossiers/:code', async (req, res) => {
    const [d] = await db
      .select()
      .from(dossiers)
      .where(and(eq(dossiers.oaId, deps.oaId), eq(dossiers.code, req.params.code)))
      .limit(1);
    if (!d) return void res.status(404).json({ error: 'no such dossier' });
    const [profile] = await db
      .select()
      .from(residentProfiles)
      .where(and(eq(residentProfiles.oaId, d.oaId), eq(residentProfiles.userId, d.userId)))
      .limit(1);
    const files = await db
      .select({
        id: storedFiles.id,
        slot: storedFiles.slot,
        mime: storedFiles.mime,
        size: storedFiles.size,
        sha256: storedFiles.sha256,
        createdAt: storedFiles.createdAt,
      })
      .from(storedFiles)
      .where(and(eq(storedFiles.ownerKind, 'dossier'), eq(storedFiles.ownerId, d.id)))
      .orderBy(storedFiles.id);
    const history = await db
      .select()
      .from(dossierEvents)
      .where(eq(dossierEvents.dossierId, d.id))
      .orderBy(dossierEvents.id);
    await auditRead(who(res), 'dossier.read', 'dossier', String(d.id));
    res.json({
      dossier: {
        code: d.code,
        procedureCode: d.procedureCode,
        status: d.status,
        appointmentDate: d.appointmentDate,
        channel: d.channel,
        postAddress: d.postAddress,
        supplementSlots: d.supplementSlots,
        supplementedAt: d.supplementedAt,
        skipped: d.skipped,
        reason: d.reason,
        submittedAt: d.submittedAt,
        resident: { name: profile?.name ?? null, phone: maskPhone(profile?.phone) },
      },
      files,
      history,
    });
  });

  router.get('/dossiers/:code/files/:id', async (req, res) => {
    const [row] = await db
      .select({ file: storedFiles, dossierId: dossiers.id })
      .from(storedFiles)
      .innerJoin(dossiers, and(eq(storedFiles.ownerKind, 'dossier'), eq(storedFiles.ownerId, dossiers.id)))
      .where(
        and(
          eq(dossiers.oaId, deps.oaId),
          eq(dossiers.code, req.params.code),
          eq(storedFiles.id, Number(req.params.id) || 0),
        ),
      )
      .limit(1);
    if (!row) return void res.status(404).json({ error: 'no such file' });
    await auditRead(who(res), 'dossier.file.read', 'dossier', String(row.dossierId), { file: row.file.id });
    const bytes = await deps.services.store.read({ id: row.file.fileId, path: row.file.path });
    res.set('Cache-Control', 'no-store').type(row.file.mime).send(bytes);
  });

  router.post('/dossiers/:code/status', async (req, res) => {
    const body = StatusBody.safeParse(req.body);
    if (!body.success)
      return void res
        .status(400)
        .json({ error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const d = await changeStatus(deps.services.office, {
      oaId: deps.oaId,
      code: req.params.code,
      to: body.data.status,
      officer: who(res),
      ...(body.data.reason ? { reason: body.data.reason } : {}),
      ...(body.data.slots ? { slots: body.data.slots } : {}),
      ...(body.data.appointmentDate ? { appointmentDate: body.data.appointmentDate } : {}),
    });
    res.json({ code: d.code, status: d.status, appointmentDate: d.appointmentDate });
  });

  router.get('/apologies', async (_req, res) => {
    const rows = await db
      .select({
        id: apologies.id,
        code: dossiers.code,
        dueDate: apologies.dueDate,
        proposedDate: apologies.proposedDate,
        status: apologies.status,
        reason: apologies.reason,
      })
      .from(apologies)
      .innerJoin(dossiers, eq(dossiers.id, apologies.dossierId))
      .where(eq(dossiers.oaId, deps.oaId))
      .orderBy(desc(apologies.id))
      .limit(200);
    res.json({ apologies: rows });
  });

  router.post('/apologies/:id/approve', async (req, res) => {
    const body = ApologyBody.safeParse(req.body ?? {});
    if (!body.success)
      return void res.status(400).json({ error: body.error.issues.map((i) => i.message).join('; ') });
    await approveApology(deps.services.office, {
      oaId: deps.oaId,
      id: Number(req.params.id) || 0,
      officer: who(res),
      ...(body.data.reason ? { reason: body.data.reason } : {}),
      ...(body.data.proposedDate ? { proposedDate: body.data.proposedDate } : {}),
    });
    res.json({ ok: true });
  });

  router.post('/complaints/:code/response', async (req, res) => {
    const body = ResponseBody.safeParse(req.body);
    if (!body.success)
      return void res.status(400).json({ error: 'response: a text of 1-1800 characters is required' });
    const office = deps.services.office;
    const rows = await db.transaction(async (tx) => {
      const [c] = await tx
        .select()
        .from(complaints)
        .where(and(eq(complaints.oaId, deps.oaId), eq(complaints.code, req.params.code)))
        .limit(1);
      if (!c || c.status === 'drafting') throw new OfficeError(404, 'no such complaint');
      await tx
        .update(complaints)
        .set({
          status: 'answered',
          response: body.data.response,
          respondedBy: who(res),
          respondedAt: new Date(),
        })
        .where(eq(complaints.id, c.id));
      await tx.insert(auditLog).values({
        actor: `officer:${who(res)}`,
        action: 'complaint.respond',
        subjectKind: 'complaint',
        subjectId: String(c.id),
      });
      const locale = await residentLocale(tx, c, office.defaultLocale);
      const text = office.t(locale)('notify.complaint_answer', {
        code: c.code,
        office: office.officeName,
        response: body.data.response,
      });
      const ids = await addToOutbox(tx, [
        {
          oaId: c.oaId,
          userId: c.userId,
          lane: 'notify',
          message: textMessage(fitText(text)),
          cause: `complaint:${c.id}`,
        },
      ]);
      return ids.map((id) => ({ id, oaId: c.oaId, userId: c.userId, lane: 'notify' }));
    });
    await office.enqueue(rows);
    res.json({ ok: true });
  });

  router.get('/ratings', async (_req, res) => {
    res.json({ ratings: await ratingSummary(db, deps.oaId) });
  });

  // Run a sweep now (they also run on a schedule in the workers), e.g. after fixing a calendar.
  router.post('/sweeps/due-dates', async (_req, res) => {
    res.json(await sweepDueDates(deps.services.office));
  });
  router.post('/sweeps/retention', async (_req, res) => {
    const office = deps.services.office;
    res.json(
      await purgeDue({
        db: office.db,
        removeFile: (p) => deps.services.store.remove(p),
        logger: deps.logger,
        ticketFileDays: office.retentionDays,
      }),
    );
  });

  router.get('/notices', async (_req, res) => {
    const rows = await db
      .select()
      .from(staffNotices)
      .where(and(eq(staffNotices.oaId, deps.oaId), isNull(staffNotices.seenAt)))
      .orderBy(desc(staffNotices.id))
      .limit(200);
    res.json({ notices: rows });
  });

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof OfficeError) return void res.status(err.status).json({ error: err.message });
    if (res.headersSent) return next(err);
    deps.logger.warn({ err: err instanceof Error ? err.message : 'failed' }, 'staff api request failed');
    res.status(500).json({ error: 'internal error' });
  });
  return router;
}
