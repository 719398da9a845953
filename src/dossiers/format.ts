import type { LocalDate } from './calendar.js';

/** A local date as Vietnamese readers write it: `dd/mm/yyyy`. */
export function formatLocalDate(date: LocalDate): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/** A phone number with all but its last two digits hidden, for officers' lists and logs. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 2 ? '**' : `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
}
