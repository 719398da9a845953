import { eq } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { zaloTokens } from '../db/schema.js';
import { ErrorCode, MotcuaError } from '../errors.js';
import type { Logger } from '../log.js';
import type { TokenPair } from './oauth-refresh.js';
import { safeCause } from './token-errors.js';

/** Zalo's refresh tokens live three months from issue. */
export const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

/** One OA's row of the `zalo_tokens` table. */
export type TokenRow = typeof zaloTokens.$inferSelect;

/** Token bookkeeping without the token values, for health checks and the CLI. */
export interface TokenStatus {
  oaId: string;
  stored: boolean;
  generation: number;
  hasAccessToken: boolean;
  hasRefreshToken: boolean;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
  /** When the manager will start refreshing proactively. */
  refreshDueAt: Date | null;
  updatedAt: Date | null;
}

/** What the store needs. */
export interface TokenStoreDeps {
  db: Database;
  oaId: string;
  /** Seeds the row when none exists; an empty access token means "refresh on first use". */
  bootstrap?: { accessToken?: string; refreshToken?: string };
  logger?: Logger;
  now: () => number;
}

/** The database row of one OA, the source of truth for its token pair. */
export interface TokenStore {
  /** Reads the OA's row, seeding it from the bootstrap tokens when there is none. */
  load(): Promise<TokenRow>;
  /** Writes the new pair in one transaction and bumps the generation; returns the stored row. */
  storePair(pair: TokenPair, expectedGeneration: number): Promise<TokenRow>;
  /** Expiry times and generation, refresh due `refreshMarginMs` before expiry; never the tokens. */
  status(refreshMarginMs: number): Promise<TokenStatus>;
}

/** Builds the row access of one OA. */
export function createTokenStore(deps: TokenStoreDeps): TokenStore {
  return {
    load: () => loadRow(deps),
    storePair: (pair, expectedGeneration) => storePair(deps, pair, expectedGeneration),
    status: (refreshMarginMs) => readStatus(deps, refreshMarginMs),
  };
}

async function loadRow(deps: TokenStoreDeps): Promise<TokenRow> {
  const existing = await selectRow(deps);
  if (existing) return existing;
  await seedRow(deps);
  const seeded = await selectRow(deps);
  if (seeded) return seeded;
  throw new MotcuaError(
    ErrorCode.TokenMissing,
    `No Zalo token is stored for OA ${deps.oaId}; an admin must authorise the app`,
  );
}

async function selectRow(deps: TokenStoreDeps): Promise<TokenRow | undefined> {
  const rows = await deps.db.select().from(zaloTokens).where(eq(zaloTokens.oaId, deps.oaId)).limit(1);
  return rows[0];
}

async function seedRow(deps: TokenStoreDeps): Promise<void> {
  const boot = deps.bootstrap;
  if (!boot?.accessToken && !boot?.refreshToken) return;
  await deps.db
    .insert(zaloTokens)
    .values({
      oaId: deps.oaId,
      accessToken: boot.accessToken ?? '',
      refreshToken: boot.refreshToken ?? null,
      updatedAt: new Date(deps.now()),
    })
    .onConflictDoNothing();
}

async function storePair(
  deps: TokenStoreDeps,
  pair: TokenPair,
  expectedGeneration: number,
): Promise<TokenRow> {
  const { db, oaId, logger } = deps;
  const now = deps.now();
  try {
    return await db.transaction(async (tx) => {
      const [current] = await tx
        .select({ generation: zaloTokens.generation })
        .from(zaloTokens)
        .where(eq(zaloTokens.oaId, oaId))
        .for('update');
      const generation = current?.generation ?? expectedGeneration;
      if (generation !== expectedGeneration) {
        logger?.warn(
          { oaId, expectedGeneration, generation },
          'zalo token row changed during refresh; storing the newer pair',
        );
      }
      const [saved] = await tx
        .update(zaloTokens)
        .set({
          accessToken: pair.accessToken,
          refreshToken: pair.refreshToken,
          accessExpiresAt: new Date(now + pair.expiresInSeconds * 1000),
          refreshExpiresAt: new Date(now + REFRESH_TOKEN_LIFETIME_MS),
          generation: generation + 1,
          updatedAt: new Date(now),
        })
        .where(eq(zaloTokens.oaId, oaId))
        .returning();
      if (!saved) throw new Error('the token row disappeared');
      return saved;
    });
  } catch (err) {
    logger?.error(
      { oaId, dbErrorCode: dbErrorCode(err) },
      'could not store the refreshed zalo token pair; an admin must authorise the app again',
    );
    throw new MotcuaError(
      ErrorCode.TokenRefreshFailed,
      `Zalo issued new tokens for OA ${oaId} but they could not be stored; an admin must authorise the app again`,
      { cause: safeCause(err) },
    );
  }
}

/** The SQLSTATE of a failed query, if any; driver messages may quote the token values as parameters. */
function dbErrorCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

async function readStatus(deps: TokenStoreDeps, refreshMarginMs: number): Promise<TokenStatus> {
  const row = await selectRow(deps);
  const accessExpiresAt = row?.accessExpiresAt ?? null;
  return {
    oaId: deps.oaId,
    stored: row !== undefined,
    generation: row?.generation ?? 0,
    hasAccessToken: Boolean(row?.accessToken),
    hasRefreshToken: Boolean(row?.refreshToken),
    accessExpiresAt,
    refreshExpiresAt: row?.refreshExpiresAt ?? null,
    refreshDueAt: accessExpiresAt ? new Date(accessExpiresAt.getTime() - refreshMarginMs) : null,
    updatedAt: row?.updatedAt ?? null,
  };
}
