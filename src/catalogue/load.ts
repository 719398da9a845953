import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import {
  OverrideSchema,
  ProcedureSchema,
  type Office,
  type Override,
  type Procedure,
  type ProcedureOverride,
  type UnconfirmableField,
} from './schema.js';

/** One thing wrong with a file under `flows/`: where it is and why. `line` is 1-based. */
export interface Problem {
  file: string;
  line: number;
  reason: string;
}

/** Finds the line of the YAML node at a path (or of its nearest existing parent). */
export type LineOf = (path: readonly PropertyKey[]) => number;

/** The outcome of reading one YAML file against a schema. */
export type LoadResult<T> = { ok: true; value: T; lineOf: LineOf } | { ok: false; problems: Problem[] };

/** The repository's `flows/` folder, found from this module (works from `src/` and `dist/`). */
export function defaultFlowsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', 'flows');
}

const toPosix = (p: string) => p.split(path.sep).join('/');

/** Parses YAML text and checks it against `schema`; problems carry `file` as given and the line. */
export function parseYaml<T>(text: string, file: string, schema: z.ZodType<T>): LoadResult<T> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line ?? 1,
        reason: `YAML: ${firstLine(e.message).replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    };
  }
  const lineOf = makeLineOf(doc.contents, lineCounter);
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => issueToProblem(issue, file, lineOf)),
    };
  }
  return { ok: true, value: parsed.data, lineOf };
}

/**
 * Reads one YAML file and checks it against `schema`. Problems name the file relative to `root`
 * (default: the working directory), so other YAML content can share the same file:line reporting.
 */
export async function loadYamlFile<T>(
  file: string,
  schema: z.ZodType<T>,
  options: { root?: string } = {},
): Promise<LoadResult<T>> {
  const label = toPosix(path.relative(options.root ?? process.cwd(), file));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, problems: [{ file: label, line: 1, reason: `cannot read: ${errorText(err)}` }] };
  }
  return parseYaml(text, label, schema);
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0]!.trim();
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function makeLineOf(root: unknown, lc: LineCounter): LineOf {
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lc.linePos(offset).line);
  const startOf = (node: unknown) =>
    node && typeof node === 'object' && 'range' in node ? (node as YamlNode).range?.[0] : undefined;
  return (p) => {
    let node: unknown = root;
    let line = lineAt(startOf(node));
    for (const seg of p) {
      if (isMap(node)) {
        const pair = node.items.find(
          (it) => (isScalar(it.key) ? String(it.key.value) : String(it.key)) === String(seg),
        );
        if (!pair) break;
        line = lineAt(startOf(pair.key) ?? startOf(pair.value));
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item: unknown = node.items[seg];
        if (!item) break;
        line = lineAt(startOf(item));
        node = item;
      } else {
        break;
      }
    }
    return line;
  };
}

function formatPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of p) out += typeof seg === 'number' ? `[${seg}]` : `${out ? '.' : ''}${String(seg)}`;
  return out;
}

function issueToProblem(issue: z.core.$ZodIssue, file: string, lineOf: LineOf): Problem {
  const where = formatPath(issue.path);
  const prefix = where ? `${where}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    const first = issue.keys[0];
    return {
      file,
      line: lineOf(first === undefined ? issue.path : [...issue.path, first]),
      reason: `${prefix}unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}`,
    };
  }
  let reason = issue.message;
  if (issue.code === 'invalid_type' && issue.expected === 'string' && /number/.test(issue.message)) {
    reason += " (quote it, e.g. '1.001193')";
  }
  return { file, line: lineOf(issue.path), reason: `${prefix}${reason}` };
}

// ---------------------------------------------------------------------------------------------
// The catalogue

/** One procedure file that passed its own checks. */
export interface ProcedureEntry {
  file: string;
  procedure: Procedure;
  lineOf: LineOf;
}

/** One override file that passed its own checks. */
export interface OverrideEntry {
  file: string;
  override: Override;
  lineOf: LineOf;
}

/** The procedures as one OA sees them: national entries with that OA's override merged in. */
export interface CatalogueView {
  /** The OA this view is for; `null` for the national catalogue. */
  readonly oaId: string | null;
  /** The desk the OA speaks for, when its override names one. */
  readonly office?: Office;
  /** The province's public-service portal, when the override names one. */
  readonly provincialPortalUrl?: string;
  /** Every procedure, sorted by code. */
  readonly procedures: readonly Procedure[];
  /** A procedure by its code or one of its `also_codes`. */
  get(code: string): Procedure | undefined;
}

/** The national catalogue, plus per-OA views. */
export interface Catalogue extends CatalogueView {
  /** The view for one OA (the national view when it has no override). */
  forOa(oaId: string): CatalogueView;
  /** The OA ids that have an override. */
  readonly overrideOaIds: readonly string[];
}

