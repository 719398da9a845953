import http from 'node:http';
import express from 'express';
import type { Worker } from 'bullmq';
import type { Config } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/connection.js';
import { ErrorCode, hasCode, MotcuaError } from './errors.js';
import { createHttpApp } from './http/app.js';
import { createTranslator } from './i18n.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { actsOnConversation, processInboundEvent } from './conversation/inbound.js';
import { createRepliesFirst } from './queue/replies-first.js';
import { createConversationContext } from './conversation/context.js';
import { createFlowStore } from './conversation/flows.js';
import {
  createCatalogueStore,
  defaultFlowsDir,
  type CatalogueStore,
  type Problem,
} from './catalogue/index.js';
import { createInboundProducer, createInboundWorkers, type InboundProducer } from './queue/inbound.js';
import { createOutboundProducer, createOutboundWorkers, type OutboundProducer } from './queue/outbound.js';
import { startOutboxRelay } from './queue/relay.js';
import { startVacuum } from './db/vacuum.js';
import { connectRedis, type RedisHandle } from './redis/connect.js';
import { createEmulator } from './zalo/emulator/index.js';
import { createZaloClient } from './zalo/client.js';
import { createTokenManager } from './zalo/tokens.js';
import { createRateBudget } from './zalo/rate-budget.js';
import { createReceiverFor } from './zalo/receiver.js';
import { createOwnSends } from './zalo/own-sends.js';
import { sendOutboxRow } from './zalo/sender.js';
import { findSentInHistory } from './zalo/history.js';
import type { RespondContext } from './conversation/respond.js';
import { createDossierServices, type DossierServices } from './dossiers/services.js';
import { sweepDueDates } from './dossiers/due.js';
import { purgeDue } from './dossiers/retention.js';
import { createStaffApi } from './http/staff-api.js';
import { createConsoleRouter } from './console/router.js';
import { createInboxRouter, ticketRatingMessage } from './console/inbox/router.js';
import { createDossierPagesRouter } from './console/dossiers/router.js';
import { createDashboardRouter } from './console/dashboard/router.js';
import { createAuditLogRouter } from './console/audit-log/router.js';
import { createBroadcastPagesRouter } from './console/broadcasts/router.js';
import { createLiveHub, publishActivity, publishEscalation } from './console/inbox/live.js';
import { createTicketFiles } from './handoff/attachments/files.js';
import { createSendTimeUpload } from './handoff/attachments/send-time.js';
import { createEscalationSweep, startEscalationTimer } from './handoff/escalation.js';
import { loadSessionSecret } from './console/secret.js';
import { subscriptionScope } from './broadcasts/chat-scope.js';
import { createFollowers, type Followers } from './broadcasts/followers.js';
import { createProcedureWatch } from './broadcasts/procedure-watch.js';
import { createSubscriptions } from './broadcasts/subscriptions.js';
import { createTopicStore, type TopicStore } from './broadcasts/topics-file.js';
import { createZaloAccess, type ZaloAccess } from './zalo/access.js';
import { createBroadcastServices } from './broadcasts/services.js';
import type { BroadcastServices } from './broadcasts/contract.js';
import { createBroadcastDispatcher } from './broadcasts/dispatcher.js';
import { broadcastMessage } from './broadcasts/message.js';
import { readBroadcastImage } from './broadcasts/images.js';
import { createRedisLock } from './redis/lock.js';

/** Which roles this process plays: `all` is both, the embedded default. */
export interface Roles {
  serve: boolean;
  work: boolean;
}

