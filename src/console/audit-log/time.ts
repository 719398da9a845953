import { pad2, wallClockOf } from '../../time/wall-clock.js';

/** An instant as `YYYY-MM-DD HH:mm:ss` on the wall clock of `timezone`. */
export function localTimestamp(instant: Date, timezone: string): string {
  const w = wallClockOf(instant, timezone);
  return `${w.year}-${pad2(w.month)}-${pad2(w.day)} ${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}`;
}
