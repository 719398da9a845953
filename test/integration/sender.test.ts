import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { EMULATOR_CREDENTIALS as C } from '../../src/config.js';
import { conversations, outbox } from '../../src/db/schema.js';
import { createLogger } from '../../src/log.js';
import { addToOutbox } from '../../src/queue/outbox.js';
import { createZaloClient } from '../../src/zalo/client.js';
import { createEmulatorServer } from '../../src/zalo/emulator/index.js';
import { findSentInHistory } from '../../src/zalo/history.js';
import { buttonsMessage, textMessage } from '../../src/zalo/messages.js';
import { createRateBudget } from '../../src/zalo/rate-budget.js';
import { sendOutboxRow, type SenderDeps } from '../../src/zalo/sender.js';
import type { Lane } from '../../src/zalo/policy.js';
import { emulatorClient } from '../support/emulator-client.js';
import { openTestDatabase, startTestRedis } from '../support/services.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let emulator: Awaited<ReturnType<typeof createEmulatorServer>>;
let deps: SenderDeps;
let emu: ReturnType<typeof emulatorClient>;

beforeAll(async () => {
  redis = await startTestRedis();
  db = await openTestDatabase();
  emulator = await createEmulatorServer({
    appId: C.appId,
    appSecret: C.appSecret,
    oaId: C.oaId,
    oaSecretKey: C.oaSecretKey,
    initialRefreshToken: C.refreshToken,
    initialAccessToken: 'sender-test-token',
    webhookUrl: 'http://127.0.0.1:9/unused',
    webhookRetryDelaysMs: [],
    echoes: false,
    port: 0,
  });
  const client = createZaloClient({
    apiBase: `${emulator.origin}/emulator/openapi`,
    timeoutMs: 5000,
    tokens: {
      getAccessToken: () => Promise.resolve('sender-test-token'),
      refreshAfterRejection: () => Promise.resolve('sender-test-token'),
    },
  });
  deps = {
    db: db.db,
    zalo: client,
    budget: createRateBudget({ redis: redis.client(), appId: 'sender-test', perMinute: 60_000 }),
    logger: createLogger('silent'),
    timezone: 'Asia/Ho_Chi_Minh',
    quietHours: { startMinute: 22 * 60, endMinute: 6 * 60 },
    findSent: findSentInHistory(client),
    inlineRetryDelayMs: 10,
  };
  emu = emulatorClient(emulator.origin);
});

afterAll(async () => {
  await emulator?.close();
  await db?.cleanup();
  await redis?.cleanup();
});

/** A resident who wrote to the OA just now (so the consultation window is open). */
async function residentWhoWrote(userId: string, messages = 1) {
  for (let i = 0; i < messages; i++) await emu.say(userId, `tin ${i}`);
  await db.db
    .insert(conversations)
    .values({ oaId: C.oaId, userId, lastInteractionAt: new Date(), following: true })
    .onConflictDoNothing();
}

async function queueRow(userId: string, lane: Lane, text = 'Xin chào Anh/Chị') {
  const [id] = await addToOutbox(db.db, [{ oaId: C.oaId, userId, lane, message: buttonsMessage(text, []) }]);
  return id!;
}

