import escapeHtml from 'escape-html';

/** Markup that is already safe: built by {@link html}, never from raw input. */
export class SafeHtml {
  /** Wraps markup produced by {@link html}. */
  constructor(readonly markup: string) {}

  /** The markup itself. */
  toString(): string {
    return this.markup;
  }
}

/** What may be put into an {@link html} template; everything but {@link SafeHtml} is escaped. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** A template tag that escapes every interpolated value (arrays are joined, nullish and false dropped). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}
