import type { ChatLine } from '../../handoff/history.js';
import { ZALO_ADMIN, type TicketRow } from '../../handoff/tickets.js';
import { html, type SafeHtml } from '../html.js';
import { csrfInput } from '../views/forms.js';
import { CANNED_REPLIES, INBOX_TEXTS } from './texts.js';

/** The inbox texts of one language. */
export type InboxTexts = (typeof INBOX_TEXTS)['vi'] | (typeof INBOX_TEXTS)['en'];

function duration(minutes: number): string {
  const m = Math.max(0, Math.floor(minutes));
  return m < 60 ? `${m}′` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}`;
}

/** How the inbox measures waiting: office minutes, and the limit before a ticket is escalated. */
export interface InboxSla {
  escalateMinutes: number;
  /** Office minutes between two instants. */
  waited: (from: Date, to: Date) => number;
}

/** The list of waiting and open tickets; waits count office minutes (until the claim, for open ones). */
export function inboxBody(
  t: InboxTexts,
  base: string,
  list: TicketRow[],
  now: Date,
  sla: InboxSla,
): SafeHtml {
  let place = 0;
  const rows = list.map((k) => {
    if (k.status === 'waiting') place++;
    const waited = sla.waited(k.createdAt, k.status === 'waiting' ? now : (k.claimedAt ?? now));
    const late = k.status === 'waiting' && waited >= sla.escalateMinutes;
    const flag = k.escalatedAt
      ? html` <strong class="error escalated" title="${k.escalatedAt.toISOString()}"
          >⚠ ${t.escalated}</strong
        >`
      : late
        ? html` <strong class="error">${t.late}</strong>`
        : '';
    return html`<tr
      data-ticket="${k.id}"
      class="${[late ? 'late' : '', k.escalatedAt ? 'escalated' : ''].filter(Boolean).join(' ')}"
    >
      <td><a href="${base}/tickets/${k.id}">${k.userId}</a></td>
      <td>${k.status === 'waiting' ? `${t.waiting} #${place}` : `${t.open} · ${k.officer ?? ''}`}</td>
      <td>${t.reason[k.reason as keyof InboxTexts['reason']] ?? k.reason}</td>
      <td>${duration(waited)}${flag}</td>
    </tr>`;
  });
  return html`<h1>${t.inbox}</h1>
    <p class="muted">${t.slaNote.replace('{{minutes}}', String(sla.escalateMinutes))}</p>
    <div class="card table" id="inbox" data-live="${base}/events">
      ${
        list.length === 0
          ? html`<p class="muted">${t.empty}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>${t.resident}</th>
                  <th>${t.place}</th>
                  <th></th>
                  <th>${t.since}</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`
      }
    </div>
    <script src="${base}/inbox.js"></script>`;
}

function windowNote(t: InboxTexts, leftMs: number): SafeHtml {
  if (leftMs <= 0) return html`<p class="error" id="window">${t.windowClosed}</p>`;
  const hours = Math.floor(leftMs / 3600_000);
  const left =
    hours >= 24
      ? `${Math.floor(hours / 24)} d ${hours % 24} h`
      : `${hours} h ${Math.floor((leftMs % 3600_000) / 60_000)} m`;
  return html`<p class="notice" id="window">${t.windowOpen.replace('{{left}}', left)}</p>`;
}

/** An officer's photo shown in the chat, or a file as a named link; each read is audited. */
function officerFile(t: InboxTexts, href: string, file: NonNullable<ChatLine['file']>): SafeHtml {
  return file.kind === 'image'
    ? html`<img
        class="officer-file"
        src="${href}"
        alt="${file.name}"
        loading="lazy"
        style="display:block;max-width:100%;max-height:16rem;margin-top:.25rem;border-radius:.35rem"
      />`
    : html`${t.fileLabel} <a class="officer-file" href="${href}" download="${file.name}">${file.name}</a>`;
}

/**
 * The photo/file form. The page's script posts it with the CSRF token in a header (a multipart body
 * is not read before the token is checked); its refusals are shown in `#attach-error`.
 */
