import { html } from '../html.js';
import type { ConsoleLocale } from '../lang.js';
import { csrfInput } from './forms.js';
import { layout } from './layout.js';

/** What the sign-in page shows. */
export interface LoginView {
  locale: ConsoleLocale;
  base: string;
  csrfToken: string;
  /** The message after a refused attempt (already translated). */
  error?: string;
  /** The username typed last time, kept in the field. */
  username?: string;
  /** Where to go after signing in. */
  next?: string;
}

/** The sign-in page. */
export function loginPage(v: LoginView): string {
  const { t, lang } = v.locale;
  const other = lang === 'vi' ? 'en' : 'vi';
  const body = html`<div class="card">
    <h1>${t('login.title')}</h1>
    ${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
    <form method="post" action="${v.base}/login">
      ${csrfInput(v.csrfToken)} ${v.next ? html`<input type="hidden" name="next" value="${v.next}" />` : ''}
      <label for="username">${t('login.username')}</label>
      <input
        id="username"
        name="username"
        autocomplete="username"
        autocapitalize="none"
        spellcheck="false"
        required
        maxlength="40"
        value="${v.username ?? ''}"
      />
      <label for="password">${t('login.password')}</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <div class="actions"><button type="submit">${t('login.submit')}</button></div>
    </form>
  </div>`;
  return layout({
    locale: v.locale,
    title: t('login.title'),
    body,
    base: v.base,
    langSwitch: `${v.base}/login?lang=${other}`,
  });
}
