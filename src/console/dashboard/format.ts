import type { ConsoleLang } from '../texts.js';

/** How the dashboard writes numbers, months and weeks in one console language. */
export interface DashboardFormat {
  /** The BCP 47 locale handed to the charts, e.g. `vi-VN`. */
  locale: string;
  /** A number with at most `digits` decimals; an em dash when there is none. */
  number: (value: number | null, digits?: number) => string;
  /** A percentage with one decimal, e.g. `66,7%`; an em dash when there is none. */
  percent: (value: number | null) => string;
  /** A `YYYY-MM` month, e.g. `11/2026` or `Nov 2026`. */
  month: (month: string) => string;
  /** A `YYYY-MM-DD` day, e.g. `02/11/2026` or `2 Nov 2026`. */
  day: (day: string) => string;
}

const utc = (text: string) => new Date(`${text}T00:00:00Z`);

/** The formats of one console language. */
export function dashboardFormat(lang: ConsoleLang): DashboardFormat {
  const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
  const numbers = new Map<number, Intl.NumberFormat>();
  const numberFormat = (digits: number) => {
    let f = numbers.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
      numbers.set(digits, f);
    }
    return f;
  };
  const monthName = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short', year: 'numeric' });
  const dayName = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  const number = (value: number | null, digits = 1) =>
    value === null || !Number.isFinite(value) ? '—' : numberFormat(digits).format(value);
  return {
    locale,
    number,
    percent: (value) => (value === null ? '—' : `${number(value, 1)}%`),
    month: (month) =>
      lang === 'vi' ? `${month.slice(5, 7)}/${month.slice(0, 4)}` : monthName.format(utc(`${month}-01`)),
    day: (day) =>
      lang === 'vi' ? `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}` : dayName.format(utc(day)),
  };
}
