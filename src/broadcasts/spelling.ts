/**
 * Comparing one typed Vietnamese word with the word it should be, the way residents type on a
 * phone: any case, with diacritics, without any ("huy"), or with a Telex keyboard that was off so
 * its letters stayed in the text ("huyr", "duwngf"). A word typed with diacritics must carry the
 * right ones: "đúng" is not "dừng", though both fold to "dung".
 */

/** A word split into its letters (hats, horns and đ kept) and its tone, as Telex names tones. */
interface Spelling {
  letters: string;
  /** '' (none), 'f' huyền, 's' sắc, 'r' hỏi, 'x' ngã, 'j' nặng. */
  tone: string;
}

const TONE_MARKS: Readonly<Record<string, string>> = {
  '\u0300': 'f',
  '\u0301': 's',
  '\u0309': 'r',
  '\u0303': 'x',
  '\u0323': 'j',
};

/** A vowel letter; in Telex a lone "w" is ư. */
const VOWEL = /[aeiouyw]/;
const TONE_LETTER = /[sfrxj]/;
const TELEX_MARKS: ReadonlyArray<[RegExp, string]> = [
  [/uow/g, 'ươ'],
  [/uw/g, 'ư'],
  [/ow/g, 'ơ'],
  [/aw/g, 'ă'],
  [/aa/g, 'â'],
  [/ee/g, 'ê'],
  [/oo/g, 'ô'],
  [/dd/g, 'đ'],
  [/w/g, 'ư'],
];

/** Splits a word with diacritics (NFC or NFD, any case) into letters and tone. */
function spellingOf(word: string): Spelling {
  let tone = '';
  let letters = '';
  for (const c of word.toLowerCase().normalize('NFD')) {
    const mark = TONE_MARKS[c];
    if (mark) tone = mark;
    else letters += c;
  }
  return { letters: letters.normalize('NFC'), tone };
}

/** Reads a plain-letter word as Telex typed with the keyboard off ("duwngf" → dưng, huyền). */
function telexSpelling(word: string): Spelling | undefined {
  const first = word.search(VOWEL);
  if (first < 0) return undefined;
  let tone = '';
  let rest = word.slice(0, first + 1);
  for (const c of word.slice(first + 1)) {
    if (TONE_LETTER.test(c)) {
      if (tone) return undefined;
      tone = c;
    } else rest += c;
  }
  let letters = rest;
  for (const [pattern, replacement] of TELEX_MARKS) letters = letters.replace(pattern, replacement);
  return { letters: letters.normalize('NFC'), tone };
}

/** The word without diacritics, đ as d, lower case. */
export function foldWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd');
}

/** The words of a message: letters and digits, NFC, lower case; punctuation, emoji and spaces dropped. */
export function wordsOf(text: string): string[] {
  return (
    text
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? []
  );
}

const PLAIN = /^[a-z0-9]+$/;

/**
 * True when `typed` is the word `target` (written with its diacritics): the same letters and tone,
 * or the same letters typed without any diacritics, or the same letters and tone typed in Telex.
 */
export function isWord(typed: string, target: string): boolean {
  const want = spellingOf(target);
  const word = typed.toLowerCase();
  if (!PLAIN.test(word)) {
    const got = spellingOf(word);
    return got.letters === want.letters && got.tone === want.tone;
  }
  if (word === foldWord(target)) return true;
  const telex = telexSpelling(word);
  return telex !== undefined && telex.letters === want.letters && telex.tone === want.tone;
}

/** True when `typed` is any of `targets`. */
export function isAnyWord(typed: string | undefined, targets: readonly string[]): boolean {
  return typed !== undefined && targets.some((t) => isWord(typed, t));
}
