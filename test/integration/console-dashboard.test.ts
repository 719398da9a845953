import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLogRouter } from '../../src/console/audit-log/router.js';
import { auditPage, auditRowsForExport } from '../../src/console/audit-log/queries.js';
import { jsonDataBlock } from '../../src/console/dashboard/data-block.js';
import { createDashboardRouter } from '../../src/console/dashboard/router.js';
import {
  dashboardFigures,
  dossiersByStatus,
  handoffTimesByWeek,
  onTimeByMonth,
  onTimeByProcedure,
  ratingAverageByMonth,
  ratingDistribution,
  type DashboardScope,
} from '../../src/console/dashboard/queries.js';
import { createConsoleRouter } from '../../src/console/router.js';
import type { Database } from '../../src/db/connection.js';
import { auditLog, dossierEvents, dossiers, ratings, tickets } from '../../src/db/schema.js';
import { createLogger } from '../../src/log.js';
import {
  createTestAccounts,
  fastHasher,
  launchChromium,
  screenshot,
  signIn as signInAs,
} from '../support/console-browser.js';
import { openTestDatabase } from '../support/services.js';

/*
 * The dashboard's figures checked exactly against seeded rows (a few months, some dossiers late,
 * some on time, times read on the Vietnamese calendar), then the dashboard and the audit log in a
 * real Chromium. Screenshots go to test-results/screenshots/.
 */

const TZ = 'Asia/Ho_Chi_Minh';
const OA = 'oa-xa-hoa-binh';
const OTHER_OA = 'oa-phuong-khac';
const NOW = new Date('2026-12-10T03:00:00Z');
const SCOPE: DashboardScope = { oaIds: [OA], timezone: TZ, from: '2026-01', to: '2026-12' };

let handle: Awaited<ReturnType<typeof openTestDatabase>>;
let db: Database;
let server: Server;
let url: string;
let browser: Browser;

let residents = 0;
const resident = () => `resident-${++residents}`;
const at = (iso: string) => new Date(iso);
const minutes = (from: string, n: number) => new Date(Date.parse(from) + n * 60_000);

/** A submitted dossier (accepted the day before its first event) and its status events. */
async function seedDossier(o: {
  procedure: string;
  status: number | null;
  appointment?: string;
  events?: [number, string][];
  closedAt?: string;
  oaId?: string;
}): Promise<number> {
  const [row] = await db
    .insert(dossiers)
    .values({
      oaId: o.oaId ?? OA,
      userId: resident(),
      procedureCode: o.procedure,
      stage: o.status === null ? 'collecting' : 'submitted',
      status: o.status,
      appointmentDate: o.appointment ?? null,
      closedAt: o.closedAt ? at(o.closedAt) : null,
    })
    .returning({ id: dossiers.id });
  const id = row!.id;
  const events = o.events ?? [];
  const first = events[0]?.[1];
  if (o.status !== null && first) {
    await db.insert(dossierEvents).values({
      dossierId: id,
      kind: 'status',
      fromStatus: 1,
      toStatus: 2,
      actor: 'officer:lan.officer',
      at: new Date(Date.parse(first) - 86_400_000),
    });
  }
  for (const [to, when] of events) {
    await db
      .insert(dossierEvents)
      .values({ dossierId: id, kind: 'status', toStatus: to, actor: 'officer:lan.officer', at: at(when) });
  }
  return id;
}

/** A ticket opened at `created`, claimed and resolved the given minutes later (each after the last). */
async function seedTicket(created: string, claimAfter?: number, resolveAfter?: number, oaId = OA) {
  const claimedAt = claimAfter === undefined ? null : minutes(created, claimAfter);
  const resolvedAt =
    claimAfter === undefined || resolveAfter === undefined
      ? null
      : minutes(created, claimAfter + resolveAfter);
  await db.insert(tickets).values({
    oaId,
    userId: resident(),
    reason: 'asked',
    status: resolvedAt ? 'resolved' : claimedAt ? 'open' : 'waiting',
    officer: claimedAt ? 'lan.officer' : null,
    createdAt: at(created),
    claimedAt,
    resolvedAt,
  });
}

