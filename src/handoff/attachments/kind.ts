import { inspectMedia, sniffMime } from '../../dossiers/files/index.js';

/**
 * What an officer's upload really is, judged from its bytes (the file name and the browser's type
 * are never trusted), and whether Zalo takes it: a JPG/PNG photo up to 1 MB is sent as an image,
 * a PDF/DOC/DOCX up to 5 MB as a file. Anything else is refused before it is stored or sent.
 */

/** Zalo's limit for an uploaded image (JPG/PNG). */
export const IMAGE_MAX_BYTES = 1024 * 1024;
/** Zalo's limit for an uploaded file (PDF/DOC/DOCX); also the upload limit of the console. */
export const FILE_MAX_BYTES = 5 * 1024 * 1024;

/** How an attachment travels to Zalo. */
export type AttachmentKind = 'image' | 'file';

/** Why an upload is refused; each has its own message to the officer. */
export type AttachmentRefusal = 'empty' | 'not_allowed' | 'image_too_large' | 'file_too_large' | 'unreadable';

/** The verdict on an upload; `ext` is the extension its real type has. */
export type AttachmentVerdict =
  | { ok: true; kind: AttachmentKind; mime: string; ext: string; width?: number; height?: number }
  | { ok: false; reason: AttachmentRefusal };

const DOC = 'application/msword';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');

/** Checks type (from magic bytes) and the size Zalo allows for that type. */
export function classifyAttachment(bytes: Buffer): AttachmentVerdict {
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  const mime = sniffMime(bytes);
  if (mime === 'image/jpeg' || mime === 'image/png') {
    if (bytes.length > IMAGE_MAX_BYTES) return { ok: false, reason: 'image_too_large' };
    const seen = inspectMedia(bytes, { kind: 'image', maxBytes: IMAGE_MAX_BYTES, minImageSide: 1 });
    if (!seen.ok) return { ok: false, reason: 'unreadable' };
    const size = seen.width && seen.height ? { width: seen.width, height: seen.height } : {};
    return { ok: true, kind: 'image', mime, ext: mime === 'image/png' ? 'png' : 'jpg', ...size };
  }
  const file = mime === 'application/pdf' ? mime : wordMime(bytes);
  if (!file) return { ok: false, reason: 'not_allowed' };
  if (bytes.length > FILE_MAX_BYTES) return { ok: false, reason: 'file_too_large' };
  if (file === 'application/pdf') {
    const seen = inspectMedia(bytes, { kind: 'file', maxBytes: FILE_MAX_BYTES, minImageSide: 1 });
    if (!seen.ok) return { ok: false, reason: 'unreadable' };
    return { ok: true, kind: 'file', mime: file, ext: 'pdf' };
  }
  return { ok: true, kind: 'file', mime: file, ext: file === DOC ? 'doc' : 'docx' };
}

/**
 * A Word document: DOC is an OLE compound file with a `WordDocument` stream (Excel and PowerPoint
 * files share the container but not the stream); DOCX is a ZIP holding `word/document.xml`.
 */
function wordMime(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(OLE_MAGIC)) {
    return bytes.includes(Buffer.from('WordDocument', 'utf16le')) ? DOC : undefined;
  }
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) {
    const named = (entry: string) => bytes.includes(Buffer.from(entry, 'latin1'));
    return named('[Content_Types].xml') && named('word/document.xml') ? DOCX : undefined;
  }
  return undefined;
}

/** A safe file name for the resident: the officer's base name with the extension of the real type. */
export function attachmentName(given: string | undefined, ext: string): string {
  const stem = (given ?? '')
    .normalize('NFC')
    .replace(/^.*[\\/]/, '')
    .replace(/\.[A-Za-z0-9]{1,8}$/, '');
  const kept = Array.from(stem).filter(
    (c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f && !'"<>|?*:'.includes(c),
  );
  const base = kept.slice(0, 100).join('').trim();
  return `${base || 'tep-dinh-kem'}.${ext}`;
}
