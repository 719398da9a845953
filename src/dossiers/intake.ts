import type { Procedure } from '../catalogue/index.js';
import { requestUserInfoMessage } from '../zalo/messages.js';
import { nextDossierCode } from './codes.js';
import { localDateOf } from './calendar.js';
import type { DeskTurn } from './desk-context.js';
import type { PreparedMedia } from './media.js';
import {
  addDossierEvent,
  addFile,
  addStaffNotice,
  collectingDossier,
  createDossier,
  databaseSequence,
  filesOf,
  latestConsent,
  profileOf,
  recordConsent,
  removeSlotFiles,
  updateDossier,
  type DossierRow,
} from './repo.js';
import { acceptsZaloDossier, slotPlan } from './slots.js';
import { formatLocalDate } from './format.js';

/**
 * Assembling a dossier in Zalo: consent, contact details, one slot per paper (several photos
 * each), where to receive the result, confirmation, then submission with a code and a date.
 * The dossier row holds where the resident stands, so a chat left for days resumes there.
 */

/** The version of the data-use notice; a new version asks residents again. */
export const CONSENT_VERSION = '2026-12';

/** Intake actions carried by button payloads `#dz <action> [arg]`. */
export type IntakeAction =
  | 'agree'
  | 'decline'
  | 'next'
  | 'skip'
  | 'redo'
  | 'cancel'
  | 'resume'
  | 'desk'
  | 'post'
  | 'submit'
  | 'supplement_done';

const MIN_ADDRESS_CHARS = 12;

/** Starts a dossier for a procedure, or says why not. */
export async function startIntake(turn: DeskTurn, code: string): Promise<void> {
  const p = turn.catalogue.get(code);
  if (!p) return turn.say('conversation.unknown_procedure');
  if (!acceptsZaloDossier(p))
    return turn.say('intake.not_here', { procedure: p.name[turn.locale], portal: turn.portal() });
  const open = await collecting(turn);
  if (open) {
    if (open.procedureCode === code) return promptStep(turn, open);
    return turn.say('intake.already_open', { procedure: turn.procedureName(open.procedureCode) }, [
      turn.button('intake.button.resume', '#dz resume'),
      turn.button('intake.button.cancel', '#dz cancel'),
    ]);
  }
  const consent = await latestConsent(turn.tx, turn.oaId, turn.userId);
  const consented = consent?.decision === 'accepted' && consent.version === CONSENT_VERSION;
  const profile = consented ? await profileOf(turn.tx, turn.oaId, turn.userId) : undefined;
  const step = !consented ? 'consent' : profile?.phone ? 'slots' : 'identity';
  const dossier = await createDossier(turn.tx, {
    oaId: turn.oaId,
    userId: turn.userId,
    procedureCode: code,
    step,
    purgeAfter: new Date(turn.now.getTime() + turn.config.retentionDays * 86_400_000),
  });
  if (consented && consent) await updateDossier(turn.tx, dossier.id, { consentId: consent.id });
  turn.say('intake.start', { procedure: p.name[turn.locale] });
  await promptStep(turn, dossier);
}

/** The resident's dossier being assembled, if any. */
export function collecting(turn: DeskTurn): Promise<DossierRow | undefined> {
  return collectingDossier(turn.tx, turn.oaId, turn.userId);
}

