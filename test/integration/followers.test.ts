import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, gte } from 'drizzle-orm';
import { FollowerError } from '../../src/broadcasts/followers.js';
import { createProcedureWatch } from '../../src/broadcasts/procedure-watch.js';
import type { Audience } from '../../src/broadcasts/types.js';
import { defaultFlowsDir, loadCatalogue } from '../../src/catalogue/index.js';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import {
  auditLog,
  broadcasts,
  conversations,
  dossiers,
  followerTags,
  procedureFingerprints,
  procedureInterest,
} from '../../src/db/schema.js';
import { createTranslator } from '../../src/i18n.js';
import { eventually, startTestApp } from '../support/app.js';
import { dialog } from '../support/dialog.js';
import { emulatorClient } from '../support/emulator-client.js';
import { openTestDatabase, startTestRedis, tempDir } from '../support/services.js';

/*
 * Followers and notices from the resident's side, through the emulator and the real queues:
 * opting out and back in by chat, topics, follow events, the follower sync from Zalo's lists,
 * officers' tags mirrored to Zalo, and a changed procedure offered to those who asked about it.
 */

const OA = EMULATOR_CREDENTIALS.oaId;
const flows = tempDir('motcua-flows-');
let redis: Awaited<ReturnType<typeof startTestRedis>>;
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let emu: ReturnType<typeof emulatorClient>;

beforeAll(async () => {
  await cp(defaultFlowsDir(), flows.dir, { recursive: true });
  redis = await startTestRedis();
  db = await openTestDatabase();
  app = await startTestApp({ redisUrl: redis.url, db, env: { FLOWS_DIR: flows.dir } });
  emu = emulatorClient(app.url!);
});

afterAll(async () => {
  await app?.cleanup();
  await db?.cleanup();
  await redis?.cleanup();
  flows.remove();
});

async function conversation(userId: string) {
  const [row] = await db.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.oaId, OA), eq(conversations.userId, userId)));
  return row;
}

async function tags(userId: string): Promise<string[]> {
  const rows = await db.db
    .select({ tag: followerTags.tag, source: followerTags.source })
    .from(followerTags)
    .where(and(eq(followerTags.oaId, OA), eq(followerTags.userId, userId)))
    .orderBy(followerTags.tag);
  return rows.map((r) => `${r.tag} (${r.source})`);
}

const TOPIC_TITLES = ['Tiêm chủng', 'Thuế - phí', 'Thiên tai, thời tiết', 'Việc làm'];

