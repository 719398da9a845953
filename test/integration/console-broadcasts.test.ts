import type { Browser, BrowserContext, Page } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { TEXT_LIMIT } from '../../src/console/broadcasts/form.js';
import { auditLog, broadcasts, conversations, followerTags, procedureInterest } from '../../src/db/schema.js';
import { eventually, startTestApp } from '../support/app.js';
import {
  createTestAccounts,
  launchChromium,
  screenshot as shot,
  signIn,
} from '../support/console-browser.js';
import { emulatorClient, type EmulatedMessage } from '../support/emulator-client.js';
import { pdf, png } from '../support/images.js';
import { openTestDatabase, startTestRedis } from '../support/services.js';

/*
 * The broadcast pages in a real Chromium, through the running app and its Zalo emulator: an editor
 * composes a notice with an image and a link, checks the phone preview and the recipient counts,
 * sends it to one hamlet's tag, the residents get it and the report and CSV show them; a notice
 * that needs approval waits for a second editor; officers may read reports but not compose.
 * Screenshots go to test-results/screenshots/.
 */

const OA = EMULATOR_CREDENTIALS.oaId;
const TAG = 'Thôn Đông';
const EAST = ['bc-dong-1', 'bc-dong-2'];
const OPTED_OUT = 'bc-dong-huy';
const NOT_FOLLOWING = 'bc-dong-khach';

type Stack = {
  app: Awaited<ReturnType<typeof startTestApp>>;
  emu: ReturnType<typeof emulatorClient>;
  cleanup: () => Promise<void>;
};
let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** The app with quiet hours switched off, so notices go out whatever the hour of the run. */
async function startStack(): Promise<Stack> {
  const redis = await startTestRedis();
  const db = await openTestDatabase();
  const app = await startTestApp({ redisUrl: redis.url, db, env: { QUIET_HOURS: '00:00-00:00' } });
  return {
    app,
    emu: emulatorClient(app.url!),
    cleanup: async () => {
      await app.cleanup();
      await db.cleanup();
      await redis.cleanup();
    },
  };
}

const db = () => stack.app.db.db;
const api = (p: string) => `${stack.app.url}/emulator/api${p}`;

async function follow(userId: string) {
  const res = await fetch(api(`/users/${encodeURIComponent(userId)}/follow?wait=1`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.ok).toBe(true);
}

/** A resident as the app knows them once the emulator's webhooks were processed. */
async function conversationOf(userId: string, check: (c: typeof conversations.$inferSelect) => boolean) {
  return eventually(async () => {
    const [c] = await db()
      .select()
      .from(conversations)
      .where(and(eq(conversations.oaId, OA), eq(conversations.userId, userId)));
    return c && check(c) ? c : null;
  }, 20_000);
}

async function tag(userId: string) {
  await db()
    .insert(followerTags)
    .values({ oaId: OA, userId, tag: TAG, source: 'staff' })
    .onConflictDoNothing();
}

/** Messages carrying `text` that the OA sent the resident, as the emulator recorded them. */
async function received(userId: string, text: string) {
  return eventually(async () => {
    const found = (await stack.emu.inbox(userId)).filter((m) => m.text?.includes(text));
    return found.length > 0 ? found : null;
  }, 30_000);
}

async function signedInPage(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1300 } });
  contexts.push(context);
  const page = await context.newPage();
  await signIn(page, stack.app.url!, username);
  expect(page.url()).not.toMatch(/login/);
  return page;
}

const count = async (page: Page, key: string) =>
  Number(await page.locator(`#audience-counts [data-count="${key}"]`).innerText());

/** Fills the compose form (on /console/broadcasts/new) and saves the draft; returns its id. */
async function compose(
  page: Page,
  o: {
    title: string;
    text: string;
    tags?: string[];
    needsApproval?: boolean;
    image?: Buffer;
    link?: [string, string];
  },
): Promise<number> {
  await page.goto(`${stack.app.url}/console/broadcasts/new`);
  await page.fill('#title', o.title);
  await page.fill('#text', o.text);
  if (o.image)
    await page.setInputFiles('#image', { name: 'thong-bao.png', mimeType: 'image/png', buffer: o.image });
  if (o.link) {
    await page.fill('#linkTitle', o.link[0]);
    await page.fill('#linkUrl', o.link[1]);
  }
  for (const t of o.tags ?? []) await page.check(`input[name=tag][value="${t}"]`);
  if (o.needsApproval) await page.check('input[name=needsApproval]');
  await Promise.all([page.waitForURL(/\/console\/broadcasts\/\d+\?done=created/), page.click('#save')]);
  return Number(/\/broadcasts\/(\d+)/.exec(page.url())![1]);
}

