import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/broadcasts/sql-rows.js';
import { BUSY_TABLES, startVacuum } from '../../src/db/vacuum.js';
import { createLogger } from '../../src/log.js';
import { openTestDatabase, testDbKind } from '../support/services.js';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;

interface TableStats {
  relname: string;
  reltuples: number;
  vacuumed: boolean;
}

async function statsOf(db: TestDatabase): Promise<TableStats[]> {
  const result = await db.db.execute(sql`
    select c.relname, c.reltuples::float8 as reltuples, s.last_vacuum is not null as vacuumed
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
  });

  afterAll(async () => {
    await db.cleanup();
  });

  it('runs on a timer, reclaiming dead rows and refreshing statistics of every busy table', async () => {
    const before = await statsOf(db);
    expect(before.map((t) => t.relname).sort()).toEqual([...BUSY_TABLES].sort());
    expect(before.find((t) => t.relname === 'outbox')).toMatchObject({ reltuples: -1, vacuumed: false });

    const vacuum = startVacuum({ handle: db, logger: createLogger('silent'), everyMs: 50 });
    let after = before;
    for (let i = 0; i < 100 && after.some((t) => !t.vacuumed); i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await statsOf(db);
    }
    await vacuum.stop();

    for (const table of after) expect(table.vacuumed, table.relname).toBe(true);
    expect(after.find((t) => t.relname === 'outbox')?.reltuples).toBe(600);
  });
});

describe.skipIf(testDbKind() !== 'postgres')('vacuuming on PostgreSQL', () => {
  it('is left to autovacuum: no timer, and a direct call does nothing', async () => {
    const db = await openTestDatabase();
    try {
      const calls: string[][] = [];
      const handle = {
        kind: db.kind,
        vacuum: async (tables: readonly string[]) => {
          calls.push([...tables]);
          await db.vacuum(tables);
        },
      };
      const vacuum = startVacuum({ handle, logger: createLogger('silent'), everyMs: 20 });
      await new Promise((r) => setTimeout(r, 200));
      await vacuum.stop();
      expect(calls).toEqual([]);
      const [outbox] = (await statsOf(db)).filter((t) => t.relname === 'outbox');
      await db.vacuum(BUSY_TABLES);
      expect((await statsOf(db)).find((t) => t.relname === 'outbox')).toEqual(outbox);
    } finally {
      await db.cleanup();
    }
  });
});
