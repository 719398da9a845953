import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Database } from '../db/connection.js';
import { ErrorCode, MotcuaError } from '../errors.js';
import type { Logger } from '../log.js';
import { officerActor } from './audit.js';
import { errorSummary } from './error-summary.js';
import {
  consoleBase,
  createConsoleAuth,
  csrfTokenFor,
  currentUser,
  requireRole,
  signedInUser,
} from './auth.js';
import { consoleLanguage, localeOf } from './lang.js';
import { createPasswordHasher, type PasswordHasher } from './passwords.js';
import { DEFAULT_LOGIN_RATE_LIMIT, loginRateLimiter, type LoginRateLimit } from './rate-limit.js';
import { ConsoleSessionStore } from './session-store.js';
import {
  AccountError,
  createConsoleAccounts,
  type ConsoleRole,
  type LockoutPolicy,
  type NewConsoleUser,
} from './users.js';
import { homePage } from './views/home.js';
import type { LiveHub } from './inbox/live.js';
import { LIVE_SCRIPT } from './views/live-script.js';
import { loginPage } from './views/login.js';
import { messagePage } from './views/message.js';
import { usersPage, type NewUserDraft } from './views/users.js';

/** What the officer console needs; everything is passed in. */
export interface ConsoleRouterDeps {
  db: Database;
  logger: Logger;
  /** CONSOLE_SESSION_SECRET: at least 32 characters; several rotate (the first signs). */
  sessionSecret: string | string[];
  /** Where the router is mounted (cookie path, redirects); `/console` by default. */
  mountPath?: string;
  hasher?: PasswordHasher;
  lockout?: LockoutPolicy;
  loginRateLimit?: LoginRateLimit;
  /** A session unused this long ends; 8 hours by default. */
  sessionIdleMs?: number;
  /** A session ends this long after sign-in; 24 hours by default. */
  sessionMaxAgeMs?: number;
  /** How times are shown; Asia/Ho_Chi_Minh by default. */
  timezone?: string;
  /** Further console pages; they run after sign-in is loaded and CSRF is checked. */
  pages?: Router;
  /** Live notices (activity, escalations) for every signed-in page; without it pages get none. */
  live?: LiveHub;
  now?: () => Date;
}

const CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

/** A same-console path to return to after sign-in, or undefined when `raw` is anything else. */
function safeNext(base: string, raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 512) return undefined;
  if (!raw.startsWith(`${base}/`) && raw !== base) return undefined;
  if (raw.includes('//') || raw.includes('\\') || !/^[\x21-\x7e]+$/.test(raw)) return undefined;
  if (/^[^?]*\/(login|logout|logout-everywhere)(\?|$)/.test(raw)) return undefined;
  return raw;
}

/**
 * Builds the officer console router (mounted at `/console`): sign-in with lockout and per-address
 * throttling, sessions in the database, CSRF on every unsafe request, the home page, and the
 * admin's users page. Sign-ins, lockouts, sign-outs everywhere and account changes are audited.
 */
