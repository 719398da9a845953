import express, { type Request, type Response, type Router } from 'express';
import type { Database } from '../../db/connection.js';
import { localDateOf } from '../../dossiers/calendar.js';
import { approveApology, changeStatus, OfficeError, type StatusChange } from '../../dossiers/office.js';
import type { DossierRow } from '../../dossiers/repo.js';
import type { DossierServices } from '../../dossiers/services.js';
import { ErrorCode, hasCode } from '../../errors.js';
import { consoleBase, csrfTokenFor, requireRole, signedInUser } from '../auth.js';
import { localeOf } from '../lang.js';
import { sendPage, sendRefusal } from '../views/page.js';
import {
  problemText,
  readApologyForm,
  readStatusForm,
  type ApologyDraft,
  type StatusDraft,
} from './actions.js';
import { dossiersCsv } from './csv.js';
import { detailBody } from './detail-view.js';
import { isOverdue, readFilters, type DossierFilters } from './filters.js';
import { toListItems } from './list.js';
import {
  auditDossier,
  dossierApologies,
  dossierFile,
  dossierFiles,
  dossierHistory,
  findDossier,
  listDossiers,
  procedureCodes,
  residentOf,
} from './queries.js';
import { DOSSIER_TEXTS, fill, statusLabel, type DossierTexts } from './texts.js';
import { listBody } from './views.js';

/** What the dossier pages need. */
export interface DossierPagesDeps {
  db: Database;
  services: DossierServices;
  /** Tells live console pages a resident's conversation changed (after a status change). */
  publish?: (oaId: string, userId: string) => void;
}

/** Rows per page of the HTML list. */
const PAGE_SIZE = 50;
/** Most rows one CSV export holds. */
const CSV_LIMIT = 10_000;
/** Document types served inline; anything else is a download. */
const INLINE_IMAGE = /^image\/(jpeg|png|webp|gif)$/;

/** How the dossier page is rendered after a read, an unmask or a refused form. */
interface DetailOptions {
  status?: number;
  audit: 'dossier.read' | 'dossier.unmask';
  phoneShown?: boolean;
  notice?: string;
  error?: string;
  draft?: StatusDraft;
  apologyDraft?: ApologyDraft;
}

/**
 * The console's dossier pages (mounted inside the console router, after sign-in and CSRF): the
 * list with filters and its CSV export, one dossier with its documents inline, the status moves
 * TRANSITIONS allows and the apology drafts. Officers see only dossiers of their OAs; every read of
 * a dossier, a document, an unmasked phone or an export is audited.
 */
