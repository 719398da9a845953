import type { Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type { Database } from '../db/connection.js';
import { officerActor, recordConsoleAudit } from './audit.js';
import { createConsoleCsrf, csrfGuard, type ConsoleCsrf } from './csrf.js';
import { localeOf } from './lang.js';
import type { ConsoleSessionStore } from './session-store.js';
import { mayWorkOn, type ConsoleAccounts, type ConsoleRole, type ConsoleUser } from './users.js';
import { messagePage } from './views/message.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'motcua.sid';

/** What the console's sign-in machinery needs. */
export interface ConsoleAuthDeps {
  db: Database;
  accounts: ConsoleAccounts;
  store: ConsoleSessionStore;
  /** Signs the session cookie; several for rotation (the first signs, all verify). */
  sessionSecret: string | string[];
  /** Where the console is mounted; the cookies' path and the sign-in redirect start here. */
  mountPath: string;
  /** A session unused this long ends (the cookie rolls forward on every request). */
  idleMs: number;
  /** A session ends this long after sign-in, used or not. */
  maxAgeMs: number;
  now: () => Date;
}

/** The console's session, user loading, CSRF and sign-in/out helpers. */
export interface ConsoleAuth {
  /** express-session over the database store, cookie `motcua.sid`. */
  session: RequestHandler;
  /** Puts the signed-in, still enabled account in `res.locals`; ends stale sessions. */
  loadUser: RequestHandler;
  /** Refuses POST/PUT/PATCH/DELETE without a valid CSRF token (403). */
  csrfProtect: RequestHandler;
  csrf: ConsoleCsrf;
  /** Starts a fresh session (new id) for `user`. */
  signIn(req: Request, user: ConsoleUser): Promise<void>;
  /** Ends the current session and clears its cookie. */
  logout(req: Request, res: Response): Promise<void>;
  /** Ends every session of the signed-in account, this one included; returns how many ended. */
  logoutEverywhere(req: Request, res: Response): Promise<number>;
}

type Locals = { consoleUser?: ConsoleUser; consoleBase?: string; csrfToken?: () => string };

/** The signed-in account of this request, if any. */
export function currentUser(res: Response): ConsoleUser | undefined {
  return (res.locals as Locals).consoleUser;
}

/** The signed-in account; throws when the route forgot `requireRole`. */
export function signedInUser(res: Response): ConsoleUser {
  const user = currentUser(res);
  if (!user) throw new Error('console route reached without a signed-in user');
  return user;
}

/** Where the console is mounted, as this request saw it. */
export function consoleBase(res: Response): string {
  return (res.locals as Locals).consoleBase ?? '/console';
}

/** The CSRF token for forms on this page (templates put it in a hidden `_csrf` field). */
export function csrfTokenFor(res: Response): string {
  const token = (res.locals as Locals).csrfToken;
  if (!token) throw new Error('console CSRF is not set up for this request');
  return token();
}

/** True when the caller is a script (fetch, XHR, JSON client) rather than a browser page. */
export function wantsJson(req: Request): boolean {
  if (req.xhr || req.get('sec-fetch-mode') === 'cors') return true;
  if (req.is('application/json')) return true;
  return req.accepts(['html', 'json']) === 'json';
}

/** Answers 401/403 (JSON for scripts, a page or a redirect to sign-in for browsers). */
export function refuse(
  req: Request,
  res: Response,
  status: 401 | 403,
  textKey: 'error.forbidden' | 'error.csrf' = 'error.forbidden',
): void {
  const base = consoleBase(res);
  if (wantsJson(req)) {
    res.status(status).json({ error: status === 401 ? 'sign in required' : 'forbidden' });
    return;
  }
  if (status === 401) {
    const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
    res.redirect(302, `${base}/login${next}`);
    return;
  }
  const locale = localeOf(res);
  res
    .status(403)
    .type('html')
    .send(messagePage(locale, base, '403', locale.t(textKey)));
}

/**
 * Lets the request through only for a signed-in account with one of `roles` (any role when none
 * are named): anonymous browsers go to the sign-in page, anonymous scripts get 401, others 403.
 */
export function requireRole(...roles: ConsoleRole[]): RequestHandler {
  return (req, res, next) => {
    const user = currentUser(res);
    if (!user) return refuse(req, res, 401);
    if (roles.length > 0 && !roles.includes(user.role)) return refuse(req, res, 403);
    next();
  };
}

/** Lets the request through only when the signed-in account may work on the OA (given or read from the request). */
export function requireOa(oaId: string | ((req: Request) => string | undefined)): RequestHandler {
  return (req, res, next) => {
    const user = currentUser(res);
    if (!user) return refuse(req, res, 401);
    const id = typeof oaId === 'string' ? oaId : oaId(req);
    if (!id || !mayWorkOn(user, id)) return refuse(req, res, 403);
    next();
  };
}

const call = (fn: (done: (err: unknown) => void) => unknown) =>
  new Promise<void>((resolve, reject) => {
    fn((err) => (err ? reject(err instanceof Error ? err : new Error('session store failed')) : resolve()));
  });

/** Builds the console's session and sign-in machinery. */
export function createConsoleAuth(deps: ConsoleAuthDeps): ConsoleAuth {
  const secrets = Array.isArray(deps.sessionSecret) ? deps.sessionSecret : [deps.sessionSecret];
  const cookiePath = deps.mountPath;
  const csrf = createConsoleCsrf({ secrets, cookiePath });
  const sessionMiddleware = session({
    name: SESSION_COOKIE,
    secret: secrets,
    store: deps.store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: { path: cookiePath, httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: deps.idleMs },
  });

  const clearCookie = (res: Response) => {
    res.clearCookie(SESSION_COOKIE, { path: cookiePath, httpOnly: true, sameSite: 'lax' });
  };

  const endSession = async (req: Request) => {
    if (req.session) await call((done) => req.session.destroy(done));
  };

  const loadUser: RequestHandler = async (req, res, next) => {
    const locals = res.locals as Locals;
    locals.consoleBase = req.baseUrl || deps.mountPath;
    locals.csrfToken = () => csrf.token(req, res);
    const id = req.session?.userId;
    if (typeof id === 'number') {
      const user = await deps.accounts.findById(id);
      const since = Date.parse(req.session.signedInAt ?? '');
      const tooOld = !Number.isFinite(since) || deps.now().getTime() - since > deps.maxAgeMs;
      if (user && !user.disabled && !tooOld) {
        locals.consoleUser = user;
      } else {
        await endSession(req);
        clearCookie(res);
      }
    }
    next();
  };

  return {
    session: sessionMiddleware,
    loadUser,
    csrfProtect: csrfGuard(csrf, (req, res) => refuse(req, res, 403, 'error.csrf')),
    csrf,
    async signIn(req, user) {
      await call((done) => req.session.regenerate(done));
      req.session.userId = user.id;
      req.session.signedInAt = deps.now().toISOString();
      await call((done) => req.session.save(done));
    },
    async logout(req, res) {
      const user = currentUser(res);
      await endSession(req);
      clearCookie(res);
      if (user) {
        await recordConsoleAudit(deps.db, {
          actor: officerActor(user.username),
          action: 'console.logout',
          userId: user.id,
        });
      }
    },
    async logoutEverywhere(req, res) {
      const user = signedInUser(res);
      const ended = await deps.store.destroyAllForUser(user.id);
      await endSession(req);
      clearCookie(res);
      await recordConsoleAudit(deps.db, {
        actor: officerActor(user.username),
        action: 'console.logout_everywhere',
        userId: user.id,
        details: { sessions: ended },
      });
      return ended;
    },
  };
}
