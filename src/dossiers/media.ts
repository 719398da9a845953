import { ErrorCode, hasCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { Attachment } from '../zalo/events.js';
import type { MediaRefusal } from './files/index.js';
import { inspectMedia, type createFileStore, type createMediaDownloader } from './files/index.js';

/** A resident's photo or file, downloaded, checked and stored encrypted before the transaction. */
export type PreparedMedia =
  | {
      ok: true;
      fileId: string;
      path: string;
      sha256: string;
      size: number;
      mime: string;
      width?: number;
      height?: number;
    }
  | { ok: false; reason: MediaRefusal | 'unavailable'; attempts?: number };

/** What preparing media needs. */
export interface MediaDeps {
  downloader: ReturnType<typeof createMediaDownloader>;
  store: ReturnType<typeof createFileStore>;
  maxBytes: number;
  minImageSide: number;
  logger: Pick<Logger, 'warn' | 'info'>;
}

/** The attachments of a message that can be papers: photos and files with a URL. */
export function paperAttachments(attachments: Attachment[]): Array<{ kind: 'image' | 'file'; url: string }> {
  const out: Array<{ kind: 'image' | 'file'; url: string }> = [];
  for (const a of attachments) {
    if ((a.kind === 'image' || a.kind === 'file') && a.url) out.push({ kind: a.kind, url: a.url });
  }
  return out;
}

/**
 * Downloads each attachment at once (Zalo's URLs expire), checks its type and size, and stores it
 * encrypted. Failures are returned, never thrown: the resident is told which photo failed and why.
 */
export async function prepareMedia(
  deps: MediaDeps,
  items: Array<{ kind: 'image' | 'file'; url: string }>,
): Promise<PreparedMedia[]> {
  const out: PreparedMedia[] = [];
  for (const item of items) {
    let bytes: Buffer;
    try {
      ({ bytes } = await deps.downloader.download(item.url));
    } catch (err) {
      if (hasCode(err, ErrorCode.MediaRefused)) {
        out.push({ ok: false, reason: err.message === 'too_large' ? 'too_large' : 'not_allowed' });
        continue;
      }
      const attempts = hasCode(err, ErrorCode.MediaUnavailable) ? attemptsIn(err.message) : undefined;
      deps.logger.warn(
        { err: err instanceof Error ? err.message : 'download failed' },
        'resident media could not be downloaded',
      );
      out.push({ ok: false, reason: 'unavailable', ...(attempts ? { attempts } : {}) });
      continue;
    }
    const checked = inspectMedia(bytes, {
      kind: item.kind,
      maxBytes: deps.maxBytes,
      minImageSide: deps.minImageSide,
    });
    if (!checked.ok) {
      out.push({ ok: false, reason: checked.reason });
      continue;
    }
    const stored = await deps.store.put(bytes);
    out.push({
      ok: true,
      fileId: stored.id,
      path: stored.path,
      sha256: stored.sha256,
      size: stored.size,
      mime: checked.mime,
      ...(checked.width ? { width: checked.width } : {}),
      ...(checked.height ? { height: checked.height } : {}),
    });
  }
  return out;
}

function attemptsIn(message: string): number | undefined {
  const m = /(\d+)\s+attempt/.exec(message);
  return m ? Number(m[1]) : undefined;
}
