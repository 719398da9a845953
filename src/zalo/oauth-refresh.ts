import axios, { type AxiosInstance } from 'axios';
import { ErrorCode, MotcuaError } from '../errors.js';
import type { Logger } from '../log.js';
import { ZaloApiError, zaloHttpErrorFrom } from './errors.js';
import { isSafeToRetryIdempotent, twoRetriesInFiveSeconds, withRetry, type RetryPolicy } from './retry.js';
import { describeFailure, safeCause } from './token-errors.js';

/** A new access/refresh pair as Zalo issued it. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

/** What the OAuth refresh call needs. */
export interface OAuthRefreshDeps {
  oaId: string;
  appId: string;
  appSecret: string;
  /** e.g. https://oauth.zaloapp.com, no trailing slash. */
  oauthBase: string;
  http?: AxiosInstance;
  /** Timeout of one OAuth call. */
  timeoutMs?: number;
  /** Retries of the OAuth call on -32 and transport failures. */
  retry?: RetryPolicy;
  logger?: Logger;
}

/** Spends `refreshToken` for a new pair, calling `extendLock` before each retry. */
export type FetchNewPair = (refreshToken: string, extendLock: () => Promise<void>) => Promise<TokenPair>;

const OAUTH_PATH = '/v4/oa/access_token';
const DEFAULT_EXPIRES_IN_SECONDS = 90_000;

/** Builds the OAuth v4 refresh call; its last failure becomes TokenRefreshFailed, with secrets scrubbed. */
export function createOAuthRefresh(deps: OAuthRefreshDeps): FetchNewPair {
  const http = deps.http ?? axios.create();
  return (refreshToken, extendLock) => fetchNewPair(deps, http, refreshToken, extendLock);
}

/** Calls the OAuth endpoint (retrying -32 and transport failures), mapping the last failure to TokenRefreshFailed. */
async function fetchNewPair(
  deps: OAuthRefreshDeps,
  http: AxiosInstance,
  refreshToken: string,
  extendLock: () => Promise<void>,
): Promise<TokenPair> {
  const { oaId, logger } = deps;
  try {
    return await withRetry(
      async (attempt) => {
        if (attempt > 1) await extendLock();
        return await requestPair(deps, http, refreshToken);
      },
      deps.retry ?? twoRetriesInFiveSeconds,
      {
        shouldRetry: isSafeToRetryIdempotent,
        onRetry: ({ attempt, delayMs, error }) =>
          logger?.warn(
            { oaId, attempt, delayMs, reason: describeFailure(error) },
            'zalo token refresh failed; retrying',
          ),
      },
    );
  } catch (err) {
    logger?.error({ oaId, reason: describeFailure(err) }, 'zalo token refresh failed');
    if (err instanceof MotcuaError) throw err;
    throw new MotcuaError(
      ErrorCode.TokenRefreshFailed,
      `Could not refresh the Zalo access token of OA ${oaId}: ${describeFailure(err)}`,
      { cause: safeCause(err) },
    );
  }
}

async function requestPair(
  deps: OAuthRefreshDeps,
  http: AxiosInstance,
  refreshToken: string,
): Promise<TokenPair> {
  const { appId, appSecret, oauthBase } = deps;
  const form = new URLSearchParams({
    refresh_token: refreshToken,
    app_id: appId,
    grant_type: 'refresh_token',
  });
  let body: unknown;
  try {
    const response = await http.request<unknown>({
      method: 'POST',
      url: oauthBase + OAUTH_PATH,
      data: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: appSecret },
      timeout: deps.timeoutMs ?? 10_000,
      maxRedirects: 0,
      responseType: 'json',
      validateStatus: (status) => status >= 200 && status < 300,
    });
    body = response.data;
  } catch (err) {
    throw zaloHttpErrorFrom(err, OAUTH_PATH);
  }
  return parsePair(body, [refreshToken, appSecret], deps.oaId);
}

/** Reads Zalo's flat answer; `expires_in` arrives as a string of seconds. */
function parsePair(body: unknown, secrets: string[], oaId: string): TokenPair {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = Number(b.error ?? 0);
  if (code !== 0) throw new ZaloApiError(code, scrub(oauthErrorText(b), secrets), OAUTH_PATH);
  if (
    typeof b.access_token !== 'string' ||
    !b.access_token ||
    typeof b.refresh_token !== 'string' ||
    !b.refresh_token
  ) {
    throw new MotcuaError(
      ErrorCode.TokenRefreshFailed,
      `Zalo answered the token refresh of OA ${oaId} without a token pair`,
    );
  }
  const expiresIn = Number(b.expires_in);
  return {
    accessToken: b.access_token,
    refreshToken: b.refresh_token,
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_SECONDS,
  };
}

function oauthErrorText(b: Record<string, unknown>): string {
  const parts = [b.error_name, b.error_reason, b.error_description, b.message].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  return parts.join('; ') || 'no description';
}

/** Removes any secret that an error text might echo back. */
function scrub(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join('[redacted]'), text);
}
