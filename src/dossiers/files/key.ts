import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, MotcuaError } from '../../errors.js';

/**
 * The key that encrypts residents' documents at rest: FILES_KEY when set,
 * otherwise a key generated once under DATA_DIR/keys and kept there.
 */

/** Length in bytes of an AES-256 key. */
export const FILES_KEY_BYTES = 32;

/** Where the generated key lives and what it is called. */
export interface FilesKeySource {
  /** FILES_KEY as configured: base64 of exactly 32 bytes. Blank means unset. */
  configured?: string;
  /** DATA_DIR; the generated key is kept in `keys/files.key` under it. */
  dataDir: string;
}

/** The files key from FILES_KEY, or from `<dataDir>/keys/files.key`, generating that file once. */
export async function loadFilesKey(opts: FilesKeySource): Promise<Buffer> {
  const configured = opts.configured?.trim();
  if (configured) {
    const key = decodeKey(configured);
    if (!key) {
      throw new MotcuaError(
        ErrorCode.ConfigInvalid,
        `FILES_KEY must be the base64 of exactly ${FILES_KEY_BYTES} bytes (e.g. the output of "openssl rand -base64 32")`,
      );
    }
    return key;
  }
  const file = path.join(opts.dataDir, 'keys', 'files.key');
  return (await readKeyFile(file)) ?? createKeyFile(file);
}

/** The 32 bytes `text` encodes in base64, or undefined when it is anything else. */
function decodeKey(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const key = Buffer.from(text, 'base64');
  if (key.length !== FILES_KEY_BYTES) return undefined;
  if (key.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')) return undefined;
  return key;
}

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw new MotcuaError(ErrorCode.ConfigInvalid, `the files key ${file} cannot be read`, { cause: err });
  }
  const key = decodeKey(text.trim());
  if (!key) {
    throw new MotcuaError(
      ErrorCode.ConfigInvalid,
      `the files key ${file} does not hold the base64 of ${FILES_KEY_BYTES} bytes; restore it from a backup or set FILES_KEY`,
    );
  }
  return key;
}

/**
 * Writes a fresh key to a private temporary file and puts it in place without
 * overwriting: when another process got there first, its key is the one used.
 */
async function createKeyFile(file: string): Promise<Buffer> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(FILES_KEY_BYTES);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeDurably(temp, `${key.toString('base64')}\n`);
  try {
    if (await placeWithoutOverwrite(temp, file)) {
      await syncDirectory(path.dirname(file));
      return key;
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  const theirs = await readKeyFile(file);
  if (!theirs)
    throw new MotcuaError(ErrorCode.ConfigInvalid, `the files key ${file} vanished while being created`);
  return theirs;
}

/**
 * Hard-links `temp` to `file`, which fails when `file` exists; where hard links are
 * unsupported, renames unless a key is already there. False when another key won.
 */
async function placeWithoutOverwrite(temp: string, file: string): Promise<boolean> {
  try {
    await link(temp, file);
    return true;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    if (!isErrno(err, 'EPERM') && !isErrno(err, 'ENOTSUP') && !isErrno(err, 'ENOSYS')) throw err;
  }
  if (await readKeyFile(file)) return false;
  await rename(temp, file);
  return true;
}

/** Creates `file` readable by the owner only and flushes it to disk: documents are useless without it. */
async function writeDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory's entries, where the platform allows it. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
