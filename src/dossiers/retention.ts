import { and, eq, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import {
  apologies,
  auditLog,
  complaints,
  dossierEvents,
  dossiers,
  ratings,
  storedFiles,
  tickets,
} from '../db/schema.js';
import type { Logger } from '../log.js';

/**
 * Retention: every dossier and complaint carries a purge date (set when it closes, or from its
 * start while unfinished). A scheduled job deletes what is due — rows, history and the encrypted
 * files — and writes one audit line saying how much it deleted. Photos and files officers sent in a
 * chat go `ticketFileDays` after the chat was resolved (the ticket row stays for the statistics).
 */

/** What one purge run removed. */
export interface PurgeResult {
  dossiers: number;
  complaints: number;
  files: number;
  /** Of `files`, those officers sent in resolved chats. */
  ticketFiles: number;
}

/** What purging needs. */
export interface RetentionDeps {
  db: Database;
  removeFile: (path: string) => Promise<unknown>;
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: () => Date;
  batch?: number;
  /** Days after a chat is resolved before the files officers sent in it are deleted; 365 by default. */
  ticketFileDays?: number;
}

/** Deletes every dossier and complaint whose purge date has passed. */
export async function purgeDue(deps: RetentionDeps): Promise<PurgeResult> {
  const now = deps.now?.() ?? new Date();
  const batch = deps.batch ?? 200;
  const result: PurgeResult = { dossiers: 0, complaints: 0, files: 0, ticketFiles: 0 };
  const removeAll = async (paths: string[]) => {
    // Bytes go after the rows: a crash in between leaves unreadable orphans, never rows without files.
    for (const p of paths) {
      await deps
        .removeFile(p)
        .catch((err: unknown) =>
          deps.logger.warn({ err: err instanceof Error ? err.message : 'failed' }, 'stored file not removed'),
        );
    }
    result.files += paths.length;
  };
  for (const kind of ['dossier', 'complaint'] as const) {
    const table = kind === 'dossier' ? dossiers : complaints;
    for (;;) {
      const due = await deps.db
        .select({ id: table.id })
        .from(table)
        .where(and(isNotNull(table.purgeAfter), lte(table.purgeAfter, now)))
        .limit(batch);
      if (due.length === 0) break;
      const ids = due.map((r) => r.id);
      const paths = await deps.db.transaction(async (tx) => {
        const files = await tx
          .delete(storedFiles)
          .where(and(eq(storedFiles.ownerKind, kind), inArray(storedFiles.ownerId, ids)))
          .returning({ path: storedFiles.path });
        if (kind === 'dossier') {
          await tx.delete(dossierEvents).where(inArray(dossierEvents.dossierId, ids));
          await tx.delete(apologies).where(inArray(apologies.dossierId, ids));
          await tx
            .update(ratings)
            .set({ comment: null })
            .where(and(eq(ratings.subjectKind, 'dossier'), inArray(ratings.subjectId, ids)));
        }
        await tx.delete(table).where(inArray(table.id, ids));
        return files.map((f) => f.path);
      });
      await removeAll(paths);
      if (kind === 'dossier') result.dossiers += ids.length;
      else result.complaints += ids.length;
      if (due.length < batch) break;
    }
  }
  const resolvedBefore = new Date(now.getTime() - (deps.ticketFileDays ?? 365) * 86_400_000);
  for (;;) {
    const gone = await deps.db
      .delete(storedFiles)
      .where(
        inArray(
          storedFiles.id,
          deps.db
            .select({ id: storedFiles.id })
            .from(storedFiles)
            .innerJoin(tickets, eq(tickets.id, storedFiles.ownerId))
            .where(
              and(
                eq(storedFiles.ownerKind, 'ticket'),
                eq(tickets.status, 'resolved'),
                lte(tickets.resolvedAt, resolvedBefore),
              ),
            )
            .limit(batch),
        ),
      )
      .returning({ path: storedFiles.path });
    await removeAll(gone.map((f) => f.path));
    result.ticketFiles += gone.length;
    if (gone.length < batch) break;
  }
  if (result.dossiers + result.complaints + result.ticketFiles > 0) {
    await deps.db
      .insert(auditLog)
      .values({ actor: 'system', action: 'retention.purge', details: { ...result } });
    deps.logger.info({ ...result }, 'retention: purged records past their date');
  }
  return result;
}
