import { describe, expect, it } from 'vitest';
import { upkeepDue } from '../../src/db/upkeep.js';

describe('which busy tables need a vacuum or an analyse', () => {
  it('vacuums a table once its dead rows pass 50 plus a fifth of the live ones', () => {
    expect(upkeepDue([{ table: 'outbox', live: 100_000, dead: 20_050, changedSinceAnalyze: 0 }])).toEqual([]);
    expect(upkeepDue([{ table: 'outbox', live: 100_000, dead: 20_051, changedSinceAnalyze: 0 }])).toEqual([
      { table: 'outbox', vacuum: true, analyze: false },
    ]);
  });

  it('analyses a table once the rows changed since the last analyse pass 50 plus a tenth of the live ones', () => {
    expect(upkeepDue([{ table: 'conversations', live: 1000, dead: 0, changedSinceAnalyze: 150 }])).toEqual(
      [],
    );
    expect(upkeepDue([{ table: 'conversations', live: 1000, dead: 0, changedSinceAnalyze: 151 }])).toEqual([
      { table: 'conversations', vacuum: false, analyze: true },
    ]);
  });

  it('does both when both are due, and leaves quiet tables out', () => {
    expect(
      upkeepDue([
        { table: 'outbox', live: 600, dead: 400, changedSinceAnalyze: 1000 },
        { table: 'inbound_events', live: 10, dead: 2, changedSinceAnalyze: 12 },
      ]),
    ).toEqual([{ table: 'outbox', vacuum: true, analyze: true }]);
  });

  it('takes other thresholds when given', () => {
    const eager = { base: 0, vacuumShare: 0, analyzeShare: 0 };
    expect(upkeepDue([{ table: 'outbox', live: 5, dead: 1, changedSinceAnalyze: 0 }], eager)).toEqual([
      { table: 'outbox', vacuum: true, analyze: false },
    ]);
  });
});
