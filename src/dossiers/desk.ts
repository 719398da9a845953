import type { TFunction } from 'i18next';
import {
  complaintAction,
  complaintLocation,
  complaintMedia,
  complaintText,
  draftingComplaint,
  lookupComplaint,
} from '../complaints/intake.js';
import { foldForMatch } from '../conversation/commands.js';
import type { Locale } from '../i18n.js';
import type { Logger } from '../log.js';
import type { Matcher } from '../nlu/index.js';
import type { ZaloEvent } from '../zalo/events.js';
import type { ZaloMessage } from '../zalo/messages.js';
import type { DossierConfig } from '../config.js';
import type { WorkCalendar } from './calendar.js';
import { asDeskState, DeskTurn, type DeskCatalogue, type DeskState } from './desk-context.js';
import type { DossierStatusSource } from './external/index.js';
import type { FileStore } from './files/index.js';
import {
  collecting,
  intakeAction,
  intakeIdentified,
  intakeMedia,
  intakeText,
  promptStep,
  startIntake,
  discard,
  type IntakeAction,
} from './intake.js';
import { checkSecondFactor, listDossiers, lookupCode } from './lookup.js';
import { paperAttachments, prepareMedia, type MediaDeps, type PreparedMedia } from './media.js';
import { commentRating, rateDossier, rateTicket } from './ratings.js';
import { askForOfficer, cancelRequest } from '../handoff/chat.js';
import { collectingDossier, saveProfile, supplementDossier, type Tx } from './repo.js';
import { supplementDone, supplementMedia } from './supplement.js';

/**
 * The desk: everything about dossiers and complaints in a resident's chat — assembling a dossier,
 * supplements, lookups, ratings, complaints. It runs inside the inbound transaction before the
 * general answering, and says whether it handled the message.
 */

/** What the desk needs to answer one OA's residents. */
export interface DeskScope {
  catalogue: DeskCatalogue;
  matcher: Matcher;
  t: (locale: Locale) => TFunction;
  officeName: (locale: Locale) => string;
}

/** One message for the desk. */
export interface DeskInput {
  event: ZaloEvent;
  locale: Locale;
  /** The desk part of the conversation state. */
  state: unknown;
  media?: PreparedMedia[];
  now: Date;
}

/** What the desk did with a message. */
export interface DeskAnswer {
  /** True when the desk answered; otherwise the general answering runs and `messages` are appended. */
  handled: boolean;
  messages: ZaloMessage[];
  state: DeskState | undefined;
  removeAfterCommit: string[];
}

/** The desk's dependencies. */
export interface DeskDeps {
  config: DossierConfig;
  calendar: WorkCalendar;
  store: FileStore;
  media: Omit<MediaDeps, 'store'>;
  scope: (oaId: string) => DeskScope;
  external?: DossierStatusSource;
  infoCardUrl: string;
  logger: Pick<Logger, 'warn' | 'info' | 'debug'>;
}

/** The desk, built once per process. */
export interface Desk {
  /** Downloads and stores a message's photos before the transaction, when something will take them. */
  prepare(db: Tx, event: ZaloEvent): Promise<PreparedMedia[] | undefined>;
  /** Answers a message inside the transaction, or says it is not for the desk. */
  handle(tx: Tx, input: DeskInput): Promise<DeskAnswer>;
  /** Deletes stored files (after a commit, or when a prepared message turned out to be a duplicate). */
  remove(paths: string[]): Promise<void>;
}

const INTAKE_ACTIONS: readonly IntakeAction[] = [
  'agree',
  'decline',
  'next',
  'skip',
  'redo',
  'cancel',
  'resume',
  'desk',
  'post',
  'submit',
  'supplement_done',
];

/** Words residents type instead of tapping, while a dossier is being assembled. */
const TYPED_INTAKE: Record<string, IntakeAction> = {
  xong: 'next',
  'da xong': 'next',
  tiep: 'next',
  'tiep tuc': 'next',
  'bo qua': 'skip',
  'nop ho so': 'submit',
  'huy ho so': 'cancel',
};