let ratingSubjects = 1000;
async function seedRating(score: number, createdAt: string, oaId = OA) {
  await db.insert(ratings).values({
    oaId,
    userId: resident(),
    subjectKind: ratingSubjects % 2 === 0 ? 'dossier' : 'ticket',
    subjectId: ++ratingSubjects,
    procedureCode: 'khai-sinh',
    score,
    createdAt: at(createdAt),
  });
}

async function seed() {
  // September: on time (the first end, status 9, counts — not the later 10), late, on time at 16:00.
  await seedDossier({
    procedure: 'khai-sinh',
    status: 10,
    appointment: '2026-09-10',
    events: [
      [4, '2026-09-05T02:00:00Z'],
      [9, '2026-09-09T03:00:00Z'],
      [10, '2026-09-11T03:00:00Z'],
    ],
    closedAt: '2026-09-11T03:00:00Z',
  });
  await seedDossier({
    procedure: 'khai-sinh',
    status: 9,
    appointment: '2026-09-15',
    events: [[9, '2026-09-16T02:00:00Z']],
  });
  await seedDossier({
    procedure: 'ket-hon',
    status: 10,
    appointment: '2026-09-20',
    events: [[10, '2026-09-20T09:00:00Z']],
    closedAt: '2026-09-20T09:00:00Z',
  });
  // October: stopped before the date (on time), processed a day late.
  await seedDossier({
    procedure: 'khai-sinh',
    status: 8,
    appointment: '2026-10-05',
    events: [[8, '2026-10-03T02:00:00Z']],
    closedAt: '2026-10-03T02:00:00Z',
  });
  await seedDossier({
    procedure: 'khai-sinh',
    status: 9,
    appointment: '2026-10-20',
    events: [[9, '2026-10-21T01:00:00Z']],
  });
  // 31 October 18:30 UTC is 1 November 01:30 in Vietnam: late, and counted in November.
  await seedDossier({
    procedure: 'ket-hon',
    status: 9,
    appointment: '2026-10-31',
    events: [[9, '2026-10-31T18:30:00Z']],
  });
  // November: 23:59 local on the appointment day is on time; processed early then returned late.
  await seedDossier({
    procedure: 'chung-thuc',
    status: 9,
    appointment: '2026-11-10',
    events: [[9, '2026-11-10T16:59:00Z']],
  });
  await seedDossier({
    procedure: 'khai-sinh',
    status: 10,
    appointment: '2026-11-20',
    events: [
      [9, '2026-11-18T03:00:00Z'],
      [10, '2026-11-25T03:00:00Z'],
    ],
    closedAt: '2026-11-25T03:00:00Z',
  });
  // Not finished, no appointment date, refused at intake: no on-time figure.
  await seedDossier({
    procedure: 'khai-sinh',
    status: 4,
    appointment: '2026-11-25',
    events: [
      [5, '2026-11-20T02:00:00Z'],
      [4, '2026-11-22T02:00:00Z'],
    ],
  });
  await seedDossier({ procedure: 'ket-hon', status: 1 });
  await seedDossier({
    procedure: 'chung-thuc',
    status: 3,
    events: [[3, '2026-11-02T02:00:00Z']],
    closedAt: '2026-11-02T02:00:00Z',
  });
  // Outside the period, still collecting, another commune's: left out everywhere.
  await seedDossier({
    procedure: 'khai-sinh',
    status: 10,
    appointment: '2025-12-01',
    events: [
      [9, '2025-12-10T03:00:00Z'],
      [10, '2025-12-12T03:00:00Z'],
    ],
    closedAt: '2025-12-12T03:00:00Z',
  });
  await seedDossier({ procedure: 'khai-sinh', status: null });
  await seedDossier({
    procedure: 'khai-sinh',
    status: 9,
    appointment: '2026-11-01',
    events: [[9, '2026-11-20T03:00:00Z']],
    oaId: OTHER_OA,
  });

  // Week of Monday 2 November: waits 4, 10, 1, 20 (one never claimed), handling 10, 20, 30.
  await seedTicket('2026-11-02T02:00:00Z', 4, 10);
  await seedTicket('2026-11-03T02:00:00Z', 10, 20);
  await seedTicket('2026-11-04T02:00:00Z', 1, 30);
  await seedTicket('2026-11-05T02:00:00Z', 20);
  await seedTicket('2026-11-06T02:00:00Z');
  // Week of 9 November (the first opened on Sunday 17:30 UTC = Monday 00:30 in Vietnam).
  await seedTicket('2026-11-08T17:30:00Z', 6, 12);
  await seedTicket('2026-11-10T02:00:00Z', 2, 4);
  // Nothing in the week of 16 November; one in the week of 23 November.
  await seedTicket('2026-11-23T03:00:00Z', 3, 5);
  await seedTicket('2026-11-03T02:00:00Z', 100, 100, OTHER_OA);

  for (const [score, when] of [
    [5, '2026-09-12T03:00:00Z'],
    [4, '2026-09-25T03:00:00Z'],
    [3, '2026-10-05T03:00:00Z'],
    [5, '2026-10-15T03:00:00Z'],
    [1, '2026-10-20T03:00:00Z'],
    [2, '2026-10-31T17:30:00Z'],
    [5, '2026-11-05T03:00:00Z'],
    [5, '2026-11-12T03:00:00Z'],
    [4, '2026-11-26T03:00:00Z'],
  ] as const)
    await seedRating(score, when);
  await seedRating(1, '2025-12-20T03:00:00Z');
  await seedRating(1, '2026-11-20T03:00:00Z', OTHER_OA);

  await db.insert(auditLog).values([
    {
      actor: 'officer:lan.officer',
      action: 'dossier.status',
      subjectKind: 'dossier',
      subjectId: '7',
      details: { from: 4, to: 9 },
      at: at('2026-11-10T03:00:00Z'),
    },
    {
      actor: 'system',
      action: 'dossier.reminder',
      subjectKind: 'dossier',
      subjectId: '8',
      details: null,
      at: at('2026-11-20T03:00:00Z'),
    },
    {
      actor: 'officer:lan.officer',
      action: 'complaint.answer',
      subjectKind: 'complaint',
      subjectId: '=SUM(A1)',
      details: { note: 'Đã trả lời "phản ánh" <b>' },
      at: at('2026-11-21T03:00:00Z'),
    },
  ]);
}

