import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `motcua nlu ...` from the sources, as the `motcua` binary would. */
function motcua(args: string[], input = '') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/run.ts', 'nlu', ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'motcua-nlu-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Each case starts a TypeScript process; on a loaded machine that alone can take several seconds.
describe('motcua nlu', { timeout: 60_000 }, () => {
  it('classify prints one JSON object per stdin line, with the agreed keys in order', () => {
    const { code, stdout, stderr } = motcua(
      ['classify'],
      'lam giay khai sinh can gi\ndang ky lai\ntam tru\n',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual([
        'text',
        'intent',
        'procedure',
        'confidence',
        'action',
        'candidates',
        'topic',
      ]);
    }
    expect(lines[0]).toMatchObject({
      text: 'lam giay khai sinh can gi',
      procedure: '1.001193',
      action: 'answer',
      topic: 'documents',
    });
    expect(lines[1]).toMatchObject({ intent: 'procedure', procedure: null, action: 'clarify' });
    expect(lines[2]).toMatchObject({ procedure: '1.004194', action: 'redirect' });
  });

  it('eval prints the report, and exits 0 even when messages are missed', () => {
    const file = path.join(tmp, 'small.tsv');
    writeFileSync(file, 'utterance\taccepted\nlam giay khai sinh\t1.001193\nlam giay khai sinh\t1.000656\n');
    const text = motcua(['eval', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/ALL\s+2\s+1\s+50\.0%/);
    expect(text.stdout).toContain('line 3 [conf. wrong]');
    const json = motcua(['eval', '--json', file]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      overall: { total: 2, counts: { correct: 1, confidently_wrong: 1 } },
    });
  });

  it('eval refuses a malformed file with its line number', () => {
    const file = path.join(tmp, 'bad.tsv');
    writeFileSync(file, 'utterance\taccepted\nok\t1.001193\nno tab on this line\n');
    const { code, stderr } = motcua(['eval', file]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('line 3: expected 2 tab-separated columns');
  });
});
