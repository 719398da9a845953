import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { EMULATOR_AGENCY_CODE, EMULATOR_CREDENTIALS } from '../../src/config.js';
import { inboundEvents, outbox } from '../../src/db/schema.js';
import { startEmbeddedRedis } from '../../src/redis/embedded.js';
import { dedupeKeyFor } from '../../src/zalo/events.js';
import { eventually, startEmulatedStack, startTestApp } from '../support/app.js';
import { emulatorClient } from '../support/emulator-client.js';
import { openTestDatabase, startTestRedis } from '../support/services.js';
import { makeZaloEvent, signedDelivery } from '../support/zalo-events.js';

type App = Awaited<ReturnType<typeof startTestApp>>;
let redis: Awaited<ReturnType<typeof startTestRedis>>;
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let app: App;
let emu: ReturnType<typeof emulatorClient>;

let stack: Awaited<ReturnType<typeof startEmulatedStack>> | undefined;

beforeAll(async () => {
  stack = await startEmulatedStack();
  ({ redis, db, app, emu } = stack);
});

afterAll(async () => {
  await stack?.cleanup();
});

const OA = EMULATOR_CREDENTIALS.oaId;
const causeOf = (msgId: string) =>
  dedupeKeyFor({ event_name: 'user_send_text', message: { msg_id: msgId } }, Buffer.alloc(0), OA);
const repliesTo = async (userId: string, n: number, ms = 30_000) =>
  eventually(async () => {
    const inbox = await emu.inbox(userId);
    return inbox.length >= n ? inbox : null;
  }, ms);

/** The inbound message (by its dedupe key) each of the user's received replies answers, in arrival order. */
async function causesInArrivalOrder(userId: string) {
  const inbox = await emu.inbox(userId);
  const rows = await db.db.select().from(outbox).where(eq(outbox.userId, userId));
  const causeById = new Map(rows.map((r) => [r.zaloMessageId, r.cause]));
  return inbox.map((m) => causeById.get(m.messageId));
}

