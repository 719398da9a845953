import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { broadcastRecipients, broadcasts, conversations, followerTags, outbox } from '../../src/db/schema.js';
import { createBroadcastDispatcher } from '../../src/broadcasts/dispatcher.js';
import { broadcastMessage, OPT_OUT_FOOTER } from '../../src/broadcasts/message.js';
import { createOutboundProducer, outboundJobId } from '../../src/queue/outbound.js';
import { startOutboxRelay } from '../../src/queue/relay.js';
import { createLogger } from '../../src/log.js';
import { eventually, startTestApp } from '../support/app.js';
import { emulatorClient } from '../support/emulator-client.js';
import { emulatorZaloEnv } from '../support/external-emulator.js';
import { seedFollowers } from '../support/followers.js';
import { openTestDatabase, startTestRedis } from '../support/services.js';

const OA = EMULATOR_CREDENTIALS.oaId;
const VN_OFFSET_MS = 7 * 3600_000;
/**
 * How far the office's clock runs ahead of the real one in these tests: nothing by day, and up to
 * 08:00 in Vietnam when the suite starts between 21:00 and 06:00, so a run at night is not held by
 * the quiet hours (22:00–06:00) it does not mean to test.
 */
const DAYTIME_SHIFT_MS = (() => {
  const vn = new Date(Date.now() + VN_OFFSET_MS);
  const hour = vn.getUTCHours();
  if (hour >= 6 && hour < 21) return 0;
  const eight = Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth(), vn.getUTCDate() + (hour >= 21 ? 1 : 0), 8);
  return eight - vn.getTime();
})();
/** The office's now: the real clock, moved to daytime (see {@link DAYTIME_SHIFT_MS}). */
const officeNow = () => new Date(Date.now() + DAYTIME_SHIFT_MS);
/** The office's today at hh:mm in Vietnam (UTC+7). */
const vnToday = (hh: number, mm = 0, dayOffset = 0) => {
  const d = new Date(officeNow().getTime() + VN_OFFSET_MS);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + dayOffset, hh - 7, mm));
};

