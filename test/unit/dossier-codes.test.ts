import { describe, expect, it } from 'vitest';
import {
  formatDossierCode,
  isAgencyCode,
  nextDossierCode,
  parseDossierCode,
  type DossierSequence,
} from '../../src/dossiers/codes.js';

const AGENCY = '000.00.06.H56';

describe('formatting dossier codes', () => {
  it('writes agency, yyMMdd and a four-digit daily number', () => {
    expect(formatDossierCode(AGENCY, '2023-10-27', 361)).toBe('000.00.06.H56-231027-0361');
    expect(formatDossierCode('000.17.22.h56', '2021-05-31', 1)).toBe('000.17.22.H56-210531-0001');
    expect(formatDossierCode(AGENCY, '2026-12-31', 9999)).toBe('000.00.06.H56-261231-9999');
  });

  it('refuses a malformed agency, date or number', () => {
    for (const agency of ['', 'H56', '000..06.H56', '000.00.06.H56.', 'UBND xã A', '000-00-06-H56'])
      expect(() => formatDossierCode(agency, '2023-10-27', 1), agency).toThrow(/agency/);
    expect(() => formatDossierCode(AGENCY, '2023-02-29', 1)).toThrow(RangeError);
    expect(() => formatDossierCode(AGENCY, '1999-12-31', 1)).toThrow(/year/);
    for (const seq of [0, -1, 10000, 1.5, Number.NaN])
      expect(() => formatDossierCode(AGENCY, '2023-10-27', seq), String(seq)).toThrow(/sequence/);
  });

  it('checks the agency shape loosely', () => {
    expect(isAgencyCode('000.00.06.H56')).toBe(true);
    expect(isAgencyCode(' 000.23.45.h38 ')).toBe(true);
    expect(isAgencyCode('G22.01')).toBe(true);
    expect(isAgencyCode('000 00 06 H56')).toBe(false);
    expect(isAgencyCode('000.00.06.H56-1')).toBe(false);
  });

  it('takes the next number from the sequence source', async () => {
    const calls: string[] = [];
    let n = 41;
    const seq: DossierSequence = {
      next: (agency, date) => {
        calls.push(`${agency} ${date}`);
        n += 1;
        return Promise.resolve(n);
      },
    };
    expect(await nextDossierCode(seq, '000.00.06.h56', '2026-03-05')).toBe('000.00.06.H56-260305-0042');
    expect(await nextDossierCode(seq, AGENCY, '2026-03-05')).toBe('000.00.06.H56-260305-0043');
    expect(calls).toEqual(['000.00.06.H56 2026-03-05', '000.00.06.H56 2026-03-05']);
    n = 9999;
    await expect(nextDossierCode(seq, AGENCY, '2026-03-05')).rejects.toThrow(/sequence/);
  });
});

describe('reading dossier codes', () => {
  it('round-trips what it formats', () => {
    const cases: [string, string, number][] = [
      [AGENCY, '2023-10-27', 361],
      ['000.17.22.H56', '2021-05-31', 1],
      ['000.23.45.H38', '2026-02-28', 9999],
      ['G22.01', '2024-02-29', 70],
    ];
    for (const [agency, date, seq] of cases) {
      const code = formatDossierCode(agency, date, seq);
      expect(parseDossierCode(code), code).toEqual({ code, agency, date, seq });
    }
  });

  it('accepts lower case, spaces and other dashes the way residents type them', () => {
    const canonical = '000.00.06.H56-231027-0361';
    const typed = [
      '000.00.06.h56-231027-0361',
      '  000.00.06.H56 - 231027 - 0361  ',
      '000.00.06.H56 231027 0361',
      '000.00.06.H56–231027–0361',
      '000.00.06.H56—231027—0361',
      '000.00.06.H56−231027−0361',
      '000.00.06.H56_231027_0361',
      '000.00.06.H56--231027--0361',
      '000. 00. 06. H56-231027-0361',
      '０００.００.０６.Ｈ５６－２３１０２７－０３６１',
      '"000.00.06.H56-231027-0361".',
    ];
    for (const text of typed) expect(parseDossierCode(text)?.code, text).toBe(canonical);
    expect(parseDossierCode(typed[1]!)).toMatchObject({ agency: AGENCY, date: '2023-10-27', seq: 361 });
  });

  it('returns null for anything that is not a code', () => {
    const garbage = [
      '',
      'xin chào',
      'hồ sơ của tôi đến đâu rồi',
      '0912345678',
      '000.00.06.H56',
      '000.00.06.H56-231027',
      '000.00.06.H56-231027-361',
      '000.00.06.H56-231027-03610',
      '000.00.06.H56-2310270361',
      '00006H56-231027-0361',
      '000.00.06.H56-231327-0361',
      '000.00.06.H56-230229-0001',
      '000.00.06.H56-231032-0001',
      '000.00.06.H56-231027-0000',
      '000.00.06.H56-231027-03a1',
      'mã 000.00.06.H56-231027-0361',
      '000.00.06.H56/231027/0361',
    ];
    for (const text of garbage) expect(parseDossierCode(text), text).toBeNull();
    expect(parseDossierCode('000.00.06.H56-240229-0001')?.date).toBe('2024-02-29');
  });
});
