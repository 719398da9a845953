import type { FollowerStatus } from '../../broadcasts/follower-list.js';

/** The followers list's filter and page, as the query string gives them. */
export interface FollowerFilter {
  oaId: string;
  tag?: string;
  status: FollowerStatus;
  page: number;
}

const STATUSES: FollowerStatus[] = ['all', 'following', 'unfollowed', 'opted_out'];
const MAX_PAGE = 10_000;

const field = (v: unknown, max: number): string => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/** Reads the filter; unknown values fall back to all followers, first page, the first OA. */
export function readFollowerFilter(query: Record<string, unknown>, defaultOa: string): FollowerFilter {
  const tag = field(query.tag, 100);
  const status = field(query.status, 20) as FollowerStatus;
  const n = Number(field(query.page, 6) || '1');
  return {
    oaId: field(query.oa, 100) || defaultOa,
    ...(tag ? { tag } : {}),
    status: STATUSES.includes(status) ? status : 'all',
    page: Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_PAGE) : 1,
  };
}

/** The query string (with `?`, or empty) that gives `f` again, at `page`. */
export function followerQueryString(f: FollowerFilter, page = f.page, showOa = false): string {
  const params = new URLSearchParams();
  if (showOa) params.set('oa', f.oaId);
  if (f.tag) params.set('tag', f.tag);
  if (f.status !== 'all') params.set('status', f.status);
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Tags typed in a free field: split on commas and semicolons, blanks dropped. */
export function splitTags(raw: string): string[] {
  return raw
    .split(/[,;]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
