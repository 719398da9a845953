import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase, type Database, type DatabaseHandle } from '../db/connection.js';
import { ErrorCode, MotcuaError } from '../errors.js';
import { errorSummary } from '../console/error-summary.js';
import { createPasswordHasher } from '../console/passwords.js';
import {
  AccountError,
  CONSOLE_ROLES,
  MIN_PASSWORD_LENGTH,
  createConsoleAccounts,
  type ConsoleAccounts,
  type ConsoleRole,
  type ConsoleUser,
} from '../console/users.js';

/** The audit actor for account changes made from the command line. */
export const CLI_ACTOR = 'system:cli';

/** The environment variable `users add` and `users password` read the password from. */
export const PASSWORD_ENV = 'MOTCUA_PASSWORD';

/** The options of `motcua users add`. */
export interface UsersAddOptions {
  username: string;
  name: string;
  role: string;
  oa?: string[];
}

/** Where a new password can come from: the environment, else a terminal prompt. */
export interface PasswordSource {
  env: NodeJS.ProcessEnv;
  isTty: boolean;
  /** Asks without echoing what is typed. */
  prompt(question: string): Promise<string>;
}

const PROBLEMS: Record<string, string> = {
  username: `username: 3-40 characters a-z, 0-9, ".", "_", "-"`,
  displayName: 'name: required, at most 80 characters',
  password: `password: at least ${MIN_PASSWORD_LENGTH} characters`,
  role: `role: one of ${CONSOLE_ROLES.join(', ')}`,
  oaIds: 'oa: letters, digits, ".", "_", "-" (at most 64 each)',
  taken: 'username: already taken',
  not_found: 'no such user',
  self: 'cannot change your own account this way',
};

/** One line per refused field, in English. */
export function describeAccountError(err: AccountError): string {
  return err.problems.map((p) => PROBLEMS[p] ?? p).join('\n');
}

/**
 * Reads a new password from MOTCUA_PASSWORD, or asks twice on a terminal. Never from the
 * command line, where other users could read it in the process list.
 */
export async function readNewPassword(source: PasswordSource): Promise<string> {
  const fromEnv = source.env[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  if (!source.isTty) {
    throw new MotcuaError(
      ErrorCode.ConfigInvalid,
      `set ${PASSWORD_ENV} or run on a terminal to type the password`,
    );
  }
  const first = await source.prompt('Password: ');
  const second = await source.prompt('Repeat the password: ');
  if (first !== second) throw new MotcuaError(ErrorCode.ConfigInvalid, 'the two passwords differ');
  return first;
}

/** Reads one line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new MotcuaError(ErrorCode.ConfigInvalid, 'cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** Creates a console account as `motcua users add` does; the change is audited as {@link CLI_ACTOR}. */
export function addConsoleUser(
  accounts: ConsoleAccounts,
  options: UsersAddOptions,
  password: string,
): Promise<ConsoleUser> {
  return accounts.create(
    {
      username: options.username,
      displayName: options.name,
      password,
      role: options.role as ConsoleRole,
      oaIds: (options.oa ?? [])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    },
    CLI_ACTOR,
  );
}

/** One line of `users list`. */
export function userLine(u: ConsoleUser, now = new Date()): string {
  const state = u.disabled ? 'disabled' : u.lockedUntil && u.lockedUntil > now ? 'locked' : 'active';
  const last = u.lastLoginAt ? u.lastLoginAt.toISOString() : 'never';
  return [
    u.username.padEnd(20),
    u.role.padEnd(8),
    state.padEnd(9),
    last.padEnd(25),
    u.oaIds.join(','),
    u.displayName,
  ].join(' ');
}

const systemPasswordSource = (): PasswordSource => ({
  env: process.env,
  isTty: Boolean(process.stdin.isTTY),
  prompt: promptHidden,
});

/** Opens the configured database (migrated), runs `work`, and closes it; prints errors and sets the exit code. */
async function withAccounts(work: (accounts: ConsoleAccounts, db: Database) => Promise<void>): Promise<void> {
  let handle: DatabaseHandle | undefined;
  try {
    const config = loadConfig();
    handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    await handle.migrate();
    await work(createConsoleAccounts({ db: handle.db, hasher: createPasswordHasher() }), handle.db);
  } catch (err) {
    if (err instanceof AccountError) console.error(describeAccountError(err));
    else if (err instanceof MotcuaError) console.error(`${err.code}: ${err.message}`);
    else console.error(errorSummary(err));
    process.exitCode = 1;
  } finally {
    await handle?.close();
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Adds `motcua users add|list|disable|unlock|password`: console accounts from the command line.
 * With PGlite, stop motcua first (one process at a time may open its data directory).
 */
export function registerUsersCommands(program: Command): void {
  const users = program
    .command('users')
    .description('officer console accounts (stop motcua first when on PGlite)');
  users
    .command('add')
    .description(`create an account; the password comes from ${PASSWORD_ENV} or is asked on the terminal`)
    .requiredOption('--username <username>', 'login name: 3-40 of a-z 0-9 . _ -')
    .requiredOption('--name <name>', 'display name, e.g. "Nguyễn Văn A"')
    .requiredOption('--role <role>', `one of ${CONSOLE_ROLES.join(', ')}`)
    .option('--oa <oaId>', 'an OA the account may work on (repeat, or separate with commas)', collect)
    .action(async (options: UsersAddOptions) => {
      await withAccounts(async (accounts) => {
        const password = await readNewPassword(systemPasswordSource());
        const user = await addConsoleUser(accounts, options, password);
        console.log(
          `created ${user.username} (${user.role}${user.oaIds.length ? `; ${user.oaIds.join(', ')}` : ''})`,
        );
      });
    });
  users
    .command('list')
    .description('print every account: username, role, state, last sign-in, OAs, name')
    .action(async () => {
      await withAccounts(async (accounts) => {
        for (const u of await accounts.list()) console.log(userLine(u));
      });
    });
  users
    .command('disable')
    .description('disable an account and end all its sessions')
    .argument('<username>')
    .action(async (username: string) => {
      await withAccounts(async (accounts) => {
        const user = await accounts.disable(username, CLI_ACTOR);
        console.log(`disabled ${user.username}`);
      });
    });
  users
    .command('unlock')
    .description('lift a lockout after failed sign-ins')
    .argument('<username>')
    .action(async (username: string) => {
      await withAccounts(async (accounts) => {
        const user = await accounts.unlock(username, CLI_ACTOR);
        console.log(`unlocked ${user.username}`);
      });
    });
  users
    .command('password')
    .description(`set a new password (from ${PASSWORD_ENV} or the terminal) and end the account's sessions`)
    .argument('<username>')
    .action(async (username: string) => {
      await withAccounts(async (accounts) => {
        const password = await readNewPassword(systemPasswordSource());
        const user = await accounts.setPassword(username, password, CLI_ACTOR);
        console.log(`password set for ${user.username}`);
      });
    });
}
