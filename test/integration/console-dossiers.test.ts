import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { ACTIVITY_CHANNEL } from '../../src/console/inbox/live.js';
import { createPasswordHasher } from '../../src/console/passwords.js';
import { createConsoleAccounts } from '../../src/console/users.js';
import { apologies, auditLog, dossiers, outbox, storedFiles } from '../../src/db/schema.js';
import { sweepDueDates } from '../../src/dossiers/due.js';
import type { DossierServices } from '../../src/dossiers/services.js';
import { startEmulatedStack } from '../support/app.js';
import { dialog } from '../support/dialog.js';
import { jpeg, png } from '../support/images.js';

/*
 * The console's dossier pages in a real Chromium, as the runtime mounts them on the emulated
 * stack: a resident files a dossier in Zalo, an officer finds it in the list, sees the photos inline, accepts it and asks for a supplement (the resident gets it in the
 * emulator), reveals the phone, approves an apology and exports CSV; refusals go through fetch.
 */

const OA = EMULATOR_CREDENTIALS.oaId;
const PASSWORD = 'mật khẩu thử nghiệm 2026';
const PHONE = '0912345678';
const SHOTS = path.resolve('test-results', 'screenshots');
const hasher = createPasswordHasher({ memoryCost: 8192, timeCost: 2 });
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let stack: Awaited<ReturnType<typeof startEmulatedStack>>;
let services: DossierServices;
let base = '';
let browser: Browser;
let page: Page;
const published: string[] = [];

beforeAll(async () => {
  stack = await startEmulatedStack();
  const db = stack.db.db;
  // The runtime mounts these pages in its console; its send workers deliver the notifications.
  services = stack.app.dossiers;
  base = stack.app.url!;
  const activity = stack.redis.client();
  activity.on('message', (_channel: string, note: string) => {
    const { oaId, userId } = JSON.parse(note) as { oaId: string; userId: string };
    published.push(`${oaId}/${userId}`);
  });
  await activity.subscribe(ACTIVITY_CHANNEL);

  const accounts = createConsoleAccounts({ db, hasher });
  await accounts.create(
    {
      username: 'lan.nguyen',
      displayName: 'Nguyễn Thị Lan',
      password: PASSWORD,
      role: 'officer',
      oaIds: [OA],
    },
    'system:test',
  );
  await accounts.create(
    {
      username: 'xa.khac',
      displayName: 'Cán bộ xã khác',
      password: PASSWORD,
      role: 'officer',
      oaIds: ['oa-xa-khac'],
    },
    'system:test',
  );
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 1200 }, locale: 'vi-VN' });
});

afterAll(async () => {
  await browser?.close();
  await stack?.cleanup();
});

const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** A resident files a birth registration in Zalo (two photo slots, three photos). */
async function fileKhaiSinh(userId: string) {
  const chat = dialog(stack.emu, userId);
  await chat.say('nop ho so khai sinh', 2);
  await chat.tap('Đồng ý', 2);
  await chat.submitInfo({ name: 'Trần Thị Bình', phone: PHONE }, 2);
  await chat.photo(png(1200, 1600, 0x30), 2);
  await chat.tap('Xong mục này');
  await chat.photo(jpeg(1600, 1000), 2);
  await chat.photo(png(1600, 1000, 0xa0), 2);
  await chat.tap('Xong mục này');
  await chat.tap('Tại quầy');
  const [done] = await chat.tap('Nộp hồ sơ');
  const code = /Mã hồ sơ: (\S+)/.exec(done!.text ?? '')?.[1];
  expect(code).toBeDefined();
  return { chat, code: code! };
}

async function signIn(p: Page, username: string) {
  await p.goto(`${base}/console/login`);
  await p.fill('#username', username);
  await p.fill('#password', PASSWORD);
  await Promise.all([p.waitForNavigation(), p.click('button[type=submit]')]);
}

const dossierRow = async (code: string) =>
  (await stack.db.db.select().from(dossiers).where(eq(dossiers.code, code)))[0]!;

const auditActions = async (dossierId: number) =>
  (
    await stack.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectKind, 'dossier'), eq(auditLog.subjectId, String(dossierId))))
  ).map((a) => `${a.actor} ${a.action}`);

