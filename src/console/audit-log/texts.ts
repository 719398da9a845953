/** The audit log page's own words, Vietnamese first. */
export const AUDIT_TEXTS = {
  vi: {
    title: 'Nhật ký thao tác',
    filter: 'Lọc',
    clear: 'Bỏ lọc',
    exportCsv: 'Tải về CSV',
    actor: 'Người thực hiện',
    actorHint: 'chứa chuỗi này, ví dụ officer:lan',
    action: 'Thao tác',
    actionHint: 'bắt đầu bằng, ví dụ console.login',
    subjectKind: 'Loại đối tượng',
    anyKind: '(tất cả)',
    subjectId: 'Mã đối tượng',
    from: 'Từ ngày',
    to: 'Đến ngày',
    at: 'Thời điểm',
    subject: 'Đối tượng',
    details: 'Chi tiết',
    id: 'STT',
    atUtc: 'Thời điểm (UTC)',
    empty: 'Không có dòng nhật ký nào khớp bộ lọc.',
    count: '{total} dòng · trang {page}/{pages}',
    pages: 'Các trang',
    previous: '← Mới hơn',
    next: 'Cũ hơn →',
    badFrom: '“Từ ngày” không hợp lệ (YYYY-MM-DD) nên đã bỏ qua.',
    badTo: '“Đến ngày” không hợp lệ (YYYY-MM-DD) nên đã bỏ qua.',
    badRange: '“Từ ngày” sau “Đến ngày” nên đã bỏ qua khoảng ngày.',
    exportNote:
      'Tệp CSV (UTF-8) chứa mọi dòng khớp bộ lọc, tối đa {max} dòng; việc tải về được ghi vào nhật ký.',
  },
  en: {
    title: 'Audit log',
    filter: 'Filter',
    clear: 'Clear',
    exportCsv: 'Download CSV',
    actor: 'Actor',
    actorHint: 'contains, e.g. officer:lan',
    action: 'Action',
    actionHint: 'starts with, e.g. console.login',
    subjectKind: 'Subject kind',
    anyKind: '(any)',
    subjectId: 'Subject id',
    from: 'From',
    to: 'To',
    at: 'Time',
    subject: 'Subject',
    details: 'Details',
    id: 'No.',
    atUtc: 'Time (UTC)',
    empty: 'No audit entry matches the filter.',
    count: '{total} entries · page {page}/{pages}',
    pages: 'Pages',
    previous: '← Newer',
    next: 'Older →',
    badFrom: '“From” is not a valid date (YYYY-MM-DD) and was ignored.',
    badTo: '“To” is not a valid date (YYYY-MM-DD) and was ignored.',
    badRange: '“From” is after “To”, so the date range was ignored.',
    exportNote:
      'The CSV file (UTF-8) holds every entry matching the filter, at most {max}; the download is itself logged.',
  },
} as const;

/** The audit log texts of one language. */
export type AuditTexts = (typeof AUDIT_TEXTS)['vi'] | (typeof AUDIT_TEXTS)['en'];

/** Fills `{name}` placeholders of an audit log text. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => String(values[name] ?? m));
}
