import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { invalidParam, zaloError, ZaloErrorCode } from './errors.js';
import type { EventBuilder } from './event-builders.js';
import { createMessageRoutes } from './openapi-messages.js';
import {
  accessTokenMiddleware,
  faultMiddleware,
  rateLimitMiddleware,
  replyZalo,
} from './openapi-pipeline.js';
import { createUploadRoutes } from './openapi-uploads.js';
import { createUserRoutes } from './openapi-users.js';
import type { EmulatorState } from './state.js';
import type { WebhookSender } from './webhook-sender.js';

/** The OA Open API (mounted at `/openapi`): rate limit, faults, `access_token` check, then the routes. */
export function createOpenApiRouter(deps: {
  state: EmulatorState;
  events: EventBuilder;
  webhooks: WebhookSender;
  echoes: boolean;
  oaName: string;
  logger: Logger;
}): Router {
  const { state } = deps;
  const router = express.Router();
  router.use(rateLimitMiddleware(state));
  router.use(faultMiddleware(state));
  router.use(accessTokenMiddleware(state));
  router.use(createMessageRoutes(deps));
  router.use(createUploadRoutes(deps));
  router.use(createUserRoutes(deps));
  router.use((req, res) => {
    replyZalo(
      state,
      res,
      zaloError(ZaloErrorCode.NotSupported, `Not supported this api: ${req.method} ${req.path}`),
      404,
    );
  });
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const type = (err as { type?: unknown }).type;
    if (type === 'entity.too.large') return replyZalo(state, res, zaloError(ZaloErrorCode.ParamTooLarge));
    if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return replyZalo(state, res, invalidParam('body'));
    }
    deps.logger.error({ err }, 'emulator openapi handler failed');
    replyZalo(state, res, zaloError(-200, 'Internal error in the Zalo emulator'), 500);
  });
  return router;
}
