import type { FollowerView, TagCount } from '../../broadcasts/follower-list.js';
import type { FollowerTag } from '../../broadcasts/follower-store.js';
import { formatInstant } from '../dossiers/format.js';
import { html, type SafeHtml } from '../html.js';
import { checkLabel, csrfInput, FILTERS_STYLE } from '../views/forms.js';
import { followerQueryString, type FollowerFilter } from './query.js';
import { fill, type FollowerTexts } from './texts.js';

/** The rules of these pages alone. */
const OWN_STYLE = html`<style>
  main {
    max-width: 60rem;
  }
  .tag {
    display: inline-block;
    padding: 0 0.45rem;
    margin: 0 0.25rem 0.25rem 0;
    border-radius: 0.3rem;
    background: #e7f0fb;
    color: #0b4a8a;
    font-size: 0.9rem;
  }
  label.check {
    font-weight: 400;
    margin: 0.35rem 0;
  }
  .hint {
    font-size: 0.9rem;
    color: #5b6875;
  }
</style>`;

/** Styles of the followers pages. */
const STYLE = html`${OWN_STYLE}${FILTERS_STYLE}`;

/** What the followers list shows. */
export interface FollowerListPage {
  t: FollowerTexts;
  base: string;
  csrf: string;
  timezone: string;
  filter: FollowerFilter;
  followers: FollowerView[];
  total: number;
  pageSize: number;
  tags: TagCount[];
  /** Editors and admins tag and sync. */
  mayEdit: boolean;
  showOa: boolean;
  notice?: string;
  error?: string;
}

/** A tag as a small label, with where it came from on hover. */
export function tagLabel(t: FollowerTexts, tag: FollowerTag): SafeHtml {
  return html`<span class="tag" title="${t.source[tag.source]}">${tag.tag}</span>`;
}

function stateOf(t: FollowerTexts, f: FollowerView): string {
  if (f.optedOutAt) return t.status.opted_out;
  if (f.following === true) return t.status.following;
  if (f.following === false) return t.status.unfollowed;
  return t.unknown;
}

function filterForm(v: FollowerListPage): SafeHtml {
  const { t, filter: f } = v;
  return html`<form method="get" action="${v.base}/followers" class="card filters" id="filters">
    ${v.showOa ? html`<input type="hidden" name="oa" value="${f.oaId}" />` : ''}
    <div>
      <label for="tag">${t.filterTag}</label>
      <select id="tag" name="tag">
        <option value="">${t.filterAll}</option>
        ${v.tags.map(
          (c) =>
            html`<option value="${c.tag}" ${f.tag === c.tag ? 'selected' : ''}>
              ${c.tag} (${c.followers})
            </option>`,
        )}
      </select>
    </div>
    <div>
      <label for="status">${t.filterStatus}</label>
      <select id="status" name="status">
        ${(Object.keys(t.status) as Array<keyof FollowerTexts['status']>).map(
          (s) => html`<option value="${s}" ${f.status === s ? 'selected' : ''}>${t.status[s]}</option>`,
        )}
      </select>
    </div>
    <div class="actions"><button type="submit" class="secondary">${t.filterApply}</button></div>
  </form>`;
}

function row(v: FollowerListPage, f: FollowerView): SafeHtml {
  const { t } = v;
  const oa = v.showOa ? `?oa=${encodeURIComponent(v.filter.oaId)}` : '';
  return html`<tr data-user="${f.userId}">
    <td>${f.userId}</td>
    <td>${stateOf(t, f)}</td>
    <td>${formatInstant(f.lastInteractionAt, v.timezone)}</td>
    <td>
      ${f.tags.length === 0 ? html`<span class="muted">${t.noTags}</span>` : f.tags.map((g) => tagLabel(t, g))}
    </td>
    ${
      v.mayEdit
        ? html`<td><a href="${v.base}/followers/${encodeURIComponent(f.userId)}${oa}">${t.editTags}</a></td>`
        : ''
    }
  </tr>`;
}

