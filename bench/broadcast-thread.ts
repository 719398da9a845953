import { Worker } from 'node:worker_threads';
import type { ChatAnswers, ChatCommand } from './broadcast-worker.js';

/** The chatting residents, on their own thread so they do not share motcua's event loop. */
export interface ChatThread {
  send<K extends ChatCommand['kind']>(cmd: Extract<ChatCommand, { kind: K }>): Promise<ChatAnswers[K]>;
  close(): Promise<void>;
}

/** Starts the chat thread (TypeScript, through tsx's loader registered inside the thread). */
export function startChatThread(): ChatThread {
  const entry = new URL('./broadcast-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  worker.on('message', (msg: { id: number; result?: unknown; error?: string }) => {
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error !== undefined) w.reject(new Error(`chat thread: ${msg.error}`));
    else w.resolve(msg.result);
  });
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`chat thread exited with code ${code}`)));
  return {
    send<K extends ChatCommand['kind']>(cmd: Extract<ChatCommand, { kind: K }>) {
      return new Promise<ChatAnswers[K]>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, cmd });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
