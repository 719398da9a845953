import { createHash, randomBytes, randomInt } from 'node:crypto';

/** Random hex message id, shaped like Zalo's `msg_id` / `message_id` values. */
export function newMessageId(): string {
  return randomBytes(16).toString('hex');
}

/** Random opaque token (access/refresh token, OAuth code, upload id). */
export function newOpaqueToken(bytes = 48): string {
  return randomBytes(bytes).toString('base64url');
}

/** Random 19-digit numeric id, shaped like a Zalo user id (kept as a string). */
export function newNumericId(): string {
  let id = String(randomInt(1, 10));
  while (id.length < 19) id += String(randomInt(0, 10));
  return id;
}

/** Deterministic app-scoped id for a user (`user_id_by_app`), 19 digits. */
export function appScopedUserId(appId: string, userId: string): string {
  const digest = createHash('sha256').update(`${appId}|${userId}`).digest();
  const n = digest.readBigUInt64BE(0) % 9_000_000_000_000_000_000n;
  return String(n + 1_000_000_000_000_000_000n);
}