describe('a resident stops notices by chat', () => {
  it.each([
    ['optout-caps', 'HỦY'],
    ['optout-tone', 'huỷ.'],
    ['optout-plain', 'dung'],
    ['optout-telex', 'huyr'],
    ['optout-stop', 'Stop!'],
    ['optout-phrase', 'dừng nhận tin'],
    ['optout-stop-phrase', 'stop tin nhắn'],
  ])('%s: "%s" sets opted_out_at at once and is confirmed with a button to come back', async (user, text) => {
    const chat = dialog(emu, user);
    const before = Date.now();
    const [answer] = await chat.say(text);
    expect(answer!.text).toMatch(/^Em đã ngừng gửi thông báo chung của .+ tới Anh\/Chị\./);
    expect(chat.buttons()).toEqual(['Nhận tin lại']);
    const row = await conversation(user);
    expect(row?.optedOutAt).toBeInstanceOf(Date);
    expect(row!.optedOutAt!.getTime()).toBeGreaterThanOrEqual(before - 5000);
  });

  it('does not take "hủy hồ sơ" or "dừng lại chờ tôi" as an opt-out', async () => {
    const chat = dialog(emu, 'optout-not');
    await chat.say('hủy hồ sơ');
    await chat.say('dừng lại chờ tôi');
    expect((await conversation('optout-not'))?.optedOutAt).toBeNull();
  });

  it('comes back with the button, and with "đăng ký nhận tin"', async () => {
    const chat = dialog(emu, 'optin-button');
    await chat.say('HỦY');
    expect((await conversation('optin-button'))?.optedOutAt).not.toBeNull();
    const [back] = await chat.tap('Nhận tin lại');
    expect(back!.text).toMatch(/^Em đã bật lại thông báo chung/);
    expect(chat.buttons()).toEqual(TOPIC_TITLES);
    expect((await conversation('optin-button'))?.optedOutAt).toBeNull();

    await chat.say('stop');
    expect((await conversation('optin-button'))?.optedOutAt).not.toBeNull();
    const [typed] = await chat.say('đăng ký nhận tin');
    expect(typed!.text).toMatch(/^Em đã bật lại thông báo chung/);
    expect((await conversation('optin-button'))?.optedOutAt).toBeNull();
    const [again] = await chat.say('nhận tin lại');
    expect(again!.text).toMatch(/^Anh\/Chị đang nhận thông báo chung/);
  });

  it('is asked what to cancel when "hủy" comes in the middle of a dossier, and nothing changes until a tap', async () => {
    const user = 'optout-dossier';
    const chat = dialog(emu, user);
    await chat.say('nop ho so khai sinh', 2);
    const [question] = await chat.say('hủy');
    expect(question!.text).toMatch(
      /^Anh\/Chị đang làm hồ sơ Đăng ký khai sinh\. .*hủy hồ sơ này, hay ngừng nhận thông báo/,
    );
    expect(chat.buttons()).toEqual(['Hủy hồ sơ', 'Tiếp tục', 'Ngừng nhận tin']);
    expect((await conversation(user))?.optedOutAt).toBeNull();
    const [open] = await db.db.select().from(dossiers).where(eq(dossiers.userId, user));
    expect(open?.stage).toBe('collecting');

    const [cancelled] = await chat.tap('Hủy hồ sơ');
    expect(cancelled!.text).toMatch(/hủy/i);
    const [after] = await db.db.select().from(dossiers).where(eq(dossiers.userId, user));
    expect(after?.stage).toBe('cancelled');
    expect((await conversation(user))?.optedOutAt).toBeNull();

    // Nothing is unfinished any more: the same word now stops notices at once.
    const [stopped] = await chat.say('hủy');
    expect(stopped!.text).toMatch(/^Em đã ngừng gửi thông báo chung/);
    expect((await conversation(user))?.optedOutAt).not.toBeNull();
  });

  it('stops notices from the question when the resident taps "Ngừng nhận tin", keeping the dossier', async () => {
    const user = 'optout-dossier-2';
    const chat = dialog(emu, user);
    await chat.say('nop ho so khai sinh', 2);
    await chat.say('STOP');
    const [stopped] = await chat.tap('Ngừng nhận tin');
    expect(stopped!.text).toMatch(/^Em đã ngừng gửi thông báo chung/);
    expect((await conversation(user))?.optedOutAt).not.toBeNull();
    const [open] = await db.db.select().from(dossiers).where(eq(dossiers.userId, user));
    expect(open?.stage).toBe('collecting');
  });
});

describe('"hủy" while a report or a request for an officer is under way', () => {
  it('asks about the report, and "Viết tiếp" goes back to it', async () => {
    const user = 'optout-report';
    const chat = dialog(emu, user);
    await chat.say('tôi muốn phản ánh');
    expect(chat.buttons()).toContain('Việc khác');
    const [question] = await chat.say('Hủy');
    expect(question!.text).toMatch(
      /^Anh\/Chị đang viết phản ánh\. .*hủy phản ánh này, hay ngừng nhận thông báo/,
    );
    expect(chat.buttons()).toEqual(['Hủy phản ánh', 'Viết tiếp', 'Ngừng nhận tin']);
    await chat.tap('Viết tiếp');
    expect(chat.buttons()).toContain('Việc khác');
    expect((await conversation(user))?.optedOutAt).toBeNull();
  });

  it('asks about the waiting request, and "Hủy yêu cầu" withdraws it', async () => {
    const user = 'optout-ticket';
    const chat = dialog(emu, user);
    await chat.say('cho tôi gặp cán bộ');
    const [question] = await chat.say('STOP');
    expect(question!.text).toMatch(/^Anh\/Chị đang chờ gặp cán bộ\./);
    expect(chat.buttons()).toEqual(['Hủy yêu cầu', 'Ngừng nhận tin']);
    const [withdrawn] = await chat.tap('Hủy yêu cầu');
    expect(withdrawn!.text).toMatch(/hủy yêu cầu gặp cán bộ/);
    expect((await conversation(user))?.optedOutAt).toBeNull();
  });
});

