import { readFileSync } from 'node:fs';
import { EMULATOR_CREDENTIALS } from '../src/config.js';
import { zaloSignatureHeader } from '../src/zalo/signature.js';
import type { RequestSpec } from './load.js';

type Fixture = Record<string, unknown> & { message: Record<string, unknown> };

const FIXTURE = JSON.parse(
  readFileSync(new URL('../test/fixtures/zalo/user_send_text.json', import.meta.url), 'utf8'),
) as Fixture;

/** The resident id for index `n`: a 19-digit numeric string like Zalo's. */
export function residentId(n: number): string {
  return `24684588${String(n).padStart(11, '0')}`;
}

/**
 * Builds signed `user_send_text` deliveries shaped exactly like the captured
 * fixture (same keys, same order), each with a unique msg_id, from `users`
 * residents, signed with the emulator credentials like Zalo signs them.
 */
export function signedTextEvents(opts: { runTag: string; users: number; path?: string }) {
  const creds = EMULATOR_CREDENTIALS;
  const text = String(FIXTURE.message.text);
  return (i: number): RequestSpec => {
    const n = (i * 7919) % opts.users;
    const timestamp = String(Date.now());
    const body = JSON.stringify({
      ...FIXTURE,
      app_id: creds.appId,
      user_id_by_app: `55217700${String(n).padStart(11, '0')}`,
      timestamp,
      sender: { id: residentId(n) },
      recipient: { id: creds.oaId },
      message: { msg_id: `${opts.runTag}${i.toString(16).padStart(12, '0')}`, text },
    });
    return {
      method: 'POST',
      path: opts.path ?? '/webhooks/zalo',
      headers: {
        'content-type': 'application/json',
        'x-zevent-signature': zaloSignatureHeader(creds.appId, body, timestamp, creds.oaSecretKey),
      },
      body,
    };
  };
}
