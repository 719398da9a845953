import { describe, expect, it } from 'vitest';
import { readNoticeRequest } from '../../src/broadcasts/opt-out.js';
import { noticePayload, parseNoticePayload } from '../../src/broadcasts/payloads.js';
import { isWord } from '../../src/broadcasts/spelling.js';

describe('a typed word against the word it should be', () => {
  it.each([
    ['hủy', 'hủy'],
    ['HỦY', 'hủy'],
    ['huỷ', 'hủy'],
    ['hủy'.normalize('NFD'), 'hủy'],
    ['huy', 'hủy'],
    ['huyr', 'hủy'],
    ['hury', 'hủy'],
    ['dừng', 'dừng'],
    ['dung', 'dừng'],
    ['duwngf', 'dừng'],
    ['dwngf', 'dừng'],
    ['ddawng', 'đăng'],
    ['kys', 'ký'],
    ['nhaanj', 'nhận'],
  ])('"%s" is "%s"', (typed, target) => {
    expect(isWord(typed, target)).toBe(true);
  });

  it.each([
    ['đúng', 'dừng'],
    ['dùng', 'dừng'],
    ['dũng', 'dừng'],
    ['dungf', 'dừng'],
    ['dungs', 'dừng'],
    ['hùy', 'hủy'],
    ['huyf', 'hủy'],
    ['nhắn', 'nhận'],
    ['hu', 'hủy'],
  ])('"%s" is not "%s"', (typed, target) => {
    expect(isWord(typed, target)).toBe(false);
  });
});

describe('opt-out words, the whole message only', () => {
  it.each([
    'HỦY',
    'hủy',
    'Hủy',
    'HUỶ',
    'huỷ',
    'huy',
    'HUY',
    'huyr',
    'HUYR',
    'hủy'.normalize('NFD'),
    'Hủy.',
    'hủy!!!',
    '  hủy  ',
    'hủy ạ',
    'Hủy nhé',
    'hủy 🙏',
    'DỪNG',
    'dừng',
    'Dừng!',
    'dừng'.normalize('NFD'),
    'dung',
    'DUNG',
    'duwngf',
    'dwngf',
    'STOP',
    'stop',
    'Stop.',
    'StOp!',
    'stop stop',
  ])('"%s" stops notices (the bare word)', (text) => {
    expect(readNoticeRequest(text)).toEqual({ kind: 'opt_out', alone: true });
  });

  it.each([
    'hủy nhận tin',
    'Hủy nhận tin.',
    'huy nhan tin',
    'HUỶ NHẬN TIN',
    'huyr nhaanj tin',
    'dừng nhận tin',
    'dung nhan tin',
    'dừng nhận tin nhắn',
    'stop tin nhắn',
    'STOP TIN NHAN',
    'stop tin',
    'ngừng nhận thông báo',
    'không nhận tin nữa',
    'cho em hủy nhận tin ạ',
    'hủy đăng ký nhận tin',
    'thôi nhận tin',
    'tắt thông báo',
  ])('"%s" stops notices (a phrase)', (text) => {
    expect(readNoticeRequest(text)).toEqual({ kind: 'opt_out', alone: false });
  });

  it.each([
    'hủy hồ sơ',
    'huy ho so',
    'Hủy hồ sơ khai sinh',
    'dừng lại chờ tôi',
    'dừng lại',
    'hủy yêu cầu',
    'tôi muốn hủy hồ sơ',
    'đúng',
    'Đúng rồi',
    'dùng',
    'Dũng',
    'dungf',
    'hùy',
    'Huy ơi',
    'stop giùm cái này',
    'nhận tin',
    'tin nhắn',
    'đăng ký khai sinh',
    'dang ky ket hon',
    'làm sao để dừng nhận lương',
    '',
    '   ',
    '🙏',
  ])('"%s" asks nothing of the notices', (text) => {
    expect(readNoticeRequest(text)).toBeUndefined();
  });
});

describe('opting in and topics', () => {
  it.each([
    'đăng ký nhận tin',
    'Đăng kí nhận tin',
    'dang ky nhan tin',
    'ddawng kys nhaanj tin',
    'đăng ký nhận tin lại',
    'đăng ký nhận thông báo',
    'nhận tin lại',
    'nhan tin lai',
    'nhận lại tin',
    'bật lại thông báo',
    'tôi muốn đăng ký nhận tin ạ',
  ])('"%s" starts notices again', (text) => {
    expect(readNoticeRequest(text)).toEqual({ kind: 'opt_in' });
  });

  it('reads the topic after "đăng ký nhận tin"', () => {
    expect(readNoticeRequest('đăng ký nhận tin tiêm chủng')).toEqual({
      kind: 'subscribe',
      topic: 'tiêm chủng',
    });
    expect(readNoticeRequest('dang ky nhan tin tiem chung')).toEqual({
      kind: 'subscribe',
      topic: 'tiem chung',
    });
    expect(readNoticeRequest('Đăng ký nhận tin về thời tiết nhé')).toEqual({
      kind: 'subscribe',
      topic: 'về thời tiết',
    });
  });

  it('reads the topic after "hủy nhận tin", and whether the message says it is about notices', () => {
    expect(readNoticeRequest('hủy nhận tin tiêm chủng')).toEqual({
      kind: 'unsubscribe',
      topic: 'tiêm chủng',
      explicit: true,
    });
    expect(readNoticeRequest('huy nhan tin viec lam nua')).toEqual({
      kind: 'unsubscribe',
      topic: 'viec lam',
      explicit: true,
    });
    expect(readNoticeRequest('stop tin thời tiết')).toEqual({
      kind: 'unsubscribe',
      topic: 'thời tiết',
      explicit: false,
    });
    expect(readNoticeRequest('hủy tin nhắn vừa gửi')).toEqual({
      kind: 'unsubscribe',
      topic: 'vừa gửi',
      explicit: false,
    });
  });
});

describe('notice button payloads', () => {
  it('round-trips every kind and refuses other texts', () => {
    for (const p of [
      { kind: 'off' },
      { kind: 'on' },
      { kind: 'add', topicId: 'tiem-chung' },
      { kind: 'drop', topicId: 'viec-lam' },
    ] as const)
      expect(parseNoticePayload(noticePayload(p))).toEqual(p);
    expect(parseNoticePayload('#notices')).toBeUndefined();
    expect(parseNoticePayload('#notices add')).toBeUndefined();
    expect(parseNoticePayload('#dz cancel')).toBeUndefined();
    expect(parseNoticePayload('hủy')).toBeUndefined();
  });
});
