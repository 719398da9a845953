import { addDays, localDateOf, type LocalDate } from '../../dossiers/calendar.js';

/*
 * Calendar months (`YYYY-MM`) and weeks (the Monday that starts them, `YYYY-MM-DD`) on the
 * commune's wall calendar: the dashboard's periods, as plain strings that sort correctly.
 */

/** A month on the local calendar, `YYYY-MM`. */
export type LocalMonth = string;

const MONTH_SHAPE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** True when `text` is a month written `YYYY-MM`. */
export function isLocalMonth(text: string): boolean {
  return MONTH_SHAPE.test(text);
}

/** The month `n` months after `month` (before it when `n` is negative). */
export function addMonths(month: LocalMonth, n: number): LocalMonth {
  const m = MONTH_SHAPE.exec(month);
  if (!m) throw new RangeError(`not a YYYY-MM month: ${month}`);
  const index = Number(m[1]) * 12 + Number(m[2]) - 1 + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The month an instant falls in, in `timeZone`. */
export function monthOf(instant: Date, timeZone: string): LocalMonth {
  return localDateOf(instant, timeZone).slice(0, 7);
}

/** Every month from `from` to `to`, both included, oldest first. */
export function monthsBetween(from: LocalMonth, to: LocalMonth): LocalMonth[] {
  const out: LocalMonth[] = [];
  for (let m = from; m <= to && out.length < 1200; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** Every Monday from `first` to `last` (both Mondays), oldest first. */
export function weeksBetween(first: LocalDate, last: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let w = first; w <= last && out.length < 600; w = addDays(w, 7)) out.push(w);
  return out;
}
