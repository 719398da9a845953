import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { allPartitions, QUEUE_PREFIX } from './partitions.js';

/** Options shared by every partitioned worker set. */
export interface PartitionWorkerOptions<T> {
  connection: ConnectionOptions;
  partitions: number;
  lockMs: number;
  process: (data: T, job: Job<T>, token?: string) => Promise<void>;
  onFailed?: (job: Job<T> | undefined, err: Error) => void;
}

/** One queue per partition, for producers. Errors surface on `add`, so queue error events are not fatal. */
export function createPartitionQueues<T>(
  connection: ConnectionOptions,
  partitions: number,
  nameOf: (p: number) => string,
): Queue<T>[] {
  return allPartitions(partitions).map((p) => {
    const q = new Queue<T>(nameOf(p), { connection, prefix: QUEUE_PREFIX });
    q.on('error', () => undefined);
    return q;
  });
}

/**
 * One worker per partition, concurrency 1, with the partition's global
 * concurrency pinned to 1 so that several processes never run two jobs of one
 * partition at once. A job whose worker died returns to the head of its partition
 * once its lock expires.
 */
export async function createPartitionWorkers<T>(
  nameOf: (p: number) => string,
  opts: PartitionWorkerOptions<T>,
): Promise<Worker<T>[]> {
  return Promise.all(
    allPartitions(opts.partitions).map(async (p) => {
      const queue = new Queue(nameOf(p), { connection: opts.connection, prefix: QUEUE_PREFIX });
      await queue.setGlobalConcurrency(1);
      await queue.close();
      const worker = new Worker<T>(nameOf(p), (job, token) => opts.process(job.data, job, token), {
        connection: opts.connection,
        prefix: QUEUE_PREFIX,
        concurrency: 1,
        lockDuration: opts.lockMs,
        stalledInterval: Math.max(1000, Math.floor(opts.lockMs / 2)),
        maxStalledCount: 10,
      });
      if (opts.onFailed) worker.on('failed', opts.onFailed);
      worker.on('error', () => undefined);
      return worker;
    }),
  );
}
