import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import { loadYamlFile, type Problem } from '../catalogue/index.js';
import { parsePayload } from './commands.js';
import { flowSchema, type Flow, type StepRef } from './flow-schema.js';

/** Action names the conversation runner provides to flows. */
export const KNOWN_ACTIONS = ['procedure.answer', 'procedure.topic'] as const;

/** The flows every deployment needs; a flows directory without one of them is refused. */
export const REQUIRED_FLOWS = ['menu', 'browse', 'guidance', 'topic', 'handoff', 'dossier'] as const;

/**
 * Loads `flows/*.yaml` (conversations; the catalogue lives in subfolders).
 * Each file is checked against the schema, then the set is checked as a
 * whole: every `next` names an existing step or flow, every action exists,
 * and every text key exists in each locale given.
 */
export async function loadFlows(
  dir: string,
  opts: { hasText?: (key: string) => boolean; hasProcedure?: (code: string) => boolean } = {},
): Promise<{ flows: Map<string, Flow>; problems: Problem[]; files: Map<string, Flow> }> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const files = new Map<string, Flow>();
  const problems: Problem[] = [];
  for (const name of names) {
    const loaded = await loadYamlFile(path.join(dir, name), flowSchema, { root: dir });
    if (loaded.ok) files.set(name, loaded.value);
    else problems.push(...loaded.problems);
  }
  const flows = new Map<string, Flow>();
  for (const [name, flow] of files) {
    if (flows.has(flow.id))
      problems.push({ file: name, line: 1, reason: `flow id "${flow.id}" is used twice` });
    flows.set(flow.id, flow);
  }
  const broken = new Set(problems.map((p) => p.file));
  for (const [name, flow] of files) problems.push(...checkFlow(name, flow, flows, { ...opts, broken }));
  for (const id of REQUIRED_FLOWS) {
    if (!flows.has(id) && !broken.has(`${id}.yaml`))
      problems.push({ file: `${id}.yaml`, line: 1, reason: `the "${id}" flow is missing` });
  }
  return { flows, problems, files };
}

function checkFlow(
  file: string,
  flow: Flow,
  flows: ReadonlyMap<string, Flow>,
  opts: {
    hasText?: (key: string) => boolean;
    hasProcedure?: (code: string) => boolean;
    /** Files refused already: references into them are not reported again. */
    broken: ReadonlySet<string>;
  },
): Problem[] {
  const { hasText, hasProcedure } = opts;
  const problems: Problem[] = [];
  const at = (reason: string) => problems.push({ file, line: 1, reason: `flow ${flow.id}: ${reason}` });
  const ref = (r: StepRef | undefined, where: string) => {
    if (r === undefined) return;
    if (typeof r === 'string') {
      if (!flow.steps[r]) at(`${where} goes to a step "${r}" that does not exist`);
    } else if (!flows.has(r.flow) && !opts.broken.has(`${r.flow}.yaml`))
      at(`${where} goes to a flow "${r.flow}" that does not exist`);
  };
  const text = (key: string | undefined, where: string) => {
    if (key && hasText && !hasText(key)) at(`${where} uses text "${key}" missing from a locale`);
  };
  const command = (cmd: string | undefined, where: string) => {
    if (!cmd) return;
    const parsed = parsePayload(cmd);
    if (!parsed || parsed.kind === 'choice') {
      at(`${where} has a command "${cmd}" that is not a global command`);
      return;
    }
    if (
      (parsed.kind === 'procedure' || parsed.kind === 'topic') &&
      hasProcedure &&
      !hasProcedure(parsed.code)
    ) {
      at(`${where} names procedure ${parsed.code}, which is not in the catalogue`);
    }
  };
  if (!flow.steps[flow.start]) at(`start step "${flow.start}" does not exist`);
  for (const [id, step] of Object.entries(flow.steps)) {
    const where = `step ${id}`;
    switch (step.type) {
      case 'say':
        text(step.text, where);
        ref(step.next, where);
        break;
      case 'ask':
        text(step.text, where);
        if (step.input) text(step.input.invalid, where);
        ref(step.next, where);
        for (const c of step.choices ?? []) {
          text(c.label, `${where} choice ${c.id}`);
          ref(c.next, `${where} choice ${c.id}`);
          command(c.command, `${where} choice ${c.id}`);
        }
        break;
      case 'collect':
        text(step.text, where);
        ref(step.next, where);
        break;
      case 'action':
        if (!(KNOWN_ACTIONS as readonly string[]).includes(step.name))
          at(`${where} calls unknown action ${step.name}`);
        ref(step.next, where);
        for (const r of Object.values(step.on ?? {})) ref(r, where);
        break;
      case 'branch':
        for (const c of step.cases) ref(c.next, where);
        ref(step.else, where);
        break;
      case 'end':
        text(step.text, where);
        break;
    }
  }
  return problems;
}

/** Flows that keep serving their last good version when a file is broken. */
export interface FlowStore {
  current(): ReadonlyMap<string, Flow>;
  reload(): Promise<Problem[]>;
}

/** Builds a flow store over a directory; the first load must succeed for the required flows. */
export async function createFlowStore(opts: {
  dir: string;
  logger: Pick<Logger, 'warn' | 'info'>;
  hasText?: (key: string) => boolean;
}): Promise<FlowStore> {
  let good = new Map<string, Flow>();
  let byFile = new Map<string, Flow>();
  const reload = async () => {
    const { problems, files } = await loadFlows(opts.dir, { hasText: opts.hasText });
    const broken = new Set(problems.map((p) => p.file));
    const next = new Map(byFile);
    for (const [file, flow] of files) if (!broken.has(file)) next.set(file, flow);
    for (const file of next.keys()) if (!files.has(file) && !broken.has(file)) next.delete(file);
    byFile = next;
    good = new Map([...byFile.values()].map((f) => [f.id, f]));
    for (const p of problems)
      opts.logger.warn({ file: p.file, line: p.line, reason: p.reason }, 'flow file refused');
    return problems;
  };
  await reload();
  const missing = REQUIRED_FLOWS.filter((id) => !good.has(id));
  if (missing.length > 0) throw new Error(`flows missing or broken: ${missing.join(', ')}`);
  return { current: () => good, reload };
}
