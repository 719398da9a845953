import path from 'node:path';
import { z } from 'zod';
import { AGENCY_CODE_PATTERN } from './dossiers/codes.js';
import { parseShifts, type Shift } from './handoff/office-hours.js';
import { ErrorCode, MotcuaError } from './errors.js';

/**
 * Obviously fake Zalo credentials used when ZALO_API_BASE is unset and the
 * built-in emulator stands in for Zalo. They unlock nothing anywhere else.
 */
export const EMULATOR_CREDENTIALS = {
  appId: 'emulator-app-0001',
  appSecret: 'emulator-app-secret-not-real',
  oaId: 'emulator-oa-0001',
  oaSecretKey: 'emulator-oa-secret-not-real',
  refreshToken: 'emulator-refresh-token-not-real',
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const intFrom = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a whole number from ${min} to ${max}, got "${v}"`,
        });
        return z.NEVER;
      }
      return n;
    });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const urlText = (name: string, protocols: string[]) =>
  optionalText.superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be a ${protocols.join(' or ')} URL, got "${redactUrl(v)}"`,
      });
    }
  });

const boolFrom = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false, got "${v}"` });
      return z.NEVER;
    });

const hoursRange = optionalText.transform((v, ctx) => {
  const text = v ?? '22:00-06:00';
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `QUIET_HOURS must look like 22:00-06:00, got "${text}"` });
    return z.NEVER;
  }
  const [, h1, m1, h2, m2] = m.map(Number) as [number, number, number, number, number];
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) {
    ctx.addIssue({ code: 'custom', message: `QUIET_HOURS has an impossible time: "${text}"` });
    return z.NEVER;
  }
  return { startMinute: h1 * 60 + m1, endMinute: h2 * 60 + m2 };
});

const envSchema = z.object({
  PORT: intFrom('PORT', 0, 65535, 3000),
  HOST: optionalText,
  PUBLIC_URL: urlText('PUBLIC_URL', ['http:', 'https:']),
  DATA_DIR: optionalText,
  DATABASE_URL: urlText('DATABASE_URL', ['postgres:', 'postgresql:']),
  REDIS_URL: urlText('REDIS_URL', ['redis:', 'rediss:', 'unix:']),
  REDIS_DURABILITY: z
    .enum(['refuse', 'warn'], { message: 'REDIS_DURABILITY must be "refuse" or "warn"' })
    .optional()
    .default('refuse'),
  ZALO_APP_ID: optionalText,
  ZALO_APP_SECRET: optionalText,
  ZALO_OA_ID: optionalText,
  ZALO_OA_SECRET_KEY: optionalText,
  ZALO_API_BASE: urlText('ZALO_API_BASE', ['http:', 'https:']),
  EMULATOR_URL: urlText('EMULATOR_URL', ['http:', 'https:']),
  ZALO_OAUTH_BASE: urlText('ZALO_OAUTH_BASE', ['http:', 'https:']),
  ZALO_ACCESS_TOKEN: optionalText,
  ZALO_REFRESH_TOKEN: optionalText,
  ZALO_RATE_PER_MINUTE: intFrom('ZALO_RATE_PER_MINUTE', 1, 1_000_000, 4000),
  ZALO_TIMEOUT_MS: intFrom('ZALO_TIMEOUT_MS', 100, 120_000, 10_000),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
    .optional()
    .default('info'),
  OFFICE_NAME: optionalText,
  DEFAULT_LOCALE: z
    .enum(['vi', 'en'], { message: 'DEFAULT_LOCALE must be "vi" or "en"' })
    .optional()
    .default('vi'),
  TIMEZONE: optionalText,
  QUIET_HOURS: hoursRange,
  BROADCAST_RATE_PER_MINUTE: intFrom('BROADCAST_RATE_PER_MINUTE', 1, 4000, 1200),
  QUEUE_PARTITIONS: intFrom('QUEUE_PARTITIONS', 1, 256, 16),
  QUEUE_LOCK_MS: intFrom('QUEUE_LOCK_MS', 1000, 600_000, 30_000),
  WEBHOOK_MAX_BYTES: intFrom('WEBHOOK_MAX_BYTES', 1024, 10 * 1024 * 1024, 256 * 1024),
  DEDUPE_TTL_HOURS: intFrom('DEDUPE_TTL_HOURS', 1, 24 * 365, 72),
  SHUTDOWN_TIMEOUT_MS: intFrom('SHUTDOWN_TIMEOUT_MS', 1000, 120_000, 25_000),
  EMULATOR_ECHOES: boolFrom('EMULATOR_ECHOES', true),
  FLOWS_DIR: optionalText,
  CONVERSATION_IDLE_HOURS: intFrom('CONVERSATION_IDLE_HOURS', 1, 24 * 90, 72),
  MISSES_BEFORE_OFFICER: intFrom('MISSES_BEFORE_OFFICER', 1, 10, 3),
  AGENCY_CODE: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const code = (v ?? '').trim().toUpperCase();
      if (code === '') return undefined;
      if (!AGENCY_CODE_PATTERN.test(code)) {
        ctx.addIssue({
          code: 'custom',
          message: `AGENCY_CODE must look like 000.00.06.H56 (the office's electronic agency code), got "${v}"`,
        });
        return z.NEVER;
      }
      return code;
    }),
  FILES_KEY: optionalText,
  MEDIA_MAX_BYTES: intFrom('MEDIA_MAX_BYTES', 64 * 1024, 50 * 1024 * 1024, 10 * 1024 * 1024),
  MEDIA_MIN_SIDE: intFrom('MEDIA_MIN_SIDE', 1, 4000, 320),
  DOSSIER_RETENTION_DAYS: intFrom('DOSSIER_RETENTION_DAYS', 1, 36500, 365),
  COMPLAINT_RETENTION_DAYS: intFrom('COMPLAINT_RETENTION_DAYS', 1, 36500, 730),
  LOOKUPS_PER_DAY: intFrom('LOOKUPS_PER_DAY', 1, 1000, 5),
  APOLOGY_EXTRA_DAYS: intFrom('APOLOGY_EXTRA_DAYS', 1, 60, 3),
  HOLIDAYS_FILE: optionalText,
  STAFF_API_TOKEN: optionalText,
  EXTERNAL_STATUS_CONFIG: optionalText,
  OFFICE_HOURS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        return parseShifts(v?.trim() || '07:30-11:30,13:30-17:00');
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: `OFFICE_HOURS must look like 07:30-11:30,13:30-17:00: ${err instanceof Error ? err.message : ''}`,
        });
        return z.NEVER;
      }
    }),
  TICKET_CAPACITY: intFrom('TICKET_CAPACITY', 1, 100, 5),
  TICKET_ESCALATE_MINUTES: intFrom('TICKET_ESCALATE_MINUTES', 1, 24 * 60, 15),
  CONSOLE_SESSION_SECRET: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const secret = v?.trim();
      if (!secret) return undefined;
      if (secret.length < 32) {
        ctx.addIssue({ code: 'custom', message: 'CONSOLE_SESSION_SECRET must be at least 32 characters' });
        return z.NEVER;
      }
      return secret;
    }),
});

