import { conversations, followerTags } from '../../src/db/schema.js';
import type { Database } from '../../src/db/connection.js';
import { emulatorClient } from './emulator-client.js';

/** Where seeded followers are written: the database, and the emulator serving at `origin`. */
export interface FollowerSeedTarget {
  db: Database;
  /** The origin the emulator's API is under (`<origin>/emulator/api`). */
  origin: string;
  oaId: string;
}

/**
 * Many followers at once, known to the emulator (following, written just now) and to motcua (a
 * conversation row each, with `tag` set by staff when given), as a backfill would leave them.
 * Their ids are `prefix` and a number of `digits` digits; returns them in order.
 */
export async function seedFollowers(
  target: FollowerSeedTarget,
  prefix: string,
  n: number,
  opts: { tag?: string; digits?: number } = {},
): Promise<string[]> {
  const { db, oaId } = target;
  const ids = Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(opts.digits ?? 4, '0')}`);
  const emu = emulatorClient(target.origin);
  for (const userId of ids) await emu.createUser(userId, { follower: true, lastInteractionAt: Date.now() });
  await db
    .insert(conversations)
    .values(ids.map((userId) => ({ oaId, userId, following: true, lastInteractionAt: new Date() })));
  const { tag } = opts;
  if (tag !== undefined)
    await db.insert(followerTags).values(ids.map((userId) => ({ oaId, userId, tag, source: 'staff' })));
  return ids;
}