/** The followers list: sync, filters, the residents with their tags, pages. */
export function followerListBody(v: FollowerListPage): SafeHtml {
  const { t, filter: f } = v;
  const pages = Math.max(1, Math.ceil(v.total / v.pageSize));
  const link = (page: number) => `${v.base}/followers${followerQueryString(f, page, v.showOa)}`;
  return html`${STYLE}
    <h1>${t.title}</h1>
    ${v.notice ? html`<p class="notice" id="notice" role="status">${v.notice}</p>` : ''}
    ${v.error ? html`<p class="error" id="error" role="alert">${v.error}</p>` : ''}
    ${
      v.mayEdit
        ? html`<form method="post" action="${v.base}/followers/sync" class="card" id="sync-form">
            ${csrfInput(v.csrf)}<input type="hidden" name="oaId" value="${f.oaId}" />
            <p class="hint">${t.syncNote}</p>
            <button type="submit" id="sync">${t.sync}</button>
          </form>`
        : ''
    }
    ${filterForm(v)}
    <div class="card table" id="followers">
      <p class="muted" id="total">${fill(t.total, { n: v.total })}</p>
      ${
        v.followers.length === 0
          ? html`<p class="muted">${t.empty}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>${t.userId}</th>
                  <th>${t.state}</th>
                  <th>${t.lastInteraction}</th>
                  <th>${t.tags}</th>
                  ${v.mayEdit ? html`<th></th>` : ''}
                </tr>
              </thead>
              <tbody>
                ${v.followers.map((x) => row(v, x))}
              </tbody>
            </table>`
      }
    </div>
    <p class="actions">
      ${f.page > 1 ? html`<a href="${link(f.page - 1)}" id="previous">${t.previous}</a>` : ''}
      ${f.page < pages ? html`<a href="${link(f.page + 1)}" id="next">${t.next}</a>` : ''}
    </p>`;
}

/** What the tags page of one resident shows. */
export interface FollowerTagsPage {
  t: FollowerTexts;
  base: string;
  csrf: string;
  oaId: string;
  userId: string;
  current: FollowerTag[];
  /** Tags to offer as checkboxes: those in use on the OA and the OA's chat topics. */
  offered: string[];
  /** The free field as typed, when the form was refused. */
  typed?: string;
  notice?: string;
  error?: string;
}

/** One resident's tags: checkboxes for known tags and a field for new ones. */
export function followerTagsBody(v: FollowerTagsPage): SafeHtml {
  const { t } = v;
  const mine = new Set(v.current.map((c) => c.tag));
  const all = [...new Set([...v.offered, ...mine])].sort((a, b) => a.localeCompare(b, 'vi'));
  const path = `${v.base}/followers/${encodeURIComponent(v.userId)}`;
  return html`${STYLE}
    <p><a href="${v.base}/followers">← ${t.back}</a></p>
    <h1>${fill(t.tagsTitle, { user: v.userId })}</h1>
    ${v.notice ? html`<p class="notice" id="notice" role="status">${v.notice}</p>` : ''}
    ${v.error ? html`<p class="error" id="error" role="alert">${v.error}</p>` : ''}
    <p id="current">${v.current.length === 0 ? t.noTags : v.current.map((c) => tagLabel(t, c))}</p>
    <form method="post" action="${path}/tags" class="card" id="tags-form">
      ${csrfInput(v.csrf)}<input type="hidden" name="oaId" value="${v.oaId}" />
      <p class="hint">${t.tagsHint}</p>
      <fieldset>
        <legend>${t.knownTags}</legend>
        ${all.map((tag) =>
          checkLabel({ type: 'checkbox', name: 'tag', value: tag, checked: mine.has(tag), label: tag }),
        )}
      </fieldset>
      <label for="newTags">${t.newTags}</label>
      <input id="newTags" name="newTags" maxlength="400" value="${v.typed ?? ''}" />
      <div class="actions"><button type="submit" id="save-tags">${t.save}</button></div>
    </form>`;
}
