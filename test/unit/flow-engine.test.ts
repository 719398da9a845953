import { describe, expect, it } from 'vitest';
import {
  advance,
  migratePosition,
  validateInput,
  type EngineContext,
} from '../../src/conversation/engine.js';
import { flowSchema, type Flow } from '../../src/conversation/flow-schema.js';

const registration: Flow = flowSchema.parse({
  id: 'register',
  version: 2,
  start: 'kind',
  migrations: { '1': { pick_kind: 'kind' } },
  steps: {
    kind: {
      type: 'ask',
      text: 'ask.kind',
      choices: [
        { id: 'birth', label: 'kind.birth', next: 'phone', set: { kind: 'birth' } },
        { id: 'menu', label: 'kind.menu', command: '#menu' },
      ],
    },
    phone: {
      type: 'ask',
      text: 'ask.phone',
      input: { kind: 'phone', save_as: 'phone', invalid: 'phone.invalid' },
      next: 'check',
    },
    check: { type: 'action', name: 'lookup.phone', on: { known: 'known' }, next: 'unknown' },
    known: { type: 'end', text: 'phone.known' },
    unknown: {
      type: 'branch',
      cases: [{ when: { var: 'kind', equals: 'birth' }, next: 'photos' }],
      else: 'bye',
    },
    photos: { type: 'collect', slot: 'birth_certificate', text: 'ask.photos', next: 'bye' },
    bye: { type: 'end', text: 'bye' },
  },
});

const ctx: EngineContext = {
  flows: new Map([[registration.id, registration]]),
  actions: { 'lookup.phone': (vars) => ({ result: vars.phone === '0912345678' ? 'known' : 'new' }) },
  matchChoice: (text, choices) => choices.find((c) => c.id === text.trim().toLowerCase())?.id,
};

const start = () => advance(ctx, null, { kind: 'start', flow: 'register' });

describe('the flow engine', () => {
  it('starts at the first step and waits there with the choices as buttons', () => {
    const res = start();
    expect(res.outcome).toBe('waiting');
    expect(res.position).toMatchObject({ flow: 'register', version: 2, step: 'kind' });
    expect(res.effects).toEqual([
      {
        type: 'say',
        key: 'ask.kind',
        vars: {},
        buttons: [
          { labelKey: 'kind.birth', payload: '#c register.kind birth' },
          { labelKey: 'kind.menu', payload: '#c register.kind menu' },
        ],
      },
    ]);
  });

  it('takes a tapped choice, sets its variables and asks the next question', () => {
    const res = advance(ctx, start().position, {
      kind: 'choice',
      flow: 'register',
      step: 'kind',
      choice: 'birth',
    });
    expect(res.position).toMatchObject({ step: 'phone', vars: { kind: 'birth' } });
    expect(res.effects.map((e) => e.type === 'say' && e.key)).toEqual(['ask.phone']);
  });

  it('matches a typed choice through the caller', () => {
    const res = advance(ctx, start().position, { kind: 'text', text: 'Birth ' });
    expect(res.position?.step).toBe('phone');
  });

  it('refuses invalid input with its message and keeps waiting at the same step', () => {
    const atPhone = advance(ctx, start().position, { kind: 'text', text: 'birth' }).position;
    const res = advance(ctx, atPhone, { kind: 'text', text: 'không nhớ' });
    expect(res.outcome).toBe('waiting');
    expect(res.position?.step).toBe('phone');
    expect(res.effects).toEqual([
      { type: 'say', key: 'phone.invalid', vars: { kind: 'birth' }, buttons: [] },
    ]);
  });

  it('saves valid input, runs the action and follows its result', () => {
    const atPhone = advance(ctx, start().position, { kind: 'text', text: 'birth' }).position;
    const known = advance(ctx, atPhone, { kind: 'text', text: '+84 912 345 678' });
    expect(known.outcome).toBe('ended');
    expect(known.position).toBeNull();
    expect(known.effects.map((e) => e.type === 'say' && e.key)).toEqual(['phone.known']);
    const unknown = advance(ctx, atPhone, { kind: 'text', text: '0987 654 321' });
    expect(unknown.position).toMatchObject({ step: 'photos', vars: { phone: '0987654321', kind: 'birth' } });
  });

  it('collects attachments into the step’s slot until the resident is done', () => {
    const atPhone = advance(ctx, start().position, { kind: 'text', text: 'birth' }).position;
    const atPhotos = advance(ctx, atPhone, { kind: 'text', text: '0987654321' }).position;
    const got = advance(ctx, atPhotos, { kind: 'attachments', ids: ['img-1', 'img-2'] });
    expect(got.effects).toEqual([{ type: 'collected', slot: 'birth_certificate', ids: ['img-1', 'img-2'] }]);
    expect(got.position?.step).toBe('photos');
    const done = advance(ctx, got.position, {
      kind: 'choice',
      flow: 'register',
      step: 'photos',
      choice: 'done',
    });
    expect(done.outcome).toBe('ended');
  });

  it('hands a command choice back to the caller and ends the flow', () => {
    const res = advance(ctx, start().position, {
      kind: 'choice',
      flow: 'register',
      step: 'kind',
      choice: 'menu',
    });
    expect(res).toEqual({
      position: null,
      effects: [{ type: 'command', command: '#menu' }],
      outcome: 'ended',
    });
  });

  it('reports input that fits no choice as not understood, leaving the caller to decide', () => {
    const res = advance(ctx, start().position, { kind: 'text', text: 'lam giay khai sinh' });
    expect(res.outcome).toBe('not_understood');
    expect(res.position?.step).toBe('kind');
  });

  it('ignores a tap on a button of another step', () => {
    const res = advance(ctx, start().position, {
      kind: 'choice',
      flow: 'register',
      step: 'phone',
      choice: 'birth',
    });
    expect(res.outcome).toBe('not_understood');
  });

  it('carries a position from an older version through renamed steps, and drops one it cannot place', () => {
    const old = { flow: 'register', version: 1, step: 'pick_kind', vars: {} };
    expect(migratePosition(ctx.flows, old)).toEqual({ ...old, version: 2, step: 'kind' });
    expect(migratePosition(ctx.flows, { ...old, step: 'gone' })).toBeNull();
    expect(migratePosition(ctx.flows, { ...old, version: 7 })).toBeNull();
  });

  it('stops a flow that loops without waiting', () => {
    const loop = flowSchema.parse({
      id: 'loop',
      version: 1,
      start: 'a',
      steps: { a: { type: 'say', text: 'x', next: 'b' }, b: { type: 'say', text: 'y', next: 'a' } },
    });
    expect(() =>
      advance({ ...ctx, flows: new Map([['loop', loop]]) }, null, { kind: 'start', flow: 'loop' }),
    ).toThrow(/loop/);
  });
});

describe('typed input checks', () => {
  it('accepts Vietnamese mobile numbers in the ways people write them', () => {
    expect(validateInput('phone', '0912 345 678')).toBe('0912345678');
    expect(validateInput('phone', '+84.912.345.678')).toBe('0912345678');
    expect(validateInput('phone', '12345')).toBeUndefined();
  });

  it('upper-cases dossier codes and refuses text that is too long', () => {
    expect(validateInput('code', '000.00.06.h56-231027-0361')).toBe('000.00.06.H56-231027-0361');
    expect(validateInput('text', 'a'.repeat(20), 10)).toBeUndefined();
  });
});