const SUBMIT_INTENT =
  /^(?:(?:toi|em|minh|cho)\s+)?(?:muon\s+)?(?:nop|gui|lam)\s+(?:ho so|hs|giay to)\b\s*(.*)$/;

/** Builds the desk. */
export function createDesk(deps: DeskDeps): Desk {
  const mediaDeps: MediaDeps = { ...deps.media, store: deps.store };
  return {
    async prepare(db, event) {
      if (event.kind !== 'user_message' || !event.userId) return undefined;
      const papers = paperAttachments(event.attachments);
      if (papers.length === 0) return undefined;
      const supplement = await supplementDossier(db, event.oaId, event.userId);
      const dossier = await collectingDossier(db, event.oaId, event.userId);
      const takesPapers =
        (supplement && !supplement.supplementedAt) ||
        (dossier && dossier.step !== 'consent' && dossier.step !== 'identity');
      return takesPapers || (await draftingComplaint(db, event.oaId, event.userId))?.step === 'photos'
        ? prepareMedia(mediaDeps, papers)
        : undefined;
    },
    async handle(tx, input) {
      const scope = deps.scope(input.event.oaId);
      const turn = new DeskTurn(
        tx,
        input.event.oaId,
        input.event.userId,
        input.locale,
        scope.t(input.locale),
        scope.catalogue,
        deps.config,
        deps.calendar,
        input.now,
        scope.officeName(input.locale),
        deps.infoCardUrl,
        asDeskState(input.state),
      );
      const handled = await dispatch(turn, input, scope, deps);
      if (!handled) discard(turn, input.media ?? []);
      return { handled, messages: turn.out, state: turn.state, removeAfterCommit: turn.removeAfterCommit };
    },
    async remove(paths) {
      for (const p of paths) {
        await deps.store
          .remove(p)
          .catch((err: unknown) =>
            deps.logger.warn(
              { err: err instanceof Error ? err.message : 'failed' },
              'stored file not removed',
            ),
          );
      }
    },
  };
}

async function dispatch(
  turn: DeskTurn,
  input: DeskInput,
  scope: DeskScope,
  deps: DeskDeps,
): Promise<boolean> {
  const { event } = input;
  switch (event.kind) {
    case 'user_submit_info': {
      await saveProfile(turn.tx, { oaId: turn.oaId, userId: turn.userId, ...event.info });
      const d = await collecting(turn);
      if (d) await intakeIdentified(turn, d, event.info.name);
      return d !== undefined;
    }
    case 'user_message':
      if (event.eventName === 'user_send_text') return text(turn, event.text ?? '', scope, deps);
      return attachments(turn, event, input.media ?? []);
    default:
      return false;
  }
}

async function attachments(
  turn: DeskTurn,
  event: Extract<ZaloEvent, { kind: 'user_message' }>,
  media: PreparedMedia[],
): Promise<boolean> {
  const location = event.attachments.find((a) => a.kind === 'location');
  if (location && location.kind === 'location') {
    const c = await draftingComplaint(turn.tx, turn.oaId, turn.userId);
    if (!c) return false;
    await complaintLocation(turn, c, location.latitude, location.longitude);
    return true;
  }
  if (paperAttachments(event.attachments).length === 0) return false;
  const supplement = await supplementDossier(turn.tx, turn.oaId, turn.userId);
  if (supplement && (await supplementMedia(turn, supplement, media, event.msgId))) return true;
  const d = await collecting(turn);
  if (d) {
    await intakeMedia(turn, d, media, event.msgId);
    return true;
  }
  const c = await draftingComplaint(turn.tx, turn.oaId, turn.userId);
  if (c) {
    await complaintMedia(turn, c, media, event.msgId);
    return true;
  }
  return false;
}

