import { and, asc, count, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { conversations, followerTags } from '../db/schema.js';
import type { FollowerTag, TagSource } from './follower-store.js';

/**
 * The follower list the console shows: one page of residents of an OA with their tags, filtered
 * by tag and by state, newest interaction first. Ids and states only; names and phone numbers
 * are not part of it.
 */

/** Which residents to list. */
export type FollowerStatus = 'all' | 'following' | 'unfollowed' | 'opted_out';

/** A page request. */
export interface FollowerQuery {
  /** From 0. */
  offset?: number;
  /** At most {@link MAX_PAGE}; {@link DEFAULT_PAGE} when unset. */
  limit?: number;
  /** Only residents carrying this tag. */
  tag?: string;
  status?: FollowerStatus;
}

/** One resident as the console lists them. */
export interface FollowerView {
  userId: string;
  /** null: Zalo has not said (no follow event and no sync yet). */
  following: boolean | null;
  optedOutAt: Date | null;
  lastInteractionAt: Date | null;
  tags: FollowerTag[];
}

/** A page of followers and how many match in all. */
export interface FollowerPage {
  total: number;
  followers: FollowerView[];
}

/** A tag and how many residents carry it. */
export interface TagCount {
  tag: string;
  followers: number;
}

/** The page size when none is asked for. */
export const DEFAULT_PAGE = 50;
/** The largest page. */
export const MAX_PAGE = 200;

function conditions(oaId: string, q: FollowerQuery): SQL[] {
  const where: SQL[] = [eq(conversations.oaId, oaId)];
  if (q.status === 'following') where.push(eq(conversations.following, true));
  if (q.status === 'unfollowed') where.push(eq(conversations.following, false));
  if (q.status === 'opted_out') where.push(isNotNull(conversations.optedOutAt));
  if (q.tag) {
    where.push(
      sql`exists (select 1 from ${followerTags} where ${followerTags.oaId} = ${conversations.oaId} and ${followerTags.userId} = ${conversations.userId} and ${followerTags.tag} = ${q.tag})`,
    );
  }
  return where;
}

/** One page of an OA's residents with their tags. */
export async function listFollowers(
  db: Database,
  oaId: string,
  q: FollowerQuery = {},
): Promise<FollowerPage> {
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(q.limit ?? DEFAULT_PAGE)));
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const where = and(...conditions(oaId, q));
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(conversations).where(where);
  const rows = await db
    .select({
      userId: conversations.userId,
      following: conversations.following,
      optedOutAt: conversations.optedOutAt,
      lastInteractionAt: conversations.lastInteractionAt,
    })
    .from(conversations)
    .where(where)
    .orderBy(sql`${conversations.lastInteractionAt} desc nulls last`, asc(conversations.userId))
    .limit(limit)
    .offset(offset);
  const ids = rows.map((r) => r.userId);
  const tags =
    ids.length === 0
      ? []
      : await db
          .select({ userId: followerTags.userId, tag: followerTags.tag, source: followerTags.source })
          .from(followerTags)
          .where(and(eq(followerTags.oaId, oaId), inArray(followerTags.userId, ids)))
          .orderBy(asc(followerTags.tag));
  const byUser = new Map<string, FollowerTag[]>();
  for (const t of tags) {
    const list = byUser.get(t.userId) ?? [];
    list.push({ tag: t.tag, source: t.source as TagSource });
    byUser.set(t.userId, list);
  }
  return { total, followers: rows.map((r) => ({ ...r, tags: byUser.get(r.userId) ?? [] })) };
}

/** Every tag of an OA with its number of residents, most used first. */
export async function listTags(db: Database, oaId: string): Promise<TagCount[]> {
  const n = count();
  return db
    .select({ tag: followerTags.tag, followers: n })
    .from(followerTags)
    .where(eq(followerTags.oaId, oaId))
    .groupBy(followerTags.tag)
    .orderBy(desc(n), asc(followerTags.tag));
}
