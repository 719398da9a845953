/**
 * Instants read on, and built from, a time zone's wall clock: the office's shifts, quiet hours,
 * appointment dates and the times officers type all live on it.
 */

/** An instant's calendar fields on a time zone's wall clock (month 1–12, hour 0–23). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// Formatters are immutable and dear to build, so each zone's is built once and reused.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The calendar fields of `instant` on `timeZone`'s wall clock. */
export function wallClockOf(instant: Date | number, timeZone: string): WallClock {
  const out: WallClock = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type in out) out[p.type as keyof WallClock] = Number(p.value);
  }
  return out;
}

/** How far `timeZone`'s wall clock is ahead of UTC at the instant `ms`, in milliseconds. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const w = wallClockOf(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant (epoch ms) that a wall-clock time in `timeZone` names; minutes may run past 59. */
export function instantOfWallClock(
  w: { year: number; month: number; day: number; hour?: number; minute?: number },
  timeZone: string,
): number {
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour ?? 0, w.minute ?? 0);
  // The zone's offset at the guess, then once more at the corrected instant (offsets change rarely).
  const first = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(first, timeZone);
}

/** Two digits, zero-padded. */
export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
