import { describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('runs on embedded defaults with the emulator and fake credentials', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.zalo).toMatchObject({
      emulator: true,
      appId: EMULATOR_CREDENTIALS.appId,
      oaId: EMULATOR_CREDENTIALS.oaId,
    });
    expect(c.zalo.apiBase).toBe('http://127.0.0.1:3000/emulator/openapi');
    expect(c.quietHours).toEqual({ startMinute: 22 * 60, endMinute: 6 * 60 });
  });

  it('lists every bad variable at once, one per line', () => {
    const run = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', QUIET_HOURS: '10pm' });
    expect(run).toThrow(/PORT must be a whole number/);
    try {
      run();
    } catch (err) {
      const lines = (err as Error).message.split('\n').filter((l) => l.startsWith('  - '));
      expect(lines.map((l) => l.split(':')[0]!.trim())).toEqual([
        '- PORT',
        '- DATABASE_URL',
        '- LOG_LEVEL',
        '- QUIET_HOURS',
      ]);
    }
  });

  it('needs all four Zalo values once a real Zalo API is configured', () => {
    expect(() => loadConfig({ ZALO_API_BASE: 'https://openapi.zalo.me', ZALO_APP_ID: '1' })).toThrow(
      /ZALO_APP_SECRET: required[\s\S]*ZALO_OA_ID: required[\s\S]*ZALO_OA_SECRET_KEY: required/,
    );
  });

  it('needs the office agency code with a real Zalo OA, and checks its shape', () => {
    const real = {
      ZALO_API_BASE: 'https://openapi.zalo.me',
      ZALO_APP_ID: '1',
      ZALO_APP_SECRET: 's',
      ZALO_OA_ID: '2',
      ZALO_OA_SECRET_KEY: 'k',
    };
    expect(() => loadConfig(real)).toThrow(/AGENCY_CODE: required/);
    expect(() => loadConfig({ ...real, AGENCY_CODE: 'UBND Hoa Phu' })).toThrow(/AGENCY_CODE must look like/);
    expect(loadConfig({ ...real, AGENCY_CODE: '000.00.06.h56' }).dossiers.agencyCode).toBe('000.00.06.H56');
    expect(loadConfig({}).dossiers.agencyCode).toBe('000.00.00.H00');
  });

  it('does not print a password from a bad database URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://me:hunter2@db/x' })).toThrow(/\*\*\*/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://me:hunter2@db/x' })).not.toThrow(/hunter2/);
  });
});