describe('broadcast notices to followers', () => {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let emu: ReturnType<typeof emulatorClient>;
  let api: string;
  let clock: Date | undefined;

  beforeAll(async () => {
    redis = await startTestRedis();
    db = await openTestDatabase();
    app = await startTestApp({
      redisUrl: redis.url,
      db,
      env: { BROADCAST_RATE_PER_MINUTE: '1200' },
      now: () => clock ?? officeNow(),
    });
    emu = emulatorClient(app.url!);
    api = `${app.url!}/emulator/api`;
  });
  afterAll(async () => {
    await app?.cleanup();
    await db?.cleanup();
    await redis?.cleanup();
  });

  const post = (path: string, body: unknown = {}) =>
    fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  /** A resident who wrote to the OA today, following it or not, with tags set by staff. */
  async function resident(userId: string, opts: { follows?: boolean; tags?: string[] } = {}) {
    if (opts.follows !== false) await post(`/users/${userId}/follow`);
    await emu.say(userId, 'xin chào');
    await eventually(async () => {
      const [c] = await db.db
        .select()
        .from(conversations)
        .where(and(eq(conversations.oaId, OA), eq(conversations.userId, userId)));
      return c?.lastInteractionAt && (opts.follows === false || c.following === true);
    });
    for (const tag of opts.tags ?? []) {
      await db.db.insert(followerTags).values({ oaId: OA, userId, tag, source: 'staff' });
    }
  }

  const notices = async (userId: string, text: string) =>
    (await emu.inbox(userId)).filter((m) => m.text?.startsWith(text));

  const statusOf = async (id: number) =>
    (await db.db.select({ s: broadcasts.status }).from(broadcasts).where(eq(broadcasts.id, id)))[0]?.s;

  async function notice(text: string, audience: { kind: 'tags'; tags: string[] }, needsApproval = false) {
    return app.broadcasts.create({
      oaId: OA,
      title: text.slice(0, 40),
      body: { text, link: { title: 'Xem chi tiết', url: 'https://dichvucong.gov.vn/' } },
      audience,
      needsApproval,
      createdBy: 'bien-tap',
    });
  }

  it('reaches tagged followers in the window and no one else; an opted-out resident receives nothing', async () => {
    await resident('bc-dong-1', { tags: ['Thôn Đông'] });
    await resident('bc-dong-2', { tags: ['Thôn Đông'] });
    await resident('bc-dong-out', { tags: ['Thôn Đông'] });
    await resident('bc-dong-nofollow', { follows: false, tags: ['Thôn Đông'] });
    await resident('bc-tay-1', { tags: ['Thôn Tây'] });
    await db.db
      .update(conversations)
      .set({ optedOutAt: new Date() })
      .where(and(eq(conversations.oaId, OA), eq(conversations.userId, 'bc-dong-out')));

    const audience = { kind: 'tags' as const, tags: ['Thôn Đông'] };
    expect(await app.broadcasts.preview(OA, audience)).toEqual({
      total: 4,
      deliverable: 2,
      refused: { opted_out: 1, unfollowed: 1, window_closed: 0 },
    });
    const text = 'Thông báo: Thôn Đông tiêm chủng mở rộng sáng thứ Bảy tại nhà văn hóa.';
    const id = await notice(text, audience);
    expect(await app.broadcasts.schedule(id, undefined, 'bien-tap')).toBe('scheduled');

    for (const userId of ['bc-dong-1', 'bc-dong-2']) {
      const got = await eventually(async () => {
        const n = await notices(userId, text);
        return n.length > 0 && n;
      });
      expect(got).toHaveLength(1);
      expect(got[0]!.text).toContain(OPT_OUT_FOOTER);
      expect(got[0]!.buttons).toEqual([
        { title: 'Xem chi tiết', type: 'oa.open.url', payload: { url: 'https://dichvucong.gov.vn/' } },
      ]);
    }
    await eventually(async () => (await statusOf(id)) === 'done');
    for (const userId of ['bc-dong-out', 'bc-dong-nofollow', 'bc-tay-1']) {
      expect(await notices(userId, text)).toHaveLength(0);
    }
    const report = await app.broadcasts.report(id);
    expect(report.recipients).toBe(4);
    expect(report.byStatus.sent).toBe(2);
    expect(report.refusedBy).toEqual({ opted_out: 1, unfollowed: 1 });
    expect(report.timeline.reduce((n, m) => n + m.sent, 0)).toBe(2);

    // A read receipt from the resident's phone shows as seen.
    const [sent] = await notices('bc-dong-1', text);
    await post('/users/bc-dong-1/seen', { msgIds: [sent!.messageId] });
    await eventually(async () => (await app.broadcasts.report(id)).byStatus.seen === 1);
    const lines = [];
    for await (const line of app.broadcasts.recipientLines(id)) lines.push(line);
    expect(lines.map((l) => `${l.userId}:${l.status}:${l.reason ?? ''}`).sort()).toEqual([
      'bc-dong-1:seen:',
      'bc-dong-2:sent:',
      'bc-dong-nofollow:refused:unfollowed',
      'bc-dong-out:refused:opted_out',
    ]);
  });

  it('holds a notice scheduled at night until 06:00, then sends it', async () => {
    await resident('bc-night-1', { tags: ['Thôn Bắc'] });
    clock = vnToday(22, 30);
    try {
      const text = 'Thông báo lịch cắt điện thôn Bắc ngày mai.';
      const id = await notice(text, { kind: 'tags', tags: ['Thôn Bắc'] });
      await app.broadcasts.schedule(id, clock, 'bien-tap');
      await eventually(async () => (await statusOf(id)) === 'sending');
      // Many dispatcher ticks pass in quiet hours: nothing leaves.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await notices('bc-night-1', text)).toHaveLength(0);
      expect((await app.broadcasts.report(id)).byStatus.queued).toBe(1);
      clock = vnToday(5, 59, 1);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await notices('bc-night-1', text)).toHaveLength(0);
      clock = vnToday(6, 0, 1);
      await eventually(async () => (await notices('bc-night-1', text)).length === 1);
      await eventually(async () => (await statusOf(id)) === 'done');
    } finally {
      clock = undefined;
    }
  });

  it('keeps answering residents while a large notice is going out', async () => {
    const ids = await seedFollowers({ db: db.db, origin: app.url!, oaId: OA }, 'bc-many-', 300, {
      tag: 'Thôn Lớn',
    });
    const text = 'Thông báo họp dân thôn Lớn tối thứ Sáu.';
    const id = await notice(text, { kind: 'tags', tags: ['Thôn Lớn'] });
    await app.broadcasts.schedule(id, undefined, 'bien-tap');
    await eventually(async () => (await app.broadcasts.report(id)).byStatus.sent > 20);

    const before = (await emu.inbox('bc-asker')).length;
    await emu.say('bc-asker', 'làm giấy khai sinh cần gì');
    await eventually(async () => (await emu.inbox('bc-asker')).length > before, 10_000);
    // The answer arrived while the notice still had residents waiting for it.
    const midway = await app.broadcasts.report(id);
    expect(midway.byStatus.queued).toBeGreaterThan(0);

    await eventually(async () => (await statusOf(id)) === 'done', 60_000);
    const report = await app.broadcasts.report(id);
    expect(report.byStatus.sent).toBe(300);
    for (const userId of [ids[0]!, ids[150]!, ids[299]!]) {
      expect(await notices(userId, text)).toHaveLength(1);
    }
  });

  it('pauses, resumes and cancels: a cancelled notice reaches no one else', async () => {
    await seedFollowers({ db: db.db, origin: app.url!, oaId: OA }, 'bc-ctl-', 120, { tag: 'Thôn Giữa' });
    const text = 'Thông báo thu gom rác thôn Giữa.';
    const id = await notice(text, { kind: 'tags', tags: ['Thôn Giữa'] });
    await app.broadcasts.schedule(id, undefined, 'bien-tap');
    await eventually(async () => (await app.broadcasts.report(id)).byStatus.sent > 10);
    await app.broadcasts.pause(id, 'bien-tap');
    await new Promise((r) => setTimeout(r, 800));
    const dispatched = async () =>
      Number(
        (
          await db.db
            .select({ n: sql<number>`count(*)` })
            .from(broadcastRecipients)
            .where(and(eq(broadcastRecipients.broadcastId, id), eq(broadcastRecipients.status, 'dispatched')))
        )[0]!.n,
      );
    const whilePaused = await dispatched();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await dispatched()).toBe(whilePaused);
    expect(whilePaused).toBeLessThan(120);

    await app.broadcasts.resume(id, 'bien-tap');
    await eventually(async () => (await dispatched()) > whilePaused);
    await app.broadcasts.cancel(id, 'bien-tap');
    await new Promise((r) => setTimeout(r, 1500));
    const report = await app.broadcasts.report(id);
    expect(report.byStatus.cancelled).toBeGreaterThan(0);
    expect(report.byStatus.queued).toBe(0);
    const delivered = report.byStatus.sent + report.byStatus.received + report.byStatus.seen;
    expect(delivered + report.byStatus.cancelled).toBe(120);
    const sentRows = await db.db
      .select({ n: sql<number>`count(*)` })
      .from(outbox)
      .where(and(eq(outbox.cause, `broadcast:${id}`), eq(outbox.status, 'sent')));
    expect(Number(sentRows[0]!.n)).toBe(delivered);
    expect(await statusOf(id)).toBe('cancelled');
  });

  it('needs a second officer when asked to, and refuses the creator’s own approval', async () => {
    await resident('bc-appr-1', { tags: ['Thôn Nam'] });
    const text = 'Thông báo nghỉ lễ của bộ phận một cửa.';
    const id = await notice(text, { kind: 'tags', tags: ['Thôn Nam'] }, true);
    expect(await app.broadcasts.schedule(id, undefined, 'bien-tap')).toBe('awaiting_approval');
    await expect(app.broadcasts.approve(id, 'bien-tap')).rejects.toMatchObject({ code: 'own_approval' });
    await new Promise((r) => setTimeout(r, 800));
    expect(await notices('bc-appr-1', text)).toHaveLength(0);
    expect(await app.broadcasts.approve(id, 'truong-bo-phan')).toBe('scheduled');
    await eventually(async () => (await notices('bc-appr-1', text)).length === 1);
  });
});

