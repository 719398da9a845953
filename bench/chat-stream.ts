import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** What the bench reads of a message the OA sent a resident (as the emulator streams it). */
export interface OaMessage {
  text?: string;
  buttons?: Array<{ title: string; payload: unknown }>;
  attachment?: { type?: string };
}

/** An open resident stream. */
export interface ChatStream {
  close(): void;
}

/**
 * Opens the emulator's live stream (server-sent events) for one resident and calls
 * `onOa` with every message the OA sends them and its arrival time (performance.now()).
 * Resolves once the initial snapshot arrived, so nothing sent after it is missed.
 */
export function openChatStream(
  agent: http.Agent,
  api: URL,
  userId: string,
  onOa: (message: OaMessage, at: number) => void,
): Promise<ChatStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        agent,
        host: api.hostname,
        port: api.port,
        path: `${api.pathname}/users/${encodeURIComponent(userId)}/stream`,
        headers: { accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`stream for ${userId} answered HTTP ${res.statusCode}`));
        }
        res.setEncoding('utf8');
        let buffer = '';
        let ready = false;
        res.on('data', (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let event = 'message';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (event === 'snapshot' && !ready) {
              ready = true;
              resolve({ close: () => req.destroy() });
            } else if (event === 'message' && data) {
              const entry = JSON.parse(data) as OaMessage & { direction?: string };
              if (entry.direction === 'oa') onOa(entry, at);
            }
          }
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', reject);
  });
}

/** Opens one stream per resident, 100 at a time; `onOa` gets the resident's index. */
export async function openChatStreams(
  agent: http.Agent,
  api: URL,
  users: string[],
  onOa: (user: number, message: OaMessage, at: number) => void,
): Promise<ChatStream[]> {
  const streams: ChatStream[] = [];
  try {
    for (let i = 0; i < users.length; i += 100) {
      const batch = users
        .slice(i, i + 100)
        .map((userId, k) => openChatStream(agent, api, userId, (m, at) => onOa(i + k, m, at)));
      const settled = await Promise.allSettled(batch);
      for (const s of settled) if (s.status === 'fulfilled') streams.push(s.value);
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return streams;
  } catch (err) {
    for (const s of streams) s.close();
    throw err;
  }
}