describe('a resident follows topics by chat', () => {
  it('subscribes by typing, picks from buttons when the topic is unknown, and unsubscribes one topic', async () => {
    const user = 'topics-1';
    const chat = dialog(emu, user);
    const [subscribed] = await chat.say('đăng ký nhận tin tiêm chủng');
    expect(subscribed!.text).toMatch(/^Em đã đăng ký cho Anh\/Chị nhận tin "Tiêm chủng"\./);
    expect(chat.buttons()).toEqual(['Bỏ chủ đề này']);
    expect(await tags(user)).toEqual(['Tiêm chủng (resident)']);

    const [pick] = await chat.say('dang ky nhan tin xo so');
    expect(pick!.text).toMatch(/chọn chủ đề muốn nhận/);
    expect(chat.buttons()).toEqual(TOPIC_TITLES);
    const [jobs] = await chat.tap('Việc làm');
    expect(jobs!.text).toMatch(/nhận tin "Việc làm"/);
    expect(await tags(user)).toEqual(['Tiêm chủng (resident)', 'Việc làm (resident)']);

    const [dropped] = await chat.say('hủy nhận tin tiêm chủng');
    expect(dropped!.text).toMatch(/^Em đã hủy nhận tin "Tiêm chủng" cho Anh\/Chị\./);
    expect(chat.buttons()).toEqual(['Đăng ký lại']);
    expect(await tags(user)).toEqual(['Việc làm (resident)']);
    expect((await conversation(user))?.optedOutAt).toBeNull();

    const [which] = await chat.say('huy nhan tin abc');
    expect(which!.text).toMatch(/hủy nhận tin chủ đề nào/);
    expect(chat.buttons()).toEqual(['Việc làm']);
    await chat.tap('Việc làm');
    expect(await tags(user)).toEqual([]);
  });

  it('turns notices back on when an opted-out resident subscribes to a topic', async () => {
    const user = 'topics-2';
    const chat = dialog(emu, user);
    await chat.say('HUỶ');
    const [answer] = await chat.say('Đăng ký nhận tin về thời tiết nhé');
    expect(answer!.text).toMatch(/nhận tin "Thiên tai, thời tiết" và bật lại thông báo chung/);
    expect((await conversation(user))?.optedOutAt).toBeNull();
    expect(await tags(user)).toEqual(['Thiên tai - thời tiết (resident)']);
  });
});

