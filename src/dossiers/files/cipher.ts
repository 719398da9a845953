import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ErrorCode, MotcuaError } from '../../errors.js';

/**
 * Sealed document layout: `MCF1` | 12-byte IV | AES-256-GCM ciphertext | 16-byte tag.
 * The magic and the caller's context (the stored file's id) are authenticated
 * with the content, so bytes copied onto another record do not open.
 */

/** The first four bytes of every sealed document; the digit is the format version. */
export const SEALED_MAGIC = Buffer.from('MCF1', 'ascii');

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HEADER_BYTES = SEALED_MAGIC.length + IV_BYTES;

/** Encrypts `plaintext` under `key` (32 bytes), bound to `context`. */
export function sealFile(key: Buffer, plaintext: Buffer, context: string): Buffer {
  if (key.length !== KEY_BYTES) throw new RangeError(`the files key must be ${KEY_BYTES} bytes`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([SEALED_MAGIC, iv, body, cipher.getAuthTag()]);
}

/** Decrypts what {@link sealFile} produced; any mismatch throws MotcuaError FileUnreadable. */
export function openFile(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (
    sealed.length < HEADER_BYTES + TAG_BYTES ||
    !sealed.subarray(0, SEALED_MAGIC.length).equals(SEALED_MAGIC)
  ) {
    throw new MotcuaError(ErrorCode.FileUnreadable, 'the stored file is not a sealed document');
  }
  try {
    const iv = sealed.subarray(SEALED_MAGIC.length, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(context));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const body = sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new MotcuaError(
      ErrorCode.FileUnreadable,
      'the stored file does not decrypt: wrong key, altered bytes or another record',
    );
  }
}

function additionalData(context: string): Buffer {
  return Buffer.concat([SEALED_MAGIC, Buffer.from(context, 'utf8')]);
}
