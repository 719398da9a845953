import type { Request, Response } from 'express';

/** Absolute URL of the emulator root (e.g. `http://127.0.0.1:3000/emulator`), set by the top router. */
export function emulatorBase(res: Response): string {
  const base = (res.locals as { emulatorBase?: unknown }).emulatorBase;
  return typeof base === 'string' ? base : '';
}

/** Computes the emulator root URL from a request reaching the top router. */
export function baseFromRequest(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
}

/** Reads Zalo's `?data=<url-encoded JSON>` query parameter; `undefined` when absent, `null` when malformed. */
export function readDataParam(req: Request): Record<string, unknown> | undefined | null {
  const raw = (req.query as Record<string, unknown>).data;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') return null;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Reads an optional whole number from a parsed JSON object; `null` when present but invalid. */
export function readInt(obj: Record<string, unknown>, key: string, fallback: number): number | null {
  const v = obj[key];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : null;
}

/** Reads an id that may arrive as a JSON string or (imprecisely) as a number. */
export function readId(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A JSON request body as an object, also when an outer raw/text parser already consumed it. */
export function jsonBody(body: unknown): unknown {
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    try {
      return JSON.parse(body.toString()) as unknown;
    } catch {
      return undefined;
    }
  }
  return body;
}

/** A form-urlencoded request body as an object, also when an outer raw/text parser already consumed it. */
export function formBody(body: unknown): Record<string, unknown> {
  if (Buffer.isBuffer(body) || typeof body === 'string')
    return Object.fromEntries(new URLSearchParams(body.toString()));
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}
