import { html } from '../html.js';
import type { ConsoleLocale } from '../lang.js';
import type { ConsoleUser } from '../users.js';
import { postButton } from './forms.js';
import { layout } from './layout.js';

/** What the console's home page shows. */
export interface HomeView {
  locale: ConsoleLocale;
  base: string;
  csrfToken: string;
  user: ConsoleUser;
}

/** The home page after signing in: greeting, role, OAs, the console's sections, sign-out. */
export function homePage(v: HomeView): string {
  const { t, lang } = v.locale;
  const { user, base } = v;
  const links: [string, string][] = [
    [`${base}/inbox`, t('nav.inbox')],
    [`${base}/dossiers`, t('nav.dossiers')],
    [`${base}/broadcasts`, t('nav.broadcasts')],
    [`${base}/followers`, t('nav.followers')],
    [`${base}/dashboard`, t('nav.dashboard')],
  ];
  if (user.role === 'admin') links.push([`${base}/audit`, t('nav.audit')], [`${base}/users`, t('nav.users')]);
  const body = html`<div class="card">
      <h1>${t('home.hello', { name: user.displayName })}</h1>
      <p>${t('home.role')}: <strong>${t(`role.${user.role}`)}</strong></p>
      <p>${t('home.oas')}: ${user.oaIds.length > 0 ? user.oaIds.join(', ') : t('home.none')}</p>
    </div>
    <nav>
      <ul>
        ${links.map(([href, label]) => html`<li><a href="${href}">${label}</a></li>`)}
      </ul>
    </nav>
    <div class="actions">
      ${postButton(`${base}/logout`, v.csrfToken, t('logout.submit'), 'secondary')}
      ${postButton(`${base}/logout-everywhere`, v.csrfToken, t('logout.everywhere'), 'secondary')}
    </div>`;
  return layout({
    locale: v.locale,
    title: t('nav.home'),
    body,
    base,
    userName: user.displayName,
    csrfToken: v.csrfToken,
    langSwitch: `${base}/?lang=${lang === 'vi' ? 'en' : 'vi'}`,
  });
}
