import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from '../../src/dossiers/calendar.js';
import { parseShifts } from '../../src/handoff/office-hours.js';
import { instantOf, officeDeadline, officeMinutesBetween } from '../../src/handoff/office-minutes.js';

const clock = {
  shifts: parseShifts('07:30-11:30,13:30-17:00'),
  calendar: createWorkCalendar({ holidays: ['2027-02-05', '2027-02-08', '2027-02-09'] }),
};
/** An instant given in Vietnam's local time (UTC+7). */
const vn = (local: string) => new Date(`${local}:00+07:00`);
const between = (a: string, b: string) => officeMinutesBetween(vn(a), vn(b), clock);
const deadline = (from: string, minutes: number) => officeDeadline(vn(from), minutes, clock).toISOString();

describe('office minutes', () => {
  it('counts a Friday 16:55 ticket to 15 minutes on Monday at 07:40, not over the weekend', () => {
    expect(between('2026-12-04T16:55', '2026-12-05T12:00')).toBe(5);
    expect(between('2026-12-04T16:55', '2026-12-06T23:59')).toBe(5);
    expect(between('2026-12-04T16:55', '2026-12-07T07:39')).toBe(14);
    expect(between('2026-12-04T16:55', '2026-12-07T07:40')).toBe(15);
    expect(deadline('2026-12-04T16:55', 15)).toBe(vn('2026-12-07T07:40').toISOString());
  });

  it('skips the lunch break: opened at 11:25, 15 minutes are reached at 13:40', () => {
    expect(between('2026-12-01T11:25', '2026-12-01T13:30')).toBe(5);
    expect(between('2026-12-01T11:25', '2026-12-01T13:39')).toBe(14);
    expect(deadline('2026-12-01T11:25', 15)).toBe(vn('2026-12-01T13:40').toISOString());
  });

  it('skips public holidays (Tết 2027) as well as the weekend', () => {
    expect(between('2027-02-04T16:50', '2027-02-09T16:00')).toBe(10);
    expect(deadline('2027-02-04T16:50', 15)).toBe(vn('2027-02-10T07:35').toISOString());
  });

  it('counts a whole working day as both shifts, and nothing backwards or at night', () => {
    expect(between('2026-12-01T00:00', '2026-12-02T00:00')).toBe(450);
    expect(between('2026-12-01T18:00', '2026-12-02T07:30')).toBe(0);
    expect(between('2026-12-01T10:00', '2026-12-01T09:00')).toBe(0);
    expect(deadline('2026-12-01T20:00', 15)).toBe(vn('2026-12-02T07:45').toISOString());
    expect(deadline('2026-12-01T09:00', 0)).toBe(vn('2026-12-01T09:00').toISOString());
  });

  it('keeps seconds, and agrees with its own deadline', () => {
    expect(
      officeMinutesBetween(
        vn('2026-12-01T09:00'),
        new Date(vn('2026-12-01T09:00').getTime() + 90_000),
        clock,
      ),
    ).toBe(1.5);
    for (const from of ['2026-12-03T16:41', '2026-12-04T11:29', '2027-02-03T09:10', '2026-12-05T10:00']) {
      for (const minutes of [1, 15, 240, 1000]) {
        const due = officeDeadline(vn(from), minutes, clock);
        expect(officeMinutesBetween(vn(from), due, clock), `${from} + ${minutes}`).toBeCloseTo(minutes, 6);
      }
    }
  });

  it('reads local wall time in the calendar’s time zone', () => {
    expect(new Date(instantOf('2026-12-01', 7 * 60 + 30, 'Asia/Ho_Chi_Minh')).toISOString()).toBe(
      '2026-12-01T00:30:00.000Z',
    );
    expect(new Date(instantOf('2026-07-01', 9 * 60, 'Europe/Paris')).toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    );
  });

  it('refuses a desk that never opens', () => {
    const closed = {
      shifts: clock.shifts,
      calendar: { timeZone: 'Asia/Ho_Chi_Minh', isWorkingDay: () => false },
    };
    expect(() => officeDeadline(vn('2026-12-01T09:00'), 15, closed)).toThrow(RangeError);
  });
});
