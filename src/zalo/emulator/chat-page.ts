import type { Request, Response } from 'express';
import { CHAT_PAGE_SCRIPT } from './chat-page-script.js';
import { CHAT_PAGE_STYLE } from './chat-page-style.js';

/** What the chat page shows about the emulated OA. */
export interface ChatPageInfo {
  /** Path the emulator is mounted at, e.g. `/emulator`. */
  base: string;
  oaName: string;
  oaId: string;
  appId: string;
  webhookUrl: string;
}

const svg = (body: string) =>
  `<svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${body}</svg>`;

const ICONS = {
  image: svg(
    '<rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="9" cy="10" r="2"/><path d="M21 17l-5-5-9 8"/>',
  ),
  file: svg(
    '<path d="M20 12.5l-7.8 7.8a5 5 0 01-7.1-7.1l8.5-8.5a3.3 3.3 0 014.7 4.7l-8.5 8.5a1.7 1.7 0 01-2.4-2.4l7.8-7.8"/>',
  ),
  pin: svg(
    '<path d="M12 21s-7-6.2-7-11.5a7 7 0 0114 0C19 14.8 12 21 12 21z"/><circle cx="12" cy="9.5" r="2.5"/>',
  ),
  smile: svg(
    '<circle cx="12" cy="12" r="9"/><path d="M8.5 14.5a4.5 4.5 0 007 0"/><path d="M9 9.5h.01M15 9.5h.01"/>',
  ),
  send: svg('<path d="M4 12l16-8-6 16-2.5-6.5L4 12z" fill="currentColor"/>'),
};

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Renders the self-contained chat page (inline CSS and JS, nothing loaded from elsewhere). */
export function renderChatPage(info: ChatPageInfo): string {
  const config = JSON.stringify({ base: info.base }).replace(/</g, '\\u003c');
  const e = escapeHtml;
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Zalo giả lập — ${e(info.oaName)}</title>
<link rel="icon" href="data:,">
<style>${CHAT_PAGE_STYLE}</style>
</head>
<body>
<div class="banner" role="note"><b>GIẢ LẬP ZALO (emulator)</b> — đây không phải Zalo thật. App ID, OA ID, khoá bí mật và token đều là
thông tin giả, chỉ dùng để thử nghiệm. <i>This is an emulator with fake credentials.</i></div>
<div class="layout">
  <aside class="panel">
    <h2>Người dân (resident)</h2>
    <form id="new-user" autocomplete="off">
      <input id="new-name" placeholder="Họ tên, ví dụ: Nguyễn Thị Lan" value="Nguyễn Thị Lan" aria-label="Họ tên">
      <input id="new-id" placeholder="Zalo user id (để trống để tự tạo)" aria-label="User id">
      <button type="submit">Tạo / chọn người dân</button>
    </form>
    <ul id="users" class="users"></ul>
    <p><button type="button" id="chatnow" class="secondary">Bấm “Nhắn tin” trên trang OA</button></p>
    <div class="facts">
      <div id="who">Chưa chọn người dân</div>
      <div id="stats"></div>
      <div>OA: <code>${e(info.oaName)}</code> (<code>${e(info.oaId)}</code>) · app <code>${e(info.appId)}</code></div>
      <div>Webhook: <code>${e(info.webhookUrl || '(chưa đặt)')}</code></div>
      <div>Open API: <code>${e(info.base)}/openapi</code> · OAuth: <code>${e(info.base)}/oauth</code></div>
    </div>
  </aside>
  <div class="phone">
    <div class="screen">
      <div class="statusbar"><span>9:41</span><span>Zalo · giả lập</span></div>
      <div class="chat-header">
        <img src="${e(info.base)}/avatar/oa" alt="">
        <div class="title"><div class="name">${e(info.oaName)}</div><div class="sub">Official Account · <span class="emu-tag">GIẢ LẬP</span></div></div>
        <button type="button" id="follow" class="follow" hidden>Quan tâm</button>
      </div>
      <div id="messages" class="messages"><div class="empty">Chọn hoặc tạo một người dân ở bên trái để bắt đầu trò chuyện với OA.</div></div>
      <form id="composer" class="composer" aria-disabled="true" autocomplete="off">
        <button type="button" class="icon-btn" id="pick-image" title="Gửi ảnh" aria-label="Gửi ảnh">${ICONS.image}</button>
        <button type="button" class="icon-btn" id="pick-file" title="Gửi tệp" aria-label="Gửi tệp">${ICONS.file}</button>
        <button type="button" class="icon-btn" id="send-location" title="Gửi vị trí" aria-label="Gửi vị trí">${ICONS.pin}</button>
        <button type="button" class="icon-btn" id="send-sticker" title="Gửi sticker" aria-label="Gửi sticker">${ICONS.smile}</button>
        <input type="text" id="text" placeholder="Nhập tin nhắn" aria-label="Tin nhắn">
        <button type="submit" class="send" aria-label="Gửi">${ICONS.send}</button>
        <input type="file" id="image-input" accept="image/*" hidden>
        <input type="file" id="file-input" hidden>
      </form>
      <div id="toast" class="toast" role="status"></div>
    </div>
  </div>
</div>
<script type="application/json" id="emu-config">${config}</script>
<script>${CHAT_PAGE_SCRIPT}</script>
</body>
</html>`;
}

/** Express handler for `GET /`: the chat page with a strict content policy (no outside scripts or styles). */
export function chatPageHandler(
  info: Omit<ChatPageInfo, 'base' | 'webhookUrl'> & { webhookUrl: () => string },
) {
  return (req: Request, res: Response) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src * data: blob:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'",
    );
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(renderChatPage({ ...info, base: req.baseUrl, webhookUrl: info.webhookUrl() }));
  };
}
