import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { EMULATOR_AGENCY_CODE, EMULATOR_CREDENTIALS } from '../../src/config.js';
import { createBroadcastServices } from '../../src/broadcasts/services.js';
import { conversations, outbox } from '../../src/db/schema.js';
import { createFileStore } from '../../src/dossiers/files/index.js';
import { freePort } from '../../src/redis/embedded.js';
import { createEmulatorServer } from '../../src/zalo/emulator/index.js';
import { eventually } from '../support/app.js';
import { emulatorClient } from '../support/emulator-client.js';
import { spawnMotcua, type MotcuaProcess } from '../support/processes.js';
import { openTestDatabase, startTestRedis, tempDir, testDbKind } from '../support/services.js';

/** A killed process must leave its database behind for the next one: PostgreSQL (CI sets DATABASE_URL). */
const shared = testDbKind() === 'postgres';

describe.skipIf(!shared)('a motcua process killed in the middle of a broadcast', () => {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let emulator: Awaited<ReturnType<typeof createEmulatorServer>>;
  let env: Record<string, string>;
  const processes: MotcuaProcess[] = [];
  const files = tempDir('motcua-bc-files-');
  const OA = EMULATOR_CREDENTIALS.oaId;

  beforeAll(async () => {
    redis = await startTestRedis();
    db = await openTestDatabase();
    const port = await freePort();
    emulator = await createEmulatorServer({
      appId: EMULATOR_CREDENTIALS.appId,
      appSecret: EMULATOR_CREDENTIALS.appSecret,
      oaId: OA,
      oaSecretKey: EMULATOR_CREDENTIALS.oaSecretKey,
      initialRefreshToken: EMULATOR_CREDENTIALS.refreshToken,
      webhookUrl: `http://127.0.0.1:${port}/webhooks/zalo`,
      port: 0,
      host: '127.0.0.1',
    });
    env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url!,
      REDIS_URL: redis.url,
      ZALO_API_BASE: `${emulator.origin}/emulator/openapi`,
      ZALO_OAUTH_BASE: `${emulator.origin}/emulator/oauth`,
      ZALO_APP_ID: EMULATOR_CREDENTIALS.appId,
      ZALO_APP_SECRET: EMULATOR_CREDENTIALS.appSecret,
      ZALO_OA_ID: OA,
      AGENCY_CODE: EMULATOR_AGENCY_CODE,
      ZALO_OA_SECRET_KEY: EMULATOR_CREDENTIALS.oaSecretKey,
      ZALO_REFRESH_TOKEN: EMULATOR_CREDENTIALS.refreshToken,
      QUEUE_PARTITIONS: '8',
      QUEUE_LOCK_MS: '4000',
      BROADCAST_RATE_PER_MINUTE: '900',
      QUIET_HOURS: '00:00-00:00',
    };
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await emulator?.close();
    await db?.cleanup();
    await redis?.cleanup();
    files.remove();
  });

  it('sends no one twice and misses no one after a restart', async () => {
    const emu = emulatorClient(emulator.origin);
    const ids = Array.from({ length: 240 }, (_, i) => `bc-kill-${String(i).padStart(4, '0')}`);
    for (const userId of ids) {
      await fetch(`${emulator.origin}/emulator/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, follower: true, lastInteractionAt: Date.now() }),
      });
    }
    await db.db
      .insert(conversations)
      .values(ids.map((userId) => ({ oaId: OA, userId, following: true, lastInteractionAt: new Date() })));
    const services = createBroadcastServices({
      db: db.db,
      store: createFileStore({ dir: files.dir, key: Buffer.alloc(32, 7) }),
    });
    const text = 'Thông báo lịch tiếp dân tháng Mười Hai.';
    const id = await services.create({
      oaId: OA,
      title: 'Lịch tiếp dân',
      body: { text },
      audience: { kind: 'all' },
      needsApproval: false,
      createdBy: 'bien-tap',
    });
    await services.schedule(id, undefined, 'bien-tap');

    const got = async (userId: string) =>
      (await emu.inbox(userId)).filter((m) => m.text?.startsWith(text)).length;
    const delivered = async () => (await Promise.all(ids.map(got))).reduce((a, b) => a + b, 0);

    const first = spawnMotcua('all', env);
    processes.push(first);
    await eventually(async () => (await delivered()) >= 40, 60_000, 200);
    expect(await first.kill('SIGKILL')).toBeNull();
    const atKill = await delivered();
    expect(atKill).toBeLessThan(ids.length);

    const second = spawnMotcua('all', env);
    processes.push(second);
    await eventually(async () => (await services.get(id))?.status === 'done', 120_000, 500);
    for (const userId of ids) expect(await got(userId)).toBe(1);
    const rows = await db.db
      .select()
      .from(outbox)
      .where(eq(outbox.cause, `broadcast:${id}`));
    expect(rows).toHaveLength(ids.length);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });
});
