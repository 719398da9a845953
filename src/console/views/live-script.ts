/**
 * The script every signed-in console page loads (served as a file: the console's CSP allows no
 * inline script). It keeps the page's one event stream open, passes activity on to page scripts as
 * a `motcua:activity` DOM event, and on an escalation shows the banner, counts it in the header
 * badge and, when the officer allowed it, raises a desktop notification.
 */
export const LIVE_SCRIPT = `(function () {
  var banner = document.getElementById('escalation');
  if (!banner || !window.EventSource) return;
  var text = document.getElementById('escalation-text');
  var link = document.getElementById('escalation-link');
  var badge = document.getElementById('escalation-badge');
  var allow = document.getElementById('escalation-notify');
  var hide = document.getElementById('escalation-dismiss');
  var count = 0;
  var canNotify = function () { return window.Notification && Notification.permission === 'granted'; };
  if (allow) {
    if (!window.Notification || Notification.permission !== 'default') allow.hidden = true;
    allow.addEventListener('click', function () {
      Notification.requestPermission().then(function () { allow.hidden = true; });
    });
  }
  if (hide) hide.addEventListener('click', function () { banner.hidden = true; });
  var pass = function (e) {
    var note;
    try { note = JSON.parse(e.data); } catch (err) { return null; }
    document.dispatchEvent(new CustomEvent('motcua:activity', { detail: note }));
    return note;
  };
  var source = new EventSource(banner.getAttribute('data-events'));
  source.addEventListener('open', function () { banner.setAttribute('data-connected', 'true'); });
  source.addEventListener('error', function () { banner.removeAttribute('data-connected'); });
  source.addEventListener('activity', pass);
  source.addEventListener('escalated', function (e) {
    var note = pass(e);
    if (!note) return;
    var message = banner.getAttribute('data-text').replace('{user}', note.userId);
    var href = banner.getAttribute('data-base') + '/tickets/' + note.ticketId;
    text.textContent = message;
    link.setAttribute('href', href);
    banner.hidden = false;
    count++;
    if (badge) { badge.textContent = '⚠ ' + count; badge.hidden = false; }
    if (canNotify()) {
      var n = new Notification(document.title, { body: message, tag: 'ticket-' + note.ticketId });
      n.onclick = function () { window.focus(); location.href = href; };
    }
  });
})();
`;
