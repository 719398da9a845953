import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { storedFiles } from '../db/schema.js';
import type { FileStore } from '../dossiers/files/index.js';

/** The bytes of a broadcast's stored image (owner kind `broadcast`). */
export async function readBroadcastImage(
  db: Database,
  store: FileStore,
  storedFileId: number,
): Promise<{ data: Buffer; mime: string }> {
  const [file] = await db
    .select()
    .from(storedFiles)
    .where(and(eq(storedFiles.id, storedFileId), eq(storedFiles.ownerKind, 'broadcast')));
  if (!file) throw new Error(`broadcast image ${storedFileId} is not stored`);
  return { data: await store.read({ path: file.path, id: file.fileId }), mime: file.mime };
}
