import type { ProcedureLexiconEntry } from '../../src/nlu/index.js';

/*
 * A small lexicon of a few procedures for the matcher's behaviour tests, so they do not move when
 * the catalogue's wording is edited.
 */

const entry = (
  code: string,
  agency: ProcedureLexiconEntry['agency'],
  names: string[],
  aliases: string[],
  examples: string[],
  alsoCodes: string[] = [],
): ProcedureLexiconEntry => ({ code, alsoCodes, names, aliases, examples, agency });

/** Procedures used by the matcher tests. */
export const FIXTURE_LEXICON: ProcedureLexiconEntry[] = [
  entry(
    '1.001193',
    'ubnd_xa',
    ['Đăng ký khai sinh', 'Birth registration', 'Khai sinh'],
    [
      'khai sinh',
      'giấy khai sinh',
      'làm giấy khai sinh',
      'đăng ký khai sinh cho con',
      'khai sinh cho bé',
      'register a birth',
    ],
    ['làm giấy khai sinh cho con cần gì', 'con mới sinh thì đi khai sinh ở đâu'],
  ),
  entry(
    '1.000656',
    'ubnd_xa',
    ['Đăng ký khai tử', 'Death registration', 'Khai tử'],
    ['khai tử', 'giấy chứng tử', 'báo tử', 'người nhà mất'],
    ['bố mất rồi thì làm khai tử thế nào'],
  ),
  entry(
    '1.000894',
    'ubnd_xa',
    ['Đăng ký kết hôn', 'Marriage registration', 'Kết hôn'],
    [
      'kết hôn',
      'giấy kết hôn',
      'giấy đăng ký kết hôn',
      'hôn thú',
      'lấy vợ',
      'lấy chồng',
      'register a marriage',
    ],
    ['đăng ký kết hôn cần giấy tờ gì'],
  ),
  entry(
    '1.004884',
    'ubnd_xa',
    ['Đăng ký lại khai sinh', 'Re-registration of a birth'],
    ['đăng ký lại khai sinh', 'làm lại khai sinh bị mất sổ gốc'],
    ['giấy khai sinh cũ mất cả sổ gốc thì đăng ký lại'],
  ),
  entry(
    '1.005461',
    'ubnd_xa',
    ['Đăng ký lại khai tử', 'Re-registration of a death'],
    ['đăng ký lại khai tử'],
    ['mất giấy chứng tử từ lâu thì đăng ký lại'],
  ),
  entry(
    '1.004746',
    'ubnd_xa',
    ['Đăng ký lại kết hôn', 'Re-registration of a marriage'],
    ['đăng ký lại kết hôn', 'làm lại giấy kết hôn bị mất sổ gốc'],
    ['giấy kết hôn cũ bị mất thì đăng ký lại'],
  ),
  entry(
    '2.000815',
    'ubnd_xa',
    ['Chứng thực bản sao từ bản chính', 'Certified copies'],
    ['sao y', 'sao y bản chính', 'chứng thực bản sao', 'công chứng photo'],
    ['sao y căn cước hết bao nhiêu'],
  ),
  entry(
    '2.000884',
    'ubnd_xa',
    ['Chứng thực chữ ký', 'Signature certification'],
    ['chứng thực chữ ký', 'xác nhận chữ ký', 'điểm chỉ'],
    ['chứng thực chữ ký giấy ủy quyền'],
  ),
  entry(
    '2.001035',
    'ubnd_xa',
    ['Chứng thực hợp đồng, giao dịch', 'Certification of contracts'],
    ['chứng thực hợp đồng', 'hợp đồng mua bán', 'hợp đồng tặng cho'],
    ['chứng thực hợp đồng mua bán đất'],
  ),
  entry(
    '2.001019',
    'ubnd_xa',
    ['Chứng thực di chúc', 'Certification of a will'],
    ['chứng thực di chúc', 'di chúc', 'lập di chúc'],
    ['ông muốn lập di chúc để lại đất'],
  ),
  entry(
    '1.004222',
    'cong_an_xa',
    ['Đăng ký thường trú', 'Permanent residence registration'],
    ['thường trú', 'nhập hộ khẩu', 'nhập khẩu'],
    ['nhập khẩu cho con về nhà'],
  ),
  entry(
    '1.004194',
    'cong_an_xa',
    ['Đăng ký tạm trú', 'Temporary residence registration'],
    ['tạm trú', 'khai báo tạm trú', 'đăng ký tạm trú nhà trọ'],
    ['thuê trọ có phải đăng ký tạm trú không'],
  ),
  entry(
    '2.000986',
    'ubnd_xa',
    [
      'Liên thông khai sinh, thường trú, bảo hiểm y tế cho trẻ dưới 6 tuổi',
      'Birth, residence and health insurance bundle',
    ],
    ['liên thông khai sinh', 'khai sinh kèm bảo hiểm y tế', 'khai sinh thường trú bảo hiểm y tế'],
    ['làm khai sinh cho bé kèm thẻ bảo hiểm y tế'],
    ['2.000987'],
  ),
];
