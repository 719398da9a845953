import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Computes Zalo's webhook MAC: lowercase hex SHA-256 over
 * app_id + raw body + timestamp (taken from the body) + OA secret key.
 * It is a plain hash of the concatenation, not an HMAC.
 */
export function computeZaloMac(
  appId: string,
  rawBody: Buffer | string,
  timestamp: string,
  oaSecretKey: string,
): string {
  return createHash('sha256')
    .update(appId)
    .update(rawBody)
    .update(timestamp)
    .update(oaSecretKey)
    .digest('hex');
}

/** The `X-ZEvent-Signature` header value Zalo sends for a body: `mac=<hex>`. */
export function zaloSignatureHeader(
  appId: string,
  rawBody: Buffer | string,
  timestamp: string,
  oaSecretKey: string,
) {
  return `mac=${computeZaloMac(appId, rawBody, timestamp, oaSecretKey)}`;
}

/** Outcome of checking a delivery's signature; `unsigned` is how the Zalo console's test POST looks. */
export type SignatureCheck = { ok: true } | { ok: false; reason: 'unsigned' | 'malformed' | 'mismatch' };

/**
 * Verifies a webhook signature in constant time. Pure: the caller passes the
 * raw bytes exactly as received and the timestamp read from inside the body.
 */
export function verifyZaloSignature(args: {
  header: string | undefined;
  rawBody: Buffer;
  timestamp: string;
  appId: string;
  oaSecretKey: string;
}): SignatureCheck {
  const header = args.header?.trim();
  if (!header) return { ok: false, reason: 'unsigned' };
  const hex = header.startsWith('mac=') ? header.slice(4) : header;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(
    computeZaloMac(args.appId, args.rawBody, args.timestamp, args.oaSecretKey),
    'hex',
  );
  const given = Buffer.from(hex.toLowerCase(), 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
