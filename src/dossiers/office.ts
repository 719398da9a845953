import { and, eq } from 'drizzle-orm';
import type { TFunction } from 'i18next';
import type { Database } from '../db/connection.js';
import { apologies, auditLog, conversations, dossiers } from '../db/schema.js';
import { asLocale, type Locale } from '../i18n.js';
import { addToOutbox, type OutboxMessage, type PendingRow } from '../queue/outbox.js';
import { buttonsMessage, fitText, textMessage, type ZaloMessage } from '../zalo/messages.js';
import { localDateOf, parseLocalDate, type LocalDate, type WorkCalendar } from './calendar.js';
import type { DeskCatalogue } from './desk-context.js';
import { formatLocalDate } from './format.js';
import { addDossierEvent, dossierByCode, type DossierRow, type Tx } from './repo.js';
import { slotPlan } from './slots.js';
import { canMove, isDossierStatus, type DossierStatus } from './status.js';

/**
 * What officers do to dossiers (until the console, through the staff API): move a dossier through
 * the national statuses, ask for a supplement, approve an apology. Each change, its history line,
 * its audit line and the message to the resident are written in one transaction.
 */

/** What officer actions need. */
export interface OfficeDeps {
  db: Database;
  catalogue: (oaId: string) => DeskCatalogue;
  t: (locale: Locale) => TFunction;
  calendar: WorkCalendar;
  defaultLocale: Locale;
  officeName: string;
  retentionDays: number;
  /** Queues the outbox rows written (after commit). */
  enqueue: (rows: PendingRow[]) => Promise<void>;
  now?: () => Date;
}

/** A refused officer action, with the HTTP status it maps to. */
export class OfficeError extends Error {
  /** Builds the error. */
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'OfficeError';
  }
}

/** A status change an officer asks for. */
export interface StatusChange {
  oaId: string;
  code: string;
  to: number;
  officer: string;
  /** Shown to the resident with a refusal, a stop, or a supplement request. */
  reason?: string;
  /** For a supplement (5): the slot ids to send again. */
  slots?: string[];
  /** For acceptance (2): the appointment date, else computed from the procedure's time limit. */
  appointmentDate?: string;
}

/** Applies a status change and tells the resident; returns the updated dossier. */
export async function changeStatus(deps: OfficeDeps, change: StatusChange): Promise<DossierRow> {
  const now = deps.now?.() ?? new Date();
  const to = change.to;
  if (!isDossierStatus(to))
    throw new OfficeError(400, `status must be a code from 1 to 10, got ${String(to)}`);
  const { rows, dossier } = await deps.db.transaction(async (tx) => {
    const d = await dossierByCode(tx, change.oaId, change.code);
    if (!d || d.stage !== 'submitted') throw new OfficeError(404, `no submitted dossier ${change.code}`);
    const from = (d.status ?? 1) as DossierStatus;
    if (!canMove(from, to)) throw new OfficeError(409, `a dossier cannot move from status ${from} to ${to}`);
    const catalogue = deps.catalogue(d.oaId);
    const p = catalogue.get(d.procedureCode);
    const patch: Partial<typeof dossiers.$inferInsert> = { status: to, updatedAt: now };
    if ((to === 3 || to === 8) && !change.reason?.trim())
      throw new OfficeError(400, 'a refusal or a stop needs a reason the resident can read');
    if (to === 2) {
      if (change.appointmentDate) {
        try {
          patch.appointmentDate = parseLocalDate(change.appointmentDate);
        } catch {
          throw new OfficeError(400, 'appointmentDate must be YYYY-MM-DD');
        }
      } else if (p && p.time_limit.working_days !== null) {
        patch.appointmentDate = deps.calendar.addWorkingDays(
          now,
          Math.ceil(p.time_limit.working_days),
          p.time_limit.same_day_cutoff ? { cutoff: p.time_limit.same_day_cutoff } : {},
        );
      }
    }
    if (to === 5) {
      const known = p ? slotPlan(p).slots.map((s) => s.id) : [];
      const slots = change.slots ?? [];
      if (slots.length === 0 || slots.some((s) => !known.includes(s)))
        throw new OfficeError(400, `a supplement names slots among: ${known.join(', ')}`);
      patch.supplementSlots = slots;
      patch.supplementNote = change.reason?.trim() || null;
      patch.supplementedAt = null;
      patch.slotIndex = 0;
    }
    if (to === 3 || to === 8) patch.reason = change.reason!.trim();
    if (to === 3 || to === 8 || to === 10) {
      patch.closedAt = now;
      patch.purgeAfter = new Date(now.getTime() + deps.retentionDays * 86_400_000);
    }
    await tx.update(dossiers).set(patch).where(eq(dossiers.id, d.id));
    const updated: DossierRow = { ...d, ...patch };
    await addDossierEvent(tx, {
      dossierId: d.id,
      kind: 'status',
      actor: `officer:${change.officer}`,
      fromStatus: from,
      toStatus: to,
      note: change.reason ?? null,
    });
    await audit(tx, change.officer, 'dossier.status', d.id, { from, to });
    const locale = await residentLocale(tx, d, deps.defaultLocale);
    const messages = statusMessages(deps, locale, updated, catalogue);
    const ids = await addToOutbox(
      tx,
      messages.map((message) => notice(d, message, `dossier:${d.id}:status:${to}`)),
    );
    return { rows: pendingRows(d, ids), dossier: updated };
  });
  await deps.enqueue(rows);
  return dossier;
}

