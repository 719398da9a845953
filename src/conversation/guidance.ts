import type { TFunction } from 'i18next';
import type { Locale } from '../i18n.js';
import type { Procedure } from '../catalogue/schema.js';
import type { Topic } from '../nlu/index.js';
import { buttonsMessage, fitText, type ZaloButton, type ZaloMessage } from '../zalo/messages.js';

/**
 * Composes what the bot says about one procedure, from its catalogue entry.
 * Pure. Every message stays within Zalo's 2,000 characters and reads on a
 * phone: the summary names what to bring, the fee, the time and where; the
 * details sit behind buttons.
 */

/** The follow-up questions the bot can answer about a procedure (the matcher's topics). */
export const TOPICS: readonly Topic[] = ['documents', 'fee', 'time', 'where', 'online', 'legal'];

/** The desk and portal facts that an OA's override adds. */
export interface DeskInfo {
  office?: { name: string; address: string; hours: string; phone?: string };
  provincialPortalUrl?: string;
}

/** Button payload asking for one topic of a procedure. */
export function topicPayload(code: string, topic: Topic): string {
  return `#t ${code} ${topic}`;
}

/** Button payload asking for a procedure's summary. */
export function procedurePayload(code: string): string {
  return `#p ${code}`;
}

const hidden = (title: string, payload: string): ZaloButton => ({ title, type: 'oa.query.hide', payload });

function followUps(p: Procedure, t: TFunction): ZaloButton[] {
  return [
    hidden(t('guidance.button.documents'), topicPayload(p.code, 'documents')),
    hidden(t('guidance.button.fee_time'), topicPayload(p.code, 'fee')),
    hidden(t('guidance.button.where'), topicPayload(p.code, 'where')),
    hidden(t('guidance.button.legal'), topicPayload(p.code, 'legal')),
    hidden(t('menu.officer'), '#officer'),
  ];
}

const bullet = (s: string) => `• ${s}`;

function documentLine(d: Procedure['documents'][number], locale: Locale, t: TFunction): string {
  const form = t(`guidance.form.${d.form}`, { count: d.count });
  return `${d.name[locale]} (${form})`;
}

function caution(p: Procedure, fields: Procedure['unconfirmed'][number][], t: TFunction): string {
  return fields.some((f) => p.unconfirmed.includes(f)) ? `\n${t('guidance.unconfirmed')}` : '';
}

/** The short answer: what to bring, fee, time, where; with follow-up buttons. */
export function procedureSummary(p: Procedure, locale: Locale, t: TFunction, desk: DeskInfo): ZaloMessage[] {
  const required = p.documents.filter((d) => d.required);
  const optional = p.documents.length - required.length;
  const lines = [
    t('guidance.title', { name: p.name[locale], code: p.code }),
    '',
    t('guidance.bring'),
    ...required.map((d) => bullet(documentLine(d, locale, t))),
    ...(optional > 0 ? [bullet(t('guidance.more_documents', { count: optional }))] : []),
    '',
    `${t('guidance.fee')}: ${p.fee.summary[locale]}`,
    `${t('guidance.time')}: ${p.time_limit.summary[locale]}`,
    `${t('guidance.where')}: ${whereLine(p, locale, t, desk)}`,
  ];
  const text = lines.join('\n') + caution(p, ['documents', 'fee', 'time_limit'], t);
  return [buttonsMessage(text, followUps(p, t))];
}

/** The answer for a procedure that another agency (Công an xã) handles. */
export function redirectAnswer(p: Procedure, locale: Locale, t: TFunction): ZaloMessage[] {
  const lines = [
    t('guidance.redirect', { name: p.name[locale] }),
    '',
    `${t('guidance.fee')}: ${p.fee.summary[locale]}`,
    `${t('guidance.time')}: ${p.time_limit.summary[locale]}`,
    ...(p.where ? [`${t('guidance.where')}: ${p.where[locale]}`] : []),
  ];
  const buttons: ZaloButton[] = [];
  if (p.channels.portal_url)
    buttons.push({
      title: t('guidance.button.portal'),
      type: 'oa.open.url',
      payload: { url: p.channels.portal_url },
    });
  buttons.push(hidden(t('guidance.button.documents'), topicPayload(p.code, 'documents')));
  buttons.push(hidden(t('flow.common.menu'), '#menu'));
  return [buttonsMessage(lines.join('\n') + caution(p, ['fee', 'time_limit'], t), buttons)];
}

