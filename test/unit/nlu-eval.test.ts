import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultFlowsDir, loadCatalogue } from '../../src/catalogue/index.js';
import {
  evaluate,
  LabelledFileError,
  outcomeOf,
  parseLabelledTsv,
  renderReport,
  type EvalReport,
} from '../../src/nlu/eval.js';
import {
  createMatcher,
  lexiconFromCatalogue,
  type Classification,
  type Matcher,
} from '../../src/nlu/index.js';

/*
 * The acceptance bar, measured on the real catalogue (flows/procedures):
 * - test/nlu/dev.tsv is a copy of the project's shared NLU dev set. Its README: "`dev.tsv` has 120
 *   chat messages like the ones residents send to a commune's Zalo Official Account. Each message
 *   has the set of answers that count as right."
 * - test/nlu/own.tsv is this module's own labelled set, written independently of the dev set, as
 *   the guard against tuning to it.
 */

const fixture = (name: string) => readFileSync(new URL(`../nlu/${name}`, import.meta.url), 'utf8');

let matcher: Matcher;
beforeAll(async () => {
  const { catalogue, problems } = await loadCatalogue(defaultFlowsDir());
  expect(problems).toEqual([]);
  matcher = createMatcher(lexiconFromCatalogue(catalogue.procedures));
});

describe.each(['dev.tsv', 'own.tsv'])('the matcher on %s', (file) => {
  let report: EvalReport;
  beforeAll(() => {
    report = evaluate(matcher, parseLabelledTsv(fixture(file)));
  });

  it('answers at least 95% correctly', () => {
    expect(report.overall.shares.correct, renderReport(report)).toBeGreaterThanOrEqual(0.95);
  });

  it('is confidently wrong at most 2% of the time', () => {
    expect(report.overall.shares.confidently_wrong, renderReport(report)).toBeLessThanOrEqual(0.02);
  });
});

describe('own.tsv', () => {
  it('has at least 150 labelled messages covering every label of the dev set', () => {
    const own = parseLabelledTsv(fixture('own.tsv'));
    expect(own.length).toBeGreaterThanOrEqual(150);
    const ownLabels = new Set(own.flatMap((m) => m.accepted));
    const devLabels = new Set(parseLabelledTsv(fixture('dev.tsv')).flatMap((m) => m.accepted));
    expect([...devLabels].filter((l) => !ownLabels.has(l))).toEqual([]);
  });
});

describe('parsing a labelled file', () => {
  it('reads the header, CRLF endings and several accepted labels', () => {
    const rows = parseLabelledTsv('utterance\taccepted\r\nsao y\t2.000815\r\ntt\t1.004222,1.004194\r\n');
    expect(rows).toEqual([
      { line: 2, text: 'sao y', accepted: ['2.000815'] },
      { line: 3, text: 'tt', accepted: ['1.004222', '1.004194'] },
    ]);
  });

  it.each([
    ['text\tlabel\n', 1, /header/],
    ['utterance\taccepted\nno tab here\n', 2, /2 tab-separated columns/],
    ['utterance\taccepted\nok\t1.001193\na\tb\tc\n', 3, /found 3/],
    ['utterance\taccepted\nx\t1.001193, 2.000815\n', 2, /no spaces/],
    ['utterance\taccepted\nx\tintent:Handoff\n', 2, /not a procedure code/],
    ['utterance\taccepted\n\t1.001193\n', 2, /empty/],
  ])('refuses a malformed file with the line number (%#)', (content, line, message) => {
    let error: unknown;
    try {
      parseLabelledTsv(content);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LabelledFileError);
    expect((error as LabelledFileError).line).toBe(line);
    expect((error as LabelledFileError).message).toMatch(message);
  });
});

describe('scoring one message', () => {
  const base: Classification = {
    text: '',
    intent: 'procedure',
    procedure: '1.001193',
    confidence: 0.9,
    action: 'answer',
    candidates: [
      { label: '1.001193', score: 0.9 },
      { label: '1.004884', score: 0.5 },
      { label: '2.000635', score: 0.4 },
      { label: '1.000689', score: 0.3 },
    ],
    topic: null,
    explain: [],
  };

  it('follows the README rules', () => {
    expect(outcomeOf(base, ['1.001193'])).toBe('correct');
    expect(outcomeOf(base, ['1.004884'])).toBe('confidently_wrong');
    expect(outcomeOf({ ...base, action: 'redirect' }, ['1.001193'])).toBe('correct');
    expect(outcomeOf({ ...base, action: 'clarify', procedure: null }, ['2.000635'])).toBe('asked_back');
    expect(outcomeOf({ ...base, action: 'clarify', procedure: null }, ['1.000689'])).toBe('miss');
    const handoff = { ...base, intent: 'handoff' as const, procedure: null, action: 'handoff' as const };
    expect(outcomeOf(handoff, ['intent:handoff'])).toBe('correct');
    expect(outcomeOf(handoff, ['intent:feedback'])).toBe('handoff_offered');
    const unknown = { ...base, intent: 'unknown' as const, procedure: null };
    expect(outcomeOf(unknown, ['intent:unknown'])).toBe('correct');
    expect(outcomeOf(unknown, ['1.001193'])).toBe('confidently_wrong');
  });

  it('tallies counts and shares overall and per label', () => {
    const fake: Matcher = { classify: (text) => ({ ...base, text }) };
    const report = evaluate(fake, [
      { line: 2, text: 'a', accepted: ['1.001193'] },
      { line: 3, text: 'b', accepted: ['1.004884', '1.001193'] },
      { line: 4, text: 'c', accepted: ['2.000635'] },
    ]);
    expect(report.overall.counts).toMatchObject({ correct: 2, confidently_wrong: 1 });
    expect(report.overall.shares.correct).toBeCloseTo(2 / 3, 3);
    expect(report.perLabel['1.001193']?.total).toBe(2);
    expect(report.failures.map((f) => f.line)).toEqual([4]);
    expect(renderReport(report)).toContain('line 4 [conf. wrong]');
  });
});
