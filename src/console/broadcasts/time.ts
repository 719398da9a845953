/* Wall-clock times of the office, as `<input type="datetime-local">` reads and writes them. */

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

function wallClock(instant: Date, timeZone: string): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const out: Record<string, number> = {};
  for (const p of parts) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(
    w.year ?? 0,
    (w.month ?? 1) - 1,
    w.day ?? 1,
    w.hour ?? 0,
    w.minute ?? 0,
    w.second ?? 0,
  );
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a `YYYY-MM-DDTHH:MM` wall-clock time in `timeZone` names, or undefined when malformed. */
export function parseLocalInput(text: string, timeZone: string): Date | undefined {
  const m = LOCAL_INPUT.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(naive);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  const first = naive - offsetAt(new Date(naive), timeZone);
  return new Date(naive - offsetAt(new Date(first), timeZone));
}

/** `instant` as `YYYY-MM-DDTHH:MM` on `timeZone`'s wall clock (a datetime-local input's value). */
export function toLocalInput(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  return `${w.year ?? 0}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}`;
}

/** `instant` as `HH:MM` on `timeZone`'s wall clock, for per-minute report rows. */
export function minuteLabel(instant: Date, timeZone: string): string {
  return toLocalInput(instant, timeZone).slice(11);
}
