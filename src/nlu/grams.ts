import { isFunctionWord } from './lexicon/words.js';

/*
 * Word n-grams, the features phrases and messages are compared on. A procedure phrase keeps the
 * n-grams with at least one content word ("khai sinh", "o dau" is dropped); a cue phrase keeps
 * them all, because cues such as "có chưa" are made of function words.
 */

/** Longest n-gram used. */
export const MAX_N = 3;

/** One n-gram of a word sequence. */
export interface Gram {
  key: string;
  n: number;
}

/** The n-grams (n = 1..MAX_N) of `words` holding a content word; without `contentOnly`, also longer function-word ones. */
export function grams(words: readonly string[], contentOnly: boolean): Gram[] {
  const out: Gram[] = [];
  for (let i = 0; i < words.length; i++) {
    let key = '';
    let content = false;
    for (let n = 1; n <= MAX_N && i + n <= words.length; n++) {
      const w = words[i + n - 1] as string;
      key = n === 1 ? w : `${key} ${w}`;
      content ||= !isFunctionWord(w);
      if (content || (!contentOnly && n > 1)) out.push({ key, n });
    }
  }
  return out;
}

/**
 * A number for the n-gram of word ids `ids[start..start+n)`, given `base` > every id + 1: unique
 * per n-gram, and cheap to hash. Ids are positions in the model's vocabulary.
 */
export function gramCode(ids: ArrayLike<number>, start: number, n: number, base: number): number {
  let code = 0;
  for (let k = 0; k < n; k++) code = code * base + (ids[start + k] as number) + 1;
  return code;
}
