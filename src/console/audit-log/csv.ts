import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { AuditRow } from './queries.js';
import { localTimestamp } from './time.js';

/** Cells a spreadsheet would read as a formula (=, +, -, @, tab, carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell made safe to open in a spreadsheet: a leading formula character gets a `'` before it. */
export function spreadsheetSafe(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One audit row as CSV cells, in the order of the header. */
export function auditCsvRecord(row: AuditRow, timezone: string): string[] {
  return [
    String(row.id),
    localTimestamp(row.at, timezone),
    row.at.toISOString(),
    row.actor,
    row.action,
    row.subjectKind ?? '',
    row.subjectId ?? '',
    row.details === null || row.details === undefined ? '' : JSON.stringify(row.details),
  ].map(spreadsheetSafe);
}

async function* records(head: string[], rows: AsyncIterable<AuditRow>, timezone: string) {
  yield head;
  for await (const row of rows) yield auditCsvRecord(row, timezone);
}

/**
 * Writes `rows` as CSV to `out` (UTF-8 with a byte order mark, so spreadsheets read Vietnamese
 * right; CRLF line ends), the header first, and ends `out`.
 */
export async function writeAuditCsv(
  out: Writable,
  head: string[],
  rows: AsyncIterable<AuditRow>,
  timezone: string,
): Promise<void> {
  await pipeline(
    Readable.from(records(head, rows, timezone)),
    stringify({ bom: true, record_delimiter: 'windows' }),
    out,
  );
}
