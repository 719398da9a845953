import type { DeskTurn } from '../dossiers/desk-context.js';
import { tickets } from '../db/schema.js';
import { and, eq, lte } from 'drizzle-orm';
import { availability, describeOpening } from './office-hours.js';
import { openTicket, type TicketRow } from './tickets.js';

/**
 * The resident's side of a handoff: asking for a person opens a ticket (or tells them where they
 * stand in line when one is already waiting).
 */

/** Opens a ticket (or finds the waiting one) and tells the resident where they stand. */
export async function askForOfficer(turn: DeskTurn, reason: 'asked' | 'misses' = 'asked'): Promise<void> {
  const { ticket, created } = await openTicket(turn.tx, { oaId: turn.oaId, userId: turn.userId, reason });
  if (ticket.status === 'open') return turn.say('handoff.with_officer');
  const place = await placeInLine(turn, ticket);
  const desk = availability(turn.now, turn.config.officeShifts, turn.calendar);
  const when = desk.open
    ? turn.t('handoff.when_open')
    : turn.t('handoff.when_closed', { at: describeOpening(desk, turn.locale), hours: turn.officeHours() });
  turn.say(created ? 'handoff.opened' : 'handoff.waiting', { place, when }, [
    turn.button('handoff.button.cancel', '#ticket cancel'),
    turn.button('flow.common.menu', '#menu'),
  ]);
}

/** The resident withdraws the request while it is still waiting. */
export async function cancelRequest(turn: DeskTurn): Promise<void> {
  await turn.tx
    .update(tickets)
    .set({ status: 'resolved', resolvedAt: turn.now, officer: null })
    .where(and(eq(tickets.oaId, turn.oaId), eq(tickets.userId, turn.userId), eq(tickets.status, 'waiting')));
  turn.say('handoff.cancelled', {}, [turn.button('flow.common.menu', '#menu')]);
}

async function placeInLine(turn: DeskTurn, t: TicketRow): Promise<number> {
  const ahead = await turn.tx
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.oaId, t.oaId), eq(tickets.status, 'waiting'), lte(tickets.id, t.id)));
  return Math.max(1, ahead.length);
}
