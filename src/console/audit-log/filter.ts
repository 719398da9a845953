import { isLocalDate, type LocalDate } from '../../dossiers/calendar.js';

/** Which audit rows to show or export; every field is optional. */
export interface AuditFilter {
  /** The actor contains this (any case). */
  actor?: string;
  /** The action starts with this (any case), so `console.login` also finds `console.login.failed`. */
  action?: string;
  subjectKind?: string;
  subjectId?: string;
  /** First and last local day, both included. */
  from?: LocalDate;
  to?: LocalDate;
}

/** A date field that was given but could not be used. */
export type FilterProblem = 'from' | 'to' | 'range';

/** The filter and page read from a request's query string. */
export interface AuditQuery {
  filter: AuditFilter;
  page: number;
  problems: FilterProblem[];
}

const MAX_PAGE = 10_000;

const field = (v: unknown, max: number): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const s = v.trim().slice(0, max);
  return s === '' ? undefined : s;
};

/** Reads the filter (and page) from a query string; bad dates are dropped and reported. */
export function parseAuditQuery(query: Record<string, unknown>): AuditQuery {
  const problems: FilterProblem[] = [];
  const filter: AuditFilter = {};
  const actor = field(query.actor, 200);
  const action = field(query.action, 200);
  const subjectKind = field(query.subjectKind, 100);
  const subjectId = field(query.subjectId, 200);
  if (actor) filter.actor = actor;
  if (action) filter.action = action;
  if (subjectKind) filter.subjectKind = subjectKind;
  if (subjectId) filter.subjectId = subjectId;
  const date = (key: 'from' | 'to') => {
    const v = field(query[key], 10);
    if (v === undefined) return undefined;
    if (isLocalDate(v)) return v;
    problems.push(key);
    return undefined;
  };
  const from = date('from');
  const to = date('to');
  if (from && to && from > to) {
    problems.push('range');
  } else {
    if (from) filter.from = from;
    if (to) filter.to = to;
  }
  const n = Number(field(query.page, 6) ?? '1');
  const page = Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_PAGE) : 1;
  return { filter, page, problems };
}

/** The query string (with `?`, or empty) that reproduces `filter`, and a page when not the first. */
export function auditQueryString(filter: AuditFilter, page = 1): string {
  const params = new URLSearchParams();
  for (const key of ['actor', 'action', 'subjectKind', 'subjectId', 'from', 'to'] as const) {
    const v = filter[key];
    if (v) params.set(key, v);
  }
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `?${s}` : '';
}
