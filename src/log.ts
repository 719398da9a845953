import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths that must never reach a log line: tokens, secrets, and resident content
 * that can carry personal data (message text, phone numbers, ID numbers).
 */
export const REDACT_PATHS = [
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'secret_key',
  'headers.access_token',
  'headers["access_token"]',
  'headers["secret_key"]',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  'text',
  '*.text',
  'phone',
  '*.phone',
  'info',
  '*.info',
];

/** Builds the JSON logger; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, base: { service: 'motcua' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    destination,
  );
}
