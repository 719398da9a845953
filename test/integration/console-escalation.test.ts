import type { Browser, Page } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { publishEscalation } from '../../src/console/inbox/live.js';
import { auditLog, tickets } from '../../src/db/schema.js';
import { createEscalationSweep } from '../../src/handoff/escalation.js';
import { claimTicket } from '../../src/handoff/tickets.js';
import { startEmulatedStack } from '../support/app.js';
import { createTestAccounts, launchChromium, screenshot, signIn } from '../support/console-browser.js';
import { dialog } from '../support/dialog.js';

/*
 * Escalation with an injected clock: a ticket left waiting 15 office minutes (weekends do not
 * count) is escalated once, audited as the system, and every signed-in officer of its OA sees a
 * banner on whatever console page is open, live; officers of other OAs do not. The inbox marks it.
 */

const OA = EMULATOR_CREDENTIALS.oaId;
/** An instant in Vietnam's local time (UTC+7); these lie ahead of the runtime's own sweeps. */
const vn = (local: string) => new Date(`${local}:00+07:00`);
let stack: Awaited<ReturnType<typeof startEmulatedStack>>;
let browser: Browser;

beforeAll(async () => {
  stack = await startEmulatedStack();
  await createTestAccounts(stack.db.db, [
    { username: 'an.pham', displayName: 'Phạm An', role: 'officer', oaIds: [OA] },
    { username: 'khac.oa', displayName: 'OA khác', role: 'officer', oaIds: ['999'] },
  ]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.cleanup();
});

async function signedInPage(username: string, at: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1000 } });
  await signIn(page, stack.app.url!, username);
  await page.goto(`${stack.app.url}${at}`);
  await page.locator('#escalation[data-connected]').waitFor({ state: 'attached', timeout: 15_000 });
  return page;
}

/** A waiting ticket for `user`, opened (as the database says) at `createdAt`. */
async function waitingTicket(user: string, createdAt: Date) {
  await dialog(stack.emu, user).say('gặp cán bộ');
  const [t] = await stack.db.db
    .update(tickets)
    .set({ createdAt })
    .where(and(eq(tickets.userId, user), eq(tickets.status, 'waiting')))
    .returning();
  return t!;
}

describe('escalation of tickets left waiting', () => {
  it('escalates once after 15 office minutes, audits it and alerts the OA’s officers live on any page', async () => {
    const page = await signedInPage('an.pham', '/console/dashboard');
    const stranger = await signedInPage('khac.oa', '/console/');
    // Friday 16:55: five office minutes that day, the other ten on Monday morning.
    const ticket = await waitingTicket('esc-resident-1', vn('2026-12-11T16:55'));
    const taken = await waitingTicket('esc-resident-2', vn('2026-12-11T08:00'));
    expect(await claimTicket(stack.db.db, taken.id, 'an.pham')).toBe('claimed');

    let now = vn('2026-12-12T10:00');
    const redis = stack.redis.client();
    const sweep = createEscalationSweep({
      db: stack.db.db,
      clock: { shifts: stack.app.config.dossiers.officeShifts, calendar: stack.app.dossiers.calendar },
      escalateMinutes: stack.app.config.dossiers.ticketEscalateMinutes,
      now: () => now,
      notify: (t) => publishEscalation(redis, t),
    });

    expect(await sweep.run()).toEqual([]);
    now = vn('2026-12-14T07:39');
    expect(await sweep.run()).toEqual([]);
    expect(await page.locator('#escalation').isHidden()).toBe(true);

    now = vn('2026-12-14T07:40');
    const first = await sweep.run();
    expect(first.map((t) => t.id)).toEqual([ticket.id]);
    now = vn('2026-12-14T07:45');
    expect(await sweep.run()).toEqual([]);

    const [row] = await stack.db.db.select().from(tickets).where(eq(tickets.id, ticket.id));
    expect(row!.escalatedAt?.toISOString()).toBe(vn('2026-12-14T07:40').toISOString());
    const [other] = await stack.db.db.select().from(tickets).where(eq(tickets.id, taken.id));
    expect(other!.escalatedAt).toBeNull();
    const audits = await stack.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'ticket.escalated'), eq(auditLog.subjectId, String(ticket.id))));
    expect(audits.map((a) => [a.actor, a.subjectKind])).toEqual([['system', 'ticket']]);

    // The dashboard page, opened before, shows the alert without reloading.
    const banner = page.locator('#escalation');
    await banner.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await banner.innerText()).toContain('Người dân esc-resident-1 đã chờ quá lâu');
    expect(await page.locator('#escalation-badge').innerText()).toBe('⚠ 1');
    expect(page.url()).toMatch(/\/console\/dashboard$/);
    await screenshot(page, 'console-escalation');
    await new Promise((r) => setTimeout(r, 500));
    expect(await stranger.locator('#escalation').isHidden()).toBe(true);

    // The banner leads to the chat; the inbox marks the ticket as escalated.
    await Promise.all([page.waitForURL(/\/console\/tickets\/\d+$/), page.click('#escalation-link')]);
    expect(page.url()).toMatch(new RegExp(`/console/tickets/${ticket.id}$`));
    await page.goto(`${stack.app.url}/console/inbox`);
    const marked = page.locator(`tr[data-ticket="${ticket.id}"]`);
    expect(await marked.getAttribute('class')).toMatch(/escalated/);
    expect(await marked.innerText()).toMatch(/đã báo động/);
    expect(await page.locator(`tr[data-ticket="${taken.id}"]`).innerText()).not.toMatch(/đã báo động/);
    await page.close();
    await stranger.close();
  });
});
