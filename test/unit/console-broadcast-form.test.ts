import { describe, expect, it } from 'vitest';
import { isHttpsUrl, readComposeForm, TEXT_LIMIT } from '../../src/console/broadcasts/form.js';
import { reportModel } from '../../src/console/broadcasts/report-model.js';
import { BROADCAST_TEXTS } from '../../src/console/broadcasts/texts.js';
import { minuteLabel, parseLocalInput, toLocalInput } from '../../src/console/broadcasts/time.js';
import { sniffImage } from '../../src/console/broadcasts/upload.js';
import { jpeg, pdf, png } from '../support/images.js';

const TZ = 'Asia/Ho_Chi_Minh';

describe('office wall-clock times', () => {
  it('reads a datetime-local value on the office clock and writes it back', () => {
    const at = parseLocalInput('2026-12-31T23:30', TZ);
    expect(at?.toISOString()).toBe('2026-12-31T16:30:00.000Z');
    expect(toLocalInput(at!, TZ)).toBe('2026-12-31T23:30');
    expect(minuteLabel(new Date('2026-12-31T17:05:00Z'), TZ)).toBe('00:05');
  });

  it('follows daylight saving where the zone has it', () => {
    expect(parseLocalInput('2026-07-01T12:00', 'Europe/Paris')?.toISOString()).toBe(
      '2026-07-01T10:00:00.000Z',
    );
    expect(parseLocalInput('2026-01-01T12:00', 'Europe/Paris')?.toISOString()).toBe(
      '2026-01-01T11:00:00.000Z',
    );
  });

  it('refuses malformed and impossible times', () => {
    for (const bad of [
      '',
      '2026-02-30T08:00',
      '2026-13-01T08:00',
      '2026-01-01T24:00',
      '2026-01-01 08:00',
      'soon',
    ])
      expect(parseLocalInput(bad, TZ), bad).toBeUndefined();
  });
});

describe('the compose form', () => {
  const base = { title: 'Lịch tiêm', text: 'Tiêm chủng sáng thứ Bảy.', audience: 'all' };

  it('takes a complete notice with a link and chosen tags', () => {
    const form = readComposeForm(
      {
        ...base,
        audience: 'tags',
        tag: ['Thôn Đông', 'Thôn Đông', 'Tiêm chủng'],
        linkTitle: 'Xem lịch',
        linkUrl: 'https://tiemchung.example.vn/lich',
        needsApproval: '1',
      },
      'oa-1',
    );
    expect(form.problems).toEqual([]);
    expect(form.draft).toMatchObject({
      oaId: 'oa-1',
      audienceKind: 'tags',
      tags: ['Thôn Đông', 'Tiêm chủng'],
      needsApproval: true,
    });
  });

  it('names every field that cannot be used', () => {
    const form = readComposeForm(
      {
        title: ' ',
        text: 'a'.repeat(TEXT_LIMIT + 1),
        audience: 'tags',
        linkTitle: 'x'.repeat(36),
        linkUrl: 'http://example.vn',
      },
      'oa-1',
    );
    expect(form.problems.sort()).toEqual(['linkTitle', 'linkUrl', 'tags', 'text', 'title']);
  });

  it('counts characters as Zalo does, after NFC', () => {
    const decomposed = 'e\u0302'.repeat(TEXT_LIMIT);
    expect(readComposeForm({ ...base, text: decomposed }, 'oa-1').problems).toEqual([]);
  });

  it('accepts only absolute https links with a host', () => {
    expect(isHttpsUrl('https://dichvucong.gov.vn/p/home')).toBe(true);
    for (const bad of [
      'http://dichvucong.gov.vn',
      'javascript:alert(1)',
      'https://localhost',
      'https://u:p@a.vn',
      '/x',
    ])
      expect(isHttpsUrl(bad), bad).toBe(false);
  });
});

describe('uploaded images', () => {
  it('are told by their bytes', () => {
    expect(sniffImage(png(2, 2))).toBe('image/png');
    expect(sniffImage(jpeg(2, 2))).toBe('image/jpeg');
    expect(sniffImage(pdf())).toBeUndefined();
  });
});

describe('the report model', () => {
  it('counts everyone reached as sent, lists refusals by reason, and is live only while sending', () => {
    const report = {
      recipients: 6,
      byStatus: { queued: 1, sent: 1, received: 1, seen: 1, refused: 2, failed: 0, cancelled: 0 },
      refusedBy: { opted_out: 1, window_closed: 1 },
      timeline: [{ at: new Date('2026-12-01T01:02:00Z'), sent: 3, received: 2, seen: 1 }],
    };
    const t = BROADCAST_TEXTS.vi;
    const now = new Date('2026-12-01T01:03:00Z');
    const model = reportModel({ status: 'sending', scheduledAt: null }, report, t, TZ, now);
    expect(model.sent).toBe(3);
    expect(model.sentText).toBe('Đã gửi đi 3 / 6 người nhận');
    expect(model.live).toBe(true);
    const line = (key: string) => model.lines.find((l) => l.key === key)?.value;
    expect([line('refused'), line('refused:opted_out'), line('refused:unfollowed')]).toEqual([2, 1, 0]);
    expect(model.timeline).toMatchObject({ labels: ['08:02'], sent: [3], received: [2], seen: [1] });
    expect(reportModel({ status: 'done', scheduledAt: null }, report, t, TZ, now).live).toBe(false);
    const later = new Date(now.getTime() + 86_400_000);
    expect(reportModel({ status: 'scheduled', scheduledAt: later }, report, t, TZ, now).live).toBe(false);
  });
});
