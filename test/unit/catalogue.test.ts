import { cp, mkdir, readdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  createCatalogueStore,
  defaultFlowsDir,
  loadCatalogue,
  parseYaml,
  type Problem,
  type Procedure,
} from '../../src/catalogue/index.js';
import { checkFlowsDir, registerFlowsCommands } from '../../src/cli/flows.js';

/** Every procedure the bot must know (the label table of the NLU dev set). */
const CODES = [
  '1.001193', '1.000656', '1.000894', '1.004873', '1.001022', '1.000689', '1.004837', '1.004845',
  '1.004859', '2.000635', '1.004884', '1.005461', '1.004746', '2.000986', '1.006714', '2.000815',
  '2.000884', '2.001035', '2.001019', '1.001776', '1.014027', '1.001699', '1.010833', '1.011607',
  '2.000554', '2.002516', '1.004222', '1.004194', '1.010041', '1.003197', '1.014061',
]; // prettier-ignore

const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i;

/** Every `{vi, en}` object inside a value, with its path. */
function texts(value: unknown, at = ''): { at: string; vi: string; en: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => texts(v, `${at}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const o = value as Record<string, unknown>;
  const own = typeof o.vi === 'string' && typeof o.en === 'string' ? [{ at, vi: o.vi, en: o.en }] : [];
  return [...own, ...Object.entries(o).flatMap(([k, v]) => texts(v, at ? `${at}.${k}` : k))];
}

let dir: string;
const FLOW_FILES = readdirSync(defaultFlowsDir()).filter((n) => n.endsWith('.yaml')).length;

async function copyFlows(): Promise<string> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'motcua-flows-'));
  await cp(path.join(defaultFlowsDir(), 'procedures'), path.join(tmp, 'procedures'), { recursive: true });
  await cp(path.join(defaultFlowsDir(), 'overrides'), path.join(tmp, 'overrides'), { recursive: true });
  for (const f of (await readdir(defaultFlowsDir())).filter((n) => n.endsWith('.yaml'))) {
    await cp(path.join(defaultFlowsDir(), f), path.join(tmp, f));
  }
  return tmp;
}

/** Rewrites the first line of a file that contains `find`; returns that line's 1-based number. */
async function editLine(file: string, find: string, replace: (line: string) => string): Promise<number> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const i = lines.findIndex((l) => l.includes(find));
  if (i < 0) throw new Error(`"${find}" not in ${file}`);
  lines[i] = replace(lines[i]!);
  await writeFile(file, lines.join('\n'));
  return i + 1;
}

const only = (problems: Problem[]) => {
  expect(problems).toHaveLength(1);
  return problems[0]!;
};

beforeEach(async () => {
  dir = await copyFlows();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the real catalogue', () => {
  it('loads with no problems and covers every procedure in scope', async () => {
    const { catalogue, problems } = await loadCatalogue(defaultFlowsDir());
    expect(problems).toEqual([]);
    expect(catalogue.procedures.map((p) => p.code).sort()).toEqual([...CODES].sort());
    const codes = catalogue.procedures.map((p) => p.code);
    expect(codes).toEqual([...codes].sort());
    expect(catalogue.get('2.000987')?.code).toBe('2.000986');
    expect(catalogue.get('1.010824')?.code).toBe('1.006714');
    expect(catalogue.get('9.999999')).toBeUndefined();
  });

  it('sends residence and identity-card procedures to the commune police', async () => {
    const { catalogue } = await loadCatalogue(defaultFlowsDir());
    const police = catalogue.procedures.filter((p) => p.agency === 'cong_an_xa').map((p) => p.code);
    expect(police.sort()).toEqual(['1.003197', '1.004194', '1.004222', '1.010041', '1.014061']);
    for (const p of catalogue.procedures) {
      expect(p.agency === 'cong_an_xa').toBe(p.field === 'cu_tru' || p.field === 'can_cuoc');
    }
  });

  it('keeps every short name within a Zalo button title (20 characters)', async () => {
    const { catalogue } = await loadCatalogue(defaultFlowsDir());
    for (const p of catalogue.procedures) {
      expect([...p.short_name.vi].length, p.code).toBeLessThanOrEqual(20);
      expect([...p.short_name.en].length, p.code).toBeLessThanOrEqual(20);
    }
  });

  it('writes every Vietnamese text with diacritics, and no text longer than 300 characters', async () => {
    const { catalogue } = await loadCatalogue(defaultFlowsDir());
    const all = catalogue.procedures.flatMap((p) => texts(p).map((t) => ({ ...t, code: p.code })));
    expect(all.length).toBeGreaterThan(500);
    const folded = all.filter((t) => !VIETNAMESE.test(t.vi)).map((t) => `${t.code} ${t.at}: ${t.vi}`);
    expect(folded).toEqual([]);
    const long = all.filter((t) => t.vi.length > 300 || t.en.length > 300).map((t) => `${t.code} ${t.at}`);
    expect(long).toEqual([]);
  });

  it('gives every procedure varied aliases (with and without diacritics) and examples', async () => {
    const { catalogue } = await loadCatalogue(defaultFlowsDir());
    for (const p of catalogue.procedures) {
      expect(p.aliases.length, p.code).toBeGreaterThanOrEqual(6);
      expect(
        p.aliases.some((a) => VIETNAMESE.test(a)),
        p.code,
      ).toBe(true);
      expect(
        p.aliases.some((a) => /^[\x20-\x7e]+$/.test(a)),
        p.code,
      ).toBe(true);
      expect(p.examples.length, p.code).toBeGreaterThanOrEqual(3);
      expect(p.sources.length, p.code).toBeGreaterThan(0);
    }
  });

  it('gives the example OA its office and fees, and nobody else', async () => {
    const { catalogue } = await loadCatalogue(defaultFlowsDir());
    const oa = catalogue.forOa('emulator-oa-0001');
    expect(oa.office?.hours.vi).toContain('7:30');
    expect(oa.get('1.004873')?.fee.amount_vnd).toBe(15000);
    expect(catalogue.get('1.004873')?.fee.amount_vnd).toBeNull();
    expect(catalogue.forOa('someone-else')).toBe(catalogue);
  });
});

describe('reporting a broken file', () => {
  it('reports a YAML syntax error with the file and its line', async () => {
    const file = path.join(dir, 'procedures', '1.001193.yaml');
    const line = await editLine(file, 'agency: ubnd_xa', (l) => `${l}: oops`);
    const { catalogue, problems } = await loadCatalogue(dir);
    const p = only(problems);
    expect(p.file).toBe('procedures/1.001193.yaml');
    expect(p.line).toBe(line);
    expect(p.reason).toMatch(/^YAML: /);
    expect(catalogue.get('1.001193')).toBeUndefined();
    expect(catalogue.procedures).toHaveLength(CODES.length - 1);
  });

  it('maps a schema error to the line of the offending value', async () => {
    const file = path.join(dir, 'procedures', '2.000815.yaml');
    const line = await editLine(file, 'form: copy', (l) => l.replace('copy', 'photocopy'));
    const p = only((await loadCatalogue(dir)).problems);
    expect(p).toMatchObject({ file: 'procedures/2.000815.yaml', line });
    expect(p.reason).toMatch(/^documents\[1\]\.form: /);
  });

  it('refuses an unknown key (a typo) at its line', async () => {
    const file = path.join(dir, 'procedures', '1.000894.yaml');
    const line = await editLine(file, 'set_by_province:', (l) =>
      l.replace('set_by_province', 'set_by_provnce'),
    );
    const problems = (await loadCatalogue(dir)).problems;
    const unknown = problems.find((p) => p.reason.includes('unknown key'));
    expect(unknown).toMatchObject({ file: 'procedures/1.000894.yaml', line });
    expect(unknown?.reason).toContain('"set_by_provnce"');
  });

  it('points a missing key at its parent and an unquoted code at the code', async () => {
    const file = path.join(dir, 'procedures', '1.004837.yaml');
    const parentLine = await editLine(file, 'time_limit:', (l) => l);
    await editLine(file, 'working_days: 3', () => '');
    await editLine(file, "code: '1.004837'", () => 'code: 1.004837');
    const problems = (await loadCatalogue(dir)).problems;
    expect(problems.map((p) => p.line)).toEqual([1, parentLine]);
    expect(problems[0]!.reason).toMatch(/^code: .*quote it/);
    expect(problems[1]!.reason).toMatch(/^time_limit\.working_days: /);
  });

  it('checks file names, related codes and override codes across files', async () => {
    await writeFile(
      path.join(dir, 'procedures', '1.999999.yaml'),
      await readFile(path.join(dir, 'procedures', '2.001019.yaml'), 'utf8'),
    );
    const related = await editLine(path.join(dir, 'procedures', '2.002516.yaml'), "- '2.000635'", (l) =>
      l.replace('2.000635', '2.999999'),
    );
    await writeFile(
      path.join(dir, 'overrides', 'oa-x.yaml'),
      "oa_id: oa-x\nprocedures:\n  '1.000000':\n    notes: []\n",
    );
    const problems = (await loadCatalogue(dir)).problems;
    expect(problems).toEqual([
      { file: 'overrides/oa-x.yaml', line: 3, reason: 'unknown procedure code 1.000000' },
      { file: 'procedures/1.999999.yaml', line: 1, reason: 'file name must be 2.001019.yaml (its code)' },
      {
        file: 'procedures/2.002516.yaml',
        line: related,
        reason: 'related code 2.999999 is not in the catalogue',
      },
    ]);
  });

  it('refuses a code claimed by two files and an override for the wrong file name', async () => {
    await editLine(
      path.join(dir, 'procedures', '2.001019.yaml'),
      'related:',
      () => "also_codes: ['2.000884']\nrelated:",
    );
    await writeFile(path.join(dir, 'overrides', 'oa-y.yaml'), 'oa_id: oa-z\n');
    const { catalogue, problems } = await loadCatalogue(dir);
    expect(problems.map((p) => `${p.file}:${p.reason}`)).toEqual([
      'overrides/oa-y.yaml:file name must be oa-z.yaml (its oa_id)',
      'procedures/2.001019.yaml:code 2.000884 is already used by procedures/2.000884.yaml; this file is left out',
      'procedures/2.001035.yaml:related code 2.001019 is not in the catalogue',
    ]);
    expect(catalogue.get('2.000884')?.code).toBe('2.000884');
    expect(catalogue.get('2.001019')).toBeUndefined();
  });

  it('lets other YAML content reuse the same file:line reporting', () => {
    const schema = z.strictObject({ id: z.string(), steps: z.array(z.strictObject({ say: z.string() })) });
    const res = parseYaml('id: menu\nsteps:\n  - say: hi\n  - ask: name\n', 'menu.yaml', schema);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.problems.map((p) => [p.file, p.line])).toEqual([
        ['menu.yaml', 4],
        ['menu.yaml', 4],
      ]);
    }
    const good = parseYaml('id: menu\nsteps:\n  - say: hi\n', 'menu.yaml', schema);
    expect(good.ok && good.value.steps[0]?.say).toBe('hi');
    expect(good.ok && good.lineOf(['steps', 0, 'say'])).toBe(3);
  });
});

describe('the catalogue store', () => {
  it('keeps serving the last good version of a file that breaks, and takes the next good one', async () => {
    const warn = vi.fn();
    const store = createCatalogueStore({ dir, logger: { warn, info: vi.fn() } });
    expect(store.current().procedures).toHaveLength(0);
    expect(await store.reload()).toEqual([]);
    const before = store.current().get('1.000656');
    expect(before?.name.vi).toBe('Đăng ký khai tử');

    const file = path.join(dir, 'procedures', '1.000656.yaml');
    const good = await readFile(file, 'utf8');
    const line = await editLine(file, 'count: 1', () => '    count: 0');
    const problems = await store.reload();
    expect(problems.map((p) => [p.file, p.line])).toEqual([['procedures/1.000656.yaml', line]]);
    expect(problems[0]!.reason).toMatch(/^documents\[0\]\.count: /);
    expect(store.current().get('1.000656')).toEqual(before);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ file: 'procedures/1.000656.yaml', line, keptPrevious: true }),
      expect.stringContaining('last good version'),
    );

    await writeFile(file, good.replace('  vi: Đăng ký khai tử\n', '  vi: Đăng ký khai tử (mới)\n'));
    expect(await store.reload()).toEqual([]);
    expect(store.current().get('1.000656')?.name.vi).toBe('Đăng ký khai tử (mới)');

    await unlink(file);
    await store.reload();
    expect(store.current().get('1.000656')).toBeUndefined();
  });

  it('does not serve a file that was broken from the start', async () => {
    await writeFile(path.join(dir, 'procedures', '1.000001.yaml'), 'code: [');
    const store = createCatalogueStore({ dir });
    const problems = await store.reload();
    expect(problems.map((p) => p.file)).toEqual(['procedures/1.000001.yaml']);
    expect(store.current().procedures).toHaveLength(CODES.length);
  });
});

describe('per-OA overrides', () => {
  const override = `oa_id: oa-test
office:
  name: { vi: UBND xã Thử, en: Thử commune }
  address: { vi: Số 2 đường Thử, en: 2 Thử street }
  hours: { vi: Sáng 7:00–11:00, en: 7:00–11:00 }
provincial_portal_url: https://dvc.example.vn
procedures:
  '1.010833':
    fee:
      summary: { vi: Không mất phí tại xã Thử., en: Free in Thử commune. }
      amount_vnd: 0
    time_limit:
      working_days: 4
    notes:
      - { vi: Mang theo giấy tờ gốc., en: Bring the originals. }
  '2.000987':
    channels:
      post: true
`;

  it('layers fee, time and hours over the national entry for that OA only', async () => {
    await writeFile(path.join(dir, 'overrides', 'oa-test.yaml'), override);
    const { catalogue, problems } = await loadCatalogue(dir);
    expect(problems).toEqual([]);
    const national = catalogue.get('1.010833') as Procedure;
    const view = catalogue.forOa('oa-test');
    const local = view.get('1.010833') as Procedure;

    expect(view.office?.hours.vi).toBe('Sáng 7:00–11:00');
    expect(view.provincialPortalUrl).toBe('https://dvc.example.vn');
    expect(local.fee.summary.vi).toBe('Không mất phí tại xã Thử.');
    expect(local.fee.amount_vnd).toBe(0);
    expect(local.fee.set_by_province).toBe(national.fee.set_by_province);
    expect(local.time_limit.working_days).toBe(4);
    expect(local.time_limit.summary).toEqual(national.time_limit.summary);
    expect(local.notes).toEqual([{ vi: 'Mang theo giấy tờ gốc.', en: 'Bring the originals.' }]);
    expect(national.unconfirmed).toEqual(expect.arrayContaining(['fee', 'time_limit']));
    expect(local.unconfirmed).not.toContain('fee');
    expect(local.unconfirmed).not.toContain('time_limit');
    expect(local.unconfirmed).toContain('documents');
    expect(local.documents).toEqual(national.documents);

    // An override named by an also_code lands on the main entry.
    expect(view.get('2.000986')?.channels.post).toBe(true);
    expect(catalogue.get('2.000986')?.channels.post).toBe(false);

    // The national entry and other OAs are untouched.
    expect(national.fee.amount_vnd).toBeNull();
    expect(catalogue.forOa('emulator-oa-0001').get('1.010833')).toBe(national);
    expect(catalogue.overrideOaIds).toEqual(['emulator-oa-0001', 'oa-test']);
  });

  it('refuses unknown keys and bad values in an override, at their lines', async () => {
    const bad = override
      .replace('      amount_vnd: 0', '      amount: 0')
      .replace('working_days: 4', 'working_days: -1');
    await writeFile(path.join(dir, 'overrides', 'oa-test.yaml'), bad);
    const problems = (await loadCatalogue(dir)).problems;
    expect(problems.map((p) => [p.line, p.reason.split(':')[0]])).toEqual([
      [11, 'procedures.1.010833.fee'],
      [13, 'procedures.1.010833.time_limit.working_days'],
    ]);
  });
});

describe('motcua flows check', () => {
  async function run(args: string[]) {
    const out: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    const program = new Command().exitOverride();
    registerFlowsCommands(program);
    process.exitCode = undefined;
    try {
      await program.parseAsync(['node', 'motcua', ...args]);
    } finally {
      spy.mockRestore();
    }
    const code = process.exitCode;
    process.exitCode = undefined;
    return { out, code };
  }

  it('prints a summary and exits 0 when everything is fine', async () => {
    const { out, code } = await run(['flows', 'check', dir]);
    expect(out).toEqual([`${CODES.length} procedures, 1 override, ${FLOW_FILES} flow files: OK`]);
    expect(code).toBeUndefined();
  });

  it('prints file:line: reason for each problem and exits 1', async () => {
    const line = await editLine(
      path.join(dir, 'procedures', '1.004222.yaml'),
      'agency:',
      () => 'agency: ubnd',
    );
    await writeFile(path.join(dir, 'menu.yaml'), 'steps: [\n');
    const { out, code } = await run(['flows', 'check', dir]);
    const rel = (f: string) => path.relative(process.cwd(), path.join(dir, f)).split(path.sep).join('/');
    expect(out[0]).toMatch(new RegExp(`^${rel('menu.yaml')}:\\d+: YAML: `));
    expect(out[1]!.startsWith(`${rel('procedures/1.004222.yaml')}:${line}: agency: `)).toBe(true);
    expect(out[2]).toBe(`${CODES.length - 1} procedures, 1 override, ${FLOW_FILES} flow files: 2 problems`);
    expect(code).toBe(1);
  });

  it('checks conversation flows: steps, actions, texts and the procedures their buttons name', async () => {
    const browse = path.join(dir, 'browse.yaml');
    const text = await readFile(browse, 'utf8');
    await writeFile(
      browse,
      text
        .replace('next: ho_tich }', 'next: hotich }')
        .replace("'#p 1.001193'", "'#p 1.999999'")
        .replace('label: flow.browse.khai_tu', 'label: flow.browse.no_such_text'),
    );
    const res = await checkFlowsDir(dir);
    expect(res.problems.map((p) => `${p.file}: ${p.reason}`)).toEqual([
      'browse.yaml: flow browse: step field choice ho_tich goes to a step "hotich" that does not exist',
      'browse.yaml: flow browse: step ho_tich choice khai_sinh names procedure 1.999999, which is not in the catalogue',
      'browse.yaml: flow browse: step ho_tich choice khai_tu uses text "flow.browse.no_such_text" missing from a locale',
    ]);
  });

  it('checks the holiday calendar when the flows folder has one', async () => {
    await mkdir(path.join(dir, 'calendar'));
    await writeFile(path.join(dir, 'calendar', 'vn-holidays.yaml'), 'years: [2026]\nholiday: 2026-01-01\n');
    const res = await checkFlowsDir(dir);
    expect(res.problems.map((p) => `${p.file}:${p.line}`)).toEqual([
      'calendar/vn-holidays.yaml:1',
      'calendar/vn-holidays.yaml:2',
    ]);
  });

  it('lists code, agency and short name', async () => {
    const { out } = await run(['flows', 'list', dir]);
    expect(out).toHaveLength(CODES.length);
    expect(out).toContainEqual(expect.stringMatching(/^1\.004222\s+cong_an_xa\s+Đăng ký thường trú$/));
    expect(out).toContainEqual(
      expect.stringMatching(/^2\.000986,2\.000987\s+ubnd_xa\s+Liên thông khai sinh$/),
    );
  });
});
