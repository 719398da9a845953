import { describe, expect, it } from 'vitest';
import { createRepliesFirst } from '../../src/queue/replies-first.js';

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 0));
  return done;
};

describe('replies before broadcasts in one process', () => {
  it('lets a broadcast send go at once when no resident is being answered', async () => {
    const gate = createRepliesFirst();
    expect(await settled(gate.whenIdle(10_000))).toBe(true);
  });

  it('holds a broadcast send until every reply in progress has ended', async () => {
    const gate = createRepliesFirst();
    const first = gate.begin();
    const second = gate.begin();
    const waiting = gate.whenIdle(10_000);
    expect(await settled(waiting)).toBe(false);
    first();
    first();
    expect(gate.busy()).toBe(1);
    expect(await settled(waiting)).toBe(false);
    second();
    expect(gate.busy()).toBe(0);
    expect(await settled(waiting)).toBe(true);
  });

  it('never holds a broadcast send longer than its limit, so a steady stream of replies cannot starve it', async () => {
    const gate = createRepliesFirst();
    const end = gate.begin();
    const started = Date.now();
    await gate.whenIdle(40);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(gate.busy()).toBe(1);
    end();
  });
});
