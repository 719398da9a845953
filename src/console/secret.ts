import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The console's session secret when CONSOLE_SESSION_SECRET is unset: generated once into
 * `<dataDir>/keys/console-session.key` (mode 0600) and read back on every start, so sessions
 * survive restarts. Several processes sharing DATA_DIR end up with the same secret.
 */
export async function loadSessionSecret(dataDir: string): Promise<string> {
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, 'console-session.key');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim().length >= 32) return existing.trim();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, randomBytes(48).toString('base64'), { mode: 0o600, flag: 'wx' });
  try {
    await writeFile(file, '', { flag: 'wx', mode: 0o600 });
    await rename(tmp, file);
  } catch {
    // Another process created it first: use theirs.
    await rename(tmp, `${tmp}.unused`).catch(() => undefined);
  }
  const secret = (await readFile(file, 'utf8')).trim();
  return secret.length >= 32 ? secret : loadSessionSecret(dataDir);
}
