import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A motcua process started from source, as `motcua <role>` would run. */
export interface MotcuaProcess {
  child: ChildProcess;
  role: string;
  output: () => string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns `motcua <role>` from the TypeScript sources with the given environment. */
export function spawnMotcua(role: 'serve' | 'work' | 'all', env: Record<string, string>): MotcuaProcess {
  return spawnScript('src/run.ts', [role], role, env);
}

/** Spawns a TypeScript file of this repository as its own Node process. */
export function spawnScript(
  file: string,
  args: string[],
  role: string,
  env: Record<string, string>,
): MotcuaProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: process.env.TEST_CHILD_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    role,
    output: () => out,
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
