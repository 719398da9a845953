/**
 * Run as its own process by the multi-process tests: waits until START_AT,
 * reports the access token REJECTED as refused by Zalo, and prints the token
 * it ends up with. Several of these racing must cause one OAuth refresh.
 */
import { Redis } from 'ioredis';
import { openDatabase } from '../../src/db/connection.js';
import { createTokenManager } from '../../src/zalo/tokens.js';

const env = process.env;
const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: null });
const redis = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: null });
const tokens = createTokenManager({
  db: db.db,
  redis,
  oaId: env.ZALO_OA_ID!,
  appId: env.ZALO_APP_ID!,
  appSecret: env.ZALO_APP_SECRET!,
  oauthBase: env.ZALO_OAUTH_BASE!,
});
await new Promise((r) => setTimeout(r, Math.max(0, Number(env.START_AT) - Date.now())));
const token = await tokens.refreshAfterRejection(env.REJECTED!);
process.stdout.write(`${JSON.stringify({ token })}\n`);
redis.disconnect();
await db.close();
