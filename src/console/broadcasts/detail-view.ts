import type { BroadcastView } from '../../broadcasts/contract.js';
import type { AudiencePreview } from '../../broadcasts/types.js';
import { formatInstant } from '../dossiers/format.js';
import { html, type SafeHtml } from '../html.js';
import { checkLabel, csrfInput } from '../views/forms.js';
import { audienceLabel, BROADCAST_STYLE, countsBlock, flash, statusBadge } from './parts.js';
import { PHONE_STYLE } from './phone-preview.js';
import { fill, type BroadcastTexts } from './texts.js';

/** What the detail page shows. */
export interface DetailPage {
  t: BroadcastTexts;
  base: string;
  csrf: string;
  timezone: string;
  b: BroadcastView;
  /** Editors and admins act on notices; officers read. */
  mayAct: boolean;
  /** The phone preview and the counts, shown until sending starts. */
  preview?: SafeHtml;
  counts?: AudiencePreview;
  /** The report section, once sending started. */
  report?: SafeHtml;
  /** The datetime-local value of now, the earliest time offered. */
  minAt: string;
  /** The scheduling form as it was filled when refused. */
  scheduleDraft?: { when: 'now' | 'at'; at: string };
  notice?: string;
  error?: string;
}

const EDITABLE = new Set(['suggested', 'draft']);
const PAUSABLE = new Set(['scheduled', 'sending']);
const OVER = new Set(['done', 'cancelled']);

/** Whether the flash named by `?done=` still tells the truth: once a notice is over, only its cancellation does. */
export function flashStillTrue(done: string, status: BroadcastView['status']): boolean {
  return !OVER.has(status) || (status === 'cancelled' && done === 'cancelled');
}

function summary(v: DetailPage): SafeHtml {
  const { t, b } = v;
  const when = (d: Date | null) => (d ? formatInstant(d, v.timezone) : '');
  const line = (label: string, value: SafeHtml | string, id = '') =>
    html`<tr>
      <th scope="row">${label}</th>
      <td id="${id}">${value}</td>
    </tr>`;
  return html`<div class="card table" id="summary">
    <table>
      ${line(t.status, statusBadge(t, b.status), 'status')} ${line(t.audience, audienceLabel(t, b.audience))}
      ${b.scheduledAt ? line(t.scheduledLabel, when(b.scheduledAt)) : ''}
      ${b.startedAt ? line(t.startedLabel, when(b.startedAt)) : ''}
      ${b.finishedAt ? line(t.finishedLabel, when(b.finishedAt)) : ''}
      ${line(t.createdLabel, `${b.createdBy ?? ''} · ${when(b.createdAt)}`)}
      ${b.approvedBy ? line(t.approvedLabel, b.approvedBy) : ''}
    </table>
  </div>`;
}

function scheduleForm(v: DetailPage): SafeHtml {
  const { t, b } = v;
  const draft = v.scheduleDraft ?? { when: 'now', at: '' };
  return html`<form method="post" action="${v.base}/broadcasts/${b.id}/schedule" id="schedule-form">
    ${csrfInput(v.csrf)}
    <h2>${t.schedule}</h2>
    ${checkLabel({ type: 'radio', name: 'when', value: 'now', checked: draft.when === 'now', label: t.sendNow })}
    ${checkLabel({
      type: 'radio',
      name: 'when',
      value: 'at',
      checked: draft.when === 'at',
      label: fill(t.sendAt, { tz: v.timezone }),
    })}
    <input
      type="datetime-local"
      id="at"
      name="at"
      min="${v.minAt}"
      value="${draft.at}"
      aria-label="${t.when}"
    />
    ${b.needsApproval ? html`<p class="hint">${t.needsApproval}</p>` : ''}
    <div class="actions"><button type="submit" id="send">${t.scheduleSubmit}</button></div>
  </form>`;
}

function actions(v: DetailPage): SafeHtml {
  const { t, b } = v;
  if (!v.mayAct) return html``;
  const path = `${v.base}/broadcasts/${b.id}`;
  const links: SafeHtml[] = [];
  if (EDITABLE.has(b.status))
    links.push(html`<a class="button secondary" id="edit" href="${path}/edit">${t.edit}</a>`);
  if (b.status === 'awaiting_approval')
    links.push(html`<a class="button" id="go-approve" href="${path}/approve">${t.goApprove}</a>`);
  if (PAUSABLE.has(b.status))
    links.push(html`<a class="button secondary" id="pause" href="${path}/pause">${t.pause}</a>`);
  if (b.status === 'paused')
    links.push(html`<a class="button" id="resume" href="${path}/resume">${t.resume}</a>`);
  if (!OVER.has(b.status))
    links.push(html`<a class="button danger" id="cancel" href="${path}/cancel">${t.cancel}</a>`);
  if (links.length === 0) return html``;
  return html`<div class="card">
    ${EDITABLE.has(b.status) ? scheduleForm(v) : ''}
    <div class="actions" id="actions">${links}</div>
  </div>`;
}

/** One notice: its summary, the preview and counts before sending, the actions, the report. */
export function detailBody(v: DetailPage): SafeHtml {
  return html`${BROADCAST_STYLE}${PHONE_STYLE}
    <p><a href="${v.base}/broadcasts">← ${v.t.title}</a></p>
    <h1>${v.b.title}</h1>
    ${flash(v.notice, v.error)} ${summary(v)}
    ${
      v.preview && v.counts
        ? html`<div class="split">
            <section class="card" aria-labelledby="h-preview">
              <h2 id="h-preview">${v.t.preview}</h2>
              ${v.preview}
            </section>
            <section class="card">${countsBlock(v.t, v.counts)}</section>
          </div>`
        : ''
    }
    ${actions(v)} ${v.report ?? ''}`;
}
