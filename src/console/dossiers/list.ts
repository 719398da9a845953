import { isOverdue } from './filters.js';
import type { DossierListRow } from './queries.js';

/** One dossier as the list and the CSV show it. */
export interface DossierListItem {
  code: string;
  oaId: string;
  procedureCode: string;
  procedureName: string;
  status: number;
  appointmentDate: string | null;
  submittedAt: Date | null;
  overdue: boolean;
  /** The resident sent the papers asked for and the dossier waits for an officer to look. */
  supplementReceived: boolean;
}

/** Turns list rows into items, naming procedures with `procedureName`. */
export function toListItems(
  rows: DossierListRow[],
  procedureName: (oaId: string, code: string) => string,
  today: string,
): DossierListItem[] {
  return rows.map((r) => ({
    code: r.code,
    oaId: r.oaId,
    procedureCode: r.procedureCode,
    procedureName: procedureName(r.oaId, r.procedureCode),
    status: r.status ?? 1,
    appointmentDate: r.appointmentDate,
    submittedAt: r.submittedAt,
    overdue: isOverdue(r, today),
    supplementReceived: r.status === 5 && r.supplementedAt !== null,
  }));
}
