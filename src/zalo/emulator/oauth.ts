import express, { type Response, type Router } from 'express';
import { faultMiddleware } from './openapi-pipeline.js';
import { formBody } from './request-helpers.js';
import type { EmulatorState } from './state.js';
import type { IssuedTokens, RedeemResult } from './tokens.js';

/**
 * OAuth failure bodies. Zalo answers HTTP 200 with a negative `error`; the reference
 * documents no distinct code for a spent refresh token, so callers must treat any
 * non-zero `error` from the token endpoint as terminal.
 */
export const OAuthError = {
  InvalidParam: { error: -14001, error_name: 'Invalid parameter' },
  InvalidAppId: { error: -14002, error_name: 'Invalid app_id' },
  InvalidRedirectUri: { error: -14003, error_name: 'Invalid redirect uri' },
  InvalidSecretKey: { error: -14012, error_name: 'Invalid secret key' },
  InvalidRefreshToken: { error: -14014, error_name: 'Invalid refresh token' },
  InvalidCodeVerifier: { error: -14018, error_name: 'Invalid code verifier' },
  InvalidCode: { error: -14019, error_name: 'Invalid oauth code' },
} as const;

type OAuthErrorKind = (typeof OAuthError)[keyof typeof OAuthError];

/** The OA OAuth v4 endpoints (mounted at `/oauth`): token refresh/exchange and the permission page. */
export function createOAuthRouter(deps: {
  state: EmulatorState;
  appId: string;
  appSecret: string;
  oaId: string;
  oaName: string;
}): Router {
  const { state } = deps;
  const router = express.Router();

  const fail = (res: Response, kind: OAuthErrorKind, reason: string) => {
    state.recordReject(kind.error);
    res.json({
      error: kind.error,
      error_name: kind.error_name,
      error_reason: reason,
      error_description: reason,
    });
  };
  const issued = (res: Response, t: IssuedTokens) =>
    res.json({
      access_token: t.accessToken,
      refresh_token: t.refreshToken,
      expires_in: String(t.expiresInSeconds),
    });
  const redeemFailure = (
    result: Exclude<RedeemResult, { ok: true }>,
    what: string,
  ): [OAuthErrorKind, string] => {
    if (result.reason === 'verifier')
      return [OAuthError.InvalidCodeVerifier, 'code_verifier does not match code_challenge'];
    const kind = what === 'code' ? OAuthError.InvalidCode : OAuthError.InvalidRefreshToken;
    const why = { unknown: 'is unknown', used: 'was already used', expired: 'has expired' }[result.reason];
    return [kind, `${what === 'code' ? 'code' : 'refresh_token'} ${why}`];
  };

  router.use(faultMiddleware(state));

  router.post('/v4/oa/access_token', express.urlencoded({ extended: false, limit: '64kb' }), (req, res) => {
    const body = formBody(req.body);
    const grant = body.grant_type;
    const isRefresh = grant === 'refresh_token';
    const failRefresh = (kind: OAuthErrorKind, reason: string) => {
      if (isRefresh) state.counters.refreshFailures++;
      fail(res, kind, reason);
    };
    if (req.get('secret_key') !== deps.appSecret) {
      return failRefresh(OAuthError.InvalidSecretKey, 'header secret_key must be the app secret');
    }
    if (typeof body.app_id !== 'string' || body.app_id === '') {
      return failRefresh(OAuthError.InvalidParam, 'app_id is required (form-urlencoded body)');
    }
    if (body.app_id !== deps.appId)
      return failRefresh(OAuthError.InvalidAppId, 'app_id does not match this app');
    if (isRefresh) {
      if (typeof body.refresh_token !== 'string' || body.refresh_token === '') {
        return failRefresh(OAuthError.InvalidParam, 'refresh_token is required');
      }
      const result = state.tokens.refresh(body.refresh_token);
      if (!result.ok) return failRefresh(...redeemFailure(result, 'refresh_token'));
      state.counters.refreshes++;
      return issued(res, result.tokens);
    }
    if (grant === 'authorization_code') {
      if (typeof body.code !== 'string' || body.code === '')
        return fail(res, OAuthError.InvalidParam, 'code is required');
      const verifier = typeof body.code_verifier === 'string' ? body.code_verifier : undefined;
      const result = state.tokens.exchangeCode(body.code, verifier);
      if (!result.ok) return fail(res, ...redeemFailure(result, 'code'));
      state.counters.codeGrants++;
      return issued(res, result.tokens);
    }
    fail(res, OAuthError.InvalidParam, 'grant_type must be refresh_token or authorization_code');
  });

  router.get('/v4/oa/permission', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const redirect = typeof q.redirect_uri === 'string' ? q.redirect_uri : '';
    let target: URL | undefined;
    try {
      target = new URL(redirect);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') target = undefined;
    } catch {
      target = undefined;
    }
    if (q.app_id !== deps.appId || !target) {
      const code =
        q.app_id !== deps.appId ? OAuthError.InvalidAppId.error : OAuthError.InvalidRedirectUri.error;
      res.status(400).type('html').send(permissionErrorPage(code));
      return;
    }
    const challenge = typeof q.code_challenge === 'string' ? q.code_challenge : undefined;
    target.searchParams.set('code', state.tokens.issueCode(challenge));
    target.searchParams.set('oa_id', deps.oaId);
    if (typeof q.state === 'string') target.searchParams.set('state', q.state);
    res.type('html').send(permissionPage(deps.oaName, target.toString()));
  });

  return router;
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function permissionPage(oaName: string, href: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Cấp quyền — Zalo giả lập</title><style>body{font-family:system-ui,sans-serif;background:#eef3fb;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;padding:28px;border-radius:14px;max-width:420px;box-shadow:0 4px 20px #0002}a.btn{display:inline-block;background:#0068ff;color:#fff;padding:10px 18px;border-radius:8px;text-decoration:none}
.emu{background:#fff3cd;border:1px solid #e0b000;padding:6px 10px;border-radius:6px;font-size:13px}</style></head>
<body><main><p class="emu">GIẢ LẬP ZALO — không phải Zalo thật, thông tin xác thực giả.</p>
<h1>Cấp quyền cho ứng dụng</h1><p>Official Account <b>${escapeHtml(oaName)}</b> cho phép ứng dụng gửi tin và đọc thông tin người quan tâm.</p>
<p><a class="btn" href="${escapeHtml(href)}">Cho phép</a></p></main></body></html>`;
}

function permissionErrorPage(code: number): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Lỗi cấp quyền</title></head><body>
<p>GIẢ LẬP ZALO — error_code=${code}</p></body></html>`;
}
