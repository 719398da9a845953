import { createHash } from 'node:crypto';
import type { Procedure } from '../catalogue/schema.js';

/**
 * A procedure's fingerprint: one short hash per part of what residents are told (fee, papers,
 * time limit…), so a change can be named ("lệ phí thay đổi") and not only noticed. Only the
 * Vietnamese texts count: a fixed English translation is not news for residents. The words the
 * matcher reads (aliases, examples), sources, review marks and supplement reasons are left out.
 * Pure.
 */

/** A part of a procedure that residents are told about. */
export type ProcedurePart =
  | 'name'
  | 'agency'
  | 'who'
  | 'where'
  | 'documents'
  | 'fee'
  | 'time_limit'
  | 'channels'
  | 'result'
  | 'legal'
  | 'notes';

/** Changing this makes every stored fingerprint old; old ones are replaced without a suggestion. */
const VERSION = 'v1';

/** Each part, as the Vietnamese-only projection of the procedure. */
const PARTS: ReadonlyArray<[ProcedurePart, (p: Plain) => unknown]> = [
  ['name', (p) => [p.name, p.short_name]],
  ['agency', (p) => p.agency],
  ['who', (p) => p.who],
  ['where', (p) => p.where],
  ['documents', (p) => p.documents],
  ['fee', (p) => p.fee],
  ['time_limit', (p) => p.time_limit],
  ['channels', (p) => p.channels],
  ['result', (p) => p.result],
  ['legal', (p) => p.legal_basis],
  ['notes', (p) => p.notes],
];

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Replaces every `{vi, en}` text by its Vietnamese side. */
function vietnameseOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(vietnameseOnly);
  if (!isPlain(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 2 && 'vi' in value && 'en' in value) return value.vi;
  return Object.fromEntries(keys.map((k) => [k, vietnameseOnly(value[k])]));
}

/** JSON with object keys sorted and undefined left out, so equal content hashes equally. */
function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlain(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The fingerprint of a procedure as one OA serves it, e.g. `v1 name=… fee=… …`. */
export function procedureFingerprint(p: Procedure): string {
  const plain = vietnameseOnly(p) as Plain;
  return [VERSION, ...PARTS.map(([part, pick]) => `${part}=${hash(canonical(pick(plain)))}`)].join(' ');
}

function partsOf(fingerprint: string): Map<string, string> | undefined {
  const [version, ...fields] = fingerprint.split(' ');
  if (version !== VERSION) return undefined;
  return new Map(fields.map((f) => f.split('=', 2) as [string, string]));
}

/**
 * The parts that differ between two fingerprints; undefined when the older one was made by
 * another version (the change cannot be told, and is not reported).
 */
export function changedParts(before: string, after: string): ProcedurePart[] | undefined {
  const old = partsOf(before);
  const now = partsOf(after);
  if (!old || !now) return undefined;
  return PARTS.map(([part]) => part).filter((part) => old.get(part) !== now.get(part));
}
