import type { Topic } from './intents.js';
import type { Model } from './model.js';
import { findPhrases } from './phrases.js';

/*
 * Follow-up topics ("can gi", "bao nhieu tien", "o dau"...) and whether a message asks anything.
 * Topic phrases name no procedure, so they are taken out of the words procedures are scored on,
 * but where they were is kept: a procedure named right before one is what the resident asks about.
 */

/** A message's topic and the words left for procedure scoring. */
export interface TopicSplit {
  topic: Topic | null;
  /** The message without its topic phrases. */
  rest: string[];
  /** Positions in `rest` where a topic phrase was. */
  starts: Set<number>;
}

/** Finds topic phrases (the longest decides the topic) and takes them out of the words. */
export function splitTopics(model: Model, words: readonly string[]): TopicSplit {
  let topic: Topic | null = null;
  let longest = 0;
  const drop = new Array<boolean>(words.length).fill(false);
  const begins = new Array<boolean>(words.length).fill(false);
  for (const [t, list] of model.topics) {
    for (const [start, end] of findPhrases(list, words)) {
      begins[start] = true;
      drop.fill(true, start, end);
      if (end - start > longest) {
        topic = t;
        longest = end - start;
      }
    }
  }
  const rest: string[] = [];
  const starts = new Set<number>();
  for (let i = 0; i < words.length; i++) {
    if (begins[i]) starts.add(rest.length);
    if (!drop[i]) rest.push(words[i] as string);
  }
  return { topic, rest, starts };
}

/** True when the message asks or requests something besides greeting or thanking ("?" counts). */
export function asksSomething(model: Model, words: readonly string[], text: string): boolean {
  if (text.includes('?')) return true;
  const courtesy = new Array<boolean>(words.length).fill(false);
  for (const [start, end] of findPhrases(model.closings, words)) courtesy.fill(true, start, end);
  for (const [start, end] of findPhrases(model.requests, words)) {
    if (!courtesy.slice(start, end).includes(true)) return true;
  }
  return false;
}
