import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InboundJobData } from '../src/queue/inbound.js';
import { normaliseEvent, parseRawEvent, signedTimestamp } from '../src/zalo/events.js';
import { verifyZaloSignature } from '../src/zalo/signature.js';

/** A listening HTTP server and how to stop it. */
export interface BenchServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a free port; `close` ends keep-alive connections too. */
export async function listenLocal(server: http.Server): Promise<BenchServer> {
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const json = (res: http.ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

/** Parses, verifies and normalises one delivery as the receiver does; a status to answer when it fails. */
function verifiedEvent(
  req: http.IncomingMessage,
  rawBody: Buffer,
  opts: { appId: string; oaId: string; oaSecretKey: string },
): { event: InboundJobData['event'] } | { status: 400 | 401 } {
  try {
    const raw = parseRawEvent(rawBody);
    const check = verifyZaloSignature({
      header: req.headers['x-zevent-signature'] as string | undefined,
      rawBody,
      timestamp: signedTimestamp(raw),
      appId: opts.appId,
      oaSecretKey: opts.oaSecretKey,
    });
    if (!check.ok) return { status: 401 };
    return { event: normaliseEvent(raw, rawBody, opts.oaId) };
  } catch {
    return { status: 400 };
  }
}

const refusal = (status: 400 | 401) => (status === 401 ? '{"error":"signature"}' : '{"error":"malformed"}');

/**
 * The baseline webhook: a bare `node:http` handler doing the receiver's work and
 * nothing else — read the raw body (bounded), parse, verify the signature, normalise
 * (parseRawEvent + normaliseEvent is exactly parseZaloEvent, without parsing twice),
 * make the event durable with `enqueue`, then answer 200.
 */
export function startBareWebhookServer(opts: {
  appId: string;
  oaId: string;
  oaSecretKey: string;
  maxBytes: number;
  enqueue: (data: InboundJobData) => Promise<void>;
}): Promise<BenchServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/webhooks/zalo') return json(res, 404, '{"error":"not found"}');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= opts.maxBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > opts.maxBytes) return json(res, 413, '{"error":"too large"}');
      const rawBody = Buffer.concat(chunks);
      const verified = verifiedEvent(req, rawBody, opts);
      if ('status' in verified) return json(res, verified.status, refusal(verified.status));
      const data: InboundJobData = { event: verified.event, receivedAt: Date.now() };
      opts.enqueue(data).then(
        () => json(res, 200, '{"ok":true}'),
        () => json(res, 503, '{"error":"store unavailable"}'),
      );
    });
  });
  return listenLocal(server);
}

/**
 * The end-to-end baseline bot: a bare `node:http` webhook that verifies and parses
 * each delivery, answers 200, and replies to every `user_send_text` with one text
 * through the Open API (`POST {apiBase}/v3.0/oa/message/cs`) — no queue, no database.
 * It is the floor set by HTTP and the emulator itself on this machine.
 */
export async function startBareBot(opts: {
  appId: string;
  oaId: string;
  oaSecretKey: string;
  apiBase: string;
  accessToken: string;
  replyText: string;
}): Promise<BenchServer & { sendFailures: () => number }> {
  const api = new URL(`${opts.apiBase}/v3.0/oa/message/cs`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let failures = 0;
  const reply = (userId: string) => {
    const body = JSON.stringify({ recipient: { user_id: userId }, message: { text: opts.replyText } });
    const req = http.request(
      {
        agent,
        host: api.hostname,
        port: api.port,
        path: api.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          access_token: opts.accessToken,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          if (res.statusCode !== 200 || !text.startsWith('{"error":0')) failures++;
        });
      },
    );
    req.on('error', () => failures++);
    req.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const verified = verifiedEvent(req, Buffer.concat(chunks), opts);
      if ('status' in verified) return json(res, verified.status, refusal(verified.status));
      json(res, 200, '{"ok":true}');
      const { event } = verified;
      if (event.kind === 'user_message' && event.eventName === 'user_send_text') reply(event.userId);
    });
  });
  const listening = await listenLocal(server);
  return {
    ...listening,
    sendFailures: () => failures,
    close: async () => {
      await listening.close();
      agent.destroy();
    },
  };
}
