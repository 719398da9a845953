import { imageSize } from 'image-size';

/**
 * What a resident's photo or file really is, judged from its bytes alone (the
 * URL, file name and headers Zalo passes along are never trusted), and whether
 * the office can use it.
 */

/** Why a photo or file is refused; each has its own message to the resident. */
export type MediaRefusal = 'empty' | 'too_large' | 'not_allowed' | 'not_image' | 'too_small' | 'unreadable';

/** What a message slot accepts. */
export interface MediaRules {
  /** 'image' takes photos only; 'file' takes a PDF or a photo. */
  kind: 'image' | 'file';
  maxBytes: number;
  /** A photo whose shorter side has fewer pixels cannot be read by the officer. */
  minImageSide: number;
}

/** The verdict of {@link inspectMedia}; dimensions are given for images, as displayed. */
export type MediaInspection =
  { ok: true; mime: string; width?: number; height?: number } | { ok: false; reason: MediaRefusal };

/** A photo slot taking up to 10 MiB, at least 320 pixels on the shorter side. */
export const DEFAULT_MEDIA_RULES: Readonly<MediaRules> = Object.freeze({
  kind: 'image',
  maxBytes: 10 * 1024 * 1024,
  minImageSide: 320,
});

/** Image types accepted from residents. */
const ACCEPTED_IMAGES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif']);

/** Checks size, type from magic bytes, and for images their dimensions. */
export function inspectMedia(bytes: Buffer, rules: MediaRules): MediaInspection {
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  if (bytes.length > rules.maxBytes) return { ok: false, reason: 'too_large' };
  const mime = sniffMime(bytes);
  if (mime === 'application/pdf') {
    if (rules.kind === 'image') return { ok: false, reason: 'not_image' };
    return hasPdfEnd(bytes) ? { ok: true, mime } : { ok: false, reason: 'unreadable' };
  }
  if (mime === undefined || !mime.startsWith('image/')) {
    return { ok: false, reason: rules.kind === 'image' ? 'not_image' : 'not_allowed' };
  }
  if (!ACCEPTED_IMAGES.has(mime)) return { ok: false, reason: 'not_allowed' };
  const size = displayedSize(bytes);
  if (!size) return { ok: false, reason: 'unreadable' };
  if (Math.min(size.width, size.height) < rules.minImageSide) return { ok: false, reason: 'too_small' };
  return { ok: true, mime, ...size };
}

/** The media type the leading bytes announce, including image types that are then refused. */
export function sniffMime(bytes: Buffer): string | undefined {
  const ascii = (start: number, end: number) => bytes.toString('latin1', start, end);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(0, 5) === '%PDF-') return 'application/pdf';
  if (ascii(4, 8) === 'ftyp') return isoMediaMime(bytes);
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'image/tiff';
  if (ascii(0, 2) === 'BM' && bytes.length >= 26 && bytes.readUInt32LE(6) === 0) return 'image/bmp';
  return undefined;
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** HEIC/HEIF (and AVIF, refused later) from the `ftyp` box's major and compatible brands. */
function isoMediaMime(bytes: Buffer): string | undefined {
  const boxSize = bytes.readUInt32BE(0);
  const end = Math.min(bytes.length, boxSize >= 16 ? boxSize : 16);
  const brands = [bytes.toString('latin1', 8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(bytes.toString('latin1', at, at + 4));
  const major = brands[0] ?? '';
  if (AVIF_BRANDS.has(major)) return 'image/avif';
  if (HEIC_BRANDS.has(major)) return 'image/heic';
  if (!HEIF_BRANDS.has(major)) return undefined;
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'image/avif';
  return brands.some((brand) => HEIC_BRANDS.has(brand)) ? 'image/heic' : 'image/heif';
}

/** Width and height as shown (EXIF orientations 5 to 8 turn the picture a quarter). */
function displayedSize(bytes: Buffer): { width: number; height: number } | undefined {
  try {
    const size = imageSize(ownMemory(bytes));
    if (!(size.width > 0 && size.height > 0)) return undefined;
    const turned = size.orientation !== undefined && size.orientation >= 5 && size.orientation <= 8;
    return turned ? { width: size.height, height: size.width } : { width: size.width, height: size.height };
  } catch {
    return undefined;
  }
}

/** `bytes` alone in its memory: the size reader may look past a view's end into a shared pool. */
function ownMemory(bytes: Buffer): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole ? bytes : new Uint8Array(bytes);
}

/** A complete PDF ends with `%%EOF` within its last kilobyte; a cut-off download does not. */
function hasPdfEnd(bytes: Buffer): boolean {
  return bytes.subarray(Math.max(0, bytes.length - 1024)).includes('%%EOF', 0, 'latin1');
}