/** Zalo credentials and endpoints for the one OA this deployment serves by default. */
export interface ZaloConfig {
  /** True when ZALO_API_BASE is unset and the built-in emulator answers for Zalo. */
  emulator: boolean;
  appId: string;
  appSecret: string;
  oaId: string;
  oaSecretKey: string;
  /** Base of the OA Open API, e.g. https://openapi.zalo.me (no trailing slash). */
  apiBase: string;
  /** Base of the OAuth v4 host, e.g. https://oauth.zaloapp.com (no trailing slash). */
  oauthBase: string;
  /** Tokens used to seed the token store when it is empty. */
  bootstrapAccessToken?: string;
  bootstrapRefreshToken?: string;
  ratePerMinute: number;
  timeoutMs: number;
}

/** The validated configuration every factory receives; built once by {@link loadConfig}. */
export interface Config {
  port: number;
  host: string;
  /** Where residents' Zalo (or the emulator) reaches us; used to print URLs. */
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  redisDurability: 'refuse' | 'warn';
  zalo: ZaloConfig;
  logLevel: (typeof LOG_LEVELS)[number];
  defaultLocale: 'vi' | 'en';
  /** How the bot names the office to residents, e.g. "UBND xã Hòa Phú"; a generic name when unset. */
  officeName?: string;
  timezone: string;
  /** Minutes after local midnight when promotional sends must stop and may resume. */
  quietHours: { startMinute: number; endMinute: number };
  /** Broadcast messages sent per minute at most, across all broadcasts (Zalo allows 4,000 calls a minute per app). */
  broadcastRatePerMinute: number;
  queue: { partitions: number; lockMs: number };
  webhookMaxBytes: number;
  dedupeTtlSeconds: number;
  shutdownTimeoutMs: number;
  emulatorEchoes: boolean;
  /** Where flows and the procedure catalogue live; the repository's `flows/` when unset. */
  flowsDir?: string;
  /** A conversation idle this long starts fresh with a short reminder. */
  conversationIdleMs: number;
  /** Misunderstood messages in a row before the bot offers an officer. */
  missesBeforeOfficer: number;
  dossiers: DossierConfig;
  /**
   * Bearer token for the staff API (`/api/staff/...`) that officers' tools call until the console
   * lands; in emulator mode a documented fake default, otherwise unset disables the API.
   */
  staffApiToken?: string;
  /** Signs console session cookies; generated once into DATA_DIR/keys when unset. */
  consoleSessionSecret?: string;
}

