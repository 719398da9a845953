import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFilesKey } from '../../src/dossiers/files/key.js';
import { createFileStore } from '../../src/dossiers/files/store.js';
import { ErrorCode, MotcuaError } from '../../src/errors.js';
import { png } from '../support/images.js';

const KEY = Buffer.alloc(32, 0x5a);
const MARKER = Buffer.from('GIAY KHAI SINH - Tran Van Binh - so 0123/2026', 'latin1');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'motcua-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function document(): Buffer {
  return Buffer.concat([png(640, 480), MARKER]);
}

async function unreadable(promise: Promise<unknown>): Promise<MotcuaError> {
  const err = await promise.then(
    () => {
      throw new Error('expected the read to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MotcuaError);
  expect((err as MotcuaError).code).toBe(ErrorCode.FileUnreadable);
  return err as MotcuaError;
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

describe('the file store', () => {
  it('stores a document encrypted, named by a random id under year and month', async () => {
    const store = createFileStore({ dir, key: KEY });
    const plaintext = document();
    const stored = await store.put(plaintext);
    expect(stored.id).toMatch(UUID);
    const now = new Date();
    const month = String(now.getUTCMonth() + 1).padStart(2, '0');
    expect(stored.path).toBe(`${now.getUTCFullYear()}/${month}/${stored.id}.enc`);
    expect(stored.size).toBe(plaintext.length);
    expect(stored.sha256).toBe(createHash('sha256').update(plaintext).digest('hex'));

    const onDisk = await readFile(path.join(dir, stored.path));
    expect(onDisk.subarray(0, 4).toString('ascii')).toBe('MCF1');
    expect(onDisk.includes(MARKER)).toBe(false);
    expect(onDisk.includes(plaintext.subarray(0, 16))).toBe(false);
    expect((await stat(path.join(dir, stored.path))).mode & 0o777).toBe(0o600);
    expect(await filesUnder(dir)).toEqual([path.join(...stored.path.split('/'))]);
  });

  it('reads back the same bytes, with the same hash', async () => {
    const store = createFileStore({ dir, key: KEY });
    const stored = await store.put(document());
    const back = await store.read(stored);
    expect(back.equals(document())).toBe(true);
    expect(createHash('sha256').update(back).digest('hex')).toBe(stored.sha256);
    expect((await store.read({ path: stored.path, id: stored.id })).equals(back)).toBe(true);
  });

  it('gives two documents different ids and files', async () => {
    const store = createFileStore({ dir, key: KEY });
    const [a, b] = await Promise.all([store.put(document()), store.put(document())]);
    expect(a.id).not.toBe(b.id);
    expect(a.sha256).toBe(b.sha256);
    expect((await filesUnder(dir)).sort()).toHaveLength(2);
  });

  it('refuses a file with a changed byte', async () => {
    const store = createFileStore({ dir, key: KEY });
    const stored = await store.put(document());
    const file = path.join(dir, stored.path);
    const bytes = await readFile(file);
    bytes[40] = (bytes[40] ?? 0) ^ 0x80;
    await writeFile(file, bytes);
    await unreadable(store.read(stored));
  });

  it('refuses a file under another key', async () => {
    const stored = await createFileStore({ dir, key: KEY }).put(document());
    await unreadable(createFileStore({ dir, key: Buffer.alloc(32, 0x5b) }).read(stored));
  });

  it('refuses a file read for another record', async () => {
    const store = createFileStore({ dir, key: KEY });
    const first = await store.put(document());
    const second = await store.put(png(400, 400));
    await unreadable(store.read({ path: first.path, id: second.id }));
    await unreadable(store.read({ path: second.path, id: first.id }));
  });

  it('removes a document once, and then cannot read it', async () => {
    const store = createFileStore({ dir, key: KEY });
    const stored = await store.put(document());
    expect(await store.remove(stored.path)).toBe(true);
    expect(await store.remove(stored.path)).toBe(false);
    await unreadable(store.read(stored));
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('keeps reads and removals inside its directory', async () => {
    const store = createFileStore({ dir: path.join(dir, 'store'), key: KEY });
    await writeFile(path.join(dir, 'outside.enc'), 'not yours');
    await unreadable(store.read({ path: '../outside.enc', id: 'x' }));
    await expect(store.remove('../outside.enc')).rejects.toThrow(RangeError);
    await expect(store.remove(path.join(dir, 'outside.enc'))).rejects.toThrow(RangeError);
    expect(await readFile(path.join(dir, 'outside.enc'), 'utf8')).toBe('not yours');
  });
});

describe('the files key', () => {
  it('is generated once under DATA_DIR/keys with private modes, then reused', async () => {
    const key = await loadFilesKey({ dataDir: dir });
    expect(key).toHaveLength(32);
    const file = path.join(dir, 'keys', 'files.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'keys'))).mode & 0o777).toBe(0o700);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64').equals(key)).toBe(true);
    expect((await loadFilesKey({ dataDir: dir })).equals(key)).toBe(true);
    expect((await loadFilesKey({ dataDir: dir, configured: '  ' })).equals(key)).toBe(true);
    expect(await readdir(path.join(dir, 'keys'))).toEqual(['files.key']);
  });

  it('comes out the same when several callers race to create it', async () => {
    const keys = await Promise.all(Array.from({ length: 6 }, () => loadFilesKey({ dataDir: dir })));
    for (const key of keys) expect(key.equals(keys[0]!)).toBe(true);
    expect(await readdir(path.join(dir, 'keys'))).toEqual(['files.key']);
    const stored = Buffer.from(
      (await readFile(path.join(dir, 'keys', 'files.key'), 'utf8')).trim(),
      'base64',
    );
    expect(stored.equals(keys[0]!)).toBe(true);
  });

  it('takes FILES_KEY when set, without writing a key file', async () => {
    const configured = Buffer.alloc(32, 0x11).toString('base64');
    const key = await loadFilesKey({ dataDir: dir, configured });
    expect(key.equals(Buffer.alloc(32, 0x11))).toBe(true);
    await expect(stat(path.join(dir, 'keys'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a FILES_KEY that is not base64 of 32 bytes, without echoing it', async () => {
    const bad = [
      Buffer.alloc(31, 0x22).toString('base64'),
      Buffer.alloc(33, 0x22).toString('base64'),
      Buffer.alloc(32, 0x22).toString('hex'),
      'c2VjcmV0LWtleS1ub3QtYmFzZTY0!!!!!!!!!!!!!!!=',
      'correct horse battery staple',
    ];
    for (const configured of bad) {
      const err = await loadFilesKey({ dataDir: dir, configured }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, configured).toBeInstanceOf(MotcuaError);
      expect((err as MotcuaError).code).toBe(ErrorCode.ConfigInvalid);
      expect((err as MotcuaError).message).toContain('FILES_KEY');
      expect((err as MotcuaError).message).not.toContain(configured);
    }
  });

  it('refuses a damaged key file rather than replacing it', async () => {
    await loadFilesKey({ dataDir: dir });
    const file = path.join(dir, 'keys', 'files.key');
    await writeFile(file, 'dGhpcyBpcyBub3QgYSBrZXk=\n');
    await expect(loadFilesKey({ dataDir: dir })).rejects.toMatchObject({ code: ErrorCode.ConfigInvalid });
    expect(await readFile(file, 'utf8')).toBe('dGhpcyBpcyBub3QgYSBrZXk=\n');
  });
});
