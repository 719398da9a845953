import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { EMULATOR_STAFF_TOKEN } from '../../src/config.js';
import { apologies, auditLog, dossierEvents, dossiers, ratings, storedFiles } from '../../src/db/schema.js';
import { parseDossierCode } from '../../src/dossiers/codes.js';
import { createFileStore, loadFilesKey } from '../../src/dossiers/files/index.js';
import { createLogger } from '../../src/log.js';
import { startTestApp } from '../support/app.js';
import { dialog } from '../support/dialog.js';
import { emulatorClient } from '../support/emulator-client.js';
import { jpeg, png } from '../support/images.js';
import { openTestDatabase, startTestRedis } from '../support/services.js';

/*
 * A resident files a dossier in Zalo from the first message to the rating, and the office moves
 * it along through the staff API; everything goes through the emulator and the real queues.
 */

const logLines: string[] = [];
let redis: Awaited<ReturnType<typeof startTestRedis>>;
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let emu: ReturnType<typeof emulatorClient>;

beforeAll(async () => {
  redis = await startTestRedis();
  db = await openTestDatabase();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  app = await startTestApp({ redisUrl: redis.url, db, logger: createLogger('debug', sink) });
  emu = emulatorClient(app.url!);
});

afterAll(async () => {
  await app?.cleanup();
  await db?.cleanup();
  await redis?.cleanup();
});

