import { pad2, wallClockOf } from '../../time/wall-clock.js';
import { formatLocalDate } from '../../dossiers/format.js';

/** An instant as `dd/mm/yyyy HH:MM` on the office's wall clock. */
export function formatInstant(at: Date | null, timeZone: string): string {
  if (!at) return '';
  const w = wallClockOf(at, timeZone);
  return `${pad2(w.day)}/${pad2(w.month)}/${w.year} ${pad2(w.hour)}:${pad2(w.minute)}`;
}

/** A local date (`YYYY-MM-DD`) as `dd/mm/yyyy`, or empty when there is none. */
export function formatDate(date: string | null): string {
  return date ? formatLocalDate(date) : '';
}
