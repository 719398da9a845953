import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { verifyZaloSignature } from '../../src/zalo/signature.js';
import {
  createEmulator,
  createEmulatorServer,
  type Emulator,
  type EmulatorOptions,
} from '../../src/zalo/emulator/index.js';

interface ZaloReply<D = Record<string, unknown>> {
  error: number;
  message: string;
  data: D;
}
interface SendData {
  message_id: string;
  user_id: string;
  sent_time: string;
}
interface TokenReply {
  access_token: string;
  refresh_token: string;
  expires_in: string;
  error?: number;
}
interface StatsBody {
  sends: number;
  refreshes: number;
  refreshFailures: number;
  rejects: Record<string, number>;
  webhook: Record<string, number>;
}
interface MessageItem {
  messageId: string;
  sentTime: number;
  text?: string;
  buttons?: unknown[];
  attachment?: { type: string; url: string; name?: string; attachmentId?: string };
  raw: Record<string, unknown>;
}

/** Asymmetric matchers typed as unknown so they can sit inside expected objects. */
const anyString = expect.any(String) as unknown;
const matching = (re: RegExp) => expect.stringMatching(re) as unknown;

/** The parsed JSON body of a supertest response, typed by the caller. */
const json = <T>(res: { body: unknown }): T => res.body as T;

interface Received {
  headers: http.IncomingHttpHeaders;
  rawBody: Buffer;
  event: Record<string, unknown> & {
    event_name: string;
    timestamp?: string;
    message?: Record<string, unknown>;
  };
}

