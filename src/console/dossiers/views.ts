import { DOSSIER_STATUSES } from '../../dossiers/status.js';
import { html, type SafeHtml } from '../html.js';
import { checkLabel, FILTERS_STYLE } from '../views/forms.js';
import { filterQuery, type DossierFilters } from './filters.js';
import { formatDate } from './format.js';
import type { DossierListItem } from './list.js';
import { statusLabel, type DossierTexts } from './texts.js';

/** The rules of these pages alone. */
const OWN_STYLE = html`<style>
  .badge {
    display: inline-block;
    padding: 0 0.4rem;
    border-radius: 0.3rem;
    font-size: 0.85rem;
    margin: 0 0.25rem 0.25rem 0;
  }
  .badge.late {
    background: #fdecea;
    color: #8a1c12;
  }
  .badge.info {
    background: #e7f0fb;
    color: #0b4a8a;
  }
  .docs img {
    max-width: 100%;
    max-height: 24rem;
    border: 1px solid #d8dee4;
    border-radius: 0.35rem;
    margin: 0.25rem 0.5rem 0.25rem 0;
  }
  textarea {
    width: 100%;
    font: inherit;
  }
  label.check {
    font-weight: 400;
  }
</style>`;

/** Styles of the dossier pages (the console's CSP allows inline styles, not scripts). */
export const DOSSIER_STYLE = html`${OWN_STYLE}${FILTERS_STYLE}`;

/** The overdue and supplement-received badges of a dossier. */
export function badges(t: DossierTexts, d: { overdue: boolean; supplementReceived: boolean }): SafeHtml {
  return html`${d.overdue ? html`<span class="badge late">${t.overdue}</span>` : ''}${
    d.supplementReceived ? html`<span class="badge info">${t.supplementReceived}</span>` : ''
  }`;
}

/** What the list page shows. */
export interface ListView {
  t: DossierTexts;
  base: string;
  items: DossierListItem[];
  filters: DossierFilters;
  /** The procedures offered in the filter, with their names. */
  procedures: Array<{ code: string; name: string }>;
  /** Show the OA column (the officer works on several OAs). */
  showOa: boolean;
  hasNext: boolean;
}

function filterForm(v: ListView): SafeHtml {
  const { t, filters: f } = v;
  return html`<form method="get" action="${v.base}/dossiers" class="card filters" id="filters">
    <div>
      <label for="status">${t.filterStatus}</label>
      <select id="status" name="status">
        <option value="">${t.filterAll}</option>
        ${DOSSIER_STATUSES.map(
          (s) =>
            html`<option value="${s}" ${f.status === s ? 'selected' : ''}>
              ${s}. ${statusLabel(t, s)}
            </option>`,
        )}
      </select>
    </div>
    <div>
      <label for="procedure">${t.filterProcedure}</label>
      <select id="procedure" name="procedure">
        <option value="">${t.filterAll}</option>
        ${v.procedures.map(
          (p) =>
            html`<option value="${p.code}" ${f.procedure === p.code ? 'selected' : ''}>${p.name}</option>`,
        )}
      </select>
    </div>
    <div>
      ${checkLabel({
        type: 'checkbox',
        name: 'overdue',
        value: '1',
        checked: f.overdue,
        label: t.filterOverdue,
      })}
    </div>
    <div class="actions">
      <button type="submit">${t.filterApply}</button>
      <a href="${v.base}/dossiers.csv${filterQuery({ ...f, page: 1 })}" id="csv">${t.exportCsv}</a>
    </div>
  </form>`;
}

function row(v: ListView, d: DossierListItem): SafeHtml {
  const { t } = v;
  return html`<tr data-code="${d.code}">
    <td><a href="${v.base}/dossiers/${encodeURIComponent(d.code)}">${d.code}</a></td>
    <td>${d.procedureName}</td>
    <td>${statusLabel(t, d.status)}</td>
    <td>${formatDate(d.appointmentDate)}</td>
    <td>${badges(t, d)}</td>
    ${v.showOa ? html`<td>${d.oaId}</td>` : ''}
  </tr>`;
}

/** The dossier list: filters, the CSV link, the table and the pages. */
export function listBody(v: ListView): SafeHtml {
  const { t, filters: f } = v;
  const pages = html`<p class="actions">
    ${f.page > 1 ? html`<a href="${v.base}/dossiers${filterQuery(f, f.page - 1)}">${t.previous}</a>` : ''}
    ${v.hasNext ? html`<a href="${v.base}/dossiers${filterQuery(f, f.page + 1)}">${t.next}</a>` : ''}
  </p>`;
  return html`${DOSSIER_STYLE}
    <h1>${t.title}</h1>
    ${filterForm(v)}
    <div class="card table" id="dossiers">
      ${
        v.items.length === 0
          ? html`<p class="muted">${t.empty}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>${t.code}</th>
                  <th>${t.procedure}</th>
                  <th>${t.status}</th>
                  <th>${t.appointment}</th>
                  <th>${t.flags}</th>
                  ${v.showOa ? html`<th>${t.oa}</th>` : ''}
                </tr>
              </thead>
              <tbody>
                ${v.items.map((d) => row(v, d))}
              </tbody>
            </table>`
      }
    </div>
    ${pages}`;
}
