import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';

/** Hashes and checks console passwords with argon2id. */
export interface PasswordHasher {
  /** An argon2id PHC string for `password`, with a fresh salt. */
  hash(password: string): Promise<string>;
  /** True when `password` matches `stored`; false (never a throw) for a malformed hash. */
  verify(stored: string, password: string): Promise<boolean>;
  /** Spends the same work as a real check, for a username that has no account. */
  verifyNothing(password: string): Promise<void>;
}

/** Argon2id with OWASP's minimum: 19 MiB, 2 passes, 1 lane. */
const ARGON2ID: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Builds the hasher; `options` may raise the cost (never lower it below the defaults in production). */
export function createPasswordHasher(options: Partial<Options> = {}): PasswordHasher {
  const params: Options = { ...ARGON2ID, ...options, algorithm: 2 };
  let dummy: Promise<string> | undefined;
  const check = async (stored: string, password: string) => {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => hash(password, params),
    verify: check,
    verifyNothing: async (password) => {
      dummy ??= hash(randomBytes(24).toString('base64url'), params);
      await check(await dummy, password);
    },
  };
}
