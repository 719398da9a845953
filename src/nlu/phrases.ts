import type { Normaliser } from './normalise.js';

/*
 * Exact phrase lookup over normalised words, for the short fixed lists (topics, requests,
 * greetings and thanks) where order and adjacency matter and n-gram scoring would be overkill.
 */

/** A list of phrases looked up by exact word sequence. */
export interface PhraseList {
  /** First word → phrases (as word arrays) starting with it. */
  byFirst: Map<string, string[][]>;
}

/** Normalises `phrases` into a {@link PhraseList}. */
export function phraseList(phrases: readonly string[], normalise: Normaliser): PhraseList {
  const byFirst = new Map<string, string[][]>();
  for (const p of phrases) {
    const words = normalise(p).words;
    const first = words[0];
    if (first === undefined) continue;
    const list = byFirst.get(first) ?? [];
    list.push(words);
    byFirst.set(first, list);
  }
  return { byFirst };
}

/** Spans [start, end) where phrases of `list` occur in `words`. */
export function findPhrases(list: PhraseList, words: readonly string[]): [number, number][] {
  const spans: [number, number][] = [];
  words.forEach((w, i) => {
    for (const phrase of list.byFirst.get(w) ?? []) {
      if (phrase.every((p, k) => words[i + k] === p)) spans.push([i, i + phrase.length]);
    }
  });
  return spans;
}
