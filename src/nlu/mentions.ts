import type { Hits, Marks } from './hits.js';
import { DOCUMENT_CUES, NEGATIONS, REQUEST_WORDS } from './lexicon/words.js';
import type { MessageWords } from './message.js';

/*
 * Where and how a procedure is mentioned. A message often names several procedures: the one
 * asked for, and others in passing ("xin ban sao giay chung tu": the copy is asked for, the death
 * record is its object). Each procedure's main mention (its heaviest run of words covered by its
 * names and aliases) is classed by its neighbours:
 * - background: right after "mang", "photo", "sao y", "trong", "co can" (a paper to bring or look
 *   in); right after another procedure's main mention ("sua | khai sinh"); inside another
 *   procedure's longer mention ("dang ky lai [ket hon]"); or negated ("chua dang ky ket hon");
 * - asked for: right after "xin", "lam", "muon", "doi"... or right before a follow-up topic
 *   ("khai tu | o dau").
 */

/** Factor on a procedure whose mention is what the resident asks for. */
const ASKED_FACTOR = 1.3;
/** Factor on a procedure that is only mentioned in passing. */
const BACKGROUND_FACTOR = 0.5;
/** A run of marked words is a mention only if one of its n-grams is at least this heavy. */
const CONTENT_WEIGHT = 1.5;
/** A run at least this share of the main mention's weight can also show what is asked for. */
const SUBSTANTIAL = 0.5;
/** Another procedure shapes how a mention is read only if it has at least this share of the evidence. */
const RIVAL_SHARE = 0.5;
/** Words a negation may stand before and still negate the procedure ("chua dang ky", "khong can"). */
const NEGATED_VERBS: ReadonlySet<string> = new Set(['dang', 'ky', 'co', 'can', 'phai', 'lam', 'duoc']);

/** How a mention sits in the sentence. */
export type Placement = 'paper' | 'after_other' | 'inside_other' | 'negated' | 'asked_for' | 'asked_about';

/** A procedure's mention, its placement and the factor that placement puts on its score. */
export interface Mention {
  placement: Placement;
  factor: number;
  start: number;
  end: number;
  /** The word(s) that decided the placement, when there are any. */
  cue: string;
}

interface Run {
  start: number;
  end: number;
  mass: number;
}

function hasContent(message: MessageWords, start: number, end: number): boolean {
  for (let i = Math.max(0, start); i < end; i++) if (message.content[i]) return true;
  return false;
}

/** Maximal runs of marked words, trimmed of function words, that hold a telling n-gram and a content word. */
function runsOf(marks: readonly number[], message: MessageWords): Run[] {
  const fn = message.functionWord;
  const runs: Run[] = [];
  let s = 0;
  while (s < marks.length) {
    if (!marks[s]) {
      s++;
      continue;
    }
    let e = s;
    let top = 0;
    while (e < marks.length && marks[e]) top = Math.max(top, marks[e++] as number);
    let start = s;
    let end = e;
    while (start < end && fn[start]) start++;
    while (end > start && fn[end - 1]) end--;
    if (top >= CONTENT_WEIGHT && hasContent(message, start, end)) {
      let mass = 0;
      for (let i = start; i < end; i++) mass += marks[i] as number;
      runs.push({ start, end, mass });
    }
    s = e;
  }
  return runs;
}

function endsWith(words: readonly string[], end: number, cue: readonly string[]): boolean {
  for (let k = 0; k < cue.length; k++) if (words[end - cue.length + k] !== cue[k]) return false;
  return true;
}

function backgroundAt(main: Run, placement: Placement, cue: string): Mention {
  return { placement, factor: BACKGROUND_FACTOR, start: main.start, end: main.end, cue };
}

