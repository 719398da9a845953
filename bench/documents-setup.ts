import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { openChatStreams, type OaMessage } from './chat-stream.js';
import { round } from './stats.js';

/** How bringing residents to the first paper of a dossier went. */
export interface IntakeSetupResult {
  users: number;
  /** Residents the bot asked for paper 1 ("Mục 1/…"). */
  ready: number;
  /** The first few reasons residents did not get there. */
  failures: string[];
  ms: number;
}

const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung', 'Hoàng Văn Em'];

const offersConsent = (m: OaMessage) => m.buttons?.some((b) => b.payload === '#dz agree') ?? false;
const asksContact = (m: OaMessage) => m.attachment?.type === 'request_user_info';
const asksFirstPaper = (m: OaMessage) => m.text?.startsWith('Mục 1/') ?? false;

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${new URL(url).pathname} answered HTTP ${res.status}`);
}

/**
 * Walks each resident through the start of a birth-registration dossier as a person
 * would: types "nop ho so khai sinh", taps "Đồng ý" (its hidden payload), answers the
 * contact card; each step waits for the bot's answer on the resident's stream. At the
 * end every resident sits at paper 1, where photos are stored. Not timed.
 */
export async function enterIntake(opts: {
  api: string;
  users: string[];
  concurrency: number;
  stepTimeoutMs: number;
}): Promise<IntakeSetupResult> {
  const t0 = performance.now();
  const api = new URL(opts.api);
  const inboxes = opts.users.map((): OaMessage[] => []);
  const wakers = opts.users.map((): (() => void) | undefined => undefined);
  const seen = opts.users.map(() => 0);
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const streams = await openChatStreams(agent, api, opts.users, (u, m) => {
    inboxes[u]!.push(m);
    wakers[u]?.();
  });
  const waitFor = async (u: number, test: (m: OaMessage) => boolean, step: string) => {
    const deadline = performance.now() + opts.stepTimeoutMs;
    for (;;) {
      const inbox = inboxes[u]!;
      while (seen[u]! < inbox.length) if (test(inbox[seen[u]!++]!)) return;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no answer to ${step} within ${opts.stepTimeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wakers[u] = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakers[u] = undefined;
    }
  };
  const failures: string[] = [];
  let ready = 0;
  const walk = async (u: number) => {
    const base = `${opts.api}/users/${encodeURIComponent(opts.users[u]!)}`;
    try {
      await post(`${base}/messages`, { text: 'nop ho so khai sinh' });
      await waitFor(u, offersConsent, 'the start');
      await post(`${base}/messages`, { text: '#dz agree', hidden: true });
      await waitFor(u, asksContact, 'the consent');
      await post(`${base}/submit-info`, {
        name: NAMES[u % NAMES.length],
        phone: `09${String(10_000_000 + u).slice(-8)}`,
      });
      await waitFor(u, asksFirstPaper, 'the contact card');
      ready++;
    } catch (err) {
      if (failures.length < 5) failures.push(err instanceof Error ? err.message : String(err));
    }
  };
  try {
    let next = 0;
    const lane = async () => {
      while (next < opts.users.length) await walk(next++);
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, lane));
  } finally {
    for (const s of streams) s.close();
    agent.destroy();
  }
  return { users: opts.users.length, ready, failures, ms: round(performance.now() - t0, 0) };
}
