import type { NextFunction, Request, Response } from 'express';
import { zaloError, ZaloErrorCode, type ZaloErrorBody } from './errors.js';
import type { EmulatorState } from './state.js';

/** Sends a Zalo body (HTTP 200 unless told otherwise), counting non-zero errors as rejects. */
export function replyZalo(
  state: EmulatorState,
  res: Response,
  body: ZaloErrorBody | Record<string, unknown>,
  status = 200,
) {
  const code = (body as { error?: unknown }).error;
  if (typeof code === 'number' && code !== 0) state.recordReject(code);
  res.status(status).json(body);
}

/** Counts the call against the per-minute budget, sets the rate headers and answers -32 when over. */
export function rateLimitMiddleware(state: EmulatorState) {
  return (_req: Request, res: Response, next: NextFunction) => {
    state.counters.apiCalls++;
    const d = state.limiter.take();
    res.setHeader('X-RateLimit-Limit', String(d.limit));
    res.setHeader('X-RateLimit-Remain', String(d.remain));
    if (!d.allowed) return replyZalo(state, res, zaloError(ZaloErrorCode.RateLimited));
    next();
  };
}

/** Answers with a scripted fault when one is queued for this path. */
export function faultMiddleware(state: EmulatorState) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const fault = state.faults.take(req.path);
    if (!fault) return next();
    if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
    replyZalo(state, res, zaloError(fault.error, fault.message), fault.httpStatus);
  };
}

/** Checks the `access_token` header: -216 when missing or unknown, -220 when expired. */
export function accessTokenMiddleware(state: EmulatorState) {
  return (req: Request, res: Response, next: NextFunction) => {
    const check = state.tokens.checkAccess(req.get('access_token'));
    if (check === 'invalid') return replyZalo(state, res, zaloError(ZaloErrorCode.InvalidToken));
    if (check === 'expired') return replyZalo(state, res, zaloError(ZaloErrorCode.ExpiredToken));
    next();
  };
}
