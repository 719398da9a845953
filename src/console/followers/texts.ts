import type { FollowerStatus } from '../../broadcasts/follower-list.js';
import type { TagSource } from '../../broadcasts/follower-store.js';
import type { FollowerError } from '../../broadcasts/followers.js';
import type { ConsoleLang } from '../texts.js';

/* The followers pages' own words, Vietnamese first. */

const vi = {
  title: 'Người quan tâm',
  total: '{n} người',
  filterTag: 'Nhãn',
  filterStatus: 'Tình trạng',
  filterAll: 'Tất cả',
  filterApply: 'Lọc',
  status: {
    all: 'Tất cả',
    following: 'Đang quan tâm',
    unfollowed: 'Đã bỏ quan tâm',
    opted_out: 'Đã từ chối nhận thông báo',
  } satisfies Record<FollowerStatus, string>,
  unknown: 'Chưa rõ',
  userId: 'Mã người dùng Zalo',
  state: 'Tình trạng',
  lastInteraction: 'Nhắn gần nhất',
  tags: 'Nhãn',
  noTags: '(chưa có nhãn)',
  editTags: 'Gắn nhãn',
  empty: 'Không có người nào khớp bộ lọc.',
  previous: 'Trang trước',
  next: 'Trang sau',
  sync: 'Đồng bộ từ Zalo',
  syncNote: 'Đọc danh sách người quan tâm và nhãn từ Zalo; nhãn người dân tự chọn trong chat giữ nguyên.',
  synced: 'Đã đồng bộ: {followers} người quan tâm, {tags} nhãn; gắn thêm {tagged}, gỡ {untagged}.',
  truncated: 'Zalo chỉ cho đọc 10.000 người đầu tiên; phần còn lại chưa được đồng bộ.',
  source: {
    staff: 'cán bộ gắn',
    zalo: 'từ Zalo',
    resident: 'người dân tự chọn',
  } satisfies Record<TagSource, string>,
  tagsTitle: 'Nhãn của {user}',
  tagsHint: 'Thôn, xóm và chủ đề người dân quan tâm. Thông báo có thể gửi riêng cho một hoặc vài nhãn.',
  knownTags: 'Nhãn đang có',
  newTags: 'Thêm nhãn mới (cách nhau bởi dấu phẩy, ví dụ: Thôn Đông)',
  save: 'Lưu nhãn',
  back: 'Về danh sách',
  saved: 'Đã lưu nhãn.',
  notMirrored: 'Chưa cập nhật được lên Zalo; nhãn vẫn được lưu ở đây.',
  noOa: 'Tài khoản của anh/chị chưa được gán OA nào.',
  problem: {
    not_found: 'Không tìm thấy người này.',
    bad_tag: 'Mỗi nhãn dài từ 1 đến 40 ký tự.',
    too_many_tags: 'Một người có tối đa 20 nhãn.',
    no_zalo: 'Máy chủ này chưa kết nối được với Zalo nên chưa đồng bộ được.',
  } satisfies Record<FollowerError['code'], string>,
};

/** The followers pages' texts of one language. */
export type FollowerTexts = typeof vi;

const en: FollowerTexts = {
  title: 'Followers',
  total: '{n} people',
  filterTag: 'Tag',
  filterStatus: 'State',
  filterAll: 'All',
  filterApply: 'Filter',
  status: {
    all: 'All',
    following: 'Following',
    unfollowed: 'Unfollowed',
    opted_out: 'Opted out of notices',
  },
  unknown: 'Unknown',
  userId: 'Zalo user id',
  state: 'State',
  lastInteraction: 'Last message',
  tags: 'Tags',
  noTags: '(no tags)',
  editTags: 'Tags',
  empty: 'Nobody matches the filter.',
  previous: 'Previous page',
  next: 'Next page',
  sync: 'Sync from Zalo',
  syncNote: 'Reads the followers and their tags from Zalo; tags residents chose in chat are kept.',
  synced: 'Synced: {followers} followers, {tags} tags; {tagged} tagged, {untagged} untagged.',
  truncated: 'Zalo lists only the first 10,000 followers; the rest were not synced.',
  source: {
    staff: 'set by staff',
    zalo: 'from Zalo',
    resident: 'chosen by the resident',
  },
  tagsTitle: 'Tags of {user}',
  tagsHint: 'Hamlets and topics the resident cares about. Notices can go to one or several tags.',
  knownTags: 'Existing tags',
  newTags: 'New tags (separated by commas, e.g. Thôn Đông)',
  save: 'Save tags',
  back: 'Back to the list',
  saved: 'Tags saved.',
  notMirrored: 'Zalo could not be updated; the tags are kept here.',
  noOa: 'Your account has no OA yet.',
  problem: {
    not_found: 'No such resident.',
    bad_tag: 'Each tag has 1 to 40 characters.',
    too_many_tags: 'A resident has at most 20 tags.',
    no_zalo: 'This server cannot reach Zalo, so it cannot sync.',
  },
};

/** The followers pages' texts by console language. */
export const FOLLOWER_TEXTS: Readonly<Record<ConsoleLang, FollowerTexts>> = { vi, en };

/** A text with `{name}` placeholders filled in (the result is escaped where it is rendered). */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => String(values[name] ?? m));
}
