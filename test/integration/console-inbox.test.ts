import type { Browser, Page } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { conversations, outbox, ratings, tickets } from '../../src/db/schema.js';
import { claimTicket, officerReply, transferTicket } from '../../src/handoff/tickets.js';
import { eventually, startEmulatedStack } from '../support/app.js';
import { createTestAccounts, launchChromium, screenshot, signIn } from '../support/console-browser.js';
import { dialog } from '../support/dialog.js';
import { makeZaloEvent, signedDelivery } from '../support/zalo-events.js';

/*
 * The handoff inbox in a real Chromium: an officer signs in, sees a resident waiting (live),
 * claims the chat, answers (the answer reaches the resident in the emulator), the bot keeps quiet
 * meanwhile, and resolving asks the resident for a rating. Screenshots go to test-results/.
 */

const OA = EMULATOR_CREDENTIALS.oaId;
let stack: Awaited<ReturnType<typeof startEmulatedStack>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  stack = await startEmulatedStack();
  await createTestAccounts(
    stack.db.db,
    ['lan.nguyen', 'hung.tran'].map((username) => ({ username, role: 'officer', oaIds: [OA] })),
  );
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1000, height: 1200 } });
});

afterAll(async () => {
  await browser?.close();
  await stack?.cleanup();
});

const shot = (name: string) => screenshot(page, name);