export function createConsoleRouter(deps: ConsoleRouterDeps): Router {
  const secrets = Array.isArray(deps.sessionSecret) ? deps.sessionSecret : [deps.sessionSecret];
  if (secrets.length === 0 || secrets.some((s) => s.length < 32)) {
    throw new MotcuaError(
      ErrorCode.ConfigInvalid,
      'CONSOLE_SESSION_SECRET must be at least 32 characters (e.g. openssl rand -base64 48)',
    );
  }
  const mountPath = (deps.mountPath ?? '/console').replace(/\/+$/, '');
  const now = deps.now ?? (() => new Date());
  const timezone = deps.timezone ?? 'Asia/Ho_Chi_Minh';
  const accounts = createConsoleAccounts({
    db: deps.db,
    hasher: deps.hasher ?? createPasswordHasher(),
    now,
    ...(deps.lockout ? { lockout: deps.lockout } : {}),
  });
  const store = new ConsoleSessionStore({ db: deps.db, now });
  const auth = createConsoleAuth({
    db: deps.db,
    accounts,
    store,
    sessionSecret: secrets,
    mountPath,
    idleMs: deps.sessionIdleMs ?? 8 * 3600_000,
    maxAgeMs: deps.sessionMaxAgeMs ?? 24 * 3600_000,
    now,
  });

  const router = express.Router();
  router.use((_req, res, next) => {
    res.set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy': CSP,
      'Referrer-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    });
    next();
  });
  router.use(cookieParser());
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use(express.json({ limit: '32kb' }));
  router.use(consoleLanguage(mountPath));
  router.use(auth.session);
  router.use(auth.loadUser);
  router.use(auth.csrfProtect);

  router.get('/live.js', (_req, res) => {
    res.type('application/javascript').send(LIVE_SCRIPT);
  });

  router.get('/events', requireRole(), (req, res) => {
    if (deps.live) return deps.live.stream(req, res, signedInUser(res).oaIds);
    // No live updates here: an empty stream that asks the page to come back in a day.
    res.status(200).type('text/event-stream').send('retry: 86400000\n\n');
  });

  const sendLogin = (
    req: Request,
    res: Response,
    status: number,
    extra: { error?: string; username?: string },
  ) => {
    const next = safeNext(
      consoleBase(res),
      req.method === 'GET' ? req.query.next : ((req.body ?? {}) as Record<string, unknown>).next,
    );
    res
      .status(status)
      .type('html')
      .send(
        loginPage({
          locale: localeOf(res),
          base: consoleBase(res),
          csrfToken: csrfTokenFor(res),
          ...extra,
          ...(next ? { next } : {}),
        }),
      );
  };

  const throttle = loginRateLimiter(deps.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT, (req, res) =>
    sendLogin(req, res, 429, { error: localeOf(res).t('login.throttled') }),
  );

  router.get('/login', (req, res) => {
    if (currentUser(res)) return res.redirect(302, `${consoleBase(res)}/`);
    sendLogin(req, res, 200, {});
  });

  router.post('/login', throttle, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = text(body.username, 100);
    const outcome = await accounts.verifyLogin(username, text(body.password, 1024), {
      ...(req.ip ? { ip: req.ip } : {}),
    });
    if (!outcome.ok) {
      const { t } = localeOf(res);
      const error = t(outcome.reason === 'locked' ? 'login.locked' : 'login.invalid');
      return sendLogin(req, res, 401, { error, username });
    }
    await auth.signIn(req, outcome.user);
    res.redirect(303, safeNext(consoleBase(res), body.next) ?? `${consoleBase(res)}/`);
  });

  router.post('/logout', async (_req, res) => {
    await auth.logout(_req, res);
    res.redirect(303, `${consoleBase(res)}/login`);
  });

  router.post('/logout-everywhere', requireRole(), async (req, res) => {
    await auth.logoutEverywhere(req, res);
    res.redirect(303, `${consoleBase(res)}/login`);
  });

  router.get('/', requireRole(), (_req, res) => {
    res.type('html').send(
      homePage({
        locale: localeOf(res),
        base: consoleBase(res),
        csrfToken: csrfTokenFor(res),
        user: signedInUser(res),
      }),
    );
  });

  const sendUsers = async (
    res: Response,
    status: number,
    extra: { notice?: string; errors?: string[]; draft?: NewUserDraft },
  ) => {
    res
      .status(status)
      .type('html')
      .send(
        usersPage({
          locale: localeOf(res),
          base: consoleBase(res),
          csrfToken: csrfTokenFor(res),
          me: signedInUser(res),
          users: await accounts.list(),
          now: now(),
          timezone,
          ...extra,
        }),
      );
  };

  const problemTexts = (res: Response, err: AccountError) =>
    err.problems.map((p) => localeOf(res).t(`users.problem.${p}`));

  router.get('/users', requireRole('admin'), async (req, res) => {
    const { t } = localeOf(res);
    const created = text(req.query.created, 40);
    const disabled = text(req.query.disabled, 40);
    const notice = created
      ? t('users.created', { username: created })
      : disabled
        ? t('users.disabledDone', { username: disabled })
        : undefined;
    await sendUsers(res, 200, notice ? { notice } : {});
  });

  router.post('/users', requireRole('admin'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const draft: NewUserDraft = {
      username: text(body.username, 100),
      displayName: text(body.displayName, 200),
      role: text(body.role, 20),
      oaIds: text(body.oaIds, 2000),
    };
    const input: NewConsoleUser = {
      username: draft.username ?? '',
      displayName: draft.displayName ?? '',
      password: text(body.password, 1024),
      role: draft.role as ConsoleRole,
      oaIds: (draft.oaIds ?? '').split(/[\s,;]+/).filter((s) => s !== ''),
    };
    try {
      const user = await accounts.create(input, officerActor(signedInUser(res).username));
      res.redirect(303, `${consoleBase(res)}/users?created=${encodeURIComponent(user.username)}`);
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      await sendUsers(res, err.problems.includes('taken') ? 409 : 400, {
        errors: problemTexts(res, err),
        draft,
      });
    }
  });

  router.post('/users/:username/disable', requireRole('admin'), async (req, res) => {
    const me = signedInUser(res);
    const username = text(req.params.username, 100);
    try {
      const target = await accounts.findByUsername(username);
      if (target?.id === me.id) throw new AccountError(['self']);
      const user = await accounts.disable(username, officerActor(me.username));
      res.redirect(303, `${consoleBase(res)}/users?disabled=${encodeURIComponent(user.username)}`);
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      await sendUsers(res, err.problems.includes('not_found') ? 404 : 400, {
        errors: problemTexts(res, err),
      });
    }
  });

  if (deps.pages) router.use(deps.pages);

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    deps.logger.error({ err: errorSummary(err) }, 'console request failed');
    const locale = localeOf(res);
    res
      .status(500)
      .type('html')
      .send(messagePage(locale, consoleBase(res), '500', locale.t('error.internal')));
  });
  return router;
}
