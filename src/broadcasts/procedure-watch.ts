import type { TFunction } from 'i18next';
import { and, eq } from 'drizzle-orm';
import type { Procedure } from '../catalogue/schema.js';
import type { Database } from '../db/connection.js';
import { broadcasts, procedureFingerprints } from '../db/schema.js';
import type { Logger } from '../log.js';
import { changedParts, procedureFingerprint } from './fingerprint.js';
import { procedureNotice } from './procedure-notice.js';
import type { Audience, BroadcastBody } from './types.js';

/**
 * Watches the catalogue for changes residents should hear about. After each load, every
 * procedure an OA serves is fingerprinted; the first fingerprint is only stored; a different one
 * replaces it and, in the same transaction, adds one `suggested` broadcast to those who asked
 * about the procedure recently. The compare-and-replace holds the fingerprint row's lock, so
 * several processes loading the same change suggest it once.
 */

/** Residents who asked within this many days are offered the notice. */
export const INTEREST_DAYS = 30;

/** What the watch needs. */
export interface ProcedureWatchDeps {
  db: Database;
  /** The OAs this deployment serves. */
  oaIds: () => readonly string[];
  /** The procedures one OA serves now (its overrides applied). */
  procedures: (oaId: string) => readonly Procedure[];
  /** Vietnamese texts. */
  t: TFunction;
  logger: Pick<Logger, 'info'>;
}

/** What one check did. */
export interface WatchReport {
  /** Procedures seen for the first time (fingerprint stored, nothing suggested). */
  first: number;
  /** Suggested broadcasts added. */
  suggested: number;
}

/** The catalogue watch. */
export interface ProcedureWatch {
  /** Compares every served procedure with its stored fingerprint. */
  check(): Promise<WatchReport>;
}

/** Builds the watch. */
export function createProcedureWatch(deps: ProcedureWatchDeps): ProcedureWatch {
  return {
    async check() {
      const report: WatchReport = { first: 0, suggested: 0 };
      for (const oaId of deps.oaIds()) {
        const stored = new Map(
          (
            await deps.db
              .select({
                code: procedureFingerprints.procedureCode,
                fingerprint: procedureFingerprints.fingerprint,
              })
              .from(procedureFingerprints)
              .where(eq(procedureFingerprints.oaId, oaId))
          ).map((r) => [r.code, r.fingerprint]),
        );
        for (const p of deps.procedures(oaId)) {
          const fingerprint = procedureFingerprint(p);
          if (stored.get(p.code) === fingerprint) continue;
          const outcome = await record(deps, oaId, p, fingerprint);
          if (outcome === 'first') report.first++;
          if (outcome === 'suggested') report.suggested++;
        }
      }
      if (report.first > 0 || report.suggested > 0)
        deps.logger.info({ ...report }, 'procedure fingerprints checked');
      return report;
    },
  };
}

async function record(
  deps: ProcedureWatchDeps,
  oaId: string,
  p: Procedure,
  fingerprint: string,
): Promise<'first' | 'same' | 'replaced' | 'suggested'> {
  return deps.db.transaction(async (tx) => {
    const fresh = await tx
      .insert(procedureFingerprints)
      .values({ oaId, procedureCode: p.code, fingerprint })
      .onConflictDoNothing()
      .returning({ code: procedureFingerprints.procedureCode });
    if (fresh.length > 0) return 'first';
    const where = and(eq(procedureFingerprints.oaId, oaId), eq(procedureFingerprints.procedureCode, p.code));
    const [row] = await tx
      .select({ fingerprint: procedureFingerprints.fingerprint })
      .from(procedureFingerprints)
      .where(where)
      .for('update');
    if (!row || row.fingerprint === fingerprint) return 'same';
    await tx.update(procedureFingerprints).set({ fingerprint, seenAt: new Date() }).where(where);
    const changed = changedParts(row.fingerprint, fingerprint);
    if (!changed) return 'replaced';
    const notice = procedureNotice(p, changed, deps.t);
    const body: BroadcastBody = { text: notice.text };
    const audience: Audience = { kind: 'procedure', code: p.code, sinceDays: INTEREST_DAYS };
    await tx.insert(broadcasts).values({
      oaId,
      title: notice.title,
      body,
      audience,
      status: 'suggested',
      cause: `procedure:${p.code}`,
      needsApproval: true,
      createdBy: null,
    });
    return 'suggested';
  });
}
