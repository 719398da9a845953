import { describe, expect, it } from 'vitest';
import { foldDiacritics, normalise } from '../../src/nlu/index.js';
import { repairTelex, splitCompound } from '../../src/nlu/telex.js';

const folded = (text: string) => normalise(text).folded;

describe('normalising what residents type', () => {
  it('folds diacritics and đ, lower-cases, and drops punctuation and emoji', () => {
    expect(foldDiacritics('Đăng ký kết hôn')).toBe('Dang ky ket hon');
    expect(folded('Đăng ký KẾT HÔN!!! 😊')).toBe('dang ky ket hon');
    expect(folded('giấy  độc-thân???')).toBe('giay doc than');
  });

  it('composes decomposed input (NFD) before folding, and keeps the accented form', () => {
    const nfd = 'Giấy khai sinh'.normalize('NFD');
    const n = normalise(nfd);
    expect(n.folded).toBe('giay khai sinh');
    expect(n.accented).toBe('giấy khai sinh');
  });

  it('repairs Telex leftovers and doubled last letters', () => {
    expect(folded('lam giaays khai sinhh')).toBe('lam giay khai sinh');
    expect(folded('dang kys ket honn')).toBe('dang ky ket hon');
    expect(repairTelex('giaays', (w) => w === 'giay')).toBe('giay');
    expect(repairTelex('ddawng', (w) => w === 'dang')).toBe('dang');
    expect(repairTelex('giay', (w) => w === 'giay')).toBeNull();
  });

  it('splits words typed together', () => {
    expect(folded('khaisinh cho be')).toBe('khai sinh cho be');
    expect(splitCompound('dangkykethon', (w) => ['dang', 'ky', 'ket', 'hon'].includes(w))).toEqual([
      'dang',
      'ky',
      'ket',
      'hon',
    ]);
  });

  it('expands abbreviations of procedures and papers', () => {
    expect(folded('dkkh')).toBe('dang ky ket hon');
    expect(folded('gks')).toBe('giay khai sinh');
    expect(folded('xnttHN')).toBe('xac nhan tinh trang hon nhan');
    expect(folded('sao y cccd')).toBe('sao y can cuoc');
    expect(folded('sđ')).toBe('so do');
    expect(folded('ubnd xa')).toBe('uy ban nhan dan xa');
    expect(folded('hk')).toBe('ho khau');
    expect(folded('lam tren vneid')).toBe('lam tren vneid');
  });

  it('expands teencode', () => {
    expect(folded('ko biet j z ad')).toBe('khong biet gi vay admin');
    expect(folded('đc k mn')).toBe('duoc khong moi nguoi');
    expect(folded('hok hông')).toBe('khong khong');
    expect(folded('e hoi vs bn')).toBe('em hoi voi bao nhieu');
    expect(folded('ntn')).toBe('nhu the nao');
    expect(folded('tks ad')).toBe('thanks admin');
  });

  it('reads ambiguous short forms from the words around them', () => {
    expect(folded('kt cho ong noi')).toBe('khai tu cho ong noi');
    expect(folded('kt ho so giup e')).toBe('kiem tra ho so giup em');
    expect(folded('dk tam tru')).toBe('dang ky tam tru');
    expect(folded('lam online dk ko')).toBe('lam online duoc khong');
    expect(folded('het bn tien')).toBe('het bao nhieu tien');
    expect(folded('2 vc e')).toBe('2 vo chong em');
    expect(folded('hỏng rồi')).toBe('hong roi');
  });

  it('keeps both readings of "tt" (thường trú, tạm trú) when nothing decides', () => {
    const n = normalise('dang ky tt');
    expect(n.folded).toBe('dang ky thuong tru');
    expect(n.variants).toEqual([['dang', 'ky', 'tam', 'tru']]);
    expect(normalise('tt hn').folded).toBe('tinh trang hon nhan');
  });

  it('turns dossier codes into "ma ho so" and drops English function words', () => {
    expect(folded('ho so 000.27.31.H56-250814-0087 co chua')).toBe('ho so ma ho so co chua');
    expect(folded('How do we register the birth?')).toBe('how do register birth');
  });

  it('keeps regional spellings apart from typos', () => {
    expect(folded('làm giấy khai sanh')).toBe('lam giay khai sinh');
    expect(folded('mần giùm')).toBe('lam giup');
    expect(folded('đăg kí')).toBe('dang ky');
  });
});
