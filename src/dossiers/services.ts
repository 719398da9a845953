import path from 'node:path';
import type { Config } from '../config.js';
import type { RespondContext } from '../conversation/respond.js';
import type { Database } from '../db/connection.js';
import { ErrorCode, MotcuaError } from '../errors.js';
import type { Locale } from '../i18n.js';
import type { Logger } from '../log.js';
import type { PendingRow } from '../queue/outbox.js';
import { createWorkCalendar, holidayOptions, loadHolidayFile, type WorkCalendar } from './calendar.js';
import { createDesk, type Desk } from './desk.js';
import {
  createHttpStatusSource,
  formatProblems,
  loadStatusMapping,
  type DossierStatusSource,
} from './external/index.js';
import { createFileStore, createMediaDownloader, loadFilesKey, type FileStore } from './files/index.js';
import type { OfficeDeps } from './office.js';

/** Everything dossiers need at run time, built once per process from the configuration. */
export interface DossierServices {
  desk: Desk;
  store: FileStore;
  calendar: WorkCalendar;
  external?: DossierStatusSource;
  office: OfficeDeps & { apologyExtraDays: number };
}

/** Builds the dossier services: file key and store, holiday calendar, external source, desk, office. */
export async function createDossierServices(opts: {
  config: Config;
  db: Database;
  logger: Logger;
  conversation: (oaId: string) => RespondContext;
  enqueue: (rows: PendingRow[]) => Promise<void>;
}): Promise<DossierServices> {
  const { config, logger } = opts;
  const cfg = config.dossiers;
  const key = await loadFilesKey({
    ...(cfg.filesKey ? { configured: cfg.filesKey } : {}),
    dataDir: config.dataDir,
  });
  const store = createFileStore({ dir: path.join(config.dataDir, 'files'), key });
  const holidays = await loadHolidayFile(cfg.holidaysFile);
  if (!holidays.ok) {
    throw new MotcuaError(
      ErrorCode.ConfigInvalid,
      `Invalid holiday file:\n${formatProblems(holidays.problems)}`,
    );
  }
  const calendar = createWorkCalendar({ timeZone: config.timezone, ...holidayOptions(holidays.value) });
  let external: DossierStatusSource | undefined;
  if (cfg.externalStatusConfig) {
    const mapping = await loadStatusMapping(cfg.externalStatusConfig, { env: process.env });
    if (!mapping.ok) {
      throw new MotcuaError(
        ErrorCode.ConfigInvalid,
        `Invalid EXTERNAL_STATUS_CONFIG:\n${formatProblems(mapping.problems)}`,
      );
    }
    external = createHttpStatusSource(mapping.value, { logger: logger.child({ component: 'external' }) });
  }
  const officeName = (oaId: string, locale: Locale) => {
    const ctx = opts.conversation(oaId);
    return ctx.catalogue.desk(locale).office?.name ?? config.officeName ?? ctx.t(locale)('office_default');
  };
  const desk = createDesk({
    config: cfg,
    calendar,
    store,
    media: {
      downloader: createMediaDownloader({
        maxBytes: cfg.mediaMaxBytes,
        timeoutMs: 15_000,
        attempts: 3,
        retryDelayMs: 1000,
      }),
      maxBytes: cfg.mediaMaxBytes,
      minImageSide: cfg.mediaMinSide,
      logger: logger.child({ component: 'media' }),
    },
    scope: (oaId) => {
      const ctx = opts.conversation(oaId);
      return {
        catalogue: ctx.catalogue,
        matcher: ctx.matcher,
        t: ctx.t,
        officeName: (l) => officeName(oaId, l),
      };
    },
    ...(external ? { external } : {}),
    infoCardUrl: `${config.publicUrl}/assets/info-card.png`,
    logger: logger.child({ component: 'desk' }),
  });
  return {
    desk,
    store,
    calendar,
    ...(external ? { external } : {}),
    office: {
      db: opts.db,
      catalogue: (oaId) => opts.conversation(oaId).catalogue,
      t: (locale) => opts.conversation(config.zalo.oaId).t(locale),
      calendar,
      defaultLocale: config.defaultLocale,
      officeName: officeName(config.zalo.oaId, config.defaultLocale),
      retentionDays: cfg.retentionDays,
      apologyExtraDays: cfg.apologyExtraDays,
      enqueue: opts.enqueue,
    },
  };
}
