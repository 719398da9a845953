import { createHash } from 'node:crypto';

/**
 * Per-conversation ordering: every (OA, resident) pair maps to one partition,
 * and each partition queue runs one job at a time across all worker processes
 * (BullMQ global concurrency 1). Same key → same partition → send order kept.
 */

/** Redis key prefix for every motcua queue. */
export const QUEUE_PREFIX = 'motcua';

/** The partition a conversation belongs to; stable across processes and restarts. */
export function partitionOf(oaId: string, userId: string, partitions: number): number {
  const digest = createHash('sha1').update(`${oaId}\u0000${userId}`).digest();
  return digest.readUInt32BE(0) % partitions;
}

/** Name of an inbound-events partition queue. */
export function inboundQueueName(partition: number): string {
  return `inbound-${partition}`;
}

/** Name of an outbound-messages partition queue. */
export function outboundQueueName(partition: number): string {
  return `outbound-${partition}`;
}

/** Every partition index, 0..n-1. */
export function allPartitions(partitions: number): number[] {
  return Array.from({ length: partitions }, (_, i) => i);
}