beforeAll(async () => {
  stack = await startStack();
  await createTestAccounts(db(), [
    { username: 'mai.editor', role: 'editor', oaIds: [OA] },
    { username: 'tuan.editor', role: 'editor', oaIds: [OA] },
    { username: 'lan.officer', role: 'officer', oaIds: [OA] },
  ]);

  for (const user of [...EAST, OPTED_OUT]) {
    await follow(user);
    await stack.emu.say(user, 'xin chào');
    await conversationOf(user, (c) => c.following === true && c.lastInteractionAt !== null);
  }
  await stack.emu.say(NOT_FOLLOWING, 'xin chào');
  await conversationOf(NOT_FOLLOWING, (c) => c.lastInteractionAt !== null);
  await db()
    .update(conversations)
    .set({ optedOutAt: new Date() })
    .where(and(eq(conversations.oaId, OA), eq(conversations.userId, OPTED_OUT)));
  for (const user of [...EAST, OPTED_OUT, NOT_FOLLOWING]) await tag(user);

  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await stack?.cleanup();
});

describe('the broadcast pages, in a browser', () => {
  it('composes a notice with an image and a link, previews it, sends it to a hamlet and reports it', async () => {
    const page = await signedInPage('mai.editor');
    await page.goto(`${stack.app.url}/console/`);
    await Promise.all([page.waitForURL(/\/console\/broadcasts$/), page.click('nav a:has-text("Thông báo")')]);
    await page.click('#compose');
    expect(page.url()).toMatch(/\/console\/broadcasts\/new$/);

    // The counter and the phone preview follow the typing; the counts follow the audience.
    await page.fill('#text', 'Lịch tiêm chủng');
    expect(await page.locator('#counter').innerText()).toMatch(/^15\//);
    expect(await page.locator('#preview-text').innerText()).toMatch(/^Lịch tiêm chủng\s+Nhắn HỦY/);
    expect(await count(page, 'total')).toBe(4);
    await page.check(`input[name=tag][value="${TAG}"]`);
    await page.locator('#audience-counts[data-audience*="tag="]').waitFor();
    expect(await page.locator('input[name=audience][value=tags]').isChecked()).toBe(true);
    expect(await count(page, 'total')).toBe(4);
    expect(await count(page, 'deliverable')).toBe(2);
    expect(await count(page, 'opted_out')).toBe(1);
    expect(await count(page, 'unfollowed')).toBe(1);
    expect(await count(page, 'window_closed')).toBe(0);
    await shot(page, 'console-broadcast-compose');

    const text = 'Thôn Đông: tiêm chủng mở rộng cho trẻ dưới 5 tuổi vào sáng thứ Bảy tại nhà văn hóa thôn.';
    const id = await compose(page, {
      title: 'Tiêm chủng thôn Đông',
      text,
      tags: [TAG],
      image: png(64, 48, 0x40),
      link: ['Xem lịch tiêm', 'https://tiemchung.example.vn/lich'],
    });
    expect(await page.locator('#notice').innerText()).toMatch(/Đã lưu bản nháp/);
    expect(await page.locator('#status').innerText()).toMatch(/Bản nháp/);
    // The phone preview: the image above the text, the button under it.
    const image = page.locator('#phone .bubble img#preview-image');
    await expect
      .poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(64);
    expect(await page.locator('#preview-text').innerText()).toContain(text);
    expect(await page.locator('#phone .bubble .button').innerText()).toBe('Xem lịch tiêm');
    const order = await page
      .locator('#phone .bubble > *')
      .evaluateAll((els) =>
        (els as unknown as Array<{ tagName: string; id: string }>).map(
          (e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : ''),
        ),
      );
    expect(order).toEqual(['img#preview-image', 'div#preview-text', 'span']);
    expect(await count(page, 'deliverable')).toBe(2);
    expect(await count(page, 'opted_out')).toBe(1);
    await shot(page, 'console-broadcast-draft');

    await page.check('input[name=when][value=now]');
    await Promise.all([page.waitForURL(/done=sending/), page.click('#send')]);
    expect(await page.locator('#notice').innerText()).toMatch(/Đang gửi thông báo/);
    for (const user of EAST) {
      const [message] = (await received(user, 'tiêm chủng mở rộng')) as [
        EmulatedMessage & { attachment?: { type: string } },
      ];
      expect(message.text).toContain(text);
      expect(message.text).toMatch(/Nhắn HỦY/);
      expect(message.attachment?.type).toBe('image');
      expect(message.buttons).toEqual([
        {
          title: 'Xem lịch tiêm',
          type: 'oa.open.url',
          payload: { url: 'https://tiemchung.example.vn/lich' },
        },
      ]);
    }
    for (const user of [OPTED_OUT, NOT_FOLLOWING])
      expect((await stack.emu.inbox(user)).some((m) => m.text?.includes('tiêm chủng mở rộng'))).toBe(false);

    // The open page refreshes itself until the report shows both residents reached.
    await page.locator('#sent-total[data-sent="2"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#sent-total').innerText()).toMatch(/Đã gửi đi 2 \/ 4 người nhận/);
    const line = (key: string) =>
      page.locator(`#report-counts tr[data-line="${key}"] [data-value]`).innerText();
    expect(await line('refused')).toBe('2');
    expect(await line('refused:opted_out')).toBe('1');
    expect(await line('refused:unfollowed')).toBe('1');
    expect(await line('failed')).toBe('0');
    await page.locator('#status [data-status="done"]').waitFor({ timeout: 30_000 });
    // "Sending" is no longer true: the open page drops it, and so does a reload of the same address.
    await page.locator('#notice').waitFor({ state: 'detached', timeout: 10_000 });
    await page.reload();
    expect(page.url()).toMatch(/done=sending/);
    expect(await page.locator('#notice').count()).toBe(0);
    await page.locator('#timeline-chart[data-drawn="true"]').waitFor();
    const minutes = await page.locator('#timeline-table tbody tr td:nth-child(2)').allInnerTexts();
    expect(minutes.map(Number).reduce((a, b) => a + b, 0)).toBe(2);
    await shot(page, 'console-broadcast-report');

    // The CSV holds the recipients by Zalo id only, and the export is audited.
    const download = await page.request.get(`${stack.app.url}/console/broadcasts/${id}/recipients.csv`);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toMatch(/text\/csv/);
    const csv = await download.text();
    const rows = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]).toBe('Mã người dùng Zalo,Trạng thái,Lý do từ chối,Gửi lúc,Nhận lúc,Xem lúc');
    const byUser = new Map(rows.slice(1).map((r) => [r.split(',')[0], r.split(',')]));
    expect([...byUser.keys()].sort()).toEqual([...EAST, OPTED_OUT, NOT_FOLLOWING].sort());
    for (const user of EAST) expect(['sent', 'received', 'seen']).toContain(byUser.get(user)![1]);
    expect(byUser.get(OPTED_OUT)!.slice(1, 3)).toEqual(['refused', 'opted_out']);
    expect(byUser.get(NOT_FOLLOWING)!.slice(1, 3)).toEqual(['refused', 'unfollowed']);
    const exports = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'broadcast.export'), eq(auditLog.subjectId, String(id))));
    expect(exports.map((e) => e.actor)).toEqual(['officer:mai.editor']);

    await page.goto(`${stack.app.url}/console/broadcasts`);
    const listed = page.locator(`#broadcasts tr[data-broadcast="${id}"]`);
    expect(await listed.innerText()).toMatch(/Đã gửi xong/);
    expect(await listed.innerText()).toContain('2/4');
    await shot(page, 'console-broadcasts');
  });

  it('keeps a notice that needs approval until a second editor approves it; its author cannot', async () => {
    const mai = await signedInPage('mai.editor');
    const id = await compose(mai, {
      title: 'Cắt điện thôn Đông',
      text: 'Thôn Đông cắt điện từ 8 giờ đến 11 giờ sáng Chủ nhật để sửa đường dây.',
      tags: [TAG],
      needsApproval: true,
    });
    await Promise.all([mai.waitForURL(/done=awaiting_approval/), mai.click('#send')]);
    expect(await mai.locator('#status').innerText()).toMatch(/Chờ phê duyệt/);
    await mai.click('#go-approve');
    expect(await mai.locator('#own').innerText()).toMatch(/không thể tự phê duyệt/);
    expect(await mai.locator('#approve').count()).toBe(0);
    // Posting the approval anyway is refused by the server.
    const token = await mai.locator('meta[name="csrf-token"]').getAttribute('content');
    const res = await mai.request.post(`${stack.app.url}/console/broadcasts/${id}/approve`, {
      headers: { 'x-csrf-token': token! },
      maxRedirects: 0,
    });
    const refused = { status: res.status(), body: await res.text() };
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/không thể tự phê duyệt/);
    const [still] = await db().select().from(broadcasts).where(eq(broadcasts.id, id));
    expect(still!.status).toBe('awaiting_approval');
    await new Promise((r) => setTimeout(r, 1000));
    expect((await stack.emu.inbox(EAST[0]!)).some((m) => m.text?.includes('cắt điện'))).toBe(false);

    const tuan = await signedInPage('tuan.editor');
    await tuan.goto(`${stack.app.url}/console/broadcasts/${id}/approve`);
    expect(await tuan.locator('#audience-counts [data-count="deliverable"]').innerText()).toBe('2');
    await shot(tuan, 'console-broadcast-approval');
    await Promise.all([tuan.waitForURL(/done=approved/), tuan.click('#approve')]);
    for (const user of EAST) await received(user, 'cắt điện từ 8 giờ');
    const [sent] = await db().select().from(broadcasts).where(eq(broadcasts.id, id));
    expect(sent!.approvedBy).toBe('tuan.editor');
  });

  it('refuses a time in the past, schedules for later, and cancels after a confirmation', async () => {
    const page = await signedInPage('tuan.editor');
    const id = await compose(page, { title: 'Họp dân cuối năm', text: 'Mời bà con dự họp cuối năm.' });
    await page.check('input[name=when][value=at]');
    // The browser itself refuses a time before `min`; the server must refuse it too.
    await page
      .locator('#at')
      .evaluate((el) => (el as unknown as { removeAttribute(name: string): void }).removeAttribute('min'));
    await page.fill('#at', '2020-01-01T08:00');
    await page.click('#send');
    expect(await page.locator('#error').innerText()).toMatch(/không ở quá khứ/);
    const later = new Date(Date.now() + 3 * 86_400_000);
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Asia/Ho_Chi_Minh',
      dateStyle: 'short',
      timeStyle: 'short',
    })
      .format(later)
      .replace(' ', 'T');
    await page.check('input[name=when][value=at]');
    await page.fill('#at', local);
    await Promise.all([page.waitForURL(/done=scheduled/), page.click('#send')]);
    const [scheduled] = await db().select().from(broadcasts).where(eq(broadcasts.id, id));
    expect(scheduled!.status).toBe('scheduled');
    expect(Math.abs(scheduled!.scheduledAt!.getTime() - later.getTime())).toBeLessThan(60_000);
    expect(await page.locator('#summary').innerText()).toContain(
      local.slice(8, 10) + '/' + local.slice(5, 7) + '/' + local.slice(0, 4),
    );

    await page.click('#cancel');
    expect(await page.locator('#confirm').innerText()).toMatch(/Không thể hoàn tác/);
    await Promise.all([page.waitForURL(/done=cancelled/), page.click('#confirm-yes')]);
    expect(await page.locator('#status').innerText()).toMatch(/Đã hủy/);
  });

  it('shows a suggested notice first, keeps its procedure audience, and sends it after review', async () => {
    await db()
      .insert(procedureInterest)
      .values({ oaId: OA, userId: EAST[0]!, procedureCode: '1.001193', lastAskedAt: new Date() });
    const [suggestion] = await db()
      .insert(broadcasts)
      .values({
        oaId: OA,
        title: 'Thủ tục đăng ký khai sinh đã thay đổi',
        body: { text: 'Thủ tục đăng ký khai sinh có thay đổi về giấy tờ cần nộp.' },
        audience: { kind: 'procedure', code: '1.001193', sinceDays: 30 },
        status: 'suggested',
        cause: 'procedure:1.001193',
      })
      .returning({ id: broadcasts.id });
    const page = await signedInPage('tuan.editor');
    await page.goto(`${stack.app.url}/console/broadcasts`);
    const card = page.locator(`#suggested li[data-broadcast="${suggestion!.id}"]`);
    expect(await card.innerText()).toMatch(/Thủ tục đăng ký khai sinh đã thay đổi/);
    await card.locator('a:has-text("Xem và gửi")').click();
    expect(page.url()).toMatch(new RegExp(`/console/broadcasts/${suggestion!.id}/edit$`));
    expect(await page.locator('#audience').innerText()).toMatch(/thủ tục 1\.001193 trong 30 ngày/);
    expect(await page.locator('#audience input').count()).toBe(0);
    expect(await count(page, 'total')).toBe(1);
    expect(await count(page, 'deliverable')).toBe(1);
    await shot(page, 'console-broadcast-suggested');
    await page.fill('#text', 'Từ tháng sau, đăng ký khai sinh cần thêm bản sao giấy chứng sinh.');
    await Promise.all([page.waitForURL(/done=saved/), page.click('#save')]);
    const [saved] = await db().select().from(broadcasts).where(eq(broadcasts.id, suggestion!.id));
    expect(saved!.audience).toEqual({ kind: 'procedure', code: '1.001193', sinceDays: 30 });
    expect((saved!.body as { text: string }).text).toMatch(/bản sao giấy chứng sinh/);
    await Promise.all([page.waitForURL(/done=sending/), page.click('#send')]);
    await received(EAST[0]!, 'bản sao giấy chứng sinh');
    await page.locator('#sent-total[data-sent="1"]').waitFor({ timeout: 30_000 });
    expect((await stack.emu.inbox(EAST[1]!)).some((m) => m.text?.includes('giấy chứng sinh'))).toBe(false);
  });

  it('refuses a text that is too long and a file that is not a JPG or PNG, creating nothing', async () => {
    const page = await signedInPage('mai.editor');
    await page.goto(`${stack.app.url}/console/broadcasts/new`);
    await page.fill('#text', 'a'.repeat(TEXT_LIMIT + 1));
    expect(await page.locator('#counter').innerText()).toContain(`${TEXT_LIMIT + 1}/${TEXT_LIMIT}`);
    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const before = (await db().select().from(broadcasts)).length;
    const post = (multipart: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>) =>
      page.request.post(`${stack.app.url}/console/broadcasts?_csrf=${encodeURIComponent(token!)}`, {
        multipart,
        maxRedirects: 0,
      });
    const long = await post({ title: 'Quá dài', text: 'a'.repeat(TEXT_LIMIT + 1), audience: 'all' });
    expect(long.status()).toBe(400);
    expect(await long.text()).toContain(`tối đa ${TEXT_LIMIT} ký tự`);
    const notImage = await post({
      title: 'Ảnh sai',
      text: 'Nội dung hợp lệ',
      audience: 'all',
      image: { name: 'anh.png', mimeType: 'image/png', buffer: pdf() },
    });
    expect(notImage.status()).toBe(400);
    expect(await notImage.text()).toMatch(/Ảnh phải là JPG hoặc PNG/);
    const tooBig = await post({
      title: 'Ảnh lớn',
      text: 'Nội dung hợp lệ',
      audience: 'all',
      image: {
        name: 'anh.png',
        mimeType: 'image/png',
        buffer: Buffer.concat([png(8, 8), Buffer.alloc(1024 * 1024)]),
      },
    });
    expect(tooBig.status()).toBe(400);
    const badLink = await post({
      title: 'Nút sai',
      text: 'Nội dung hợp lệ',
      audience: 'all',
      linkTitle: 'Xem',
      linkUrl: 'http://khong-an-toan.example.vn',
    });
    expect(badLink.status()).toBe(400);
    expect(await badLink.text()).toMatch(/https:\/\//);
    expect((await db().select().from(broadcasts)).length).toBe(before);
    const noToken = await page.request.post(`${stack.app.url}/console/broadcasts`, {
      multipart: { title: 'Không có mã', text: 'x', audience: 'all' },
      maxRedirects: 0,
    });
    expect(noToken.status()).toBe(403);
  });

  it('lets an officer read notices and reports but not compose or act', async () => {
    const page = await signedInPage('lan.officer');
    await page.goto(`${stack.app.url}/console/broadcasts`);
    expect(await page.locator('#compose').count()).toBe(0);
    expect((await page.goto(`${stack.app.url}/console/broadcasts/new`))!.status()).toBe(403);
    const [first] = await db().select().from(broadcasts).where(eq(broadcasts.title, 'Tiêm chủng thôn Đông'));
    const detail = await page.goto(`${stack.app.url}/console/broadcasts/${first!.id}`);
    expect(detail!.status()).toBe(200);
    expect(await page.locator('#sent-total').innerText()).toMatch(/Đã gửi đi 2/);
    expect(await page.locator('#actions').count()).toBe(0);
    await page.goto(`${stack.app.url}/console/broadcasts/${first!.id}?lang=en`);
    expect(await page.locator('#sent-total').innerText()).toBe('Sent to 2 of 4 recipients');
    expect(await page.locator('#status').innerText()).toBe('Sent');
    await page.goto(`${stack.app.url}/console/broadcasts?lang=vi`);
    expect((await page.goto(`${stack.app.url}/console/broadcasts/${first!.id}/cancel`))!.status()).toBe(403);
  });
  it('lists followers with their tags, sets one resident’s tags and syncs from Zalo', async () => {
    const page = await signedInPage('mai.editor');
    await page.goto(`${stack.app.url}/console/`);
    await Promise.all([
      page.waitForURL(/\/console\/followers$/),
      page.click('nav a:has-text("Người quan tâm")'),
    ]);
    for (const user of [...EAST, OPTED_OUT, NOT_FOLLOWING])
      expect(await page.locator(`#followers tr[data-user="${user}"]`).innerText()).toContain(TAG);
    await page.selectOption('#status', 'opted_out');
    await Promise.all([page.waitForURL(/status=opted_out/), page.click('#filters button[type=submit]')]);
    expect(await page.locator('#followers tr[data-user]').count()).toBe(1);
    expect(await page.locator(`#followers tr[data-user="${OPTED_OUT}"]`).count()).toBe(1);

    await page.goto(`${stack.app.url}/console/followers`);
    await page.click(`#followers tr[data-user="${EAST[0]}"] a`);
    expect(await page.locator(`input[name=tag][value="${TAG}"]`).isChecked()).toBe(true);
    // The chat topics are offered too.
    expect(await page.locator('input[name=tag][value="Tiêm chủng"]').count()).toBe(1);
    await page.check('input[name=tag][value="Tiêm chủng"]');
    await page.fill('#newTags', 'Tổ 3');
    await Promise.all([page.waitForURL(/done=saved/), page.click('#save-tags')]);
    expect(await page.locator('#current').innerText()).toMatch(/Thôn Đông[\s\S]*Tiêm chủng[\s\S]*Tổ 3/);
    const tags = await db()
      .select()
      .from(followerTags)
      .where(and(eq(followerTags.oaId, OA), eq(followerTags.userId, EAST[0]!)));
    expect(tags.map((t) => t.tag).sort()).toEqual([TAG, 'Tiêm chủng', 'Tổ 3'].sort());
    expect((await stack.emu.user(EAST[0]!)).tags).toEqual(expect.arrayContaining(['Tiêm chủng', 'Tổ 3']));
    await shot(page, 'console-follower-tags');

    await stack.emu.createUser('bc-tay-1', { follower: true, tags: ['Thôn Tây'] });
    await page.goto(`${stack.app.url}/console/followers`);
    await Promise.all([page.waitForURL(/synced=1/), page.click('#sync')]);
    expect(await page.locator('#notice').innerText()).toMatch(/Đã đồng bộ: \d+ người quan tâm/);
    await shot(page, 'console-followers');
    await page.selectOption('#tag', 'Thôn Tây');
    await Promise.all([page.waitForURL(/tag=/), page.click('#filters button[type=submit]')]);
    expect(await page.locator('#followers tr[data-user]').count()).toBe(1);
    expect(await page.locator('#followers tr[data-user="bc-tay-1"]').innerText()).toContain('Thôn Tây');
    const synced = await db().select().from(auditLog).where(eq(auditLog.action, 'follower.sync'));
    expect(synced.map((a) => a.actor)).toEqual(['officer:mai.editor']);

    const officer = await signedInPage('lan.officer');
    await officer.goto(`${stack.app.url}/console/followers`);
    expect(await officer.locator('#followers tr[data-user]').count()).toBeGreaterThan(0);
    expect(await officer.locator('#sync').count()).toBe(0);
    expect((await officer.goto(`${stack.app.url}/console/followers/${EAST[0]}`))!.status()).toBe(403);
  });
});
