/**
 * The project's own coded errors. Each code is stable, documented here, and
 * maps to one decision wherever it is caught (HTTP status or queue decision).
 */

/** Stable error codes raised by motcua itself (Zalo API errors live in zalo/errors.ts). */
export const ErrorCode = {
  /** An environment variable is missing or malformed; the process refuses to start. */
  ConfigInvalid: 'MC_ERR_CONFIG_INVALID',
  /** Redis is configured in a way that can lose jobs (eviction policy, no AOF). */
  RedisNotDurable: 'MC_ERR_REDIS_NOT_DURABLE',
  /** The embedded redis-server could not be found or started. */
  RedisUnavailable: 'MC_ERR_REDIS_UNAVAILABLE',
  /** A webhook delivery could not be made durable; Zalo must retry (HTTP 503). */
  StoreUnavailable: 'MC_ERR_STORE_UNAVAILABLE',
  /** A webhook body is not a JSON object Zalo would send (HTTP 400). */
  EventMalformed: 'MC_ERR_EVENT_MALFORMED',
  /** A webhook signature is missing the expected value or does not match (HTTP 401). */
  SignatureInvalid: 'MC_ERR_SIGNATURE_INVALID',
  /** A webhook body is larger than the configured limit (HTTP 413). */
  BodyTooLarge: 'MC_ERR_BODY_TOO_LARGE',
  /** No Zalo access token is stored and none can be obtained; an admin must authorise. */
  TokenMissing: 'MC_ERR_TOKEN_MISSING',
  /** The refresh call failed; the stored refresh token may be spent. An admin must re-authorise. */
  TokenRefreshFailed: 'MC_ERR_TOKEN_REFRESH_FAILED',
  /** An `oa_send_*` echo arrived while a send to the same resident was still in flight; the job retries. */
  EchoAheadOfSend: 'MC_ERR_ECHO_AHEAD_OF_SEND',
  /** A resident's photo or file could not be downloaded after retries; the resident is asked to send it again. */
  MediaUnavailable: 'MC_ERR_MEDIA_UNAVAILABLE',
  /** A resident's photo or file is refused (type, size, too small, duplicate); the reason is told to the resident. */
  MediaRefused: 'MC_ERR_MEDIA_REFUSED',
  /** A stored document does not decrypt (wrong key or altered bytes); nothing is shown and the read is logged. */
  FileUnreadable: 'MC_ERR_FILE_UNREADABLE',
  /** A provincial one-stop system did not answer a status lookup usefully; the bot's own records are used. */
  ExternalUnavailable: 'MC_ERR_EXTERNAL_UNAVAILABLE',
} as const;

/** One of the codes in {@link ErrorCode}. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class for every error motcua raises on purpose; `code` never changes meaning. */
export class MotcuaError extends Error {
  /** Builds an error with a stable code and a human message (never containing secrets). */
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MotcuaError';
  }
}

/** True when `err` is a {@link MotcuaError} with the given code. */
export function hasCode(err: unknown, code: ErrorCodeValue): err is MotcuaError {
  return err instanceof MotcuaError && err.code === code;
}