/** Approves a draft apology (optionally with another date or reason), sends it and moves the date. */
export async function approveApology(
  deps: OfficeDeps,
  a: { oaId: string; id: number; officer: string; reason?: string; proposedDate?: string },
): Promise<void> {
  const now = deps.now?.() ?? new Date();
  const rows = await deps.db.transaction(async (tx) => {
    const [draft] = await tx.select().from(apologies).where(eq(apologies.id, a.id)).limit(1);
    if (!draft || draft.status !== 'draft') throw new OfficeError(404, `no draft apology ${a.id}`);
    const [d] = await tx
      .select()
      .from(dossiers)
      .where(and(eq(dossiers.id, draft.dossierId), eq(dossiers.oaId, a.oaId)))
      .limit(1);
    if (!d) throw new OfficeError(404, `no dossier for apology ${a.id}`);
    const reason = (a.reason ?? draft.reason ?? '').trim();
    if (!reason) throw new OfficeError(400, 'an apology needs the reason for the delay');
    let proposed: LocalDate = draft.proposedDate;
    if (a.proposedDate) {
      try {
        proposed = parseLocalDate(a.proposedDate);
      } catch {
        throw new OfficeError(400, 'proposedDate must be YYYY-MM-DD');
      }
    }
    if (proposed <= localDateOf(now, deps.calendar.timeZone))
      throw new OfficeError(400, 'the new date must be after today');
    await tx
      .update(apologies)
      .set({ status: 'sent', reason, proposedDate: proposed, decidedBy: a.officer, decidedAt: now })
      .where(eq(apologies.id, a.id));
    await tx.update(dossiers).set({ appointmentDate: proposed, updatedAt: now }).where(eq(dossiers.id, d.id));
    await addDossierEvent(tx, {
      dossierId: d.id,
      kind: 'apology_sent',
      actor: `officer:${a.officer}`,
      note: `${draft.dueDate} -> ${proposed}`,
    });
    await audit(tx, a.officer, 'apology.approve', d.id, { apology: a.id, proposed });
    const locale = await residentLocale(tx, d, deps.defaultLocale);
    const t = deps.t(locale);
    const text = t('notify.apology', {
      office: deps.officeName,
      code: d.code,
      procedure: deps.catalogue(d.oaId).get(d.procedureCode)?.name[locale] ?? d.procedureCode,
      old: formatLocalDate(draft.dueDate),
      new: formatLocalDate(proposed),
      reason,
    });
    const ids = await addToOutbox(tx, [notice(d, textMessage(fitText(text)), `apology:${a.id}`)]);
    return pendingRows(d, ids);
  });
  await deps.enqueue(rows);
}

