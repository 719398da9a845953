import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log.js';

/**
 * Live updates for the console: workers publish "this conversation changed" and "this ticket was
 * escalated" on a Redis channel; the server keeps one subscriber and fans the notices out to
 * officers' open pages (server-sent events), which then fetch what changed or raise the escalation
 * banner. Only ids travel, never message text.
 */

/** The Redis channel activity notices travel on. */
export const ACTIVITY_CHANNEL = 'motcua:console:activity';

/** Publishes that a resident's conversation (or ticket) changed. */
export function publishActivity(redis: Pick<Redis, 'publish'>, oaId: string, userId: string): void {
  redis.publish(ACTIVITY_CHANNEL, JSON.stringify({ oaId, userId })).catch(() => undefined);
}

/** Publishes that a ticket waited too long unclaimed: every officer of the OA is told, on any page. */
export function publishEscalation(
  redis: Pick<Redis, 'publish'>,
  ticket: { id: number; oaId: string; userId: string },
): void {
  const note = { kind: 'escalated', oaId: ticket.oaId, userId: ticket.userId, ticketId: ticket.id };
  redis.publish(ACTIVITY_CHANNEL, JSON.stringify(note)).catch(() => undefined);
}

/** The server side of live updates. */
export interface LiveHub {
  /** Serves one officer's event stream, limited to the OAs they may see. */
  stream(req: Request, res: Response, oaIds: string[]): void;
  close(): Promise<void>;
}

/** Subscribes to activity and serves event streams. */
export async function createLiveHub(subscriber: Redis, logger: Pick<Logger, 'warn'>): Promise<LiveHub> {
  const clients = new Set<{ res: Response; oaIds: Set<string> }>();
  subscriber.on('message', (channel: string, payload: string) => {
    if (channel !== ACTIVITY_CHANNEL) return;
    let note: { kind?: unknown; oaId?: unknown; userId?: unknown; ticketId?: unknown };
    try {
      note = JSON.parse(payload) as typeof note;
    } catch {
      return;
    }
    if (typeof note.oaId !== 'string' || typeof note.userId !== 'string') return;
    const escalated = note.kind === 'escalated' && typeof note.ticketId === 'number';
    const data = escalated
      ? `event: escalated\ndata: ${JSON.stringify({ oaId: note.oaId, userId: note.userId, ticketId: note.ticketId })}\n\n`
      : `event: activity\ndata: ${JSON.stringify({ oaId: note.oaId, userId: note.userId })}\n\n`;
    for (const c of clients) if (c.oaIds.has(note.oaId)) c.res.write(data);
  });
  await subscriber.subscribe(ACTIVITY_CHANNEL);
  const ping = setInterval(() => {
    for (const c of clients) c.res.write(': ping\n\n');
  }, 25_000);
  ping.unref();
  return {
    stream(req, res, oaIds) {
      res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.flushHeaders();
      res.write('retry: 3000\n\n');
      const client = { res, oaIds: new Set(oaIds) };
      clients.add(client);
      req.on('close', () => clients.delete(client));
    },
    async close() {
      clearInterval(ping);
      for (const c of clients) c.res.end();
      clients.clear();
      await subscriber.quit().catch((err: unknown) => logger.warn({ err: String(err) }, 'live hub close'));
    },
  };
}