/** Where the catalogue files live relative to the flows folder. */
export const PROCEDURES_SUBDIR = 'procedures';
/** Where the per-OA override files live relative to the flows folder. */
export const OVERRIDES_SUBDIR = 'overrides';

/** The YAML files under a flows folder, relative to it (posix separators), sorted. */
export interface FlowsFiles {
  procedures: string[];
  overrides: string[];
  /** Conversation flows: `*.yaml` directly in the flows folder. */
  flows: string[];
  /** Files that look misplaced or misnamed (e.g. `.yml`). */
  problems: Problem[];
}

/** Lists the YAML files of a flows folder. A missing subfolder is simply empty. */
export async function listFlowsFiles(dir: string): Promise<FlowsFiles> {
  const problems: Problem[] = [];
  const list = async (sub: string): Promise<string[]> => {
    let names: string[];
    try {
      names = await readdir(path.join(dir, sub));
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const rel = sub ? `${sub}/${name}` : name;
      if (name.endsWith('.yaml')) out.push(rel);
      else if (name.endsWith('.yml'))
        problems.push({ file: rel, line: 1, reason: 'use the .yaml extension' });
    }
    return out;
  };
  const [procedures, overrides, flows] = await Promise.all([
    list(PROCEDURES_SUBDIR),
    list(OVERRIDES_SUBDIR),
    list(''),
  ]);
  return { procedures, overrides, flows, problems };
}

/** Reads and checks one procedure file (`rel` is relative to the flows folder). */
export async function loadProcedureFile(dir: string, rel: string): Promise<LoadResult<Procedure>> {
  const res = await loadYamlFile(path.join(dir, rel), ProcedureSchema, { root: dir });
  if (!res.ok) return res;
  const expected = `${res.value.code}.yaml`;
  if (path.posix.basename(rel) !== expected) {
    return {
      ok: false,
      problems: [
        { file: rel, line: res.lineOf(['code']), reason: `file name must be ${expected} (its code)` },
      ],
    };
  }
  return res;
}

/** Reads and checks one override file (`rel` is relative to the flows folder). */
export async function loadOverrideFile(dir: string, rel: string): Promise<LoadResult<Override>> {
  const res = await loadYamlFile(path.join(dir, rel), OverrideSchema, { root: dir });
  if (!res.ok) return res;
  const expected = `${res.value.oa_id}.yaml`;
  if (path.posix.basename(rel) !== expected) {
    return {
      ok: false,
      problems: [
        { file: rel, line: res.lineOf(['oa_id']), reason: `file name must be ${expected} (its oa_id)` },
      ],
    };
  }
  return res;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Merges `patch` into `base`: objects key by key, everything else (lists too) replaces. */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlain(base) || !isPlain(patch)) return (patch === undefined ? base : patch) as T;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = isPlain(out[k]) && isPlain(v) ? deepMerge(out[k], v) : v;
  }
  return out as T;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Layers one procedure's override over the national entry; overridden fields count as confirmed. */
export function applyProcedureOverride(base: Procedure, patch: ProcedureOverride): Procedure {
  const merged = deepMerge(base, patch);
  const touched = Object.keys(patch).filter((k) => patch[k as keyof ProcedureOverride] !== undefined);
  return {
    ...merged,
    unconfirmed: merged.unconfirmed.filter((f: UnconfirmableField) => !touched.includes(f)),
  };
}

function makeView(
  oaId: string | null,
  procedures: Procedure[],
  extra: { office?: Office; provincialPortalUrl?: string } = {},
): CatalogueView {
  const sorted = [...procedures].sort((a, b) => a.code.localeCompare(b.code));
  const byCode = new Map<string, Procedure>();
  for (const p of sorted) {
    byCode.set(p.code, p);
    for (const c of p.also_codes ?? []) if (!byCode.has(c)) byCode.set(c, p);
  }
  return deepFreeze({
    oaId,
    ...(extra.office ? { office: extra.office } : {}),
    ...(extra.provincialPortalUrl ? { provincialPortalUrl: extra.provincialPortalUrl } : {}),
    procedures: sorted,
    get: (code: string) => byCode.get(code.trim()),
  });
}

/**
 * Builds the catalogue from files that passed their own checks, with the checks that need all of
 * them: duplicate codes (the later file is left out), `related` codes that do not exist, and
 * overrides naming unknown codes or producing an invalid entry (that part is left out).
 */
