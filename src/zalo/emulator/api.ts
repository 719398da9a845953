import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { createStreamRegistry } from './api-stream.js';
import { presentEntry, presentOaEntry, presentUser } from './presenter.js';
import { newNumericId } from './ids.js';
import { ResidentInputError, type ResidentActions } from './resident-actions.js';
import { emulatorBase } from './request-helpers.js';
import type { EmulatorState, SubmittedInfo } from './state.js';
import type { DeliveryHandle, DeliveryRecord, WebhookSender } from './webhook-sender.js';

const USER_ID = /^[A-Za-z0-9_.:@-]{1,64}$/;

/** The emulator's JSON control API for tests, benchmarks and the chat page (mounted at `/api`). */
export interface EmulatorApi {
  router: Router;
  /** Ends open event streams. */
  close(): void;
}

/** Creates the control API over state, resident actions and the webhook sender. */
export function createEmulatorApi(deps: {
  state: EmulatorState;
  residents: ResidentActions;
  webhooks: WebhookSender;
  resetAll: (opts: { tokens: boolean }) => void;
  logger: Logger;
}): EmulatorApi {
  const { state, residents, webhooks } = deps;
  const router = express.Router();
  const streams = createStreamRegistry({ state });
  router.use(express.json({ limit: '16mb' }));

  const userIdOf = (req: Request, res: Response): string | undefined => {
    const id = String(req.params.userId ?? '');
    if (!USER_ID.test(id)) {
      res.status(400).json({ error: 'userId must be 1-64 characters of A-Z a-z 0-9 _ . : @ -' });
      return undefined;
    }
    return id;
  };
  const wantsWait = (req: Request) => {
    const wait = (req.query as Record<string, unknown>).wait;
    return typeof wait === 'string' && /^(1|true|yes)$/i.test(wait);
  };
  const waitFor = async (handle: DeliveryHandle | undefined) => {
    if (!handle) return {};
    const status = await handle.firstAnswer;
    return { status, delivered: status === 200 };
  };
  const body = (req: Request) =>
    req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};

  router.get('/users', (_req, res) => {
    res.json({ users: state.listUsers().map((u) => presentUser(u, state)) });
  });

  router.post('/users', (req, res) => {
    const b = body(req);
    const given = typeof b.userId === 'number' ? String(b.userId) : b.userId;
    if (given !== undefined && typeof given !== 'string')
      return void res.status(400).json({ error: 'userId must be a string' });
    const userId = given === undefined || given === '' ? newNumericId() : given;
    if (!USER_ID.test(userId)) return void res.status(400).json({ error: 'userId is invalid' });
    const existed = state.user(userId) !== undefined;
    const user = state.ensureUser(userId, typeof b.displayName === 'string' ? b.displayName : undefined);
    if (typeof b.follower === 'boolean') user.follower = b.follower;
    if (Array.isArray(b.tags)) {
      const tags = b.tags
        .filter((t): t is string => typeof t === 'string' && t.trim() !== '')
        .map((t) => t.trim());
      for (const t of tags) state.tags.add(t);
      user.tags = new Set(tags);
    }
    if (b.lastInteractionAt === null) delete user.lastInteractionAt;
    else if (typeof b.lastInteractionAt === 'number') user.lastInteractionAt = b.lastInteractionAt;
    if (b.lastMessageAt === null) delete user.lastMessageAt;
    else if (typeof b.lastMessageAt === 'number') user.lastMessageAt = b.lastMessageAt;
    state.userChanged(user);
    res.status(existed ? 200 : 201).json({ user: presentUser(user, state) });
  });

  // Many residents at once (large audiences for benchmarks): the same fields as POST /users,
  // `{"users": [{"userId", "follower", "lastInteractionAt", …}]}`; all checked before any is applied.
  router.post('/users/bulk', (req, res) => {
    const list = body(req).users;
    if (!Array.isArray(list) || list.length > 100_000)
      return void res.status(400).json({ error: 'users must be an array of at most 100000 residents' });
    const items = list.map((u) => (u && typeof u === 'object' ? (u as Record<string, unknown>) : {}));
    const bad = items.findIndex((u) => typeof u.userId !== 'string' || !USER_ID.test(u.userId));
    if (bad >= 0) return void res.status(400).json({ error: `users[${bad}].userId is invalid` });
    let created = 0;
    for (const u of items) {
      if (state.user(u.userId as string) === undefined) created++;
      const user = state.ensureUser(
        u.userId as string,
        typeof u.displayName === 'string' ? u.displayName : undefined,
      );
      if (typeof u.follower === 'boolean') user.follower = u.follower;
      if (typeof u.lastInteractionAt === 'number') user.lastInteractionAt = u.lastInteractionAt;
      if (typeof u.lastMessageAt === 'number') user.lastMessageAt = u.lastMessageAt;
      state.userChanged(user);
    }
    res.json({ created, updated: items.length - created });
  });

  router.get('/users/:userId', (req, res) => {
    const userId = userIdOf(req, res);
    if (userId === undefined) return;
    const user = state.user(userId);
    if (!user) return void res.status(404).json({ error: 'unknown resident' });
    res.json({ user: presentUser(user, state) });
  });

  router.get('/users/:userId/messages', (req, res) => {
    const userId = userIdOf(req, res);
    if (userId === undefined) return;
    const base = emulatorBase(res);
    const messages = state
      .conversation(userId)
      .filter((e) => e.direction === 'oa')
      .map((e) => presentOaEntry(e, state, base));
    res.json({ messages });
  });

  router.get('/users/:userId/conversation', (req, res) => {
    const userId = userIdOf(req, res);
    if (userId === undefined) return;
    const base = emulatorBase(res);
    const user = state.user(userId);
    res.json({
      user: user ? presentUser(user, state) : null,
      entries: state.conversation(userId).map((e) => presentEntry(e, state, base)),
    });
  });

  router.post('/users/:userId/messages', async (req, res) => {
    const userId = userIdOf(req, res);
    if (userId === undefined) return;
    const queued = residents.sendMessage(userId, body(req), emulatorBase(res));
    const reply = { msgId: queued.msgId, eventName: queued.eventName };
    if (!wantsWait(req)) return void res.status(202).json(reply);
    res.status(200).json({ ...reply, ...(await waitFor(queued.delivery)) });
  });

  const simple =
    (
      action: (userId: string, b: Record<string, unknown>) => DeliveryHandle | undefined,
      extra: (userId: string) => object,
    ) =>
    async (req: Request, res: Response) => {
      const userId = userIdOf(req, res);
      if (userId === undefined) return;
      const handle = action(userId, body(req));
      const reply = {
        eventSent: handle !== undefined,
        eventName: handle?.record.eventName ?? null,
        ...extra(userId),
      };
      if (!wantsWait(req)) return void res.status(handle ? 202 : 200).json(reply);
      res.status(200).json({ ...reply, ...(await waitFor(handle)) });
    };
  const followerOf = (userId: string) => ({ follower: state.user(userId)?.follower ?? false });
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

  router.post(
    '/users/:userId/follow',
    simple(
      (id, b) => residents.follow(id, { source: text(b.source), displayName: text(b.displayName) }),
      followerOf,
    ),
  );
  router.post(
    '/users/:userId/unfollow',
    simple((id) => residents.unfollow(id), followerOf),
  );
  router.post(
    '/users/:userId/chatnow',
    simple(
      (id, b) => residents.chatNow(id, text(b.displayName)),
      () => ({}),
    ),
  );
  router.post(
    '/users/:userId/submit-info',
    simple(
      (id, b) => residents.submitInfo(id, b as SubmittedInfo),
      () => ({}),
    ),
  );
  router.post('/users/:userId/seen', (req, res) => {
    const userId = userIdOf(req, res);
    if (userId === undefined) return;
    const ids = body(req).msgIds;
    const handle = residents.seen(userId, Array.isArray(ids) ? ids.map(String) : undefined);
    const seenIds = handle
      ? (JSON.parse(handle.record.body) as { message: { msg_ids: string[] } }).message.msg_ids
      : [];
    res.json({ eventSent: handle !== undefined, seen: seenIds });
  });

  router.get('/users/:userId/stream', (req, res) => {
    const userId = userIdOf(req, res);
    if (userId === undefined) return;
    streams.handle(req, res, userId);
  });

  router.get('/stats', (_req, res) => {
    const c = state.counters;
    res.json({
      sends: c.sends,
      uploads: c.uploads,
      apiCalls: c.apiCalls,
      refreshes: c.refreshes,
      refreshFailures: c.refreshFailures,
      codeGrants: c.codeGrants,
      webhook: webhooks.stats(),
      rejects: Object.fromEntries([...c.rejects].map(([code, n]) => [String(code), n])),
      users: state.users.size,
      rateLimitPerMinute: state.limiter.limit(),
    });
  });

  router.get('/deliveries', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const userId = typeof q.userId === 'string' ? q.userId : undefined;
    const list = webhooks.deliveries().filter((d) => !userId || d.userKey === userId);
    res.json({ deliveries: list.map(presentDelivery) });
  });

  router.get('/idle', async (_req, res) => {
    await webhooks.idle();
    res.json({ idle: true, webhook: webhooks.stats() });
  });

  router.get('/faults', (_req, res) => res.json({ faults: state.faults.list() }));
  router.delete('/faults', (_req, res) => {
    state.faults.clear();
    res.json({ faults: [] });
  });
  router.post('/faults', (req, res) => {
    const b = body(req);
    const int = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
    if (typeof b.path !== 'string' || b.path.trim() === '')
      return void res.status(400).json({ error: 'path is required' });
    if (!int(b.error) || b.error === 0)
      return void res.status(400).json({ error: 'error must be a non-zero integer' });
    if (b.count !== undefined && (!int(b.count) || (b.count as number) < 1)) {
      return void res.status(400).json({ error: 'count must be a positive integer' });
    }
    if (
      b.httpStatus !== undefined &&
      (!int(b.httpStatus) || (b.httpStatus as number) < 200 || (b.httpStatus as number) > 599)
    ) {
      return void res.status(400).json({ error: 'httpStatus must be 200-599' });
    }
    if (
      b.delayMs !== undefined &&
      (!int(b.delayMs) || (b.delayMs as number) < 0 || (b.delayMs as number) > 60_000)
    ) {
      return void res.status(400).json({ error: 'delayMs must be 0-60000' });
    }
    const fault = state.faults.add({
      path: b.path,
      error: b.error as number,
      message: typeof b.message === 'string' ? b.message : undefined,
      count: b.count as number | undefined,
      httpStatus: b.httpStatus as number | undefined,
      delayMs: b.delayMs as number | undefined,
    });
    res.status(201).json({ fault });
  });

  router.get('/tokens', (_req, res) => res.json(state.tokens.current()));
  router.post('/tokens/expire', (req, res) => {
    const token = body(req).token;
    res.json({ expired: state.tokens.expireAccess(typeof token === 'string' ? token : undefined) });
  });

  router.post('/rate-limit', (req, res) => {
    const n = body(req).perMinute;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      return void res.status(400).json({ error: 'perMinute must be a positive integer' });
    }
    state.limiter.setLimit(n);
    res.json({ perMinute: n });
  });

  router.post('/reset', (req, res) => {
    deps.resetAll({ tokens: body(req).tokens === true });
    res.json({ ok: true });
  });

  router.use((_req, res) => {
    res.status(404).json({ error: 'unknown emulator API route' });
  });
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof ResidentInputError) return void res.status(err.status).json({ error: err.message });
    const type = (err as { type?: unknown }).type;
    if (type === 'entity.parse.failed') return void res.status(400).json({ error: 'body is not valid JSON' });
    if (type === 'entity.too.large') return void res.status(413).json({ error: 'body is too large' });
    deps.logger.error({ err }, 'emulator API handler failed');
    res.status(500).json({ error: 'emulator API failed' });
  });

  return { router, close: () => streams.closeAll() };
}

function presentDelivery(d: DeliveryRecord) {
  return {
    id: d.id,
    userId: d.userKey,
    eventName: d.eventName,
    msgId: d.msgId ?? null,
    status: d.status,
    attempts: d.attempts,
    lastStatus: d.lastStatus ?? null,
    lastError: d.lastError ?? null,
    enqueuedAt: d.enqueuedAt,
    finishedAt: d.finishedAt ?? null,
    event: JSON.parse(d.body) as unknown,
  };
}
