import path from 'node:path';
import { z } from 'zod';
import { defaultFlowsDir, loadYamlFile, type LoadResult } from '../catalogue/index.js';
import { pad2, wallClockOf } from '../time/wall-clock.js';

/*
 * Working-day arithmetic for appointment dates (ngày hẹn trả). Every date here is a calendar date
 * on the commune's wall calendar, written `YYYY-MM-DD` (a {@link LocalDate}); no time of day and no
 * UTC offset is involved, so "the 5th" stays the 5th whatever the server's time zone. Instants
 * (`Date`) only appear where a receipt time matters (the 15:00 cut-off); they are turned into a
 * local date and time in the calendar's time zone first.
 */

/**
 * A calendar date on the local (Vietnamese) wall calendar, always `YYYY-MM-DD`, e.g. `2026-02-17`.
 * Plain strings sort and compare correctly; {@link parseLocalDate} checks that one is real.
 */
export type LocalDate = string;

/** ISO weekday: 1 = Monday … 6 = Saturday, 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The time zone of every Vietnamese commune. */
export const VN_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Monday to Friday: the working week of state offices unless a commune says otherwise. */
export const DEFAULT_WORKING_WEEKDAYS: readonly Weekday[] = [1, 2, 3, 4, 5];

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_SHAPE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for a checked date, or undefined when the text is not a real date. */
function dayNumberOf(text: string): number | undefined {
  const m = DATE_SHAPE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return undefined;
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return ms / DAY_MS;
}

function dateOfDayNumber(day: number): LocalDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Weekday of a day number (1970-01-01 was a Thursday). */
function weekdayOfDayNumber(day: number): Weekday {
  return (((((day + 3) % 7) + 7) % 7) + 1) as Weekday;
}

/** True when `text` is a real calendar date written `YYYY-MM-DD` (`2026-02-30` is not). */
export function isLocalDate(text: string): boolean {
  return dayNumberOf(text) !== undefined;
}

/** Returns `text` when it is a real `YYYY-MM-DD` date; throws a RangeError otherwise. */
export function parseLocalDate(text: string): LocalDate {
  if (dayNumberOf(text) === undefined) {
    throw new RangeError(`not a calendar date in the form YYYY-MM-DD: "${text}"`);
  }
  return text;
}

function dayOf(text: string): number {
  const day = dayNumberOf(text);
  if (day === undefined) throw new RangeError(`not a calendar date in the form YYYY-MM-DD: "${text}"`);
  return day;
}

/** The ISO weekday of a date. */
export function weekdayOf(date: LocalDate): Weekday {
  return weekdayOfDayNumber(dayOf(date));
}

/** The date `n` calendar days after `date` (before it when `n` is negative). */
export function addDays(date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`a whole number of days is needed, got ${n}`);
  return dateOfDayNumber(dayOf(date) + n);
}

