import { html, type SafeHtml } from '../html.js';
import { jsonDataBlock } from './data-block.js';
import type { DashboardModel, DashboardSection, DataTable } from './model.js';
import { fill, type DashboardTexts } from './texts.js';

/** The periods the dashboard offers, in months. */
export const PERIODS = [3, 6, 12, 24] as const;

/** What the dashboard page shows around the model. */
export interface DashboardView {
  t: DashboardTexts;
  base: string;
  model: DashboardModel;
  /** The chart locale handed to the script (e.g. `vi-VN`). */
  locale: string;
  months: number;
  /** The period's first and last month, and the OAs, as shown. */
  fromLabel: string;
  toLabel: string;
  oaIds: readonly string[];
  /** Versioned URLs of the two scripts. */
  chartScript: string;
  dashboardScript: string;
}

const STYLE = `
main{max-width:64rem}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:.75rem;margin:0 0 1rem}
.summary .card{margin:0}
.summary .value{font-size:1.6rem;font-weight:700;display:block}
.chart{position:relative;height:18rem;margin:0 0 .75rem}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);border:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
form.period{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
form.period select{width:auto}
`;

/** A chart's numbers as a table: a caption (hidden, the card's heading says it), a header row. */
function dataTable(id: string, caption: string, table: DataTable): SafeHtml {
  return html`<div class="table">
    <table id="table-${id}">
      <caption class="sr-only">
        ${caption}
      </caption>
      <thead>
        <tr>
          ${table.head.map((h, i) => html`<th scope="col" class="${i > 0 ? 'num' : ''}">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${table.rows.map(
          (row) =>
            html`<tr>
              ${row.map((cell, i) =>
                i === 0 ? html`<th scope="row">${cell}</th>` : html`<td class="num">${cell}</td>`,
              )}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function section(t: DashboardTexts, s: DashboardSection): SafeHtml {
  return html`<section class="card" id="${s.id}" aria-labelledby="h-${s.id}">
    <h2 id="h-${s.id}">${s.title}</h2>
    ${s.note ? html`<p class="muted">${s.note}</p>` : ''}
    ${
      s.empty
        ? html`<p class="muted">${t.noData}</p>`
        : html`<div class="chart">
              <canvas id="${s.chart.id}" role="img" aria-label="${s.title}"></canvas>
            </div>
            ${dataTable(s.id, s.title, s.table)}`
    }
  </section>`;
}

function periodForm(v: DashboardView): SafeHtml {
  return html`<form class="period" method="get" action="${v.base}/dashboard">
    <div>
      <label for="months">${v.t.period}</label>
      <select id="months" name="months">
        ${PERIODS.map(
          (n) =>
            html`<option value="${n}" ${n === v.months ? html`selected` : ''}>
              ${fill(v.t.months, { n })}
            </option>`,
        )}
      </select>
    </div>
    <button type="submit" class="secondary">${v.t.show}</button>
  </form>`;
}

/** The dashboard page's body: period, headline figures, one card per chart, the scripts. */
export function dashboardBody(v: DashboardView): SafeHtml {
  const { t, model } = v;
  if (v.oaIds.length === 0) {
    return html`<h1>${t.title}</h1>
      <p class="notice">${t.noOa}</p>`;
  }
  return html`<style>
      ${STYLE}
    </style>
    <h1>${t.title}</h1>
    <div class="card">
      ${periodForm(v)}
      <p class="muted">${fill(t.scope, { from: v.fromLabel, to: v.toLabel, oas: v.oaIds.join(', ') })}</p>
      <noscript><p class="muted">${t.noScript}</p></noscript>
    </div>
    <div class="summary" id="summary">
      ${model.summary.map(
        (s) =>
          html`<div class="card">
            <span class="muted">${s.label}</span>
            <span class="value">${s.value}</span>
            <span class="muted">${s.detail}</span>
          </div>`,
      )}
    </div>
    ${model.sections.map((s) => section(t, s))}
    ${jsonDataBlock('dashboard-data', { locale: v.locale, charts: model.charts })}
    <script src="${v.chartScript}"></script>
    <script src="${v.dashboardScript}"></script>`;
}
