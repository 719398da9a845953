import type { TFunction } from 'i18next';
import type { Procedure } from '../catalogue/schema.js';
import type { ProcedurePart } from './fingerprint.js';

/**
 * The ready notice staff are offered when a procedure changed: its title and a short Vietnamese
 * text naming what changed where that can be told (fee, papers, time limit…), else saying the
 * information was updated, and how to ask the bot. Pure.
 */

/** Parts a resident understands by name, in the order a notice lists them. */
const NAMED: readonly ProcedurePart[] = [
  'fee',
  'documents',
  'time_limit',
  'channels',
  'where',
  'who',
  'result',
  'legal',
  'agency',
];

/** A notice's title and text. */
export interface ProcedureNotice {
  title: string;
  text: string;
}

/** "a", "a và b", "a, b và c". */
function listed(items: string[], and: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)}`;
}

/** Composes the notice for a procedure whose `changed` parts differ; `t` speaks Vietnamese. */
export function procedureNotice(
  p: Procedure,
  changed: readonly ProcedurePart[],
  t: TFunction,
): ProcedureNotice {
  const named = NAMED.filter((part) => changed.includes(part)).map((part) =>
    t(`procedure_notice.part.${part}`),
  );
  const vars = { name: p.name.vi, ask: p.short_name.vi };
  return {
    title: t('procedure_notice.title', { name: p.short_name.vi }),
    text:
      named.length > 0
        ? t('procedure_notice.changed', { ...vars, parts: listed(named, t('procedure_notice.and')) })
        : t('procedure_notice.updated', vars),
  };
}
