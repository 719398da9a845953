import type { ConnectionOptions, Queue, Worker } from 'bullmq';
import type { Lane } from '../zalo/policy.js';
import { createPartitionQueues, createPartitionWorkers, type PartitionWorkerOptions } from './partitioned.js';
import { outboundQueueName, partitionOf } from './partitions.js';
import type { PendingRow } from './outbox.js';

/** A send job names its outbox row and nothing else: no text, no tokens in Redis. */
export interface OutboundJobData {
  outboxId: number;
  lane: Lane;
}

/** Job id for an outbox row: the same row can never have two live send jobs. */
export function outboundJobId(outboxId: number): string {
  return `out-${outboxId}`;
}

/** BullMQ priority per lane: replies go first, then notifications, then broadcasts. */
const PRIORITY: Record<Lane, number> = { reply: 1, notify: 5, broadcast: 10 };

/** Hands outbox rows to the partition queues. */
export interface OutboundProducer {
  /**
   * Queues a send job per row. With `spreadOverMs`, row i of n may start only after
   * i × spreadOverMs / n ms, so a batch leaves at an even pace instead of all at once.
   */
  enqueue(rows: PendingRow[], opts?: { spreadOverMs?: number }): Promise<void>;
  queues: Queue<OutboundJobData>[];
  close(): Promise<void>;
}

/** Builds the producer for outbound send jobs. */
export function createOutboundProducer(opts: {
  connection: ConnectionOptions;
  partitions: number;
}): OutboundProducer {
  const queues = createPartitionQueues<OutboundJobData>(opts.connection, opts.partitions, outboundQueueName);
  return {
    queues,
    async enqueue(rows, { spreadOverMs = 0 } = {}) {
      // One round trip per partition however many rows: a broadcast tick hands over dozens at once.
      const byPartition = new Map<number, Parameters<Queue<OutboundJobData>['addBulk']>[0]>();
      for (const [i, row] of rows.entries()) {
        const lane = row.lane as Lane;
        const delay = spreadOverMs > 0 ? Math.floor((i * spreadOverMs) / rows.length) : 0;
        const p = partitionOf(row.oaId, row.userId, opts.partitions);
        const jobs = byPartition.get(p) ?? [];
        jobs.push({
          name: 'send',
          data: { outboxId: row.id, lane },
          opts: {
            jobId: outboundJobId(row.id),
            ...(delay > 0 ? { delay } : {}),
            priority: PRIORITY[lane] ?? 10,
            attempts: 8,
            backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
            removeOnComplete: { age: 3600, count: 100_000 },
            removeOnFail: { count: 50_000 },
          },
        });
        byPartition.set(p, jobs);
      }
      await Promise.all([...byPartition].map(([p, jobs]) => queues[p]!.addBulk(jobs)));
    },
    close: async () => {
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}

/** The send workers: one message at a time per partition, so a resident's replies leave in order. */
export function createOutboundWorkers(
  opts: PartitionWorkerOptions<OutboundJobData>,
): Promise<Worker<OutboundJobData>[]> {
  return createPartitionWorkers(outboundQueueName, opts);
}