describe('a dispatcher that dies between writing the outbox and queueing the sends', () => {
  it('sends the written messages once and everyone else after restart', async () => {
    const redis = await startTestRedis();
    const db = await openTestDatabase();
    const app = await startTestApp({ redisUrl: redis.url, db, roles: { serve: true, work: false } });
    const emu = emulatorClient(app.url!);
    const logger = createLogger('silent');
    try {
      const ids = await seedFollowers({ db: db.db, origin: app.url!, oaId: OA }, 'bc-crash-', 40, {
        digits: 3,
      });
      const text = 'Thông báo kiểm tra sau sự cố.';
      const id = await app.broadcasts.create({
        oaId: OA,
        title: 'Sự cố',
        body: { text },
        audience: { kind: 'all' },
        needsApproval: false,
        createdBy: 'bien-tap',
      });
      await app.broadcasts.schedule(id, undefined, 'bien-tap');

      const base = {
        db: db.db,
        logger,
        ratePerMinute: 600,
        timezone: 'Asia/Ho_Chi_Minh',
        quietHours: { startMinute: 0, endMinute: 0 },
        uploadImage: () => Promise.reject(new Error('no images here')),
        messageFor: broadcastMessage,
      };
      // First life: the outbox rows commit, then the process dies before queueing them.
      const dying = createBroadcastDispatcher({
        ...base,
        enqueue: () => Promise.reject(new Error('process killed')),
      });
      await expect(dying.tick()).rejects.toThrow('process killed');
      const written = await db.db
        .select()
        .from(outbox)
        .where(eq(outbox.cause, `broadcast:${id}`));
      expect(written.length).toBeGreaterThan(0);
      expect(written.length).toBeLessThan(40);

      // Second life: a worker process with the relay and a fresh dispatcher.
      const worker = await startTestApp({
        redisUrl: redis.url,
        db,
        roles: { serve: false, work: true },
        // Quiet hours are not what this proves: a run at night must not hold the sends.
        env: { ...emulatorZaloEnv(app.url!), QUIET_HOURS: '00:00-00:00' },
      });
      const outbound = createOutboundProducer({ connection: { url: redis.url }, partitions: 8 });
      const relay = startOutboxRelay({ db: db.db, outbound, logger, intervalMs: 200, olderThanMs: 0 });
      try {
        for (const userId of ids) {
          await eventually(
            async () => (await emu.inbox(userId)).filter((m) => m.text?.startsWith(text)).length > 0,
            30_000,
          );
        }
        await eventually(async () => (await app.broadcasts.get(id))?.status === 'done', 30_000);
        for (const userId of ids) {
          expect((await emu.inbox(userId)).filter((m) => m.text?.startsWith(text))).toHaveLength(1);
        }
        const rows = await db.db
          .select()
          .from(outbox)
          .where(eq(outbox.cause, `broadcast:${id}`));
        expect(rows).toHaveLength(40);
      } finally {
        await relay.stop();
        await outbound.close();
        await worker.cleanup();
      }
    } finally {
      await app.cleanup();
      await db.cleanup();
      await redis.cleanup();
    }
  });
});

