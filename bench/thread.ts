import { Worker } from 'node:worker_threads';
import type { LoadJob, LoadJobResult } from './load-worker.js';

/** The load generator, running on its own thread so it does not share the server's event loop. */
export interface LoadThread {
  /** Runs one job on the load thread and resolves with its result. */
  run<T extends LoadJobResult = LoadJobResult>(job: LoadJob): Promise<T>;
  /** Stops the thread. */
  close(): Promise<void>;
}

/** Starts the load thread (TypeScript, through tsx's loader registered inside the thread). */
export function startLoadThread(): LoadThread {
  const entry = new URL('./load-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true });
  const waiting = new Map<number, { resolve: (v: LoadJobResult) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  worker.on('message', (msg: { id: number; result?: LoadJobResult; error?: string }) => {
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error !== undefined) w.reject(new Error(`load thread: ${msg.error}`));
    else w.resolve(msg.result!);
  });
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`load thread exited with code ${code}`)));
  return {
    run<T extends LoadJobResult>(job: LoadJob) {
      return new Promise<T>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve: resolve as (v: LoadJobResult) => void, reject });
        worker.postMessage({ id, job });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
