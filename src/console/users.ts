import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/connection.js';
import { consoleSessions, consoleUsers } from '../db/schema.js';
import { recordConsoleAudit, type Writer } from './audit.js';
import type { PasswordHasher } from './passwords.js';

/** What a console account may do, from least to most. */
export const CONSOLE_ROLES = ['officer', 'editor', 'admin'] as const;

/** One of {@link CONSOLE_ROLES}. */
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** A console account as the rest of the console sees it (never with its password hash). */
export interface ConsoleUser {
  id: number;
  username: string;
  displayName: string;
  role: ConsoleRole;
  oaIds: string[];
  failedLogins: number;
  lockedUntil: Date | null;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

/** The fields of a new account; `password` is checked but never kept. */
export interface NewConsoleUser {
  username: string;
  displayName: string;
  password: string;
  role: ConsoleRole;
  oaIds: string[];
}

/** Which field of a new account is wrong, or why an account change was refused. */
export type AccountProblem =
  'username' | 'displayName' | 'password' | 'role' | 'oaIds' | 'taken' | 'not_found' | 'self';

/** An account change refused for the listed reasons (all found at once). */
export class AccountError extends Error {
  /** Builds the error from the problems found. */
  constructor(readonly problems: AccountProblem[]) {
    super(`account refused: ${problems.join(', ')}`);
    this.name = 'AccountError';
  }
}

/** What a login attempt came to; `invalid` is the same whether or not the account exists. */
export type LoginOutcome = { ok: true; user: ConsoleUser } | { ok: false; reason: 'invalid' | 'locked' };

/** How many failed logins lock an account, and for how long. */
export interface LockoutPolicy {
  maxFailures: number;
  lockMs: number;
}

/** Five failed logins lock an account for 15 minutes. */
export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 15 * 60_000 };

/** Lower-case letters, digits, dot, underscore and hyphen; 3 to 40 of them. */
export const USERNAME_PATTERN = /^[a-z0-9._-]{3,40}$/;

/** The shortest password accepted, in characters. */
export const MIN_PASSWORD_LENGTH = 12;

const MAX_PASSWORD_LENGTH = 256;
const OA_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Unknown usernames tracked for look-alike lockouts; the oldest are forgotten first. */
const MAX_UNKNOWN_TRACKED = 10_000;

/** Trims and lower-cases a typed username. */
export function normaliseUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

const passwordSchema = z
  .string()
  .refine((p) => [...p].length >= MIN_PASSWORD_LENGTH && p.length <= MAX_PASSWORD_LENGTH);

const newUserSchema = z.object({
  username: z.string().transform(normaliseUsername).pipe(z.string().regex(USERNAME_PATTERN)),
  displayName: z.string().trim().min(1).max(80),
  password: passwordSchema,
  role: z.enum(CONSOLE_ROLES),
  oaIds: z
    .array(z.string().trim().regex(OA_ID_PATTERN))
    .max(50)
    .transform((ids) => [...new Set(ids)]),
});

/** Checks a new account's fields; throws {@link AccountError} naming every bad field. */
export function validateNewUser(input: NewConsoleUser): NewConsoleUser {
  const parsed = newUserSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = new Set<AccountProblem>();
  for (const issue of parsed.error.issues) fields.add(String(issue.path[0]) as AccountProblem);
  throw new AccountError([...fields]);
}

/** True when `user` may work on the OA `oaId` (admins are limited to their OAs as well). */
export function mayWorkOn(user: Pick<ConsoleUser, 'oaIds'>, oaId: string): boolean {
  return user.oaIds.includes(oaId);
}

/** What the account service needs. */
export interface ConsoleAccountsDeps {
  db: Database;
  hasher: PasswordHasher;
  lockout?: LockoutPolicy;
  now?: () => Date;
}