describe('the pace at which a notice leaves', () => {
  it('earns no budget while idle and spreads each batch over the time the rate gives it', async () => {
    const redis = await startTestRedis();
    const db = await openTestDatabase();
    const app = await startTestApp({ redisUrl: redis.url, db, roles: { serve: true, work: false } });
    const outbound = createOutboundProducer({ connection: { url: redis.url }, partitions: 4 });
    try {
      await seedFollowers({ db: db.db, origin: app.url!, oaId: OA }, 'bc-pace-', 100, { digits: 3 });
      let clock = new Date(Date.now() + 60_000);
      const batches: Array<{ rows: number; spreadOverMs: number | undefined }> = [];
      const dispatcher = createBroadcastDispatcher({
        db: db.db,
        logger: createLogger('silent'),
        // 10 a second.
        ratePerMinute: 600,
        timezone: 'Asia/Ho_Chi_Minh',
        quietHours: { startMinute: 0, endMinute: 0 },
        uploadImage: () => Promise.reject(new Error('no images here')),
        messageFor: broadcastMessage,
        enqueue: async (rows, opts) => {
          batches.push({ rows: rows.length, spreadOverMs: opts?.spreadOverMs });
          await outbound.enqueue(rows, opts);
        },
        now: () => clock,
      });

      // A quiet minute with nothing to send.
      expect((await dispatcher.tick()).dispatched).toBe(0);
      clock = new Date(clock.getTime() + 60_000);
      expect((await dispatcher.tick()).dispatched).toBe(0);

      const id = await app.broadcasts.create({
        oaId: OA,
        title: 'Lịch tiêm',
        body: { text: 'Lịch tiêm chủng tháng này tại trạm y tế xã.' },
        audience: { kind: 'all' },
        needsApproval: false,
        createdBy: 'bien-tap',
      });
      await app.broadcasts.schedule(id, clock, 'bien-tap');
      clock = new Date(clock.getTime() + 500);
      const first = await dispatcher.tick();

      // Half a second of sending at 10/s: 5 messages, not the bucket's 50 saved up while idle.
      expect(first.started).toEqual([id]);
      expect(first.dispatched).toBe(5);
      expect(batches).toEqual([{ rows: 5, spreadOverMs: 500 }]);
      const rows = await db.db
        .select({ id: outbox.id })
        .from(outbox)
        .where(eq(outbox.cause, `broadcast:${id}`))
        .orderBy(outbox.id);
      const delays = await Promise.all(
        rows.map(async (r) => {
          for (const q of outbound.queues) {
            const job = await q.getJob(outboundJobId(r.id));
            if (job) return job.opts.delay ?? 0;
          }
          return undefined;
        }),
      );
      expect(delays).toEqual([0, 100, 200, 300, 400]);
    } finally {
      await outbound.close();
      await app.cleanup();
      await db.cleanup();
      await redis.cleanup();
    }
  });
});