beforeAll(async () => {
  handle = await openTestDatabase();
  db = handle.db;
  await seed();

  const hasher = fastHasher();
  await createTestAccounts(
    db,
    [
      { username: 'lan.officer', displayName: 'Nguyễn Thị Lan', role: 'officer', oaIds: [OA] },
      { username: 'quan.admin', displayName: 'Trần Văn Quân', role: 'admin', oaIds: [OA] },
    ],
    hasher,
  );

  const pages = express.Router();
  pages.use(createDashboardRouter({ db, timezone: TZ, now: () => NOW }));
  pages.use(createAuditLogRouter({ db, timezone: TZ }));
  const app = express();
  app.use(
    '/console',
    createConsoleRouter({
      db,
      logger: createLogger('silent'),
      sessionSecret: 'console-dashboard-test-secret-0123456789abcdef',
      hasher,
      timezone: TZ,
      pages,
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await handle?.cleanup();
});

describe('the dashboard figures', () => {
  it('counts open dossiers and those closed in the period by status', async () => {
    expect(await dossiersByStatus(db, SCOPE)).toEqual([
      { status: 1, count: 1 },
      { status: 3, count: 1 },
      { status: 4, count: 1 },
      { status: 8, count: 1 },
      { status: 9, count: 4 },
      { status: 10, count: 3 },
    ]);
  });

  it('rates a dossier on time by its first end (9, 10, 8 or 3) on the local calendar, per month', async () => {
    expect(await onTimeByMonth(db, SCOPE)).toEqual([
      { month: '2026-09', finished: 3, onTime: 2, rate: 66.7 },
      { month: '2026-10', finished: 2, onTime: 1, rate: 50 },
      { month: '2026-11', finished: 3, onTime: 2, rate: 66.7 },
    ]);
    // 31 October 18:30 UTC is November in Vietnam: October alone keeps two dossiers.
    expect(await onTimeByMonth(db, { ...SCOPE, from: '2026-10', to: '2026-10' })).toEqual([
      { month: '2026-10', finished: 2, onTime: 1, rate: 50 },
    ]);
  });

  it('rates procedures with the most finished dossiers first', async () => {
    expect(await onTimeByProcedure(db, SCOPE)).toEqual([
      { procedureCode: 'khai-sinh', finished: 5, onTime: 3, rate: 60 },
      { procedureCode: 'ket-hon', finished: 2, onTime: 1, rate: 50 },
      { procedureCode: 'chung-thuc', finished: 1, onTime: 1, rate: 100 },
    ]);
    expect((await onTimeByProcedure(db, SCOPE, 2)).map((r) => r.procedureCode)).toEqual([
      'khai-sinh',
      'ket-hon',
    ]);
  });

  it('gives handoff waiting and handling medians and 90th percentiles per local week', async () => {
    expect(await handoffTimesByWeek(db, SCOPE)).toEqual([
      {
        week: '2026-11-02',
        tickets: 5,
        claimed: 4,
        waitMedian: 7,
        waitP90: 17,
        resolved: 3,
        handleMedian: 20,
        handleP90: 28,
      },
      {
        week: '2026-11-09',
        tickets: 2,
        claimed: 2,
        waitMedian: 4,
        waitP90: 5.6,
        resolved: 2,
        handleMedian: 8,
        handleP90: 11.2,
      },
      {
        week: '2026-11-23',
        tickets: 1,
        claimed: 1,
        waitMedian: 3,
        waitP90: 3,
        resolved: 1,
        handleMedian: 5,
        handleP90: 5,
      },
    ]);
  });

  it('gives the satisfaction distribution and the average per local month', async () => {
    expect(await ratingDistribution(db, SCOPE)).toEqual([1, 1, 1, 2, 4]);
    expect(await ratingAverageByMonth(db, SCOPE)).toEqual([
      { month: '2026-09', count: 2, average: 4.5 },
      { month: '2026-10', count: 3, average: 3 },
      { month: '2026-11', count: 4, average: 4 },
    ]);
  });

  it('shows nothing to an account without OAs', async () => {
    expect(await dashboardFigures(db, { ...SCOPE, oaIds: [] })).toEqual({
      statuses: [],
      onTimeMonths: [],
      onTimeProcedures: [],
      handoffWeeks: [],
      ratingCounts: [0, 0, 0, 0, 0],
      ratingMonths: [],
    });
  });
});

describe('the chart data block', () => {
  it('cannot be closed by the data it carries', () => {
    const value = { labels: ['</script><script>alert(1)</script>', 'a & b', '\u2028'] };
    const markup = jsonDataBlock('dashboard-data', value).markup;
    expect(markup.match(/<\/script>/g)).toHaveLength(1);
    expect(markup).toMatch(/^<script type="application\/json" id="dashboard-data">/);
    const inner = markup.replace(/^<script[^>]*>/, '').replace(/<\/script>$/, '');
    expect(JSON.parse(inner)).toEqual(value);
  });
});

describe('the audit log queries', () => {
  it('filters by actor, action prefix, subject and local dates, newest first', async () => {
    const page = (filter: Parameters<typeof auditPage>[1]) =>
      auditPage(db, filter, { page: 1, pageSize: 50, timezone: TZ });
    const dossierRows = await page({ action: 'dossier.' });
    expect(dossierRows.rows.map((r) => r.action)).toEqual(['dossier.reminder', 'dossier.status']);
    expect((await page({ actor: 'LAN.officer', subjectKind: 'complaint' })).total).toBe(1);
    // 20 November 03:00 UTC is 10:00 on the 20th in Vietnam; the 10th is outside.
    const range = await page({ from: '2026-11-11', to: '2026-11-20' });
    expect(range.rows.map((r) => r.action)).toEqual(['dossier.reminder']);
    expect((await page({ actor: '%' })).total).toBe(0);
    const second = await auditPage(db, { actor: 'lan.officer' }, { page: 2, pageSize: 1, timezone: TZ });
    expect(second.total).toBe(2);
    expect(second.rows.map((r) => r.action)).toEqual(['dossier.status']);
  });

  it('exports every row once in batches, even rows written in the same instant', async () => {
    await db
      .insert(auditLog)
      .values(
        [1, 2, 3, 4, 5].map((n) => ({ actor: 'system', action: 'batch.same_instant', subjectId: String(n) })),
      );
    const ids: number[] = [];
    for await (const row of auditRowsForExport(
      db,
      { action: 'batch.' },
      { timezone: TZ, max: 100, batch: 2 },
    ))
      ids.push(row.id);
    expect(ids).toHaveLength(5);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const capped: number[] = [];
    for await (const row of auditRowsForExport(db, { action: 'batch.' }, { timezone: TZ, max: 3, batch: 2 }))
      capped.push(row.id);
    expect(capped).toEqual(ids.slice(0, 3));
  });
});

describe('the dashboard and the audit log, in a browser', () => {
  let officer: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  async function signIn(context: BrowserContext, username: string): Promise<Page> {
    const p = await context.newPage();
    // A CSP refusal, a script error or a missing file shows here (not the browser's favicon request,
    // nor a page refused on purpose, which the tests check themselves).
    p.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    p.on('pageerror', (e) => problems.push(e.message));
    p.on('response', (r) => {
      if (r.status() >= 400 && r.status() !== 403 && !r.url().endsWith('/favicon.ico'))
        problems.push(`${r.status()} ${r.url()}`);
    });
    await signInAs(p, url, username);
    return p;
  }

  beforeAll(async () => {
    officer = await browser.newContext({ viewport: { width: 1100, height: 1200 } });
    page = await signIn(officer, 'lan.officer');
  });

  it('draws every chart for an officer and shows the seeded numbers in tables', async () => {
    const response = await page.goto(`${url}/console/dashboard`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/default-src 'self'/);
    await page.locator('canvas[data-drawn="true"]').first().waitFor({ timeout: 15_000 });

    const canvases = await page.evaluate<{ id: string; drawn: boolean; width: number; inked: number }[]>(
      `Array.from(document.querySelectorAll('canvas')).map(function (c) {
        var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, inked = 0;
        for (var i = 3; i < d.length; i += 4) if (d[i] > 0) inked++;
        return { id: c.id, drawn: !!window.Chart.getChart(c), width: c.width, inked: inked };
      })`,
    );
    expect(canvases.map((c) => c.id)).toEqual([
      'chart-status',
      'chart-on-time-month',
      'chart-on-time-procedure',
      'chart-handoff-wait',
      'chart-handoff-handle',
      'chart-rating',
      'chart-rating-month',
    ]);
    for (const c of canvases) {
      expect(c.drawn, c.id).toBe(true);
      expect(c.width, c.id).toBeGreaterThan(0);
      expect(c.inked, c.id).toBeGreaterThan(500);
    }

    const text = (selector: string) => page.locator(selector).innerText();
    expect(await text('#summary')).toMatch(/62,5%[\s\S]*8 hồ sơ đã giải quyết[\s\S]*3,78 \/ 5/);
    const months = await text('#table-on-time-month');
    expect(months).toMatch(/09\/2026\s+3\s+2\s+66,7%/);
    expect(months).toMatch(/10\/2026\s+2\s+1\s+50%/);
    expect(months).toMatch(/11\/2026\s+3\s+2\s+66,7%/);
    expect(await text('#table-on-time-procedure')).toMatch(/khai-sinh\s+5\s+3\s+60%/);
    const waits = await text('#table-handoff-wait');
    expect(waits).toMatch(/02\/11\/2026\s+5\s+4\s+7\s+17/);
    expect(waits).toMatch(/09\/11\/2026\s+2\s+2\s+4\s+5,6/);
    expect(waits).toMatch(/16\/11\/2026\s+0\s+0\s+—\s+—/);
    expect(await text('#table-handoff-handle')).toMatch(/02\/11\/2026\s+5\s+3\s+20\s+28/);
    expect(await text('#table-rating')).toMatch(/5 sao\s+4/);
    expect(await text('#table-status')).toMatch(/9\. Đã xử lý xong\s+4/);
    expect(await page.locator('main').innerText()).not.toContain(OTHER_OA);
    await screenshot(page, 'dashboard');
    expect(problems).toEqual([]);
  });

  it('speaks English when asked', async () => {
    await page.goto(`${url}/console/dashboard?lang=en&months=6`);
    await page.locator('canvas[data-drawn="true"]').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('h1').innerText()).toBe('Dashboard');
    expect(await page.locator('#table-on-time-month').innerText()).toMatch(/Sept? 2026\s+3\s+2\s+66\.7%/);
    await page.goto(`${url}/console/dashboard?lang=vi`);
  });

  it('refuses the audit log and its export to an officer', async () => {
    const response = await page.goto(`${url}/console/audit`);
    expect(response?.status()).toBe(403);
    expect((await page.request.get(`${url}/console/audit.csv`)).status()).toBe(403);
  });

  it('shows an admin the audit log with filters, and audits the CSV export', async () => {
    const admin = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
    const p = await signIn(admin, 'quan.admin');
    const response = await p.goto(`${url}/console/audit`);
    expect(response?.status()).toBe(200);
    const table = await p.locator('#audit').innerText();
    expect(table).toContain('dossier.status');
    expect(table).toContain('console.user.create');
    expect(table).toContain('Đã trả lời \\"phản ánh\\" <b>');

    await p.fill('#f-action', 'dossier.');
    await p.fill('#f-from', '2026-11-01');
    await p.fill('#f-to', '2026-11-15');
    await Promise.all([p.waitForNavigation(), p.click('form.filters button[type=submit]')]);
    expect(p.url()).toContain('action=dossier.');
    const rows = await p.locator('#audit tbody tr').allInnerTexts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/2026-11-10 10:00:00\s+officer:lan\.officer\s+dossier\.status\s+dossier #7/);
    await screenshot(p, 'audit-log');

    const href = await p.locator('#export').getAttribute('href');
    expect(href).toBe('/console/audit.csv?action=dossier.&from=2026-11-01&to=2026-11-15');
    const csv = await p.request.get(`${url}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="audit-\d{8}-\d{6}\.csv"$/);
    const body = await csv.body();
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'STT,Thời điểm,Thời điểm (UTC),Người thực hiện,Thao tác,Loại đối tượng,Mã đối tượng,Chi tiết',
    );
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toMatch(
      /^\d+,2026-11-10 10:00:00,2026-11-10T03:00:00\.000Z,officer:lan\.officer,dossier\.status,dossier,7,"{""to"":9,""from"":4}"$/,
    );

    const exports = await db.select().from(auditLog).where(eq(auditLog.action, 'audit.export'));
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatchObject({
      actor: 'officer:quan.admin',
      subjectKind: 'audit_log',
      details: { format: 'csv', filter: { action: 'dossier.', from: '2026-11-01', to: '2026-11-15' } },
    });

    // A cell a spreadsheet would run as a formula is written as text.
    const guarded = await p.request.get(`${url}/console/audit.csv?subjectKind=complaint`);
    expect(await guarded.text()).toContain(",'=SUM(A1),");

    await p.goto(`${url}/console/audit?action=audit.export`);
    expect(await p.locator('#audit tbody tr').count()).toBe(2);
    expect(await p.locator('#audit').innerText()).toContain('officer:quan.admin');
    await admin.close();
    expect(problems).toEqual([]);
  });
});
