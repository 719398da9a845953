import type { ZaloMessage } from '../zalo/messages.js';
import type {
  Audience,
  AudiencePreview,
  BroadcastBody,
  BroadcastStatus,
  RecipientStatus,
  RefusalReason,
} from './types.js';

/** A broadcast as the console lists and shows it. */
export interface BroadcastView {
  id: number;
  oaId: string;
  title: string;
  body: BroadcastBody;
  audience: Audience;
  status: BroadcastStatus;
  cause: string | null;
  needsApproval: boolean;
  createdBy: string | null;
  approvedBy: string | null;
  scheduledAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
}

/** Delivery counts of one broadcast, and how they grew over time. */
export interface BroadcastReport {
  /** Recipients fixed when sending started (0 before). */
  recipients: number;
  byStatus: Record<RecipientStatus, number>;
  refusedBy: Record<string, number>;
  /** Per minute since sending started: messages sent, received and seen in that minute. */
  timeline: Array<{ at: Date; sent: number; received: number; seen: number }>;
}

/** One recipient's line in the CSV export. */
export interface RecipientLine {
  userId: string;
  status: RecipientStatus;
  reason: string | null;
  sentAt: Date | null;
  receivedAt: Date | null;
  seenAt: Date | null;
}

/** A new broadcast as staff compose it. */
export interface NewBroadcast {
  oaId: string;
  title: string;
  body: BroadcastBody;
  audience: Audience;
  needsApproval: boolean;
  createdBy: string;
}

/** What staff can do with broadcasts; every change is audited with the acting officer. */
export interface BroadcastServices {
  /** Counts for the audience right now: total, deliverable, and refusals by reason. */
  preview(oaId: string, audience: Audience): Promise<AudiencePreview>;
  /** The Zalo message recipients will get (also what the console preview draws). */
  messageFor(b: Pick<BroadcastView, 'body' | 'oaId'>, attachmentId?: string): ZaloMessage;
  create(input: NewBroadcast): Promise<number>;
  /** Changes a draft or suggestion; refused once it is scheduled. */
  update(
    id: number,
    patch: Partial<Pick<NewBroadcast, 'title' | 'body' | 'audience' | 'needsApproval'>>,
    by: string,
  ): Promise<void>;
  /** Stores an image (JPG/PNG, at most 1 MB) for a draft and puts it in the body. */
  attachImage(id: number, image: { data: Buffer; mime: string }, by: string): Promise<void>;
  /** The stored image's bytes, for the console preview. */
  readImage(id: number): Promise<{ data: Buffer; mime: string } | undefined>;
  /** Sends at `at` (now when omitted); waits for a second officer first when it needs approval. */
  schedule(id: number, at: Date | undefined, by: string): Promise<BroadcastStatus>;
  /** A second officer approves; the creator cannot approve their own broadcast. */
  approve(id: number, by: string): Promise<BroadcastStatus>;
  pause(id: number, by: string): Promise<void>;
  resume(id: number, by: string): Promise<void>;
  /** Stops it; recipients not yet sent to are marked cancelled. */
  cancel(id: number, by: string): Promise<void>;
  get(id: number): Promise<BroadcastView | undefined>;
  /** Newest first. */
  list(oaIds: string[], limit?: number): Promise<BroadcastView[]>;
  report(id: number): Promise<BroadcastReport>;
  /** Every recipient with their status, in pages, for the CSV export. */
  recipientLines(id: number): AsyncIterable<RecipientLine>;
}

/** Refusals a console page can show in the officer's words; `code` says which. */
export class BroadcastError extends Error {
  constructor(
    readonly code:
      | 'not_found'
      | 'wrong_state'
      | 'own_approval'
      | 'empty_text'
      | 'text_too_long'
      | 'bad_link'
      | 'bad_image'
      | 'empty_audience',
    message: string,
  ) {
    super(message);
    this.name = 'BroadcastError';
  }
}

/** Refusal reasons in the order reports list them. */
export const REFUSAL_REASONS: RefusalReason[] = ['opted_out', 'unfollowed', 'window_closed'];
