import { REFUSAL_REASONS, type BroadcastReport, type BroadcastView } from '../../broadcasts/contract.js';
import type { BroadcastStatus, RefusalReason } from '../../broadcasts/types.js';
import { minuteLabel } from './time.js';
import { fill, type BroadcastTexts } from './texts.js';

/** One line of the report's count table. */
export interface ReportLine {
  key: string;
  label: string;
  value: number;
}

/** What the report shows and what its JSON endpoint answers, so the page can redraw itself. */
export interface ReportModel {
  status: BroadcastStatus;
  statusLabel: string;
  /** True while the numbers can still change: the page keeps polling. */
  live: boolean;
  recipients: number;
  /** Reached: sent, received or seen. */
  sent: number;
  sentText: string;
  lines: ReportLine[];
  timeline: { labels: string[]; sent: number[]; received: number[]; seen: number[] };
  series: { sent: string; received: string; seen: string };
}

/** A scheduled notice starts within this long: its page starts polling for the report. */
const LIVE_BEFORE_MS = 5 * 60_000;

const dueSoon = (at: Date | null, now: Date) => !at || at.getTime() - now.getTime() <= LIVE_BEFORE_MS;

const isKnownReason = (r: string): r is RefusalReason => (REFUSAL_REASONS as string[]).includes(r);

/**
 * The report of one broadcast in the officer's words; minutes are read on the office's clock. It is
 * live while sending, and shortly before a scheduled start.
 */
export function reportModel(
  b: Pick<BroadcastView, 'status' | 'scheduledAt'>,
  report: BroadcastReport,
  t: BroadcastTexts,
  timezone: string,
  now: Date,
): ReportModel {
  const s = report.byStatus;
  const sent = s.sent + s.received + s.seen;
  const line = (key: string, label: string, value: number): ReportLine => ({ key, label, value });
  const others = Object.entries(report.refusedBy).filter(([r]) => !isKnownReason(r));
  const lines = [
    line('queued', t.recipientStatus.queued, s.queued),
    line('sent', t.recipientStatus.sent, s.sent),
    line('received', t.recipientStatus.received, s.received),
    line('seen', t.recipientStatus.seen, s.seen),
    line('refused', t.recipientStatus.refused, s.refused),
    ...REFUSAL_REASONS.map((r) =>
      line(`refused:${r}`, fill(t.refusedBecause, { reason: t.refusal[r] }), report.refusedBy[r] ?? 0),
    ),
    ...others.map(([r, n]) => line(`refused:${r}`, fill(t.refusedBecause, { reason: r }), n)),
    line('failed', t.recipientStatus.failed, s.failed),
    line('cancelled', t.recipientStatus.cancelled, s.cancelled),
  ];
  const points = report.timeline;
  return {
    status: b.status,
    statusLabel: t.statusNames[b.status],
    live: b.status === 'sending' || (b.status === 'scheduled' && dueSoon(b.scheduledAt, now)),
    recipients: report.recipients,
    sent,
    sentText: fill(t.sentTotal, { sent, recipients: report.recipients }),
    lines,
    timeline: {
      labels: points.map((p) => minuteLabel(p.at, timezone)),
      sent: points.map((p) => p.sent),
      received: points.map((p) => p.received),
      seen: points.map((p) => p.seen),
    },
    series: { sent: t.sentSeries, received: t.receivedSeries, seen: t.seenSeries },
  };
}
