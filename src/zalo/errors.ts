import { isAxiosError, type AxiosError } from 'axios';

/**
 * Zalo OA Open API failures, split by where they failed. Each class carries one
 * decision the caller (usually a queue worker) acts on. No message or field of
 * these errors ever holds an access token, refresh token or app secret.
 */

/** What a caller should do about a failed Zalo call. */
export type ZaloDecision = 'retry' | 'refresh_token' | 'rate_limited' | 'give_up';

/** Whether a request that failed in transit may have reached Zalo. */
export type ZaloSendOutcome = 'not_sent' | 'unknown';

/** One row of {@link ZALO_ERROR_CODES}: the decision, a stable reason, and Zalo's meaning. */
export interface ZaloErrorInfo {
  decision: ZaloDecision;
  reason: string;
  description: string;
}

const row = (decision: ZaloDecision, reason: string, description: string): ZaloErrorInfo => ({
  decision,
  reason,
  description,
});

/**
 * Every OA Open API error code we know (platform reference §2.7), keyed by code.
 * The window class (-213 -217 -227 -230 -232 -234 -244) means "cannot message this
 * user now": mark the message failed, never retry it.
 */
export const ZALO_ERROR_CODES: Readonly<Record<number, ZaloErrorInfo>> = Object.freeze({
  [-32]: row('rate_limited', 'rate_limited', 'The app or OA reached its per-minute API call limit'),
  [-100]: row('retry', 'attachment_expired', 'attachment_id expired or unknown; upload again, then resend'),
  [-124]: row('refresh_token', 'access_token_invalid', 'Access token is invalid'),
  [-200]: row('give_up', 'send_failed', 'Send message failed (generic)'),
  [-201]: row('give_up', 'invalid_parameter', 'A request field is invalid'),
  [-204]: row('give_up', 'oa_disabled', 'The Official Account is disabled'),
  [-205]: row('give_up', 'oa_not_found', 'The Official Account does not exist'),
  [-209]: row('give_up', 'api_not_supported', 'API not supported; usually the app is not activated'),
  [-210]: row('give_up', 'parameter_limit_exceeded', 'A parameter exceeds its allowed limit'),
  [-211]: row('give_up', 'out_of_quota', 'The feature quota is exhausted'),
  [-212]: row('give_up', 'api_not_registered', 'The app has not registered the Official Account API'),
  [-213]: row('give_up', 'not_following', 'The user does not follow the OA'),
  [-214]: row('give_up', 'article_processing', 'The article is still being processed'),
  [-216]: row('refresh_token', 'access_token_invalid', 'Access token is invalid'),
  [-217]: row('give_up', 'blocked', 'The user has blocked messages from the OA'),
  [-218]: row('give_up', 'recipient_quota_exceeded', 'The recipient has received all messages allowed'),
  [-219]: row('give_up', 'app_disabled', 'The app is removed or disabled'),
  [-220]: row('refresh_token', 'access_token_expired', 'Access token is expired or removed'),
  [-221]: row('give_up', 'oa_not_verified', 'The OA must be verified to use this feature'),
  [-223]: row('give_up', 'api_not_authorized', 'The OA has not authorised this API, or a quota is used up'),
  [-224]: row('give_up', 'oa_tier_too_low', 'The OA must upgrade its tier package'),
  [-227]: row('give_up', 'inactive_user', 'The user is banned or inactive for more than 45 days'),
  [-230]: row('give_up', 'window_closed', 'The user has not interacted with the OA in the past 7 days'),
  [-232]: row('give_up', 'window_closed', 'The user has not interacted, or the last interaction expired'),
  [-233]: row('give_up', 'message_type_invalid', 'The message type is invalid or not supported'),
  [-234]: row('give_up', 'night_time', 'This message type cannot be sent at night (22:00-06:00)'),
  [-235]: row('give_up', 'oa_type_unsupported', 'The API is not supported for this OA type'),
  [-237]: row('give_up', 'group_disabled', 'The group is disabled'),
  [-238]: row('give_up', 'asset_used', 'The asset_id is already used'),
  [-240]: row('give_up', 'api_v2_shut_down', 'The v2 message API is shut down; use v3'),
  [-241]: row('give_up', 'asset_disabled', 'The asset_id is disabled'),
  [-242]: row('give_up', 'invalid_appsecret_proof', 'The appsecret_proof header is wrong'),
  [-244]: row('give_up', 'restricted', 'The user has restricted this message type from the OA'),
  [-248]: row('give_up', 'content_policy', 'The message violates platform standards'),
  [-249]: row('give_up', 'template_uid_unsupported', 'The template cannot be sent by user id'),
  [-320]: row('give_up', 'zca_not_linked', 'The app must be linked to a Zalo Cloud Account'),
  [-321]: row('give_up', 'zca_out_of_money', 'The Zalo Cloud Account has run out of money'),
});

