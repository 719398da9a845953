import { html, type SafeHtml } from '../html.js';
import { auditQueryString, type AuditFilter, type FilterProblem } from './filter.js';
import type { AuditRow } from './queries.js';
import { fill, type AuditTexts } from './texts.js';
import { localTimestamp } from './time.js';

/** What the audit log page shows. */
export interface AuditView {
  t: AuditTexts;
  lang: 'vi' | 'en';
  base: string;
  filter: AuditFilter;
  problems: FilterProblem[];
  rows: AuditRow[];
  total: number;
  page: number;
  pageSize: number;
  subjectKinds: string[];
  timezone: string;
  exportMax: number;
}

const STYLE = `
main{max-width:72rem}
form.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:0 .75rem}
form.filters .actions{grid-column:1/-1;align-items:center}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);border:0}
.hint{font-weight:400;font-size:.85rem;color:#5b6875}
td.details{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;word-break:break-word;max-width:28rem}
td.at{white-space:nowrap}
.pager{display:flex;gap:1rem;align-items:center;justify-content:space-between;flex-wrap:wrap}
`;

const DETAILS_SHOWN = 300;

function detailsText(details: unknown): string {
  if (details === null || details === undefined) return '';
  const text = JSON.stringify(details);
  return text.length > DETAILS_SHOWN ? `${text.slice(0, DETAILS_SHOWN)}…` : text;
}

function problemsNote(t: AuditTexts, problems: FilterProblem[]): SafeHtml | '' {
  if (problems.length === 0) return '';
  const text = { from: t.badFrom, to: t.badTo, range: t.badRange };
  return html`<div class="error" role="alert">${problems.map((p) => html`<p>${text[p]}</p>`)}</div>`;
}

function filterForm(v: AuditView): SafeHtml {
  const { t, filter } = v;
  const input = (name: keyof AuditFilter, label: string, type = 'text', hint = '') =>
    html`<div>
      <label for="f-${name}">${label}${hint ? html` <span class="hint">(${hint})</span>` : ''}</label>
      <input id="f-${name}" name="${name}" type="${type}" value="${filter[name] ?? ''}" />
    </div>`;
  return html`<form class="filters" method="get" action="${v.base}/audit">
    ${input('actor', t.actor, 'text', t.actorHint)} ${input('action', t.action, 'text', t.actionHint)}
    <div>
      <label for="f-subjectKind">${t.subjectKind}</label>
      <select id="f-subjectKind" name="subjectKind">
        <option value="">${t.anyKind}</option>
        ${v.subjectKinds.map(
          (k) => html`<option value="${k}" ${k === filter.subjectKind ? html`selected` : ''}>${k}</option>`,
        )}
      </select>
    </div>
    ${input('subjectId', t.subjectId)} ${input('from', t.from, 'date')} ${input('to', t.to, 'date')}
    <div class="actions">
      <button type="submit">${t.filter}</button>
      <a href="${v.base}/audit">${t.clear}</a>
      <a id="export" href="${v.base}/audit.csv${auditQueryString(filter)}">${t.exportCsv}</a>
    </div>
  </form>`;
}

function table(v: AuditView): SafeHtml {
  const { t } = v;
  if (v.rows.length === 0) return html`<p class="muted">${t.empty}</p>`;
  return html`<div class="table">
    <table id="audit">
      <caption class="sr-only">
        ${t.title}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t.at}</th>
          <th scope="col">${t.actor}</th>
          <th scope="col">${t.action}</th>
          <th scope="col">${t.subject}</th>
          <th scope="col">${t.details}</th>
        </tr>
      </thead>
      <tbody>
        ${v.rows.map(
          (r) =>
            html`<tr data-id="${r.id}">
              <td class="at">${localTimestamp(r.at, v.timezone)}</td>
              <td>${r.actor}</td>
              <td>${r.action}</td>
              <td>${r.subjectKind ?? ''}${r.subjectId ? ` #${r.subjectId}` : ''}</td>
              <td class="details">${detailsText(r.details)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

const pageCount = (v: AuditView) => Math.max(1, Math.ceil(v.total / v.pageSize));

function countLine(v: AuditView): SafeHtml {
  const n = new Intl.NumberFormat(v.lang === 'vi' ? 'vi-VN' : 'en-GB');
  return html`<p class="muted" id="count">
    ${fill(v.t.count, { total: n.format(v.total), page: v.page, pages: pageCount(v) })}
  </p>`;
}

function pager(v: AuditView): SafeHtml | '' {
  const { t } = v;
  const pages = pageCount(v);
  if (pages <= 1) return '';
  const link = (page: number, label: string, rel: string) =>
    html`<a rel="${rel}" href="${v.base}/audit${auditQueryString(v.filter, page)}">${label}</a>`;
  return html`<nav class="pager" aria-label="${t.pages}">
    <span>${v.page > 1 ? link(v.page - 1, t.previous, 'prev') : ''}</span>
    <span>${v.page < pages ? link(v.page + 1, t.next, 'next') : ''}</span>
  </nav>`;
}

/** The audit log page's body: the filter, the rows (newest first) and the pages. */
export function auditBody(v: AuditView): SafeHtml {
  return html`<style>
      ${STYLE}
    </style>
    <h1>${v.t.title}</h1>
    ${problemsNote(v.t, v.problems)}
    <div class="card">
      ${filterForm(v)}
      <p class="muted">
        ${fill(v.t.exportNote, {
          max: new Intl.NumberFormat(v.lang === 'vi' ? 'vi-VN' : 'en-GB').format(v.exportMax),
        })}
      </p>
    </div>
    <div class="card">${countLine(v)} ${table(v)} ${pager(v)}</div>`;
}