/** The messages a resident gets for a dossier's new status. */
function statusMessages(
  deps: OfficeDeps,
  locale: Locale,
  d: DossierRow,
  catalogue: DeskCatalogue,
): ZaloMessage[] {
  const t = deps.t(locale);
  const p = catalogue.get(d.procedureCode);
  const procedure = p?.name[locale] ?? d.procedureCode;
  const status = d.status ?? 1;
  const base = { code: d.code, procedure, office: deps.officeName };
  switch (status) {
    case 3:
      return [textMessage(fitText(t('notify.refused', { ...base, reason: d.reason })))];
    case 8:
      return [textMessage(fitText(t('notify.stopped', { ...base, reason: d.reason })))];
    case 5: {
      const names = slotPlan(p!)
        .slots.filter((s) => d.supplementSlots.includes(s.id))
        .map((s) => s.name[locale]);
      const note = d.supplementNote ? ` ${d.supplementNote}` : '';
      return [
        buttonsMessage(fitText(t('notify.supplement', { ...base, list: names.join('; '), note })), [
          {
            title: t('intake.button.supplement_done'),
            type: 'oa.query.hide',
            payload: '#dz supplement_done',
          },
        ]),
      ];
    }
    case 9:
      return [
        textMessage(
          fitText(
            t('notify.ready', {
              ...base,
              where: t(d.channel === 'post' ? 'notify.ready_post' : 'notify.ready_desk'),
            }),
          ),
        ),
      ];
    case 10: {
      const scores = [1, 2, 3, 4, 5].map((n) => ({
        title: t('rating.score', { score: n }),
        type: 'oa.query.hide' as const,
        payload: `#rate ${d.id} ${n}`,
      }));
      return [
        textMessage(
          fitText(
            t('notify.status', {
              ...base,
              status: t('dossier_status.10.name'),
              explain: t('dossier_status.10.explain'),
            }),
          ),
        ),
        buttonsMessage(fitText(t('notify.rate', base)), scores),
      ];
    }
    default: {
      const date =
        status === 2 && d.appointmentDate
          ? t('notify.accepted_date', { date: formatLocalDate(d.appointmentDate) })
          : '';
      const text = t('notify.status', {
        ...base,
        status: t(`dossier_status.${status}.name`),
        explain: t(`dossier_status.${status}.explain`),
      });
      return [textMessage(fitText(`${text}${date}`))];
    }
  }
}

/** An outbox message to the dossier's resident in the notification lane. */
function notice(d: DossierRow, message: ZaloMessage, cause: string): OutboxMessage {
  return { oaId: d.oaId, userId: d.userId, lane: 'notify', message, cause };
}

function pendingRows(d: DossierRow, ids: number[]): PendingRow[] {
  return ids.map((id) => ({ id, oaId: d.oaId, userId: d.userId, lane: 'notify' }));
}

/** The language the resident chose in chat. */
export async function residentLocale(
  tx: Tx,
  d: Pick<DossierRow, 'oaId' | 'userId'>,
  fallback: Locale,
): Promise<Locale> {
  const [row] = await tx
    .select({ locale: conversations.locale })
    .from(conversations)
    .where(and(eq(conversations.oaId, d.oaId), eq(conversations.userId, d.userId)))
    .limit(1);
  return asLocale(row?.locale, fallback);
}

/** Writes one audit line. */
export async function audit(
  tx: Tx,
  officer: string,
  action: string,
  dossierId: number,
  details: Record<string, unknown>,
) {
  await tx.insert(auditLog).values({
    actor: `officer:${officer}`,
    action,
    subjectKind: 'dossier',
    subjectId: String(dossierId),
    details,
  });
}
