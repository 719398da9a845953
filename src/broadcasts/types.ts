/**
 * The words of the broadcast domain, shared by the sending engine, the console and the chat.
 */

/** Where a broadcast is in its life. `suggested` drafts come from catalogue changes. */
export type BroadcastStatus =
  'suggested' | 'draft' | 'awaiting_approval' | 'scheduled' | 'sending' | 'paused' | 'cancelled' | 'done';

/** What staff composed: text, an optional image (a stored file) and an optional link button. */
export interface BroadcastBody {
  text: string;
  /** `stored_files.id` of an image kept with owner kind `broadcast`. */
  imageFileId?: number;
  link?: { title: string; url: string };
}

/**
 * Who receives it: every follower, followers carrying any of the tags, or residents who asked
 * about a procedure in the last `sinceDays` days.
 */
export type Audience =
  { kind: 'all' } | { kind: 'tags'; tags: string[] } | { kind: 'procedure'; code: string; sinceDays: number };

/** Why a resident in the audience will not get the notice. */
export type RefusalReason = 'opted_out' | 'unfollowed' | 'window_closed';

/** A recipient's status as staff see it in reports and exports. */
export type RecipientStatus = 'queued' | 'sent' | 'received' | 'seen' | 'refused' | 'failed' | 'cancelled';

/** Counts shown before sending: who would get it and who Zalo or the resident would refuse. */
export interface AudiencePreview {
  /** Everyone the audience names. */
  total: number;
  /** Those it would be sent to now. */
  deliverable: number;
  refused: Record<RefusalReason, number>;
}