/** Creating, checking and managing console accounts; every change is audited. */
export interface ConsoleAccounts {
  /** Creates an account; `actor` is recorded in the audit log. */
  create(input: NewConsoleUser, actor: string): Promise<ConsoleUser>;
  /** Checks a login, applies the lockout and audits the attempt. Takes as long for unknown users. */
  verifyLogin(username: string, password: string, context?: { ip?: string }): Promise<LoginOutcome>;
  /** Counts a failed login; returns true when this failure locked the account. */
  recordFailure(userId: number): Promise<{ locked: boolean; lockedUntil: Date | null }>;
  /** Clears the failure count and lock after a good login and stamps the login time. */
  recordSuccess(userId: number): Promise<void>;
  /** Lifts a lock and clears the failure count. */
  unlock(username: string, actor: string): Promise<ConsoleUser>;
  /** Sets a new password, lifts any lock and ends the account's sessions. */
  setPassword(username: string, password: string, actor: string): Promise<ConsoleUser>;
  /** Disables an account and ends all its sessions. */
  disable(username: string, actor: string): Promise<ConsoleUser>;
  /** Every account, by username. */
  list(): Promise<ConsoleUser[]>;
  /** The account with this id, if any. */
  findById(id: number): Promise<ConsoleUser | undefined>;
  /** The account with this username (any case), if any. */
  findByUsername(username: string): Promise<ConsoleUser | undefined>;
}

type UserRow = typeof consoleUsers.$inferSelect;

function toUser(row: UserRow): ConsoleUser {
  const { passwordHash: _hash, ...rest } = row;
  return { ...rest, role: row.role as ConsoleRole };
}

