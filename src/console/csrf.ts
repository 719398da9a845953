import { createHmac, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { CSRF_FIELD } from './views/forms.js';

/** The cookie holding the CSRF token (double submit). */
export const CSRF_COOKIE = 'motcua.csrf';
/** A random id for visitors who are not signed in yet, so the sign-in form is protected too. */
export const PRESESSION_COOKIE = 'motcua.pre';
/** The header scripts send the token in (the `csrf-token` meta tag gives it). */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** CSRF checks for the console. */
export interface ConsoleCsrf {
  /** The token for forms on this response; sets the token cookie when it is missing or stale. */
  token(req: Request, res: Response): string;
  /** True when the request is safe (GET, HEAD, OPTIONS) or carries a valid token. */
  check(req: Request): boolean;
}

/** What the CSRF checks need. */
export interface ConsoleCsrfOptions {
  /** The session secret(s); the CSRF key is derived from the first. */
  secrets: string[];
  cookiePath: string;
}

/**
 * Double-submit CSRF tokens (csrf-csrf) bound to the session id, or to a pre-session cookie before
 * sign-in. The token comes in the `_csrf` form field or the `X-CSRF-Token` header; multipart
 * uploads carry it in the `_csrf` query parameter.
 */
export function createConsoleCsrf(options: ConsoleCsrfOptions): ConsoleCsrf {
  const keys = options.secrets.map((s) =>
    createHmac('sha256', s).update('motcua console csrf').digest('hex'),
  );
  const cookies = (req: Request) => (req.cookies ?? {}) as Record<string, string | undefined>;
  const identity = (req: Request) =>
    typeof req.session?.userId === 'number'
      ? `s:${req.sessionID}`
      : `p:${cookies(req)[PRESESSION_COOKIE] ?? ''}`;
  const utils = doubleCsrf({
    getSecret: () => keys,
    getSessionIdentifier: identity,
    cookieName: CSRF_COOKIE,
    cookieOptions: { path: options.cookiePath, sameSite: 'lax', httpOnly: true, secure: false },
    getCsrfTokenFromRequest: (req) => {
      const header = req.get(CSRF_HEADER);
      if (header) return header;
      const body = req.body as Record<string, unknown> | undefined;
      const field = body?.[CSRF_FIELD];
      if (typeof field === 'string') return field;
      // A multipart body is read by its route, after this check, so an upload form carries the
      // token in its action's query string: the token is checked before any file is accepted.
      const query = (req.query ?? {}) as Record<string, unknown>;
      const inQuery = query[CSRF_FIELD];
      return req.is('multipart/form-data') && typeof inQuery === 'string' ? inQuery : undefined;
    },
  });
  return {
    token(req, res) {
      if (typeof req.session?.userId !== 'number' && !cookies(req)[PRESESSION_COOKIE]) {
        const nonce = randomBytes(18).toString('base64url');
        res.cookie(PRESESSION_COOKIE, nonce, {
          path: options.cookiePath,
          httpOnly: true,
          sameSite: 'lax',
          secure: req.secure,
        });
        req.cookies = { ...cookies(req), [PRESESSION_COOKIE]: nonce };
      }
      return utils.generateCsrfToken(req, res, { cookieOptions: { secure: req.secure } });
    },
    check(req) {
      if (SAFE_METHODS.has(req.method)) return true;
      try {
        return utils.validateRequest(req);
      } catch {
        return false;
      }
    },
  };
}

/** Middleware that runs `onRefused` for an unsafe request without a valid token. */
export function csrfGuard(
  csrf: ConsoleCsrf,
  onRefused: (req: Request, res: Response) => void,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    if (csrf.check(req)) return next();
    onRefused(req, res);
  };
}
