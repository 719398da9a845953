import { describe, expect, it } from 'vitest';
import { parseZaloEvent } from '../../src/zalo/events.js';
import { makeZaloEvent, type FixtureName } from '../support/zalo-events.js';

const OA = 'emulator-oa-0001';
const parse = (name: FixtureName, overrides = {}) =>
  parseZaloEvent(Buffer.from(JSON.stringify(makeZaloEvent(name, overrides))), OA);

describe('parsing Zalo webhook events', () => {
  it('reads a text message with ids kept as strings', () => {
    const e = parse('user_send_text');
    expect(e).toMatchObject({
      kind: 'user_message',
      eventName: 'user_send_text',
      oaId: OA,
      userId: '2468458800000000003',
      msgId: '96d3cdf3af1504609abc',
      text: 'Cho tôi hỏi thủ tục đăng ký khai sinh',
      timestamp: 1735689600000,
    });
  });

  it('reads image, file, location, sticker and business card attachments', () => {
    expect(parse('user_send_image')).toMatchObject({
      attachments: [{ kind: 'image', url: 'https://example.invalid/photo.jpg' }],
    });
    expect(parse('user_send_file')).toMatchObject({
      attachments: [{ kind: 'file', name: 'don-de-nghi.pdf', sizeBytes: 1024000, fileType: 'pdf' }],
    });
    expect(parse('user_send_location')).toMatchObject({
      attachments: [{ kind: 'location', latitude: 10.7642473 }],
    });
    expect(parse('user_send_sticker')).toMatchObject({
      attachments: [{ kind: 'sticker', stickerId: 'bfe4b6' }],
    });
    expect(parse('user_send_business_card')).toMatchObject({
      attachments: [{ kind: 'business_card', name: 'Nguyễn Văn A', phone: '84912345678' }],
    });
  });

  it('reads follow with the follower id and the flat oa_id', () => {
    expect(parse('follow')).toMatchObject({
      kind: 'follow',
      userId: '2468458800000000003',
      oaId: OA,
      source: 'oa_profile',
    });
    expect(parse('follow', { event_name: 'unfollow' })).toMatchObject({ kind: 'unfollow' });
  });

  it('reads both shapes of user_submit_info', () => {
    expect(parse('user_submit_info')).toMatchObject({
      kind: 'user_submit_info',
      info: { name: 'Nguyễn Văn A', phone: '84912345678' },
    });
    const nested = parse('user_submit_info', {
      info: {
        name: 'Trần Thị B',
        phone: '84987654321',
        full_address: { user_city: 'Huế', user_ward: 'Phường Phú Hội' },
      },
    });
    expect(nested).toMatchObject({ info: { name: 'Trần Thị B', city: 'Huế', ward: 'Phường Phú Hội' } });
  });

  it('treats receipts and echoes as the OA side: the resident is the recipient', () => {
    expect(parse('user_seen_message')).toMatchObject({
      kind: 'receipt',
      userId: '2468458800000000003',
      msgIds: ['7f1e2d3c4b5a69788796', '7f1e2d3c4b5a69788797'],
    });
    expect(parse('oa_send_text')).toMatchObject({
      kind: 'oa_echo',
      adminId: '1122334455667788990',
      userId: '2468458800000000003',
    });
  });

  it('reads user_click_chatnow by its flat user_id', () => {
    expect(parse('user_click_chatnow')).toMatchObject({ kind: 'chat_now', userId: '2468458800000000003' });
  });

  it('keeps an unknown event instead of failing', () => {
    const e = parse('follow', { event_name: 'user_reacted_message' });
    expect(e.kind).toBe('unknown');
    expect(e.eventName).toBe('user_reacted_message');
  });

  it('downgrades a message without msg_id to unknown with the reason', () => {
    const e = parse('user_send_text', { message: { msg_id: undefined, text: 'x' } });
    expect(e.kind).toBe('unknown');
    expect(e.kind === 'unknown' && e.problem).toContain('msg_id');
  });

  it('gives a redelivery the same dedupe key, and an echo of the same msg_id a different one', () => {
    const a = parse('user_send_text');
    const b = parse('user_send_text', { timestamp: '1735689999999' });
    expect(a.dedupeKey).toBe(b.dedupeKey);
    const echo = parse('oa_send_text', { message: { msg_id: '96d3cdf3af1504609abc' } });
    expect(echo.dedupeKey).not.toBe(a.dedupeKey);
    expect(a.dedupeKey).toMatch(/^ev-[0-9a-f]{40}$/);
  });

  it.each([
    ['not JSON', '{"event_name": '],
    ['an array', '[]'],
    ['no event_name', '{"timestamp":"1"}'],
    ['empty', ''],
  ])('refuses a body that is %s', (_label, raw) => {
    expect(() => parseZaloEvent(Buffer.from(raw), OA)).toThrow(
      expect.objectContaining({ code: 'MC_ERR_EVENT_MALFORMED' }),
    );
  });
});
