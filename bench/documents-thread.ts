import { Worker } from 'node:worker_threads';
import type { DocumentsJob, DocumentsJobResults } from './documents-worker.js';

/** The residents sending photos, on their own thread so they do not share the server's event loop. */
export interface DocumentsThread {
  /** Runs one job on the thread and resolves with its result. */
  run<K extends DocumentsJob['kind']>(
    job: Extract<DocumentsJob, { kind: K }>,
  ): Promise<DocumentsJobResults[K]>;
  /** Stops the thread. */
  close(): Promise<void>;
}

/** Starts the documents load thread (TypeScript, through tsx's loader registered inside the thread). */
export function startDocumentsThread(): DocumentsThread {
  const entry = new URL('./documents-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  worker.on('message', (msg: { id: number; result?: unknown; error?: string }) => {
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error !== undefined) w.reject(new Error(`documents load thread: ${msg.error}`));
    else w.resolve(msg.result);
  });
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`documents load thread exited with code ${code}`)));
  return {
    run<K extends DocumentsJob['kind']>(job: Extract<DocumentsJob, { kind: K }>) {
      return new Promise<DocumentsJobResults[K]>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, job });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