describe('the handoff inbox, in a browser', () => {
  it('shows a waiting resident live, lets an officer claim and answer, keeps the bot quiet, and asks for a rating on resolve', async () => {
    const chat = dialog(stack.emu, 'hd-resident-1');
    await signIn(page, stack.app.url!, 'lan.nguyen');
    await shot('console-home');
    await page.goto(`${stack.app.url}/console/inbox`);
    expect(await page.locator('#inbox').first().innerText()).toMatch(/Chưa có người dân nào chờ/);

    const [queued] = await chat.say('cho tôi gặp cán bộ');
    expect(queued!.text).toMatch(/vị trí thứ 1 trong hàng chờ/);
    // The open inbox page reloads itself from the live stream.
    await page.locator('tr[data-ticket]').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('#inbox').first().innerText()).toContain('hd-resident-1');
    await shot('console-inbox');

    await page.click('a:has-text("hd-resident-1")');
    await page.click('button:has-text("Nhận xử lý")');
    expect(await page.locator('#window').first().innerText()).toMatch(/còn mở/);
    await page.fill('#text', 'Chào chị, em là cán bộ một cửa. Chị cần hỗ trợ hồ sơ nào ạ?');
    await page.click('#reply button[type=submit]');
    const [answer] = await chat.expect();
    expect(answer!.text).toBe('Chào chị, em là cán bộ một cửa. Chị cần hỗ trợ hồ sơ nào ạ?');

    await stack.emu.say('hd-resident-1', 'Em muốn hỏi về giấy khai sinh cho con');
    await page.locator('#chat li', { hasText: 'giấy khai sinh cho con' }).waitFor({ timeout: 15_000 });
    await shot('console-ticket');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await stack.emu.inbox('hd-resident-1')).length).toBe(2);

    await page.click('button:has-text("Kết thúc")');
    const [rate] = await chat.expect();
    expect(rate!.text).toMatch(/hài lòng/);
    expect(chat.buttons()).toEqual(['1 sao', '2 sao', '3 sao', '4 sao', '5 sao']);
    await chat.tap('5 sao');
    const [ticket] = await stack.db.db.select().from(tickets).where(eq(tickets.userId, 'hd-resident-1'));
    const [rating] = await stack.db.db
      .select()
      .from(ratings)
      .where(and(eq(ratings.subjectKind, 'ticket'), eq(ratings.subjectId, ticket!.id)));
    expect(rating!.score).toBe(5);
    // The open ticket page shows the rating as it arrives.
    await page.locator('#rating', { hasText: '5/5' }).waitFor({ timeout: 15_000 });
    await shot('console-rated');
    const [menu] = await chat.say('menu');
    expect(menu!.text).toMatch(/Anh\/Chị/);
  });

  it('gives a ticket to exactly one of two officers claiming it at once', async () => {
    const chat = dialog(stack.emu, 'hd-resident-2');
    await chat.say('gặp cán bộ');
    const [t] = await stack.db.db.select().from(tickets).where(eq(tickets.userId, 'hd-resident-2'));
    const results = await Promise.all([
      claimTicket(stack.db.db, t!.id, 'lan.nguyen'),
      claimTicket(stack.db.db, t!.id, 'hung.tran'),
    ]);
    expect(results.sort()).toEqual(['claimed', 'taken']);
  });

  it('tells the officer who clicked second that a colleague took the chat', async () => {
    await dialog(stack.emu, 'hd-race').say('gặp cán bộ');
    const [t] = await stack.db.db.select().from(tickets).where(eq(tickets.userId, 'hd-race'));
    const contexts = [await browser.newContext(), await browser.newContext()];
    try {
      const [first, second] = await Promise.all(
        ['lan.nguyen', 'hung.tran'].map(async (username, i) => {
          const p = await contexts[i]!.newPage();
          await signIn(p, stack.app.url!, username);
          await p.goto(`${stack.app.url}/console/tickets/${t!.id}`);
          return p;
        }),
      );
      const claim = `form[action$="/tickets/${t!.id}/claim"]`;
      // The second officer's form is already on screen when the first one clicks.
      const token = await second!.locator(`${claim} input[name=_csrf]`).inputValue();
      await Promise.all([first!.waitForNavigation(), first!.click(`${claim} button`)]);
      const late = await contexts[1]!.request.post(`${stack.app.url}/console/tickets/${t!.id}/claim`, {
        form: { _csrf: token },
        maxRedirects: 0,
      });
      expect(late.status()).toBe(303);
      const shown = late.headers()['location']!;
      expect(new URL(shown, stack.app.url).searchParams.get('notice')).toBe('taken');
      await second!.goto(new URL(shown, stack.app.url).toString());
      await second!.locator('#notice.error').waitFor();
      const [row] = await stack.db.db.select().from(tickets).where(eq(tickets.id, t!.id));
      expect(row).toMatchObject({ status: 'open', officer: 'lan.nguyen' });
    } finally {
      await Promise.all(contexts.map((c) => c.close()));
    }
  });

  it('does not give an officer more chats than the capacity allows', async () => {
    for (const u of ['hd-cap-1', 'hd-cap-2']) await dialog(stack.emu, u).say('gặp cán bộ');
    const waiting = await stack.db.db.select().from(tickets).where(eq(tickets.status, 'waiting'));
    const mine = waiting.filter((t) => t.userId.startsWith('hd-cap-'));
    expect(await claimTicket(stack.db.db, mine[0]!.id, 'cap.officer', 1)).toBe('claimed');
    expect(await claimTicket(stack.db.db, mine[1]!.id, 'cap.officer', 1)).toBe('full');
    // A colleague with no chat of their own yet (the officers above may hold one from the races).
    expect(await claimTicket(stack.db.db, mine[1]!.id, 'cap.colleague', 1)).toBe('claimed');
  });

  it("steps back when an officer answers in Zalo's own OA chat tool, until the chat is resolved", async () => {
    const user = 'hd-zalo-admin';
    const chat = dialog(stack.emu, user);
    await chat.say('xin chào');
    const typedInZalo = makeZaloEvent('oa_send_text', {
      timestamp: String(Date.now()),
      recipient: { id: user },
      message: { msg_id: 'b1b1b1b1b1b1b1b1b1b1', text: 'Chào anh, cán bộ đây ạ' },
    });
    const { raw, headers } = signedDelivery(typedInZalo);
    expect(
      (await fetch(`${stack.app.url}/webhooks/zalo`, { method: 'POST', body: raw, headers })).status,
    ).toBe(200);
    const ticket = await eventually(async () => {
      const [t] = await stack.db.db.select().from(tickets).where(eq(tickets.userId, user));
      return t ?? null;
    });
    expect(ticket.status).toBe('open');
    expect(ticket.officer).toBe('zalo-admin');
    const before = (await stack.emu.inbox(user)).length;
    await stack.emu.say(user, 'Dạ em cảm ơn');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await stack.emu.inbox(user)).length).toBe(before);
  });

  it('hands a chat to a colleague in the browser; the former owner can no longer answer it', async () => {
    await dialog(stack.emu, 'hd-transfer').say('gặp cán bộ');
    const [t] = await stack.db.db.select().from(tickets).where(eq(tickets.userId, 'hd-transfer'));
    await page.goto(`${stack.app.url}/console/tickets/${t!.id}`);
    await page.click('button:has-text("Nhận xử lý")');
    await page.selectOption('select[name=to]', 'hung.tran');
    await page.click('button:has-text("Chuyển cho cán bộ khác")');
    expect(await page.locator('#notice').innerText()).toMatch(/Đã chuyển/);
    const [moved] = await stack.db.db.select().from(tickets).where(eq(tickets.id, t!.id));
    expect(moved!.officer).toBe('hung.tran');
    expect(await transferTicket(stack.db.db, t!.id, 'lan.nguyen', 'lan.nguyen')).toBe(false);
    await expect(
      officerReply(stack.db.db, { ticketId: t!.id, officer: 'lan.nguyen', message: { text: 'x' } }),
    ).rejects.toThrow(/claim the ticket/);
  });

  it('holds an answer Zalo would refuse (window closed) with a warning, and sends it when the resident writes', async () => {
    const user = 'hd-resident-3';
    const chat = dialog(stack.emu, user);
    await chat.say('gặp cán bộ');
    await stack.db.db
      .update(conversations)
      .set({ lastInteractionAt: new Date(Date.now() - 8 * 24 * 3600_000) })
      .where(and(eq(conversations.oaId, OA), eq(conversations.userId, user)));
    const [t] = await stack.db.db.select().from(tickets).where(eq(tickets.userId, user));
    await page.goto(`${stack.app.url}/console/tickets/${t!.id}`);
    await page.click('button:has-text("Nhận xử lý")');
    expect(await page.locator('#window').first().innerText()).toMatch(/quá 7 ngày/);
    await page.fill('#text', 'Anh ơi, hồ sơ của anh đã có kết quả.');
    await page.click('#reply button[type=submit]');
    expect(await page.locator('#notice').first().innerText()).toMatch(/Đã giữ lại tin nhắn/);
    await shot('console-held');
    const held = await stack.db.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.userId, user), eq(outbox.status, 'held')));
    expect(held.map((r) => r.reason)).toEqual(['window_closed']);
    await stack.emu.say(user, 'Tôi đây');
    await eventually(async () => {
      const inbox = await stack.emu.inbox(user);
      return inbox.some((m) => m.text === 'Anh ơi, hồ sơ của anh đã có kết quả.') ? inbox : null;
    }, 20_000);
  });

  it('sends a visitor who is not signed in to the sign-in page, and refuses scripts', async () => {
    const anonymous = await browser.newPage();
    await anonymous.goto(`${stack.app.url}/console/inbox`);
    expect(anonymous.url()).toMatch(/\/console\/login\?next=/);
    await anonymous.close();
    expect((await fetch(`${stack.app.url}/console/inbox`)).status).toBe(401);
    const claim = await fetch(`${stack.app.url}/console/tickets/1/claim`, { method: 'POST' });
    expect([401, 403]).toContain(claim.status);
  });
});
