import type { Request, Response } from 'express';
import multer from 'multer';

/** The largest image a notice may carry. */
export const IMAGE_MAX_BYTES = 1024 * 1024;

/** An image staff attached, checked to really be a JPG or PNG. */
export interface UploadedImage {
  data: Buffer;
  mime: 'image/jpeg' | 'image/png';
}

/** What reading a compose form gave: its fields are in `req.body`; the image, or a refusal. */
export interface UploadOutcome {
  image?: UploadedImage;
  refused: boolean;
}

/** Reads a compose request (multipart or urlencoded): fields into `req.body`, the image checked. */
export type ComposeReader = (req: Request, res: Response) => Promise<UploadOutcome>;

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

/** The image type the bytes themselves say, whatever the browser claimed. */
export function sniffImage(data: Buffer): UploadedImage['mime'] | undefined {
  if (data.subarray(0, PNG.length).equals(PNG)) return 'image/png';
  if (data.subarray(0, JPEG.length).equals(JPEG)) return 'image/jpeg';
  return undefined;
}

class RefusedImage extends Error {}

/**
 * A multipart reader for the compose form (multer, in memory): one `image` file of at most 1 MB,
 * JPG or PNG by its bytes, a bounded number of small fields. The console's CSRF guard has already
 * checked the token (sent in the form action's query) before any of the body is read. A request
 * that is not multipart passes untouched (its fields were read by the console's form parser).
 */
export function createComposeReader(): ComposeReader {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: IMAGE_MAX_BYTES, files: 1, fields: 200, fieldSize: 16 * 1024, parts: 210 },
    fileFilter: (_req, file, accept) => {
      if (file.fieldname !== 'image') return accept(new RefusedImage('unexpected file field'));
      if (!file.originalname) return accept(null, false);
      if (!/^image\/(jpeg|png)$/.test(file.mimetype)) return accept(new RefusedImage('not a JPG or PNG'));
      accept(null, true);
    },
  }).single('image');
  return (req, res) =>
    new Promise<UploadOutcome>((resolve, reject) => {
      parse(req, res, (err: unknown) => {
        if (err instanceof multer.MulterError || err instanceof RefusedImage)
          return resolve({ refused: true });
        if (err) return reject(err instanceof Error ? err : new Error('reading the form failed'));
        const file = req.file;
        if (!file || file.size === 0) return resolve({ refused: false });
        const mime = sniffImage(file.buffer);
        resolve(mime ? { image: { data: file.buffer, mime }, refused: false } : { refused: true });
      });
    });
}
