import express, { type Router } from 'express';
import type { Database } from '../../db/connection.js';
import { officerActor } from '../audit.js';
import { consoleBase, csrfTokenFor, requireRole, signedInUser } from '../auth.js';
import { localeOf } from '../lang.js';
import { layout } from '../views/layout.js';
import { writeAuditCsv } from './csv.js';
import { auditQueryString, parseAuditQuery } from './filter.js';
import { auditPage, auditRowsForExport, auditSubjectKinds, recordAuditExport } from './queries.js';
import { AUDIT_TEXTS } from './texts.js';
import { localTimestamp } from './time.js';
import { auditBody } from './views.js';

/** What the audit log pages need. */
export interface AuditLogDeps {
  db: Database;
  /** How times are shown and date filters read; Asia/Ho_Chi_Minh by default. */
  timezone?: string;
  /** Rows per page; 50 by default. */
  pageSize?: number;
  /** The most rows one CSV export holds; 100 000 by default. */
  exportMax?: number;
}

const query = (req: express.Request) => req.query as Record<string, unknown>;

/** True when a stream ended because the client went away (nothing left to answer). */
const clientGone = (err: unknown, res: express.Response) =>
  res.destroyed || (err as { code?: unknown } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE';

/**
 * The audit log, for admins only: `GET /audit` lists entries newest first with filters (actor,
 * action, subject kind and id, date range) and pages; `GET /audit.csv` exports the same filter as
 * UTF-8 CSV, and every export is itself written to the log (`audit.export`).
 */
export function createAuditLogRouter(deps: AuditLogDeps): Router {
  const timezone = deps.timezone ?? 'Asia/Ho_Chi_Minh';
  const pageSize = deps.pageSize ?? 50;
  const exportMax = deps.exportMax ?? 100_000;
  const router = express.Router();
  const adminOnly = requireRole('admin');

  router.get('/audit', adminOnly, async (req, res) => {
    const { filter, page, problems } = parseAuditQuery(query(req));
    const locale = localeOf(res);
    const t = AUDIT_TEXTS[locale.lang];
    const base = consoleBase(res);
    const { rows, total } = await auditPage(deps.db, filter, { page, pageSize, timezone });
    const subjectKinds = await auditSubjectKinds(deps.db);
    const qs = auditQueryString(filter, page);
    const other = locale.lang === 'vi' ? 'en' : 'vi';
    res.type('html').send(
      layout({
        locale,
        title: t.title,
        base,
        userName: signedInUser(res).displayName,
        csrfToken: csrfTokenFor(res),
        langSwitch: `${base}/audit${qs ? `${qs}&` : '?'}lang=${other}`,
        body: auditBody({
          t,
          lang: locale.lang,
          base,
          filter,
          problems,
          rows,
          total,
          page,
          pageSize,
          subjectKinds,
          timezone,
          exportMax,
        }),
      }),
    );
  });

  router.get('/audit.csv', adminOnly, async (req, res) => {
    const { filter } = parseAuditQuery(query(req));
    const t = AUDIT_TEXTS[localeOf(res).lang];
    await recordAuditExport(deps.db, officerActor(signedInUser(res).username), filter);
    const stamp = localTimestamp(new Date(), timezone).replace(/[-:]/g, '').replace(' ', '-');
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="audit-${stamp}.csv"`);
    const head = [t.id, t.at, t.atUtc, t.actor, t.action, t.subjectKind, t.subjectId, t.details];
    try {
      await writeAuditCsv(
        res,
        head,
        auditRowsForExport(deps.db, filter, { timezone, max: exportMax }),
        timezone,
      );
    } catch (err) {
      if (clientGone(err, res)) return;
      throw err;
    }
  });
  return router;
}
