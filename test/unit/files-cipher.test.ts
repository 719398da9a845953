import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openFile, sealFile } from '../../src/dossiers/files/cipher.js';
import { ErrorCode, MotcuaError } from '../../src/errors.js';

const KEY = Buffer.alloc(32, 7);
const CONTEXT = '7a1f3c2e-0d4b-4c8e-9f61-2b5a8e0c4d17';
const PLAINTEXT = Buffer.from('CĂN CƯỚC CÔNG DÂN số 001099012345 — Nguyễn Thị Hoa', 'utf8');

function unreadable(open: () => unknown): MotcuaError {
  try {
    open();
  } catch (err) {
    expect(err).toBeInstanceOf(MotcuaError);
    expect((err as MotcuaError).code).toBe(ErrorCode.FileUnreadable);
    return err as MotcuaError;
  }
  throw new Error('expected the file not to open');
}

describe('sealing documents', () => {
  it('round-trips and lays out magic, IV, ciphertext and tag', () => {
    const sealed = sealFile(KEY, PLAINTEXT, CONTEXT);
    expect(sealed.subarray(0, 4).toString('ascii')).toBe('MCF1');
    expect(sealed.length).toBe(4 + 12 + PLAINTEXT.length + 16);
    expect(sealed.includes(PLAINTEXT)).toBe(false);
    expect(sealed.includes(Buffer.from('001099012345'))).toBe(false);
    expect(openFile(KEY, sealed, CONTEXT).equals(PLAINTEXT)).toBe(true);
  });

  it('uses a fresh IV each time', () => {
    const first = sealFile(KEY, PLAINTEXT, CONTEXT);
    const second = sealFile(KEY, PLAINTEXT, CONTEXT);
    expect(first.subarray(4, 16).equals(second.subarray(4, 16))).toBe(false);
    expect(first.equals(second)).toBe(false);
  });

  it('round-trips an empty document and a large one', () => {
    expect(openFile(KEY, sealFile(KEY, Buffer.alloc(0), CONTEXT), CONTEXT)).toHaveLength(0);
    const big = randomBytes(3 * 1024 * 1024 + 5);
    expect(openFile(KEY, sealFile(KEY, big, CONTEXT), CONTEXT).equals(big)).toBe(true);
  });

  it('does not open under another context (a file moved to another record)', () => {
    const sealed = sealFile(KEY, PLAINTEXT, CONTEXT);
    unreadable(() => openFile(KEY, sealed, '5b0e9d6a-1c3f-4e2a-8d7b-9a6c4e1f0b32'));
    unreadable(() => openFile(KEY, sealed, ''));
  });

  it('does not open under another key, and says so without secrets', () => {
    const sealed = sealFile(KEY, PLAINTEXT, CONTEXT);
    const err = unreadable(() => openFile(Buffer.alloc(32, 8), sealed, CONTEXT));
    expect(err.message).not.toContain(KEY.toString('base64'));
    expect(err.message).not.toContain(KEY.toString('hex'));
    expect(err.message).not.toContain('Nguyễn');
    unreadable(() => openFile(Buffer.alloc(16, 7), sealed, CONTEXT));
  });

  it('detects a changed byte anywhere', () => {
    const sealed = sealFile(KEY, PLAINTEXT, CONTEXT);
    for (const at of [0, 3, 4, 15, 16, 16 + Math.floor(PLAINTEXT.length / 2), sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[at] = (altered[at] ?? 0) ^ 0x01;
      unreadable(() => openFile(KEY, altered, CONTEXT));
    }
  });

  it('refuses truncated or foreign bytes', () => {
    const sealed = sealFile(KEY, PLAINTEXT, CONTEXT);
    unreadable(() => openFile(KEY, sealed.subarray(0, sealed.length - 1), CONTEXT));
    unreadable(() => openFile(KEY, sealed.subarray(0, 31), CONTEXT));
    unreadable(() => openFile(KEY, Buffer.alloc(0), CONTEXT));
    unreadable(() => openFile(KEY, PLAINTEXT, CONTEXT));
  });

  it('refuses to seal with a key of the wrong length', () => {
    expect(() => sealFile(Buffer.alloc(16), PLAINTEXT, CONTEXT)).toThrow(RangeError);
  });
});
