import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import {
  startChat,
  type Chat,
  type ChatOptions,
  type ChatProgress,
  type ChatResult,
} from './broadcast-chat.js';
import { round } from './stats.js';

/** A command for the broadcast bench's chat thread. */
export type ChatCommand =
  ({ kind: 'start' } & ChatOptions) | { kind: 'progress' } | { kind: 'stop'; drainMs: number };

/** What each command answers; `stop` adds how busy this thread's event loop was (1 = saturated). */
export interface ChatAnswers {
  start: { startedAt: number };
  progress: ChatProgress;
  stop: ChatResult & { clientElu: number };
}

let chat: Chat | undefined;
let elu = performance.eventLoopUtilization();

async function run(cmd: ChatCommand): Promise<ChatAnswers[ChatCommand['kind']]> {
  switch (cmd.kind) {
    case 'start': {
      if (chat) throw new Error('the chat is already running');
      const { kind: _kind, ...opts } = cmd;
      chat = await startChat(opts);
      elu = performance.eventLoopUtilization();
      return { startedAt: chat.startedAt };
    }
    case 'progress':
      if (!chat) throw new Error('the chat is not running');
      return chat.progress();
    case 'stop': {
      if (!chat) throw new Error('the chat is not running');
      const result = await chat.stop(cmd.drainMs);
      chat = undefined;
      return { ...result, clientElu: round(performance.eventLoopUtilization(elu).utilization, 3) };
    }
  }
}

parentPort?.on('message', (msg: { id: number; cmd: ChatCommand }) => {
  run(msg.cmd).then(
    (result) => parentPort?.postMessage({ id: msg.id, result }),
    (err: unknown) =>
      parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.stack : String(err) }),
  );
});
