import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { auditLog, broadcastRecipients, broadcasts, outbox, storedFiles } from '../db/schema.js';
import type { FileStore } from '../dossiers/files/index.js';
import { sniffMime } from '../dossiers/files/inspect.js';
import { previewAudience } from './audience.js';
import { BroadcastError, type BroadcastServices, type BroadcastView, type NewBroadcast } from './contract.js';
import { readBroadcastImage } from './images.js';
import { broadcastMessage, MAX_BROADCAST_TEXT } from './message.js';
import { broadcastReport, recipientLines } from './report.js';
import type { Audience, BroadcastBody, BroadcastStatus } from './types.js';

/** Zalo takes JPG/PNG images of at most 1 MB. */
const IMAGE_MAX_BYTES = 1024 * 1024;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);
const EDITABLE: BroadcastStatus[] = ['suggested', 'draft'];

/** What the broadcast services need. */
export interface BroadcastServicesDeps {
  db: Database;
  /** The encrypted file store; broadcast images are kept with owner kind `broadcast`. */
  store: FileStore;
  now?: () => Date;
}

/** Builds the staff-facing broadcast services (compose, schedule, approve, control, report). */
export function createBroadcastServices(deps: BroadcastServicesDeps): BroadcastServices {
  const { db } = deps;
  const now = () => deps.now?.() ?? new Date();

  const load = async (id: number) => {
    const [row] = await db.select().from(broadcasts).where(eq(broadcasts.id, id));
    if (!row) throw new BroadcastError('not_found', `broadcast ${id} does not exist`);
    return row;
  };
  const audit = (by: string, action: string, id: number, details?: Record<string, unknown>) =>
    db.insert(auditLog).values({
      actor: by === 'system' ? 'system' : `officer:${by}`,
      action,
      subjectKind: 'broadcast',
      subjectId: String(id),
      details: details ?? null,
    });
  /** Moves `id` from one of `from` to `to`; refused when it is elsewhere. */
  const move = async (
    id: number,
    from: BroadcastStatus[],
    set: Partial<typeof broadcasts.$inferInsert> & { status: BroadcastStatus },
  ) => {
    const rows = await db
      .update(broadcasts)
      .set({ ...set, updatedAt: now() })
      .where(and(eq(broadcasts.id, id), inArray(broadcasts.status, from)))
      .returning({ id: broadcasts.id });
    if (rows.length === 0) {
      const row = await load(id);
      throw new BroadcastError(
        'wrong_state',
        `broadcast ${id} is ${row.status}; cannot become ${set.status}`,
      );
    }
  };

  return {
    preview: (oaId, audience) => previewAudience(db, oaId, checkAudience(audience), now()),
    messageFor: (b, attachmentId) => broadcastMessage(b.body, attachmentId),

    async create(input: NewBroadcast) {
      const body = checkBody(input.body);
      const [row] = await db
        .insert(broadcasts)
        .values({
          oaId: input.oaId,
          title: checkTitle(input.title),
          body,
          audience: checkAudience(input.audience),
          needsApproval: input.needsApproval,
          createdBy: input.createdBy,
          status: 'draft',
        })
        .returning({ id: broadcasts.id });
      await audit(input.createdBy, 'broadcast.create', row!.id, { title: input.title });
      return row!.id;
    },

    async update(id, patch, by) {
      const row = await load(id);
      if (!EDITABLE.includes(row.status as BroadcastStatus)) {
        throw new BroadcastError(
          'wrong_state',
          `broadcast ${id} is ${row.status}; it can no longer be changed`,
        );
      }
      const body = patch.body
        ? checkBody({ ...patch.body, ...imageKept(row.body as BroadcastBody, patch.body) })
        : undefined;
      await db
        .update(broadcasts)
        .set({
          ...(patch.title !== undefined ? { title: checkTitle(patch.title) } : {}),
          ...(body ? { body } : {}),
          ...(patch.audience ? { audience: checkAudience(patch.audience) } : {}),
          ...(patch.needsApproval !== undefined ? { needsApproval: patch.needsApproval } : {}),
          updatedAt: now(),
        })
        .where(eq(broadcasts.id, id));
      await audit(by, 'broadcast.update', id, { fields: Object.keys(patch) });
    },

    async attachImage(id, image, by) {
      const row = await load(id);
      if (!EDITABLE.includes(row.status as BroadcastStatus)) {
        throw new BroadcastError(
          'wrong_state',
          `broadcast ${id} is ${row.status}; it can no longer be changed`,
        );
      }
      const mime = sniffMime(image.data);
      if (image.data.length === 0 || image.data.length > IMAGE_MAX_BYTES || !mime || !IMAGE_TYPES.has(mime)) {
        throw new BroadcastError('bad_image', 'the image must be a JPG or PNG of at most 1 MB');
      }
      const stored = await deps.store.put(image.data);
      const [file] = await db
        .insert(storedFiles)
        .values({
          ownerKind: 'broadcast',
          ownerId: id,
          slot: 'image',
          fileId: stored.id,
          path: stored.path,
          sha256: stored.sha256,
          size: stored.size,
          mime,
        })
        .onConflictDoUpdate({
          target: [storedFiles.ownerKind, storedFiles.ownerId, storedFiles.sha256],
          set: { createdAt: sql`now()` },
        })
        .returning({ id: storedFiles.id, path: storedFiles.path });
      if (file!.path !== stored.path) await deps.store.remove(stored.path);
      const body = { ...(row.body as BroadcastBody), imageFileId: file!.id };
      await db
        .update(broadcasts)
        .set({ body, zaloAttachmentId: null, attachmentUploadedAt: null, updatedAt: now() })
        .where(eq(broadcasts.id, id));
      await audit(by, 'broadcast.image', id, { bytes: image.data.length });
    },

    async readImage(id) {
      const fileId = ((await load(id)).body as BroadcastBody).imageFileId;
      return fileId === undefined ? undefined : readBroadcastImage(db, deps.store, fileId);
    },

    async schedule(id, at, by) {
      const row = await load(id);
      if (!EDITABLE.includes(row.status as BroadcastStatus)) {
        throw new BroadcastError(
          'wrong_state',
          `broadcast ${id} is ${row.status}; it cannot be scheduled again`,
        );
      }
      const when = at ?? now();
      const status: BroadcastStatus = row.needsApproval ? 'awaiting_approval' : 'scheduled';
      await move(id, EDITABLE, { status, scheduledAt: when, createdBy: row.createdBy ?? by });
      await audit(by, 'broadcast.schedule', id, { at: when.toISOString(), status });
      return status;
    },

    async approve(id, by) {
      const row = await load(id);
      if (row.createdBy === by) {
        throw new BroadcastError('own_approval', 'a second officer must approve this broadcast');
      }
      await move(id, ['awaiting_approval'], { status: 'scheduled', approvedBy: by });
      await audit(by, 'broadcast.approve', id);
      return 'scheduled';
    },

    async pause(id, by) {
      await move(id, ['scheduled', 'sending'], { status: 'paused' });
      await audit(by, 'broadcast.pause', id);
    },

    async resume(id, by) {
      const row = await load(id);
      await move(id, ['paused'], { status: row.startedAt ? 'sending' : 'scheduled' });
      await audit(by, 'broadcast.resume', id);
    },

    async cancel(id, by) {
      await db.transaction(async (tx) => {
        const rows = await tx
          .update(broadcasts)
          .set({ status: 'cancelled', finishedAt: now(), updatedAt: now() })
          .where(
            and(
              eq(broadcasts.id, id),
              inArray(broadcasts.status, [
                'suggested',
                'draft',
                'awaiting_approval',
                'scheduled',
                'sending',
                'paused',
              ]),
            ),
          )
          .returning({ id: broadcasts.id });
        if (rows.length === 0) {
          const row = await load(id);
          throw new BroadcastError('wrong_state', `broadcast ${id} is ${row.status}; it cannot be cancelled`);
        }
        await tx
          .update(broadcastRecipients)
          .set({ status: 'cancelled' })
          .where(and(eq(broadcastRecipients.broadcastId, id), eq(broadcastRecipients.status, 'queued')));
        await tx
          .update(outbox)
          .set({ status: 'cancelled', reason: 'broadcast_cancelled' })
          .where(
            and(
              inArray(outbox.status, ['pending', 'held']),
              inArray(
                outbox.id,
                tx
                  .select({ id: sql<number>`${broadcastRecipients.outboxId}` })
                  .from(broadcastRecipients)
                  .where(
                    and(
                      eq(broadcastRecipients.broadcastId, id),
                      eq(broadcastRecipients.status, 'dispatched'),
                    ),
                  ),
              ),
            ),
          );
      });
      await audit(by, 'broadcast.cancel', id);
    },

    async get(id) {
      const [row] = await db.select().from(broadcasts).where(eq(broadcasts.id, id));
      return row ? view(row) : undefined;
    },

    async list(oaIds, limit = 100) {
      if (oaIds.length === 0) return [];
      const rows = await db
        .select()
        .from(broadcasts)
        .where(inArray(broadcasts.oaId, oaIds))
        .orderBy(desc(broadcasts.id))
        .limit(limit);
      return rows.map(view);
    },

    report: (id) => broadcastReport(db, id),
    recipientLines: (id) => recipientLines(db, id),
  };
}

