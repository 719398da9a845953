import { localDateOf, type LocalDate, type WorkCalendar } from '../dossiers/calendar.js';
import { localMinuteOfDay } from '../zalo/policy.js';

/**
 * When officers answer: the desk's shifts (morning and afternoon) on the working days of the
 * holiday calendar. Tells a resident waiting outside them when someone will be there.
 */

/** One shift, in minutes after local midnight. */
export interface Shift {
  start: number;
  end: number;
}

/** Reads `07:30-11:30,13:30-17:00`; throws a RangeError on anything else. */
export function parseShifts(text: string): Shift[] {
  const shifts = text.split(',').map((part) => {
    const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(part);
    if (!m) throw new RangeError(`a shift looks like 07:30-11:30, got "${part.trim()}"`);
    const start = Number(m[1]) * 60 + Number(m[2]);
    const end = Number(m[3]) * 60 + Number(m[4]);
    if (Number(m[1]) > 23 || Number(m[3]) > 24 || Number(m[2]) > 59 || Number(m[4]) > 59 || end <= start)
      throw new RangeError(`impossible shift "${part.trim()}"`);
    return { start, end };
  });
  shifts.sort((a, b) => a.start - b.start);
  shifts.forEach((s, i) => {
    if (i > 0 && s.start < shifts[i - 1]!.end) throw new RangeError('shifts overlap');
  });
  return shifts;
}

/** Whether the desk is staffed now, and if not, the local day and minute it opens next. */
export type Availability =
  { open: true } | { open: false; date: LocalDate; minute: number; daysAhead: number };

/** Finds the next staffed moment at or after `now`. */
export function availability(now: Date, shifts: Shift[], calendar: WorkCalendar): Availability {
  const today = localDateOf(now, calendar.timeZone);
  const minute = localMinuteOfDay(now, calendar.timeZone);
  if (calendar.isWorkingDay(today)) {
    if (shifts.some((s) => minute >= s.start && minute < s.end)) return { open: true };
    const later = shifts.find((s) => s.start > minute);
    if (later) return { open: false, date: today, minute: later.start, daysAhead: 0 };
  }
  const next = calendar.nextWorkingDay(today);
  const daysAhead = Math.round((Date.parse(next) - Date.parse(today)) / 86_400_000);
  return { open: false, date: next, minute: shifts[0]!.start, daysAhead };
}

/** "7:30 sáng mai", "13:30 chiều nay", "7:30 sáng thứ Hai 05/01" (or the English equivalents). */
export function describeOpening(a: Extract<Availability, { open: false }>, lang: 'vi' | 'en'): string {
  const time = `${Math.floor(a.minute / 60)}:${String(a.minute % 60).padStart(2, '0')}`;
  const [, mm, dd] = a.date.split('-');
  const weekday = new Date(`${a.date}T12:00:00Z`).getUTCDay();
  if (lang === 'en') {
    const names = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    const day =
      a.daysAhead === 0 ? 'today' : a.daysAhead === 1 ? 'tomorrow' : `${names[weekday]} ${dd}/${mm}`;
    return `${time} ${day}`;
  }
  const part = a.minute < 12 * 60 ? 'sáng' : 'chiều';
  const names = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
  const day = a.daysAhead === 0 ? 'nay' : a.daysAhead === 1 ? 'mai' : `${names[weekday]} ${dd}/${mm}`;
  return `${time} ${part} ${day}`;
}
