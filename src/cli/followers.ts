import type { Command } from 'commander';
import { createFollowers } from '../broadcasts/followers.js';
import type { SyncReport } from '../broadcasts/follower-sync.js';
import { createTopicStore } from '../broadcasts/topics-file.js';
import { defaultFlowsDir } from '../catalogue/index.js';
import { loadConfig } from '../config.js';
import { errorSummary } from '../console/error-summary.js';
import { openDatabase, type DatabaseHandle } from '../db/connection.js';
import { MotcuaError } from '../errors.js';
import { createLogger } from '../log.js';
import { connectRedis, type RedisHandle } from '../redis/connect.js';
import { createZaloAccess } from '../zalo/access.js';

/** The line `followers sync` prints: counts only, never names or phone numbers. */
export function syncLine(oaId: string, r: SyncReport): string {
  const cut = r.truncated ? ' (Zalo lists at most 10,000 per query: the rest was not read)' : '';
  return `${oaId}: ${r.followers} followers, ${r.tags} Zalo tags (${r.tagged} added, ${r.untagged} removed)${cut}`;
}

async function syncOnce(): Promise<void> {
  let db: DatabaseHandle | undefined;
  let redis: RedisHandle | undefined;
  try {
    const config = loadConfig();
    const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    await db.migrate();
    redis = await connectRedis(config, logger);
    const topics = createTopicStore({ flowsDir: config.flowsDir ?? defaultFlowsDir(), logger });
    await topics.reload();
    const access = createZaloAccess({ zalo: config.zalo, db: db.db, redis: redis.worker, logger });
    const oaId = config.zalo.oaId;
    const followers = createFollowers({
      db: db.db,
      zalo: (id) => (id === oaId ? access : undefined),
      residentTags: (id) => new Set(topics.forOa(id).map((t) => t.tag)),
      logger,
    });
    console.log(syncLine(oaId, await followers.sync(oaId)));
  } catch (err) {
    console.error(err instanceof MotcuaError ? `${err.code}: ${err.message}` : errorSummary(err));
    process.exitCode = 1;
  } finally {
    await redis?.close();
    await db?.close();
  }
}

/**
 * Adds `motcua followers sync`: the OA's followers and their Zalo tags, read from Zalo's follower
 * list. With PGlite, stop motcua first (one process at a time may open its data directory).
 */
export function registerFollowersCommands(program: Command): void {
  const followers = program.command('followers').description("the OA's followers and their tags");
  followers
    .command('sync')
    .description(
      'mark every follower Zalo lists as following and record their Zalo tags (stop motcua first on PGlite)',
    )
    .action(syncOnce);
}