/** Handles a tapped intake button. */
export async function intakeAction(turn: DeskTurn, dossier: DossierRow, action: IntakeAction): Promise<void> {
  const p = turn.catalogue.get(dossier.procedureCode);
  if (!p) return turn.say('conversation.unknown_procedure');
  const slots = slotPlan(p).slots;
  const current = slots[dossier.slotIndex];
  switch (action) {
    case 'agree': {
      if (dossier.step !== 'consent') return promptStep(turn, dossier);
      const consentId = await recordConsent(turn.tx, {
        oaId: turn.oaId,
        userId: turn.userId,
        version: CONSENT_VERSION,
        decision: 'accepted',
      });
      const profile = await profileOf(turn.tx, turn.oaId, turn.userId);
      const step = profile?.phone ? 'slots' : 'identity';
      await updateDossier(turn.tx, dossier.id, { consentId, step });
      return promptStep(turn, { ...dossier, consentId, step });
    }
    case 'decline':
      await recordConsent(turn.tx, {
        oaId: turn.oaId,
        userId: turn.userId,
        version: CONSENT_VERSION,
        decision: 'declined',
      });
      await cancel(turn, dossier);
      return turn.say('intake.consent_declined');
    case 'cancel':
      await cancel(turn, dossier);
      return turn.say('intake.cancelled');
    case 'resume':
      turn.say('intake.resumed', { procedure: p.name[turn.locale] });
      return promptStep(turn, dossier);
    case 'redo': {
      if (dossier.step !== 'slots' || !current) return promptStep(turn, dossier);
      const removed = await removeSlotFiles(turn.tx, 'dossier', dossier.id, [current.id]);
      turn.removeAfterCommit.push(...removed.map((r) => r.path));
      turn.say('intake.redo_done', { document: current.name[turn.locale] });
      return promptStep(turn, dossier, { quiet: true });
    }
    case 'skip':
    case 'next': {
      if (dossier.step !== 'slots' || !current) return promptStep(turn, dossier);
      const counts = await slotCounts(turn, dossier.id);
      if (action === 'next' && !counts.get(current.id)) {
        return turn.say('intake.slot_empty', { document: current.name[turn.locale] }, [
          turn.button('intake.button.skip', '#dz skip'),
          turn.button('intake.button.cancel', '#dz cancel'),
        ]);
      }
      const skipped =
        action === 'skip'
          ? [...new Set([...dossier.skipped, current.id])]
          : dossier.skipped.filter((s) => s !== current.id);
      if (action === 'skip') turn.say('intake.skipped', { document: current.name[turn.locale] });
      const nextIndex = slots.findIndex(
        (s, i) => i > dossier.slotIndex && !counts.get(s.id) && !skipped.includes(s.id),
      );
      const patch =
        nextIndex >= 0
          ? { slotIndex: nextIndex, skipped }
          : {
              slotIndex: slots.length,
              skipped,
              step: p.channels.post ? 'channel' : 'confirm',
              ...(p.channels.post ? {} : { channel: 'desk' }),
            };
      await updateDossier(turn.tx, dossier.id, patch);
      return promptStep(turn, { ...dossier, ...patch });
    }
    case 'desk':
    case 'post': {
      if (dossier.step !== 'channel' && dossier.step !== 'confirm') return promptStep(turn, dossier);
      const patch =
        action === 'desk' ? { channel: 'desk', step: 'confirm' } : { channel: 'post', step: 'address' };
      await updateDossier(turn.tx, dossier.id, patch);
      return promptStep(turn, { ...dossier, ...patch });
    }
    case 'submit':
      if (dossier.step !== 'confirm') return promptStep(turn, dossier);
      return submit(turn, dossier, p);
    case 'supplement_done':
      return promptStep(turn, dossier);
  }
}

/** A typed text while a dossier is being assembled; false when the text is not for the intake. */
export async function intakeText(turn: DeskTurn, dossier: DossierRow, text: string): Promise<boolean> {
  if (dossier.step !== 'address') return false;
  const address = text.trim().replace(/\s+/g, ' ');
  if (address.length < MIN_ADDRESS_CHARS) {
    turn.say('intake.address_short');
    return true;
  }
  const patch = { postAddress: address.slice(0, 300), step: 'confirm' };
  await updateDossier(turn.tx, dossier.id, patch);
  await promptStep(turn, { ...dossier, ...patch });
  return true;
}

/** Contact details arrived from request_user_info. */
export async function intakeIdentified(turn: DeskTurn, dossier: DossierRow, name: string | undefined) {
  if (name) turn.say('intake.identity_thanks', { name });
  if (dossier.step !== 'identity') return;
  await updateDossier(turn.tx, dossier.id, { step: 'slots' });
  await promptStep(turn, { ...dossier, step: 'slots' });
}

