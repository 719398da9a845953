import type { Redis } from 'ioredis';
import type { ZaloConfig } from '../config.js';
import type { Database } from '../db/connection.js';
import type { Logger } from '../log.js';
import { createZaloClient, type ZaloClient } from './client.js';
import { createRateBudget, type RateBudget } from './rate-budget.js';
import { createTokenManager, type TokenManager } from './tokens.js';

/** The Zalo client of one OA with its token manager and the app-wide rate budget. */
export interface ZaloAccess {
  client: ZaloClient;
  tokens: TokenManager;
  budget: RateBudget;
}

/**
 * Builds what a process needs to call Zalo outside the send path (follower sync, tags). Tokens
 * live in the database and refresh under the cross-process lock, and the budget is the shared
 * Redis bucket, so any number of these in any number of processes stay within Zalo's limits.
 */
export function createZaloAccess(opts: {
  zalo: ZaloConfig;
  db: Database;
  redis: Redis;
  logger: Logger;
}): ZaloAccess {
  const { zalo } = opts;
  const tokens = createTokenManager({
    db: opts.db,
    redis: opts.redis,
    oaId: zalo.oaId,
    appId: zalo.appId,
    appSecret: zalo.appSecret,
    oauthBase: zalo.oauthBase,
    bootstrap: { accessToken: zalo.bootstrapAccessToken, refreshToken: zalo.bootstrapRefreshToken },
    logger: opts.logger.child({ component: 'tokens' }),
  });
  const client = createZaloClient({
    apiBase: zalo.apiBase,
    timeoutMs: zalo.timeoutMs,
    tokens,
    logger: opts.logger.child({ component: 'zalo' }),
  });
  const budget = createRateBudget({ redis: opts.redis, appId: zalo.appId, perMinute: zalo.ratePerMinute });
  return { client, tokens, budget };
}
