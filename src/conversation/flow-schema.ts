import { z } from 'zod';

/**
 * The shape of a conversation flow file (`flows/*.yaml`). A flow is a set of
 * named steps; text fields are i18n keys, never resident-facing prose.
 */

const stepId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'step ids are lower_snake_case');

/** Where a step goes next: a step of the same flow, or the start of another flow. */
export const stepRefSchema = z.union([stepId, z.strictObject({ flow: stepId })]);

const textKey = z.string().min(1);

/** One button of an `ask` step; it either moves to a step or runs a global command. */
export const choiceSchema = z
  .strictObject({
    id: stepId,
    label: textKey,
    next: stepRefSchema.optional(),
    /** A global command (see conversation/commands.ts), e.g. `#p 1.001193` or `#lang`. */
    command: z.string().startsWith('#').optional(),
    /** Variables set when the choice is taken. */
    set: z.record(z.string(), z.string()).optional(),
  })
  .refine((c) => (c.next === undefined) !== (c.command === undefined), {
    message: 'a choice needs exactly one of next or command',
  });

const inputSchema = z.strictObject({
  kind: z.enum(['text', 'phone', 'number', 'code']),
  save_as: stepId,
  max_length: z.number().int().positive().max(2000).optional(),
  invalid: textKey,
});

const say = z.strictObject({ type: z.literal('say'), text: textKey, next: stepRefSchema.optional() });
const ask = z
  .strictObject({
    type: z.literal('ask'),
    text: textKey,
    choices: z.array(choiceSchema).max(5, 'Zalo shows at most 5 buttons').optional(),
    input: inputSchema.optional(),
    next: stepRefSchema.optional(),
  })
  .refine((s) => s.choices?.length || s.input, { message: 'an ask step needs choices or input' })
  .refine((s) => !s.input || s.next, { message: 'an ask step with input needs next' });
const collect = z.strictObject({
  type: z.literal('collect'),
  slot: stepId,
  text: textKey,
  next: stepRefSchema,
});
const action = z.strictObject({
  type: z.literal('action'),
  name: z.string().regex(/^[a-z][a-z_]*\.[a-z][a-z_]*$/, 'action names look like area.verb'),
  next: stepRefSchema.optional(),
  on: z.record(z.string(), stepRefSchema).optional(),
});
const branch = z.strictObject({
  type: z.literal('branch'),
  cases: z.array(
    z.strictObject({ when: z.strictObject({ var: stepId, equals: z.string() }), next: stepRefSchema }),
  ),
  else: stepRefSchema,
});
const end = z.strictObject({ type: z.literal('end'), text: textKey.optional() });

/** One step of a flow. */
export const stepSchema = z.discriminatedUnion('type', [say, ask, collect, action, branch, end]);

/** A whole flow file. */
export const flowSchema = z.strictObject({
  id: stepId,
  version: z.number().int().positive(),
  description: z.string().optional(),
  start: stepId,
  /** Step renames from older versions, so a saved state can be carried over instead of restarted. */
  migrations: z.record(z.string(), z.record(stepId, stepId)).optional(),
  steps: z.record(stepId, stepSchema),
});

/** A flow as loaded from YAML. */
export type Flow = z.infer<typeof flowSchema>;
/** One step of a flow. */
export type Step = z.infer<typeof stepSchema>;
/** A reference to the next step. */
export type StepRef = z.infer<typeof stepRefSchema>;
/** A button choice of an ask step. */
export type Choice = z.infer<typeof choiceSchema>;
