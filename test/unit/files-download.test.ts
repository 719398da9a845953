import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMediaDownloader, type MediaDownloaderOptions } from '../../src/dossiers/files/download.js';
import { ErrorCode, MotcuaError } from '../../src/errors.js';
import { png } from '../support/images.js';

const CDN = 'https://photo-stal.zdn.test';
const PATH = '/media/2026/12/abcdef.jpg';
const SECRET_QUERY = 'token=cdn-signature-must-not-leak-0001';
const URL_WITH_TOKEN = `${CDN}${PATH}?${SECRET_QUERY}`;

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

function setup(overrides: Partial<MediaDownloaderOptions> = {}) {
  const waits: number[] = [];
  const downloader = createMediaDownloader({
    maxBytes: 64 * 1024,
    timeoutMs: 2000,
    attempts: 3,
    retryDelayMs: 10,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    ...overrides,
  });
  return { downloader, waits };
}

function cdn() {
  return nock(CDN).get(PATH).query({ token: 'cdn-signature-must-not-leak-0001' });
}

async function failure(promise: Promise<unknown>): Promise<MotcuaError> {
  const err = await promise.then(
    () => {
      throw new Error('expected the download to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MotcuaError);
  return err as MotcuaError;
}

/** A local server streaming an endless body until the client hangs up, for what nock cannot show. */
async function endlessServer(chunkBytes: number) {
  const seen = { requests: 0, bytesSent: 0, hungUp: false };
  const chunk = Buffer.alloc(chunkBytes, 0x41);
  const server = http.createServer((_req, res) => {
    seen.requests += 1;
    res.writeHead(200, { 'Content-Type': 'image/jpeg' });
    res.on('close', () => {
      seen.hungUp = !res.writableFinished;
    });
    const pump = () => {
      if (res.destroyed) return;
      seen.bytesSent += chunk.length;
      if (res.write(chunk)) setImmediate(pump);
      else res.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/media/photo.jpg?${SECRET_QUERY}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('downloading resident media', () => {
  it('returns the bytes on the first success', async () => {
    const photo = png(400, 300);
    const scope = cdn().reply(200, photo, { 'Content-Type': 'image/png' });
    const { downloader, waits } = setup();
    const result = await downloader.download(URL_WITH_TOKEN);
    expect(result.attempts).toBe(1);
    expect(result.bytes.equals(photo)).toBe(true);
    expect(waits).toEqual([]);
    scope.done();
  });

  it('retries a 500 and succeeds on the second attempt', async () => {
    const photo = png(400, 300, 0x20);
    const scope = cdn().reply(500, 'upstream error').get(PATH).query(true).reply(200, photo);
    const { downloader, waits } = setup();
    const result = await downloader.download(URL_WITH_TOKEN);
    expect(result).toEqual({ bytes: photo, attempts: 2 });
    expect(waits).toEqual([10]);
    scope.done();
  });

  it('gives up after exactly the configured attempts on 410, naming only the host', async () => {
    const scope = cdn().times(4).reply(410, 'gone');
    const { downloader, waits } = setup({ attempts: 4 });
    const err = await failure(downloader.download(URL_WITH_TOKEN));
    expect(err.code).toBe(ErrorCode.MediaUnavailable);
    expect(err.message).toContain('4 attempts');
    expect(err.message).toContain('HTTP 410');
    expect(err.message).toContain('photo-stal.zdn.test');
    expect(err.message).not.toContain(PATH);
    expect(err.message).not.toContain('cdn-signature');
    expect(err.cause).toBeUndefined();
    expect(waits).toEqual([10, 20, 40]);
    scope.done();
  });

  it('retries 403, 404 and 429 as well', async () => {
    const photo = png(330, 330);
    const scope = cdn()
      .reply(403)
      .get(PATH)
      .query(true)
      .reply(404)
      .get(PATH)
      .query(true)
      .reply(429)
      .get(PATH)
      .query(true)
      .reply(200, photo);
    const { downloader } = setup({ attempts: 4 });
    expect((await downloader.download(URL_WITH_TOKEN)).attempts).toBe(4);
    scope.done();
  });

  it('does not retry other client errors', async () => {
    const scope = cdn().reply(400).get(PATH).query(true).reply(200, 'never fetched');
    const { downloader, waits } = setup();
    const err = await failure(downloader.download(URL_WITH_TOKEN));
    expect(err.code).toBe(ErrorCode.MediaUnavailable);
    expect(err.message).toMatch(/after 1 attempt; last: HTTP 400$/);
    expect(waits).toEqual([]);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('retries an answer that does not come within the timeout', async () => {
    const photo = png(500, 500);
    const scope = cdn().delay(1500).reply(200, photo).get(PATH).query(true).reply(200, photo);
    const { downloader } = setup({ timeoutMs: 100 });
    const started = Date.now();
    const result = await downloader.download(URL_WITH_TOKEN);
    expect(result.attempts).toBe(2);
    expect(result.bytes.equals(photo)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
    scope.done();
  });

  it('reports a timeout on the last attempt as the reason', async () => {
    const scope = cdn().times(2).delay(1000).reply(200, 'late');
    const { downloader } = setup({ timeoutMs: 50, attempts: 2 });
    const err = await failure(downloader.download(URL_WITH_TOKEN));
    expect(err.code).toBe(ErrorCode.MediaUnavailable);
    expect(err.message).toContain('last: timeout after 50 ms');
    scope.done();
  });

  it('retries a dropped connection', async () => {
    const scope = cdn()
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .get(PATH)
      .query(true)
      .reply(200, 'ok');
    const { downloader } = setup();
    expect(await downloader.download(URL_WITH_TOKEN)).toEqual({ bytes: Buffer.from('ok'), attempts: 2 });
    scope.done();
  });

  it('refuses a body without Content-Length that passes the limit, and does not retry', async () => {
    let requests = 0;
    const scope = cdn()
      .times(3)
      .reply(() => {
        requests += 1;
        return [200, Readable.from(Array.from({ length: 8 }, () => Buffer.alloc(16 * 1024, 0x41)))];
      });
    const { downloader, waits } = setup({ maxBytes: 64 * 1024 });
    const err = await failure(downloader.download(URL_WITH_TOKEN));
    expect(err.code).toBe(ErrorCode.MediaRefused);
    expect(err.message).toBe('too_large');
    expect(requests).toBe(1);
    expect(waits).toEqual([]);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('hangs up as soon as an endless body passes the limit', async () => {
    const server = await endlessServer(16 * 1024);
    try {
      const { downloader } = setup({ maxBytes: 256 * 1024 });
      const err = await failure(downloader.download(server.url));
      expect(err.message).toBe('too_large');
      await vi.waitFor(() => expect(server.seen.hungUp).toBe(true));
      expect(server.seen.requests).toBe(1);
      expect(server.seen.bytesSent).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await server.close();
    }
  });

  it('accepts a body of exactly the limit', async () => {
    const exact = Buffer.alloc(64 * 1024, 0x42);
    const scope = cdn().reply(200, () => Readable.from([exact.subarray(0, 1000), exact.subarray(1000)]));
    const { downloader } = setup({ maxBytes: exact.length });
    expect((await downloader.download(URL_WITH_TOKEN)).bytes.equals(exact)).toBe(true);
    scope.done();
  });

  it('refuses a declared Content-Length over the limit without retrying', async () => {
    let requests = 0;
    const scope = cdn()
      .times(2)
      .reply(() => {
        requests += 1;
        return [200, 'small', { 'Content-Length': String(64 * 1024 + 1) }];
      });
    const { downloader } = setup({ maxBytes: 64 * 1024 });
    const err = await failure(downloader.download(URL_WITH_TOKEN));
    expect(err.code).toBe(ErrorCode.MediaRefused);
    expect(err.message).toBe('too_large');
    expect(requests).toBe(1);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('refuses URLs that are not http or https without a request', async () => {
    const { downloader } = setup();
    for (const url of [
      'ftp://photo-stal.zdn.test/a.jpg',
      'file:///etc/passwd',
      'data:image/png;base64,iVBORw0KGgo=',
      'javascript:alert(1)',
      '/media/relative.jpg',
      '',
    ]) {
      const err = await failure(downloader.download(url));
      expect(err.code, url).toBe(ErrorCode.MediaRefused);
      expect(err.message).toBe('not_http');
    }
  });

  it('fetches plain http too', async () => {
    const scope = nock('http://media.zdn.test').get('/a.png').reply(200, 'bytes');
    const { downloader } = setup();
    expect((await downloader.download('http://media.zdn.test/a.png')).bytes.toString()).toBe('bytes');
    scope.done();
  });
});
