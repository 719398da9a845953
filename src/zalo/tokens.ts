import type { AxiosInstance } from 'axios';
import type { Redis } from 'ioredis';
import type { Database } from '../db/connection.js';
import { ErrorCode, MotcuaError } from '../errors.js';
import type { Logger } from '../log.js';
import type { TokenProvider } from './client.js';
import { createOAuthRefresh } from './oauth-refresh.js';
import { createRefreshCoordinator } from './refresh-coordinator.js';
import { createRefreshLock } from '../redis/lock.js';
import type { RetryPolicy } from './retry.js';
import { describeFailure } from './token-errors.js';
import { createTokenStore, type TokenRow, type TokenStatus } from './token-store.js';

/**
 * The OA access-token manager (platform reference §4). The database row is the
 * source of truth; refresh tokens are single-use, so the new pair is stored
 * before anyone uses it, and a Redis lock lets only one process refresh at a
 * time. Token values never reach a log line or an error message.
 */

export { REFRESH_TOKEN_LIFETIME_MS, type TokenStatus } from './token-store.js';

/** Refresh proactively once less than this remains of the access token's life. */
export const REFRESH_MARGIN_MS = 60 * 60 * 1000;

/** What the manager needs. `now` drives expiry decisions only; lock waits use the real clock. */
export interface TokenManagerDeps {
  db: Database;
  redis: Redis;
  oaId: string;
  appId: string;
  appSecret: string;
  /** e.g. https://oauth.zaloapp.com, no trailing slash. */
  oauthBase: string;
  /** Seeds the row when none exists; an empty access token means "refresh on first use". */
  bootstrap?: { accessToken?: string; refreshToken?: string };
  logger?: Logger;
  now?: () => number;
  http?: AxiosInstance;
  /** Timeout of one OAuth call; keep well under `lockTtlMs`. */
  timeoutMs?: number;
  /** How long the refresh lock lives if its holder dies. */
  lockTtlMs?: number;
  /** How often a waiter re-reads the row while another process refreshes. */
  pollIntervalMs?: number;
  /** Retries of the OAuth call on -32 and transport failures. */
  refreshRetry?: RetryPolicy;
}

/** A {@link TokenProvider} backed by the database, with explicit refresh and status. */
export interface TokenManager extends TokenProvider {
  /** Refreshes now (unless another process just did), storing the new pair first. */
  refresh(): Promise<void>;
  /** Refreshes only when less than an hour of the access token remains; true when it did. For a periodic timer. */
  refreshIfDue(): Promise<boolean>;
  /** Expiry times and generation; never the tokens. */
  status(): Promise<TokenStatus>;
}

interface Context {
  oaId: string;
  now: () => number;
  logger?: Logger;
}

const PROACTIVE_COOLDOWN_MS = 60_000;

/** Builds the token manager for one OA. Each instance keeps its own small in-memory cache. */
export function createTokenManager(deps: TokenManagerDeps): TokenManager {
  const ctx: Context = { oaId: deps.oaId, now: deps.now ?? Date.now, logger: deps.logger };
  const store = createTokenStore({
    db: deps.db,
    oaId: deps.oaId,
    bootstrap: deps.bootstrap,
    logger: deps.logger,
    now: ctx.now,
  });
  const coordinateRefresh = createRefreshCoordinator({
    oaId: deps.oaId,
    store,
    lock: createRefreshLock(deps.redis, deps.oaId, deps.lockTtlMs ?? 30_000),
    fetchNewPair: createOAuthRefresh({
      oaId: deps.oaId,
      appId: deps.appId,
      appSecret: deps.appSecret,
      oauthBase: deps.oauthBase,
      http: deps.http,
      timeoutMs: deps.timeoutMs,
      retry: deps.refreshRetry,
      logger: deps.logger,
    }),
    pollIntervalMs: deps.pollIntervalMs ?? 100,
    logger: deps.logger,
  });
  const cache = createTokenCache(ctx);
  const refreshFrom = singleFlight(coordinateRefresh);
  const renew = async (generation: number) => cache.remember(await refreshFrom(generation));
  const renewOrKeep = keepValidTokenOnFailure(ctx, renew, cache.remember);
  return {
    async getAccessToken() {
      const cached = cache.get();
      if (cached) return cached;
      const row = await store.load();
      return isFreshRow(row, ctx.now()) ? cache.remember(row) : renewOrKeep(row);
    },
    async refreshAfterRejection(rejected) {
      cache.clear();
      const row = await store.load();
      if (row.accessToken !== rejected && isFreshRow(row, ctx.now())) return cache.remember(row);
      return renew(row.generation);
    },
    async refresh() {
      await renew((await store.load()).generation);
    },
    async refreshIfDue() {
      const row = await store.load();
      if (isFreshRow(row, ctx.now())) return false;
      await renew(row.generation);
      return true;
    },
    status: () => store.status(REFRESH_MARGIN_MS),
  };
}

/** The last token this instance handed out, valid while more than the margin remains. */
function createTokenCache(ctx: Context) {
  let cached: { token: string; expiresAt: number | null } | undefined;
  return {
    get: (): string | undefined =>
      cached && isFresh(cached.token, cached.expiresAt, ctx.now()) ? cached.token : undefined,
    remember: (row: TokenRow): string => {
      const token = accessTokenOf(row, ctx.oaId);
      cached = { token, expiresAt: row.accessExpiresAt?.getTime() ?? null };
      return token;
    },
    clear: () => {
      cached = undefined;
    },
  };
}

/** Concurrent callers asking to refresh the same generation share one attempt. */
function singleFlight(
  start: (generation: number) => Promise<TokenRow>,
): (generation: number) => Promise<TokenRow> {
  let inflight: { generation: number; promise: Promise<TokenRow> } | undefined;
  return (generation) => {
    if (inflight?.generation === generation) return inflight.promise;
    const promise = start(generation).finally(() => {
      if (inflight?.promise === promise) inflight = undefined;
    });
    inflight = { generation, promise };
    return promise;
  };
}

/**
 * A proactive refresh that fails while the current token has not yet expired
 * keeps the current token, and waits a minute before trying again.
 */
function keepValidTokenOnFailure(
  ctx: Context,
  renew: (generation: number) => Promise<string>,
  remember: (row: TokenRow) => string,
): (row: TokenRow) => Promise<string> {
  let failedAt = -Infinity;
  return async (row) => {
    const stillValid = Boolean(row.accessToken) && (row.accessExpiresAt?.getTime() ?? 0) > ctx.now();
    if (stillValid && ctx.now() - failedAt < PROACTIVE_COOLDOWN_MS) return remember(row);
    try {
      return await renew(row.generation);
    } catch (err) {
      if (!stillValid) throw err;
      failedAt = ctx.now();
      const reason = describeFailure(err);
      ctx.logger?.warn(
        { oaId: ctx.oaId, reason },
        'proactive zalo token refresh failed; keeping the current token',
      );
      return remember(row);
    }
  };
}

function isFresh(token: string | null, expiresAt: number | null, now: number): token is string {
  if (!token) return false;
  return expiresAt === null || expiresAt - now > REFRESH_MARGIN_MS;
}

function isFreshRow(row: TokenRow, now: number): boolean {
  return isFresh(row.accessToken, row.accessExpiresAt?.getTime() ?? null, now);
}

function accessTokenOf(row: TokenRow, oaId: string): string {
  if (row.accessToken) return row.accessToken;
  throw new MotcuaError(ErrorCode.TokenMissing, `No Zalo access token is stored for OA ${oaId}`);
}
