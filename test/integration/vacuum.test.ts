import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/broadcasts/sql-rows.js';
import type { TableUpkeep } from '../../src/db/upkeep.js';
import { BUSY_TABLES, readTableActivity, startVacuum } from '../../src/db/vacuum.js';
import { createLogger } from '../../src/log.js';
import { openTestDatabase, testDbKind } from '../support/services.js';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;

interface TableStats {
  relname: string;
  reltuples: number;
  vacuumed: boolean;
  analysed: boolean;
}

async function statsOf(db: TestDatabase): Promise<TableStats[]> {
  const result = await db.db.execute(sql`
    select c.relname, c.reltuples::float8 as reltuples, s.last_vacuum is not null as vacuumed,
           s.last_analyze is not null as analysed
    from pg_class c left join pg_stat_user_tables s on s.relid = c.oid
    where c.relkind = 'r' and c.relname in (${sql.join(
      BUSY_TABLES.map((t) => sql`${t}`),
      sql`, `,
    )})
    order by c.relname`);
  return rowsOf<TableStats>(result).map((r) => ({ ...r, reltuples: Number(r.reltuples) }));
}

describe.skipIf(testDbKind() !== 'pglite')('vacuuming busy tables on PGlite', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase();
    // 600 sends, 400 of them already delivered: each delivery left a dead row behind.
    await db.db.execute(sql`
      insert into outbox (oa_id, user_id, lane, cause, message)
      select 'oa-1', 'resident-' || g, 'broadcast', 'broadcast:1', '{"text":"Thông báo"}'::jsonb
      from generate_series(1, 600) g`);
    await db.db.execute(sql`update outbox set status = 'sent', sent_at = now() where id <= 400`);
    // Ten conversations: far below the thresholds, so nothing is done to that table.
    await db.db.execute(sql`
      insert into conversations (oa_id, user_id, state)
      select 'oa-1', 'resident-' || g, '{}'::jsonb from generate_series(1, 10) g`);
  });

  afterAll(async () => {
    await db.cleanup();
  });

  it('reads live, dead and changed rows from the statistics', async () => {
    let outbox = (await readTableActivity(db, BUSY_TABLES)).find((t) => t.table === 'outbox');
    // The statistics of a transaction reach the view once the backend has been idle a moment.
    for (let i = 0; i < 40 && (outbox?.dead ?? 0) < 400; i++) {
      await new Promise((r) => setTimeout(r, 100));
      outbox = (await readTableActivity(db, BUSY_TABLES)).find((t) => t.table === 'outbox');
    }
    expect(outbox).toEqual({ table: 'outbox', live: 600, dead: 400, changedSinceAnalyze: 1000 });
  });

  it('vacuums and analyses on a timer the table whose dead rows call for it, and leaves quiet tables alone', async () => {
    const before = await statsOf(db);
    expect(before.map((t) => t.relname).sort()).toEqual([...BUSY_TABLES].sort());
    expect(before.find((t) => t.relname === 'outbox')).toMatchObject({ reltuples: -1, vacuumed: false });

    const vacuum = startVacuum({ handle: db, logger: createLogger('silent'), everyMs: 50 });
    let after = before;
    for (let i = 0; i < 100 && !after.find((t) => t.relname === 'outbox')?.vacuumed; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await statsOf(db);
    }
    await vacuum.stop();

    expect(after.find((t) => t.relname === 'outbox')).toMatchObject({
      reltuples: 600,
      vacuumed: true,
      analysed: true,
    });
    for (const table of after.filter((t) => t.relname !== 'outbox'))
      expect(table, table.relname).toMatchObject({ vacuumed: false, analysed: false });
    // Once done, the dead rows are gone and the next check finds nothing to do.
    const outbox = (await readTableActivity(db, ['outbox']))[0];
    expect(outbox?.dead).toBe(0);
  });
});

describe.skipIf(testDbKind() !== 'postgres')('vacuuming on PostgreSQL', () => {
  it('is left to autovacuum: no timer, and a direct call does nothing', async () => {
    const db = await openTestDatabase();
    try {
      const calls: TableUpkeep[][] = [];
      const handle = {
        kind: db.kind,
        db: db.db,
        vacuum: async (work: readonly TableUpkeep[]) => {
          calls.push([...work]);
          await db.vacuum(work);
        },
      };
      const vacuum = startVacuum({ handle, logger: createLogger('silent'), everyMs: 20 });
      await new Promise((r) => setTimeout(r, 200));
      await vacuum.runOnce();
      await vacuum.stop();
      expect(calls).toEqual([]);
      const [outbox] = (await statsOf(db)).filter((t) => t.relname === 'outbox');
      await db.vacuum([{ table: 'outbox', vacuum: true, analyze: true }]);
      expect((await statsOf(db)).find((t) => t.relname === 'outbox')).toEqual(outbox);
    } finally {
      await db.cleanup();
    }
  });
});
