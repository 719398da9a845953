import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createEmulator, type Emulator, type EmulatorOptions } from './router.js';

/** The emulator on its own HTTP server, mounted at `/emulator` like inside the app. */
export interface EmulatorServer {
  /** Emulator root, e.g. `http://127.0.0.1:40123/emulator` (Open API at `${url}/openapi`, OAuth at `${url}/oauth`). */
  url: string;
  /** Server origin, e.g. `http://127.0.0.1:40123`. */
  origin: string;
  port: number;
  emulator: Emulator;
  /** Stops the emulator and the HTTP server. */
  close(): Promise<void>;
}

/** Starts a standalone emulator server (port 0 picks a free port; host defaults to 127.0.0.1). */
export async function createEmulatorServer(
  opts: EmulatorOptions & { port?: number; host?: string },
): Promise<EmulatorServer> {
  const emulator = createEmulator(opts);
  const app = express();
  app.disable('x-powered-by');
  app.use('/emulator', emulator.router);
  app.get('/', (_req, res) => res.redirect('/emulator'));
  const server = http.createServer(app);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shownHost}:${port}`;
  return {
    url: `${origin}/emulator`,
    origin,
    port,
    emulator,
    async close() {
      await emulator.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
