import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { EMULATOR_CREDENTIALS } from '../../src/config.js';
import { conversations } from '../../src/db/schema.js';
import { startEmulatedStack } from '../support/app.js';
import { dialog } from '../support/dialog.js';

type Stack = Awaited<ReturnType<typeof startEmulatedStack>>;
let stack: Stack | undefined;
let db: Stack['db'];
let emu: Stack['emu'];

beforeAll(async () => {
  stack = await startEmulatedStack();
  ({ db, emu } = stack);
});

afterAll(async () => {
  await stack?.cleanup();
});

const OA = EMULATOR_CREDENTIALS.oaId;

describe('a resident asks about procedures, as they type in Zalo', () => {
  it('gets the khai sinh checklist with buttons, then the fee, the time and the legal basis', async () => {
    const chat = dialog(emu, 'conv-khai-sinh');
    const [answer] = await chat.say('lam giay khai sinh can gi');
    expect(answer!.text).toContain('1.001193');
    expect(answer!.text).toMatch(/Giấy chứng sinh/);
    expect(answer!.text!.length).toBeLessThanOrEqual(2000);
    expect(chat.buttons()).toEqual([
      'Giấy tờ chi tiết',
      'Lệ phí, thời hạn',
      'Nơi nộp, online',
      'Căn cứ pháp lý',
      'Gặp cán bộ',
    ]);

    const [fee] = await chat.tap('Lệ phí, thời hạn');
    expect(fee!.text).toMatch(/^Lệ phí và thời hạn/);

    const [time] = await chat.say('mat may ngay');
    expect(time!.text).toMatch(/Thời hạn: /);

    const [legal] = await chat.say('căn cứ pháp lý');
    expect(legal!.text).toMatch(/^Căn cứ pháp lý/);
    expect(legal!.text).toMatch(/Luật Hộ tịch/);
  });

  it('is asked which one when it says "dang ky lai", and gets the one it taps', async () => {
    const chat = dialog(emu, 'conv-dang-ky-lai');
    const [question] = await chat.say('dang ky lai');
    expect(question!.text).toMatch(/thủ tục nào/);
    const titles = chat.buttons();
    expect(titles.length).toBeGreaterThanOrEqual(3);
    expect(titles.at(-1)).toBe('Gặp cán bộ');
    const [answer] = await chat.tap(titles[0]!);
    expect(answer!.text).toMatch(/\((mã|code) \d\.\d{6}\)/);
    expect(answer!.text).toMatch(/lại/);
  });

  it('is pointed to Công an xã for tạm trú', async () => {
    const chat = dialog(emu, 'conv-tam-tru');
    const [answer] = await chat.say('tam tru');
    expect(answer!.text).toMatch(/Công an xã/);
    expect(answer!.text).toMatch(/tạm trú/i);
  });

  it('is offered an officer after three messages the bot cannot understand', async () => {
    const chat = dialog(emu, 'conv-nonsense');
    const [first] = await chat.say('asdkjh qwe');
    expect(first!.text).toMatch(/chưa hiểu/);
    expect(chat.buttons()).not.toContain('Có');
    await chat.say('zzz ggg hhh');
    const [third] = await chat.say('blah blah xyz');
    expect(third!.text).toMatch(/gặp cán bộ/);
    expect(chat.buttons()[0]).toBe('Gặp cán bộ');
  });

  it('switches to English and back, and answers in the chosen language', async () => {
    const chat = dialog(emu, 'conv-language');
    const switched = await chat.say('English', 2);
    expect(switched[0]!.text).toBe('Switched to English.');
    expect(chat.buttons()).toContain('Talk to an officer');
    const [answer] = await chat.say('marriage registration');
    expect(answer!.text).toMatch(/^.*\(code 1\.000894\)/);
    expect(answer!.text).toMatch(/What to bring:/);
    const back = await chat.tap('Tiếng Việt', 2).catch(() => chat.say('Tiếng Việt', 2));
    expect(back[0]!.text).toBe('Đã chuyển sang tiếng Việt.');
  });

  it('browses by taps: Hỏi thủ tục → Chứng thực → Sao y bản chính', async () => {
    const chat = dialog(emu, 'conv-browse');
    await chat.say('xin chào');
    expect(chat.buttons()).toEqual(['Hỏi thủ tục', 'Hồ sơ của tôi', 'Gặp cán bộ', 'English']);
    await chat.tap('Hỏi thủ tục');
    await chat.tap('Chứng thực');
    const [answer] = await chat.tap('Sao y bản chính');
    expect(answer!.text).toContain('2.000815');
  });

  it('obeys "menu" and "bắt đầu lại" from the middle of a flow', async () => {
    const chat = dialog(emu, 'conv-commands');
    await chat.say('menu');
    await chat.tap('Hỏi thủ tục');
    const [menu] = await chat.say('menu');
    expect(chat.buttons()).toContain('Hỏi thủ tục');
    expect(menu!.text).not.toMatch(/lĩnh vực/);
    await chat.tap('Hỏi thủ tục');
    const [restart] = await chat.say('bắt đầu lại');
    expect(restart!.text).toMatch(/^Xin chào Anh\/Chị/);
  });

  it('starts fresh with a short reminder when the conversation was idle for days', async () => {
    const user = 'conv-idle';
    const chat = dialog(emu, user);
    await chat.say('giay doc than');
    const fourDaysAgo = Date.now() - 4 * 24 * 3600_000;
    await db.db
      .update(conversations)
      .set({ state: sql`jsonb_set(${conversations.state}, '{lastActiveAt}', ${String(fourDaysAgo)}::jsonb)` })
      .where(and(eq(conversations.oaId, OA), eq(conversations.userId, user)));
    const answer = await chat.say('bao nhieu tien', 2);
    expect(answer[0]!.text).toMatch(/bắt đầu lại/);
    expect(answer[1]!.text).not.toMatch(/1\.004873/);
  });

  it('restarts politely when the flow it waited in has changed version', async () => {
    const user = 'conv-version';
    const chat = dialog(emu, user);
    await chat.say('menu');
    await db.db
      .update(conversations)
      .set({ state: sql`jsonb_set(${conversations.state}, '{position,version}', '0'::jsonb)` })
      .where(and(eq(conversations.oaId, OA), eq(conversations.userId, user)));
    // A question the general answering handles ("Hồ sơ của tôi" now belongs to the dossier desk).
    const answer = await chat.say('lam giay khai sinh can gi', 2);
    expect(answer[0]!.text).toMatch(/cập nhật/);
    expect(answer[1]!.text).toContain('1.001193');
  });
});
