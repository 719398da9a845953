import { html } from '../html.js';
import type { ConsoleLocale } from '../lang.js';
import { CONSOLE_ROLES, type ConsoleUser } from '../users.js';
import { csrfInput, postButton } from './forms.js';
import { layout } from './layout.js';

/** What the new-user form was last filled with (never the password). */
export interface NewUserDraft {
  username?: string;
  displayName?: string;
  role?: string;
  oaIds?: string;
}

/** What the users page shows. */
export interface UsersView {
  locale: ConsoleLocale;
  base: string;
  csrfToken: string;
  me: ConsoleUser;
  users: ConsoleUser[];
  now: Date;
  timezone: string;
  /** A done-message (already translated). */
  notice?: string;
  /** Why the last create or disable was refused (already translated). */
  errors?: string[];
  draft?: NewUserDraft;
}

/** The admin's users page: every account with its state, a disable button, and the create form. */
export function usersPage(v: UsersView): string {
  const { t, lang } = v.locale;
  const when = (d: Date) =>
    d.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: v.timezone, hour12: false });
  const status = (u: ConsoleUser) => {
    if (u.disabled) return t('users.disabled');
    if (u.lockedUntil && u.lockedUntil > v.now) return t('users.locked', { time: when(u.lockedUntil) });
    return t('users.active');
  };
  const rows = v.users.map(
    (u) =>
      html`<tr>
        <td>${u.username}</td>
        <td>${u.displayName}</td>
        <td>${t(`role.${u.role}`)}</td>
        <td>${u.oaIds.join(', ')}</td>
        <td>${status(u)}</td>
        <td>${u.lastLoginAt ? when(u.lastLoginAt) : html`<span class="muted">${t('users.never')}</span>`}</td>
        <td>
          ${
            u.disabled || u.id === v.me.id
              ? ''
              : postButton(
                  `${v.base}/users/${encodeURIComponent(u.username)}/disable`,
                  v.csrfToken,
                  t('users.disable'),
                  'danger',
                )
          }
        </td>
      </tr>`,
  );
  const d = v.draft ?? {};
  const body = html`<h1>${t('users.title')}</h1>
    ${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
    ${v.errors?.length ? html`<div class="error" role="alert">${v.errors.map((e) => html`<p>${e}</p>`)}</div>` : ''}
    <div class="card table">
      <table>
        <thead>
          <tr>
            <th>${t('users.username')}</th>
            <th>${t('users.name')}</th>
            <th>${t('users.role')}</th>
            <th>${t('users.oas')}</th>
            <th>${t('users.status')}</th>
            <th>${t('users.lastLogin')}</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>
    <div class="card">
      <h2>${t('users.create')}</h2>
      <form method="post" action="${v.base}/users">
        ${csrfInput(v.csrfToken)}
        <label for="username">${t('users.username')}</label>
        <input
          id="username"
          name="username"
          required
          maxlength="40"
          autocapitalize="none"
          spellcheck="false"
          value="${d.username ?? ''}"
        />
        <label for="displayName">${t('users.name')}</label>
        <input id="displayName" name="displayName" required maxlength="80" value="${d.displayName ?? ''}" />
        <label for="password">${t('users.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          required
          minlength="12"
          autocomplete="new-password"
        />
        <label for="role">${t('users.role')}</label>
        <select id="role" name="role">
          ${CONSOLE_ROLES.map(
            (r) =>
              html`<option value="${r}" ${(d.role ?? 'officer') === r ? html` selected` : ''}>
                ${t(`role.${r}`)}
              </option>`,
          )}
        </select>
        <label for="oaIds">${t('users.oas')} <span class="muted">(${t('users.oasHint')})</span></label>
        <input id="oaIds" name="oaIds" value="${d.oaIds ?? ''}" />
        <div class="actions"><button type="submit">${t('users.create')}</button></div>
      </form>
    </div>
    <p><a href="${v.base}/">${t('nav.home')}</a></p>`;
  return layout({
    locale: v.locale,
    title: t('users.title'),
    body,
    base: v.base,
    userName: v.me.displayName,
    csrfToken: v.csrfToken,
    langSwitch: `${v.base}/users?lang=${lang === 'vi' ? 'en' : 'vi'}`,
  });
}
