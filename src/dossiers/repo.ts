import { and, desc, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import {
  consents,
  dossierEvents,
  dossierSequences,
  dossiers,
  lookupAttempts,
  residentProfiles,
  staffNotices,
  storedFiles,
} from '../db/schema.js';
import type { DossierSequence } from './codes.js';

/** A transaction or the database: dossier reads and writes join the caller's transaction. */
export type Tx = Pick<Database, 'insert' | 'select' | 'update' | 'delete'>;

/** A dossier row. */
export type DossierRow = typeof dossiers.$inferSelect;

/** A stored file row (a dossier's or a complaint's). */
export type StoredFileRow = typeof storedFiles.$inferSelect;

/** A new stored file, before it has a row. */
export type NewStoredFile = Omit<typeof storedFiles.$inferInsert, 'id' | 'createdAt'>;

/** The resident's newest dossier matching `condition`. */
async function newestDossier(
  tx: Tx,
  oaId: string,
  userId: string,
  condition: SQL,
): Promise<DossierRow | undefined> {
  const [row] = await tx
    .select()
    .from(dossiers)
    .where(and(eq(dossiers.oaId, oaId), eq(dossiers.userId, userId), condition))
    .orderBy(desc(dossiers.id))
    .limit(1);
  return row;
}

/** The resident's dossier still being assembled, if any (at most one at a time). */
export function collectingDossier(tx: Tx, oaId: string, userId: string): Promise<DossierRow | undefined> {
  return newestDossier(tx, oaId, userId, eq(dossiers.stage, 'collecting'));
}

/** The resident's dossier waiting for a supplement (status 5), if any. */
export function supplementDossier(tx: Tx, oaId: string, userId: string): Promise<DossierRow | undefined> {
  return newestDossier(tx, oaId, userId, eq(dossiers.status, 5));
}

/** The resident's submitted dossiers, newest first. */
export async function residentDossiers(
  tx: Tx,
  oaId: string,
  userId: string,
  limit = 5,
): Promise<DossierRow[]> {
  return tx
    .select()
    .from(dossiers)
    .where(and(eq(dossiers.oaId, oaId), eq(dossiers.userId, userId), eq(dossiers.stage, 'submitted')))
    .orderBy(desc(dossiers.id))
    .limit(limit);
}

/** A submitted dossier by its code. */
export async function dossierByCode(tx: Tx, oaId: string, code: string): Promise<DossierRow | undefined> {
  const [row] = await tx
    .select()
    .from(dossiers)
    .where(and(eq(dossiers.oaId, oaId), eq(dossiers.code, code)))
    .limit(1);
  return row;
}

/** A dossier by id. */
export async function dossierById(tx: Tx, id: number): Promise<DossierRow | undefined> {
  const [row] = await tx.select().from(dossiers).where(eq(dossiers.id, id)).limit(1);
  return row;
}

/** Starts a dossier for a procedure. */
export async function createDossier(
  tx: Tx,
  values: { oaId: string; userId: string; procedureCode: string; step: string; purgeAfter: Date },
): Promise<DossierRow> {
  const [row] = await tx.insert(dossiers).values(values).returning();
  return row!;
}

/** Changes a dossier's columns and its `updatedAt`. */
export async function updateDossier(tx: Tx, id: number, patch: Partial<typeof dossiers.$inferInsert>) {
  await tx
    .update(dossiers)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(dossiers.id, id));
}

/** The resident's latest answer to the data-use notice. */
export async function latestConsent(tx: Tx, oaId: string, userId: string) {
  const [row] = await tx
    .select()
    .from(consents)
    .where(and(eq(consents.oaId, oaId), eq(consents.userId, userId)))
    .orderBy(desc(consents.id))
    .limit(1);
  return row;
}

/** Records an answer to the data-use notice; returns its id. */
export async function recordConsent(
  tx: Tx,
  v: { oaId: string; userId: string; version: string; decision: 'accepted' | 'declined' },
): Promise<number> {
  const [row] = await tx.insert(consents).values(v).returning({ id: consents.id });
  return row!.id;
}

