import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { sendPhotos, type PhotoRunOptions, type PhotoRunResult } from './documents-photos.js';
import { enterIntake, type IntakeSetupResult } from './documents-setup.js';
import { round } from './stats.js';

/** A job for the documents load thread. */
export type DocumentsJob =
  | { kind: 'setup'; api: string; users: string[]; concurrency: number; stepTimeoutMs: number }
  | ({ kind: 'photos' } & PhotoRunOptions);

/** What each job kind answers, plus how busy the load thread's event loop was (1 = saturated). */
export interface DocumentsJobResults {
  setup: IntakeSetupResult & { clientElu: number };
  photos: PhotoRunResult & { clientElu: number };
}

function run(job: DocumentsJob): Promise<IntakeSetupResult | PhotoRunResult> {
  return job.kind === 'setup' ? enterIntake(job) : sendPhotos(job);
}

parentPort?.on('message', (msg: { id: number; job: DocumentsJob }) => {
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
