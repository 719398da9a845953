import { isLocalDate, parseLocalDate, type LocalDate } from './calendar.js';

/*
 * Dossier codes (mã hồ sơ) as one-stop systems print them on the receipt:
 * `<agency code>-<yyMMdd>-<4-digit sequence, restarting at 0001 every day>`,
 * e.g. `000.00.06.H56-231027-0361`. The agency code is the office's electronic identifier;
 * only its general shape (dotted groups of letters and digits) is checked here.
 */

/** Dotted groups of capital letters and digits, e.g. `000.00.06.H56`; two to six groups. */
export const AGENCY_CODE_PATTERN = /^[0-9A-Z]{1,6}(?:\.[0-9A-Z]{1,6}){1,5}$/;

/** Highest daily sequence number a four-digit code can hold. */
export const MAX_DAILY_SEQUENCE = 9999;

/** A dossier code taken apart. */
export interface DossierCode {
  /** The canonical text, upper case with plain hyphens. */
  code: string;
  /** The agency code, upper case. */
  agency: string;
  /** The day the dossier was registered. */
  date: LocalDate;
  /** The number of the dossier among that agency's dossiers of the day, from 1. */
  seq: number;
}

/**
 * Hands out daily sequence numbers. The database implements it; numbers must be unique per
 * agency and day even under concurrent calls, and are never handed out twice.
 */
export interface DossierSequence {
  /** Reserves the next number (1, 2, …) for `agency` on `date`. */
  next(agency: string, date: LocalDate): Promise<number>;
}

/** True when `agency` has the shape of an agency code (case-insensitive). */
export function isAgencyCode(agency: string): boolean {
  return AGENCY_CODE_PATTERN.test(agency.trim().toUpperCase());
}

/** Builds `<agency>-<yyMMdd>-<seq>`; throws a RangeError on a malformed agency, date or number. */
export function formatDossierCode(agency: string, date: LocalDate, seq: number): string {
  const upper = agency.trim().toUpperCase();
  if (!AGENCY_CODE_PATTERN.test(upper)) {
    throw new RangeError(`not an agency code like 000.00.06.H56: "${agency}"`);
  }
  parseLocalDate(date);
  const year = Number(date.slice(0, 4));
  if (year < 2000 || year > 2099) throw new RangeError(`a dossier code cannot hold the year ${year}`);
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_DAILY_SEQUENCE) {
    throw new RangeError(
      `the daily sequence must be a whole number from 1 to ${MAX_DAILY_SEQUENCE}, got ${seq}`,
    );
  }
  const yymmdd = date.slice(2).replaceAll('-', '');
  return `${upper}-${yymmdd}-${String(seq).padStart(4, '0')}`;
}

/** Hyphen look-alikes residents' keyboards produce, and the underscore some type instead. */
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D_]/g;
const SHAPE = /^([0-9A-Z]{1,6}(?:\.[0-9A-Z]{1,6}){1,5})-(\d{2})(\d{2})(\d{2})-(\d{4})$/;

/**
 * Reads a dossier code as a resident might type it: any case, spaces around the separators or
 * instead of them, and en/em dashes, minus signs or full-width hyphens instead of `-`. Returns null
 * for anything that is not a code (including impossible dates and the sequence 0000).
 */
export function parseDossierCode(text: string): DossierCode | null {
  const tidy = text
    .normalize('NFKC')
    .replace(DASHES, '-')
    .replace(/^[\s"'“”‘’([{<]+|[\s"'“”‘’)\]}>.,;:!?]+$/g, '')
    .replace(/\s*([.-])\s*/g, '$1')
    .replace(/\s+/g, '-')
    .replace(/-{2,}/g, '-')
    .toUpperCase();
  const m = SHAPE.exec(tidy);
  if (!m) return null;
  const [, agency = '', yy = '', mm = '', dd = '', digits = ''] = m;
  const date = `20${yy}-${mm}-${dd}`;
  const seq = Number(digits);
  if (!isLocalDate(date) || seq < 1) return null;
  return { code: `${agency}-${yy}${mm}${dd}-${digits}`, agency, date, seq };
}

/** Reserves the next number from `sequence` and formats the code for `agency` on `date`. */
export async function nextDossierCode(
  sequence: DossierSequence,
  agency: string,
  date: LocalDate,
): Promise<string> {
  const upper = agency.trim().toUpperCase();
  const seq = await sequence.next(upper, date);
  return formatDossierCode(upper, date, seq);
}