/** How dossiers, files, complaints and their retention behave. */
export interface DossierConfig {
  /** The office's electronic agency code, the first part of every dossier code. */
  agencyCode: string;
  /** base64 of 32 bytes; when unset the key is generated once into DATA_DIR/keys/files.key. */
  filesKey?: string;
  mediaMaxBytes: number;
  /** Shorter side, in pixels, below which a photo of a paper is refused as unreadable. */
  mediaMinSide: number;
  /** Days after a dossier closes (or was last touched, while unfinished) before it and its files are deleted. */
  retentionDays: number;
  complaintRetentionDays: number;
  /** Status lookups by code a resident may make per day. */
  lookupsPerDay: number;
  /** Working days an apology proposes beyond the missed appointment date. */
  apologyExtraDays: number;
  /** A holiday file replacing the repository's national one. */
  holidaysFile?: string;
  /** A YAML mapping for reading status from a provincial one-stop system (see docs). */
  externalStatusConfig?: string;
  /** When officers are at the desk (morning and afternoon shifts) on working days. */
  officeShifts: Shift[];
  /** Chats one officer may own at once. */
  ticketCapacity: number;
  /** Office minutes (within shifts, on working days) a ticket may wait unclaimed before it is escalated. */
  ticketEscalateMinutes: number;
}

/**
 * Reads and validates the environment. Throws one {@link MotcuaError} whose
 * message lists every bad variable on its own line, so an operator fixes all at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.') || 'env'}: ${i.message}`);
    throw new MotcuaError(ErrorCode.ConfigInvalid, `Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const zalo = resolveZalo(e);
  if (!zalo.emulator && !e.AGENCY_CODE) {
    throw new MotcuaError(
      ErrorCode.ConfigInvalid,
      'Invalid configuration:\n  - AGENCY_CODE: required with a real Zalo OA (the office code dossier codes start with, e.g. 000.00.06.H56)',
    );
  }
  const host = e.HOST ?? '0.0.0.0';
  return {
    port: e.PORT,
    host,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(e.DATA_DIR ?? './data'),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisDurability: e.REDIS_DURABILITY,
    zalo,
    logLevel: e.LOG_LEVEL,
    defaultLocale: e.DEFAULT_LOCALE,
    officeName: e.OFFICE_NAME,
    timezone: e.TIMEZONE ?? 'Asia/Ho_Chi_Minh',
    quietHours: e.QUIET_HOURS,
    broadcastRatePerMinute: e.BROADCAST_RATE_PER_MINUTE,
    queue: { partitions: e.QUEUE_PARTITIONS, lockMs: e.QUEUE_LOCK_MS },
    webhookMaxBytes: e.WEBHOOK_MAX_BYTES,
    dedupeTtlSeconds: e.DEDUPE_TTL_HOURS * 3600,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    emulatorEchoes: e.EMULATOR_ECHOES,
    ...(e.FLOWS_DIR ? { flowsDir: path.resolve(e.FLOWS_DIR) } : {}),
    conversationIdleMs: e.CONVERSATION_IDLE_HOURS * 3600_000,
    missesBeforeOfficer: e.MISSES_BEFORE_OFFICER,
    dossiers: {
      agencyCode: e.AGENCY_CODE ?? EMULATOR_AGENCY_CODE,
      ...(e.FILES_KEY ? { filesKey: e.FILES_KEY } : {}),
      mediaMaxBytes: e.MEDIA_MAX_BYTES,
      mediaMinSide: e.MEDIA_MIN_SIDE,
      retentionDays: e.DOSSIER_RETENTION_DAYS,
      complaintRetentionDays: e.COMPLAINT_RETENTION_DAYS,
      lookupsPerDay: e.LOOKUPS_PER_DAY,
      officeShifts: e.OFFICE_HOURS,
      ticketCapacity: e.TICKET_CAPACITY,
      ticketEscalateMinutes: e.TICKET_ESCALATE_MINUTES,
      apologyExtraDays: e.APOLOGY_EXTRA_DAYS,
      ...(e.HOLIDAYS_FILE ? { holidaysFile: path.resolve(e.HOLIDAYS_FILE) } : {}),
      ...(e.EXTERNAL_STATUS_CONFIG ? { externalStatusConfig: path.resolve(e.EXTERNAL_STATUS_CONFIG) } : {}),
    },
    ...(e.CONSOLE_SESSION_SECRET ? { consoleSessionSecret: e.CONSOLE_SESSION_SECRET } : {}),
    ...((e.STAFF_API_TOKEN ?? (zalo.emulator ? EMULATOR_STAFF_TOKEN : undefined))
      ? { staffApiToken: e.STAFF_API_TOKEN ?? EMULATOR_STAFF_TOKEN }
      : {}),
  };
}

/** The agency code used when AGENCY_CODE is unset: clearly not a real office's. */
export const EMULATOR_AGENCY_CODE = '000.00.00.H00';

