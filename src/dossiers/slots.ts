import type { DocumentSlot, Procedure } from '../catalogue/index.js';

/**
 * The papers a resident can send as photos for a procedure: the required ones the catalogue
 * marks `photo_ok`. Papers that must be originals (tờ khai signed at the desk, for instance)
 * are listed separately so the resident is told to bring them.
 */
export interface SlotPlan {
  slots: DocumentSlot[];
  bringOriginals: DocumentSlot[];
}

/** Splits a procedure's required papers into photo slots and originals to bring. */
export function slotPlan(p: Procedure): SlotPlan {
  const required = p.documents.filter((d) => d.required);
  return {
    slots: required.filter((d) => d.photo_ok),
    bringOriginals: required.filter((d) => !d.photo_ok),
  };
}

/** True when a dossier for this procedure can be assembled in Zalo: a UBND procedure with photo slots. */
export function acceptsZaloDossier(p: Procedure): boolean {
  return p.agency === 'ubnd_xa' && slotPlan(p).slots.length > 0;
}
