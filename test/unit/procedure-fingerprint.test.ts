import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { changedParts, procedureFingerprint } from '../../src/broadcasts/fingerprint.js';
import { procedureNotice } from '../../src/broadcasts/procedure-notice.js';
import { defaultFlowsDir, loadCatalogue, type Procedure } from '../../src/catalogue/index.js';
import { createTranslator } from '../../src/i18n.js';

let khaiSinh: Procedure;
let t: TFunction;

beforeAll(async () => {
  const { catalogue } = await loadCatalogue(defaultFlowsDir());
  khaiSinh = catalogue.get('1.001193')!;
  t = (await createTranslator('vi')).t('vi');
});

const changed = (edit: (p: Procedure) => void): Procedure => {
  const copy = structuredClone(khaiSinh);
  edit(copy);
  return copy;
};

describe('a procedure fingerprint', () => {
  it('is the same for the same content', () => {
    expect(procedureFingerprint(structuredClone(khaiSinh))).toBe(procedureFingerprint(khaiSinh));
  });

  it('names the parts residents are told about when they change', () => {
    const before = procedureFingerprint(khaiSinh);
    const fee = changed((p) => (p.fee.summary.vi = 'Lệ phí 10.000 đồng.'));
    expect(changedParts(before, procedureFingerprint(fee))).toEqual(['fee']);
    const papers = changed((p) => p.documents.pop());
    expect(changedParts(before, procedureFingerprint(papers))).toEqual(['documents']);
    const time = changed((p) => (p.time_limit.working_days = 3));
    expect(changedParts(before, procedureFingerprint(time))).toEqual(['time_limit']);
    const both = changed((p) => {
      p.fee.amount_vnd = 5000;
      p.channels.post = false;
    });
    expect(changedParts(before, procedureFingerprint(both))).toEqual(['fee', 'channels']);
  });

  it('ignores English wording, matcher words, sources and review marks', () => {
    const before = procedureFingerprint(khaiSinh);
    const quiet = changed((p) => {
      p.fee.summary.en = 'Reworded.';
      p.aliases.push('khai sinh cho chau');
      p.examples.push('cho hỏi khai sinh');
      p.sources.push('https://example.gov.vn');
      p.unconfirmed = ['fee'];
    });
    expect(procedureFingerprint(quiet)).toBe(before);
  });

  it('cannot tell a change across fingerprint versions', () => {
    expect(changedParts('v0 fee=abc', procedureFingerprint(khaiSinh))).toBeUndefined();
  });
});

describe('the suggested notice', () => {
  it('names what changed in plain Vietnamese and how to ask the bot', () => {
    const notice = procedureNotice(khaiSinh, ['fee', 'documents', 'time_limit'], t);
    expect(notice.title).toBe('Thủ tục Đăng ký khai sinh có thay đổi');
    expect(notice.text).toBe(
      'Thủ tục Đăng ký khai sinh vừa thay đổi về lệ phí, giấy tờ cần nộp và thời hạn giải quyết. ' +
        'Anh/Chị nhắn "Đăng ký khai sinh" vào đây để xem hướng dẫn mới nhất ạ.',
    );
    expect(procedureNotice(khaiSinh, ['fee'], t).text).toMatch(/thay đổi về lệ phí\. /);
  });

  it('says the information was updated when the change has no plain name', () => {
    expect(procedureNotice(khaiSinh, ['notes', 'name'], t).text).toBe(
      'Thông tin thủ tục Đăng ký khai sinh đã được cập nhật. Anh/Chị nhắn "Đăng ký khai sinh" vào đây để xem hướng dẫn mới nhất ạ.',
    );
  });
});
