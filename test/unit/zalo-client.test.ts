import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, MotcuaError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { freePort } from '../../src/redis/embedded.js';
import { createZaloClient, type TokenProvider } from '../../src/zalo/client.js';
import {
  decisionForCode,
  ZALO_ERROR_CODES,
  ZaloApiError,
  ZaloHttpError,
  type ZaloDecision,
} from '../../src/zalo/errors.js';
import {
  backoffDelay,
  isSafeToRetry,
  isSafeToRetryIdempotent,
  rapidRetryPolicy,
  threeRetriesInAMinute,
  withRetry,
} from '../../src/zalo/retry.js';

const API = 'https://openapi.zalo.me';
const TOKEN = 'oa-access-token-first-0001';
const FRESH = 'oa-access-token-fresh-0002';
const OK = { error: 0, message: 'Success' };

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

/** A token provider that hands out TOKEN until asked to refresh, then FRESH. */
function fakeTokens() {
  const rejected: string[] = [];
  const tokens: TokenProvider = {
    getAccessToken: () => Promise.resolve(rejected.length > 0 ? FRESH : TOKEN),
    refreshAfterRejection: (token) => {
      rejected.push(token);
      return Promise.resolve(FRESH);
    },
  };
  return { tokens, rejected };
}

function setup(opts: { apiBase?: string; timeoutMs?: number } = {}) {
  const { tokens, rejected } = fakeTokens();
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => lines.push(line) });
  const client = createZaloClient({
    apiBase: opts.apiBase ?? API,
    timeoutMs: opts.timeoutMs ?? 2000,
    tokens,
    logger,
  });
  return { client, rejected, lines };
}

function api(token = TOKEN) {
  return nock(API).matchHeader('access_token', token);
}

function sent(messageId = 'msg-0001') {
  return { ...OK, data: { message_id: messageId, user_id: 'user-1', sent_time: '1767225600000' } };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  );
}

