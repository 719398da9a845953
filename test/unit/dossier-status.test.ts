import { describe, expect, it } from 'vitest';
import { createTranslator, loadResources } from '../../src/i18n.js';
import {
  DOSSIER_STATUSES,
  DossierStatus,
  OFFICIAL_STATUS_NAMES,
  TIMELINESS_LABELS,
  canMove,
  canWithdraw,
  isDossierStatus,
  isOpen,
  statusTextKeys,
  timeliness,
  timelinessTextKey,
  type Timeliness,
} from '../../src/dossiers/status.js';

/** Every move the national workflow allows, written out as pairs. */
const ALLOWED = [
  '1>2', '1>3', '1>7',
  '2>4', '2>7',
  '4>5', '4>6', '4>7', '4>8', '4>9',
  '5>4', '5>7', '5>8',
  '6>4', '6>7', '6>8',
  '7>8',
  '9>10',
]; // prettier-ignore

describe('the national status list', () => {
  it('has the ten codes with their official names', () => {
    expect(DOSSIER_STATUSES).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Object.values(DossierStatus).sort((a, b) => a - b)).toEqual(DOSSIER_STATUSES);
    expect(OFFICIAL_STATUS_NAMES[DossierStatus.Accepted]).toBe('Được tiếp nhận');
    expect(OFFICIAL_STATUS_NAMES[DossierStatus.SupplementRequested]).toBe('Yêu cầu bổ sung giấy tờ');
    expect(OFFICIAL_STATUS_NAMES[DossierStatus.Returned]).toBe('Đã trả kết quả');
    expect(isDossierStatus(10)).toBe(true);
    for (const v of [0, 11, 2.5, '2', null]) expect(isDossierStatus(v), String(v)).toBe(false);
  });

  it('explains every status to residents in Vietnamese and English', async () => {
    const tr = await createTranslator('vi');
    const vi = tr.t('vi');
    const en = tr.t('en');
    for (const status of DOSSIER_STATUSES) {
      const keys = statusTextKeys(status);
      expect(tr.has(keys.name), keys.name).toBe(true);
      expect(tr.has(keys.explain), keys.explain).toBe(true);
      const explain = vi(keys.explain);
      expect(explain, explain).toMatch(/Anh\/Chị/);
      expect(explain.length, explain).toBeLessThanOrEqual(300);
      expect(en(keys.explain)).not.toBe(explain);
      expect(Array.from(vi(keys.name)).length, vi(keys.name)).toBeLessThanOrEqual(20);
    }
    const res = loadResources();
    const block = (lng: string) =>
      Object.keys((res[lng]!.common as Record<string, Record<string, unknown>>).dossier_status!).sort();
    expect(block('vi')).toEqual([...DOSSIER_STATUSES.map(String), 'timeliness'].sort());
    expect(block('en')).toEqual(block('vi'));
  });
});

describe('moves between statuses', () => {
  it('allows exactly the moves of the workflow', () => {
    const allowed: string[] = [];
    for (const from of DOSSIER_STATUSES)
      for (const to of DOSSIER_STATUSES) if (canMove(from, to)) allowed.push(`${from}>${to}`);
    expect(allowed.sort()).toEqual([...ALLOWED].sort());
  });

  it('refuses skipping steps, reopening and standing still', () => {
    expect(canMove(DossierStatus.Submitted, DossierStatus.Processing)).toBe(false);
    expect(canMove(DossierStatus.Accepted, DossierStatus.Processed)).toBe(false);
    expect(canMove(DossierStatus.NotAccepted, DossierStatus.Accepted)).toBe(false);
    expect(canMove(DossierStatus.Stopped, DossierStatus.Processing)).toBe(false);
    expect(canMove(DossierStatus.Returned, DossierStatus.Processed)).toBe(false);
    expect(canMove(DossierStatus.Processed, DossierStatus.WithdrawalRequested)).toBe(false);
    expect(canMove(DossierStatus.WithdrawalRequested, DossierStatus.Processing)).toBe(false);
    for (const s of DOSSIER_STATUSES) expect(canMove(s, s), `${s}`).toBe(false);
  });

  it('sends a supplemented or paid dossier back to processing', () => {
    expect(canMove(DossierStatus.SupplementRequested, DossierStatus.Processing)).toBe(true);
    expect(canMove(DossierStatus.PaymentRequested, DossierStatus.Processing)).toBe(true);
  });

  it('lets every open dossier without a result be withdrawn, and nothing else', () => {
    for (const s of DOSSIER_STATUSES) {
      expect(canMove(s, DossierStatus.WithdrawalRequested), `${s}`).toBe(canWithdraw(s));
      if (canWithdraw(s)) expect(isOpen(s)).toBe(true);
    }
    expect(DOSSIER_STATUSES.filter(canWithdraw)).toEqual([1, 2, 4, 5, 6]);
  });

  it('says which statuses are still open', () => {
    expect(DOSSIER_STATUSES.filter((s) => !isOpen(s))).toEqual([3, 8, 10]);
    for (const s of DOSSIER_STATUSES)
      if (!isOpen(s)) expect(DOSSIER_STATUSES.some((t) => canMove(s, t))).toBe(false);
  });
});

describe('timeliness', () => {
  it('is on time on the appointment date, early before it and late after it', () => {
    expect(timeliness('2026-03-10', '2026-03-09')).toBe('early');
    expect(timeliness('2026-03-10', '2026-03-10')).toBe('on_time');
    expect(timeliness('2026-03-10', '2026-03-11')).toBe('late');
    expect(timeliness('2026-02-28', '2026-03-01')).toBe('late');
    expect(timeliness('2026-12-31', '2027-01-01')).toBe('late');
  });

  it('compares local calendar dates, not UTC ones', () => {
    expect(timeliness('2026-03-10', new Date('2026-03-10T23:59:00+07:00'))).toBe('on_time');
    // 17:01 UTC on the 10th is already the 11th in Vietnam.
    expect(timeliness('2026-03-10', new Date('2026-03-10T17:01:00Z'))).toBe('late');
    // 23:30 UTC on the 9th is the morning of the 10th in Vietnam.
    expect(timeliness('2026-03-10', new Date('2026-03-09T23:30:00Z'))).toBe('on_time');
    expect(timeliness('2026-03-10', new Date('2026-03-09T16:59:00Z'))).toBe('early');
  });

  it('refuses impossible dates', () => {
    expect(() => timeliness('2026-02-30', '2026-03-01')).toThrow(RangeError);
    expect(() => timeliness('2026-03-10', '10/03/2026')).toThrow(RangeError);
  });

  it('has report labels and resident texts for every value', async () => {
    const tr = await createTranslator('vi');
    const values: Timeliness[] = ['early', 'on_time', 'late'];
    expect(values.map((v) => TIMELINESS_LABELS[v])).toEqual(['Trước hạn', 'Đúng hạn', 'Quá hạn']);
    for (const v of values) expect(tr.has(timelinessTextKey(v)), v).toBe(true);
    expect(tr.t('en')(timelinessTextKey('late'))).toBe('Overdue');
  });
});
