import type { Classification, Matcher } from './types.js';

/*
 * Scoring a labelled file (utterance<TAB>accepted labels) the way the NLU dev set's README says:
 * each message gets one outcome (correct, asked back, confidently wrong, handoff offered, miss),
 * counted overall and per label. A message with several accepted labels counts under each.
 */

/** One labelled message. */
export interface LabelledMessage {
  /** 1-based line number in the file. */
  line: number;
  text: string;
  accepted: string[];
}

/** The outcome of one message. */
export type Outcome = 'correct' | 'asked_back' | 'confidently_wrong' | 'handoff_offered' | 'miss';

/** Every outcome, in report order. */
export const OUTCOMES: readonly Outcome[] = [
  'correct',
  'asked_back',
  'confidently_wrong',
  'handoff_offered',
  'miss',
];

/** Counts and shares of outcomes over a group of messages. */
export interface OutcomeTally {
  total: number;
  counts: Record<Outcome, number>;
  shares: Record<Outcome, number>;
}

/** A message that was not answered correctly. */
export interface EvalFailure {
  line: number;
  text: string;
  accepted: string[];
  outcome: Outcome;
  action: Classification['action'];
  label: string;
  candidates: string[];
}

/** The whole evaluation. */
export interface EvalReport {
  overall: OutcomeTally;
  perLabel: Record<string, OutcomeTally>;
  failures: EvalFailure[];
}

/** A labelled file that does not follow the format; `line` is 1-based. */
export class LabelledFileError extends Error {
  /** Builds the error for a line of the file. */
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'LabelledFileError';
  }
}

const LABEL = /^(\d\.\d{6}|intent:[a-z_]+)$/;

/** Parses a labelled TSV file (header `utterance<TAB>accepted`); throws {@link LabelledFileError}. */
export function parseLabelledTsv(content: string): LabelledMessage[] {
  const lines = content.replace(/^\uFEFF/, '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = lines[0]?.replace(/\r$/, '');
  if (header !== 'utterance\taccepted') {
    throw new LabelledFileError(1, 'the header must be "utterance<TAB>accepted"');
  }
  return lines.slice(1).map((raw, i) => {
    const line = i + 2;
    const cols = raw.replace(/\r$/, '').split('\t');
    if (cols.length !== 2)
      throw new LabelledFileError(line, `expected 2 tab-separated columns, found ${cols.length}`);
    const [text = '', labels = ''] = cols;
    if (text.trim() === '') throw new LabelledFileError(line, 'the utterance is empty');
    const accepted = labels.split(',');
    const bad = accepted.find((l) => !LABEL.test(l));
    if (bad !== undefined) {
      throw new LabelledFileError(
        line,
        `"${bad}" is not a procedure code or intent:NAME (no spaces allowed)`,
      );
    }
    return { line, text, accepted };
  });
}

/** The label a classification answers with: the procedure code, or `intent:NAME`. */
export function labelOf(c: Classification): string {
  return c.intent === 'procedure' && c.procedure ? c.procedure : `intent:${c.intent}`;
}

/** The outcome of one classification against its accepted labels. */
export function outcomeOf(c: Classification, accepted: readonly string[]): Outcome {
  switch (c.action) {
    case 'answer':
    case 'redirect':
      return accepted.includes(labelOf(c)) ? 'correct' : 'confidently_wrong';
    case 'handoff':
      return accepted.includes('intent:handoff') ? 'correct' : 'handoff_offered';
    case 'clarify':
      return c.candidates.slice(0, 3).some((k) => accepted.includes(k.label)) ? 'asked_back' : 'miss';
  }
}

function emptyTally(): OutcomeTally {
  const zero = () => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  return { total: 0, counts: zero(), shares: zero() };
}

function finish(t: OutcomeTally): OutcomeTally {
  for (const o of OUTCOMES)
    t.shares[o] = t.total === 0 ? 0 : Math.round((t.counts[o] / t.total) * 10000) / 10000;
  return t;
}

/** Classifies every message and tallies outcomes. */
export function evaluate(matcher: Matcher, messages: readonly LabelledMessage[]): EvalReport {
  const overall = emptyTally();
  const perLabel: Record<string, OutcomeTally> = {};
  const failures: EvalFailure[] = [];
  for (const m of messages) {
    const c = matcher.classify(m.text);
    const outcome = outcomeOf(c, m.accepted);
    overall.total++;
    overall.counts[outcome]++;
    for (const label of m.accepted) {
      const t = (perLabel[label] ??= emptyTally());
      t.total++;
      t.counts[outcome]++;
    }
    if (outcome !== 'correct') {
      const candidates = c.candidates.map((k) => k.label);
      failures.push({
        line: m.line,
        text: m.text,
        accepted: m.accepted,
        outcome,
        action: c.action,
        label: labelOf(c),
        candidates,
      });
    }
  }
  finish(overall);
  const sorted = Object.keys(perLabel).sort();
  return {
    overall,
    perLabel: Object.fromEntries(sorted.map((k) => [k, finish(perLabel[k] as OutcomeTally)])),
    failures,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const NAMES: Record<Outcome, string> = {
  correct: 'correct',
  asked_back: 'asked back',
  confidently_wrong: 'conf. wrong',
  handoff_offered: 'handoff',
  miss: 'miss',
};
const CELL = 13;

function tallyRow(name: string, t: OutcomeTally): string {
  const cells = OUTCOMES.map((o) => `${t.counts[o]} ${pct(t.shares[o]).padStart(6)}`.padStart(CELL));
  return `${name.padEnd(24)} ${String(t.total).padStart(5)} ${cells.join(' ')}`;
}

/** A plain-text report: overall and per-label tables, then every message not answered correctly. */
export function renderReport(report: EvalReport): string {
  const head = `${'label'.padEnd(24)} ${'n'.padStart(5)} ${OUTCOMES.map((o) => NAMES[o].padStart(CELL)).join(' ')}`;
  const lines = [head, tallyRow('ALL', report.overall), ''];
  for (const [label, t] of Object.entries(report.perLabel)) lines.push(tallyRow(label, t));
  if (report.failures.length > 0) {
    lines.push('', 'not correct (a message with several accepted labels counts under each above):');
    for (const f of report.failures) {
      const got = f.action === 'clarify' ? 'clarify' : `${f.action} ${f.label}`;
      lines.push(
        `  line ${f.line} [${NAMES[f.outcome]}] ${got}; want ${f.accepted.join(',')}; top ${f.candidates.slice(0, 3).join(' ')}: ${f.text}`,
      );
    }
  }
  return lines.join('\n');
}
