import type { ConnectionOptions, Queue, Worker } from 'bullmq';
import type { ZaloEvent } from '../zalo/events.js';
import { createPartitionQueues, createPartitionWorkers, type PartitionWorkerOptions } from './partitioned.js';
import { inboundQueueName, partitionOf } from './partitions.js';

/** What an inbound job carries: the normalised event and when the webhook accepted it. */
export interface InboundJobData {
  event: ZaloEvent;
  receivedAt: number;
  /** The parsed body, kept only for events motcua does not understand yet. */
  raw?: unknown;
}

/** Accepts webhook events into the partition queues; the add is the durability point. */
export interface InboundProducer {
  enqueue(data: InboundJobData): Promise<void>;
  queues: Queue<InboundJobData>[];
  close(): Promise<void>;
}

/** How long a finished job's id keeps answering "duplicate" in Redis (the database dedupes forever). */
const KEEP_COMPLETED_SECONDS = 3600;

/**
 * Builds the producer. Use a connection with `enableOfflineQueue: false` so an
 * add fails fast when Redis is down and the webhook can answer 503.
 */
export function createInboundProducer(opts: {
  connection: ConnectionOptions;
  partitions: number;
}): InboundProducer {
  const queues = createPartitionQueues<InboundJobData>(opts.connection, opts.partitions, inboundQueueName);
  return {
    queues,
    async enqueue(data) {
      const p = partitionOf(data.event.oaId, data.event.userId, opts.partitions);
      await queues[p]!.add(data.event.eventName, data, {
        jobId: data.event.dedupeKey,
        attempts: 10,
        backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
        removeOnComplete: { age: KEEP_COMPLETED_SECONDS, count: 200_000 },
        removeOnFail: { count: 50_000 },
      });
    },
    close: async () => {
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}

/** The inbound workers: one event at a time per partition, across all processes. */
export function createInboundWorkers(
  opts: PartitionWorkerOptions<InboundJobData>,
): Promise<Worker<InboundJobData>[]> {
  return createPartitionWorkers(inboundQueueName, opts);
}
