import { beforeAll, describe, expect, it } from 'vitest';
import { defaultFlowsDir, loadCatalogue, type Catalogue } from '../../src/catalogue/index.js';
import { createConversationContext } from '../../src/conversation/context.js';
import { createFlowStore } from '../../src/conversation/flows.js';
import { TOPICS } from '../../src/conversation/guidance.js';
import { respond, type ConversationState, type RespondContext } from '../../src/conversation/respond.js';
import { createTranslator, type Locale } from '../../src/i18n.js';
import { normaliseEvent, type RawZaloEvent } from '../../src/zalo/events.js';
import type { ZaloButton, ZaloMessage } from '../../src/zalo/messages.js';
import { makeZaloEvent } from '../support/zalo-events.js';

const OA = 'emulator-oa-0001';
let contextFor: (oaId: string) => RespondContext;
let catalogue: Catalogue;

beforeAll(async () => {
  const translator = await createTranslator('vi');
  const loaded = await loadCatalogue(defaultFlowsDir());
  expect(loaded.problems).toEqual([]);
  catalogue = loaded.catalogue;
  const store = { current: () => catalogue, reload: () => Promise.resolve([]) };
  const flows = await createFlowStore({
    dir: defaultFlowsDir(),
    logger: { warn: () => undefined, info: () => undefined },
    hasText: (k) => translator.has(k),
  });
  contextFor = createConversationContext({
    catalogue: store,
    flows,
    translator,
    logger: { debug: () => undefined },
    idleMs: 72 * 3600_000,
    missesBeforeOfficer: 3,
  });
});

const textEvent = (text: string) =>
  normaliseEvent(
    makeZaloEvent('user_send_text', { message: { text, msg_id: 'm1' } }) as unknown as RawZaloEvent,
    Buffer.alloc(0),
    OA,
  );

function buttonsOf(m: ZaloMessage | undefined): ZaloButton[] {
  const payload = m?.attachment?.type === 'template' ? m.attachment.payload : undefined;
  return payload && 'buttons' in payload ? (payload.buttons ?? []) : [];
}

function run(text: string, state: ConversationState = {}, locale: Locale = 'vi', oaId = OA) {
  return respond(contextFor(oaId), { event: textEvent(text), locale, state, now: Date.now() });
}

function tap(button: ZaloButton, state: ConversationState, locale: Locale = 'vi') {
  if (button.type !== 'oa.query.hide' && button.type !== 'oa.query.show')
    throw new Error('not a query button');
  return run(button.payload, state, locale);
}

describe('answers composed from the catalogue', () => {
  it('fit Zalo for every procedure, topic and language: ≤ 2,000 characters, ≤ 5 buttons of ≤ 20 characters', () => {
    let checked = 0;
    for (const p of catalogue.procedures) {
      for (const locale of ['vi', 'en'] as const) {
        const payloads = [`#p ${p.code}`, ...TOPICS.map((t) => `#t ${p.code} ${t}`)];
        for (const payload of payloads) {
          const reply = run(payload, {}, locale);
          expect(reply.messages.length, payload).toBeGreaterThan(0);
          for (const m of reply.messages) {
            expect(Array.from(m.text ?? '').length, payload).toBeLessThanOrEqual(2000);
            expect(m.text, payload).not.toMatch(/\{\{|undefined|\[object/);
            const buttons = buttonsOf(m);
            expect(buttons.length).toBeLessThanOrEqual(5);
            for (const b of buttons) expect(Array.from(b.title).length, b.title).toBeLessThanOrEqual(20);
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(catalogue.procedures.length * 2 * (TOPICS.length + 1));
  });

  it('names the required papers, the fee, the time and where, and keeps the procedure for follow-ups', () => {
    const reply = run('lam giay khai sinh can gi');
    const text = reply.messages[0]!.text!;
    expect(text).toMatch(/^Đăng ký khai sinh|Thủ tục đăng ký khai sinh/);
    expect(text).toMatch(/Giấy tờ cần có:/);
    expect(text).toMatch(/Lệ phí: /);
    expect(text).toMatch(/Thời hạn: /);
    expect(text).toMatch(/Nộp tại: /);
    expect(reply.state.procedure).toBe('1.001193');
    const follow = run('nop online duoc ko', reply.state);
    expect(follow.messages[0]!.text).toMatch(/^Nơi nộp/);
    expect(follow.messages[0]!.text).toMatch(/https:\/\/dichvucong\.gov\.vn/);
  });

  it('uses the desk address, hours and provincial portal of the OA that has an override', () => {
    const withDesk = run('#t 1.001193 where').messages[0]!.text!;
    const national = run('#t 1.001193 where', {}, 'vi', 'another-oa').messages[0]!.text!;
    const office = catalogue.forOa(OA).office;
    expect(office).toBeDefined();
    expect(withDesk).toContain(office!.hours.vi);
    expect(national).not.toContain(office!.hours.vi);
  });

  it('composes an answer once per catalogue version and hands each caller its own copy', () => {
    const first = run('#p 1.001193');
    first.messages[0]!.text = 'changed by a caller';
    const second = run('#p 1.001193');
    expect(second.messages[0]!.text).toMatch(/khai sinh/i);
    expect(run('#p 1.001193', {}, 'en').messages[0]!.text).toMatch(/birth/i);
    const other = run('#p 1.001193', {}, 'vi', 'another-oa');
    expect(other.messages).not.toEqual(second.messages);
  });

  it('points residence and ID card questions to Công an xã', () => {
    const reply = run('dang ky tam tru o dau');
    expect(reply.messages[0]!.text).toMatch(/do Công an xã giải quyết/);
    expect(reply.messages[0]!.text).not.toMatch(/Giờ làm việc: Sáng/);
  });

  it('asks back with the close choices instead of guessing', () => {
    const reply = run('dang ky lai');
    expect(reply.messages[0]!.text).toMatch(/thủ tục nào/);
    const titles = buttonsOf(reply.messages[0]).map((b) => b.title);
    expect(titles.length).toBeGreaterThanOrEqual(3);
    const picked = tap(buttonsOf(reply.messages[0])[0]!, reply.state);
    expect(picked.messages[0]!.text).toMatch(/lại/);
  });

  it('offers an officer after three misses in a row, and forgets misses once it understands', () => {
    let state: ConversationState = {};
    const texts: string[] = [];
    for (const t of ['qwe rty', 'zxc vbn', 'asd fgh']) {
      const r = run(t, state);
      state = r.state;
      texts.push(r.messages[0]!.text!);
    }
    expect(texts[0]).toMatch(/chưa hiểu/);
    expect(texts[2]).toMatch(/gặp cán bộ/);
    expect(buttonsOf(run('asd fgh', state).messages[0])[0]!.title).toBe('Gặp cán bộ');
    const understood = run('sao y giay to', state);
    expect(understood.state.misses).toBe(0);
  });

  it('switches language from anywhere and answers in it', () => {
    const browsing = tap(buttonsOf(run('menu').messages[0])[0]!, {});
    expect(browsing.state.position?.flow).toBe('browse');
    const en = run('English', browsing.state);
    expect(en.locale).toBe('en');
    expect(en.messages[0]!.text).toBe('Switched to English.');
    expect(run('marriage registration', en.state, 'en').messages[0]!.text).toMatch(/What to bring:/);
  });

  it('treats a tap on an old menu button as that button, not as nonsense', () => {
    const menu = run('menu');
    const later = run('sao y', menu.state);
    const oldTap = tap(buttonsOf(menu.messages[0])[0]!, later.state);
    expect(oldTap.state.position?.flow).toBe('browse');
  });
});
