import { describe, expect, it } from 'vitest';
import { createMatcher, lexiconFromCatalogue, type Classification } from '../../src/nlu/index.js';
import { FIXTURE_LEXICON } from '../nlu/lexicon.js';

const matcher = createMatcher(FIXTURE_LEXICON);
const classify = (text: string): Classification => matcher.classify(text);
const top3 = (c: Classification) => c.candidates.slice(0, 3).map((k) => k.label);

describe('matching procedures', () => {
  it('answers a plainly named procedure, with or without diacritics', () => {
    for (const text of ['Làm giấy khai sinh cho con', 'lam giay khai sinh cho con', 'ks cho be']) {
      expect(classify(text)).toMatchObject({ intent: 'procedure', procedure: '1.001193', action: 'answer' });
    }
    expect(classify('dkkh o dau')).toMatchObject({ procedure: '1.000894', action: 'answer' });
  });

  it('tolerates typos, Telex leftovers and words run together', () => {
    expect(classify('dang ky kahi sinh cho be').procedure).toBe('1.001193');
    expect(classify('lam giaays khai sinhh').procedure).toBe('1.001193');
    expect(classify('giay ket honn').procedure).toBe('1.000894');
    expect(classify('khaisinh cho be').procedure).toBe('1.001193');
  });

  it('prefers the procedure whose whole name is present', () => {
    expect(classify('dang ky lai khai sinh').procedure).toBe('1.004884');
    expect(classify('dang ky khai sinh').procedure).toBe('1.001193');
  });

  it('asks back when the message fits several procedures equally', () => {
    const c = classify('dang ky lai');
    expect(c.action).toBe('clarify');
    expect(c.procedure).toBeNull();
    expect(top3(c).sort()).toEqual(['1.004746', '1.004884', '1.005461']);
  });

  it('asks back on "tt" (thường trú or tạm trú), and redirects a residence question to Công an xã', () => {
    const c = classify('tt');
    expect(c.action).toBe('clarify');
    expect(top3(c)).toEqual(expect.arrayContaining(['1.004222', '1.004194']));
    expect(classify('dang ky tam tru')).toMatchObject({ procedure: '1.004194', action: 'redirect' });
    expect(classify('nhap khau cho vo')).toMatchObject({ procedure: '1.004222', action: 'redirect' });
  });

  it('reads the procedure asked for, not the papers it mentions', () => {
    expect(classify('sao y cccd het bao nhieu').procedure).toBe('2.000815');
    expect(classify('chung thuc chu ky giay uy quyen').procedure).toBe('2.000884');
    expect(classify('ba me chua dang ky ket hon, lam khai sinh cho con').procedure).toBe('1.001193');
  });

  it('answers in English too', () => {
    expect(classify('How do we register the birth of our baby?').procedure).toBe('1.001193');
    expect(classify('We want a marriage registration').procedure).toBe('1.000894');
  });
});

describe('intents and hard negatives', () => {
  it('reads a complaint about a late dossier as feedback, not as the procedure it names', () => {
    const c = classify('giay ket hon hen 3 ngay ma 2 tuan chua co, buc xuc qua');
    expect(c.intent).toBe('feedback');
    expect(c.procedure).toBeNull();
  });

  it('reads a question about a filed dossier as dossier status', () => {
    expect(classify('ho so ket hon cua em nop roi, xong chua ad').intent).toBe('dossier_status');
    expect(classify('tra cuu ho so ma 000.27.31.H56-250814-0087').intent).toBe('dossier_status');
  });

  it('hands off when the resident asks for a person', () => {
    expect(classify('cho e noi chuyen voi can bo')).toMatchObject({ intent: 'handoff', action: 'handoff' });
    expect(classify('Can someone call me back?')).toMatchObject({ intent: 'handoff', action: 'handoff' });
  });

  it('greets and thanks, unless the message also asks something', () => {
    expect(classify('chao ad')).toMatchObject({ intent: 'greeting', action: 'answer' });
    expect(classify('ok cam on ad nhieu')).toMatchObject({ intent: 'thanks', action: 'answer' });
    expect(classify('lam khai sinh xong roi, cam on chi nha').intent).toBe('thanks');
    expect(classify('chao ad, cho hoi lam giay khai sinh').procedure).toBe('1.001193');
    expect(classify('cam on, cho e hoi them ve tam tru').procedure).toBe('1.004194');
  });

  it('answers `unknown` for off-topic text and nonsense', () => {
    for (const text of ['asdfgh', 'mai troi co mua khong', 'ban xe may cu gia re ib em', '']) {
      expect(classify(text)).toMatchObject({ intent: 'unknown', procedure: null, action: 'answer' });
    }
  });
});