function attachForm(t: InboxTexts, action: string): SafeHtml {
  return html`<form
    method="post"
    action="${action}"
    id="attach"
    enctype="multipart/form-data"
    data-failed="${t.attachError.failed}"
    data-csrf="${t.attachError.csrf}"
  >
    <label for="file">${t.attach}</label>
    <input
      type="file"
      id="file"
      name="file"
      required
      accept=".jpg,.jpeg,.png,.pdf,.doc,.docx,image/jpeg,image/png,application/pdf,application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    />
    <p class="muted">${t.attachHint}</p>
    <label for="caption">${t.caption}</label>
    <input id="caption" name="caption" maxlength="1800" />
    <p class="error" id="attach-error" role="alert" hidden></p>
    <div class="actions"><button type="submit">${t.sendFile}</button></div>
  </form>`;
}

/** One conversation with its actions. */
export function ticketBody(o: {
  t: InboxTexts;
  lang: 'vi' | 'en';
  base: string;
  ticket: TicketRow;
  lines: ChatLine[];
  windowLeftMs: number;
  me: string;
  csrf: string;
  notice: string | undefined;
  rating: { score: number; comment: string | null } | undefined;
  /** Officers of the same OA the chat can be handed to. */
  colleagues: string[];
  /** The office's time zone, for the times shown. */
  timezone: string;
}): SafeHtml {
  const clock = new Intl.DateTimeFormat('en-GB', {
    timeZone: o.timezone,
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    hourCycle: 'h23',
  });
  const { t, ticket, base } = o;
  const notice =
    o.notice === 'held'
      ? html`<p class="error" id="notice">${t.held}</p>`
      : o.notice === 'sent'
        ? html`<p class="notice" id="notice">${t.sent}</p>`
        : o.notice === 'resolved'
          ? html`<p class="notice" id="notice">${t.resolved}</p>`
          : o.notice === 'taken'
            ? html`<p class="error" id="notice">${t.claimedByOther}</p>`
            : o.notice === 'transferred'
              ? html`<p class="notice" id="notice">${t.transferred}</p>`
              : o.notice === 'not_transferred'
                ? html`<p class="error" id="notice">${t.notTransferred}</p>`
                : o.notice === 'full'
                  ? html`<p class="error" id="notice">${t.full}</p>`
                  : '';
  // Button taps arrive as hidden payloads: show what they mean, not the payload.
  const said = (l: ChatLine) => {
    if (l.from !== 'resident' || !l.text.startsWith('#')) return l.text;
    const stars = /^#rate (?:t )?\d+ ([1-5])$/.exec(l.text)?.[1];
    return stars ? `${'★'.repeat(Number(stars))} (${stars}/5)` : t.tapped;
  };
  const who = (l: ChatLine) =>
    l.from === 'resident' ? t.resident : l.from === 'officer' ? t.officer : t.bot;
  const lines = o.lines.map(
    (l) =>
      html`<li class="${l.from}">
        <b>${who(l)}</b>
        <span class="muted"
          >${clock.format(l.at)}${l.status ? ` · ${t.status[l.status as keyof InboxTexts['status']] ?? l.status}` : ''}</span
        ><br />
        ${said(l)}${l.attachments?.length ? ` ${l.attachments.map((a) => (a === 'image' ? t.photo : `[${a}]`)).join(' ')}` : ''}
        ${l.file ? officerFile(t, `${base}/tickets/${ticket.id}/files/${l.file.id}`, l.file) : ''}
      </li>`,
  );
  const mine = ticket.status === 'open' && ticket.officer === o.me;
  const actions =
    ticket.status === 'waiting' || (ticket.status === 'open' && ticket.officer === ZALO_ADMIN)
      ? html`<form method="post" action="${base}/tickets/${ticket.id}/claim">
          ${csrfInput(o.csrf)}<button type="submit">${t.claim}</button>
        </form>`
      : mine
        ? html`<form method="post" action="${base}/tickets/${ticket.id}/reply" id="reply">
              ${csrfInput(o.csrf)}
              <label for="text">${t.reply}</label>
              <textarea
                id="text"
                name="text"
                rows="3"
                maxlength="1800"
                required
                style="width:100%;font:inherit"
              ></textarea>
              <label for="canned">${t.canned}</label>
              <select id="canned">
                <option value=""></option>
                ${CANNED_REPLIES[o.lang].map((r) => html`<option>${r}</option>`)}
              </select>
              <div class="actions"><button type="submit">${t.send}</button></div>
            </form>
            ${attachForm(t, `${base}/tickets/${ticket.id}/attachments`)}
            ${
              o.colleagues.length
                ? html`<form method="post" action="${base}/tickets/${ticket.id}/transfer" class="actions">
                    ${csrfInput(o.csrf)}
                    <select name="to" aria-label="${t.transferTo}">
                      ${o.colleagues.map((c) => html`<option>${c}</option>`)}
                    </select>
                    <button type="submit" class="secondary">${t.transfer}</button>
                  </form>`
                : ''
            }
            <form method="post" action="${base}/tickets/${ticket.id}/resolve" class="actions">
              ${csrfInput(o.csrf)}<button type="submit" class="secondary">${t.resolve}</button>
            </form>`
        : ticket.status === 'open'
          ? html`<p class="muted">${t.open} · ${ticket.officer}</p>`
          : '';
  return html`<h1>${t.resident} ${ticket.userId}</h1>
    ${notice} ${ticket.status !== 'resolved' ? windowNote(t, o.windowLeftMs) : ''}
    <div class="card">
      <ul
        id="chat"
        data-live="${base}/events"
        data-user="${ticket.userId}"
        style="list-style:none;padding:0;margin:0"
      >
        ${lines}
      </ul>
    </div>
    <div class="card" id="actions">${actions}</div>
    <div class="card" id="rating">
      ${
        o.rating
          ? html`<b>${t.rating}: ${'★'.repeat(o.rating.score)} ${o.rating.score}/5</b
              >${o.rating.comment ? html`<br />${o.rating.comment}` : ''}`
          : ticket.status === 'resolved'
            ? html`<span class="muted">${t.noRating}</span>`
            : ''
      }
    </div>
    <script src="${base}/inbox.js"></script>`;
}

