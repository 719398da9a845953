import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ErrorCode, MotcuaError } from '../errors.js';

/** A redis-server child process owned by motcua. */
export interface EmbeddedRedis {
  url: string;
  port: number;
  dir: string;
  /** The child's pid, for tests that kill it on purpose. */
  pid: number | undefined;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period). */
  stop: () => Promise<void>;
}

/** Finds the redis-server binary or explains how to install it. */
export function findRedisServer(): string {
  const candidates = [
    process.env.REDIS_SERVER_BIN,
    'redis-server',
    '/usr/bin/redis-server',
    '/usr/local/bin/redis-server',
  ];
  for (const bin of candidates) {
    if (!bin) continue;
    const probe = spawnSync(bin, ['--version'], { stdio: 'ignore' });
    if (probe.status === 0) return bin;
  }
  throw new MotcuaError(
    ErrorCode.RedisUnavailable,
    'redis-server was not found. Run `npm run setup` (it installs it), or `sudo apt-get install -y redis-server`, or set REDIS_URL.',
  );
}

/** Asks the OS for a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts redis-server under `dir` with the settings BullMQ needs to lose nothing:
 * AOF on (fsync every second), `noeviction`, loopback only. Resolves once it
 * accepts connections. Reusing `dir` and `port` restarts the same data.
 */
export async function startEmbeddedRedis(opts: {
  dir: string;
  port?: number;
  appendfsync?: 'everysec' | 'always';
}): Promise<EmbeddedRedis> {
  const bin = findRedisServer();
  const dir = path.resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    opts.appendfsync ?? 'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    '--logfile',
    path.join(dir, 'redis.log'),
  ];
  const child = spawn(bin, args, { stdio: 'ignore', detached: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, child);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid: child.pid,
    stop: () => stopChild(child, exited),
  };
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new MotcuaError(
        ErrorCode.RedisUnavailable,
        `redis-server exited at start (code ${child.exitCode}); see its redis.log`,
      );
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new MotcuaError(
    ErrorCode.RedisUnavailable,
    `redis-server did not accept connections on port ${port} within 10 s`,
  );
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
