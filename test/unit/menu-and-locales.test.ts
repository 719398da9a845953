import { describe, expect, it } from 'vitest';
import { decideMenuReply } from '../../src/conversation/menu.js';
import { createTranslator, loadResources } from '../../src/i18n.js';
import { parseZaloEvent } from '../../src/zalo/events.js';
import { makeZaloEvent } from '../support/zalo-events.js';

const event = (text: string) =>
  parseZaloEvent(Buffer.from(JSON.stringify(makeZaloEvent('user_send_text', { message: { text } }))), 'oa');

function keysOf(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

describe('the greeting and menu', () => {
  it('has every key in both Vietnamese and English', () => {
    const res = loadResources();
    const vi = keysOf(res.vi).sort();
    const en = keysOf(res.en).sort();
    expect(vi.length).toBeGreaterThan(5);
    expect(en).toEqual(vi);
  });

  it('greets in Vietnamese with short buttons that send their label back', async () => {
    const tr = await createTranslator('vi');
    const d = decideMenuReply(event('xin chào'), 'vi', (l) => tr.t(l));
    expect(d.messages).toHaveLength(1);
    const m = d.messages[0]!;
    expect(m.text).toMatch(/^Xin chào Anh\/Chị/);
    const buttons = (m.attachment?.payload as { buttons: { title: string; type: string; payload: string }[] })
      .buttons;
    expect(buttons.map((b) => b.title)).toEqual(['Hỏi thủ tục', 'Hồ sơ của tôi', 'Gặp cán bộ', 'English']);
    for (const b of buttons) {
      expect(b.type).toBe('oa.query.show');
      expect(b.payload).toBe(b.title);
      expect(b.title.length).toBeLessThanOrEqual(20);
    }
  });

  it('switches to English when the resident taps the language button, and back', async () => {
    const tr = await createTranslator('vi');
    const toEn = decideMenuReply(event('English'), 'vi', (l) => tr.t(l));
    expect(toEn.locale).toBe('en');
    expect(toEn.messages[1]?.text).toMatch(/^Hello!/);
    const toVi = decideMenuReply(event('Tiếng Việt'), 'en', (l) => tr.t(l));
    expect(toVi.locale).toBe('vi');
  });

  it('says nothing for receipts and echoes', async () => {
    const tr = await createTranslator('vi');
    const seen = parseZaloEvent(Buffer.from(JSON.stringify(makeZaloEvent('user_seen_message'))), 'oa');
    expect(decideMenuReply(seen, 'vi', (l) => tr.t(l)).messages).toEqual([]);
  });
});