describe('followers kept in step with Zalo', () => {
  it('keeps `following` from follow and unfollow events', async () => {
    const user = 'follow-1';
    await emu.follow(user);
    await eventually(async () => (await conversation(user))?.following === true);
    await emu.unfollow(user);
    await eventually(async () => (await conversation(user))?.following === false);
    await emu.follow(user);
    await eventually(async () => (await conversation(user))?.following === true);
  });

  it('backfills followers and their Zalo tags from the follower lists, page by page', async () => {
    await emu.createUser('sync-1', { follower: true, tags: ['Thôn 1', 'Hội phụ nữ'] });
    await emu.createUser('sync-2', { follower: true, tags: ['Thôn 1'] });
    await emu.createUser('sync-3', { follower: false, tags: ['Thôn 1'] });
    await emu.createUser('sync-4', { follower: true, tags: ['Tiêm chủng'] });
    for (let i = 0; i < 55; i++) await emu.createUser(`sync-many-${i}`, { follower: true, tags: ['Thôn 5'] });
    // What motcua believed before: a Zalo tag since removed in Zalo, and an officer's own tag.
    await db.db.insert(conversations).values({ oaId: OA, userId: 'sync-2' });
    await db.db.insert(followerTags).values([
      { oaId: OA, userId: 'sync-2', tag: 'Thôn 2', source: 'zalo' },
      { oaId: OA, userId: 'sync-2', tag: 'Thôn 9', source: 'staff' },
    ]);

    const report = await app.followers.sync(OA);
    expect(report.followers).toBeGreaterThanOrEqual(58);
    expect(report.tagged).toBe(3 + 55);
    expect(report.untagged).toBe(1);
    expect(report.truncated).toBe(false);

    for (const user of ['sync-1', 'sync-2', 'sync-4', 'sync-many-0', 'sync-many-54'])
      expect((await conversation(user))?.following, user).toBe(true);
    expect((await conversation('sync-3'))?.following ?? null).toBeNull();
    expect(await tags('sync-1')).toEqual(['Hội phụ nữ (zalo)', 'Thôn 1 (zalo)']);
    expect(await tags('sync-2')).toEqual(['Thôn 1 (zalo)', 'Thôn 9 (staff)']);
    expect(await tags('sync-3')).toEqual([]);
    // A topic tag belongs to the resident's own choice in chat, not to the import.
    expect(await tags('sync-4')).toEqual([]);
    expect(await tags('sync-many-54')).toEqual(['Thôn 5 (zalo)']);

    const again = await app.followers.sync(OA);
    expect({ tagged: again.tagged, untagged: again.untagged }).toEqual({ tagged: 0, untagged: 0 });

    const page = await app.followers.listFollowers(OA, { tag: 'Thôn 5', limit: 20 });
    expect(page.total).toBe(55);
    expect(page.followers).toHaveLength(20);
    for (const f of page.followers) expect(f.tags).toEqual([{ tag: 'Thôn 5', source: 'zalo' }]);
    expect(await app.followers.listTags(OA)).toContainEqual({ tag: 'Thôn 5', followers: 55 });
  });

  it('stores an officer’s tags, mirrors them to Zalo and audits the change', async () => {
    const change = await app.followers.setTags(OA, 'sync-1', ['Thôn 1', 'Cựu chiến binh'], 'can-bo-1');
    expect(change).toEqual({ added: ['Cựu chiến binh'], removed: ['Hội phụ nữ'], mirrored: true });
    expect(await tags('sync-1')).toEqual(['Cựu chiến binh (staff)', 'Thôn 1 (zalo)']);
    expect((await emu.user('sync-1')).tags.sort()).toEqual(['Cựu chiến binh', 'Thôn 1']);
    const [audit] = await db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectKind, 'follower'), eq(auditLog.subjectId, 'sync-1')));
    expect(audit).toMatchObject({
      actor: 'officer:can-bo-1',
      action: 'follower.tags',
      details: { oaId: OA, added: ['Cựu chiến binh'], removed: ['Hội phụ nữ'] },
    });

    // Zalo refusing the mirror leaves the stored tag and says so.
    await emu.fault({ path: '/v2.0/oa/tag/tagfollower', error: -201, count: 1 });
    const refused = await app.followers.setTags(
      OA,
      'sync-2',
      ['Thôn 1', 'Thôn 9', 'Hội nông dân'],
      'can-bo-1',
    );
    expect(refused).toEqual({ added: ['Hội nông dân'], removed: [], mirrored: false });
    expect(await tags('sync-2')).toContain('Hội nông dân (staff)');

    // An opt-out a resident asked an officer for is recorded once, audited.
    expect(await app.followers.recordOptOut(OA, 'sync-4', 'can-bo-1')).toBe(true);
    expect((await conversation('sync-4'))?.optedOutAt).toBeInstanceOf(Date);
    expect(await app.followers.recordOptOut(OA, 'sync-4', 'can-bo-1')).toBe(false);
    const optOuts = await db.db
      .select({ actor: auditLog.actor })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'follower.opt_out'), eq(auditLog.subjectId, 'sync-4')));
    expect(optOuts).toEqual([{ actor: 'officer:can-bo-1' }]);

    await expect(app.followers.setTags(OA, 'nobody', ['Thôn 1'], 'can-bo-1')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(app.followers.setTags(OA, 'sync-1', ['  '], 'can-bo-1')).rejects.toBeInstanceOf(
      FollowerError,
    );
  });
});

