import { ErrorCode, MotcuaError } from '../errors.js';
import type { Logger } from '../log.js';
import type { FetchNewPair } from './oauth-refresh.js';
import type { RefreshLock } from '../redis/lock.js';
import { sleep } from './retry.js';
import type { TokenRow, TokenStore } from './token-store.js';

/** What coordinating one OA's refresh across processes needs; waits use the real clock. */
export interface RefreshCoordinatorDeps {
  oaId: string;
  store: TokenStore;
  lock: RefreshLock;
  fetchNewPair: FetchNewPair;
  /** How often a waiter re-reads the row while another process refreshes. */
  pollIntervalMs: number;
  logger?: Logger;
}

/** Gets a row newer than a seen generation: refreshes while holding the lock, or waits for the holder's pair. */
export type CoordinateRefresh = (seenGeneration: number) => Promise<TokenRow>;

/** Builds the refresh that lets one process at a time spend the refresh token and stores the new pair first. */
export function createRefreshCoordinator(deps: RefreshCoordinatorDeps): CoordinateRefresh {
  return (seenGeneration) => coordinateRefresh(deps, seenGeneration);
}

async function coordinateRefresh(deps: RefreshCoordinatorDeps, seenGeneration: number): Promise<TokenRow> {
  const { lock } = deps;
  const deadline = Date.now() + lock.ttlMs + 15_000;
  for (;;) {
    const held = await lock.acquire();
    if (held) return refreshHoldingLock(deps, seenGeneration, held);
    const stored = await waitForOtherRefresher(deps, seenGeneration, deadline);
    if (stored) return stored;
    if (Date.now() > deadline) {
      throw new MotcuaError(
        ErrorCode.TokenRefreshFailed,
        `Timed out waiting for another process to refresh the Zalo token of OA ${deps.oaId}`,
      );
    }
  }
}

/** Polls the row until its generation moves (returns the new row) or the lock frees (returns undefined). */
async function waitForOtherRefresher(
  deps: RefreshCoordinatorDeps,
  seenGeneration: number,
  deadline: number,
): Promise<TokenRow | undefined> {
  while (Date.now() <= deadline) {
    await sleep(deps.pollIntervalMs);
    const row = await deps.store.load();
    if (row.generation !== seenGeneration) return row;
    if (!(await deps.lock.isHeld())) return undefined;
  }
  return undefined;
}

async function refreshHoldingLock(
  deps: RefreshCoordinatorDeps,
  seenGeneration: number,
  lockValue: string,
): Promise<TokenRow> {
  const { store, lock } = deps;
  try {
    const row = await store.load();
    if (row.generation !== seenGeneration) return row;
    const pair = await deps.fetchNewPair(requireRefreshToken(row, deps.oaId), () => lock.extend(lockValue));
    const saved = await store.storePair(pair, row.generation);
    deps.logger?.info({ oaId: deps.oaId, generation: saved.generation }, 'zalo access token refreshed');
    return saved;
  } finally {
    await lock.release(lockValue);
  }
}

function requireRefreshToken(row: TokenRow, oaId: string): string {
  if (row.refreshToken) return row.refreshToken;
  throw new MotcuaError(
    ErrorCode.TokenMissing,
    `No Zalo refresh token is stored for OA ${oaId}; an admin must authorise the app again`,
  );
}
