const VN_OFFSET_MS = 7 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The calendar day (Vietnam time, UTC+7) of an epoch-ms instant, as `YYYY-MM-DD`. */
export function vnDay(epochMs: number): string {
  return new Date(epochMs + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** Formats an instant as Zalo's `DD/MM/YYYY` date in Vietnam time. */
export function vnDateDmy(epochMs: number): string {
  const [y, m, d] = vnDay(epochMs).split('-');
  return `${d}/${m}/${y}`;
}

/**
 * Tests whether an interaction time falls inside a Zalo `last_interaction_period`
 * (`TODAY`, `YESTERDAY`, `L7D`, `L30D`, `YYYY_MM_DD:YYYY_MM_DD`). Returns
 * `undefined` when the period is not one Zalo accepts.
 */
export function inInteractionPeriod(
  period: string,
  at: number | undefined,
  now: number,
): boolean | undefined {
  const today = vnDay(now);
  const day = at === undefined ? undefined : vnDay(at);
  switch (period) {
    case 'TODAY':
      return day === today;
    case 'YESTERDAY':
      return day === vnDay(now - DAY_MS);
    case 'L7D':
      return day !== undefined && day > vnDay(now - 7 * DAY_MS) && day <= today;
    case 'L30D':
      return day !== undefined && day > vnDay(now - 30 * DAY_MS) && day <= today;
    default: {
      const m = /^(\d{4})_(\d{2})_(\d{2}):(\d{4})_(\d{2})_(\d{2})$/.exec(period);
      if (!m) return undefined;
      const from = `${m[1]}-${m[2]}-${m[3]}`;
      const to = `${m[4]}-${m[5]}-${m[6]}`;
      return day !== undefined && day >= from && day <= to;
    }
  }
}
