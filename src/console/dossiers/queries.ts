import { and, asc, desc, eq, inArray, isNotNull, lt, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/connection.js';
import {
  apologies,
  auditLog,
  dossierEvents,
  dossiers,
  residentProfiles,
  storedFiles,
} from '../../db/schema.js';
import type { DossierRow } from '../../dossiers/repo.js';
import { officerActor } from '../audit.js';
import { NOT_OWED, type DossierFilters } from './filters.js';

/*
 * The dossier pages' database reads. Every lookup takes the signed-in officer's OA list, so a
 * dossier of another OA is simply not found.
 */

/** One line of the dossier list. */
export interface DossierListRow {
  id: number;
  oaId: string;
  code: string;
  procedureCode: string;
  status: number | null;
  appointmentDate: string | null;
  submittedAt: Date | null;
  supplementedAt: Date | null;
}

/** Submitted dossiers of the officer's OAs matching the filters, newest first. */
export async function listDossiers(
  db: Database,
  oaIds: string[],
  f: DossierFilters,
  today: string,
  window: { limit: number; offset: number },
): Promise<DossierListRow[]> {
  if (oaIds.length === 0) return [];
  const rows = await db
    .select({
      id: dossiers.id,
      oaId: dossiers.oaId,
      code: dossiers.code,
      procedureCode: dossiers.procedureCode,
      status: dossiers.status,
      appointmentDate: dossiers.appointmentDate,
      submittedAt: dossiers.submittedAt,
      supplementedAt: dossiers.supplementedAt,
    })
    .from(dossiers)
    .where(
      and(
        inArray(dossiers.oaId, oaIds),
        eq(dossiers.stage, 'submitted'),
        isNotNull(dossiers.code),
        f.status ? eq(dossiers.status, f.status) : undefined,
        f.procedure ? eq(dossiers.procedureCode, f.procedure) : undefined,
        f.overdue
          ? and(
              isNotNull(dossiers.appointmentDate),
              lt(dossiers.appointmentDate, today),
              notInArray(dossiers.status, [...NOT_OWED]),
            )
          : undefined,
      ),
    )
    .orderBy(sql`${dossiers.submittedAt} desc nulls last`, desc(dossiers.id))
    .limit(window.limit)
    .offset(window.offset);
  return rows.map((r) => ({ ...r, code: r.code ?? '' }));
}

/** The procedure codes the officer's OAs have dossiers for, for the filter. */
export async function procedureCodes(db: Database, oaIds: string[]): Promise<string[]> {
  if (oaIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ code: dossiers.procedureCode })
    .from(dossiers)
    .where(and(inArray(dossiers.oaId, oaIds), eq(dossiers.stage, 'submitted')))
    .orderBy(asc(dossiers.procedureCode));
  return rows.map((r) => r.code);
}

/** A submitted dossier of one of the officer's OAs, by its code. */
export async function findDossier(
  db: Database,
  oaIds: string[],
  code: string,
): Promise<DossierRow | undefined> {
  if (oaIds.length === 0 || code.length > 80) return undefined;
  const [row] = await db
    .select()
    .from(dossiers)
    .where(and(eq(dossiers.code, code), inArray(dossiers.oaId, oaIds), eq(dossiers.stage, 'submitted')))
    .limit(1);
  return row;
}

/** A dossier's files (no bytes), oldest first. */
export function dossierFiles(db: Database, dossierId: number) {
  return db
    .select({ id: storedFiles.id, slot: storedFiles.slot, mime: storedFiles.mime, size: storedFiles.size })
    .from(storedFiles)
    .where(and(eq(storedFiles.ownerKind, 'dossier'), eq(storedFiles.ownerId, dossierId)))
    .orderBy(asc(storedFiles.id));
}

/** One stored file of a dossier, with what is needed to decrypt it. */
export async function dossierFile(db: Database, dossierId: number, fileId: number) {
  const [row] = await db
    .select()
    .from(storedFiles)
    .where(
      and(
        eq(storedFiles.ownerKind, 'dossier'),
        eq(storedFiles.ownerId, dossierId),
        eq(storedFiles.id, fileId),
      ),
    )
    .limit(1);
  return row;
}

/** A dossier's history, oldest first. */
export function dossierHistory(db: Database, dossierId: number) {
  return db
    .select()
    .from(dossierEvents)
    .where(eq(dossierEvents.dossierId, dossierId))
    .orderBy(asc(dossierEvents.id));
}

/** The resident's name and phone as given in Zalo. */
export async function residentOf(db: Database, d: Pick<DossierRow, 'oaId' | 'userId'>) {
  const [row] = await db
    .select({ name: residentProfiles.name, phone: residentProfiles.phone })
    .from(residentProfiles)
    .where(and(eq(residentProfiles.oaId, d.oaId), eq(residentProfiles.userId, d.userId)))
    .limit(1);
  return row;
}

/** A dossier's apology letters, newest first. */
export function dossierApologies(db: Database, dossierId: number) {
  return db.select().from(apologies).where(eq(apologies.dossierId, dossierId)).orderBy(desc(apologies.id));
}

/** Writes one audit line about dossiers (`subjectId` is the dossier id, or `*` for a list). */
export async function auditDossier(
  db: Database,
  e: { officer: string; action: string; subjectId: string; details?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditLog).values({
    actor: officerActor(e.officer),
    action: e.action,
    subjectKind: 'dossier',
    subjectId: e.subjectId,
    details: e.details ?? null,
  });
}
