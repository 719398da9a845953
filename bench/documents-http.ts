import type { ClientRequest, IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import diagnostics from 'node:diagnostics_channel';
import { round } from './stats.js';

/** The HTTP requests this thread made for media (motcua downloading residents' photos from the emulator). */
export interface MediaFetches {
  requests: number;
  /** Answers by HTTP status, and failures without an answer by error code. */
  statuses: Record<string, number>;
  errors: Record<string, number>;
  /** From the request's start to its response headers (ms). */
  maxMs: number;
}

/**
 * Counts this thread's HTTP client requests to `pathPart` through node:diagnostics_channel,
 * without touching the code that makes them, until the returned stop() is called.
 */
export function watchFetches(pathPart: string): () => MediaFetches {
  const started = new WeakMap<ClientRequest, number>();
  const out: MediaFetches = { requests: 0, statuses: {}, errors: {}, maxMs: 0 };
  const onStart = (msg: unknown) => {
    const { request } = msg as { request: ClientRequest };
    if (!request.path.includes(pathPart)) return;
    out.requests++;
    started.set(request, performance.now());
  };
  const onResponse = (msg: unknown) => {
    const { request, response } = msg as { request: ClientRequest; response: IncomingMessage };
    const t0 = started.get(request);
    if (t0 === undefined) return;
    started.delete(request);
    out.maxMs = Math.max(out.maxMs, performance.now() - t0);
    const key = String(response.statusCode ?? 0);
    out.statuses[key] = (out.statuses[key] ?? 0) + 1;
  };
  const onError = (msg: unknown) => {
    const { request, error } = msg as { request: ClientRequest; error: unknown };
    if (!started.has(request)) return;
    started.delete(request);
    const code = (error as { code?: unknown } | undefined)?.code;
    const key = typeof code === 'string' ? code : 'error';
    out.errors[key] = (out.errors[key] ?? 0) + 1;
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  diagnostics.subscribe('http.client.response.finish', onResponse);
  diagnostics.subscribe('http.client.request.error', onError);
  return () => {
    diagnostics.unsubscribe('http.client.request.start', onStart);
    diagnostics.unsubscribe('http.client.response.finish', onResponse);
    diagnostics.unsubscribe('http.client.request.error', onError);
    return { ...out, maxMs: round(out.maxMs, 1) };
  };
}
