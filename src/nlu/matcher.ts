import { collectHits, coverageOf, releaseHits, type Coverage } from './hits.js';
import type { Topic } from './intents.js';
import { explainedOf, placeMentions, type Mention } from './mentions.js';
import { messageWords } from './message.js';
import type { Model } from './model.js';
import { asksSomething, splitTopics } from './topics.js';

/*
 * Scoring. Every label gets the summed weight of the message n-grams it knows (evidence), times
 * how completely its best-matching phrase is present (so "lam khai sinh" favours the procedure
 * whose alias is "khai sinh" over the one named "dang ky lai khai sinh"), times how its mention
 * sits in the sentence (asked for, or only in passing: see mentions.ts). Then intents are put in
 * their place: complaints, status questions, requests for a person and spam beat procedure
 * names they mention; thanks win when nothing else is asked; greetings only when nothing else
 * is recognised.
 */

/** Share of a label's evidence kept when none of its phrases is matched at all. */
const COVERAGE_FLOOR = 0.35;
/** Exponent on phrase coverage: higher punishes half-matched phrases more. */
const COVERAGE_POWER = 2;
/** Factor on `over` intents (status, handoff, complaint, off-topic) against procedure names. */
const OVER_BOOST = 1.6;
/** Extra factor on an `over` intent for each whole cue beyond the first ("nop roi" + "khi nao co"). */
const CUE_BONUS = 0.5;
/** How far ahead of the best procedure an intent with a decisive cue is put. */
const DECISIVE_LEAD = 1.25;
/** How far ahead of the best other label a thanks with no request is put. */
const CLOSING_LEAD = 1.25;
/** Factor on thanks and greetings when the message also asks something. */
const COURTESY_WITH_REQUEST = 0.3;

/** Per-label scores for one message, with what produced them. */
export interface Evidence {
  /** Normalised words procedures were scored on (typos corrected, topic phrases removed). */
  words: string[];
  /** Final score per label index. */
  scores: number[];
  /** Best-covered pattern per label index (-1 when none matched). */
  best: number[];
  /** Coverage of that pattern, 0..1. */
  coverage: number[];
  /** How each procedure's mention sits, when that changed its score. */
  mentions: Map<number, Mention>;
  /** Share of the message's content words each label's names and aliases account for. */
  explained: number[];
  topic: Topic | null;
  /** The message asks or requests something beyond a greeting or thanks. */
  request: boolean;
  /** When readings of an ambiguous short form point to different labels: those labels. */
  readings: number[];
}

function topLabel(scores: readonly number[]): number {
  let top = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i] as number) > (scores[top] as number)) top = i;
  return top;
}

/** Scores every label of `model` against `text`, trying each reading of an ambiguous short form. */
export function score(model: Model, text: string): Evidence {
  const normalised = model.normalise(text);
  const first = scoreWords(model, normalised.words, text);
  if (normalised.variants.length === 0) return first;
  const all = [first, ...normalised.variants.map((v) => scoreWords(model, v, text))];
  let best = first;
  for (const e of all)
    if ((e.scores[topLabel(e.scores)] as number) > (best.scores[topLabel(best.scores)] as number)) best = e;
  const scores = new Array<number>(best.scores.length).fill(0);
  for (const e of all)
    for (let i = 0; i < scores.length; i++) scores[i] = Math.max(scores[i] as number, e.scores[i] as number);
  const tops = [...new Set(all.map((e) => topLabel(e.scores)))];
  return { ...best, scores, readings: tops.length > 1 ? tops : [] };
}

function correctWords(model: Model, words: readonly string[]): string[] {
  return words.map((w) => (model.vocabulary.has(w) ? w : (model.typos.correct(w) ?? w)));
}

function scoreWords(model: Model, normalisedWords: readonly string[], text: string): Evidence {
  const all = correctWords(model, normalisedWords);
  const { topic, rest: words, starts } = splitTopics(model, all);
  const request = asksSomething(model, all, text);
  const message = messageWords(words);
  const hits = collectHits(model, message);
  let cover: Coverage;
  try {
    cover = coverageOf(model, hits);
  } finally {
    releaseHits(hits);
  }
  const { best, coverage, wholeCues, decisive } = cover;
  const mentions = placeMentions(hits, message, starts);
  const count = model.labels.length;
  const scores = new Array<number>(count).fill(0);
  let bestProcedure = 0;
  let bestOther = 0;
  for (let l = 0; l < count; l++) {
    const role = model.labels[l]?.role ?? null;
    const c = coverage[l] as number;
    let s = (hits.evidence[l] as number) * (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * c ** COVERAGE_POWER);
    s *= mentions.get(l)?.factor ?? 1;
    if (role === 'over') s *= OVER_BOOST * (1 + CUE_BONUS * Math.max(0, (wholeCues[l] as number) - 1));
    const courtesy = role === 'closing' || role === 'opening';
    if (courtesy && request) s *= COURTESY_WITH_REQUEST;
    scores[l] = s;
    if (!courtesy) bestOther = Math.max(bestOther, s);
    if (role === null) bestProcedure = Math.max(bestProcedure, s);
  }
  for (let l = 0; l < count; l++) {
    const s = scores[l] as number;
    if (decisive[l]) scores[l] = Math.max(s, bestProcedure * DECISIVE_LEAD);
    if (!request && model.labels[l]?.role === 'closing' && s > 0)
      scores[l] = Math.max(s, bestOther * CLOSING_LEAD);
  }
  const explained = explainedOf(hits.marks, message, count);
  return { words, scores, best, coverage, mentions, explained, topic, request, readings: [] };
}
