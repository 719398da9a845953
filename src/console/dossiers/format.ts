import { formatLocalDate } from '../../dossiers/format.js';

/** An instant as `dd/mm/yyyy HH:MM` on the office's wall clock. */
export function formatInstant(at: Date | null, timeZone: string): string {
  if (!at) return '';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}/${part('month')}/${part('year')} ${part('hour')}:${part('minute')}`;
}

/** A local date (`YYYY-MM-DD`) as `dd/mm/yyyy`, or empty when there is none. */
export function formatDate(date: string | null): string {
  return date ? formatLocalDate(date) : '';
}