/** What the resident shared with request_user_info. */
export async function profileOf(tx: Tx, oaId: string, userId: string) {
  const [row] = await tx
    .select()
    .from(residentProfiles)
    .where(and(eq(residentProfiles.oaId, oaId), eq(residentProfiles.userId, userId)))
    .limit(1);
  return row;
}

/** Stores (or replaces) what the resident shared with request_user_info. */
export async function saveProfile(
  tx: Tx,
  v: { oaId: string; userId: string; name?: string; phone?: string; address?: string },
) {
  const values = {
    oaId: v.oaId,
    userId: v.userId,
    name: v.name ?? null,
    phone: v.phone ?? null,
    address: v.address ?? null,
  };
  await tx
    .insert(residentProfiles)
    .values(values)
    .onConflictDoUpdate({
      target: [residentProfiles.oaId, residentProfiles.userId],
      set: { name: values.name, phone: values.phone, address: values.address, submittedAt: sql`now()` },
    });
}

/** Files stored for a dossier or complaint, oldest first. */
export async function filesOf(
  tx: Tx,
  ownerKind: 'dossier' | 'complaint',
  ownerId: number,
): Promise<StoredFileRow[]> {
  return tx
    .select()
    .from(storedFiles)
    .where(and(eq(storedFiles.ownerKind, ownerKind), eq(storedFiles.ownerId, ownerId)))
    .orderBy(storedFiles.id);
}

/** Adds a file row; returns false when the same content is already there (a duplicate photo). */
export async function addFile(tx: Tx, file: NewStoredFile): Promise<boolean> {
  const rows = await tx
    .insert(storedFiles)
    .values(file)
    .onConflictDoNothing({ target: [storedFiles.ownerKind, storedFiles.ownerId, storedFiles.sha256] })
    .returning({ id: storedFiles.id });
  return rows.length > 0;
}

/** Deletes the file rows of some slots; returns their store paths so the caller removes the bytes. */
export async function removeSlotFiles(
  tx: Tx,
  ownerKind: 'dossier' | 'complaint',
  ownerId: number,
  slots: string[],
): Promise<Array<{ path: string }>> {
  if (slots.length === 0) return [];
  return tx
    .delete(storedFiles)
    .where(
      and(
        eq(storedFiles.ownerKind, ownerKind),
        eq(storedFiles.ownerId, ownerId),
        inArray(storedFiles.slot, slots),
      ),
    )
    .returning({ path: storedFiles.path });
}

/** Appends to a dossier's history. */
export async function addDossierEvent(
  tx: Tx,
  e: {
    dossierId: number;
    kind: string;
    actor: string;
    fromStatus?: number | null;
    toStatus?: number | null;
    note?: string | null;
  },
) {
  await tx.insert(dossierEvents).values(e);
}

/** Tells officers something needs a look. */
export async function addStaffNotice(
  tx: Tx,
  n: { oaId: string; kind: string; subjectKind: 'dossier' | 'complaint' | 'apology'; subjectId: number },
) {
  await tx.insert(staffNotices).values(n);
}

/** Daily sequence numbers from the database, unique per agency and day under concurrency. */
export function databaseSequence(tx: Tx): DossierSequence {
  const table = dossierSequences;
  return {
    async next(agency, date) {
      const [row] = await tx
        .insert(table)
        .values({ agency, day: date, last: 1 })
        .onConflictDoUpdate({ target: [table.agency, table.day], set: { last: sql`${table.last} + 1` } })
        .returning({ last: table.last });
      return row!.last;
    },
  };
}

/** Counts a resident's code lookups since `since`. */
export async function lookupsSince(tx: Tx, oaId: string, userId: string, since: Date): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(lookupAttempts)
    .where(
      and(eq(lookupAttempts.oaId, oaId), eq(lookupAttempts.userId, userId), gte(lookupAttempts.at, since)),
    );
  return row?.n ?? 0;
}

/** Records one lookup by code (successful or not), for the daily limit. */
export async function recordLookup(tx: Tx, v: { oaId: string; userId: string; ok: boolean }) {
  await tx.insert(lookupAttempts).values(v);
}
