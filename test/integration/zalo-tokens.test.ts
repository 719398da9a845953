import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { zaloTokens } from '../../src/db/schema.js';
import { ErrorCode, hasCode, MotcuaError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { createZaloClient } from '../../src/zalo/client.js';
import { isSafeToRetry, rapidRetryPolicy } from '../../src/zalo/retry.js';
import { createTokenManager, type TokenManagerDeps } from '../../src/zalo/tokens.js';
import { openTestDatabase, startTestRedis } from '../support/services.js';

const OAUTH = 'https://oauth.zaloapp.com';
const API = 'https://openapi.zalo.me';
const APP_ID = 'app-test-0001';
const APP_SECRET = 'app-secret-never-logged';
const HOUR = 60 * 60 * 1000;

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let database: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  redis = await startTestRedis();
  database = await openTestDatabase();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(async () => {
  nock.enableNetConnect();
  nock.restore();
  await redis?.cleanup();
  await database?.cleanup();
});

/** A fresh OA id per test keeps rows and lock keys apart; tokens carry it so leaks are easy to spot. */
function setup() {
  const oaId = `oa-${randomUUID()}`;
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => lines.push(line) });
  const manager = (overrides: Partial<TokenManagerDeps> = {}) =>
    createTokenManager({
      db: database.db,
      redis: redis.client(),
      oaId,
      appId: APP_ID,
      appSecret: APP_SECRET,
      oauthBase: OAUTH,
      logger,
      pollIntervalMs: 20,
      refreshRetry: rapidRetryPolicy,
      ...overrides,
    });
  const seed = (values: { accessToken: string; refreshToken: string; accessExpiresAt?: Date }) =>
    database.db.insert(zaloTokens).values({ oaId, ...values });
  const row = async () => (await database.db.select().from(zaloTokens).where(eq(zaloTokens.oaId, oaId)))[0];
  return { oaId, lines, logger, manager, seed, row };
}

/** Expects one refresh call with the form body and secret header Zalo requires. */
function oauthRefresh(refreshToken: string, reply: object, opts: { delayMs?: number; times?: number } = {}) {
  let calls = 0;
  const scope = nock(OAUTH)
    .matchHeader('secret_key', APP_SECRET)
    .matchHeader('content-type', /^application\/x-www-form-urlencoded/)
    .post('/v4/oa/access_token', { refresh_token: refreshToken, app_id: APP_ID, grant_type: 'refresh_token' })
    .times(opts.times ?? 1)
    .delay(opts.delayMs ?? 0)
    .reply(() => {
      calls++;
      return [200, reply];
    });
  return { scope, calls: () => calls };
}

