import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { broadcasts } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { PendingRow } from '../queue/outbox.js';
import type { RedisLock } from '../redis/lock.js';
import type { ZaloMessage } from '../zalo/messages.js';
import { minutesUntilQuietEnds } from '../zalo/policy.js';
import { fixRecipients } from './audience.js';
import { createInFlightCounter } from './in-flight.js';
import { rowsOf } from './sql-rows.js';
import type { Audience, BroadcastBody } from './types.js';

/** Zalo attachment ids expire after about 7 days; images are uploaded again after this. */
const ATTACHMENT_MAX_AGE_MS = 6 * 86_400_000;
/** How often a broadcast with nothing left to dispatch checks whether its last sends finished. */
const DONE_CHECK_MS = 5_000;
/**
 * Seconds of rate the token bucket holds: a tick that comes late on a busy machine makes up what it
 * missed instead of losing it, while the in-flight cap still bounds what waits in the queue.
 */
const BUCKET_SECONDS = 5;

/** What the dispatcher needs; everything is passed in. */
export interface DispatcherDeps {
  db: Database;
  logger: Logger;
  /** Queues send jobs for outbox rows (the outbound producer), their starts spread evenly over `spreadOverMs`. */
  enqueue(rows: PendingRow[], opts?: { spreadOverMs?: number }): Promise<void>;
  /** Broadcast messages allowed per minute across all broadcasts (BROADCAST_RATE_PER_MINUTE). */
  ratePerMinute: number;
  timezone: string;
  quietHours: { startMinute: number; endMinute: number };
  /** Uploads a broadcast's stored image to Zalo and returns the attachment id. */
  uploadImage(oaId: string, imageFileId: number): Promise<string>;
  /** The message recipients get. */
  messageFor(body: BroadcastBody, attachmentId?: string): ZaloMessage;
  /** Held while dispatching so one process at a time feeds the queue. */
  lock?: RedisLock;
  now?: () => Date;
  /** Tick period; 250 ms by default. */
  tickMs?: number;
}

/** What one tick did, for tests and logs. */
export interface TickResult {
  started: number[];
  dispatched: number;
  finished: number[];
  /** True when quiet hours stopped dispatching. */
  quiet: boolean;
}

/** Feeds broadcast recipients to the outbox at the configured rate. */
export interface BroadcastDispatcher {
  /** Starts due broadcasts, dispatches what the rate allows, finishes drained ones. */
  tick(): Promise<TickResult>;
  /** Runs `tick` on a timer until stopped. */
  start(): { stop(): Promise<void> };
}

/**
 * Builds the dispatcher. Recipients are fixed when a broadcast starts; each tick then turns at
 * most the rate's worth of queued recipients into outbox rows in one statement that also marks
 * them dispatched, so after a crash nobody is sent twice and the rest are picked up where it
 * stopped. No more than ten seconds' worth waits in the queue at once, which keeps replies to
 * residents ahead and lets pause and cancel take effect quickly. Nothing is dispatched in quiet
 * hours.
 */
export function createBroadcastDispatcher(deps: DispatcherDeps): BroadcastDispatcher {
  const now = () => deps.now?.() ?? new Date();
  const perMs = deps.ratePerMinute / 60_000;
  const burst = Math.max(1, (deps.ratePerMinute / 60) * BUCKET_SECONDS);
  const inFlightCap = Math.max(50, Math.ceil((deps.ratePerMinute / 60) * 10));
  let tokens = 0;
  let lastTick: number | undefined;
  const lastDoneCheck = new Map<number, number>();
  let held: string | undefined;
  const inFlight = createInFlightCounter(deps.db);

  const tick = async (): Promise<TickResult> => {
    const at = now();
    const result: TickResult = { started: [], dispatched: 0, finished: [], quiet: false };
    result.started = await startDue(deps.db, at);
    const active = await deps.db
      .select()
      .from(broadcasts)
      .where(eq(broadcasts.status, 'sending'))
      .orderBy(asc(broadcasts.id));
    const quiet = minutesUntilQuietEnds(at, deps.timezone, deps.quietHours) > 0;
    if (quiet || active.length === 0) {
      // Budget is earned only while sending: an idle hour must not become one burst at the start.
      tokens = 0;
      lastTick = at.getTime();
      result.quiet = quiet;
      return result;
    }
    const elapsed = lastTick === undefined ? 1000 : Math.max(0, at.getTime() - lastTick);
    lastTick = at.getTime();
    tokens = Math.min(burst, tokens + elapsed * perMs);
    const room = inFlightCap - (await inFlight.count());
    let budget = Math.min(Math.floor(tokens), Math.max(0, room));
    for (const b of active) {
      const attachmentId = budget > 0 ? await attachmentFor(deps, b, at) : undefined;
      if (budget > 0 && (attachmentId !== undefined || (b.body as BroadcastBody).imageFileId === undefined)) {
        const message = deps.messageFor(b.body as BroadcastBody, attachmentId);
        const rows = await dispatch(deps.db, b.id, b.oaId, message, budget);
        if (rows.length > 0) {
          // Paced at the rate inside the batch too: a tick's worth arriving at once would make
          // residents' replies queue behind it on the event loop and the database.
          await deps.enqueue(rows, { spreadOverMs: Math.round(rows.length / perMs) });
          budget -= rows.length;
          tokens -= rows.length;
          result.dispatched += rows.length;
          continue;
        }
      }
      if (await finishIfDrained(deps.db, b.id, at, lastDoneCheck)) result.finished.push(b.id);
    }
    return result;
  };

  return {
    tick,
    start() {
      let stopped = false;
      let running: Promise<unknown> = Promise.resolve();
      const loop = async () => {
        if (deps.lock && !(await holdLock(deps.lock))) return;
        await tick();
      };
      const timer = setInterval(() => {
        running = running.then(loop).catch((err: unknown) => {
          deps.logger.error(
            { err: err instanceof Error ? err.message : String(err) },
            'broadcast tick failed',
          );
        });
      }, deps.tickMs ?? 250);
      timer.unref();
      return {
        stop: async () => {
          if (stopped) return;
          stopped = true;
          clearInterval(timer);
          await running;
          if (deps.lock && held) await deps.lock.release(held);
          held = undefined;
        },
      };
    },
  };

  async function holdLock(lock: RedisLock): Promise<boolean> {
    if (held) {
      await lock.extend(held);
      if (await lock.isHeld()) return true;
      held = undefined;
    }
    held = (await lock.acquire()) ?? undefined;
    return held !== undefined;
  }
}

