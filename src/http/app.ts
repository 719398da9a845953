import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Metrics } from '../metrics.js';
import { createAssetsRouter } from './assets.js';

/** Readiness of the parts the app depends on; each check throws when its part is down. */
export type ReadinessChecks = Record<string, () => Promise<void>>;

/** What the HTTP app is built from; every part is passed in, nothing is global. */
export interface HttpAppDeps {
  webhook: RequestHandler;
  metrics: Metrics;
  readiness: ReadinessChecks;
  /** False once shutdown began, so load balancers stop routing here. */
  isAccepting: () => boolean;
  emulator?: Router;
  /** The staff API (`/api/staff`), when a token is configured. */
  staff?: Router;
  /** The officer console (`/console`). */
  console?: Router;
}

/**
 * Builds the express app: the Zalo webhook (raw body, read by the receiver
 * itself), health and readiness, Prometheus metrics, and the emulator when used.
 */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((_req, res, next) => {
    if (!deps.isAccepting()) res.set('Connection', 'close');
    next();
  });
  app.post('/webhooks/zalo', deps.webhook);
  app.get('/webhooks/zalo', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/assets', createAssetsRouter());
  if (deps.staff) app.use('/api/staff', deps.staff);
  if (deps.console) app.use('/console', deps.console);
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', (_req, res) => {
    void readiness(deps).then((r) => res.status(r.ok ? 200 : 503).json(r));
  });
  app.get('/metrics', (_req, res) => {
    void deps.metrics.registry.metrics().then((text) => {
      res.type(deps.metrics.registry.contentType).send(text);
    });
  });
  if (deps.emulator) {
    app.use('/emulator', deps.emulator);
    app.get('/', (_req, res) => res.redirect('/emulator'));
  } else {
    app.get('/', (_req, res) => {
      res.json({ service: 'motcua', webhook: '/webhooks/zalo' });
    });
  }
  return app;
}

async function readiness(deps: HttpAppDeps) {
  const checks: Record<string, string> = {};
  let ok = deps.isAccepting();
  if (!ok) checks.shutdown = 'in progress';
  await Promise.all(
    Object.entries(deps.readiness).map(async ([name, check]) => {
      try {
        await withTimeout(check(), 2000);
        checks[name] = 'ok';
      } catch (err) {
        ok = false;
        checks[name] = err instanceof Error ? err.message : 'down';
      }
    }),
  );
  return { ok, checks };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
