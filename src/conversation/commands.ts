import type { Topic } from '../nlu/index.js';
import { TOPICS } from './guidance.js';

/**
 * Global commands: what a tapped button (an `oa.query.hide` payload) or a few
 * typed words ask for, from any point of a conversation.
 */

/** A parsed command. */
export type Command =
  | { kind: 'menu' }
  | { kind: 'restart' }
  | { kind: 'language'; to?: 'vi' | 'en' }
  | { kind: 'officer' }
  | { kind: 'dossier' }
  | { kind: 'procedure'; code: string }
  | { kind: 'topic'; code: string; topic: Topic }
  | { kind: 'choice'; flow: string; step: string; choice: string };

const CODE = /^\d\.\d{6}$/;

/** Folds text for comparing with labels: NFC, lower case, no diacritics, đ → d, single spaces. */
export function foldForMatch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Parses a button payload (`#…`); undefined when it is not one of ours. */
export function parsePayload(text: string): Command | undefined {
  const parts = text.trim().split(/\s+/);
  switch (parts[0]) {
    case '#menu':
      return { kind: 'menu' };
    case '#restart':
      return { kind: 'restart' };
    case '#lang':
      return parts[1] === 'vi' || parts[1] === 'en'
        ? { kind: 'language', to: parts[1] }
        : { kind: 'language' };
    case '#officer':
      return { kind: 'officer' };
    case '#dossier':
      return { kind: 'dossier' };
    case '#p':
      return parts[1] && CODE.test(parts[1]) ? { kind: 'procedure', code: parts[1] } : undefined;
    case '#t': {
      const topic = TOPICS.find((x) => x === parts[2]);
      return parts[1] && CODE.test(parts[1]) && topic ? { kind: 'topic', code: parts[1], topic } : undefined;
    }
    case '#c': {
      const [flow, step] = (parts[1] ?? '').split('.');
      return flow && step && parts[2] ? { kind: 'choice', flow, step, choice: parts[2] } : undefined;
    }
    default:
      return undefined;
  }
}

const TYPED: Record<string, Command> = {
  menu: { kind: 'menu' },
  'menu chinh': { kind: 'menu' },
  'quay lai menu': { kind: 'menu' },
  'bat dau lai': { kind: 'restart' },
  'lam lai tu dau': { kind: 'restart' },
  restart: { kind: 'restart' },
  'start over': { kind: 'restart' },
  english: { kind: 'language', to: 'en' },
  'tieng anh': { kind: 'language', to: 'en' },
  'tieng viet': { kind: 'language', to: 'vi' },
  vietnamese: { kind: 'language', to: 'vi' },
};

/** A few short typed commands that work anywhere ("menu", "bắt đầu lại", "English", "Tiếng Việt"). */
export function typedCommand(text: string): Command | undefined {
  return TYPED[foldForMatch(text)];
}