/** Photos or files arrived while assembling: they go into the current slot. */
export async function intakeMedia(
  turn: DeskTurn,
  dossier: DossierRow,
  media: PreparedMedia[],
  msgId: string,
) {
  const p = turn.catalogue.get(dossier.procedureCode);
  const slots = p ? slotPlan(p).slots : [];
  const current = slots[dossier.slotIndex];
  if (dossier.step === 'consent' || dossier.step === 'identity' || !current || !p) {
    discard(turn, media);
    turn.say(dossier.step === 'consent' ? 'intake.consent_first' : 'intake.identity_waiting');
    return promptStep(turn, dossier, { quiet: true });
  }
  if (dossier.step !== 'slots') {
    // Papers sent after the last slot reopen it rather than being lost.
    await updateDossier(turn.tx, dossier.id, { step: 'slots', slotIndex: slots.length - 1 });
    return intakeMedia(turn, { ...dossier, step: 'slots', slotIndex: slots.length - 1 }, media, msgId);
  }
  await storeInto(turn, 'dossier', dossier.id, current.id, media, msgId);
  const counts = await slotCounts(turn, dossier.id);
  turn.say('intake.received', { count: counts.get(current.id) ?? 0, document: current.name[turn.locale] });
  const missing = slots.filter((s) => !counts.get(s.id) && s.id !== current.id);
  turn.say(
    missing.length ? 'intake.missing' : 'intake.nothing_missing',
    { list: missing.map((s) => s.name[turn.locale]).join('; ') },
    [
      turn.button('intake.button.next', '#dz next'),
      turn.button('intake.button.redo', '#dz redo'),
      turn.button('intake.button.cancel', '#dz cancel'),
    ],
  );
}

/**
 * Adds stored media to a dossier or complaint, telling the resident about each refused file. A
 * duplicate (same content already there) is refused and its new copy removed.
 */
export async function storeInto(
  turn: DeskTurn,
  ownerKind: 'dossier' | 'complaint',
  ownerId: number,
  slot: string,
  media: PreparedMedia[],
  msgId: string,
): Promise<number> {
  let added = 0;
  for (const m of media) {
    if (!m.ok) {
      turn.say('intake.refused', {
        reason: turn.t(`intake.refusal.${m.reason}`, {
          mb: Math.round(turn.config.mediaMaxBytes / 1048576),
          attempts: m.attempts ?? 3,
        }),
      });
      continue;
    }
    const fresh = await addFile(turn.tx, {
      ownerKind,
      ownerId,
      slot,
      fileId: m.fileId,
      path: m.path,
      sha256: m.sha256,
      size: m.size,
      mime: m.mime,
      width: m.width ?? null,
      height: m.height ?? null,
      msgId,
    });
    if (fresh) added++;
    else {
      turn.removeAfterCommit.push(m.path);
      turn.say('intake.refused', { reason: turn.t('intake.refusal.duplicate') });
    }
  }
  return added;
}

/** Removes stored copies of media that will not be kept. */
export function discard(turn: DeskTurn, media: PreparedMedia[]) {
  for (const m of media) if (m.ok) turn.removeAfterCommit.push(m.path);
}

/** Photos per slot of a dossier. */
export async function slotCounts(turn: DeskTurn, dossierId: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const f of await filesOf(turn.tx, 'dossier', dossierId))
    counts.set(f.slot, (counts.get(f.slot) ?? 0) + 1);
  return counts;
}

async function cancel(turn: DeskTurn, dossier: DossierRow) {
  const p = turn.catalogue.get(dossier.procedureCode);
  const all = [
    ...new Set([
      ...(p ? slotPlan(p).slots.map((s) => s.id) : []),
      ...(await filesOf(turn.tx, 'dossier', dossier.id)).map((f) => f.slot),
    ]),
  ];
  const removed = await removeSlotFiles(turn.tx, 'dossier', dossier.id, all);
  turn.removeAfterCommit.push(...removed.map((r) => r.path));
  await updateDossier(turn.tx, dossier.id, { stage: 'cancelled', closedAt: turn.now, purgeAfter: turn.now });
  await addDossierEvent(turn.tx, { dossierId: dossier.id, kind: 'cancelled', actor: 'resident' });
}

