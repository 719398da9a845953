import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { conversations, followerTags } from '../db/schema.js';

/**
 * Reads and writes of a follower's notice settings: opted out or not, and tags. Each call is one
 * statement, usable inside the inbound transaction.
 */

/** The database or an open transaction. */
export type Tx = Pick<Database, 'insert' | 'select' | 'update' | 'delete'>;

/** Where a tag came from. */
export type TagSource = 'staff' | 'zalo' | 'resident';

/** One follower's tag. */
export interface FollowerTag {
  tag: string;
  source: TagSource;
}

/** Stops notices for the resident; an earlier opt-out keeps its time. */
export async function optOut(tx: Tx, oaId: string, userId: string, at: Date): Promise<void> {
  await tx
    .update(conversations)
    .set({ optedOutAt: sql`coalesce(${conversations.optedOutAt}, ${at.toISOString()}::timestamptz)` })
    .where(and(eq(conversations.oaId, oaId), eq(conversations.userId, userId)));
}

/** Starts notices again. True when the resident had opted out. */
export async function optIn(tx: Tx, oaId: string, userId: string): Promise<boolean> {
  const changed = await tx
    .update(conversations)
    .set({ optedOutAt: null })
    .where(
      and(
        eq(conversations.oaId, oaId),
        eq(conversations.userId, userId),
        isNotNull(conversations.optedOutAt),
      ),
    )
    .returning({ userId: conversations.userId });
  return changed.length > 0;
}

/** The resident's tags, by name. */
export async function tagsOf(tx: Tx, oaId: string, userId: string): Promise<FollowerTag[]> {
  const rows = await tx
    .select({ tag: followerTags.tag, source: followerTags.source })
    .from(followerTags)
    .where(and(eq(followerTags.oaId, oaId), eq(followerTags.userId, userId)))
    .orderBy(followerTags.tag);
  return rows.map((r) => ({ tag: r.tag, source: r.source as TagSource }));
}

/** Adds tags; a tag the resident already carries keeps its source. Resolves to those added. */
export async function addTags(
  tx: Tx,
  oaId: string,
  userId: string,
  tags: readonly string[],
  source: TagSource,
): Promise<string[]> {
  if (tags.length === 0) return [];
  const added = await tx
    .insert(followerTags)
    .values(tags.map((tag) => ({ oaId, userId, tag, source })))
    .onConflictDoNothing()
    .returning({ tag: followerTags.tag });
  return added.map((r) => r.tag);
}

/** Removes tags whatever their source. Resolves to those removed, with their source. */
export async function removeTags(
  tx: Tx,
  oaId: string,
  userId: string,
  tags: readonly string[],
): Promise<FollowerTag[]> {
  if (tags.length === 0) return [];
  const removed = await tx
    .delete(followerTags)
    .where(
      and(eq(followerTags.oaId, oaId), eq(followerTags.userId, userId), inArray(followerTags.tag, [...tags])),
    )
    .returning({ tag: followerTags.tag, source: followerTags.source });
  return removed.map((r) => ({ tag: r.tag, source: r.source as TagSource }));
}
