import { createHash } from 'node:crypto';
import { newOpaqueToken } from './ids.js';

const REFRESH_TTL_MS = 90 * 24 * 3600 * 1000;
const CODE_TTL_MS = 10 * 60 * 1000;

/** How an access token presented to the Open API checks out. */
export type AccessCheck = 'ok' | 'invalid' | 'expired';

/** A freshly issued token pair, as the OAuth endpoint returns it. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

/** Result of redeeming a refresh token or an authorization code. */
export type RedeemResult =
  { ok: true; tokens: IssuedTokens } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'verifier' };

/** OA OAuth token bookkeeping: access tokens, single-use refresh tokens and codes. */
export interface TokenStore {
  /** Checks an access token from the `access_token` header. */
  checkAccess(token: string | undefined): AccessCheck;
  /** Redeems a refresh token once; a second use fails. */
  refresh(refreshToken: string): RedeemResult;
  /** Issues a single-use authorization code (10 minutes) for the OA permission page. */
  issueCode(codeChallenge: string | undefined): string;
  /** Redeems an authorization code, checking the PKCE verifier when a challenge was given. */
  exchangeCode(code: string, codeVerifier: string | undefined): RedeemResult;
  /** Expires one access token, or every live one when none is named; returns how many. */
  expireAccess(token?: string): number;
  /** The newest tokens, for the emulator's own test endpoints. */
  current(): { accessToken?: string; accessExpiresAt?: number; refreshToken?: string };
  /** Forgets everything and starts again from the initial refresh (and access) token. */
  reset(): void;
}

interface AccessRecord {
  expiresAt: number;
}
interface RefreshRecord {
  expiresAt: number;
  used: boolean;
}
interface CodeRecord {
  expiresAt: number;
  used: boolean;
  challenge?: string;
}

/** Creates a token store; times come from `now` so tests can move the clock. */
export function createTokenStore(opts: {
  now: () => number;
  accessTokenTtlSeconds: number;
  initialRefreshToken: string;
  initialAccessToken?: string;
}): TokenStore {
  let access = new Map<string, AccessRecord>();
  let refreshes = new Map<string, RefreshRecord>();
  let codes = new Map<string, CodeRecord>();
  let latestAccess: string | undefined;
  let latestRefresh: string | undefined;

  const issue = (): IssuedTokens => {
    const now = opts.now();
    const accessToken = newOpaqueToken(96);
    const refreshToken = newOpaqueToken(96);
    access.set(accessToken, { expiresAt: now + opts.accessTokenTtlSeconds * 1000 });
    refreshes.set(refreshToken, { expiresAt: now + REFRESH_TTL_MS, used: false });
    latestAccess = accessToken;
    latestRefresh = refreshToken;
    return { accessToken, refreshToken, expiresInSeconds: opts.accessTokenTtlSeconds };
  };

  const seed = () => {
    access = new Map();
    refreshes = new Map();
    codes = new Map();
    const now = opts.now();
    refreshes.set(opts.initialRefreshToken, { expiresAt: now + REFRESH_TTL_MS, used: false });
    latestRefresh = opts.initialRefreshToken;
    latestAccess = undefined;
    if (opts.initialAccessToken) {
      access.set(opts.initialAccessToken, { expiresAt: now + opts.accessTokenTtlSeconds * 1000 });
      latestAccess = opts.initialAccessToken;
    }
  };
  seed();

  return {
    checkAccess(token) {
      if (!token) return 'invalid';
      const rec = access.get(token);
      if (!rec) return 'invalid';
      return rec.expiresAt > opts.now() ? 'ok' : 'expired';
    },
    refresh(refreshToken) {
      const rec = refreshes.get(refreshToken);
      if (!rec) return { ok: false, reason: 'unknown' };
      if (rec.used) return { ok: false, reason: 'used' };
      if (rec.expiresAt <= opts.now()) return { ok: false, reason: 'expired' };
      rec.used = true;
      return { ok: true, tokens: issue() };
    },
    issueCode(codeChallenge) {
      const code = newOpaqueToken(32);
      codes.set(code, {
        expiresAt: opts.now() + CODE_TTL_MS,
        used: false,
        challenge: codeChallenge || undefined,
      });
      return code;
    },
    exchangeCode(code, codeVerifier) {
      const rec = codes.get(code);
      if (!rec) return { ok: false, reason: 'unknown' };
      if (rec.used) return { ok: false, reason: 'used' };
      if (rec.expiresAt <= opts.now()) return { ok: false, reason: 'expired' };
      if (rec.challenge !== undefined) {
        const computed = codeVerifier ? createHash('sha256').update(codeVerifier).digest('base64url') : '';
        if (computed !== rec.challenge) return { ok: false, reason: 'verifier' };
      }
      rec.used = true;
      return { ok: true, tokens: issue() };
    },
    expireAccess(token) {
      const now = opts.now();
      let n = 0;
      for (const [t, rec] of access) {
        if ((token === undefined || t === token) && rec.expiresAt > now) {
          rec.expiresAt = now;
          n++;
        }
      }
      return n;
    },
    current() {
      const rec = latestAccess ? access.get(latestAccess) : undefined;
      return { accessToken: latestAccess, accessExpiresAt: rec?.expiresAt, refreshToken: latestRefresh };
    },
    reset: seed,
  };
}
