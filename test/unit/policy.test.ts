import { describe, expect, it } from 'vitest';
import { checkSendPolicy, minutesUntilQuietEnds, type PolicyInput } from '../../src/zalo/policy.js';

const quiet = { startMinute: 22 * 60, endMinute: 6 * 60 };
const tz = 'Asia/Ho_Chi_Minh';
/** 2026-11-22 at hh:mm Vietnam time (UTC+7). */
const vn = (hh: number, mm = 0) => new Date(Date.UTC(2026, 10, 22, hh - 7, mm));
const input = (over: Partial<PolicyInput>): PolicyInput => ({
  lane: 'reply',
  now: vn(10),
  lastInteractionAt: vn(9),
  following: true,
  timezone: tz,
  quietHours: quiet,
  ...over,
});

describe('when the OA may message a resident', () => {
  it('sends a reply inside the 7-day consultation window, at any hour', () => {
    expect(checkSendPolicy(input({ now: vn(23) }))).toEqual({ action: 'send' });
  });

  it('refuses consultation messages 7 days after the last interaction', () => {
    const eightDaysAgo = new Date(vn(10).getTime() - 8 * 86400_000);
    expect(checkSendPolicy(input({ lane: 'notify', lastInteractionAt: eightDaysAgo }))).toEqual({
      action: 'refuse',
      reason: 'window_closed',
    });
    expect(checkSendPolicy(input({ lastInteractionAt: null }))).toMatchObject({ action: 'refuse' });
  });

  it('holds broadcasts during quiet hours until 06:00 Vietnam time', () => {
    const d = checkSendPolicy(input({ lane: 'broadcast', now: vn(22, 30) }));
    expect(d).toEqual({ action: 'hold', reason: 'quiet_hours', until: vn(30) });
    expect(checkSendPolicy(input({ lane: 'broadcast', now: vn(6) }))).toEqual({ action: 'send' });
  });

  it('never broadcasts to someone who opted out, even a follower who wrote today', () => {
    expect(checkSendPolicy(input({ lane: 'broadcast', optedOut: true }))).toEqual({
      action: 'refuse',
      reason: 'opted_out',
    });
    expect(checkSendPolicy(input({ lane: 'reply', optedOut: true }))).toEqual({ action: 'send' });
  });

  it('broadcasts only to followers inside the 7-day window (they travel as consultation)', () => {
    expect(checkSendPolicy(input({ lane: 'broadcast', following: null }))).toEqual({
      action: 'refuse',
      reason: 'unfollowed',
    });
    const eightDaysAgo = new Date(vn(10).getTime() - 8 * 86400_000);
    expect(checkSendPolicy(input({ lane: 'broadcast', lastInteractionAt: eightDaysAgo }))).toEqual({
      action: 'refuse',
      reason: 'window_closed',
    });
  });

  it('never broadcasts to someone who unfollowed', () => {
    expect(checkSendPolicy(input({ lane: 'broadcast', following: false }))).toEqual({
      action: 'refuse',
      reason: 'unfollowed',
    });
  });

  it('counts minutes to the end of quiet hours across midnight', () => {
    expect(minutesUntilQuietEnds(vn(21, 59), tz, quiet)).toBe(0);
    expect(minutesUntilQuietEnds(vn(22), tz, quiet)).toBe(480);
    expect(minutesUntilQuietEnds(vn(5, 30), tz, quiet)).toBe(30);
  });
});
