import { setTimeout as sleep } from 'node:timers/promises';
import axios, { isAxiosError, type AxiosInstance } from 'axios';
import { ErrorCode, MotcuaError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { isLocalDate, localDateOf, VN_TIME_ZONE, type LocalDate } from '../calendar.js';
import { DossierStatus } from '../status.js';
import {
  fillJsonTemplate,
  fillTemplate,
  isPlainObject,
  parseFieldPath,
  placeholdersUsed,
  readPath,
  resolveHeaders,
  statusKey,
  type DateFormat,
  type Fields,
  type NotFoundRule,
  type PathStep,
  type Placeholder,
  type StatusMapping,
} from './mapping.js';
import type { DossierLookupQuery, DossierStatusSource, ExternalDossier } from './source.js';

/*
 * Reads a dossier's status from a provincial one-stop system over HTTP, as its mapping file
 * describes. One lookup makes at most two attempts: a network failure, a timeout or a 5xx answer
 * is tried once more. Whatever goes wrong ends as MC_ERR_EXTERNAL_UNAVAILABLE so the caller falls
 * back to the bot's own records. Logs hold the system's name, the HTTP status, the attempts and
 * the duration, never the dossier code, the second factor or a header.
 */

/** What {@link createHttpStatusSource} needs. */
export interface HttpStatusSourceDeps {
  /** The axios instance to send with; a fresh one by default. */
  http?: AxiosInstance;
  logger: Logger;
  /** Where `${ENV_NAME}` in header values is read from; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Pause before the second attempt; 300 ms by default. */
  retryDelayMs?: number;
}

/** A {@link DossierStatusSource} backed by one HTTP one-stop system. */
export interface HttpStatusSource extends DossierStatusSource {
  /** True when the system needs the second factor: ask the resident for it before looking up. */
  readonly needsSecondFactor: boolean;
}

/** Largest answer read, in bytes; a status record is a few kilobytes. */
const MAX_ANSWER_BYTES = 1_000_000;
const ATTEMPTS = 2;
const DEFAULT_RETRY_DELAY_MS = 300;
/** Vietnam has kept UTC+7 without daylight saving since 1975. */
const VN_OFFSET = '+07:00';
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/** One HTTP attempt's outcome: an answer with any status, or no answer at all. */
type Exchange = { kind: 'answer'; status: number; data: unknown } | { kind: 'no_answer'; reason: string };

/**
 * Builds the source for one mapping. Throws a {@link ErrorCode.ConfigInvalid} error when a header
 * names an environment variable that is not set, or a path in the mapping does not parse.
 */
export function createHttpStatusSource(mapping: StatusMapping, deps: HttpStatusSourceDeps): HttpStatusSource {
  const headers = { Accept: 'application/json', ...resolveHeaders(mapping, deps.env ?? process.env) };
  const readRecord = createRecordReader(mapping);
  const notFoundInBody = createNotFoundMatcher(mapping.notFound);
  const http = deps.http ?? axios.create();
  const retryDelayMs = deps.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const needsSecondFactor = placeholdersUsed(mapping).has('secondFactor');
  const fail = (reason: string) =>
    new MotcuaError(ErrorCode.ExternalUnavailable, `${mapping.name}: ${reason}`);

  const attempt = async (values: Record<Placeholder, string>): Promise<Exchange> => {
    try {
      const response = await http.request<unknown>({
        method: mapping.method,
        url: fillTemplate(mapping.url, values, encodeURIComponent),
        headers,
        data: mapping.body === undefined ? undefined : fillJsonTemplate(mapping.body, values),
        timeout: mapping.timeoutMs,
        maxRedirects: 0,
        maxContentLength: MAX_ANSWER_BYTES,
        responseType: 'json',
        validateStatus: () => true,
      });
      return { kind: 'answer', status: response.status, data: response.data };
    } catch (err) {
      return { kind: 'no_answer', reason: noAnswerReason(err, mapping.timeoutMs) };
    }
  };

  const exchange = async (values: Record<Placeholder, string>) => {
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const result = await attempt(values);
      const retry = result.kind === 'no_answer' || result.status >= 500;
      if (!retry || attempts >= ATTEMPTS) return { result, attempts };
      if (retryDelayMs > 0) await sleep(retryDelayMs);
    }
  };

  const interpret = (result: Exchange, code: string): ExternalDossier | null => {
    if (result.kind === 'no_answer') throw fail(result.reason);
    const { status, data } = result;
    if (mapping.notFound.httpStatus?.includes(status)) return null;
    if (status >= 300 && status < 400) throw fail(`answered HTTP ${status}; redirects are not followed`);
    if (status < 200 || status >= 300) throw fail(`answered HTTP ${status}`);
    if (!isPlainObject(data) && !Array.isArray(data)) throw fail('answered with a body that is not JSON');
    if (notFoundInBody(data)) return null;
    return readRecord(data, code, fail);
  };

  return {
    name: mapping.name,
    needsSecondFactor,
    async lookup(query: DossierLookupQuery): Promise<ExternalDossier | null> {
      const code = query.code.trim();
      if (code === '') throw new RangeError('a dossier code is needed to look a dossier up');
      const secondFactor = query.secondFactor?.trim() ?? '';
      if (needsSecondFactor && secondFactor === '') {
        throw fail('a lookup needs the second factor (the applicant’s ID number)');
      }
      const started = performance.now();
      const { result, attempts } = await exchange({ code, secondFactor });
      const facts = {
        system: mapping.name,
        httpStatus: result.kind === 'answer' ? result.status : null,
        attempts,
        ms: Math.round(performance.now() - started),
      };
      try {
        const dossier = interpret(result, code);
        deps.logger.info({ ...facts, outcome: dossier ? 'found' : 'not_found' }, 'external status lookup');
        return dossier;
      } catch (err) {
        const reason = err instanceof MotcuaError ? err.message : 'could not read the answer';
        deps.logger.warn({ ...facts, outcome: 'unavailable', reason }, 'external status lookup');
        throw err instanceof MotcuaError ? err : fail('could not read the answer');
      }
    },
  };
}

