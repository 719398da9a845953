import { DelayedError, type Job } from 'bullmq';
import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { ErrorCode, hasCode } from '../errors.js';
import { conversations, outbox } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { OutboundJobData } from '../queue/outbound.js';
import { ZaloApiError, ZaloHttpError } from './errors.js';
import type { ZaloMessage } from './messages.js';
import type { OwnSends } from './own-sends.js';
import { checkSendPolicy, type Lane } from './policy.js';
import type { RateBudget } from './rate-budget.js';

/** The part of the Zalo client the sender uses. */
export interface SendPort {
  sendMessage(userId: string, message: ZaloMessage): Promise<{ messageId: string }>;
}

/**
 * Looks in Zalo's conversation history for a message the OA sent at or after
 * `since` with this content, other than the `known` message ids already tied to
 * outbox rows; returns its id. Used when a previous attempt's outcome is
 * unknown, so a reply is not sent twice.
 */
export type FindSentMessage = (
  userId: string,
  message: ZaloMessage,
  since: Date,
  known: Set<string>,
) => Promise<string | null>;

/** What the sender needs. */
export interface SenderDeps {
  db: Database;
  zalo: SendPort;
  budget: RateBudget;
  logger: Logger;
  metrics?: Metrics;
  timezone: string;
  quietHours: { startMinute: number; endMinute: number };
  findSent?: FindSentMessage;
  /**
   * Turns a stored message into the one Zalo gets, at each attempt (an officer's attachment is
   * uploaded here, so its Zalo id is always fresh).
   */
  prepare?: (message: ZaloMessage) => Promise<ZaloMessage>;
  /** Where sent message ids are remembered so their echoes can be skipped at the webhook. */
  ownSends?: Pick<OwnSends, 'remember'>;
  now?: () => Date;
  /** Retries done inside one job (keeping the partition's order) before BullMQ's backoff takes over. */
  inlineRetries?: number;
  inlineRetryDelayMs?: number;
}

/** How one send attempt ended. */
export type SendOutcome = 'sent' | 'reconciled' | 'refused' | 'held' | 'already_done' | 'missing';

type Row = typeof outbox.$inferSelect;
type RowWithResident = Row & {
  resident: { lastInteractionAt: Date | null; following: boolean | null; optedOut: boolean };
};

/**
 * Sends one outbox row: idempotent by row status, policy-checked, rate-budgeted,
 * retried inline on transient errors, with every refusal recorded on the row.
 */
export async function sendOutboxRow(
  deps: SenderDeps,
  data: OutboundJobData,
  job?: Job<OutboundJobData>,
  token?: string,
): Promise<SendOutcome> {
  const row = await loadRow(deps.db, data.outboxId);
  if (!row) return 'missing';
  if (['sent', 'refused', 'failed', 'cancelled'].includes(row.status)) return 'already_done';
  if (row.status === 'sending' && (await reconcile(deps, row))) return 'reconciled';
  const lane = row.lane as Lane;
  const policy = policyFor(deps, row, lane);
  if (policy.action === 'refuse') {
    await finish(deps, row, 'refused', policy.reason);
    return 'refused';
  }
  if (policy.action === 'hold') {
    await deps.db
      .update(outbox)
      .set({ status: 'held', reason: policy.reason, notBefore: policy.until })
      .where(eq(outbox.id, row.id));
    deps.metrics?.sends.inc({ lane, decision: 'held' });
    if (job && token) {
      await job.moveToDelayed(policy.until.getTime(), token);
      throw new DelayedError();
    }
    return 'held';
  }
  return attemptWithRetries(deps, row, lane);
}

async function attemptWithRetries(deps: SenderDeps, row: Row, lane: Lane): Promise<SendOutcome> {
  const retries = deps.inlineRetries ?? 3;
  const baseDelay = deps.inlineRetryDelayMs ?? 500;
  let unknownOutcome = false;
  const startedAt = new Date();
  for (let attempt = 0; ; attempt++) {
    if (unknownOutcome && (await reconcile(deps, { ...row, claimedAt: startedAt }))) {
      return 'reconciled';
    }
    await deps.budget.take(lane);
    await claim(deps.db, row.id);
    try {
      const stored = row.message as ZaloMessage;
      const message = deps.prepare ? await deps.prepare(stored) : stored;
      const res = await deps.zalo.sendMessage(row.userId, message);
      // Remembered first: Zalo's echo of this send may already be on its way to the webhook.
      await deps.ownSends?.remember(row.oaId, res.messageId).catch(() => undefined);
      await deps.db
        .update(outbox)
        .set({ status: 'sent', zaloMessageId: res.messageId, sentAt: sql`now()`, reason: null })
        .where(eq(outbox.id, row.id));
      deps.metrics?.sends.inc({ lane, decision: 'sent' });
      return 'sent';
    } catch (err) {
      const verdict = await judgeFailure(deps, row, lane, err);
      if (verdict === 'done') return 'refused';
      unknownOutcome = verdict === 'unknown';
      if (attempt >= retries) throw err;
      await sleep(baseDelay * 2 ** attempt);
    }
  }
}

