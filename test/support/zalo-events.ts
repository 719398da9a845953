import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { zaloSignatureHeader } from '../../src/zalo/signature.js';

/** Names of the captured payloads in test/fixtures/zalo. */
export type FixtureName =
  | 'user_send_text'
  | 'user_send_image'
  | 'user_send_file'
  | 'user_send_location'
  | 'user_send_sticker'
  | 'user_send_business_card'
  | 'follow'
  | 'user_submit_info'
  | 'user_click_chatnow'
  | 'user_seen_message'
  | 'oa_send_text';

/** A fixture payload with fields overridden (shallow per top-level key, deep for `message`). */
export function makeZaloEvent(
  name: FixtureName,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const base = JSON.parse(
    readFileSync(new URL(`../fixtures/zalo/${name}.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const message = { ...(base.message as object), ...((overrides.message as object) ?? {}) };
  return { ...base, ...overrides, ...(base.message ? { message } : {}) };
}

/** A text message from `userId` with a fresh msg_id, as Zalo would deliver it. */
export function textEvent(userId: string, text: string, msgId = randomBytes(10).toString('hex')) {
  return makeZaloEvent('user_send_text', {
    timestamp: String(Date.now()),
    sender: { id: userId },
    message: { msg_id: msgId, text },
  });
}

/** Body and headers of a signed delivery, exactly as Zalo sends them. */
export function signedDelivery(
  body: Record<string, unknown> | string,
  creds: { appId: string; oaSecretKey: string } = EMULATOR_CREDENTIALS,
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const ts = typeof body === 'string' || typeof body.timestamp !== 'string' ? '' : body.timestamp;
  return {
    raw,
    headers: {
      'content-type': 'application/json',
      'x-zevent-signature': zaloSignatureHeader(creds.appId, raw, ts, creds.oaSecretKey),
    },
  };
}
