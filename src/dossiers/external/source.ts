import type { LocalDate } from '../calendar.js';
import type { DossierStatus } from '../status.js';

/*
 * A place the bot can read a dossier's status from. The bot's own records are the built-in source;
 * a provincial one-stop system (hệ thống một cửa điện tử) reached over HTTP is another.
 */

/** What a lookup asks for: the dossier code and, when the system needs it, the applicant's ID number. */
export interface DossierLookupQuery {
  /** The dossier code (mã hồ sơ) as the resident gave it, already checked by the caller. */
  code: string;
  /** The second factor the system checks before answering, usually the ID number (số giấy tờ). */
  secondFactor?: string;
}

/** A dossier as an outside system reports it, with its status on the national list. */
export interface ExternalDossier {
  /** The dossier code as the system prints it. */
  code: string;
  /** The status on the national list (1 to 10). */
  status: DossierStatus;
  /** The system's own wording of the status, e.g. "Đang giải quyết". */
  statusLabel?: string;
  /**
   * Set when the system's status is not in its mapping and `status` is only the stand-in 4
   * (Đang xử lý): tell the resident vaguely that the dossier is being handled, and show the label.
   */
  statusUnmapped?: true;
  /** The procedure's name as the system prints it. */
  procedureName?: string;
  /** The appointment date (ngày hẹn trả) on the local calendar. */
  appointmentDate?: LocalDate;
  /** When the system last changed the dossier. */
  updatedAt?: Date;
  /** A note the system attaches for the applicant, e.g. what to supplement. */
  note?: string;
  /** The name of the source that answered. */
  source: string;
}

/** Something that can report a dossier's status by its code; null means it does not know the code. */
export interface DossierStatusSource {
  /** A short name for logs and for {@link ExternalDossier.source}. */
  name: string;
  /** The dossier with that code, or null when the source has no such dossier. */
  lookup(query: DossierLookupQuery): Promise<ExternalDossier | null>;
}
