import { MotcuaError } from '../errors.js';
import { ZaloApiError, ZaloHttpError } from './errors.js';

/** A reason for a failed token refresh that is safe for logs and error messages: it never quotes a token. */
export function describeFailure(err: unknown): string {
  if (err instanceof ZaloApiError) return `error ${err.code} (${err.zaloMessage})`;
  if (err instanceof ZaloHttpError || err instanceof MotcuaError) return err.message;
  return 'unexpected failure';
}

/** Keeps only causes known to be free of secrets (our own Zalo errors). */
export function safeCause(err: unknown): unknown {
  return err instanceof ZaloApiError || err instanceof ZaloHttpError ? err : undefined;
}
