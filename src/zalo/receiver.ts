import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config.js';
import { ErrorCode, MotcuaError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { InboundJobData } from '../queue/inbound.js';
import { normaliseEvent, parseRawEvent, signedTimestamp, type ZaloEvent } from './events.js';
import type { OwnSends } from './own-sends.js';
import { verifyZaloSignature } from './signature.js';

/** What the webhook receiver needs: credentials to verify, and where to make events durable. */
export interface ReceiverDeps {
  appId: string;
  oaId: string;
  oaSecretKey: string;
  maxBytes: number;
  /** Resolves once the event is durable (the BullMQ add); rejects when the store is down. */
  enqueue: (data: InboundJobData) => Promise<void>;
  /** Recognises echoes of motcua's own sends, which need no processing. */
  ownSends?: Pick<OwnSends, 'claimEcho'>;
  logger: Logger;
  metrics?: Metrics;
  now?: () => number;
}

/** The receiver for the configured OA, as `motcua serve` builds it. */
export function createReceiverFor(
  config: Pick<Config, 'zalo' | 'webhookMaxBytes'>,
  enqueue: ReceiverDeps['enqueue'],
  logger: Logger,
  metrics?: Metrics,
  ownSends?: ReceiverDeps['ownSends'],
): RequestHandler {
  return createZaloReceiver({
    ownSends,
    appId: config.zalo.appId,
    oaId: config.zalo.oaId,
    oaSecretKey: config.zalo.oaSecretKey,
    maxBytes: config.webhookMaxBytes,
    enqueue,
    logger: logger.child({ component: 'webhook' }),
    metrics,
  });
}

/**
 * The thin webhook receiver: read the raw body (bounded), verify the signature
 * on those bytes, parse, make the event durable, and only then answer 200.
 * 400 malformed, 401 forged, 413 too large, 503 store down (Zalo retries);
 * an unsigned delivery (the Zalo console's test) gets 200 and is not processed.
 */
export function createZaloReceiver(deps: ReceiverDeps): RequestHandler {
  return (req, res) => {
    void handle(deps, req, res);
  };
}

async function handle(deps: ReceiverDeps, req: Request, res: Response): Promise<void> {
  let eventName = 'unparsed';
  const answer = (status: number, outcome: string, body: Record<string, unknown>) => {
    deps.metrics?.eventsIn.inc({ event: eventName, outcome });
    if (!res.headersSent) res.status(status).json(body);
  };
  try {
    const rawBody = await readBody(req, deps.maxBytes);
    const raw = parseRawEvent(rawBody);
    eventName = raw.event_name;
    const check = verifyZaloSignature({
      header: req.get('x-zevent-signature'),
      rawBody,
      timestamp: signedTimestamp(raw),
      appId: deps.appId,
      oaSecretKey: deps.oaSecretKey,
    });
    if (!check.ok && check.reason === 'unsigned') {
      deps.logger.info({ event: eventName }, 'unsigned webhook delivery acknowledged, not processed');
      return answer(200, 'unsigned', { ok: true, processed: false });
    }
    if (!check.ok) {
      deps.logger.warn({ event: eventName, reason: check.reason }, 'webhook signature rejected');
      return answer(401, 'forged', { error: ErrorCode.SignatureInvalid });
    }
    const event = normaliseEvent(raw, rawBody, deps.oaId);
    if (await isOwnEcho(deps, event)) return answer(200, 'own_echo', { ok: true });
    if (event.kind === 'unknown') {
      deps.logger.info({ event: eventName, problem: event.problem }, 'unknown webhook event kept');
    }
    const receivedAt = deps.now?.() ?? Date.now();
    await deps
      .enqueue({ event, receivedAt, ...(event.kind === 'unknown' ? { raw } : {}) })
      .catch((err: unknown) => {
        throw new MotcuaError(ErrorCode.StoreUnavailable, 'event store unavailable', { cause: err });
      });
    return answer(200, 'accepted', { ok: true });
  } catch (err) {
    return answerError(deps, err, answer, res);
  }
}

async function isOwnEcho(deps: ReceiverDeps, event: ZaloEvent): Promise<boolean> {
  if (event.kind !== 'oa_echo' || event.adminId || !deps.ownSends) return false;
  return deps.ownSends.claimEcho(event.oaId, event.msgId).catch(() => false);
}

function answerError(
  deps: ReceiverDeps,
  err: unknown,
  answer: (status: number, outcome: string, body: Record<string, unknown>) => void,
  res: Response,
) {
  if (err instanceof MotcuaError) {
    switch (err.code) {
      case ErrorCode.BodyTooLarge:
        res.set('Connection', 'close');
        return answer(413, 'too_large', { error: err.code });
      case ErrorCode.EventMalformed:
        return answer(400, 'malformed', { error: err.code, message: err.message });
      case ErrorCode.StoreUnavailable:
        deps.logger.error(
          { err: (err.cause as Error | undefined)?.message },
          'webhook event could not be made durable',
        );
        return answer(503, 'store_unavailable', { error: err.code });
    }
  }
  deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'webhook failed');
  return answer(503, 'error', { error: ErrorCode.StoreUnavailable });
}

/** Reads the request body up to `max` bytes; throws MC_ERR_BODY_TOO_LARGE past it. */
export function readBody(req: Request, max: number): Promise<Buffer> {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.reject(new MotcuaError(ErrorCode.BodyTooLarge, `body over ${max} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        req.resume();
        reject(new MotcuaError(ErrorCode.BodyTooLarge, `body over ${max} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!done) reject(err);
    });
  });
}