/** A local HTTP server for failures nock cannot imitate faithfully. */
async function localServer(onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const server = http.createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('ZaloClient sends', () => {
  it('posts a text to /v3.0/oa/message/cs with the access_token header', async () => {
    const { client } = setup();
    const scope = api()
      .matchHeader('content-type', /^application\/json/)
      .post('/v3.0/oa/message/cs', { recipient: { user_id: 'user-1' }, message: { text: 'Xin chào' } })
      .reply(200, sent());
    const result = await client.sendText('user-1', 'Xin chào');
    expect(result).toEqual({ messageId: 'msg-0001', userId: 'user-1', sentTime: 1767225600000 });
    scope.done();
  });

  it('sends any message object as given, e.g. a quote reply', async () => {
    const { client } = setup();
    const message = { text: 'Đã nhận', quote_message_id: 'msg-quoted' };
    const scope = api()
      .post('/v3.0/oa/message/cs', { recipient: { user_id: 'user-1' }, message })
      .reply(200, { ...OK, data: { message_id: 'msg-0002' } });
    expect(await client.sendMessage('user-1', message)).toEqual({ messageId: 'msg-0002', userId: 'user-1' });
    scope.done();
  });

  it('sends an image by URL with a caption, and by attachment id', async () => {
    const { client } = setup();
    const media = (element: Record<string, string>) => ({
      attachment: { type: 'template', payload: { template_type: 'media', elements: [element] } },
    });
    const scope = api()
      .post('/v3.0/oa/message/cs', {
        recipient: { user_id: 'user-1' },
        message: {
          text: 'Lịch tiếp dân',
          ...media({ media_type: 'image', url: 'https://example.org/a.jpg' }),
        },
      })
      .reply(200, sent('msg-a'))
      .post('/v3.0/oa/message/cs', {
        recipient: { user_id: 'user-1' },
        message: media({ media_type: 'image', attachment_id: 'att-1' }),
      })
      .reply(200, sent('msg-b'));
    await client.sendImage('user-1', { url: 'https://example.org/a.jpg' }, 'Lịch tiếp dân');
    await client.sendImage('user-1', { attachmentId: 'att-1' });
    scope.done();
  });

  it('sends a file by its upload token', async () => {
    const { client } = setup();
    const scope = api()
      .post('/v3.0/oa/message/cs', {
        recipient: { user_id: 'user-1' },
        message: { attachment: { type: 'file', payload: { token: 'file-token-1' } } },
      })
      .reply(200, sent());
    await client.sendFile('user-1', 'file-token-1');
    scope.done();
  });

  it('sends text with buttons under it', async () => {
    const { client } = setup();
    const buttons = [
      { title: 'Hộ tịch', type: 'oa.query.show' as const, payload: '#ho-tich' },
      { title: 'Cổng DVC', type: 'oa.open.url' as const, payload: { url: 'https://dichvucong.gov.vn' } },
    ];
    const scope = api()
      .post('/v3.0/oa/message/cs', {
        recipient: { user_id: 'user-1' },
        message: { text: 'Chọn thủ tục', attachment: { type: 'template', payload: { buttons } } },
      })
      .reply(200, sent());
    await client.sendButtons('user-1', 'Chọn thủ tục', buttons);
    scope.done();
  });

  it('sends a request_user_info card', async () => {
    const { client } = setup();
    const element = {
      title: 'UBND xã',
      subtitle: 'Xin phép nhận thông tin',
      image_url: 'https://example.org/b.png',
    };
    const scope = api()
      .post('/v3.0/oa/message/cs', {
        recipient: { user_id: 'user-1' },
        message: {
          attachment: {
            type: 'template',
            payload: { template_type: 'request_user_info', elements: [element] },
          },
        },
      })
      .reply(200, sent());
    await client.sendRequestUserInfo('user-1', {
      title: element.title,
      subtitle: element.subtitle,
      imageUrl: element.image_url,
    });
    scope.done();
  });
});

describe('ZaloClient uploads', () => {
  function multipart(capture: string[]) {
    return (body: string) => {
      capture.push(body);
      return true;
    };
  }

  it('uploads an image as multipart field "file" and returns the attachment id', async () => {
    const { client } = setup();
    const bodies: string[] = [];
    const scope = api()
      .matchHeader('content-type', /^multipart\/form-data; boundary=/)
      .post('/v2.0/oa/upload/image', multipart(bodies))
      .reply(200, { ...OK, data: { attachment_id: 'att-9' } });
    const id = await client.uploadImage(Buffer.from('fake-png-bytes'), 'giay-hen.png', 'image/png');
    expect(id).toBe('att-9');
    expect(bodies[0]).toContain('Content-Disposition: form-data; name="file"; filename="giay-hen.png"');
    expect(bodies[0]).toContain('Content-Type: image/png');
    expect(bodies[0]).toContain('fake-png-bytes');
    scope.done();
  });

  it('uploads a file and returns its token', async () => {
    const { client } = setup();
    const bodies: string[] = [];
    const scope = api()
      .post('/v2.0/oa/upload/file', multipart(bodies))
      .reply(200, { ...OK, data: { token: 'file-token-9' } });
    expect(await client.uploadFile(Buffer.from('%PDF-1.4'), 'mau-don.pdf', 'application/pdf')).toBe(
      'file-token-9',
    );
    expect(bodies[0]).toContain('name="file"; filename="mau-don.pdf"');
    expect(bodies[0]).toContain('Content-Type: application/pdf');
    scope.done();
  });

  it('treats an upload answer without the id as an unknown outcome', async () => {
    const { client } = setup();
    api()
      .post('/v2.0/oa/upload/image')
      .reply(200, { ...OK, data: {} });
    const err = await failure(client.uploadImage(Buffer.from('x'), 'a.png', 'image/png'));
    expect(err).toBeInstanceOf(ZaloHttpError);
    expect((err as ZaloHttpError).path).toBe('/v2.0/oa/upload/image');
  });
});

describe('ZaloClient reads and tags', () => {
  it('gets user detail with the query in one URL-encoded `data` JSON parameter', async () => {
    const { client } = setup();
    const paths: string[] = [];
    const detail = { user_id: 'user-1', display_name: 'Nguyễn Văn A', user_is_follower: true };
    const scope = api()
      .get('/v3.0/oa/user/detail')
      .query({ data: JSON.stringify({ user_id: 'user-1' }) })
      .reply(function () {
        paths.push(this.req.path);
        return [200, { ...OK, data: detail }];
      });
    expect(await client.getUserDetail('user-1')).toEqual(detail);
    expect(paths[0]).toBe(`/v3.0/oa/user/detail?data=${encodeURIComponent('{"user_id":"user-1"}')}`);
    scope.done();
  });

  it('lists followers, with and without a tag', async () => {
    const { client } = setup();
    const page = { total: 1, count: 1, offset: 0, users: [{ user_id: 'user-1' }] };
    const scope = api()
      .get('/v3.0/oa/user/getlist')
      .query({ data: JSON.stringify({ offset: 0, count: 50, tag_name: 'xa-an-binh' }) })
      .reply(200, { ...OK, data: page })
      .get('/v3.0/oa/user/getlist')
      .query({ data: JSON.stringify({ offset: 50, count: 50 }) })
      .reply(200, { ...OK, data: { ...page, offset: 50, users: [] } });
    expect(await client.getFollowers({ offset: 0, count: 50, tagName: 'xa-an-binh' })).toEqual(page);
    expect((await client.getFollowers({ offset: 50, count: 50 })).users).toEqual([]);
    scope.done();
  });

  it('lists only followers when asked', async () => {
    const { client } = setup();
    const page = { total: 1, count: 1, offset: 0, users: [{ user_id: 'user-1' }] };
    const scope = api()
      .get('/v3.0/oa/user/getlist')
      .query({ data: JSON.stringify({ offset: 0, count: 50, tag_name: 'thon-3', is_follower: true }) })
      .reply(200, { ...OK, data: page });
    expect(await client.getFollowers({ offset: 0, count: 50, tagName: 'thon-3', isFollower: true })).toEqual(
      page,
    );
    scope.done();
  });

  it('tags and untags a follower', async () => {
    const { client } = setup();
    const body = { user_id: 'user-1', tag_name: 'xa-an-binh' };
    const scope = api()
      .post('/v2.0/oa/tag/tagfollower', body)
      .reply(200, { ...OK })
      .post('/v2.0/oa/tag/rmfollowerfromtag', body)
      .reply(200, { ...OK });
    await expect(client.tagFollower('user-1', 'xa-an-binh')).resolves.toBeUndefined();
    await expect(client.untagFollower('user-1', 'xa-an-binh')).resolves.toBeUndefined();
    scope.done();
  });

  it('reads a conversation page', async () => {
    const { client } = setup();
    const item = {
      src: 1,
      time: 1767225600000,
      type: 'text',
      message: 'Cho hỏi thủ tục',
      message_id: 'msg-7',
      from_id: 'user-1',
      to_id: 'oa-1',
    };
    const scope = api()
      .get('/v2.0/oa/conversation')
      .query({ data: JSON.stringify({ user_id: 'user-1', offset: 0, count: 10 }) })
      .reply(200, { ...OK, data: [item] });
    expect(await client.getConversation('user-1', 0, 10)).toEqual([item]);
    scope.done();
  });
});

describe('ZaloClient errors', () => {
  it('maps error != 0 on HTTP 200 to ZaloApiError with its decision', async () => {
    const { client } = setup();
    api()
      .post('/v3.0/oa/message/cs')
      .reply(200, { error: -230, message: 'User has not interacted with the OA in the past 7 days' });
    const err = await failure(client.sendText('user-1', 'Nhắc lịch hẹn'));
    expect(err).toBeInstanceOf(ZaloApiError);
    expect(err).toMatchObject({
      code: -230,
      zaloMessage: 'User has not interacted with the OA in the past 7 days',
      path: '/v3.0/oa/message/cs',
      decision: 'give_up',
      reason: 'window_closed',
    });
  });

  it('maps -32 to rate_limited and an unknown code to give_up', async () => {
    const { client } = setup();
    api()
      .get('/v3.0/oa/user/detail')
      .query(true)
      .reply(200, { error: -32, message: 'Your application reached limit call api' })
      .get('/v3.0/oa/user/detail')
      .query(true)
      .reply(200, { error: -999, message: 'Something new' });
    expect(await failure(client.getUserDetail('user-1'))).toMatchObject({
      decision: 'rate_limited',
      code: -32,
    });
    expect(await failure(client.getUserDetail('user-1'))).toMatchObject({
      decision: 'give_up',
      reason: 'zalo_error_-999',
    });
  });

  it('refreshes an expired token exactly once and repeats the send with the new token', async () => {
    const { client, rejected } = setup();
    const scope = api(TOKEN)
      .post('/v3.0/oa/message/cs')
      .reply(200, { error: -216, message: 'Access token is invalid' });
    const retried = api(FRESH).post('/v3.0/oa/message/cs').reply(200, sent('msg-after-refresh'));
    const result = await client.sendText('user-1', 'Hồ sơ đã xong');
    expect(result.messageId).toBe('msg-after-refresh');
    expect(rejected).toEqual([TOKEN]);
    scope.done();
    retried.done();
  });

  it('gives up after one refresh when the new token is rejected too', async () => {
    const { client, rejected } = setup();
    api(TOKEN)
      .post('/v3.0/oa/message/cs')
      .reply(200, { error: -220, message: 'access_token is expired or removed' });
    api(FRESH).post('/v3.0/oa/message/cs').reply(200, { error: -216, message: 'Access token is invalid' });
    const err = await failure(client.sendText('user-1', 'x'));
    expect(err).toMatchObject({ code: -216, decision: 'refresh_token' });
    expect(rejected).toEqual([TOKEN]);
  });

  it('repeats an upload after a refresh with the same multipart body', async () => {
    const { client } = setup();
    const bodies: string[] = [];
    const capture = (body: string) => bodies.push(body) > 0;
    api(TOKEN)
      .post('/v2.0/oa/upload/image', capture)
      .reply(200, { error: -124, message: 'Access token invalid' });
    api(FRESH)
      .post('/v2.0/oa/upload/image', capture)
      .reply(200, { ...OK, data: { attachment_id: 'att-2' } });
    expect(await client.uploadImage(Buffer.from('png-bytes'), 'a.png', 'image/png')).toBe('att-2');
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toContain('png-bytes');
  });

  it('maps a 5xx to ZaloHttpError with an unknown outcome and a 4xx to not_sent', async () => {
    const { client } = setup();
    api()
      .post('/v3.0/oa/message/cs')
      .reply(502, 'Bad Gateway')
      .post('/v3.0/oa/message/cs')
      .reply(429, 'Too Many');
    expect(await failure(client.sendText('user-1', 'x'))).toMatchObject({ status: 502, outcome: 'unknown' });
    expect(await failure(client.sendText('user-1', 'x'))).toMatchObject({ status: 429, outcome: 'not_sent' });
  });

  it('treats a 200 that is not a Zalo envelope as an unknown outcome', async () => {
    const { client } = setup();
    api().post('/v3.0/oa/message/cs').reply(200, '<html>proxy</html>');
    const err = await failure(client.sendText('user-1', 'x'));
    expect(err).toBeInstanceOf(ZaloHttpError);
    expect(err).toMatchObject({ outcome: 'unknown', status: 200 });
  });

  it('reports a timeout as ZaloHttpError with outcome unknown, and does not repeat the send', async () => {
    const { client } = setup({ timeoutMs: 50 });
    const scope = api().post('/v3.0/oa/message/cs').delay(500).reply(200, sent());
    const err = await failure(client.sendText('user-1', 'x'));
    expect(err).toBeInstanceOf(ZaloHttpError);
    expect(err).toMatchObject({ outcome: 'unknown', decision: 'retry', path: '/v3.0/oa/message/cs' });
    expect((err as Error).message).toContain('timed out');
    scope.done();
  });

  it('reports a server that never answers as a timeout with outcome unknown', async () => {
    const server = await localServer(() => undefined);
    try {
      const { client } = setup({ apiBase: server.base, timeoutMs: 100 });
      expect(await failure(client.sendText('user-1', 'x'))).toMatchObject({ outcome: 'unknown' });
    } finally {
      await server.close();
    }
  });

  it('reports a connection reset after the request was written as outcome unknown', async () => {
    const server = await localServer((req) => req.on('end', () => req.socket.destroy()).resume());
    try {
      const { client } = setup({ apiBase: server.base });
      expect(await failure(client.sendText('user-1', 'x'))).toMatchObject({ outcome: 'unknown' });
    } finally {
      await server.close();
    }
  });

  it('reports connection refused as ZaloHttpError with outcome not_sent', async () => {
    const port = await freePort();
    const { client } = setup({ apiBase: `http://127.0.0.1:${port}` });
    const err = await failure(client.sendText('user-1', 'x'));
    expect(err).toBeInstanceOf(ZaloHttpError);
    expect(err).toMatchObject({ outcome: 'not_sent', networkCode: 'ECONNREFUSED' });
    expect(isSafeToRetry(err)).toBe(true);
  });

  it('keeps tokens out of errors and tokens and message text out of logs', async () => {
    const { client, lines } = setup({ timeoutMs: 50 });
    api(TOKEN).post('/v3.0/oa/message/cs').reply(200, { error: -216, message: 'Access token is invalid' });
    api(FRESH).post('/v3.0/oa/message/cs').delay(300).reply(200, sent());
    const err = await failure(client.sendText('user-1', 'Số CCCD 001099012345'));
    const serialised = `${String(err)} ${JSON.stringify(err)} ${(err as Error).stack ?? ''}`;
    expect(serialised).not.toContain(TOKEN);
    expect(serialised).not.toContain(FRESH);
    const log = lines.join('');
    expect(log).toContain('"path":"/v3.0/oa/message/cs"');
    expect(log).toContain('"code":-216');
    expect(log).toMatch(/"ms":\d+/);
    for (const secret of [TOKEN, FRESH, '001099012345']) expect(log).not.toContain(secret);
  });

  it('logs method, path, code and duration of a successful call', async () => {
    const { client, lines } = setup();
    api()
      .post('/v2.0/oa/tag/tagfollower')
      .reply(200, { ...OK });
    await client.tagFollower('user-1', 'xa-an-binh');
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({ method: 'POST', path: '/v2.0/oa/tag/tagfollower', code: 0 });
    expect(typeof entry.ms).toBe('number');
  });
});

/** Every code in the platform reference §2.7 table, with the decision we expect. */
const REFERENCE_CODES: Array<[number, ZaloDecision]> = [
  [-32, 'rate_limited'],
  [-100, 'retry'],
  [-200, 'give_up'],
  [-201, 'give_up'],
  [-204, 'give_up'],
  [-205, 'give_up'],
  [-209, 'give_up'],
  [-210, 'give_up'],
  [-211, 'give_up'],
  [-212, 'give_up'],
  [-213, 'give_up'],
  [-214, 'give_up'],
  [-216, 'refresh_token'],
  [-217, 'give_up'],
  [-218, 'give_up'],
  [-219, 'give_up'],
  [-220, 'refresh_token'],
  [-221, 'give_up'],
  [-223, 'give_up'],
  [-224, 'give_up'],
  [-227, 'give_up'],
  [-230, 'give_up'],
  [-232, 'give_up'],
  [-233, 'give_up'],
  [-234, 'give_up'],
  [-235, 'give_up'],
  [-237, 'give_up'],
  [-238, 'give_up'],
  [-240, 'give_up'],
  [-241, 'give_up'],
  [-242, 'give_up'],
  [-244, 'give_up'],
  [-248, 'give_up'],
  [-249, 'give_up'],
  [-320, 'give_up'],
  [-321, 'give_up'],
];

describe('Zalo error decision table', () => {
  it.each(REFERENCE_CODES)('maps %i to %s with a documented reason', (code, decision) => {
    const info = ZALO_ERROR_CODES[code];
    expect(info).toBeDefined();
    expect(info?.description).not.toBe('');
    expect(info?.reason).toMatch(/^[a-z0-9_]+$/);
    expect(decisionForCode(code)).toEqual({ decision, reason: info?.reason });
  });

  it('covers -124 as a token refresh as well', () => {
    expect(decisionForCode(-124).decision).toBe('refresh_token');
  });

  it('gives the window class stable reasons', () => {
    const reasons = Object.fromEntries(
      [-213, -217, -227, -230, -232, -234, -244].map((c) => [c, decisionForCode(c).reason]),
    );
    expect(reasons).toEqual({
      '-213': 'not_following',
      '-217': 'blocked',
      '-227': 'inactive_user',
      '-230': 'window_closed',
      '-232': 'window_closed',
      '-234': 'night_time',
      '-244': 'restricted',
    });
  });

  it('lists nothing beyond the reference table and -124', () => {
    const listed = Object.keys(ZALO_ERROR_CODES).map(Number).sort();
    const expected = [...REFERENCE_CODES.map(([c]) => c), -124].sort();
    expect(listed).toEqual(expected);
  });

  it('gives up on unknown codes with a reason that names the code', () => {
    expect(decisionForCode(-12345)).toEqual({ decision: 'give_up', reason: 'zalo_error_-12345' });
  });
});

describe('withRetry', () => {
  const notSent = () => new ZaloHttpError('/p', 'not_sent', 'failed in transit (ECONNREFUSED)');
  const unknown = () => new ZaloHttpError('/p', 'unknown', 'timed out');
  const rateLimited = () => new ZaloApiError(-32, 'Your OA reached limit call api', '/p');

  function flaky(errors: Error[]) {
    let calls = 0;
    const fn = (attempt: number) => {
      calls++;
      const err = errors[attempt - 1];
      return err ? Promise.reject(err) : Promise.resolve(`ok after ${attempt}`);
    };
    return { fn, calls: () => calls };
  }

  it('repeats not_sent failures and -32, then succeeds', async () => {
    const { fn, calls } = flaky([notSent(), rateLimited()]);
    await expect(withRetry(fn, rapidRetryPolicy)).resolves.toBe('ok after 3');
    expect(calls()).toBe(3);
  });

  it('does not repeat an unknown outcome by default, nor a give_up error', async () => {
    const first = flaky([unknown()]);
    await expect(withRetry(first.fn, rapidRetryPolicy)).rejects.toBeInstanceOf(ZaloHttpError);
    expect(first.calls()).toBe(1);
    const second = flaky([new ZaloApiError(-230, 'window', '/p')]);
    await expect(withRetry(second.fn, rapidRetryPolicy)).rejects.toMatchObject({ code: -230 });
    expect(second.calls()).toBe(1);
  });

  it('repeats unknown outcomes when the caller says the call is idempotent', async () => {
    const { fn } = flaky([unknown()]);
    await expect(withRetry(fn, rapidRetryPolicy, { shouldRetry: isSafeToRetryIdempotent })).resolves.toBe(
      'ok after 2',
    );
  });

  it('rethrows the last failure after maxRetries', async () => {
    const { fn, calls } = flaky([notSent(), notSent(), notSent(), notSent(), notSent()]);
    await expect(withRetry(fn, rapidRetryPolicy)).rejects.toBeInstanceOf(ZaloHttpError);
    expect(calls()).toBe(rapidRetryPolicy.maxRetries + 1);
  });

  it('treats a token refresh that was rate limited as retryable', () => {
    const err = new MotcuaError(ErrorCode.TokenRefreshFailed, 'refresh failed', { cause: rateLimited() });
    expect(isSafeToRetry(err)).toBe(true);
    expect(isSafeToRetry(new MotcuaError(ErrorCode.TokenRefreshFailed, 'refresh failed'))).toBe(false);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const { fn, calls } = flaky([notSent(), notSent()]);
    const policy = { ...threeRetriesInAMinute, jitter: 0 };
    const run = withRetry(fn, policy, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 10);
    await expect(run).rejects.toThrow('shutting down');
    expect(calls()).toBe(1);
  });

  it('backs off exponentially with jitter, within a minute for threeRetriesInAMinute', () => {
    const noJitter = { ...threeRetriesInAMinute, jitter: 0 };
    expect([1, 2, 3].map((n) => backoffDelay(noJitter, n))).toEqual([2000, 6000, 18_000]);
    const total = [1, 2, 3].reduce((sum, n) => sum + backoffDelay(threeRetriesInAMinute, n, () => 0), 0);
    expect(total).toBeLessThan(60_000);
    expect(backoffDelay(threeRetriesInAMinute, 1, () => 0.999)).toBeLessThan(2000);
  });
});
