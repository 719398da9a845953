/** A scripted failure for the next `count` calls to one path. */
export interface Fault {
  /** Path relative to the API mount, e.g. `/v3.0/oa/message/cs` or `/v4/oa/access_token`. */
  path: string;
  /** Zalo error code to answer with. */
  error: number;
  /** Error message; the code's usual wording when absent. */
  message?: string;
  /** How many more calls this fault answers. */
  remaining: number;
  /** HTTP status to answer with (Zalo uses 200 for errors). */
  httpStatus: number;
  /** Delay before answering, in milliseconds. */
  delayMs: number;
}

/** Fault injection: scripted error answers for named API paths. */
export interface FaultInjector {
  /** Queues a fault; faults for one path are used in the order added. */
  add(
    fault: Omit<Fault, 'remaining' | 'httpStatus' | 'delayMs'> & {
      count?: number;
      httpStatus?: number;
      delayMs?: number;
    },
  ): Fault;
  /** Consumes one use of the first pending fault for a path, if any. */
  take(path: string): Fault | undefined;
  /** Pending faults. */
  list(): Fault[];
  /** Drops every pending fault. */
  clear(): void;
}

/** Normalises a path so `/openapi/v3.0/...`, `v3.0/...` and `/v3.0/...` all match. */
export function normaliseFaultPath(path: string): string {
  let p = path.trim();
  if (!p.startsWith('/')) p = `/${p}`;
  p = p.replace(/^\/emulator(?=\/)/, '').replace(/^\/(openapi|oauth)(?=\/)/, '');
  return p.replace(/\/+$/, '') || '/';
}

/** Creates an empty fault injector. */
export function createFaultInjector(): FaultInjector {
  let faults: Fault[] = [];
  return {
    add(f) {
      const fault: Fault = {
        path: normaliseFaultPath(f.path),
        error: f.error,
        message: f.message,
        remaining: f.count ?? 1,
        httpStatus: f.httpStatus ?? 200,
        delayMs: f.delayMs ?? 0,
      };
      faults.push(fault);
      return fault;
    },
    take(path) {
      const p = normaliseFaultPath(path);
      const fault = faults.find((f) => f.path === p && f.remaining > 0);
      if (!fault) return undefined;
      fault.remaining--;
      if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
      return { ...fault };
    },
    list: () => faults.map((f) => ({ ...f })),
    clear() {
      faults = [];
    },
  };
}
