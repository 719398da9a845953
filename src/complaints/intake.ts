import { and, desc, eq } from 'drizzle-orm';
import { complaints } from '../db/schema.js';
import { localDateOf } from '../dossiers/calendar.js';
import type { DeskTurn } from '../dossiers/desk-context.js';
import { formatLocalDate } from '../dossiers/format.js';
import { discard, storeInto } from '../dossiers/intake.js';
import type { PreparedMedia } from '../dossiers/media.js';
import { addStaffNotice, databaseSequence, filesOf, removeSlotFiles, type Tx } from '../dossiers/repo.js';

/**
 * Phản ánh, kiến nghị: a resident reports a problem (category, text, photos, an optional
 * location), gets a tracking code, and later receives the office's answer in Zalo.
 */

/** Categories offered as buttons. */
export const COMPLAINT_CATEGORIES = ['infrastructure', 'environment', 'order', 'service', 'other'] as const;

/** One category id. */
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** A complaint row. */
export type ComplaintRow = typeof complaints.$inferSelect;

const MAX_PHOTOS = 5;
const MIN_TEXT_CHARS = 10;
const CODE = /^PA-\d{6}-\d{4}$/;

/** The complaint the resident is still writing, if any. */
export async function draftingComplaint(
  tx: Tx,
  oaId: string,
  userId: string,
): Promise<ComplaintRow | undefined> {
  const [row] = await tx
    .select()
    .from(complaints)
    .where(and(eq(complaints.oaId, oaId), eq(complaints.userId, userId), eq(complaints.status, 'drafting')))
    .orderBy(desc(complaints.id))
    .limit(1);
  return row;
}

/** Starts (or resumes) writing a complaint. */
export async function startComplaint(turn: DeskTurn): Promise<void> {
  const open = await draftingComplaint(turn.tx, turn.oaId, turn.userId);
  if (open) return promptComplaint(turn, open);
  const [row] = await turn.tx
    .insert(complaints)
    .values({
      oaId: turn.oaId,
      userId: turn.userId,
      purgeAfter: new Date(turn.now.getTime() + turn.config.complaintRetentionDays * 86_400_000),
    })
    .returning();
  await promptComplaint(turn, row!);
}

/** Asks for what the complaint's step needs. */
export async function promptComplaint(turn: DeskTurn, c: ComplaintRow): Promise<void> {
  switch (c.step) {
    case 'category':
      return turn.say(
        'complaint.start',
        {},
        COMPLAINT_CATEGORIES.map((k) => turn.button(`complaint.category.${k}`, `#pa cat ${k}`)),
      );
    case 'text':
      return turn.say('complaint.text', {}, [turn.button('complaint.button.cancel', '#pa cancel')]);
    case 'photos':
      return turn.say('complaint.photos', {}, [
        turn.button('complaint.button.next', '#pa next'),
        turn.button('complaint.button.cancel', '#pa cancel'),
      ]);
    case 'location':
      return turn.say('complaint.location', {}, [
        turn.button('complaint.button.skip', '#pa next'),
        turn.button('complaint.button.cancel', '#pa cancel'),
      ]);
    case 'confirm': {
      const photos = (await filesOf(turn.tx, 'complaint', c.id)).length;
      return turn.say(
        'complaint.confirm',
        {
          category: turn.t(`complaint.category.${c.category ?? 'other'}`),
          text: c.text ?? '',
          photos,
          location: turn.t(c.latitude !== null ? 'complaint.yes' : 'complaint.no'),
        },
        [
          turn.button('complaint.button.send', '#pa send'),
          turn.button('complaint.button.cancel', '#pa cancel'),
        ],
      );
    }
  }
}

async function move(turn: DeskTurn, c: ComplaintRow, patch: Partial<typeof complaints.$inferInsert>) {
  await turn.tx.update(complaints).set(patch).where(eq(complaints.id, c.id));
  await promptComplaint(turn, { ...c, ...patch });
}

