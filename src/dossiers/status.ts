import { VN_TIME_ZONE, localDateOf, parseLocalDate, type LocalDate } from './calendar.js';

/*
 * The national list of dossier statuses (codes 1 to 10) used when one-stop systems sync dossiers
 * to the national portal, the moves allowed between them, and the timeliness label of a finished
 * dossier. Resident-facing wording lives in the locales under `dossier_status.<code>.name` and
 * `dossier_status.<code>.explain`; the official Vietnamese names below are for officers and adapters.
 */

/** Status codes of the national list, by meaning. */
export const DossierStatus = {
  /** Mới đăng ký: filed online, waiting for the desk to accept it. */
  Submitted: 1,
  /** Được tiếp nhận: accepted, appointment date set. */
  Accepted: 2,
  /** Không được tiếp nhận: refused at intake. */
  NotAccepted: 3,
  /** Đang xử lý: with the specialist. */
  Processing: 4,
  /** Yêu cầu bổ sung giấy tờ: the resident must add or fix papers. */
  SupplementRequested: 5,
  /** Yêu cầu thực hiện nghĩa vụ tài chính: the resident must pay a fee or tax. */
  PaymentRequested: 6,
  /** Công dân yêu cầu rút hồ sơ: the resident asked to withdraw. */
  WithdrawalRequested: 7,
  /** Dừng xử lý: processing stopped. */
  Stopped: 8,
  /** Đã xử lý xong: the result is ready to be handed over. */
  Processed: 9,
  /** Đã trả kết quả: the result was handed over. */
  Returned: 10,
} as const;

/** One status code, 1 to 10. */
export type DossierStatus = (typeof DossierStatus)[keyof typeof DossierStatus];

/** Every status code in order. */
export const DOSSIER_STATUSES: readonly DossierStatus[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** The official Vietnamese name of each status, as one-stop systems and the national portal show it. */
export const OFFICIAL_STATUS_NAMES: Readonly<Record<DossierStatus, string>> = {
  1: 'Mới đăng ký',
  2: 'Được tiếp nhận',
  3: 'Không được tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung giấy tờ',
  6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân yêu cầu rút hồ sơ',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả',
};

/** Statuses after which nothing more happens to a dossier. */
const FINAL: ReadonlySet<DossierStatus> = new Set([3, 8, 10]);

/** Statuses from which the resident may still ask to withdraw: open, with no result yet. */
const WITHDRAWABLE: ReadonlySet<DossierStatus> = new Set([1, 2, 4, 5, 6]);

/**
 * Moves an officer (or the resident, for a withdrawal) may make from each status. A supplement or
 * a payment sends the dossier back to processing; a withdrawal request ends in "stopped".
 */
export const TRANSITIONS: Readonly<Record<DossierStatus, readonly DossierStatus[]>> = {
  1: [2, 3, 7],
  2: [4, 7],
  3: [],
  4: [5, 6, 8, 9, 7],
  5: [4, 8, 7],
  6: [4, 8, 7],
  7: [8],
  8: [],
  9: [10],
  10: [],
};

/** True when `value` is one of the ten status codes. */
export function isDossierStatus(value: unknown): value is DossierStatus {
  return typeof value === 'number' && (DOSSIER_STATUSES as readonly number[]).includes(value);
}

/** True when a dossier may move from `from` to `to` (staying put is not a move). */
export function canMove(from: DossierStatus, to: DossierStatus): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

/** True while something can still happen to the dossier: not refused, stopped or handed over. */
export function isOpen(status: DossierStatus): boolean {
  return isDossierStatus(status) && !FINAL.has(status);
}

/** True when the resident may still ask to withdraw (open and no result ready yet). */
export function canWithdraw(status: DossierStatus): boolean {
  return WITHDRAWABLE.has(status);
}

/** The i18n keys of a status's short name and of its "what it means, what happens next" text. */
export function statusTextKeys(status: DossierStatus): { name: string; explain: string } {
  return { name: `dossier_status.${status}.name`, explain: `dossier_status.${status}.explain` };
}

/** Whether a dossier finished before, on, or after its appointment date. */
export type Timeliness = 'early' | 'on_time' | 'late';

/** The labels one-stop reports use for {@link Timeliness}. */
export const TIMELINESS_LABELS: Readonly<Record<Timeliness, string>> = {
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Quá hạn',
};

/** The i18n key of the resident-facing timeliness label. */
export function timelinessTextKey(value: Timeliness): string {
  return `dossier_status.timeliness.${value}`;
}

/**
 * Compares the day a dossier finished with its appointment date, on the local calendar: finishing
 * on the appointment date itself is on time. An instant is read in `timeZone` (default Vietnam).
 */
export function timeliness(
  appointment: LocalDate,
  finished: LocalDate | Date,
  timeZone: string = VN_TIME_ZONE,
): Timeliness {
  const due = parseLocalDate(appointment);
  const done = finished instanceof Date ? localDateOf(finished, timeZone) : parseLocalDate(finished);
  if (done < due) return 'early';
  return done === due ? 'on_time' : 'late';
}