async function staff(method: 'GET' | 'POST', route: string, body?: unknown) {
  const res = await fetch(`${app.url}/api/staff${route}`, {
    method,
    headers: {
      authorization: `Bearer ${EMULATOR_STAFF_TOKEN}`,
      'x-officer': encodeURIComponent('Nguyễn Văn Cán'),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const PHONE = '0912345678';
const NAME = 'Trần Thị Bình';
const birthCertificate = png(1200, 1600, 0x30);
const idFront = jpeg(1600, 1000);
const idBack = png(1600, 1000, 0xa0);

async function fileKhaiSinh(userId: string) {
  const chat = dialog(emu, userId);
  const start = await chat.say('nop ho so khai sinh', 2);
  expect(start[0]!.text).toMatch(/chuẩn bị hồ sơ Đăng ký khai sinh/);
  expect(start[1]!.text).toMatch(/Anh\/Chị có đồng ý không/);
  expect(chat.buttons()).toEqual(['Đồng ý', 'Không đồng ý']);

  const identity = await chat.tap('Đồng ý', 2);
  expect(identity[0]!.text).toMatch(/họ tên và số điện thoại/);
  const slot1 = await chat.submitInfo({ name: NAME, phone: PHONE }, 2);
  expect(slot1[0]!.text).toContain(NAME);
  expect(slot1[1]!.text).toMatch(/^Mục 1\/2: Giấy chứng sinh/);

  const got1 = await chat.photo(birthCertificate, 2);
  expect(got1[0]!.text).toBe('Đã nhận 1 ảnh cho mục "Giấy chứng sinh".');
  expect(got1[1]!.text).toMatch(/^Còn thiếu: .*giấy tờ tùy thân|^Còn thiếu: /i);
  const slot2 = await chat.tap('Xong mục này');
  expect(slot2[0]!.text).toMatch(/^Mục 2\/2: /);

  await chat.photo(idFront, 2);
  const both = await chat.photo(idBack, 2);
  expect(both[0]!.text).toMatch(/Đã nhận 2 ảnh/);
  expect(both[1]!.text).toBe('Đã đủ các mục giấy tờ.');
  const channel = await chat.tap('Xong mục này');
  expect(channel[0]!.text).toMatch(/nhận kết quả ở đâu/);
  const confirm = await chat.tap('Tại quầy');
  expect(confirm[0]!.text).toMatch(/Giấy chứng sinh: 1 ảnh/);
  expect(confirm[0]!.text).toMatch(/2 ảnh/);
  const [done] = await chat.tap('Nộp hồ sơ');
  const code = /Mã hồ sơ: (\S+)/.exec(done!.text ?? '')?.[1];
  expect(code).toBeDefined();
  expect(done!.text).toMatch(/Trạng thái: Mới đăng ký/);
  expect(done!.text).toMatch(/Ngày hẹn trả dự kiến: \d{2}\/\d{2}\/\d{4}/);
  return { chat, code: code! };
}

describe('a resident files a dossier in Zalo', () => {
  let code = '';
  let chat: ReturnType<typeof dialog>;

  it('goes from "nop ho so khai sinh" through consent and photos to a code and an appointment date', async () => {
    ({ chat, code } = await fileKhaiSinh('dz-resident-1'));
    expect(parseDossierCode(code)?.agency).toBe('000.00.00.H00');
    const [row] = await db.db.select().from(dossiers).where(eq(dossiers.code, code));
    expect(row!.status).toBe(1);
    expect(row!.appointmentDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const files = await db.db.select().from(storedFiles).where(eq(storedFiles.ownerId, row!.id));
    expect(files.map((f) => f.slot).sort()).toEqual([
      'giay_chung_sinh',
      'giay_to_tuy_than',
      'giay_to_tuy_than',
    ]);
  });

  it('stores every photo encrypted, and it decrypts to the bytes the resident sent', async () => {
    const [row] = await db.db.select().from(dossiers).where(eq(dossiers.code, code));
    const files = await db.db.select().from(storedFiles).where(eq(storedFiles.ownerId, row!.id));
    const dataDir = app.config.dataDir;
    const store = createFileStore({ dir: path.join(dataDir, 'files'), key: await loadFilesKey({ dataDir }) });
    const sent = new Set(
      [birthCertificate, idFront, idBack].map((b) => createHash('sha256').update(b).digest('hex')),
    );
    for (const f of files) {
      const onDisk = readFileSync(path.join(dataDir, 'files', f.path));
      expect(onDisk.includes(birthCertificate.subarray(0, 64))).toBe(false);
      const plain = await store.read({ id: f.fileId, path: f.path });
      expect(createHash('sha256').update(plain).digest('hex')).toBe(f.sha256);
      expect(sent.has(f.sha256)).toBe(true);
    }
  });

  it('hears about the officer accepting it, with the appointment date', async () => {
    const accepted = await staff('POST', `/dossiers/${code}/status`, {
      status: 2,
      appointmentDate: '2030-01-15',
    });
    expect(accepted.status).toBe(200);
    const [note] = await chat.expect();
    expect(note!.text).toMatch(/vừa chuyển sang: Đã được tiếp nhận/);
    expect(note!.text).toMatch(/Ngày hẹn trả kết quả: 15\/01\/2030/);
    expect((await staff('POST', `/dossiers/${code}/status`, { status: 4 })).status).toBe(200);
    await chat.expect();
  });

  it('is told exactly which paper to add, and the new photo lands in the same dossier', async () => {
    const asked = await staff('POST', `/dossiers/${code}/status`, {
      status: 5,
      slots: ['giay_chung_sinh'],
      reason: 'Ảnh bị mờ dấu đỏ.',
    });
    expect(asked.status).toBe(200);
    const [note] = await chat.expect();
    expect(note!.text).toMatch(/cần bổ sung: Giấy chứng sinh\. Ảnh bị mờ dấu đỏ\./);
    const [row] = await db.db.select().from(dossiers).where(eq(dossiers.code, code));
    const before = await db.db.select().from(storedFiles).where(eq(storedFiles.ownerId, row!.id));
    const [ack] = await chat.photo(png(1300, 1700, 0x55));
    expect(ack!.text).toMatch(/Đã nhận 1 ảnh cho mục "Giấy chứng sinh"/);
    const after = await db.db.select().from(storedFiles).where(eq(storedFiles.ownerId, row!.id));
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)!.slot).toBe('giay_chung_sinh');
    const [done] = await chat.tap('Đã gửi đủ');
    expect(done!.text).toMatch(/Đã gửi bổ sung cho hồ sơ/);
    const events = await db.db.select().from(dossierEvents).where(eq(dossierEvents.dossierId, row!.id));
    expect(events.map((e) => e.kind)).toContain('supplement_received');
    expect((await staff('POST', `/dossiers/${code}/status`, { status: 4 })).status).toBe(200);
    await chat.expect();
  });

  it('yields a draft apology when overdue, and the resident gets it once an officer approves it', async () => {
    const [row] = await db.db.select().from(dossiers).where(eq(dossiers.code, code));
    await db.db.update(dossiers).set({ appointmentDate: '2026-01-05' }).where(eq(dossiers.id, row!.id));
    const sweep = await staff('POST', '/sweeps/due-dates');
    expect(sweep.body.apologyDrafts).toBeGreaterThanOrEqual(1);
    const [draft] = await db.db.select().from(apologies).where(eq(apologies.dossierId, row!.id));
    expect(draft!.status).toBe('draft');
    expect(draft!.dueDate).toBe('2026-01-05');
    const again = await staff('POST', '/sweeps/due-dates');
    expect(again.body.apologyDrafts).toBe(0);
    const approved = await staff('POST', `/apologies/${draft!.id}/approve`, {
      reason: 'Chờ xác minh thông tin với nơi cấp giấy chứng sinh.',
    });
    expect(approved.status).toBe(200);
    const [letter] = await chat.expect();
    expect(letter!.text).toMatch(/^PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ/);
    expect(letter!.text).toMatch(/Chờ xác minh thông tin/);
  });

  it('is asked for a rating after the result is returned, and the rating and comment are kept', async () => {
    expect((await staff('POST', `/dossiers/${code}/status`, { status: 9 })).status).toBe(200);
    const [ready] = await chat.expect();
    expect(ready!.text).toMatch(/đã có kết quả/);
    expect((await staff('POST', `/dossiers/${code}/status`, { status: 10 })).status).toBe(200);
    const returned = await chat.expect(2);
    expect(returned[1]!.text).toMatch(/hài lòng/);
    expect(chat.buttons()).toEqual(['1 sao', '2 sao', '3 sao', '4 sao', '5 sao']);
    const [thanks] = await chat.tap('4 sao');
    expect(thanks!.text).toMatch(/chấm 4\/5/);
    await chat.say('Cán bộ hướng dẫn nhiệt tình.');
    const [row] = await db.db.select().from(dossiers).where(eq(dossiers.code, code));
    const [rating] = await db.db
      .select()
      .from(ratings)
      .where(and(eq(ratings.subjectKind, 'dossier'), eq(ratings.subjectId, row!.id)));
    expect(rating!.score).toBe(4);
    expect(rating!.comment).toBe('Cán bộ hướng dẫn nhiệt tình.');
    const summary = await staff('GET', '/ratings');
    expect(summary.body.ratings).toEqual([
      expect.objectContaining({
        procedureCode: '1.001193',
        count: 1,
        average: 4,
        distribution: [0, 0, 0, 1, 0],
      }),
    ]);
  });

  it('shows someone else the status only with the last four digits of the phone', async () => {
    const other = dialog(emu, 'dz-stranger');
    const [ask] = await other.say(code);
    expect(ask!.text).toMatch(/4 số cuối/);
    const [wrong] = await other.say('1111');
    expect(wrong!.text).toMatch(/chưa đúng/);
    expect(wrong!.text).not.toMatch(/Trạng thái/);
    await other.say(code);
    const [right] = await other.say(PHONE.slice(-4));
    expect(right!.text).toMatch(/Trạng thái: Đã trả kết quả/);
  });

  it('records every officer read and change in the audit log, and masks the phone', async () => {
    const detail = await staff('GET', `/dossiers/${code}`);
    const resident = (detail.body.dossier as { resident: { phone: string } }).resident;
    expect(resident.phone).toBe('********78');
    const files = detail.body.files as Array<{ id: number }>;
    const file = await fetch(`${app.url}/api/staff/dossiers/${code}/files/${files[0]!.id}`, {
      headers: {
        authorization: `Bearer ${EMULATOR_STAFF_TOKEN}`,
        'x-officer': encodeURIComponent('Nguyễn Văn Cán'),
      },
    });
    expect(file.status).toBe(200);
    const actions = (await db.db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['dossier.status', 'apology.approve', 'dossier.read', 'dossier.file.read']),
    );
    const anonymous = await fetch(`${app.url}/api/staff/dossiers/${code}`);
    expect(anonymous.status).toBe(401);
  });

  it('never writes the name, the phone or the photos to the logs', () => {
    const all = logLines.join('');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(PHONE);
    expect(all).not.toContain(NAME);
    expect(all).not.toContain(birthCertificate.toString('base64').slice(0, 40));
  });
});

describe('photos that cannot be taken', () => {
  it('retries an expired media URL, then tells the resident to send it again', async () => {
    const chat = dialog(emu, 'dz-expired');
    await chat.say('nop ho so khai sinh', 2);
    await chat.tap('Đồng ý', 2);
    await chat.submitInfo({ name: 'Lê Văn Cường', phone: '0987000111' }, 2);
    const [refused] = await chat.attach(
      { type: 'image', url: `${app.url}/emulator/media/expired-id-000` },
      1,
    );
    expect(refused!.text).toMatch(/tải ảnh về không được sau 3 lần thử/);
    const [small] = await chat.photo(png(200, 150), 1);
    expect(small!.text).toMatch(/ảnh quá nhỏ/);
    const [first] = await chat.photo(png(900, 1200), 2);
    expect(first!.text).toMatch(/Đã nhận 1 ảnh/);
    const [dup] = await chat.photo(png(900, 1200), 2);
    expect(dup!.text).toMatch(/đã gửi rồi/);
  });
});

describe('complaints and reports (phản ánh, kiến nghị)', () => {
  it('files a report with category, text, photos and location, gets a code, and hears the answer', async () => {
    const chat = dialog(emu, 'pa-resident');
    const [start] = await chat.say('toi muon phan anh');
    expect(start!.text).toMatch(/phản ánh, kiến nghị về việc gì/);
    expect(chat.buttons()).toContain('Rác, môi trường');
    const [askText] = await chat.tap('Rác, môi trường');
    expect(askText!.text).toMatch(/mô tả ngắn gọn/);
    const [askPhotos] = await chat.say('Bãi rác tự phát ở đầu thôn 3, bốc mùi mấy ngày nay.');
    expect(askPhotos!.text).toMatch(/ảnh hiện trường/);
    const [gotPhoto] = await chat.photo(jpeg(1280, 960));
    expect(gotPhoto!.text).toBe('Đã nhận 1 ảnh.');
    const [askPlace] = await chat.tap('Tiếp tục');
    expect(askPlace!.text).toMatch(/vị trí/);
    const placed = await chat.attach({ type: 'location', latitude: 16.0471, longitude: 108.2062 }, 2);
    expect(placed[1]!.text).toMatch(/Ảnh: 1\. Vị trí: có\./);
    const [sent] = await chat.tap('Gửi phản ánh');
    const code = /Mã theo dõi: (PA-\d{6}-\d{4})/.exec(sent!.text ?? '')?.[1];
    expect(code).toBeDefined();

    const [open] = await chat.say(code!.toLowerCase());
    expect(open!.text).toMatch(/đang chờ cán bộ trả lời/);
    const answered = await staff('POST', `/complaints/${code}/response`, {
      response: 'Đội vệ sinh môi trường sẽ thu gom trong sáng mai.',
    });
    expect(answered.status).toBe(200);
    const [answer] = await chat.expect();
    expect(answer!.text).toMatch(/đã có trả lời/);
    expect(answer!.text).toMatch(/thu gom trong sáng mai/);
    const [status] = await chat.say(code!);
    expect(status!.text).toMatch(/đã được trả lời/);

    const stranger = dialog(emu, 'pa-stranger');
    const [notTheirs] = await stranger.say(code!);
    expect(notTheirs!.text).toMatch(/không tìm thấy phản ánh/);
  });
});

describe('limits and retention', () => {
  it('limits lookups by code per resident per day', async () => {
    const chat = dialog(emu, 'dz-guesser');
    for (let i = 0; i < 5; i++) {
      await chat.say(`000.00.00.H00-260101-000${i + 1}`);
      await chat.say('0000');
    }
    const [limited] = await chat.say('000.00.00.H00-260101-0009');
    expect(limited!.text).toMatch(/đã tra cứu theo mã 5 lần/);
  });

  it('deletes a cancelled dossier and its encrypted files when its purge date passes, and records it', async () => {
    const chat = dialog(emu, 'dz-cancel');
    await chat.say('nop ho so khai sinh', 2);
    await chat.tap('Đồng ý', 2);
    await chat.submitInfo({ name: 'Phạm Văn Dũng', phone: '0901222333' }, 2);
    await chat.photo(png(1000, 1400, 0x12), 2);
    const [row] = await db.db
      .select()
      .from(dossiers)
      .where(and(eq(dossiers.userId, 'dz-cancel'), eq(dossiers.stage, 'collecting')));
    const [file] = await db.db.select().from(storedFiles).where(eq(storedFiles.ownerId, row!.id));
    const onDisk = path.join(app.config.dataDir, 'files', file!.path);
    expect(readFileSync(onDisk).length).toBeGreaterThan(0);
    await db.db
      .update(dossiers)
      .set({ purgeAfter: new Date(Date.now() - 1000) })
      .where(eq(dossiers.id, row!.id));
    const purged = await staff('POST', '/sweeps/retention');
    expect(purged.body.dossiers).toBeGreaterThanOrEqual(1);
    expect(purged.body.files).toBeGreaterThanOrEqual(1);
    expect(await db.db.select().from(dossiers).where(eq(dossiers.id, row!.id))).toEqual([]);
    expect(() => readFileSync(onDisk)).toThrow(/ENOENT/);
    const audit = await db.db.select().from(auditLog).where(eq(auditLog.action, 'retention.purge'));
    expect(audit.length).toBeGreaterThanOrEqual(1);
  });
});
