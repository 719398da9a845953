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
   * one table per statement so queries waiting behind one get a turn before the next.
   */
  vacuum(work: readonly TableUpkeep[]): Promise<void>;
  /** Whether the server vacuums and analyses by itself: never on PGlite; on PostgreSQL, its settings say. */
  autovacuums(): Promise<boolean>;
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
      for (const command of upkeepCommands(work)) await client.exec(command);
    },
    autovacuums: () => Promise.resolve(false),
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
    vacuum: async (work) => {
      // VACUUM cannot run inside a transaction: each is a statement of its own on a pooled client.
      for (const command of upkeepCommands(work)) await pool.query(command);
    },
    autovacuums: async () => {
      // Autovacuum also needs the row statistics it decides from.
      const { rows } = await pool.query<{ on: boolean }>(
        "select current_setting('autovacuum') = 'on' and current_setting('track_counts') = 'on' as on",
      );
      return rows[0]?.on === true;
    },
    close: () => pool.end(),
  };
}

function upkeepCommands(work: readonly TableUpkeep[]): string[] {
  return work.flatMap(({ table, vacuum, analyze }) => {
    const command = vacuum ? (analyze ? 'VACUUM (ANALYZE)' : 'VACUUM') : analyze ? 'ANALYZE' : null;
    return command ? [`${command} ${quoteIdent(table)}`] : [];
  });
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