/** Decides what a failed send means: 'done' when refused for good, 'unknown' when it may have gone, else 'retry'. */
async function judgeFailure(
  deps: SenderDeps,
  row: Row,
  lane: Lane,
  err: unknown,
): Promise<'done' | 'retry' | 'unknown'> {
  if (hasCode(err, ErrorCode.FileUnreadable)) {
    // The stored attachment is gone (purged or unreadable): no attempt can succeed.
    await finish(deps, row, 'failed', 'attachment_unreadable');
    return 'done';
  }
  if (err instanceof ZaloApiError) {
    deps.metrics?.zaloErrors.inc({ code: String(err.code) });
    if (err.decision === 'give_up') {
      await finish(deps, row, 'refused', `zalo ${err.code}: ${err.reason}`);
      return 'done';
    }
    if (err.decision === 'rate_limited') await deps.budget.pause(5000);
    await release(deps.db, row.id, `zalo ${err.code}: ${err.reason}`);
    deps.metrics?.sends.inc({ lane, decision: 'retry' });
    return 'retry';
  }
  if (err instanceof ZaloHttpError && err.outcome === 'unknown') {
    deps.logger.warn(
      { outboxId: row.id, path: err.path },
      'send outcome unknown; will reconcile before resending',
    );
    deps.metrics?.sends.inc({ lane, decision: 'retry' });
    return 'unknown';
  }
  await release(deps.db, row.id, err instanceof Error ? err.message.slice(0, 200) : 'send failed');
  deps.metrics?.sends.inc({ lane, decision: 'retry' });
  return 'retry';
}

/** A row left in `sending` by a crash or a timeout: was it delivered after all? */
async function reconcile(deps: SenderDeps, row: Row): Promise<boolean> {
  if (!deps.findSent || !row.claimedAt) return false;
  const since = new Date(row.claimedAt.getTime() - 2000);
  const known = await knownMessageIds(deps.db, row, since);
  const found = await deps
    .findSent(row.userId, row.message as ZaloMessage, since, known)
    .catch((err: unknown) => {
      deps.logger.warn(
        { outboxId: row.id, err: err instanceof Error ? err.message : 'failed' },
        'history lookup failed',
      );
      return null;
    });
  if (!found) {
    deps.logger.info({ outboxId: row.id }, 'previous attempt left no trace in Zalo history; sending again');
    return false;
  }
  await deps.db
    .update(outbox)
    .set({ status: 'sent', zaloMessageId: found, sentAt: sql`now()`, reason: 'reconciled' })
    .where(eq(outbox.id, row.id));
  deps.logger.info({ outboxId: row.id }, 'send found in Zalo history; not sending again');
  return true;
}

async function knownMessageIds(db: Database, row: Row, since: Date): Promise<Set<string>> {
  const rows = await db
    .select({ id: outbox.zaloMessageId })
    .from(outbox)
    .where(
      and(
        eq(outbox.oaId, row.oaId),
        eq(outbox.userId, row.userId),
        eq(outbox.status, 'sent'),
        gte(outbox.sentAt, since),
      ),
    );
  return new Set(rows.map((r) => r.id).filter((id): id is string => id !== null));
}

function policyFor(deps: SenderDeps, row: RowWithResident, lane: Lane) {
  return checkSendPolicy({
    lane,
    now: deps.now?.() ?? new Date(),
    lastInteractionAt: row.resident.lastInteractionAt,
    following: row.resident.following,
    optedOut: row.resident.optedOut,
    timezone: deps.timezone,
    quietHours: deps.quietHours,
  });
}

/** The row with what the policy needs to know about its resident, in one query. */
async function loadRow(db: Database, id: number): Promise<RowWithResident | undefined> {
  const [found] = await db
    .select({
      row: outbox,
      lastInteractionAt: conversations.lastInteractionAt,
      following: conversations.following,
      optedOutAt: conversations.optedOutAt,
    })
    .from(outbox)
    .leftJoin(
      conversations,
      and(eq(conversations.oaId, outbox.oaId), eq(conversations.userId, outbox.userId)),
    )
    .where(eq(outbox.id, id));
  if (!found) return undefined;
  return {
    ...found.row,
    resident: {
      lastInteractionAt: found.lastInteractionAt ?? null,
      following: found.following ?? null,
      optedOut: found.optedOutAt != null,
    },
  };
}

async function claim(db: Database, id: number) {
  await db
    .update(outbox)
    .set({ status: 'sending', claimedAt: sql`now()`, attempts: sql`${outbox.attempts} + 1` })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ['pending', 'held', 'sending'])));
}

async function release(db: Database, id: number, reason: string) {
  await db
    .update(outbox)
    .set({ status: 'pending', reason })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'sending')));
}

async function finish(deps: SenderDeps, row: Row, status: 'refused' | 'failed', reason: string) {
  await deps.db.update(outbox).set({ status, reason }).where(eq(outbox.id, row.id));
  deps.metrics?.sends.inc({ lane: row.lane, decision: status });
  deps.logger.info({ outboxId: row.id, status, reason }, 'message not sent');
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
