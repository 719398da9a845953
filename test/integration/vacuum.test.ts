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

/** 600 sends, 400 of them already delivered: each delivery left a dead row behind. */
async function seedDeliveredOutbox(db: TestDatabase): Promise<void> {
  await db.db.execute(sql`
    insert into outbox (oa_id, user_id, lane, cause, message)
    select 'oa-1', 'resident-' || g, 'broadcast', 'broadcast:1', '{"text":"Thông báo"}'::jsonb
    from generate_series(1, 600) g`);
  await db.db.execute(sql`update outbox set status = 'sent', sent_at = now() where id <= 400`);
}

/** The busy tables' statistics once the outbox shows a vacuum, polled every 50 ms up to `tries` times. */
async function statsOnceOutboxVacuumed(db: TestDatabase, tries: number): Promise<TableStats[]> {
  let stats = await statsOf(db);
  for (let i = 0; i < tries && !stats.find((t) => t.relname === 'outbox')?.vacuumed; i++) {
    await new Promise((r) => setTimeout(r, 50));
    stats = await statsOf(db);
  }
  return stats;
}

describe.skipIf(testDbKind() !== 'pglite')('vacuuming busy tables on PGlite', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase();
    await seedDeliveredOutbox(db);
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
    const after = await statsOnceOutboxVacuumed(db, 100);
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
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase();
    await seedDeliveredOutbox(db);
  });

  afterAll(async () => {
    await db.cleanup();
  });

  it('reads whether the server autovacuums from its own settings', async () => {
    const settings = rowsOf<{ autovacuum: string; counts: string }>(
      await db.db.execute(
        sql`select current_setting('autovacuum') as autovacuum, current_setting('track_counts') as counts`,
      ),
    )[0]!;
    expect(await db.autovacuums()).toBe(settings.autovacuum === 'on' && settings.counts === 'on');
  });

  it('leaves the tables to a server that autovacuums: the timer stops after one check', async () => {
    const calls: TableUpkeep[][] = [];
    const handle = {
      kind: db.kind,
      db: db.db,
      autovacuums: () => Promise.resolve(true),
      vacuum: (work: readonly TableUpkeep[]) => {
        calls.push([...work]);
        return Promise.resolve();
      },
    };
    const vacuum = startVacuum({ handle, logger: createLogger('silent'), everyMs: 20 });
    await new Promise((r) => setTimeout(r, 300));
    await vacuum.stop();
    expect(calls).toEqual([]);
  });

  it('keeps the busy tables itself, and says so, when the server’s autovacuum is off', async () => {
    const warnings: string[] = [];
    const logger = createLogger('warn', { write: (line: string) => warnings.push(line) });
    const handle = {
      kind: db.kind,
      db: db.db,
      vacuum: (work: readonly TableUpkeep[]) => db.vacuum(work),
      autovacuums: () => Promise.resolve(false),
    };
    const vacuum = startVacuum({ handle, logger, everyMs: 50 });
    // PostgreSQL publishes a backend's row counts within a second or so of its transaction.
    const after = await statsOnceOutboxVacuumed(db, 200);
    await vacuum.stop();
    expect(after.find((t) => t.relname === 'outbox')).toMatchObject({
      reltuples: 600,
      vacuumed: true,
      analysed: true,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/autovacuum is off/);
  });
});
