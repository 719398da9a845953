import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, storedFiles, tickets } from '../../src/db/schema.js';
import { createFileStore } from '../../src/dossiers/files/index.js';
import { purgeDue } from '../../src/dossiers/retention.js';
import { createLogger } from '../../src/log.js';
import { png } from '../support/images.js';
import { openTestDatabase, tempDir } from '../support/services.js';

describe('files officers sent in a chat', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  const dir = tempDir('motcua-retention-');
  const store = createFileStore({ dir: dir.dir, key: Buffer.alloc(32, 3) });
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db?.cleanup();
    dir.remove();
  });

  async function chatWithPhoto(userId: string, resolvedDaysAgo: number | null) {
    const [ticket] = await db.db
      .insert(tickets)
      .values({
        oaId: 'oa-ret',
        userId,
        reason: 'asked',
        status: resolvedDaysAgo === null ? 'open' : 'resolved',
        officer: 'lan.nguyen',
        resolvedAt: resolvedDaysAgo === null ? null : new Date(Date.now() - resolvedDaysAgo * 86_400_000),
      })
      .returning();
    const stored = await store.put(png(400, 400, resolvedDaysAgo ?? 1));
    await db.db.insert(storedFiles).values({
      ownerKind: 'ticket',
      ownerId: ticket!.id,
      slot: 'officer_reply',
      fileId: stored.id,
      path: stored.path,
      sha256: stored.sha256,
      size: stored.size,
      mime: 'image/png',
    });
    return { ticket: ticket!, onDisk: path.join(dir.dir, stored.path) };
  }

  it('are deleted with their bytes a retention period after the chat was resolved, and the chat stays', async () => {
    const old = await chatWithPhoto('ret-old', 400);
    const recent = await chatWithPhoto('ret-recent', 10);
    const ongoing = await chatWithPhoto('ret-open', null);
    const result = await purgeDue({
      db: db.db,
      removeFile: (p) => store.remove(p),
      logger: createLogger('silent'),
      ticketFileDays: 365,
    });
    expect(result).toMatchObject({ ticketFiles: 1, files: 1 });
    expect(existsSync(old.onDisk)).toBe(false);
    expect(existsSync(recent.onDisk)).toBe(true);
    expect(existsSync(ongoing.onDisk)).toBe(true);
    const left = await db.db.select({ owner: storedFiles.ownerId }).from(storedFiles);
    expect(left.map((f) => f.owner).sort()).toEqual([recent.ticket.id, ongoing.ticket.id].sort());
    expect(await db.db.select().from(tickets).where(eq(tickets.id, old.ticket.id))).toHaveLength(1);
    const [audit] = await db.db.select().from(auditLog).where(eq(auditLog.action, 'retention.purge'));
    expect(audit!.details).toMatchObject({ ticketFiles: 1 });
  });
});
