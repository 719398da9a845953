import { MAX_BROADCAST_TEXT } from '../../broadcasts/message.js';
import type { Audience, BroadcastBody } from '../../broadcasts/types.js';

/** Most characters staff write (Zalo's 2,000 less the opt-out line added under every notice). */
export const TEXT_LIMIT = MAX_BROADCAST_TEXT;
/** Most characters of a link button's label. */
export const LINK_TITLE_LIMIT = 35;
/** Most characters of a notice's title (staff's own name for it). */
export const TITLE_LIMIT = 120;

/** The compose form as staff filled it, kept to show it again when something is wrong. */
export interface ComposeDraft {
  oaId: string;
  title: string;
  text: string;
  linkTitle: string;
  linkUrl: string;
  audienceKind: 'all' | 'tags';
  tags: string[];
  needsApproval: boolean;
}

/** A compose field that cannot be used as given. */
export type ComposeProblem = 'title' | 'text' | 'linkTitle' | 'linkUrl' | 'tags' | 'oa' | 'image';

/** The form read: the draft and what is wrong with it. */
export interface ComposeForm {
  draft: ComposeDraft;
  problems: ComposeProblem[];
}

const field = (v: unknown, max: number): string =>
  typeof v === 'string'
    ? v.slice(0, max)
    : Array.isArray(v) && typeof v[0] === 'string'
      ? v[0].slice(0, max)
      : '';

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string' && s.trim() !== '');

/** Characters as Zalo counts them: code points after NFC normalisation. */
export function zaloLength(text: string): number {
  return Array.from(text.normalize('NFC')).length;
}

/** True for an absolute `https://` URL with a dotted host. */
export function isHttpsUrl(raw: string): boolean {
  if (raw.length > 1000) return false;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' && url.hostname.includes('.') && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** Reads the compose form's fields (urlencoded or multipart) and checks them. */
export function readComposeForm(body: unknown, defaultOa: string): ComposeForm {
  const b = (body ?? {}) as Record<string, unknown>;
  const draft: ComposeDraft = {
    oaId: field(b.oaId, 100).trim() || defaultOa,
    title: field(b.title, TITLE_LIMIT * 2).trim(),
    text: field(b.text, TEXT_LIMIT * 4)
      .replace(/\r\n?/g, '\n')
      .trim()
      .normalize('NFC'),
    linkTitle: field(b.linkTitle, LINK_TITLE_LIMIT * 2).trim(),
    linkUrl: field(b.linkUrl, 1200).trim(),
    audienceKind: field(b.audience, 10) === 'tags' ? 'tags' : 'all',
    tags: [...new Set(list(b.tag).map((t) => t.trim().slice(0, 100)))].slice(0, 100),
    needsApproval: field(b.needsApproval, 5) === '1',
  };
  const problems: ComposeProblem[] = [];
  if (draft.title === '' || zaloLength(draft.title) > TITLE_LIMIT) problems.push('title');
  if (draft.text === '' || zaloLength(draft.text) > TEXT_LIMIT) problems.push('text');
  const hasLink = draft.linkTitle !== '' || draft.linkUrl !== '';
  if (hasLink && (draft.linkTitle === '' || zaloLength(draft.linkTitle) > LINK_TITLE_LIMIT))
    problems.push('linkTitle');
  if (hasLink && !isHttpsUrl(draft.linkUrl)) problems.push('linkUrl');
  if (draft.audienceKind === 'tags' && draft.tags.length === 0) problems.push('tags');
  return { draft, problems };
}

/** The body a checked draft describes, keeping an image already attached. */
export function bodyOf(draft: ComposeDraft, imageFileId?: number): BroadcastBody {
  return {
    text: draft.text,
    ...(imageFileId === undefined ? {} : { imageFileId }),
    ...(draft.linkUrl ? { link: { title: draft.linkTitle, url: draft.linkUrl } } : {}),
  };
}

/** The audience a checked draft describes. */
export function audienceOf(draft: ComposeDraft): Audience {
  return draft.audienceKind === 'tags' ? { kind: 'tags', tags: draft.tags } : { kind: 'all' };
}

/** The audience named by a query string (`audience=tags&tag=…`), for the live recipient counts. */
export function audienceFromQuery(query: Record<string, unknown>): Audience | undefined {
  if (field(query.audience, 10) !== 'tags') return { kind: 'all' };
  const tags = [...new Set(list(query.tag).map((t) => t.trim().slice(0, 100)))].slice(0, 100);
  return tags.length > 0 ? { kind: 'tags', tags } : undefined;
}