describe('the dossier pages, in a browser', () => {
  let code = '';
  let chat: ReturnType<typeof dialog>;

  it('lists a dossier filed in Zalo and shows it with its photos inline and the phone masked', async () => {
    ({ chat, code } = await fileKhaiSinh('dp-resident-1'));
    await signIn(page, 'lan.nguyen');
    await page.goto(`${base}/console/dossiers`);
    const row = page.locator(`tr[data-code="${code}"]`);
    expect(await row.innerText()).toMatch(/Đăng ký khai sinh/);
    expect(await row.innerText()).toMatch(/Mới đăng ký/);
    expect(await row.innerText()).toMatch(/\d{2}\/\d{2}\/\d{4}/);
    await shot('console-dossiers');

    const images: Array<Promise<{ status: number; sha: string }>> = [];
    const onResponse = (r: Response) => {
      if (!r.url().includes(`/dossiers/${code}/files/`)) return;
      images.push(
        r.body().then(
          (b) => ({ status: r.status(), sha: sha(b) }),
          () => ({ status: -1, sha: '' }),
        ),
      );
    };
    page.on('response', onResponse);
    await Promise.all([page.waitForNavigation(), page.click(`a:has-text("${code}")`)]);
    page.off('response', onResponse);
    const d = await dossierRow(code);
    const files = await stack.db.db.select().from(storedFiles).where(eq(storedFiles.ownerId, d.id));
    expect(await page.locator('#documents img').count()).toBe(3);
    const served = await Promise.all(images);
    expect(served.map((s) => s.status)).toEqual([200, 200, 200]);
    expect(served.map((s) => s.sha).sort()).toEqual(files.map((f) => f.sha256).sort());
    const birthPhoto = page.locator('section[data-slot="giay_chung_sinh"] img');
    expect(
      await birthPhoto.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBe(1200);

    expect(await page.locator('#phone').innerText()).toBe('********78');
    expect(await page.content()).not.toContain(PHONE);
    expect(await page.locator('#appointmentDate').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await shot('console-dossier');
    const audits = await auditActions(d.id);
    expect(audits).toContain('officer:lan.nguyen dossier.read');
    const reads = await stack.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'dossier.file.read'), eq(auditLog.subjectId, String(d.id))));
    const readIds = new Set(reads.map((r) => (r.details as { file: number }).file));
    expect([...readIds].sort()).toEqual(files.map((f) => f.id).sort());
    expect(reads.every((r) => r.actor === 'officer:lan.nguyen')).toBe(true);
  });

  it('accepts the dossier, then asks for a supplement of one paper, and the resident is told which', async () => {
    await page.fill('#appointmentDate', '2030-01-15');
    await Promise.all([page.waitForNavigation(), page.click('#move-2 button[type=submit]')]);
    expect(await page.locator('#notice').innerText()).toMatch(/Được tiếp nhận/);
    const [accepted] = await chat.expect();
    expect(accepted!.text).toMatch(/Ngày hẹn trả kết quả: 15\/01\/2030/);

    await Promise.all([page.waitForNavigation(), page.click('#move-4 button[type=submit]')]);
    await chat.expect();
    await page.check('#move-5 input[value="giay_chung_sinh"]');
    await page.fill('#supplement-note', 'Ảnh bị mờ dấu đỏ.');
    await Promise.all([page.waitForNavigation(), page.click('#move-5 button[type=submit]')]);
    expect(await page.locator('#notice').innerText()).toMatch(/Yêu cầu bổ sung giấy tờ/);
    expect(await page.locator('#status').innerText()).toBe('Yêu cầu bổ sung giấy tờ');
    await shot('console-dossier-supplement');

    const d = await dossierRow(code);
    expect(d.status).toBe(5);
    expect(d.supplementSlots).toEqual(['giay_chung_sinh']);
    const [row] = await stack.db.db
      .select()
      .from(outbox)
      .where(eq(outbox.cause, `dossier:${d.id}:status:5`));
    expect(row!.userId).toBe('dp-resident-1');
    expect((row!.message as { text: string }).text).toMatch(/cần bổ sung: Giấy chứng sinh\./);
    const [note] = await chat.expect();
    expect(note!.text).toMatch(/cần bổ sung: Giấy chứng sinh\. Ảnh bị mờ dấu đỏ\./);
    expect(await auditActions(d.id)).toContain('officer:lan.nguyen dossier.status');
    expect(published).toContain(`${OA}/dp-resident-1`);
  });

  it('shows a move TRANSITIONS forbids as a visible error and changes nothing', async () => {
    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const res = await page.request.post(`${base}/console/dossiers/${code}/status`, {
      form: { _csrf: token!, to: '9' },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(409);
    expect(await res.text()).toMatch(/không chuyển được sang «Đã xử lý xong»/);
    expect((await dossierRow(code)).status).toBe(5);
  });

  it('reveals the phone only when asked, and audits it', async () => {
    const d = await dossierRow(code);
    expect(await auditActions(d.id)).not.toContain('officer:lan.nguyen dossier.unmask');
    await page.click('button:has-text("Hiện số điện thoại")');
    await page.locator('#phone', { hasText: PHONE }).waitFor();
    expect(await auditActions(d.id)).toContain('officer:lan.nguyen dossier.unmask');
    await page.goto(`${base}/console/dossiers/${code}`);
    expect(await page.locator('#phone').innerText()).toBe('********78');
  });

  it('flags a received supplement and an overdue dossier in the list, and filters on them', async () => {
    await chat.photo(png(1300, 1700, 0x55));
    await chat.tap('Đã gửi đủ');
    await page.goto(`${base}/console/dossiers?status=5`);
    expect(await page.locator(`tr[data-code="${code}"]`).innerText()).toMatch(/Đã nhận bổ sung/);
    await page.goto(`${base}/console/dossiers?status=1`);
    expect(await page.locator(`tr[data-code="${code}"]`).count()).toBe(0);

    await stack.db.db.update(dossiers).set({ appointmentDate: '2026-01-05' }).where(eq(dossiers.code, code));
    await page.goto(`${base}/console/dossiers?overdue=1`);
    expect(await page.locator(`tr[data-code="${code}"]`).innerText()).toMatch(/Quá hạn/);
    expect(await page.locator('input[name="overdue"]').isChecked()).toBe(true);
  });

  it('exports the list as CSV for Excel, and audits the export', async () => {
    const res = await page.request.get(`${base}/console/dossiers.csv?status=5`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^text\/csv/);
    const bytes = await res.body();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain(code);
    expect(text).toContain('Yêu cầu bổ sung giấy tờ');
    expect(text).toContain('Đăng ký khai sinh');
    const exports = await stack.db.db.select().from(auditLog).where(eq(auditLog.action, 'dossier.export'));
    expect(exports.map((e) => e.actor)).toEqual(['officer:lan.nguyen']);
    expect(exports[0]!.details).toMatchObject({ count: 1, status: 5 });
  });

  it('speaks English when the console does, keeping the official status name', async () => {
    const english = await page.request.get(`${base}/console/dossiers?status=5&lang=en`);
    const text = await english.text();
    expect(text).toContain('<h1>Dossiers</h1>');
    expect(text).toContain('Papers needed (Yêu cầu bổ sung giấy tờ)');
    expect(text).toContain('Birth registration');
    await page.request.get(`${base}/console/dossiers?lang=vi`);
  });

  it('approves a drafted apology with the reason, and the resident gets the letter', async () => {
    await page.goto(`${base}/console/dossiers/${code}`);
    await Promise.all([page.waitForNavigation(), page.click('#move-4 button[type=submit]')]);
    await chat.expect();
    await stack.db.db.update(dossiers).set({ appointmentDate: '2026-01-05' }).where(eq(dossiers.code, code));
    expect((await sweepDueDates(services.office)).apologyDrafts).toBe(1);
    await page.goto(`${base}/console/dossiers/${code}`);
    const [draft] = await stack.db.db
      .select()
      .from(apologies)
      .where(eq(apologies.dossierId, (await dossierRow(code)).id));
    const form = page.locator(`li[data-apology="${draft!.id}"] form`);
    await form.locator('textarea').fill('Chờ xác minh thông tin với nơi cấp giấy chứng sinh.');
    await form.locator('input[type=date]').fill('2030-02-20');
    await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
    expect(await page.locator('#notice').innerText()).toMatch(/phiếu xin lỗi/);
    const [letter] = await chat.expect();
    expect(letter!.text).toMatch(/^PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ/);
    expect(letter!.text).toMatch(/20\/02\/2030/);
    expect((await dossierRow(code)).appointmentDate).toBe('2030-02-20');
  });

  it('refuses a POST without the CSRF token and changes nothing', async () => {
    const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const res = await fetch(`${base}/console/dossiers/${code}/status`, {
      method: 'POST',
      headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'to=9',
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    expect((await dossierRow(code)).status).toBe(4);
    const unmask = await fetch(`${base}/console/dossiers/${code}/phone`, {
      method: 'POST',
      headers: { cookie: cookies },
      redirect: 'manual',
    });
    expect(unmask.status).toBe(403);
  });

  it("does not show another OA's dossier to an officer of a different commune", async () => {
    const agent = request.agent(base);
    const login = await agent.get('/console/login');
    const loginToken = /name="_csrf" value="([^"]+)"/.exec(login.text)?.[1];
    await agent
      .post('/console/login')
      .type('form')
      .send({ _csrf: loginToken, username: 'xa.khac', password: PASSWORD })
      .expect(303);
    const home = await agent.get('/console/').expect(200);
    const token = /name="csrf-token" content="([^"]+)"/.exec(home.text)?.[1];
    const d = await dossierRow(code);
    const [file] = await stack.db.db.select().from(storedFiles).where(eq(storedFiles.ownerId, d.id));

    await agent.get(`/console/dossiers/${code}`).expect(404);
    await agent.get(`/console/dossiers/${code}/files/${file!.id}`).expect(404);
    expect((await agent.get('/console/dossiers').expect(200)).text).not.toContain(code);
    expect((await agent.get('/console/dossiers.csv').expect(200)).text).not.toContain(code);
    await agent
      .post(`/console/dossiers/${code}/status`)
      .type('form')
      .send({ _csrf: token, to: '9' })
      .expect(404);
    expect((await dossierRow(code)).status).toBe(4);
    expect(await auditActions(d.id)).not.toContain('officer:xa.khac dossier.read');
  });

  it('sends a visitor who is not signed in to the sign-in page, and refuses scripts', async () => {
    const anonymous = await browser.newPage();
    await anonymous.goto(`${base}/console/dossiers/${code}`);
    expect(anonymous.url()).toMatch(/\/console\/login\?next=%2Fconsole%2Fdossiers%2F/);
    await anonymous.close();
    expect((await fetch(`${base}/console/dossiers.csv`)).status).toBe(401);
    expect((await fetch(`${base}/console/dossiers/${code}/files/1`)).status).toBe(401);
  });
});
