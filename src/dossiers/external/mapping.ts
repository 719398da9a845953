import path from 'node:path';
import { z } from 'zod';
import { loadYamlFile, parseYaml, type LoadResult, type Problem } from '../../catalogue/index.js';
import { ErrorCode, MotcuaError } from '../../errors.js';
import { DOSSIER_STATUSES } from '../status.js';

/*
 * The mapping file of one provincial one-stop system: how to ask it for a dossier over HTTP and
 * how to read its answer. The request is a URL (and for POST a JSON body) with the placeholders
 * `{code}` and `{secondFactor}`; header values name secrets as `${ENV_NAME}` so files hold none.
 * The answer is read with paths like `data.items[0]`, and the system's own status values are
 * translated to the national list.
 */

// ---------------------------------------------------------------------------------------------
// Field paths

/** One step of a field path: an object key or an array index. */
export type PathStep = string | number;

const FIRST_KEY = /([^.[\]"'\s]+)/y;
const DOT_KEY = /\.([^.[\]"'\s]+)/y;
const INDEX = /\[(\d{1,6})\]/y;
const QUOTED_KEY = /\[(["'])([^"'\]]+)\1\]/y;

/**
 * Splits a path like `data.items[0].TrangThai` or `data["Ma Ho So"]` into steps; undefined when the
 * text is not such a path.
 */
export function parseFieldPath(text: string): PathStep[] | undefined {
  const steps: PathStep[] = [];
  let at = 0;
  while (at < text.length) {
    const key = at === 0 ? FIRST_KEY : DOT_KEY;
    const matched =
      sticky(key, text, at, (m) => m[1]) ??
      sticky(INDEX, text, at, (m) => Number(m[1])) ??
      sticky(QUOTED_KEY, text, at, (m) => m[2]);
    if (!matched) return undefined;
    steps.push(matched.step);
    at = matched.end;
  }
  return steps.length > 0 ? steps : undefined;
}

function sticky(
  re: RegExp,
  text: string,
  at: number,
  step: (m: RegExpExecArray) => PathStep | undefined,
): { step: PathStep; end: number } | undefined {
  re.lastIndex = at;
  const m = re.exec(text);
  const value = m ? step(m) : undefined;
  return m && value !== undefined ? { step: value, end: re.lastIndex } : undefined;
}

/** The value at `steps` inside parsed JSON; undefined when any step is missing. */
export function readPath(value: unknown, steps: readonly PathStep[]): unknown {
  let node = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[step];
    } else {
      if (!isPlainObject(node) || !Object.hasOwn(node, step)) return undefined;
      node = node[step];
    }
  }
  return node;
}

/** True for a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Request templates and secrets

/** The placeholders a request template may hold. */
export const PLACEHOLDERS = ['code', 'secondFactor'] as const;

/** One of {@link PLACEHOLDERS}. */
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER = /\{([^{}]*)\}/g;
const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The placeholder names written in a template, known or not. */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/** Replaces each `{name}` with its value passed through `encode`. */
export function fillTemplate(
  template: string,
  values: Readonly<Record<Placeholder, string>>,
  encode: (value: string) => string = (value) => value,
): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    isPlaceholder(name) ? encode(values[name]) : whole,
  );
}

/** A copy of a JSON body with every string filled in (no encoding: the body is JSON, not text). */
export function fillJsonTemplate(
  body: z.core.util.JSONType,
  values: Readonly<Record<Placeholder, string>>,
): z.core.util.JSONType {
  if (typeof body === 'string') return fillTemplate(body, values);
  if (Array.isArray(body)) return body.map((item) => fillJsonTemplate(item, values));
  if (isPlainObject(body)) {
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillJsonTemplate(v, values)]));
  }
  return body;
}

/** Every string inside a JSON value, with its path. */
function jsonStrings(value: unknown, at: PathStep[] = []): { at: PathStep[]; text: string }[] {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => jsonStrings(item, [...at, i]));
  if (isPlainObject(value)) return Object.entries(value).flatMap(([k, v]) => jsonStrings(v, [...at, k]));
  return [];
}

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

/** The placeholders a mapping's request uses (URL and body). */
export function placeholdersUsed(mapping: Pick<StatusMapping, 'url' | 'body'>): Set<string> {
  const texts = [mapping.url, ...jsonStrings(mapping.body).map((s) => s.text)];
  return new Set(texts.flatMap(placeholdersIn));
}

/** The environment variables a header value names, in order. */
export function envNamesIn(value: string): string[] {
  return [...value.matchAll(ENV_REF)].map((m) => m[1] ?? '');
}

/** Every `${NAME}` a mapping's headers need that `env` lacks (unset or empty). */
export function missingEnv(
  mapping: Pick<StatusMapping, 'headers'>,
  env: Readonly<Record<string, string | undefined>>,
): { header: string; name: string }[] {
  return Object.entries(mapping.headers).flatMap(([header, value]) =>
    envNamesIn(value)
      .filter((name) => !env[name])
      .map((name) => ({ header, name })),
  );
}