describe('a resident message goes Zalo → motcua → reply', () => {
  it('greets a resident who says hello, with the menu as buttons', async () => {
    await emu.say('resident-hello', 'xin chào');
    const [reply] = await repliesTo('resident-hello', 1);
    expect(reply!.text).toMatch(/^Xin chào Anh\/Chị/);
    expect(reply!.buttons?.map((b) => b.title)).toEqual([
      'Hỏi thủ tục',
      'Hồ sơ của tôi',
      'Gặp cán bộ',
      'English',
    ]);
  });

  it('skips Zalo’s echo of its own reply but records a reply an officer typed in Zalo', async () => {
    await emu.say('resident-echo', 'xin chào');
    await repliesTo('resident-echo', 1);
    const delivered = await eventually(async () => {
      const res = await fetch(`${app.url}/emulator/api/deliveries?userId=resident-echo`);
      const list = ((await res.json()) as { deliveries: Array<{ eventName: string; status: string }> })
        .deliveries;
      const echo = list.find((d) => d.eventName.startsWith('oa_send_'));
      return echo?.status === 'delivered' ? list : null;
    });
    expect(delivered.map((d) => d.eventName)).toEqual(['user_send_text', 'oa_send_template']);
    const officer = makeZaloEvent('oa_send_text', {
      timestamp: String(Date.now()),
      recipient: { id: 'resident-echo' },
      message: { msg_id: 'a0a0a0a0a0a0a0a0a0a0', text: 'Cán bộ đã nhận hồ sơ của anh' },
    });
    const { raw, headers } = signedDelivery(officer);
    expect((await fetch(`${app.url}/webhooks/zalo`, { method: 'POST', body: raw, headers })).status).toBe(
      200,
    );
    const names = await eventually(async () => {
      const rows = await db.db.select().from(inboundEvents).where(eq(inboundEvents.userId, 'resident-echo'));
      return rows.length >= 2 ? rows.map((r) => r.eventName) : null;
    });
    expect(names.sort()).toEqual(['oa_send_text', 'user_send_text']);
  });

  it('answers an event delivered three times exactly once', async () => {
    const { msgId } = await emu.say('resident-dup', 'cho hỏi');
    const deliveries = (await (
      await fetch(`${app.url}/emulator/api/deliveries?userId=resident-dup`)
    ).json()) as {
      deliveries: Array<{ msgId: string | null; event: Record<string, unknown> }>;
    };
    const original = deliveries.deliveries.find((d) => d.msgId === msgId)!.event;
    const { raw, headers } = signedDelivery(original);
    const redeliver = () => fetch(`${app.url}/webhooks/zalo`, { method: 'POST', body: raw, headers });
    expect((await redeliver()).status).toBe(200);
    await repliesTo('resident-dup', 1);
    expect((await redeliver()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await emu.inbox('resident-dup')).toHaveLength(1);
    const rows = await db.db.select().from(outbox).where(eq(outbox.userId, 'resident-dup'));
    expect(rows).toHaveLength(1);
  });

  it('answers 50 residents × 20 messages each in the order each one sent them, with three worker sets', async () => {
    const workerEnv = {
      ZALO_API_BASE: `${app.url}/emulator/openapi`,
      ZALO_OAUTH_BASE: `${app.url}/emulator/oauth`,
      ZALO_APP_ID: EMULATOR_CREDENTIALS.appId,
      ZALO_APP_SECRET: EMULATOR_CREDENTIALS.appSecret,
      ZALO_OA_ID: EMULATOR_CREDENTIALS.oaId,
      ZALO_OA_SECRET_KEY: EMULATOR_CREDENTIALS.oaSecretKey,
      AGENCY_CODE: EMULATOR_AGENCY_CODE,
    };
    const extra = await Promise.all(
      [1, 2].map(() =>
        startTestApp({ redisUrl: redis.url, db, roles: { serve: false, work: true }, env: workerEnv }),
      ),
    );
    try {
      const users = Array.from({ length: 50 }, (_, i) => `resident-order-${i}`);
      const sent = new Map<string, string[]>();
      await Promise.all(
        users.map(async (u) => {
          const keys: string[] = [];
          for (let i = 0; i < 20; i++) keys.push(causeOf((await emu.say(u, `tin ${i}`)).msgId));
          sent.set(u, keys);
        }),
      );
      for (const u of users) await repliesTo(u, 20, 120_000);
      for (const u of users) {
        expect(await causesInArrivalOrder(u)).toEqual(sent.get(u));
      }
    } finally {
      await Promise.all(extra.map((a) => a.cleanup()));
    }
  });

  it('refreshes an expired access token once and the reply still goes out', async () => {
    await repliesTo('resident-hello', 1);
    const before = (await emu.stats()).refreshes as number;
    await emu.expireToken();
    await emu.say('resident-token', 'alo');
    await repliesTo('resident-token', 1);
    expect((await emu.stats()).refreshes).toBe(before + 1);
  });

  it('records why Zalo refused a reply for good, and sends nothing', async () => {
    await emu.fault({ path: '/v3.0/oa/message/cs', error: -230, count: 1 });
    await emu.say('resident-refused', 'alo');
    const row = await eventually(async () => {
      const [r] = await db.db.select().from(outbox).where(eq(outbox.userId, 'resident-refused'));
      return r?.status === 'refused' ? r : null;
    });
    expect(row.reason).toMatch(/-230/);
    expect(await emu.inbox('resident-refused')).toHaveLength(0);
  });

  it('loses nothing and duplicates nothing when Redis is killed and restarted mid-run', async () => {
    const users = Array.from({ length: 20 }, (_, i) => `resident-redis-${i}`);
    const sending = Promise.all(
      users.map(async (u) => {
        for (let i = 0; i < 5; i++) {
          await emu.say(u, `tin ${i}`);
          await new Promise((r) => setTimeout(r, 30));
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    process.kill(redis.pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const restarted = await startEmbeddedRedis({ dir: redis.dir, port: redis.port });
    Object.assign(redis, { stop: restarted.stop, pid: restarted.pid });
    await sending;
    for (const u of users) await repliesTo(u, 5, 120_000);
    await new Promise((r) => setTimeout(r, 2000));
    for (const u of users) expect(await emu.inbox(u)).toHaveLength(5);
  });
});
