import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/connection.js';
import { round } from './stats.js';
import { residentId } from './zalo-events.js';

/** The first resident index of the broadcast audience (distinct from every other part's residents). */
export const AUDIENCE_BASE = 7_000_000;

/** Hours before the seeding since audience member `n` last interacted: 1-150 h, inside Zalo's 7 days. */
const hoursSinceInteraction = (n: number) => ((n * 37) % 150) + 1;

/** The audience's resident ids, in index order. */
export function audienceIds(count: number): string[] {
  return Array.from({ length: count }, (_, n) => residentId(AUDIENCE_BASE + n));
}

/**
 * Writes `count` followers straight into `conversations` in one INSERT … SELECT over
 * generate_series (ids built the way residentId builds them), each with a last interaction
 * inside the 7-day window. Returns the ms it took.
 */
export async function seedConversations(
  db: Database,
  oaId: string,
  count: number,
  now: Date,
): Promise<number> {
  const t0 = performance.now();
  await db.execute(sql`
    insert into conversations (oa_id, user_id, following, last_interaction_at)
    select ${oaId}, '24684588' || lpad((${AUDIENCE_BASE}::bigint + g)::text, 11, '0'), true,
      ${now.toISOString()}::timestamptz - (((g * 37) % 150) + 1) * interval '1 hour'
    from generate_series(0, ${count - 1}) g`);
  return round(performance.now() - t0, 0);
}

/**
 * Tells the emulator the same residents follow the OA and interacted at the same times, through
 * its bulk endpoint, 20,000 at a time. Returns the ms it took.
 */
export async function seedEmulator(api: string, ids: string[], now: Date): Promise<number> {
  const t0 = performance.now();
  for (let from = 0; from < ids.length; from += 20_000) {
    const users = ids.slice(from, from + 20_000).map((userId, k) => ({
      userId,
      follower: true,
      lastInteractionAt: now.getTime() - hoursSinceInteraction(from + k) * 3_600_000,
    }));
    const res = await fetch(`${api}/users/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ users }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${api}/users/bulk answered HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
  return round(performance.now() - t0, 0);
}
