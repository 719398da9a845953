import type { DeskTurn } from './desk-context.js';
import { storeInto } from './intake.js';
import type { PreparedMedia } from './media.js';
import { addDossierEvent, addStaffNotice, updateDossier, type DossierRow } from './repo.js';
import { slotPlan } from './slots.js';

/**
 * A dossier an officer sent back for more papers (status 5): the resident's new photos go into
 * the same dossier, slot by slot, and "Đã gửi đủ" tells the officer it is ready for another look.
 */

/** The supplement slot photos go into now, if any is left. */
function currentSlot(turn: DeskTurn, d: DossierRow) {
  const p = turn.catalogue.get(d.procedureCode);
  const id = d.supplementSlots[d.slotIndex];
  return p && id ? slotPlan(p).slots.find((s) => s.id === id) : undefined;
}

/** Asks for the current supplement slot. */
export function promptSupplement(turn: DeskTurn, d: DossierRow) {
  const slot = currentSlot(turn, d);
  if (!slot) return;
  turn.say('intake.slot_supplement', {
    document: slot.name[turn.locale],
    note: d.supplementNote ? ` ${d.supplementNote}` : '',
  });
}

/** Photos for a supplement. */
export async function supplementMedia(turn: DeskTurn, d: DossierRow, media: PreparedMedia[], msgId: string) {
  const slot = currentSlot(turn, d);
  if (!slot || d.supplementedAt) return false;
  const added = await storeInto(turn, 'dossier', d.id, slot.id, media, msgId);
  if (added > 0)
    turn.say('intake.received', { count: added, document: slot.name[turn.locale] }, [
      turn.button('intake.button.supplement_done', '#dz supplement_done'),
    ]);
  return true;
}

/** The resident says the supplement is complete (or moves to the next requested slot). */
export async function supplementDone(turn: DeskTurn, d: DossierRow) {
  if (d.supplementedAt) return turn.say('intake.supplement_done', { code: d.code });
  if (d.slotIndex + 1 < d.supplementSlots.length) {
    await updateDossier(turn.tx, d.id, { slotIndex: d.slotIndex + 1 });
    return promptSupplement(turn, { ...d, slotIndex: d.slotIndex + 1 });
  }
  await updateDossier(turn.tx, d.id, { supplementedAt: turn.now });
  await addDossierEvent(turn.tx, { dossierId: d.id, kind: 'supplement_received', actor: 'resident' });
  await addStaffNotice(turn.tx, {
    oaId: turn.oaId,
    kind: 'supplement_received',
    subjectKind: 'dossier',
    subjectId: d.id,
  });
  turn.say('intake.supplement_done', { code: d.code });
}