/** Moves due scheduled broadcasts to `sending` and fixes their recipients, each in one transaction. */
async function startDue(db: Database, at: Date): Promise<number[]> {
  const due = await db
    .select({ id: broadcasts.id })
    .from(broadcasts)
    .where(and(eq(broadcasts.status, 'scheduled'), lte(broadcasts.scheduledAt, at)));
  const started: number[] = [];
  for (const { id } of due) {
    const ok = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(broadcasts)
        .set({ status: 'sending', startedAt: at, updatedAt: at })
        .where(and(eq(broadcasts.id, id), eq(broadcasts.status, 'scheduled')))
        .returning();
      if (!row) return false;
      await fixRecipients(tx, row.id, row.oaId, row.audience as Audience, at);
      return true;
    });
    if (ok) started.push(id);
  }
  return started;
}

/**
 * Turns up to `limit` queued recipients into outbox rows and marks them dispatched, in one
 * statement: a recipient can never get two rows.
 */
async function dispatch(
  db: Database,
  broadcastId: number,
  oaId: string,
  message: ZaloMessage,
  limit: number,
): Promise<PendingRow[]> {
  const result = await db.execute(sql`
    with picked as (
      select user_id from broadcast_recipients
      where broadcast_id = ${broadcastId} and status = 'queued'
      order by user_id
      limit ${limit}
      for update skip locked
    ), made as (
      insert into outbox (oa_id, user_id, lane, cause, message)
      select ${oaId}, user_id, 'broadcast', ${`broadcast:${broadcastId}`}, ${JSON.stringify(message)}::jsonb
      from picked
      returning id, user_id
    )
    update broadcast_recipients r
    set status = 'dispatched', outbox_id = made.id, dispatched_at = now()
    from made
    where r.broadcast_id = ${broadcastId} and r.user_id = made.user_id
    returning made.id::text as id, r.user_id as user_id`);
  return rowsOf<{ id: string; user_id: string }>(result)
    .map((r) => ({ id: Number(r.id), oaId, userId: r.user_id, lane: 'broadcast' }))
    .sort((a, b) => a.id - b.id);
}

/** The Zalo attachment id for a broadcast's image, uploading it when missing or old; undefined when upload failed. */
async function attachmentFor(
  deps: DispatcherDeps,
  b: typeof broadcasts.$inferSelect,
  at: Date,
): Promise<string | undefined> {
  const imageFileId = (b.body as BroadcastBody).imageFileId;
  if (imageFileId === undefined) return undefined;
  const fresh =
    b.zaloAttachmentId &&
    b.attachmentUploadedAt &&
    at.getTime() - b.attachmentUploadedAt.getTime() < ATTACHMENT_MAX_AGE_MS;
  if (fresh) return b.zaloAttachmentId!;
  try {
    const id = await deps.uploadImage(b.oaId, imageFileId);
    await deps.db
      .update(broadcasts)
      .set({ zaloAttachmentId: id, attachmentUploadedAt: at })
      .where(eq(broadcasts.id, b.id));
    b.zaloAttachmentId = id;
    b.attachmentUploadedAt = at;
    return id;
  } catch (err) {
    deps.logger.warn(
      { broadcastId: b.id, err: err instanceof Error ? err.message : String(err) },
      'broadcast image upload failed; trying again',
    );
    return undefined;
  }
}

/** Marks a broadcast done once nothing is queued and none of its messages is still on its way. */
async function finishIfDrained(
  db: Database,
  id: number,
  at: Date,
  lastCheck: Map<number, number>,
): Promise<boolean> {
  const last = lastCheck.get(id);
  if (last !== undefined && at.getTime() - last < DONE_CHECK_MS) return false;
  lastCheck.set(id, at.getTime());
  const result = await db.execute(sql`
    select
      exists (select 1 from broadcast_recipients where broadcast_id = ${id} and status = 'queued') as queued,
      exists (
        select 1 from broadcast_recipients r join outbox o on o.id = r.outbox_id
        where r.broadcast_id = ${id} and r.status = 'dispatched' and o.status in ('pending', 'sending', 'held')
      ) as busy`);
  const row = rowsOf<{ queued: boolean; busy: boolean }>(result)[0];
  if (!row || row.queued || row.busy) return false;
  const done = await db
    .update(broadcasts)
    .set({ status: 'done', finishedAt: at, updatedAt: at })
    .where(and(eq(broadcasts.id, id), inArray(broadcasts.status, ['sending'])))
    .returning({ id: broadcasts.id });
  lastCheck.delete(id);
  return done.length > 0;
}
