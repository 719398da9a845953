import { describe, expect, it } from 'vitest';
import { defaultFlowsDir } from '../../src/catalogue/index.js';
import { loadFlows } from '../../src/conversation/flows.js';
import { createTranslator, loadResources } from '../../src/i18n.js';

function keysOf(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

describe('resident-facing text', () => {
  it('has every key in both Vietnamese and English', () => {
    const res = loadResources();
    const vi = keysOf(res.vi).sort();
    const en = keysOf(res.en).sort();
    expect(vi.length).toBeGreaterThan(50);
    expect(en.filter((k) => !vi.includes(k))).toEqual([]);
    expect(vi.filter((k) => !en.includes(k))).toEqual([]);
  });

  it('says "Anh/Chị" and never leaves a Vietnamese text without diacritics', () => {
    const vi = loadResources().vi!.common as Record<string, unknown>;
    const texts = keysOf(vi).map((k) =>
      k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], vi),
    );
    // Placeholders are not words: a template of placeholders alone has nothing to accent.
    const long = texts.filter(
      (t): t is string => typeof t === 'string' && t.replace(/\{\{[^}]+\}\}/g, '').trim().length > 40,
    );
    expect(long.length).toBeGreaterThan(10);
    for (const t of long)
      expect(t, t).toMatch(/[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]/i);
    expect(long.filter((t) => /Anh\/Chị/.test(t)).length).toBeGreaterThan(10);
  });

  it('keeps every button label within Zalo’s 20 characters', async () => {
    const tr = await createTranslator('vi');
    const labels = [
      'menu',
      'flow.browse',
      'flow.common',
      'guidance.button',
      'conversation.button',
      'intake.button',
      'rating.button',
      'complaint.button',
      'complaint.category',
      'handoff.button',
      'notices.button',
    ];
    for (const lng of ['vi', 'en'] as const) {
      const res = loadResources()[lng]!.common as Record<string, unknown>;
      for (const prefix of labels) {
        const node = prefix.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], res);
        for (const key of keysOf(node, prefix)) {
          const text = tr.t(lng)(key);
          if (['field', 'pick', 'police', 'type_it'].some((s) => key.endsWith(`.${s}`))) continue;
          expect(Array.from(text).length, `${lng} ${key}: ${text}`).toBeLessThanOrEqual(20);
        }
      }
    }
  });

  it('is complete for every text the flows use', async () => {
    const tr = await createTranslator('vi');
    const { problems } = await loadFlows(defaultFlowsDir(), { hasText: (k) => tr.has(k) });
    expect(problems).toEqual([]);
    const missing = await loadFlows(defaultFlowsDir(), {
      hasText: (k) => k !== 'flow.menu.prompt' && tr.has(k),
    });
    expect(missing.problems.map((p) => p.reason)).toEqual([
      'flow menu: step main uses text "flow.menu.prompt" missing from a locale',
    ]);
  });
});
