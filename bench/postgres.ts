import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { ROOT } from './children.js';
import { onEmergency } from './cleanup.js';

/** A fresh database on a PostgreSQL server, dropped by `drop` (or by the emergency cleanup). */
export interface BenchDatabase {
  name: string;
  url: string;
  /** The server's `version()`, shortened. */
  version: string;
  /** Pids of the server's backends connected to this database (empty if the server is not local). */
  backendPids(): Promise<number[]>;
  drop(): Promise<void>;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const LOCAL_HOSTS = new Set(['', 'localhost', '127.0.0.1', '[::1]']);

/**
 * Creates a new database on `baseUrl`'s server (like test/support/services.ts
 * openTestDatabase); motcua migrates it when it starts.
 */
export async function createBenchDatabase(baseUrl: string): Promise<BenchDatabase> {
  const name = `motcua_bench_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const dropSql = `drop database if exists ${name} with (force)`;
  const version = await withClient(baseUrl, async (c) => {
    await c.query(`create database ${name}`);
    const r = await c.query<{ v: string }>('select version() as v');
    return (r.rows[0]?.v ?? '').split(' on ')[0] ?? '';
  });
  // Last resort on a signal or the watchdog: emergency tasks are synchronous, so drop from a child.
  const unguard = onEmergency(() => {
    spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import pg from 'pg'; const c = new pg.Client({ connectionString: process.env.BENCH_PG_URL });" +
          ' await c.connect(); await c.query(process.env.BENCH_PG_SQL); await c.end();',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, BENCH_PG_URL: baseUrl, BENCH_PG_SQL: dropSql },
        stdio: 'ignore',
        timeout: 15_000,
      },
    );
  });
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const local = LOCAL_HOSTS.has(url.hostname) || url.hostname.startsWith('/');
  return {
    name,
    url: url.toString(),
    version,
    async backendPids() {
      if (!local) return [];
      const pids = await withClient(baseUrl, async (c) => {
        const r = await c.query<{ pid: number }>(
          'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [name],
        );
        return r.rows.map((row) => row.pid);
      });
      // Only pids that are postgres processes here (the server may run in another pid namespace).
      return pids.filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('postgres');
        } catch {
          return false;
        }
      });
    },
    async drop() {
      await withClient(baseUrl, (c) => c.query(dropSql));
      unguard();
    },
  };
}