/** A running motcua process. */
export interface Runtime {
  config: Config;
  logger: Logger;
  db: DatabaseHandle;
  redis: RedisHandle;
  metrics: Metrics;
  /** The base URL the HTTP server listens on (serve role). */
  url?: string;
  /** Dossier services (desk, files, calendar, officer actions), shared by all roles. */
  dossiers: DossierServices;
  /** Broadcast services (compose, schedule, approve, control, report), shared by all roles. */
  broadcasts: BroadcastServices;
  /** Followers for staff: sync from Zalo, the list with tags, tags set by officers (mirrored to Zalo). */
  followers: Followers;
  /** Re-reads flows and the catalogue (work role); broken files are refused and their last good version kept. */
  reloadContent(): Promise<Problem[]>;
  /** Stops accepting, drains workers within the shutdown deadline, closes everything. */
  close(): Promise<void>;
}

/**
 * Starts motcua: Redis (embedded or REDIS_URL), the database with migrations,
 * then the HTTP server and/or the workers. Embedded PGlite and redis-server serve
 * one process, so `serve` and `work` alone need DATABASE_URL and REDIS_URL.
 */
export async function startRuntime(
  config: Config,
  roles: Roles,
  opts: {
    logger?: Logger;
    db?: DatabaseHandle;
    /** The clock that send rules and broadcasts read (quiet hours); the system clock by default. */
    now?: () => Date;
  } = {},
): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  if (!(roles.serve && roles.work) && (!config.redisUrl || !(config.databaseUrl || opts.db))) {
    throw new MotcuaError(
      ErrorCode.ConfigInvalid,
      'Invalid configuration:\n  - running `serve` or `work` alone needs both DATABASE_URL and REDIS_URL (the embedded defaults serve one process: use `all`)',
    );
  }
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const c of closers.reverse())
      await c().catch((err: unknown) => logger.error({ err: String(err) }, 'close failed'));
  };
  try {
    return await assemble(config, roles, logger, closers, closeAll, opts.db, opts.now);
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function assemble(
  config: Config,
  roles: Roles,
  logger: Logger,
  closers: Array<() => Promise<unknown>>,
  closeAll: () => Promise<void>,
  injectedDb?: DatabaseHandle,
  now?: () => Date,
): Promise<Runtime> {
  const redis = await connectRedis(config, logger);
  closers.push(() => redis.close());
  const db = injectedDb ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  if (!injectedDb) closers.push(() => db.close());
  await db.migrate();
  const partitions = config.queue.partitions;
  const inbound = createInboundProducer({ connection: redis.producer, partitions });
  closers.push(() => inbound.close());
  const outbound = createOutboundProducer({ connection: redis.worker, partitions });
  closers.push(() => outbound.close());
  const metrics = createMetrics(() => queueDepths(inbound, outbound));
  const content = await loadContent(config, logger);
  const dossierServices = await createDossierServices({
    config,
    db: db.db,
    logger,
    conversation: content.conversation,
    enqueue: (rows) => outbound.enqueue(rows),
  });
  const broadcastServices = createBroadcastServices({ db: db.db, store: dossierServices.store });
  // Zalo is reachable once the emulator's address is known (after the server starts).
  const followerZalo: { access?: ZaloAccess } = {};
  const followers = createFollowers({
    db: db.db,
    zalo: (oaId) => (oaId === config.zalo.oaId ? followerZalo.access : undefined),
    residentTags: (oaId) => new Set(content.topics.forOa(oaId).map((t) => t.tag)),
    logger: logger.child({ component: 'followers' }),
  });
  let accepting = true;
  let url: string | undefined;
  let server: http.Server | undefined;
  if (roles.serve) {
    const started = await startServer(config, logger, redis, db, inbound, metrics, () => accepting, {
      dossierServices,
      broadcastServices,
      followers,
      outbound,
      content,
    });
    server = started.server;
    url = started.url;
    closers.push(started.closeServerParts);
  }
  followerZalo.access = createZaloAccess({
    zalo: config.zalo.emulator && url ? emulatorEndpoints(config, url) : config.zalo,
    db: db.db,
    redis: redis.worker,
    logger: logger.child({ component: 'followers' }),
  });
  const workers: Worker[] = [];
  const procedureWatch = createProcedureWatch({
    db: db.db,
    oaIds: () => [config.zalo.oaId],
    procedures: (oaId) => content.catalogue.current().forOa(oaId).procedures,
    t: content.conversation(config.zalo.oaId).t('vi'),
    logger: logger.child({ component: 'procedure-watch' }),
  });
  // Work processes compare the catalogue with its last fingerprints after every load.
  const checkProcedures = async () => {
    if (!roles.work) return;
    await procedureWatch
      .check()
      .catch((err: unknown) => logger.error({ err: String(err) }, 'procedure change check failed'));
  };
  const reloadContent = async () => {
    const problems = await content.reload();
    await checkProcedures();
    return problems;
  };
  if (roles.work) {
    const zaloConfig = config.zalo.emulator && url ? emulatorEndpoints(config, url) : config.zalo;
    const started = await startWorkers(
      config,
      zaloConfig,
      logger,
      redis,
      db,
      outbound,
      metrics,
      content,
      dossierServices,
      now,
    );
    workers.push(...started.workers);
    closers.push(started.stop);
  }
  await checkProcedures();
  const close = async () => {
    const started = Date.now();
    const phase = (name: string) => logger.info({ ms: Date.now() - started }, `shutdown: ${name}`);
    accepting = false;
    // Workers drain first: in `all` mode they still reach the emulator through this server,
    // and webhooks accepted meanwhile are durable in Redis for the next start.
    await closeWorkers(workers, config.shutdownTimeoutMs - 7000, logger);
    phase('workers drained');
    await closeServer(server);
    phase('http server closed');
    await closeAll();
    phase('connections closed');
  };
  return {
    config,
    logger,
    db,
    redis,
    metrics,
    url,
    dossiers: dossierServices,
    broadcasts: broadcastServices,
    followers,
    reloadContent,
    close,
  };
}

async function startServer(
  config: Config,
  logger: Logger,
  redis: RedisHandle,
  db: DatabaseHandle,
  inbound: InboundProducer,
  metrics: Metrics,
  isAccepting: () => boolean,
  parts: {
    dossierServices: DossierServices;
    broadcastServices: BroadcastServices;
    followers: Followers;
    outbound: OutboundProducer;
    content: Content;
  },
) {
  const { dossierServices } = parts;
  const live = await createLiveHub(redis.worker.duplicate(), logger);
  const residentT = (locale: 'vi' | 'en') => parts.content.conversation(config.zalo.oaId).t(locale);
  const pages = express.Router();
  pages.use(
    createInboxRouter({
      db: db.db,
      enqueue: (rows) => parts.outbound.enqueue(rows),
      live,
      publish: (oaId, userId) => publishActivity(redis.producer, oaId, userId),
      ratingMessage: (ticketId, locale) => ticketRatingMessage(residentT(locale), ticketId),
      timezone: config.timezone,
      capacity: config.dossiers.ticketCapacity,
      escalateMinutes: config.dossiers.ticketEscalateMinutes,
      officeClock: { shifts: config.dossiers.officeShifts, calendar: dossierServices.calendar },
      files: createTicketFiles({ db: db.db, store: dossierServices.store }),
    }),
  );
  pages.use(
    createDossierPagesRouter({
      db: db.db,
      services: dossierServices,
      publish: (oaId, userId) => publishActivity(redis.producer, oaId, userId),
    }),
  );
  pages.use(createDashboardRouter({ db: db.db, timezone: config.timezone }));
  pages.use(createAuditLogRouter({ db: db.db, timezone: config.timezone }));
  pages.use(
    createBroadcastPagesRouter({
      db: db.db,
      broadcasts: parts.broadcastServices,
      followers: parts.followers,
      topics: (oaId) => parts.content.topics.forOa(oaId).map((t) => t.tag),
      timezone: config.timezone,
      oaName: (oaId) =>
        subscriptionScope(parts.content.conversation(oaId), [], config.officeName).officeName(
          config.defaultLocale,
        ),
    }),
  );
  const consoleRouter = createConsoleRouter({
    db: db.db,
    logger: logger.child({ component: 'console' }),
    sessionSecret: config.consoleSessionSecret ?? (await loadSessionSecret(config.dataDir)),
    timezone: config.timezone,
    pages,
    live,
  });
  let selfUrl = `http://127.0.0.1:${config.port}`;
  const emulator = config.zalo.emulator
    ? createEmulator({
        appId: config.zalo.appId,
        appSecret: config.zalo.appSecret,
        oaId: config.zalo.oaId,
        oaSecretKey: config.zalo.oaSecretKey,
        initialRefreshToken: config.zalo.bootstrapRefreshToken ?? '',
        webhookUrl: () => `${selfUrl}/webhooks/zalo`,
        echoes: config.emulatorEchoes,
        ...(config.officeName ? { oaName: config.officeName } : {}),
        logger: logger.child({ component: 'emulator' }),
      })
    : undefined;
  const app = createHttpApp({
    webhook: createReceiverFor(
      config,
      (data) => inbound.enqueue(data),
      logger,
      metrics,
      createOwnSends(redis.producer),
    ),
    metrics,
    isAccepting,
    readiness: {
      database: () => db.ping(),
      redis: async () => {
        await redis.producer.ping();
      },
    },
    emulator: emulator?.router,
    console: consoleRouter,
    ...(config.staffApiToken
      ? {
          staff: createStaffApi({
            token: config.staffApiToken,
            oaId: config.zalo.oaId,
            services: dossierServices,
            logger: logger.child({ component: 'staff-api' }),
          }),
        }
      : {}),
  });
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  selfUrl = `http://127.0.0.1:${port}`;
  return {
    server,
    url: selfUrl,
    closeServerParts: async () => {
      await live.close();
      await (emulator?.close() ?? Promise.resolve());
    },
  };
}

function emulatorEndpoints(config: Config, url: string) {
  return { ...config.zalo, apiBase: `${url}/emulator/openapi`, oauthBase: `${url}/emulator/oauth` };
}

/** The longest a broadcast send waits for residents' work in this process to finish before going anyway. */
const BROADCAST_YIELD_MS = 100;

async function startWorkers(
  config: Config,
  zalo: Config['zalo'],
  logger: Logger,
  redis: RedisHandle,
  db: DatabaseHandle,
  outbound: OutboundProducer,
  metrics: Metrics,
  content: Content,
  dossierServices: DossierServices,
  now?: () => Date,
) {
  const tokens = createTokenManager({
    db: db.db,
    redis: redis.worker,
    oaId: zalo.oaId,
    appId: zalo.appId,
    appSecret: zalo.appSecret,
    oauthBase: zalo.oauthBase,
    bootstrap: { accessToken: zalo.bootstrapAccessToken, refreshToken: zalo.bootstrapRefreshToken },
    logger: logger.child({ component: 'tokens' }),
  });
  const client = createZaloClient({
    apiBase: zalo.apiBase,
    timeoutMs: zalo.timeoutMs,
    tokens,
    logger: logger.child({ component: 'zalo' }),
  });
  const budget = createRateBudget({ redis: redis.worker, appId: zalo.appId, perMinute: zalo.ratePerMinute });
  const inboundLog = logger.child({ component: 'inbound' });
  const ownSends = createOwnSends(redis.worker);
  const inboundDeps = {
    db: db.db,
    ownSends,
    outbound,
    defaultLocale: config.defaultLocale,
    logger: inboundLog,
    conversation: content.conversation,
    desk: dossierServices.desk,
    subscriptions: createSubscriptions({
      scope: (oaId) =>
        subscriptionScope(content.conversation(oaId), content.topics.forOa(oaId), config.officeName),
    }),
    onActivity: (oaId: string, userId: string) => publishActivity(redis.worker, oaId, userId),
  };
  const senderDeps = {
    db: db.db,
    zalo: client,
    budget,
    logger: logger.child({ component: 'sender' }),
    metrics,
    timezone: config.timezone,
    quietHours: config.quietHours,
    findSent: findSentInHistory(client),
    ownSends,
    // Officers' attachments are uploaded to Zalo at send time, so a held reply never carries an expired id.
    prepare: createSendTimeUpload({
      files: createTicketFiles({ db: db.db, store: dossierServices.store }),
      zalo: client,
    }),
    ...(now ? { now } : {}),
  };
  // Broadcast sends wait (briefly) while this process handles a resident's message or reply.
  const repliesFirst = createRepliesFirst();
  const inboundWorkers = await createInboundWorkers({
    connection: redis.worker,
    partitions: config.queue.partitions,
    lockMs: config.queue.lockMs,
    process: async (data) => {
      const end = actsOnConversation(data.event) ? repliesFirst.begin() : undefined;
      try {
        await processInboundEvent(inboundDeps, data);
      } finally {
        end?.();
      }
      metrics.processingSeconds.observe(
        { event: data.event.eventName },
        (Date.now() - data.receivedAt) / 1000,
      );
    },
    onFailed: (job, err) =>
      hasCode(err, ErrorCode.EchoAheadOfSend)
        ? inboundLog.debug({ jobId: job?.id }, 'echo waits for its send')
        : inboundLog.warn({ jobId: job?.id, err: err.message }, 'inbound job failed'),
  });
  const outboundWorkers = await createOutboundWorkers({
    connection: redis.worker,
    partitions: config.queue.partitions,
    lockMs: config.queue.lockMs,
    process: async (data, job, token) => {
      if (data.lane === 'broadcast') {
        await repliesFirst.whenIdle(BROADCAST_YIELD_MS);
        await sendOutboxRow(senderDeps, data, job, token);
        return;
      }
      const end = repliesFirst.begin();
      try {
        await sendOutboxRow(senderDeps, data, job, token);
      } finally {
        end();
      }
    },
    onFailed: (job, err) => senderDeps.logger.warn({ jobId: job?.id, err: err.message }, 'send job failed'),
  });
  const relay = startOutboxRelay({ db: db.db, outbound, logger: logger.child({ component: 'relay' }) });
  const vacuum = startVacuum({ handle: db, logger: logger.child({ component: 'vacuum' }) });
  const refresher = setInterval(() => {
    tokens.refreshIfDue().catch((err: unknown) => logger.error({ err: String(err) }, 'token refresh failed'));
  }, 60_000);
  refresher.unref();
  const sweeps = startDossierSweeps(dossierServices, logger.child({ component: 'sweeps' }));
  const escalation = startEscalationTimer(
    createEscalationSweep({
      db: db.db,
      clock: { shifts: config.dossiers.officeShifts, calendar: dossierServices.calendar },
      escalateMinutes: config.dossiers.ticketEscalateMinutes,
      now: now ?? (() => new Date()),
      notify: (ticket) => publishEscalation(redis.worker, ticket),
    }),
    logger.child({ component: 'escalation' }),
  );
  const dispatcher = createBroadcastDispatcher({
    db: db.db,
    logger: logger.child({ component: 'broadcasts' }),
    enqueue: (rows, opts) => outbound.enqueue(rows, opts),
    ratePerMinute: config.broadcastRatePerMinute,
    timezone: config.timezone,
    quietHours: config.quietHours,
    uploadImage: async (_oaId, imageFileId) => {
      const image = await readBroadcastImage(db.db, dossierServices.store, imageFileId);
      return client.uploadImage(
        image.data,
        `thong-bao.${image.mime === 'image/png' ? 'png' : 'jpg'}`,
        image.mime,
      );
    },
    messageFor: broadcastMessage,
    lock: createRedisLock(redis.worker, 'motcua:broadcast-dispatcher', 10_000),
    ...(now ? { now } : {}),
  }).start();
  return {
    workers: [...inboundWorkers, ...outboundWorkers],
    stop: async () => {
      await dispatcher.stop();
      clearInterval(refresher);
      await escalation.stop();
      await sweeps.stop();
      await relay.stop();
      await vacuum.stop();
    },
  };
}

/** Flows, catalogue and translations, and answering built on them; reloadable on SIGHUP. */
interface Content {
  conversation: (oaId: string) => RespondContext;
  catalogue: CatalogueStore;
  /** The topics residents can follow by chat. */
  topics: TopicStore;
  reload(): Promise<Problem[]>;
}

async function loadContent(config: Config, logger: Logger): Promise<Content> {
  const translator = await createTranslator(config.defaultLocale);
  const contentLog = logger.child({ component: 'flows' });
  const flowsDir = config.flowsDir ?? defaultFlowsDir();
  const catalogue = createCatalogueStore({ dir: flowsDir, logger: contentLog });
  await catalogue.reload();
  const topics = createTopicStore({ flowsDir, logger: contentLog });
  await topics.reload();
  const flows = await createFlowStore({
    dir: flowsDir,
    logger: contentLog,
    hasText: (k) => translator.has(k),
  });
  return {
    conversation: createConversationContext({
      catalogue,
      flows,
      translator,
      logger: logger.child({ component: 'inbound' }),
      ...(config.officeName ? { officeName: config.officeName } : {}),
      idleMs: config.conversationIdleMs,
      missesBeforeOfficer: config.missesBeforeOfficer,
    }),
    catalogue,
    topics,
    reload: async () => [
      ...(await catalogue.reload()),
      ...(await flows.reload()),
      ...(await topics.reload()),
    ],
  };
}

/**
 * Due-date reminders and apology drafts every 10 minutes, retention every hour. Every process with
 * the work role runs them; both sweeps are idempotent (claims and unique drafts), so two never
 * remind twice.
 */
function startDossierSweeps(services: DossierServices, logger: Logger) {
  let running: Promise<unknown> = Promise.resolve();
  const run = (name: string, job: () => Promise<unknown>) => {
    running = running
      .then(job)
      .catch((err: unknown) =>
        logger.error({ err: err instanceof Error ? err.message : String(err) }, `${name} failed`),
      );
  };
  const due = setInterval(() => run('due-date sweep', () => sweepDueDates(services.office)), 10 * 60_000);
  const purge = setInterval(
    () =>
      run('retention purge', () =>
        purgeDue({
          db: services.office.db,
          removeFile: (p) => services.store.remove(p),
          logger,
          ticketFileDays: services.office.retentionDays,
        }),
      ),
    60 * 60_000,
  );
  due.unref();
  purge.unref();
  run('due-date sweep', () => sweepDueDates(services.office));
  return {
    stop: async () => {
      clearInterval(due);
      clearInterval(purge);
      await running;
    },
  };
}

async function closeServer(server: http.Server | undefined) {
  if (!server) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), 5000);
  await closed;
  clearTimeout(timer);
}

async function closeWorkers(workers: Worker[], deadlineMs: number, logger: Logger) {
  if (workers.length === 0) return;
  const graceful = Promise.all(workers.map((w) => w.close()));
  const timedOut = await Promise.race([
    graceful.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), Math.max(1000, deadlineMs)).unref()),
  ]);
  if (timedOut) {
    logger.warn('workers did not drain in time; forcing close (their jobs return to the queue as stalled)');
    await Promise.all(workers.map((w) => w.close(true)));
  }
}

async function queueDepths(
  inbound: InboundProducer,
  outbound: OutboundProducer,
): Promise<Record<string, number>> {
  const count = async (queues: Array<Pick<InboundProducer['queues'][number], 'getJobCountByTypes'>>) => {
    const all = await Promise.all(
      queues.map((q) => q.getJobCountByTypes('waiting', 'delayed', 'prioritized')),
    );
    return all.reduce((a, b) => a + b, 0);
  };
  return { inbound: await count(inbound.queues), outbound: await count(outbound.queues) };
}
