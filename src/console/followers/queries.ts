import { and, eq } from 'drizzle-orm';
import { tagsOf, type FollowerTag } from '../../broadcasts/follower-store.js';
import type { Database } from '../../db/connection.js';
import { auditLog, conversations } from '../../db/schema.js';
import { officerActor } from '../audit.js';

/** One resident's tags, or undefined when the OA has never heard from them. */
export async function followerTags(
  db: Database,
  oaId: string,
  userId: string,
): Promise<FollowerTag[] | undefined> {
  const [known] = await db
    .select({ userId: conversations.userId })
    .from(conversations)
    .where(and(eq(conversations.oaId, oaId), eq(conversations.userId, userId)));
  return known ? tagsOf(db, oaId, userId) : undefined;
}

/** Records that an officer synced the followers from Zalo, with what the sync did. */
export async function auditFollowerSync(
  db: Database,
  e: { officer: string; oaId: string; report: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditLog).values({
    actor: officerActor(e.officer),
    action: 'follower.sync',
    subjectKind: 'oa',
    subjectId: e.oaId,
    details: e.report,
  });
}