const rowOf = async (id: number) => (await db.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;

describe('sending an outbox row', () => {
  it('sends once and records Zalo’s message id', async () => {
    await residentWhoWrote('s-plain');
    const id = await queueRow('s-plain', 'reply');
    expect(await sendOutboxRow(deps, { outboxId: id, lane: 'reply' })).toBe('sent');
    const inbox = await emu.inbox('s-plain');
    expect(inbox).toHaveLength(1);
    expect((await rowOf(id)).zaloMessageId).toBe(inbox[0]!.messageId);
    expect(await sendOutboxRow(deps, { outboxId: id, lane: 'reply' })).toBe('already_done');
    expect(await emu.inbox('s-plain')).toHaveLength(1);
  });

  it('does not send again when a crashed sender’s message reached Zalo, even under many newer lines', async () => {
    await residentWhoWrote('s-crash');
    const id = await queueRow('s-crash', 'reply');
    await db.db.update(outbox).set({ status: 'sending', claimedAt: new Date() }).where(eq(outbox.id, id));
    const crashed = await deps.zalo.sendMessage('s-crash', (await rowOf(id)).message as never);
    for (let i = 0; i < 15; i++) await emu.say('s-crash', `tin nhắn mới ${i}`);
    expect(await sendOutboxRow(deps, { outboxId: id, lane: 'reply' })).toBe('reconciled');
    expect(await emu.inbox('s-crash')).toHaveLength(1);
    expect((await rowOf(id)).zaloMessageId).toBe(crashed.messageId);
  });

  it('sends when a crashed sender never reached Zalo', async () => {
    await residentWhoWrote('s-lost');
    const id = await queueRow('s-lost', 'reply');
    await db.db.update(outbox).set({ status: 'sending', claimedAt: new Date() }).where(eq(outbox.id, id));
    expect(await sendOutboxRow(deps, { outboxId: id, lane: 'reply' })).toBe('sent');
    expect(await emu.inbox('s-lost')).toHaveLength(1);
  });

  it('refuses a consultation message 7 days after the resident last wrote, and records why', async () => {
    await db.db
      .insert(conversations)
      .values({ oaId: C.oaId, userId: 's-old', lastInteractionAt: new Date(Date.now() - 8 * 86400_000) });
    const id = await queueRow('s-old', 'notify');
    expect(await sendOutboxRow(deps, { outboxId: id, lane: 'notify' })).toBe('refused');
    expect(await rowOf(id)).toMatchObject({ status: 'refused', reason: 'window_closed' });
  });

  it('holds a broadcast during quiet hours until 06:00', async () => {
    await residentWhoWrote('s-night');
    const id = await queueRow('s-night', 'broadcast');
    const night = new Date(Date.UTC(2026, 10, 22, 23 - 7, 15));
    expect(await sendOutboxRow({ ...deps, now: () => night }, { outboxId: id, lane: 'broadcast' })).toBe(
      'held',
    );
    const row = await rowOf(id);
    expect(row).toMatchObject({ status: 'held', reason: 'quiet_hours' });
    expect(row.notBefore).toEqual(new Date(Date.UTC(2026, 10, 23, 6 - 7, 0)));
    expect(await emu.inbox('s-night')).toHaveLength(0);
  });

  it('retries after Zalo’s rate limit (-32) and sends', async () => {
    await residentWhoWrote('s-busy');
    const id = await queueRow('s-busy', 'reply');
    await emu.fault({ path: '/v3.0/oa/message/cs', error: -32, count: 1 });
    const fast = { ...deps, budget: { ...deps.budget, pause: () => Promise.resolve() } };
    expect(await sendOutboxRow(fast, { outboxId: id, lane: 'reply' })).toBe('sent');
    expect((await rowOf(id)).attempts).toBe(2);
  });

  it('records Zalo’s own refusal (-230) with the code', async () => {
    await residentWhoWrote('s-230');
    const id = await queueRow('s-230', 'reply');
    await emu.fault({ path: '/v3.0/oa/message/cs', error: -230, count: 1 });
    expect(await sendOutboxRow(deps, { outboxId: id, lane: 'reply' })).toBe('refused');
    expect((await rowOf(id)).reason).toMatch(/^zalo -230/);
  });

  it('keeps text within Zalo’s 2,000-character limit', () => {
    expect(Array.from(textMessage('ă'.repeat(2500)).text!).length).toBe(2000);
  });
});

describe('the app-wide rate budget', () => {
  it('keeps a reserve for replies that broadcasts cannot take', async () => {
    const budget = createRateBudget({ redis: redis.client(), appId: 'lanes-test', perMinute: 60 * 10 });
    let broadcasts = 0;
    while ((await budget.tryTake('broadcast')) === 0) broadcasts++;
    expect(broadcasts).toBeGreaterThanOrEqual(4);
    expect(broadcasts).toBeLessThanOrEqual(6);
    expect(await budget.tryTake('notify')).toBe(0);
    expect(await budget.tryTake('reply')).toBe(0);
    expect(await budget.tryTake('broadcast')).toBeGreaterThan(0);
  });
});
