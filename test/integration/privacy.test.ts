import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { zaloTokens } from '../../src/db/schema.js';
import { createLogger } from '../../src/log.js';
import { eventually, startTestApp } from '../support/app.js';
import { emulatorClient } from '../support/emulator-client.js';
import { openTestDatabase, startTestRedis } from '../support/services.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
const lines: string[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  db = await openTestDatabase();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  app = await startTestApp({ redisUrl: redis.url, db, logger: createLogger('trace', sink) });
});

afterAll(async () => {
  await app?.cleanup();
  await db?.cleanup();
  await redis?.cleanup();
});

describe('logs', () => {
  it('never carry what residents type, their ID or phone numbers, or Zalo tokens', async () => {
    const emu = emulatorClient(app.url!);
    await emu.say('resident-private', 'Số CCCD của tôi là 001203004567, điện thoại 0912345678');
    await eventually(async () => (await emu.inbox('resident-private')).length > 0);
    await emu.expireToken();
    await emu.say('resident-private', 'alo');
    await eventually(async () => (await emu.inbox('resident-private')).length > 1);
    const [tokens] = await db.db
      .select()
      .from(zaloTokens)
      .where(eq(zaloTokens.oaId, EMULATOR_CREDENTIALS.oaId));
    const all = lines.join('');
    expect(all).toContain('"component":"inbound"');
    expect(all).toContain('"component":"zalo"');
    expect(all).toContain('"component":"tokens"');
    expect(all).not.toContain('001203004567');
    expect(all).not.toContain('0912345678');
    expect(all).not.toContain('Số CCCD');
    expect(all).not.toContain(tokens!.accessToken!);
    expect(all).not.toContain(tokens!.refreshToken!);
    expect(all).not.toContain(EMULATOR_CREDENTIALS.appSecret);
  });
});
