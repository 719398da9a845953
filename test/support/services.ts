import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded.js';

/** A temporary directory removed by the returned function. */
export function tempDir(prefix = 'motcua-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A real Redis for one test file: a fresh redis-server child (AOF on) in a temp
 * dir, so tests never touch a developer's data and can kill it on purpose.
 * A test that restarts it assigns the new `stop` and `pid` to the handle.
 */
export async function startTestRedis(): Promise<
  EmbeddedRedis & { client: () => Redis; cleanup: () => Promise<void> }
> {
  const tmp = tempDir('motcua-redis-');
  const server = await startEmbeddedRedis({ dir: tmp.dir });
  const clients: Redis[] = [];
  const handle = {
    ...server,
    client: () => {
      const c = new Redis(server.url, { maxRetriesPerRequest: null });
      clients.push(c);
      return c;
    },
    cleanup: async () => {
      for (const c of clients) c.disconnect();
      await handle.stop();
      tmp.remove();
    },
  };
  return handle;
}

/** Which database the integration project runs on: PGlite by default, PostgreSQL when asked. */
export function testDbKind(): 'pglite' | 'postgres' {
  return process.env.MOTCUA_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or a new
 * PostgreSQL database created on DATABASE_URL's server and dropped afterwards.
 * `url` is set on PostgreSQL so child processes can share it.
 */
export async function openTestDatabase(): Promise<
  DatabaseHandle & { url?: string; cleanup: () => Promise<void> }
> {
  if (testDbKind() === 'pglite') {
    const handle = await openDatabase({ dataDir: null });
    await handle.migrate();
    return { ...handle, cleanup: () => handle.close() };
  }
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('MOTCUA_TEST_DB=postgres needs DATABASE_URL');
  const name = `motcua_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: null });
  await handle.migrate();
  return {
    ...handle,
    url: url.toString(),
    cleanup: async () => {
      await handle.close();
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
