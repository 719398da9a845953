import { randomBytes } from 'node:crypto';

/** How the bench's phone photos of papers look: their stated dimensions and their size range. */
export interface PhotoShape {
  width: number;
  height: number;
  /** Smallest and largest file size in bytes; each photo's size is spread evenly between them. */
  minBytes: number;
  maxBytes: number;
}

/** A phone photo of a paper after Zalo's compression: 1600×1200, 300-800 KB. */
export const PHONE_PHOTO: PhotoShape = { width: 1600, height: 1200, minBytes: 300_000, maxBytes: 800_000 };

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** The headers of a baseline JPEG up to its scan: JFIF, one quantisation table, frame (real size), scan. */
function jpegHeaders(width: number, height: number): Buffer {
  const jfif = Buffer.from('JFIF\0\x01\x01\0\0\x48\0\x48\0\0', 'latin1');
  const quant = Buffer.alloc(65);
  for (let i = 1; i < quant.length; i++) quant[i] = 2 + (i % 30);
  const frame = Buffer.alloc(15);
  frame[0] = 8;
  frame.writeUInt16BE(height, 1);
  frame.writeUInt16BE(width, 3);
  frame.set([3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0], 5);
  const scan = Buffer.from([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, jfif),
    segment(0xdb, quant),
    segment(0xc0, frame),
    segment(0xda, scan),
  ]);
}

/** The size of photo `n`: spread over the shape's range by a fixed scramble of `n`, so runs repeat. */
export function photoBytes(shape: PhotoShape, n: number): number {
  const spread = ((n * 2_654_435_761) >>> 0) / 2 ** 32;
  return Math.round(shape.minBytes + spread * (shape.maxBytes - shape.minBytes));
}

/**
 * A JPEG of `size` bytes stating the shape's dimensions: real headers, then random
 * entropy-coded data (no 0xFF bytes, as stuffing would leave them) and the end marker.
 * Random content gives every photo its own hash and leaves nothing to compress.
 */
export function jpegPhoto(shape: PhotoShape, size: number): Buffer {
  const head = jpegHeaders(shape.width, shape.height);
  const out = Buffer.allocUnsafe(Math.max(size, head.length + 2));
  head.copy(out, 0);
  const body = out.subarray(head.length, out.length - 2);
  randomBytes(body.length).copy(body);
  for (let i = 0; i < body.length; i++) if (body[i] === 0xff) body[i] = 0xfe;
  out[out.length - 2] = 0xff;
  out[out.length - 1] = 0xd9;
  return out;
}
