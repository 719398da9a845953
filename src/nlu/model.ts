import { createTypoIndex, type TypoIndex } from './fuzzy.js';
import { gramCode, grams, MAX_N } from './grams.js';
import { findPhrases, phraseList, type PhraseList } from './phrases.js';
import { INTENTS, REQUEST_CUES, TOPICS, type IntentName, type IntentRole, type Topic } from './intents.js';
import { BREAK, GENERIC_WORDS, isFunctionWord } from './lexicon/words.js';
import { baseVocabulary, createNormaliser, type Normaliser } from './normalise.js';
import type { ProcedureLexiconEntry } from './types.js';

/*
 * Everything the matcher precomputes from the lexicon and the intent data, once: one label per
 * procedure and per intent, each phrase (name, alias, example, cue) as a pattern of word n-grams,
 * an IDF-like weight per n-gram (rare across labels = telling), and postings from n-gram to the
 * labels and patterns holding it. Classifying is then a few map lookups per n-gram.
 */

/** Where a phrase came from; examples are whole sentences and count for less; decisive cues settle an intent. */
export type PatternKind = 'name' | 'alias' | 'example' | 'cue' | 'decisive';

/** One thing the matcher can answer: a procedure (by its main code) or an intent. */
export interface LabelInfo {
  /** National code, or `intent:NAME`. */
  label: string;
  intent: IntentName | null;
  role: IntentRole | null;
  agency: ProcedureLexiconEntry['agency'] | null;
}

/** One phrase of a label, as the set of n-grams it is made of. */
export interface Pattern {
  label: number;
  kind: PatternKind;
  /** The phrase after normalisation, for explanations. */
  text: string;
  /** Sum of the weights of its single words. */
  wordWeight: number;
  /** Sum of the weights of its multi-word n-grams. */
  phraseWeight: number;
}

/** One n-gram known to the model. */
export interface Feature {
  weight: number;
  n: number;
  /** Labels holding it... */
  labelIds: Int32Array;
  /** ...and its weight for each (scaled by the strongest kind of phrase holding it there). */
  labelWeights: Float64Array;
  /** Procedures holding it in a name or alias (not only in examples): where it marks a mention. */
  strong: Int32Array;
  /** Patterns holding it. */
  patterns: Int32Array;
}

interface FeatureDraft {
  weight: number;
  n: number;
  labels: Map<number, number>;
  strong: Set<number>;
  patterns: number[];
}

/** The precomputed model. */
export interface Model {
  labels: LabelInfo[];
  patterns: Pattern[];
  /** Every word of every pattern, numbered; n-grams are looked up by {@link gramCode} of these ids. */
  wordIds: ReadonlyMap<string, number>;
  /** The base of n-gram codes (a power of two above the number of words). */
  base: number;
  features: Map<number, Feature>;
  /**
   * Per-pattern buffers reused by every classification (classifying is synchronous, and each
   * call leaves them zeroed): allocating them per message would cost more than the matching.
   */
  scratch: { words: Float64Array; phrases: Float64Array };
  normalise: Normaliser;
  vocabulary: ReadonlySet<string>;
  typos: TypoIndex;
  topics: ReadonlyMap<Topic, PhraseList>;
  requests: PhraseList;
  /** Cue phrases of greetings and thanks, which are not requests even when they hold "xin". */
  closings: PhraseList;
}

const KIND_WEIGHT: Record<PatternKind, number> = { name: 1, alias: 1, example: 0.5, cue: 1, decisive: 1 };
/** A name or alias longer than this many words is a description, and counts as an example. */
const LONG_ALIAS = 6;
/** What a word adds to an n-gram: function words a little, generic words half, others fully. */
const STOP_VALUE = 0.25;
const GENERIC_VALUE = 0.5;

interface RawPattern {
  label: number;
  kind: PatternKind;
  words: string[];
}

const wordValue = (w: string) => (isFunctionWord(w) ? STOP_VALUE : GENERIC_WORDS.has(w) ? GENERIC_VALUE : 1);

/** How much an n-gram is about content: the mean value of its words. */
function contentValue(key: string): number {
  const words = key.split(' ');
  return words.reduce((sum, w) => sum + wordValue(w), 0) / words.length;
}

function collectLabels(lexicon: readonly ProcedureLexiconEntry[]) {
  const labels: LabelInfo[] = [];
  const phrases: { label: number; kind: PatternKind; text: string }[] = [];
  for (const p of lexicon) {
    const label = labels.push({ label: p.code, intent: null, role: null, agency: p.agency }) - 1;
    for (const text of p.names) phrases.push({ label, kind: 'name', text });
    for (const text of p.aliases) phrases.push({ label, kind: 'alias', text });
    for (const text of p.examples) phrases.push({ label, kind: 'example', text });
  }
  for (const intent of INTENTS) {
    const label =
      labels.push({ label: `intent:${intent.name}`, intent: intent.name, role: intent.role, agency: null }) -
      1;
    for (const text of intent.cues) phrases.push({ label, kind: 'cue', text });
    for (const text of intent.decisive) phrases.push({ label, kind: 'decisive', text });
  }
  return { labels, phrases };
}

function buildVocabulary(phrases: readonly { text: string }[]): Set<string> {
  const vocabulary = baseVocabulary();
  const plain = createNormaliser(vocabulary);
  for (const { text } of phrases) for (const w of plain(text).words) vocabulary.add(w);
  for (const list of Object.values(TOPICS))
    for (const t of list) for (const w of plain(t).words) vocabulary.add(w);
  return vocabulary;
}

