/*
 * Word lists, all folded (no diacritics, đ as d). Stop words carry no weight on their own but still
 * join phrases ("can gi", "o dau"); generic words ("dang ky", "giay", "xin") weigh little because
 * nearly every procedure uses them; common words are known spellings that typo and Telex repair
 * must leave alone.
 */

const list = (s: string): readonly string[] => s.split(/\s+/).filter((w) => w.length > 0);

/** Words that never count on their own: particles, pronouns, question words. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  list(`
  a ah ak ha ha nha nhe nhi oi ui u uh um da vang thi la ma va voi cua cho de o tai tu den trong tren
  khong co duoc roi chua se nay do kia ay the nhu vay sao gi nao ai dau bao nhieu may cac nhung mot
  rat qua cung van em anh chi toi tui minh admin moi nguoi phai nen luon nua di con thu tuc
  dang vao ra len xuong hay hoac neu khi thi vi nen ma ca tat chi chut xiu ne nhe nhen he hen
  ok admin oi dum giup ho biet
  how what when where which who why not no
`),
);

/**
 * English function words, dropped from messages and phrases alike so that "register the birth"
 * and "register a birth" read the same. Words that are also Vietnamese once folded ("can", "me",
 * "be", "so", "to", "an", "do") are not in this list.
 */
export const ENGLISH_FUNCTION_WORDS: ReadonlySet<string> = new Set(
  list(`
  the a of for with my our your his her their i we you she it they us them is are was were been
  does did could would should will shall might must have has had this that these those there here
  and or but if please just also get got any some about from into as im at by its am
`),
);

/** The token that stands for a clause break (",", ".", "?"...): phrases never run across it. */
export const BREAK = ',';

/** True for words that never count on their own: stop words, bare numbers ("10 tuoi"), clause breaks. */
export function isFunctionWord(w: string): boolean {
  if (STOPWORDS.has(w) || w === BREAK) return true;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return w.length > 0;
}

/** Words nearly every procedure uses; they count for little even where the lexicon is small. */
export const GENERIC_WORDS: ReadonlySet<string> = new Set(
  list(`dang ky giay to xin lam cap nop can muon hoi mat xa thong tin`),
);

/** Everyday words residents use; known spellings that repair must not touch. */
export const COMMON_WORDS: readonly string[] = list(`
  an anh ba bac ban bang bao be benh biet bo bon bui buoi cai cach can cang canh cao cap cau cha chau
  che chet chi chieu chinh cho chong chu chua chuan chung chuyen co con cong cu cua cuoi cuoc dang dan
  dat dau day de den di dia dich dien dinh do doi don dong du dua duoc duong gan gap gi gia giam gian
  giao gio giup giay goc gom gui ha hai han hang hanh hay hen het hieu hinh ho hoa hoc hoi hom hon hop
  hu huong huyen khai khac khach khan khi kho khoa khoang khong kia kien kiem ky la lai lam lan lang le
  len lien lieu linh loai loi lon luat luc luon luong ly ma mai mang mat may me mien minh moi mot mua
  muon nam nao nay ngay nghe nghi ngoai nguoi nha nhan nhanh nhat nhau nhieu nho nhu nhung noi nong
  nop nua o ong phai phan phat phi phia phong phu qua quan que quen quy ra rang roi rong sach sai san
  sang sao sau se sinh so song sua suc sum ta tai tam tan tang tao tat thang thanh thay the them then
  thi thieu thoi thong thu thuc thue thuong tien tiep tim tin tinh to toan toi tot tra trai tre tren
  tri trieu trinh tro trong truoc truong tu tuan tuoi tuy tuyet uy va van vao ve vi viec viet vo voi
  vua xa xac xe xem xin xong xuat xuong y yeu
  thu hai ba tu nam sau bay chu nhat sang trua chieu toi dem tuan thang nam ngay gio phut
  bo me ba ma ong ong noi ngoai chau con chau trai gai vo chong anh chi em co chu bac di duong cau
  mo thim dau re hang xom ban be
  khoe cam on chao xin loi vang da ok dung sai the nao vay ha ha hi hello hi thanks thank you
  dien thoai tin nhan goi nhan zalo mang internet app ung dung tai khoan mat khau
  truong hoc sinh vien giao vien cong nhan nong dan bac si benh vien tram y te
  dat nha cua ruong vuon so do so hong thua ke di san mua ban cho tang thue vay no ngan hang
  tien dong nghin trieu ty phi le mien giam ho tro tro cap luong huu
  hom nay qua mai kia tuan truoc sau som muon nhanh cham lau
`);

/** Words that, just before a procedure's words, show it is what the resident asks for ("xin", "lam", "muon"). */
export const REQUEST_WORDS: ReadonlySet<string> = new Set(
  list(`lam xin muon cap tuc ky doi sua hoi register apply`),
);

/** Words that, just before a procedure's words, show it is background, not the request ("chua dang ky ket hon"). */
export const NEGATIONS: ReadonlySet<string> = new Set(list(`khong chua chang cha dung without`));

/**
 * Words that, just before a paper's name, show it is a paper to bring, copy or look in ("mang
 * cccd", "sao y cccd", "trong giay khai sinh", "co can giay doc than khong"), not the request.
 */
export const DOCUMENT_CUES: readonly (readonly string[])[] = list(
  `mang theo photo y sao kem trong tren co_can can_co phai_co bring copy copies`,
).map((cue) => cue.split('_'));

/** Words a two-word phrase may have between its words in a message ("thoi [lam] giam ho"). */
export const FILLER_WORDS: ReadonlySet<string> = new Set([
  ...STOPWORDS,
  ...list(`lam xin muon cap nop can hoi`),
]);
