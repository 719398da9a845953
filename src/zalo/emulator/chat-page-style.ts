/** Inline CSS of the chat page: a phone-sized Zalo-like chat next to a control panel. */
export const CHAT_PAGE_STYLE = String.raw`
:root { --zalo: #0068ff; --zalo-dark: #0051c7; --bg: #e2e8f1; --me: #dbebff; --text: #081c36; --muted: #7589a3; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font-family: "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "DejaVu Sans", Arial, sans-serif;
  color: var(--text); background: #c9d6e8; font-size: 15px; }
.banner { background: #fff3cd; color: #5c4300; border-bottom: 2px solid #e0b000; padding: 8px 16px; font-size: 13px; }
.banner b { color: #8a0000; }
.layout { display: flex; gap: 24px; justify-content: center; align-items: flex-start; padding: 20px; flex-wrap: wrap; }
.panel { width: 320px; background: #fff; border-radius: 14px; padding: 16px; box-shadow: 0 4px 18px #0002; }
.panel h2 { font-size: 16px; margin: 0 0 10px; }
.panel form { display: grid; gap: 6px; margin-bottom: 12px; }
.panel input { padding: 8px 10px; border: 1px solid #c5d0de; border-radius: 8px; font: inherit; }
.panel button, .small-btn { background: var(--zalo); color: #fff; border: 0; border-radius: 8px; padding: 8px 10px;
  font: inherit; cursor: pointer; }
.panel button.secondary { background: #eef3fb; color: var(--zalo-dark); }
.users { list-style: none; margin: 0; padding: 0; max-height: 300px; overflow: auto; border-top: 1px solid #eef1f5; }
.users li { display: flex; gap: 10px; align-items: center; padding: 8px 6px; cursor: pointer; border-bottom: 1px solid #eef1f5; }
.users li:hover { background: #f3f7fd; }
.users li.active { background: #e5efff; }
.users img { width: 34px; height: 34px; border-radius: 50%; }
.users .meta { font-size: 12px; color: var(--muted); }
.facts { font-size: 12px; color: var(--muted); margin-top: 12px; line-height: 1.5; word-break: break-all; }
.facts code { color: var(--text); }
.phone { width: 390px; height: 780px; background: #111; border-radius: 44px; padding: 12px; box-shadow: 0 10px 30px #0004; }
.screen { width: 100%; height: 100%; border-radius: 34px; overflow: hidden; display: flex; flex-direction: column; background: var(--bg); position: relative; }
.statusbar { background: var(--zalo); color: #fff; font-size: 12px; padding: 8px 22px 2px; display: flex; justify-content: space-between; }
.chat-header { background: var(--zalo); color: #fff; display: flex; align-items: center; gap: 10px; padding: 8px 12px 10px; }
.chat-header img { width: 36px; height: 36px; border-radius: 50%; border: 2px solid #fff6; }
.chat-header .title { flex: 1; min-width: 0; }
.chat-header .name { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.chat-header .sub { font-size: 12px; opacity: .85; }
.follow { background: #fff; color: var(--zalo); border: 0; border-radius: 14px; padding: 5px 10px; font: inherit; font-size: 13px; cursor: pointer; }
.follow.on { background: #ffffff33; color: #fff; }
.emu-tag { background: #fff3cd; color: #5c4300; font-size: 11px; font-weight: 600; padding: 0 6px; border-radius: 8px; }
.messages { flex: 1; overflow-y: auto; padding: 12px 10px; display: flex; flex-direction: column; gap: 8px; }
.empty { margin: auto; color: var(--muted); text-align: center; padding: 24px; }
.row { display: flex; gap: 6px; align-items: flex-end; max-width: 100%; }
.row.me { justify-content: flex-end; }
.row img.avatar { width: 28px; height: 28px; border-radius: 50%; flex: none; }
.bubble { background: #fff; border-radius: 12px; padding: 8px 12px; max-width: 78%; box-shadow: 0 1px 1px #0001; overflow-wrap: anywhere; }
.row.me .bubble { background: var(--me); }
.bubble .text { white-space: pre-wrap; line-height: 1.4; }
.bubble .time { font-size: 11px; color: var(--muted); margin-top: 4px; }
.bubble img.media { display: block; width: 220px; max-width: 100%; height: auto; max-height: 260px; object-fit: cover; border-radius: 8px; margin: 2px 0 4px; }
.bubble img.sticker { width: 96px; height: 96px; }
.file { display: flex; gap: 10px; align-items: center; background: #f3f6fa; border-radius: 8px; padding: 8px; color: inherit; text-decoration: none; }
.file .icon { width: 36px; height: 42px; border-radius: 4px; background: #e8453c; color: #fff; font-size: 11px; font-weight: 700; display: grid; place-items: center; }
.location { background: #eaf3ea; border-radius: 8px; padding: 8px; }
.buttons { display: flex; flex-direction: column; margin: 8px -12px -8px; }
.buttons button { background: none; border: 0; border-top: 1px solid #e6ebf2; color: var(--zalo); padding: 9px 12px; font: inherit; cursor: pointer; text-align: center; }
.buttons button:hover { background: #f3f7fd; }
.status { font-size: 11px; color: var(--muted); text-align: right; margin-top: 2px; }
.status.bad { color: #c62828; }
.info-card img { width: 100%; border-radius: 8px; }
.info-card form { display: grid; gap: 6px; margin-top: 8px; }
.info-card input { padding: 6px 8px; border: 1px solid #c5d0de; border-radius: 6px; font: inherit; }
.composer { display: flex; align-items: center; gap: 6px; background: #fff; padding: 8px 10px 14px; border-top: 1px solid #d6dde8; }
.composer input[type=text] { flex: 1; min-width: 0; border: 0; outline: none; font: inherit; padding: 8px 4px; background: none; }
.icon-btn { background: none; border: 0; color: #5a6b80; cursor: pointer; padding: 2px; line-height: 0; }
.icon-btn:hover { color: var(--zalo); }
.send { background: none; border: 0; color: var(--zalo); cursor: pointer; line-height: 0; padding: 2px; }
.composer[aria-disabled=true] { opacity: .5; pointer-events: none; }
.toast { position: absolute; bottom: 76px; left: 50%; transform: translateX(-50%); background: #000c; color: #fff; padding: 6px 12px; border-radius: 14px; font-size: 13px; display: none; }
`;