/** Shows what the resident should do at the dossier's current step. */
export async function promptStep(
  turn: DeskTurn,
  dossier: DossierRow,
  opts: { quiet?: boolean } = {},
): Promise<void> {
  const p = turn.catalogue.get(dossier.procedureCode);
  if (!p) return turn.say('conversation.unknown_procedure');
  const slots = slotPlan(p).slots;
  switch (dossier.step) {
    case 'consent':
      return turn.say('intake.consent', { days: turn.config.retentionDays, version: CONSENT_VERSION }, [
        turn.button('intake.button.agree', '#dz agree'),
        turn.button('intake.button.decline', '#dz decline'),
      ]);
    case 'identity':
      turn.say('intake.identity');
      turn.out.push(
        requestUserInfoMessage(
          turn.t('intake.identity_card_title'),
          turn.t('intake.identity_card_subtitle'),
          turn.infoCardUrl,
        ),
      );
      return;
    case 'slots': {
      const current = slots[dossier.slotIndex];
      if (!current) return;
      if (opts.quiet) return;
      return turn.say(
        'intake.slot',
        { index: dossier.slotIndex + 1, total: slots.length, document: documentLine(turn, current) },
        [
          turn.button('intake.button.next', '#dz next'),
          turn.button('intake.button.skip', '#dz skip'),
          turn.button('intake.button.cancel', '#dz cancel'),
        ],
      );
    }
    case 'channel':
      return turn.say('intake.channel', {}, [
        turn.button('intake.button.desk', '#dz desk'),
        turn.button('intake.button.post', '#dz post'),
        turn.button('intake.button.cancel', '#dz cancel'),
      ]);
    case 'address':
      return turn.say('intake.address');
    case 'confirm':
      return confirm(turn, dossier, p);
  }
}

function documentLine(turn: DeskTurn, d: Procedure['documents'][number]): string {
  const note = d.notes?.[turn.locale];
  return note ? `${d.name[turn.locale]} (${note})` : d.name[turn.locale];
}

async function confirm(turn: DeskTurn, dossier: DossierRow, p: Procedure) {
  const plan = slotPlan(p);
  const counts = await slotCounts(turn, dossier.id);
  const lines = plan.slots.map((s) =>
    counts.get(s.id)
      ? turn.t('intake.slot_line', { document: s.name[turn.locale], count: counts.get(s.id) })
      : turn.t('intake.slot_line_skipped', { document: s.name[turn.locale] }),
  );
  const channel =
    dossier.channel === 'post'
      ? turn.t('intake.channel_post', { address: dossier.postAddress ?? '' })
      : turn.t('intake.channel_desk');
  const bring = plan.bringOriginals.length
    ? turn.t('intake.bring', { list: plan.bringOriginals.map((d) => d.name[turn.locale]).join('; ') })
    : '';
  turn.say('intake.confirm', { procedure: p.name[turn.locale], slots: lines.join('\n'), channel, bring }, [
    turn.button('intake.button.submit', '#dz submit'),
    ...(p.channels.post
      ? [
          turn.button(
            dossier.channel === 'post' ? 'intake.button.desk' : 'intake.button.post',
            dossier.channel === 'post' ? '#dz desk' : '#dz post',
          ),
        ]
      : []),
    turn.button('intake.button.cancel', '#dz cancel'),
  ]);
}

async function submit(turn: DeskTurn, dossier: DossierRow, p: Procedure) {
  const today = localDateOf(turn.now, turn.calendar.timeZone);
  const code = await nextDossierCode(databaseSequence(turn.tx), turn.config.agencyCode, today);
  const days = p.time_limit.working_days;
  const appointment =
    days === null
      ? null
      : turn.calendar.addWorkingDays(
          turn.now,
          Math.ceil(days),
          p.time_limit.same_day_cutoff ? { cutoff: p.time_limit.same_day_cutoff } : {},
        );
  await updateDossier(turn.tx, dossier.id, {
    stage: 'submitted',
    step: 'submitted',
    code,
    status: 1,
    channel: dossier.channel ?? 'desk',
    appointmentDate: appointment,
    submittedAt: turn.now,
    purgeAfter: null,
  });
  await addDossierEvent(turn.tx, {
    dossierId: dossier.id,
    kind: 'submitted',
    actor: 'resident',
    toStatus: 1,
  });
  await addStaffNotice(turn.tx, {
    oaId: turn.oaId,
    kind: 'dossier_submitted',
    subjectKind: 'dossier',
    subjectId: dossier.id,
  });
  turn.say('intake.submitted', {
    procedure: p.name[turn.locale],
    code,
    date: appointment ? formatLocalDate(appointment) : '—',
  });
}
