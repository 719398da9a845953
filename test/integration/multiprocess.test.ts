import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { outbox, zaloTokens } from '../../src/db/schema.js';
import { dedupeKeyFor } from '../../src/zalo/events.js';
import { eventually } from '../support/app.js';
import { emulatorClient } from '../support/emulator-client.js';
import { startExternalEmulator, type ExternalEmulator } from '../support/external-emulator.js';
import { spawnMotcua, spawnScript, type MotcuaProcess } from '../support/processes.js';
import { openTestDatabase, startTestRedis, testDbKind } from '../support/services.js';

/**
 * Separate OS processes need a database they can share: PostgreSQL. PGlite is
 * in-process only, so this file runs in the postgres project (CI sets DATABASE_URL).
 */
const shared = testDbKind() === 'postgres';

describe.skipIf(!shared)('several motcua processes sharing Redis and PostgreSQL', () => {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let emulator: ExternalEmulator['emulator'];
  let serve: MotcuaProcess;
  let workers: MotcuaProcess[] = [];
  const killed: MotcuaProcess[] = [];
  let env: Record<string, string>;
  let emu: ReturnType<typeof emulatorClient>;

  beforeAll(async () => {
    redis = await startTestRedis();
    db = await openTestDatabase();
    const external = await startExternalEmulator({ databaseUrl: db.url!, redisUrl: redis.url });
    ({ emulator, env } = external);
    serve = spawnMotcua('serve', env);
    await eventually(async () => (await fetch(`http://127.0.0.1:${external.port}/readyz`)).ok, 60_000, 200);
    workers = [1, 2, 3].map(() => spawnMotcua('work', env));
    emu = emulatorClient(emulator.origin);
  });

  afterAll(async () => {
    await Promise.all([serve, ...workers].filter(Boolean).map((p) => p.kill('SIGTERM')));
    if (process.env.TEST_CHILD_LOG_DIR) {
      const { writeFileSync } = await import('node:fs');
      [serve, ...workers, ...killed].forEach((p, i) =>
        writeFileSync(`${process.env.TEST_CHILD_LOG_DIR}/${p.role}-${i}.log`, p.output()),
      );
    }
    await emulator?.close();
    await db?.cleanup();
    await redis?.cleanup();
  });

  const OA = EMULATOR_CREDENTIALS.oaId;
  const causeOf = (msgId: string) =>
    dedupeKeyFor({ event_name: 'user_send_text', message: { msg_id: msgId } }, Buffer.alloc(0), OA);

  async function sendBursts(prefix: string, users: number, perUser: number, gapMs = 0) {
    const sent = new Map<string, string[]>();
    await Promise.all(
      Array.from({ length: users }, (_, i) => `${prefix}-${i}`).map(async (u) => {
        const keys: string[] = [];
        for (let i = 0; i < perUser; i++) {
          keys.push(causeOf((await emu.say(u, `tin ${i}`)).msgId));
          if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
        }
        sent.set(u, keys);
      }),
    );
    return sent;
  }

  async function expectAnsweredInOrder(sent: Map<string, string[]>) {
    for (const [u, keys] of sent) {
      await eventually(async () => (await emu.inbox(u)).length >= keys.length, 120_000, 200);
    }
    await new Promise((r) => setTimeout(r, 1500));
    for (const [u, keys] of sent) {
      const inbox = await emu.inbox(u);
      const rows = await db.db.select().from(outbox).where(eq(outbox.userId, u));
      const causeById = new Map(rows.map((r) => [r.zaloMessageId, r.cause]));
      expect(inbox.map((m) => causeById.get(m.messageId))).toEqual(keys);
    }
  }

  it('answers 50 residents × 20 messages, sent in bursts, each in send order through 3 worker processes', async () => {
    const sent = await sendBursts('proc-order', 50, 20);
    await expectAnsweredInOrder(sent);
  });

  it('loses nothing and duplicates no reply when a worker process is killed mid-job', async () => {
    let finished = false;
    const sending = sendBursts('proc-kill', 30, 20, 30).finally(() => (finished = true));
    await new Promise((r) => setTimeout(r, 300));
    const victim = workers[0]!;
    expect(await victim.kill('SIGKILL')).toBeNull();
    killed.push(victim);
    expect(finished).toBe(false);
    workers[0] = spawnMotcua('work', env);
    const sent = await sending;
    await expectAnsweredInOrder(sent);
  });

  it('lets only one of two processes refresh a token Zalo rejected; both end with the new one', async () => {
    const [row] = await db.db.select().from(zaloTokens).where(eq(zaloTokens.oaId, OA));
    const rejected = row!.accessToken!;
    const before = (await emu.stats()).refreshes as number;
    const startAt = String(Date.now() + 2500);
    const racers = [1, 2].map((i) =>
      spawnScript('test/support/refresh-once.ts', [], `refresh-${i}`, {
        ...env,
        REJECTED: rejected,
        START_AT: startAt,
      }),
    );
    const codes = await Promise.all(racers.map((p) => p.exited));
    expect(codes).toEqual([0, 0]);
    const tokens = racers.map(
      (p) => (JSON.parse(p.output().trim().split('\n').at(-1)!) as { token: string }).token,
    );
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[0]).not.toBe(rejected);
    expect((await emu.stats()).refreshes).toBe(before + 1);
  });
});