/** A tiny webhook receiver on port 0; `respond` picks the HTTP status per delivery. */
async function startReceiver(respond: (r: Received, index: number) => number = () => 200) {
  const received: Received[] = [];
  const app = express();
  app.post('/webhook', express.raw({ type: () => true }), (req, res) => {
    const rawBody = req.body as Buffer;
    const r: Received = {
      headers: req.headers,
      rawBody,
      event: JSON.parse(rawBody.toString('utf8')) as Received['event'],
    };
    received.push(r);
    res.status(respond(r, received.length - 1)).end();
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    ofUser: (name: string) =>
      received.filter((r) => !r.event.event_name.startsWith('oa_') && r.event.event_name === name),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const CREDS = {
  appId: EMULATOR_CREDENTIALS.appId,
  appSecret: EMULATOR_CREDENTIALS.appSecret,
  oaId: EMULATOR_CREDENTIALS.oaId,
  oaSecretKey: EMULATOR_CREDENTIALS.oaSecretKey,
  initialRefreshToken: EMULATOR_CREDENTIALS.refreshToken,
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(over: Partial<EmulatorOptions> = {}, respond?: (r: Received, i: number) => number) {
  const receiver = await startReceiver(respond);
  const clock = { now: Date.parse('2026-03-02T03:00:00Z') };
  const emu: Emulator = createEmulator({
    ...CREDS,
    webhookUrl: () => receiver.url,
    webhookRetryDelaysMs: [20, 40, 80],
    now: () => clock.now,
    ...over,
  });
  const app = express();
  app.use('/emulator', emu.router);
  cleanups.push(async () => {
    await emu.close();
    await receiver.close();
  });
  const api = request(app);
  const refresh = (refreshToken: string, secret: string = CREDS.appSecret) =>
    api
      .post('/emulator/oauth/v4/oa/access_token')
      .set('secret_key', secret)
      .type('form')
      .send({ refresh_token: refreshToken, app_id: CREDS.appId, grant_type: 'refresh_token' });
  const token = async () => {
    const current = emu.state.tokens.current().refreshToken!;
    const res = await refresh(current);
    return json<TokenReply>(res).access_token;
  };
  const residentSays = (userId: string, body: object) =>
    api.post(`/emulator/api/users/${userId}/messages?wait=1`).send(body).expect(200);
  const sendCs = (accessToken: string | undefined, body: object) => {
    const req = api.post('/emulator/openapi/v3.0/oa/message/cs');
    if (accessToken !== undefined) req.set('access_token', accessToken);
    return req.send(body);
  };
  return { emu, app, api, receiver, clock, refresh, token, residentSays, sendCs };
}

const text = (userId: string, t: string) => ({ recipient: { user_id: userId }, message: { text: t } });

describe('emulator OAuth', () => {
  it('rotates tokens on refresh and rejects reuse of a refresh token', async () => {
    const { api, refresh } = await setup();
    const first = json<TokenReply>(await refresh(CREDS.initialRefreshToken).expect(200));
    expect(Object.keys(first).sort()).toEqual(['access_token', 'expires_in', 'refresh_token']);
    expect(first.access_token.length).toBeGreaterThan(20);
    expect(first.refresh_token.length).toBeGreaterThan(20);
    expect(first.expires_in).toBe('90000');
    const reuse = json<TokenReply>(await refresh(CREDS.initialRefreshToken).expect(200));
    expect(reuse.error).toBeLessThan(0);
    expect(reuse.access_token).toBeUndefined();

    const second = json<TokenReply>(await refresh(first.refresh_token).expect(200));
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const wrongSecret = json<TokenReply>(await refresh(second.refresh_token, 'not-the-secret'));
    expect(wrongSecret.error).toBeLessThan(0);
    const unchanged = json<TokenReply>(await refresh(second.refresh_token).expect(200));
    expect(unchanged.access_token).toEqual(anyString);

    const stats = json<StatsBody>(await api.get('/emulator/api/stats').expect(200));
    expect(stats.refreshes).toBe(3);
    expect(stats.refreshFailures).toBe(2);
  });

  it('refuses a JSON body: the token endpoint takes form-urlencoded only', async () => {
    const { api } = await setup();
    const res = await api
      .post('/emulator/oauth/v4/oa/access_token')
      .set('secret_key', CREDS.appSecret)
      .send({ refresh_token: CREDS.initialRefreshToken, app_id: CREDS.appId, grant_type: 'refresh_token' })
      .expect(200);
    expect(json<TokenReply>(res).error).toBeLessThan(0);
  });
});

describe('emulator OAuth authorization code', () => {
  it('issues a single-use code on the permission page and checks the PKCE verifier', async () => {
    const { api } = await setup();
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const page = await api
      .get('/emulator/oauth/v4/oa/permission')
      .query({
        app_id: CREDS.appId,
        redirect_uri: 'https://motcua.example/zalo/callback',
        code_challenge: challenge,
        state: 's1',
      })
      .expect(200);
    const href = /href="([^"]+)"/.exec(page.text.replace(/&amp;/g, '&'))![1]!;
    const callback = new URL(href);
    expect(callback.searchParams.get('oa_id')).toBe(CREDS.oaId);
    expect(callback.searchParams.get('state')).toBe('s1');
    const exchange = (codeVerifier: string) =>
      api
        .post('/emulator/oauth/v4/oa/access_token')
        .set('secret_key', CREDS.appSecret)
        .type('form')
        .send({
          code: callback.searchParams.get('code')!,
          app_id: CREDS.appId,
          grant_type: 'authorization_code',
          code_verifier: codeVerifier,
        });
    expect(json<TokenReply>(await exchange('wrong-verifier')).error).toBeLessThan(0);
    expect(json<TokenReply>(await exchange(verifier)).expires_in).toBe('90000');
    expect(json<TokenReply>(await exchange(verifier)).error).toBeLessThan(0);
  });
});

describe('emulator Open API', () => {
  it('sends with a valid token and lists messages in order', async () => {
    const { api, token, residentSays, sendCs } = await setup();
    await residentSays('1001', { text: 'Cho tôi hỏi thủ tục đăng ký khai sinh' });
    const at = await token();

    const r1 = await sendCs(at, text('1001', 'Xin chào! Tôi là trợ lý của UBND xã.')).expect(200);
    expect(r1.headers['x-ratelimit-limit']).toBe('4000');
    expect(Number(r1.headers['x-ratelimit-remain'])).toBeLessThan(4000);
    const sent = json<ZaloReply<SendData>>(r1);
    expect(sent).toMatchObject({ error: 0, message: 'Success', data: { user_id: '1001' } });
    expect(sent.data.message_id).toMatch(/^[0-9a-f]{16,}$/);
    expect(sent.data.sent_time).toMatch(/^\d+$/);

    const buttons = [
      { title: 'Khai sinh', type: 'oa.query.show', payload: '#khaisinh' },
      { title: 'Cổng DVC', type: 'oa.open.url', payload: { url: 'https://dichvucong.gov.vn' } },
    ];
    await sendCs(at, {
      recipient: { user_id: '1001' },
      message: { text: 'Bạn cần gì?', attachment: { type: 'template', payload: { buttons } } },
    }).expect(200, /"error":0/);
    await sendCs(at, {
      recipient: { user_id: '1001' },
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'media',
            elements: [{ media_type: 'image', url: 'https://example.org/a.jpg' }],
          },
        },
      },
    }).expect(200, /"error":0/);

    const list = await api.get('/emulator/api/users/1001/messages').expect(200);
    const messages = json<{ messages: MessageItem[] }>(list).messages;
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatchObject({
      messageId: sent.data.message_id,
      text: 'Xin chào! Tôi là trợ lý của UBND xã.',
    });
    expect(messages[1]).toMatchObject({ text: 'Bạn cần gì?', buttons });
    expect(messages[2]).toMatchObject({ attachment: { type: 'image', url: 'https://example.org/a.jpg' } });
    expect(messages[1]!.raw).toMatchObject({ attachment: { type: 'template' } });
    expect(messages[0]!.sentTime <= messages[2]!.sentTime).toBe(true);
  });

  it('answers -216 for a missing or wrong token and -220 after expiry, all with HTTP 200', async () => {
    const { api, token, residentSays, sendCs } = await setup();
    await residentSays('1002', { text: 'Xin chào' });
    expect(json<ZaloReply>(await sendCs(undefined, text('1002', 'a')).expect(200))).toEqual({
      error: -216,
      message: 'Access token is invalid',
    });
    expect(json<ZaloReply>(await sendCs('made-up-token', text('1002', 'a')).expect(200)).error).toBe(-216);
    const at = await token();
    expect(json<ZaloReply>(await sendCs(at, text('1002', 'a'))).error).toBe(0);
    await api.post('/emulator/api/tokens/expire').send({}).expect(200, { expired: 1 });
    expect(json<ZaloReply>(await sendCs(at, text('1002', 'a')).expect(200)).error).toBe(-220);
    const stats = json<StatsBody>(await api.get('/emulator/api/stats').expect(200));
    expect(stats.rejects).toMatchObject({ '-216': 2, '-220': 1 });
    expect(stats.sends).toBe(1);
  });

  it('expires access tokens by the clock', async () => {
    const { clock, token, residentSays, sendCs } = await setup({ accessTokenTtlSeconds: 60 });
    await residentSays('1003', { text: 'Xin chào' });
    const at = await token();
    clock.now += 61_000;
    expect(json<ZaloReply>(await sendCs(at, text('1003', 'a'))).error).toBe(-220);
  });

  it('refuses -213 for a stranger and -230 outside the 7-day window', async () => {
    const { api, clock, token, residentSays, sendCs } = await setup();
    let at = await token();
    expect(json<ZaloReply>(await sendCs(at, text('9999', 'a')))).toMatchObject({ error: -213 });
    await api.post('/emulator/api/users').send({ userId: '7777', displayName: 'Trần Văn Bình' }).expect(201);
    expect(json<ZaloReply>(await sendCs(at, text('7777', 'a'))).error).toBe(-213);

    await residentSays('1004', { text: 'Tôi muốn hỏi' });
    clock.now += 8 * 24 * 3600 * 1000;
    at = await token();
    expect(json<ZaloReply>(await sendCs(at, text('1004', 'a')))).toEqual({
      error: -230,
      message: 'User has not interacted with the OA in the past 7 days',
    });
    await residentSays('1004', { text: 'Tôi quay lại' });
    expect(json<ZaloReply>(await sendCs(at, text('1004', 'a'))).error).toBe(0);
  });

  it('refuses text over 2000 characters (counted after NFC) and bad buttons', async () => {
    const { token, residentSays, sendCs } = await setup();
    await residentSays('1005', { text: 'Xin chào' });
    const at = await token();
    const tooLong = await sendCs(at, text('1005', 'a'.repeat(2001))).expect(200);
    expect(tooLong.body).toEqual({ error: -201, message: 'message.text is invalid!' });
    const decomposed = 'ệ'.normalize('NFD').repeat(2000);
    expect(json<ZaloReply>(await sendCs(at, text('1005', decomposed))).error).toBe(0);
    const six = Array.from({ length: 6 }, (_, i) => ({
      title: `Nút ${i}`,
      type: 'oa.query.show',
      payload: `#${i}`,
    }));
    const tooMany = await sendCs(at, {
      recipient: { user_id: '1005' },
      message: { text: 'Chọn', attachment: { type: 'template', payload: { buttons: six } } },
    });
    expect(json<ZaloReply>(tooMany).error).toBe(-201);
  });

  it('injects faults for the next N calls to a path', async () => {
    const { api, token, residentSays, sendCs } = await setup();
    await residentSays('1006', { text: 'Xin chào' });
    const at = await token();
    await api
      .post('/emulator/api/faults')
      .send({ path: '/v3.0/oa/message/cs', error: -32, count: 2 })
      .expect(201);
    expect(json<ZaloReply>(await sendCs(at, text('1006', 'a')))).toEqual({
      error: -32,
      message: 'Your application reached limit call api',
    });
    expect(json<ZaloReply>(await sendCs(at, text('1006', 'a'))).error).toBe(-32);
    expect(json<ZaloReply>(await sendCs(at, text('1006', 'a'))).error).toBe(0);

    await api.post('/emulator/api/faults').send({ path: '/v4/oa/access_token', error: -14014 }).expect(201);
    const refreshed = await api
      .post('/emulator/oauth/v4/oa/access_token')
      .set('secret_key', CREDS.appSecret)
      .type('form')
      .send({ refresh_token: 'whatever', app_id: CREDS.appId, grant_type: 'refresh_token' });
    expect(json<ZaloReply>(refreshed).error).toBe(-14014);
    const stats = await api.get('/emulator/api/stats');
    expect(json<StatsBody>(stats).rejects['-32']).toBe(2);
  });

  it('enforces the per-minute rate limit with -32', async () => {
    const { token, residentSays, sendCs } = await setup({ rateLimitPerMinute: 2 });
    await residentSays('1007', { text: 'Xin chào' });
    const at = await token();
    expect((await sendCs(at, text('1007', 'a'))).headers['x-ratelimit-remain'] as string).toBe('1');
    expect(json<ZaloReply>(await sendCs(at, text('1007', 'b'))).error).toBe(0);
    const third = await sendCs(at, text('1007', 'c')).expect(200);
    expect(json<ZaloReply>(third).error).toBe(-32);
    expect(third.headers['x-ratelimit-remain']).toBe('0');
  });

  it('uploads images and files, enforces size limits, and sends them', async () => {
    const { api, token, residentSays, sendCs } = await setup();
    await residentSays('1008', { text: 'Gửi tôi mẫu đơn' });
    const at = await token();
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64),
    ]);
    const img = await api
      .post('/emulator/openapi/v2.0/oa/upload/image')
      .set('access_token', at)
      .attach('file', png, { filename: 'so-do.png', contentType: 'image/png' })
      .expect(200);
    expect(img.body).toMatchObject({ error: 0, data: { attachment_id: anyString } });
    const big = await api
      .post('/emulator/openapi/v2.0/oa/upload/image')
      .set('access_token', at)
      .attach('file', Buffer.concat([png, Buffer.alloc(1024 * 1024)]), {
        filename: 'big.png',
        contentType: 'image/png',
      })
      .expect(200);
    expect(json<ZaloReply>(big).error).toBe(-210);
    const pdf = await api
      .post('/emulator/openapi/v2.0/oa/upload/file')
      .set('access_token', at)
      .attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), {
        filename: 'mau-don.pdf',
        contentType: 'application/pdf',
      })
      .expect(200);
    expect(pdf.body).toMatchObject({ error: 0, data: { token: anyString } });

    const attachmentId = json<ZaloReply<Record<string, string>>>(img).data.attachment_id as string;
    await sendCs(at, {
      recipient: { user_id: '1008' },
      message: {
        text: 'Sơ đồ',
        attachment: {
          type: 'template',
          payload: {
            template_type: 'media',
            elements: [{ media_type: 'image', attachment_id: attachmentId }],
          },
        },
      },
    }).expect(200, /"error":0/);
    await sendCs(at, {
      recipient: { user_id: '1008' },
      message: {
        attachment: {
          type: 'file',
          payload: { token: json<ZaloReply<Record<string, string>>>(pdf).data.token },
        },
      },
    }).expect(200, /"error":0/);
    const unknown = await sendCs(at, {
      recipient: { user_id: '1008' },
      message: { attachment: { type: 'file', payload: { token: 'nope' } } },
    });
    expect(json<ZaloReply>(unknown).error).toBe(-100);

    const list = await api.get('/emulator/api/users/1008/messages');
    const listed = json<{ messages: MessageItem[] }>(list).messages;
    expect(listed[0]!.attachment).toMatchObject({ type: 'image', attachmentId });
    expect(listed[1]!.attachment).toMatchObject({ type: 'file', name: 'mau-don.pdf' });
    const fileUrl = listed[1]!.attachment!.url;
    const media = await api.get(new URL(fileUrl).pathname).expect(200);
    expect(media.headers['content-type']).toBe('application/pdf');
  });

  it('serves user detail, follower list, tags and conversation history', async () => {
    const { api, token, residentSays, sendCs } = await setup();
    await api.post('/emulator/api/users/2001/follow').send({ displayName: 'Lê Thị Hoa' }).expect(202);
    await residentSays('2001', { text: 'Cảm ơn' });
    await residentSays('2002', { text: 'Chào' });
    const at = await token();
    await sendCs(at, text('2001', 'Không có gì ạ')).expect(200);

    const detail = await api
      .get('/emulator/openapi/v3.0/oa/user/detail')
      .query({ data: JSON.stringify({ user_id: '2001' }) })
      .set('access_token', at)
      .expect(200);
    expect(detail.body).toMatchObject({
      error: 0,
      data: {
        user_id: '2001',
        display_name: 'Lê Thị Hoa',
        user_is_follower: true,
        user_last_interaction_date: '02/03/2026',
      },
    });

    const tagged = await api
      .post('/emulator/openapi/v2.0/oa/tag/tagfollower')
      .set('access_token', at)
      .send({ user_id: '2001', tag_name: 'ho-so-khai-sinh' });
    expect(tagged.body).toEqual({ error: 0, message: 'Success' });
    const notFollower = await api
      .post('/emulator/openapi/v2.0/oa/tag/tagfollower')
      .set('access_token', at)
      .send({ user_id: '2002', tag_name: 'x' });
    expect(json<ZaloReply>(notFollower).error).toBe(-213);
    const tags = await api.get('/emulator/openapi/v2.0/oa/tag/gettagsofoa').set('access_token', at);
    expect(tags.body).toEqual({ error: 0, message: 'Success', data: ['ho-so-khai-sinh'] });

    const followers = await api
      .get('/emulator/openapi/v3.0/oa/user/getlist')
      .query({ data: JSON.stringify({ offset: 0, count: 50, is_follower: true }) })
      .set('access_token', at);
    expect(json<ZaloReply>(followers).data).toEqual({
      total: 1,
      count: 1,
      offset: 0,
      users: [{ user_id: '2001' }],
    });
    const tooMany = await api
      .get('/emulator/openapi/v3.0/oa/user/getlist')
      .query({ data: JSON.stringify({ offset: 0, count: 51 }) })
      .set('access_token', at);
    expect(json<ZaloReply>(tooMany).error).toBe(-201);

    const convo = await api
      .get('/emulator/openapi/v2.0/oa/conversation')
      .query({ data: JSON.stringify({ user_id: '2001', offset: 0, count: 10 }) })
      .set('access_token', at);
    const history = json<ZaloReply<Array<{ src: number; message: string }>>>(convo).data;
    expect(history.map((m) => [m.src, m.message])).toEqual([
      [0, 'Không có gì ạ'],
      [1, 'Cảm ơn'],
    ]);
  });
});