export function createDossierPagesRouter(deps: DossierPagesDeps): Router {
  const router = express.Router();
  const officerOnly = requireRole('officer', 'editor', 'admin');
  const office = deps.services.office;
  const timeZone = deps.services.calendar.timeZone;
  const now = () => office.now?.() ?? new Date();
  const today = () => localDateOf(now(), timeZone);
  const textsOf = (res: Response): DossierTexts => DOSSIER_TEXTS[localeOf(res).lang];
  const procedureOf = (oaId: string, code: string) => office.catalogue(oaId).get(code);
  const namer = (res: Response) => (oaId: string, code: string) =>
    procedureOf(oaId, code)?.name[localeOf(res).lang] ?? code;
  const pathOf = (res: Response, d: DossierRow) =>
    `${consoleBase(res)}/dossiers/${encodeURIComponent(d.code ?? '')}`;

  const notFound = (res: Response) => sendRefusal(res, 404, textsOf(res).notFound);

  const dossierOf = (req: Request, res: Response) =>
    findDossier(deps.db, signedInUser(res).oaIds, String(req.params.code ?? ''));

  /** The appointment date the procedure's time limit gives if the dossier were accepted now. */
  const defaultAppointment = (d: DossierRow): string | undefined => {
    const limit = procedureOf(d.oaId, d.procedureCode)?.time_limit;
    if (!limit || limit.working_days === null) return undefined;
    return deps.services.calendar.addWorkingDays(
      now(),
      Math.ceil(limit.working_days),
      limit.same_day_cutoff ? { cutoff: limit.same_day_cutoff } : {},
    );
  };

  const renderDetail = async (res: Response, d: DossierRow, o: DetailOptions) => {
    const user = signedInUser(res);
    const t = textsOf(res);
    const { lang } = localeOf(res);
    const [files, history, resident, letters] = await Promise.all([
      dossierFiles(deps.db, d.id),
      dossierHistory(deps.db, d.id),
      residentOf(deps.db, d),
      dossierApologies(deps.db, d.id),
    ]);
    await auditDossier(deps.db, {
      officer: user.username,
      action: o.audit,
      subjectId: String(d.id),
      details: { code: d.code },
    });
    const day = today();
    const accept = (d.status ?? 1) === 1 ? defaultAppointment(d) : undefined;
    const body = detailBody({
      t,
      lang,
      base: consoleBase(res),
      csrf: csrfTokenFor(res),
      dossier: d,
      procedure: procedureOf(d.oaId, d.procedureCode),
      procedureName: namer(res)(d.oaId, d.procedureCode),
      resident,
      phoneShown: o.phoneShown ?? false,
      files,
      history,
      apologies: letters,
      timeZone,
      today: day,
      overdue: isOverdue(d, day),
      ...(accept ? { defaultAppointment: accept } : {}),
      ...(o.notice ? { notice: o.notice } : {}),
      ...(o.error ? { error: o.error } : {}),
      ...(o.draft ? { draft: o.draft } : {}),
      ...(o.apologyDraft ? { apologyDraft: o.apologyDraft } : {}),
    });
    sendPage(res, { status: o.status, title: `${t.code} ${d.code ?? ''}`, body, here: pathOf(res, d) });
  };

  const listItems = async (res: Response, f: DossierFilters, limit: number, offset: number) => {
    const rows = await listDossiers(deps.db, signedInUser(res).oaIds, f, today(), { limit, offset });
    return toListItems(rows, namer(res), today());
  };

  router.get('/dossiers', officerOnly, async (req, res) => {
    const user = signedInUser(res);
    const t = textsOf(res);
    const f = readFilters(req.query);
    const items = await listItems(res, f, PAGE_SIZE + 1, (f.page - 1) * PAGE_SIZE);
    const codes = await procedureCodes(deps.db, user.oaIds);
    const name = (code: string) =>
      user.oaIds.map((oa) => procedureOf(oa, code)?.name[localeOf(res).lang]).find(Boolean) ?? code;
    const body = listBody({
      t,
      base: consoleBase(res),
      items: items.slice(0, PAGE_SIZE),
      filters: f,
      procedures: codes.map((code) => ({ code, name: name(code) })),
      showOa: user.oaIds.length > 1,
      hasNext: items.length > PAGE_SIZE,
    });
    sendPage(res, { title: t.title, body, here: `${consoleBase(res)}/dossiers` });
  });

  router.get('/dossiers.csv', officerOnly, async (req, res) => {
    const user = signedInUser(res);
    const f = readFilters(req.query);
    const items = await listItems(res, f, CSV_LIMIT, 0);
    await auditDossier(deps.db, {
      officer: user.username,
      action: 'dossier.export',
      subjectId: '*',
      details: {
        count: items.length,
        status: f.status ?? null,
        procedure: f.procedure ?? null,
        overdue: f.overdue,
      },
    });
    res
      .status(200)
      .set('Content-Disposition', `attachment; filename="ho-so-${today()}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(dossiersCsv(items, textsOf(res), timeZone));
  });

  router.get('/dossiers/:code', officerOnly, async (req, res) => {
    const d = await dossierOf(req, res);
    if (!d) return notFound(res);
    const t = textsOf(res);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    const moved = Number(done);
    const notice =
      done === 'apology'
        ? t.doneApology
        : Number.isInteger(moved) && moved === d.status
          ? fill(t.doneStatus, { status: statusLabel(t, moved) })
          : undefined;
    await renderDetail(res, d, { audit: 'dossier.read', ...(notice ? { notice } : {}) });
  });

  router.post('/dossiers/:code/phone', officerOnly, async (req, res) => {
    const d = await dossierOf(req, res);
    if (!d) return notFound(res);
    await renderDetail(res, d, { audit: 'dossier.unmask', phoneShown: true });
  });

  router.get('/dossiers/:code/files/:id', officerOnly, async (req, res) => {
    const d = await dossierOf(req, res);
    const file = d ? await dossierFile(deps.db, d.id, Number(req.params.id) || 0) : undefined;
    if (!d || !file) return void res.status(404).type('text').send('not found');
    await auditDossier(deps.db, {
      officer: signedInUser(res).username,
      action: 'dossier.file.read',
      subjectId: String(d.id),
      details: { code: d.code, file: file.id, slot: file.slot },
    });
    let bytes: Buffer;
    try {
      bytes = await deps.services.store.read({ id: file.fileId, path: file.path });
    } catch (err) {
      if (hasCode(err, ErrorCode.FileUnreadable)) return void res.status(404).type('text').send('gone');
      throw err;
    }
    const inline = INLINE_IMAGE.test(file.mime);
    res
      .status(200)
      .set({ 'Cache-Control': 'no-store', 'Content-Disposition': inline ? 'inline' : 'attachment' })
      .type(inline ? file.mime : 'application/octet-stream')
      .send(bytes);
  });

  router.post('/dossiers/:code/status', officerOnly, async (req, res) => {
    const d = await dossierOf(req, res);
    if (!d?.code) return notFound(res);
    const t = textsOf(res);
    const form = readStatusForm(req.body, today());
    const { draft } = form;
    if (form.problem)
      return renderDetail(res, d, {
        status: 400,
        audit: 'dossier.read',
        error: problemText(t, form.problem),
        draft,
      });
    const change: StatusChange = {
      oaId: d.oaId,
      code: d.code,
      to: draft.to,
      officer: signedInUser(res).username,
      ...([3, 5, 8].includes(draft.to) && draft.reason ? { reason: draft.reason } : {}),
      ...(draft.to === 5 ? { slots: draft.slots } : {}),
      ...(draft.to === 2 && draft.date ? { appointmentDate: draft.date } : {}),
    };
    try {
      await changeStatus(office, change);
    } catch (err) {
      if (!(err instanceof OfficeError)) throw err;
      if (err.status === 404) return notFound(res);
      const fresh = (await dossierOf(req, res)) ?? d;
      const error =
        err.status === 409
          ? fill(t.problemConflict, { status: statusLabel(t, fresh.status), to: statusLabel(t, draft.to) })
          : fill(t.problemOther, { detail: err.message });
      return renderDetail(res, fresh, { status: err.status, audit: 'dossier.read', error, draft });
    }
    deps.publish?.(d.oaId, d.userId);
    res.redirect(303, `${pathOf(res, d)}?done=${draft.to}`);
  });

  router.post('/dossiers/:code/apologies/:id/approve', officerOnly, async (req, res) => {
    const d = await dossierOf(req, res);
    const id = Number(req.params.id) || 0;
    const letter = d ? (await dossierApologies(deps.db, d.id)).find((a) => a.id === id) : undefined;
    if (!d || !letter) return notFound(res);
    const t = textsOf(res);
    const form = readApologyForm(req.body, id, today());
    const apologyDraft = form.draft;
    if (form.problem)
      return renderDetail(res, d, {
        status: 400,
        audit: 'dossier.read',
        error: problemText(t, form.problem),
        apologyDraft,
      });
    try {
      await approveApology(office, {
        oaId: d.oaId,
        id,
        officer: signedInUser(res).username,
        reason: apologyDraft.reason,
        ...(apologyDraft.date ? { proposedDate: apologyDraft.date } : {}),
      });
    } catch (err) {
      if (!(err instanceof OfficeError)) throw err;
      const error = fill(t.problemOther, { detail: err.message });
      return renderDetail(res, d, { status: err.status, audit: 'dossier.read', error, apologyDraft });
    }
    deps.publish?.(d.oaId, d.userId);
    res.redirect(303, `${pathOf(res, d)}?done=apology`);
  });

  return router;
}
