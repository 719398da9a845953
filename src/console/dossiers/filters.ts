import type { Request } from 'express';
import { isDossierStatus, type DossierStatus } from '../../dossiers/status.js';

/** The list's filters, as read from the query string. */
export interface DossierFilters {
  status?: DossierStatus;
  /** A national procedure code. */
  procedure?: string;
  /** Only dossiers whose appointment date has passed while they are still owed. */
  overdue: boolean;
  /** 1-based page of the HTML list (the CSV has no pages). */
  page: number;
}

const one = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Reads the filters leniently: anything malformed is ignored rather than refused. */
export function readFilters(query: Request['query']): DossierFilters {
  const status = Number(one(query.status));
  const procedure = one(query.procedure).trim();
  const page = Number(one(query.page));
  return {
    ...(isDossierStatus(status) ? { status } : {}),
    ...(/^\d\.\d{6}$/.test(procedure) ? { procedure } : {}),
    overdue: one(query.overdue) === '1',
    page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
  };
}

/** The filters as a query string (with a leading `?`, or empty), optionally for another page. */
export function filterQuery(f: DossierFilters, page?: number): string {
  const params = new URLSearchParams();
  if (f.status) params.set('status', String(f.status));
  if (f.procedure) params.set('procedure', f.procedure);
  if (f.overdue) params.set('overdue', '1');
  if (page && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Statuses in which nothing is owed by an appointment date any more (refused, stopped, ready, returned). */
export const NOT_OWED: readonly DossierStatus[] = [3, 8, 9, 10];

/** True when the appointment date is before `today` and the dossier is still owed a result. */
export function isOverdue(
  d: { appointmentDate: string | null; status: number | null },
  today: string,
): boolean {
  return (
    d.appointmentDate !== null &&
    d.appointmentDate < today &&
    !(NOT_OWED as readonly number[]).includes(d.status ?? 1)
  );
}
