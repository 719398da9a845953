import { html, SafeHtml } from '../html.js';

const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;

/**
 * A `<script type="application/json">` data block: the browser never runs it (so the console's
 * CSP does not apply) and the page's script reads it with `JSON.parse`. Inside a script element
 * HTML entities are not decoded, so instead of the {@link html} escaping the JSON text writes
 * `<`, `>`, `&` and the line separators as `\uXXXX`: the text can never close the element.
 */
export function jsonDataBlock(id: string, value: unknown): SafeHtml {
  const json = JSON.stringify(value).replace(
    UNSAFE_IN_SCRIPT,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return html`<script type="application/json" id="${id}">
    ${new SafeHtml(json)}
  </script>`;
}
