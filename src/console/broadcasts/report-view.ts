import { jsonDataBlock } from '../dashboard/data-block.js';
import { html, type SafeHtml } from '../html.js';
import type { ReportModel } from './report-model.js';
import type { BroadcastTexts } from './texts.js';

/** What the report section needs besides its model. */
export interface ReportSection {
  t: BroadcastTexts;
  model: ReportModel;
  /** The JSON endpoint the page polls while sending. */
  dataUrl: string;
  csvUrl: string;
}

/** The report: reached/recipients, counts by status, the per-minute chart and its table, the CSV. */
export function reportSection(v: ReportSection): SafeHtml {
  const { t, model } = v;
  const tl = model.timeline;
  return html`<section class="card" id="report" aria-labelledby="h-report">
      <h2 id="h-report">${t.report}</h2>
      <p><strong id="sent-total" data-sent="${model.sent}">${model.sentText}</strong></p>
      <div class="table">
        <table id="report-counts">
          <thead>
            <tr>
              <th>${t.status}</th>
              <th class="num">${t.people}</th>
            </tr>
          </thead>
          <tbody>
            ${model.lines.map(
              (l) =>
                html`<tr data-line="${l.key}">
                  <th scope="row" class="${l.key.startsWith('refused:') ? 'hint' : ''}">${l.label}</th>
                  <td class="num" data-value>${l.value}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h3>${t.timeline}</h3>
      <div class="chart"><canvas id="timeline-chart" role="img" aria-label="${t.timeline}"></canvas></div>
      <div class="table">
        <table id="timeline-table">
          <thead>
            <tr>
              <th scope="col">${t.minute}</th>
              <th scope="col" class="num">${t.sentSeries}</th>
              <th scope="col" class="num">${t.receivedSeries}</th>
              <th scope="col" class="num">${t.seenSeries}</th>
            </tr>
          </thead>
          <tbody>
            ${tl.labels.map(
              (label, i) =>
                html`<tr>
                  <th scope="row">${label}</th>
                  <td class="num">${tl.sent[i] ?? 0}</td>
                  <td class="num">${tl.received[i] ?? 0}</td>
                  <td class="num">${tl.seen[i] ?? 0}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${tl.labels.length === 0 ? html`<p class="muted" id="no-timeline">${t.noTimeline}</p>` : ''}
      ${model.live ? html`<p class="hint" id="live-note">${t.live}</p>` : ''}
      <p class="actions"><a id="csv" href="${v.csvUrl}">${t.exportCsv}</a></p>
    </section>
    ${jsonDataBlock('report-data', { url: v.dataUrl, model })}`;
}