function whereLine(p: Procedure, locale: Locale, t: TFunction, desk: DeskInfo): string {
  if (p.where) return p.where[locale];
  const parts: string[] = [];
  if (p.channels.desk)
    parts.push(desk.office ? t('guidance.desk_at', { address: desk.office.address }) : t('guidance.desk'));
  if (p.channels.online || p.channels.vneid) parts.push(t('guidance.online_short'));
  if (p.channels.post) parts.push(t('guidance.post_short'));
  return parts.join('; ');
}

/** The answer to one follow-up question about a procedure. */
export function topicAnswer(
  p: Procedure,
  topic: Topic,
  locale: Locale,
  t: TFunction,
  desk: DeskInfo,
): ZaloMessage[] {
  const title = t(`guidance.topic_title.${topic}`, { name: p.short_name[locale] });
  const body = topicBody(p, topic, locale, t, desk);
  const buttons = followUps(p, t).filter(
    (b) => b.type !== 'oa.query.hide' || b.payload !== topicPayload(p.code, topic),
  );
  buttons.unshift(hidden(t('guidance.button.summary'), procedurePayload(p.code)));
  return [buttonsMessage(fitText(`${title}\n${body}`), buttons.slice(0, 5))];
}

function topicBody(p: Procedure, topic: Topic, locale: Locale, t: TFunction, desk: DeskInfo): string {
  switch (topic) {
    case 'documents':
      return (
        p.documents
          .map((d) => {
            const head = bullet(documentLine(d, locale, t));
            const when = d.required ? '' : ` — ${d.when?.[locale] ?? ''}`;
            const photo = d.photo_ok ? '' : ` ${t('guidance.no_photo')}`;
            const notes = d.notes ? `\n  ${d.notes[locale]}` : '';
            return `${head}${when}${photo}${notes}`;
          })
          .join('\n') + caution(p, ['documents'], t)
      );
    case 'fee':
    case 'time':
      return (
        [
          `${t('guidance.fee')}: ${p.fee.summary[locale]}`,
          ...(p.fee.exemptions ? [`${t('guidance.exemptions')}: ${p.fee.exemptions[locale]}`] : []),
          ...(p.fee.set_by_province ? [t('guidance.fee_by_province')] : []),
          `${t('guidance.time')}: ${p.time_limit.summary[locale]}`,
        ].join('\n') + caution(p, ['fee', 'time_limit'], t)
      );
    case 'where':
    case 'online': {
      if (p.agency === 'cong_an_xa') {
        const lines = [t('guidance.redirect', { name: p.name[locale] })];
        if (p.where) lines.push(`${t('guidance.where')}: ${p.where[locale]}`);
        if (p.channels.portal_url) lines.push(t('guidance.online_national', { url: p.channels.portal_url }));
        if (p.channels.notes) lines.push(p.channels.notes[locale]);
        return lines.join('\n') + caution(p, ['channels'], t);
      }
      const lines = [`${t('guidance.where')}: ${whereLine(p, locale, t, desk)}`];
      if (desk.office) lines.push(t('guidance.hours', { hours: desk.office.hours }));
      if (desk.office?.phone) lines.push(t('guidance.phone', { phone: desk.office.phone }));
      if (p.channels.online)
        lines.push(
          t('guidance.online_national', { url: p.channels.portal_url ?? 'https://dichvucong.gov.vn' }),
        );
      if (p.channels.online && desk.provincialPortalUrl)
        lines.push(t('guidance.online_province', { url: desk.provincialPortalUrl }));
      if (p.channels.vneid) lines.push(t('guidance.vneid'));
      if (!p.channels.online && !p.channels.vneid) lines.push(t('guidance.no_online'));
      if (p.channels.notes) lines.push(p.channels.notes[locale]);
      return lines.join('\n') + caution(p, ['channels'], t);
    }
    case 'legal':
      return (
        p.legal_basis.map((l) => bullet(l.date ? `${l.title} (${l.date})` : l.title)).join('\n') +
        caution(p, ['legal_basis'], t)
      );
  }
}
