import { decide, DEFAULT_OPTIONS } from './decide.js';
import { score } from './matcher.js';
import { buildModel } from './model.js';
import type { Matcher, MatcherOptions, ProcedureLexiconEntry } from './types.js';

/*
 * Understanding what residents type: `createMatcher(lexicon)` precomputes everything from the
 * procedure lexicon and the built-in intents; `classify(text)` is then pure, deterministic and
 * fast. The lexicon comes from the catalogue through `lexiconFromCatalogue`.
 */

/** The public types: lexicon entries in, classifications out. */
export type {
  Candidate,
  Classification,
  Matcher,
  MatcherOptions,
  NluAction,
  ProcedureLexiconEntry,
} from './types.js';
/** Intent names and follow-up topics a classification can carry. */
export type { IntentName, Topic } from './intents.js';
/** Maps catalogue procedures to the matcher's lexicon. */
export { lexiconFromCatalogue } from './catalogue-lexicon.js';
/** Text normalisation on its own (diacritics, Telex, teencode), for other modules and tests. */
export { normalise, foldDiacritics, type NormalisedText } from './normalise.js';

/** Zalo caps a text message at 2000 characters; anything longer is read only that far (bounded latency). */
const MAX_CHARS = 2000;

/** Builds a matcher over `lexicon` (procedures) and the built-in intents. */
export function createMatcher(
  lexicon: readonly ProcedureLexiconEntry[],
  options: MatcherOptions = {},
): Matcher {
  const model = buildModel(lexicon);
  const thresholds = { ...DEFAULT_OPTIONS, ...options };
  return {
    classify: (text: string) => decide(model, score(model, text.slice(0, MAX_CHARS)), text, thresholds),
  };
}