describe('emulator webhooks', () => {
  it('delivers signed user events in Zalo shapes and echoes OA sends', async () => {
    const { receiver, token, residentSays, sendCs, emu } = await setup();
    const sent = await residentSays('3001', { text: 'Cho tôi hỏi thủ tục đăng ký khai sinh' });
    expect(sent.body).toMatchObject({ eventName: 'user_send_text', status: 200, delivered: true });

    const first = receiver.received[0]!;
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    const check = verifyZaloSignature({
      header: first.headers['x-zevent-signature'] as string,
      rawBody: first.rawBody,
      timestamp: first.event.timestamp!,
      appId: CREDS.appId,
      oaSecretKey: CREDS.oaSecretKey,
    });
    expect(check).toEqual({ ok: true });
    expect(first.headers['x-zevent-signature']).toMatch(/^mac=[0-9a-f]{64}$/);
    expect(first.event).toEqual({
      app_id: CREDS.appId,
      user_id_by_app: matching(/^\d{19}$/),
      event_name: 'user_send_text',
      timestamp: String(Date.parse('2026-03-02T03:00:00Z')),
      sender: { id: '3001' },
      recipient: { id: CREDS.oaId },
      message: { msg_id: json<{ msgId: string }>(sent).msgId, text: 'Cho tôi hỏi thủ tục đăng ký khai sinh' },
    });
    const wrongKey = verifyZaloSignature({
      header: first.headers['x-zevent-signature'] as string,
      rawBody: first.rawBody,
      timestamp: first.event.timestamp!,
      appId: CREDS.appId,
      oaSecretKey: CREDS.appSecret,
    });
    expect(wrongKey.ok).toBe(false);

    await residentSays('3001', {
      attachment: { type: 'location', latitude: 10.7642473, longitude: 106.6564314 },
    });
    expect(receiver.received[1]!.event.message).toMatchObject({
      text: '',
      attachments: [
        { type: 'location', payload: { coordinates: { latitude: '10.7642473', longitude: '106.6564314' } } },
      ],
    });
    await residentSays('3001', { text: 'ảnh hiện trường', attachment: { type: 'image' } });
    const image = receiver.received[2]!.event;
    expect(image.event_name).toBe('user_send_image');
    expect(image.message).toMatchObject({
      attachments: [{ type: 'image', payload: { url: matching(/\/emulator\/media\/placeholder\.png$/) } }],
    });

    const at = await token();
    const reply = await sendCs(at, text('3001', 'Bạn cần mang giấy chứng sinh.'));
    await emu.webhooks.idle();
    const echo = receiver.received.find((r) => r.event.event_name === 'oa_send_text')!;
    expect(echo.event).toMatchObject({
      sender: { id: CREDS.oaId },
      recipient: { id: '3001' },
      message: {
        msg_id: json<ZaloReply<Record<string, string>>>(reply).data.message_id,
        text: 'Bạn cần mang giấy chứng sinh.',
      },
    });
  });

  it('retries on non-200 and keeps per-user order', async () => {
    let failuresLeft = 2;
    const { api, receiver, emu } = await setup({ echoes: false }, (r) =>
      r.event.message?.text === 'một' && failuresLeft-- > 0 ? 500 : 200,
    );
    await api.post('/emulator/api/users/4001/messages').send({ text: 'một' }).expect(202);
    await api.post('/emulator/api/users/4001/messages').send({ text: 'hai' }).expect(202);
    await api.post('/emulator/api/users/4002/messages').send({ text: 'người khác' }).expect(202);
    await emu.webhooks.idle();

    const forUser = receiver.received.filter((r) => (r.event.sender as { id: string }).id === '4001');
    expect(forUser.map((r) => r.event.message?.text)).toEqual(['một', 'một', 'một', 'hai']);
    expect(forUser.map((r) => r.headers.num_retry)).toEqual([undefined, '1', '2', undefined]);
    expect(new Set(forUser.slice(0, 3).map((r) => r.rawBody.toString()))).toHaveProperty('size', 1);
    const other = receiver.received.findIndex((r) => r.event.message?.text === 'người khác');
    expect(other).toBeLessThan(receiver.received.findIndex((r) => r.event.message?.text === 'hai'));

    const stats = await api.get('/emulator/api/stats');
    expect(json<StatsBody>(stats).webhook).toEqual({ ok: 3, failed: 2, retried: 2, givenUp: 0, pending: 0 });
  });

  it('gives up after the last retry, records it, and moves on', async () => {
    const { api, receiver, emu } = await setup({ echoes: false, webhookRetryDelaysMs: [5, 5] }, (r) =>
      r.event.message?.text === 'mất' ? 503 : 200,
    );
    await api.post('/emulator/api/users/5001/messages').send({ text: 'mất' }).expect(202);
    await api.post('/emulator/api/users/5001/messages').send({ text: 'còn' }).expect(202);
    await emu.webhooks.idle();
    expect(receiver.received.map((r) => r.event.message?.text)).toEqual(['mất', 'mất', 'mất', 'còn']);
    const deliveries = await api.get('/emulator/api/deliveries?userId=5001');
    const records = json<{ deliveries: Array<{ status: string; attempts: number }> }>(deliveries).deliveries;
    expect(records.map((d) => [d.status, d.attempts])).toEqual([
      ['given_up', 3],
      ['delivered', 1],
    ]);
    const stats = await api.get('/emulator/api/stats');
    expect(json<StatsBody>(stats).webhook).toMatchObject({ ok: 1, failed: 3, retried: 2, givenUp: 1 });
  });

  it('sends flat follow/unfollow events and user_submit_info only after a request', async () => {
    const { api, receiver, token, sendCs, emu } = await setup({ echoes: false });
    await api.post('/emulator/api/users/6001/follow?wait=1').send({}).expect(200);
    expect(receiver.received[0]!.event).toEqual({
      app_id: CREDS.appId,
      oa_id: CREDS.oaId,
      user_id_by_app: anyString,
      event_name: 'follow',
      source: 'oa_profile',
      timestamp: matching(/^\d+$/),
      follower: { id: '6001' },
    });
    await api.post('/emulator/api/users/6001/submit-info').send({ name: 'A' }).expect(409);

    const at = await token();
    const asked = await sendCs(at, {
      recipient: { user_id: '6001' },
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'request_user_info',
            elements: [
              {
                title: 'UBND xã',
                subtitle: 'Xin phép nhận thông tin',
                image_url: 'https://example.org/b.png',
              },
            ],
          },
        },
      },
    });
    expect(json<ZaloReply>(asked).error).toBe(0);
    await api
      .post('/emulator/api/users/6001/submit-info')
      .send({ name: 'Nguyễn Văn A', phone: '84912345678', city: 'Hà Nội' })
      .expect(202);
    await api.post('/emulator/api/users/6001/unfollow').send({}).expect(202);
    await emu.webhooks.idle();
    const names = receiver.received.map((r) => r.event.event_name);
    expect(names).toEqual(['follow', 'user_submit_info', 'unfollow']);
    expect(receiver.received[1]!.event.info).toEqual({
      name: 'Nguyễn Văn A',
      phone: '84912345678',
      city: 'Hà Nội',
    });
  });

  it('reports user_seen_message once for unseen OA messages', async () => {
    const { api, receiver, token, residentSays, sendCs, emu } = await setup({ echoes: false });
    await residentSays('6002', { text: 'Xin chào' });
    const at = await token();
    const a = await sendCs(at, text('6002', 'Một'));
    const b = await sendCs(at, text('6002', 'Hai'));
    const seen = await api.post('/emulator/api/users/6002/seen').send({}).expect(200);
    expect(json<{ seen: string[] }>(seen).seen).toEqual([
      json<ZaloReply<Record<string, string>>>(a).data.message_id,
      json<ZaloReply<Record<string, string>>>(b).data.message_id,
    ]);
    const again = await api.post('/emulator/api/users/6002/seen').send({});
    expect(json<{ eventSent: boolean }>(again).eventSent).toBe(false);
    await emu.webhooks.idle();
    expect(receiver.received.at(-1)!.event).toMatchObject({
      event_name: 'user_seen_message',
      sender: { id: CREDS.oaId },
      recipient: { id: '6002' },
      message: {
        msg_ids: [
          json<ZaloReply<Record<string, string>>>(a).data.message_id,
          json<ZaloReply<Record<string, string>>>(b).data.message_id,
        ],
      },
    });
  });
});

