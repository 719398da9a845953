import { MAX_N } from './grams.js';
import { BREAK, FILLER_WORDS } from './lexicon/words.js';
import type { MessageWords } from './message.js';
import type { Feature, Model } from './model.js';

/*
 * Matching a message's n-grams against the model: how much evidence each label gets, how much
 * of each phrase (pattern) is present, and which words each procedure's names and aliases cover
 * (its "marks", used to tell where and how a procedure is mentioned).
 */

/** Weight of a word pair with one word between, against an adjacent pair. */
const SKIP_FACTOR = 0.6;
/** Mark of a function word inside a matched phrase: part of the mention, but weightless. */
export const IN_PHRASE = 1e-6;
/** In coverage, the share given to single words (order-free) against multi-word n-grams. */
const WORD_SHARE = 0.6;
/** A cue counts as said when this share of it is in the message. */
const WHOLE = 0.99;

/** Per procedure label: the weight of its strongest name/alias n-gram covering each word. */
export type Marks = Map<number, number[]>;

/** What the message's n-grams matched. */
export interface Hits {
  /** Per label: summed weight of the matched n-grams it holds. */
  evidence: number[];
  /** Per pattern: matched weight of its single words, and of its multi-word n-grams (the model's scratch buffers). */
  words: Float64Array;
  phrases: Float64Array;
  /** Patterns with any match. */
  touched: number[];
  marks: Marks;
}

/**
 * Looks up every n-gram (n = 1..MAX_N) of `words` made only of words the model knows, plus word
 * pairs with one filler word between them ("thoi [lam] giam"); a content word between is never
 * skipped ("dang ky [lai] khai").
 */
export function collectHits(model: Model, message: MessageWords): Hits {
  const { words, functionWord } = message;
  const hits: Hits = {
    evidence: new Array<number>(model.labels.length).fill(0),
    words: model.scratch.words,
    phrases: model.scratch.phrases,
    touched: [],
    marks: new Map(),
  };
  const { base } = model;
  // N-grams are read across commas ("khai sinh, thuong tru, can cuoc" is a list), but a comma
  // keeps its position, so mentions on either side of it are never adjacent.
  const at: number[] = [];
  const ids: number[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === BREAK) continue;
    at.push(i);
    ids.push(model.wordIds.get(words[i] as string) ?? -1);
  }
  const seen = new Set<number>();
  for (let i = 0; i < ids.length; i++) {
    const first = ids[i] as number;
    if (first < 0) continue;
    let code = 0;
    for (let n = 1; n <= MAX_N && i + n <= ids.length; n++) {
      const id = ids[i + n - 1] as number;
      if (id < 0) break;
      code = code * base + id + 1;
      const start = at[i] as number;
      visit(model, hits, functionWord, seen, code, start, n, (at[i + n - 1] as number) + 1 - start, false);
    }
    const after = ids[i + 2];
    if (after !== undefined && after >= 0 && FILLER_WORDS.has(words[at[i + 1] as number] as string)) {
      const start = at[i] as number;
      visit(
        model,
        hits,
        functionWord,
        seen,
        (first + 1) * base + after + 1,
        start,
        2,
        (at[i + 2] as number) + 1 - start,
        true,
      );
    }
  }
  return hits;
}

/** Adds one message n-gram (by code) to the hits, if the model knows it. */
function visit(
  model: Model,
  hits: Hits,
  functionWord: readonly boolean[],
  seen: Set<number>,
  code: number,
  start: number,
  n: number,
  span: number,
  skip: boolean,
): void {
  const feature = model.features.get(code);
  if (!feature) return;
  if (!skip) markMention(hits.marks, feature, start, span, functionWord);
  if (seen.has(code)) return;
  seen.add(code);
  const scale = skip ? SKIP_FACTOR : 1;
  const weight = feature.weight * scale;
  const { labelIds, labelWeights, patterns } = feature;
  const evidence = hits.evidence;
  for (let k = 0; k < labelIds.length; k++) {
    const l = labelIds[k] as number;
    evidence[l] = (evidence[l] as number) + (labelWeights[k] as number) * scale;
  }
  const into = n === 1 ? hits.words : hits.phrases;
  const other = n === 1 ? hits.phrases : hits.words;
  for (let k = 0; k < patterns.length; k++) {
    const p = patterns[k] as number;
    const before = into[p] as number;
    if (before === 0 && other[p] === 0) hits.touched.push(p);
    into[p] = before + weight;
  }
}

function markMention(
  marks: Marks,
  feature: Feature,
  start: number,
  span: number,
  functionWord: readonly boolean[],
): void {
  for (let k = 0; k < feature.strong.length; k++) {
    const l = feature.strong[k] as number;
    let m = marks.get(l);
    if (!m) marks.set(l, (m = new Array<number>(functionWord.length).fill(0)));
    for (let i = start; i < start + span; i++) {
      const weight = functionWord[i] ? IN_PHRASE : feature.weight;
      if (weight > (m[i] as number)) m[i] = weight;
    }
  }
}

/** Per label: its best-covered pattern and that coverage; per intent: whole cues said, and whether one is decisive. */
export interface Coverage {
  best: number[];
  coverage: number[];
  wholeCues: number[];
  decisive: boolean[];
}

/** Zeroes the model's scratch buffers that `hits` used, ready for the next message. */
export function releaseHits(hits: Hits): void {
  for (const p of hits.touched) {
    hits.words[p] = 0;
    hits.phrases[p] = 0;
  }
  hits.touched.length = 0;
}

/** How completely each label's phrases are present: single words count order-free, n-grams in order. */
export function coverageOf(model: Model, hits: Hits): Coverage {
  const count = model.labels.length;
  const out: Coverage = {
    best: new Array<number>(count).fill(-1),
    coverage: new Array<number>(count).fill(0),
    wholeCues: new Array<number>(count).fill(0),
    decisive: new Array<boolean>(count).fill(false),
  };
  for (const p of hits.touched) {
    const pattern = model.patterns[p];
    if (!pattern) continue;
    const w = pattern.wordWeight > 0 ? Math.min(1, (hits.words[p] as number) / pattern.wordWeight) : -1;
    const ph =
      pattern.phraseWeight > 0 ? Math.min(1, (hits.phrases[p] as number) / pattern.phraseWeight) : -1;
    const c = w < 0 ? Math.max(ph, 0) : ph < 0 ? w : WORD_SHARE * w + (1 - WORD_SHARE) * ph;
    const l = pattern.label;
    if ((pattern.kind === 'cue' || pattern.kind === 'decisive') && c >= WHOLE) {
      out.wholeCues[l] = (out.wholeCues[l] as number) + 1;
      if (pattern.kind === 'decisive') out.decisive[l] = true;
    }
    if (c > (out.coverage[l] as number)) {
      out.coverage[l] = c;
      out.best[l] = p;
    }
  }
  return out;
}
