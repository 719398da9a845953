import type { TFunction } from 'i18next';
import type { Procedure } from '../catalogue/index.js';
import type { DeskInfo } from '../conversation/guidance.js';
import type { Locale } from '../i18n.js';
import type { ZaloButton, ZaloMessage } from '../zalo/messages.js';
import { buttonsMessage, fitText, textMessage } from '../zalo/messages.js';
import type { WorkCalendar } from './calendar.js';
import type { DossierConfig } from '../config.js';
import type { Tx } from './repo.js';

/** What the desk keeps in the conversation state between messages. */
export interface DeskState {
  /** What the next typed text answers: a phone check, a rating comment, a dossier code. */
  mode?: 'second_factor' | 'rating_comment' | 'lookup_code';
  /** The dossier code a phone check is for. */
  code?: string;
  ratingId?: number;
}

/** Reads the desk part of a stored state defensively. */
export function asDeskState(value: unknown): DeskState | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const mode =
    v.mode === 'second_factor' || v.mode === 'rating_comment' || v.mode === 'lookup_code'
      ? v.mode
      : undefined;
  if (!mode) return undefined;
  return {
    mode,
    ...(typeof v.code === 'string' ? { code: v.code } : {}),
    ...(typeof v.ratingId === 'number' ? { ratingId: v.ratingId } : {}),
  };
}

/** The OA's procedures and desk facts, as answering sees them. */
export interface DeskCatalogue {
  get(code: string): Procedure | undefined;
  desk(locale: Locale): DeskInfo;
}

/** One resident turn handled by the desk, inside the inbound transaction. */
export class DeskTurn {
  /** Messages to send back, in order. */
  readonly out: ZaloMessage[] = [];
  /** Store paths to delete once the transaction has committed. */
  readonly removeAfterCommit: string[] = [];

  constructor(
    readonly tx: Tx,
    readonly oaId: string,
    readonly userId: string,
    readonly locale: Locale,
    readonly t: TFunction,
    readonly catalogue: DeskCatalogue,
    readonly config: DossierConfig,
    readonly calendar: WorkCalendar,
    readonly now: Date,
    readonly officeName: string,
    /** The picture on the request_user_info card (served by motcua at PUBLIC_URL). */
    readonly infoCardUrl: string,
    public state: DeskState | undefined,
  ) {}

  /** Adds a text (with buttons when given) to the answer. */
  say(key: string, vars: Record<string, unknown> = {}, buttons: ZaloButton[] = []) {
    const text = fitText(this.t(key, { office: this.officeName, hours: this.officeHours(), ...vars }));
    this.out.push(buttons.length ? buttonsMessage(text, buttons.slice(0, 5)) : textMessage(text));
  }

  /** The desk's opening hours as residents read them. */
  officeHours(): string {
    return this.catalogue.desk(this.locale).office?.hours ?? this.t('desk.hours_default');
  }

  /** Adds an already composed text. */
  sayText(text: string, buttons: ZaloButton[] = []) {
    this.out.push(
      buttons.length ? buttonsMessage(fitText(text), buttons.slice(0, 5)) : textMessage(fitText(text)),
    );
  }

  /** A button whose tap sends a hidden payload. */
  button(labelKey: string, payload: string, vars: Record<string, unknown> = {}): ZaloButton {
    return { title: this.t(labelKey, vars), type: 'oa.query.hide', payload };
  }

  /** The procedure's name in the resident's language, or its code when unknown. */
  procedureName(code: string): string {
    return this.catalogue.get(code)?.name[this.locale] ?? code;
  }

  /** The provincial portal to point to. */
  portal(): string {
    return this.catalogue.desk(this.locale).provincialPortalUrl ?? 'https://dichvucong.gov.vn';
  }
}
