import type { BroadcastView } from '../../broadcasts/contract.js';
import type { AudiencePreview } from '../../broadcasts/types.js';
import { html, type SafeHtml } from '../html.js';
import { csrfInput } from '../views/forms.js';
import { audienceLabel, BROADCAST_STYLE, countsBlock, flash } from './parts.js';
import { PHONE_STYLE } from './phone-preview.js';
import { fill, type BroadcastTexts } from './texts.js';

/** The actions that ask for a confirmation first. */
export type ConfirmedAction = 'pause' | 'resume' | 'cancel';

/** What the approval page shows. */
export interface ApprovalPage {
  t: BroadcastTexts;
  base: string;
  csrf: string;
  b: BroadcastView;
  preview: SafeHtml;
  counts: AudiencePreview;
  /** The signed-in account composed it, so it cannot approve. */
  own: boolean;
  error?: string;
}

/** The second officer's page: what will go to whom, and the approve button (not for the creator). */
export function approvalBody(v: ApprovalPage): SafeHtml {
  const { t, b } = v;
  return html`${BROADCAST_STYLE}${PHONE_STYLE}
    <p><a href="${v.base}/broadcasts/${b.id}">← ${b.title}</a></p>
    <h1>${t.approvalTitle}: ${b.title}</h1>
    ${flash(undefined, v.error)}
    <p>${fill(t.approvalNote, { name: b.createdBy ?? '' })}</p>
    <p>${t.audience}: <strong>${audienceLabel(t, b.audience)}</strong></p>
    <div class="split">
      <section class="card">${v.preview}</section>
      <section class="card">${countsBlock(t, v.counts)}</section>
    </div>
    <div class="card">
      ${
        v.own
          ? html`<p class="notice" id="own">${t.approvalOwn}</p>`
          : html`<form method="post" action="${v.base}/broadcasts/${b.id}/approve" id="approve-form">
              ${csrfInput(v.csrf)}
              <button type="submit" id="approve">${t.approve}</button>
            </form>`
      }
    </div>`;
}

/** "Are you sure?" for pausing, resuming or cancelling; works without JavaScript. */
export function confirmBody(
  t: BroadcastTexts,
  base: string,
  csrf: string,
  b: BroadcastView,
  action: ConfirmedAction,
): SafeHtml {
  const path = `${base}/broadcasts/${b.id}`;
  return html`${BROADCAST_STYLE}
    <div class="card" id="confirm">
      <h1>${t.confirmTitle}</h1>
      <p>${fill(t.confirm[action], { title: b.title })}</p>
      <form method="post" action="${path}/${action}" class="actions">
        ${csrfInput(csrf)}
        <button type="submit" id="confirm-yes" class="${action === 'cancel' ? 'danger' : ''}">
          ${t.confirmYes}
        </button>
        <a class="button secondary" href="${path}">${t.cancelEdit}</a>
      </form>
    </div>`;
}
