import { SHORT_FORMS, type Reading } from './lexicon/short-forms.js';
import { BREAK, COMMON_WORDS, ENGLISH_FUNCTION_WORDS, STOPWORDS } from './lexicon/words.js';
import { repairTelex, splitCompound } from './telex.js';

/*
 * Text → words the matcher can compare: NFC, lower case, no punctuation or emoji, diacritics
 * folded (đ as d), Telex leftovers repaired, run-together words split, abbreviations and
 * teencode expanded, English function words dropped. Dossier codes become the words "ma ho so".
 */

/** A message after normalisation. */
export interface NormalisedText {
  /** Lower case, punctuation and emoji removed, diacritics kept (for display and debugging). */
  accented: string;
  /** Folded words after repair and expansion, with "," where a clause breaks: what the matcher reads. */
  words: string[];
  /** `words` without clause breaks, joined by single spaces. */
  folded: string;
  /** Other readings of the message where a short form is ambiguous ("tt": thường trú or tạm trú). */
  variants: string[][];
}

/** Normalises one message. */
export type Normaliser = (text: string) => NormalisedText;

const TOKEN = /[\p{L}\p{M}\p{N}]+(?:[.-][\p{L}\p{N}]+){3,}|[\p{L}\p{M}\p{N}]+|[,.;:!?…\n]+/gu;
const PUNCTUATION = /^[,.;:!?…\n]+$/;
/** A dossier code such as 000.27.31.H56-250814-0087: dotted groups with dashes. */
const DOSSIER_CODE = /^[\p{L}\p{N}]+(?:\.[\p{L}\p{N}]+)+-\d+-\d+$/u;
const NUMBER = /^\d+$/;
/** Unknown words whose repair is remembered (the memo is emptied when full; results never change). */
const MEMO_LIMIT = 10_000;
/** At most this many readings of one message are kept. */
const MAX_READINGS = 4;

const foldedChars = new Map<string, string>([
  ['đ', 'd'],
  ['Đ', 'D'],
]);

function foldChar(c: string): string {
  let f = foldedChars.get(c);
  if (f === undefined) {
    f = c.normalize('NFD').replace(/\p{M}/gu, '');
    if (foldedChars.size < MEMO_LIMIT) foldedChars.set(c, f);
  }
  return f;
}

/** Removes Vietnamese diacritics and turns đ into d ("Đăng ký" → "Dang ky"), in NFC or NFD text. */
export function foldDiacritics(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 128;
  if (ascii) return s;
  let out = '';
  for (const c of s) out += c.charCodeAt(0) < 128 ? c : foldChar(c);
  return out;
}

/** The words the normaliser knows without any lexicon: common words, stop words and expansions. */
export function baseVocabulary(): Set<string> {
  const words = new Set<string>([...COMMON_WORDS, ...STOPWORDS]);
  for (const form of Object.values(SHORT_FORMS)) {
    const readings = typeof form === 'string' ? [form] : form.map((r) => r.expand);
    for (const r of readings) for (const w of r.split(/[ |]/)) words.add(w);
  }
  return words;
}

/** A short form's reading, parsed once: its alternatives as word lists and its context as sets. */
interface ParsedReading {
  alternatives: string[][];
  next: ReadonlySet<string> | null;
  prev: ReadonlySet<string> | null;
  afterNumber: boolean;
  plain: boolean;
}

const PARSED_FORMS: ReadonlyMap<string, readonly ParsedReading[]> = new Map(
  Object.entries(SHORT_FORMS).map(([key, form]) => {
    const readings: readonly Reading[] = typeof form === 'string' ? [{ expand: form }] : form;
    return [
      key,
      readings.map((r) => ({
        alternatives: r.expand.split('|').map((a) => a.split(' ')),
        next: r.next ? new Set(r.next) : null,
        prev: r.prev ? new Set(r.prev) : null,
        afterNumber: r.afterNumber ?? false,
        plain: r.plain ?? false,
      })),
    ];
  }),
);

function expandShortForm(
  accented: string,
  folded: string,
  prev: string | undefined,
  next: string | undefined,
): string[][] | undefined {
  const readings = PARSED_FORMS.get(accented) ?? PARSED_FORMS.get(folded);
  if (readings === undefined) return undefined;
  for (const r of readings) {
    if (r.plain && accented !== folded) continue;
    if (r.next && (next === undefined || !r.next.has(next))) continue;
    if (r.prev && (prev === undefined || !r.prev.has(prev))) continue;
    if (r.afterNumber && (prev === undefined || !NUMBER.test(prev))) continue;
    return r.alternatives;
  }
  return undefined;
}

/** Builds a normaliser that repairs words towards `vocabulary` (defaults to {@link baseVocabulary}). */
export function createNormaliser(vocabulary: Iterable<string> = baseVocabulary()): Normaliser {
  const known = new Set(vocabulary);
  const isKnown = (w: string) => known.has(w);
  const repaired = new Map<string, string[]>();
  const repair = (word: string): string[] => {
    let out = repaired.get(word);
    if (out === undefined) {
      const fixed = repairTelex(word, isKnown);
      out = fixed !== null ? [fixed] : (splitCompound(word, isKnown) ?? [word]);
      if (repaired.size >= MEMO_LIMIT) repaired.clear();
      repaired.set(word, out);
    }
    return out;
  };
  return (text: string): NormalisedText => {
    const raw = text.normalize('NFC').toLowerCase().match(TOKEN) ?? [];
    const folded = raw.map(foldDiacritics);
    let readings: string[][] = [[]];
    const push = (ws: readonly string[]) => {
      for (const r of readings) for (const w of ws) r.push(w);
    };
    for (let i = 0; i < raw.length; i++) {
      const token = raw[i] as string;
      const fold = folded[i] as string;
      if (PUNCTUATION.test(token)) {
        const head = readings[0] as string[];
        if (head.length > 0 && head[head.length - 1] !== BREAK) push([BREAK]);
        continue;
      }
      if (DOSSIER_CODE.test(token)) {
        push(['ma', 'ho', 'so']);
        continue;
      }
      if (ENGLISH_FUNCTION_WORDS.has(token)) continue;
      const head = readings[0] as string[];
      const alternatives = expandShortForm(token, fold, head[head.length - 1], folded[i + 1]);
      if (alternatives === undefined) {
        const plain = token === fold && !known.has(fold) && !NUMBER.test(fold);
        push(plain ? repair(fold) : [fold]);
      } else if (alternatives.length === 1 || readings.length * alternatives.length > MAX_READINGS) {
        push(alternatives[0] as string[]);
      } else {
        readings = readings.flatMap((r) => alternatives.map((a) => [...r, ...a]));
      }
    }
    for (const r of readings) if (r[r.length - 1] === BREAK) r.pop();
    const [words = [], ...variants] = readings;
    const accented = raw.filter((t) => !PUNCTUATION.test(t)).join(' ');
    return { accented, words, folded: words.filter((w) => w !== BREAK).join(' '), variants };
  };
}

const defaultNormaliser = createNormaliser();

/** Normalises a message with the base vocabulary only (the matcher uses its own, larger one). */
export function normalise(text: string): NormalisedText {
  return defaultNormaliser(text);
}
