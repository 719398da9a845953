import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { inboundEvents } from '../../src/db/schema.js';
import type { InboundJobData } from '../../src/queue/inbound.js';
import { allPartitions, inboundQueueName, QUEUE_PREFIX } from '../../src/queue/partitions.js';
import { parseZaloEvent } from '../../src/zalo/events.js';
import { startTestApp } from '../support/app.js';
import { openTestDatabase, startTestRedis } from '../support/services.js';
import { makeZaloEvent, signedDelivery, textEvent } from '../support/zalo-events.js';

type App = Awaited<ReturnType<typeof startTestApp>>;
let redis: Awaited<ReturnType<typeof startTestRedis>>;
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let app: App;
let queues: Queue<InboundJobData>[];

beforeAll(async () => {
  redis = await startTestRedis();
  db = await openTestDatabase();
  app = await startTestApp({ redisUrl: redis.url, db, roles: { serve: true, work: false } });
  const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
  conn.on('error', () => undefined);
  queues = allPartitions(8).map(
    (p) => new Queue(inboundQueueName(p), { connection: conn, prefix: QUEUE_PREFIX }),
  );
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await app?.cleanup();
  await db?.cleanup();
  await redis?.cleanup();
});

const post = (raw: string, headers: Record<string, string>) =>
  fetch(`${app.url}/webhooks/zalo`, { method: 'POST', body: raw, headers });

async function queuedJobCount() {
  const counts = await Promise.all(
    queues.map((q) => q.getJobCountByTypes('waiting', 'prioritized', 'active', 'delayed')),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function jobFor(raw: string) {
  const key = parseZaloEvent(Buffer.from(raw), 'emulator-oa-0001').dedupeKey;
  for (const q of queues) {
    const job = await q.getJob(key);
    if (job) return job;
  }
  return undefined;
}

describe('POST /webhooks/zalo', () => {
  it('answers 200 only after the event is durable in Redis', async () => {
    const { raw, headers } = signedDelivery(textEvent('u-durable', 'xin chào'));
    const res = await post(raw, headers);
    expect(res.status).toBe(200);
    const job = await jobFor(raw);
    expect(job?.data.event).toMatchObject({ kind: 'user_message', userId: 'u-durable', text: 'xin chào' });
  });

  it('keeps one job when Zalo delivers the same event three times', async () => {
    const { raw, headers } = signedDelivery(textEvent('u-dup', 'cho hỏi'));
    const before = await queuedJobCount();
    for (let i = 0; i < 3; i++) expect((await post(raw, headers)).status).toBe(200);
    expect(await queuedJobCount()).toBe(before + 1);
  });

  it.each([
    [
      'a forged signature',
      (raw: string, h: Record<string, string>) => ({
        raw,
        headers: { ...h, 'x-zevent-signature': `mac=${'0'.repeat(64)}` },
      }),
      401,
    ],
    [
      'a tampered body',
      (raw: string, h: Record<string, string>) => ({ raw: raw.replace('xin', 'xim'), headers: h }),
      401,
    ],
    [
      'a signature made with the wrong key',
      (raw: string) =>
        signedDelivery(JSON.parse(raw) as Record<string, unknown>, {
          appId: 'emulator-app-0001',
          oaSecretKey: 'guess',
        }),
      401,
    ],
    [
      'malformed JSON',
      (_raw: string, h: Record<string, string>) => ({ raw: '{"event_name": "user_send_text", ', headers: h }),
      400,
    ],
    ['an empty body', (_raw: string, h: Record<string, string>) => ({ raw: '', headers: h }), 400],
  ])('refuses %s and processes nothing', async (_label, mutate, status) => {
    const { raw, headers } = signedDelivery(textEvent('u-bad', 'xin chào'));
    const bad = mutate(raw, headers);
    const before = await queuedJobCount();
    const res = await post(bad.raw, bad.headers);
    expect(res.status).toBe(status);
    expect(await queuedJobCount()).toBe(before);
  });

  it('refuses an oversized body with 413 and processes nothing', async () => {
    const huge = textEvent('u-big', 'a'.repeat(300 * 1024));
    const { raw, headers } = signedDelivery(huge);
    const before = await queuedJobCount();
    const res = await post(raw, headers);
    expect(res.status).toBe(413);
    expect(await queuedJobCount()).toBe(before);
  });

  it('answers the Zalo console test delivery (unsigned) with 200 without processing it', async () => {
    const body = JSON.stringify(makeZaloEvent('user_send_text'));
    const before = await queuedJobCount();
    const res = await post(body, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, processed: false });
    expect(await queuedJobCount()).toBe(before);
  });

  it('keeps an unknown event with its raw body', async () => {
    const { raw, headers } = signedDelivery(
      makeZaloEvent('follow', { event_name: 'user_reacted_message', timestamp: String(Date.now()) }),
    );
    expect((await post(raw, headers)).status).toBe(200);
    const job = await jobFor(raw);
    expect(job?.data.event.kind).toBe('unknown');
    expect(job?.data.raw).toMatchObject({ event_name: 'user_reacted_message' });
  });

  it('serves health, readiness and metrics', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(await ready.json()).toMatchObject({ ok: true, checks: { database: 'ok', redis: 'ok' } });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/motcua_webhook_events_total\{event="user_send_text",outcome="accepted"\} \d+/);
    expect(metrics).toMatch(/motcua_webhook_events_total\{event="user_send_text",outcome="forged"\} \d+/);
    expect(metrics).toContain('motcua_queue_depth{queue="inbound"}');
  });

  it('answers 503 while Redis is down, so Zalo retries, and recovers after', async () => {
    const { raw, headers } = signedDelivery(textEvent('u-down', 'alo'));
    await redis.stop();
    const res = await post(raw, headers);
    expect(res.status).toBe(503);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    const { startEmbeddedRedis } = await import('../../src/redis/embedded.js');
    const again = await startEmbeddedRedis({ dir: redis.dir, port: redis.port });
    Object.assign(redis, { stop: again.stop, pid: again.pid });
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await post(raw, headers)).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect(await jobFor(raw)).toBeDefined();
    const rows = await db.db.select().from(inboundEvents);
    expect(rows).toHaveLength(0);
  });
});
