import { GENERIC_WORDS, isFunctionWord } from './lexicon/words.js';

/*
 * A message's words with what every scoring step asks about each of them, worked out once.
 */

/** The words procedures are scored on, with per-word flags. */
export interface MessageWords {
  words: string[];
  /** Stop word or bare number: never counts on its own. */
  functionWord: boolean[];
  /** Carries meaning of its own: neither a function word nor a generic one ("giay", "xin"). */
  content: boolean[];
}

/** True for a word that carries meaning of its own (not a function word, not a generic one). */
export function isContent(w: string): boolean {
  return !isFunctionWord(w) && !GENERIC_WORDS.has(w);
}

/** Flags every word of `words`. */
export function messageWords(words: string[]): MessageWords {
  const functionWord = words.map(isFunctionWord);
  const content = words.map((w, i) => !functionWord[i] && !GENERIC_WORDS.has(w));
  return { words, functionWord, content };
}
