import { rmSync } from 'node:fs';

const tasks = new Set<() => void>();

/**
 * Registers a synchronous last-resort cleanup (kill a child, remove a temp dir) run
 * by {@link emergencyCleanup} on a signal or the watchdog; returns its unregister.
 */
export function onEmergency(task: () => void): () => void {
  tasks.add(task);
  return () => tasks.delete(task);
}

/** Registers killing a child process and removing a directory as one emergency task. */
export function guardResources(opts: { pid?: number; dir?: string }): () => void {
  return onEmergency(() => {
    if (opts.pid !== undefined) {
      try {
        process.kill(opts.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (opts.dir) rmSync(opts.dir, { recursive: true, force: true });
  });
}

/** Runs every registered emergency task once (best effort). */
export function emergencyCleanup(): void {
  for (const task of [...tasks]) {
    tasks.delete(task);
    try {
      task();
    } catch {
      // best effort
    }
  }
}
