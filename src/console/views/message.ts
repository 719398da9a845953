import { html } from '../html.js';
import type { ConsoleLocale } from '../lang.js';
import { layout } from './layout.js';

/** A page that only says something went wrong (forbidden, expired form, not found). */
export function messagePage(locale: ConsoleLocale, base: string, title: string, text: string): string {
  const body = html`<div class="card">
    <h1>${title}</h1>
    <p>${text}</p>
    <p><a href="${base}/">${locale.t('error.back')}</a></p>
  </div>`;
  return layout({ locale, title, body, base });
}
