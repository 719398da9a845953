import type { Audience, AudiencePreview } from '../../broadcasts/types.js';
import { html, type SafeHtml } from '../html.js';
import { checkLabel, csrfInput } from '../views/forms.js';
import type { ComposeDraft } from './form.js';
import { LINK_TITLE_LIMIT, TEXT_LIMIT, TITLE_LIMIT, zaloLength } from './form.js';
import { audienceLabel, BROADCAST_STYLE, countsBlock, flash } from './parts.js';
import { PHONE_STYLE } from './phone-preview.js';
import { fill, type BroadcastTexts } from './texts.js';

/** What the compose (or edit) page shows. */
export interface ComposePage {
  t: BroadcastTexts;
  base: string;
  csrf: string;
  /** Where the form posts: `/broadcasts` for a new notice, `/broadcasts/:id` for an edit. */
  action: string;
  /** Where "Back" goes. */
  back: string;
  heading: string;
  draft: ComposeDraft;
  /** The OAs the account may pick from (a choice only for a new notice on several OAs). */
  oaChoices: string[];
  /** Tags that exist on the OA's followers, offered as checkboxes. */
  tags: string[];
  /** A procedure audience (suggested notices) is shown and kept as it is. */
  fixedAudience?: Audience;
  hasImage: boolean;
  /** The phone preview of the draft. */
  preview: SafeHtml;
  counts: AudiencePreview;
  /** The JSON endpoint giving fresh counts when the audience changes (absent for a fixed one). */
  countsUrl?: string;
  errors: string[];
}

function oaField(v: ComposePage): SafeHtml {
  if (v.oaChoices.length <= 1) return html`<input type="hidden" name="oaId" value="${v.draft.oaId}" />`;
  return html`<label for="oaId">${v.t.oa}</label>
    <select id="oaId" name="oaId">
      ${v.oaChoices.map((oa) => html`<option value="${oa}" ${oa === v.draft.oaId ? 'selected' : ''}>${oa}</option>`)}
    </select>`;
}

function audienceField(v: ComposePage): SafeHtml {
  const { t, draft } = v;
  if (v.fixedAudience)
    return html`<fieldset id="audience">
      <legend>${t.chooseAudience}</legend>
      <p><strong>${audienceLabel(t, v.fixedAudience)}</strong></p>
      <p class="hint">${t.procedureAudience}</p>
    </fieldset>`;
  const known = [...new Set([...v.tags, ...draft.tags])].sort((a, b) => a.localeCompare(b, 'vi'));
  return html`<fieldset id="audience">
    <legend>${t.chooseAudience}</legend>
    ${checkLabel({
      type: 'radio',
      name: 'audience',
      value: 'all',
      checked: draft.audienceKind === 'all',
      label: t.allFollowers,
    })}
    ${checkLabel({
      type: 'radio',
      name: 'audience',
      value: 'tags',
      checked: draft.audienceKind === 'tags',
      label: t.chosenTags,
    })}
    <div id="tags">
      ${
        known.length === 0
          ? html`<p class="hint">${t.noTags}</p>`
          : known.map((tag) =>
              checkLabel({
                type: 'checkbox',
                name: 'tag',
                value: tag,
                checked: draft.tags.includes(tag),
                label: tag,
              }),
            )
      }
    </div>
  </fieldset>`;
}

/** The compose form beside the phone preview and the recipient counts. */
export function composeBody(v: ComposePage): SafeHtml {
  const { t, draft } = v;
  const used = zaloLength(draft.text);
  return html`${BROADCAST_STYLE}${PHONE_STYLE}
    <h1>${v.heading}</h1>
    ${
      v.errors.length > 0
        ? html`<div class="error" id="error" role="alert">
            <ul>
              ${v.errors.map((e) => html`<li>${e}</li>`)}
            </ul>
          </div>`
        : flash()
    }
    <div class="split">
      <form
        class="card"
        id="compose-form"
        method="post"
        enctype="multipart/form-data"
        action="${v.action}?_csrf=${encodeURIComponent(v.csrf)}"
      >
        ${csrfInput(v.csrf)} ${oaField(v)}
        <label for="title">${t.noticeTitle}</label>
        <input id="title" name="title" required maxlength="${TITLE_LIMIT}" value="${draft.title}" />
        <label for="text">${t.text}</label>
        <textarea id="text" name="text" rows="9" required data-limit="${TEXT_LIMIT}">${draft.text}</textarea>
        <p class="hint">
          <span id="counter" aria-live="polite">${fill(t.counter, { n: used, limit: TEXT_LIMIT })}</span> ·
          ${fill(t.textHint, { limit: TEXT_LIMIT })}
        </p>
        <label for="image">${t.image}</label>
        <input id="image" name="image" type="file" accept="image/jpeg,image/png" />
        ${v.hasImage ? html`<p class="hint" id="image-kept">${t.imageKept}</p>` : ''}
        <label for="linkTitle">${t.linkTitle}</label>
        <input id="linkTitle" name="linkTitle" maxlength="${LINK_TITLE_LIMIT}" value="${draft.linkTitle}" />
        <label for="linkUrl">${t.linkUrl}</label>
        <input id="linkUrl" name="linkUrl" type="url" pattern="https://.+" value="${draft.linkUrl}" />
        ${audienceField(v)}
        ${checkLabel({
          type: 'checkbox',
          name: 'needsApproval',
          value: '1',
          checked: draft.needsApproval,
          label: t.needsApproval,
        })}
        <div class="actions">
          <button type="submit" id="save">${t.save}</button>
          <a class="button secondary" href="${v.back}">${t.cancelEdit}</a>
        </div>
      </form>
      <div>
        <section class="card" aria-labelledby="h-preview">
          <h2 id="h-preview">${t.preview}</h2>
          <p class="hint">${t.previewNote}</p>
          ${v.preview}
        </section>
        <section class="card">${countsBlock(t, v.counts, v.countsUrl)}</section>
      </div>
    </div>`;
}
