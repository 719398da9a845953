import { and, eq, inArray, isNotNull, isNull, lte, ne, or } from 'drizzle-orm';
import { apologies, dossiers } from '../db/schema.js';
import { addToOutbox, type PendingRow } from '../queue/outbox.js';
import { textMessage, fitText } from '../zalo/messages.js';
import { localDateOf } from './calendar.js';
import { formatLocalDate } from './format.js';
import { residentLocale, type OfficeDeps } from './office.js';
import { addDossierEvent, addStaffNotice } from './repo.js';

/**
 * Due dates, swept on a schedule: the resident is reminded the working day before an appointment;
 * a dossier that will not be ready by its appointment (still open one working day before it, or
 * already past it) gets a draft apology with a new date for an officer to approve (procedures.md §4).
 */

/** Statuses in which the desk still owes the resident a result. */
const OWED = [1, 2, 4, 6] as const;
/** Statuses worth a reminder: the result is owed or ready to collect. */
const REMINDED = [2, 4, 6, 9] as const;

/** What one sweep did. */
export interface DueSweep {
  reminders: number;
  apologyDrafts: number;
}

/** Sends due reminders and drafts apologies; safe to run as often as wanted. */
export async function sweepDueDates(deps: OfficeDeps & { apologyExtraDays: number }): Promise<DueSweep> {
  const now = deps.now?.() ?? new Date();
  const today = localDateOf(now, deps.calendar.timeZone);
  const nextWorking = deps.calendar.nextWorkingDay(today);
  const result: DueSweep = { reminders: 0, apologyDrafts: 0 };
  const queued: PendingRow[] = [];

  const dueSoon = await deps.db
    .select()
    .from(dossiers)
    .where(and(inArray(dossiers.status, [...REMINDED]), eq(dossiers.appointmentDate, nextWorking)));
  for (const d of dueSoon) {
    if (d.remindedFor === d.appointmentDate) continue;
    await deps.db.transaction(async (tx) => {
      const claimed = await tx
        .update(dossiers)
        .set({ remindedFor: d.appointmentDate })
        .where(
          and(
            eq(dossiers.id, d.id),
            eq(dossiers.appointmentDate, nextWorking),
            or(isNull(dossiers.remindedFor), ne(dossiers.remindedFor, nextWorking)),
          ),
        )
        .returning({ id: dossiers.id });
      if (claimed.length === 0) return;
      const locale = await residentLocale(tx, d, deps.defaultLocale);
      const t = deps.t(locale);
      const text = t('notify.reminder', {
        date: formatLocalDate(nextWorking),
        code: d.code,
        procedure: deps.catalogue(d.oaId).get(d.procedureCode)?.name[locale] ?? d.procedureCode,
        status: t(`dossier_status.${d.status ?? 1}.name`),
      });
      const ids = await addToOutbox(tx, [
        {
          oaId: d.oaId,
          userId: d.userId,
          lane: 'notify',
          message: textMessage(fitText(text)),
          cause: `reminder:${d.id}:${nextWorking}`,
        },
      ]);
      await addDossierEvent(tx, { dossierId: d.id, kind: 'reminder', actor: 'system', note: nextWorking });
      queued.push(...ids.map((id) => ({ id, oaId: d.oaId, userId: d.userId, lane: 'notify' })));
      result.reminders++;
    });
  }

  const late = await deps.db
    .select()
    .from(dossiers)
    .where(
      and(
        inArray(dossiers.status, [...OWED]),
        isNotNull(dossiers.appointmentDate),
        lte(dossiers.appointmentDate, nextWorking),
      ),
    );
  for (const d of late) {
    const due = d.appointmentDate!;
    const from = due < today ? today : due;
    const proposed = deps.calendar.addWorkingDays(
      deps.calendar.nextWorkingDay(from),
      deps.apologyExtraDays - 1,
    );
    await deps.db.transaction(async (tx) => {
      const made = await tx
        .insert(apologies)
        .values({ dossierId: d.id, dueDate: due, proposedDate: proposed })
        .onConflictDoNothing({ target: [apologies.dossierId, apologies.dueDate] })
        .returning({ id: apologies.id });
      const made1 = made[0];
      if (!made1) return;
      await addStaffNotice(tx, {
        oaId: d.oaId,
        kind: 'apology_draft',
        subjectKind: 'apology',
        subjectId: made1.id,
      });
      await addDossierEvent(tx, {
        dossierId: d.id,
        kind: 'apology_drafted',
        actor: 'system',
        note: `${formatLocalDate(due)} -> ${formatLocalDate(proposed)}`,
      });
      result.apologyDrafts++;
    });
  }
  await deps.enqueue(queued);
  return result;
}
