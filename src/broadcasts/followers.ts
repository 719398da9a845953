import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { auditLog, conversations } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { ZaloClient } from '../zalo/client.js';
import type { RateBudget } from '../zalo/rate-budget.js';
import {
  listFollowers,
  listTags,
  type FollowerPage,
  type FollowerQuery,
  type TagCount,
} from './follower-list.js';
import { addTags, optOut, removeTags, tagsOf, type FollowerTag } from './follower-store.js';
import { syncFollowers, type SyncReport } from './follower-sync.js';

/**
 * Followers for staff: the backfill from Zalo's follower list, the list with tags, and tags set
 * by an officer. Staff tags are mirrored to Zalo (tag and untag) after the change is stored;
 * mirroring is best-effort and its outcome is returned, not thrown. Every change is audited.
 */

/** The Zalo calls followers need. */
export type FollowerZalo = Pick<ZaloClient, 'getFollowers' | 'call' | 'tagFollower' | 'untagFollower'>;

/** What the followers service needs. */
export interface FollowersDeps {
  db: Database;
  /** The Zalo client (and rate budget) for an OA; undefined where this process cannot reach Zalo for it. */
  zalo: (oaId: string) => { client: FollowerZalo; budget?: Pick<RateBudget, 'take' | 'pause'> } | undefined;
  /** Tags residents choose in chat, which the sync does not import from Zalo. */
  residentTags?: (oaId: string) => ReadonlySet<string>;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/** What an officer's tag change did. */
export interface TagChange {
  added: string[];
  removed: string[];
  /** False when Zalo could not be told every change (the stored tags stand). */
  mirrored: boolean;
}

/** Refusals the console can show; `code` says which. */
export class FollowerError extends Error {
  constructor(
    readonly code: 'not_found' | 'bad_tag' | 'too_many_tags' | 'no_zalo',
    message: string,
  ) {
    super(message);
    this.name = 'FollowerError';
  }
}

/** What staff can do with followers. */
export interface Followers {
  /** Pages through Zalo's followers and their tags and records them. */
  sync(oaId: string, opts?: { signal?: AbortSignal }): Promise<SyncReport>;
  /** One page of residents with their tags. */
  listFollowers(oaId: string, query?: FollowerQuery): Promise<FollowerPage>;
  /** Every tag with its number of residents. */
  listTags(oaId: string): Promise<TagCount[]>;
  /** Makes the resident's tags exactly `tags`; new ones are staff tags. `by` is the officer's username. */
  setTags(oaId: string, userId: string, tags: readonly string[], by: string): Promise<TagChange>;
  /**
   * Records an opt-out the resident asked an officer for (in a chat the officer owns, the bot
   * stays silent). Only the resident opts back in, by chat. False when they had opted out already.
   */
  recordOptOut(oaId: string, userId: string, by: string): Promise<boolean>;
}

/** Longest tag name, and most tags on one resident. */
export const MAX_TAG_LENGTH = 40;
export const MAX_TAGS = 20;

/** Trims, folds spaces, drops repeats; refuses empty, long or too many tags. */
export function cleanTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
    if (tag === '' || Array.from(tag).length > MAX_TAG_LENGTH)
      throw new FollowerError('bad_tag', `a tag must have 1 to ${MAX_TAG_LENGTH} characters`);
    if (!out.some((t) => t.toLowerCase() === tag.toLowerCase())) out.push(tag);
  }
  if (out.length > MAX_TAGS) throw new FollowerError('too_many_tags', `at most ${MAX_TAGS} tags`);
  return out;
}

/** Builds the followers service. */
export function createFollowers(deps: FollowersDeps): Followers {
  return {
    async sync(oaId, opts = {}) {
      const zalo = deps.zalo(oaId);
      if (!zalo) throw new FollowerError('no_zalo', `no Zalo client for OA ${oaId} in this process`);
      return syncFollowers(
        {
          db: deps.db,
          zalo: zalo.client,
          logger: deps.logger,
          ...(zalo.budget ? { budget: zalo.budget } : {}),
          ...(deps.residentTags ? { skipTags: deps.residentTags(oaId) } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        },
        oaId,
      );
    },
    listFollowers: (oaId, query) => listFollowers(deps.db, oaId, query),
    listTags: (oaId) => listTags(deps.db, oaId),
    async setTags(oaId, userId, tags, by) {
      const wanted = cleanTags(tags);
      const { added, removed } = await deps.db.transaction(async (tx) => {
        const [known] = await tx
          .select({ userId: conversations.userId })
          .from(conversations)
          .where(and(eq(conversations.oaId, oaId), eq(conversations.userId, userId)))
          .for('update');
        if (!known) throw new FollowerError('not_found', 'no such resident');
        const current = await tagsOf(tx, oaId, userId);
        const gone = await removeTags(
          tx,
          oaId,
          userId,
          current.filter((c) => !wanted.includes(c.tag)).map((c) => c.tag),
        );
        const fresh = await addTags(
          tx,
          oaId,
          userId,
          wanted.filter((t) => !current.some((c) => c.tag === t)),
          'staff',
        );
        if (fresh.length > 0 || gone.length > 0) {
          await tx.insert(auditLog).values({
            actor: `officer:${by}`,
            action: 'follower.tags',
            subjectKind: 'follower',
            subjectId: userId,
            details: { oaId, added: fresh, removed: gone.map((g) => g.tag) },
          });
        }
        return { added: fresh, removed: gone };
      });
      const mirrored = await mirror(deps, oaId, userId, added, removed);
      return { added, removed: removed.map((r) => r.tag), mirrored };
    },
    async recordOptOut(oaId, userId, by) {
      return deps.db.transaction(async (tx) => {
        const [row] = await tx
          .select({ optedOutAt: conversations.optedOutAt })
          .from(conversations)
          .where(and(eq(conversations.oaId, oaId), eq(conversations.userId, userId)))
          .for('update');
        if (!row) throw new FollowerError('not_found', 'no such resident');
        if (row.optedOutAt) return false;
        await optOut(tx, oaId, userId, new Date());
        await tx.insert(auditLog).values({
          actor: `officer:${by}`,
          action: 'follower.opt_out',
          subjectKind: 'follower',
          subjectId: userId,
          details: { oaId },
        });
        return true;
      });
    },
  };
}

/** Tells Zalo about staff tag changes; a resident's own tags were never in Zalo. */
async function mirror(
  deps: FollowersDeps,
  oaId: string,
  userId: string,
  added: string[],
  removed: FollowerTag[],
): Promise<boolean> {
  const calls = [
    ...added.map((tag) => (z: FollowerZalo) => z.tagFollower(userId, tag)),
    ...removed
      .filter((r) => r.source !== 'resident')
      .map((r) => (z: FollowerZalo) => z.untagFollower(userId, r.tag)),
  ];
  if (calls.length === 0) return true;
  const zalo = deps.zalo(oaId);
  if (!zalo) return false;
  let failed = 0;
  for (const run of calls) {
    try {
      await zalo.budget?.take('notify');
      await run(zalo.client);
    } catch (err) {
      failed++;
      deps.logger.warn(
        { oaId, err: err instanceof Error ? err.message : 'failed' },
        'follower tag not mirrored to Zalo',
      );
    }
  }
  return failed === 0;
}