async function text(turn: DeskTurn, raw: string, scope: DeskScope, deps: DeskDeps): Promise<boolean> {
  const trimmed = raw.trim();
  if (trimmed.startsWith('#')) return payload(turn, trimmed.split(/\s+/));
  const mode = turn.state;
  if (mode?.mode === 'second_factor' && mode.code) {
    await checkSecondFactor(
      turn,
      { ...(deps.external ? { external: deps.external } : {}) },
      mode.code,
      trimmed,
    );
    return true;
  }
  if (mode?.mode === 'rating_comment' && mode.ratingId) {
    await commentRating(turn, mode.ratingId, trimmed);
    return true;
  }
  turn.state = undefined;
  const complaint = await draftingComplaint(turn.tx, turn.oaId, turn.userId);
  if (complaint && (await complaintText(turn, complaint, trimmed))) return true;
  const d = await collecting(turn);
  if (d && (await intakeText(turn, d, trimmed))) return true;
  if (await lookupCode(turn, trimmed)) return true;
  if (await lookupComplaint(turn, trimmed)) return true;
  const folded = foldForMatch(trimmed);
  if (d && TYPED_INTAKE[folded]) {
    await intakeAction(turn, d, TYPED_INTAKE[folded]);
    return true;
  }
  const submit = SUBMIT_INTENT.exec(folded);
  if (submit) {
    const rest = submit[1] ?? '';
    const c = rest ? scope.matcher.classify(rest) : undefined;
    if (c?.intent === 'procedure' && c.procedure && c.action === 'answer')
      await startIntake(turn, c.procedure);
    else if (d) await promptStep(turn, d);
    else turn.say('intake.which');
    return true;
  }
  const c = scope.matcher.classify(trimmed);
  if (c.intent === 'dossier_status' && c.action === 'answer') {
    await myDossiers(turn);
    return true;
  }
  if (c.action === 'handoff' || (c.intent === 'handoff' && c.action === 'answer')) {
    await askForOfficer(turn);
    return true;
  }
  if (c.intent === 'feedback' && c.action === 'answer') {
    await complaintAction(turn, 'start', undefined);
    return true;
  }
  if (d && d.step !== 'consent') {
    turn.say('intake.paused', { procedure: turn.procedureName(d.procedureCode) }, [
      turn.button('intake.button.resume', '#dz resume'),
      turn.button('intake.button.cancel', '#dz cancel'),
    ]);
  }
  return false;
}

async function myDossiers(turn: DeskTurn) {
  await listDossiers(turn);
  const d = await collecting(turn);
  if (d)
    turn.say('intake.paused', { procedure: turn.procedureName(d.procedureCode) }, [
      turn.button('intake.button.resume', '#dz resume'),
      turn.button('intake.button.cancel', '#dz cancel'),
    ]);
}

async function payload(turn: DeskTurn, parts: string[]): Promise<boolean> {
  const [head, a, b] = parts;
  switch (head) {
    case '#dz': {
      const action = INTAKE_ACTIONS.find((x) => x === a);
      if (!action) return false;
      if (action === 'supplement_done') {
        const s = await supplementDossier(turn.tx, turn.oaId, turn.userId);
        if (s) {
          await supplementDone(turn, s);
          return true;
        }
      }
      const d = await collecting(turn);
      if (!d) return false;
      await intakeAction(turn, d, action);
      return true;
    }
    case '#nop':
      if (!a) return false;
      await startIntake(turn, a);
      return true;
    case '#rate':
      if (a === 'skip') {
        turn.state = undefined;
        turn.say('rating.comment_thanks');
        return true;
      }
      if (a === 't') await rateTicket(turn, Number(b), Number(parts[3]));
      else await rateDossier(turn, Number(a), Number(b));
      return true;
    case '#pa':
      if (!a) return false;
      await complaintAction(turn, a, b);
      return true;
    case '#dossier':
      await myDossiers(turn);
      return true;
    case '#officer':
      await askForOfficer(turn);
      return true;
    case '#ticket':
      if (a !== 'cancel') return false;
      await cancelRequest(turn);
      return true;
    default:
      turn.state = undefined;
      return false;
  }
}
