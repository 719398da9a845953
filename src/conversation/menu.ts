import type { TFunction } from 'i18next';
import type { Locale } from '../i18n.js';
import type { ZaloEvent } from '../zalo/events.js';
import { buttonsMessage, textMessage, type ZaloButton, type ZaloMessage } from '../zalo/messages.js';

/**
 * The bot's first answer until the conversation engine lands: a greeting and a
 * short menu of buttons, in the resident's language. Pure: returns what to say.
 */

/** What the bot decided for one event: messages to send and an optional language change. */
export interface MenuDecision {
  messages: ZaloMessage[];
  locale?: Locale;
}

/** The main menu's buttons; each sends its label back as the resident's text. */
export function menuButtons(t: TFunction): ZaloButton[] {
  const keys = ['menu.procedures', 'menu.dossier', 'menu.officer', 'menu.language'];
  return keys.map((k) => ({ title: t(k), type: 'oa.query.show', payload: t(k) }));
}

/** Answers an event with the greeting and menu; the language button switches vi ⇄ en. */
export function decideMenuReply(
  event: ZaloEvent,
  locale: Locale,
  t: (l: Locale) => TFunction,
  office?: string,
): MenuDecision {
  const say = (l: Locale, key: string) => t(l)(key, { office: office ?? t(l)('office_default') });
  switch (event.kind) {
    case 'user_message': {
      if (event.eventName !== 'user_send_text') {
        return { messages: [buttonsMessage(say(locale, 'attachment_received'), menuButtons(t(locale)))] };
      }
      const switched = languageSwitch(event.text ?? '', locale, t);
      if (switched) {
        return {
          locale: switched,
          messages: [textMessage(say(switched, 'language_changed')), greeting(switched, say, t)],
        };
      }
      return { messages: [greeting(locale, say, t)] };
    }
    case 'follow':
      return { messages: [buttonsMessage(say(locale, 'follow_welcome'), menuButtons(t(locale)))] };
    case 'chat_now':
      return { messages: [greeting(locale, say, t)] };
    default:
      return { messages: [] };
  }
}

function greeting(locale: Locale, say: (l: Locale, k: string) => string, t: (l: Locale) => TFunction) {
  return buttonsMessage(say(locale, 'greeting'), menuButtons(t(locale)));
}

function languageSwitch(text: string, current: Locale, t: (l: Locale) => TFunction): Locale | undefined {
  const label = text.trim().normalize('NFC').toLowerCase();
  if (label === '') return undefined;
  const other: Locale = current === 'vi' ? 'en' : 'vi';
  return label === t(current)('menu.language').toLowerCase() ? other : undefined;
}