function pair(n: number) {
  return {
    access_token: `at-${n}-${randomUUID()}`,
    refresh_token: `rt-${n}-${randomUUID()}`,
    expires_in: '90000',
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
}

describe('token manager (real Redis and database)', () => {
  it('refreshes on first use from a bootstrap refresh token and stores the pair before using it', async () => {
    const { oaId, logger, manager, row } = setup();
    const next = pair(1);
    const refresh = oauthRefresh('rt-bootstrap', next);
    const tokens = manager({ bootstrap: { refreshToken: 'rt-bootstrap' } });
    const client = createZaloClient({ apiBase: API, timeoutMs: 2000, tokens, logger });
    const storedWhenUsed: Array<string | null | undefined> = [];
    nock(API)
      .matchHeader('access_token', next.access_token)
      .post('/v3.0/oa/message/cs')
      .reply((_uri, _body, callback) => {
        row().then(
          (r) => {
            storedWhenUsed.push(r?.accessToken);
            callback(null, [200, { error: 0, message: 'Success', data: { message_id: 'm-1' } }]);
          },
          (err: Error) => callback(err, [500, '']),
        );
      });

    const started = Date.now();
    expect((await client.sendText('user-1', 'Xin chào')).messageId).toBe('m-1');

    expect(refresh.calls()).toBe(1);
    expect(storedWhenUsed).toEqual([next.access_token]);
    const stored = await row();
    expect(stored).toMatchObject({
      oaId,
      accessToken: next.access_token,
      refreshToken: next.refresh_token,
      generation: 1,
    });
    const expiresIn = (stored?.accessExpiresAt?.getTime() ?? 0) - started;
    expect(expiresIn).toBeGreaterThan(90_000_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(90_000_000 + 60_000);
  });

  it('hands out no new token when the new pair cannot be stored', async () => {
    const { oaId, manager, seed, row, lines } = setup();
    await seed({ accessToken: 'at-0-old', refreshToken: 'rt-0-old' });
    const next = pair(1);
    oauthRefresh('rt-0-old', next);
    const fn = `refuse_${oaId.replace(/-/g, '_')}`;
    await database.db.execute(
      sql.raw(
        `create function ${fn}() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`,
      ),
    );
    await database.db.execute(
      sql.raw(`create trigger ${fn} before update on zalo_tokens for each row when (new.oa_id = '${oaId}')
               execute function ${fn}()`),
    );
    try {
      const err = await failure(manager().refreshAfterRejection('at-0-old'));
      expect(hasCode(err, ErrorCode.TokenRefreshFailed)).toBe(true);
      expect((err as Error).message).not.toContain(next.access_token);
      expect((err as Error).message).not.toContain(next.refresh_token);
      expect(lines.join('')).not.toContain(next.access_token);
      expect(await row()).toMatchObject({ accessToken: 'at-0-old', generation: 0 });
    } finally {
      await database.db.execute(sql.raw(`drop trigger ${fn} on zalo_tokens`));
      await database.db.execute(sql.raw(`drop function ${fn}()`));
    }
  });

  it('lets only one of two processes refresh a rejected token; both end with the new token', async () => {
    const { manager, seed, row } = setup();
    await seed({
      accessToken: 'at-0-shared',
      refreshToken: 'rt-0-shared',
      accessExpiresAt: new Date(Date.now() + 20 * HOUR),
    });
    const next = pair(1);
    const refresh = oauthRefresh('rt-0-shared', next, { delayMs: 300, times: 2 });
    const first = manager();
    const second = manager();

    const results = await Promise.all([
      first.refreshAfterRejection('at-0-shared'),
      second.refreshAfterRejection('at-0-shared'),
    ]);

    expect(results).toEqual([next.access_token, next.access_token]);
    expect(refresh.calls()).toBe(1);
    expect(await row()).toMatchObject({
      accessToken: next.access_token,
      refreshToken: next.refresh_token,
      generation: 1,
    });
    expect(await first.getAccessToken()).toBe(next.access_token);
    expect(await second.getAccessToken()).toBe(next.access_token);
    expect(await redis.client().keys('motcua:zalo-token-refresh:*')).toEqual([]);
  });

  it('two clients hitting -216 at once cause one refresh and both sends succeed', async () => {
    const { logger, manager, seed } = setup();
    await seed({ accessToken: 'at-0-race', refreshToken: 'rt-0-race' });
    const next = pair(1);
    const refresh = oauthRefresh('rt-0-race', next, { delayMs: 200, times: 2 });
    nock(API)
      .matchHeader('access_token', 'at-0-race')
      .post('/v3.0/oa/message/cs')
      .times(2)
      .reply(200, { error: -216, message: 'Access token is invalid' });
    nock(API)
      .matchHeader('access_token', next.access_token)
      .post('/v3.0/oa/message/cs')
      .times(2)
      .reply(200, { error: 0, message: 'Success', data: { message_id: 'm-ok' } });
    const clients = [manager(), manager()].map((tokens) =>
      createZaloClient({ apiBase: API, timeoutMs: 2000, tokens, logger }),
    );

    const sent = await Promise.all(clients.map((c) => c.sendText('user-1', 'Kết quả hồ sơ')));

    expect(sent.map((s) => s.messageId)).toEqual(['m-ok', 'm-ok']);
    expect(refresh.calls()).toBe(1);
  });

  it('raises TokenRefreshFailed without any token or secret in the message or the logs', async () => {
    const { manager, seed, row, lines } = setup();
    await seed({ accessToken: 'at-0-doomed', refreshToken: 'rt-0-doomed' });
    oauthRefresh('rt-0-doomed', {
      error: -14014,
      error_name: 'Invalid refresh token',
      error_description: 'refresh token rt-0-doomed is invalid',
    });

    const err = await failure(manager().refreshAfterRejection('at-0-doomed'));

    expect(err).toBeInstanceOf(MotcuaError);
    expect((err as MotcuaError).code).toBe(ErrorCode.TokenRefreshFailed);
    expect((err as Error).message).toContain('-14014');
    const visible = `${(err as Error).message} ${JSON.stringify(err)} ${lines.join('')}`;
    for (const secret of ['rt-0-doomed', 'at-0-doomed', APP_SECRET]) expect(visible).not.toContain(secret);
    expect(isSafeToRetry(err)).toBe(false);
    expect(await row()).toMatchObject({ refreshToken: 'rt-0-doomed', generation: 0 });
  });

  it('retries a refresh answered with -32 and reports persistent -32 as retryable', async () => {
    const { manager, seed } = setup();
    await seed({ accessToken: 'at-0-busy', refreshToken: 'rt-0-busy' });
    const busy = oauthRefresh('rt-0-busy', {
      error: -32,
      message: 'Your application reached limit call api',
    });
    const next = pair(1);
    const ok = oauthRefresh('rt-0-busy', next);
    expect(await manager().refreshAfterRejection('at-0-busy')).toBe(next.access_token);
    expect(busy.calls() + ok.calls()).toBe(2);

    const { manager: other, seed: seedOther } = setup();
    await seedOther({ accessToken: 'at-0-busy2', refreshToken: 'rt-0-busy2' });
    const limited = oauthRefresh('rt-0-busy2', { error: -32, message: 'limit' }, { times: 10 });
    const err = await failure(other().refresh());
    expect(hasCode(err, ErrorCode.TokenRefreshFailed)).toBe(true);
    expect(isSafeToRetry(err)).toBe(true);
    expect(limited.calls()).toBe(rapidRetryPolicy.maxRetries + 1);
  });

  it('refreshes proactively once less than an hour remains', async () => {
    const { manager, seed, row } = setup();
    const t0 = Date.parse('2026-03-02T08:00:00Z');
    let now = t0;
    await seed({
      accessToken: 'at-0-timed',
      refreshToken: 'rt-0-timed',
      accessExpiresAt: new Date(t0 + 2 * HOUR),
    });
    const tokens = manager({ now: () => now });

    expect(await tokens.getAccessToken()).toBe('at-0-timed');
    expect(await tokens.refreshIfDue()).toBe(false);

    const next = pair(1);
    const refresh = oauthRefresh('rt-0-timed', next);
    now = t0 + HOUR + 60_000;
    expect(await tokens.getAccessToken()).toBe(next.access_token);
    expect(refresh.calls()).toBe(1);
    expect((await row())?.accessExpiresAt?.getTime()).toBe(now + 90_000 * 1000);

    const status = await tokens.status();
    expect(status).toMatchObject({
      stored: true,
      generation: 1,
      hasAccessToken: true,
      hasRefreshToken: true,
    });
    expect(status.refreshDueAt?.getTime()).toBe(now + 90_000 * 1000 - HOUR);
    expect(JSON.stringify(status)).not.toContain(next.access_token);
    expect(JSON.stringify(status)).not.toContain(next.refresh_token);
  });

  it('keeps using a still-valid token when a proactive refresh fails', async () => {
    const { manager, seed } = setup();
    const t0 = Date.now();
    await seed({
      accessToken: 'at-0-grace',
      refreshToken: 'rt-0-grace',
      accessExpiresAt: new Date(t0 + 30 * 60_000),
    });
    const refresh = oauthRefresh('rt-0-grace', { error: -32, message: 'limit' }, { times: 10 });
    const tokens = manager({ now: () => t0 });
    expect(await tokens.getAccessToken()).toBe('at-0-grace');
    expect(await tokens.getAccessToken()).toBe('at-0-grace');
    expect(refresh.calls()).toBe(rapidRetryPolicy.maxRetries + 1);
  });

  it('says TokenMissing when nothing is stored and nothing was bootstrapped', async () => {
    const { manager } = setup();
    const tokens = manager();
    expect(hasCode(await failure(tokens.getAccessToken()), ErrorCode.TokenMissing)).toBe(true);
    expect(await tokens.status()).toMatchObject({ stored: false, hasAccessToken: false });
  });

  it('uses a bootstrap access token as is until Zalo rejects it', async () => {
    const { manager, row } = setup();
    const tokens = manager({ bootstrap: { accessToken: 'at-boot', refreshToken: 'rt-boot' } });
    expect(await tokens.getAccessToken()).toBe('at-boot');
    expect(await row()).toMatchObject({ accessToken: 'at-boot', refreshToken: 'rt-boot', generation: 0 });
    const next = pair(1);
    oauthRefresh('rt-boot', next);
    expect(await tokens.refreshAfterRejection('at-boot')).toBe(next.access_token);
    expect(await tokens.refreshAfterRejection('at-boot')).toBe(next.access_token);
  });
});
