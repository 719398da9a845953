import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { round } from './stats.js';

/** CPU seconds (user + system) a process has used, from /proc; undefined where unavailable. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of all CPUs, from /proc/stat; undefined where unavailable. */
function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    return { busy, total: busy + idle! + iowait! };
  } catch {
    return undefined;
  }
}

/**
 * A measurement window: this thread's event-loop utilisation, this process's CPU
 * (all threads, in cores), another process's CPU (redis-server) and the CPU used by
 * everything else on the machine (`otherCpu`: noise from other workloads).
 */
export function startUsageWindow(otherPid?: number) {
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const other = processCpuSeconds(otherPid);
  const machine = machineJiffies();
  const t0 = performance.now();
  return (): { serverElu: number; processCpu: number; redisCpu?: number; otherCpu?: number } => {
    const seconds = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu);
    const otherNow = processCpuSeconds(otherPid);
    const eluNow: EventLoopUtilization = performance.eventLoopUtilization(elu);
    const machineNow = machineJiffies();
    const processCpu = (used.user + used.system) / 1e6 / seconds;
    const redisCpu = other !== undefined && otherNow !== undefined ? (otherNow - other) / seconds : undefined;
    const machineCpu =
      machine && machineNow && machineNow.total > machine.total
        ? ((machineNow.busy - machine.busy) / (machineNow.total - machine.total)) * os.cpus().length
        : undefined;
    return {
      serverElu: round(eluNow.utilization, 3),
      processCpu: round(processCpu, 2),
      ...(redisCpu !== undefined ? { redisCpu: round(redisCpu, 2) } : {}),
      ...(machineCpu !== undefined
        ? { otherCpu: round(Math.max(0, machineCpu - processCpu - (redisCpu ?? 0)), 2) }
        : {}),
    };
  };
}

/** A fresh temporary directory and how to remove it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A measurement window over other processes: the CPU (cores) each named process
 * used, and each group's total over the pids it lists at the start and at the end
 * (PostgreSQL backends, which may come and go). Entries that cannot be read are left out.
 */
export async function startProcessCpuWindow(
  processes: Array<{ name: string; pid: number | undefined }>,
  groups: Array<{ name: string; pids: () => Promise<number[]> }> = [],
): Promise<() => Promise<Record<string, number>>> {
  const pidsOf = (g: { pids: () => Promise<number[]> }) => g.pids().catch((): number[] => []);
  const groupsBefore = await Promise.all(
    groups.map(async (g) => new Map((await pidsOf(g)).map((pid) => [pid, processCpuSeconds(pid)]))),
  );
  const before = processes.map((p) => processCpuSeconds(p.pid));
  const t0 = performance.now();
  return async () => {
    const seconds = (performance.now() - t0) / 1000;
    const out: Record<string, number> = {};
    processes.forEach((p, i) => {
      const a = before[i];
      const b = processCpuSeconds(p.pid);
      if (a !== undefined && b !== undefined) out[p.name] = round((b - a) / seconds, 2);
    });
    for (const [i, g] of groups.entries()) {
      let used = 0;
      let seen = false;
      for (const pid of await pidsOf(g)) {
        const b = processCpuSeconds(pid);
        if (b === undefined) continue;
        seen = true;
        used += b - (groupsBefore[i]!.get(pid) ?? 0);
      }
      if (seen) out[g.name] = round(used / seconds, 2);
    }
    return out;
  };
}
