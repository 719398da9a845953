import type { BroadcastView } from '../../broadcasts/contract.js';
import { formatInstant } from '../dossiers/format.js';
import { html, type SafeHtml } from '../html.js';
import { audienceLabel, BROADCAST_STYLE, flash, statusBadge } from './parts.js';
import { fill, type BroadcastTexts } from './texts.js';

/** One broadcast in the list, with its delivery counts once sending started. */
export interface ListedBroadcast {
  view: BroadcastView;
  /** Recipients reached (sent, received or seen) and recipients in all; absent before sending. */
  delivered?: { sent: number; recipients: number };
}

/** What the list page shows. */
export interface ListPage {
  t: BroadcastTexts;
  base: string;
  timezone: string;
  /** Editors and admins compose; officers only read. */
  mayCompose: boolean;
  suggested: BroadcastView[];
  others: ListedBroadcast[];
  showOa: boolean;
  notice?: string;
  noOa: boolean;
}

/** The time worth showing for a broadcast: when it finished, started, is due, or was created. */
export function timeOf(t: BroadcastTexts, b: BroadcastView, timezone: string): string {
  const at = (d: Date) => formatInstant(d, timezone);
  if (b.finishedAt) return fill(t.finishedAt, { time: at(b.finishedAt) });
  if (b.startedAt) return fill(t.startedAt, { time: at(b.startedAt) });
  if (b.scheduledAt) return fill(t.scheduledFor, { time: at(b.scheduledAt) });
  return fill(t.createdAt, { time: at(b.createdAt) });
}

const path = (base: string, b: BroadcastView) => `${base}/broadcasts/${b.id}`;

function suggestedCard(v: ListPage): SafeHtml {
  if (v.suggested.length === 0) return html``;
  const { t } = v;
  return html`<section class="card" id="suggested" aria-labelledby="h-suggested">
    <h2 id="h-suggested">${t.suggestedTitle}</h2>
    <p class="hint">${t.suggestedNote}</p>
    <ul>
      ${v.suggested.map(
        (b) =>
          html`<li data-broadcast="${b.id}">
            <strong>${b.title}</strong> — ${audienceLabel(t, b.audience)}
            ${
              v.mayCompose
                ? html`<a class="button" href="${path(v.base, b)}/edit">${t.reviewAndSend}</a>`
                : html`<a href="${path(v.base, b)}">${t.reviewAndSend}</a>`
            }
          </li>`,
      )}
    </ul>
  </section>`;
}

function row(v: ListPage, item: ListedBroadcast): SafeHtml {
  const { t } = v;
  const b = item.view;
  return html`<tr data-broadcast="${b.id}">
    <td><a href="${path(v.base, b)}">${b.title}</a></td>
    <td>${statusBadge(t, b.status)}</td>
    <td>${audienceLabel(t, b.audience)}</td>
    <td>${timeOf(t, b, v.timezone)}</td>
    <td class="num">${item.delivered ? `${item.delivered.sent}/${item.delivered.recipients}` : '—'}</td>
    ${v.showOa ? html`<td>${b.oaId}</td>` : ''}
  </tr>`;
}

/** The broadcast list: suggested notices first, then every notice newest first. */
export function listBody(v: ListPage): SafeHtml {
  const { t } = v;
  if (v.noOa)
    return html`<h1>${t.title}</h1>
      <p class="notice">${t.noOa}</p>`;
  return html`${BROADCAST_STYLE}
    <h1>${t.title}</h1>
    ${flash(v.notice)}
    ${
      v.mayCompose
        ? html`<p class="actions">
            <a class="button" id="compose" href="${v.base}/broadcasts/new">${t.newNotice}</a>
          </p>`
        : ''
    }
    ${suggestedCard(v)}
    <div class="card table" id="broadcasts">
      ${
        v.others.length === 0
          ? html`<p class="muted">${t.empty}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>${t.noticeTitle}</th>
                  <th>${t.status}</th>
                  <th>${t.audience}</th>
                  <th>${t.when}</th>
                  <th class="num">${t.counts}</th>
                  ${v.showOa ? html`<th>OA</th>` : ''}
                </tr>
              </thead>
              <tbody>
                ${v.others.map((item) => row(v, item))}
              </tbody>
            </table>`
      }
    </div>`;
}
