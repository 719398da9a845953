import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/connection.js';
import { auditLog, followerTags } from '../../db/schema.js';
import { officerActor } from '../audit.js';

/** The tags that exist on an OA's followers, in Vietnamese alphabetical order. */
export async function existingTags(db: Database, oaId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tag: followerTags.tag })
    .from(followerTags)
    .where(eq(followerTags.oaId, oaId))
    .orderBy(asc(followerTags.tag));
  return rows.map((r) => r.tag).sort((a, b) => a.localeCompare(b, 'vi'));
}

/** Records that an officer exported a broadcast's recipients (`broadcast.export`). */
export async function auditRecipientsExport(
  db: Database,
  e: { officer: string; broadcastId: number; oaId: string },
): Promise<void> {
  await db.insert(auditLog).values({
    actor: officerActor(e.officer),
    action: 'broadcast.export',
    subjectKind: 'broadcast',
    subjectId: String(e.broadcastId),
    details: { oaId: e.oaId },
  });
}
