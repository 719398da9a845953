import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';
import type { TableUpkeep } from './upkeep.js';

/** The Drizzle database type shared by PGlite and node-postgres. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open database with its kind and a way to close it. */
export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Applies pending migrations (serialised across processes on PostgreSQL). */
  migrate(): Promise<void>;
  /** Cheap liveness query for /readyz. */
  ping(): Promise<void>;
  /**
   * Vacuums (reclaims dead rows) and analyses (refreshes planner statistics) the tables listed,
   * where nothing else does: PGlite has no autovacuum. On PostgreSQL autovacuum does it, so this
   * does nothing.
   */
  vacuum(work: readonly TableUpkeep[]): Promise<void>;
  close(): Promise<void>;
}

const MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));
const MIGRATION_LOCK = 7_301_2024;

/**
 * Opens PostgreSQL when a URL is given, otherwise PGlite: under `dataDir/pglite`,
 * or in memory when `dataDir` is null (tests). PGlite serves one process only.
 */
export async function openDatabase(opts: {
  databaseUrl?: string;
  dataDir: string | null;
  poolSize?: number;
}): Promise<DatabaseHandle> {
  if (opts.databaseUrl) return Promise.resolve(openPostgres(opts.databaseUrl, opts.poolSize ?? 10));
  return openPglite(opts.dataDir);
}

async function openPglite(dataDir: string | null): Promise<DatabaseHandle> {
  let dir: string | undefined;
  if (dataDir) {
    dir = path.join(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
  }
  const client = dir ? await PGlite.create(dir) : await PGlite.create();
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS }),
    ping: async () => {
      await client.query('select 1');
    },
    vacuum: async (work) => {
      // One table per call: queries waiting behind the vacuum get a turn between tables.
      for (const { table, vacuum, analyze } of work) {
        const command = vacuum ? (analyze ? 'VACUUM (ANALYZE)' : 'VACUUM') : analyze ? 'ANALYZE' : null;
        if (command) await client.exec(`${command} ${quoteIdent(table)}`);
      }
    },
    close: () => client.close(),
  };
}

function openPostgres(url: string, poolSize: number): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  pool.on('error', () => {
    /* idle client errors surface on the next query; nothing to do here */
  });
  const db = drizzlePg(pool, { schema }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    migrate: async () => {
      const conn = await pool.connect();
      try {
        await conn.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migratePg(drizzlePg(conn, { schema }), { migrationsFolder: MIGRATIONS });
      } finally {
        await conn.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
        conn.release();
      }
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    vacuum: () => Promise.resolve(),
    close: () => pool.end(),
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
