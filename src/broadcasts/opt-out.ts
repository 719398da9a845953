import { isAnyWord, wordsOf } from './spelling.js';

/**
 * Reads what a whole typed message asks of the office's notices: stop them ("HỦY", "dừng nhận
 * tin", "stop tin nhắn"), start them again ("đăng ký nhận tin", "nhận tin lại"), or follow or drop
 * one topic ("đăng ký nhận tin tiêm chủng", "hủy nhận tin tiêm chủng"). Only the whole message
 * counts, so "hủy hồ sơ" or "dừng lại chờ tôi" ask for nothing here. Pure.
 */

/** What a message asks of the notices. */
export type NoticeRequest =
  /** `alone`: the message is only the word (HỦY, DỪNG, STOP), which may also mean "cancel this". */
  | { kind: 'opt_out'; alone: boolean }
  | { kind: 'opt_in' }
  /** `topic`: the words after "đăng ký nhận tin", as typed. */
  | { kind: 'subscribe'; topic: string }
  /** `explicit`: the message says "nhận" or "thông báo", so it is about notices even for an unknown topic. */
  | { kind: 'unsubscribe'; topic: string; explicit: boolean };

/** The words that alone stop notices. */
export const OPT_OUT_WORDS: readonly string[] = ['hủy', 'huỷ', 'dừng', 'stop'];

const STOP_HEADS = [...OPT_OUT_WORDS, 'ngừng', 'thôi', 'tắt'];
const RECEIVE = ['nhận', 'nhắn'];
const AGAIN = ['lại'];
const MORE = ['nữa'];
const LEADING = ['xin', 'cho', 'tôi', 'em', 'mình', 'muốn', 'vui', 'lòng', 'làm', 'ơn', 'hãy'];
const TRAILING = [
  'ạ',
  'a',
  'nhé',
  'nhe',
  'nha',
  'nhá',
  'nhen',
  'đi',
  'giúp',
  'giùm',
  'với',
  'em',
  'luôn',
  'ad',
];

/** Reads one whole message; undefined when it asks nothing of the notices. */
export function readNoticeRequest(text: string): NoticeRequest | undefined {
  const words = withoutCourtesy(wordsOf(text));
  if (words.length === 0) return undefined;
  if (words.every((w) => isAnyWord(w, OPT_OUT_WORDS))) return { kind: 'opt_out', alone: true };
  return stopRequest(words) ?? registerRequest(words) ?? resumeRequest(words);
}

/** Drops polite words around the request: "cho em hủy nhận tin ạ" → "hủy nhận tin". */
function withoutCourtesy(words: string[]): string[] {
  let start = 0;
  let end = words.length;
  while (start < end - 1 && isAnyWord(words[start], LEADING)) start++;
  while (end > start + 1 && isAnyWord(words[end - 1], TRAILING)) end--;
  return words.slice(start, end);
}

/** How many words at `i` name notices: "tin", "tin nhắn", "tin tức", "thông báo", "bản tin"; 0 if none. */
function objectAt(words: string[], i: number): number {
  if (isAnyWord(words[i], ['tin'])) return isAnyWord(words[i + 1], ['nhắn', 'tức']) ? 2 : 1;
  if (isAnyWord(words[i], ['thông']) && isAnyWord(words[i + 1], ['báo'])) return 2;
  if (isAnyWord(words[i], ['bản']) && isAnyWord(words[i + 1], ['tin'])) return 2;
  return 0;
}

/** How many words at `i` say "đăng ký" (or "đăng kí"); 0 if not. */
function registerAt(words: string[], i: number): number {
  return isAnyWord(words[i], ['đăng']) && isAnyWord(words[i + 1], ['ký', 'kí']) ? 2 : 0;
}

/** The topic words after the request, without a closing "nữa". */
function restOf(words: string[], from: number): string[] {
  const rest = words.slice(from);
  while (rest.length > 0 && isAnyWord(rest.at(-1), MORE)) rest.pop();
  return rest;
}

/** "hủy nhận tin", "dừng nhận thông báo", "stop tin nhắn", "không nhận tin nữa", "hủy nhận tin <chủ đề>". */
function stopRequest(words: string[]): NoticeRequest | undefined {
  let i = 0;
  let explicit = false;
  if (isAnyWord(words[0], ['không']) && isAnyWord(words[1], RECEIVE)) {
    i = 2;
    explicit = true;
  } else if (isAnyWord(words[0], STOP_HEADS)) {
    i = 1;
    const register = registerAt(words, i);
    i += register;
    if (isAnyWord(words[i], RECEIVE)) {
      i++;
      explicit = true;
    }
    explicit ||= register > 0;
  } else return undefined;
  const object = objectAt(words, i);
  if (object === 0) return undefined;
  explicit ||= isAnyWord(words[i], ['thông']);
  const rest = restOf(words, i + object);
  return rest.length === 0
    ? { kind: 'opt_out', alone: false }
    : { kind: 'unsubscribe', topic: rest.join(' '), explicit };
}

/** "đăng ký nhận tin", "đăng ký nhận tin lại", "đăng ký nhận tin <chủ đề>". */
function registerRequest(words: string[]): NoticeRequest | undefined {
  let i = registerAt(words, 0);
  if (i === 0) return undefined;
  if (isAnyWord(words[i], RECEIVE)) i++;
  const object = objectAt(words, i);
  if (object === 0) return undefined;
  const rest = restOf(words, i + object);
  if (rest.length === 0 || (rest.length === 1 && isAnyWord(rest[0], AGAIN))) return { kind: 'opt_in' };
  return { kind: 'subscribe', topic: rest.join(' ') };
}

/** "nhận tin lại", "nhận lại tin", "bật lại thông báo", "bật nhận tin". */
function resumeRequest(words: string[]): NoticeRequest | undefined {
  let i = 0;
  if (isAnyWord(words[0], ['bật'])) {
    i = 1;
    if (isAnyWord(words[i], AGAIN)) i++;
    if (isAnyWord(words[i], RECEIVE)) i++;
  } else if (isAnyWord(words[0], RECEIVE)) {
    i = 1;
    if (!isAnyWord(words[i], AGAIN) && !isAnyWord(words.at(-1), AGAIN)) return undefined;
    if (isAnyWord(words[i], AGAIN)) i++;
  } else return undefined;
  const object = objectAt(words, i);
  if (object === 0) return undefined;
  const rest = words.slice(i + object);
  return rest.length === 0 || (rest.length === 1 && isAnyWord(rest[0], AGAIN))
    ? { kind: 'opt_in' }
    : undefined;
}
