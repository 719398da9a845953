import { REFUSAL_REASONS } from '../../broadcasts/contract.js';
import type { Audience, AudiencePreview, BroadcastStatus } from '../../broadcasts/types.js';
import { html, type SafeHtml } from '../html.js';
import { fill, type BroadcastTexts } from './texts.js';

/** Styles shared by the broadcast pages (the console's CSP allows inline styles, not scripts). */
export const BROADCAST_STYLE = html`<style>
  main {
    max-width: 60rem;
  }
  .badge {
    display: inline-block;
    padding: 0 0.45rem;
    border-radius: 0.3rem;
    font-size: 0.85rem;
    background: #e7f0fb;
    color: #0b4a8a;
  }
  .badge.suggested,
  .badge.awaiting_approval {
    background: #fff4d6;
    color: #6b4d00;
  }
  .badge.done {
    background: #e7f4ea;
    color: #1e5b2b;
  }
  .badge.cancelled {
    background: #eceff2;
    color: #4a5561;
  }
  .split {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(19rem, 1fr));
    gap: 1rem;
    align-items: start;
  }
  textarea {
    width: 100%;
    font: inherit;
    padding: 0.6rem;
    border: 1px solid #a9b4bf;
    border-radius: 0.35rem;
  }
  input[type='checkbox'],
  input[type='radio'] {
    width: auto;
    margin-right: 0.4rem;
  }
  label.check {
    font-weight: 400;
    margin: 0.35rem 0;
  }
  fieldset {
    border: 1px solid #d8dee4;
    border-radius: 0.35rem;
    margin: 0.75rem 0 0;
  }
  .hint {
    font-size: 0.9rem;
    color: #5b6875;
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  a.button {
    display: inline-block;
    padding: 0.6rem 1rem;
    border-radius: 0.35rem;
    background: #0b5cad;
    color: #fff;
    text-decoration: none;
  }
  a.button.secondary {
    background: #e8edf2;
    color: #1d2733;
  }
  a.button.danger {
    background: #b42318;
  }
  .chart {
    position: relative;
    height: 16rem;
    margin: 0 0 0.75rem;
  }
</style>`;

/** A broadcast status as a coloured label. */
export function statusBadge(t: BroadcastTexts, status: BroadcastStatus): SafeHtml {
  return html`<span class="badge ${status}" data-status="${status}">${t.statusNames[status]}</span>`;
}

/** Who a broadcast goes to, in words. */
export function audienceLabel(t: BroadcastTexts, audience: Audience): string {
  switch (audience.kind) {
    case 'all':
      return t.audienceAll;
    case 'tags':
      return fill(t.audienceTags, { tags: audience.tags.join(', ') });
    case 'procedure':
      return fill(t.audienceProcedure, { code: audience.code, days: audience.sinceDays });
  }
}

/** The recipient counts shown before sending; the page script updates the `data-count` cells. */
export function countsBlock(t: BroadcastTexts, preview: AudiencePreview, liveUrl?: string): SafeHtml {
  const refused = REFUSAL_REASONS.reduce((n, r) => n + preview.refused[r], 0);
  return html`<div class="table" id="audience-counts" ${liveUrl ? html`data-url="${liveUrl}"` : ''}>
    <table>
      <caption class="muted" style="text-align:left">
        ${t.recipients}
      </caption>
      <tbody>
        <tr>
          <th scope="row">${t.total}</th>
          <td class="num" data-count="total">${preview.total}</td>
        </tr>
        <tr>
          <th scope="row"><strong>${t.deliverable}</strong></th>
          <td class="num"><strong data-count="deliverable">${preview.deliverable}</strong></td>
        </tr>
        <tr>
          <th scope="row">${t.refused}</th>
          <td class="num" data-count="refused">${refused}</td>
        </tr>
        ${REFUSAL_REASONS.map(
          (r) =>
            html`<tr>
              <th scope="row" class="hint">— ${t.refusal[r]}</th>
              <td class="num" data-count="${r}">${preview.refused[r]}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** A notice or an error line at the top of a page. */
export function flash(notice?: string, error?: string): SafeHtml {
  return html`${notice ? html`<p class="notice" id="notice" role="status">${notice}</p>` : ''}${
    error ? html`<p class="error" id="error" role="alert">${error}</p>` : ''
  }`;
}
