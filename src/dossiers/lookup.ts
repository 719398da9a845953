import { parseLocalDate } from './calendar.js';
import { parseDossierCode } from './codes.js';
import type { DeskTurn } from './desk-context.js';
import type { DossierStatusSource } from './external/index.js';
import { formatLocalDate } from './format.js';
import {
  dossierByCode,
  lookupsSince,
  profileOf,
  recordLookup,
  residentDossiers,
  type DossierRow,
} from './repo.js';
import { isDossierStatus } from './status.js';

/**
 * "Hồ sơ của tôi" and lookups by dossier code. A resident sees their own dossiers freely; a code
 * that belongs to someone else (or is only in the provincial system) needs the last four digits
 * of the phone on the dossier, and lookups by code are limited per resident per rolling day.
 */

/** Lists the resident's dossiers with their status in plain words. */
export async function listDossiers(turn: DeskTurn): Promise<void> {
  const rows = await residentDossiers(turn.tx, turn.oaId, turn.userId);
  if (rows.length === 0) return turn.say('lookup.none', {}, [turn.button('menu.officer', '#officer')]);
  if (rows.length === 1) return describe(turn, rows[0]!);
  const items = rows.map((d) =>
    turn.t('lookup.item', {
      code: d.code,
      procedure: turn.procedureName(d.procedureCode),
      status: statusName(turn, d.status),
      date: d.appointmentDate ? turn.t('lookup.item_date', { date: formatLocalDate(d.appointmentDate) }) : '',
    }),
  );
  turn.sayText(`${turn.t('lookup.list_intro')}\n${items.join('\n')}`);
}

/** Shows one dossier in detail. */
export function describe(turn: DeskTurn, d: DossierRow) {
  const status = d.status ?? 1;
  turn.say('lookup.detail', {
    code: d.code,
    procedure: turn.procedureName(d.procedureCode),
    status: statusName(turn, status),
    date: d.appointmentDate ? turn.t('lookup.item_date', { date: formatLocalDate(d.appointmentDate) }) : '',
    explain: turn.t(`dossier_status.${status}.explain`),
    reason: d.reason ? turn.t('lookup.reason', { reason: d.reason }) : '',
  });
}

function statusName(turn: DeskTurn, status: number | null): string {
  return turn.t(`dossier_status.${isDossierStatus(status) ? status : 1}.name`);
}

/** What a lookup by code needs beyond the turn. */
export interface LookupDeps {
  external?: DossierStatusSource;
}

/** Looks a typed code up: own dossiers at once, others after the phone check. */
export async function lookupCode(turn: DeskTurn, text: string): Promise<boolean> {
  const parsed = parseDossierCode(text);
  if (!parsed) return false;
  const own = await dossierByCode(turn.tx, turn.oaId, parsed.code);
  if (own && own.userId === turn.userId) {
    describe(turn, own);
    return true;
  }
  if (await overLimit(turn)) return true;
  turn.state = { mode: 'second_factor', code: parsed.code };
  turn.say('lookup.second_factor', { code: parsed.code });
  return true;
}

/** The resident answered the phone check for `code`. */
export async function checkSecondFactor(
  turn: DeskTurn,
  deps: LookupDeps,
  code: string,
  text: string,
): Promise<void> {
  turn.state = undefined;
  const digits = text.replace(/\D/g, '');
  if (await overLimit(turn)) return;
  const dossier = await dossierByCode(turn.tx, turn.oaId, code);
  if (dossier) {
    const owner = await profileOf(turn.tx, dossier.oaId, dossier.userId);
    const ok = digits.length === 4 && !!owner?.phone && owner.phone.replace(/\D/g, '').endsWith(digits);
    await recordLookup(turn.tx, { oaId: turn.oaId, userId: turn.userId, ok });
    if (!ok) return turn.say('lookup.second_factor_wrong');
    return describe(turn, dossier);
  }
  await recordLookup(turn.tx, { oaId: turn.oaId, userId: turn.userId, ok: false });
  const external =
    deps.external && digits.length === 4
      ? await deps.external.lookup({ code, secondFactor: digits }).catch(() => null)
      : null;
  if (!external) return turn.say('lookup.not_found', { code, portal: turn.portal() });
  turn.say('lookup.external');
  turn.say('lookup.detail', {
    code: external.code,
    procedure: external.procedureName ?? '',
    status: turn.t(`dossier_status.${external.status}.name`),
    date: external.appointmentDate
      ? turn.t('lookup.item_date', { date: formatLocalDate(parseLocalDate(external.appointmentDate)) })
      : '',
    explain: turn.t(`dossier_status.${external.status}.explain`),
    reason: external.note ? turn.t('lookup.reason', { reason: external.note }) : '',
  });
}

async function overLimit(turn: DeskTurn): Promise<boolean> {
  const since = new Date(turn.now.getTime() - 86_400_000);
  const used = await lookupsSince(turn.tx, turn.oaId, turn.userId, since);
  if (used < turn.config.lookupsPerDay) return false;
  turn.state = undefined;
  turn.say('lookup.limit', { limit: turn.config.lookupsPerDay }, [turn.button('menu.officer', '#officer')]);
  return true;
}
