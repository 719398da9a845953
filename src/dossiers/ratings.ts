import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { dossiers, ratings, tickets } from '../db/schema.js';
import type { DeskTurn } from './desk-context.js';

/**
 * Satisfaction: after a dossier is returned (and, later, when a chat with an officer ends) the
 * resident rates it 1–5 with buttons, may add a comment, and ratings add up per procedure and month.
 */

const isScore = (score: number) => Number.isInteger(score) && score >= 1 && score <= 5;

/** Stores one rating (once per subject) and asks for an optional comment. */
async function record(
  turn: DeskTurn,
  subject: { kind: 'dossier' | 'ticket'; id: number; procedureCode?: string },
  score: number,
): Promise<void> {
  const inserted = await turn.tx
    .insert(ratings)
    .values({
      oaId: turn.oaId,
      userId: turn.userId,
      subjectKind: subject.kind,
      subjectId: subject.id,
      procedureCode: subject.procedureCode ?? null,
      score,
    })
    .onConflictDoNothing({ target: [ratings.subjectKind, ratings.subjectId] })
    .returning({ id: ratings.id });
  const row = inserted[0];
  if (!row) return turn.say('rating.already');
  turn.state = { mode: 'rating_comment', ratingId: row.id };
  turn.say('rating.thanks', { score }, [turn.button('rating.button.skip', '#rate skip')]);
}

/** A tapped rating `#rate <dossierId> <score>` of the resident's returned dossier. */
export async function rateDossier(turn: DeskTurn, dossierId: number, score: number): Promise<void> {
  const [d] = await turn.tx
    .select()
    .from(dossiers)
    .where(and(eq(dossiers.id, dossierId), eq(dossiers.oaId, turn.oaId), eq(dossiers.userId, turn.userId)))
    .limit(1);
  if (!d || d.status !== 10 || !isScore(score)) return turn.say('conversation.not_understood');
  await record(turn, { kind: 'dossier', id: d.id, procedureCode: d.procedureCode }, score);
}

/** A tapped rating `#rate t <ticketId> <score>` of the resident's resolved handoff. */
export async function rateTicket(turn: DeskTurn, ticketId: number, score: number): Promise<void> {
  const [t] = await turn.tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.id, ticketId), eq(tickets.oaId, turn.oaId), eq(tickets.userId, turn.userId)))
    .limit(1);
  if (!t || t.status !== 'resolved' || !isScore(score)) return turn.say('conversation.not_understood');
  await record(turn, { kind: 'ticket', id: t.id }, score);
}

/** The comment typed after a rating. */
export async function commentRating(turn: DeskTurn, ratingId: number, text: string): Promise<void> {
  turn.state = undefined;
  await turn.tx
    .update(ratings)
    .set({ comment: text.trim().slice(0, 1000) })
    .where(and(eq(ratings.id, ratingId), eq(ratings.userId, turn.userId)));
  turn.say('rating.comment_thanks');
}

/** One line of the satisfaction summary. */
export interface RatingSummaryRow {
  procedureCode: string | null;
  month: string;
  count: number;
  average: number;
  /** Ratings per score, index 0 = 1 star … index 4 = 5 stars. */
  distribution: number[];
}

/** Ratings of an OA per procedure and month (Asia/Ho_Chi_Minh), newest month first. */
export async function ratingSummary(db: Pick<Database, 'select'>, oaId: string): Promise<RatingSummaryRow[]> {
  const month = sql<string>`to_char(${ratings.createdAt} at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')`;
  const rows = await db
    .select({
      procedureCode: ratings.procedureCode,
      month,
      count: sql<number>`count(*)::int`,
      average: sql<number>`round(avg(${ratings.score})::numeric, 2)::float8`,
      s1: sql<number>`count(*) filter (where ${ratings.score} = 1)::int`,
      s2: sql<number>`count(*) filter (where ${ratings.score} = 2)::int`,
      s3: sql<number>`count(*) filter (where ${ratings.score} = 3)::int`,
      s4: sql<number>`count(*) filter (where ${ratings.score} = 4)::int`,
      s5: sql<number>`count(*) filter (where ${ratings.score} = 5)::int`,
    })
    .from(ratings)
    .where(eq(ratings.oaId, oaId))
    .groupBy(ratings.procedureCode, month)
    .orderBy(sql`2 desc`, ratings.procedureCode);
  return rows.map((r) => ({
    procedureCode: r.procedureCode,
    month: r.month,
    count: Number(r.count),
    average: Number(r.average),
    distribution: [r.s1, r.s2, r.s3, r.s4, r.s5].map(Number),
  }));
}
