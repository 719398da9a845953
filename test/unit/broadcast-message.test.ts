import { describe, expect, it } from 'vitest';
import {
  broadcastMessage,
  IMAGE_NOT_UPLOADED,
  MAX_BROADCAST_TEXT,
  OPT_OUT_FOOTER,
} from '../../src/broadcasts/message.js';
import { ZALO_TEXT_LIMIT } from '../../src/zalo/messages.js';

describe('the message a notice becomes', () => {
  it('is the text with the opt-out line under it', () => {
    const m = broadcastMessage({ text: '  Lịch tiêm chủng tháng 12.  ' });
    expect(m).toEqual({ text: `Lịch tiêm chủng tháng 12.\n\n${OPT_OUT_FOOTER}` });
  });

  it('keeps the longest text staff may write within Zalo’s 2,000 characters, footer included', () => {
    const m = broadcastMessage({ text: 'ă'.repeat(MAX_BROADCAST_TEXT) });
    expect(Array.from(m.text!).length).toBeLessThanOrEqual(ZALO_TEXT_LIMIT);
    expect(m.text!.endsWith(OPT_OUT_FOOTER)).toBe(true);
  });

  it('puts a link under the text as a button that opens it', () => {
    const m = broadcastMessage({
      text: 'Xem hướng dẫn',
      link: { title: 'Mở', url: 'https://dichvucong.gov.vn/' },
    });
    expect(m.attachment).toEqual({
      type: 'template',
      payload: {
        buttons: [{ title: 'Mở', type: 'oa.open.url', payload: { url: 'https://dichvucong.gov.vn/' } }],
      },
    });
  });

  it('shows the uploaded image above the text, with the link button under both', () => {
    const m = broadcastMessage(
      { text: 'Ảnh sơ đồ điểm tiêm', imageFileId: 7, link: { title: 'Mở', url: 'https://example.gov.vn/' } },
      'att-123',
    );
    expect(m.attachment).toEqual({
      type: 'template',
      payload: {
        template_type: 'media',
        elements: [{ media_type: 'image', attachment_id: 'att-123' }],
        buttons: [{ title: 'Mở', type: 'oa.open.url', payload: { url: 'https://example.gov.vn/' } }],
      },
    });
    expect(m.text).toContain('Ảnh sơ đồ điểm tiêm');
  });

  it('marks an image not yet uploaded so a preview can draw the stored file instead', () => {
    const m = broadcastMessage({ text: 'x', imageFileId: 7 });
    expect(JSON.stringify(m)).toContain(IMAGE_NOT_UPLOADED);
  });
});