/** Removes follow-up-topic phrases ("can gi", "bao nhieu tien") from a procedure phrase: they name no procedure. */
function withoutTopics(words: string[], topics: ReadonlyMap<Topic, PhraseList>): string[] {
  const drop = new Set<number>();
  for (const list of topics.values()) {
    for (const [start, end] of findPhrases(list, words)) for (let i = start; i < end; i++) drop.add(i);
  }
  return drop.size === 0 ? words : words.filter((_, i) => !drop.has(i));
}

function toPattern(
  p: { label: number; kind: PatternKind; text: string },
  normalise: Normaliser,
  topics: ReadonlyMap<Topic, PhraseList>,
): RawPattern {
  // A phrase of the lexicon is one piece: its commas ("khai sinh, thường trú") break nothing.
  const words = normalise(p.text).words.filter((w) => w !== BREAK);
  if (p.kind === 'cue' || p.kind === 'decisive') return { label: p.label, kind: p.kind, words };
  const kind = p.kind !== 'example' && words.length > LONG_ALIAS ? 'example' : p.kind;
  return { label: p.label, kind, words: withoutTopics(words, topics) };
}

function patternGrams(p: RawPattern) {
  const cue = p.kind === 'cue' || p.kind === 'decisive';
  const all = grams(p.words, !cue);
  // A cue of several words is a phrase: its single words alone ("hom", "thai") say nothing.
  return cue && p.words.length > 1 ? all.filter((g) => g.n > 1) : all;
}

/** Weighs every n-gram by how few labels hold it, and records which labels and patterns hold it. */
function weighPatterns(raw: readonly RawPattern[], labelCount: number) {
  const gramsOf = raw.map(patternGrams);
  const labelsOf = new Map<string, Set<number>>();
  raw.forEach((p, i) => {
    for (const g of gramsOf[i] ?? []) {
      const set = labelsOf.get(g.key) ?? new Set<number>();
      set.add(p.label);
      labelsOf.set(g.key, set);
    }
  });
  const drafts = new Map<string, FeatureDraft>();
  const draft = (key: string, n: number): FeatureDraft => {
    let d = drafts.get(key);
    if (!d) {
      const weight = Math.log(1 + labelCount / (labelsOf.get(key)?.size ?? 1)) * contentValue(key);
      drafts.set(key, (d = { weight, n, labels: new Map(), strong: new Set(), patterns: [] }));
    }
    return d;
  };
  const patterns: Pattern[] = raw.map((p, i) => {
    const seen = new Set<string>();
    let wordWeight = 0;
    let phraseWeight = 0;
    for (const g of gramsOf[i] ?? []) {
      if (seen.has(g.key)) continue;
      seen.add(g.key);
      const d = draft(g.key, g.n);
      d.patterns.push(i);
      d.labels.set(p.label, Math.max(d.labels.get(p.label) ?? 0, d.weight * KIND_WEIGHT[p.kind]));
      if (p.kind === 'name' || p.kind === 'alias') d.strong.add(p.label);
      if (g.n === 1) wordWeight += d.weight;
      else phraseWeight += d.weight;
    }
    return { label: p.label, kind: p.kind, text: p.words.join(' '), wordWeight, phraseWeight };
  });
  return { patterns, drafts };
}

/** Numbers the words and turns each n-gram into a compact, numerically keyed feature. */
function freezeFeatures(raw: readonly RawPattern[], drafts: ReadonlyMap<string, FeatureDraft>) {
  const wordIds = new Map<string, number>();
  for (const p of raw) for (const w of p.words) if (!wordIds.has(w)) wordIds.set(w, wordIds.size);
  const base = 2 ** Math.ceil(Math.log2(wordIds.size + 2));
  if (base ** MAX_N > Number.MAX_SAFE_INTEGER) throw new Error('lexicon too large for n-gram codes');
  const features = new Map<number, Feature>();
  for (const [key, d] of drafts) {
    const ids = key.split(' ').map((w) => wordIds.get(w) as number);
    features.set(gramCode(ids, 0, ids.length, base), {
      weight: d.weight,
      n: d.n,
      labelIds: Int32Array.from(d.labels.keys()),
      labelWeights: Float64Array.from(d.labels.values()),
      strong: Int32Array.from(d.strong),
      patterns: Int32Array.from(d.patterns),
    });
  }
  return { wordIds, base, features };
}

/** Builds the model for a lexicon (procedures) plus the built-in intents. */
export function buildModel(lexicon: readonly ProcedureLexiconEntry[]): Model {
  const { labels, phrases } = collectLabels(lexicon);
  const vocabulary = buildVocabulary(phrases);
  const normalise = createNormaliser(vocabulary);
  const topics = new Map<Topic, PhraseList>();
  for (const [topic, cues] of Object.entries(TOPICS) as [Topic, readonly string[]][]) {
    topics.set(topic, phraseList(cues, normalise));
  }
  const raw = phrases.map((p) => toPattern(p, normalise, topics)).filter((p) => p.words.length > 0);
  const { patterns, drafts } = weighPatterns(raw, labels.length);
  const { wordIds, base, features } = freezeFeatures(raw, drafts);
  const content = new Set<string>();
  for (const p of raw) for (const w of p.words) if (!isFunctionWord(w)) content.add(w);
  const courtesy = INTENTS.filter((i) => i.role === 'closing' || i.role === 'opening');
  return {
    labels,
    patterns,
    wordIds,
    base,
    features,
    scratch: { words: new Float64Array(patterns.length), phrases: new Float64Array(patterns.length) },
    normalise,
    vocabulary,
    typos: createTypoIndex(content),
    topics,
    requests: phraseList([...REQUEST_CUES, ...Object.values(TOPICS).flat()], normalise),
    closings: phraseList(
      courtesy.flatMap((i) => [...i.cues, ...i.decisive]),
      normalise,
    ),
  };
}