/** A tapped complaint button `#pa <action> [arg]`. */
export async function complaintAction(
  turn: DeskTurn,
  action: string,
  arg: string | undefined,
): Promise<void> {
  if (action === 'start') return startComplaint(turn);
  const c = await draftingComplaint(turn.tx, turn.oaId, turn.userId);
  if (!c) return startComplaint(turn);
  switch (action) {
    case 'cat': {
      const category = COMPLAINT_CATEGORIES.find((k) => k === arg);
      if (!category) return promptComplaint(turn, c);
      return move(turn, c, { category, step: 'text' });
    }
    case 'next':
      if (c.step === 'photos') return move(turn, c, { step: 'location' });
      if (c.step === 'location') return move(turn, c, { step: 'confirm' });
      return promptComplaint(turn, c);
    case 'cancel': {
      const removed = await removeSlotFiles(turn.tx, 'complaint', c.id, ['photo']);
      turn.removeAfterCommit.push(...removed.map((r) => r.path));
      await turn.tx.delete(complaints).where(eq(complaints.id, c.id));
      return turn.say('complaint.cancelled');
    }
    case 'send': {
      if (c.step !== 'confirm') return promptComplaint(turn, c);
      const today = localDateOf(turn.now, turn.calendar.timeZone);
      const seq = await databaseSequence(turn.tx).next('PA', today);
      const code = `PA-${today.slice(2).replaceAll('-', '')}-${String(seq).padStart(4, '0')}`;
      await turn.tx
        .update(complaints)
        .set({ code, status: 'open', step: 'sent', submittedAt: turn.now })
        .where(eq(complaints.id, c.id));
      await addStaffNotice(turn.tx, {
        oaId: turn.oaId,
        kind: 'complaint_filed',
        subjectKind: 'complaint',
        subjectId: c.id,
      });
      return turn.say('complaint.sent', { code });
    }
    default:
      return promptComplaint(turn, c);
  }
}

/** Typed text while writing a complaint; false when it is not for the complaint. */
export async function complaintText(turn: DeskTurn, c: ComplaintRow, text: string): Promise<boolean> {
  if (c.step !== 'text') return false;
  const body = text.trim();
  if (body.length < MIN_TEXT_CHARS) {
    turn.say('complaint.text_short');
    return true;
  }
  await move(turn, c, { text: body.slice(0, 2000), step: 'photos' });
  return true;
}

/** Photos while writing a complaint (at the photo step, up to five). */
export async function complaintMedia(turn: DeskTurn, c: ComplaintRow, media: PreparedMedia[], msgId: string) {
  if (c.step !== 'photos') {
    discard(turn, media);
    return promptComplaint(turn, c);
  }
  const have = (await filesOf(turn.tx, 'complaint', c.id)).length;
  const room = Math.max(0, MAX_PHOTOS - have);
  discard(turn, media.slice(room));
  await storeInto(turn, 'complaint', c.id, 'photo', media.slice(0, room), msgId);
  const count = (await filesOf(turn.tx, 'complaint', c.id)).length;
  turn.say('complaint.photo_received', { count }, [
    turn.button('complaint.button.next', '#pa next'),
    turn.button('complaint.button.cancel', '#pa cancel'),
  ]);
}

/** A location sent while writing a complaint. */
export async function complaintLocation(
  turn: DeskTurn,
  c: ComplaintRow,
  latitude: number,
  longitude: number,
) {
  turn.say('complaint.location_received');
  await move(turn, c, {
    latitude,
    longitude,
    step: c.step === 'location' || c.step === 'photos' ? 'confirm' : c.step,
  });
}

/** Shows the resident's own complaint by tracking code; false when the text is not such a code. */
export async function lookupComplaint(turn: DeskTurn, text: string): Promise<boolean> {
  const code = text.trim().toUpperCase();
  if (!CODE.test(code)) return false;
  const [c] = await turn.tx
    .select()
    .from(complaints)
    .where(and(eq(complaints.oaId, turn.oaId), eq(complaints.userId, turn.userId), eq(complaints.code, code)))
    .limit(1);
  if (!c) {
    turn.say('complaint.not_found', { code });
    return true;
  }
  const category = turn.t(`complaint.category.${c.category ?? 'other'}`);
  if (c.status === 'answered')
    turn.say('complaint.status_answered', { code, category, response: c.response ?? '' });
  else
    turn.say('complaint.status_open', {
      code,
      category,
      date: c.submittedAt ? formatLocalDate(localDateOf(c.submittedAt, turn.calendar.timeZone)) : '',
    });
  return true;
}
