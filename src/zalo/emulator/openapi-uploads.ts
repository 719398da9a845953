import express, { type Request, type Response, type Router } from 'express';
import { invalidParam, zaloError, ZaloErrorCode } from './errors.js';
import { newOpaqueToken } from './ids.js';
import { sniffMime } from './media.js';
import { multipartBoundary, parseMultipart, type MultipartPart } from './multipart.js';
import { replyZalo } from './openapi-pipeline.js';
import type { EmulatorState, StoredUpload } from './state.js';

/** Zalo's upload size limits. */
export const UPLOAD_LIMITS = { image: 1024 * 1024, gif: 1024 * 1024, file: 5 * 1024 * 1024 } as const;

const RAW_LIMIT = UPLOAD_LIMITS.file + 256 * 1024;

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const ACCEPTED: Record<keyof typeof UPLOAD_LIMITS, Record<string, string>> = {
  image: { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' },
  gif: { gif: 'image/gif' },
  file: { pdf: 'application/pdf', doc: 'application/msword', docx: DOCX },
};

/** `POST /v2.0/oa/upload/{image,gif,file}`: multipart field `file`. */
export function createUploadRoutes(deps: { state: EmulatorState }): Router {
  const { state } = deps;
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: RAW_LIMIT });

  const handle = (kind: keyof typeof UPLOAD_LIMITS) => (req: Request, res: Response) => {
    const boundary = multipartBoundary(req.get('content-type'));
    if (!boundary || !Buffer.isBuffer(req.body)) return replyZalo(state, res, invalidParam('file'));
    const parts = parseMultipart(req.body, boundary);
    const part = parts.find((p) => p.name === 'file');
    if (!part || part.data.length === 0) return replyZalo(state, res, invalidParam('file'));
    if (part.data.length > UPLOAD_LIMITS[kind])
      return replyZalo(state, res, zaloError(ZaloErrorCode.ParamTooLarge));
    const mime = acceptedMime(kind, part);
    if (!mime) return replyZalo(state, res, invalidParam('file'));
    const id = newOpaqueToken(kind === 'file' ? 48 : 32);
    const upload: StoredUpload = {
      id,
      kind,
      name: part.filename || `${id}.${mime.split('/')[1] ?? 'bin'}`,
      mime,
      size: part.data.length,
      createdAt: state.now(),
      data: Buffer.from(part.data),
    };
    state.addUpload(upload);
    state.counters.uploads++;
    const data = kind === 'file' ? { token: id } : { attachment_id: id };
    replyZalo(state, res, { error: 0, message: 'Success', data });
  };

  router.post('/v2.0/oa/upload/image', raw, handle('image'));
  router.post('/v2.0/oa/upload/gif', raw, handle('gif'));
  router.post('/v2.0/oa/upload/file', raw, handle('file'));
  return router;
}

function acceptedMime(kind: keyof typeof UPLOAD_LIMITS, part: MultipartPart): string | undefined {
  const byExt = ACCEPTED[kind];
  const allowed = new Set(Object.values(byExt));
  const sniffed = sniffMime(part.data);
  if (sniffed && allowed.has(sniffed)) return sniffed;
  if (sniffed === 'application/zip' && kind === 'file' && /\.docx$/i.test(part.filename ?? '')) return DOCX;
  const ext = /\.([A-Za-z0-9]+)$/.exec(part.filename ?? '')?.[1]?.toLowerCase();
  const declared = part.contentType?.split(';')[0]?.trim();
  if (declared && allowed.has(declared)) return declared;
  if (ext && byExt[ext] && (!declared || declared === 'application/octet-stream')) return byExt[ext];
  return undefined;
}