describe('follow-up topics', () => {
  it.each([
    ['khai sinh can giay to gi', 'documents'],
    ['lam khai sinh mang theo gi', 'documents'],
    ['dang ky ket hon mat phi ko', 'fee'],
    ['sao y bao nhieu tien', 'fee'],
    ['khai tu mat may ngay', 'time'],
    ['ket hon bao lau co giay', 'time'],
    ['tam tru nop o dau', 'where'],
    ['khai sinh nop online duoc ko', 'online'],
    ['lam tren vneid duoc khong', 'online'],
    ['ket hon can cu phap ly la gi', 'legal'],
    ['theo nghi dinh nao', 'legal'],
  ])('"%s" asks about %s', (text, topic) => {
    expect(classify(text).topic).toBe(topic);
  });

  it('keeps the topic when no procedure is named, for the caller to answer from context', () => {
    expect(classify('bao nhieu tien')).toMatchObject({ intent: 'unknown', action: 'answer', topic: 'fee' });
    expect(classify('mat may ngay vay')).toMatchObject({ intent: 'unknown', topic: 'time' });
    expect(classify('lam khai sinh').topic).toBeNull();
  });
});

describe('the classification itself', () => {
  it('is deterministic and ranks at most five candidates with 3-decimal scores', () => {
    const a = classify('xin ban sao giay khai sinh cho con');
    expect(classify('xin ban sao giay khai sinh cho con')).toEqual(a);
    expect(a.candidates.length).toBeLessThanOrEqual(5);
    for (const [i, k] of a.candidates.entries()) {
      expect(Math.round(k.score * 1000) / 1000).toBe(k.score);
      if (i > 0) expect(k.score).toBeLessThanOrEqual(a.candidates[i - 1]?.score ?? 1);
    }
    expect(a.confidence).toBeGreaterThan(0);
    expect(a.confidence).toBeLessThanOrEqual(1);
  });

  it('explains itself without repeating the message', () => {
    const c = classify('em là Nguyễn Văn Tèo, sđt 0912345678, muốn làm giấy khai sinh cho con');
    expect(c.procedure).toBe('1.001193');
    expect(c.explain.length).toBeGreaterThan(0);
    const explain = c.explain.join(' ');
    expect(explain).not.toMatch(/teo|0912345678/i);
  });

  it('takes its thresholds as options', () => {
    const strict = createMatcher(FIXTURE_LEXICON, { minScore: 1000, askScore: 1000 });
    expect(strict.classify('lam giay khai sinh')).toMatchObject({ intent: 'unknown', action: 'answer' });
  });
});

describe('lexiconFromCatalogue', () => {
  it('maps catalogue procedures to lexicon entries', () => {
    const lexicon = lexiconFromCatalogue([
      {
        code: '2.000986',
        also_codes: ['2.000987'],
        name: { vi: 'Liên thông khai sinh', en: 'Birth bundle' },
        short_name: { vi: 'Liên thông', en: 'Birth bundle' },
        agency: 'ubnd_xa',
        aliases: ['khai sinh kèm bhyt'],
        examples: ['làm khai sinh với bhyt cho bé'],
      },
    ]);
    expect(lexicon).toEqual([
      {
        code: '2.000986',
        alsoCodes: ['2.000987'],
        names: ['Liên thông khai sinh', 'Birth bundle', 'Liên thông'],
        aliases: ['khai sinh kèm bhyt'],
        examples: ['làm khai sinh với bhyt cho bé'],
        agency: 'ubnd_xa',
      },
    ]);
  });
});