export function buildCatalogue(
  procedureEntries: readonly ProcedureEntry[],
  overrideEntries: readonly OverrideEntry[] = [],
  options: { brokenCodes?: Iterable<string> } = {},
): { catalogue: Catalogue; problems: Problem[] } {
  const problems: Problem[] = [];
  // Codes whose file exists but was refused: that file is reported already, so pointers to it
  // (related codes, overrides) are not reported a second time.
  const broken = new Set(options.brokenCodes ?? []);
  const owner = new Map<string, string>();
  const kept: ProcedureEntry[] = [];
  for (const entry of [...procedureEntries].sort((a, b) => a.file.localeCompare(b.file))) {
    const p = entry.procedure;
    const codes: [string, PropertyKey[]][] = [
      [p.code, ['code']],
      ...(p.also_codes ?? []).map((c, i): [string, PropertyKey[]] => [c, ['also_codes', i]]),
    ];
    const clash = codes.find(([c]) => owner.has(c));
    if (clash) {
      problems.push({
        file: entry.file,
        line: entry.lineOf(clash[1]),
        reason: `code ${clash[0]} is already used by ${owner.get(clash[0])}; this file is left out`,
      });
      continue;
    }
    for (const [c] of codes) owner.set(c, entry.file);
    kept.push(entry);
  }
  for (const entry of kept) {
    (entry.procedure.related ?? []).forEach((c, i) => {
      if (!owner.has(c) && !broken.has(c)) {
        problems.push({
          file: entry.file,
          line: entry.lineOf(['related', i]),
          reason: `related code ${c} is not in the catalogue`,
        });
      }
    });
  }
  const national = makeView(
    null,
    kept.map((e) => e.procedure),
  );

  const views = new Map<string, CatalogueView>();
  for (const entry of [...overrideEntries].sort((a, b) => a.file.localeCompare(b.file))) {
    const o = entry.override;
    if (views.has(o.oa_id)) {
      problems.push({
        file: entry.file,
        line: entry.lineOf(['oa_id']),
        reason: `a second override for OA ${o.oa_id}`,
      });
      continue;
    }
    const replaced = new Map<string, Procedure>();
    for (const [code, patch] of Object.entries(o.procedures ?? {})) {
      const base = national.get(code);
      if (!base) {
        if (!broken.has(code)) {
          problems.push({
            file: entry.file,
            line: entry.lineOf(['procedures', code]),
            reason: `unknown procedure code ${code}`,
          });
        }
        continue;
      }
      const merged = ProcedureSchema.safeParse(applyProcedureOverride(base, patch));
      if (!merged.success) {
        for (const issue of merged.error.issues) {
          problems.push({
            file: entry.file,
            line: entry.lineOf(['procedures', code, ...issue.path]),
            reason: `procedures.${code}: merged entry is invalid at ${formatPath(issue.path)}: ${issue.message}`,
          });
        }
        continue;
      }
      replaced.set(base.code, merged.data);
    }
    views.set(
      o.oa_id,
      makeView(
        o.oa_id,
        national.procedures.map((p) => replaced.get(p.code) ?? p),
        { office: o.office, provincialPortalUrl: o.provincial_portal_url },
      ),
    );
  }

  const catalogue: Catalogue = Object.freeze({
    ...national,
    forOa: (oaId: string): CatalogueView => views.get(oaId) ?? catalogue,
    overrideOaIds: Object.freeze([...views.keys()].sort()),
  });
  return { catalogue, problems };
}

/** An empty catalogue (before the first load, or when nothing could be read). */
export function emptyCatalogue(): Catalogue {
  return buildCatalogue([]).catalogue;
}

/** Reads every procedure and override file under `dir` and builds the catalogue. Bad files are left out. */
export async function loadCatalogue(dir: string): Promise<{ catalogue: Catalogue; problems: Problem[] }> {
  const files = await listFlowsFiles(dir);
  const problems = [...files.problems];
  const procedures: ProcedureEntry[] = [];
  const overrides: OverrideEntry[] = [];
  const brokenCodes: string[] = [];
  for (const rel of files.procedures) {
    const res = await loadProcedureFile(dir, rel);
    if (res.ok) procedures.push({ file: rel, procedure: res.value, lineOf: res.lineOf });
    else {
      problems.push(...res.problems);
      brokenCodes.push(codeFromFileName(rel));
    }
  }
  for (const rel of files.overrides) {
    const res = await loadOverrideFile(dir, rel);
    if (res.ok) overrides.push({ file: rel, override: res.value, lineOf: res.lineOf });
    else problems.push(...res.problems);
  }
  const built = buildCatalogue(procedures, overrides, { brokenCodes });
  return { catalogue: built.catalogue, problems: sortProblems([...problems, ...built.problems]) };
}

/** The code a procedure file claims by its name (`procedures/1.001193.yaml` → `1.001193`). */
export function codeFromFileName(rel: string): string {
  return path.posix.basename(rel, '.yaml');
}

/** Orders problems by file, then line. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}