/** Builds the account service over the `console_users` table. */
export function createConsoleAccounts(deps: ConsoleAccountsDeps): ConsoleAccounts {
  const { db, hasher } = deps;
  const policy = deps.lockout ?? DEFAULT_LOCKOUT;
  const now = deps.now ?? (() => new Date());
  // Unknown or disabled usernames "lock" like real ones, so the lock message tells nothing.
  const unknown = new Map<string, { failures: number; lockedUntil: number }>();

  const rowByUsername = async (username: string) =>
    (await db.select().from(consoleUsers).where(eq(consoleUsers.username, username)).limit(1))[0];

  const mustFind = async (username: string) => {
    const row = await rowByUsername(normaliseUsername(username));
    if (!row) throw new AccountError(['not_found']);
    return row;
  };

  const endSessions = (tx: Writer, userId: number) =>
    tx.delete(consoleSessions).where(eq(consoleSessions.userId, userId));

  const unknownAttempt = (username: string): 'invalid' | 'locked' => {
    const t = now().getTime();
    const entry = unknown.get(username) ?? { failures: 0, lockedUntil: 0 };
    if (entry.lockedUntil > t) return 'locked';
    unknown.delete(username);
    entry.failures += 1;
    let outcome: 'invalid' | 'locked' = 'invalid';
    if (entry.failures >= policy.maxFailures) {
      entry.failures = 0;
      entry.lockedUntil = t + policy.lockMs;
      outcome = 'locked';
    }
    unknown.set(username, entry);
    if (unknown.size > MAX_UNKNOWN_TRACKED) {
      const oldest = unknown.keys().next().value;
      if (oldest !== undefined) unknown.delete(oldest);
    }
    return outcome;
  };

  const recordFailure = async (userId: number) => {
    const failures = sql`${consoleUsers.failedLogins} + 1 >= ${policy.maxFailures}`;
    const until = new Date(now().getTime() + policy.lockMs).toISOString();
    const [row] = await db
      .update(consoleUsers)
      .set({
        failedLogins: sql`case when ${failures} then 0 else ${consoleUsers.failedLogins} + 1 end`,
        lockedUntil: sql`case when ${failures} then ${until}::timestamptz else ${consoleUsers.lockedUntil} end`,
        updatedAt: now(),
      })
      .where(eq(consoleUsers.id, userId))
      .returning({ lockedUntil: consoleUsers.lockedUntil });
    const lockedUntil = row?.lockedUntil ?? null;
    return { locked: lockedUntil !== null && lockedUntil > now(), lockedUntil };
  };

  const recordSuccess = async (userId: number) => {
    const at = now();
    await db
      .update(consoleUsers)
      .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: at, updatedAt: at })
      .where(eq(consoleUsers.id, userId));
  };

  return {
    async create(input, actor) {
      const data = validateNewUser(input);
      const passwordHash = await hasher.hash(data.password);
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(consoleUsers)
          .values({
            username: data.username,
            displayName: data.displayName,
            passwordHash,
            role: data.role,
            oaIds: data.oaIds,
          })
          .onConflictDoNothing({ target: consoleUsers.username })
          .returning();
        if (!row) throw new AccountError(['taken']);
        await recordConsoleAudit(tx, {
          actor,
          action: 'console.user.create',
          userId: row.id,
          details: { username: row.username, role: row.role, oaIds: row.oaIds },
        });
        return toUser(row);
      });
    },

    async verifyLogin(rawUsername, password, context = {}) {
      const username = normaliseUsername(rawUsername);
      const ip = context.ip ?? null;
      const row = USERNAME_PATTERN.test(username) ? await rowByUsername(username) : undefined;
      if (!row || row.disabled) {
        await hasher.verifyNothing(password);
        const reason = unknownAttempt(username);
        await recordConsoleAudit(db, {
          actor: 'anonymous',
          action: 'console.login.failed',
          userId: row?.id ?? null,
          details: row ? { username: row.username, reason: 'disabled', ip } : { reason: 'unknown', ip },
        });
        return { ok: false, reason };
      }
      if (row.lockedUntil && row.lockedUntil > now()) {
        await hasher.verifyNothing(password);
        await recordConsoleAudit(db, {
          actor: 'anonymous',
          action: 'console.login.locked',
          userId: row.id,
          details: { username: row.username, reason: 'attempt_while_locked', until: row.lockedUntil, ip },
        });
        return { ok: false, reason: 'locked' };
      }
      if (await hasher.verify(row.passwordHash, password)) {
        await recordSuccess(row.id);
        await recordConsoleAudit(db, {
          actor: `officer:${row.username}`,
          action: 'console.login',
          userId: row.id,
          details: { ip },
        });
        const fresh = await rowByUsername(username);
        return { ok: true, user: toUser(fresh ?? row) };
      }
      const failure = await recordFailure(row.id);
      await recordConsoleAudit(db, {
        actor: 'anonymous',
        action: 'console.login.failed',
        userId: row.id,
        details: { username: row.username, reason: 'wrong_password', ip },
      });
      if (!failure.locked) return { ok: false, reason: 'invalid' };
      await recordConsoleAudit(db, {
        actor: 'anonymous',
        action: 'console.login.locked',
        userId: row.id,
        details: { username: row.username, reason: 'too_many_failures', until: failure.lockedUntil, ip },
      });
      return { ok: false, reason: 'locked' };
    },

    recordFailure,
    recordSuccess,

    async unlock(username, actor) {
      const row = await mustFind(username);
      return db.transaction(async (tx) => {
        const [updated] = await tx
          .update(consoleUsers)
          .set({ failedLogins: 0, lockedUntil: null, updatedAt: now() })
          .where(eq(consoleUsers.id, row.id))
          .returning();
        await recordConsoleAudit(tx, { actor, action: 'console.user.unlock', userId: row.id });
        return toUser(updated ?? row);
      });
    },

    async setPassword(username, password, actor) {
      const row = await mustFind(username);
      if (!passwordSchema.safeParse(password).success) throw new AccountError(['password']);
      const passwordHash = await hasher.hash(password);
      return db.transaction(async (tx) => {
        const [updated] = await tx
          .update(consoleUsers)
          .set({ passwordHash, failedLogins: 0, lockedUntil: null, updatedAt: now() })
          .where(eq(consoleUsers.id, row.id))
          .returning();
        await endSessions(tx, row.id);
        await recordConsoleAudit(tx, { actor, action: 'console.user.password', userId: row.id });
        return toUser(updated ?? row);
      });
    },

    async disable(username, actor) {
      const row = await mustFind(username);
      return db.transaction(async (tx) => {
        const [updated] = await tx
          .update(consoleUsers)
          .set({ disabled: true, updatedAt: now() })
          .where(and(eq(consoleUsers.id, row.id), eq(consoleUsers.disabled, false)))
          .returning();
        await endSessions(tx, row.id);
        if (updated) {
          await recordConsoleAudit(tx, {
            actor,
            action: 'console.user.disable',
            userId: row.id,
            details: { username: row.username },
          });
        }
        return toUser(updated ?? row);
      });
    },

    async list() {
      const rows = await db.select().from(consoleUsers).orderBy(asc(consoleUsers.username));
      return rows.map(toUser);
    },

    async findById(id) {
      const [row] = await db.select().from(consoleUsers).where(eq(consoleUsers.id, id)).limit(1);
      return row ? toUser(row) : undefined;
    },

    async findByUsername(username) {
      const row = await rowByUsername(normaliseUsername(username));
      return row ? toUser(row) : undefined;
    },
  };
}
