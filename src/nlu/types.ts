import type { IntentName, Topic } from './intents.js';

/** What the matcher knows about one procedure. */
export interface ProcedureLexiconEntry {
  code: string;
  alsoCodes: string[];
  names: string[];
  aliases: string[];
  examples: string[];
  agency: 'ubnd_xa' | 'cong_an_xa';
}

/** One ranked guess: a national procedure code or `intent:NAME`, with its score in [0, 1]. */
export interface Candidate {
  label: string;
  score: number;
}

/** What the caller should do: answer, ask back, point to Công an xã, or pass to an officer. */
export type NluAction = 'answer' | 'clarify' | 'redirect' | 'handoff';

/** The matcher's reading of one message. */
export interface Classification {
  text: string;
  intent: 'procedure' | IntentName;
  procedure: string | null;
  confidence: number;
  action: NluAction;
  candidates: Candidate[];
  topic: Topic | null;
  explain: string[];
}

/** Classifies resident messages; stateless and deterministic. */
export interface Matcher {
  classify(text: string): Classification;
}

/** Decision thresholds; the defaults suit the catalogue and are what the eval measures. */
export interface MatcherOptions {
  /** Below this evidence score nothing is recognised for sure. */
  minScore?: number;
  /** Between this and `minScore`, weak procedure evidence is asked back; below it the intent is `unknown`. */
  askScore?: number;
  /** Relative lead the top procedure needs over the next one to be answered without asking back. */
  clarifyMargin?: number;
  /** Confidence below which a recognised procedure is asked back rather than answered. */
  minConfidence?: number;
}
