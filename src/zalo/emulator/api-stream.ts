import type { Request, Response } from 'express';
import { presentEntry, presentUser } from './presenter.js';
import { emulatorBase } from './request-helpers.js';
import type { EmulatorState, LiveEvent } from './state.js';

/** Server-sent events for one resident's chat: `snapshot`, then `message`, `user`, `delivery`, `reset`. */
export interface StreamRegistry {
  /** Handles `GET /api/users/:userId/stream`. */
  handle(req: Request, res: Response, userId: string): void;
  /** Ends every open stream (so the HTTP server can close). */
  closeAll(): void;
}

/** Creates the registry of open streams; `heartbeatMs` keeps proxies from closing idle streams. */
export function createStreamRegistry(deps: { state: EmulatorState; heartbeatMs?: number }): StreamRegistry {
  const { state } = deps;
  const open = new Set<() => void>();
  return {
    handle(req, res, userId) {
      const base = emulatorBase(res);
      res.status(200);
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache, no-transform');
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();
      const write = (event: string, data: unknown) => {
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const snapshot = () => {
        const user = state.user(userId);
        write('snapshot', {
          user: user ? presentUser(user, state) : null,
          entries: state.conversation(userId).map((e) => presentEntry(e, state, base)),
        });
      };
      res.write('retry: 2000\n\n');
      snapshot();
      const onEvent = (ev: LiveEvent) => {
        if (ev.type === 'message') write('message', presentEntry(ev.entry, state, base));
        else if (ev.type === 'user') write('user', presentUser(ev.user, state));
        else if (ev.type === 'delivery')
          write('delivery', { messageId: ev.messageId, delivery: ev.delivery });
        else {
          write('reset', {});
          snapshot();
        }
      };
      const unsubscribe = state.live.subscribe(userId, onEvent);
      const heartbeat = setInterval(() => res.write(': ping\n\n'), deps.heartbeatMs ?? 15_000);
      const end = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(end);
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      req.on('close', end);
    },
    closeAll() {
      for (const end of [...open]) end();
    },
  };
}
