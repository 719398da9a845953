import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { RecipientLine } from '../../broadcasts/contract.js';
import { spreadsheetSafe } from '../audit-log/csv.js';
import { localTimestamp } from '../audit-log/time.js';
import type { BroadcastTexts } from './texts.js';

async function* records(t: BroadcastTexts, lines: AsyncIterable<RecipientLine>, timezone: string) {
  const at = (d: Date | null) => (d ? localTimestamp(d, timezone) : '');
  yield [t.csv.userId, t.csv.status, t.csv.reason, t.csv.sentAt, t.csv.receivedAt, t.csv.seenAt];
  for await (const l of lines) {
    yield [l.userId, l.status, l.reason ?? '', at(l.sentAt), at(l.receivedAt), at(l.seenAt)].map(
      spreadsheetSafe,
    );
  }
}

/**
 * Writes a broadcast's recipients as CSV to `out` and ends it: Zalo user ids and delivery times on
 * the office's clock, no names or phones. UTF-8 with a byte order mark and CRLF line ends, for
 * spreadsheets.
 */
export async function writeRecipientsCsv(
  out: Writable,
  t: BroadcastTexts,
  lines: AsyncIterable<RecipientLine>,
  timezone: string,
): Promise<void> {
  await pipeline(
    Readable.from(records(t, lines, timezone)),
    stringify({ bom: true, record_delimiter: 'windows' }),
    out,
  );
}
