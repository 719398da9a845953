import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeZaloMac, verifyZaloSignature } from '../../src/zalo/signature.js';

const creds = { appId: '3608465000000000001', oaSecretKey: 'oa-secret-for-tests' };
const body = Buffer.from('{"event_name":"user_send_text","timestamp":"1735689600000"}');

describe('Zalo webhook signature', () => {
  it('is the plain SHA-256 of app id + raw body + timestamp + OA secret key', () => {
    const expected = createHash('sha256')
      .update(`${creds.appId}${body.toString()}1735689600000${creds.oaSecretKey}`)
      .digest('hex');
    expect(computeZaloMac(creds.appId, body, '1735689600000', creds.oaSecretKey)).toBe(expected);
  });

  it('accepts the mac= header Zalo sends', () => {
    const mac = computeZaloMac(creds.appId, body, '1735689600000', creds.oaSecretKey);
    const check = verifyZaloSignature({
      header: `mac=${mac}`,
      rawBody: body,
      timestamp: '1735689600000',
      ...creds,
    });
    expect(check).toEqual({ ok: true });
  });

  it('rejects a body changed by one byte', () => {
    const mac = computeZaloMac(creds.appId, body, '1735689600000', creds.oaSecretKey);
    const tampered = Buffer.from(body.toString().replace('text', 'texT'));
    const check = verifyZaloSignature({
      header: `mac=${mac}`,
      rawBody: tampered,
      timestamp: '1735689600000',
      ...creds,
    });
    expect(check).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a signature made with the app secret instead of the OA secret key', () => {
    const mac = computeZaloMac(creds.appId, body, '1735689600000', 'app-secret');
    const check = verifyZaloSignature({
      header: `mac=${mac}`,
      rawBody: body,
      timestamp: '1735689600000',
      ...creds,
    });
    expect(check.ok).toBe(false);
  });

  it('tells an unsigned delivery from a malformed header', () => {
    expect(verifyZaloSignature({ header: undefined, rawBody: body, timestamp: '1', ...creds })).toEqual({
      ok: false,
      reason: 'unsigned',
    });
    expect(verifyZaloSignature({ header: 'mac=xyz', rawBody: body, timestamp: '1', ...creds })).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
