/**
 * The broadcast pages' script (served as a file: the console's CSP allows no inline script). Every
 * part is an enhancement; the pages work without it. On the compose page it counts characters as
 * Zalo does, mirrors the text and button into the phone preview, and refreshes the recipient counts
 * when the audience changes. On a notice's page it draws the per-minute chart with Chart.js and,
 * while sending, polls the report every few seconds and redraws counts, chart and table.
 */
export const BROADCAST_SCRIPT = `(function () {
  var length = function (s) { return Array.from(s.normalize('NFC')).length; };

  var text = document.getElementById('text');
  var counter = document.getElementById('counter');
  var previewText = document.getElementById('preview-text');
  if (text && counter) {
    var template = counter.textContent.replace(/^\\d+/, '');
    var limit = Number(text.getAttribute('data-limit')) || 2000;
    // The preview holds the text and the line the server adds under every notice.
    var shown = previewText ? previewText.textContent : '';
    var typed = text.value.trim();
    var footer = shown.indexOf(typed) === 0 ? shown.slice(typed.length) : '';
    var onText = function () {
      var n = length(text.value);
      counter.textContent = n + template;
      counter.style.color = n > limit ? '#b42318' : '';
      text.setCustomValidity(n > limit ? counter.textContent : '');
      if (previewText) previewText.textContent = text.value.trim() + footer;
    };
    text.addEventListener('input', onText);
    onText();
  }

  var linkTitle = document.getElementById('linkTitle');
  var bubble = document.querySelector('#phone .bubble');
  if (linkTitle && bubble) {
    linkTitle.addEventListener('input', function () {
      var button = bubble.querySelector('.button');
      if (!linkTitle.value) { if (button) button.remove(); return; }
      if (!button) { button = document.createElement('span'); button.className = 'button'; bubble.appendChild(button); }
      button.textContent = linkTitle.value;
    });
  }

  var counts = document.getElementById('audience-counts');
  var form = document.getElementById('compose-form');
  if (counts && form && counts.getAttribute('data-url')) {
    var refresh = function () {
      var params = new URLSearchParams();
      var chosen = form.querySelector('input[name=audience]:checked');
      params.set('audience', chosen ? chosen.value : 'all');
      form.querySelectorAll('input[name=tag]:checked').forEach(function (box) { params.append('tag', box.value); });
      var oa = form.querySelector('[name=oaId]');
      if (oa) params.set('oaId', oa.value);
      fetch(counts.getAttribute('data-url') + '?' + params.toString(), { headers: { accept: 'application/json' } })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (data) {
          if (!data) return;
          var refused = 0;
          Object.keys(data.refused).forEach(function (reason) {
            refused += data.refused[reason];
            var cell = counts.querySelector('[data-count="' + reason + '"]');
            if (cell) cell.textContent = data.refused[reason];
          });
          counts.querySelector('[data-count=total]').textContent = data.total;
          counts.querySelector('[data-count=deliverable]').textContent = data.deliverable;
          counts.querySelector('[data-count=refused]').textContent = refused;
          counts.setAttribute('data-audience', params.toString());
        })
        .catch(function () {});
    };
    form.addEventListener('change', function (event) {
      var name = event.target && event.target.name;
      if (name === 'tag') {
        var tags = form.querySelector('input[name=audience][value=tags]');
        if (tags && event.target.checked) tags.checked = true;
      }
      if (name === 'audience' || name === 'tag' || name === 'oaId') refresh();
    });
  }

  var block = document.getElementById('report-data');
  if (!block) return;
  var data;
  try { data = JSON.parse(block.textContent || '{}'); } catch (err) { return; }
  var canvas = document.getElementById('timeline-chart');
  var chart = null;
  var draw = function (model) {
    var tl = model.timeline;
    if (!canvas || !window.Chart) return;
    var sets = [
      { label: model.series.sent, data: tl.sent, color: '#0b5cad' },
      { label: model.series.received, data: tl.received, color: '#1e8e3e' },
      { label: model.series.seen, data: tl.seen, color: '#b06000' }
    ];
    if (chart) {
      chart.data.labels = tl.labels;
      sets.forEach(function (s, i) { chart.data.datasets[i].data = s.data; });
      chart.update();
      return;
    }
    chart = new window.Chart(canvas, {
      type: 'bar',
      data: {
        labels: tl.labels,
        datasets: sets.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: s.color, borderColor: s.color };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
    canvas.setAttribute('data-drawn', 'true');
  };
  var cell = function (tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  };
  var show = function (model) {
    var total = document.getElementById('sent-total');
    if (total) { total.textContent = model.sentText; total.setAttribute('data-sent', model.sent); }
    model.lines.forEach(function (line) {
      var row = document.querySelector('#report-counts tr[data-line="' + line.key + '"] [data-value]');
      if (row) row.textContent = line.value;
    });
    var status = document.querySelector('#status .badge');
    if (status) {
      status.textContent = model.statusLabel;
      status.className = 'badge ' + model.status;
      status.setAttribute('data-status', model.status);
    }
    var body = document.querySelector('#timeline-table tbody');
    if (body) {
      body.textContent = '';
      model.timeline.labels.forEach(function (label, i) {
        var tr = document.createElement('tr');
        tr.appendChild(cell('th', label));
        tr.appendChild(cell('td', model.timeline.sent[i], 'num'));
        tr.appendChild(cell('td', model.timeline.received[i], 'num'));
        tr.appendChild(cell('td', model.timeline.seen[i], 'num'));
        body.appendChild(tr);
      });
    }
    var none = document.getElementById('no-timeline');
    if (none && model.timeline.labels.length > 0) none.remove();
    draw(model);
  };
  draw(data.model);
  if (!data.model.live) return;
  var poll = function () {
    fetch(data.url, { headers: { accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (model) {
        if (!model) return setTimeout(poll, 10000);
        show(model);
        if (model.live) return setTimeout(poll, 3000);
        ['live-note', 'notice'].forEach(function (id) {
          var note = document.getElementById(id);
          if (note) note.remove();
        });
      })
      .catch(function () { setTimeout(poll, 10000); });
  };
  setTimeout(poll, 3000);
})();
`;
