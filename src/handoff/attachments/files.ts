import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/connection.js';
import { storedFiles, tickets } from '../../db/schema.js';
import type { FileStore } from '../../dossiers/files/index.js';

/**
 * Officers' attachments in the encrypted file store, owned by the ticket they were sent in
 * (`stored_files.owner_kind = 'ticket'`), so the conversation history can show them.
 */

/** The slot officers' replies are stored under. */
export const OFFICER_REPLY_SLOT = 'officer_reply';

/** A stored attachment with its bytes. */
export interface TicketFile {
  id: number;
  ticketId: number;
  mime: string;
  bytes: Buffer;
}

/** Storage of officers' attachments. */
export interface TicketFiles {
  /** Seals and records an upload for the ticket; the same content twice in a ticket is kept once. */
  keep(
    ticketId: number,
    bytes: Buffer,
    meta: { mime: string; width?: number; height?: number },
  ): Promise<number>;
  /** A stored attachment by id, whoever it belongs to (for sending). */
  read(fileId: number): Promise<TicketFile | undefined>;
  /** A stored attachment sent to this resident of this OA, or undefined. */
  readFor(resident: { oaId: string; userId: string }, fileId: number): Promise<TicketFile | undefined>;
}

/** Builds the attachment storage over the database and the file store. */
export function createTicketFiles(deps: { db: Database; store: FileStore }): TicketFiles {
  const { db, store } = deps;
  const open = async (row: typeof storedFiles.$inferSelect): Promise<TicketFile> => ({
    id: row.id,
    ticketId: row.ownerId,
    mime: row.mime,
    bytes: await store.read({ id: row.fileId, path: row.path }),
  });
  return {
    async keep(ticketId, bytes, meta) {
      const sealed = await store.put(bytes);
      const [row] = await db
        .insert(storedFiles)
        .values({
          ownerKind: 'ticket',
          ownerId: ticketId,
          slot: OFFICER_REPLY_SLOT,
          fileId: sealed.id,
          path: sealed.path,
          sha256: sealed.sha256,
          size: sealed.size,
          mime: meta.mime,
          width: meta.width ?? null,
          height: meta.height ?? null,
        })
        .onConflictDoNothing()
        .returning({ id: storedFiles.id });
      if (row) return row.id;
      await store.remove(sealed.path);
      const [same] = await db
        .select({ id: storedFiles.id })
        .from(storedFiles)
        .where(
          and(
            eq(storedFiles.ownerKind, 'ticket'),
            eq(storedFiles.ownerId, ticketId),
            eq(storedFiles.sha256, sealed.sha256),
          ),
        )
        .limit(1);
      if (!same) throw new Error('the stored attachment vanished while being recorded');
      return same.id;
    },
    async read(fileId) {
      const [row] = await db
        .select()
        .from(storedFiles)
        .where(and(eq(storedFiles.id, fileId), eq(storedFiles.ownerKind, 'ticket')))
        .limit(1);
      return row ? open(row) : undefined;
    },
    async readFor(resident, fileId) {
      const [found] = await db
        .select({ file: storedFiles })
        .from(storedFiles)
        .innerJoin(tickets, eq(tickets.id, storedFiles.ownerId))
        .where(
          and(
            eq(storedFiles.id, fileId),
            eq(storedFiles.ownerKind, 'ticket'),
            eq(tickets.oaId, resident.oaId),
            eq(tickets.userId, resident.userId),
          ),
        )
        .limit(1);
      return found ? open(found.file) : undefined;
    },
  };
}
