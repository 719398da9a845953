import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { createBroadcastServices } from '../../src/broadcasts/services.js';
import { outbox } from '../../src/db/schema.js';
import { createFileStore } from '../../src/dossiers/files/index.js';
import { eventually } from '../support/app.js';
import { emulatorClient } from '../support/emulator-client.js';
import { startExternalEmulator, type ExternalEmulator } from '../support/external-emulator.js';
import { seedFollowers } from '../support/followers.js';
import { spawnMotcua, type MotcuaProcess } from '../support/processes.js';
import { openTestDatabase, startTestRedis, tempDir, testDbKind } from '../support/services.js';

/** A killed process must leave its database behind for the next one: PostgreSQL (CI sets DATABASE_URL). */
const shared = testDbKind() === 'postgres';

describe.skipIf(!shared)('a motcua process killed in the middle of a broadcast', () => {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let emulator: ExternalEmulator['emulator'];
  let env: Record<string, string>;
  const processes: MotcuaProcess[] = [];
  const files = tempDir('motcua-bc-files-');
  const OA = EMULATOR_CREDENTIALS.oaId;

  beforeAll(async () => {
    redis = await startTestRedis();
    db = await openTestDatabase();
    ({ emulator, env } = await startExternalEmulator(
      { databaseUrl: db.url!, redisUrl: redis.url },
      { BROADCAST_RATE_PER_MINUTE: '900', QUIET_HOURS: '00:00-00:00' },
    ));
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
    const ids = await seedFollowers({ db: db.db, origin: emulator.origin, oaId: OA }, 'bc-kill-', 240);
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