describe('emulator control API', () => {
  it('resets residents and counters but keeps the token chain unless asked', async () => {
    const { api, token, residentSays, sendCs } = await setup({ echoes: false });
    await residentSays('8001', { text: 'Xin chào' });
    const at = await token();
    await api.post('/emulator/api/reset').send({}).expect(200, { ok: true });
    expect(json<{ users: unknown[] }>(await api.get('/emulator/api/users')).users).toEqual([]);
    expect(json<ZaloReply>(await sendCs(at, text('8001', 'a'))).error).toBe(-213);
    expect(json<StatsBody>(await api.get('/emulator/api/stats')).rejects).toEqual({ '-213': 1 });
    await api.post('/emulator/api/reset').send({ tokens: true }).expect(200);
    expect(json<ZaloReply>(await sendCs(at, text('8001', 'a'))).error).toBe(-216);
  });

  it('seeds residents silently and rejects malformed resident messages', async () => {
    const { api, clock, receiver, emu } = await setup({ echoes: false });
    const created = await api
      .post('/emulator/api/users')
      .send({
        userId: '8002',
        displayName: 'Phạm Văn Cường',
        follower: true,
        lastInteractionAt: clock.now - 60_000,
      })
      .expect(201);
    expect(json<{ user: { follower: boolean; displayName: string } }>(created).user).toMatchObject({
      follower: true,
      displayName: 'Phạm Văn Cường',
    });
    await api.post('/emulator/api/users/8002/messages').send({}).expect(400);
    await api
      .post('/emulator/api/users/8002/messages')
      .send({ attachment: { type: 'hologram' } })
      .expect(400);
    await api.post('/emulator/api/users/bad%20id/messages').send({ text: 'x' }).expect(400);
    await emu.webhooks.idle();
    expect(receiver.received).toHaveLength(0);
  });

  it('works behind app-level body parsers', async () => {
    const receiver = await startReceiver();
    const emu = createEmulator({ ...CREDS, webhookUrl: receiver.url, echoes: false });
    cleanups.push(async () => {
      await emu.close();
      await receiver.close();
    });
    const app = express();
    app.use(express.json());
    app.use(express.urlencoded({ extended: false }));
    app.use('/emulator', emu.router);
    const api = request(app);
    await api.post('/emulator/api/users/8003/messages?wait=1').send({ text: 'Xin chào' }).expect(200);
    const tokens = await api
      .post('/emulator/oauth/v4/oa/access_token')
      .set('secret_key', CREDS.appSecret)
      .type('form')
      .send({ refresh_token: CREDS.initialRefreshToken, app_id: CREDS.appId, grant_type: 'refresh_token' });
    const at = json<TokenReply>(tokens).access_token;
    const sent = await api
      .post('/emulator/openapi/v3.0/oa/message/cs')
      .set('access_token', at)
      .send(text('8003', 'Chào bạn'));
    expect(json<ZaloReply>(sent).error).toBe(0);
  });
});

