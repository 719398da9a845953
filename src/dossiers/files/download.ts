import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import axios, { type AxiosInstance } from 'axios';
import { ErrorCode, MotcuaError } from '../../errors.js';

/**
 * Fetches a resident's photo or file from the short-lived URL Zalo gives, at
 * once and with a hard size cap. Failures name at most the URL's host: the
 * rest of a media URL can grant access to the document.
 */

/** Limits and collaborators of a {@link MediaDownloader}. */
export interface MediaDownloaderOptions {
  /** Bodies larger than this are refused without being kept. */
  maxBytes: number;
  /** Deadline for one attempt, from sending the request to the last byte. */
  timeoutMs: number;
  /** Attempts in total, including the first. */
  attempts: number;
  /** Wait before the second attempt; each later wait doubles. */
  retryDelayMs: number;
  http?: AxiosInstance;
  sleep?: (ms: number) => Promise<void>;
}

/** The downloaded bytes and how many attempts they took. */
export interface MediaDownload {
  bytes: Buffer;
  attempts: number;
}

/** Downloads media from Zalo URLs. */
export interface MediaDownloader {
  /** The body at `url` (http or https); throws MediaRefused ('too_large') or MediaUnavailable. */
  download(url: string): Promise<MediaDownload>;
}

/**
 * Statuses worth asking again: Zalo's CDN briefly answers 403, 404 or 410 for
 * media that appears moments later, besides the usual 408, 425, 429 and 5xx.
 */
const RETRIED_STATUSES = new Set([403, 404, 408, 410, 425, 429]);

type AttemptOutcome = { ok: true; bytes: Buffer } | { ok: false; retry: boolean; reason: string };

/** Builds a downloader; give `http` and `sleep` to control the network and the clock. */
export function createMediaDownloader(opts: MediaDownloaderOptions): MediaDownloader {
  const http = opts.http ?? axios.create();
  const sleep = opts.sleep ?? ((ms: number) => delay(ms));
  const attempts = Math.max(1, Math.floor(opts.attempts));
  return {
    async download(url) {
      const host = downloadableHost(url);
      let reason = 'not attempted';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const outcome = await attemptDownload(http, url, opts);
        if (outcome.ok) return { bytes: outcome.bytes, attempts: attempt };
        reason = outcome.reason;
        if (!outcome.retry) throw unavailable(host, attempt, reason);
        if (attempt < attempts) await sleep(opts.retryDelayMs * 2 ** (attempt - 1));
      }
      throw unavailable(host, attempts, reason);
    },
  };
}

/** The host of an http(s) URL; anything else is refused before a request is made. */
function downloadableHost(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MotcuaError(ErrorCode.MediaRefused, 'not_http');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new MotcuaError(ErrorCode.MediaRefused, 'not_http');
  }
  return parsed.host;
}

async function attemptDownload(
  http: AxiosInstance,
  url: string,
  opts: MediaDownloaderOptions,
): Promise<AttemptOutcome> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), opts.timeoutMs);
  try {
    const response = await http.request<Readable>({
      method: 'GET',
      url,
      responseType: 'stream',
      signal: deadline.signal,
      maxRedirects: 5,
      maxContentLength: -1,
      validateStatus: () => true,
    });
    const body = response.data;
    if (response.status < 200 || response.status >= 300) {
      body.destroy();
      const retry = RETRIED_STATUSES.has(response.status) || response.status >= 500;
      return { ok: false, retry, reason: `HTTP ${response.status}` };
    }
    if (Number(response.headers['content-length']) > opts.maxBytes) {
      body.destroy();
      throw tooLarge();
    }
    return { ok: true, bytes: await readAtMost(body, opts.maxBytes) };
  } catch (err) {
    if (err instanceof MotcuaError) throw err;
    const reason = deadline.signal.aborted ? `timeout after ${opts.timeoutMs} ms` : networkReason(err);
    return { ok: false, retry: true, reason };
  } finally {
    clearTimeout(timer);
  }
}

/** The whole body, or MediaRefused as soon as more than `maxBytes` arrived. */
async function readAtMost(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, received);
}

/** A failure named by its error code only (messages can repeat the URL). */
function networkReason(err: unknown): string {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? `network error ${code}` : 'network error';
}

function tooLarge(): MotcuaError {
  return new MotcuaError(ErrorCode.MediaRefused, 'too_large');
}

function unavailable(host: string, attempts: number, reason: string): MotcuaError {
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  return new MotcuaError(
    ErrorCode.MediaUnavailable,
    `media from ${host} could not be downloaded after ${tries}; last: ${reason}`,
  );
}
