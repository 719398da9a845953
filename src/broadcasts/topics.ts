import { foldWord, wordsOf } from './spelling.js';

/**
 * The topics an OA sends notices about ("Tiêm chủng", "Thuế - phí"…), and finding the one a
 * resident typed ("đăng ký nhận tin tiem chung"). A topic's Vietnamese name is also the follower
 * tag that broadcasts address. Pure.
 */

/** One topic residents can follow by chat. */
export interface BroadcastTopic {
  /** Short id carried by buttons, e.g. `tiem-chung`. */
  id: string;
  /** The follower tag broadcasts address, e.g. "Thiên tai - thời tiết". */
  tag: string;
  /** What residents see on buttons and in answers (at most 20 characters, Zalo's button limit). */
  title: { vi: string; en: string };
  /** Other words residents use for it. */
  synonyms: readonly string[];
}

const FILLERS = new Set(['ve', 'chu', 'de', 'muc', 'linh', 'vuc', 'cac', 'tin', 'thong', 'bao']);

/** Folded words of a phrase: no diacritics, lower case, punctuation dropped. */
function folded(text: string): string[] {
  return wordsOf(text).map(foldWord);
}

/** True when `needle` appears in `hay` as consecutive whole words. */
function containsRun(hay: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0 || needle.length > hay.length) return false;
  for (let i = 0; i + needle.length <= hay.length; i++)
    if (needle.every((w, j) => hay[i + j] === w)) return true;
  return false;
}

/** Every way of naming a topic, folded. */
function namesOf(topic: BroadcastTopic): string[][] {
  return [topic.tag, topic.title.vi, topic.title.en, ...topic.synonyms]
    .map(folded)
    .filter((n) => n.length > 0);
}

/**
 * The topic a phrase names: the whole phrase is one of its names (after leading "về", "chủ đề"…),
 * else exactly one topic has a name inside the phrase. Undefined when none or several match.
 */
export function findTopic(text: string, topics: readonly BroadcastTopic[]): BroadcastTopic | undefined {
  const words = folded(text);
  let start = 0;
  while (start < words.length - 1 && FILLERS.has(words[start]!)) start++;
  const phrase = words.slice(start);
  if (phrase.length === 0) return undefined;
  const joined = phrase.join(' ');
  const exact = topics.find((t) => namesOf(t).some((n) => n.join(' ') === joined));
  if (exact) return exact;
  const inside = topics.filter((t) => namesOf(t).some((n) => containsRun(phrase, n)));
  return inside.length === 1 ? inside[0] : undefined;
}

/** The topic with this id. */
export function topicById(id: string, topics: readonly BroadcastTopic[]): BroadcastTopic | undefined {
  return topics.find((t) => t.id === id);
}
