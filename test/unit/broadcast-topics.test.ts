import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTopicStore, loadTopicsFile, TOPICS_FILE } from '../../src/broadcasts/topics-file.js';
import { findTopic, type BroadcastTopic } from '../../src/broadcasts/topics.js';
import { defaultFlowsDir } from '../../src/catalogue/index.js';
import { checkFlowsDir } from '../../src/cli/flows.js';

let topics: readonly BroadcastTopic[];

beforeAll(async () => {
  const res = await loadTopicsFile(defaultFlowsDir());
  if (!res.ok) throw new Error(JSON.stringify(res.problems));
  topics = res.value!.default;
});

describe('the repository topics file', () => {
  it('passes its checks and names the four topics', () => {
    expect(topics.map((t) => t.tag)).toEqual([
      'Tiêm chủng',
      'Thuế - phí',
      'Thiên tai - thời tiết',
      'Việc làm',
    ]);
  });
});

describe('finding the topic a resident typed', () => {
  it.each([
    ['tiêm chủng', 'tiem-chung'],
    ['Tiêm chủng', 'tiem-chung'],
    ['TIÊM CHỦNG', 'tiem-chung'],
    ['tiem chung', 'tiem-chung'],
    ['về tiêm chủng', 'tiem-chung'],
    ['chủ đề tiêm chủng', 'tiem-chung'],
    ['vắc xin', 'tiem-chung'],
    ['vaccine', 'tiem-chung'],
    ['Vaccination', 'tiem-chung'],
    ['tiêm chủng cho bé', 'tiem-chung'],
    ['thuế', 'thue-phi'],
    ['Thuế - phí', 'thue-phi'],
    ['thue phi', 'thue-phi'],
    ['thiên tai', 'thien-tai'],
    ['bão lũ', 'thien-tai'],
    ['về thời tiết', 'thien-tai'],
    ['Thiên tai - thời tiết', 'thien-tai'],
    ['việc làm', 'viec-lam'],
    ['viec lam', 'viec-lam'],
    ['tuyển dụng', 'viec-lam'],
    ['Jobs', 'viec-lam'],
  ])('"%s" is %s', (text, id) => {
    expect(findTopic(text, topics)?.id).toBe(id);
  });

  it.each(['xổ số', 'khai sinh', '', 'thuế và việc làm', 'tin'])('"%s" names no single topic', (text) => {
    expect(findTopic(text, topics)).toBeUndefined();
  });
});

describe('the topics file checks', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'motcua-topics-'));
    await mkdir(path.join(dir, 'broadcasts'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = (text: string) => writeFile(path.join(dir, TOPICS_FILE), text);
  const topic = (id: string, tag: string, extra = '') =>
    `  - { id: ${id}, tag: ${tag}, title: { vi: ${tag}, en: ${id} }${extra} }\n`;

  it('means no topics when there is no file', async () => {
    const store = createTopicStore({ flowsDir: dir });
    expect(await store.reload()).toEqual([]);
    expect(store.forOa('oa-1')).toEqual([]);
  });

  it('serves an OA its own list, others the default', async () => {
    await write(`default:\n${topic('a', 'Tin A')}oa:\n  oa-2:\n  ${topic('b', 'Tin B').trimStart()}`);
    const store = createTopicStore({ flowsDir: dir });
    expect(await store.reload()).toEqual([]);
    expect(store.forOa('oa-1').map((t) => t.id)).toEqual(['a']);
    expect(store.forOa('oa-2').map((t) => t.id)).toEqual(['b']);
  });

  it('refuses repeated ids, a name shared by two topics, long tags, six topics and unknown keys, with lines', async () => {
    const cases: Array<[string, RegExp, number]> = [
      [`default:\n${topic('a', 'Tin A')}${topic('a', 'Tin B')}`, /id "a" is used twice/, 3],
      [
        `default:\n${topic('a', 'Tin A')}${topic('b', 'Tin B', ', synonyms: [tin a]')}`,
        /also names topic a/,
        3,
      ],
      [`default:\n${topic('a', 'Một tên chủ đề quá dài để làm nút')}`, /default\[0\]\.title\.vi/, 2],
      [
        `default:\n${['a', 'b', 'c', 'd', 'e', 'f'].map((x) => topic(x, `Tin ${x}`)).join('')}`,
        /at most 5 topics/,
        1,
      ],
      [`default:\n${topic('a', 'Tin A', ', colour: red')}`, /unknown key "colour"/, 2],
    ];
    for (const [text, reason, line] of cases) {
      await write(text);
      const res = await loadTopicsFile(dir);
      expect(res.ok, text).toBe(false);
      if (res.ok) continue;
      expect(res.problems.map((p) => p.reason).join('\n')).toMatch(reason);
      expect(res.problems[0]).toMatchObject({ file: 'broadcasts/topics.yaml', line });
    }
  });

  it('keeps the last good list when the file breaks', async () => {
    await write(`default:\n${topic('a', 'Tin A')}`);
    const store = createTopicStore({ flowsDir: dir });
    await store.reload();
    await write('default: [ {id: a');
    const problems = await store.reload();
    expect(problems.length).toBeGreaterThan(0);
    expect(store.forOa('oa-1').map((t) => t.id)).toEqual(['a']);
  });

  it('is part of `flows check`', async () => {
    await cp(defaultFlowsDir(), dir, { recursive: true });
    expect((await checkFlowsDir(dir)).problems).toEqual([]);
    await write(`default:\n${topic('a', 'Tin A')}${topic('a', 'Tin B')}`);
    expect((await checkFlowsDir(dir)).problems).toEqual([
      { file: 'broadcasts/topics.yaml', line: 3, reason: 'default[1].id: id "a" is used twice' },
    ]);
  });
});
