import type { Evidence } from './matcher.js';
import { describeMention } from './mentions.js';
import type { Model } from './model.js';
import type { Candidate, Classification, MatcherOptions } from './types.js';

/*
 * From scores to a decision. The top score says how much evidence there is (strength), the gap
 * to the runner-up says how sure the choice is (margin); confidence combines both. A procedure is
 * answered (or, for Công an xã, redirected) when it leads clearly, asked back when another
 * procedure is close; an intent is answered, except a request for a person, which hands off.
 * Nothing above the minimum score is the intent `unknown`.
 */

/** Raw score at which strength reaches 1 - 1/e (about one full alias hit). */
const SCORE_SCALE = 3;
/** Weak evidence is asked back only when the top procedure accounts for this share of the message. */
const WEAK_EXPLAINED = 0.5;
/** How many candidates a classification lists. */
const TOP = 5;
/** Procedures within this share of the leader are offered when asking back. */
const CLARIFY_SHARE = 0.5;

/** The thresholds used when the caller gives none. */
export const DEFAULT_OPTIONS: Required<MatcherOptions> = {
  minScore: 2.5,
  askScore: 1.2,
  clarifyMargin: 0.2,
  minConfidence: 0.3,
};

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const strengthOf = (s: number) => 1 - Math.exp(-s / SCORE_SCALE);

/** Labels with a score, best first; ties broken by label so the order never depends on the lexicon's order. */
function rank(model: Model, scores: readonly number[]): number[] {
  const ranked: number[] = [];
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) > 0) ranked.push(i);
  return ranked.sort((a, b) => {
    const d = (scores[b] as number) - (scores[a] as number);
    return d !== 0 ? d : (model.labels[a]?.label ?? '') < (model.labels[b]?.label ?? '') ? -1 : 1;
  });
}

/** Why a label scored what it did: its best phrase and how its mention sits (never the message itself). */
function because(model: Model, evidence: Evidence, l: number): string {
  const p = model.patterns[evidence.best[l] ?? -1];
  const via = p ? ` via ${p.kind} "${p.text}" ${Math.round((evidence.coverage[l] ?? 0) * 100)}%` : '';
  const mention = evidence.mentions.get(l);
  const where = mention ? `; ${describeMention(mention, evidence.words)}` : '';
  return `${model.labels[l]?.label ?? '?'} ${round3(evidence.scores[l] ?? 0)}${via}${where}`;
}

/** Turns scores into the matcher's answer. */
export function decide(
  model: Model,
  evidence: Evidence,
  text: string,
  options: Required<MatcherOptions>,
): Classification {
  const { scores } = evidence;
  const ranked = rank(model, scores);
  // The leader's score is its strength; the others' are in proportion to their raw scores.
  const lead = ranked[0] === undefined ? 0 : (scores[ranked[0]] ?? 0);
  const candidates: Candidate[] = [];
  for (const l of ranked.slice(0, TOP)) {
    const share = lead > 0 ? (scores[l] ?? 0) / lead : 0;
    candidates.push({ label: model.labels[l]?.label ?? '', score: round3(strengthOf(lead) * share) });
  }
  const explain: string[] = [];
  for (const l of ranked.slice(0, 3)) explain.push(because(model, evidence, l));
  if (evidence.topic) explain.push(`topic ${evidence.topic}`);
  const result = (
    intent: Classification['intent'],
    procedure: string | null,
    confidence: number,
    action: Classification['action'],
    why: string,
  ): Classification => {
    explain.push(why);
    return { text, intent, procedure, confidence, action, candidates, topic: evidence.topic, explain };
  };
  const isProcedure = (l: number) => model.labels[l]?.intent === null;
  const top = ranked[0];
  const s1 = top === undefined ? 0 : (scores[top] ?? 0);
  if (top === undefined || s1 < options.minScore) {
    const weak = top !== undefined && s1 >= options.askScore && isProcedure(top);
    if (weak && (evidence.explained[top] ?? 0) >= WEAK_EXPLAINED && ranked.filter(isProcedure).length >= 2) {
      return result('procedure', null, round3(strengthOf(s1) * 0.4), 'clarify', `weak evidence: asking back`);
    }
    return result(
      'unknown',
      null,
      round3(1 - strengthOf(s1)),
      'answer',
      `below minimum score ${options.minScore}`,
    );
  }
  const s2 = ranked[1] === undefined ? 0 : (scores[ranked[1]] ?? 0);
  const margin = (s1 - s2) / s1;
  const confidence = round3(strengthOf(s1) * (0.4 + 0.6 * margin));
  const sure = `margin ${round3(margin)} confidence ${confidence}`;
  const info = model.labels[top];
  if (!info) throw new Error('ranked label out of range');
  if (info.intent)
    return result(info.intent, null, confidence, info.intent === 'handoff' ? 'handoff' : 'answer', sure);
  if (evidence.readings.length > 1 && evidence.readings.every(isProcedure)) {
    const names = evidence.readings.map((l) => model.labels[l]?.label).join(' / ');
    return result(
      'procedure',
      null,
      confidence,
      'clarify',
      `${sure}; asking back: the short form reads as ${names}`,
    );
  }
  const close = ranked.some((l) => l !== top && isProcedure(l) && (scores[l] ?? 0) >= s1 * CLARIFY_SHARE);
  if (close && (margin < options.clarifyMargin || confidence < options.minConfidence)) {
    return result('procedure', null, confidence, 'clarify', `${sure}; asking back: procedures too close`);
  }
  return result(
    'procedure',
    info.label,
    confidence,
    info.agency === 'cong_an_xa' ? 'redirect' : 'answer',
    sure,
  );
}