/** Why no answer arrived, without the axios error itself (its config holds the headers). */
function noAnswerReason(err: unknown, timeoutMs: number): string {
  if (!isAxiosError(err)) return 'failed before an answer arrived';
  if (err.code && TIMEOUT_CODES.has(err.code)) return `timed out after ${timeoutMs} ms`;
  return err.code ? `failed in transit (${err.code})` : 'failed in transit';
}

// ---------------------------------------------------------------------------------------------
// Reading the answer

type Fail = (reason: string) => MotcuaError;

function compilePath(text: string): PathStep[] {
  const steps = parseFieldPath(text);
  if (!steps) throw new MotcuaError(ErrorCode.ConfigInvalid, `not a field path: "${text}"`);
  return steps;
}

/** Tells whether a 2xx answer matches the mapping's "not found" body rule. */
function createNotFoundMatcher(rule: NotFoundRule): (data: unknown) => boolean {
  if (rule.path === undefined || rule.equals === undefined) return () => false;
  const steps = compilePath(rule.path);
  const wanted = Array.isArray(rule.equals) ? rule.equals : [rule.equals];
  return (data) => {
    const value = readPath(data, steps);
    return wanted.some((w) => sameScalar(value, w));
  };
}

/** Loose equality for JSON scalars: 0 equals "0", and null also matches a missing value. */
function sameScalar(value: unknown, wanted: string | number | boolean | null): boolean {
  if (wanted === null) return value === null || value === undefined;
  if (typeof wanted === 'boolean') return value === wanted;
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  return String(value).trim() === String(wanted).trim();
}

type RecordReader = (data: unknown, askedCode: string, fail: Fail) => ExternalDossier;

