import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from '../../src/dossiers/calendar.js';
import { availability, describeOpening, parseShifts } from '../../src/handoff/office-hours.js';

const calendar = createWorkCalendar({ holidays: ['2027-02-05', '2027-02-08', '2027-02-09'] });
const shifts = parseShifts('07:30-11:30,13:30-17:00');
/** An instant given in Vietnam's local time (UTC+7). */
const vn = (local: string) => new Date(`${local}:00+07:00`);

function opening(local: string, lang: 'vi' | 'en' = 'vi') {
  const a = availability(vn(local), shifts, calendar);
  return a.open ? 'open' : describeOpening(a, lang);
}

describe('when officers answer', () => {
  it('is open inside a shift and tells the next opening outside one', () => {
    expect(opening('2026-12-01T09:00')).toBe('open');
    expect(opening('2026-12-01T12:00')).toBe('13:30 chiều nay');
    expect(opening('2026-12-01T17:30')).toBe('7:30 sáng mai');
    expect(opening('2026-12-01T06:00')).toBe('7:30 sáng nay');
    expect(opening('2026-12-01T17:30', 'en')).toBe('7:30 tomorrow');
  });

  it('skips weekends and public holidays (Tết 2027)', () => {
    expect(opening('2026-12-04T18:00')).toBe('7:30 sáng thứ Hai 07/12');
    expect(opening('2027-02-04T18:00')).toBe('7:30 sáng thứ Tư 10/02');
  });

  it('refuses malformed or overlapping shifts', () => {
    expect(() => parseShifts('7h30-11h30')).toThrow(/07:30-11:30/);
    expect(() => parseShifts('08:00-12:00,11:00-17:00')).toThrow(/overlap/);
    expect(() => parseShifts('12:00-08:00')).toThrow(/impossible/);
  });
});