describe('a changed procedure is offered to those who asked about it', () => {
  const KHAI_SINH = '1.001193';

  it('records interest when the bot answers, and suggests one notice per change', async () => {
    const fingerprints = await db.db
      .select()
      .from(procedureFingerprints)
      .where(eq(procedureFingerprints.oaId, OA));
    expect(fingerprints.length).toBeGreaterThanOrEqual(31);
    expect(
      await db.db
        .select()
        .from(broadcasts)
        .where(eq(broadcasts.cause, `procedure:${KHAI_SINH}`)),
    ).toEqual([]);

    await dialog(emu, 'asker-1').say('lam giay khai sinh can gi');
    await dialog(emu, 'asker-2').say('dang ky ket hon can gi');
    const interest = await db.db
      .select({ userId: procedureInterest.userId })
      .from(procedureInterest)
      .where(and(eq(procedureInterest.oaId, OA), eq(procedureInterest.procedureCode, KHAI_SINH)));
    expect(interest.map((r) => r.userId)).toEqual(['asker-1']);

    const file = path.join(flows.dir, 'procedures', `${KHAI_SINH}.yaml`);
    const yaml = await readFile(file, 'utf8');
    await writeFile(
      file,
      yaml
        .replace('  amount_vnd: 0\n', '  amount_vnd: 5000\n')
        .replace('  working_days: 0\n', '  working_days: 1\n'),
    );
    expect(await app.reloadContent()).toEqual([]);

    const suggested = await db.db
      .select()
      .from(broadcasts)
      .where(eq(broadcasts.cause, `procedure:${KHAI_SINH}`));
    expect(suggested).toHaveLength(1);
    const [s] = suggested;
    expect(s).toMatchObject({
      oaId: OA,
      status: 'suggested',
      needsApproval: true,
      createdBy: null,
      title: 'Thủ tục Đăng ký khai sinh có thay đổi',
      audience: { kind: 'procedure', code: KHAI_SINH, sinceDays: 30 },
    });
    expect((s!.body as { text: string }).text).toBe(
      'Thủ tục Đăng ký khai sinh vừa thay đổi về lệ phí và thời hạn giải quyết. Anh/Chị nhắn "Đăng ký khai sinh" vào đây để xem hướng dẫn mới nhất ạ.',
    );
    const audience = s!.audience as Audience;
    const preview = await app.broadcasts.preview(OA, audience);
    expect(preview.total).toBe(1);
    const since = new Date(Date.now() - 30 * 86_400_000);
    const named = await db.db
      .select({ userId: procedureInterest.userId })
      .from(procedureInterest)
      .where(and(eq(procedureInterest.procedureCode, KHAI_SINH), gte(procedureInterest.lastAskedAt, since)));
    expect(named.map((r) => r.userId)).toEqual(['asker-1']);

    // Loading the same content again, here or in another process, suggests nothing more.
    expect(await app.reloadContent()).toEqual([]);
    const changedCatalogue = (await loadCatalogue(flows.dir)).catalogue;
    const other = createProcedureWatch({
      db: db.db,
      oaIds: () => [OA],
      procedures: (oaId) => changedCatalogue.forOa(oaId).procedures,
      t: (await createTranslator('vi')).t('vi'),
      logger: { info: () => undefined },
    });
    expect(await other.check()).toEqual({ first: 0, suggested: 0 });
    expect(
      await db.db
        .select()
        .from(broadcasts)
        .where(eq(broadcasts.cause, `procedure:${KHAI_SINH}`)),
    ).toHaveLength(1);
  });

  it('suggests a change once when two processes load it at the same time', async () => {
    const file = path.join(flows.dir, 'procedures', `${KHAI_SINH}.yaml`);
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('  working_days: 1\n', '  working_days: 2\n'),
    );
    const catalogue = (await loadCatalogue(flows.dir)).catalogue;
    const other = createProcedureWatch({
      db: db.db,
      oaIds: () => [OA],
      procedures: (oaId) => catalogue.forOa(oaId).procedures,
      t: (await createTranslator('vi')).t('vi'),
      logger: { info: () => undefined },
    });
    const [, report] = await Promise.all([app.reloadContent(), other.check()]);
    const rows = await db.db
      .select()
      .from(broadcasts)
      .where(eq(broadcasts.cause, `procedure:${KHAI_SINH}`))
      .orderBy(broadcasts.id);
    expect(rows).toHaveLength(2);
    expect(report.suggested).toBeLessThanOrEqual(1);
    expect((rows[1]!.body as { text: string }).text).toMatch(/thay đổi về thời hạn giải quyết\./);
  });
});
