import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { guardResources } from './cleanup.js';
import { sleep } from './proc.js';

/** The repository root: children run from it, like `motcua` from a checkout. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const KEEP_OUTPUT = 64 * 1024;

/** A Node child process running a TypeScript file of this repository. */
export interface Child {
  name: string;
  child: ChildProcess;
  pid: number | undefined;
  /** The last 64 KB of its stdout and stderr. */
  output(): string;
  exited: Promise<number | null>;
  /** Resolves with the first stdout line matching `test` (rejects if the child exits first or after `timeoutMs`). */
  waitForLine(test: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `node --import tsx <file> ...args` from the repository root (as
 * test/support/processes.ts does) with the environment on top of this one; the
 * child is SIGKILLed by the emergency cleanup if the bench is interrupted.
 * With BENCH_CPU_PROF, each child writes its threads' CPU profiles under `<dir>/<name>/` when it exits.
 */
export function spawnChild(name: string, file: string, args: string[], env: Record<string, string>): Child {
  const profileDir = process.env.BENCH_CPU_PROF;
  const profile = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, name.replace(/\W+/g, '-'))}`]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const unguard = guardResources({ pid: child.pid });
  let out = '';
  let stdoutBuffer = '';
  const lineWaiters = new Set<(line: string) => void>();
  const keep = (s: string) => {
    out += s;
    if (out.length > 2 * KEEP_OUTPUT) out = out.slice(-KEEP_OUTPUT);
  };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    keep(d);
    stdoutBuffer += d;
    let cut: number;
    while ((cut = stdoutBuffer.indexOf('\n')) >= 0) {
      const line = stdoutBuffer.slice(0, cut);
      stdoutBuffer = stdoutBuffer.slice(cut + 1);
      for (const w of [...lineWaiters]) w(line);
    }
    if (stdoutBuffer.length > KEEP_OUTPUT) stdoutBuffer = stdoutBuffer.slice(-KEEP_OUTPUT);
  });
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      unguard();
      resolve(code);
    });
    child.once('error', (err) => {
      keep(`\n${name}: ${err.message}\n`);
      unguard();
      resolve(null);
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const output = () => out.slice(-KEEP_OUTPUT);
  return {
    name,
    child,
    pid: child.pid,
    output,
    exited,
    waitForLine(test, timeoutMs) {
      return new Promise<string>((resolve, reject) => {
        const done = (err?: Error, line?: string) => {
          clearTimeout(timer);
          lineWaiters.delete(onLine);
          if (err) reject(err);
          else resolve(line!);
        };
        const onLine = (line: string) => {
          if (test(line)) done(undefined, line);
        };
        const timer = setTimeout(
          () => done(new Error(`${name}: no expected output within ${timeoutMs} ms\n${output()}`)),
          timeoutMs,
        );
        lineWaiters.add(onLine);
        void exited.then((code) =>
          done(new Error(`${name} exited (code ${code}) before it was ready\n${output()}`)),
        );
      });
    },
    async stop(graceMs = 25_000) {
      if (!running()) return void (await exited);
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (running()) child.kill('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 2xx; rejects after `timeoutMs` or once `child` exits. */
export async function waitForOk(url: string, child: Child, timeoutMs: number): Promise<void> {
  let gone = false;
  void child.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${child.name} exited before ${url} answered\n${child.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})\n${child.output()}`);
}
