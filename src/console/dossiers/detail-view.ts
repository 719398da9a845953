import type { Procedure } from '../../catalogue/index.js';
import type { apologies, dossierEvents } from '../../db/schema.js';
import { maskPhone } from '../../dossiers/format.js';
import type { DossierRow } from '../../dossiers/repo.js';
import { slotPlan } from '../../dossiers/slots.js';
import { html, type SafeHtml } from '../html.js';
import { csrfInput } from '../views/forms.js';
import { actionForms } from './action-forms.js';
import type { ApologyDraft, StatusDraft } from './actions.js';
import { formatDate, formatInstant } from './format.js';
import { fill, statusLabel, type DossierTexts } from './texts.js';
import { badges, DOSSIER_STYLE } from './views.js';

/** What the dossier page shows. */
export interface DetailView {
  t: DossierTexts;
  lang: 'vi' | 'en';
  base: string;
  csrf: string;
  dossier: DossierRow;
  procedure: Procedure | undefined;
  procedureName: string;
  resident: { name: string | null; phone: string | null } | undefined;
  /** Show the phone in full (the officer pressed "show", which was audited). */
  phoneShown: boolean;
  files: Array<{ id: number; slot: string; mime: string }>;
  history: Array<typeof dossierEvents.$inferSelect>;
  apologies: Array<typeof apologies.$inferSelect>;
  timeZone: string;
  today: string;
  overdue: boolean;
  defaultAppointment?: string;
  notice?: string;
  error?: string;
  draft?: StatusDraft;
  apologyDraft?: ApologyDraft;
}

const dossierPath = (v: DetailView) => `${v.base}/dossiers/${encodeURIComponent(v.dossier.code ?? '')}`;

function slotName(v: DetailView, id: string): string {
  return v.procedure?.documents.find((d) => d.id === id)?.name[v.lang] ?? id;
}

function summary(v: DetailView): SafeHtml {
  const { t, dossier: d } = v;
  const status = d.status ?? 1;
  const supplementReceived = status === 5 && d.supplementedAt !== null;
  const line = (label: string, value: SafeHtml | string) =>
    html`<tr>
      <th scope="row">${label}</th>
      <td>${value}</td>
    </tr>`;
  return html`<div class="card table" id="summary">
    <table>
      ${line(t.procedure, `${v.procedureName} (${d.procedureCode})`)}
      ${line(
        t.status,
        html`<span id="status">${statusLabel(t, status)}</span> ${badges(t, {
            overdue: v.overdue,
            supplementReceived,
          })}`,
      )}
      ${line(t.appointment, formatDate(d.appointmentDate))}
      ${line(t.submitted, formatInstant(d.submittedAt, v.timeZone))}
      ${line(
        t.channel,
        d.channel === 'post' ? `${t.channelPost}: ${d.postAddress ?? ''}` : d.channel ? t.channelDesk : '',
      )}
      ${d.reason && (status === 3 || status === 8) ? line(t.reason, d.reason) : ''}
      ${
        status === 5
          ? line(
              t.supplementAsked,
              `${d.supplementSlots.map((s) => slotName(v, s)).join('; ')}${d.supplementNote ? ` — ${d.supplementNote}` : ''}`,
            )
          : ''
      }
    </table>
  </div>`;
}

function resident(v: DetailView): SafeHtml {
  const { t } = v;
  const phone = v.resident?.phone ?? null;
  return html`<div class="card" id="resident">
    <h2>${t.resident}</h2>
    <p>${t.name}: <strong>${v.resident?.name ?? ''}</strong></p>
    <p>${t.phone}: <strong id="phone">${v.phoneShown ? (phone ?? '') : maskPhone(phone)}</strong></p>
    ${
      v.phoneShown
        ? html`<p class="muted">${t.phoneShown}</p>`
        : phone
          ? html`<form method="post" action="${dossierPath(v)}/phone" id="show-phone">
              ${csrfInput(v.csrf)}<button type="submit" class="secondary">${t.showPhone}</button>
            </form>`
          : ''
    }
  </div>`;
}

