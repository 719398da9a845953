import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { closedLoop, openLoop, type LoadResult } from './load.js';
import { driveResidents, type ResidentRunResult } from './residents.js';
import { signedTextEvents } from './zalo-events.js';
import { round } from './stats.js';

/** A job for the load thread. */
export type LoadJob =
  | {
      kind: 'webhook-open';
      origin: string;
      runTag: string;
      users: number;
      ratePerSec: number;
      durationMs: number;
    }
  | {
      kind: 'webhook-closed';
      origin: string;
      runTag: string;
      users: number;
      connections: number;
      durationMs: number;
    }
  | {
      kind: 'residents';
      api: string;
      users: string[];
      ratePerSec: number;
      durationMs: number;
      drainMs: number;
      text: string;
    };

/** A job's result plus how busy the load thread's event loop was (1 = saturated). */
export type LoadJobResult = (LoadResult | ResidentRunResult) & { clientElu: number };

async function run(job: LoadJob): Promise<LoadResult | ResidentRunResult> {
  switch (job.kind) {
    case 'webhook-open':
      return openLoop({
        origin: job.origin,
        ratePerSec: job.ratePerSec,
        durationMs: job.durationMs,
        maxSockets: 256,
        next: signedTextEvents({ runTag: job.runTag, users: job.users }),
      });
    case 'webhook-closed':
      return closedLoop({
        origin: job.origin,
        connections: job.connections,
        durationMs: job.durationMs,
        next: signedTextEvents({ runTag: job.runTag, users: job.users }),
      });
    case 'residents':
      return driveResidents(job);
  }
}

parentPort?.on('message', (msg: { id: number; job: LoadJob }) => {
  const elu = performance.eventLoopUtilization();
  run(msg.job).then(
    (result) => {
      const clientElu = round(performance.eventLoopUtilization(elu).utilization, 3);
      parentPort?.postMessage({ id: msg.id, result: { ...result, clientElu } });
    },
    (err: unknown) => {
      parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.stack : String(err) });
    },
  );
});
