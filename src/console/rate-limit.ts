import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';

/** How many failed sign-ins one address may make in a window. */
export interface LoginRateLimit {
  limit: number;
  windowMs: number;
}

/** 20 failed sign-ins per address per 15 minutes: an office behind one address still signs in. */
export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = { limit: 20, windowMs: 15 * 60_000 };

/**
 * Limits sign-in attempts per client address (the app trusts loopback proxies for it). Successful
 * sign-ins do not count; `onLimited` answers the refused request (429).
 */
export function loginRateLimiter(
  options: LoginRateLimit,
  onLimited: (req: Request, res: Response) => void,
): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    handler: (req, res) => onLimited(req, res),
  });
}
