import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, MotcuaError } from '../../errors.js';
import { openFile, sealFile } from './cipher.js';

/**
 * Residents' documents on disk, each encrypted under the files key and bound
 * to its own id, in `<year>/<month>/<id>.enc` under the store's directory.
 */

/** What a dossier record keeps about one stored document. */
export interface StoredFile {
  /** Random UUID; also the context the content is sealed to. */
  id: string;
  /** Relative to the store's directory, e.g. `2026/12/<id>.enc`. */
  path: string;
  /** Hex SHA-256 of the plaintext, to recognise the same document sent twice. */
  sha256: string;
  /** Plaintext size in bytes. */
  size: number;
}

/** Where documents are kept and the key that seals them. */
export interface FileStoreOptions {
  dir: string;
  key: Buffer;
}

/** Encrypted storage for residents' documents. */
export interface FileStore {
  /** Seals `bytes` under a new id and writes them atomically. */
  put(bytes: Buffer): Promise<StoredFile>;
  /** The plaintext of a stored document; throws FileUnreadable when it is missing or does not decrypt. */
  read(ref: StoredFile | { path: string; id: string }): Promise<Buffer>;
  /** Deletes a stored document; false when it was already gone. */
  remove(path: string): Promise<boolean>;
}

/** Builds a store writing under `dir`. */
export function createFileStore(opts: FileStoreOptions): FileStore {
  const root = path.resolve(opts.dir);
  return {
    async put(bytes) {
      const id = randomUUID();
      const relative = storedPath(id, new Date());
      await writeAtomically(within(root, relative), sealFile(opts.key, bytes, id));
      return {
        id,
        path: relative,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
      };
    },
    async read(ref) {
      let sealed: Buffer;
      try {
        sealed = await readFile(within(root, ref.path));
      } catch (err) {
        throw new MotcuaError(ErrorCode.FileUnreadable, `stored file ${ref.id} cannot be read`, {
          cause: err,
        });
      }
      return openFile(opts.key, sealed, ref.id);
    },
    async remove(relative) {
      try {
        await unlink(within(root, relative));
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
    },
  };
}

/** `<yyyy>/<mm>/<id>.enc`, by the UTC month of storing; always with forward slashes. */
function storedPath(id: string, now: Date): string {
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  return `${now.getUTCFullYear()}/${month}/${id}.enc`;
}

/** The absolute path of `relative` under `root`; refuses paths that leave it. */
function within(root: string, relative: string): string {
  const full = path.resolve(root, relative);
  if (path.isAbsolute(relative) || !full.startsWith(root + path.sep)) {
    throw new RangeError('a stored file path must stay inside the file store');
  }
  return full;
}

/** Writes to a private temporary file, flushes it, then renames it into place. */
async function writeAtomically(file: string, data: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