function view(row: typeof broadcasts.$inferSelect): BroadcastView {
  return {
    id: row.id,
    oaId: row.oaId,
    title: row.title,
    body: row.body as BroadcastBody,
    audience: row.audience as Audience,
    status: row.status as BroadcastStatus,
    cause: row.cause,
    needsApproval: row.needsApproval,
    createdBy: row.createdBy,
    approvedBy: row.approvedBy,
    scheduledAt: row.scheduledAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    createdAt: row.createdAt,
  };
}

/** A body patch keeps the stored image unless it names another one. */
function imageKept(current: BroadcastBody, patch: BroadcastBody): Partial<BroadcastBody> {
  if (patch.imageFileId !== undefined || current.imageFileId === undefined) return {};
  return { imageFileId: current.imageFileId };
}

function checkTitle(title: string): string {
  const t = title.trim();
  if (t.length === 0) throw new BroadcastError('empty_text', 'the title is empty');
  return t.slice(0, 200);
}

function checkBody(body: BroadcastBody): BroadcastBody {
  const text = body.text.normalize('NFC').trim();
  if (text.length === 0) throw new BroadcastError('empty_text', 'the notice has no text');
  if (Array.from(text).length > MAX_BROADCAST_TEXT) {
    throw new BroadcastError('text_too_long', `the text is longer than ${MAX_BROADCAST_TEXT} characters`);
  }
  const out: BroadcastBody = { text };
  if (body.imageFileId !== undefined) out.imageFileId = body.imageFileId;
  if (body.link) {
    const title = body.link.title.trim();
    let url: URL | undefined;
    try {
      url = new URL(body.link.url.trim());
    } catch {
      url = undefined;
    }
    if (!title || title.length > 35 || !url || url.protocol !== 'https:') {
      throw new BroadcastError(
        'bad_link',
        'the link needs a title of at most 35 characters and an https address',
      );
    }
    out.link = { title, url: url.toString() };
  }
  return out;
}

function checkAudience(audience: Audience): Audience {
  if (audience.kind === 'tags') {
    const tags = [...new Set(audience.tags.map((t) => t.trim()).filter(Boolean))];
    if (tags.length === 0) throw new BroadcastError('empty_audience', 'choose at least one tag');
    return { kind: 'tags', tags };
  }
  if (audience.kind === 'procedure') {
    return {
      kind: 'procedure',
      code: audience.code,
      sinceDays: Math.max(1, Math.min(365, audience.sinceDays)),
    };
  }
  return { kind: 'all' };
}
