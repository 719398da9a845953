import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { conversations, followerTags } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { ZaloClient, ZaloFollowerPage } from '../zalo/client.js';
import { ZaloApiError } from '../zalo/errors.js';
import type { RateBudget } from '../zalo/rate-budget.js';
import {
  isSafeToRetryIdempotent,
  threeRetriesInAMinute,
  withRetry,
  type RetryPolicy,
} from '../zalo/retry.js';

/**
 * Backfills followers from Zalo's follower list, one page of 50 at a time: each follower's
 * conversation row gets `following = true`, then each Zalo tag is read through the tag-filtered
 * list (a page per 50 tagged followers, far fewer calls than one profile read per follower) and
 * recorded with source `zalo`. A `zalo` tag Zalo no longer shows is removed; staff and resident
 * tags are never touched. Every call waits for the app-wide rate budget (lowest lane) and repeats
 * on rate limits and network failures.
 */

/** The Zalo calls the sync makes. */
export type SyncZalo = Pick<ZaloClient, 'getFollowers' | 'call'>;

/** What the sync needs. */
export interface SyncDeps {
  db: Database;
  zalo: SyncZalo;
  budget?: Pick<RateBudget, 'take' | 'pause'>;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Tags residents choose in chat (topics): not imported, so a resident's "hủy" stays done. */
  skipTags?: ReadonlySet<string>;
  retry?: RetryPolicy;
  signal?: AbortSignal;
}

/** What a sync did (counts only). */
export interface SyncReport {
  followers: number;
  tags: number;
  tagged: number;
  untagged: number;
  /** Zalo lists at most 10,000 per query; larger lists were read only that far. */
  truncated: boolean;
}

/** Zalo's largest page, and the largest offset it accepts. */
const PAGE = 50;
const MAX_OFFSET = 9951;

/** Runs one sync for `oaId`. */
export async function syncFollowers(deps: SyncDeps, oaId: string): Promise<SyncReport> {
  const report: SyncReport = { followers: 0, tags: 0, tagged: 0, untagged: 0, truncated: false };
  report.truncated = !(await eachPage(deps, undefined, async (ids) => {
    report.followers += ids.length;
    await markFollowing(deps.db, oaId, ids);
  }));
  const zaloTags = await call(deps, () =>
    deps.zalo.call<unknown>({ method: 'GET', path: '/v2.0/oa/tag/gettagsofoa' }),
  );
  const tags = (Array.isArray(zaloTags) ? zaloTags : []).filter(
    (t): t is string => typeof t === 'string' && t.trim() !== '' && !deps.skipTags?.has(t),
  );
  report.tags = tags.length;
  for (const tag of tags) {
    // The tagged followers are kept only as ids, and only until this tag's stale rows are removed.
    const seen = new Set<string>();
    const complete = await eachPage(deps, tag, async (ids) => {
      for (const id of ids) seen.add(id);
      await markFollowing(deps.db, oaId, ids);
      report.tagged += await addZaloTag(deps.db, oaId, tag, ids);
    });
    if (complete) report.untagged += await removeStaleTag(deps.db, oaId, tag, [...seen]);
    else report.truncated = true;
  }
  report.untagged += await removeVanishedTags(deps.db, oaId, tags, deps.skipTags);
  if (report.truncated)
    deps.logger.warn({ oaId }, 'follower sync: Zalo lists at most 10,000 followers per query');
  deps.logger.info({ oaId, ...report }, 'follower sync done');
  return report;
}

/** Reads a follower list page by page; false when it stopped at Zalo's offset limit. */
async function eachPage(
  deps: SyncDeps,
  tagName: string | undefined,
  onPage: (ids: string[]) => Promise<void>,
): Promise<boolean> {
  for (let offset = 0; ; offset += PAGE) {
    if (offset > MAX_OFFSET) return false;
    const page: ZaloFollowerPage = await call(deps, () =>
      deps.zalo.getFollowers({ offset, count: PAGE, isFollower: true, ...(tagName ? { tagName } : {}) }),
    );
    const ids = (page.users ?? []).map((u) => u.user_id).filter((id) => typeof id === 'string' && id !== '');
    if (ids.length > 0) await onPage(ids);
    if (ids.length < PAGE || offset + PAGE >= page.total) return true;
  }
}

/** One Zalo read under the rate budget, repeated on rate limits and network failures. */
async function call<T>(deps: SyncDeps, fn: () => Promise<T>): Promise<T> {
  return withRetry(
    async () => {
      await deps.budget?.take('broadcast', deps.signal);
      try {
        return await fn();
      } catch (err) {
        if (err instanceof ZaloApiError && err.decision === 'rate_limited') await deps.budget?.pause(5000);
        throw err;
      }
    },
    deps.retry ?? threeRetriesInAMinute,
    { shouldRetry: isSafeToRetryIdempotent, ...(deps.signal ? { signal: deps.signal } : {}) },
  );
}

async function markFollowing(db: Database, oaId: string, ids: string[]) {
  await db
    .insert(conversations)
    .values(ids.map((userId) => ({ oaId, userId, following: true })))
    .onConflictDoUpdate({
      target: [conversations.oaId, conversations.userId],
      set: { following: true, updatedAt: sql`now()` },
    });
}

async function addZaloTag(db: Database, oaId: string, tag: string, ids: string[]): Promise<number> {
  const added = await db
    .insert(followerTags)
    .values(ids.map((userId) => ({ oaId, userId, tag, source: 'zalo' })))
    .onConflictDoNothing()
    .returning({ userId: followerTags.userId });
  return added.length;
}

async function removeStaleTag(db: Database, oaId: string, tag: string, kept: string[]): Promise<number> {
  const stale = await db
    .delete(followerTags)
    .where(
      and(
        eq(followerTags.oaId, oaId),
        eq(followerTags.tag, tag),
        eq(followerTags.source, 'zalo'),
        ...(kept.length > 0 ? [notInArray(followerTags.userId, kept)] : []),
      ),
    )
    .returning({ userId: followerTags.userId });
  return stale.length;
}

async function removeVanishedTags(
  db: Database,
  oaId: string,
  tags: string[],
  skip: ReadonlySet<string> | undefined,
): Promise<number> {
  const keep = [...tags, ...(skip ?? [])];
  const gone = await db
    .delete(followerTags)
    .where(
      and(
        eq(followerTags.oaId, oaId),
        eq(followerTags.source, 'zalo'),
        ...(keep.length > 0 ? [notInArray(followerTags.tag, keep)] : []),
      ),
    )
    .returning({ tag: followerTags.tag });
  return gone.length;
}