/**
 * The inbox pages' script (served as a file: the console's CSP allows no inline script). When the
 * layout's event stream says a conversation changed (`motcua:activity`) it fetches the page again
 * and swaps in the list, the chat and the window note, leaving the reply box as the officer left
 * it; it fills the reply box from a canned reply, and posts the photo/file form with the CSRF token
 * in a header, showing a refusal without leaving the page.
 */
export const INBOX_SCRIPT = `(function () {
  var live = document.querySelector('[data-live]');
  var canned = document.getElementById('canned');
  if (canned) canned.addEventListener('change', function () {
    var box = document.getElementById('text');
    if (box && canned.value) { box.value = canned.value; box.focus(); }
  });
  var attach = document.getElementById('attach');
  if (attach && window.fetch && window.FormData) attach.addEventListener('submit', function (e) {
    e.preventDefault();
    var error = document.getElementById('attach-error');
    var button = attach.querySelector('button[type=submit]');
    var meta = document.querySelector('meta[name="csrf-token"]');
    var fail = function (text) {
      error.textContent = text || attach.getAttribute('data-failed');
      error.hidden = false;
      button.disabled = false;
    };
    error.hidden = true;
    button.disabled = true;
    fetch(attach.getAttribute('action'), {
      method: 'POST',
      body: new FormData(attach),
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'x-csrf-token': meta ? meta.getAttribute('content') : '' }
    })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          if (r.ok && body.redirect) return void location.assign(body.redirect);
          fail(r.status === 403 ? attach.getAttribute('data-csrf') : body.error);
        });
      })
      .catch(function () { fail(); });
  });
  if (!live || !window.fetch) return;
  var user = live.getAttribute('data-user');
  var refresh = function () {
    fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (text) {
        if (!text) return;
        var next = new DOMParser().parseFromString(text, 'text/html');
        ['inbox', 'chat', 'window', 'actions', 'rating'].forEach(function (id) {
          var now = document.getElementById(id), fresh = next.getElementById(id);
          if (now && fresh && !(id === 'actions' && now.querySelector('textarea'))) now.innerHTML = fresh.innerHTML;
        });
      })
      .catch(function () {});
  };
  document.addEventListener('motcua:activity', function (e) {
    var note = e.detail || {};
    if (user && note.userId !== user) return;
    refresh();
  });
})();
`;
