import type { ZaloMessage } from '../zalo/messages.js';
import type { Choice, Flow, Step, StepRef } from './flow-schema.js';

/**
 * The flow engine: a pure function from (flows, where the resident is, what
 * they did) to (where they are now, what to say). It never touches the
 * database, the queue or Zalo; named actions are pure functions supplied by
 * the caller. Text is returned as i18n keys for the caller to translate.
 */

/** Where a resident stands in a flow; stored in the conversation row. */
export interface FlowPosition {
  flow: string;
  version: number;
  step: string;
  vars: Record<string, string>;
}

/** What the resident did, as the engine sees it. */
export type EngineInput =
  | { kind: 'start'; flow: string; vars?: Record<string, string> }
  | { kind: 'text'; text: string }
  | { kind: 'choice'; flow: string; step: string; choice: string }
  | { kind: 'attachments'; ids: string[] };

/** A button the caller renders under the last `say` effect. */
export interface ButtonSpec {
  labelKey: string;
  payload: string;
}

/** Something the caller must do, in order. */
export type Effect =
  | { type: 'say'; key: string; vars: Record<string, string>; buttons: ButtonSpec[] }
  | { type: 'messages'; messages: ZaloMessage[] }
  | { type: 'command'; command: string }
  | { type: 'collected'; slot: string; ids: string[] };

/** What a named action gives back. */
export interface ActionResult {
  /** Selects a branch in the step's `on` map. */
  result?: string;
  vars?: Record<string, string>;
  messages?: ZaloMessage[];
}

/** Named actions available to flows; each is pure over the variables it is given. */
export type ActionRegistry = Record<string, (vars: Record<string, string>) => ActionResult>;

/** Everything the engine needs besides the input. */
export interface EngineContext {
  flows: ReadonlyMap<string, Flow>;
  actions: ActionRegistry;
  /** Matches typed text to one of an ask step's choices (labels are i18n keys the engine cannot read). */
  matchChoice?: (text: string, choices: Choice[]) => string | undefined;
}

/** The engine's answer. `not_understood`: the input did not fit the waiting step; the caller decides. */
export interface EngineResult {
  position: FlowPosition | null;
  effects: Effect[];
  outcome: 'waiting' | 'ended' | 'not_understood';
}

/** Steps run for one input before the engine assumes a loop in the flow files. */
const MAX_STEPS = 50;

/** Button payload for a choice: `#c flow.step choice`. */
export function choicePayload(flow: string, step: string, choice: string): string {
  return `#c ${flow}.${step} ${choice}`;
}

/** Advances a resident's position by one input. */
export function advance(ctx: EngineContext, position: FlowPosition | null, input: EngineInput): EngineResult {
  const effects: Effect[] = [];
  if (input.kind === 'start') {
    const flow = requireFlow(ctx, input.flow);
    return run(
      ctx,
      { flow: flow.id, version: flow.version, step: flow.start, vars: { ...input.vars } },
      effects,
    );
  }
  if (!position) return { position: null, effects, outcome: 'not_understood' };
  const flow = ctx.flows.get(position.flow);
  const step = flow?.steps[position.step];
  if (!flow || !step) return { position: null, effects, outcome: 'not_understood' };
  const here = { ...position, vars: { ...position.vars } };

  if (step.type === 'ask') {
    const chosen = chooseFor(ctx, step, here, input);
    if (chosen) return take(ctx, here, chosen, effects);
    if (step.input && input.kind === 'text') {
      const value = validateInput(step.input.kind, input.text, step.input.max_length);
      if (value === undefined) {
        effects.push({ type: 'say', key: step.input.invalid, vars: here.vars, buttons: [] });
        return { position: here, effects, outcome: 'waiting' };
      }
      here.vars[step.input.save_as] = value;
      return goTo(ctx, here, step.next!, effects);
    }
    return { position: here, effects, outcome: 'not_understood' };
  }
  if (step.type === 'collect') {
    if (input.kind === 'attachments') {
      effects.push({ type: 'collected', slot: step.slot, ids: input.ids });
      return { position: here, effects, outcome: 'waiting' };
    }
    if (input.kind === 'choice' && input.choice === 'done') return goTo(ctx, here, step.next, effects);
    return { position: here, effects, outcome: 'not_understood' };
  }
  return { position: null, effects, outcome: 'not_understood' };
}

function chooseFor(
  ctx: EngineContext,
  step: Extract<Step, { type: 'ask' }>,
  at: FlowPosition,
  input: EngineInput,
) {
  const choices = step.choices ?? [];
  if (input.kind === 'choice') {
    if (input.flow !== at.flow || input.step !== at.step) return undefined;
    return choices.find((c) => c.id === input.choice);
  }
  if (input.kind === 'text' && ctx.matchChoice) {
    const id = ctx.matchChoice(input.text, choices);
    return choices.find((c) => c.id === id);
  }
  return undefined;
}

