import { sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { procedureInterest } from '../db/schema.js';

/**
 * Remembers that the bot answered a resident about a procedure, so a later change of that
 * procedure can be told to those who asked. One upsert, inside the inbound transaction.
 */

/** Records (or refreshes) the resident's interest in a procedure at `at`. */
export async function recordProcedureInterest(
  tx: Pick<Database, 'insert'>,
  v: { oaId: string; userId: string; code: string; at: Date },
): Promise<void> {
  await tx
    .insert(procedureInterest)
    .values({ oaId: v.oaId, userId: v.userId, procedureCode: v.code, lastAskedAt: v.at })
    .onConflictDoUpdate({
      target: [procedureInterest.oaId, procedureInterest.userId, procedureInterest.procedureCode],
      set: {
        lastAskedAt: sql`greatest(${procedureInterest.lastAskedAt}, ${v.at.toISOString()}::timestamptz)`,
      },
    });
}
