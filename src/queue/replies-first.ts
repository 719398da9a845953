/**
 * Within one process, lets broadcast sends step aside while a resident's message or a reply is
 * being handled. The queue already puts replies ahead of waiting broadcasts; this covers the
 * event loop and the database, which both serve one thing at a time on the embedded defaults.
 */
export interface RepliesFirst {
  /** Marks resident work as in progress; call the returned function once it ends (safe to call twice). */
  begin(): () => void;
  /** Resolves once no resident work is in progress, or after `maxWaitMs` at most. */
  whenIdle(maxWaitMs: number): Promise<void>;
  /** Resident work in progress right now. */
  busy(): number;
}

/** Builds the in-process gate; one per process, shared by the inbound and outbound workers. */
export function createRepliesFirst(): RepliesFirst {
  let active = 0;
  let waiters: Array<() => void> = [];
  const wake = () => {
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  return {
    begin() {
      active++;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        active--;
        if (active === 0) wake();
      };
    },
    whenIdle(maxWaitMs) {
      if (active === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, maxWaitMs);
        function done() {
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== done);
          resolve();
        }
        waiters.push(done);
      });
    },
    busy: () => active,
  };
}