/** Minutes after midnight for a `HH:MM` time; throws a RangeError for anything else. */
function minutesOf(time: string, what: string): number {
  const m = TIME_SHAPE.exec(time);
  if (!m) throw new RangeError(`${what} must be a time like 15:00, got "${time}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The local date and the seconds since local midnight of an instant in `timeZone`. */
function localParts(instant: Date, timeZone: string): { date: LocalDate; second: number } {
  if (Number.isNaN(instant.getTime())) throw new RangeError('the receipt time is not a valid date');
  const w = wallClockOf(instant, timeZone);
  return {
    date: `${w.year}-${pad2(w.month)}-${pad2(w.day)}`,
    second: w.hour * 3600 + w.minute * 60 + w.second,
  };
}

/** The calendar date an instant falls on in `timeZone` (default Vietnam), e.g. for a finish time. */
export function localDateOf(instant: Date, timeZone: string = VN_TIME_ZONE): LocalDate {
  return localParts(instant, timeZone).date;
}

/** How a commune's working calendar is built. Every list holds `YYYY-MM-DD` dates. */
export interface WorkCalendarOptions {
  /** IANA time zone used to read receipt instants; default `Asia/Ho_Chi_Minh`. */
  timeZone?: string;
  /** Weekdays that count as working days; default Monday to Friday. Add 6 for a Saturday desk. */
  workingWeekdays?: readonly Weekday[];
  /**
   * Weekdays on which reception ends early, e.g. `{ 6: '11:30' }` for a desk that works Saturday
   * mornings: a dossier received later counts from the next working day, as after the cut-off.
   */
  receptionEnds?: Partial<Record<Weekday, string>>;
  /** Public holidays (national list). Always days off, even when worked weekdays say otherwise. */
  holidays?: Iterable<LocalDate>;
  /** Weekend dates worked to make up for a bridged day off (ngày làm bù). */
  makeUpDays?: Iterable<LocalDate>;
  /** A commune's own extra days off, layered over the national list. */
  extraDaysOff?: Iterable<LocalDate>;
  /** Years whose holidays are fully listed; {@link WorkCalendar.covers} answers from this. */
  coveredYears?: Iterable<number>;
}

/** Options of {@link WorkCalendar.addWorkingDays}. */
export interface AddWorkingDaysOptions {
  /**
   * Same-day cut-off (`HH:MM`, e.g. `'15:00'`): a dossier received after it counts from the next
   * working day. Only read when the start is an instant (a `Date`), since a bare date has no time.
   */
  cutoff?: string;
}

/** Working-day arithmetic over one commune's calendar. */
export interface WorkCalendar {
  /** The time zone receipt instants are read in. */
  readonly timeZone: string;
  /** True when the office works on `date`. */
  isWorkingDay(date: LocalDate): boolean;
  /** The first working day strictly after `date`. */
  nextWorkingDay(date: LocalDate): LocalDate;
  /**
   * The appointment date for a dossier received at `start` and taking `n` working days: counting
   * starts on the day of receipt when that is a working day received in time, otherwise on the next
   * working day; `n = 0` is that starting day itself (same-day procedures).
   */
  addWorkingDays(start: LocalDate | Date, n: number, options?: AddWorkingDaysOptions): LocalDate;
  /**
   * Working days after `a` up to and including `b` (so `addWorkingDays(a, n)` gives back `n` when
   * `a` is a working day); negative when `b` is before `a`, 0 when they are equal.
   */
  workingDaysBetween(a: LocalDate, b: LocalDate): number;
  /** False when the holiday data does not list that year, so dates in it may be off by holidays. */
  covers(date: LocalDate): boolean;
}

/** Builds a working calendar; throws a RangeError on a malformed date, time or time zone. */
export function createWorkCalendar(options: WorkCalendarOptions = {}): WorkCalendar {
  const timeZone = options.timeZone ?? VN_TIME_ZONE;
  wallClockOf(0, timeZone); // throws a RangeError for an unknown time zone
  const weekdays = new Set<number>(options.workingWeekdays ?? DEFAULT_WORKING_WEEKDAYS);
  for (const w of weekdays) {
    if (!Number.isInteger(w) || w < 1 || w > 7) throw new RangeError(`not an ISO weekday (1-7): ${w}`);
  }
  if (weekdays.size === 0) throw new RangeError('a calendar needs at least one working weekday');
  const receptionEnds = new Map<number, number>();
  for (const [w, time] of Object.entries(options.receptionEnds ?? {})) {
    if (time !== undefined) receptionEnds.set(Number(w), minutesOf(time, `reception end for weekday ${w}`));
  }
  const toDays = (dates: Iterable<LocalDate> | undefined) => new Set([...(dates ?? [])].map(dayOf));
  const daysOff = new Set([...toDays(options.holidays), ...toDays(options.extraDaysOff)]);
  const makeUp = toDays(options.makeUpDays);
  const years = new Set(options.coveredYears ?? []);

  const working = (day: number) =>
    !daysOff.has(day) && (makeUp.has(day) || weekdays.has(weekdayOfDayNumber(day)));
  const nextAfter = (day: number) => {
    let d = day + 1;
    while (!working(d)) d += 1;
    return d;
  };

  /** The day counting starts from, as a day number. */
  const firstDay = (start: LocalDate | Date, cutoff: string | undefined): number => {
    if (!(start instanceof Date)) {
      const day = dayOf(start);
      return working(day) ? day : nextAfter(day);
    }
    const { date, second } = localParts(start, timeZone);
    const day = dayOf(date);
    if (!working(day)) return nextAfter(day);
    const limits = [
      cutoff === undefined ? undefined : minutesOf(cutoff, 'cutoff'),
      receptionEnds.get(weekdayOfDayNumber(day)),
    ].filter((m): m is number => m !== undefined);
    const late = limits.some((minute) => second > minute * 60);
    return late ? nextAfter(day) : day;
  };

  return {
    timeZone,
    isWorkingDay: (date) => working(dayOf(date)),
    nextWorkingDay: (date) => dateOfDayNumber(nextAfter(dayOf(date))),
    addWorkingDays(start, n, opts = {}) {
      if (!Number.isInteger(n) || n < 0) {
        throw new RangeError(`working days must be a whole number from 0, got ${n}`);
      }
      if (opts.cutoff !== undefined) minutesOf(opts.cutoff, 'cutoff');
      let day = firstDay(start, opts.cutoff);
      for (let i = 0; i < n; i += 1) day = nextAfter(day);
      return dateOfDayNumber(day);
    },
    workingDaysBetween(a, b) {
      const [from, to] = [dayOf(a), dayOf(b)];
      const [lo, hi, sign] = from <= to ? [from, to, 1] : [to, from, -1];
      let count = 0;
      for (let d = lo + 1; d <= hi; d += 1) if (working(d)) count += 1;
      return sign * count;
    },
    covers: (date) => years.has(Number(parseLocalDate(date).slice(0, 4))),
  };
}

// ---------------------------------------------------------------------------------------------
// The holiday file (flows/calendar/vn-holidays.yaml)

const DateSchema = z.string().refine(isLocalDate, 'must be a real date written YYYY-MM-DD');

/** Where a listed date comes from: a fixed date of the law, or something to check each year. */
export const HolidayBasisSchema = z.enum(['law', 'lunar', 'compensation', 'notice', 'estimate']);

/** One listed date: a public holiday or a make-up working day. */
export const CalendarEntrySchema = z.strictObject({
  date: DateSchema,
  name: z.string().trim().min(1),
  basis: HolidayBasisSchema,
  /** True only once the date is certain (fixed by the law, or checked against the year's notice). */
  confirmed: z.boolean(),
  note: z.string().trim().min(1).optional(),
});
/** One entry of the holiday file. */
export type CalendarEntry = z.infer<typeof CalendarEntrySchema>;

/** The national holiday file: covered years, days off, and make-up working days. */
export const HolidayFileSchema = z
  .strictObject({
    years: z.array(z.int().min(2000).max(2099)).min(1),
    holidays: z.array(CalendarEntrySchema),
    make_up_days: z.array(CalendarEntrySchema).default([]),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, string>();
    const check = (list: 'holidays' | 'make_up_days') =>
      file[list].forEach((entry, i) => {
        const where = [list, i, 'date'];
        if (!isLocalDate(entry.date)) return;
        if (!file.years.includes(Number(entry.date.slice(0, 4)))) {
          ctx.addIssue({ code: 'custom', path: where, message: `${entry.date} is outside the listed years` });
        }
        const earlier = seen.get(entry.date);
        if (earlier) {
          ctx.addIssue({
            code: 'custom',
            path: where,
            message: `${entry.date} is already listed (${earlier})`,
          });
        }
        seen.set(entry.date, entry.name);
        if (list === 'make_up_days' && weekdayOf(entry.date) < 6) {
          ctx.addIssue({
            code: 'custom',
            path: where,
            message: `${entry.date} is a weekday, not a make-up day`,
          });
        }
      });
    check('holidays');
    check('make_up_days');
  });
/** A parsed holiday file. */
export type HolidayFile = z.infer<typeof HolidayFileSchema>;

/** The repository's national holiday file. */
export function defaultHolidayFile(): string {
  return path.join(defaultFlowsDir(), 'calendar', 'vn-holidays.yaml');
}

/** Reads and checks a holiday file; problems carry file and line like the catalogue's. */
export function loadHolidayFile(file: string = defaultHolidayFile()): Promise<LoadResult<HolidayFile>> {
  return loadYamlFile(file, HolidayFileSchema, { root: path.dirname(path.dirname(file)) });
}

/** The calendar options a holiday file provides; spread them into {@link createWorkCalendar}. */
export function holidayOptions(
  file: HolidayFile,
): Required<Pick<WorkCalendarOptions, 'holidays' | 'makeUpDays' | 'coveredYears'>> {
  return {
    holidays: file.holidays.map((h) => h.date),
    makeUpDays: file.make_up_days.map((h) => h.date),
    coveredYears: file.years,
  };
}

/** Entries still waiting for an admin to check them against the year's government notice. */
export function unconfirmedEntries(file: HolidayFile): CalendarEntry[] {
  return [...file.holidays, ...file.make_up_days].filter((e) => !e.confirmed);
}
