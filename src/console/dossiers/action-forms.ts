import type { DocumentSlot } from '../../catalogue/index.js';
import { html, type SafeHtml } from '../html.js';
import { checkLabel, csrfInput } from '../views/forms.js';
import { movesFrom, type StatusDraft } from './actions.js';
import type { DossierTexts } from './texts.js';

/** What the action forms need. */
export interface ActionFormsView {
  t: DossierTexts;
  lang: 'vi' | 'en';
  /** The form's target, `<base>/dossiers/<code>/status`. */
  action: string;
  csrf: string;
  status: number;
  /** The procedure's photo slots, for a supplement request. */
  slots: DocumentSlot[];
  /** The appointment date the procedure's time limit gives, for acceptance. */
  defaultAppointment?: string;
  today: string;
  /** What the officer typed in a form that was refused, to show it again. */
  draft?: StatusDraft;
}

const reasonBox = (id: string, label: string, value: string, required: boolean) =>
  html`<label for="${id}">${label}</label>
    <textarea id="${id}" name="reason" rows="3" maxlength="1000" ${required ? 'required' : ''}>
${value}</textarea>`;

function form(v: ActionFormsView, to: number, inner: SafeHtml, button: SafeHtml): SafeHtml {
  return html`<form method="post" action="${v.action}" id="move-${to}">
    ${csrfInput(v.csrf)}<input type="hidden" name="to" value="${to}" />${inner}
    <div class="actions">${button}</div>
  </form>`;
}

function moveForm(v: ActionFormsView, to: number): SafeHtml {
  const { t } = v;
  const draft = v.draft?.to === to ? v.draft : undefined;
  const submit = (label: string, kind = '') => html`<button type="submit" class="${kind}">${label}</button>`;
  switch (to) {
    case 2:
      return form(
        v,
        to,
        html`<h3>${t.acceptTitle}</h3>
          <label for="appointmentDate">${t.acceptDate}</label>
          <input
            type="date"
            id="appointmentDate"
            name="appointmentDate"
            min="${v.today}"
            value="${draft ? draft.date : (v.defaultAppointment ?? '')}"
          />`,
        submit(t.acceptSubmit),
      );
    case 5:
      return form(
        v,
        to,
        html`<h3>${t.supplementTitle}</h3>
          <fieldset>
            <legend>${t.supplementSlots}</legend>
            ${v.slots.map((s) =>
              checkLabel({
                type: 'checkbox',
                name: 'slots',
                value: s.id,
                checked: draft?.slots.includes(s.id) === true,
                label: s.name[v.lang],
              }),
            )}
          </fieldset>
          ${reasonBox('supplement-note', t.supplementNote, draft?.reason ?? '', false)}`,
        submit(t.supplementSubmit),
      );
    case 3:
      return form(
        v,
        to,
        html`<h3>${t.refuseTitle}</h3>
          ${reasonBox('refuse-reason', t.refuseReason, draft?.reason ?? '', true)}`,
        submit(t.refuseSubmit, 'danger'),
      );
    case 8:
      return form(
        v,
        to,
        html`<h3>${t.stopTitle}</h3>
          ${reasonBox('stop-reason', t.stopReason, draft?.reason ?? '', true)}`,
        submit(t.stopSubmit, 'danger'),
      );
    default: {
      const label = to === 4 ? t.processingSubmit : to === 9 ? t.readySubmit : t.returnedSubmit;
      return form(v, to, html``, submit(label, 'secondary'));
    }
  }
}

/** One POST form per move TRANSITIONS allows from the dossier's status, each with the CSRF token. */
export function actionForms(v: ActionFormsView): SafeHtml {
  const moves = movesFrom(v.status);
  return html`<div class="card" id="actions">
    <h2>${v.t.actions}</h2>
    ${moves.length === 0 ? html`<p class="muted">${v.t.noActions}</p>` : moves.map((m) => moveForm(v, m))}
  </div>`;
}
