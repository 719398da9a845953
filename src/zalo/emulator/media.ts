import { createHash } from 'node:crypto';
import express, { type Router } from 'express';
import type { EmulatorState } from './state.js';

const PLACEHOLDER_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAAVklEQVR42u3VMREAIAwEwQhDCUqQg4iIwEtEQMvQAA18cTMnYJt8rHhIZYAAqYN6S3OfQYvmxGSPNVsTIEDCILkrU9whXgcgQB6Wa5YKECBAgAABumwAikLOc3IDvt4AAAAASUVORK5CYII=',
  'base64',
);

const STICKER_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">
<circle cx="60" cy="60" r="54" fill="#ffd43b" stroke="#f0a500" stroke-width="4"/>
<circle cx="42" cy="48" r="7" fill="#3b2a00"/><circle cx="78" cy="48" r="7" fill="#3b2a00"/>
<path d="M34 72 Q60 98 86 72" fill="none" stroke="#3b2a00" stroke-width="7" stroke-linecap="round"/></svg>`;

const PLACEHOLDER_PDF = Buffer.from(
  [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj',
    '4 0 obj << /Length 58 >> stream',
    'BT /F1 18 Tf 24 72 Td (Zalo emulator test file) Tj ET',
    'endstream endobj',
    '5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n'),
);

/** Media the emulator serves without any upload (defaults for residents' attachments). */
export const BUILTIN_MEDIA: Record<string, { mime: string; data: Buffer; name: string }> = {
  'placeholder.png': { mime: 'image/png', data: PLACEHOLDER_PNG, name: 'anh-hien-truong.png' },
  'sticker.svg': { mime: 'image/svg+xml', data: Buffer.from(STICKER_SVG), name: 'sticker.svg' },
  'placeholder.pdf': { mime: 'application/pdf', data: PLACEHOLDER_PDF, name: 'don-de-nghi.pdf' },
};

/** Detects JPEG/PNG/GIF/PDF by magic bytes. */
export function sniffMime(data: Buffer): string | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (data.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'application/zip';
  if (data.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) return 'application/msword';
  return undefined;
}

/** Initials for an avatar: the last two words of a person's name ("Thị Lan" → "TL"). */
export function initialsOf(name: string): string {
  const words = name
    .replace(/\([^)]*\)/g, ' ')
    .split(/\s+/)
    .filter((w) => /\p{L}/u.test(w));
  return (
    words
      .slice(-2)
      .map((w) => Array.from(w.replace(/^[^\p{L}]+/u, ''))[0] ?? '')
      .join('')
      .toUpperCase() || '?'
  );
}

/** A round avatar with the given initials, as SVG (no network needed). */
export function avatarSvg(initials: string, seed: string): string {
  const hue = createHash('sha256').update(seed).digest()[0]! * 1.4;
  const escaped = initials.replace(/[<>&"]/g, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240"><circle cx="120" cy="120" r="120" fill="hsl(${hue.toFixed(0)},55%,52%)"/><text x="120" y="138" font-family="Arial,Helvetica,sans-serif" font-size="92" fill="#fff" text-anchor="middle" dominant-baseline="middle">${escaped}</text></svg>`;
}

/** Routes that serve uploaded media, built-in placeholders and avatars. */
export function createMediaRouter(deps: { state: EmulatorState; oaName: string }): Router {
  const router = express.Router();
  router.get('/media/:id', (req, res) => {
    const id = req.params.id;
    const builtin = BUILTIN_MEDIA[id];
    const upload = builtin ? undefined : deps.state.uploads.get(id);
    const data = builtin?.data ?? upload?.data;
    if (!data) {
      res
        .status(upload ? 410 : 404)
        .json({ error: upload ? 'media bytes no longer kept' : 'unknown media id' });
      return;
    }
    const name = builtin?.name ?? upload?.name ?? id;
    res.setHeader('Content-Type', builtin?.mime ?? upload?.mime ?? 'application/octet-stream');
    res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(name)}`);
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(data);
  });
  router.get('/avatar/:id', (req, res) => {
    const id = req.params.id.replace(/\.svg$/, '');
    const initials = id === 'oa' ? 'OA' : initialsOf(deps.state.user(id)?.displayName ?? id);
    res.setHeader('Content-Type', 'image/svg+xml; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.send(avatarSvg(initials, id));
  });
  return router;
}
