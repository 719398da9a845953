import { html, type SafeHtml } from '../html.js';
import type { ConsoleLocale } from '../lang.js';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2733;background:#f4f6f8}
header{background:#0b5cad;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header a{color:#fff}
main{max-width:48rem;margin:0 auto;padding:1rem}
.card{background:#fff;border:1px solid #d8dee4;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
h1{font-size:1.4rem;margin:0 0 1rem}
h2{font-size:1.15rem;margin:0 0 .75rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input,select{width:100%;padding:.6rem;font:inherit;border:1px solid #a9b4bf;border-radius:.35rem}
button{font:inherit;padding:.6rem 1rem;border:0;border-radius:.35rem;background:#0b5cad;color:#fff;cursor:pointer}
button.secondary{background:#e8edf2;color:#1d2733}
button.danger{background:#b42318}
form.inline{display:inline}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}
.error{background:#fdecea;border:1px solid #f5c2bd;color:#8a1c12;padding:.6rem .8rem;border-radius:.35rem}
.notice{background:#e7f4ea;border:1px solid #b7dfc0;color:#1e5b2b;padding:.6rem .8rem;border-radius:.35rem}
nav ul{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.5rem}
nav a{display:block;padding:.75rem;background:#fff;border:1px solid #d8dee4;border-radius:.5rem;text-decoration:none;color:#0b5cad;font-weight:600}
.table{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e3e8ed;vertical-align:top}
.muted{color:#5b6875}
`;

/** What every console page is built from. */
export interface LayoutOptions {
  locale: ConsoleLocale;
  title: string;
  body: SafeHtml;
  /** Where the console is mounted, for the header link. */
  base: string;
  /** The signed-in account's display name, shown in the header. */
  userName?: string;
  /** The CSRF token, put in a meta tag for scripts that call the console with fetch. */
  csrfToken?: string;
  /** The link that switches language, when the page offers one. */
  langSwitch?: string;
}

/**
 * The escalation banner and header badge of a signed-in page, fed by the live event stream
 * (the script is served at `<base>/live.js`).
 */
function liveBanner(o: LayoutOptions): SafeHtml {
  const { t } = o.locale;
  return html`<div
    id="escalation"
    class="error"
    role="alert"
    style="margin-bottom:1rem"
    hidden
    data-events="${o.base}/events"
    data-base="${o.base}"
    data-text="${t('live.escalated')}"
  >
    <span id="escalation-text"></span> <a id="escalation-link" href="${o.base}/inbox">${t('live.open')}</a>
    <div class="actions">
      <button type="button" id="escalation-notify" class="secondary">${t('live.notify')}</button>
      <button type="button" id="escalation-dismiss" class="secondary">${t('live.dismiss')}</button>
    </div>
  </div>`;
}

/** A complete console page: header, the body, small inline CSS, mobile-friendly. */
export function layout(o: LayoutOptions): string {
  const { t, lang } = o.locale;
  const live = o.userName !== undefined;
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${o.csrfToken ? html`<meta name="csrf-token" content="${o.csrfToken}" />` : ''}
        <title>${o.title} · ${t('app.title')}</title>
        <style>
          ${STYLE}
        </style>
      </head>
      <body>
        <header>
          <a href="${o.base}/"><strong>${t('app.title')}</strong></a>
          <span
            >${live ? html`<a id="escalation-badge" href="${o.base}/inbox" hidden></a> ` : ''}${
              o.userName ?? ''
            }${o.langSwitch ? html` <a href="${o.langSwitch}">${t('lang.switch')}</a>` : ''}</span
          >
        </header>
        <main>${live ? liveBanner(o) : ''}${o.body}</main>
        ${live ? html`<script src="${o.base}/live.js"></script>` : ''}
      </body>
    </html> `.markup;
}
