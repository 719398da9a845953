import { isLocalDate } from '../../dossiers/calendar.js';
import { TRANSITIONS, isDossierStatus } from '../../dossiers/status.js';
import type { DossierTexts } from './texts.js';

/*
 * Reading the officer's action forms: what was asked, and the first thing wrong with it, so the
 * page can say so in the officer's language before the office rules (changeStatus) are applied.
 */

/** The moves officers make on the dossier page, in the order their forms are shown. */
export const OFFICER_MOVES = [2, 4, 5, 9, 10, 3, 8] as const;

/** The officer moves TRANSITIONS allows from `status`. */
export function movesFrom(status: number): number[] {
  if (!isDossierStatus(status)) return [];
  const allowed: readonly number[] = TRANSITIONS[status];
  return OFFICER_MOVES.filter((m) => allowed.includes(m));
}

/** What the officer typed in a status form. */
export interface StatusDraft {
  to: number;
  reason: string;
  slots: string[];
  /** The appointment date (`YYYY-MM-DD`) for an acceptance, or empty. */
  date: string;
}

/** What the officer typed in an apology's approval form. */
export interface ApologyDraft {
  id: number;
  reason: string;
  /** The new appointment date, or empty to keep the drafted one. */
  date: string;
}

/** Something wrong with a form, before the office rules are applied. */
export type FormProblem = 'reason' | 'slots' | 'date' | 'past' | 'future' | 'action';

/** A read form: the draft, and a problem when it cannot be applied. */
export interface ReadForm<D> {
  draft: D;
  problem?: FormProblem;
}

type Body = Record<string, unknown>;

const text = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v])
    .filter((s): s is string => typeof s === 'string' && s.length > 0 && s.length <= 80)
    .slice(0, 20);

/** Reads a status form (fields `to`, `reason`, `slots`, `appointmentDate`). */
export function readStatusForm(body: unknown, today: string): ReadForm<StatusDraft> {
  const b = (body ?? {}) as Body;
  const to = Number(text(b.to, 3));
  const draft: StatusDraft = {
    to,
    reason: text(b.reason, 1000),
    slots: list(b.slots),
    date: text(b.appointmentDate, 10),
  };
  const problem = (): FormProblem | undefined => {
    if (!(OFFICER_MOVES as readonly number[]).includes(to)) return 'action';
    if ((to === 3 || to === 8) && !draft.reason) return 'reason';
    if (to === 5 && draft.slots.length === 0) return 'slots';
    if (to === 2 && draft.date) {
      if (!isLocalDate(draft.date)) return 'date';
      if (draft.date < today) return 'past';
    }
    return undefined;
  };
  const found = problem();
  return found ? { draft, problem: found } : { draft };
}

/** Reads an apology's approval form (fields `reason`, `proposedDate`). */
export function readApologyForm(body: unknown, id: number, today: string): ReadForm<ApologyDraft> {
  const b = (body ?? {}) as Body;
  const draft: ApologyDraft = { id, reason: text(b.reason, 1000), date: text(b.proposedDate, 10) };
  let problem: FormProblem | undefined;
  if (!draft.reason) problem = 'reason';
  else if (draft.date && !isLocalDate(draft.date)) problem = 'date';
  else if (draft.date && draft.date <= today) problem = 'future';
  return problem ? { draft, problem } : { draft };
}

/** The officer-facing words for a form problem. */
export function problemText(t: DossierTexts, problem: FormProblem): string {
  const texts: Record<FormProblem, string> = {
    reason: t.problemReason,
    slots: t.problemSlots,
    date: t.problemDate,
    past: t.problemPast,
    future: t.problemFuture,
    action: t.problemAction,
  };
  return texts[problem];
}
