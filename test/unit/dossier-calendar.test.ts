import { beforeAll, describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/catalogue/index.js';
import {
  HolidayFileSchema,
  addDays,
  createWorkCalendar,
  holidayOptions,
  isLocalDate,
  loadHolidayFile,
  localDateOf,
  parseLocalDate,
  unconfirmedEntries,
  weekdayOf,
  type HolidayFile,
  type WorkCalendar,
} from '../../src/dossiers/calendar.js';

/** An instant given as a wall-clock time in Vietnam (UTC+7). */
const vn = (dateTime: string) => new Date(`${dateTime}+07:00`);

let national: HolidayFile;
let cal: WorkCalendar;

beforeAll(async () => {
  const res = await loadHolidayFile();
  if (!res.ok) throw new Error(JSON.stringify(res.problems));
  national = res.value;
  cal = createWorkCalendar(holidayOptions(national));
});

describe('local dates', () => {
  it('accepts real YYYY-MM-DD dates only', () => {
    expect(parseLocalDate('2026-02-28')).toBe('2026-02-28');
    expect(isLocalDate('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-30', '2026-02-29', '2026-13-01', '2026-00-10', '2026-2-3', '26-02-03', ''])
      expect(() => parseLocalDate(bad), bad).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2026-02-30', 1)).toThrow(/2026-02-30/);
  });

  it('knows weekdays and moves by calendar days across months and years', () => {
    expect(weekdayOf('2026-03-05')).toBe(4);
    expect(weekdayOf('2026-03-08')).toBe(7);
    expect(weekdayOf('1969-12-29')).toBe(1);
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
  });

  it('reads an instant on the Vietnamese calendar, not the UTC one', () => {
    expect(localDateOf(new Date('2026-03-05T18:30:00Z'))).toBe('2026-03-06');
    expect(localDateOf(new Date('2026-03-05T16:59:59Z'))).toBe('2026-03-05');
    expect(localDateOf(new Date('2026-03-05T18:30:00Z'), 'UTC')).toBe('2026-03-05');
  });
});

describe('appointment dates on the national calendar', () => {
  it('skips the weekend: 3 working days from a Thursday is the Tuesday', () => {
    expect(cal.addWorkingDays('2026-03-05', 3)).toBe('2026-03-10');
    expect(cal.isWorkingDay('2026-03-07')).toBe(false);
    expect(cal.isWorkingDay('2026-03-08')).toBe(false);
    expect(cal.nextWorkingDay('2026-03-06')).toBe('2026-03-09');
  });

  it('counts a dossier received after the 15:00 cut-off from the next working day', () => {
    const cutoff = { cutoff: '15:00' };
    expect(cal.addWorkingDays(vn('2026-03-05T14:59:00'), 3, cutoff)).toBe('2026-03-10');
    expect(cal.addWorkingDays(vn('2026-03-05T15:00:00'), 3, cutoff)).toBe('2026-03-10');
    expect(cal.addWorkingDays(vn('2026-03-05T15:30:00'), 3, cutoff)).toBe('2026-03-11');
    expect(cal.addWorkingDays(vn('2026-03-05T15:30:00'), 3)).toBe('2026-03-10');
  });

  it('treats 0 working days as the same day, or the next working day after the cut-off', () => {
    expect(cal.addWorkingDays(vn('2026-03-05T09:00:00'), 0, { cutoff: '15:00' })).toBe('2026-03-05');
    expect(cal.addWorkingDays(vn('2026-03-05T15:30:00'), 0, { cutoff: '15:00' })).toBe('2026-03-06');
    expect(cal.addWorkingDays(vn('2026-03-06T16:00:00'), 0, { cutoff: '15:00' })).toBe('2026-03-09');
    expect(cal.addWorkingDays('2026-03-07', 0)).toBe('2026-03-09');
  });

  it('applies the cut-off to the local time, not to UTC', () => {
    // 08:30 UTC is 15:30 in Vietnam: late. 23:00 UTC on the 5th is already 06:00 on the 6th locally.
    expect(cal.addWorkingDays(new Date('2026-03-05T08:30:00Z'), 0, { cutoff: '15:00' })).toBe('2026-03-06');
    expect(cal.addWorkingDays(new Date('2026-03-05T23:00:00Z'), 0, { cutoff: '15:00' })).toBe('2026-03-06');
    expect(cal.addWorkingDays(new Date('2026-03-05T07:59:00Z'), 0, { cutoff: '15:00' })).toBe('2026-03-05');
  });

  it('skips the Tết 2026 days off', () => {
    for (const d of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'])
      expect(cal.isWorkingDay(d), d).toBe(false);
    expect(cal.addWorkingDays('2026-02-13', 3)).toBe('2026-02-25');
    expect(cal.nextWorkingDay('2026-02-13')).toBe('2026-02-23');
    expect(createWorkCalendar().addWorkingDays('2026-02-13', 3)).toBe('2026-02-18');
  });

  it('counts a make-up Saturday as a working day', () => {
    expect(cal.isWorkingDay('2026-08-22')).toBe(true);
    expect(cal.addWorkingDays('2026-08-21', 1)).toBe('2026-08-22');
    // 31 August (swapped), 1 and 2 September are off around Quốc khánh 2026.
    expect(cal.addWorkingDays('2026-08-28', 1)).toBe('2026-09-03');
    const own = createWorkCalendar({ makeUpDays: ['2026-03-07'] });
    expect(own.isWorkingDay('2026-03-07')).toBe(true);
    expect(own.addWorkingDays('2026-03-06', 2)).toBe('2026-03-09');
  });

  it('layers a commune’s own days off over the national list', () => {
    const local = createWorkCalendar({ ...holidayOptions(national), extraDaysOff: ['2026-03-06'] });
    expect(local.addWorkingDays('2026-03-05', 1)).toBe('2026-03-09');
    expect(cal.addWorkingDays('2026-03-05', 1)).toBe('2026-03-06');
    const offWins = createWorkCalendar({ makeUpDays: ['2026-03-07'], extraDaysOff: ['2026-03-07'] });
    expect(offWins.isWorkingDay('2026-03-07')).toBe(false);
  });

  it('counts working days between two dates as the inverse of adding them', () => {
    expect(cal.workingDaysBetween('2026-03-05', '2026-03-10')).toBe(3);
    expect(cal.workingDaysBetween('2026-03-10', '2026-03-05')).toBe(-3);
    expect(cal.workingDaysBetween('2026-03-05', '2026-03-05')).toBe(0);
    expect(cal.workingDaysBetween('2026-02-13', '2026-02-27')).toBe(5);
    for (const n of [0, 1, 7, 20, 60]) {
      const due = cal.addWorkingDays('2026-04-02', n);
      expect(cal.workingDaysBetween('2026-04-02', due), `${n}`).toBe(n);
    }
  });

  it('refuses impossible counts and times', () => {
    expect(() => cal.addWorkingDays('2026-03-05', -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2026-03-05', 1.5)).toThrow(RangeError);
    expect(() => cal.addWorkingDays(vn('2026-03-05T10:00:00'), 1, { cutoff: '25:00' })).toThrow(/cutoff/);
    expect(() => cal.addWorkingDays('2026-03-07', 1, { cutoff: '3pm' })).toThrow(/cutoff/);
    expect(() => cal.addWorkingDays(new Date('nonsense'), 1)).toThrow(RangeError);
    expect(() => createWorkCalendar({ workingWeekdays: [] })).toThrow(RangeError);
    expect(() => createWorkCalendar({ timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('a commune that receives on Saturday mornings', () => {
  const saturday = createWorkCalendar({ workingWeekdays: [1, 2, 3, 4, 5, 6], receptionEnds: { 6: '11:30' } });

  it('counts Saturdays as working days', () => {
    expect(saturday.isWorkingDay('2026-03-07')).toBe(true);
    expect(saturday.isWorkingDay('2026-03-08')).toBe(false);
    expect(saturday.addWorkingDays('2026-03-05', 3)).toBe('2026-03-09');
  });

  it('moves a Saturday-afternoon receipt to Monday, and keeps the weekday cut-off', () => {
    expect(saturday.addWorkingDays(vn('2026-03-07T10:00:00'), 0)).toBe('2026-03-07');
    expect(saturday.addWorkingDays(vn('2026-03-07T12:00:00'), 0)).toBe('2026-03-09');
    expect(saturday.addWorkingDays(vn('2026-03-06T16:00:00'), 0, { cutoff: '15:00' })).toBe('2026-03-07');
  });

  it('differs from the default week, where a Saturday receipt counts from Monday', () => {
    expect(cal.addWorkingDays(vn('2026-03-07T10:00:00'), 0)).toBe('2026-03-09');
  });
});

describe('the national holiday file', () => {
  it('lists 2026 and 2027 and says which dates still need checking', () => {
    expect(cal.covers('2026-06-01')).toBe(true);
    expect(cal.covers('2027-12-31')).toBe(true);
    expect(cal.covers('2028-01-03')).toBe(false);
    const pending = unconfirmedEntries(national).map((e) => e.date);
    expect(pending).toContain('2027-02-08');
    expect(pending).not.toContain('2026-09-02');
  });

  it('puts every law-fixed date on its day of the year', () => {
    const fixed = national.holidays.filter((h) => h.basis === 'law');
    expect(fixed.length).toBe(8);
    for (const h of fixed) expect(['01-01', '04-30', '05-01', '09-02']).toContain(h.date.slice(5));
    expect(fixed.every((h) => h.confirmed)).toBe(true);
  });

  it('has Giỗ Tổ Hùng Vương and the Quốc khánh days off', () => {
    for (const d of ['2026-04-27', '2026-04-30', '2026-05-01', '2026-09-01', '2026-09-02', '2027-04-16'])
      expect(cal.isWorkingDay(d), d).toBe(false);
  });

  const parse = (text: string) => parseYaml(text, 'calendar/x.yaml', HolidayFileSchema);
  const entry = (date: string) => `  - { date: '${date}', name: X, basis: notice, confirmed: false }`;

  it('refuses an impossible date with its line', () => {
    const res = parse(['years: [2026]', 'holidays:', entry('2026-01-01'), entry('2026-02-30')].join('\n'));
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.problems).toEqual([expect.objectContaining({ line: 4 })]);
  });

  it('refuses a make-up day on a weekday, a repeated date and a year not listed', () => {
    const res = parse(
      [
        'years: [2026]',
        'holidays:',
        entry('2026-03-05'),
        entry('2026-03-05'),
        entry('2027-01-01'),
        'make_up_days:',
        entry('2026-03-06'),
      ].join('\n'),
    );
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.problems.map((p) => p.line)).toEqual([4, 5, 7]);
      expect(res.problems.map((p) => p.reason).join('\n')).toMatch(
        /already listed[\s\S]*outside[\s\S]*weekday/,
      );
    }
  });
});
