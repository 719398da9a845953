import { html, type SafeHtml } from '../html.js';

/** The form field name that carries the CSRF token. */
export const CSRF_FIELD = '_csrf';

/** The hidden input every console form must carry. */
export function csrfInput(token: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}" />`;
}

/** A one-button POST form (sign out, disable...). */
export function postButton(action: string, token: string, label: string, kind = ''): SafeHtml {
  return html`<form class="inline" method="post" action="${action}">
    ${csrfInput(token)}<button type="submit" class="${kind}">${label}</button>
  </form>`;
}
