/* Wall-clock times of the office, as `<input type="datetime-local">` reads and writes them. */

import { instantOfWallClock, pad2, wallClockOf } from '../../time/wall-clock.js';

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** The instant a `YYYY-MM-DDTHH:MM` wall-clock time in `timeZone` names, or undefined when malformed. */
export function parseLocalInput(text: string, timeZone: string): Date | undefined {
  const m = LOCAL_INPUT.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(naive);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  return new Date(instantOfWallClock({ year, month, day, hour, minute }, timeZone));
}

/** `instant` as `YYYY-MM-DDTHH:MM` on `timeZone`'s wall clock (a datetime-local input's value). */
export function toLocalInput(instant: Date, timeZone: string): string {
  const w = wallClockOf(instant, timeZone);
  return `${w.year}-${pad2(w.month)}-${pad2(w.day)}T${pad2(w.hour)}:${pad2(w.minute)}`;
}

/** `instant` as `HH:MM` on `timeZone`'s wall clock, for per-minute report rows. */
export function minuteLabel(instant: Date, timeZone: string): string {
  return toLocalInput(instant, timeZone).slice(11);
}
