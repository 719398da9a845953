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

/** A checkbox or radio button with its label beside it. */
export interface CheckOptions {
  type: 'checkbox' | 'radio';
  name: string;
  value: string | number;
  checked: boolean;
  label: string;
}

/** A checkbox or radio button inside its `label.check`, ticked when `checked`. */
export function checkLabel(o: CheckOptions): SafeHtml {
  return html`<label class="check"
    ><input
      type="${o.type}"
      name="${o.name}"
      value="${o.value}"
      ${o.checked ? 'checked' : ''}
    />${o.label}</label
  >`;
}

/** The grid of a list page's filter form (`form.filters`), and checkboxes that sit beside their labels. */
export const FILTERS_STYLE = html`<style>
  .filters {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
    gap: 0 1rem;
    align-items: end;
  }
  input[type='checkbox'] {
    width: auto;
    margin-right: 0.4rem;
  }
</style>`;
