import { stringify } from 'csv-stringify/sync';
import { isDossierStatus, OFFICIAL_STATUS_NAMES } from '../../dossiers/status.js';
import { formatDate, formatInstant } from './format.js';
import type { DossierListItem } from './list.js';
import type { DossierTexts } from './texts.js';

/**
 * The dossier list as CSV for Excel: a UTF-8 byte order mark (so Vietnamese shows right), CRLF
 * line ends, official Vietnamese status names, and cells that look like formulas neutralised.
 */
export function dossiersCsv(items: DossierListItem[], t: DossierTexts, timeZone: string): string {
  const header = [
    t.code,
    t.procedureCode,
    t.procedure,
    t.statusCode,
    t.status,
    t.submitted,
    t.appointment,
    t.overdue,
    t.supplementReceived,
    t.oa,
  ];
  const rows = items.map((d) => [
    d.code,
    d.procedureCode,
    d.procedureName,
    String(d.status),
    isDossierStatus(d.status) ? OFFICIAL_STATUS_NAMES[d.status] : '',
    formatInstant(d.submittedAt, timeZone),
    formatDate(d.appointmentDate),
    d.overdue ? t.yes : '',
    d.supplementReceived ? t.yes : '',
    d.oaId,
  ]);
  return stringify([header, ...rows], { bom: true, escape_formulas: true, record_delimiter: 'windows' });
}