/** The staff API token in emulator mode when STAFF_API_TOKEN is unset; fake and documented. */
export const EMULATOR_STAFF_TOKEN = 'emulator-staff-token-not-real';

type Env = z.infer<typeof envSchema>;

function resolveZalo(e: Env): ZaloConfig {
  const common = { ratePerMinute: e.ZALO_RATE_PER_MINUTE, timeoutMs: e.ZALO_TIMEOUT_MS };
  if (!e.ZALO_API_BASE) {
    const base = `${(e.EMULATOR_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, '')}/emulator`;
    return {
      ...common,
      emulator: true,
      appId: e.ZALO_APP_ID ?? EMULATOR_CREDENTIALS.appId,
      appSecret: e.ZALO_APP_SECRET ?? EMULATOR_CREDENTIALS.appSecret,
      oaId: e.ZALO_OA_ID ?? EMULATOR_CREDENTIALS.oaId,
      oaSecretKey: e.ZALO_OA_SECRET_KEY ?? EMULATOR_CREDENTIALS.oaSecretKey,
      apiBase: `${base}/openapi`,
      oauthBase: e.ZALO_OAUTH_BASE ?? `${base}/oauth`,
      bootstrapAccessToken: e.ZALO_ACCESS_TOKEN,
      bootstrapRefreshToken: e.ZALO_REFRESH_TOKEN ?? EMULATOR_CREDENTIALS.refreshToken,
    };
  }
  const missing = (['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_ID', 'ZALO_OA_SECRET_KEY'] as const).filter(
    (k) => !e[k],
  );
  if (missing.length > 0) {
    const lines = missing.map((k) => `  - ${k}: required when ZALO_API_BASE is set (a real Zalo OA)`);
    throw new MotcuaError(ErrorCode.ConfigInvalid, `Invalid configuration:\n${lines.join('\n')}`);
  }
  return {
    ...common,
    emulator: false,
    appId: e.ZALO_APP_ID!,
    appSecret: e.ZALO_APP_SECRET!,
    oaId: e.ZALO_OA_ID!,
    oaSecretKey: e.ZALO_OA_SECRET_KEY!,
    apiBase: e.ZALO_API_BASE.replace(/\/+$/, ''),
    oauthBase: (e.ZALO_OAUTH_BASE ?? 'https://oauth.zaloapp.com').replace(/\/+$/, ''),
    bootstrapAccessToken: e.ZALO_ACCESS_TOKEN,
    bootstrapRefreshToken: e.ZALO_REFRESH_TOKEN,
  };
}

/** Hides the password part of a connection URL so it can be printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable>';
  }
}