describe('emulator chat page and server', () => {
  it('serves a self-contained chat page marked as an emulator', async () => {
    const { api } = await setup();
    const page = await api.get('/emulator').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html; charset=utf-8/);
    expect(page.text).toContain('GIẢ LẬP ZALO');
    expect(page.text).toContain('fake credentials');
    expect(page.text).not.toMatch(/(src|href)=["']?(https?:)?\/\/|<script[^>]+src=|@import|\burl\(/);
  });

  it('runs standalone at /emulator and streams a resident’s conversation', async () => {
    const receiver = await startReceiver();
    const server = await createEmulatorServer({ ...CREDS, webhookUrl: receiver.url, port: 0 });
    cleanups.push(async () => {
      await server.close();
      await receiver.close();
    });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/emulator`);
    const chunks: string[] = [];
    const gotSnapshot = new Promise<void>((resolve, reject) => {
      http
        .get(`${server.url}/api/users/7001/stream`, (res) => {
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            chunks.push(c);
            if (chunks.join('').includes('Một câu hỏi')) resolve();
          });
        })
        .on('error', reject);
    });
    const sent = await fetch(`${server.url}/api/users/7001/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Một câu hỏi' }),
    });
    expect(sent.status).toBe(202);
    await gotSnapshot;
    expect(chunks.join('')).toContain('event: snapshot');
    await server.emulator.webhooks.idle();
    expect(receiver.received).toHaveLength(1);
  });
});
