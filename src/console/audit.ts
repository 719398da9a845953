import type { Database } from '../db/connection.js';
import { auditLog } from '../db/schema.js';

/** Something that can insert rows: the database or an open transaction. */
export type Writer = Pick<Database, 'insert' | 'select' | 'update' | 'delete'>;

/** One console action worth keeping: who, what, on which account. */
export interface ConsoleAuditEntry {
  /** `officer:<username>`, `anonymous` or `system`. */
  actor: string;
  /** e.g. `console.login`, `console.user.create`. */
  action: string;
  /** The account's id, when there is one. */
  userId?: number | null;
  details?: Record<string, unknown>;
}

/** The audit actor for a signed-in console user. */
export function officerActor(username: string): string {
  return `officer:${username}`;
}

/** Writes one console action to `audit_log` (subject kind `user`). */
export async function recordConsoleAudit(db: Writer, entry: ConsoleAuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actor: entry.actor,
    action: entry.action,
    subjectKind: 'user',
    subjectId: entry.userId == null ? null : String(entry.userId),
    details: entry.details ?? null,
  });
}
