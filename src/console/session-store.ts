import { and, eq, gt, lt, ne } from 'drizzle-orm';
import session, { type SessionData } from 'express-session';
import type { Database } from '../db/connection.js';
import { consoleSessions } from '../db/schema.js';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in console account. */
    userId: number;
    /** When the account signed in (ISO time). */
    signedInAt: string;
  }
}

/** What the session store needs. */
export interface ConsoleSessionStoreOptions {
  db: Database;
  /** Lifetime of a session whose cookie has no expiry. */
  defaultTtlMs?: number;
  /** Expired rows are swept at most this often, when a session is saved. */
  pruneEveryMs?: number;
  now?: () => Date;
}

type Done = (err?: unknown) => void;

/**
 * An express-session store over the `console_sessions` table. Each row keeps the account's id
 * beside the session data, so all of an account's sessions can be ended at once.
 */
export class ConsoleSessionStore extends session.Store {
  readonly #db: Database;
  readonly #defaultTtlMs: number;
  readonly #pruneEveryMs: number;
  readonly #now: () => Date;
  #lastPrune = 0;

  /** Builds the store over an open database. */
  constructor(options: ConsoleSessionStoreOptions) {
    super();
    this.#db = options.db;
    this.#defaultTtlMs = options.defaultTtlMs ?? 12 * 3600_000;
    this.#pruneEveryMs = options.pruneEveryMs ?? 3600_000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Reads a live session; an expired one reads as absent. */
  get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.#db
      .select({ data: consoleSessions.data })
      .from(consoleSessions)
      .where(and(eq(consoleSessions.sid, sid), gt(consoleSessions.expires, this.#now())))
      .limit(1)
      .then(
        ([row]) => callback(null, row ? (row.data as SessionData) : null),
        (err: unknown) => callback(err),
      );
  }

  /** Inserts or replaces a session. */
  set(sid: string, data: SessionData, callback?: Done): void {
    const values = {
      sid,
      userId: typeof data.userId === 'number' ? data.userId : null,
      data: JSON.parse(JSON.stringify(data)) as unknown,
      expires: this.#expiry(data),
    };
    this.#db
      .insert(consoleSessions)
      .values(values)
      .onConflictDoUpdate({
        target: consoleSessions.sid,
        set: { userId: values.userId, data: values.data, expires: values.expires },
      })
      .then(() => this.#pruneWhenDue())
      .then(
        () => callback?.(),
        (err: unknown) => callback?.(err),
      );
  }

  /** Pushes an existing session's expiry forward; never brings back an ended session. */
  touch(sid: string, data: SessionData, callback?: () => void): void {
    this.#db
      .update(consoleSessions)
      .set({ expires: this.#expiry(data) })
      .where(eq(consoleSessions.sid, sid))
      .then(
        () => callback?.(),
        () => callback?.(),
      );
  }

  /** Ends one session. */
  destroy(sid: string, callback?: Done): void {
    this.#db
      .delete(consoleSessions)
      .where(eq(consoleSessions.sid, sid))
      .then(
        () => callback?.(),
        (err: unknown) => callback?.(err),
      );
  }

  /** Ends every session of an account, except `keepSid` when given; returns how many ended. */
  async destroyAllForUser(userId: number, keepSid?: string): Promise<number> {
    const rows = await this.#db
      .delete(consoleSessions)
      .where(and(eq(consoleSessions.userId, userId), keepSid ? ne(consoleSessions.sid, keepSid) : undefined))
      .returning({ sid: consoleSessions.sid });
    return rows.length;
  }

  /** How many live sessions an account has. */
  async countForUser(userId: number): Promise<number> {
    const rows = await this.#db
      .select({ sid: consoleSessions.sid })
      .from(consoleSessions)
      .where(and(eq(consoleSessions.userId, userId), gt(consoleSessions.expires, this.#now())));
    return rows.length;
  }

  /** Deletes expired sessions; returns how many. */
  async pruneExpired(): Promise<number> {
    this.#lastPrune = this.#now().getTime();
    const rows = await this.#db
      .delete(consoleSessions)
      .where(lt(consoleSessions.expires, this.#now()))
      .returning({ sid: consoleSessions.sid });
    return rows.length;
  }

  async #pruneWhenDue(): Promise<void> {
    if (this.#now().getTime() - this.#lastPrune < this.#pruneEveryMs) return;
    await this.pruneExpired().catch(() => 0);
  }

  #expiry(data: SessionData): Date {
    const expires = data.cookie?.expires;
    if (expires) return new Date(expires);
    return new Date(this.#now().getTime() + this.#defaultTtlMs);
  }
}
