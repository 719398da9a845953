/**
 * Zalo's rules on when an OA may message a resident (reference §3), as one pure
 * function the sender consults before every send. Flows and officers never
 * need to know them.
 */

import { wallClockOf } from '../time/wall-clock.js';

/** The rate-budget lane a message travels in; also decides which Zalo rules apply. */
export type Lane = 'reply' | 'notify' | 'broadcast';

/** Consultation messages need an interaction within this many days (error -230 after). */
export const CONSULTATION_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** What the sender may do with a message right now. */
export type PolicyDecision =
  | { action: 'send' }
  | { action: 'hold'; until: Date; reason: 'quiet_hours' }
  | { action: 'refuse'; reason: 'window_closed' | 'unfollowed' | 'never_interacted' | 'opted_out' };

/** Facts about the resident and the clock that the rules need. */
export interface PolicyInput {
  lane: Lane;
  now: Date;
  lastInteractionAt: Date | null;
  following: boolean | null;
  /** The resident sent an opt-out word (broadcasts only). */
  optedOut?: boolean;
  timezone: string;
  quietHours: { startMinute: number; endMinute: number };
}

/**
 * Decides send / hold / refuse. Every message travels as consultation (`/message/cs`), so each
 * needs an interaction in the last 7 days. Replies and notifications may go 24/7; broadcasts
 * also need a follower who has not opted out, and wait out the 22:00–06:00 quiet hours.
 */
export function checkSendPolicy(input: PolicyInput): PolicyDecision {
  if (input.lane === 'broadcast') {
    if (input.optedOut) return { action: 'refuse', reason: 'opted_out' };
    if (input.following !== true) return { action: 'refuse', reason: 'unfollowed' };
  }
  if (!input.lastInteractionAt) return { action: 'refuse', reason: 'never_interacted' };
  if (input.now.getTime() - input.lastInteractionAt.getTime() > CONSULTATION_WINDOW_MS) {
    return { action: 'refuse', reason: 'window_closed' };
  }
  if (input.lane === 'broadcast') {
    const wait = minutesUntilQuietEnds(input.now, input.timezone, input.quietHours);
    if (wait > 0) return { action: 'hold', until: quietHoursEnd(input.now, wait), reason: 'quiet_hours' };
  }
  return { action: 'send' };
}

/** Minutes after local midnight in `timezone` for the instant `now`. */
export function localMinuteOfDay(now: Date, timezone: string): number {
  const w = wallClockOf(now, timezone);
  return w.hour * 60 + w.minute;
}

/** 0 outside quiet hours; otherwise whole minutes until they end. */
export function minutesUntilQuietEnds(
  now: Date,
  timezone: string,
  quiet: { startMinute: number; endMinute: number },
): number {
  const m = localMinuteOfDay(now, timezone);
  const { startMinute: s, endMinute: e } = quiet;
  if (s === e) return 0;
  const inside = s < e ? m >= s && m < e : m >= s || m < e;
  if (!inside) return 0;
  return (e - m + 1440) % 1440;
}

function quietHoursEnd(now: Date, minutes: number): Date {
  const startOfMinute = now.getTime() - (now.getTime() % 60_000);
  return new Date(startOfMinute + minutes * 60_000);
}