/** The decision and stable reason for a Zalo `error` code; unknown codes give up as `zalo_error_<code>`. */
export function decisionForCode(code: number): { decision: ZaloDecision; reason: string } {
  const info = ZALO_ERROR_CODES[code];
  if (!info) return { decision: 'give_up', reason: `zalo_error_${code}` };
  return { decision: info.decision, reason: info.reason };
}

/** Zalo answered, and the body's `error` is non-zero (Zalo does this with HTTP 200). */
export class ZaloApiError extends Error {
  /** What to do about it, from {@link decisionForCode}. */
  readonly decision: ZaloDecision;
  /** Stable machine reason, e.g. `window_closed`. */
  readonly reason: string;

  /** Builds the error from the body's `error` and `message`; `path` has no query string. */
  constructor(
    readonly code: number,
    readonly zaloMessage: string,
    readonly path: string,
  ) {
    super(`Zalo ${path} failed with error ${code}: ${zaloMessage}`);
    this.name = 'ZaloApiError';
    const { decision, reason } = decisionForCode(code);
    this.decision = decision;
    this.reason = reason;
  }
}

/**
 * No usable answer from Zalo: network failure, timeout, or a non-2xx status.
 * `outcome` says whether the request may have been processed; a POST send with
 * `unknown` must not be repeated blindly (the resident could get it twice).
 */
export class ZaloHttpError extends Error {
  /** Network failures are transient by nature; whether to repeat depends on `outcome`. */
  readonly decision = 'retry' as const;

  /** Builds the error; `detail` must be free of secrets (it never includes request headers). */
  constructor(
    readonly path: string,
    readonly outcome: ZaloSendOutcome,
    detail: string,
    readonly status?: number,
    readonly networkCode?: string,
  ) {
    super(`Zalo ${path} ${detail}`);
    this.name = 'ZaloHttpError';
  }
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/**
 * Maps an axios failure to a {@link ZaloHttpError} without keeping the axios
 * error (its config holds the request headers, and so the token).
 */
export function zaloHttpErrorFrom(err: unknown, path: string): ZaloHttpError {
  if (!isAxiosError(err)) return new ZaloHttpError(path, 'unknown', 'failed before a response arrived');
  const status = err.response?.status;
  const code = err.code;
  const outcome = outcomeOf(err);
  const detail = status !== undefined ? `answered HTTP ${status}` : describeNetworkFailure(code);
  return new ZaloHttpError(path, outcome, detail, status, code);
}

function outcomeOf(err: AxiosError): ZaloSendOutcome {
  const status = err.response?.status;
  if (status !== undefined) return status < 500 ? 'not_sent' : 'unknown';
  if (err.code && NOT_SENT_CODES.has(err.code)) return 'not_sent';
  if (err.code && TIMEOUT_CODES.has(err.code)) return 'unknown';
  return requestMayHaveArrived(err.request) ? 'unknown' : 'not_sent';
}

/** A request whose bytes were not all flushed cannot have been processed by the server. */
function requestMayHaveArrived(request: unknown): boolean {
  if (request === undefined || request === null) return false;
  const flushed = (request as { writableFinished?: unknown }).writableFinished;
  return flushed !== false;
}

function describeNetworkFailure(code: string | undefined): string {
  if (code && TIMEOUT_CODES.has(code)) return 'timed out';
  return code ? `failed in transit (${code})` : 'failed in transit';
}