function take(ctx: EngineContext, at: FlowPosition, choice: Choice, effects: Effect[]): EngineResult {
  Object.assign(at.vars, choice.set);
  if (choice.command) {
    effects.push({ type: 'command', command: interpolate(choice.command, at.vars) });
    return { position: null, effects, outcome: 'ended' };
  }
  return goTo(ctx, at, choice.next!, effects);
}

function goTo(ctx: EngineContext, at: FlowPosition, ref: StepRef, effects: Effect[]): EngineResult {
  if (typeof ref === 'string') return run(ctx, { ...at, step: ref }, effects);
  const flow = requireFlow(ctx, ref.flow);
  return run(ctx, { flow: flow.id, version: flow.version, step: flow.start, vars: at.vars }, effects);
}

/** Runs steps from `at` until one waits for the resident or the flow ends. */
function run(ctx: EngineContext, start: FlowPosition, effects: Effect[]): EngineResult {
  let at = start;
  for (let n = 0; n < MAX_STEPS; n++) {
    const flow = requireFlow(ctx, at.flow);
    const step = flow.steps[at.step];
    if (!step) throw new Error(`flow ${flow.id} has no step ${at.step}`);
    switch (step.type) {
      case 'say':
        effects.push({ type: 'say', key: step.text, vars: at.vars, buttons: [] });
        if (!step.next) return { position: null, effects, outcome: 'ended' };
        at = follow(ctx, at, step.next);
        break;
      case 'ask':
        effects.push({
          type: 'say',
          key: step.text,
          vars: at.vars,
          buttons: (step.choices ?? []).map((c) => ({
            labelKey: c.label,
            payload: choicePayload(at.flow, at.step, c.id),
          })),
        });
        return { position: at, effects, outcome: 'waiting' };
      case 'collect':
        effects.push({
          type: 'say',
          key: step.text,
          vars: at.vars,
          buttons: [],
        });
        return { position: at, effects, outcome: 'waiting' };
      case 'action': {
        const act = ctx.actions[step.name];
        if (!act) throw new Error(`flow ${flow.id} calls unknown action ${step.name}`);
        const res = act(at.vars);
        at = { ...at, vars: { ...at.vars, ...res.vars } };
        if (res.messages?.length) effects.push({ type: 'messages', messages: res.messages });
        const next = (res.result !== undefined ? step.on?.[res.result] : undefined) ?? step.next;
        if (!next) return { position: null, effects, outcome: 'ended' };
        at = follow(ctx, at, next);
        break;
      }
      case 'branch': {
        const hit = step.cases.find((c) => at.vars[c.when.var] === c.when.equals);
        at = follow(ctx, at, hit ? hit.next : step.else);
        break;
      }
      case 'end':
        if (step.text) effects.push({ type: 'say', key: step.text, vars: at.vars, buttons: [] });
        return { position: null, effects, outcome: 'ended' };
    }
  }
  throw new Error(`flow ${at.flow} ran ${MAX_STEPS} steps without waiting: a loop in the flow files`);
}

function follow(ctx: EngineContext, at: FlowPosition, ref: StepRef): FlowPosition {
  if (typeof ref === 'string') return { ...at, step: ref };
  const flow = requireFlow(ctx, ref.flow);
  return { flow: flow.id, version: flow.version, step: flow.start, vars: at.vars };
}

function requireFlow(ctx: EngineContext, id: string): Flow {
  const flow = ctx.flows.get(id);
  if (!flow) throw new Error(`unknown flow ${id}`);
  return flow;
}

/** Replaces `{{name}}` with a variable's value. */
function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars[name] ?? '');
}

/** Checks typed input of a given kind; returns the cleaned value or undefined. */
export function validateInput(kind: 'text' | 'phone' | 'number' | 'code', raw: string, maxLength = 500) {
  const text = raw.normalize('NFC').trim();
  if (text === '' || Array.from(text).length > maxLength) return undefined;
  switch (kind) {
    case 'text':
      return text;
    case 'number':
      return /^\d{1,12}$/.test(text) ? text : undefined;
    case 'phone': {
      const digits = text.replace(/[\s.-]/g, '').replace(/^\+?84/, '0');
      return /^0\d{9}$/.test(digits) ? digits : undefined;
    }
    case 'code':
      return /^[\w.-]{3,40}$/.test(text) ? text.toUpperCase() : undefined;
  }
}

/**
 * Carries a saved position over to the current version of its flow: same
 * version as is, renamed steps through the flow's `migrations`, otherwise
 * null (the caller restarts politely).
 */
export function migratePosition(flows: ReadonlyMap<string, Flow>, saved: FlowPosition): FlowPosition | null {
  const flow = flows.get(saved.flow);
  if (!flow) return null;
  if (saved.version === flow.version) return flow.steps[saved.step] ? saved : null;
  const renamed = flow.migrations?.[String(saved.version)]?.[saved.step];
  const step = renamed ?? (flow.migrations?.[String(saved.version)] ? saved.step : undefined);
  if (!step || !flow.steps[step]) return null;
  return { ...saved, version: flow.version, step };
}
