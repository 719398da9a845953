/**
 * The hidden payloads of the notice buttons residents tap: `#notices off`, `#notices on`,
 * `#notices add <topic id>`, `#notices drop <topic id>`. Pure.
 */

/** What a notice button asks for. */
export type NoticePayload =
  { kind: 'off' } | { kind: 'on' } | { kind: 'add'; topicId: string } | { kind: 'drop'; topicId: string };

const HEAD = '#notices';

/** The payload text of a notice button. */
export function noticePayload(p: NoticePayload): string {
  return p.kind === 'off' || p.kind === 'on' ? `${HEAD} ${p.kind}` : `${HEAD} ${p.kind} ${p.topicId}`;
}

/** Reads a notice button's payload; undefined for any other text. */
export function parseNoticePayload(text: string): NoticePayload | undefined {
  const [head, what, id] = text.trim().split(/\s+/);
  if (head !== HEAD) return undefined;
  if (what === 'off' || what === 'on') return { kind: what };
  if ((what === 'add' || what === 'drop') && id) return { kind: what, topicId: id };
  return undefined;
}