/** Why the main mention is only background, given the other procedures' main mentions; null when it is not. */
function background(main: Run, rivals: readonly Run[], message: MessageWords): Mention | null {
  const { start, end } = main;
  const { words } = message;
  for (const cue of DOCUMENT_CUES)
    if (endsWith(words, start, cue)) return backgroundAt(main, 'paper', cue.join(' '));
  for (const r of rivals) {
    if (r.end === start) return backgroundAt(main, 'after_other', words.slice(r.start, r.end).join(' '));
    if (r.start > start || r.end < end) continue;
    if (hasContent(message, r.start, start) || hasContent(message, end, r.end)) {
      return backgroundAt(main, 'inside_other', words.slice(r.start, r.end).join(' '));
    }
  }
  for (const i of [start - 1, start - 2]) {
    if (!NEGATIONS.has(words[i] ?? '')) continue;
    let negates = true;
    for (let k = i + 1; k < start; k++) negates &&= NEGATED_VERBS.has(words[k] as string);
    if (negates) return backgroundAt(main, 'negated', words[i] as string);
  }
  return null;
}

/** Whether a run is asked for ("xin | giay doc than") or asked about ("khai tu | o dau"), else null. */
function asked(run: Run, message: MessageWords, topicStarts: ReadonlySet<number>): Mention | null {
  const { words } = message;
  let head = run.start;
  while (head < run.end && !message.content[head]) head++;
  for (let i = run.start - 2; i < head; i++) {
    const w = words[i];
    if (w !== undefined && REQUEST_WORDS.has(w)) {
      return { placement: 'asked_for', factor: ASKED_FACTOR, start: run.start, end: run.end, cue: w };
    }
  }
  for (let i = run.end; i <= run.end + 2; i++) {
    if (topicStarts.has(i))
      return { placement: 'asked_about', factor: ASKED_FACTOR, start: run.start, end: run.end, cue: '' };
  }
  return null;
}

/** Classifies each procedure's mention; procedures without a placement are left out (factor 1). */
export function placeMentions(
  hits: Hits,
  message: MessageWords,
  topicStarts: ReadonlySet<number>,
): Map<number, Mention> {
  const found: { label: number; main: Run; runs: Run[] }[] = [];
  for (const [label, marks] of hits.marks) {
    const runs = runsOf(marks, message);
    let main: Run | undefined;
    for (const r of runs) if (!main || r.mass > main.mass) main = r;
    if (!main) continue;
    const least = SUBSTANTIAL * main.mass;
    found.push({ label, main, runs: runs.filter((r) => r.mass >= least) });
  }
  const placed = new Map<number, Mention>();
  const rivals: Run[] = [];
  for (const { label, runs } of found) {
    const floor = RIVAL_SHARE * (hits.evidence[label] as number);
    rivals.length = 0;
    for (const o of found) {
      if (o.label !== label && (hits.evidence[o.label] as number) >= floor) rivals.push(o.main);
    }
    // Background only when every substantial mention is; asked for when any free one is.
    let first: Mention | null = null;
    let free: Run[] = [];
    for (const r of runs) {
      const b = background(r, rivals, message);
      if (b) first ??= b;
      else free.push(r);
    }
    if (free.length === 0 && first) {
      placed.set(label, first);
      continue;
    }
    for (const r of free) {
      const a = asked(r, message, topicStarts);
      if (a) {
        placed.set(label, a);
        break;
      }
    }
    free = [];
  }
  return placed;
}

/** A short description of a placement for explanations ("\"khai sinh\" follows \"sua\""). */
export function describeMention(m: Mention, words: readonly string[]): string {
  const what = `"${words.slice(m.start, m.end).join(' ')}"`;
  switch (m.placement) {
    case 'paper':
      return `${what} is a paper (after "${m.cue}")`;
    case 'after_other':
      return `${what} follows "${m.cue}"`;
    case 'inside_other':
      return `${what} is inside "${m.cue}"`;
    case 'negated':
      return `${what} is negated ("${m.cue}")`;
    case 'asked_for':
      return `${what} is asked for ("${m.cue}")`;
    case 'asked_about':
      return `${what} is asked about`;
  }
}

/** Per label: the share of the message's content words its names and aliases account for. */
export function explainedOf(marks: Marks, message: MessageWords, count: number): number[] {
  const explained = new Array<number>(count).fill(0);
  let content = 0;
  for (const c of message.content) if (c) content++;
  if (content === 0) return explained;
  for (const [l, m] of marks) {
    let covered = 0;
    for (let i = 0; i < m.length; i++) if ((m[i] as number) > 0 && message.content[i]) covered++;
    explained[l] = covered / content;
  }
  return explained;
}
