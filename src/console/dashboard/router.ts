import express, { type Response, type Router } from 'express';
import type { Database } from '../../db/connection.js';
import { consoleBase, csrfTokenFor, requireRole, signedInUser } from '../auth.js';
import { localeOf } from '../lang.js';
import { layout } from '../views/layout.js';
import { loadDashboardAssets, type ScriptAsset } from './assets.js';
import { dashboardFormat } from './format.js';
import { dashboardModel } from './model.js';
import { addMonths, monthOf } from './months.js';
import { dashboardFigures } from './queries.js';
import { DASHBOARD_TEXTS } from './texts.js';
import { dashboardBody, PERIODS } from './views.js';

/** What the dashboard needs. */
export interface DashboardDeps {
  db: Database;
  /** The commune's IANA time zone: months and weeks are read on its calendar. */
  timezone: string;
  /** The clock (tests pin it); the period ends with the current month. */
  now?: () => Date;
}

const DEFAULT_MONTHS = 12;

function periodOf(raw: unknown): number {
  const n = typeof raw === 'string' ? Number(raw) : NaN;
  return (PERIODS as readonly number[]).includes(n) ? n : DEFAULT_MONTHS;
}

/** Throws when `timezone` is not an IANA time zone this runtime knows. */
function checkTimeZone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
  } catch {
    throw new RangeError(`unknown time zone: ${timezone}`);
  }
}

function sendScript(res: Response, asset: ScriptAsset): void {
  // The URL carries the content's version, so the file may be kept for long.
  res
    .set('Cache-Control', 'private, max-age=31536000, immutable')
    .type('application/javascript')
    .send(asset.body);
}

/**
 * The dashboard (`GET /dashboard`, officers, editors and admins): dossiers by status, on-time
 * rates per month and per procedure, handoff waiting and handling times per week, satisfaction,
 * for the signed-in account's OAs only. Charts are drawn by Chart.js served from node_modules at
 * `/dashboard/chart.js`; every chart's numbers are also in a table.
 */
export function createDashboardRouter(deps: DashboardDeps): Router {
  checkTimeZone(deps.timezone);
  const now = deps.now ?? (() => new Date());
  const assets = loadDashboardAssets();
  const router = express.Router();

  router.get('/dashboard/chart.js', (_req, res) => sendScript(res, assets.chart));
  router.get('/dashboard/dashboard.js', (_req, res) => sendScript(res, assets.dashboard));

  router.get('/dashboard', requireRole('officer', 'editor', 'admin'), async (req, res) => {
    const user = signedInUser(res);
    const locale = localeOf(res);
    const base = consoleBase(res);
    const t = DASHBOARD_TEXTS[locale.lang];
    const format = dashboardFormat(locale.lang);
    const months = periodOf(req.query.months);
    const to = monthOf(now(), deps.timezone);
    const from = addMonths(to, -(months - 1));
    const figures = await dashboardFigures(deps.db, {
      oaIds: user.oaIds,
      timezone: deps.timezone,
      from,
      to,
    });
    const model = dashboardModel(figures, { t, format, from, to });
    const other = locale.lang === 'vi' ? 'en' : 'vi';
    res.type('html').send(
      layout({
        locale,
        title: t.title,
        base,
        userName: user.displayName,
        csrfToken: csrfTokenFor(res),
        langSwitch: `${base}/dashboard?months=${months}&lang=${other}`,
        body: dashboardBody({
          t,
          base,
          model,
          locale: format.locale,
          months,
          fromLabel: format.month(from),
          toLabel: format.month(to),
          oaIds: user.oaIds,
          chartScript: `${base}/dashboard/chart.js?v=${assets.chart.version}`,
          dashboardScript: `${base}/dashboard/dashboard.js?v=${assets.dashboard.version}`,
        }),
      }),
    );
  });
  return router;
}
