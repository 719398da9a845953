import { addDays, localDateOf, type LocalDate, type WorkCalendar } from '../dossiers/calendar.js';
import { instantOfWallClock } from '../time/wall-clock.js';
import type { Shift } from './office-hours.js';

/**
 * The SLA clock of the handoff desk: only time inside a shift on a working day counts, so a resident
 * who writes at 16:55 on a Friday has waited 5 office minutes by Monday 07:30, not three days.
 * Pure functions of their arguments: no clock, no database.
 */

/** The desk's shifts and working days, in the calendar's time zone. */
export interface OfficeClock {
  shifts: readonly Shift[];
  calendar: Pick<WorkCalendar, 'isWorkingDay' | 'timeZone'>;
}

const MINUTE_MS = 60_000;
/** No office is closed longer than this; a search past it means the shifts or calendar are broken. */
const MAX_DAYS_CLOSED = 400;

/** Office minutes (fractional) between two instants; 0 when `to` is not after `from`. */
export function officeMinutesBetween(from: Date, to: Date, clock: OfficeClock): number {
  if (to.getTime() <= from.getTime()) return 0;
  const tz = clock.calendar.timeZone;
  const last = localDateOf(to, tz);
  let total = 0;
  for (let day = localDateOf(from, tz); day <= last; day = addDays(day, 1)) {
    if (!clock.calendar.isWorkingDay(day)) continue;
    for (const s of clock.shifts) {
      const start = Math.max(instantOf(day, s.start, tz), from.getTime());
      const end = Math.min(instantOf(day, s.end, tz), to.getTime());
      if (end > start) total += end - start;
    }
  }
  return total / MINUTE_MS;
}

/** The instant at which `minutes` office minutes have passed since `from`. */
export function officeDeadline(from: Date, minutes: number, clock: OfficeClock): Date {
  const tz = clock.calendar.timeZone;
  let left = Math.max(0, minutes) * MINUTE_MS;
  let day = localDateOf(from, tz);
  for (let i = 0; i <= MAX_DAYS_CLOSED; i++, day = addDays(day, 1)) {
    if (!clock.calendar.isWorkingDay(day)) continue;
    for (const s of clock.shifts) {
      const start = Math.max(instantOf(day, s.start, tz), from.getTime());
      const end = instantOf(day, s.end, tz);
      if (end <= start) continue;
      if (left <= end - start) return new Date(start + left);
      left -= end - start;
    }
  }
  throw new RangeError(`no office time in the ${MAX_DAYS_CLOSED} days after ${from.toISOString()}`);
}

/** The instant of `minute` minutes after local midnight of `date` in `timeZone`. */
export function instantOf(date: LocalDate, minute: number, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return instantOfWallClock({ year, month, day, minute }, timeZone);
}