/**
 * The headers to send, with every `${NAME}` replaced from `env`. Throws a
 * {@link ErrorCode.ConfigInvalid} error naming the first missing variable (never a value).
 */
export function resolveHeaders(
  mapping: Pick<StatusMapping, 'name' | 'headers'>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const missing = missingEnv(mapping, env)[0];
  if (missing) {
    throw new MotcuaError(
      ErrorCode.ConfigInvalid,
      `external system "${mapping.name}": header ${missing.header} needs the environment variable ` +
        `${missing.name}, which is not set`,
    );
  }
  return Object.fromEntries(
    Object.entries(mapping.headers).map(([header, value]) => [
      header,
      value.replace(ENV_REF, (_whole, name: string) => env[name] ?? ''),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// Status values

/**
 * The form a system's status value is compared in: text in NFC with spaces collapsed and lower
 * case, so "Đang giải quyết" matches however the system composes its diacritics.
 */
export function statusKey(value: string | number): string {
  return String(value).normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
}

// ---------------------------------------------------------------------------------------------
// The schema

/** How a system writes dates: a wall date, a Vietnamese day-first date, or an ISO instant. */
export const DateFormatSchema = z.enum(['YYYY-MM-DD', 'DD/MM/YYYY', 'ISO']);
/** One of {@link DateFormatSchema}. */
export type DateFormat = z.infer<typeof DateFormatSchema>;

/** A path into the JSON answer, like `data.items[0]` or `TrangThai.Ten`. */
export const FieldPathSchema = z
  .string()
  .trim()
  .min(1)
  .refine((text) => parseFieldPath(text) !== undefined, 'must be a path like data.items[0].TrangThai');

const NationalStatusSchema = z.literal(DOSSIER_STATUSES, {
  error: 'must be a national status code from 1 to 10',
});

const UrlTemplateSchema = z
  .string()
  .trim()
  .superRefine((text, ctx) => {
    for (const name of placeholdersIn(text)) {
      if (!isPlaceholder(name)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {${name}}; use {code} or {secondFactor}`,
        });
      }
    }
    let url: URL;
    try {
      url = new URL(fillTemplate(text, { code: 'x', secondFactor: 'x' }));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not hold credentials; send them in headers as ${ENV_NAME}',
      });
    }
  });

const HeaderNameSchema = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name like X-Api-Key');

const HeaderValueSchema = z
  .string()
  .refine((v) => !/[\r\n]/.test(v), 'must be on one line')
  .refine(
    (v) => !v.replace(ENV_REF, '').includes('${'),
    'write an environment variable as ${NAME} (letters, digits and _)',
  );

const ScalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const HttpStatusSchema = z.int().min(400).max(499);

/** When the system's answer means "no such dossier": an HTTP status, a value in the body, or both. */
export const NotFoundSchema = z
  .strictObject({
    /** 4xx statuses meaning "not found", e.g. 404. */
    httpStatus: z
      .union([HttpStatusSchema, z.array(HttpStatusSchema).min(1)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional(),
    /** A path in a 2xx answer whose value, when it equals `equals`, means "not found". */
    path: FieldPathSchema.optional(),
    /** The value (or any of the values) at `path` meaning "not found"; `null` also matches a missing value. */
    equals: z.union([ScalarSchema, z.array(ScalarSchema).min(1)]).optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.path !== undefined && rule.equals === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['path'],
        message: 'a path needs the value it must equal (equals)',
      });
    }
    if (rule.equals !== undefined && rule.path === undefined) {
      ctx.addIssue({ code: 'custom', path: ['equals'], message: 'equals needs the path to compare (path)' });
    }
    if (rule.httpStatus === undefined && rule.path === undefined && rule.equals === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give httpStatus, path with equals, or both' });
    }
  });
/** A parsed not-found rule. */
export type NotFoundRule = z.infer<typeof NotFoundSchema>;

/** Where each field of a dossier sits in the record, relative to the record (`found`). */
export const FieldsSchema = z.strictObject({
  /** The dossier code; when given, an answer about another code is refused. */
  code: FieldPathSchema.optional(),
  /** The system's own status value, translated through `statusMap`. */
  status: FieldPathSchema,
  /** The system's wording of the status; defaults to the status value itself when that is text. */
  statusLabel: FieldPathSchema.optional(),
  procedureName: FieldPathSchema.optional(),
  /** Read with `dateFormat`. */
  appointmentDate: FieldPathSchema.optional(),
  /** Read with `dateFormat`; a time without a UTC offset is Vietnamese time. */
  updatedAt: FieldPathSchema.optional(),
  note: FieldPathSchema.optional(),
});
/** A parsed `fields` block. */
export type Fields = z.infer<typeof FieldsSchema>;

/** The mapping file of one HTTP one-stop system. */
export const StatusMappingSchema = z
  .strictObject({
    /** A short name for logs and for the `source` of what it reports. */
    name: z.string().trim().min(1).max(80),
    /** The lookup URL with `{code}` and `{secondFactor}`; values are URL-encoded. */
    url: UrlTemplateSchema,
    method: z.enum(['GET', 'POST']).default('GET'),
    /** For POST: the JSON body, with the same placeholders inside its strings. */
    body: z.record(z.string(), z.json()).optional(),
    /** Header values; `${ENV_NAME}` is read from the environment when the source is built. */
    headers: z.record(HeaderNameSchema, HeaderValueSchema).default({}),
    /** How long one attempt may take; a lookup makes at most two. */
    timeoutMs: z.int().min(100).max(60_000).default(5000),
    /** Where the dossier record sits in the answer; the whole answer when left out. */
    found: FieldPathSchema.optional(),
    fields: FieldsSchema,
    /** The system's status values (text or numbers) to national codes 1 to 10. */
    statusMap: z
      .record(z.string(), NationalStatusSchema)
      .refine((map) => Object.keys(map).length > 0, 'must list at least one status'),
    /** Reports a status missing from `statusMap` as 4 (Đang xử lý), marked as unmapped; else it is an error. */
    unmappedAs: z
      .literal(4, { error: 'only 4 (Đang xử lý) may stand in for a status the mapping does not list' })
      .optional(),
    /** How `appointmentDate` and `updatedAt` are written; required when either is mapped. */
    dateFormat: DateFormatSchema.optional(),
    notFound: NotFoundSchema,
  })
  .superRefine((m, ctx) => {
    if (m.body !== undefined && m.method !== 'POST') {
      ctx.addIssue({ code: 'custom', path: ['body'], message: 'a body is only sent with method POST' });
    }
    for (const { at, text } of jsonStrings(m.body)) {
      for (const name of placeholdersIn(text)) {
        if (isPlaceholder(name)) continue;
        ctx.addIssue({
          code: 'custom',
          path: ['body', ...at],
          message: `unknown placeholder {${name}}; use {code} or {secondFactor}`,
        });
      }
    }
    if (!placeholdersUsed(m).has('code')) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'the request must carry {code} (in url or body)',
      });
    }
    for (const field of ['appointmentDate', 'updatedAt'] as const) {
      if (m.fields[field] !== undefined && m.dateFormat === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', field],
          message: `${field} needs dateFormat (YYYY-MM-DD, DD/MM/YYYY or ISO)`,
        });
      }
    }
    const seen = new Map<string, string>();
    for (const value of Object.keys(m.statusMap)) {
      const key = statusKey(value);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['statusMap', value],
          message: `"${value}" is the same status as "${earlier}"`,
        });
      }
      seen.set(key, value);
    }
  });
/** A parsed mapping file. */
export type StatusMapping = z.infer<typeof StatusMappingSchema>;

// ---------------------------------------------------------------------------------------------
// Loading

/** Options of {@link loadStatusMapping} and {@link parseStatusMapping}. */
export interface StatusMappingLoadOptions {
  /** Problems name the file relative to this folder (default: the working directory). */
  root?: string;
  /** When given, a header naming a variable missing from it is reported as a problem. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Checks mapping text; problems carry `file` as given and the line. */
export function parseStatusMapping(
  text: string,
  file: string,
  options: Pick<StatusMappingLoadOptions, 'env'> = {},
): LoadResult<StatusMapping> {
  return withEnvCheck(parseYaml(text, file, StatusMappingSchema), file, options.env);
}

/** Reads and checks a mapping file; problems are `file:line: reason` like the catalogue's. */
export async function loadStatusMapping(
  file: string,
  options: StatusMappingLoadOptions = {},
): Promise<LoadResult<StatusMapping>> {
  const root = options.root ?? process.cwd();
  const res = await loadYamlFile(file, StatusMappingSchema, { root });
  return withEnvCheck(res, path.relative(root, file).split(path.sep).join('/'), options.env);
}

function withEnvCheck(
  res: LoadResult<StatusMapping>,
  file: string,
  env: StatusMappingLoadOptions['env'],
): LoadResult<StatusMapping> {
  if (!res.ok || env === undefined) return res;
  const problems: Problem[] = missingEnv(res.value, env).map(({ header, name }) => ({
    file,
    line: res.lineOf(['headers', header]),
    reason: `headers.${header}: the environment variable ${name} is not set`,
  }));
  return problems.length > 0 ? { ok: false, problems } : res;
}

/** `file:line: reason`, one problem a line. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.file}:${p.line}: ${p.reason}`).join('\n');
}
