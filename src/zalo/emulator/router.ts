import express, { type Router } from 'express';
import pino, { type Logger } from 'pino';
import { createEmulatorApi } from './api.js';
import { chatPageHandler } from './chat-page.js';
import { createEventBuilder } from './event-builders.js';
import { createMediaRouter } from './media.js';
import { createOAuthRouter } from './oauth.js';
import { createOpenApiRouter } from './openapi.js';
import { baseFromRequest } from './request-helpers.js';
import { createResidentActions, type ResidentActions } from './resident-actions.js';
import { createEmulatorState, type EmulatorState } from './state.js';
import { createWebhookSender, type WebhookSender } from './webhook-sender.js';

/** Everything the emulator needs: the (fake) app/OA credentials and where to deliver webhooks. */
export interface EmulatorOptions {
  appId: string;
  appSecret: string;
  oaId: string;
  oaSecretKey: string;
  /** The app's webhook URL, or a function read at each delivery (for apps listening on port 0). */
  webhookUrl: string | (() => string);
  /** Send `oa_send_*` echoes for every successful OA send (default true). */
  echoes?: boolean;
  /** Lifetime of issued access tokens (default 90000 s, Zalo's 25 h). */
  accessTokenTtlSeconds?: number;
  /** The refresh token the app starts with; valid once. */
  initialRefreshToken: string;
  /** Optional access token valid from the start. */
  initialAccessToken?: string;
  logger?: Logger;
  /** Clock in epoch ms (default Date.now). */
  now?: () => number;
  /** Open API requests allowed per minute before -32 (default 4000). */
  rateLimitPerMinute?: number;
  /** Delays between webhook attempts (default 0.5 s, 1 s, 2 s, 5 s, 10 s; then give up). */
  webhookRetryDelaysMs?: number[];
  /** How long to wait for the webhook's 200 (default 2000 ms). */
  webhookTimeoutMs?: number;
  /** Display name of the emulated OA. */
  oaName?: string;
}

/** A running emulator: mount `router` at `/emulator`. */
export interface Emulator {
  router: Router;
  state: EmulatorState;
  /** The signed-webhook sender (e.g. `await emulator.webhooks.idle()` in tests). */
  webhooks: WebhookSender;
  /** Make a resident act in-process (same as the `/api/users/...` endpoints). */
  residents: ResidentActions;
  /** Clears residents, messages, uploads, counters, faults and pending deliveries; tokens too when asked. */
  reset(opts?: { tokens?: boolean }): void;
  /** Cancels pending deliveries and ends open chat-page streams. */
  close(): Promise<void>;
}

/** Builds the Zalo emulator: OA Open API, OAuth, signed webhooks, test API and chat page. */
export function createEmulator(opts: EmulatorOptions): Emulator {
  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? pino({ level: 'silent' });
  const oaName = opts.oaName ?? 'UBND xã Mẫu';
  const webhookUrl =
    typeof opts.webhookUrl === 'function' ? opts.webhookUrl : () => opts.webhookUrl as string;
  const state = createEmulatorState({
    appId: opts.appId,
    oaId: opts.oaId,
    now,
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 90_000,
    initialRefreshToken: opts.initialRefreshToken,
    initialAccessToken: opts.initialAccessToken,
    rateLimitPerMinute: opts.rateLimitPerMinute ?? 4000,
  });
  const events = createEventBuilder({ appId: opts.appId, oaId: opts.oaId, now });
  const webhooks = createWebhookSender({
    url: webhookUrl,
    appId: opts.appId,
    oaSecretKey: opts.oaSecretKey,
    retryDelaysMs: opts.webhookRetryDelaysMs,
    timeoutMs: opts.webhookTimeoutMs,
    logger,
    now,
  });
  const residents = createResidentActions({ state, events, webhooks, logger });
  const reset = (r?: { tokens?: boolean }) => {
    webhooks.reset();
    state.reset({ tokens: r?.tokens === true });
  };
  const api = createEmulatorApi({ state, residents, webhooks, resetAll: reset, logger });

  const router = express.Router();
  router.use((req, res, next) => {
    res.locals.emulatorBase = baseFromRequest(req);
    next();
  });
  router.get('/', chatPageHandler({ oaName, oaId: opts.oaId, appId: opts.appId, webhookUrl }));
  router.use(
    '/openapi',
    createOpenApiRouter({ state, events, webhooks, echoes: opts.echoes ?? true, oaName, logger }),
  );
  router.use(
    '/oauth',
    createOAuthRouter({ state, appId: opts.appId, appSecret: opts.appSecret, oaId: opts.oaId, oaName }),
  );
  router.use('/api', api.router);
  router.use(createMediaRouter({ state, oaName }));

  return {
    router,
    state,
    webhooks,
    residents,
    reset,
    async close() {
      api.close();
      await webhooks.close();
    },
  };
}