function documents(v: DetailView): SafeHtml {
  const { t, dossier: d } = v;
  const plan = v.procedure ? slotPlan(v.procedure) : { slots: [], bringOriginals: [] };
  const ids = [...plan.slots.map((s) => s.id)];
  for (const f of v.files) if (!ids.includes(f.slot)) ids.push(f.slot);
  const requested = (d.status ?? 1) === 5 ? d.supplementSlots : [];
  const section = (id: string) => {
    const files = v.files.filter((f) => f.slot === id);
    return html`<section data-slot="${id}">
      <h3>${slotName(v, id)}</h3>
      <p>
        ${requested.includes(id) ? html`<span class="badge late">${t.requested}</span>` : ''}
        ${d.skipped.includes(id) ? html`<span class="badge info">${t.skipped}</span>` : ''}
      </p>
      ${
        files.length === 0
          ? html`<p class="muted">${t.noFiles}</p>`
          : files.map((f, i) => {
              const src = `${dossierPath(v)}/files/${f.id}`;
              const label = fill(t.openFile, { n: i + 1 });
              return f.mime.startsWith('image/')
                ? html`<a href="${src}" target="_blank" rel="noopener" title="${label}"
                    ><img src="${src}" alt="${slotName(v, id)} ${i + 1}"
                  /></a>`
                : html`<p><a href="${src}">${label}</a></p>`;
            })
      }
    </section>`;
  };
  return html`<div class="card docs" id="documents">
    <h2>${t.documents}</h2>
    ${ids.map(section)}
    ${
      plan.bringOriginals.length > 0
        ? html`<p class="muted">
            ${t.bringOriginal}: ${plan.bringOriginals.map((s) => s.name[v.lang]).join('; ')}
          </p>`
        : ''
    }
  </div>`;
}

function apologyList(v: DetailView): SafeHtml {
  const { t } = v;
  if (v.apologies.length === 0) return html``;
  const state = (s: string) =>
    s === 'draft'
      ? t.apologyDraft
      : s === 'sent'
        ? t.apologySent
        : s === 'dismissed'
          ? t.apologyDismissed
          : s;
  const item = (a: DetailView['apologies'][number]) => {
    const draft = v.apologyDraft?.id === a.id ? v.apologyDraft : undefined;
    return html`<li data-apology="${a.id}">
      <p>
        ${t.apologyDue}: ${formatDate(a.dueDate)} → ${t.apologyProposed}: ${formatDate(a.proposedDate)} ·
        <strong>${state(a.status)}</strong>
      </p>
      ${
        a.status === 'draft'
          ? html`<form method="post" action="${dossierPath(v)}/apologies/${a.id}/approve">
              ${csrfInput(v.csrf)}
              <label for="apology-reason-${a.id}">${t.apologyReason}</label>
              <textarea id="apology-reason-${a.id}" name="reason" rows="3" maxlength="1000" required>
${draft ? draft.reason : (a.reason ?? '')}</textarea>
              <label for="apology-date-${a.id}">${t.apologyProposed}</label>
              <input
                type="date"
                id="apology-date-${a.id}"
                name="proposedDate"
                value="${draft?.date || a.proposedDate}"
              />
              <div class="actions"><button type="submit">${t.apologyApprove}</button></div>
            </form>`
          : a.reason
            ? html`<p class="muted">${a.reason}</p>`
            : ''
      }
    </li>`;
  };
  return html`<div class="card" id="apologies">
    <h2>${t.apologies}</h2>
    <ul style="list-style:none;padding:0;margin:0">
      ${v.apologies.map(item)}
    </ul>
  </div>`;
}

function history(v: DetailView): SafeHtml {
  const { t } = v;
  const actor = (a: string) => (a.startsWith('officer:') ? a.slice(8) : (t.actor[a] ?? a));
  const change = (e: DetailView['history'][number]) =>
    e.toStatus === null
      ? ''
      : e.fromStatus === null
        ? statusLabel(t, e.toStatus)
        : `${statusLabel(t, e.fromStatus)} → ${statusLabel(t, e.toStatus)}`;
  return html`<div class="card table" id="history">
    <h2>${t.history}</h2>
    <table>
      <tbody>
        ${v.history.map(
          (e) =>
            html`<tr>
              <td>${formatInstant(e.at, v.timeZone)}</td>
              <td>${t.events[e.kind] ?? e.kind}</td>
              <td>${change(e)}</td>
              <td>${actor(e.actor)}</td>
              <td>${e.note ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The dossier page: summary, resident, documents inline, actions, apologies and history. */
export function detailBody(v: DetailView): SafeHtml {
  const { t, dossier: d } = v;
  return html`${DOSSIER_STYLE}
    <p><a href="${v.base}/dossiers">← ${t.backToList}</a></p>
    <h1>${t.code} ${d.code ?? ''}</h1>
    ${v.notice ? html`<p class="notice" id="notice" role="status">${v.notice}</p>` : ''}
    ${v.error ? html`<p class="error" id="error" role="alert">${v.error}</p>` : ''} ${summary(v)}
    ${resident(v)} ${documents(v)}
    ${actionForms({
      t,
      lang: v.lang,
      action: `${dossierPath(v)}/status`,
      csrf: v.csrf,
      status: d.status ?? 1,
      slots: v.procedure ? slotPlan(v.procedure).slots : [],
      ...(v.defaultAppointment ? { defaultAppointment: v.defaultAppointment } : {}),
      today: v.today,
      ...(v.draft ? { draft: v.draft } : {}),
    })}
    ${apologyList(v)} ${history(v)}`;
}