/** Compiles the mapping's paths once and returns the function that turns an answer into a dossier. */
function createRecordReader(mapping: StatusMapping): RecordReader {
  const found = mapping.found === undefined ? [] : compilePath(mapping.found);
  const paths = Object.fromEntries(
    Object.entries(mapping.fields).flatMap(([field, text]) =>
      text === undefined ? [] : [[field, compilePath(text)]],
    ),
  ) as Partial<Record<keyof Fields, PathStep[]>> & { status: PathStep[] };
  const statusMap = new Map(
    Object.entries(mapping.statusMap).map(([value, code]) => [statusKey(value), code]),
  );
  const dateFormat = mapping.dateFormat ?? 'ISO';

  return (data, askedCode, fail) => {
    const record = readPath(data, found);
    if (!isPlainObject(record)) throw fail(`no record at ${mapping.found ?? 'the top of the answer'}`);
    const text = (field: keyof Fields) => textAt(record, field, mapping.fields[field], paths[field], fail);

    const printedCode = text('code');
    if (mapping.fields.code !== undefined && printedCode === undefined) {
      throw fail(`no dossier code at ${mapping.fields.code}`);
    }
    if (printedCode !== undefined && comparableCode(printedCode) !== comparableCode(askedCode)) {
      throw fail('answered about another dossier than the one asked for');
    }

    const raw = readPath(record, paths.status);
    if ((typeof raw !== 'string' && typeof raw !== 'number') || String(raw).trim() === '') {
      throw fail(`no status at ${mapping.fields.status}`);
    }
    const rawText = String(raw).normalize('NFC').trim();
    const mapped = statusMap.get(statusKey(raw));
    if (mapped === undefined && mapping.unmappedAs === undefined) {
      throw fail(`status "${rawText.slice(0, 80)}" is not in statusMap`);
    }
    const label =
      text('statusLabel') ?? (typeof raw === 'string' && !/^\d+$/.test(rawText) ? rawText : undefined);

    const dossier: ExternalDossier = {
      code: printedCode ?? askedCode,
      status: mapped ?? DossierStatus.Processing,
      source: mapping.name,
    };
    if (mapped === undefined) dossier.statusUnmapped = true;
    if (label !== undefined) dossier.statusLabel = label;
    const procedureName = text('procedureName');
    if (procedureName !== undefined) dossier.procedureName = procedureName;
    const appointment = text('appointmentDate');
    if (appointment !== undefined) {
      dossier.appointmentDate = localDateFrom(appointment, dateFormat, () =>
        fail(`appointmentDate at ${mapping.fields.appointmentDate} is not a ${dateFormat} date`),
      );
    }
    const updated = text('updatedAt');
    if (updated !== undefined) {
      dossier.updatedAt = instantFrom(updated, dateFormat, () =>
        fail(`updatedAt at ${mapping.fields.updatedAt} is not a ${dateFormat} date`),
      );
    }
    const note = text('note');
    if (note !== undefined) dossier.note = note;
    return dossier;
  };
}

/** A text field: absent, null and blank are undefined; numbers become text; anything else is malformed. */
function textAt(
  record: Record<string, unknown>,
  field: keyof Fields,
  where: string | undefined,
  steps: PathStep[] | undefined,
  fail: Fail,
): string | undefined {
  if (steps === undefined) return undefined;
  const value = readPath(record, steps);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw fail(`${field} at ${where} is not text`);
  const text = String(value).normalize('NFC').trim();
  return text === '' ? undefined : text;
}

const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;

/** A dossier code in the form two prints of it can be compared in. */
function comparableCode(code: string): string {
  return code.normalize('NFKC').replace(DASHES, '-').replace(/\s+/g, '').toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// Dates

/** A date and maybe a time as written, before any time zone is applied. */
interface WrittenDate {
  date: LocalDate;
  time: string;
  /** `Z` or `+07:00`; absent for a wall-clock time. */
  zone?: string;
}

const YMD = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;
const DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

function readWritten(text: string, format: DateFormat): WrittenDate | undefined {
  const m = (format === 'DD/MM/YYYY' ? DMY : format === 'ISO' ? ISO : YMD).exec(text);
  if (!m) return undefined;
  const [y, mo, d] = format === 'DD/MM/YYYY' ? [m[3], m[2], m[1]] : [m[1], m[2], m[3]];
  const date = `${y}-${pad(mo)}-${pad(d)}`;
  if (!isLocalDate(date)) return undefined;
  const [hh, mm, ss] = [m[4], m[5], m[6]];
  if (Number(hh ?? 0) > 23 || Number(mm ?? 0) > 59 || Number(ss ?? 0) > 59) return undefined;
  const time = `${pad(hh)}:${pad(mm)}:${pad(ss)}`;
  const zone = format === 'ISO' ? m[7] : undefined;
  if (zone === undefined) return { date, time };
  return { date, time, zone: zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}` };
}

function pad(part: string | undefined): string {
  return (part ?? '0').padStart(2, '0');
}

/** The local (Vietnamese) date of a written date; an instant with an offset is converted first. */
function localDateFrom(text: string, format: DateFormat, malformed: () => MotcuaError): LocalDate {
  const written = readWritten(text, format);
  if (!written) throw malformed();
  if (written.zone === undefined) return written.date;
  return localDateOf(new Date(`${written.date}T${written.time}${written.zone}`), VN_TIME_ZONE);
}

/** The instant of a written date; a time without an offset is Vietnamese time. */
function instantFrom(text: string, format: DateFormat, malformed: () => MotcuaError): Date {
  const written = readWritten(text, format);
  if (!written) throw malformed();
  const instant = new Date(`${written.date}T${written.time}${written.zone ?? VN_OFFSET}`);
  if (Number.isNaN(instant.getTime())) throw malformed();
  return instant;
}
