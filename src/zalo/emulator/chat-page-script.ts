/**
 * Inline browser script of the chat page. Plain ES2017, no libraries; it talks only to
 * the emulator's own `/api` (JSON + server-sent events).
 */
export const CHAT_PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('emu-config').textContent);
  var base = cfg.base;
  var current = null;
  var currentUser = null;
  var stream = null;
  var statusById = {};
  var seenTimer = null;
  var statsTimer = null;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function api(method, path, body) {
    var init = { method: method, headers: {} };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(base + '/api' + path, init).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
        return j;
      });
    });
  }
  function toast(msg) {
    var t = $('toast');
    t.textContent = msg;
    t.style.display = 'block';
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.style.display = 'none'; }, 2600);
  }
  function hhmm(ms) {
    var d = new Date(ms);
    return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  }
  function avatarUrl(id) { return base + '/avatar/' + encodeURIComponent(id); }

  function loadUsers() {
    return api('GET', '/users').then(function (j) { renderUsers(j.users); }).catch(function () {});
  }
  function loadStats() {
    api('GET', '/stats').then(function (s) {
      $('stats').textContent = 'Webhook: ' + s.webhook.ok + ' thành công · ' + s.webhook.failed + ' lỗi · ' +
        s.webhook.retried + ' gửi lại · ' + s.webhook.givenUp + ' bỏ cuộc · OA đã gửi ' + s.sends + ' tin';
    }).catch(function () {});
  }
  function renderUsers(users) {
    var list = $('users');
    list.textContent = '';
    users.forEach(function (u) {
      var li = el('li', u.userId === current ? 'active' : '');
      var img = el('img'); img.src = avatarUrl(u.userId); img.alt = '';
      var box = el('div');
      box.appendChild(el('div', '', u.displayName));
      box.appendChild(el('div', 'meta', u.userId + (u.follower ? ' · đang quan tâm' : '')));
      li.appendChild(img); li.appendChild(box);
      li.onclick = function () { select(u.userId); };
      list.appendChild(li);
    });
  }

  function select(userId) {
    current = userId;
    location.hash = 'u=' + encodeURIComponent(userId);
    if (stream) stream.close();
    statusById = {};
    $('messages').textContent = '';
    $('composer').setAttribute('aria-disabled', 'false');
    stream = new EventSource(base + '/api/users/' + encodeURIComponent(userId) + '/stream');
    stream.addEventListener('snapshot', function (ev) {
      var snap = JSON.parse(ev.data);
      $('messages').textContent = '';
      statusById = {};
      setUser(snap.user);
      snap.entries.forEach(renderEntry);
      scrollDown();
      scheduleSeen();
    });
    stream.addEventListener('message', function (ev) {
      renderEntry(JSON.parse(ev.data));
      scrollDown();
      scheduleSeen();
    });
    stream.addEventListener('user', function (ev) { setUser(JSON.parse(ev.data)); });
    stream.addEventListener('delivery', function (ev) {
      var d = JSON.parse(ev.data);
      var s = statusById[d.messageId];
      if (s) showStatus(s, d.delivery);
      clearTimeout(statsTimer);
      statsTimer = setTimeout(loadStats, 300);
    });
    loadUsers();
  }

  function setUser(user) {
    currentUser = user;
    var btn = $('follow');
    btn.hidden = false;
    var following = !!(user && user.follower);
    btn.textContent = following ? 'Bỏ quan tâm' : 'Quan tâm';
    btn.className = following ? 'follow on' : 'follow';
    $('who').textContent = user ? ('Bạn là: ' + user.displayName + ' (' + user.userId + ')') : ('Bạn là: ' + current);
  }

  function scrollDown() { var m = $('messages'); m.scrollTop = m.scrollHeight; }

  function scheduleSeen() {
    if (!current || document.visibilityState !== 'visible') return;
    clearTimeout(seenTimer);
    seenTimer = setTimeout(function () { api('POST', '/users/' + encodeURIComponent(current) + '/seen', {}).catch(function () {}); }, 700);
  }
  document.addEventListener('visibilitychange', scheduleSeen);

  function showStatus(node, d) {
    var text = { queued: '⏳ đang gửi tới webhook', delivered: '✓ webhook đã nhận', retrying: '↻ webhook lỗi, đang gửi lại',
      given_up: '✗ webhook không nhận (đã bỏ cuộc)', cancelled: '✗ đã huỷ' }[d.status] || d.status;
    if (d.lastStatus !== undefined && d.lastStatus !== null && d.status !== 'delivered' && d.attempts > 0) {
      text += ' · HTTP ' + (d.lastStatus || 'không kết nối được');
    }
    node.textContent = text;
    node.className = 'status' + (d.status === 'given_up' || d.status === 'retrying' ? ' bad' : '');
  }

  function renderEntry(e) {
    if (e.direction === 'user' && e.hidden) return;
    var mine = e.direction === 'user';
    var row = el('div', 'row ' + (mine ? 'me' : 'oa'));
    if (!mine) { var av = el('img', 'avatar'); av.src = avatarUrl('oa'); av.alt = ''; row.appendChild(av); }
    var bubble = el('div', 'bubble');
    if (mine) renderUserContent(bubble, e); else renderOaContent(bubble, e);
    bubble.appendChild(el('div', 'time', hhmm(e.sentTime)));
    if (mine) {
      var st = el('div', 'status');
      statusById[e.messageId] = st;
      showStatus(st, e.delivery);
      bubble.appendChild(st);
    }
    row.appendChild(bubble);
    $('messages').appendChild(row);
  }

  function mediaImg(src, cls) {
    var img = el('img', cls || 'media');
    img.src = src; img.alt = 'ảnh';
    img.onerror = function () { img.replaceWith(el('div', 'text', '[ảnh: ' + src + ']')); };
    return img;
  }
  function fileCard(url, name, size) {
    var a = el('a', 'file'); a.href = url; a.target = '_blank'; a.rel = 'noopener';
    var ext = (/\.([a-z0-9]+)$/i.exec(name || '') || [])[1] || 'FILE';
    a.appendChild(el('div', 'icon', ext.toUpperCase().slice(0, 4)));
    var box = el('div');
    box.appendChild(el('div', '', name || 'tệp đính kèm'));
    if (size) box.appendChild(el('div', 'meta', Math.max(1, Math.round(Number(size) / 1024)) + ' KB'));
    a.appendChild(box);
    return a;
  }

  function renderUserContent(bubble, e) {
    (e.attachments || []).forEach(function (a) {
      var p = a.payload || {};
      if (a.type === 'image' || a.type === 'gif') bubble.appendChild(mediaImg(p.url));
      else if (a.type === 'sticker') bubble.appendChild(mediaImg(p.url, 'sticker'));
      else if (a.type === 'file') bubble.appendChild(fileCard(p.url, p.name, p.size));
      else if (a.type === 'location') {
        var c = p.coordinates || {};
        bubble.appendChild(el('div', 'location', '📍 Vị trí: ' + c.latitude + ', ' + c.longitude));
      } else bubble.appendChild(el('div', 'text', '[' + a.type + '] ' + (p.url || '')));
    });
    if (e.text) bubble.appendChild(el('div', 'text', e.text));
  }

  function renderOaContent(bubble, e) {
    var a = e.attachment;
    if (a && (a.type === 'image' || a.type === 'gif')) bubble.appendChild(mediaImg(a.url));
    if (a && a.type === 'sticker') bubble.appendChild(mediaImg(a.url, 'sticker'));
    if (a && a.type === 'file') bubble.appendChild(fileCard(a.url, a.name, a.size));
    if (e.text) bubble.appendChild(el('div', 'text', e.text));
    if (a && a.type === 'request_user_info') bubble.appendChild(infoCard(e, a));
    if (e.buttons && e.buttons.length) {
      var box = el('div', 'buttons');
      e.buttons.forEach(function (b) {
        var btn = el('button', '', b.title);
        btn.type = 'button';
        btn.onclick = function () { pressButton(b); };
        box.appendChild(btn);
      });
      bubble.appendChild(box);
    }
  }

  function infoCard(e, a) {
    var card = el('div', 'info-card');
    if (a.imageUrl) card.appendChild(mediaImg(a.imageUrl));
    card.appendChild(el('b', '', a.title));
    card.appendChild(el('div', 'text', a.subtitle));
    var open = el('button', 'small-btn', 'Chia sẻ thông tin');
    open.type = 'button';
    open.style.marginTop = '8px';
    open.onclick = function () {
      open.remove();
      var form = el('form');
      var fields = [['name', 'Họ và tên'], ['phone', 'Số điện thoại (84…)'], ['address', 'Địa chỉ'], ['ward', 'Phường/xã'],
        ['district', 'Quận/huyện'], ['city', 'Tỉnh/thành phố']];
      fields.forEach(function (f) {
        var input = el('input'); input.name = f[0]; input.placeholder = f[1];
        if (f[0] === 'name' && currentUser) input.value = currentUser.displayName;
        form.appendChild(input);
      });
      var submit = el('button', 'small-btn', 'Gửi cho OA');
      form.appendChild(submit);
      form.onsubmit = function (ev) {
        ev.preventDefault();
        var info = {};
        fields.forEach(function (f) { var v = form.elements[f[0]].value.trim(); if (v) info[f[0]] = v; });
        api('POST', '/users/' + encodeURIComponent(current) + '/submit-info', info).then(function () {
          form.replaceWith(el('div', 'status', '✓ Đã chia sẻ thông tin'));
        }).catch(function (err) { toast(err.message); });
      };
      card.appendChild(form);
    };
    card.appendChild(open);
    return card;
  }

  function pressButton(b) {
    var p = b.payload || {};
    if (b.type === 'oa.query.show' || b.type === 'oa.query.hide') {
      sendMessage({ text: String(b.payload), hidden: b.type === 'oa.query.hide' });
    } else if (b.type === 'oa.open.url') {
      window.open(p.url, '_blank', 'noopener');
    } else if (b.type === 'oa.open.phone') {
      toast('Gọi điện tới ' + p.phone_code + ' (giả lập)');
    } else if (b.type === 'oa.open.sms') {
      toast('Nhắn SMS tới ' + p.phone_code + ': ' + (p.content || ''));
    } else {
      toast('Nút chưa hỗ trợ: ' + b.type);
    }
  }

  function sendMessage(body) {
    if (!current) { toast('Hãy chọn hoặc tạo một người dân trước'); return Promise.resolve(); }
    return api('POST', '/users/' + encodeURIComponent(current) + '/messages', body).catch(function (err) { toast(err.message); });
  }

  function sendFile(type, file) {
    if (!file) return;
    if (file.size > 10 * 1024 * 1024) { toast('Tệp quá lớn (tối đa 10 MB)'); return; }
    var reader = new FileReader();
    reader.onload = function () {
      var data = String(reader.result);
      sendMessage({ attachment: { type: type, name: file.name, mime: file.type || undefined, dataBase64: data.slice(data.indexOf(',') + 1) } });
    };
    reader.readAsDataURL(file);
  }

  $('composer').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var input = $('text');
    var text = input.value;
    if (!text.trim()) return;
    input.value = '';
    sendMessage({ text: text });
  });
  $('pick-image').onclick = function () { $('image-input').click(); };
  $('pick-file').onclick = function () { $('file-input').click(); };
  $('image-input').onchange = function () { sendFile('image', this.files[0]); this.value = ''; };
  $('file-input').onchange = function () { sendFile('file', this.files[0]); this.value = ''; };
  $('send-location').onclick = function () {
    var v = window.prompt('Toạ độ (vĩ độ, kinh độ)', '21.0277644, 105.8341598');
    if (!v) return;
    var parts = v.split(',');
    sendMessage({ attachment: { type: 'location', latitude: Number(parts[0]), longitude: Number(parts[1]) } });
  };
  $('send-sticker').onclick = function () { sendMessage({ attachment: { type: 'sticker' } }); };
  $('follow').onclick = function () {
    if (!current) return;
    var following = currentUser && currentUser.follower;
    api('POST', '/users/' + encodeURIComponent(current) + (following ? '/unfollow' : '/follow'), {}).catch(function (err) { toast(err.message); });
  };
  $('chatnow').onclick = function () {
    if (!current) { toast('Hãy chọn hoặc tạo một người dân trước'); return; }
    api('POST', '/users/' + encodeURIComponent(current) + '/chatnow', {}).then(function () { toast('Đã gửi sự kiện “Nhắn tin”'); });
  };
  $('new-user').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var name = $('new-name').value.trim();
    var id = $('new-id').value.trim();
    var body = { displayName: name || undefined };
    if (id) body.userId = id;
    api('POST', '/users', body).then(function (j) {
      $('new-id').value = '';
      select(j.user.userId);
    }).catch(function (err) { toast(err.message); });
  });

  var fromHash = /u=([^&]+)/.exec(location.hash);
  loadUsers().then(function () { if (fromHash) select(decodeURIComponent(fromHash[1])); });
  loadStats();
  setInterval(loadUsers, 5000);
  setInterval(loadStats, 3000);
})();
`;
